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

var _ admin.Usernames = (*Usernames)(nil)

// Usernames is an in-memory admin.Usernames: names by chat, as given.
type Usernames struct {
	mu     sync.Mutex
	byChat map[int64]string
}

// NewUsernames returns a store that knows no username.
func NewUsernames() *Usernames { return &Usernames{byChat: map[int64]string{}} }

func (u *Usernames) Note(_ context.Context, username string, chat int64) error {
	u.mu.Lock()
	defer u.mu.Unlock()
	for c, n := range u.byChat {
		if n == username && c != chat {
			delete(u.byChat, c) // the name is someone else's now
		}
	}
	u.byChat[chat] = username
	return nil
}

func (u *Usernames) Lookup(_ context.Context, username string) (int64, bool, error) {
	u.mu.Lock()
	defer u.mu.Unlock()
	for c, n := range u.byChat {
		if n == username {
			return c, true, nil
		}
	}
	return 0, false, nil
}

func (u *Usernames) Noted(_ context.Context, chat int64) (bool, error) {
	u.mu.Lock()
	defer u.mu.Unlock()
	_, ok := u.byChat[chat]
	return ok, nil
}

func (u *Usernames) Forget(_ context.Context, chat int64) error {
	u.mu.Lock()
	defer u.mu.Unlock()
	delete(u.byChat, chat)
	return nil
}
