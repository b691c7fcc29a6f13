// Package numwords reads the one whole number in an answer as people type it: in digits
// («9 лет», «36жастамын», «мне 45») or in Russian or Kazakh words («тридцать шесть»,
// «сто двадцать», «қырық бес жаста», «тоғызда»), with ё/е, Kazakh typed on a Russian
// keyboard and a typo in a longer word. The words cover 0 to 199; digits any size.
package numwords

import (
	"strconv"
	"strings"
	"unicode"
)

// Status says what an answer held.
type Status int

const (
	Found   Status = iota // exactly one number
	None                  // no number at all («много»)
	Several               // more than one («5 или 6», «9 лет и 5 месяцев»): which one is meant is a guess
)

// Read returns the one number in text, read in lang ("kk" or "ru"): words of both
// languages count, except «он», which is 10 in Kazakh and "he" in Russian.
func Read(text, lang string) (int, Status) {
	var nums []int
	var cur *builder
	closeCur := func() {
		if cur != nil {
			nums = append(nums, cur.val)
			cur = nil
		}
	}
	for _, tok := range tokens(fold(text)) {
		if tok.digits {
			closeCur()
			n, err := strconv.Atoi(tok.text)
			if err != nil {
				return 0, None // more digits than any answer: not a number we can read
			}
			if tok.negative {
				n = -n
			}
			nums = append(nums, n)
			continue
		}
		w, ok := lookup(tok.text, lang == "kk")
		if !ok {
			closeCur() // a word between numbers: «5 лет 6 месяцев» are two
			continue
		}
		if cur == nil || !cur.add(w) {
			closeCur()
			cur = &builder{}
			cur.add(w)
		}
		if cur.stage == closed {
			closeCur()
		}
	}
	closeCur()
	switch len(nums) {
	case 0:
		return 0, None
	case 1:
		return nums[0], Found
	}
	return 0, Several
}

// kind is the place a number word takes in a number.
type kind int

const (
	zero    kind = iota // ноль: a number by itself
	unit                // 1..9: last, or before a hundred («бір жүз»)
	teen                // 10..19 in Russian: last
	tens                // 20..90, and Kazakh 10: a unit may follow
	hundred             // 100: tens, a teen or a unit may follow
)

type word struct {
	val  int
	kind kind
}

// stages of a number being built from words.
const (
	start = iota
	afterUnit
	afterTens
	afterHundred
	closed
)

type builder struct {
	val, stage int
}

// add takes the next word of the number, or reports false when it starts another one.
func (b *builder) add(w word) bool {
	switch {
	case b.stage == start:
		b.val = w.val
		b.stage = map[kind]int{zero: closed, unit: afterUnit, teen: closed, tens: afterTens, hundred: afterHundred}[w.kind]
	case w.kind == hundred && b.stage == afterUnit:
		b.val *= 100
		b.stage = afterHundred
	case w.kind == unit && (b.stage == afterTens || b.stage == afterHundred):
		b.val += w.val
		b.stage = closed
	case w.kind == teen && b.stage == afterHundred:
		b.val += w.val
		b.stage = closed
	case w.kind == tens && b.stage == afterHundred:
		b.val += w.val
		b.stage = afterTens
	default:
		return false
	}
	return true
}

type token struct {
	text     string
	digits   bool
	negative bool // a minus right before the digits, not between two numbers
}

// tokens splits text into runs of letters and runs of digits: «9лет» is 9 and «лет».
func tokens(s string) []token {
	var out []token
	rs := []rune(s)
	for i := 0; i < len(rs); {
		r := rs[i]
		isDigit := unicode.IsDigit(r)
		if !isDigit && !unicode.IsLetter(r) {
			i++
			continue
		}
		j := i
		for j < len(rs) && (unicode.IsDigit(rs[j]) == isDigit) && (unicode.IsDigit(rs[j]) || unicode.IsLetter(rs[j])) {
			j++
		}
		t := token{text: string(rs[i:j]), digits: isDigit}
		if isDigit && i > 0 && (rs[i-1] == '-' || rs[i-1] == '−') && (i == 1 || unicode.IsSpace(rs[i-2])) {
			t.negative = true
		}
		out = append(out, t)
		i = j
	}
	return out
}

// fold lowercases, writes ё as е, and Kazakh letters as people type them on a Russian
// keyboard, so that «қырық», «кырык» and «КЫРЫК» are one word.
func fold(s string) string {
	return strings.Map(func(r rune) rune {
		switch r = unicode.ToLower(r); r {
		case 'ё':
			return 'е'
		case 'ә':
			return 'а'
		case 'ғ':
			return 'г'
		case 'қ':
			return 'к'
		case 'ң':
			return 'н'
		case 'ө':
			return 'о'
		case 'ұ', 'ү':
			return 'у'
		case 'һ':
			return 'х'
		case 'і':
			return 'и'
		}
		return r
	}, s)
}

