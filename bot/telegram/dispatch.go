package telegram

import (
	"context"
	"sync"
)

// dispatcher runs jobs with a bounded number of workers, in order within a chat and in
// parallel across chats: a chat's jobs wait behind each other, never behind another chat's.
type dispatcher struct {
	mu      sync.Mutex
	queues  map[int64][]func() // pending jobs per chat; a chat is present while it has a worker
	ready   chan int64         // chats with jobs and no worker
	slots   chan struct{}      // bounds the jobs accepted and not yet finished
	closed  bool
	workers sync.WaitGroup
	pending sync.WaitGroup
}

// newDispatcher starts workers; at most maxPending jobs are accepted and not yet finished.
func newDispatcher(workers, maxPending int) *dispatcher {
	d := &dispatcher{
		queues: map[int64][]func(){},
		ready:  make(chan int64, maxPending),
		slots:  make(chan struct{}, maxPending),
	}
	for range workers {
		d.workers.Add(1)
		go d.work()
	}
	return d
}

// submit queues job for chat, waiting for room when maxPending jobs are in hand. It reports
// false, without queueing, when ctx ends first or the dispatcher is closing.
func (d *dispatcher) submit(ctx context.Context, chat int64, job func()) bool {
	select {
	case d.slots <- struct{}{}:
	case <-ctx.Done():
		return false
	}
	d.mu.Lock()
	if d.closed {
		d.mu.Unlock()
		<-d.slots
		return false
	}
	d.pending.Add(1)
	q, active := d.queues[chat]
	d.queues[chat] = append(q, job)
	d.mu.Unlock()
	if !active {
		d.ready <- chat // never blocks: ready has room for every accepted job
	}
	return true
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

// close stops accepting jobs and waits until every accepted job has finished.
func (d *dispatcher) close() {
	d.mu.Lock()
	d.closed = true
	d.mu.Unlock()
	d.pending.Wait()
	close(d.ready)
	d.workers.Wait()
}
