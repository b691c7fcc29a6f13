package console

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/qamqor/qamqor/bot/referrals"
)

// maxOrgName bounds an organisation's name, as /invite does.
const maxOrgName = 100

// partnerGroup is an organisation and its partners.
type partnerGroup struct {
	Org      string
	Partners []partnerRow
}

type partnerRow struct {
	User  int64
	Since string
}

type partnersPage struct {
	Groups []partnerGroup
	Org    string // what the invitation form holds
	Error  string // next to the organisation's field
	Notice string // what the last change did
	Link   string // the invitation just made
	QR     string // its QR code's address
}

func (h *Handler) routePartners() {
	h.page("GET "+Prefix+"partners", forAdmins, func(q *request) { q.partnersPage(partnersPage{}, http.StatusOK) })
	h.page("POST "+Prefix+"partners/invite", forAdmins, func(q *request) {
		org := strings.TrimSpace(q.r.PostForm.Get("org"))
		if org == "" || utf8.RuneCountInString(org) > maxOrgName {
			q.partnersPage(partnersPage{Org: org, Error: q.t("ConsoleInviteOrgBad")}, http.StatusUnprocessableEntity)
			return
		}
		code, err := q.h.opts.Partners.CreateInvite(q.r.Context(), org, q.session.User)
		if err != nil {
			q.unavailable(err)
			return
		}
		q.audit("partner.invite", org)
		p := partnersPage{Notice: q.t("ConsoleInviteCreated") + " " + org}
		if q.h.opts.InviteLink != nil {
			p.Link = q.h.opts.InviteLink(code)
			if q.h.opts.QR != nil {
				p.QR = Prefix + "partners/qr?c=" + code
			}
		}
		q.partnersPage(p, http.StatusOK)
	})
	h.page("POST "+Prefix+"partners/revoke", forAdmins, func(q *request) {
		user, err := strconv.ParseInt(q.r.PostForm.Get("user"), 10, 64)
		if err != nil {
			http.NotFound(q.w, q.r)
			return
		}
		// Who is revoked is read first: afterwards their organisation and language are gone,
		// and the notice to them needs both.
		var revoked referrals.Partner
		if q.h.opts.Revoked != nil {
			ps, err := q.h.opts.Partners.Partners(q.r.Context())
			if err != nil {
				q.unavailable(err)
				return
			}
			if i := slices.IndexFunc(ps, func(p referrals.Partner) bool { return p.User == user }); i >= 0 {
				revoked = ps[i]
			}
		}
		ok, err := q.h.opts.Partners.RevokePartner(q.r.Context(), user)
		if err != nil {
			q.unavailable(err)
			return
		}
		notice := q.t("ConsoleRevokeGone")
		if ok {
			q.audit("partner.revoke", strconv.FormatInt(user, 10))
			notice = q.t("ConsoleRevoked")
			if q.h.opts.Revoked != nil {
				if revoked.User == 0 { // revoked between the two reads: told in both languages
					revoked.User = user
				}
				if err := q.h.opts.Revoked(q.r.Context(), revoked); err != nil {
					q.h.opts.Log.Warn("console: a revoked partner could not be told", "user", user, "err", err)
					q.partnersPage(partnersPage{Notice: notice + " " + strconv.FormatInt(user, 10) + ". " + q.t("ConsoleRevokedNotTold")}, http.StatusOK)
					return
				}
			}
		}
		q.partnersPage(partnersPage{Notice: notice + " " + strconv.FormatInt(user, 10)}, http.StatusOK)
	})
	// The QR code of an invitation's link, as /invite's: the code comes back in the
	// address only to the admin's own browser (no-store, no referrer), and a code that
	// never was makes a QR code of a link that opens nothing.
	h.page("GET "+Prefix+"partners/qr", forAdmins, func(q *request) {
		code := q.r.URL.Query().Get("c")
		if q.h.opts.InviteLink == nil || q.h.opts.QR == nil || code == "" || len(code) > 64 || strings.Trim(code, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-") != "" {
			http.NotFound(q.w, q.r)
			return
		}
		png, err := q.h.opts.QR(q.h.opts.InviteLink(code))
		if err != nil {
			q.unavailable(err)
			return
		}
		q.w.Header().Set("Content-Type", "image/png")
		_, _ = q.w.Write(png)
	})
}

// partnersPage shows the partners by organisation (alphabetically, each one's partners
// by when they joined) with p's form and notice.
func (q *request) partnersPage(p partnersPage, status int) {
	ps, err := q.h.opts.Partners.Partners(q.r.Context())
	if err != nil {
		q.unavailable(err)
		return
	}
	p.Groups = groupPartners(ps)
	v := q.view(q.t("ConsolePartners"), p)
	v.Path = Prefix + "partners" // after a POST too: the language switch comes back to the list
	q.h.render(q.w, status, "partners", v)
}

func groupPartners(ps []referrals.Partner) []partnerGroup {
	byOrg := map[string][]referrals.Partner{}
	for _, p := range ps {
		byOrg[p.Org] = append(byOrg[p.Org], p)
	}
	orgs := make([]string, 0, len(byOrg))
	for org := range byOrg {
		orgs = append(orgs, org)
	}
	slices.SortFunc(orgs, func(a, b string) int { return strings.Compare(strings.ToLower(a), strings.ToLower(b)) })
	var out []partnerGroup
	for _, org := range orgs {
		members := byOrg[org]
		slices.SortFunc(members, func(a, b referrals.Partner) int { return a.Since.Compare(b.Since) })
		g := partnerGroup{Org: org}
		for _, m := range members {
			g.Partners = append(g.Partners, partnerRow{User: m.User, Since: m.Since.In(kazakhstan).Format(time.DateOnly)})
		}
		out = append(out, g)
	}
	return out
}
