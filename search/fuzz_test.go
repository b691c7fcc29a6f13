package search_test

import (
	"strings"
	"testing"

	"github.com/qamqor/qamqor/content"
)

// FuzzSearch throws arbitrary text at the query path: it must not panic, must return at
// most the results asked for, and only nodes that exist.
func FuzzSearch(f *testing.F) {
	for _, seed := range []string{
		"", " ", "как оформить инвалидность", "мугедектик тобы", "🙏🙏🙏", "?!.,;:",
		"'; DROP TABLE users; --", "<script>alert(1)</script>", "инвалидность invalidnost мүгедек",
		strings.Repeat("пособие ", 2000), strings.Repeat("ы", 12000), "\xff\xfe\x00", "a\u0301\u200b",
		"1414 111 150", "ЕГОВ", "İİİ ıı",
	} {
		f.Add(seed)
	}
	x := shipped(f)
	c, _, err := content.Load(content.Embedded(), "content/data")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, q string) {
		for _, lang := range content.Langs {
			a := x.Search(q, lang, 3)
			if len(a.Results) > 3 {
				t.Fatalf("%d results for %q", len(a.Results), q)
			}
			for _, r := range a.Results {
				if _, ok := c.Node(r.Node.ID); !ok || r.Score <= 0 {
					t.Fatalf("result %+v for %q", r, q)
				}
			}
			if a.Other && a.Lang == lang {
				t.Fatalf("other language flagged with the asked language for %q", q)
			}
		}
	})
}
