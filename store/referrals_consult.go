package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"time"

	"github.com/qamqor/qamqor/bot/referrals"
	"github.com/qamqor/qamqor/bot/stats"
	"github.com/redis/go-redis/v9"
)

// The referrals count consultations here (found by type assertion on their Store).
var _ referrals.Consultations = (*Referrals)(nil)

// ConsultationTTL is how long an organisation's count of consultations for a day is kept:
// a count identifies no one, and funders ask for last year's figures.
const ConsultationTTL = 2 * 365 * 24 * time.Hour

// maxConsultationDays bounds the days one Consultations call reads: nothing older is kept.
const maxConsultationDays = int(ConsultationTTL/(24*time.Hour)) + 1

// consultKey is an organisation's count of consultations on day (a date in Kazakhstan).
// The organisation's name is hashed: any name makes a valid key, and every day of one
// organisation shares its hash tag, so a period is read in one MGET on a Cluster too.
func consultKey(org string, day time.Time) string {
	sum := sha256.Sum256([]byte(org))
	return "{consult:" + hex.EncodeToString(sum[:8]) + "}:" + day.Format("2006-01-02")
}

// RecordConsultation counts one screener a partner of org ran on a client's behalf at at,
// on that day in Kazakhstan (stats.Day). Nothing about the client is in it.
func (s *Referrals) RecordConsultation(ctx context.Context, org string, at time.Time) error {
	key := consultKey(org, stats.Day(at))
	_, err := s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.Incr(ctx, key)
		p.Expire(ctx, key, ConsultationTTL)
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: counting a consultation: %w", err)
	}
	return nil
}

// Consultations is how many consultations org's partners gave from the day of from to the
// day of to (days in Kazakhstan, both included); 0 when to is before from.
func (s *Referrals) Consultations(ctx context.Context, org string, from, to time.Time) (int, error) {
	first, last := stats.Day(from), stats.Day(to)
	if last.Before(first) {
		return 0, nil
	}
	if oldest := last.AddDate(0, 0, -maxConsultationDays+1); first.Before(oldest) {
		first = oldest // older counts have expired
	}
	var keys []string
	for d := first; !d.After(last); d = d.AddDate(0, 0, 1) {
		keys = append(keys, consultKey(org, d))
	}
	vals, err := s.rdb.MGet(ctx, keys...).Result()
	if err != nil {
		return 0, fmt.Errorf("store: reading consultations: %w", err)
	}
	total := 0
	for _, v := range vals {
		if str, ok := v.(string); ok {
			n, _ := strconv.Atoi(str)
			total += n
		}
	}
	return total, nil
}
