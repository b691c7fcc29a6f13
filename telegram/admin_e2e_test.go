package telegram_test

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"

	"github.com/qamqor/qamqor/bot"
	botadmin "github.com/qamqor/qamqor/bot/admin"
	"github.com/qamqor/qamqor/bot/handoff"
	botnews "github.com/qamqor/qamqor/bot/news"
	"github.com/qamqor/qamqor/bot/publishing"
	"github.com/qamqor/qamqor/bot/referrals"
	"github.com/qamqor/qamqor/bot/safety"
	"github.com/qamqor/qamqor/bot/stats"
	"github.com/qamqor/qamqor/content"
	"github.com/qamqor/qamqor/internal/fakebotapi"
	datakey "github.com/qamqor/qamqor/secret"
	"github.com/qamqor/qamqor/store"
)

func TestRolesAreGrantedInChatAndAudited(t *testing.T) {
	w := newWorld(t)
	w.startReferrals()
	const editor, second = 400, 401
	say := func(chat int64, text string) string {
		t.Helper()
		w.text(polling, chat, text)
		return w.api.Last(chat).Text
	}
	unknown := func(chat int64, cmd string) {
		t.Helper()
		if got := say(chat, cmd); !strings.Contains(got, "Я не знаю команду") {
			t.Errorf("%s by %d, who may not, got: %s", cmd, chat, got)
		}
	}
	for _, chat := range []int64{editor, second, stranger} {
		w.text(polling, chat, "/start")
		w.press(polling, chat, "Русский")
	}

	// Nobody but an admin reaches the admin commands.
	for _, cmd := range []string{"/role 999 admin", "/roles", "/audit", "/invite Фирма", "/partners", "/revoke 1"} {
		unknown(stranger, cmd)
	}

	if got := say(admin, "/role 400 editor"); !strings.Contains(got, "Пользователю 400 выдана роль: редактор") {
		t.Fatalf("granting: %s", got)
	}
	// An editor is not an admin.
	for _, cmd := range []string{"/role 999 admin", "/roles", "/audit", "/invite Фирма", "/partners"} {
		unknown(editor, cmd)
	}
	if got := say(admin, "/role 401 admin"); !strings.Contains(got, "администратор") {
		t.Fatalf("granting admin: %s", got)
	}
	if got := say(second, "/invite Шапағат"); !strings.Contains(got, "Приглашение для «Шапағат»") {
		t.Errorf("a granted admin inviting: %s", got)
	}
	if got := say(second, "/roles"); !strings.Contains(got, "100 — администратор (ADMIN_IDS)") || !strings.Contains(got, "400 — редактор") || !strings.Contains(got, "401 — администратор") {
		t.Errorf("/roles:\n%s", got)
	}
	// Admins from the configuration stay admins.
	if got := say(second, "/role 100 none"); !strings.Contains(got, "ADMIN_IDS") {
		t.Errorf("taking a configured admin's role: %s", got)
	}
	for _, bad := range []string{"/role", "/role 400", "/role x editor", "/role 400 king"} {
		if got := say(admin, bad); !strings.Contains(got, "Выдать роль:") {
			t.Errorf("%q: %s", bad, got)
		}
	}
	if got := say(admin, "/role 401 none"); !strings.Contains(got, "У пользователя 401 больше нет роли") {
		t.Errorf("removing: %s", got)
	}
	unknown(second, "/invite Снова")

	got := say(admin, "/audit")
	lines := strings.Split(got, "\n")
	want := []string{"100 · role.remove · 401", "401 · partner.invite · Шапағат", "100 · role.grant · 401 admin", "100 · role.grant · 400 editor"}
	if len(lines) < len(want)+1 {
		t.Fatalf("/audit:\n%s", got)
	}
	for i, w := range want {
		if !strings.HasSuffix(lines[i+1], w) {
			t.Errorf("audit entry %d is %q, want it to end with %q", i+1, lines[i+1], w)
		}
	}
}

// withRoles registers roles and the audit log on svc, with admin the configured admin, as
// serve does with ADMIN_IDS.
func (w *world) withRoles(svc *bot.Service) {
	w.t.Helper()
	mustRegister(w.t, svc, botadmin.New(store.NewAdmin(w.redis.Client()), []int64{admin}, slog.New(slog.NewTextHandler(w.logs, nil))).
		WithUsernames(store.NewUsernames(w.redis.Client())))
}

