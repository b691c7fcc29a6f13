package sheet

import (
	"bytes"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// edit replaces data[start:end] with text.
type edit struct {
	start, end int
	text       string
	id, lang   string
	want       string // the text, as it must read back
	restyled   string // why the text is written in another style than before, if it is
}

// lines gives byte offsets of the file's lines, for yaml.Node positions (1-based lines,
// 1-based columns counted in characters).
type lines struct {
	data   []byte
	starts []int
	nl     string // the file's line break
}

func newLines(data []byte) *lines {
	l := &lines{data: data, starts: []int{0}, nl: "\n"}
	for i, b := range data {
		if b == '\n' {
			l.starts = append(l.starts, i+1)
		}
	}
	if bytes.Contains(data, []byte("\r\n")) {
		l.nl = "\r\n"
	}
	return l
}

// offset is the byte offset of a node's position.
func (l *lines) offset(line, col int) (int, bool) {
	if line < 1 || line > len(l.starts) {
		return 0, false
	}
	i := l.starts[line-1]
	if line == 1 && bytes.HasPrefix(l.data, []byte("\ufeff")) {
		i += 3 // the parser does not count a byte order mark as a column
	}
	for c := 1; c < col; c++ {
		if i >= len(l.data) || l.data[i] == '\n' {
			return 0, false
		}
		_, size := utf8.DecodeRune(l.data[i:])
		i += size
	}
	return i, true
}

// lineEnd is the offset of the line break ending the line that holds i (or len(data)).
func (l *lines) lineEnd(i int) int {
	for i < len(l.data) && l.data[i] != '\n' && l.data[i] != '\r' {
		i++
	}
	return i
}

// lineIndent is the number of spaces the line starting at i begins with, and whether the
// line is blank (spaces only).
func (l *lines) lineIndent(i int) (int, bool) {
	n := 0
	for i+n < len(l.data) && l.data[i+n] == ' ' {
		n++
	}
	j := i + n
	return n, j >= len(l.data) || l.data[j] == '\n' || l.data[j] == '\r' || l.data[j] == '\t' && strings.TrimSpace(string(l.data[j:l.lineEnd(j)])) == ""
}

// span finds where the scalar v is written: [start, end). indent is the indentation of
// the mapping holding it (its keys' column - 1), flow whether the mapping is {...}.
func (l *lines) span(v *yaml.Node, indent int, flow bool) (int, int, error) {
	start, ok := l.offset(v.Line, v.Column)
	if !ok {
		return 0, 0, fmt.Errorf("line %d, column %d is outside the file", v.Line, v.Column)
	}
	d := l.data
	switch {
	case v.Style&yaml.DoubleQuotedStyle != 0:
		if start >= len(d) || d[start] != '"' {
			return 0, 0, fmt.Errorf("no opening quote at line %d", v.Line)
		}
		for i := start + 1; i < len(d); i++ {
			switch d[i] {
			case '\\':
				i++
			case '"':
				return start, i + 1, nil
			}
		}
		return 0, 0, fmt.Errorf("no closing quote after line %d", v.Line)
	case v.Style&yaml.SingleQuotedStyle != 0:
		if start >= len(d) || d[start] != '\'' {
			return 0, 0, fmt.Errorf("no opening quote at line %d", v.Line)
		}
		for i := start + 1; i < len(d); i++ {
			if d[i] == '\'' {
				if i+1 < len(d) && d[i+1] == '\'' {
					i++
					continue
				}
				return start, i + 1, nil
			}
		}
		return 0, 0, fmt.Errorf("no closing quote after line %d", v.Line)
	case v.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0:
		_, end, _ := l.block(start, indent)
		return start, end, nil
	}
	if v.Tag == "!!null" && v.Value == "" {
		return start, start, nil // nothing written: "kk:" alone
	}
	return start, l.plainEnd(start, indent, flow), nil
}

// block returns, for a block scalar whose indicator is at start, the end of its header
// line, the end of its last non-blank line, and its content's indentation.
func (l *lines) block(start, indent int) (header, end, contentIndent int) {
	d := l.data
	header = l.lineEnd(start)
	explicit := 0
	for i := start + 1; i < header && d[i] != ' ' && d[i] != '#'; i++ {
		if d[i] >= '1' && d[i] <= '9' {
			explicit = int(d[i] - '0')
		}
	}
	contentIndent = -1
	if explicit > 0 {
		contentIndent = indent + explicit
	}
	end = header
	for i := l.next(header); i < len(d); i = l.next(l.lineEnd(i)) {
		n, blank := l.lineIndent(i)
		if blank {
			continue
		}
		if contentIndent < 0 {
			if n <= indent {
				break
			}
			contentIndent = n
		}
		if n < contentIndent {
			break
		}
		end = l.lineEnd(i)
	}
	if contentIndent < 0 {
		contentIndent = indent + 2
	}
	return header, end, contentIndent
}

// next is the start of the line after the line break at i.
func (l *lines) next(i int) int {
	if i < len(l.data) && l.data[i] == '\r' {
		i++
	}
	if i < len(l.data) && l.data[i] == '\n' {
		i++
	}
	return i
}

// plainEnd finds the end of a plain scalar starting at start, which may go on over more
// lines (indented deeper than its mapping, or up to a flow indicator in {...}).
func (l *lines) plainEnd(start, indent int, flow bool) int {
	d := l.data
	lineEnd := func(i int) (int, bool) { // end of the scalar's text on this line; stopped?
		last := i
		for ; i < len(d) && d[i] != '\n' && d[i] != '\r'; i++ {
			c := d[i]
			if c == '#' && i > 0 && (d[i-1] == ' ' || d[i-1] == '\t') {
				return last, true
			}
			if c == ':' && (i+1 >= len(d) || d[i+1] == ' ' || d[i+1] == '\t' || d[i+1] == '\n' || d[i+1] == '\r' || flow && strings.IndexByte(",[]{}", d[i+1]) >= 0) {
				return last, true
			}
			if flow && strings.IndexByte(",[]{}", c) >= 0 {
				return last, true
			}
			if c != ' ' && c != '\t' {
				last = i + 1
			}
		}
		return last, false
	}
	end, stopped := lineEnd(start)
	for !stopped {
		i := l.next(l.lineEnd(end))
		for i < len(d) { // skip blank lines: they belong to the scalar only if text follows
			if _, blank := l.lineIndent(i); !blank {
				break
			}
			i = l.next(l.lineEnd(i))
		}
		if i >= len(d) {
			break
		}
		n, _ := l.lineIndent(i)
		j := i + n
		for j < len(d) && d[j] == '\t' {
			j++
		}
		if d[j] == '#' || !flow && (n <= indent || d[j] == '-' && j+1 < len(d) && d[j+1] == ' ') {
			break
		}
		if flow && strings.IndexByte(",[]{}", d[j]) >= 0 {
			break
		}
		var e int
		e, stopped = lineEnd(j)
		if e == j {
			break
		}
		end = e
	}
	return end
}

// style names a scalar's style in words, for messages.
func styleName(s yaml.Style) string {
	switch {
	case s&yaml.DoubleQuotedStyle != 0:
		return "double quotes"
	case s&yaml.SingleQuotedStyle != 0:
		return "single quotes"
	case s&yaml.LiteralStyle != 0:
		return "a | block"
	case s&yaml.FoldedStyle != 0:
		return "a > block"
	}
	return "plain (without quotes)"
}

// emit writes text as a YAML scalar in style, or in the nearest style that can hold it:
// the value of a key whose mapping is indented by indent; in a {...} mapping when flow.
// header is a block scalar's original header ("|", "|-", ">2"...), contentIndent its
// lines' indentation. It returns the scalar and the style used.
func emit(text string, style yaml.Style, flow bool, indent int, header string, contentIndent int, nl string) (string, yaml.Style) {
	multiline := strings.Contains(text, "\n")
	switch {
	case style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 && !flow:
		if header == "" {
			header = "|"
		}
		if contentIndent <= indent {
			contentIndent = indent + 2
		}
		pad := strings.Repeat(" ", contentIndent)
		lines := strings.Split(text, "\n")
		folded := style&yaml.FoldedStyle != 0
		for _, ln := range lines {
			if strings.HasPrefix(ln, " ") || strings.HasPrefix(ln, "\t") {
				folded = false // a more-indented line is not folded: keep every break
			}
		}
		if style&yaml.FoldedStyle != 0 && !folded {
			header = "|" + header[1:]
			style = yaml.LiteralStyle
		}
		var b strings.Builder
		b.WriteString(header)
		for i, ln := range lines {
			if folded {
				if i > 0 {
					b.WriteString(nl) // in a > block, each break is a blank line
				}
				if ln == "" {
					continue
				}
			}
			b.WriteString(nl)
			if ln != "" {
				b.WriteString(pad + ln)
			}
		}
		return b.String(), style
	case style&yaml.SingleQuotedStyle != 0 && !multiline && printable(text):
		return "'" + strings.ReplaceAll(text, "'", "''") + "'", yaml.SingleQuotedStyle
	case style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle|yaml.LiteralStyle|yaml.FoldedStyle) == 0 && plainOK(text, flow):
		return text, 0
	case multiline && !flow && style&yaml.DoubleQuotedStyle == 0:
		return emit(text, yaml.LiteralStyle, flow, indent, "|", indent+2, nl)
	}
	return quote(text), yaml.DoubleQuotedStyle
}

