package store

import (
	"encoding/json"
	"strconv"
	"testing"

	"github.com/qamqor/qamqor/bot"
	"github.com/qamqor/qamqor/content"
)

// benchSession is a session after choosing a language, a few screens and a screener
// question, with the update ids Telegram gives (what qamqor bench --memory stores).
var benchSession = bot.Session{
	Lang: content.RU, Node: "disability", History: []string{"main"},
	Seen:     []int64{812345670, 812345671, 812345672, 812345673, 812345674},
	Screener: "disability_check", Step: "q:established", Answers: map[string]string{"who": "self"},
}

// BenchmarkSessionEncode is the encoding Update writes: "<version>:<json>".
func BenchmarkSessionEncode(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		payload, err := json.Marshal(benchSession)
		if err != nil {
			b.Fatal(err)
		}
		_ = strconv.FormatInt(5, 10) + ":" + string(payload)
	}
}

// BenchmarkSessionDecode is what a cache miss or a lost compare-and-set costs to read.
func BenchmarkSessionDecode(b *testing.B) {
	payload, err := json.Marshal(benchSession)
	if err != nil {
		b.Fatal(err)
	}
	raw := "5:" + string(payload)
	b.ReportAllocs()
	for b.Loop() {
		if v := decode(raw); v.ver != 5 {
			b.Fatal("not decoded")
		}
	}
}
