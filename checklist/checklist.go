// Package checklist turns a bot.Checklist into a document a person can keep, print or
// forward: an A4 PDF with one part per language, each starting on a new page.
//
// The text is set in DejaVu Sans (regular and bold, internal/dejavu's copy, subset into
// each PDF), which covers Kazakh and Russian Cyrillic, the tenge sign ₸ and the
// punctuation the content uses (« » — •). The same checklist always gives the same bytes.
package checklist

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/go-pdf/fpdf"
	"golang.org/x/image/font/sfnt"

	"github.com/qamqor/qamqor/bot"
	"github.com/qamqor/qamqor/content"
	"github.com/qamqor/qamqor/internal/dejavu"
)

// The fonts, the binary's one copy of DejaVu Sans (internal/dejavu, shared with the chart).
var (
	regularFont = dejavu.Regular
	boldFont    = dejavu.Bold
)

// fontFamily is the name the fonts are registered under in each document.
const fontFamily = "DejaVuSans"

// Labels are the words a checklist is printed with in one language: the names of an item's
// fields and the words around the content.
type Labels struct {
	Answers   string // heading over the answers the checklist is based on
	Amount    string
	Documents string
	Apply     string // how to apply
	Legal     string // legal basis
	Time      string // how long it takes
	Links     string // the pages to open
	Excludes  string // what it cannot be combined with
	Verified  string
	Page      string // before the page number in the page footer
}

// labels are the Labels in every language the bot speaks.
var labels = map[content.Lang]Labels{
	content.KK: {
		Answers:   "Сіздің жауаптарыңыз",
		Amount:    "Сомасы",
		Documents: "Құжаттар",
		Apply:     "Қалай жүгіну керек",
		Legal:     "Құқықтық негіз",
		Time:      "Мерзімі",
		Links:     "Сілтемелер",
		Excludes:  "Мұнымен бірге берілмейді",
		Verified:  "Тексерілді",
		Page:      "Бет",
	},
	content.RU: {
		Answers:   "Ваши ответы",
		Amount:    "Сумма",
		Documents: "Документы",
		Apply:     "Как обратиться",
		Legal:     "Правовая основа",
		Time:      "Срок",
		Links:     "Ссылки",
		Excludes:  "Не совмещается с",
		Verified:  "Проверено",
		Page:      "Стр.",
	},
}

// LabelsFor returns the labels in lang; a language without labels gets the Russian ones.
func LabelsFor(lang content.Lang) Labels {
	if l, found := labels[lang]; found {
		return l
	}
	return labels[content.RU]
}

// Page geometry, in millimetres: A4 portrait.
const (
	pageWidth    = 210.0
	pageHeight   = 297.0
	marginLeft   = 20.0
	marginRight  = 20.0
	marginTop    = 18.0
	marginBottom = 22.0 // text stops here; the page footer sits below
	footerTop    = 12.0 // distance of the page footer's line from the page's bottom edge
	textWidth    = pageWidth - marginLeft - marginRight
	bulletIndent = 4.0 // from the left margin to a bullet
	bulletWidth  = 5.0 // from a bullet to its text
)

// Type sizes, in points.
const (
	titleSize      = 18.0
	headingSize    = 13.0
	bodySize       = 11.0
	smallSize      = 9.5 // date line, answers, when an item was verified, the section's footer
	pageFooterSize = 8.0
)

// Colours, as grey levels: near-black for text, a dark grey that still prints clearly for
// secondary lines, a light grey for rules.
const (
	textGrey  = 25
	mutedGrey = 90
	ruleGrey  = 170
)

// pagesAlias is replaced by the number of pages when the document is written.
const pagesAlias = "{nb}"

