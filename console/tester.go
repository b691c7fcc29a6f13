package console

import (
	"net/http"
	"strconv"

	"github.com/qamqor/qamqor/bot"
	"github.com/qamqor/qamqor/content"
)

// The screener tester: an editor enters answers and sees what the bot answers, in both
// languages, with the reason for each service left out. It changes nothing, so it is a
// GET form, and the bot's engine computes everything (bot.Engine.TestScreener): what an
// editor sees is what a person gets.

var testerMessageIDs = []bot.MessageID{
	"ConsoleTester", "ConsoleTesterIntro", "ConsoleTesterCheck", "ConsoleTesterNotAsked", "ConsoleTesterNext",
	"ConsoleTesterResult", "ConsoleTesterWhyNot", "ConsoleTesterRule", "ConsoleTesterReason", "ConsoleTesterService",
	"ConsoleTesterFailed", "ConsoleTesterBadNumber", "ConsoleTesterUnanswered", "ConsoleTesterOtherRegion",
}

func init() { MessageIDs = append(MessageIDs, testerMessageIDs...) }

// choice is one answer a question offers, with its label in both languages.
type choice struct {
	Value, KK, RU string
	Checked       bool
}

type testerQuestion struct {
	ID, Type string
	KK, RU   string // the question as the bot asks it
	Choices  []choice
	Min, Max int
	Value    string // what the form holds
	Asked    bool   // the bot asks it for these answers
	Error    string
}

type whyNotRow struct {
	Name, Reason, Rule string
	OtherRegion        bool
}

type testerResult struct {
	Lang, LangName string
	Text, WhyNot   string
}

type testerPage struct {
	ID, Title string
	Questions []testerQuestion
	Submitted bool
	Next      string // the question the bot would ask next, when the answers stop short
	Results   []testerResult
	WhyNot    []whyNotRow
	Failures  []string
}

func (h *Handler) routeTester() {
	h.page("GET "+Prefix+"tester", forContent, func(q *request) {
		var links []link
		for _, sc := range q.engine.Content().Screeners() {
			links = append(links, link{Href: Prefix + "tester/" + sc.ID, Label: sc.Title.In(q.lang)})
		}
		q.show("testers", q.t("ConsoleTester"), links)
	})
	h.page("GET "+Prefix+"tester/{id}", forContent, func(q *request) {
		sc, ok := q.engine.Content().Screener(q.r.PathValue("id"))
		if !ok {
			http.NotFound(q.w, q.r)
			return
		}
		q.show("tester", sc.Title.In(q.lang), q.testerPage(sc))
	})
}

func (q *request) testerPage(sc *content.Screener) testerPage {
	c := q.engine.Content()
	form := q.r.URL.Query()
	p := testerPage{ID: sc.ID, Title: sc.Title.In(q.lang), Submitted: form.Has("run")}
	answers := map[string]string{}
	for _, qu := range sc.Questions {
		tq := testerQuestion{ID: qu.ID, Type: string(qu.Type), KK: qu.Text.KK, RU: qu.Text.RU, Min: qu.Min, Max: qu.Max,
			Value: form.Get("a_" + qu.ID)}
		switch qu.Type {
		case content.Choice:
			for _, o := range qu.Options {
				tq.Choices = append(tq.Choices, choice{Value: o.Value, KK: o.Label.KK, RU: o.Label.RU})
			}
		case content.YesNo:
			tq.Choices = []choice{
				{Value: "y", KK: q.engine.T(content.KK, "Yes", nil), RU: q.engine.T(content.RU, "Yes", nil)},
				{Value: "n", KK: q.engine.T(content.KK, "No", nil), RU: q.engine.T(content.RU, "No", nil)},
			}
		case content.Region:
			for _, r := range c.Regions() {
				tq.Choices = append(tq.Choices, choice{Value: r.ID, KK: r.Name.KK, RU: r.Name.RU})
			}
		}
		known := tq.Value == ""
		for i := range tq.Choices {
			if tq.Choices[i].Value == tq.Value {
				tq.Choices[i].Checked, known = true, true
			}
		}
		if qu.Type == content.Number && tq.Value != "" {
			n, err := strconv.Atoi(tq.Value)
			known = err == nil && n >= qu.Min && n <= qu.Max
			if !known {
				tq.Error = q.engine.T(q.lang, "ConsoleTesterBadNumber", map[string]any{"Min": qu.Min, "Max": qu.Max})
			}
		}
		if known && tq.Value != "" {
			answers[qu.ID] = tq.Value
		}
		p.Questions = append(p.Questions, tq)
	}
	var runs []bot.ScreenerTest
	for _, lang := range content.Langs {
		t, _ := q.engine.TestScreener(lang, sc.ID, answers)
		runs = append(runs, t)
		if t.Next == nil {
			p.Results = append(p.Results, testerResult{Lang: string(lang), LangName: bot.LanguageName(lang), Text: t.Result, WhyNot: t.WhyNot})
		}
	}
	mine := runs[0]
	if q.lang == content.RU {
		mine = runs[1]
	}
	for i := range p.Questions {
		for _, a := range mine.Asked {
			if a.ID == p.Questions[i].ID {
				p.Questions[i].Asked = true
			}
		}
	}
	if !p.Submitted {
		p.Results = nil
		return p
	}
	if mine.Next != nil {
		p.Next = mine.Next.Text.In(q.lang)
		return p
	}
	for _, n := range mine.NotMatched {
		rule := ""
		if n.Service.Eligible != nil {
			rule = n.Service.Eligible.Source
		}
		p.WhyNot = append(p.WhyNot, whyNotRow{Name: n.Service.Name.In(q.lang), Reason: n.Reason, Rule: rule, OtherRegion: n.OtherRegion})
	}
	for _, f := range mine.Failures {
		p.Failures = append(p.Failures, f.Error())
	}
	return p
}
