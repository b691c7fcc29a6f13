package content_test

import (
	"bytes"
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/qamqor/qamqor/bot"
	"github.com/qamqor/qamqor/content"
	"github.com/qamqor/qamqor/locales"
)

// FuzzLoad loads arbitrary bytes as a content file next to a valid main menu, as an editor's
// upload or CONTENT_DIR would: never a panic; either the content loads, and then the bot
// can open every screen and start every screener in both languages, or the error lists
// problems, each at the file and a line that exists.
func FuzzLoad(f *testing.F) {
	shipped, err := fs.ReadDir(content.Embedded(), ".")
	if err != nil {
		f.Fatal(err)
	}
	for _, e := range shipped {
		data, err := fs.ReadFile(content.Embedded(), e.Name())
		if err != nil {
			f.Fatal(err)
		}
		// Large inputs make every mutation slow to run and minimise: a big file gives its
		// first few nodes, cut where a node starts.
		if len(data) > 4000 {
			if i := bytes.Index(data[3000:], []byte("\n  - id:")); i >= 0 {
				data = data[:3000+i+1]
			}
		}
		f.Add(data)
	}
	for _, seed := range []string{
		topic, topic + screener, mainNode, "", "\n", "---\n", "--- \n...\n", "nodes:", "nodes: []",
		"nodes: {}", "nodes: [1, 2]", "nodes:\n  - id: topic\n", "nodes:\n  - {id: topic, title: x, text: y}",
		"\xef\xbb\xbfnodes: []", "\xff\xfe", "nodes:\n\t- id: topic", "a: &a [*a]", "a: &a b\nc: *a\nd: *x",
		"x: &a [a,a,a,a,a,a,a,a,a]\ny: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nz: [*b,*b,*b,*b,*b,*b,*b,*b,*b]",
		strings.Repeat("[", 10000), strings.Repeat("- ", 5000) + "x", "nodes: !!binary aGVsbG8=", "? [a]\n: b",
		"nodes:\n  - id: topic\n    id: topic\n", "screeners:\n  - id: s\n    topic: topic\n    questions:\n      - {id: q, type: number, min: 9223372036854775807, max: -9223372036854775808}",
		"services:\n  - id: x\n    eligible: '1/0 == 1'\n    amount: 'mrp ** 1e308'", "services:\n  - {id: x, eligible: 'let f = 1; f(f)'}",
		"reference:\n  mrp: {99999999999999999999: 1}", "regions:\n  - {id: '', name: {kk: '', ru: ''}}", "synonyms:\n  ru: [[]]",
		"cases:\n  - {screener: nowhere, answers: {a: [1]}}", "nodes:\n  - id: " + strings.Repeat("я", 100),
	} {
		f.Add([]byte(seed))
	}
	strs, err := locales.Bundle()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		fsys := fstest.MapFS{"main.yaml": {Data: []byte(mainNode)}, "fuzz.yaml": {Data: data}}
		c, problems, err := content.Load(fsys, "dir")
		// Lines as YAML counts them: a lone CR ends one too.
		crlf := bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n"))
		lines := bytes.Count(crlf, []byte("\n")) + bytes.Count(crlf, []byte("\r")) + 1
		for _, p := range problems {
			switch p.File {
			case "dir/fuzz.yaml":
				// lines+1: YAML places what is missing at the end ("---" alone: line 2).
				if p.Line < 0 || p.Line > lines+1 {
					t.Fatalf("%s: line %d of a file of %d lines", p, p.Line, lines)
				}
			case "dir/main.yaml":
				if p.Line < 1 || p.Line > strings.Count(mainNode, "\n") {
					t.Fatalf("%s: line %d of main.yaml", p, p.Line)
				}
			default:
				t.Fatalf("problem not located in a file: %s", p)
			}
			if p.Message == "" {
				t.Fatalf("problem without a message at %s:%d", p.File, p.Line)
			}
		}
		if err != nil {
			if c != nil || len(problems.Errors()) == 0 {
				t.Fatalf("error %v with content %v and problems %v", err, c != nil, problems)
			}
			return
		}
		walk(t, bot.NewEngine(c, strs), c)
	})
}

// walk opens every screen and starts every screener in both languages.
func walk(t *testing.T, e *bot.Engine, c *content.Content) {
	t.Helper()
	for _, lang := range []string{"l:kk", "l:ru"} {
		s, _ := e.Step(bot.Session{}, bot.Input{Kind: bot.InputButton, Data: lang})
		var ins []bot.Input
		for _, id := range c.IDs() {
			ins = append(ins, bot.Input{Kind: bot.InputButton, Data: "g:" + id})
		}
		for _, sc := range c.Screeners() {
			ins = append(ins, bot.Input{Kind: bot.InputButton, Data: "s:" + sc.ID})
		}
		ins = append(ins, bot.Input{Kind: bot.InputText, Text: "пособие"}, bot.Input{Kind: bot.InputText, Text: "жәрдемақы"})
		for _, in := range ins {
			if _, r := e.Step(s, in); len(r) == 0 || r[0].Text == "" {
				t.Fatalf("no reply to %+v", in)
			}
		}
	}
}
