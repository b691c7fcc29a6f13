package content

import (
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// Limits content must respect.
const (
	// MaxIDBytes keeps ids short enough for Telegram's 64-byte callback data and deep links.
	MaxIDBytes = 48
	// MaxScreenText is Telegram's 4096-character message limit less room for the lines the
	// bot adds to a screen (a note above it, the sources below it).
	MaxScreenText = 3800
	// MaxLabel is the longest button label a phone shows without cutting it.
	MaxLabel = 40
)

var idPattern = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)

// kazakhLetters are the letters Kazakh has and Russian does not.
const kazakhLetters = "әғқңөұүһіӘҒҚҢӨҰҮҺІ"

func (l *loader) validate() {
	c := l.c
	l.validateScreeners()
	regionIDs := map[string]bool{}
	for _, r := range c.regions {
		regionIDs[r.ID] = true
	}
	l.validateFacts(regionIDs)
	l.allPlaceholders()
	for _, id := range c.order {
		n := c.nodes[id]
		l.file = n.File
		l.checkNode(n)
		if n.Service != "" {
			if _, ok := c.services[n.Service]; !ok {
				l.errorf(n.Line, "node %q shows service %q, which is not defined", n.ID, n.Service)
			}
		}
	}
	main, ok := c.nodes[MainID]
	if !ok {
		if len(c.order) > 0 {
			l.add(c.nodes[c.order[0]].File, 0, "no node with id %q: the main menu is missing", MainID)
		}
		return
	}
	reached := map[string]bool{MainID: true}
	queue := []*Node{main}
	for len(queue) > 0 {
		n := queue[0]
		queue = queue[1:]
		for _, b := range n.Buttons {
			if next, ok := c.nodes[b]; ok && !reached[b] {
				reached[b] = true
				queue = append(queue, next)
			}
		}
	}
	for _, id := range c.order {
		if !reached[id] {
			n := c.nodes[id]
			l.add(n.File, n.Line, "node %q is unreachable from %q: no button leads to it", id, MainID)
		}
	}
}

func (l *loader) checkNode(n *Node) {
	if len(n.ID) > MaxIDBytes {
		l.errorf(n.Line, "id %q is longer than %d bytes", n.ID, MaxIDBytes)
	}
	if !idPattern.MatchString(n.ID) {
		l.errorf(n.Line, "id %q must be lowercase latin letters, digits and _, starting with a letter", n.ID)
	}

	if n.Title.IsZero() {
		l.errorf(n.Line, "node %q has no title", n.ID)
	} else {
		l.checkText(n.Title, "title")
	}
	if !n.Label.IsZero() {
		l.checkText(n.Label, "label")
	}
	if !n.Text.IsZero() {
		l.checkText(n.Text, "text")
	}
	// Keywords may be given in one language only: they are search words, not text shown
	// to anyone, so the language checks of texts do not apply.
	if !n.Keywords.IsZero() && len(SplitList(n.Keywords.KK))+len(SplitList(n.Keywords.RU)) == 0 {
		l.errorf(n.Keywords.Line, "node %q has empty keywords: give comma-separated words under kk and ru, or remove them", n.ID)
	}
	if strings.TrimSpace(n.Text.KK+n.Text.RU) == "" && len(n.Buttons) == 0 {
		l.errorf(n.Line, "node %q is a dead end: it has neither text nor buttons", n.ID)
	}

	labelText := n.Title
	if !n.Label.IsZero() {
		labelText = n.Label
	}
	for _, lang := range Langs {
		if size := utf8.RuneCountInString(labelText.In(lang)); size > MaxLabel {
			l.errorf(labelText.Line, "%s button label is %d characters, more than %d: too long to read on a phone (shorten the title or add a label)", lang, size, MaxLabel)
		}
		if size := telegramLen(n.Title.In(lang)) + 2 + telegramLen(n.Text.In(lang)); size > MaxScreenText {
			line := n.Text.Line
			if line == 0 {
				line = n.Line
			}
			l.errorf(line, "%s title and text are %d characters, more than %d (Telegram allows 4096 in a message, less what the bot adds)", lang, size, MaxScreenText)
		}
	}

	seen := map[string]bool{}
	for i, b := range n.Buttons {
		line := n.buttonLines[i]
		if _, ok := l.c.nodes[b]; !ok {
			l.errorf(line, "button leads to unknown node %q", b)
		}
		if seen[b] {
			l.errorf(line, "button to %q appears twice on node %q", b, n.ID)
		}
		seen[b] = true
	}

	for _, lk := range n.Links {
		if lk.URL.IsZero() {
			l.errorf(lk.Line, "link without url")
		} else {
			l.checkText(lk.URL, "url")
			for _, u := range distinct(lk.URL.KK, lk.URL.RU) {
				if !strings.HasPrefix(u, "https://") {
					l.errorf(lk.URL.Line, "link url %q must start with https://", u)
				}
			}
		}
		if lk.Label.IsZero() {
			l.errorf(lk.Line, "link without label")
		} else {
			l.checkText(lk.Label, "link label")
			for _, lang := range Langs {
				if size := utf8.RuneCountInString(lk.Label.In(lang)); size > MaxLabel {
					l.errorf(lk.Label.Line, "%s link label is %d characters, more than %d", lang, size, MaxLabel)
				}
			}
		}
	}
}

