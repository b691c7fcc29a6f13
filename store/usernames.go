package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"

	"github.com/qamqor/qamqor/bot/admin"
	"github.com/redis/go-redis/v9"
)

// Usernames remembers whose a @username is, for people who wrote to the bot, so admins
// can grant a role by it; it implements admin.Usernames. It keeps a hash of the name,
// never the name: `{uname:<hash>}` holds the chat's id and `{chat:<id>}:uname` the hash
// (for /forget), both for admin.UsernameTTL after the person's last note. A hash of a
// username can be found by trying names, so the privacy texts say it is kept.
type Usernames struct{ rdb redis.UniversalClient }

// NewUsernames returns the usernames store.
func NewUsernames(rdb redis.UniversalClient) *Usernames { return &Usernames{rdb: rdb} }

// usernameHash is what is kept of a username (lower case, without "@").
func usernameHash(name string) string {
	sum := sha256.Sum256([]byte("qamqor username\x00" + name))
	return hex.EncodeToString(sum[:16])
}

func usernameKey(hash string) string    { return "{uname:" + hash + "}" }
func chatUsernameKey(chat int64) string { return "{chat:" + strconv.FormatInt(chat, 10) + "}:uname" }

// Note implements admin.Usernames. The chat's previous username, if it changed, is
// forgotten when it still points to the chat (a name given up may be someone else's now).
func (u *Usernames) Note(ctx context.Context, username string, chat int64) error {
	hash, id := usernameHash(username), strconv.FormatInt(chat, 10)
	prev, err := u.rdb.Get(ctx, chatUsernameKey(chat)).Result()
	if err != nil && err != redis.Nil {
		return fmt.Errorf("store: reading a username: %w", err)
	}
	pipe := u.rdb.Pipeline()
	pipe.Set(ctx, chatUsernameKey(chat), hash, admin.UsernameTTL)
	pipe.Set(ctx, usernameKey(hash), id, admin.UsernameTTL)
	if _, err := pipe.Exec(ctx); err != nil {
		return fmt.Errorf("store: noting a username: %w", err)
	}
	if prev != "" && prev != hash {
		return u.drop(ctx, prev, id)
	}
	return nil
}

// drop deletes {uname:hash} when it is still chat id's.
func (u *Usernames) drop(ctx context.Context, hash, id string) error {
	if err := dropIfScript.Run(ctx, u.rdb, []string{usernameKey(hash)}, id).Err(); err != nil && err != redis.Nil {
		return fmt.Errorf("store: forgetting a username: %w", err)
	}
	return nil
}

var dropIfScript = redis.NewScript(`if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`)

// Lookup implements admin.Usernames.
func (u *Usernames) Lookup(ctx context.Context, username string) (int64, bool, error) {
	v, err := u.rdb.Get(ctx, usernameKey(usernameHash(username))).Result()
	if err == redis.Nil {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("store: looking a username up: %w", err)
	}
	id, err := strconv.ParseInt(v, 10, 64)
	return id, err == nil, nil
}

// Noted implements admin.Usernames.
func (u *Usernames) Noted(ctx context.Context, chat int64) (bool, error) {
	n, err := u.rdb.Exists(ctx, chatUsernameKey(chat)).Result()
	if err != nil {
		return false, fmt.Errorf("store: reading a username: %w", err)
	}
	return n > 0, nil
}

// Forget implements admin.Usernames.
func (u *Usernames) Forget(ctx context.Context, chat int64) error {
	hash, err := u.rdb.Get(ctx, chatUsernameKey(chat)).Result()
	if err == redis.Nil {
		return nil
	}
	if err != nil {
		return fmt.Errorf("store: reading a username: %w", err)
	}
	if err := u.drop(ctx, hash, strconv.FormatInt(chat, 10)); err != nil {
		return err
	}
	if err := u.rdb.Del(ctx, chatUsernameKey(chat)).Err(); err != nil {
		return fmt.Errorf("store: forgetting a username: %w", err)
	}
	return nil
}
