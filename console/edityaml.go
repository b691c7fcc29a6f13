package console

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"sort"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"github.com/qamqor/qamqor/content"
)

// draftFiles is a draft's content files, each parsed to a YAML node tree when an edit
// needs it. An edit changes the tree (so comments and order survive) and, when the value
// sits on one line, only those bytes of the file: the rest of the file stays as its author
// wrote it, line breaks and blank lines included, and a diff of the file shows the edit
// alone. An edit that cannot be made in place (a new key, a block scalar) writes the file
// again from its tree.
type draftFiles struct {
	names []string // sorted
	files map[string]*yamlFile
}

// yamlFile is one content file of a draft.
type yamlFile struct {
	name     string
	src      []byte
	root     *yaml.Node // the document node; nil until parsed
	splices  []splice
	reencode bool // an edit could not be made in place: write the tree
}

// splice replaces src[start:end] with text.
type splice struct {
	start, end int
	text       string
}

// openDraft reads a draft's archive. Every archive a draft holds came through
// content.Unpack (an upload, a published version) or through archive below, which hold it
// to content's limits; reading is unzipping, no more.
func openDraft(archive []byte) (*draftFiles, error) {
	zr, err := zip.NewReader(bytes.NewReader(archive), int64(len(archive)))
	if err != nil {
		return nil, &content.ArchiveError{Kind: content.NotAZip, Err: err}
	}
	d := &draftFiles{files: map[string]*yamlFile{}}
	for _, zf := range zr.File {
		if zf.FileInfo().IsDir() {
			continue
		}
		rc, err := zf.Open()
		if err != nil {
			return nil, &content.ArchiveError{Kind: content.NotAZip, Err: err}
		}
		b, err := io.ReadAll(io.LimitReader(rc, content.MaxContentFileSize+1))
		rc.Close()
		if err != nil {
			return nil, &content.ArchiveError{Kind: content.NotAZip, Err: err}
		}
		d.names = append(d.names, zf.Name)
		d.files[zf.Name] = &yamlFile{name: zf.Name, src: b}
	}
	sort.Strings(d.names)
	return d, nil
}

// bytes is the file as it is now, with its edits.
func (f *yamlFile) bytes() ([]byte, error) {
	if f.reencode {
		var b bytes.Buffer
		enc := yaml.NewEncoder(&b)
		enc.SetIndent(2)
		if err := enc.Encode(f.root); err != nil {
			return nil, err
		}
		if err := enc.Close(); err != nil {
			return nil, err
		}
		return b.Bytes(), nil
	}
	if len(f.splices) == 0 {
		return f.src, nil
	}
	out := f.src
	ss := append([]splice(nil), f.splices...)
	sort.Slice(ss, func(i, j int) bool { return ss[i].start > ss[j].start })
	for _, s := range ss {
		out = append(append(append([]byte(nil), out[:s.start]...), s.text...), out[s.end:]...)
	}
	return out, nil
}

// commit makes the file's edits its source, so that node positions of a new parse match.
func (f *yamlFile) commit() error {
	b, err := f.bytes()
	if err != nil {
		return err
	}
	f.src, f.root, f.splices, f.reencode = b, nil, nil, false
	return nil
}

// parse parses the file to its node tree once.
func (f *yamlFile) parse() (*yaml.Node, error) {
	if f.root != nil {
		return f.root, nil
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(f.src, &doc); err != nil {
		return nil, fmt.Errorf("%s: %w", f.name, err)
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		return nil, fmt.Errorf("%s: empty", f.name)
	}
	f.root = &doc
	return f.root, nil
}

// archive packs the draft's files as content.Archive does (sorted, undated), within
// content's limits, at deflate's fastest level: a form checked as the editor types packs
// the draft every time.
func (d *draftFiles) archive() ([]byte, error) {
	if len(d.names) > content.MaxContentFiles {
		return nil, &content.ArchiveError{Kind: content.TooManyFiles, Limit: content.MaxContentFiles}
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) { return flate.NewWriter(w, flate.BestSpeed) })
	total := 0
	for _, name := range d.names {
		b, err := d.files[name].bytes()
		if err != nil {
			return nil, err
		}
		if len(b) > content.MaxContentFileSize {
			return nil, &content.ArchiveError{Kind: content.FileTooBig, Name: name, Limit: content.MaxContentFileSize}
		}
		if total += len(b); total > content.MaxContentSize {
			return nil, &content.ArchiveError{Kind: content.TooBig, Limit: content.MaxContentSize}
		}
		w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate})
		if err != nil {
			return nil, err
		}
		if _, err := w.Write(b); err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// topLevel returns, file by file, the value of a top-level key (services, offices,
