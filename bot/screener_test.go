package bot_test

import (
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/qamqor/qamqor/bot"
	"github.com/qamqor/qamqor/content"
	"github.com/qamqor/qamqor/locales"
)

// screenerFixture adds a screener on topic "a" to the fixture: for whom; whether disability
// is established; its group (only if established); age; region.
var screenerFixture = func() fstest.MapFS {
	fs := fstest.MapFS{}
	for k, v := range fixture {
		fs[k] = v
	}
	fs["s.yaml"] = &fstest.MapFile{Data: []byte(`reference:
  mrp: {2025: 3932, 2026: 4325}
  pm: {2025: 46228, 2026: 50851}
regions:
  - {id: astana, name: {kk: Астана қаласы, ru: г. Астана}}
  - {id: ulytau, name: {kk: Ұлытау облысы, ru: область Ұлытау}}
screeners:
  - id: check
    topic: a
    title: {kk: Маған не тиесілі, ru: Что мне положено}
    intro: {kk: Бес сұрақ қоямыз, ru: Зададим пять вопросов}
    questions:
      - id: who
        type: choice
        text: {kk: "Кім үшін сұрайсыз?", ru: "Для кого спрашиваете?"}
        short: {kk: Кім үшін, ru: Для кого}
        options:
          - {value: self, label: {kk: Өзім үшін, ru: Для себя}}
          - {value: child, label: {kk: Балам үшін, ru: Для ребенка}}
      - id: established
        type: yesno
        text: {kk: "Мүгедектік белгіленген бе?", ru: "Инвалидность установлена?"}
        short: {kk: Белгіленген, ru: Установлена}
      - id: group
        type: choice
        when: established
        text: {kk: "Қай топ?", ru: "Какая группа?"}
        short: {kk: Топ, ru: Группа}
        options:
          - {value: "1", label: {kk: I топ, ru: I группа}}
          - {value: "2", label: {kk: II топ, ru: II группа}}
      - id: age
        type: number
        min: 0
        max: 120
        text: {kk: "Жасы нешеде?", ru: "Сколько лет?"}
        short: {kk: Жасы, ru: Возраст}
      - id: region
        type: region
        text: {kk: "Қай өңір?", ru: "Какой регион?"}
        short: {kk: Өңір, ru: Регион}
    services: [child_benefit, guardian, assess, astana_only]
services:
  - id: child_benefit
    name: {kk: Балаға жәрдемақы, ru: Пособие ребенку}
    summary: {kk: "Ай сайынғы жәрдемақы, {{year}} жылы бірінші топқа {{amount child_benefit age=10 group=1}}", ru: "Ежемесячное пособие, в {{year}} году при I группе {{amount child_benefit age=10 group=1}}"}
    for: {kk: Мүгедектігі бар балаларға, ru: Детям с инвалидностью}
    eligible: 'who == "child" && established && age < 18'
    amount: 'ceil(age < 7 ? 1.61 * pm : (group == "1" ? 2.2 * pm : 1.83 * pm))'
    amount_sources: [src_news]
    amount_period: {kk: айына, ru: в месяц}
    documents: [{text: {kk: Туу туралы куәлік, ru: Свидетельство о рождении}}]
    channels:
      - kind: egov
        code: pass153
        url: https://egov.kz/cms/ru/services/pass153
        what: {kk: Өтінішті онлайн беріңіз, ru: Подайте заявление онлайн}
      - kind: con
        what: {kk: Құжаттарды ХҚО-ға апарыңыз, ru: Принесите документы в ЦОН}
    processing_time: {kk: 8 жұмыс күні, ru: 8 рабочих дней}
    legal_basis: [{act: code, article: "177"}]
    excludes: [guardian]
    offices: [social]
    contacts:
      - {region: astana, text: {kk: Астанадағы бөлім, ru: Отдел в Астане}}
    sources: [src_egov]
    checked_on: 2026-11-01
  - id: guardian
    name: {kk: Қорғаншыға төлем, ru: Выплата опекуну}
    summary: {kk: Айлық төлем, ru: Ежемесячная выплата}
    for: {kk: Қорғаншыларға, ru: Опекунам}
    eligible: 'who == "child"'
    amount: '10 * mrp'
    amount_period: {kk: айына, ru: в месяц}
    amount_unverified: true
    documents_unknown: {kk: Құжаттарды қорғаншылық органынан нақтылаңыз, ru: Документы уточните в органе опеки}
    channels: [{kind: office, office: guardianship, what: {kk: Өтініш жазыңыз, ru: Напишите заявление}}]
    legal_basis_unknown: {kk: Негізін 1414 нөмірінен нақтылаңыз, ru: Основание уточните по номеру 1414}
    sources: [src_news]
    checked_on: 2026-11-01
  - id: assess
    name: {kk: Мүгедектікті белгілеу, ru: Установление инвалидности}
    summary: {kk: Сараптама, ru: Экспертиза}
    for: {kk: Мүгедектігі әлі белгіленбегендерге, ru: "Тем, у кого инвалидность еще не установлена"}
    eligible: '!established'
    documents_unknown: {kk: Емханадан нақтылаңыз, ru: Уточните в поликлинике}
    channels: [{kind: polyclinic, what: {kk: Дәрігерге барыңыз, ru: Обратитесь к врачу}}]
    legal_basis: [{act: code, article: "12"}]
    sources: [src_gov]
    checked_on: 2026-11-01
  - id: astana_only
    name: {kk: Астана бағдарламасы, ru: Программа Астаны}
    summary: {kk: Жергілікті көмек, ru: Местная помощь}
    for: {kk: Барлығына, ru: Всем}
    eligible: 'true'
    regions: [astana]
    documents_unknown: {kk: Әкімдіктен нақтылаңыз, ru: Уточните в акимате}
    channels_unknown: {kk: Әкімдіктен нақтылаңыз, ru: Уточните в акимате}
    legal_basis_unknown: {kk: Әкімдік шешімі, ru: Решение акимата}
    sources: [src_gov]
    checked_on: 2026-11-01
sources:
  - {id: src_egov, url: https://egov.kz/cms/ru/services/pass153, title: Пособие, published: 2026-01-10, read: 2026-11-01}
  - {id: src_news, url: https://inform.kz/x, title: Новости, published: unknown, read: 2026-11-01}
  - {id: src_gov, url: https://www.gov.kz/situations/62, title: МСЭ, published: unknown, read: 2026-11-01}
  - {id: src_akimat, url: https://astana.gov.kz/contacts, title: Контакты, published: unknown, read: 2026-11-01}
acts:
  - {id: code, name: {kk: Әлеуметтік кодекс, ru: Социальный кодекс}, url: {kk: https://adilet.zan.kz/kaz/docs/K2300000224, ru: https://adilet.zan.kz/rus/docs/K2300000224}}
office_types:
  - {id: social, name: {kk: Жұмыспен қамту бөлімі, ru: Отдел занятости}}
  - {id: guardianship, name: {kk: Қорғаншылық органы, ru: Орган опеки}}
offices:
  - type: social
    region: astana
    name: {kk: Астана қаласының жұмыспен қамту басқармасы, ru: Управление занятости города Астаны}
    address: {kk: "Астана, Достық к., 13", ru: "Астана, ул. Достык, 13"}
    phones: ["+7 7172 55 14 74"]
    sources: [src_akimat]
    checked_on: 2026-11-01
  - type: guardianship
    region: all
    name: {ru: Линия 111}
    phones: ["111"]
    unconfirmed: true
    note: {kk: Нөмірді тексеріңіз, ru: Номер проверьте}
cases:
  - name: a child of 5 in Astana
    screener: check
    answers: {who: child, established: true, group: "1", age: 5, region: astana}
    match: [child_benefit, guardian, astana_only]
    no_match: [assess]
  - name: an adult without a group in Ulytau
    screener: check
    answers: {who: self, established: false, age: 40, region: ulytau}
    match: [assess]
    no_match: [child_benefit, guardian, astana_only]
`)}
	return fs
}()

