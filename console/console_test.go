package console_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/qamqor/qamqor/bot"
	"github.com/qamqor/qamqor/bot/bottest"
	"github.com/qamqor/qamqor/console"
	"github.com/qamqor/qamqor/content"
)

// The people of these tests, by Telegram id.
const (
	adminID    = 100
	editorID   = 200
	partnerID  = 300
	strangerID = 400
)

const botToken = "123456:TEST-token_for-the-console"

// clock is a settable time.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// audit records the audit log.
type audit struct {
	mu      sync.Mutex
	entries []string
}

func (a *audit) Audit(_ context.Context, _ time.Time, who int64, action, _ string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.entries = append(a.entries, fmt.Sprintf("%d %s", who, action))
}

func (a *audit) all() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]string(nil), a.entries...)
}

type fixture struct {
	h      *console.Handler
	clock  *clock
	audit  *audit
	roles  map[int64][]bot.Role
	engine *bot.Engine
	mu     sync.Mutex
	// Editing: publishing switches engine (as serve's SetEngine does).
	publisher *console.LocalPublisher
}

func newFixture(t testing.TB, url string) *fixture {
	t.Helper()
	f := &fixture{
		clock:  &clock{t: time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)},
		audit:  &audit{},
		engine: bottest.Engine(t),
		roles: map[int64][]bot.Role{
			adminID: {bot.RoleAdmin, bot.RoleEditor}, editorID: {bot.RoleEditor}, partnerID: {bot.RolePartner},
		},
	}
	base, err := content.Archive(content.Embedded())
	if err != nil {
		t.Fatal(err)
	}
	f.publisher = &console.LocalPublisher{Base: base, Now: f.clock.Now, Switch: func(archive []byte) error {
		fsys, err := content.FromArchive(archive)
		if err != nil {
			return err
		}
		c, _, err := content.Load(fsys, "published")
		if err != nil {
			return err
		}
		f.mu.Lock()
		defer f.mu.Unlock()
		f.engine = bot.NewEngine(c, f.engine.Bundle())
		return nil
	}}
	store := console.NewMemoryStore()
	f.h = console.New(console.Options{
		Engine: func() *bot.Engine { f.mu.Lock(); defer f.mu.Unlock(); return f.engine },
		Roles: func(_ context.Context, user int64) ([]bot.Role, error) {
			f.mu.Lock()
			defer f.mu.Unlock()
			return f.roles[user], nil
		},
		Store: store, Audit: f.audit, BotToken: botToken, URL: url, Now: f.clock.Now,
		Publisher: f.publisher, Drafts: store, Misses: misses{},
	})
	return f
}

func (f *fixture) revoke(user int64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.roles, user)
}

// misses is the statistics' questions that found nothing: the same ones every day, each
// asked by three people.
type misses struct{}

// missedWord is a word no content has.
const missedWord = "мамкапиталище"

func (misses) Day(context.Context, time.Time) (map[string]int64, map[string]int64, error) {
	return nil, map[string]int64{missedWord + " дают": 3, "дают " + missedWord: 1, "≈ пособие на самокат": 2}, nil
}

