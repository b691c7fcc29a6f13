package referrals

import (
	"context"
	"errors"
	"time"

	"github.com/qamqor/qamqor/content"
)

// Partner is a staff member of an organisation that refers clients. Staff of one
// organisation (partners with the same Org) see and work on the organisation's referrals.
type Partner struct {
	User  int64
	Org   string
	Since time.Time
	// Lang is the language the partner last used the bot in ("" before they did): notices
	// to them (a client opened a referral, they were revoked) are written in it.
	Lang content.Lang
}

// Status is where a referral stands.
type Status string

// Referral statuses, in the order a referral goes through them.
const (
	StatusCreated   Status = "created"
	StatusOpened    Status = "opened"
	StatusCompleted Status = "completed" // the client finished the screener
	StatusExpired   Status = "expired"   // nobody opened it in time
	StatusClosed    Status = "closed"    // the partner recorded an outcome
	StatusWithdrew  Status = "withdrew"  // the client asked to be forgotten
)

// Outcome is how a referral ended, as its partner recorded it.
type Outcome string

// Outcomes a partner records when closing a referral.
const (
	OutcomeHelped      Outcome = "helped"
	OutcomeNotHelped   Outcome = "not_helped"
	OutcomeUnreachable Outcome = "unreachable"
)

// outcomes are the outcomes a partner may record, in the order they are offered.
var outcomes = []Outcome{OutcomeHelped, OutcomeNotHelped, OutcomeUnreachable}

// Referral is one client sent by a partner to a topic or a screener.
type Referral struct {
	Code    string
	Partner int64
	Org     string
	Target  string // a node id, or bot.ScreenerTarget of a screener
	Note    string // for the client, from the partner; personal, kept encrypted
	Created time.Time
	Expires time.Time // the link works until then

	Client    int64 // who opened it; 0 until then
	Consent   bool  // the client lets the partner see their progress
	Asked     bool  // the client has answered the consent question
	Opened    time.Time
	Completed time.Time
	Matched   []string // service ids the screener matched; kept only with consent, encrypted
	Closed    time.Time
	Outcome   Outcome // the latest of History
	Withdrew  bool

	// Label is the organisation's own name for the referral ("Aigerim, Tuesday group"):
	// seen only by the organisation's staff, never by the client nor in reports; kept
	// encrypted.
	Label string
	// History are the outcomes recorded, oldest first: the first closes the referral, the
	// later ones correct it. Kept encrypted (comments are free text).
	History []OutcomeRecord

	// JustOpened is set, not stored, on the referral ClaimReferral returns when this call
	// gave it to the client (not when the same client opened it again).
	JustOpened bool
}

// OutcomeRecord is one outcome as a staff member recorded it.
type OutcomeRecord struct {
	Outcome Outcome   `json:"o"`
	By      int64     `json:"by"`      // the staff member who recorded it
	At      time.Time `json:"at"`      // when it was recorded
	Date    time.Time `json:"date"`    // the day it happened, as the staff member said
	Comment string    `json:"comment"` // optional, short
}

// Status is where the referral stands at now.
func (r Referral) Status(now time.Time) Status {
	switch {
	case r.Withdrew:
		return StatusWithdrew
	case !r.Closed.IsZero():
		return StatusClosed
	case !r.Completed.IsZero():
		return StatusCompleted
	case r.Client != 0:
		return StatusOpened
	case now.After(r.Expires):
		return StatusExpired
	}
	return StatusCreated
}

// ErrRateLimited means a partner has created too many referrals lately.
var ErrRateLimited = errors.New("too many referrals created in the last hour")

// ErrOwnReferral means a partner opened a referral link they made: it stays unclaimed,
// for their client.
var ErrOwnReferral = errors.New("a partner opened their own referral link")

// Store keeps partners, invitations and referrals (store.Referrals, in Redis, encrypts
// what is personal).
type Store interface {
	// CreateInvite stores a one-time invitation to become a partner of org.
	CreateInvite(ctx context.Context, org string, by int64) (code string, err error)
	// ClaimInvite makes user a partner of the invitation's organisation, once; false when
	// the code is unknown, used or expired.
	ClaimInvite(ctx context.Context, code string, user int64) (Partner, bool, error)
	Partner(ctx context.Context, user int64) (Partner, bool, error)
	Partners(ctx context.Context) ([]Partner, error)
	RevokePartner(ctx context.Context, user int64) (bool, error)

	// CreateReferral stores r under a new random code; ErrRateLimited when the partner
	// made too many lately.
	CreateReferral(ctx context.Context, r Referral) (Referral, error)
	// ClaimReferral gives an unclaimed, unexpired referral to client (or returns it again
	// to the client who claimed it); false for any other code, with no hint why;
	// ErrOwnReferral, leaving it unclaimed, when client is the partner who made it.
	ClaimReferral(ctx context.Context, code string, client int64) (Referral, bool, error)
	// Referral reads a referral; false when gone (or never made).
	Referral(ctx context.Context, code string) (Referral, bool, error)
	// UpdateReferral applies fn to the referral and keeps the result; false when gone. fn
	// may run more than once (a concurrent change makes it run again).
	UpdateReferral(ctx context.Context, code string, fn func(*Referral)) (Referral, bool, error)
	// PartnerReferrals lists a partner's referrals, newest first, and how many there are.
	PartnerReferrals(ctx context.Context, partner int64, offset, limit int) ([]Referral, int, error)
	// OrgReferrals lists the referrals any staff member of org made, newest first, and how
	// many there are; limit < 0: all of them.
	OrgReferrals(ctx context.Context, org string, offset, limit int) ([]Referral, int, error)
	// SetPartnerLang remembers the language a partner uses; nothing when user is not one.
	SetPartnerLang(ctx context.Context, user int64, lang content.Lang) error
	// ClientReferrals lists the referrals a client opened.
	ClientReferrals(ctx context.Context, client int64) ([]Referral, error)
	// Forget deletes everything kept about user as a client and as a partner, and returns
	// the referrals that pointed to them as they were. It is safe to run twice.
	Forget(ctx context.Context, user int64) ([]Referral, error)
	// Lifetimes are how long a referral's link works, and how long a referral is kept
	// after it is closed (an open one: both), as the store sets its TTLs.
	Lifetimes() (link, afterClosed time.Duration)
}
