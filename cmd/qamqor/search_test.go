package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func TestSearchCommand(t *testing.T) {
	r := qamqor(t, "", nil, "search", "как", "стать", "опекуном")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "1. ") || !strings.Contains(r.stdout, "family_guardian") {
		t.Fatalf("search: code %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	// The language flag may follow the question.
	r = qamqor(t, "", nil, "search", "мугедектик тобы", "--lang", "kk")
	if r.code != 0 || !strings.Contains(r.stdout, "Мүгедектік") {
		t.Fatalf("search --lang kk: code %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = qamqor(t, "", nil, "search", "--lang", "kk", "пенсионер")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "nothing in kk; found in ru:") {
		t.Fatalf("a Russian word asked in Kazakh: code %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = qamqor(t, "", nil, "search", "прогноз погоды")
	if r.code != 0 || r.stdout != "nothing found\n" {
		t.Fatalf("a question nothing answers: code %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	for _, bad := range [][]string{{"search"}, {"search", "x", "--lang", "en"}, {"search", "x", "--eval", "f"}} {
		if r := qamqor(t, "", nil, bad...); r.code != 2 || r.stderr == "" {
			t.Errorf("%q: code %d, stderr %q; want 2 and a usage message", bad, r.code, r.stderr)
		}
	}
}

func TestSearchEval(t *testing.T) {
	dev, err := filepath.Abs("../../search/testdata/dev.tsv")
	if err != nil {
		t.Fatal(err)
	}
	r := qamqor(t, "", nil, "search", "--eval", dev, "--min", "90")
	if r.code != 0 || !regexp.MustCompile(`^top3=\d+\.\d% \(\d+/34\)\n`).MatchString(r.stdout) {
		t.Fatalf("eval: code %d\n%s%s", r.code, r.stdout, r.stderr)
	}

	// A miss is listed, and --min turns a low score into a failure.
	file := filepath.Join(t.TempDir(), "q.tsv")
	data := "lang\tquery\texpect\nru\tкак стать опекуном\tопек\nru\tпрогноз погоды\tпогод\n"
	if err := os.WriteFile(file, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
	r = qamqor(t, "", nil, "search", "--eval", file, "--min", "90")
	if r.code != 1 || !strings.HasPrefix(r.stdout, "top3=50.0% (1/2)\n") || !strings.Contains(r.stdout, `miss: line 3 [ru] "прогноз погоды": expected /погод/, got nothing`) {
		t.Fatalf("eval with a miss: code %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if err := os.WriteFile(file, []byte("lang\tquery\texpect\nru\tonly two fields\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if r := qamqor(t, "", nil, "search", "--eval", file); r.code != 1 || !strings.Contains(r.stderr, "line 2: want 3 tab-separated fields") {
		t.Fatalf("a malformed file: code %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}
