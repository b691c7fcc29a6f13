package store_test

import (
	"context"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/qamqor/qamqor/bot"
	"github.com/qamqor/qamqor/content"
	"github.com/qamqor/qamqor/internal/redistest"
	"github.com/qamqor/qamqor/store"
	"github.com/redis/go-redis/v9"
)

func set(s bot.Session) func(bot.Session) (bot.Session, error) {
	return func(bot.Session) (bot.Session, error) { return s, nil }
}

func read(t *testing.T, st *store.Sessions, chat int64) bot.Session {
	t.Helper()
	var got bot.Session
	if err := st.Update(context.Background(), chat, func(s bot.Session) (bot.Session, error) { got = s; return s, nil }); err != nil {
		t.Fatalf("Update: %v", err)
	}
	return got
}

func TestSessionSurvivesANewStoreAndARedisRestart(t *testing.T) {
	srv := redistest.Start(t)
	want := bot.Session{Lang: content.KK, Node: "disability_benefits", History: []string{"main", "disability"}}
	if err := store.NewSessions(srv.Client()).Update(context.Background(), 42, set(want)); err != nil {
		t.Fatal(err)
	}

	// A new store is what a restarted bot has: nothing cached, everything read from Redis.
	if got := read(t, store.NewSessions(srv.Client()), 42); !equal(got, want) {
		t.Fatalf("after a bot restart: got %+v, want %+v", got, want)
	}
	srv.Restart()
	if got := read(t, store.NewSessions(srv.Client()), 42); !equal(got, want) {
		t.Fatalf("after a redis restart: got %+v, want %+v", got, want)
	}
}

func TestSessionHasTTLAndIsCompact(t *testing.T) {
	srv := redistest.Start(t)
	rdb := srv.Client()
	st := store.NewSessions(rdb, store.WithTTL(90*time.Minute))
	s := bot.Session{Lang: content.RU, Node: "family_guardianship_allowance", History: []string{"main", "family", "family_guardianship"}}
	if err := st.Update(context.Background(), 7, set(s)); err != nil {
		t.Fatal(err)
	}
	ttl := rdb.TTL(context.Background(), store.SessionKey(7)).Val()
	if ttl <= 89*time.Minute || ttl > 90*time.Minute {
		t.Errorf("TTL = %v, want about 90m", ttl)
	}
	raw := rdb.Get(context.Background(), store.SessionKey(7)).Val()
	if len(raw) > 120 {
		t.Errorf("session takes %d bytes (%q): it should hold ids only", len(raw), raw)
	}
	if !strings.Contains(store.SessionKey(7), "{chat:7}") {
		t.Errorf("key %q is not hash-tagged by chat", store.SessionKey(7))
	}
}

