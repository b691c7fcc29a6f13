package telegram_test

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

func TestReadinessSaysNoMoreThanNotReady(t *testing.T) {
	w := newWorld(t)
	r := w.start(polling)
	readyz := func() (int, string) {
		resp, err := http.Get("http://" + r.addr + "/readyz")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(body)
	}
	w.redis.Down()
	for range 3 {
		if status, body := readyz(); status != http.StatusServiceUnavailable || body != "not ready\n" {
			t.Fatalf("/readyz with Redis away: %d %q, want 503 and only \"not ready\"", status, body)
		}
	}
	logs := w.logs.String()
	if n := strings.Count(logs, "not ready: the store does not answer"); n != 1 {
		t.Errorf("the reason is logged %d times for 3 probes, want once, when readiness changed:\n%s", n, grep(logs, "ready"))
	}
	if !strings.Contains(grep(logs, "not ready: the store does not answer"), "err=") {
		t.Errorf("the log does not say why: %s", grep(logs, "not ready"))
	}
	w.redis.Up()
	w.waitFor(func() bool { status, _ := readyz(); return status == http.StatusOK }, "readiness to return")
	if !strings.Contains(w.logs.String(), "ready again") {
		t.Error("the return to readiness is not logged")
	}
}
