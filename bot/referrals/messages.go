package referrals

import "github.com/qamqor/qamqor/bot"

// Message ids of the referrals' interface strings in locales/active.*.toml.
const (
	msgInviteUsage        bot.MessageID = "InviteUsage"
	msgInviteCreated      bot.MessageID = "InviteCreated"
	msgPartnersNone       bot.MessageID = "PartnersNone"
	msgPartnersTitle      bot.MessageID = "PartnersTitle"
	msgPartnersRevokeHint bot.MessageID = "PartnersRevokeHint"
	msgRevokeUsage        bot.MessageID = "RevokeUsage"
	msgRevokeNotFound     bot.MessageID = "RevokeNotFound"
	msgRevoked            bot.MessageID = "Revoked"
	msgLinkNotValid       bot.MessageID = "LinkNotValid"
	msgPartnerWelcome     bot.MessageID = "PartnerWelcome"
	msgReferChoose        bot.MessageID = "ReferChoose"
	msgReferNote          bot.MessageID = "ReferNote"
	msgReferNoNote        bot.MessageID = "ReferNoNote"
	msgReferNoteTooLong   bot.MessageID = "ReferNoteTooLong"
	msgReferCreated       bot.MessageID = "ReferCreated"
	msgReferRateLimited   bot.MessageID = "ReferRateLimited"
	msgReferralsNone      bot.MessageID = "ReferralsNone"
	msgReferralsTitle     bot.MessageID = "ReferralsTitle"
	msgReferralMatched    bot.MessageID = "ReferralMatched"
	msgReferralClose      bot.MessageID = "ReferralClose"
	msgReferralOwnLink    bot.MessageID = "ReferralOwnLink"
	msgPagePrev           bot.MessageID = "PagePrev"
	msgPageNext           bot.MessageID = "PageNext"
	msgOutcomeAsk         bot.MessageID = "OutcomeAsk"
	msgOutcomeSaved       bot.MessageID = "OutcomeSaved"
	msgReferredBy         bot.MessageID = "ReferredBy"
	msgReferredNote       bot.MessageID = "ReferredNote"
	msgConsentAsk         bot.MessageID = "ConsentAsk"
	msgConsentYes         bot.MessageID = "ConsentYes"
	msgConsentNo          bot.MessageID = "ConsentNo"
	msgConsentThanksYes   bot.MessageID = "ConsentThanksYes"
	msgConsentThanksNo    bot.MessageID = "ConsentThanksNo"
	msgNoticeOpened       bot.MessageID = "NoticeOpened"
	msgNoticeCompleted    bot.MessageID = "NoticeCompleted"
	msgNoticeWithdrew     bot.MessageID = "NoticeWithdrew"
	msgMyDataPartner      bot.MessageID = "MyDataPartner"
	msgMyDataReferral     bot.MessageID = "MyDataReferral"

	msgStatusCreated   bot.MessageID = "Status_created"
	msgStatusOpened    bot.MessageID = "Status_opened"
	msgStatusCompleted bot.MessageID = "Status_completed"
	msgStatusExpired   bot.MessageID = "Status_expired"
	msgStatusClosed    bot.MessageID = "Status_closed"
	msgStatusWithdrew  bot.MessageID = "Status_withdrew"

	msgOutcomeHelped      bot.MessageID = "Outcome_helped"
	msgOutcomeNotHelped   bot.MessageID = "Outcome_not_helped"
	msgOutcomeUnreachable bot.MessageID = "Outcome_unreachable"

	// The core's, used here too.
	msgYes bot.MessageID = "Yes"
	msgNo  bot.MessageID = "No"
)

// statusMessage names each status; StatusMessage gives it to others (statistics).
var statusMessage = map[Status]bot.MessageID{
	StatusCreated: msgStatusCreated, StatusOpened: msgStatusOpened, StatusCompleted: msgStatusCompleted,
	StatusExpired: msgStatusExpired, StatusClosed: msgStatusClosed, StatusWithdrew: msgStatusWithdrew,
}

// outcomeMessage names each outcome.
var outcomeMessage = map[Outcome]bot.MessageID{
	OutcomeHelped: msgOutcomeHelped, OutcomeNotHelped: msgOutcomeNotHelped, OutcomeUnreachable: msgOutcomeUnreachable,
}

// StatusMessage is the interface string that names a status (for /stats).
func StatusMessage(s Status) bot.MessageID { return statusMessage[s] }

// MessageIDs lists the interface strings the referrals use, for the test that checks each
// is in both languages' files.
var MessageIDs = []bot.MessageID{
	msgInviteUsage, msgInviteCreated, msgPartnersNone, msgPartnersTitle, msgPartnersRevokeHint,
	msgRevokeUsage, msgRevokeNotFound, msgRevoked, msgLinkNotValid, msgPartnerWelcome,
	msgReferChoose, msgReferNote, msgReferNoNote, msgReferNoteTooLong, msgReferCreated,
	msgReferRateLimited, msgReferralsNone, msgReferralsTitle, msgReferralMatched, msgReferralClose,
	msgReferralOwnLink, msgPagePrev, msgPageNext, msgOutcomeAsk, msgOutcomeSaved, msgReferredBy,
	msgReferredNote, msgConsentAsk, msgConsentYes, msgConsentNo, msgConsentThanksYes, msgConsentThanksNo,
	msgNoticeOpened, msgNoticeCompleted, msgNoticeWithdrew, msgMyDataPartner, msgMyDataReferral,
	msgStatusCreated, msgStatusOpened, msgStatusCompleted, msgStatusExpired, msgStatusClosed, msgStatusWithdrew,
	msgOutcomeHelped, msgOutcomeNotHelped, msgOutcomeUnreachable,
	msgYes, msgNo,
	msgCommandInvite, msgCommandPartners, msgCommandRevoke, msgCommandRefer, msgCommandReferrals,
	msgPrivacyReferral,
}

// issue 16: the command menu of admins', editors' and partners' chats.
const (
	msgCommandInvite    bot.MessageID = "CommandInvite"
	msgCommandPartners  bot.MessageID = "CommandPartners"
	msgCommandRevoke    bot.MessageID = "CommandRevoke"
	msgCommandRefer     bot.MessageID = "CommandRefer"
	msgCommandReferrals bot.MessageID = "CommandReferrals"
)

// issue 16: one story about privacy.
const (
	msgPrivacyReferral bot.MessageID = "PrivacyReferral"
)
