package console

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"github.com/qamqor/qamqor/bot"
	"github.com/qamqor/qamqor/content"
)

// TelegramTextLimit is the most characters Telegram's sendMessage takes in a message's
// text (core.telegram.org/bots/api#sendmessage: "1-4096 characters after entities parsing").
const TelegramTextLimit = 4096

// telegramLength is a text's length as Telegram counts it: in UTF-16 code units (an emoji
// counts two).
func telegramLength(s string) int { return len(utf16.Encode([]rune(s))) }

// editing is what the editing pages share: drafts loaded lately, by the hash of their
// archive, so typing in a form does not load the same draft again for every key.
type editing struct {
	mu     sync.Mutex
	loaded map[string]*loadedDraft
	order  []string
}

// loadedDraft is a draft's archive loaded as the bot would load it.
type loadedDraft struct {
	engine   *bot.Engine
	problems content.Problems
	err      error
}

// keptLoads bounds the drafts kept loaded: a few editors typing at once.
const keptLoads = 8

// load loads archive with the strings and clock of the content served now.
func (h *Handler) load(archive []byte) *loadedDraft {
	sum := sha256.Sum256(archive)
	key := hex.EncodeToString(sum[:])
	h.edits.mu.Lock()
	if l, ok := h.edits.loaded[key]; ok {
		h.edits.mu.Unlock()
		return l
	}
	h.edits.mu.Unlock()
	l := &loadedDraft{}
	served := h.opts.Engine()
	// Every archive loaded here came through content.Unpack or draftFiles.archive, which
	// hold it to content's limits: it is read as it is.
	fsys, err := zip.NewReader(bytes.NewReader(archive), int64(len(archive)))
	if err == nil {
		var c *content.Content
		c, l.problems, err = content.LoadAt(fsys, "", served.Now())
		if err == nil {
			l.engine = bot.NewEngine(c, served.Bundle(), bot.WithClock(served.Now))
		}
	}
	l.err = err
	h.edits.mu.Lock()
	defer h.edits.mu.Unlock()
	if _, ok := h.edits.loaded[key]; !ok {
		h.edits.loaded[key] = l
		h.edits.order = append(h.edits.order, key)
		if len(h.edits.order) > keptLoads {
			delete(h.edits.loaded, h.edits.order[0])
			h.edits.order = h.edits.order[1:]
		}
	}
	return l
}

// revision names a draft's state, so a form saved from an older state of it is refused
// rather than written over what changed since.
func revision(archive []byte) string {
	sum := sha256.Sum256(archive)
	return hex.EncodeToString(sum[:8])
}

// draft is the user's draft, or a new one started from what is served now.
func (q *request) draft() (Draft, bool, error) {
	ctx := q.r.Context()
	d, ok, err := q.h.opts.Drafts.Draft(ctx, q.session.User)
	if err != nil || ok {
		return d, ok, err
	}
	archive, version, err := q.h.opts.Publisher.Current(ctx)
	if err != nil {
		return Draft{}, false, err
	}
	return Draft{Archive: archive, Base: version}, false, nil
}

func (q *request) putDraft(d Draft) error {
	d.Changed = q.now
	return q.h.opts.Drafts.PutDraft(q.r.Context(), q.session.User, d, q.h.opts.DraftTTL)
}

// ── Forms ───────────────────────────────────────────────────────────────────────────

// Kinds of fields, which say how a field is checked.
const (
	kindText   = "text"   // a text shown to people, in one language
	kindRule   = "rule"   // a service's amount rule (an expression over mrp, pm, answers…)
	kindNumber = "number" // a positive number of tenge
	kindPhones = "phones" // phones, separated by commas
	kindDate   = "date"   // YYYY-MM-DD
	kindPubDay = "pubday" // a source's publication date: YYYY-MM-DD or "unknown"
	kindURL    = "url"
	kindRemove = "remove" // a checkbox: take the item out of its list
)

// field is one input of a form. Name is where its value is in the draft: the item of a
// file ("family.yaml:services:3", "reference.yaml:reference") and the path in it
// ("name.kk"), joined by "~".
type field struct {
	ID, Name, Label, Lang, Kind, Value string
	Long                               bool
	Error, Warning                     string
	Count                              int // length as Telegram counts it, for texts
	file                               string
	line                               int // where the value is in the draft, for Load's problems
}

// Limit is the limit a text's count is shown against.
func (f field) Limit() int { return TelegramTextLimit }

