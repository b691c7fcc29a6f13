package telegram_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/qamqor/qamqor/bot"
	"github.com/qamqor/qamqor/content"
	"github.com/qamqor/qamqor/internal/fakebotapi"
	"github.com/qamqor/qamqor/internal/redistest"
	"github.com/qamqor/qamqor/locales"
	"github.com/qamqor/qamqor/store"
	"github.com/qamqor/qamqor/telegram"
	"github.com/redis/go-redis/v9"
)

const hookSecret = "fuzz-webhook-secret_2"

// errorCount counts error records: a panic recovered while handling an update is one.
type errorCount struct{ n atomic.Int64 }

func (*errorCount) Enabled(context.Context, slog.Level) bool { return true }
func (h *errorCount) Handle(_ context.Context, r slog.Record) error {
	if r.Level >= slog.LevelError {
		h.n.Add(1)
	}
	return nil
}
func (h *errorCount) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h *errorCount) WithGroup(string) slog.Handler      { return h }

// FuzzWebhook POSTs arbitrary bodies, with the right secret or another, to a bot serving
// in webhook mode (fake Telegram, real Redis; one of each for the whole run): the bot
// never panics and answers quickly, 401 without the secret, 400 for what is not an
// update; a refused request touches neither Redis nor Telegram.
func FuzzWebhook(f *testing.F) {
	api := fakebotapi.Start(f)
	srv := redistest.Start(f)
	rdb := srv.Client()
	nodes := srv.Nodes()
	c, _, err := content.Load(content.Embedded(), "content/data")
	if err != nil {
		f.Fatal(err)
	}
	bundle, err := locales.Bundle()
	if err != nil {
		f.Fatal(err)
	}
	engine := bot.NewEngine(c, bundle)
	errs := &errorCount{}
	log := slog.New(errs)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		f.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	hook := "http://" + addr + "/telegram/hook"
	cfg := telegram.Config{
		Token: api.Token, APIURL: api.URL, HTTPAddr: addr, Workers: 4, ShutdownTimeout: 5 * time.Second,
		PollTimeout: 2 * time.Second, WebhookURL: hook, WebhookSecret: hookSecret,
	}
	tb, err := telegram.New(cfg, bot.NewService(engine, store.NewSessions(rdb), log), engine.Commands,
		func(ctx context.Context) error { return store.Ping(ctx, rdb) }, log, prometheus.NewRegistry())
	if err != nil {
		f.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- tb.Run(ctx) }()
	f.Cleanup(func() { cancel(); <-done })
	api.WaitFor(f, 20*time.Second, func() bool {
		registered, _ := api.Webhook()
		return registered == hook
	}, "the webhook to be registered")

	// Real updates as the fake Telegram encodes them, then hand-made and broken ones.
	start := api.UpdateJSON(api.SendText(11, "/start disability", "ru"))
	press, _ := api.Press(11, 1, "g:employment")
	for _, body := range [][]byte{start, api.UpdateJSON(press), api.UpdateJSON(api.SendText(12, strings.Repeat("пособие ", 400), "kk"))} {
		f.Add(hookSecret, body)
	}
	for _, body := range []string{
		``, `{}`, `null`, `[]`, `"x"`, `1`, `{"update_id":0}`, `{"update_id":-5,"message":{}}`, `{"update_id":1}`,
		`{"update_id":9223372036854775807,"message":{"message_id":1,"date":0,"chat":{"id":1,"type":"private"},"text":"hi"}}`,
		`{"update_id":3,"message":{"message_id":1,"date":0,"chat":{"id":-100123,"type":"supergroup"},"text":"/start"}}`,
		`{"update_id":4,"message":{"message_id":1,"date":0,"chat":{"id":5,"type":"private"}}}`,
		`{"update_id":5,"message":{"message_id":1,"date":0,"chat":{"id":5,"type":"private"},"document":{"file_id":"x","file_unique_id":"y","file_name":"a.zip","file_size":99999999}}}`,
		`{"update_id":6,"callback_query":{"id":"1","from":{"id":6,"is_bot":false,"first_name":"A"},"data":"g:family"}}`,
		`{"update_id":7,"callback_query":{"id":"1","from":{"id":6,"is_bot":false,"first_name":"A"},"message":{"message_id":1,"date":0,"chat":{"id":6,"type":"private"}},"data":"\u0000"}}`,
		`{"update_id":8,"edited_message":{"message_id":1,"date":0,"chat":{"id":5,"type":"private"},"text":"x"}}`,
		`{"update_id":9,"message":{"message_id":1,"date":0,"chat":{"id":5,"type":"private"},"text":"\ud800"}}`,
		`{"update_id":"10"}`, `{"update_id":1e3}`, `{"update_id":1,"message":null}`, `{"update_id":1,"message":[]}`,
		`{"update_id":1,"update_id":2}`, "\xef\xbb\xbf{\"update_id\":1}", "{\"update_id\":1,\"message\":{\"text\":\"\xff\"}}",
		strings.Repeat(`{"a":`, 10000) + strings.Repeat(`}`, 10000), strings.Repeat("[", 100000), `{not json`,
	} {
		f.Add(hookSecret, []byte(body))
	}
	f.Add("", start)
	f.Add("guess", start)
	f.Add(hookSecret[:len(hookSecret)-1], start)
	f.Add(hookSecret+" ", start)
	client := &http.Client{Timeout: 20 * time.Second}
	var accepted atomic.Bool // the last request was taken: its replies and journal may still be on their way
	f.Fuzz(func(t *testing.T, secret string, body []byte) {
		if strings.ContainsFunc(secret, func(r rune) bool { return r < ' ' && r != '\t' || r == 0x7f }) {
			return // no HTTP client sends control characters in a header
		}
		if accepted.Swap(false) {
			quiet(t, api, nodes)
		}
		calls, commands, logged := api.CallCount(""), processed(t, nodes), errs.n.Load()
		req, err := http.NewRequest(http.MethodPost, hook, bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/json")
		if secret != "" {
			req.Header["X-Telegram-Bot-Api-Secret-Token"] = []string{secret}
		}
		began := time.Now()
		resp, err := client.Do(req)
		if err != nil {
			t.Fatalf("webhook request failed: %v", err)
		}
		resp.Body.Close()
		if took := time.Since(began); took > 5*time.Second {
			t.Fatalf("answered after %v", took)
		}
		if n := errs.n.Load(); n != logged {
			t.Fatalf("an error was logged handling %q (a recovered panic?)", body)
		}
		switch {
		case strings.Trim(secret, " \t") != hookSecret: // HTTP drops spaces around a value
			if resp.StatusCode != http.StatusUnauthorized {
				t.Fatalf("secret %q: status %d, want 401", secret, resp.StatusCode)
			}
		case !json.Valid(body):
			if resp.StatusCode != http.StatusBadRequest {
				t.Fatalf("invalid JSON %q: status %d, want 400", body, resp.StatusCode)
			}
		case resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusBadRequest:
			t.Fatalf("%q: status %d", body, resp.StatusCode)
		}
		if resp.StatusCode == http.StatusOK {
			accepted.Store(true)
			return
		}
		if n := api.CallCount(""); n != calls {
			t.Fatalf("refused with %d, yet %d Bot API calls were made", resp.StatusCode, n-calls)
		}
		if n := processed(t, nodes); n != commands+int64(len(nodes)) { // the INFOs that read the count before
			t.Fatalf("refused with %d, yet Redis ran %d commands", resp.StatusCode, n-commands-int64(len(nodes)))
		}
	})
}

// quiet waits until the bot has sent what it had to and written its journal: the webhook
// answers once an update is handled, and the replies and the journal's batch follow.
func quiet(t *testing.T, api *fakebotapi.Server, nodes []*redis.Client) {
	t.Helper()
	calls, commands := api.CallCount(""), processed(t, nodes)
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); {
		time.Sleep(80 * time.Millisecond) // past the journal's flush of ends (50 ms)
		c, n := api.CallCount(""), processed(t, nodes)
		if c == calls && n == commands+int64(len(nodes)) {
			return
		}
		calls, commands = c, n
	}
	t.Fatal("the bot did not go quiet after an update")
}

// processed is how many commands Redis has run, on all its nodes.
func processed(t *testing.T, nodes []*redis.Client) int64 {
	t.Helper()
	var total int64
	for _, rdb := range nodes {
		info, err := rdb.Info(context.Background(), "stats").Result()
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, line := range strings.Split(info, "\r\n") {
			if v, ok := strings.CutPrefix(line, "total_commands_processed:"); ok {
				n, err := strconv.ParseInt(v, 10, 64)
				if err != nil {
					t.Fatal(err)
				}
				total, found = total+n, true
			}
		}
		if !found {
			t.Fatal("no total_commands_processed in INFO stats")
		}
	}
	return total
}
