package telegram_test

import (
	"context"
	"log/slog"
	"strings"
	"testing"

	"github.com/go-telegram/bot/models"
	"github.com/qamqor/qamqor/bot"
	"github.com/qamqor/qamqor/bot/handoff"
	"github.com/qamqor/qamqor/bot/privacy"
	"github.com/qamqor/qamqor/content"
	"github.com/qamqor/qamqor/locales"
	datakey "github.com/qamqor/qamqor/secret"
	"github.com/qamqor/qamqor/store"
)

// operators is the operators' supergroup.
const operators = -1_001_234_567_890

// startHandoff runs the serve path with "Ask a specialist" on, operators in their group.
func (w *world) startHandoff(opts ...handoff.Option) {
	w.t.Helper()
	c, _, err := content.Load(content.Embedded(), "content/data")
	if err != nil {
		w.t.Fatal(err)
	}
	bundle, err := locales.Bundle()
	if err != nil {
		w.t.Fatal(err)
	}
	key, err := datakey.ParseKey(datakey.GenerateKey())
	if err != nil {
		w.t.Fatal(err)
	}
	rdb := w.redis.Client()
	svc := bot.NewService(bot.NewEngine(c, bundle), store.NewSessions(rdb), slog.New(slog.NewTextHandler(w.logs, nil)))
	w.withRoles(svc)
	mustRegister(w.t, svc, handoff.New(store.NewTickets(rdb, key), operators, opts...), privacy.New())
	w.api.Started(operators) // the bot was added to the group
	w.startWith(polling, svc)
}

// operatorReplies has an operator answer, in the group, the bot's message there that
// mentions ticket, and waits for the bot to react.
func (w *world) operatorReplies(ticket, text string) {
	w.t.Helper()
	var target *models.Message
	for _, m := range w.api.Messages(operators) {
		if strings.Contains(m.Text, ticket) && strings.Contains(m.Text, "(Reply)") {
			target = &models.Message{ID: m.ID, Text: m.Text, Chat: models.Chat{ID: operators, Type: models.ChatTypeSupergroup},
				From: &models.User{ID: 1, IsBot: true, Username: "QamqorTestBot"}}
		}
	}
	if target == nil {
		w.t.Fatalf("no message about %s in the operators' chat", ticket)
	}
	before := len(w.api.Messages(operators))
	w.api.Push(models.Update{Message: &models.Message{
		ID: 9000 + before, Text: text, Chat: models.Chat{ID: operators, Type: models.ChatTypeSupergroup},
		From: &models.User{ID: 777, FirstName: "Operator"}, ReplyToMessage: target,
	}})
	w.waitFor(func() bool { return len(w.api.Messages(operators)) > before }, "the bot to react to the operator's reply")
}

func TestAQuestionReachesOperatorsAndTheirAnswerComesBack(t *testing.T) {
	w := newWorld(t)
	w.startHandoff()
	w.text(polling, client, "/start")
	w.press(polling, client, "Русский")
	w.text(polling, client, "/start helplines_150")

	// On an answer screen: ask, write, see it, agree, send.
	w.press(polling, client, "Спросить специалиста")
	w.text(polling, client, "Мне нужна консультация юриста по алиментам")
	if got := w.api.Last(client).Text; !strings.Contains(got, "«Мне нужна консультация юриста по алиментам»") || !strings.Contains(got, "имя и номер телефона им не передаются") {
		t.Fatalf("consent:\n%s", got)
	}
	w.press(polling, client, "Да, отправить")
	if got := w.api.Last(client).Text; !strings.Contains(got, "номер обращения №1") {
		t.Fatalf("after sending: %s", got)
	}
	w.waitFor(func() bool {
		return strings.Contains(w.api.Last(operators).Text, "консультация юриста по алиментам")
	}, "the question in the operators' chat")
	if got := w.api.Last(operators).Text; !strings.Contains(got, "Обращение №1, язык: Русский") || strings.Contains(got, "өтініш") {
		t.Errorf("the operators see:\n%s", got)
	}

	// An operator's reply reaches the person; the group is told it went.
	w.operatorReplies("№1", "Позвоните в центр правовой помощи, номер есть на egov.kz")
	w.waitFor(func() bool {
		return strings.Contains(w.api.Last(client).Text, "Ответ специалиста по обращению №1")
	}, "the answer")
	if got := w.api.Last(client).Text; !strings.Contains(got, "Позвоните в центр правовой помощи") {
		t.Errorf("the person got:\n%s", got)
	}
	if got := w.api.Last(operators).Text; !strings.Contains(got, "Ответ по обращению №1 отправлен") {
		t.Errorf("the group was told: %s", got)
	}
	w.text(polling, operators, "/tickets")
	if got := w.api.Last(operators).Text; !strings.Contains(got, "№1 · ru") {
		t.Errorf("/tickets in the operators' chat:\n%s", got)
	}

	// The person closes it; a later reply is refused in the group.
	w.press(polling, client, "Вопрос решён, закрыть обращение")
	if got := w.api.Last(client).Text; !strings.Contains(got, "Обращение №1 закрыто") {
		t.Errorf("closing: %s", got)
	}
	w.waitFor(func() bool { return strings.Contains(w.api.Last(operators).Text, "закрыто человеком") }, "the group to learn it was closed")
	w.operatorReplies("№1", "Ещё одно")
	if got := w.api.Last(operators).Text; !strings.Contains(got, "закрыто или удалено") {
		t.Errorf("a reply to a closed ticket: %s", got)
	}
	w.text(polling, operators, "/tickets")
	if got := w.api.Last(operators).Text; !strings.Contains(got, "Открытых обращений нет") {
		t.Errorf("/tickets after closing: %s", got)
	}
}

