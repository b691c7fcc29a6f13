package admin_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/qamqor/qamqor/bot"
	"github.com/qamqor/qamqor/bot/admin"
	"github.com/qamqor/qamqor/bot/bottest"
)

// The configured admin, a person granted a role, and someone without one.
const (
	configured int64 = 1
	editor     int64 = 2
	other      int64 = 3
	stranger   int64 = 4
)

var now = time.Date(2026, 3, 14, 9, 30, 0, 0, time.UTC)

func setUp(t *testing.T) (*bot.Service, *bottest.Sessions, *bottest.Admin) {
	t.Helper()
	roles := bottest.NewAdmin()
	sessions := bottest.NewSessions()
	svc := bot.NewService(bottest.Engine(t), sessions, bottest.Quiet, bot.WithServiceClock(func() time.Time { return now }))
	if err := svc.Register(admin.New(roles, []int64{configured}, bottest.Quiet)); err != nil {
		t.Fatal(err)
	}
	bottest.Russian(sessions, configured, editor, other, stranger)
	return svc, sessions, roles
}

func says(t *testing.T, r bot.Result, want string) {
	t.Helper()
	for _, text := range bottest.Texts(r) {
		if strings.Contains(text, want) {
			return
		}
	}
	t.Errorf("no reply says %q: %q", want, bottest.Texts(r))
}

// An admin grants and takes roles in chat, sees them, and reads the audit log, where
// each change is, at the service's time; each command costs one session write (the
// mark that it was handled), and a bad one changes nothing.
func TestAnAdminGrantsRolesAndEachChangeIsAudited(t *testing.T) {
	svc, sessions, roles := setUp(t)
	boss := bottest.NewChat(t, svc, configured)
	before := sessions.Writes()
	says(t, boss.Text("/role 2 editor"), "Пользователю 2 выдана роль: редактор.")
	says(t, boss.Text("/role 3 ADMIN"), "Пользователю 3 выдана роль: администратор.")
	if got := sessions.Writes() - before; got != 2 {
		t.Errorf("two commands wrote the session %d times, want once each", got)
	}
	ctx := context.Background()
	if r, _ := roles.Role(ctx, editor); r != bot.RoleEditor {
		t.Errorf("2's role is %q", r)
	}

	// A granted admin is an admin: they list the roles.
	second := bottest.NewChat(t, svc, other)
	r := second.Text("/roles")
	for _, want := range []string{"1 — администратор (ADMIN_IDS)", "2 — редактор", "3 — администратор"} {
		says(t, r, want)
	}
	// A configured admin's role is not theirs to take.
	says(t, second.Text("/role 1 none"), "1 — администратор из настройки ADMIN_IDS")
	for _, bad := range []string{"/role", "/role 2", "/role x editor", "/role 2 king", "/role 2 editor now"} {
		says(t, boss.Text(bad), "Выдать роль: /role номер admin")
	}
	says(t, boss.Text("/role 3 none"), "У пользователя 3 больше нет роли.")
	if r, _ := roles.Role(ctx, other); r != "" {
		t.Errorf("3 still has the role %q", r)
	}

	want := []admin.Entry{
		{At: now, Who: configured, Action: "role.grant", Detail: "2 editor"},
		{At: now, Who: configured, Action: "role.grant", Detail: "3 admin"},
		{At: now, Who: configured, Action: "role.remove", Detail: "3"},
	}
	if got := roles.Entries(); !slices.Equal(got, want) {
		t.Errorf("the audit log holds %+v, want %+v", got, want)
	}
	log := boss.Text("/audit").Replies[0].Text
	lines := strings.Split(log, "\n")
	wantLines := []string{
		"Журнал действий, последние 3 записи",
		"14.03.2026 09:30 · 1 · role.remove · 3",
		"14.03.2026 09:30 · 1 · role.grant · 3 admin",
		"14.03.2026 09:30 · 1 · role.grant · 2 editor",
	}
	if len(lines) != len(wantLines) {
		t.Fatalf("/audit:\n%s", log)
	}
	for i, w := range wantLines {
		if !strings.HasPrefix(lines[i], w) {
			t.Errorf("/audit line %d is %q, want %q", i, lines[i], w)
		}
	}
	if got := boss.Text("/audit 1").Replies[0].Text; strings.Count(got, "\n") != 1 || !strings.Contains(got, "role.remove") {
		t.Errorf("/audit 1:\n%s", got)
	}
}

