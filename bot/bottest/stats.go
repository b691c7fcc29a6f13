package bottest

import (
	"context"
	"maps"
	"sync"
	"time"

	"github.com/qamqor/qamqor/bot/stats"
)

var _ stats.Store = (*Stats)(nil)

// Stats is an in-memory stats.Store. It keeps what it is told by day (UTC, as
// "2006-01-02"); a question's text shows in Day once MissAskers chats asked it that day,
// and each chat's share is taken back by Forget, as the Redis store does.
type Stats struct {
	mu     sync.Mutex
	counts map[string]map[string]int64
	asked  map[string]map[string]map[int64]bool // day → text → chats
	// Flushes counts the calls of Flush.
	Flushes int
}

// MissAskers is how many chats must ask a question on a day for its text to show.
const MissAskers = 2

// MissDays is how many days the fake says texts are kept.
const MissDays = 30

// NewStats returns an empty statistics store.
func NewStats() *Stats {
	return &Stats{counts: map[string]map[string]int64{}, asked: map[string]map[string]map[int64]bool{}}
}

// DayName is how the fake names a day.
func DayName(t time.Time) string { return t.UTC().Format("2006-01-02") }

func (s *Stats) Count(day time.Time, name string, n int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	d := DayName(day)
	if s.counts[d] == nil {
		s.counts[d] = map[string]int64{}
	}
	s.counts[d][name] += n
}

func (s *Stats) Miss(day time.Time, chat int64, query string) {
	if query == "" {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	d := DayName(day)
	if s.asked[d] == nil {
		s.asked[d] = map[string]map[int64]bool{}
	}
	if s.asked[d][query] == nil {
		s.asked[d][query] = map[int64]bool{}
	}
	s.asked[d][query][chat] = true
}

func (s *Stats) Forget(_ context.Context, chat int64) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, texts := range s.asked {
		for _, chats := range texts {
			delete(chats, chat)
		}
	}
	return nil
}

func (s *Stats) Flush(context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.Flushes++
	return nil
}

func (s *Stats) Day(_ context.Context, day time.Time) (map[string]int64, map[string]int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	d := DayName(day)
	misses := map[string]int64{}
	for text, chats := range s.asked[d] {
		if len(chats) >= MissAskers {
			misses[text] = int64(len(chats))
		}
	}
	return maps.Clone(s.counts[d]), misses, nil
}

func (s *Stats) Asked(_ context.Context, chat int64) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, texts := range s.asked {
		for _, chats := range texts {
			if chats[chat] {
				n++
			}
		}
	}
	return n, nil
}

func (s *Stats) MissPolicy() (askers, days int) { return MissAskers, MissDays }

// Counts are the counters of day (a copy).
func (s *Stats) Counts(day time.Time) map[string]int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return maps.Clone(s.counts[DayName(day)])
}

// Askers are the chats that asked query on day, without an answer.
func (s *Stats) Askers(day time.Time, query string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.asked[DayName(day)][query])
}
