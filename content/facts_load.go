package content

import (
	"slices"
	"time"

	"go.yaml.in/yaml/v3"
)

// unknownDate is how a source that states no date of its own is written.
const unknownDate = "unknown"

// date reads a YYYY-MM-DD value; allowUnknown also takes "unknown", as the zero time.
func (l *loader) date(v *yaml.Node, what string, allowUnknown bool) time.Time {
	s := l.scalar(v, what)
	if allowUnknown && s == unknownDate {
		return time.Time{}
	}
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		if allowUnknown {
			l.errorf(v.Line, "%s must be a date such as 2026-11-22, or unknown", what)
		} else {
			l.errorf(v.Line, "%s must be a date such as 2026-11-22", what)
		}
		return time.Time{}
	}
	return d
}

// ids reads a list of ids.
func (l *loader) ids(v *yaml.Node, what string) []string {
	var out []string
	for _, item := range l.list(v, what) {
		out = append(out, l.scalar(item, what))
	}
	return out
}

// The keys each kind of entry accepts. format_doc_test.go holds the editors' guides to them.
var (
	sourceKeys     = []string{"id", "url", "title", "published", "read"}
	actKeys        = []string{"id", "name", "url"}
	officeTypeKeys = []string{"id", "name"}
	channelKeys    = []string{"kind", "code", "url", "office", "what", "sources", "checked_on"}
	legalRefKeys   = []string{"act", "article", "sources", "checked_on"}
	documentKeys   = []string{"text"}
)

func (l *loader) parseSources(v *yaml.Node) {
	if l.c.sources == nil {
		l.c.sources = map[string]*Source{}
	}
	for _, item := range l.list(v, "sources") {
		s := &Source{File: l.file, Line: item.Line}
		hasPublished, hasRead := false, false
		l.fields(item, "source", sourceKeys, func(key string, val *yaml.Node) {
			switch key {
			case "id":
				s.ID = l.scalar(val, "id")
			case "url":
				s.URL = l.scalar(val, "url")
			case "title":
				s.Title = l.scalar(val, "title")
			case "published":
				hasPublished = true
				s.Published = l.date(val, "published", true)
			case "read":
				hasRead = true
				s.Read = l.date(val, "read", false)
			}
		})
		switch {
		case !idPattern.MatchString(s.ID):
			l.errorf(item.Line, "source id %q must be lowercase latin letters, digits and _", s.ID)
			continue
		case l.c.sources[s.ID] != nil:
			l.errorf(item.Line, "duplicate source id %q", s.ID)
			continue
		}
		if s.URL == "" {
			l.errorf(item.Line, "source %q: url is missing", s.ID)
		}
		if !hasPublished || !hasRead {
			l.errorf(item.Line, "source %q has no dates: give published (the date the page states, or unknown) and read (the day you read it)", s.ID)
		}
		l.c.sources[s.ID] = s
		l.c.sourceOrder = append(l.c.sourceOrder, s.ID)
	}
}

func (l *loader) parseActs(v *yaml.Node) {
	if l.c.acts == nil {
		l.c.acts = map[string]*Act{}
	}
	for _, item := range l.list(v, "acts") {
		a := &Act{Line: item.Line}
		l.fields(item, "act", actKeys, func(key string, val *yaml.Node) {
			switch key {
			case "id":
				a.ID = l.scalar(val, "id")
			case "name":
				a.Name = l.text(val, val, "name")
			case "url":
				if val.Kind == yaml.ScalarNode {
					a.URL = Text{KK: val.Value, RU: val.Value, Line: val.Line}
				} else {
					a.URL = l.text(val, val, "url")
				}
			}
		})
		if !idPattern.MatchString(a.ID) || l.c.acts[a.ID] != nil {
			l.errorf(item.Line, "act id %q is missing, malformed or repeated", a.ID)
			continue
		}
		l.checkText(a.Name, "name")
		l.c.acts[a.ID] = a
	}
}

