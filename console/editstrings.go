package console

import "github.com/qamqor/qamqor/bot"

// editMessageIDs are the strings of the editing pages (drafts, forms, publishing, history,
// stale facts, questions without an answer); they join MessageIDs for the test that every
// string exists in both languages and none is unused.
var editMessageIDs = []bot.MessageID{
	"ConsoleMissesSynonyms", "ConsoleMissesAddSynonym",
	"ConsoleStaleAmountDate",
	"ConsoleArchive", "ConsoleArchiveDownload", "ConsoleArchiveUpload", "ConsoleArchiveUploadButton",
	"ConsoleBuiltIn", "ConsoleDraft", "ConsoleDraftAdded", "ConsoleDraftBecomes",
	"ConsoleDraftBehind", "ConsoleDraftChanges", "ConsoleDraftDrop", "ConsoleDraftFacts",
	"ConsoleDraftFrom", "ConsoleDraftNone", "ConsoleDraftNothing", "ConsoleDraftRemoved",
	"ConsoleDraftWas", "ConsoleEditAddress", "ConsoleEditAmountRule", "ConsoleEditDate",
	"ConsoleEditDocument", "ConsoleEditGone", "ConsoleEditKazakhLetters", "ConsoleEditKazakhSame",
	"ConsoleEditLimitNote", "ConsoleEditMessageLimit", "ConsoleEditName", "ConsoleEditNewDocument",
	"ConsoleEditNoPreview", "ConsoleEditPhone", "ConsoleEditPositive", "ConsoleEditProblems",
	"ConsoleEditRemove", "ConsoleEditRuleEmpty", "ConsoleEditSave", "ConsoleEditSaved",
	"ConsoleEditService", "ConsoleEditStale", "ConsoleEditSummary", "ConsoleEditTexts",
	"ConsoleEditThis", "ConsoleEditTooLong", "ConsoleEditURL", "ConsoleEditWeb", "ConsoleEditWhat",
	"ConsoleHistory", "ConsoleHistoryCurrent", "ConsoleHistoryInUse", "ConsoleHistoryNone",
	"ConsoleHistoryWhat", "ConsoleHistoryWhen", "ConsoleHistoryWho", "ConsoleMisses",
	"ConsoleMissesAdd", "ConsoleMissesAdded", "ConsoleMissesAlso", "ConsoleMissesAnswer",
	"ConsoleMissesAskers", "ConsoleMissesBefore", "ConsoleMissesIntro", "ConsoleMissesNone",
	"ConsoleMissesNow", "ConsoleMissesPartial", "ConsoleMissesScreen", "ConsoleProblemAt",
	"ConsoleProblemChecked", "ConsoleProblemYAML", "ConsolePublish", "ConsolePublishConfirm",
	"ConsolePublishTestsFailed", "ConsolePublished", "ConsoleRollback", "ConsoleRollbackBuiltIn",
	"ConsoleRollbackGone", "ConsoleRolledBack", "ConsoleStale", "ConsoleStaleButton",
	"ConsoleStaleDone", "ConsoleStaleIntro", "ConsoleStaleNone", "ConsoleStalePageDate",
	"ConsoleStaleURL", "ConsoleUnavailable", "ConsoleUploadKind", "ConsoleUploadNotZip",
	"ConsoleUploadRefused", "ConsoleUploadTooBig", "ConsoleUploadTooManyFiles",
}

func init() { MessageIDs = append(MessageIDs, editMessageIDs...) }
