package content

import (
	"net/url"
	"slices"
	"strings"
	"time"
)

// The facts people act on — documents, where to apply, the law, offices and their phones —
// are data with their provenance, modelled on the Open Referral Human Services Data
// Specification (HSDS 3): organization and location are Office, service_at_location is a
// service's OfficeTypes shown for a region, required_document is Document, and assured_date
// is CheckedOn.

// Source is a public page a fact was read on.
type Source struct {
	ID    string
	URL   string
	Title string
	// Published is the date the page states it was published or updated; zero: the page
	// gives none (written "unknown").
	Published time.Time
	// Read is the day a person read it: the only thing that may move a fact's CheckedOn.
	Read time.Time
	File string
	Line int
}

// Site is the source's web site as people name it ("egov.kz").
func (s *Source) Site() string {
	u, err := url.Parse(withScheme(s.URL))
	if err != nil || u.Host == "" {
		return s.URL
	}
	return strings.TrimPrefix(u.Hostname(), "www.")
}

// Act is a law or by-law that services rest on.
type Act struct {
	ID   string
	Name Text
	URL  Text // its adilet.zan.kz page in each language
	Line int
}

// Provenance is where a fact comes from and when someone last checked it against that.
type Provenance struct {
	Sources   []string  // ids of the registry's sources
	CheckedOn time.Time // zero: the service's (or office's) own
	Line      int
}

// Document is one item a person brings.
type Document struct {
	Text Text
	Line int
}

// ChannelKind is a way to apply.
type ChannelKind string

// The ways to apply for a service.
const (
	ChannelEgov       ChannelKind = "egov"       // online on egov.kz with an ЭЦП or SMS code
	ChannelCON        ChannelKind = "con"        // a ЦОН (Government for Citizens office)
	ChannelOffice     ChannelKind = "office"     // an office of the type named
	ChannelCourt      ChannelKind = "court"      // a court
	ChannelPolyclinic ChannelKind = "polyclinic" // the polyclinic one is attached to
	ChannelPhone      ChannelKind = "phone"      // a phone line
	ChannelOnline     ChannelKind = "online"     // another web site or portal
	ChannelPost       ChannelKind = "post"       // by post
)

var channelKinds = []ChannelKind{ChannelEgov, ChannelCON, ChannelOffice, ChannelCourt, ChannelPolyclinic, ChannelPhone, ChannelOnline, ChannelPost}

// Channel is one way to apply, with what the person does there.
type Channel struct {
	Kind   ChannelKind
	Code   string // the egov.kz service code, where there is one
	URL    string // the page to open, shown as a button
	Office string // the office type whose regional office to show
	What   Text
	Provenance
}

// LegalRef is an article of an act a service rests on.
type LegalRef struct {
	Act     string // id of an Act
	Article string // "187", "163 п. 2"
	Provenance
}

// OfficeType is a kind of office, such as the regional department of employment and
// social programmes.
type OfficeType struct {
	ID   string
	Name Text
	Line int
}

// AllRegions is the region of an office that serves the whole country (a national line).
const AllRegions = "all"

// Office is one office of a type in a region (HSDS organization plus location).
type Office struct {
	ID          string // optional: names it where its type and region are not enough
	Type        string
	Region      string // a region id, or AllRegions
	District    string
	Name        Text // a proper name: a language no source gave is empty
	Address     Text
	Phones      []string
	Hours       Text
	Web         string
	Unconfirmed bool // no source confirms its contact details
	Note        Text // with Unconfirmed: what is known and where to confirm it
	Provenance
	File string
	Line int
}

// NameIn is the office's name in lang, or in the other language when the sources gave only
// that one.
func (o *Office) NameIn(lang Lang) string { return o.Name.InOrOther(lang) }

// InOrOther is the text in lang, or in the other language when it was given only in that
// one (an office's name or address as the sources wrote it).
func (t Text) InOrOther(lang Lang) string {
	if s := t.In(lang); s != "" {
		return s
	}
	if lang == KK {
		return t.RU
	}
	return t.KK
}

// Source returns the registered source with the given id.
func (c *Content) Source(id string) (*Source, bool) {
	s, ok := c.sources[id]
	return s, ok
}

// Sources returns every registered source in the order defined.
func (c *Content) Sources() []*Source {
	out := make([]*Source, 0, len(c.sourceOrder))
	for _, id := range c.sourceOrder {
		out = append(out, c.sources[id])
	}
	return out
}

// Act returns the act with the given id.
func (c *Content) Act(id string) (*Act, bool) {
	a, ok := c.acts[id]
	return a, ok
}

// OfficeType returns the office type with the given id.
func (c *Content) OfficeType(id string) (*OfficeType, bool) {
	for _, t := range c.officeTypes {
		if t.ID == id {
			return t, true
		}
	}
	return nil, false
}

// OfficeTypes returns the office types in the order defined.
func (c *Content) OfficeTypes() []*OfficeType { return c.officeTypes }

// Offices returns the offices of a type in a region — the region's own first, then the
// national ones — in the order defined.
func (c *Content) Offices(typ, region string) []*Office {
	var own, national []*Office
	for _, o := range c.offices {
		if o.Type != typ {
			continue
		}
		switch o.Region {
		case region:
			own = append(own, o)
		case AllRegions:
			national = append(national, o)
		}
	}
	return append(own, national...)
}

// AllOffices returns every office in the order defined.
func (c *Content) AllOffices() []*Office { return c.offices }

// Checked is the date a fact was last checked: its own, else the fallback's (the service's
// or the office's).
func (p Provenance) Checked(fallback time.Time) time.Time {
	if !p.CheckedOn.IsZero() {
		return p.CheckedOn
	}
	return fallback
}

// SourcesOr are the fact's sources, else the fallback's.
func (p Provenance) SourcesOr(fallback []string) []string {
	if len(p.Sources) > 0 {
		return p.Sources
	}
	return fallback
}

// Sites names the web sites of the sources with the given ids (registered or, for older
// content, written as addresses), each once, in order.
func (c *Content) Sites(ids []string) []string {
	var sites []string
	for _, id := range ids {
		site := ""
		if s, ok := c.sources[id]; ok {
			site = s.Site()
		} else {
			site = sourceSites([]string{id})[0]
		}
		if !slices.Contains(sites, site) {
			sites = append(sites, site)
		}
	}
	return sites
}
