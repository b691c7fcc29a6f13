package chart

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"strings"
	"sync"
	"testing"

	"golang.org/x/image/font/sfnt"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

const kazakhTitle = "Қамқор: күнделікті белсенділік"

var (
	week = []string{"12.11", "13.11", "14.11", "15.11", "16.11", "17.11", "18.11"}

	// weekSeries has Russian names, and one Kazakh name with every Kazakh letter.
	weekSeries = []Series{
		{Name: "Пользователи", Values: []float64{12, 18, 9, 23, 31, 27, 19}},
		{Name: "Сообщения", Values: []float64{40, 52, 33, 61, 75, 58, 47}},
		{Name: "Чек-листтер: әғқңөұүһі", Values: []float64{3, 5, 0, 8, 11, 6, 4}},
	}
)

// decode decodes a PNG Daily returned, failing the test if it is not one.
func decode(t *testing.T, b []byte) image.Image {
	t.Helper()
	if !bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")) {
		t.Fatalf("output does not start with the PNG signature: % x", b[:min(8, len(b))])
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("png.Decode: %v", err)
	}
	return img
}

func TestDailyPNGHasRequestedSize(t *testing.T) {
	for _, size := range [][2]int{{900, 500}, {100, 100}, {333, 211}, {1280, 720}, {150, 600}} {
		t.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(t *testing.T) {
			b, err := Daily(kazakhTitle, week, weekSeries, size[0], size[1])
			if err != nil {
				t.Fatal(err)
			}
			img := decode(t, b)
			if got := img.Bounds(); got != image.Rect(0, 0, size[0], size[1]) {
				t.Errorf("bounds = %v, want %dx%d from the origin", got, size[0], size[1])
			}
		})
	}
}

func TestDailyIsNotBlank(t *testing.T) {
	b, err := Daily(kazakhTitle, week, weekSeries, 900, 500)
	if err != nil {
		t.Fatal(err)
	}
	img := decode(t, b)
	bounds := img.Bounds()
	nonWhite := 0
	seen := map[color.RGBA]int{}
	for y := bounds.Min.Y; y < bounds.Max.Y; y++ {
		for x := bounds.Min.X; x < bounds.Max.X; x++ {
			r, g, b, _ := img.At(x, y).RGBA()
			if r < 0xf000 || g < 0xf000 || b < 0xf000 {
				nonWhite++
			}
			seen[color.RGBA{R: uint8(r >> 8), G: uint8(g >> 8), B: uint8(b >> 8), A: 0xff}]++
		}
	}
	total := bounds.Dx() * bounds.Dy()
	if nonWhite < total/10 {
		t.Errorf("%d of %d pixels are not white; want at least a tenth", nonWhite, total)
	}
	// Each series' bars are filled with its colour: expect a good many pixels of each.
	for i := range weekSeries {
		c := palette[i].(color.RGBA)
		if seen[c] < 1000 {
			t.Errorf("series %d: %d pixels of its colour %v; want at least 1000", i, seen[c], c)
		}
	}
}

func TestDailyRendersKazakhAndRussian(t *testing.T) {
	ru := []Series{
		{Name: "Пользователи", Values: []float64{1, 2, 3, 4, 5, 6, 7}},
		{Name: "Новые подписчики", Values: []float64{0, 1, 0, 2, 0, 3, 0}},
		{Name: "Ёлка, щука, объём, съезд", Values: []float64{7, 6, 5, 4, 3, 2, 1}},
	}
	b, err := Daily(kazakhTitle, week, ru, 900, 500)
	if err != nil {
		t.Fatal(err)
	}
	decode(t, b)

	// The texts reach the canvas whole (nothing is cut at this size) and in DejaVu.
	texts := spyRender(t, kazakhTitle, week, ru, 900, 500)
	for _, want := range append([]string{kazakhTitle}, ru[0].Name, ru[1].Name, ru[2].Name) {
		if !texts[want] {
			t.Errorf("%q was not drawn; drawn: %q", want, keys(texts))
		}
	}
}

// spyCanvas records every string drawn on it and checks its font is an embedded DejaVu face.
type spyCanvas struct {
	*vgimg.Canvas
	t     *testing.T
	texts map[string]bool
}

func (c *spyCanvas) FillString(f font.Face, pt vg.Point, s string) {
	if f.Face != regularFace && f.Face != boldFace {
		c.t.Errorf("%q is drawn in %s, not in the embedded DejaVu Sans", s, f.Name())
	}
	if f.Font.Typeface != typeface {
		c.t.Errorf("%q is drawn in typeface %q, want %q", s, f.Font.Typeface, typeface)
	}
	c.texts[s] = true
	c.Canvas.FillString(f, pt, s)
}

// spyRender renders a chart on a spyCanvas and returns the strings drawn.
func spyRender(t *testing.T, title string, days []string, series []Series, w, h int) map[string]bool {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	c := &spyCanvas{
		Canvas: vgimg.NewWith(vgimg.UseImage(img), vgimg.UseDPI(resolution(w, h))),
		t:      t,
		texts:  map[string]bool{},
	}
	if err := render(c, title, days, series); err != nil {
		t.Fatal(err)
	}
	return c.texts
}

