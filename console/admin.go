package console

import (
	"context"
	"net/http"
	"time"

	"github.com/qamqor/qamqor/bot"
	"github.com/qamqor/qamqor/bot/admin"
	"github.com/qamqor/qamqor/bot/news"
	"github.com/qamqor/qamqor/bot/referrals"
)

// The admins' pages read and change the bot's stores through these ports, each a small
// part of a store `qamqor serve` already has (store.Stats, store.Referrals, store.Admin,
// store.News). A nil port leaves its pages out, as `qamqor console` runs without Redis:
// they answer 404 like any page that does not exist, and no link names them.

// StatsReader is what the statistics page reads (store.Stats).
type StatsReader interface {
	// Flush writes what this replica holds, so the page includes it.
	Flush(ctx context.Context) error
	// Day returns the counters of day (stats.Day) and its unanswered searches.
	Day(ctx context.Context, day time.Time) (counters map[string]int64, misses map[string]int64, err error)
}

// PartnerAdmin is what the partners' page uses of the referrals' store
// (referrals.Store, store.Referrals): the same three calls /partners, /invite and
// /revoke make.
type PartnerAdmin interface {
	Partners(ctx context.Context) ([]referrals.Partner, error)
	CreateInvite(ctx context.Context, org string, by int64) (code string, err error)
	RevokePartner(ctx context.Context, user int64) (bool, error)
}

// AuditReader reads the audit log, newest first (admin.Store, store.Admin).
type AuditReader interface {
	AuditLog(ctx context.Context, n int) ([]admin.Entry, error)
}

// Broadcasts is what the broadcasts' page uses of the news store (news.Store,
// store.News): the audience, queueing a broadcast (the replica holding the sender's lease
// sends it, as it sends those made with /broadcast), and reading their progress.
type Broadcasts interface {
	Audience(ctx context.Context, a news.Audience) ([]news.Recipient, error)
	CreateBroadcast(ctx context.Context, b news.Broadcast, to []news.Recipient) (news.Broadcast, error)
	Broadcast(ctx context.Context, number int64) (b news.Broadcast, ok bool, err error)
	Broadcasts(ctx context.Context, n int) ([]news.Broadcast, error)
	// Scheduling (news.ScheduleStore): the broadcaster of every replica releases what is
	// due.
	Schedule(ctx context.Context, s news.Scheduled) error
	Scheduled(ctx context.Context) ([]news.Scheduled, error)
	Unschedule(ctx context.Context, draft string) (bool, error)
}

// forAdmins is the admins' pages: nobody else holds RoleAdmin.
var forAdmins = []bot.Role{bot.RoleAdmin}

