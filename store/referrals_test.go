package store_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/qamqor/qamqor/bot"
	"github.com/qamqor/qamqor/bot/referrals"
	"github.com/qamqor/qamqor/internal/redistest"
	"github.com/qamqor/qamqor/secret"
	"github.com/qamqor/qamqor/store"
)

func newReferrals(t *testing.T) (*store.Referrals, *redistest.Server) {
	t.Helper()
	srv := redistest.Start(t)
	key, err := secret.ParseKey(secret.GenerateKey())
	if err != nil {
		t.Fatal(err)
	}
	return store.NewReferrals(srv.Client(), key, 0), srv
}

func TestInvitationsAreOneTime(t *testing.T) {
	ctx := context.Background()
	refs, _ := newReferrals(t)
	code, err := refs.CreateInvite(ctx, "Бота үміт", 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(code) != 16 || strings.Trim(code, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") != "" {
		t.Fatalf("code %q does not fit a deep link", code)
	}
	// Two people open it at once: one becomes a partner.
	var wg sync.WaitGroup
	wins := make(chan int64, 2)
	for _, user := range []int64{20, 21} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, ok, err := refs.ClaimInvite(ctx, code, user); err == nil && ok {
				wins <- user
			}
		}()
	}
	wg.Wait()
	close(wins)
	var winners []int64
	for w := range wins {
		winners = append(winners, w)
	}
	if len(winners) != 1 {
		t.Fatalf("%d people became partners with one invitation", len(winners))
	}
	p, ok, err := refs.Partner(ctx, winners[0])
	if err != nil || !ok || p.Org != "Бота үміт" {
		t.Fatalf("partner %+v %v %v", p, ok, err)
	}
	for _, bad := range []string{code, "AAAAAAAAAAAAAAAA", "short", "<script>alert()</script>", strings.Repeat("A", 64)} {
		if _, ok, err := refs.ClaimInvite(ctx, bad, 30); ok || err != nil {
			t.Errorf("claim of %q: %v %v", bad, ok, err)
		}
	}
	if ok, _ := refs.RevokePartner(ctx, winners[0]); !ok {
		t.Fatal("revoke found nobody")
	}
	if _, ok, _ := refs.Partner(ctx, winners[0]); ok {
		t.Fatal("still a partner after revoking")
	}
}

func TestAReferralIsClaimedByOneClientAndItsNoteIsEncrypted(t *testing.T) {
	ctx := context.Background()
	refs, srv := newReferrals(t)
	r, err := refs.CreateReferral(ctx, referrals.Referral{Partner: 20, Org: "Бота үміт", Target: "disability", Note: "Приходите в среду"})
	if err != nil {
		t.Fatal(err)
	}
	raw, err := srv.Client().HGet(ctx, "{ref:"+r.Code+"}", "note").Result()
	if err != nil || raw == "" || strings.Contains(raw, "среду") {
		t.Fatalf("the note is stored as %q (%v), want it sealed", raw, err)
	}
	got, ok, err := refs.ClaimReferral(ctx, r.Code, 300)
	if err != nil || !ok || got.Note != "Приходите в среду" || got.Client != 300 || got.Opened.IsZero() {
		t.Fatalf("claim: %+v %v %v", got, ok, err)
	}
	if _, ok, _ := refs.ClaimReferral(ctx, r.Code, 300); !ok {
		t.Error("the same client cannot open their link again")
	}
	if _, ok, _ := refs.ClaimReferral(ctx, r.Code, 301); ok {
		t.Error("a second client claimed a used referral")
	}
	// Completion with consent keeps the matched services, sealed.
	got, _, err = refs.UpdateReferral(ctx, r.Code, func(r *referrals.Referral) { r.Consent, r.Matched = true, []string{"a", "b"} })
	if err != nil || strings.Join(got.Matched, ",") != "a,b" {
		t.Fatalf("update: %+v %v", got, err)
	}
	if raw, _ := srv.Client().HGet(ctx, "{ref:"+r.Code+"}", "matched").Result(); strings.Contains(raw, "a,b") {
		t.Fatalf("matched services stored in the clear: %q", raw)
	}
	list, total, err := refs.PartnerReferrals(ctx, 20, 0, 5)
	if err != nil || total != 1 || len(list) != 1 || list[0].Code != r.Code {
		t.Fatalf("partner's list: %+v %d %v", list, total, err)
	}
}

