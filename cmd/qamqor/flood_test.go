package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/qamqor/qamqor/internal/fakebotapi"
	"github.com/qamqor/qamqor/internal/redistest"
)

// The webhook port under a flood from someone without the secret: thousands of idle
// connections, headers of a megabyte, headers sent a byte at a time. The bot runs as its
// own process with a limit of open files, as `ulimit -n` sets in production, so running
// out of them shows as it would there.

// floodSecret is the webhook secret of the flood test's bot.
const floodSecret = "flood-test-secret_1"

// proc reads what Linux says of a process: resident memory (now and at its peak, in MB)
// and open files.
type proc int

func (p proc) status(field string) float64 {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", int(p)))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, field+":"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
			return kb / 1024
		}
	}
	return 0
}

func (p proc) rss() float64  { return p.status("VmRSS") }
func (p proc) peak() float64 { return p.status("VmHWM") }

func (p proc) files() int {
	entries, _ := os.ReadDir(fmt.Sprintf("/proc/%d/fd", int(p)))
	return len(entries)
}

// deliverFresh posts update id to the webhook as Telegram does, on a new connection, and
// returns how long until the answer and until the person saw the bot's reply.
func deliverFresh(api *fakebotapi.Server, hook string, id, chat int64, timeout time.Duration) (answered, shown time.Duration, err error) {
	client := &http.Client{Timeout: timeout, Transport: &http.Transport{DisableKeepAlives: true}}
	req, err := http.NewRequest(http.MethodPost, hook, bytes.NewReader(api.UpdateJSON(id)))
	if err != nil {
		return 0, 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Telegram-Bot-Api-Secret-Token", floodSecret)
	start := time.Now()
	resp, err := client.Do(req)
	if err != nil {
		return 0, 0, err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	answered = time.Since(start)
	if resp.StatusCode != http.StatusOK {
		return answered, 0, fmt.Errorf("status %d", resp.StatusCode)
	}
	for len(api.Messages(chat)) == 0 {
		if time.Since(start) > timeout {
			return answered, 0, fmt.Errorf("no reply within %v", timeout)
		}
		time.Sleep(5 * time.Millisecond)
	}
	return answered, time.Since(start), nil
}

// healthz asks /healthz on a new connection and returns how long the answer took.
func healthz(addr string, timeout time.Duration) (time.Duration, error) {
	client := &http.Client{Timeout: timeout, Transport: &http.Transport{DisableKeepAlives: true}}
	start := time.Now()
	resp, err := client.Get("http://" + addr + "/healthz")
	if err != nil {
		return 0, err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("status %d", resp.StatusCode)
	}
	return time.Since(start), nil
}

// flood attacks addr until ctx ends: idle connections that send nothing (each dialled
// again soon after the server drops it), connections sending a 1 MB header as fast as
// the server reads it, and connections sending a header a byte every 200 ms.
type flood struct {
	redial, again           time.Duration // how soon an idle connection, and another, is dialled again
	addr                    string
	idle, huge, slow        int
	dials, refused, dropped atomic.Int64
	open                    atomic.Int64 // connections the attacker holds now
	wg                      sync.WaitGroup
}

func (f *flood) run(ctx context.Context) {
	pad := bytes.Repeat([]byte("a"), 1<<20)
	huge := append([]byte("POST /telegram/hook HTTP/1.1\r\nHost: bot\r\nX-Telegram-Bot-Api-Secret-Token: guess\r\nX-Pad: "), pad...)
	huge = append(huge, "\r\nContent-Length: 2\r\n\r\n{}"...)
	attack := func(pause time.Duration, use func(c net.Conn)) {
		defer f.wg.Done()
		for ctx.Err() == nil {
			d := net.Dialer{Timeout: 5 * time.Second}
			c, err := d.DialContext(ctx, "tcp", f.addr)
			f.dials.Add(1)
			if err != nil {
				f.refused.Add(1)
			} else {
				f.open.Add(1)
				stop := context.AfterFunc(ctx, func() { c.Close() })
				use(c)
				if stop() { // the server ended it, not the test
					f.dropped.Add(1)
				}
				c.Close()
				f.open.Add(-1)
			}
			select {
			case <-ctx.Done():
			case <-time.After(pause):
			}
		}
	}
	for range f.idle {
		f.wg.Add(1)
		go attack(f.redial, func(c net.Conn) { _, _ = c.Read(make([]byte, 1)) }) // until the server hangs up
	}
	for range f.huge {
		f.wg.Add(1)
		go attack(f.again, func(c net.Conn) {
			answered := make(chan struct{})
			go func() { defer close(answered); _, _ = io.Copy(io.Discard, c) }() // until the server hangs up
			_, _ = c.Write(huge)
			<-answered
		})
	}
	for range f.slow {
		f.wg.Add(1)
		go attack(f.again, func(c net.Conn) {
			_, _ = io.WriteString(c, "POST /telegram/hook HTTP/1.1\r\nHost: bot\r\nX-Slow: ")
			for ctx.Err() == nil {
				if _, err := c.Write([]byte("a")); err != nil {
					return
				}
				time.Sleep(200 * time.Millisecond)
			}
		})
	}
}

func TestTheWebhookAnswersThrough2000IdleConnectionsAndHugeHeaders(t *testing.T) {
	if _, err := os.Stat("/proc/self/status"); err != nil {
		t.Skip("needs Linux's /proc to measure the bot's memory and files")
	}
	// The bot may open 1,024 files, a common `ulimit -n`; the flood needs more than that
	// here, in this process. Go raises this process's soft limit to its hard one.
	var limit syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &limit); err != nil {
		t.Fatal(err)
	}
	botFiles, idle, huge, slow := 1024, 2000, 200, 100
	if room := int(limit.Cur) - huge - slow - 300; room < idle {
		idle = room
		botFiles = min(botFiles, idle/2)
		t.Logf("this process may open %d files: %d idle connections against a bot limited to %d", limit.Cur, idle, botFiles)
	}
	if botFiles < 128 {
		t.Skipf("this process may open only %d files: too few for a flood", limit.Cur)
	}

	api := fakebotapi.Start(t)
	srv := redistest.Start(t)
	addr := freeAddr(t)
	hook := "http://" + addr + "/telegram/hook"
	cmd, stderr, exited := startServe(t, api, srv, addr, "WEBHOOK_URL="+hook, "WEBHOOK_SECRET="+floodSecret,
		fmt.Sprintf("QAMQOR_TEST_NOFILE=%d", botFiles))
	api.WaitFor(t, 20*time.Second, func() bool { registered, _ := api.Webhook(); return registered == hook }, "the webhook to be registered")
	bot := proc(cmd.Process.Pid)

	// The usual time: updates on new connections, nothing else going on.
	chat := int64(1)
	var usual time.Duration
	for range 3 {
		_, shown, err := deliverFresh(api, hook, api.SendText(chat, "/start", "ru"), chat, 10*time.Second)
		if err != nil {
			t.Fatalf("before the flood: %v\n%s", err, stderr)
		}
		usual = max(usual, shown)
		chat++
	}
	rssBefore, filesBefore := bot.rss(), bot.files()

	// A stranger's request with a body to come is refused at once, not after the body.
	if c, err := net.Dial("tcp", addr); err == nil {
		_, _ = io.WriteString(c, "POST /telegram/hook HTTP/1.1\r\nHost: bot\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n")
		_ = c.SetReadDeadline(time.Now().Add(3 * time.Second))
		line, err := bufio.NewReader(c).ReadString('\n')
		c.Close()
		if !strings.HasPrefix(line, "HTTP/1.1 401") {
			t.Errorf("a request without the secret, its body not sent: %q (%v), want 401 at once", line, err)
		}
	}

	ctx, stop := context.WithCancel(context.Background())
	// An idle connection the bot drops is dialled again a second later, another 100 ms
	// later: some 2,000 dials a second in all. The flood runs on the bot's two cores, and
	// under the race detector both it and the bot are several times slower: there, slower
	// dialling keeps the load about the same.
	redial, again := time.Second, 100*time.Millisecond
	if raceEnabled {
		redial, again = 3*time.Second, 500*time.Millisecond
	}
	f := &flood{addr: addr, idle: idle, huge: huge, slow: slow, redial: redial, again: again}
	f.run(ctx)
	var peakFiles atomic.Int64
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		for ctx.Err() == nil {
			peakFiles.Store(max(peakFiles.Load(), int64(bot.files())))
			time.Sleep(100 * time.Millisecond)
		}
	}()
	api.WaitFor(t, 30*time.Second, func() bool { return f.dials.Load() >= int64(idle+huge+slow) }, "every flood connection to be dialled")
	time.Sleep(time.Second) // and the flood to settle in

	// Under the flood: real updates on new connections, as Telegram opens them, and health.
	var worst, worstHealth time.Duration
	var failures []string
	for range 6 {
		_, shown, err := deliverFresh(api, hook, api.SendText(chat, "/start", "ru"), chat, 10*time.Second)
		if err != nil {
			failures = append(failures, fmt.Sprintf("update to chat %d: %v", chat, err))
		}
		worst = max(worst, shown)
		took, err := healthz(addr, 5*time.Second)
		if err != nil {
			failures = append(failures, fmt.Sprintf("/healthz: %v", err))
		}
		worstHealth = max(worstHealth, took)
		chat++
		time.Sleep(time.Second)
	}
	peakRSS := bot.peak()
	held := f.open.Load()
	stop()
	f.wg.Wait()
	<-sampled

	t.Logf("bot: RSS %.0f MB before the flood, peak %.0f MB during it (+%.0f MB); open files %d before, %d at most during it (limit %d)",
		rssBefore, peakRSS, peakRSS-rssBefore, filesBefore, peakFiles.Load(), botFiles)
	t.Logf("flood: %d idle, %d 1 MB-header and %d byte-a-time connections; %d dials (%d failed), %d dropped by the bot; %d held at the end",
		idle, huge, slow, f.dials.Load(), f.refused.Load(), f.dropped.Load(), held)
	t.Logf("a real update on a new connection: %v to the reply at most without the flood, %v at most under it; /healthz %v at most",
		usual.Round(time.Millisecond), worst.Round(time.Millisecond), worstHealth.Round(time.Millisecond))
	for _, failure := range failures {
		t.Error("under the flood:", failure)
	}
	if worst > 5*time.Second || worstHealth > 2*time.Second {
		t.Errorf("under the flood an update took %v and /healthz %v; want at most 5s and 2s", worst, worstHealth)
	}
	bound := 150.0 // MB; the old code took 704 MB more under a flood as large as the issue's
	if raceEnabled {
		bound *= 4 // the race detector's own memory for each goroutine and allocation
	}
	if grow := peakRSS - rssBefore; grow > bound {
		t.Errorf("the flood took the bot's memory up by %.0f MB, more than %.0f MB", grow, bound)
	}

	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-exited:
		if err != nil {
			t.Errorf("exit after the flood: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the bot did not stop after the flood")
	}
	// Every line of the log is the bot's structured log: net/http's own errors (such as
	// "too many open files" on accept) go through it too, and none was about files.
	for _, line := range strings.Split(strings.TrimSpace(stderr.String()), "\n") {
		var entry map[string]any
		if err := json.Unmarshal([]byte(line), &entry); err != nil {
			t.Errorf("a log line is not JSON: %.300s", line)
			break
		}
	}
	if strings.Contains(stderr.String(), "too many open files") {
		t.Errorf("the bot ran out of files: %s", grepLines(stderr.String(), "too many open files"))
	}
}
