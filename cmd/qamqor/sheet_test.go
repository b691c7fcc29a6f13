package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

func TestContentExport(t *testing.T) {
	dir := copyContent(t)
	r := qamqor(t, "", nil, "content", "export", dir)
	if r.code != 0 || !strings.HasPrefix(r.stdout, "\ufeffid,kk,ru,changed\n") {
		t.Fatalf("exit %d, stdout starts %.80q, stderr %s", r.code, r.stdout, r.stderr)
	}
	if !strings.Contains(r.stdout, "\ndisability.yaml#nodes/disability/title,Мүгедектігі бар адамдарға қолдау,Поддержка людей с инвалидностью,\n") {
		t.Errorf("no row for the disability title:\n%.400s", r.stdout)
	}
	// Offices named in one language by their sources are reported, and nothing else is.
	partial := regexp.MustCompile(`texts exported from .*; (\d+) in one language only`).FindStringSubmatch(r.stderr)
	if partial == nil {
		t.Fatalf("stderr: %s", r.stderr)
	}
	for _, line := range strings.Split(r.stderr, "\n") {
		if strings.Contains(line, ": no ") && !strings.HasPrefix(line, "offices.yaml#") {
			t.Errorf("a text other than an office's in one language only: %s", line)
		}
	}
	before, _ := strconv.Atoi(partial[1])

	// A text in one language only is named, and the file and --since work together.
	old := filepath.Join(t.TempDir(), "old.csv")
	if err := os.WriteFile(old, []byte(r.stdout), 0o644); err != nil {
		t.Fatal(err)
	}
	edit(t, dir, "main.yaml", "\n      ru: Главное меню", "")
	out := filepath.Join(t.TempDir(), "texts.xlf")
	r = qamqor(t, "", nil, "content", "export", "--since", old, "-o", out, dir)
	if r.code != 0 || r.stdout != "" {
		t.Fatalf("exit %d, stdout %q, stderr %s", r.code, r.stdout, r.stderr)
	}
	for _, want := range []string{"main.yaml#nodes/main/title: no ru (Russian) text\n", fmt.Sprintf("; %d in one language only; 1 new or changed since %s", before+1, old)} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr has no %q:\n%s", want, r.stderr)
		}
	}
	data, err := os.ReadFile(out)
	if err != nil || !bytes.Contains(data, []byte(`<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="ru" trgLang="kk">`)) ||
		!bytes.Contains(data, []byte("changed since the previous export: ru")) {
		t.Errorf("-o %s (from its extension, XLIFF): %v\n%.300s", out, err, data)
	}

	if r := qamqor(t, "", nil, "content", "export", "--format", "pdf"); r.code != 2 || !strings.Contains(r.stderr, "--format must be csv or xliff") {
		t.Errorf("--format pdf: %+v", r)
	}
}

func TestContentImport(t *testing.T) {
	dir := copyContent(t)
	sheetFile := filepath.Join(t.TempDir(), "texts.csv")
	if r := qamqor(t, "", nil, "content", "export", "-o", sheetFile, dir); r.code != 0 {
		t.Fatalf("export: %+v", r)
	}
	data, err := os.ReadFile(sheetFile)
	if err != nil {
		t.Fatal(err)
	}
	const row = "\ndisability.yaml#nodes/disability/title,Мүгедектігі бар адамдарға қолдау,Поддержка людей с инвалидностью,\n"
	edited := strings.Replace(string(data), row, "\ndisability.yaml#nodes/disability/title,Мүгедектігі бар адамдарға қолдау,Помощь людям с инвалидностью,\n", 1)
	if edited == string(data) {
		t.Fatal("no row to edit")
	}
	if err := os.WriteFile(sheetFile, []byte(edited), 0o644); err != nil {
		t.Fatal(err)
	}
	before, err := os.ReadFile(filepath.Join(dir, "disability.yaml"))
	if err != nil {
		t.Fatal(err)
	}

	r := qamqor(t, "", nil, "content", "import", sheetFile, dir)
	if r.code != 0 || !strings.Contains(r.stdout, "changed disability.yaml#nodes/disability/title\n1 texts changed in 1 files (disability.yaml); the content passes the checks") {
		t.Fatalf("import: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	after, err := os.ReadFile(filepath.Join(dir, "disability.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if want := bytes.Replace(before, []byte("ru: Поддержка людей с инвалидностью\n"), []byte("ru: Помощь людям с инвалидностью\n"), 1); !bytes.Equal(after, want) {
		t.Errorf("disability.yaml is not the original with the one text changed")
	}
	if r := qamqor(t, "", nil, "content", "check", dir); r.code != 0 {
		t.Errorf("check after import: %+v", r)
	}
	if r := qamqor(t, "", nil, "content", "import", sheetFile, dir); r.code != 0 || !strings.Contains(r.stdout, "nothing to change") {
		t.Errorf("the same sheet again: %+v", r)
	}

	// A bad sheet: the problem with its line, and nothing written.
	bad := strings.Replace(edited, "\ndisability.yaml#nodes/disability_establish/title,", "\ndisability.yaml#nodes/disability_establishh/title,", 1)
	if err := os.WriteFile(sheetFile, []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	r = qamqor(t, "", nil, "content", "import", sheetFile, dir)
	// (Its line and row move as content files are added before disability.yaml.)
	unknown := regexp.MustCompile(regexp.QuoteMeta(sheetFile) + `:\d+: row \d+: unknown id disability\.yaml#nodes/disability_establishh/title`)
	if r.code != 1 || !unknown.MatchString(r.stderr) || !strings.Contains(r.stderr, "nothing was written") {
		t.Errorf("unknown id: exit %d\n%s", r.code, r.stderr)
	}
	if now, _ := os.ReadFile(filepath.Join(dir, "disability.yaml")); !bytes.Equal(now, after) {
		t.Error("a refused sheet changed disability.yaml")
	}

	// Without DIR, it writes into content/data on disk, never into the content built in.
	r = qamqor(t, "", nil, "content", "import", sheetFile)
	if r.code != 2 || !strings.Contains(r.stderr, "there is no content/data directory here") {
		t.Errorf("without DIR, outside a checkout: %+v", r)
	}
}
