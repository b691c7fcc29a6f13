// Package chart draws the bot's daily activity as a PNG bar chart for the admins' /stats
// command: one group of bars per day, one bar per series, a title and a legend above the
// bars, a Y axis that starts at 0 with integer ticks.
//
// The drawing is done by gonum.org/v1/plot, a maintained pure-Go plotting library: it lays
// out the axes, ticks, grid, bars and legend and rasterises them without cgo or an external
// program, so the bot stays a single static binary and the same input always gives the same
// bytes.
//
// Every text on the chart (title, axis labels, tick labels, legend) is set in DejaVu Sans,
// regular and bold, the binary's one copy of it (internal/dejavu, which the checklist PDFs
// use too), through a font cache and text handler that belong to this package. DejaVu Sans has a glyph for every
// Russian and Kazakh letter (ә ғ қ ң ө ұ ү һ і among them) and for the tenge sign ₸, which
// the tests check, so no missing-glyph box can appear (gonum/plot's default, Liberation
// Serif, has the letters in the version used here but not ₸). DejaVu Sans is also the face
// the checklist PDFs use, so the bot's documents and charts look alike. Keeping the
// cache private, rather than adding to font.DefaultCache, leaves the process-wide
// gonum/plot defaults untouched and makes any text style that names another font fall
// back to DejaVu, not to Liberation.
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
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
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

	margin    = vg.Length(8) // around the whole chart
	titleGap  = vg.Length(6) // between the title and the legend
	legendGap = vg.Length(8) // between the legend and the plot area
	rowGap    = vg.Length(3) // between two rows of legend entries
	entryGap  = vg.Length(14)

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

// render draws the chart onto cnv. gonum/plot reports some failures by panicking (a font
// it cannot size, for one); render turns such a panic into an error so that a bad chart
// never takes the bot down.
func render(cnv vg.CanvasSizer, title string, days []string, series []Series) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("chart: drawing: %v", r)
		}
	}()

	dc := draw.Crop(draw.New(cnv), margin, -margin, margin, -margin)

	title = fit(title, boldStyle(titleSize), dc.Max.X-dc.Min.X)
	p := newPlot(title)
	bars := make([]*plotter.BarChart, len(series))
	for i, s := range series {
		b, err := plotter.NewBarChart(plotter.Values(s.Values), 1) // width set below
		if err != nil {
			return fmt.Errorf("chart: series %q: %w", s.Name, err)
		}
		b.Color = palette[i%len(palette)]
		b.LineStyle = draw.LineStyle{} // no outline: a day with 0 shows no bar
		bars[i] = b
	}

	// The legend goes in a band between the title and the plot area. With a title, the
	// title's padding leaves room for the band, so the plot lays its axes out below it;
	// without one, the plot gets the canvas below the band.
	leg := newLegend(series, bars, dc.Max.X-dc.Min.X)
	pc, legTop := dc, dc.Max.Y
	switch {
	case leg.height == 0:
	case title != "":
		p.Title.Padding = titleGap + leg.height + legendGap
		legTop -= p.Title.TextStyle.Rectangle(title).Size().Y + titleGap
	default:
		pc = draw.Crop(dc, 0, 0, 0, -(leg.height + legendGap))
	}

	// The X axis: one category per day, centred on 0, 1, …, len(days)-1; which days are
	// labelled is settled once the data area's width is known, below.
	n := len(days)
	p.X.Min, p.X.Max = -0.5, float64(n)-0.5
	p.X.Tick.Marker = dayTicks(days, p.X.Tick.Label, 0)

	// The Y axis: from 0 to a round number at or above the highest value.
	top := 0.0
	for _, s := range series {
		for _, v := range s.Values {
			top = math.Max(top, v)
		}
	}
	p.Y.Min, p.Y.Max, p.Y.Tick.Marker = yAxis(top)

	grid := plotter.NewGrid()
	grid.Vertical.Color = nil
	grid.Horizontal.Color = color.Gray{Y: 0xd8}
	grid.Horizontal.Width = vg.Points(0.5)
	p.Add(grid)
	for _, b := range bars {
		p.Add(b)
	}
	// Adding the bars widened neither axis (their ranges lie inside the ones set above),
	// but make sure of it, as the bar widths below depend on the X range.
	p.X.Min, p.X.Max = -0.5, float64(n)-0.5
	p.Y.Min, p.Y.Max, _ = yAxis(top)

	// Label as many days as fit in the data area, then size the bars in the data area that
	// leaves (only the labels at the two ends can move its edges): the group of a day takes
	// groupFill of the day's width, split evenly between the series.
	data := p.DataCanvas(pc)
	p.X.Tick.Marker = dayTicks(days, p.X.Tick.Label, data.Max.X-data.Min.X)
	data = p.DataCanvas(pc)
	bw := (data.Max.X - data.Min.X) / vg.Length(n) * groupFill / vg.Length(len(bars))
	for i, b := range bars {
		b.Width = bw
		b.Offset = (vg.Length(i) - vg.Length(len(bars)-1)/2) * bw
	}

	p.Draw(pc)
	leg.draw(dc, legTop)
	return nil
}

