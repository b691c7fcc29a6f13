package bot

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/qamqor/qamqor/content"
	"github.com/qamqor/qamqor/search"
)

// maxResults is how many answers a question gets, as buttons: more is hard to read on a
// phone, and the first few are the ones that fit.
const maxResults = 3

// maxSummary bounds the summary of the best answer, in characters.
const maxSummary = 280

// maxQueryEcho bounds how much of a question the bot repeats when nothing fits.
const maxQueryEcho = 60

// answer treats typed text as a question: the best matching screens as buttons, with a
// summary of the first, or "nothing found" ending with the help lines and the topics. The
// person's place is not moved, so Back returns to where they were.
func (e *Engine) answer(s Session, question string) Reply {
	lang := s.Lang
	found := e.index.Search(question, lang, maxResults)
	if len(found.Results) == 0 {
		text := e.tr.T(lang, msgSearchNothing, map[string]any{"Query": echo(question, maxQueryEcho)}) + "\n\n" + e.tr.T(lang, msgNothingFoundHelp, nil)
		r := Reply{Text: text, SearchMiss: true, Search: true}
		r.Buttons = e.nodeButtons(e.content.Main(), lang)
		r.Buttons = append(r.Buttons, e.decorate(Screen{Engine: e, Lang: lang, NothingFound: true, Search: true, Query: question})...)
		r.Buttons = append(r.Buttons, []Button{{Label: e.tr.T(lang, msgButtonBack, nil), Data: dataHere}})
		return r
	}
	parts := make([]string, 0, 4)
	if found.Other {
		parts = append(parts, e.tr.T(lang, msgSearchOtherLanguage, nil))
	}
	parts = append(parts, e.tr.T(lang, msgSearchFound, nil))
	first := found.Results[0].Node
	summary := first.Title.In(lang)
	// The summary is what the screen itself shows: placeholders filled ({{amount}} with the
	// service's own amount), never written as the editor typed them.
	amount := ""
	if sv, ok := e.content.Service(first.Service); ok {
		amount = e.plainAmount(lang, sv)
	}
	if text := summarize(e.content.Expand(first.Text.In(lang), e.now().Year(), amount), maxSummary); text != "" {
		summary += "\n" + text
	}
	parts = append(parts, summary)
	r := Reply{Text: strings.Join(parts, "\n\n"), Search: true, SearchPartial: found.Partial}
	for _, res := range found.Results {
		r.Buttons = append(r.Buttons, []Button{{Label: res.Node.ButtonLabel(lang), Data: dataOpen + res.Node.ID}})
	}
	r.Buttons = append(r.Buttons, e.decorate(Screen{Engine: e, Lang: lang, Search: true, Query: question})...)
	r.Buttons = append(r.Buttons, []Button{
		{Label: e.tr.T(lang, msgButtonBack, nil), Data: dataHere},
		{Label: e.tr.T(lang, msgButtonMainMenu, nil), Data: dataMainMenu},
	})
	return r
}

// summarize returns the first paragraph of text, cut at a word boundary to at most limit
// characters.
func summarize(text string, limit int) string {
	para, _, _ := strings.Cut(strings.TrimSpace(text), "\n\n")
	para = strings.Join(strings.Fields(para), " ")
	return echo(para, limit)
}

// echo cuts s at a word boundary to at most limit characters, marking the cut with "…".
func echo(s string, limit int) string {
	if utf8.RuneCountInString(s) <= limit {
		return s
	}
	runes := []rune(s)[:limit-1]
	cut := len(runes)
	for i := len(runes) - 1; i > limit/2; i-- {
		if unicode.IsSpace(runes[i]) {
			cut = i
			break
		}
	}
	return strings.TrimRightFunc(string(runes[:cut]), func(r rune) bool { return unicode.IsSpace(r) || unicode.IsPunct(r) }) + "…"
}

// Search returns the nodes that answer a question, for the command line and tests.
func (e *Engine) Search(question string, lang content.Lang) search.Answer {
	return e.index.Search(question, lang, maxResults)
}
