package console

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/qamqor/qamqor/content"
)

// staleAge is how old a fact's check may be before the stale list shows it: what
// `qamqor content stale` lists by default.
const staleAge = 365 * 24 * time.Hour

type staleFact struct {
	Key              string // file:line:what, which names the fact in a post
	Group, What, Why string
	Where            string
	URL, PageDate    field
	Checked          string
}

type stalePage struct {
	Facts   []staleFact
	Checked bool
	Rev     string
}

// staleFacts lists the draft's facts due for a check, as `content stale` does.
func (q *request) staleFacts(c *content.Content) []staleFact {
	var out []staleFact
	for i, f := range c.Stale(q.now, staleAge) {
		group := ""
		if f.Service != "" {
			group = f.Service
			if sv, ok := c.Service(f.Service); ok {
				group = sv.Name.In(q.lang)
			}
		} else if name, ok := c.RegionName(f.Region, q.lang); ok {
			group = name
		} else {
			group = q.t("ConsoleAllRegions")
		}
		id := fmt.Sprintf("s%d", i)
		out = append(out, staleFact{
			Key: fmt.Sprintf("%s:%d:%s", f.File, f.Line, f.What), Group: group, What: f.What, Why: f.Reason,
			Where: fmt.Sprintf("%s:%d", f.File, f.Line), Checked: day(f.Checked),
			URL:      field{ID: id + "u", Name: "url", Kind: kindURL},
			PageDate: field{ID: id + "d", Name: "published", Kind: kindPubDay},
		})
	}
	return out
}

// routeStale adds the stale-facts list with "I checked this today".
func (h *Handler) routeStale() {
	h.page("GET "+Prefix+"stale", forContent, func(q *request) { q.stalePage(nil) })
	h.page("POST "+Prefix+"stale", forContent, func(q *request) {
		dr, _, err := q.draft()
		if err != nil {
			q.unavailable(err)
			return
		}
		l := q.h.load(dr.Archive)
		if l.engine == nil {
			q.stalePage(nil)
			return
		}
		key := q.r.PostForm.Get("fact")
		var fact *staleFact
		facts := q.staleFacts(l.engine.Content())
		for i := range facts {
			if facts[i].Key == key {
				fact = &facts[i]
			}
		}
		if fact == nil || q.r.PostForm.Get("rev") != revision(dr.Archive) {
			http.Redirect(q.w, q.r, Prefix+"stale", http.StatusSeeOther)
			return
		}
		fact.URL.Value = strings.TrimSpace(q.r.PostForm.Get("url"))
		fact.PageDate.Value = strings.TrimSpace(q.r.PostForm.Get("published"))
		if fact.URL.Value == "" {
			fact.URL.Error = q.t("ConsoleEditURL")
		} else {
			fact.URL.Error, _ = q.check(&fact.URL, q.r.PostForm)
		}
		fact.PageDate.Error, _ = q.check(&fact.PageDate, q.r.PostForm)
		if fact.What == "amount" && fact.PageDate.Error == "" && (fact.PageDate.Value == "" || fact.PageDate.Value == "unknown") {
			// An amount is stale because its pages predate this year's reference values:
			// a page without a date cannot say otherwise.
			fact.PageDate.Error = q.t("ConsoleStaleAmountDate")
		}
		if fact.URL.Error == "" && fact.PageDate.Error == "" {
			archive, err := q.markChecked(dr.Archive, l.engine.Content(), key, fact.URL.Value, fact.PageDate.Value)
			if err == nil {
				if l := q.h.load(archive); l.engine == nil {
					err = fmt.Errorf("%s", strings.Join(q.problemLines(l), "\n"))
				}
			}
			if err == nil {
				dr.Archive = archive
				if err := q.putDraft(dr); err != nil {
					q.unavailable(err)
					return
				}
				q.audit("content.draft.checked", key+" "+fact.URL.Value)
				http.Redirect(q.w, q.r, Prefix+"stale?checked=1", http.StatusSeeOther)
				return
			}
			fact.URL.Error = err.Error()
		}
		q.stalePage(fact)
	})
}

func (q *request) stalePage(failed *staleFact) {
	dr, _, err := q.draft()
	if err != nil {
		q.unavailable(err)
		return
	}
	p := stalePage{Checked: q.r.URL.Query().Get("checked") == "1", Rev: revision(dr.Archive)}
	if l := q.h.load(dr.Archive); l.engine != nil {
		p.Facts = q.staleFacts(l.engine.Content())
	}
	status := http.StatusOK
	for i := range p.Facts {
		if failed != nil && p.Facts[i].Key == failed.Key {
			p.Facts[i].URL, p.Facts[i].PageDate = failed.URL, failed.PageDate
			status = http.StatusUnprocessableEntity
		}
	}
	q.h.render(q.w, status, "stale", q.view(q.t("ConsoleStale"), p))
}