// fieldRow is fields shown side by side: a text in Kazakh and in Russian.
type fieldRow struct {
	Label  string
	Fields []*field
}

type fieldGroup struct {
	Legend string
	Rows   []fieldRow
}

// editForm is an editing page.
type editForm struct {
	Action    string // the page's path: the form posts to it, and to it + "/check"
	Rev       string
	Groups    []fieldGroup
	Preview   []preview
	PreviewOf string // the screen previewed
	Problems  []string
	Saved     bool
	Invalid   bool // a field is refused: nothing was saved
	fields    []*field
}

// item names a list item or mapping of a file.
func item(file, key string, index int) string {
	if index < 0 {
		return file + ":" + key
	}
	return file + ":" + key + ":" + strconv.Itoa(index)
}

// add adds a row of fields read from the draft: path under base, in the languages given
// (none: one field for the path itself). A field whose node is missing is shown empty.
func (ef *editForm) add(g *fieldGroup, label, base string, node *yaml.Node, path, kind string, long bool, langs ...string) {
	row := fieldRow{Label: label}
	if len(langs) == 0 {
		langs = []string{""}
	}
	for _, lang := range langs {
		p := path
		if lang != "" {
			p += "." + lang
		}
		f := &field{ID: fmt.Sprintf("f%d", len(ef.fields)), Name: base + "~" + p, Label: label, Lang: lang, Kind: kind, Long: long}
		f.file, _, _ = strings.Cut(base, ":")
		if n := at(node, p); n != nil {
			f.line = n.Line
			if n.Kind == yaml.SequenceNode {
				var vs []string
				for _, c := range n.Content {
					vs = append(vs, c.Value)
				}
				f.Value = strings.Join(vs, ", ")
			} else {
				f.Value = n.Value
			}
		}
		f.Count = telegramLength(f.Value)
		ef.fields = append(ef.fields, f)
		row.Fields = append(row.Fields, f)
	}
	g.Rows = append(g.Rows, row)
}

// resolve finds the node an item names in the draft.
func (d *draftFiles) resolve(name string) (*yamlFile, *yaml.Node, bool) {
	parts := strings.Split(name, ":")
	if len(parts) < 2 || len(parts) > 3 {
		return nil, nil, false
	}
	f, ok := d.files[parts[0]]
	if !ok {
		return nil, nil, false
	}
	root, err := f.parse()
	if err != nil {
		return nil, nil, false
	}
	n := mapValue(root.Content[0], parts[1])
	if len(parts) == 3 {
		n = at(n, parts[2])
	}
	return f, n, n != nil
}

// apply writes the posted values of the form's fields into the draft, checking each; it
// reports whether every field passed. Only the fields the form has are read.
func (q *request) apply(d *draftFiles, ef *editForm) bool {
	ok := true
	form := q.r.PostForm
	added := map[string]*yaml.Node{} // the new item of a list (a document), by list
	type removal struct {
		file  *yamlFile
		list  *yaml.Node
		index int
	}
	var removals []removal
	for _, f := range ef.fields {
		v, posted := form[f.Name]
		if !posted {
			continue
		}
		f.Value = strings.ReplaceAll(strings.TrimSpace(v[0]), "\r\n", "\n")
		f.Count = telegramLength(f.Value)
		f.Error, f.Warning = q.check(f, form)
		if f.Error != "" {
			ok = false
			continue
		}
		base, path, _ := strings.Cut(f.Name, "~")
		file, node, found := d.resolve(base)
		if !found {
			f.Error = q.t("ConsoleEditGone")
			ok = false
			continue
		}
		var err error
		switch list, rest, isNew := strings.Cut(path, "."+newItem+"."); {
		case f.Kind == kindRemove:
			listPath, index, _ := cutLast(path)
			i, convErr := strconv.Atoi(index)
			l := at(node, listPath)
			if f.Value == "1" && convErr == nil && l != nil && l.Kind == yaml.SequenceNode && i < len(l.Content) {
				removals = append(removals, removal{file, l, i})
			}
		case isNew:
			if f.Value == "" {
				continue
			}
			item := added[base+"~"+list]
			if item == nil {
				seq := at(node, list)
				if seq == nil {
					seq = file.ensure(node, list)
					*seq = yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
				}
				item = &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
				seq.Content = append(seq.Content, item)
				file.reencode = true
				added[base+"~"+list] = item
			}
			n := file.ensure(item, rest)
			n.Value, n.Tag = f.Value, "!!str"
		default:
			err = q.set(file, node, path, f)
		}
		if err != nil {
			f.Error = q.t("ConsoleEditGone")
			ok = false
		}
	}
	// Last, from the end of each list, so the indexes the form named still hold.
	slices.SortFunc(removals, func(a, b removal) int { return b.index - a.index })
	for _, r := range removals {
		r.list.Content = slices.Delete(r.list.Content, r.index, r.index+1)
		r.file.reencode = true
	}
	return ok
}

