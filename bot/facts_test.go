package bot_test

import (
	"fmt"
	"io/fs"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/qamqor/qamqor/bot"
	"github.com/qamqor/qamqor/content"
	"github.com/qamqor/qamqor/locales"
)

// shipped is a copy of the shipped content that a test may change.
func shipped(t *testing.T) fstest.MapFS {
	t.Helper()
	m := fstest.MapFS{}
	err := fs.WalkDir(content.Embedded(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(content.Embedded(), p)
		m[p] = &fstest.MapFile{Data: data}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// day is a day of the year the shipped reference values are for.
var day = time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)

func engineOver(t *testing.T, fsys fstest.MapFS) *bot.Engine {
	t.Helper()
	c, _, err := content.LoadAt(fsys, "data", day)
	if err != nil {
		t.Fatal(err)
	}
	b, err := locales.Bundle()
	if err != nil {
		t.Fatal(err)
	}
	return bot.NewEngine(c, b, bot.WithClock(func() time.Time { return day }))
}

// stored writes a content test's answers as a session holds them.
func stored(a content.Answers) map[string]string {
	out := map[string]string{}
	for id, v := range a {
		switch v := v.(type) {
		case bool:
			out[id] = map[bool]string{true: "y", false: "n"}[v]
		case int:
			out[id] = strconv.Itoa(v)
		default:
			out[id] = fmt.Sprint(v)
		}
	}
	return out
}

// everything is every text a person can be shown: each screen in both languages with a
// region chosen, and each content test's result and checklist.
func everything(t *testing.T, e *bot.Engine) string {
	t.Helper()
	var b strings.Builder
	write := func(rs []bot.Reply) {
		for _, r := range rs {
			b.WriteString(r.Text + "\n")
			for _, row := range r.Buttons {
				for _, btn := range row {
					b.WriteString(btn.Label + "\n")
				}
			}
			if r.Checklist != nil {
				for _, s := range r.Checklist.Sections {
					for _, it := range s.Items {
						b.WriteString(strings.Join(append([]string{it.Name, it.Description, it.Amount, it.Apply, it.Legal, it.Verified},
							append(it.Documents, it.Offices...)...), "\n") + "\n")
					}
				}
			}
		}
	}
	c := e.Content()
	for _, lang := range content.Langs {
		for _, id := range c.IDs() {
			_, rs := e.Step(bot.Session{Lang: lang, Node: id, Region: "astana"}, bot.Input{Kind: bot.InputResume})
			write(rs)
		}
		for _, tc := range c.Tests() {
			sc, _ := c.Screener(tc.Screener)
			s := bot.Session{Lang: lang, Node: sc.Topic, Screener: sc.ID, Answers: stored(tc.Answers), Step: bot.StepResult}
			_, rs := e.Step(s, bot.Input{Kind: bot.InputResume})
			write(rs)
			_, rs = e.Step(s, bot.Input{Kind: bot.InputButton, Data: "p"})
			write(rs)
		}
	}
	return b.String()
}

// figures are the amounts a content computes this year: its reference values and what
// its amount rules give for its own tests' answers, as people read them ("4 325").
func figures(e *bot.Engine) map[string]bool {
	c := e.Content()
	r := c.Reference()
	y := r.Year(day.Year())
	out := map[string]bool{}
	for _, v := range []float64{r.MRP[y], r.PM[y], r.MZP[y]} {
		if v > 0 {
			out[strings.TrimSuffix(content.Tenge(v), " ₸")] = true
		}
	}
	for _, tc := range c.Tests() {
		sc, _ := c.Screener(tc.Screener)
		for _, id := range sc.Services {
			sv, _ := c.Service(id)
			if v, f := c.Amount(sc, sv, tc.Answers, day.Year()); f == nil && v >= 1000 {
				out[strings.TrimSuffix(content.Tenge(v), " ₸")] = true
			}
		}
	}
	return out
}

// Every figure is written once: change this year's МРП, ПМ and МЗП, and no screen, result
// or checklist shows a figure of the old values any more — each follows.
func TestAChangedReferenceValueIsFollowedByEveryScreenResultAndChecklist(t *testing.T) {
	before := engineOver(t, shipped(t))
	old := figures(before)
	if len(old) < 8 {
		t.Fatalf("only %d figures known: the test would prove little", len(old))
	}
	oldText := everything(t, before)
	shown := 0
	for f := range old {
		if strings.Contains(oldText, f) {
			shown++
		}
	}
	if shown < len(old)/2 {
		t.Fatalf("the screens show only %d of %d figures before the change: the test would prove little", shown, len(old))
	}

	changed := shipped(t)
	ref := string(changed["reference.yaml"].Data)
	for from, to := range map[string]string{"2026: 4325": "2026: 4999", "2026: 50851": "2026: 59999", "2026: 85000": "2026: 99999"} {
		if !strings.Contains(ref, from) {
			t.Fatalf("reference.yaml lacks %q", from)
		}
		ref = strings.Replace(ref, from, to, 1)
	}
	changed["reference.yaml"] = &fstest.MapFile{Data: []byte(ref)}
	after := engineOver(t, changed)
	text := everything(t, after)
	for f := range old {
		if strings.Contains(text, f) {
			i := strings.Index(text, f)
			t.Errorf("the old figure %s is still shown after the change: …%s…", f, text[max(0, i-80):min(len(text), i+40)])
		}
	}
	// And the new figures are there instead, as many as the old ones were.
	fresh, now := figures(after), 0
	for f := range fresh {
		if strings.Contains(text, f) {
			now++
		}
	}
	if now < len(fresh)/2 {
		t.Errorf("only %d of the %d new figures are shown", now, len(fresh))
	}
}

// A person in each of the 20 regions sees, on a matched service, that region's offices
// of the types the service needs, with their phones, and the web page to apply on; a
// region with none is told where to ask.
func TestAResultInEachRegionNamesThatRegionsOffices(t *testing.T) {
	e := engineOver(t, shipped(t))
	c := e.Content()
	if n := len(c.Regions()); n != 20 {
		t.Fatalf("%d regions, want the 17 oblasts and 3 cities", n)
	}
	sc, _ := c.Screener("disability_check")
	withOffices := 0
	for _, r := range c.Regions() {
		for _, lang := range content.Langs {
			answers := map[string]string{"who": "self", "established": "y", "age": "40", "group": "2", "cause": "general", "region": r.ID}
			s := bot.Session{Lang: lang, Node: sc.Topic, Screener: sc.ID, Answers: answers, Step: bot.StepResult}
			_, rs := e.Step(s, bot.Input{Kind: bot.InputResume})
			text := rs[0].Text
			name, _ := c.RegionName(r.ID, lang)
			if !strings.Contains(text, name+":") {
				t.Errorf("%s (%s): the result has no offices heading for the region:\n%s", r.ID, lang, text)
			}
			sv, _ := c.Service("disability_benefit_adult")
			found := false
			for _, typ := range sv.OfficeTypes {
				for _, o := range c.Offices(typ, r.ID) {
					found = true
					if !strings.Contains(text, o.NameIn(lang)) {
						t.Errorf("%s (%s): office %q is not shown", r.ID, lang, o.NameIn(lang))
					}
					for _, p := range o.Phones {
						if !strings.Contains(text, p) {
							t.Errorf("%s (%s): phone %s of %q is not shown", r.ID, lang, p, o.NameIn(lang))
						}
					}
				}
			}
			if found {
				withOffices++
			}
			link := false
			for _, row := range rs[0].Buttons {
				for _, b := range row {
					link = link || strings.HasPrefix(b.URL, "https://")
				}
			}
			if !link {
				t.Errorf("%s (%s): the result offers no page to apply on", r.ID, lang)
			}
		}
	}
	if withOffices == 0 {
		t.Error("no region had an office to show: the test proved nothing")
	}
	t.Logf("%d of 40 results (20 regions × 2 languages) had offices of the benefit's types", withOffices)
}

// Outside a screener a person picks their region once; every service screen then shows
// that region's offices, starting over keeps it, and the chooser refuses a region that is
// not one.
func TestARegionChosenOnceIsShownOnServiceScreens(t *testing.T) {
	fsys := shipped(t)
	e := engineOver(t, fsys)
	var node string
	for _, id := range e.Content().IDs() {
		if n, _ := e.Content().Node(id); n.Service != "" {
			node = id
			break
		}
	}
	if node == "" {
		t.Fatal("no screen shows a service")
	}
	s := bot.Session{Lang: content.RU, Node: node}
	_, rs := e.Step(s, bot.Input{Kind: bot.InputResume})
	pick := ""
	for _, row := range rs[0].Buttons {
		for _, b := range row {
			if strings.HasPrefix(b.Label, "📍") {
				pick = b.Data
			}
		}
	}
	if pick == "" {
		t.Fatalf("a service screen offers no region choice: %+v", rs[0].Buttons)
	}
	s, rs = e.Step(s, bot.Input{Kind: bot.InputButton, Data: pick})
	if !strings.Contains(rs[0].Text, "Выберите ваш регион") || len(rs[0].Buttons) < 10 {
		t.Fatalf("the chooser: %q", rs[0].Text)
	}
	var astana string
	for _, row := range rs[0].Buttons {
		for _, b := range row {
			if b.Label == "г. Астана" {
				astana = b.Data
			}
		}
	}
	s, rs = e.Step(s, bot.Input{Kind: bot.InputButton, Data: astana})
	if s.Region != "astana" || s.Node != node || !strings.Contains(rs[0].Text, "г. Астана:") {
		t.Fatalf("after choosing Astana: region %q, node %q\n%s", s.Region, s.Node, rs[0].Text)
	}
	s, _ = e.Step(s, bot.Input{Kind: bot.InputText, Text: "/start"})
	if s.Region != "astana" {
		t.Error("/start forgot the region chosen")
	}
	before := s
	s, rs = e.Step(s, bot.Input{Kind: bot.InputButton, Data: "z:atlantis"})
	if s.Region != before.Region || !strings.Contains(rs[0].Text, "устарел") {
		t.Errorf("an unknown region: region %q, %q", s.Region, rs[0].Text)
	}
}
