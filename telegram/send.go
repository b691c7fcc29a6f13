package telegram

import (
	"bytes"
	"cmp"
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

// sender delivers replies, retrying what is safe to retry: after a 429 it waits the
// retry_after Telegram gives (up to maxRetryAfter); after a 5xx answer, or a failure before
// the request went out whole, it backs off and tries again. A new message (sendMessage,
// sendPhoto, sendDocument) is never sent a second time once Telegram may have received it
// (a timeout or a broken connection after the request was written): Telegram may have
// shown it, and a second try would show it twice. Edits and callback answers, which are the
// same when repeated, are retried then too. It gives up on a call when its context ends,
// Telegram refuses it for good (400, 403), or, for a reply, when Telegram asks to wait
// longer than maxRetryAfter or the waits add up to more than maxRetryWait.
type sender struct {
	api        *tg.Bot
	direct     *botAPI // the calls of a common update, as JSON (see botAPI)
	log        *slog.Logger
	maxBackoff time.Duration
	// renders bounds the checklist PDFs rendered at once (each takes a few tens of
	// milliseconds of CPU), so people asking for them together cannot take every core.
	renders chan struct{}
	// requestTimeout bounds one try of a call (each is a new request).
	requestTimeout time.Duration
}

// Bounds on waiting for Telegram, per call.
const (
	// maxRetryAfter is the longest retry_after the sender waits out. Telegram asks for a
	// second or a few for one chat, up to a minute or two for a flooded chat or a group
	// (the chat waits alone: its worker, not the others'); more means flood control for a
	// long time, and the message is given up rather than held for it.
	maxRetryAfter = 2 * time.Minute
	// maxRetryWait bounds the waits between tries of one call, added up.
	maxRetryWait = 3 * time.Minute
	// defaultRequestTimeout bounds one request when Config.RequestTimeout is not set.
	defaultRequestTimeout = 30 * time.Second
)

// errMaybeDelivered means a new message's request reached Telegram whole but no answer
// came (a timeout, a broken connection): it may well be shown, so it is not sent again.
var errMaybeDelivered = errors.New("telegram: no answer came after the request went out; it may have been delivered, so it is not sent again")

// errWaitTooLong means a reply would wait for Telegram longer than the sender lets it.
var errWaitTooLong = errors.New("telegram: the wait would be too long")

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
	markup := jsonButtons(r.Buttons)
	text := r.Text
	if r.Image != nil {
		// The text is the picture's caption, unless it is too long for one: then the picture
		// goes bare and the text follows as messages, the buttons under the last.
		caption := text
		var photoMarkup models.ReplyMarkup
		if len(r.Buttons) > 0 {
			photoMarkup = keyboard(r.Buttons)
		}
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
			var partMarkup *jsonKeyboard
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
	for _, f := range r.Documents {
		if err := s.file(ctx, chat, f); err != nil {
			return err
		}
	}
	return nil
}

// file sends a document made by a feature (a report).
func (s *sender) file(ctx context.Context, chat int64, f bot.File) error {
	return s.once(ctx, chat, "sendDocument", func(ctx context.Context) error {
		_, err := s.api.SendDocument(ctx, &tg.SendDocumentParams{
			ChatID:   chat,
			Document: &models.InputFileUpload{Filename: f.Name, Data: bytes.NewReader(f.Data)}, // a new reader each try
		})
		return err
	})
}

// ImageFile is the name a picture is sent under when its Image has none.
const ImageFile = "qamqor.png"

// photo sends a PNG picture with a caption (none when "") and buttons.
func (s *sender) photo(ctx context.Context, chat int64, img bot.Image, caption string, markup models.ReplyMarkup) error {
	name := img.Name
	if name == "" {
		name = ImageFile
	}
	return s.once(ctx, chat, "sendPhoto", func(ctx context.Context) error {
		_, err := s.api.SendPhoto(ctx, &tg.SendPhotoParams{
			ChatID:      chat,
			Photo:       &models.InputFileUpload{Filename: name, Data: bytes.NewReader(img.PNG)}, // a new reader each try
			Caption:     caption,
			ReplyMarkup: markup,
		})
		return err
	})
}

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
	return s.once(ctx, chat, "sendDocument", func(ctx context.Context) error {
		_, err := s.api.SendDocument(ctx, &tg.SendDocumentParams{
			ChatID:   chat,
			Document: &models.InputFileUpload{Filename: c.FileName(), Data: bytes.NewReader(pdf)},
		})
		return err
	})
}