// do runs one request on the handler.
func (f *fixture) do(method, target string, form url.Values, cookie *http.Cookie) *httptest.ResponseRecorder {
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	r := httptest.NewRequest(method, target, body)
	if form != nil {
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if cookie != nil {
		r.AddCookie(cookie)
	}
	w := httptest.NewRecorder()
	f.h.ServeHTTP(w, r)
	return w
}

func token(t testing.TB, link string) string {
	t.Helper()
	u, err := url.Parse(link)
	if err != nil {
		t.Fatal(err)
	}
	return u.Query().Get("t")
}

// signIn opens a one-time link for user and returns the session cookie.
func (f *fixture) signIn(t testing.TB, user int64, lang string) *http.Cookie {
	t.Helper()
	link, err := f.h.NewLogin(context.Background(), user)
	if err != nil {
		t.Fatal(err)
	}
	w := f.do("POST", "/console/login", url.Values{"t": {token(t, link)}, "lang": {lang}}, nil)
	if w.Code != http.StatusSeeOther {
		t.Fatalf("signing in %d: %d %s", user, w.Code, w.Body)
	}
	return sessionCookie(t, w)
}

func sessionCookie(t testing.TB, w *httptest.ResponseRecorder) *http.Cookie {
	t.Helper()
	for _, c := range w.Result().Cookies() {
		if c.Name == "qamqor_console" {
			return c
		}
	}
	t.Fatalf("no session cookie in %v", w.Header())
	return nil
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// csrf is the CSRF token the home page's forms carry.
func (f *fixture) csrf(t *testing.T, c *http.Cookie) string {
	t.Helper()
	w := f.do("GET", "/console/", nil, c)
	m := csrfField.FindStringSubmatch(w.Body.String())
	if m == nil {
		t.Fatalf("no CSRF token on the home page: %d %s", w.Code, w.Body)
	}
	return m[1]
}

// signInitData signs fields as Telegram does, written out here step by step from
// Telegram's documentation, apart from the code under test.
func signInitData(fields map[string]string, token string) string {
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	// sorted alphabetically, "key=value" joined by line feeds
	for i := range keys {
		for j := i + 1; j < len(keys); j++ {
			if keys[j] < keys[i] {
				keys[i], keys[j] = keys[j], keys[i]
			}
		}
	}
	var check string
	for i, k := range keys {
		if i > 0 {
			check += "\n"
		}
		check += k + "=" + fields[k]
	}
	secret := hmac.New(sha256.New, []byte("WebAppData"))
	secret.Write([]byte(token))
	mac := hmac.New(sha256.New, secret.Sum(nil))
	mac.Write([]byte(check))
	v := url.Values{}
	for k, val := range fields {
		v.Set(k, val)
	}
	v.Set("hash", hex.EncodeToString(mac.Sum(nil)))
	return v.Encode()
}

func initFields(user int64, at time.Time) map[string]string {
	return map[string]string{
		"query_id":  "AAHdF6IQAAAAAN0XohDhrOrc",
		"user":      fmt.Sprintf(`{"id":%d,"first_name":"Айгерім","language_code":"ru"}`, user),
		"auth_date": fmt.Sprint(at.Unix()),
	}
}

func TestInitDataIsValidatedAsTelegramDocuments(t *testing.T) {
	now := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	good := signInitData(initFields(editorID, now.Add(-5*time.Minute)), botToken)
	user, err := console.ValidateInitData(good, botToken, now, time.Hour)
	if err != nil || user.ID != editorID || user.LanguageCode != "ru" {
		t.Fatalf("good initData: %+v, %v", user, err)
	}

	// A fixed vector, computed outside Go (Python's hmac and hashlib, following Telegram's
	// steps) for this test's bot token: the algorithm itself, not only agreement between
	// this test's signer and the code under test.
	const fixed = "auth_date=1772445600&query_id=AAHdF6IQAAAAAN0XohDhrOrc&user=%7B%22id%22%3A200%2C%22language_code%22%3A%22kk%22%7D" +
		"&hash=8f6e77fe42a69dafddbc7f7a6aabb8fa4a13254a7fd32edcb41408b020e62f18"
	if user, err := console.ValidateInitData(fixed, botToken, time.Unix(1772445600, 0).Add(time.Minute), time.Hour); err != nil || user.ID != 200 || user.LanguageCode != "kk" {
		t.Errorf("fixed vector: %+v, %v", user, err)
	}
	if _, err := console.ValidateInitData(strings.Replace(fixed, "8f6e", "8f6f", 1), botToken, time.Unix(1772445600, 0), time.Hour); err != console.ErrInitDataHash {
		t.Errorf("fixed vector with one digit of its hash changed: %v", err)
	}

	cases := map[string]struct {
		data string
		want error
	}{
		"signed with another bot's token": {signInitData(initFields(editorID, now), "654321:other"), console.ErrInitDataHash},
		"a field changed after signing":   {strings.Replace(good, "%22id%22%3A200", "%22id%22%3A100", 1), console.ErrInitDataHash},
		"auth_date over an hour old":      {signInitData(initFields(editorID, now.Add(-61*time.Minute)), botToken), console.ErrInitDataOld},
		"auth_date in the future":         {signInitData(initFields(editorID, now.Add(10*time.Minute)), botToken), console.ErrInitDataOld},
		"no hash":                         {strings.Split(good, "&hash=")[0], console.ErrInitDataMissing},
		"no auth_date":                    {signInitData(map[string]string{"user": `{"id":200}`}, botToken), console.ErrInitDataMissing},
		"no user":                         {signInitData(map[string]string{"auth_date": fmt.Sprint(now.Unix())}, botToken), console.ErrInitDataMissing},
		"empty":                           {"", console.ErrInitDataMissing},
	}
	for name, c := range cases {
		if _, err := console.ValidateInitData(c.data, botToken, now, time.Hour); err != c.want {
			t.Errorf("%s: got %v, want %v", name, err, c.want)
		}
	}
	if _, err := console.ValidateInitData(good, "", now, time.Hour); err == nil {
		t.Error("initData accepted with no bot token configured")
	}
}

func TestTheMiniAppSignsInWithInitDataOnly(t *testing.T) {
	f := newFixture(t, "https://bot.example.org/console/")
	if w := f.do("GET", "/console/app", nil, nil); w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "app.js") {
		t.Fatalf("the Mini App's page: %d", w.Code)
	}
	good := signInitData(initFields(editorID, f.clock.Now().Add(-time.Minute)), botToken)
	w := f.do("POST", "/console/app", url.Values{"initData": {good}}, nil)
	if w.Code != http.StatusSeeOther {
		t.Fatalf("valid initData: %d", w.Code)
	}
	c := sessionCookie(t, w)
	if home := f.do("GET", "/console/", nil, c); home.Code != http.StatusOK || !strings.Contains(home.Body.String(), `lang="ru"`) {
		t.Errorf("after the Mini App signed in, in the user's Telegram language: %d", home.Code)
	}
	for name, data := range map[string]string{
		"wrong hash":     signInitData(initFields(editorID, f.clock.Now()), "1:other"),
		"old auth_date":  signInitData(initFields(editorID, f.clock.Now().Add(-2*time.Hour)), botToken),
		"a stranger":     signInitData(initFields(strangerID, f.clock.Now()), botToken),
		"nothing at all": "",
	} {
		w := f.do("POST", "/console/app", url.Values{"initData": {data}}, nil)
		if w.Code != http.StatusNotFound || len(w.Result().Cookies()) != 0 {
			t.Errorf("%s: %d, cookies %v", name, w.Code, w.Result().Cookies())
		}
	}
}

func TestALoginLinkOpensOneSessionOnce(t *testing.T) {
	f := newFixture(t, "http://127.0.0.1:8090/console/")
	link, err := f.h.NewLogin(context.Background(), editorID)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(link, "http://127.0.0.1:8090/console/login?t=") {
		t.Fatalf("link %q", link)
	}
	tok := token(t, link)
	// Opening the link (or a messenger's preview of it) only shows the button.
	for range 2 {
		if w := f.do("GET", "/console/login?t="+tok, nil, nil); w.Code != http.StatusOK || !strings.Contains(w.Body.String(), `name="t" value="`+tok+`"`) {
			t.Fatalf("the link's page: %d", w.Code)
		}
	}
	w := f.do("POST", "/console/login", url.Values{"t": {tok}, "lang": {"kk"}}, nil)
	if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/console/" {
		t.Fatalf("pressing Sign in: %d %q", w.Code, w.Header().Get("Location"))
	}
	c := sessionCookie(t, w)
	if !c.HttpOnly || c.SameSite != http.SameSiteStrictMode || c.Path != "/console" || c.Secure {
		t.Errorf("cookie over plain HTTP to a plain-HTTP console: %+v", c)
	}
	if home := f.do("GET", "/console/", nil, c); home.Code != http.StatusOK || !strings.Contains(home.Body.String(), "Тақырыптар") {
		t.Errorf("home after signing in: %d", home.Code)
	}
	again := f.do("POST", "/console/login", url.Values{"t": {tok}}, nil)
	if again.Code != http.StatusNotFound || len(again.Result().Cookies()) != 0 {
		t.Errorf("the same link again: %d %v", again.Code, again.Result().Cookies())
	}
	if !strings.Contains(again.Body.String(), "/console") { // it says how to get a new one, in both languages
		t.Errorf("refusal page: %s", again.Body)
	}
	if got := f.audit.all(); len(got) != 1 || got[0] != fmt.Sprintf("%d console.login", editorID) {
		t.Errorf("audit: %q", got)
	}
}

