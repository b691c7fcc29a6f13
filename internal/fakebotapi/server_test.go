package fakebotapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/qamqor/qamqor/internal/fakebotapi"
)

const chatID = int64(4242)

// newClient is the real go-telegram/bot client pointed at srv.
func newClient(t *testing.T, srv *fakebotapi.Server, opts ...bot.Option) *bot.Bot {
	t.Helper()
	opts = append([]bot.Option{bot.WithServerURL(srv.URL), bot.WithSkipGetMe()}, opts...)
	b, err := bot.New(srv.Token, opts...)
	if err != nil {
		t.Fatalf("bot.New: %v", err)
	}
	return b
}

func keyboard(rows ...[]models.InlineKeyboardButton) *models.InlineKeyboardMarkup {
	return &models.InlineKeyboardMarkup{InlineKeyboard: rows}
}

func button(text, data string) models.InlineKeyboardButton {
	return models.InlineKeyboardButton{Text: text, CallbackData: data}
}

// apiAnswer is a Bot API answer as it comes over the wire.
type apiAnswer struct {
	OK          bool            `json:"ok"`
	Result      json.RawMessage `json:"result"`
	ErrorCode   int             `json:"error_code"`
	Description string          `json:"description"`
	Parameters  *struct {
		RetryAfter int `json:"retry_after"`
	} `json:"parameters"`
}

// post sends a request with the given content type and returns the HTTP status and answer.
func post(ctx context.Context, endpoint, contentType string, body []byte) (int, apiAnswer, error) {
	var answer apiAnswer
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, bytes.NewReader(body))
	if err != nil {
		return 0, answer, err
	}
	req.Header.Set("Content-Type", contentType)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, answer, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, answer, err
	}
	if err := json.Unmarshal(data, &answer); err != nil {
		return 0, answer, fmt.Errorf("answer %q is not JSON: %w", data, err)
	}
	return resp.StatusCode, answer, nil
}

// call is post that fails the test on a transport error.
func call(t *testing.T, ctx context.Context, endpoint, contentType string, body []byte) (int, apiAnswer) {
	t.Helper()
	status, answer, err := post(ctx, endpoint, contentType, body)
	if err != nil {
		t.Fatalf("POST %s: %v", endpoint, err)
	}
	return status, answer
}

// postJSON calls method on srv with a JSON body.
func postJSON(srv *fakebotapi.Server, method string, params any) (int, apiAnswer, error) {
	body, err := json.Marshal(params)
	if err != nil {
		return 0, apiAnswer{}, err
	}
	return post(context.Background(), srv.URL+"/bot"+srv.Token+"/"+method, "application/json", body)
}

// callJSON is postJSON that fails the test on a transport error.
func callJSON(t *testing.T, srv *fakebotapi.Server, method string, params any) (int, apiAnswer) {
	t.Helper()
	status, answer, err := postJSON(srv, method, params)
	if err != nil {
		t.Fatalf("%s: %v", method, err)
	}
	return status, answer
}

// fetchUpdates calls getUpdates with a JSON body and returns the update ids.
func fetchUpdates(srv *fakebotapi.Server, params map[string]any) ([]int64, error) {
	status, answer, err := postJSON(srv, "getUpdates", params)
	if err != nil {
		return nil, err
	}
	if status != http.StatusOK || !answer.OK {
		return nil, fmt.Errorf("getUpdates(%v) = %d %s", params, status, answer.Description)
	}
	var updates []models.Update
	if err := json.Unmarshal(answer.Result, &updates); err != nil {
		return nil, fmt.Errorf("getUpdates result %s: %w", answer.Result, err)
	}
	ids := []int64{}
	for _, u := range updates {
		ids = append(ids, u.ID)
	}
	return ids, nil
}

// getUpdates is fetchUpdates that fails the test on an error.
func getUpdates(t *testing.T, srv *fakebotapi.Server, params map[string]any) []int64 {
	t.Helper()
	ids, err := fetchUpdates(srv, params)
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

func wantBadRequest(t *testing.T, err error, description string) {
	t.Helper()
	if !errors.Is(err, bot.ErrorBadRequest) || !strings.Contains(err.Error(), strings.TrimPrefix(description, "Bad Request: ")) {
		t.Fatalf("got error %v, want a bad request %q", err, description)
	}
}

func TestSendMessageRecordsTheKeyboard(t *testing.T) {
	srv := fakebotapi.Start(t)
	srv.Started(chatID, chatID+1) // people who wrote to the bot before
	b := newClient(t, srv)
	ctx := context.Background()

	msg, err := b.SendMessage(ctx, &bot.SendMessageParams{
		ChatID:    chatID,
		Text:      "<b>Welcome</b> &amp; hello",
		ParseMode: models.ParseModeHTML,
		ReplyMarkup: keyboard(
			[]models.InlineKeyboardButton{button("Benefits", "n:benefits"), button("Jobs", "n:jobs")},
			[]models.InlineKeyboardButton{{Text: "Site", URL: "https://example.org"}},
		),
	})
	if err != nil {
		t.Fatalf("SendMessage: %v", err)
	}
	if msg.ID != 1 || msg.Chat.ID != chatID || msg.Chat.Type != models.ChatTypePrivate || msg.Text != "Welcome & hello" ||
		msg.From == nil || !msg.From.IsBot || msg.Date == 0 {
		t.Fatalf("returned message = %+v", msg)
	}
	if msg.ReplyMarkup == nil || len(msg.ReplyMarkup.InlineKeyboard) != 2 || msg.ReplyMarkup.InlineKeyboard[0][1].CallbackData != "n:jobs" {
		t.Fatalf("returned reply_markup = %+v", msg.ReplyMarkup)
	}

	got := srv.Last(chatID)
	want := [][]fakebotapi.Button{
		{{Text: "Benefits", CallbackData: "n:benefits"}, {Text: "Jobs", CallbackData: "n:jobs"}},
		{{Text: "Site", URL: "https://example.org"}},
	}
	if got.ID != 1 || got.Text != "Welcome & hello" || got.Source != "<b>Welcome</b> &amp; hello" ||
		got.ParseMode != "HTML" || !got.FromBot || !reflect.DeepEqual(got.Buttons, want) {
		t.Fatalf("Last = %+v", got)
	}

	calls := srv.Calls("sendMessage")
	if len(calls) != 1 || calls[0].Code != http.StatusOK || calls[0].IntParam("chat_id") != chatID || calls[0].Param("parse_mode") != "HTML" {
		t.Fatalf("calls = %+v", calls)
	}
	markup, isObject := calls[0].Params["reply_markup"].(map[string]any)
	if !isObject || len(markup["inline_keyboard"].([]any)) != 2 {
		t.Fatalf("reply_markup param = %#v, want the decoded keyboard", calls[0].Params["reply_markup"])
	}

	second, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: chatID, Text: "two"})
	if err != nil || second.ID != 2 {
		t.Fatalf("second SendMessage = %+v, %v; want message_id 2", second, err)
	}
	if other, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: chatID + 1, Text: "x"}); err != nil || other.ID != 1 {
		t.Fatalf("message_id in another chat = %+v, %v; want 1", other, err)
	}
}

