package content

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// validateFacts checks the sources registry, the acts, the offices and every service's
// facts against them: what `content check` promises editors (content/FORMAT.md).
func (l *loader) validateFacts(regionIDs map[string]bool) {
	c := l.c
	for _, s := range c.Sources() {
		l.file = s.File
		switch {
		case !s.Read.IsZero() && s.Read.After(l.now):
			l.errorf(s.Line, "source %q: read %s is in the future", s.ID, day(s.Read))
		case !s.Published.IsZero() && !s.Read.IsZero() && s.Published.After(s.Read):
			l.errorf(s.Line, "source %q: published %s is after the day it was read (%s)", s.ID, day(s.Published), day(s.Read))
		}
	}
	for _, o := range c.offices {
		l.file = o.File
		l.checkOffice(o, regionIDs)
	}
	for _, id := range c.serviceOrder {
		sv := c.services[id]
		l.file = sv.File
		l.checkServiceFacts(sv)
	}
	if c.hasReference {
		l.file = l.referenceFile
		l.checkProvenance(Provenance{Sources: c.reference.Sources, CheckedOn: l.lastRead(c.reference.Sources)}, time.Time{}, "reference")
	}
	l.officeGaps(regionIDs)
	l.checkReferenceYears()
	l.checkTypedFigures()
}

func day(t time.Time) string { return t.Format(time.DateOnly) }

// kzPhone is a Kazakhstan number as the bot shows it: +7 and ten digits (spaces, brackets
// and hyphens between them allowed), or a short national line of 3 or 4 digits (102, 1414).
var (
	kzPhone    = regexp.MustCompile(`^\+7[\s()\-]*(\d[\s()\-]*){10}$`)
	shortPhone = regexp.MustCompile(`^\d{3,4}$`)
)

// ValidPhone reports whether s is a phone written as content requires.
func ValidPhone(s string) bool { return kzPhone.MatchString(s) || shortPhone.MatchString(s) }

func (l *loader) checkOffice(o *Office, regionIDs map[string]bool) {
	what := fmt.Sprintf("office %s/%s", o.Type, o.Region)
	if _, ok := l.c.OfficeType(o.Type); !ok {
		l.errorf(o.Line, "%s: unknown office type %q (see office_types)", what, o.Type)
	}
	if o.Region != AllRegions && !regionIDs[o.Region] {
		l.errorf(o.Line, "%s: unknown region %q", what, o.Region)
	}
	if o.Name.KK == "" && o.Name.RU == "" {
		l.errorf(o.Line, "%s has no name", what)
	}
	for _, t := range []Text{o.Name, o.Address, o.Hours, o.Note} {
		l.checkPartialText(t)
	}
	for _, p := range o.Phones {
		if !ValidPhone(p) {
			l.errorf(o.Line, "%s: phone %q is not a Kazakhstan number: write +7 and 10 digits (+7 727 123 45 67), or a short line such as 1414", what, p)
		}
	}
	if o.Web != "" && !strings.HasPrefix(o.Web, "https://") && !strings.HasPrefix(o.Web, "http://") {
		l.errorf(o.Line, "%s: web %q must be an address starting with https:// (or http://)", what, o.Web)
	}
	if o.Unconfirmed {
		if o.Note.IsZero() {
			l.errorf(o.Line, "%s is unconfirmed: say in note what is known and where a person can confirm it", what)
		}
	} else if len(o.Sources) == 0 {
		l.errorf(o.Line, "%s has no sources: give them, or mark it unconfirmed with a note", what)
	}
	l.checkProvenance(o.Provenance, time.Time{}, what)
}

// checkPartialText checks a text that may be given in one language only (a proper name).
func (l *loader) checkPartialText(t Text) {
	if t.IsZero() {
		return
	}
	if t.KK != "" && t.RU != "" {
		l.checkText(t, "text")
	}
}

