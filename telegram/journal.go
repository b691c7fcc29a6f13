package telegram

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// Journal records the updates in hand where every replica sees them (store.Updates), so
// that the poller can confirm updates to Telegram before they are handled, and an update
// that takes a process down with it is recognised when it comes back.
type Journal interface {
	// Put records updates taken from Telegram (update id → the update's JSON), each as
	// started once, before Telegram is told they were received.
	Put(ctx context.Context, updates map[int64][]byte) error
	// Record forgets ended updates and counts a start of each begun one, returning for each
	// begun how many times it has started without ending (1 the first time, more for one
	// that was in hand when a process died) and how many times it started alone.
	Record(ctx context.Context, begun, ended []int64) (started, alone []int64, err error)
	// Alone records that an update is about to run alone.
	Alone(ctx context.Context, id int64) error
	// Release marks updates taken but never begun, so the next start treats them as new.
	Release(ctx context.Context, ids []int64) error
	// Pending is what was Put and has not ended, with its starts and starts alone.
	Pending(ctx context.Context) (raws map[int64][]byte, started, alone map[int64]int64, err error)
}

// endFlushEvery is how long ended updates wait to be forgotten together: the longer, the
// fewer round trips; an ended update still in the journal after a crash is only run again
// to find the session has seen it.
const endFlushEvery = 50 * time.Millisecond

// journalPause is how long the journal is left alone after it could not be written: with
// Redis away, updates go on as if there were none (the poller holds Telegram's offset
// again, and nothing waits on a write that would fail), so people get "temporarily
// unavailable" at once rather than an answer minutes late.
const journalPause = 5 * time.Second

// recorder writes to the journal for all workers at once (group commit): a worker that must
// record its update's beginning waits for the next write, which carries every beginning and
// end queued meanwhile, so a busy bot pays a fraction of a round trip per update.
type recorder struct {
	journal     Journal
	onError     func(error)
	pausedUntil atomic.Int64 // unix nanoseconds: after a failed write, until then

	mu     sync.Mutex
	begins []beginRequest
	ends   []int64
	wake   chan struct{}
	done   chan struct{}
}

// maxEndsWaiting bounds the ends kept in memory while the journal cannot be written.
const maxEndsWaiting = 100_000

type beginRequest struct {
	id    int64
	tries chan tries
}

// tries is what the journal knows of an update's runs, this one included.
type tries struct{ started, alone int64 }

func newRecorder(j Journal, onError func(error)) *recorder {
	return &recorder{journal: j, onError: onError, wake: make(chan struct{}, 1), done: make(chan struct{})}
}

// failed notes that the journal could not be written, and pauses it.
func (r *recorder) failed(err error) {
	r.pausedUntil.Store(time.Now().Add(journalPause).UnixNano())
	r.onError(err)
}

// paused reports whether the journal is being left alone after a failure.
func (r *recorder) paused() bool { return time.Now().UnixNano() < r.pausedUntil.Load() }

// begin records that handling the update begins and returns its tries. When the journal
// cannot be written, or is paused, it answers as for a new update.
func (r *recorder) begin(ctx context.Context, id int64) tries {
	if r.paused() {
		return tries{started: 1}
	}
	req := beginRequest{id: id, tries: make(chan tries, 1)}
	r.mu.Lock()
	r.begins = append(r.begins, req)
	r.mu.Unlock()
	r.poke()
	select {
	case t := <-req.tries:
		return t
	case <-ctx.Done():
		return tries{started: 1}
	}
}

// end queues an update to be forgotten with the next write.
func (r *recorder) end(id int64) {
	r.mu.Lock()
	r.ends = append(r.ends, id)
	r.mu.Unlock()
}

func (r *recorder) poke() {
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

// run writes until stop ends, then writes what is left with ctx of its own.
func (r *recorder) run(stop <-chan struct{}) {
	defer close(r.done)
	tick := time.NewTicker(endFlushEvery)
	defer tick.Stop()
	for {
		select {
		case <-r.wake:
		case <-tick.C:
		case <-stop:
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			r.write(ctx)
			cancel()
			return
		}
		r.write(context.Background())
	}
}

// write sends one batch: every queued beginning, and the ends queued so far.
func (r *recorder) write(ctx context.Context) {
	r.mu.Lock()
	begins, ends := r.begins, r.ends
	r.begins, r.ends = nil, nil
	r.mu.Unlock()
	if len(begins) == 0 && len(ends) == 0 {
		return
	}
	ids := make([]int64, len(begins))
	for i, b := range begins {
		ids[i] = b.id
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	started, alone, err := r.journal.Record(ctx, ids, ends)
	cancel()
	if err != nil {
		r.failed(err)
		r.mu.Lock()
		if len(r.ends) < maxEndsWaiting {
			r.ends = append(r.ends, ends...) // forgotten with a later write
		} // else dropped: they expire with the journal, and a replay finds them handled
		r.mu.Unlock()
	}
	for i, b := range begins {
		t := tries{started: 1}
		if err == nil {
			t = tries{started: started[i], alone: alone[i]}
		}
		b.tries <- t
	}
}
