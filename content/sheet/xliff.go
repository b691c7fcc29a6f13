package sheet

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode"
)

// XLIFF 2.0 (OASIS), as translation tools read it: Russian is the source, Kazakh the target.
// One <file> per content file, one <unit> per cell. Ids in XLIFF are NMTOKENs (no "/" or
// "#"), so a unit's id is the cell's place with "/" written "." and other characters as
// ":XX"; its name attribute holds the cell's id as the CSV shows it.

const xliffNS = "urn:oasis:names:tc:xliff:document:2.0"

type xliffDoc struct {
	XMLName xml.Name    `xml:"urn:oasis:names:tc:xliff:document:2.0 xliff"`
	Version string      `xml:"version,attr"`
	SrcLang string      `xml:"srcLang,attr"`
	TrgLang string      `xml:"trgLang,attr"`
	Files   []xliffFile `xml:"file"`
}

type xliffFile struct {
	ID       string      `xml:"id,attr"`
	Original string      `xml:"original,attr,omitempty"`
	Space    string      `xml:"http://www.w3.org/XML/1998/namespace space,attr,omitempty"`
	Units    []xliffUnit `xml:"unit"`
}

type xliffUnit struct {
	ID      string       `xml:"id,attr"`
	Name    string       `xml:"name,attr,omitempty"`
	Notes   *xliffNotes  `xml:"notes,omitempty"`
	Segment xliffSegment `xml:"segment"`
}

type xliffNotes struct {
	Notes []xliffNote `xml:"note"`
}

type xliffNote struct {
	Category string `xml:"category,attr,omitempty"`
	Text     string `xml:",chardata"`
}

type xliffSegment struct {
	State  string  `xml:"state,attr,omitempty"`
	Source string  `xml:"source"`
	Target *string `xml:"target,omitempty"`
}

// WriteXLIFF writes the cells as an XLIFF 2.0 document (source ru, target kk). A cell
// without Kazakh text has no target and the state "initial"; a cell changed since an
// earlier export has a note saying what changed.
func WriteXLIFF(w io.Writer, cells []Cell) error {
	doc := xliffDoc{Version: "2.0", SrcLang: "ru", TrgLang: "kk"}
	index := map[string]int{}
	for _, c := range cells {
		file, place, _ := strings.Cut(c.ID, "#")
		i, ok := index[file]
		if !ok {
			i = len(doc.Files)
			index[file] = i
			doc.Files = append(doc.Files, xliffFile{ID: fileToken(file), Original: file, Space: "preserve"})
		}
		u := xliffUnit{ID: token(place), Name: c.ID, Segment: xliffSegment{Source: c.RU, State: "initial"}}
		if c.KK != "" {
			kk := c.KK
			u.Segment.Target, u.Segment.State = &kk, "translated"
		}
		if c.Changed != "" {
			u.Notes = &xliffNotes{Notes: []xliffNote{{Category: "changed", Text: "changed since the previous export: " + c.Changed}}}
		}
		doc.Files[i].Units = append(doc.Files[i].Units, u)
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// ReadXLIFF reads an XLIFF 2.0 document written by WriteXLIFF, after a translation tool
// filled in or changed its targets (and sources). A unit's line is its cell's Line.
func ReadXLIFF(r io.Reader) ([]Cell, error) {
	d := xml.NewDecoder(r)
	var (
		cells    []Cell
		file     string
		sawRoot  bool
		problems Problems
	)
	for {
		line, _ := d.InputPos()
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var se *xml.SyntaxError
			if errors.As(err, &se) {
				return nil, Problems{{Line: se.Line, Message: "not valid XML: " + se.Msg}}
			}
			return nil, Problems{{Line: line, Message: err.Error()}}
		}
		start, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		switch start.Name.Local {
		case "xliff":
			sawRoot = true
			if start.Name.Space != xliffNS {
				return nil, Problems{{Line: line, Message: "not an XLIFF 2.0 document (expected the namespace " + xliffNS + ")"}}
			}
		case "file":
			var id, original string
			for _, a := range start.Attr {
				switch a.Name.Local {
				case "id":
					id = a.Value
				case "original":
					original = a.Value
				}
			}
			file = original
			if file == "" {
				file = untoken(strings.ReplaceAll(id, ".", ":2E"))
			}
		case "unit":
			line, _ = d.InputPos()
			var u xliffUnit
			if err := d.DecodeElement(&u, &start); err != nil {
				return nil, Problems{{Line: line, Message: "not valid XML: " + err.Error()}}
			}
			if file == "" || u.ID == "" {
				problems = append(problems, Problem{Line: line, Message: "a unit outside a <file> with an original name, or without an id"})
				continue
			}
			id := file + "#" + untoken(u.ID)
			c := Cell{ID: id, File: file, RU: normalize(u.Segment.Source), Line: line}
			if u.Segment.Target != nil {
				c.KK = normalize(*u.Segment.Target)
			}
			cells = append(cells, c)
		}
	}
	if !sawRoot {
		return nil, Problems{{Message: "not an XLIFF document (no <xliff> element)"}}
	}
	if len(problems) > 0 {
		return nil, problems
	}
	return cells, nil
}

// token writes s as an XML NMTOKEN, reversibly: "/" as ".", and ".", ":" and every
// character an NMTOKEN cannot hold as ":XX" per byte.
func token(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '/':
			b.WriteByte('.')
		case r == '-' || r == '_' || r < 0x80 && (unicode.IsLetter(r) || unicode.IsDigit(r)),
			r >= 0x80 && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			b.WriteRune(r)
		default:
			for _, c := range []byte(string(r)) {
				fmt.Fprintf(&b, ":%02X", c)
			}
		}
	}
	return b.String()
}

// untoken reverses token.
func untoken(s string) string {
	var b []byte
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '.':
			b = append(b, '/')
		case c == ':' && i+2 < len(s):
			if n, err := strconv.ParseUint(s[i+1:i+3], 16, 8); err == nil {
				b = append(b, byte(n))
				i += 2
				continue
			}
			b = append(b, c)
		default:
			b = append(b, c)
		}
	}
	return string(b)
}

// fileToken writes a file name as an NMTOKEN: as it is, but for "/" and the characters an
// NMTOKEN cannot hold, as ":XX".
func fileToken(name string) string {
	var b strings.Builder
	for _, part := range strings.Split(name, "/") {
		if b.Len() > 0 {
			b.WriteString(":2F")
		}
		b.WriteString(strings.ReplaceAll(token(part), ":2E", "."))
	}
	return b.String()
}
