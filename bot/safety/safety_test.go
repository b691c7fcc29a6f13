package safety_test

import (
	"context"
	"fmt"
	"io/fs"
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/qamqor/qamqor/bot"
	"github.com/qamqor/qamqor/bot/bottest"
	"github.com/qamqor/qamqor/bot/handoff"
	"github.com/qamqor/qamqor/bot/news"
	"github.com/qamqor/qamqor/bot/referrals"
	"github.com/qamqor/qamqor/bot/safety"
	"github.com/qamqor/qamqor/bot/stats"
	"github.com/qamqor/qamqor/content"
	"github.com/qamqor/qamqor/locales"
)

const operators = -100

// world is a service with safety and the features whose flows it must cover (handoff's
// question, referrals' note) and the statistics that must not learn what was typed.
type world struct {
	t        *testing.T
	svc      *bot.Service
	sessions *bottest.Sessions
	tickets  *bottest.Tickets
	refs     *bottest.Referrals
	stats    *bottest.Stats
}

func newWorld(t *testing.T) *world {
	t.Helper()
	w := &world{t: t, tickets: bottest.NewTickets(), refs: bottest.NewReferrals(time.Now), stats: bottest.NewStats()}
	w.svc, w.sessions = bottest.Service(t, safety.New(safety.Options{}), handoff.New(w.tickets, operators),
		referrals.New(w.refs, func(p string) string { return "https://t.me/qamqor_bot?start=" + p }, nil),
		stats.New(w.stats, nil))
	return w
}

// person is a chat that chose lang.
func (w *world) person(id int64, lang content.Lang) *bottest.Chat {
	w.sessions.Set(id, bot.Session{Lang: lang})
	return bottest.NewChat(w.t, w.svc, id)
}

// The emergency numbers, as every danger answer must give them.
var emergency = []string{"102", "112", "103", "150", "111"}

// texts in each language: what the danger answer and the buttons say.
var (
	backLabel = map[content.Lang]string{content.RU: "↩ Вернуться назад", content.KK: "↩ Артқа қайту"}
	safePhone = map[content.Lang]string{content.RU: "Безопасно на общем телефоне", content.KK: "Ортақ телефонды қауіпсіз пайдалану"}
	danger    = map[content.Lang]string{content.RU: "мущ бёт миня", content.KK: "күйеуім ұрады"}
)

// isNumbers fails unless r is the emergency answer: one reply with every number, the
// safe-phone advice one tap away and the button back.
func isNumbers(t *testing.T, r bot.Result, lang content.Lang) {
	t.Helper()
	if len(r.Replies) != 1 {
		t.Fatalf("the danger answer is %d replies, want 1: %q", len(r.Replies), bottest.Texts(r))
	}
	text := r.Replies[0].Text
	for _, n := range emergency {
		if !strings.Contains(text, n) {
			t.Errorf("the danger answer lacks %s: %q", n, text)
		}
	}
	if !strings.Contains(text, map[content.Lang]string{content.RU: "Источники: egov.kz", content.KK: "Дереккөздер: egov.kz"}[lang]) {
		t.Errorf("the danger answer does not name its sources: %q", text)
	}
	if bottest.Button(r, backLabel[lang]) == "" {
		t.Errorf("no %q on the danger answer: %+v", backLabel[lang], r.Replies[0].Buttons)
	}
	if bottest.Button(r, safePhone[lang]) == "" {
		t.Errorf("the shared-phone advice is not one tap from the danger answer: %+v", r.Replies[0].Buttons)
	}
}

func same(t *testing.T, what string, before, after bot.Session) {
	t.Helper()
	before.Seen, after.Seen = nil, nil // the mark that the update was handled is all that may change
	if !equalSessions(before, after) {
		t.Errorf("%s: the session changed: %+v → %+v", what, before, after)
	}
}

func equalSessions(a, b bot.Session) bool {
	return a.Lang == b.Lang && a.Node == b.Node && slices.Equal(a.History, b.History) && a.Screener == b.Screener &&
		a.Step == b.Step && mapsEqual(a.Answers, b.Answers) && a.Flow == b.Flow && a.Draft == b.Draft && a.Ref == b.Ref && a.Region == b.Region
}

