package bot_test

import (
	"slices"
	"testing"

	"github.com/qamqor/qamqor/bot"
	"github.com/qamqor/qamqor/content"
)

// hasButton reports whether the last reply offers a button labelled label.
func (c *convo) hasButton(label string) bool {
	return slices.Contains(labels(c.reply), label)
}

// A result that matched nothing offers no checklist to save: it would be an empty page.
// One that matched something does, in either language.
func TestChecklistOfferedOnlyWhenSomethingMatched(t *testing.T) {
	for _, tc := range []struct {
		lang  string
		steps []string
		save  string
	}{
		{"ru", []string{"/start", "[Русский]", "[Инвалидность]", "[✓ Что мне положено? Короткий опрос]", "[Для себя]", "[Да]", "[I группа]", "30", "[область Ұлытау]", "[Показать результат]",
			"~ничего из нашего списка не подошло"}, "Сохранить список (PDF)"},
		{"kk", []string{"/start", "[Қазақша]", "[Мүгедектік]", "[✓ Маған не тиесілі? Қысқа сауалнама]", "[Өзім үшін]", "[Иә]", "[I топ]", "30", "[Ұлытау облысы]", "[Нәтижені көрсету]",
			"~ештеңе сәйкес келмеді"}, "Тізімді сақтау (PDF)"},
	} {
		c := &convo{t: t, e: screenerEngine(t, 2026)}
		for _, s := range tc.steps {
			c.do(s)
		}
		if c.hasButton(tc.save) {
			t.Errorf("%s: nothing matched, yet the result offers %q: %v", tc.lang, tc.save, labels(c.reply))
		}
		// The button of an older result, pressed now, sends no empty checklist.
		_, replies := c.e.Step(c.s, bot.Input{Kind: bot.InputButton, Data: "p"})
		if replies[0].Checklist != nil {
			t.Errorf("%s: a checklist of nothing was sent", tc.lang)
		}
		// Change the region to one where a service is: now there is something to save.
		c.s.Answers["region"] = "astana"
		c.s.Step = "res"
		c.step(bot.Input{Kind: bot.InputButton, Data: "h"})
		if !c.hasButton(tc.save) {
			t.Errorf("%s: something matched, yet no %q: %v", tc.lang, tc.save, labels(c.reply))
		}
		c.do("[" + tc.save + "]")
		if c.reply.Checklist == nil || len(c.reply.Checklist.Sections) != len(content.Langs) {
			t.Errorf("%s: no checklist in both languages: %+v", tc.lang, c.reply.Checklist)
		}
	}
}
