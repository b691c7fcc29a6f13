package bot

// Message id of a partner opening their own referral link.
const msgReferralOwnLink MessageID = "ReferralOwnLink"

func init() { MessageIDs = append(MessageIDs, msgReferralOwnLink) }
