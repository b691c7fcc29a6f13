package store_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/qamqor/qamqor/console"
	"github.com/qamqor/qamqor/internal/redistest"
	"github.com/qamqor/qamqor/store"
)

// A login token is kept only as its hash, expires by itself, and opens one session even
// when two replicas race with it; a session is kept until deleted or idle.
func TestTheConsoleStoreKeepsLoginsOneTimeAndSessions(t *testing.T) {
	ctx := context.Background()
	srv := redistest.Start(t)
	rdb := srv.Client()
	s := store.NewConsole(rdb)
	until := time.Now().Add(10 * time.Minute).Truncate(time.Second).UTC()
	if err := s.PutLogin(ctx, "login:abc", console.Login{User: 7, Expires: until}, 10*time.Minute); err != nil {
		t.Fatal(err)
	}
	keys := srv.Keys("console:*") // on every node of a cluster
	if len(keys) != 1 || keys[0] != "console:login:abc" {
		t.Fatalf("keys %v", keys)
	}
	if ttl := rdb.TTL(ctx, keys[0]).Val(); ttl <= 9*time.Minute || ttl > 10*time.Minute {
		t.Errorf("the login's TTL is %s", ttl)
	}
	var wg sync.WaitGroup
	wins := make(chan console.Login, 2)
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if l, ok, err := s.TakeLogin(ctx, "login:abc"); err == nil && ok {
				wins <- l
			}
		}()
	}
	wg.Wait()
	close(wins)
	var got []console.Login
	for l := range wins {
		got = append(got, l)
	}
	if len(got) != 1 || got[0].User != 7 || !got[0].Expires.Equal(until) {
		t.Fatalf("two takes of one login got %+v", got)
	}

	sess := console.Session{User: 7, CSRF: "c", Lang: "kk", LastSeen: until}
	if err := s.PutSession(ctx, "session:x", sess, 30*time.Minute); err != nil {
		t.Fatal(err)
	}
	if back, ok, err := s.Session(ctx, "session:x"); err != nil || !ok || back != (console.Session{User: 7, CSRF: "c", Lang: "kk", LastSeen: until}) {
		t.Errorf("session back: %+v %v %v", back, ok, err)
	}
	if err := s.DeleteSession(ctx, "session:x"); err != nil {
		t.Fatal(err)
	}
	if _, ok, err := s.Session(ctx, "session:x"); ok || err != nil {
		t.Errorf("a deleted session: %v %v", ok, err)
	}
}

// Through the console, what Redis holds is a hash of the link's token, never the token.
func TestTheConsoleKeepsNoSecretInRedis(t *testing.T) {
	ctx := context.Background()
	srv := redistest.Start(t)
	rdb := srv.Client()
	h := console.New(console.Options{Store: store.NewConsole(rdb), URL: "https://x.example/console/"})
	link, err := h.NewLogin(ctx, 7)
	if err != nil {
		t.Fatal(err)
	}
	tok := link[strings.Index(link, "t=")+2:]
	keys := srv.Keys("*")
	if len(keys) != 1 || strings.Contains(keys[0], tok) || strings.Contains(rdb.Get(ctx, keys[0]).Val(), tok) {
		t.Errorf("Redis holds %v for token %s", keys, tok)
	}
}

// An editor's draft is kept per editor, for the TTL asked, until dropped.
func TestTheConsoleKeepsADraftPerEditorForItsTTL(t *testing.T) {
	ctx := context.Background()
	srv := redistest.Start(t)
	s := store.NewConsole(srv.Client())
	d := console.Draft{Archive: []byte("PK\x03\x04 zip bytes"), Base: 3, Changed: time.Now().Truncate(time.Second).UTC()}
	if err := s.PutDraft(ctx, 7, d, 48*time.Hour); err != nil {
		t.Fatal(err)
	}
	got, ok, err := s.Draft(ctx, 7)
	if err != nil || !ok || string(got.Archive) != string(d.Archive) || got.Base != 3 || !got.Changed.Equal(d.Changed) {
		t.Fatalf("the draft read back: %+v %v %v", got, ok, err)
	}
	if _, ok, _ := s.Draft(ctx, 8); ok {
		t.Error("another editor has the first one's draft")
	}
	if ttl := srv.Client().TTL(ctx, "console:draft:7").Val(); ttl <= 47*time.Hour || ttl > 48*time.Hour {
		t.Errorf("the draft's TTL is %s", ttl)
	}
	if err := s.DropDraft(ctx, 7); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := s.Draft(ctx, 7); ok {
		t.Error("the dropped draft is still there")
	}
}
