package content

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"time"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/vm"
)

// QuestionType is what kind of answer a question takes.
type QuestionType string

// The kinds of question a screener can ask.
const (
	Choice QuestionType = "choice" // one of its options
	YesNo  QuestionType = "yesno"  // yes or no
	Number QuestionType = "number" // a whole number between Min and Max
	Region QuestionType = "region" // one of the regions
)

// Option is one answer to a choice question.
type Option struct {
	Value string
	Label Text
}

// Question is one thing a screener asks.
type Question struct {
	ID       string
	Type     QuestionType
	Text     Text
	Short    Text // its label in the summary of answers
	Options  []Option
	Min, Max int
	When     *Rule // ask only when true; nil: always
	Line     int
}

// Option returns the option with the given value.
func (q *Question) Option(value string) (Option, bool) {
	for _, o := range q.Options {
		if o.Value == value {
			return o, true
		}
	}
	return Option{}, false
}

// Screener asks a few questions and matches services to the answers.
type Screener struct {
	ID        string
	Topic     string // the node that offers it
	Title     Text
	Intro     Text
	Questions []*Question
	Services  []string

	File string
	Line int

	serviceLines []int
}

// Question returns the question with the given id.
func (s *Screener) Question(id string) (*Question, bool) {
	for _, q := range s.Questions {
		if q.ID == id {
			return q, true
		}
	}
	return nil, false
}

// Contact is a service's contact in one region.
type Contact struct {
	Region string
	Text   Text
}

// Service is a benefit, programme or kind of help, with the rule saying who gets it and
// the facts a person needs to get it, each with where it comes from.
type Service struct {
	ID               string
	Name             Text
	Summary          Text // what it is, in plain words (written `summary`, or `description`)
	For              Text // who it is for, in words
	Eligible         *Rule
	Amount           *Rule // tenge; nil when there is no money
	AmountYear       int   // the year the figures in Amount apply to; 0: computed for the current year
	AmountPeriod     Text
	AmountUnverified bool
	AmountFacts      Provenance

	Documents        []Document
	DocumentsFacts   Provenance
	DocumentsUnknown Text // instead of Documents: that they are not known, and where to ask

	Channels        []Channel
	ChannelsUnknown Text

	ProcessingTime  Text
	ProcessingFacts Provenance

	LegalBasis        []LegalRef
	LegalBasisUnknown Text
	LegalNote         Text // the legal basis in words, where it is more than articles

	Excludes    []string // services it cannot be combined with
	OfficeTypes []string // the kinds of office that handle it, shown for the person's region

	Apply     Text // steps in words beside the channels
	Provider  Text
	Links     []Link
	Regions   []string // where it exists; empty: everywhere
	Contacts  []Contact
	Sources   []string  // the default sources of its facts: registry ids (or, in older content, addresses)
	CheckedOn time.Time // the day its sources were read (written `checked_on`, or `verified_on`)

	Screener string // the screener that decides on it
	File     string
	Line     int

	fixedAmount bool // the amount rule names no answer: it is the same for everyone
}

// AmountFixed reports whether the amount is the same whatever the answers, so a screen
// outside the screener can show it.
func (s *Service) AmountFixed() bool { return s.fixedAmount }

// mentionsAnswers reports whether a rule's source names one of the screener's questions.
func mentionsAnswers(source string, s *Screener) bool {
	for _, q := range s.Questions {
		if regexp.MustCompile(`\b` + regexp.QuoteMeta(q.ID) + `\b`).MatchString(source) {
			return true
		}
	}
	return false
}

// HasDocuments, HasChannels and HasLegalBasis report whether the service says, with facts
// or explicitly that they are unknown, what to bring, where to go and what law it rests on.
func (s *Service) HasDocuments() bool  { return len(s.Documents) > 0 || !s.DocumentsUnknown.IsZero() }
func (s *Service) HasChannels() bool   { return len(s.Channels) > 0 || !s.ChannelsUnknown.IsZero() }
func (s *Service) HasLegalBasis() bool { return len(s.LegalBasis) > 0 || !s.LegalBasisUnknown.IsZero() }

