package bot

// Message ids of /mydata and /forget in locales/active.*.toml (the privacy feature's,
// until it is registered).
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
)

func init() {
	MessageIDs = append(MessageIDs, msgForgetConfirm, msgForgetYes, msgForgetNo, msgForgetCancelled, msgForgotten,
		msgMyDataTitle, msgMyDataLang, msgMyDataPlace, msgMyDataAnswers, msgMyDataNothing, msgMyDataForget)
}
