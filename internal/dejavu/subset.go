//go:build ignore

// subset.go cuts DejaVu Sans and DejaVu Sans Bold down to the characters in dejavu.Ranges
// and writes them next to it:
//
//	go run subset.go /usr/share/fonts/truetype/dejavu   # Debian's fonts-dejavu-core
//
// It uses go-pdf/fpdf's UTF8CutFont, the same code that subsets the fonts into each PDF.
package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/go-pdf/fpdf"

	"github.com/qamqor/qamqor/internal/dejavu"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: go run subset.go DIR-WITH-DejaVuSans.ttf")
		os.Exit(2)
	}
	var cutset strings.Builder
	for _, rg := range dejavu.Ranges {
		for r := rg[0]; r <= rg[1]; r++ {
			cutset.WriteRune(r)
		}
	}
	for _, name := range []string{"DejaVuSans.ttf", "DejaVuSans-Bold.ttf"} {
		full, err := os.ReadFile(filepath.Join(os.Args[1], name))
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		cut := fpdf.UTF8CutFont(full, cutset.String())
		if len(cut) == 0 {
			fmt.Fprintf(os.Stderr, "%s: cutting failed\n", name)
			os.Exit(1)
		}
		if err := os.WriteFile(name, cut, 0o644); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		fmt.Printf("%s: %d → %d bytes\n", name, len(full), len(cut))
	}
}
