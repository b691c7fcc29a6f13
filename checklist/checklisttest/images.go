package checklisttest

import (
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"testing"
)

// Images extracts the pictures a PDF embeds, as PNG files, with poppler's pdfimages (the
// same poppler-utils as pdftotext), in the order the PDF has them.
func Images(tb testing.TB, data []byte) [][]byte {
	tb.Helper()
	tool, err := exec.LookPath("pdfimages")
	if err != nil {
		tb.Fatalf("pdfimages is needed to read the PDF's pictures back: apt-get install poppler-utils (%v)", err)
	}
	dir := tb.TempDir()
	file := filepath.Join(dir, "doc.pdf")
	if err := os.WriteFile(file, data, 0o600); err != nil {
		tb.Fatal(err)
	}
	if out, err := exec.Command(tool, "-png", file, filepath.Join(dir, "img")).CombinedOutput(); err != nil {
		tb.Fatalf("pdfimages: %v\n%s", err, out)
	}
	names, _ := filepath.Glob(filepath.Join(dir, "img-*.png"))
	sort.Strings(names)
	var out [][]byte
	for _, n := range names {
		b, err := os.ReadFile(n)
		if err != nil {
			tb.Fatal(err)
		}
		out = append(out, b)
	}
	return out
}
