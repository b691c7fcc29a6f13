package bot

import "github.com/qamqor/qamqor/content"

// The engine's face for the referrals' printed pages and for screening on a client's
// behalf (Session.ForClient): checklists made from a session or from services alone.

// ChecklistOf is the checklist of the session's screener as its result stands (both
// languages, as "Save my checklist" gives it); nil when no screener is open, its answers
// are not complete, or nothing matched.
func (e *Engine) ChecklistOf(s Session) *Checklist {
	sc, ok := e.content.Screener(s.Screener)
	if !ok {
		return nil
	}
	if _, next := e.settle(sc, s.Answers); next != nil {
		return nil
	}
	if yes, _, _ := e.matched(s, sc); len(yes) == 0 {
		return nil
	}
	return e.checklistReply(s, sc).Checklist
}

// ChecklistItem is service sv as a checklist prints it in lang, with the offices of region
// (an id, or "" for none) and no amount (which depends on answers).
func (e *Engine) ChecklistItem(lang content.Lang, sv *content.Service, region string) ChecklistItem {
	return e.serviceCard(lang, sv, region, "").item(e, lang)
}

// ChecklistFooter is what every checklist says at its end, in lang: what to check before
// relying on it.
func (e *Engine) ChecklistFooter(lang content.Lang) string {
	return e.tr.T(lang, msgChecklistFooter, nil)
}

// ChecklistMade is a checklist's date line in lang ("Составлено 02.12.2026").
func (e *Engine) ChecklistMade(lang content.Lang) string {
	return e.tr.T(lang, msgChecklistMade, map[string]any{"Date": e.now().Format("02.01.2006")})
}

// OnSummary reports whether the session's screener shows the summary of its answers.
func (s Session) OnSummary() bool { return s.Screener != "" && s.Step == stepSummary }
