package bot_test

import (
	"strings"
	"testing"
	"testing/fstest"
	"unicode"
	"unicode/utf16"

	"github.com/qamqor/qamqor/bot"
	"github.com/qamqor/qamqor/content"
	"github.com/qamqor/qamqor/locales"
)

// fixture is a small content graph: main → a → a1 → a11, and main → b.
var fixture = fstest.MapFS{"f.yaml": &fstest.MapFile{Data: []byte(`nodes:
  - id: main
    title: {kk: Басты мәзір, ru: Главное меню}
    text: {kk: Тақырыпты таңдаңыз, ru: Выберите тему}
    buttons: [a, b]
  - id: a
    title: {kk: Мүгедектік, ru: Инвалидность}
    text: {kk: Бөлім А, ru: Раздел А}
    buttons: [a1]
  - id: a1
    title: {kk: Жәрдемақылар, ru: Пособия}
    text: {kk: Бөлім А1, ru: Раздел А1}
    buttons: [a11]
    links:
      - url: {kk: "https://egov.kz/cms/kk", ru: "https://egov.kz/cms/ru"}
        label: {kk: eGov порталы, ru: Портал eGov}
  - id: a11
    title: {kk: Балаға, ru: Ребенку}
    text: {kk: Жәрдемақы сомасы, ru: Сумма пособия}
    sources: [egov.kz/cms/en/services/pass158_mtszn, "https://www.gov.kz/situations/62"]
  - id: b
    title: {kk: Жұмыс, ru: Работа}
    text: {kk: Бөлім Б, ru: Раздел Б}
`)}}

func newEngine(tb testing.TB, fsys fstest.MapFS, opts ...bot.Option) *bot.Engine {
	tb.Helper()
	var c *content.Content
	var err error
	if fsys == nil {
		c, _, err = content.Load(content.Embedded(), "content/data")
	} else {
		c, _, err = content.Load(fsys, "fixture")
	}
	if err != nil {
		tb.Fatal(err)
	}
	b, err := locales.Bundle()
	if err != nil {
		tb.Fatal(err)
	}
	return bot.NewEngine(c, b, opts...)
}

// convo drives the engine as a person would and checks what they would see.
type convo struct {
	t     *testing.T
	e     *bot.Engine
	s     bot.Session
	reply bot.Reply
}

func (c *convo) step(in bot.Input) {
	c.t.Helper()
	next, replies := c.e.Step(c.s, in)
	if len(replies) == 0 {
		c.t.Fatalf("no reply to %+v", in)
	}
	c.s, c.reply = next, replies[len(replies)-1]
}

// do runs one step written as: "/cmd" or "text" to send, "[Label]" to press a button,
// "=node" to check the screen, "~text" to check the reply contains text, "!text" to check
// it does not, "#n" to press a button that does not exist.
func (c *convo) do(step string) {
	c.t.Helper()
	switch {
	case strings.HasPrefix(step, "[") && strings.HasSuffix(step, "]"):
		label := step[1 : len(step)-1]
		for _, row := range c.reply.Buttons {
			for _, b := range row {
				if b.Label == label && b.Data != "" {
					c.step(bot.Input{Kind: bot.InputButton, Data: b.Data})
					return
				}
			}
		}
		c.t.Fatalf("no button %q in reply:\n%s\nbuttons: %v", label, c.reply.Text, labels(c.reply))
	case strings.HasPrefix(step, "="):
		want := step[1:]
		if got := c.s.Node; got != want && !(got == "" && want == content.MainID) {
			c.t.Fatalf("at %q, want %q; reply:\n%s", got, want, c.reply.Text)
		}
	case strings.HasPrefix(step, "~"):
		if !strings.Contains(c.reply.Text+"\n"+strings.Join(labels(c.reply), "\n"), step[1:]) {
			c.t.Fatalf("reply does not contain %q:\n%s\nbuttons: %v", step[1:], c.reply.Text, labels(c.reply))
		}
	case strings.HasPrefix(step, "!"):
		if strings.Contains(c.reply.Text, step[1:]) {
			c.t.Fatalf("reply contains %q:\n%s", step[1:], c.reply.Text)
		}
	case step == "#":
		c.step(bot.Input{Kind: bot.InputMissingButton})
	default:
		c.step(bot.Input{Kind: bot.InputText, Text: step})
	}
}

