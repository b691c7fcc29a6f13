package bottest

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/qamqor/qamqor/bot"
)

// FixedRoles is a feature that judges roles from a fixed table and keeps the audit log in
// memory, for tests of features with administrative commands.
type FixedRoles struct {
	roles map[int64]bot.Role
	mu    sync.Mutex
	log   []AuditEntry
}

// AuditEntry is an action FixedRoles was told of.
type AuditEntry struct {
	Who            int64
	Action, Detail string
}

// NewFixedRoles gives each chat in roles its role.
func NewFixedRoles(roles map[int64]bot.Role) *FixedRoles { return &FixedRoles{roles: roles} }

// Name implements bot.Feature.
func (f *FixedRoles) Name() string { return "fixed roles" }

// Register implements bot.Feature.
func (f *FixedRoles) Register(r *bot.Router) {
	r.Authorize(f)
	r.AuditWith(f)
}

// Has implements bot.Authorizer.
func (f *FixedRoles) Has(_ context.Context, chat int64, roles ...bot.Role) bool {
	r, ok := f.roles[chat]
	return ok && slices.Contains(roles, r)
}

// Audit implements bot.Auditor.
func (f *FixedRoles) Audit(_ context.Context, _ time.Time, who int64, action, detail string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.log = append(f.log, AuditEntry{Who: who, Action: action, Detail: detail})
}

// Audited is the audit log so far, oldest first.
func (f *FixedRoles) Audited() []AuditEntry {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.log)
}

// Tally is a feature that counts events in memory (a bot.Counter), for tests of what
// features count.
type Tally struct {
	mu sync.Mutex
	n  map[string]int
}

// NewTally returns a tally of nothing.
func NewTally() *Tally { return &Tally{n: map[string]int{}} }

// Name implements bot.Feature.
func (c *Tally) Name() string { return "tally" }

// Register implements bot.Feature.
func (c *Tally) Register(r *bot.Router) { r.CountWith(c) }

// Count implements bot.Counter.
func (c *Tally) Count(_ time.Time, name string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n[name]++
}

// Of is how often name was counted.
func (c *Tally) Of(name string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n[name]
}
