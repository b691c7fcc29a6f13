package telegram_test

import (
	"strings"
	"testing"

	"github.com/qamqor/qamqor/content"
)

// The scripted run of issue 16: a danger phrase typed at each kind of question — a menu,
// a questionnaire's choice question and its number question, a question for the
// specialists, a partner's referral note — is answered with the emergency numbers, through
// Telegram and Redis, in both languages; the button back returns to the same place, and
// nothing typed reaches the operators or becomes a referral.
func TestDangerTypedAtEveryKindOfQuestionGetsTheEmergencyNumbers(t *testing.T) {
	w := newWorld(t)
	w.startEverything()
	type words struct {
		lang, menu, danger, back, topic, survey, forChild, yes, age, ask, main string
	}
	for _, l := range []words{
		{lang: "Русский", menu: "Главное меню", danger: "мущ бёт миня", back: "↩ Вернуться назад",
			topic: "Поддержка людей с инвалидностью", survey: "✓ Что мне положено? Короткий опрос", forChild: "Для своего ребенка",
			yes: "Да", age: "Сколько полных лет", ask: "Спросить специалиста", main: "Главное меню"},
		{lang: "Қазақша", menu: "Басты мәзір", danger: "күйеуім ұрады", back: "↩ Артқа қайту",
			topic: "Мүгедектігі бар адамдарға қолдау", survey: "✓ Маған не тиесілі? Қысқа сауалнама", forChild: "Өз балам үшін",
			yes: "Иә", age: "неше жаста", ask: "Маманнан сұрау", main: "Басты мәзір"},
	} {
		chat := int64(5001)
		if l.lang == "Қазақша" {
			chat = 5002
		}
		numbers := func(where string) {
			t.Helper()
			w.waitFor(func() bool { return strings.Contains(w.api.Last(chat).Text, "102") }, "the numbers")
			got := w.api.Last(chat).Text
			for _, n := range []string{"102", "112", "103", "150", "111"} {
				if !strings.Contains(got, n) {
					t.Errorf("%s, %s: the answer lacks %s:\n%s", l.lang, where, n, got)
				}
			}
		}
		w.text(polling, chat, "/start")
		w.press(polling, chat, l.lang)
		w.screen(chat, l.menu)

		// A menu.
		w.text(polling, chat, l.danger)
		numbers("a menu")
		w.press(polling, chat, l.back)
		w.screen(chat, l.menu)

		// A questionnaire's choice question, then its number question.
		w.press(polling, chat, l.topic)
		w.press(polling, chat, l.survey)
		question := w.api.Last(chat).Text
		w.text(polling, chat, l.danger)
		numbers("a choice question")
		w.press(polling, chat, l.back)
		if got := w.api.Last(chat).Text; !strings.HasSuffix(question, lastParagraph(got)) {
			t.Errorf("%s: back from the numbers is not the question:\n%s", l.lang, got)
		}
		w.press(polling, chat, l.forChild)
		w.press(polling, chat, l.yes)
		if !strings.Contains(w.api.Last(chat).Text, l.age) {
			t.Fatalf("%s: not at the age question:\n%s", l.lang, w.api.Last(chat).Text)
		}
		w.text(polling, chat, "хочу покончить с собой")
		numbers("a number question")
		w.press(polling, chat, l.back)
		if got := w.api.Last(chat).Text; !strings.Contains(got, l.age) {
			t.Errorf("%s: back from the numbers is not the age question:\n%s", l.lang, got)
		}
		w.text(polling, chat, "8") // the answers were kept: the questionnaire goes on
		if got := w.api.Last(chat).Text; strings.Contains(got, l.age) {
			t.Errorf("%s: the age was not taken after going back:\n%s", l.lang, got)
		}

		// A question for the specialists.
		w.press(polling, chat, l.main)
		w.text(polling, chat, "/start helplines_150")
		w.press(polling, chat, l.ask)
		w.text(polling, chat, "ұрып жатыр, ребенка бьют")
		numbers("a question for the specialists")
		if got := len(w.api.Messages(-1001)); got != 0 {
			t.Errorf("%s: the operators were sent %d messages", l.lang, got)
		}
	}

	// A partner's referral note, in Russian and then in Kazakh.
	w.text(polling, admin, "/start")
	w.press(polling, admin, "Русский")
	w.text(polling, staff, "/start")
	w.press(polling, staff, "Русский")
	w.invitePartner("Шапағат")
	for _, lang := range []content.Lang{content.RU, content.KK} {
		if lang == content.KK {
			w.text(polling, staff, "/lang")
		}
		w.text(polling, staff, "/refer")
		w.press(polling, staff, map[content.Lang]string{content.RU: "✓ Что мне положено: инвалидность", content.KK: "✓ Маған не тиесілі: мүгедектік"}[lang])
		prompt := w.api.Last(staff).Text
		w.text(polling, staff, "клиентку избивает муж, паспорт отобрали")
		w.waitFor(func() bool { return strings.Contains(w.api.Last(staff).Text, "102") }, "the numbers")
		for _, m := range w.api.Messages(staff) {
			if m.Photo != nil {
				t.Fatalf("%s: the danger text became a referral: %s", lang, m.Photo.Caption)
			}
		}
		w.press(polling, staff, map[content.Lang]string{content.RU: "↩ Вернуться назад", content.KK: "↩ Артқа қайту"}[lang])
		if got := w.api.Last(staff).Text; got != prompt {
			t.Errorf("%s: back from the numbers does not ask for the note again:\n%s\nwant:\n%s", lang, got, prompt)
		}
	}
}

func lastParagraph(s string) string { return s[strings.LastIndex(s, "\n")+1:] }