// startEverything runs the serve path with every feature on, as cmd/qamqor does with
// DATA_KEY, ADMIN_IDS and OPERATOR_CHAT_ID set.
func (w *world) startEverything() {
	w.t.Helper()
	rdb := w.redis.Client()
	key, err := datakey.ParseKey(datakey.GenerateKey())
	if err != nil {
		w.t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(w.logs, nil))
	svc := bot.NewService(w.engine(), store.NewSessions(rdb), log)
	w.withRoles(svc)
	mustRegister(w.t, svc, safety.New(safety.Options{}))
	mustRegister(w.t, svc, referrals.New(store.NewReferrals(rdb, key, 0),
		func(payload string) string { return "https://t.me/" + fakebotapi.BotUsername + "?start=" + payload }, nil))
	mustRegister(w.t, svc, publishing.New(store.NewContent(rdb)),
		stats.New(store.NewStats(rdb), func(string, []string, []stats.Series) ([]byte, error) { return nil, errors.New("no chart here") }))
	mustRegister(w.t, svc, handoff.New(store.NewTickets(rdb, key), -1001))
	mustRegister(w.t, svc, botnews.New(store.NewNews(rdb), botnews.Options{}))
	w.startWith(polling, svc)
}

func TestEveryAdminCommandIsRefusedToAStrangerAndAdminOnesToAnEditor(t *testing.T) {
	w := newWorld(t)
	w.startEverything()
	rdb := w.redis.Client()
	ctx := context.Background()
	for _, chat := range []int64{stranger, editor} {
		w.text(polling, chat, "/start")
		w.press(polling, chat, "Русский")
	}
	if err := store.NewAdmin(rdb).SetRole(ctx, editor, bot.RoleEditor); err != nil {
		t.Fatal(err)
	}
	// Something for the commands to act on: a queued broadcast and a subscriber.
	news := store.NewNews(rdb)
	_ = news.Subscribe(ctx, stranger, "disability", "", content.RU)
	_ = news.SaveDraft(ctx, stranger, botnews.Draft{Texts: map[content.Lang]string{content.KK: "x", content.RU: "x"}})

	adminOnly := []string{"/role 999 admin", "/roles", "/audit", "/audit 5", "/invite Фирма", "/partners", "/revoke 200",
		"/stats", "/stats 7", "/tickets", "/broadcast", "/broadcasts"}
	editorToo := []string{"/content", "/rollback 1"}
	refused := func(chat int64, cmd string) {
		t.Helper()
		w.text(polling, chat, cmd)
		name, _, _ := strings.Cut(cmd, " ")
		if got := w.api.Last(chat).Text; !strings.HasPrefix(got, "Я не знаю команду "+name+". Команды: /start, /menu, /lang, /help.\n\nГлавное меню") {
			t.Errorf("%s by %d: %q; want what any unknown command gets", cmd, chat, got)
		}
	}
	for _, cmd := range append(adminOnly, editorToo...) {
		refused(stranger, cmd)
	}
	for _, cmd := range adminOnly {
		refused(editor, cmd)
	}
	// Buttons of admin screens, forged, are out of date for a stranger.
	for _, data := range []string{"U:pub", "U:no", "B:go", "B:no", "B:t:*", "B:r:*", "B:l:*", "B:p:1"} {
		id, _ := w.api.Press(stranger, w.api.Last(stranger).ID, data)
		w.deliver(polling, id)
		w.waitFor(func() bool { return strings.Contains(w.api.Last(stranger).Text, "кнопк") }, "the forged button "+data+" to be refused")
		w.text(polling, stranger, "/menu")
	}

	// Nothing changed: no role, no audit entry, no content version, no broadcast.
	if roles, _ := store.NewAdmin(rdb).Roles(ctx); len(roles) != 1 || roles[editor] != bot.RoleEditor {
		t.Errorf("roles now: %v", roles)
	}
	if log, _ := store.NewAdmin(rdb).AuditLog(ctx, 10); len(log) != 0 {
		t.Errorf("audited: %+v", log)
	}
	if _, ok, _ := store.NewContent(rdb).Current(ctx); ok {
		t.Error("a content version was published")
	}
	if bs, _ := news.Broadcasts(ctx, 10); len(bs) != 0 {
		t.Errorf("broadcasts: %+v", bs)
	}

	// The editor does reach the content commands.
	w.text(polling, editor, "/content")
	if got := w.api.Last(editor).Text; !strings.Contains(got, "Опубликованных версий нет") {
		t.Errorf("/content by an editor: %s", got)
	}
}
