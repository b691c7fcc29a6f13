package qr

import (
	"fmt"
	"image"
	"image/color"
	"strings"

	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
)

// MaxCaptionLines bounds a caption, wrapped: the picture stays mostly code.
const MaxCaptionLines = 6

// grays is the palette of a captioned code: white and black first, as the bare code's, then
// the greys of the caption's smoothed letters.
var grays = func() color.Palette {
	p := color.Palette{color.White, color.Black}
	for i := 1; i < 15; i++ {
		p = append(p, color.Gray{Y: uint8(255 - i*17)})
	}
	return p
}()

// Captioner draws QR codes with a caption under them (who made the link, and what for),
// in one typeface: one with the letters of the captions, Kazakh ones included (the
// checklist's DejaVu Sans, checklist.Font).
type Captioner struct {
	font *opentype.Font
}

// NewCaptioner reads the typeface of the captions from a TrueType or OpenType file.
func NewCaptioner(ttf []byte) (*Captioner, error) {
	f, err := opentype.Parse(ttf)
	if err != nil {
		return nil, fmt.Errorf("qr: reading the caption's font: %w", err)
	}
	return &Captioner{font: f}, nil
}

// PNG renders text's code as the package's PNG does (a size×size square, quiet zone
// included), with the caption's lines under it: each centred and wrapped at words to the
// code's width, at most MaxCaptionLines in all (the last ends with "…" when cut). The
// picture is as much taller as the caption needs; with no caption it is PNG's.
func (c *Captioner) PNG(text string, size int, caption ...string) ([]byte, error) {
	var lines []string
	for _, l := range caption {
		if l = strings.Join(strings.Fields(l), " "); l != "" {
			lines = append(lines, l)
		}
	}
	if len(lines) == 0 || c == nil { // no caption, or no typeface to write one
		return PNG(text, size)
	}
	square, err := drawCode(text, size, grays)
	if err != nil {
		return nil, err
	}
	px := max(10, float64(size)/20)
	face, err := opentype.NewFace(c.font, &opentype.FaceOptions{Size: px, DPI: 72, Hinting: font.HintingFull})
	if err != nil {
		return nil, fmt.Errorf("qr: the caption's font at %.0f px: %w", px, err)
	}
	defer face.Close()
	margin := size / 16
	width := fixed.I(size - 2*margin)
	var wrapped []string
	for _, l := range lines {
		wrapped = append(wrapped, wrap(face, l, width)...)
	}
	if len(wrapped) > MaxCaptionLines {
		wrapped = wrapped[:MaxCaptionLines]
		wrapped[MaxCaptionLines-1] = fit(face, wrapped[MaxCaptionLines-1]+"…", width)
	}
	lineHeight := face.Metrics().Height.Ceil()
	height := size + len(wrapped)*lineHeight + margin
	img := image.NewPaletted(image.Rect(0, 0, size, height), grays)
	copy(img.Pix, square.Pix) // the same width, so the same stride: the code's rows on top
	d := font.Drawer{Dst: img, Src: image.NewUniform(color.Black), Face: face}
	ascent := face.Metrics().Ascent.Ceil()
	for i, l := range wrapped {
		w := font.MeasureString(face, l)
		d.Dot = fixed.Point26_6{X: (fixed.I(size) - w) / 2, Y: fixed.I(size + i*lineHeight + ascent)}
		d.DrawString(l)
	}
	return encode(img)
}

// wrap breaks line at spaces into lines no wider than width; a word wider than width alone
// is cut to fit.
func wrap(face font.Face, line string, width fixed.Int26_6) []string {
	var out []string
	cur := ""
	for _, word := range strings.Fields(line) {
		next := strings.TrimSpace(cur + " " + word)
		if font.MeasureString(face, next) <= width {
			cur = next
			continue
		}
		if cur != "" {
			out = append(out, cur)
		}
		cur = fit(face, word, width)
	}
	if cur != "" {
		out = append(out, cur)
	}
	return out
}

// fit cuts s at the end, with "…", until it is no wider than width.
func fit(face font.Face, s string, width fixed.Int26_6) string {
	r := []rune(s)
	for len(r) > 1 && font.MeasureString(face, string(r)) > width {
		r = append(r[:len(r)-2], '…')
	}
	return string(r)
}
