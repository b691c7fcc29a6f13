// Package chart draws the bot's daily activity as a PNG bar chart for the admins' /stats
// command: one group of bars per day, one bar per series, a title and a legend above the
// bars, a Y axis that starts at 0 with integer ticks.
//
// The drawing is done with gonum.org/v1/plot's vector graphics (vg, vg/draw) and its
// rasteriser (vg/vgimg), pure Go without cgo or an external program, so the bot stays a
// single static binary and the same input always gives the same bytes. The chart lays
// out its own axes, bars and legend rather than using gonum's plot and plotter packages:
// importing those links twelve Liberation fonts (4.4 MB) that plot registers at start-up
// and this chart never uses, and the PDF, SVG and EPS back-ends.
//
// Every text on the chart (title, tick labels, legend) is set in DejaVu Sans, regular and
// bold, the binary's one copy of it (internal/dejavu, which the checklist PDFs use too),
// through a font cache and text handler that belong to this package. DejaVu Sans has a
// glyph for every Russian and Kazakh letter (ә ғ қ ң ө ұ ү һ і among them) and for the
// tenge sign ₸, which the tests check, so no missing-glyph box can appear. Keeping the
// cache private, rather than adding to font.DefaultCache, leaves the process-wide gonum
// defaults untouched and makes any text style that names another font fall back to DejaVu.
package chart

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"strconv"
	"strings"

	xfont "golang.org/x/image/font"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"

	"github.com/qamqor/qamqor/internal/dejavu"
)

// The fonts' files, for the tests.
var (
	regularTTF = dejavu.Regular
	boldTTF    = dejavu.Bold
)

// typeface is the name the embedded fonts are registered under in the font cache.
const typeface font.Typeface = "DejaVuSans"

var (
	regularFont = font.Font{Typeface: typeface, Weight: xfont.WeightNormal}
	boldFont    = font.Font{Typeface: typeface, Weight: xfont.WeightBold}
)

var (
	regularFace, boldFace = dejavu.Parsed()

	// fonts holds only DejaVu Sans, regular first so that it is the cache's default: a
	// lookup of any other typeface falls back to it.
	fonts = font.NewCache(font.Collection{
		{Font: regularFont, Face: regularFace},
		{Font: boldFont, Face: boldFace},
	})

	// handler is the text handler every text style on a chart uses.
	handler text.Handler = text.Plain{Fonts: fonts}
)

// Layout constants, in points. A PNG of at least fullWidth×fullHeight pixels is rendered at
// fullDPI dots per inch; a smaller one at a proportionally lower resolution, down to
// minDPI, so that its texts shrink with it instead of overlapping.
const (
	fullDPI    = 96
	minDPI     = 40
	fullWidth  = 480
	fullHeight = 320

	titleSize  = 14
	legendSize = 11
	tickSize   = 10
	labelSize  = 11

	margin     = vg.Length(8) // around the whole chart
	titleGap   = vg.Length(6) // between the title and the legend
	legendGap  = vg.Length(8) // between the legend and the plot area
	rowGap     = vg.Length(3) // between two rows of legend entries
	entryGap   = vg.Length(14)
	tickGap    = vg.Length(3) // between a tick and its label
	tickLength = vg.Length(4)

	groupFill = 0.8 // share of a day's width its group of bars takes
	maxTicks  = 6   // at most this many intervals on the Y axis
)

// minSize is the smallest width and height Daily accepts, in pixels.
const minSize = 100

// palette holds the series' bar colours, in order; it repeats for more series.
var palette = []color.Color{
	color.RGBA{R: 0x1f, G: 0x77, B: 0xb4, A: 0xff}, // blue
	color.RGBA{R: 0xff, G: 0x7f, B: 0x0e, A: 0xff}, // orange
	color.RGBA{R: 0x2c, G: 0xa0, B: 0x2c, A: 0xff}, // green
	color.RGBA{R: 0xd6, G: 0x27, B: 0x28, A: 0xff}, // red
	color.RGBA{R: 0x94, G: 0x67, B: 0xbd, A: 0xff}, // purple
	color.RGBA{R: 0x8c, G: 0x56, B: 0x4b, A: 0xff}, // brown
	color.RGBA{R: 0xe3, G: 0x77, B: 0xc2, A: 0xff}, // pink
	color.RGBA{R: 0x7f, G: 0x7f, B: 0x7f, A: 0xff}, // grey
}

