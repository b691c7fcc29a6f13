package content

import (
	"regexp"
	"strconv"
	"strings"
)

// A figure that a rule computes or the reference holds is written in texts as a
// placeholder, so it lives in one place: {{amount}} (the service's amount), {{mrp}},
// {{pm}}, {{mzp}} (the year's reference values), {{mrp 2025}} (another year's).
var placeholder = regexp.MustCompile(`\{\{\s*([a-z]+)(?:\s+(\d{4}))?\s*\}\}`)

// Tenge writes an amount as people read it: 43 250 ₸.
func Tenge(v float64) string {
	s := strconv.FormatInt(int64(v+0.5), 10)
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
	}
	return b.String() + " ₸"
}

// Expand fills the placeholders of a text for year; amount is what {{amount}} becomes (the
// service's computed amount, or "" outside a service). A placeholder content check let
// through but the year lacks is left as written, never filled with a wrong figure.
func (c *Content) Expand(s string, year int, amount string) string {
	if !strings.Contains(s, "{{") {
		return s
	}
	return placeholder.ReplaceAllStringFunc(s, func(m string) string {
		p := placeholder.FindStringSubmatch(m)
		if p[1] == "amount" {
			if amount == "" {
				return m
			}
			return amount
		}
		y := c.reference.Year(year)
		if p[2] != "" {
			y, _ = strconv.Atoi(p[2])
		}
		if v, ok := c.reference.value(p[1], y); ok {
			return Tenge(v)
		}
		return m
	})
}

// value is a reference value by name ("mrp", "pm", "mzp") and year.
func (r Reference) value(name string, year int) (float64, bool) {
	var m map[int]float64
	switch name {
	case "mrp":
		m = r.MRP
	case "pm":
		m = r.PM
	case "mzp":
		m = r.MZP
	default:
		return 0, false
	}
	v, ok := m[year]
	return v, ok
}
