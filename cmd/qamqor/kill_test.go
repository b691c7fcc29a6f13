package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/qamqor/qamqor/bot"
	"github.com/qamqor/qamqor/content"
	"github.com/qamqor/qamqor/internal/fakebotapi"
	"github.com/qamqor/qamqor/internal/redistest"
	"github.com/qamqor/qamqor/store"
)

// startServe runs `qamqor serve` in polling mode as its own process, serving health and
// metrics on addr, with env added to its environment.
func startServe(t *testing.T, api *fakebotapi.Server, srv *redistest.Server, addr string, env ...string) (*exec.Cmd, *bytes.Buffer, chan error) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "serve")
	cmd.Env = append(append(os.Environ(), srv.Env()...), "QAMQOR_TEST_RUN_MAIN=1", "CONTENT_DIR=", "WEBHOOK_URL=",
		"TELEGRAM_BOT_TOKEN="+api.Token, "TELEGRAM_API_URL="+api.URL,
		"HTTP_ADDR="+addr, "LOG_FORMAT=json", "SHUTDOWN_TIMEOUT=20s")
	cmd.Env = append(cmd.Env, env...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	return cmd, &stderr, exited
}

var answerTo = regexp.MustCompile(`команду /x(\d+)\.`)

// TestSIGKILLMidLoadAnswersNoUpdateTwice kills the bot with SIGKILL while it works through
// a backlog, starts it again, and checks that no update got a second answer: Telegram
// redelivers what was not confirmed, and each session remembers the updates it handled.
func TestSIGKILLMidLoadAnswersNoUpdateTwice(t *testing.T) {
	api := fakebotapi.Start(t)
	srv := redistest.Start(t)
	const chats, each = 30, 10
	sessions := store.NewSessions(srv.Client())
	for chat := int64(1); chat <= chats; chat++ {
		_ = sessions.Update(context.Background(), chat, func(s bot.Session) (bot.Session, error) { s.Lang = content.RU; return s, nil })
	}
	var last int64
	for i := 1; i <= each; i++ {
		for chat := int64(1); chat <= chats; chat++ {
			last = api.SendText(chat, fmt.Sprintf("/x%d", i), "ru")
		}
	}
	first, _, exited := startServe(t, api, srv, freeAddr(t))
	api.WaitFor(t, 30*time.Second, func() bool { return api.CallCount("sendMessage") >= chats*each/3 }, "a third of the answers")
	if err := first.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	<-exited
	atKill := api.CallCount("sendMessage")

	second, stderr, exited := startServe(t, api, srv, freeAddr(t))
	api.WaitFor(t, 60*time.Second, func() bool { return api.Confirmed() == last }, "every update confirmed after the restart")
	_ = second.Process.Signal(os.Interrupt) // then a clean stop, so nothing is in flight
	select {
	case err := <-exited:
		if err != nil {
			t.Fatalf("the second run: %v\n%s", err, stderr)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the second run did not stop")
	}

	answered, lost, duplicated := 0, 0, 0
	for chat := int64(1); chat <= chats; chat++ {
		seen := map[int]int{}
		prev := 0
		for _, m := range api.Messages(chat) {
			sub := answerTo.FindStringSubmatch(m.Text)
			if sub == nil {
				t.Errorf("chat %d got %q", chat, m.Text)
				continue
			}
			n, _ := strconv.Atoi(sub[1])
			if n < prev {
				t.Errorf("chat %d: /x%d answered after /x%d", chat, n, prev)
			}
			prev = n
			seen[n]++
			answered++
		}
		for n := 1; n <= each; n++ {
			switch {
			case seen[n] == 0:
				lost++
			case seen[n] > 1:
				duplicated += seen[n] - 1
			}
		}
	}
	t.Logf("%d updates; SIGKILL after %d answers; %d answered in all, %d duplicated, %d unanswered (handled, then the kill cut the reply)",
		chats*each, atKill, answered, duplicated, lost)
	if duplicated != 0 {
		t.Errorf("%d updates were answered twice", duplicated)
	}
	if atKill >= chats*each {
		t.Error("everything was answered before the kill: the test proves nothing")
	}
}

// TestSIGKILLMidLoadLosesNoUpdate is the test above followed to the end: after the restart
// it waits until the journal holds nothing and Telegram has been told of every update, then
// checks that each update was answered, or else handled before the kill (its chat's session
// has it), which a kill between the session's write and the reply can cost.
func TestSIGKILLMidLoadLosesNoUpdate(t *testing.T) {
	api := fakebotapi.Start(t)
	srv := redistest.Start(t)
	const chats, each = 30, 10
	sessions := store.NewSessions(srv.Client())
	for chat := int64(1); chat <= chats; chat++ {
		_ = sessions.Update(context.Background(), chat, func(s bot.Session) (bot.Session, error) { s.Lang = content.RU; return s, nil })
	}
	ids := map[int64]map[int]int64{}
	var last int64
	for i := 1; i <= each; i++ {
		for chat := int64(1); chat <= chats; chat++ {
			last = api.SendText(chat, fmt.Sprintf("/x%d", i), "ru")
			if ids[chat] == nil {
				ids[chat] = map[int]int64{}
			}
			ids[chat][i] = last
		}
	}
	first, _, exited := startServe(t, api, srv, freeAddr(t))
	api.WaitFor(t, 30*time.Second, func() bool { return api.CallCount("sendMessage") >= chats*each/3 }, "a third of the answers")
	_ = first.Process.Kill()
	<-exited
	atKill := api.CallCount("sendMessage")

	second, stderr, exited := startServe(t, api, srv, freeAddr(t))
	defer func() {
		if t.Failed() {
			t.Log(stderr.String())
		}
	}()
	rdb := srv.Client()
	api.WaitFor(t, 60*time.Second, func() bool {
		return api.Confirmed() == last && rdb.Exists(context.Background(), "{updates}:inbox").Val() == 0
	}, "every update confirmed and none left in the journal")
	_ = second.Process.Signal(os.Interrupt)
	if code := exitCode(t, exited, 30*time.Second, stderr); code != 0 {
		t.Fatalf("the second run exited %d\n%s", code, stderr)
	}

	answered, cut, lost, duplicated := 0, 0, 0, 0
	for chat := int64(1); chat <= chats; chat++ {
		seen := map[int]int{}
		for _, n := range answersOf(api, chat) {
			seen[n]++
		}
		sess, err := store.NewSessions(rdb, store.WithCacheSize(0)).View(context.Background(), chat) // as stored now
		if err != nil {
			t.Fatal(err)
		}
		for n := 1; n <= each; n++ {
			switch {
			case seen[n] == 1:
				answered++
			case seen[n] > 1:
				answered++
				duplicated += seen[n] - 1
			case slices.Contains(sess.Seen, ids[chat][n]) || (len(sess.Seen) >= bot.MaxSeen && ids[chat][n] < slices.Min(sess.Seen)):
				cut++
			default:
				lost++
				t.Logf("lost: chat %d /x%d (update %d); session saw %v", chat, n, ids[chat][n], sess.Seen)
			}
		}
	}
	t.Logf("%d updates; SIGKILL after %d answers; after the restart %d answered, %d handled before the kill with the reply cut, %d lost, %d duplicated",
		chats*each, atKill, answered, cut, lost, duplicated)
	if lost != 0 || duplicated != 0 {
		t.Errorf("%d updates lost, %d answered twice", lost, duplicated)
	}
	if atKill >= chats*each {
		t.Error("everything was answered before the kill: the test proves nothing")
	}
}
