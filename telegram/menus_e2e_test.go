package telegram_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/go-telegram/bot/models"
)

// menuNames are the commands of a menu, as "/name".
func menuNames(cmds []models.BotCommand) []string {
	var out []string
	for _, c := range cmds {
		out = append(out, "/"+c.Command)
	}
	return out
}

// The chats that hold a role get their own command menu (scope "chat") in Kazakh, in
// Russian and in both for other apps: admins at start-up, an editor when an admin grants
// the role, a partner when they join; taking the role away, or revoking the partner,
// gives them everyone's menu back. Everyone's menu lists /mydata and /forget.
func TestRoleHoldersGetTheirOwnCommandMenus(t *testing.T) {
	w := newWorld(t)
	w.startReferrals()
	const editor int64 = 400
	adminScope := &models.BotCommandScopeChat{ChatID: admin}
	editorScope := &models.BotCommandScopeChat{ChatID: editor}
	staffScope := &models.BotCommandScopeChat{ChatID: staff}
	w.waitFor(func() bool { return len(w.api.CommandsFor(adminScope, "ru")) > 0 }, "the admin's menu at start-up")

	descriptions := map[string]string{"ru": "Выдать или снять роль", "kk": "Рөл беру немесе алып тастау", "": "Рөл беру немесе алып тастау / Выдать или снять роль"}
	for lang, want := range descriptions {
		menu := w.api.CommandsFor(adminScope, lang)
		names := menuNames(menu)
		for _, cmd := range []string{"/start", "/mydata", "/forget", "/role", "/roles", "/audit", "/invite", "/partners", "/revoke"} {
			if !slices.Contains(names, cmd) {
				t.Errorf("the admin's menu (lang %q) lacks %s: %v", lang, cmd, names)
			}
		}
		if slices.Contains(names, "/refer") {
			t.Errorf("an admin who is not a partner has the partners' /refer (lang %q): %v", lang, names)
		}
		if i := slices.Index(names, "/role"); i < 0 || menu[i].Description != want {
			t.Errorf("the admin's /role in lang %q: %+v, want %q", lang, menu, want)
		}
	}
	for _, lang := range []string{"", "kk", "ru"} {
		names := menuNames(w.api.Commands(lang))
		if !slices.Contains(names, "/mydata") || !slices.Contains(names, "/forget") || slices.Contains(names, "/role") || slices.Contains(names, "/refer") {
			t.Errorf("everyone's menu (lang %q): %v", lang, names)
		}
	}
	if got := w.api.CommandsFor(editorScope, "ru"); got != nil {
		t.Fatalf("a chat without a role has a menu of its own: %v", menuNames(got))
	}

	w.text(polling, admin, "/role 400 editor")
	w.waitFor(func() bool { return len(w.api.CommandsFor(editorScope, "kk")) > 0 }, "the editor's menu")
	if names := menuNames(w.api.CommandsFor(editorScope, "kk")); slices.Contains(names, "/role") || !slices.Contains(names, "/mydata") {
		t.Errorf("the editor's menu: %v", names)
	}
	w.text(polling, admin, "/role 400 none")
	w.waitFor(func() bool {
		return w.api.CommandsFor(editorScope, "kk") == nil && w.api.CommandsFor(editorScope, "") == nil
	}, "the editor's menu to go")

	// A partner's menu is in the language they speak to the bot in, whatever their app's
	// language, and follows them when they change it.
	w.invitePartner("Шапағат")
	w.waitFor(func() bool { return len(w.api.CommandsFor(staffScope, "ru")) > 0 }, "the partner's menu")
	partnerMenu := func(want string) bool {
		for _, lang := range []string{"", "kk", "ru"} {
			menu := w.api.CommandsFor(staffScope, lang)
			names := menuNames(menu)
			i := slices.Index(names, "/refer")
			if i < 0 || menu[i].Description != want || !slices.Contains(names, "/referrals") || !slices.Contains(names, "/report") || slices.Contains(names, "/role") {
				return false
			}
		}
		return true
	}
	if !partnerMenu("Направить клиента") {
		t.Errorf("the Russian-speaking partner's menu: %+v / %+v / %+v", w.api.CommandsFor(staffScope, ""), w.api.CommandsFor(staffScope, "kk"), w.api.CommandsFor(staffScope, "ru"))
	}
	w.text(polling, staff, "/lang") // Russian to Kazakh
	w.waitFor(func() bool { return partnerMenu("Клиентті жолдамамен жіберу") }, "the partner's menu in Kazakh")
	w.text(polling, admin, "/revoke 200")
	if got := w.api.Last(admin).Text; !strings.Contains(got, "200") {
		t.Fatalf("revoking: %s", got)
	}
	w.waitFor(func() bool { return w.api.CommandsFor(staffScope, "ru") == nil }, "the revoked partner's menu to go")
}
