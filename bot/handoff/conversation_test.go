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

// people in both languages, with what they see and type.
var people = []struct {
	lang                                      content.Lang
	question, ask, send, sent, more, moreSent string
	consentMark, noOpen, closed, closedByOps  string
	unreadable, write, notSent, dont, tooFast string
}{
	{lang: content.RU, question: "как стать опекуном", ask: "Спросить специалиста", send: "Да, отправить",
		sent: "номер обращения №1", more: "Отправить и это специалисту по обращению №1", moreSent: "Передано специалисту по обращению №1",
		consentMark: "вы только что задали", noOpen: "нет открытых обращений", closed: "Обращение №1 закрыто",
		closedByOps: "Специалисты закрыли обращение №1", unreadable: "голосовые сообщения, фото, видео, стикеры",
		write: "Написать специалисту", notSent: "Сообщение не отправлено", dont: "Нет, не отправлять", tooFast: "Слишком много сообщений подряд"},
	{lang: content.KK, question: "мүгедектік бойынша жәрдемақы мөлшері", ask: "Маманнан сұрау", send: "Иә, жіберу",
		sent: "өтініш нөмірі №1", more: "Мұны да №1 өтініш бойынша маманға жіберейін бе", moreSent: "№1 өтініш бойынша маманға жіберілді",
		consentMark: "сіз жаңа ғана қойған сұрақ", noOpen: "ашық өтінішіңіз жоқ", closed: "№1 өтініш жабылды",
		closedByOps: "Мамандар №1 өтінішті жапты", unreadable: "дауыстық хабарламаны, фотоны, бейнені, стикерді",
		write: "Маманға жазу", notSent: "Хабарлама жіберілген жоқ", dont: "Жоқ, жібермеу", tooFast: "Қатарынан тым көп хабарлама"},
}

func setUpIn(t *testing.T, lang content.Lang, opts ...handoff.Option) (*bot.Service, *bottest.Sessions, *bottest.Tickets, *bottest.Chat) {
	tickets := bottest.NewTickets()
	svc, sessions := bottest.Service(t, handoff.New(tickets, operators, opts...))
	sessions.Set(1, bot.Session{Lang: lang})
	return svc, sessions, tickets, bottest.NewChat(t, svc, 1)
}

// toOperators are the replies of r that go to the operators' group.
func toOperators(r bot.Result) []bot.Reply {
	var out []bot.Reply
	for _, rep := range r.Replies {
		if rep.To == operators {
			out = append(out, rep)
		}
	}
	return out
}

// operator has an operator type text in the group, replying to the bot's message there.
func operator(svc *bot.Service, update int64, replyTo, text string) bot.Result {
	return svc.Handle(context.Background(), operators, bot.Input{Kind: bot.InputText, Text: text, Group: true,
		ReplyToText: replyTo, From: 777, UpdateID: update})
}

// A search result offers the specialist and carries the question: pressing it shows the
// question, with consent, and sending it needs no typing.
func TestASearchResultCarriesTheQuestionToTheSpecialist(t *testing.T) {
	for _, p := range people {
		t.Run(string(p.lang), func(t *testing.T) {
			_, _, tickets, person := setUpIn(t, p.lang)
			r := person.Text(p.question)
			if !r.Replies[0].Search || len(r.Replies[0].Buttons) < 3 {
				t.Fatalf("%q found nothing: %q", p.question, bottest.Texts(r))
			}
			ask := bottest.Button(r, p.ask)
			if ask == "" {
				t.Fatalf("no %q on a search result: %+v", p.ask, r.Replies[0].Buttons)
			}
			if q, ok, _ := tickets.Asked(context.Background(), 1); !ok || q != p.question {
				t.Fatalf("the question kept for the specialist is %q, %v", q, ok)
			}
			r = person.Press(ask)
			contains(t, r, "«"+p.question+"»")
			contains(t, r, p.consentMark)
			if _, ok, _ := tickets.Asked(context.Background(), 1); ok {
				t.Error("the kept question is still kept once it is a draft")
			}
			r = person.Press(bottest.Button(r, p.send))
			contains(t, r, p.sent)
			ops := toOperators(r)
			if len(ops) != 1 || !strings.Contains(ops[0].Text, p.question) {
				t.Fatalf("the operators got %+v", ops)
			}
		})
	}
}

