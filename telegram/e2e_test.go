package telegram_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/qamqor/qamqor/bot"
	"github.com/qamqor/qamqor/bot/privacy"
	"github.com/qamqor/qamqor/content"
	"github.com/qamqor/qamqor/internal/fakebotapi"
	"github.com/qamqor/qamqor/internal/redistest"
	"github.com/qamqor/qamqor/locales"
	"github.com/qamqor/qamqor/store"
	"github.com/qamqor/qamqor/telegram"
)

const secret = "test-webhook-secret_1"

// world is one test's Telegram (fake), Redis (real) and log.
type world struct {
	t     *testing.T
	api   *fakebotapi.Server
	redis *redistest.Server
	logs  *syncBuffer
	// configure, if set, adjusts the configuration of the bots the world starts.
	configure func(*telegram.Config)
}

func newWorld(t *testing.T) *world {
	return &world{t: t, api: fakebotapi.Start(t), redis: redistest.Start(t), logs: &syncBuffer{}}
}

// engine is the engine over the shipped content.
func (w *world) engine(opts ...bot.Option) *bot.Engine {
	w.t.Helper()
	c, _, err := content.Load(content.Embedded(), "content/data")
	if err != nil {
		w.t.Fatal(err)
	}
	bundle, err := locales.Bundle()
	if err != nil {
		w.t.Fatal(err)
	}
	return bot.NewEngine(c, bundle, opts...)
}