func TestEditMessageText(t *testing.T) {
	srv := fakebotapi.Start(t)
	srv.Started(chatID) // people who wrote to the bot before
	b := newClient(t, srv)
	ctx := context.Background()
	kb := keyboard([]models.InlineKeyboardButton{button("Next", "next")})

	sent, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: chatID, Text: "Page 1", ReplyMarkup: kb})
	if err != nil {
		t.Fatal(err)
	}
	edited, err := b.EditMessageText(ctx, &bot.EditMessageTextParams{
		ChatID: chatID, MessageID: sent.ID, Text: "Page 2",
		ReplyMarkup: keyboard([]models.InlineKeyboardButton{button("Back", "back")}),
	})
	if err != nil {
		t.Fatalf("EditMessageText: %v", err)
	}
	if edited.ID != sent.ID || edited.Text != "Page 2" || edited.EditDate == 0 {
		t.Fatalf("edited = %+v", edited)
	}
	m := srv.Last(chatID)
	if m.Text != "Page 2" || m.Edits != 1 || len(m.Buttons) != 1 || m.Buttons[0][0].CallbackData != "back" {
		t.Fatalf("after the edit Last = %+v", m)
	}

	_, err = b.EditMessageText(ctx, &bot.EditMessageTextParams{
		ChatID: chatID, MessageID: sent.ID, Text: "Page 2",
		ReplyMarkup: keyboard([]models.InlineKeyboardButton{button("Back", "back")}),
	})
	wantBadRequest(t, err, fakebotapi.DescNotModified)

	// The same text without the keyboard removes the keyboard: that is a modification.
	if _, err := b.EditMessageText(ctx, &bot.EditMessageTextParams{ChatID: chatID, MessageID: sent.ID, Text: "Page 2"}); err != nil {
		t.Fatalf("removing the keyboard: %v", err)
	}
	if m := srv.Last(chatID); m.Buttons != nil || m.Edits != 2 {
		t.Fatalf("after removing the keyboard Last = %+v", m)
	}

	_, err = b.EditMessageText(ctx, &bot.EditMessageTextParams{ChatID: chatID, MessageID: 99, Text: "x"})
	wantBadRequest(t, err, fakebotapi.DescMessageToEdit)

	if ok, err := b.DeleteMessage(ctx, &bot.DeleteMessageParams{ChatID: chatID, MessageID: sent.ID}); err != nil || !ok {
		t.Fatalf("DeleteMessage = %v, %v", ok, err)
	}
	if m := srv.Last(chatID); !m.Deleted {
		t.Fatalf("after deleteMessage Last = %+v", m)
	}
	_, err = b.EditMessageText(ctx, &bot.EditMessageTextParams{ChatID: chatID, MessageID: sent.ID, Text: "x"})
	wantBadRequest(t, err, fakebotapi.DescMessageToEdit)
}

func TestValidation(t *testing.T) {
	srv := fakebotapi.Start(t)
	srv.Started(chatID) // people who wrote to the bot before
	b := newClient(t, srv)
	ctx := context.Background()

	cases := []struct {
		name   string
		params bot.SendMessageParams
		want   string // "" for accepted
	}{
		{"empty text", bot.SendMessageParams{Text: ""}, fakebotapi.DescTextEmpty},
		{"blank text", bot.SendMessageParams{Text: " \n "}, fakebotapi.DescTextEmpty},
		{"4096 ASCII characters", bot.SendMessageParams{Text: strings.Repeat("a", 4096)}, ""},
		{"4097 ASCII characters", bot.SendMessageParams{Text: strings.Repeat("a", 4097)}, fakebotapi.DescTextTooLong},
		{"2048 emoji are 4096 UTF-16 units", bot.SendMessageParams{Text: strings.Repeat("😀", 2048)}, ""},
		{"2049 emoji are 4098 UTF-16 units", bot.SendMessageParams{Text: strings.Repeat("😀", 2049)}, fakebotapi.DescTextTooLong},
		{"4000 Cyrillic letters", bot.SendMessageParams{Text: strings.Repeat("ж", 4000)}, ""},
		{"tags do not count", bot.SendMessageParams{Text: "<b>" + strings.Repeat("a", 4096) + "</b>", ParseMode: models.ParseModeHTML}, ""},
		{"callback data of 64 bytes", bot.SendMessageParams{Text: "x", ReplyMarkup: keyboard([]models.InlineKeyboardButton{button("b", strings.Repeat("d", 64))})}, ""},
		{"callback data of 65 bytes", bot.SendMessageParams{Text: "x", ReplyMarkup: keyboard([]models.InlineKeyboardButton{button("b", strings.Repeat("d", 65))})}, fakebotapi.DescButtonDataInvalid},
		{"callback data of 33 two-byte letters", bot.SendMessageParams{Text: "x", ReplyMarkup: keyboard([]models.InlineKeyboardButton{button("b", strings.Repeat("ж", 33))})}, fakebotapi.DescButtonDataInvalid},
		{"button without action", bot.SendMessageParams{Text: "x", ReplyMarkup: keyboard([]models.InlineKeyboardButton{{Text: "b"}})}, "Text buttons are unallowed"},
		{"HTML br", bot.SendMessageParams{Text: "a<br>b", ParseMode: models.ParseModeHTML}, fakebotapi.DescCantParseEntities + `: Unsupported start tag "br" at byte offset 1`},
		{"HTML bare less-than", bot.SendMessageParams{Text: "1 < 2", ParseMode: models.ParseModeHTML}, fakebotapi.DescCantParseEntities + `: Unsupported start tag "" at byte offset 2`},
		{"HTML escaped less-than", bot.SendMessageParams{Text: "1 &lt; 2 <i>ok</i>", ParseMode: models.ParseModeHTML}, ""},
		{"HTML unclosed", bot.SendMessageParams{Text: "<b>bold", ParseMode: models.ParseModeHTML}, `Can't find end tag corresponding to start tag "b"`},
		{"HTML misnested", bot.SendMessageParams{Text: "<b><i>x</b></i>", ParseMode: models.ParseModeHTML}, `Unmatched end tag at byte offset 7, expected "</i>", found "</b>"`},
		{"HTML link", bot.SendMessageParams{Text: `<a href="https://example.org/?a=1&amp;b=2">site</a>`, ParseMode: models.ParseModeHTML}, ""},
		{"MarkdownV2 unescaped dot", bot.SendMessageParams{Text: "Hello.", ParseMode: models.ParseModeMarkdown}, `Character '.' is reserved`},
		{"MarkdownV2 escaped", bot.SendMessageParams{Text: `*Hello*\. [site](https://example.org/a_(b\))`, ParseMode: models.ParseModeMarkdown}, ""},
		{"MarkdownV2 unclosed bold", bot.SendMessageParams{Text: "*Hello", ParseMode: models.ParseModeMarkdown}, "Can't find end of Bold entity at byte offset 0"},
		{"MarkdownV2 code keeps dots", bot.SendMessageParams{Text: "`a.b` ```go\nx := 1.5\n```", ParseMode: models.ParseModeMarkdown}, ""},
		{"legacy Markdown unclosed", bot.SendMessageParams{Text: "snake_case", ParseMode: models.ParseModeMarkdownV1}, "Can't find end of the entity starting at byte offset 5"},
		{"unknown parse mode", bot.SendMessageParams{Text: "x", ParseMode: "BBCode"}, fakebotapi.DescUnsupportedParse},
	}
	sent := 0
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.params.ChatID = chatID
			_, err := b.SendMessage(ctx, &c.params)
			if c.want == "" {
				if err != nil {
					t.Fatalf("SendMessage: %v", err)
				}
				sent++
				return
			}
			wantBadRequest(t, err, c.want)
		})
	}
	if got := len(srv.Messages(chatID)); got != sent {
		t.Fatalf("%d messages in the chat, want %d (rejected ones must leave nothing)", got, sent)
	}
	if got := srv.CallCount("sendMessage"); got != len(cases) {
		t.Fatalf("CallCount = %d, want %d", got, len(cases))
	}
	last := srv.Calls("sendMessage")[len(cases)-1]
	if last.Code != http.StatusBadRequest || last.Error != fakebotapi.DescUnsupportedParse {
		t.Fatalf("a rejected call is recorded as %+v", last)
	}
}

