package content_test

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/qamqor/qamqor/content"
)

// mainNode is a valid main menu leading to the node "topic".
const mainNode = `nodes:
  - id: main
    title: {kk: Басты мәзір, ru: Главное меню}
    text: {kk: Тақырыпты таңдаңыз, ru: Выберите тему}
    buttons: [topic]
`

// topic is a valid leaf; cases replace parts of it.
const topic = `nodes:
  - id: topic
    title: {kk: Мүгедектік, ru: Инвалидность}
    text:
      kk: Мүгедектік медициналық-әлеуметтік сараптама арқылы белгіленеді.
      ru: Инвалидность устанавливает медико-социальная экспертиза.
`

func load(files map[string]string) (content.Problems, error) {
	fsys := fstest.MapFS{}
	for name, text := range files {
		fsys[name] = &fstest.MapFile{Data: []byte(text)}
	}
	_, problems, err := content.Load(fsys, "dir")
	return problems, err
}

func TestValidContentLoads(t *testing.T) {
	problems, err := load(map[string]string{"main.yaml": mainNode, "topic.yaml": topic})
	if err != nil || len(problems) > 0 {
		t.Fatalf("valid content: err=%v problems=%v", err, problems)
	}
}

func TestEveryRuleReportsFileAndLine(t *testing.T) {
	cases := []struct {
		name  string
		topic string // replaces topic.yaml
		extra string // added as extra.yaml
		want  string // a line of the error, "file:line: message" in part
	}{
		{
			name:  "missing language",
			topic: strings.Replace(topic, "      ru: Инвалидность устанавливает медико-социальная экспертиза.\n", "", 1),
			want:  "dir/topic.yaml:4: text: missing ru (Russian) text",
		},
		{
			name:  "missing Kazakh title",
			topic: strings.Replace(topic, "{kk: Мүгедектік, ru: Инвалидность}", "{ru: Инвалидность}", 1),
			want:  "dir/topic.yaml:3: title: missing kk (Kazakh) text",
		},
		{
			name:  "link to an unknown node",
			topic: topic + "    buttons:\n      - nowhere\n",
			want:  `dir/topic.yaml:8: button leads to unknown node "nowhere"`,
		},
		{
			name:  "unreachable node",
			extra: "nodes:\n  - id: orphan\n    title: {kk: Жетім, ru: Сирота}\n    text: {kk: Мәтін, ru: Текст}\n",
			want:  `dir/extra.yaml:2: node "orphan" is unreachable from "main"`,
		},
		{
			name:  "dead end",
			topic: "nodes:\n  - id: topic\n    title: {kk: Мүгедектік, ru: Инвалидность}\n",
			want:  `dir/topic.yaml:2: node "topic" is a dead end`,
		},
		{
			name:  "text over Telegram's limit",
			topic: strings.Replace(topic, "устанавливает", strings.Repeat("очень ", 700), 1),
			want:  "dir/topic.yaml:4: ru title and text are",
		},
		{
			name:  "button label too long for a phone",
			topic: strings.Replace(topic, "ru: Инвалидность}", "ru: Поддержка людей с инвалидностью и их семей в Казахстане}", 1),
			want:  "dir/topic.yaml:3: ru button label is 55 characters, more than 40",
		},
		{
			name:  "duplicate id",
			extra: "nodes:\n  - id: topic\n    title: {kk: Қайта, ru: Снова}\n    text: {kk: Мәтін, ru: Текст}\n",
			want:  `dir/topic.yaml:2: duplicate id "topic" (first defined at dir/extra.yaml:2)`,
		},
		{
			name:  "Russian written in the Kazakh field",
			topic: strings.Replace(topic, "Мүгедектік медициналық-әлеуметтік сараптама арқылы белгіленеді.", "Инвалидность устанавливает медико-социальная экспертиза по месту жительства.", 1),
			want:  "dir/topic.yaml:4: text: the kk text has 7 words but none of the letters",
		},
		{
			name:  "Kazakh word in the Russian field",
			topic: strings.Replace(topic, "Инвалидность устанавливает", "Инвалидность белгіленеді", 1),
			want:  `dir/topic.yaml:4: text: the ru text has the Kazakh word "белгіленеді"`,
		},
		{
			name:  "bad id",
			topic: strings.Replace(topic, "id: topic", "id: Topic-1", 1),
			extra: "nodes:\n  - id: topic\n    title: {kk: Тақырып, ru: Тема}\n    buttons: [Topic-1]\n",
			want:  `dir/topic.yaml:2: id "Topic-1" must be lowercase latin letters`,
		},
		{
			name:  "link that is not https",
			topic: topic + "    links:\n      - url: http://egov.kz\n        label: {kk: eGov порталы, ru: Портал eGov}\n",
			want:  `dir/topic.yaml:8: link url "http://egov.kz" must start with https://`,
		},
		{
			name:  "unknown key",
			topic: topic + "    titel: {kk: Қате, ru: Ошибка}\n",
			want:  `dir/topic.yaml:7: unknown key "titel" in node`,
		},
		{
			name:  "empty keywords",
			topic: topic + "    keywords: {kk: \" , \", ru: \"\"}\n",
			want:  `dir/topic.yaml:7: node "topic" has empty keywords`,
		},
		{
			name:  "a synonym group of one",
			extra: "synonyms:\n  ru:\n    - коляска\n",
			want:  "dir/extra.yaml:3: a synonym group needs at least two words or phrases",
		},
		{
			name:  "synonyms in an unknown language",
			extra: "synonyms:\n  en:\n    - wheelchair, chair\n",
			want:  `dir/extra.yaml:2: unknown language "en" in synonyms`,
		},
		{
			name:  "YAML syntax",
			topic: strings.Replace(topic, "{kk: Мүгедектік, ru: Инвалидность}", "Мүгедектік: Инвалидность", 1),
			want:  "dir/topic.yaml:3: YAML syntax: mapping values are not allowed in this context",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			files := map[string]string{"main.yaml": mainNode, "topic.yaml": topic}
			if tc.topic != "" {
				files["topic.yaml"] = tc.topic
			}
			if tc.extra != "" {
				files["extra.yaml"] = tc.extra
			}
			problems, err := load(files)
			if err == nil {
				t.Fatalf("loaded without error; want %q", tc.want)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("errors:\n%v\nwant a line containing %q", err, tc.want)
			}
			if len(problems.Errors()) == 0 {
				t.Fatal("an error but no problems listed")
			}
		})
	}
}

