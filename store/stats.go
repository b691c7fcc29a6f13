package store

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/qamqor/qamqor/secret"
	"github.com/redis/go-redis/v9"
)

// StatsTTL is how long a day's counters are kept.
const StatsTTL = 400 * 24 * time.Hour

// MissTTL is how long after its day ends what is kept of unanswered searches lives: the
// day's texts and digests, and each chat's index of what it asked. Shorter than the
// counters: a text is someone's words, a counter is not.
const MissTTL = 30 * 24 * time.Hour

// Bounds of unanswered searches. The per-day ones hold across every flush and replica:
// the flush script enforces them in Redis. What is beyond them still counts in the day's
// search_miss:<lang> counter, and nowhere else.
const (
	// MissAskers is how many different chats must have asked a question on a day before
	// its text is kept (and shown in /stats): one person's words, with a name or a
	// diagnosis in them, never are.
	MissAskers = 2
	// MissQuestionsPerDay bounds the distinct questions whose askers are counted per day.
	MissQuestionsPerDay = 5000
	// MissTextsPerDay bounds the texts kept per day.
	MissTextsPerDay = 500
	// MissesPerChat bounds a chat's index of what it asked (its last MissTTL).
	MissesPerChat = 100
	// missBuffer bounds the (chat, question) pairs one replica holds between flushes.
	missBuffer = 5000
)

// Stats counts events in memory and adds them to Redis in one pipeline per flush, so
// counting costs updates nothing; it implements stats.Store.
//
// Counters are per day (UTC) in the hash stats:<YYYY-MM-DD>; nothing in them says who did
// what. Unanswered searches are kept apart, for MissTTL, under the day's hash tag:
// {stats:<day>}:asked counts, per question's digest, the different chats that asked it,
// and {stats:<day>}:texts keeps a question's text (sealed when a key is given) once
// MissAskers chats asked it. To let /forget take a chat's questions back, the chat's
// {chat:<id>}:asked lists the digests it contributed, never the texts. A digest is keyed
// with the data key, so without it nobody can match a chat's digests to texts.
type Stats struct {
	rdb    redis.UniversalClient
	key    *secret.Key // nil: texts kept as typed, digests a plain SHA-256
	mu     sync.Mutex
	counts map[string]map[string]int64 // day key → name → n
	misses map[string]map[int64]map[string]bool
	held   int // (chat, question) pairs in misses
}

// StatsOption configures Stats.
type StatsOption func(*Stats)

// SealMisses keeps the texts of unanswered searches sealed with key, and keys their
// digests with it.
func SealMisses(key *secret.Key) StatsOption { return func(s *Stats) { s.key = key } }

// NewStats returns the statistics store.
func NewStats(rdb redis.UniversalClient, opts ...StatsOption) *Stats {
	s := &Stats{rdb: rdb, counts: map[string]map[string]int64{}, misses: map[string]map[int64]map[string]bool{}}
	for _, o := range opts {
		o(s)
	}
	return s
}

func dayName(day time.Time) string      { return day.UTC().Format("2006-01-02") }
func dayKey(day time.Time) string       { return "stats:" + dayName(day) }
func askedKey(day string) string        { return "{stats:" + day + "}:asked" }
func textsKey(day string) string        { return "{stats:" + day + "}:texts" }
func chatAskedKey(chat int64) string    { return "{chat:" + strconv.FormatInt(chat, 10) + "}:asked" }
func legacyMissesKey(day string) string { return "stats:" + day + ":misses" }

// dayNumber is a day's number since 1970, its score in a chat's index.
func dayNumber(day string) int64 {
	t, _ := time.Parse("2006-01-02", day)
	return t.Unix() / 86400
}

// missesExpire is when what is kept of a day's unanswered searches goes: MissTTL after
// the day ends.
func missesExpire(day string) int64 {
	t, _ := time.Parse("2006-01-02", day)
	return t.Add(24*time.Hour + MissTTL).UnixMilli()
}

func (s *Stats) digest(day, query string) string {
	return base64.RawURLEncoding.EncodeToString(s.key.Digest("stats-miss:"+day, []byte(query)))
}

