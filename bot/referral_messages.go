package bot

// Message ids of the referral, privacy and administration strings in locales/active.*.toml.
const (
	msgInviteUsage        = "InviteUsage"
	msgInviteCreated      = "InviteCreated"
	msgPartnersNone       = "PartnersNone"
	msgPartnersTitle      = "PartnersTitle"
	msgPartnersRevokeHint = "PartnersRevokeHint"
	msgRevokeUsage        = "RevokeUsage"
	msgRevokeNotFound     = "RevokeNotFound"
	msgRevoked            = "Revoked"
	msgLinkNotValid       = "LinkNotValid"
	msgPartnerWelcome     = "PartnerWelcome"
	msgReferChoose        = "ReferChoose"
	msgReferNote          = "ReferNote"
	msgReferNoNote        = "ReferNoNote"
	msgReferNoteTooLong   = "ReferNoteTooLong"
	msgReferCreated       = "ReferCreated"
	msgReferRateLimited   = "ReferRateLimited"
	msgReferralsNone      = "ReferralsNone"
	msgReferralsTitle     = "ReferralsTitle"
	msgReferralMatched    = "ReferralMatched"
	msgReferralClose      = "ReferralClose"
	msgPagePrev           = "PagePrev"
	msgPageNext           = "PageNext"
	msgOutcomeAsk         = "OutcomeAsk"
	msgOutcomeSaved       = "OutcomeSaved"
	msgReferredBy         = "ReferredBy"
	msgReferredNote       = "ReferredNote"
	msgConsentAsk         = "ConsentAsk"
	msgConsentYes         = "ConsentYes"
	msgConsentNo          = "ConsentNo"
	msgConsentThanksYes   = "ConsentThanksYes"
	msgConsentThanksNo    = "ConsentThanksNo"
	msgNoticeOpened       = "NoticeOpened"
	msgNoticeCompleted    = "NoticeCompleted"
	msgNoticeWithdrew     = "NoticeWithdrew"
	msgForgetConfirm      = "ForgetConfirm"
	msgForgetYes          = "ForgetYes"
	msgForgetNo           = "ForgetNo"
	msgForgetCancelled    = "ForgetCancelled"
	msgForgotten          = "Forgotten"
	msgMyDataTitle        = "MyDataTitle"
	msgMyDataLang         = "MyDataLang"
	msgMyDataPlace        = "MyDataPlace"
	msgMyDataAnswers      = "MyDataAnswers"
	msgMyDataPartner      = "MyDataPartner"
	msgMyDataReferral     = "MyDataReferral"
	msgMyDataNothing      = "MyDataNothing"
	msgMyDataForget       = "MyDataForget"

	msgRoleUsage   = "RoleUsage"
	msgRoleFixed   = "RoleFixed"
	msgRoleSet     = "RoleSet"
	msgRoleRemoved = "RoleRemoved"
	msgRolesTitle  = "RolesTitle"
	msgAuditNone   = "AuditNone"
	msgAuditTitle  = "AuditTitle"

	msgContentBuiltIn      = "ContentBuiltIn"
	msgContentCurrent      = "ContentCurrent"
	msgContentRollbackHint = "ContentRollbackHint"
	msgContentNoVersion    = "ContentNoVersion"
	msgContentRolledBack   = "ContentRolledBack"

	msgAskSpecialist            = "AskSpecialist"
	msgAskWrite                 = "AskWrite"
	msgAskCancel                = "AskCancel"
	msgAskCancelled             = "AskCancelled"
	msgAskTooLong               = "AskTooLong"
	msgAskConsent               = "AskConsent"
	msgAskSend                  = "AskSend"
	msgAskSent                  = "AskSent"
	msgTicketForOperators       = "TicketForOperators"
	msgTicketGone               = "TicketGone"
	msgTicketAnswer             = "TicketAnswer"
	msgTicketClose              = "TicketClose"
	msgTicketDelivered          = "TicketDelivered"
	msgTicketClosed             = "TicketClosed"
	msgTicketClosedForOperators = "TicketClosedForOperators"
	msgTicketsNone              = "TicketsNone"
	msgTicketsTitle             = "TicketsTitle"
	msgMyDataTicket             = "MyDataTicket"

	msgStatsTitle           = "StatsTitle"
	msgStatsStarted         = "StatsStarted"
	msgStatsCompleted       = "StatsCompleted"
	msgStatsDropped         = "StatsDropped"
	msgStatsMisses          = "StatsMisses"
	msgStatsTopScreens      = "StatsTopScreens"
	msgStatsTopMisses       = "StatsTopMisses"
	msgStatsReferrals       = "StatsReferrals"
	msgStatsSeriesStartedKK = "StatsSeriesStartedKK"
	msgStatsSeriesStartedRU = "StatsSeriesStartedRU"
	msgStatsSeriesCompleted = "StatsSeriesCompleted"
	msgStatsChartTitle      = "StatsChartTitle"

	msgUploadTooBig           = "UploadTooBig"
	msgUploadKind             = "UploadKind"
	msgUploadNotZip           = "UploadNotZip"
	msgUploadMore             = "UploadMore"
	msgUploadProblems         = "UploadProblems"
	msgUploadTestsFailed      = "UploadTestsFailed"
	msgUploadReady            = "UploadReady"
	msgUploadPublish          = "UploadPublish"
	msgUploadDrop             = "UploadDrop"
	msgUploadDropped          = "UploadDropped"
	msgUploadAlreadyPublished = "UploadAlreadyPublished"
	msgUploadPublished        = "UploadPublished"
	msgChange                 = "Change"
	msgChangeNone             = "ChangeNone"
)

