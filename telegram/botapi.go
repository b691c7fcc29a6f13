package telegram

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"

	tg "github.com/go-telegram/bot"
	"github.com/qamqor/qamqor/bot"
)

// botAPI makes the Bot API calls of a common update itself: sendMessage, editMessageText
// and answerCallbackQuery (and the broadcaster's sendMessage). go-telegram/bot sends every
// call as a multipart form streamed through a pipe, chunked: an answerCallbackQuery took 5
// write syscalls and an editMessageText 11, plus a goroutine and the form's allocations,
// about a quarter of the bot's CPU per update. Here the body is JSON (which the Bot API
// takes as well as forms), encoded into a pooled buffer and sent with its Content-Length,
// so the request goes out in one write. Everything else (getMe, setWebhook, setMyCommands,
// getFile, sendPhoto, sendDocument...) still goes through go-telegram/bot: those are rare,
// or uploads, where a form is what the API wants.
//
// Failures come back as go-telegram/bot's errors (tg.ErrorBadRequest, tg.ErrorForbidden,
// *tg.TooManyRequestsError, ...), worded as it words them, so the sender's retry rules
// treat both paths alike; the requests go through the same client, so the metrics count
// them alike, and no error carries the token.
type botAPI struct {
	client *http.Client
	base   string // the API URL, "/bot", the token and "/": a method's name follows
	token  string
}

func newBotAPI(client *http.Client, apiURL, token string) *botAPI {
	return &botAPI{client: client, base: apiURL + "/bot" + token + "/", token: token}
}

// The bodies of the calls botAPI makes, with the fields Qamqor uses.
type (
	sendMessageBody struct {
		ChatID      int64         `json:"chat_id"`
		Text        string        `json:"text"`
		ReplyMarkup *jsonKeyboard `json:"reply_markup,omitempty"`
	}
	editMessageTextBody struct {
		ChatID      int64         `json:"chat_id"`
		MessageID   int           `json:"message_id"`
		Text        string        `json:"text"`
		ReplyMarkup *jsonKeyboard `json:"reply_markup,omitempty"`
	}
	answerCallbackQueryBody struct {
		CallbackQueryID string `json:"callback_query_id"`
	}
)

// jsonKeyboard is an inline keyboard with only the fields buttons use, so the body carries
// no empty ones (models.InlineKeyboardButton always writes copy_text).
type jsonKeyboard struct {
	InlineKeyboard [][]jsonButton `json:"inline_keyboard"`
}

type jsonButton struct {
	Text         string `json:"text"`
	CallbackData string `json:"callback_data,omitempty"`
	URL          string `json:"url,omitempty"`
}

// jsonButtons is rows as an inline keyboard; nil without rows, so the field is left out.
func jsonButtons(rows [][]bot.Button) *jsonKeyboard {
	if len(rows) == 0 {
		return nil
	}
	kb := &jsonKeyboard{InlineKeyboard: make([][]jsonButton, len(rows))}
	for i, row := range rows {
		r := make([]jsonButton, len(row))
		for j, b := range row {
			r[j] = jsonButton{Text: b.Label, CallbackData: b.Data, URL: b.URL}
		}
		kb.InlineKeyboard[i] = r
	}
	return kb
}

// buffers hold request and response bodies between calls.
var buffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// maxPooledBuffer: a buffer grown past this (a long message) is left to the collector.
const maxPooledBuffer = 64 << 10

func putBuffer(b *bytes.Buffer) {
	if b.Cap() <= maxPooledBuffer {
		b.Reset()
		buffers.Put(b)
	}
}

var jsonContentType = []string{"application/json"}

// okPrefix begins every answer of a call that succeeded.
var okPrefix = []byte(`{"ok":true`)

// answer is the envelope of every Bot API answer, without its result: none of the calls
// botAPI makes needs it.
type answer struct {
	OK          bool   `json:"ok"`
	Description string `json:"description"`
	ErrorCode   int    `json:"error_code"`
	Parameters  struct {
		RetryAfter      int `json:"retry_after"`
		MigrateToChatID int `json:"migrate_to_chat_id"`
	} `json:"parameters"`
}

// call posts params as JSON to method and reports how Telegram answered.
func (a *botAPI) call(ctx context.Context, method string, params any) error {
	buf := buffers.Get().(*bytes.Buffer)
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false) // the texts' < > & stay as they are, as a form would carry them
	err := enc.Encode(params)
	// The request gets a copy of its own, of the exact size: the transport may still be
	// writing it after the answer came (an early refusal), when the buffer is someone
	// else's. A *bytes.Reader also tells net/http the body is in memory, so it does not
	// flush the headers before it (a write of their own) and sends a Content-Length.
	body := bytes.NewReader(bytes.Clone(buf.Bytes()))
	putBuffer(buf)
	if err != nil {
		return fmt.Errorf("error encode request for method %s, %w", method, err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, a.base+method, body)
	if err != nil {
		return fmt.Errorf("error create request for method %s, %s", method, a.redact(err.Error()))
	}
	req.Header["Content-Type"] = jsonContentType
	resp, err := a.client.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			ue.URL = a.redact(ue.URL)
		}
		return fmt.Errorf("error do request for method %s, %w", method, err)
	}
	defer resp.Body.Close()

	out := buffers.Get().(*bytes.Buffer)
	defer putBuffer(out)
	if _, err := out.ReadFrom(resp.Body); err != nil {
		return fmt.Errorf("error read response body for method %s, %w", method, err)
	}
	// Telegram answers a call that succeeded with HTTP 200 and {"ok":true,"result":...}:
	// the result (for an edit, the whole message again) is never read, so it is not
	// decoded either — scanning it was half of what reading answers cost.
	if resp.StatusCode == http.StatusOK && bytes.HasPrefix(out.Bytes(), okPrefix) {
		return nil
	}
	var r answer
	if err := json.Unmarshal(out.Bytes(), &r); err != nil {
		return fmt.Errorf("error decode response body for method %s, %s, %w", method, a.redact(out.String()), err)
	}
	if r.OK {
		return nil
	}
	return apiFailure(method, &r)
}

// apiFailure is the error go-telegram/bot returns for a refusal, worded the same.
func apiFailure(method string, r *answer) error {
	switch r.ErrorCode {
	case http.StatusForbidden:
		return fmt.Errorf("%w, %s", tg.ErrorForbidden, r.Description)
	case http.StatusBadRequest:
		if r.Parameters.MigrateToChatID != 0 {
			return &tg.MigrateError{
				Message:         fmt.Sprintf("%s: %s", tg.ErrorBadRequest, r.Description),
				MigrateToChatID: r.Parameters.MigrateToChatID,
			}
		}
		return fmt.Errorf("%w, %s", tg.ErrorBadRequest, r.Description)
	case http.StatusUnauthorized:
		return fmt.Errorf("%w, %s", tg.ErrorUnauthorized, r.Description)
	case http.StatusNotFound:
		return fmt.Errorf("%w, %s", tg.ErrorNotFound, r.Description)
	case http.StatusConflict:
		return fmt.Errorf("%w, %s", tg.ErrorConflict, r.Description)
	case http.StatusTooManyRequests:
		return &tg.TooManyRequestsError{
			Message:    fmt.Sprintf("%s, %s", tg.ErrorTooManyRequests, r.Description),
			RetryAfter: r.Parameters.RetryAfter,
		}
	}
	return fmt.Errorf("error response from telegram for method %s, %d %s", method, r.ErrorCode, r.Description)
}

func (a *botAPI) redact(s string) string { return strings.ReplaceAll(s, a.token, "***") }
