package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/qamqor/qamqor/bot/news"
	"github.com/qamqor/qamqor/content"
	"github.com/redis/go-redis/v9"
)

// News keeps subscriptions and broadcasts; it implements news.SubscriptionStore and
// news.BroadcastStore.
//
// A subscription is the hash {chat:<id>}:news (lang, region, and t:<topic> = when
// subscribed), expiring news.SubscriptionTTL after its last change, and the chat's id in the
// set news:<topic> of each topic (news:topics lists the topics). A set member whose hash is
// gone is dropped when an audience is counted.
//
// Broadcasts share the hash tag {bc}, so the scripts that move recipients stay in one
// Redis Cluster slot: {bc}:<n> (author and their language, texts, audience, counts),
// {bc}:<n>:todo and {bc}:<n>:flight (recipients as "<chat>:<lang>", dropped when done),
// {bc}:queue (numbers being sent, oldest first), {bc}:all (the latest), {bc}:seq, and
// {bc}:sender, the lease of the replica that sends.
type News struct{ rdb redis.UniversalClient }

// NewNews returns the subscriptions and broadcasts store.
func NewNews(rdb redis.UniversalClient) *News { return &News{rdb: rdb} }

// How long broadcast records and drafts are kept.
const (
	BroadcastTTL = 400 * 24 * time.Hour
	DraftTTL     = 24 * time.Hour
	// recipientsTTL bounds the life of a queue of chat ids should a broadcast never finish.
	recipientsTTL  = 30 * 24 * time.Hour
	broadcastsKept = 100
)

const (
	newsTopicsKey   = "news:topics"
	broadcastSeq    = "{bc}:seq"
	broadcastQueue  = "{bc}:queue"
	broadcastAll    = "{bc}:all"
	broadcastSender = "{bc}:sender"
)

func newsKey(chat int64) string      { return "{chat:" + strconv.FormatInt(chat, 10) + "}:news" }
func topicKey(topic string) string   { return "news:" + topic }
func draftKey(chat int64) string     { return "{chat:" + strconv.FormatInt(chat, 10) + "}:bcdraft" }
func broadcastKey(n int64) string    { return "{bc}:" + strconv.FormatInt(n, 10) }
func broadcastTodo(n int64) string   { return broadcastKey(n) + ":todo" }
func broadcastFlight(n int64) string { return broadcastKey(n) + ":flight" }

const topicField = "t:"

// ── Subscriptions ───────────────────────────────────────────────────────────────────

// Subscribe implements news.SubscriptionStore. The topic's set comes first: should the
// hash fail, a member without a hash is dropped later; the reverse would lose news.
func (s *News) Subscribe(ctx context.Context, chat int64, topic, region string, lang content.Lang) error {
	pipe := s.rdb.Pipeline()
	// The sets outlive every subscription in them: each subscribing renews them as it
	// renews the subscription.
	pipe.SAdd(ctx, topicKey(topic), chat)
	pipe.Expire(ctx, topicKey(topic), news.SubscriptionTTL)
	pipe.SAdd(ctx, newsTopicsKey, topic)
	pipe.Expire(ctx, newsTopicsKey, news.SubscriptionTTL)
	pipe.HSet(ctx, newsKey(chat), "lang", string(lang), "region", region, topicField+topic, time.Now().Unix())
	pipe.Expire(ctx, newsKey(chat), news.SubscriptionTTL)
	if _, err := pipe.Exec(ctx); err != nil {
		return fmt.Errorf("store: subscribing: %w", err)
	}
	return nil
}

// Unsubscribe implements news.SubscriptionStore.
func (s *News) Unsubscribe(ctx context.Context, chat int64, topic string) error {
	sub, ok, err := s.Subscription(ctx, chat)
	if err != nil || !ok {
		return err
	}
	leave := sub.Topics
	if topic != "" {
		leave = []string{topic}
	}
	pipe := s.rdb.Pipeline()
	for _, t := range leave {
		pipe.SRem(ctx, topicKey(t), chat)
		pipe.HDel(ctx, newsKey(chat), topicField+t)
	}
	if len(leave) == len(sub.Topics) || topic == "" {
		pipe.Del(ctx, newsKey(chat))
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return fmt.Errorf("store: unsubscribing: %w", err)
	}
	return nil
}

