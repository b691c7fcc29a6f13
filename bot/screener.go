package bot

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/qamqor/qamqor/content"
	"github.com/qamqor/qamqor/numwords"
)

// A screener's steps, kept in Session.Step.
const (
	stepQuestion = "q:" // q:<question id>: the question being asked
	stepSummary  = "sum"
	stepResult   = "res"
	stepWhyNot   = "why"
)

// Button data inside a screener.
const (
	dataStartScreener = "s:" // s:<screener id>
	dataAnswer        = "a:" // a:<value> answers the question being asked
	dataChange        = "e:" // e:<question id> asks it again
	dataResult        = "r"
	dataWhyNot        = "w"
	dataChecklist     = "p"
	dataSummary       = "u"
	dataScreenerBack  = "k" // one step back inside the screener
)

// answers decodes the session's answers into the values rules see.
func answersOf(sc *content.Screener, stored map[string]string) content.Answers {
	a := content.Answers{}
	for _, q := range sc.Questions {
		v, ok := stored[q.ID]
		if !ok {
			continue
		}
		switch q.Type {
		case content.YesNo:
			a[q.ID] = v == "y"
		case content.Number:
			n, _ := strconv.Atoi(v)
			a[q.ID] = n
		default:
			a[q.ID] = v
		}
	}
	return a
}

// applicable reports whether q is asked given the answers so far.
func (e *Engine) applicable(sc *content.Screener, q *content.Question, stored map[string]string) bool {
	ok, _ := e.content.Asked(sc, q, answersOf(sc, stored), e.now().Year())
	return ok
}

// settle drops answers to questions no longer asked (an earlier answer changed) and returns
// the first question still to ask, or nil when all are answered.
func (e *Engine) settle(sc *content.Screener, stored map[string]string) (map[string]string, *content.Question) {
	out := maps.Clone(stored)
	if out == nil {
		out = map[string]string{}
	}
	var next *content.Question
	for _, q := range sc.Questions {
		if !e.applicable(sc, q, out) {
			delete(out, q.ID)
			continue
		}
		if _, ok := out[q.ID]; !ok && next == nil {
			next = q
		}
	}
	return out, next
}

// reask moves a session on a question the content no longer asks (new content removed it
// or its condition) to the question that is next now, or the summary; any other session is
// returned as it is.
func (e *Engine) reask(s Session, sc *content.Screener) Session {
	id, onQuestion := strings.CutPrefix(s.Step, stepQuestion)
	if q, ok := sc.Question(id); !onQuestion || (ok && e.applicable(sc, q, s.Answers)) {
		return s
	}
	answers, next := e.settle(sc, s.Answers)
	s.Answers, s.Step = answers, stepSummary
	if next != nil {
		s.Step = stepQuestion + next.ID
	}
	return s
}

// asked returns the questions asked given the answers, in order.
func (e *Engine) asked(sc *content.Screener, stored map[string]string) []*content.Question {
	var qs []*content.Question
	for _, q := range sc.Questions {
		if e.applicable(sc, q, stored) {
			qs = append(qs, q)
		}
	}
	return qs
}

