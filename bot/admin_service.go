package bot

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
)

// auditShown is how many audit entries /audit shows by default, and auditMax at most.
const (
	auditShown = 20
	auditMax   = 100
)

// EnableAdministration turns on roles and the audit log. admins (ADMIN_IDS) are admins
// always; they grant roles to others in chat.
func (s *Service) EnableAdministration(store AdminStore, admins []int64) {
	s.adminStore = store
	s.admins = map[int64]bool{}
	for _, id := range admins {
		s.admins[id] = true
	}
}

// role is the sender's role: admin for the configured admins, else the one granted.
func (s *Service) role(ctx context.Context, chat int64) (string, error) {
	if s.admins[chat] {
		return string(RoleAdmin), nil
	}
	if s.adminStore == nil {
		return "", nil
	}
	return s.adminStore.Role(ctx, chat)
}

// allowed reports whether chat holds one of roles; an error reads as no.
func (s *Service) allowed(ctx context.Context, chat int64, roles ...Role) bool {
	r, err := s.role(ctx, chat)
	if err != nil {
		s.log.Warn("reading a role", "err", err)
		return false
	}
	for _, want := range roles {
		if Role(r) == want {
			return true
		}
	}
	return false
}

// audit records an administrative action in the audit log and the process log.
func (s *Service) audit(ctx context.Context, who int64, action, detail string) {
	s.log.Info("audit", "who", who, "action", action)
	if s.adminStore == nil {
		return
	}
	if err := s.adminStore.Audit(ctx, AuditEntry{At: time.Now(), Who: who, Action: action, Detail: detail}); err != nil {
		s.log.Error("writing the audit log", "err", err)
	}
}

// setRole handles /role <user id> admin|editor|none.
func (s *Service) setRole(ctx context.Context, chat int64, in Input, arg string) []Reply {
	lang := s.lang(ctx, chat, in)
	fields := strings.Fields(arg)
	if len(fields) != 2 {
		return []Reply{{Text: s.t(lang, msgRoleUsage, nil)}}
	}
	user, err := strconv.ParseInt(fields[0], 10, 64)
	role := strings.ToLower(fields[1])
	if err != nil || (role != string(RoleAdmin) && role != string(RoleEditor) && role != "none") {
		return []Reply{{Text: s.t(lang, msgRoleUsage, nil)}}
	}
	if s.admins[user] {
		return []Reply{{Text: s.t(lang, msgRoleFixed, map[string]any{"User": user})}}
	}
	if role == "none" {
		role = ""
	}
	if err := s.adminStore.SetRole(ctx, user, role); err != nil {
		return s.unavailable(chat, in, err)
	}
	if role == "" {
		s.audit(ctx, chat, "role.remove", strconv.FormatInt(user, 10))
		return []Reply{{Text: s.t(lang, msgRoleRemoved, map[string]any{"User": user})}}
	}
	s.audit(ctx, chat, "role.grant", fmt.Sprintf("%d %s", user, role))
	return []Reply{{Text: s.t(lang, msgRoleSet, map[string]any{"User": user, "Role": s.t(lang, MessageID("Role_"+role), nil)})}}
}

// listRoles handles /roles.
func (s *Service) listRoles(ctx context.Context, chat int64, in Input) []Reply {
	lang := s.lang(ctx, chat, in)
	granted, err := s.adminStore.Roles(ctx)
	if err != nil {
		return s.unavailable(chat, in, err)
	}
	var lines []string
	for id := range s.admins {
		lines = append(lines, fmt.Sprintf("%d — %s (ADMIN_IDS)", id, s.t(lang, MessageID("Role_"+string(RoleAdmin)), nil)))
	}
	for id, role := range granted {
		if !s.admins[id] {
			lines = append(lines, fmt.Sprintf("%d — %s", id, s.t(lang, MessageID("Role_"+role), nil)))
		}
	}
	sort.Strings(lines)
	return []Reply{{Text: s.t(lang, msgRolesTitle, nil) + "\n" + strings.Join(lines, "\n") + "\n\n" + s.t(lang, msgRoleUsage, nil)}}
}

// auditLog handles /audit [n].
func (s *Service) auditLog(ctx context.Context, chat int64, in Input, arg string) []Reply {
	lang := s.lang(ctx, chat, in)
	n, err := strconv.Atoi(strings.TrimSpace(arg))
	if err != nil || n <= 0 {
		n = auditShown
	}
	entries, err := s.adminStore.AuditLog(ctx, min(n, auditMax))
	if err != nil {
		return s.unavailable(chat, in, err)
	}
	if len(entries) == 0 {
		return []Reply{{Text: s.t(lang, msgAuditNone, nil)}}
	}
	lines := []string{s.t(lang, msgAuditTitle, map[string]any{"Count": len(entries)})}
	for _, e := range entries {
		line := fmt.Sprintf("%s · %d · %s", e.At.UTC().Format("02.01.2006 15:04"), e.Who, e.Action)
		if e.Detail != "" {
			line += " · " + e.Detail
		}
		lines = append(lines, line)
	}
	return []Reply{{Text: strings.Join(lines, "\n")}}
}
