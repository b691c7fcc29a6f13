// Package store keeps Qamqor's state in Redis: one key family per concern, hash-tagged by
// chat ({chat:123}) so that a chat's keys share a Redis Cluster slot.
package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	lru "github.com/hashicorp/golang-lru/v2"
	"github.com/qamqor/qamqor/bot"
	"github.com/redis/go-redis/v9"
)

// DefaultSessionTTL is how long a session is kept after a chat's last update.
const DefaultSessionTTL = 30 * 24 * time.Hour

// maxConflicts bounds how often Update retries when other writers keep winning.
const maxConflicts = 8

// ErrContention means a session kept changing under Update, every retry.
var ErrContention = errors.New("store: session changed concurrently too many times")

// casScript writes a session only if its stored version is the one the caller read, in
// one round trip. It returns 1 when written; otherwise the stored value ("" when absent), so
// the caller can retry on it without another read.
var casScript = redis.NewScript(`
local cur = redis.call('GET', KEYS[1])
local ver = 0
if cur then ver = tonumber(string.match(cur, '^(%d+):')) or 0 end
if ver ~= tonumber(ARGV[1]) then
  if cur then return cur end
  return ''
end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
return 1
`)

// Sessions keeps bot sessions in Redis. A value is "<version>:<json>". Versions let many
// replicas share sessions without locks: a write succeeds only over the version it read.
//
// To keep to one round trip per update, Sessions remembers the last version it saw of each
// recent chat and writes over it directly; the read happens only on a cache miss or when
// another replica wrote in between (the script then hands back the newer value).
type Sessions struct {
	rdb   redis.UniversalClient
	ttl   time.Duration
	cache *lru.Cache[int64, versioned]
}

type versioned struct {
	ver     int64
	sess    bot.Session
	payload string // the JSON stored, to see whether a step changed anything
}

// SessionsOption configures Sessions.
type SessionsOption func(*Sessions)

// WithTTL sets how long a session lives after its last update.
func WithTTL(d time.Duration) SessionsOption { return func(s *Sessions) { s.ttl = d } }

// WithCacheSize sets how many recent chats' sessions are remembered in memory (0 disables).
func WithCacheSize(n int) SessionsOption {
	return func(s *Sessions) {
		if n <= 0 {
			s.cache = nil
			return
		}
		s.cache, _ = lru.New[int64, versioned](n)
	}
}

// NewSessions returns a session store over rdb.
func NewSessions(rdb redis.UniversalClient, opts ...SessionsOption) *Sessions {
	s := &Sessions{rdb: rdb, ttl: DefaultSessionTTL}
	WithCacheSize(10_000)(s)
	for _, o := range opts {
		o(s)
	}
	return s
}

// SessionKey is the Redis key of a chat's session.
func SessionKey(chatID int64) string { return "{chat:" + strconv.FormatInt(chatID, 10) + "}:session" }

// Update implements bot.SessionStore. A step that leaves the session as it was writes
// nothing.
func (s *Sessions) Update(ctx context.Context, chatID int64, fn func(bot.Session) (bot.Session, error)) error {
	key := SessionKey(chatID)
	cur, err := s.read(ctx, chatID)
	if err != nil {
		return err
	}
	for attempt := range maxConflicts {
		next, err := fn(cur.sess)
		if err != nil {
			return err
		}
		payload, err := json.Marshal(next)
		if err != nil {
			return fmt.Errorf("store: encoding session: %w", err)
		}
		if string(payload) == cur.payload {
			return nil
		}
		nv := versioned{ver: cur.ver + 1, sess: next, payload: string(payload)}
		value := strconv.FormatInt(nv.ver, 10) + ":" + string(payload)
		res, err := casScript.Run(ctx, s.rdb, []string{key}, cur.ver, value, s.ttl.Milliseconds()).Result()
		if err != nil {
			s.forget(chatID)
			return fmt.Errorf("store: writing session: %w", err)
		}
		if n, ok := res.(int64); ok && n == 1 {
			s.remember(chatID, nv)
			return nil
		}
		raw, _ := res.(string)
		cur = decode(raw)
		// Another writer won. Waiting a random moment lets it finish a run of writes
		// instead of racing it again at once, which could starve this one.
		select {
		case <-time.After(time.Duration(rand.Int64N(int64(time.Millisecond) << min(attempt, 4)))):
		case <-ctx.Done():
			s.forget(chatID)
			return ctx.Err()
		}
	}
	s.forget(chatID)
	return ErrContention
}

// View implements bot.SessionViewer: the session as last seen (one round trip only when
// this replica has not seen the chat lately).
func (s *Sessions) View(ctx context.Context, chatID int64) (bot.Session, error) {
	cur, err := s.read(ctx, chatID)
	return cur.sess, err
}

// read returns the chat's session as cached, or as stored.
func (s *Sessions) read(ctx context.Context, chatID int64) (versioned, error) {
	if cur, ok := s.cached(chatID); ok {
		return cur, nil
	}
	raw, err := s.rdb.Get(ctx, SessionKey(chatID)).Result()
	if err != nil && !errors.Is(err, redis.Nil) {
		return versioned{}, fmt.Errorf("store: reading session: %w", err)
	}
	return decode(raw), nil
}

func (s *Sessions) cached(chatID int64) (versioned, bool) {
	if s.cache == nil {
		return versioned{}, false
	}
	return s.cache.Get(chatID)
}

func (s *Sessions) remember(chatID int64, v versioned) {
	if s.cache != nil {
		s.cache.Add(chatID, v)
	}
}

func (s *Sessions) forget(chatID int64) {
	if s.cache != nil {
		s.cache.Remove(chatID)
	}
}

// decode parses a stored value; "" is a chat with no session yet. A value that does not
// parse (written by hand, or by a future version) is read as a new conversation at its
// version, so the next write replaces it instead of the chat being stuck on an error.
func decode(raw string) versioned {
	if raw == "" {
		return versioned{payload: "{}"}
	}
	var v versioned
	verText, payload, _ := strings.Cut(raw, ":")
	v.ver, _ = strconv.ParseInt(verText, 10, 64)
	if err := json.Unmarshal([]byte(payload), &v.sess); err != nil {
		v.sess = bot.Session{}
		return v // payload left empty: the next step replaces what cannot be read
	}
	v.payload = payload
	return v
}

// Forget deletes a chat's session (bot.SessionForgetter), for /forget.
func (s *Sessions) Forget(ctx context.Context, chatID int64) error {
	s.forget(chatID)
	if err := s.rdb.Del(ctx, SessionKey(chatID)).Err(); err != nil {
		return fmt.Errorf("store: deleting a session: %w", err)
	}
	return nil
}
