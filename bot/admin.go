package bot

import (
	"context"
	"time"
)

// AuditEntry is one administrative action: who did what, when.
type AuditEntry struct {
	At     time.Time
	Who    int64
	Action string // e.g. "role.grant", "partner.invite"
	Detail string // e.g. "123 editor", an organisation's name
}

// AdminStore keeps roles and the audit log.
type AdminStore interface {
	// Role is the role granted to user in chat ("" for none).
	Role(ctx context.Context, user int64) (string, error)
	// SetRole grants role to user, or takes any role away when role is "".
	SetRole(ctx context.Context, user int64, role string) error
	// Roles lists the granted roles by user.
	Roles(ctx context.Context) (map[int64]string, error)
	// Audit records an action; AuditLog returns the latest n, newest first.
	Audit(ctx context.Context, e AuditEntry) error
	AuditLog(ctx context.Context, n int) ([]AuditEntry, error)
}