func TestTooManyRequestsFault(t *testing.T) {
	srv := fakebotapi.Start(t)
	srv.Started(chatID) // people who wrote to the bot before
	b := newClient(t, srv)
	ctx := context.Background()

	srv.FailNext("sendMessage", 1, fakebotapi.FaultTooManyRequests(7))
	_, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: chatID, Text: "hi"})
	var flood *bot.TooManyRequestsError
	if !errors.As(err, &flood) || flood.RetryAfter != 7 {
		t.Fatalf("got %v, want *bot.TooManyRequestsError with RetryAfter 7", err)
	}
	if len(srv.Messages(chatID)) != 0 {
		t.Fatal("a failed sendMessage left a message")
	}
	if _, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: chatID, Text: "hi"}); err != nil {
		t.Fatalf("the call after the fault: %v", err)
	}
	calls := srv.Calls("sendMessage")
	if len(calls) != 2 || calls[0].Code != 429 || calls[0].Error != "Too Many Requests: retry after 7" || calls[1].Code != 200 {
		t.Fatalf("calls = %+v", calls)
	}

	// The raw answer has Telegram's shape.
	srv.FailNext("sendMessage", 1, fakebotapi.FaultTooManyRequests(3))
	status, answer := callJSON(t, srv, "sendMessage", map[string]any{"chat_id": chatID, "text": "x"})
	if status != 429 || answer.OK || answer.ErrorCode != 429 || answer.Parameters == nil || answer.Parameters.RetryAfter != 3 {
		t.Fatalf("raw 429 answer = %d %+v", status, answer)
	}
}

func TestFaults(t *testing.T) {
	srv := fakebotapi.Start(t)
	srv.Started(chatID, chatID+1) // people who wrote to the bot before
	b := newClient(t, srv)
	ctx := context.Background()

	srv.FailNext("*", 2, fakebotapi.FaultInternal())
	if got := getUpdates(t, srv, map[string]any{}); len(got) != 0 {
		t.Fatalf("getUpdates = %v", got)
	}
	if _, err := b.GetMe(ctx); err == nil || !strings.Contains(err.Error(), "500 Internal Server Error") {
		t.Fatalf("GetMe under a * fault: %v", err)
	}
	srv.SendText(chatID, "hi", "en")
	_, callbackID := srv.Press(chatID, 1, "x")
	if _, err := b.AnswerCallbackQuery(ctx, &bot.AnswerCallbackQueryParams{CallbackQueryID: callbackID}); err == nil {
		t.Fatal("the second call under FailNext(*, 2) succeeded")
	}
	if srv.Answered(callbackID) {
		t.Fatal("a failed answerCallbackQuery counted as an answer")
	}
	if _, err := b.AnswerCallbackQuery(ctx, &bot.AnswerCallbackQueryParams{CallbackQueryID: callbackID}); err != nil || !srv.Answered(callbackID) {
		t.Fatalf("the third call: %v", err)
	}
	me, err := b.GetMe(ctx)
	if err != nil || !me.IsBot || me.Username != fakebotapi.BotUsername || me.FirstName != fakebotapi.BotFirstName || me.ID != 123456 {
		t.Fatalf("GetMe = %+v, %v", me, err)
	}

	// FailRatio is deterministic for a seed and stops at ClearFaults.
	pattern := func() string {
		s := fakebotapi.Start(t)
		s.Started(chatID)
		s.FailRatio("sendChatAction", 0.3, fakebotapi.FaultInternal(), 42)
		c := newClient(t, s)
		var out strings.Builder
		for range 100 {
			if _, err := c.SendChatAction(ctx, &bot.SendChatActionParams{ChatID: chatID, Action: models.ChatActionTyping}); err != nil {
				out.WriteByte('x')
			} else {
				out.WriteByte('.')
			}
		}
		s.ClearFaults()
		for range 20 {
			if _, err := c.SendChatAction(ctx, &bot.SendChatActionParams{ChatID: chatID, Action: models.ChatActionTyping}); err != nil {
				t.Fatalf("after ClearFaults: %v", err)
			}
		}
		return out.String()
	}
	first, second := pattern(), pattern()
	if failed := strings.Count(first, "x"); first != second || failed < 15 || failed > 45 {
		t.Fatalf("FailRatio(0.3) gave %s and %s", first, second)
	}

	srv.BlockedBy(chatID)
	_, err = b.SendMessage(ctx, &bot.SendMessageParams{ChatID: chatID, Text: "hi"})
	if !errors.Is(err, bot.ErrorForbidden) || !strings.Contains(err.Error(), "bot was blocked by the user") {
		t.Fatalf("sendMessage to a blocked chat: %v", err)
	}
	_, err = b.EditMessageText(ctx, &bot.EditMessageTextParams{ChatID: chatID, MessageID: 1, Text: "x"})
	if !errors.Is(err, bot.ErrorForbidden) {
		t.Fatalf("editMessageText to a blocked chat: %v", err)
	}
	if _, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: chatID + 1, Text: "hi"}); err != nil {
		t.Fatalf("another chat: %v", err)
	}
}

func TestLateAnswersAndHangUps(t *testing.T) {
	srv := fakebotapi.Start(t)
	srv.Started(chatID)
	ctx := context.Background()
	impatient := newClient(t, srv, bot.WithHTTPClient(time.Second, &http.Client{Timeout: 200 * time.Millisecond}))

	// The call is carried out at once; only its answer is late, after the client gave up.
	srv.AnswerLateNext("sendMessage", 1, 2*time.Second)
	if _, err := impatient.SendMessage(ctx, &bot.SendMessageParams{ChatID: chatID, Text: "late"}); err == nil {
		t.Fatal("a client waiting 200ms got a 2s-late answer")
	}
	if last := srv.Last(chatID); last.Text != "late" {
		t.Fatalf("the late call was not carried out: %+v", last)
	}
	patient := newClient(t, srv)
	srv.AnswerLateNext("*", 1, 100*time.Millisecond)
	if m, err := patient.SendMessage(ctx, &bot.SendMessageParams{ChatID: chatID, Text: "slow"}); err != nil || m.Text != "slow" {
		t.Fatalf("a client that waits gets the answer: %+v, %v", m, err)
	}

	// A hang-up: carried out, and the connection closes with no answer.
	srv.HangUpNext("sendMessage", 1, 0)
	if _, err := patient.SendMessage(ctx, &bot.SendMessageParams{ChatID: chatID, Text: "hung up"}); err == nil {
		t.Fatal("a call whose connection was closed got an answer")
	}
	if last := srv.Last(chatID); last.Text != "hung up" {
		t.Fatalf("the call before the hang-up was not carried out: %+v", last)
	}
	if calls := srv.Calls("sendMessage"); len(calls) != 3 || calls[2].Code != http.StatusOK {
		t.Fatalf("calls %+v, want three, carried out", calls)
	}
	if _, err := patient.SendMessage(ctx, &bot.SendMessageParams{ChatID: chatID, Text: "normal"}); err != nil {
		t.Fatalf("after the faults: %v", err)
	}
}

