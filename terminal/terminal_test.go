package terminal_test

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"

	"github.com/qamqor/qamqor/bot"
	"github.com/qamqor/qamqor/content"
	"github.com/qamqor/qamqor/internal/redistest"
	"github.com/qamqor/qamqor/locales"
	"github.com/qamqor/qamqor/store"
	"github.com/qamqor/qamqor/terminal"
)

func service(t *testing.T, srv *redistest.Server) *bot.Service {
	t.Helper()
	c, _, err := content.Load(content.Embedded(), "content/data")
	if err != nil {
		t.Fatal(err)
	}
	b, err := locales.Bundle()
	if err != nil {
		t.Fatal(err)
	}
	// A new store each time, as a restarted program has: nothing remembered in memory.
	return bot.NewService(bot.NewEngine(c, b), store.NewSessions(srv.Client()), slog.New(slog.NewTextHandler(io.Discard, nil)))
}

// chat runs a script (one line per input) and returns the transcript.
func chat(t *testing.T, svc *bot.Service, user int64, script ...string) string {
	t.Helper()
	var out strings.Builder
	input := ""
	if len(script) > 0 {
		input = strings.Join(script, "\n") + "\n"
	}
	in := strings.NewReader(input)
	if err := terminal.Chat(context.Background(), svc, user, in, &out, terminal.Options{SaveDir: t.TempDir()}); err != nil {
		t.Fatalf("chat: %v", err)
	}
	return out.String()
}

// current returns the screen the user is on: a run with no input prints just that.
func current(t *testing.T, srv *redistest.Server, user int64) string {
	t.Helper()
	return chat(t, service(t, srv), user)
}

// title is a screen's first line.
func title(screen string) string { return strings.SplitN(screen, "\n", 2)[0] }

// expectInOrder checks that each text appears in the transcript after the previous one.
func expectInOrder(t *testing.T, transcript string, texts ...string) {
	t.Helper()
	rest := transcript
	for _, want := range texts {
		i := strings.Index(rest, want)
		if i < 0 {
			t.Fatalf("transcript lacks %q after the earlier expectations; transcript:\n%s", want, transcript)
		}
		rest = rest[i+len(want):]
	}
}

// Walks per topic: the numbers to press from the main menu down to a leaf, and texts that
// leaf shows in each language. Button numbers follow the content's order.
var walks = []struct {
	topic string
	press []string
	leaf  map[content.Lang][]string
}{
	// Topics with a screener show "What can I get?" as button 1.
	{"disability", []string{"1", "3", "2"}, map[content.Lang][]string{ // benefits → for a child
		content.RU: {"Пособие на ребенка с инвалидностью", "81 871 ₸", "(2026)"},
		content.KK: {"Мүгедектігі бар балаға жәрдемақы", "81 871 ₸", "(2026)"},
	}},
	{"employment", []string{"2", "2", "1"}, map[content.Lang][]string{ // register → online
		content.RU: {"egov.kz", "карьерн"},
		content.KK: {"egov.kz", "мансап орталығ"},
	}},
	{"family", []string{"3", "4", "3"}, map[content.Lang][]string{ // guardianship → allowance
		content.RU: {"10 МРП", "Не подтверждено"},
		content.KK: {"10 АЕК", "Расталмаған"},
	}},
	{"helplines", []string{"5", "4", "1"}, map[content.Lang][]string{ // violence → what to do now
		content.RU: {"112", "111", "150"},
		content.KK: {"112", "111", "150"},
	}},
}

func TestScriptedRunReachesALeafOfEachTopicInEachLanguage(t *testing.T) {
	srv := redistest.Start(t)
	for i, lang := range content.Langs {
		choose := map[content.Lang]string{content.KK: "1", content.RU: "2"}[lang]
		back := map[content.Lang]string{content.KK: "← Артқа", content.RU: "← Назад"}[lang]
		menu := map[content.Lang]string{content.KK: "Басты мәзір", content.RU: "Главное меню"}[lang]
		for j, w := range walks {
			t.Run(string(lang)+"/"+w.topic, func(t *testing.T) {
				user := int64(100*i + j + 1)
				chat(t, service(t, srv), user, "/start", choose, w.press[0], w.press[1])
				section := title(current(t, srv, user))

				chat(t, service(t, srv), user, w.press[2])
				leaf := current(t, srv, user)
				for _, want := range w.leaf[lang] {
					if !strings.Contains(leaf, want) {
						t.Errorf("leaf screen lacks %q:\n%s", want, leaf)
					}
				}
				expectInOrder(t, leaf, back, menu)

				chat(t, service(t, srv), user, buttonNumber(t, leaf, back))
				if got := title(current(t, srv, user)); got != section {
					t.Errorf("Back from the leaf shows %q, want the section %q", got, section)
				}
				chat(t, service(t, srv), user, w.press[2], buttonNumber(t, leaf, menu))
				if got := title(current(t, srv, user)); got != menu {
					t.Errorf("Main menu from the leaf shows %q", got)
				}
			})
		}
	}
}