func screenerEngine(t *testing.T, year int) *bot.Engine {
	t.Helper()
	c, _, err := content.LoadAt(screenerFixture, "fixture", time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	b, err := locales.Bundle()
	if err != nil {
		t.Fatal(err)
	}
	return bot.NewEngine(c, b, bot.WithClock(func() time.Time { return time.Date(year, 11, 22, 10, 0, 0, 0, time.UTC) }))
}

func TestScreenerToAPersonalResult(t *testing.T) {
	c := &convo{t: t, e: screenerEngine(t, 2026)}
	for _, s := range []string{
		"/start", "[Русский]", "[Инвалидность]",
		"~✓ Что мне положено?", "[✓ Что мне положено? Короткий опрос]",
		"~Зададим пять вопросов", "~Вопрос 1", "!Вопрос 1 из", "~Для кого спрашиваете?",
		"[Для ребенка]", "~Вопрос 2", "!Вопрос 2 из", "~Инвалидность установлена?",
		// The group question is asked now: nothing after it can change how many there are.
		"[Да]", "~Вопрос 3 из 5", "~Какая группа?",
		"[I группа]", "~Сколько лет?", "~от 0 до 120",
		"много", "~Не получилось прочитать «много» как число", "~Сколько лет?",
		// A long paste is quoted back short.
		"мне " + strings.Repeat("очень ", 2000) + "много лет", "~Не получилось прочитать «мне очень очень", "~…» как число", "~Сколько лет?",
		"250", "~Число 250 не подходит: нужно от 0 до 120", "~Сколько лет?",
		"-3", "~Число -3 не подходит",
		"5", "~Какой регион?", "~Ұлытау",
		"[г. Астана]",
		"~Проверьте ответы", "~Для кого: Для ребенка", "~Группа: I группа", "~Возраст: 5", "~Регион: г. Астана",
		"[Показать результат]",
		"~1. Пособие ребенку", "~Сумма: 81 871 ₸ в месяц (2026)", "~Документы:\n• Свидетельство о рождении",
		"~Куда обратиться — г. Астана:\n• Управление занятости города Астаны; Астана, ул. Достык, 13; тел. +7 7172 55 14 74", "~• Отдел в Астане", "~Проверено 01.11.2026; источники: egov.kz",
		"~Выплата опекуну", "~Сумма: Не подтверждено: 43 250 ₸ в месяц (2026)",
		"~Программа Астаны", "!Установление инвалидности",
		"[Почему не подошло остальное]", "~Установление инвалидности — Тем, у кого инвалидность еще не установлена",
	} {
		c.do(s)
	}
}

func TestChangingAnAnswerReasksOnlyWhatItAffects(t *testing.T) {
	c := &convo{t: t, e: screenerEngine(t, 2026)}
	for _, s := range []string{
		"/start", "[Русский]", "[Инвалидность]", "[✓ Что мне положено? Короткий опрос]",
		"[Для ребенка]", "[Нет]", "10", "[область Ұлытау]",
		"~Проверьте ответы", "!Группа",
		"[Показать результат]", "~Установление инвалидности", "!Программа Астаны",
		"[Почему не подошло остальное]", "~Программа Астаны — нет в вашем регионе",
		"[Показать результат]", "[Изменить ответы]",
		// Established: no → yes brings in the group question, and only it.
		"[Изменить: Установлена]", "~Инвалидность установлена?", "[Да]",
		"~Какая группа?", "[II группа]",
		"~Проверьте ответы", "~Возраст: 10", "~Регион: область Ұлытау", "~Группа: II группа",
		"[Показать результат]", "~Сумма: 93 058 ₸ в месяц (2026)", "!Установление инвалидности",
		// And back: yes → no drops the group answer without asking anything.
		"[Изменить ответы]", "[Изменить: Установлена]", "[Нет]", "~Проверьте ответы", "!Группа",
	} {
		c.do(s)
	}
}

func TestScreenerBackMainMenuAndLanguage(t *testing.T) {
	c := &convo{t: t, e: screenerEngine(t, 2026)}
	for _, s := range []string{
		"/start", "[Қазақша]", "[Мүгедектік]", "[✓ Маған не тиесілі? Қысқа сауалнама]",
		"[Балам үшін]", "~Мүгедектік белгіленген бе?",
		"/lang", "~Инвалидность установлена?", "~Язык: русский",
		"[← Назад]", "~Для кого спрашиваете?",
		"[← Назад]", "=a", "~Раздел А", // out of the screener, at its topic
		"[✓ Что мне положено? Короткий опрос]", "[Для себя]", "[Главное меню]", "~Выйти из опроса?", "[Выйти]", "=main",
	} {
		c.do(s)
	}
	if c.s.Screener != "" || c.s.Answers != nil {
		t.Fatalf("leaving kept the screener: %+v", c.s)
	}

	// The language button of the first message, pressed mid-screener, shows the question
	// in that language, where the next answer goes.
	c.do("[Инвалидность]")
	c.do("[✓ Что мне положено? Короткий опрос]")
	c.do("[Для ребенка]")
	c.step(bot.Input{Kind: bot.InputButton, Data: "l:kk"})
	c.do("~Мүгедектік белгіленген бе?")
	c.do("[Иә]")
	c.do("~Қай топ?")
}

func TestStaleScreenerButtons(t *testing.T) {
	e := screenerEngine(t, 2026)
	s := bot.Session{Lang: content.RU, Node: "a"}
	for _, data := range []string{"a:child", "e:who", "r", "p", "s:nowhere"} {
		after, replies := e.Step(s, bot.Input{Kind: bot.InputButton, Data: data})
		if !strings.Contains(replies[0].Text, "кнопка устарела") || after.Screener != "" {
			t.Errorf("%s outside a screener: %q, %+v", data, replies[0].Text, after)
		}
	}
	// Inside one, an answer that is not an option changes nothing.
	s, _ = e.Step(s, bot.Input{Kind: bot.InputButton, Data: "s:check"})
	after, replies := e.Step(s, bot.Input{Kind: bot.InputButton, Data: "a:martian"})
	if !strings.Contains(replies[0].Text, "кнопка устарела") || len(after.Answers) != 0 {
		t.Errorf("a foreign answer: %q, %+v", replies[0].Text, after)
	}
	after, replies = e.Step(s, bot.Input{Kind: bot.InputText, Text: "не знаю"})
	if !strings.Contains(replies[0].Text, "Выберите ответ одной из кнопок") || len(after.Answers) != 0 {
		t.Errorf("text for a choice: %q, %+v", replies[0].Text, after)
	}
}

func TestChecklistHasBothLanguages(t *testing.T) {
	c := &convo{t: t, e: screenerEngine(t, 2026)}
	for _, s := range []string{"/start", "[Русский]", "[Инвалидность]", "[✓ Что мне положено? Короткий опрос]",
		"[Для ребенка]", "[Да]", "[I группа]", "8", "[г. Астана]", "[Показать результат]", "[Сохранить список (PDF)]",
		"~Ваш список — в файле ниже"} {
		c.do(s)
	}
	cl := c.reply.Checklist
	if cl == nil || len(cl.Sections) != 2 {
		t.Fatalf("checklist: %+v", cl)
	}
	kk, ru := cl.Sections[0], cl.Sections[1]
	if kk.Lang != content.KK || ru.Lang != content.RU {
		t.Fatalf("sections in %s, %s; want kk, ru", kk.Lang, ru.Lang)
	}
	if kk.Items[0].Name != "Балаға жәрдемақы" || ru.Items[0].Name != "Пособие ребенку" || ru.Items[0].Amount != "111 873 ₸ в месяц (2026)" {
		t.Fatalf("items: %+v / %+v", kk.Items[0], ru.Items[0])
	}
	if !strings.Contains(strings.Join(kk.Answers, "\n"), "Кім үшін: Балам үшін") || !strings.Contains(ru.Made, "22.11.2026") {
		t.Fatalf("answers %v, made %q", kk.Answers, ru.Made)
	}
	it := ru.Items[0]
	if !strings.Contains(strings.Join(it.Offices, "\n"), "Отдел в Астане") || !strings.Contains(strings.Join(it.Offices, "\n"), "+7 7172 55 14 74") || it.OfficesTitle != "Куда обратиться — г. Астана" {
		t.Fatalf("the region's offices are missing: %q %q", it.OfficesTitle, it.Offices)
	}
	if !strings.Contains(it.Apply, "Подайте заявление онлайн") || it.Time != "8 рабочих дней" || it.Legal != "Социальный кодекс, ст. 177" ||
		!strings.Contains(strings.Join(it.Links, "\n"), "https://egov.kz/cms/ru/services/pass153") || it.Excludes != "Выплата опекуну" {
		t.Fatalf("the checklist item lacks the service's facts: %+v", it)
	}
	if cl.FileName() != "qamqor-check-2026-11-22.pdf" {
		t.Errorf("the checklist is named %q", cl.FileName())
	}
}

func TestAmountsUseTheLatestYearKnown(t *testing.T) {
	// In 2027 the content knows МРП only up to 2026: the amount says so.
	c := &convo{t: t, e: screenerEngine(t, 2027)}
	for _, s := range []string{"/start", "[Русский]", "[Инвалидность]", "[✓ Что мне положено? Короткий опрос]",
		"[Для ребенка]", "[Нет]", "3", "[г. Астана]", "[Показать результат]", "~43 250 ₸ в месяц (2026)"} {
		c.do(s)
	}
}

func TestContentCasesRunInBothLanguages(t *testing.T) {
	runs, failed, failures := screenerEngine(t, 2026).RunContentTests()
	if runs != 4 || failed != 0 {
		t.Fatalf("%d runs, %d failed: %v", runs, failed, failures)
	}

	// A case that expects the wrong thing fails in each language, pointing at itself.
	broken := fstest.MapFS{}
	for k, v := range screenerFixture {
		broken[k] = v
	}
	text := strings.Replace(string(screenerFixture["s.yaml"].Data),
		"    match: [assess]\n    no_match: [child_benefit, guardian, astana_only]",
		"    match: [assess, child_benefit]\n    no_match: [guardian, astana_only]", 1)
	broken["s.yaml"] = &fstest.MapFile{Data: []byte(text)}
	c, _, err := content.LoadAt(broken, "fixture", time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := locales.Bundle()
	_, failed, failures = bot.NewEngine(c, b).RunContentTests()
	if failed != 2 || !strings.Contains(strings.Join(failures, "\n"), "fixture/s.yaml:") || !strings.Contains(failures[0], "child_benefit should match and does not") {
		t.Fatalf("failed %d: %v", failed, failures)
	}
}

// TestShippedScreenersAreCoveredByContentTests requires a screener per topic, and every
// service matched by some case and left out by another, with every case passing in both
// languages.
func TestShippedScreenersAreCoveredByContentTests(t *testing.T) {
	c, _, err := content.Load(content.Embedded(), "content/data")
	if err != nil {
		t.Fatal(err)
	}
	for _, topic := range []string{"disability", "employment", "family"} {
		if _, ok := c.ScreenerFor(topic); !ok {
			t.Errorf("topic %q offers no screener", topic)
		}
	}
	matched, unmatched := map[string]bool{}, map[string]bool{}
	for _, tc := range c.Tests() {
		for _, id := range tc.Match {
			matched[id] = true
		}
		for _, id := range tc.NoMatch {
			unmatched[id] = true
		}
	}
	for _, sc := range c.Screeners() {
		for _, id := range sc.Services {
			if !matched[id] || !unmatched[id] {
				t.Errorf("service %s: matched by a case %v, left out by a case %v", id, matched[id], unmatched[id])
			}
		}
	}
	runs, failed, failures := newEngine(t, nil).RunContentTests()
	if runs == 0 || failed > 0 {
		t.Fatalf("%d runs, %d failed:\n%s", runs, failed, strings.Join(failures, "\n"))
	}
}
