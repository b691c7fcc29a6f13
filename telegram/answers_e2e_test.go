package telegram_test

import (
	"strings"
	"testing"

	"github.com/qamqor/qamqor/content"
)

// On Telegram, in each language: "Main menu" mid-questionnaire asks first and "Continue"
// returns to the same question; the age question takes a number written in words; an
// answer with two numbers is asked again; "Leave" drops the answers for the main menu.
func TestAnswersPeopleTypeOnTelegram(t *testing.T) {
	c, _, err := content.Load(content.Embedded(), "content/data")
	if err != nil {
		t.Fatal(err)
	}
	sc, ok := c.ScreenerFor("disability")
	if !ok {
		t.Fatal("no disability screener")
	}
	who, _ := sc.Question("who")
	self, _ := who.Option("self")
	age, _ := sc.Question("age")
	group, _ := sc.Question("group")
	topic, _ := c.Node("disability")
	w := newWorld(t)
	w.start(polling)
	for i, tc := range []struct {
		lang                                                                      content.Lang
		langLabel, start, yes, menu, ask, stay, leave, counter, words, two, twice string
	}{
		{content.RU, "Русский", "✓ Что мне положено? Короткий опрос", "Да", "Главное меню",
			"Выйти из опроса? Ваши ответы будут потеряны.", "Продолжить опрос", "Выйти", "Вопрос 3\n", "сорок пять лет", "9 лет и 5 месяцев", "больше одного числа"},
		{content.KK, "Қазақша", "✓ Маған не тиесілі? Қысқа сауалнама", "Иә", "Басты мәзір",
			"Сауалнамадан шығасыз ба? Жауаптарыңыз жойылады.", "Сауалнаманы жалғастыру", "Шығу", "3-сұрақ\n", "қырық бес жаста", "бес не алты", "бірнеше сан бар"},
	} {
		chat := int64(8100 + i)
		w.text(polling, chat, "/start")
		w.press(polling, chat, tc.langLabel)
		w.press(polling, chat, topic.ButtonLabel(tc.lang))
		w.press(polling, chat, tc.start)
		w.press(polling, chat, self.Label.In(tc.lang))
		w.press(polling, chat, tc.yes)
		w.lastHas(chat, age.Text.In(tc.lang), tc.counter)

		w.press(polling, chat, tc.menu)
		w.lastHas(chat, tc.ask)
		w.press(polling, chat, tc.stay)
		w.lastHas(chat, age.Text.In(tc.lang), tc.counter)

		w.text(polling, chat, tc.two)
		w.lastHas(chat, tc.twice, age.Text.In(tc.lang))
		w.text(polling, chat, tc.words)
		w.lastHas(chat, group.Text.In(tc.lang))

		w.text(polling, chat, "/menu")
		w.lastHas(chat, tc.ask)
		w.press(polling, chat, tc.leave)
		if got := w.api.Last(chat).Text; !strings.HasPrefix(got, c.Main().Title.In(tc.lang)) {
			t.Errorf("%s: Leave shows %q, not the main menu", tc.lang, got)
		}
	}
}
