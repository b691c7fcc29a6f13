package bot

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/qamqor/qamqor/content"
)

// Human handoff: a person's question goes, with their consent, to the operators' group
// chat with a ticket number; an operator's reply to it there reaches the person.

// Button data of the handoff.
const (
	dataAsk       = "A"       // ask a specialist: the next text is the question
	dataAskSend   = "A:send"  // send the drafted question
	dataAskCancel = "A:no"    // drop it
	dataAskClose  = "A:close" // A:close:<n> closes ticket n
)

// flowAsk: the next text is a question for the specialists.
const flowAsk Flow = "ask"

// maxQuestion bounds a question to the specialists, in characters.
const maxQuestion = 1000

// Ticket is a question handed to people.
type Ticket struct {
	Number   int64
	User     int64
	Lang     content.Lang
	Question string // personal: kept encrypted when a key is set
	Created  time.Time
	Closed   bool
}

// TicketStore keeps tickets.
type TicketStore interface {
	CreateTicket(ctx context.Context, t Ticket) (Ticket, error)
	Ticket(ctx context.Context, n int64) (Ticket, bool, error)
	CloseTicket(ctx context.Context, n int64) error
	OpenTickets(ctx context.Context) ([]Ticket, error)
	// UserTickets lists the tickets of user that are kept.
	UserTickets(ctx context.Context, user int64) ([]Ticket, error)
	// ForgetTickets deletes every ticket of user.
	ForgetTickets(ctx context.Context, user int64) error
}

// HandoffOptions turn the handoff on.
type HandoffOptions struct {
	Store        TicketStore
	OperatorChat int64 // the operators' group chat
}

// EnableHandoff turns on "Ask a specialist". The engine must be built WithHandoff too, so
// it offers the button.
func (s *Service) EnableHandoff(o HandoffOptions) { s.handoff = &o }

// ticketRef finds "№<n>" in an operators' chat message the bot wrote.
var ticketRef = regexp.MustCompile(`№(\d+)`)

// routeHandoff picks the handler of a handoff input; ok is false for anything else.
func (s *Service) routeHandoff(ctx context.Context, chat int64, in Input, cmd, arg, data string) (func() []Reply, bool) {
	if s.handoff == nil {
		return nil, false
	}
	if in.Group {
		if chat != s.handoff.OperatorChat {
			return func() []Reply { return nil }, true // other groups: the bot says nothing
		}
		switch {
		case cmd == "tickets":
			return func() []Reply { return s.listTickets(ctx, in) }, true
		case in.ReplyToText != "" && in.Kind == InputText && cmd == "":
			return func() []Reply { return s.operatorReply(ctx, in) }, true
		}
		return func() []Reply { return nil }, true
	}
	switch {
	case data == dataAsk:
		return func() []Reply { return s.askQuestion(ctx, chat, in) }, true
	case data == dataAskSend:
		return func() []Reply { return s.sendQuestion(ctx, chat, in) }, true
	case data == dataAskCancel:
		return func() []Reply {
			return s.withSession(ctx, chat, in, func(sess Session, lang content.Lang) (Session, []Reply) {
				sess.Flow, sess.Draft = "", ""
				return sess, []Reply{s.engine().here(sess, s.t(lang, msgAskCancelled, nil))}
			})
		}, true
	case strings.HasPrefix(data, dataAskClose+":"):
		n, _ := strconv.ParseInt(strings.TrimPrefix(data, dataAskClose+":"), 10, 64)
		return func() []Reply { return s.closeTicket(ctx, chat, in, n) }, true
	case cmd == "tickets" && s.allowed(ctx, chat, RoleAdmin):
		return func() []Reply { return s.listTickets(ctx, in) }, true
	}
	return nil, false
}

func (s *Service) askQuestion(ctx context.Context, chat int64, in Input) []Reply {
	return s.withSession(ctx, chat, in, func(sess Session, lang content.Lang) (Session, []Reply) {
		sess.Flow, sess.Draft = flowAsk, ""
		return sess, []Reply{{Text: s.t(lang, msgAskWrite, map[string]any{"Max": maxQuestion}),
			Buttons: [][]Button{{{Label: s.t(lang, msgAskCancel, nil), Data: dataAskCancel}}}}}
	})
}

// draftQuestion keeps typed text as the question and asks for consent to send it. It runs
// inside the session update, so it must be pure.
func (s *Service) draftQuestion(sess Session, text string) (Session, []Reply) {
	lang := sess.Lang
	if utf8.RuneCountInString(text) > maxQuestion {
		return sess, []Reply{{Text: s.t(lang, msgAskTooLong, map[string]any{"Max": maxQuestion}),
			Buttons: [][]Button{{{Label: s.t(lang, msgAskCancel, nil), Data: dataAskCancel}}}}}
	}
	sess.Draft = text
	return sess, []Reply{{Text: s.t(lang, msgAskConsent, map[string]any{"Question": text, "KeepDays": s.ticketDays()}),
		Buttons: [][]Button{
			{{Label: s.t(lang, msgAskSend, nil), Data: dataAskSend}},
			{{Label: s.t(lang, msgAskCancel, nil), Data: dataAskCancel}},
		}}}
}

func (s *Service) ticketDays() int { return int(TicketTTL.Hours() / 24) }

// TicketTTL is how long a ticket is kept after it is opened.
const TicketTTL = 30 * 24 * time.Hour

