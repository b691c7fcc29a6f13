package store_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/qamqor/qamqor/internal/redistest"
	"github.com/qamqor/qamqor/store"
)

// Issue 12, finding 2: published versions never expired, each a whole archive. After
// KeptVersions+5 publications exactly KeptVersions are kept, the newest, and an older one
// is said to be gone rather than never published.
func TestPublishedHistoryStaysBounded(t *testing.T) {
	srv := redistest.Start(t)
	published := store.NewContent(srv.Client())
	ctx := context.Background()
	total := store.KeptVersions + 5
	for i := 1; i <= total; i++ {
		if _, err := published.Publish(ctx, bytes.Repeat([]byte{byte(i)}, 1000), "a", fmt.Sprint(i)); err != nil {
			t.Fatal(err)
		}
	}
	versions := srv.Keys("{content}:v:*")
	h, err := published.History(ctx, 100)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d publications: %d versions kept (%d–%d), %d in the history", total, len(versions), h.Oldest, h.Newest, len(h.Versions))
	if len(versions) != store.KeptVersions || len(h.Versions) != store.KeptVersions {
		t.Errorf("%d versions stored, %d listed; want %d", len(versions), len(h.Versions), store.KeptVersions)
	}
	if h.Oldest != 6 || h.Newest != int64(total) || h.Current != int64(total) {
		t.Errorf("kept %d–%d, current %d", h.Oldest, h.Newest, h.Current)
	}
	if err := published.Rollback(ctx, 3); !errors.Is(err, store.ErrVersionGone) {
		t.Errorf("rollback to a version no longer kept: %v", err)
	}
	if err := published.Rollback(ctx, 99); !errors.Is(err, store.ErrNoVersion) {
		t.Errorf("rollback to a version never published: %v", err)
	}
	if err := published.Rollback(ctx, 6); err != nil {
		t.Errorf("rollback to the oldest kept: %v", err)
	}
	if v, ok, err := published.Current(ctx); err != nil || !ok || v.Number != 6 || v.Archive[0] != 6 {
		t.Errorf("current after the rollback: %d %v %v", v.Number, ok, err)
	}
	// Publishing after a rollback keeps the newest again, the new one current.
	n, _ := published.Publish(ctx, []byte("new"), "a", "new")
	if h, _ := published.History(ctx, 1); h.Current != n || h.Oldest != 7 || len(srv.Keys("{content}:v:*")) != store.KeptVersions {
		t.Errorf("after publishing %d: current %d, oldest %d", n, h.Current, h.Oldest)
	}
}

// Two editors publishing at once do not leave a version stored and unlisted.
func TestConcurrentPublicationsKeepTheHistoryBounded(t *testing.T) {
	srv := redistest.Start(t)
	ctx := context.Background()
	var wg sync.WaitGroup
	for p := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			published := store.NewContent(srv.Client())
			for i := range 10 {
				if _, err := published.Publish(ctx, []byte{byte(p), byte(i)}, "a", ""); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	h, _ := store.NewContent(srv.Client()).History(ctx, 100)
	if n := len(srv.Keys("{content}:v:*")); n != store.KeptVersions || len(h.Versions) != store.KeptVersions {
		t.Errorf("after 40 publications at once: %d stored, %d listed", n, len(h.Versions))
	}
}

// Publishing a waiting upload marks it published in the same transaction: the press run
// again (after a crash before the answer, or pressed twice) learns the version instead of
// publishing it a second time.
func TestAPublishedUploadIsPublishedOnce(t *testing.T) {
	srv := redistest.Start(t)
	ctx := context.Background()
	c := store.NewContent(srv.Client())
	if err := c.SetPending(ctx, 7, []byte("zip")); err != nil {
		t.Fatal(err)
	}
	archive, published, ok, err := c.Pending(ctx, 7)
	if err != nil || !ok || published != 0 || string(archive) != "zip" {
		t.Fatalf("pending: %q %d %v %v", archive, published, ok, err)
	}
	n, err := c.PublishPending(ctx, 7, archive, "id 7", "change")
	if err != nil {
		t.Fatal(err)
	}
	archive, published, ok, err = c.Pending(ctx, 7)
	if err != nil || !ok || archive != nil || published != n {
		t.Fatalf("after publishing version %d, pending says %q, version %d, %v, %v", n, archive, published, ok, err)
	}
	if ttl := srv.Client().TTL(ctx, "{content}:pending:7").Val(); ttl <= 0 {
		t.Errorf("the published mark has no TTL (%v)", ttl)
	}
	if h, _ := c.History(ctx, 10); len(h.Versions) != 1 {
		t.Errorf("%d versions, want 1", len(h.Versions))
	}
}
