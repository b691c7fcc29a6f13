package content

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// Problem is one thing wrong with content, located at a file and line.
type Problem struct {
	File    string
	Line    int
	Message string
	Warning bool // reported, but does not stop the content from loading
}

func (p Problem) String() string {
	loc := p.File
	if p.Line > 0 {
		loc = fmt.Sprintf("%s:%d", p.File, p.Line)
	}
	if p.Warning {
		return loc + ": warning: " + p.Message
	}
	return loc + ": " + p.Message
}

// Problems is the error Load returns when content has errors; it also carries warnings.
type Problems []Problem

func (ps Problems) Error() string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}

// Errors returns the problems that are not warnings.
func (ps Problems) Errors() Problems {
	var errs Problems
	for _, p := range ps {
		if !p.Warning {
			errs = append(errs, p)
		}
	}
	return errs
}

// Load reads every .yaml or .yml file under fsys, validates the whole, and returns the
// content with its warnings. prefix is put before file names in problems (the directory the
// user named), so messages point at files they can open. When anything is wrong, the error
// is a Problems listing all of it, warnings included.
func Load(fsys fs.FS, prefix string) (*Content, Problems, error) {
	return LoadAt(fsys, prefix, time.Now())
}

// LoadAt is Load as of the given time, which decides which verified_on dates are old.
func LoadAt(fsys fs.FS, prefix string, now time.Time) (*Content, Problems, error) {
	files, err := Files(fsys)
	if err != nil {
		return nil, nil, err
	}

	l := &loader{now: now, c: &Content{nodes: map[string]*Node{}, screeners: map[string]*Screener{}, services: map[string]*Service{}}}
	if len(files) == 0 {
		l.add(prefix, 0, "no content files (*.yaml)")
	}
	for _, f := range files {
		data, err := fs.ReadFile(fsys, f)
		if err != nil {
			return nil, nil, fmt.Errorf("reading content: %w", err)
		}
		l.file = path.Join(prefix, f)
		l.parseFile(data)
	}
	l.validate()
	if l.unlisted > 0 {
		p := l.firstUnlisted
		p.Message = fmt.Sprintf("and %d more problems from here on, not listed", l.unlisted)
		l.problems = append(l.problems, p)
	}

	sort.SliceStable(l.problems, func(i, j int) bool {
		a, b := l.problems[i], l.problems[j]
		if a.File != b.File {
			return a.File < b.File
		}
		return a.Line < b.Line
	})
	if len(l.problems.Errors()) > 0 {
		return nil, l.problems, l.problems
	}
	return l.c, l.problems, nil
}

// Files lists the content files of fsys — every .yaml or .yml file, in name order — as
// Load reads them; tools that work on the files themselves (the translator's sheet) use it
// to see the same ones.
func Files(fsys fs.FS) ([]string, error) {
	var files []string
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && (strings.HasSuffix(p, ".yaml") || strings.HasSuffix(p, ".yml")) {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("reading content: %w", err)
	}
	sort.Strings(files)
	return files, nil
}

// Check validates the content in fsys and returns every problem found.
func Check(fsys fs.FS, prefix string) (Problems, error) {
	_, problems, err := Load(fsys, prefix)
	var ps Problems
	if errors.As(err, &ps) {
		return problems, nil
	}
	return problems, err
}

type loader struct {
	now           time.Time
	c             *Content
	file          string
	problems      Problems
	firstAt       map[string]string
	referenceFile string // where the reference values were read, for their warnings
	// unlisted counts the problems past MaxProblems; firstUnlisted is where the first was.
	unlisted      int
	firstUnlisted Problem
}

// MaxProblems bounds the problems Load lists; past it, they are counted in one more
// ("and N more"). A hostile file can hold hundreds of thousands, each a string to keep.
const MaxProblems = 1000

func (l *loader) add(file string, line int, format string, args ...any) {
	if len(l.problems) >= MaxProblems {
		if l.unlisted == 0 {
			l.firstUnlisted = Problem{File: file, Line: line}
		}
		l.unlisted++
		return
	}
	l.problems = append(l.problems, Problem{File: file, Line: line, Message: fmt.Sprintf(format, args...)})
}

func (l *loader) warn(file string, line int, format string, args ...any) {
	l.problems = append(l.problems, Problem{File: file, Line: line, Message: fmt.Sprintf(format, args...), Warning: true})
}

func (l *loader) errorf(line int, format string, args ...any) { l.add(l.file, line, format, args...) }

func (l *loader) parseFile(data []byte) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		line, msg := yamlErrorLine(err)
		l.errorf(line, "%s", msg)
		return
	}
	if len(doc.Content) == 0 {
		l.errorf(1, "empty file: expected a mapping with 'nodes'")
		return
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		l.errorf(root.Line, "expected a mapping with 'nodes'")
		return
	}
	for i := 0; i+1 < len(root.Content); i += 2 {
		key, val := root.Content[i], root.Content[i+1]
		switch key.Value {
		case "nodes":
			for _, item := range l.list(val, "nodes") {
				if n := l.parseNode(item); n != nil {
					l.addNode(n)
				}
			}
		case "screeners":
			for _, item := range l.list(val, "screeners") {
				l.parseScreener(item)
			}
		case "services":
			for _, item := range l.list(val, "services") {
				l.parseService(item)
			}
		case "reference":
			l.parseReference(val)
		case "regions":
			l.parseRegions(val)
		case "cases":
			for _, item := range l.list(val, "cases") {
				l.parseTestCase(item)
			}
		case "synonyms":
			l.parseSynonyms(val)
		case "sources":
			l.parseSources(val)
		case "acts":
			l.parseActs(val)
		case "office_types":
			l.parseOfficeTypes(val)
		case "offices":
			l.parseOffices(val)
		default:
			l.errorf(key.Line, "unknown key %q (expected nodes, screeners, services, reference, regions, cases, synonyms, sources, acts, office_types or offices)", key.Value)
		}
	}
}