// Rule is an expression over a screener's answers, compiled, type-checked and held to a
// budget at load (rules.go).
type Rule struct {
	Source  string
	Line    int
	program *vm.Program
}

// Answers are a person's answers to a screener, by question id: string (choice, region),
// bool (yesno) or int (number).
type Answers map[string]any

// Reference holds values that change every year.
type Reference struct {
	MRP     map[int]float64 // МРП (АЕК), tenge, by year
	PM      map[int]float64 // прожиточный минимум, tenge, by year
	MZP     map[int]float64 // минимальная заработная плата, tenge, by year (where a source gives it)
	Sources []string
}

// Year returns the latest year at or before year that has both values, so a rule run in a
// year the content does not know yet uses the latest known values and says which year.
func (r Reference) Year(year int) int {
	best := 0
	for y := range r.MRP {
		if _, ok := r.PM[y]; ok && y <= year && y > best {
			best = y
		}
	}
	if best == 0 { // every year known is in the future: take the earliest
		years := slices.Sorted(maps.Keys(r.MRP))
		if len(years) > 0 {
			best = years[0]
		}
	}
	return best
}

// RegionInfo is a region as people name it.
type RegionInfo struct {
	ID   string
	Name Text
}

// TestCase is one content test: answers and the services that must and must not match.
type TestCase struct {
	Name     string
	Screener string
	Answers  Answers
	Match    []string
	NoMatch  []string
	File     string
	Line     int
}

// Screener returns the screener with the given id.
func (c *Content) Screener(id string) (*Screener, bool) {
	s, ok := c.screeners[id]
	return s, ok
}

// ScreenerFor returns the screener a topic node offers, if any.
func (c *Content) ScreenerFor(node string) (*Screener, bool) {
	for _, id := range c.screenerOrder {
		if s := c.screeners[id]; s.Topic == node {
			return s, true
		}
	}
	return nil, false
}

// Screeners returns every screener in the order defined.
func (c *Content) Screeners() []*Screener {
	out := make([]*Screener, 0, len(c.screenerOrder))
	for _, id := range c.screenerOrder {
		out = append(out, c.screeners[id])
	}
	return out
}

// Service returns the service with the given id.
func (c *Content) Service(id string) (*Service, bool) {
	s, ok := c.services[id]
	return s, ok
}

// Regions returns the regions in the order defined.
func (c *Content) Regions() []RegionInfo { return c.regions }

// RegionName returns a region's name in lang.
func (c *Content) RegionName(id string, lang Lang) (string, bool) {
	for _, r := range c.regions {
		if r.ID == id {
			return r.Name.In(lang), true
		}
	}
	return "", false
}

// Reference returns the yearly reference values.
func (c *Content) Reference() Reference { return c.reference }

// Tests returns the content's test cases.
func (c *Content) Tests() []TestCase { return c.tests }

// Env is what rules see: the answers (a question not asked has its zero value) and the
// reference values of the given year.
func (c *Content) Env(s *Screener, a Answers, year int) map[string]any {
	env := make(map[string]any, len(s.Questions)+3)
	for _, q := range s.Questions {
		if v, ok := a[q.ID]; ok {
			env[q.ID] = v
		} else {
			env[q.ID] = zero(q.Type)
		}
	}
	y := c.reference.Year(year)
	env["mrp"], env["pm"], env["year"] = c.reference.MRP[y], c.reference.PM[y], year
	return env
}

// Bool evaluates a rule that yields true or false.
func (r *Rule) Bool(env map[string]any) (bool, error) {
	out, err := r.run(env)
	if err != nil {
		return false, err
	}
	b, _ := out.(bool)
	return b, nil
}

// Number evaluates a rule that yields an amount.
func (r *Rule) Number(env map[string]any) (float64, error) {
	out, err := r.run(env)
	if err != nil {
		return 0, err
	}
	switch v := out.(type) {
	case float64:
		return v, nil
	case int:
		return float64(v), nil
	}
	return 0, fmt.Errorf("rule %q gave %T, not a number", r.Source, out)
}

func zero(t QuestionType) any {
	switch t {
	case YesNo:
		return false
	case Number:
		return 0
	}
	return ""
}

