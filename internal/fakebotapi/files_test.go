package fakebotapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/qamqor/qamqor/internal/fakebotapi"
)

// download GETs url and returns the status and body.
func download(t *testing.T, url string) (int, []byte) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET: %v", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("reading the body: %v", err)
	}
	return resp.StatusCode, body
}

func TestAPersonSendsAFileAndTheBotDownloadsIt(t *testing.T) {
	srv := fakebotapi.Start(t)
	b := newClient(t, srv)
	ctx := context.Background()
	archive := []byte("PK\x03\x04 a content archive, Қамқор")

	id := srv.SendFile(chatID, "content.zip", archive, "kk")

	// The update, as it comes over the wire.
	status, answer := callJSON(t, srv, "getUpdates", map[string]any{})
	if status != http.StatusOK || !answer.OK {
		t.Fatalf("getUpdates = %d %+v", status, answer)
	}
	var raw []struct {
		UpdateID int64 `json:"update_id"`
		Message  map[string]json.RawMessage
	}
	if err := json.Unmarshal(answer.Result, &raw); err != nil || len(raw) != 1 || raw[0].UpdateID != id {
		t.Fatalf("updates %s: %v", answer.Result, err)
	}
	if _, hasText := raw[0].Message["text"]; hasText {
		t.Errorf("a document message has text: %s", answer.Result)
	}
	var doc map[string]any
	if err := json.Unmarshal(raw[0].Message["document"], &doc); err != nil {
		t.Fatalf("message.document in %s: %v", answer.Result, err)
	}
	fileID, _ := doc["file_id"].(string)
	if fileID == "" || doc["file_unique_id"] == "" || doc["file_name"] != "content.zip" ||
		doc["mime_type"] != "application/zip" || doc["file_size"] != float64(len(archive)) {
		t.Fatalf("message.document = %v", doc)
	}
	var from models.User
	if err := json.Unmarshal(raw[0].Message["from"], &from); err != nil || from.ID != chatID || from.LanguageCode != "kk" {
		t.Fatalf("message.from = %s: %v", raw[0].Message["from"], err)
	}

	// The chat shows the person's file.
	history := srv.History(chatID)
	if len(history) != 1 || history[0].FromBot || history[0].Document == nil ||
		history[0].Document.Filename != "content.zip" || !bytes.Equal(history[0].Document.Data, archive) {
		t.Fatalf("History = %+v", history)
	}
	// The person wrote, so the bot may answer.
	if _, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: chatID, Text: "got it"}); err != nil {
		t.Fatalf("answering the person: %v", err)
	}

	// getFile gives a path, the download link the bytes.
	f, err := b.GetFile(ctx, &bot.GetFileParams{FileID: fileID})
	if err != nil {
		t.Fatalf("GetFile: %v", err)
	}
	if f.FileID != fileID || f.FileUniqueID != doc["file_unique_id"] || f.FileSize != int64(len(archive)) ||
		!strings.HasPrefix(f.FilePath, "documents/") || !strings.HasSuffix(f.FilePath, ".zip") {
		t.Fatalf("GetFile = %+v", f)
	}
	if status, body := download(t, b.FileDownloadLink(f)); status != http.StatusOK || !bytes.Equal(body, archive) {
		t.Fatalf("download = %d %q", status, body)
	}
	if again, err := b.GetFile(ctx, &bot.GetFileParams{FileID: fileID}); err != nil || again.FilePath != f.FilePath {
		t.Fatalf("GetFile again = %+v, %v; want the same file_path", again, err)
	}
	if c := srv.Calls(fakebotapi.Download); len(c) != 1 || c[0].Code != http.StatusOK || c[0].Param("file_path") != f.FilePath {
		t.Fatalf("recorded downloads = %+v", c)
	}

	// Refusals, with Telegram's answers.
	if status, body := download(t, srv.URL+"/file/bot999:wrong/"+f.FilePath); status != http.StatusUnauthorized ||
		string(body) != `{"ok":false,"error_code":401,"description":"Unauthorized"}` {
		t.Fatalf("a wrong token = %d %s", status, body)
	}
	if status, body := download(t, srv.URL+"/file/bot"+srv.Token+"/documents/file_99.zip"); status != http.StatusNotFound ||
		string(body) != `{"ok":false,"error_code":404,"description":"Not Found"}` {
		t.Fatalf("an unknown path = %d %s", status, body)
	}
	_, err = b.GetFile(ctx, &bot.GetFileParams{FileID: "BQACAgIAAxkBAAIBBmZ"})
	wantBadRequest(t, err, fakebotapi.DescInvalidFileID)
	status, answer = callJSON(t, srv, "getFile", map[string]any{"file_id": "nonsense"})
	if status != http.StatusBadRequest || answer.OK || answer.Description != fakebotapi.DescInvalidFileID {
		t.Fatalf("raw getFile of an unknown file_id = %d %+v", status, answer)
	}
}