// newItem is the path segment of a list's item to add ("documents.+.text.kk").
const newItem = "+"

// cutLast splits a path at its last dot.
func cutLast(path string) (string, string, bool) {
	i := strings.LastIndex(path, ".")
	if i < 0 {
		return "", path, false
	}
	return path[:i], path[i+1:], true
}

// set writes one field's value at path under node.
func (q *request) set(file *yamlFile, node *yaml.Node, path string, f *field) error {
	if f.Kind == kindPhones {
		n := at(node, path)
		if n == nil && f.Value == "" {
			return nil // no phones before, none now: nothing to write
		}
		if n == nil {
			n = file.ensure(node, path)
			*n = yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Style: yaml.FlowStyle}
			file.reencode = true
		}
		var phones []string
		for _, p := range strings.Split(f.Value, ",") {
			if p = strings.TrimSpace(p); p != "" {
				phones = append(phones, p)
			}
		}
		return file.setList(n, phones)
	}
	existing := at(node, path)
	if existing == nil && f.Value == "" {
		return nil // an empty field for something the file does not have: nothing to write
	}
	flow := inFlow(node, path)
	n := file.ensure(node, path)
	if n == nil {
		return errNotScalar
	}
	return file.setScalar(n, f.Value, flow)
}

// inFlow reports whether the value at path sits in a flow collection ({…} or […]).
func inFlow(n *yaml.Node, path string) bool {
	parts := strings.Split(path, ".")
	for i := range parts {
		if n == nil {
			return false
		}
		if n.Style&yaml.FlowStyle != 0 {
			return true
		}
		n = at(n, parts[i])
	}
	return false
}

// ── Checks, in the editor's language ────────────────────────────────────────────────────

// kazakhLetters are the letters Kazakh has and Russian has not.
const kazakhLetters = "әғқңөұүһіӘҒҚҢӨҰҮҺІ"

// kazakhNational is the ten digits after +7 of a Kazakh number: 7xx (mobile and city
// lines alike) or the free 800 lines; +7 9xx is a Russian number.
var kazakhNational = regexp.MustCompile(`^(7[0-9]{9}|800[0-9]{7})$`)

// normalPhone is a phone as content keeps it (+7 and ten digits, or a short number), from
// the way people write one: 8 7xx … becomes +7 7xx …; ok is false for anything else.
func normalPhone(p string) (string, bool) {
	p = strings.TrimSpace(p)
	digits := strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, p)
	if strings.HasPrefix(p, "8") && len(digits) == 11 {
		p, digits = "+7"+p[1:], "7"+digits[1:]
	}
	if !content.ValidPhone(p) {
		return p, false
	}
	return p, len(digits) <= 4 || kazakhNational.MatchString(digits[1:])
}

// check returns a field's error (refused) and warning (said, not refused).
func (q *request) check(f *field, form url.Values) (string, string) {
	v := f.Value
	switch f.Kind {
	case kindText:
		if f.Count > TelegramTextLimit {
			return q.tf("ConsoleEditTooLong", map[string]any{"Count": f.Count, "Limit": TelegramTextLimit}), ""
		}
		if f.Lang == string(content.KK) && v != "" {
			ru := form.Get(strings.TrimSuffix(f.Name, ".kk") + ".ru")
			if v == ru {
				return "", q.t("ConsoleEditKazakhSame")
			}
			if utf8.RuneCountInString(v) >= 12 && !strings.ContainsAny(v, kazakhLetters) {
				return "", q.t("ConsoleEditKazakhLetters")
			}
		}
	case kindRule:
		if v == "" {
			return q.t("ConsoleEditRuleEmpty"), ""
		}
	case kindNumber:
		n, err := strconv.ParseFloat(strings.ReplaceAll(v, " ", ""), 64)
		if err != nil || n <= 0 {
			return q.t("ConsoleEditPositive"), ""
		}
		f.Value = strings.ReplaceAll(v, " ", "")
	case kindPhones:
		var phones []string
		for _, p := range strings.Split(v, ",") {
			if p = strings.TrimSpace(p); p == "" {
				continue
			}
			n, ok := normalPhone(p)
			if !ok {
				return q.tf("ConsoleEditPhone", map[string]any{"Phone": p}), ""
			}
			phones = append(phones, n)
		}
		f.Value = strings.Join(phones, ", ")
	case kindDate, kindPubDay:
		if v == "" || (f.Kind == kindPubDay && v == "unknown") {
			break
		}
		if _, err := time.Parse("2006-01-02", v); err != nil {
			return q.t("ConsoleEditDate"), ""
		}
	case kindURL:
		if v == "" {
			break
		}
		u, err := url.Parse(v)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return q.t("ConsoleEditURL"), ""
		}
	}
	return "", ""
}

