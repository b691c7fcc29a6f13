package referrals

import (
	"bytes"
	"context"
	"encoding/csv"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/qamqor/qamqor/bot"
	"github.com/qamqor/qamqor/content"
)

// Report is an organisation's figures for a period, for its funder: counts only, nothing
// that identifies a client (no codes, labels, notes, dates of one referral).
type Report struct {
	Org      string
	From, To time.Time // the first and the last day, in Kazakhstan's time

	Made, Opened, Completed, Closed int
	Consultations                   int
	// Services counts the services the screener matched, by service id, for clients who
	// consented to share it.
	Services map[string]int
	Outcomes map[Outcome]int
	// MedianDays is the median time from a referral to its first outcome, in days; -1 when
	// none has one.
	MedianDays float64
}

// ReportDoc is a Report in words, in one language, for a PDF: its sections of rows, and the
// bars of its chart.
type ReportDoc struct {
	Lang     content.Lang
	Title    string
	Subtitle string
	Period   string // the period, short: "01.11.2026–30.11.2026"
	Sections []ReportSection
	Chart    ReportChart
	Footer   string
	Made     time.Time
}

// ReportSection is a titled table of names and values.
type ReportSection struct {
	Title string
	Rows  [][2]string
}

// ReportChart is a bar chart: a title, a series name, and named bars.
type ReportChart struct {
	Title, Series string
	Names         []string
	Values        []float64
}

// WithReportPDF has /report send a PDF made by pdf (checklist.ReferralReport) besides the
// CSV.
func (f *Feature) WithReportPDF(pdf func(ReportDoc) ([]byte, error)) *Feature {
	f.reportPDF = pdf
	return f
}

// maxReportDays bounds a report's period.
const maxReportDays = 366

// ParsePeriod reads /report's arguments: none, this month so far; one date, from it to today;
// two, from the first to the second, both included. ok is false for anything else.
func ParsePeriod(arg string, now time.Time) (from, to time.Time, ok bool) {
	today := now.In(kazakhstan)
	today = time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, kazakhstan)
	fields := strings.Fields(arg)
	var dates []time.Time
	for _, s := range fields {
		d, err := time.ParseInLocation("2.1.2006", s, kazakhstan)
		if err != nil {
			return time.Time{}, time.Time{}, false
		}
		dates = append(dates, d)
	}
	switch len(dates) {
	case 0:
		from, to = time.Date(today.Year(), today.Month(), 1, 0, 0, 0, 0, kazakhstan), today
	case 1:
		from, to = dates[0], today
	case 2:
		from, to = dates[0], dates[1]
	default:
		return time.Time{}, time.Time{}, false
	}
	if to.Before(from) || to.Sub(from) > maxReportDays*24*time.Hour {
		return time.Time{}, time.Time{}, false
	}
	return from, to, true
}

// BuildReport counts the organisation's referrals made in [from, to] (days in Kazakhstan's
// time, both included) and what became of them.
func BuildReport(rs []Referral, org string, from, to time.Time) Report {
	rep := Report{Org: org, From: from, To: to, Services: map[string]int{}, Outcomes: map[Outcome]int{}, MedianDays: -1}
	end := to.AddDate(0, 0, 1)
	var days []float64
	for _, r := range rs {
		if r.Org != org || r.Created.Before(from) || !r.Created.Before(end) {
			continue
		}
		rep.Made++
		if r.Client != 0 {
			rep.Opened++
		}
		if !r.Completed.IsZero() {
			rep.Completed++
		}
		if r.Consent {
			for _, id := range r.Matched {
				rep.Services[id]++
			}
		}
		if !r.Closed.IsZero() && r.Outcome != "" {
			rep.Closed++
			rep.Outcomes[r.Outcome]++
			first := r.Closed
			if len(r.History) > 0 && !r.History[0].Date.IsZero() {
				first = r.History[0].Date
			}
			days = append(days, max(0, first.Sub(r.Created).Hours()/24))
		}
	}
	if len(days) > 0 {
		sort.Float64s(days)
		n := len(days)
		rep.MedianDays = days[n/2]
		if n%2 == 0 {
			rep.MedianDays = (days[n/2-1] + days[n/2]) / 2
		}
	}
	return rep
}

// oneDecimal writes a number of days with at most one decimal, with a comma in Russian and
// Kazakh.
func oneDecimal(v float64) string {
	return strings.Replace(strconv.FormatFloat(float64(int(v*10+0.5))/10, 'f', -1, 64), ".", ",", 1)
}

