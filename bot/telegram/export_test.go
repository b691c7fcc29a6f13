package telegram

import "time"

// SetWebhookAnswerTimeout changes how long the webhook waits for an update to be handled
// before it answers 503, until the returned function restores it.
func SetWebhookAnswerTimeout(d time.Duration) (restore func()) {
	old := webhookAnswerTimeout
	webhookAnswerTimeout = d
	return func() { webhookAnswerTimeout = old }
}
