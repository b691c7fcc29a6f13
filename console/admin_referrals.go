package console

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/qamqor/qamqor/bot"
	"github.com/qamqor/qamqor/bot/referrals"
)

// ReferralsReader is what a partner's referrals page reads of the referrals' store
// (referrals.Store, store.Referrals), with the calls the bot's /referrals makes: the
// organisation's referrals are those of every partner of the same organisation.
type ReferralsReader interface {
	Partner(ctx context.Context, user int64) (referrals.Partner, bool, error)
	// OrgReferrals lists the organisation's referrals, newest first: its staff's, and
	// those of staff who left or asked to be forgotten.
	OrgReferrals(ctx context.Context, org string, offset, limit int) ([]referrals.Referral, int, error)
}

// referralsShown bounds the organisation's list: the newest ones.
const referralsShown = 200

var referralsMessageIDs = []bot.MessageID{
	"ConsoleReferralsIntro", "ConsoleReferralsNone", "ConsoleReferralsNotPartner", "ConsoleReferralCode", "ConsoleReferralBy",
	"ConsoleReferralTo", "ConsoleReferralMade", "ConsoleReferralStatus", "ConsoleReferralOutcome", "ConsoleReferralYou", "ConsoleReferralByFormer",
}

func init() { MessageIDs = append(MessageIDs, referralsMessageIDs...) }

// referralRow is one referral as its organisation sees it on the page: nothing of the
// client (who, their note, what matched), only where the referral stands.
type referralRow struct {
	Code, By, To, Made, Status, Outcome string
}

type referralsPage struct {
	On      bool   // the console reads referrals (serve with DATA_KEY)
	Partner bool   // the user is a partner
	Org     string // their organisation
	Rows    []referralRow
	Total   int
	Counts  []statusCount
}

type statusCount struct {
	Status string
	Count  int
}

// referralsPage lists the referrals of the user's organisation, newest first.
func (q *request) referralsPage() (referralsPage, error) {
	rr := q.h.opts.Referrals
	if rr == nil {
		return referralsPage{}, nil
	}
	ctx := q.r.Context()
	p := referralsPage{On: true}
	me, ok, err := rr.Partner(ctx, q.session.User)
	if err != nil || !ok {
		return p, err
	}
	p.Partner, p.Org = true, me.Org
	refs, _, err := rr.OrgReferrals(ctx, me.Org, 0, -1) // all: the counts are of every one
	if err != nil {
		return p, err
	}
	p.Total = len(refs)
	counts := map[referrals.Status]int{}
	for i, r := range refs {
		status := r.Status(q.now)
		counts[status]++
		if i >= referralsShown {
			continue
		}
		row := referralRow{Code: r.Code[:min(4, len(r.Code))], By: q.t("ConsoleReferralYou"), To: q.targetName(r.Target),
			Made: r.Created.In(kazakhstan).Format(time.DateOnly), Status: q.t(string(referrals.StatusMessage(status)))}
		switch r.Partner {
		case q.session.User:
		case 0: // asked to be forgotten
			row.By = q.t("ConsoleReferralByFormer")
		default:
			row.By = "ID " + strconv.FormatInt(r.Partner, 10)
		}
		if r.Outcome != "" {
			row.Outcome = q.t("Outcome_" + string(r.Outcome))
		}
		p.Rows = append(p.Rows, row)
	}
	for _, st := range []referrals.Status{referrals.StatusCreated, referrals.StatusOpened, referrals.StatusCompleted,
		referrals.StatusClosed, referrals.StatusExpired, referrals.StatusWithdrew} {
		if counts[st] > 0 {
			p.Counts = append(p.Counts, statusCount{Status: q.t(string(referrals.StatusMessage(st))), Count: counts[st]})
		}
	}
	return p, nil
}

// targetName is a referral's target as the content names it: a screen's or a screener's
// title.
func (q *request) targetName(target string) string {
	c := q.engine.Content()
	if id, ok := strings.CutPrefix(target, bot.ScreenerTarget("")); ok {
		if sc, ok := c.Screener(id); ok {
			return sc.Title.In(q.lang)
		}
		return id
	}
	if n, ok := c.Node(target); ok {
		return n.Title.In(q.lang)
	}
	return target
}