// buttonNumber finds the number printed before a button's label.
func buttonNumber(t *testing.T, screen, label string) string {
	t.Helper()
	for _, line := range strings.Split(screen, "\n") {
		if strings.HasSuffix(line, "] "+label) {
			return strings.TrimPrefix(strings.SplitN(strings.TrimSpace(line), "]", 2)[0], "[")
		}
	}
	t.Fatalf("no button %q in:\n%s", label, screen)
	return ""
}

func TestLanguageSwitchMidFlowKeepsThePlace(t *testing.T) {
	srv := redistest.Start(t)
	out := chat(t, service(t, srv), 1, "/start", "2", "1", "3", "/lang", "/lang")
	expectInOrder(t, out,
		"Пособия",                      // the Russian section
		"Тіл: қазақша", "Жәрдемақылар", // the same section in Kazakh
		"Язык: русский", "Пособия") // and back
}

func TestASecondRunContinuesTheConversation(t *testing.T) {
	srv := redistest.Start(t)
	chat(t, service(t, srv), 7, "/start", "2", "3", "3") // family → adoption
	out := chat(t, service(t, srv), 7)                   // a new run, nothing typed
	first := strings.SplitN(out, "\n", 2)[0]
	if first != "Усыновление" {
		t.Fatalf("a second run starts at %q, want the adoption screen; transcript:\n%s", first, out)
	}
	// Another user is a different conversation.
	if other := chat(t, service(t, srv), 8); !strings.HasPrefix(other, "Сәлеметсіз бе") {
		t.Fatalf("a new user starts with:\n%s", other)
	}
}

func TestNumbersWithoutAButtonAndOtherBadInput(t *testing.T) {
	srv := redistest.Start(t)
	long := strings.Repeat("ы", 12000)
	out := chat(t, service(t, srv), 3, "/start", "2", "1", "99", "0", "-1", "", long, "🙂", "/unknown", "\x07\x1b")
	expectInOrder(t, out,
		"Такой кнопки нет", "Поддержка людей с инвалидностью",
		"Такой кнопки нет", "Поддержка людей с инвалидностью",
		"Такой кнопки нет", "Поддержка людей с инвалидностью",
		"Сообщение пустое", "Поддержка людей с инвалидностью",
		"не нашёл подходящего ответа",
		"не нашёл подходящего ответа",
		"не знаю команду /unknown", "Поддержка людей с инвалидностью",
		"Сообщение пустое", "Поддержка людей с инвалидностью")
	// And the conversation is still where it was.
	if first := strings.SplitN(chat(t, service(t, srv), 3), "\n", 2)[0]; first != "Поддержка людей с инвалидностью" {
		t.Fatalf("after bad input the chat is at %q", first)
	}
}

func TestEndOfInputEndsTheChat(t *testing.T) {
	srv := redistest.Start(t)
	var out strings.Builder
	err := terminal.Chat(context.Background(), service(t, srv), 1, strings.NewReader("/start"), &out, terminal.Options{})
	if err != nil {
		t.Fatalf("a last line without a newline: %v", err)
	}
	if strings.Count(out.String(), "Сәлеметсіз бе") != 2 {
		t.Fatalf("the last line was not handled:\n%s", out.String())
	}
}

func TestATypedNumberIsAnAnswerWhereOneIsAsked(t *testing.T) {
	srv := redistest.Start(t)
	// Russian → disability → "What can I get?" → for myself → established: yes → age "2".
	out := chat(t, service(t, srv), 4, "/start", "2", "1", "1", "1", "1", "2")
	expectInOrder(t, out,
		"Сколько полных лет", "[b1] ← Назад", // while a number is asked, buttons are b1, b2...
		"В каком регионе") // ...so "2" was the age (no group below 7), not the second button
	// On the region screen numbers press buttons again: 21 is Back, to the age question.
	out = chat(t, service(t, srv), 4, "21")
	expectInOrder(t, out, "В каком регионе", "Сколько полных лет", "[b1] ← Назад")
}

func TestAQuestionTypedInTheTerminal(t *testing.T) {
	srv := redistest.Start(t)
	// Kazakh: a question, then the first answer opened by its number.
	out := chat(t, service(t, srv), 9, "/start", "1", "жастар практикасы", "1")
	expectInOrder(t, out,
		"Сұрағыңыз бойынша табылғаны", "[1] Жастар практикасы",
		"Жастар практикасы")
	// Russian, and a question nothing answers.
	out = chat(t, service(t, srv), 10, "/start", "2", "прогноз погоды на завтра")
	expectInOrder(t, out, "не нашёл подходящего ответа", "[1] Поддержка людей с инвалидностью")
}
