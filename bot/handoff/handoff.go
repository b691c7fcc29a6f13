// Package handoff is "Ask a specialist": a person's question goes, with their consent, to
// the operators' group chat with a ticket number, and an operator's reply to it there
// reaches the person.
package handoff

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/qamqor/qamqor/bot"
	"github.com/qamqor/qamqor/content"
	"golang.org/x/time/rate"
)

// Button data: a prefix of its own, and what follows it.
const (
	dataAsk    = "A"       // ask a specialist: the next text is the question
	dataSend   = "A:send"  // send the drafted question
	dataCancel = "A:no"    // drop it
	dataClose  = "A:close" // A:close:<n> closes ticket n
)

// flowAsk: the chat's next text is a question for the specialists.
const flowAsk bot.Flow = "ask"

// maxQuestion bounds a question to the specialists, in characters.
const maxQuestion = 1000

// TicketTTL is how long a ticket is kept after it is opened.
const TicketTTL = 30 * 24 * time.Hour

// maxOpen is how many unanswered questions one person may have with the specialists.
const maxOpen = 3

// Ticket is a question handed to people.
type Ticket struct {
	Number   int64
	User     int64
	Lang     content.Lang
	Question string // personal: kept encrypted when a key is set
	Created  time.Time
	Closed   bool
}

// Store keeps tickets (store.Tickets).
type Store interface {
	CreateTicket(ctx context.Context, t Ticket) (Ticket, error)
	Ticket(ctx context.Context, n int64) (Ticket, bool, error)
	CloseTicket(ctx context.Context, n int64) error
	OpenTickets(ctx context.Context) ([]Ticket, error)
	// UserTickets lists the tickets of user that are kept.
	UserTickets(ctx context.Context, user int64) ([]Ticket, error)
	// ForgetTickets deletes every ticket of user.
	ForgetTickets(ctx context.Context, user int64) error
}

// Feature is the handoff to operators.
type Feature struct {
	store     Store
	operators int64 // the operators' group chat
	// budget: a person may send 3 questions at once, then one every 10 minutes (each is a
	// message in the operators' group, which one person must not fill).
	budget *bot.Budget
}

// New returns the handoff to the operators of group chat operators.
func New(store Store, operators int64) *Feature {
	return &Feature{store: store, operators: operators, budget: bot.NewBudget(rate.Every(10*time.Minute), 3)}
}

// Name implements bot.Feature.
func (f *Feature) Name() string { return "handoff" }

// Register implements bot.Feature.
func (f *Feature) Register(r *bot.Router) {
	r.Button(dataAsk, "", f.press)
	r.Flow(flowAsk, f.draft)
	r.Group(f.group)
	r.Command("tickets", bot.RoleAdmin, f.listTickets, bot.InMenu(msgCommandTickets))
	r.Decorate(f.offer)
	r.Keep(f)
}

// offer puts "Ask a specialist" on every answer (a screen without buttons of its own) and
// on a search that found nothing.
func (f *Feature) offer(s bot.Screen) [][]bot.Button {
	if !s.NothingFound && (s.Node == nil || len(s.Node.Buttons) > 0 || s.Node.ID == content.MainID) {
		return nil
	}
	return [][]bot.Button{{{Label: s.Engine.T(s.Lang, msgAskSpecialist, nil), Data: dataAsk}}}
}

// ticketRef finds "№<n>" in an operators' chat message the bot wrote.
var ticketRef = regexp.MustCompile(`№(\d+)`)

// group answers in the operators' chat: /tickets, and their replies to tickets. Other
// groups get nothing.
func (f *Feature) group(t *bot.Turn) bool {
	if t.Chat != f.operators {
		return false
	}
	switch {
	case t.Cmd == "tickets":
		return f.listTickets(t)
	case t.In.ReplyToText != "" && t.In.Kind == bot.InputText && t.Cmd == "":
		f.operatorReply(t)
	}
	return true
}

