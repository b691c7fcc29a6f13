package telegram

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"slices"
	"sync"
	"time"

	"github.com/hashicorp/golang-lru/v2/expirable"
	"github.com/qamqor/qamqor/bot"
)

// Notices are what the bot says about an update it did not handle, in the chat's language
// (*bot.Service). A Handler without them says nothing.
type Notices interface {
	// Skipped answers an update given up on: it failed a process, or ran past its deadline.
	Skipped(ctx context.Context, chatID int64, in bot.Input) []bot.Reply
	// TooFast answers the first update dropped because the chat sent too many at once.
	TooFast(ctx context.Context, chatID int64, in bot.Input) []bot.Reply
}

// origin is where an update came from, which says what is already known about it.
type origin int

const (
	fromPoll    origin = iota // taken by getUpdates now: journalled with one try by Put
	fromWebhook               // posted by Telegram: journalled when it begins
	fromInbox                 // left in the journal by an earlier run
)

// inHand tracks the updates accepted and not finished, for the poller's offset and to say
// on shutdown which are left for redelivery.
type inHand struct {
	mu      sync.Mutex
	updates map[int64]*handState
	cut     []int64 // begun, then cut off by a shutdown
}

type handState struct {
	running bool
	durable bool // in the journal's inbox: it does not hold the poller's offset
}

func (h *inHand) add(id int64, durable bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.updates == nil {
		h.updates = map[int64]*handState{}
	}
	h.updates[id] = &handState{durable: durable}
}

func (h *inHand) start(id int64) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if st, ok := h.updates[id]; ok {
		st.running = true
	}
}

// settle notes an update's fate; one not settled (ok false) was cut off by a shutdown.
func (h *inHand) settle(id int64, ok bool) {
	if ok {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if st, found := h.updates[id]; found && st.running {
		h.cut = append(h.cut, id)
	}
}

// finish takes an update out of hand.
func (h *inHand) finish(id int64) {
	h.mu.Lock()
	defer h.mu.Unlock()
	delete(h.updates, id)
}

// oldestHeld is the oldest update in hand that only Telegram keeps, or 0.
func (h *inHand) oldestHeld() int64 {
	h.mu.Lock()
	defer h.mu.Unlock()
	var oldest int64
	for id, st := range h.updates {
		if !st.durable && (oldest == 0 || id < oldest) {
			oldest = id
		}
	}
	return oldest
}

// split lists the updates in hand, those running and those still waiting, and those cut
// off, oldest first.
func (h *inHand) split() (running, waiting, cut []int64) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for id, st := range h.updates {
		if st.running {
			running = append(running, id)
		} else {
			waiting = append(waiting, id)
		}
	}
	cut = slices.Clone(h.cut)
	slices.Sort(running)
	slices.Sort(waiting)
	slices.Sort(cut)
	return running, waiting, cut
}

// accept queues an update for its chat's worker. It reports false only when the bot is
// shutting down (or ctx ended), so the update stays with Telegram or the journal; an update
// of a chat that has too many waiting is answered, once, with a notice, and dropped.
//
// settled is called once the update's fate is known — handled (its replies are then sent),
// given up, or left unsettled by a shutdown, which ok says — so a webhook can answer
// Telegram without waiting for a long retry_after on the replies.
func (b *Bot) accept(ctx, work context.Context, u *update, from origin, settled func(ok bool)) bool {
	durable := from != fromWebhook && b.recorder != nil
	chat := chatOf(u)
	b.hand.add(u.ID, durable)
	received := time.Now()
	err := b.dispatch.submit(ctx, chat, func() { b.process(work, u, received, from, settled) })
	switch {
	case err == nil:
		return true
	case errors.Is(err, errChatFull):
		b.hand.finish(u.ID)
		b.metrics.updates.WithLabelValues("dropped_flood").Inc()
		b.tooFast(work, chat, u)
		if durable {
			b.recorder.end(u.ID)
		}
		settled(true)
		return true
	}
	b.hand.finish(u.ID)
	return false
}

