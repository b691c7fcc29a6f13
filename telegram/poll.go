package telegram

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"time"
)

// poller fetches updates with getUpdates. Telegram forgets an update once a call asks for a
// higher offset. With a journal, each answer is recorded there (one round trip) before the
// next call confirms it, and updates in hand are replayed from it at the next start: the
// offset moves on at once, so no update is fetched twice and no chat that waits (on a long
// retry_after, a slow answer) holds up the others. Without a journal, or when it cannot be
// written, the offset asked for stays at the oldest update still being handled, so a crash
// or a shutdown loses nothing either way.
//
// go-telegram/bot's own polling moves the offset as soon as an update is queued, before it
// is durable anywhere, which is why Qamqor polls by itself.
type poller struct {
	bot *Bot

	mu       sync.Mutex
	next     int64         // one past the newest update taken into hand
	asked    int64         // the last offset sent to Telegram
	progress chan struct{} // a signal that an update finished
}

// maxPollRetryAfter caps, in seconds, how long a 429 on getUpdates pauses polling.
const maxPollRetryAfter = 60

// run polls until ctx ends; updates run on the dispatcher with work as their context.
func (p *poller) run(ctx, work context.Context) {
	p.progress = make(chan struct{}, 1)
	if !p.replay(ctx, work) {
		return
	}
	var backoff time.Duration
	for ctx.Err() == nil {
		offset := p.offset()
		updates, newest, total, err := p.bot.getUpdates(ctx, offset, p.bot.cfg.PollTimeout, 100, p.taken())
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			var apiErr *apiError
			switch {
			case errors.As(err, &apiErr) && apiErr.RetryAfter > 0:
				backoff = time.Duration(min(apiErr.RetryAfter, maxPollRetryAfter)) * time.Second
			default:
				backoff = min(max(2*backoff, 100*time.Millisecond), 5*time.Second)
			}
			p.bot.log.Warn("getUpdates failed", "err", err, "retry_in", backoff)
			sleep(ctx, backoff)
			continue
		}
		backoff = 0
		p.mu.Lock()
		p.asked = max(p.asked, offset)
		if len(updates) == 0 {
			p.next = max(p.next, newest+1) // only unreadable ones, or ones in hand
		}
		p.mu.Unlock()

		durable := false
		if p.bot.recorder != nil && len(updates) > 0 && !p.bot.recorder.paused() {
			// An update that could not be encoded is not journalled: the batch then holds
			// the offset, as without a journal.
			if raws := journalForm(updates); len(raws) == len(updates) {
				jctx, cancel := context.WithTimeout(ctx, 2*time.Second)
				err := p.bot.journal.Put(jctx, raws)
				cancel()
				if durable = err == nil; !durable {
					p.bot.recorder.failed(err)
					p.bot.log.Warn("could not journal updates: they stay with Telegram until handled", "err", err)
				}
			}
		}
		if durable { // all in the journal: Telegram may be told of them, handled or not
			p.mu.Lock()
			p.next = max(p.next, updates[len(updates)-1].ID+1)
			p.mu.Unlock()
		}
		for i := range updates {
			u := &updates[i]
			from := fromPoll
			if !durable {
				from = fromWebhook // not in the journal: it begins like a posted update
			}
			if !p.bot.accept(ctx, work, u, from, func(bool) { p.finished() }) {
				// Shutting down before it was queued: the journal keeps it, or, as the
				// offset has not passed it, Telegram does.
				return
			}
			p.mu.Lock()
			p.next = max(p.next, u.ID+1) // in hand: it holds the offset until finished
			p.mu.Unlock()
		}
		if len(updates) == 0 && total > 0 {
			// Everything returned is in hand: wait for some of it to finish rather than ask
			// again at once, but not long, so other chats' new updates are not held up.
			select {
			case <-p.progress:
			case <-time.After(200 * time.Millisecond):
			case <-ctx.Done():
			}
		}
	}
}

