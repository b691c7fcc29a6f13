package stats_test

import (
	"context"
	"errors"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/qamqor/qamqor/bot"
	"github.com/qamqor/qamqor/bot/admin"
	"github.com/qamqor/qamqor/bot/bottest"
	"github.com/qamqor/qamqor/bot/privacy"
	"github.com/qamqor/qamqor/bot/stats"
	"github.com/qamqor/qamqor/content"
)

const boss int64 = 1

// now is the service's clock: far from the machine's, so a count made with time.Now()
// lands on another day and shows; 23:30 UTC is 04:30 on 1 March in Kazakhstan (UTC+5),
// the day it is counted on.
var now = time.Date(2024, 2, 29, 23, 30, 0, 0, time.UTC)

// today is the day the stores are given for now.
var today = stats.Day(now)

// opening is a feature that counts, through the core, what the referrals count.
type opening struct{}

func (opening) Name() string { return "opening" }
func (opening) Register(r *bot.Router) {
	r.Command("opened", "", func(t *bot.Turn) bool {
		t.Count("referral:opened")
		t.Say(bot.Reply{Text: "ok"})
		return true
	})
}

type world struct {
	svc      *bot.Service
	sessions *bottest.Sessions
	counts   *bottest.Stats
	charts   [][]stats.Series
	days     []string
}

func setUp(t *testing.T, chartErr error) *world {
	t.Helper()
	w := &world{sessions: bottest.NewSessions(), counts: bottest.NewStats()}
	draw := func(title string, days []string, series []stats.Series) ([]byte, error) {
		w.charts, w.days = append(w.charts, series), days
		return []byte("png"), chartErr
	}
	w.svc = bot.NewService(bottest.Engine(t), w.sessions, bottest.Quiet, bot.WithServiceClock(func() time.Time { return now }))
	if err := w.svc.Register(admin.New(bottest.NewAdmin(), []int64{boss}, bottest.Quiet), stats.New(w.counts, draw), opening{}, privacy.New()); err != nil {
		t.Fatal(err)
	}
	bottest.Russian(w.sessions, boss)
	return w
}

func says(t *testing.T, r bot.Result, want string) {
	t.Helper()
	for _, text := range bottest.Texts(r) {
		if strings.Contains(text, want) {
			return
		}
	}
	t.Errorf("no reply says %q: %q", want, bottest.Texts(r))
}

// answered is a finished disability screener, on its summary.
func answered() bot.Session {
	return bot.Session{Lang: content.RU, Node: "disability", Screener: "disability_check", Step: "sum",
		Answers: map[string]string{"who": "self", "established": "y", "age": "45", "group": "1", "mobility": "y", "cause": "general", "care_paid": "n", "region": "karaganda"}}
}

// What the engine did is counted on the service's day, with nobody's id in it: a
// conversation started (by language, and by topic for a deep link), screens opened, a
// screener completed and one left halfway, searches that found nothing — with the text
// kept only when it holds no digits; other features' events count through the core.
func TestWhatTheEngineDidIsCountedOnTheServicesDay(t *testing.T) {
	w := setUp(t, nil)
	a := bottest.NewChat(t, w.svc, 10)
	a.Text("/start")
	a.Press("l:ru")         // started:ru, view:main
	a.Press("g:disability") // view:disability
	a.Press("s:disability_check")
	a.Press("a:self")
	a.Press("m")                // "Leave the questionnaire?"
	a.Press("mq")               // dropped on "established", view:main
	a.Text("/start disability") // started:ru, started:topic:disability, view:disability
	a.Text("где купить билет на поезд")
	a.Text("мой номер 87011234567 перезвоните")

	b := bottest.NewChat(t, w.svc, 11)
	w.sessions.Set(11, answered())
	b.Press("r") // completed:disability_check:ru
	b.Text("Где  купить билет на ПОЕЗД?")
	b.Text("/opened")

	want := map[string]int64{
		"started:ru": 2, "started:topic:disability": 1,
		"view:main": 2, "view:disability": 2,
		"dropped:disability_check:established": 1,
		"completed:disability_check:ru":        1,
		"search_miss:ru":                       3,
		"referral:opened":                      1,
	}
	if bottest.DayName(today) != "2024-03-01" {
		t.Fatalf("23:30 UTC on 29 February is counted on %s, not on 1 March, Kazakhstan's day", bottest.DayName(today))
	}
	got := w.counts.Counts(today)
	if !maps.Equal(got, want) {
		t.Errorf("counted on %s:\n got %v\nwant %v", bottest.DayName(today), got, want)
	}
	if n := w.counts.Askers(today, "где купить билет на поезд"); n != 2 {
		t.Errorf("%d people asked about the train, want 2 (one question, spelt two ways)", n)
	}
	if n := w.counts.Askers(today, "мой номер 87011234567 перезвоните"); n != 0 {
		t.Error("a question with a phone number in it was kept")
	}
	for _, day := range []time.Time{time.Now(), now, today.AddDate(0, 0, 1)} {
		if c := w.counts.Counts(day); len(c) != 0 && bottest.DayName(day) != bottest.DayName(today) {
			t.Errorf("counted on %s, not the service's day: %v", bottest.DayName(day), c)
		}
	}
}

