package telegram

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	tg "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
	"github.com/qamqor/qamqor/bot"
)

// fetch returns the bytes of a document a person sent, for the Service. It returns nil when
// the document is larger than bot.MaxFileSize or could not be fetched: the Service then
// answers that the file is too big or did not download, and to send it again. Failures
// Telegram may recover from (429, 5xx, the network) are retried as sends are, for at most
// FileTimeout.
func (b *Bot) fetch(ctx context.Context, chat int64, doc *models.Document) []byte {
	if doc.FileSize > bot.MaxFileSize {
		return nil // the update says so: no need to ask
	}
	ctx, cancel := context.WithTimeout(ctx, b.cfg.FileTimeout)
	defer cancel()
	var f *models.File
	err := b.send.patiently(ctx, "getFile", func(ctx context.Context) error {
		var err error
		f, err = b.api.GetFile(ctx, &tg.GetFileParams{FileID: doc.FileID})
		return err
	})
	switch {
	case err != nil:
		b.log.Warn("getFile failed: the document is not downloaded", "chat", chat, "err", err)
		return nil
	case f.FileSize > bot.MaxFileSize:
		return nil
	case f.FilePath == "":
		b.log.Warn("getFile gave no file_path: the document is not downloaded", "chat", chat)
		return nil
	}
	var data []byte
	err = b.send.retry(ctx, func() error {
		var err error
		data, err = b.download(ctx, b.api.FileDownloadLink(f))
		return err
	})
	if err != nil {
		b.log.Warn("the document could not be downloaded", "chat", chat, "err", err)
		return nil
	}
	if len(data) > bot.MaxFileSize {
		return nil
	}
	return data
}

// download GETs a file from Telegram's file server, reading at most bot.MaxFileSize+1
// bytes (one more tells a file too big). The link holds the token, so no error returned
// mentions it; errors are shaped like the library's, for sender.retry to tell transient
// from final.
func (b *Bot) download(ctx context.Context, link string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, link, nil)
	if err != nil {
		return nil, fmt.Errorf("%w, download: invalid file link", tg.ErrorBadRequest)
	}
	resp, err := b.files.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // without the URL
		}
		return nil, fmt.Errorf("download: %s", b.redact(err.Error()))
	}
	defer resp.Body.Close()
	if code := resp.StatusCode; code != http.StatusOK {
		var r struct {
			Description string `json:"description"`
			Parameters  struct {
				RetryAfter int `json:"retry_after"`
			} `json:"parameters"`
		}
		_ = json.NewDecoder(io.LimitReader(resp.Body, 4096)).Decode(&r)
		desc := b.redact(r.Description)
		switch {
		case code == http.StatusTooManyRequests:
			return nil, &tg.TooManyRequestsError{Message: "download: " + desc, RetryAfter: r.Parameters.RetryAfter}
		case code >= 500:
			return nil, fmt.Errorf("download: HTTP %d %s", code, desc)
		case code == http.StatusUnauthorized:
			return nil, fmt.Errorf("%w, download: %s", tg.ErrorUnauthorized, desc)
		case code == http.StatusNotFound:
			return nil, fmt.Errorf("%w, download: %s", tg.ErrorNotFound, desc)
		}
		return nil, fmt.Errorf("%w, download: HTTP %d %s", tg.ErrorBadRequest, code, desc)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, bot.MaxFileSize+1))
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("download: reading: %s", b.redact(err.Error()))
	}
	return data, nil
}

// redact hides the token in text that may have come from a URL.
func (b *Bot) redact(text string) string {
	return strings.ReplaceAll(text, b.cfg.Token, "***")
}