func labels(r bot.Reply) []string {
	var out []string
	for _, row := range r.Buttons {
		for _, b := range row {
			out = append(out, b.Label)
		}
	}
	return out
}

func TestNavigation(t *testing.T) {
	cases := []struct {
		name  string
		steps []string
	}{
		{"first contact greets in both languages", []string{"/start", "~Сәлеметсіз бе", "~Здравствуйте", "~Қазақша", "~Русский"}},
		{"choosing Russian opens the main menu", []string{"/start", "[Русский]", "=main", "~Главное меню", "~Инвалидность", "~Работа"}},
		{"choosing Kazakh opens the main menu", []string{"/start", "[Қазақша]", "=main", "~Басты мәзір", "~Мүгедектік"}},
		{"typing the language's name works too", []string{"/start", "русский", "=main"}},
		{"forward three levels", []string{"/start", "[Русский]", "[Инвалидность]", "=a", "[Пособия]", "=a1", "[Ребенку]", "=a11", "~Сумма пособия"}},
		{"back returns to exactly the previous screen", []string{"/start", "[Русский]", "[Инвалидность]", "[Пособия]", "[Ребенку]", "[← Назад]", "=a1", "[← Назад]", "=a", "[← Назад]", "=main"}},
		{"back after main menu returns to where you were", []string{"/start", "[Русский]", "[Инвалидность]", "[Пособия]", "[Главное меню]", "=main", "[← Назад]", "=a1"}},
		{"main menu from a leaf", []string{"/start", "[Қазақша]", "[Жұмыс]", "=b", "[Басты мәзір]", "=main", "~Басты мәзір"}},
		{"/menu opens the main menu", []string{"/start", "[Русский]", "[Инвалидность]", "/menu", "=main"}},
		{"/lang mid-flow keeps the position and the history", []string{"/start", "[Русский]", "[Инвалидность]", "[Пособия]", "/lang", "=a1", "~Жәрдемақылар", "~Тіл: қазақша", "[← Артқа]", "=a", "~Мүгедектік", "/lang", "=a", "~Инвалидность", "~Язык: русский"}},
		{"/start restarts but keeps the language choice", []string{"/start", "[Русский]", "[Инвалидность]", "/start", "=main", "~Здравствуйте", "[Русский]", "=main", "!Назад"}},
		{"/help explains and Back returns", []string{"/start", "[Русский]", "[Работа]", "/help", "~/lang", "~30 дней", "[← Назад]", "=b", "~Раздел Б"}},
		{"/help in Kazakh", []string{"/start", "[Қазақша]", "/help", "~/lang", "~30 күн"}},
		{"a deep link opens a topic after the language choice", []string{"/start a1", "~Қазақша", "[Қазақша]", "=a1", "~Жәрдемақылар", "[← Артқа]", "=main"}},
		{"a deep link for a known language opens at once", []string{"/start", "[Русский]", "/start@QamqorBot a11", "=a11", "~Сумма пособия"}},
		{"an unknown deep link is a plain start", []string{"/start", "[Русский]", "/start nowhere", "=main", "~Здравствуйте"}},
		{"text before a language is chosen asks for it", []string{"/start", "hello", "~Алдымен", "~Сначала выберите язык", "[Русский]", "=main"}},
		{"commands before a language is chosen ask for it", []string{"/start", "/menu", "~Сначала выберите язык"}},
		{"links open the page in the user's language", []string{"/start", "[Русский]", "[Инвалидность]", "[Пособия]", "~Портал eGov"}},
		{"sources are shown as sites", []string{"/start", "[Русский]", "[Инвалидность]", "[Пособия]", "[Ребенку]", "~Источники: egov.kz, gov.kz"}},
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

func TestBadInputKeepsThePlace(t *testing.T) {
	cases := []struct {
		name  string
		input bot.Input
		want  map[content.Lang]string
	}{
		{"a question nothing answers", bot.Input{Kind: bot.InputText, Text: "где купить билет на поезд?"}, map[content.Lang]string{content.RU: "не нашёл подходящего ответа", content.KK: "сай жауап таппадым"}},
		{"text that looks like SQL", bot.Input{Kind: bot.InputText, Text: "'; DROP TABLE sessions; --"}, map[content.Lang]string{content.RU: "не нашёл подходящего ответа", content.KK: "сай жауап таппадым"}},
		{"text that looks like HTML", bot.Input{Kind: bot.InputText, Text: "<script>alert(1)</script>"}, map[content.Lang]string{content.RU: "не нашёл подходящего ответа", content.KK: "сай жауап таппадым"}},
		{"only punctuation", bot.Input{Kind: bot.InputText, Text: "?!...,;:()"}, map[content.Lang]string{content.RU: "не нашёл подходящего ответа", content.KK: "сай жауап таппадым"}},
		{"empty message", bot.Input{Kind: bot.InputText, Text: "   "}, map[content.Lang]string{content.RU: "Сообщение пустое", content.KK: "Хабарлама бос"}},
		{"control characters only", bot.Input{Kind: bot.InputText, Text: "\x00\x07\x1b\u200b\u202e\r\n"}, map[content.Lang]string{content.RU: "Сообщение пустое", content.KK: "Хабарлама бос"}},
		{"very long text", bot.Input{Kind: bot.InputText, Text: strings.Repeat("пособие ", 2000)}, map[content.Lang]string{content.RU: "Вот что нашлось", content.KK: "орысша мәтіннен табылды"}},
		{"emoji only", bot.Input{Kind: bot.InputText, Text: "🙏🙏🙏"}, map[content.Lang]string{content.RU: "не нашёл подходящего ответа", content.KK: "сай жауап таппадым"}},
		{"invalid UTF-8", bot.Input{Kind: bot.InputText, Text: "\xff\xfe"}, map[content.Lang]string{content.RU: "Сообщение пустое", content.KK: "Хабарлама бос"}},
		{"unknown command", bot.Input{Kind: bot.InputText, Text: "/pay_me_now"}, map[content.Lang]string{content.RU: "не знаю команду /pay_me_now", content.KK: "/pay_me_now командасын білмеймін"}},
		{"a very long unknown command is cut", bot.Input{Kind: bot.InputText, Text: "/" + strings.Repeat("x", 5000)}, map[content.Lang]string{content.RU: "/xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…", content.KK: "/xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…"}},
		{"a number for a button that doesn't exist", bot.Input{Kind: bot.InputMissingButton}, map[content.Lang]string{content.RU: "Такой кнопки нет", content.KK: "Мұндай түйме жоқ"}},
		{"a button for a node that no longer exists", bot.Input{Kind: bot.InputButton, Data: "g:deleted_node"}, map[content.Lang]string{content.RU: "кнопка устарела", content.KK: "түйме ескірген"}},
		{"Back from an older screen", bot.Input{Kind: bot.InputButton, Data: "b:b"}, map[content.Lang]string{content.RU: "кнопка устарела", content.KK: "түйме ескірген"}},
		{"garbage button data", bot.Input{Kind: bot.InputButton, Data: "\x00<script>"}, map[content.Lang]string{content.RU: "кнопка устарела", content.KK: "түйме ескірген"}},
		{"a photo or a sticker", bot.Input{Kind: bot.InputUnsupported}, map[content.Lang]string{content.RU: "понимаю только текст и кнопки", content.KK: "тек мәтін мен түймелерді"}},
		{"a language that doesn't exist", bot.Input{Kind: bot.InputButton, Data: "l:en"}, map[content.Lang]string{content.RU: "кнопка устарела", content.KK: "түйме ескірген"}},
	}
	for _, tc := range cases {
		for lang, want := range tc.want {
			t.Run(tc.name+"/"+string(lang), func(t *testing.T) {
				e := newEngine(t, fixture)
				before := bot.Session{Lang: lang, Node: "a1", History: []string{"main", "a"}}
				after, replies := e.Step(before, tc.input)
				if len(replies) != 1 || !strings.Contains(replies[0].Text, want) {
					t.Fatalf("replies %+v, want one containing %q", replies, want)
				}
				if after.Node != before.Node || after.Lang != before.Lang || strings.Join(after.History, " ") != strings.Join(before.History, " ") {
					t.Fatalf("session changed from %+v to %+v", before, after)
				}
				if len(replies[0].Buttons) == 0 {
					t.Fatal("no buttons offered: the person has no way on")
				}
			})
		}
	}
}

func TestFreeTextOffersTheTopicsAndBackToWhereYouWere(t *testing.T) {
	c := &convo{t: t, e: newEngine(t, fixture)}
	for _, s := range []string{"/start", "[Русский]", "[Инвалидность]", "[Пособия]", "где мои деньги", "~Инвалидность", "~Работа", "=a1", "[← Назад]", "=a1", "~Раздел А1"} {
		c.do(s)
	}
}

func TestHistoryIsBounded(t *testing.T) {
	e := newEngine(t, fixture)
	s := bot.Session{Lang: content.RU}
	for i := 0; i < 3*bot.MaxHistory; i++ {
		target := "a"
		if i%2 == 1 {
			target = "b"
		}
		s, _ = e.Step(s, bot.Input{Kind: bot.InputButton, Data: "g:" + target})
	}
	if len(s.History) != bot.MaxHistory {
		t.Fatalf("history has %d entries, want %d", len(s.History), bot.MaxHistory)
	}
}

func TestAContentChangeThatRemovesYourScreenTakesYouToTheMainMenu(t *testing.T) {
	e := newEngine(t, fixture)
	s, replies := e.Step(bot.Session{Lang: content.RU, Node: "removed", History: []string{"main", "gone"}}, bot.Input{Kind: bot.InputResume})
	if s.Node != content.MainID || !strings.Contains(replies[0].Text, "Главное меню") {
		t.Fatalf("session %+v, reply %q", s, replies[0].Text)
	}
}

// outdated are the forms of «инвалид» that the law replaced in 2022.
var outdated = map[string]bool{"инвалид": true, "инвалида": true, "инвалиду": true, "инвалидом": true, "инвалиде": true, "инвалиды": true, "инвалидов": true, "инвалидам": true, "инвалидами": true, "инвалидах": true}

// TestEveryShippedScreenInBothLanguages opens every node of the shipped content in each
// language and checks what a person would see: their language, working buttons, sizes
// Telegram accepts, no missing strings.
func TestEveryShippedScreenInBothLanguages(t *testing.T) {
	e := newEngine(t, nil)
	c, _, err := content.Load(content.Embedded(), "content/data")
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range c.IDs() {
		for _, lang := range content.Langs {
			s, replies := e.Step(bot.Session{Lang: lang, Node: id, History: []string{content.MainID}}, bot.Input{Kind: bot.InputResume})
			if s.Node != id || len(replies) != 1 {
				t.Fatalf("%s/%s: session %+v, %d replies", id, lang, s, len(replies))
			}
			r := replies[0]
			if n := len(utf16.Encode([]rune(r.Text))); n > 4096 {
				t.Errorf("%s/%s: %d characters, over Telegram's 4096", id, lang, n)
			}
			for _, msg := range allMessageIDs() {
				if strings.Contains(r.Text, "["+string(msg)+"]") {
					t.Errorf("%s/%s: interface string %s is missing", id, lang, msg)
				}
			}
			for _, w := range strings.FieldsFunc(strings.ToLower(r.Text), func(r rune) bool { return !unicode.IsLetter(r) }) {
				if outdated[w] {
					t.Errorf("%s/%s: uses the outdated word %q; the official term is «лицо с инвалидностью»", id, lang, w)
				}
			}
			node, _ := c.Node(id)
			if len(r.Buttons) < len(node.Buttons)+1 {
				t.Errorf("%s/%s: %d button rows, want the node's %d plus navigation", id, lang, len(r.Buttons), len(node.Buttons))
			}
			for _, row := range r.Buttons {
				for _, b := range row {
					if b.Label == "" || (b.Data == "" && b.URL == "") {
						t.Errorf("%s/%s: empty button %+v", id, lang, b)
					}
					if len(b.Data) > 64 {
						t.Errorf("%s/%s: button data %q is over Telegram's 64 bytes", id, lang, b.Data)
					}
					if b.Data != "" {
						next, rs := e.Step(s, bot.Input{Kind: bot.InputButton, Data: b.Data})
						if strings.Contains(rs[0].Text, "устарела") || strings.Contains(rs[0].Text, "ескірген") {
							t.Errorf("%s/%s: button %q leads nowhere (%+v)", id, lang, b.Label, next)
						}
					}
				}
			}
		}
	}
}

// TestAScreenRemovedByANewVersionLeadsToTheNearestParent: a person deep in a topic whose
// screen a new content version removed is taken up to the nearest screen that remains.
func TestAScreenRemovedByANewVersionLeadsToTheNearestParent(t *testing.T) {
	withoutA11 := fstest.MapFS{"f.yaml": &fstest.MapFile{Data: []byte(strings.Replace(
		string(fixture["f.yaml"].Data), "    buttons: [a11]\n", "", 1))}}
	// a11 is unreachable now: drop it too.
	data := string(withoutA11["f.yaml"].Data)
	data = data[:strings.Index(data, "  - id: a11")] + data[strings.Index(data, "  - id: b\n"):]
	withoutA11["f.yaml"] = &fstest.MapFile{Data: []byte(data)}
	e := newEngine(t, withoutA11)

	for _, tc := range []struct {
		name      string
		before    bot.Session
		wantNode  string
		wantTrail string
	}{
		{"its parent remains", bot.Session{Lang: content.RU, Node: "a11", History: []string{"main", "a", "a1"}}, "a1", "main a"},
		{"history names gone screens too", bot.Session{Lang: content.RU, Node: "a11", History: []string{"main", "a", "a11"}}, "a", "main"},
		{"nothing remains", bot.Session{Lang: content.KK, Node: "a11", History: []string{"a11"}}, "main", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			after, replies := e.Step(tc.before, bot.Input{Kind: bot.InputResume})
			if after.Node != tc.wantNode || strings.Join(after.History, " ") != tc.wantTrail {
				t.Fatalf("at %q after %v, want %q after %q", after.Node, after.History, tc.wantNode, tc.wantTrail)
			}
			note := map[content.Lang]string{content.RU: "изменился или убран", content.KK: "өзгерді немесе алынып тасталды"}[tc.before.Lang]
			if !strings.Contains(replies[0].Text, note) {
				t.Fatalf("no note that the section changed:\n%s", replies[0].Text)
			}
		})
	}
	// Someone whose screen remains is not told anything.
	_, replies := e.Step(bot.Session{Lang: content.RU, Node: "a1", History: []string{"main", "a"}}, bot.Input{Kind: bot.InputResume})
	if strings.Contains(replies[0].Text, "изменился") {
		t.Fatalf("a note for a screen that remains:\n%s", replies[0].Text)
	}
}