// checkText reports a missing language and a text that seems to be in the wrong language.
func (l *loader) checkText(t Text, what string) {
	if t.KK == "" {
		l.errorf(t.Line, "%s: missing kk (Kazakh) text", what)
	}
	if t.RU == "" {
		l.errorf(t.Line, "%s: missing ru (Russian) text", what)
	}
	if what == "url" {
		return
	}
	if words := len(strings.Fields(t.KK)); words > 4 && !strings.ContainsAny(t.KK, kazakhLetters) {
		l.errorf(t.Line, "%s: the kk text has %d words but none of the letters ә ғ қ ң ө ұ ү һ і: is it Russian?", what, words)
	}
	if w := kazakhWordOutsideNames(t.RU); w != "" {
		l.errorf(t.Line, "%s: the ru text has the Kazakh word %q; Russian texts use Kazakh letters only in proper names and quoted titles", what, w)
	}
}

// kazakhWordOutsideNames returns the first word of s spelt with a Kazakh-only letter that is
// neither capitalised (a proper name such as Ұлытау) nor inside quotes (the official
// Kazakh title of a service, «Баланы қонақ отбасыға беру»).
func kazakhWordOutsideNames(s string) string {
	quoted := false
	var word []rune
	flush := func() string {
		defer func() { word = word[:0] }()
		if quoted || len(word) == 0 || unicode.IsUpper(word[0]) {
			return ""
		}
		if strings.ContainsAny(string(word), kazakhLetters) {
			return string(word)
		}
		return ""
	}
	for _, r := range s {
		switch {
		case r == '«' || r == '“':
			if w := flush(); w != "" {
				return w
			}
			quoted = true
		case r == '»' || r == '”':
			flush()
			quoted = false
		case r == '"':
			if w := flush(); w != "" {
				return w
			}
			quoted = !quoted
		case unicode.IsLetter(r) || r == '-':
			word = append(word, r)
		default:
			if w := flush(); w != "" {
				return w
			}
		}
	}
	return flush()
}

// checkLabel reports a text too long for a button.
func (l *loader) checkLabel(t Text, what string) {
	for _, lang := range Langs {
		if size := utf8.RuneCountInString(t.In(lang)); size > MaxLabel {
			l.errorf(t.Line, "%s %s is %d characters, more than %d: too long for a button on a phone", lang, what, size, MaxLabel)
		}
	}
}

// distinct returns the non-empty strings of ss without repeats.
func distinct(ss ...string) []string {
	var out []string
	for _, s := range ss {
		if s != "" && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// telegramLen counts characters as Telegram does, in UTF-16 code units.
func telegramLen(s string) int { return len(utf16.Encode([]rune(s))) }
