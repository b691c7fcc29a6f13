package stats

import "github.com/qamqor/qamqor/bot"

// Message ids of the statistics' interface strings in locales/active.*.toml.
const (
	msgStatsTitle           bot.MessageID = "StatsTitle"
	msgStatsStarted         bot.MessageID = "StatsStarted"
	msgStatsCompleted       bot.MessageID = "StatsCompleted"
	msgStatsDropped         bot.MessageID = "StatsDropped"
	msgStatsMisses          bot.MessageID = "StatsMisses"
	msgStatsTopScreens      bot.MessageID = "StatsTopScreens"
	msgStatsTopMisses       bot.MessageID = "StatsTopMisses"
	msgStatsReferrals       bot.MessageID = "StatsReferrals"
	msgStatsSeriesStartedKK bot.MessageID = "StatsSeriesStartedKK"
	msgStatsSeriesStartedRU bot.MessageID = "StatsSeriesStartedRU"
	msgStatsSeriesCompleted bot.MessageID = "StatsSeriesCompleted"
	msgStatsChartTitle      bot.MessageID = "StatsChartTitle"
	msgMyDataMisses         bot.MessageID = "MyDataMisses"
	msgStatsPartial         bot.MessageID = "StatsPartial"

	// The core's, used here too.
	msgKeptDays bot.MessageID = "KeptDays"

	// The referrals' names of their statuses, for the referrals counted.
	msgStatusCreated   bot.MessageID = "Status_created"
	msgStatusOpened    bot.MessageID = "Status_opened"
	msgStatusCompleted bot.MessageID = "Status_completed"
	msgStatusClosed    bot.MessageID = "Status_closed"
)

// MessageIDs lists the strings the statistics use, for the test that checks each is in
// both languages' files.
var MessageIDs = []bot.MessageID{
	msgStatsTitle, msgStatsStarted, msgStatsCompleted, msgStatsDropped, msgStatsMisses, msgStatsTopScreens,
	msgStatsTopMisses, msgStatsReferrals, msgStatsSeriesStartedKK, msgStatsSeriesStartedRU,
	msgStatsSeriesCompleted, msgStatsChartTitle, msgMyDataMisses, msgKeptDays,
	msgStatusCreated, msgStatusOpened, msgStatusCompleted, msgStatusClosed, msgStatsPartial,
	msgCommandStats,
}

// issue 16: the command menu of admins', editors' and partners' chats.
const (
	msgCommandStats bot.MessageID = "CommandStats"
)
