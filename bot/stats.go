package bot

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/qamqor/qamqor/content"
)

// Statistics: counters by day of what people do, never who does it. The Service counts
// events as it handles updates; the recorder buffers them in memory and writes them to
// Redis in batches, so counting adds no round trip to an update.

// StatsRecorder takes counted events.
type StatsRecorder interface {
	// Count adds n to counter name on day.
	Count(day time.Time, name string, n int64)
	// Miss records a search by chat that found nothing, with its text only when the text
	// holds no digits (so no phone or ID numbers are kept); "" otherwise. The recorder keeps
	// texts only as anonymous, bounded counts, and only those several people asked.
	Miss(day time.Time, chat int64, query string)
	// Forget takes back everything chat's searches added, for /forget.
	Forget(ctx context.Context, chat int64) error
}

// StatsReader reads the counters back.
type StatsReader interface {
	// Day returns the counters of day and the texts of its searches that found nothing,
	// each with how many people asked it.
	Day(ctx context.Context, day time.Time) (counters map[string]int64, misses map[string]int64, err error)
	// Asked is how many of chat's searches that found nothing are counted, for /mydata.
	Asked(ctx context.Context, chat int64) (int, error)
	// MissPolicy says how many people must ask a question on a day before its text is
	// kept, and for how many days texts are kept.
	MissPolicy() (askers, days int)
}

// StatsOptions turn statistics on.
type StatsOptions struct {
	Recorder StatsRecorder
	Reader   StatsReader
	// Flush writes this replica's buffered counts, so /stats includes them; may be nil.
	Flush func(context.Context) error
	// Chart draws a daily chart as a PNG (chart.Daily); nil: /stats answers in text only.
	Chart func(title string, days []string, series []ChartSeries) ([]byte, error)
}

// ChartSeries is one named series of daily values.
type ChartSeries struct {
	Name   string
	Values []float64
}

// EnableStats turns on counting and /stats for admins.
func (s *Service) EnableStats(o StatsOptions) { s.stats = &o }

// Counter names.
const (
	statStarted   = "started:"   // started:<lang>, started:topic:<node>
	statView      = "view:"      // view:<node>
	statCompleted = "completed:" // completed:<screener>:<lang>
	statDropped   = "dropped:"   // dropped:<screener>:<question>: left before the result
	statMiss      = "search_miss:"
	statReferral  = "referral:" // referral:<status>
)

// count records the events an update made: a conversation started, a screen seen, a
// screener completed or left halfway, a search that found nothing.
func (s *Service) count(chat int64, in Input, before, after Session, replies []Reply) {
	if s.stats == nil {
		return
	}
	rec, day := s.stats.Recorder, time.Now()
	// A conversation starts with /start in a known language, or, for someone new, when the
	// language is chosen after it.
	cmd, arg, isCmd := parseCommand(clean(in.Text))
	restart := isCmd && in.Kind == InputText && cmd == "start" && after.Lang != ""
	if restart || (before.Lang == "" && after.Lang != "") {
		rec.Count(day, statStarted+string(after.Lang), 1)
	}
	if isCmd && in.Kind == InputText && cmd == "start" {
		if _, ok := s.engine().content.Node(arg); ok {
			rec.Count(day, statStarted+"topic:"+arg, 1)
		}
	}
	if after.Lang != "" && after.Screener == "" && (after.node() != before.node() || before.Lang == "") {
		rec.Count(day, statView+after.node(), 1)
	}
	if after.Screener != "" && after.Step == stepResult && before.Step != stepResult {
		rec.Count(day, statCompleted+after.Screener+":"+string(after.Lang), 1)
	}
	if before.Screener != "" && after.Screener == "" && before.Step != stepResult && before.Step != stepWhyNot {
		rec.Count(day, statDropped+before.Screener+":"+strings.TrimPrefix(before.Step, stepQuestion), 1)
	}
	for _, r := range replies {
		if r.SearchMiss {
			rec.Count(day, statMiss+string(after.Lang), 1)
			rec.Miss(day, chat, missText(in.Text))
		}
	}
}

// missText is what is kept of a search that found nothing: nothing when it holds a digit
// (a phone or ID number); otherwise at most 100 characters, lowercased, spaces and end
// punctuation evened out, so that the same question asked by different people is one.
func missText(typed string) string {
	q := clean(typed)
	if strings.IndexFunc(q, unicode.IsDigit) >= 0 {
		return ""
	}
	q = strings.Join(strings.Fields(strings.ToLower(q)), " ")
	q = strings.TrimRightFunc(q, func(r rune) bool { return unicode.IsPunct(r) || unicode.IsSpace(r) })
	if q == "" {
		return ""
	}
	return echo(q, 100)
}

