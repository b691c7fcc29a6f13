package safety

import "github.com/qamqor/qamqor/bot"

// Message ids of the safety feature's interface strings in locales/active.*.toml.
const (
	msgCommandSOS     bot.MessageID = "CommandSOS"
	msgSafetyBack     bot.MessageID = "SafetyBack"
	msgSafetyBackNote bot.MessageID = "SafetyBackNote"
	msgSafetyNumbers  bot.MessageID = "SafetyNumbers"

	// The core's, used here too.
	msgButtonMainMenu bot.MessageID = "ButtonMainMenu"
	msgSources        bot.MessageID = "Sources"
)

// MessageIDs lists the interface strings the safety feature uses, for the test that checks
// each is in both languages' files.
var MessageIDs = []bot.MessageID{msgCommandSOS, msgSafetyBack, msgSafetyBackNote, msgSafetyNumbers, msgButtonMainMenu, msgSources}
