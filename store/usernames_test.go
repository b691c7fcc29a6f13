package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/qamqor/qamqor/bot/admin"
	"github.com/qamqor/qamqor/internal/redistest"
	"github.com/qamqor/qamqor/store"
)

// A username is kept as a hash, with admin.UsernameTTL, looked up to its chat; a chat
// that changes its name loses the old one, a name passed to another person goes to them,
// and Forget, safe twice, leaves nothing.
func TestUsernamesAreHashedExpireAndAreForgotten(t *testing.T) {
	srv := redistest.Start(t)
	rdb := srv.Client()
	u := store.NewUsernames(rdb)
	ctx := context.Background()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(u.Note(ctx, "dana_social", 10))
	if id, ok, err := u.Lookup(ctx, "dana_social"); err != nil || !ok || id != 10 {
		t.Fatalf("lookup: %d %v %v", id, ok, err)
	}
	for _, k := range srv.Keys("*") {
		if strings.Contains(k, "dana") {
			t.Errorf("a key names the username: %s", k)
		}
		if ttl := rdb.PTTL(ctx, k).Val(); ttl <= admin.UsernameTTL-time.Minute || ttl > admin.UsernameTTL {
			t.Errorf("%s lives %v, want %v", k, ttl, admin.UsernameTTL)
		}
	}
	must(u.Note(ctx, "dana_new", 10))
	if _, ok, _ := u.Lookup(ctx, "dana_social"); ok {
		t.Error("the old name still leads to the chat")
	}
	must(u.Note(ctx, "dana_new", 11)) // the name is someone else's now
	must(u.Forget(ctx, 10))
	if id, ok, _ := u.Lookup(ctx, "dana_new"); !ok || id != 11 {
		t.Errorf("forgetting the name's former owner took it from its new one: %d %v", id, ok)
	}
	must(u.Forget(ctx, 11))
	must(u.Forget(ctx, 11))
	if keys := srv.Keys("*"); len(keys) != 0 {
		t.Errorf("left after Forget: %v", keys)
	}
	if ok, err := u.Noted(ctx, 11); ok || err != nil {
		t.Errorf("noted after Forget: %v %v", ok, err)
	}
}