// compileEnv is the type-checking environment of a screener's rules; upTo limits it to the
// questions before that index (for a question's own `when`).
func compileEnv(s *Screener, upTo int) map[string]any {
	env := map[string]any{"mrp": 0.0, "pm": 0.0, "year": 0}
	for i, q := range s.Questions {
		if i >= upTo {
			break
		}
		env[q.ID] = zero(q.Type)
	}
	return env
}

func compile(source string, env map[string]any, want func() expr.Option) (*vm.Program, error) {
	return compileRule(source, env, want())
}

// validateScreeners checks screeners, services, regions, reference values and tests.
func (l *loader) validateScreeners() {
	c := l.c
	regionIDs := map[string]bool{}
	for _, r := range c.regions {
		regionIDs[r.ID] = true
	}
	owner := map[string]string{}
	for _, id := range c.screenerOrder {
		s := c.screeners[id]
		l.file = s.File
		if _, ok := c.nodes[s.Topic]; !ok {
			l.errorf(s.Line, "screener %q: topic %q is not a node", s.ID, s.Topic)
		}
		l.checkText(s.Title, "title")
		l.checkText(s.Intro, "intro")
		if len(s.Questions) == 0 {
			l.errorf(s.Line, "screener %q asks no questions", s.ID)
		}
		seen := map[string]bool{}
		for i, q := range s.Questions {
			l.checkQuestion(s, i, q, seen, len(c.regions))
		}
		for i, sid := range s.Services {
			if prev, dup := owner[sid]; dup {
				l.errorf(s.serviceLines[i], "service %q is already decided by screener %q", sid, prev)
				continue
			}
			owner[sid] = s.ID
			if _, ok := c.services[sid]; !ok {
				l.errorf(s.serviceLines[i], "screener %q lists unknown service %q", s.ID, sid)
			}
		}
	}
	for _, id := range c.serviceOrder {
		sv := c.services[id]
		l.file = sv.File
		sid, ok := owner[id]
		if !ok {
			l.errorf(sv.Line, "service %q is in no screener's services", id)
			continue
		}
		sv.Screener = sid
		l.checkService(sv, c.screeners[sid], regionIDs)
	}
	for _, tc := range c.tests {
		l.file = tc.File
		l.checkTestCase(tc)
	}
}

func (l *loader) checkQuestion(s *Screener, i int, q *Question, seen map[string]bool, regions int) {
	if !idPattern.MatchString(q.ID) || q.ID == "mrp" || q.ID == "pm" || q.ID == "year" {
		l.errorf(q.Line, "question id %q must be lowercase latin letters, digits and _ (and not mrp, pm or year)", q.ID)
	}
	if seen[q.ID] {
		l.errorf(q.Line, "screener %q asks %q twice", s.ID, q.ID)
	}
	seen[q.ID] = true
	l.checkText(q.Text, "text")
	l.checkText(q.Short, "short")
	switch q.Type {
	case Choice:
		if len(q.Options) < 2 {
			l.errorf(q.Line, "choice question %q needs at least two options", q.ID)
		}
		values := map[string]bool{}
		for _, o := range q.Options {
			if values[o.Value] || o.Value == "" {
				l.errorf(o.Label.Line, "question %q: option value %q is empty or repeated", q.ID, o.Value)
			}
			values[o.Value] = true
			l.checkText(o.Label, "option label")
			l.checkLabel(o.Label, "option label")
		}
	case Number:
		if q.Min >= q.Max {
			l.errorf(q.Line, "number question %q: min %d must be below max %d", q.ID, q.Min, q.Max)
		}
	case YesNo:
	case Region:
		if regions == 0 {
			l.errorf(q.Line, "region question %q, but no regions are defined", q.ID)
		}
	default:
		l.errorf(q.Line, "question %q: type %q is not choice, yesno, number or region", q.ID, q.Type)
	}
	if q.When != nil {
		p, err := compile(q.When.Source, compileEnv(s, i), expr.AsBool)
		if err != nil {
			l.errorf(q.When.Line, "when of question %q: %s", q.ID, oneLine(err))
		}
		q.When.program = p
	}
}

