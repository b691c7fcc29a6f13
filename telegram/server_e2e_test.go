package telegram_test

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/qamqor/qamqor/bot"
	"github.com/qamqor/qamqor/telegram"
)

// The HTTP server against clients that are slow, idle or say too much; its flood test,
// with a limit of open files, is in cmd/qamqor.

// rawRequest writes request on a new connection to addr and returns the status line of
// the answer, "" when none came within wait.
func rawRequest(t *testing.T, addr, request string, wait time.Duration) string {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	go func() { _, _ = io.WriteString(c, request) }()
	_ = c.SetReadDeadline(time.Now().Add(wait))
	line, _ := bufio.NewReader(c).ReadString('\n')
	return strings.TrimSpace(line)
}

func TestTheServerShedsSlowAndOversizedRequests(t *testing.T) {
	w := newWorld(t)
	r := w.start(webhook)
	post := "POST /telegram/hook HTTP/1.1\r\nHost: bot\r\nContent-Type: application/json\r\n"

	// Without the secret: 401 at once, though the body has not come (and never will).
	if got := rawRequest(t, r.addr, post+"Content-Length: 100000\r\n\r\n", 3*time.Second); !strings.HasPrefix(got, "HTTP/1.1 401") {
		t.Errorf("a stranger's request whose body is still to come: %q, want 401 at once", got)
	}
	// Headers of a megabyte: refused after the first few kilobytes.
	huge := post + "X-Pad: " + strings.Repeat("a", 1<<20) + "\r\n\r\n"
	if got := rawRequest(t, r.addr, huge, 3*time.Second); !strings.HasPrefix(got, "HTTP/1.1 431") {
		t.Errorf("1 MB of headers: %q, want 431", got)
	}
	// A connection that sends nothing, or stops halfway through its headers, is closed.
	for name, request := range map[string]string{"idle": "", "half a request": post} {
		c, err := net.Dial("tcp", r.addr)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.WriteString(c, request)
		_ = c.SetReadDeadline(time.Now().Add(15 * time.Second))
		start := time.Now()
		_, err = io.ReadAll(c)
		c.Close()
		if err != nil {
			t.Errorf("%s: the connection is still open after %v (%v)", name, time.Since(start).Round(time.Second), err)
		}
	}
	// With the secret, a body that stops halfway is given up too.
	withSecret := post + "X-Telegram-Bot-Api-Secret-Token: " + secret + "\r\nContent-Length: 1000\r\n\r\n{\"update_id\":"
	if got := rawRequest(t, r.addr, withSecret, 30*time.Second); !strings.HasPrefix(got, "HTTP/1.1 400") {
		t.Errorf("a body that never ends: %q, want 400 once the server stops waiting", got)
	}
	// And the webhook works as before.
	w.text(webhook, 801, "/start")
	w.screen(801, "Сәлеметсіз бе")
}

// slowHandler answers every input after release is closed, and then counts it handled.
type slowHandler struct {
	release chan struct{}
	handled *atomic.Int32
}

func (b slowHandler) Handle(context.Context, int64, bot.Input) bot.Result {
	<-b.release
	if b.handled != nil {
		b.handled.Add(1)
	}
	return bot.Result{Replies: []bot.Reply{{Text: "Done at last"}}}
}

func TestAWebhookUpdateThatTakesLongGets503AndStillFinishes(t *testing.T) {
	t.Cleanup(telegram.SetWebhookAnswerTimeout(time.Second)) // after the bot has stopped
	w := newWorld(t)
	h := slowHandler{release: make(chan struct{})}
	w.startWith(webhook, h)
	id := w.api.SendText(802, "/start", "ru")
	status, err := w.api.Deliver(context.Background(), id)
	if err != nil || status != http.StatusServiceUnavailable {
		t.Fatalf("an update still being handled: status %d (%v), want 503 so that Telegram delivers it again", status, err)
	}
	if !strings.Contains(w.logs.String(), "an update is taking long") {
		t.Error("the log does not say an update is taking long")
	}
	close(h.release)
	w.screen(802, "Done at last")
}

func TestAWebhookUpdateIsAnsweredOnlyOnceHandledEvenPastTheReadTimeout(t *testing.T) {
	// A whole request must be in within the read timeout; handling it may take longer, and
	// Telegram's 200 still waits for its end (net/http's read deadline would otherwise end
	// the request's context, and the answer would go before the update is handled).
	t.Cleanup(telegram.SetReadTimeout(500 * time.Millisecond))
	w := newWorld(t)
	h := slowHandler{release: make(chan struct{}), handled: &atomic.Int32{}}
	w.startWith(webhook, h)
	time.AfterFunc(2*time.Second, func() { close(h.release) })
	id := w.api.SendText(803, "/start", "ru")
	status, err := w.api.Deliver(context.Background(), id)
	if err != nil || status != http.StatusOK {
		t.Fatalf("status %d (%v), want 200 once handled", status, err)
	}
	// Handled, that is: the Handler is done (its session written). Its replies go after.
	if h.handled.Load() != 1 {
		t.Fatal("Telegram got its 200 before the update was handled")
	}
	w.waitFor(func() bool { return w.api.Last(803).Text == "Done at last" }, "the reply")
}
