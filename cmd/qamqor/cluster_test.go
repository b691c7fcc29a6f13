package main

import (
	"strings"
	"testing"

	"github.com/qamqor/qamqor/internal/redistest"
)

// resumes runs a scripted conversation in one process and presses on in a second one,
// with restart called in between, and fails unless the second continues where the first
// stopped.
func resumes(t *testing.T, env []string, user string, restart func()) {
	t.Helper()
	first := qamqor(t, "/start\n2\n2\n", env, "chat", "--user="+user)
	if first.code != 0 || !strings.Contains(first.stdout, "Работа и занятость") {
		t.Fatalf("first run: exit %d\n%s\n%s", first.code, first.stdout, first.stderr)
	}
	restart()
	second := qamqor(t, "3\n", env, "chat", "--user="+user)
	if second.code != 0 || !strings.HasPrefix(second.stdout, "Работа и занятость") || !strings.Contains(second.stdout, "Молодежная практика") {
		t.Fatalf("the second run does not go on from the first: exit %d\n%s\n%s", second.code, second.stdout, second.stderr)
	}
	for _, r := range []result{first, second} {
		if strings.Contains(r.stderr, "level=ERROR") {
			t.Errorf("errors in the log:\n%s", r.stderr)
		}
	}
}

func TestChatOnARedisClusterResumesAfterRestarts(t *testing.T) {
	srv := redistest.StartCluster(t)
	env := []string{"REDIS_ADDRS=" + strings.Join(srv.Addrs, ",")}
	// Both qamqor and the whole cluster restart between the two runs.
	resumes(t, env, "601", srv.Restart)
	if keys := srv.Keys("{chat:601}:*"); len(keys) == 0 {
		t.Error("the session is not in the cluster")
	}
}

func TestChatBehindSentinelResumesAfterAFailover(t *testing.T) {
	s := redistest.StartSentinel(t)
	before := s.MasterAddr()
	resumes(t, s.Env(), "602", s.Failover)
	if s.MasterAddr() == before {
		t.Error("the sentinel did not fail over")
	}
}
