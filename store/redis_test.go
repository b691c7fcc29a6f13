package store_test

import (
	"context"
	"testing"

	"github.com/qamqor/qamqor/bot"
	"github.com/qamqor/qamqor/content"
	"github.com/qamqor/qamqor/internal/redistest"
	"github.com/qamqor/qamqor/store"
	"github.com/redis/go-redis/v9"
)

func TestOpenGivesAClusterClientForAddrs(t *testing.T) {
	srv := redistest.StartCluster(t)
	// One node is enough to find the others.
	rdb, err := store.Open(store.Redis{Addrs: srv.Addrs[:1]})
	if err != nil {
		t.Fatal(err)
	}
	defer rdb.Close()
	if _, ok := rdb.(*redis.ClusterClient); !ok {
		t.Fatalf("Open with Addrs gave a %T", rdb)
	}
	want := bot.Session{Lang: content.KK, Node: "employment", History: []string{"main"}}
	for chat := int64(1); chat <= 20; chat++ { // chats spread over the three masters
		if err := store.NewSessions(rdb).Update(context.Background(), chat, set(want)); err != nil {
			t.Fatal(err)
		}
	}
	for chat := int64(1); chat <= 20; chat++ {
		if got := read(t, store.NewSessions(srv.Client()), chat); !equal(got, want) {
			t.Fatalf("chat %d: got %+v", chat, got)
		}
	}
}

func TestASessionSurvivesASentinelFailover(t *testing.T) {
	s := redistest.StartSentinel(t)
	rdb, err := store.Open(store.Redis{Addrs: []string{s.Addr}, SentinelMaster: redistest.SentinelMaster})
	if err != nil {
		t.Fatal(err)
	}
	defer rdb.Close()
	want := bot.Session{Lang: content.RU, Node: "family", History: []string{"main"}}
	if err := store.NewSessions(rdb).Update(context.Background(), 7, set(want)); err != nil {
		t.Fatal(err)
	}
	before := s.MasterAddr()
	s.Failover()
	if s.MasterAddr() == before {
		t.Fatal("no failover")
	}
	// The same client, with nothing cached: it must find the new master and the session.
	if got := read(t, store.NewSessions(rdb), 7); !equal(got, want) {
		t.Fatalf("after the failover: got %+v, want %+v", got, want)
	}
}

func TestOpenRefusesBothAURLAndAddrs(t *testing.T) {
	if _, err := store.Open(store.Redis{URL: "redis://127.0.0.1:1/0", Addrs: []string{"127.0.0.1:2"}}); err == nil {
		t.Error("Open took both a URL and Addrs")
	}
	if _, err := store.Open(store.Redis{}); err == nil {
		t.Error("Open took no Redis at all")
	}
}