func (l *loader) checkServiceFacts(sv *Service) {
	c := l.c
	what := fmt.Sprintf("service %q", sv.ID)
	if !sv.HasDocuments() {
		l.errorf(sv.Line, "%s says nothing of documents: list them under documents, or say under documents_unknown that they are not known and where to ask", sv.ID)
	}
	if !sv.HasChannels() {
		l.errorf(sv.Line, "%s says nothing of where to apply: list channels, or say under channels_unknown that it is not known and where to ask", sv.ID)
	}
	if !sv.HasLegalBasis() {
		l.errorf(sv.Line, "%s has no legal basis: give legal_basis (act and article), or say under legal_basis_unknown where it can be confirmed", sv.ID)
	}
	for _, t := range []Text{sv.DocumentsUnknown, sv.ChannelsUnknown, sv.LegalBasisUnknown, sv.ProcessingTime, sv.LegalNote} {
		if !t.IsZero() {
			l.checkText(t, "text")
		}
	}
	for _, d := range sv.Documents {
		l.checkText(d.Text, "document")
	}
	for _, ch := range sv.Channels {
		if ch.Kind == ChannelOffice && ch.Office == "" {
			l.errorf(ch.Line, "%s: a channel of kind office must name the office type (office: ...)", what)
		}
		if ch.Office != "" {
			if _, ok := c.OfficeType(ch.Office); !ok {
				l.errorf(ch.Line, "%s: unknown office type %q", what, ch.Office)
			}
		}
		if ch.URL != "" && !strings.HasPrefix(ch.URL, "https://") {
			l.errorf(ch.Line, "%s: channel url %q must start with https://", what, ch.URL)
		}
		if ch.What.IsZero() {
			l.errorf(ch.Line, "%s: say under what what the person does there", what)
		} else {
			l.checkText(ch.What, "what")
		}
		l.checkProvenance(ch.Provenance, sv.CheckedOn, what)
	}
	for _, r := range sv.LegalBasis {
		if _, ok := c.acts[r.Act]; !ok {
			l.errorf(r.Line, "%s: unknown act %q (see acts in sources.yaml)", what, r.Act)
		}
		l.checkProvenance(r.Provenance, sv.CheckedOn, what)
	}
	for _, x := range sv.Excludes {
		if _, ok := c.services[x]; !ok || x == sv.ID {
			l.errorf(sv.Line, "%s excludes %q, which is not another service", what, x)
		}
	}
	for _, t := range sv.OfficeTypes {
		if _, ok := c.OfficeType(t); !ok {
			l.errorf(sv.Line, "%s: unknown office type %q", what, t)
		}
	}
	for _, p := range []Provenance{sv.AmountFacts, sv.DocumentsFacts, sv.ProcessingFacts} {
		l.checkProvenance(p, sv.CheckedOn, what)
	}
	l.checkProvenance(Provenance{Sources: sv.Sources, CheckedOn: sv.CheckedOn, Line: sv.Line}, time.Time{}, what)
}

// checkProvenance checks that a fact's own sources are registered, and that the day it was
// checked (its own, or fallback: the service's) is neither in the future, nor before a
// source was published, nor after the last day any of its sources was read: only reading
// a source moves it. A fact without sources of its own has the service's, checked there.
func (l *loader) checkProvenance(p Provenance, fallback time.Time, what string) {
	if len(p.Sources) == 0 {
		return
	}
	checked := p.Checked(fallback)
	var lastRead time.Time
	for _, id := range p.Sources {
		s, ok := l.c.sources[id]
		if !ok {
			l.errorf(p.Line, "%s: source %q is not in the sources registry (sources.yaml), so it has no dates", what, id)
			continue
		}
		if s.Read.After(lastRead) {
			lastRead = s.Read
		}
		if !checked.IsZero() && !s.Published.IsZero() && checked.Before(s.Published) {
			l.errorf(p.Line, "%s: checked_on %s is before its source %q was published (%s)", what, day(checked), id, day(s.Published))
		}
	}
	switch {
	case checked.IsZero():
		l.errorf(p.Line, "%s: no checked_on date (the day its sources were read)", what)
	case checked.After(l.now):
		l.errorf(p.Line, "%s: checked_on %s is in the future", what, day(checked))
	case !lastRead.IsZero() && checked.After(lastRead):
		l.errorf(p.Line, "%s: checked_on %s is after the last day its sources were read (%s): read them again and update read in sources.yaml", what, day(checked), day(lastRead))
	}
}

// officeGaps warns, per office type some service needs, of the regions without an office
// of that type (their own or a national one).
func (l *loader) officeGaps(regionIDs map[string]bool) {
	c := l.c
	needed := map[string]bool{}
	for _, id := range c.serviceOrder {
		for _, t := range c.services[id].OfficeTypes {
			needed[t] = true
		}
		for _, ch := range c.services[id].Channels {
			if ch.Office != "" {
				needed[ch.Office] = true
			}
		}
	}
	for _, t := range c.officeTypes {
		if !needed[t.ID] {
			continue
		}
		var missing []string
		for _, r := range c.regions {
			if len(c.Offices(t.ID, r.ID)) == 0 {
				missing = append(missing, r.ID)
			}
		}
		if len(missing) > 0 {
			l.warn(l.fileOf(t), t.Line, "office type %q, which services need, has no office in %d regions: %s", t.ID, len(missing), strings.Join(missing, ", "))
		}
	}
}

func (l *loader) fileOf(t *OfficeType) string {
	for _, o := range l.c.offices {
		if o.Type == t.ID {
			return o.File
		}
	}
	return l.file
}

