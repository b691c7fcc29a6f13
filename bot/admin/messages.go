package admin

import "github.com/qamqor/qamqor/bot"

// Message ids of the roles' and the audit log's interface strings in locales/active.*.toml.
const (
	msgRoleUsage   bot.MessageID = "RoleUsage"
	msgRoleFixed   bot.MessageID = "RoleFixed"
	msgRoleSet     bot.MessageID = "RoleSet"
	msgRoleRemoved bot.MessageID = "RoleRemoved"
	msgRolesTitle  bot.MessageID = "RolesTitle"
	msgAuditNone   bot.MessageID = "AuditNone"
	msgAuditTitle  bot.MessageID = "AuditTitle"
	msgRoleAdmin   bot.MessageID = "Role_admin"
	msgRoleEditor  bot.MessageID = "Role_editor"

	// issue 16: the command menu of admins' chats
	msgCommandRole  bot.MessageID = "CommandRole"
	msgCommandRoles bot.MessageID = "CommandRoles"
	msgCommandAudit bot.MessageID = "CommandAudit"

	// issue 16: roles by forwarded message or @username
	msgRoleWhom            bot.MessageID = "RoleWhom"
	msgRoleNone            bot.MessageID = "Role_none"
	msgRoleHiddenForward   bot.MessageID = "RoleHiddenForward"
	msgRoleNotAPerson      bot.MessageID = "RoleNotAPerson"
	msgRoleUnknownUsername bot.MessageID = "RoleUnknownUsername"
	msgMyDataUsername      bot.MessageID = "MyDataUsername"
	msgKeptDays            bot.MessageID = "KeptDays" // the core's
)

// roleNames are the names of the roles, in the person's language.
var roleNames = map[bot.Role]bot.MessageID{bot.RoleAdmin: msgRoleAdmin, bot.RoleEditor: msgRoleEditor}

// MessageIDs lists the interface strings of roles and the audit log, for the test that
// checks each is in both languages' files.
var MessageIDs = []bot.MessageID{
	msgRoleUsage, msgRoleFixed, msgRoleSet, msgRoleRemoved, msgRolesTitle, msgAuditNone, msgAuditTitle,
	msgRoleAdmin, msgRoleEditor,
	msgCommandRole, msgCommandRoles, msgCommandAudit,
	msgRoleWhom, msgRoleNone, msgRoleHiddenForward, msgRoleNotAPerson, msgRoleUnknownUsername, msgMyDataUsername, msgKeptDays,
}
