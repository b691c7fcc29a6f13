package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync/atomic"
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
	rdb   redis.UniversalClient
	now   func() time.Time
	swept atomic.Int64 // unix milliseconds of the last sweep, 0 for none yet
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
// began, inbox; ARGV: now in ms, the age in ms past which an entry is dropped, 1 to sweep,
// the number of ended ids, the ended ids, then the begun ids) and returns, for each begun
// one, its starts and its starts alone, in order. Sweeping drops up to 1,000 entries older
// than a day, which only a lost replica leaves behind, and refreshes every key's expiry.
//
// It costs a handful of commands whatever the number of updates (each command takes many
// ids: one HMGET reads every begun one's starts and starts alone, one HSET writes them
// back), where one HINCRBY, HGET and ZADD per begun update and three deletes per ended
// one made webhook mode, which records each update's beginning, cost twice the commands
// of polling. It runs alone in Redis, so reading then writing is as atomic as HINCRBY.
var recordScript = redis.NewScript(`
local now, maxAge, sweep, ended = tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3] == '1', tonumber(ARGV[4])
-- Lua's unpack takes 8,000 values at most: a long list goes in chunks.
local function each(cmd, key, list, prefix)
  for i = 1, #list, 4000 do
    local args = {cmd, key}
    for _, v in ipairs(prefix or {}) do args[#args + 1] = v end
    for j = i, math.min(i + 3999, #list) do args[#args + 1] = list[j] end
    redis.call(unpack(args))
  end
end
local function forget(ids)
  if #ids == 0 then return end
  local fields = {}
  for _, id in ipairs(ids) do fields[#fields + 1] = id; fields[#fields + 1] = id .. ':alone' end
  each('HDEL', KEYS[1], fields)
  each('ZREM', KEYS[2], ids)
  each('HDEL', KEYS[3], ids)
end
local gone = {}
for i = 5, 4 + ended do gone[#gone + 1] = ARGV[i] end
forget(gone)
local out = {}
if #ARGV > 4 + ended then
  local fields = {}
  for i = 5 + ended, #ARGV do fields[#fields + 1] = ARGV[i]; fields[#fields + 1] = ARGV[i] .. ':alone' end
  local vals = {}
  for i = 1, #fields, 4000 do
    local part = {}
    for j = i, math.min(i + 3999, #fields) do part[#part + 1] = fields[j] end
    for _, v in ipairs(redis.call('HMGET', KEYS[1], unpack(part))) do vals[#vals + 1] = v end
  end
  local cur, writes, fresh = {}, {}, {}
  for k = 1, #fields / 2 do
    local id = fields[2 * k - 1]
    local t = (cur[id] or tonumber(vals[2 * k - 1] or '0') or 0) + 1
    cur[id] = t
    if t == 1 then fresh[#fresh + 1] = now; fresh[#fresh + 1] = id end
    out[#out + 1] = t
    out[#out + 1] = tonumber(vals[2 * k] or '0') or 0
  end
  for id, t in pairs(cur) do writes[#writes + 1] = id; writes[#writes + 1] = t end
  each('HSET', KEYS[1], writes)
  redis.call('PEXPIRE', KEYS[1], maxAge + 3600000)
  if #fresh > 0 then
    each('ZADD', KEYS[2], fresh, {'NX'})
    redis.call('PEXPIRE', KEYS[2], maxAge + 3600000)
  end
end
if sweep then
  forget(redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now - maxAge, 'LIMIT', 0, 1000))
  for _, k in ipairs(KEYS) do redis.call('PEXPIRE', k, maxAge + 3600000) end
end
return out
`)

// sweepEvery is how often a process drops what a lost replica left in the journal: it is
// there for a day before it is dropped, so once a minute is soon enough, and the sweep then
// costs no command of the updates in between.
const sweepEvery = time.Minute

// Record forgets the updates that ended (handled, or given up) and records that handling
// the begun ones begins, in one round trip. It returns, for each begun update, how many
// times it has started without ending, this time included (one for an update seen for the
// first time, more for one that was in hand when a process died), and how many times it
// started alone.
func (u *Updates) Record(ctx context.Context, begun, ended []int64) (started, alone []int64, err error) {
	if len(begun) == 0 && len(ended) == 0 {
		return nil, nil, nil
	}
	now := u.now()
	sweep := 0
	if last := u.swept.Load(); last == 0 || now.Sub(time.UnixMilli(last)) >= sweepEvery {
		if u.swept.CompareAndSwap(last, now.UnixMilli()) {
			sweep = 1
		}
	}
	args := make([]any, 0, len(begun)+len(ended)+4)
	args = append(args, now.UnixMilli(), (24 * time.Hour).Milliseconds(), sweep, len(ended))
	for _, id := range ended {
		args = append(args, id)
	}
	for _, id := range begun {
		args = append(args, id)
	}
	res, runErr := recordScript.Run(ctx, u.rdb, []string{updatesTries, updatesBegan, updatesInbox}, args...).Int64Slice()
	if runErr != nil && !errors.Is(runErr, redis.Nil) {
		if sweep == 1 {
			u.swept.Store(0) // not swept: the next write tries again
		}
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
