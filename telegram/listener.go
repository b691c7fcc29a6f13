package telegram

import (
	"container/list"
	"context"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// shedListener caps the connections open at once. At the cap, a new connection closes the
// one that has waited longest without a request being handled: first among those that never
// completed one (idle or slow clients), then among kept-alive connections between requests.
// A connection is not closed before net/http has begun to read it and then given it grace
// (or in the grace after a request): the time its client needs to send the request, counted
// from when the server looks, so that a server slowed down by a flood does not shed the
// requests it has not got to. A flood that dials faster than that makes new connections wait
// to be accepted instead, as they do when every connection has a request in a handler.
//
// golang.org/x/net/netutil.LimitListener caps connections too, but leaves the ones over the
// cap in the kernel's queue, first come first served: behind an attacker's idle connections,
// Telegram's next delivery and a health probe wait for the attacker's to time out. Here a
// client that sends its request at once is served at once, however many wait.
type shedListener struct {
	net.Listener
	max   int
	grace time.Duration
	// onShed is told of each connection closed to make room (for metrics and the log).
	onShed func()

	mu     sync.Mutex
	open   int
	fresh  list.List     // *shedConn that never completed a request, oldest first
	idle   list.List     // *shedConn between requests, oldest first
	freed  chan struct{} // closed and replaced when a connection closes or becomes idle
	closed chan struct{} // closed with the listener
	once   sync.Once
}

func newShedListener(l net.Listener, max int, grace time.Duration, onShed func()) *shedListener {
	return &shedListener{Listener: l, max: max, grace: grace, onShed: onShed, freed: make(chan struct{}), closed: make(chan struct{})}
}

// shedConn is a connection the listener counts. Its list element is set while it waits
// for a request (in fresh or idle) and nil while a handler serves it or once it is closed.
type shedConn struct {
	net.Conn
	l     *shedListener
	queue *list.List
	elem  *list.Element
	since time.Time // when it began to wait for its next request (idle)
	gone  bool      // closed
	// firstRead is when net/http first read it, in Unix nanoseconds (0: not yet): a fresh
	// connection's grace starts then.
	firstRead atomic.Int64
	// firstData is when its first bytes came in (0: none yet). A connection whose client
	// has begun to send is given four graces from then, so a request sent at once is parsed
	// and reaches its handler however slow a flooded server is to get there.
	firstData atomic.Int64
	close     sync.Once
}

func (l *shedListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	sc := &shedConn{Conn: c, l: l}
	for {
		l.mu.Lock()
		if l.open < l.max {
			l.open++
			l.waitingLocked(sc, &l.fresh)
			l.mu.Unlock()
			return sc, nil
		}
		victim, wait := l.oldestLocked(time.Now())
		freed := l.freed
		l.mu.Unlock()
		if victim != nil {
			_ = victim.Close()
			if l.onShed != nil {
				l.onShed()
			}
			continue
		}
		// Every connection is being served or in its grace: wait for one to finish, or to
		// be past its grace.
		var timeout <-chan time.Time
		var timer *time.Timer
		if wait > 0 {
			timer = time.NewTimer(wait)
			timeout = timer.C
		}
		select {
		case <-freed:
		case <-timeout:
		case <-l.closed:
			_ = c.Close()
			return nil, net.ErrClosed
		}
		if timer != nil {
			timer.Stop()
		}
	}
}

func (l *shedListener) Close() error {
	l.once.Do(func() { close(l.closed) })
	return l.Listener.Close()
}

// shedScan bounds how many connections of a list oldestLocked looks at for one past its
// grace: the oldest are nearly always the ones.
const shedScan = 64

// oldestLocked takes out of its list the connection to close to make room. When there is
// none past its grace, it returns nil and how long to wait before looking again (0: none
// waits for its grace).
func (l *shedListener) oldestLocked(now time.Time) (*shedConn, time.Duration) {
	var wait time.Duration
	later := func(d time.Duration) {
		if wait == 0 || d < wait {
			wait = d
		}
	}
	for _, q := range []*list.List{&l.fresh, &l.idle} {
		n := 0
		for e := q.Front(); e != nil && n < shedScan; e, n = e.Next(), n+1 {
			sc := e.Value.(*shedConn)
			start := sc.since
			if q == &l.fresh {
				read := sc.firstRead.Load()
				if read == 0 { // net/http has not got to it yet
					later(max(l.grace/4, time.Millisecond))
					continue
				}
				start = time.Unix(0, read)
			}
			grace := l.grace
			if q == &l.fresh {
				if data := sc.firstData.Load(); data != 0 {
					start, grace = time.Unix(0, data), 4*l.grace
				}
			}
			if left := start.Add(grace).Sub(now); left > 0 {
				later(left)
				continue
			}
			q.Remove(e)
			sc.elem, sc.queue = nil, nil
			return sc, 0
		}
	}
	return nil, wait
}

func (l *shedListener) waitingLocked(sc *shedConn, q *list.List) {
	if sc.gone || sc.elem != nil {
		return
	}
	sc.queue, sc.elem, sc.since = q, q.PushBack(sc), time.Now()
}

func (l *shedListener) removeLocked(sc *shedConn) {
	if sc.elem != nil {
		sc.queue.Remove(sc.elem)
		sc.elem, sc.queue = nil, nil
	}
}

func (l *shedListener) signalLocked() {
	close(l.freed)
	l.freed = make(chan struct{})
}

// Read notes when net/http first read the connection, and when the first bytes came in.
func (c *shedConn) Read(p []byte) (int, error) {
	if c.firstRead.Load() == 0 {
		c.firstRead.CompareAndSwap(0, time.Now().UnixNano())
	}
	n, err := c.Conn.Read(p)
	if n > 0 && c.firstData.Load() == 0 {
		c.firstData.CompareAndSwap(0, time.Now().UnixNano())
	}
	return n, err
}

func (c *shedConn) Close() error {
	c.close.Do(func() {
		l := c.l
		l.mu.Lock()
		l.removeLocked(c)
		c.gone = true
		l.open--
		l.signalLocked()
		l.mu.Unlock()
	})
	return c.Conn.Close()
}

// CloseWrite lets net/http half-close a TCP connection before closing it, as it does with
// connections it accepts itself.
func (c *shedConn) CloseWrite() error {
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return nil
}

// serving marks the connection as having a request in a handler, until done is called:
// it cannot be shed meanwhile.
func (c *shedConn) serving() (done func()) {
	l := c.l
	l.mu.Lock()
	l.removeLocked(c)
	l.mu.Unlock()
	return func() {
		l.mu.Lock()
		l.waitingLocked(c, &l.idle)
		l.signalLocked()
		l.mu.Unlock()
	}
}

type connKey struct{}

// withConn is http.Server.ConnContext: it lets handlers find their connection.
func withConn(ctx context.Context, c net.Conn) context.Context {
	if sc, ok := c.(*shedConn); ok {
		return context.WithValue(ctx, connKey{}, sc)
	}
	return ctx
}

// protect keeps a connection from being shed while h serves a request on it.
func protect(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if sc, ok := r.Context().Value(connKey{}).(*shedConn); ok {
			defer sc.serving()()
		}
		h.ServeHTTP(w, r)
	})
}
