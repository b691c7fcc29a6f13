package textfold_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/qamqor/qamqor/internal/textfold"
)

// FuzzCandidates throws arbitrary text at the readings: none may panic, each is valid
// UTF-8 when the text is, and a word without Latin letters comes out as it went in.
func FuzzCandidates(f *testing.F) {
	for _, seed := range []string{
		"", "zhumys izdeimin", "mügedektik tobın", "kak poluchit' posobie", "gjcj,bt?", "пocобие",
		"муж бьет posobie", "ŞŞŞ ııı İİİ", "\xff\xfe", "a'''' sh'ch", "1,5 жыл 2026", "Q\u0301",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, text string) {
		for _, reading := range append(textfold.Candidates(text), textfold.Kazakh(text), textfold.Russian(text), textfold.Layout(text)) {
			if utf8.ValidString(text) && !utf8.ValidString(reading) {
				t.Fatalf("%q read as invalid UTF-8 %q", text, reading)
			}
			in, out := strings.Fields(text), strings.Fields(reading)
			if len(in) != len(out) {
				continue // a Latin punctuation key read as a letter, or a word read as ""
			}
			for i, w := range in {
				if !textfold.HasLatin(w) && out[i] != w {
					t.Fatalf("%q: the word %q without Latin letters became %q", text, w, out[i])
				}
			}
		}
		if !textfold.HasLatin(text) && textfold.Candidates(text) != nil {
			t.Fatalf("%q has no Latin letters but has readings", text)
		}
	})
}
