package stats

// The counters' names, for what reads them besides /stats (the console's charts). A
// screener's run left before its result is Dropped+<screener>+":"+<question id>, or
// <screener>+":sum" when it was left at the summary of answers.
const (
	StartedPrefix   = started   // StartedPrefix+<lang>
	CompletedPrefix = completed // CompletedPrefix+<screener>+":"+<lang>
	DroppedPrefix   = dropped   // DroppedPrefix+<screener>+":"+<step>
	MissedPrefix    = missed    // MissedPrefix+<lang>
	PartialPrefix   = partial   // PartialPrefix+<lang>
	ViewedPrefix    = viewed    // ViewedPrefix+<node>
	ReferralPrefix  = referral  // ReferralPrefix+<status>, counted by the referrals
	// MaxDays is the most days /stats sums; the console's charts span as many.
	MaxDays = maxDays
)
