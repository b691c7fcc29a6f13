package store

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/qamqor/qamqor/bot/publishing"
	"github.com/redis/go-redis/v9"
)

// Published content: every version kept as a zip of the content directory, a pointer to
// the one in use, and a channel that tells every replica when it changes. The keys share
// the hash tag {content}, so a publication is one transaction in a Redis Cluster too.
const (
	contentSeqKey     = "{content}:seq"
	contentCurrentKey = "{content}:current"
	contentChannel    = "content:changed"
	contentHistoryKey = "{content}:history"
)

func contentVersionKey(n int64) string { return "{content}:v:" + strconv.FormatInt(n, 10) }

// KeptVersions is how many published versions are kept, the newest ones: each holds a
// whole archive (up to content.MaxContentSize before compression), so the history is
// bounded. Publishing deletes what falls out of it; the version in use is always among
// those kept, as publishing makes the new one current.
const KeptVersions = 20

// Content keeps the latest KeptVersions published content versions in Redis, and uploads
// waiting to be published for PendingTTL. Content is not personal; its keys are bounded by
// number rather than by time, so a rollback can reach any version kept however old. It
// implements publishing.Store.
type Content struct {
	rdb  redis.UniversalClient
	kept int
}

// NewContent returns the store of published content.
func NewContent(rdb redis.UniversalClient) *Content { return &Content{rdb: rdb, kept: KeptVersions} }

// Publish stores a new version, makes it current, deletes the version that falls out of
// the history kept, and tells every replica. The version, its place in the history, the
// pointer to it and the deletions are one transaction, so a version is never current
// without being listed, listed half-stored, or left stored unlisted; the history is
// watched, so two publications at once cannot both delete the same version and keep an
// older one.
func (c *Content) Publish(ctx context.Context, archive []byte, author, summary string) (int64, error) {
	return c.publish(ctx, archive, author, summary, 0)
}

// PublishPending publishes the user's waiting upload (archive, as Pending gave it) as
// Publish does, and, in the same transaction, puts in its place the number of the version
// it became, for an hour: a second press of Publish — or the same press run again after a
// crash — finds it published, not to publish twice.
func (c *Content) PublishPending(ctx context.Context, user int64, archive []byte, author, summary string) (int64, error) {
	return c.publish(ctx, archive, author, summary, user)
}

// publish is Publish, and PublishPending when pendingOf is a user.
func (c *Content) publish(ctx context.Context, archive []byte, author, summary string, pendingOf int64) (int64, error) {
	n, err := c.rdb.Incr(ctx, contentSeqKey).Result()
	if err != nil {
		return 0, fmt.Errorf("store: numbering a content version: %w", err)
	}
	publish := func(tx *redis.Tx) error {
		// What the push moves past the end of the history.
		dropped, err := tx.LRange(ctx, contentHistoryKey, int64(c.kept)-1, -1).Result()
		if err != nil {
			return err
		}
		_, err = tx.TxPipelined(ctx, func(pipe redis.Pipeliner) error {
			pipe.HSet(ctx, contentVersionKey(n), "zip", archive, "author", author,
				"at", time.Now().Unix(), "summary", summary)
			pipe.LPush(ctx, contentHistoryKey, n)
			pipe.LTrim(ctx, contentHistoryKey, 0, int64(c.kept)-1)
			pipe.Set(ctx, contentCurrentKey, n, 0)
			if pendingOf != 0 {
				pipe.Set(ctx, pendingKey(pendingOf), publishedMark+strconv.FormatInt(n, 10), PendingTTL)
			}
			for _, id := range dropped {
				if old, err := strconv.ParseInt(id, 10, 64); err == nil {
					pipe.Del(ctx, contentVersionKey(old))
				}
			}
			return nil
		})
		return err
	}
	// Editors publishing at the same moment retry, each after a random pause that grows,
	// so that they do not collide again in step (ten quick retries lost to three others on
	// a loaded machine).
	for attempt := 1; attempt <= 50; attempt++ {
		err = c.rdb.Watch(ctx, publish, contentHistoryKey)
		if !errors.Is(err, redis.TxFailedErr) {
			break
		}
		select {
		case <-ctx.Done():
			return 0, fmt.Errorf("store: saving content version %d: %w", n, ctx.Err())
		case <-time.After(time.Duration(rand.IntN(attempt*2+1)) * time.Millisecond):
		}
	}
	if err != nil {
		return 0, fmt.Errorf("store: saving content version %d: %w", n, err)
	}
	return n, c.announce(ctx, n)
}

// Rollback makes an earlier version current again and tells every replica. A version
// published once but no longer kept is ErrVersionGone.
func (c *Content) Rollback(ctx context.Context, n int64) error {
	exists, err := c.rdb.Exists(ctx, contentVersionKey(n)).Result()
	if err != nil {
		return fmt.Errorf("store: finding content version %d: %w", n, err)
	}
	if exists == 0 {
		oldest, err := c.rdb.LIndex(ctx, contentHistoryKey, -1).Int64()
		if err == nil && n > 0 && n < oldest {
			return ErrVersionGone
		}
		return ErrNoVersion
	}
	return c.switchTo(ctx, n)
}

// ErrNoVersion means no content version has that number.
var ErrNoVersion = publishing.ErrNoVersion

// ErrVersionGone means the version was published, but is older than those kept.
var ErrVersionGone = publishing.ErrVersionGone

func (c *Content) switchTo(ctx context.Context, n int64) error {
	if err := c.rdb.Set(ctx, contentCurrentKey, n, 0).Err(); err != nil {
		return fmt.Errorf("store: switching content to version %d: %w", n, err)
	}
	return c.announce(ctx, n)
}

