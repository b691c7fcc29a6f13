package sheet

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/qamqor/qamqor/content"
	"go.yaml.in/yaml/v3"
)

// Report says what Import wrote.
type Report struct {
	Changed  []string         // the ids of the cells written, in the sheet's order
	Files    []string         // the files written, in name order
	Restyled []string         // texts written in another YAML style than before, and why
	Warnings content.Problems // the content's warnings after the import
}

// CheckError is Import's error when the content would not pass the checks (or did not
// before the import): the loader's problems, with file and line.
type CheckError struct {
	Before   bool // the content had these problems before anything was written
	Restored bool // the files were written, failed the checks, and were put back
	Problems content.Problems
}

func (e *CheckError) Error() string {
	switch {
	case e.Before:
		return "the content does not pass the checks even before the import; fix it first:\n" + e.Problems.Error()
	case e.Restored:
		return "after writing, the content did not pass the checks, so the files were put back as they were:\n" + e.Problems.Error()
	}
	return "with these texts the content would not pass the checks, so nothing was written:\n" + e.Problems.Error()
}

// Import writes the sheet's texts into the content directory dir: for every cell whose
// kk or ru differs from the file, exactly that scalar is replaced, in the style it was
// written in (plain, quoted, or a | block with the same indentation), and every other
// byte of the file is left as it was. A text missing from a file is added next to the
// other language. Cells of the sheet that did not change, and texts not in the sheet,
// are left alone.
//
// It is all or nothing: an unknown or repeated id, or a text that the sheet empties, is a
// Problem (with the cell's Line), and then nothing is written. The result must pass
// content.Load; if it would not, nothing is written, and if the files on disk fail after
// writing, they are put back.
func Import(dir string, sheet []Cell) (Report, error) {
	var rep Report
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return rep, fmt.Errorf("%s is not a directory", dir)
	}
	fsys := os.DirFS(dir)
	if _, _, err := content.Load(fsys, dir); err != nil {
		var ps content.Problems
		if errors.As(err, &ps) {
			return rep, &CheckError{Before: true, Problems: ps.Errors()}
		}
		return rep, err
	}
	files, cells, err := scan(fsys)
	if err != nil {
		return rep, err
	}
	byID := make(map[string]*located, len(cells))
	for _, c := range cells {
		byID[c.ID] = c
	}

	// What the sheet changes, and what is wrong with it.
	type change struct {
		sheet Cell
		cell  *located
		langs []string
	}
	var (
		changes  []change
		problems Problems
	)
	seen := map[string]int{}
	for _, s := range sheet {
		if line, dup := seen[s.ID]; dup {
			problems = append(problems, Problem{Line: s.Line, Row: s.Row, Message: fmt.Sprintf("%s is in the sheet twice (also on line %d): keep one row per id", s.ID, line)})
			continue
		}
		seen[s.ID] = s.Line
		c, ok := byID[s.ID]
		if !ok {
			problems = append(problems, Problem{Line: s.Line, Row: s.Row, Message: fmt.Sprintf("unknown id %s: there is no such text in %s (was the sheet exported from other content? export again and copy the translations over)", s.ID, dir)})
			continue
		}
		var langs []string
		for _, lang := range Langs {
			now, want := c.Lang(lang), normalize(s.Lang(lang))
			if now == want {
				continue
			}
			if want == "" {
				problems = append(problems, Problem{Line: s.Line, Row: s.Row, Message: fmt.Sprintf("%s: the %s text is empty in the sheet, but the file has one; import does not delete texts: put it back, or delete it in the YAML file", s.ID, langName(lang))})
				continue
			}
			langs = append(langs, lang)
		}
		if len(langs) > 0 {
			changes = append(changes, change{sheet: s, cell: c, langs: langs})
		}
	}
	if len(problems) > 0 {
		return rep, problems
	}
	if len(changes) == 0 {
		return rep, nil
	}

	// The edits, file by file, each checked by reading the file back.
	byFile := map[*yfile][]edit{}
	lineOf := map[string][2]int{}
	for _, ch := range changes {
		lineOf[ch.sheet.ID] = [2]int{ch.sheet.Line, ch.sheet.Row}
		for _, lang := range ch.langs {
			e, err := planEdit(ch.cell, lang, normalize(ch.sheet.Lang(lang)))
			if err != nil {
				problems = append(problems, Problem{Line: ch.sheet.Line, Row: ch.sheet.Row, Message: fmt.Sprintf("%s: the %s text cannot be written into %s:%d (%v): edit it in the file", ch.sheet.ID, langName(lang), ch.cell.File, ch.cell.Line, err)})
				continue
			}
			byFile[ch.cell.file] = append(byFile[ch.cell.file], e)
		}
		rep.Changed = append(rep.Changed, ch.sheet.ID)
	}
	updated := map[string][]byte{}
	for _, f := range files {
		edits := byFile[f]
		if len(edits) == 0 {
			continue
		}
		data, ps := apply(f, edits, byID, lineOf)
		problems = append(problems, ps...)
		updated[f.name] = data
		for _, e := range edits {
			if e.restyled != "" {
				rep.Restyled = append(rep.Restyled, fmt.Sprintf("%s (%s): %s", e.id, e.lang, e.restyled))
			}
		}
	}
	if len(problems) > 0 {
		return Report{}, problems
	}

	// The result must load before anything is written...
	mem, err := inMemory(files, updated)
	if err != nil {
		return Report{}, err
	}
	if _, _, err := content.Load(mem, dir); err != nil {
		var ps content.Problems
		if errors.As(err, &ps) {
			return Report{}, &CheckError{Problems: ps.Errors()}
		}
		return Report{}, err
	}

	// ...and after.
	original := map[string][]byte{}
	for _, f := range files {
		if _, ok := updated[f.name]; ok {
			original[f.name] = f.data
			rep.Files = append(rep.Files, f.name)
		}
	}
	var written []string
	restore := func() error {
		var errs []error
		for _, name := range written {
			errs = append(errs, writeFile(filepath.Join(dir, filepath.FromSlash(name)), original[name]))
		}
		return errors.Join(errs...)
	}
	for _, name := range rep.Files {
		if err := writeFile(filepath.Join(dir, filepath.FromSlash(name)), updated[name]); err != nil {
			if rerr := restore(); rerr != nil {
				return Report{}, fmt.Errorf("writing %s: %w; putting back the files written before it also failed: %v", name, err, rerr)
			}
			return Report{}, fmt.Errorf("writing %s: %w (the files written before it were put back)", name, err)
		}
		written = append(written, name)
	}
	_, warnings, err := content.Load(os.DirFS(dir), dir)
	if err != nil {
		if rerr := restore(); rerr != nil {
			return Report{}, fmt.Errorf("after writing, the content did not pass the checks (%v), and putting the files back failed: %v", err, rerr)
		}
		var ps content.Problems
		if errors.As(err, &ps) {
			return Report{}, &CheckError{Restored: true, Problems: ps.Errors()}
		}
		return Report{}, err
	}
	rep.Warnings = warnings
	return rep, nil
}