// Limits of uploads and of the versions kept.
const (
	msgUploadTooManyFiles   = "UploadTooManyFiles"
	msgUploadFileTooBig     = "UploadFileTooBig"
	msgUploadUnpackedTooBig = "UploadUnpackedTooBig"
	msgUploadSkipped        = "UploadSkipped"
	msgContentKept          = "ContentKept"
	msgContentGone          = "ContentGone"
)

func init() {
	MessageIDs = append(MessageIDs,
		msgInviteUsage, msgInviteCreated, msgPartnersNone, msgPartnersTitle, msgPartnersRevokeHint,
		msgRevokeUsage, msgRevokeNotFound, msgRevoked, msgLinkNotValid, msgPartnerWelcome,
		msgReferChoose, msgReferNote, msgReferNoNote, msgReferNoteTooLong, msgReferCreated,
		msgReferRateLimited, msgReferralsNone, msgReferralsTitle, msgReferralMatched, msgReferralClose,
		msgPagePrev, msgPageNext, msgOutcomeAsk, msgOutcomeSaved, msgReferredBy, msgReferredNote,
		msgConsentAsk, msgConsentYes, msgConsentNo, msgConsentThanksYes, msgConsentThanksNo,
		msgNoticeOpened, msgNoticeCompleted, msgNoticeWithdrew, msgForgetConfirm, msgForgetYes,
		msgForgetNo, msgForgetCancelled, msgForgotten, msgMyDataTitle, msgMyDataLang, msgMyDataPlace,
		msgMyDataAnswers, msgMyDataPartner, msgMyDataReferral, msgMyDataNothing, msgMyDataForget,
		msgRoleUsage, msgRoleFixed, msgRoleSet, msgRoleRemoved, msgRolesTitle, msgAuditNone, msgAuditTitle,
		"Role_"+RoleAdmin, "Role_"+RoleEditor,
		msgContentBuiltIn, msgContentCurrent, msgContentRollbackHint, msgContentNoVersion, msgContentRolledBack,
		msgAskSpecialist, msgAskWrite, msgAskCancel, msgAskCancelled, msgAskTooLong, msgAskConsent, msgAskSend,
		msgAskSent, msgTicketForOperators, msgTicketGone, msgTicketAnswer, msgTicketClose, msgTicketDelivered,
		msgTicketClosed, msgTicketClosedForOperators, msgTicketsNone, msgTicketsTitle, msgMyDataTicket,
		msgStatsTitle, msgStatsStarted, msgStatsCompleted, msgStatsDropped, msgStatsMisses, msgStatsTopScreens,
		msgStatsTopMisses, msgStatsReferrals, msgStatsSeriesStartedKK, msgStatsSeriesStartedRU,
		msgStatsSeriesCompleted, msgStatsChartTitle,
		msgUploadTooBig, msgUploadKind, msgUploadNotZip, msgUploadMore, msgUploadProblems, msgUploadTestsFailed,
		msgUploadReady, msgUploadPublish, msgUploadDrop, msgUploadDropped, msgUploadAlreadyPublished, msgUploadPublished, msgChange, msgChangeNone,
		msgUploadTooManyFiles, msgUploadFileTooBig, msgUploadUnpackedTooBig, msgUploadSkipped, msgContentKept, msgContentGone)
	for _, st := range []string{StatusCreated, StatusOpened, StatusCompleted, StatusExpired, StatusClosed, StatusWithdrew} {
		MessageIDs = append(MessageIDs, "Status_"+st)
	}
	for _, o := range []string{OutcomeHelped, OutcomeNotHelped, OutcomeUnreachable} {
		MessageIDs = append(MessageIDs, "Outcome_"+o)
	}
}
