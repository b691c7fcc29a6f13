package main

import (
	"bufio"
	"context"
	"io"
	"io/fs"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/qamqor/qamqor/content"
	"github.com/qamqor/qamqor/internal/fakebotapi"
	"github.com/qamqor/qamqor/internal/redistest"
)

// signInWith opens a one-time link as a browser would (its page, then the button's POST)
// and returns a client holding the session, and the home page it lands on.
func signInWith(t *testing.T, link string) (*http.Client, string) {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar, Timeout: 10 * time.Second}
	resp, err := client.Get(link)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("opening %s: %v %v", link, resp, err)
	}
	_ = resp.Body.Close()
	u, _ := url.Parse(link)
	resp, err = client.PostForm(u.Scheme+"://"+u.Host+"/console/login", url.Values{"t": {u.Query().Get("t")}, "lang": {"ru"}})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || resp.Request.URL.Path != "/console/" {
		t.Fatalf("signing in: %d at %s", resp.StatusCode, resp.Request.URL)
	}
	return client, string(body)
}

// serve mounts the console on HTTP_ADDR: an admin's /console gets a link that opens it;
// without a session every console path is 404, beside health and metrics on the same port.
func TestServeServesTheConsoleThroughTheBotsLink(t *testing.T) {
	api := fakebotapi.Start(t)
	srv := redistest.Start(t)
	addr := freeAddr(t)
	startServe(t, api, srv, addr, "ADMIN_IDS=42", "CONSOLE_URL=http://"+addr+"/console/")
	api.WaitFor(t, 20*time.Second, func() bool { return len(api.Commands("ru")) > 0 }, "the bot to start")
	api.SendText(42, "/console", "ru")
	var link string
	api.WaitFor(t, 20*time.Second, func() bool {
		for _, m := range api.Messages(42) {
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
	if !strings.HasPrefix(link, "http://"+addr+"/console/login?t=") {
		t.Fatalf("link %q", link)
	}
	for _, path := range []string{"/console/", "/console/offices", "/console/nothing"} {
		resp, err := http.Get("http://" + addr + path)
		if err != nil {
			t.Fatal(err)
		}
		_ = resp.Body.Close()
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s without a session: %d", path, resp.StatusCode)
		}
	}
	_, home := signInWith(t, link)
	if !strings.Contains(home, "Панель управления Qamqor") || !strings.Contains(home, "/console/screen/") {
		t.Errorf("the home page after signing in: %.300s", home)
	}
	if b := api.MenuButton(42); b.Type != "" {
		t.Errorf("with a plain-HTTP CONSOLE_URL (no Mini App can be), the admin's menu button was set: %+v", b)
	}
}

// With an HTTPS CONSOLE_URL, serve makes the console the menu button (a Mini App) of the
// admins and editors, and gives it back to Telegram's default when a role is taken away.
func TestServeGivesAdminsAndEditorsTheConsoleAsTheirMenuButton(t *testing.T) {
	api := fakebotapi.Start(t)
	srv := redistest.Start(t)
	startServe(t, api, srv, freeAddr(t), "ADMIN_IDS=42", "CONSOLE_URL=https://qamqor.example/console/")
	api.WaitFor(t, 20*time.Second, func() bool { return api.MenuButton(42).Type != "" }, "the admin's menu button")
	if b := api.MenuButton(42); b.Type != "web_app" || b.URL != "https://qamqor.example/console/app" || b.Text == "" {
		t.Errorf("the admin's menu button: %+v", b)
	}
	api.SendText(42, "/role 77 editor", "ru")
	api.WaitFor(t, 20*time.Second, func() bool { return api.MenuButton(77).Type != "" }, "the editor's menu button")
	if b := api.MenuButton(77); b.Type != "web_app" {
		t.Errorf("the new editor's menu button: %+v", b)
	}
	api.SendText(42, "/role 77 none", "ru")
	api.WaitFor(t, 20*time.Second, func() bool { return api.MenuButton(77).Type == "default" }, "the default button back")
}

// `qamqor console` runs alone on loopback with no Telegram and no Redis, prints a link that
// opens it once, and stops on a signal.
func TestConsoleRunsAloneOverTheContent(t *testing.T) {
	if r := qamqor(t, "", nil, "console", "--addr", "0.0.0.0:0"); r.code != 2 || !strings.Contains(r.stderr, "loopback") {
		t.Errorf("a non-loopback address: %d %q", r.code, r.stderr)
	}
	if r := qamqor(t, "", nil, "console", "--help"); !strings.Contains(r.stderr, "publishing writes the changed files back to DIR") {
		t.Errorf("help: %q", r.stderr)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	dir := copyContent(t)
	cmd := exec.CommandContext(ctx, os.Args[0], "console", dir)
	cmd.Env = append(os.Environ(), "QAMQOR_TEST_RUN_MAIN=1", "REDIS_URL=", "REDIS_ADDRS=", "TELEGRAM_BOT_TOKEN=")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var link string
	lines := bufio.NewScanner(out)
	for link == "" && lines.Scan() {
		if l := strings.TrimSpace(lines.Text()); strings.HasPrefix(l, "http://127.0.0.1:") {
			link = l
		}
	}
	if link == "" {
		t.Fatal("no link printed")
	}
	client, home := signInWith(t, link)
	if !strings.Contains(home, "/console/screen/") {
		t.Errorf("home: %.300s", home)
	}
	resp, err := client.Get(strings.Replace(link, "/console/login", "/console/offices", 1))
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Errorf("offices: %v %v", resp, err)
	}
	u, _ := url.Parse(link)
	publishMRP(t, client, u.Scheme+"://"+u.Host)
	// The file on disk changed in that one line, and nothing else of it.
	after, err := os.ReadFile(filepath.Join(dir, "reference.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	before, _ := fs.ReadFile(content.Embedded(), "reference.yaml")
	if want := strings.Replace(string(before), "2026: 4325}", "2026: 4400}", 1); string(after) != want || want == string(before) {
		t.Errorf("reference.yaml after publishing:\n%s", after)
	}
	again, _ := http.PostForm(u.Scheme+"://"+u.Host+"/console/login", url.Values{"t": {u.Query().Get("t")}})
	if again == nil || again.StatusCode != http.StatusNotFound {
		t.Errorf("the link a second time: %v", again)
	}
	_ = cmd.Process.Signal(os.Interrupt)
	if err := cmd.Wait(); err != nil {
		t.Errorf("on a signal: %v", err)
	}
}

var (
	csrfInput = regexp.MustCompile(`name="csrf" value="([^"]+)"`)
	revInput  = regexp.MustCompile(`name="rev" value="([^"]+)"`)
	mrpInput  = regexp.MustCompile(`name="([^"]+~mrp\.2026)" value="([^"]*)"`)
)

// publishMRP changes МРП 2026 in the console's form to 4400 and publishes the draft.
func publishMRP(t *testing.T, client *http.Client, origin string) {
	t.Helper()
	get := func(path string) string {
		resp, err := client.Get(origin + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d", path, resp.StatusCode)
		}
		return string(b)
	}
	form := get("/console/edit/reference")
	csrf, rev, mrp := csrfInput.FindStringSubmatch(form), revInput.FindStringSubmatch(form), mrpInput.FindStringSubmatch(form)
	if csrf == nil || rev == nil || mrp == nil {
		t.Fatalf("the reference form: %.500s", form)
	}
	resp, err := client.PostForm(origin+"/console/edit/reference", url.Values{"csrf": {csrf[1]}, "rev": {rev[1]}, mrp[1]: {"4400"}})
	if err != nil || resp.Request.URL.Query().Get("saved") != "1" {
		t.Fatalf("saving МРП: %v %v", resp, err)
	}
	_ = resp.Body.Close()
	draft := get("/console/draft")
	if !strings.Contains(draft, "4\u00a0400") && !strings.Contains(draft, "4 400") {
		t.Errorf("the draft's changes do not show the new МРП: %.300s", draft)
	}
	resp, err = client.PostForm(origin+"/console/draft/publish", url.Values{"csrf": {csrf[1]}, "rev": {revInput.FindStringSubmatch(draft)[1]}, "confirm": {"yes"}})
	if err != nil || resp.Request.URL.Path != "/console/history" {
		t.Fatalf("publishing: %v %v", resp, err)
	}
	_ = resp.Body.Close()
}
