package bottest

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/qamqor/qamqor/bot/news"
	"github.com/qamqor/qamqor/content"
)

// News is an in-memory news.Store: subscriptions, drafts, broadcasts and their queues, and
// the sender's lease (which never lapses: only ReleaseSender frees it). Broken makes every
// call fail, as a store that is away.
type News struct {
	mu     sync.Mutex
	subs   map[int64]news.Subscription
	drafts map[int64]news.Draft
	seq    int64
	bcs    map[int64]*queuedBroadcast
	queue  []int64 // being sent, oldest first
	all    []int64 // newest first
	made   map[string]int64
	sender string
	broken error
}

type queuedBroadcast struct {
	b      news.Broadcast
	todo   []news.Recipient
	flight []news.Recipient
}

// NewNews returns an empty store.
func NewNews() *News {
	return &News{subs: map[int64]news.Subscription{}, drafts: map[int64]news.Draft{},
		bcs: map[int64]*queuedBroadcast{}, made: map[string]int64{}}
}

// Break makes every call fail with err from now on; nil mends the store.
func (s *News) Break(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.broken = err
}

// Todo lists the recipients still waiting in broadcast n's queue.
func (s *News) Todo(n int64) []news.Recipient {
	s.mu.Lock()
	defer s.mu.Unlock()
	if q, ok := s.bcs[n]; ok {
		return slices.Clone(q.todo)
	}
	return nil
}

func (s *News) lock() (unlock func(), err error) {
	s.mu.Lock()
	if s.broken != nil {
		s.mu.Unlock()
		return nil, s.broken
	}
	return s.mu.Unlock, nil
}

func (s *News) Subscribe(_ context.Context, chat int64, topic, region string, lang content.Lang) error {
	unlock, err := s.lock()
	if err != nil {
		return err
	}
	defer unlock()
	sub := s.subs[chat]
	if !slices.Contains(sub.Topics, topic) {
		sub.Topics = append(slices.Clone(sub.Topics), topic)
		slices.Sort(sub.Topics)
	}
	sub.Region, sub.Lang = region, lang
	s.subs[chat] = sub
	return nil
}

func (s *News) Unsubscribe(_ context.Context, chat int64, topic string) error {
	unlock, err := s.lock()
	if err != nil {
		return err
	}
	defer unlock()
	sub, ok := s.subs[chat]
	if !ok {
		return nil
	}
	if topic != "" {
		sub.Topics = slices.DeleteFunc(slices.Clone(sub.Topics), func(t string) bool { return t == topic })
	}
	if topic == "" || len(sub.Topics) == 0 {
		delete(s.subs, chat)
		return nil
	}
	s.subs[chat] = sub
	return nil
}

func (s *News) Subscription(_ context.Context, chat int64) (news.Subscription, bool, error) {
	unlock, err := s.lock()
	if err != nil {
		return news.Subscription{}, false, err
	}
	defer unlock()
	sub, ok := s.subs[chat]
	sub.Topics = slices.Clone(sub.Topics)
	return sub, ok, nil
}

func (s *News) SetSubscriptionLang(_ context.Context, chat int64, lang content.Lang) error {
	unlock, err := s.lock()
	if err != nil {
		return err
	}
	defer unlock()
	if sub, ok := s.subs[chat]; ok {
		sub.Lang = lang
		s.subs[chat] = sub
	}
	return nil
}

func (s *News) Audience(_ context.Context, a news.Audience) ([]news.Recipient, error) {
	unlock, err := s.lock()
	if err != nil {
		return nil, err
	}
	defer unlock()
	var out []news.Recipient
	for chat, sub := range s.subs {
		switch {
		case a.Topic != "" && !slices.Contains(sub.Topics, a.Topic),
			a.Region != "" && sub.Region != "" && sub.Region != a.Region,
			a.Lang != "" && sub.Lang != a.Lang:
			continue
		}
		out = append(out, news.Recipient{Chat: chat, Lang: sub.Lang})
	}
	slices.SortFunc(out, func(a, b news.Recipient) int { return int(a.Chat - b.Chat) })
	return out, nil
}

func (s *News) SaveDraft(_ context.Context, author int64, d news.Draft) error {
	unlock, err := s.lock()
	if err != nil {
		return err
	}
	defer unlock()
	s.drafts[author] = copyDraft(d)
	return nil
}

func (s *News) Draft(_ context.Context, author int64) (news.Draft, bool, error) {
	unlock, err := s.lock()
	if err != nil {
		return news.Draft{}, false, err
	}
	defer unlock()
	d, ok := s.drafts[author]
	return copyDraft(d), ok, nil
}

func copyDraft(d news.Draft) news.Draft {
	if d.Texts != nil {
		texts := make(map[content.Lang]string, len(d.Texts))
		for l, t := range d.Texts {
			texts[l] = t
		}
		d.Texts = texts
	}
	return d
}

func (s *News) DropDraft(_ context.Context, author int64) error {
	unlock, err := s.lock()
	if err != nil {
		return err
	}
	defer unlock()
	delete(s.drafts, author)
	return nil
}