func TestCallbackQueries(t *testing.T) {
	srv := fakebotapi.Start(t)
	b := newClient(t, srv)
	ctx := context.Background()

	srv.SendText(chatID, "/start", "ru")
	sent, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: chatID, Text: "Menu",
		ReplyMarkup: keyboard([]models.InlineKeyboardButton{button("Go", "go")})})
	if err != nil {
		t.Fatal(err)
	}
	updateID, callbackID := srv.Press(chatID, sent.ID, "go")
	_, otherID := srv.Press(chatID, sent.ID, "go")
	if callbackID == otherID {
		t.Fatal("callback ids repeat")
	}

	var u models.Update
	if err := json.Unmarshal(srv.UpdateJSON(updateID), &u); err != nil {
		t.Fatal(err)
	}
	q := u.CallbackQuery
	if q == nil || q.ID != callbackID || q.Data != "go" || q.From.ID != chatID || q.From.LanguageCode != "ru" ||
		q.Message.Type != models.MaybeInaccessibleMessageTypeMessage || q.Message.Message.ID != sent.ID ||
		q.Message.Message.Text != "Menu" || q.Message.Message.ReplyMarkup.InlineKeyboard[0][0].CallbackData != "go" {
		t.Fatalf("callback update = %s", srv.UpdateJSON(updateID))
	}

	if srv.Answered(callbackID) {
		t.Fatal("answered before answerCallbackQuery")
	}
	if ok, err := b.AnswerCallbackQuery(ctx, &bot.AnswerCallbackQueryParams{CallbackQueryID: callbackID, Text: "Done"}); err != nil || !ok {
		t.Fatalf("AnswerCallbackQuery = %v, %v", ok, err)
	}
	if !srv.Answered(callbackID) || srv.Answered(otherID) {
		t.Fatal("Answered does not follow answerCallbackQuery")
	}
	_, err = b.AnswerCallbackQuery(ctx, &bot.AnswerCallbackQueryParams{CallbackQueryID: callbackID})
	wantBadRequest(t, err, fakebotapi.DescQueryInvalid)
	_, err = b.AnswerCallbackQuery(ctx, &bot.AnswerCallbackQueryParams{CallbackQueryID: "nope"})
	wantBadRequest(t, err, fakebotapi.DescQueryInvalid)

	// A press on a message the chat does not have comes as an inaccessible message.
	oldID, _ := srv.Press(chatID, 77, "old")
	var old models.Update
	if err := json.Unmarshal(srv.UpdateJSON(oldID), &old); err != nil {
		t.Fatal(err)
	}
	if old.CallbackQuery.Message.Type != models.MaybeInaccessibleMessageTypeInaccessibleMessage ||
		old.CallbackQuery.Message.InaccessibleMessage.MessageID != 77 {
		t.Fatalf("press on an unknown message = %s", srv.UpdateJSON(oldID))
	}

	// The person's messages are in History with bot_command entities, not in Messages.
	history := srv.History(chatID)
	if len(history) != 2 || history[0].FromBot || history[0].Text != "/start" || len(srv.Messages(chatID)) != 1 {
		t.Fatalf("History = %+v", history)
	}
	var start models.Update
	if err := json.Unmarshal(srv.UpdateJSON(1), &start); err != nil {
		t.Fatal(err)
	}
	if m := start.Message; m == nil || m.Chat.Type != models.ChatTypePrivate || m.From.FirstName != "Test" ||
		len(m.Entities) != 1 || m.Entities[0].Type != models.MessageEntityTypeBotCommand || m.Entities[0].Length != 6 {
		t.Fatalf("/start update = %s", srv.UpdateJSON(1))
	}
}

func TestGetUpdatesOffsets(t *testing.T) {
	srv := fakebotapi.Start(t)
	for i := range 5 {
		if id := srv.SendText(chatID, fmt.Sprint("m", i), "en"); id != int64(i+1) {
			t.Fatalf("update id %d, want %d", id, i+1)
		}
	}

	if got := getUpdates(t, srv, map[string]any{"limit": 2}); !reflect.DeepEqual(got, []int64{1, 2}) {
		t.Fatalf("limit 2 = %v", got)
	}
	if srv.Confirmed() != 0 || srv.Pending() != 5 {
		t.Fatalf("without an offset nothing is confirmed: Confirmed %d, Pending %d", srv.Confirmed(), srv.Pending())
	}
	if got := getUpdates(t, srv, map[string]any{"offset": 3}); !reflect.DeepEqual(got, []int64{3, 4, 5}) {
		t.Fatalf("offset 3 = %v", got)
	}
	if srv.Confirmed() != 2 || srv.Pending() != 3 {
		t.Fatalf("after offset 3: Confirmed %d, Pending %d", srv.Confirmed(), srv.Pending())
	}
	// Confirmed updates are gone even without an offset.
	if got := getUpdates(t, srv, map[string]any{}); !reflect.DeepEqual(got, []int64{3, 4, 5}) {
		t.Fatalf("no offset after confirming = %v", got)
	}
	// A form-encoded request means the same.
	status, answer := call(t, context.Background(), srv.URL+"/bot"+srv.Token+"/getUpdates",
		"application/x-www-form-urlencoded", []byte(url.Values{"offset": {"5"}, "limit": {"1"}}.Encode()))
	if status != 200 || !strings.Contains(string(answer.Result), `"update_id":5`) || srv.Confirmed() != 4 {
		t.Fatalf("form getUpdates = %d %s, Confirmed %d", status, answer.Result, srv.Confirmed())
	}
	if got := getUpdates(t, srv, map[string]any{"offset": 6, "timeout": 0}); len(got) != 0 {
		t.Fatalf("offset 6 = %v", got)
	}
	if srv.Confirmed() != 5 || srv.Pending() != 0 {
		t.Fatalf("after offset 6: Confirmed %d, Pending %d", srv.Confirmed(), srv.Pending())
	}

	// A negative offset keeps the last updates only.
	for range 3 {
		srv.SendText(chatID, "again", "en")
	}
	if got := getUpdates(t, srv, map[string]any{"offset": -1}); !reflect.DeepEqual(got, []int64{8}) {
		t.Fatalf("offset -1 = %v", got)
	}
	if srv.Confirmed() != 7 || srv.Pending() != 1 {
		t.Fatalf("after offset -1: Confirmed %d, Pending %d", srv.Confirmed(), srv.Pending())
	}

	// allowed_updates filters, and is kept for later calls.
	srv.Press(chatID, 1, "x")
	if got := getUpdates(t, srv, map[string]any{"offset": 9, "allowed_updates": []string{"message"}}); len(got) != 0 {
		t.Fatalf("callback_query with allowed_updates [message] = %v", got)
	}
	if got := getUpdates(t, srv, map[string]any{"offset": 9, "allowed_updates": []string{}}); !reflect.DeepEqual(got, []int64{9}) {
		t.Fatalf("callback_query with allowed_updates [] = %v", got)
	}
}

