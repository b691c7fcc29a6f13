package content

import (
	"strconv"

	"go.yaml.in/yaml/v3"
)

// fields walks a mapping's keys, reporting keys not in allowed.
func (l *loader) fields(m *yaml.Node, what string, allowed []string, f func(key string, val *yaml.Node)) {
	if m.Kind != yaml.MappingNode {
		l.errorf(m.Line, "%s must be a mapping", what)
		return
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(m.Content); i += 2 {
		key, val := m.Content[i], m.Content[i+1]
		if seen[key.Value] {
			l.errorf(key.Line, "%s has %s twice: keep one", what, key.Value)
			continue
		}
		seen[key.Value] = true
		known := false
		for _, a := range allowed {
			if a == key.Value {
				known = true
				break
			}
		}
		if !known {
			l.errorf(key.Line, "unknown key %q in %s (expected %v)", key.Value, what, allowed)
			continue
		}
		f(key.Value, val)
	}
}

func (l *loader) integer(v *yaml.Node, what string) int {
	n, err := strconv.Atoi(l.scalar(v, what))
	if err != nil {
		l.errorf(v.Line, "%s must be a whole number", what)
	}
	return n
}

func (l *loader) rule(v *yaml.Node, what string) *Rule {
	src := l.scalar(v, what)
	if src == "" {
		l.errorf(v.Line, "%s is empty", what)
		return nil
	}
	return &Rule{Source: src, Line: v.Line}
}

// textAt reads a text whose problems are reported at its own line (list items have no key).
func (l *loader) textAt(v *yaml.Node, what string) Text { return l.text(v, v, what) }

var (
	referenceKeys = []string{"mrp", "pm", "mzp", "sources"}
	regionKeys    = []string{"id", "name"}
	contactKeys   = []string{"region", "text"}
)

func (l *loader) parseReference(v *yaml.Node) {
	l.c.hasReference = true
	l.referenceFile = l.file
	l.fields(v, "reference", referenceKeys, func(key string, val *yaml.Node) {
		switch key {
		case "mrp", "pm", "mzp":
			byYear := map[int]float64{}
			if val.Kind != yaml.MappingNode {
				l.errorf(val.Line, "%s must map years to amounts, such as 2026: 4325", key)
			} else {
				for i := 0; i+1 < len(val.Content); i += 2 {
					year, err := strconv.Atoi(val.Content[i].Value)
					amount, err2 := strconv.ParseFloat(val.Content[i+1].Value, 64)
					if err != nil || err2 != nil || year < 2000 || amount <= 0 {
						l.errorf(val.Content[i].Line, "%s: expected year: amount, such as 2026: 4325", key)
						continue
					}
					byYear[year] = amount
				}
			}
			switch key {
			case "mrp":
				l.c.reference.MRP = byYear
			case "pm":
				l.c.reference.PM = byYear
			default:
				l.c.reference.MZP = byYear
			}
		case "sources":
			for _, s := range l.list(val, "sources") {
				l.c.reference.Sources = append(l.c.reference.Sources, l.scalar(s, "source"))
			}
		}
	})
}

func (l *loader) parseRegions(v *yaml.Node) {
	seen := map[string]bool{}
	for _, item := range l.list(v, "regions") {
		var r RegionInfo
		l.fields(item, "region", regionKeys, func(key string, val *yaml.Node) {
			switch key {
			case "id":
				r.ID = l.scalar(val, "id")
			case "name":
				r.Name = l.text(val, val, "name")
			}
		})
		if !idPattern.MatchString(r.ID) || seen[r.ID] {
			l.errorf(item.Line, "region id %q is missing, malformed or repeated", r.ID)
			continue
		}
		seen[r.ID] = true
		l.checkText(r.Name, "name")
		l.checkLabel(r.Name, "region name")
		l.c.regions = append(l.c.regions, r)
	}
}

func (l *loader) parseScreener(v *yaml.Node) {
	s := &Screener{File: l.file, Line: v.Line}
	l.fields(v, "screener", []string{"id", "topic", "title", "intro", "questions", "services"}, func(key string, val *yaml.Node) {
		switch key {
		case "id":
			s.ID = l.scalar(val, "id")
		case "topic":
			s.Topic = l.scalar(val, "topic")
		case "title":
			s.Title = l.text(val, val, "title")
		case "intro":
			s.Intro = l.text(val, val, "intro")
		case "questions":
			for _, q := range l.list(val, "questions") {
				s.Questions = append(s.Questions, l.parseQuestion(q))
			}
		case "services":
			for _, sv := range l.list(val, "services") {
				s.Services = append(s.Services, l.scalar(sv, "service"))
				s.serviceLines = append(s.serviceLines, sv.Line)
			}
		}
	})
	if !idPattern.MatchString(s.ID) {
		l.errorf(s.Line, "screener id %q must be lowercase latin letters, digits and _", s.ID)
		return
	}
	if _, dup := l.c.screeners[s.ID]; dup {
		l.errorf(s.Line, "duplicate screener id %q", s.ID)
		return
	}
	l.c.screeners[s.ID] = s
	l.c.screenerOrder = append(l.c.screenerOrder, s.ID)
}

func (l *loader) parseQuestion(v *yaml.Node) *Question {
	q := &Question{Line: v.Line}
	l.fields(v, "question", []string{"id", "type", "text", "short", "options", "min", "max", "when"}, func(key string, val *yaml.Node) {
		switch key {
		case "id":
			q.ID = l.scalar(val, "id")
		case "type":
			q.Type = QuestionType(l.scalar(val, "type"))
		case "text":
			q.Text = l.text(val, val, "text")
		case "short":
			q.Short = l.text(val, val, "short")
		case "options":
			for _, o := range l.list(val, "options") {
				var opt Option
				l.fields(o, "option", []string{"value", "label"}, func(key string, val *yaml.Node) {
					if key == "value" {
						opt.Value = l.scalar(val, "value")
					} else {
						opt.Label = l.text(val, val, "label")
					}
				})
				q.Options = append(q.Options, opt)
			}
		case "min":
			q.Min = l.integer(val, "min")
		case "max":
			q.Max = l.integer(val, "max")
		case "when":
			q.When = l.rule(val, "when")
		}
	})
	return q
}

var serviceKeys = []string{"id", "name", "summary", "description", "for", "eligible", "amount", "amount_year", "amount_period",
	"amount_unverified", "amount_sources", "documents", "documents_sources", "documents_unknown", "channels", "channels_unknown",
	"processing_time", "processing_sources", "legal_basis", "legal_basis_unknown", "legal_note", "excludes", "offices",
	"apply", "provider", "links", "regions", "contacts", "sources", "checked_on", "verified_on"}

func (l *loader) parseService(v *yaml.Node) {
	sv := &Service{File: l.file, Line: v.Line}
	l.fields(v, "service", serviceKeys, func(key string, val *yaml.Node) {
		switch key {
		case "id":
			sv.ID = l.scalar(val, "id")
		case "name":
			sv.Name = l.text(val, val, "name")
		case "summary", "description":
			sv.Summary = l.text(val, val, key)
		case "for":
			sv.For = l.text(val, val, "for")
		case "eligible":
			sv.Eligible = l.rule(val, "eligible")
		case "amount":
			sv.Amount = l.rule(val, "amount")
			sv.AmountFacts.Line = val.Line
		case "amount_year":
			sv.AmountYear = l.integer(val, "amount_year")
		case "amount_period":
			sv.AmountPeriod = l.text(val, val, "amount_period")
		case "amount_unverified":
			sv.AmountUnverified = l.boolean(val, "amount_unverified")
		case "amount_sources":
			sv.AmountFacts.Sources = l.ids(val, "source")
		case "documents":
			sv.DocumentsFacts.Line = val.Line
			for _, d := range l.list(val, "documents") {
				sv.Documents = append(sv.Documents, l.document(d))
			}
		case "documents_sources":
			sv.DocumentsFacts.Sources = l.ids(val, "source")
		case "documents_unknown":
			sv.DocumentsUnknown = l.text(val, val, key)
		case "channels":
			for _, c := range l.list(val, "channels") {
				sv.Channels = append(sv.Channels, l.channel(c))
			}
		case "channels_unknown":
			sv.ChannelsUnknown = l.text(val, val, key)
		case "processing_time":
			sv.ProcessingTime = l.text(val, val, key)
			sv.ProcessingFacts.Line = val.Line
		case "processing_sources":
			sv.ProcessingFacts.Sources = l.ids(val, "source")
		case "legal_basis":
			if val.Kind == yaml.MappingNode { // the older form: the basis in words
				sv.LegalNote = l.text(val, val, "legal_basis")
				break
			}
			for _, r := range l.list(val, "legal_basis") {
				sv.LegalBasis = append(sv.LegalBasis, l.legalRef(r))
			}
		case "legal_basis_unknown":
			sv.LegalBasisUnknown = l.text(val, val, key)
		case "legal_note":
			sv.LegalNote = l.text(val, val, key)
		case "excludes":
			sv.Excludes = l.ids(val, "service")
		case "offices":
			sv.OfficeTypes = l.ids(val, "office type")
		case "apply":
			sv.Apply = l.text(val, val, "apply")
		case "provider":
			sv.Provider = l.text(val, val, "provider")
		case "links":
			for _, lk := range l.list(val, "links") {
				sv.Links = append(sv.Links, l.link(lk))
			}
		case "regions":
			for _, r := range l.list(val, "regions") {
				sv.Regions = append(sv.Regions, l.scalar(r, "region"))
			}
		case "contacts":
			for _, ct := range l.list(val, "contacts") {
				var c Contact
				l.fields(ct, "contact", contactKeys, func(key string, val *yaml.Node) {
					if key == "region" {
						c.Region = l.scalar(val, "region")
					} else {
						c.Text = l.text(val, val, "text")
					}
				})
				sv.Contacts = append(sv.Contacts, c)
			}
		case "sources":
			for _, s := range l.list(val, "sources") {
				sv.Sources = append(sv.Sources, l.scalar(s, "source"))
			}
		case "checked_on", "verified_on":
			sv.CheckedOn = l.date(val, key, false)
		}
	})
	if !idPattern.MatchString(sv.ID) || len(sv.ID) > MaxIDBytes {
		l.errorf(sv.Line, "service id %q must be lowercase latin letters, digits and _, at most %d bytes", sv.ID, MaxIDBytes)
		return
	}
	if _, dup := l.c.services[sv.ID]; dup {
		l.errorf(sv.Line, "duplicate service id %q", sv.ID)
		return
	}
	l.c.services[sv.ID] = sv
	l.c.serviceOrder = append(l.c.serviceOrder, sv.ID)
}

func (l *loader) parseTestCase(v *yaml.Node) {
	tc := TestCase{File: l.file, Line: v.Line, Answers: Answers{}}
	l.fields(v, "test case", []string{"name", "screener", "answers", "match", "no_match"}, func(key string, val *yaml.Node) {
		switch key {
		case "name":
			tc.Name = l.scalar(val, "name")
		case "screener":
			tc.Screener = l.scalar(val, "screener")
		case "answers":
			if val.Kind != yaml.MappingNode {
				l.errorf(val.Line, "answers must be a mapping")
				return
			}
			for i := 0; i+1 < len(val.Content); i += 2 {
				k, a := val.Content[i], val.Content[i+1]
				tc.Answers[k.Value] = scalarValue(a)
			}
		case "match", "no_match":
			var ids []string
			for _, s := range l.list(val, key) {
				ids = append(ids, l.scalar(s, key))
			}
			if key == "match" {
				tc.Match = ids
			} else {
				tc.NoMatch = ids
			}
		}
	})
	l.c.tests = append(l.c.tests, tc)
}

// scalarValue reads a YAML scalar as a rule would see it: bool, int or string.
func scalarValue(v *yaml.Node) any {
	switch v.ShortTag() {
	case "!!bool":
		return v.Value == "true"
	case "!!int":
		if n, err := strconv.Atoi(v.Value); err == nil {
			return n
		}
	}
	return v.Value
}
