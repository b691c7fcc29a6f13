package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/qamqor/qamqor/content"
	"github.com/qamqor/qamqor/search"
)

// runSearch prints the screens that answer a question, or measures search on a file of
// questions with --eval.
func runSearch(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("search", flag.ContinueOnError)
	fs.SetOutput(stderr)
	langName := fs.String("lang", "ru", "the language the question is asked in: kk or ru")
	eval := fs.String("eval", "", "a TSV file of questions (lang, query, expect) to measure top-3 accuracy on")
	minAccuracy := fs.Float64("min", 0, "with --eval: exit with status 1 below this accuracy, in percent")
	// Flags may come before or after the question.
	var words []string
	for {
		if err := fs.Parse(args); err != nil {
			return 2
		}
		if fs.NArg() == 0 {
			break
		}
		words = append(words, fs.Arg(0))
		args = fs.Args()[1:]
	}
	lang, ok := content.ParseLang(*langName)
	if !ok {
		fmt.Fprintf(stderr, "qamqor search: unknown language %q (kk or ru)\n", *langName)
		return 2
	}
	question := strings.Join(words, " ")
	if (question == "") == (*eval == "") {
		fmt.Fprint(stderr, "usage: qamqor search QUESTION [--lang kk|ru]\n       qamqor search --eval FILE [--min PERCENT]\n")
		return 2
	}

	cfg, log, err := setup(stderr)
	if err != nil {
		fmt.Fprintln(stderr, "qamqor:", err)
		return 2
	}
	c, err := loadContent(cfg, log)
	if err != nil {
		fmt.Fprintln(stderr, "qamqor:", err)
		return 1
	}
	index := search.New(c)

	if *eval != "" {
		f, err := os.Open(*eval)
		if err != nil {
			fmt.Fprintln(stderr, "qamqor:", err)
			return 1
		}
		defer f.Close()
		rep, err := index.Eval(f)
		if err != nil {
			fmt.Fprintf(stderr, "qamqor: %s: %v\n", *eval, err)
			return 1
		}
		fmt.Fprintln(stdout, rep)
		for _, m := range rep.Misses {
			fmt.Fprintln(stdout, "miss:", m)
		}
		if rep.Accuracy() < *minAccuracy {
			return 1
		}
		return 0
	}

	a := index.Search(question, lang, search.EvalTop)
	if len(a.Results) == 0 {
		fmt.Fprintln(stdout, "nothing found")
		return 0
	}
	if a.Other {
		fmt.Fprintf(stdout, "nothing in %s; found in %s:\n", lang, a.Lang)
	}
	for i, r := range a.Results {
		fmt.Fprintf(stdout, "%d. %s (%.2f) %s\n", i+1, r.Node.Title.In(lang), r.Score, r.Node.ID)
	}
	return 0
}