// announce tells every replica; outside the transaction, as a channel is no key and has
// no slot of its own.
func (c *Content) announce(ctx context.Context, n int64) error {
	if err := c.rdb.Publish(ctx, contentChannel, n).Err(); err != nil {
		return fmt.Errorf("store: announcing content version %d: %w", n, err)
	}
	return nil
}

// Current returns the version in use, and false when none was ever published.
func (c *Content) Current(ctx context.Context) (publishing.Version, bool, error) {
	n, err := c.rdb.Get(ctx, contentCurrentKey).Int64()
	if errors.Is(err, redis.Nil) {
		return publishing.Version{}, false, nil
	}
	if err != nil {
		return publishing.Version{}, false, fmt.Errorf("store: reading the current content version: %w", err)
	}
	v, err := c.Get(ctx, n)
	return v, err == nil, err
}

// Get returns version n with its archive.
func (c *Content) Get(ctx context.Context, n int64) (publishing.Version, error) {
	m, err := c.rdb.HGetAll(ctx, contentVersionKey(n)).Result()
	if err != nil {
		return publishing.Version{}, fmt.Errorf("store: reading content version %d: %w", n, err)
	}
	if m["zip"] == "" {
		return publishing.Version{}, ErrNoVersion
	}
	at, _ := strconv.ParseInt(m["at"], 10, 64)
	return publishing.Version{Number: n, Author: m["author"], At: time.Unix(at, 0), Summary: m["summary"], Archive: []byte(m["zip"])}, nil
}

// History returns the latest versions published, newest first, without their archives,
// the number of the one in use, and the range of versions kept.
func (c *Content) History(ctx context.Context, limit int) (publishing.History, error) {
	var h publishing.History
	ids, err := c.rdb.LRange(ctx, contentHistoryKey, 0, -1).Result()
	if err != nil {
		return h, fmt.Errorf("store: reading content history: %w", err)
	}
	if len(ids) > 0 {
		h.Newest, _ = strconv.ParseInt(ids[0], 10, 64)
		h.Oldest, _ = strconv.ParseInt(ids[len(ids)-1], 10, 64)
	}
	for _, id := range ids[:min(len(ids), limit)] {
		n, _ := strconv.ParseInt(id, 10, 64)
		m, err := c.rdb.HMGet(ctx, contentVersionKey(n), "author", "at", "summary").Result()
		if err != nil {
			return h, fmt.Errorf("store: reading content version %d: %w", n, err)
		}
		v := publishing.Version{Number: n}
		v.Author, _ = m[0].(string)
		if s, ok := m[1].(string); ok {
			at, _ := strconv.ParseInt(s, 10, 64)
			v.At = time.Unix(at, 0)
		}
		v.Summary, _ = m[2].(string)
		h.Versions = append(h.Versions, v)
	}
	h.Current, _ = c.rdb.Get(ctx, contentCurrentKey).Int64()
	return h, nil
}

// Watch calls switchTo with each version number announced until ctx ends, reconnecting
// after Redis comes back (go-redis resubscribes by itself).
func (c *Content) Watch(ctx context.Context, log *slog.Logger, switchTo func(n int64)) {
	sub := c.rdb.Subscribe(ctx, contentChannel)
	defer sub.Close()
	ch := sub.Channel()
	for {
		select {
		case <-ctx.Done():
			return
		case msg, ok := <-ch:
			if !ok {
				return
			}
			n, err := strconv.ParseInt(msg.Payload, 10, 64)
			if err != nil {
				log.Warn("a content announcement that is not a version number", "payload", msg.Payload)
				continue
			}
			switchTo(n)
		}
	}
}

// PendingTTL is how long an uploaded content version waits for its uploader to publish it.
const PendingTTL = time.Hour

// pendingKey shares the tag {content}, so publishing an upload and marking it published
// are one transaction in a Redis Cluster too.
func pendingKey(user int64) string { return "{content}:pending:" + strconv.FormatInt(user, 10) }

// publishedMark starts what stands in for an upload once it is published: its version.
const publishedMark = "published:"

// SetPending keeps an uploaded, validated archive until its uploader publishes or drops it.
func (c *Content) SetPending(ctx context.Context, user int64, archive []byte) error {
	if err := c.rdb.Set(ctx, pendingKey(user), archive, PendingTTL).Err(); err != nil {
		return fmt.Errorf("store: keeping an upload: %w", err)
	}
	return nil
}

// Pending returns the user's waiting archive, or, once it is published, the version it
// became (archive nil); ok is false when there is neither.
func (c *Content) Pending(ctx context.Context, user int64) (archive []byte, published int64, ok bool, err error) {
	b, err := c.rdb.Get(ctx, pendingKey(user)).Bytes()
	if errors.Is(err, redis.Nil) {
		return nil, 0, false, nil
	}
	if err != nil {
		return nil, 0, false, fmt.Errorf("store: reading an upload: %w", err)
	}
	if v, isMark := strings.CutPrefix(string(b), publishedMark); isMark {
		n, _ := strconv.ParseInt(v, 10, 64)
		return nil, n, true, nil
	}
	return b, 0, true, nil
}

// DropPending forgets the user's waiting upload.
func (c *Content) DropPending(ctx context.Context, user int64) error {
	if err := c.rdb.Del(ctx, pendingKey(user)).Err(); err != nil {
		return fmt.Errorf("store: dropping an upload: %w", err)
	}
	return nil
}
