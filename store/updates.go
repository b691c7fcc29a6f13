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
//   - {updates}:tries, update id → how many times it was taken or begun without ending (0:
//     released, never begun), and "<id>:alone" → how many times it began running alone. An
//     update that comes back having begun before was in hand when a process died: the
//     caller runs it alone; one that comes back having begun alone took the process down
//     by itself, and is skipped.
//   - {updates}:began, update id scored by when it was first taken (milliseconds), to drop
//     what a lost replica left behind after a day (Telegram keeps updates no longer).
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

// recordScript forgets the ended updates and adds one start to each begun one (KEYS: tries,
// began, inbox; ARGV: now in ms, the age in ms past which an entry is dropped, the number of
// ended ids, the ended ids, then the begun ids) and returns, for each begun one, its starts
// and its starts alone, in order. It also drops up to 100 entries older than a day, which
// only a lost replica leaves behind.
var recordScript = redis.NewScript(`
local now, maxAge, ended = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local function forget(id)
  redis.call('HDEL', KEYS[1], id, id .. ':alone')
  redis.call('ZREM', KEYS[2], id)
  redis.call('HDEL', KEYS[3], id)
end
for i = 4, 3 + ended do forget(ARGV[i]) end
local out = {}
for i = 4 + ended, #ARGV do
  local t = redis.call('HINCRBY', KEYS[1], ARGV[i], 1)
  if t == 1 then redis.call('ZADD', KEYS[2], 'NX', now, ARGV[i]) end
  out[#out + 1] = t
  out[#out + 1] = tonumber(redis.call('HGET', KEYS[1], ARGV[i] .. ':alone') or '0')
end
local old = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now - maxAge, 'LIMIT', 0, 100)
for _, id in ipairs(old) do forget(id) end
if #out > 0 then
  for _, k in ipairs(KEYS) do
    if redis.call('EXISTS', k) == 1 then redis.call('PEXPIRE', k, maxAge + 3600000) end
  end
end
return out
`)

// Record forgets the updates that ended (handled, or given up) and records that handling
// the begun ones begins, in one round trip. It returns, for each begun update, how many
// times it has started without ending, this time included (one for an update seen for the
// first time, more for one that was in hand when a process died), and how many times it
// started alone.
func (u *Updates) Record(ctx context.Context, begun, ended []int64) (started, alone []int64, err error) {
	if len(begun) == 0 && len(ended) == 0 {
		return nil, nil, nil
	}
	args := make([]any, 0, len(begun)+len(ended)+3)
	args = append(args, u.now().UnixMilli(), (24 * time.Hour).Milliseconds(), len(ended))
	for _, id := range ended {
		args = append(args, id)
	}
	for _, id := range begun {
		args = append(args, id)
	}
	res, runErr := recordScript.Run(ctx, u.rdb, []string{updatesTries, updatesBegan, updatesInbox}, args...).Int64Slice()
	if runErr != nil && !errors.Is(runErr, redis.Nil) {
		return nil, nil, fmt.Errorf("store: journalling updates in hand: %w", runErr)
	}
	if len(res) != 2*len(begun) {
		return nil, nil, fmt.Errorf("store: journalling updates in hand: %d answers for %d updates", len(res), len(begun))
	}
	started, alone = make([]int64, len(begun)), make([]int64, len(begun))
	for i := range begun {
		started[i], alone[i] = res[2*i], res[2*i+1]
	}
	return started, alone, nil
}

// Alone records that an update begins running alone, before it does.
func (u *Updates) Alone(ctx context.Context, id int64) error {
	field := strconv.FormatInt(id, 10) + ":alone"
	_, err := u.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.HIncrBy(ctx, updatesTries, field, 1)
		p.Expire(ctx, updatesTries, updatesTTL)
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: journalling an update run alone: %w", err)
	}
	return nil
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

// Pending is what the inbox holds (update id → the update as Telegram sent it), with, for
// each, how many times it was taken or begun without ending, and begun alone.
func (u *Updates) Pending(ctx context.Context) (raws map[int64][]byte, started, alone map[int64]int64, err error) {
	var inbox, tries *redis.MapStringStringCmd
	_, err = u.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		inbox = p.HGetAll(ctx, updatesInbox)
		tries = p.HGetAll(ctx, updatesTries)
		return nil
	})
	if err != nil {
		return nil, nil, nil, fmt.Errorf("store: reading the inbox: %w", err)
	}
	n := len(inbox.Val())
	raws, started, alone = make(map[int64][]byte, n), make(map[int64]int64, n), make(map[int64]int64, n)
	for id, raw := range inbox.Val() {
		u, err := strconv.ParseInt(id, 10, 64)
		if err != nil {
			continue
		}
		raws[u] = []byte(raw)
		started[u], _ = strconv.ParseInt(tries.Val()[id], 10, 64)
		alone[u], _ = strconv.ParseInt(tries.Val()[id+":alone"], 10, 64)
	}
	return raws, started, alone, nil
}