func (f *Feature) press(t *bot.Turn) bool {
	switch {
	case t.Data == dataAsk:
		t.Change(func(s bot.Session) bot.Session { s.Flow, s.Draft = flowAsk, ""; return s })
		t.Say(bot.Reply{Text: t.T(msgAskWrite, map[string]any{"Max": maxQuestion}), Buttons: f.cancelButton(t)})
	case t.Data == dataSend:
		f.send(t)
	case t.Data == dataCancel:
		t.Change(func(s bot.Session) bot.Session { s.Flow, s.Draft = "", ""; return s })
		t.Say(t.Here(t.T(msgAskCancelled, nil)))
	case strings.HasPrefix(t.Data, dataClose+":"):
		n, _ := strconv.ParseInt(strings.TrimPrefix(t.Data, dataClose+":"), 10, 64)
		f.closeTicket(t, n)
	default:
		t.Stale()
	}
	return true
}

func (f *Feature) cancelButton(t *bot.Turn) [][]bot.Button {
	return [][]bot.Button{{{Label: t.T(msgAskCancel, nil), Data: dataCancel}}}
}

// draft keeps typed text as the question and asks for consent to send it.
func (f *Feature) draft(t *bot.Turn) bool {
	if utf8.RuneCountInString(t.Text) > maxQuestion {
		t.Say(bot.Reply{Text: t.T(msgAskTooLong, map[string]any{"Max": maxQuestion}), Buttons: f.cancelButton(t)})
		return true
	}
	text := t.Text
	t.Change(func(s bot.Session) bot.Session { s.Draft = text; return s })
	t.Say(bot.Reply{Text: t.T(msgAskConsent, map[string]any{"Question": text}) + "\n\n" + ticketPrivacy(t.Engine, t.Lang()),
		Buttons: [][]bot.Button{
			{{Label: t.T(msgAskSend, nil), Data: dataSend}},
			{{Label: t.T(msgAskCancel, nil), Data: dataCancel}},
		}})
	return true
}

// send makes a ticket of the drafted question, then drops the draft: a crash between the
// two costs, when the press comes back, a second ticket rather than the question.
func (f *Feature) send(t *bot.Turn) {
	draft, lang := t.Session.Draft, t.Lang()
	if draft == "" {
		t.Stale()
		return
	}
	t.Change(func(s bot.Session) bot.Session { s.Flow, s.Draft = "", ""; return s })
	if f.overBudget(t) {
		t.Say(bot.Reply{Text: t.T(msgTooManyTickets, nil),
			Buttons: [][]bot.Button{{{Label: t.T(msgButtonMainMenu, nil), Data: bot.DataMainMenu}}}})
		return
	}
	tk, err := f.store.CreateTicket(t.Ctx, Ticket{User: t.Chat, Lang: lang, Question: draft, Created: t.Now})
	if err != nil {
		t.Unavailable(err)
		return
	}
	t.Say(
		bot.Reply{Text: t.T(msgAskSent, map[string]any{"Number": tk.Number})},
		bot.Reply{To: f.operators, Text: t.Both(msgTicketForOperators, map[string]any{
			"Number": tk.Number, "Lang": bot.LanguageName(lang)}) + "\n\n" + draft},
	)
}

// overBudget reports whether the person has maxOpen questions open, or sent more than
// their budget lately.
func (f *Feature) overBudget(t *bot.Turn) bool {
	ts, err := f.store.UserTickets(t.Ctx, t.Chat)
	if err != nil {
		return false // the ticket's own write will say the store is away
	}
	open := 0
	for _, tk := range ts {
		if !tk.Closed {
			open++
		}
	}
	return open >= maxOpen || !f.budget.Allow(t.Chat, t.Now)
}

