package bot

import (
	"context"
	"sync"
	"time"

	"github.com/hashicorp/golang-lru/v2/expirable"
	"github.com/qamqor/qamqor/content"
	"golang.org/x/time/rate"
)

// Per-chat limits keep one person from holding up everyone else: searches, checklists
// (a PDF is rendered for each) and questions to the specialists (each is a message in the
// operators' group) have a budget per chat, refilled over time; past it the person gets a
// short, polite answer in their language, and nothing else happens. The adapters bound the
// rest (how many updates of one chat may wait). The budgets are per replica: each keeps
// itself from being flooded, at no Redis cost.
type limits struct {
	searches, checklists *perChat
	// notices lets each chat be told it went over a limit once a minute; beyond that its
	// extra requests are answered with the screen it is on.
	notices *expirable.LRU[int64, struct{}]
	mu      sync.Mutex // guards the check and add of notices
}

// A chat may search 20 times at once, then once every 3 seconds; ask for 3 checklists, then
// one every 2 minutes; send 3 questions to the specialists, then one every 10 minutes.
// A person reading answers never comes near; a script does at once.
func newLimits() *limits {
	return &limits{
		searches:   newPerChat(rate.Every(3*time.Second), 20),
		checklists: newPerChat(rate.Every(2*time.Minute), 3),
		notices:    expirable.NewLRU[int64, struct{}](limitChats, nil, time.Minute),
	}
}

// limitChats bounds the chats whose budgets are remembered; a chat forgotten starts full.
const limitChats = 50_000

// perChat is a token bucket per chat.
type perChat struct {
	every rate.Limit
	burst int
	chats *expirable.LRU[int64, *rate.Limiter]
}

func newPerChat(every rate.Limit, burst int) *perChat {
	// A bucket idle long enough to be full again is the same as a new one: forget it then.
	full := time.Duration(float64(burst)/float64(every)) * time.Second
	return &perChat{every: every, burst: burst, chats: expirable.NewLRU[int64, *rate.Limiter](limitChats, nil, full)}
}

// allow takes one token of chat's budget at now, and reports whether there was one.
func (p *perChat) allow(chat int64, now time.Time) bool {
	l, ok := p.chats.Get(chat)
	if !ok {
		l = rate.NewLimiter(p.every, p.burst)
		p.chats.Add(chat, l)
	}
	return l.AllowN(now, 1)
}

// notice reports whether chat may be told now that it went over a limit.
func (l *limits) notice(chat int64) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.notices.Contains(chat) {
		return false
	}
	l.notices.Add(chat, struct{}{})
	return true
}

// limitReplies applies the per-chat budgets to what the engine answered: a search or a
// checklist over budget is replaced by the polite answer, and the session stays as it was
// (neither moves a person). It reports whether it replaced anything.
func (s *Service) limitReplies(chat int64, sess Session, replies []Reply) ([]Reply, bool) {
	now := s.engine().now()
	for _, r := range replies {
		switch {
		case r.Search && !s.limits.searches.allow(chat, now):
			return s.overLimit(chat, sess, msgTooManySearches), true
		case r.Checklist != nil && !s.limits.checklists.allow(chat, now):
			return s.overLimit(chat, sess, msgTooManyChecklists), true
		}
	}
	return replies, false
}

// overLimit is the answer to a request over its budget: the note and the current screen,
// once a minute; the screen alone after that.
func (s *Service) overLimit(chat int64, sess Session, msgID MessageID) []Reply {
	note := ""
	if s.limits.notice(chat) {
		note = s.engine().tr.T(langOf(sess, Input{}), msgID, nil)
	}
	return []Reply{s.engine().here(sess, note)}
}

// Skipped answers an update the adapter gave up on — it was in hand each time a process
// stopped, or ran past its deadline — in the chat's language. It reads the session (from
// the store's cache, as a rule) and changes nothing.
func (s *Service) Skipped(ctx context.Context, chat int64, in Input) []Reply {
	return []Reply{{Text: s.say(s.chatLang(ctx, chat, in), msgSkipped)}}
}

// TooFast answers the first update an adapter dropped because the chat sent too many at
// once, in the chat's language, changing nothing.
func (s *Service) TooFast(ctx context.Context, chat int64, in Input) []Reply {
	return []Reply{{Text: s.say(s.chatLang(ctx, chat, in), msgTooFast)}}
}

// chatLang is the chat's language as its session has it, else the app's hint, else ""
// (both languages).
func (s *Service) chatLang(ctx context.Context, chat int64, in Input) content.Lang {
	lang := in.LangHint
	if v, ok := s.store.(SessionViewer); ok {
		if sess, err := v.View(ctx, chat); err == nil && sess.Lang != "" {
			lang = sess.Lang
		}
	}
	return lang
}

// SessionViewer reads a chat's session without writing it (store.Sessions is one).
type SessionViewer interface {
	View(ctx context.Context, chatID int64) (Session, error)
}

// Budget is a per-chat token bucket, for a feature's own limits (its questions to the
// specialists, say): every, how often a token comes back; burst, how many a chat starts
// with. It lives in memory, per replica.
type Budget struct{ p *perChat }

// NewBudget returns a budget.
func NewBudget(every rate.Limit, burst int) *Budget { return &Budget{p: newPerChat(every, burst)} }

// Allow takes one token of chat's budget at now, and reports whether there was one.
func (b *Budget) Allow(chat int64, now time.Time) bool { return b.p.allow(chat, now) }
