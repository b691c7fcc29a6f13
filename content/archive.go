package content

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"sort"
	"strings"
)

// Limits on content read from an archive or a directory, enforced on the bytes as they
// are decompressed: a zip's headers say how big its files are, and a hostile zip lies.
// The shipped content is 12 files and under 300 KB; its largest file is under 50 KB. At
// these limits, loading the worst content a hostile editor can write takes about 130 MB
// at its peak (YAML trees and problems; see TestTheWorstContentWithinTheLimitsLoadsInBoundedMemory).
const (
	MaxArchiveEntries  = 500       // entries of any kind in a zip (folders and other files too)
	MaxContentFiles    = 100       // content files (.yaml, .yml)
	MaxContentFileSize = 512 << 10 // one content file, uncompressed
	MaxContentSize     = 2 << 20   // all content files together, uncompressed
)

// ArchiveError says why content could not be read from an archive; Kind tells which.
type ArchiveError struct {
	Kind  ArchiveProblem
	Name  string // the file, for FileTooBig
	Limit int    // the limit exceeded: bytes, or a number of files
	Err   error  // for NotAZip
}

// ArchiveProblem is what is wrong with an archive.
type ArchiveProblem int

// The problems an archive can have.
const (
	NotAZip      ArchiveProblem = iota // not a zip, or a damaged one
	TooManyFiles                       // more than MaxArchiveEntries entries or MaxContentFiles content files
	FileTooBig                         // a content file over MaxContentFileSize once decompressed
	TooBig                             // content files over MaxContentSize together once decompressed
)

func (e *ArchiveError) Error() string {
	switch e.Kind {
	case TooManyFiles:
		return fmt.Sprintf("content archive: more than %d files", e.Limit)
	case FileTooBig:
		return fmt.Sprintf("content archive: %s is over %d bytes uncompressed", e.Name, e.Limit)
	case TooBig:
		return fmt.Sprintf("content archive: the content files are over %d bytes uncompressed together", e.Limit)
	}
	return fmt.Sprintf("not a zip archive: %v", e.Err)
}

func (e *ArchiveError) Unwrap() error { return e.Err }

// isContentFile reports whether a file name is one Load reads.
func isContentFile(name string) bool {
	return strings.HasSuffix(name, ".yaml") || strings.HasSuffix(name, ".yml")
}

// contentFiles are content files by path, read within the limits.
type contentFiles struct {
	data  map[string][]byte
	total int
}

// add reads a content file from r, up to the limits left.
func (cf *contentFiles) add(name string, r io.Reader) error {
	if len(cf.data) >= MaxContentFiles {
		return &ArchiveError{Kind: TooManyFiles, Limit: MaxContentFiles}
	}
	limit := min(MaxContentFileSize, MaxContentSize-cf.total)
	var buf bytes.Buffer
	n, err := buf.ReadFrom(io.LimitReader(r, int64(limit)+1))
	if err != nil {
		return &ArchiveError{Kind: NotAZip, Err: err}
	}
	if n > int64(limit) {
		if limit < MaxContentFileSize {
			return &ArchiveError{Kind: TooBig, Limit: MaxContentSize}
		}
		return &ArchiveError{Kind: FileTooBig, Name: name, Limit: MaxContentFileSize}
	}
	cf.data[name] = buf.Bytes()
	cf.total += int(n)
	return nil
}

// pack zips the files, sorted and undated, so the same content packs the same way.
func (cf *contentFiles) pack() ([]byte, error) {
	names := make([]string, 0, len(cf.data))
	for name := range cf.data {
		names = append(names, name)
	}
	sort.Strings(names)
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, name := range names {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate})
		if err != nil {
			return nil, err
		}
		if _, err := w.Write(cf.data[name]); err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Archive packs the content's YAML files in fsys into a zip, the form a published version
// is kept in, within the same limits as an uploaded archive. The files are sorted and
// undated, so the same content packs the same way.
func Archive(fsys fs.FS) ([]byte, error) {
	cf := &contentFiles{data: map[string][]byte{}}
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || !isContentFile(p) {
			return nil
		}
		f, err := fsys.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		return cf.add(p, f)
	})
	if err != nil {
		var ae *ArchiveError
		if errors.As(err, &ae) {
			return nil, err
		}
		return nil, fmt.Errorf("reading content: %w", err)
	}
	return cf.pack()
}

// Unpacked is an archive read within the limits.
type Unpacked struct {
	FS      fs.FS    // the content files, to Load from
	Zip     []byte   // the content files alone, packed as Archive packs them: what to keep
	Skipped []string // what the archive held besides content files (not read), sorted
}

// Unpack reads a zip of the content directory (made by Archive or by hand) within the
// limits above, counting the bytes as they are decompressed, whatever the zip's headers
// say. Only content files are read and kept; folders are walked through, and other files
// (a README, a picture, __MACOSX) are listed in Skipped, unread.
func Unpack(data []byte) (*Unpacked, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		return nil, &ArchiveError{Kind: NotAZip, Err: err}
	}
	if len(zr.File) > MaxArchiveEntries {
		return nil, &ArchiveError{Kind: TooManyFiles, Limit: MaxArchiveEntries}
	}
	cf := &contentFiles{data: map[string][]byte{}}
	var skipped []string
	for _, f := range zr.File {
		name := strings.TrimPrefix(f.Name, "./")
		if strings.HasSuffix(name, "/") {
			continue // a folder
		}
		_, seen := cf.data[name]
		if !f.Mode().IsRegular() || !isContentFile(name) || !fs.ValidPath(name) || hidden(name) || seen {
			skipped = append(skipped, f.Name)
			continue
		}
		rc, err := f.Open()
		if err != nil {
			return nil, &ArchiveError{Kind: NotAZip, Err: err}
		}
		err = cf.add(name, rc)
		rc.Close()
		if err != nil {
			return nil, err
		}
	}
	packed, err := cf.pack()
	if err != nil {
		return nil, err
	}
	clean, err := zip.NewReader(bytes.NewReader(packed), int64(len(packed)))
	if err != nil {
		return nil, err
	}
	sort.Strings(skipped)
	return &Unpacked{FS: clean, Zip: packed, Skipped: skipped}, nil
}

// hidden reports whether a path is in or of a hidden file or folder, or the __MACOSX folder
// macOS adds to the zips it makes (its "._main.yaml" files are not YAML).
func hidden(name string) bool {
	for _, part := range strings.Split(name, "/") {
		if strings.HasPrefix(part, ".") || part == "__MACOSX" {
			return true
		}
	}
	return false
}

// FromArchive opens a zip made by Archive (or by hand, of the content directory) as a
// file system to Load from, within the limits of Unpack.
func FromArchive(data []byte) (fs.FS, error) {
	u, err := Unpack(data)
	if err != nil {
		return nil, err
	}
	return u.FS, nil
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
			return a.Name.In(l) == b.Name.In(l) && a.Summary.In(l) == b.Summary.In(l) &&
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
// to the content in use. The result is held to the limits of Unpack.
func WithFile(archive []byte, name string, data []byte) ([]byte, error) {
	u, err := Unpack(archive)
	if err != nil {
		return nil, err
	}
	cf := &contentFiles{data: map[string][]byte{}}
	target := name
	err = fs.WalkDir(u.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if path.Base(p) == name {
			target = p
			return nil
		}
		f, err := u.FS.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		return cf.add(p, f)
	})
	if err != nil {
		return nil, err
	}
	if err := cf.add(target, bytes.NewReader(data)); err != nil {
		return nil, err
	}
	return cf.pack()
}
