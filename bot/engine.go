package bot

import (
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/nicksnyder/go-i18n/v2/i18n"
	"github.com/qamqor/qamqor/content"
	"github.com/qamqor/qamqor/search"
)

// InputKind says what a person did.
type InputKind int

const (
	// InputText is a typed message: a command ("/start"), an answer or a question.
	InputText InputKind = iota + 1
	// InputButton is a pressed button; Data is the button's Data.
	InputButton
	// InputMissingButton is a button the adapter could not find (a number with no button).
	InputMissingButton
	// InputResume asks for the current screen again, as when a terminal chat starts.
	InputResume
	// InputUnsupported is a message the bot cannot read: a photo, a sticker, a voice note.
	InputUnsupported
	// InputFile is a document the person sent (an editor's content archive); File holds it.
	InputFile
)

// Input is one thing a person did.
type Input struct {
	Kind InputKind
	Text string // for InputText
	Data string // for InputButton
	File *File  // for InputFile
	// LangHint is the language the person's app uses, if known. It is used only when the
	// session cannot be read, to apologise in a language they read.
	LangHint content.Lang
	// Group is set for a message in a group chat (the operators' chat): From is its sender
	// and ReplyToText the text of the message it answers, if any.
	Group       bool
	From        int64
	ReplyToText string
	// UpdateID identifies a delivery from the messenger (0 when there is none, as in the
	// terminal), so that a delivery repeated is handled once.
	UpdateID int64
	// Username is the sender's @username without the "@", when they have one (private
	// chats only), so an admin can name them to grant a role.
	Username string
	// Forwarded is set for a forwarded message: whose it was. ReplyForwarded is the same
	// for the message it replies to. A forwarded message is never taken as a command.
	Forwarded, ReplyForwarded *Origin
}

// Origin is who wrote a forwarded message.
type Origin struct {
	// User is the person who wrote it; 0 when it is not known.
	User int64
	// Hidden says the person hides their account in forwarded messages (Telegram's
	// privacy setting); with User 0 and Hidden false, it came from a group or a channel.
	Hidden bool
}

// File is a document someone sent: its name and its bytes.
type File struct {
	Name string
	Data []byte
}

// MaxFileSize is the largest document adapters download (a content archive is far
// smaller); a larger one arrives as InputFile with Data nil.
const MaxFileSize = 5 << 20

// Reply is one message to show: text and buttons, in rows, and possibly a checklist for
// the adapter to send as a document.
type Reply struct {
	// To is the chat the reply goes to when it is not the chat the input came from (a
	// notice to a referring partner); 0 means the input's chat.
	To        int64
	Text      string
	Buttons   [][]Button
	Checklist *Checklist
	// Image is a picture sent with Text as its caption (a referral's QR code).
	Image *Image
	// Documents are files sent after the text (a partner's report as CSV and PDF).
	Documents []File
	// SearchMiss marks the answer to a question search found nothing for, for the
	// statistics; adapters ignore it.
	SearchMiss bool
	// SearchPartial marks the answer to a question search answered only in part (its best
	// result matched less than half of the question), for the statistics: forgiving
	// search must not hide what the content lacks. Adapters ignore it.
	SearchPartial bool
	// Search marks the answer to a question, found or not, for the per-chat limits;
	// adapters ignore it.
	Search bool
	// TypedAnswer says the screen asks for something typed (a number): an adapter that
	// maps typed numbers to buttons must not do so here.
	TypedAnswer bool
	// RuleFailures are the screener rules that failed to run on the person's answers, for
	// the Service to log and count; adapters ignore them.
	RuleFailures []content.RuleFailure
}

// Image is a PNG picture to send.
type Image struct {
	Name string // file name, e.g. "qamqor-referral.png"
	PNG  []byte
}

// Button is either an action (Data, sent back as InputButton) or a web page (URL).
type Button struct {
	Label string
	Data  string
	URL   string
}

// Button data. Short prefixes keep data far under Telegram's 64-byte callback limit: the
// longest is a prefix and a node id of at most content.MaxIDBytes.
const (
	dataOpen     = "g:" // g:<node id> opens a node
	dataBack     = "b:" // b:<node id> goes back from that node's screen
	dataMainMenu = "m"
	// dataLeaveScreener is "Leave" on the question whether to drop a questionnaire's
	// answers for the main menu.
	dataLeaveScreener = "mq"
	dataHere          = "h"  // shows the current screen again
	dataLang          = "l:" // l:kk or l:ru chooses a language
)

