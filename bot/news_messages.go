package bot

// Message ids of subscriptions and broadcasts, in locales/active.*.toml.
const (
	msgNewsButton       = "NewsButton"
	msgNewsAbout        = "NewsAbout"
	msgNewsWholeCountry = "NewsWholeCountry"
	msgNewsAlready      = "NewsAlready"
	msgNewsChangeRegion = "NewsChangeRegion"
	msgNewsUnsubscribe  = "NewsUnsubscribe"
	msgNewsSubscribed   = "NewsSubscribed"
	msgNewsNone         = "NewsNone"
	msgNewsStopped      = "NewsStopped"
	msgNewsUnsubscribed = "NewsUnsubscribed"
	msgMyDataNews       = "MyDataNews"
	msgCommandStop      = "CommandStop"

	msgBroadcastWriteKK      = "BroadcastWriteKK"
	msgBroadcastWriteRU      = "BroadcastWriteRU"
	msgBroadcastCancel       = "BroadcastCancel"
	msgBroadcastCancelled    = "BroadcastCancelled"
	msgBroadcastTooLong      = "BroadcastTooLong"
	msgBroadcastStartAgain   = "BroadcastStartAgain"
	msgBroadcastChooseTopic  = "BroadcastChooseTopic"
	msgBroadcastEveryTopic   = "BroadcastEveryTopic"
	msgBroadcastChooseRegion = "BroadcastChooseRegion"
	msgBroadcastEveryRegion  = "BroadcastEveryRegion"
	msgBroadcastChooseLang   = "BroadcastChooseLang"
	msgBroadcastBothLangs    = "BroadcastBothLangs"
	msgBroadcastAudience     = "BroadcastAudience"
	msgBroadcastPreview      = "BroadcastPreview"
	msgBroadcastNobody       = "BroadcastNobody"
	msgBroadcastRetarget     = "BroadcastRetarget"
	msgBroadcastSend         = "BroadcastSend"
	msgBroadcastQueued       = "BroadcastQueued"
	msgBroadcastProgress     = "BroadcastProgress"
	msgBroadcastStatus       = "BroadcastStatus"
	msgBroadcastRunning      = "BroadcastRunning"
	msgBroadcastDone         = "BroadcastDone"
	msgBroadcastsNone        = "BroadcastsNone"
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
