package bot_test

import (
	"math/rand/v2"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/qamqor/qamqor/bot"
	"github.com/qamqor/qamqor/content"
)

// offersLabel reports whether the last reply offers a button labelled label.
func (c *convo) offersLabel(label string) bool {
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
		if c.offersLabel(tc.save) {
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
		if !c.offersLabel(tc.save) {
			t.Errorf("%s: something matched, yet no %q: %v", tc.lang, tc.save, labels(c.reply))
		}
		c.do("[" + tc.save + "]")
		if c.reply.Checklist == nil || len(c.reply.Checklist.Sections) != len(content.Langs) {
			t.Errorf("%s: no checklist in both languages: %+v", tc.lang, c.reply.Checklist)
		}
	}
}

// The counter in Kazakh: "1-сұрақ" while the total can change, "3-сұрақ, барлығы 5" once
// it cannot.
func TestQuestionCounterInKazakh(t *testing.T) {
	c := &convo{t: t, e: screenerEngine(t, 2026)}
	for _, s := range []string{"/start", "[Қазақша]", "[Мүгедектік]", "[✓ Маған не тиесілі? Қысқа сауалнама]",
		"~1-сұрақ", "!барлығы", "[Балам үшін]", "~2-сұрақ", "!барлығы", "[Иә]", "~3-сұрақ, барлығы 5", "[I топ]", "~4-сұрақ, барлығы 5"} {
		c.do(s)
	}
	// Changing an answer from the summary that a later question depends on: no total.
	for _, s := range []string{"8", "[Астана қаласы]", "[Өзгерту: Белгіленген]", "~2-сұрақ", "!барлығы"} {
		c.do(s)
	}
}

var counterRe = regexp.MustCompile(`Вопрос (\d+)(?: из (\d+))?`)

// On every shipped screener, whatever the answers, the counter counts up by one and a
// total, once shown, is the number of questions the person is finally asked: it never
// jumps from "3 из 4" to "4 из 5".
func TestQuestionCountNeverJumps(t *testing.T) {
	e := newEngine(t, nil)
	rnd := rand.New(rand.NewPCG(16, 16))
	for _, sc := range e.Content().Screeners() {
		for run := 0; run < 200; run++ {
			s, replies := e.Step(bot.Session{Lang: content.RU, Node: sc.Topic}, bot.Input{Kind: bot.InputButton, Data: "s:" + sc.ID})
			var path []string
			var totals []int
			last := 0
			for strings.HasPrefix(s.Step, "q:") {
				m := counterRe.FindStringSubmatch(replies[0].Text)
				if m == nil {
					t.Fatalf("%s: no counter in %q", sc.ID, replies[0].Text)
				}
				n, _ := strconv.Atoi(m[1])
				if n != last+1 {
					t.Fatalf("%s after %v: question %d follows question %d", sc.ID, path, n, last)
				}
				last = n
				if m[2] != "" {
					total, _ := strconv.Atoi(m[2])
					totals = append(totals, total)
				}
				q, _ := sc.Question(strings.TrimPrefix(s.Step, "q:"))
				in := bot.Input{Kind: bot.InputText, Text: strconv.Itoa(q.Min + rnd.IntN(q.Max-q.Min+1))}
				if q.Type != content.Number {
					var answers []string
					for _, row := range replies[0].Buttons {
						for _, b := range row {
							if strings.HasPrefix(b.Data, "a:") {
								answers = append(answers, b.Data)
							}
						}
					}
					in = bot.Input{Kind: bot.InputButton, Data: answers[rnd.IntN(len(answers))]}
				}
				path = append(path, q.ID+"="+in.Text+in.Data)
				s, replies = e.Step(s, in)
			}
			for _, total := range totals {
				if total != last {
					t.Fatalf("%s after %v: a total of %d was shown, and %d questions were asked", sc.ID, path, total, last)
				}
			}
		}
	}
}