// Labels of the language buttons: each in its own language, the same for everyone.
var langLabels = map[content.Lang]string{content.KK: "Қазақша", content.RU: "Русский"}

// maxCommandEcho bounds how much of an unknown command the bot repeats back.
const maxCommandEcho = 32

// Engine turns (session, input) into (new session, replies). It has no state of its own
// beyond the content and strings it was built with, so one Engine serves every chat.
type Engine struct {
	content  *content.Content
	index    *search.Index
	tr       *translator
	keptDays int
	now      func() time.Time
	// decorators are the features' buttons for screens (Router.Decorate), set by the
	// Service on each engine it uses.
	decorators []Decorator
}

// Option configures an Engine.
type Option func(*Engine)

// WithSessionTTL tells the engine how long sessions are kept, so /help can say so.
func WithSessionTTL(d time.Duration) Option {
	return func(e *Engine) { e.keptDays = int((d + 24*time.Hour - 1) / (24 * time.Hour)) }
}

// WithClock sets what the engine takes as the current time: it decides the year whose
// amounts a result shows and the date on a checklist.
func WithClock(now func() time.Time) Option { return func(e *Engine) { e.now = now } }

// NewEngine returns an engine over the given content and interface strings. It builds the
// search index of the content, so a new engine is what makes new content live.
func NewEngine(c *content.Content, strings *i18n.Bundle, opts ...Option) *Engine {
	e := &Engine{content: c, index: search.New(c), tr: newTranslator(strings), keptDays: 30, now: time.Now}
	for _, o := range opts {
		o(e)
	}
	return e
}

// Step handles one input. It never fails: whatever arrives gets an answer in the person's
// language, and input that makes no sense leaves the session where it was.
func (e *Engine) Step(s Session, in Input) (Session, []Reply) {
	s, moved := e.relocate(s)
	next, replies := e.step(s, in)
	// In the language of the reply: /lang on a removed screen switches it.
	if moved && len(replies) > 0 && next.Lang != "" {
		replies[0].Text = e.tr.T(next.Lang, msgNodeGone, nil) + "\n\n" + replies[0].Text
	}
	return next, replies
}

// relocate moves a session whose screen is gone from the content (a new version was
// published) to the nearest screen it came through that still exists, or the main menu.
func (e *Engine) relocate(s Session) (Session, bool) {
	if _, ok := e.content.Node(s.node()); ok {
		return s, false
	}
	for i := len(s.History) - 1; i >= 0; i-- {
		if _, ok := e.content.Node(s.History[i]); ok {
			s.Node, s.History = s.History[i], slices.Clone(s.History[:i])
			return s.leaveScreener(), true
		}
	}
	s.Node, s.History = content.MainID, nil
	return s.leaveScreener(), true
}

func (e *Engine) step(s Session, in Input) (Session, []Reply) {
	if s.Screener != "" {
		if sc, ok := e.content.Screener(s.Screener); !ok {
			s = s.leaveScreener() // gone from the content too
		} else if s = e.reask(s, sc); s.Lang != "" {
			if next, replies, ok := e.screenerInput(s, in, clean(in.Text)); ok {
				return next, replies
			}
		}
	}
	switch in.Kind {
	case InputResume:
		if s.Lang == "" {
			return s, []Reply{e.greeting("")}
		}
		return s, []Reply{e.here(s, "")}
	case InputButton:
		return e.press(s, in.Data)
	case InputMissingButton, InputUnsupported, InputFile:
		if s.Lang == "" {
			return s, []Reply{e.greeting(msgChooseLanguageFirst)}
		}
		if in.Kind == InputUnsupported || in.Kind == InputFile {
			return s, []Reply{e.unsupported(s)} // a file from someone who may not publish content
		}
		return s, []Reply{e.here(s, e.tr.T(s.Lang, msgNoSuchButton, nil))}
	default:
		return e.text(s, clean(in.Text))
	}
}

