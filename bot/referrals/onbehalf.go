package referrals

import (
	"context"
	"strings"
	"time"

	"github.com/qamqor/qamqor/bot"
)

// Screening on a client's behalf: a partner runs a screener in their own chat for a client
// who is with them, answering as the client tells them. The run is the engine's own
// screener in the partner's session, marked Session.ForClient; what differs from a
// client's own run is what is kept: the answers go the moment the result is shown (an
// Adjuster, inside the same compare-and-set, so they are never written with it), and
// with the screener when the partner leaves it halfway (the session's TTL at worst). No
// referral is made; what remains is one anonymous count for the organisation's report.

// dataScreen is the button data that starts screener <id> for a client: W:<id>.
const dataScreen = "W:"

// Consultations counts the screeners an organisation's partners ran on a client's behalf,
// by day in Kazakhstan (stats.Day): a number, nothing about the client. The Store may be
// one (store.Referrals is); the feature finds it by type assertion, and a report reads it.
type Consultations interface {
	RecordConsultation(ctx context.Context, org string, at time.Time) error
	Consultations(ctx context.Context, org string, from, to time.Time) (int, error)
}

// registerForClient claims /screen and its buttons, and the hooks of a run for a client.
func (f *Feature) registerForClient(r *bot.Router) {
	r.Command("screen", "", f.partnerOnly(func(t *bot.Turn, _ Partner) { f.screenMenu(t) }),
		bot.InMenu(msgCommandScreen), bot.ListedFor(bot.RolePartner))
	r.Button(dataScreen, "", f.partnerOnly(f.startForClient))
	r.Preempt(f.forClientText) // after safety's: words of danger are still answered first
	r.Adjust(dropClientAnswers)
	r.AfterStep(f.forClientResult)
}

// screenMenu offers the screeners to run for a client.
func (f *Feature) screenMenu(t *bot.Turn) {
	t.Change(func(s bot.Session) bot.Session { s.Flow = ""; return s })
	lang := t.Lang()
	scs := t.Engine.Content().Screeners()
	if len(scs) == 0 {
		say(t, t.T(msgScreenNone, nil))
		return
	}
	r := bot.Reply{Text: t.T(msgScreenChoose, nil)}
	for _, sc := range scs {
		r.Buttons = append(r.Buttons, []bot.Button{{Label: "✓ " + sc.Title.In(lang), Data: dataScreen + sc.ID}})
	}
	r.Buttons = append(r.Buttons, []bot.Button{{Label: t.T(msgButtonMainMenu, nil), Data: bot.DataMainMenu}})
	t.Say(r)
}

// startForClient opens a screener's first question in the partner's session, marked as a
// run for a client, saying first that the answers are not kept.
func (f *Feature) startForClient(t *bot.Turn, _ Partner) {
	id := strings.TrimPrefix(t.Data, dataScreen)
	if id == "" { // "another client": the choice again
		f.screenMenu(t)
		return
	}
	e := t.Engine
	sc, ok := e.Content().Screener(id)
	if !ok || t.Current().Lang == "" {
		t.Stale()
		return
	}
	t.Change(func(s bot.Session) bot.Session {
		next, _ := e.StartScreener(s, id)
		next.ForClient = true
		return next
	})
	lang := t.Lang()
	parts := []string{t.T(msgScreenStart, map[string]any{"Kept": e.Kept(lang, e.KeptDays())})}
	if intro := strings.TrimSpace(sc.Intro.In(lang)); intro != "" {
		parts = append(parts, intro)
	}
	t.Say(e.Here(t.Current(), strings.Join(parts, "\n\n")))
}

// forClientText takes typed text on the summary of a run for a client, where the engine
// would search it: what a partner types there may be about the client, and a search
// that finds nothing is kept for editors. On a question the engine reads typed text as
// the answer, as for anyone.
func (f *Feature) forClientText(t *bot.Turn) bool {
	s := t.Session
	if !s.ForClient || !s.OnSummary() || s.Lang == "" {
		return false
	}
	t.Say(t.Here(t.T(msgScreenButtonsOnly, nil)))
	return true
}

