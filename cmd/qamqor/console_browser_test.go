package main

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/qamqor/qamqor/bot"
	"github.com/qamqor/qamqor/content"
	"github.com/qamqor/qamqor/internal/fakebotapi"
	"github.com/qamqor/qamqor/internal/redistest"
	"github.com/qamqor/qamqor/store"
)

// chromium finds Debian's chromium (scripts/test installs it); QAMQOR_TEST_BROWSER=skip
// says this machine runs no browser.
func chromium(t *testing.T) string {
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

// axeFree runs axe-core (console/testdata/axe-core) in the page against WCAG 2.2 A and AA
// and reports each violation.
func axeFree(t *testing.T, tab context.Context, page string) {
	t.Helper()
	axe, err := os.ReadFile("../../console/testdata/axe-core/axe.min.js")
	if err != nil {
		t.Fatal(err)
	}
	src, _ := json.Marshal(string(axe))
	if _, err := chromedp.Run(tab, chromedp.Evaluate[bool](`typeof axe !== "undefined" || (0, eval)(`+string(src)+`) || true`)); err != nil {
		t.Fatalf("%s: injecting axe-core: %v", page, err)
	}
	raw, err := chromedp.Run(tab, chromedp.Evaluate[string](
		`axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]}})
			.then(r => JSON.stringify({passes: r.passes.length, violations: r.violations.map(v => v.id + ": " + v.help + " at " + v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(", "))}))`,
		chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("%s: running axe-core: %v", page, err)
	}
	var result struct {
		Passes     int
		Violations []string
	}
	if err := json.Unmarshal([]byte(raw), &result); err != nil || result.Passes < 5 {
		t.Fatalf("%s: axe-core said %q: %v", page, raw, err)
	}
	for _, v := range result.Violations {
		t.Errorf("%s: axe-core %s", page, v)
	}
}

// consoleLink has the bot send user a one-time console link, other than those in seen.
func consoleLink(t *testing.T, api *fakebotapi.Server, user int64, seen ...string) string {
	t.Helper()
	api.SendText(user, "/console", "ru")
	var link string
	api.WaitFor(t, 20*time.Second, func() bool {
		for _, m := range api.Messages(user) {
			for _, row := range m.Buttons {
				for _, b := range row {
					if strings.Contains(b.URL, "/console/login?t=") && !contains(seen, b.URL) {
						link = b.URL
					}
				}
			}
		}
		return link != ""
	}, "the console's link")
	return link
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// fixedAmount is a service whose amount needs no answers, the screen of its card, and its
// amount this year.
func fixedAmount(t *testing.T) (*content.Service, string, float64) {
	t.Helper()
	c, _, err := content.Load(content.Embedded(), "content/data")
	if err != nil {
		t.Fatal(err)
	}
	for _, sv := range c.Services() {
		if sv.Amount == nil || !sv.AmountFixed() {
			continue
		}
		sc, _ := c.Screener(sv.Screener)
		v, failed := c.Amount(sc, sv, nil, c.Reference().Year(time.Now().Year()))
		if failed != nil || v <= 0 {
			continue
		}
		for _, id := range c.IDs() {
			if n, _ := c.Node(id); n.Service == sv.ID {
				return sv, id, v
			}
		}
	}
	t.Fatal("the content has no service with a fixed amount")
	return nil, "", 0
}

func spaces(s string) string { return strings.ReplaceAll(s, "\u00a0", " ") }

// The "done when", in a real headless Chromium over `qamqor serve` with real Redis
// and the fake Bot API: an editor opens the bot's one-time link, changes a service's
// amount and an office's phone, sees the preview follow, sees a wrong phone refused next
// to the field in their language (Russian here, Kazakh in a second browser at 360 px),
// publishes after the confirmation, and the bot shows the new amount at once; going back
// to the content built in returns the old amount. axe-core checks every page on the way.
func TestAnEditorPublishesFromTheConsoleAndTheBotFollowsInARealBrowser(t *testing.T) {
	path := chromium(t)
	api := fakebotapi.Start(t)
	srv := redistest.Start(t)
	const editor = 42
	sessions := store.NewSessions(srv.Client())
	if err := sessions.Update(context.Background(), editor, func(s bot.Session) (bot.Session, error) { s.Lang = content.RU; return s, nil }); err != nil {
		t.Fatal(err)
	}
	addr := freeAddr(t)
	startServe(t, api, srv, addr, "ADMIN_IDS=42", "CONSOLE_URL=http://"+addr+"/console/")
	api.WaitFor(t, 20*time.Second, func() bool { return len(api.Commands("ru")) > 0 }, "the bot to start")
	sv, screen, v := fixedAmount(t)
	amount, doubled := spaces(content.Tenge(v)), spaces(content.Tenge(2*v))
	botSays := func(want, what string) {
		t.Helper()
		before := len(api.Messages(editor))
		api.SendText(editor, "/start "+screen, "ru")
		api.WaitFor(t, 20*time.Second, func() bool {
			ms := api.Messages(editor)
			for _, m := range ms[min(before, len(ms)):] {
				if m.FromBot && strings.Contains(spaces(m.Text), want) {
					return true
				}
			}
			return false
		}, what)
	}
	botSays(amount, "the bot's card with the amount published now")

	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	alloc, cancelAlloc := chromedp.NewExecAllocator(ctx, append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(path), chromedp.NoSandbox)...)
	defer cancelAlloc()
	tab, cancelTab := chromedp.NewContext(alloc)
	defer cancelTab()
	do := func(tab context.Context, what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(tab, steps...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	wait := func(tab context.Context, what, js string) {
		t.Helper()
		if _, err := chromedp.Run(tab, chromedp.Poll[bool](js, chromedp.WithPollingTimeout(20*time.Second))); err != nil {
			form, _ := chromedp.Run(tab, chromedp.Evaluate[string](`(() => { const f = document.querySelector("form#edit"); return f ? Array.from(f.querySelectorAll("input[aria-invalid], .msg:not(:empty)")).map(e => e.id + "=" + (e.value || e.textContent)).join("; ") : ""; })()`))
			t.Fatalf("waiting for %s: %v (the form says: %s)", what, err, form)
		}
	}
	first := consoleLink(t, api, editor)
	do(tab, "signing in", chromedp.EmulateViewport(1280, 900), chromedp.Navigate(first),
		chromedp.Click(chromedp.CSS(`button[value="ru"]`)), chromedp.WaitVisible(chromedp.CSS(`input[type=search]`)))

	// The amount: the preview follows the rule as it is typed, before anything is saved.
	rule := chromedp.CSS(`input[name$="~amount"]`)
	do(tab, "opening the service's form", chromedp.Navigate("http://"+addr+"/console/edit/service/"+sv.ID), chromedp.WaitVisible(rule))
	old, err := chromedp.Run(tab, chromedp.Evaluate[string](`document.querySelector('input[name$="~amount"]').value`))
	if err != nil {
		t.Fatal(err)
	}
	clearField(t, tab, `input[name$="~amount"]`)
	do(tab, "typing the rule", chromedp.SendKeys(rule, "2 * ("+old+")"))
	wait(tab, "the preview to show "+doubled, `document.getElementById("preview").textContent.replace(/\u00a0/g, " ").includes(`+jsQuote(doubled)+`)`)
	axeFree(t, tab, "the service's form")
	do(tab, "saving", chromedp.Click(chromedp.CSS(`#edit button[type=submit]`)), chromedp.WaitVisible(chromedp.CSS(`.saved`)))

	// The phone: a wrong one is refused next to its field, in Russian, and announced.
	phone := chromedp.CSS(`input[name$="~phones"]`)
	do(tab, "opening the offices' form", chromedp.Navigate("http://"+addr+"/console/edit/offices/all"), chromedp.WaitVisible(phone))
	clearField(t, tab, `input[name$="~phones"]`)
	do(tab, "typing a wrong phone", chromedp.SendKeys(phone, "12345"))
	wait(tab, "the phone refused in Russian", `(() => { const i = document.querySelector('input[name$="~phones"]');
		const m = document.getElementById(i.id + "-msg");
		return i.getAttribute("aria-invalid") === "true" && m.classList.contains("error") && m.textContent.includes("не казахстанский номер") &&
			m.getAttribute("aria-live") === "polite" && i.getAttribute("aria-describedby").includes(m.id); })()`)
	axeFree(t, tab, "the offices' form with a refused phone")
	clearField(t, tab, `input[name$="~phones"]`)
	do(tab, "typing a right phone", chromedp.SendKeys(phone, "8 700 000 00 00"))
	wait(tab, "the phone accepted", `document.querySelector('input[name$="~phones"]').getAttribute("aria-invalid") === null`)
	wait(tab, "the preview to show the new phone as content keeps it", `document.getElementById("preview").textContent.includes("+7 700 000 00 00")`)
	do(tab, "saving the phone", chromedp.Click(chromedp.CSS(`#edit button[type=submit]`)), chromedp.WaitVisible(chromedp.CSS(`.saved`)))
	botSays(amount, "the bot's card, unchanged by a saved draft")

	// The draft's changes in words, then publishing, which asks for a confirmation first.
	do(tab, "opening the draft", chromedp.Navigate("http://"+addr+"/console/draft"), chromedp.WaitVisible(chromedp.CSS(`#confirm`)))
	changes, _ := chromedp.Run(tab, chromedp.Text(chromedp.CSS(`main`)))
	if !strings.Contains(spaces(changes), doubled) || !strings.Contains(changes, "+7 700 000 00 00") {
		t.Errorf("the draft's changes do not say the new amount %q and phone: %.600s", doubled, changes)
	}
	axeFree(t, tab, "the draft")
	do(tab, "publishing", chromedp.Click(chromedp.CSS(`#confirm`)), chromedp.Click(chromedp.CSS(`form.publish button`)),
		chromedp.WaitVisible(chromedp.CSS(`.saved`)))
	botSays(doubled, "the bot's card with the new amount")
	axeFree(t, tab, "the history")

	// In Kazakh, on a phone's screen: the wrong phone is refused in Kazakh.
	kk, cancelKK := chromedp.NewContext(alloc)
	defer cancelKK()
	do(kk, "signing in in Kazakh", chromedp.EmulateViewport(360, 800), chromedp.Navigate(consoleLink(t, api, editor, first)),
		chromedp.Click(chromedp.CSS(`button[value="kk"]`)), chromedp.WaitVisible(chromedp.CSS(`input[type=search]`)),
		chromedp.Navigate("http://"+addr+"/console/edit/offices/all"), chromedp.WaitVisible(phone))
	clearField(t, kk, `input[name$="~phones"]`)
	do(kk, "typing a Russian number", chromedp.SendKeys(phone, "+7 912 000 00 00"))
	wait(kk, "the phone refused in Kazakh", `(() => { const i = document.querySelector('input[name$="~phones"]');
		return i.getAttribute("aria-invalid") === "true" && document.getElementById(i.id + "-msg").textContent.includes("Қазақстан нөмірі емес"); })()`)
	if wide, _ := chromedp.Run(kk, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth`)); wide {
		t.Error("the offices' form is wider than a 360 px screen")
	}
	axeFree(t, kk, "the offices' form in Kazakh at 360 px")

	// Rollback to the content built in returns the old amount.
	do(tab, "rolling back", chromedp.Navigate("http://"+addr+"/console/history"), chromedp.WaitVisible(chromedp.CSS(`button.secondary`)),
		chromedp.Click(chromedp.CSS(`button.secondary`)), chromedp.WaitVisible(chromedp.CSS(`.saved`)))
	botSays(amount, "the bot's card with the old amount back")
}

// clearField empties the first input matching css, as selecting it all and deleting would.
func clearField(t *testing.T, tab context.Context, css string) {
	t.Helper()
	if _, err := chromedp.Run(tab, chromedp.Evaluate[bool](`(() => { document.querySelector(`+jsQuote(css)+`).value = ""; return true; })()`)); err != nil {
		t.Fatal(err)
	}
}

func jsQuote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
