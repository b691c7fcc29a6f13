package console

import (
	"cmp"
	"html/template"
	"slices"
	"strings"
	"time"

	"github.com/qamqor/qamqor/bot/referrals"
	"github.com/qamqor/qamqor/bot/stats"
	"github.com/qamqor/qamqor/content"
)

// defaultStatsDays is how many days the statistics page shows before the admin chooses.
const defaultStatsDays = 7

// statsDay is one day's row of the daily table.
type statsDay struct {
	Date                                     string // YYYY-MM-DD, Kazakhstan's date
	StartedKK, StartedRU, Completed, Dropped int64
	Misses, Partial                          int64
}

// dropRow is one step of a screener at which people left it, and how many.
type dropRow struct {
	Label string
	Count int64
}

// screenerDrops is a screener's drop-off: how many finished it and how many left at
// each question (in the order it asks them), and at the summary.
type screenerDrops struct {
	ID, Title string
	Completed int64
	Dropped   int64
	Rows      []dropRow
	Chart     template.HTML
}

// countRow is a name and how many times it was counted.
type countRow struct {
	Name  string
	Count int64
}

// topShown is how many screens and unanswered questions the page lists.
const topShown = 10

type statsPage struct {
	From, To  string
	Error     string // the dates were not understood: said next to the form
	Days      []statsDay
	Totals    statsDay
	Chart     template.HTML
	Drops     []screenerDrops
	Screens   []countRow // opened most
	Misses    []countRow // questions search found nothing for, as the store keeps them
	Referrals []countRow // referrals reaching each status
}

// statsRange reads the form's days: from and to, at most stats.MaxDays apart, ending
// today (Kazakhstan's) by default. An error names the message to show.
func statsRange(from, to string, today time.Time) (time.Time, time.Time, string) {
	end, start := today, today.AddDate(0, 0, -(defaultStatsDays-1))
	if to != "" {
		d, ok := parseDay(to)
		if !ok {
			return start, end, "ConsoleBadDates"
		}
		end = d
		start = end.AddDate(0, 0, -(defaultStatsDays - 1))
	}
	if from != "" {
		d, ok := parseDay(from)
		if !ok {
			return today.AddDate(0, 0, -(defaultStatsDays - 1)), today, "ConsoleBadDates"
		}
		start = d
	}
	if start.After(end) || end.Sub(start) >= time.Duration(stats.MaxDays)*24*time.Hour {
		return today.AddDate(0, 0, -(defaultStatsDays - 1)), today, "ConsoleBadDates"
	}
	return start, end, ""
}

func (h *Handler) routeStats() {
	h.page("GET "+Prefix+"stats", forAdmins, func(q *request) {
		p, err := q.statsPage(q.r.URL.Query().Get("from"), q.r.URL.Query().Get("to"))
		if err != nil {
			q.unavailable(err)
			return
		}
		q.show("stats", q.t("ConsoleStats"), p)
	})
}

