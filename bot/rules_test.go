package bot_test

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/qamqor/qamqor/bot"
	"github.com/qamqor/qamqor/content"
	"github.com/qamqor/qamqor/locales"
	"github.com/qamqor/qamqor/store"
)

// failingRules is the screener fixture with three rules that pass every static check and
// fail at run time for a child of 8: the group question's when (len("child") - 5 is 0),
// child_benefit's eligible and guardian's amount (age - 8 is 0).
func failingRules(t *testing.T, extraCase string) *content.Content {
	t.Helper()
	fsys := fstest.MapFS{}
	for k, v := range screenerFixture {
		fsys[k] = v
	}
	text := string(screenerFixture["s.yaml"].Data)
	for _, r := range [][2]string{
		{"when: established\n", "when: 'established && 10 % (len(who) - 5) >= 0'\n"},
		{`eligible: 'who == "child" && established && age < 18'`, `eligible: 'who == "child" && established && age % (age - 8) < 18'`},
		{"amount: '10 * mrp'", "amount: '10 * mrp + float(age % (age - 8))'"},
	} {
		if !strings.Contains(text, r[0]) {
			t.Fatalf("fixture lacks %q", r[0])
		}
		text = strings.Replace(text, r[0], r[1], 1)
	}
	fsys["s.yaml"] = &fstest.MapFile{Data: []byte(text + extraCase)}
	c, _, err := content.LoadAt(fsys, "fixture", time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatalf("the rules are refused: %v", err)
	}
	return c
}

func failingEngine(t *testing.T) *bot.Engine {
	t.Helper()
	b, err := locales.Bundle()
	if err != nil {
		t.Fatal(err)
	}
	return bot.NewEngine(failingRules(t, ""), b, bot.WithClock(func() time.Time { return time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC) }))
}

// A rule failing at run time costs the person that one service, never the result: the
// rest is shown, with a note naming what could not be checked, in their language.
func TestARuleThatFailsAtRunTimeDropsOnlyItsServiceWithANote(t *testing.T) {
	for _, tc := range []struct {
		lang  string
		steps []string
	}{
		{"ru", []string{"/start", "[Русский]", "[Инвалидность]", "[✓ Что мне положено? Короткий опрос]",
			"[Для ребенка]", "[Да]",
			"~Какая группа?", // its when failed: asked rather than skipped
			"[I группа]", "8", "[г. Астана]", "[Показать результат]",
			"~По вашим ответам вам может подойти", "~1. Программа Астаны", "!Пособие ребенку\n", "!Выплата опекуну\n",
			"~Не удалось проверить: Пособие ребенку; Выплата опекуну. Ошибка не в ваших ответах, а в наших данных",
			"[Почему не подошло остальное]", "~Установление инвалидности — Тем, у кого", "!Пособие ребенку —",
			"~Не удалось проверить: Пособие ребенку; Выплата опекуну", "!Подошло всё"}},
		{"kk", []string{"/start", "[Қазақша]", "[Мүгедектік]", "[✓ Маған не тиесілі? Қысқа сауалнама]",
			"[Балам үшін]", "[Иә]", "~Қай топ?", "[I топ]", "8", "[Астана қаласы]", "[Нәтижені көрсету]",
			"~1. Астана бағдарламасы", "!Балаға жәрдемақы\n",
			"~Мыналарды тексере алмадық: Балаға жәрдемақы; Қорғаншыға төлем. Қате сіздің жауаптарыңызда емес"}},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			c := &convo{t: t, e: failingEngine(t)}
			for _, s := range tc.steps {
				c.do(s)
			}
		})
	}

	// The result says which rules failed, for the Service to log and count; the checklist
	// lists only what was checked.
	c := &convo{t: t, e: failingEngine(t)}
	for _, s := range []string{"/start", "[Русский]", "[Инвалидность]", "[✓ Что мне положено? Короткий опрос]",
		"[Для ребенка]", "[Да]", "[I группа]", "8", "[г. Астана]", "[Показать результат]"} {
		c.do(s)
	}
	var rules []string
	for _, f := range c.reply.RuleFailures {
		rules = append(rules, f.Rule())
	}
	if got := strings.Join(rules, " "); got != "group.when child_benefit.eligible guardian.amount" {
		t.Errorf("rule failures: %s", got)
	}
	c.do("[Сохранить список (PDF)]")
	if items := c.reply.Checklist.Sections[1].Items; len(items) != 1 || items[0].Name != "Программа Астаны" {
		t.Errorf("checklist items: %+v", items)
	}
	// Another child, of 10: nothing fails and nothing is left out.
	c.do("[Изменить ответы]")
	c.do("[Изменить: Возраст]")
	c.do("10")
	c.do("[Показать результат]")
	c.do("~1. Пособие ребенку")
	c.do("!Не удалось проверить")
	if len(c.reply.RuleFailures) != 1 { // the group's when fails for every child
		t.Errorf("rule failures for a child of 10: %v", c.reply.RuleFailures)
	}
}