// reference), parsing only the files that may hold it.
func (d *draftFiles) topLevel(key string) ([]*yamlFile, []*yaml.Node) {
	var files []*yamlFile
	var nodes []*yaml.Node
	for _, name := range d.names {
		f := d.files[name]
		if !bytes.HasPrefix(f.src, []byte(key+":")) && !bytes.Contains(f.src, []byte("\n"+key+":")) {
			continue
		}
		root, err := f.parse()
		if err != nil {
			continue // content.Load says what is wrong with it
		}
		if v := mapValue(root.Content[0], key); v != nil {
			files = append(files, f)
			nodes = append(nodes, v)
		}
	}
	return files, nodes
}

// service finds a service's mapping by id.
func (d *draftFiles) service(id string) (*yamlFile, *yaml.Node) {
	files, lists := d.topLevel("services")
	for i, list := range lists {
		for _, item := range list.Content {
			if v := mapValue(item, "id"); v != nil && v.Value == id {
				return files[i], item
			}
		}
	}
	return nil, nil
}

// mapValue is the value of key in a mapping node, or nil.
func mapValue(m *yaml.Node, key string) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

// at follows a path of mapping keys and sequence indexes ("documents.0.text.kk") from n.
func at(n *yaml.Node, path string) *yaml.Node {
	for _, part := range strings.Split(path, ".") {
		switch {
		case n == nil:
			return nil
		case n.Kind == yaml.MappingNode:
			n = mapValue(n, part)
		case n.Kind == yaml.SequenceNode:
			var i int
			if _, err := fmt.Sscanf(part, "%d", &i); err != nil || i < 0 || i >= len(n.Content) || fmt.Sprint(i) != part {
				return nil
			}
			n = n.Content[i]
		default:
			return nil
		}
	}
	return n
}

// ensure follows path from n like at, adding the mapping keys that are missing (the file
// is then written again from its tree).
func (f *yamlFile) ensure(n *yaml.Node, path string) *yaml.Node {
	parts := strings.Split(path, ".")
	for i, part := range parts {
		if n == nil {
			return nil
		}
		next := at(n, part)
		if next == nil {
			if n.Kind != yaml.MappingNode {
				return nil
			}
			next = &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str"}
			if i < len(parts)-1 {
				next = &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
			}
			n.Content = append(n.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: part}, next)
			f.reencode = true
		}
		n = next
	}
	return n
}

// errNotScalar is an edit of a field that holds a list or a mapping.
var errNotScalar = errors.New("not a single value")

// setScalar gives the scalar node n the value v, in place when it sits on one line.
func (f *yamlFile) setScalar(n *yaml.Node, v string, flow bool) error {
	if n.Kind != yaml.ScalarNode {
		return errNotScalar
	}
	if n.Value == v {
		return nil
	}
	old := *n
	n.Value = v
	if n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
		n.Style = 0
		if strings.Contains(v, "\n") {
			n.Style = yaml.LiteralStyle
		}
	}
	if old.Tag == "!!str" || old.Tag == "" {
		n.Tag = "!!str" // a text stays a text: "102" is quoted, not made a number
	} else {
		n.Tag = ""
	}
	if f.reencode || old.Line == 0 {
		f.reencode = true
		return nil
	}
	start, end, ok := f.span(&old, flow)
	text, okText := scalarText(n, flow)
	if !ok || !okText {
		f.reencode = true
		return nil
	}
	f.splices = append(f.splices, splice{start, end, text})
	return nil
}

// setList gives the sequence node n the scalar items vs: in place when it is a flow
// sequence on one line ([a, b]).
func (f *yamlFile) setList(n *yaml.Node, vs []string) error {
	if n.Kind != yaml.SequenceNode {
		return errNotScalar
	}
	same := len(n.Content) == len(vs)
	for i := 0; same && i < len(vs); i++ {
		same = n.Content[i].Kind == yaml.ScalarNode && n.Content[i].Value == vs[i]
	}
	if same {
		return nil
	}
	style := yaml.Style(0)
	if len(n.Content) > 0 && n.Content[0].Kind == yaml.ScalarNode {
		style = n.Content[0].Style &^ (yaml.LiteralStyle | yaml.FoldedStyle)
	}
	old := *n
	n.Content = nil
	for _, v := range vs {
		n.Content = append(n.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: v, Style: style})
	}
	if f.reencode || old.Style&yaml.FlowStyle == 0 || old.Line == 0 {
		f.reencode = true
		return nil
	}
	start := f.offset(old.Line, old.Column)
	end := -1
	if start >= 0 && start < len(f.src) && f.src[start] == '[' {
		end = flowEnd(f.src, start)
	}
	b, err := yaml.Marshal(n)
	text := strings.TrimSuffix(string(b), "\n")
	if end < 0 || err != nil || strings.Contains(text, "\n") || !sameList(f.src[start:end], &old) {
		f.reencode = true
		return nil
	}
	f.splices = append(f.splices, splice{start, end, text})
	return nil
}