func keys(m map[string]bool) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	return ks
}

func TestEveryTextIsDejaVu(t *testing.T) {
	texts := spyRender(t, kazakhTitle, week, weekSeries, 900, 500)
	// Title, legend, X tick labels and Y tick labels all went through spyCanvas.FillString,
	// which checks the face.
	want := []string{kazakhTitle, weekSeries[2].Name, "12.11", "18.11", "0", "80"}
	for _, w := range want {
		if !texts[w] {
			t.Errorf("%q was not drawn; drawn: %q", w, keys(texts))
		}
	}
	bold := font.DefaultCache.Lookup(boldFont, 12)
	if bold.Face == boldFace {
		t.Error("the embedded fonts leaked into gonum/plot's global font.DefaultCache")
	}
}

// TestFontsHaveEveryGlyph checks that the embedded fonts draw every Kazakh and Russian
// letter (and the other characters a chart may show) with a glyph of their own, so no
// missing-glyph box (.notdef, glyph 0) can appear.
func TestFontsHaveEveryGlyph(t *testing.T) {
	var russian strings.Builder
	for r := 'А'; r <= 'я'; r++ {
		russian.WriteRune(r)
	}
	russian.WriteString("Ёё")
	sets := map[string]string{
		"Kazakh":  "әғқңөұүһіӘҒҚҢӨҰҮҺІ",
		"Russian": russian.String(),
		"other":   "0123456789.:,;-–—…«»()№%₸ ",
	}
	for name, ttf := range map[string][]byte{"regular": regularTTF, "bold": boldTTF} {
		f, err := sfnt.Parse(ttf)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		var buf sfnt.Buffer
		for set, runes := range sets {
			for _, r := range runes {
				i, err := f.GlyphIndex(&buf, r)
				if err != nil {
					t.Errorf("%s: GlyphIndex(%q): %v", name, r, err)
				} else if i == 0 {
					t.Errorf("%s: no glyph for %s %q (U+%04X)", name, set, r, r)
				}
			}
		}
	}
	if n := len([]rune(russian.String())); n != 66 {
		t.Fatalf("the Russian alphabet has %d letters here, want 66", n)
	}
}

func TestDailyErrors(t *testing.T) {
	ok := []Series{{Name: "a", Values: []float64{1, 2}}}
	days := []string{"17.11", "18.11"}
	cases := []struct {
		name   string
		days   []string
		series []Series
		w, h   int
		want   string
	}{
		{"nil days", nil, nil, 400, 300, "no days"},
		{"empty days", []string{}, []Series{{Name: "a"}}, 400, 300, "no days"},
		{"no series", days, nil, 400, 300, "no series"},
		{"series too short", days, []Series{ok[0], {Name: "b", Values: []float64{1}}}, 400, 300, `"b" has 1 values for 2 days`},
		{"series too long", days, []Series{{Name: "b", Values: []float64{1, 2, 3}}}, 400, 300, `"b" has 3 values for 2 days`},
		{"series empty", days, []Series{{Name: "b"}}, 400, 300, `"b" has 0 values for 2 days`},
		{"width too small", days, ok, 99, 300, "below the minimum"},
		{"height too small", days, ok, 400, 99, "below the minimum"},
		{"zero size", days, ok, 0, 0, "below the minimum"},
		{"negative size", days, ok, -400, 300, "below the minimum"},
		{"negative value", days, []Series{{Name: "b", Values: []float64{1, -1}}}, 400, 300, "≥ 0"},
		{"NaN", days, []Series{{Name: "b", Values: []float64{math.NaN(), 1}}}, 400, 300, "≥ 0"},
		{"infinity", days, []Series{{Name: "b", Values: []float64{1, math.Inf(1)}}}, 400, 300, "≥ 0"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b, err := Daily("t", c.days, c.series, c.w, c.h)
			if err == nil {
				t.Fatalf("no error; got %d bytes", len(b))
			}
			if b != nil {
				t.Errorf("got %d bytes with the error", len(b))
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %q does not mention %q", err, c.want)
			}
		})
	}
	// The smallest size is accepted.
	if _, err := Daily("t", days, ok, minSize, minSize); err != nil {
		t.Errorf("%dx%d: %v", minSize, minSize, err)
	}
}

// TestDailyIsDeterministic checks that gonum/plot draws the same input to the same bytes,
// also when charts are drawn at the same time (run with -race, this also checks the shared
// font cache).
func TestDailyIsDeterministic(t *testing.T) {
	first, err := Daily(kazakhTitle, week, weekSeries, 900, 500)
	if err != nil {
		t.Fatal(err)
	}
	second, err := Daily(kazakhTitle, week, weekSeries, 900, 500)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(first, second) {
		t.Fatal("two renders of the same input differ")
	}

	var wg sync.WaitGroup
	outs := make([][]byte, 4)
	errs := make([]error, len(outs))
	for i := range outs {
		wg.Go(func() { outs[i], errs[i] = Daily(kazakhTitle, week, weekSeries, 900, 500) })
	}
	wg.Wait()
	for i := range outs {
		if errs[i] != nil {
			t.Fatalf("concurrent render %d: %v", i, errs[i])
		}
		if !bytes.Equal(outs[i], first) {
			t.Errorf("concurrent render %d differs from the first render", i)
		}
	}
}

