package redistest_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/qamqor/qamqor/internal/redistest"
	"github.com/redis/go-redis/v9"
)

func TestClusterSpreadsKeysRefusesCrossSlotAndSurvivesARestart(t *testing.T) {
	start := time.Now()
	srv := redistest.StartCluster(t)
	t.Logf("cluster up in %v", time.Since(start).Round(time.Millisecond))
	ctx := context.Background()
	rdb := srv.Client()
	if len(srv.Addrs) != redistest.ClusterMasters {
		t.Fatalf("Addrs = %v", srv.Addrs)
	}
	keys := []string{"a", "b", "c", "d", "e", "f", "{x}:1", "{x}:2"}
	for _, k := range keys {
		if err := rdb.Set(ctx, k, k, 0).Err(); err != nil {
			t.Fatal(err)
		}
	}
	// A real cluster: keys of different slots in one command are refused, hash tags not.
	if err := rdb.Do(ctx, "MGET", "a", "b").Err(); err == nil || !strings.Contains(err.Error(), "CROSSSLOT") {
		t.Errorf("MGET over two slots: %v, want CROSSSLOT", err)
	}
	if err := rdb.Do(ctx, "MGET", "{x}:1", "{x}:2").Err(); err != nil {
		t.Errorf("MGET within a hash tag: %v", err)
	}
	if n := len(srv.Keys("*")); n != len(keys) {
		t.Fatalf("Keys found %d keys, want %d", n, len(keys))
	}
	holding := 0
	for _, a := range srv.Addrs {
		c := redis.NewClient(&redis.Options{Addr: a, DisableIdentity: true})
		if n := c.DBSize(ctx).Val(); n > 0 {
			holding++
		}
		_ = c.Close()
	}
	if holding < 2 {
		t.Errorf("the keys are on %d node(s), want them spread", holding)
	}
	srv.Restart()
	got := srv.Keys("*")
	slices.Sort(got)
	want := slices.Clone(keys)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("after a restart: keys %v, want %v", got, want)
	}
	if v, err := rdb.Get(ctx, "{x}:2").Result(); err != nil || v != "{x}:2" {
		t.Errorf("the test's client after a restart: %q, %v", v, err)
	}
	srv.Down()
	if err := rdb.Get(ctx, "a").Err(); err == nil {
		t.Error("a read succeeded with the cluster down")
	}
	srv.Up()
	if v, err := rdb.Get(ctx, "a").Result(); err != nil || v != "a" {
		t.Errorf("after Up: %q, %v", v, err)
	}
}
