package referrals

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// What a partner's free text (a note, a label, an outcome's comment) may hold that
// identifies a client. The checks are for the partner's sake — a reminder, asked before
// anything is kept — and prefer missing an odd case to questioning ordinary text.

// Kinds of personal data found in text.
type personal string

const (
	personalPhone personal = "phone"
	personalEmail personal = "email"
	personalIIN   personal = "iin"  // ИИН/ЖСН: 12 digits
	personalName  personal = "name" // a surname or a patronymic, or a first name in a note
)

var (
	// digitRun is a number with the separators people write phones with: + ( ) - . and
	// spaces.
	digitRun = regexp.MustCompile(`\+?\d[\d\s().\-]*\d`)
	email    = regexp.MustCompile(`[\p{L}\d._%+\-]+@[\p{L}\d.\-]+\.\p{L}{2,}`)
	wordRe   = regexp.MustCompile(`[\p{L}\-]+`)
)

// phoneOrIIN says what a run of digits is: a Kazakh phone number (+7 or 8 and ten digits,
// or a mobile's ten digits starting with 7), an ИИН (twelve digits), or neither ("").
func phoneOrIIN(run string) personal {
	digits := strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, run)
	switch {
	case len(digits) == 12:
		return personalIIN
	case len(digits) == 11 && (digits[0] == '7' || digits[0] == '8'):
		return personalPhone
	case len(digits) == 10 && digits[0] == '7':
		return personalPhone
	}
	return ""
}

// surnameEndings end Kazakh and Russian surnames and patronymics: a capitalised word
// ending so is taken for one («Садыкова», «Ерланұлы», «Петрович»).
var surnameEndings = []string{
	"ов", "ова", "ев", "ева", "ёв", "ёва", "ин", "ина", "ын", "ына",
	"ұлы", "улы", "қызы", "кызы", "вич", "вна", "ична", "енко",
	// the other cases of the commonest: «для Садыковой», «Иванову», «с Петровым»
	"овой", "евой", "ову", "еву", "овым", "евым", "иной", "ину", "иным", "вичу", "овне", "евне",
}

// notSurnames are capitalised words that end like a surname but name places partners
// write in notes.
var notSurnames = map[string]bool{"украина": true, "россия": true, "сатпаев": true, "курчатов": true}

// streetWords come before a street named after a person («ул. Пушкина», «пр. Назарбаева»):
// the word after one is an address, not the client.
var streetWords = map[string]bool{
	"ул": true, "улица": true, "улице": true, "пр": true, "пр-т": true, "проспект": true, "проспекте": true,
	"көшесі": true, "даңғылы": true, "мкр": true, "им": true, "имени": true,
}

// firstNames are common first names in Kazakhstan: in a note, one is taken for the
// client's name (a label may hold one).
var firstNames = map[string]bool{}

func init() {
	for _, n := range strings.Fields(`айгерим асель айжан айдана аружан динара жанар жулдыз гульнара гульмира
		сауле салтанат алия мадина камила дана мария анна елена ольга наталья татьяна ирина светлана
		ерлан нурлан асхат ерболат бауыржан данияр арман нуржан айдос алибек марат серик талгат
		азамат руслан дмитрий александр сергей андрей алексей иван михаил
		aigerim asel dinara aliya madina erlan nurlan daniyar arman azamat marat`) {
		firstNames[n] = true
	}
}

// surnameLike says a word looks like a surname or a patronymic.
func surnameLike(word string) bool {
	r, _ := utf8.DecodeRuneInString(word)
	if !unicode.IsUpper(r) || strings.ToUpper(word) == word || utf8.RuneCountInString(word) < 4 {
		return false
	}
	lower := strings.ToLower(word)
	if notSurnames[lower] {
		return false
	}
	for _, e := range surnameEndings {
		if strings.HasSuffix(lower, e) && utf8.RuneCountInString(lower) > utf8.RuneCountInString(e)+2 {
			return true
		}
	}
	return false
}

// firstName says a capitalised word is a common first name.
func firstName(word string) bool {
	r, _ := utf8.DecodeRuneInString(word)
	return unicode.IsUpper(r) && firstNames[strings.ToLower(word)]
}

// findPersonal lists the kinds of personal data text seems to hold, each once, in a fixed
// order; names counts a lone first name as personal (notes) or not (labels).
func findPersonal(text string, firstNamesToo bool) []personal {
	found := map[personal]bool{}
	for _, run := range digitRun.FindAllString(text, -1) {
		if k := phoneOrIIN(run); k != "" {
			found[k] = true
		}
	}
	if email.MatchString(text) {
		found[personalEmail] = true
	}
	prev := ""
	for _, w := range wordRe.FindAllString(text, -1) {
		if !streetWords[strings.ToLower(prev)] && (surnameLike(w) || firstNamesToo && firstName(w)) {
			found[personalName] = true
		}
		prev = w
	}
	var out []personal
	for _, k := range []personal{personalPhone, personalEmail, personalIIN, personalName} {
		if found[k] {
			out = append(out, k)
		}
	}
	return out
}

// onlyNames says every kind found is a name.
func onlyNames(found []personal) bool {
	return len(found) == 1 && found[0] == personalName
}