func (e *Engine) press(s Session, data string) (Session, []Reply) {
	if lang, ok := strings.CutPrefix(data, dataLang); ok {
		// Only the data our buttons carry: ParseLang also reads "KK", "kz" and "ru-RU".
		if l, ok := content.ParseLang(lang); ok && string(l) == lang {
			s.Lang = l
			return s, []Reply{e.here(s, "")} // in a screener, its question: answers keep going there
		}
	}
	if s.Lang == "" {
		return s, []Reply{e.greeting(msgChooseLanguageFirst)}
	}
	stale := func() (Session, []Reply) { return s, []Reply{e.here(s, e.tr.T(s.Lang, msgStaleButton, nil))} }
	switch {
	case data == dataMainMenu:
		if r, ok := e.askLeave(s); ok {
			return s, []Reply{r}
		}
		s = s.toMainMenu()
	case data == dataLeaveScreener:
		s = s.toMainMenu()
	case data == dataHere:
		return s, []Reply{e.here(s, "")}
	case data == dataRegions:
		return s, []Reply{e.regionChooser(s)}
	case strings.HasPrefix(data, dataRegion):
		id := strings.TrimPrefix(data, dataRegion)
		if _, ok := e.content.RegionName(id, s.Lang); !ok {
			return stale()
		}
		s.Region = id
		return s, []Reply{e.here(s, "")}
	case strings.HasPrefix(data, dataStartScreener):
		return e.startScreener(s, strings.TrimPrefix(data, dataStartScreener))
	case strings.HasPrefix(data, dataOpen):
		id := strings.TrimPrefix(data, dataOpen)
		if _, ok := e.content.Node(id); !ok {
			return stale()
		}
		if id != s.node() {
			s = s.open(id)
		} else {
			s = s.leaveScreener()
		}
	case strings.HasPrefix(data, dataBack):
		if strings.TrimPrefix(data, dataBack) != s.node() || s.Screener != "" {
			return stale() // Back on an older screen: where it led is no longer known
		}
		s = s.back()
	default:
		return stale()
	}
	return s, []Reply{e.screen(s, "")}
}

func (e *Engine) text(s Session, text string) (Session, []Reply) {
	if cmd, arg, ok := parseCommand(text); ok {
		return e.command(s, cmd, arg)
	}
	if s.Lang == "" {
		// Someone may type the language's name rather than press its button.
		for l, label := range langLabels {
			if strings.EqualFold(text, label) {
				s.Lang = l
				return s, []Reply{e.screen(s, "")}
			}
		}
		return s, []Reply{e.greeting(msgChooseLanguageFirst)}
	}
	if text == "" {
		return s, []Reply{e.here(s, e.tr.T(s.Lang, msgEmptyMessage, nil))}
	}
	return s, []Reply{e.answer(s, text)}
}

func (e *Engine) command(s Session, cmd, arg string) (Session, []Reply) {
	switch cmd {
	case "start":
		if r, ok := e.askLeave(s); ok && arg == "" {
			return s, []Reply{r}
		}
		next := Session{Lang: s.Lang, Region: s.Region} // starting over keeps what they chose
		if _, ok := e.content.Node(arg); ok && arg != content.MainID {
			next = next.open(arg) // a deep link: Back leads to the main menu
		}
		if next.Lang == "" || next.Node == "" {
			return next, []Reply{e.greeting("")}
		}
		return next, []Reply{e.screen(next, "")}
	}
	if s.Lang == "" {
		return s, []Reply{e.greeting(msgChooseLanguageFirst)}
	}
	switch cmd {
	case "menu":
		if r, ok := e.askLeave(s); ok {
			return s, []Reply{r}
		}
		s = s.toMainMenu()
		return s, []Reply{e.screen(s, "")}
	case "lang":
		if s.Lang == content.KK {
			s.Lang = content.RU
		} else {
			s.Lang = content.KK
		}
		return s, []Reply{e.here(s, e.tr.T(s.Lang, msgLanguageChanged, nil))}
	case "help":
		return s, []Reply{{
			Text: e.tr.T(s.Lang, msgHelp, map[string]any{"Privacy": e.Privacy(s.Lang)}),
			Buttons: [][]Button{{
				{Label: e.tr.T(s.Lang, msgButtonBack, nil), Data: dataHere},
				{Label: e.tr.T(s.Lang, msgButtonMainMenu, nil), Data: dataMainMenu},
			}},
		}}
	}
	echo := "/" + cmd
	if utf8.RuneCountInString(echo) > maxCommandEcho {
		echo = string([]rune(echo)[:maxCommandEcho]) + "…"
	}
	return s, []Reply{e.here(s, e.tr.T(s.Lang, msgUnknownCommand, map[string]any{"Command": echo}))}
}

