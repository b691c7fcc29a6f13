package content

import (
	"fmt"
	"slices"
	"time"
)

// StaleFact is a fact due for a check: its check is older than allowed, or its sources
// predate the reference values the year's amounts are computed with.
type StaleFact struct {
	Service string // the service it belongs to; "" for an office
	Region  string // the office's region; "" for a service's fact
	What    string // "documents", "channel egov", "office employment_social"...
	Checked time.Time
	Reason  string
	File    string
	Line    int
}

// Stale lists the facts whose check is older than maxAge at now, or, for amounts, whose
// every dated source was published before 1 January of the year whose reference values
// apply: a page from last year gives last year's figures. Services first, in order, then
// offices by region.
func (c *Content) Stale(now time.Time, maxAge time.Duration) []StaleFact {
	var out []StaleFact
	limit := now.Add(-maxAge)
	yearStart := time.Date(c.reference.Year(now.Year()), 1, 1, 0, 0, 0, 0, time.UTC)
	add := func(f StaleFact) {
		if f.Checked.IsZero() || f.Checked.Before(limit) {
			f.Reason = fmt.Sprintf("last checked %s, more than %d days ago", day(f.Checked), int(maxAge.Hours()/24))
			if f.Checked.IsZero() {
				f.Reason = "never checked"
			}
			out = append(out, f)
		}
	}
	for _, id := range c.serviceOrder {
		sv := c.services[id]
		fact := func(what string, p Provenance) {
			line := p.Line
			if line == 0 {
				line = sv.Line
			}
			add(StaleFact{Service: id, What: what, Checked: p.Checked(sv.CheckedOn), File: sv.File, Line: line})
		}
		fact("service", Provenance{CheckedOn: sv.CheckedOn, Line: sv.Line})
		if len(sv.Documents) > 0 {
			fact("documents", sv.DocumentsFacts)
		}
		for _, ch := range sv.Channels {
			fact("channel "+string(ch.Kind), ch.Provenance)
		}
		for _, r := range sv.LegalBasis {
			fact("legal basis "+r.Act+" "+r.Article, r.Provenance)
		}
		if sv.Amount != nil && sv.AmountYear == 0 {
			srcs := sv.AmountFacts.SourcesOr(sv.Sources)
			dated, old := 0, 0
			for _, sid := range srcs {
				if s, ok := c.sources[sid]; ok && !s.Published.IsZero() {
					dated++
					if s.Published.Before(yearStart) {
						old++
					}
				}
			}
			if dated > 0 && old == dated {
				out = append(out, StaleFact{Service: id, What: "amount", Checked: sv.AmountFacts.Checked(sv.CheckedOn), File: sv.File, Line: sv.Line,
					Reason: fmt.Sprintf("its sources were all published before %d, whose reference values it is computed with", yearStart.Year())})
			}
		}
	}
	offices := slices.Clone(c.offices)
	slices.SortStableFunc(offices, func(a, b *Office) int {
		switch {
		case a.Region < b.Region:
			return -1
		case a.Region > b.Region:
			return 1
		}
		return 0
	})
	for _, o := range offices {
		f := StaleFact{Region: o.Region, What: "office " + o.Type, Checked: o.CheckedOn, File: o.File, Line: o.Line}
		if o.Unconfirmed && len(o.Sources) == 0 {
			f.Reason = "unconfirmed: no source gives its contacts"
			out = append(out, f)
			continue
		}
		add(f)
	}
	return out
}