// checkReferenceYears warns from 1 December when next year's reference values are
// missing: on 1 January they apply, and every computed amount would use last year's.
func (l *loader) checkReferenceYears() {
	r := l.c.reference
	if !l.c.hasReference || l.now.Month() != time.December {
		return
	}
	next := l.now.Year() + 1
	var missing []string
	if _, ok := r.MRP[next]; !ok {
		missing = append(missing, "mrp")
	}
	if _, ok := r.PM[next]; !ok {
		missing = append(missing, "pm")
	}
	if len(r.MZP) > 0 {
		if _, ok := r.MZP[next]; !ok {
			missing = append(missing, "mzp")
		}
	}
	if len(missing) > 0 {
		l.warn(l.referenceFile, 0, "the reference values for %d are missing (%s): from 1 January amounts are computed with %d's", next, strings.Join(missing, ", "), l.now.Year())
	}
}

// figure finds amounts written out in a text: 4 325, 93 058, 93058 (four digits or more,
// thousands separated by a space, a no-break space or nothing).
var figure = regexp.MustCompile(`\d{1,3}(?:[ \x{00a0}\x{202f}]\d{3})+|\d{4,}`)

// checkTypedFigures fails on a figure typed into a text that the reference holds or an
// amount rule computes: it would not follow when the value changes. The message gives the
// placeholder to write instead.
func (l *loader) checkTypedFigures() {
	c := l.c
	known := map[int64][]figureSource{}
	r := c.reference
	current := r.Year(l.now.Year())
	for _, name := range []string{"mrp", "pm", "mzp"} {
		for y := range map[string]map[int]float64{"mrp": r.MRP, "pm": r.PM, "mzp": r.MZP}[name] {
			v, _ := r.value(name, y)
			ph := fmt.Sprintf("{{%s %d}}", name, y)
			if y == current {
				ph = "{{" + name + "}}"
			}
			known[int64(v+0.5)] = append(known[int64(v+0.5)], figureSource{placeholder: ph})
		}
	}
	for _, id := range c.serviceOrder {
		sv := c.services[id]
		sc := c.screeners[sv.Screener]
		if sv.Amount == nil || sv.Amount.program == nil || sc == nil {
			continue
		}
		for _, a := range l.answerSets(sc) {
			v, err := sv.Amount.Number(c.Env(sc, a, current))
			if err != nil || v < 1000 {
				continue
			}
			args := []string{sv.ID}
			for _, q := range sc.Questions {
				if ans, ok := a[q.ID]; ok && mentionsAnswers(sv.Amount.Source, &Screener{Questions: []*Question{q}}) {
					args = append(args, fmt.Sprintf("%s=%v", q.ID, ans))
				}
			}
			known[int64(v+0.5)] = append(known[int64(v+0.5)], figureSource{service: sv.ID, placeholder: "{{amount " + strings.Join(args, " ") + "}}"})
		}
	}
	if len(known) == 0 {
		return
	}
	check := func(file string, t Text, what, near string, own bool) {
		reported := map[string]bool{}
		for _, s := range []string{t.KK, t.RU} {
			for _, m := range figure.FindAllString(s, -1) {
				digits := strings.Map(func(r rune) rune {
					if r >= '0' && r <= '9' {
						return r
					}
					return -1
				}, m)
				n, err := strconv.ParseInt(digits, 10, 64)
				if err != nil || reported[digits] {
					continue
				}
				if srcs, ok := known[n]; ok {
					reported[digits] = true
					l.add(file, t.Line, "%s: the figure %s is typed in; write %s, so it follows when the value changes", what, m, bestSource(srcs, near, own))
				}
			}
		}
	}
	for _, id := range c.order {
		n := c.nodes[id]
		check(n.File, n.Text, fmt.Sprintf("node %q", id), id, false)
	}
	for _, id := range c.serviceOrder {
		sv := c.services[id]
		for what, t := range sv.texts() {
			check(sv.File, t, fmt.Sprintf("service %q %s", id, what), id, true)
		}
	}
}

// figureSource is where a figure comes from: a reference value, or a service's amount for
// some answers; placeholder is how to write it.
type figureSource struct{ service, placeholder string }

// bestSource picks, of the places a figure comes from, the service whose id is nearest
// the text's owner (a node about the child benefit means that benefit, though the carer's
// allowance is the same sum), then the reference; own: the text is that service's.
func bestSource(srcs []figureSource, near string, own bool) string {
	best, bestLen := srcs[0], -1
	for _, s := range srcs {
		n := 0
		if s.service == near {
			if own && s.placeholder == "{{amount "+near+"}}" {
				return "{{amount}}" // in the service's own text
			}
			return s.placeholder
		}
		for n < len(s.service) && n < len(near) && s.service[n] == near[n] {
			n++
		}
		if s.service == "" {
			n = 0
		}
		if n > bestLen || (n == bestLen && len(s.placeholder) < len(best.placeholder)) {
			best, bestLen = s, n
		}
	}
	return best.placeholder
}