// Series is one line/bar group: a name and one value per day.
type Series struct {
	Name   string
	Values []float64
}

// Daily draws days (labels like "18.11") on the X axis and one bar group per series, with a
// title and a legend, as a PNG of width×height pixels.
//
// It returns an error if there are no days or no series, if a series has not exactly one
// value per day, if a value is negative, NaN or infinite, or if width or height is below
// 100 pixels. The same arguments always give the same bytes.
func Daily(title string, days []string, series []Series, width, height int) ([]byte, error) {
	if err := validate(days, series, width, height); err != nil {
		return nil, err
	}
	img := image.NewRGBA(image.Rect(0, 0, width, height))
	cnv := vgimg.NewWith(vgimg.UseImage(img), vgimg.UseDPI(resolution(width, height)))
	if err := render(cnv, title, days, series); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, cnv.Image()); err != nil {
		return nil, fmt.Errorf("chart: encoding PNG: %w", err)
	}
	return buf.Bytes(), nil
}

// resolution returns the DPI to render a width×height PNG at.
func resolution(width, height int) int {
	scale := min(1, float64(width)/fullWidth, float64(height)/fullHeight)
	return max(minDPI, int(math.Round(fullDPI*scale)))
}

// validate checks Daily's arguments.
func validate(days []string, series []Series, width, height int) error {
	if width < minSize || height < minSize {
		return fmt.Errorf("chart: size %d×%d is below the minimum %d×%d", width, height, minSize, minSize)
	}
	if len(days) == 0 {
		return errors.New("chart: no days")
	}
	if len(series) == 0 {
		return errors.New("chart: no series")
	}
	for _, s := range series {
		if len(s.Values) != len(days) {
			return fmt.Errorf("chart: series %q has %d values for %d days", s.Name, len(s.Values), len(days))
		}
		for i, v := range s.Values {
			if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
				return fmt.Errorf("chart: series %q has value %v for %s; want a finite number ≥ 0", s.Name, v, days[i])
			}
		}
	}
	return nil
}