func (l *loader) checkService(sv *Service, s *Screener, regionIDs map[string]bool) {
	for what, t := range map[string]Text{"name": sv.Name, "summary": sv.Summary, "for": sv.For} {
		if t.IsZero() {
			l.errorf(sv.Line, "service %q has no %s", sv.ID, what)
			continue
		}
		l.checkText(t, what)
	}
	for what, t := range map[string]Text{"apply": sv.Apply, "provider": sv.Provider} {
		if !t.IsZero() {
			l.checkText(t, what)
		}
	}
	l.checkLabel(sv.Name, "name")
	if !sv.AmountPeriod.IsZero() {
		l.checkText(sv.AmountPeriod, "amount_period")
	}
	env := compileEnv(s, len(s.Questions))
	if sv.Eligible == nil {
		l.errorf(sv.Line, "service %q has no eligible rule", sv.ID)
	} else if p, err := compile(sv.Eligible.Source, env, expr.AsBool); err != nil {
		l.errorf(sv.Eligible.Line, "eligible of %q: %s", sv.ID, oneLine(err))
	} else {
		sv.Eligible.program = p
	}
	if sv.Amount != nil {
		if p, err := compile(sv.Amount.Source, env, expr.AsFloat64); err != nil {
			l.errorf(sv.Amount.Line, "amount of %q: %s", sv.ID, oneLine(err))
		} else {
			sv.Amount.program = p
			sv.fixedAmount = !mentionsAnswers(sv.Amount.Source, s)
		}
		if sv.AmountYear != 0 && sv.AmountYear < 2000 {
			l.errorf(sv.Line, "service %q: amount_year %d is not a year", sv.ID, sv.AmountYear)
		}
	}
	for _, r := range sv.Regions {
		if !regionIDs[r] {
			l.errorf(sv.Line, "service %q: unknown region %q", sv.ID, r)
		}
	}
	for _, ct := range sv.Contacts {
		if !regionIDs[ct.Region] {
			l.errorf(ct.Text.Line, "service %q: contact for unknown region %q", sv.ID, ct.Region)
		}
		l.checkText(ct.Text, "contact")
	}
	if len(sv.Sources) == 0 {
		l.errorf(sv.Line, "service %q has no sources", sv.ID)
	}
	switch {
	case sv.CheckedOn.IsZero():
		l.errorf(sv.Line, "service %q has no checked_on date (YYYY-MM-DD: the day its sources were read)", sv.ID)
	case sv.CheckedOn.Before(l.now.AddDate(-1, 0, 0)):
		l.warn(sv.File, sv.Line, "service %q was last checked on %s, more than 12 months ago", sv.ID, sv.CheckedOn.Format(time.DateOnly))
	}
}

func (l *loader) checkTestCase(tc TestCase) {
	s, ok := l.c.screeners[tc.Screener]
	if !ok {
		l.errorf(tc.Line, "test %q: unknown screener %q", tc.Name, tc.Screener)
		return
	}
	ids := slices.Sorted(maps.Keys(tc.Answers))
	for _, id := range ids {
		q, ok := s.Question(id)
		if !ok {
			l.errorf(tc.Line, "test %q: screener %q has no question %q", tc.Name, s.ID, id)
			continue
		}
		if msg := l.c.checkAnswer(q, tc.Answers[id]); msg != "" {
			l.errorf(tc.Line, "test %q: %s", tc.Name, msg)
		}
	}
	for _, sid := range append(slices.Clone(tc.Match), tc.NoMatch...) {
		if !slices.Contains(s.Services, sid) {
			l.errorf(tc.Line, "test %q: screener %q does not decide on service %q", tc.Name, s.ID, sid)
		}
	}
}

// checkAnswer says what is wrong with an answer to q, or "" when nothing is.
func (c *Content) checkAnswer(q *Question, v any) string {
	switch q.Type {
	case YesNo:
		if _, ok := v.(bool); !ok {
			return fmt.Sprintf("%s takes true or false, not %v", q.ID, v)
		}
	case Number:
		n, ok := v.(int)
		if !ok || n < q.Min || n > q.Max {
			return fmt.Sprintf("%s takes a whole number from %d to %d, not %v", q.ID, q.Min, q.Max, v)
		}
	case Choice:
		s, _ := v.(string)
		if _, ok := q.Option(s); !ok {
			return fmt.Sprintf("%s has no option %v", q.ID, v)
		}
	case Region:
		s, _ := v.(string)
		if _, ok := c.RegionName(s, RU); !ok {
			return fmt.Sprintf("%s: unknown region %v", q.ID, v)
		}
	}
	return ""
}

