package bot

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"time"

	"github.com/qamqor/qamqor/content"
	"golang.org/x/time/rate"
)

// Deliver sends one reply to a chat, once, without retrying: the broadcaster decides what
// to do with ErrRecipientGone, ErrRejected, *RetryAfterError or any other (transient) error.
type Deliver func(ctx context.Context, chat int64, r Reply) error

// DefaultBroadcastRate is the broadcasts' sending rate, in messages per second: evenly
// spaced, 50 ms apart, so no second holds 25 even when the network delays one by 200 ms; under
// Telegram's 30 a second, with room for the bot's ordinary replies.
const DefaultBroadcastRate = 20

// Timing of the broadcaster.
const (
	senderLease      = 30 * time.Second // how long the sender's lease lasts unless renewed
	broadcastPoll    = 2 * time.Second  // how often an idle broadcaster looks for work
	sendTimeout      = 30 * time.Second // one send, not cut short by shutdown
	maxSendAttempts  = 5                // transient failures before a message counts as failed
	firstSendBackoff = 500 * time.Millisecond
	maxSendBackoff   = 30 * time.Second
)

// Broadcaster sends queued broadcasts. Every replica runs one; the one holding the
// sender's lease sends, one message at a time under the rate limit, so the limit holds
// overall. A 429 pauses all sending for its retry_after. A recipient is taken from the
// queue before the send and settled after it, so a restart resumes where sending stopped
// and nobody gets a message twice: on shutdown a send in progress is finished and
// settled; a recipient whose send a crash interrupted counts as Unknown and is not sent
// again.
type Broadcaster struct {
	svc     *Service
	deliver Deliver
	owner   string
	limiter *rate.Limiter
	log     *slog.Logger
	kick    chan struct{}
}

// NewBroadcaster returns the broadcaster of a Service with news enabled; owner names this
// replica in the sender's lease and must be unique among replicas.
func (s *Service) NewBroadcaster(deliver Deliver, owner string) *Broadcaster {
	r := s.news.Rate
	if r <= 0 {
		r = DefaultBroadcastRate
	}
	b := &Broadcaster{svc: s, deliver: deliver, owner: owner, limiter: rate.NewLimiter(rate.Limit(r), 1),
		log: s.log.With("component", "broadcaster"), kick: make(chan struct{}, 1)}
	return b
}

// Kick tells the broadcaster a broadcast was queued, so it need not wait for its poll.
func (b *Broadcaster) Kick() {
	select {
	case b.kick <- struct{}{}:
	default:
	}
}

// Run sends broadcasts until ctx ends, then finishes the send in progress and returns.
func (b *Broadcaster) Run(ctx context.Context) {
	store := b.svc.news.Broadcasts
	defer func() {
		if err := store.ReleaseSender(context.WithoutCancel(ctx), b.owner); err != nil {
			b.log.Warn("releasing the sender's lease", "err", err)
		}
	}()
	for ctx.Err() == nil {
		claimed, err := store.ClaimSender(ctx, b.owner, senderLease)
		if err != nil && ctx.Err() == nil {
			b.log.Warn("claiming the sender's lease", "err", err)
		}
		if claimed {
			b.sendQueued(ctx)
		}
		select {
		case <-ctx.Done():
		case <-b.kick:
		case <-time.After(broadcastPoll):
		}
	}
}

// sendQueued sends queued broadcasts, oldest first, until none is left, the lease is lost
// or ctx ends.
func (b *Broadcaster) sendQueued(ctx context.Context) {
	store := b.svc.news.Broadcasts
	recovered := map[int64]bool{}
	for ctx.Err() == nil {
		n, ok, err := store.Queued(ctx)
		if err != nil || !ok {
			if err != nil && ctx.Err() == nil {
				b.log.Warn("reading the broadcast queue", "err", err)
			}
			return
		}
		if !recovered[n] {
			// Whoever is in flight now was taken by a sender that stopped before settling.
			unknown, err := store.Recover(ctx, n)
			if err != nil {
				b.log.Warn("recovering a broadcast", "broadcast", n, "err", err)
				return
			}
			if unknown > 0 {
				b.log.Warn("a sender stopped mid-send; those recipients are not sent to again", "broadcast", n, "unknown", unknown)
			}
			recovered[n] = true
		}
		bc, ok, err := store.Broadcast(ctx, n)
		if err != nil || !ok {
			b.log.Warn("reading a broadcast", "broadcast", n, "found", ok, "err", err)
			return
		}
		if !b.send(ctx, bc) {
			return
		}
		done, err := store.Finish(context.WithoutCancel(ctx), n, time.Now())
		if err != nil {
			b.log.Warn("finishing a broadcast", "broadcast", n, "err", err)
			return
		}
		b.log.Info("broadcast sent", "broadcast", n, "total", done.Total, "sent", done.Sent, "blocked", done.Blocked, "failed", done.Failed, "unknown", done.Unknown)
		b.tellAuthor(ctx, done)
	}
}

