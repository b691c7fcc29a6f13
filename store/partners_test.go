package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/qamqor/qamqor/bot/referrals"
	"github.com/qamqor/qamqor/content"
)

// Staff of one organisation list the same referrals; a label and the history of outcomes
// are kept sealed and read back; forgetting a staff member takes their referrals out of
// the organisation's list; every key has a TTL.
func TestAnOrganisationsReferralsAreSharedAndSealed(t *testing.T) {
	ctx := context.Background()
	refs, srv := newReferrals(t)
	rdb := srv.Client()
	for _, user := range []int64{20, 21, 30} {
		org := "Бота үміт"
		if user == 30 {
			org = "Другая"
		}
		code, _ := refs.CreateInvite(ctx, org, 1)
		if _, ok, err := refs.ClaimInvite(ctx, code, user); !ok || err != nil {
			t.Fatal(ok, err)
		}
	}
	a, _ := refs.CreateReferral(ctx, referrals.Referral{Partner: 20, Org: "Бота үміт", Target: "x"})
	b, _ := refs.CreateReferral(ctx, referrals.Referral{Partner: 21, Org: "Бота үміт", Target: "x"})
	if _, err := refs.CreateReferral(ctx, referrals.Referral{Partner: 30, Org: "Другая", Target: "x"}); err != nil {
		t.Fatal(err)
	}
	day := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	_, _, err := refs.UpdateReferral(ctx, a.Code, func(r *referrals.Referral) {
		r.Label = "Айгерим, группа вторника"
		r.History = []referrals.OutcomeRecord{{Outcome: referrals.OutcomeHelped, By: 21, At: day, Date: day, Comment: "пособие назначено"}}
	})
	if err != nil {
		t.Fatal(err)
	}

	rs, total, err := refs.OrgReferrals(ctx, "Бота үміт", 0, -1)
	if err != nil || total != 2 || len(rs) != 2 || rs[0].Code != b.Code || rs[1].Code != a.Code {
		t.Fatalf("the organisation's referrals: %+v %d %v", rs, total, err)
	}
	got := rs[1]
	if got.Label != "Айгерим, группа вторника" || len(got.History) != 1 || got.History[0].Comment != "пособие назначено" || got.History[0].By != 21 || !got.History[0].Date.Equal(day) {
		t.Errorf("read back: %+v", got)
	}
	raw, _ := rdb.HGetAll(ctx, "{ref:"+a.Code+"}").Result()
	if raw["label"] == "" || strings.Contains(raw["label"], "Айгерим") || raw["history"] == "" || strings.Contains(raw["history"], "пособие") {
		t.Errorf("the label and the history are not sealed: %q %q", raw["label"], raw["history"])
	}
	if page, total, _ := refs.OrgReferrals(ctx, "Бота үміт", 1, 5); total != 2 || len(page) != 1 || page[0].Code != a.Code {
		t.Errorf("the second page: %+v of %d", page, total)
	}
	keys, _ := rdb.Keys(ctx, "*").Result()
	for _, k := range keys {
		if ttl, _ := rdb.TTL(ctx, k).Result(); ttl <= 0 {
			t.Errorf("%s has no TTL (%v)", k, ttl)
		}
	}

	if _, err := refs.Forget(ctx, 21); err != nil {
		t.Fatal(err)
	}
	// The organisation keeps its referrals, with nothing naming the staff member.
	if rs, total, _ := refs.OrgReferrals(ctx, "Бота үміт", 0, -1); total != 2 || rs[0].Code != b.Code || rs[0].Partner != 0 || rs[1].History[0].By != 0 {
		t.Errorf("after a staff member is forgotten: %+v", rs)
	}
}

// A partner's language is kept with them, and never brings back a revoked partner.
func TestAPartnersLanguageIsKept(t *testing.T) {
	ctx := context.Background()
	refs, srv := newReferrals(t)
	code, _ := refs.CreateInvite(ctx, "Бота үміт", 1)
	refs.ClaimInvite(ctx, code, 20)
	if err := refs.SetPartnerLang(ctx, 20, content.KK); err != nil {
		t.Fatal(err)
	}
	if p, _, _ := refs.Partner(ctx, 20); p.Lang != content.KK {
		t.Errorf("the partner's language: %q", p.Lang)
	}
	refs.RevokePartner(ctx, 20)
	if err := refs.SetPartnerLang(ctx, 20, content.RU); err != nil {
		t.Fatal(err)
	}
	if n, _ := srv.Client().Exists(ctx, "{partner:20}").Result(); n != 0 {
		t.Error("saving the language brought a revoked partner's record back")
	}
}

// Referrals made before organisations were listed are found in the organisation's list.
func TestReferralsMadeBeforeOrganisationsAreListedForThem(t *testing.T) {
	ctx := context.Background()
	refs, srv := newReferrals(t)
	code, _ := refs.CreateInvite(ctx, "Бота үміт", 1)
	refs.ClaimInvite(ctx, code, 20)
	a, _ := refs.CreateReferral(ctx, referrals.Referral{Partner: 20, Org: "Бота үміт", Target: "x"})
	srv.Client().Del(ctx, srv.Client().Keys(ctx, "{org:*").Val()...) // as before the organisations' lists
	rs, total, err := refs.OrgReferrals(ctx, "Бота үміт", 0, 5)
	if err != nil || total != 1 || rs[0].Code != a.Code {
		t.Fatalf("the organisation's referrals: %+v %d %v", rs, total, err)
	}
	for _, k := range srv.Client().Keys(ctx, "{org:*").Val() {
		if ttl := srv.Client().TTL(ctx, k).Val(); ttl <= 0 {
			t.Errorf("%s has no TTL", k)
		}
	}
}