// The carried question can be replaced by typing another; a button of an older search
// does not send the newer search's question, and "nothing found" carries it too.
func TestACarriedQuestionCanBeEditedAndIsNeverAnotherOne(t *testing.T) {
	_, _, _, person := setUpIn(t, content.RU)
	person.Text("как стать опекуном")
	old := bottest.Button(person.Last, "Спросить специалиста")
	person.Text("пособие маме ребенка с инвалидностью")
	r := person.Press(old)
	contains(t, r, "Напишите ваш вопрос")
	for _, text := range bottest.Texts(r) {
		if strings.Contains(text, "пособие маме") {
			t.Fatalf("an older result's button offered the newer question: %q", text)
		}
	}

	person.Text("/menu")
	r = person.Text("квзщфыв ывапролдж")
	if !r.Replies[0].SearchMiss {
		t.Fatalf("expected nothing found: %q", bottest.Texts(r))
	}
	r = person.Press(bottest.Button(r, "Спросить специалиста"))
	contains(t, r, "«квзщфыв ывапролдж»")
	r = person.Text("Мой вопрос другими словами")
	contains(t, r, "«Мой вопрос другими словами»")
	r = person.Press(bottest.Button(r, "Да, отправить"))
	if ops := toOperators(r); len(ops) != 1 || !strings.Contains(ops[0].Text, "Мой вопрос другими словами") || strings.Contains(ops[0].Text, "квзщфыв") {
		t.Fatalf("the operators got %+v", ops)
	}
}

// While a ticket is open, what the person writes goes to it: the first time after they
// agree, then directly; operators' replies to any of its messages come back; the person
// closes it and the operators are told; what they type then is a search again.
func TestAnOpenTicketIsAConversation(t *testing.T) {
	for _, p := range people {
		t.Run(string(p.lang), func(t *testing.T) {
			svc, _, tickets, person := setUpIn(t, p.lang)
			person.Text(p.question)
			person.Press(bottest.Button(person.Last, p.ask))
			r := person.Press(bottest.Button(person.Last, p.send))
			first := toOperators(r)[0].Text

			r = person.Text("У меня трое детей")
			contains(t, r, p.more)
			contains(t, r, "«У меня трое детей»")
			if ops := toOperators(r); len(ops) != 0 {
				t.Fatalf("sent before the person agreed: %+v", ops)
			}
			r = person.Press(bottest.Button(r, p.send))
			contains(t, r, p.moreSent)
			ops := toOperators(r)
			if len(ops) != 1 || !strings.Contains(ops[0].Text, "№1") || !strings.Contains(ops[0].Text, "У меня трое детей") {
				t.Fatalf("the operators got %+v", ops)
			}
			r = person.Text("И мы живём в Шымкенте")
			contains(t, r, p.moreSent)
			ops = toOperators(r)
			if len(ops) != 1 || !strings.Contains(ops[0].Text, "И мы живём в Шымкенте") {
				t.Fatalf("the second message did not go directly: %+v", r.Replies)
			}

			// The operator answers the follow-up message; the person gets it, with what to do.
			op := operator(svc, 9, ops[0].Text, "Обратитесь в отдел занятости")
			if len(op.Replies) != 2 || op.Replies[0].To != 1 || !strings.Contains(op.Replies[0].Text, "Обратитесь в отдел занятости") {
				t.Fatalf("the answer did not reach the person: %+v", op.Replies)
			}
			if bottest.Button(bot.Result{Replies: op.Replies[:1]}, p.write) == "" {
				t.Errorf("the answer has no %q: %+v", p.write, op.Replies[0].Buttons)
			}

			r = person.Text("/close")
			contains(t, r, p.closed)
			if ops := toOperators(r); len(ops) != 1 || !strings.Contains(ops[0].Text, "Обращение №1 закрыто человеком") {
				t.Fatalf("the operators were not told, in Russian: %+v", r.Replies)
			}
			if tk, _, _ := tickets.Ticket(context.Background(), 1); !tk.Closed {
				t.Error("the ticket is open after /close")
			}
			r = person.Text(p.question)
			if len(toOperators(r)) != 0 || !r.Replies[0].Search {
				t.Fatalf("after closing, typed text is not a search: %+v", r.Replies)
			}
			if op := operator(svc, 10, first, "Ещё"); !strings.Contains(op.Replies[0].Text, "закрыто или удалено") {
				t.Errorf("a reply to a closed ticket: %+v", op.Replies)
			}
			contains(t, person.Text("/close"), p.noOpen)
		})
	}
}