func TestGetUpdatesLongPoll(t *testing.T) {
	srv := fakebotapi.Start(t)

	type result struct {
		ids     []int64
		elapsed time.Duration
	}
	done := make(chan result, 1)
	go func() {
		start := time.Now()
		ids, err := fetchUpdates(srv, map[string]any{"offset": 1, "timeout": 30})
		if err != nil {
			t.Error(err)
		}
		done <- result{ids, time.Since(start)}
	}()
	srv.WaitFor(t, 5*time.Second, func() bool { return srv.Polling() == 1 }, "getUpdates to start waiting")
	srv.SendText(chatID, "wake up", "en")
	select {
	case r := <-done:
		if !reflect.DeepEqual(r.ids, []int64{1}) || r.elapsed > 5*time.Second {
			t.Fatalf("long poll returned %v after %v", r.ids, r.elapsed)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the long poll did not return when an update was pushed")
	}
	if srv.Polling() != 0 {
		t.Fatalf("Polling = %d after the poll returned", srv.Polling())
	}

	// The request's context ending ends the poll.
	ctx, cancel := context.WithCancel(context.Background())
	errs := make(chan error, 1)
	go func() {
		body := []byte(`{"offset":2,"timeout":30}`)
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL+"/bot"+srv.Token+"/getUpdates", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
		}
		errs <- err
	}()
	srv.WaitFor(t, 5*time.Second, func() bool { return srv.Polling() == 1 }, "the second poll to wait")
	cancel()
	if err := <-errs; !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled poll: %v", err)
	}
	srv.WaitFor(t, 5*time.Second, func() bool { return srv.Polling() == 0 }, "the cancelled poll to end")

	// A second getUpdates ends a waiting one with 409, as Telegram does.
	conflict := make(chan apiAnswer, 1)
	go func() {
		_, answer, err := postJSON(srv, "getUpdates", map[string]any{"offset": 2, "timeout": 30})
		if err != nil {
			t.Error(err)
		}
		conflict <- answer
	}()
	srv.WaitFor(t, 5*time.Second, func() bool { return srv.Polling() == 1 }, "the third poll to wait")
	getUpdates(t, srv, map[string]any{"offset": 2})
	if answer := <-conflict; answer.ErrorCode != 409 || answer.Description != fakebotapi.DescPollingConflict {
		t.Fatalf("the older poll got %+v", answer)
	}

	// With nothing pushed, the poll answers [] after its timeout.
	start := time.Now()
	if got := getUpdates(t, srv, map[string]any{"offset": 2, "timeout": 1}); len(got) != 0 || time.Since(start) < time.Second {
		t.Fatalf("empty poll = %v after %v", got, time.Since(start))
	}
}

// TestRealClientRoundTrip runs the library's own polling loop against the fake: the person
// writes, the bot answers with a keyboard, the person presses, the bot answers and edits.
func TestRealClientRoundTrip(t *testing.T) {
	srv := fakebotapi.Start(t)
	ctx, cancel := context.WithCancel(context.Background())
	// check reports a failed call unless the test is over and has cancelled the bot.
	check := func(what string, err error) {
		if err != nil && ctx.Err() == nil {
			t.Errorf("%s: %v", what, err)
		}
	}
	handler := func(ctx context.Context, b *bot.Bot, u *models.Update) {
		switch {
		case u.Message != nil:
			_, err := b.SendMessage(ctx, &bot.SendMessageParams{
				ChatID: u.Message.Chat.ID, Text: "Hello, " + u.Message.From.FirstName + " (" + u.Message.From.LanguageCode + ")",
				ReplyMarkup: keyboard([]models.InlineKeyboardButton{button("More", "more")}),
			})
			check("SendMessage", err)
		case u.CallbackQuery != nil:
			_, err := b.AnswerCallbackQuery(ctx, &bot.AnswerCallbackQueryParams{CallbackQueryID: u.CallbackQuery.ID})
			check("AnswerCallbackQuery", err)
			m := u.CallbackQuery.Message.Message
			_, err = b.EditMessageText(ctx, &bot.EditMessageTextParams{ChatID: m.Chat.ID, MessageID: m.ID, Text: "More: " + u.CallbackQuery.Data})
			check("EditMessageText", err)
		}
	}
	b := newClient(t, srv, bot.WithDefaultHandler(handler), bot.WithErrorsHandler(func(err error) { check("the library", err) }))
	stopped := make(chan struct{})
	go func() {
		b.Start(ctx)
		close(stopped)
	}()
	t.Cleanup(func() {
		cancel()
		<-stopped
	})

	srv.SendText(chatID, "/start", "kk")
	srv.WaitFor(t, 5*time.Second, func() bool { return srv.Last(chatID).Text == "Hello, Test (kk)" }, "the greeting")
	_, callbackID := srv.Press(chatID, srv.Last(chatID).ID, "more")
	srv.WaitFor(t, 5*time.Second, func() bool {
		m := srv.Last(chatID)
		return srv.Answered(callbackID) && m.Text == "More: more" && m.Edits == 1 && m.Buttons == nil
	}, "the answer and the edit")
	srv.WaitFor(t, 5*time.Second, func() bool { return srv.Confirmed() >= 1 }, "the first update to be confirmed")
}

