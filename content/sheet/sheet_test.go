package sheet_test

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/qamqor/qamqor/content"
	"github.com/qamqor/qamqor/content/sheet"
)

// copyContent writes the shipped content to a new directory and returns it.
func copyContent(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	err := fs.WalkDir(content.Embedded(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(content.Embedded(), p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dir, p), data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

// snapshot reads every file of dir.
func snapshot(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		out[e.Name()] = data
	}
	return out
}

func sameFiles(t *testing.T, want, got map[string][]byte) {
	t.Helper()
	for name := range want {
		if !bytes.Equal(want[name], got[name]) {
			t.Errorf("%s changed", name)
		}
	}
	for name := range got {
		if _, ok := want[name]; !ok {
			t.Errorf("%s appeared", name)
		}
	}
}

func export(t *testing.T, dir string) []sheet.Cell {
	t.Helper()
	cells, err := sheet.Export(os.DirFS(dir))
	if err != nil {
		t.Fatal(err)
	}
	return cells
}

// kkKey finds "kk:" written as a key, at the start of a line (maybe after "- ") or in {...}.
var kkKey = regexp.MustCompile(`(?m)(^[ \t]*(- )?|[{,] *)kk:(.*)$`)

// countTexts counts the kk keys in the YAML text whose value is not a list, and the texts
// in Russian alone: a count made from the text, without the YAML parser the sheet uses.
func countTexts(t *testing.T, fsys fs.FS) int {
	t.Helper()
	n := 0
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".yaml") {
			return err
		}
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		lines := strings.Split(string(data), "\n")
		for i, line := range lines {
			m := kkKey.FindStringSubmatch(line)
			if m == nil || strings.HasPrefix(strings.TrimSpace(line), "#") {
				continue
			}
			rest := strings.TrimSpace(m[3])
			if strings.HasPrefix(rest, "[") {
				continue // a list
			}
			if rest == "" { // the value is on the next lines: a list, or a block of text
				next := ""
				for _, l := range lines[i+1:] {
					if s := strings.TrimSpace(l); s != "" && !strings.HasPrefix(s, "#") {
						next = s
						break
					}
				}
				if strings.HasPrefix(next, "- ") {
					continue
				}
			}
			n++
		}
		n += ruOnly(lines)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// ruKey finds "ru:" written as a key, at the start of a line or in {...}.
var ruKey = regexp.MustCompile(`^([ \t]*)(- )?ru:|[{,] *ru:`)

// ruOnly counts the texts given in Russian alone (an office's name as its sources wrote
// it): a ru key with no kk key beside it in the same mapping.
func ruOnly(lines []string) int {
	indent := func(l string) int { return len(l) - len(strings.TrimLeft(l, " ")) }
	n := 0
	for i, line := range lines {
		m := ruKey.FindStringSubmatch(line)
		if m == nil || strings.HasPrefix(strings.TrimSpace(line), "#") {
			continue
		}
		if strings.Contains(line, "{") { // inline
			if !strings.Contains(line, "kk:") {
				n++
			}
			continue
		}
		at := indent(line)
		paired := false
		for _, step := range []int{-1, 1} {
			for j := i + step; j >= 0 && j < len(lines); j += step {
				l := lines[j]
				if strings.TrimSpace(l) == "" {
					continue
				}
				if indent(l) < at {
					break
				}
				if indent(l) == at && strings.HasPrefix(strings.TrimSpace(l), "kk:") {
					paired = true
				}
			}
		}
		if !paired {
			n++
		}
	}
	return n
}

func TestExportHasEveryShippedText(t *testing.T) {
	dir := copyContent(t)
	cells := export(t, dir)
	if want := countTexts(t, os.DirFS(dir)); len(cells) != want || want < 400 {
		t.Fatalf("%d cells exported; the files have %d kk texts", len(cells), want)
	}
	ids := map[string]bool{}
	for _, c := range cells {
		if ids[c.ID] {
			t.Errorf("id %s twice", c.ID)
		}
		ids[c.ID] = true
		// Both languages, except an office's proper name or address as its sources wrote it.
		if (c.KK == "" || c.RU == "") && !(c.File == "offices.yaml" && (strings.HasSuffix(c.ID, "/name") || strings.HasSuffix(c.ID, "/address") || strings.HasSuffix(c.ID, "/hours"))) {
			t.Errorf("%s: the shipped content has both languages, got kk %q ru %q", c.ID, c.KK, c.RU)
		}
		if c.File != strings.SplitN(c.ID, "#", 2)[0] {
			t.Errorf("%s: file %q", c.ID, c.File)
		}
	}
	for _, id := range []string{
		"disability.yaml#nodes/disability_benefits/text",
		"screener_disability.yaml#screeners/disability_check/questions/who/options/child/label",
		"screener_employment.yaml#services/employment_disability_quota/documents_unknown",
		"offices.yaml#office_types/employment_social/name",
		"reference.yaml#regions/astana/name",
	} {
		if !ids[id] {
			t.Errorf("no cell %s", id)
		}
	}
	for _, c := range sheet.Incomplete(cells) {
		if c.File != "offices.yaml" {
			t.Errorf("the shipped content has a text in one language only: %+v", c)
		}
	}
}

func TestOneLanguageReportAndIDs(t *testing.T) {
	cells, err := sheet.Export(os.DirFS("testdata/partial"))
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, c := range cells {
		ids = append(ids, c.ID)
	}
	want := []string{
		"texts.yaml#nodes/first/title",
		"texts.yaml#nodes/first/text",
		"texts.yaml#nodes/first/links/0/label",
		"texts.yaml#offices/employment@astana/name",
	}
	if strings.Join(ids, " ") != strings.Join(want, " ") {
		t.Fatalf("ids %q, want %q", ids, want)
	}
	inc := sheet.Incomplete(cells)
	if len(inc) != 2 || inc[0].ID != want[0] || inc[1].ID != want[1] {
		t.Fatalf("incomplete: %+v", inc)
	}
	if sheet.Missing(inc[0]) != "no ru (Russian) text" || sheet.Missing(inc[1]) != "no kk (Kazakh) text" {
		t.Errorf("missing: %q, %q", sheet.Missing(inc[0]), sheet.Missing(inc[1]))
	}
	if inc[1].RU != "Только по-русски." || inc[1].Line != 6 {
		t.Errorf("block text read as %q on line %d", inc[1].RU, inc[1].Line)
	}
}

func TestDuplicateIDsFailLoudly(t *testing.T) {
	_, err := sheet.Export(os.DirFS("testdata/dup"))
	if err == nil || !strings.Contains(err.Error(), "dup.yaml:5: two texts have the id dup.yaml#nodes/same/title (the other is on line 3)") {
		t.Fatalf("err = %v", err)
	}
}

// resave reads a CSV, lets edit change its rows, and writes it as a spreadsheet saving
// "CSV" in a Russian locale would: semicolons, CRLF line breaks (also inside cells), no
// byte order mark.
func resave(t *testing.T, data []byte, edit func(rows [][]string)) []byte {
	t.Helper()
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte("\ufeff"))))
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	edit(rows)
	var out bytes.Buffer
	w := csv.NewWriter(&out)
	w.Comma, w.UseCRLF = ';', true
	if err := w.WriteAll(rows); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

