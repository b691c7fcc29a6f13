package content

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// A figure that a rule computes or the reference holds is written in texts as a
// placeholder, so it lives in one place: {{amount}} (in a service: its amount),
// {{amount <service> <question>=<answer> ...}} (a service's amount for those answers),
// {{mrp}}, {{pm}}, {{mzp}} (the year's reference values), {{mrp 2025}} (another year's),
// {{year}} (the year those values are of).
var placeholder = regexp.MustCompile(`\{\{\s*([a-z]+)((?:\s+[a-z0-9_]+(?:=[^\s}]*)?)*)\s*\}\}`)

// placeholderArgs splits what follows a placeholder's name: a year, or a service and
// answers.
func placeholderArgs(s string) []string { return strings.Fields(s) }

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
		args := placeholderArgs(p[2])
		if p[1] == "year" {
			return strconv.Itoa(c.reference.Year(year))
		}
		if p[1] == "amount" {
			if len(args) == 0 {
				if amount == "" {
					return m
				}
				return amount
			}
			if v, err := c.amountFor(args, year); err == "" {
				return Tenge(v)
			}
			return m
		}
		y := c.reference.Year(year)
		if len(args) == 1 {
			y, _ = strconv.Atoi(args[0])
		}
		if v, ok := c.reference.value(p[1], y); ok {
			return Tenge(v)
		}
		return m
	})
}

// amountFor computes {{amount <service> q=v ...}}: the service's amount for those answers
// in year; the problem in words when it cannot.
func (c *Content) amountFor(args []string, year int) (float64, string) {
	sv, ok := c.services[args[0]]
	if !ok || sv.Amount == nil || sv.Amount.program == nil {
		return 0, fmt.Sprintf("%q is not a service with an amount rule", args[0])
	}
	sc, ok := c.screeners[sv.Screener]
	if !ok {
		return 0, fmt.Sprintf("service %q is in no screener", sv.ID)
	}
	a := Answers{}
	for _, kv := range args[1:] {
		k, v, _ := strings.Cut(kv, "=")
		q, ok := sc.Question(k)
		if !ok {
			return 0, fmt.Sprintf("screener %q has no question %q", sc.ID, k)
		}
		switch q.Type {
		case Number:
			n, err := strconv.Atoi(v)
			if err != nil {
				return 0, fmt.Sprintf("%s=%s: a number is needed", k, v)
			}
			a[k] = n
		case YesNo:
			a[k] = v == "true" || v == "yes"
		default:
			a[k] = v
		}
	}
	v, err := sv.Amount.Number(c.Env(sc, a, year))
	if err != nil {
		return 0, err.Error()
	}
	return v, ""
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
