package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/qamqor/qamqor/bot"
	"github.com/qamqor/qamqor/bot/admin"
	"github.com/redis/go-redis/v9"
)

// Keys of administration: roles granted in chat, and the audit log.
const (
	rolesKey = "admin:roles"
	auditKey = "admin:audit"
)

// AuditKeep is how many audit entries are kept; AuditTTL how long after the last one.
const (
	AuditKeep = 10_000
	AuditTTL  = 2 * 365 * 24 * time.Hour
)

// Admin keeps roles and the audit log in Redis; it implements admin.Store.
type Admin struct{ rdb redis.UniversalClient }

// NewAdmin returns the administration store.
func NewAdmin(rdb redis.UniversalClient) *Admin { return &Admin{rdb: rdb} }

// Role implements admin.Store.
func (a *Admin) Role(ctx context.Context, user int64) (bot.Role, error) {
	role, err := a.rdb.HGet(ctx, rolesKey, strconv.FormatInt(user, 10)).Result()
	if err == redis.Nil {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("store: reading a role: %w", err)
	}
	return bot.Role(role), nil
}

// SetRole implements admin.Store.
func (a *Admin) SetRole(ctx context.Context, user int64, role bot.Role) error {
	field := strconv.FormatInt(user, 10)
	var err error
	if role == "" {
		err = a.rdb.HDel(ctx, rolesKey, field).Err()
	} else {
		err = a.rdb.HSet(ctx, rolesKey, field, string(role)).Err()
	}
	if err != nil {
		return fmt.Errorf("store: setting a role: %w", err)
	}
	return nil
}

// Roles implements admin.Store.
func (a *Admin) Roles(ctx context.Context) (map[int64]bot.Role, error) {
	m, err := a.rdb.HGetAll(ctx, rolesKey).Result()
	if err != nil {
		return nil, fmt.Errorf("store: listing roles: %w", err)
	}
	out := map[int64]bot.Role{}
	for k, v := range m {
		out[userID(k)] = bot.Role(v)
	}
	return out, nil
}

type auditRecord struct {
	At     int64  `json:"at"`
	Who    int64  `json:"who"`
	Action string `json:"what"`
	Detail string `json:"detail,omitempty"`
}

// Audit implements admin.Store: newest first, bounded, expiring.
func (a *Admin) Audit(ctx context.Context, e admin.Entry) error {
	data, _ := json.Marshal(auditRecord{At: e.At.Unix(), Who: e.Who, Action: e.Action, Detail: e.Detail})
	pipe := a.rdb.TxPipeline()
	pipe.LPush(ctx, auditKey, data)
	pipe.LTrim(ctx, auditKey, 0, AuditKeep-1)
	pipe.Expire(ctx, auditKey, AuditTTL)
	if _, err := pipe.Exec(ctx); err != nil {
		return fmt.Errorf("store: writing the audit log: %w", err)
	}
	return nil
}

// AuditLog implements admin.Store.
func (a *Admin) AuditLog(ctx context.Context, n int) ([]admin.Entry, error) {
	raw, err := a.rdb.LRange(ctx, auditKey, 0, int64(n)-1).Result()
	if err != nil {
		return nil, fmt.Errorf("store: reading the audit log: %w", err)
	}
	var out []admin.Entry
	for _, r := range raw {
		var rec auditRecord
		if json.Unmarshal([]byte(r), &rec) != nil {
			continue
		}
		out = append(out, admin.Entry{At: time.Unix(rec.At, 0), Who: rec.Who, Action: rec.Action, Detail: rec.Detail})
	}
	return out, nil
}