// process handles one update on its chat's worker: it records the beginning where it is not
// yet known, skips an update that failed a process before, runs one that might have alone,
// and forgets it in the journal once it is settled: handled, or given up. An update a
// shutdown cuts off first is left for the next start or for Telegram.
func (b *Bot) process(ctx context.Context, u *update, received time.Time, from origin, settled func(ok bool)) {
	b.hand.start(u.ID)
	done, now := false, false
	settle := func(ok bool) {
		if done {
			return
		}
		done = true
		b.hand.settle(u.ID, ok)
		switch {
		case ok && now:
			b.endNow(ctx, u.ID)
		case ok && b.recorder != nil:
			b.recorder.end(u.ID)
		}
		settled(ok)
	}
	defer b.hand.finish(u.ID)
	defer settle(false) // unless settled before: cut off
	t := tries{started: 1}
	if b.recorder != nil && from != fromPoll {
		t = b.recorder.begin(ctx, u.ID)
	}
	switch {
	case ctx.Err() != nil:
		return
	case t.alone > 0:
		// It was running alone when a process stopped: it was the cause.
		b.log.Error("skipping an update that stopped a process while it ran alone", "update", u.ID, "starts", t.started-1)
		b.metrics.updates.WithLabelValues("quarantined").Inc()
		now = true
		settle(true)
		b.skip(ctx, u)
		return
	case t.started > 1:
		// It was in hand when a process stopped. If it was the cause, it must not take the
		// others with it again, and the journal must know it ran alone.
		b.log.Warn("running alone an update that was in hand when a process stopped", "update", u.ID)
		b.alone.Lock()
		// Its end is written before the next one runs, or a crash of the next would be
		// blamed on it too.
		now = true
		jctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		err := b.journal.Alone(jctx, u.ID)
		cancel()
		if err != nil {
			b.log.Warn("could not journal an update run alone", "update", u.ID, "err", err)
		}
		b.handle(ctx, u, received, b.alone.Unlock, true, settle)
		return
	}
	b.alone.RLock()
	b.handle(ctx, u, received, b.alone.RUnlock, false, settle)
}

// endNow forgets an update in the journal at once, rather than with the next batch.
func (b *Bot) endNow(ctx context.Context, id int64) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if _, _, err := b.journal.Record(ctx, nil, []int64{id}); err != nil {
		b.log.Warn("could not journal the end of an update", "update", id, "err", err)
		b.recorder.end(id)
	}
}