// screenerInput handles what a person does while a screener is open. It reports false when
// the input is not the screener's to handle (navigation elsewhere, commands).
func (e *Engine) screenerInput(s Session, in Input, text string) (Session, []Reply, bool) {
	sc, ok := e.content.Screener(s.Screener)
	if !ok {
		return s, nil, false
	}
	lang := s.Lang
	q := e.current(sc, s)
	switch {
	case in.Kind == InputButton && strings.HasPrefix(in.Data, dataAnswer):
		if q == nil {
			return s, []Reply{e.screenerScreen(s, e.tr.T(lang, msgStaleButton, nil))}, true
		}
		value := strings.TrimPrefix(in.Data, dataAnswer)
		if msg := e.checkAnswer(lang, q, value); msg != "" {
			return s, []Reply{e.screenerScreen(s, msg)}, true
		}
		return e.answered(s, sc, q, value)
	case in.Kind == InputText && q != nil && !strings.HasPrefix(text, "/"):
		value, msg := e.typedAnswer(lang, q, text)
		if msg != "" {
			return s, []Reply{e.screenerScreen(s, msg)}, true
		}
		return e.answered(s, sc, q, value)
	case in.Kind != InputButton:
		return s, nil, false
	}
	switch data := in.Data; {
	case strings.HasPrefix(data, dataChange):
		id := strings.TrimPrefix(data, dataChange)
		if cq, ok := sc.Question(id); ok && e.applicable(sc, cq, s.Answers) {
			s.Step = stepQuestion + id
			return s, []Reply{e.screenerScreen(s, "")}, true
		}
		return s, []Reply{e.screenerScreen(s, e.tr.T(lang, msgStaleButton, nil))}, true
	case data == dataResult || data == dataWhyNot || data == dataSummary || data == dataChecklist:
		if _, next := e.settle(sc, s.Answers); next != nil {
			return s, []Reply{e.screenerScreen(s, e.tr.T(lang, msgStaleButton, nil))}, true
		}
		switch data {
		case dataResult:
			s.Step, s.Done = stepResult, true
		case dataWhyNot:
			s.Step, s.Done = stepWhyNot, true
		case dataSummary:
			s.Step = stepSummary
		case dataChecklist:
			if yes, _, _ := e.matched(s, sc); len(yes) == 0 {
				// An older result's button, from before the answers changed.
				return s, []Reply{e.screenerScreen(s, e.tr.T(lang, msgStaleButton, nil))}, true
			}
			return s, []Reply{e.checklistReply(s, sc)}, true
		}
		return s, []Reply{e.screenerScreen(s, "")}, true
	case data == dataScreenerBack:
		s = e.screenerBack(s, sc)
		return s, []Reply{e.here(s, "")}, true
	}
	return s, nil, false
}

// totalKnown reports whether the number of questions asked can no longer change while the
// person answers on from q: no question after q has a `when` that reads q's answer or a
// later one. A `when` sees only the questions before it, and those before q are answered
// (or not asked) for good until the person goes back, so only these can bring a question
// in or take one out. Until then the screen says "question 3", not "3 of 4" and then
// "4 of 5".
func totalKnown(sc *content.Screener, q *content.Question) bool {
	i := slices.Index(sc.Questions, q)
	if i < 0 {
		return false
	}
	open := map[string]bool{} // q and the questions after it: answers still to come
	for _, later := range sc.Questions[i:] {
		open[later.ID] = true
	}
	for _, later := range sc.Questions[i+1:] {
		for _, name := range later.When.Names() {
			if open[name] {
				return false
			}
		}
	}
	return true
}

// current returns the question being asked, if the step is a question.
func (e *Engine) current(sc *content.Screener, s Session) *content.Question {
	id, ok := strings.CutPrefix(s.Step, stepQuestion)
	if !ok {
		return nil
	}
	q, _ := sc.Question(id)
	return q
}

// answered records an answer and moves on: to the next question still to ask, or to the
// summary. A changed answer thus re-asks only questions it brings in.
func (e *Engine) answered(s Session, sc *content.Screener, q *content.Question, value string) (Session, []Reply, bool) {
	stored := maps.Clone(s.Answers)
	if stored == nil {
		stored = map[string]string{}
	}
	stored[q.ID] = value
	stored, next := e.settle(sc, stored)
	s.Answers = stored
	if next != nil {
		s.Step = stepQuestion + next.ID
	} else {
		s.Step = stepSummary
	}
	return s, []Reply{e.screenerScreen(s, "")}, true
}

// screenerBack is one step back: from a question to the one asked before it (or out of
// the screener from the first), from the summary to the last question, from the result
// or the "why not" list to the summary.
func (e *Engine) screenerBack(s Session, sc *content.Screener) Session {
	switch s.Step {
	case stepResult, stepWhyNot:
		s.Step = stepSummary
		return s
	}
	asked := e.asked(sc, s.Answers)
	if s.Step == stepSummary {
		if len(asked) > 0 {
			s.Step = stepQuestion + asked[len(asked)-1].ID
		}
		return s
	}
	cur := e.current(sc, s)
	prev := -1
	for i, q := range asked {
		if q == cur {
			prev = i - 1
		}
	}
	if prev < 0 {
		return s.leaveScreener()
	}
	s.Step = stepQuestion + asked[prev].ID
	return s
}

