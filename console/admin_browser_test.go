package console_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/qamqor/qamqor/bot/admin"
	"github.com/qamqor/qamqor/bot/news"
	"github.com/qamqor/qamqor/bot/referrals"
	"github.com/qamqor/qamqor/console"
	"github.com/qamqor/qamqor/content"
)

// An admin signs in and goes through every admin page in a real browser, at a phone's
// 360 px (in Kazakh) and a desktop's 1280 px (in Russian): nothing wider than the screen,
// no axe-core violation (the partners' report too: the admin is a partner of Шапағат, and
// dates refused), and an invitation and a broadcast's audience done with the
// keyboard alone. One browser for all of it, to keep the test short.
func TestTheAdminPagesInARealBrowser(t *testing.T) {
	path := browser(t)
	var f *fixture
	var a *adminFakes
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { f.h.ServeHTTP(w, r) }))
	defer srv.Close()
	f, a = newAdminFixture(t, srv.URL+console.Prefix)
	now := f.clock.Now()
	for i := range 7 {
		a.stats.days[now.AddDate(0, 0, -i).Format(time.DateOnly)] = map[string]int64{
			"started:kk": int64(3 + i), "started:ru": int64(10 - i), "completed:disability_check:kk": int64(i),
			"dropped:disability_check:who": 1, "dropped:disability_check:established": int64(i % 3), "dropped:disability_check:sum": 1,
		}
	}
	a.partners.partners = []referrals.Partner{{User: 301, Org: "Шапағат", Since: now}, {User: 302, Org: "Аналар үйі", Since: now}, {User: adminID, Org: "Шапағат", Since: now}}
	a.referrals.byPartner = map[int64][]referrals.Referral{
		adminID: {{Code: "Mine0123456789ab", Partner: adminID, Org: "Шапағат", Target: "disability", Created: now, Expires: now.Add(time.Hour)}},
		301:     {{Code: "Coll0123456789ab", Partner: 301, Org: "Шапағат", Target: "disability", Created: now.Add(-time.Hour), Expires: now, Closed: now, Outcome: referrals.OutcomeHelped}},
	}
	a.audit.entries = []admin.Entry{{At: now, Who: adminID, Action: "partner.invite", Detail: "Шапағат"}, {At: now, Who: adminID, Action: "console.login"}}
	a.news.subscribers = []news.Recipient{{Chat: 1, Lang: content.KK}, {Chat: 2, Lang: content.RU}}
	a.news.broadcasts = []news.Broadcast{{Number: 1, Total: 2, Sent: 1, Created: now, Draft: "d1"}}

	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	alloc, cancelAlloc := chromedp.NewExecAllocator(ctx, append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(path), chromedp.NoSandbox)...)
	defer cancelAlloc()
	shots := os.Getenv("QAMQOR_BROWSER_SHOTS")

	for _, run := range []struct {
		width int64
		lang  string
	}{{360, "kk"}, {1280, "ru"}} {
		t.Run(fmt.Sprint(run.width, "px"), func(t *testing.T) {
			tab, cancelTab := chromedp.NewContext(alloc)
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
					err = os.WriteFile(filepath.Join(shots, fmt.Sprintf("admin-%s-%d.png", name, run.width)), png, 0o644)
				}
				if err != nil {
					t.Error(err)
				}
			}
			// tabTo presses Tab until the element sel names has the focus.
			tabTo := func(sel string) {
				t.Helper()
				for range 80 {
					if on, _ := chromedp.Run(tab, chromedp.Evaluate[bool](`document.activeElement && document.activeElement.matches(`+jsString(sel)+`)`)); on {
						return
					}
					do("pressing Tab", chromedp.KeyEvent(kb.Tab))
				}
				t.Fatalf("Tab never reached %s", sel)
			}
			link, err := f.h.NewLogin(ctx, adminID)
			if err != nil {
				t.Fatal(err)
			}
			do("signing in", chromedp.EmulateViewport(run.width, 800), chromedp.Navigate(link),
				chromedp.Click(chromedp.CSS(`button[value="`+run.lang+`"]`)), chromedp.WaitVisible(chromedp.CSS(`nav a[href="/console/admin"]`)))
			example, _ := exampleForm(t, f.engine.Content(), "disability_check")
			for _, page := range []string{"admin", "stats", "stats?from=2026-02-01&to=2026-03-02", "partners", "audit", "audit?action=partner.invite",
				"broadcasts", "broadcasts/1", "referrals", "report", "report?from=2026-02-01&to=2026-03-02",
				"report?from=2026-03-05&to=2026-03-01", "tester", "tester/disability_check", "tester/disability_check?" + example.Encode()} {
				do(page, chromedp.Navigate(srv.URL+console.Prefix+page), chromedp.WaitVisible(chromedp.CSS(`h1`)))
				if wide, _ := chromedp.Run(tab, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth`)); wide {
					t.Errorf("/console/%s is wider than the screen", page)
				}
				checkAxe(t, tab, "/console/"+page)
				if strings.HasPrefix(page, "tester/disability_check?") {
					shot("tester")
					if n, _ := chromedp.Run(tab, chromedp.Evaluate[int](`document.querySelectorAll("table.whynot tbody tr").length`)); n == 0 {
						t.Error("the tester shows no why-not rows")
					}
				}
				if page == "stats" {
					shot("stats")
					if n, _ := chromedp.Run(tab, chromedp.Evaluate[int](`document.querySelectorAll("svg.chart rect").length`)); n < 7 {
						t.Errorf("the statistics' charts have %d bars", n)
					}
				}
			}

			// An invitation, by keyboard alone.
			do("partners", chromedp.Navigate(srv.URL+console.Prefix+"partners"), chromedp.WaitVisible(chromedp.CSS(`h1`)))
			tabTo("#org")
			do("typing the organisation", chromedp.KeyEvent("Мейірім қоры"), chromedp.KeyEvent(kb.Enter),
				chromedp.WaitVisible(chromedp.CSS(`.invite img`)))
			if ok, _ := chromedp.Run(tab, chromedp.Evaluate[bool](`(img => img.decode().then(() => img.naturalWidth > 0, () => false))(document.querySelector(".invite img"))`, chromedp.EvalAwaitPromise)); !ok {
				t.Error("the invitation's QR code did not load")
			}
			shown, _ := chromedp.Run(tab, chromedp.Text(chromedp.CSS(`.invite a`)))
			if !strings.HasPrefix(shown, "https://t.me/QamqorBot?start=i_") {
				t.Errorf("the invitation's link: %q", shown)
			}
			checkAxe(t, tab, "an invitation made")
			shot("partners")

			// A broadcast's audience, by keyboard alone.
			do("broadcasts", chromedp.Navigate(srv.URL+console.Prefix+"broadcasts"), chromedp.WaitVisible(chromedp.CSS(`h1`)))
			tabTo("#kk")
			do("typing in Kazakh", chromedp.KeyEvent("Жаңалық"), chromedp.KeyEvent(kb.Tab), chromedp.KeyEvent("Новость"))
			tabTo(`button[value="audience"]`)
			do("asking the audience", chromedp.KeyEvent(kb.Enter), chromedp.WaitVisible(chromedp.CSS(`button[value="send"]`)))
			if n, _ := chromedp.Run(tab, chromedp.Text(chromedp.CSS(`.audience strong`))); n != "2" {
				t.Errorf("the audience shown: %q", n)
			}
			checkAxe(t, tab, "a broadcast's audience")
			shot("broadcasts")
		})
	}
}
