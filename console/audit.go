package console

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/qamqor/qamqor/bot/admin"
)

// The audit page reads the whole kept log (store.AuditKeep entries, a few hundred
// kilobytes) and filters it here: admins read it rarely, and the log is one Redis list.
const (
	auditRead  = 10_000
	auditShown = 200
)

type auditRow struct {
	When, Action, Detail string
	Who                  int64
}

type auditPage struct {
	Who, Action, From, To string
	Actions               []string // every action in the log, for the filter's choices
	Error                 string
	Rows                  []auditRow
	Matched               int // how many entries match, of which Rows are the newest
}

func (h *Handler) routeAudit() {
	h.page("GET "+Prefix+"audit", forAdmins, func(q *request) {
		entries, err := q.h.opts.AuditLog.AuditLog(q.r.Context(), auditRead)
		if err != nil {
			q.unavailable(err)
			return
		}
		v := q.r.URL.Query()
		p := filterAudit(entries, strings.TrimSpace(v.Get("who")), v.Get("action"), v.Get("from"), v.Get("to"))
		if p.Error != "" {
			p.Error = q.t(p.Error)
		}
		q.show("audit", q.t("ConsoleAudit"), p)
	})
}

// filterAudit keeps the entries by who (a Telegram id), of action, on the days from..to
// (Kazakhstan's dates, either end open); a filter it cannot read is named in Error and
// filters nothing.
func filterAudit(entries []admin.Entry, who, action, from, to string) auditPage {
	p := auditPage{Who: who, Action: action, From: from, To: to}
	var whoID int64
	if who != "" {
		id, err := strconv.ParseInt(who, 10, 64)
		if err != nil {
			p.Error = "ConsoleAuditWhoBad"
		}
		whoID = id
	}
	var start, end time.Time
	if from != "" {
		d, ok := parseDay(from)
		if !ok {
			p.Error = "ConsoleBadDates"
		}
		start = time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, kazakhstan)
	}
	if to != "" {
		d, ok := parseDay(to)
		if !ok {
			p.Error = "ConsoleBadDates"
		}
		end = time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, kazakhstan).AddDate(0, 0, 1)
	}
	for _, e := range entries {
		if !slices.Contains(p.Actions, e.Action) {
			p.Actions = append(p.Actions, e.Action)
		}
		if p.Error == "" && ((who != "" && e.Who != whoID) || (action != "" && e.Action != action) ||
			(!start.IsZero() && e.At.Before(start)) || (!end.IsZero() && !e.At.Before(end))) {
			continue
		}
		p.Matched++
		if len(p.Rows) < auditShown {
			p.Rows = append(p.Rows, auditRow{When: e.At.In(kazakhstan).Format("2006-01-02 15:04"), Who: e.Who, Action: e.Action, Detail: e.Detail})
		}
	}
	slices.Sort(p.Actions)
	return p
}
