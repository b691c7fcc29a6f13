package bottest

import (
	"context"
	"slices"
	"sync"

	"github.com/qamqor/qamqor/bot/handoff"
)

// Tickets is an in-memory handoff.Store.
type Tickets struct {
	mu      sync.Mutex
	next    int64
	tickets map[int64]handoff.Ticket
	asked   map[int64]string
}

// NewTickets returns an empty ticket store.
func NewTickets() *Tickets {
	return &Tickets{tickets: map[int64]handoff.Ticket{}, asked: map[int64]string{}}
}

func (s *Tickets) CreateTicket(_ context.Context, t handoff.Ticket) (handoff.Ticket, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.next++
	t.Number = s.next
	s.tickets[t.Number] = t
	return t, nil
}

func (s *Tickets) Ticket(_ context.Context, n int64) (handoff.Ticket, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.tickets[n]
	return t, ok, nil
}

func (s *Tickets) CloseTicket(_ context.Context, n int64) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if t, ok := s.tickets[n]; ok {
		t.Closed = true
		s.tickets[n] = t
	}
	return nil
}

func (s *Tickets) OpenTickets(context.Context) ([]handoff.Ticket, error) {
	return s.where(func(t handoff.Ticket) bool { return !t.Closed }), nil
}

func (s *Tickets) UserTickets(_ context.Context, user int64) ([]handoff.Ticket, error) {
	return s.where(func(t handoff.Ticket) bool { return t.User == user }), nil
}

func (s *Tickets) ForgetTickets(_ context.Context, user int64) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for n, t := range s.tickets {
		if t.User == user {
			delete(s.tickets, n)
		}
	}
	delete(s.asked, user)
	return nil
}

func (s *Tickets) KeepAsked(_ context.Context, user int64, question string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.asked[user] = question
	return nil
}

func (s *Tickets) Asked(_ context.Context, user int64) (string, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	q, ok := s.asked[user]
	return q, ok, nil
}

func (s *Tickets) DropAsked(_ context.Context, user int64) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.asked, user)
	return nil
}

func (s *Tickets) where(keep func(handoff.Ticket) bool) []handoff.Ticket {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []handoff.Ticket
	for _, t := range s.tickets {
		if keep(t) {
			out = append(out, t)
		}
	}
	slices.SortFunc(out, func(a, b handoff.Ticket) int { return int(a.Number - b.Number) })
	return out
}
