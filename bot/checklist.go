package bot

import (
	"time"

	"github.com/qamqor/qamqor/content"
)

// Checklist is a person's result to keep, print or forward to a relative: what they can
// get and how, in Kazakh and in Russian, every text already written out. Adapters turn it
// into a document (a PDF) and send or save it.
type Checklist struct {
	Subject  string             // what it is about: a screener's or a service's id
	Made     time.Time          // when it was made
	Sections []ChecklistSection // one per language, Kazakh first
}

// ChecklistSection is the whole checklist in one language.
type ChecklistSection struct {
	Lang    content.Lang
	Title   string   // e.g. "Что мне положено: инвалидность"
	Made    string   // e.g. "Составлено 22.11.2026"
	Answers []string // the answers it is based on, e.g. "Для кого: мой ребенок"
	Items   []ChecklistItem
	Footer  string // what to check before relying on it
	// Slip, on a referral slip for a client without Telegram, is the referral, printed
	// before the items.
	Slip *ChecklistSlip
}

// ChecklistSlip is a referral as a printed slip shows it: its link as a QR code and as
// text, what it is for, and how to open it, every text in the section's language.
type ChecklistSlip struct {
	QR    []byte   // the link's QR code as a PNG; nil: the link in text only
	Lines []string // what it is for, until when the link works
	Scan  string   // how to open the link
	Link  string
	Note  string // what the items below are, for someone who cannot open the link
}

// ChecklistItem is one service or benefit that matches.
type ChecklistItem struct {
	Name           string
	Description    string
	Amount         string   // with its year, or "" when there is no money
	Documents      []string // what to bring: printed as boxes to tick
	Apply          string   // how and where to apply, one way a line
	Time           string   // how long it takes
	OfficesTitle   string   // "Куда обратиться: г. Алматы"
	Offices        []string // the region's offices, with addresses and phones
	OfficesChecked string   // when their contacts were checked, and where
	Links          []string // "label: URL" of the pages to open
	Legal          string   // legal basis
	Excludes       string   // what it cannot be combined with
	Verified       string   // "Проверено 15.01.2026; источники: egov.kz, gov.kz"
}

// FileName is the name the checklist is saved or sent under: what it is about and when,
// qamqor-disability_check-2026-12-02.pdf.
func (c *Checklist) FileName() string {
	subject := c.Subject
	if subject == "" {
		subject = "checklist"
	}
	return "qamqor-" + subject + "-" + c.Made.Format("2006-01-02") + ".pdf"
}
