package admin_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/qamqor/qamqor/bot"
	"github.com/qamqor/qamqor/bot/admin"
	"github.com/qamqor/qamqor/bot/bottest"
	"github.com/qamqor/qamqor/bot/privacy"
	"github.com/qamqor/qamqor/content"
)

// people is a service whose admin names people by @username and forwarded message.
type people struct {
	svc       *bot.Service
	sessions  *bottest.Sessions
	roles     *bottest.Admin
	usernames *bottest.Usernames
}

func setUpPeople(t *testing.T) *people {
	t.Helper()
	p := &people{sessions: bottest.NewSessions(), roles: bottest.NewAdmin(), usernames: bottest.NewUsernames()}
	p.svc = bot.NewService(bottest.Engine(t), p.sessions, bottest.Quiet, bot.WithServiceClock(func() time.Time { return now }))
	roles := admin.New(p.roles, []int64{configured}, bottest.Quiet).WithUsernames(p.usernames)
	if err := p.svc.Register(roles, privacy.New()); err != nil {
		t.Fatal(err)
	}
	bottest.Russian(p.sessions, configured, editor, other, stranger)
	return p
}

func (p *people) role(t *testing.T, user int64) bot.Role {
	t.Helper()
	r, err := p.roles.Role(context.Background(), user)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// An admin grants a role by @username — known only of people who wrote to the bot, in
// any case and with or without "@" as they typed it — and gets a clear answer for a
// name nobody who wrote has, in both languages.
func TestARoleIsGrantedByUsername(t *testing.T) {
	p := setUpPeople(t)
	colleague := bottest.NewChat(t, p.svc, editor)
	colleague.Send(bot.Input{Kind: bot.InputText, Text: "/menu", Username: "Aigerim_K"})
	boss := bottest.NewChat(t, p.svc, configured)
	says(t, boss.Text("/role @aigerim_k editor"), "Пользователю @aigerim_k (2) выдана роль: редактор.")
	if got := p.role(t, editor); got != bot.RoleEditor {
		t.Errorf("the role granted by username: %q", got)
	}
	says(t, boss.Text("/role @nobody_here editor"), "Бот не знает пользователя @nobody_here: он помнит имя пользователя только того, кто сам писал боту, и 30 дней после его последнего сообщения.")
	says(t, boss.Text("/role @a editor"), "Выдать роль:")
	if got := p.role(t, other); got != "" {
		t.Errorf("someone got a role by a name that is not theirs: %q", got)
	}
	p.sessions.Set(configured, bot.Session{Lang: content.KK})
	says(t, boss.Text("/role @nobody_here editor"), "Бот @nobody_here пайдаланушысын білмейді")
	says(t, boss.Text("/role @AIGERIM_K none"), "@aigerim_k (2) пайдаланушысының енді рөлі жоқ.")

	// What is kept is listed and forgotten.
	says(t, colleague.Text("/mydata"), "ваше имя пользователя Telegram — не само имя, а его хеш")
	colleague.Text("/forget")
	colleague.Press("F:y")
	bottest.Russian(p.sessions, configured)
	says(t, boss.Text("/role @aigerim_k editor"), "Бот не знает пользователя @aigerim_k")
}

// An admin grants a role by forwarding a message of the person after /role <role>, or by
// replying /role <role> to a message forwarded before; a sender who hides their account,
// or a message from a channel, gets an answer saying so, and grants nothing.
func TestARoleIsGrantedByAForwardedMessage(t *testing.T) {
	for _, lang := range []content.Lang{content.RU, content.KK} {
		t.Run(string(lang), func(t *testing.T) {
			p := setUpPeople(t)
			p.sessions.Set(configured, bot.Session{Lang: lang})
			boss := bottest.NewChat(t, p.svc, configured)
			want := map[content.Lang][]string{
				content.RU: {"Кому: редактор? Перешлите", "Пользователю 2 выдана роль: редактор.", "скрывает свой аккаунт", "из группы или канала", "Пользователю 3 выдана роль: администратор."},
				content.KK: {"Кімге: редактор? Сол адамның", "2 пайдаланушысына рөл берілді: редактор.", "аккаунтын жасырады", "топтан немесе арнадан", "3 пайдаланушысына рөл берілді: әкімші."},
			}[lang]
			says(t, boss.Text("/role editor"), want[0])
			says(t, boss.Send(bot.Input{Kind: bot.InputText, Text: "/start мой текст", Forwarded: &bot.Origin{User: editor}}), want[1])
			if got := p.role(t, editor); got != bot.RoleEditor {
				t.Fatalf("the role granted by a forwarded message: %q", got)
			}
			boss.Text("/role admin")
			says(t, boss.Send(bot.Input{Kind: bot.InputText, Text: "привет", Forwarded: &bot.Origin{Hidden: true}}), want[2])
			boss.Text("/role admin")
			says(t, boss.Send(bot.Input{Kind: bot.InputText, Text: "новости", Forwarded: &bot.Origin{}}), want[3])
			says(t, boss.Send(bot.Input{Kind: bot.InputText, Text: "/role admin", ReplyForwarded: &bot.Origin{User: other}}), want[4])
			if got := p.role(t, other); got != bot.RoleAdmin {
				t.Errorf("the role granted by a reply to a forwarded message: %q", got)
			}
			if s, _ := p.sessions.Get(configured); s.Flow != "" {
				t.Errorf("the role flow is left open: %q", s.Flow)
			}
		})
	}
}

// Someone who is not an admin cannot use the flow, and their forwarded messages grant
// nothing; a forwarded "/role" is not a command of the one who forwards it.
func TestOnlyAnAdminGrantsByForwarding(t *testing.T) {
	p := setUpPeople(t)
	p.sessions.Set(stranger, bot.Session{Lang: content.RU, Flow: "role:admin"})
	intruder := bottest.NewChat(t, p.svc, stranger)
	intruder.Send(bot.Input{Kind: bot.InputText, Text: "привет", Forwarded: &bot.Origin{User: stranger}})
	if got := p.role(t, stranger); got != "" {
		t.Fatalf("a stranger granted themselves %q", got)
	}
	boss := bottest.NewChat(t, p.svc, configured)
	r := boss.Send(bot.Input{Kind: bot.InputText, Text: "/role 3 admin", Forwarded: &bot.Origin{User: other}})
	if got := p.role(t, other); got != "" || strings.Contains(strings.Join(bottest.Texts(r), " "), "выдана роль") {
		t.Errorf("a forwarded /role was run as the admin's command: %q", bottest.Texts(r))
	}
}
