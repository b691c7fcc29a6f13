package search

import (
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/qamqor/qamqor/content"
	"github.com/qamqor/qamqor/internal/textfold"
)

// How much a match counts, by how the question's term met the node's.
const (
	matchExact   = 1.0
	matchSynonym = 0.8
	matchTypo1   = 0.7 // one edit away
	matchTypo2   = 0.5 // two edits away
	matchSound   = 0.6 // a short word that sounds the same (soundKey)
	// A prefix match counts between 0.5 and 0.9, more the more of the word is shared.
	matchPrefixBase  = 0.5
	matchPrefixShare = 0.4
)

const (
	// minPrefix is the shortest stem that matches longer words by prefix: shorter ones
	// (муж, бал) begin too many unrelated words.
	minPrefix = 4
	// minSound is the shortest word matched by how it sounds: two letters are a guess.
	minSound = 3
	// maxPrefixMatches bounds the words one short stem may stand for.
	maxPrefixMatches = 24
	// maxQueryTerms bounds the terms read from one question.
	maxQueryTerms = 16
	// minCoverage is the share of a question's weight a node must match to be an answer
	// at all: one common word of a long question is not an answer to it.
	// minMatched is how many of a question's terms a node must match when it has that
	// many: a single shared word ("курс" of a dollar, "результат" of a match) is a
	// coincidence more often than an answer.
	minMatched = 2
	// minCoverage is the share of a question's idf-weighted terms a node must match to be
	// an answer at all. Set from the coverage of right answers (0.39 and up) and of
	// off-topic questions (mostly 0.35 and below) in testdata.
	minCoverage = 0.38
	// titleBonus is how much a question's term found in a node's title adds, times its
	// idf, on top of BM25: in long texts BM25 dilutes the title, yet a title that names
	// what was asked is the surest sign of the right screen.
	titleBonus = 0.5
	// unknownWeight is how much a word the content does not know at all weighs in a
	// question, as a share of the rarest word's idf.
	unknownWeight = 0.6
	// minStrongMatch and minSingleCoverage let a node match a single term of a longer
	// question: one its title, label or keywords name (matched at least this closely),
	// that is at least this share of the question.
	minStrongMatch    = 0.7
	minSingleCoverage = 0.5
	// coverageReward is how much of a node's score depends on how much of the question it
	// covers: covering more ranks higher, without demanding all of it.
	coverageReward = 0.5
	// partialCoverage is the coverage below which an answer is partial (Answer.Partial).
	partialCoverage = 0.5
)

// How a node names a term of the question, weakest first.
const (
	namedNot uint8 = iota
	namedKeywords
	namedTitle
)

// Result is a node that answers a question.
type Result struct {
	Node  *content.Node
	Score float64
	// Coverage is the share of the question's weight the node matched, 0 to 1.
	Coverage float64
}

// Answer is what a search found: the best nodes first.
type Answer struct {
	Results []Result
	// Lang is the language the results matched in; Other is set when that is not the
	// language asked in, because nothing matched in it.
	Lang  content.Lang
	Other bool
	// Partial is set when even the best result matched less than half of what the
	// question asks: the content answers it only in part, and editors should see it as
	// they see a question nothing answered.
	Partial bool
}

// Search returns up to limit nodes that answer query, asked in lang. When nothing matches
// in lang, it tries the other language: a Kazakh speaker may type a Russian word.
//
// A question with Latin letters is also read as Kazakh and as Russian in Latin letters,
// and as typed on the wrong keyboard layout (textfold); nothing says which was meant, so
// each reading is searched and the one whose best answer scores highest is kept.
func (x *Index) Search(query string, lang content.Lang, limit int) Answer {
	readings := append([]string{query}, textfold.Candidates(query)...)
	if li, ok := x.langs[lang]; ok {
		if rs := x.bestReading(li, readings, limit); len(rs) > 0 {
			return Answer{Results: rs, Lang: lang, Partial: rs[0].Coverage < partialCoverage}
		}
	}
	for _, other := range content.Langs {
		if other == lang {
			continue
		}
		if rs := x.bestReading(x.langs[other], readings, limit); len(rs) > 0 {
			return Answer{Results: rs, Lang: other, Other: true, Partial: rs[0].Coverage < partialCoverage}
		}
	}
	return Answer{Lang: lang}
}