func TestWebhook(t *testing.T) {
	srv := fakebotapi.Start(t)
	ctx := context.Background()

	type delivery struct {
		secret string
		body   []byte
	}
	deliveries := make(chan delivery, 4)
	received := make(chan *models.Update, 4)
	libraryErrors := make(chan error, 4)
	b := newClient(t, srv, bot.WithWebhookSecretToken("s3cret"),
		bot.WithDefaultHandler(func(_ context.Context, _ *bot.Bot, u *models.Update) { received <- u }),
		bot.WithErrorsHandler(func(err error) { libraryErrors <- err }))
	botCtx, cancel := context.WithCancel(ctx)
	stopped := make(chan struct{})
	go func() {
		b.StartWebhook(botCtx)
		close(stopped)
	}()
	t.Cleanup(func() {
		cancel()
		<-stopped
	})
	libraryHandler := b.WebhookHandler()
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		deliveries <- delivery{r.Header.Get("X-Telegram-Bot-Api-Secret-Token"), body}
		r.Body = io.NopCloser(bytes.NewReader(body))
		libraryHandler(w, r)
	}))
	t.Cleanup(hook.Close)

	if ok, err := b.SetWebhook(ctx, &bot.SetWebhookParams{URL: hook.URL + "/tg", SecretToken: "s3cret",
		AllowedUpdates: []string{"message", "callback_query"}}); err != nil || !ok {
		t.Fatalf("SetWebhook = %v, %v", ok, err)
	}
	if u, secret := srv.Webhook(); u != hook.URL+"/tg" || secret != "s3cret" {
		t.Fatalf("Webhook() = %q, %q", u, secret)
	}
	status, answer := callJSON(t, srv, "getUpdates", map[string]any{})
	if status != 409 || answer.Description != fakebotapi.DescWebhookConflict {
		t.Fatalf("getUpdates with a webhook = %d %+v", status, answer)
	}

	id := srv.SendText(chatID, "hello", "en")
	info, err := b.GetWebhookInfo(ctx)
	if err != nil || info.URL != hook.URL+"/tg" || info.PendingUpdateCount != 1 || info.HasCustomCertificate {
		t.Fatalf("GetWebhookInfo = %+v, %v", info, err)
	}
	if status, err := srv.Deliver(ctx, id); err != nil || status != http.StatusOK {
		t.Fatalf("Deliver = %d, %v", status, err)
	}
	d := <-deliveries
	if d.secret != "s3cret" || !bytes.Equal(d.body, srv.UpdateJSON(id)) {
		t.Fatalf("delivered %q with secret %q", d.body, d.secret)
	}
	if u := <-received; u.ID != id || u.Message.Text != "hello" {
		t.Fatalf("the library got %+v", u)
	}
	if srv.Pending() != 0 || srv.Confirmed() != id {
		t.Fatalf("after a 200 delivery Pending %d, Confirmed %d", srv.Pending(), srv.Confirmed())
	}

	// A wrong secret and a malformed body reach the handler; the library drops both.
	if status, err := srv.DeliverRaw(ctx, hook.URL+"/tg", "wrong", srv.UpdateJSON(id)); err != nil || status != 200 {
		t.Fatalf("DeliverRaw = %d, %v", status, err)
	}
	if d := <-deliveries; d.secret != "wrong" {
		t.Fatalf("secret header %q", d.secret)
	}
	if err := <-libraryErrors; !strings.Contains(err.Error(), "invalid webhook secret token") {
		t.Fatalf("the library said %v to a wrong secret", err)
	}
	if _, err := srv.DeliverRaw(ctx, hook.URL+"/tg", "s3cret", []byte("{not json")); err != nil {
		t.Fatal(err)
	}
	<-deliveries
	if err := <-libraryErrors; !strings.Contains(err.Error(), "error decode request body") {
		t.Fatalf("the library said %v to a malformed body", err)
	}
	if _, err := srv.DeliverRaw(ctx, "http://192.0.2.1/tg", "", nil); err == nil {
		t.Fatal("DeliverRaw to a non-loopback address went ahead")
	}
	select {
	case u := <-received:
		t.Fatalf("the library accepted %+v", u)
	default:
	}

	if ok, err := b.DeleteWebhook(ctx, &bot.DeleteWebhookParams{}); err != nil || !ok {
		t.Fatalf("DeleteWebhook = %v, %v", ok, err)
	}
	if u, _ := srv.Webhook(); u != "" {
		t.Fatalf("webhook %q after deleteWebhook", u)
	}
	next := srv.SendText(chatID, "polling again", "en")
	if got := getUpdates(t, srv, map[string]any{}); !reflect.DeepEqual(got, []int64{next}) {
		t.Fatalf("getUpdates after deleteWebhook = %v", got)
	}
}

