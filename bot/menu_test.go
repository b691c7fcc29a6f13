package bot_test

import (
	"context"
	"slices"
	"testing"

	"github.com/qamqor/qamqor/bot"
	"github.com/qamqor/qamqor/bot/admin"
	"github.com/qamqor/qamqor/bot/bottest"
	"github.com/qamqor/qamqor/content"
)

// partners is a role source of partners only, as the referrals are.
type partners []int64

func (p partners) RolesOf(_ context.Context, chat int64) ([]bot.Role, error) {
	if slices.Contains(p, chat) {
		return []bot.Role{bot.RolePartner}, nil
	}
	return nil, nil
}
func (p partners) Holders(context.Context) ([]int64, error) { return p, nil }

func names(cmds []bot.Command) []string {
	var out []string
	for _, c := range cmds {
		out = append(out, c.Name)
	}
	return out
}

// Everyone's command menu lists what features register InMenu for everyone — privacy's
// /mydata and /forget, and a help line's /sos once a feature registers it — once each, in
// both languages; commands for a role are only in the menus of the chats holding it: an
// admin's (with the editors' too), an editor's, a partner's.
func TestMenusListWhatFeaturesRegister(t *testing.T) {
	roles := bottest.NewAdmin()
	const boss, editor, partner, person int64 = 1, 2, 3, 4
	if err := roles.SetRole(context.Background(), editor, bot.RoleEditor); err != nil {
		t.Fatal(err)
	}
	helpLine := feature{"helpline", func(r *bot.Router) {
		r.Command("sos", "", func(t *bot.Turn) bool { return true }, bot.InMenu("CommandHelp"))
		r.Command("content", bot.RoleEditor, func(t *bot.Turn) bool { return true }, bot.InMenu("CommandMenu"))
		r.Command("refer", "", func(t *bot.Turn) bool { return true }, bot.InMenu("CommandStart"), bot.ListedFor(bot.RolePartner))
		// One command listed for two roles, as /console is for editors and partners.
		r.Command("desk", "", func(t *bot.Turn) bool { return true }, bot.InMenu("CommandLang"), bot.ListedFor(bot.RoleEditor, bot.RolePartner))
		r.RolesFrom(partners{partner})
	}}
	svc, _ := bottest.Service(t, admin.New(roles, []int64{boss}, bottest.Quiet), helpLine)
	ctx := context.Background()
	for _, lang := range content.Langs {
		everyone := names(svc.Commands(lang))
		for _, want := range []string{"start", "help", "mydata", "forget", "sos"} {
			if n := countOf(everyone, want); n != 1 {
				t.Errorf("%s: everyone's menu %v lists /%s %d times, want once", lang, everyone, want, n)
			}
		}
		for _, not := range []string{"role", "content", "refer", "desk"} {
			if slices.Contains(everyone, not) {
				t.Errorf("%s: everyone's menu %v lists /%s", lang, everyone, not)
			}
		}
		for chat, want := range map[int64][]string{
			boss: {"mydata", "sos", "role", "roles", "audit", "content", "desk"}, editor: {"mydata", "content", "desk"}, partner: {"forget", "refer", "desk"},
		} {
			cmds, own, err := svc.ChatMenu(ctx, chat, lang)
			got := names(cmds)
			if n := countOf(got, "desk"); n != 1 {
				t.Errorf("%s: chat %d's menu %v lists /desk %d times, want once", lang, chat, got, n)
			}
			for _, w := range want {
				if !own || err != nil || !slices.Contains(got, w) {
					t.Errorf("%s: chat %d's menu %v (own %v, %v) lacks /%s", lang, chat, got, own, err, w)
				}
			}
			if chat != boss && slices.Contains(got, "role") || chat != partner && slices.Contains(got, "refer") {
				t.Errorf("%s: chat %d's menu %v lists another role's commands", lang, chat, got)
			}
		}
		if cmds, own, err := svc.ChatMenu(ctx, person, lang); own || err != nil || cmds != nil {
			t.Errorf("%s: a person without a role has a menu of their own: %v %v", lang, names(cmds), err)
		}
	}
	if got := svc.Commands(content.KK)[0]; got.Description == svc.Commands(content.RU)[0].Description {
		t.Errorf("the Kazakh menu is the Russian one: %q", got.Description)
	}
	holders, err := svc.MenuHolders(ctx)
	if err != nil || !slices.Equal(holders, []int64{boss, editor, partner}) {
		t.Errorf("the chats with menus of their own: %v %v", holders, err)
	}
}

func countOf(list []string, s string) int {
	n := 0
	for _, x := range list {
		if x == s {
			n++
		}
	}
	return n
}