// offset is the byte offset of a node's line and column (both from 1; the column counts
// characters), or -1.
func (f *yamlFile) offset(line, column int) int {
	off := 0
	for l := 1; l < line; l++ {
		i := bytes.IndexByte(f.src[off:], '\n')
		if i < 0 {
			return -1
		}
		off += i + 1
	}
	for c := 1; c < column; c++ {
		if off >= len(f.src) || f.src[off] == '\n' {
			return -1
		}
		_, size := utf8.DecodeRune(f.src[off:])
		off += size
	}
	return off
}

// span finds the bytes of a one-line scalar, and checks that they read back as its value.
func (f *yamlFile) span(n *yaml.Node, flow bool) (int, int, bool) {
	start := f.offset(n.Line, n.Column)
	if start < 0 {
		return 0, 0, false
	}
	lineEnd := bytes.IndexByte(f.src[start:], '\n')
	if lineEnd < 0 {
		lineEnd = len(f.src)
	} else {
		lineEnd += start
	}
	line := f.src[start:lineEnd]
	end := -1
	switch {
	case n.Style&yaml.DoubleQuotedStyle != 0:
		for i := 1; i < len(line); i++ {
			if line[i] == '\\' {
				i++
			} else if line[i] == '"' {
				end = i + 1
				break
			}
		}
	case n.Style&yaml.SingleQuotedStyle != 0:
		for i := 1; i < len(line); i++ {
			if line[i] == '\'' {
				if i+1 < len(line) && line[i+1] == '\'' {
					i++
					continue
				}
				end = i + 1
				break
			}
		}
	case n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0:
		return 0, 0, false
	default:
		end = len(line)
		if i := bytes.Index(line, []byte(" #")); i >= 0 {
			end = i
		}
		if flow {
			if i := bytes.IndexAny(line[:end], ",]}"); i >= 0 {
				end = i
			}
		}
		for end > 0 && (line[end-1] == ' ' || line[end-1] == '\t' || line[end-1] == '\r') {
			end--
		}
	}
	if end <= 0 {
		return 0, 0, false
	}
	var back yaml.Node
	if err := yaml.Unmarshal(line[:end], &back); err != nil || len(back.Content) != 1 || back.Content[0].Value != n.Value {
		return 0, 0, false // a plain scalar that goes on to the next line, or something unforeseen
	}
	return start, start + end, true
}

// scalarText is a scalar as one line of YAML, quoted when it must be.
func scalarText(n *yaml.Node, flow bool) (string, bool) {
	c := *n
	if flow && c.Style == 0 && strings.ContainsAny(c.Value, ",[]{}#") {
		c.Style = yaml.DoubleQuotedStyle
	}
	b, err := yaml.Marshal(&c)
	text := strings.TrimSuffix(string(b), "\n")
	return text, err == nil && text != "" && !strings.Contains(text, "\n")
}

// flowEnd is the offset just after the ']' closing the flow sequence at start, on its line,
// or -1.
func flowEnd(src []byte, start int) int {
	var quote byte
	for i := start + 1; i < len(src) && src[i] != '\n'; i++ {
		switch c := src[i]; {
		case quote != 0:
			if c == '\\' && quote == '"' {
				i++
			} else if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '[' || c == '{':
			return -1 // nested: written again instead
		case c == ']':
			return i + 1
		}
	}
	return -1
}

// sameList reports whether text reads back as the sequence n held.
func sameList(text []byte, n *yaml.Node) bool {
	var back []string
	if err := yaml.Unmarshal(text, &back); err != nil || len(back) != len(n.Content) {
		return false
	}
	for i, v := range back {
		if n.Content[i].Value != v {
			return false
		}
	}
	return true
}

// fsys is the draft as a file system, to load.
func (d *draftFiles) fsys() (fs.FS, error) {
	a, err := d.archive()
	if err != nil {
		return nil, err
	}
	return zip.NewReader(bytes.NewReader(a), int64(len(a)))
}
