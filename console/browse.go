package console

import (
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/qamqor/qamqor/bot"
	"github.com/qamqor/qamqor/content"
)

// routeBrowse adds the read-only pages: content as a person meets it (topics, screens,
// services), offices, reference values, search; and the partners' page.
func (h *Handler) routeBrowse() {
	h.page("GET "+Prefix+"{$}", forAnyRole, func(q *request) {
		var topics []link
		if q.may(forContent) {
			for _, n := range q.engine.Topics() {
				topics = append(topics, q.nodeLink(n.ID))
			}
		}
		q.show("home", q.t("ConsoleHome"), topics)
	})
	h.page("GET "+Prefix+"screen/{id}", forContent, func(q *request) {
		c := q.engine.Content()
		n, ok := c.Node(q.r.PathValue("id"))
		if !ok {
			http.NotFound(q.w, q.r)
			return
		}
		q.show("screen", n.Title.In(q.lang), q.screenPage(n))
	})
	h.page("GET "+Prefix+"service/{id}", forContent, func(q *request) {
		sv, ok := q.engine.Content().Service(q.r.PathValue("id"))
		if !ok {
			http.NotFound(q.w, q.r)
			return
		}
		q.show("service", sv.Name.In(q.lang), q.servicePage(sv))
	})
	h.page("GET "+Prefix+"services", forContent, func(q *request) {
		var services []link
		for _, sv := range q.engine.Content().Services() {
			services = append(services, link{Href: Prefix + "service/" + sv.ID, Label: sv.Name.In(q.lang)})
		}
		q.show("services", q.t("ConsoleServices"), services)
	})
	h.page("GET "+Prefix+"offices", forContent, func(q *request) {
		q.show("offices", q.t("ConsoleOffices"), q.officeGroups(q.engine.Content().AllOffices()))
	})
	h.page("GET "+Prefix+"reference", forContent, func(q *request) {
		q.show("reference", q.t("ConsoleReference"), q.referencePage())
	})
	h.page("GET "+Prefix+"search", forContent, func(q *request) {
		query := strings.TrimSpace(q.r.URL.Query().Get("q"))
		v := q.view(q.t("ConsoleSearch"), searchPage{Query: query, Results: q.search(query)})
		v.Query = query
		q.h.render(q.w, http.StatusOK, "search", v)
	})
	h.page("GET "+Prefix+"referrals", forPartners, func(q *request) {
		p, err := q.referralsPage() // admin_referrals.go
		if err != nil {
			q.unavailable(err)
			return
		}
		q.show("referrals", q.t("ConsoleReferrals"), p)
	})
}

func (q *request) t(id string) string { return q.engine.T(q.lang, bot.MessageID(id), nil) }

// link is a page of the console to go to.
type link struct {
	Href, Label string
}

// nodeLink links a screen: to its service's page when the screen is a service's card.
func (q *request) nodeLink(id string) link {
	n, ok := q.engine.Content().Node(id)
	if !ok {
		return link{Label: id}
	}
	return link{Href: Prefix + "screen/" + id, Label: n.Title.In(q.lang)}
}

// year is the year whose reference values the content's amounts use today.
func (q *request) year() int { return q.engine.Content().Reference().Year(q.now.Year()) }

// sourceView is a source with its dates, as an editor checks it.
type sourceView struct {
	ID, Title, URL  string
	Published, Read string
}

func (q *request) sources(ids []string) []sourceView {
	c := q.engine.Content()
	var out []sourceView
	for _, id := range ids {
		s, ok := c.Source(id)
		if !ok { // older content names an address
			out = append(out, sourceView{ID: id, Title: id, URL: id})
			continue
		}
		out = append(out, sourceView{ID: s.ID, Title: s.Title, URL: s.URL, Published: day(s.Published), Read: day(s.Read)})
	}
	return out
}

func day(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format("2006-01-02")
}

// preview is a screen as Telegram shows it in one language: its text and rows of buttons.
type preview struct {
	Lang, LangName string
	Text           string
	Count          int // length of Text as Telegram counts it, against TelegramTextLimit
	Buttons        [][]string
}