// service is the service over the shipped content, logging to the world's log.
func (w *world) service() *bot.Service {
	log := slog.New(slog.NewTextHandler(w.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	return bot.NewService(w.engine(), store.NewSessions(w.redis.Client()), log)
}

// running is one bot process: the serve path with its own store (nothing cached), as after
// a restart.
type running struct {
	bot    *telegram.Bot
	addr   string
	cancel context.CancelFunc
	done   chan error
}

type mode int

const (
	polling mode = iota
	webhook
)

func (m mode) String() string { return [...]string{"polling", "webhook"}[m] }

// start runs a bot until the test ends or stop is called.
func (w *world) start(m mode) *running {
	w.t.Helper()
	return w.startWith(m, nil)
}

// startWith runs a bot that answers with h, or with the service over the shipped content
// when h is nil.
func (w *world) startWith(m mode, h telegram.Handler) *running {
	w.t.Helper()
	log := slog.New(slog.NewTextHandler(w.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	engine := w.engine()
	rdb := w.redis.Client()
	svc := bot.NewService(engine, store.NewSessions(rdb), log)
	mustRegister(w.t, svc, privacy.New())
	var handler telegram.Handler = svc
	if h != nil {
		handler = h
	}
	addr := freeAddr(w.t)
	cfg := telegram.Config{
		Token: w.api.Token, APIURL: w.api.URL, HTTPAddr: addr,
		Workers: 4, ShutdownTimeout: 10 * time.Second, PollTimeout: 2 * time.Second,
		Journal: store.NewUpdates(rdb),
	}
	if m == webhook {
		cfg.WebhookURL, cfg.WebhookSecret = "http://"+addr+"/telegram/hook", secret
	}
	if w.configure != nil {
		w.configure(&cfg)
	}
	commands := engine.Commands
	if svc, ok := handler.(*bot.Service); ok {
		commands = svc.Commands // the features' menu commands too, as serve has them
	}
	tb, err := telegram.New(cfg, handler, commands, func(ctx context.Context) error { return store.Ping(ctx, rdb) }, log, prometheus.NewRegistry())
	if err != nil {
		w.t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	r := &running{bot: tb, addr: addr, cancel: cancel, done: make(chan error, 1)}
	go func() { r.done <- tb.Run(ctx) }()
	w.t.Cleanup(func() { r.stop(w.t) })
	w.waitFor(func() bool {
		resp, err := http.Get("http://" + addr + "/healthz")
		if err == nil {
			resp.Body.Close()
		}
		registered, _ := w.api.Webhook()
		return err == nil && resp.StatusCode == 200 && (m == polling || registered == cfg.WebhookURL)
	}, "the bot to start")
	return r
}

// stop is what SIGTERM does: the context ends, then Run must return nil.
func (r *running) stop(t *testing.T) {
	if r.cancel == nil {
		return
	}
	r.cancel()
	r.cancel = nil
	select {
	case err := <-r.done:
		if err != nil {
			t.Errorf("Run returned %v on shutdown", err)
		}
	case <-time.After(30 * time.Second):
		t.Error("the bot did not stop within 30s")
	}
}

func (w *world) waitFor(cond func() bool, what string) {
	w.t.Helper()
	w.api.WaitFor(w.t, 20*time.Second, cond, what)
}

// deliver makes an update reach the bot: in webhook mode the test posts it, as Telegram
// would; in polling mode the bot fetches it.
func (w *world) deliver(m mode, id int64) {
	w.t.Helper()
	if m == webhook {
		status, err := w.api.Deliver(context.Background(), id)
		if err != nil || status != http.StatusOK {
			w.t.Fatalf("webhook delivery of %d: status %d, %v", id, status, err)
		}
	}
}

// text sends a message and waits for the bot's answer: a typed message always gets a new one.
func (w *world) text(m mode, chat int64, text string) {
	w.t.Helper()
	before := len(w.api.Messages(chat))
	w.deliver(m, w.api.SendText(chat, text, "ru"))
	w.waitFor(func() bool { return len(w.api.Messages(chat)) > before }, fmt.Sprintf("an answer to %q", text))
}

// press presses the button with label on the chat's last message and waits for the answer.
func (w *world) press(m mode, chat int64, label string) {
	w.t.Helper()
	msg := w.api.Last(chat)
	data := ""
	for _, row := range msg.Buttons {
		for _, b := range row {
			if b.Text == label {
				data = b.CallbackData
			}
		}
	}
	if data == "" {
		w.t.Fatalf("no button %q on the last message:\n%s\n%v", label, msg.Text, msg.Buttons)
	}
	before := len(w.api.Messages(chat))
	id, callback := w.api.Press(chat, msg.ID, data)
	w.deliver(m, id)
	w.waitFor(func() bool {
		now := w.api.Last(chat)
		return w.api.Answered(callback) && (len(w.api.Messages(chat)) > before || now.ID != msg.ID || now.Edits > msg.Edits)
	}, "the press of "+label+" to be answered")
}

// screen waits until the chat's last message starts with title and returns it.
func (w *world) screen(chat int64, title string) fakebotapi.Message {
	w.t.Helper()
	w.waitFor(func() bool { return strings.HasPrefix(w.api.Last(chat).Text, title) }, fmt.Sprintf("chat %d to show %q", chat, title))
	return w.api.Last(chat)
}

func TestConversationOnTelegram(t *testing.T) {
	for _, m := range []mode{polling, webhook} {
		t.Run(m.String(), func(t *testing.T) {
			w := newWorld(t)
			w.start(m)
			const chat = 1001

			w.text(m, chat, "/start")
			w.screen(chat, "Сәлеметсіз бе")
			w.press(m, chat, "Русский")
			w.screen(chat, "Главное меню")
			w.press(m, chat, "Поддержка людей с инвалидностью")
			w.screen(chat, "Поддержка людей с инвалидностью")
			w.press(m, chat, "Пособия")
			w.screen(chat, "Пособия")
			w.press(m, chat, "← Назад")
			w.screen(chat, "Поддержка людей с инвалидностью")

			// One message edited in place, not a chat full of menus.
			if got := len(w.api.Messages(chat)); got != 1 {
				t.Errorf("the chat has %d bot messages, want 1 edited in place", got)
			}
			if w.api.Last(chat).Edits < 4 {
				t.Errorf("the screen was edited %d times, want 4", w.api.Last(chat).Edits)
			}

			// /lang in the middle keeps the place.
			w.text(m, chat, "/lang")
			w.screen(chat, "Тіл: қазақша")
			if !strings.Contains(w.api.Last(chat).Text, "Мүгедектігі бар адамдарға қолдау") {
				t.Errorf("after /lang: %s", w.api.Last(chat).Text)
			}
		})
	}
}

func TestDeepLinkOpensATopic(t *testing.T) {
	for _, m := range []mode{polling, webhook} {
		t.Run(m.String(), func(t *testing.T) {
			w := newWorld(t)
			w.start(m)
			w.text(m, 7, "/start helplines")
			w.screen(7, "Сәлеметсіз бе")
			w.press(m, 7, "Қазақша")
			w.screen(7, "Көмек телефондары")
		})
	}
}

func TestAButtonOnAnOldMessage(t *testing.T) {
	w := newWorld(t)
	w.start(polling)
	const chat = 5
	w.text(polling, chat, "/start")
	w.press(polling, chat, "Русский")
	old := w.screen(chat, "Главное меню")
	w.press(polling, chat, "Дети и семья")
	w.text(polling, chat, "/menu") // a new message; the old one keeps its buttons
	w.screen(chat, "Главное меню")
	w.press(polling, chat, "Работа и занятость")
	w.screen(chat, "Работа и занятость")

	// The Back of the first message belongs to a screen long gone.
	var back string
	for _, row := range old.Buttons {
		for _, b := range row {
			if strings.HasPrefix(b.CallbackData, "b:") {
				back = b.CallbackData
			}
		}
	}
	if back == "" {
		back = "b:family" // the first message showed the main menu, which has no Back
	}
	id, callback := w.api.Press(chat, old.ID, back)
	w.deliver(polling, id)
	w.waitFor(func() bool { return w.api.Answered(callback) }, "the old press to be answered")
	w.waitFor(func() bool {
		for _, msg := range w.api.Messages(chat) {
			if strings.HasPrefix(msg.Text, "Эта кнопка устарела") && strings.Contains(msg.Text, "Работа и занятость") {
				return true
			}
		}
		return false
	}, "a note that the button is out of date, with the current screen")
}

func TestRestartMidConversationKeepsThePlace(t *testing.T) {
	for _, m := range []mode{polling, webhook} {
		t.Run(m.String(), func(t *testing.T) {
			w := newWorld(t)
			first := w.start(m)
			w.text(m, 3, "/start")
			w.press(m, 3, "Қазақша")
			w.press(m, 3, "Балалар және отбасы")
			w.screen(3, "Балалар және отбасы")
			first.stop(t)

			w.start(m)
			w.press(m, 3, "← Артқа")
			w.screen(3, "Басты мәзір")
		})
	}
}

func TestARedeliveredWebhookUpdateIsAnsweredOnce(t *testing.T) {
	w := newWorld(t)
	w.start(webhook)
	id := w.api.SendText(9, "/start", "kk")
	for range 3 {
		if status, err := w.api.Deliver(context.Background(), id); err != nil || status != http.StatusOK {
			t.Fatalf("delivery: %d %v", status, err)
		}
	}
	w.screen(9, "Сәлеметсіз бе")
	if n := len(w.api.Messages(9)); n != 1 {
		t.Fatalf("an update delivered 3 times got %d answers", n)
	}
}

func TestTwoQuickPressesAreHandledInOrder(t *testing.T) {
	for _, m := range []mode{polling, webhook} {
		t.Run(m.String(), func(t *testing.T) {
			w := newWorld(t)
			w.start(m)
			for chat := int64(20); chat < 30; chat++ {
				w.text(m, chat, "/start")
				w.press(m, chat, "Русский")
				w.screen(chat, "Главное меню")
			}
			// Both presses on the same message, at once: handled out of order, the second
			// would open before the first and Back would not lead to the topic.
			var wg sync.WaitGroup
			for chat := int64(20); chat < 30; chat++ {
				msg := w.api.Last(chat)
				a, _ := w.api.Press(chat, msg.ID, "g:disability")
				b, _ := w.api.Press(chat, msg.ID, "g:disability_benefits")
				if m == webhook {
					// Telegram posts one chat's updates one after another; so does this.
					wg.Add(1)
					go func() { defer wg.Done(); w.deliver(m, a); w.deliver(m, b) }()
				}
			}
			wg.Wait()
			for chat := int64(20); chat < 30; chat++ {
				w.screen(chat, "Пособия")
				w.press(m, chat, "← Назад")
				w.screen(chat, "Поддержка людей с инвалидностью")
			}
		})
	}
}

func TestShutdownFinishesUpdatesInHand(t *testing.T) {
	w := newWorld(t)
	r := w.start(polling)
	// Telegram slows every send down: each first try is told to wait a second.
	w.api.FailNext("sendMessage", 30, fakebotapi.Fault{Code: 429, Description: "Too Many Requests: retry after 1", RetryAfter: 1})
	var last int64
	for chat := int64(100); chat < 130; chat++ {
		last = w.api.SendText(chat, "/start", "ru")
	}
	w.waitFor(func() bool { return w.api.CallCount("sendMessage") > 4 }, "sends to begin")
	r.stop(t) // SIGTERM with updates in flight
	for chat := int64(100); chat < 130; chat++ {
		if len(w.api.Messages(chat)) != 1 {
			t.Errorf("chat %d: %d answers after shutdown, want 1", chat, len(w.api.Messages(chat)))
		}
	}
	if got := w.api.Confirmed(); got != last {
		t.Errorf("Telegram was told of updates up to %d, want %d (all handled)", got, last)
	}
	// A new start gets nothing to answer again.
	w.start(polling)
	time.Sleep(500 * time.Millisecond)
	for chat := int64(100); chat < 130; chat++ {
		if n := len(w.api.Messages(chat)); n != 1 {
			t.Errorf("chat %d answered %d times across the restart", chat, n)
		}
	}
}

func TestA429StormDeliversEverything(t *testing.T) {
	for _, m := range []mode{polling, webhook} {
		t.Run(m.String(), func(t *testing.T) {
			w := newWorld(t)
			w.start(m)
			w.api.FailRatio("*", 0.3, fakebotapi.Fault{Code: 429, Description: "Too Many Requests: retry after 1", RetryAfter: 1}, 42)
			var wg sync.WaitGroup
			for chat := int64(200); chat < 215; chat++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					w.text(m, chat, "/start")
				}()
			}
			wg.Wait()
			for chat := int64(200); chat < 215; chat++ {
				w.screen(chat, "Сәлеметсіз бе")
			}
			w.api.ClearFaults()
			if w.api.CallCount("sendMessage") <= 15 {
				t.Error("no send was refused: the storm did not happen")
			}
		})
	}
}

func TestServerErrorsAreRetriedAndBlockedUsersDoNotStopOthers(t *testing.T) {
	w := newWorld(t)
	w.start(polling)
	w.api.FailNext("sendMessage", 3, fakebotapi.Fault{Code: 500, Description: "Internal Server Error"})
	w.api.BlockedBy(300)
	w.api.SendText(300, "/start", "ru") // never answered: the person blocked the bot
	w.text(polling, 301, "/start")
	w.screen(301, "Сәлеметсіз бе")
	w.waitFor(func() bool { return strings.Contains(w.logs.String(), "the user blocked the bot") }, "the block to be logged")
}

func TestWebhookRefusesStrangersAndGarbage(t *testing.T) {
	w := newWorld(t)
	r := w.start(webhook)
	url := "http://" + r.addr + "/telegram/hook"
	id := w.api.SendText(11, "/start", "ru")
	body := w.api.UpdateJSON(id)
	for _, tc := range []struct {
		name, secret string
		body         []byte
		want         int
	}{
		{"no secret", "", body, http.StatusUnauthorized},
		{"wrong secret", "guess", body, http.StatusUnauthorized},
		{"a secret one letter off", secret[:len(secret)-1] + "2", body, http.StatusUnauthorized},
		{"malformed body", secret, []byte("{not json"), http.StatusBadRequest},
		{"not an update", secret, []byte(`{"hello":"world"}`), http.StatusBadRequest},
		{"too large", secret, bytes.Repeat([]byte(" "), 2<<20), http.StatusBadRequest},
	} {
		status, err := w.api.DeliverRaw(context.Background(), url, tc.secret, tc.body)
		if err != nil || status != tc.want {
			t.Errorf("%s: status %d (%v), want %d", tc.name, status, err, tc.want)
		}
	}
	time.Sleep(200 * time.Millisecond)
	if n := len(w.api.Messages(11)); n != 0 {
		t.Fatalf("refused requests were processed: %d messages", n)
	}
}

func TestRedisAwayAndBack(t *testing.T) {
	w := newWorld(t)
	r := w.start(polling)
	w.text(polling, 40, "/start")
	w.press(polling, 40, "Русский")
	w.screen(40, "Главное меню")
	ready := func() int {
		resp, err := http.Get("http://" + r.addr + "/readyz")
		if err != nil {
			return 0
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if ready() != http.StatusOK {
		t.Fatal("not ready with Redis up")
	}
	w.redis.Restart() // keep what was saved
	w.redis.Down()
	w.text(polling, 40, "/menu")
	w.screen(40, "Сервис временно недоступен")
	if got := ready(); got != http.StatusServiceUnavailable {
		t.Errorf("readyz with Redis away: %d", got)
	}
	w.redis.Up()
	w.waitFor(func() bool { return ready() == http.StatusOK }, "readiness to return")
	w.text(polling, 40, "/menu")
	w.screen(40, "Главное меню")
}

func TestCommandsMenuInBothLanguages(t *testing.T) {
	w := newWorld(t)
	w.start(polling)
	w.waitFor(func() bool {
		return len(w.api.Commands("kk")) == 6 && len(w.api.Commands("ru")) == 6 && len(w.api.Commands("")) == 6
	}, "commands to be set")
	want := map[string]string{"kk": "Басынан бастау", "ru": "Начать сначала", "": "Басынан бастау / Начать сначала"}
	forget := map[string]string{"kk": "Бот мен туралы сақтағанның бәрін өшіру", "ru": "Удалить всё, что бот хранит обо мне",
		"": "Бот мен туралы сақтағанның бәрін өшіру / Удалить всё, что бот хранит обо мне"}
	for lang, desc := range want {
		cmds := w.api.Commands(lang)
		if got := cmds[0]; got.Command != "start" || got.Description != desc {
			t.Errorf("%q: first command %+v, want start: %q", lang, got, desc)
		}
		// The features' commands follow the engine's: privacy's /mydata and /forget.
		if cmds[4].Command != "mydata" || cmds[5].Command != "forget" || cmds[5].Description != forget[lang] {
			t.Errorf("%q: the features' commands %+v, want /mydata, then /forget: %q", lang, cmds[4:], forget[lang])
		}
	}
}

func TestHealthMetricsAndNoTokenInLogs(t *testing.T) {
	w := newWorld(t)
	r := w.start(polling)
	w.api.FailNext("*", 2, fakebotapi.Fault{Code: 500, Description: "Internal Server Error"})
	w.text(polling, 50, "/start")
	w.screen(50, "Сәлеметсіз бе")
	metrics := func() string {
		resp, err := http.Get("http://" + r.addr + "/metrics")
		if err != nil {
			return ""
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return string(body)
	}
	wants := []string{
		`qamqor_updates_total{kind="message"} 1`,
		`qamqor_telegram_requests_total{code="200",method="sendMessage"}`,
		`code="500"`,
		`qamqor_update_handling_seconds_count 1`,
	}
	// The figures are recorded just after the reply reaches Telegram: wait for them.
	w.waitFor(func() bool {
		m := metrics()
		for _, want := range wants {
			if !strings.Contains(m, want) {
				return false
			}
		}
		return true
	}, "the metrics to show the update")
	body := metrics()
	if strings.Contains(w.logs.String(), w.api.Token) || strings.Contains(body, w.api.Token) {
		t.Fatal("the bot token appears in the logs or metrics")
	}
}

// grep returns the lines of s that contain substr.
func grep(s, substr string) string {
	var out []string
	for _, line := range strings.Split(s, "\n") {
		if strings.Contains(line, substr) {
			out = append(out, line)
		}
	}
	return strings.Join(out, "\n")
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

// syncBuffer is a log sink safe for the bot's goroutines and the test's reads.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func TestShutdownInWebhookModeAnswersRequestsInHand(t *testing.T) {
	w := newWorld(t)
	r := w.start(webhook)
	w.api.FailNext("sendMessage", 10, fakebotapi.Fault{Code: 429, Description: "Too Many Requests: retry after 1", RetryAfter: 1})
	statuses := make(chan int, 10)
	for chat := int64(600); chat < 610; chat++ {
		id := w.api.SendText(chat, "/start", "kk")
		go func() {
			status, _ := w.api.Deliver(context.Background(), id)
			statuses <- status
		}()
	}
	w.waitFor(func() bool { return w.api.CallCount("sendMessage") >= 4 }, "sends to begin")
	r.stop(t)
	for range 10 {
		if status := <-statuses; status != http.StatusOK {
			t.Errorf("a webhook request in hand at shutdown got %d, want 200 after handling", status)
		}
	}
	for chat := int64(600); chat < 610; chat++ {
		if n := len(w.api.Messages(chat)); n != 1 {
			t.Errorf("chat %d: %d answers", chat, n)
		}
	}
}

// mustRegister adds features to a service, failing the test if they clash.
func mustRegister(t testing.TB, svc *bot.Service, fs ...bot.Feature) {
	t.Helper()
	if err := svc.Register(fs...); err != nil {
		t.Fatal(err)
	}
}