func TestAnExpiredReferralCannotBeClaimed(t *testing.T) {
	ctx := context.Background()
	refs, srv := newReferrals(t)
	r, err := refs.CreateReferral(ctx, referrals.Referral{Partner: 20, Org: "X", Target: "disability"})
	if err != nil {
		t.Fatal(err)
	}
	srv.Client().HSet(ctx, "{ref:"+r.Code+"}", "expires", "1")
	if _, ok, _ := refs.ClaimReferral(ctx, r.Code, 300); ok {
		t.Fatal("an expired referral was claimed")
	}
}

func TestReferralCreationIsRateLimited(t *testing.T) {
	ctx := context.Background()
	refs, _ := newReferrals(t)
	for i := range store.ReferralsPerHour {
		if _, err := refs.CreateReferral(ctx, referrals.Referral{Partner: 20, Org: "X", Target: "disability"}); err != nil {
			t.Fatalf("referral %d: %v", i+1, err)
		}
	}
	if _, err := refs.CreateReferral(ctx, referrals.Referral{Partner: 20, Org: "X", Target: "disability"}); err != referrals.ErrRateLimited {
		t.Fatalf("referral %d: %v, want rate limited", store.ReferralsPerHour+1, err)
	}
	// Another partner is not affected.
	if _, err := refs.CreateReferral(ctx, referrals.Referral{Partner: 21, Org: "X", Target: "disability"}); err != nil {
		t.Fatal(err)
	}
}

func TestForgetLeavesNothingAboutTheClient(t *testing.T) {
	ctx := context.Background()
	refs, srv := newReferrals(t)
	sessions := store.NewSessions(srv.Client())
	r, _ := refs.CreateReferral(ctx, referrals.Referral{Partner: 20, Org: "X", Target: "disability", Note: "n"})
	if _, ok, _ := refs.ClaimReferral(ctx, r.Code, 300); !ok {
		t.Fatal("claim failed")
	}
	if err := sessions.Update(ctx, 300, func(s bot.Session) (bot.Session, error) { s.Lang, s.Ref = "ru", r.Code; return s, nil }); err != nil {
		t.Fatal(err)
	}
	gone, err := refs.Forget(ctx, 300)
	if err != nil || len(gone) != 1 || gone[0].Partner != 20 {
		t.Fatalf("forget: %+v %v", gone, err)
	}
	if err := sessions.Forget(ctx, 300); err != nil {
		t.Fatal(err)
	}
	for _, k := range srv.Keys("*") { // every node of a cluster
		if strings.Contains(k, "300") || strings.Contains(k, r.Code) {
			t.Errorf("key %q is left after forgetting", k)
		}
		if v, _ := srv.Client().HGet(ctx, k, "client").Result(); v == "300" {
			t.Errorf("key %q still names the client", k)
		}
	}
	if list, total, _ := refs.PartnerReferrals(ctx, 20, 0, 5); total != 0 || len(list) != 0 {
		t.Errorf("the partner still lists %d referrals", total)
	}
}