// Subscription implements news.SubscriptionStore.
func (s *News) Subscription(ctx context.Context, chat int64) (news.Subscription, bool, error) {
	m, err := s.rdb.HGetAll(ctx, newsKey(chat)).Result()
	if err != nil {
		return news.Subscription{}, false, fmt.Errorf("store: reading a subscription: %w", err)
	}
	sub := subscriptionOf(m)
	return sub, len(sub.Topics) > 0, nil
}

func subscriptionOf(m map[string]string) news.Subscription {
	sub := news.Subscription{Lang: content.Lang(m["lang"]), Region: m["region"]}
	for f := range m {
		if t, ok := strings.CutPrefix(f, topicField); ok {
			sub.Topics = append(sub.Topics, t)
		}
	}
	slices.Sort(sub.Topics)
	return sub
}

var setLangScript = redis.NewScript(`
if redis.call('EXISTS', KEYS[1]) == 1 then
  redis.call('HSET', KEYS[1], 'lang', ARGV[1])
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0`)

// SetSubscriptionLang implements news.SubscriptionStore.
func (s *News) SetSubscriptionLang(ctx context.Context, chat int64, lang content.Lang) error {
	err := setLangScript.Run(ctx, s.rdb, []string{newsKey(chat)}, string(lang), news.SubscriptionTTL.Milliseconds()).Err()
	if err != nil {
		return fmt.Errorf("store: changing a subscription's language: %w", err)
	}
	return nil
}

// audienceBatch is how many subscriptions Audience reads per round trip.
const audienceBatch = 500

// Audience implements news.SubscriptionStore: the subscribers of the topic (or of any),
// read in batches, filtered by region and language, sorted by chat.
func (s *News) Audience(ctx context.Context, a news.Audience) ([]news.Recipient, error) {
	topics := []string{a.Topic}
	if a.Topic == "" {
		var err error
		if topics, err = s.rdb.SMembers(ctx, newsTopicsKey).Result(); err != nil {
			return nil, fmt.Errorf("store: listing news topics: %w", err)
		}
	}
	members := map[int64]bool{}
	for _, t := range topics {
		ids, err := s.rdb.SMembers(ctx, topicKey(t)).Result()
		if err != nil {
			return nil, fmt.Errorf("store: listing subscribers: %w", err)
		}
		for _, id := range ids {
			if chat, err := strconv.ParseInt(id, 10, 64); err == nil {
				members[chat] = true
			}
		}
	}
	chats := make([]int64, 0, len(members))
	for chat := range members {
		chats = append(chats, chat)
	}
	slices.Sort(chats)

	var out []news.Recipient
	for start := 0; start < len(chats); start += audienceBatch {
		batch := chats[start:min(start+audienceBatch, len(chats))]
		pipe := s.rdb.Pipeline()
		reads := make([]*redis.MapStringStringCmd, len(batch))
		for i, chat := range batch {
			reads[i] = pipe.HGetAll(ctx, newsKey(chat))
		}
		if _, err := pipe.Exec(ctx); err != nil {
			return nil, fmt.Errorf("store: reading subscriptions: %w", err)
		}
		stale := s.rdb.Pipeline()
		for i, chat := range batch {
			sub := subscriptionOf(reads[i].Val())
			for _, t := range topics {
				if !slices.Contains(sub.Topics, t) {
					stale.SRem(ctx, topicKey(t), chat) // expired, or left without the set hearing
				}
			}
			switch {
			case len(sub.Topics) == 0,
				a.Topic != "" && !slices.Contains(sub.Topics, a.Topic),
				a.Region != "" && sub.Region != "" && sub.Region != a.Region,
				a.Lang != "" && sub.Lang != a.Lang:
				continue
			}
			out = append(out, news.Recipient{Chat: chat, Lang: sub.Lang})
		}
		if stale.Len() > 0 {
			if _, err := stale.Exec(ctx); err != nil {
				return nil, fmt.Errorf("store: dropping expired subscribers: %w", err)
			}
		}
	}
	return out, nil
}

