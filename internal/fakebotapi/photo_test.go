package fakebotapi_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/qamqor/qamqor/internal/fakebotapi"
)

// pngOf is a w×h PNG, a checkerboard so it is not all one colour.
func pngOf(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewGray(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			if (x+y)%2 == 0 {
				img.SetGray(x, y, color.Gray{Y: 255})
			}
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func upload(name string, data []byte) models.InputFile {
	return &models.InputFileUpload{Filename: name, Data: bytes.NewReader(data)}
}

func TestSendPhoto(t *testing.T) {
	srv := fakebotapi.Start(t)
	srv.Started(chatID)
	b := newClient(t, srv)
	ctx := context.Background()
	qr := pngOf(t, 33, 21)

	sent, err := b.SendPhoto(ctx, &bot.SendPhotoParams{
		ChatID:      chatID,
		Photo:       upload("qamqor-referral.png", qr),
		Caption:     "<b>Жолдама</b> — направление",
		ParseMode:   models.ParseModeHTML,
		ReplyMarkup: keyboard([]models.InlineKeyboardButton{button("Menu", "m")}),
	})
	if err != nil {
		t.Fatalf("SendPhoto: %v", err)
	}
	if sent.ID != 1 || sent.Text != "" || sent.Caption != "Жолдама — направление" || sent.Document != nil || len(sent.Photo) != 1 {
		t.Fatalf("returned message = %+v", sent)
	}
	if p := sent.Photo[0]; p.Width != 33 || p.Height != 21 || p.FileSize != len(qr) || p.FileID == "" || p.FileUniqueID == "" {
		t.Fatalf("returned photo = %+v", p)
	}
	if sent.ReplyMarkup == nil || sent.ReplyMarkup.InlineKeyboard[0][0].CallbackData != "m" {
		t.Fatalf("returned reply_markup = %+v", sent.ReplyMarkup)
	}

	got := srv.Last(chatID)
	p := got.Photo
	if got.ID != 1 || !got.FromBot || got.Text != "" || got.Document != nil || p == nil ||
		p.Filename != "qamqor-referral.png" || !bytes.Equal(p.Data, qr) || p.Width != 33 || p.Height != 21 ||
		p.Caption != "Жолдама — направление" || p.CaptionSource != "<b>Жолдама</b> — направление" ||
		p.FileID != sent.Photo[0].FileID || p.URL != "" {
		t.Fatalf("Last = %+v, photo %+v", got, p)
	}
	if len(got.Buttons) != 1 || got.Buttons[0][0] != (fakebotapi.Button{Text: "Menu", CallbackData: "m"}) {
		t.Fatalf("Last buttons = %+v", got.Buttons)
	}
	decoded, err := png.Decode(bytes.NewReader(p.Data))
	if err != nil || decoded.Bounds().Dx() != 33 || decoded.Bounds().Dy() != 21 {
		t.Fatalf("the photo read back: %v, %v", decoded, err)
	}
	recorded := srv.Calls("sendPhoto")[0]
	if up, _ := recorded.Params["photo"].(map[string]any); up["file_name"] != "qamqor-referral.png" || recorded.Param("caption") != "<b>Жолдама</b> — направление" {
		t.Fatalf("the call's params = %#v", recorded.Params)
	}

	// A photo's caption is not text to edit; its buttons are.
	_, err = b.EditMessageText(ctx, &bot.EditMessageTextParams{ChatID: chatID, MessageID: 1, Text: "x"})
	wantBadRequest(t, err, fakebotapi.DescNoTextToEdit)
	if _, err := b.EditMessageReplyMarkup(ctx, &bot.EditMessageReplyMarkupParams{ChatID: chatID, MessageID: 1,
		ReplyMarkup: keyboard([]models.InlineKeyboardButton{button("Back", "b:x")})}); err != nil {
		t.Fatalf("EditMessageReplyMarkup on a photo: %v", err)
	}
	if m := srv.Last(chatID); m.Edits != 1 || m.Buttons[0][0].CallbackData != "b:x" || m.Photo.Caption != "Жолдама — направление" {
		t.Fatalf("after editing the photo's buttons Last = %+v", m)
	}

	// Sent again by its file_id, or by URL; message ids go on across methods.
	again, err := b.SendPhoto(ctx, &bot.SendPhotoParams{ChatID: chatID, Photo: &models.InputFileString{Data: p.FileID}})
	if err != nil || again.ID != 2 || len(again.Photo) != 1 || again.Photo[0].FileID != p.FileID || again.Caption != "" {
		t.Fatalf("SendPhoto by file_id = %+v, %v", again, err)
	}
	if m := srv.Last(chatID); !bytes.Equal(m.Photo.Data, qr) || m.Photo.Caption != "" {
		t.Fatalf("sent by file_id, Last photo = %+v", m.Photo)
	}
	if _, err := b.SendPhoto(ctx, &bot.SendPhotoParams{ChatID: chatID, Photo: &models.InputFileString{Data: "https://example.org/img/qr.png"}}); err != nil {
		t.Fatalf("SendPhoto by URL: %v", err)
	}
	if m := srv.Last(chatID).Photo; m.URL != "https://example.org/img/qr.png" || m.Data != nil || m.Filename != "qr.png" {
		t.Fatalf("sent by URL, photo = %+v", m)
	}

	// A photo is not a document, nor a document a photo.
	doc, err := b.SendDocument(ctx, &bot.SendDocumentParams{ChatID: chatID, Document: upload("a.pdf", []byte("%PDF-1.3"))})
	if err != nil {
		t.Fatal(err)
	}
	before := len(srv.Messages(chatID))
	_, err = b.SendDocument(ctx, &bot.SendDocumentParams{ChatID: chatID, Document: &models.InputFileString{Data: p.FileID}})
	wantBadRequest(t, err, fakebotapi.DescFileTypeMismatch)

	// Refused as Telegram refuses them, leaving nothing in the chat.
	big := make([]byte, fakebotapi.MaxPhotoSize+1)
	copy(big, qr)
	cases := []struct {
		name   string
		params bot.SendPhotoParams
		want   string
	}{
		{"empty file_id", bot.SendPhotoParams{Photo: &models.InputFileString{Data: " "}}, fakebotapi.DescNoPhoto},
		{"unknown file_id", bot.SendPhotoParams{Photo: &models.InputFileString{Data: "AgACAgIAAxkBAAIBBmZ"}}, fakebotapi.DescWrongFileID},
		{"a document's file_id", bot.SendPhotoParams{Photo: &models.InputFileString{Data: doc.Document.FileID}}, fakebotapi.DescFileTypeMismatch},
		{"empty upload", bot.SendPhotoParams{Photo: upload("qr.png", []byte{})}, fakebotapi.DescFileEmpty},
		{"not a picture", bot.SendPhotoParams{Photo: upload("qr.png", []byte("%PDF-1.3 not a picture"))}, fakebotapi.DescImageProcessFailed},
		{"a side over 20 times the other", bot.SendPhotoParams{Photo: upload("line.png", pngOf(t, 1, 21))}, fakebotapi.DescPhotoDimensions},
		{"over 10 MB", bot.SendPhotoParams{Photo: upload("big.png", big)}, fakebotapi.DescPhotoTooLarge},
		{"caption of 1025 characters", bot.SendPhotoParams{Photo: upload("qr.png", qr), Caption: strings.Repeat("қ", 1025)}, fakebotapi.DescCaptionTooLong},
		{"caption of 513 emoji", bot.SendPhotoParams{Photo: upload("qr.png", qr), Caption: strings.Repeat("😀", 513)}, fakebotapi.DescCaptionTooLong},
		{"caption with bad HTML", bot.SendPhotoParams{Photo: upload("qr.png", qr), Caption: "<b>x", ParseMode: models.ParseModeHTML}, fakebotapi.DescCantParseEntities},
		{"callback data of 65 bytes", bot.SendPhotoParams{Photo: upload("qr.png", qr),
			ReplyMarkup: keyboard([]models.InlineKeyboardButton{button("b", strings.Repeat("d", 65))})}, fakebotapi.DescButtonDataInvalid},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.params.ChatID = chatID
			_, err := b.SendPhoto(ctx, &c.params)
			wantBadRequest(t, err, c.want)
		})
	}
	if c := srv.Calls("sendPhoto"); c[len(c)-1].Code != http.StatusBadRequest || c[len(c)-1].Error != fakebotapi.DescButtonDataInvalid {
		t.Fatalf("a refused sendPhoto is recorded as %+v", c[len(c)-1])
	}
	if _, err := b.SendPhoto(ctx, &bot.SendPhotoParams{ChatID: chatID, Photo: upload("qr.png", qr), Caption: strings.Repeat("қ", 1024)}); err != nil {
		t.Fatalf("a caption of 1024 characters: %v", err)
	}
	if got := len(srv.Messages(chatID)); got != before+1 {
		t.Fatalf("%d messages, want %d: refused photos must leave nothing", got, before+1)
	}

	// No photo at all, on the wire.
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	_ = mw.WriteField("chat_id", fmt.Sprint(chatID))
	_ = mw.WriteField("caption", "no picture")
	_ = mw.Close()
	status, answer := call(t, ctx, srv.URL+"/bot"+srv.Token+"/sendPhoto", mw.FormDataContentType(), body.Bytes())
	if status != http.StatusBadRequest || answer.OK || answer.Description != fakebotapi.DescNoPhoto {
		t.Fatalf("sendPhoto without a photo = %d %+v", status, answer)
	}

	srv.BlockedBy(chatID)
	_, err = b.SendPhoto(ctx, &bot.SendPhotoParams{ChatID: chatID, Photo: upload("qr.png", qr)})
	if !errors.Is(err, bot.ErrorForbidden) || !strings.Contains(err.Error(), "bot was blocked by the user") {
		t.Fatalf("SendPhoto to a chat that blocked the bot: %v", err)
	}
}