// printable reports whether s has no control characters (tabs aside).
func printable(s string) bool {
	for _, r := range s {
		if r != '\t' && (unicode.IsControl(r) || r == '\ufeff' || r == '\u2028' || r == '\u2029') {
			return false
		}
	}
	return true
}

// quote writes s in double quotes, with YAML's escapes.
func quote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		case '\t':
			b.WriteString(`\t`)
		default:
			if unicode.IsControl(r) || r == '\ufeff' || r == '\u2028' || r == '\u2029' {
				if r < 0x100 {
					fmt.Fprintf(&b, `\x%02x`, r)
				} else {
					fmt.Fprintf(&b, `\u%04x`, r)
				}
				continue
			}
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// plainOK reports whether s can be written without quotes and read back as the same text.
func plainOK(s string, flow bool) bool {
	if s == "" || s != strings.TrimSpace(s) || strings.ContainsAny(s, "\n\r\t") || !printable(s) {
		return false
	}
	if strings.Contains(s, ": ") || strings.HasSuffix(s, ":") || strings.Contains(s, " #") {
		return false
	}
	if flow && strings.ContainsAny(s, ",[]{}") {
		return false
	}
	if c := s[0]; strings.IndexByte("?:-", c) >= 0 {
		if len(s) == 1 || s[1] == ' ' {
			return false
		}
	} else if strings.IndexByte(",[]{}#&*!|>'\"%@`", c) >= 0 {
		return false
	}
	doc := "k: " + s
	if flow {
		doc = "{k: " + s + "}"
	}
	var n yaml.Node
	if err := yaml.Unmarshal([]byte(doc), &n); err != nil || len(n.Content) == 0 || len(n.Content[0].Content) != 2 {
		return false
	}
	v := n.Content[0].Content[1]
	return v.Kind == yaml.ScalarNode && v.Value == s && v.Tag != "!!null" && v.Tag != "!!bool"
}