// ── Drafts ──────────────────────────────────────────────────────────────────────────

type draftJSON struct {
	ID     string                  `json:"id,omitempty"`
	Texts  map[content.Lang]string `json:"texts"`
	Topic  string                  `json:"topic,omitempty"`
	Region string                  `json:"region,omitempty"`
	Lang   content.Lang            `json:"lang,omitempty"`
}

// SaveDraft implements news.BroadcastStore.
func (s *News) SaveDraft(ctx context.Context, author int64, d news.Draft) error {
	data, err := json.Marshal(draftJSON{ID: d.ID, Texts: d.Texts, Topic: d.Audience.Topic, Region: d.Audience.Region, Lang: d.Audience.Lang})
	if err != nil {
		return err
	}
	if err := s.rdb.Set(ctx, draftKey(author), data, DraftTTL).Err(); err != nil {
		return fmt.Errorf("store: saving a draft: %w", err)
	}
	return nil
}

// Draft implements news.BroadcastStore.
func (s *News) Draft(ctx context.Context, author int64) (news.Draft, bool, error) {
	data, err := s.rdb.Get(ctx, draftKey(author)).Bytes()
	if errors.Is(err, redis.Nil) {
		return news.Draft{}, false, nil
	}
	if err != nil {
		return news.Draft{}, false, fmt.Errorf("store: reading a draft: %w", err)
	}
	var d draftJSON
	if err := json.Unmarshal(data, &d); err != nil {
		return news.Draft{}, false, nil // unreadable: as good as none
	}
	return news.Draft{ID: d.ID, Texts: d.Texts, Audience: news.Audience{Topic: d.Topic, Region: d.Region, Lang: d.Lang}}, true, nil
}

// DropDraft implements news.BroadcastStore.
func (s *News) DropDraft(ctx context.Context, author int64) error {
	if err := s.rdb.Del(ctx, draftKey(author)).Err(); err != nil {
		return fmt.Errorf("store: dropping a draft: %w", err)
	}
	return nil
}

// ── Broadcasts ──────────────────────────────────────────────────────────────────────

// queueBatch is how many recipients CreateBroadcast pushes per command.
const queueBatch = 1000

func recipientItem(r news.Recipient) string {
	return strconv.FormatInt(r.Chat, 10) + ":" + string(r.Lang)
}

func parseRecipient(item string) (news.Recipient, bool) {
	id, lang, _ := strings.Cut(item, ":")
	chat, err := strconv.ParseInt(id, 10, 64)
	return news.Recipient{Chat: chat, Lang: content.Lang(lang)}, err == nil
}

// madeFrom keeps, for a day, which broadcast a draft became.
func madeFrom(draft string) string { return "{bc}:made:" + draft }

// CreateBroadcast implements news.BroadcastStore: the record, the queue of recipients and
// the broadcast's place in the queue go in one transaction, so a broadcast is queued whole
// or not at all; with b.Draft set, so does the note of which broadcast the draft became,
// and a draft that became one already gets that one back (Again) rather than a second.
func (s *News) CreateBroadcast(ctx context.Context, b news.Broadcast, to []news.Recipient) (news.Broadcast, error) {
	if b.Draft == "" {
		return s.createBroadcast(ctx, b, to, nil)
	}
	var out news.Broadcast
	queue := func(tx *redis.Tx) error {
		made, err := tx.Get(ctx, madeFrom(b.Draft)).Int64()
		if err == nil {
			prev, ok, err := s.Broadcast(ctx, made)
			if err != nil {
				return err
			}
			if ok {
				prev.Again = true
				out = prev
				return nil
			}
		} else if !errors.Is(err, redis.Nil) {
			return err
		}
		out, err = s.createBroadcast(ctx, b, to, tx)
		return err
	}
	var err error
	for range maxConflicts { // another run of the same press won: find what it made
		if err = s.rdb.Watch(ctx, queue, madeFrom(b.Draft)); !errors.Is(err, redis.TxFailedErr) {
			break
		}
	}
	if err != nil {
		return news.Broadcast{}, fmt.Errorf("store: queueing a broadcast: %w", err)
	}
	return out, nil
}

