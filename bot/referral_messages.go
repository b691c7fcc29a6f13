package bot

// Message ids of the referral and privacy strings in locales/active.*.toml.
const (
	msgInviteUsage        MessageID = "InviteUsage"
	msgInviteCreated      MessageID = "InviteCreated"
	msgPartnersNone       MessageID = "PartnersNone"
	msgPartnersTitle      MessageID = "PartnersTitle"
	msgPartnersRevokeHint MessageID = "PartnersRevokeHint"
	msgRevokeUsage        MessageID = "RevokeUsage"
	msgRevokeNotFound     MessageID = "RevokeNotFound"
	msgRevoked            MessageID = "Revoked"
	msgLinkNotValid       MessageID = "LinkNotValid"
	msgPartnerWelcome     MessageID = "PartnerWelcome"
	msgReferChoose        MessageID = "ReferChoose"
	msgReferNote          MessageID = "ReferNote"
	msgReferNoNote        MessageID = "ReferNoNote"
	msgReferNoteTooLong   MessageID = "ReferNoteTooLong"
	msgReferCreated       MessageID = "ReferCreated"
	msgReferRateLimited   MessageID = "ReferRateLimited"
	msgReferralsNone      MessageID = "ReferralsNone"
	msgReferralsTitle     MessageID = "ReferralsTitle"
	msgReferralMatched    MessageID = "ReferralMatched"
	msgReferralClose      MessageID = "ReferralClose"
	msgPagePrev           MessageID = "PagePrev"
	msgPageNext           MessageID = "PageNext"
	msgOutcomeAsk         MessageID = "OutcomeAsk"
	msgOutcomeSaved       MessageID = "OutcomeSaved"
	msgReferredBy         MessageID = "ReferredBy"
	msgReferredNote       MessageID = "ReferredNote"
	msgConsentAsk         MessageID = "ConsentAsk"
	msgConsentYes         MessageID = "ConsentYes"
	msgConsentNo          MessageID = "ConsentNo"
	msgConsentThanksYes   MessageID = "ConsentThanksYes"
	msgConsentThanksNo    MessageID = "ConsentThanksNo"
	msgNoticeOpened       MessageID = "NoticeOpened"
	msgNoticeCompleted    MessageID = "NoticeCompleted"
	msgNoticeWithdrew     MessageID = "NoticeWithdrew"
	msgForgetConfirm      MessageID = "ForgetConfirm"
	msgForgetYes          MessageID = "ForgetYes"
	msgForgetNo           MessageID = "ForgetNo"
	msgForgetCancelled    MessageID = "ForgetCancelled"
	msgForgotten          MessageID = "Forgotten"
	msgMyDataTitle        MessageID = "MyDataTitle"
	msgMyDataLang         MessageID = "MyDataLang"
	msgMyDataPlace        MessageID = "MyDataPlace"
	msgMyDataAnswers      MessageID = "MyDataAnswers"
	msgMyDataPartner      MessageID = "MyDataPartner"
	msgMyDataReferral     MessageID = "MyDataReferral"
	msgMyDataNothing      MessageID = "MyDataNothing"
	msgMyDataForget       MessageID = "MyDataForget"
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
		msgMyDataAnswers, msgMyDataPartner, msgMyDataReferral, msgMyDataNothing, msgMyDataForget)
	for _, st := range []string{StatusCreated, StatusOpened, StatusCompleted, StatusExpired, StatusClosed, StatusWithdrew} {
		MessageIDs = append(MessageIDs, MessageID("Status_"+st))
	}
	for _, o := range []string{OutcomeHelped, OutcomeNotHelped, OutcomeUnreachable} {
		MessageIDs = append(MessageIDs, MessageID("Outcome_"+o))
	}
}