func setCell(t *testing.T, rows [][]string, id, lang, text string) {
	t.Helper()
	col := map[string]int{"kk": 1, "ru": 2}[lang]
	for _, r := range rows {
		if r[0] == id {
			r[col] = text
			return
		}
	}
	t.Fatalf("no row %s", id)
}

func csvOf(t *testing.T, cells []sheet.Cell) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := sheet.WriteCSV(&b, cells); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func importCSV(t *testing.T, dir string, data []byte) (sheet.Report, error) {
	t.Helper()
	cells, err := sheet.ReadCSV(bytes.NewReader(data))
	if err != nil {
		return sheet.Report{}, err
	}
	return sheet.Import(dir, cells)
}

func TestSpreadsheetEditChangesExactlyThoseTexts(t *testing.T) {
	dir := copyContent(t)
	before := snapshot(t, dir)
	data := resave(t, csvOf(t, export(t, dir)), func(rows [][]string) {
		// plain, in a block mapping
		setCell(t, rows, "disability.yaml#nodes/disability/title", "kk", "Мүгедектігі бар адамдарға көмек")
		// quoted, in an inline {kk, ru}
		setCell(t, rows, "screener_family.yaml#screeners/family_check/questions/marital/options/single_woman/label", "ru", "Не в браке: я женщина")
		// a | block of two paragraphs
		setCell(t, rows, "disability.yaml#nodes/disability/text", "ru", "Новый первый абзац.\n\nВторой абзац: «в кавычках» и \"в двойных\".")
	})
	if !bytes.Contains(data, []byte("абзац.\r\n\r\nВторой")) {
		t.Fatal("the re-saved sheet does not have CRLF inside cells; the test does not test that")
	}
	rep, err := importCSV(t, dir, data)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Changed) != 3 || len(rep.Files) != 2 || len(rep.Restyled) != 0 {
		t.Fatalf("report %+v", rep)
	}

	want := map[string][]byte{}
	for k, v := range before {
		want[k] = v
	}
	replace := func(file, old, new string) {
		t.Helper()
		if bytes.Count(want[file], []byte(old)) != 1 {
			t.Fatalf("%s: %q is not there once", file, old)
		}
		want[file] = bytes.Replace(want[file], []byte(old), []byte(new), 1)
	}
	replace("disability.yaml", "      kk: Мүгедектігі бар адамдарға қолдау\n", "      kk: Мүгедектігі бар адамдарға көмек\n")
	replace("screener_family.yaml", `ru: "Не в браке, я женщина"}`, `ru: "Не в браке: я женщина"}`)
	replace("disability.yaml", "      ru: |\n"+
		"        Здесь: как устанавливают инвалидность, какие пособия платит государство, что дает индивидуальная программа реабилитации и как получить уход в специальных центрах.\n"+
		"\n"+
		"        С 1 июля 2023 года эти права регулирует Социальный кодекс РК.\n",
		"      ru: |\n"+
			"        Новый первый абзац.\n"+
			"\n"+
			"        Второй абзац: «в кавычках» и \"в двойных\".\n")
	got := snapshot(t, dir)
	for name := range want {
		if !bytes.Equal(want[name], got[name]) {
			t.Errorf("%s differs from the original by more than the three texts:\n%s", name, firstDiff(want[name], got[name]))
		}
	}
	if _, _, err := content.Load(os.DirFS(dir), dir); err != nil {
		t.Fatalf("the imported content does not load: %v", err)
	}
	// The same sheet again changes nothing.
	if rep, err := importCSV(t, dir, data); err != nil || len(rep.Changed) != 0 {
		t.Fatalf("second import: %+v, %v", rep, err)
	}
}