// leaveScreener forgets the screener and its answers: they are kept only while in use.
func (s Session) leaveScreener() Session {
	s.Screener, s.Step, s.Answers, s.Done, s.Asked, s.ForClient = "", "", nil, false, 0, false
	return s
}

// startScreener opens a screener at its first question.
func (e *Engine) startScreener(s Session, id string) (Session, []Reply) {
	sc, ok := e.content.Screener(id)
	if !ok {
		return s, []Reply{e.screen(s, e.tr.T(s.Lang, msgStaleButton, nil))}
	}
	if s.node() != sc.Topic {
		s = s.open(sc.Topic)
	}
	s.Screener, s.Answers, s.Done = id, map[string]string{}, false
	s.ForClient = false // a run the engine starts is the person's own
	_, first := e.settle(sc, s.Answers)
	s.Step = stepQuestion + first.ID
	// What happens to the answers, said under every screener's own intro, from the same
	// TTL as /help's.
	answers := e.tr.T(s.Lang, msgPrivacyAnswers, map[string]any{"Kept": e.Kept(s.Lang, e.keptDays)})
	return s, []Reply{e.screenerScreen(s, strings.TrimSpace(sc.Intro.In(s.Lang))+"\n\n"+answers)}
}

// checkAnswer says what is wrong with a pressed answer, or "" when it fits the question.
func (e *Engine) checkAnswer(lang content.Lang, q *content.Question, value string) string {
	switch q.Type {
	case content.Choice:
		if _, ok := q.Option(value); ok {
			return ""
		}
	case content.YesNo:
		if value == "y" || value == "n" {
			return ""
		}
	case content.Region:
		if _, ok := e.content.RegionName(value, lang); ok {
			return ""
		}
	}
	return e.tr.T(lang, msgStaleButton, nil)
}

// typedAnswer reads a typed answer: a number for number questions, in digits or words and
// with words around it («9 лет», «тридцать шесть», «қырық бес жаста»); for the others, the
// text of one of the buttons, as people on a keyboard sometimes do.
func (e *Engine) typedAnswer(lang content.Lang, q *content.Question, text string) (string, string) {
	if q.Type == content.Number {
		n, got := numwords.Read(text, string(lang))
		data := map[string]any{"Min": q.Min, "Max": q.Max, "Value": echo(strings.TrimSpace(text), maxQueryEcho), "Example": (q.Min + q.Max) / 3}
		switch {
		case got == numwords.None:
			return "", e.tr.T(lang, msgNotANumber, data)
		case got == numwords.Several:
			return "", e.tr.T(lang, msgSeveralNumbers, data)
		case n < q.Min || n > q.Max:
			data["Value"] = n
			return "", e.tr.T(lang, msgOutOfRange, data)
		}
		return strconv.Itoa(n), ""
	}
	for _, b := range e.answerButtons(lang, q) {
		if strings.EqualFold(strings.TrimSpace(text), b.Label) {
			return strings.TrimPrefix(b.Data, dataAnswer), ""
		}
	}
	return "", e.tr.T(lang, msgUseButtons, nil)
}

// answerButtons are a question's answers as buttons.
func (e *Engine) answerButtons(lang content.Lang, q *content.Question) []Button {
	var bs []Button
	switch q.Type {
	case content.Choice:
		for _, o := range q.Options {
			bs = append(bs, Button{Label: o.Label.In(lang), Data: dataAnswer + o.Value})
		}
	case content.YesNo:
		bs = []Button{
			{Label: e.tr.T(lang, msgYes, nil), Data: dataAnswer + "y"},
			{Label: e.tr.T(lang, msgNo, nil), Data: dataAnswer + "n"},
		}
	case content.Region:
		for _, r := range e.content.Regions() {
			bs = append(bs, Button{Label: r.Name.In(lang), Data: dataAnswer + r.ID})
		}
	}
	return bs
}

// answerText is an answer as the summary shows it.
func (e *Engine) answerText(lang content.Lang, q *content.Question, value string) string {
	switch q.Type {
	case content.Choice:
		o, _ := q.Option(value)
		return o.Label.In(lang)
	case content.YesNo:
		if value == "y" {
			return e.tr.T(lang, msgYes, nil)
		}
		return e.tr.T(lang, msgNo, nil)
	case content.Region:
		name, _ := e.content.RegionName(value, lang)
		return name
	}
	return value
}