// epoch is the creation date of a checklist that carries none, so output stays repeatable.
var epoch = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// PDF renders c as an A4 PDF: each section on new pages, in the order given (Kazakh first
// as the engine makes it), with its title, date line, the answers it is based on, every
// item with its fields labelled in the section's language, and the section's footer; every
// page carries its number. The PDF's dates are c.Made, so equal checklists give equal bytes.
func PDF(c bot.Checklist) ([]byte, error) {
	if len(c.Sections) == 0 {
		return nil, errors.New("checklist: nothing to render: the checklist has no sections")
	}
	made := c.Made
	if made.IsZero() {
		made = epoch
	}

	doc := fpdf.New("P", "mm", "A4", "")
	doc.SetCreationDate(made)
	doc.SetModificationDate(made)
	doc.SetCatalogSort(true) // resources in a fixed order, not map order
	doc.SetCompression(true)
	doc.SetCreator("Qamqor", true)
	doc.SetProducer("Qamqor", true)
	doc.SetTitle(clean(c.Sections[0].Title), true)
	doc.SetLang(string(c.Sections[0].Lang))
	doc.AddUTF8FontFromBytes(fontFamily, "", regularFont)
	doc.AddUTF8FontFromBytes(fontFamily, "B", boldFont)
	doc.SetMargins(marginLeft, marginTop, marginRight)
	doc.SetAutoPageBreak(true, marginBottom)
	doc.AliasNbPages(pagesAlias)

	w := &writer{doc: doc}
	doc.SetFooterFunc(w.pageFooter)
	for _, s := range c.Sections {
		w.section(s)
	}

	var out bytes.Buffer
	if err := doc.Output(&out); err != nil {
		return nil, fmt.Errorf("checklist: rendering the PDF: %w", err)
	}
	return out.Bytes(), nil
}

// writer lays a checklist out on the document's pages.
type writer struct {
	doc *fpdf.Fpdf

	// What the footer of the page being written shows: its section's labels and date line.
	labels Labels
	made   string
}

// section starts a new page and writes s.
func (w *writer) section(s bot.ChecklistSection) {
	// AddPage writes the previous page's footer, so the section's labels are set after it.
	w.doc.AddPage()
	w.labels, w.made = LabelsFor(s.Lang), clean(s.Made)

	w.font("B", titleSize, textGrey)
	w.paragraph(titleSize, s.Title)
	if made := clean(s.Made); made != "" {
		w.font("", smallSize, mutedGrey)
		w.paragraph(smallSize, made)
	}
	if s.Slip != nil {
		w.slip(*s.Slip) // slip.go
	}

	if len(s.Answers) > 0 {
		w.space(3)
		w.keepLines(smallSize, 2)
		w.font("B", smallSize, mutedGrey)
		w.paragraph(smallSize, w.labels.Answers)
		w.font("", smallSize, mutedGrey)
		for _, a := range s.Answers {
			w.bullet(smallSize, a)
		}
	}

	for i, item := range s.Items {
		// The rule, the heading and the item's first lines stay together.
		w.keep(4 + 3 + lineHeight(headingSize) + 3*lineHeight(bodySize))
		w.space(4)
		w.rule()
		w.space(3)
		w.item(i+1, item)
	}

	if footer := clean(s.Footer); footer != "" {
		w.keep(5 + 2 + 2*lineHeight(smallSize))
		w.space(5)
		w.rule()
		w.space(2)
		w.font("", smallSize, mutedGrey)
		w.paragraph(smallSize, footer)
	}
}

// item writes one service: its number and name as a heading, then its fields.
func (w *writer) item(number int, it bot.ChecklistItem) {
	w.font("B", headingSize, textGrey)
	w.paragraph(headingSize, fmt.Sprintf("%d. %s", number, it.Name))
	w.space(1)

	if it.Description != "" {
		w.font("", bodySize, textGrey)
		w.paragraph(bodySize, it.Description)
		w.space(1.5)
	}
	w.field(bodySize, textGrey, w.labels.Amount, it.Amount, false)
	if len(it.Documents) > 0 {
		w.keepLines(bodySize, 2)
		w.font("B", bodySize, textGrey)
		w.paragraph(bodySize, w.labels.Documents+":")
		w.font("", bodySize, textGrey)
		for _, d := range it.Documents {
			w.box(bodySize, d)
		}
	}
	w.list(w.labels.Apply, strings.Split(it.Apply, "\n"))
	w.field(bodySize, textGrey, w.labels.Time, it.Time, false)
	if len(it.Offices) > 0 {
		w.list(it.OfficesTitle, it.Offices)
		w.field(smallSize, mutedGrey, "", it.OfficesChecked, false)
	}
	w.list(w.labels.Links, it.Links)
	w.field(bodySize, textGrey, w.labels.Legal, it.Legal, false)
	w.field(bodySize, textGrey, w.labels.Excludes, it.Excludes, false)
	w.field(smallSize, mutedGrey, w.labels.Verified, it.Verified, true)
}