// /stats sums the days asked for (7, at most 90), flushes the replica's counts first, and
// says what was counted, with a chart of conversations and screeners by day.
func TestStatsReportsTheDaysCounted(t *testing.T) {
	w := setUp(t, nil)
	for d, counts := range map[int]map[string]int64{
		0: {"started:ru": 3, "started:kk": 1, "view:main": 4, "view:disability": 2, "completed:disability_check:ru": 1,
			"search_miss:ru": 2, "referral:created": 2, "referral:opened": 1},
		3: {"started:kk": 2, "completed:disability_check:kk": 2, "dropped:disability_check:age": 1, "view:disability": 3},
		8: {"started:ru": 100}, // outside the week
	} {
		for name, n := range counts {
			w.counts.Count(today.AddDate(0, 0, -d), name, n)
		}
	}
	for _, chat := range []int64{20, 21} {
		w.counts.Miss(today, chat, "как оформить пособие на кота")
	}
	w.counts.Miss(today, 22, "один спросил")

	reader := bottest.NewChat(t, w.svc, boss)
	r := reader.Text("/stats")
	if w.counts.Flushes != 1 {
		t.Errorf("/stats flushed %d times, want once", w.counts.Flushes)
	}
	report := r.Replies[0].Text
	for _, want := range []string{
		"Статистика за 7 дней (24.02–01.03, время Казахстана, UTC+5):",
		"начато разговоров: 6 (по-казахски 3, по-русски 3)",
		"опросов пройдено до результата: 3",
		"опросов брошено на полпути: 1",
		"вопросов без ответа в поиске: 2",
		"чаще всего открывали: Поддержка людей с инвалидностью — 5; Главное меню — 4",
		"как оформить пособие на кота — 2",
		"направления: ждёт клиента 2, открыто 1",
	} {
		if !strings.Contains(report, want) {
			t.Errorf("the report lacks %q:\n%s", want, report)
		}
	}
	if strings.Contains(report, "один спросил") {
		t.Errorf("a question one person asked is shown:\n%s", report)
	}
	if r.Replies[0].Image == nil || len(w.charts) != 1 || len(w.days) != 7 || w.days[6] != "01.03" {
		t.Fatalf("the chart: image %v, drawn %d times over %v", r.Replies[0].Image != nil, len(w.charts), w.days)
	}
	series := w.charts[0]
	if len(series) != 3 || !slices.Equal(series[0].Values, []float64{0, 0, 0, 2, 0, 0, 1}) ||
		!slices.Equal(series[1].Values, []float64{0, 0, 0, 0, 0, 0, 3}) || !slices.Equal(series[2].Values, []float64{0, 0, 0, 2, 0, 0, 1}) {
		t.Errorf("the chart's series: %+v", series)
	}

	for arg, want := range map[string]string{"1000": "Статистика за 90 дней", "x": "Статистика за 7 дней", "1": "Статистика за 1 день (01.03–01.03"} {
		says(t, reader.Text("/stats "+arg), want)
	}
}

// A chart that cannot be drawn leaves the report in text; someone who is not an admin
// gets what any unknown command gets.
func TestStatsWithoutAChartAndForOthers(t *testing.T) {
	w := setUp(t, errors.New("no fonts"))
	r := bottest.NewChat(t, w.svc, boss).Text("/stats")
	if len(r.Replies) != 1 || r.Replies[0].Image != nil || !strings.Contains(r.Replies[0].Text, "Статистика за 7 дней") {
		t.Errorf("/stats without a chart: %+v", r.Replies)
	}
	bare, bareSessions := bottest.Service(t)
	bottest.Russian(bareSessions, 30)
	bottest.Russian(w.sessions, 30)
	person, unknown := bottest.NewChat(t, w.svc, 30), bottest.NewChat(t, bare, 30)
	for _, cmd := range []string{"/stats", "/stats 7"} {
		got, want := person.Text(cmd), unknown.Text(cmd)
		if !slices.Equal(bottest.Texts(got), bottest.Texts(want)) {
			t.Errorf("%s by a stranger: %q; an unknown command gets %q", cmd, bottest.Texts(got), bottest.Texts(want))
		}
	}
	if w.counts.Flushes != 1 {
		t.Errorf("flushed %d times: a stranger's /stats did something", w.counts.Flushes)
	}
}