// screenerScreen shows the screener's current step, with note (if any) above it.
func (e *Engine) screenerScreen(s Session, note string) Reply {
	sc, _ := e.content.Screener(s.Screener)
	lang := s.Lang
	var r Reply
	parts := []string{}
	if note != "" {
		parts = append(parts, note)
	}
	nav := []Button{
		{Label: e.tr.T(lang, msgButtonBack, nil), Data: dataScreenerBack},
		{Label: e.tr.T(lang, msgButtonMainMenu, nil), Data: dataMainMenu},
	}
	var yes, no []*content.Service
	var failed []content.RuleFailure // the services' rules that failed, on the result
	switch {
	case e.current(sc, s) != nil:
		q := e.current(sc, s)
		asked := e.asked(sc, s.Answers)
		n := len(asked)
		for i, a := range asked {
			if a == q {
				n = i + 1
			}
		}
		counter := e.tr.T(lang, msgQuestionN, map[string]any{"N": n})
		if totalKnown(sc, q) {
			counter = e.tr.T(lang, msgQuestionOf, map[string]any{"N": n, "Total": len(asked)})
		}
		parts = append(parts, sc.Title.In(lang), counter, q.Text.In(lang))
		if q.Type == content.Number {
			parts = append(parts, e.tr.T(lang, msgTypeNumber, map[string]any{"Min": q.Min, "Max": q.Max}))
			r.TypedAnswer = true
		}
		bs := e.answerButtons(lang, q)
		perRow := 1
		if q.Type == content.Region || q.Type == content.YesNo {
			perRow = 2
		}
		for i := 0; i < len(bs); i += perRow {
			r.Buttons = append(r.Buttons, bs[i:min(i+perRow, len(bs))])
		}
	case s.Step == stepSummary:
		lines := []string{e.tr.T(lang, msgSummaryTitle, nil)}
		for _, q := range e.asked(sc, s.Answers) {
			lines = append(lines, "• "+q.Short.In(lang)+": "+e.answerText(lang, q, s.Answers[q.ID]))
			r.Buttons = append(r.Buttons, []Button{{Label: e.tr.T(lang, msgChangeAnswer, map[string]any{"Question": q.Short.In(lang)}), Data: dataChange + q.ID}})
		}
		parts = append(parts, sc.Title.In(lang), strings.Join(lines, "\n"))
		r.Buttons = append([][]Button{{{Label: e.tr.T(lang, msgShowResult, nil), Data: dataResult}}}, r.Buttons...)
	case s.Step == stepResult:
		yes, _, failed = e.matched(s, sc)
		cards := e.cardsFor(s, sc, yes)
		parts = append(parts, e.resultOf(s, sc, cards, failed))
		if len(yes) > 0 { // a checklist of nothing would be an empty page to print
			r.Buttons = [][]Button{{{Label: e.tr.T(lang, msgSaveChecklist, nil), Data: dataChecklist}}}
		}
		r.Buttons = append(r.Buttons,
			[]Button{{Label: e.tr.T(lang, msgWhyNotButton, nil), Data: dataWhyNot}},
			[]Button{{Label: e.tr.T(lang, msgChangeAnswers, nil), Data: dataSummary}},
		)
		r.Buttons = append(r.Buttons, resultLinks(cards)...)
		if len(cards) == 0 { // nothing matched: never a dead end
			r.Buttons = append(r.Buttons, e.nodeButtons(e.content.Main(), lang)...)
		}
	case s.Step == stepWhyNot:
		_, no, failed = e.matched(s, sc)
		parts = append(parts, e.whyNotText(s, sc, no, failed))
		r.Buttons = [][]Button{{{Label: e.tr.T(lang, msgShowResult, nil), Data: dataResult}}}
	}
	r.Text = strings.Join(parts, "\n\n")
	r.Buttons = append(r.Buttons, nav)
	r.RuleFailures = e.ruleFailures(s, sc, failed)
	return r
}

