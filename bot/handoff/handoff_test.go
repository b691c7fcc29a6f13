package handoff_test

import (
	"context"
	"strings"
	"testing"

	"github.com/qamqor/qamqor/bot"
	"github.com/qamqor/qamqor/bot/bottest"
	"github.com/qamqor/qamqor/bot/handoff"
	"github.com/qamqor/qamqor/content"
)

const operators = -100

func setUp(t *testing.T) (*bot.Service, *bottest.Sessions, *bottest.Tickets) {
	tickets := bottest.NewTickets()
	svc, sessions := bottest.Service(t, handoff.New(tickets, operators))
	bottest.Russian(sessions, 1, 2)
	return svc, sessions, tickets
}

func contains(t *testing.T, r bot.Result, want string) {
	t.Helper()
	for _, text := range bottest.Texts(r) {
		if strings.Contains(text, want) {
			return
		}
	}
	t.Fatalf("no reply says %q: %q", want, bottest.Texts(r))
}

// A question goes to the operators with a number, after the person sees it and agrees;
// each press is one session write at most, and the operator's answer comes back.
func TestAQuestionReachesTheOperatorsAndTheAnswerComesBack(t *testing.T) {
	svc, sessions, tickets := setUp(t)
	person := bottest.NewChat(t, svc, 1)
	r := person.Text("/start helplines_150")
	ask := bottest.Button(r, "Спросить специалиста")
	if ask == "" {
		t.Fatalf("no Ask a specialist on an answer screen: %q", bottest.Texts(r))
	}
	before := sessions.Writes()
	contains(t, person.Press(ask), "Напишите ваш вопрос")
	contains(t, person.Text("Мне нужна консультация юриста"), "«Мне нужна консультация юриста»")
	r = person.Press(bottest.Button(person.Last, "Да, отправить"))
	if got := sessions.Writes() - before; got != 3 {
		t.Errorf("three steps wrote the session %d times, want once each", got)
	}
	contains(t, r, "номер обращения №1")
	if len(r.Replies) != 2 || r.Replies[1].To != operators || !strings.Contains(r.Replies[1].Text, "Мне нужна консультация юриста") {
		t.Fatalf("the operators were not given the question: %+v", r.Replies)
	}
	if s, _ := sessions.Get(1); s.Draft != "" {
		t.Errorf("the draft is kept after sending: %+v", s)
	}

	// An operator answers in the group, replying to the bot's message.
	op := svc.Handle(context.Background(), operators, bot.Input{Kind: bot.InputText, Text: "Позвоните по 150", Group: true,
		ReplyToText: r.Replies[1].Text, UpdateID: 9})
	if len(op.Replies) != 2 || op.Replies[0].To != 1 || !strings.Contains(op.Replies[0].Text, "Позвоните по 150") {
		t.Fatalf("the answer did not reach the person: %+v", op.Replies)
	}
	r = person.Press(bottest.Button(bot.Result{Replies: op.Replies[:1]}, "Вопрос решён, закрыть обращение"))
	contains(t, r, "№1")
	if tk, _, _ := tickets.Ticket(context.Background(), 1); !tk.Closed {
		t.Error("the ticket is still open after the person closed it")
	}
}

// Another group gets nothing at all, and a typed text outside the flow is a search.
func TestOtherGroupsAreNotForUs(t *testing.T) {
	svc, _, _ := setUp(t)
	r := svc.Handle(context.Background(), -555, bot.Input{Kind: bot.InputText, Text: "/tickets", Group: true, UpdateID: 1})
	if r.Outcome != bot.NotForUs || len(r.Replies) != 0 {
		t.Fatalf("another group: %+v", r)
	}
}

// More than three open questions are refused politely, and the operators get no more.
func TestAPersonHasAtMostThreeOpenQuestions(t *testing.T) {
	svc, _, _ := setUp(t)
	person := bottest.NewChat(t, svc, 2)
	posted := 0
	for i := range 5 {
		person.Text("/start helplines_150")
		person.Press(bottest.Button(person.Last, "Спросить специалиста"))
		person.Text("Вопрос " + strings.Repeat("и", i+1))
		for _, r := range person.Press(bottest.Button(person.Last, "Да, отправить")).Replies {
			if r.To == operators {
				posted++
			}
		}
	}
	if posted != 3 {
		t.Errorf("%d questions reached the operators, want 3", posted)
	}
	contains(t, person.Last, "Специалисты уже получили ваши вопросы")
}

// What the handoff keeps about a person is listed and deleted on request.
func TestTicketsAreKeptAndForgotten(t *testing.T) {
	tickets := bottest.NewTickets()
	f := handoff.New(tickets, operators)
	ctx := context.Background()
	_, _ = tickets.CreateTicket(ctx, handoff.Ticket{User: 7, Question: "про пособие"})
	lines, err := f.Kept(ctx, 7, content.RU, bottest.Engine(t))
	if err != nil || len(lines) != 2 || !strings.Contains(lines[0], "про пособие") || !strings.Contains(lines[1], "хранятся 30 дней с отправки") {
		t.Fatalf("kept: %q %v", lines, err)
	}
	if err := f.Forget(ctx, 7); err != nil {
		t.Fatal(err)
	}
	if lines, _ := f.Kept(ctx, 7, content.RU, bottest.Engine(t)); len(lines) != 0 {
		t.Fatalf("after Forget: %q", lines)
	}
}
