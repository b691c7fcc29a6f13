package bot

// Message ids of what /forget, /mydata and /stats say about unanswered searches.
const (
	msgMyDataMisses MessageID = "MyDataMisses"
)

func init() { MessageIDs = append(MessageIDs, msgMyDataMisses) }
