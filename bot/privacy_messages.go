package bot

// Message ids of what /forget, /mydata and /stats say about unanswered searches, and of a
// partner opening their own referral link.
const (
	msgReferralOwnLink MessageID = "ReferralOwnLink"
	msgMyDataMisses    MessageID = "MyDataMisses"
)

func init() { MessageIDs = append(MessageIDs, msgReferralOwnLink, msgMyDataMisses) }
