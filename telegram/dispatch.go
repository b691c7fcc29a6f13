package telegram

import (
	"context"
	"errors"
	"sync"
	"time"
)

// dispatcher runs jobs with a bounded number of workers, in order within a chat and in
// parallel across chats: a chat's jobs wait behind each other, never behind another chat's.
// One chat may have at most perChat jobs waiting, so a chat that floods, or waits out a long
// retry_after, cannot fill the room every chat shares.
type dispatcher struct {
	mu      sync.Mutex
	queues  map[int64][]func() // pending jobs per chat; a chat is present while it has a worker
	ready   chan int64         // chats with jobs and no worker
	slots   chan struct{}      // bounds the jobs accepted and not yet finished
	perChat int
	closed  bool
	workers sync.WaitGroup
	pending sync.WaitGroup
}

var (
	errClosed   = errors.New("dispatcher: shutting down")
	errChatFull = errors.New("dispatcher: too many updates of one chat waiting")
)

// newDispatcher starts workers; at most maxPending jobs are accepted and not yet finished,
// at most perChat of one chat waiting.
func newDispatcher(workers, maxPending, perChat int) *dispatcher {
	d := &dispatcher{
		queues:  map[int64][]func(){},
		ready:   make(chan int64, maxPending),
		slots:   make(chan struct{}, maxPending),
		perChat: perChat,
	}
	for range workers {
		d.workers.Add(1)
		go d.work()
	}
	return d
}

// submit queues job for chat, waiting for room when maxPending jobs are in hand. It fails,
// without queueing, with errChatFull when the chat has perChat jobs waiting, with ctx's
// error when ctx ends first, and with errClosed when the dispatcher is closing.
func (d *dispatcher) submit(ctx context.Context, chat int64, job func()) error {
	d.mu.Lock()
	full := len(d.queues[chat]) >= d.perChat
	d.mu.Unlock()
	if full {
		return errChatFull
	}
	select {
	case d.slots <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	d.mu.Lock()
	if d.closed {
		d.mu.Unlock()
		<-d.slots
		return errClosed
	}
	d.pending.Add(1)
	q, active := d.queues[chat]
	d.queues[chat] = append(q, job)
	d.mu.Unlock()
	if !active {
		d.ready <- chat // never blocks: ready has room for every accepted job
	}
	return nil
}

func (d *dispatcher) work() {
	defer d.workers.Done()
	for chat := range d.ready {
		for {
			d.mu.Lock()
			q := d.queues[chat]
			if len(q) == 0 {
				delete(d.queues, chat)
				d.mu.Unlock()
				break
			}
			job := q[0]
			d.queues[chat] = q[1:]
			d.mu.Unlock()
			d.run(job)
		}
	}
}

func (d *dispatcher) run(job func()) {
	defer func() {
		<-d.slots
		d.pending.Done()
	}()
	job()
}

// close stops accepting jobs and waits, at most until timeout, for every accepted job to
// finish, and reports whether they all did. When time runs out, jobs still waiting are
// dropped unstarted and cut is called to stop those running.
func (d *dispatcher) close(timeout time.Duration, cut func()) bool {
	d.mu.Lock()
	d.closed = true
	d.mu.Unlock()
	finished := make(chan struct{})
	go func() {
		d.pending.Wait()
		close(d.ready) // the workers end once the chats in it are seen to be empty
		close(finished)
	}()
	select {
	case <-finished:
		d.workers.Wait()
		return true
	case <-time.After(timeout):
	}
	d.mu.Lock()
	for chat, q := range d.queues {
		for range q {
			<-d.slots
			d.pending.Done()
		}
		d.queues[chat] = nil
	}
	d.mu.Unlock()
	cut()
	return false
}
