package qr

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/png"
	"strings"
	"testing"

	"github.com/makiuchi-d/gozxing"
	zxqr "github.com/makiuchi-d/gozxing/qrcode"
)

const deepLink = "https://t.me/QamqorBot?start=r_AbCdEf0123456789_-xy"

// decode reads the PNG back with an independent QR decoder (ZXing's Go port)
// and returns the text and the error correction level it found.
func decode(t *testing.T, data []byte) (text, level string, img image.Image) {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("png.Decode: %v", err)
	}
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatalf("gozxing bitmap: %v", err)
	}
	// PURE_BARCODE: the image is the code and nothing else, as ours is. Without it
	// gozxing's finder-pattern search misses about 1 in 300 synthetic codes that phone
	// scanners read.
	res, err := zxqr.NewQRCodeReader().Decode(bmp, map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_PURE_BARCODE: true})
	if err != nil {
		t.Fatalf("QR decode: %v", err)
	}
	level, _ = res.GetResultMetadata()[gozxing.ResultMetadataType_ERROR_CORRECTION_LEVEL].(string)
	return res.GetText(), level, img
}

func TestPNGDecodesToDeepLink(t *testing.T) {
	for _, size := range []int{200, 256, 512, 1000} {
		data, err := PNG(deepLink, size)
		if err != nil {
			t.Fatalf("PNG(size %d): %v", size, err)
		}
		text, level, _ := decode(t, data)
		if text != deepLink {
			t.Errorf("size %d: decoded %q, want %q", size, text, deepLink)
		}
		if level != "M" {
			t.Errorf("size %d: error correction level %q, want M", size, level)
		}
	}
}

func TestPNGDecodesOtherTexts(t *testing.T) {
	for name, text := range map[string]string{
		"digits":       "0123456789012345",
		"alphanumeric": "QAMQOR R-12345",
		"long link":    "https://t.me/QamqorBot?start=" + strings.Repeat("r_AbCdEf0123456789_-xy", 20),
		"max bytes":    strings.Repeat("x", 2331), // the most bytes version 40-M holds
	} {
		data, err := PNG(text, 1000)
		if err != nil {
			t.Fatalf("%s: PNG: %v", name, err)
		}
		if got, _, _ := decode(t, data); got != text {
			t.Errorf("%s: decoded %q, want %q", name, got, text)
		}
	}
}

func TestPNGIsValidAndRequestedSize(t *testing.T) {
	for _, size := range []int{100, 300, 512, 777} {
		data, err := PNG(deepLink, size)
		if err != nil {
			t.Fatalf("PNG(size %d): %v", size, err)
		}
		if !bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")) {
			t.Fatalf("size %d: output does not start with the PNG signature", size)
		}
		cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
		if err != nil || format != "png" {
			t.Fatalf("size %d: DecodeConfig = %q, %v", size, format, err)
		}
		if cfg.Width != size || cfg.Height != size {
			t.Errorf("size %d: image is %d×%d", size, cfg.Width, cfg.Height)
		}
		if _, err := png.Decode(bytes.NewReader(data)); err != nil {
			t.Errorf("size %d: png.Decode: %v", size, err)
		}
	}
}

// TestPNGHasQuietZone measures the module size from the top-left finder
// pattern (7 modules wide) and checks at least 4 white modules on every side.
func TestPNGHasQuietZone(t *testing.T) {
	for _, size := range []int{100, 512, 777} {
		data, err := PNG(deepLink, size)
		if err != nil {
			t.Fatal(err)
		}
		_, _, img := decode(t, data)
		dark := func(x, y int) bool { return color.GrayModel.Convert(img.At(x, y)).(color.Gray).Y < 128 }
		b := img.Bounds()
		box := image.Rectangle{Min: b.Max, Max: b.Min}
		for y := b.Min.Y; y < b.Max.Y; y++ {
			for x := b.Min.X; x < b.Max.X; x++ {
				if dark(x, y) {
					box = box.Union(image.Rect(x, y, x+1, y+1))
				}
			}
		}
		if box.Empty() {
			t.Fatalf("size %d: no dark pixels", size)
		}
		finder := 0
		for x := box.Min.X; x < box.Max.X && dark(x, box.Min.Y); x++ {
			finder++
		}
		if finder%7 != 0 {
			t.Fatalf("size %d: finder pattern is %d px wide, not a multiple of 7", size, finder)
		}
		quiet := QuietZone * finder / 7
		margins := map[string]int{
			"left":   box.Min.X - b.Min.X,
			"top":    box.Min.Y - b.Min.Y,
			"right":  b.Max.X - box.Max.X,
			"bottom": b.Max.Y - box.Max.Y,
		}
		for side, m := range margins {
			if m < quiet {
				t.Errorf("size %d: %s margin %d px, want at least %d (4 modules of %d px)", size, side, m, quiet, finder/7)
			}
		}
	}
}

func TestPNGTooLong(t *testing.T) {
	for name, text := range map[string]string{
		"bytes":  strings.Repeat("a", 2332),
		"digits": strings.Repeat("7", 6000), // version 40-M holds 5,596 digits
		"huge":   strings.Repeat("Сәлем ", 10000),
	} {
		data, err := PNG(text, 512)
		if err == nil {
			t.Errorf("%s: PNG returned %d bytes, want an error", name, len(data))
			continue
		}
		if !errors.Is(err, ErrTooLong) {
			t.Errorf("%s: error %v, want ErrTooLong", name, err)
		}
		if len(err.Error()) > 100 || strings.Contains(err.Error(), text[:20]) {
			t.Errorf("%s: error message repeats the text: %.120q", name, err.Error())
		}
	}
}

func TestPNGBadArguments(t *testing.T) {
	if _, err := PNG("", 256); err == nil {
		t.Errorf("empty text: no error")
	}
	for _, size := range []int{0, -1} {
		if _, err := PNG(deepLink, size); err == nil {
			t.Errorf("size %d: no error", size)
		}
	}
	// The deep link needs version 4 (33 modules) + 8 quiet modules = 41 px.
	if _, err := PNG(deepLink, 40); !errors.Is(err, ErrTooSmall) {
		t.Errorf("size 40: error %v, want ErrTooSmall", err)
	}
	data, err := PNG(deepLink, 41)
	if err != nil {
		t.Fatalf("size 41 (one pixel per module): %v", err)
	}
	if got, _, _ := decode(t, data); got != deepLink {
		t.Errorf("size 41: decoded %q", got)
	}
}
