// Package news is news by topic: people subscribe to a topic (a section of the main menu)
// for their region, admins write a broadcast in both languages and pick its audience, and
// the Broadcaster sends it to the subscribers at a steady rate, across replicas.
package news

import (
	"context"
	"errors"
	"time"

	"github.com/qamqor/qamqor/content"
)

// Subscription is what one person asked news about.
type Subscription struct {
	Topics []string     // ids of main-menu sections
	Region string       // a region id, or "" for the whole country
	Lang   content.Lang // the language news reach them in
}

// SubscriptionTTL is how long a subscription is kept after the person last changed it.
const SubscriptionTTL = 365 * 24 * time.Hour

// Audience picks subscribers: "" in a field means any. A subscriber for the whole country
// receives news for every region.
type Audience struct {
	Topic  string
	Region string
	Lang   content.Lang
}

// Recipient is one subscriber a broadcast goes to, in their language.
type Recipient struct {
	Chat int64
	Lang content.Lang
}

// Draft is a broadcast an admin is composing.
type Draft struct {
	ID       string // random, given when the draft starts: what it becomes is found by it
	Texts    map[content.Lang]string
	Audience Audience
}

// Broadcast is news sent to the subscribers of an audience, and how far it got. Sent,
// Blocked (the person blocked the bot or is gone: unsubscribed), Failed (refused or kept
// failing) and Unknown (a replica stopped mid-send: not sent again, so nobody gets it
// twice) add up to Total when it is done.
type Broadcast struct {
	Number   int64
	Author   int64
	Texts    map[content.Lang]string
	Audience Audience
	Created  time.Time
	Finished time.Time // zero while it is being sent
	// AuthorLang is the language the author used when sending it: they are told of its end
	// in it ("": Russian).
	AuthorLang content.Lang

	Total, Sent, Blocked, Failed, Unknown int64

	// Draft is the ID of the draft it was made from. CreateBroadcast makes one broadcast of
	// a draft however often it is asked (a press run again after a crash), and sets Again
	// when it found the one made before.
	Draft string
	Again bool
}

// Outcome is what became of sending a broadcast to one recipient.
type Outcome string

// Outcomes of sending a broadcast to one recipient.
const (
	OutcomeSent    Outcome = "sent"
	OutcomeBlocked Outcome = "blocked"
	OutcomeFailed  Outcome = "failed"
	// OutcomeLeft: no longer subscribed when their turn came (/stop, /forget); not sent,
	// and taken out of the broadcast's Total.
	OutcomeLeft Outcome = "left"
)

// SubscriptionStore keeps subscriptions.
type SubscriptionStore interface {
	// Subscribe adds topic to chat's subscriptions and sets their region and language.
	Subscribe(ctx context.Context, chat int64, topic, region string, lang content.Lang) error
	// Unsubscribe removes topic from chat's subscriptions, or all of them when topic is "".
	Unsubscribe(ctx context.Context, chat int64, topic string) error
	// Subscription is chat's subscription; ok is false when they have none.
	Subscription(ctx context.Context, chat int64) (sub Subscription, ok bool, err error)
	// SetSubscriptionLang changes the language of an existing subscription; none is made.
	SetSubscriptionLang(ctx context.Context, chat int64, lang content.Lang) error
	// Audience lists the subscribers a broadcast to a would reach.
	Audience(ctx context.Context, a Audience) ([]Recipient, error)
}

// BroadcastStore keeps drafts, broadcasts and their queues of recipients.
type BroadcastStore interface {
	SaveDraft(ctx context.Context, author int64, d Draft) error
	Draft(ctx context.Context, author int64) (d Draft, ok bool, err error)
	DropDraft(ctx context.Context, author int64) error

	// CreateBroadcast numbers b and queues it for to; b.Total is len(to).
	CreateBroadcast(ctx context.Context, b Broadcast, to []Recipient) (Broadcast, error)
	Broadcast(ctx context.Context, number int64) (b Broadcast, ok bool, err error)
	// Broadcasts lists the latest n, newest first.
	Broadcasts(ctx context.Context, n int) ([]Broadcast, error)

	// The sender's side. One replica at a time holds the sender's lease, renewed by Take;
	// Take fails with ErrLeaseLost once another holds it.
	ClaimSender(ctx context.Context, owner string, lease time.Duration) (bool, error)
	ReleaseSender(ctx context.Context, owner string) error
	// Queued is the oldest broadcast still being sent.
	Queued(ctx context.Context) (number int64, ok bool, err error)
	// Recover settles as Unknown whoever a stopped sender had taken and not settled.
	Recover(ctx context.Context, number int64) (unknown int64, err error)
	// Take moves the next recipient to the in-flight list; ok is false when none is left.
	Take(ctx context.Context, number int64, owner string, lease time.Duration) (r Recipient, ok bool, err error)
	// Settle records the outcome of sending to a taken recipient; settling twice counts once.
	Settle(ctx context.Context, number int64, r Recipient, outcome Outcome) error
	// PutBack returns a taken recipient, not sent to, to the front of the queue.
	PutBack(ctx context.Context, number int64, r Recipient) error
	// Finish marks the broadcast done and drops its queue.
	Finish(ctx context.Context, number int64, at time.Time) (Broadcast, error)
	// Withdraw takes chat out of every broadcast still queued (and out of its Total), for
	// /forget.
	Withdraw(ctx context.Context, chat int64) error
}

// Store is what news keeps: store.News is one.
type Store interface {
	SubscriptionStore
	BroadcastStore
}

// ErrLeaseLost means another replica holds the sender's lease.
var ErrLeaseLost = errors.New("news: another replica is sending broadcasts")