// RuleFailure is a rule that failed to run on someone's answers: a content defect that the
// static checks could not see (a division by zero, an index out of range).
type RuleFailure struct {
	Screener string
	Service  string // the service whose eligible or amount rule failed; "" for a when
	Question string // the question whose when failed; "" for a service's rule
	Kind     string // "eligible", "amount" or "when"
	File     string
	Line     int
	Err      error
}

// Rule names the rule as metrics and logs do: "<service>.eligible", "<question>.when".
func (f RuleFailure) Rule() string {
	if f.Service != "" {
		return f.Service + "." + f.Kind
	}
	return f.Question + "." + f.Kind
}

// Reason is the rule's error in one line, without expr's picture of where in the rule.
func (f RuleFailure) Reason() string { return oneLine(f.Err) }

func (f RuleFailure) Error() string {
	return fmt.Sprintf("%s:%d: %s of screener %q failed: %s", f.File, f.Line, f.Rule(), f.Screener, f.Reason())
}

// Match returns the screener's services whose eligible rule holds for the answers, in
// order, and the rules that failed to run. A service whose eligible rule fails is in
// neither: nobody can tell whether it fits.
func (c *Content) Match(s *Screener, a Answers, year int) ([]*Service, []RuleFailure) {
	env := c.Env(s, a, year)
	var out []*Service
	var failed []RuleFailure
	for _, id := range s.Services {
		sv := c.services[id]
		ok, err := sv.Eligible.Bool(env)
		if err != nil {
			failed = append(failed, sv.failure(s, "eligible", sv.Eligible, err))
			continue
		}
		if ok {
			out = append(out, sv)
		}
	}
	return out, failed
}

// Amount computes the service's amount for the answers; a failure says which rule failed.
func (c *Content) Amount(s *Screener, sv *Service, a Answers, year int) (float64, *RuleFailure) {
	if sv.Amount == nil {
		return 0, nil
	}
	v, err := sv.Amount.Number(c.Env(s, a, year))
	if err != nil {
		f := sv.failure(s, "amount", sv.Amount, err)
		return 0, &f
	}
	return v, nil
}

// Asked reports whether q is asked given the answers; a `when` that fails to run asks it
// (asking one question too many misleads nobody; skipping it would give it its zero value
// in every other rule) and says so.
func (c *Content) Asked(s *Screener, q *Question, a Answers, year int) (bool, *RuleFailure) {
	if q.When == nil {
		return true, nil
	}
	ok, err := q.When.Bool(c.Env(s, a, year))
	if err != nil {
		return true, &RuleFailure{Screener: s.ID, Question: q.ID, Kind: "when", File: s.File, Line: q.When.Line, Err: err}
	}
	return ok, nil
}

func (sv *Service) failure(s *Screener, kind string, r *Rule, err error) RuleFailure {
	return RuleFailure{Screener: s.ID, Service: sv.ID, Kind: kind, File: sv.File, Line: r.Line, Err: err}
}

func oneLine(err error) string {
	s := err.Error()
	for i, r := range s {
		if r == '\n' {
			return s[:i]
		}
	}
	return s
}

// ExampleCase returns the first test case of a screener that matches at least one service:
// answers that walk the screener to a result, for demonstrations and end-to-end tests.
func (c *Content) ExampleCase(screener string) (TestCase, bool) {
	for _, tc := range c.tests {
		if tc.Screener == screener && len(tc.Match) > 0 {
			return tc, true
		}
	}
	return TestCase{}, false
}

// Services returns every service in the order defined.
func (c *Content) Services() []*Service {
	out := make([]*Service, 0, len(c.serviceOrder))
	for _, id := range c.serviceOrder {
		out = append(out, c.services[id])
	}
	return out
}
