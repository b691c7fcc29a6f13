package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/qamqor/qamqor/console"
	"github.com/redis/go-redis/v9"
)

// Console keeps the console's one-time login tokens and sessions in Redis, under the
// SHA-256 of their secrets (console.Store): every replica signs the same people in.
type Console struct{ rdb redis.UniversalClient }

// NewConsole returns the console's store.
func NewConsole(rdb redis.UniversalClient) *Console { return &Console{rdb: rdb} }

func consoleKey(key string) string { return "console:" + key }

func (c *Console) put(ctx context.Context, key string, v any, ttl time.Duration) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return err
	}
	if err := c.rdb.Set(ctx, consoleKey(key), raw, ttl).Err(); err != nil {
		return fmt.Errorf("store: writing the console's %s: %w", key[:min(len(key), 7)], err)
	}
	return nil
}

func consoleGet[T any](raw string, err error) (T, bool, error) {
	var v T
	if err == redis.Nil {
		return v, false, nil
	}
	if err != nil {
		return v, false, fmt.Errorf("store: reading the console: %w", err)
	}
	if err := json.Unmarshal([]byte(raw), &v); err != nil {
		return v, false, fmt.Errorf("store: reading the console: %w", err)
	}
	return v, true, nil
}

// PutLogin implements console.Store.
func (c *Console) PutLogin(ctx context.Context, key string, l console.Login, ttl time.Duration) error {
	return c.put(ctx, key, l, ttl)
}

// TakeLogin implements console.Store: GETDEL makes the token single-use even when two
// requests race with it, on any replica.
func (c *Console) TakeLogin(ctx context.Context, key string) (console.Login, bool, error) {
	return consoleGet[console.Login](c.rdb.GetDel(ctx, consoleKey(key)).Result())
}

// PutSession implements console.Store.
func (c *Console) PutSession(ctx context.Context, key string, s console.Session, ttl time.Duration) error {
	return c.put(ctx, key, s, ttl)
}

// Session implements console.Store.
func (c *Console) Session(ctx context.Context, key string) (console.Session, bool, error) {
	return consoleGet[console.Session](c.rdb.Get(ctx, consoleKey(key)).Result())
}

// DeleteSession implements console.Store.
func (c *Console) DeleteSession(ctx context.Context, key string) error {
	if err := c.rdb.Del(ctx, consoleKey(key)).Err(); err != nil {
		return fmt.Errorf("store: deleting a console session: %w", err)
	}
	return nil
}

func consoleDraftKey(user int64) string { return fmt.Sprintf("draft:%d", user) }

// Draft implements console.Drafts.
func (c *Console) Draft(ctx context.Context, user int64) (console.Draft, bool, error) {
	return consoleGet[console.Draft](c.rdb.Get(ctx, consoleKey(consoleDraftKey(user))).Result())
}

// PutDraft implements console.Drafts: the draft is kept for ttl after its last change.
func (c *Console) PutDraft(ctx context.Context, user int64, d console.Draft, ttl time.Duration) error {
	return c.put(ctx, consoleDraftKey(user), d, ttl)
}

// DropDraft implements console.Drafts.
func (c *Console) DropDraft(ctx context.Context, user int64) error {
	if err := c.rdb.Del(ctx, consoleKey(consoleDraftKey(user))).Err(); err != nil {
		return fmt.Errorf("store: deleting a console draft: %w", err)
	}
	return nil
}
