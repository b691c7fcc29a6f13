package telegram

import "time"

// SetWebhookAnswerTimeout changes how long the webhook waits for an update to be handled
// before it answers 503, until the returned function restores it.
func SetWebhookAnswerTimeout(d time.Duration) (restore func()) {
	old := webhookAnswerTimeout
	webhookAnswerTimeout = d
	return func() { webhookAnswerTimeout = old }
}

// SetReadTimeout changes how long the HTTP server gives a whole request, until the
// returned function restores it.
func SetReadTimeout(d time.Duration) (restore func()) {
	old := readTimeout
	readTimeout = d
	return func() { readTimeout = old }
}