// A stranger's and an editor's admin commands get exactly what any unknown command
// gets from a bot without roles at all, and change nothing.
func TestAdminCommandsAreUnknownToAStrangerAndAnEditor(t *testing.T) {
	svc, _, roles := setUp(t)
	ctx := context.Background()
	_ = roles.SetRole(ctx, editor, bot.RoleEditor)
	bare, bareSessions := bottest.Service(t)
	bottest.Russian(bareSessions, editor, stranger)
	for _, chat := range []int64{stranger, editor} {
		person, unknown := bottest.NewChat(t, svc, chat), bottest.NewChat(t, bare, chat)
		for _, cmd := range []string{"/role 4 admin", "/role 2 admin", "/roles", "/audit", "/audit 5"} {
			got, want := person.Text(cmd), unknown.Text(cmd)
			if !slices.Equal(bottest.Texts(got), bottest.Texts(want)) || !strings.Contains(got.Replies[0].Text, "Я не знаю команду") {
				t.Errorf("%s by %d: %q; an unknown command gets %q", cmd, chat, bottest.Texts(got), bottest.Texts(want))
			}
		}
	}
	if got, _ := roles.Roles(ctx); len(got) != 1 || got[editor] != bot.RoleEditor {
		t.Errorf("roles now: %v", got)
	}
	if got := roles.Entries(); len(got) != 0 {
		t.Errorf("audited: %+v", got)
	}
}

// The configured admins are admins whatever the store says, or when it is away; others
// hold what was granted, an admin every role; a store that does not answer grants nothing.
func TestRolesComeFromTheConfigurationAndTheStore(t *testing.T) {
	roles := bottest.NewAdmin()
	var logs bytes.Buffer
	f := admin.New(roles, []int64{configured}, slog.New(slog.NewTextHandler(&logs, nil)))
	ctx := context.Background()
	_ = roles.SetRole(ctx, editor, bot.RoleEditor)
	_ = roles.SetRole(ctx, other, bot.RoleAdmin)
	for _, tc := range []struct {
		chat int64
		role bot.Role
		want bool
	}{
		{configured, bot.RoleAdmin, true}, {configured, bot.RoleEditor, true},
		{editor, bot.RoleEditor, true}, {editor, bot.RoleAdmin, false},
		{other, bot.RoleAdmin, true}, {other, bot.RoleEditor, true},
		{stranger, bot.RoleEditor, false}, {stranger, bot.RoleAdmin, false},
	} {
		if got := f.Has(ctx, tc.chat, tc.role); got != tc.want {
			t.Errorf("Has(%d, %s) = %v, want %v", tc.chat, tc.role, got, tc.want)
		}
	}
	roles.Fail = errors.New("the store is away")
	if !f.Has(ctx, configured, bot.RoleAdmin) {
		t.Error("a configured admin lost the role when the store went away")
	}
	if f.Has(ctx, other, bot.RoleAdmin) || f.Has(ctx, editor, bot.RoleEditor) {
		t.Error("a store that does not answer granted a role")
	}
	if !strings.Contains(logs.String(), "reading a role") {
		t.Errorf("the store's error was not logged:\n%s", logs.String())
	}
}

// An audited action goes to the process log too; an audit log that cannot be written is
// logged as an error, and a command whose store is away says so and changes nothing.
func TestAuditGoesToTheProcessLogAndAFailureIsSaid(t *testing.T) {
	roles := bottest.NewAdmin()
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, nil))
	f := admin.New(roles, []int64{configured}, log)
	ctx := context.Background()
	f.Audit(ctx, now, configured, "partner.invite", "Шапағат")
	if got := roles.Entries(); len(got) != 1 || got[0] != (admin.Entry{At: now, Who: configured, Action: "partner.invite", Detail: "Шапағат"}) {
		t.Errorf("the audit log: %+v", got)
	}
	if !strings.Contains(logs.String(), "msg=audit who=1 action=partner.invite") {
		t.Errorf("the process log:\n%s", logs.String())
	}
	roles.Fail = errors.New("the store is away")
	f.Audit(ctx, now, configured, "partner.revoke", "5")
	if !strings.Contains(logs.String(), "level=ERROR msg=\"writing the audit log") {
		t.Errorf("a lost audit entry was not logged as an error:\n%s", logs.String())
	}

	sessions := bottest.NewSessions()
	svc := bot.NewService(bottest.Engine(t), sessions, bottest.Quiet)
	if err := svc.Register(f); err != nil {
		t.Fatal(err)
	}
	bottest.Russian(sessions, configured)
	boss := bottest.NewChat(t, svc, configured)
	for _, cmd := range []string{"/role 2 editor", "/roles", "/audit"} {
		says(t, boss.Text(cmd), "Сервис временно недоступен")
	}
}
