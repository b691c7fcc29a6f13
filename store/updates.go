package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// Updates is the journal of updates in hand, shared by every replica (all its keys are under
// the hash tag {updates}, one Redis Cluster slot):
//
//   - {updates}:inbox, update id → the update as Telegram sent it: what the poller has taken
//     from Telegram and confirmed there, until it is handled. A replica that starts replays it,
//     so moving Telegram's offset past updates still in hand loses none.
//   - {updates}:tries, update id → how many times handling it began without ending (0: taken
//     but never begun). An update that comes back with tries left over was in hand when a
//     process died: the caller runs it alone, and the time after that skips it.
//   - {updates}:began, update id scored by the first begin (milliseconds), to drop what a lost
//     replica left behind after a day (Telegram keeps updates no longer than that).
//
// Every key expires a day after its last write; End removes an update from all three.
type Updates struct {
	rdb redis.UniversalClient
	now func() time.Time
}

// NewUpdates returns the journal over rdb.
func NewUpdates(rdb redis.UniversalClient) *Updates { return &Updates{rdb: rdb, now: time.Now} }

const (
	updatesInbox = "{updates}:inbox"
	updatesTries = "{updates}:tries"
	updatesBegan = "{updates}:began"
	// updatesTTL outlives Telegram's own 24 hours of keeping an update.
	updatesTTL = 25 * time.Hour
)

// Put records updates the poller took, before Telegram is told they were received: one
// round trip for a whole getUpdates answer. Each starts with one try, so a crash before it
// ends makes it a suspect at the next start.
func (u *Updates) Put(ctx context.Context, updates map[int64][]byte) error {
	if len(updates) == 0 {
		return nil
	}
	inbox := make([]any, 0, 2*len(updates))
	tries := make([]any, 0, 2*len(updates))
	began := make([]redis.Z, 0, len(updates))
	now := float64(u.now().UnixMilli())
	for n, raw := range updates {
		id := strconv.FormatInt(n, 10)
		inbox = append(inbox, id, raw)
		tries = append(tries, id, 1)
		began = append(began, redis.Z{Score: now, Member: id})
	}
	_, err := u.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.HSet(ctx, updatesInbox, inbox...)
		p.HSet(ctx, updatesTries, tries...)
		p.ZAdd(ctx, updatesBegan, began...)
		for _, k := range []string{updatesInbox, updatesTries, updatesBegan} {
			p.Expire(ctx, k, updatesTTL)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: journalling updates: %w", err)
	}
	return nil
}

// recordScript forgets the ended updates and adds one try to each begun one (KEYS: tries,
// began, inbox; ARGV: now in ms, the age in ms past which an entry is dropped, the number of
// ended ids, the ended ids, then the begun ids) and returns the tries of the begun, in
// order. It also drops up to 100 entries older than a day, which only a lost replica
// leaves behind.
var recordScript = redis.NewScript(`
local now, maxAge, ended = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
for i = 4, 3 + ended do
  redis.call('HDEL', KEYS[1], ARGV[i])
  redis.call('ZREM', KEYS[2], ARGV[i])
  redis.call('HDEL', KEYS[3], ARGV[i])
end
local out = {}
for i = 4 + ended, #ARGV do
  local t = redis.call('HINCRBY', KEYS[1], ARGV[i], 1)
  if t == 1 then redis.call('ZADD', KEYS[2], 'NX', now, ARGV[i]) end
  out[#out + 1] = t
end
local old = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now - maxAge, 'LIMIT', 0, 100)
for _, id in ipairs(old) do
  redis.call('HDEL', KEYS[1], id)
  redis.call('HDEL', KEYS[3], id)
  redis.call('ZREM', KEYS[2], id)
end
if #out > 0 then
  for _, k in ipairs(KEYS) do
    if redis.call('EXISTS', k) == 1 then redis.call('PEXPIRE', k, maxAge + 3600000) end
  end
end
return out
`)

// Record forgets the updates that ended (handled, or given up) and records that handling
// the begun ones begins, in one round trip. It returns, for each begun update, how many
// times it has begun without ending, this time included: 1 for an update seen for the
// first time, more for one that was in hand when a process died.
func (u *Updates) Record(ctx context.Context, begun, ended []int64) ([]int64, error) {
	if len(begun) == 0 && len(ended) == 0 {
		return nil, nil
	}
	args := make([]any, 0, len(begun)+len(ended)+3)
	args = append(args, u.now().UnixMilli(), (24 * time.Hour).Milliseconds(), len(ended))
	for _, id := range ended {
		args = append(args, id)
	}
	for _, id := range begun {
		args = append(args, id)
	}
	res, err := recordScript.Run(ctx, u.rdb, []string{updatesTries, updatesBegan, updatesInbox}, args...).Int64Slice()
	if err != nil && !errors.Is(err, redis.Nil) {
		return nil, fmt.Errorf("store: journalling updates in hand: %w", err)
	}
	if len(res) != len(begun) {
		return nil, fmt.Errorf("store: journalling updates in hand: %d answers for %d updates", len(res), len(begun))
	}
	return res, nil
}

// Release marks updates taken but never begun (on a clean shutdown), so the next start
// handles them as new rather than as suspects.
func (u *Updates) Release(ctx context.Context, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	fields := make([]any, 0, 2*len(ids))
	for _, id := range ids {
		fields = append(fields, strconv.FormatInt(id, 10), 0)
	}
	if err := u.rdb.HSet(ctx, updatesTries, fields...).Err(); err != nil {
		return fmt.Errorf("store: releasing updates: %w", err)
	}
	return nil
}

// Pending is what the inbox holds (update id → the update as Telegram sent it), with the
// tries of each so far.
func (u *Updates) Pending(ctx context.Context) (map[int64][]byte, map[int64]int64, error) {
	var inbox, tries *redis.MapStringStringCmd
	_, err := u.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		inbox = p.HGetAll(ctx, updatesInbox)
		tries = p.HGetAll(ctx, updatesTries)
		return nil
	})
	if err != nil {
		return nil, nil, fmt.Errorf("store: reading the inbox: %w", err)
	}
	raws := make(map[int64][]byte, len(inbox.Val()))
	counts := make(map[int64]int64, len(inbox.Val()))
	for id, raw := range inbox.Val() {
		n, err := strconv.ParseInt(id, 10, 64)
		if err != nil {
			continue
		}
		raws[n] = []byte(raw)
		counts[n], _ = strconv.ParseInt(tries.Val()[id], 10, 64)
	}
	return raws, counts, nil
}
