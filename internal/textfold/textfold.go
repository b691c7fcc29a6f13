// Package textfold reads text typed in Latin letters as the Cyrillic its writer meant, so
// that what people type on a phone without a Kazakh or Russian keyboard meets the words of
// the content:
//
//   - Kazakh in Latin letters, in the 2021 alphabet (ä ö ü ū ğ q ş ñ, ı for і, y for ы,
//     j for ж, i for и and й) and the everyday spellings (sh ch zh gh, w for у, k for қ);
//   - Russian in Latin letters (posobie, kak poluchit' posobie, shch, ya, yu);
//   - Russian typed with the keyboard on the Latin layout: the keys of ЙЦУКЕН read as
//     QWERTY («gjcj,bt» is «пособие»), and so Kazakh typed as on a Russian keyboard
//     («veutltrnbr» is «мугедектик»).
//
// One Latin spelling may mean a different word in each reading, and nothing in the text
// says which one was meant, so the caller tries each and keeps the one that makes sense
// to it (a search keeps the reading that matches content best). Words without Latin
// letters are never changed. The package knows nothing of search: safety checks read it
// too, to recognise danger words typed in Latin letters.
package textfold

import (
	"strings"
	"unicode"
)

// PlainRune returns r lowercased and as typed on a Russian keyboard: the Kazakh letters
// ә ғ қ ң ө ұ ү һ і as а г к н о у у х и, ё as е (which Russian writers often skip), and
// the Latin ı some phones give for і as и. Kazakh typed properly and Kazakh typed on a
// Russian keyboard then read the same.
func PlainRune(r rune) rune {
	r = unicode.ToLower(r)
	if p, ok := plain[r]; ok {
		return p
	}
	return r
}

// Plain returns text with every letter as PlainRune gives it.
func Plain(text string) string { return strings.Map(PlainRune, text) }

var plain = map[rune]rune{
	'ә': 'а', 'ғ': 'г', 'қ': 'к', 'ң': 'н', 'ө': 'о', 'ұ': 'у', 'ү': 'у', 'һ': 'х', 'і': 'и',
	'ё': 'е',
	'ı': 'и',
}

// HasLatin reports whether text holds a Latin letter, i.e. whether any reading here may
// change it.
func HasLatin(text string) bool {
	for _, r := range text {
		if isLatin(r) {
			return true
		}
	}
	return false
}

// Candidates returns the readings of text that differ from it, each once, in this order:
// Kazakh, Russian, the Russian keyboard layout. It is nil for text without Latin letters.
func Candidates(text string) []string {
	if !HasLatin(text) {
		return nil
	}
	var out []string
	for _, c := range []string{Kazakh(text), Russian(text), Layout(text)} {
		if c != text && !contains(out, c) {
			out = append(out, c)
		}
	}
	return out
}

// Kazakh spells the words of text written in Latin letters in Kazakh Cyrillic: the 2021
// alphabet letter by letter (ä→ә, ı→і, y→ы, ğ→ғ, q→қ, ş→ш, ñ→ң, ū→ұ, ü→ү, j→ж, a vowel's
// i→й: «bır danyşpan kısı», «qalaiyn») and the everyday spellings (zh→ж, sh→ш, ch→ч,
// gh→ғ, kh or x→х, w→у, i→і, a vowel's y→й as in «qalay»). Where a Latin spelling cannot
// tell two Kazakh letters apart (u for у, ұ or ү; k for к or қ), the plainer one is
// written, the one a Russian keyboard has; i is written і, the commoner in Kazakh words
// (Plain folds і and и together anyway).
func Kazakh(text string) string { return mapWords(text, kazakhWord) }

// Russian spells the words of text written in Latin letters in Russian Cyrillic, as
// people transliterate: shch/sch→щ, sh→ш, ch→ч (and 4 within a word), zh→ж, kh→х, ts→ц,
// ya/ja→я, yu/ju→ю, yo/jo→ё, y→ы (й after a vowel), ' →ь, x→кс, w→в, q→к.
func Russian(text string) string { return mapWords(text, russianWord) }