// yamlErrorLine pulls the line number out of a YAML syntax error ("yaml: line 7: ...").
func yamlErrorLine(err error) (int, string) {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	var line int
	if _, scanErr := fmt.Sscanf(msg, "line %d:", &line); scanErr == nil {
		msg = strings.TrimSpace(msg[strings.Index(msg, ":")+1:])
	}
	return line, "YAML syntax: " + msg
}

func (l *loader) addNode(n *Node) {
	if n.ID == "" {
		return
	}
	if l.firstAt == nil {
		l.firstAt = map[string]string{}
	}
	if at, dup := l.firstAt[n.ID]; dup {
		l.errorf(n.Line, "duplicate id %q (first defined at %s)", n.ID, at)
		return
	}
	l.firstAt[n.ID] = fmt.Sprintf("%s:%d", n.File, n.Line)
	l.c.nodes[n.ID] = n
	l.c.order = append(l.c.order, n.ID)
}

func (l *loader) parseNode(m *yaml.Node) *Node {
	if m.Kind != yaml.MappingNode {
		l.errorf(m.Line, "a node must be a mapping with id, title, text and buttons")
		return nil
	}
	n := &Node{File: l.file, Line: m.Line}
	for i := 0; i+1 < len(m.Content); i += 2 {
		key, val := m.Content[i], m.Content[i+1]
		switch key.Value {
		case "id":
			n.ID = l.scalar(val, "id")
		case "title":
			n.Title = l.text(key, val, "title")
		case "label":
			n.Label = l.text(key, val, "label")
		case "text":
			n.Text = l.text(key, val, "text")
		case "keywords":
			n.Keywords = l.text(key, val, "keywords")
		case "buttons":
			for _, b := range l.list(val, "buttons") {
				n.Buttons = append(n.Buttons, l.scalar(b, "button"))
				n.buttonLines = append(n.buttonLines, b.Line)
			}
		case "links":
			for _, lk := range l.list(val, "links") {
				n.Links = append(n.Links, l.link(lk))
			}
		case "sources":
			for _, s := range l.list(val, "sources") {
				n.Sources = append(n.Sources, l.scalar(s, "source"))
			}
		case "service":
			n.Service = l.scalar(val, "service")
		default:
			l.errorf(key.Line, "unknown key %q in node (expected id, title, label, text, keywords, buttons, links, sources, service)", key.Value)
		}
	}
	if n.ID == "" {
		l.errorf(m.Line, "node without an id")
		return nil
	}
	n.sites = sourceSites(n.Sources)
	return n
}

func (l *loader) scalar(v *yaml.Node, what string) string {
	if v.Kind != yaml.ScalarNode {
		l.errorf(v.Line, "%s must be a single value", what)
		return ""
	}
	return v.Value
}

func (l *loader) list(v *yaml.Node, what string) []*yaml.Node {
	if v.Kind != yaml.SequenceNode {
		l.errorf(v.Line, "%s must be a list", what)
		return nil
	}
	return v.Content
}

// text reads a {kk: ..., ru: ...} mapping; problems with it are reported at its key's line.
func (l *loader) text(key, v *yaml.Node, what string) Text {
	t := Text{Line: key.Line}
	if v.Kind != yaml.MappingNode {
		l.errorf(v.Line, "%s must give kk and ru texts (kk: ..., ru: ...)", what)
		return t
	}
	for i := 0; i+1 < len(v.Content); i += 2 {
		key, val := v.Content[i], v.Content[i+1]
		s := strings.TrimSpace(l.scalar(val, what+"."+key.Value))
		switch key.Value {
		case "kk":
			t.KK = s
		case "ru":
			t.RU = s
		default:
			l.errorf(key.Line, "unknown language %q in %s (expected kk and ru)", key.Value, what)
		}
	}
	return t
}

func (l *loader) link(v *yaml.Node) Link {
	lk := Link{Line: v.Line}
	if v.Kind != yaml.MappingNode {
		l.errorf(v.Line, "a link must be a mapping with url and label")
		return lk
	}
	for i := 0; i+1 < len(v.Content); i += 2 {
		key, val := v.Content[i], v.Content[i+1]
		switch key.Value {
		case "url":
			if val.Kind == yaml.ScalarNode {
				lk.URL = Text{KK: val.Value, RU: val.Value, Line: val.Line}
			} else {
				lk.URL = l.text(key, val, "url")
			}
		case "label":
			lk.Label = l.text(key, val, "link label")
		default:
			l.errorf(key.Line, "unknown key %q in link (expected url and label)", key.Value)
		}
	}
	return lk
}
