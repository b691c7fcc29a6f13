package checklist

import (
	"bytes"
	"fmt"

	"github.com/go-pdf/fpdf"

	"github.com/qamqor/qamqor/bot"
)

// qrSide is the printed QR code's side, in millimetres: a phone reads it from arm's length.
const qrSide = 45.0

// Font is the regular typeface checklists are set in (DejaVu Sans), for pictures that must
// show the same letters, Kazakh ones included: a QR code's caption (qr.Captioner).
func Font() []byte { return regularFont }

// slip writes a referral slip's block: the QR code on the left, what the referral is for
// beside it, then how to open it and the link in full, across the page so that it is one
// line to type, and the note on what follows.
func (w *writer) slip(s bot.ChecklistSlip) {
	w.space(4)
	top := w.doc.GetY()
	textX := marginLeft
	if len(s.QR) > 0 {
		name := fmt.Sprintf("slip-qr-%d", w.doc.PageNo())
		opts := fpdf.ImageOptions{ImageType: "PNG"}
		w.doc.RegisterImageOptionsReader(name, opts, bytes.NewReader(s.QR))
		w.doc.ImageOptions(name, marginLeft, top, qrSide, qrSide, false, opts, 0, "")
		textX = marginLeft + qrSide + 6
	}
	w.font("", bodySize, textGrey)
	h := lineHeight(bodySize)
	w.doc.SetY(top + 2)
	for _, l := range s.Lines {
		if l = clean(l); l != "" {
			w.doc.SetX(textX)
			w.doc.MultiCell(pageWidth-marginRight-textX, h, l, "", "L", false)
			w.doc.SetY(w.doc.GetY() + 1.5)
		}
	}
	if len(s.QR) > 0 {
		w.doc.SetY(max(w.doc.GetY(), top+qrSide) + 3)
	}
	w.font("B", bodySize, textGrey)
	w.paragraph(bodySize, s.Scan)
	w.font("", bodySize, textGrey)
	w.paragraph(bodySize, s.Link)
	if note := clean(s.Note); note != "" {
		w.space(3)
		w.font("", bodySize, textGrey)
		w.paragraph(bodySize, note)
	}
}