func TestAskingIsOfferedWhenNothingIsFoundAndCanBeCancelled(t *testing.T) {
	w := newWorld(t)
	w.startHandoff()
	w.text(polling, client, "/start")
	w.press(polling, client, "Қазақша")
	w.text(polling, client, "пойызға билет қайдан аламын")
	w.press(polling, client, "Маманнан сұрау")
	w.press(polling, client, "Болдырмау")
	if got := w.api.Last(client).Text; !strings.Contains(got, "Сұрақ жіберілген жоқ") {
		t.Errorf("cancelling: %s", got)
	}
	// Typed text afterwards is a question for search again, not for the operators.
	w.text(polling, client, "мүгедектік бойынша жәрдемақы")
	if got := w.api.Last(client).Text; !strings.Contains(got, "Сұрағыңыз бойынша табылғаны") {
		t.Errorf("after cancelling, a question: %s", got)
	}
	if n := len(w.api.Messages(operators)); n != 0 {
		t.Errorf("the operators got %d messages", n)
	}
}

func TestTicketsAreForgottenAndOtherGroupsIgnored(t *testing.T) {
	w := newWorld(t)
	w.startHandoff()
	w.text(polling, client, "/start")
	w.press(polling, client, "Русский")
	w.text(polling, client, "/start helplines_150")
	w.press(polling, client, "Спросить специалиста")
	w.text(polling, client, "Личный вопрос")
	w.press(polling, client, "Да, отправить")
	raw, _ := w.redis.Client().HGet(context.Background(), "{ticket:1}", "question").Result()
	if raw == "" || strings.Contains(raw, "Личный") {
		t.Errorf("the question is kept as %q, want it sealed", raw)
	}

	// A stranger cannot list tickets; another group gets nothing from the bot.
	w.text(polling, stranger, "/start")
	w.press(polling, stranger, "Русский")
	w.text(polling, stranger, "/tickets")
	if got := w.api.Last(stranger).Text; !strings.Contains(got, "Я не знаю команду") {
		t.Errorf("/tickets by a stranger: %s", got)
	}
	const otherGroup = -1_009_999_999_999
	w.api.Started(otherGroup)
	w.api.Push(models.Update{Message: &models.Message{ID: 1, Text: "/tickets", Chat: models.Chat{ID: otherGroup, Type: models.ChatTypeSupergroup}, From: &models.User{ID: 5}}})
	w.text(polling, client, "/menu") // handled after the group's update: it had its turn
	if n := len(w.api.Messages(otherGroup)); n != 0 {
		t.Errorf("the bot wrote %d messages in another group", n)
	}

	w.text(polling, client, "/mydata")
	if got := w.api.Last(client).Text; !strings.Contains(got, "обращение №1: «Личный вопрос»") {
		t.Errorf("/mydata with a ticket:\n%s", got)
	}
	w.text(polling, client, "/forget")
	w.press(polling, client, "Да, удалить всё")
	for _, k := range w.redis.Keys("*") { // every node of a cluster
		if strings.Contains(k, "ticket:1") || strings.Contains(k, "300") {
			t.Errorf("%s is left after /forget", k)
		}
	}
	w.text(polling, operators, "/tickets")
	if got := w.api.Last(operators).Text; !strings.Contains(got, "Открытых обращений нет") {
		t.Errorf("/tickets after the person was forgotten: %s", got)
	}
}

// Finding 8: someone sending question after question to the specialists fills the
// operators' group no more than three times; then they are told, politely, to wait for an
// answer. Before, 50 questions in a row posted 50 messages there.
func TestQuestionsToSpecialistsArePerPersonLimited(t *testing.T) {
	w := newWorld(t)
	w.startHandoff()
	w.text(polling, client, "/start")
	w.press(polling, client, "Русский")
	w.text(polling, client, "/start helplines_150")
	refused := 0
	for i := range 10 {
		w.text(polling, client, "/start helplines_150")
		w.press(polling, client, "Спросить специалиста")
		w.text(polling, client, "Вопрос номер "+strings.Repeat("и", i+1))
		w.press(polling, client, "Да, отправить")
		if strings.Contains(w.api.Last(client).Text, "Специалисты уже получили ваши вопросы") {
			refused++
		}
	}
	posted := 0
	for _, m := range w.api.Messages(operators) {
		if strings.Contains(m.Text, "Вопрос номер") {
			posted++
		}
	}
	t.Logf("10 questions in a row: %d reached the operators, %d refused", posted, refused)
	if posted != 3 || refused != 7 {
		t.Errorf("%d questions reached the operators and %d were refused, want 3 and 7", posted, refused)
	}
}
