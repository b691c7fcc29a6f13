package telegram_test

import (
	"strings"
	"testing"
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
