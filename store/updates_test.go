package store_test

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/qamqor/qamqor/internal/redistest"
	"github.com/qamqor/qamqor/store"
)

// The journal's life of an update: put by the poller, begun again after a crash (a suspect),
// once more (quarantined), ended; released ones start over; every key expires.
func TestTheJournalCountsTriesOfUpdatesInHand(t *testing.T) {
	srv := redistest.Start(t)
	ctx := context.Background()
	j := store.NewUpdates(srv.Client())

	if err := j.Put(ctx, map[int64][]byte{10: []byte(`{"update_id":10}`), 11: []byte(`{"update_id":11}`), 12: []byte(`{"update_id":12}`)}); err != nil {
		t.Fatal(err)
	}
	raws, started, _, err := j.Pending(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(raws) != 3 || string(raws[11]) != `{"update_id":11}` || started[10] != 1 {
		t.Fatalf("pending after put: %d updates, started %v", len(raws), started)
	}

	// 10 was handled; 11 and 12 were in hand when the process died, and 12 never began.
	if err := j.Release(ctx, []int64{12}); err != nil {
		t.Fatal(err)
	}
	got, alone, err := j.Record(ctx, []int64{11, 12}, []int64{10})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, []int64{2, 1}) || !slices.Equal(alone, []int64{0, 0}) {
		t.Fatalf("starts of 11 (a suspect) and 12 (released): %v alone %v, want [2 1] and none alone", got, alone)
	}
	if err := j.Alone(ctx, 11); err != nil {
		t.Fatal(err)
	}
	if got, alone, _ := j.Record(ctx, []int64{11}, nil); !slices.Equal(got, []int64{3}) || !slices.Equal(alone, []int64{1}) {
		t.Fatalf("11 begun a third time, having run alone once: %v alone %v, want [3] and [1]", got, alone)
	}
	_, _, aloneNow, _ := j.Pending(ctx)
	if aloneNow[11] != 1 {
		t.Fatalf("pending: 11 ran alone %d times, want 1", aloneNow[11])
	}
	raws, _, _, _ = j.Pending(ctx)
	if _, ok := raws[10]; ok || len(raws) != 2 {
		t.Fatalf("after 10 ended, the inbox holds %v", raws)
	}

	// A webhook update, never put, begins with one try.
	if got, _, _ := j.Record(ctx, []int64{99}, nil); !slices.Equal(got, []int64{1}) {
		t.Fatalf("a new update: %v, want [1]", got)
	}
	for _, key := range srv.Keys("{updates}*") {
		if ttl := srv.Client().PTTL(ctx, key).Val(); ttl <= 0 {
			t.Errorf("%s has no TTL (%v)", key, ttl)
		}
	}
	if _, _, err := j.Record(ctx, nil, []int64{11, 12, 99}); err != nil {
		t.Fatal(err)
	}
	if keys := srv.Keys("{updates}*"); len(keys) != 0 {
		t.Errorf("everything ended, yet keys are left: %v", keys)
	}
}

// A batch of the recorder's costs Redis a few commands, not a few per update: webhook mode
// records every update's beginning, and one command per update and id made it twice the
// commands of polling. Batches past Lua's limit of values per call still work, and an
// update begun twice in one batch counts both starts.
func TestTheJournalsCommandsDoNotGrowWithTheBatch(t *testing.T) {
	srv := redistest.Start(t)
	ctx := context.Background()
	rdb := srv.Client()
	j := store.NewUpdates(rdb)
	const n = 2500
	begun := make([]int64, 0, n+1)
	for id := int64(1); id <= n; id++ {
		begun = append(begun, id)
	}
	begun = append(begun, 7)                                             // 7 again: a second start in the same write
	if _, _, err := j.Record(ctx, []int64{1_000_000}, nil); err != nil { // loads the script, sweeps
		t.Fatal(err)
	}
	single := !redistest.ClusterMode()
	if single {
		rdb.ConfigResetStat(ctx)
	}
	started, alone, err := j.Record(ctx, begun, []int64{1_000_000})
	if err != nil {
		t.Fatal(err)
	}
	if len(started) != n+1 || started[0] != 1 || started[n-1] != 1 || started[6] != 1 || started[n] != 2 || alone[n] != 0 {
		t.Fatalf("starts of %d new updates and 7 twice: %d answers, 1 → %d, %d → %d, 7 → %d then %d",
			n, len(started), started[0], n, started[n-1], started[6], started[n])
	}
	if single {
		if calls := commands(t, rdb); calls > n/100 {
			t.Errorf("beginning %d updates and ending one took %d Redis commands, want at most one per hundred updates", n, calls)
		}
		rdb.ConfigResetStat(ctx)
	}
	if _, _, err := j.Record(ctx, nil, begun); err != nil {
		t.Fatal(err)
	}
	if single {
		if calls := commands(t, rdb); calls > n/100 {
			t.Errorf("ending %d updates took %d Redis commands, want at most one per hundred updates", n, calls)
		}
	}
	if keys := srv.Keys("{updates}*"); len(keys) != 0 {
		t.Errorf("everything ended, yet keys are left: %v", keys)
	}
	if got, _, _ := j.Record(ctx, []int64{7}, nil); !slices.Equal(got, []int64{1}) {
		t.Fatalf("7 begun once more after it ended: %v, want [1]", got)
	}
}

// commands is how many commands Redis ran since its statistics were reset, the INFO
// asking it excepted (a script's own commands count).
func commands(t *testing.T, rdb redis.UniversalClient) int {
	t.Helper()
	info, err := rdb.Info(context.Background(), "commandstats").Result()
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, line := range strings.Split(info, "\n") {
		name, rest, ok := strings.Cut(strings.TrimSpace(line), ":calls=")
		if !ok || name == "cmdstat_info" {
			continue
		}
		calls, _ := strconv.Atoi(rest[:strings.IndexByte(rest, ',')])
		total += calls
	}
	return total
}
