package checklist

import (
	"bytes"
	"fmt"

	"github.com/go-pdf/fpdf"

	"github.com/qamqor/qamqor/bot/referrals"
	"github.com/qamqor/qamqor/chart"
)

// chartWidth and chartHeight are the size of a report's chart, in pixels.
const (
	chartWidth  = 900
	chartHeight = 380
)

// ReferralReport renders a partner's report for their funder as an A4 PDF in the
// report's language: its title and period, a bar chart (package chart), a table per
// section, and its footer, set in the checklists' fonts. The PDF's dates are d.Made.
func ReferralReport(d referrals.ReportDoc) ([]byte, error) {
	made := d.Made
	if made.IsZero() {
		made = epoch
	}
	doc := fpdf.New("P", "mm", "A4", "")
	doc.SetCreationDate(made)
	doc.SetModificationDate(made)
	doc.SetCatalogSort(true)
	doc.SetCompression(true)
	doc.SetCreator("Qamqor", true)
	doc.SetProducer("Qamqor", true)
	doc.SetTitle(clean(d.Title), true)
	doc.SetLang(string(d.Lang))
	doc.AddUTF8FontFromBytes(fontFamily, "", regularFont)
	doc.AddUTF8FontFromBytes(fontFamily, "B", boldFont)
	doc.SetMargins(marginLeft, marginTop, marginRight)
	doc.SetAutoPageBreak(true, marginBottom)
	doc.AliasNbPages(pagesAlias)

	w := &writer{doc: doc, labels: LabelsFor(d.Lang), made: clean(d.Period)}
	doc.SetFooterFunc(w.pageFooter)
	doc.AddPage()
	w.font("B", titleSize, textGrey)
	w.paragraph(titleSize, d.Title)
	w.font("", smallSize, mutedGrey)
	w.paragraph(smallSize, d.Subtitle)

	if len(d.Chart.Names) > 0 {
		png, err := chart.Daily(d.Chart.Title, d.Chart.Names, []chart.Series{{Name: d.Chart.Series, Values: d.Chart.Values}}, chartWidth, chartHeight)
		if err != nil {
			return nil, fmt.Errorf("checklist: drawing the report's chart: %w", err)
		}
		doc.RegisterImageOptionsReader("chart", fpdf.ImageOptions{ImageType: "PNG"}, bytes.NewReader(png))
		w.space(4)
		h := textWidth * chartHeight / chartWidth
		w.keep(h)
		doc.ImageOptions("chart", marginLeft, doc.GetY(), textWidth, h, false, fpdf.ImageOptions{ImageType: "PNG"}, 0, "")
		doc.SetY(doc.GetY() + h)
	}

	for _, s := range d.Sections {
		w.keep(4 + 3 + lineHeight(headingSize) + 2*lineHeight(bodySize))
		w.space(4)
		w.rule()
		w.space(3)
		w.font("B", headingSize, textGrey)
		w.paragraph(headingSize, s.Title)
		w.space(1)
		for _, row := range s.Rows {
			w.row(row[0], row[1])
		}
	}
	if footer := clean(d.Footer); footer != "" {
		w.keep(5 + 2 + 2*lineHeight(smallSize))
		w.space(5)
		w.rule()
		w.space(2)
		w.font("", smallSize, mutedGrey)
		w.paragraph(smallSize, footer)
	}

	var out bytes.Buffer
	if err := doc.Output(&out); err != nil {
		return nil, fmt.Errorf("checklist: rendering the report: %w", err)
	}
	return out.Bytes(), nil
}

// row writes a table row as "name: value", the value in bold, so that the text read back
// from the PDF keeps each value with its name.
func (w *writer) row(name, value string) {
	if value == "" {
		w.font("", bodySize, textGrey)
		w.paragraph(bodySize, name)
		return
	}
	w.field(bodySize, textGrey, clean(name), clean(value), false)
}