func (q *request) statsPage(from, to string) (statsPage, error) {
	start, end, bad := statsRange(from, to, stats.Day(q.now))
	p := statsPage{From: start.Format(time.DateOnly), To: end.Format(time.DateOnly)}
	if bad != "" {
		p.Error = q.t(bad)
	}
	ctx := q.r.Context()
	if err := q.h.opts.Stats.Flush(ctx); err != nil {
		q.h.opts.Log.Warn("console: flushing statistics; the page leaves out what this replica holds", "err", err)
	}
	total, misses := map[string]int64{}, map[string]int64{}
	for day := start; !day.After(end); day = day.AddDate(0, 0, 1) {
		c, m, err := q.h.opts.Stats.Day(ctx, day)
		if err != nil {
			return p, err
		}
		for k, v := range m {
			if k != "" {
				misses[k] += v
			}
		}
		d := statsDay{Date: day.Format(time.DateOnly),
			StartedKK: c[stats.StartedPrefix+string(content.KK)], StartedRU: c[stats.StartedPrefix+string(content.RU)],
			Completed: sum(c, stats.CompletedPrefix), Dropped: sum(c, stats.DroppedPrefix),
			Misses: sum(c, stats.MissedPrefix), Partial: sum(c, stats.PartialPrefix)}
		p.Days = append(p.Days, d)
		for k, v := range c {
			total[k] += v
		}
		p.Totals.StartedKK += d.StartedKK
		p.Totals.StartedRU += d.StartedRU
		p.Totals.Completed += d.Completed
		p.Totals.Dropped += d.Dropped
		p.Totals.Misses += d.Misses
		p.Totals.Partial += d.Partial
	}
	labels := make([]string, len(p.Days))
	series := []chartSeries{
		{Name: q.t("ConsoleStatsStartedKK")}, {Name: q.t("ConsoleStatsStartedRU")},
		{Name: q.t("ConsoleStatsCompleted")}, {Name: q.t("ConsoleStatsDropped")},
	}
	for i, d := range p.Days {
		labels[i] = d.Date[8:10] + "." + d.Date[5:7]
		series[0].Values = append(series[0].Values, d.StartedKK)
		series[1].Values = append(series[1].Values, d.StartedRU)
		series[2].Values = append(series[2].Values, d.Completed)
		series[3].Values = append(series[3].Values, d.Dropped)
	}
	p.Chart = columnsSVG("chart-daily", q.t("ConsoleStatsDailyChart"), labels, series)
	p.Drops = q.drops(total)
	screens := map[string]int64{}
	for k, v := range total {
		if id, ok := strings.CutPrefix(k, stats.ViewedPrefix); ok {
			name := id
			if n, ok := q.engine.Content().Node(id); ok {
				name = n.ButtonLabel(q.lang)
			}
			screens[name] += v
		}
	}
	p.Screens, p.Misses = top(screens, topShown), top(misses, topShown)
	for _, st := range []referrals.Status{referrals.StatusCreated, referrals.StatusOpened, referrals.StatusCompleted, referrals.StatusClosed} {
		if n := total[stats.ReferralPrefix+string(st)]; n > 0 {
			p.Referrals = append(p.Referrals, countRow{Name: q.t(string(referrals.StatusMessage(st))), Count: n})
		}
	}
	return p, nil
}

// top is the n names counted most, most first.
func top(m map[string]int64, n int) []countRow {
	rows := make([]countRow, 0, len(m))
	for k, v := range m {
		rows = append(rows, countRow{Name: k, Count: v})
	}
	slices.SortFunc(rows, func(a, b countRow) int {
		if a.Count != b.Count {
			return cmp.Compare(b.Count, a.Count)
		}
		return strings.Compare(a.Name, b.Name)
	})
	return rows[:min(n, len(rows))]
}

// drops is the drop-off of every screener of the content, from the counters summed over
// the chosen days: where in each screener people left it before its result.
func (q *request) drops(total map[string]int64) []screenerDrops {
	var out []screenerDrops
	for _, sc := range q.engine.Content().Screeners() {
		d := screenerDrops{ID: sc.ID, Title: sc.Title.In(q.lang), Completed: sum(total, stats.CompletedPrefix+sc.ID+":")}
		prefix := stats.DroppedPrefix + sc.ID + ":"
		for _, qu := range sc.Questions {
			label := qu.Short.In(q.lang)
			if label == "" {
				label = qu.Text.In(q.lang)
			}
			d.Rows = append(d.Rows, dropRow{Label: label, Count: total[prefix+qu.ID]})
		}
		d.Rows = append(d.Rows, dropRow{Label: q.t("ConsoleStatsAtSummary"), Count: total[prefix+"sum"]})
		for _, r := range d.Rows {
			d.Dropped += r.Count
		}
		if d.Dropped == 0 && d.Completed == 0 {
			continue
		}
		names := make([]string, len(d.Rows))
		values := make([]int64, len(d.Rows))
		for i, r := range d.Rows {
			names[i], values[i] = r.Label, r.Count
		}
		d.Chart = barsSVG("chart-"+sc.ID, q.t("ConsoleStatsDropoff")+": "+d.Title, names, values)
		out = append(out, d)
	}
	return out
}

// sum adds the counters whose names start with prefix.
func sum(c map[string]int64, prefix string) int64 {
	var n int64
	for k, v := range c {
		if strings.HasPrefix(k, prefix) {
			n += v
		}
	}
	return n
}