// createBroadcast queues b, in tx when given (the note of its draft goes with it).
func (s *News) createBroadcast(ctx context.Context, b news.Broadcast, to []news.Recipient, tx *redis.Tx) (news.Broadcast, error) {
	n, err := s.rdb.Incr(ctx, broadcastSeq).Result()
	if err != nil {
		return news.Broadcast{}, fmt.Errorf("store: numbering a broadcast: %w", err)
	}
	b.Number, b.Total = n, int64(len(to))
	var pipe redis.Pipeliner
	if tx != nil {
		pipe = tx.TxPipeline()
		pipe.Set(ctx, madeFrom(b.Draft), n, DraftTTL)
	} else {
		pipe = s.rdb.TxPipeline()
	}
	pipe.HSet(ctx, broadcastKey(n), "author", b.Author, "alang", string(b.AuthorLang), "kk", b.Texts[content.KK], "ru", b.Texts[content.RU],
		"topic", b.Audience.Topic, "region", b.Audience.Region, "lang", string(b.Audience.Lang),
		"created", b.Created.Unix(), "total", b.Total)
	pipe.Expire(ctx, broadcastKey(n), BroadcastTTL)
	for start := 0; start < len(to); start += queueBatch {
		items := make([]any, 0, queueBatch)
		for _, r := range to[start:min(start+queueBatch, len(to))] {
			items = append(items, recipientItem(r))
		}
		pipe.RPush(ctx, broadcastTodo(n), items...)
	}
	pipe.Expire(ctx, broadcastTodo(n), recipientsTTL)
	pipe.RPush(ctx, broadcastQueue, n)
	pipe.LPush(ctx, broadcastAll, n)
	pipe.LTrim(ctx, broadcastAll, 0, broadcastsKept-1)
	pipe.Expire(ctx, broadcastAll, BroadcastTTL)
	if _, err := pipe.Exec(ctx); err != nil {
		return news.Broadcast{}, fmt.Errorf("store: queueing a broadcast: %w", err)
	}
	return b, nil
}

// Broadcast implements news.BroadcastStore.
func (s *News) Broadcast(ctx context.Context, n int64) (news.Broadcast, bool, error) {
	m, err := s.rdb.HGetAll(ctx, broadcastKey(n)).Result()
	if err != nil {
		return news.Broadcast{}, false, fmt.Errorf("store: reading a broadcast: %w", err)
	}
	if len(m) == 0 {
		return news.Broadcast{}, false, nil
	}
	return broadcastOf(n, m), true, nil
}

func broadcastOf(n int64, m map[string]string) news.Broadcast {
	num := func(k string) int64 { v, _ := strconv.ParseInt(m[k], 10, 64); return v }
	b := news.Broadcast{
		Number:   n,
		Author:   num("author"),
		Texts:    map[content.Lang]string{content.KK: m["kk"], content.RU: m["ru"]},
		Audience: news.Audience{Topic: m["topic"], Region: m["region"], Lang: content.Lang(m["lang"])},
		Created:  time.Unix(num("created"), 0),
		Total:    num("total"), Sent: num(string(news.OutcomeSent)), Blocked: num(string(news.OutcomeBlocked)),
		Failed: num(string(news.OutcomeFailed)), Unknown: num("unknown"),
		AuthorLang: content.Lang(m["alang"]),
	}
	if f := num("finished"); f != 0 {
		b.Finished = time.Unix(f, 0)
	}
	return b
}