// Doc puts the report in words in lang, made at made (for the console's page too).
func (rep Report) Doc(e *bot.Engine, lang content.Lang, made time.Time) ReportDoc {
	T := func(id bot.MessageID, data map[string]any) string { return e.T(lang, id, data) }
	n := strconv.Itoa
	median := T(msgReportNoData, nil)
	if rep.MedianDays >= 0 {
		median = oneDecimal(rep.MedianDays)
	}
	d := ReportDoc{
		Lang:     lang,
		Title:    T(msgReportTitle, map[string]any{"Org": rep.Org}),
		Subtitle: T(msgReportPeriod, map[string]any{"From": rep.From.Format("02.01.2006"), "To": rep.To.Format("02.01.2006")}),
		Period:   rep.From.Format("02.01.2006") + "–" + rep.To.Format("02.01.2006"),
		Footer:   T(msgReportFooter, map[string]any{"Date": day(made)}),
		Made:     made,
	}
	counts := ReportSection{Title: T(msgReportReferrals, nil), Rows: [][2]string{
		{T(msgReportMade, nil), n(rep.Made)},
		{T(msgReportOpened, nil), n(rep.Opened)},
		{T(msgReportCompleted, nil), n(rep.Completed)},
		{T(msgReportClosed, nil), n(rep.Closed)},
		{T(msgReportConsultations, nil), n(rep.Consultations)},
		{T(msgReportMedian, nil), median},
	}}
	outcomesSec := ReportSection{Title: T(msgReportOutcomes, nil)}
	for _, o := range outcomes {
		outcomesSec.Rows = append(outcomesSec.Rows, [2]string{T(outcomeMessage[o], nil), n(rep.Outcomes[o])})
	}
	services := ReportSection{Title: T(msgReportServices, nil)}
	ids := make([]string, 0, len(rep.Services))
	for id := range rep.Services {
		ids = append(ids, id)
	}
	slices.SortFunc(ids, func(a, b string) int {
		if c := rep.Services[b] - rep.Services[a]; c != 0 {
			return c
		}
		return strings.Compare(a, b)
	})
	for _, id := range ids {
		name := id
		if sv, ok := e.Content().Service(id); ok {
			name = sv.Name.In(lang)
		}
		services.Rows = append(services.Rows, [2]string{name, n(rep.Services[id])})
	}
	if len(services.Rows) == 0 {
		services.Rows = [][2]string{{T(msgReportNoData, nil), ""}}
	}
	d.Sections = []ReportSection{counts, outcomesSec, services}
	d.Chart = ReportChart{Title: T(msgReportReferrals, nil), Series: T(msgReportCount, nil)}
	// The chart's bars have short names: a long one would not fit under its bar.
	for i, id := range []bot.MessageID{msgReportBarMade, msgReportBarOpened, msgReportBarCompleted, msgReportBarClosed, msgReportBarConsultations} {
		v, _ := strconv.Atoi(counts.Rows[i][1])
		d.Chart.Names = append(d.Chart.Names, T(id, nil))
		d.Chart.Values = append(d.Chart.Values, float64(v))
	}
	return d
}

// CSV writes the report as CSV in UTF-8 with a byte-order mark, so Excel opens the
// Cyrillic right: section, name, value.
func (d ReportDoc) CSV() []byte {
	var b bytes.Buffer
	b.WriteString("\uFEFF")
	w := csv.NewWriter(&b)
	w.UseCRLF = true
	_ = w.Write([]string{d.Title, d.Subtitle, ""})
	for _, s := range d.Sections {
		for _, r := range s.Rows {
			_ = w.Write([]string{s.Title, r[0], r[1]})
		}
	}
	w.Flush()
	return b.Bytes()
}

// OrgReport is org's report for the days from to to (both included, in Kazakhstan's
// time), with the consultations when the store counts them: what /report sends, and what
// the console can show.
func (f *Feature) OrgReport(ctx context.Context, org string, from, to time.Time) (Report, error) {
	rs, _, err := f.store.OrgReferrals(ctx, org, 0, -1)
	if err != nil {
		return Report{}, err
	}
	rep := BuildReport(rs, org, from, to)
	// Screenings on a client's behalf (onbehalf.go), by day, the last day included; a store
	// that does not count them reports none.
	if cc, ok := f.store.(Consultations); ok {
		n, err := cc.Consultations(ctx, org, from, to)
		if err != nil {
			return Report{}, err
		}
		rep.Consultations = n
	}
	return rep, nil
}

// ReportName is a report's file name without its extension, the same from the bot and
// the console.
func ReportName(from, to time.Time) string {
	return "qamqor-report-" + from.Format("2006-01-02") + "-" + to.Format("2006-01-02")
}

// report answers /report [from] [to]: the organisation's figures as a CSV and a PDF.
func (f *Feature) report(t *bot.Turn, p Partner) {
	from, to, ok := ParsePeriod(t.Arg, t.Now)
	if !ok {
		say(t, t.T(msgReportUsage, nil))
		return
	}
	rep, err := f.OrgReport(t.Ctx, p.Org, from, to)
	if err != nil {
		t.Unavailable(err)
		return
	}
	d := rep.Doc(t.Engine, t.Lang(), t.Now)
	name := ReportName(from, to)
	reply := bot.Reply{
		Text:      d.Title + "\n" + d.Subtitle + "\n\n" + t.T(msgReportSent, map[string]any{"Made": rep.Made}),
		Documents: []bot.File{{Name: name + ".csv", Data: d.CSV()}},
	}
	if f.reportPDF != nil {
		pdf, err := f.reportPDF(d)
		if err != nil {
			t.Log().Warn("the report's PDF could not be made; the CSV is sent alone", "err", err)
		} else {
			reply.Documents = append(reply.Documents, bot.File{Name: name + ".pdf", Data: pdf})
		}
	}
	t.Audit("partner.report", p.Org)
	t.Say(reply)
}
