// Package stats is the statistics: counters by day of what people do, never who does it,
// and the questions search could not answer, kept only as anonymous, bounded counts.
// It counts what the engine did after each step, and what other features count through
// the core (bot.Turn.Count); admins read it with /stats.
package stats

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/qamqor/qamqor/bot"
	"github.com/qamqor/qamqor/content"
)

// Store keeps the counters (store.Stats): it buffers them in memory and writes them in
// batches, so counting adds no round trip to an update.
type Store interface {
	// Count adds n to counter name on day.
	Count(day time.Time, name string, n int64)
	// Miss records a search by chat that found nothing, with its text only when the text
	// holds no digits (so no phone or ID numbers are kept); "" otherwise. The store keeps
	// texts only as anonymous, bounded counts, and only those several people asked.
	Miss(day time.Time, chat int64, query string)
	// Forget takes back everything chat's searches added, for /forget; safe to run twice.
	Forget(ctx context.Context, chat int64) error
	// Flush writes what this replica holds, so /stats includes it.
	Flush(ctx context.Context) error
	// Day returns the counters of day and the texts of its searches that found nothing,
	// each with how many people asked it.
	Day(ctx context.Context, day time.Time) (counters map[string]int64, misses map[string]int64, err error)
	// Asked is how many of chat's searches that found nothing are counted, for /mydata.
	Asked(ctx context.Context, chat int64) (int, error)
	// MissPolicy says how many people must ask a question on a day before its text is
	// kept, and for how many days texts are kept.
	MissPolicy() (askers, days int)
}

// Series is one named series of daily values.
type Series struct {
	Name   string
	Values []float64
}

// Chart draws a daily chart as a PNG (chart.Daily).
type Chart func(title string, days []string, series []Series) ([]byte, error)

// Counter names. Other features count through the core (bot.Turn.Count) under names of
// their own: the referrals as "referral:<status>" ("referral:opened"), which /stats shows.
const (
	started   = "started:"   // started:<lang>, started:topic:<node>
	viewed    = "view:"      // view:<node>
	completed = "completed:" // completed:<screener>:<lang>
	dropped   = "dropped:"   // dropped:<screener>:<question>: left before the result
	missed    = "search_miss:"
	partial   = "search_partial:" // search_partial:<lang>: answered only in part
	referral  = "referral:"       // referral:<status>, counted by the referrals
)

// referralStatuses are the referrals' statuses /stats reports, with their names.
var referralStatuses = []struct {
	status string
	name   bot.MessageID
}{
	{"created", msgStatusCreated}, {"opened", msgStatusOpened}, {"completed", msgStatusCompleted}, {"closed", msgStatusClosed},
}

// How many days /stats sums by default, and at most.
const (
	defaultDays = 7
	maxDays     = 90
)

// Feature is the statistics.
type Feature struct {
	store Store
	chart Chart // nil: /stats answers in text only
}

// New returns the statistics kept in store; chart draws /stats's chart (nil: none).
func New(store Store, chart Chart) *Feature { return &Feature{store: store, chart: chart} }

// Name implements bot.Feature.
func (f *Feature) Name() string { return "stats" }

// Register implements bot.Feature.
func (f *Feature) Register(r *bot.Router) {
	r.Command("stats", bot.RoleAdmin, f.report, bot.InMenu(msgCommandStats))
	r.AdjustAt(stamped)
	r.AfterStep(f.counted)
	r.CountWith(f)
	r.Keep(f)
}

// Kazakhstan keeps one time zone, UTC+5, since 1 March 2024; a fixed zone rather than the
// system's tz database, which may be older than that change.
var kazakhstan = time.FixedZone("UTC+5", 5*60*60)

// Day is the day in Kazakhstan at t, as midnight UTC of that date: the stores name days by
// the UTC date of what they are given, so 23:30 UTC is counted on the next day, as it is
// 04:30 in Astana.
func Day(t time.Time) time.Time {
	k := t.In(kazakhstan)
	return time.Date(k.Year(), k.Month(), k.Day(), 0, 0, 0, 0, time.UTC)
}

// IdleAfter is how long a screener may wait for an answer before its run counts as
// abandoned.
const IdleAfter = 24 * time.Hour

// Count implements bot.Counter: an event another feature counts, on at's day.
func (f *Feature) Count(at time.Time, name string) { f.store.Count(Day(at), name, 1) }

// stamped records in the session when the open screener last had a turn (to the minute,
// so a turn within the same minute changes nothing), for the idle rule of counted.
func stamped(now time.Time, before, after bot.Session) bot.Session {
	if after.Screener == "" {
		after.Asked = 0
		return after
	}
	after.Asked = now.Truncate(time.Minute).Unix()
	return after
}