func TestABotCannotStartAConversation(t *testing.T) {
	srv := fakebotapi.Start(t)
	b := newClient(t, srv)
	ctx := context.Background()
	const stranger, group, supergroup = int64(777), int64(-4242), int64(-1001234567890123)

	wantForbidden := func(t *testing.T, what string, err error, description string) {
		t.Helper()
		if !errors.Is(err, bot.ErrorForbidden) || !strings.Contains(err.Error(), strings.TrimPrefix(description, "Forbidden: ")) {
			t.Fatalf("%s: got %v, want 403 %q", what, err, description)
		}
	}
	_, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: stranger, Text: "hello"})
	wantForbidden(t, "sendMessage to a stranger", err, fakebotapi.DescCantInitiate)
	_, err = b.SendPhoto(ctx, &bot.SendPhotoParams{ChatID: stranger, Photo: upload("qr.png", pngOf(t, 8, 8))})
	wantForbidden(t, "sendPhoto to a stranger", err, fakebotapi.DescCantInitiate)
	_, err = b.SendDocument(ctx, &bot.SendDocumentParams{ChatID: stranger, Document: upload("a.pdf", []byte("%PDF"))})
	wantForbidden(t, "sendDocument to a stranger", err, fakebotapi.DescCantInitiate)
	_, err = b.SendChatAction(ctx, &bot.SendChatActionParams{ChatID: stranger, Action: models.ChatActionTyping})
	wantForbidden(t, "sendChatAction to a stranger", err, fakebotapi.DescCantInitiate)
	_, err = b.SendMessage(ctx, &bot.SendMessageParams{ChatID: group, Text: "hello"})
	wantForbidden(t, "sendMessage to a group", err, fakebotapi.DescNotGroupMember)
	_, err = b.SendMessage(ctx, &bot.SendMessageParams{ChatID: supergroup, Text: "hello"})
	wantForbidden(t, "sendMessage to a supergroup", err, fakebotapi.DescNotSupergroupMember)
	if len(srv.Messages(stranger)) != 0 || len(srv.Messages(group)) != 0 {
		t.Fatal("a refused send left a message")
	}
	// The raw answer has Telegram's shape.
	status, answer := callJSON(t, srv, "sendMessage", map[string]any{"chat_id": stranger, "text": "x"})
	if status != http.StatusForbidden || answer.OK || answer.ErrorCode != 403 || answer.Description != fakebotapi.DescCantInitiate {
		t.Fatalf("raw answer = %d %+v", status, answer)
	}

	// Writing, pressing, a pushed update, or Started: then the bot may write.
	srv.SendText(1, "/start", "kk")
	srv.Press(2, 1, "old")
	srv.Push(models.Update{Message: &models.Message{ID: 1, Chat: models.Chat{ID: group, Type: models.ChatTypeGroup}, Text: "hi"}})
	srv.Started(stranger, supergroup)
	for _, chat := range []int64{1, 2, group, stranger, supergroup} {
		if _, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: chat, Text: "hello"}); err != nil {
			t.Fatalf("sendMessage to %d after it wrote: %v", chat, err)
		}
	}

	// Blocking wins over having written, and ends with Unblock; a stranger who blocks the
	// bot gets the blocked answer too.
	srv.BlockedBy(stranger)
	_, err = b.SendMessage(ctx, &bot.SendMessageParams{ChatID: stranger, Text: "hello"})
	wantForbidden(t, "sendMessage to a blocker", err, fakebotapi.DescBlocked)
	srv.Unblock(stranger)
	if _, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: stranger, Text: "again"}); err != nil {
		t.Fatalf("after Unblock: %v", err)
	}
	srv.BlockedBy(888)
	_, err = b.SendMessage(ctx, &bot.SendMessageParams{ChatID: 888, Text: "hello"})
	wantForbidden(t, "sendMessage to a stranger who blocked the bot", err, fakebotapi.DescBlocked)
}
