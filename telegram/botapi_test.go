package telegram

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/png"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	tg "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/qamqor/qamqor/bot"
	"github.com/qamqor/qamqor/internal/fakebotapi"
)

// countingConn counts the writes made on a connection.
type countingConn struct {
	net.Conn
	writes *atomic.Int32
}

func (c countingConn) Write(p []byte) (int, error) {
	c.writes.Add(1)
	return c.Conn.Write(p)
}

// countingSender is a sender wired as New wires one (the same transport settings, both
// paths), whose connections count their writes.
func countingSender(t *testing.T, api *fakebotapi.Server) (*sender, *atomic.Int32, *prometheus.CounterVec) {
	t.Helper()
	var writes atomic.Int32
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.WriteBufferSize = requestBufferSize
	transport.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := (&net.Dialer{}).DialContext(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		return countingConn{Conn: c, writes: &writes}, nil
	}
	calls := prometheus.NewCounterVec(prometheus.CounterOpts{Name: "calls"}, []string{"method", "code"})
	client := &http.Client{Transport: &countingTransport{base: transport, calls: calls}}
	b, err := tg.New(api.Token, tg.WithServerURL(api.URL), tg.WithSkipGetMe(), tg.WithHTTPClient(time.Second, client))
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	s := &sender{api: b, direct: newBotAPI(client, api.URL, api.Token), log: log, maxBackoff: 10 * time.Millisecond,
		requestTimeout: 5 * time.Second, renders: make(chan struct{}, 1)}
	return s, &writes, calls
}

// writesOf runs f and returns how many writes it made.
func writesOf(t *testing.T, writes *atomic.Int32, f func() error) int32 {
	t.Helper()
	before := writes.Load()
	if err := f(); err != nil {
		t.Fatal(err)
	}
	return writes.Load() - before
}

// TestTheCallsOfAnUpdateGoOutAsJSONInOneWrite sends a message with buttons, edits it as a
// button press does, and answers the press, in Kazakh and in Russian, the longest text a
// message takes among them: each request goes out as JSON with its Content-Length, in one
// write, and the person sees the texts and the buttons.
func TestTheCallsOfAnUpdateGoOutAsJSONInOneWrite(t *testing.T) {
	api := fakebotapi.Start(t)
	s, writes, _ := countingSender(t, api)
	ctx := context.Background()
	const chat = 71
	api.Started(chat)
	buttons := [][]bot.Button{
		{{Label: "Жәрдемақы түрлері", Data: "screen:benefits"}, {Label: "Пособия", Data: "screen:benefits_ru"}},
		{{Label: "egov.kz", URL: "https://egov.kz/"}},
	}
	// A warm-up call opens the connection, so that what follows counts only requests.
	if err := s.send(ctx, chat, "Сәлеметсіз бе! <Қамқор> & «көмек»", jsonButtons(buttons)); err != nil {
		t.Fatal(err)
	}
	first := api.Last(chat)

	// A message as long as Telegram takes: 4,096 Kazakh letters and spaces, 7.5 KB.
	long := string([]rune(strings.Repeat("Мүгедектігі бар адамға арналған жәрдемақы. ", 100))[:maxMessage])
	cases := []struct {
		name string
		call func() error
		text string
	}{
		{"sendMessage, Russian", func() error {
			return s.send(ctx, chat, "Здравствуйте! Выберите, что вас интересует:", jsonButtons(buttons))
		}, "Здравствуйте! Выберите, что вас интересует:"},
		{"editMessageText, Kazakh, 4096 characters", func() error {
			_, err := s.edit(ctx, chat, first.ID, long, jsonButtons(buttons))
			return err
		}, long},
		{"answerCallbackQuery", func() error {
			_, callbackID := api.Press(chat, first.ID, "screen:benefits")
			return s.answer(ctx, callbackID)
		}, ""},
	}
	for _, c := range cases {
		if n := writesOf(t, writes, c.call); n != 1 {
			t.Errorf("%s: %d writes, want 1", c.name, n)
		}
	}
	for _, method := range []string{"sendMessage", "editMessageText", "answerCallbackQuery"} {
		for _, call := range api.Calls(method) {
			if call.ContentType != "application/json" || call.ContentLength <= 0 || call.Chunked {
				t.Errorf("%s came as %q, Content-Length %d, chunked %v; want JSON with its length", method, call.ContentType, call.ContentLength, call.Chunked)
			}
		}
	}
	msgs := api.Messages(chat)
	if len(msgs) != 2 {
		t.Fatalf("the person sees %d messages, want 2: %+v", len(msgs), msgs)
	}
	if msgs[0].Text != long || msgs[1].Text != "Здравствуйте! Выберите, что вас интересует:" {
		t.Errorf("texts %q…, %q; want the long Kazakh edit and the Russian message", msgs[0].Text[:40], msgs[1].Text)
	}
	for _, m := range msgs {
		if len(m.Buttons) != 2 || m.Buttons[0][0].Text != "Жәрдемақы түрлері" || m.Buttons[0][1].CallbackData != "screen:benefits_ru" || m.Buttons[1][0].URL != "https://egov.kz/" {
			t.Errorf("buttons %+v, want both languages' and the link", m.Buttons)
		}
	}
	if got := api.Calls("answerCallbackQuery"); len(got) != 1 || got[0].Code != 200 {
		t.Errorf("answerCallbackQuery calls %+v, want one answered", got)
	}
}

