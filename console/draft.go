package console

import (
	"context"
	"time"
)

// DefaultDraftTTL is how long an editor's draft is kept after its last change: long enough
// for a piece of work spread over a few weeks, short enough that forgotten drafts go.
const DefaultDraftTTL = 30 * 24 * time.Hour

// Draft is an editor's draft: the content files as a zip (content.Archive's form), and the
// version it started from (0: the content the server started with).
type Draft struct {
	Archive []byte    `json:"a"`
	Base    int64     `json:"b"`
	Changed time.Time `json:"t"`
}

// Drafts keeps one draft per editor (store.Console on Redis, with DraftTTL; MemoryStore).
// A draft is content, not anyone's personal data.
type Drafts interface {
	Draft(ctx context.Context, user int64) (Draft, bool, error)
	PutDraft(ctx context.Context, user int64, d Draft, ttl time.Duration) error
	DropDraft(ctx context.Context, user int64) error
}

// Draft implements Drafts.
func (m *MemoryStore) Draft(_ context.Context, user int64) (Draft, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	d, ok := m.drafts[user]
	return d, ok, nil
}

// PutDraft implements Drafts.
func (m *MemoryStore) PutDraft(_ context.Context, user int64, d Draft, _ time.Duration) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.drafts == nil {
		m.drafts = map[int64]Draft{}
	}
	m.drafts[user] = d
	return nil
}

// DropDraft implements Drafts.
func (m *MemoryStore) DropDraft(_ context.Context, user int64) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.drafts, user)
	return nil
}