// render draws the chart onto cnv: from the top, the title, the legend, then the plot
// area with its Y axis (ticks, labels, a light grid), its X axis (a label under every day
// that fits) and the bars. Drawing text can panic (a font it cannot size, for one); render
// turns such a panic into an error so that a bad chart never takes the bot down.
func render(cnv vg.CanvasSizer, title string, days []string, series []Series) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("chart: drawing: %v", r)
		}
	}()

	c := draw.New(cnv)
	c.FillPolygon(color.White, corners(c.Rectangle))
	dc := draw.Crop(c, margin, -margin, margin, -margin)
	width := dc.Max.X - dc.Min.X

	top := dc.Max.Y
	if tsty := boldStyle(titleSize); title != "" {
		title = fit(title, tsty, width)
		dc.FillText(tsty, vg.Point{X: dc.Min.X + width/2, Y: top}, title)
		top -= tsty.Height(title) + titleGap
	}
	if leg := newLegend(series, width); leg.height > 0 {
		leg.draw(dc, top)
		top -= leg.height + legendGap
	}

	// The Y axis: from 0 to a round number at or above the highest value, its labels
	// right-aligned left of the plot area, centred on their ticks.
	most := 0.0
	for _, s := range series {
		for _, v := range s.Values {
			most = math.Max(most, v)
		}
	}
	_, yMax, yTicks := yAxis(most)
	ysty := tickStyle(draw.XRight, draw.YCenter)
	xsty := tickStyle(draw.XCenter, draw.YTop)
	labelW := vg.Length(0)
	for _, tk := range yTicks {
		labelW = max(labelW, ysty.Width(tk.Label))
	}
	half := ysty.Height("0") / 2 // the top label reaches this far above the area
	area := vg.Rectangle{
		Min: vg.Point{X: dc.Min.X + labelW + tickGap + tickLength, Y: dc.Min.Y + xsty.Height("0") + tickGap + tickLength},
		Max: vg.Point{X: dc.Max.X, Y: top - half},
	}

	// The X axis: one slot per day; which days are labelled depends on the area's width,
	// and a last label wider than its slot moves the area's right edge in.
	n := len(days)
	xTicks := dayTicks(days, xsty, area.Max.X-area.Min.X)
	if last := xsty.Width(days[n-1]); last > (area.Max.X-area.Min.X)/vg.Length(n) {
		area.Max.X -= (last - (area.Max.X-area.Min.X)/vg.Length(n)) / 2
		xTicks = dayTicks(days, xsty, area.Max.X-area.Min.X)
	}
	if area.Max.X <= area.Min.X || area.Max.Y <= area.Min.Y {
		return errors.New("chart: no room left for the bars")
	}
	slot := (area.Max.X - area.Min.X) / vg.Length(n)
	y := func(v float64) vg.Length { return area.Min.Y + vg.Length(v/yMax)*(area.Max.Y-area.Min.Y) }

	grid := draw.LineStyle{Color: color.Gray{Y: 0xd8}, Width: vg.Points(0.5)}
	axis := draw.LineStyle{Color: color.Black, Width: vg.Points(0.5)}
	for _, tk := range yTicks {
		ty := y(tk.Value)
		if tk.Value > 0 {
			dc.StrokeLine2(grid, area.Min.X, ty, area.Max.X, ty)
		}
		dc.StrokeLine2(axis, area.Min.X-tickLength, ty, area.Min.X, ty)
		dc.FillText(ysty, vg.Point{X: area.Min.X - tickLength - tickGap, Y: ty}, tk.Label)
	}

	// The bars: the group of a day takes groupFill of its slot, split evenly between the
	// series; a day with 0 shows no bar.
	bw := slot * groupFill / vg.Length(len(series))
	for d := range n {
		x := area.Min.X + slot*vg.Length(d) + slot*(1-groupFill)/2
		for i, s := range series {
			if v := s.Values[d]; v > 0 {
				left := x + bw*vg.Length(i)
				dc.FillPolygon(palette[i%len(palette)], corners(vg.Rectangle{
					Min: vg.Point{X: left, Y: area.Min.Y},
					Max: vg.Point{X: left + bw, Y: y(v)},
				}))
			}
		}
	}

	for _, tk := range xTicks {
		tx := area.Min.X + slot*(vg.Length(tk.Value)+0.5)
		dc.StrokeLine2(axis, tx, area.Min.Y, tx, area.Min.Y-tickLength)
		dc.FillText(xsty, vg.Point{X: tx, Y: area.Min.Y - tickLength - tickGap}, tk.Label)
	}
	dc.StrokeLine2(axis, area.Min.X, area.Min.Y, area.Max.X, area.Min.Y)
	dc.StrokeLine2(axis, area.Min.X, area.Min.Y, area.Min.X, area.Max.Y)
	return nil
}

// corners returns r's corners, to fill it as a polygon.
func corners(r vg.Rectangle) []vg.Point {
	return []vg.Point{r.Min, {X: r.Max.X, Y: r.Min.Y}, r.Max, {X: r.Min.X, Y: r.Max.Y}}
}

// tickStyle returns the style of an axis's tick labels: DejaVu Sans of tickSize, aligned so.
func tickStyle(x draw.XAlignment, y draw.YAlignment) text.Style {
	return text.Style{
		Color:   color.Black,
		Font:    font.From(regularFont, tickSize),
		XAlign:  x,
		YAlign:  y,
		Handler: handler,
	}
}

// boldStyle returns the title's text style: DejaVu Sans Bold of the given size, centred.
func boldStyle(size vg.Length) text.Style {
	return text.Style{
		Color:   color.Black,
		Font:    font.From(boldFont, size),
		XAlign:  draw.XCenter,
		YAlign:  draw.YTop,
		Handler: handler,
	}
}

// fit returns s, or as much of it as fits in width followed by "…" if it is wider.
func fit(s string, sty text.Style, width vg.Length) string {
	if sty.Width(s) <= width {
		return s
	}
	r := []rune(s)
	for len(r) > 0 && sty.Width(string(r)+"…") > width {
		r = r[:len(r)-1]
	}
	return strings.TrimSpace(string(r)) + "…"
}

// tick is a labelled place on an axis, in the axis's units (days from 0, or a value).
type tick struct {
	Value float64
	Label string
}

