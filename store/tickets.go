package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/qamqor/qamqor/bot/handoff"
	"github.com/qamqor/qamqor/content"
	"github.com/qamqor/qamqor/secret"
	"github.com/redis/go-redis/v9"
)

// Tickets keeps questions handed to specialists; it implements handoff.Store. A ticket
// lives handoff.TicketTTL; its question is sealed when a key is given.
type Tickets struct {
	rdb redis.UniversalClient
	key *secret.Key // nil: questions kept as written, still expiring
}

// NewTickets returns the ticket store.
func NewTickets(rdb redis.UniversalClient, key *secret.Key) *Tickets {
	return &Tickets{rdb: rdb, key: key}
}

const (
	ticketSeqKey  = "ticket:seq"
	ticketOpenKey = "tickets:open"
	// openTicketsKept bounds the list of open tickets; older ones are still answered by
	// their number.
	openTicketsKept = 10_000
)

func ticketKey(n int64) string         { return "{ticket:" + strconv.FormatInt(n, 10) + "}" }
func userTicketsKey(user int64) string { return "{chat:" + strconv.FormatInt(user, 10) + "}:tickets" }
func questionContext(n int64) string   { return "ticket-question:" + strconv.FormatInt(n, 10) }
func carriedKey(user int64) string     { return "{chat:" + strconv.FormatInt(user, 10) + "}:carried" }
func askedContext(user int64) string   { return "asked-question:" + strconv.FormatInt(user, 10) }

// CreateTicket implements handoff.Store.
func (s *Tickets) CreateTicket(ctx context.Context, t handoff.Ticket) (handoff.Ticket, error) {
	n, err := s.rdb.Incr(ctx, ticketSeqKey).Result()
	if err != nil {
		return handoff.Ticket{}, fmt.Errorf("store: numbering a ticket: %w", err)
	}
	t.Number = n
	question := t.Question
	if s.key != nil {
		if question, err = s.key.SealString(t.Question, questionContext(n)); err != nil {
			return handoff.Ticket{}, err
		}
	}
	pipe := s.rdb.TxPipeline()
	pipe.HSet(ctx, ticketKey(n), "user", t.User, "lang", string(t.Lang), "question", question, "created", t.Created.Unix())
	pipe.Expire(ctx, ticketKey(n), handoff.TicketTTL)
	if _, err := pipe.Exec(ctx); err != nil {
		return handoff.Ticket{}, fmt.Errorf("store: saving a ticket: %w", err)
	}
	pipe = s.rdb.TxPipeline()
	pipe.SAdd(ctx, userTicketsKey(t.User), n)
	pipe.Expire(ctx, userTicketsKey(t.User), handoff.TicketTTL)
	if _, err := pipe.Exec(ctx); err != nil {
		return handoff.Ticket{}, fmt.Errorf("store: listing a ticket: %w", err)
	}
	// The list of open tickets keeps the newest openTicketsKept and lives as long as the
	// newest ticket in it.
	open := s.rdb.TxPipeline()
	open.ZAdd(ctx, ticketOpenKey, redis.Z{Score: float64(n), Member: n})
	open.ZRemRangeByRank(ctx, ticketOpenKey, 0, -openTicketsKept-1)
	open.Expire(ctx, ticketOpenKey, handoff.TicketTTL)
	if _, err := open.Exec(ctx); err != nil {
		return handoff.Ticket{}, fmt.Errorf("store: listing a ticket: %w", err)
	}
	return t, nil
}

// Ticket implements handoff.Store.
func (s *Tickets) Ticket(ctx context.Context, n int64) (handoff.Ticket, bool, error) {
	m, err := s.rdb.HGetAll(ctx, ticketKey(n)).Result()
	if err != nil {
		return handoff.Ticket{}, false, fmt.Errorf("store: reading a ticket: %w", err)
	}
	if m["user"] == "" {
		return handoff.Ticket{}, false, nil
	}
	q := m["question"]
	if s.key != nil {
		if q, err = s.key.OpenString(q, questionContext(n)); err != nil {
			return handoff.Ticket{}, false, fmt.Errorf("store: opening a ticket: %w", err)
		}
	}
	return handoff.Ticket{Number: n, User: userID(m["user"]), Lang: content.Lang(m["lang"]), Question: q,
		Created: fromUnix(m["created"]), Closed: m["closed"] == "1"}, true, nil
}