// Broadcasts implements news.BroadcastStore.
func (s *News) Broadcasts(ctx context.Context, n int) ([]news.Broadcast, error) {
	ids, err := s.rdb.LRange(ctx, broadcastAll, 0, int64(n)-1).Result()
	if err != nil {
		return nil, fmt.Errorf("store: listing broadcasts: %w", err)
	}
	pipe := s.rdb.Pipeline()
	reads := make([]*redis.MapStringStringCmd, len(ids))
	for i, id := range ids {
		num, _ := strconv.ParseInt(id, 10, 64)
		reads[i] = pipe.HGetAll(ctx, broadcastKey(num))
	}
	if len(ids) > 0 {
		if _, err := pipe.Exec(ctx); err != nil {
			return nil, fmt.Errorf("store: reading broadcasts: %w", err)
		}
	}
	var out []news.Broadcast
	for i, id := range ids {
		num, _ := strconv.ParseInt(id, 10, 64)
		if m := reads[i].Val(); len(m) > 0 {
			out = append(out, broadcastOf(num, m))
		}
	}
	return out, nil
}

var leaseScript = redis.NewScript(`
local v = redis.call('GET', KEYS[1])
if v == false then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
elseif v == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
return 0`)

// ClaimSender implements news.BroadcastStore.
func (s *News) ClaimSender(ctx context.Context, owner string, lease time.Duration) (bool, error) {
	got, err := leaseScript.Run(ctx, s.rdb, []string{broadcastSender}, owner, lease.Milliseconds()).Int()
	if err != nil {
		return false, fmt.Errorf("store: claiming the sender's lease: %w", err)
	}
	return got == 1, nil
}

var releaseLeaseScript = redis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`)

// ReleaseSender implements news.BroadcastStore.
func (s *News) ReleaseSender(ctx context.Context, owner string) error {
	if err := releaseLeaseScript.Run(ctx, s.rdb, []string{broadcastSender}, owner).Err(); err != nil {
		return fmt.Errorf("store: releasing the sender's lease: %w", err)
	}
	return nil
}

// Queued implements news.BroadcastStore.
func (s *News) Queued(ctx context.Context) (int64, bool, error) {
	id, err := s.rdb.LIndex(ctx, broadcastQueue, 0).Result()
	if errors.Is(err, redis.Nil) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("store: reading the broadcast queue: %w", err)
	}
	n, err := strconv.ParseInt(id, 10, 64)
	return n, err == nil, nil
}

var recoverScript = redis.NewScript(`
local n = redis.call('LLEN', KEYS[1])
if n > 0 then
  redis.call('DEL', KEYS[1])
  redis.call('HINCRBY', KEYS[2], 'unknown', n)
end
return n`)

// Recover implements news.BroadcastStore.
func (s *News) Recover(ctx context.Context, n int64) (int64, error) {
	unknown, err := recoverScript.Run(ctx, s.rdb, []string{broadcastFlight(n), broadcastKey(n)}).Int64()
	if err != nil {
		return 0, fmt.Errorf("store: recovering a broadcast: %w", err)
	}
	return unknown, nil
}

var takeScript = redis.NewScript(`
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return redis.error_reply('LEASE lost') end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
local item = redis.call('LMOVE', KEYS[2], KEYS[3], 'LEFT', 'RIGHT')
if item then redis.call('PEXPIRE', KEYS[3], ARGV[3]) end
return item`)

// Take implements news.BroadcastStore: one script checks and renews the lease and moves the
// next recipient in flight.
func (s *News) Take(ctx context.Context, n int64, owner string, lease time.Duration) (news.Recipient, bool, error) {
	item, err := takeScript.Run(ctx, s.rdb, []string{broadcastSender, broadcastTodo(n), broadcastFlight(n)},
		owner, lease.Milliseconds(), recipientsTTL.Milliseconds()).Text()
	switch {
	case errors.Is(err, redis.Nil):
		return news.Recipient{}, false, nil
	case err != nil && strings.HasPrefix(err.Error(), "LEASE"):
		return news.Recipient{}, false, news.ErrLeaseLost
	case err != nil:
		return news.Recipient{}, false, fmt.Errorf("store: taking a recipient: %w", err)
	}
	r, ok := parseRecipient(item)
	if !ok {
		// Not ours to send; settle it as failed so it leaves the flight list.
		_ = settleScript.Run(ctx, s.rdb, []string{broadcastFlight(n), broadcastKey(n)}, item, string(news.OutcomeFailed)).Err()
		return s.Take(ctx, n, owner, lease)
	}
	return r, true, nil
}

var settleScript = redis.NewScript(`
if redis.call('LREM', KEYS[1], 1, ARGV[1]) == 1 then
  if ARGV[2] == 'left' then
    redis.call('HINCRBY', KEYS[2], 'total', -1)
  else
    redis.call('HINCRBY', KEYS[2], ARGV[2], 1)
  end