func TestDailyEdgeCases(t *testing.T) {
	month := make([]string, 31)
	values := make([]float64, 31)
	for i := range month {
		month[i] = fmt.Sprintf("%02d.12", i+1)
		values[i] = float64(i % 4)
	}
	long := strings.Repeat("Өте ұзын атау ", 20)
	cases := []struct {
		name   string
		title  string
		days   []string
		series []Series
	}{
		{"all zero", kazakhTitle, week, []Series{{Name: "Нөл", Values: make([]float64, 7)}}},
		{"no title", "", week, weekSeries},
		{"one day", kazakhTitle, week[:1], []Series{{Name: "Бір", Values: []float64{5}}}},
		{"a month", kazakhTitle, month, []Series{{Name: "Ай", Values: values}}},
		{"long names", long, week, []Series{{Name: long, Values: weekSeries[0].Values}, {Name: long, Values: weekSeries[1].Values}}},
		{"many series", kazakhTitle, week, func() []Series {
			var ss []Series
			for i := range 12 {
				ss = append(ss, Series{Name: fmt.Sprintf("Серия %d", i+1), Values: weekSeries[i%3].Values})
			}
			return ss
		}()},
		{"fractions", kazakhTitle, week[:2], []Series{{Name: "x", Values: []float64{0.25, 0.5}}}},
		{"empty names", kazakhTitle, week[:2], []Series{{Values: []float64{1, 2}}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for _, size := range [][2]int{{900, 500}, {100, 100}} {
				b, err := Daily(c.title, c.days, c.series, size[0], size[1])
				if err != nil {
					t.Fatalf("%v: %v", size, err)
				}
				if got := decode(t, b).Bounds().Size(); got != image.Pt(size[0], size[1]) {
					t.Errorf("size %v, want %v", got, size)
				}
			}
		})
	}
}

func TestLongTextsAreShortened(t *testing.T) {
	long := strings.Repeat("Өте ұзын атау ", 20)
	texts := spyRender(t, long, week, []Series{{Name: long + "!", Values: weekSeries[0].Values}}, 400, 300)
	cut := 0
	for s := range texts {
		if s == long || s == long+"!" {
			t.Errorf("a text wider than the chart was drawn whole: %q", s)
		}
		if strings.HasSuffix(s, "…") {
			cut++
		}
	}
	if cut != 2 {
		t.Errorf("%d texts end in …, want 2 (title and legend): %q", cut, keys(texts))
	}
}

func TestYAxisTicksAreIntegersFromZero(t *testing.T) {
	for _, top := range []float64{0, 0.25, 1, 3, 6, 7, 10, 12, 75, 99, 101, 1234, 98765} {
		lo, hi, ticks := yAxis(top)
		if lo != 0 {
			t.Errorf("top %v: axis starts at %v, want 0", top, lo)
		}
		if hi < top || hi < 1 {
			t.Errorf("top %v: axis ends at %v, below the data or 1", top, hi)
		}
		if len(ticks) < 2 || len(ticks)-1 > maxTicks {
			t.Errorf("top %v: %d ticks, want 2 to %d", top, len(ticks), maxTicks+1)
			continue
		}
		if ticks[0].Value != 0 || ticks[len(ticks)-1].Value != hi {
			t.Errorf("top %v: ticks run from %v to %v, want 0 to %v", top, ticks[0].Value, ticks[len(ticks)-1].Value, hi)
		}
		for _, tk := range ticks {
			if tk.Value != math.Trunc(tk.Value) || tk.Label != fmt.Sprint(int(tk.Value)) {
				t.Errorf("top %v: tick %v labelled %q is not an integer", top, tk.Value, tk.Label)
			}
		}
	}
}

func TestDayTicksKeepTheLastDay(t *testing.T) {
	days := make([]string, 30)
	for i := range days {
		days[i] = fmt.Sprintf("%02d.11", i+1)
	}
	sty := tickStyle(draw.XCenter, draw.YTop)
	if got := dayTicks(days, sty, 0); len(got) != 30 {
		t.Errorf("width 0: %d ticks, want every day", len(got))
	}
	if got := dayTicks(days, sty, 10000); len(got) != 30 {
		t.Errorf("wide: %d ticks, want every day", len(got))
	}
	got := dayTicks(days, sty, 300)
	if len(got) >= 30 || len(got) == 0 {
		t.Fatalf("narrow: %d ticks, want some but not all", len(got))
	}
	if last := got[len(got)-1]; last.Label != "30.11" || last.Value != 29 {
		t.Errorf("narrow: last tick %+v, want 30.11 at 29", last)
	}
	for i := 1; i < len(got); i++ {
		gap := vg.Length(got[i].Value-got[i-1].Value) * 300 / 30
		if w := sty.Width(got[i].Label); gap < w {
			t.Errorf("ticks %q and %q are %v apart, narrower than a label (%v)", got[i-1].Label, got[i].Label, gap, w)
		}
	}
}
