// Package content holds what Qamqor tells people: a graph of screens (nodes) written in
// Kazakh and Russian side by side, loaded from YAML and validated before it is used.
package content

import (
	"embed"
	"io/fs"
	"net/url"
	"strings"
)

// Lang is a language the bot speaks.
type Lang string

// The languages every text must exist in.
const (
	KK Lang = "kk"
	RU Lang = "ru"
)

// Langs lists the supported languages in the order the bot offers them.
var Langs = []Lang{KK, RU}

// ParseLang returns the language named by s ("kk", "ru", also "kz" and region forms such as
// "ru-RU"), and false when s names none of them.
func ParseLang(s string) (Lang, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	if i := strings.IndexAny(s, "-_"); i > 0 {
		s = s[:i]
	}
	switch s {
	case "kk", "kz":
		return KK, true
	case "ru":
		return RU, true
	}
	return "", false
}

// MainID is the id of the main menu, the root every node must be reachable from.
const MainID = "main"

//go:embed data
var embedded embed.FS

// Embedded returns the content shipped inside the binary, rooted at its data directory.
func Embedded() fs.FS {
	sub, err := fs.Sub(embedded, "data")
	if err != nil {
		panic(err) // the directory is part of the build; its absence is a build defect
	}
	return sub
}

// Text is one text in both languages, with the line it was written on.
type Text struct {
	KK, RU string
	Line   int
}

// In returns the text in lang.
func (t Text) In(lang Lang) string {
	if lang == KK {
		return t.KK
	}
	return t.RU
}

// IsZero reports whether the text was not given at all.
func (t Text) IsZero() bool { return t.KK == "" && t.RU == "" && t.Line == 0 }

// Link is a web page offered as a button that opens a browser.
type Link struct {
	URL   Text // the same address in both languages, or one each
	Label Text
	Line  int
}

// Node is one screen: a title, a text and buttons leading to other nodes.
type Node struct {
	ID    string
	Title Text
	Label Text // shorter button label; the title when zero
	Text  Text
	// Keywords are words people may search with that the text does not use,
	// comma-separated per language.
	Keywords Text
	Buttons  []string
	Links    []Link
	Sources  []string
	// Service, when set, makes the screen the service's card (its facts, the offices of the
	// person's region), below Text.
	Service string

	File string // where it was defined, for messages
	Line int

	buttonLines []int
	sites       []string
}

// ButtonLabel returns the label of buttons that lead to this node.
func (n *Node) ButtonLabel(lang Lang) string {
	if !n.Label.IsZero() {
		return n.Label.In(lang)
	}
	return n.Title.In(lang)
}

// SourceSites returns the distinct web sites the node's facts come from, in order, so a
// reader sees where to check them without a screen full of long addresses.
func (n *Node) SourceSites() []string { return n.sites }

func sourceSites(sources []string) []string {
	var sites []string
	seen := map[string]bool{}
	for _, s := range sources {
		host := s
		if u, err := url.Parse(withScheme(s)); err == nil && u.Host != "" {
			host = strings.TrimPrefix(u.Hostname(), "www.")
		}
		if !seen[host] {
			seen[host] = true
			sites = append(sites, host)
		}
	}
	return sites
}

func withScheme(s string) string {
	if strings.Contains(s, "://") {
		return s
	}
	return "https://" + s
}

// Content is a loaded, validated set of nodes, screeners and services.
type Content struct {
	nodes map[string]*Node
	order []string

	screeners     map[string]*Screener
	screenerOrder []string
	services      map[string]*Service
	serviceOrder  []string
	regions       []RegionInfo
	sources       map[string]*Source
	sourceOrder   []string
	acts          map[string]*Act
	officeTypes   []*OfficeType
	offices       []*Office
	reference     Reference
	hasReference  bool
	tests         []TestCase
	synonyms      map[Lang][][]string
}

// Synonyms returns the groups of words and phrases search treats as meaning the same, in lang.
func (c *Content) Synonyms(lang Lang) [][]string { return c.synonyms[lang] }

// Node returns the node with the given id.
func (c *Content) Node(id string) (*Node, bool) {
	n, ok := c.nodes[id]
	return n, ok
}

// Main returns the main menu.
func (c *Content) Main() *Node { return c.nodes[MainID] }

// IDs returns every node id in the order the nodes were defined.
func (c *Content) IDs() []string { return append([]string(nil), c.order...) }
