package main

import (
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/qamqor/qamqor/internal/fakebotapi"
	"github.com/qamqor/qamqor/internal/redistest"
)

// serve wires the console's admin pages to its own stores: an invitation made on the
// partners' page is in the audit page, and a broadcast's "send to myself" reaches the
// admin's chat through the Telegram adapter.
func TestServeWiresTheConsolesAdminPagesToItsStores(t *testing.T) {
	api := fakebotapi.Start(t)
	srv := redistest.Start(t)
	addr := freeAddr(t)
	dataKey, _ := dataKeyEnv(t)
	startServe(t, api, srv, addr, "ADMIN_IDS=42", "CONSOLE_URL=http://"+addr+"/console/", dataKey, "BOT_USERNAME=QamqorTestBot")
	api.WaitFor(t, 20*time.Second, func() bool { return len(api.Commands("ru")) > 0 }, "the bot to start")
	get, post := adminConsole(t, api, addr)
	if !strings.Contains(get("stats"), `<svg class="chart" id="chart-daily"`) {
		t.Error("the statistics page has no chart")
	}
	if body := post("partners/invite", url.Values{"org": {"Шапағат"}}); !strings.Contains(body, "https://t.me/QamqorTestBot?start=i_") {
		t.Errorf("the invitation's link is not the bot's deep link: %.500s", body)
	}
	if audit := get("audit?action=partner.invite"); !strings.Contains(audit, "<td>Шапағат</td>") {
		t.Error("the invitation is not in the audit page")
	}
	post("broadcasts", url.Values{"kk": {"Сынақ хабар"}, "ru": {"Пробное сообщение"}, "do": {"test"}, "draft": {"a-draft-of-this-test-0001"}})
	api.WaitFor(t, 20*time.Second, func() bool {
		var kk, ru bool
		for _, m := range api.Messages(42) {
			kk = kk || m.Text == "Сынақ хабар"
			ru = ru || m.Text == "Пробное сообщение"
		}
		return kk && ru
	}, "the broadcast's test in the admin's chat")
}

// adminConsole signs chat 42, an admin, into serve's console at addr, in Russian.
func adminConsole(t *testing.T, api *fakebotapi.Server, addr string) (get func(path string) string, post func(path string, form url.Values) string) {
	t.Helper()
	return consoleAs(t, api, addr, 42, "ru")
}

// consoleAs signs chat into serve's console at addr through the link /console sends, and
// returns what GETs a page (failing the test unless 200) and what POSTs a form with the
// session's CSRF token.
func consoleAs(t *testing.T, api *fakebotapi.Server, addr string, chat int64, lang string) (get func(path string) string, post func(path string, form url.Values) string) {
	t.Helper()
	api.SendText(chat, "/console", lang)
	var link string
	api.WaitFor(t, 20*time.Second, func() bool {
		for _, m := range api.Messages(chat) {
			for _, row := range m.Buttons {
				for _, b := range row {
					if strings.Contains(b.URL, "/console/login?t=") {
						link = b.URL
					}
				}
			}
		}
		return link != ""
	}, "the console's link")
	client, home := signInWith(t, link)
	csrf := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindStringSubmatch(home)[1]
	base := "http://" + addr + "/console/"
	get = func(path string) string {
		t.Helper()
		resp, err := client.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d", path, resp.StatusCode)
		}
		return string(body)
	}
	post = func(path string, form url.Values) string {
		t.Helper()
		form.Set("csrf", csrf)
		resp, err := client.PostForm(base+path, form)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return string(body)
	}
	return get, post
}

// A partner revoked on the console's Partners page is told in the language they use the
// bot in, as /revoke tells them, and their chat's own command menu (the partners') is
// deleted, so their menu is everyone's again. Before, the partner downloads their
// organisation's report from the console (serve wires /report's code to it), audited.
func TestTheConsoleTellsARevokedPartnerInTheirLanguageAndResetsTheirMenu(t *testing.T) {
	api := fakebotapi.Start(t)
	srv := redistest.Start(t)
	addr := freeAddr(t)
	dataKey, _ := dataKeyEnv(t)
	startServe(t, api, srv, addr, "ADMIN_IDS=42", "CONSOLE_URL=http://"+addr+"/console/", dataKey, "BOT_USERNAME=QamqorTestBot")
	api.WaitFor(t, 20*time.Second, func() bool { return len(api.Commands("ru")) > 0 }, "the bot to start")
	get, post := adminConsole(t, api, addr)
	m := regexp.MustCompile(`start=(i_[A-Za-z0-9_-]+)`).FindStringSubmatch(post("partners/invite", url.Values{"org": {"Шапағат"}}))
	if m == nil {
		t.Fatal("no invitation link on the page")
	}
	const partner = 77
	scope := &models.BotCommandScopeChat{ChatID: partner}
	api.SendText(partner, "/start "+m[1], "kk")
	api.WaitFor(t, 20*time.Second, func() bool { return len(api.CommandsFor(scope, "kk")) > 0 }, "the partner's own menu")
	// Before, the partner downloads their organisation's report from the console, as
	// /report would send it.
	partnerGet, _ := consoleAs(t, api, addr, partner, "kk")
	if csv := partnerGet("report.csv"); !strings.HasPrefix(csv, "\uFEFF") || !strings.Contains(csv, "Шапағат") {
		t.Errorf("the console's report: %.300s", csv)
	}
	if body := post("partners/revoke", url.Values{"user": {"77"}}); !strings.Contains(body, "Партнёр отозван: 77") || strings.Contains(body, "Сообщить партнёру не удалось") {
		t.Fatalf("the revocation's page: %.300s", body)
	}
	api.WaitFor(t, 20*time.Second, func() bool {
		for _, m := range api.Messages(partner) {
			if strings.Contains(m.Text, "«Шапағат» ұйымынан Qamqor серіктесі ретіндегі қолжетімділігіңізді ажыратты") {
				return true
			}
		}
		return false
	}, "the revoked partner told in Kazakh")
	for _, m := range api.Messages(partner) {
		if strings.Contains(m.Text, "отключил") {
			t.Errorf("the partner was told in Russian too: %q", m.Text)
		}
	}
	for _, lang := range []string{"", "kk", "ru"} {
		if cmds := api.CommandsFor(scope, lang); len(cmds) > 0 {
			t.Errorf("the revoked partner's chat keeps its own menu (%q): %v", lang, cmds)
		}
	}
	if audit := get("audit?action=report.download"); !strings.Contains(audit, "csv Шапағат") {
		t.Error("the report's download is not in the audit page")
	}
}
