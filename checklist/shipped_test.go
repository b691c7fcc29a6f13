package checklist

import (
	"strings"
	"testing"
	"time"

	"github.com/qamqor/qamqor/bot"
	"github.com/qamqor/qamqor/content"
	"github.com/qamqor/qamqor/locales"
)

// The checklist of a real result, printed and read back as a viewer would, carries what a
// person takes to the office: the documents, the region's offices with addresses and
// phones, and the pages to open.
func TestAShippedResultsChecklistHasTheRegionsOfficesDocumentsAndLinks(t *testing.T) {
	now := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
	c, _, err := content.LoadAt(content.Embedded(), "content/data", now)
	if err != nil {
		t.Fatal(err)
	}
	b, err := locales.Bundle()
	if err != nil {
		t.Fatal(err)
	}
	e := bot.NewEngine(c, b, bot.WithClock(func() time.Time { return now }))
	sc, _ := c.Screener("disability_check")
	answers := map[string]string{"who": "self", "established": "y", "age": "40", "group": "2", "cause": "general", "region": "astana"}
	_, rs := e.Step(bot.Session{Lang: content.RU, Node: sc.Topic, Screener: sc.ID, Answers: answers, Step: bot.StepResult},
		bot.Input{Kind: bot.InputButton, Data: "p"})
	var cl *bot.Checklist
	for _, r := range rs {
		if r.Checklist != nil {
			cl = r.Checklist
		}
	}
	if cl == nil {
		t.Fatal("no checklist")
	}
	if cl.FileName() != "qamqor-disability_check-2026-12-02.pdf" {
		t.Errorf("named %q", cl.FileName())
	}
	text := strings.Join(pages(t, render(t, *cl)), " ")
	flat := strings.Join(strings.Fields(text), " ")
	sv, _ := c.Service("disability_benefit_adult")
	var want []string
	for _, d := range sv.Documents {
		want = append(want, d.Text.RU, d.Text.KK)
	}
	for _, typ := range sv.OfficeTypes {
		for _, o := range c.Offices(typ, "astana") {
			want = append(want, o.NameIn(content.RU), o.NameIn(content.KK))
			want = append(want, o.Phones...)
		}
	}
	for _, ch := range sv.Channels {
		if ch.URL != "" {
			want = append(want, ch.URL)
		}
	}
	if len(want) < 5 {
		t.Fatalf("the service has too few facts for the test to prove anything: %q", want)
	}
	for _, w := range want {
		if !strings.Contains(flat, strings.Join(strings.Fields(w), " ")) {
			t.Errorf("the PDF lacks %q", w)
		}
	}
}
