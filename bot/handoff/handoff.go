// Package handoff is "Ask a specialist": a person's question goes, with their consent, to
// the operators' group chat with a ticket number; while the ticket is open it is a
// conversation — what the person writes next goes to the same ticket (they confirm once),
// the operators' replies to it there reach the person — until either side closes it.
package handoff

import (
	"context"
	"fmt"
	"hash/fnv"
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
	dataAsk     = "A"        // ask a specialist: the next text is the question
	dataCarry   = "A:q:"     // A:q:<tag> asks with the question just searched (tag: its hash)
	dataSend    = "A:send"   // send the drafted question
	dataCancel  = "A:no"     // drop it
	dataClose   = "A:close"  // A:close:<n> closes ticket n
	dataMore    = "A:more:"  // A:more:<n> sends the drafted message to ticket n as well
	dataNoMore  = "A:skip:"  // A:skip:<n> does not send it
	dataWriteTo = "A:write:" // A:write:<n> writes to ticket n again (after going elsewhere)
)

// Flows: the chat's next text is a question for the specialists (flowAsk), or more for an
// open ticket: "ticket:<n>" asks before sending the first, "ticket:<n>:on" sends directly.
const (
	flowAsk    bot.Flow = "ask"
	flowTicket bot.Flow = "ticket"
	confirmed           = "on"
)

// maxQuestion bounds a question to the specialists, and each message after it, in characters.
const maxQuestion = 1000

// TicketTTL is how long a ticket is kept after it is opened.
const TicketTTL = 30 * 24 * time.Hour

// CarriedTTL is how long a searched question is kept for "Ask a specialist" on its answer
// to carry: long enough to read the answer and decide the same day, short because most
// questions are never sent (an older answer's button asks the person to type it instead).
const CarriedTTL = 24 * time.Hour

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
	// ForgetTickets deletes every ticket of user, and the question Asked keeps.
	ForgetTickets(ctx context.Context, user int64) error

	// KeepAsked keeps the question user has just searched for, for "Ask a specialist" on
	// its answer to carry (at most CarriedTTL, sealed as tickets are); a newer one replaces it.
	KeepAsked(ctx context.Context, user int64, question string) error
	// Asked is the question KeepAsked kept, if any.
	Asked(ctx context.Context, user int64) (string, bool, error)
	// DropAsked deletes it: it became a draft, or the person was forgotten.
	DropAsked(ctx context.Context, user int64) error
}

// Feature is the handoff to operators.
type Feature struct {
	store     Store
	operators int64        // the operators' group chat
	lang      content.Lang // the language of what the bot writes there
	// budget: a person may send 3 questions at once, then one every 10 minutes (each is a
	// message in the operators' group, which one person must not fill); more: the messages
	// that follow a question in its ticket, 10 at once, then one a minute.
	budget *bot.Budget
	more   *bot.Budget
}

// Option configures the handoff.
type Option func(*Feature)

// OperatorsLang has the bot write in the operators' group in lang (Russian by default).
func OperatorsLang(lang content.Lang) Option { return func(f *Feature) { f.lang = lang } }

// New returns the handoff to the operators of group chat operators.
func New(store Store, operators int64, opts ...Option) *Feature {
	f := &Feature{store: store, operators: operators, lang: content.RU,
		budget: bot.NewBudget(rate.Every(10*time.Minute), 3), more: bot.NewBudget(rate.Every(time.Minute), 10)}
	for _, o := range opts {
		o(f)
	}
	return f
}

// Name implements bot.Feature.
func (f *Feature) Name() string { return "handoff" }

// Register implements bot.Feature.
func (f *Feature) Register(r *bot.Router) {
	r.Button(dataAsk, "", f.press)
	r.Flow(flowAsk, f.draft, bot.Resume(f.askAgain))
	r.Flow(flowTicket, f.followUp)
	r.Group(f.group)
	r.Command("tickets", bot.RoleAdmin, f.listTickets, bot.InMenu(msgCommandTickets))
	r.Command("close", "", f.closeCommand)
	r.Decorate(f.offer)
	r.AfterStep(f.keepAsked)
	r.Keep(f)
}