// markChecked records in the draft that the fact at key was checked today against the
// page at address: a new source (read today, published on pageDate or "unknown") in the
// first sources file, named in the fact's sources, and the fact's checked_on today.
func (q *request) markChecked(archive []byte, c *content.Content, key, address, pageDate string) ([]byte, error) {
	parts := strings.SplitN(key, ":", 3)
	var line int
	if len(parts) != 3 {
		return nil, errNotScalar
	}
	if _, err := fmt.Sscanf(parts[1], "%d", &line); err != nil {
		return nil, err
	}
	d, err := openDraft(archive)
	if err != nil {
		return nil, err
	}
	file, ok := d.files[parts[0]]
	if !ok {
		return nil, errNotScalar
	}
	root, err := file.parse()
	if err != nil {
		return nil, err
	}
	fact := mappingAt(root, line)
	if fact == nil {
		return nil, errNotScalar
	}
	today := q.now.Format(time.DateOnly)
	id := newSourceID(c, q.now)
	if pageDate == "" {
		pageDate = "unknown"
	}
	sources, err := d.addSource(id, address, pageDate, today)
	if err != nil {
		return nil, err
	}
	// The new source is written first, so the edits below work on bytes that have it.
	if err := sources.commit(); err != nil {
		return nil, err
	}
	if sources == file { // the fact is in the sources file itself: find it again
		root, err := file.parse()
		if err != nil {
			return nil, err
		}
		if fact = mappingAt(root, line); fact == nil {
			return nil, errNotScalar
		}
	}
	lists := []string{"sources"}
	if mapValue(fact, "name") != nil && mapValue(fact, "id") != nil { // a service
		// Its check date is also that of its documents, amount and processing time, which
		// have no date of their own: the page read is a source of each. Its channels and
		// articles without a date of their own keep the date they had.
		for _, k := range []string{"amount_sources", "documents_sources", "processing_sources"} {
			if mapValue(fact, k) != nil {
				lists = append(lists, k)
			}
		}
		if old := mapValue(fact, "checked_on"); old != nil {
			for _, k := range []string{"channels", "legal_basis"} {
				if items := mapValue(fact, k); items != nil {
					for _, it := range items.Content {
						if it.Kind == yaml.MappingNode && mapValue(it, "checked_on") == nil {
							*file.ensure(it, "checked_on") = yaml.Node{Kind: yaml.ScalarNode, Tag: "!!timestamp", Value: old.Value}
						}
					}
				}
			}
		}
	}
	for _, k := range lists {
		list := mapValue(fact, k)
		if list == nil {
			list = file.ensure(fact, k)
			*list = yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Style: yaml.FlowStyle}
			file.reencode = true
		}
		var ids []string
		for _, n := range list.Content {
			ids = append(ids, n.Value)
		}
		if err := file.setList(list, append(ids, id)); err != nil {
			return nil, err
		}
	}
	if err := file.setScalar(file.ensure(fact, "checked_on"), today, inFlow(fact, "checked_on")); err != nil {
		return nil, err
	}
	return d.archive()
}

// mappingAt is the mapping node that starts at line (a service, a channel, an office).
func mappingAt(n *yaml.Node, line int) *yaml.Node {
	if n.Kind == yaml.MappingNode && n.Line == line {
		return n
	}
	for _, c := range n.Content {
		if m := mappingAt(c, line); m != nil {
			return m
		}
	}
	return nil
}

// newSourceID is an id no source has: chk_<day>_<n>.
func newSourceID(c *content.Content, now time.Time) string {
	for n := 1; ; n++ {
		id := fmt.Sprintf("chk_%s_%d", now.Format("20060102"), n)
		if _, ok := c.Source(id); !ok {
			return id
		}
	}
}

// addSource adds a source to the first file with a sources list, written as the list's
// other items are, just after its last item.
func (d *draftFiles) addSource(id, address, published, read string) (*yamlFile, error) {
	files, lists := d.topLevel("sources")
	if len(lists) == 0 || len(lists[0].Content) == 0 {
		return nil, errNotScalar
	}
	f, list := files[0], lists[0]
	u, _ := url.Parse(address)
	title := address
	if u != nil && u.Host != "" {
		title = u.Host
	}
	q := func(s string) string {
		b, _ := yaml.Marshal(s)
		return strings.TrimSuffix(string(b), "\n")
	}
	first := list.Content[0]
	dash := strings.Repeat(" ", max(first.Column-3, 0)) + "- "
	pad := strings.Repeat(" ", first.Column-1)
	text := dash + "id: " + id + "\n" + pad + "url: " + q(address) + "\n" + pad + "title: " + q(title) + "\n" +
		pad + "published: " + published + "\n" + pad + "read: " + read + "\n"
	// After the list: before the next top-level key and the comments above it.
	root := mustRoot(f)
	insert := len(f.src)
	for i := 0; i+1 < len(root.Content); i += 2 {
		if root.Content[i+1] == list && i+2 < len(root.Content) {
			insert = f.offset(root.Content[i+2].Line, 1)
		}
	}
	if insert < 0 {
		return nil, errNotScalar
	}
	for insert > 0 {
		start := bytes.LastIndexByte(f.src[:insert-1], '\n') + 1
		l := strings.TrimSpace(string(f.src[start : insert-1]))
		if l != "" && !strings.HasPrefix(l, "#") {
			break
		}
		insert = start
	}
	if insert > 0 && f.src[insert-1] != '\n' {
		text = "\n" + text
	}
	f.splices = append(f.splices, splice{insert, insert, text})
	return f, nil
}