// A number question takes the number as people write it, in words or with words around
// it; an answer with no number, or with two, is asked again in the person's language and
// changes nothing.
func TestNumbersAsPeopleWriteThem(t *testing.T) {
	e := screenerEngine(t, 2026)
	// at the age question, in lang
	atAge := func(lang content.Lang) bot.Session {
		return bot.Session{Lang: lang, Node: "a", Screener: "check", Step: "q:age",
			Answers: map[string]string{"who": "child", "established": "n"}}
	}
	for _, tc := range []struct {
		lang content.Lang
		text string
		age  string // "" when the question is asked again
		says string
	}{
		{content.RU, "9 лет", "9", "Какой регион?"},
		{content.RU, "мне 45", "45", "Какой регион?"},
		{content.RU, "девять", "9", "Какой регион?"},
		{content.RU, "тридцать шесть", "36", "Какой регион?"},
		{content.RU, "сто двадцать", "120", "Какой регион?"},
		{content.RU, "сорок трёх", "43", "Какой регион?"},
		{content.RU, "дивять лет", "9", "Какой регион?"},
		{content.KK, "36 жастамын", "36", "Қай өңір?"},
		{content.KK, "тоғыз", "9", "Қай өңір?"},
		{content.KK, "отыз алты", "36", "Қай өңір?"},
		{content.KK, "жүз жиырма", "120", "Қай өңір?"},
		{content.KK, "қырық бес жаста", "45", "Қай өңір?"},
		{content.RU, "много", "", "Не получилось прочитать «много» как число. Напишите его цифрами, например 40."},
		{content.KK, "көп", "", "«көп» деген жазуды сан ретінде оқи алмадым"},
		{content.RU, "сто пятьдесят", "", "Число 150 не подходит: нужно от 0 до 120"},
		{content.KK, "жүз елу", "", "150 саны жарамайды: ең азы 0, ең көбі 120"},
		{content.RU, "9 лет и 5 месяцев", "", "В ответе «9 лет и 5 месяцев» больше одного числа, а нужно одно. Напишите одно число, например 40."},
		{content.KK, "бес не алты", "", "«бес не алты» жауабында бірнеше сан бар, ал бір ғана сан керек"},
	} {
		before := atAge(tc.lang)
		after, replies := e.Step(before, bot.Input{Kind: bot.InputText, Text: tc.text})
		if !strings.Contains(replies[0].Text, tc.says) {
			t.Errorf("%s %q: reply %q lacks %q", tc.lang, tc.text, replies[0].Text, tc.says)
		}
		if tc.age == "" {
			if !slices.Equal(answerList(after.Answers), answerList(before.Answers)) || after.Step != before.Step {
				t.Errorf("%s %q: a bad answer changed the session: %+v", tc.lang, tc.text, after)
			}
			if want := map[content.Lang]string{content.RU: "Сколько лет?", content.KK: "Жасы нешеде?"}[tc.lang]; !strings.Contains(replies[0].Text, want) {
				t.Errorf("%s %q: the question is not asked again: %q", tc.lang, tc.text, replies[0].Text)
			}
			continue
		}
		if got := after.Answers["age"]; got != tc.age {
			t.Errorf("%s %q: age %q, want %q", tc.lang, tc.text, got, tc.age)
		}
	}
}

func answerList(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k, v := range m {
		out = append(out, k+"="+v)
	}
	slices.Sort(out)
	return out
}

// "Main menu", /menu or /start in the middle of a questionnaire asks before dropping the
// answers; "Continue" returns to the same question with them kept, "Leave" drops them.
func TestMainMenuMidQuestionnaireAsksFirst(t *testing.T) {
	for _, tc := range []struct {
		lang                                 string
		open                                 []string
		ask, leave, stay, question, mainMenu string
	}{
		{"ru", []string{"/start", "[Русский]", "[Инвалидность]", "[✓ Что мне положено? Короткий опрос]", "[Для ребенка]"},
			"Выйти из опроса? Ваши ответы будут потеряны.", "Выйти", "Продолжить опрос", "Инвалидность установлена?", "Главное меню"},
		{"kk", []string{"/start", "[Қазақша]", "[Мүгедектік]", "[✓ Маған не тиесілі? Қысқа сауалнама]", "[Балам үшін]"},
			"Сауалнамадан шығасыз ба? Жауаптарыңыз жойылады.", "Шығу", "Сауалнаманы жалғастыру", "Мүгедектік белгіленген бе?", "Басты мәзір"},
	} {
		for _, leaveBy := range []string{"[" + tc.mainMenu + "]", "/menu", "/start"} {
			c := &convo{t: t, e: screenerEngine(t, 2026)}
			for _, s := range tc.open {
				c.do(s)
			}
			before := c.s
			c.do(leaveBy)
			c.do("~" + tc.ask)
			if !slices.Equal(answerList(c.s.Answers), answerList(before.Answers)) || c.s.Step != before.Step || c.s.Screener != "check" {
				t.Fatalf("%s %s: asking changed the session: %+v", tc.lang, leaveBy, c.s)
			}
			c.do("[" + tc.stay + "]")
			c.do("~" + tc.question)
			if got := c.s.Answers["who"]; got != "child" {
				t.Fatalf("%s %s: continuing lost the answer: %+v", tc.lang, leaveBy, c.s)
			}
			c.do(leaveBy)
			c.do("[" + tc.leave + "]")
			c.do("=main")
			if c.s.Screener != "" || c.s.Answers != nil {
				t.Fatalf("%s %s: leaving kept the questionnaire: %+v", tc.lang, leaveBy, c.s)
			}
		}
		// On the first question nothing is answered yet: nothing to lose, nothing asked.
		c := &convo{t: t, e: screenerEngine(t, 2026)}
		for _, s := range tc.open[:4] {
			c.do(s)
		}
		c.do("[" + tc.mainMenu + "]")
		c.do("=main")
		c.do("!" + tc.ask)
	}
}