// bestReading returns the results of the reading whose first result scores highest.
func (x *Index) bestReading(li *langIndex, readings []string, limit int) []Result {
	var best []Result
	var memo map[string][]candidate
	if len(readings) > 1 {
		memo = map[string][]candidate{}
	}
	for _, q := range readings {
		if rs := x.results(li, q, limit, memo); len(rs) > 0 && (len(best) == 0 || rs[0].Score > best[0].Score) {
			best = rs
		}
	}
	return best
}

// candidate is an index term a question's term may stand for, and how much it counts.
type candidate struct {
	term   int32
	weight float64
}

func (x *Index) results(li *langIndex, query string, limit int, memo map[string][]candidate) []Result {
	qterms := distinct(li.queryTerms(query), maxQueryTerms)
	if len(qterms) == 0 || limit <= 0 {
		return nil
	}
	n := len(x.nodes)
	total := make([]float64, n)
	covered := make([]float64, n)
	best := make([]float64, n)
	bestWeight := make([]float64, n)
	inTitle := make([]float64, n)
	// named is how a node names the term, when it matched closely: in its title or label
	// (namedTitle), or at least in its keywords (namedKeywords); strong is the best of
	// that over the question's terms.
	named := make([]uint8, n)
	strong := make([]uint8, n)
	matched := make([]int, n)
	unknown := 0
	var want float64
	for _, q := range qterms {
		cs := li.candidates(q, qterms, memo)
		if len(cs) == 0 {
			// A word the content does not know at all: it weighs in what the question
			// asks, but less than a known word would, so that one or two words the
			// content never uses do not hide what the rest of the question matches.
			want += unknownWeight * li.maxIDF
			unknown++
			continue
		}
		qidf := li.maxIDF
		if id, ok := li.vocab[q]; ok {
			qidf = li.idf[id]
		}
		want += qidf
		clear(best)
		clear(bestWeight)
		clear(inTitle)
		clear(named)
		for _, c := range cs {
			for _, p := range li.postings[c.term] {
				if s := c.weight * float64(p.weight); s > best[p.node] {
					best[p.node] = s
					bestWeight[p.node] = c.weight
				}
			}
			for _, node := range li.titled[c.term] {
				inTitle[node] = max(inTitle[node], c.weight*li.idf[c.term])
			}
			if c.weight >= minStrongMatch {
				for _, node := range li.keyed[c.term] {
					named[node] = max(named[node], namedKeywords)
				}
				for _, node := range li.titled[c.term] {
					named[node] = namedTitle
				}
			}
		}
		for i := range best {
			if best[i] > 0 {
				total[i] += best[i] + titleBonus*inTitle[i]
				covered[i] += bestWeight[i] * qidf
				matched[i]++
				strong[i] = max(strong[i], named[i])
			}
		}
	}

	var rs []Result
	for i := range total {
		if total[i] == 0 {
			continue
		}
		coverage := covered[i] / want
		if coverage < minCoverage {
			continue
		}
		// One shared word of a longer question is more often a coincidence than an answer
		// («курс» of the dollar, «результат» of a match), unless it is most of what the
		// question asks and names the node: in its title, or in its keywords when the
		// content knows every word of the question (коляска для ребенка).
		if matched[i] < min(minMatched, len(qterms)) {
			need := uint8(namedTitle)
			if unknown == 0 {
				need = namedKeywords
			}
			if strong[i] < need || coverage < minSingleCoverage {
				continue
			}
		}
		rs = append(rs, Result{Node: x.nodes[i], Score: total[i] * (1 - coverageReward + coverageReward*coverage), Coverage: coverage})
	}
	sort.SliceStable(rs, func(i, j int) bool { return rs[i].Score > rs[j].Score })
	if len(rs) > limit {
		rs = rs[:limit]
	}
	return rs
}

