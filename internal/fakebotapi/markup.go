package fakebotapi

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/go-telegram/bot/models"
)

// renderText applies parse_mode to source as Telegram does, roughly: it returns the text a
// person sees, or the reason Telegram would give for not parsing it. known is false for a
// parse_mode Telegram does not have.
func renderText(source, parseMode string) (shown, problem string, known bool) {
	switch {
	case parseMode == "":
		return source, "", true
	case strings.EqualFold(parseMode, "HTML"):
		shown, problem = parseHTML(source)
	case strings.EqualFold(parseMode, "MarkdownV2"):
		shown, problem = parseMarkdownV2(source)
	case strings.EqualFold(parseMode, "Markdown"):
		shown, problem = parseMarkdown(source)
	default:
		return "", "", false
	}
	return shown, problem, true
}

// htmlTags are the tags Telegram's HTML parse mode knows.
var htmlTags = map[string]bool{
	"b": true, "strong": true, "i": true, "em": true, "u": true, "ins": true, "s": true,
	"strike": true, "del": true, "span": true, "tg-spoiler": true, "a": true, "code": true,
	"pre": true, "tg-emoji": true, "blockquote": true,
}

// parseHTML checks Telegram HTML: known tags only, properly nested and closed, and '<' only
// as the start of a tag. It returns the text without tags, entities decoded.
func parseHTML(s string) (string, string) {
	var out strings.Builder
	var open []string
	for i := 0; i < len(s); {
		switch s[i] {
		case '<':
			end := strings.IndexByte(s[i:], '>')
			if strings.HasPrefix(s[i:], "</") {
				if end < 0 {
					return "", fmt.Sprintf("Unclosed end tag at byte offset %d", i)
				}
				name := strings.ToLower(strings.TrimSpace(s[i+2 : i+end]))
				if len(open) == 0 {
					return "", fmt.Sprintf("Unexpected end tag at byte offset %d", i)
				}
				if top := open[len(open)-1]; name != top {
					return "", fmt.Sprintf("Unmatched end tag at byte offset %d, expected \"</%s>\", found \"</%s>\"", i, top, name)
				}
				open = open[:len(open)-1]
				i += end + 1
				continue
			}
			name := strings.ToLower(tagName(s[i+1:]))
			if !htmlTags[name] {
				return "", fmt.Sprintf("Unsupported start tag %q at byte offset %d", name, i)
			}
			if end < 0 {
				return "", fmt.Sprintf("Unclosed start tag at byte offset %d", i)
			}
			open = append(open, name)
			i += end + 1
		case '&':
			if r, n := htmlEntity(s[i:]); n > 0 {
				out.WriteRune(r)
				i += n
				continue
			}
			out.WriteByte('&')
			i++
		default:
			out.WriteByte(s[i])
			i++
		}
	}
	if len(open) > 0 {
		return "", fmt.Sprintf("Can't find end tag corresponding to start tag %q", open[len(open)-1])
	}
	return out.String(), ""
}

func tagName(s string) string {
	n := 0
	for n < len(s) && (s[n] >= 'a' && s[n] <= 'z' || s[n] >= 'A' && s[n] <= 'Z' || s[n] >= '0' && s[n] <= '9' || s[n] == '-') {
		n++
	}
	return s[:n]
}

// htmlEntity decodes the entity s starts with (&lt; &gt; &amp; &quot; or numeric) and
// returns its length in bytes, 0 when s does not start with one Telegram knows.
func htmlEntity(s string) (rune, int) {
	for name, r := range map[string]rune{"&lt;": '<', "&gt;": '>', "&amp;": '&', "&quot;": '"'} {
		if strings.HasPrefix(s, name) {
			return r, len(name)
		}
	}
	if !strings.HasPrefix(s, "&#") {
		return 0, 0
	}
	end := strings.IndexByte(s, ';')
	if end < 3 {
		return 0, 0
	}
	digits, base := s[2:end], 10
	if digits[0] == 'x' || digits[0] == 'X' {
		digits, base = digits[1:], 16
	}
	n, err := strconv.ParseUint(digits, base, 32)
	if err != nil || !utf8.ValidRune(rune(n)) {
		return 0, 0
	}
	return rune(n), end + 1
}

// markdownEntity is a MarkdownV2 entity that is open at offset.
type markdownEntity struct {
	kind   string // as Telegram names it in errors: "Bold", "Italic", ...
	offset int
}