// counted records the events an engine step made: a conversation started, a screen seen,
// a screener completed or left halfway, a search that found nothing.
//
// A screener's run is completed once, when it first shows its result (Session.Done);
// going to "why not" and back, or changing an answer, is the same run; starting the
// screener again is a new one. A run is abandoned when the person leaves it before its
// result (the main menu, another topic, Back out of it, starting it again), or stops
// answering for IdleAfter: that is counted lazily, when the chat next turns, on the day of
// the run's last answer — a person who never writes again is not counted (their session
// expires unseen), and one who comes back and finishes counts the completion too.
func (f *Feature) counted(t *bot.Turn, before, after bot.Session, replies []bot.Reply) {
	day := Day(t.Now)
	// A conversation starts with /start in a known language, or, for someone new, when the
	// language is chosen after it.
	if (t.Cmd == "start" && after.Lang != "") || (before.Lang == "" && after.Lang != "") {
		f.store.Count(day, started+string(after.Lang), 1)
	}
	if t.Cmd == "start" {
		if _, ok := t.Engine.Content().Node(t.Arg); ok {
			f.store.Count(day, started+"topic:"+t.Arg, 1)
		}
	}
	if after.Lang != "" && after.Screener == "" && (after.CurrentNode() != before.CurrentNode() || before.Lang == "") {
		f.store.Count(day, viewed+after.CurrentNode(), 1)
	}
	if after.Screener != "" && after.Done && !(before.Done && before.Screener == after.Screener) {
		f.store.Count(day, completed+after.Screener+":"+string(after.Lang), 1)
	}
	if before.Screener != "" && !before.Done {
		idle := before.Asked != 0 && t.Now.Sub(time.Unix(before.Asked, 0)) >= IdleAfter
		restarted := after.Screener != "" && (after.Screener != before.Screener || (len(after.Answers) == 0 && len(before.Answers) > 0))
		switch {
		case idle:
			f.store.Count(Day(time.Unix(before.Asked, 0)), dropped+before.Screener+":"+before.ScreenerStep(), 1)
		case after.Screener == "" || restarted:
			f.store.Count(day, dropped+before.Screener+":"+before.ScreenerStep(), 1)
		}
	}
	// Only the engine's own "nothing found", and only as the whole answer to typed text,
	// keeps what was typed: an answer that says anything else (a safety screen another
	// feature or the engine puts first) means the text was not simply a question, and it
	// is not kept, not even counted as a miss.
	if len(replies) == 1 && replies[0].SearchMiss && t.In.Kind == bot.InputText {
		f.store.Count(day, missed+string(after.Lang), 1)
		f.store.Miss(day, t.Chat, missText(t.In.Text))
	}
	// A question answered only in part is kept the same way: forgiving search must not
	// hide from editors what the content cannot answer.
	if len(replies) == 1 && replies[0].SearchPartial && t.In.Kind == bot.InputText {
		f.store.Count(day, partial+string(after.Lang), 1)
		if q := missText(t.In.Text); q != "" {
			f.store.Miss(day, t.Chat, partialMark+q)
		}
	}
}

// partialMark starts the kept text of a question search answered only in part, so that
// editors tell it from one nothing answered in the same list.
const partialMark = "≈ "

// missText is what is kept of a search that found nothing: nothing when it holds a digit
// (a phone or ID number); otherwise at most 100 characters, lowercased, spaces and end
// punctuation evened out, so that the same question asked by different people is one.
func missText(typed string) string {
	q := bot.Clean(typed)
	if strings.IndexFunc(q, unicode.IsDigit) >= 0 {
		return ""
	}
	q = strings.Join(strings.Fields(strings.ToLower(q)), " ")
	q = strings.TrimRightFunc(q, func(r rune) bool { return unicode.IsPunct(r) || unicode.IsSpace(r) })
	if q == "" {
		return ""
	}
	return bot.Echo(q, 100)
}

// Kept implements bot.Keeper: how many of the chat's searches that found nothing are
// counted (never their texts).
func (f *Feature) Kept(ctx context.Context, chat int64, lang content.Lang, e *bot.Engine) ([]string, error) {
	n, err := f.store.Asked(ctx, chat)
	if err != nil || n == 0 {
		return nil, err
	}
	_, days := f.store.MissPolicy()
	return []string{e.T(lang, msgMyDataMisses, map[string]any{"Count": n, "Kept": e.T(lang, msgKeptDays, map[string]any{"Days": days})})}, nil
}

// Forget implements bot.Keeper: the chat's searches are taken back from the counts.
func (f *Feature) Forget(ctx context.Context, chat int64) error { return f.store.Forget(ctx, chat) }

