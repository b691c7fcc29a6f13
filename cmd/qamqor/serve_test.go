package main

import (
	"io"
	"net"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/qamqor/qamqor/internal/fakebotapi"
	"github.com/qamqor/qamqor/internal/redistest"
)

func TestServeExplainsAMissingToken(t *testing.T) {
	r := qamqor(t, "", nil, "serve")
	if r.code != 2 || !strings.Contains(r.stderr, "@BotFather") || !strings.Contains(r.stderr, "/newbot") {
		t.Fatalf("exit %d, stderr:\n%s", r.code, r.stderr)
	}
}

func TestServeRefusesAWebhookWithoutASecret(t *testing.T) {
	r := qamqor(t, "", []string{"TELEGRAM_BOT_TOKEN=1:x", "WEBHOOK_URL=https://bot.example.org/hook"}, "serve")
	if r.code != 2 || !strings.Contains(r.stderr, "WEBHOOK_SECRET must be set") {
		t.Fatalf("exit %d, stderr:\n%s", r.code, r.stderr)
	}
}

func TestServeRejectedTokenIsExplained(t *testing.T) {
	api := fakebotapi.Start(t)
	r := qamqor(t, "", []string{"TELEGRAM_BOT_TOKEN=999:wrong", "TELEGRAM_API_URL=" + api.URL, "HTTP_ADDR=" + freeAddr(t)}, "serve")
	if r.code != 1 || !strings.Contains(r.stderr, "Telegram rejected TELEGRAM_BOT_TOKEN") || strings.Contains(r.stderr, "999:wrong") {
		t.Fatalf("exit %d, stderr:\n%s", r.code, r.stderr)
	}
}

// TestSIGTERMFinishesUpdatesInFlightAndExitsZero runs qamqor serve as its own process,
// gives it work that Telegram slows down, and sends it SIGTERM in the middle.
func TestSIGTERMFinishesUpdatesInFlightAndExitsZero(t *testing.T) {
	api := fakebotapi.Start(t)
	srv := redistest.Start(t)
	addr := freeAddr(t)
	cmd, stderr, exited := startServe(t, api, srv, addr, "LOG_LEVEL=debug", "GOGC=")

	api.WaitFor(t, 20*time.Second, func() bool { return api.Polling() > 0 }, "the bot to poll")
	resp, err := http.Get("http://" + addr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	metrics, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	// go_gc_gogc_percent: serve sets the collector measured in BENCHMARKS.md when GOGC is unset.
	for _, want := range []string{"qamqor_redis_errors_total 0", "go_goroutines", "qamqor_telegram_requests_total", "go_gc_gogc_percent 400"} {
		if !strings.Contains(string(metrics), want) {
			t.Errorf("/metrics lacks %s\n%s", want, grepLines(string(metrics), "redis"))
		}
	}
	api.FailNext("sendMessage", 20, fakebotapi.Fault{Code: 429, Description: "Too Many Requests: retry after 1", RetryAfter: 1})
	var last int64
	for chat := int64(1); chat <= 20; chat++ {
		last = api.SendText(chat, "/start", "ru")
	}
	// Every update in hand (journalled, so confirmed to Telegram) and sends under way: what
	// SIGTERM must finish. An update still at Telegram would simply wait for the next start.
	api.WaitFor(t, 20*time.Second, func() bool { return api.Confirmed() == last && api.CallCount("sendMessage") >= 4 }, "every update in hand and sends to begin")
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	select {
	case err := <-exited:
		if err != nil {
			t.Fatalf("exit: %v\n%s", err, stderr.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatalf("still running 30s after SIGTERM\n%s", stderr.String())
	}
	t.Logf("exited %v after SIGTERM", time.Since(start).Round(time.Millisecond))
	for chat := int64(1); chat <= 20; chat++ {
		if n := len(api.Messages(chat)); n != 1 {
			t.Errorf("chat %d: %d answers, want 1", chat, n)
		}
	}
	if got := api.Confirmed(); got != last {
		t.Errorf("Telegram was told of updates up to %d, want %d", got, last)
	}
	if strings.Contains(stderr.String(), api.Token) {
		t.Error("the token appears in the logs")
	}
}

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

func grepLines(s, sub string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// TestServesMenuListsTheFeaturesCommands: the command menu serve sets comes from the
// Service, so the features' commands (news's /stop, privacy's /mydata and /forget) are in
// it after the engine's.
func TestServesMenuListsTheFeaturesCommands(t *testing.T) {
	api := fakebotapi.Start(t)
	srv := redistest.Start(t)
	startServe(t, api, srv, freeAddr(t))
	api.WaitFor(t, 20*time.Second, func() bool { return len(api.Commands("ru")) > 0 }, "the command menu")
	var names []string
	for _, c := range api.Commands("ru") {
		names = append(names, "/"+c.Command+" "+c.Description)
	}
	got := strings.Join(names, ", ")
	for _, want := range []string{"/stop Отписаться от всех новостей", "/mydata ", "/forget "} {
		if !strings.Contains(got, want) || !strings.HasPrefix(got, "/start ") {
			t.Errorf("the menu is %q; want the engine's commands, then %q", got, want)
		}
	}
}
