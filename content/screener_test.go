package content_test

import (
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/qamqor/qamqor/content"
)

// screener is a valid screener on "topic" with one service; cases break one thing each.
const screener = `reference:
  mrp: {2025: 3932, 2026: 4325}
  pm: {2025: 46228, 2026: 50851}
regions:
  - {id: astana, name: {kk: Астана қаласы, ru: г. Астана}}
screeners:
  - id: check
    topic: topic
    title: {kk: Маған не тиесілі, ru: Что мне положено}
    intro: {kk: Екі сұрақ, ru: Два вопроса}
    questions:
      - id: age
        type: number
        min: 0
        max: 120
        text: {kk: Жасыңыз, ru: Ваш возраст}
        short: {kk: Жасы, ru: Возраст}
      - id: student
        type: yesno
        when: age < 35
        text: {kk: Студентсіз бе, ru: Вы студент}
        short: {kk: Студент, ru: Студент}
    services: [youth]
services:
  - id: youth
    name: {kk: Жастар практикасы, ru: Молодежная практика}
    summary: {kk: Жалақы, ru: Зарплата}
    for: {kk: Жастарға, ru: Молодым}
    eligible: 'student && age <= 35'
    amount: '30 * mrp'
    documents: [{text: {kk: Жеке куәлік, ru: Удостоверение личности}}]
    channels: [{kind: office, office: career, what: {kk: Мансап орталығына барыңыз, ru: Обратитесь в карьерный центр}}]
    legal_basis: [{act: code, article: "104"}]
    offices: [career]
    sources: [src_kymis]
    checked_on: 2026-11-01
cases:
  - name: a student of 20
    screener: check
    answers: {age: 20, student: true}
    match: [youth]
sources:
  - id: src_kymis
    url: https://kymis.info/x
    title: Жастар практикасы
    published: 2025-01-15
    read: 2026-11-01
  - {id: src_akimat, url: https://astana.gov.kz/contacts, title: Байланыс, published: unknown, read: 2026-11-01}
acts:
  - {id: code, name: {kk: Әлеуметтік кодекс, ru: Социальный кодекс}, url: https://adilet.zan.kz/rus/docs/K2300000224}
office_types:
  - {id: career, name: {kk: Мансап орталығы, ru: Карьерный центр}}
offices:
  - type: career
    region: astana
    name: {kk: Астана мансап орталығы, ru: Центр карьеры Астаны}
    phones: ["+7 7172 00 00 01"]
    sources: [src_akimat]
    checked_on: 2026-11-01
`

var now = time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)

func loadScreener(text string) (*content.Content, content.Problems, error) {
	fsys := fstest.MapFS{
		"main.yaml":  {Data: []byte(mainNode)},
		"topic.yaml": {Data: []byte(topic)},
		"s.yaml":     {Data: []byte(text)},
	}
	return content.LoadAt(fsys, "dir", now)
}

func TestValidScreenerLoadsAndMatches(t *testing.T) {
	c, problems, err := loadScreener(screener)
	if err != nil || len(problems) > 0 {
		t.Fatalf("err %v, problems %v", err, problems)
	}
	sc, _ := c.Screener("check")
	if got, failed := c.Match(sc, content.Answers{"age": 20, "student": true}, 2026); len(got) != 1 || len(failed) != 0 {
		t.Fatalf("a student of 20 matches %d services", len(got))
	}
	if got, failed := c.Match(sc, content.Answers{"age": 50}, 2026); len(got) != 0 || len(failed) != 0 {
		t.Fatalf("a person of 50 matches %d services", len(got))
	}
	sv, _ := c.Service("youth")
	v, err := sv.Amount.Number(c.Env(sc, content.Answers{"age": 20, "student": true}, 2026))
	if err != nil || v != 129750 {
		t.Fatalf("30 МРП in 2026 = %v (%v), want 129750", v, err)
	}
}