// A staff member who asks to be forgotten leaves their organisation's referrals with it,
// nothing naming them: not as maker, not as who recorded an outcome; a referral no
// organisation shares goes with them.
func TestForgetKeepsAStaffMembersReferralsForTheOrganisationUnnamed(t *testing.T) {
	ctx := context.Background()
	refs, srv := newReferrals(t)
	for _, u := range []int64{20, 21} {
		code, _ := refs.CreateInvite(ctx, "Бота үміт", 1)
		if _, ok, err := refs.ClaimInvite(ctx, code, u); !ok || err != nil {
			t.Fatalf("joining: %v %v", ok, err)
		}
	}
	mine, _ := refs.CreateReferral(ctx, referrals.Referral{Partner: 20, Org: "Бота үміт", Target: "disability", Label: "Айгерим"})
	theirs, _ := refs.CreateReferral(ctx, referrals.Referral{Partner: 21, Org: "Бота үміт", Target: "disability"})
	alone, _ := refs.CreateReferral(ctx, referrals.Referral{Partner: 20, Target: "disability"})
	refs.ClaimReferral(ctx, mine.Code, 300)
	for _, code := range []string{mine.Code, theirs.Code} {
		refs.UpdateReferral(ctx, code, func(r *referrals.Referral) {
			r.History = append(r.History, referrals.OutcomeRecord{Outcome: referrals.OutcomeHelped, By: 20}, referrals.OutcomeRecord{Outcome: referrals.OutcomeHelped, By: 21})
			r.Outcome, r.Closed = referrals.OutcomeHelped, time.Now()
		})
	}
	ttl := srv.Client().TTL(ctx, "{ref:"+mine.Code+"}").Val()
	if _, err := refs.Forget(ctx, 20); err != nil {
		t.Fatal(err)
	}
	list, total, err := refs.OrgReferrals(ctx, "Бота үміт", 0, -1)
	if err != nil || total != 2 {
		t.Fatalf("the organisation lists %d referrals (%v), want its two", total, err)
	}
	for _, r := range list {
		if r.Partner == 20 || r.History[0].By != 0 || r.History[1].By != 21 {
			t.Errorf("%s still names the forgotten staff member: partner %d, history %+v", r.Code, r.Partner, r.History)
		}
		if r.Code == mine.Code && (r.Client != 300 || r.Label != "Айгерим" || r.Outcome != referrals.OutcomeHelped) {
			t.Errorf("the organisation's referral lost what is the organisation's: %+v", r)
		}
	}
	if _, ok, _ := refs.Referral(ctx, alone.Code); ok {
		t.Error("a referral no organisation shares is kept")
	}
	if got := srv.Client().TTL(ctx, "{ref:"+mine.Code+"}").Val(); got > ttl {
		t.Errorf("forgetting made the referral live longer: %v > %v", got, ttl)
	}
	for _, k := range srv.Keys("*") {
		if strings.Contains(k, ":20}") {
			t.Errorf("key %q is left after forgetting", k)
		}
		if v, _ := srv.Client().HGet(ctx, k, "partner").Result(); v == "20" {
			t.Errorf("key %q still names the staff member", k)
		}
	}
}

func TestAPartnerOpeningTheirOwnLinkLeavesItForTheClient(t *testing.T) {
	ctx := context.Background()
	refs, _ := newReferrals(t)
	r, err := refs.CreateReferral(ctx, referrals.Referral{Partner: 20, Org: "Бота үміт", Target: "disability"})
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if _, ok, err := refs.ClaimReferral(ctx, r.Code, 20); ok || !errors.Is(err, referrals.ErrOwnReferral) {
			t.Fatalf("the partner's own claim: %v %v, want ErrOwnReferral", ok, err)
		}
	}
	got, ok, err := refs.ClaimReferral(ctx, r.Code, 300)
	if err != nil || !ok || got.Client != 300 || !got.JustOpened {
		t.Fatalf("the client's claim after the partner opened it: %+v %v %v", got, ok, err)
	}
	// Once the client has it, the partner's link is used like any other's.
	if _, ok, err := refs.ClaimReferral(ctx, r.Code, 20); ok || err != nil {
		t.Errorf("the partner's claim of a claimed link: %v %v", ok, err)
	}
}