func TestKeywordsAndSynonymsLoad(t *testing.T) {
	fsys := fstest.MapFS{
		"main.yaml":   {Data: []byte(mainNode)},
		"topic.yaml":  {Data: []byte(topic + "    keywords:\n      ru: оформить инвалидность, МСЭ\n")},
		"search.yaml": {Data: []byte("synonyms:\n  ru:\n    - коляска, кресло-коляска, технические средства\n  kk:\n    - арба, мүгедектер арбасы\n")},
	}
	c, _, err := content.Load(fsys, "dir")
	if err != nil {
		t.Fatal(err)
	}
	n, _ := c.Node("topic")
	if got := content.SplitList(n.Keywords.RU); strings.Join(got, "|") != "оформить инвалидность|МСЭ" {
		t.Errorf("keywords %q", got)
	}
	if got := c.Synonyms(content.RU); len(got) != 1 || strings.Join(got[0], "|") != "коляска|кресло-коляска|технические средства" {
		t.Errorf("ru synonyms %q", got)
	}
	if got := c.Synonyms(content.KK); len(got) != 1 || len(got[0]) != 2 {
		t.Errorf("kk synonyms %q", got)
	}
}

func TestMissingMainMenu(t *testing.T) {
	_, err := load(map[string]string{"topic.yaml": topic})
	if err == nil || !strings.Contains(err.Error(), `no node with id "main"`) {
		t.Fatalf("err = %v, want the missing main menu reported", err)
	}
}

func TestQuotedKazakhTitleAndProperNamesAreAllowedInRussian(t *testing.T) {
	ru := "Услуга «Баланы қонақ отбасыға беру» оказывается в области Ұлытау."
	problems, err := load(map[string]string{"main.yaml": mainNode, "topic.yaml": strings.Replace(topic, "Инвалидность устанавливает медико-социальная экспертиза.", ru, 1)})
	if err != nil {
		t.Fatalf("%v (problems %v)", err, problems)
	}
}

func TestShippedContentIsValid(t *testing.T) {
	c, problems, err := content.Load(content.Embedded(), "content/data")
	if err != nil {
		t.Fatalf("shipped content:\n%v", err)
	}
	for _, p := range problems {
		t.Logf("warning: %v", p)
	}
	if n := len(c.Regions()); n != 20 {
		t.Errorf("%d regions, want 20: 17 oblasts, Astana, Almaty and Shymkent", n)
	}
	for _, r := range c.Regions() {
		if r.Name.KK == "" || r.Name.RU == "" {
			t.Errorf("region %s lacks a name", r.ID)
		}
	}
	for _, topic := range []string{"disability", "employment", "family", "helplines"} {
		if depth := deepest(c, topic); depth < 3 {
			t.Errorf("topic %q goes %d levels deep, want at least 3", topic, depth)
		}
	}
}

// deepest returns the number of screens on the longest path of first visits from id.
func deepest(c *content.Content, id string) int {
	seen := map[string]bool{content.MainID: true}
	var walk func(string) int
	walk = func(id string) int {
		seen[id] = true
		n, _ := c.Node(id)
		best := 0
		for _, b := range n.Buttons {
			if !seen[b] {
				best = max(best, walk(b))
			}
		}
		return best + 1
	}
	return walk(id)
}
