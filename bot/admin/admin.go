// Package admin is roles and the audit log: the admins of the configuration (ADMIN_IDS)
// grant others a role in chat (/role, /roles) and read what was done (/audit). It judges
// every feature's roles for the core (bot.Authorizer) and keeps its audit log
// (bot.Auditor).
package admin

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/qamqor/qamqor/bot"
)

// Entry is one administrative action: who did what, when.
type Entry struct {
	At     time.Time
	Who    int64
	Action string // e.g. "role.grant", "partner.invite"
	Detail string // e.g. "123 editor", an organisation's name
}

// Store keeps roles granted in chat and the audit log (store.Admin).
type Store interface {
	// Role is the role granted to user in chat ("" for none).
	Role(ctx context.Context, user int64) (bot.Role, error)
	// SetRole grants role to user, or takes any role away when role is "".
	SetRole(ctx context.Context, user int64, role bot.Role) error
	// Roles lists the granted roles by user.
	Roles(ctx context.Context) (map[int64]bot.Role, error)
	// Audit records an action; AuditLog returns the latest n, newest first.
	Audit(ctx context.Context, e Entry) error
	AuditLog(ctx context.Context, n int) ([]Entry, error)
}

// How many audit entries /audit shows by default, and at most.
const (
	auditShown = 20
	auditMax   = 100
)

// grantable are the words /role takes, and the role each means ("none": no role).
var grantable = map[string]bot.Role{"admin": bot.RoleAdmin, "editor": bot.RoleEditor, "none": ""}

// Feature is roles and the audit log.
type Feature struct {
	store  Store
	admins map[int64]bool // ADMIN_IDS: admins always, whatever the store says
	log    *slog.Logger

	usernames Usernames // nil: roles by number and forwarded message only
	mu        sync.Mutex
	noted     map[int64]notedName // what this replica noted lately, by chat
}

// flowRole is the role flow: "role:<word>" waits for a forwarded message or a username
// of the person to grant the role to.
const flowRole bot.Flow = "role"

// New returns roles and the audit log kept in store; admins (ADMIN_IDS) are admins always.
// Every audited action also goes to log.
func New(store Store, admins []int64, log *slog.Logger) *Feature {
	f := &Feature{store: store, admins: map[int64]bool{}, log: log}
	for _, id := range admins {
		f.admins[id] = true
	}
	return f
}

// Name implements bot.Feature.
func (f *Feature) Name() string { return "admin" }

// Register implements bot.Feature.
func (f *Feature) Register(r *bot.Router) {
	r.Authorize(f)
	r.AuditWith(f)
	r.RolesFrom(f)
	r.Command("role", bot.RoleAdmin, f.setRole, bot.InMenu(msgCommandRole))
	r.Command("roles", bot.RoleAdmin, f.listRoles, bot.InMenu(msgCommandRoles))
	r.Command("audit", bot.RoleAdmin, f.auditLog, bot.InMenu(msgCommandAudit))
	r.Flow(flowRole, f.roleFlow)
	if f.usernames != nil {
		r.Observe(f.note)
		r.Keep(f)
	}
}

// RolesOf implements bot.RoleSource: the role of chat, for its command menu.
func (f *Feature) RolesOf(ctx context.Context, chat int64) ([]bot.Role, error) {
	if f.admins[chat] {
		return []bot.Role{bot.RoleAdmin}, nil
	}
	role, err := f.store.Role(ctx, chat)
	if err != nil || role == "" {
		return nil, err
	}
	return []bot.Role{role}, nil
}

// Holders implements bot.RoleSource: the configured admins and everyone granted a role.
func (f *Feature) Holders(ctx context.Context) ([]int64, error) {
	granted, err := f.store.Roles(ctx)
	if err != nil {
		return nil, err
	}
	var out []int64
	for id := range f.admins {
		out = append(out, id)
	}
	for id, role := range granted {
		if role != "" && !f.admins[id] {
			out = append(out, id)
		}
	}
	return out, nil
}

// Has implements bot.Authorizer: the configured admins are admins; others hold the role
// granted to them; an admin holds every role. A store that does not answer reads as no
// role (and is logged): nobody gets a right by the store being away.
func (f *Feature) Has(ctx context.Context, chat int64, roles ...bot.Role) bool {
	if f.admins[chat] {
		return true
	}
	role, err := f.store.Role(ctx, chat)
	if err != nil {
		f.log.Warn("reading a role; taken as none", "chat", chat, "err", err)
		return false
	}
	return role != "" && (role == bot.RoleAdmin || slices.Contains(roles, role))
}

// Audit implements bot.Auditor: the action goes to the process log, and to the audit log;
// an audit log that cannot be written is logged as an error.
func (f *Feature) Audit(ctx context.Context, at time.Time, who int64, action, detail string) {
	f.log.Info("audit", "who", who, "action", action)
	if err := f.store.Audit(ctx, Entry{At: at, Who: who, Action: action, Detail: detail}); err != nil {
		f.log.Error("writing the audit log; the action is done, its entry is lost", "who", who, "action", action, "err", err)
	}
}