func firstDiff(a, b []byte) string {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	lo := max(0, i-80)
	return "want …" + string(a[lo:min(len(a), i+80)]) + "…\ngot  …" + string(b[lo:min(len(b), i+80)]) + "…"
}

func TestBadSheetsChangeNothing(t *testing.T) {
	const title = "disability.yaml#nodes/disability/title"
	cases := []struct {
		name string
		edit func(t *testing.T, rows [][]string) [][]string
		want string
	}{
		{"unknown id", func(t *testing.T, rows [][]string) [][]string {
			rows[5][0] = "disability.yaml#nodes/no_such_node/title"
			return rows
		}, "row 6: unknown id disability.yaml#nodes/no_such_node/title"},
		{"wrong number of columns", func(t *testing.T, rows [][]string) [][]string {
			rows[3] = append(rows[3], "stray")
			return rows
		}, "line 4: 5 columns where the header has 4"},
		{"emptied language", func(t *testing.T, rows [][]string) [][]string {
			setCell(t, rows, "disability.yaml#nodes/disability_establish/title", "ru", "")
			return rows
			// No row number here: the row of a text moves whenever a content file sorting before
			// disability.yaml (benefits.yaml) is added; "unknown id" above checks the row numbers.
		}, "disability.yaml#nodes/disability_establish/title: the ru (Russian) text is empty in the sheet, but the file has one"},
		{"duplicate id", func(t *testing.T, rows [][]string) [][]string {
			return append(rows, append([]string(nil), rows[1]...))
		}, "is in the sheet twice (also on line 2)"},
		{"a text the checks refuse", func(t *testing.T, rows [][]string) [][]string {
			setCell(t, rows, "main.yaml#nodes/main/text", "kk", "Какая помощь нужна? Выберите тему из списка ниже.")
			return rows
		}, "main.yaml:"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := copyContent(t)
			before := snapshot(t, dir)
			// A good change too: all or nothing means it is not written either.
			data := resave(t, csvOf(t, export(t, dir)), func(rows [][]string) {
				setCell(t, rows, title, "ru", "Помощь людям с инвалидностью")
			})
			data = editCSV(t, data, func(rows [][]string) [][]string { return tc.edit(t, rows) })
			_, err := importCSV(t, dir, data)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v\nwant a problem with %q", err, tc.want)
			}
			sameFiles(t, before, snapshot(t, dir))
		})
	}
}