// send sends bc to everyone left in its queue; false means it stopped before the end.
func (b *Broadcaster) send(ctx context.Context, bc Broadcast) bool {
	store := b.svc.news.Broadcasts
	replies := map[content.Lang]Reply{}
	for _, l := range content.Langs {
		replies[l] = b.svc.newsMessage(bc, l)
	}
	for ctx.Err() == nil {
		r, ok, err := store.Take(ctx, bc.Number, b.owner, senderLease)
		switch {
		case errors.Is(err, ErrLeaseLost):
			b.log.Warn("another replica took over sending")
			return false
		case err != nil:
			if ctx.Err() == nil {
				b.log.Warn("taking a recipient", "broadcast", bc.Number, "err", err)
			}
			return false
		case !ok:
			return true
		}
		after := context.WithoutCancel(ctx) // what was sent is recorded even during shutdown
		if !b.stillSubscribed(ctx, bc, r.Chat) {
			if err := store.Settle(after, bc.Number, r, OutcomeLeft); err != nil {
				b.log.Warn("recording a recipient who left", "broadcast", bc.Number, "err", err)
				return false
			}
			continue
		}
		reply, known := replies[r.Lang]
		if !known {
			reply = replies[content.RU]
		}
		outcome, sent := b.sendOne(ctx, r.Chat, reply)
		if !sent {
			if err := store.PutBack(after, bc.Number, r); err != nil {
				b.log.Warn("returning a recipient to the queue", "broadcast", bc.Number, "err", err)
			}
			return false
		}
		if outcome == OutcomeBlocked {
			if err := b.svc.news.Subscriptions.Unsubscribe(after, r.Chat, ""); err != nil {
				b.log.Warn("unsubscribing a recipient who blocked the bot", "err", err)
			}
		}
		if err := store.Settle(after, bc.Number, r, outcome); err != nil {
			// Left in flight: the next sender counts it Unknown and does not send it again.
			b.log.Warn("recording a send", "broadcast", bc.Number, "err", err)
			return false
		}
	}
	return false
}

// stillSubscribed reports whether chat still wants bc's news: someone who sent /stop or
// /forget after it was queued does not get it. When Redis cannot say, they were
// subscribed when it was queued, and that stands.
func (b *Broadcaster) stillSubscribed(ctx context.Context, bc Broadcast, chat int64) bool {
	sub, ok, err := b.svc.news.Subscriptions.Subscription(ctx, chat)
	if err != nil {
		return true
	}
	return ok && (bc.Audience.Topic == "" || slices.Contains(sub.Topics, bc.Audience.Topic))
}

// sendOne sends reply to chat under the rate limit, waiting out 429s and retrying
// transient failures. attempted is false when ctx ended before the message went out.
func (b *Broadcaster) sendOne(ctx context.Context, chat int64, reply Reply) (outcome string, attempted bool) {
	backoff := firstSendBackoff
	for attempt := 1; ; attempt++ {
		if err := b.limiter.Wait(ctx); err != nil {
			return "", false
		}
		sendCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), sendTimeout)
		err := b.deliver(sendCtx, chat, reply)
		cancel()
		var wait time.Duration
		var retry *RetryAfterError
		switch {
		case err == nil:
			return OutcomeSent, true
		case errors.Is(err, ErrRecipientGone):
			return OutcomeBlocked, true
		case errors.Is(err, ErrRejected):
			b.log.Warn("a broadcast message was refused", "err", err)
			return OutcomeFailed, true
		case errors.As(err, &retry):
			wait = retry.After // not the message's fault: does not count as an attempt
			attempt--
		case attempt >= maxSendAttempts:
			b.log.Warn("a broadcast message kept failing", "err", err)
			return OutcomeFailed, true
		default:
			wait, backoff = backoff, min(2*backoff, maxSendBackoff)
		}
		select {
		case <-ctx.Done():
			return "", false
		case <-time.After(wait):
		}
	}
}

// tellAuthor reports a finished broadcast to the admin who sent it.
func (b *Broadcaster) tellAuthor(ctx context.Context, bc Broadcast) {
	lang := b.svc.lang(ctx, bc.Author, Input{})
	if lang == "" {
		lang = content.RU
	}
	text := b.svc.progressText(bc, lang)
	sendCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), sendTimeout)
	defer cancel()
	if err := b.deliver(sendCtx, bc.Author, Reply{Text: text}); err != nil {
		b.log.Warn("telling the author a broadcast is done", "err", err)
	}
}