func (q *request) previews(id string) []preview {
	var out []preview
	for _, lang := range content.Langs {
		_, r := q.engine.Open(bot.Session{Lang: lang}, id, "")
		p := preview{Lang: string(lang), LangName: bot.LanguageName(lang), Text: r.Text}
		for _, row := range r.Buttons {
			var labels []string
			for _, b := range row {
				labels = append(labels, b.Label)
			}
			p.Buttons = append(p.Buttons, labels)
		}
		out = append(out, p)
	}
	return out
}

type screenPage struct {
	ID       string
	Text     string
	Children []link
	Service  *link
	Links    []link
	Sources  []sourceView
	Preview  []preview
}

func (q *request) screenPage(n *content.Node) screenPage {
	c := q.engine.Content()
	p := screenPage{ID: n.ID, Text: c.Expand(n.Text.In(q.lang), q.year(), ""), Sources: q.sources(n.Sources), Preview: q.previews(n.ID)}
	for _, id := range n.Buttons {
		p.Children = append(p.Children, q.nodeLink(id))
	}
	for _, l := range n.Links {
		p.Links = append(p.Links, link{Href: l.URL.In(q.lang), Label: l.Label.In(q.lang)})
	}
	if sv, ok := c.Service(n.Service); ok {
		p.Service = &link{Href: Prefix + "service/" + sv.ID, Label: sv.Name.In(q.lang)}
	}
	return p
}

type channelView struct {
	Kind, What, URL, Code string
}

type servicePage struct {
	ID, Summary, For     string
	Amount, AmountPeriod string
	AmountUnverified     bool
	AmountVaries         bool
	Year                 int
	Documents            []string
	DocumentsUnknown     string
	Channels             []channelView
	ProcessingTime       string
	Apply                string
	Offices              []officeGroup
	Screens              []link
	Sources              []sourceView
	CheckedOn            string
}

func (q *request) servicePage(sv *content.Service) servicePage {
	c := q.engine.Content()
	year := q.year()
	amount := q.amount(sv, year)
	x := func(t content.Text) string { return c.Expand(t.In(q.lang), year, amount) }
	p := servicePage{
		ID: sv.ID, Summary: x(sv.Summary), For: x(sv.For),
		Amount: amount, AmountPeriod: x(sv.AmountPeriod), AmountUnverified: sv.AmountUnverified,
		AmountVaries: sv.Amount != nil && amount == "", Year: year,
		DocumentsUnknown: x(sv.DocumentsUnknown), ProcessingTime: x(sv.ProcessingTime), Apply: x(sv.Apply),
		CheckedOn: day(sv.CheckedOn),
	}
	for _, d := range sv.Documents {
		p.Documents = append(p.Documents, x(d.Text))
	}
	for _, ch := range sv.Channels {
		p.Channels = append(p.Channels, channelView{Kind: q.t("ConsoleChannel_" + string(ch.Kind)), What: x(ch.What), URL: ch.URL, Code: ch.Code})
	}
	var offices []*content.Office
	for _, o := range c.AllOffices() {
		if slices.Contains(sv.OfficeTypes, o.Type) {
			offices = append(offices, o)
		}
	}
	p.Offices = q.officeGroups(offices)
	for _, id := range c.IDs() {
		if n, _ := c.Node(id); n.Service == sv.ID {
			p.Screens = append(p.Screens, q.nodeLink(id))
		}
	}
	ids := slices.Clone(sv.Sources)
	for _, f := range []content.Provenance{sv.AmountFacts, sv.DocumentsFacts, sv.ProcessingFacts} {
		for _, id := range f.Sources {
			if !slices.Contains(ids, id) {
				ids = append(ids, id)
			}
		}
	}
	p.Sources = q.sources(ids)
	return p
}

