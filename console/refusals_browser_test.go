package console_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/qamqor/qamqor/console"
)

// What must not open the console does not, in a real browser: a link used once already, a
// link older than ten minutes, a forged link, a Mini App's initData with a wrong hash or an
// old auth_date, a change sent without the session's CSRF token, and a partner asking for
// the editors' pages. Each time the browser is left without a session (or with the one it
// had, unchanged), which the test reads back with fetch from inside the page, as the
// browser's own cookies decide.
func TestWhatMustNotOpenTheConsoleDoesNotInARealBrowser(t *testing.T) {
	path := browser(t)
	var f *fixture
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { f.h.ServeHTTP(w, r) }))
	defer srv.Close()
	f = newFixture(t, srv.URL+console.Prefix)

	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	alloc, cancelAlloc := chromedp.NewExecAllocator(ctx, append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(path), chromedp.NoSandbox)...)
	defer cancelAlloc()
	// fresh is a browser of its own, with no cookie of an earlier step.
	fresh := func(t *testing.T) context.Context {
		tab, cancelTab := chromedp.NewContext(alloc)
		t.Cleanup(cancelTab)
		return tab
	}
	do := func(t *testing.T, tab context.Context, what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(tab, steps...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	// status is what the server answers this browser for a page, with its cookies.
	status := func(t *testing.T, tab context.Context, page string) int {
		t.Helper()
		code, err := chromedp.Run(tab, chromedp.Evaluate[int](`fetch(`+jsString(page)+`, {credentials: "same-origin"}).then(r => r.status)`, chromedp.EvalAwaitPromise))
		if err != nil {
			t.Fatalf("fetching %s: %v", page, err)
		}
		return code
	}
	text := func(t *testing.T, tab context.Context) string {
		t.Helper()
		s, err := chromedp.Run(tab, chromedp.Text(chromedp.CSS(`body`)))
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	newLink := func(t *testing.T, user int64) string {
		t.Helper()
		link, err := f.h.NewLogin(ctx, user)
		if err != nil {
			t.Fatal(err)
		}
		return link
	}
	// signInWith opens link and presses Sign in in Russian.
	signInWith := func(t *testing.T, tab context.Context, link string) {
		t.Helper()
		do(t, tab, "opening the link", chromedp.Navigate(link), chromedp.WaitVisible(chromedp.CSS(`button[value="ru"]`)))
		do(t, tab, "pressing Sign in", chromedp.Click(chromedp.CSS(`button[value="ru"]`)), chromedp.WaitVisible(chromedp.CSS(`h1`)))
	}
	refusedWithoutSession := func(t *testing.T, tab context.Context, what string) {
		t.Helper()
		waitText(t, tab, "Ссылка недействительна") // the click's answer, not the page clicked on
		if s := text(t, tab); !strings.Contains(s, "/console") || !strings.Contains(s, "бот") {
			t.Errorf("%s: the page does not say how to get a new link: %q", what, s)
		}
		if code := status(t, tab, console.Prefix); code != http.StatusNotFound {
			t.Errorf("%s: the console answers this browser %d, want 404", what, code)
		}
	}

	t.Run("a link used once", func(t *testing.T) {
		link := newLink(t, editorID)
		first := fresh(t)
		signInWith(t, first, link)
		if code := status(t, first, console.Prefix); code != http.StatusOK {
			t.Fatalf("the first use of the link: %d", code)
		}
		again := fresh(t)
		signInWith(t, again, link)
		refusedWithoutSession(t, again, "the same link again")
	})
	t.Run("a link older than ten minutes", func(t *testing.T) {
		link := newLink(t, editorID)
		tab := fresh(t)
		do(t, tab, "opening the link", chromedp.Navigate(link), chromedp.WaitVisible(chromedp.CSS(`button[value="ru"]`)))
		f.clock.Add(console.DefaultLoginTTL + time.Second)
		do(t, tab, "pressing Sign in", chromedp.Click(chromedp.CSS(`button[value="ru"]`)), chromedp.WaitVisible(chromedp.CSS(`h1`)))
		refusedWithoutSession(t, tab, "an old link")
	})
	t.Run("a forged link", func(t *testing.T) {
		tab := fresh(t)
		signInWith(t, tab, srv.URL+console.Prefix+"login?t="+strings.Repeat("A", 43))
		refusedWithoutSession(t, tab, "a forged link")
	})
	for name, data := range map[string]string{
		"initData with a wrong hash":     signInitData(initFields(editorID, f.clock.Now()), "1:other"),
		"initData with an old auth_date": signInitData(initFields(editorID, f.clock.Now().Add(-2*time.Hour)), botToken),
	} {
		t.Run(name, func(t *testing.T) {
			tab := fresh(t)
			do(t, tab, "opening the Mini App", chromedp.Navigate(srv.URL+console.Prefix+"app#tgWebAppData="+url.QueryEscape(data)+"&tgWebAppVersion=8.0"))
			// app.js posts the initData at once; the answer is the refusal, and no session.
			waitText(t, tab, "Ссылка недействительна")
			if code := status(t, tab, console.Prefix); code != http.StatusNotFound {
				t.Errorf("after %s the console answers %d, want 404", name, code)
			}
		})
	}
	t.Run("a change without the CSRF token", func(t *testing.T) {
		tab := fresh(t)
		signInWith(t, tab, newLink(t, editorID))
		// The language form, with its token taken out, as a forged form would come. It is
		// waited for: the link's page has an h1 too, so sign-in can return before home is in.
		do(t, tab, "sending the form without its token",
			chromedp.WaitVisible(chromedp.CSS(`form[action="/console/lang"] button`)),
			chromedp.Evaluate[chromedp.Void](`document.querySelector('form[action="/console/lang"] input[name=csrf]').remove()`),
			chromedp.Click(chromedp.CSS(`form[action="/console/lang"] button`)))
		waitText(t, tab, "bad request") // the server's 403
		do(t, tab, "going home", chromedp.Navigate(srv.URL+console.Prefix), chromedp.WaitVisible(chromedp.CSS(`h1`)))
		if lang, _ := chromedp.Run(tab, chromedp.Evaluate[string](`document.documentElement.lang`)); lang != "ru" {
			t.Errorf("a change without the token switched the console to %q", lang)
		}
		// With the token the same form works: the refusal was the token's.
		do(t, tab, "sending the form", chromedp.Click(chromedp.CSS(`form[action="/console/lang"] button`)))
		waitText(t, tab, "Тақырыптар")
		if lang, _ := chromedp.Run(tab, chromedp.Evaluate[string](`document.documentElement.lang`)); lang != "kk" {
			t.Errorf("with its token the form left the console in %q", lang)
		}
	})
	t.Run("a partner on the editors' pages", func(t *testing.T) {
		tab := fresh(t)
		signInWith(t, tab, newLink(t, partnerID))
		// Home, with the session's cookie: the link's page has an h1 too.
		do(t, tab, "waiting for home", chromedp.WaitVisible(chromedp.CSS(`form[action="/console/lang"] button`)))
		if code := status(t, tab, console.Prefix); code != http.StatusOK {
			t.Fatalf("the partner's home: %d", code)
		}
		sv, _ := fixedAmountService(t, f.engine.Content())
		for _, page := range []string{"services", "service/" + sv.ID, "screen/main", "offices", "reference", "search?q=x",
			"edit/service/" + sv.ID, "edit/reference", "edit/offices/all", "draft", "history", "stale", "archive"} {
			if code := status(t, tab, console.Prefix+page); code != http.StatusNotFound {
				t.Errorf("a partner asking for /console/%s: %d, want 404", page, code)
			}
		}
		do(t, tab, "opening an editors' page", chromedp.Navigate(srv.URL+console.Prefix+"services"), chromedp.WaitVisible(chromedp.CSS(`body`)))
		if s := text(t, tab); !strings.Contains(s, "404 page not found") {
			t.Errorf("a partner on /console/services sees %q", s)
		}
	})
}

// waitText waits until the page's text holds want: after a click that submits a form, the
// page that answers it.
func waitText(t *testing.T, tab context.Context, want string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		body, _ := chromedp.Run(tab, chromedp.Text(chromedp.CSS(`body`)))
		if strings.Contains(body, want) {
			return
		}
		if time.Now().After(deadline) {
			loc, _ := chromedp.Run(tab, chromedp.Location())
			t.Fatalf("waiting for %q: at %s, %q", want, loc, body)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