// report answers /stats [days]: a summary in words and a chart.
func (f *Feature) report(t *bot.Turn) bool {
	days, err := strconv.Atoi(strings.TrimSpace(t.Arg))
	if err != nil || days <= 0 {
		days = defaultDays
	}
	days = min(days, maxDays)
	if err := f.store.Flush(t.Ctx); err != nil {
		t.Log().Warn("flushing statistics; /stats leaves out what this replica holds", "err", err)
	}
	today := Day(t.Now)
	total := map[string]int64{}
	misses := map[string]int64{}
	var labels []string
	startedBy := map[content.Lang][]float64{}
	completedBy := make([]float64, days)
	for i := days - 1; i >= 0; i-- {
		day := today.AddDate(0, 0, -i)
		c, m, err := f.store.Day(t.Ctx, day)
		if err != nil {
			t.Unavailable(err)
			return true
		}
		labels = append(labels, day.Format("02.01"))
		for k, v := range c {
			total[k] += v
			if strings.HasPrefix(k, completed) {
				completedBy[days-1-i] += float64(v)
			}
		}
		for k, v := range m {
			misses[k] += v
		}
		for _, l := range content.Langs {
			startedBy[l] = append(startedBy[l], float64(c[started+string(l)]))
		}
	}
	sum := func(prefix string) int64 {
		var n int64
		for k, v := range total {
			if strings.HasPrefix(k, prefix) {
				n += v
			}
		}
		return n
	}
	lines := []string{t.T(msgStatsTitle, map[string]any{"Count": days, "From": labels[0], "To": labels[len(labels)-1]})}
	lines = append(lines, t.T(msgStatsStarted, map[string]any{
		"Total": total[started+string(content.KK)] + total[started+string(content.RU)],
		"KK":    total[started+string(content.KK)], "RU": total[started+string(content.RU)]}))
	lines = append(lines, t.T(msgStatsCompleted, map[string]any{"Total": sum(completed)}))
	lines = append(lines, t.T(msgStatsDropped, map[string]any{"Total": sum(dropped)}))
	lines = append(lines, t.T(msgStatsMisses, map[string]any{"Total": sum(missed)}))
	lines = append(lines, t.T(msgStatsPartial, map[string]any{"Total": sum(partial), "Mark": strings.TrimSpace(partialMark)}))
	if top := topScreens(t, total, 5); top != "" {
		lines = append(lines, t.T(msgStatsTopScreens, map[string]any{"List": top}))
	}
	if top := topKeys(misses, 5); top != "" {
		askers, kept := f.store.MissPolicy()
		lines = append(lines, t.T(msgStatsTopMisses, map[string]any{"List": top, "Count": askers,
			"Kept": t.T(msgKeptDays, map[string]any{"Days": kept})}))
	}
	var refs []string
	for _, st := range referralStatuses {
		if n := total[referral+st.status]; n > 0 {
			refs = append(refs, fmt.Sprintf("%s %d", t.T(st.name, nil), n))
		}
	}
	if len(refs) > 0 {
		lines = append(lines, t.T(msgStatsReferrals, map[string]any{"List": strings.Join(refs, ", ")}))
	}
	reply := bot.Reply{Text: strings.Join(lines, "\n")}
	if f.chart != nil {
		series := []Series{
			{Name: t.T(msgStatsSeriesStartedKK, nil), Values: startedBy[content.KK]},
			{Name: t.T(msgStatsSeriesStartedRU, nil), Values: startedBy[content.RU]},
			{Name: t.T(msgStatsSeriesCompleted, nil), Values: completedBy},
		}
		if png, err := f.chart(t.T(msgStatsChartTitle, nil), labels, series); err != nil {
			t.Log().Warn("drawing the statistics chart; /stats answers in text only", "err", err)
		} else {
			reply.Image = &bot.Image{Name: "qamqor-stats.png", PNG: png}
		}
	}
	t.Say(reply)
	return true
}

// topScreens lists the n screens opened most, by their titles.
func topScreens(t *bot.Turn, total map[string]int64, n int) string {
	sub := map[string]int64{}
	for k, v := range total {
		if id, ok := strings.CutPrefix(k, viewed); ok {
			name := id
			if node, ok := t.Engine.Content().Node(id); ok {
				name = node.ButtonLabel(t.Lang())
			}
			sub[name] += v
		}
	}
	return topKeys(sub, n)
}

// topKeys lists the n names counted most, "name — count", most first.
func topKeys(m map[string]int64, n int) string {
	type kv struct {
		k string
		v int64
	}
	var all []kv
	for k, v := range m {
		if k != "" {
			all = append(all, kv{k, v})
		}
	}
	sort.Slice(all, func(i, j int) bool { return all[i].v > all[j].v || (all[i].v == all[j].v && all[i].k < all[j].k) })
	var parts []string
	for _, e := range all[:min(n, len(all))] {
		parts = append(parts, fmt.Sprintf("%s — %d", e.k, e.v))
	}
	return strings.Join(parts, "; ")
}
