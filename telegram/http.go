package telegram

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// maxUpdateBytes bounds a webhook body; real updates are a few kilobytes.
const maxUpdateBytes = 1 << 20

// The HTTP server's limits (HTTP_ADDR). Telegram, load balancers and probes send a request
// at once and read the answer at once; a client that does neither is cut off, so idle and
// slow connections cannot pile up. None is configuration: they bound misbehaviour, not
// work a deployment may need more of.
const (
	// readHeaderTimeout: a request's headers must arrive within it (from the connection's
	// start, or from a kept-alive connection's next byte).
	readHeaderTimeout = 5 * time.Second
	// writeTimeout: the answer of /healthz, /readyz, /metrics or a refusal, from the end of
	// the request's headers. The webhook's answer gets webhookAnswerTimeout instead.
	writeTimeout = 15 * time.Second
	// idleTimeout: a kept-alive connection with no request.
	idleTimeout = 60 * time.Second
	// maxHeaderBytes: Telegram's headers are a few hundred bytes; larger gets 431.
	maxHeaderBytes = 16 << 10
	// maxConnections caps connections open at once (less when the process may open few
	// files; see connectionCap). Telegram opens at most 100 to a webhook (40 by default).
	maxConnections = 1024
	// shedGrace: at the cap, a connection is not closed to make room for another until it
	// has had this long to send its request (from when the server began to read it, or
	// from the end of its last request).
	shedGrace = 250 * time.Millisecond
)

// Variables for tests.
var (
	// readTimeout: the whole request, an update of up to maxUpdateBytes included.
	readTimeout = 15 * time.Second
	// webhookAnswerTimeout: the webhook answers an update once it is handled (so a crash
	// cannot lose one Telegram was told of), or after this with 503: Telegram then delivers
	// it again, and the redelivery, which waits behind it, is recognised and skipped.
	webhookAnswerTimeout = 60 * time.Second
)

// server is the HTTP server of health, readiness, metrics and the webhook, with the limits
// above; every error it reports goes to the log.
func (b *Bot) server(work context.Context) *http.Server {
	return &http.Server{
		Handler:           protect(b.routes(work)),
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       idleTimeout,
		MaxHeaderBytes:    maxHeaderBytes,
		ConnContext:       withConn,
		ErrorLog:          slog.NewLogLogger(b.log.With("component", "http server").Handler(), slog.LevelWarn),
	}
}

// listen opens HTTP_ADDR with the connection cap.
func (b *Bot) listen() (net.Listener, error) {
	l, err := net.Listen("tcp", b.cfg.HTTPAddr)
	if err != nil {
		return nil, err
	}
	limit := connectionCap(openFileLimit())
	b.log.Info("HTTP server listening", "addr", l.Addr().String(), "max_connections", limit)
	return newShedListener(l, limit, shedGrace, b.shed), nil
}

// connectionCap is how many connections the HTTP server keeps open at once, given how many
// files the process may open (0: unknown): at most maxConnections, and at most half the
// files, so Redis, Telegram and downloads always have the rest.
func connectionCap(files uint64) int {
	limit := maxConnections
	if files > 0 {
		limit = min(limit, int(min(files/2, maxConnections)))
	}
	return max(limit, 16)
}

// shed counts a connection closed to make room, and says so in the log at most once a
// minute while it goes on.
func (b *Bot) shed() {
	b.metrics.shed.Inc()
	b.shedMu.Lock()
	defer b.shedMu.Unlock()
	b.shedCount++
	if time.Since(b.shedLogged) >= time.Minute {
		b.log.Warn("the HTTP server is at its connection cap: closing the connections that wait longest without a request",
			"closed", b.shedCount)
		b.shedLogged, b.shedCount = time.Now(), 0
	}
}

