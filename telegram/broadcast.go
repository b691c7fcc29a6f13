package telegram

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	tg "github.com/go-telegram/bot"
	"github.com/qamqor/qamqor/bot"
)

// Deliver sends one reply as a new message to chat, once, and says what Telegram answered
// in the terms news.Broadcaster acts on: a 429 is *bot.RetryAfterError, a person who blocked
// the bot, deleted their account or never started it is bot.ErrRecipientGone, another
// refusal is bot.ErrRejected; anything else (5xx, the network before the request went out)
// may be retried. A request that went out with no answer (a timeout, a broken connection)
// may have been shown: it is bot.ErrRejected too, so nobody gets the message twice. The
// broadcaster keeps the pace, so nothing here waits.
func (b *Bot) Deliver(ctx context.Context, chat int64, r bot.Reply) error {
	body := &sendMessageBody{ChatID: chat, Text: r.Text, ReplyMarkup: jsonButtons(r.Buttons)}
	sendCtx, cancel := context.WithTimeout(ctx, cmp.Or(b.cfg.RequestTimeout, defaultRequestTimeout))
	defer cancel()
	sendCtx, sent := traced(sendCtx)
	err := b.send.direct.call(sendCtx, "sendMessage", body)
	var tooMany *tg.TooManyRequestsError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &tooMany):
		return &bot.RetryAfterError{After: time.Duration(max(tooMany.RetryAfter, 1)) * time.Second}
	case errors.Is(err, tg.ErrorForbidden):
		return fmt.Errorf("%w: %v", bot.ErrRecipientGone, err)
	case errors.Is(err, tg.ErrorBadRequest) && strings.Contains(strings.ToLower(err.Error()), "chat not found"):
		return fmt.Errorf("%w: %v", bot.ErrRecipientGone, err)
	case errors.Is(err, tg.ErrorBadRequest), errors.Is(err, tg.ErrorUnauthorized), errors.Is(err, tg.ErrorNotFound):
		return fmt.Errorf("%w: %v", bot.ErrRejected, err)
	case sent.mayHaveArrived(err):
		return fmt.Errorf("%w: %w: %v", bot.ErrRejected, errMaybeDelivered, err)
	}
	return err
}
