package console

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/qamqor/qamqor/bot"
	"github.com/qamqor/qamqor/bot/referrals"
)

// Reports is what the partners' report page uses (referrals.Feature, checklist): the same
// counting and PDF as the bot's /report, so the console's report is the bot's.
type Reports interface {
	// OrgReport counts org's referrals made in [from, to], days in Kazakhstan's time.
	OrgReport(ctx context.Context, org string, from, to time.Time) (referrals.Report, error)
	// PDF draws a report in words (checklist.ReferralReport).
	PDF(d referrals.ReportDoc) ([]byte, error)
}

var reportMessageIDs = []bot.MessageID{
	"ConsoleReport", "ConsoleReportIntro", "ConsoleReportBadDates", "ConsoleReportCSV", "ConsoleReportPDF",
}

func init() { MessageIDs = append(MessageIDs, reportMessageIDs...) }

type reportPage struct {
	Partner  bool   // the user is a partner
	From, To string // the form's dates, YYYY-MM-DD
	Error    string // the dates were not understood: said next to the fields
	Doc      *referrals.ReportDoc
}

// reportsOn reports whether the console serves the partners' report.
func (h *Handler) reportsOn() bool { return h.opts.Reports != nil && h.opts.Referrals != nil }

func (h *Handler) routeReport() {
	if !h.reportsOn() {
		return
	}
	h.page("GET "+Prefix+"report", forPartners, func(q *request) { q.report("") })
	h.page("GET "+Prefix+"report.csv", forPartners, func(q *request) { q.report("csv") })
	h.page("GET "+Prefix+"report.pdf", forPartners, func(q *request) { q.report("pdf") })
}

// report shows the organisation's report for the form's period (this month by default), or
// sends it as a file (format "csv" or "pdf") as /report does.
func (q *request) report(format string) {
	ctx := q.r.Context()
	me, ok, err := q.h.opts.Referrals.Partner(ctx, q.session.User)
	if err != nil {
		q.unavailable(err)
		return
	}
	if !ok { // an admin who is no partner has no organisation to report on
		q.show("report", q.t("ConsoleReport"), reportPage{})
		return
	}
	p := reportPage{Partner: true, From: q.r.URL.Query().Get("from"), To: q.r.URL.Query().Get("to")}
	from, to, ok := reportPeriod(p.From, p.To, q.now)
	if !ok {
		p.Error = q.t("ConsoleReportBadDates")
		v := q.view(q.t("ConsoleReport"), p)
		q.h.render(q.w, http.StatusUnprocessableEntity, "report", v)
		return
	}
	p.From, p.To = from.Format(time.DateOnly), to.Format(time.DateOnly)
	rep, err := q.h.opts.Reports.OrgReport(ctx, me.Org, from, to)
	if err != nil {
		q.unavailable(err)
		return
	}
	d := rep.Doc(q.engine, q.lang, q.now)
	name := referrals.ReportName(from, to)
	switch format {
	case "csv":
		q.audit("report.download", "csv "+me.Org+" "+d.Period)
		q.download(name+".csv", "text/csv; charset=utf-8", d.CSV())
	case "pdf":
		pdf, err := q.h.opts.Reports.PDF(d)
		if err != nil {
			q.unavailable(err)
			return
		}
		q.audit("report.download", "pdf "+me.Org+" "+d.Period)
		q.download(name+".pdf", "application/pdf", pdf)
	default:
		p.Doc = &d
		q.show("report", q.t("ConsoleReport"), p)
	}
}

func (q *request) download(name, contentType string, data []byte) {
	q.w.Header().Set("Content-Type", contentType)
	q.w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	_, _ = q.w.Write(data)
}

// reportPeriod reads the form's dates (YYYY-MM-DD, Kazakhstan's days, both included) with
// /report's rules (referrals.ParsePeriod): none, this month so far; from alone, to today;
// to alone, from the first of its month; at most a year.
func reportPeriod(from, to string, now time.Time) (time.Time, time.Time, bool) {
	var args []string
	if from == "" && to != "" {
		d, err := time.Parse(time.DateOnly, to)
		if err != nil {
			return time.Time{}, time.Time{}, false
		}
		from = time.Date(d.Year(), d.Month(), 1, 0, 0, 0, 0, time.UTC).Format(time.DateOnly)
	}
	for _, s := range []string{from, to} {
		if s == "" {
			continue
		}
		d, err := time.Parse(time.DateOnly, s)
		if err != nil {
			return time.Time{}, time.Time{}, false
		}
		args = append(args, d.Format("2.1.2006"))
	}
	return referrals.ParsePeriod(strings.Join(args, " "), now)
}
