package privacy

import "github.com/qamqor/qamqor/bot"

// Message ids of the privacy feature's interface strings in locales/active.*.toml.
const (
	msgForgetConfirm   bot.MessageID = "ForgetConfirm"
	msgForgetYes       bot.MessageID = "ForgetYes"
	msgForgetNo        bot.MessageID = "ForgetNo"
	msgForgetCancelled bot.MessageID = "ForgetCancelled"
	msgForgotten       bot.MessageID = "Forgotten"
	msgMyDataTitle     bot.MessageID = "MyDataTitle"
	msgMyDataLang      bot.MessageID = "MyDataLang"
	msgMyDataPlace     bot.MessageID = "MyDataPlace"
	msgMyDataRegion    bot.MessageID = "MyDataRegion"
	msgMyDataAnswers   bot.MessageID = "MyDataAnswers"
	msgMyDataNothing   bot.MessageID = "MyDataNothing"
	msgCommandMyData   bot.MessageID = "CommandMyData"
	msgCommandForget   bot.MessageID = "CommandForget"
)

// MessageIDs lists the interface strings the feature uses.
var MessageIDs = []bot.MessageID{
	msgForgetConfirm, msgForgetYes, msgForgetNo, msgForgetCancelled, msgForgotten, msgMyDataTitle,
	msgMyDataLang, msgMyDataPlace, msgMyDataRegion, msgMyDataAnswers, msgMyDataNothing,
	msgCommandMyData, msgCommandForget,
}
