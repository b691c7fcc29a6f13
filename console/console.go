// Package console is Qamqor's web console for staff, served under /console by `qamqor
// serve` (and alone by `qamqor console`): in a browser through a one-time link the bot
// sends, or inside Telegram as a Mini App. Admins see everything, editors the content,
// partners their own referrals; anyone else gets 404 for every path, so nothing says
// which pages exist. Pages plug in through Handler.page with the roles that may see them;
// every asset is embedded.
package console

import (
	"context"
	"embed"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/qamqor/qamqor/bot"
	"github.com/qamqor/qamqor/bot/referrals"
	"github.com/qamqor/qamqor/content"
)

// Prefix is where the console is served.
const Prefix = "/console/"

// Defaults of Options.
const (
	DefaultLoginTTL       = 10 * time.Minute
	DefaultIdleTimeout    = 30 * time.Minute
	DefaultInitDataMaxAge = time.Hour
)

// cookieName is the session cookie's name.
const cookieName = "qamqor_console"

// Roles says which roles a Telegram user holds (bot.Service.RolesOf).
type Roles func(ctx context.Context, user int64) ([]bot.Role, error)

// Options is what the console is made of.
type Options struct {
	Engine func() *bot.Engine // the content being served now (bot.Service.Engine)
	Roles  Roles
	Store  Store
	Audit  bot.Auditor // nil: the process log only
	Log    *slog.Logger
	// BotToken, when set, lets the bot's Mini App in with its initData.
	BotToken string
	// URL is the console's public address (CONSOLE_URL), which login links start with; an
	// https address makes the cookie Secure even behind a proxy that speaks plain HTTP.
	URL            string
	Now            func() time.Time
	LoginTTL       time.Duration
	IdleTimeout    time.Duration
	InitDataMaxAge time.Duration
	// Editing: with both set, editors keep drafts in Drafts (for DraftTTL after their last
	// change) and publish them through Publisher; without, the content pages only browse.
	Publisher Publisher
	Drafts    Drafts
	DraftTTL  time.Duration
	// Misses, when set with editing, lists the questions that found nothing, to add as
	// keywords of a screen (store.Stats).
	Misses Misses

	// The admins' pages (admin.go): each is served only when its port is set.
	Stats    StatsReader  // statistics (store.Stats)
	Partners PartnerAdmin // partners and invitations (store.Referrals)
	// InviteLink is an invitation's deep link (https://t.me/<bot>?start=i_<code>, as
	// /invite's); QR draws a link's QR code as PNG (qr.PNG). nil: the code alone.
	InviteLink func(code string) string
	QR         func(link string) ([]byte, error)
	AuditLog   AuditReader // the audit log (store.Admin)
	Broadcasts Broadcasts  // broadcasts, sent and scheduled (store.News)
	// Deliver sends a message to a chat (telegram.Bot.Deliver): a broadcast's test to
	// its author; nil: no test sending.
	Deliver bot.Deliver
	// Referrals lets partners see their organisation's referrals (store.Referrals); nil:
	// their page says to use the bot's /referrals.
	Referrals ReferralsReader
	// Revoked, when set, is called after the Partners page revoked p (as they were before):
	// it tells them, in their language, and resets their chat's command menu, as the bot's
	// /revoke does. nil: they are not told.
	Revoked func(ctx context.Context, p referrals.Partner) error
	// Reports, with Referrals, gives partners their organisation's report for a funder
	// (/report's, referrals.Feature); nil: the page is not served.
	Reports Reports
}

// Handler serves the console; make it with New.
type Handler struct {
	opts  Options
	mux   *http.ServeMux
	pages map[string]*template.Template
	guard http.Handler
	edits *editing // nil when the console does not edit
}

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// New returns the console's handler, for the paths under Prefix.
func New(o Options) *Handler {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.LoginTTL == 0 {
		o.LoginTTL = DefaultLoginTTL
	}
	if o.IdleTimeout == 0 {
		o.IdleTimeout = DefaultIdleTimeout
	}
	if o.InitDataMaxAge == 0 {
		o.InitDataMaxAge = DefaultInitDataMaxAge
	}
	if o.DraftTTL == 0 {
		o.DraftTTL = DefaultDraftTTL
	}
	h := &Handler{opts: o, mux: http.NewServeMux(), pages: parseTemplates()}
	static, _ := fs.Sub(staticFS, "static")
	h.mux.Handle("GET "+Prefix+"static/", http.StripPrefix(Prefix+"static/", immutable(http.FileServerFS(static))))
	h.routeAuth()
	h.routeBrowse()
	h.routeEdit()
	h.routeAdmin()
	h.routeReport()
	// A cross-origin POST is refused by the browser's own word (Sec-Fetch-Site, Origin)
	// before anything runs; forms also carry the session's CSRF token (see checkCSRF).
	h.guard = http.NewCrossOriginProtection().Handler(http.HandlerFunc(h.route))
	return h
}

