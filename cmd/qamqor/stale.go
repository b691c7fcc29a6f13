package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/qamqor/qamqor/content"
)

// runStale lists the facts due for a check, grouped by service and by region, so an
// editor knows which pages to read again.
func runStale(args []string, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("content stale", flag.ContinueOnError)
	fl.SetOutput(stderr)
	days := fl.Int("days", 365, "list facts checked more than this many days ago")
	if err := fl.Parse(args); err != nil || fl.NArg() > 1 || *days < 0 {
		fmt.Fprint(stderr, "usage: qamqor content stale [--days N] [DIR]\n")
		return 2
	}
	fsys, prefix := content.Embedded(), "content/data"
	if fl.NArg() == 1 {
		dir := fl.Arg(0)
		if st, err := os.Stat(dir); err != nil || !st.IsDir() {
			fmt.Fprintf(stderr, "qamqor: %s is not a directory\n", dir)
			return 2
		}
		fsys, prefix = os.DirFS(dir), strings.TrimSuffix(dir, "/")
	}
	c, _, err := content.Load(fsys, prefix)
	if err != nil {
		fmt.Fprintln(stderr, "qamqor: the content does not load; run qamqor content check first:")
		fmt.Fprintln(stderr, err)
		return 1
	}
	facts := c.Stale(time.Now(), time.Duration(*days)*24*time.Hour)
	group := ""
	for _, f := range facts {
		g := "service " + f.Service
		if f.Service == "" {
			g = "region " + f.Region
		}
		if g != group {
			fmt.Fprintln(stdout, g+":")
			group = g
		}
		fmt.Fprintf(stdout, "  %s:%d: %s — %s\n", f.File, f.Line, f.What, f.Reason)
	}
	fmt.Fprintf(stdout, "%d fact(s) to check (older than %d days, or with sources from before this year's reference values)\n", len(facts), *days)
	return 0
}