// statsDefaultDays and statsMaxDays bound /stats [days].
const (
	statsDefaultDays = 7
	statsMaxDays     = 90
)

// statsReport handles /stats [days]: a summary in words and a chart.
func (s *Service) statsReport(ctx context.Context, chat int64, in Input, arg string) []Reply {
	lang := s.lang(ctx, chat, in)
	days, err := strconv.Atoi(strings.TrimSpace(arg))
	if err != nil || days <= 0 {
		days = statsDefaultDays
	}
	days = min(days, statsMaxDays)
	if s.stats.Flush != nil {
		if err := s.stats.Flush(ctx); err != nil {
			s.log.Warn("flushing statistics", "err", err)
		}
	}
	today := time.Now().UTC()
	total := map[string]int64{}
	misses := map[string]int64{}
	var labels []string
	started := map[content.Lang][]float64{}
	completed := make([]float64, days)
	for i := days - 1; i >= 0; i-- {
		day := today.AddDate(0, 0, -i)
		c, m, err := s.stats.Reader.Day(ctx, day)
		if err != nil {
			return s.unavailable(chat, in, err)
		}
		labels = append(labels, day.Format("02.01"))
		for k, v := range c {
			total[k] += v
		}
		for k, v := range m {
			misses[k] += v
		}
		for _, l := range content.Langs {
			started[l] = append(started[l], float64(c[statStarted+string(l)]))
		}
		for k, v := range c {
			if strings.HasPrefix(k, statCompleted) {
				completed[days-1-i] += float64(v)
			}
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
	lines := []string{s.t(lang, msgStatsTitle, map[string]any{"Days": days, "From": labels[0], "To": labels[len(labels)-1]})}
	lines = append(lines, s.t(lang, msgStatsStarted, map[string]any{
		"Total": total[statStarted+"kk"] + total[statStarted+"ru"],
		"KK":    total[statStarted+"kk"], "RU": total[statStarted+"ru"]}))
	lines = append(lines, s.t(lang, msgStatsCompleted, map[string]any{"Total": sum(statCompleted)}))
	lines = append(lines, s.t(lang, msgStatsDropped, map[string]any{"Total": sum(statDropped)}))
	lines = append(lines, s.t(lang, msgStatsMisses, map[string]any{"Total": sum(statMiss)}))
	if top := s.top(total, statView, 5, lang); top != "" {
		lines = append(lines, s.t(lang, msgStatsTopScreens, map[string]any{"List": top}))
	}
	if top := topKeys(misses, 5); top != "" {
		askers, kept := s.stats.Reader.MissPolicy()
		lines = append(lines, s.t(lang, msgStatsTopMisses, map[string]any{"List": top, "Askers": askers,
			"Kept": s.t(lang, msgKeptDays, map[string]any{"Days": kept})}))
	}
	var refs []string
	for _, st := range []string{"created", "opened", "completed", "closed"} { // referrals.Status, counted by bot/referrals
		if n := total[statReferral+st]; n > 0 {
			refs = append(refs, fmt.Sprintf("%s %d", s.t(lang, MessageID("Status_"+st), nil), n))
		}
	}
	if len(refs) > 0 {
		lines = append(lines, s.t(lang, msgStatsReferrals, map[string]any{"List": strings.Join(refs, ", ")}))
	}
	reply := Reply{Text: strings.Join(lines, "\n")}
	if s.stats.Chart != nil {
		series := []ChartSeries{
			{Name: s.t(lang, msgStatsSeriesStartedKK, nil), Values: started[content.KK]},
			{Name: s.t(lang, msgStatsSeriesStartedRU, nil), Values: started[content.RU]},
			{Name: s.t(lang, msgStatsSeriesCompleted, nil), Values: completed},
		}
		png, err := s.stats.Chart(s.t(lang, msgStatsChartTitle, nil), labels, series)
		if err != nil {
			s.log.Warn("drawing the statistics chart", "err", err)
		} else {
			reply.Image = &Image{Name: "qamqor-stats.png", PNG: png}
		}
	}
	return []Reply{reply}
}

// top lists the n most counted names after prefix (node ids shown by their titles).
func (s *Service) top(total map[string]int64, prefix string, n int, lang content.Lang) string {
	sub := map[string]int64{}
	for k, v := range total {
		if id, ok := strings.CutPrefix(k, prefix); ok {
			name := id
			if node, ok := s.engine().content.Node(id); ok {
				name = node.ButtonLabel(lang)
			}
			sub[name] += v
		}
	}
	return topKeys(sub, n)
}

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
