package search

import (
	"bufio"
	"fmt"
	"io"
	"regexp"
	"strings"

	"github.com/qamqor/qamqor/content"
)

// EvalTop is how many results a question may need to look through: the bot shows three.
const EvalTop = 3

// Report is the outcome of an evaluation: how many questions found a matching node in
// their first EvalTop results, and the ones that did not.
type Report struct {
	Hits, Total int
	// First is how many found it in the first result.
	First  int
	Misses []Miss
}

// Top1 is the share of questions answered by the first result, in percent.
func (r Report) Top1() float64 {
	if r.Total == 0 {
		return 0
	}
	return 100 * float64(r.First) / float64(r.Total)
}

// Accuracy is the share of questions answered in the first EvalTop results, in percent.
func (r Report) Accuracy() float64 {
	if r.Total == 0 {
		return 0
	}
	return 100 * float64(r.Hits) / float64(r.Total)
}

func (r Report) String() string {
	return fmt.Sprintf("top%d=%.1f%% (%d/%d)", EvalTop, r.Accuracy(), r.Hits, r.Total)
}

// Miss is a question whose expected answer was not among the first results.
type Miss struct {
	Line   int
	Lang   content.Lang
	Query  string
	Expect string
	Got    []string // ids of the nodes returned
}

func (m Miss) String() string {
	got := strings.Join(m.Got, ", ")
	if got == "" {
		got = "nothing"
	}
	return fmt.Sprintf("line %d [%s] %q: expected /%s/, got %s", m.Line, m.Lang, m.Query, m.Expect, got)
}

// Eval reads questions in the format of search-eval/dev.tsv — a header, then lang, query
// and expect separated by tabs, expect being a case-insensitive regular expression — and
// counts those for which one of the first EvalTop results has a title or text matching
// expect, in the language the results matched in.
func (x *Index) Eval(r io.Reader) (Report, error) {
	var rep Report
	sc := bufio.NewScanner(r)
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimRight(sc.Text(), "\r")
		if line == 1 || strings.TrimSpace(text) == "" || strings.HasPrefix(text, "#") {
			continue // the header, blank lines, comments
		}
		fields := strings.Split(text, "\t")
		if len(fields) != 3 {
			return rep, fmt.Errorf("line %d: want 3 tab-separated fields (lang, query, expect), got %d", line, len(fields))
		}
		lang, ok := content.ParseLang(fields[0])
		if !ok {
			return rep, fmt.Errorf("line %d: unknown language %q", line, fields[0])
		}
		expect, err := compileExpect(fields[2])
		if err != nil {
			return rep, fmt.Errorf("line %d: %v", line, err)
		}
		rep.Total++
		a := x.Search(fields[1], lang, EvalTop)
		hit := false
		var got []string
		for i, res := range a.Results {
			got = append(got, res.Node.ID)
			if expect.MatchString(res.Node.Title.In(a.Lang) + "\n" + res.Node.Text.In(a.Lang)) {
				if !hit && i == 0 {
					rep.First++
				}
				hit = true
			}
		}
		if hit {
			rep.Hits++
		} else {
			rep.Misses = append(rep.Misses, Miss{Line: line, Lang: lang, Query: fields[1], Expect: fields[2], Got: got})
		}
	}
	return rep, sc.Err()
}

// compileExpect compiles an expectation case-insensitively, with \w meaning any letter or
// digit as in the Python the file was written for (in Go's syntax it is ASCII only).
func compileExpect(s string) (*regexp.Regexp, error) {
	return regexp.Compile(`(?i)` + strings.ReplaceAll(s, `\w`, `[\p{L}\p{N}_]`))
}
