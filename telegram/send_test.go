package telegram

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	tg "github.com/go-telegram/bot"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/qamqor/qamqor/internal/fakebotapi"
)

// refusingSender is a sender whose first refusals dials are refused, as when Telegram (or
// the network) is not there: nothing of the request goes out.
func refusingSender(t *testing.T, api *fakebotapi.Server, refusals int32) (*sender, *atomic.Int32) {
	t.Helper()
	closed, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	refused := closed.Addr().String()
	closed.Close() // nothing listens there now: a dial to it is refused
	var dials atomic.Int32
	transport := &http.Transport{
		DisableKeepAlives: true, // every try dials
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			if dials.Add(1) <= refusals {
				addr = refused
			}
			return (&net.Dialer{}).DialContext(ctx, network, addr)
		},
	}
	calls := prometheus.NewCounterVec(prometheus.CounterOpts{Name: "calls"}, []string{"method", "code"})
	client := &http.Client{Transport: &countingTransport{base: transport, calls: calls}}
	b, err := tg.New(api.Token, tg.WithServerURL(api.URL), tg.WithSkipGetMe(), tg.WithHTTPClient(time.Second, client))
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	return &sender{api: b, direct: newBotAPI(client, api.URL, api.Token), log: log, maxBackoff: 10 * time.Millisecond, requestTimeout: time.Second}, &dials
}

func TestANewMessageIsSentAgainWhenItsConnectionWasRefused(t *testing.T) {
	api := fakebotapi.Start(t)
	api.Started(5)
	s, dials := refusingSender(t, api, 2)
	if err := s.send(context.Background(), 5, "hello", nil); err != nil {
		t.Fatal(err)
	}
	if got := dials.Load(); got != 3 {
		t.Errorf("%d dials, want 2 refused and 1 that went through", got)
	}
	if msgs := api.Messages(5); len(msgs) != 1 || msgs[0].Text != "hello" {
		t.Errorf("the person sees %+v, want one hello", msgs)
	}
}

func TestEveryWaitBetweenTriesEndsWithTheContext(t *testing.T) {
	api := fakebotapi.Start(t)
	api.Started(6)
	s, _ := refusingSender(t, api, 0)
	api.FailNext("sendMessage", 1, fakebotapi.FaultTooManyRequests(50)) // under the cap: waited out
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.send(ctx, 6, "hello", nil) }()
	api.WaitFor(t, 5*time.Second, func() bool { return api.CallCount("sendMessage") == 1 }, "the first try")
	cancel()
	select {
	case err := <-done:
		if err == nil {
			t.Fatal("the send reported success after its context ended")
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the send still waits out retry_after after its context ended")
	}
	if n := len(api.Messages(6)); n != 0 {
		t.Errorf("%d messages sent after the context ended", n)
	}
}
