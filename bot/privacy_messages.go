package bot

// Message ids of what /mydata says about unanswered searches.
const (
	msgMyDataMisses = "MyDataMisses"
)

func init() { MessageIDs = append(MessageIDs, msgMyDataMisses) }
