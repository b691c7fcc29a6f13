package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/qamqor/qamqor/content"
	"github.com/qamqor/qamqor/content/sheet"
)

// parseInterspersed parses flags that may come before or after the positional arguments.
func parseInterspersed(fset *flag.FlagSet, args []string) ([]string, error) {
	var rest []string
	for {
		if err := fset.Parse(args); err != nil {
			return nil, err
		}
		if fset.NArg() == 0 {
			return rest, nil
		}
		rest = append(rest, fset.Arg(0))
		args = fset.Args()[1:]
	}
}

// runExport writes the content's texts as a translator's sheet.
func runExport(args []string, stdout, stderr io.Writer) int {
	fset := flag.NewFlagSet("content export", flag.ContinueOnError)
	fset.SetOutput(stderr)
	format := fset.String("format", "", "csv or xliff (default: from -o's extension, else csv)")
	since := fset.String("since", "", "an earlier CSV export: mark the texts changed since it")
	out := fset.String("o", "", "write the sheet to this file instead of standard output")
	rest, err := parseInterspersed(fset, args)
	if err != nil {
		return 2
	}
	if len(rest) > 1 {
		fmt.Fprint(stderr, "usage: qamqor content export [--format csv|xliff] [--since OLD.csv] [-o FILE] [DIR]\n")
		return 2
	}
	if *format == "" {
		*format = "csv"
		if ext := strings.ToLower(filepath.Ext(*out)); ext == ".xlf" || ext == ".xliff" {
			*format = "xliff"
		}
	}
	if *format != "csv" && *format != "xliff" {
		fmt.Fprintf(stderr, "qamqor: --format must be csv or xliff, not %q\n", *format)
		return 2
	}
	var fsys fs.FS = content.Embedded()
	from := "the content built in"
	if len(rest) == 1 {
		dir := rest[0]
		if st, err := os.Stat(dir); err != nil || !st.IsDir() {
			fmt.Fprintf(stderr, "qamqor: %s is not a directory\n", dir)
			return 2
		}
		fsys, from = os.DirFS(dir), dir
	}
	cells, err := sheet.Export(fsys)
	if err != nil {
		fmt.Fprintf(stderr, "qamqor: cannot export %s:\n%v\n", from, err)
		return 1
	}
	if *since != "" {
		old, err := readSheet(*since)
		if err != nil {
			printSheetError(stderr, *since, err)
			return 1
		}
		sheet.MarkChanged(cells, old)
	}

	var buf bytes.Buffer
	if *format == "xliff" {
		err = sheet.WriteXLIFF(&buf, cells)
	} else {
		err = sheet.WriteCSV(&buf, cells)
	}
	if err == nil {
		if *out == "" {
			_, err = stdout.Write(buf.Bytes())
		} else {
			err = os.WriteFile(*out, buf.Bytes(), 0o644)
		}
	}
	if err != nil {
		fmt.Fprintln(stderr, "qamqor:", err)
		return 1
	}

	incomplete := sheet.Incomplete(cells)
	for _, c := range incomplete {
		fmt.Fprintf(stderr, "%s: %s\n", c.ID, sheet.Missing(c))
	}
	changed := 0
	for _, c := range cells {
		if c.Changed != "" {
			changed++
		}
	}
	fmt.Fprintf(stderr, "%d texts exported from %s; %d in one language only", len(cells), from, len(incomplete))
	if *since != "" {
		fmt.Fprintf(stderr, "; %d new or changed since %s", changed, *since)
	}
	fmt.Fprintln(stderr)
	return 0
}

// runImport writes an edited sheet back into a content directory.
func runImport(args []string, stdout, stderr io.Writer) int {
	if len(args) < 1 || len(args) > 2 || strings.HasPrefix(args[0], "-") {
		fmt.Fprint(stderr, "usage: qamqor content import FILE [DIR]\n")
		return 2
	}
	file, dir := args[0], "content/data"
	if len(args) == 2 {
		dir = args[1]
	}
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		if len(args) == 1 {
			fmt.Fprintf(stderr, "qamqor: there is no %s directory here; name the content directory to write into: qamqor content import %s DIR\n(the content built into the program cannot be changed)\n", dir, file)
		} else {
			fmt.Fprintf(stderr, "qamqor: %s is not a directory\n", dir)
		}
		return 2
	}
	cells, err := readSheet(file)
	if err != nil {
		printSheetError(stderr, file, err)
		fmt.Fprintln(stderr, "nothing was written")
		return 1
	}
	rep, err := sheet.Import(dir, cells)
	if err != nil {
		printSheetError(stderr, file, err)
		var ce *sheet.CheckError
		if !errors.As(err, &ce) || !ce.Restored {
			fmt.Fprintln(stderr, "nothing was written")
		}
		return 1
	}
	for _, w := range rep.Warnings {
		fmt.Fprintln(stderr, w)
	}
	for _, r := range rep.Restyled {
		fmt.Fprintln(stdout, "note:", r)
	}
	if len(rep.Changed) == 0 {
		fmt.Fprintf(stdout, "nothing to change: the %d texts of the sheet are the same as in %s\n", len(cells), dir)
		return 0
	}
	for _, id := range rep.Changed {
		fmt.Fprintln(stdout, "changed", id)
	}
	fmt.Fprintf(stdout, "%d texts changed in %d files (%s); the content passes the checks\n", len(rep.Changed), len(rep.Files), strings.Join(rep.Files, ", "))
	return 0
}

// readSheet reads a CSV or XLIFF sheet, telling them apart by their first characters.
func readSheet(name string) ([]sheet.Cell, error) {
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, err
	}
	start := strings.TrimLeft(strings.TrimPrefix(string(data[:min(len(data), 512)]), "\ufeff"), " \t\r\n")
	if strings.HasPrefix(start, "<") {
		return sheet.ReadXLIFF(bytes.NewReader(data))
	}
	return sheet.ReadCSV(bytes.NewReader(data))
}

func printSheetError(stderr io.Writer, name string, err error) {
	var ps sheet.Problems
	if errors.As(err, &ps) {
		for _, p := range ps.In(name) {
			fmt.Fprintln(stderr, p)
		}
		fmt.Fprintf(stderr, "%d problem(s) in %s\n", len(ps), name)
		return
	}
	fmt.Fprintln(stderr, "qamqor:", err)
}