// askLeave asks before the main menu (or /start, /menu) drops the answers of a
// questionnaire in the middle — on a question or the summary, with something answered —
// and reports false when there is nothing to lose: no answers yet, or the result already
// shown. "Continue" shows the same step again, answers kept.
func (e *Engine) askLeave(s Session) (Reply, bool) {
	if s.Screener == "" || len(s.Answers) == 0 || s.Lang == "" ||
		!(strings.HasPrefix(s.Step, stepQuestion) || s.Step == stepSummary) {
		return Reply{}, false
	}
	if _, ok := e.content.Screener(s.Screener); !ok {
		return Reply{}, false
	}
	return Reply{
		Text: e.tr.T(s.Lang, msgLeaveScreenerAsk, nil),
		Buttons: [][]Button{{
			{Label: e.tr.T(s.Lang, msgLeaveScreener, nil), Data: dataLeaveScreener},
			{Label: e.tr.T(s.Lang, msgContinueScreener, nil), Data: dataHere},
		}},
	}, true
}

// toMainMenu goes to the main menu, leaving any screener.
func (s Session) toMainMenu() Session {
	if s.node() != content.MainID {
		s = s.open(content.MainID)
	}
	return s.leaveScreener()
}

// here shows where the person is: a screener's step, or the current node.
func (e *Engine) here(s Session, note string) Reply {
	if s.Screener != "" {
		return e.screenerScreen(s, note)
	}
	return e.screen(s, note)
}

// Command is a command the bot understands, with what it does, for a messenger's menu.
type Command struct {
	Name        string // without the slash
	Description string
}

// Commands lists the engine's own commands, described in lang; Service.Commands adds the
// features'.
func (e *Engine) Commands(lang content.Lang) []Command {
	cmds := []Command{
		{"start", e.tr.T(lang, msgCommandStart, nil)},
		{"menu", e.tr.T(lang, msgCommandMenu, nil)},
		{"lang", e.tr.T(lang, msgCommandLang, nil)},
		{"help", e.tr.T(lang, msgCommandHelp, nil)},
	}
	return cmds
}

// greeting introduces Qamqor in both languages and offers the choice between them.
func (e *Engine) greeting(noteID MessageID) Reply {
	text := e.tr.both(msgGreeting)
	if noteID != "" {
		text = e.tr.both(noteID)
	}
	row := make([]Button, 0, len(content.Langs))
	for _, l := range content.Langs {
		row = append(row, Button{Label: langLabels[l], Data: dataLang + string(l)})
	}
	return Reply{Text: text, Buttons: [][]Button{row}}
}