// offer puts "Ask a specialist" on every answer (a screen without buttons of its own), on
// the answer to a question, found or not — carrying the question, so it need not be typed
// again — and on the answer to a message the bot cannot read.
func (f *Feature) offer(s bot.Screen) [][]bot.Button {
	label := s.Engine.T(s.Lang, msgAskSpecialist, nil)
	switch {
	case s.Search && s.Query != "" && utf8.RuneCountInString(s.Query) <= maxQuestion:
		return [][]bot.Button{{{Label: label, Data: dataCarry + tag(s.Query)}}}
	case s.Search || s.NothingFound || s.Unsupported:
		return [][]bot.Button{{{Label: label, Data: dataAsk}}}
	case s.Node == nil || len(s.Node.Buttons) > 0 || s.Node.ID == content.MainID:
		return nil
	}
	return [][]bot.Button{{{Label: label, Data: dataAsk}}}
}

// tag names a question in button data: a button of an older search finds the question kept
// is not its own, and asks for it to be typed rather than send another.
func tag(question string) string {
	h := fnv.New32a()
	h.Write([]byte(question))
	return strconv.FormatUint(uint64(h.Sum32()), 36)
}

// keepAsked keeps a question the engine answered, for its "Ask a specialist" to carry.
func (f *Feature) keepAsked(t *bot.Turn, _, _ bot.Session, replies []bot.Reply) {
	if t.In.Kind != bot.InputText || t.Cmd != "" || t.Text == "" || utf8.RuneCountInString(t.Text) > maxQuestion {
		return
	}
	for _, r := range replies {
		if r.Search {
			if err := f.store.KeepAsked(t.Ctx, t.Chat, t.Text); err != nil {
				t.Log().Warn("could not keep a question for the specialists", "chat", t.Chat, "err", err)
			}
			return
		}
	}
}

// ticketRef finds "№<n>" in an operators' chat message the bot wrote.
var ticketRef = regexp.MustCompile(`№(\d+)`)

// group answers in the operators' chat: /tickets, /close, and their replies to tickets.
// Other groups get nothing.
func (f *Feature) group(t *bot.Turn) bool {
	if t.Chat != f.operators {
		return false
	}
	switch {
	case t.Cmd == "tickets":
		return f.listTickets(t)
	case t.Cmd == "close":
		f.operatorsClose(t)
	case t.In.ReplyToText != "" && t.In.Kind == bot.InputText && t.Cmd == "":
		f.operatorReply(t)
	}
	return true
}

// toOperators renders a string in the operators' language.
func (f *Feature) toOperators(t *bot.Turn, id bot.MessageID, data map[string]any) string {
	return t.Engine.T(f.lang, id, data)
}

func (f *Feature) press(t *bot.Turn) bool {
	switch d := t.Data; {
	case d == dataAsk:
		f.ask(t)
	case strings.HasPrefix(d, dataCarry):
		f.carry(t, strings.TrimPrefix(d, dataCarry))
	case d == dataSend:
		f.send(t)
	case d == dataCancel:
		t.Change(func(s bot.Session) bot.Session { s.Flow, s.Draft = "", ""; return s })
		t.Say(t.Here(t.T(msgAskCancelled, nil)))
	case strings.HasPrefix(d, dataClose+":"):
		f.closeTicket(t, number(strings.TrimPrefix(d, dataClose+":")))
	case strings.HasPrefix(d, dataMore):
		f.sendMore(t, number(strings.TrimPrefix(d, dataMore)))
	case strings.HasPrefix(d, dataNoMore):
		n := number(strings.TrimPrefix(d, dataNoMore))
		t.Change(func(s bot.Session) bot.Session { s.Flow, s.Draft = ticketFlow(n, false), ""; return s })
		t.Say(t.Here(t.T(msgMoreNotSent, nil)))
	case strings.HasPrefix(d, dataWriteTo):
		f.writeTo(t, number(strings.TrimPrefix(d, dataWriteTo)))
	default:
		t.Stale()
	}
	return true
}

