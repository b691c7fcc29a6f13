package bot

// Message ids of the privacy and administration strings in locales/active.*.toml.
const (
	msgForgetConfirm   MessageID = "ForgetConfirm"
	msgForgetYes       MessageID = "ForgetYes"
	msgForgetNo        MessageID = "ForgetNo"
	msgForgetCancelled MessageID = "ForgetCancelled"
	msgForgotten       MessageID = "Forgotten"
	msgMyDataTitle     MessageID = "MyDataTitle"
	msgMyDataLang      MessageID = "MyDataLang"
	msgMyDataPlace     MessageID = "MyDataPlace"
	msgMyDataAnswers   MessageID = "MyDataAnswers"
	msgMyDataNothing   MessageID = "MyDataNothing"
	msgMyDataForget    MessageID = "MyDataForget"

	msgRoleUsage   MessageID = "RoleUsage"
	msgRoleFixed   MessageID = "RoleFixed"
	msgRoleSet     MessageID = "RoleSet"
	msgRoleRemoved MessageID = "RoleRemoved"
	msgRolesTitle  MessageID = "RolesTitle"
	msgAuditNone   MessageID = "AuditNone"
	msgAuditTitle  MessageID = "AuditTitle"

	msgContentBuiltIn      MessageID = "ContentBuiltIn"
	msgContentCurrent      MessageID = "ContentCurrent"
	msgContentRollbackHint MessageID = "ContentRollbackHint"
	msgContentNoVersion    MessageID = "ContentNoVersion"
	msgContentRolledBack   MessageID = "ContentRolledBack"

	msgStatsTitle           MessageID = "StatsTitle"
	msgStatsStarted         MessageID = "StatsStarted"
	msgStatsCompleted       MessageID = "StatsCompleted"
	msgStatsDropped         MessageID = "StatsDropped"
	msgStatsMisses          MessageID = "StatsMisses"
	msgStatsTopScreens      MessageID = "StatsTopScreens"
	msgStatsTopMisses       MessageID = "StatsTopMisses"
	msgStatsReferrals       MessageID = "StatsReferrals"
	msgStatsSeriesStartedKK MessageID = "StatsSeriesStartedKK"
	msgStatsSeriesStartedRU MessageID = "StatsSeriesStartedRU"
	msgStatsSeriesCompleted MessageID = "StatsSeriesCompleted"
	msgStatsChartTitle      MessageID = "StatsChartTitle"

	msgUploadTooBig           MessageID = "UploadTooBig"
	msgUploadKind             MessageID = "UploadKind"
	msgUploadNotZip           MessageID = "UploadNotZip"
	msgUploadMore             MessageID = "UploadMore"
	msgUploadProblems         MessageID = "UploadProblems"
	msgUploadTestsFailed      MessageID = "UploadTestsFailed"
	msgUploadReady            MessageID = "UploadReady"
	msgUploadPublish          MessageID = "UploadPublish"
	msgUploadDrop             MessageID = "UploadDrop"
	msgUploadDropped          MessageID = "UploadDropped"
	msgUploadAlreadyPublished MessageID = "UploadAlreadyPublished"
	msgUploadPublished        MessageID = "UploadPublished"
	msgChange                 MessageID = "Change"
	msgChangeNone             MessageID = "ChangeNone"
)

// Limits of uploads and of the versions kept.
const (
	msgUploadTooManyFiles   MessageID = "UploadTooManyFiles"
	msgUploadFileTooBig     MessageID = "UploadFileTooBig"
	msgUploadUnpackedTooBig MessageID = "UploadUnpackedTooBig"
	msgUploadSkipped        MessageID = "UploadSkipped"
	msgContentKept          MessageID = "ContentKept"
	msgContentGone          MessageID = "ContentGone"
)

func init() {
	MessageIDs = append(MessageIDs,
		msgForgetConfirm, msgForgetYes,
		msgForgetNo, msgForgetCancelled, msgForgotten, msgMyDataTitle, msgMyDataLang, msgMyDataPlace,
		msgMyDataAnswers, msgMyDataNothing, msgMyDataForget,
		msgRoleUsage, msgRoleFixed, msgRoleSet, msgRoleRemoved, msgRolesTitle, msgAuditNone, msgAuditTitle,
		MessageID("Role_"+string(RoleAdmin)), MessageID("Role_"+string(RoleEditor)),
		msgContentBuiltIn, msgContentCurrent, msgContentRollbackHint, msgContentNoVersion, msgContentRolledBack,

		msgStatsTitle, msgStatsStarted, msgStatsCompleted, msgStatsDropped, msgStatsMisses, msgStatsTopScreens,
		msgStatsTopMisses, msgStatsReferrals, msgStatsSeriesStartedKK, msgStatsSeriesStartedRU,
		msgStatsSeriesCompleted, msgStatsChartTitle,
		msgUploadTooBig, msgUploadKind, msgUploadNotZip, msgUploadMore, msgUploadProblems, msgUploadTestsFailed,
		msgUploadReady, msgUploadPublish, msgUploadDrop, msgUploadDropped, msgUploadAlreadyPublished, msgUploadPublished, msgChange, msgChangeNone,
		msgUploadTooManyFiles, msgUploadFileTooBig, msgUploadUnpackedTooBig, msgUploadSkipped, msgContentKept, msgContentGone)
}