// candidates returns the index terms the question's term q may stand for. qterms, the
// question's other terms, decide which synonym phrases it completes.
//
// memo, when not nil, keeps what a term matches by its spelling across the readings of
// one question (textfold gives up to four, mostly sharing words): the typo lookup is
// most of a search's cost.
func (li *langIndex) candidates(q string, qterms []string, memo map[string][]candidate) []candidate {
	cs, ok := memo[q]
	if !ok {
		cs = li.spelt(q)
		if memo != nil {
			memo[q] = cs
		}
	}
	shared := ok || memo != nil
	for _, group := range li.synonyms {
		if !completes(group, q, qterms) {
			continue
		}
		for _, phrase := range group {
			for _, t := range phrase {
				if id, ok := li.vocab[t]; ok && t != q {
					if shared {
						cs, shared = slices.Clone(cs), false // the memo's copy stays as it is
					}
					cs = addCandidate(cs, id, matchSynonym)
				}
			}
		}
	}
	return cs
}

// addCandidate adds term id to cs with weight w, or raises its weight to w.
func addCandidate(cs []candidate, id int32, w float64) []candidate {
	for i := range cs {
		if cs[i].term == id {
			cs[i].weight = max(cs[i].weight, w)
			return cs
		}
	}
	return append(cs, candidate{id, w})
}

// spelt returns the index terms q matches by its spelling: exactly, by prefix, within a
// typo or two, or by how it sounds.
func (li *langIndex) spelt(q string) []candidate {
	var cs []candidate
	add := func(id int32, w float64) { cs = addCandidate(cs, id, w) }
	qlen := utf8.RuneCountInString(q)
	exact, hasExact := li.vocab[q]
	if hasExact {
		add(exact, matchExact)
	}
	if qlen >= minPrefix {
		// Longer words that begin with q: инвалид → инвалидн(ость).
		from := sort.Search(len(li.sorted), func(i int) bool { return li.terms[li.sorted[i]] >= q })
		for i := from; i < len(li.sorted) && i-from < maxPrefixMatches; i++ {
			t := li.terms[li.sorted[i]]
			if !strings.HasPrefix(t, q) {
				break
			}
			if t != q {
				add(li.sorted[i], prefixWeight(qlen, utf8.RuneCountInString(t)))
			}
		}
		// Shorter words q begins with: a typo or an ending the stemmer left on.
		runes := []rune(q)
		for k := len(runes) - 1; k >= minPrefix; k-- {
			if id, ok := li.vocab[string(runes[:k])]; ok {
				add(id, prefixWeight(k, qlen))
			}
		}
	}
	// Typos are looked for in Cyrillic words only: the few Latin words of the content
	// (egov, SMS) are matched exactly or by prefix, and a question in Latin letters is
	// read in Cyrillic too (textfold), so comparing it with every word would be waste.
	if !hasExact && isCyrillic(q) {
		if edits := allowedEdits(qlen); edits > 0 {
			qr := []rune(q)
			for l := qlen - edits; l <= qlen+edits; l++ {
				for _, id := range li.byLen[l] {
					d, ok := editsWithin(qr, li.runes[id], min(edits, allowedEdits(l)))
					switch {
					case !ok || d == 0:
					case d == 1:
						add(id, matchTypo1)
					default:
						add(id, matchTypo2)
					}
				}
			}
		}
	}
	if len(cs) == 0 && qlen >= minSound {
		for _, id := range li.sounds[soundKey(q)] {
			add(id, matchSound)
		}
	}
	return cs
}

// completes reports whether q is the first term of one of the group's phrases whose
// every term the question has.
func completes(group [][]string, q string, qterms []string) bool {
	for _, phrase := range group {
		if phrase[0] != q {
			continue
		}
		all := true
		for _, t := range phrase[1:] {
			if !contains(qterms, t) {
				all = false
				break
			}
		}
		if all {
			return true
		}
	}
	return false
}

func prefixWeight(short, long int) float64 {
	return matchPrefixBase + matchPrefixShare*float64(short)/float64(long)
}

// allowedEdits is how many typos a word of n letters may have and still match: none in
// short words, where one letter changes the word.
func allowedEdits(n int) int {
	switch {
	case n >= 8:
		return 2
	case n >= 5:
		return 1
	}
	return 0
}

func distinct(ts []string, limit int) []string {
	var out []string
	for _, t := range ts {
		if !contains(out, t) {
			out = append(out, t)
		}
		if len(out) == limit {
			break
		}
	}
	return out
}

func contains(ts []string, t string) bool {
	for _, x := range ts {
		if x == t {
			return true
		}
	}
	return false
}