// replay hands over what the journal kept from an earlier run, oldest first, before any new
// update: each begins with a try more, so one that was in hand when that run died is run
// alone. New updates wait until the replayed ones are settled (at most replayHold): one
// polled meanwhile could start before a replayed update that must run alone took the
// bot to itself, and be in hand when that update takes the process down again. It
// reports false when ctx ended first.
func (p *poller) replay(ctx, work context.Context) bool {
	j := p.bot.journal
	if j == nil {
		return true
	}
	var raws map[int64][]byte
	for {
		var err error
		jctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		raws, _, _, err = j.Pending(jctx)
		cancel()
		if err == nil {
			break
		}
		p.bot.log.Warn("could not read the journal of updates in hand; trying again", "err", err)
		sleep(ctx, time.Second)
		if ctx.Err() != nil {
			return false
		}
	}
	ids := make([]int64, 0, len(raws))
	for id := range raws {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	if len(ids) > 0 {
		p.bot.log.Info("handling updates left in hand by an earlier run", "count", len(ids), "first", ids[0], "last", ids[len(ids)-1])
	}
	var replayed sync.WaitGroup
	for _, id := range ids {
		var u update
		if err := json.Unmarshal(raws[id], &u); err != nil || u.ID != id {
			p.bot.log.Warn("dropping an unreadable update from the journal", "update", id)
			p.bot.recorder.end(id)
			continue
		}
		p.mu.Lock()
		p.next = max(p.next, id+1)
		p.mu.Unlock()
		replayed.Add(1)
		var once sync.Once
		if !p.bot.accept(ctx, work, &u, fromInbox, func(bool) { once.Do(replayed.Done); p.finished() }) {
			return false
		}
	}
	settled := make(chan struct{})
	go func() { replayed.Wait(); close(settled) }()
	select {
	case <-settled:
	case <-time.After(replayHold):
	case <-ctx.Done():
		return false
	}
	return true
}

// replayHold bounds how long new updates wait for the replayed ones (one may wait out a
// long retry_after).
const replayHold = 10 * time.Second

// offset is the oldest update in hand that only Telegram keeps, or the one after the newest
// taken.
func (p *poller) offset() int64 {
	if held := p.bot.hand.oldestHeld(); held != 0 {
		return held
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.next
}

// taken is the newest update taken into hand: older ones need not be decoded again.
func (p *poller) taken() int64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.next - 1
}

func (p *poller) finished() {
	select {
	case p.progress <- struct{}{}:
	default:
	}
}

// confirm tells Telegram which updates were received, once it is safe: the offset only
// reaches Telegram with the next getUpdates, so the last one is sent on the way out.
func (p *poller) confirm(ctx context.Context) {
	offset := p.offset()
	p.mu.Lock()
	asked := p.asked
	p.mu.Unlock()
	if offset <= asked {
		return
	}
	// limit 1 and no wait: whatever this returns is at or past offset, so not confirmed,
	// and Telegram delivers it again to the next start.
	if _, _, _, err := p.bot.getUpdates(ctx, offset, 0, 1, math.MaxInt64); err != nil { // nothing to decode
		p.bot.log.Warn("could not confirm the last updates received; they will be skipped as duplicates", "err", err)
	}
}

// apiError is a failed Bot API call.
type apiError struct {
	Code        int
	Description string
	RetryAfter  int
}

func (e *apiError) Error() string { return fmt.Sprintf("telegram: %d %s", e.Code, e.Description) }

// getUpdates calls the Bot API directly (the library keeps its own private).
// It returns the updates newer than after, decoded, the newest id it got, and how many it
// got in all.
func (b *Bot) getUpdates(ctx context.Context, offset int64, wait time.Duration, limit int, after int64) (fresh []update, newest int64, total int, err error) {
	body, _ := json.Marshal(map[string]any{
		"offset": offset, "limit": limit, "timeout": int(wait.Seconds()), "allowed_updates": allowedUpdates,
	})
	ctx, cancel := context.WithTimeout(ctx, wait+15*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, b.cfg.APIURL+"/bot"+b.cfg.Token+"/getUpdates", bytes.NewReader(body))
	if err != nil {
		return nil, 0, 0, errors.New("getUpdates: invalid TELEGRAM_API_URL")
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := b.client.Do(req)
	if err != nil {
		// The error holds the URL, and the URL holds the token: never pass it on.
		if ctx.Err() != nil {
			return nil, 0, 0, ctx.Err()
		}
		return nil, 0, 0, errors.New("getUpdates: Telegram could not be reached")
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, 0, 0, fmt.Errorf("getUpdates: unreadable answer (HTTP %d)", resp.StatusCode)
	}
	// The whole answer is decoded in one pass, straight into the adapter's updates: reading
	// it into raw messages first and each of those again scanned every byte three more
	// times, and was the largest part of the bot's own CPU per update.
	var r getUpdatesAnswer[update]
	if err := json.Unmarshal(answer, &r); err != nil {
		// One update the adapter cannot read (a field of another type) must not take the
		// others with it, nor stop polling by failing the call: read them one by one.
		return b.getUpdatesOneByOne(answer, resp.StatusCode, after)
	}
	if !r.OK {
		return nil, 0, 0, r.apiError()
	}
	fresh = r.Result[:0]
	for _, u := range r.Result {
		newest = max(newest, u.ID)
		if u.ID > after {
			fresh = append(fresh, u)
		}
	}
	return fresh, newest, len(r.Result), nil
}

// getUpdatesAnswer is Telegram's answer to getUpdates.
type getUpdatesAnswer[T any] struct {
	OK          bool   `json:"ok"`
	Result      []T    `json:"result"`
	ErrorCode   int    `json:"error_code"`
	Description string `json:"description"`
	Parameters  struct {
		RetryAfter int `json:"retry_after"`
	} `json:"parameters"`
}

func (r *getUpdatesAnswer[T]) apiError() error {
	return &apiError{Code: r.ErrorCode, Description: r.Description, RetryAfter: r.Parameters.RetryAfter}
}

// getUpdatesOneByOne reads an answer update by update, skipping those that cannot be read.
func (b *Bot) getUpdatesOneByOne(answer []byte, status int, after int64) (fresh []update, newest int64, total int, err error) {
	var r getUpdatesAnswer[json.RawMessage]
	if err := json.Unmarshal(answer, &r); err != nil {
		return nil, 0, 0, fmt.Errorf("getUpdates: unreadable answer (HTTP %d)", status)
	}
	if !r.OK {
		return nil, 0, 0, r.apiError()
	}
	for _, raw := range r.Result {
		id, ok := updateID(raw)
		if !ok {
			continue
		}
		newest = max(newest, id)
		if id <= after {
			continue
		}
		var u update
		if err := json.Unmarshal(raw, &u); err != nil || u.ID != id {
			// Skipped rather than failing the call: asked for again, it would stop polling.
			b.log.Warn("skipping an update that cannot be read", "update", id)
			continue
		}
		fresh = append(fresh, u)
	}
	return fresh, newest, len(r.Result), nil
}

// journalForm is what the journal keeps of updates: each as the adapter reads it, encoded
// again. That is all a replay decodes, and it leaves out what the adapter never reads of
// a person (names, the message a button was under): a third of the bytes, and less kept.
func journalForm(updates []update) map[int64][]byte {
	raws := make(map[int64][]byte, len(updates))
	for i := range updates {
		raw, err := json.Marshal(&updates[i])
		if err != nil {
			continue // not journalled: it begins like a posted update
		}
		raws[updates[i].ID] = raw
	}
	return raws
}

// updatePrefix is how Telegram begins every update it sends.
var updatePrefix = []byte(`{"update_id":`)

// updateID reads an update's id. Telegram writes it first, so it is read off the front
// without decoding the update; an update written otherwise is decoded for it.
func updateID(raw []byte) (int64, bool) {
	if rest, found := bytes.CutPrefix(raw, updatePrefix); found {
		end := bytes.IndexAny(rest, ",}")
		if end > 0 {
			if id, err := strconv.ParseInt(string(rest[:end]), 10, 64); err == nil {
				return id, true
			}
		}
	}
	var head struct {
		ID int64 `json:"update_id"`
	}
	if err := json.Unmarshal(raw, &head); err != nil {
		return 0, false
	}
	return head.ID, true
}

func sleep(ctx context.Context, d time.Duration) {
	select {
	case <-time.After(d):
	case <-ctx.Done():
	}
}
