package bot

import (
	"regexp"
	"slices"
	"strings"
	"unicode"

	"github.com/qamqor/qamqor/content"
)

// Button data of the region chooser: a person outside a screener picks their region once
// and every service screen shows that region's offices.
const (
	dataRegions = "z"  // shows the regions to choose from
	dataRegion  = "z:" // z:<region id> remembers it and shows the screen again
)

// maxURLButtons bounds the links a service screen offers as buttons.
const maxURLButtons = 4

// card is a service as a person reads it, in one language, every fact written out once
// from the content's data: the screen, the screener's result and the checklist share it.
type card struct {
	name, summary, forWhom, amount string
	showFor                        bool // a screen outside the screener says who it is for
	documents                      []string
	documentsNote                  string // documents_unknown
	channels                       []string
	time                           string
	region                         string // the region's name; "" when not known
	offices                        []string
	officesChecked                 string // "Контакты проверены ...; источники: ..."
	legal                          string
	excludes                       string
	checked                        string
	links                          []Button // URL buttons: where to apply online, the law
}

// serviceCard writes out sv for a person in region (an id, or "") in lang; amount is its
// computed amount ("" when none can be given).
func (e *Engine) serviceCard(lang content.Lang, sv *content.Service, region, amount string) card {
	c := e.content
	year := e.now().Year()
	expand := func(t content.Text) string { return c.Expand(t.In(lang), year, amount) }
	k := card{name: expand(sv.Name), summary: expand(sv.Summary), forWhom: expand(sv.For), amount: amount}
	for _, d := range sv.Documents {
		k.documents = append(k.documents, expand(d.Text))
	}
	k.documentsNote = expand(sv.DocumentsUnknown)
	for _, ch := range sv.Channels {
		where := e.channelName(lang, ch)
		line := where
		if what := expand(ch.What); what != "" {
			line += ": " + what
		}
		k.channels = append(k.channels, line)
		if ch.URL != "" {
			k.links = append(k.links, Button{Label: e.tr.T(lang, msgOpenSite, map[string]any{"Site": siteOf(ch.URL)}), URL: ch.URL})
		}
	}
	if len(sv.Channels) == 0 {
		if note := expand(sv.ChannelsUnknown); note != "" {
			k.channels = append(k.channels, note)
		} else if apply := expand(sv.Apply); apply != "" {
			k.channels = append(k.channels, apply)
		}
	}
	k.time = expand(sv.ProcessingTime)
	k.legal = c.Expand(e.legalText(lang, sv), year, amount)
	for _, r := range sv.LegalBasis {
		if a, ok := c.Act(r.Act); ok && a.URL.In(lang) != "" && !slices.ContainsFunc(k.links, func(b Button) bool { return b.URL == a.URL.In(lang) }) {
			k.links = append(k.links, Button{Label: e.tr.T(lang, msgOpenLaw, nil), URL: a.URL.In(lang)})
		}
	}
	for _, lk := range sv.Links {
		if u := lk.URL.In(lang); !slices.ContainsFunc(k.links, func(b Button) bool { return b.URL == u }) {
			k.links = append(k.links, Button{Label: lk.Label.In(lang), URL: u})
		}
	}
	if len(k.links) > maxURLButtons {
		k.links = k.links[:maxURLButtons]
	}
	var excl []string
	for _, other := range e.content.Services() {
		if other.ID != sv.ID && (slices.Contains(sv.Excludes, other.ID) || slices.Contains(other.Excludes, sv.ID)) {
			excl = append(excl, other.Name.In(lang))
		}
	}
	k.excludes = strings.Join(excl, "; ")
	k.checked = e.tr.T(lang, msgVerified, map[string]any{"Date": sv.CheckedOn.Format("02.01.2006"), "Sites": strings.Join(c.Sites(sv.Sources), ", ")})
	if region != "" {
		k.region, _ = c.RegionName(region, lang)
		k.offices, k.officesChecked = e.officeLines(lang, sv, region)
		for _, ct := range sv.Contacts {
			if ct.Region == region {
				k.offices = append(k.offices, expand(ct.Text))
			}
		}
	}
	return k
}

// channelName names where a channel is: egov.kz, a ЦОН, the office type's name...
func (e *Engine) channelName(lang content.Lang, ch content.Channel) string {
	if ch.Office != "" && ch.Kind == content.ChannelOffice {
		if t, ok := e.content.OfficeType(ch.Office); ok {
			return t.Name.In(lang)
		}
	}
	name := e.tr.T(lang, channelMessages[ch.Kind], nil)
	if ch.Code != "" {
		name += " (" + ch.Code + ")"
	}
	return name
}

