package qr

import (
	"bytes"
	"image"
	"image/png"

	"strings"
	"testing"

	"github.com/makiuchi-d/gozxing"
	zxqr "github.com/makiuchi-d/gozxing/qrcode"
	"golang.org/x/image/font/sfnt"

	"github.com/qamqor/qamqor/internal/dejavu"
)

// captionFont is the typeface the bot captions codes in: the DejaVu Sans checklist and chart share.
func captionFont(t *testing.T) []byte {
	t.Helper()
	return dejavu.Regular
}

func newCaptioner(t *testing.T) *Captioner {
	t.Helper()
	c, err := NewCaptioner(captionFont(t))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// darkRows counts the rows of img from y0 on that have a dark pixel.
func darkRows(img image.Image, y0 int) int {
	n := 0
	b := img.Bounds()
	for y := y0; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if isDark(img.At(x, y)) {
				n++
				break
			}
		}
	}
	return n
}

// A captioned code is the bare code with writing under it: as wide, taller, its square the
// same pixels, and it still decodes, as a whole picture and as the square alone.
func TestACaptionGoesUnderTheCodeAndTheCodeStillDecodes(t *testing.T) {
	c := newCaptioner(t)
	const size = 512
	bare, err := PNG(deepLink, size)
	if err != nil {
		t.Fatal(err)
	}
	data, err := c.PNG(deepLink, size, "«Бота үміт» қоғамдық қоры", "Мүгедектігі бар адамға не тиесілі", "Что положено лицу с инвалидностью")
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	plain, _ := png.Decode(bytes.NewReader(bare))
	if b := img.Bounds(); b.Dx() != size || b.Dy() <= size {
		t.Fatalf("the captioned picture is %v, want %d wide and taller than %d", b, size, size)
	}
	for y := range size {
		for x := range size {
			if isDark(img.At(x, y)) != isDark(plain.At(x, y)) {
				t.Fatalf("the code's square differs from the bare code at (%d, %d)", x, y)
			}
		}
	}
	if rows := darkRows(img, size); rows < 3*10 {
		t.Fatalf("only %d rows under the code have anything drawn: no caption", rows)
	}
	// The whole picture, as a phone's camera sees it: no hint that it is the code alone.
	bmp, _ := gozxing.NewBinaryBitmapFromImage(img)
	res, err := zxqr.NewQRCodeReader().Decode(bmp, nil)
	if err != nil || res.GetText() != deepLink {
		t.Fatalf("the captioned picture decodes to %v, %v", res, err)
	}
	square := image.NewGray(image.Rect(0, 0, size, size))
	for y := range size {
		for x := range size {
			square.Set(x, y, img.At(x, y))
		}
	}
	var sq bytes.Buffer
	_ = png.Encode(&sq, square)
	if text, _, _ := decode(t, sq.Bytes()); text != deepLink {
		t.Fatalf("the square decodes to %q", text)
	}
}

// Every letter of Kazakh and Russian is in the captions' typeface: none is drawn as an
// empty box.
func TestTheCaptionTypefaceHasKazakhLetters(t *testing.T) {
	f, err := sfnt.Parse(captionFont(t))
	if err != nil {
		t.Fatal(err)
	}
	var buf sfnt.Buffer
	for _, r := range "ӘәҒғҚқҢңӨөҰұҮүҺһІіАаБбЁёЖжЩщЪъЭэЮюЯя«»—₸" {
		if gi, err := f.GlyphIndex(&buf, r); err != nil || gi == 0 {
			t.Errorf("the caption typeface has no glyph for %q", r)
		}
	}
}

// A long caption wraps to the code's width and stops at MaxCaptionLines; no caption gives
// the bare code, byte for byte.
func TestALongCaptionWrapsAndIsBounded(t *testing.T) {
	c := newCaptioner(t)
	const size = 400
	one, _ := c.PNG(deepLink, size, "Бота үміт")
	long, err := c.PNG(deepLink, size, strings.Repeat("Қазақстандағы мүгедектігі бар адамдарды қолдау қоры ", 10))
	if err != nil {
		t.Fatal(err)
	}
	a, _ := png.Decode(bytes.NewReader(one))
	b, _ := png.Decode(bytes.NewReader(long))
	if b.Bounds().Dx() != size {
		t.Fatalf("a long caption widened the picture to %d", b.Bounds().Dx())
	}
	margin := size / 16
	line := a.Bounds().Dy() - size - margin // one line's height
	if lines := (b.Bounds().Dy() - size - margin) / line; line <= 0 || lines != MaxCaptionLines {
		t.Fatalf("a one-line caption makes %d px, a long one %d px: %d lines", a.Bounds().Dy(), b.Bounds().Dy(), (b.Bounds().Dy()-size-margin)/max(1, line))
	}
	bare, _ := PNG(deepLink, size)
	none, err := c.PNG(deepLink, size, "", "  ")
	if err != nil || !bytes.Equal(bare, none) {
		t.Fatalf("an empty caption changed the picture (%v)", err)
	}
	var nobody *Captioner
	if got, err := nobody.PNG(deepLink, size, "x"); err != nil || !bytes.Equal(got, bare) {
		t.Fatalf("a captioner without a typeface: %v", err)
	}
}
