// Package qr renders QR codes as PNG images, for example a Telegram deep link
// (https://t.me/QamqorBot?start=r_...) that a social worker prints or shows
// so a client can open a referral by scanning it.
//
// The encoder is github.com/boombuler/barcode/qr. It was compared with the
// other pure-Go QR encoders on the Go module proxy:
//
//   - github.com/boombuler/barcode: no dependencies at all (its go.mod has no
//     require lines), pure Go, and maintained: tagged releases in 2024
//     (v1.0.2) and July 2025 (v1.1.0). Supports all four error correction
//     levels and numeric, alphanumeric and byte modes, and returns an error
//     (not a panic) for text that does not fit in version 40. It was already
//     in this module's graph (github.com/go-pdf/fpdf v0.9.0 requires v1.0.1),
//     so choosing it adds no new module to the build.
//   - github.com/skip2/go-qrcode: also dependency-free and widely used, with a
//     built-in quiet zone, but its last commit is from June 2020 and it has
//     never tagged a release (only a 2020 pseudo-version).
//   - rsc.io/qr: dependency-free, but one release from 2018 and no activity
//     since.
//   - github.com/yeqown/go-qrcode: v1.5.10 (2021) pulls in fogleman/gg,
//     golang/freetype and testify; its v2 is split into several modules with
//     image writers and is not served by the module proxy this project uses.
//
// boombuler returns the bare module matrix; this package adds the quiet zone
// (4 modules on each side, as ISO/IEC 18004 requires) and scales by a whole
// number of pixels per module, so every module is a crisp square. Its tests
// decode the PNG back with github.com/makiuchi-d/gozxing, a Go port of ZXing,
// used only in tests.
package qr

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"

	bqr "github.com/boombuler/barcode/qr"
)

// QuietZone is the white border around the code, in modules.
const QuietZone = 4

// ErrTooLong is wrapped by the error PNG returns when the text does not fit
// in the largest QR code (version 40) at medium error correction: about 2,300
// bytes of arbitrary text, more if it is only digits or upper-case letters.
var ErrTooLong = errors.New("qr: text too long for a QR code")

// ErrTooSmall is wrapped by the error PNG returns when size is smaller than
// one pixel per module, quiet zone included.
var ErrTooSmall = errors.New("qr: image size too small for this QR code")

var palette = color.Palette{color.White, color.Black}

// PNG renders text as a QR code at medium error correction (level M, about
// 15% of the code can be damaged) and returns a size×size PNG. The code is
// centred with at least a 4-module quiet zone; each module is the same whole
// number of pixels, so the white border may be a few pixels wider than 4
// modules. Text goes in byte mode as UTF-8 unless it is all digits or fits the
// alphanumeric set, which pack tighter.
//
// Errors: empty text, size that is not positive or too small for the code
// (ErrTooSmall), and text too long for any QR code (ErrTooLong). Error
// messages never contain the text.
func PNG(text string, size int) ([]byte, error) {
	img, err := drawCode(text, size, palette)
	if err != nil {
		return nil, err
	}
	return encode(img)
}

// drawCode draws text's QR code on a size×size image of pal, whose index 0 must be white and
// 1 black.
func drawCode(text string, size int, pal color.Palette) (*image.Paletted, error) {
	if text == "" {
		return nil, errors.New("qr: empty text")
	}
	if size <= 0 {
		return nil, fmt.Errorf("qr: image size must be positive, got %d", size)
	}
	code, err := bqr.Encode(text, bqr.M, bqr.Auto)
	if err != nil {
		// boombuler's only error here means no version fits; its message
		// quotes the whole text, so it is not passed on.
		return nil, fmt.Errorf("%w (%d bytes)", ErrTooLong, len(text))
	}
	n := code.Bounds().Dx()
	total := n + 2*QuietZone
	if size < total {
		return nil, fmt.Errorf("%w: %d px, need at least %d px for %d modules plus the quiet zone",
			ErrTooSmall, size, total, n)
	}
	scale := size / total
	offset := (size - scale*n) / 2

	// A two-colour paletted image: index 0 is white, so the zero-filled image
	// is already the background, and image/png writes it at 1 bit per pixel.
	img := image.NewPaletted(image.Rect(0, 0, size, size), pal)
	bounds := code.Bounds()
	for my := range n {
		for mx := range n {
			if !isDark(code.At(bounds.Min.X+mx, bounds.Min.Y+my)) {
				continue
			}
			x0, y0 := offset+mx*scale, offset+my*scale
			for y := y0; y < y0+scale; y++ {
				row := img.Pix[y*img.Stride+x0 : y*img.Stride+x0+scale]
				for i := range row {
					row[i] = 1
				}
			}
		}
	}

	return img, nil
}

// encode writes img as a PNG, as small as the encoder makes it.
func encode(img image.Image) ([]byte, error) {
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	if err := enc.Encode(&buf, img); err != nil {
		return nil, fmt.Errorf("qr: encoding PNG: %w", err)
	}
	return buf.Bytes(), nil
}

func isDark(c color.Color) bool {
	y := color.GrayModel.Convert(c).(color.Gray).Y
	return y < 128
}