func (s *News) CreateBroadcast(_ context.Context, b news.Broadcast, to []news.Recipient) (news.Broadcast, error) {
	unlock, err := s.lock()
	if err != nil {
		return news.Broadcast{}, err
	}
	defer unlock()
	if n, ok := s.made[b.Draft]; ok && b.Draft != "" {
		prev := s.bcs[n].b
		prev.Again = true
		return prev, nil
	}
	s.seq++
	b.Number, b.Total = s.seq, int64(len(to))
	s.bcs[b.Number] = &queuedBroadcast{b: b, todo: slices.Clone(to)}
	s.queue = append(s.queue, b.Number)
	s.all = append([]int64{b.Number}, s.all...)
	if b.Draft != "" {
		s.made[b.Draft] = b.Number
	}
	return b, nil
}

func (s *News) Broadcast(_ context.Context, n int64) (news.Broadcast, bool, error) {
	unlock, err := s.lock()
	if err != nil {
		return news.Broadcast{}, false, err
	}
	defer unlock()
	q, ok := s.bcs[n]
	if !ok {
		return news.Broadcast{}, false, nil
	}
	return q.b, true, nil
}

func (s *News) Broadcasts(_ context.Context, n int) ([]news.Broadcast, error) {
	unlock, err := s.lock()
	if err != nil {
		return nil, err
	}
	defer unlock()
	var out []news.Broadcast
	for _, num := range s.all[:min(n, len(s.all))] {
		out = append(out, s.bcs[num].b)
	}
	return out, nil
}

func (s *News) ClaimSender(_ context.Context, owner string, _ time.Duration) (bool, error) {
	unlock, err := s.lock()
	if err != nil {
		return false, err
	}
	defer unlock()
	if s.sender == "" {
		s.sender = owner
	}
	return s.sender == owner, nil
}

func (s *News) ReleaseSender(_ context.Context, owner string) error {
	unlock, err := s.lock()
	if err != nil {
		return err
	}
	defer unlock()
	if s.sender == owner {
		s.sender = ""
	}
	return nil
}

func (s *News) Queued(context.Context) (int64, bool, error) {
	unlock, err := s.lock()
	if err != nil {
		return 0, false, err
	}
	defer unlock()
	if len(s.queue) == 0 {
		return 0, false, nil
	}
	return s.queue[0], true, nil
}

func (s *News) Recover(_ context.Context, n int64) (int64, error) {
	unlock, err := s.lock()
	if err != nil {
		return 0, err
	}
	defer unlock()
	q, ok := s.bcs[n]
	if !ok {
		return 0, nil
	}
	unknown := int64(len(q.flight))
	q.b.Unknown += unknown
	q.flight = nil
	return unknown, nil
}

func (s *News) Take(_ context.Context, n int64, owner string, _ time.Duration) (news.Recipient, bool, error) {
	unlock, err := s.lock()
	if err != nil {
		return news.Recipient{}, false, err
	}
	defer unlock()
	if s.sender != owner {
		return news.Recipient{}, false, news.ErrLeaseLost
	}
	q, ok := s.bcs[n]
	if !ok || len(q.todo) == 0 {
		return news.Recipient{}, false, nil
	}
	r := q.todo[0]
	q.todo = q.todo[1:]
	q.flight = append(q.flight, r)
	return r, true, nil
}

// inFlight takes r off q's flight list, reporting whether it was there.
func (q *queuedBroadcast) inFlight(r news.Recipient) bool {
	i := slices.Index(q.flight, r)
	if i < 0 {
		return false
	}
	q.flight = slices.Delete(q.flight, i, i+1)
	return true
}

func (s *News) Settle(_ context.Context, n int64, r news.Recipient, outcome news.Outcome) error {
	unlock, err := s.lock()
	if err != nil {
		return err
	}
	defer unlock()
	q, ok := s.bcs[n]
	if !ok || !q.inFlight(r) {
		return nil // settling twice counts once
	}
	switch outcome {
	case news.OutcomeSent:
		q.b.Sent++
	case news.OutcomeBlocked:
		q.b.Blocked++
	case news.OutcomeFailed:
		q.b.Failed++
	case news.OutcomeLeft:
		q.b.Total--
	}
	return nil
}

func (s *News) PutBack(_ context.Context, n int64, r news.Recipient) error {
	unlock, err := s.lock()
	if err != nil {
		return err
	}
	defer unlock()
	if q, ok := s.bcs[n]; ok && q.inFlight(r) {
		q.todo = append([]news.Recipient{r}, q.todo...)
	}
	return nil
}

func (s *News) Finish(_ context.Context, n int64, at time.Time) (news.Broadcast, error) {
	unlock, err := s.lock()
	if err != nil {
		return news.Broadcast{}, err
	}
	defer unlock()
	q, ok := s.bcs[n]
	if !ok {
		return news.Broadcast{}, nil
	}
	if q.b.Finished.IsZero() {
		q.b.Finished = at
	}
	q.todo, q.flight = nil, nil
	s.queue = slices.DeleteFunc(s.queue, func(m int64) bool { return m == n })
	return q.b, nil
}

func (s *News) Withdraw(_ context.Context, chat int64) error {
	unlock, err := s.lock()
	if err != nil {
		return err
	}
	defer unlock()
	for _, n := range s.queue {
		q := s.bcs[n]
		before := len(q.todo)
		q.todo = slices.DeleteFunc(q.todo, func(r news.Recipient) bool { return r.Chat == chat })
		q.b.Total -= int64(before - len(q.todo))
	}
	return nil
}

var _ news.Store = (*News)(nil)