// editCSV rewrites a CSV (as resave wrote it) through edit, which may add rows.
func editCSV(t *testing.T, data []byte, edit func(rows [][]string) [][]string) []byte {
	t.Helper()
	r := csv.NewReader(bytes.NewReader(data))
	r.Comma, r.FieldsPerRecord = ';', -1
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	rows = edit(rows)
	var out bytes.Buffer
	w := csv.NewWriter(&out)
	w.Comma = ';'
	if err := w.WriteAll(rows); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

func TestXLIFFRoundTrip(t *testing.T) {
	dir := copyContent(t)
	before := snapshot(t, dir)
	cells := export(t, dir)
	var x bytes.Buffer
	if err := sheet.WriteXLIFF(&x, cells); err != nil {
		t.Fatal(err)
	}
	back, err := sheet.ReadXLIFF(bytes.NewReader(x.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if len(back) != len(cells) {
		t.Fatalf("%d units read back, %d written", len(back), len(cells))
	}
	for i := range cells {
		if back[i].ID != cells[i].ID || back[i].KK != cells[i].KK || back[i].RU != cells[i].RU {
			t.Fatalf("unit %d: %+v, wrote %+v", i, back[i], cells[i])
		}
	}
	rep, err := sheet.Import(dir, back)
	if err != nil || len(rep.Changed) != 0 {
		t.Fatalf("import of the unchanged XLIFF: %+v, %v", rep, err)
	}
	sameFiles(t, before, snapshot(t, dir))

	// A translation tool's change to a target comes back as that text.
	const old = "<target>Мүгедектік қалай белгіленеді</target>"
	edited := strings.Replace(x.String(), old, "<target>Мүгедектікті қалай белгілейді</target>", 1)
	if edited == x.String() {
		t.Fatal("the XLIFF has no " + old)
	}
	back, err = sheet.ReadXLIFF(strings.NewReader(edited))
	if err != nil {
		t.Fatal(err)
	}
	rep, err = sheet.Import(dir, back)
	if err != nil || strings.Join(rep.Changed, " ") != "disability.yaml#nodes/disability_establish/title" {
		t.Fatalf("import of an edited XLIFF: %+v, %v", rep, err)
	}
}

func TestSinceMarksExactlyTheChangedTexts(t *testing.T) {
	dir := copyContent(t)
	old := export(t, dir)
	edit := func(file, from, to string) {
		t.Helper()
		p := filepath.Join(dir, file)
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(data, []byte(from)) {
			t.Fatalf("%s has no %q", file, from)
		}
		if err := os.WriteFile(p, bytes.Replace(data, []byte(from), []byte(to), 1), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	edit("disability.yaml", "ru: Поддержка людей с инвалидностью", "ru: Помощь людям с инвалидностью")
	edit("screener_family.yaml", "{kk: Асырап алу, ru: Усыновить}", "{kk: Бала асырап алу, ru: Удочерить}")
	edit("reference.yaml", "regions:\n", "regions:\n  - id: new_region\n    name: {kk: Жаңа өңір, ru: Новый регион}\n")

	// Through the CSV, as --since reads it.
	oldSheet, err := sheet.ReadCSV(bytes.NewReader(csvOf(t, old)))
	if err != nil {
		t.Fatal(err)
	}
	cells := export(t, dir)
	sheet.MarkChanged(cells, oldSheet)
	got := map[string]string{}
	for _, c := range cells {
		if c.Changed != "" {
			got[c.ID] = c.Changed
		}
	}
	want := map[string]string{
		"disability.yaml#nodes/disability/title":                                         "ru",
		"screener_family.yaml#screeners/family_check/questions/goal/options/adopt/label": "kk ru",
		"reference.yaml#regions/new_region/name":                                         "new",
	}
	if len(got) != len(want) {
		t.Fatalf("marked %v, want %v", got, want)
	}
	for id, w := range want {
		if got[id] != w {
			t.Errorf("%s marked %q, want %q", id, got[id], w)
		}
	}
	// And the CSV carries the marks.
	back, err := sheet.ReadCSV(bytes.NewReader(csvOf(t, cells)))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range back {
		if c.Changed != want[c.ID] {
			t.Errorf("%s: changed column %q", c.ID, c.Changed)
		}
	}
}

func TestReadCSVProblems(t *testing.T) {
	for _, tc := range []struct{ name, data, want string }{
		{"not UTF-8", "id,kk,ru,changed\nx#a,\xcf\xf0\xe8,b,\n", "not UTF-8"},
		{"no header", "x#a,b,c,\n", "line 1: the first row must name the columns"},
		{"bad quote", "id,kk,ru,changed\nx#a,\"b\"c,d,\n", "line 2: a quote mark"},
		{"no id", "id,kk,ru,changed\n,b,c,\n", "line 2: the row has no id"},
	} {
		_, err := sheet.ReadCSV(strings.NewReader(tc.data))
		var ps sheet.Problems
		if !errors.As(err, &ps) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v; want %q", tc.name, err, tc.want)
		}
	}
	cells, err := sheet.ReadCSV(strings.NewReader("\ufeffid,kk,ru,changed,notes\nx.yaml#a,б,в,,a note\n,,,,\n"))
	if err != nil || len(cells) != 1 || cells[0].File != "x.yaml" || cells[0].KK != "б" || cells[0].Line != 2 {
		t.Errorf("extra column and empty row: %+v, %v", cells, err)
	}
}