func TestScreenerRulesReportFileAndLine(t *testing.T) {
	cases := []struct{ name, old, new, want string }{
		{"rule does not compile", "eligible: 'student && age <= 35'", "eligible: 'student && age <='", "dir/s.yaml:29: eligible of \"youth\":"},
		{"rule names an answer the screener cannot produce", "eligible: 'student && age <= 35'", "eligible: 'student && income < 100'", "dir/s.yaml:29: eligible of \"youth\": unknown name income"},
		{"rule of the wrong type", "eligible: 'student && age <= 35'", "eligible: 'age + 1'", "dir/s.yaml:29: eligible of \"youth\":"},
		{"amount that is not a number", "amount: '30 * mrp'", "amount: 'student'", "dir/s.yaml:30: amount of \"youth\":"},
		{"when names a later question", "when: age < 35", "when: student", "dir/s.yaml:20: when of question \"student\": unknown name student"},
		{"no sources", "    sources: [src_kymis]\n", "", "dir/s.yaml:25: service \"youth\" has no sources"},
		{"no checked_on", "    checked_on: 2026-11-01\n", "", "dir/s.yaml:25: service \"youth\" has no checked_on date"},
		// What content check promises editors about facts (FORMAT.md), one broken copy each.
		{"checked_on in the future", "checked_on: 2026-11-01\ncases", "checked_on: 2026-12-01\ncases", "checked_on 2026-12-01 is in the future"},
		{"checked_on after its sources were read", "read: 2026-11-01\n  - {id: src_akimat", "read: 2026-10-20\n  - {id: src_akimat", "checked_on 2026-11-01 is after the last day its sources were read (2026-10-20)"},
		{"checked_on before its source was published", "published: 2025-01-15", "published: 2026-11-10", "checked_on 2026-11-01 is before its source \"src_kymis\" was published (2026-11-10)"},
		{"a source without dates", "    published: 2025-01-15\n", "", "source \"src_kymis\" has no dates"},
		{"a source read in the future", "read: 2026-11-01\n  - {id: src_akimat", "read: 2027-01-01\n  - {id: src_akimat", "source \"src_kymis\": read 2027-01-01 is in the future"},
		{"a source that is not registered", "sources: [src_kymis]", "sources: [kymis.info/x]", "source \"kymis.info/x\" is not in the sources registry"},
		{"a phone not in Kazakhstan's format", `phones: ["+7 7172 00 00 01"]`, `phones: ["55-14-74"]`, `phone "55-14-74" is not a Kazakhstan number`},
		{"an office without sources that is not marked unconfirmed", "    sources: [src_akimat]\n", "", "office career/astana has no sources"},
		{"no documents and not said unknown", "    documents: [{text: {kk: Жеке куәлік, ru: Удостоверение личности}}]\n", "", "youth says nothing of documents"},
		{"no channels and not said unknown", "    channels: [{kind: office, office: career, what: {kk: Мансап орталығына барыңыз, ru: Обратитесь в карьерный центр}}]\n", "", "youth says nothing of where to apply"},
		{"no legal basis and not said unknown", "    legal_basis: [{act: code, article: \"104\"}]\n", "", "youth has no legal basis"},
		{"a legal basis on an unknown act", "act: code, article", "act: nocode, article", "unknown act \"nocode\""},
		{"a channel of an unknown kind", "kind: office", "kind: pigeon", "channel kind \"pigeon\" is not one of"},
		{"an office type no one defined", "offices: [career]", "offices: [career, bank]", "unknown office type \"bank\""},
		{"a figure typed in that the reference holds", "summary: {kk: Жалақы, ru: Зарплата}", "summary: {kk: Жалақы, ru: Зарплата 4 325 ₸ в месяц}", "the figure 4 325 is typed in; write {{mrp}}"},
		{"a figure typed in that a rule computes", "summary: {kk: Жалақы, ru: Зарплата}", "summary: {kk: Жалақы, ru: Зарплата 129750 ₸}", "the figure 129750 is typed in; write {{amount}}"},
		{"a placeholder that names nothing", "summary: {kk: Жалақы, ru: Зарплата}", `summary: {kk: Жалақы, ru: "Зарплата {{salary}}"}`, "unknown placeholder {{salary}}"},
		{"a placeholder in other letters", "summary: {kk: Жалақы, ru: Зарплата}", `summary: {kk: Жалақы, ru: "Зарплата {{МРП}}"}`, "{{МРП}} is not a placeholder the bot can fill"},
		{"yes where true or false is meant", "    sources: [src_akimat]\n", "    sources: [src_akimat]\n    unconfirmed: yes\n    note: {kk: Тексеріңіз, ru: Проверьте}\n", "unconfirmed must be true or false"},
		{"reference values from an unregistered source", "  pm: {2025: 46228, 2026: 50851}\n", "  pm: {2025: 46228, 2026: 50851}\n  sources: [lada.kz/x]\n", "reference: source \"lada.kz/x\" is not in the sources registry"},
		{"a reference year the content lacks", "summary: {kk: Жалақы, ru: Зарплата}", `summary: {kk: Жалақы, ru: "Зарплата {{mrp 2019}}"}`, "{{mrp 2019}} has no value for 2019"},
		{"a service in no screener", "    services: [youth]\n", "    services: []\n", "service \"youth\" is in no screener's services"},
		{"topic that is not a node", "topic: topic", "topic: nowhere", "dir/s.yaml:7: screener \"check\": topic \"nowhere\" is not a node"},
		{"number without a range", "max: 120", "max: 0", "dir/s.yaml:12: number question \"age\": min 0 must be below max 0"},
		{"missing Russian question", "text: {kk: Жасыңыз, ru: Ваш возраст}", "text: {kk: Жасыңыз}", "dir/s.yaml:16: text: missing ru (Russian) text"},
		{"test case with an unknown answer", "answers: {age: 20, student: true}", "answers: {age: 20, student: true, pet: cat}", "test \"a student of 20\": screener \"check\" has no question \"pet\""},
		{"test case with an answer out of range", "answers: {age: 20, student: true}", "answers: {age: 300, student: true}", "age takes a whole number from 0 to 120, not 300"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if !strings.Contains(screener, tc.old) {
				t.Fatalf("fixture lacks %q", tc.old)
			}
			_, _, err := loadScreener(strings.Replace(screener, tc.old, tc.new, 1))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("errors:\n%v\nwant one containing %q", err, tc.want)
			}
		})
	}
}