// dropClientAnswers forgets a run's answers for a client in the same write that shows its
// result. The screener and its step stay (the statistics count the run as completed, not
// as abandoned); its buttons that need the answers are not offered (forClientResult).
func dropClientAnswers(_, after bot.Session) bot.Session {
	if after.ForClient && after.ShowsResult() {
		after.Answers = nil
	}
	return after
}

// forClientResult gives the partner the result of a run for a client, with its checklist
// as a PDF, and counts the consultation for the partner's organisation.
func (f *Feature) forClientResult(t *bot.Turn, before, after bot.Session, replies []bot.Reply) {
	if !before.ForClient || !after.ForClient || before.Screener != after.Screener ||
		before.ShowsResult() || !after.ShowsResult() || len(replies) == 0 {
		return
	}
	e := t.Engine
	// The answers the result was made of, which the session no longer holds.
	shown := before
	shown.Step, shown.Done = after.Step, true
	result := replies[0]
	parts := []string{t.T(msgScreenDone, nil), result.Text}
	if c := e.ChecklistOf(shown); c != nil {
		result.Checklist = c
		parts = append(parts, t.T(msgScreenChecklistBelow, nil))
	}
	result.Text = strings.Join(parts, "\n\n")
	result.Buttons = forClientButtons(t, result.Buttons)
	all := t.Replies()
	for i := range all {
		if all[i].Text == replies[0].Text && all[i].To == 0 {
			all[i] = result
			break
		}
	}
	t.Instead(all...)
	f.countConsultation(t)
}

// forClientButtons keeps the result's links (sites to apply on, topics to open) and
// replaces what needs the answers (the checklist, "why not", changing them) with another
// run and the main menu.
func forClientButtons(t *bot.Turn, rows [][]bot.Button) [][]bot.Button {
	var out [][]bot.Button
	for _, row := range rows {
		var kept []bot.Button
		for _, b := range row {
			if b.URL != "" || strings.HasPrefix(b.Data, bot.OpenData("")) {
				kept = append(kept, b)
			}
		}
		if len(kept) > 0 {
			out = append(out, kept)
		}
	}
	return append(out,
		[]bot.Button{{Label: t.T(msgScreenAnother, nil), Data: dataScreen}},
		[]bot.Button{{Label: t.T(msgButtonMainMenu, nil), Data: bot.DataMainMenu}})
}

// countConsultation adds the run to the partner's organisation's consultations; a store
// that does not answer costs the count, not the result.
func (f *Feature) countConsultation(t *bot.Turn) {
	c, ok := f.store.(Consultations)
	if !ok {
		return
	}
	p, isPartner, err := f.store.Partner(t.Ctx, t.Chat)
	if err == nil && isPartner {
		err = c.RecordConsultation(t.Ctx, p.Org, t.Now)
	}
	if err != nil {
		t.Log().Warn("a consultation was not counted", "chat", t.Chat, "err", err)
	}
}

// issue 18: screening on a client's behalf.
const (
	msgCommandScreen        bot.MessageID = "CommandScreen"
	msgScreenChoose         bot.MessageID = "ScreenChoose"
	msgScreenNone           bot.MessageID = "ScreenNone"
	msgScreenStart          bot.MessageID = "ScreenStart"
	msgScreenButtonsOnly    bot.MessageID = "ScreenButtonsOnly"
	msgScreenDone           bot.MessageID = "ScreenDone"
	msgScreenChecklistBelow bot.MessageID = "ScreenChecklistBelow"
	msgScreenAnother        bot.MessageID = "ScreenAnother"

	// The core's, used here too.
	msgButtonMainMenu bot.MessageID = "ButtonMainMenu"
)

// ForClientMessageIDs lists the interface strings of screening on a client's behalf and of
// referral slips, for the test that checks each is in both languages' files.
var ForClientMessageIDs = []bot.MessageID{
	msgCommandScreen, msgScreenChoose, msgScreenNone, msgScreenStart, msgScreenButtonsOnly,
	msgScreenDone, msgScreenChecklistBelow, msgScreenAnother, msgButtonMainMenu,
	msgSlipButton, msgSlipButtonOf, msgSlipTitle, msgSlipFor, msgSlipValid, msgSlipScan, msgSlipNoTelegram, msgSlipSent, msgSlipGone,
}