func (q *request) tf(id string, data map[string]any) string {
	return q.engine.T(q.lang, bot.MessageID(id), data)
}

// ── The forms of each page ──────────────────────────────────────────────────────────────

// serviceForm is a service's texts, amount rule, documents, channels and check date, and
// the dates of its sources.
func (q *request) serviceForm(d *draftFiles, id string) (*editForm, string, bool) {
	file, sv := d.service(id)
	if sv == nil {
		return nil, "", false
	}
	idx := slices.Index(mapValue(mustRoot(file), "services").Content, sv)
	base := item(file.name, "services", idx)
	ef := &editForm{}
	kk, ru := string(content.KK), string(content.RU)
	texts := fieldGroup{Legend: q.t("ConsoleEditTexts")}
	ef.add(&texts, q.t("ConsoleEditName"), base, sv, "name", kindText, false, kk, ru)
	ef.add(&texts, q.t("ConsoleEditSummary"), base, sv, "summary", kindText, true, kk, ru)
	ef.add(&texts, q.t("ConsoleFor"), base, sv, "for", kindText, true, kk, ru)
	ef.Groups = append(ef.Groups, texts)
	if at(sv, "amount") != nil {
		g := fieldGroup{Legend: q.t("ConsoleAmount")}
		ef.add(&g, q.t("ConsoleEditAmountRule"), base, sv, "amount", kindRule, false)
		ef.Groups = append(ef.Groups, g)
	}
	if docs := at(sv, "documents"); docs != nil && docs.Kind == yaml.SequenceNode {
		g := fieldGroup{Legend: q.t("ConsoleDocuments")}
		for i := range docs.Content {
			label := fmt.Sprintf("%s %d", q.t("ConsoleEditDocument"), i+1)
			ef.add(&g, label, base, sv, fmt.Sprintf("documents.%d.text", i), kindText, false, kk, ru)
			ef.add(&g, q.t("ConsoleEditRemove")+": "+label, base, sv, fmt.Sprintf("documents.%d", i), kindRemove, false)
		}
		ef.add(&g, q.t("ConsoleEditNewDocument"), base, sv, "documents."+newItem+".text", kindText, false, kk, ru)
		ef.Groups = append(ef.Groups, g)
	}
	if chans := at(sv, "channels"); chans != nil && chans.Kind == yaml.SequenceNode {
		g := fieldGroup{Legend: q.t("ConsoleChannels")}
		for i, ch := range chans.Content {
			kind := q.t("ConsoleChannels")
			if k := at(ch, "kind"); k != nil {
				kind = q.t("ConsoleChannel_" + k.Value)
			}
			ef.add(&g, kind, base, sv, fmt.Sprintf("channels.%d.what", i), kindText, true, kk, ru)
			if at(ch, "url") != nil {
				ef.add(&g, kind+" · URL", base, sv, fmt.Sprintf("channels.%d.url", i), kindURL, false)
			}
		}
		ef.Groups = append(ef.Groups, g)
	}
	checked := fieldGroup{Legend: q.t("ConsoleSources")}
	ef.add(&checked, q.t("ConsoleCheckedOn"), base, sv, "checked_on", kindDate, false)
	var ids []string
	if s := at(sv, "sources"); s != nil {
		for _, c := range s.Content {
			ids = append(ids, c.Value)
		}
	}
	q.addSources(d, ef, &checked, ids)
	ef.Groups = append(ef.Groups, checked)
	return ef, q.serviceScreen(id), true
}