// edit replaces a message's text and buttons. It reports false, with no error, when the
// message can no longer be edited, so the caller sends a new one instead.
func (s *sender) edit(ctx context.Context, chat int64, id int, text string, markup *jsonKeyboard) (bool, error) {
	body := &editMessageTextBody{ChatID: chat, MessageID: id, Text: text, ReplyMarkup: markup}
	err := s.again(ctx, "editMessageText", func(ctx context.Context) error {
		return s.direct.call(ctx, "editMessageText", body)
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

// send shows text as a new message in chat, with buttons when markup is not nil.
func (s *sender) send(ctx context.Context, chat int64, text string, markup *jsonKeyboard) error {
	body := &sendMessageBody{ChatID: chat, Text: text, ReplyMarkup: markup}
	return s.once(ctx, chat, "sendMessage", func(ctx context.Context) error {
		return s.direct.call(ctx, "sendMessage", body)
	})
}

// answer stops the spinner on a pressed button; Telegram expects every press answered.
func (s *sender) answer(ctx context.Context, callbackID string) error {
	body := &answerCallbackQueryBody{CallbackQueryID: callbackID}
	return s.again(ctx, "answerCallbackQuery", func(ctx context.Context) error {
		return s.direct.call(ctx, "answerCallbackQuery", body)
	})
}

// once makes a call that shows a new message in chat: tried again only while Telegram
// cannot have received it. When it may have (no answer after the request went out), the
// message counts as sent, with a warning: the rest of the reply follows it.
func (s *sender) once(ctx context.Context, chat int64, method string, f func(context.Context) error) error {
	err := s.try(ctx, call{method: method, once: true}, f)
	if errors.Is(err, errMaybeDelivered) {
		s.log.Warn("Telegram did not answer a message it may have shown; it is not sent again", "chat", chat, "method", method, "err", err)
		return nil
	}
	return err
}

// again makes a call that is the same when repeated (an edit, a callback answer), for a
// reply: tried again whatever became of the last try, within the bounds on waiting.
func (s *sender) again(ctx context.Context, method string, f func(context.Context) error) error {
	return s.try(ctx, call{method: method}, f)
}

// patiently makes a call of the bot's own (start-up, files) that is the same when
// repeated, until it succeeds, fails for good or ctx ends: no bound on the waits, as
// there is no person waiting for it.
func (s *sender) patiently(ctx context.Context, method string, f func(context.Context) error) error {
	return s.try(ctx, call{method: method, patient: true}, f)
}

// retry is patiently for f that makes its own requests, without a per-try deadline.
func (s *sender) retry(ctx context.Context, f func() error) error {
	return s.try(ctx, call{patient: true}, func(context.Context) error { return f() })
}

// call says how try may repeat a Bot API call.
type call struct {
	method string // for errors and logs
	// once: not tried again once Telegram may have received it (a new message).
	once bool
	// patient: waits out any retry_after, and any number of tries, until ctx ends.
	patient bool
}

// try calls f, each time with a context bounded by the request timeout, until it succeeds,
// fails for good, or ctx ends. For a call made once, f is not called again after a try
// whose request may have reached Telegram: try returns errMaybeDelivered. Unless the call
// is patient, try gives up (errWaitTooLong) rather than wait more than maxRetryAfter at a
// time or maxRetryWait in all.
func (s *sender) try(ctx context.Context, c call, f func(context.Context) error) error {
	backoff := 100 * time.Millisecond
	var waited time.Duration
	for {
		attempt, cancel := context.WithTimeout(ctx, cmp.Or(s.requestTimeout, defaultRequestTimeout))
		attempt, sent := traced(attempt)
		err := f(attempt)
		cancel()
		if err == nil {
			return nil
		}
		var wait time.Duration
		var tooMany *tg.TooManyRequestsError
		switch {
		case errors.As(err, &tooMany):
			wait = time.Duration(max(tooMany.RetryAfter, 1)) * time.Second
			if wait > maxRetryAfter && !c.patient {
				return fmt.Errorf("%w: Telegram asks to wait %v before %s; a message waits at most %v", errWaitTooLong, wait, c.method, maxRetryAfter)
			}
		case errors.Is(err, tg.ErrorForbidden):
			return fmt.Errorf("%w: %v", errBlocked, err)
		case errors.Is(err, tg.ErrorBadRequest), errors.Is(err, tg.ErrorUnauthorized),
			errors.Is(err, tg.ErrorNotFound), errors.Is(err, tg.ErrorConflict):
			return err
		case ctx.Err() != nil:
			return ctx.Err()
		case c.once && sent.mayHaveArrived(err):
			return fmt.Errorf("%w: %s: %v", errMaybeDelivered, c.method, err)
		default: // a 5xx answer, or the network before the request went out: back off
			wait = backoff
			backoff = min(2*backoff, s.maxBackoff)
		}
		if waited += wait; waited > maxRetryWait && !c.patient {
			return fmt.Errorf("%w: %s has waited %v for Telegram; a message waits at most %v: %v", errWaitTooLong, c.method, waited-wait, maxRetryWait, err)
		}
		s.log.Debug("telegram asked to retry", "method", c.method, "wait", wait, "err", err)
		if !pause(ctx, wait) {
			return fmt.Errorf("giving up after %w: %v", ctx.Err(), err)
		}
	}
}

// pause waits for d, or until ctx ends: then it reports false.
func pause(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
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
	if len(text) <= limit { // a UTF-16 unit takes at least a byte: no need to count them
		return []string{text}
	}
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