func TestFilesTheBotSentCanBeFetchedToo(t *testing.T) {
	srv := fakebotapi.Start(t)
	srv.Started(chatID)
	b := newClient(t, srv)
	ctx := context.Background()
	pdf := []byte("%PDF-1.3\n%%EOF\n")

	sent, err := b.SendDocument(ctx, &bot.SendDocumentParams{ChatID: chatID, Document: upload("checklist.pdf", pdf)})
	if err != nil {
		t.Fatal(err)
	}
	f, err := b.GetFile(ctx, &bot.GetFileParams{FileID: sent.Document.FileID})
	if err != nil || f.FileSize != int64(len(pdf)) || !strings.HasSuffix(f.FilePath, ".pdf") {
		t.Fatalf("GetFile of an uploaded document = %+v, %v", f, err)
	}
	if status, body := download(t, b.FileDownloadLink(f)); status != http.StatusOK || !bytes.Equal(body, pdf) {
		t.Fatalf("download = %d %q", status, body)
	}
	photo, err := b.SendPhoto(ctx, &bot.SendPhotoParams{ChatID: chatID, Photo: upload("qr.png", pngOf(t, 8, 8))})
	if err != nil {
		t.Fatal(err)
	}
	if f, err := b.GetFile(ctx, &bot.GetFileParams{FileID: photo.Photo[0].FileID}); err != nil || !strings.HasPrefix(f.FilePath, "photos/") {
		t.Fatalf("GetFile of a photo = %+v, %v", f, err)
	}

	// A file sent by URL was never fetched: no path to download it from.
	byURL, err := b.SendDocument(ctx, &bot.SendDocumentParams{ChatID: chatID, Document: &models.InputFileString{Data: "https://example.org/a.pdf"}})
	if err != nil {
		t.Fatal(err)
	}
	if f, err := b.GetFile(ctx, &bot.GetFileParams{FileID: byURL.Document.FileID}); err != nil || f.FilePath != "" || f.FileSize != 0 {
		t.Fatalf("GetFile of a document sent by URL = %+v, %v", f, err)
	}

	// Over 20 MB a bot may not download.
	srv.SendFile(chatID, "huge.zip", make([]byte, fakebotapi.MaxDownloadSize+1), "ru")
	huge := srv.History(chatID)
	_, err = b.GetFile(ctx, &bot.GetFileParams{FileID: huge[len(huge)-1].Document.FileID})
	wantBadRequest(t, err, fakebotapi.DescFileTooBig)
}

func TestDownloadFaults(t *testing.T) {
	srv := fakebotapi.Start(t)
	b := newClient(t, srv)
	ctx := context.Background()
	data := []byte("main: {}\n")
	srv.SendFile(chatID, "main.yaml", data, "ru")
	f, err := b.GetFile(ctx, &bot.GetFileParams{FileID: srv.History(chatID)[0].Document.FileID})
	if err != nil {
		t.Fatal(err)
	}
	link := b.FileDownloadLink(f)

	srv.FailNext(fakebotapi.Download, 1, fakebotapi.FaultInternal())
	if status, body := download(t, link); status != http.StatusInternalServerError ||
		string(body) != `{"ok":false,"error_code":500,"description":"Internal Server Error"}` {
		t.Fatalf("a failed download = %d %s", status, body)
	}
	if status, body := download(t, link); status != http.StatusOK || !bytes.Equal(body, data) {
		t.Fatalf("the download after the fault = %d %q", status, body)
	}

	// "*" faults are for Bot API methods: a download passes them by.
	srv.FailNext("*", 1, fakebotapi.FaultInternal())
	if status, _ := download(t, link); status != http.StatusOK {
		t.Fatalf("a download under a * fault = %d", status)
	}
	if _, err := b.GetFile(ctx, &bot.GetFileParams{FileID: f.FileID}); err == nil {
		t.Fatal("the * fault was not left for the next method")
	}

	calls := srv.Calls(fakebotapi.Download)
	codes := []int{}
	for _, c := range calls {
		codes = append(codes, c.Code)
	}
	if len(calls) != 3 || codes[0] != 500 || calls[0].Error != fakebotapi.DescInternalError || codes[1] != 200 || codes[2] != 200 {
		t.Fatalf("recorded downloads: %v", codes)
	}
}