func TestTwoReplicasDoNotLoseWrites(t *testing.T) {
	srv := redistest.Start(t)
	a, b := store.NewSessions(srv.Client()), store.NewSessions(srv.Client())
	// Each replica caches the session, then both append to History in turn and at once:
	// every append must survive, although each replica's cache goes stale.
	appendNode := func(id string) func(bot.Session) (bot.Session, error) {
		return func(s bot.Session) (bot.Session, error) {
			s.History = append(append([]string(nil), s.History...), id)
			return s, nil
		}
	}
	ctx := context.Background()
	for i := range 4 {
		st := a
		if i%2 == 1 {
			st = b
		}
		if err := st.Update(ctx, 1, appendNode("x")); err != nil {
			t.Fatal(err)
		}
	}
	// Then both replicas write at once, as when one chat's updates reach two replicas.
	var wg sync.WaitGroup
	for _, st := range []*store.Sessions{a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 10 {
				if err := st.Update(ctx, 1, appendNode("y")); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	got := read(t, store.NewSessions(srv.Client()), 1)
	if len(got.History) != 24 {
		t.Fatalf("history has %d entries, want 24 (4 in turn + 2×10 at once): a write was lost", len(got.History))
	}
}

func TestMalformedValueStartsANewConversation(t *testing.T) {
	srv := redistest.Start(t)
	rdb := srv.Client()
	rdb.Set(context.Background(), store.SessionKey(5), "3:{not json", 0)
	st := store.NewSessions(rdb)
	if got := read(t, st, 5); !equal(got, bot.Session{}) {
		t.Fatalf("got %+v, want a new session", got)
	}
	if err := st.Update(context.Background(), 5, set(bot.Session{Lang: content.RU})); err != nil {
		t.Fatalf("writing over a malformed value: %v", err)
	}
	if got := read(t, store.NewSessions(rdb), 5); got.Lang != content.RU {
		t.Fatalf("got %+v after writing over a malformed value", got)
	}
}

func TestRedisDownIsAnErrorAndRecovers(t *testing.T) {
	srv := redistest.Start(t)
	st := store.NewSessions(srv.Client())
	ctx := context.Background()
	if err := st.Update(ctx, 9, set(bot.Session{Lang: content.KK, Node: "employment"})); err != nil {
		t.Fatal(err)
	}
	srv.Restart() // keeps the data
	srv.Down()
	if err := st.Update(ctx, 9, set(bot.Session{Lang: content.KK, Node: "family"})); err == nil {
		t.Fatal("Update succeeded with Redis down")
	}
	srv.Up()
	if got := read(t, st, 9); got.Node != "employment" {
		t.Fatalf("after Redis came back: got %+v", got)
	}
}

func equal(a, b bot.Session) bool {
	return a.Lang == b.Lang && a.Node == b.Node && strings.Join(a.History, ",") == strings.Join(b.History, ",")
}

// roundTrips counts the commands a client sends to Redis, one per round trip (the store
// does not pipeline).
type roundTrips struct{ n atomic.Int64 }

func (*roundTrips) DialHook(next redis.DialHook) redis.DialHook { return next }
func (r *roundTrips) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		r.n.Add(1)
		return next(ctx, cmd)
	}
}
func (*roundTrips) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return next
}

func TestAnUpdateIsOneRoundTrip(t *testing.T) {
	srv := redistest.Start(t)
	rdb := srv.Client()
	counter := &roundTrips{}
	rdb.AddHook(counter)
	st := store.NewSessions(rdb)
	ctx := context.Background()
	if err := st.Update(ctx, 11, set(bot.Session{Lang: content.RU})); err != nil { // reads, loads the script
		t.Fatal(err)
	}
	counter.n.Store(0)
	const updates = 50
	for i := range updates {
		node := "a"
		if i%2 == 0 {
			node = "b"
		}
		if err := st.Update(ctx, 11, set(bot.Session{Lang: content.RU, Node: node})); err != nil {
			t.Fatal(err)
		}
	}
	if got := counter.n.Load(); got != updates {
		t.Fatalf("%d updates of a known chat took %d round trips, want %d", updates, got, updates)
	}

	// A store that has never seen the chat (another replica, or after a restart) reads once.
	counter.n.Store(0)
	if err := store.NewSessions(rdb).Update(ctx, 11, set(bot.Session{Lang: content.KK})); err != nil {
		t.Fatal(err)
	}
	if got := counter.n.Load(); got != 2 {
		t.Fatalf("a cold update took %d round trips, want 2 (read, then write)", got)
	}
}

func BenchmarkSessionsUpdate(b *testing.B) {
	srv := redistest.Start(b)
	st := store.NewSessions(srv.Client())
	ctx := context.Background()
	s := bot.Session{Lang: content.RU, Node: "disability_benefits_child", History: []string{"main", "disability", "disability_benefits"}}
	b.ReportAllocs()
	var chat atomic.Int64
	b.RunParallel(func(pb *testing.PB) {
		id := chat.Add(1)
		for pb.Next() {
			if err := st.Update(ctx, id, set(s)); err != nil {
				b.Fatal(err)
			}
		}
	})
}