// "No" to the first follow-up sends nothing and asks again next time; "Write to the
// specialist" brings back a person who went elsewhere.
func TestAFollowUpIsSentOnlyWithConsent(t *testing.T) {
	p := people[1]
	svc, _, _, person := setUpIn(t, p.lang)
	person.Text(p.question)
	person.Press(bottest.Button(person.Last, p.ask))
	first := toOperators(person.Press(bottest.Button(person.Last, p.send)))[0].Text
	r := person.Press(bottest.Button(person.Text("Тағы бір сұрақ"), p.dont))
	contains(t, r, p.notSent)
	if len(toOperators(r)) != 0 {
		t.Fatalf("sent after no: %+v", r.Replies)
	}
	contains(t, person.Text("Тағы бір сұрақ"), p.more)

	person.Text("/menu") // elsewhere: typed text is a search again
	if r := person.Text(p.question); len(toOperators(r)) != 0 || !r.Replies[0].Search {
		t.Fatalf("after the menu, typed text went to the ticket: %+v", r.Replies)
	}
	op := operator(svc, 9, first, "Жауап")
	r = person.Press(bottest.Button(bot.Result{Replies: op.Replies[:1]}, p.write))
	contains(t, r, "№1")
	if ops := toOperators(person.Text("Рақмет, түсіндім")); len(ops) != 1 || !strings.Contains(ops[0].Text, "Рақмет, түсіндім") {
		t.Fatalf("after Write to the specialist the text did not go: %+v", ops)
	}
}

// Operators close a ticket by replying /close to it; the person is told in their language
// and their next text is not sent.
func TestOperatorsCloseATicket(t *testing.T) {
	for _, p := range people {
		t.Run(string(p.lang), func(t *testing.T) {
			svc, _, _, person := setUpIn(t, p.lang)
			person.Text(p.question)
			person.Press(bottest.Button(person.Last, p.ask))
			first := toOperators(person.Press(bottest.Button(person.Last, p.send)))[0].Text
			op := operator(svc, 9, first, "/close")
			if len(op.Replies) != 2 || op.Replies[0].To != 1 || !strings.Contains(op.Replies[0].Text, p.closedByOps) ||
				!strings.Contains(op.Replies[1].Text, "Обращение №1 закрыто, человеку сообщено") {
				t.Fatalf("closing in the group: %+v", op.Replies)
			}
			if r := person.Text("Ещё вопрос"); len(toOperators(r)) != 0 {
				t.Fatalf("a message after the operators closed went to them: %+v", r.Replies)
			}
			if op := operator(svc, 10, "", "/close 1"); !strings.Contains(op.Replies[0].Text, "закрыто или удалено") {
				t.Errorf("closing twice: %+v", op.Replies)
			}
			if op := operator(svc, 11, "", "/close"); !strings.Contains(op.Replies[0].Text, "/close 12") {
				t.Errorf("/close without a ticket: %+v", op.Replies)
			}
		})
	}
}

// The group hears the bot in the language chosen for it, whatever the person's.
func TestTheOperatorsGroupHasOneLanguage(t *testing.T) {
	for _, c := range []struct {
		group       content.Lang
		want, other string
	}{{content.RU, "Обращение №1, язык: Русский", "өтініш"}, {content.KK, "№1 өтініш, тілі: Русский", "Обращение"}} {
		svc, _, _, person := setUpIn(t, content.RU, handoff.OperatorsLang(c.group))
		person.Text("как стать опекуном")
		person.Press(bottest.Button(person.Last, "Спросить специалиста"))
		ops := toOperators(person.Press(bottest.Button(person.Last, "Да, отправить")))
		if len(ops) != 1 || !strings.Contains(ops[0].Text, c.want) || strings.Contains(ops[0].Text, c.other) {
			t.Fatalf("group in %s got %+v", c.group, ops)
		}
		op := operator(svc, 9, ops[0].Text, "Ответ")
		if !strings.Contains(op.Replies[0].Text, "Ответ специалиста по обращению №1") || strings.Contains(op.Replies[1].Text, c.other) {
			t.Errorf("group in %s: the person got %q, the group %q", c.group, op.Replies[0].Text, op.Replies[1].Text)
		}
	}
}

// Messages to an open ticket are bounded: in length, and in how many come quickly.
func TestFollowUpsAreLimited(t *testing.T) {
	p := people[0]
	_, _, _, person := setUpIn(t, p.lang)
	person.Text(p.question)
	person.Press(bottest.Button(person.Last, p.ask))
	person.Press(bottest.Button(person.Last, p.send))
	person.Press(bottest.Button(person.Text("первое"), p.send))
	r := person.Text(strings.Repeat("я", 1001))
	contains(t, r, "длиннее 1000 знаков")
	if len(toOperators(r)) != 0 {
		t.Fatal("a too long message reached the operators")
	}
	posted := 1
	for range 15 {
		if len(toOperators(person.Text("ещё сообщение"))) == 1 {
			posted++
		}
	}
	if posted != 10 {
		t.Errorf("%d quick messages reached the operators, want 10", posted)
	}
	contains(t, person.Last, p.tooFast)
}