// list writes a bold title and its lines as bullets; nothing without lines.
func (w *writer) list(title string, lines []string) {
	var kept []string
	for _, l := range lines {
		if clean(l) != "" {
			kept = append(kept, l)
		}
	}
	if len(kept) == 0 {
		return
	}
	w.keepLines(bodySize, 2)
	w.font("B", bodySize, textGrey)
	w.paragraph(bodySize, clean(title)+":")
	w.font("", bodySize, textGrey)
	for _, l := range kept {
		w.bullet(bodySize, l)
	}
}

// box writes an item with an empty square before it, to tick with a pen.
func (w *writer) box(size float64, text string) {
	text = clean(text)
	if text == "" {
		return
	}
	h := lineHeight(size)
	w.keepLines(size, 1)
	side := h * 0.6
	x, y := marginLeft+bulletIndent, w.doc.GetY()+(h-side)/2
	w.doc.SetLineWidth(0.25)
	w.doc.Rect(x, y, side, side, "D")
	w.doc.SetX(marginLeft + bulletIndent)
	w.doc.CellFormat(bulletWidth, h, "", "", 0, "L", false, 0, "")
	w.doc.MultiCell(textWidth-bulletIndent-bulletWidth, h, text, "", "L", false)
}

// field writes "label: value", the label in bold, wrapping as a paragraph; nothing when
// value is empty. A value that already starts with its label ("Проверено 15.01.2026"), or
// with labelInside has it anywhere ("15.01.2026 тексерілді"), gets that word in bold
// instead of the label twice.
func (w *writer) field(size float64, grey int, label, value string, labelInside bool) {
	value = clean(value)
	if value == "" {
		return
	}
	before, bold, after := "", label+": ", value
	if at := indexFold(value, label); at == 0 || at > 0 && labelInside {
		before, bold, after = value[:at], value[at:at+len(label)], value[at+len(label):]
	}
	h := lineHeight(size)
	w.keepLines(size, 1)
	w.doc.SetX(marginLeft)
	w.font("", size, grey)
	if before != "" {
		w.doc.Write(h, before)
	}
	w.font("B", size, grey)
	w.doc.Write(h, bold)
	w.font("", size, grey)
	w.doc.Write(h, after)
	w.doc.Ln(h)
}

// indexFold returns where word first occurs in text, ignoring case, or -1.
func indexFold(text, word string) int {
	at := strings.Index(strings.ToLower(text), strings.ToLower(word))
	// Lower-casing may change a text's length in bytes; then the offset is not text's.
	if at < 0 || at+len(word) > len(text) || !strings.EqualFold(text[at:at+len(word)], word) {
		return -1
	}
	return at
}

// paragraph writes text across the whole text width, wrapping it, in the current font.
func (w *writer) paragraph(size float64, text string) {
	text = clean(text)
	if text == "" {
		return
	}
	w.doc.SetX(marginLeft)
	w.doc.MultiCell(textWidth, lineHeight(size), text, "", "L", false)
}

// bullet writes text as an item of a bulleted list, wrapped lines aligned with its first.
func (w *writer) bullet(size float64, text string) {
	text = clean(text)
	if text == "" {
		return
	}
	h := lineHeight(size)
	w.keepLines(size, 1) // the bullet and its first line on the same page
	w.doc.SetX(marginLeft + bulletIndent)
	w.doc.CellFormat(bulletWidth, h, "•", "", 0, "L", false, 0, "")
	w.doc.MultiCell(textWidth-bulletIndent-bulletWidth, h, text, "", "L", false)
}

