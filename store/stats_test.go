package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/qamqor/qamqor/internal/redistest"
	"github.com/qamqor/qamqor/store"
)

func TestStatsAreBufferedAndSurviveAFailedFlush(t *testing.T) {
	srv := redistest.Start(t)
	ctx := context.Background()
	stats := store.NewStats(srv.Client())
	day := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	stats.Count(day, "started:ru", 2)
	stats.Count(day, "started:ru", 1)
	stats.Miss(day, "где купить билет")
	stats.Miss(day, "")
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
	if err != nil || c["started:ru"] != 4 || m["где купить билет"] != 1 || len(m) != 1 {
		t.Fatalf("after flushing: %v %v %v", c, m, err)
	}
	if ttl := srv.Client().TTL(ctx, "stats:2026-11-22").Val(); ttl <= 0 {
		t.Errorf("the day's counters have no TTL (%v)", ttl)
	}
}
