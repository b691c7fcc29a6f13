package telegram

import (
	"net/http"
	"path"
	"strconv"

	"github.com/prometheus/client_golang/prometheus"
)

type metrics struct {
	updates         *prometheus.CounterVec
	latency         prometheus.Histogram
	apiCalls        *prometheus.CounterVec
	webhookRejected *prometheus.CounterVec
	shed            prometheus.Counter
}

func newMetrics(reg prometheus.Registerer) *metrics {
	m := &metrics{
		updates: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "qamqor_updates_total",
			Help: "Updates handled, by kind (message, document, callback_query, group_message), or skipped (duplicate, ignored).",
		}, []string{"kind"}),
		latency: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "qamqor_update_handling_seconds",
			Help:    "From an update's arrival to its replies delivered.",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
		}),
		apiCalls: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "qamqor_telegram_requests_total",
			Help: "Bot API calls by method and HTTP status (\"error\" when no answer came).",
		}, []string{"method", "code"}),
		webhookRejected: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "qamqor_webhook_rejected_total",
			Help: "Webhook requests refused, by reason (secret, malformed).",
		}, []string{"reason"}),
		shed: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "qamqor_http_connections_shed_total",
			Help: "Connections to HTTP_ADDR closed to make room: at the connection cap, the one that waited longest without a request.",
		}),
	}
	reg.MustRegister(m.updates, m.latency, m.apiCalls, m.webhookRejected, m.shed)
	return m
}

// countingTransport counts Bot API calls by method and status. The request URL holds the
// token, so only its last segment, the method, is kept; or method, when set.
type countingTransport struct {
	base   http.RoundTripper
	calls  *prometheus.CounterVec
	method string
}

func (t *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	method := t.method
	if method == "" {
		method = path.Base(r.URL.Path)
	}
	resp, err := t.base.RoundTrip(r)
	code := "error"
	if err == nil {
		code = strconv.Itoa(resp.StatusCode)
		answered(r, resp.StatusCode)
	}
	t.calls.WithLabelValues(method, code).Inc()
	return resp, err
}