func langName(lang string) string {
	if lang == "kk" {
		return "kk (Kazakh)"
	}
	return "ru (Russian)"
}

// planEdit works out the bytes that write text as the cell's lang.
func planEdit(c *located, lang, text string) (edit, error) {
	l := newLines(c.file.data)
	m := c.m
	flow := m.Style&yaml.FlowStyle != 0
	indent := m.Content[0].Column - 1
	e := edit{id: c.ID, lang: lang, want: text}
	other := "ru"
	if lang == "ru" {
		other = "kk"
	}

	if v := c.val[lang]; v != nil {
		start, end, err := l.span(v, indent, flow)
		if err != nil {
			return e, err
		}
		style, header, contentIndent := v.Style, "", 0
		empty := start == end
		if empty && c.val[other] != nil {
			style = c.val[other].Style // "kk:" with nothing: write it as the other language is
		}
		if v.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
			var headerEnd int
			headerEnd, _, contentIndent = l.block(start, indent)
			header = strings.TrimRight(string(l.data[start:headerEnd]), " \t")
		} else if style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
			other := c.val[other]
			if at, ok := l.offset(other.Line, other.Column); ok {
				_, _, contentIndent = l.block(at, indent)
			}
		}
		out, used := emit(text, style, flow, indent, header, contentIndent, l.nl)
		if empty {
			out = " " + out
		} else if used != v.Style&^yaml.TaggedStyle {
			e.restyled = fmt.Sprintf("written in %s: it was %s, which cannot hold this text", styleName(used), styleName(v.Style))
		}
		e.start, e.end, e.text = start, end, out
		return e, nil
	}

	// The language is missing: add it next to the other one.
	ov := c.val[other]
	okey := c.key[other]
	style, contentIndent := ov.Style, 0
	if at, ok := l.offset(ov.Line, ov.Column); ok && style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
		_, _, contentIndent = l.block(at, indent)
	}
	out, _ := emit(text, style, flow, indent, "", contentIndent, l.nl)
	_, end, err := l.span(ov, indent, flow)
	if err != nil {
		return e, err
	}
	keyAt, found := l.offset(okey.Line, okey.Column)
	if !found {
		return e, fmt.Errorf("line %d is outside the file", okey.Line)
	}
	switch {
	case flow && lang == "kk":
		e.start, e.text = keyAt, "kk: "+out+", "
	case flow:
		e.start, e.text = end, ", ru: "+out
	case lang == "kk" && strings.TrimSpace(string(l.data[l.starts[okey.Line-1]:keyAt])) == "":
		e.start, e.text = l.starts[okey.Line-1], strings.Repeat(" ", indent)+"kk: "+out+l.nl
	default:
		e.start, e.text = l.lineEnd(end), l.nl+strings.Repeat(" ", indent)+lang+": "+out
	}
	e.end = e.start
	return e, nil
}

