package console

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/qamqor/qamqor/bot"
	"github.com/qamqor/qamqor/bot/publishing"
	"github.com/qamqor/qamqor/content"
)

// maxUpload bounds an uploaded archive's request: a zip of content within
// content.MaxContentSize is far smaller.
const maxUpload = 8 << 20

// shownVersions is how many versions the history page lists.
const shownVersions = 20

// screenChange is how one screen a person meets changes from what is published to the
// draft: in each language, the lines of its text and the buttons gone and come.
type screenChange struct {
	ID, Title string
	Added     bool
	Removed   bool
	Langs     []langChange
}

type langChange struct {
	LangName    string
	Lang        string
	Gone, Comes []string
}

// factChange is a change to a fact that no screen shows as such: a reference value, an
// office's contacts.
type factChange struct {
	What, Old, New string
}

type draftPage struct {
	HasDraft  bool
	Base      int64
	Rev       string
	Summary   string
	Screens   []screenChange
	Facts     []factChange
	Problems  []string
	Failures  []string
	Nothing   bool
	Services  []link
	Regions   []link
	Published int64
	Behind    int64 // the version published since the draft started from Base; 0 if none
}

// lineDiff is the lines of a only, and of b only, in their order.
func lineDiff(a, b []string) (gone, comes []string) {
	count := map[string]int{}
	for _, l := range b {
		count[l]++
	}
	for _, l := range a {
		if count[l] > 0 {
			count[l]--
			continue
		}
		gone = append(gone, l)
	}
	count = map[string]int{}
	for _, l := range a {
		count[l]++
	}
	for _, l := range b {
		if count[l] > 0 {
			count[l]--
			continue
		}
		comes = append(comes, l)
	}
	return gone, comes
}

// screenLines is a screen's text lines and buttons, as a person sees them.
func screenLines(e *bot.Engine, id string, lang content.Lang) []string {
	_, r := e.Open(bot.Session{Lang: lang}, id, "")
	var lines []string
	for _, l := range strings.Split(r.Text, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, l)
		}
	}
	for _, row := range r.Buttons {
		for _, b := range row {
			lines = append(lines, "[ "+b.Label+" ]")
		}
	}
	return lines
}

