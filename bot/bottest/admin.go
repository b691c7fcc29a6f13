package bottest

import (
	"context"
	"maps"
	"sync"

	"github.com/qamqor/qamqor/bot"
	"github.com/qamqor/qamqor/bot/admin"
)

var _ admin.Store = (*Admin)(nil)

// Admin is an in-memory admin.Store. Fail, when set, is what every call returns.
type Admin struct {
	mu    sync.Mutex
	roles map[int64]bot.Role
	log   []admin.Entry // oldest first
	Fail  error
}

// NewAdmin returns a store with no role granted and an empty audit log.
func NewAdmin() *Admin { return &Admin{roles: map[int64]bot.Role{}} }

func (a *Admin) Role(_ context.Context, user int64) (bot.Role, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.Fail != nil {
		return "", a.Fail
	}
	return a.roles[user], nil
}

func (a *Admin) SetRole(_ context.Context, user int64, role bot.Role) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.Fail != nil {
		return a.Fail
	}
	if role == "" {
		delete(a.roles, user)
	} else {
		a.roles[user] = role
	}
	return nil
}

func (a *Admin) Roles(context.Context) (map[int64]bot.Role, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.Fail != nil {
		return nil, a.Fail
	}
	return maps.Clone(a.roles), nil
}

func (a *Admin) Audit(_ context.Context, e admin.Entry) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.Fail != nil {
		return a.Fail
	}
	a.log = append(a.log, e)
	return nil
}

func (a *Admin) AuditLog(_ context.Context, n int) ([]admin.Entry, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.Fail != nil {
		return nil, a.Fail
	}
	var out []admin.Entry
	for i := len(a.log) - 1; i >= 0 && len(out) < n; i-- {
		out = append(out, a.log[i])
	}
	return out, nil
}

// Entries is the audit log, oldest first.
func (a *Admin) Entries() []admin.Entry {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]admin.Entry(nil), a.log...)
}
