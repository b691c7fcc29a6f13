package bottest

import (
	"context"
	"time"

	"github.com/qamqor/qamqor/bot/referrals"
	"github.com/qamqor/qamqor/bot/stats"
)

var _ referrals.Consultations = (*Referrals)(nil)

func consultDay(org string, day time.Time) string { return org + "\x00" + day.Format("2006-01-02") }

// RecordConsultation counts a consultation of org on at's day in Kazakhstan, as
// store.Referrals does.
func (s *Referrals) RecordConsultation(_ context.Context, org string, at time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.Fail != nil {
		return s.Fail
	}
	if s.consult == nil {
		s.consult = map[string]int{}
	}
	s.consult[consultDay(org, stats.Day(at))]++
	return nil
}

// Consultations sums org's consultations from the day of from to the day of to, both
// included.
func (s *Referrals) Consultations(_ context.Context, org string, from, to time.Time) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.Fail != nil {
		return 0, s.Fail
	}
	n := 0
	for d := stats.Day(from); !d.After(stats.Day(to)); d = d.AddDate(0, 0, 1) {
		n += s.consult[consultDay(org, d)]
	}
	return n, nil
}
