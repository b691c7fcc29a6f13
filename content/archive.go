package content

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io/fs"
	"sort"
	"strings"
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

// Diff says in a line what changed from old to new content: nodes and services added,
// removed and changed, and in how many texts per language.
func Diff(old, new *Content) string {
	var parts []string
	count := func(what string, olds, news []string, same func(id string) (kk, ru bool)) (kkChanged, ruChanged int) {
		var added, removed, changed int
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
				kkChanged++
			}
			if !ru {
				ruChanged++
			}
		}
		removed = len(inOld)
		if added+removed+changed > 0 {
			parts = append(parts, fmt.Sprintf("%s +%d −%d ~%d", what, added, removed, changed))
		}
		return
	}
	kk1, ru1 := count("nodes", old.IDs(), new.IDs(), func(id string) (bool, bool) {
		a, _ := old.Node(id)
		b, _ := new.Node(id)
		return textsEqual(KK, a, b), textsEqual(RU, a, b)
	})
	kk2, ru2 := count("services", old.serviceOrder, new.serviceOrder, func(id string) (bool, bool) {
		a, b := old.services[id], new.services[id]
		same := func(l Lang) bool {
			return a.Name.In(l) == b.Name.In(l) && a.Description.In(l) == b.Description.In(l) &&
				a.Apply.In(l) == b.Apply.In(l) && ruleSource(a.Eligible) == ruleSource(b.Eligible) &&
				ruleSource(a.Amount) == ruleSource(b.Amount)
		}
		return same(KK), same(RU)
	})
	if len(parts) == 0 {
		return "no changes"
	}
	return strings.Join(parts, "; ") + fmt.Sprintf("; texts changed: kk %d, ru %d", kk1+kk2, ru1+ru2)
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
