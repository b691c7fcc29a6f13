package dejavu

import (
	"testing"

	"golang.org/x/image/font/sfnt"
)

// TestTheCutKeepsWhatTheBotPrints checks that cutting the fonts kept a glyph, in both
// weights, for every Kazakh and Russian letter and the signs the content uses, and left
// out what the bot never prints (Greek, here), so that the cut did cut.
func TestTheCutKeepsWhatTheBotPrints(t *testing.T) {
	var want []rune
	for r := 'А'; r <= 'я'; r++ {
		want = append(want, r)
	}
	want = append(want, []rune("ЁёӘәҒғҚқҢңӨөҰұҮүҺһІі ÄäÖöÜüĞğŞşŪūIı 0123456789₸№«»—–…•✓→%()")...)
	regular, bold := Parsed()
	var buf sfnt.Buffer
	for name, f := range map[string]*sfnt.Font{"regular": regular, "bold": bold} {
		for _, r := range want {
			if gi, err := f.GlyphIndex(&buf, r); err != nil || gi == 0 {
				t.Errorf("%s: no glyph for %q (U+%04X)", name, r, r)
			}
		}
		if gi, _ := f.GlyphIndex(&buf, 'λ'); gi != 0 {
			t.Errorf("%s: has a glyph for λ, outside Ranges: the fonts were not cut", name)
		}
		if n := f.NumGlyphs(); n > 3000 {
			t.Errorf("%s: %d glyphs, want the cut's (about 2,200)", name, n)
		}
	}
}
