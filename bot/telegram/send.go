package telegram

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"
	"unicode/utf16"

	tg "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
	"github.com/qamqor/qamqor/bot"
	"github.com/qamqor/qamqor/checklist"
)

// maxMessage is Telegram's limit on a message's text, in UTF-16 code units.
const maxMessage = 4096

// maxCaption is Telegram's limit on a photo's or document's caption, in UTF-16 code units.
const maxCaption = 1024

// errBlocked means the person blocked the bot: nothing can reach them until they return.
var errBlocked = errors.New("telegram: the user blocked the bot")

// sender delivers replies, retrying what Telegram asks to retry: after a 429 it waits the
// retry_after Telegram gives; after a 5xx or a network error it backs off. It gives up on
// a message only when its context ends or Telegram refuses it for good (400, 403).
type sender struct {
	api        *tg.Bot
	log        *slog.Logger
	maxBackoff time.Duration
	// renders bounds the checklist PDFs rendered at once (each takes a few tens of
	// milliseconds of CPU), so people asking for them together cannot take every core.
	renders chan struct{}
}

// deliver shows replies in chat, the chat the input came from. With editID set (a pressed
// button), the first message to chat replaces the one pressed, so the chat does not fill
// with old menus. A reply addressed to another chat (Reply.To) is always a new message
// there; when Telegram refuses it for good (that person blocked the bot, or never started
// it), it is logged and skipped: the person who pressed still gets their answer.
func (s *sender) deliver(ctx context.Context, chat int64, editID int, replies []bot.Reply) error {
	for _, r := range replies {
		if r.To != 0 && r.To != chat {
			err := s.reply(ctx, r.To, 0, r)
			switch {
			case errors.Is(err, errBlocked):
				s.log.Info("a reply to another chat was refused: that person blocked the bot or never started it", "chat", chat, "to", r.To, "err", err)
			case errors.Is(err, tg.ErrorBadRequest):
				s.log.Warn("a reply to another chat was refused", "chat", chat, "to", r.To, "err", err)
			case err != nil:
				return err // ctx ended: the rest cannot go either
			}
			continue
		}
		err := s.reply(ctx, chat, editID, r)
		editID = 0 // used or not, only the first reply to chat may replace the pressed message
		if err != nil {
			return err
		}
	}
	return nil
}

// reply sends one reply to chat: its picture or text, then its checklist. With editID set,
// a text replaces that message; a picture cannot, so it comes as a new message.
func (s *sender) reply(ctx context.Context, chat int64, editID int, r bot.Reply) error {
	var markup models.ReplyMarkup
	if len(r.Buttons) > 0 {
		markup = keyboard(r.Buttons)
	}
	text := r.Text
	if r.Image != nil {
		// The text is the picture's caption, unless it is too long for one: then the picture
		// goes bare and the text follows as messages, the buttons under the last.
		caption, photoMarkup := text, markup
		if strings.TrimSpace(caption) == "" {
			caption = ""
		}
		if utf16Len(caption) > maxCaption {
			caption, photoMarkup = "", nil
		} else {
			text = "" // said with the picture
		}
		if err := s.photo(ctx, chat, *r.Image, caption, photoMarkup); err != nil {
			return err
		}
		editID = 0
	}
	if r.Image == nil || text != "" {
		parts := splitText(text, maxMessage)
		for i, part := range parts {
			var partMarkup models.ReplyMarkup
			if i == len(parts)-1 {
				partMarkup = markup
			}
			if editID != 0 {
				edited, err := s.edit(ctx, chat, editID, part, partMarkup)
				editID = 0
				if err != nil {
					return err
				}
				if edited {
					continue
				}
			}
			if err := s.send(ctx, chat, part, partMarkup); err != nil {
				return err
			}
		}
	}
	if r.Checklist != nil {
		if err := s.document(ctx, chat, *r.Checklist); err != nil {
			return err
		}
	}
	return nil
}

// ImageFile is the name a picture is sent under when its Image has none.
const ImageFile = "qamqor.png"

// photo sends a PNG picture with a caption (none when "") and buttons.
func (s *sender) photo(ctx context.Context, chat int64, img bot.Image, caption string, markup models.ReplyMarkup) error {
	name := img.Name
	if name == "" {
		name = ImageFile
	}
	return s.retry(ctx, func() error {
		_, err := s.api.SendPhoto(ctx, &tg.SendPhotoParams{
			ChatID:      chat,
			Photo:       &models.InputFileUpload{Filename: name, Data: bytes.NewReader(img.PNG)}, // a new reader each try
			Caption:     caption,
			ReplyMarkup: markup,
		})
		return err
	})
}

// ChecklistFile is the name a checklist document is sent under.
const ChecklistFile = "qamqor-checklist.pdf"