// operatorReply passes an operator's reply to the person whose ticket it answers.
func (f *Feature) operatorReply(t *bot.Turn) {
	m := ticketRef.FindStringSubmatch(t.In.ReplyToText)
	if m == nil {
		return // a reply to something else in the group
	}
	n, _ := strconv.ParseInt(m[1], 10, 64)
	tk, ok, err := f.store.Ticket(t.Ctx, n)
	if err != nil {
		t.Say(bot.Reply{Text: t.Both(msgUnavailable, nil)})
		return
	}
	if !ok || tk.Closed {
		t.Say(bot.Reply{Text: t.Both(msgTicketGone, map[string]any{"Number": n})})
		return
	}
	e := t.Engine
	t.Say(
		bot.Reply{To: tk.User, Text: e.T(tk.Lang, msgTicketAnswer, map[string]any{"Number": n, "Answer": t.Text}),
			Buttons: [][]bot.Button{
				{{Label: e.T(tk.Lang, msgTicketClose, nil), Data: fmt.Sprintf("%s:%d", dataClose, n)}},
				{{Label: e.T(tk.Lang, msgButtonMainMenu, nil), Data: bot.DataMainMenu}},
			}},
		bot.Reply{Text: t.Both(msgTicketDelivered, map[string]any{"Number": n})},
	)
}

func (f *Feature) closeTicket(t *bot.Turn, n int64) {
	tk, ok, err := f.store.Ticket(t.Ctx, n)
	if err != nil {
		t.Unavailable(err)
		return
	}
	if !ok || tk.User != t.Chat {
		t.Stale()
		return
	}
	if !tk.Closed {
		if err := f.store.CloseTicket(t.Ctx, n); err != nil {
			t.Unavailable(err)
			return
		}
	}
	t.Say(
		bot.Reply{Text: t.T(msgTicketClosed, map[string]any{"Number": n})},
		bot.Reply{To: f.operators, Text: t.Both(msgTicketClosedForOperators, map[string]any{"Number": n})},
	)
}

// listTickets answers /tickets, in the operators' chat or to an admin.
func (f *Feature) listTickets(t *bot.Turn) bool {
	ts, err := f.store.OpenTickets(t.Ctx)
	if err != nil {
		t.Say(bot.Reply{Text: t.Both(msgUnavailable, nil)})
		return true
	}
	if len(ts) == 0 {
		t.Say(bot.Reply{Text: t.Both(msgTicketsNone, nil)})
		return true
	}
	lines := []string{t.Both(msgTicketsTitle, map[string]any{"Count": len(ts)})}
	for _, tk := range ts {
		lines = append(lines, fmt.Sprintf("№%d · %s · %s · %s", tk.Number, tk.Lang, tk.Created.UTC().Format("02.01 15:04"),
			bot.Echo(strings.Join(strings.Fields(tk.Question), " "), 60)))
	}
	t.Say(bot.Reply{Text: strings.Join(lines, "\n")})
	return true
}

// Kept implements bot.Keeper: a line per ticket kept.
func (f *Feature) Kept(ctx context.Context, chat int64, lang content.Lang, e *bot.Engine) ([]string, error) {
	ts, err := f.store.UserTickets(ctx, chat)
	if err != nil {
		return nil, err
	}
	var lines []string
	for _, tk := range ts {
		lines = append(lines, e.T(lang, msgMyDataTicket, map[string]any{"Number": tk.Number, "Question": bot.Echo(tk.Question, 60)}))
	}
	if len(lines) > 0 {
		lines = append(lines, "  "+ticketPrivacy(e, lang))
	}
	return lines, nil
}

// ticketPrivacy is what the consent to send a question and /mydata say about tickets:
// who sees them, and for how long the store keeps them (TicketTTL).
func ticketPrivacy(e *bot.Engine, lang content.Lang) string {
	return e.T(lang, msgPrivacyTicket, map[string]any{"Kept": e.Kept(lang, int(TicketTTL/(24*time.Hour)))})
}

// Forget implements bot.Keeper.
func (f *Feature) Forget(ctx context.Context, chat int64) error {
	return f.store.ForgetTickets(ctx, chat)
}