// Layout reads the words of text that hold Latin letters as typed on a Russian (ЙЦУКЕН)
// keyboard left on its Latin layout: each key gives its Russian letter, punctuation keys
// within such a word included (, is б, ; is ж, [ is х). A trailing full stop, comma or
// other sentence mark is kept as punctuation: a sentence ends with one far more often
// than a word with ю or б.
func Layout(text string) string {
	return mapWords(text, func(w string) string {
		rs := []rune(w)
		end := len(rs)
		for end > 0 && strings.ContainsRune(".,!?", rs[end-1]) {
			end--
		}
		var b strings.Builder
		for i, r := range rs {
			if i >= end {
				b.WriteRune(r)
				continue
			}
			if c, ok := layout[r]; ok {
				b.WriteRune(c)
			} else {
				b.WriteRune(r)
			}
		}
		return b.String()
	})
}

// layout maps QWERTY keys to the letters of the same keys on ЙЦУКЕН.
var layout = func() map[rune]rune {
	const (
		lat = "qwertyuiop[]asdfghjkl;'zxcvbnm,.`QWERTYUIOP{}ASDFGHJKL:\"ZXCVBNM<>~"
		cyr = "йцукенгшщзхъфывапролджэячсмитьбюёЙЦУКЕНГШЩЗХЪФЫВАПРОЛДЖЭЯЧСМИТЬБЮЁ"
	)
	m := map[rune]rune{}
	cs := []rune(cyr)
	for i, r := range []rune(lat) {
		m[r] = cs[i]
	}
	return m
}()

// mapWords applies f to each run of non-space characters that holds a Latin letter.
func mapWords(text string, f func(string) string) string {
	if !HasLatin(text) {
		return text
	}
	var b strings.Builder
	start := -1
	flush := func(end int) {
		if start < 0 {
			return
		}
		if w := text[start:end]; HasLatin(w) {
			b.WriteString(f(w))
		} else {
			b.WriteString(w)
		}
		start = -1
	}
	for i, r := range text {
		if unicode.IsSpace(r) {
			flush(i)
			b.WriteRune(r)
			continue
		}
		if start < 0 {
			start = i
		}
	}
	flush(len(text))
	return b.String()
}

// rule is a Latin spelling and the Cyrillic it stands for.
type rule struct {
	lat string
	cyr string
}

// Longest spellings first: "shch" before "sh" before "s".
var kazakhRules = []rule{
	{"shch", "щ"},
	{"zh", "ж"}, {"sh", "ш"}, {"ch", "ч"}, {"gh", "ғ"}, {"kh", "х"},
	{"ya", "я"}, {"yu", "ю"}, {"yo", "ё"},
	// The 2017 alphabet's apostrophes, still typed: a' for ә, g' for ғ.
	{"a'", "ә"}, {"o'", "ө"}, {"u'", "ү"}, {"i'", "і"}, {"g'", "ғ"}, {"n'", "ң"}, {"s'", "ш"}, {"c'", "ч"},
	{"a", "а"}, {"ä", "ә"}, {"á", "ә"}, {"b", "б"}, {"c", "с"}, {"ç", "ч"}, {"d", "д"}, {"e", "е"},
	{"f", "ф"}, {"g", "г"}, {"ğ", "ғ"}, {"ǵ", "ғ"}, {"h", "х"}, {"ı", "і"}, {"i", "і"}, {"İ", "і"},
	{"j", "ж"}, {"k", "к"}, {"l", "л"}, {"m", "м"}, {"n", "н"}, {"ñ", "ң"}, {"ń", "ң"}, {"o", "о"},
	{"ö", "ө"}, {"ó", "ө"}, {"p", "п"}, {"q", "қ"}, {"r", "р"}, {"s", "с"}, {"ş", "ш"}, {"t", "т"},
	{"u", "у"}, {"ū", "ұ"}, {"ü", "ү"}, {"ú", "ү"}, {"v", "в"}, {"w", "у"}, {"x", "х"}, {"y", "ы"},
	{"ý", "ы"}, {"z", "з"}, {"'", ""},
}

