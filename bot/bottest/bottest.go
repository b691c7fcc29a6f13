// Package bottest holds what the tests of the core and of the features share: an
// in-memory session store that counts its writes, in-memory fakes of the features' store
// ports, and a service over the shipped content. Nothing here talks to Redis or Telegram.
package bottest

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"testing"

	"github.com/qamqor/qamqor/bot"
	"github.com/qamqor/qamqor/bot/privacy"
	"github.com/qamqor/qamqor/content"
	"github.com/qamqor/qamqor/locales"
)

// Sessions is an in-memory bot.SessionStore (and SessionViewer, SessionForgetter) that
// counts the writes it takes.
type Sessions struct {
	mu     sync.Mutex
	m      map[int64]bot.Session
	writes int
}

// NewSessions returns an empty store.
func NewSessions() *Sessions { return &Sessions{m: map[int64]bot.Session{}} }

// Update implements bot.SessionStore. A step that changes nothing writes nothing, as the
// Redis store does.
func (s *Sessions) Update(_ context.Context, chat int64, fn func(bot.Session) (bot.Session, error)) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	cur := s.m[chat]
	next, err := fn(cur)
	if err != nil {
		return err
	}
	if !equal(cur, next) {
		s.m[chat] = next
		s.writes++
	}
	return nil
}

// View implements bot.SessionViewer.
func (s *Sessions) View(_ context.Context, chat int64) (bot.Session, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.m[chat], nil
}

// Forget implements bot.SessionForgetter.
func (s *Sessions) Forget(_ context.Context, chat int64) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.m, chat)
	return nil
}

// Writes is how many writes the store took so far.
func (s *Sessions) Writes() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.writes
}

// Get is chat's session.
func (s *Sessions) Get(chat int64) (bot.Session, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sess, ok := s.m[chat]
	return sess, ok
}

// Set puts a session in place, without counting a write.
func (s *Sessions) Set(chat int64, sess bot.Session) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.m[chat] = sess
}

// Quiet is a logger that says nothing.
var Quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// Engine is an engine over the shipped content.
func Engine(tb testing.TB, opts ...bot.Option) *bot.Engine {
	tb.Helper()
	c, _, err := content.Load(content.Embedded(), "content/data")
	if err != nil {
		tb.Fatal(err)
	}
	bundle, err := locales.Bundle()
	if err != nil {
		tb.Fatal(err)
	}
	return bot.NewEngine(c, bundle, opts...)
}

// Service is a service over the shipped content and an in-memory session store, with the
// features registered, then /mydata and /forget, as serve registers them.
func Service(tb testing.TB, fs ...bot.Feature) (*bot.Service, *Sessions) {
	tb.Helper()
	sessions := NewSessions()
	svc := bot.NewService(Engine(tb), sessions, Quiet)
	if err := svc.Register(append(fs, privacy.New())...); err != nil {
		tb.Fatal(err)
	}
	return svc, sessions
}

// Russian makes chats people who chose Russian.
func Russian(s *Sessions, chats ...int64) {
	for _, c := range chats {
		s.Set(c, bot.Session{Lang: content.RU})
	}
}

// Chat talks to a service as one person, numbering updates as Telegram does.
type Chat struct {
	tb   testing.TB
	svc  *bot.Service
	ID   int64
	next int64
	// Last is the last answered result.
	Last bot.Result
}

// NewChat is chat id of svc.
func NewChat(tb testing.TB, svc *bot.Service, id int64) *Chat {
	return &Chat{tb: tb, svc: svc, ID: id, next: id * 1000}
}

// Send sends an input and returns the result.
func (c *Chat) Send(in bot.Input) bot.Result {
	c.next++
	in.UpdateID = c.next
	c.Last = c.svc.Handle(context.Background(), c.ID, in)
	return c.Last
}

// Text sends typed text.
func (c *Chat) Text(text string) bot.Result {
	return c.Send(bot.Input{Kind: bot.InputText, Text: text})
}

// Press presses button data.
func (c *Chat) Press(data string) bot.Result {
	return c.Send(bot.Input{Kind: bot.InputButton, Data: data})
}

// Again delivers the last update a second time.
func (c *Chat) Again(in bot.Input) bot.Result {
	in.UpdateID = c.next
	return c.svc.Handle(context.Background(), c.ID, in)
}

// Texts are the texts of replies, in order.
func Texts(r bot.Result) []string {
	var out []string
	for _, rep := range r.Replies {
		out = append(out, rep.Text)
	}
	return out
}

// Button finds the data of the button labelled label in r's replies ("" if none).
func Button(r bot.Result, label string) string {
	for _, rep := range r.Replies {
		for _, row := range rep.Buttons {
			for _, b := range row {
				if b.Label == label {
					return b.Data
				}
			}
		}
	}
	return ""
}

func equal(a, b bot.Session) bool { return sessionKey(a) == sessionKey(b) }
