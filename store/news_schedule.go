package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/qamqor/qamqor/bot/news"
	"github.com/qamqor/qamqor/content"
	"github.com/redis/go-redis/v9"
)

// Scheduled broadcasts: a sorted set of drafts by due time and each one's record, under
// the broadcasts' hash tag {bc}, so a Cluster keeps them on one node with the rest.
const scheduledKey = "{bc}:scheduled"

func scheduledItem(draft string) string { return "{bc}:sched:" + draft }

// scheduledKeep is how long a scheduled broadcast's record outlives its due time, should
// no replica release it (none running): then it is dropped rather than sent late.
const scheduledKeep = 7 * 24 * time.Hour

type scheduledJSON struct {
	Draft   string `json:"d"`
	Author  int64  `json:"a"`
	Lang    string `json:"al"`
	KK      string `json:"kk"`
	RU      string `json:"ru"`
	Topic   string `json:"t,omitempty"`
	Region  string `json:"r,omitempty"`
	ForLang string `json:"l,omitempty"`
	Due     int64  `json:"due"`
	Created int64  `json:"c"`
}

// Schedule implements news.ScheduleStore.
func (s *News) Schedule(ctx context.Context, sc news.Scheduled) error {
	data, _ := json.Marshal(scheduledJSON{Draft: sc.Draft, Author: sc.Author, Lang: string(sc.AuthorLang),
		KK: sc.Texts[content.KK], RU: sc.Texts[content.RU], Topic: sc.Audience.Topic, Region: sc.Audience.Region,
		ForLang: string(sc.Audience.Lang), Due: sc.Due.Unix(), Created: sc.Created.Unix()})
	pipe := s.rdb.TxPipeline()
	pipe.Set(ctx, scheduledItem(sc.Draft), data, max(sc.Due.Sub(sc.Created), 0)+scheduledKeep)
	pipe.ZAdd(ctx, scheduledKey, redis.Z{Score: float64(sc.Due.Unix()), Member: sc.Draft})
	if _, err := pipe.Exec(ctx); err != nil {
		return fmt.Errorf("store: scheduling a broadcast: %w", err)
	}
	return nil
}

// Scheduled implements news.ScheduleStore.
func (s *News) Scheduled(ctx context.Context) ([]news.Scheduled, error) {
	return s.scheduled(ctx, "+inf")
}

// Due implements news.ScheduleStore.
func (s *News) Due(ctx context.Context, now time.Time) ([]news.Scheduled, error) {
	return s.scheduled(ctx, strconv.FormatInt(now.Unix(), 10))
}

// scheduled reads the scheduled broadcasts due up to until; a draft whose record expired
// is dropped from the set.
func (s *News) scheduled(ctx context.Context, until string) ([]news.Scheduled, error) {
	drafts, err := s.rdb.ZRangeByScore(ctx, scheduledKey, &redis.ZRangeBy{Min: "-inf", Max: until}).Result()
	if err != nil {
		return nil, fmt.Errorf("store: reading scheduled broadcasts: %w", err)
	}
	var out []news.Scheduled
	for _, d := range drafts {
		raw, err := s.rdb.Get(ctx, scheduledItem(d)).Bytes()
		if errors.Is(err, redis.Nil) {
			s.rdb.ZRem(ctx, scheduledKey, d)
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("store: reading a scheduled broadcast: %w", err)
		}
		var j scheduledJSON
		if json.Unmarshal(raw, &j) != nil {
			continue
		}
		out = append(out, news.Scheduled{Draft: j.Draft, Author: j.Author, AuthorLang: content.Lang(j.Lang),
			Texts:    map[content.Lang]string{content.KK: j.KK, content.RU: j.RU},
			Audience: news.Audience{Topic: j.Topic, Region: j.Region, Lang: content.Lang(j.ForLang)},
			Due:      time.Unix(j.Due, 0), Created: time.Unix(j.Created, 0)})
	}
	return out, nil
}

// Unschedule implements news.ScheduleStore.
func (s *News) Unschedule(ctx context.Context, draft string) (bool, error) {
	pipe := s.rdb.TxPipeline()
	removed := pipe.ZRem(ctx, scheduledKey, draft)
	pipe.Del(ctx, scheduledItem(draft))
	if _, err := pipe.Exec(ctx); err != nil {
		return false, fmt.Errorf("store: unscheduling a broadcast: %w", err)
	}
	return removed.Val() > 0, nil
}