// flatten lists what a parsed file says, by structural path: every node's kind, and every
// scalar's tag and value, to check that a rewrite changed only what it should.
func flatten(doc *yaml.Node) map[string]string {
	out := map[string]string{}
	var walk func(n *yaml.Node, p string)
	walk = func(n *yaml.Node, p string) {
		switch n.Kind {
		case yaml.DocumentNode:
			for _, c := range n.Content {
				walk(c, p)
			}
		case yaml.MappingNode:
			out[p] = "map"
			for i := 0; i+1 < len(n.Content); i += 2 {
				k := n.Content[i]
				kp := p + "/k" + k.Value
				if k.Kind != yaml.ScalarNode {
					kp = fmt.Sprintf("%s/#%d", p, i)
				}
				out[kp+"="] = fmt.Sprintf("key %d %s", k.Kind, k.Value)
				walk(n.Content[i+1], kp)
			}
		case yaml.SequenceNode:
			out[p] = "seq"
			for i, c := range n.Content {
				walk(c, fmt.Sprintf("%s/%d", p, i))
			}
		case yaml.ScalarNode:
			out[p] = "scalar " + n.Tag + " " + n.Value
		case yaml.AliasNode:
			out[p] = "alias " + n.Value
		}
	}
	walk(doc, "")
	return out
}
