// Package sheet turns the content's texts into a translator's sheet (CSV or XLIFF) and
// writes an edited sheet back into the YAML files, changing only the texts that changed.
//
// It works on YAML nodes, not on the content model: any mapping whose keys are kk and/or
// ru, with a single value each, is a text ("cell"), in any file, whatever the file is for.
// So new files and fields are translated without a change here.
package sheet

import (
	"fmt"
	"io/fs"
	"strconv"
	"strings"

	"github.com/qamqor/qamqor/content"
	"go.yaml.in/yaml/v3"
)

// Cell is one text in both languages.
type Cell struct {
	// ID names the text: its file, "#", and its place in the file, as keys and list items'
	// ids separated by "/" ("disability.yaml#nodes/disability_benefits/text"). A list item
	// without an id-like key (id, value, type with region, region) is named by its index.
	ID   string
	File string // the file, relative to the content directory (the part of ID before "#")
	KK   string // the Kazakh text, trimmed; "" when missing
	RU   string // the Russian text, trimmed; "" when missing
	// Changed, in an export made against an earlier one, says what changed since:
	// "new", "kk", "ru" or "kk ru"; "" when nothing did (or no earlier export was given).
	Changed string
	// Line is where the cell was read: its line in the YAML file for Export, its line in
	// the sheet for ReadCSV and ReadXLIFF.
	Line int
	// Row is the cell's row in a spreadsheet (the header is row 1), for ReadCSV: it is
	// not Line when texts before it have line breaks.
	Row int
}

// Lang returns the text in lang ("kk" or "ru").
func (c Cell) Lang(lang string) string {
	if lang == "kk" {
		return c.KK
	}
	return c.RU
}

// Langs are the languages of a cell, in the order of the sheet's columns.
var Langs = []string{"kk", "ru"}

// Problem is one thing wrong with a sheet (or with writing it back), at a line of it.
type Problem struct {
	File    string // the sheet, when known
	Line    int    // the sheet's line, when known
	Row     int    // the spreadsheet's row, when it is not Line
	Message string
}

func (p Problem) String() string {
	if p.Row > 0 && p.Row != p.Line {
		q := p
		q.Row, q.Message = 0, fmt.Sprintf("row %d: %s", p.Row, p.Message)
		return q.String()
	}
	switch {
	case p.File != "" && p.Line > 0:
		return fmt.Sprintf("%s:%d: %s", p.File, p.Line, p.Message)
	case p.File != "":
		return p.File + ": " + p.Message
	case p.Line > 0:
		return fmt.Sprintf("line %d: %s", p.Line, p.Message)
	}
	return p.Message
}

// Problems is the error of a sheet that cannot be read or written back: all of what is
// wrong, so that it can be fixed in one go.
type Problems []Problem

func (ps Problems) Error() string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}

// In returns the problems with File set to name where it is not set.
func (ps Problems) In(name string) Problems {
	out := make(Problems, len(ps))
	for i, p := range ps {
		if p.File == "" {
			p.File = name
		}
		out[i] = p
	}
	return out
}

// yfile is one parsed content file.
type yfile struct {
	name string // relative to the content directory, with "/"
	data []byte
	doc  *yaml.Node
}

// located is a cell with the nodes it was read from.
type located struct {
	Cell
	file   *yfile
	m      *yaml.Node // the {kk, ru} mapping
	spath  string     // its structural path (keys and indices), for checking a rewrite
	key    map[string]*yaml.Node
	val    map[string]*yaml.Node
	parent *yaml.Node // the mapping or list that holds m, for the indentation of new keys
}

// Export reads every .yaml (and .yml) file of fsys, in name order, and returns its texts
// in the order they are written.
func Export(fsys fs.FS) ([]Cell, error) {
	_, cells, err := scan(fsys)
	if err != nil {
		return nil, err
	}
	out := make([]Cell, len(cells))
	for i, c := range cells {
		out[i] = c.Cell
	}
	return out, nil
}

// Incomplete returns the cells that have a text in one language only.
func Incomplete(cells []Cell) []Cell {
	var out []Cell
	for _, c := range cells {
		if (c.KK == "") != (c.RU == "") {
			out = append(out, c)
		}
	}
	return out
}

// Missing names the language an incomplete cell lacks, in words.
func Missing(c Cell) string {
	switch {
	case c.KK == "" && c.RU == "":
		return "no text in either language"
	case c.KK == "":
		return "no kk (Kazakh) text"
	case c.RU == "":
		return "no ru (Russian) text"
	}
	return ""
}

func scan(fsys fs.FS) ([]*yfile, []*located, error) {
	names, err := content.Files(fsys)
	if err != nil {
		return nil, nil, err
	}
	var (
		files    []*yfile
		cells    []*located
		problems []string
	)
	seen := map[string]*located{}
	for _, name := range names {
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, nil, fmt.Errorf("reading content: %w", err)
		}
		f, err := parse(name, data)
		if err != nil {
			problems = append(problems, err.Error())
			continue
		}
		files = append(files, f)
		for _, c := range fileCells(f) {
			if first, dup := seen[c.ID]; dup {
				problems = append(problems, fmt.Sprintf("%s:%d: two texts have the id %s (the other is on line %d): give the list items distinct ids", name, c.Line, c.ID, first.Line))
				continue
			}
			seen[c.ID] = c
			cells = append(cells, c)
		}
	}
	if len(problems) > 0 {
		return nil, nil, fmt.Errorf("%s", strings.Join(problems, "\n"))
	}
	return files, cells, nil
}