func number(s string) int64 {
	n, _ := strconv.ParseInt(s, 10, 64)
	return n
}

func ticketFlow(n int64, on bool) bot.Flow {
	f := bot.Flow(fmt.Sprintf("%s:%d", flowTicket, n))
	if on {
		f += ":" + confirmed
	}
	return f
}

// ticketOf reads a ticket flow: its ticket and whether the person agreed to send directly.
func ticketOf(f bot.Flow) (n int64, on bool) {
	parts := strings.Split(string(f), ":")
	if len(parts) < 2 || bot.Flow(parts[0]) != flowTicket {
		return 0, false
	}
	return number(parts[1]), len(parts) > 2 && parts[2] == confirmed
}

func (f *Feature) ask(t *bot.Turn) {
	t.Change(func(s bot.Session) bot.Session { s.Flow, s.Draft = flowAsk, ""; return s })
	t.Say(bot.Reply{Text: t.T(msgAskWrite, map[string]any{"Count": maxQuestion}), Buttons: f.cancelButton(t)})
}

// askAgain leads someone back to the question they were writing (after the safety screen,
// say): the question drafted, with its consent, or the prompt to write one.
func (f *Feature) askAgain(t *bot.Turn) bool {
	if d := t.Session.Draft; d != "" {
		f.consent(t, d, "")
		return true
	}
	t.Say(bot.Reply{Text: t.T(msgAskWrite, map[string]any{"Count": maxQuestion}), Buttons: f.cancelButton(t)})
	return true
}

// carry drafts the question the person just searched for, and shows it before it is sent;
// a text they type instead replaces it. The kept copy goes: the draft is the question now.
func (f *Feature) carry(t *bot.Turn, want string) {
	q, ok, err := f.store.Asked(t.Ctx, t.Chat)
	if err != nil {
		t.Unavailable(err)
		return
	}
	if !ok || tag(q) != want {
		f.ask(t) // expired, forgotten, or a newer search's: they type it
		return
	}
	if err := f.store.DropAsked(t.Ctx, t.Chat); err != nil {
		t.Unavailable(err)
		return
	}
	t.Change(func(s bot.Session) bot.Session { s.Flow, s.Draft = flowAsk, q; return s })
	f.consent(t, q, t.T(msgAskCarried, nil))
}

func (f *Feature) cancelButton(t *bot.Turn) [][]bot.Button {
	return [][]bot.Button{{{Label: t.T(msgAskCancel, nil), Data: dataCancel}}}
}

// draft keeps typed text as the question and asks for consent to send it.
func (f *Feature) draft(t *bot.Turn) bool {
	if utf8.RuneCountInString(t.Text) > maxQuestion {
		t.Say(bot.Reply{Text: t.T(msgAskTooLong, map[string]any{"Count": maxQuestion}), Buttons: f.cancelButton(t)})
		return true
	}
	text := t.Text
	t.Change(func(s bot.Session) bot.Session { s.Draft = text; return s })
	f.consent(t, text, "")
	return true
}

// consent shows what would be sent, with note below it, and asks whether to send it.
func (f *Feature) consent(t *bot.Turn, question, note string) {
	text := t.T(msgAskConsent, map[string]any{"Question": question}) + "\n\n" + ticketPrivacy(t.Engine, t.Lang())
	if note != "" {
		text += "\n\n" + note
	}
	t.Say(bot.Reply{Text: text, Buttons: [][]bot.Button{
		{{Label: t.T(msgAskSend, nil), Data: dataSend}},
		{{Label: t.T(msgAskCancel, nil), Data: dataCancel}},
	}})
}

