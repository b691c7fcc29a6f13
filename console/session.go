package console

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/qamqor/qamqor/content"
)

// touchEvery is how stale a session's LastSeen may get before a request writes it again:
// the idle timeout is kept to within a minute without a write on every page.
const touchEvery = time.Minute

// NewLogin makes a one-time login link for user, valid LoginTTL: the link the bot's
// /console sends, and the one `qamqor console` prints.
func (h *Handler) NewLogin(ctx context.Context, user int64) (string, error) {
	token := newToken()
	l := Login{User: user, Expires: h.opts.Now().Add(h.opts.LoginTTL)}
	if err := h.opts.Store.PutLogin(ctx, storeKey("login", token), l, h.opts.LoginTTL); err != nil {
		return "", err
	}
	return h.loginURL(token), nil
}

func (h *Handler) loginURL(token string) string {
	return h.base() + "/login?t=" + url.QueryEscape(token)
}

// AppURL is the Mini App's address (the bot's menu button opens it), or "" when the
// console's address is not HTTPS, which Telegram requires of a Mini App.
func (h *Handler) AppURL() string {
	if !strings.HasPrefix(strings.ToLower(h.opts.URL), "https://") {
		return ""
	}
	return h.base() + "/app"
}

// base is the console's public address without the final slash: URL, with /console added
// when it names only the host.
func (h *Handler) base() string {
	base := strings.TrimSuffix(h.opts.URL, "/")
	if !strings.HasSuffix(base, strings.TrimSuffix(Prefix, "/")) {
		base += strings.TrimSuffix(Prefix, "/")
	}
	return base
}

// signedIn finds the request's session: a cookie naming a session the store has, used
// within the idle timeout, of a user who still holds a role.
func (h *Handler) signedIn(w http.ResponseWriter, r *http.Request) (*request, bool) {
	c, err := r.Cookie(cookieName)
	if err != nil || !wellFormed(c.Value) {
		return nil, false
	}
	ctx := r.Context()
	key := storeKey("session", c.Value)
	s, ok, err := h.opts.Store.Session(ctx, key)
	if err != nil {
		h.opts.Log.Warn("console: reading a session; taken as none", "err", err)
		return nil, false
	}
	now := h.opts.Now()
	if !ok {
		return nil, false
	}
	if now.Sub(s.LastSeen) > h.opts.IdleTimeout {
		_ = h.opts.Store.DeleteSession(ctx, key)
		return nil, false
	}
	roles, err := h.opts.Roles(ctx, s.User)
	if err != nil {
		h.opts.Log.Warn("console: reading roles; taken as none", "user", s.User, "err", err)
		return nil, false
	}
	if len(roles) == 0 {
		return nil, false
	}
	if now.Sub(s.LastSeen) >= touchEvery {
		s.LastSeen = now
		if err := h.opts.Store.PutSession(ctx, key, s, h.opts.IdleTimeout); err != nil {
			h.opts.Log.Warn("console: keeping a session", "err", err)
		}
	}
	lang, ok := content.ParseLang(s.Lang)
	if !ok {
		lang = content.KK
	}
	return &request{w: w, r: r, h: h, session: s, roles: roles, lang: lang, engine: h.opts.Engine(), now: now}, true
}

// errNoRole is a sign-in by someone without a role.
var errNoRole = errors.New("console: no role")

// startSession opens a session for user and sets its cookie (sessionCookie); app says
// the Mini App's initData opened it.
func (h *Handler) startSession(w http.ResponseWriter, r *http.Request, user int64, lang string, app bool) error {
	ctx := r.Context()
	roles, err := h.opts.Roles(ctx, user)
	if err != nil {
		return err
	}
	if len(roles) == 0 {
		return errNoRole
	}
	if _, ok := content.ParseLang(lang); !ok {
		lang = string(content.KK)
	}
	secret := newToken()
	s := Session{User: user, CSRF: newToken(), Lang: lang, LastSeen: h.opts.Now(), App: app && h.secure(r)}
	if err := h.opts.Store.PutSession(ctx, storeKey("session", secret), s, h.opts.IdleTimeout); err != nil {
		return err
	}
	http.SetCookie(w, h.sessionCookie(r, secret, s.App))
	h.audit(ctx, user, "console.login", "")
	return nil
}

