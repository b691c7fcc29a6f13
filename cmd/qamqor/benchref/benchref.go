// Package benchref is the reference `qamqor bench` measures Qamqor against: the least a Go
// bot can do for each of the bench's updates. It decodes the update, writes the chat's
// state with one Redis compare-and-set (a Lua script, as store.Sessions does), and answers
// as Qamqor answers a pressed button — answerCallbackQuery, then editMessageText with a
// text and keyboard of a real Qamqor screen — or a typed message with sendMessage.
//
// It has none of what Qamqor adds: no journal of updates, no content, engine, statistics
// or retries. Requests are JSON with a Content-Length on kept-alive connections; each
// chat's updates go to one worker, which keeps the chat's last version in a plain map.
package benchref

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"
)

// Screen is the text and keyboard the bot answers with (Qamqor's, measured by the bench).
type Screen struct {
	Text    string
	Buttons [][]string // the buttons' labels, row by row
}

// Config is what the reference bot needs.
type Config struct {
	APIURL, Token string // the Bot API, as Qamqor's TELEGRAM_API_URL and TELEGRAM_BOT_TOKEN
	Redis         redis.UniversalClient
	Workers       int
	Screen        Screen
	TTL           time.Duration // of the chat's state, as SESSION_TTL

	// Webhook mode when WebhookURL is set: it registers the URL and serves it on
	// WebhookAddr; otherwise it polls.
	WebhookURL, WebhookAddr, WebhookSecret string
	MaxConnections                         int

	Handled *atomic.Int64 // counts the updates answered, when set
}

// casScript writes a chat's state only over the version the caller read; otherwise it
// returns the stored value, so a retry needs no other read (store.Sessions' script).
var casScript = redis.NewScript(`
local cur = redis.call('GET', KEYS[1])
local ver = 0
if cur then ver = tonumber(string.match(cur, '^(%d+):')) or 0 end
if ver ~= tonumber(ARGV[1]) then
  if cur then return cur end
  return ''
end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
return 1
`)

// The state written per update: about the size of a Qamqor session (160 bytes).
const statePadding = `{"lang":"ru","node":"services.disability","path":["menu","services"],"answers":{"age":"36"},"seen":[812345670,812345671,812345672]}`

// update is what the bot reads of an update.
type update struct {
	ID      int64 `json:"update_id"`
	Message *struct {
		Chat struct {
			ID int64 `json:"id"`
		} `json:"chat"`
		Text string `json:"text"`
	} `json:"message"`
	Callback *struct {
		ID      string `json:"id"`
		Data    string `json:"data"`
		Message *struct {
			ID   int64 `json:"message_id"`
			Chat struct {
				ID int64 `json:"id"`
			} `json:"chat"`
		} `json:"message"`
	} `json:"callback_query"`
}

func (u *update) chat() int64 {
	switch {
	case u.Callback != nil && u.Callback.Message != nil:
		return u.Callback.Message.Chat.ID
	case u.Message != nil:
		return u.Message.Chat.ID
	}
	return 0
}

type button struct {
	Text string `json:"text"`
	Data string `json:"callback_data"`
}

type markup struct {
	Keyboard [][]button `json:"inline_keyboard"`
}

type bot struct {
	cfg      Config
	client   *http.Client
	base     string
	keyboard markup
	bufs     sync.Pool
}

// Run runs the bot until ctx ends.
func Run(ctx context.Context, cfg Config) error {
	if cfg.Workers < 1 {
		cfg.Workers = 16
	}
	if cfg.TTL <= 0 {
		cfg.TTL = 720 * time.Hour
	}
	b := &bot{
		cfg:  cfg,
		base: cfg.APIURL + "/bot" + cfg.Token + "/",
		client: &http.Client{Transport: &http.Transport{
			MaxIdleConnsPerHost: cfg.Workers + cfg.MaxConnections + 2,
			IdleConnTimeout:     90 * time.Second,
		}},
		bufs: sync.Pool{New: func() any { return new(bytes.Buffer) }},
	}
	n := 0
	for _, labels := range cfg.Screen.Buttons {
		row := make([]button, len(labels))
		for i, label := range labels {
			row[i] = button{Text: label, Data: "r:" + strconv.Itoa(n)}
			n++
		}
		b.keyboard.Keyboard = append(b.keyboard.Keyboard, row)
	}
	if len(b.keyboard.Keyboard) == 0 {
		b.keyboard.Keyboard = [][]button{{{Text: "Кнопка 1", Data: "r:0"}}}
	}
	defer b.client.CloseIdleConnections()
	if cfg.WebhookURL != "" {
		return b.serveWebhook(ctx)
	}
	return b.poll(ctx)
}

// poll moves the offset past every update it is given: an update is downloaded once.
func (b *bot) poll(ctx context.Context) error {
	queues := make([]chan update, b.cfg.Workers)
	var workers sync.WaitGroup
	for i := range queues {
		queues[i] = make(chan update, 256)
		versions := map[int64]int64{}
		workers.Go(func() {
			for u := range queues[i] {
				b.handle(ctx, versions, &u)
			}
		})
	}
	defer func() {
		for _, q := range queues {
			close(q)
		}
		workers.Wait()
	}()
	var offset int64
	for ctx.Err() == nil {
		var answer struct {
			OK     bool     `json:"ok"`
			Result []update `json:"result"`
		}
		err := b.call(ctx, "getUpdates", map[string]int64{"offset": offset, "limit": 100, "timeout": 30}, &answer)
		if err != nil {
			if ctx.Err() != nil {
				break
			}
			time.Sleep(100 * time.Millisecond)
			continue
		}
		for _, u := range answer.Result {
			offset = max(offset, u.ID+1)
			chat := u.chat()
			queues[uint64(chat)%uint64(len(queues))] <- u
		}
	}
	return nil
}

