package store_test

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/qamqor/qamqor/bot"
	"github.com/qamqor/qamqor/content"
	"github.com/qamqor/qamqor/internal/redistest"
	"github.com/qamqor/qamqor/secret"
	"github.com/qamqor/qamqor/store"
	"github.com/redis/go-redis/v9"
)

// started gives chats sessions, as handling their first update does: questions are
// counted only for a chat that has one.
func started(t *testing.T, rdb redis.UniversalClient, chats ...int64) {
	t.Helper()
	sessions := store.NewSessions(rdb, store.WithCacheSize(0))
	for _, chat := range chats {
		if err := sessions.Update(context.Background(), chat, set(bot.Session{Lang: content.RU})); err != nil {
			t.Fatal(err)
		}
	}
}

func TestStatsAreBufferedAndSurviveAFailedFlush(t *testing.T) {
	srv := redistest.Start(t)
	ctx := context.Background()
	stats := store.NewStats(srv.Client())
	started(t, srv.Client(), 1, 2)
	day := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	stats.Count(day, "started:ru", 2)
	stats.Count(day, "started:ru", 1)
	stats.Miss(day, 1, "где купить билет")
	stats.Miss(day, 2, "где купить билет")
	stats.Miss(day, 2, "")
	if c, _, _ := stats.Day(ctx, day); len(c) != 0 {
		t.Fatalf("counted before a flush: %v", c)
	}

	srv.Restart() // keep nothing unflushed in Redis's own memory either
	srv.Down()
	if err := stats.Flush(ctx); err == nil {
		t.Fatal("a flush with Redis away reported success")
	}
	srv.Up()
	stats.Count(day, "started:ru", 1)
	if err := stats.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	c, m, err := stats.Day(ctx, day)
	if err != nil || c["started:ru"] != 4 || m["где купить билет"] != 2 || len(m) != 1 {
		t.Fatalf("after flushing: %v %v %v", c, m, err)
	}
	if ttl := srv.Client().TTL(ctx, "stats:2026-11-22").Val(); ttl <= 0 {
		t.Errorf("the day's counters have no TTL (%v)", ttl)
	}
	// A second flush of the same question by the same chat does not count it again.
	stats.Miss(day, 1, "где купить билет")
	if err := stats.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if _, m, _ := stats.Day(ctx, day); m["где купить билет"] != 2 {
		t.Errorf("one chat asking again counts as another person: %v", m)
	}
}

// TestOnePersonsQuestionIsNeverKeptAndForgetTakesBackTheirShare: a question asked by one
// chat is only a digest; one asked by two is shown; /forget by one of them removes it, and
// what another replica still held of them is not written after it.
func TestOnePersonsQuestionIsNeverKeptAndForgetTakesBackTheirShare(t *testing.T) {
	for _, sealed := range []bool{false, true} {
		t.Run(map[bool]string{false: "plain", true: "sealed"}[sealed], func(t *testing.T) {
			srv := redistest.Start(t)
			rdb := srv.Client()
			ctx := context.Background()
			var opts []store.StatsOption
			if sealed {
				key, err := secret.ParseKey(secret.GenerateKey())
				if err != nil {
					t.Fatal(err)
				}
				opts = append(opts, store.SealMisses(key))
			}
			a, b := store.NewStats(rdb, opts...), store.NewStats(rdb, opts...) // two replicas
			const person, neighbour, third = 736512049, 736512050, 736512051
			started(t, rdb, person, neighbour, third)
			day := time.Now()
			a.Miss(day, person, "айгерим сапарова диагноз аутизм")
			a.Miss(day, person, "пенсия по уходу за мамой")
			b.Miss(day, neighbour, "пенсия по уходу за мамой")
			must(t, a.Flush(ctx))
			must(t, b.Flush(ctx))
			_, m, err := a.Day(ctx, day)
			if err != nil || len(m) != 1 || m["пенсия по уходу за мамой"] != 2 {
				t.Fatalf("misses: %v %v; want only the question two people asked", m, err)
			}
			if n, _ := a.Asked(ctx, person); n != 2 {
				t.Errorf("the person's questions counted: %d, want 2", n)
			}
			if sealed && redisHolds(t, srv, "пенсия") {
				t.Error("a sealed text is readable in Redis")
			}
			if !sealed && !redisHolds(t, srv, "пенсия") {
				t.Fatal("the question two people asked is not in Redis: the scan below proves nothing")
			}

			// Replica b still holds something the person asked when they send /forget on a.
			b.Miss(day, person, "айгерим сапарова ещё вопрос")
			must(t, store.NewSessions(rdb).Forget(ctx, person))
			must(t, a.Forget(ctx, person))
			must(t, b.Flush(ctx))
			_, m, _ = a.Day(ctx, day)
			if len(m) != 0 {
				t.Errorf("after /forget the misses still show %v", m)
			}
			for _, word := range []string{"айгерим", "сапарова", "аутизм", "мамой"} {
				if redisHolds(t, srv, word) {
					t.Errorf("%q is still in Redis", word)
				}
			}
			for _, k := range srv.Keys("*") {
				if strings.Contains(k, strconv.Itoa(person)) {
					t.Errorf("key %s names the person", k)
				}
			}
			// The neighbour's share stays: one more person asking shows it again.
			b.Miss(day, third, "пенсия по уходу за мамой")
			must(t, b.Flush(ctx))
			if _, m, _ = a.Day(ctx, day); m["пенсия по уходу за мамой"] != 2 {
				t.Errorf("after a third person asked: %v", m)
			}
			// Forgetting twice takes nothing more.
			must(t, a.Forget(ctx, person))
			if _, m, _ = a.Day(ctx, day); m["пенсия по уходу за мамой"] != 2 {
				t.Errorf("a second /forget changed the others' count: %v", m)
			}
		})
	}
}