func textContext(day, digest string) string { return "stats-miss:" + day + ":" + digest }

// Count implements stats.Store.
func (s *Stats) Count(day time.Time, name string, n int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := dayKey(day)
	if s.counts[k] == nil {
		s.counts[k] = map[string]int64{}
	}
	s.counts[k][name] += n
}

// Miss implements stats.Store.
func (s *Stats) Miss(day time.Time, chat int64, query string) {
	if query == "" {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hold(dayName(day), chat, query)
}

// hold buffers one question of chat, within missBuffer; s.mu is held.
func (s *Stats) hold(day string, chat int64, query string) {
	if s.misses[day] == nil {
		s.misses[day] = map[int64]map[string]bool{}
	}
	qs := s.misses[day][chat]
	if qs[query] || s.held >= missBuffer {
		return
	}
	if qs == nil {
		qs = map[string]bool{}
		s.misses[day][chat] = qs
	}
	qs[query] = true
	s.held++
}

// Flush writes what was counted since the last flush. Counters that fail to be written
// are kept for the next one; so are questions whose chat index was not reached (a
// question is counted once per chat and day, so trying again never counts it twice).
func (s *Stats) Flush(ctx context.Context) error {
	s.mu.Lock()
	counts, misses := s.counts, s.misses
	s.counts, s.misses, s.held = map[string]map[string]int64{}, map[string]map[int64]map[string]bool{}, 0
	s.mu.Unlock()
	var errs []error
	if len(counts) > 0 {
		pipe := s.rdb.Pipeline()
		for key, fields := range counts {
			for f, n := range fields {
				pipe.HIncrBy(ctx, key, f, n)
			}
			pipe.Expire(ctx, key, StatsTTL)
		}
		if _, err := pipe.Exec(ctx); err != nil {
			s.mu.Lock()
			merge(s.counts, counts)
			s.mu.Unlock()
			errs = append(errs, err)
		}
	}
	if len(misses) > 0 {
		if err := s.flushMisses(ctx, misses); err != nil {
			errs = append(errs, err)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("store: writing statistics: %w", err)
	}
	return nil
}

// indexScript records in a chat's index (KEYS[1]) the questions it asked on one day, each
// once, within MissesPerChat, and only while the chat has a session (KEYS[2]): a chat that
// sent /forget since has none, so what another replica still held of it is not recorded.
// ARGV: the day's number, the oldest day kept, the bound, when the day's questions expire
// and now (ms since 1970), then the members. The index lives as long as its latest day.
// It returns, per member, 1 when it is new.
var indexScript = redis.NewScript(`
local out = {}
if redis.call('EXISTS', KEYS[2]) == 0 then return out end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[2])
local n = redis.call('ZCARD', KEYS[1])
for i = 6, #ARGV do
  local new = 0
  if n < tonumber(ARGV[3]) and not redis.call('ZSCORE', KEYS[1], ARGV[i]) then
    redis.call('ZADD', KEYS[1], ARGV[1], ARGV[i])
    n = n + 1
    new = 1
  end
  out[#out + 1] = new
end
local want = tonumber(ARGV[4]) - tonumber(ARGV[5])
if n > 0 and redis.call('PTTL', KEYS[1]) < want then redis.call('PEXPIRE', KEYS[1], want) end
return out`)

// missScript counts new askers of a day's questions in {stats:<day>}:asked (KEYS[1]) and
// keeps a question's text in {stats:<day>}:texts (KEYS[2]) once enough chats asked it,
// within the day's bounds. ARGV: askers needed, questions and texts allowed, when the keys
// expire (ms since 1970), then pairs of digest and text. It returns how many questions
// the day had no room for.
var missScript = redis.NewScript(`
local askers, questions, texts = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local full = 0
for i = 5, #ARGV, 2 do
  local d = ARGV[i]
  if redis.call('HEXISTS', KEYS[1], d) == 1 or redis.call('HLEN', KEYS[1]) < questions then
    local n = redis.call('HINCRBY', KEYS[1], d, 1)
    if n >= askers and redis.call('HEXISTS', KEYS[2], d) == 0 and redis.call('HLEN', KEYS[2]) < texts then
      redis.call('HSET', KEYS[2], d, ARGV[i + 1])
    end
  else
    full = full + 1
  end
end
redis.call('PEXPIREAT', KEYS[1], ARGV[4])
redis.call('PEXPIREAT', KEYS[2], ARGV[4])
return full`)

// forgetScript takes one chat's questions (ARGV after the first, digests) back from a day:
// one asker fewer each, and the text gone once fewer than ARGV[1] chats asked it.
var forgetScript = redis.NewScript(`
local askers = tonumber(ARGV[1])
for i = 2, #ARGV do
  local d = ARGV[i]
  if redis.call('HEXISTS', KEYS[1], d) == 1 then
    local n = redis.call('HINCRBY', KEYS[1], d, -1)
    if n <= 0 then redis.call('HDEL', KEYS[1], d) end
    if n < askers then redis.call('HDEL', KEYS[2], d) end
  end
end
return 0`)

type ask struct{ digest, query string }

// flushMisses writes buffered questions in two steps: each chat's index says which are new
// for that chat (one script per chat, pipelined), then one script per day counts them.
func (s *Stats) flushMisses(ctx context.Context, misses map[string]map[int64]map[string]bool) error {
	now := time.Now()
	oldest := dayNumber(dayName(now.Add(-MissTTL)))
	type indexed struct {
		day  string
		chat int64
		asks []ask
		cmd  *redis.Cmd
	}
	var calls []indexed
	pipe := s.rdb.Pipeline()
	for day, chats := range misses {
		for chat, queries := range chats {
			c := indexed{day: day, chat: chat}
			args := []any{dayNumber(day), oldest, MissesPerChat, missesExpire(day), now.UnixMilli()}
			for q := range queries {
				a := ask{digest: s.digest(day, q), query: q}
				c.asks = append(c.asks, a)
				args = append(args, day+":"+a.digest)
			}
			c.cmd = indexScript.Eval(ctx, pipe, []string{chatAskedKey(chat), SessionKey(chat)}, args...)
			calls = append(calls, c)
		}
	}
	_, indexErr := pipe.Exec(ctx)
	fresh := map[string][]any{} // day → digest, text, ...
	for _, c := range calls {
		flags, err := c.cmd.Int64Slice()
		if err != nil { // kept for the next flush: the index tells it apart if it got there
			s.mu.Lock()
			for _, a := range c.asks {
				s.hold(c.day, c.chat, a.query)
			}
			s.mu.Unlock()
			continue
		}
		for i, new := range flags {
			if new != 1 || i >= len(c.asks) {
				continue
			}
			a := c.asks[i]
			text := a.query
			if s.key != nil {
				sealed, err := s.key.SealString(text, textContext(c.day, a.digest))
				if err != nil {
					return err
				}
				text = sealed
			}
			fresh[c.day] = append(fresh[c.day], a.digest, text)
		}
	}
	pipe = s.rdb.Pipeline()
	for day, pairs := range fresh {
		args := append([]any{MissAskers, MissQuestionsPerDay, MissTextsPerDay, missesExpire(day)}, pairs...)
		missScript.Eval(ctx, pipe, []string{askedKey(day), textsKey(day)}, args...)
	}
	var countErr error
	if len(fresh) > 0 {
		_, countErr = pipe.Exec(ctx) // lost, not retried: the index already has them
	}
	return errors.Join(indexErr, countErr)
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

// Run drops what older versions kept of unanswered searches, then flushes every interval
// until ctx ends, and once more.
func (s *Stats) Run(ctx context.Context, interval time.Duration, log *slog.Logger) {
	if err := s.DropLegacyMisses(ctx); err != nil {
		log.Warn("statistics: dropping the texts older versions kept", "err", err)
	}
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

// DropLegacyMisses deletes stats:<day>:misses, where versions before the daily bound kept
// every unanswered question's text, with no way to take one back, for StatsTTL.
func (s *Stats) DropLegacyMisses(ctx context.Context) error {
	pipe := s.rdb.Pipeline()
	now := time.Now()
	for d := range int(StatsTTL/(24*time.Hour)) + 1 {
		pipe.Del(ctx, legacyMissesKey(dayName(now.AddDate(0, 0, -d))))
	}
	_, err := pipe.Exec(ctx)
	return err
}

// Day implements stats.Store: the day's counters, and the texts of its unanswered
// questions that MissAskers or more chats asked, with how many.
func (s *Stats) Day(ctx context.Context, day time.Time) (map[string]int64, map[string]int64, error) {
	name := dayName(day)
	pipe := s.rdb.Pipeline()
	countsCmd := pipe.HGetAll(ctx, dayKey(day))
	askedCmd := pipe.HGetAll(ctx, askedKey(name))
	textsCmd := pipe.HGetAll(ctx, textsKey(name))
	if _, err := pipe.Exec(ctx); err != nil {
		return nil, nil, fmt.Errorf("store: reading statistics: %w", err)
	}
	counts := make(map[string]int64, len(countsCmd.Val()))
	for k, v := range countsCmd.Val() {
		counts[k], _ = strconv.ParseInt(v, 10, 64)
	}
	misses := map[string]int64{}
	asked := askedCmd.Val()
	for d, text := range textsCmd.Val() {
		n, _ := strconv.ParseInt(asked[d], 10, 64)
		if n < MissAskers {
			continue
		}
		if s.key != nil {
			opened, err := s.key.OpenString(text, textContext(name, d))
			if err != nil {
				continue // sealed under another key: as good as gone
			}
			text = opened
		}
		misses[text] += n
	}
	return counts, misses, nil
}

// Forget implements stats.Store: the chat's questions are taken back from every day
// they were counted on (a text fewer than MissAskers chats still ask goes), what this
// replica still holds of them is dropped, and the chat's index is deleted.
func (s *Stats) Forget(ctx context.Context, chat int64) error {
	s.mu.Lock()
	for _, chats := range s.misses {
		s.held -= len(chats[chat])
		delete(chats, chat)
	}
	s.mu.Unlock()
	key := chatAskedKey(chat)
	members, err := s.rdb.ZRange(ctx, key, 0, -1).Result()
	if err != nil {
		return fmt.Errorf("store: reading what a chat asked: %w", err)
	}
	byDay := map[string][]string{}
	for _, m := range members {
		if day, d, ok := strings.Cut(m, ":"); ok {
			byDay[day] = append(byDay[day], d)
		}
	}
	for day, digests := range byDay {
		args := []any{MissAskers}
		taken := make([]any, 0, len(digests))
		for _, d := range digests {
			args = append(args, d)
			taken = append(taken, day+":"+d)
		}
		if err := forgetScript.Run(ctx, s.rdb, []string{askedKey(day), textsKey(day)}, args...).Err(); err != nil {
			return fmt.Errorf("store: taking back what a chat asked: %w", err)
		}
		if err := s.rdb.ZRem(ctx, key, taken...).Err(); err != nil { // so a second /forget does not take them again
			return fmt.Errorf("store: taking back what a chat asked: %w", err)
		}
	}
	if err := s.rdb.Del(ctx, key).Err(); err != nil {
		return fmt.Errorf("store: deleting what a chat asked: %w", err)
	}
	return nil
}

// MissPolicy implements stats.Store.
func (s *Stats) MissPolicy() (askers, days int) { return MissAskers, int(MissTTL / (24 * time.Hour)) }

// Asked implements stats.Store: how many unanswered questions of chat are counted.
func (s *Stats) Asked(ctx context.Context, chat int64) (int, error) {
	n, err := s.rdb.ZCard(ctx, chatAskedKey(chat)).Result()
	if err != nil {
		return 0, fmt.Errorf("store: reading what a chat asked: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, chats := range s.misses {
		n += int64(len(chats[chat]))
	}
	return int(n), nil
}
