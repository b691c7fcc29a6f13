// Package dejavu is the one copy of the typeface the bot's documents and charts are set in:
// DejaVu Sans, regular and bold, from Debian's fonts-dejavu-core (LICENSE is their
// licence), cut down to the characters in Ranges. The checklist PDFs (package checklist)
// and the /stats chart (package chart) both use it, so the binary carries it once.
//
// The cut keeps Latin (with the letters of Kazakh's Latin alphabet), Cyrillic (every
// Kazakh and Russian letter), punctuation (« » — … •), the tenge sign ₸, № and a few
// symbol blocks: about a third of the full fonts' glyphs and bytes. A character outside
// it has no glyph, so the PDFs leave it out (checklist's clean) as they did before for
// emoji. subset.go remakes the files (go generate); renaming is not needed, the fonts'
// licence only forbids keeping "Bitstream" or "Vera" in a modified font's name.
package dejavu

import (
	_ "embed"
	"fmt"
	"sync"

	"golang.org/x/image/font/sfnt"
)

//go:generate go run subset.go /usr/share/fonts/truetype/dejavu

var (
	//go:embed DejaVuSans.ttf
	Regular []byte
	//go:embed DejaVuSans-Bold.ttf
	Bold []byte
)

// Ranges are the blocks of characters, first and last, the embedded fonts were cut to.
var Ranges = [][2]rune{
	{0x0020, 0x024F}, // Basic Latin, Latin-1, Latin Extended-A and -B
	{0x02B0, 0x036F}, // spacing modifiers, combining diacritics
	{0x0400, 0x052F}, // Cyrillic and its supplement
	{0x2000, 0x206F}, // general punctuation
	{0x20A0, 0x20CF}, // currency signs (₸)
	{0x2100, 0x214F}, // letterlike symbols (№)
	{0x2190, 0x21FF}, // arrows
	{0x2200, 0x22FF}, // mathematical operators
	{0x2500, 0x25FF}, // box drawing, blocks, geometric shapes
	{0x2600, 0x27BF}, // miscellaneous symbols, dingbats (✓ ☎)
}

// Parsed returns the regular and bold fonts parsed, once for the process; the results
// are read-only and safe to share.
var Parsed = sync.OnceValues(func() (regular, bold *sfnt.Font) {
	return mustParse(Regular), mustParse(Bold)
})

// mustParse parses an embedded font; it is part of the binary, so a failure is a build
// defect, which the package's tests catch.
func mustParse(ttf []byte) *sfnt.Font {
	f, err := sfnt.Parse(ttf)
	if err != nil {
		panic(fmt.Sprintf("dejavu: parsing an embedded font: %v", err))
	}
	return f
}
