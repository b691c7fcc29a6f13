// Package checklisttest reads checklist PDFs back in tests, to check what a person would
// read in them.
package checklisttest

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var spaces = regexp.MustCompile(`\s+`)

// Pages extracts the text of every page of a PDF with poppler's pdftotext (Debian's
// poppler-utils, which scripts/test installs), whitespace (line breaks included) collapsed
// to single spaces, so texts that wrapped compare as written.
//
// pdftotext rather than a Go library: the Go readers (ledongthuc/pdf and the other forks of
// rsc.io/pdf) apply a ToUnicode bfrange only to its last byte, and fpdf maps its
// Identity-H codes with the single range <0000> <FFFF>, so they turn Cyrillic into
// control characters. Poppler, like PDF viewers, reads it right.
func Pages(tb testing.TB, data []byte) []string {
	tb.Helper()
	tool, err := exec.LookPath("pdftotext")
	if err != nil {
		tb.Fatalf("pdftotext is needed to read the PDF's text back: apt-get install poppler-utils (%v)", err)
	}
	file := filepath.Join(tb.TempDir(), "checklist.pdf")
	if err := os.WriteFile(file, data, 0o600); err != nil {
		tb.Fatal(err)
	}
	out, err := exec.Command(tool, "-enc", "UTF-8", file, "-").Output()
	if err != nil {
		tb.Fatalf("pdftotext: %v", err)
	}
	// pdftotext ends every page with a form feed.
	text := strings.TrimSuffix(string(out), "\f")
	var all []string
	for _, page := range strings.Split(text, "\f") {
		all = append(all, strings.TrimSpace(spaces.ReplaceAllString(page, " ")))
	}
	return all
}

// Text returns the text of the whole PDF, pages joined by a space.
func Text(tb testing.TB, data []byte) string {
	tb.Helper()
	return strings.Join(Pages(tb, data), " ")
}