func TestSetMyCommands(t *testing.T) {
	srv := fakebotapi.Start(t)
	b := newClient(t, srv)
	ctx := context.Background()

	en := []models.BotCommand{{Command: "start", Description: "Start"}, {Command: "help", Description: "Help"}}
	ru := []models.BotCommand{{Command: "start", Description: "Начать"}}
	if _, err := b.SetMyCommands(ctx, &bot.SetMyCommandsParams{Commands: en}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.SetMyCommands(ctx, &bot.SetMyCommandsParams{Commands: ru, LanguageCode: "ru",
		Scope: &models.BotCommandScopeDefault{}}); err != nil {
		t.Fatal(err)
	}
	private := []models.BotCommand{{Command: "menu", Description: "Menu"}}
	if _, err := b.SetMyCommands(ctx, &bot.SetMyCommandsParams{Commands: private, Scope: &models.BotCommandScopeAllPrivateChats{}}); err != nil {
		t.Fatal(err)
	}
	if got := srv.Commands(""); !reflect.DeepEqual(got, en) {
		t.Fatalf("Commands(\"\") = %v", got)
	}
	if got := srv.Commands("ru"); !reflect.DeepEqual(got, ru) {
		t.Fatalf("Commands(ru) = %v", got)
	}
	if got := srv.CommandsFor(&models.BotCommandScopeAllPrivateChats{}, ""); !reflect.DeepEqual(got, private) {
		t.Fatalf("CommandsFor(all_private_chats) = %v", got)
	}
	if got := srv.Commands("kk"); got != nil {
		t.Fatalf("Commands(kk) = %v", got)
	}
	got, err := b.GetMyCommands(ctx, &bot.GetMyCommandsParams{LanguageCode: "ru"})
	if err != nil || !reflect.DeepEqual(got, ru) {
		t.Fatalf("GetMyCommands(ru) = %v, %v", got, err)
	}
	_, err = b.SetMyCommands(ctx, &bot.SetMyCommandsParams{Commands: []models.BotCommand{{Command: "Start!", Description: "x"}}})
	wantBadRequest(t, err, fakebotapi.DescBotCommandInvalid)
	if scope := srv.Calls("setMyCommands")[1].Params["scope"]; !reflect.DeepEqual(scope, map[string]any{"type": "default"}) {
		t.Fatalf("scope param = %#v", scope)
	}
}

func TestWireErrorsAndEncodings(t *testing.T) {
	srv := fakebotapi.Start(t)
	srv.Started(chatID) // people who wrote to the bot before
	ctx := context.Background()

	raw := func(path string) (int, string) {
		resp, err := http.Post(srv.URL+path, "application/json", strings.NewReader("{}"))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(body)
	}
	if status, body := raw("/bot999:wrong/getMe"); status != 401 || body != `{"ok":false,"error_code":401,"description":"Unauthorized"}` {
		t.Fatalf("wrong token = %d %s", status, body)
	}
	if status, body := raw("/bot" + srv.Token + "/launchRockets"); status != 404 || body != `{"ok":false,"error_code":404,"description":"Not Found: method not found"}` {
		t.Fatalf("unknown method = %d %s", status, body)
	}
	if status, body := raw("/bot" + srv.Token + "/GETME"); status != 200 || !strings.Contains(body, `"username":"QamqorTestBot"`) {
		t.Fatalf("method names are case-insensitive: %d %s", status, body)
	}

	// The same sendMessage as JSON (objects), url-encoded and multipart (JSON strings) is
	// recorded with the same parameters.
	markup := map[string]any{"inline_keyboard": []any{[]any{map[string]any{"text": "A", "callback_data": "a"}}}}
	markupJSON, _ := json.Marshal(markup)
	endpoint := srv.URL + "/bot" + srv.Token + "/sendMessage"
	jsonBody, _ := json.Marshal(map[string]any{"chat_id": chatID, "text": "hi", "reply_markup": markup})
	if status, answer := call(t, ctx, endpoint, "application/json", jsonBody); status != 200 || !answer.OK {
		t.Fatalf("JSON sendMessage = %d %+v", status, answer)
	}
	form := url.Values{"chat_id": {fmt.Sprint(chatID)}, "text": {"hi"}, "reply_markup": {string(markupJSON)}}
	if status, answer := call(t, ctx, endpoint, "application/x-www-form-urlencoded", []byte(form.Encode())); status != 200 || !answer.OK {
		t.Fatalf("form sendMessage = %d %+v", status, answer)
	}
	var multi bytes.Buffer
	mw := multipart.NewWriter(&multi)
	for _, k := range []string{"chat_id", "text", "reply_markup"} {
		_ = mw.WriteField(k, form.Get(k))
	}
	_ = mw.Close()
	if status, answer := call(t, ctx, endpoint, mw.FormDataContentType(), multi.Bytes()); status != 200 || !answer.OK {
		t.Fatalf("multipart sendMessage = %d %+v", status, answer)
	}
	calls := srv.Calls("sendMessage")
	for _, c := range calls[1:] {
		if !reflect.DeepEqual(c.Params, calls[0].Params) {
			t.Fatalf("params differ by encoding:\n%#v\n%#v", c.Params, calls[0].Params)
		}
	}
	// Each call is recorded with how its body came: its media type and its length.
	wantFraming := []struct {
		contentType string
		length      int
	}{{"application/json", len(jsonBody)}, {"application/x-www-form-urlencoded", len(form.Encode())}, {"multipart/form-data", multi.Len()}}
	for i, w := range wantFraming {
		if c := calls[i]; c.ContentType != w.contentType || c.ContentLength != int64(w.length) || c.Chunked {
			t.Errorf("call %d came as %q, %d bytes, chunked %v; want %q, %d bytes, not chunked", i, c.ContentType, c.ContentLength, c.Chunked, w.contentType, w.length)
		}
	}
	if got := srv.Messages(chatID); len(got) != 3 || got[2].ID != 3 || got[2].Buttons[0][0].CallbackData != "a" {
		t.Fatalf("Messages = %+v", got)
	}
}

// TestConcurrentUse exercises the person's side, the bot's side and the readers at once;
// run with -race.
func TestConcurrentUse(t *testing.T) {
	srv := fakebotapi.Start(t)
	b := newClient(t, srv)
	ctx := context.Background()
	const people = 8
	const rounds = 5

	stopReading := make(chan struct{})
	var readers sync.WaitGroup
	readers.Add(1)
	go func() {
		defer readers.Done()
		for {
			select {
			case <-stopReading:
				return
			default:
			}
			_ = srv.Messages(1)
			_ = srv.Calls("")
			_ = srv.Pending()
			_ = srv.Last(2)
		}
	}()

	// One poller confirms everything pushed.
	total := int64(people * rounds * 2)
	polled := make(chan struct{})
	go func() {
		defer close(polled)
		offset := int64(0)
		for offset < total {
			ids, err := fetchUpdates(srv, map[string]any{"offset": offset + 1, "timeout": 5})
			if err != nil {
				t.Error(err)
				return
			}
			if len(ids) > 0 {
				offset = ids[len(ids)-1]
			}
		}
		if _, err := fetchUpdates(srv, map[string]any{"offset": offset + 1}); err != nil {
			t.Error(err)
		}
	}()

	var everyone sync.WaitGroup
	for p := range people {
		everyone.Add(1)
		go func(chat int64) {
			defer everyone.Done()
			for r := range rounds {
				srv.SendText(chat, fmt.Sprint("hi ", r), "en")
				m, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: chat, Text: fmt.Sprint("reply ", r),
					ReplyMarkup: keyboard([]models.InlineKeyboardButton{button("Next", "next")})})
				if err != nil {
					t.Errorf("SendMessage: %v", err)
					return
				}
				_, callbackID := srv.Press(chat, m.ID, "next")
				if _, err := b.AnswerCallbackQuery(ctx, &bot.AnswerCallbackQueryParams{CallbackQueryID: callbackID}); err != nil {
					t.Errorf("AnswerCallbackQuery: %v", err)
				}
				if _, err := b.EditMessageText(ctx, &bot.EditMessageTextParams{ChatID: chat, MessageID: m.ID, Text: "edited"}); err != nil {
					t.Errorf("EditMessageText: %v", err)
				}
			}
		}(int64(p + 1))
	}
	everyone.Wait()
	select {
	case <-polled:
	case <-time.After(20 * time.Second):
		t.Fatal("the poller did not see every update")
	}
	close(stopReading)
	readers.Wait()

	for p := range people {
		msgs := srv.Messages(int64(p + 1))
		if len(msgs) != rounds {
			t.Fatalf("chat %d has %d bot messages, want %d", p+1, len(msgs), rounds)
		}
		for _, m := range msgs {
			if m.Text != "edited" || m.Edits != 1 {
				t.Fatalf("chat %d message %+v", p+1, m)
			}
		}
		if h := srv.History(int64(p + 1)); len(h) != 2*rounds {
			t.Fatalf("chat %d history has %d messages", p+1, len(h))
		}
	}
	if srv.Confirmed() != total || srv.Pending() != 0 {
		t.Fatalf("Confirmed %d, Pending %d; want %d, 0", srv.Confirmed(), srv.Pending(), total)
	}
	if n := srv.CallCount("answerCallbackQuery"); n != people*rounds {
		t.Fatalf("%d answerCallbackQuery calls", n)
	}
}

func TestMarkupEditsDeletesAndChatActions(t *testing.T) {
	srv := fakebotapi.Start(t)
	srv.Started(chatID) // people who wrote to the bot before
	b := newClient(t, srv)
	ctx := context.Background()

	sent, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: chatID, Text: "Pick",
		ReplyMarkup: keyboard([]models.InlineKeyboardButton{button("A", "a")})})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.EditMessageReplyMarkup(ctx, &bot.EditMessageReplyMarkupParams{ChatID: chatID, MessageID: sent.ID,
		ReplyMarkup: keyboard([]models.InlineKeyboardButton{button("B", "b")})}); err != nil {
		t.Fatalf("EditMessageReplyMarkup: %v", err)
	}
	if m := srv.Last(chatID); m.Text != "Pick" || m.Buttons[0][0].CallbackData != "b" || m.Edits != 1 {
		t.Fatalf("after editMessageReplyMarkup Last = %+v", m)
	}
	_, err = b.EditMessageReplyMarkup(ctx, &bot.EditMessageReplyMarkupParams{ChatID: chatID, MessageID: sent.ID,
		ReplyMarkup: keyboard([]models.InlineKeyboardButton{button("B", "b")})})
	wantBadRequest(t, err, fakebotapi.DescNotModified)

	if _, err := b.SendChatAction(ctx, &bot.SendChatActionParams{ChatID: chatID, Action: models.ChatActionTyping}); err != nil {
		t.Fatalf("SendChatAction: %v", err)
	}
	_, err = b.SendChatAction(ctx, &bot.SendChatActionParams{ChatID: chatID, Action: "dancing"})
	wantBadRequest(t, err, fakebotapi.DescWrongChatAction)
	if c := srv.Calls("sendChatAction"); len(c) != 2 || c[0].Param("action") != "typing" || c[1].Code != 400 {
		t.Fatalf("sendChatAction calls = %+v", c)
	}

	if _, err := b.DeleteMessage(ctx, &bot.DeleteMessageParams{ChatID: chatID, MessageID: sent.ID}); err != nil {
		t.Fatal(err)
	}
	_, err = b.DeleteMessage(ctx, &bot.DeleteMessageParams{ChatID: chatID, MessageID: sent.ID})
	wantBadRequest(t, err, fakebotapi.DescMessageToDelete)

	// A Fault without a code is a 500.
	srv.FailNext("getMe", 1, fakebotapi.Fault{})
	if status, answer := callJSON(t, srv, "getMe", nil); status != 500 || answer.Description != fakebotapi.DescInternalError {
		t.Fatalf("zero Fault = %d %+v", status, answer)
	}
}