// TestOtherCallsStillGoThroughTheLibrary sends a picture: it goes as go-telegram/bot sends
// it, a multipart form, and arrives.
func TestOtherCallsStillGoThroughTheLibrary(t *testing.T) {
	api := fakebotapi.Start(t)
	s, _, calls := countingSender(t, api)
	const chat = 72
	api.Started(chat)
	png := smallPNG(t)
	markup := &models.InlineKeyboardMarkup{InlineKeyboard: [][]models.InlineKeyboardButton{{{Text: "Артқа", CallbackData: "back"}}}}
	if err := s.photo(context.Background(), chat, bot.Image{PNG: png}, "Кесте / Таблица", markup); err != nil {
		t.Fatal(err)
	}
	got := api.Calls("sendPhoto")
	if len(got) != 1 || got[0].ContentType != "multipart/form-data" {
		t.Fatalf("sendPhoto calls %+v, want one multipart form", got)
	}
	if m := api.Last(chat); m.Photo == nil || m.Photo.Caption != "Кесте / Таблица" || len(m.Buttons) != 1 {
		t.Errorf("the person sees %+v, want the picture with its caption and button", m)
	}
	if n := counted(t, calls, "sendPhoto", "200"); n != 1 {
		t.Errorf("sendPhoto counted %v times with 200, want 1", n)
	}
}

// TestJSONCallsFailAsTheLibrarysDo checks that a refusal on the JSON path is the error the
// sender's retry rules know from go-telegram/bot, and is counted in the metrics.
func TestJSONCallsFailAsTheLibrarysDo(t *testing.T) {
	api := fakebotapi.Start(t)
	s, _, calls := countingSender(t, api)
	ctx := context.Background()
	const chat = 73
	api.Started(chat)
	body := &sendMessageBody{ChatID: chat, Text: "Сәлем"}

	api.FailNext("sendMessage", 1, fakebotapi.FaultTooManyRequests(7))
	var tooMany *tg.TooManyRequestsError
	if err := s.direct.call(ctx, "sendMessage", body); !errors.As(err, &tooMany) || tooMany.RetryAfter != 7 {
		t.Errorf("429: %v, want a TooManyRequestsError asking for 7 s", err)
	}
	api.FailNext("sendMessage", 1, fakebotapi.FaultBlocked())
	if err := s.direct.call(ctx, "sendMessage", body); !errors.Is(err, tg.ErrorForbidden) {
		t.Errorf("403: %v, want ErrorForbidden", err)
	}
	if err := s.direct.call(ctx, "editMessageText", &editMessageTextBody{ChatID: chat, MessageID: 999, Text: "x"}); !errors.Is(err, tg.ErrorBadRequest) || !strings.Contains(err.Error(), "message to edit not found") {
		t.Errorf("400: %v, want ErrorBadRequest with Telegram's description", err)
	}
	api.FailNext("sendMessage", 1, fakebotapi.FaultInternal())
	err := s.direct.call(ctx, "sendMessage", body)
	if err == nil || errors.Is(err, tg.ErrorBadRequest) || strings.Contains(err.Error(), api.Token) {
		t.Errorf("500: %v, want an error the sender retries, without the token", err)
	}
	// Through the sender: the 5xx and the 429 are tried again, and the message arrives once.
	api.FailNext("sendMessage", 1, fakebotapi.FaultInternal())
	api.FailNext("sendMessage", 1, fakebotapi.FaultTooManyRequests(1))
	if err := s.send(ctx, chat, "Қайта / Снова", nil); err != nil {
		t.Fatal(err)
	}
	if msgs := api.Messages(chat); len(msgs) != 1 || msgs[0].Text != "Қайта / Снова" {
		t.Errorf("the person sees %+v, want the one message", msgs)
	}
	for code, want := range map[string]float64{"429": 2, "403": 1, "500": 2, "200": 1} {
		if n := counted(t, calls, "sendMessage", code); n != want {
			t.Errorf("sendMessage counted %v times with %s, want %v", n, code, want)
		}
	}
}

// TestANetworkErrorDoesNotCarryTheToken: the request's URL holds the token.
func TestANetworkErrorDoesNotCarryTheToken(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	a := newBotAPI(http.DefaultClient, "http://"+addr, "123:secret-token")
	err = a.call(context.Background(), "sendMessage", &sendMessageBody{ChatID: 1, Text: "x"})
	if err == nil || strings.Contains(err.Error(), "secret-token") {
		t.Errorf("err = %v, want a refusal without the token", err)
	}
}

func counted(t *testing.T, calls *prometheus.CounterVec, method, code string) float64 {
	t.Helper()
	c, err := calls.GetMetricWithLabelValues(method, code)
	if err != nil {
		t.Fatal(err)
	}
	var m dto.Metric
	if err := c.Write(&m); err != nil {
		t.Fatal(err)
	}
	return m.GetCounter().GetValue()
}

func smallPNG(t *testing.T) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewGray(image.Rect(0, 0, 20, 20))); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
