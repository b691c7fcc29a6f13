package stats_test

import (
	"maps"
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

// clocked is a service whose clock the test moves.
type clocked struct {
	svc      *bot.Service
	sessions *bottest.Sessions
	counts   *bottest.Stats
	at       time.Time
}

func setUpClock(t *testing.T, extra ...bot.Feature) *clocked {
	t.Helper()
	w := &clocked{sessions: bottest.NewSessions(), counts: bottest.NewStats(), at: now}
	w.svc = bot.NewService(bottest.Engine(t), w.sessions, bottest.Quiet, bot.WithServiceClock(func() time.Time { return w.at }))
	fs := append([]bot.Feature{admin.New(bottest.NewAdmin(), []int64{boss}, bottest.Quiet), stats.New(w.counts, nil)}, extra...)
	if err := w.svc.Register(append(fs, privacy.New())...); err != nil {
		t.Fatal(err)
	}
	return w
}

// screenerCounts are the completions and abandonments counted on day.
func (w *clocked) screenerCounts(day time.Time) map[string]int64 {
	out := map[string]int64{}
	for k, v := range w.counts.Counts(stats.Day(day)) {
		if len(k) > 10 && (k[:10] == "completed:" || k[:8] == "dropped:") {
			out[k] = v
		}
	}
	return out
}

func expectCounts(t *testing.T, what string, got, want map[string]int64) {
	t.Helper()
	if !maps.Equal(got, want) {
		t.Errorf("%s:\n got %v\nwant %v", what, got, want)
	}
}

// A run of a screener is completed once: going between the result and "why not", or back
// to the summary to change an answer and on to the result again, is the same run; starting
// the screener again and reaching its result is a new one. In both languages.
func TestACompletedRunIsCountedOnce(t *testing.T) {
	for _, lang := range []content.Lang{content.RU, content.KK} {
		t.Run(string(lang), func(t *testing.T) {
			w := setUpClock(t)
			sess := answered()
			sess.Lang = lang
			w.sessions.Set(10, sess)
			c := bottest.NewChat(t, w.svc, 10)
			c.Press("r")
			c.Press("w")
			c.Press("r")
			c.Press("k") // back to the summary
			c.Press("e:care_paid")
			c.Press("a:y")
			c.Press("r")
			c.Press("w")
			done := "completed:disability_check:" + string(lang)
			expectCounts(t, "one run, the result seen three times", w.screenerCounts(now), map[string]int64{done: 1})

			c.Press("s:disability_check") // a new run
			if s, _ := w.sessions.Get(10); s.Done || len(s.Answers) != 0 {
				t.Fatalf("a new run starts with the old one's result shown: %+v", s)
			}
			w.sessions.Set(10, sess) // its answers given
			c.Press("r")
			expectCounts(t, "two runs", w.screenerCounts(now), map[string]int64{done: 2})
		})
	}
}

// A run is abandoned when the person leaves it before its result — for the main menu,
// for another topic, by starting it afresh — once each; leaving after the result is not
// abandoning it.
func TestLeavingARunBeforeItsResultIsAbandoningIt(t *testing.T) {
	w := setUpClock(t)
	bottest.Russian(w.sessions, 10)
	c := bottest.NewChat(t, w.svc, 10)
	c.Press("g:disability")
	c.Press("s:disability_check")
	c.Press("a:self")
	c.Press("m") // main menu, at "established"
	c.Press("g:disability")
	c.Press("s:disability_check")
	c.Press("g:main") // another screen, at "who"
	c.Press("g:disability")
	c.Press("s:disability_check")
	c.Press("a:self")
	c.Press("s:disability_check") // afresh, at "established"
	expectCounts(t, "three runs left", w.screenerCounts(now), map[string]int64{
		"dropped:disability_check:established": 2, "dropped:disability_check:who": 1})

	w.sessions.Set(10, answered())
	c.Press("r")
	c.Press("m")
	expectCounts(t, "a run finished, then left", w.screenerCounts(now), map[string]int64{
		"dropped:disability_check:established": 2, "dropped:disability_check:who": 1, "completed:disability_check:ru": 1})
}

// A run nobody answers for a day is abandoned, counted when the chat next turns, on the
// day of its last answer in Kazakhstan's time; less than a day is still the same run, and
// a run left after a day is not counted twice.
func TestARunLeftForADayIsAbandoned(t *testing.T) {
	w := setUpClock(t)
	bottest.Russian(w.sessions, 10, 11)
	a, b := bottest.NewChat(t, w.svc, 10), bottest.NewChat(t, w.svc, 11)
	for _, c := range []*bottest.Chat{a, b} {
		c.Press("g:disability")
		c.Press("s:disability_check")
		c.Press("a:self")
	}
	first := now
	w.at = now.Add(23 * time.Hour)
	a.Press("a:y") // an answer the next evening: the same run
	expectCounts(t, "after 23 hours", w.screenerCounts(first), map[string]int64{})

	w.at = first.Add(48 * time.Hour)
	a.Text("/help") // a turn: the run waited 25 hours at "age"
	helped := w.at
	w.at = first.Add(30 * time.Hour)
	b.Press("m") // leaves after a day: abandoned once, at "established"
	expectCounts(t, "the day of b's last answer", w.screenerCounts(first), map[string]int64{"dropped:disability_check:established": 1})
	expectCounts(t, "the day of a's last answer", w.screenerCounts(first.Add(23*time.Hour)), map[string]int64{"dropped:disability_check:age": 1})
	expectCounts(t, "the day a came back", w.screenerCounts(helped), map[string]int64{})
}

// The only free text the statistics keep is what was typed when search found nothing and
// said so alone: what someone types in a feature's flow, or a reply that says anything
// besides "nothing found", never reaches the counts or /stats.
func TestOnlyASearchMissKeepsWhatWasTyped(t *testing.T) {
	w := setUpClock(t, typedElsewhere{})
	bottest.Russian(w.sessions, 10, 11, boss)
	for _, chat := range []int64{10, 11} {
		c := bottest.NewChat(t, w.svc, chat)
		c.Text("/listen")
		c.Text("муж бьет помогите")
		c.Text("где купить билет на поезд")
	}
	if n := w.counts.Askers(stats.Day(now), "муж бьет помогите"); n != 0 {
		t.Errorf("text typed to a feature was kept for the statistics (%d askers)", n)
	}
	if n := w.counts.Askers(stats.Day(now), "где купить билет на поезд"); n != 2 {
		t.Errorf("a search that found nothing: %d askers kept, want 2", n)
	}
	report := bottest.Texts(bottest.NewChat(t, w.svc, boss).Text("/stats 1"))[0]
	if want := "где купить билет на поезд — 2"; !strings.Contains(report, want) || strings.Contains(report, "бьет") {
		t.Errorf("/stats shows other free text, or not the search's:\n%s", report)
	}
}

// typedElsewhere takes the next typed text after /listen, as a safety screen or a
// specialist's question does.
type typedElsewhere struct{}

func (typedElsewhere) Name() string { return "elsewhere" }
func (typedElsewhere) Register(r *bot.Router) {
	r.Command("listen", "", func(t *bot.Turn) bool {
		t.Change(func(s bot.Session) bot.Session { s.Flow = "listen"; return s })
		t.Say(bot.Reply{Text: "listening"})
		return true
	})
	r.Flow("listen", func(t *bot.Turn) bool {
		t.Change(func(s bot.Session) bot.Session { s.Flow = ""; return s })
		t.Say(bot.Reply{Text: "heard"})
		return true
	})
}