// ServeHTTP implements http.Handler.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	hd := w.Header()
	hd.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; script-src 'self'; connect-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors https://web.telegram.org https://*.telegram.org; base-uri 'none'")
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Referrer-Policy", "no-referrer")
	hd.Set("Cache-Control", "no-store")
	h.guard.ServeHTTP(w, r)
}

// route answers 404 for every path and method it does not serve: ServeMux would answer
// 405 to a wrong method on a path it knows, which would say the page exists.
func (h *Handler) route(w http.ResponseWriter, r *http.Request) {
	if _, pattern := h.mux.Handler(r); pattern == "" {
		http.NotFound(w, r)
		return
	}
	h.mux.ServeHTTP(w, r) // matches again, and sets the path's values
}

func immutable(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=3600")
		next.ServeHTTP(w, r)
	})
}

// Who a page is for; an admin passes every check. forAnyRole is anyone signed in.
var (
	forContent  = []bot.Role{bot.RoleEditor}
	forPartners = []bot.Role{bot.RolePartner}
	forAnyRole  = []bot.Role{bot.RoleEditor, bot.RolePartner}
)

// request is one signed-in request to a page.
type request struct {
	w       http.ResponseWriter
	r       *http.Request
	h       *Handler
	session Session
	roles   []bot.Role
	lang    content.Lang
	engine  *bot.Engine
	now     time.Time
}

// may reports whether the request's user holds one of roles; an admin holds them all.
func (q *request) may(roles []bot.Role) bool {
	if slices.Contains(q.roles, bot.RoleAdmin) {
		return true
	}
	for _, r := range roles {
		if slices.Contains(q.roles, r) {
			return true
		}
	}
	return false
}

// page serves pattern to the users holding one of roles (admins always); everyone else,
// signed in or not, gets the same 404 as a path that does not exist. A request that
// changes something must carry the session's CSRF token.
func (h *Handler) page(pattern string, roles []bot.Role, fn func(q *request)) {
	h.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		q, ok := h.signedIn(w, r)
		if !ok || !q.may(roles) {
			http.NotFound(w, r)
			return
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead && !q.checkCSRF() {
			http.Error(w, "bad request", http.StatusForbidden)
			return
		}
		fn(q)
	})
}

// checkCSRF compares the form's csrf field with the session's, in constant time. The
// cross-origin check in ServeHTTP already stops what browsers mark cross-site; the token
// also stops a forged request from a browser that sends neither Sec-Fetch-Site nor Origin.
func (q *request) checkCSRF() bool {
	if strings.HasPrefix(q.r.Header.Get("Content-Type"), "multipart/form-data") { // an upload
		q.r.Body = http.MaxBytesReader(q.w, q.r.Body, maxUpload)
		if err := q.r.ParseMultipartForm(maxUpload); err != nil {
			return false
		}
	}
	if err := q.r.ParseForm(); err != nil {
		return false
	}
	return sameToken(q.r.PostForm.Get("csrf"), q.session.CSRF)
}

// audit records an action of the request's user.
func (q *request) audit(action, detail string) {
	q.h.audit(q.r.Context(), q.session.User, action, detail)
}

func (h *Handler) audit(ctx context.Context, user int64, action, detail string) {
	if h.opts.Audit == nil {
		h.opts.Log.Info("audit", "who", user, "action", action)
		return
	}
	h.opts.Audit.Audit(ctx, h.opts.Now(), user, action, detail)
}

// secure reports whether cookies must be Secure: the request came over TLS, or the
// console's public address is https (TLS ends at a proxy in front).
func (h *Handler) secure(r *http.Request) bool {
	return r.TLS != nil || strings.HasPrefix(strings.ToLower(h.opts.URL), "https://")
}
