package bottest

import (
	"encoding/json"

	"github.com/qamqor/qamqor/bot"
)

// sessionKey is a session as the Redis store would write it, to tell a change from none.
func sessionKey(s bot.Session) string {
	b, _ := json.Marshal(s)
	return string(b)
}
