package console

import (
	"bytes"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"slices"
	"strings"

	"github.com/qamqor/qamqor/bot"
	"github.com/qamqor/qamqor/content"
)

// loc gives templates the console's strings (locales/*.toml) in the page's language, and
// in both for the pages shown before anyone has signed in.
type loc struct {
	e    *bot.Engine
	lang content.Lang
}

// T is the string id in the page's language.
func (l loc) T(id string) string { return l.e.T(l.lang, bot.MessageID(id), nil) }

// KK and RU are the string id in Kazakh and in Russian.
func (l loc) KK(id string) string { return l.e.T(content.KK, bot.MessageID(id), nil) }
func (l loc) RU(id string) string { return l.e.T(content.RU, bot.MessageID(id), nil) }

// view is what every page's template gets.
type view struct {
	L        loc
	Lang     string // the page's language; "" on the pages in both languages
	SignedIn bool
	Editor   bool // may see content
	Editing  bool // may change it: the console edits, and the user is an editor
	Misses   bool // the questions that found nothing can be listed
	Partner  bool
	Report   bool // the partner's report is served
	Admin    bool
	CSRF     string
	Path     string // the page's own path, for the language switch to come back to
	Title    string
	Query    string // what the search box holds
	Data     any
}

func (h *Handler) publicView(r *http.Request, data any) view {
	return view{L: loc{e: h.opts.Engine()}, Path: r.URL.Path, Data: data}
}

// view is a signed-in page's view.
func (q *request) view(title string, data any) view {
	return view{
		L: loc{e: q.engine, lang: q.lang}, Lang: string(q.lang), SignedIn: true,
		Editor: q.may(forContent), Editing: q.may(forContent) && q.h.edits != nil,
		Misses: q.may(forContent) && q.h.edits != nil && q.h.opts.Misses != nil, Partner: slices.Contains(q.roles, bot.RolePartner),
		Report: slices.Contains(q.roles, bot.RolePartner) && q.h.reportsOn(),
		Admin:  slices.Contains(q.roles, bot.RoleAdmin) && q.h.hasAdminPages(),
		CSRF:   q.session.CSRF, Path: q.r.URL.RequestURI(), Title: title, Data: data,
	}
}

// parseTemplates parses every page with the layout around it.
func parseTemplates() map[string]*template.Template {
	funcs := template.FuncMap{
		"lines": func(s string) []string { return strings.Split(strings.TrimSpace(s), "\n") },
		// pair hands a shared block (sources, offices) the page's strings with its data.
		"pair": func(v view, x any) map[string]any { return map[string]any{"L": v.L, "X": x} },
	}
	layout := template.Must(template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html"))
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		panic(err)
	}
	pages := map[string]*template.Template{}
	for _, name := range names {
		base := strings.TrimSuffix(path.Base(name), ".html")
		if base == "layout" {
			continue
		}
		pages[base] = template.Must(template.Must(layout.Clone()).ParseFS(templateFS, name))
	}
	return pages
}

// render writes page with v; a template that fails writes nothing of the page, so a
// person never sees half of one.
func (h *Handler) render(w http.ResponseWriter, status int, page string, v view) {
	t, ok := h.pages[page]
	if !ok {
		panic("console: no template " + page)
	}
	var b bytes.Buffer
	if err := t.ExecuteTemplate(&b, "layout.html", v); err != nil {
		h.opts.Log.Error("console: rendering", "page", page, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(b.Bytes())
}

// show renders a signed-in page.
func (q *request) show(page, title string, data any) {
	q.h.render(q.w, http.StatusOK, page, q.view(title, data))
}
