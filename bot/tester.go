package bot

import (
	"github.com/qamqor/qamqor/content"
)

// ScreenerTest is what the bot answers a screener's answers with, for the console's
// tester: the same settling, matching and texts as a person's run, without a session.
type ScreenerTest struct {
	// Asked are the questions the bot asks for these answers, in order; Next is the first
	// of them still unanswered (nil: the result is reached).
	Asked []*content.Question
	Next  *content.Question
	// Answers are the answers that count: those to questions no longer asked are dropped,
	// as the bot drops them.
	Answers map[string]string
	// Result and WhyNot are the texts the bot sends, in the language asked.
	Result, WhyNot string
	// NotMatched are the screener's services left out of the result, each with why.
	NotMatched []NotMatched
	// Failures are the rules that failed to run on these answers.
	Failures []content.RuleFailure
}

// NotMatched is a service a screener's result leaves out, and why: its eligible rule
// does not hold, or it is not offered in the region answered.
type NotMatched struct {
	Service     *content.Service
	Reason      string // what the bot's "why not" says, in the language asked
	OtherRegion bool   // eligible, but not offered in the region answered
}

// TestScreener runs screener id on answers (as a session stores them: "y"/"n", digits,
// option values, region ids) in lang; false when the content has no such screener.
func (e *Engine) TestScreener(lang content.Lang, id string, answers map[string]string) (ScreenerTest, bool) {
	sc, ok := e.content.Screener(id)
	if !ok {
		return ScreenerTest{}, false
	}
	settled, next := e.settle(sc, answers)
	t := ScreenerTest{Asked: e.asked(sc, settled), Next: next, Answers: settled}
	if next != nil {
		return t, true
	}
	s := Session{Lang: lang, Node: sc.Topic, Screener: sc.ID, Answers: settled, Step: stepResult}
	yes, no, failed := e.matched(s, sc)
	t.Failures = e.ruleFailures(s, sc, failed)
	t.Result = e.resultText(s, sc, yes, failed)
	t.WhyNot = e.whyNotText(s, sc, no, failed)
	region, _ := answersOf(sc, settled)[regionQuestion(sc)].(string)
	for _, sv := range no {
		n := NotMatched{Service: sv, Reason: sv.For.In(lang), OtherRegion: !inRegion(sv, region)}
		if n.OtherRegion {
			n.Reason = e.tr.T(lang, msgNotInRegion, nil)
		}
		t.NotMatched = append(t.NotMatched, n)
	}
	return t, true
}