var channelMessages = map[content.ChannelKind]MessageID{
	content.ChannelEgov: msgChannelEgov, content.ChannelCON: msgChannelCON, content.ChannelOffice: msgChannelOffice,
	content.ChannelCourt: msgChannelCourt, content.ChannelPolyclinic: msgChannelPolyclinic, content.ChannelPhone: msgChannelPhone,
	content.ChannelOnline: msgChannelOnline, content.ChannelPost: msgChannelPost,
}

// legalText is the legal basis, each act named once with its articles ("Социальный
// кодекс, ст. 98, п. 1; ст. 99"), then the note in words.
func (e *Engine) legalText(lang content.Lang, sv *content.Service) string {
	var acts []string
	articles := map[string][]string{}
	for _, r := range sv.LegalBasis {
		if _, seen := articles[r.Act]; !seen {
			acts = append(acts, r.Act)
			articles[r.Act] = nil
		}
		if r.Article != "" {
			articles[r.Act] = append(articles[r.Act], e.article(lang, r.Article))
		}
	}
	var parts []string
	for _, id := range acts {
		name := id
		if a, ok := e.content.Act(id); ok {
			name = a.Name.In(lang)
		}
		if arts := articles[id]; len(arts) > 0 {
			name += ", " + strings.Join(arts, "; ")
		}
		parts = append(parts, name)
	}
	if len(parts) == 0 && !sv.LegalBasisUnknown.IsZero() {
		parts = append(parts, sv.LegalBasisUnknown.In(lang))
	}
	if note := sv.LegalNote.In(lang); note != "" {
		parts = append(parts, note)
	}
	return strings.Join(parts, "; ")
}

// articleRef is an article as content writes it: "187", or "163 п. 2" with its point.
var articleRef = regexp.MustCompile(`^(\d+)(?:\s*,?\s*п\.\s*(\d+))?$`)

// article writes an article (and point) as each language cites it: «ст. 163, п. 2»,
// «163-бап, 2-тармақ».
func (e *Engine) article(lang content.Lang, a string) string {
	m := articleRef.FindStringSubmatch(strings.TrimSpace(a))
	if m == nil {
		return a // written some other way: as it is
	}
	if m[2] == "" {
		return e.tr.T(lang, msgLegalArticle, map[string]any{"Article": m[1]})
	}
	return e.tr.T(lang, msgLegalArticlePoint, map[string]any{"Article": m[1], "Point": m[2]})
}

// officeLines are the offices that handle sv in region, one line each, and when their
// contacts were checked.
func (e *Engine) officeLines(lang content.Lang, sv *content.Service, region string) ([]string, string) {
	c := e.content
	types := slices.Clone(sv.OfficeTypes)
	for _, ch := range sv.Channels {
		if ch.Office != "" && !slices.Contains(types, ch.Office) {
			types = append(types, ch.Office)
		}
	}
	var lines, sources []string
	var newest string
	for _, t := range types {
		for _, o := range c.Offices(t, region) {
			lines = append(lines, e.officeLine(lang, o))
			sources = append(sources, o.Sources...)
			if d := o.CheckedOn.Format("2006-01-02"); !o.CheckedOn.IsZero() && d > newest {
				newest = d
			}
		}
	}
	if len(lines) == 0 {
		return []string{e.tr.T(lang, msgNoOffices, nil)}, ""
	}
	checked := ""
	if len(sources) > 0 && newest != "" {
		checked = e.tr.T(lang, msgOfficesChecked, map[string]any{"Date": newest[8:10] + "." + newest[5:7] + "." + newest[:4], "Sites": strings.Join(c.Sites(sources), ", ")})
	}
	return lines, checked
}

// officeLine is one office: name, address, phones, hours, web page, and what is not
// confirmed.
func (e *Engine) officeLine(lang content.Lang, o *content.Office) string {
	parts := []string{o.NameIn(lang)}
	if o.District != "" {
		parts = append(parts, o.District)
	}
	if a := o.Address.InOrOther(lang); a != "" {
		parts = append(parts, a)
	}
	if len(o.Phones) > 0 {
		parts = append(parts, e.tr.T(lang, msgPhones, map[string]any{"Phones": strings.Join(o.Phones, ", ")}))
	}
	if h := o.Hours.InOrOther(lang); h != "" {
		parts = append(parts, h)
	}
	if o.Web != "" {
		parts = append(parts, o.Web)
	}
	line := strings.Join(parts, "; ")
	if o.Unconfirmed { // what is known, and where to confirm it; a confirmed office's note is the editors'
		line += " (" + strings.TrimSpace(e.tr.T(lang, msgUnverified, nil)+" "+o.Note.InOrOther(lang)) + ")"
	}
	return line
}