func TestExpiredForgedAndStrangersLinksAreRefused(t *testing.T) {
	f := newFixture(t, "http://127.0.0.1:8090/console/")
	link, _ := f.h.NewLogin(context.Background(), editorID)
	f.clock.Add(10*time.Minute + time.Second)
	if w := f.do("POST", "/console/login", url.Values{"t": {token(t, link)}}, nil); w.Code != http.StatusNotFound {
		t.Errorf("a link 10 minutes old: %d", w.Code)
	}
	forged := strings.Repeat("A", 43)
	if w := f.do("POST", "/console/login", url.Values{"t": {forged}}, nil); w.Code != http.StatusNotFound {
		t.Errorf("a forged token: %d", w.Code)
	}
	for _, bad := range []string{"", "short", strings.Repeat("A", 44), "../../etc"} {
		if w := f.do("GET", "/console/login?t="+url.QueryEscape(bad), nil, nil); w.Code != http.StatusNotFound {
			t.Errorf("link page with token %q: %d", bad, w.Code)
		}
	}
	strangers, _ := f.h.NewLogin(context.Background(), strangerID)
	if w := f.do("POST", "/console/login", url.Values{"t": {token(t, strangers)}}, nil); w.Code != http.StatusNotFound || len(w.Result().Cookies()) != 0 {
		t.Errorf("a link of someone without a role: %d", w.Code)
	}
}

