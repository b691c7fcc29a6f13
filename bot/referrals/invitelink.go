package referrals

// InvitePayload is the /start payload of an invitation's deep link, for the console,
// which invites partners as /invite does.
func InvitePayload(code string) string { return payloadInvite + code }