// document sends a checklist as a PDF file.
func (s *sender) document(ctx context.Context, chat int64, c bot.Checklist) error {
	select {
	case s.renders <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	pdf, err := checklist.PDF(c)
	<-s.renders
	if err != nil {
		return fmt.Errorf("rendering the checklist: %w", err)
	}
	return s.retry(ctx, func() error {
		_, err := s.api.SendDocument(ctx, &tg.SendDocumentParams{
			ChatID:   chat,
			Document: &models.InputFileUpload{Filename: ChecklistFile, Data: bytes.NewReader(pdf)},
		})
		return err
	})
}

// edit replaces a message's text and buttons. It reports false, with no error, when the
// message can no longer be edited, so the caller sends a new one instead.
func (s *sender) edit(ctx context.Context, chat int64, id int, text string, markup models.ReplyMarkup) (bool, error) {
	err := s.retry(ctx, func() error {
		_, err := s.api.EditMessageText(ctx, &tg.EditMessageTextParams{ChatID: chat, MessageID: id, Text: text, ReplyMarkup: markup})
		return err
	})
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, tg.ErrorBadRequest) && strings.Contains(err.Error(), "message is not modified"):
		return true, nil // the same screen pressed again: it is already shown
	case errors.Is(err, tg.ErrorBadRequest):
		return false, nil // too old, deleted, or not ours to edit
	}
	return false, err
}

func (s *sender) send(ctx context.Context, chat int64, text string, markup models.ReplyMarkup) error {
	return s.retry(ctx, func() error {
		_, err := s.api.SendMessage(ctx, &tg.SendMessageParams{ChatID: chat, Text: text, ReplyMarkup: markup})
		return err
	})
}

// answer stops the spinner on a pressed button; Telegram expects every press answered.
func (s *sender) answer(ctx context.Context, callbackID string) error {
	return s.retry(ctx, func() error {
		_, err := s.api.AnswerCallbackQuery(ctx, &tg.AnswerCallbackQueryParams{CallbackQueryID: callbackID})
		return err
	})
}

// retry calls f until it succeeds, fails for good, or ctx ends.
func (s *sender) retry(ctx context.Context, f func() error) error {
	backoff := 100 * time.Millisecond
	for {
		err := f()
		if err == nil {
			return nil
		}
		var wait time.Duration
		var tooMany *tg.TooManyRequestsError
		switch {
		case errors.As(err, &tooMany):
			wait = time.Duration(max(tooMany.RetryAfter, 1)) * time.Second
		case errors.Is(err, tg.ErrorForbidden):
			return fmt.Errorf("%w: %v", errBlocked, err)
		case errors.Is(err, tg.ErrorBadRequest), errors.Is(err, tg.ErrorUnauthorized),
			errors.Is(err, tg.ErrorNotFound), errors.Is(err, tg.ErrorConflict):
			return err
		case ctx.Err() != nil:
			return ctx.Err()
		default: // 5xx or the network: back off
			wait = backoff
			backoff = min(2*backoff, s.maxBackoff)
		}
		s.log.Debug("telegram asked to retry", "wait", wait, "err", err)
		select {
		case <-time.After(wait):
		case <-ctx.Done():
			return fmt.Errorf("giving up after %w: %v", ctx.Err(), err)
		}
	}
}

func keyboard(rows [][]bot.Button) *models.InlineKeyboardMarkup {
	kb := &models.InlineKeyboardMarkup{InlineKeyboard: make([][]models.InlineKeyboardButton, 0, len(rows))}
	for _, row := range rows {
		r := make([]models.InlineKeyboardButton, 0, len(row))
		for _, b := range row {
			r = append(r, models.InlineKeyboardButton{Text: b.Label, CallbackData: b.Data, URL: b.URL})
		}
		kb.InlineKeyboard = append(kb.InlineKeyboard, r)
	}
	return kb
}

// splitText cuts text into messages of at most limit UTF-16 code units, at paragraph
// boundaries where it can, else at line ends, else at spaces, else anywhere.
func splitText(text string, limit int) []string {
	var parts []string
	for utf16Len(text) > limit {
		cut := cutPoint(text, limit)
		parts = append(parts, strings.TrimRight(text[:cut], " \n"))
		text = strings.TrimLeft(text[cut:], " \n")
	}
	if text != "" || len(parts) == 0 {
		parts = append(parts, text)
	}
	return parts
}

// cutPoint returns the byte offset at which to end the first part of text.
func cutPoint(text string, limit int) int {
	// fit is the longest prefix within the limit, in bytes.
	fit, units := 0, 0
	for i, r := range text {
		n := 1
		if r >= 0x10000 {
			n = 2
		}
		if units+n > limit {
			break
		}
		units += n
		fit = i + len(string(r))
	}
	head := text[:fit]
	for _, sep := range []string{"\n\n", "\n", " "} {
		if i := strings.LastIndex(head, sep); i > 0 {
			return i
		}
	}
	return fit
}

func utf16Len(s string) int { return len(utf16.Encode([]rune(s))) }