// ruleFailures are the rules of the screener that fail on the session's answers: the
// questions' `when`s, then the services' rules that failed (matched's, once the result is
// shown). The Service logs and counts them.
func (e *Engine) ruleFailures(s Session, sc *content.Screener, services []content.RuleFailure) []content.RuleFailure {
	var out []content.RuleFailure
	answers := answersOf(sc, s.Answers)
	for _, q := range sc.Questions {
		if _, f := e.content.Asked(sc, q, answers, e.now().Year()); f != nil {
			out = append(out, *f)
		}
	}
	return append(out, services...)
}

// matched splits the screener's services into those that match the answers, those that
// do not, with the region taken into account, and the rules that failed to run: a service
// whose eligible or amount rule fails is neither matched nor not, and the person is told
// it could not be checked.
func (e *Engine) matched(s Session, sc *content.Screener) (yes, no []*content.Service, failed []content.RuleFailure) {
	answers := answersOf(sc, s.Answers)
	region, _ := answers[regionQuestion(sc)].(string)
	year := e.now().Year()
	match := map[string]bool{}
	ok, failed := e.content.Match(sc, answers, year)
	for _, sv := range ok {
		match[sv.ID] = inRegion(sv, region)
		if !match[sv.ID] {
			continue
		}
		if _, f := e.content.Amount(sc, sv, answers, year); f != nil {
			failed = append(failed, *f)
		}
	}
	broken := map[string]bool{}
	for _, f := range failed {
		broken[f.Service] = true
	}
	for _, id := range sc.Services {
		sv, _ := e.content.Service(id)
		switch {
		case broken[id]:
		case match[id]:
			yes = append(yes, sv)
		default:
			no = append(no, sv)
		}
	}
	return yes, no, failed
}

// uncheckedNote tells the person which services could not be checked, or "" when all were.
func (e *Engine) uncheckedNote(lang content.Lang, failed []content.RuleFailure) string {
	var names []string
	for _, f := range failed {
		if sv, ok := e.content.Service(f.Service); ok && !slices.Contains(names, sv.Name.In(lang)) {
			names = append(names, sv.Name.In(lang))
		}
	}
	if len(names) == 0 {
		return ""
	}
	return e.tr.T(lang, msgResultUnchecked, map[string]any{"Services": strings.Join(names, "; ")})
}

// regionQuestion returns the id of the screener's region question, if any.
func regionQuestion(sc *content.Screener) string {
	for _, q := range sc.Questions {
		if q.Type == content.Region {
			return q.ID
		}
	}
	return ""
}

func inRegion(sv *content.Service, region string) bool {
	if len(sv.Regions) == 0 || region == "" {
		return true
	}
	for _, r := range sv.Regions {
		if r == region {
			return true
		}
	}
	return false
}

// cardFor is a matched service's card, for the region the screener asked (or, when it
// asked none, the one the person chose).
func (e *Engine) cardFor(lang content.Lang, sc *content.Screener, sv *content.Service, s Session) card {
	region, _ := answersOf(sc, s.Answers)[regionQuestion(sc)].(string)
	if region == "" {
		region = s.Region
	}
	return e.serviceCard(lang, sv, region, e.amount(lang, sc, sv, s))
}

// amount writes out a service's amount with the year it applies to.
func (e *Engine) amount(lang content.Lang, sc *content.Screener, sv *content.Service, s Session) string {
	if sv.Amount == nil {
		return ""
	}
	year := e.now().Year()
	v, failed := e.content.Amount(sc, sv, answersOf(sc, s.Answers), year)
	if failed != nil || v <= 0 {
		return ""
	}
	applies := sv.AmountYear
	if applies == 0 {
		applies = e.content.Reference().Year(year)
	}
	text := tenge(v)
	if p := e.content.Expand(sv.AmountPeriod.In(lang), year, ""); p != "" {
		text += " " + p
	}
	text += fmt.Sprintf(" (%d)", applies)
	if sv.AmountUnverified {
		text = e.tr.T(lang, msgUnverified, nil) + " " + text
	}
	return text
}

// tenge writes an amount as people read it: 43 250 ₸.
func tenge(v float64) string { return content.Tenge(v) }

func (e *Engine) resultText(s Session, sc *content.Screener, yes []*content.Service, failed []content.RuleFailure) string {
	return e.resultOf(s, sc, e.cardsFor(s, sc, yes), failed)
}