// rule draws a thin line across the text width at the current position, unless that is
// at the top of a page.
func (w *writer) rule() {
	y := w.doc.GetY()
	if y <= marginTop {
		return
	}
	w.doc.SetDrawColor(ruleGrey, ruleGrey, ruleGrey)
	w.doc.SetLineWidth(0.2)
	w.doc.Line(marginLeft, y, pageWidth-marginRight, y)
}

// space moves down by mm millimetres, unless that is at the top of a page.
func (w *writer) space(mm float64) {
	if w.doc.GetY() <= marginTop {
		return
	}
	w.doc.SetY(w.doc.GetY() + mm)
}

// keepLines starts a new page unless n lines of type size still fit on this one.
func (w *writer) keepLines(size float64, n int) {
	w.keep(float64(n) * lineHeight(size))
}

// keep starts a new page unless mm millimetres still fit on this one.
func (w *writer) keep(mm float64) {
	if w.doc.GetY()+mm > pageHeight-marginBottom {
		w.doc.AddPage()
	}
}

// font selects the style ("" or "B"), size in points and grey level of the text.
func (w *writer) font(style string, size float64, grey int) {
	w.doc.SetFont(fontFamily, style, size)
	w.doc.SetTextColor(grey, grey, grey)
}

// pageFooter writes the page number, and the date line of the page's section, at the
// bottom of the page being finished.
func (w *writer) pageFooter() {
	y := pageHeight - footerTop
	w.doc.SetDrawColor(ruleGrey, ruleGrey, ruleGrey)
	w.doc.SetLineWidth(0.2)
	w.doc.Line(marginLeft, y, pageWidth-marginRight, y)
	w.font("", pageFooterSize, mutedGrey)
	h := lineHeight(pageFooterSize)
	// Left-aligned, so the alias's width (before the page count replaces it) moves nothing.
	w.doc.SetXY(marginLeft, y+1)
	w.doc.CellFormat(textWidth/2, h, fmt.Sprintf("%s %d / %s", w.labels.Page, w.doc.PageNo(), pagesAlias), "", 0, "L", false, 0, "")
	w.doc.SetXY(marginLeft+textWidth/2, y+1)
	w.doc.CellFormat(textWidth/2, h, w.made, "", 0, "R", false, 0, "")
}

// lineHeight is the distance between lines of type size points, in millimetres.
func lineHeight(size float64) float64 {
	const mmPerPoint = 25.4 / 72
	return size * mmPerPoint * 1.35
}

// clean makes text safe to set: line ends become "\n", tabs spaces, and characters the
// fonts have no glyph for (emoji, other scripts, control characters) are left out rather
// than printed as empty boxes.
func clean(text string) string {
	text = strings.ReplaceAll(text, "\r\n", "\n")
	text = strings.TrimSpace(text)
	cover := coverage()
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\n':
			return r
		case r == '\t' || r == '\r':
			return ' '
		case r < 0x20 || r > 0xFFFF || !cover.has(r):
			return -1
		}
		return r
	}, text)
}

// glyphSet tells which characters of the Basic Multilingual Plane both fonts can show.
type glyphSet [0x10000 / 64]uint64

func (g *glyphSet) has(r rune) bool { return r <= 0xFFFF && g[r/64]&(1<<(r%64)) != 0 }

// coverage reads, once, which characters both embedded fonts have glyphs for.
var coverage = sync.OnceValue(func() *glyphSet {
	var set glyphSet
	regular, bold := dejavu.Parsed()
	fonts := []*sfnt.Font{regular, bold}
	var buf sfnt.Buffer
	for r := rune(0x20); r <= 0xFFFF; r++ {
		covered := true
		for _, f := range fonts {
			if gi, err := f.GlyphIndex(&buf, r); err != nil || gi == 0 {
				covered = false
				break
			}
		}
		if covered {
			set[r/64] |= 1 << (r % 64)
		}
	}
	return &set
})
