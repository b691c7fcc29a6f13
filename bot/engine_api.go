package bot

import (
	"strings"
	"time"

	"github.com/nicksnyder/go-i18n/v2/i18n"
	"github.com/qamqor/qamqor/content"
)

// The engine's exported face, for features: one Engine is one content version, so a
// feature that takes the turn's Engine sees the same content for the whole update.

// engineData are the button data the engine itself answers (prefixes and whole values).
var engineData = []string{dataOpen, dataBack, dataMainMenu, dataLeaveScreener, dataHere, dataLang,
	dataStartScreener, dataAnswer, dataChange, dataResult, dataWhyNot, dataChecklist, dataSummary, dataScreenerBack}

// Content is the content the engine shows.
func (e *Engine) Content() *content.Content { return e.content }

// Bundle is the interface strings the engine was built with, for another engine over new
// content (an upload's tests).
func (e *Engine) Bundle() *i18n.Bundle { return e.tr.bundle }

// Now is the engine's clock.
func (e *Engine) Now() time.Time { return e.now() }

// KeptDays is how many days sessions are kept, as /help says.
func (e *Engine) KeptDays() int { return e.keptDays }

// Kept says a number of days in lang with its plural form ("21 день", "22 дня"), for every
// text that says how long something is kept.
func (e *Engine) Kept(lang content.Lang, days int) string {
	return e.tr.T(lang, msgKeptDays, map[string]any{"Days": days})
}

// Privacy is what /help, /mydata and a screener's intro say about the session: what it
// holds, for how long (the session store's TTL, given by WithSessionTTL), and how to see
// and erase it.
func (e *Engine) Privacy(lang content.Lang) string {
	return e.tr.T(lang, msgPrivacySession, map[string]any{"Kept": e.Kept(lang, e.keptDays)})
}

// T renders an interface string in lang.
func (e *Engine) T(lang content.Lang, id MessageID, data map[string]any) string {
	return e.tr.T(lang, id, data)
}

// Both renders an interface string in Kazakh, then Russian.
func (e *Engine) Both(id MessageID, data map[string]any) string {
	return e.T(content.KK, id, data) + "\n\n" + e.T(content.RU, id, data)
}

// Greeting introduces Qamqor in both languages and offers the choice between them; note,
// when not "", replaces the introduction.
func (e *Engine) Greeting(note MessageID) Reply { return e.greeting(note) }

// Here is where the session is — a screener's step or a screen — with note above it.
func (e *Engine) Here(s Session, note string) Reply { return e.here(s, note) }

// Screen is the session's current screen with note above it.
func (e *Engine) Screen(s Session, note string) Reply { return e.screen(s, note) }

// StartScreener opens screener id's first question.
func (e *Engine) StartScreener(s Session, id string) (Session, []Reply) {
	return e.startScreener(s, id)
}

// Matched lists the services of screener sc that fit the session's answers, and those that
// do not.
func (e *Engine) Matched(s Session, sc *content.Screener) (yes, no []*content.Service) {
	yes, no, _ = e.matched(s, sc)
	return yes, no
}

// Topics are the sections of the main menu.
func (e *Engine) Topics() []*content.Node { return e.topics() }

// IsTopic reports whether node id is a section of the main menu.
func (e *Engine) IsTopic(id string) bool { return e.isTopic(id) }

// ScreenerTarget is the button data that starts screener id (a referral's target).
func ScreenerTarget(id string) string { return dataStartScreener + id }

// ScreenerOfTarget is the screener a target starts, if it is one.
func ScreenerOfTarget(target string) (string, bool) {
	if len(target) > len(dataStartScreener) && target[:len(dataStartScreener)] == dataStartScreener {
		return target[len(dataStartScreener):], true
	}
	return "", false
}

// OpenData is the data of a button that opens node id.
func OpenData(id string) string { return dataOpen + id }

// DataMainMenu is the data of the button that leads to the main menu.
const DataMainMenu = dataMainMenu

// LanguageName is a language's name in that language («Қазақша», «Русский»).
func LanguageName(l content.Lang) string { return langLabels[l] }

// Echo cuts s at a word boundary to at most limit characters, marking the cut with "…":
// how the bot quotes what a person wrote.
func Echo(s string, limit int) string { return echo(s, limit) }

// Clean drops control characters and invalid UTF-8 from typed text, and trims it.
func Clean(s string) string { return clean(s) }

// ── referrals ──────────────────────────────────────────────────────────────────────

// StepResult is Session.Step while a screener's result is shown.
const StepResult = stepResult

// Open takes the session to node id, remembered for Back, and shows it with note above;
// a node content lacks, or the one the session is on, leaves the session where it is.
func (e *Engine) Open(s Session, id, note string) (Session, Reply) {
	if _, ok := e.content.Node(id); ok && id != s.node() {
		s = s.open(id)
	}
	return s, e.screen(s, note)
}

// ── For the statistics (bot/stats): where a session is, to count what people do. ──

// CurrentNode is the id of the screen the session is on (the main menu's when none).
func (s Session) CurrentNode() string { return s.node() }

// ShowsResult reports whether the session's screener shows its result.
func (s Session) ShowsResult() bool { return s.Step == stepResult }

// PastQuestions reports whether the session's screener is past its questions: showing
// the result, or why a service does not fit.
func (s Session) PastQuestions() bool { return s.Step == stepResult || s.Step == stepWhyNot }

// ScreenerStep is where the session's screener is: the id of the question it asks, or
// the name of the step past them ("sum", "res", "why"); "" when no screener is open.
func (s Session) ScreenerStep() string { return strings.TrimPrefix(s.Step, stepQuestion) }

// ── For news ───────────────────────────────────────────────────────────────────────

// DataHere is the data of the button that shows the current screen again (a Back from a
// feature's screen to the engine's).
const DataHere = dataHere
