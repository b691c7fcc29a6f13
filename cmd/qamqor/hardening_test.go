package main

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/qamqor/qamqor/bot"
	"github.com/qamqor/qamqor/content"
	"github.com/qamqor/qamqor/internal/fakebotapi"
	"github.com/qamqor/qamqor/internal/redistest"
	"github.com/qamqor/qamqor/store"
)

// russianChats makes chats people who chose Russian.
func russianChats(t *testing.T, srv *redistest.Server, chats ...int64) {
	t.Helper()
	sessions := store.NewSessions(srv.Client())
	for _, chat := range chats {
		if err := sessions.Update(context.Background(), chat, func(s bot.Session) (bot.Session, error) { s.Lang = content.RU; return s, nil }); err != nil {
			t.Fatal(err)
		}
	}
}

// exitCode waits for a process to end and returns its exit code (-1 when killed).
func exitCode(t *testing.T, exited chan error, within time.Duration, stderr interface{ String() string }) int {
	t.Helper()
	select {
	case err := <-exited:
		var ee *exec.ExitError
		switch {
		case err == nil:
			return 0
		case errors.As(err, &ee):
			return ee.ExitCode()
		}
		t.Fatalf("waiting for the process: %v", err)
	case <-time.After(within):
		t.Fatalf("the process was still running after %v\n%s", within, stderr)
	}
	return 0
}

// The poison update: an update that takes the process down (standing in for a fatal error
// of the Go runtime, which no recover catches) kills it once with everything else in hand,
// and once more running alone; the start after that skips it with an apology, and every
// other update is answered exactly once. Before, each restart died on it again, for good.
func TestAnUpdateThatKillsTheProcessIsSkippedOnceItKilledItAlone(t *testing.T) {
	api := fakebotapi.Start(t)
	srv := redistest.Start(t)
	russianChats(t, srv, 1, 2, 3)
	api.Started(1, 2, 3)
	for i := 1; i <= 3; i++ {
		api.SendText(1, "/x"+string(rune('0'+i)), "ru")
		api.SendText(3, "/x"+string(rune('0'+i)), "ru")
	}
	api.SendText(2, "/poison", "ru")
	api.SendText(2, "/x9", "ru")
	fault := "QAMQOR_TEST_FAULT=exit:/poison"

	crashes := 0
	for run := 1; run <= 4; run++ {
		proc, stderr, exited := startServe(t, api, srv, freeAddr(t), fault, "LOG_LEVEL=debug")
		defer func() {
			if t.Failed() {
				t.Logf("run %d:\n%s", run, stderr)
				for _, c := range []int64{1, 2, 3} {
					t.Logf("chat %d: %q", c, texts(api.Messages(c)))
				}
			}
		}()
		allAnswered := func() bool {
			return len(answersOf(api, 1)) == 3 && len(answersOf(api, 3)) == 3 && len(api.Messages(2)) == 2
		}
		died := false
		for deadline := time.Now().Add(30 * time.Second); !died && !allAnswered() && time.Now().Before(deadline); {
			select {
			case err := <-exited:
				died = true
				if !strings.Contains(stderr.String(), "injected") {
					t.Fatalf("run %d ended (%v) without the injected fault:\n%s", run, err, stderr)
				}
			case <-time.After(50 * time.Millisecond):
			}
		}
		if died {
			crashes++
			continue
		}
		if !allAnswered() {
			t.Fatalf("run %d stayed up but did not answer everything", run)
		}
		_ = proc.Process.Signal(os.Interrupt)
		if code := exitCode(t, exited, 30*time.Second, stderr); code != 0 {
			t.Fatalf("the last run exited %d\n%s", code, stderr)
		}
		break
	}
	t.Logf("the poison update stopped the process %d times; then it was skipped", crashes)
	if crashes != 2 {
		t.Errorf("the process died %d times, want 2 (once with others in hand, once alone)", crashes)
	}
	msgs := api.Messages(2)
	if len(msgs) < 1 || !strings.Contains(msgs[0].Text, "не удалось обработать") {
		t.Errorf("the poisoned chat got %v, want the apology first", texts(msgs))
	}
	for _, chat := range []int64{1, 3} {
		if got := answersOf(api, chat); len(got) != 3 || got[0] != 1 || got[2] != 3 {
			t.Errorf("chat %d got answers %v, want /x1 /x2 /x3 once each, in order", chat, got)
		}
	}
}

// Finding 5: SIGTERM while a handler hangs (ignoring its context) ends the process after
// SHUTDOWN_TIMEOUT, with exit code 0 and a log of the update left for redelivery. Before,
// the process was still up after 628 s.
func TestSIGTERMWithAHangingHandlerStopsOnTime(t *testing.T) {
	api := fakebotapi.Start(t)
	srv := redistest.Start(t)
	russianChats(t, srv, 1)
	api.Started(1)
	id := api.SendText(1, "/hang", "ru")
	proc, stderr, exited := startServe(t, api, srv, freeAddr(t), "QAMQOR_TEST_FAULT=hang:/hang", "SHUTDOWN_TIMEOUT=2s", "LOG_LEVEL=debug")
	api.WaitFor(t, 30*time.Second, func() bool { return api.Confirmed() >= id }, "the update taken")
	time.Sleep(200 * time.Millisecond)
	start := time.Now()
	_ = proc.Process.Signal(os.Interrupt)
	code := exitCode(t, exited, 20*time.Second, stderr)
	took := time.Since(start)
	t.Logf("SIGTERM with a handler hanging: exit %d after %v (SHUTDOWN_TIMEOUT 2s)", code, took)
	if code != 0 {
		t.Errorf("exit code %d, want 0\n%s", code, stderr)
	}
	if took > 8*time.Second {
		t.Errorf("stopping took %v, want about SHUTDOWN_TIMEOUT (2s)", took)
	}
	if !strings.Contains(stderr.String(), "left for redelivery") {
		t.Errorf("the log does not say which update was left:\n%s", stderr)
	}
}

func answersOf(api *fakebotapi.Server, chat int64) []int {
	var out []int
	for _, m := range api.Messages(chat) {
		if sub := answerTo.FindStringSubmatch(m.Text); sub != nil {
			n := 0
			for _, c := range sub[1] {
				n = n*10 + int(c-'0')
			}
			out = append(out, n)
		}
	}
	return out
}

func texts(msgs []fakebotapi.Message) []string {
	var out []string
	for _, m := range msgs {
		out = append(out, m.Text)
	}
	return out
}