// routes serves health, readiness, metrics and, in webhook mode, the webhook. Updates that
// arrive by webhook run with work as their context.
func (b *Bot) routes(work context.Context) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		_, _ = io.WriteString(w, "ok\n")
	})
	// Readiness says only ready or not: why not (Redis's address, its error) is for the log,
	// not for whoever can reach the port. The log says it when readiness changes.
	var wasReady atomic.Bool
	wasReady.Store(true)
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if err := b.ready(ctx); err != nil {
			if wasReady.Swap(false) {
				b.log.Warn("not ready: the store does not answer", "err", err)
			}
			http.Error(w, "not ready", http.StatusServiceUnavailable)
			return
		}
		if !wasReady.Swap(true) {
			b.log.Info("ready again: the store answers")
		}
		_, _ = io.WriteString(w, "ready\n")
	})
	mux.Handle("GET /metrics", promhttp.HandlerFor(b.registry, promhttp.HandlerOpts{}))
	for pattern, h := range b.cfg.Mount {
		mux.Handle(pattern, h)
	}
	if b.cfg.WebhookURL != "" {
		path := "/"
		if u, err := url.Parse(b.cfg.WebhookURL); err == nil && u.Path != "" {
			path = u.Path
		}
		mux.Handle("POST "+path, b.webhook(work))
	}
	return mux
}

// webhook answers Telegram only once the update is handled, so that an update is never
// acknowledged and then lost; if handling cannot finish (shutdown, or not within
// webhookAnswerTimeout), Telegram gets a 503 and delivers it again (the session's list of
// seen updates keeps it from being answered twice).
func (b *Bot) webhook(work context.Context) http.HandlerFunc {
	want := sha256.Sum256([]byte(b.cfg.WebhookSecret))
	return func(w http.ResponseWriter, r *http.Request) {
		// Hashing first makes the comparison take the same time whatever the lengths.
		got := sha256.Sum256([]byte(r.Header.Get("X-Telegram-Bot-Api-Secret-Token")))
		if subtle.ConstantTimeCompare(got[:], want[:]) != 1 {
			b.metrics.webhookRejected.WithLabelValues("secret").Inc()
			// Refused before the body is read, and the connection closed: net/http would
			// otherwise read up to 256 KB of it first, as slowly as the client sends it.
			w.Header().Set("Connection", "close")
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		// Telegram's answer waits for the handling, so this request may take longer to
		// answer than the server's writeTimeout lets others.
		rc := http.NewResponseController(w)
		_ = rc.SetWriteDeadline(time.Now().Add(webhookAnswerTimeout + writeTimeout))
		// Read into a pooled buffer, given back once decoded: decoding copies out what it keeps.
		var u update
		buf := buffers.Get().(*bytes.Buffer)
		_, err := buf.ReadFrom(io.LimitReader(r.Body, maxUpdateBytes+1))
		body := buf.Bytes()
		readable := err == nil && len(body) <= maxUpdateBytes && json.Unmarshal(body, &u) == nil && u.ID > 0
		putBuffer(buf)
		if !readable {
			b.metrics.webhookRejected.WithLabelValues("malformed").Inc()
			http.Error(w, "malformed update", http.StatusBadRequest)
			return
		}
		// The body is in: net/http has lifted readTimeout's deadline, so the request's
		// context ends only when Telegram closes the connection, however long handling takes.
		done := make(chan bool, 1)
		if !b.accept(r.Context(), work, &u, fromWebhook, func(settled bool) { done <- settled }) {
			http.Error(w, "shutting down", http.StatusServiceUnavailable)
			return
		}
		timeout := time.NewTimer(webhookAnswerTimeout)
		defer timeout.Stop()
		select {
		case settled := <-done:
			if !settled { // cut off by a shutdown: Telegram delivers it again
				http.Error(w, "shutting down", http.StatusServiceUnavailable)
				return
			}
			w.WriteHeader(http.StatusOK)
		case <-timeout.C:
			// The update still finishes; its redelivery waits behind it and is skipped.
			b.log.Warn("an update is taking long: Telegram is told to deliver it again", "update", u.ID, "after", webhookAnswerTimeout)
			http.Error(w, "still handling", http.StatusServiceUnavailable)
		case <-r.Context().Done():
			// Telegram gave up waiting; the update still finishes, and a redelivery is skipped.
		}
	}
}
