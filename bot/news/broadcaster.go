package news

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"time"

	"github.com/qamqor/qamqor/bot"
	"github.com/qamqor/qamqor/content"
	"golang.org/x/time/rate"
)

// Timing of the broadcaster.
const (
	senderLease      = 30 * time.Second // how long the sender's lease lasts unless renewed
	broadcastPoll    = 2 * time.Second  // how often an idle broadcaster looks for work
	sendTimeout      = 30 * time.Second // one send, not cut short by shutdown
	maxSendAttempts  = 5                // transient failures before a message counts as failed
	firstSendBackoff = 500 * time.Millisecond
	maxSendBackoff   = 30 * time.Second
)

// Engines gives the engine of the content in use, for the texts the broadcaster sends:
// *bot.Service is one.
type Engines interface{ Engine() *bot.Engine }

// Broadcaster sends queued broadcasts. Every replica runs one; the one holding the
// sender's lease sends, one message at a time under the rate limit, so the limit holds
// overall. A 429 pauses all sending for its retry_after. A recipient is taken from the
// queue before the send and settled after it, so a restart resumes where sending stopped
// and nobody gets a message twice: on shutdown a send in progress is finished and
// settled; a recipient whose send a crash interrupted counts as Unknown and is not sent
// again.
type Broadcaster struct {
	f       *Feature
	deliver bot.Deliver
	owner   string
	engines Engines
	limiter *rate.Limiter // paced on the feature's clock
	log     *slog.Logger
	kick    chan struct{}
}

// Broadcaster returns a sender of the queued broadcasts through deliver (an adapter's);
// owner names this replica in the sender's lease and must be unique among replicas. The
// feature tells the broadcaster made last when an admin queues a broadcast.
func (f *Feature) Broadcaster(deliver bot.Deliver, owner string, engines Engines, log *slog.Logger) *Broadcaster {
	b := &Broadcaster{f: f, deliver: deliver, owner: owner, engines: engines,
		limiter: rate.NewLimiter(rate.Limit(f.rate), 1), log: log.With("component", "broadcaster"), kick: make(chan struct{}, 1)}
	f.sender.Store(b)
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
	defer func() {
		if err := b.f.store.ReleaseSender(context.WithoutCancel(ctx), b.owner); err != nil {
			b.log.Warn("releasing the sender's lease; another replica takes over when it lapses", "err", err)
		}
	}()
	for ctx.Err() == nil {
		b.SendQueued(ctx)
		select {
		case <-ctx.Done():
		case <-b.kick:
		case <-b.f.after(broadcastPoll):
		}
	}
}

// SendQueued queues the scheduled broadcasts that are due, then sends what is queued,
// oldest broadcast first, if this replica holds (or gets)
// the sender's lease; it returns when nothing is left, the lease is lost or ctx ends. Run
// calls it every poll.
func (b *Broadcaster) SendQueued(ctx context.Context) {
	if b.f.schedule != nil { // every replica, lease or not: releasing is idempotent
		b.releaseDue(ctx)
	}
	store := b.f.store
	claimed, err := store.ClaimSender(ctx, b.owner, senderLease)
	if err != nil && ctx.Err() == nil {
		b.log.Warn("claiming the sender's lease; trying again at the next poll", "err", err)
	}
	if !claimed {
		return
	}
	recovered := map[int64]bool{}
	for ctx.Err() == nil {
		n, ok, err := store.Queued(ctx)
		if err != nil || !ok {
			if err != nil && ctx.Err() == nil {
				b.log.Warn("reading the broadcast queue; trying again at the next poll", "err", err)
			}
			return
		}
		if !recovered[n] {
			// Whoever is in flight now was taken by a sender that stopped before settling.
			unknown, err := store.Recover(ctx, n)
			if err != nil {
				b.log.Warn("recovering a broadcast; trying again at the next poll", "broadcast", n, "err", err)
				return
			}
			if unknown > 0 {
				b.log.Warn("a sender stopped mid-send; those recipients are not sent to again", "broadcast", n, "unknown", unknown)
			}
			recovered[n] = true
		}
		bc, ok, err := store.Broadcast(ctx, n)
		if err != nil || !ok {
			b.log.Warn("reading a broadcast; trying again at the next poll", "broadcast", n, "found", ok, "err", err)
			return
		}
		if !b.send(ctx, bc) {
			return
		}
		done, err := store.Finish(context.WithoutCancel(ctx), n, b.f.now())
		if err != nil {
			b.log.Warn("finishing a broadcast; trying again at the next poll", "broadcast", n, "err", err)
			return
		}
		b.log.Info("broadcast sent", "broadcast", n, "total", done.Total, "sent", done.Sent, "blocked", done.Blocked, "failed", done.Failed, "unknown", done.Unknown)
		b.tellAuthor(ctx, done)
	}
}