// amount is the service's amount when it needs no answers (as a person sees it on the
// service's card), written as tenge; "" when it depends on the answers or there is none.
func (q *request) amount(sv *content.Service, year int) string {
	c := q.engine.Content()
	if sv.Amount == nil || !sv.AmountFixed() {
		return ""
	}
	sc, ok := c.Screener(sv.Screener)
	if !ok {
		return ""
	}
	v, failed := c.Amount(sc, sv, nil, year)
	if failed != nil {
		return ""
	}
	return content.Tenge(v)
}

type officeView struct {
	Type, Name, District, Address, Hours, Web string
	Phones                                    []string
	Unconfirmed                               bool
	Note                                      string
}

type officeGroup struct {
	Region  string
	Offices []officeView
}

// officeGroups groups offices by region, in the content's order of regions (the
// country-wide lines first).
func (q *request) officeGroups(offices []*content.Office) []officeGroup {
	c := q.engine.Content()
	order := []string{content.AllRegions}
	for _, r := range c.Regions() {
		order = append(order, r.ID)
	}
	var out []officeGroup
	for _, region := range order {
		g := officeGroup{Region: q.t("ConsoleAllRegions")}
		if name, ok := c.RegionName(region, q.lang); ok {
			g.Region = name
		}
		for _, o := range offices {
			if o.Region != region {
				continue
			}
			typ := o.Type
			if t, ok := c.OfficeType(o.Type); ok {
				typ = t.Name.In(q.lang)
			}
			g.Offices = append(g.Offices, officeView{
				Type: typ, Name: o.NameIn(q.lang), District: o.District, Address: o.Address.InOrOther(q.lang),
				Hours: o.Hours.InOrOther(q.lang), Web: o.Web, Phones: o.Phones, Unconfirmed: o.Unconfirmed, Note: o.Note.In(q.lang),
			})
		}
		if len(g.Offices) > 0 {
			out = append(out, g)
		}
	}
	return out
}

type referenceRow struct {
	Year         int
	MRP, PM, MZP string
}

type referencePage struct {
	Rows    []referenceRow
	Sources []sourceView
}

func (q *request) referencePage() referencePage {
	ref := q.engine.Content().Reference()
	var years []int
	for y := range ref.MRP {
		years = append(years, y)
	}
	for y := range ref.PM {
		if !slices.Contains(years, y) {
			years = append(years, y)
		}
	}
	slices.Sort(years)
	slices.Reverse(years)
	money := func(m map[int]float64, y int) string {
		if v, ok := m[y]; ok {
			return content.Tenge(v)
		}
		return "—"
	}
	p := referencePage{Sources: q.sources(ref.Sources)}
	for _, y := range years {
		p.Rows = append(p.Rows, referenceRow{Year: y, MRP: money(ref.MRP, y), PM: money(ref.PM, y), MZP: money(ref.MZP, y)})
	}
	return p
}

type searchPage struct {
	Query   string
	Results []link
}

// maxResults bounds a search's list.
const maxResults = 50

// search finds screens and services whose titles, texts or keywords contain every word of
// the query, in either language: an editor looks for where something is written, so this
// is plain matching, not the bot's forgiving search.
func (q *request) search(query string) []link {
	words := strings.Fields(strings.ToLower(query))
	if len(words) == 0 {
		return nil
	}
	has := func(texts ...content.Text) bool {
		var b strings.Builder
		for _, t := range texts {
			b.WriteString(strings.ToLower(t.KK + "\n" + t.RU + "\n"))
		}
		all := b.String()
		for _, w := range words {
			if !strings.Contains(all, w) {
				return false
			}
		}
		return true
	}
	c := q.engine.Content()
	var out []link
	for _, id := range c.IDs() {
		n, _ := c.Node(id)
		if has(n.Title, n.Text, n.Keywords, content.Text{KK: n.ID}) {
			out = append(out, q.nodeLink(id))
		}
	}
	for _, sv := range c.Services() {
		if has(sv.Name, sv.Summary, sv.For, content.Text{KK: sv.ID}) {
			out = append(out, link{Href: Prefix + "service/" + sv.ID, Label: "💼 " + sv.Name.In(q.lang)})
		}
	}
	if len(out) > maxResults {
		out = out[:maxResults]
	}
	return out
}
