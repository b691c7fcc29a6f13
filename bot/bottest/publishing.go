package bottest

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/qamqor/qamqor/bot/publishing"
)

var _ publishing.Store = (*Content)(nil)

// Content is an in-memory publishing.Store that keeps the latest Kept versions, as the
// Redis store does, and counts publications.
type Content struct {
	mu       sync.Mutex
	Kept     int
	versions map[int64]publishing.Version
	history  []int64 // newest first
	current  int64
	next     int64
	pending  map[int64][]byte
	became   map[int64]int64 // a published upload's version, in its place
	// Published counts the versions published.
	Published int
}

// NewContent returns a store with nothing published, keeping 20 versions.
func NewContent() *Content {
	return &Content{Kept: 20, versions: map[int64]publishing.Version{}, pending: map[int64][]byte{}, became: map[int64]int64{}}
}

// Publish stores archive as the next version and makes it current.
func (c *Content) Publish(_ context.Context, archive []byte, author, summary string) (int64, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.publish(archive, author, summary), nil
}

func (c *Content) publish(archive []byte, author, summary string) int64 {
	c.next++
	n := c.next
	c.versions[n] = publishing.Version{Number: n, Author: author, At: time.Unix(1_700_000_000+n*60, 0), Summary: summary, Archive: archive}
	c.history = append([]int64{n}, c.history...)
	for len(c.history) > c.Kept {
		delete(c.versions, c.history[len(c.history)-1])
		c.history = c.history[:len(c.history)-1]
	}
	c.current = n
	c.Published++
	return n
}

func (c *Content) History(_ context.Context, limit int) (publishing.History, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	h := publishing.History{Current: c.current}
	if len(c.history) > 0 {
		h.Newest, h.Oldest = c.history[0], c.history[len(c.history)-1]
	}
	for _, n := range c.history[:min(limit, len(c.history))] {
		v := c.versions[n]
		v.Archive = nil
		h.Versions = append(h.Versions, v)
	}
	return h, nil
}

func (c *Content) Rollback(_ context.Context, n int64) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.versions[n]; !ok {
		if len(c.history) > 0 && n > 0 && n < c.history[len(c.history)-1] {
			return publishing.ErrVersionGone
		}
		return publishing.ErrNoVersion
	}
	c.current = n
	return nil
}

func (c *Content) Current(context.Context) (publishing.Version, bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.versions[c.current]
	return v, ok, nil
}

func (c *Content) SetPending(_ context.Context, user int64, archive []byte) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.pending[user] = slices.Clone(archive)
	delete(c.became, user)
	return nil
}

func (c *Content) Pending(_ context.Context, user int64) ([]byte, int64, bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if n, ok := c.became[user]; ok {
		return nil, n, true, nil
	}
	a, ok := c.pending[user]
	return a, 0, ok, nil
}

func (c *Content) PublishPending(_ context.Context, user int64, archive []byte, author, summary string) (int64, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := c.publish(archive, author, summary)
	delete(c.pending, user)
	c.became[user] = n
	return n, nil
}

func (c *Content) DropPending(_ context.Context, user int64) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.pending, user)
	delete(c.became, user)
	return nil
}

// CurrentNumber is the number of the version in use (0: none published).
func (c *Content) CurrentNumber() int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.current
}