// dayTicks labels every day on the X axis if the labels fit side by side in width, and
// otherwise every k-th day, counting back from the last so that the latest day is labelled.
// A width of 0 labels every day.
func dayTicks(days []string, sty text.Style, width vg.Length) []tick {
	widest := vg.Length(0)
	for _, d := range days {
		widest = max(widest, sty.Width(d))
	}
	slot := width / vg.Length(len(days))
	need := widest + sty.Width("  ")
	step := 1
	if slot > 0 {
		step = max(1, int(math.Ceil(float64(need/slot))))
	}
	ticks := make([]tick, 0, len(days))
	last := len(days) - 1
	for i, d := range days {
		if (last-i)%step == 0 {
			ticks = append(ticks, tick{Value: float64(i), Label: d})
		}
	}
	return ticks
}

// yAxis returns the Y axis range for values up to top and its ticks: integers at a step of
// 1, 2 or 5 times a power of ten, from 0 to the first tick at or above top, with at most
// maxTicks intervals.
func yAxis(top float64) (lo, hi float64, ticks []tick) {
	step := 1.0
	for pow := 1.0; ; pow *= 10 {
		found := false
		for _, m := range []float64{1, 2, 5} {
			if s := m * pow; math.Ceil(top/s) <= maxTicks {
				step, found = s, true
				break
			}
		}
		if found {
			break
		}
	}
	hi = math.Max(step, math.Ceil(top/step)*step)
	for v := 0.0; v <= hi; v += step {
		ticks = append(ticks, tick{Value: v, Label: strconv.FormatFloat(v, 'f', 0, 64)})
	}
	return 0, hi, ticks
}

// legend is a row (or, if the names are long, several rows) of legend entries centred
// above the plot area, each a square of the series' bar colour and its name.
type legend struct {
	rows   [][]legendEntry
	widths []vg.Length // of each row
	rowH   vg.Length
	height vg.Length // of all rows and the gaps between them
}

type legendEntry struct {
	name  string
	color color.Color
	width vg.Length
}

// legendStyle is the style of the legend's names.
func legendStyle() text.Style {
	return text.Style{
		Color:   color.Black,
		Font:    font.From(regularFont, legendSize),
		XAlign:  draw.XLeft,
		YAlign:  draw.YCenter,
		Handler: handler,
	}
}

// thumbSize is the side of a legend entry's colour square, and thumbGap the space after it.
var thumbSize, thumbGap = vg.Points(legendSize * 0.8), vg.Points(4)

// newLegend lays out one entry per series in rows no wider than width.
func newLegend(series []Series, width vg.Length) legend {
	var lg legend
	var row []legendEntry
	var rowW vg.Length
	sty := legendStyle()
	lg.rowH = max(thumbSize, sty.Height("Ag"))
	for i, s := range series {
		name := fit(s.Name, sty, width-thumbSize-thumbGap)
		e := legendEntry{name: name, color: palette[i%len(palette)], width: thumbSize + thumbGap + sty.Width(name)}
		if len(row) > 0 && rowW+entryGap+e.width > width {
			lg.rows = append(lg.rows, row)
			lg.widths = append(lg.widths, rowW)
			row, rowW = nil, 0
		}
		if len(row) > 0 {
			rowW += entryGap
		}
		row = append(row, e)
		rowW += e.width
	}
	if len(row) > 0 {
		lg.rows = append(lg.rows, row)
		lg.widths = append(lg.widths, rowW)
	}
	if n := len(lg.rows); n > 0 {
		lg.height = vg.Length(n)*lg.rowH + vg.Length(n-1)*rowGap
	}
	return lg
}

// draw draws the legend with its top at y, centred across c.
func (lg legend) draw(c draw.Canvas, y vg.Length) {
	sty := legendStyle()
	for i, row := range lg.rows {
		x := c.Min.X + (c.Max.X-c.Min.X-lg.widths[i])/2
		mid := y - lg.rowH/2
		for _, e := range row {
			c.FillPolygon(e.color, corners(vg.Rectangle{
				Min: vg.Point{X: x, Y: mid - thumbSize/2},
				Max: vg.Point{X: x + thumbSize, Y: mid + thumbSize/2},
			}))
			if e.name != "" {
				c.FillText(sty, vg.Point{X: x + thumbSize + thumbGap, Y: mid}, e.name)
			}
			x += e.width + entryGap
		}
		y -= lg.rowH + rowGap
	}
}
