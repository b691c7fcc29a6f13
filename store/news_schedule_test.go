package store_test

import (
	"context"
	"log/slog"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/qamqor/qamqor/bot"
	botnews "github.com/qamqor/qamqor/bot/news"
	"github.com/qamqor/qamqor/content"
	"github.com/qamqor/qamqor/internal/redistest"
	"github.com/qamqor/qamqor/locales"
	"github.com/qamqor/qamqor/store"
)

type oneEngine struct{ e *bot.Engine }

func (o oneEngine) Engine() *bot.Engine { return o.e }

// A broadcast scheduled for later is kept in Redis and sent when due, once, by whichever
// replica's broadcaster looks first, to the subscribers of that moment; one taken back
// before is not sent.
func TestAScheduledBroadcastGoesWhenDueOnce(t *testing.T) {
	srv := redistest.Start(t)
	ctx := context.Background()
	s := store.NewNews(srv.Client())
	now := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	texts := map[content.Lang]string{content.KK: "Ертең жиналыс", content.RU: "Завтра собрание"}
	for _, sc := range []botnews.Scheduled{
		{Draft: "later", Author: 100, Texts: texts, Due: now.Add(2 * time.Hour), Created: now},
		{Draft: "soon", Author: 100, AuthorLang: content.RU, Texts: texts, Audience: botnews.Audience{Topic: "disability"}, Due: now.Add(time.Hour), Created: now},
		{Draft: "taken-back", Author: 100, Texts: texts, Due: now.Add(time.Hour), Created: now},
	} {
		if err := s.Schedule(ctx, sc); err != nil {
			t.Fatal(err)
		}
	}
	if ok, err := s.Unschedule(ctx, "taken-back"); !ok || err != nil {
		t.Fatalf("taking one back: %v %v", ok, err)
	}
	all, err := s.Scheduled(ctx)
	if err != nil || len(all) != 2 || all[0].Draft != "soon" || all[1].Draft != "later" || all[0].Texts[content.KK] != "Ертең жиналыс" ||
		all[0].Audience.Topic != "disability" || !all[0].Due.Equal(now.Add(time.Hour)) {
		t.Fatalf("scheduled: %+v %v", all, err)
	}
	if due, _ := s.Due(ctx, now); len(due) != 0 {
		t.Fatalf("due before its time: %+v", due)
	}
	// Subscribed after it was scheduled, before it is due: they get it.
	_ = s.Subscribe(ctx, 7, "disability", "", content.KK)
	_ = s.Subscribe(ctx, 8, "employment", "", content.RU)

	var mu sync.Mutex
	got := map[int64][]string{}
	deliver := func(_ context.Context, chat int64, r bot.Reply) error {
		mu.Lock()
		defer mu.Unlock()
		got[chat] = append(got[chat], r.Text)
		return nil
	}
	c, _, err := content.Load(content.Embedded(), "content/data")
	if err != nil {
		t.Fatal(err)
	}
	bundle, err := locales.Bundle()
	if err != nil {
		t.Fatal(err)
	}
	engine := oneEngine{bot.NewEngine(c, bundle)}
	quiet := slog.New(slog.DiscardHandler)
	opts := botnews.Options{Rate: 1000, Now: clock, Schedule: s}
	replicaA := botnews.New(s, opts).Broadcaster(deliver, "a", engine, quiet)
	replicaB := botnews.New(s, opts).Broadcaster(deliver, "b", engine, quiet)

	now = now.Add(time.Hour)
	replicaA.SendQueued(ctx)
	replicaB.SendQueued(ctx)
	if !slices.Equal(got[7], []string{"Ертең жиналыс"}) || len(got[8]) != 0 {
		t.Errorf("sent %v", got)
	}
	if bs, _ := s.Broadcasts(ctx, 10); len(bs) != 1 || bs[0].Total != 1 || bs[0].Sent != 1 {
		t.Errorf("broadcasts made: %+v", bs)
	}
	left, _ := s.Scheduled(ctx)
	if len(left) != 1 || left[0].Draft != "later" {
		t.Errorf("still scheduled: %+v", left)
	}
	if ok, _ := s.Unschedule(ctx, "soon"); ok {
		t.Error("a released broadcast could still be taken back")
	}
}