// closeScript marks a ticket closed, only while it exists: a ticket that expired meanwhile
// is not brought back without its TTL.
var closeScript = redis.NewScript(`
if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('HSET', KEYS[1], 'closed', '1') end
return 0`)

// CloseTicket implements handoff.Store.
func (s *Tickets) CloseTicket(ctx context.Context, n int64) error {
	if err := closeScript.Run(ctx, s.rdb, []string{ticketKey(n)}).Err(); err != nil {
		return fmt.Errorf("store: closing a ticket: %w", err)
	}
	return s.rdb.ZRem(ctx, ticketOpenKey, n).Err()
}

// OpenTickets implements handoff.Store, dropping expired ones from the list.
func (s *Tickets) OpenTickets(ctx context.Context) ([]handoff.Ticket, error) {
	ids, err := s.rdb.ZRange(ctx, ticketOpenKey, 0, -1).Result()
	if err != nil {
		return nil, fmt.Errorf("store: listing tickets: %w", err)
	}
	var out []handoff.Ticket
	for _, id := range ids {
		n, _ := strconv.ParseInt(id, 10, 64)
		t, ok, err := s.Ticket(ctx, n)
		if err != nil {
			return nil, err
		}
		if !ok || t.Closed {
			s.rdb.ZRem(ctx, ticketOpenKey, id)
			continue
		}
		out = append(out, t)
	}
	return out, nil
}

// UserTickets implements handoff.Store.
func (s *Tickets) UserTickets(ctx context.Context, user int64) ([]handoff.Ticket, error) {
	ids, err := s.rdb.SMembers(ctx, userTicketsKey(user)).Result()
	if err != nil {
		return nil, fmt.Errorf("store: listing a person's tickets: %w", err)
	}
	var out []handoff.Ticket
	for _, id := range ids {
		n, _ := strconv.ParseInt(id, 10, 64)
		t, ok, err := s.Ticket(ctx, n)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, t)
		}
	}
	return out, nil
}

// ForgetTickets implements handoff.Store.
func (s *Tickets) ForgetTickets(ctx context.Context, user int64) error {
	ids, err := s.rdb.SMembers(ctx, userTicketsKey(user)).Result()
	if err != nil {
		return fmt.Errorf("store: listing tickets to forget: %w", err)
	}
	for _, id := range ids {
		n, _ := strconv.ParseInt(id, 10, 64)
		if err := s.rdb.Del(ctx, ticketKey(n)).Err(); err != nil {
			return fmt.Errorf("store: forgetting a ticket: %w", err)
		}
		s.rdb.ZRem(ctx, ticketOpenKey, id)
	}
	return s.rdb.Del(ctx, userTicketsKey(user), carriedKey(user)).Err()
}

// KeepAsked implements handoff.Store: the question lives handoff.CarriedTTL at most, sealed
// as a ticket's is.
func (s *Tickets) KeepAsked(ctx context.Context, user int64, question string) error {
	if s.key != nil {
		var err error
		if question, err = s.key.SealString(question, askedContext(user)); err != nil {
			return err
		}
	}
	if err := s.rdb.Set(ctx, carriedKey(user), question, handoff.CarriedTTL).Err(); err != nil {
		return fmt.Errorf("store: keeping a question: %w", err)
	}
	return nil
}

// Asked implements handoff.Store.
func (s *Tickets) Asked(ctx context.Context, user int64) (string, bool, error) {
	q, err := s.rdb.Get(ctx, carriedKey(user)).Result()
	if errors.Is(err, redis.Nil) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("store: reading a question: %w", err)
	}
	if s.key != nil {
		if q, err = s.key.OpenString(q, askedContext(user)); err != nil {
			return "", false, fmt.Errorf("store: opening a question: %w", err)
		}
	}
	return q, true, nil
}

// DropAsked implements handoff.Store.
func (s *Tickets) DropAsked(ctx context.Context, user int64) error {
	if err := s.rdb.Del(ctx, carriedKey(user)).Err(); err != nil {
		return fmt.Errorf("store: dropping a question: %w", err)
	}
	return nil
}