// newPlot returns a plot whose every text style is set in DejaVu Sans through handler.
func newPlot(title string) *plot.Plot {
	p := plot.New()
	p.TextHandler = handler
	p.BackgroundColor = color.White

	p.Title.Text = title
	p.Title.TextStyle = boldStyle(titleSize)

	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		a.Label.TextStyle.Font = font.From(regularFont, labelSize)
		a.Label.TextStyle.Handler = handler
		a.Tick.Label.Font = font.From(regularFont, tickSize)
		a.Tick.Label.Handler = handler
		a.Padding = 0 // bars stand on the X axis and the first day starts at the Y axis
	}
	p.X.Tick.Length = vg.Points(4)
	p.Y.Tick.Length = vg.Points(4)

	// The plot's own legend is not used (see legend below), but keep it in DejaVu too.
	p.Legend.TextStyle.Font = font.From(regularFont, legendSize)
	p.Legend.TextStyle.Handler = handler
	return p
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

// dayTicks labels every day on the X axis if the labels fit side by side in width, and
// otherwise every k-th day, counting back from the last so that the latest day is labelled.
// A width of 0 labels every day.
func dayTicks(days []string, sty text.Style, width vg.Length) plot.ConstantTicks {
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
	ticks := make(plot.ConstantTicks, 0, len(days))
	last := len(days) - 1
	for i, d := range days {
		if (last-i)%step == 0 {
			ticks = append(ticks, plot.Tick{Value: float64(i), Label: d})
		}
	}
	return ticks
}

// yAxis returns the Y axis range for values up to top and its ticks: integers at a step of
// 1, 2 or 5 times a power of ten, from 0 to the first tick at or above top, with at most
// maxTicks intervals.
func yAxis(top float64) (lo, hi float64, ticks plot.ConstantTicks) {
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
		ticks = append(ticks, plot.Tick{Value: v, Label: strconv.FormatFloat(v, 'f', 0, 64)})
	}
	return 0, hi, ticks
}

// legend is a row (or, if the names are long, several rows) of legend entries centred
// above the plot area, each a gonum/plot legend of one entry: the series' bar colour and
// its name.
type legend struct {
	rows   [][]legendEntry
	widths []vg.Length // of each row
	rowH   vg.Length
	height vg.Length // of all rows and the gaps between them
}

type legendEntry struct {
	l     plot.Legend
	width vg.Length
}

// newLegend lays out one entry per series in rows no wider than width.
func newLegend(series []Series, bars []*plotter.BarChart, width vg.Length) legend {
	var lg legend
	var row []legendEntry
	var rowW vg.Length
	for i, s := range series {
		l := plot.NewLegend()
		l.TextStyle.Font = font.From(regularFont, legendSize)
		l.TextStyle.Handler = handler
		l.TextStyle.Color = color.Black
		l.Top, l.Left = true, true
		l.ThumbnailWidth = vg.Points(legendSize)
		l.Add(fit(s.Name, l.TextStyle, width-l.ThumbnailWidth-l.TextStyle.Width(" ")), bars[i])

		r := l.Rectangle(draw.Canvas{})
		e := legendEntry{l: l, width: r.Max.X - r.Min.X}
		lg.rowH = max(lg.rowH, r.Max.Y-r.Min.Y)

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
	for i, row := range lg.rows {
		x := c.Min.X + (c.Max.X-c.Min.X-lg.widths[i])/2
		for _, e := range row {
			slot := c
			slot.Min = vg.Point{X: x, Y: y - lg.rowH}
			slot.Max = vg.Point{X: x + e.width, Y: y}
			e.l.Draw(slot)
			x += e.width + entryGap
		}
		y -= lg.rowH + rowGap
	}
}