func (l *loader) parseOfficeTypes(v *yaml.Node) {
	for _, item := range l.list(v, "office_types") {
		t := &OfficeType{Line: item.Line}
		l.fields(item, "office type", officeTypeKeys, func(key string, val *yaml.Node) {
			if key == "id" {
				t.ID = l.scalar(val, "id")
			} else {
				t.Name = l.text(val, val, "name")
			}
		})
		if _, dup := l.c.OfficeType(t.ID); !idPattern.MatchString(t.ID) || dup {
			l.errorf(item.Line, "office type id %q is missing, malformed or repeated", t.ID)
			continue
		}
		l.checkText(t.Name, "name")
		l.c.officeTypes = append(l.c.officeTypes, t)
	}
}

var officeKeys = []string{"id", "type", "region", "district", "name", "address", "phones", "hours", "web", "sources", "checked_on", "unconfirmed", "note"}

func (l *loader) parseOffices(v *yaml.Node) {
	for _, item := range l.list(v, "offices") {
		o := &Office{File: l.file, Line: item.Line}
		o.Provenance.Line = item.Line
		l.fields(item, "office", officeKeys, func(key string, val *yaml.Node) {
			switch key {
			case "id":
				o.ID = l.scalar(val, "id")
			case "type":
				o.Type = l.scalar(val, "type")
			case "region":
				o.Region = l.scalar(val, "region")
			case "district":
				o.District = l.scalar(val, "district")
			case "name":
				o.Name = l.text(val, val, "name")
			case "address":
				o.Address = l.text(val, val, "address")
			case "phones":
				o.Phones = l.ids(val, "phone")
			case "hours":
				o.Hours = l.text(val, val, "hours")
			case "web":
				o.Web = l.scalar(val, "web")
			case "sources":
				o.Sources = l.ids(val, "source")
			case "checked_on":
				o.CheckedOn = l.date(val, "checked_on", false)
			case "unconfirmed":
				o.Unconfirmed = l.boolean(val, "unconfirmed")
			case "note":
				o.Note = l.text(val, val, "note")
			}
		})
		l.c.offices = append(l.c.offices, o)
	}
}

// provenance reads the sources and checked_on of one fact (a channel, an article) from its
// mapping's keys; call it from the mapping's fields callback.
func (l *loader) provenance(p *Provenance, key string, val *yaml.Node) bool {
	switch key {
	case "sources":
		p.Sources = l.ids(val, "source")
	case "checked_on":
		p.CheckedOn = l.date(val, "checked_on", false)
	default:
		return false
	}
	return true
}

func (l *loader) document(v *yaml.Node) Document {
	d := Document{Line: v.Line}
	if v.Kind == yaml.MappingNode && len(v.Content) >= 2 && v.Content[0].Value == "text" {
		l.fields(v, "document", documentKeys, func(_ string, val *yaml.Node) { d.Text = l.text(val, val, "document") })
		return d
	}
	d.Text = l.text(v, v, "document") // the older form: the item is the text
	return d
}

func (l *loader) channel(v *yaml.Node) Channel {
	c := Channel{}
	c.Line = v.Line
	l.fields(v, "channel", channelKeys, func(key string, val *yaml.Node) {
		switch key {
		case "kind":
			c.Kind = ChannelKind(l.scalar(val, "kind"))
			if !slices.Contains(channelKinds, c.Kind) {
				l.errorf(val.Line, "channel kind %q is not one of egov, con, office, court, polyclinic, phone, online, post", c.Kind)
			}
		case "code":
			c.Code = l.scalar(val, "code")
		case "url":
			c.URL = l.scalar(val, "url")
		case "office":
			c.Office = l.scalar(val, "office")
		case "what":
			c.What = l.text(val, val, "what")
		default:
			l.provenance(&c.Provenance, key, val)
		}
	})
	return c
}

func (l *loader) legalRef(v *yaml.Node) LegalRef {
	r := LegalRef{}
	r.Line = v.Line
	l.fields(v, "legal basis", legalRefKeys, func(key string, val *yaml.Node) {
		switch key {
		case "act":
			r.Act = l.scalar(val, "act")
		case "article":
			r.Article = l.scalar(val, "article")
		default:
			l.provenance(&r.Provenance, key, val)
		}
	})
	return r
}

// boolean reads true or false, and nothing else: "yes" would silently read as false.
func (l *loader) boolean(v *yaml.Node, what string) bool {
	switch l.scalar(v, what) {
	case "true":
		return true
	case "false":
		return false
	}
	l.errorf(v.Line, "%s must be true or false", what)
	return false
}
