package console

import (
	"fmt"
	"html"
	"html/template"
	"strings"
	"unicode/utf8"
)

// The statistics' charts are SVG drawn here, inline in the page: no script, no image
// request, text the browser renders in the page's font and colour (currentColor, so it
// follows Telegram's theme), and a viewBox that scales from a phone to a desktop. Each
// chart is a picture with a title; the table beside it holds the same figures for screen
// readers, which is why the chart's own marks carry no text alternative of their own.

// chartSeries is one named series of daily values.
type chartSeries struct {
	Name   string
	Values []int64
}

// seriesColours have at least 3:1 contrast on white (WCAG's non-text contrast) and are
// told apart without colour by the legend's order and the table.
var seriesColours = []string{"#0b57d0", "#b3261e", "#146c2e", "#7a4d00"}

// chartTop is a round top for the value axis, at least max and at least 1.
func chartTop(max int64) int64 {
	if max <= 5 {
		return 5
	}
	step := int64(1)
	for step*10 < max {
		step *= 10
	}
	for _, m := range []int64{1, 2, 5, 10} {
		if step*m >= max {
			return step * m
		}
	}
	return max
}

// columnsSVG draws series as columns grouped by day, with a legend.
func columnsSVG(id, title string, days []string, series []chartSeries) template.HTML {
	const w, left, right, bottom, legendRow = 480.0, 36.0, 8.0, 30.0, 22.0
	var peak int64
	for _, s := range series {
		for _, v := range s.Values {
			peak = max(peak, v)
		}
	}
	ceil := chartTop(peak)
	// The legend above the plot, in as many rows as its names need (a name's width
	// guessed at 8 units a letter, generous for 13-unit text).
	var legend strings.Builder
	x, y := 0.0, 4.0
	for i, s := range series {
		width := 18 + float64(utf8.RuneCountInString(s.Name))*8 + 14
		if x > 0 && x+width > w {
			x, y = 0, y+legendRow
		}
		fmt.Fprintf(&legend, `<rect x="%g" y="%g" width="14" height="14" fill="%s"/>`, x, y, seriesColours[i%len(seriesColours)])
		fmt.Fprintf(&legend, `<text x="%g" y="%g" font-size="13" fill="currentColor">%s</text>`, x+18, y+12, html.EscapeString(s.Name))
		x += width
	}
	top := y + legendRow + 8
	h := top + 220 + bottom
	plotW, plotH := w-left-right, h-top-bottom
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" id="%s" viewBox="0 0 %g %g" role="img" aria-labelledby="%s-t" xmlns="http://www.w3.org/2000/svg">`, id, w, h, id)
	fmt.Fprintf(&b, `<title id="%s-t">%s</title>`, id, html.EscapeString(title))
	b.WriteString(legend.String())
	// The value axis: 0, half and the top.
	for _, v := range []int64{0, ceil / 2, ceil} {
		y := top + plotH - plotH*float64(v)/float64(ceil)
		fmt.Fprintf(&b, `<line x1="%g" x2="%g" y1="%g" y2="%g" stroke="currentColor" stroke-opacity="0.3"/>`, left, w-right, y, y)
		fmt.Fprintf(&b, `<text x="%g" y="%g" font-size="12" text-anchor="end" fill="currentColor">%d</text>`, left-6, y+4, v)
	}
	if n := len(days); n > 0 {
		slot := plotW / float64(n)
		barW := slot * 0.8 / float64(max(1, len(series)))
		every := max(1, (n+7)/8) // at most about eight day labels, the last always
		for d, label := range days {
			x0 := left + slot*float64(d) + slot*0.1
			for i, s := range series {
				v := s.Values[d]
				bh := plotH * float64(v) / float64(ceil)
				fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"/>`, x0+barW*float64(i), top+plotH-bh, barW, bh, seriesColours[i%len(seriesColours)])
			}
			if d%every == 0 || d == n-1 {
				fmt.Fprintf(&b, `<text x="%.1f" y="%g" font-size="12" text-anchor="middle" fill="currentColor">%s</text>`, left+slot*(float64(d)+0.5), h-bottom+18, html.EscapeString(label))
			}
		}
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String()) // every text in it is escaped above
}

// barsSVG draws one horizontal bar per label, with its value at its end.
func barsSVG(id, title string, labels []string, values []int64) template.HTML {
	const w, rowH, labelW, top = 480.0, 26.0, 200.0, 4.0
	h := top*2 + rowH*float64(len(labels))
	var peak int64
	for _, v := range values {
		peak = max(peak, v)
	}
	ceil := chartTop(peak)
	plotW := w - labelW - 40
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" id="%s" viewBox="0 0 %g %g" role="img" aria-labelledby="%s-t" xmlns="http://www.w3.org/2000/svg">`, id, w, h, id)
	fmt.Fprintf(&b, `<title id="%s-t">%s</title>`, id, html.EscapeString(title))
	for i, label := range labels {
		y := top + rowH*float64(i)
		if r := []rune(label); len(r) > 24 { // the table beside has it whole
			label = string(r[:23]) + "…"
		}
		fmt.Fprintf(&b, `<text x="%g" y="%g" font-size="12" text-anchor="end" fill="currentColor">%s</text>`, labelW-8, y+18, html.EscapeString(label))
		bw := plotW * float64(values[i]) / float64(ceil)
		fmt.Fprintf(&b, `<rect x="%g" y="%g" width="%.1f" height="%g" fill="%s"/>`, labelW, y+4, bw, rowH-8, seriesColours[1])
		fmt.Fprintf(&b, `<text x="%.1f" y="%g" font-size="13" fill="currentColor">%d</text>`, labelW+bw+6, y+18, values[i])
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}
