package content

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"path"
	"sort"
	"strings"
	"testing/fstest"
)

// Archive packs the content's YAML files in fsys into a zip, the form a published version
// is kept in. The files are sorted and undated, so the same content packs the same way.
func Archive(fsys fs.FS) ([]byte, error) {
	var names []string
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && (strings.HasSuffix(p, ".yaml") || strings.HasSuffix(p, ".yml")) {
			names = append(names, p)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("reading content: %w", err)
	}
	sort.Strings(names)
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, name := range names {
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("reading content: %w", err)
		}
		w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate})
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
	return buf.Bytes(), nil
}

// FromArchive opens a zip made by Archive (or by hand, of the content directory) as a
// file system to Load from.
func FromArchive(data []byte) (fs.FS, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, fmt.Errorf("not a zip archive: %w", err)
	}
	return zr, nil
}

// Change is what changed from one content to another.
type Change struct {
	NodesAdded, NodesRemoved, NodesChanged          int
	ServicesAdded, ServicesRemoved, ServicesChanged int
	TextsKK, TextsRU                                int // changed texts, by language
}

// None reports whether nothing changed.
func (c Change) None() bool { return c == Change{} }

// String says the change in a line, for the command line and the version history.
func (c Change) String() string {
	if c.None() {
		return "no changes"
	}
	var parts []string
	if c.NodesAdded+c.NodesRemoved+c.NodesChanged > 0 {
		parts = append(parts, fmt.Sprintf("nodes +%d −%d ~%d", c.NodesAdded, c.NodesRemoved, c.NodesChanged))
	}
	if c.ServicesAdded+c.ServicesRemoved+c.ServicesChanged > 0 {
		parts = append(parts, fmt.Sprintf("services +%d −%d ~%d", c.ServicesAdded, c.ServicesRemoved, c.ServicesChanged))
	}
	return strings.Join(parts, "; ") + fmt.Sprintf("; texts changed: kk %d, ru %d", c.TextsKK, c.TextsRU)
}

// Diff says what changed from old to new content: nodes and services added, removed and
// changed, and in how many texts per language.
func Diff(old, new *Content) Change {
	var c Change
	compare := func(olds, news []string, same func(id string) (kk, ru bool)) (added, removed, changed int) {
		inOld := map[string]bool{}
		for _, id := range olds {
			inOld[id] = true
		}
		for _, id := range news {
			if !inOld[id] {
				added++
				continue
			}
			delete(inOld, id)
			kk, ru := same(id)
			if !kk || !ru {
				changed++
			}
			if !kk {
				c.TextsKK++
			}
			if !ru {
				c.TextsRU++
			}
		}
		return added, len(inOld), changed
	}
	c.NodesAdded, c.NodesRemoved, c.NodesChanged = compare(old.IDs(), new.IDs(), func(id string) (bool, bool) {
		a, _ := old.Node(id)
		b, _ := new.Node(id)
		return textsEqual(KK, a, b), textsEqual(RU, a, b)
	})
	c.ServicesAdded, c.ServicesRemoved, c.ServicesChanged = compare(old.serviceOrder, new.serviceOrder, func(id string) (bool, bool) {
		a, b := old.services[id], new.services[id]
		same := func(l Lang) bool {
			return a.Name.In(l) == b.Name.In(l) && a.Description.In(l) == b.Description.In(l) &&
				a.Apply.In(l) == b.Apply.In(l) && ruleSource(a.Eligible) == ruleSource(b.Eligible) &&
				ruleSource(a.Amount) == ruleSource(b.Amount)
		}
		return same(KK), same(RU)
	})
	return c
}

func textsEqual(l Lang, a, b *Node) bool {
	return a.Title.In(l) == b.Title.In(l) && a.Label.In(l) == b.Label.In(l) && a.Text.In(l) == b.Text.In(l) &&
		a.Keywords.In(l) == b.Keywords.In(l) && strings.Join(a.Buttons, ",") == strings.Join(b.Buttons, ",")
}

func ruleSource(r *Rule) string {
	if r == nil {
		return ""
	}
	return r.Source
}

// WithFile returns archive with the file name (a base name, e.g. "family.yaml") replaced by
// data, or added when the archive has no such file: an editor's single-file upload applied
// to the content in use.
func WithFile(archive []byte, name string, data []byte) ([]byte, error) {
	zr, err := zip.NewReader(bytes.NewReader(archive), int64(len(archive)))
	if err != nil {
		return nil, fmt.Errorf("not a zip archive: %w", err)
	}
	files := fstest.MapFS{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			return nil, err
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			return nil, err
		}
		files[f.Name] = &fstest.MapFile{Data: b}
	}
	target := name
	for existing := range files {
		if path.Base(existing) == name {
			target = existing
		}
	}
	files[target] = &fstest.MapFile{Data: data}
	return Archive(files)
}