// sendQuestion makes a ticket of the drafted question, then drops the draft: a crash
// between the two costs, when the press comes back, a second ticket rather than the question.
func (s *Service) sendQuestion(ctx context.Context, chat int64, in Input) []Reply {
	var draft string
	var lang content.Lang
	if err := s.store.Update(ctx, chat, func(sess Session) (Session, error) {
		draft, lang = sess.Draft, langOf(sess, in)
		return sess, nil // read only: nothing is written
	}); err != nil {
		return s.unavailable(chat, in, err)
	}
	if draft == "" {
		return []Reply{{Text: s.t(lang, msgStaleButton, nil)}}
	}
	dropDraft := func() error {
		return s.store.Update(ctx, chat, func(sess Session) (Session, error) {
			sess.Flow, sess.Draft = "", ""
			return sess, nil
		})
	}
	if stop := s.ticketLimit(ctx, chat, in, lang); stop != nil {
		if err := dropDraft(); err != nil {
			return s.unavailable(chat, in, err)
		}
		return stop
	}
	t, err := s.handoff.Store.CreateTicket(ctx, Ticket{User: chat, Lang: lang, Question: draft, Created: time.Now()})
	if err != nil {
		return s.unavailable(chat, in, err)
	}
	if err := dropDraft(); err != nil {
		s.log.Warn("could not drop a question sent", "err", err)
	}
	return []Reply{
		{Text: s.t(lang, msgAskSent, map[string]any{"Number": t.Number})},
		{To: s.handoff.OperatorChat, Text: s.both(msgTicketForOperators, map[string]any{
			"Number": t.Number, "Lang": langLabels[lang]}) + "\n\n" + draft},
	}
}

// maxOpenTickets is how many unanswered questions one person may have with the specialists.
const maxOpenTickets = 3

// ticketLimit refuses a new question, politely, to someone with maxOpenTickets open, or
// who sent more than their budget lately: each question is a message in the operators'
// group, which one person must not fill.
func (s *Service) ticketLimit(ctx context.Context, chat int64, in Input, lang content.Lang) []Reply {
	ts, err := s.handoff.Store.UserTickets(ctx, chat)
	if err != nil {
		return s.unavailable(chat, in, err)
	}
	open := 0
	for _, t := range ts {
		if !t.Closed {
			open++
		}
	}
	if open >= maxOpenTickets || !s.limits.tickets.allow(chat, s.engine().now()) {
		return []Reply{{Text: s.t(lang, msgTooManyTickets, nil),
			Buttons: [][]Button{{{Label: s.t(lang, msgButtonMainMenu, nil), Data: dataMainMenu}}}}}
	}
	return nil
}

// operatorReply passes an operator's reply to the person whose ticket it answers.
func (s *Service) operatorReply(ctx context.Context, in Input) []Reply {
	m := ticketRef.FindStringSubmatch(in.ReplyToText)
	if m == nil {
		return nil // a reply to something else in the group
	}
	n, _ := strconv.ParseInt(m[1], 10, 64)
	t, ok, err := s.handoff.Store.Ticket(ctx, n)
	if err != nil {
		return []Reply{{Text: s.both(msgUnavailable, nil)}}
	}
	if !ok || t.Closed {
		return []Reply{{Text: s.both(msgTicketGone, map[string]any{"Number": n})}}
	}
	text := clean(in.Text)
	return []Reply{
		{To: t.User, Text: s.t(t.Lang, msgTicketAnswer, map[string]any{"Number": n, "Answer": text}),
			Buttons: [][]Button{
				{{Label: s.t(t.Lang, msgTicketClose, nil), Data: fmt.Sprintf("%s:%d", dataAskClose, n)}},
				{{Label: s.t(t.Lang, msgButtonMainMenu, nil), Data: dataMainMenu}},
			}},
		{Text: s.both(msgTicketDelivered, map[string]any{"Number": n})},
	}
}

func (s *Service) closeTicket(ctx context.Context, chat int64, in Input, n int64) []Reply {
	lang := s.lang(ctx, chat, in)
	t, ok, err := s.handoff.Store.Ticket(ctx, n)
	if err != nil {
		return s.unavailable(chat, in, err)
	}
	if !ok || t.User != chat {
		return []Reply{{Text: s.t(lang, msgStaleButton, nil)}}
	}
	if !t.Closed {
		if err := s.handoff.Store.CloseTicket(ctx, n); err != nil {
			return s.unavailable(chat, in, err)
		}
	}
	return []Reply{
		{Text: s.t(lang, msgTicketClosed, map[string]any{"Number": n})},
		{To: s.handoff.OperatorChat, Text: s.both(msgTicketClosedForOperators, map[string]any{"Number": n})},
	}
}

func (s *Service) listTickets(ctx context.Context, in Input) []Reply {
	ts, err := s.handoff.Store.OpenTickets(ctx)
	if err != nil {
		return []Reply{{Text: s.both(msgUnavailable, nil)}}
	}
	if len(ts) == 0 {
		return []Reply{{Text: s.both(msgTicketsNone, nil)}}
	}
	lines := []string{s.both(msgTicketsTitle, map[string]any{"Count": len(ts)})}
	for _, t := range ts {
		lines = append(lines, fmt.Sprintf("№%d · %s · %s · %s", t.Number, t.Lang, t.Created.UTC().Format("02.01 15:04"), echo(strings.Join(strings.Fields(t.Question), " "), 60)))
	}
	return []Reply{{Text: strings.Join(lines, "\n")}}
}