// setRole answers /role <whom> admin|editor|none, where whom is a user's number or
// @username; /role <role> replying to a message forwarded from the person; or /role
// <role> alone, which asks for one of their messages forwarded (or their @username).
func (f *Feature) setRole(t *bot.Turn) bool {
	fields := strings.Fields(t.Arg)
	if len(fields) == 0 || len(fields) > 2 {
		t.Say(bot.Reply{Text: t.T(msgRoleUsage, nil)})
		return true
	}
	role, known := grantable[strings.ToLower(fields[len(fields)-1])]
	if !known {
		t.Say(bot.Reply{Text: t.T(msgRoleUsage, nil)})
		return true
	}
	if len(fields) == 1 {
		if t.In.ReplyForwarded != nil {
			if user, label, ok := f.target(t, "", t.In.ReplyForwarded); ok {
				f.grant(t, user, label, role)
			}
			return true
		}
		word := strings.ToLower(fields[0])
		t.Change(func(s bot.Session) bot.Session { s.Flow = flowRole + bot.Flow(":"+word); return s })
		t.Say(bot.Reply{Text: t.T(msgRoleWhom, map[string]any{"Role": t.T(roleLabel(role), nil)})})
		return true
	}
	if user, label, ok := f.target(t, fields[0], nil); ok {
		f.grant(t, user, label, role)
	}
	return true
}

// roleFlow takes the forwarded message, or the @username or number, that /role <role>
// asked for. Someone who is no longer an admin is answered as anyone typing text is.
func (f *Feature) roleFlow(t *bot.Turn) bool {
	if !t.HasRole(bot.RoleAdmin) {
		return false
	}
	_, word, _ := strings.Cut(string(t.Session.Flow), ":")
	t.Change(func(s bot.Session) bot.Session { s.Flow = ""; return s })
	role, known := grantable[word]
	if !known {
		t.Say(bot.Reply{Text: t.T(msgRoleUsage, nil)})
		return true
	}
	whom := ""
	if t.In.Forwarded == nil {
		whom = strings.TrimSpace(t.Text)
	}
	if user, label, ok := f.target(t, whom, t.In.Forwarded); ok {
		f.grant(t, user, label, role)
	}
	return true
}

// roleLabel names a role, "none" included, for the question whom to give it.
func roleLabel(role bot.Role) bot.MessageID {
	if msg, ok := roleNames[role]; ok {
		return msg
	}
	return msgRoleNone
}

// grant gives user the role (none: takes it away), labelled as the admin named them.
func (f *Feature) grant(t *bot.Turn, user int64, label string, role bot.Role) {
	if f.admins[user] {
		t.Say(bot.Reply{Text: t.T(msgRoleFixed, map[string]any{"User": label})})
		return
	}
	// Setting a role again sets it to the same: safe to run twice.
	if err := f.store.SetRole(t.Ctx, user, role); err != nil {
		t.Unavailable(err)
		return
	}
	if role == "" {
		t.Audit("role.remove", strconv.FormatInt(user, 10))
		t.MenuChanged(user)
		t.Say(bot.Reply{Text: t.T(msgRoleRemoved, map[string]any{"User": label})})
		return
	}
	t.Audit("role.grant", fmt.Sprintf("%d %s", user, role))
	t.MenuChanged(user)
	t.Say(bot.Reply{Text: t.T(msgRoleSet, map[string]any{"User": label, "Role": t.T(roleNames[role], nil)})})
}

// listRoles answers /roles: the configured admins, then those granted a role.
func (f *Feature) listRoles(t *bot.Turn) bool {
	granted, err := f.store.Roles(t.Ctx)
	if err != nil {
		t.Unavailable(err)
		return true
	}
	var lines []string
	for id := range f.admins {
		lines = append(lines, fmt.Sprintf("%d — %s (ADMIN_IDS)", id, t.T(roleNames[bot.RoleAdmin], nil)))
	}
	for id, role := range granted {
		if f.admins[id] {
			continue
		}
		name := string(role) // a role this version does not know: as stored
		if msg, known := roleNames[role]; known {
			name = t.T(msg, nil)
		}
		lines = append(lines, fmt.Sprintf("%d — %s", id, name))
	}
	sort.Strings(lines)
	t.Say(bot.Reply{Text: t.T(msgRolesTitle, nil) + "\n" + strings.Join(lines, "\n") + "\n\n" + t.T(msgRoleUsage, nil)})
	return true
}

// auditLog answers /audit [n]: the latest entries, newest first.
func (f *Feature) auditLog(t *bot.Turn) bool {
	n, err := strconv.Atoi(strings.TrimSpace(t.Arg))
	if err != nil || n <= 0 {
		n = auditShown
	}
	entries, err := f.store.AuditLog(t.Ctx, min(n, auditMax))
	if err != nil {
		t.Unavailable(err)
		return true
	}
	if len(entries) == 0 {
		t.Say(bot.Reply{Text: t.T(msgAuditNone, nil)})
		return true
	}
	lines := []string{t.T(msgAuditTitle, map[string]any{"Count": len(entries)})}
	for _, e := range entries {
		line := fmt.Sprintf("%s · %d · %s", e.At.UTC().Format("02.01.2006 15:04"), e.Who, e.Action)
		if e.Detail != "" {
			line += " · " + e.Detail
		}
		lines = append(lines, line)
	}
	t.Say(bot.Reply{Text: strings.Join(lines, "\n")})
	return true
}
