package console_test

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/qamqor/qamqor/console"
)

// axeJS is axe-core's axe.min.js (testdata/axe-core, from `npm pack axe-core`).
//
//go:embed testdata/axe-core/axe.min.js
var axeJS string

// browser finds Debian's chromium (scripts/test installs it). Without one the test fails,
// unless QAMQOR_TEST_BROWSER=skip says this machine runs no browser.
func browser(t *testing.T) string {
	t.Helper()
	if os.Getenv("QAMQOR_TEST_BROWSER") == "skip" {
		t.Skip("QAMQOR_TEST_BROWSER=skip")
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if path, err := exec.LookPath(name); err == nil {
			return path
		}
	}
	t.Fatal("no chromium: install Debian's chromium (scripts/test does), or set QAMQOR_TEST_BROWSER=skip")
	return ""
}

// axeViolation is what the test reports of one axe-core violation.
type axeViolation struct {
	ID     string   `json:"id"`
	Impact string   `json:"impact"`
	Help   string   `json:"help"`
	Nodes  []string `json:"nodes"`
}

// checkAxe runs axe-core in the page against WCAG 2.2 A and AA and reports each violation.
func checkAxe(t *testing.T, tab context.Context, page string) {
	t.Helper()
	if _, err := chromedp.Run(tab, chromedp.Evaluate[bool](`typeof axe !== "undefined" || (0, eval)(`+jsString(axeJS)+`) || true`)); err != nil {
		t.Fatalf("%s: injecting axe-core: %v", page, err)
	}
	raw, err := chromedp.Run(tab, chromedp.Evaluate[string](
		`axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]}})
			.then(r => JSON.stringify({passes: r.passes.length, violations: r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
				nodes: v.nodes.slice(0, 3).map(n => n.target.join(" "))}))}))`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("%s: running axe-core: %v", page, err)
	}
	var result struct {
		Passes     int
		Violations []axeViolation
	}
	if err := json.Unmarshal([]byte(raw), &result); err != nil {
		t.Fatalf("%s: axe-core said %q: %v", page, raw, err)
	}
	if result.Passes < 5 { // axe-core ran its rules on a page, not on nothing
		t.Errorf("%s: axe-core passed only %d rules", page, result.Passes)
	}
	for _, v := range result.Violations {
		t.Errorf("%s: axe-core %s (%s): %s at %v", page, v.ID, v.Impact, v.Help, v.Nodes)
	}
}

func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// Inside Telegram: the Mini App's page hands the initData from its address's fragment to
// the server, which signs the editor in, in their Telegram language.
func TestTheMiniAppSignsInInARealBrowser(t *testing.T) {
	path := browser(t)
	f := newFixture(t, "")
	srv := httptest.NewServer(f.h)
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	alloc, cancelAlloc := chromedp.NewExecAllocator(ctx, append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(path), chromedp.NoSandbox)...)
	defer cancelAlloc()
	tab, cancelTab := chromedp.NewContext(alloc)
	defer cancelTab()
	data := signInitData(initFields(editorID, f.clock.Now()), botToken)
	err := chromedp.Do(tab, chromedp.Navigate(srv.URL+console.Prefix+"app#tgWebAppData="+url.QueryEscape(data)+"&tgWebAppVersion=8.0"),
		chromedp.WaitVisible(chromedp.CSS(`input[type=search]`)))
	if err != nil {
		t.Fatal(err)
	}
	lang, _ := chromedp.Run(tab, chromedp.Evaluate[string](`document.documentElement.lang`))
	loc, _ := chromedp.Run(tab, chromedp.Location())
	if lang != "ru" || !strings.HasSuffix(loc, console.Prefix) {
		t.Errorf("after the Mini App opened: %s in %q", loc, lang)
	}
	// Opened outside Telegram, the page has nothing to send and stays where it is.
	outside, cancelOutside := chromedp.NewContext(alloc)
	defer cancelOutside()
	if err := chromedp.Do(outside, chromedp.Navigate(srv.URL+console.Prefix+"app"), chromedp.WaitVisible(chromedp.CSS(`h1`))); err != nil {
		t.Fatal(err)
	}
	checkAxe(t, outside, "the Mini App's page")
	if loc, _ := chromedp.Run(outside, chromedp.Location()); !strings.HasSuffix(loc, console.Prefix+"app") {
		t.Errorf("outside Telegram the Mini App's page went to %s", loc)
	}
}

