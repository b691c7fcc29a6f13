package content

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"
)

// The editors' guides (FORMAT.ru.md, FORMAT.kk.md) show each change as two YAML snippets,
// fenced as ```yaml before and ```yaml after. An editor copies the "after" one into a file,
// so every key in it must be one the loader accepts. These tests keep the guides to that.

// editorGuides are the guides whose snippets are checked, with the least number of "after"
// snippets each holds: a guide whose fences lost their marker would otherwise pass unread.
var editorGuides = map[string]int{"FORMAT.ru.md": 8, "FORMAT.kk.md": 8}

// snippet is one fenced YAML block of a guide.
type snippet struct {
	line int // the line of its first YAML line
	text string
}

// guideSnippets returns a guide's "after" snippets, and an error for a yaml fence whose
// marker is neither before nor after (a misspelt marker would hide a snippet).
func guideSnippets(doc string) ([]snippet, error) {
	var out []snippet
	lines := strings.Split(doc, "\n")
	for i := 0; i < len(lines); i++ {
		info, ok := strings.CutPrefix(strings.TrimSpace(lines[i]), "```yaml")
		if !ok {
			continue
		}
		marker := strings.TrimSpace(info)
		if marker != "" && marker != "before" && marker != "after" {
			return nil, fmt.Errorf("line %d: fence ```yaml %s: the marker must be before or after", i+1, marker)
		}
		start := i + 1
		for i++; i < len(lines) && strings.TrimSpace(lines[i]) != "```"; i++ {
		}
		if i == len(lines) {
			return nil, fmt.Errorf("line %d: the yaml fence is never closed", start)
		}
		if marker == "after" {
			out = append(out, snippet{line: start + 1, text: strings.Join(lines[start:i], "\n")})
		}
	}
	return out, nil
}

// keyChecker walks a snippet and reports every key the loader's key lists do not hold.
type keyChecker struct{ problems []snippetProblem }

// snippetProblem is one thing wrong in a snippet, at a line of the snippet (1: its first).
type snippetProblem struct {
	line int
	msg  string
}

func (k *keyChecker) report(n *yaml.Node, format string, args ...any) {
	k.problems = append(k.problems, snippetProblem{n.Line, fmt.Sprintf(format, args...)})
}

// mapping checks the keys of m against allowed and hands each value to sub.
func (k *keyChecker) mapping(m *yaml.Node, what string, allowed []string, sub func(key string, v *yaml.Node)) {
	if m.Kind != yaml.MappingNode {
		k.report(m, "%s must be a mapping", what)
		return
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		key, val := m.Content[i], m.Content[i+1]
		if !slices.Contains(allowed, key.Value) {
			k.report(key, "key %q is not one the loader accepts in %s (it accepts %v)", key.Value, what, allowed)
			continue
		}
		if sub != nil {
			sub(key.Value, val)
		}
	}
}

// items checks every item of a list with f.
func (k *keyChecker) items(v *yaml.Node, what string, f func(*yaml.Node)) {
	if v.Kind != yaml.SequenceNode {
		k.report(v, "%s must be a list", what)
		return
	}
	for _, item := range v.Content {
		f(item)
	}
}

// text checks a {kk, ru} text; orScalar also allows one value for both (a url).
func (k *keyChecker) text(v *yaml.Node, what string, orScalar bool) {
	if orScalar && v.Kind == yaml.ScalarNode {
		return
	}
	k.mapping(v, what, []string{string(KK), string(RU)}, nil)
}

// serviceTexts are the service keys whose value is a {kk, ru} text.
var serviceTexts = []string{"name", "summary", "description", "for", "amount_period", "documents_unknown",
	"channels_unknown", "processing_time", "legal_basis_unknown", "legal_note", "apply", "provider"}

func (k *keyChecker) service(v *yaml.Node) {
	k.mapping(v, "a service", serviceKeys, func(key string, val *yaml.Node) {
		switch {
		case slices.Contains(serviceTexts, key):
			k.text(val, key, false)
		case key == "documents":
			k.items(val, "documents", func(d *yaml.Node) {
				if d.Kind == yaml.MappingNode && len(d.Content) >= 2 && d.Content[0].Value == "text" {
					k.mapping(d, "a document", documentKeys, func(_ string, t *yaml.Node) { k.text(t, "a document", false) })
				} else {
					k.text(d, "a document", false) // the older form: the item is the text
				}
			})
		case key == "channels":
			k.items(val, "channels", func(c *yaml.Node) {
				k.mapping(c, "a channel", channelKeys, func(key string, v *yaml.Node) {
					if key == "what" {
						k.text(v, "what", false)
					}
				})
			})
		case key == "legal_basis" && val.Kind == yaml.MappingNode:
			k.text(val, "legal_basis", false) // the older form: the basis in words
		case key == "legal_basis":
			k.items(val, "legal_basis", func(r *yaml.Node) { k.mapping(r, "a legal basis entry", legalRefKeys, nil) })
		case key == "contacts":
			k.items(val, "contacts", func(c *yaml.Node) {
				k.mapping(c, "a contact", contactKeys, func(key string, v *yaml.Node) {
					if key == "text" {
						k.text(v, "a contact", false)
					}
				})
			})
		}
	})
}

