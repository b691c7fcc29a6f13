package telegram_test

import (
	"context"
	"strings"
	"testing"

	"github.com/go-telegram/bot/models"
	"github.com/qamqor/qamqor/bot"
	"github.com/qamqor/qamqor/store"
)

// An admin grants roles through Telegram by @username, by forwarding a message after
// /role <role>, and by replying /role <role> to a forwarded message; a name the bot was
// never told, a sender who hides their account, and a channel's post get clear answers.
// What the bot keeps of a username is a hash, with a TTL, and /forget deletes it.
func TestRolesAreGrantedByUsernameAndForwardedMessage(t *testing.T) {
	w := newWorld(t)
	w.startReferrals()
	rdb := w.redis.Client()
	ctx := context.Background()
	const colleague, second, hidden int64 = 410, 411, 412
	say := func(chat int64, text string) string {
		t.Helper()
		w.text(polling, chat, text)
		return w.api.Last(chat).Text
	}
	w.api.SetUsername(colleague, "Dana_Social")
	for _, chat := range []int64{colleague, second, admin} {
		w.text(polling, chat, "/start")
		w.press(polling, chat, "Русский")
	}
	role := func(user int64) bot.Role {
		t.Helper()
		r, err := store.NewAdmin(rdb).Role(ctx, user)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}

	if got := say(admin, "/role @dana_social editor"); !strings.Contains(got, "Пользователю @dana_social (410) выдана роль: редактор") {
		t.Fatalf("by username: %s", got)
	}
	if role(colleague) != bot.RoleEditor {
		t.Fatal("the role is not stored")
	}
	for _, k := range w.redis.Keys("*") {
		if strings.Contains(strings.ToLower(k), "dana") {
			t.Errorf("a key holds the username itself: %s", k)
		}
	}
	unames := w.redis.Keys("{uname:*}")
	if len(unames) != 1 || rdb.Get(ctx, unames[0]).Val() != "410" || rdb.PTTL(ctx, unames[0]).Val() <= 0 {
		t.Errorf("the username's key: %v, TTL %v", unames, rdb.PTTL(ctx, unames[0]).Val())
	}
	if got := say(admin, "/role @nobody_here editor"); !strings.Contains(got, "Бот не знает пользователя @nobody_here") {
		t.Errorf("an unknown username: %s", got)
	}

	if got := say(admin, "/role admin"); !strings.Contains(got, "Перешлите сюда любое сообщение") {
		t.Fatalf("/role admin alone: %s", got)
	}
	before := len(w.api.Messages(admin))
	id, _ := w.api.Forward(admin, "/start это написал коллега", models.MessageOrigin{Type: models.MessageOriginTypeUser,
		MessageOriginUser: &models.MessageOriginUser{Date: 1, SenderUser: models.User{ID: second, FirstName: "Асель"}}}, "ru")
	w.deliver(polling, id)
	w.waitFor(func() bool { return len(w.api.Messages(admin)) > before }, "the answer to a forwarded message")
	if got := w.api.Last(admin).Text; !strings.Contains(got, "Пользователю 411 выдана роль: администратор") || role(second) != bot.RoleAdmin {
		t.Fatalf("by a forwarded message: %s", got)
	}

	say(admin, "/role editor")
	before = len(w.api.Messages(admin))
	id, _ = w.api.Forward(admin, "привет", models.MessageOrigin{Type: models.MessageOriginTypeHiddenUser,
		MessageOriginHiddenUser: &models.MessageOriginHiddenUser{Date: 1, SenderUserName: "Скрытый"}}, "ru")
	w.deliver(polling, id)
	w.waitFor(func() bool { return len(w.api.Messages(admin)) > before }, "the answer to a hidden sender's message")
	if got := w.api.Last(admin).Text; !strings.Contains(got, "скрывает свой аккаунт") {
		t.Errorf("a hidden sender: %s", got)
	}

	// Forwarded first, then a reply to it.
	_, forwarded := w.api.Forward(admin, "сообщение коллеги", models.MessageOrigin{Type: models.MessageOriginTypeUser,
		MessageOriginUser: &models.MessageOriginUser{Date: 1, SenderUser: models.User{ID: hidden, FirstName: "Ерлан"}}}, "ru")
	w.waitFor(func() bool { return len(w.api.Messages(admin)) > before+1 }, "the answer to the forwarded message")
	before = len(w.api.Messages(admin))
	w.deliver(polling, w.api.Reply(admin, forwarded, "/role editor", "ru"))
	w.waitFor(func() bool { return len(w.api.Messages(admin)) > before }, "the answer to the reply")
	if got := w.api.Last(admin).Text; !strings.Contains(got, "Пользователю 412 выдана роль: редактор") || role(hidden) != bot.RoleEditor {
		t.Errorf("by replying to a forwarded message: %s", got)
	}

	// /forget takes the username away.
	say(colleague, "/forget")
	w.press(polling, colleague, "Да, удалить всё")
	if keys := w.redis.Keys("{uname:*}"); len(keys) != 0 {
		t.Errorf("the username is kept after /forget: %v", keys)
	}
}