// sessionCookie is the session's cookie: HttpOnly (no script reads it), Path /console,
// Secure over HTTPS, and SameSite=Strict, so no other site's page sends it.
//
// Except a session the Mini App opened over HTTPS: Telegram Web shows a Mini App in an
// iframe of web.telegram.org, a cross-site frame, where browsers neither store nor send a
// Strict (or Lax) cookie, so the console would sign in and then forget it at once. That
// cookie is SameSite=None; Secure; Partitioned: CHIPS keys it to the top-level site it was
// set under (Telegram's, inside its frame), so the browser sends it only to frames of the
// console under that same site. It does not weaken CSRF: every change must still carry the
// session's CSRF token, which only the console's own pages hold, and the cross-origin
// check (Sec-Fetch-Site, Origin) refuses a POST another site's page makes; the console's
// own forms inside the frame are same-origin. A link's session (a browser tab) stays
// Strict.
func (h *Handler) sessionCookie(r *http.Request, secret string, app bool) *http.Cookie {
	c := &http.Cookie{Name: cookieName, Value: secret, Path: strings.TrimSuffix(Prefix, "/"),
		HttpOnly: true, Secure: h.secure(r), SameSite: http.SameSiteStrictMode}
	if app && c.Secure {
		c.SameSite, c.Partitioned = http.SameSiteNoneMode, true
	}
	return c
}

// routeAuth adds signing in and out.
func (h *Handler) routeAuth() {
	// The link's page only shows a button: opening the link reads nothing from the store,
	// so a messenger's link preview cannot use the token up; the button's POST does.
	h.mux.HandleFunc("GET "+Prefix+"login", func(w http.ResponseWriter, r *http.Request) {
		token := r.URL.Query().Get("t")
		if !wellFormed(token) {
			http.NotFound(w, r)
			return
		}
		h.render(w, http.StatusOK, "login", h.publicView(r, map[string]string{"Token": token}))
	})
	h.mux.HandleFunc("POST "+Prefix+"login", func(w http.ResponseWriter, r *http.Request) {
		token := r.PostFormValue("t")
		if !wellFormed(token) {
			http.NotFound(w, r)
			return
		}
		l, ok, err := h.opts.Store.TakeLogin(r.Context(), storeKey("login", token))
		if err != nil {
			h.opts.Log.Warn("console: reading a login", "err", err)
		}
		if !ok || err != nil || !h.opts.Now().Before(l.Expires) {
			h.render(w, http.StatusNotFound, "refused", h.publicView(r, nil))
			return
		}
		if err := h.startSession(w, r, l.User, r.PostFormValue("lang"), false); err != nil {
			h.render(w, http.StatusNotFound, "refused", h.publicView(r, nil))
			return
		}
		http.Redirect(w, r, Prefix, http.StatusSeeOther)
	})
	// Inside Telegram: app.js posts the Mini App's initData here.
	h.mux.HandleFunc("GET "+Prefix+"app", func(w http.ResponseWriter, r *http.Request) {
		if h.opts.BotToken == "" {
			http.NotFound(w, r)
			return
		}
		h.render(w, http.StatusOK, "app", h.publicView(r, nil))
	})
	h.mux.HandleFunc("POST "+Prefix+"app", func(w http.ResponseWriter, r *http.Request) {
		if h.opts.BotToken == "" {
			http.NotFound(w, r)
			return
		}
		user, err := ValidateInitData(r.PostFormValue("initData"), h.opts.BotToken, h.opts.Now(), h.opts.InitDataMaxAge)
		if err == nil {
			err = h.startSession(w, r, user.ID, user.LanguageCode, true)
		}
		if err != nil {
			h.render(w, http.StatusNotFound, "refused", h.publicView(r, nil))
			return
		}
		http.Redirect(w, r, Prefix, http.StatusSeeOther)
	})
	h.page("POST "+Prefix+"logout", forAnyRole, func(q *request) {
		c, _ := q.r.Cookie(cookieName)
		_ = q.h.opts.Store.DeleteSession(q.r.Context(), storeKey("session", c.Value))
		gone := q.h.sessionCookie(q.r, "", q.session.App) // the same attributes, or the browser keeps it
		gone.MaxAge = -1
		http.SetCookie(q.w, gone)
		q.audit("console.logout", "")
		q.h.render(q.w, http.StatusOK, "loggedout", q.h.publicView(q.r, nil))
	})
	h.page("POST "+Prefix+"lang", forAnyRole, func(q *request) {
		if lang, ok := content.ParseLang(q.r.PostForm.Get("lang")); ok {
			c, _ := q.r.Cookie(cookieName)
			q.session.Lang = string(lang)
			if err := q.h.opts.Store.PutSession(q.r.Context(), storeKey("session", c.Value), q.session, q.h.opts.IdleTimeout); err != nil {
				q.h.opts.Log.Warn("console: keeping a session", "err", err)
			}
		}
		back := q.r.PostForm.Get("back")
		if !strings.HasPrefix(back, Prefix) || strings.HasPrefix(back, "//") {
			back = Prefix
		}
		http.Redirect(q.w, q.r, back, http.StatusSeeOther)
	})
}
