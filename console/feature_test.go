package console_test

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/qamqor/qamqor/bot"
	"github.com/qamqor/qamqor/bot/admin"
	"github.com/qamqor/qamqor/bot/bottest"
	"github.com/qamqor/qamqor/console"
	"github.com/qamqor/qamqor/content"
)

// /console gives an editor, an admin and a partner (for their referrals page), in their
// language, a button with a one-time link that opens the console; a stranger gets what an
// unknown command gets.
func TestTheConsoleCommandSendsEditorsAOneTimeLink(t *testing.T) {
	f := newFixture(t, "https://bot.example.org/console/")
	store := bottest.NewAdmin()
	ctx := context.Background()
	_ = store.SetRole(ctx, editorID, bot.RoleEditor)
	roles := admin.New(store, []int64{adminID}, bottest.Quiet)
	svc, sessions := bottest.Service(t, roles, console.Command(f.h), partnerRoles{partnerID})
	bare, bareSessions := bottest.Service(t)
	bottest.Russian(sessions, adminID, editorID, partnerID, strangerID)
	bottest.Russian(bareSessions, partnerID, strangerID)

	for _, who := range []int64{editorID, adminID, partnerID} {
		r := bottest.NewChat(t, svc, who).Text("/console")
		if len(r.Replies) != 1 || !strings.Contains(r.Replies[0].Text, "10 минут") || len(r.Replies[0].Buttons) != 1 {
			t.Fatalf("/console by %d: %q", who, bottest.Texts(r))
		}
		b := r.Replies[0].Buttons[0][0]
		if b.Label != "Открыть панель" || !strings.HasPrefix(b.URL, "https://bot.example.org/console/login?t=") {
			t.Fatalf("the button: %+v", b)
		}
		w := f.do("POST", "/console/login", url.Values{"t": {token(t, b.URL)}}, nil)
		if w.Code != http.StatusSeeOther {
			t.Errorf("the link of %d does not open the console: %d", who, w.Code)
		}
	}
	if got := store.Entries(); len(got) != 3 || got[0].Action != "console.link" || got[1].Who != adminID || got[2].Who != partnerID {
		t.Errorf("audit: %+v", got)
	}
	for _, who := range []int64{strangerID} {
		got, want := bottest.NewChat(t, svc, who).Text("/console"), bottest.NewChat(t, bare, who).Text("/console")
		if !slices.Equal(bottest.Texts(got), bottest.Texts(want)) {
			t.Errorf("/console by %d: %q; an unknown command gets %q", who, bottest.Texts(got), bottest.Texts(want))
		}
	}
	for _, who := range []int64{editorID, partnerID, adminID} {
		for _, lang := range []content.Lang{content.KK, content.RU} {
			menu, own, err := svc.ChatMenu(ctx, who, lang)
			if err != nil || !own || !slices.ContainsFunc(menu, func(c bot.Command) bool { return c.Name == "console" && c.Description != "" }) {
				t.Errorf("the command menu of %d (%s) lacks /console: %+v", who, lang, menu)
			}
		}
	}
	if menu, _, _ := svc.ChatMenu(ctx, partnerID, content.KK); !slices.ContainsFunc(menu, func(c bot.Command) bool {
		return c.Name == "console" && c.Description == "Басқару панелі (браузерде)"
	}) {
		t.Errorf("the partner's Kazakh menu: %+v", menu)
	}
}

// partnerRoles says who the partners are, as the referrals feature does for the menus.
type partnerRoles []int64

func (p partnerRoles) Name() string                             { return "partners" }
func (p partnerRoles) Register(r *bot.Router)                   { r.RolesFrom(p) }
func (p partnerRoles) Holders(context.Context) ([]int64, error) { return p, nil }
func (p partnerRoles) RolesOf(_ context.Context, chat int64) ([]bot.Role, error) {
	if slices.Contains(p, chat) {
		return []bot.Role{bot.RolePartner}, nil
	}
	return nil, nil
}