// TestMissesStayUnderTheDailyBoundAcrossFlushesAndReplicas floods one day from two replicas
// with 40,000 distinct questions of 100 characters, each asked by two chats, over 80 flushes:
// what is kept for the day stays under its bound (before the bound, it grew by up to 200
// texts a flush and replica: 16,000 entries, 2.4 MB here; 8,640 flushes a day).
func TestMissesStayUnderTheDailyBoundAcrossFlushesAndReplicas(t *testing.T) {
	srv := redistest.Start(t)
	rdb := srv.Client()
	ctx := context.Background()
	const chats = 2000
	ids := make([]int64, chats)
	for i := range ids {
		ids[i] = int64(10_000 + i)
	}
	started(t, rdb, ids...)
	key, err := secret.ParseKey(secret.GenerateKey())
	must(t, err)
	// Two replicas, as serve runs with DATA_KEY: texts sealed, a little larger.
	replicas := []*store.Stats{store.NewStats(rdb, store.SealMisses(key)), store.NewStats(rdb, store.SealMisses(key))}
	day := time.Now()
	const flushes, perFlush = 40, 500
	q := 0
	for range flushes {
		for _, r := range replicas {
			for range perFlush {
				text := fmt.Sprintf("вопрос номер %s без ответа %s", strings.Repeat("ж", q%7), strings.Repeat("ы", 80))
				text = fmt.Sprintf("%x %s", q, text)[:100]
				text = strings.Map(func(c rune) rune { // no digits: they are never kept
					if c >= '0' && c <= '9' {
						return 'а' + c - '0'
					}
					return c
				}, text)
				r.Miss(day, ids[q%chats], text)
				r.Miss(day, ids[(q+1)%chats], text)
				q++
			}
			must(t, r.Flush(ctx))
		}
	}
	date := day.UTC().Format("2006-01-02")
	var entries, bytes int64
	for _, n := range srv.Nodes() {
		keys, err := n.Keys(ctx, "*"+date+"*").Result()
		must(t, err)
		for _, k := range keys {
			if k == "stats:"+date { // the counters: one field per counter name
				continue
			}
			entries += n.HLen(ctx, k).Val()
			bytes += n.MemoryUsage(ctx, k).Val()
		}
	}
	most := int64(store.MissQuestionsPerDay + store.MissTextsPerDay)
	t.Logf("%d distinct questions asked in a day: %d entries, %d bytes kept for it", q, entries, bytes)
	if entries > most {
		t.Errorf("%d entries kept for one day; the bound is %d", entries, most)
	}
	if bytes > 1<<20 {
		t.Errorf("%d bytes kept for one day; want at most 1 MB", bytes)
	}
	// One chat alone asking 300 different questions is held to its own bound.
	const flooder = 9999
	started(t, rdb, flooder)
	for f := range 3 {
		for i := range 100 {
			replicas[f%2].Miss(day, flooder, "вопрос флудера "+strings.Repeat("ю", f*100+i))
		}
		must(t, replicas[f%2].Flush(ctx))
	}
	for _, chat := range append(ids[:50], flooder) {
		if n, _ := replicas[0].Asked(ctx, chat); n > store.MissesPerChat || (chat == flooder && n != store.MissesPerChat) {
			t.Errorf("chat %d's index holds %d questions; the bound is %d", chat, n, store.MissesPerChat)
		}
	}
	for _, k := range srv.Keys("*") {
		if ttl := rdb.PTTL(ctx, k).Val(); ttl <= 0 {
			t.Errorf("%s has no TTL", k)
		}
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// redisHolds reports whether word is in any key or value in Redis, of any type.
func redisHolds(t *testing.T, srv *redistest.Server, word string) bool {
	t.Helper()
	ctx := context.Background()
	for _, n := range srv.Nodes() {
		for _, k := range n.Keys(ctx, "*").Val() {
			var vals []string
			switch n.Type(ctx, k).Val() {
			case "string":
				vals = []string{n.Get(ctx, k).Val()}
			case "hash":
				for f, v := range n.HGetAll(ctx, k).Val() {
					vals = append(vals, f, v)
				}
			case "list":
				vals = n.LRange(ctx, k, 0, -1).Val()
			case "set":
				vals = n.SMembers(ctx, k).Val()
			case "zset":
				vals = n.ZRange(ctx, k, 0, -1).Val()
			}
			for _, v := range append(vals, k) {
				if strings.Contains(strings.ToLower(v), word) {
					return true
				}
			}
		}
	}
	return false
}
