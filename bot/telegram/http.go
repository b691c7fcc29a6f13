package telegram

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"time"

	"github.com/go-telegram/bot/models"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// maxUpdateBytes bounds a webhook body; real updates are a few kilobytes.
const maxUpdateBytes = 1 << 20

// routes serves health, readiness, metrics and, in webhook mode, the webhook. Updates that
// arrive by webhook run with work as their context.
func (b *Bot) routes(work context.Context) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		_, _ = io.WriteString(w, "ok\n")
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if err := b.ready(ctx); err != nil {
			http.Error(w, "not ready: "+err.Error(), http.StatusServiceUnavailable)
			return
		}
		_, _ = io.WriteString(w, "ready\n")
	})
	mux.Handle("GET /metrics", promhttp.HandlerFor(b.registry, promhttp.HandlerOpts{}))
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
// acknowledged and then lost; if handling cannot finish, Telegram gets a 503 and delivers
// it again (the session's list of seen updates keeps it from being answered twice).
func (b *Bot) webhook(work context.Context) http.HandlerFunc {
	want := sha256.Sum256([]byte(b.cfg.WebhookSecret))
	return func(w http.ResponseWriter, r *http.Request) {
		// Hashing first makes the comparison take the same time whatever the lengths.
		got := sha256.Sum256([]byte(r.Header.Get("X-Telegram-Bot-Api-Secret-Token")))
		if subtle.ConstantTimeCompare(got[:], want[:]) != 1 {
			b.metrics.webhookRejected.WithLabelValues("secret").Inc()
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		var u models.Update
		body, err := io.ReadAll(io.LimitReader(r.Body, maxUpdateBytes+1))
		if err != nil || len(body) > maxUpdateBytes || json.Unmarshal(body, &u) != nil || u.ID <= 0 {
			b.metrics.webhookRejected.WithLabelValues("malformed").Inc()
			http.Error(w, "malformed update", http.StatusBadRequest)
			return
		}
		done := make(chan bool, 1)
		if !b.accept(r.Context(), work, &u, fromWebhook, func(settled bool) { done <- settled }) {
			http.Error(w, "shutting down", http.StatusServiceUnavailable)
			return
		}
		select {
		case settled := <-done:
			if !settled { // cut off by a shutdown: Telegram delivers it again
				http.Error(w, "shutting down", http.StatusServiceUnavailable)
				return
			}
			w.WriteHeader(http.StatusOK)
		case <-r.Context().Done():
			// Telegram gave up waiting; the update still finishes, and a redelivery is skipped.
		}
	}
}