// What a person's searches added is listed by /mydata (a count, never the words) and
// taken back by /forget — safe to run twice — so a question fewer people now asked is
// no longer shown.
func TestSearchesCountedAreKeptAndForgotten(t *testing.T) {
	w := setUp(t, nil)
	f := stats.New(w.counts, nil)
	ctx := context.Background()
	e := bottest.Engine(t)
	lines, err := f.Kept(ctx, 40, content.RU, e)
	if err != nil || len(lines) != 0 {
		t.Fatalf("kept about someone who asked nothing: %q %v", lines, err)
	}
	asker, other := bottest.NewChat(t, w.svc, 40), bottest.NewChat(t, w.svc, 41)
	bottest.Russian(w.sessions, 40, 41)
	asker.Text("где купить билет на поезд")
	other.Text("где купить билет на поезд")
	lines, err = f.Kept(ctx, 40, content.KK, e)
	if err != nil || len(lines) != 1 || !strings.Contains(lines[0], "1") || strings.Contains(lines[0], "поезд") {
		t.Fatalf("kept: %q %v", lines, err)
	}
	says(t, asker.Text("/mydata"), "поиски без ответа, учтённые в статистике: 1")
	reader := bottest.NewChat(t, w.svc, boss)
	says(t, reader.Text("/stats 1"), "где купить билет на поезд — 2")

	asker.Text("/forget")
	says(t, asker.Press("F:y"), "")
	if n, _ := w.counts.Asked(ctx, 40); n != 0 {
		t.Errorf("%d of the forgotten person's searches are still counted", n)
	}
	if err := f.Forget(ctx, 40); err != nil {
		t.Errorf("forgetting twice: %v", err)
	}
	if r := reader.Text("/stats 1").Replies[0].Text; strings.Contains(r, "поезд") {
		t.Errorf("a question only one person still asks is shown after /forget:\n%s", r)
	}
	if n, _ := w.counts.Asked(ctx, 41); n != 1 {
		t.Errorf("the other person's search: %d counted, want 1", n)
	}
}

// A question search answers only in part (its best screen matches less than half of what
// was asked) is counted and kept for editors like one nothing answered, marked «≈», in
// both languages: forgiving search must not hide what the content lacks. A question
// answered in full is not.
func TestAnswersInPartAreCountedForEditors(t *testing.T) {
	w := setUp(t, nil)
	bottest.Russian(w.sessions, 50, 51, 53)
	w.sessions.Set(52, bot.Session{Lang: content.KK})
	for _, chat := range []int64{50, 51} {
		r := bottest.NewChat(t, w.svc, chat).Text("ищу работу нигде не берут")
		if len(r.Replies) == 0 || len(r.Replies[0].Buttons) < 2 {
			t.Fatalf("the question found nothing, want screens answering it in part: %q", bottest.Texts(r))
		}
	}
	bottest.NewChat(t, w.svc, 52).Text("жұмыстан шығарып жіберді ақша төлей ме")
	bottest.NewChat(t, w.svc, 53).Text("как стать опекуном")

	got := w.counts.Counts(today)
	if got["search_partial:ru"] != 2 || got["search_partial:kk"] != 1 || got["search_miss:ru"] != 0 {
		t.Errorf("counted %v, want search_partial:ru 2 and search_partial:kk 1, and no miss", got)
	}
	if n := w.counts.Askers(today, "≈ ищу работу нигде не берут"); n != 2 {
		t.Errorf("%d people kept asking the question answered in part, want 2", n)
	}
	if n := w.counts.Askers(today, "≈ как стать опекуном") + w.counts.Askers(today, "как стать опекуном"); n != 0 {
		t.Error("a question answered in full was kept as unanswered")
	}
	report := bottest.NewChat(t, w.svc, boss).Text("/stats 1").Replies[0].Text
	for _, want := range []string{"вопросов, на которые поиск ответил лишь отчасти: 3", "≈ ищу работу нигде не берут — 2"} {
		if !strings.Contains(report, want) {
			t.Errorf("the report lacks %q:\n%s", want, report)
		}
	}
}