// parseMarkdownV2 checks Telegram MarkdownV2: reserved characters escaped outside entities,
// entities closed. It returns the text without markup.
func parseMarkdownV2(s string) (string, string) {
	var out strings.Builder
	var open []markdownEntity
	top := func() string {
		if len(open) == 0 {
			return ""
		}
		return open[len(open)-1].kind
	}
	// toggle opens kind, or closes it when it is the innermost open entity.
	toggle := func(kind string, at int) string {
		for _, e := range open {
			if e.kind == kind {
				if top() != kind {
					return fmt.Sprintf("Can't find end of %s entity at byte offset %d", top(), open[len(open)-1].offset)
				}
				open = open[:len(open)-1]
				return ""
			}
		}
		open = append(open, markdownEntity{kind: kind, offset: at})
		return ""
	}
	reserved := func(c byte) string {
		return fmt.Sprintf("Character '%c' is reserved and must be escaped with the preceding '\\'", c)
	}

	for i := 0; i < len(s); {
		c := s[i]
		if c == '\\' {
			if i+1 < len(s) && s[i+1] > 0 && s[i+1] < 127 {
				out.WriteByte(s[i+1])
				i += 2
				continue
			}
			return "", reserved(c)
		}
		switch top() {
		case "Code":
			if c == '`' {
				open = open[:len(open)-1]
			} else {
				out.WriteByte(c)
			}
			i++
			continue
		case "Pre":
			if strings.HasPrefix(s[i:], "```") {
				open = open[:len(open)-1]
				i += 3
			} else {
				out.WriteByte(c)
				i++
			}
			continue
		}
		lineStart := i == 0 || s[i-1] == '\n'
		problem := ""
		switch {
		case lineStart && strings.HasPrefix(s[i:], "**>"): // expandable block quotation
			i += 3
		case lineStart && c == '>': // block quotation
			i++
		case strings.HasPrefix(s[i:], "```"):
			open = append(open, markdownEntity{kind: "Pre", offset: i})
			i += 3
			if nl := strings.IndexByte(s[i:], '\n'); nl >= 0 && !strings.ContainsAny(s[i:i+nl], " `") {
				i += nl + 1 // the language line
			}
		case c == '`':
			open = append(open, markdownEntity{kind: "Code", offset: i})
			i++
		case c == '*':
			problem = toggle("Bold", i)
			i++
		case strings.HasPrefix(s[i:], "__"):
			problem = toggle("Underline", i)
			i += 2
		case c == '_':
			problem = toggle("Italic", i)
			i++
		case c == '~':
			problem = toggle("Strikethrough", i)
			i++
		case strings.HasPrefix(s[i:], "||"):
			problem = toggle("Spoiler", i)
			i += 2
		case c == '[':
			open = append(open, markdownEntity{kind: "TextUrl", offset: i})
			i++
		case strings.HasPrefix(s[i:], "!["):
			open = append(open, markdownEntity{kind: "CustomEmoji", offset: i})
			i += 2
		case c == ']' && (top() == "TextUrl" || top() == "CustomEmoji"):
			if !strings.HasPrefix(s[i+1:], "(") {
				return "", reserved(c)
			}
			end := urlEnd(s, i+2)
			if end < 0 {
				return "", fmt.Sprintf("Can't find end of a URL at byte offset %d", i+2)
			}
			open = open[:len(open)-1]
			i = end + 1
		case strings.IndexByte("_*[]()~`>#+-=|{}.!", c) >= 0:
			return "", reserved(c)
		default:
			out.WriteByte(c)
			i++
		}
		if problem != "" {
			return "", problem
		}
	}
	if len(open) > 0 {
		e := open[len(open)-1]
		return "", fmt.Sprintf("Can't find end of %s entity at byte offset %d", e.kind, e.offset)
	}
	return out.String(), ""
}

// urlEnd finds the ')' ending a MarkdownV2 link URL that starts at from, -1 if none.
func urlEnd(s string, from int) int {
	for j := from; j < len(s); j++ {
		switch s[j] {
		case '\\':
			j++
		case ')':
			return j
		}
	}
	return -1
}

// parseMarkdown checks Telegram's legacy Markdown: *bold*, _italic_, `code`, ```pre```
// and [text](url) closed; entities do not nest. It returns the text without markup.
func parseMarkdown(s string) (string, string) {
	var out strings.Builder
	closing, openedAt := "", 0
	for i := 0; i < len(s); {
		c := s[i]
		if closing == "" {
			switch {
			case c == '\\' && i+1 < len(s) && strings.IndexByte("_*`[", s[i+1]) >= 0:
				out.WriteByte(s[i+1])
				i += 2
			case strings.HasPrefix(s[i:], "```"):
				closing, openedAt = "```", i
				i += 3
			case c == '*' || c == '_' || c == '`':
				closing, openedAt = string(c), i
				i++
			case c == '[':
				closing, openedAt = "]", i
				i++
			default:
				out.WriteByte(c)
				i++
			}
			continue
		}
		if !strings.HasPrefix(s[i:], closing) {
			out.WriteByte(c)
			i++
			continue
		}
		i += len(closing)
		if closing == "]" {
			if !strings.HasPrefix(s[i:], "(") {
				return "", fmt.Sprintf("Can't find end of the entity starting at byte offset %d", openedAt)
			}
			end := strings.IndexByte(s[i:], ')')
			if end < 0 {
				return "", fmt.Sprintf("Can't find end of the entity starting at byte offset %d", openedAt)
			}
			i += end + 1
		}
		closing = ""
	}
	if closing != "" {
		return "", fmt.Sprintf("Can't find end of the entity starting at byte offset %d", openedAt)
	}
	return out.String(), ""
}

// commandEntities finds the /commands in a person's text, as Telegram marks them with
// bot_command entities (offsets and lengths in UTF-16 code units).
func commandEntities(text string) []models.MessageEntity {
	var entities []models.MessageEntity
	offset := 0 // in UTF-16 code units
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		atWordStart := i == 0 || isSpaceByte(text[i-1])
		if r == '/' && atWordStart {
			end := i + 1
			for end < len(text) && isCommandByte(text[end]) {
				end++
			}
			if end > i+1 {
				if end < len(text) && text[end] == '@' {
					mentionEnd := end + 1
					for mentionEnd < len(text) && isCommandByte(text[mentionEnd]) {
						mentionEnd++
					}
					if mentionEnd > end+1 {
						end = mentionEnd
					}
				}
				if end == len(text) || isSpaceByte(text[end]) {
					entities = append(entities, models.MessageEntity{
						Type: models.MessageEntityTypeBotCommand, Offset: offset, Length: end - i,
					})
					offset += end - i // ASCII only: one code unit a byte
					i = end
					continue
				}
			}
		}
		offset += utf16Len(string(r))
		i += size
	}
	return entities
}

func isCommandByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_'
}

func isSpaceByte(c byte) bool { return c == ' ' || c == '\n' || c == '\t' || c == '\r' }