// The number words, folded, with the case forms people use («нет и трёх лет», «сорока»).
var (
	russian = map[string]word{}
	kazakh  = map[string]word{}
)

func init() {
	for forms, w := range map[string]word{
		"ноль нуль": {0, zero},
		"один одна одно одного одной одну": {1, unit},
		"два две двух":              {2, unit},
		"три трех":                  {3, unit},
		"четыре четырех":            {4, unit},
		"пять пяти":                 {5, unit},
		"шесть шести":               {6, unit},
		"семь семи":                 {7, unit},
		"восемь восьми":             {8, unit},
		"девять девяти":             {9, unit},
		"десять десяти":             {10, teen},
		"одиннадцать одиннадцати":   {11, teen},
		"двенадцать двенадцати":     {12, teen},
		"тринадцать тринадцати":     {13, teen},
		"четырнадцать четырнадцати": {14, teen},
		"пятнадцать пятнадцати":     {15, teen},
		"шестнадцать шестнадцати":   {16, teen},
		"семнадцать семнадцати":     {17, teen},
		"восемнадцать восемнадцати": {18, teen},
		"девятнадцать девятнадцати": {19, teen},
		"двадцать двадцати":         {20, tens},
		"тридцать тридцати":         {30, tens},
		"сорок сорока":              {40, tens},
		"пятьдесят пятидесяти":      {50, tens},
		"шестьдесят шестидесяти":    {60, tens},
		"семьдесят семидесяти":      {70, tens},
		"восемьдесят восьмидесяти":  {80, tens},
		"девяносто девяноста":       {90, tens},
		"сто ста":                   {100, hundred},
	} {
		for _, f := range strings.Fields(forms) {
			russian[f] = w
		}
	}
	for forms, w := range map[string]word{
		"нол":   {0, zero},
		"бир":   {1, unit},
		"еки":   {2, unit},
		"уш":    {3, unit},
		"торт":  {4, unit},
		"бес":   {5, unit},
		"алты":  {6, unit},
		"жети":  {7, unit},
		"сегиз": {8, unit},
		"тогыз": {9, unit},
		"он":    {10, tens},
		"жиырма жыйырма жийырма": {20, tens},
		"отыз":   {30, tens},
		"кырык":  {40, tens},
		"елу":    {50, tens},
		"алпыс":  {60, tens},
		"жетпис": {70, tens},
		"сексен": {80, tens},
		"токсан": {90, tens},
		"жуз":    {100, hundred},
	} {
		for _, f := range strings.Fields(forms) {
			kazakh[f] = w
		}
	}
}

// kazakhEndings are case, ordinal and "at the age of" endings a Kazakh number word takes
// («тоғызда», «бесте», «отызға», «оныншы»), folded, longest first.
var kazakhEndings = []string{
	"ыншы", "инши", "ншы", "нши",
	"дагы", "деги", "тагы", "теги",
	"нан", "нен", "дан", "ден", "тан", "тен", "нда", "нде",
	"да", "де", "та", "те", "га", "ге", "ка", "ке", "ны", "ни", "ды", "ди", "ты", "ти",
}

// lookup finds the number word w is: exactly, with a Kazakh ending, or with a typo in a
// word of five letters or more (one edit; two from eight letters), when one word is
// nearest.
func lookup(w string, kk bool) (word, bool) {
	if n, ok := exact(w, kk); ok {
		return n, true
	}
	for _, e := range kazakhEndings {
		if stem, ok := strings.CutSuffix(w, e); ok {
			if n, ok := kazakh[stem]; ok && (kk || stem != "он") {
				return n, true
			}
		}
	}
	size := len([]rune(w))
	if size < 5 {
		return word{}, false
	}
	allowed := 1
	if size >= 8 {
		allowed = 2
	}
	best, found, tie := allowed+1, word{}, false
	for _, dict := range []map[string]word{russian, kazakh} {
		for k, n := range dict {
			if []rune(k)[0] != []rune(w)[0] { // a typo rarely hits the first letter
				continue
			}
			d := distance(w, k, allowed)
			switch {
			case d < best:
				best, found, tie = d, n, false
			case d == best && n != found:
				tie = true
			}
		}
	}
	if best > allowed || tie {
		return word{}, false
	}
	return found, true
}

func exact(w string, kk bool) (word, bool) {
	if n, ok := russian[w]; ok {
		return n, true
	}
	if n, ok := kazakh[w]; ok && (kk || w != "он") {
		return n, true
	}
	return word{}, false
}

// distance is the Levenshtein distance of a and b, or more than max when it exceeds it.
func distance(a, b string, max int) int {
	ra, rb := []rune(a), []rune(b)
	if d := len(ra) - len(rb); d > max || -d > max {
		return max + 1
	}
	prev := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur := make([]int, len(rb)+1)
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(rb)]
}