func mapsEqual(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// On the main menu, danger typed is answered with the numbers, not searched: nothing of
// it reaches the unanswered searches, and the session is as it was.
func TestDangerOnAMenuGetsTheNumbersAndIsNotKept(t *testing.T) {
	for _, lang := range content.Langs {
		w := newWorld(t)
		p := w.person(1, lang)
		p.Text("/menu")
		before, _ := w.sessions.Get(1)
		isNumbers(t, p.Text(danger[lang]), lang)
		after, _ := w.sessions.Get(1)
		same(t, "a danger answer", before, after)
		if n := w.stats.Askers(time.Now(), danger[lang]); n != 0 {
			t.Errorf("%s: the danger text is kept as an unanswered search", lang)
		}
		// The test can fail: an ordinary question nobody answers is kept.
		p.Text("прогноз погоды на завтра")
		if w.stats.Askers(time.Now(), "прогноз погоды на завтра") == 0 {
			t.Fatalf("an unanswered search is not kept: the test above proves nothing")
		}
		// Back shows the main menu again.
		r := p.Press(bottest.Button(p.Last, backLabel[lang]))
		if !strings.Contains(r.Replies[0].Text, w.svc.Engine().Content().Main().Title.In(lang)) {
			t.Errorf("%s: back from the numbers is not the main menu: %q", lang, bottest.Texts(r))
		}
	}
}

// A questionnaire's choice question and its number question: typing danger gets the
// numbers, not «choose one of the buttons» or «not a number»; the button back asks the
// same question again with the answers kept, and the questionnaire goes on.
func TestDangerAtAQuestionnairesQuestionsAndBackToTheSameQuestion(t *testing.T) {
	labels := map[content.Lang][]string{
		content.RU: {"Для своего ребенка", "Да"},
		content.KK: {"Өз балам үшін", "Иә"},
	}
	for _, lang := range content.Langs {
		w := newWorld(t)
		p := w.person(1, lang)
		first := p.Press("s:disability_check")
		// The choice question.
		before, _ := w.sessions.Get(1)
		r := p.Text(danger[lang])
		isNumbers(t, r, lang)
		if strings.Contains(r.Replies[0].Text, "кнопок") || strings.Contains(r.Replies[0].Text, "түймелердің") {
			t.Errorf("%s: the danger answer still says to use the buttons: %q", lang, r.Replies[0].Text)
		}
		after, _ := w.sessions.Get(1)
		same(t, "at a choice question", before, after)
		back := p.Press(bottest.Button(r, backLabel[lang]))
		if got, want := lastLine(back), lastLine(first); got != want {
			t.Errorf("%s: back from the numbers is not the same question: %q, want %q", lang, got, want)
		}
		for _, l := range labels[lang] {
			data := bottest.Button(p.Last, l)
			if data == "" {
				t.Fatalf("%s: no answer %q on %q", lang, l, bottest.Texts(p.Last))
			}
			p.Press(data)
		}
		// The number question (the age), with the two answers before it.
		before, _ = w.sessions.Get(1)
		if len(before.Answers) != 2 || !p.Last.Replies[0].TypedAnswer {
			t.Fatalf("%s: not at the number question: %+v %q", lang, before, bottest.Texts(p.Last))
		}
		question := p.Last
		r = p.Text("хочу покончить с собой")
		isNumbers(t, r, lang)
		after, _ = w.sessions.Get(1)
		same(t, "at a number question", before, after)
		back = p.Press(bottest.Button(r, backLabel[lang]))
		if lastLine(back) != lastLine(question) || !back.Replies[0].TypedAnswer {
			t.Errorf("%s: back from the numbers is not the number question: %q", lang, bottest.Texts(back))
		}
		p.Text("8")
		if s, _ := w.sessions.Get(1); len(s.Answers) != 3 {
			t.Errorf("%s: after going back, the questionnaire did not take the answer: %+v", lang, s)
		}
	}
}

func lastLine(r bot.Result) string {
	text := r.Replies[len(r.Replies)-1].Text
	return text[strings.LastIndex(text, "\n")+1:]
}

// A question being written for the specialists (handoff's flow): danger typed is not the
// question — no draft, no ticket — and the button back returns to writing it.
func TestDangerWhileWritingToASpecialistIsNotTheQuestion(t *testing.T) {
	for _, lang := range content.Langs {
		w := newWorld(t)
		p := w.person(1, lang)
		p.Text("/start helplines_150")
		p.Press("A")
		before, _ := w.sessions.Get(1)
		if before.Flow == "" {
			t.Fatalf("%s: the question is not awaited: %+v", lang, before)
		}
		isNumbers(t, p.Text(danger[lang]), lang)
		after, _ := w.sessions.Get(1)
		same(t, "writing to a specialist", before, after)
		r := p.Press(bottest.Button(p.Last, backLabel[lang]))
		if s, _ := w.sessions.Get(1); s.Flow != before.Flow {
			t.Fatalf("%s: back from the numbers left the question: %+v %q", lang, s, bottest.Texts(r))
		}
		// The handoff's own prompt, not the core's generic "go on" (handoff's Resume).
		prompt := map[content.Lang]string{content.RU: "Напишите ваш вопрос", content.KK: "Сұрағыңызды"}[lang]
		if got := strings.Join(bottest.Texts(r), "\n"); !strings.Contains(got, prompt) {
			t.Errorf("%s: back from the numbers says %q, want the prompt to write the question (%q)", lang, got, prompt)
		}
		p.Text("Нужна консультация юриста")
		p.Press("A:send")
		ts, _ := w.tickets.UserTickets(context.Background(), 1)
		if len(ts) != 1 || ts[0].Question != "Нужна консультация юриста" {
			t.Errorf("%s: the ticket is %+v, want the question typed after the numbers alone", lang, ts)
		}
	}
}

// A partner's note for a referral: danger typed is not the note, and the button back asks
// for the note again (referrals' Resume).
func TestDangerInAReferralNoteIsNotTheNote(t *testing.T) {
	for _, lang := range content.Langs {
		w := newWorld(t)
		code, _ := w.refs.CreateInvite(context.Background(), "Фонд", 0)
		p := w.person(7, lang)
		p.Text("/start i_" + code)
		p.Text("/refer")
		sc, _ := w.svc.Engine().Content().Screener("disability_check")
		p.Press(bottest.Button(p.Last, "✓ "+sc.Title.In(lang)))
		prompt := p.Last
		before, _ := w.sessions.Get(7)
		if !strings.HasPrefix(string(before.Flow), "note:") {
			t.Fatalf("%s: the note is not awaited: %+v %q", lang, before, bottest.Texts(p.Last))
		}
		isNumbers(t, p.Text("клиентку избивает муж, продали в рабство"), lang)
		after, _ := w.sessions.Get(7)
		same(t, "a referral note", before, after)
		if rs, _, _ := w.refs.PartnerReferrals(context.Background(), 7, 0, 10); len(rs) != 0 {
			t.Errorf("%s: the danger text became a referral: %+v", lang, rs)
		}
		r := p.Press(bottest.Button(p.Last, backLabel[lang]))
		if bottest.Texts(r)[0] != bottest.Texts(prompt)[0] {
			t.Errorf("%s: back from the numbers does not ask for the note again: %q", lang, bottest.Texts(r))
		}
		if s, _ := w.sessions.Get(7); s.Flow != before.Flow {
			t.Errorf("%s: back from the numbers left the note: %+v", lang, s)
		}
	}
}

// /sos and the main menu's "Help now" give the same numbers, in both languages; /sos is in
// the command menu; /sos in the middle of a questionnaire keeps it for the button back.
func TestHelpNowIsOneTapFromEverywhere(t *testing.T) {
	for _, lang := range content.Langs {
		w := newWorld(t)
		cmds := w.svc.Commands(lang)
		if !slices.ContainsFunc(cmds, func(c bot.Command) bool {
			return c.Name == "sos" && c.Description != "" && !strings.HasPrefix(c.Description, "[")
		}) {
			t.Errorf("%s: /sos is not in the command menu: %+v", lang, cmds)
		}
		p := w.person(1, lang)
		menu := p.Text("/menu")
		help := bottest.Button(menu, map[content.Lang]string{content.RU: "🆘 Помощь сейчас", content.KK: "🆘 Шұғыл көмек"}[lang])
		if help == "" {
			t.Fatalf("%s: no Help now on the main menu: %+v", lang, menu.Replies[0].Buttons)
		}
		r := p.Press(help)
		for _, n := range emergency {
			if !strings.Contains(r.Replies[0].Text, n) {
				t.Errorf("%s: Help now lacks %s", lang, n)
			}
		}
		if bottest.Button(r, safePhone[lang]) == "" {
			t.Errorf("%s: the shared-phone advice is not one tap from Help now", lang)
		}
		first := p.Press("s:disability_check")
		before, _ := w.sessions.Get(1)
		r = p.Text("/sos")
		isNumbers(t, r, lang)
		after, _ := w.sessions.Get(1)
		same(t, "/sos", before, after)
		if back := p.Press(bottest.Button(r, backLabel[lang])); lastLine(back) != lastLine(first) {
			t.Errorf("%s: back from /sos is not the question: %q", lang, bottest.Texts(back))
		}
		// /sos while writing to a specialist keeps the question awaited.
		p.Text("/start helplines_150")
		p.Press("A")
		p.Text("/sos")
		p.Press(bottest.Button(p.Last, backLabel[lang]))
		if s, _ := w.sessions.Get(1); s.Flow == "" {
			t.Errorf("%s: back from /sos did not return to the question for the specialist", lang)
		}
	}
}

// Before a language is chosen, danger gets the numbers in both languages.
func TestDangerBeforeALanguageIsChosenIsAnsweredInBoth(t *testing.T) {
	w := newWorld(t)
	p := bottest.NewChat(t, w.svc, 3)
	r := p.Text("помогите муж бьет")
	if len(r.Replies) != 1 || !strings.Contains(r.Replies[0].Text, "Помощь сейчас") || !strings.Contains(r.Replies[0].Text, "Шұғыл көмек") {
		t.Fatalf("not the numbers in both languages: %q", bottest.Texts(r))
	}
	if s, _ := w.sessions.Get(3); s.Lang != "" || s.Node != "" {
		t.Errorf("the session moved: %+v", s)
	}
}

// "Nothing found" — a search that found nothing and a questionnaire that matched nothing —
// ends with the help lines and the topics, Help now among them.
func TestNothingFoundEndsWithHelpLinesAndTopics(t *testing.T) {
	help := map[content.Lang]string{content.RU: "звоните 112 или 102", content.KK: "112 немесе 102"}
	for _, lang := range content.Langs {
		w := newWorld(t)
		main := w.svc.Engine().Content().Main()
		p := w.person(1, lang)
		hasTopics := func(what string, r bot.Result) {
			t.Helper()
			last := r.Replies[len(r.Replies)-1]
			if !strings.Contains(last.Text, help[lang]) {
				t.Errorf("%s: %s does not end with the help lines: %q", lang, what, last.Text)
			}
			for _, id := range main.Buttons {
				n, _ := w.svc.Engine().Content().Node(id)
				if bottest.Button(r, n.ButtonLabel(lang)) == "" {
					t.Errorf("%s: %s lacks the topic %q", lang, what, n.ButtonLabel(lang))
				}
			}
		}
		hasTopics("a search that found nothing", p.Text("прогноз погоды на завтра"))

		// A questionnaire whose answers match nothing: a case of content's own tests.
		var none *bot.Session
		e := w.svc.Engine()
		for _, tc := range e.Content().Tests() {
			sc, _ := e.Content().Screener(tc.Screener)
			s := bot.Session{Lang: lang, Screener: tc.Screener, Step: bot.StepResult, Answers: stringAnswers(tc.Answers)}
			if yes, _ := e.Matched(s, sc); len(yes) == 0 {
				none = &s
				break
			}
		}
		if none == nil {
			t.Fatal("content has no test case that matches nothing")
		}
		w.sessions.Set(1, *none)
		r := p.Press("h")
		hasTopics("a questionnaire that matched nothing", r)
	}
}

// stringAnswers are a content test's answers as a session keeps them.
func stringAnswers(a content.Answers) map[string]string {
	out := map[string]string{}
	for k, v := range a {
		switch v := v.(type) {
		case bool:
			out[k] = map[bool]string{true: "y", false: "n"}[v]
		case int:
			out[k] = strconv.Itoa(v)
		default:
			out[k] = fmt.Sprint(v)
		}
	}
	return out
}

// The advice for a shared phone is one tap from the safety screen (and from Help now), and
// says, in both languages, how to delete the chat, mute it and hide the messages' preview.
func TestSharedPhoneAdviceIsOneTapFromTheSafetyScreen(t *testing.T) {
	c := bottest.Engine(t).Content()
	for _, parent := range []string{"helplines_violence", safety.HelpNow} {
		n, ok := c.Node(parent)
		if !ok || !slices.Contains(n.Buttons, "violence_safe_phone") {
			t.Errorf("the shared-phone advice is not a button of %s", parent)
		}
	}
	n, _ := c.Node("violence_safe_phone")
	for lang, want := range map[content.Lang][]string{
		content.RU: {"Удалить чат", "Отключить уведомления", "предпросмотр"},
		content.KK: {"Чатты өшіру", "Хабарландыруларды өшіру", "алдын ала қарау"},
	} {
		for _, w := range want {
			if !strings.Contains(n.Text.In(lang), w) {
				t.Errorf("%s: the shared-phone advice does not say %q", lang, w)
			}
		}
	}
}

// An admin writing a broadcast about violence is writing for others, not crying for help:
// the broadcast's flow is Authored, and its text reaches the draft.
func TestABroadcastAboutViolenceIsNotACryForHelp(t *testing.T) {
	const admin = 42
	sessions := bottest.NewSessions()
	svc := bot.NewService(bottest.Engine(t), sessions, bottest.Quiet)
	if err := svc.Register(safety.New(safety.Options{}), bottest.NewFixedRoles(map[int64]bot.Role{admin: bot.RoleAdmin}),
		news.New(bottest.NewNews(), news.Options{})); err != nil {
		t.Fatal(err)
	}
	bottest.Russian(sessions, admin)
	c := bottest.NewChat(t, svc, admin)
	c.Text("/broadcast")
	r := c.Text("Если вас бьет муж, звоните 111: бытовое насилие — не семейное дело")
	if strings.Contains(r.Replies[0].Text, "103") || !strings.Contains(r.Replies[0].Text, "на русском") {
		t.Errorf("the broadcast's text got the emergency numbers, not the next step: %q", bottest.Texts(r))
	}
	// The same words outside the flow are a cry for help.
	c.Text("/menu")
	if r := c.Text("Если вас бьет муж"); !strings.Contains(r.Replies[0].Text, "103") {
		t.Errorf("outside the broadcast, danger is not answered with the numbers: %q", bottest.Texts(r))
	}
}

// Content published without the Help now screen still leaves the numbers: the danger
// answer falls back to the interface's own list of them.
func TestWithoutTheHelpNowScreenTheNumbersRemain(t *testing.T) {
	fsys := fstest.MapFS{}
	err := fs.WalkDir(content.Embedded(), ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(content.Embedded(), path)
		if err != nil {
			return err
		}
		switch {
		case strings.HasSuffix(path, "main.yaml"):
			data = []byte(strings.Replace(string(data), "      - help_now\n", "", 1))
		case strings.HasSuffix(path, "helplines.yaml"):
			s := string(data)
			start, end := strings.Index(s, "  - id: help_now\n"), strings.Index(s, "  - id: helplines\n")
			data = []byte(s[:start] + s[end:])
		}
		fsys[path] = &fstest.MapFile{Data: data}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	c, _, err := content.Load(fsys, "content/data")
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := c.Node(safety.HelpNow); ok {
		t.Fatal("the Help now screen is still there: the test proves nothing")
	}
	bundle, err := locales.Bundle()
	if err != nil {
		t.Fatal(err)
	}
	sessions := bottest.NewSessions()
	svc := bot.NewService(bot.NewEngine(c, bundle), sessions, bottest.Quiet)
	if err := svc.Register(safety.New(safety.Options{})); err != nil {
		t.Fatal(err)
	}
	for _, lang := range content.Langs {
		sessions.Set(1, bot.Session{Lang: lang})
		r := bottest.NewChat(t, svc, 1).Text(danger[lang])
		for _, n := range emergency {
			if len(r.Replies) != 1 || !strings.Contains(r.Replies[0].Text, n) {
				t.Errorf("%s: without Help now, the danger answer lacks %s: %q", lang, n, bottest.Texts(r))
			}
		}
		if bottest.Button(r, backLabel[lang]) == "" {
			t.Errorf("%s: without Help now, no way back", lang)
		}
	}
}