end
return 0`)

// Settle implements news.BroadcastStore; settling twice counts once.
func (s *News) Settle(ctx context.Context, n int64, r news.Recipient, outcome news.Outcome) error {
	err := settleScript.Run(ctx, s.rdb, []string{broadcastFlight(n), broadcastKey(n)}, recipientItem(r), string(outcome)).Err()
	if err != nil {
		return fmt.Errorf("store: recording a send: %w", err)
	}
	return nil
}

var putBackScript = redis.NewScript(`
if redis.call('LREM', KEYS[1], 1, ARGV[1]) == 1 then
  redis.call('LPUSH', KEYS[2], ARGV[1])
end
return 0`)

// PutBack implements news.BroadcastStore.
func (s *News) PutBack(ctx context.Context, n int64, r news.Recipient) error {
	err := putBackScript.Run(ctx, s.rdb, []string{broadcastFlight(n), broadcastTodo(n)}, recipientItem(r)).Err()
	if err != nil {
		return fmt.Errorf("store: returning a recipient: %w", err)
	}
	return nil
}

// Finish implements news.BroadcastStore.
func (s *News) Finish(ctx context.Context, n int64, at time.Time) (news.Broadcast, error) {
	pipe := s.rdb.TxPipeline()
	pipe.HSetNX(ctx, broadcastKey(n), "finished", at.Unix())
	pipe.LRem(ctx, broadcastQueue, 0, n)
	pipe.Del(ctx, broadcastTodo(n), broadcastFlight(n))
	read := pipe.HGetAll(ctx, broadcastKey(n))
	if _, err := pipe.Exec(ctx); err != nil {
		return news.Broadcast{}, fmt.Errorf("store: finishing a broadcast: %w", err)
	}
	return broadcastOf(n, read.Val()), nil
}

// withdrawScript takes the items of ARGV out of a broadcast's queue (KEYS[1]) and out of
// its total (KEYS[2]).
var withdrawScript = redis.NewScript(`
local removed = 0
for i = 1, #ARGV do removed = removed + redis.call('LREM', KEYS[1], 0, ARGV[i]) end
if removed > 0 then redis.call('HINCRBY', KEYS[2], 'total', -removed) end
return removed`)

// Withdraw implements news.BroadcastStore. A recipient being sent to right now is past
// taking back; everyone else waiting in a queue is taken out.
func (s *News) Withdraw(ctx context.Context, chat int64) error {
	ids, err := s.rdb.LRange(ctx, broadcastQueue, 0, -1).Result()
	if err != nil {
		return fmt.Errorf("store: listing queued broadcasts: %w", err)
	}
	items := []any{recipientItem(news.Recipient{Chat: chat})}
	for _, l := range content.Langs {
		items = append(items, recipientItem(news.Recipient{Chat: chat, Lang: l}))
	}
	for _, id := range ids {
		n, err := strconv.ParseInt(id, 10, 64)
		if err != nil {
			continue
		}
		if err := withdrawScript.Run(ctx, s.rdb, []string{broadcastTodo(n), broadcastKey(n)}, items...).Err(); err != nil {
			return fmt.Errorf("store: taking a recipient out of broadcast %d: %w", n, err)
		}
	}
	return nil
}

var (
	_ news.BroadcastStore    = (*News)(nil)
	_ news.SubscriptionStore = (*News)(nil)
)