// An editor opens the one-time link in a real browser, signs in, finds a service with the
// search box, opens it and sees its amount; at a phone's 360 px and a desktop's 1280 px,
// with nothing wider than the screen and no axe-core violation on any page.
func TestAnEditorBrowsesToAServiceInARealBrowser(t *testing.T) {
	path := browser(t)
	// The links must name the server's address, known only once it listens.
	var f *fixture
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { f.h.ServeHTTP(w, r) }))
	defer srv.Close()
	f = newFixture(t, srv.URL+console.Prefix)
	sv, amount := fixedAmountService(t, f.engine.Content())

	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(path), chromedp.NoSandbox)
	alloc, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	defer cancelAlloc()
	shots := os.Getenv("QAMQOR_BROWSER_SHOTS") // a directory for screenshots, to look at

	for _, width := range []int64{360, 1280} {
		t.Run(fmt.Sprint(width, "px"), func(t *testing.T) {
			tab, cancelTab := chromedp.NewContext(alloc) // a browser of its own: no cookie carried over
			defer cancelTab()
			do := func(what string, steps ...chromedp.Action[chromedp.Void]) {
				t.Helper()
				if err := chromedp.Do(tab, steps...); err != nil {
					t.Fatalf("%s: %v", what, err)
				}
			}
			shot := func(name string) {
				if shots == "" {
					return
				}
				png, err := chromedp.Run(tab, chromedp.FullScreenshot(100))
				if err == nil {
					err = os.WriteFile(filepath.Join(shots, fmt.Sprintf("%s-%d.png", name, width)), png, 0o644)
				}
				if err != nil {
					t.Error(err)
				}
			}
			link, err := f.h.NewLogin(ctx, editorID)
			if err != nil {
				t.Fatal(err)
			}
			do("opening the link", chromedp.EmulateViewport(width, 800), chromedp.Navigate(link))
			checkAxe(t, tab, "the link's page")
			do("signing in", chromedp.Click(chromedp.CSS(`button[value="ru"]`)), chromedp.WaitVisible(chromedp.CSS(`input[type=search]`)))
			checkAxe(t, tab, "home")
			shot("home")
			service := chromedp.CSS(`main a[href="/console/service/` + sv.ID + `"]`)
			do("searching", chromedp.SendKeys(chromedp.CSS(`input[type=search]`), strings.ToLower(sv.Name.RU)),
				chromedp.Submit(chromedp.CSS(`input[type=search]`)), chromedp.WaitVisible(service))
			checkAxe(t, tab, "search")
			do("opening the service", chromedp.Click(service), chromedp.WaitVisible(chromedp.CSS(`.amount`)))
			shown, err := chromedp.Run(tab, chromedp.Text(chromedp.CSS(`.amount`)))
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(strings.ReplaceAll(shown, "\u00a0", " "), amount) {
				t.Errorf("the service page shows %q, want the amount %q", shown, amount)
			}
			if loc, _ := chromedp.Run(tab, chromedp.Location()); !strings.HasSuffix(loc, "/console/service/"+sv.ID) {
				t.Errorf("the browser is at %s", loc)
			}
			checkAxe(t, tab, "service")
			shot("service")
			for _, page := range []string{"", "screen/main", "services", "offices", "reference",
				"edit/service/" + sv.ID, "edit/reference", "edit/offices/all", "draft", "history", "stale", "misses"} {
				do(page, chromedp.Navigate(srv.URL+console.Prefix+page), chromedp.WaitVisible(chromedp.CSS(`h1`)))
				if wide, _ := chromedp.Run(tab, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth`)); wide {
					t.Errorf("/console/%s is wider than the screen", page)
				}
				checkAxe(t, tab, "/console/"+page)
				if page == "screen/main" {
					shot("screen")
				}
			}
		})
	}
}