var russianRules = []rule{
	{"shch", "щ"}, {"sch", "щ"}, {"shh", "щ"},
	{"zh", "ж"}, {"sh", "ш"}, {"ch", "ч"}, {"kh", "х"}, {"ts", "ц"}, {"tz", "ц"},
	{"ya", "я"}, {"ja", "я"}, {"yu", "ю"}, {"ju", "ю"}, {"yo", "ё"}, {"jo", "ё"}, {"ye", "е"}, {"je", "е"},
	{"a", "а"}, {"b", "б"}, {"c", "ц"}, {"d", "д"}, {"e", "е"}, {"f", "ф"}, {"g", "г"}, {"h", "х"},
	{"i", "и"}, {"j", "й"}, {"k", "к"}, {"l", "л"}, {"m", "м"}, {"n", "н"}, {"o", "о"}, {"p", "п"},
	{"q", "к"}, {"r", "р"}, {"s", "с"}, {"t", "т"}, {"u", "у"}, {"v", "в"}, {"w", "в"}, {"x", "кс"},
	{"y", "ы"}, {"z", "з"}, {"'", "ь"}, {"’", "ь"}, {"`", "ь"},
	{"4", "ч"}, // 4to, poly4it': the digit that looks like ч, within a word only
}

// kazakhWord spells one word in Kazakh Cyrillic.
func kazakhWord(w string) string {
	return spell(w, kazakhRules, func(prev rune, lat string, next string) (string, bool) {
		// A vowel's i or y is й: aiel → айел (әйел), izdeymin → іздеймін. (Kazakh has no
		// two vowels in a row but in borrowed words.)
		if (lat == "i" || lat == "y") && isKazakhVowel(prev) {
			return "й", true
		}
		return "", false
	})
}

// russianWord spells one word in Russian Cyrillic.
func russianWord(w string) string {
	return spell(w, russianRules, func(prev rune, lat string, next string) (string, bool) {
		// y after a vowel is й: moy, kakoy, invalidnyy (ы then й).
		if lat == "y" && isRussianVowel(prev) {
			return "й", true
		}
		// 4 is ч beside a letter (4to); a number stays one.
		if lat == "4" && !unicode.IsLetter(prev) && !startsWithLetter(next) {
			return "4", true
		}
		// ye after a consonant is ые (novye), elsewhere е (yest).
		if lat == "ye" && prev != 0 && !isRussianVowel(prev) && prev != 'ь' {
			return "ые", true
		}
		// c before e, i, y is ц (cena); elsewhere it is more often с (ckolko).
		if lat == "c" && !strings.ContainsAny(firstRune(next), "eiy") {
			return "с", true
		}
		return "", false
	})
}

// spell rewrites w by rules, longest spelling first, keeping case; special may decide a
// spelling by the letter written before it and the text after it.
func spell(w string, rules []rule, special func(prev rune, lat, next string) (string, bool)) string {
	orig := []rune(w)
	lower := make([]rune, len(orig))
	for i, r := range orig {
		lower[i] = unicode.ToLower(r)
	}
	var b strings.Builder
	var prev rune // the last letter written
	for i := 0; i < len(lower); {
		matched := false
		for _, r := range rules {
			if !hasPrefix(lower[i:], r.lat) {
				continue
			}
			n := len([]rune(r.lat))
			cyr := r.cyr
			if c, ok := special(prev, r.lat, string(lower[i+n:])); ok {
				cyr = c
			}
			if cyr != "" && unicode.IsUpper(orig[i]) {
				cyr = capitalize(cyr)
			}
			b.WriteString(cyr)
			if cyr != "" {
				prev = lastRune(cyr)
			}
			i += n
			matched = true
			break
		}
		if !matched {
			b.WriteRune(orig[i])
			prev = lower[i]
			i++
		}
	}
	return b.String()
}

// hasPrefix reports whether rs begins with the letters of s.
func hasPrefix(rs []rune, s string) bool {
	i := 0
	for _, r := range s {
		if i == len(rs) || rs[i] != r {
			return false
		}
		i++
	}
	return true
}

func isKazakhVowel(r rune) bool {
	return strings.ContainsRune("аәеоөұүыіиуэюя", unicode.ToLower(r))
}

func isRussianVowel(r rune) bool {
	return strings.ContainsRune("аеёиоуыэюя", unicode.ToLower(r))
}

func isLatin(r rune) bool { return unicode.Is(unicode.Latin, r) }

func startsWithLetter(s string) bool {
	for _, r := range s {
		return unicode.IsLetter(r)
	}
	return false
}

func firstRune(s string) string {
	for _, r := range s {
		return string(r)
	}
	return ""
}

func lastRune(s string) rune {
	rs := []rune(s)
	return rs[len(rs)-1]
}

func capitalize(s string) string {
	rs := []rune(s)
	rs[0] = unicode.ToUpper(rs[0])
	return string(rs)
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}
