package console_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/qamqor/qamqor/console"
)

// Telegram's dark theme as Telegram Web passes it (tgWebAppThemeParams), with one colour
// that is not a colour, which must be left out.
const darkTheme = `{"bg_color":"#17212b","text_color":"#f5f5f5","hint_color":"#a0acb8","link_color":"#6ab3f3",` +
	`"button_color":"#2f6ea5","button_text_color":"#ffffff","secondary_bg_color":"#232e3c","section_bg_color":"red;background:url(/x)"}`

// framing lets a test's top-level page frame the console, as web.telegram.org does: the
// console allows only Telegram's sites as its frame's parent.
type framing struct {
	h      http.Handler
	parent string
}

func (f framing) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.h.ServeHTTP(&reframe{ResponseWriter: w, parent: f.parent}, r)
}

type reframe struct {
	http.ResponseWriter
	parent string
	wrote  bool
}

func (r *reframe) WriteHeader(code int) {
	if r.wrote {
		return
	}
	r.wrote = true
	h := r.Header()
	h.Set("Content-Security-Policy", strings.Replace(h.Get("Content-Security-Policy"), "frame-ancestors https://web.telegram.org https://*.telegram.org", "frame-ancestors "+r.parent, 1))
	r.ResponseWriter.WriteHeader(code)
}

func (r *reframe) Write(b []byte) (int, error) {
	r.WriteHeader(http.StatusOK)
	return r.ResponseWriter.Write(b)
}