// send makes a ticket of the drafted question, then drops the draft: a crash between the
// two costs, when the press comes back, a second ticket rather than the question. The
// chat then talks to the ticket: what it types next is for the same specialists.
func (f *Feature) send(t *bot.Turn) {
	draft, lang := t.Session.Draft, t.Lang()
	if draft == "" || t.Session.Flow != flowAsk {
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
	t.Change(func(s bot.Session) bot.Session { s.Flow = ticketFlow(tk.Number, false); return s })
	t.Say(
		bot.Reply{Text: t.T(msgAskSent, map[string]any{"Number": tk.Number}), Buttons: f.ticketButtons(t.Engine, lang, tk.Number, false)},
		bot.Reply{To: f.operators, Text: f.toOperators(t, msgTicketForOperators, map[string]any{
			"Number": tk.Number, "Lang": bot.LanguageName(lang)}) + "\n\n" + draft},
	)
}

// ticketButtons are what a person can do with an open ticket: write to it again (when they
// may have gone elsewhere since), close it, or go to the main menu.
func (f *Feature) ticketButtons(e *bot.Engine, lang content.Lang, n int64, write bool) [][]bot.Button {
	var rows [][]bot.Button
	if write {
		rows = append(rows, []bot.Button{{Label: e.T(lang, msgTicketWrite, nil), Data: fmt.Sprintf("%s%d", dataWriteTo, n)}})
	}
	return append(rows,
		[]bot.Button{{Label: e.T(lang, msgTicketClose, nil), Data: fmt.Sprintf("%s:%d", dataClose, n)}},
		[]bot.Button{{Label: e.T(lang, msgButtonMainMenu, nil), Data: bot.DataMainMenu}},
	)
}

// followUp takes what a person writes while their ticket is open: the first time it asks
// whether to send it to the specialists as well; once they agreed, it goes directly. A
// ticket closed meanwhile leaves the text to the engine, a question as any other.
func (f *Feature) followUp(t *bot.Turn) bool {
	n, on := ticketOf(t.Session.Flow)
	tk, ok, err := f.store.Ticket(t.Ctx, n)
	if err != nil {
		t.Unavailable(err)
		return true
	}
	if !ok || tk.Closed || tk.User != t.Chat {
		return false
	}
	if utf8.RuneCountInString(t.Text) > maxQuestion {
		t.Say(bot.Reply{Text: t.T(msgAskTooLong, map[string]any{"Count": maxQuestion}), Buttons: f.ticketButtons(t.Engine, t.Lang(), n, false)})
		return true
	}
	if !on {
		text := t.Text
		t.Change(func(s bot.Session) bot.Session { s.Draft = text; return s })
		t.Say(bot.Reply{Text: t.T(msgMoreConfirm, map[string]any{"Number": n, "Text": text}), Buttons: [][]bot.Button{
			{{Label: t.T(msgAskSend, nil), Data: fmt.Sprintf("%s%d", dataMore, n)}},
			{{Label: t.T(msgMoreDont, nil), Data: fmt.Sprintf("%s%d", dataNoMore, n)}},
		}})
		return true
	}
	f.deliverMore(t, tk, t.Text)
	return true
}

// sendMore sends the message the person agreed to send to ticket n, and from now on what
// they write goes there directly.
func (f *Feature) sendMore(t *bot.Turn, n int64) {
	text := t.Session.Draft
	if cur, _ := ticketOf(t.Session.Flow); cur != n || text == "" {
		t.Stale()
		return
	}
	tk, ok := f.ownOpenTicket(t, n)
	if !ok {
		return
	}
	t.Change(func(s bot.Session) bot.Session { s.Flow, s.Draft = ticketFlow(n, true), ""; return s })
	f.deliverMore(t, tk, text)
}

// ownOpenTicket is ticket n when it is open and the chat's own; otherwise it has said so
// (or that the store is unavailable) and reports false.
func (f *Feature) ownOpenTicket(t *bot.Turn, n int64) (Ticket, bool) {
	tk, ok, err := f.store.Ticket(t.Ctx, n)
	if err != nil {
		t.Unavailable(err)
		return Ticket{}, false
	}
	if !ok || tk.Closed || tk.User != t.Chat {
		t.Say(t.Here(t.T(msgTicketNotOpen, map[string]any{"Number": n})))
		return Ticket{}, false
	}
	return tk, true
}

// deliverMore posts a person's message to their ticket in the operators' chat.
func (f *Feature) deliverMore(t *bot.Turn, tk Ticket, text string) {
	if !f.more.Allow(t.Chat, t.Now) {
		t.Say(bot.Reply{Text: t.T(msgMoreTooFast, nil), Buttons: f.ticketButtons(t.Engine, t.Lang(), tk.Number, false)})
		return
	}
	t.Say(
		bot.Reply{Text: t.T(msgMoreSent, map[string]any{"Number": tk.Number}), Buttons: f.ticketButtons(t.Engine, t.Lang(), tk.Number, false)},
		bot.Reply{To: f.operators, Text: f.toOperators(t, msgMoreForOperators, map[string]any{"Number": tk.Number}) + "\n\n" + text},
	)
}

// writeTo has the chat's next texts go to ticket n directly: the person pressed "Write to
// the specialist", which is their consent.
func (f *Feature) writeTo(t *bot.Turn, n int64) {
	if _, ok := f.ownOpenTicket(t, n); !ok {
		return
	}
	t.Change(func(s bot.Session) bot.Session { s.Flow, s.Draft = ticketFlow(n, true), ""; return s })
	t.Say(bot.Reply{Text: t.T(msgTicketWriteNow, map[string]any{"Number": n, "Count": maxQuestion}),
		Buttons: f.ticketButtons(t.Engine, t.Lang(), n, false)})
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

// replied is the ticket an operators' message replies to, read from the bot's message.
func replied(t *bot.Turn) (int64, bool) {
	m := ticketRef.FindStringSubmatch(t.In.ReplyToText)
	if m == nil {
		return 0, false
	}
	return number(m[1]), true
}

// operatorReply passes an operator's reply to the person whose ticket it answers.
func (f *Feature) operatorReply(t *bot.Turn) {
	n, ok := replied(t)
	if !ok {
		return // a reply to something else in the group
	}
	tk, ok, err := f.store.Ticket(t.Ctx, n)
	if err != nil {
		t.Say(bot.Reply{Text: f.toOperators(t, msgUnavailable, nil)})
		return
	}
	if !ok || tk.Closed {
		t.Say(bot.Reply{Text: f.toOperators(t, msgTicketGone, map[string]any{"Number": n})})
		return
	}
	t.Say(
		bot.Reply{To: tk.User, Text: t.Engine.T(tk.Lang, msgTicketAnswer, map[string]any{"Number": n, "Answer": t.Text}),
			Buttons: f.ticketButtons(t.Engine, tk.Lang, n, true)},
		bot.Reply{Text: f.toOperators(t, msgTicketDelivered, map[string]any{"Number": n})},
	)
}

// operatorsClose closes a ticket from the operators' chat: "/close" in reply to one of its
// messages, or "/close <n>". The person is told, in their language.
func (f *Feature) operatorsClose(t *bot.Turn) {
	n, ok := number(strings.TrimPrefix(strings.TrimSpace(t.Arg), "№")), true
	if n == 0 {
		n, ok = replied(t)
	}
	if !ok || n == 0 {
		t.Say(bot.Reply{Text: f.toOperators(t, msgCloseHow, nil)})
		return
	}
	tk, ok, err := f.store.Ticket(t.Ctx, n)
	if err != nil {
		t.Say(bot.Reply{Text: f.toOperators(t, msgUnavailable, nil)})
		return
	}
	if !ok || tk.Closed {
		t.Say(bot.Reply{Text: f.toOperators(t, msgTicketGone, map[string]any{"Number": n})})
		return
	}
	if err := f.store.CloseTicket(t.Ctx, n); err != nil {
		t.Say(bot.Reply{Text: f.toOperators(t, msgUnavailable, nil)})
		return
	}
	e := t.Engine
	t.Say(
		bot.Reply{To: tk.User, Text: e.T(tk.Lang, msgTicketClosedByOperators, map[string]any{"Number": n}),
			Buttons: [][]bot.Button{
				{{Label: e.T(tk.Lang, msgAskSpecialist, nil), Data: dataAsk}},
				{{Label: e.T(tk.Lang, msgButtonMainMenu, nil), Data: bot.DataMainMenu}},
			}},
		bot.Reply{Text: f.toOperators(t, msgTicketClosedInGroup, map[string]any{"Number": n})},
	)
}

// closeCommand is a person's /close: the ticket they are writing to, else their newest
// open one.
func (f *Feature) closeCommand(t *bot.Turn) bool {
	if t.Session.Lang == "" {
		return false // the engine asks for a language first
	}
	n, _ := ticketOf(t.Session.Flow)
	if n == 0 {
		ts, err := f.store.UserTickets(t.Ctx, t.Chat)
		if err != nil {
			t.Unavailable(err)
			return true
		}
		for _, tk := range ts {
			if !tk.Closed && tk.Number > n {
				n = tk.Number
			}
		}
	}
	if n == 0 {
		t.Say(t.Here(t.T(msgNoOpenTicket, nil)))
		return true
	}
	f.closeTicket(t, n)
	return true
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
	if cur, _ := ticketOf(t.Current().Flow); cur == n {
		t.Change(func(s bot.Session) bot.Session { s.Flow, s.Draft = "", ""; return s })
	}
	if tk.Closed {
		t.Say(bot.Reply{Text: t.T(msgTicketClosed, map[string]any{"Number": n}),
			Buttons: [][]bot.Button{{{Label: t.T(msgButtonMainMenu, nil), Data: bot.DataMainMenu}}}})
		return // the operators were told when it closed
	}
	if err := f.store.CloseTicket(t.Ctx, n); err != nil {
		t.Unavailable(err)
		return
	}
	t.Say(
		bot.Reply{Text: t.T(msgTicketClosed, map[string]any{"Number": n}),
			Buttons: [][]bot.Button{{{Label: t.T(msgButtonMainMenu, nil), Data: bot.DataMainMenu}}}},
		bot.Reply{To: f.operators, Text: f.toOperators(t, msgTicketClosedForOperators, map[string]any{"Number": n})},
	)
}

// listTickets answers /tickets, in the operators' chat or to an admin.
func (f *Feature) listTickets(t *bot.Turn) bool {
	say := func(id bot.MessageID, data map[string]any) string {
		if t.Chat == f.operators {
			return f.toOperators(t, id, data)
		}
		return t.T(id, data)
	}
	ts, err := f.store.OpenTickets(t.Ctx)
	if err != nil {
		t.Say(bot.Reply{Text: say(msgUnavailable, nil)})
		return true
	}
	if len(ts) == 0 {
		t.Say(bot.Reply{Text: say(msgTicketsNone, nil)})
		return true
	}
	lines := []string{say(msgTicketsTitle, map[string]any{"Count": len(ts)})}
	for _, tk := range ts {
		lines = append(lines, fmt.Sprintf("№%d · %s · %s · %s", tk.Number, tk.Lang, tk.Created.UTC().Format("02.01 15:04"),
			bot.Echo(strings.Join(strings.Fields(tk.Question), " "), 60)))
	}
	t.Say(bot.Reply{Text: strings.Join(lines, "\n")})
	return true
}

// Kept implements bot.Keeper: a line per ticket kept, and the searched question kept for
// a specialist, if any. What a person writes to an open ticket after its question is
// passed to the operators' chat and not kept.
func (f *Feature) Kept(ctx context.Context, chat int64, lang content.Lang, e *bot.Engine) ([]string, error) {
	ts, err := f.store.UserTickets(ctx, chat)
	if err != nil {
		return nil, err
	}
	var lines []string
	for _, tk := range ts {
		id := msgMyDataTicket
		if !tk.Closed {
			id = msgMyDataTicketOpen
		}
		lines = append(lines, e.T(lang, id, map[string]any{"Number": tk.Number, "Question": bot.Echo(tk.Question, 60)}))
	}
	q, ok, err := f.store.Asked(ctx, chat)
	if err != nil {
		return nil, err
	}
	if ok {
		lines = append(lines, e.T(lang, msgMyDataAsked, map[string]any{"Question": bot.Echo(q, 60),
			"Kept": e.T(lang, msgKeptDays, map[string]any{"Days": int(CarriedTTL.Hours() / 24)})}))
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
