// Package search answers questions typed in people's own words with the content nodes that
// fit them best, in Kazakh and Russian.
//
// The index is built in memory from loaded content. Words are folded (Kazakh letters to
// their Russian-keyboard look-alikes, ё to е), stop words dropped and the rest reduced to
// stems: Snowball for Russian, suffix stripping for Kazakh. A question's terms match the
// index's exactly, through a content synonym, by prefix, or with one or two typos, each
// kind counting for less, or, for a short misspelt word, by how it sounds; nodes are
// ranked by BM25 over title, keywords, parent title and text, and by how much of the
// question they cover, without demanding all of it. A question in Latin letters is also
// read as Kazakh, as Russian and as typed on the wrong layout (internal/textfold). It is small enough to hold by hand: a full-text engine (bleve) would bring its own
// analysers, storage and query language to rank a few hundred screens, and none of them
// knows Kazakh.
package search

import (
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/qamqor/qamqor/content"
)

// How much each part of a node counts: a word in the title says more about what the node
// is than a word in its text.
const (
	weightTitle    = 3
	weightKeywords = 3
	weightLabel    = 2
	weightParent   = 1
	weightText     = 1
)

// BM25 parameters: the usual values.
const (
	bm25K1 = 1.2
	bm25B  = 0.75
)

// Index finds nodes by what they say, in each language.
type Index struct {
	c     *content.Content
	nodes []*content.Node
	langs map[content.Lang]*langIndex
}

// langIndex is the index of one language.
type langIndex struct {
	lang       content.Lang
	vocab      map[string]int32   // term → id
	terms      []string           // id → term
	runes      [][]rune           // id → term as runes, for typo lookups
	sorted     []int32            // term ids in term order, for prefix lookups
	postings   [][]posting        // id → the nodes that have it, with their BM25 weight
	titled     [][]int32          // id → the nodes whose title or label has it
	keyed      [][]int32          // id → the nodes whose title, label or keywords have it
	sounds     map[string][]int32 // sound key → term ids, for misspelt short words
	stopSounds map[string]bool    // sound keys of stop words, for misspelt ones (миня)
	idf        []float64          // id → inverse document frequency
	byLen      map[int][]int32    // rune length → term ids, for typo lookups
	synonyms   [][][]string       // groups of phrases, each phrase as terms
	maxIDF     float64
}

type posting struct {
	node   int32
	weight float32 // BM25 term weight of the term in the node, idf included
}

// New builds the index of every node but the main menu.
func New(c *content.Content) *Index {
	x := &Index{c: c, langs: map[content.Lang]*langIndex{}}
	parents := parentsOf(c)
	for _, id := range c.IDs() {
		if id == content.MainID {
			continue
		}
		n, _ := c.Node(id)
		x.nodes = append(x.nodes, n)
	}
	for _, lang := range content.Langs {
		x.langs[lang] = buildLang(lang, x.nodes, parents, c.Synonyms(lang))
	}
	return x
}

// parentsOf maps each node to the first node with a button to it.
func parentsOf(c *content.Content) map[string]*content.Node {
	parents := map[string]*content.Node{}
	for _, id := range c.IDs() {
		n, _ := c.Node(id)
		for _, child := range n.Buttons {
			if _, seen := parents[child]; !seen && id != content.MainID {
				parents[child] = n
			}
		}
	}
	return parents
}

