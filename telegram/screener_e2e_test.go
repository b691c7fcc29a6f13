package telegram_test

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/qamqor/qamqor/checklist/checklisttest"
	"github.com/qamqor/qamqor/content"
)

// TestFromStartToAChecklistOnTelegram walks each screener in each language with the answers
// of its first content test case that matches something, and checks the result and the
// PDF document the chat receives.
func TestFromStartToAChecklistOnTelegram(t *testing.T) {
	c, _, err := content.Load(content.Embedded(), "content/data")
	if err != nil {
		t.Fatal(err)
	}
	w := newWorld(t)
	w.start(polling)
	labels := map[content.Lang]map[string]string{
		content.KK: {"lang": "Қазақша", "start": "✓ Маған не тиесілі? Қысқа сауалнама", "result": "Нәтижені көрсету", "save": "Тізімді сақтау (PDF)", "yes": "Иә", "no": "Жоқ"},
		content.RU: {"lang": "Русский", "start": "✓ Что мне положено? Короткий опрос", "result": "Показать результат", "save": "Сохранить список (PDF)", "yes": "Да", "no": "Нет"},
	}
	chat := int64(7000)
	for _, sc := range c.Screeners() {
		tc, ok := c.ExampleCase(sc.ID)
		if !ok {
			t.Errorf("screener %s has no matching content test case", sc.ID)
			continue
		}
		for _, lang := range content.Langs {
			chat++
			t.Run(sc.ID+"/"+string(lang), func(t *testing.T) {
				l := labels[lang]
				w.t = t
				w.text(polling, chat, "/start")
				w.press(polling, chat, l["lang"])
				topic, _ := c.Node(sc.Topic)
				if slices.Contains(c.Main().Buttons, sc.Topic) {
					w.press(polling, chat, topic.ButtonLabel(lang))
				} else { // a screener deeper in a topic: its screen by deep link
					w.text(polling, chat, "/start "+sc.Topic)
				}
				w.press(polling, chat, l["start"])
				w.answerScreener(polling, chat, c, sc, tc, lang)
				w.press(polling, chat, l["result"])
				// A long result is an edit and further messages, the buttons under the last.
				w.waitFor(func() bool {
					for _, row := range w.api.Last(chat).Buttons {
						for _, b := range row {
							if b.Text == l["save"] {
								return true
							}
						}
					}
					return false
				}, "the whole result, with its buttons")
				var names []string
				all := ""
				for _, m := range w.api.Messages(chat) {
					all += m.Text + "\n"
				}
				for _, id := range tc.Match {
					sv, _ := c.Service(id)
					names = append(names, sv.Name.KK, sv.Name.RU)
					if !strings.Contains(all, sv.Name.In(lang)) {
						t.Errorf("the result lacks %q", sv.Name.In(lang))
					}
				}
				w.press(polling, chat, l["save"])
				w.waitFor(func() bool { return w.api.Last(chat).Document != nil }, "the checklist document")
				doc := w.api.Last(chat).Document
				if !regexp.MustCompile(`^qamqor-` + tc.Screener + `-\d{4}-\d{2}-\d{2}\.pdf$`).MatchString(doc.Filename) {
					t.Errorf("document named %q, want qamqor-%s-<date>.pdf", doc.Filename, tc.Screener)
				}
				text := checklisttest.Text(t, doc.Data)
				for _, name := range names {
					if !strings.Contains(text, name) {
						t.Errorf("the PDF lacks %q", name)
					}
				}
			})
		}
	}
}

// answerScreener answers the questions of sc shown in chat with the test case's answers,
// until no question of sc is on screen.
func (w *world) answerScreener(m mode, chat int64, c *content.Content, sc *content.Screener, tc content.TestCase, lang content.Lang) {
	w.t.Helper()
	yes, no := "Да", "Нет"
	if lang == content.KK {
		yes, no = "Иә", "Жоқ"
	}
	for range len(sc.Questions) + 1 {
		var q *content.Question
		for _, x := range sc.Questions {
			if strings.Contains(w.api.Last(chat).Text, x.Text.In(lang)) {
				q = x
			}
		}
		if q == nil {
			return
		}
		switch v := tc.Answers[q.ID].(type) {
		case bool:
			w.press(m, chat, map[bool]string{true: yes, false: no}[v])
		case int:
			w.text(m, chat, fmt.Sprint(v))
		case string:
			if q.Type == content.Region {
				name, _ := c.RegionName(v, lang)
				w.press(m, chat, name)
			} else {
				o, _ := q.Option(v)
				w.press(m, chat, o.Label.In(lang))
			}
		}
	}
}
