package telegram_test

import (
	"strings"
	"testing"
)

// TestAQuestionInOwnWordsGetsAnswers types questions on Telegram, in both languages and in
// both modes, and checks that the answer offers the matching screens as buttons that open
// them; and that a question nothing answers says so and offers the topics.
func TestAQuestionInOwnWordsGetsAnswers(t *testing.T) {
	cases := []struct {
		lang, question string
		intro          string // the start of the answer
		button         string // a result button must have this in its label
	}{
		{"Русский", "как получить пособие по инвалидности", "Вот что нашлось", "Пособи"},
		{"Қазақша", "жумыссыз ретинде тиркелу", "Сұрағыңыз бойынша табылғаны", "тіркел"},
		{"Русский", "опекунство над внуком", "Вот что нашлось", "опек"},
		{"Қазақша", "баланы асырап алу", "Сұрағыңыз бойынша табылғаны", "Асырап алу"},
	}
	for _, m := range []mode{polling, webhook} {
		t.Run(m.String(), func(t *testing.T) {
			w := newWorld(t)
			w.start(m)
			for i, tc := range cases {
				chat := int64(3000 + i)
				w.text(m, chat, "/start")
				w.press(m, chat, tc.lang)
				w.text(m, chat, tc.question)
				answer := w.api.Last(chat)
				if !strings.HasPrefix(answer.Text, tc.intro) {
					t.Fatalf("%q: the answer starts %q, want %q", tc.question, firstLine(answer.Text), tc.intro)
				}
				var results []string
				for _, row := range answer.Buttons {
					for _, b := range row {
						if strings.HasPrefix(b.CallbackData, "g:") {
							results = append(results, b.Text)
						}
					}
				}
				if len(results) == 0 || len(results) > 3 {
					t.Fatalf("%q: %d result buttons %v, want 1 to 3", tc.question, len(results), results)
				}
				if !strings.Contains(strings.ToLower(strings.Join(results, "\n")), strings.ToLower(tc.button)) {
					t.Errorf("%q: no result about %q among %q", tc.question, tc.button, results)
				}
				// The summary is of the first result.
				w.press(m, chat, results[0])
				opened := w.api.Last(chat)
				if summary := strings.SplitN(answer.Text, "\n\n", 3)[1]; !strings.HasPrefix(opened.Text, firstLine(summary)) {
					t.Errorf("%q: the summary is of %q, the first button opens %q", tc.question, firstLine(summary), firstLine(opened.Text))
				}
			}
		})
	}
}

func firstLine(s string) string {
	first, _, _ := strings.Cut(s, "\n")
	return first
}