// diffScreens compares every screen of the published content and of the draft, as a
// person sees it in each language.
func (q *request) diffScreens(old, new *bot.Engine) []screenChange {
	ids := old.Content().IDs()
	for _, id := range new.Content().IDs() {
		if !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	var out []screenChange
	for _, id := range ids {
		on, inOld := old.Content().Node(id)
		nn, inNew := new.Content().Node(id)
		sc := screenChange{ID: id, Added: !inOld, Removed: !inNew}
		switch {
		case inNew:
			sc.Title = nn.Title.In(q.lang)
		default:
			sc.Title = on.Title.In(q.lang)
		}
		if sc.Added || sc.Removed {
			out = append(out, sc)
			continue
		}
		for _, lang := range content.Langs {
			gone, comes := lineDiff(screenLines(old, id, lang), screenLines(new, id, lang))
			if len(gone)+len(comes) > 0 {
				sc.Langs = append(sc.Langs, langChange{LangName: bot.LanguageName(lang), Lang: string(lang), Gone: gone, Comes: comes})
			}
		}
		if len(sc.Langs) > 0 {
			out = append(out, sc)
		}
	}
	return out
}

// diffFacts compares the reference values and the offices' contacts.
func (q *request) diffFacts(old, new *content.Content) []factChange {
	var out []factChange
	or, nr := old.Reference(), new.Reference()
	for _, x := range []struct {
		name     string
		old, new map[int]float64
	}{{q.t("ConsoleMRP"), or.MRP, nr.MRP}, {q.t("ConsolePM"), or.PM, nr.PM}, {q.t("ConsoleMZP"), or.MZP, nr.MZP}} {
		var years []int
		for y := range x.old {
			years = append(years, y)
		}
		for y := range x.new {
			if !slices.Contains(years, y) {
				years = append(years, y)
			}
		}
		slices.Sort(years)
		for _, y := range years {
			a, inA := x.old[y]
			b, inB := x.new[y]
			if a != b || inA != inB {
				out = append(out, factChange{What: fmt.Sprintf("%s %d", x.name, y), Old: money(a, inA), New: money(b, inB)})
			}
		}
	}
	oo, no := old.AllOffices(), new.AllOffices()
	for i := 0; i < len(oo) && i < len(no); i++ {
		a, b := oo[i], no[i]
		name := b.NameIn(q.lang)
		if r, ok := new.RegionName(b.Region, q.lang); ok {
			name += " (" + r + ")"
		}
		check := func(what, x, y string) {
			if x != y {
				out = append(out, factChange{What: name + " · " + what, Old: x, New: y})
			}
		}
		check(q.t("ConsolePhones"), strings.Join(a.Phones, ", "), strings.Join(b.Phones, ", "))
		check(q.t("ConsoleEditAddress")+" (kk)", a.Address.KK, b.Address.KK)
		check(q.t("ConsoleEditAddress")+" (ru)", a.Address.RU, b.Address.RU)
		check(q.t("ConsoleHours")+" (kk)", a.Hours.KK, b.Hours.KK)
		check(q.t("ConsoleHours")+" (ru)", a.Hours.RU, b.Hours.RU)
		check(q.t("ConsoleEditWeb"), a.Web, b.Web)
	}
	if len(oo) != len(no) {
		out = append(out, factChange{What: q.t("ConsoleOffices"), Old: strconv.Itoa(len(oo)), New: strconv.Itoa(len(no))})
	}
	return out
}

func money(v float64, ok bool) string {
	if !ok {
		return "—"
	}
	return content.Tenge(v)
}

// routeDraft adds the draft's page (its changes, publishing), the history with rollback,
// and the archive's download and upload.
func (h *Handler) routeDraft() {
	h.page("GET "+Prefix+"draft", forContent, func(q *request) {
		p, err := q.draftPage()
		if err != nil {
			q.unavailable(err)
			return
		}
		q.show("draft", q.t("ConsoleDraft"), p)
	})
	h.page("POST "+Prefix+"draft/publish", forContent, func(q *request) {
		dr, ok, err := q.draft()
		if err != nil {
			q.unavailable(err)
			return
		}
		if !ok || q.r.PostForm.Get("rev") != revision(dr.Archive) || q.r.PostForm.Get("confirm") != "yes" {
			p, err := q.draftPage()
			if err != nil {
				q.unavailable(err)
				return
			}
			p.Problems = append([]string{q.t("ConsolePublishConfirm")}, p.Problems...)
			q.h.render(q.w, http.StatusUnprocessableEntity, "draft", q.view(q.t("ConsoleDraft"), p))
			return
		}
		l := q.h.load(dr.Archive)
		if l.engine == nil {
			http.Redirect(q.w, q.r, Prefix+"draft", http.StatusSeeOther)
			return
		}
		if _, failed, failures := l.engine.RunContentTests(); failed > 0 {
			p, err := q.draftPage()
			if err != nil {
				q.unavailable(err)
				return
			}
			p.Failures = failures[:min(len(failures), 20)]
			q.h.render(q.w, http.StatusUnprocessableEntity, "draft", q.view(q.t("ConsoleDraft"), p))
			return
		}
		summary := content.Diff(q.engine.Content(), l.engine.Content()).String()
		n, err := q.h.opts.Publisher.Publish(q.r.Context(), dr.Archive, q.author(), summary)
		if err != nil {
			q.unavailable(err)
			return
		}
		if err := q.h.opts.Drafts.DropDraft(q.r.Context(), q.session.User); err != nil {
			q.h.opts.Log.Warn("console: dropping a published draft", "err", err)
		}
		q.audit("content.publish", fmt.Sprintf("version %d: %s", n, summary))
		http.Redirect(q.w, q.r, fmt.Sprintf("%shistory?published=%d", Prefix, n), http.StatusSeeOther)
	})
	h.page("POST "+Prefix+"draft/drop", forContent, func(q *request) {
		if err := q.h.opts.Drafts.DropDraft(q.r.Context(), q.session.User); err != nil {
			q.unavailable(err)
			return
		}
		q.audit("content.draft.drop", "")
		http.Redirect(q.w, q.r, Prefix+"draft", http.StatusSeeOther)
	})
	h.page("GET "+Prefix+"draft/archive", forContent, func(q *request) {
		dr, _, err := q.draft()
		if err != nil {
			q.unavailable(err)
			return
		}
		q.w.Header().Set("Content-Type", "application/zip")
		q.w.Header().Set("Content-Disposition", `attachment; filename="qamqor-content.zip"`)
		_, _ = q.w.Write(dr.Archive)
	})
	h.page("POST "+Prefix+"draft/upload", forContent, func(q *request) {
		q.upload()
	})
	h.page("GET "+Prefix+"history", forContent, func(q *request) {
		hist, err := q.h.opts.Publisher.History(q.r.Context(), shownVersions)
		if err != nil {
			q.unavailable(err)
			return
		}
		published, _ := strconv.ParseInt(q.r.URL.Query().Get("published"), 10, 64)
		rolled, _ := strconv.ParseInt(q.r.URL.Query().Get("current"), 10, 64)
		gone, _ := strconv.ParseInt(q.r.URL.Query().Get("gone"), 10, 64)
		q.show("history", q.t("ConsoleHistory"), historyPage{History: hist, Published: published, RolledBack: rolled, Gone: gone})
	})
	h.page("POST "+Prefix+"history/rollback", forContent, func(q *request) {
		n, err := strconv.ParseInt(q.r.PostForm.Get("version"), 10, 64)
		if err != nil || n < 0 {
			http.Redirect(q.w, q.r, Prefix+"history", http.StatusSeeOther)
			return
		}
		current, err := q.h.opts.Publisher.Rollback(q.r.Context(), n, q.author())
		if errors.Is(err, publishing.ErrNoVersion) || errors.Is(err, publishing.ErrVersionGone) {
			http.Redirect(q.w, q.r, fmt.Sprintf("%shistory?gone=%d", Prefix, n), http.StatusSeeOther)
			return
		}
		if err != nil {
			q.unavailable(err)
			return
		}
		q.audit("content.rollback", fmt.Sprintf("to version %d, now %d", n, current))
		http.Redirect(q.w, q.r, fmt.Sprintf("%shistory?current=%d", Prefix, current), http.StatusSeeOther)
	})
}

type historyPage struct {
	publishing.History
	Published, RolledBack, Gone int64
}

// author is how the history names the editor: their Telegram id (no name is kept).
func (q *request) author() string { return "console:" + strconv.FormatInt(q.session.User, 10) }

func (q *request) draftPage() (draftPage, error) {
	dr, has, err := q.draft()
	if err != nil {
		return draftPage{}, err
	}
	p := draftPage{HasDraft: has, Base: dr.Base, Rev: revision(dr.Archive)}
	c := q.engine.Content()
	for _, sv := range c.Services() {
		p.Services = append(p.Services, link{Href: Prefix + "edit/service/" + sv.ID, Label: sv.Name.In(q.lang)})
	}
	p.Regions = append(p.Regions, link{Href: Prefix + "edit/offices/" + content.AllRegions, Label: q.t("ConsoleAllRegions")})
	for _, r := range c.Regions() {
		p.Regions = append(p.Regions, link{Href: Prefix + "edit/offices/" + r.ID, Label: r.Name.In(q.lang)})
	}
	if !has {
		return p, nil
	}
	if _, current, err := q.h.opts.Publisher.Current(q.r.Context()); err == nil && current != dr.Base {
		p.Behind = current
	}
	l := q.h.load(dr.Archive)
	p.Problems = q.problemLines(l)
	if l.engine == nil {
		return p, nil
	}
	p.Summary = content.Diff(c, l.engine.Content()).String()
	p.Screens = q.diffScreens(q.engine, l.engine)
	p.Facts = q.diffFacts(c, l.engine.Content())
	p.Nothing = len(p.Screens) == 0 && len(p.Facts) == 0 && content.Diff(c, l.engine.Content()).None()
	return p, nil
}

// upload makes an uploaded content archive (or one content file, put into the draft) the
// editor's draft, when it is within the archive limits and loads.
func (q *request) upload() {
	file, header, err := q.r.FormFile("archive")
	if err != nil {
		http.Redirect(q.w, q.r, Prefix+"draft", http.StatusSeeOther)
		return
	}
	defer file.Close()
	data, err := io.ReadAll(io.LimitReader(file, maxUpload))
	if err != nil {
		q.unavailable(err)
		return
	}
	dr, _, err := q.draft()
	if err != nil {
		q.unavailable(err)
		return
	}
	name := strings.ToLower(header.Filename)
	var archive []byte
	switch {
	case strings.HasSuffix(name, ".zip"):
		archive = data
	case strings.HasSuffix(name, ".yaml") || strings.HasSuffix(name, ".yml"):
		archive, err = content.WithFile(dr.Archive, header.Filename, data)
	default:
		err = errors.New(q.t("ConsoleUploadKind"))
	}
	var problems []string
	if err == nil {
		var u *content.Unpacked
		if u, err = content.Unpack(archive); err == nil {
			archive = u.Zip
			l := q.h.load(archive)
			problems = q.problemLines(l)
			if l.engine != nil {
				dr.Archive = archive
				if err := q.putDraft(dr); err != nil {
					q.unavailable(err)
					return
				}
				q.audit("content.draft.upload", header.Filename)
				http.Redirect(q.w, q.r, Prefix+"draft", http.StatusSeeOther)
				return
			}
		}
	}
	if err != nil {
		problems = append([]string{q.archiveProblem(err)}, problems...)
	}
	p, perr := q.draftPage()
	if perr != nil {
		q.unavailable(perr)
		return
	}
	p.Problems = append([]string{q.t("ConsoleUploadRefused")}, problems...)
	q.h.render(q.w, http.StatusUnprocessableEntity, "draft", q.view(q.t("ConsoleDraft"), p))
}

// archiveProblem says what is wrong with an archive in the editor's language.
func (q *request) archiveProblem(err error) string {
	var ae *content.ArchiveError
	if !errors.As(err, &ae) {
		return err.Error()
	}
	switch ae.Kind {
	case content.TooManyFiles:
		return q.tf("ConsoleUploadTooManyFiles", map[string]any{"Max": ae.Limit})
	case content.FileTooBig, content.TooBig:
		return q.tf("ConsoleUploadTooBig", map[string]any{"MaxKB": ae.Limit >> 10})
	}
	return q.t("ConsoleUploadNotZip")
}

// fragment renders a named template of the edit page alone (the preview edit.js puts in).
func (h *Handler) fragment(name string, data any) string {
	var b bytes.Buffer
	if err := h.pages["edit"].ExecuteTemplate(&b, name, data); err != nil {
		h.opts.Log.Error("console: rendering", "fragment", name, "err", err)
		return ""
	}
	return b.String()
}

// pair is the template function of the same name, for Go callers.
func pair(v view, x any) map[string]any { return map[string]any{"L": v.L, "X": x} }

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_ = json.NewEncoder(w).Encode(v)
}