// apply makes the edits of one file, from its end back, and checks after each that the
// file says what it said before but for that one text.
func apply(f *yfile, edits []edit, byID map[string]*located, lineOf map[string][2]int) ([]byte, Problems) {
	sort.SliceStable(edits, func(i, j int) bool {
		if edits[i].start != edits[j].start {
			return edits[i].start > edits[j].start
		}
		return edits[i].end > edits[j].end
	})
	data := f.data
	before := flatten(f.doc)
	var problems Problems
	for _, e := range edits {
		next := make([]byte, 0, len(data)+len(e.text))
		next = append(next, data[:e.start]...)
		next = append(next, e.text...)
		next = append(next, data[e.end:]...)
		c := byID[e.id]
		target := c.spath + "/k" + e.lang
		want := e.want
		var doc yaml.Node
		err := yaml.Unmarshal(next, &doc)
		var after map[string]string
		if err == nil {
			after = flatten(&doc)
			err = sameBut(before, after, target, e.lang, want)
		}
		if err != nil {
			problems = append(problems, Problem{Line: lineOf[e.id][0], Row: lineOf[e.id][1], Message: fmt.Sprintf("%s: the %s text could not be written into %s:%d safely (%v): edit it in the file", e.id, langName(e.lang), f.name, c.Line, err)})
			continue
		}
		data, before = next, after
	}
	return data, problems
}

// sameBut checks that after says what before said, except that target is a text equal to
// want (trimmed), written under the key lang.
func sameBut(before, after map[string]string, target, lang, want string) error {
	for k, a := range after {
		switch k {
		case target:
			parts := strings.SplitN(a, " ", 3)
			if len(parts) < 3 || parts[0] != "scalar" || parts[1] == "!!null" || strings.TrimSpace(parts[2]) != want {
				return fmt.Errorf("it reads back as %q", a)
			}
		case target + "=":
			if a != fmt.Sprintf("key %d %s", yaml.ScalarNode, lang) {
				return fmt.Errorf("the key reads back as %q", a)
			}
		default:
			if b, ok := before[k]; !ok || a != b {
				return fmt.Errorf("it would change %s", k)
			}
		}
	}
	for k := range before {
		if _, ok := after[k]; !ok {
			return fmt.Errorf("it would remove %s", k)
		}
	}
	return nil
}

// writeFile replaces a file's bytes through a temporary file in its directory, keeping
// its mode.
func writeFile(path string, data []byte) error {
	mode := fs.FileMode(0o644)
	if st, err := os.Stat(path); err == nil {
		mode = st.Mode().Perm()
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(mode); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// inMemory is the files as they would be after the import, as a file system to load: a
// zip in memory, since the binary must not link testing/fstest.
func inMemory(files []*yfile, updated map[string][]byte) (fs.FS, error) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range files {
		data, ok := updated[f.name]
		if !ok {
			data = f.data
		}
		w, err := zw.Create(f.name)
		if err != nil {
			return nil, err
		}
		if _, err := w.Write(data); err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
}
