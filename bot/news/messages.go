package news

import "github.com/qamqor/qamqor/bot"

// Message ids of subscriptions and broadcasts, in locales/active.*.toml.
const (
	msgNewsButton       bot.MessageID = "NewsButton"
	msgNewsAbout        bot.MessageID = "NewsAbout"
	msgNewsWholeCountry bot.MessageID = "NewsWholeCountry"
	msgNewsAlready      bot.MessageID = "NewsAlready"
	msgNewsChangeRegion bot.MessageID = "NewsChangeRegion"
	msgNewsUnsubscribe  bot.MessageID = "NewsUnsubscribe"
	msgNewsSubscribed   bot.MessageID = "NewsSubscribed"
	msgNewsNone         bot.MessageID = "NewsNone"
	msgNewsStopped      bot.MessageID = "NewsStopped"
	msgNewsUnsubscribed bot.MessageID = "NewsUnsubscribed"
	msgMyDataNews       bot.MessageID = "MyDataNews"
	msgCommandStop      bot.MessageID = "CommandStop"

	msgBroadcastWriteKK      bot.MessageID = "BroadcastWriteKK"
	msgBroadcastWriteRU      bot.MessageID = "BroadcastWriteRU"
	msgBroadcastCancel       bot.MessageID = "BroadcastCancel"
	msgBroadcastCancelled    bot.MessageID = "BroadcastCancelled"
	msgBroadcastTooLong      bot.MessageID = "BroadcastTooLong"
	msgBroadcastStartAgain   bot.MessageID = "BroadcastStartAgain"
	msgBroadcastChooseTopic  bot.MessageID = "BroadcastChooseTopic"
	msgBroadcastEveryTopic   bot.MessageID = "BroadcastEveryTopic"
	msgBroadcastChooseRegion bot.MessageID = "BroadcastChooseRegion"
	msgBroadcastEveryRegion  bot.MessageID = "BroadcastEveryRegion"
	msgBroadcastChooseLang   bot.MessageID = "BroadcastChooseLang"
	msgBroadcastBothLangs    bot.MessageID = "BroadcastBothLangs"
	msgBroadcastAudience     bot.MessageID = "BroadcastAudience"
	msgBroadcastPreview      bot.MessageID = "BroadcastPreview"
	msgBroadcastNobody       bot.MessageID = "BroadcastNobody"
	msgBroadcastRetarget     bot.MessageID = "BroadcastRetarget"
	msgBroadcastSend         bot.MessageID = "BroadcastSend"
	msgBroadcastQueued       bot.MessageID = "BroadcastQueued"
	msgBroadcastRate         bot.MessageID = "BroadcastRate"
	msgBroadcastProgress     bot.MessageID = "BroadcastProgress"
	msgBroadcastStatus       bot.MessageID = "BroadcastStatus"
	msgBroadcastRunning      bot.MessageID = "BroadcastRunning"
	msgBroadcastDone         bot.MessageID = "BroadcastDone"
	msgBroadcastsNone        bot.MessageID = "BroadcastsNone"

	// The core's, used here too.
	msgButtonBack     bot.MessageID = "ButtonBack"
	msgButtonMainMenu bot.MessageID = "ButtonMainMenu"
	msgStaleButton    bot.MessageID = "StaleButton"
)

// MessageIDs lists the interface strings news uses, for the test that checks each is in
// both languages' files.
var MessageIDs = []bot.MessageID{
	msgNewsButton, msgNewsAbout, msgNewsWholeCountry, msgNewsAlready, msgNewsChangeRegion, msgNewsUnsubscribe,
	msgNewsSubscribed, msgNewsNone, msgNewsStopped, msgNewsUnsubscribed, msgMyDataNews, msgCommandStop,
	msgBroadcastWriteKK, msgBroadcastWriteRU, msgBroadcastCancel, msgBroadcastCancelled, msgBroadcastTooLong,
	msgBroadcastStartAgain, msgBroadcastChooseTopic, msgBroadcastEveryTopic, msgBroadcastChooseRegion,
	msgBroadcastEveryRegion, msgBroadcastChooseLang, msgBroadcastBothLangs, msgBroadcastAudience,
	msgBroadcastPreview, msgBroadcastNobody, msgBroadcastRetarget, msgBroadcastSend, msgBroadcastQueued, msgBroadcastRate,
	msgBroadcastProgress, msgBroadcastStatus, msgBroadcastRunning, msgBroadcastDone, msgBroadcastsNone,
	msgButtonBack, msgButtonMainMenu, msgStaleButton,
	msgCommandBroadcast, msgCommandBroadcasts,
}

// issue 16: the command menu of admins', editors' and partners' chats.
const (
	msgCommandBroadcast  bot.MessageID = "CommandBroadcast"
	msgCommandBroadcasts bot.MessageID = "CommandBroadcasts"
)