func TestSendDocument(t *testing.T) {
	srv := fakebotapi.Start(t)
	srv.Started(chatID) // people who wrote to the bot before
	b := newClient(t, srv)
	ctx := context.Background()
	pdf := []byte("%PDF-1.3\n% Тізім — список\n%%EOF\n")

	sent, err := b.SendDocument(ctx, &bot.SendDocumentParams{
		ChatID:      chatID,
		Document:    &models.InputFileUpload{Filename: "qamqor-checklist.pdf", Data: bytes.NewReader(pdf)},
		Caption:     "<b>Тізім</b> — список",
		ParseMode:   models.ParseModeHTML,
		ReplyMarkup: keyboard([]models.InlineKeyboardButton{button("Menu", "menu")}),
	})
	if err != nil {
		t.Fatalf("SendDocument: %v", err)
	}
	d := sent.Document
	if sent.ID != 1 || sent.Caption != "Тізім — список" || sent.Text != "" || d == nil || d.FileName != "qamqor-checklist.pdf" ||
		d.MimeType != "application/pdf" || d.FileSize != int64(len(pdf)) || d.FileID == "" || d.FileUniqueID == "" {
		t.Fatalf("returned message = %+v, document %+v", sent, d)
	}
	got := srv.Last(chatID)
	want := &fakebotapi.Document{
		Filename: "qamqor-checklist.pdf", MimeType: "application/pdf", Data: pdf,
		Caption: "Тізім — список", CaptionSource: "<b>Тізім</b> — список", FileID: d.FileID,
	}
	if got.ID != 1 || !got.FromBot || got.Text != "" || !reflect.DeepEqual(got.Document, want) || got.Buttons[0][0].CallbackData != "menu" {
		t.Fatalf("Last = %+v, document %+v", got, got.Document)
	}
	recorded := srv.Calls("sendDocument")[0]
	upload, _ := recorded.Params["document"].(map[string]any)
	if data, _ := upload["data"].([]byte); upload["file_name"] != "qamqor-checklist.pdf" || !bytes.Equal(data, pdf) {
		t.Fatalf("the call's document param = %#v", recorded.Params["document"])
	}

	// Message ids go on across methods; a document's caption is not text to edit.
	if m, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: chatID, Text: "next"}); err != nil || m.ID != 2 {
		t.Fatalf("SendMessage after the document = %+v, %v; want message_id 2", m, err)
	}
	_, err = b.EditMessageText(ctx, &bot.EditMessageTextParams{ChatID: chatID, MessageID: 1, Text: "x"})
	wantBadRequest(t, err, fakebotapi.DescNoTextToEdit)

	// Sent again by the file_id it got, or by URL.
	again, err := b.SendDocument(ctx, &bot.SendDocumentParams{ChatID: chatID, Document: &models.InputFileString{Data: d.FileID}})
	if err != nil || again.Document == nil || again.Document.FileID != d.FileID {
		t.Fatalf("SendDocument by file_id = %+v, %v", again, err)
	}
	if m := srv.Last(chatID); m.ID != 3 || !bytes.Equal(m.Document.Data, pdf) || m.Document.Caption != "" {
		t.Fatalf("sent by file_id, Last = %+v, document %+v", m, m.Document)
	}
	byURL, err := b.SendDocument(ctx, &bot.SendDocumentParams{ChatID: chatID, Document: &models.InputFileString{Data: "https://example.org/files/report.pdf"}})
	if err != nil || byURL.Document == nil || byURL.Document.FileName != "report.pdf" {
		t.Fatalf("SendDocument by URL = %+v, %v", byURL, err)
	}
	if m := srv.Last(chatID).Document; m.URL != "https://example.org/files/report.pdf" || m.Data != nil || m.Filename != "report.pdf" {
		t.Fatalf("sent by URL, document = %+v", m)
	}

	// Refused as Telegram refuses them, leaving nothing in the chat.
	before := len(srv.Messages(chatID))
	file := func(name string, data []byte) models.InputFile {
		return &models.InputFileUpload{Filename: name, Data: bytes.NewReader(data)}
	}
	cases := []struct {
		name   string
		params bot.SendDocumentParams
		want   string
	}{
		{"empty file_id", bot.SendDocumentParams{Document: &models.InputFileString{Data: ""}}, fakebotapi.DescNoDocument},
		{"unknown file_id", bot.SendDocumentParams{Document: &models.InputFileString{Data: "BQACAgIAAxkBAAIBBmZ"}}, fakebotapi.DescWrongFileID},
		{"empty upload", bot.SendDocumentParams{Document: file("empty.pdf", []byte{})}, fakebotapi.DescFileEmpty},
		{"caption of 1025 characters", bot.SendDocumentParams{Document: file("a.pdf", pdf), Caption: strings.Repeat("қ", 1025)}, fakebotapi.DescCaptionTooLong},
		{"caption with bad HTML", bot.SendDocumentParams{Document: file("a.pdf", pdf), Caption: "<b>x", ParseMode: models.ParseModeHTML}, fakebotapi.DescCantParseEntities},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.params.ChatID = chatID
			_, err := b.SendDocument(ctx, &c.params)
			wantBadRequest(t, err, c.want)
		})
	}
	if _, err := b.SendDocument(ctx, &bot.SendDocumentParams{ChatID: chatID, Document: file("a.pdf", pdf), Caption: strings.Repeat("қ", 1024)}); err != nil {
		t.Fatalf("a caption of 1024 characters: %v", err)
	}
	if got := len(srv.Messages(chatID)); got != before+1 {
		t.Fatalf("%d messages, want %d: refused documents must leave nothing", got, before+1)
	}

	// No document at all, on the wire.
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	_ = mw.WriteField("chat_id", fmt.Sprint(chatID))
	_ = mw.WriteField("caption", "no file")
	_ = mw.Close()
	status, answer := call(t, ctx, srv.URL+"/bot"+srv.Token+"/sendDocument", mw.FormDataContentType(), body.Bytes())
	if status != http.StatusBadRequest || answer.OK || answer.Description != fakebotapi.DescNoDocument {
		t.Fatalf("sendDocument without a document = %d %+v", status, answer)
	}

	srv.BlockedBy(chatID)
	_, err = b.SendDocument(ctx, &bot.SendDocumentParams{ChatID: chatID, Document: file("a.pdf", pdf)})
	if !errors.Is(err, bot.ErrorForbidden) {
		t.Fatalf("SendDocument to a chat that blocked the bot: %v", err)
	}
}
