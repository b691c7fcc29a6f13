package search

import (
	"sort"
	"strings"
	"unicode/utf8"
)

// Kazakh adds suffixes to a stem, one after another: мүгедек·тік·ті (disability, accusative),
// бала·лар·ға (to children). No maintained Go library stems Kazakh, so this strips the
// common endings, longest first, until none is left. It works on folded words (ә→а, қ→к,
// ...), the form both content and questions are indexed in, so the suffix list is folded
// too and covers both vowel rows at once. It need not be a linguist's stemmer: the same
// function reduces the content and the question, and search also matches prefixes and
// near spellings, so what matters is that forms of one word meet at one stem.

// kazakhSuffix is an ending and the shortest stem it may leave, in runes: derivational
// endings (-лық, -шы) need a longer stem than case endings, so short roots survive.
type kazakhSuffix struct {
	text    string
	minStem int
}

var kazakhSuffixes = func() []kazakhSuffix {
	groups := []struct {
		minStem int
		list    string
	}{
		// plural
		{3, "лар лер дар дер тар тер"},
		// possessive
		{3, "ымыз имиз ыныз иниз мыз миз ныз низ ым им сы си ын ин"},
		// case: genitive, dative, accusative, locative, ablative, instrumental
		{3, "нын нин дын дин тын тин"},
		{3, "га ге ка ке на не"},
		{3, "ны ни ды ди ты ти"},
		{3, "да де та те нда нде"},
		{3, "дан ден тан тен нан нен"},
		{3, "мен бен пен ымен имен"},
		// locative adjective (-дағы), participles, verbal noun and verb endings
		{3, "дагы деги тагы теги нагы неги"},
		{3, "ган ген кан кен атын етин йтын йтин"},
		{3, "уга уге уди ады еди йды йди ады"},
		{4, "у ып ип"},
		// derivational: -лық (abstract noun), -лы (having), -ғы (adjective)
		{4, "лык лик дык дик тык тик"},
		{4, "лы ли гы ги кы ки"},
		// a lone vowel: possessive after a consonant (тобы), dative after a possessive
		{4, "ы и а е"},
	}
	var all []kazakhSuffix
	for _, g := range groups {
		for _, s := range strings.Fields(g.list) {
			all = append(all, kazakhSuffix{s, g.minStem})
		}
	}
	// Longest first, so -лары goes before -ы.
	sort.SliceStable(all, func(i, j int) bool {
		return utf8.RuneCountInString(all[i].text) > utf8.RuneCountInString(all[j].text)
	})
	return all
}()

// maxSuffixes bounds how many endings are stripped from one word.
const maxSuffixes = 4

// kazakhStem strips Kazakh endings from a folded word.
func kazakhStem(w string) string {
	for range maxSuffixes {
		stripped := false
		n := utf8.RuneCountInString(w)
		for _, s := range kazakhSuffixes {
			if !strings.HasSuffix(w, s.text) || n-utf8.RuneCountInString(s.text) < s.minStem {
				continue
			}
			w = unvoice(strings.TrimSuffix(w, s.text))
			stripped = true
			break
		}
		if !stripped {
			break
		}
	}
	return w
}

// unvoice undoes the voicing a vowel suffix causes at the end of a stem: жүрек → жүрегі,
// кітап → кітабы. (Folded, қ/ғ are к/г.)
func unvoice(w string) string {
	switch {
	case strings.HasSuffix(w, "г"):
		return strings.TrimSuffix(w, "г") + "к"
	case strings.HasSuffix(w, "б"):
		return strings.TrimSuffix(w, "б") + "п"
	}
	return w
}
