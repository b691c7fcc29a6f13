package safety

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/qamqor/qamqor/internal/textfold"
)

// Fold is what typed text and the lexicon's words are turned into before they are
// compared: DefaultFold unless the recogniser is given another. Whatever it does,
// DefaultFold and the letter folding of the lexicon (soundAlike) are applied after it.
// Text in Latin letters or on the wrong keyboard layout is read apart from the fold, in
// each of internal/textfold's readings.
type Fold func(string) string

// DefaultFold lower-cases, writes ё as е and turns everything but letters and digits into
// spaces.
func DefaultFold(s string) string {
	s = strings.ToLower(s)
	return strings.Map(func(r rune) rune {
		switch {
		case r == 'ё':
			return 'е'
		case r == '-' || unicode.IsLetter(r) || unicode.IsDigit(r):
			return r
		}
		return ' '
	}, s)
}

// soundAlike folds the letters people confuse or leave out when they write fast, and the
// Kazakh letters they type as Russian ones on a Russian keyboard.
var soundAlike = strings.NewReplacer(
	"ё", "е", "ь", "", "ъ", "", "щ", "ш", "ж", "ш", "й", "и",
	"ұ", "у", "ү", "у", "қ", "к", "ғ", "г", "ң", "н", "ә", "а", "ө", "о", "і", "и", "һ", "х",
)

// Recogniser tells whether a text is a cry for help.
type Recogniser struct {
	fold   Fold
	custom bool // fold is not DefaultFold
	rules  []compiled
}

type pattern struct {
	word   string // folded
	prefix bool
	typos  string // the first letters a word must share for a typo to be forgiven; "" none
	n      int    // letters in word
}

func newPattern(word string, prefix bool) pattern {
	p := pattern{word: word, prefix: prefix, n: utf8.RuneCountInString(word)}
	if p.n >= minTypo {
		p.typos = string([]rune(word)[:typoFreeLen])
	}
	return p
}

type compiled struct {
	kind   Kind
	near   bool
	groups [][]pattern
}

// NewRecogniser compiles the lexicon with fold (nil: DefaultFold).
func NewRecogniser(fold Fold) *Recogniser {
	r := &Recogniser{fold: fold, custom: fold != nil}
	if fold == nil {
		r.fold = DefaultFold
	}
	for _, ru := range rules {
		c := compiled{kind: ru.kind, near: ru.near}
		for _, g := range ru.groups {
			var ps []pattern
			for _, w := range g {
				stem, prefix := strings.CutSuffix(w, "*")
				for _, t := range r.words(stem) { // a word the fold splits (ұрып-соғ) is its first part
					ps = append(ps, newPattern(t, prefix))
					break
				}
			}
			c.groups = append(c.groups, ps)
		}
		r.rules = append(r.rules, c)
	}
	return r
}

// words folds text and splits it into words; a hyphenated word is also its parts.
func (r *Recogniser) words(text string) []string {
	var out []string
	folded := r.fold(text)
	if r.custom {
		folded = DefaultFold(folded) // whatever it did, punctuation and capitals are gone
	}
	for _, w := range strings.Fields(folded) {
		w = soundAlike.Replace(w)
		if w = strings.Trim(w, "-"); w == "" {
			continue
		}
		out = append(out, w)
		if strings.Contains(w, "-") {
			for _, p := range strings.Split(w, "-") {
				if p != "" {
					out = append(out, p)
				}
			}
		}
	}
	return out
}

// maxRecognised bounds how much of a text is read: a cry for help is short, and a long
// text must not cost more than a search does.
const maxRecognised = 1000

// Recognise reports whether text speaks of danger, and of which kind.
func (r *Recogniser) Recognise(text string) (Kind, bool) {
	if len(text) > maxRecognised {
		text = strings.ToValidUTF8(text[:maxRecognised], "")
	}
	// Text typed in Latin letters or on the wrong keyboard layout is read each way it can
	// be (textfold.Candidates: as Kazakh, as Russian, as the other layout), as search does.
	for _, reading := range append([]string{text}, textfold.Candidates(text)...) {
		ws := r.words(reading)
		for _, c := range r.rules {
			if len(ws) > 0 && c.matches(ws) {
				return c.kind, true
			}
		}
	}
	return "", false
}

func (c compiled) matches(ws []string) bool {
	if !c.near {
		for _, g := range c.groups {
			if !slicesAny(ws, g) {
				return false
			}
		}
		return true
	}
	for i := range ws {
		if i+len(c.groups) > len(ws) {
			return false
		}
		ok := true
		for j, g := range c.groups {
			if !matchesAny(ws[i+j], g) {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}

func slicesAny(ws []string, g []pattern) bool {
	for _, w := range ws {
		if matchesAny(w, g) {
			return true
		}
	}
	return false
}

func matchesAny(w string, g []pattern) bool {
	for _, p := range g {
		if p.matches(w) {
			return true
		}
	}
	return false
}

// Typos are forgiven only in long words, and not in their first two letters: a shorter
// word with a letter wrong is as a rule another word (тәртіп — тартып, придет — прибьет,
// помогает — домогается).
const (
	minTypo     = 8
	typoFreeLen = 2
)

func (p pattern) matches(w string) bool {
	if w == p.word || (p.prefix && strings.HasPrefix(w, p.word)) {
		return true
	}
	if p.typos == "" || !strings.HasPrefix(w, p.typos) {
		return false
	}
	if !p.prefix {
		return oneEdit(w, p.word)
	}
	rw := []rune(w)
	for _, k := range []int{p.n - 1, p.n, p.n + 1} { // the stem with a letter missing, wrong or extra
		if k <= len(rw) && oneEdit(string(rw[:k]), p.word) {
			return true
		}
	}
	return false
}

// oneEdit reports whether a and b differ by at most one letter replaced, left out or added.
func oneEdit(a, b string) bool {
	ra, rb := []rune(a), []rune(b)
	if len(ra) < len(rb) {
		ra, rb = rb, ra
	}
	if len(ra)-len(rb) > 1 {
		return false
	}
	i := 0
	for i < len(rb) && ra[i] == rb[i] {
		i++
	}
	if len(ra) == len(rb) {
		return string(ra[i+min(1, len(ra)-i):]) == string(rb[i+min(1, len(rb)-i):])
	}
	return string(ra[i+1:]) == string(rb[i:])
}