func TestOldVerificationIsAWarning(t *testing.T) {
	old := strings.Replace(screener, "checked_on: 2026-11-01\ncases", "checked_on: 2025-06-30\ncases", 1)
	_, problems, err := loadScreener(strings.Replace(old, "published: 2025-01-15", "published: 2025-01-01", 1))
	if err != nil {
		t.Fatalf("an old date is not an error: %v", err)
	}
	if len(problems) != 1 || !problems[0].Warning || !strings.Contains(problems[0].String(), "more than 12 months ago") {
		t.Fatalf("problems: %v", problems)
	}
}

// content stale lists what is due: a service checked long ago, each of its facts that
// inherit that date, an amount whose sources predate the year's reference values, and an
// office no source confirms.
func TestStaleFactsAreListedByServiceAndRegion(t *testing.T) {
	c, _, err := loadScreener(screener)
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Stale(now, 365*24*time.Hour); len(got) != 1 || got[0].What != "amount" || !strings.Contains(got[0].Reason, "before 2026") {
		t.Fatalf("fresh content: %+v", got)
	}
	later := now.AddDate(2, 0, 0)
	got := c.Stale(later, 365*24*time.Hour)
	var whats []string
	for _, f := range got {
		whats = append(whats, f.Service+"/"+f.Region+" "+f.What)
	}
	want := "youth/ service, youth/ documents, youth/ channel office, youth/ legal basis code 104, youth/ amount, /astana office career"
	if strings.Join(whats, ", ") != want {
		t.Errorf("two years on:\n got %s\nwant %s", strings.Join(whats, ", "), want)
	}
}

// Warnings, which do not stop the content: a region without an office of a type a service
// needs, and, from 1 December, next year's reference values missing.
func TestGapsInOfficesAndNextYearsValuesAreWarnings(t *testing.T) {
	gap := strings.Replace(screener, "  - {id: astana, name: {kk: Астана қаласы, ru: г. Астана}}\n",
		"  - {id: astana, name: {kk: Астана қаласы, ru: г. Астана}}\n  - {id: ulytau, name: {kk: Ұлытау облысы, ru: область Ұлытау}}\n", 1)
	_, problems, err := loadScreener(gap)
	if err != nil {
		t.Fatalf("a gap is not an error: %v", err)
	}
	if len(problems) != 1 || !problems[0].Warning || !strings.Contains(problems[0].String(), `office type "career", which services need, has no office in 1 regions: ulytau`) {
		t.Errorf("problems: %v", problems)
	}

	fsys := fstest.MapFS{
		"main.yaml":  {Data: []byte(mainNode)},
		"topic.yaml": {Data: []byte(topic)},
		"s.yaml":     {Data: []byte(screener)},
	}
	for _, tc := range []struct {
		at   time.Time
		warn bool
	}{{time.Date(2026, 11, 30, 23, 0, 0, 0, time.UTC), false}, {time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC), true}} {
		_, problems, err := content.LoadAt(fsys, "dir", tc.at)
		if err != nil {
			t.Fatal(err)
		}
		warned := len(problems) == 1 && strings.Contains(problems[0].String(), "the reference values for 2027 are missing (mrp, pm)")
		if warned != tc.warn {
			t.Errorf("on %s: problems %v, want the 2027 warning: %v", tc.at.Format(time.DateOnly), problems, tc.warn)
		}
	}
}

// A rule names what it reads, once each: what its outcome can depend on.
func TestRuleNamesWhatItReads(t *testing.T) {
	c, _, err := loadScreener(screener)
	if err != nil {
		t.Fatal(err)
	}
	sc, _ := c.Screener("check")
	student, _ := sc.Question("student")
	age, _ := sc.Question("age")
	sv, _ := c.Service("youth")
	for _, tc := range []struct {
		rule *content.Rule
		want string
	}{
		{student.When, "age"}, {age.When, ""}, {sv.Eligible, "student age"}, {sv.Amount, "mrp"},
	} {
		if got := strings.Join(tc.rule.Names(), " "); got != tc.want {
			t.Errorf("%v names %q, want %q", tc.rule, got, tc.want)
		}
	}
}
