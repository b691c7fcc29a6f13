package store_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	botnews "github.com/qamqor/qamqor/bot/news"
	"github.com/qamqor/qamqor/content"
	"github.com/qamqor/qamqor/internal/redistest"
	"github.com/qamqor/qamqor/store"
)

func chatsOf(rs []botnews.Recipient) []int64 {
	out := make([]int64, 0, len(rs))
	for _, r := range rs {
		out = append(out, r.Chat)
	}
	return out
}

func TestAudiencesPickSubscribersByTopicRegionAndLanguage(t *testing.T) {
	srv := redistest.Start(t)
	ctx := context.Background()
	news := store.NewNews(srv.Client())
	subscribe := func(chat int64, topic, region string, lang content.Lang) {
		t.Helper()
		if err := news.Subscribe(ctx, chat, topic, region, lang); err != nil {
			t.Fatal(err)
		}
	}
	subscribe(1, "disability", "almaty_city", content.RU)
	subscribe(2, "disability", "", content.KK) // the whole country
	subscribe(3, "disability", "astana", content.RU)
	subscribe(4, "employment", "almaty_city", content.KK)
	subscribe(4, "disability", "almaty_city", content.KK) // a second topic, same person

	for _, tc := range []struct {
		a    botnews.Audience
		want []int64
	}{
		{botnews.Audience{}, []int64{1, 2, 3, 4}},
		{botnews.Audience{Topic: "disability"}, []int64{1, 2, 3, 4}},
		{botnews.Audience{Topic: "employment"}, []int64{4}},
		{botnews.Audience{Topic: "disability", Region: "almaty_city"}, []int64{1, 2, 4}},
		{botnews.Audience{Region: "astana"}, []int64{2, 3}},
		{botnews.Audience{Topic: "disability", Lang: content.KK}, []int64{2, 4}},
		{botnews.Audience{Topic: "family"}, nil},
	} {
		got, err := news.Audience(ctx, tc.a)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(chatsOf(got), tc.want) {
			t.Errorf("%+v: %v, want %v", tc.a, chatsOf(got), tc.want)
		}
	}

	// Leaving one topic keeps the other; the language follows the person's.
	if err := news.Unsubscribe(ctx, 4, "employment"); err != nil {
		t.Fatal(err)
	}
	if err := news.SetSubscriptionLang(ctx, 4, content.RU); err != nil {
		t.Fatal(err)
	}
	sub, ok, _ := news.Subscription(ctx, 4)
	if !ok || !slices.Equal(sub.Topics, []string{"disability"}) || sub.Lang != content.RU || sub.Region != "almaty_city" {
		t.Errorf("after leaving one topic and switching language: %+v %v", sub, ok)
	}
	// SetSubscriptionLang makes no subscription for someone without one.
	if err := news.SetSubscriptionLang(ctx, 99, content.RU); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := news.Subscription(ctx, 99); ok {
		t.Error("changing the language subscribed someone")
	}

	// Everything personal expires; an expired subscriber drops out of audiences.
	if ttl := srv.Client().TTL(ctx, "{chat:1}:news").Val(); ttl < 364*24*time.Hour {
		t.Errorf("a subscription expires in %s, want a year", ttl)
	}
	srv.Client().Del(ctx, "{chat:3}:news") // as when its TTL ends
	got, _ := news.Audience(ctx, botnews.Audience{Topic: "disability"})
	if slices.Contains(chatsOf(got), 3) {
		t.Error("an expired subscription still receives news")
	}
	if srv.Client().SIsMember(ctx, "news:disability", 3).Val() {
		t.Error("an expired subscriber stays in the topic's set")
	}

	if err := news.Unsubscribe(ctx, 1, ""); err != nil {
		t.Fatal(err)
	}
	if n := srv.Client().Exists(ctx, "{chat:1}:news").Val(); n != 0 {
		t.Error("unsubscribing from everything left the subscription")
	}
}

