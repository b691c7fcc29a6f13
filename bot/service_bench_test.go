package bot_test

import (
	"testing"
	"time"

	"github.com/qamqor/qamqor/bot"
	"github.com/qamqor/qamqor/bot/admin"
	"github.com/qamqor/qamqor/bot/bottest"
	"github.com/qamqor/qamqor/bot/handoff"
	botnews "github.com/qamqor/qamqor/bot/news"
	"github.com/qamqor/qamqor/bot/publishing"
	"github.com/qamqor/qamqor/bot/referrals"
	"github.com/qamqor/qamqor/bot/stats"
)

// BenchmarkHandle measures a whole turn of the core (read the session, route, step the
// engine, decorate, commit) on an in-memory store with every feature registered as serve
// registers them: what the router and the features add to the engine's share.
func BenchmarkHandle(b *testing.B) {
	svc, sessions := bottest.Service(b,
		admin.New(bottest.NewAdmin(), nil, bottest.Quiet),
		referrals.New(bottest.NewReferrals(time.Now), func(p string) string { return p }, nil),
		publishing.New(bottest.NewContent()),
		stats.New(bottest.NewStats(), nil),
		handoff.New(bottest.NewTickets(), -1),
		botnews.New(bottest.NewNews(), botnews.Options{}),
	)
	bottest.Russian(sessions, 1)
	chat := bottest.NewChat(b, svc, 1)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		data := "g:disability_benefits"
		if i%2 == 1 {
			data = "g:disability_benefits_child"
		}
		if r := chat.Press(data); r.Outcome != bot.Answered {
			b.Fatal(r.Outcome)
		}
	}
}
