package bot

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Deliver sends one reply to a chat, once, without retrying: what a feature that sends on
// its own (the news broadcaster) gets from an adapter. It returns ErrRecipientGone,
// ErrRejected, *RetryAfterError or any other (transient) error, and the caller decides.
type Deliver func(ctx context.Context, chat int64, r Reply) error

// Delivery errors an adapter's Deliver returns, so the sender knows what to do.
var (
	// ErrRecipientGone: the person blocked the bot, deleted their account or never started
	// it.
	ErrRecipientGone = errors.New("bot: the recipient blocked the bot or is gone")
	// ErrRejected: the messenger refused this message for good; it is not retried.
	ErrRejected = errors.New("bot: the message was refused")
)

// RetryAfterError asks the sender to wait before any further message (Telegram's 429).
type RetryAfterError struct{ After time.Duration }

func (e *RetryAfterError) Error() string {
	return fmt.Sprintf("bot: too many requests, retry after %s", e.After)
}