// answerSets are the answers the content's own tests give a screener, and none at all:
// enough to learn the figures its amount rules compute.
func (l *loader) answerSets(sc *Screener) []Answers {
	sets := []Answers{{}}
	for _, tc := range l.c.tests {
		if tc.Screener == sc.ID {
			sets = append(sets, tc.Answers)
		}
	}
	return sets
}

// texts are the service's texts people read, by field.
func (sv *Service) texts() map[string]Text {
	m := map[string]Text{"name": sv.Name, "summary": sv.Summary, "for": sv.For, "amount_period": sv.AmountPeriod,
		"documents_unknown": sv.DocumentsUnknown, "channels_unknown": sv.ChannelsUnknown, "processing_time": sv.ProcessingTime,
		"legal_basis_unknown": sv.LegalBasisUnknown, "legal_note": sv.LegalNote, "apply": sv.Apply, "provider": sv.Provider}
	for i, d := range sv.Documents {
		m[fmt.Sprintf("documents[%d]", i)] = d.Text
	}
	for i, ch := range sv.Channels {
		m[fmt.Sprintf("channels[%d].what", i)] = ch.What
	}
	for i, ct := range sv.Contacts {
		m[fmt.Sprintf("contacts[%d]", i)] = ct.Text
	}
	return m
}

// checkPlaceholders fails on a placeholder that names nothing, a year the reference
// lacks, {{amount}} outside a service with an amount, or an amount it cannot compute.
func (l *loader) checkPlaceholders(file string, t Text, what string, hasAmount bool) {
	seen := map[string]bool{}
	for _, s := range []string{t.KK, t.RU} {
		for _, m := range anyPlaceholder.FindAllString(s, -1) {
			if !placeholder.MatchString(m) && !seen[m] {
				seen[m] = true
				l.add(file, t.Line, "%s: %s is not a placeholder the bot can fill (use {{amount}}, {{mrp}}, {{pm}}, {{mzp}} or {{year}}, in latin letters)", what, m)
			}
		}
		for _, p := range placeholder.FindAllStringSubmatch(s, -1) {
			if seen[p[0]] {
				continue
			}
			seen[p[0]] = true
			args := placeholderArgs(p[2])
			switch p[1] {
			case "year":
				if len(args) > 0 {
					l.add(file, t.Line, "%s: %s takes nothing after year", what, p[0])
				}
			case "amount":
				if len(args) == 0 && !hasAmount {
					l.add(file, t.Line, "%s: {{amount}} alone is only for a service with an amount rule; elsewhere write {{amount <service> <question>=<answer>}}", what)
				} else if len(args) > 0 {
					if _, problem := l.c.amountFor(args, l.now.Year()); problem != "" {
						l.add(file, t.Line, "%s: %s: %s", what, p[0], problem)
					}
				}
			case "mrp", "pm", "mzp":
				year := l.c.reference.Year(l.now.Year())
				if len(args) == 1 {
					year, _ = strconv.Atoi(args[0])
				}
				if len(args) > 1 {
					l.add(file, t.Line, "%s: %s takes at most a year after %s", what, p[0], p[1])
				} else if _, ok := l.c.reference.value(p[1], year); !ok {
					l.add(file, t.Line, "%s: %s has no value for %d in the reference", what, p[0], year)
				}
			default:
				l.add(file, t.Line, "%s: unknown placeholder %s (use {{amount}}, {{mrp}}, {{pm}}, {{mzp}} or {{year}})", what, p[0])
			}
		}
	}
}

// anyPlaceholder is anything written as a placeholder, to catch one the bot cannot fill.
var anyPlaceholder = regexp.MustCompile(`\{\{[^{}]*\}\}`)

// allPlaceholders checks the placeholders of every node's and service's texts.
func (l *loader) allPlaceholders() {
	c := l.c
	for _, id := range c.order {
		n := c.nodes[id]
		l.checkPlaceholders(n.File, n.Text, fmt.Sprintf("node %q", id), false)
	}
	for _, id := range c.serviceOrder {
		sv := c.services[id]
		for what, t := range sv.texts() {
			l.checkPlaceholders(sv.File, t, fmt.Sprintf("service %q %s", id, what), sv.Amount != nil)
		}
	}
}

// lastRead is the last day any of the sources was read: what the reference values, which
// carry no checked_on of their own, were last checked against.
func (l *loader) lastRead(ids []string) time.Time {
	var last time.Time
	for _, id := range ids {
		if s, ok := l.c.sources[id]; ok && s.Read.After(last) {
			last = s.Read
		}
	}
	return last
}