// send sends bc to everyone left in its queue; false means it stopped before the end.
func (b *Broadcaster) send(ctx context.Context, bc Broadcast) bool {
	store := b.f.store
	e := b.engines.Engine()
	replies := map[content.Lang]bot.Reply{}
	for _, l := range content.Langs {
		replies[l] = newsMessage(e, bc, l)
	}
	for ctx.Err() == nil {
		r, ok, err := store.Take(ctx, bc.Number, b.owner, senderLease)
		switch {
		case errors.Is(err, ErrLeaseLost):
			b.log.Warn("another replica took over sending")
			return false
		case err != nil:
			if ctx.Err() == nil {
				b.log.Warn("taking a recipient; trying again at the next poll", "broadcast", bc.Number, "err", err)
			}
			return false
		case !ok:
			return true
		}
		after := context.WithoutCancel(ctx) // what was sent is recorded even during shutdown
		if !b.stillSubscribed(ctx, bc, r.Chat) {
			if err := store.Settle(after, bc.Number, r, OutcomeLeft); err != nil {
				b.log.Warn("recording a recipient who left; the next sender counts them unknown", "broadcast", bc.Number, "err", err)
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
				b.log.Warn("returning a recipient to the queue; the next sender counts them unknown", "broadcast", bc.Number, "err", err)
			}
			return false
		}
		if outcome == OutcomeBlocked {
			if err := store.Unsubscribe(after, r.Chat, ""); err != nil {
				b.log.Warn("unsubscribing a recipient who blocked the bot; they stay subscribed", "err", err)
			}
		}
		if err := store.Settle(after, bc.Number, r, outcome); err != nil {
			// Left in flight: the next sender counts it Unknown and does not send it again.
			b.log.Warn("recording a send; the next sender counts it unknown", "broadcast", bc.Number, "err", err)
			return false
		}
	}
	return false
}

// stillSubscribed reports whether chat still wants bc's news: someone who sent /stop or
// /forget after it was queued does not get it. When the store cannot say, they were
// subscribed when it was queued, and that stands.
func (b *Broadcaster) stillSubscribed(ctx context.Context, bc Broadcast, chat int64) bool {
	sub, ok, err := b.f.store.Subscription(ctx, chat)
	if err != nil {
		b.log.Warn("reading a recipient's subscription; sending as they were when it was queued", "err", err)
		return true
	}
	return ok && (bc.Audience.Topic == "" || slices.Contains(sub.Topics, bc.Audience.Topic))
}

// wait waits d on the feature's clock; false when ctx ended first.
func (b *Broadcaster) wait(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	select {
	case <-ctx.Done():
		return false
	case <-b.f.after(d):
		return true
	}
}

// paced waits for the rate limit's next slot; false when ctx ended first.
func (b *Broadcaster) paced(ctx context.Context) bool {
	now := b.f.now()
	slot := b.limiter.ReserveN(now, 1)
	if !b.wait(ctx, slot.DelayFrom(now)) {
		slot.CancelAt(b.f.now())
		return false
	}
	return true
}

// sendOne sends reply to chat under the rate limit, waiting out 429s and retrying
// transient failures. attempted is false when ctx ended before the message went out.
func (b *Broadcaster) sendOne(ctx context.Context, chat int64, reply bot.Reply) (outcome Outcome, attempted bool) {
	backoff := firstSendBackoff
	for attempt := 1; ; attempt++ {
		if !b.paced(ctx) {
			return "", false
		}
		sendCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), sendTimeout)
		err := b.deliver(sendCtx, chat, reply)
		cancel()
		var wait time.Duration
		var retry *bot.RetryAfterError
		switch {
		case err == nil:
			return OutcomeSent, true
		case errors.Is(err, bot.ErrRecipientGone):
			return OutcomeBlocked, true
		case errors.Is(err, bot.ErrRejected):
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
		if !b.wait(ctx, wait) {
			return "", false
		}
	}
}

// tellAuthor reports a finished broadcast to the admin who sent it, in the language they
// sent it in.
func (b *Broadcaster) tellAuthor(ctx context.Context, bc Broadcast) {
	lang := bc.AuthorLang
	if lang == "" {
		lang = content.RU
	}
	text := progressText(b.engines.Engine(), bc, lang)
	sendCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), sendTimeout)
	defer cancel()
	if err := b.deliver(sendCtx, bc.Author, bot.Reply{Text: text}); err != nil {
		b.log.Warn("telling the author a broadcast is done; they can see it with /broadcasts", "err", err)
	}
}
