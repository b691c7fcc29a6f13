package bot

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/qamqor/qamqor/content"
)

// RunContentTests runs the content's test cases as a person would meet them: for each case
// and each language, the result screen must list every service the case says matches and
// none it says does not (as a numbered heading: a card may name another service it cannot
// be combined with), and no rule may fail to run on the case's answers. It returns how many runs (case × language) there were, how many
// failed, and one line per failure, "file:line: case (lang): ...".
func (e *Engine) RunContentTests() (runs, failed int, failures []string) {
	for _, tc := range e.content.Tests() {
		sc, _ := e.content.Screener(tc.Screener)
		stored := map[string]string{}
		for id, v := range tc.Answers {
			switch v := v.(type) {
			case bool:
				stored[id] = map[bool]string{true: "y", false: "n"}[v]
			case int:
				stored[id] = strconv.Itoa(v)
			default:
				stored[id] = fmt.Sprint(v)
			}
		}
		for _, lang := range content.Langs {
			runs++
			before := len(failures)
			s := Session{Lang: lang, Node: sc.Topic, Screener: sc.ID, Answers: stored, Step: stepResult}
			where := fmt.Sprintf("%s:%d: %s (%s)", tc.File, tc.Line, tc.Name, lang)
			if _, next := e.settle(sc, stored); next != nil {
				failures = append(failures, fmt.Sprintf("%s: no answer to %q, which would be asked", where, next.ID))
				failed++
				continue
			}
			yes, _, broken := e.matched(s, sc)
			for _, f := range e.ruleFailures(s, sc, broken) {
				failures = append(failures, fmt.Sprintf("%s: %s (%s:%d) failed to run: %s", where, f.Rule(), f.File, f.Line, f.Reason()))
			}
			result := e.resultText(s, sc, yes, broken)
			for _, id := range tc.Match {
				sv, _ := e.content.Service(id)
				if !listed(result, sv.Name.In(lang)) {
					failures = append(failures, fmt.Sprintf("%s: %s should match and does not", where, id))
				}
			}
			for _, id := range tc.NoMatch {
				sv, _ := e.content.Service(id)
				if listed(result, sv.Name.In(lang)) {
					failures = append(failures, fmt.Sprintf("%s: %s should not match and does", where, id))
				}
			}
			if len(failures) > before {
				failed++
			}
		}
	}
	return runs, failed, failures
}

// listed reports whether the result lists a service of this name as one of its numbered
// headings ("2. Name").
func listed(result, name string) bool {
	for _, line := range strings.Split(result, "\n") {
		if _, rest, ok := strings.Cut(line, ". "); ok && rest == name && strings.Trim(line[:len(line)-len(rest)-2], "0123456789") == "" {
			return true
		}
	}
	return false
}