// check walks one snippet from the top of a file.
func (k *keyChecker) check(src string) {
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(src), &doc); err != nil {
		k.problems = append(k.problems, snippetProblem{1, "not valid YAML: " + err.Error()})
		return
	}
	if len(doc.Content) == 0 {
		k.problems = append(k.problems, snippetProblem{1, "empty snippet"})
		return
	}
	named := func(keys []string, texts ...string) func(*yaml.Node) {
		return func(item *yaml.Node) {
			k.mapping(item, "an entry", keys, func(key string, v *yaml.Node) {
				if slices.Contains(texts, key) {
					k.text(v, key, false)
				}
			})
		}
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		k.report(root, "a snippet starts at the top of a file: offices:, services:, ...")
		return
	}
	for i := 0; i+1 < len(root.Content); i += 2 {
		key, v := root.Content[i].Value, root.Content[i+1]
		switch key {
		case "services":
			k.items(v, key, k.service)
		case "offices":
			k.items(v, key, named(officeKeys, "name", "address", "hours", "note"))
		case "office_types":
			k.items(v, key, named(officeTypeKeys, "name"))
		case "sources":
			k.items(v, key, named(sourceKeys))
		case "acts":
			k.items(v, key, func(a *yaml.Node) {
				k.mapping(a, "an act", actKeys, func(key string, v *yaml.Node) {
					if key != "id" {
						k.text(v, key, key == "url")
					}
				})
			})
		case "reference":
			k.mapping(v, "reference", referenceKeys, nil)
		case "regions":
			k.items(v, key, named(regionKeys, "name"))
		}
		// The top-level keys themselves, and nodes, screeners, synonyms and cases, which
		// have no key lists of their own, are left to the loader pass below.
	}
}

// loaderShapeProblems runs a snippet through the loader itself and returns what it says of
// keys, languages and shapes. Other problems (a snippet is a fragment: no main menu, an
// entry elided with "# ...") are not the guide's.
func loaderShapeProblems(src string) []snippetProblem {
	l := &loader{now: time.Now(), file: "snippet", c: &Content{nodes: map[string]*Node{}, screeners: map[string]*Screener{}, services: map[string]*Service{}}}
	l.parseFile([]byte(src))
	var out []snippetProblem
	for _, p := range l.problems {
		m := p.Message
		if strings.HasPrefix(m, "unknown ") || strings.HasPrefix(m, "YAML syntax") || strings.Contains(m, "must be a mapping") ||
			strings.Contains(m, "must be a list") || strings.Contains(m, "must be a single value") || strings.Contains(m, "must give kk and ru") ||
			strings.Contains(m, "must be a date") || strings.Contains(m, "expected year: amount") || strings.HasPrefix(m, "channel kind") {
			out = append(out, snippetProblem{p.Line, "the loader says: " + m})
		}
	}
	return out
}

func snippetProblems(src string) []snippetProblem {
	k := &keyChecker{}
	k.check(src)
	return append(k.problems, loaderShapeProblems(src)...)
}

func TestEditorGuidesUseKnownKeys(t *testing.T) {
	for guide, least := range editorGuides {
		data, err := os.ReadFile(guide)
		if err != nil {
			t.Fatalf("%s: %v", guide, err)
		}
		snippets, err := guideSnippets(string(data))
		if err != nil {
			t.Errorf("%s: %v", guide, err)
			continue
		}
		if len(snippets) < least {
			t.Errorf("%s has %d snippets marked ```yaml after, fewer than %d: has a marker been lost?", guide, len(snippets), least)
		}
		for _, s := range snippets {
			for _, p := range snippetProblems(s.text) {
				t.Errorf("%s:%d: %s", guide, s.line+max(p.line, 1)-1, p.msg)
			}
		}
	}
}

// TestSnippetCheckCatchesUnknownKeys proves the check above would fail a guide: each of
// these snippets has one key, or one shape, the loader refuses.
func TestSnippetCheckCatchesUnknownKeys(t *testing.T) {
	bad := map[string]string{
		"office key":      "offices:\n  - type: con\n    region: astana\n    telephone: [\"1414\"]\n",
		"service key":     "services:\n  - id: x\n    document: []\n",
		"channel key":     "services:\n  - id: x\n    channels:\n      - kind: egov\n        link: https://egov.kz\n",
		"legal basis key": "services:\n  - id: x\n    legal_basis:\n      - act: social_code\n        paragraph: \"2\"\n",
		"source key":      "sources:\n  - id: x\n    url: https://egov.kz\n    date: 2026-12-01\n",
		"act key":         "acts:\n  - id: x\n    title: {kk: a, ru: b}\n",
		"reference key":   "reference:\n  mpr: {2026: 4325}\n",
		"language":        "offices:\n  - type: con\n    hours: {kz: a, ru: b}\n",
		"top level":       "office:\n  - type: con\n",
		"node key":        "nodes:\n  - id: x\n    texts: {kk: a, ru: b}\n",
		"tab":             "offices:\n\t- type: con\n",
	}
	for name, src := range bad {
		if len(snippetProblems(src)) == 0 {
			t.Errorf("%s: the snippet check found nothing wrong in\n%s", name, src)
		}
	}
	good := "services:\n  - id: x\n    # ...\n    documents:\n      - text: {ru: a, kk: b}\n    amount_unverified: true\n"
	if ps := snippetProblems(good); len(ps) > 0 {
		t.Errorf("a good snippet was refused: %v", ps)
	}
	if _, err := guideSnippets("```yaml afterr\na: 1\n```\n"); err == nil {
		t.Error("a misspelt fence marker was not reported")
	}
}
