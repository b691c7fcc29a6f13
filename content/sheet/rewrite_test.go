package sheet

import (
	"strings"
	"testing"
)

// rewrite writes text as the cell id's lang in the YAML src, as Import does, and returns
// the new file.
func rewrite(t *testing.T, src, id, lang, text string) string {
	t.Helper()
	f, err := parse("f.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]*located{}
	for _, c := range fileCells(f) {
		byID[c.ID] = c
	}
	c, ok := byID["f.yaml#"+id]
	if !ok {
		t.Fatalf("no cell %s in %v", id, byID)
	}
	e, err := planEdit(c, lang, text)
	if err != nil {
		t.Fatal(err)
	}
	out, problems := apply(f, []edit{e}, byID, map[string][2]int{})
	if len(problems) > 0 {
		t.Fatalf("%s", problems)
	}
	return string(out)
}

func TestRewriteKeepsTheStyle(t *testing.T) {
	for _, tc := range []struct {
		name, src, id, lang, text, want string
	}{
		{"plain", "a:\n  kk: ескі\n  ru: старый # note\nb: 1\n", "a", "ru", "новый",
			"a:\n  kk: ескі\n  ru: новый # note\nb: 1\n"},
		{"plain that needs quotes", "a:\n  kk: ескі\n  ru: старый\n", "a", "ru", "новый: с двоеточием",
			"a:\n  kk: ескі\n  ru: \"новый: с двоеточием\"\n"},
		{"plain in flow, with a comma", "a: {kk: ескі, ru: старый}\n", "a", "ru", "один, два",
			"a: {kk: ескі, ru: \"один, два\"}\n"},
		{"plain over two lines", "a:\n  kk: ескі\n  ru: очень\n    длинный\nb: 1\n", "a", "ru", "короткий",
			"a:\n  kk: ескі\n  ru: короткий\nb: 1\n"},
		{"plain becomes a block", "a:\n  kk: ескі\n  ru: старый\n", "a", "ru", "строка\n\nещё",
			"a:\n  kk: ескі\n  ru: |\n    строка\n\n    ещё\n"},
		{"single quotes", "a:\n  kk: 'ескі'\n  ru: 'it''s'\n", "a", "ru", "он's",
			"a:\n  kk: 'ескі'\n  ru: 'он''s'\n"},
		{"double quotes with escapes", "a: {kk: \"ескі\", ru: \"старый \\\"x\\\"\"}\n", "a", "ru", "новый \"y\" \\ z",
			"a: {kk: \"ескі\", ru: \"новый \\\"y\\\" \\\\ z\"}\n"},
		{"block with a comment and strip", "a:\n  kk: ескі\n  ru: |- # keep\n      старый\n      текст\n\n  # after\nb: 1\n", "a", "ru", "новый\nтекст",
			"a:\n  kk: ескі\n  ru: |- # keep\n      новый\n      текст\n\n  # after\nb: 1\n"},
		{"block with an explicit indentation", "a:\n  kk: ескі\n  ru: |4\n          с отступом\n", "a", "ru", "новый",
			"a:\n  kk: ескі\n  ru: |4\n      новый\n"},
		{"folded", "a:\n  kk: ескі\n  ru: >\n    один\n    два\n", "a", "ru", "первый\nвторой",
			"a:\n  kk: ескі\n  ru: >\n    первый\n\n    второй\n"},
		{"CRLF", "a:\r\n  kk: ескі\r\n  ru: |\r\n    старый\r\n    текст\r\nb: 1\r\n", "a", "ru", "новый\nтекст",
			"a:\r\n  kk: ескі\r\n  ru: |\r\n    новый\r\n    текст\r\nb: 1\r\n"},
		{"list item", "docs:\n  - {kk: ескі, ru: старый}\n  - kk: екі\n    ru: два\n", "docs/1", "kk", "жаңа",
			"docs:\n  - {kk: ескі, ru: старый}\n  - kk: жаңа\n    ru: два\n"},
		{"a missing language, block", "a:\n  kk: ескі # c\nb: 1\n", "a", "ru", "новый",
			"a:\n  kk: ескі # c\n  ru: новый\nb: 1\n"},
		{"a missing language after a block", "a:\n  kk: |\n    ескі\n\nb: 1\n", "a", "ru", "новый\nтекст",
			"a:\n  kk: |\n    ескі\n  ru: |\n    новый\n    текст\n\nb: 1\n"},
		{"a missing kk, block", "x:\n  - id: n\n    title:\n      ru: старый\n", "x/n/title", "kk", "жаңа",
			"x:\n  - id: n\n    title:\n      kk: жаңа\n      ru: старый\n"},
		{"a missing language, flow", "a: {kk: ескі}\n", "a", "ru", "новый, да",
			"a: {kk: ескі, ru: \"новый, да\"}\n"},
		{"a missing kk, flow", "a: {ru: старый}\n", "a", "kk", "жаңа",
			"a: {kk: жаңа, ru: старый}\n"},
		{"an empty value", "a:\n  kk: ескі\n  ru:\nb: 1\n", "a", "ru", "новый",
			"a:\n  kk: ескі\n  ru: новый\nb: 1\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := rewrite(t, tc.src, tc.id, tc.lang, tc.text); got != tc.want {
				t.Errorf("got\n%s\nwant\n%s", got, tc.want)
			}
		})
	}
}

func TestTokenRoundTrip(t *testing.T) {
	for _, s := range []string{"nodes/a_b/text", "offices/employment@astana/name", "a.b/c:d/ә і/~0"} {
		tok := token(s)
		if strings.ContainsAny(tok, "/#@ ~") || untoken(tok) != s {
			t.Errorf("%q → %q → %q", s, tok, untoken(tok))
		}
	}
	if fileToken("disability.yaml") != "disability.yaml" || fileToken("sub/x.yaml") != "sub:2Fx.yaml" {
		t.Errorf("file tokens: %q %q", fileToken("disability.yaml"), fileToken("sub/x.yaml"))
	}
}
