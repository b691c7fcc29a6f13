// Package safety answers danger first: words of violence, threats, suicide, a child in
// danger or trafficking, typed at any moment — on a menu, at a questionnaire's question, in
// a partner's note, in a question for the specialists — get the emergency numbers and the
// safety screen before anything else, with a button back to where the person was. /sos and
// the main menu's "Help now" lead to the same numbers.
//
// Nothing typed is kept for it: the text is read, answered and dropped — not searched, so
// not counted as an unanswered search; not a flow's input, so not a draft, a ticket or a
// note; and the session changes only by the mark that the update was handled.
package safety

import (
	"strings"

	"github.com/qamqor/qamqor/bot"
	"github.com/qamqor/qamqor/content"
)

// HelpNow is the content node of the emergency numbers (content/data/helplines.yaml).
const HelpNow = "help_now"

// Button data: back to where the person was when the numbers were shown.
const dataBack = "!:back"

// Options configure the feature.
type Options struct {
	// Fold turns typed text into what the lexicon is compared with; nil: DefaultFold.
	Fold Fold
}

// Feature is the safety net.
type Feature struct{ recogniser *Recogniser }

// New returns the safety feature.
func New(o Options) *Feature { return &Feature{recogniser: NewRecogniser(o.Fold)} }

// Name implements bot.Feature.
func (f *Feature) Name() string { return "safety" }

// Register implements bot.Feature: it reads every typed text first (Router.Preempt), so a
// flow or a questionnaire registered by any feature is covered without knowing of it.
func (f *Feature) Register(r *bot.Router) {
	r.Preempt(f.intercept)
	r.Command("sos", "", f.sos, bot.InMenu(msgCommandSOS))
	r.Button(dataBack, "", f.back)
}

// Recognise reports whether text speaks of danger (for tests and tools).
func (f *Feature) Recognise(text string) (Kind, bool) { return f.recogniser.Recognise(text) }

// intercept answers words of danger with the emergency numbers, changing nothing: the
// screen, the questionnaire's question and its answers, the flow and its draft stay as
// they were, for the button back.
func (f *Feature) intercept(t *bot.Turn) bool {
	if _, danger := f.recogniser.Recognise(t.Text); !danger {
		return false
	}
	t.Say(numbers(t))
	return true
}

// sos shows the emergency numbers. The core has left the chat's flow, as for any command;
// it is put back, so the button back returns to it.
func (f *Feature) sos(t *bot.Turn) bool {
	if flow, draft := t.Session.Flow, t.Session.Draft; flow != "" {
		t.Change(func(s bot.Session) bot.Session { s.Flow, s.Draft = flow, draft; return s })
	}
	t.Say(numbers(t))
	return true
}

// back returns to where the person was: the flow they were typing in (its owner asks
// again), else the screen or the questionnaire's step.
func (f *Feature) back(t *bot.Turn) bool {
	if t.ResumeFlow() {
		return true
	}
	t.Say(t.Here(""))
	return true
}

// numbers is the "Help now" screen as an answer that does not move the session: its text
// and buttons, then back to where the person was and the main menu. A chat that has not
// chosen a language gets it in both, with the choice of language.
func numbers(t *bot.Turn) bot.Reply {
	e := t.Engine
	n, ok := e.Content().Node(HelpNow)
	text := func(lang content.Lang) string {
		if !ok {
			return e.T(lang, msgSafetyNumbers, nil)
		}
		parts := []string{n.Title.In(lang)}
		if body := e.Content().Expand(n.Text.In(lang), t.Now.Year(), ""); body != "" {
			parts = append(parts, strings.TrimSpace(body))
		}
		if sites := n.SourceSites(); len(sites) > 0 {
			parts = append(parts, e.T(lang, msgSources, map[string]any{"Sites": strings.Join(sites, ", ")}))
		}
		return strings.Join(parts, "\n\n")
	}
	if t.Current().Lang == "" {
		r := e.Greeting("")
		r.Text = text(content.KK) + "\n\n" + text(content.RU)
		return r
	}
	lang := t.Lang()
	r := bot.Reply{Text: text(lang) + "\n\n" + t.T(msgSafetyBackNote, nil)}
	if ok {
		for _, id := range n.Buttons {
			if target, found := e.Content().Node(id); found {
				r.Buttons = append(r.Buttons, []bot.Button{{Label: target.ButtonLabel(lang), Data: bot.OpenData(id)}})
			}
		}
	}
	r.Buttons = append(r.Buttons, []bot.Button{
		{Label: t.T(msgSafetyBack, nil), Data: dataBack},
		{Label: t.T(msgButtonMainMenu, nil), Data: bot.DataMainMenu},
	})
	return r
}
