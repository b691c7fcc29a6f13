package store

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// StatsTTL is how long a day's counters are kept.
const StatsTTL = 400 * 24 * time.Hour

// maxMissesPerFlush bounds the distinct unanswered questions written per flush, so a
// flood of random text cannot grow a day's hash without end.
const maxMissesPerFlush = 200

// Stats counts events in memory and adds them to Redis in one pipeline per flush, so
// counting costs updates nothing; it implements bot.StatsRecorder and bot.StatsReader.
// Counters are per day (UTC) in the hash stats:<YYYY-MM-DD>, unanswered questions in
// stats:<YYYY-MM-DD>:misses. Nothing in them says who did what.
type Stats struct {
	rdb    redis.UniversalClient
	mu     sync.Mutex
	counts map[string]map[string]int64 // day → name → n
	misses map[string]map[string]int64 // day → query → n
}

// NewStats returns the statistics store.
func NewStats(rdb redis.UniversalClient) *Stats {
	return &Stats{rdb: rdb, counts: map[string]map[string]int64{}, misses: map[string]map[string]int64{}}
}

func dayKey(day time.Time) string { return "stats:" + day.UTC().Format("2006-01-02") }

// Count implements bot.StatsRecorder.
func (s *Stats) Count(day time.Time, name string, n int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := dayKey(day)
	if s.counts[k] == nil {
		s.counts[k] = map[string]int64{}
	}
	s.counts[k][name] += n
}

// Miss implements bot.StatsRecorder.
func (s *Stats) Miss(day time.Time, query string) {
	if query == "" {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	k := dayKey(day) + ":misses"
	if s.misses[k] == nil {
		s.misses[k] = map[string]int64{}
	}
	if len(s.misses[k]) < maxMissesPerFlush || s.misses[k][query] > 0 {
		s.misses[k][query]++
	}
}

// Flush writes what was counted since the last flush. What fails to be written is kept
// for the next one.
func (s *Stats) Flush(ctx context.Context) error {
	s.mu.Lock()
	counts, misses := s.counts, s.misses
	s.counts, s.misses = map[string]map[string]int64{}, map[string]map[string]int64{}
	s.mu.Unlock()
	if len(counts)+len(misses) == 0 {
		return nil
	}
	pipe := s.rdb.Pipeline()
	for _, m := range []map[string]map[string]int64{counts, misses} {
		for key, fields := range m {
			for f, n := range fields {
				pipe.HIncrBy(ctx, key, f, n)
			}
			pipe.Expire(ctx, key, StatsTTL)
		}
	}
	if _, err := pipe.Exec(ctx); err != nil {
		s.mu.Lock()
		merge(s.counts, counts)
		merge(s.misses, misses)
		s.mu.Unlock()
		return fmt.Errorf("store: writing statistics: %w", err)
	}
	return nil
}

func merge(into, from map[string]map[string]int64) {
	for k, fields := range from {
		if into[k] == nil {
			into[k] = map[string]int64{}
		}
		for f, n := range fields {
			into[k][f] += n
		}
	}
}

// Run flushes every interval until ctx ends, then once more.
func (s *Stats) Run(ctx context.Context, interval time.Duration, log *slog.Logger) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			final, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
			defer cancel()
			if err := s.Flush(final); err != nil {
				log.Warn("statistics", "err", err)
			}
			return
		case <-t.C:
			if err := s.Flush(ctx); err != nil {
				log.Warn("statistics", "err", err)
			}
		}
	}
}

// Day implements bot.StatsReader.
func (s *Stats) Day(ctx context.Context, day time.Time) (map[string]int64, map[string]int64, error) {
	read := func(key string) (map[string]int64, error) {
		m, err := s.rdb.HGetAll(ctx, key).Result()
		if err != nil {
			return nil, fmt.Errorf("store: reading statistics: %w", err)
		}
		out := make(map[string]int64, len(m))
		for k, v := range m {
			out[k], _ = strconv.ParseInt(v, 10, 64)
		}
		return out, nil
	}
	counts, err := read(dayKey(day))
	if err != nil {
		return nil, nil, err
	}
	misses, err := read(dayKey(day) + ":misses")
	return counts, misses, err
}
