package bot

// Message ids of subscriptions and broadcasts, in locales/active.*.toml.
const (
	msgNewsButton       MessageID = "NewsButton"
	msgNewsAbout        MessageID = "NewsAbout"
	msgNewsWholeCountry MessageID = "NewsWholeCountry"
	msgNewsAlready      MessageID = "NewsAlready"
	msgNewsChangeRegion MessageID = "NewsChangeRegion"
	msgNewsUnsubscribe  MessageID = "NewsUnsubscribe"
	msgNewsSubscribed   MessageID = "NewsSubscribed"
	msgNewsNone         MessageID = "NewsNone"
	msgNewsStopped      MessageID = "NewsStopped"
	msgNewsUnsubscribed MessageID = "NewsUnsubscribed"
	msgMyDataNews       MessageID = "MyDataNews"
	msgCommandStop      MessageID = "CommandStop"

	msgBroadcastWriteKK      MessageID = "BroadcastWriteKK"
	msgBroadcastWriteRU      MessageID = "BroadcastWriteRU"
	msgBroadcastCancel       MessageID = "BroadcastCancel"
	msgBroadcastCancelled    MessageID = "BroadcastCancelled"
	msgBroadcastTooLong      MessageID = "BroadcastTooLong"
	msgBroadcastStartAgain   MessageID = "BroadcastStartAgain"
	msgBroadcastChooseTopic  MessageID = "BroadcastChooseTopic"
	msgBroadcastEveryTopic   MessageID = "BroadcastEveryTopic"
	msgBroadcastChooseRegion MessageID = "BroadcastChooseRegion"
	msgBroadcastEveryRegion  MessageID = "BroadcastEveryRegion"
	msgBroadcastChooseLang   MessageID = "BroadcastChooseLang"
	msgBroadcastBothLangs    MessageID = "BroadcastBothLangs"
	msgBroadcastAudience     MessageID = "BroadcastAudience"
	msgBroadcastPreview      MessageID = "BroadcastPreview"
	msgBroadcastNobody       MessageID = "BroadcastNobody"
	msgBroadcastRetarget     MessageID = "BroadcastRetarget"
	msgBroadcastSend         MessageID = "BroadcastSend"
	msgBroadcastQueued       MessageID = "BroadcastQueued"
	msgBroadcastProgress     MessageID = "BroadcastProgress"
	msgBroadcastStatus       MessageID = "BroadcastStatus"
	msgBroadcastRunning      MessageID = "BroadcastRunning"
	msgBroadcastDone         MessageID = "BroadcastDone"
	msgBroadcastsNone        MessageID = "BroadcastsNone"
)

func init() {
	MessageIDs = append(MessageIDs,
		msgNewsButton, msgNewsAbout, msgNewsWholeCountry, msgNewsAlready, msgNewsChangeRegion, msgNewsUnsubscribe,
		msgNewsSubscribed, msgNewsNone, msgNewsStopped, msgNewsUnsubscribed, msgMyDataNews, msgCommandStop,
		msgBroadcastWriteKK, msgBroadcastWriteRU, msgBroadcastCancel, msgBroadcastCancelled, msgBroadcastTooLong,
		msgBroadcastStartAgain, msgBroadcastChooseTopic, msgBroadcastEveryTopic, msgBroadcastChooseRegion,
		msgBroadcastEveryRegion, msgBroadcastChooseLang, msgBroadcastBothLangs, msgBroadcastAudience,
		msgBroadcastPreview, msgBroadcastNobody, msgBroadcastRetarget, msgBroadcastSend, msgBroadcastQueued,
		msgBroadcastProgress, msgBroadcastStatus, msgBroadcastRunning, msgBroadcastDone, msgBroadcastsNone)
}