// addSources adds the address and dates of each source named.
func (q *request) addSources(d *draftFiles, ef *editForm, g *fieldGroup, ids []string) {
	files, lists := d.topLevel("sources")
	for _, id := range ids {
		for i, list := range lists {
			for j, s := range list.Content {
				if v := mapValue(s, "id"); v == nil || v.Value != id {
					continue
				}
				base := item(files[i].name, "sources", j)
				ef.add(g, id+" · URL", base, s, "url", kindURL, false)
				ef.add(g, id+" · "+q.t("ConsoleSourcePublished"), base, s, "published", kindPubDay, false)
				ef.add(g, id+" · "+q.t("ConsoleSourceRead"), base, s, "read", kindDate, false)
			}
		}
	}
}

func mustRoot(f *yamlFile) *yaml.Node {
	root, _ := f.parse()
	return root.Content[0]
}

// serviceScreen is the first screen that shows the service's card.
func (q *request) serviceScreen(id string) string {
	c := q.engine.Content()
	for _, nid := range c.IDs() {
		if n, _ := c.Node(nid); n.Service == id {
			return nid
		}
	}
	return ""
}

// referenceForm is МРП, ПМ and МЗП by year.
func (q *request) referenceForm(d *draftFiles) (*editForm, string, bool) {
	files, refs := d.topLevel("reference")
	if len(refs) == 0 {
		return nil, "", false
	}
	base := item(files[0].name, "reference", -1)
	ef := &editForm{}
	for _, key := range []string{"mrp", "pm", "mzp"} {
		m := mapValue(refs[0], key)
		if m == nil || m.Kind != yaml.MappingNode {
			continue
		}
		g := fieldGroup{Legend: q.t("Console" + strings.ToUpper(key))}
		for i := 0; i+1 < len(m.Content); i += 2 {
			year := m.Content[i].Value
			ef.add(&g, q.t("ConsoleYear")+" "+year, base, refs[0], key+"."+year, kindNumber, false)
		}
		ef.Groups = append(ef.Groups, g)
	}
	var ids []string
	if s := mapValue(refs[0], "sources"); s != nil {
		for _, c := range s.Content {
			ids = append(ids, c.Value)
		}
	}
	src := fieldGroup{Legend: q.t("ConsoleSources")}
	q.addSources(d, ef, &src, ids)
	ef.Groups = append(ef.Groups, src)
	// The preview: the card of a service whose amount follows the reference values alone.
	for _, sv := range q.engine.Content().Services() {
		if sv.Amount != nil && sv.AmountFixed() {
			if id := q.serviceScreen(sv.ID); id != "" {
				return ef, id, true
			}
		}
	}
	return ef, "", true
}

// officesForm is the offices of a region: address, phones, hours and site of each.
func (q *request) officesForm(d *draftFiles, region string) (*editForm, []string, bool) {
	if _, ok := q.engine.Content().RegionName(region, q.lang); !ok && region != content.AllRegions {
		return nil, nil, false
	}
	ef := &editForm{}
	var types []string
	kk, ru := string(content.KK), string(content.RU)
	files, lists := d.topLevel("offices")
	for i, list := range lists {
		for j, o := range list.Content {
			if r := mapValue(o, "region"); r == nil || r.Value != region {
				continue
			}
			base := item(files[i].name, "offices", j)
			name := at(o, "name."+string(q.lang))
			if name == nil {
				name = at(o, "name.ru")
			}
			if name == nil {
				name = at(o, "name.kk")
			}
			typ := ""
			if t := mapValue(o, "type"); t != nil {
				typ = t.Value
			}
			legend := typ
			if name != nil {
				legend = name.Value
			}
			g := fieldGroup{Legend: legend}
			ef.add(&g, q.t("ConsoleEditAddress"), base, o, "address", kindText, false, kk, ru)
			ef.add(&g, q.t("ConsolePhones"), base, o, "phones", kindPhones, false)
			ef.add(&g, q.t("ConsoleHours"), base, o, "hours", kindText, false, kk, ru)
			ef.add(&g, q.t("ConsoleEditWeb"), base, o, "web", kindURL, false)
			ef.Groups = append(ef.Groups, g)
			types = append(types, typ)
		}
	}
	return ef, types, true
}

