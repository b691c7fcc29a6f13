package telegram

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"sync"
	"time"

	"github.com/go-telegram/bot/models"
)

// poller fetches updates with getUpdates. Telegram forgets an update once a call asks for a
// higher offset, so the offset asked for is always the oldest update still being handled:
// a crash or a shutdown loses nothing. Updates fetched again while in hand are skipped.
//
// go-telegram/bot's own polling moves the offset as soon as an update is queued, before it
// is handled, which is why Qamqor polls by itself.
type poller struct {
	bot *Bot

	mu       sync.Mutex
	inFlight map[int64]bool
	maxSeen  int64         // the newest update taken into hand
	progress chan struct{} // a signal that an update finished
	asked    int64         // the last offset sent to Telegram
}

// run polls until ctx ends; updates run on the dispatcher with work as their context.
func (p *poller) run(ctx, work context.Context) {
	p.inFlight = map[int64]bool{}
	p.progress = make(chan struct{}, 1)
	var backoff time.Duration
	for ctx.Err() == nil {
		offset, after := p.offset(), p.taken()
		updates, total, err := p.bot.getUpdates(ctx, offset, p.bot.cfg.PollTimeout, 100, after)
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			var apiErr *apiError
			switch {
			case errors.As(err, &apiErr) && apiErr.RetryAfter > 0:
				backoff = time.Duration(apiErr.RetryAfter) * time.Second
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
		p.mu.Unlock()

		fresh := 0
		for i := range updates {
			u := &updates[i]
			if !p.take(u.ID) {
				continue // in hand already
			}
			fresh++
			received := time.Now()
			if !p.bot.dispatch.submit(ctx, chatOf(u), func() {
				p.bot.handle(work, u, received)
				p.finish(u.ID)
			}) {
				p.release(u.ID) // shutting down: Telegram keeps it for the next start
				return
			}
		}
		if fresh == 0 && total > 0 {
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

// offset is the oldest update in hand, or the one after the newest handled.
func (p *poller) offset() int64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	offset := p.maxSeen + 1
	for id := range p.inFlight {
		offset = min(offset, id)
	}
	return offset
}

// take marks an update as in hand; false when it already was, or was handled.
// taken is the newest update taken into hand: older ones need not be decoded again.
func (p *poller) taken() int64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.maxSeen
}

func (p *poller) take(id int64) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if id <= p.maxSeen {
		return false
	}
	p.maxSeen = id
	p.inFlight[id] = true
	return true
}

func (p *poller) finish(id int64) {
	p.mu.Lock()
	delete(p.inFlight, id)
	p.mu.Unlock()
	select {
	case p.progress <- struct{}{}:
	default:
	}
}

// release gives back an update that was taken but not handed to a worker.
func (p *poller) release(id int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	delete(p.inFlight, id)
	p.maxSeen = id - 1
}

// confirm tells Telegram which updates were handled, once they all are: the offset only
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
	if _, _, err := p.bot.getUpdates(ctx, offset, 0, 1, math.MaxInt64); err != nil { // nothing to decode
		p.bot.log.Warn("could not confirm the last handled updates; they will be skipped as duplicates", "err", err)
	}
}

// apiError is a failed Bot API call.
type apiError struct {
	Code        int
	Description string
	RetryAfter  int
}

func (e *apiError) Error() string { return fmt.Sprintf("telegram: %d %s", e.Code, e.Description) }

// getUpdates calls the Bot API directly (the library keeps its own private), decoding into
// the library's models.
func (b *Bot) getUpdates(ctx context.Context, offset int64, wait time.Duration, limit int, after int64) (fresh []models.Update, total int, err error) {
	body, _ := json.Marshal(map[string]any{
		"offset": offset, "limit": limit, "timeout": int(wait.Seconds()), "allowed_updates": allowedUpdates,
	})
	ctx, cancel := context.WithTimeout(ctx, wait+15*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, b.cfg.APIURL+"/bot"+b.cfg.Token+"/getUpdates", bytes.NewReader(body))
	if err != nil {
		return nil, 0, errors.New("getUpdates: invalid TELEGRAM_API_URL")
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := b.client.Do(req)
	if err != nil {
		// The error holds the URL, and the URL holds the token: never pass it on.
		if ctx.Err() != nil {
			return nil, 0, ctx.Err()
		}
		return nil, 0, errors.New("getUpdates: Telegram could not be reached")
	}
	defer resp.Body.Close()
	var r struct {
		OK          bool              `json:"ok"`
		Result      []json.RawMessage `json:"result"`
		ErrorCode   int               `json:"error_code"`
		Description string            `json:"description"`
		Parameters  struct {
			RetryAfter int `json:"retry_after"`
		} `json:"parameters"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
		return nil, 0, fmt.Errorf("getUpdates: unreadable answer (HTTP %d)", resp.StatusCode)
	}
	if !r.OK {
		return nil, 0, &apiError{Code: r.ErrorCode, Description: r.Description, RetryAfter: r.Parameters.RetryAfter}
	}
	// Only updates newer than after are decoded whole: the poll asks from the oldest update
	// still in hand, so under load most of an answer is updates already taken, and decoding
	// them again was a quarter of the bot's CPU.
	for _, raw := range r.Result {
		var head struct {
			ID int64 `json:"update_id"`
		}
		if err := json.Unmarshal(raw, &head); err != nil || head.ID <= after {
			continue
		}
		var u models.Update
		if err := json.Unmarshal(raw, &u); err != nil {
			return nil, 0, fmt.Errorf("getUpdates: unreadable update %d", head.ID)
		}
		fresh = append(fresh, u)
	}
	return fresh, len(r.Result), nil
}

func sleep(ctx context.Context, d time.Duration) {
	select {
	case <-time.After(d):
	case <-ctx.Done():
	}
}