// The Service logs each failed rule once per update, with its file and line, and counts it
// through OnRuleFailure; the person still gets an answer.
func TestTheServiceLogsAndCountsRuleFailures(t *testing.T) {
	rdb, stop, err := store.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	var logs bytes.Buffer
	svc := bot.NewService(failingEngine(t), store.NewSessions(rdb), slog.New(slog.NewTextHandler(&logs, nil)))
	counted := map[string]int{}
	svc.OnRuleFailure(func(f content.RuleFailure) { counted[f.Rule()]++ })
	ctx := context.Background()
	var last bot.Reply
	for _, in := range []bot.Input{
		{Kind: bot.InputButton, Data: "l:ru"}, {Kind: bot.InputButton, Data: "g:a"}, {Kind: bot.InputButton, Data: "s:check"},
		{Kind: bot.InputButton, Data: "a:child"}, {Kind: bot.InputButton, Data: "a:y"}, {Kind: bot.InputButton, Data: "a:1"},
		{Kind: bot.InputText, Text: "8"}, {Kind: bot.InputButton, Data: "a:astana"}, {Kind: bot.InputButton, Data: "r"},
	} {
		replies := svc.Handle(ctx, 5, in).Replies
		if len(replies) == 0 {
			t.Fatalf("no answer to %+v", in)
		}
		last = replies[0]
	}
	if !strings.Contains(last.Text, "Программа Астаны") || !strings.Contains(last.Text, "Не удалось проверить") {
		t.Fatalf("the result:\n%s", last.Text)
	}
	if counted["child_benefit.eligible"] != 1 || counted["guardian.amount"] != 1 {
		t.Errorf("counted %v; want each service rule once, on the result", counted)
	}
	if counted["group.when"] < 2 {
		t.Errorf("counted %v; the group's when fails on every step after the first answer", counted)
	}
	for _, want := range []string{
		`level=ERROR msg="a content rule failed to run on a person's answers" chat=5 screener=check rule=child_benefit.eligible at=fixture/s.yaml:`,
		"integer divide by zero",
	} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("the logs lack %q:\n%s", want, logs.String())
		}
	}
}

// Content tests refuse content whose rules fail on a case's answers.
func TestContentTestsReportARuleThatFailsOnACase(t *testing.T) {
	b, _ := locales.Bundle()
	c := failingRules(t, `  - name: a child of 8
    screener: check
    answers: {who: child, established: true, group: "1", age: 8, region: astana}
    match: [astana_only]
`)
	_, failed, failures := bot.NewEngine(c, b).RunContentTests()
	all := strings.Join(failures, "\n")
	for _, want := range []string{
		"a child of 8 (ru): child_benefit.eligible (fixture/s.yaml:", "failed to run: runtime error: integer divide by zero (1:38)",
		"a child of 8 (kk): guardian.amount",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("content test failures lack %q:\n%s", want, all)
		}
	}
	if failed < 2 {
		t.Errorf("%d runs failed", failed)
	}
}
