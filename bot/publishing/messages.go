package publishing

import "github.com/qamqor/qamqor/bot"

// Message ids of publishing's interface strings in locales/active.*.toml.
const (
	msgContentBuiltIn      bot.MessageID = "ContentBuiltIn"
	msgContentCurrent      bot.MessageID = "ContentCurrent"
	msgContentRollbackHint bot.MessageID = "ContentRollbackHint"
	msgContentNoVersion    bot.MessageID = "ContentNoVersion"
	msgContentRolledBack   bot.MessageID = "ContentRolledBack"
	msgContentKept         bot.MessageID = "ContentKept"
	msgContentGone         bot.MessageID = "ContentGone"

	msgUploadTooBig           bot.MessageID = "UploadTooBig"
	msgUploadKind             bot.MessageID = "UploadKind"
	msgUploadNotZip           bot.MessageID = "UploadNotZip"
	msgUploadMore             bot.MessageID = "UploadMore"
	msgUploadProblems         bot.MessageID = "UploadProblems"
	msgUploadTestsFailed      bot.MessageID = "UploadTestsFailed"
	msgUploadReady            bot.MessageID = "UploadReady"
	msgUploadPublish          bot.MessageID = "UploadPublish"
	msgUploadDrop             bot.MessageID = "UploadDrop"
	msgUploadDropped          bot.MessageID = "UploadDropped"
	msgUploadAlreadyPublished bot.MessageID = "UploadAlreadyPublished"
	msgUploadPublished        bot.MessageID = "UploadPublished"
	msgUploadTooManyFiles     bot.MessageID = "UploadTooManyFiles"
	msgUploadFileTooBig       bot.MessageID = "UploadFileTooBig"
	msgUploadUnpackedTooBig   bot.MessageID = "UploadUnpackedTooBig"
	msgUploadSkipped          bot.MessageID = "UploadSkipped"
	msgChange                 bot.MessageID = "Change"
	msgChangeNone             bot.MessageID = "ChangeNone"

	// The core's, used here too.
	msgStaleButton bot.MessageID = "StaleButton"
)

// MessageIDs lists publishing's interface strings, for the test that checks each is in
// both languages' files.
var MessageIDs = []bot.MessageID{
	msgContentBuiltIn, msgContentCurrent, msgContentRollbackHint, msgContentNoVersion, msgContentRolledBack,
	msgContentKept, msgContentGone,
	msgUploadTooBig, msgUploadKind, msgUploadNotZip, msgUploadMore, msgUploadProblems, msgUploadTestsFailed,
	msgUploadReady, msgUploadPublish, msgUploadDrop, msgUploadDropped, msgUploadAlreadyPublished, msgUploadPublished,
	msgUploadTooManyFiles, msgUploadFileTooBig, msgUploadUnpackedTooBig, msgUploadSkipped, msgChange, msgChangeNone,
	msgStaleButton,
	msgCommandContent, msgCommandRollback,
}

// issue 16: the command menu of admins', editors' and partners' chats.
const (
	msgCommandContent  bot.MessageID = "CommandContent"
	msgCommandRollback bot.MessageID = "CommandRollback"
)