func TestTheCookieIsSecureWhenTheConsoleIsServedOverHTTPS(t *testing.T) {
	f := newFixture(t, "https://bot.example.org/console/")
	c := f.signIn(t, editorID, "ru")
	if !c.Secure || !c.HttpOnly || c.SameSite != http.SameSiteStrictMode {
		t.Errorf("cookie behind an https CONSOLE_URL: %+v", c)
	}
	plain := newFixture(t, "")
	link, _ := plain.h.NewLogin(context.Background(), editorID)
	r := httptest.NewRequest("POST", "https://bot.example.org/console/login", strings.NewReader(url.Values{"t": {token(t, link)}}.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	w := httptest.NewRecorder()
	plain.h.ServeHTTP(w, r)
	if c := sessionCookie(t, w); !c.Secure {
		t.Errorf("cookie of a request over TLS: %+v", c)
	}
}

func TestASessionEndsAfterIdleTimeAndOnLogout(t *testing.T) {
	f := newFixture(t, "")
	c := f.signIn(t, editorID, "ru")
	f.clock.Add(29 * time.Minute)
	if w := f.do("GET", "/console/offices", nil, c); w.Code != http.StatusOK {
		t.Fatalf("used within 30 minutes: %d", w.Code)
	}
	f.clock.Add(29 * time.Minute) // 58 minutes since signing in, 29 since last used
	if w := f.do("GET", "/console/", nil, c); w.Code != http.StatusOK {
		t.Fatalf("the idle time counts from the last request: %d", w.Code)
	}
	f.clock.Add(31 * time.Minute)
	if w := f.do("GET", "/console/", nil, c); w.Code != http.StatusNotFound {
		t.Errorf("after 31 idle minutes: %d", w.Code)
	}

	c = f.signIn(t, editorID, "ru")
	w := f.do("POST", "/console/logout", url.Values{"csrf": {f.csrf(t, c)}}, c)
	if w.Code != http.StatusOK {
		t.Fatalf("logout: %d", w.Code)
	}
	if gone := sessionCookie(t, w); gone.MaxAge >= 0 || gone.Value != "" {
		t.Errorf("logout leaves the cookie: %+v", gone)
	}
	if w := f.do("GET", "/console/", nil, c); w.Code != http.StatusNotFound {
		t.Errorf("the old cookie after logout: %d", w.Code)
	}
	want := []string{"200 console.login", "200 console.login", "200 console.logout"}
	if got := f.audit.all(); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("audit %q, want %q", got, want)
	}
}

func TestAChangeNeedsTheSessionsCSRFToken(t *testing.T) {
	f := newFixture(t, "")
	c := f.signIn(t, editorID, "kk")
	for name, form := range map[string]url.Values{
		"no token":                  {"lang": {"ru"}},
		"another session's token":   {"lang": {"ru"}, "csrf": {f.csrf(t, f.signIn(t, adminID, "kk"))}},
		"a token of the wrong form": {"lang": {"ru"}, "csrf": {"x"}},
	} {
		if w := f.do("POST", "/console/lang", form, c); w.Code != http.StatusForbidden {
			t.Errorf("%s: %d", name, w.Code)
		}
	}
	if w := f.do("POST", "/console/logout", url.Values{}, c); w.Code != http.StatusForbidden {
		t.Errorf("logout without the token: %d", w.Code)
	}
	if home := f.do("GET", "/console/", nil, c); !strings.Contains(home.Body.String(), `lang="kk"`) {
		t.Error("a refused change changed the language")
	}
	// The right token, but the browser says the form came from another site.
	form := url.Values{"lang": {"ru"}, "csrf": {f.csrf(t, c)}}
	r := httptest.NewRequest("POST", "/console/lang", strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.Header.Set("Sec-Fetch-Site", "cross-site")
	r.AddCookie(c)
	w := httptest.NewRecorder()
	f.h.ServeHTTP(w, r)
	if w.Code != http.StatusForbidden {
		t.Errorf("a cross-site POST with the token: %d", w.Code)
	}
	if w := f.do("POST", "/console/lang", form, c); w.Code != http.StatusSeeOther {
		t.Fatalf("with the token: %d", w.Code)
	}
	if home := f.do("GET", "/console/", nil, c); !strings.Contains(home.Body.String(), `lang="ru"`) {
		t.Error("the language did not change")
	}
}

// contentPages are pages only editors and admins may see.
func contentPages(t testing.TB, e *bot.Engine) []string {
	t.Helper()
	pages := []string{"/console/services", "/console/offices", "/console/reference", "/console/search?q=%D0%BF%D0%BE%D1%81%D0%BE%D0%B1%D0%B8%D0%B5"}
	for _, n := range e.Topics() {
		pages = append(pages, "/console/screen/"+n.ID)
	}
	for i, sv := range e.Content().Services() {
		pages = append(pages, "/console/service/"+sv.ID)
		if i < 3 {
			pages = append(pages, "/console/edit/service/"+sv.ID)
		}
	}
	return append(pages, "/console/draft", "/console/history", "/console/stale", "/console/misses", "/console/draft/archive", "/console/edit/reference",
		"/console/edit/offices/all", "/console/edit/offices/"+e.Content().Regions()[0].ID)
}

func TestEachRoleSeesItsPagesAndNobodyElseLearnsTheyExist(t *testing.T) {
	f := newFixture(t, "")
	editor, partner, admin := f.signIn(t, editorID, "ru"), f.signIn(t, partnerID, "ru"), f.signIn(t, adminID, "ru")
	notFound := f.do("GET", "/console/no-such-page", nil, nil)
	if notFound.Code != http.StatusNotFound {
		t.Fatalf("unknown page: %d", notFound.Code)
	}
	same := func(who string, w *httptest.ResponseRecorder, page string) {
		t.Helper()
		if w.Code != http.StatusNotFound || w.Body.String() != notFound.Body.String() {
			t.Errorf("%s %s: %d %q, want the unknown page's 404", who, page, w.Code, w.Body.String())
		}
	}
	for _, page := range contentPages(t, f.engine) {
		if w := f.do("GET", page, nil, editor); w.Code != http.StatusOK {
			t.Errorf("editor %s: %d", page, w.Code)
		}
		if w := f.do("GET", page, nil, admin); w.Code != http.StatusOK {
			t.Errorf("admin %s: %d", page, w.Code)
		}
		same("partner", f.do("GET", page, nil, partner), page)
		same("stranger", f.do("GET", page, nil, nil), page)
		same("stranger POST", f.do("POST", page, url.Values{}, nil), page)
	}
	for _, page := range []string{"/console/", "/console/referrals"} {
		if w := f.do("GET", page, nil, partner); w.Code != http.StatusOK {
			t.Errorf("partner %s: %d", page, w.Code)
		}
		same("stranger", f.do("GET", page, nil, nil), page)
	}
	same("editor", f.do("GET", "/console/referrals", nil, editor), "/console/referrals")
	if w := f.do("GET", "/console/referrals", nil, admin); w.Code != http.StatusOK {
		t.Errorf("admin sees the partners' page: %d", w.Code)
	}
	if home := f.do("GET", "/console/", nil, partner).Body.String(); strings.Contains(home, "/console/screen/") || strings.Contains(home, "/console/offices") {
		t.Error("the partner's home page links content")
	}
	// A role taken away closes the console at the next request.
	f.revoke(editorID)
	same("former editor", f.do("GET", "/console/", nil, editor), "/console/")
}

// Every page renders in Kazakh and in Russian with every string found.
func TestPagesRenderInBothLanguagesWithEveryString(t *testing.T) {
	f := newFixture(t, "")
	missing := regexp.MustCompile(`\[(Console|Command)[A-Za-z_]*\]`)
	for _, lang := range content.Langs {
		c := f.signIn(t, adminID, string(lang))
		pages := append(contentPages(t, f.engine), "/console/", "/console/referrals", "/console/search?q=zzzzzz")
		for _, id := range f.engine.Content().IDs() {
			pages = append(pages, "/console/screen/"+id)
		}
		for _, page := range pages {
			w := f.do("GET", page, nil, c)
			body := w.Body.String()
			if w.Code != http.StatusOK {
				t.Errorf("%s %s: %d", lang, page, w.Code)
			}
			if m := missing.FindString(body); m != "" {
				t.Errorf("%s %s: missing string %s", lang, page, m)
			}
			if !strings.HasSuffix(page, "/archive") && !strings.Contains(body, `<html lang="`+string(lang)+`">`) {
				t.Errorf("%s %s: not in the session's language", lang, page)
			}
		}
	}
	for _, page := range []string{"/console/login?t=" + strings.Repeat("A", 43), "/console/app"} {
		body := f.do("GET", page, nil, nil).Body.String()
		if m := missing.FindString(body); m != "" {
			t.Errorf("%s: missing string %s", page, m)
		}
		if !strings.Contains(body, `lang="ru"`) {
			t.Errorf("%s is not in both languages", page)
		}
	}
}

// A service's page shows its amount as the bot does, in both languages, and a screen's
// preview shows the screen as the bot sends it, both languages side by side.
func TestAServicePageShowsItsAmountAndAScreenItsPreview(t *testing.T) {
	f := newFixture(t, "")
	c := f.engine.Content()
	sv, amount := fixedAmountService(t, c)
	for _, lang := range content.Langs {
		cookie := f.signIn(t, editorID, string(lang))
		body := f.do("GET", "/console/service/"+sv.ID, nil, cookie).Body.String()
		if !strings.Contains(body, amount) || !strings.Contains(body, htmlText(sv.Name.In(lang))) {
			t.Errorf("%s: the page of %s lacks its amount %q or its name", lang, sv.ID, amount)
		}
		screen := f.do("GET", "/console/screen/"+content.MainID, nil, cookie).Body.String()
		for _, l := range content.Langs {
			_, r := f.engine.Open(bot.Session{Lang: l}, content.MainID, "")
			if !strings.Contains(screen, htmlText(r.Buttons[0][0].Label)) {
				t.Errorf("%s: the main menu's preview lacks the %s button %q", lang, l, r.Buttons[0][0].Label)
			}
		}
	}
	cookie := f.signIn(t, editorID, "ru")
	found := f.do("GET", "/console/search?q="+url.QueryEscape(strings.ToLower(sv.Name.RU)), nil, cookie).Body.String()
	if !strings.Contains(found, "/console/service/"+sv.ID) {
		t.Errorf("searching for %q does not find its service", sv.Name.RU)
	}
}

// fixedAmountService is a service whose amount needs no answers, and that amount.
func fixedAmountService(t testing.TB, c *content.Content) (*content.Service, string) {
	t.Helper()
	for _, sv := range c.Services() {
		if sv.Amount == nil || !sv.AmountFixed() {
			continue
		}
		sc, _ := c.Screener(sv.Screener)
		v, failed := c.Amount(sc, sv, nil, c.Reference().Year(2026))
		if failed == nil && v > 0 {
			return sv, content.Tenge(v)
		}
	}
	t.Fatal("the content has no service with a fixed amount")
	return nil, ""
}

func htmlText(s string) string {
	r := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&#34;", "'", "&#39;")
	return r.Replace(s)
}