// cardsFor are the matched services' cards, in the session's language, written once for
// the result's text and its buttons.
func (e *Engine) cardsFor(s Session, sc *content.Screener, yes []*content.Service) []card {
	cards := make([]card, len(yes))
	for i, sv := range yes {
		cards[i] = e.cardFor(s.Lang, sc, sv, s)
	}
	return cards
}

// resultOf is the result's text from its cards.
func (e *Engine) resultOf(s Session, sc *content.Screener, cards []card, failed []content.RuleFailure) string {
	lang := s.Lang
	unchecked := e.uncheckedNote(lang, failed)
	if len(cards) == 0 {
		text := sc.Title.In(lang) + "\n\n" + e.tr.T(lang, msgResultNone, nil)
		if unchecked != "" {
			text += "\n\n" + unchecked
		}
		return text + "\n\n" + e.tr.T(lang, msgNothingFoundHelp, nil) // then the topics, as buttons
	}
	blocks := []string{sc.Title.In(lang), e.tr.T(lang, msgResultIntro, nil)}
	for i, k := range cards {
		blocks = append(blocks, k.text(e, lang, fmt.Sprintf("%d. ", i+1)))
	}
	if unchecked != "" {
		blocks = append(blocks, unchecked)
	}
	return strings.Join(blocks, "\n\n")
}

// resultLinks are URL buttons to apply online for the matched services, one each (the
// first page its card offers), at most maxURLButtons, each named after its service.
func resultLinks(cards []card) [][]Button {
	var rows [][]Button
	for i, k := range cards {
		if len(k.links) == 0 || len(rows) == maxURLButtons || slices.ContainsFunc(rows, func(r []Button) bool { return r[0].URL == k.links[0].URL }) {
			continue
		}
		rows = append(rows, []Button{{Label: fmt.Sprintf("%d. %s", i+1, firstLetters(k.name, 30)) + " — " + siteOf(k.links[0].URL), URL: k.links[0].URL}})
	}
	return rows
}

// firstLetters shortens s to at most n letters, with an ellipsis when cut.
func firstLetters(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return strings.TrimSpace(string(r[:n-1])) + "…"
}

func (e *Engine) whyNotText(s Session, sc *content.Screener, no []*content.Service, failed []content.RuleFailure) string {
	lang := s.Lang
	note := e.uncheckedNote(lang, failed)
	lines := []string{e.tr.T(lang, msgWhyNotTitle, nil)}
	if len(no) == 0 && note == "" {
		lines = append(lines, e.tr.T(lang, msgWhyNotNone, nil))
	}
	region := answersOf(sc, s.Answers)[regionQuestion(sc)]
	for _, sv := range no {
		reason := sv.For.In(lang)
		if r, _ := region.(string); !inRegion(sv, r) {
			reason = e.tr.T(lang, msgNotInRegion, nil)
		}
		lines = append(lines, "• "+sv.Name.In(lang)+" — "+reason)
	}
	if note != "" {
		lines = append(lines, "", note)
	}
	return sc.Title.In(lang) + "\n\n" + strings.Join(lines, "\n")
}

// checklistReply offers the result as a document, in both languages.
func (e *Engine) checklistReply(s Session, sc *content.Screener) Reply {
	yes, _, _ := e.matched(s, sc)
	c := &Checklist{Subject: sc.ID, Made: e.now()}
	for _, lang := range content.Langs {
		sec := ChecklistSection{
			Lang:   lang,
			Title:  sc.Title.In(lang),
			Made:   e.tr.T(lang, msgChecklistMade, map[string]any{"Date": e.now().Format("02.01.2006")}),
			Footer: e.tr.T(lang, msgChecklistFooter, nil),
		}
		for _, q := range e.asked(sc, s.Answers) {
			sec.Answers = append(sec.Answers, q.Short.In(lang)+": "+e.answerText(lang, q, s.Answers[q.ID]))
		}
		for _, sv := range yes {
			sec.Items = append(sec.Items, e.cardFor(lang, sc, sv, s).item(e, lang))
		}
		c.Sections = append(c.Sections, sec)
	}
	r := e.screenerScreen(s, e.tr.T(s.Lang, msgChecklistSent, nil))
	r.Checklist = c
	return r
}
