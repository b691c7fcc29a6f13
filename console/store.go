package console

import (
	"context"
	"sync"
	"time"
)

// Login is what a one-time login token stands for: who asked for it, and until when it
// opens a session.
type Login struct {
	User    int64     `json:"u"`
	Expires time.Time `json:"e"`
}

// Session is a signed-in browser: whose it is, its CSRF token, its language and when it
// was last used (the idle timeout counts from there).
type Session struct {
	User     int64     `json:"u"`
	CSRF     string    `json:"c"`
	Lang     string    `json:"l"`
	LastSeen time.Time `json:"s"`
	// App: opened by a Mini App's initData over HTTPS, so its cookie is the one that
	// works inside Telegram Web's frame (see sessionCookie).
	App bool `json:"a,omitempty"`
}

// Store keeps login tokens and sessions by the SHA-256 of their secret (store.Console on
// Redis; MemoryStore for `qamqor console` and tests), so a copy of the store opens nothing.
// The ttl is only for clean-up: the handler judges expiry by its own clock.
type Store interface {
	PutLogin(ctx context.Context, key string, l Login, ttl time.Duration) error
	// TakeLogin returns the login and deletes it in one step, so a token opens one session
	// even when two requests race with it.
	TakeLogin(ctx context.Context, key string) (Login, bool, error)
	PutSession(ctx context.Context, key string, s Session, ttl time.Duration) error
	Session(ctx context.Context, key string) (Session, bool, error)
	DeleteSession(ctx context.Context, key string) error
}

// MemoryStore is a Store in this process's memory: for `qamqor console`, which runs
// without Redis, and for tests.
type MemoryStore struct {
	mu       sync.Mutex
	logins   map[string]Login
	sessions map[string]Session
	drafts   map[int64]Draft
}

// NewMemoryStore returns an empty MemoryStore.
func NewMemoryStore() *MemoryStore {
	return &MemoryStore{logins: map[string]Login{}, sessions: map[string]Session{}}
}

// PutLogin implements Store.
func (m *MemoryStore) PutLogin(_ context.Context, key string, l Login, _ time.Duration) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.logins[key] = l
	return nil
}

// TakeLogin implements Store.
func (m *MemoryStore) TakeLogin(_ context.Context, key string) (Login, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	l, ok := m.logins[key]
	delete(m.logins, key)
	return l, ok, nil
}

// PutSession implements Store.
func (m *MemoryStore) PutSession(_ context.Context, key string, s Session, _ time.Duration) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.sessions[key] = s
	return nil
}

// Session implements Store.
func (m *MemoryStore) Session(_ context.Context, key string) (Session, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	s, ok := m.sessions[key]
	return s, ok, nil
}

// DeleteSession implements Store.
func (m *MemoryStore) DeleteSession(_ context.Context, key string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.sessions, key)
	return nil
}