// screen shows the current node, with note (if any) above it.
func (e *Engine) screen(s Session, note string) Reply {
	n, _ := e.content.Node(s.node())
	lang := s.Lang
	parts := make([]string, 0, 4)
	if note != "" {
		parts = append(parts, note)
	}
	parts = append(parts, n.Title.In(lang))
	if body := e.content.Expand(n.Text.In(lang), e.now().Year(), ""); body != "" {
		parts = append(parts, body)
	}
	var card *card
	if sv, ok := e.content.Service(n.Service); ok {
		k := e.serviceCard(lang, sv, s.Region, e.plainAmount(lang, sv))
		k.showFor = true // a result needs no "who for": the person's answers matched it
		card = &k
		parts = append(parts, k.text(e, lang, ""))
	} else if sites := n.SourceSites(); len(sites) > 0 {
		parts = append(parts, e.tr.T(lang, msgSources, map[string]any{"Sites": strings.Join(sites, ", ")}))
	}
	r := Reply{Text: strings.Join(parts, "\n\n")}
	if sc, ok := e.content.ScreenerFor(n.ID); ok {
		r.Buttons = append(r.Buttons, []Button{{Label: e.tr.T(lang, msgWhatCanIGet, nil), Data: dataStartScreener + sc.ID}})
	}
	r.Buttons = append(r.Buttons, e.nodeButtons(n, lang)...)
	for _, lk := range n.Links {
		r.Buttons = append(r.Buttons, []Button{{Label: lk.Label.In(lang), URL: lk.URL.In(lang)}})
	}
	if card != nil { // after the screen's own buttons, which keep their places
		r.Buttons = append(r.Buttons, []Button{e.regionButton(s)})
		for _, b := range card.links {
			if !slices.ContainsFunc(n.Links, func(l content.Link) bool { return l.URL.In(lang) == b.URL }) {
				r.Buttons = append(r.Buttons, []Button{b})
			}
		}
	}
	var nav []Button
	if n.ID != content.MainID || len(s.History) > 0 {
		nav = append(nav, Button{Label: e.tr.T(lang, msgButtonBack, nil), Data: dataBack + n.ID})
	}
	if n.ID != content.MainID {
		nav = append(nav, Button{Label: e.tr.T(lang, msgButtonMainMenu, nil), Data: dataMainMenu})
	}
	r.Buttons = append(r.Buttons, e.decorate(Screen{Engine: e, Lang: lang, Node: n, Topic: e.isTopic(n.ID)})...)
	if len(nav) > 0 {
		r.Buttons = append(r.Buttons, nav)
	}
	return r
}

// unsupported answers a message the bot cannot read (a voice note, a photo, a sticker): what
// it can take, the current screen, and above it what features offer instead (a specialist)
// unless that screen has it already.
func (e *Engine) unsupported(s Session) Reply {
	r := e.here(s, e.tr.T(s.Lang, msgUnsupported, nil))
	var offers [][]Button
	for _, row := range e.decorate(Screen{Engine: e, Lang: s.Lang, Unsupported: true}) {
		if !slices.ContainsFunc(r.Buttons, func(have []Button) bool { return slices.Equal(have, row) }) {
			offers = append(offers, row)
		}
	}
	r.Buttons = append(offers, r.Buttons...)
	return r
}

// decorate asks the features what buttons they add to a screen.
func (e *Engine) decorate(s Screen) [][]Button {
	var rows [][]Button
	for _, d := range e.decorators {
		rows = append(rows, d(s)...)
	}
	return rows
}

// withDecorators is a copy of the engine that adds ds's buttons to its screens.
func (e *Engine) withDecorators(ds []Decorator) *Engine {
	c := *e
	c.decorators = slices.Clone(ds)
	return &c
}

// topics are the sections of the main menu: what people subscribe to news on.
func (e *Engine) topics() []*content.Node {
	main, _ := e.content.Node(content.MainID)
	var out []*content.Node
	for _, id := range main.Buttons {
		if n, ok := e.content.Node(id); ok {
			out = append(out, n)
		}
	}
	return out
}

func (e *Engine) isTopic(id string) bool {
	for _, n := range e.topics() {
		if n.ID == id {
			return true
		}
	}
	return false
}

func (e *Engine) nodeButtons(n *content.Node, lang content.Lang) [][]Button {
	rows := make([][]Button, 0, len(n.Buttons))
	for _, id := range n.Buttons {
		target, _ := e.content.Node(id)
		rows = append(rows, []Button{{Label: target.ButtonLabel(lang), Data: dataOpen + id}})
	}
	return rows
}

// parseCommand splits "/start@QamqorBot payload" into ("start", "payload").
func parseCommand(text string) (cmd, arg string, ok bool) {
	if !strings.HasPrefix(text, "/") {
		return "", "", false
	}
	cmd, arg, _ = strings.Cut(text[1:], " ")
	cmd, _, _ = strings.Cut(cmd, "@")
	return strings.ToLower(cmd), strings.TrimSpace(arg), true
}

// clean drops control characters and invalid UTF-8, which carry no meaning for the bot
// and could upset a terminal or a log, and trims the rest.
func clean(s string) string {
	s = strings.ToValidUTF8(s, "")
	s = strings.Map(func(r rune) rune {
		if r == '\n' || r == '\t' {
			return ' '
		}
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			return -1
		}
		return r
	}, s)
	return strings.TrimSpace(s)
}
