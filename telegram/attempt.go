package telegram

import (
	"context"
	"net/http"
	"net/http/httptrace"
	"strings"
	"sync/atomic"
)

// attempt is what one try of a Bot API call got as far as: whether its request went out
// whole, and the HTTP status of Telegram's answer, if one came. It tells a failed send
// Telegram never saw (safe to send again) from one it may have acted on.
type attempt struct {
	written atomic.Bool
	status  atomic.Int32
}

type attemptKey struct{}

// traced returns ctx carrying a new attempt, which requests made with it fill in.
func traced(ctx context.Context) (context.Context, *attempt) {
	a := &attempt{}
	ctx = context.WithValue(ctx, attemptKey{}, a)
	return httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
		WroteRequest: func(info httptrace.WroteRequestInfo) {
			if info.Err == nil {
				a.written.Store(true)
			}
		},
	}), a
}

// answered records the status of an answer to a request made with an attempt's context.
func answered(r *http.Request, status int) {
	if a, ok := r.Context().Value(attemptKey{}).(*attempt); ok {
		a.status.Store(int32(status))
	}
}

// mayHaveArrived reports whether Telegram may have acted on the request, which failed with
// err. It did not when nothing went out whole (the connection was refused, or broke while
// writing), when it answered 500–503, saying it failed, or when it had closed the kept-alive
// connection the request went out on (net/http's "server closed idle connection": the
// server hung up before reading it). It may have when the request went out and no answer
// came (a timeout, a connection broken while waiting), when the answer could not be read,
// and after a 504: a gateway gave up waiting for a server that may still have done it.
func (a *attempt) mayHaveArrived(err error) bool {
	switch status := a.status.Load(); {
	case status >= 500 && status <= 503:
		return false
	case status != 0:
		return true
	case strings.Contains(err.Error(), "server closed idle connection"):
		return false
	}
	return a.written.Load()
}
