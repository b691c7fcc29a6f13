package ziptest_test

import (
	"archive/zip"
	"bytes"
	"io"
	"testing"

	"github.com/qamqor/qamqor/internal/ziptest"
)

// An honest bomb is a valid zip: every file reads back whole, CRC checked, as what its
// headers say.
func TestAnHonestBombReadsBackAsItsHeadersSay(t *testing.T) {
	data := ziptest.Bomb(t, ziptest.Spec{Files: 3, MiBEach: 5, Padding: 1000})
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	if len(zr.File) != 4 {
		t.Fatalf("%d files", len(zr.File))
	}
	for _, f := range zr.File[1:] {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil || len(b) != 5<<20 || bytes.Count(b, []byte("a")) != len(b) {
			t.Fatalf("%s: %d bytes, %v", f.Name, len(b), err)
		}
	}
	t.Logf("3 × 5 MiB in a zip of %d bytes", len(data))
}

// A lying bomb claims less than it holds; a reader that trusts the claim is told so.
func TestALyingBombIsCaughtByTheZipReader(t *testing.T) {
	data := ziptest.Bomb(t, ziptest.Spec{Files: 1, MiBEach: 5, Claim: 1000})
	zr, _ := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	rc, _ := zr.File[0].Open()
	defer rc.Close()
	if n, err := io.Copy(io.Discard, rc); err != zip.ErrFormat || n > 1000 {
		t.Fatalf("read %d bytes, %v", n, err)
	}
}