// officeScreen is the card of a service that lists offices of type typ, and the region's
// offices with it.
func (q *request) officeScreen(e *bot.Engine, types []string, focus int) string {
	order := slices.Clone(types)
	if focus >= 0 && focus < len(types) {
		order = append([]string{types[focus]}, order...)
	}
	c := e.Content()
	for _, typ := range order {
		for _, sv := range c.Services() {
			if slices.Contains(sv.OfficeTypes, typ) {
				if id := q.serviceScreen(sv.ID); id != "" {
					return id
				}
			}
		}
	}
	return ""
}

// previewsOf is a screen of e as Telegram shows it, in both languages.
func previewsOf(e *bot.Engine, id, region string) []preview {
	var out []preview
	for _, lang := range content.Langs {
		_, r := e.Open(bot.Session{Lang: lang, Region: region}, id, "")
		p := preview{Lang: string(lang), LangName: bot.LanguageName(lang), Text: r.Text, Count: telegramLength(r.Text)}
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

// Problems of content.Load that the console says in the editor's language; any other is
// shown as Load words it, after its place said in the editor's language.
var (
	problemPhone   = regexp.MustCompile(`phone "([^"]*)" is not a Kazakhstan number`)
	problemChecked = regexp.MustCompile(`checked_on (\S+) is after the last day its sources were read \((\S+)\)`)
	problemYAML    = regexp.MustCompile(`^YAML syntax: (.*)$`)
)

// problemLines are a load's errors as lines, at most maxProblems, in the editor's language
// where the console knows the problem.
func (q *request) problemLines(l *loadedDraft) []string {
	const maxProblems = 20
	var out []string
	if l.err != nil && len(l.problems.Errors()) == 0 {
		out = append(out, l.err.Error())
	}
	for _, p := range l.problems.Errors() {
		if len(out) == maxProblems {
			break
		}
		out = append(out, q.tf("ConsoleProblemAt", map[string]any{"File": p.File, "Line": p.Line, "Message": q.problemMessage(p)}))
	}
	return out
}

// problemMessage is a problem's message in the editor's language where the console knows
// it, else as Load words it.
func (q *request) problemMessage(p content.Problem) string {
	msg := p.Message
	switch {
	case problemPhone.MatchString(msg):
		msg = q.tf("ConsoleEditPhone", map[string]any{"Phone": problemPhone.FindStringSubmatch(msg)[1]})
	case problemChecked.MatchString(msg):
		m := problemChecked.FindStringSubmatch(msg)
		msg = q.tf("ConsoleProblemChecked", map[string]any{"Checked": m[1], "Read": m[2]})
	case problemYAML.MatchString(msg):
		msg = q.tf("ConsoleProblemYAML", map[string]any{"Detail": problemYAML.FindStringSubmatch(msg)[1]})
	}
	return msg
}

var errNoDraftPage = errors.New("no such page")

// editPage builds a form over the draft and, for a POST, applies what was posted: it
// returns the form, the draft as it would be with the post, and that draft loaded.
type pageForm func(q *request, d *draftFiles) (ef *editForm, screen, region string, ok bool)

func (q *request) editPage(build pageForm) (*editForm, Draft, []byte, *loadedDraft, error) {
	dr, _, err := q.draft()
	if err != nil {
		return nil, dr, nil, nil, err
	}
	d, err := openDraft(dr.Archive)
	if err != nil {
		return nil, dr, nil, nil, err
	}
	ef, screen, region, ok := build(q, d)
	if !ok {
		return nil, dr, nil, nil, errNoDraftPage
	}
	ef.Action = q.r.URL.Path
	ef.Rev = revision(dr.Archive)
	archive := dr.Archive
	if q.r.Method == http.MethodPost {
		ef.Invalid = !q.apply(d, ef)
		if archive, err = d.archive(); err != nil {
			ef.Problems = append(ef.Problems, err.Error())
			return ef, dr, nil, nil, nil
		}
	}
	l := q.h.load(archive)
	ef.Problems = append(ef.Problems, q.problemLines(l)...)
	// A problem at a field's own line is said next to it too.
	for _, p := range l.problems.Errors() {
		for _, f := range ef.fields {
			if f.Error == "" && f.line > 0 && f.line == p.Line && f.file == p.File {
				f.Error = q.problemMessage(p)
			}
		}
	}
	if l.engine != nil && screen != "" {
		ef.Preview, ef.PreviewOf = previewsOf(l.engine, screen, region), screen
	}
	return ef, dr, archive, l, nil
}

// routeEdit adds the editing pages, when the console has somewhere to keep drafts and to
// publish them.
func (h *Handler) routeEdit() {
	if h.opts.Publisher == nil || h.opts.Drafts == nil {
		return
	}
	h.edits = &editing{loaded: map[string]*loadedDraft{}}
	services := func(q *request, d *draftFiles) (*editForm, string, string, bool) {
		ef, screen, ok := q.serviceForm(d, q.r.PathValue("id"))
		return ef, screen, "", ok
	}
	reference := func(q *request, d *draftFiles) (*editForm, string, string, bool) {
		ef, screen, ok := q.referenceForm(d)
		return ef, screen, "", ok
	}
	offices := func(q *request, d *draftFiles) (*editForm, string, string, bool) {
		region := q.r.PathValue("region")
		ef, types, ok := q.officesForm(d, region)
		if !ok {
			return nil, "", "", false
		}
		focus, _ := strconv.Atoi(q.r.FormValue("focus"))
		if region == content.AllRegions { // the country-wide lines show beside a region's own
			if rs := q.engine.Content().Regions(); len(rs) > 0 {
				region = rs[0].ID
			}
		}
		return ef, q.officeScreen(q.engine, types, focus), region, true
	}
	for _, p := range []struct {
		path, title string
		build       pageForm
	}{
		{"edit/service/{id}", "ConsoleEditService", services},
		{"edit/reference", "ConsoleReference", reference},
		{"edit/offices/{region}", "ConsoleOffices", offices},
	} {
		h.page("GET "+Prefix+p.path, forContent, func(q *request) { q.showEdit(p.build, p.title) })
		h.page("POST "+Prefix+p.path, forContent, func(q *request) { q.saveEdit(p.build, p.title) })
		h.page("POST "+Prefix+p.path+"/check", forContent, func(q *request) { q.checkEdit(p.build) })
	}
	h.routeDraft()
	h.routeStale()
	h.routeMisses()
}

func (q *request) showEdit(build pageForm, title string) {
	ef, _, _, _, err := q.editPage(build)
	if errors.Is(err, errNoDraftPage) {
		http.NotFound(q.w, q.r)
		return
	}
	if err != nil {
		q.unavailable(err)
		return
	}
	ef.Saved = q.r.URL.Query().Get("saved") == "1"
	q.show("edit", q.t(title), ef)
}

// saveEdit saves a form into the draft when every field passes and the whole draft still
// loads; otherwise the page comes back with what is wrong next to each field.
func (q *request) saveEdit(build pageForm, title string) {
	ef, dr, archive, l, err := q.editPage(build)
	if errors.Is(err, errNoDraftPage) {
		http.NotFound(q.w, q.r)
		return
	}
	if err != nil {
		q.unavailable(err)
		return
	}
	if q.r.PostForm.Get("rev") != ef.Rev {
		ef.Problems = append([]string{q.t("ConsoleEditStale")}, ef.Problems...)
		ef.Invalid = true
	}
	if ef.Invalid || l == nil || l.engine == nil {
		v := q.view(q.t(title), ef)
		q.h.render(q.w, http.StatusUnprocessableEntity, "edit", v)
		return
	}
	dr.Archive = archive
	if err := q.putDraft(dr); err != nil {
		q.unavailable(err)
		return
	}
	q.audit("content.draft.save", q.r.URL.Path)
	http.Redirect(q.w, q.r, q.r.URL.Path+"?saved=1", http.StatusSeeOther)
}

// checkResult is what edit.js gets as the editor types: each field's error and warning,
// the draft's problems, and the preview, rendered.
type checkResult struct {
	Fields   map[string]fieldCheck `json:"fields"`
	Problems []string              `json:"problems"`
	Preview  string                `json:"preview"`
}

type fieldCheck struct {
	Error   string `json:"error,omitempty"`
	Warning string `json:"warning,omitempty"`
}

func (q *request) checkEdit(build pageForm) {
	ef, _, _, _, err := q.editPage(build)
	if errors.Is(err, errNoDraftPage) {
		http.NotFound(q.w, q.r)
		return
	}
	if err != nil {
		q.unavailable(err)
		return
	}
	res := checkResult{Fields: map[string]fieldCheck{}, Problems: ef.Problems}
	if res.Problems == nil {
		res.Problems = []string{}
	}
	for _, f := range ef.fields {
		res.Fields[f.Name] = fieldCheck{Error: f.Error, Warning: f.Warning}
	}
	res.Preview = q.h.fragment("previewbox", pair(q.view("", nil), ef))
	writeJSON(q.w, res)
}