// skip answers an update it gives up on with an apology, when the Handler has one.
func (b *Bot) skip(ctx context.Context, u *update) {
	in, ok := toInput(u)
	n, hasNotices := b.handler.(Notices)
	if !ok || !hasNotices {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	b.reply(ctx, in, n.Skipped(ctx, in.chat, in.Input))
}

// tooFast tells a flooding chat, at most once a minute, that some messages were dropped,
// and stops the spinner of a dropped button press when it can do so at once. Neither
// waits: the caller is the poller or a webhook request, which other chats wait behind.
func (b *Bot) tooFast(ctx context.Context, chat int64, u *update) {
	in, ok := toInput(u)
	if !ok {
		return
	}
	n, hasNotices := b.handler.(Notices)
	notify := hasNotices && b.floodNotice.allow(chat)
	if !notify && in.callbackID == "" {
		return
	}
	select {
	case b.asides <- struct{}{}:
	default:
		return // too many under way: Telegram stops the spinner by itself
	}
	go func() {
		defer func() { <-b.asides }()
		ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		if notify {
			b.reply(ctx, in, n.TooFast(ctx, chat, in.Input))
		} else {
			_ = b.send.answer(ctx, in.callbackID)
		}
	}()
}

// handle answers one update. It runs on a dispatcher worker, after the chat's earlier
// updates, and never panics. settle(true) is called once the update's fate is known,
// before replies are sent (sending may wait out a long retry_after), and unlock then too,
// unless the update runs alone (afterReply): then its replies go out before anything else
// runs, so a crash that follows is not theirs to lose. When ctx ends before the Handler is
// done (a shutdown cut it off), settle is not called.
func (b *Bot) handle(ctx context.Context, u *update, received time.Time, unlock func(), afterReply bool, settle func(bool)) {
	unlocked := false
	release := func() {
		if !unlocked {
			unlocked = true
			unlock()
		}
	}
	defer release()
	defer func() {
		if p := recover(); p != nil {
			b.log.Error("panic while handling an update", "update", u.ID, "panic", fmt.Sprint(p))
			settle(true)
		}
	}()
	in, ok := toInput(u)
	if !ok {
		b.metrics.updates.WithLabelValues("ignored").Inc()
		settle(true)
		return
	}
	if in.document != nil && b.acceptsFiles(ctx, in.chat) {
		in.File.Data = b.fetch(ctx, in.chat, in.document)
	}
	res, outcome := b.handleWithin(ctx, in)
	replies := res.Replies
	if ctx.Err() != nil {
		// Shutting down cut it off, or may have: it stays for the next start or for
		// Telegram, and if it was done after all, the session knows it was handled.
		return
	}
	settle(true)
	if !afterReply {
		release()
	}
	if outcome == handled && len(res.Menus) > 0 {
		defer b.setMenus(ctx, res.Menus) // after the replies: they need not wait for it
	}
	switch outcome {
	case timedOut:
		b.log.Error("an update ran past its deadline and was given up", "update", u.ID, "chat", in.chat, "deadline", b.cfg.HandleTimeout)
		b.metrics.updates.WithLabelValues("timed_out").Inc()
	case panicked:
		b.metrics.updates.WithLabelValues("panicked").Inc()
	}
	if outcome != handled {
		if n, ok := b.handler.(Notices); ok {
			replies = n.Skipped(ctx, in.chat, in.Input)
		}
	}
	if outcome == handled && res.Outcome != bot.Answered {
		if in.callbackID != "" {
			_ = b.send.answer(ctx, in.callbackID)
		}
		b.metrics.updates.WithLabelValues(res.Outcome.String()).Inc() // duplicate, not_for_us
		return
	}
	if len(replies) == 0 {
		if in.callbackID != "" {
			_ = b.send.answer(ctx, in.callbackID)
		}
		b.metrics.updates.WithLabelValues(in.kind).Inc()
		return
	}
	b.metrics.updates.WithLabelValues(in.kind).Inc()
	b.reply(ctx, in, replies)
	b.metrics.latency.Observe(time.Since(received).Seconds())
}

// RefreshMenu sets chat's command menu again from the roles it holds now, as after a turn
// that changed them: for a change made outside a turn (the console revoking a partner).
func (b *Bot) RefreshMenu(ctx context.Context, chat int64) error {
	return b.setChatCommands(ctx, chat)
}

// setMenus sets again the command menus of chats whose roles a turn changed; one that
// fails is logged, and set at the next start.
func (b *Bot) setMenus(ctx context.Context, chats []int64) {
	for _, chat := range chats {
		if err := b.setChatCommands(ctx, chat); err != nil {
			b.log.Warn("could not set a chat's command menu", "chat", chat, "err", err)
		}
	}
}

// outcome is how the Handler's work on an update ended.
type outcome int

const (
	handled outcome = iota
	timedOut
	panicked
)

// handleWithin runs the Handler with the update's deadline. Past the deadline the Handler's
// context is cancelled, and whatever it still does (code that ignores its context) is left
// to finish on its own.
func (b *Bot) handleWithin(ctx context.Context, in input) (bot.Result, outcome) {
	ctx, cancel := context.WithTimeout(ctx, b.cfg.HandleTimeout)
	defer cancel()
	type result struct {
		res     bot.Result
		outcome outcome
	}
	done := make(chan result, 1)
	go func() {
		defer func() {
			if p := recover(); p != nil {
				b.log.Error("panic in the handler", "chat", in.chat, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
				done <- result{outcome: panicked}
			}
		}()
		done <- result{res: b.handler.Handle(ctx, in.chat, in.Input)}
	}()
	select {
	case r := <-done:
		return r.res, r.outcome
	case <-ctx.Done():
		return bot.Result{}, timedOut
	}
}

// reply answers a pressed button and delivers replies to the chat of in.
func (b *Bot) reply(ctx context.Context, in input, replies []bot.Reply) {
	if in.callbackID != "" {
		if err := b.send.answer(ctx, in.callbackID); err != nil {
			b.log.Debug("callback answer failed", "err", err)
		}
	}
	err := b.send.deliver(ctx, in.chat, in.editID, replies)
	switch {
	case errors.Is(err, errBlocked):
		b.log.Info("the user blocked the bot", "chat", in.chat)
	case err != nil:
		b.log.Warn("reply not delivered", "chat", in.chat, "update", in.UpdateID, "err", err)
	}
}

// oncePer lets something happen once per period for each key (a chat), remembering at most
// size keys.
type oncePer struct {
	mu   sync.Mutex // a check and the add that follows it are one step
	seen *expirable.LRU[int64, struct{}]
}

func newOncePer(period time.Duration, size int) *oncePer {
	return &oncePer{seen: expirable.NewLRU[int64, struct{}](size, nil, period)}
}

// allow reports whether key may have it now, and if so counts this time.
func (o *oncePer) allow(key int64) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.seen.Contains(key) {
		return false
	}
	o.seen.Add(key, struct{}{})
	return true
}