// Opened as a Mini App inside Telegram Web, a cross-site frame over HTTPS, the console
// signs the editor in and keeps them signed in from page to page (its cookie is the
// partitioned one a frame may keep), in Telegram's colours, read from the address without
// Telegram's script.
func TestTheMiniAppInTelegramWebsFrameKeepsItsSessionAndTheme(t *testing.T) {
	path := browser(t)
	var f *fixture
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { f.h.ServeHTTP(w, r) }))
	defer srv.Close()
	// The top-level page: another site (localhost, not 127.0.0.1), as web.telegram.org is.
	var appURL string
	top := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!doctype html><title>Telegram</title><iframe id="app" src="%s" width="800" height="600"></iframe>`, appURL)
	}))
	defer top.Close()
	topURL := strings.Replace(top.URL, "127.0.0.1", "localhost", 1)
	f = newFixture(t, srv.URL+console.Prefix)
	srv.Config.Handler = framing{h: f.h, parent: topURL}

	data := signInitData(initFields(editorID, f.clock.Now()), botToken)
	appURL = srv.URL + console.Prefix + "app#tgWebAppData=" + url.QueryEscape(data) + "&tgWebAppVersion=8.0&tgWebAppThemeParams=" + url.QueryEscape(darkTheme)

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	alloc, cancelAlloc := chromedp.NewExecAllocator(ctx, append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(path), chromedp.NoSandbox,
		chromedp.Flag("ignore-certificate-errors", true))...)
	defer cancelAlloc()
	tab, cancelTab := chromedp.NewContext(alloc)
	defer cancelTab()
	if err := chromedp.Do(tab, chromedp.Navigate(topURL)); err != nil {
		t.Fatal(err)
	}
	// The frame is cross-origin to the top page: ask the browser for its own target.
	frameCtx := frameTab(t, tab, srv.URL)
	signedIn := func(what string) {
		t.Helper()
		if err := chromedp.Do(frameCtx, chromedp.WaitVisible(chromedp.CSS(`input[type=search]`))); err != nil {
			t.Fatalf("%s: not signed in inside the frame: %v", what, err)
		}
	}
	signedIn("after the Mini App opened")
	bg, _ := chromedp.Run(frameCtx, chromedp.Evaluate[string](`getComputedStyle(document.body).backgroundColor`))
	fg, _ := chromedp.Run(frameCtx, chromedp.Evaluate[string](`getComputedStyle(document.body).color`))
	if bg != "rgb(23, 33, 43)" || fg != "rgb(245, 245, 245)" {
		t.Errorf("inside Telegram the page is %s on %s, want Telegram's #f5f5f5 on #17212b", fg, bg)
	}
	if v, _ := chromedp.Run(frameCtx, chromedp.Evaluate[string](`document.documentElement.style.getPropertyValue("--tg-theme-section-bg-color")`)); v != "" {
		t.Errorf("a theme value that is not a colour was set: %q", v)
	}
	// The next page, by the frame's own link: still signed in, still in Telegram's colours.
	if err := chromedp.Do(frameCtx, chromedp.Click(chromedp.CSS(`nav a[href="/console/offices"]`)), chromedp.WaitVisible(chromedp.CSS(`h1`))); err != nil {
		t.Fatal(err)
	}
	signedIn("on the next page")
	if bg, _ := chromedp.Run(frameCtx, chromedp.Evaluate[string](`getComputedStyle(document.body).backgroundColor`)); bg != "rgb(23, 33, 43)" {
		t.Errorf("the next page lost Telegram's theme: %s", bg)
	}
	checkAxe(t, frameCtx, "a page in Telegram's dark theme")
}

// frameTab attaches to the cross-site iframe whose address starts with prefix: Chrome runs
// it as a target of its own, which the page's context does not reach.
func frameTab(t *testing.T, tab context.Context, prefix string) context.Context {
	t.Helper()
	for range 100 {
		infos, err := chromedp.Targets(tab)
		if err != nil {
			t.Fatal(err)
		}
		for _, info := range infos {
			if info.Type == "iframe" && strings.HasPrefix(info.URL, prefix) {
				frame, cancel := chromedp.NewContext(tab, chromedp.WithTargetID(info.TargetID))
				t.Cleanup(cancel)
				return frame
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("no iframe of %s", prefix)
	return nil
}

// The Mini App's cookie over HTTPS is the one a cross-site frame keeps (SameSite=None;
// Secure; Partitioned) and still HttpOnly; a link's, or any over plain HTTP, stays Strict;
// logout clears the same cookie; and a change in the frame still needs the CSRF token.
func TestTheMiniAppsCookieIsPartitionedOnlyOverHTTPS(t *testing.T) {
	f := newFixture(t, "https://bot.example.org/console/")
	w := f.do("POST", "/console/app", url.Values{"initData": {signInitData(initFields(editorID, f.clock.Now()), botToken)}}, nil)
	set := w.Header().Get("Set-Cookie")
	for _, want := range []string{"HttpOnly", "Secure", "SameSite=None", "Partitioned", "Path=/console"} {
		if !strings.Contains(set, want) {
			t.Errorf("the Mini App's cookie over HTTPS lacks %s: %s", want, set)
		}
	}
	app := sessionCookie(t, w)
	if w := f.do("POST", "/console/lang", url.Values{"lang": {"kk"}}, app); w.Code != http.StatusForbidden {
		t.Errorf("a change without the CSRF token in the Mini App: %d", w.Code)
	}
	out := f.do("POST", "/console/logout", url.Values{"csrf": {f.csrf(t, app)}}, app).Header().Get("Set-Cookie")
	if !strings.Contains(out, "Partitioned") || !strings.Contains(out, "SameSite=None") || !strings.Contains(out, "Max-Age=0") {
		t.Errorf("logout does not clear the partitioned cookie: %s", out)
	}
	// A link's session stays Strict, also over HTTPS.
	link, _ := f.h.NewLogin(context.Background(), editorID)
	set = f.do("POST", "/console/login", url.Values{"t": {token(t, link)}}, nil).Header().Get("Set-Cookie")
	if !strings.Contains(set, "SameSite=Strict") || strings.Contains(set, "Partitioned") {
		t.Errorf("a link's cookie: %s", set)
	}
	// Over plain HTTP a cookie cannot be SameSite=None (browsers want it Secure): Strict.
	plain := newFixture(t, "http://127.0.0.1:8090/console/")
	set = plain.do("POST", "/console/app", url.Values{"initData": {signInitData(initFields(editorID, plain.clock.Now()), botToken)}}, nil).Header().Get("Set-Cookie")
	if !strings.Contains(set, "SameSite=Strict") || strings.Contains(set, "Partitioned") {
		t.Errorf("the Mini App's cookie over plain HTTP: %s", set)
	}
}
