package bot_test

import (
	"strings"
	"testing"

	"github.com/qamqor/qamqor/bot"
	"github.com/qamqor/qamqor/content"
)

func TestAQuestionIsAnsweredWithScreens(t *testing.T) {
	cases := []struct {
		name  string
		steps []string
	}{
		{"a question in Russian, a result opened, Back to where it was asked", []string{
			"/start", "[Русский]", "[Работа]", "=b",
			"сумма пособия ребенку", "=b", "~Вот что нашлось", "~Ребенку\nСумма пособия", "~Ребенку",
			"[Ребенку]", "=a11", "[← Назад]", "=b",
		}},
		{"a question in Kazakh typed on a Russian keyboard", []string{
			"/start", "[Қазақша]", "жардемакы сомасы", "~Сұрағыңыз бойынша табылғаны", "~Балаға",
			"[Балаға]", "=a11",
		}},
		{"Russian typed in Latin letters", []string{
			"/start", "[Русский]", "summa posobiya", "~Вот что нашлось", "~Ребенку\nСумма пособия",
		}},
		{"Kazakh typed in Latin letters", []string{
			"/start", "[Қазақша]", "järdemaqy somasy", "~Сұрағыңыз бойынша табылғаны", "~Балаға\nЖәрдемақы сомасы",
		}},
		{"Russian typed on the Latin keyboard layout", []string{
			"/start", "[Русский]", "cevvf gjcj,bz", "~Вот что нашлось", "~Ребенку\nСумма пособия",
		}},
		{"a word the content does not know does not hide the rest", []string{
			"/start", "[Русский]", "работа для бабушки", "~Вот что нашлось", "~Работа\nРаздел Б",
		}},
		{"a word the content does not know does not hide the rest, in Kazakh", []string{
			"/start", "[Қазақша]", "әжеме жұмыс", "~Сұрағыңыз бойынша табылғаны", "~Жұмыс\nБөлім Б",
		}},
		{"Back from the answer returns to the screen", []string{
			"/start", "[Русский]", "[Инвалидность]", "пособия", "[← Назад]", "=a", "~Раздел А",
		}},
		{"a Russian question asked in Kazakh is answered, saying so", []string{
			"/start", "[Қазақша]", "сумма пособия", "~орысша мәтіннен табылды", "~Балаға", "!Сумма пособия",
		}},
		{"nothing fits: said plainly, with the topics", []string{
			"/start", "[Русский]", "[Работа]", "прогноз погоды на завтра", "=b",
			"~прогноз погоды на завтра", "~не нашёл подходящего ответа", "~Инвалидность", "~← Назад",
			"[← Назад]", "=b",
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := &convo{t: t, e: newEngine(t, fixture)}
			for _, s := range tc.steps {
				c.do(s)
			}
		})
	}
}

func TestAnAnswerOffersAtMostThreeScreensAndNeverMain(t *testing.T) {
	e := newEngine(t, nil)
	for _, lang := range content.Langs {
		for _, q := range []string{"пособие инвалидность ребенок опека работа", "жәрдемақы мүгедектік бала жұмыс қорғаншы", "главное меню", "басты мәзір"} {
			_, replies := e.Step(bot.Session{Lang: lang}, bot.Input{Kind: bot.InputText, Text: q})
			var results int
			for _, row := range replies[0].Buttons {
				for _, b := range row {
					if strings.HasPrefix(b.Data, "g:") && !strings.Contains(replies[0].Text, "таппадым") && !strings.Contains(replies[0].Text, "не нашёл") {
						results++
						if b.Data == "g:main" {
							t.Errorf("%q: the main menu offered as an answer", q)
						}
					}
				}
			}
			if results > 3 {
				t.Errorf("%q in %s: %d result buttons", q, lang, results)
			}
		}
	}
}

// A search answer shows its first screen's summary as the screen itself shows it: asked
// for by its title, every shipped screen's summary has its placeholders filled — an
// amount, the year, the МРП — in both languages, never «{{amount …}}» as typed.
func TestSearchSummariesFillPlaceholders(t *testing.T) {
	e := newEngine(t, nil)
	c, _, err := content.Load(content.Embedded(), "content/data")
	if err != nil {
		t.Fatal(err)
	}
	withPlaceholders := 0
	for _, id := range c.IDs() {
		n, _ := c.Node(id)
		for _, lang := range content.Langs {
			if strings.Contains(n.Text.In(lang), "{{") {
				withPlaceholders++
			}
			_, replies := e.Step(bot.Session{Lang: lang, Node: content.MainID}, bot.Input{Kind: bot.InputText, Text: n.Title.In(lang)})
			for _, r := range replies {
				if strings.Contains(r.Text, "{{") {
					t.Errorf("%s/%s: asked «%s», the answer shows a placeholder as typed:\n%s", id, lang, n.Title.In(lang), r.Text)
				}
			}
		}
	}
	if withPlaceholders == 0 {
		t.Fatal("no shipped screen has a placeholder: the test proves nothing")
	}
}
