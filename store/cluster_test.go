package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/qamqor/qamqor/bot"
	"github.com/qamqor/qamqor/bot/admin"
	"github.com/qamqor/qamqor/bot/handoff"
	botnews "github.com/qamqor/qamqor/bot/news"
	"github.com/qamqor/qamqor/bot/referrals"
	"github.com/qamqor/qamqor/content"
	"github.com/qamqor/qamqor/internal/redistest"
	"github.com/qamqor/qamqor/secret"
	"github.com/qamqor/qamqor/store"
)

// TestMultiKeyOperationsKeepToOneClusterSlot runs, in every test run, each store operation
// that is a script, a transaction or a multi-key command against a real Redis Cluster,
// which refuses (CROSSSLOT) one whose keys are in different slots. scripts/test-cluster
// runs all the tests that way; this one keeps the plain suite honest too.
func TestMultiKeyOperationsKeepToOneClusterSlot(t *testing.T) {
	srv := redistest.StartCluster(t)
	rdb := srv.Client()
	ctx := context.Background()
	must := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}

	// Content: version, history and pointer in one transaction.
	published := store.NewContent(rdb)
	n, err := published.Publish(ctx, []byte("zip"), "ed", "first")
	must("publishing content", err)
	_, err = published.Publish(ctx, []byte("zip2"), "ed", "second")
	must("publishing content again", err)
	must("rolling back", published.Rollback(ctx, n))
	if v, ok, err := published.Current(ctx); err != nil || !ok || v.Number != n {
		t.Fatalf("current after rollback: %+v %v %v", v, ok, err)
	}

	// Sessions: a compare-and-set script.
	must("writing a session", store.NewSessions(rdb).Update(ctx, 1, set(bot.Session{Lang: content.RU, Node: "main"})))

	// Administration: the audit log's transaction.
	must("auditing", store.NewAdmin(rdb).Audit(ctx, admin.Entry{At: time.Now(), Who: 1, Action: "test"}))

	// Referrals: transactions, the claim script, a WATCHed update, forgetting.
	key, err := secret.ParseKey(secret.GenerateKey())
	must("making a key", err)
	refs := store.NewReferrals(rdb, key, 0)
	code, err := refs.CreateInvite(ctx, "Org", 1)
	must("inviting", err)
	_, _, err = refs.ClaimInvite(ctx, code, 20)
	must("claiming an invitation", err)
	r, err := refs.CreateReferral(ctx, referrals.Referral{Partner: 20, Org: "Org", Target: "family", Note: "hi"})
	must("referring", err)
	_, _, err = refs.ClaimReferral(ctx, r.Code, 300)
	must("claiming a referral", err)
	_, _, err = refs.UpdateReferral(ctx, r.Code, func(r *referrals.Referral) { r.Consent = true })
	must("updating a referral", err)
	_, err = refs.Forget(ctx, 300)
	must("forgetting a client", err)
	// Consultations: a period's days in one MGET.
	must("counting a consultation", refs.RecordConsultation(ctx, "Org", time.Now()))
	if n, err := refs.Consultations(ctx, "Org", time.Now().AddDate(0, -1, 0), time.Now()); err != nil || n != 1 {
		t.Fatalf("consultations: %d %v", n, err)
	}

	// Tickets.
	tickets := store.NewTickets(rdb, key)
	tk, err := tickets.CreateTicket(ctx, handoff.Ticket{User: 300, Lang: content.RU, Question: "?", Created: time.Now()})
	must("opening a ticket", err)
	must("closing a ticket", tickets.CloseTicket(ctx, tk.Number))
	must("forgetting tickets", tickets.ForgetTickets(ctx, 300))

	// News: subscriptions, and a broadcast through every script.
	news := store.NewNews(rdb)
	must("subscribing", news.Subscribe(ctx, 5, "family", "", content.KK))
	must("changing language", news.SetSubscriptionLang(ctx, 5, content.RU))
	to := []botnews.Recipient{{Chat: 5, Lang: content.RU}, {Chat: 6, Lang: content.KK}}
	b, err := news.CreateBroadcast(ctx, botnews.Broadcast{Author: 1, Texts: map[content.Lang]string{content.KK: "kk", content.RU: "ru"}, Created: time.Now()}, to)
	must("queueing a broadcast", err)
	_, err = news.ClaimSender(ctx, "a", time.Minute)
	must("claiming the lease", err)
	first, _, err := news.Take(ctx, b.Number, "a", time.Minute)
	must("taking a recipient", err)
	must("putting one back", news.PutBack(ctx, b.Number, first))
	first, _, err = news.Take(ctx, b.Number, "a", time.Minute)
	must("taking it again", err)
	must("settling", news.Settle(ctx, b.Number, first, botnews.OutcomeSent))
	_, _, err = news.Take(ctx, b.Number, "a", time.Minute)
	must("taking the second", err)
	_, err = news.Recover(ctx, b.Number)
	must("recovering", err)
	done, err := news.Finish(ctx, b.Number, time.Now())
	must("finishing", err)
	if done.Sent != 1 || done.Unknown != 1 {
		t.Errorf("finished broadcast: %+v", done)
	}
	must("releasing the lease", news.ReleaseSender(ctx, "a"))
	b, err = news.CreateBroadcast(ctx, botnews.Broadcast{Author: 1, Texts: map[content.Lang]string{content.KK: "kk", content.RU: "ru"}, Created: time.Now()}, to)
	must("queueing another broadcast", err)
	must("withdrawing a recipient", news.Withdraw(ctx, 5))
	must("unsubscribing", news.Unsubscribe(ctx, 5, ""))

	// Statistics: each chat's index, each day's questions, and forgetting across both.
	stats := store.NewStats(rdb, store.SealMisses(key))
	must("starting chats", store.NewSessions(rdb).Update(ctx, 7, set(bot.Session{Lang: content.RU})))
	must("starting chats", store.NewSessions(rdb).Update(ctx, 8, set(bot.Session{Lang: content.RU})))
	stats.Miss(time.Now(), 7, "вопрос")
	stats.Miss(time.Now(), 8, "вопрос")
	must("flushing statistics", stats.Flush(ctx))
	if _, m, err := stats.Day(ctx, time.Now()); err != nil || m["вопрос"] != 2 {
		t.Fatalf("misses: %v %v", m, err)
	}
	must("forgetting a chat's questions", stats.Forget(ctx, 7))
	must("dropping old texts", stats.DropLegacyMisses(ctx))
}
