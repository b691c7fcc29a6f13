// Package bot is Qamqor's conversation engine: given a chat's session and what the person
// sent, it returns the new session and the replies. It knows nothing of Telegram or Redis;
// adapters (telegram, terminal) carry inputs in and replies out, and a
// SessionStore keeps sessions.
package bot

import (
	"context"
	"slices"

	"github.com/qamqor/qamqor/content"
)

// MaxHistory bounds how many screens Back can return through, so a session stays small.
const MaxHistory = 20

// MaxSeen is how many recent update ids a session remembers to recognise a redelivered
// update. A webhook may deliver one chat's updates out of order, so the ids are a list
// rather than a high-water mark, which would drop a late but new update; an update older
// than all of a full list is taken as handled, however long ago (Telegram redelivers for
// up to 24 hours). Only an update overtaken by MaxSeen newer ones of its own chat could be
// new and look old, and a chat's updates are handled in order on one replica.
const MaxSeen = 16

// Session is what Qamqor keeps about one chat: the language and where the person is. It
// holds node ids only, never a copy of content. The zero value is a chat that has not yet
// chosen a language.
type Session struct {
	Lang    content.Lang `json:"l,omitempty"`
	Region  string       `json:"g,omitempty"` // the region they chose, for the offices services show
	Node    string       `json:"n,omitempty"` // current screen; empty means the main menu
	History []string     `json:"h,omitempty"` // previous screens, most recent last
	Seen    []int64      `json:"u,omitempty"` // ids of the last updates handled, oldest first

	// An open screener: its id, its step (a question, the summary, the result) and the
	// answers so far, as short strings. Cleared when the person leaves it.
	Screener string            `json:"q,omitempty"`
	Step     string            `json:"k,omitempty"`
	Answers  map[string]string `json:"a,omitempty"`
	// Done says this run of the screener has shown its result (the statistics count a
	// completion once per run: going to "why not" and back is not another). A new run
	// starts it afresh.
	Done bool `json:"qd,omitempty"`
	// Asked is when the open screener last had a turn (Unix seconds, to the minute), so a
	// run left unanswered for a day is counted as abandoned when the chat turns again.
	Asked int64 `json:"qt,omitempty"`
	// ForClient says the open screener is answered by a partner for a client who is with
	// them (bot/referrals): its answers are dropped as soon as it shows its result, and
	// with the screener when it is left, like every run's.
	ForClient bool `json:"qc,omitempty"`

	// Referrals: the code of the referral this client came with, so finishing a screener
	// can be reported to the partner (with consent); and what the next input means while a
	// referral step waits for one (a partner's note, a client's language).
	Ref  string `json:"r,omitempty"`
	Flow Flow   `json:"f,omitempty"`
	// Draft is a question for the specialists, typed and not yet sent (or dropped).
	Draft string `json:"d,omitempty"`
	// Farewells are what /forget must tell others (the partners of a client's referrals,
	// that the client withdrew), kept while it deletes what they were made from: a crash
	// halfway leaves them here for the second run, which would otherwise find nothing to
	// tell. Deleted with the session.
	Farewells []Notice `json:"fw,omitempty"`
}

// NodeID is the current screen's id.
func (s Session) NodeID() string { return s.node() }

// seen reports whether the update with this id was handled already: it is one of the
// last MaxSeen handled, or older than all of them.
func (s Session) seen(updateID int64) bool {
	if len(s.Seen) == 0 {
		return false
	}
	return slices.Contains(s.Seen, updateID) || (len(s.Seen) >= MaxSeen && updateID < slices.Min(s.Seen))
}

// markSeen remembers an update id, forgetting the oldest beyond MaxSeen.
func (s Session) markSeen(updateID int64) Session {
	seen := append(slices.Clone(s.Seen), updateID)
	if len(seen) > MaxSeen {
		seen = seen[len(seen)-MaxSeen:]
	}
	s.Seen = seen
	return s
}

// node returns the current screen's id.
func (s Session) node() string {
	if s.Node == "" {
		return content.MainID
	}
	return s.Node
}

// open moves to id, remembering the current screen for Back, and leaves any screener.
func (s Session) open(id string) Session {
	s = s.leaveScreener()
	h := append(slices.Clone(s.History), s.node())
	if len(h) > MaxHistory {
		h = h[len(h)-MaxHistory:]
	}
	s.History = h
	s.Node = id
	return s
}

// back returns to the previous screen, or to the main menu when there is none.
func (s Session) back() Session {
	s = s.leaveScreener()
	if len(s.History) == 0 {
		s.Node = content.MainID
		return s
	}
	s.Node = s.History[len(s.History)-1]
	s.History = slices.Clone(s.History[:len(s.History)-1])
	return s
}

// SessionStore keeps sessions between updates and across restarts.
type SessionStore interface {
	// Update reads the chat's session, passes it to fn and keeps what fn returns, as one
	// atomic step: if another update changed the session meanwhile, fn runs again on the
	// newer one, so fn must have no effects besides its result.
	Update(ctx context.Context, chatID int64, fn func(Session) (Session, error)) error
}
