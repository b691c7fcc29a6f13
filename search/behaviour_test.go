package search_test

import (
	"testing"
	"testing/fstest"

	"github.com/qamqor/qamqor/content"
	"github.com/qamqor/qamqor/search"
)

// fixture is small content whose words the tests below know.
const fixture = `
nodes:
  - id: main
    title: {kk: Басты мәзір, ru: Главное меню}
    buttons: [guardianship, disability_groups, aids, children]
  - id: guardianship
    title: {kk: Қорғаншылық, ru: Опека над ребенком}
    text:
      kk: Ата-анасының қамқорлығынсыз қалған балаға қорғаншы тағайындалады. Қорғаншылық органына өтініш беріңіз.
      ru: Ребенку, оставшемуся без попечения родителей, назначают опекуна. Стать опекуном может совершеннолетний. Обратитесь в орган опеки.
  - id: disability_groups
    title: {kk: Мүгедектік топтары, ru: Группы инвалидности}
    text:
      kk: Комиссия мүгедектіктің үш тобының бірін белгілейді.
      ru: Комиссия устанавливает одну из трех групп инвалидности.
  - id: aids
    title: {kk: Оңалтудың техникалық құралдары, ru: Технические средства реабилитации}
    keywords: {kk: есту аппараты, ru: слуховой аппарат}
    text:
      kk: Мемлекет арбаларды, протездерді және басқа құралдарды береді.
      ru: Государство выдает кресла-коляски, протезы и другие средства.
  - id: children
    title: {kk: Балаларға арналған телефон, ru: Телефон для детей}
    text:
      kk: Балалар мен жасөспірімдерге арналған 111 байланыс орталығы тәулік бойы жұмыс істейді.
      ru: Контакт-центр 111 для детей и подростков работает круглосуточно, позвонить можно бесплатно.
synonyms:
  ru:
    - инвалидная коляска, технические средства
  kk:
    - мүгедектер арбасы, техникалық құралдар
`

func fixtureIndex(t *testing.T) *search.Index {
	t.Helper()
	c, _, err := content.Load(fstest.MapFS{"a.yaml": {Data: []byte(fixture)}}, "fixture")
	if err != nil {
		t.Fatal(err)
	}
	return search.New(c)
}

func TestWhatSearchUnderstands(t *testing.T) {
	x := fixtureIndex(t)
	cases := []struct {
		name  string
		lang  content.Lang
		query string
		want  string // the node expected first
	}{
		{"Russian inflection", content.RU, "как стать опекуном", "guardianship"},
		{"Russian inflection, plural", content.RU, "группами инвалидностей", "disability_groups"},
		{"Kazakh endings", content.KK, "қорғаншылыққа", "guardianship"},
		{"Kazakh endings with a stem change", content.KK, "мүгедектігімізді", "disability_groups"},
		{"Kazakh typed on a Russian keyboard", content.KK, "мугедектик топтары", "disability_groups"},
		{"Kazakh typed on a Russian keyboard, endings", content.KK, "корганшылыкка", "guardianship"},
		{"one typo in a long word", content.RU, "инволидности", "disability_groups"},
		{"a typo and a missing letter at the end", content.RU, "инвалидноть", "disability_groups"},
		{"two typos in a longer word", content.RU, "реобилитацыи средства", "aids"},
		{"a keyword the text does not use", content.RU, "слуховой аппарат", "aids"},
		{"a synonym phrase", content.RU, "инвалидная коляска", "aids"},
		{"a Kazakh synonym phrase", content.KK, "мүгедектер арбасы", "aids"},
		{"a number", content.RU, "позвонить 111", "children"},
		{"the main menu is never an answer", content.RU, "главное меню", ""},
		{"nothing about it", content.RU, "где купить билет на поезд", ""},
		{"only stop words", content.RU, "как что где", ""},
		{"short words are not guessed at", content.RU, "грпа", ""},
		{"one shared word of a longer question is not an answer", content.RU, "комиссия починить", ""},
		{"nor a keyword beside a word the content does not know", content.RU, "аппарат починить", ""},
		{"a word the content does not know leaves the rest to match", content.RU, "реабилитация для бабушки", "aids"},
		{"a misspelt short word that sounds the same", content.RU, "тилифон", "children"},
		{"Kazakh in the 2021 Latin alphabet", content.KK, "qorğanşılıqqa", "guardianship"},
		{"Kazakh in everyday Latin letters", content.KK, "mugedektik toptary", "disability_groups"},
		{"Russian in Latin letters", content.RU, "kak stat' opekunom", "guardianship"},
		{"Russian on the Latin keyboard layout", content.RU, "uheggs bydfkblyjcnb", "disability_groups"},
		{"Kazakh on the Latin keyboard layout", content.KK, "veutltrnbr njgnfhs", "disability_groups"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a := x.Search(tc.query, tc.lang, 3)
			got := ""
			if len(a.Results) > 0 {
				got = a.Results[0].Node.ID
			}
			if got != tc.want {
				t.Errorf("%q: first result %q, want %q (all: %v)", tc.query, got, tc.want, ids(a))
			}
			if a.Other {
				t.Errorf("%q: answered from the other language", tc.query)
			}
		})
	}
}

func TestTheOtherLanguageWhenNothingMatches(t *testing.T) {
	x := fixtureIndex(t)
	a := x.Search("опекун", content.KK, 3)
	if !a.Other || a.Lang != content.RU || len(a.Results) == 0 || a.Results[0].Node.ID != "guardianship" {
		t.Fatalf("a Russian word asked in Kazakh: %+v", a)
	}
	a = x.Search("қорғаншы", content.RU, 3)
	if !a.Other || a.Lang != content.KK || len(a.Results) == 0 || a.Results[0].Node.ID != "guardianship" {
		t.Fatalf("a Kazakh word asked in Russian: %+v", a)
	}
	// When the asked language has an answer, it is used.
	if a := x.Search("опека", content.RU, 3); a.Other || a.Lang != content.RU {
		t.Fatalf("asked and answered in Russian: %+v", a)
	}
}

func TestAtMostTheResultsAskedFor(t *testing.T) {
	x := fixtureIndex(t)
	if a := x.Search("инвалидности реабилитации опека 111 телефон", content.RU, 2); len(a.Results) > 2 {
		t.Fatalf("%d results, want at most 2", len(a.Results))
	}
}

func ids(a search.Answer) []string {
	var out []string
	for _, r := range a.Results {
		out = append(out, r.Node.ID)
	}
	return out
}
