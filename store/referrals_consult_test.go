package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/qamqor/qamqor/store"
)

// Consultations are counted per organisation and per day in Kazakhstan (UTC+5), read back
// over a period with both ends included, and kept with a TTL.
func TestConsultationsAreCountedByOrganisationAndDay(t *testing.T) {
	ctx := context.Background()
	refs, srv := newReferrals(t)
	// 19:30 UTC on 1 December is already 2 December in Astana.
	late := time.Date(2026, 12, 1, 19, 30, 0, 0, time.UTC)
	for _, at := range []time.Time{late, late.Add(2 * time.Hour), late.Add(-24 * time.Hour)} {
		if err := refs.RecordConsultation(ctx, "Бота үміт", at); err != nil {
			t.Fatal(err)
		}
	}
	if err := refs.RecordConsultation(ctx, "Other {org}", late); err != nil {
		t.Fatal(err)
	}
	dec2 := time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		name     string
		org      string
		from, to time.Time
		want     int
	}{
		{"the day in Astana", "Бота үміт", dec2, dec2, 2},
		{"two days", "Бота үміт", dec2.AddDate(0, 0, -1), dec2, 3},
		{"the day before, alone", "Бота үміт", dec2.AddDate(0, 0, -1), dec2.AddDate(0, 0, -1), 1},
		{"another organisation", "Other {org}", dec2.AddDate(0, 0, -30), dec2, 1},
		{"an organisation with none", "Nobody", dec2.AddDate(0, 0, -30), dec2, 0},
		{"a period backwards", "Бота үміт", dec2, dec2.AddDate(0, 0, -1), 0},
		{"five years", "Бота үміт", dec2.AddDate(-5, 0, 0), dec2, 3},
	} {
		got, err := refs.Consultations(ctx, c.org, c.from, c.to)
		if err != nil || got != c.want {
			t.Errorf("%s: %d consultations (%v), want %d", c.name, got, err, c.want)
		}
	}
	keys := srv.Keys("*consult*")
	if len(keys) != 3 {
		t.Fatalf("keys %v, want one per organisation and day", keys)
	}
	for _, k := range keys {
		ttl := srv.Client().TTL(ctx, k).Val()
		if ttl <= 0 || ttl > store.ConsultationTTL {
			t.Errorf("%s has TTL %v", k, ttl)
		}
	}
}