// serveWebhook registers the webhook and handles each posted update in its request.
func (b *bot) serveWebhook(ctx context.Context) error {
	path := "/"
	if u, err := url.Parse(b.cfg.WebhookURL); err == nil && u.Path != "" {
		path = u.Path
	}
	var mu sync.Mutex
	versions := map[int64]int64{} // shared by the requests, so under a lock
	mux := http.NewServeMux()
	mux.HandleFunc("POST "+path, func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-Telegram-Bot-Api-Secret-Token") != b.cfg.WebhookSecret {
			http.Error(w, "forbidden", http.StatusForbidden)
			return
		}
		var u update
		if err := json.NewDecoder(r.Body).Decode(&u); err != nil {
			http.Error(w, "bad update", http.StatusBadRequest)
			return
		}
		b.handleLocked(r.Context(), &mu, versions, &u)
	})
	l, err := net.Listen("tcp", b.cfg.WebhookAddr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(l) }()
	hook := map[string]any{"url": b.cfg.WebhookURL, "secret_token": b.cfg.WebhookSecret, "max_connections": max(1, b.cfg.MaxConnections)}
	if err := b.call(ctx, "setWebhook", hook, nil); err != nil {
		_ = srv.Close()
		return fmt.Errorf("setWebhook: %w", err)
	}
	select {
	case <-ctx.Done():
	case err := <-served:
		return err
	}
	shut, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return srv.Shutdown(shut)
}

func (b *bot) handleLocked(ctx context.Context, mu *sync.Mutex, versions map[int64]int64, u *update) {
	chat := u.chat()
	mu.Lock()
	ver := versions[chat]
	mu.Unlock()
	next := b.write(ctx, chat, ver)
	mu.Lock()
	versions[chat] = next
	mu.Unlock()
	b.answer(ctx, chat, next, u)
	b.count()
}

func (b *bot) count() {
	if b.cfg.Handled != nil {
		b.cfg.Handled.Add(1)
	}
}

func (b *bot) handle(ctx context.Context, versions map[int64]int64, u *update) {
	chat := u.chat()
	next := b.write(ctx, chat, versions[chat])
	versions[chat] = next
	b.answer(ctx, chat, next, u)
	b.count()
}

// write sets the chat's state over version ver and returns the version written; when
// another version is stored, it retries over that one.
func (b *bot) write(ctx context.Context, chat, ver int64) int64 {
	key := "benchref:" + strconv.FormatInt(chat, 10)
	ttl := strconv.FormatInt(b.cfg.TTL.Milliseconds(), 10)
	for range 5 {
		next := ver + 1
		value := strconv.FormatInt(next, 10) + ":" + statePadding
		res, err := casScript.Run(ctx, b.cfg.Redis, []string{key}, strconv.FormatInt(ver, 10), value, ttl).Result()
		if err != nil {
			return ver
		}
		if n, ok := res.(int64); ok && n == 1 {
			return next
		}
		stored, _ := res.(string)
		ver = 0
		if i := bytes.IndexByte([]byte(stored), ':'); i > 0 {
			ver, _ = strconv.ParseInt(stored[:i], 10, 64)
		}
	}
	return ver
}

// answer replies as Qamqor does: a pressed button is answered and its message edited, a
// typed message gets a new one. The version in the text keeps each edit a change.
func (b *bot) answer(ctx context.Context, chat, ver int64, u *update) {
	text := b.cfg.Screen.Text + "\n" + strconv.FormatInt(ver, 10)
	switch {
	case u.Callback != nil && u.Callback.Message != nil:
		_ = b.call(ctx, "answerCallbackQuery", struct {
			ID string `json:"callback_query_id"`
		}{u.Callback.ID}, nil)
		_ = b.call(ctx, "editMessageText", struct {
			Chat    int64  `json:"chat_id"`
			Message int64  `json:"message_id"`
			Text    string `json:"text"`
			Markup  markup `json:"reply_markup"`
		}{chat, u.Callback.Message.ID, text, b.keyboard}, nil)
	case u.Message != nil:
		_ = b.call(ctx, "sendMessage", struct {
			Chat   int64  `json:"chat_id"`
			Text   string `json:"text"`
			Markup markup `json:"reply_markup"`
		}{chat, text, b.keyboard}, nil)
	}
}

// call posts one method as JSON with a Content-Length, decoding the answer into out (nil:
// only its status matters).
func (b *bot) call(ctx context.Context, method string, params, out any) error {
	buf := b.bufs.Get().(*bytes.Buffer)
	buf.Reset()
	defer b.bufs.Put(buf)
	if err := json.NewEncoder(buf).Encode(params); err != nil {
		return err
	}
	deadline := 10 * time.Second
	if method == "getUpdates" {
		deadline = 40 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, deadline)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, b.base+method, bytes.NewReader(buf.Bytes()))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := b.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if out == nil {
		_, _ = io.Copy(io.Discard, resp.Body)
	} else if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return errors.New(method + ": " + resp.Status)
	}
	return nil
}