func buildLang(lang content.Lang, nodes []*content.Node, parents map[string]*content.Node, synonyms [][]string) *langIndex {
	li := &langIndex{lang: lang, vocab: map[string]int32{}, byLen: map[int][]int32{}}
	memo := map[string]string{}
	type counts map[int32]float64
	docs := make([]counts, len(nodes))
	titled := map[int32][]int32{}
	keyed := map[int32][]int32{}
	mark := func(m map[int32][]int32, id int32, node int) {
		if ts := m[id]; len(ts) == 0 || ts[len(ts)-1] != int32(node) {
			m[id] = append(ts, int32(node))
		}
	}
	lengths := make([]float64, len(nodes))
	for i, n := range nodes {
		tf := counts{}
		add := func(text string, weight float64) {
			for _, t := range terms(lang, text, 0, memo) {
				tf[li.id(t)] += weight
				lengths[i] += weight
			}
		}
		add(n.Title.In(lang), weightTitle)
		if !n.Label.IsZero() {
			add(n.Label.In(lang), weightLabel)
		}
		for _, t := range terms(lang, n.Title.In(lang)+" "+n.Label.In(lang), 0, memo) {
			mark(titled, li.id(t), i)
			mark(keyed, li.id(t), i)
		}
		for _, t := range terms(lang, n.Keywords.In(lang), 0, memo) {
			mark(keyed, li.id(t), i)
		}
		add(strings.Join(content.SplitList(n.Keywords.In(lang)), " "), weightKeywords)
		if p := parents[n.ID]; p != nil {
			add(p.Title.In(lang), weightParent)
		}
		add(n.Text.In(lang), weightText)
		docs[i] = tf
	}

	var avg float64
	for _, l := range lengths {
		avg += l
	}
	avg /= math.Max(1, float64(len(nodes)))

	li.postings = make([][]posting, len(li.terms))
	li.titled = make([][]int32, len(li.terms))
	for id, nodes := range titled {
		li.titled[id] = nodes
	}
	li.keyed = make([][]int32, len(li.terms))
	for id, nodes := range keyed {
		li.keyed[id] = nodes
	}
	df := make([]int, len(li.terms))
	for _, tf := range docs {
		for t := range tf {
			df[t]++
		}
	}
	li.idf = make([]float64, len(li.terms))
	for t := range li.terms {
		// BM25's idf, kept positive for terms in most nodes.
		li.idf[t] = math.Log(1 + (float64(len(nodes))-float64(df[t])+0.5)/(float64(df[t])+0.5))
		li.maxIDF = math.Max(li.maxIDF, li.idf[t])
	}
	for i, tf := range docs {
		norm := bm25K1 * (1 - bm25B + bm25B*lengths[i]/avg)
		for t, f := range tf {
			w := li.idf[t] * f * (bm25K1 + 1) / (f + norm)
			li.postings[t] = append(li.postings[t], posting{node: int32(i), weight: float32(w)})
		}
	}
	for t := range li.postings {
		slices.SortFunc(li.postings[t], func(a, b posting) int { return int(a.node - b.node) })
	}

	li.sorted = make([]int32, len(li.terms))
	for i := range li.sorted {
		li.sorted[i] = int32(i)
	}
	sort.Slice(li.sorted, func(i, j int) bool { return li.terms[li.sorted[i]] < li.terms[li.sorted[j]] })
	li.runes = make([][]rune, len(li.terms))
	li.sounds = map[string][]int32{}
	for i, t := range li.terms {
		li.runes[i] = []rune(t)
		li.byLen[len(li.runes[i])] = append(li.byLen[len(li.runes[i])], int32(i))
		k := soundKey(t)
		li.sounds[k] = append(li.sounds[k], int32(i))
	}
	li.stopSounds = map[string]bool{}
	for w := range stop[lang] {
		li.stopSounds[soundKey(w)] = true
	}

	for _, group := range synonyms {
		var phrases [][]string
		for _, phrase := range group {
			if ts := terms(lang, phrase, 0, memo); len(ts) > 0 {
				phrases = append(phrases, ts)
			}
		}
		if len(phrases) > 1 {
			li.synonyms = append(li.synonyms, phrases)
		}
	}
	return li
}

// id returns the id of a term, adding it when new.
func (li *langIndex) id(term string) int32 {
	if id, ok := li.vocab[term]; ok {
		return id
	}
	id := int32(len(li.terms))
	li.vocab[term] = id
	li.terms = append(li.terms, term)
	return id
}