func parse(name string, data []byte) (*yfile, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("%s: %v", name, strings.TrimPrefix(err.Error(), "yaml: "))
	}
	return &yfile{name: name, data: data, doc: &doc}, nil
}

// fileCells walks a parsed file and returns its cells in document order.
func fileCells(f *yfile) []*located {
	var cells []*located
	var walk func(n, parent *yaml.Node, ids, spath []string)
	walk = func(n, parent *yaml.Node, ids, spath []string) {
		switch n.Kind {
		case yaml.DocumentNode:
			for _, c := range n.Content {
				walk(c, n, ids, spath)
			}
		case yaml.MappingNode:
			if keys, vals, ok := cellOf(n); ok {
				c := &located{file: f, m: n, key: keys, val: vals, parent: parent, spath: structural(spath)}
				c.File = f.name
				c.ID = f.name + "#" + strings.Join(ids, "/")
				c.KK, c.RU = text(vals["kk"]), text(vals["ru"])
				c.Line = n.Line
				cells = append(cells, c)
				return
			}
			for i := 0; i+1 < len(n.Content); i += 2 {
				k := n.Content[i]
				if k.Kind != yaml.ScalarNode {
					continue
				}
				walk(n.Content[i+1], n, append(ids, escape(k.Value)), append(spath, "k"+k.Value))
			}
		case yaml.SequenceNode:
			for i, item := range n.Content {
				walk(item, n, append(ids, escape(itemID(item, i))), append(spath, strconv.Itoa(i)))
			}
		}
		// Aliases are not followed: the text they point at is a cell where it is written.
	}
	walk(f.doc, nil, nil, nil)
	return cells
}

// cellOf reports whether m is a text: a mapping whose keys are kk and/or ru, each with a
// single value.
func cellOf(m *yaml.Node) (keys, vals map[string]*yaml.Node, ok bool) {
	if len(m.Content) == 0 {
		return nil, nil, false
	}
	keys, vals = map[string]*yaml.Node{}, map[string]*yaml.Node{}
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		if k.Kind != yaml.ScalarNode || (k.Value != "kk" && k.Value != "ru") || v.Kind != yaml.ScalarNode {
			return nil, nil, false
		}
		if _, dup := keys[k.Value]; dup {
			return nil, nil, false
		}
		keys[k.Value], vals[k.Value] = k, v
	}
	return keys, vals, true
}

// text is a scalar's text as the sheet shows it: trimmed, as the loader reads it.
func text(v *yaml.Node) string {
	if v == nil || v.Tag == "!!null" {
		return ""
	}
	return strings.TrimSpace(v.Value)
}

// itemID names a list item by its id-like key, or by its index when it has none.
func itemID(item *yaml.Node, i int) string {
	if item.Kind == yaml.MappingNode {
		get := func(key string) string {
			for j := 0; j+1 < len(item.Content); j += 2 {
				k, v := item.Content[j], item.Content[j+1]
				if k.Kind == yaml.ScalarNode && k.Value == key && v.Kind == yaml.ScalarNode {
					return v.Value
				}
			}
			return ""
		}
		if id := get("id"); id != "" {
			return id
		}
		if v := get("value"); v != "" {
			return v
		}
		t, r := get("type"), get("region")
		if t != "" && r != "" {
			return t + "@" + r
		}
		if r != "" {
			return r
		}
	}
	return strconv.Itoa(i)
}

// escape keeps "/" and "#" out of an id's parts, as JSON Pointer does ("~1", "~0" for "~").
func escape(s string) string {
	return strings.NewReplacer("~", "~0", "/", "~1", "#", "~2").Replace(s)
}

// fileOf returns the file part of a cell id.
func fileOf(id string) string {
	f, _, _ := strings.Cut(id, "#")
	return f
}

// normalize is a text as compared and written: line breaks as "\n", trimmed.
func normalize(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	return strings.TrimSpace(s)
}

// MarkChanged sets Changed on every cell against an earlier export: "new" when the id was
// not in it, otherwise the languages whose text differs.
func MarkChanged(cells, old []Cell) {
	before := make(map[string]Cell, len(old))
	for _, c := range old {
		before[c.ID] = c
	}
	for i := range cells {
		o, ok := before[cells[i].ID]
		if !ok {
			cells[i].Changed = "new"
			continue
		}
		var diff []string
		for _, lang := range Langs {
			if normalize(o.Lang(lang)) != normalize(cells[i].Lang(lang)) {
				diff = append(diff, lang)
			}
		}
		cells[i].Changed = strings.Join(diff, " ")
	}
}

// structural joins a structural path as flatten writes it.
func structural(parts []string) string {
	if len(parts) == 0 {
		return ""
	}
	return "/" + strings.Join(parts, "/")
}
