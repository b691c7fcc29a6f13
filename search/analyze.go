package search

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/snowballstem"
	"github.com/blevesearch/snowballstem/russian"

	"github.com/qamqor/qamqor/content"
	"github.com/qamqor/qamqor/internal/textfold"
)

// maxQueryRunes bounds how much of a message is read as a question: nobody asks in more,
// and it keeps a 10,000-character message as cheap as a short one.
const maxQueryRunes = 300

// words splits text into lowercased, folded words (textfold.PlainRune: Kazakh letters as
// on a Russian keyboard, ё as е): runs of letters and digits. It reads at
// most limit runes (0: all).
func words(text string, limit int) []string {
	var out []string
	var b strings.Builder
	flush := func() {
		if b.Len() > 0 {
			out = append(out, b.String())
			b.Reset()
		}
	}
	n := 0
	for _, r := range text {
		inWord := unicode.IsLetter(r) || unicode.IsDigit(r)
		if limit > 0 {
			if n == limit {
				if inWord {
					b.Reset() // a word cut in two would be a word nobody wrote
				}
				break
			}
			n++
		}
		if !inWord {
			flush()
			continue
		}
		b.WriteRune(textfold.PlainRune(r))
	}
	flush()
	return out
}

// terms turns text into the terms the index keeps: folded words without stop words,
// reduced to their stems in the given language. memo, when not nil, keeps stems already
// computed: content repeats its words, and stemming is most of the cost of a build.
func terms(lang content.Lang, text string, limit int, memo map[string]string) []string {
	ws := words(text, limit)
	out := ws[:0]
	for _, w := range ws {
		if stop[lang][w] {
			continue
		}
		st, ok := memo[w]
		if !ok {
			st = stem(lang, w)
			if memo != nil {
				memo[w] = st
			}
		}
		out = append(out, st)
	}
	return out
}

// queryTerms turns a question into terms as terms does, and also drops a misspelt stop
// word («миня» for «меня»): a word the index does not know that sounds like one and like
// no word of the content.
func (li *langIndex) queryTerms(text string) []string {
	ws := words(text, maxQueryRunes)
	out := ws[:0]
	for _, w := range ws {
		if stop[li.lang][w] {
			continue
		}
		st := stem(li.lang, w)
		if _, known := li.vocab[st]; !known && utf8.RuneCountInString(w) <= maxStopSound {
			if k := soundKey(w); li.stopSounds[k] && len(li.sounds[soundKey(st)]) == 0 {
				continue
			}
		}
		out = append(out, st)
	}
	return out
}

// maxStopSound is the longest word taken for a misspelt stop word: stop words are short.
const maxStopSound = 5

// soundKey is how a word sounds more than how it is spelt, for the short words typo
// matching leaves alone (three or four letters allow no edit): «мущ» and «муж», «бёт»
// and «бьет», «миня» and «меня» meet. Soft and hard signs go, unstressed vowels that are
// often confused meet (о/а, е/и/ы, я/а, ю/у), doubled letters are one, and a final
// consonant is devoiced as it is said (ж→ш, д→т), щ being ш.
func soundKey(w string) string {
	rs := make([]rune, 0, len(w))
	for _, r := range w {
		switch r {
		case 'ь', 'ъ':
			continue
		case 'щ':
			r = 'ш'
		case 'о', 'я':
			r = 'а'
		case 'е', 'э', 'ы':
			r = 'и'
		case 'ю':
			r = 'у'
		}
		if len(rs) > 0 && rs[len(rs)-1] == r {
			continue
		}
		rs = append(rs, r)
	}
	if n := len(rs); n > 0 {
		if d, ok := devoiced[rs[n-1]]; ok {
			rs[n-1] = d
		}
	}
	return string(rs)
}

var devoiced = map[rune]rune{'б': 'п', 'в': 'ф', 'г': 'к', 'д': 'т', 'ж': 'ш', 'з': 'с'}

// stem reduces a folded word to its stem: Snowball for Russian, suffix stripping for
// Kazakh. Words with digits or Latin letters (111, egov) are kept as they are.
func stem(lang content.Lang, w string) string {
	if !isCyrillic(w) {
		return w
	}
	if lang == content.KK {
		return kazakhStem(w)
	}
	if utf8.RuneCountInString(w) <= 2 {
		return w // Snowball has nothing to take from "ау" or "ее" but their meaning
	}
	env := snowballstem.NewEnv(w)
	russian.Stem(env)
	return env.Current()
}

func isCyrillic(w string) bool {
	for _, r := range w {
		if !unicode.Is(unicode.Cyrillic, r) {
			return false
		}
	}
	return true
}

// stop holds words too common to say what a question is about, folded. Russian adds
// question words to Snowball's list; Kazakh has no such list in a library.
var stop = map[content.Lang]map[string]bool{
	content.RU: set(`и в во не что он на я с со как а то все она так его но да ты к у же вы за бы по только ее мне было вот от меня еще нет о из ему теперь когда даже ну вдруг ли если уже или ни быть был него до вас нибудь опять уж вам ведь там потом себя ничего ей может они тут где есть надо ней для мы тебя их чем была сам чтоб без будто чего раз тоже себе под будет ж тогда кто этот того потому этого какой совсем ним здесь этом один почти мой тем чтобы нее сейчас были куда зачем всех никогда можно при наконец об другой хоть после над больше тот через эти нас про всего них какая много разве эту моя впрочем хорошо свою этой перед иногда лучше чуть том нельзя такой им более всегда конечно всю между
		какое какие каких каким какую нужно нужен нужна нужны хочу хотим хотела хотел скажите подскажите пожалуйста здравствуйте привет делать сделать это мой моей моего мою мои моих наш наша наши
		получить получит получать получу получил получила
		лучший лучшая лучше хороший хорошая плохой самый самая сегодня завтра вчера очень просто вообще`),
	content.KK: foldedSet(`және мен бен пен да де та те ма ме ба бе па пе ғой ғана не қалай қандай қай қайда қашан неге неше кім ол бұл осы сол мұнда сонда мен сен сіз біз олар маған саған сізге бізге менің сенің сіздің біздің оның өз өзім өзіңіз бар жоқ болады болу бола керек қажет үшін туралы бойынша арқылы ретінде дегеніміз деген дегенді деп сияқты немесе әлде ия иә жоқ сәлем сәлеметсіз рахмет айтыңызшы көмектесіңіз
		ең өте жақсы жаман бүгін ертең кеше келеді келді келсе тұр енді`),
}

func set(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(s) {
		m[w] = true
	}
	return m
}

func foldedSet(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range words(s, 0) {
		m[w] = true
	}
	return m
}
