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

// issue 18: partners — labels, personal data in free text, outcomes with history,
// organisations, reports.
const (
	msgReferLabelAsk     bot.MessageID = "ReferLabelAsk"
	msgReferNoLabel      bot.MessageID = "ReferNoLabel"
	msgReferNoLabelDone  bot.MessageID = "ReferNoLabelDone"
	msgLabelTooLong      bot.MessageID = "LabelTooLong"
	msgLabelPersonal     bot.MessageID = "LabelPersonal"
	msgLabelFullName     bot.MessageID = "LabelFullName"
	msgLabelSaved        bot.MessageID = "LabelSaved"
	msgLabelChange       bot.MessageID = "LabelChange"
	msgNotePersonal      bot.MessageID = "NotePersonal"
	msgCommentPersonal   bot.MessageID = "CommentPersonal"
	msgCommentTooLong    bot.MessageID = "CommentTooLong"
	msgOutcomeCommentAsk bot.MessageID = "OutcomeCommentAsk"
	msgOutcomeNoComment  bot.MessageID = "OutcomeNoComment"
	msgOutcomeBadDate    bot.MessageID = "OutcomeBadDate"
	msgOutcomeCorrected  bot.MessageID = "OutcomeCorrected"
	msgOutcomeChange     bot.MessageID = "OutcomeChange"
	msgViewHead          bot.MessageID = "ViewHead"
	msgViewLabel         bot.MessageID = "ViewLabel"
	msgViewStatus        bot.MessageID = "ViewStatus"
	msgViewOpened        bot.MessageID = "ViewOpened"
	msgViewCompleted     bot.MessageID = "ViewCompleted"
	msgViewHistory       bot.MessageID = "ViewHistory"
	msgViewHistoryLine   bot.MessageID = "ViewHistoryLine"
	msgViewByYou         bot.MessageID = "ViewByYou"
	msgViewByColleague   bot.MessageID = "ViewByColleague"
	msgViewByFormer      bot.MessageID = "ViewByFormer"
	msgRevokedNotice     bot.MessageID = "RevokedNotice"

	msgPersonalPhone bot.MessageID = "Personal_phone"
	msgPersonalEmail bot.MessageID = "Personal_email"
	msgPersonalIIN   bot.MessageID = "Personal_iin"
	msgPersonalName  bot.MessageID = "Personal_name"

	msgCommandReport       bot.MessageID = "CommandReport"
	msgReportUsage         bot.MessageID = "ReportUsage"
	msgReportTitle         bot.MessageID = "ReportTitle"
	msgReportPeriod        bot.MessageID = "ReportPeriod"
	msgReportFooter        bot.MessageID = "ReportFooter"
	msgReportSent          bot.MessageID = "ReportSent"
	msgReportReferrals     bot.MessageID = "ReportReferrals"
	msgReportMade          bot.MessageID = "ReportMade"
	msgReportOpened        bot.MessageID = "ReportOpened"
	msgReportCompleted     bot.MessageID = "ReportCompleted"
	msgReportClosed        bot.MessageID = "ReportClosed"
	msgReportConsultations bot.MessageID = "ReportConsultations"
	msgReportMedian        bot.MessageID = "ReportMedian"
	msgReportOutcomes      bot.MessageID = "ReportOutcomes"
	msgReportServices      bot.MessageID = "ReportServices"
	msgReportNoData        bot.MessageID = "ReportNoData"
	msgReportCount         bot.MessageID = "ReportCount"

	msgReportBarMade          bot.MessageID = "ReportBarMade"
	msgReportBarOpened        bot.MessageID = "ReportBarOpened"
	msgReportBarCompleted     bot.MessageID = "ReportBarCompleted"
	msgReportBarClosed        bot.MessageID = "ReportBarClosed"
	msgReportBarConsultations bot.MessageID = "ReportBarConsultations"
)

// personalMessage names each kind of personal data found in a partner's text.
var personalMessage = map[personal]bot.MessageID{
	personalPhone: msgPersonalPhone, personalEmail: msgPersonalEmail, personalIIN: msgPersonalIIN, personalName: msgPersonalName,
}

func init() {
	MessageIDs = append(MessageIDs,
		msgReferLabelAsk, msgReferNoLabel, msgReferNoLabelDone, msgLabelTooLong, msgLabelPersonal, msgLabelFullName,
		msgLabelSaved, msgLabelChange, msgNotePersonal, msgCommentPersonal, msgCommentTooLong, msgOutcomeCommentAsk,
		msgOutcomeNoComment, msgOutcomeBadDate, msgOutcomeCorrected, msgOutcomeChange, msgViewHead, msgViewLabel,
		msgViewStatus, msgViewOpened, msgViewCompleted, msgViewHistory, msgViewHistoryLine, msgViewByYou,
		msgViewByColleague, msgViewByFormer, msgRevokedNotice, msgPersonalPhone, msgPersonalEmail, msgPersonalIIN, msgPersonalName,
		msgCommandReport, msgReportUsage, msgReportTitle, msgReportPeriod, msgReportFooter, msgReportSent,
		msgReportReferrals, msgReportMade, msgReportOpened, msgReportCompleted, msgReportClosed,
		msgReportConsultations, msgReportMedian, msgReportOutcomes, msgReportServices, msgReportNoData, msgReportCount,
		msgReportBarMade, msgReportBarOpened, msgReportBarCompleted, msgReportBarClosed, msgReportBarConsultations)
}