func TestABroadcastQueueSurvivesACrashWithoutSendingTwice(t *testing.T) {
	srv := redistest.Start(t)
	ctx := context.Background()
	news := store.NewNews(srv.Client())
	to := []botnews.Recipient{{Chat: 1, Lang: content.KK}, {Chat: 2, Lang: content.RU}, {Chat: 3, Lang: content.RU}, {Chat: 4, Lang: content.KK}}
	b, err := news.CreateBroadcast(ctx, botnews.Broadcast{Author: 9, Texts: map[content.Lang]string{content.KK: "kk", content.RU: "ru"}, Created: time.Now()}, to)
	if err != nil || b.Number != 1 || b.Total != 4 {
		t.Fatalf("%+v %v", b, err)
	}
	const lease = 200 * time.Millisecond
	if ok, _ := news.ClaimSender(ctx, "a", lease); !ok {
		t.Fatal("the first replica did not get the lease")
	}
	if ok, _ := news.ClaimSender(ctx, "b", lease); ok {
		t.Fatal("two replicas hold the lease")
	}
	if _, _, err := news.Take(ctx, 1, "b", lease); !errors.Is(err, botnews.ErrLeaseLost) {
		t.Fatalf("a replica without the lease took a recipient: %v", err)
	}

	r1, _, _ := news.Take(ctx, 1, "a", lease)
	if err := news.Settle(ctx, 1, r1, botnews.OutcomeSent); err != nil {
		t.Fatal(err)
	}
	_ = news.Settle(ctx, 1, r1, botnews.OutcomeSent) // settling again counts once
	r2, _, _ := news.Take(ctx, 1, "a", lease)
	if err := news.PutBack(ctx, 1, r2); err != nil { // shutdown before sending: back in front
		t.Fatal(err)
	}
	again, _, _ := news.Take(ctx, 1, "a", lease)
	if again != r2 {
		t.Fatalf("after a put-back the next is %+v, want %+v", again, r2)
	}
	// "a" crashes now, with r2 in flight; its lease runs out and "b" takes over.
	time.Sleep(2 * lease)
	if ok, _ := news.ClaimSender(ctx, "b", lease); !ok {
		t.Fatal("the lease did not pass on after the crash")
	}
	if unknown, _ := news.Recover(ctx, 1); unknown != 1 {
		t.Fatalf("recovered %d in flight, want 1", unknown)
	}
	var rest []int64
	for {
		r, ok, err := news.Take(ctx, 1, "b", lease)
		if err != nil {
			t.Fatal(err)
		}
		if !ok {
			break
		}
		rest = append(rest, r.Chat)
		_ = news.Settle(ctx, 1, r, botnews.OutcomeSent)
	}
	if !slices.Equal(rest, []int64{3, 4}) {
		t.Errorf("after the crash %v were sent, want [3 4]: 1 was sent, 2 is unknown", rest)
	}
	done, err := news.Finish(ctx, 1, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if done.Sent != 3 || done.Unknown != 1 || done.Finished.IsZero() {
		t.Errorf("finished: %+v", done)
	}
	if _, ok, _ := news.Queued(ctx); ok {
		t.Error("a finished broadcast is still queued")
	}
	if n := srv.Client().Exists(ctx, "{bc}:1:todo", "{bc}:1:flight").Val(); n != 0 {
		t.Error("the recipients' chat ids outlive the broadcast")
	}
	list, _ := news.Broadcasts(ctx, 10)
	if len(list) != 1 || list[0].Number != 1 || list[0].Texts[content.KK] != "kk" {
		t.Errorf("listed: %+v", list)
	}
}

func TestWithdrawTakesAChatOutOfEveryQueuedBroadcast(t *testing.T) {
	srv := redistest.Start(t)
	ctx := context.Background()
	news := store.NewNews(srv.Client())
	texts := map[content.Lang]string{content.KK: "kk", content.RU: "ru"}
	first, _ := news.CreateBroadcast(ctx, botnews.Broadcast{Author: 9, Texts: texts, Created: time.Now()},
		[]botnews.Recipient{{Chat: 1, Lang: content.KK}, {Chat: 5, Lang: content.RU}, {Chat: 2, Lang: content.RU}})
	second, _ := news.CreateBroadcast(ctx, botnews.Broadcast{Author: 9, Texts: texts, Created: time.Now()},
		[]botnews.Recipient{{Chat: 5, Lang: content.KK}, {Chat: 3, Lang: content.RU}})
	if err := news.Withdraw(ctx, 5); err != nil {
		t.Fatal(err)
	}
	if err := news.Withdraw(ctx, 5); err != nil { // twice changes nothing more
		t.Fatal(err)
	}
	for _, tc := range []struct {
		b    botnews.Broadcast
		want []int64
	}{{first, []int64{1, 2}}, {second, []int64{3}}} {
		b, _, _ := news.Broadcast(ctx, tc.b.Number)
		if b.Total != int64(len(tc.want)) {
			t.Errorf("broadcast %d counts %d recipients, want %d", b.Number, b.Total, len(tc.want))
		}
		left := srv.Client().LRange(ctx, fmt.Sprintf("{bc}:%d:todo", b.Number), 0, -1).Val()
		if len(left) != len(tc.want) || slices.ContainsFunc(left, func(s string) bool { return strings.HasPrefix(s, "5:") }) {
			t.Errorf("broadcast %d still queues %v", b.Number, left)
		}
	}
	// Someone taken and found no longer subscribed leaves the total too.
	_, _ = news.ClaimSender(ctx, "a", time.Minute)
	r, _, _ := news.Take(ctx, first.Number, "a", time.Minute)
	if err := news.Settle(ctx, first.Number, r, botnews.OutcomeLeft); err != nil {
		t.Fatal(err)
	}
	if b, _, _ := news.Broadcast(ctx, first.Number); b.Total != 1 || b.Sent+b.Failed+b.Blocked+b.Unknown != 0 {
		t.Errorf("after one left: %+v", b)
	}
}

// A draft becomes one broadcast however often it is queued: the press of "Send", run again
// after a crash between queueing and dropping the draft, finds the broadcast made.
func TestADraftIsQueuedOnceWhateverTheTries(t *testing.T) {
	srv := redistest.Start(t)
	ctx := context.Background()
	news := store.NewNews(srv.Client())
	to := []botnews.Recipient{{Chat: 1, Lang: content.RU}, {Chat: 2, Lang: content.KK}}
	b := botnews.Broadcast{Author: 9, Texts: map[content.Lang]string{content.KK: "kk", content.RU: "ru"}, Created: time.Now(), Draft: "d1"}
	first, err := news.CreateBroadcast(ctx, b, to)
	if err != nil {
		t.Fatal(err)
	}
	again, err := news.CreateBroadcast(ctx, b, to)
	if err != nil {
		t.Fatal(err)
	}
	if again.Number != first.Number || !again.Again || first.Again {
		t.Fatalf("queued twice: first №%d (again %v), second №%d (again %v)", first.Number, first.Again, again.Number, again.Again)
	}
	if n := srv.Client().LLen(ctx, "{bc}:queue").Val(); n != 1 {
		t.Errorf("%d broadcasts in the queue, want 1", n)
	}
	other := b
	other.Draft = "d2"
	if next, _ := news.CreateBroadcast(ctx, other, to); next.Number == first.Number || next.Again {
		t.Errorf("another draft with the same text was not queued as a new broadcast: %+v", next)
	}
}