// adminMessageIDs are the admins' pages' strings, added to MessageIDs here so that the
// two lists of the package's strings grow in different files.
var adminMessageIDs = []bot.MessageID{
	"ConsoleAdmin", "ConsoleAdminIntro", "ConsoleUnavailable", "ConsoleFrom", "ConsoleTo", "ConsoleShow",
	"ConsoleBadDates", "ConsoleDate", "ConsoleTotal", "ConsoleNone",
	"ConsoleStats", "ConsoleStatsDaily", "ConsoleStatsDailyChart", "ConsoleStatsStartedKK", "ConsoleStatsStartedRU",
	"ConsoleStatsCompleted", "ConsoleStatsDropped", "ConsoleStatsMisses", "ConsoleStatsPartial",
	"ConsoleStatsDropoff", "ConsoleStatsDropoffIntro", "ConsoleStatsQuestion", "ConsoleStatsLeft",
	"ConsoleStatsNoDrops", "ConsoleStatsTopScreens", "ConsoleStatsTopMisses", "ConsoleStatsReferrals", "ConsoleStatsAtSummary", "ConsoleStatsTotals",
	"ConsolePartners", "ConsolePartnersIntro", "ConsolePartnerUser", "ConsolePartnerSince",
	"ConsolePartnersNone", "ConsoleInvite", "ConsoleInviteOrg", "ConsoleInviteButton", "ConsoleInviteCreated",
	"ConsoleInviteQR", "ConsoleInviteOrgBad", "ConsoleRevoke", "ConsoleRevoked", "ConsoleRevokeGone", "ConsoleRevokedNotTold",
	"ConsoleAudit", "ConsoleAuditWho", "ConsoleAuditAction", "ConsoleAuditAnyAction", "ConsoleAuditWhen",
	"ConsoleAuditDetail", "ConsoleAuditShown", "ConsoleAuditWhoBad",
	"ConsoleBroadcasts", "ConsoleBroadcastsIntro", "ConsoleBroadcastKK", "ConsoleBroadcastRU", "ConsoleBroadcastTopic",
	"ConsoleBroadcastRegion", "ConsoleBroadcastLang", "ConsoleBroadcastAny", "ConsoleBroadcastAudienceButton",
	"ConsoleBroadcastTestButton", "ConsoleBroadcastSendButton", "ConsoleBroadcastAudience", "ConsoleBroadcastNeedBoth",
	"ConsoleBroadcastTooLong", "ConsoleBroadcastTested", "ConsoleBroadcastTestFailed", "ConsoleBroadcastNobody",
	"ConsoleBroadcastList", "ConsoleBroadcastNumber", "ConsoleBroadcastSent",
	"ConsoleBroadcastFailed", "ConsoleBroadcastLeft", "ConsoleBroadcastState", "ConsoleBroadcastRunning",
	"ConsoleBroadcastDone", "ConsoleBroadcastConfirm", "ConsoleBroadcastRefresh",
	"ConsoleBroadcastAt", "ConsoleBroadcastAtHint", "ConsoleBroadcastScheduleButton", "ConsoleBroadcastAtBad", "ConsoleBroadcastScheduled",
	"ConsoleBroadcastScheduledList", "ConsoleBroadcastUnschedule", "ConsoleBroadcastUnscheduled", "ConsoleBroadcastDue",
}

func init() { MessageIDs = append(MessageIDs, adminMessageIDs...) }

// routeAdmin adds the admins' pages whose ports are set, and the screener tester.
func (h *Handler) routeAdmin() {
	if h.hasAdminPages() {
		h.page("GET "+Prefix+"admin", forAdmins, func(q *request) {
			q.show("admin", q.t("ConsoleAdmin"), q.h.adminLinks(q))
		})
	}
	if h.opts.Stats != nil {
		h.routeStats()
	}
	if h.opts.Partners != nil {
		h.routePartners()
	}
	if h.opts.AuditLog != nil {
		h.routeAudit()
	}
	if h.opts.Broadcasts != nil {
		h.routeBroadcasts()
	}
	h.routeTester() // editors' too, and needs no store
}

// hasAdminPages reports whether any admin page is served (not in `qamqor console`).
func (h *Handler) hasAdminPages() bool {
	o := h.opts
	return o.Stats != nil || o.Partners != nil || o.AuditLog != nil || o.Broadcasts != nil
}

// adminLinks are the admins' pages this console serves.
func (h *Handler) adminLinks(q *request) []link {
	var out []link
	add := func(on bool, path, label string) {
		if on {
			out = append(out, link{Href: Prefix + path, Label: q.t(label)})
		}
	}
	add(h.opts.Stats != nil, "stats", "ConsoleStats")
	add(h.opts.Broadcasts != nil, "broadcasts", "ConsoleBroadcasts")
	add(h.opts.Partners != nil, "partners", "ConsolePartners")
	add(h.opts.AuditLog != nil, "audit", "ConsoleAudit")
	return out
}

// unavailable answers a store that failed: the admin is told to try again, in their
// language, and the error goes to the log.
func (q *request) unavailable(err error) {
	q.h.opts.Log.Warn("console: a store failed", "path", q.r.URL.Path, "err", err)
	v := q.view(q.t("ConsoleUnavailable"), nil)
	if q.r.Method != http.MethodGet { // its link goes to a page, not to a POST-only address
		v.Path = Prefix
	}
	q.h.render(q.w, http.StatusServiceUnavailable, "unavailable", v)
}

// kazakhstan is UTC+5, the day the statistics count in (stats.Day); the admins' pages
// show times in it.
var kazakhstan = time.FixedZone("UTC+5", 5*60*60)

// parseDay reads a date of a form (YYYY-MM-DD) as stats.Day names days: midnight UTC of
// that date.
func parseDay(s string) (time.Time, bool) {
	d, err := time.Parse(time.DateOnly, s)
	return d, err == nil
}