// text is the card as a block of the screen.
func (k card) text(e *Engine, lang content.Lang, numbered string) string {
	label := func(id MessageID) string { return e.tr.T(lang, id, nil) }
	var lines []string
	if !k.showFor { // on a service's own screen its title is the screen's
		lines = append(lines, numbered+k.name)
	}
	if k.summary != "" {
		lines = append(lines, k.summary)
	}
	if k.showFor && k.forWhom != "" {
		lines = append(lines, label(msgLabelFor)+": "+k.forWhom)
	}
	if k.amount != "" {
		lines = append(lines, label(msgLabelAmount)+": "+k.amount)
	}
	switch {
	case len(k.documents) > 0:
		lines = append(lines, label(msgLabelDocuments)+":")
		for _, d := range k.documents {
			lines = append(lines, "• "+d)
		}
	case k.documentsNote != "":
		lines = append(lines, label(msgLabelDocuments)+": "+k.documentsNote)
	}
	if len(k.channels) > 0 {
		lines = append(lines, label(msgLabelApply)+":")
		for _, ch := range k.channels {
			lines = append(lines, "• "+ch)
		}
	}
	if k.time != "" {
		lines = append(lines, label(msgLabelTime)+": "+k.time)
	}
	if k.region != "" && len(k.offices) > 0 {
		lines = append(lines, e.tr.T(lang, msgLabelOffices, map[string]any{"Region": k.region})+":")
		for _, o := range k.offices {
			lines = append(lines, "• "+o)
		}
		if k.officesChecked != "" {
			lines = append(lines, k.officesChecked)
		}
	}
	if k.legal != "" {
		lines = append(lines, label(msgLabelLegal)+": "+k.legal)
	}
	if k.excludes != "" {
		lines = append(lines, label(msgLabelExcludes)+": "+k.excludes)
	}
	lines = append(lines, k.checked)
	return strings.Join(lines, "\n")
}

// item is the card as the checklist prints it.
func (k card) item(e *Engine, lang content.Lang) ChecklistItem {
	it := ChecklistItem{Name: k.name, Description: k.summary, Amount: k.amount, Documents: k.documents,
		Apply: strings.Join(k.channels, "\n"), Time: k.time, Legal: k.legal, Excludes: k.excludes, Verified: k.checked}
	if len(k.documents) == 0 {
		it.Apply = strings.TrimSpace(k.documentsNote + "\n" + it.Apply)
	}
	if k.region != "" {
		it.OfficesTitle = e.tr.T(lang, msgLabelOffices, map[string]any{"Region": k.region})
		it.Offices = k.offices
		it.OfficesChecked = k.officesChecked
	}
	for _, l := range k.links {
		// Without the button's emoji: paper shows the words and the address.
		label := strings.TrimLeftFunc(l.Label, func(r rune) bool { return !unicode.IsLetter(r) })
		it.Links = append(it.Links, label+": "+l.URL)
	}
	return it
}

// siteOf is a URL's site as people name it.
func siteOf(u string) string {
	s := strings.TrimPrefix(strings.TrimPrefix(u, "https://"), "http://")
	if i := strings.IndexAny(s, "/?#"); i >= 0 {
		s = s[:i]
	}
	return strings.TrimPrefix(s, "www.")
}

// regionChooser offers the regions, two a row, for the screen the person is on.
func (e *Engine) regionChooser(s Session) Reply {
	lang := s.Lang
	var rows [][]Button
	var row []Button
	for _, r := range e.content.Regions() {
		row = append(row, Button{Label: r.Name.In(lang), Data: dataRegion + r.ID})
		if len(row) == 2 {
			rows = append(rows, row)
			row = nil
		}
	}
	if len(row) > 0 {
		rows = append(rows, row)
	}
	rows = append(rows, []Button{{Label: e.tr.T(lang, msgButtonBack, nil), Data: dataHere}})
	return Reply{Text: e.tr.T(lang, msgChooseRegion, nil), Buttons: rows}
}

// regionButton is the button that chooses or changes the region, on a service's screen.
func (e *Engine) regionButton(s Session) Button {
	lang := s.Lang
	if name, ok := e.content.RegionName(s.Region, lang); ok {
		return Button{Label: e.tr.T(lang, msgChangeRegion, map[string]any{"Region": name}), Data: dataRegions}
	}
	return Button{Label: e.tr.T(lang, msgPickRegion, nil), Data: dataRegions}
}

// plainAmount is a service's amount for a screen outside its screener: only when its rule
// needs no answers, as no answers are known there.
func (e *Engine) plainAmount(lang content.Lang, sv *content.Service) string {
	if sv.Amount == nil || !sv.AmountFixed() {
		return ""
	}
	sc, ok := e.content.Screener(sv.Screener)
	if !ok {
		return ""
	}
	return e.amount(lang, sc, sv, Session{Lang: lang})
}