// A voice note, a photo or a sticker gets what the bot can take and the offer of a
// specialist; in an open ticket it does not end the conversation.
func TestUnreadableMessagesOfferTheSpecialist(t *testing.T) {
	for _, p := range people {
		t.Run(string(p.lang), func(t *testing.T) {
			_, _, _, person := setUpIn(t, p.lang)
			r := person.Send(bot.Input{Kind: bot.InputUnsupported})
			contains(t, r, p.unreadable)
			if bottest.Button(r, p.ask) == "" {
				t.Fatalf("no %q: %+v", p.ask, r.Replies)
			}
			person.Text("/start helplines_150") // an answer, which offers it already: once
			r = person.Send(bot.Input{Kind: bot.InputUnsupported})
			n := 0
			for _, row := range r.Replies[0].Buttons {
				for _, b := range row {
					if b.Label == p.ask {
						n++
					}
				}
			}
			if n != 1 {
				t.Errorf("%q is offered %d times", p.ask, n)
			}
			person.Press(bottest.Button(r, p.ask))
			person.Text("Мой вопрос")
			person.Press(bottest.Button(person.Last, p.send))
			person.Send(bot.Input{Kind: bot.InputUnsupported})
			contains(t, person.Text("Ещё"), p.more)
		})
	}
}

// Without operators, an unreadable message still says what the bot takes, offering none.
func TestUnreadableMessagesWithoutOperators(t *testing.T) {
	svc, sessions := bottest.Service(t)
	bottest.Russian(sessions, 1)
	r := bottest.NewChat(t, svc, 1).Send(bot.Input{Kind: bot.InputUnsupported})
	contains(t, r, "голосовые сообщения")
	if bottest.Button(r, "Спросить специалиста") != "" {
		t.Error("a specialist is offered where none is configured")
	}
}

// What the handoff keeps is listed by /mydata and gone after /forget: the question kept
// from a search, and open tickets; messages after the question are not kept.
func TestTheCarriedQuestionIsKeptListedAndForgotten(t *testing.T) {
	tickets := bottest.NewTickets()
	f := handoff.New(tickets, operators)
	svc, sessions := bottest.Service(t, f)
	bottest.Russian(sessions, 1)
	person := bottest.NewChat(t, svc, 1)
	person.Text("как стать опекуном")
	contains(t, person.Text("/mydata"), "вопрос из поиска, чтобы передать его специалисту, если попросите: «как стать опекуном» (хранится до отправки, самое большее 1 день)")
	person.Press(bottest.Button(person.Text("как стать опекуном"), "Спросить специалиста"))
	person.Press(bottest.Button(person.Last, "Да, отправить"))
	person.Press(bottest.Button(person.Text("Личное дополнение"), "Да, отправить"))
	r := person.Text("/mydata")
	contains(t, r, "обращение №1: «как стать опекуном» — обращение открыто")
	for _, text := range bottest.Texts(r) {
		if strings.Contains(text, "Личное дополнение") || strings.Contains(text, "вопрос из поиска") {
			t.Errorf("/mydata lists what is not kept: %q", text)
		}
	}
	person.Text("как стать опекуном")
	person.Text("/forget")
	person.Press(bottest.Button(person.Last, "Да, удалить всё"))
	if _, ok, _ := tickets.Asked(context.Background(), 1); ok {
		t.Error("the kept question survived /forget")
	}
	if ts, _ := tickets.UserTickets(context.Background(), 1); len(ts) != 0 {
		t.Errorf("tickets survived /forget: %+v", ts)
	}
}

// Forged or stale buttons change nothing: another's ticket, a follow-up with no draft.
func TestForgedTicketButtonsAreStale(t *testing.T) {
	_, _, tickets, person := setUpIn(t, content.RU)
	_, _ = tickets.CreateTicket(context.Background(), handoff.Ticket{User: 2, Lang: content.RU, Question: "чужой"})
	for _, data := range []string{"A:close:1", "A:more:1", "A:write:1", "A:more:x", "A:send", "A:q:zzz"} {
		r := person.Press(data)
		if len(toOperators(r)) != 0 {
			t.Errorf("%s reached the operators: %+v", data, r.Replies)
		}
	}
	if tk, _, _ := tickets.Ticket(context.Background(), 1); tk.Closed {
		t.Error("a stranger closed another person's ticket")
	}
}
