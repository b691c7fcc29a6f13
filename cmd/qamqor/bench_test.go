package main

import (
	"bytes"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"testing"

	"github.com/qamqor/qamqor/internal/redistest"
)

// TestBenchRunsTheServePath runs a short load in both modes and checks what does not depend
// on the machine's speed: every update answered, no errors, the Redis cost per update. A
// second of warm-up keeps each person's /start and first session read out of the figure:
// without it, a slow or busy machine (the race detector, CI's parallel packages) handles so
// few updates in the window that those one-off costs alone pushed it past 2.
func TestBenchRunsTheServePath(t *testing.T) {
	for _, mode := range []string{"polling", "webhook"} {
		t.Run(mode, func(t *testing.T) {
			srv := redistest.Start(t)
			r := qamqor(t, "", []string{"REDIS_URL=" + srv.URL()},
				"bench", "--users", "50", "--duration", "2s", "--warmup", "1s", "--mode", mode)
			if r.code != 0 {
				t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
			}
			number := func(pattern string) float64 {
				t.Helper()
				m := regexp.MustCompile(pattern).FindStringSubmatch(r.stdout)
				if m == nil {
					t.Fatalf("no %q in the output:\n%s", pattern, r.stdout)
				}
				f, err := strconv.ParseFloat(m[1], 64)
				if err != nil {
					t.Fatal(err)
				}
				return f
			}
			if n := number(`updates handled: (\d+) in`); n == 0 {
				t.Errorf("no update handled:\n%s", r.stdout)
			}
			if n := number(`reply latency: p50 [\d.]+ms p95 [\d.]+ms p99 [\d.]+ms max ([\d.]+)ms over`); n == 0 {
				t.Errorf("no latency measured:\n%s", r.stdout)
			}
			if rt := number(`redis round trips per update: ([\d.]+)`); rt == 0 || rt > 2 {
				t.Errorf("%.2f Redis round trips per update, want (0, 2]:\n%s", rt, r.stdout)
			}
			// The bot's CPU is told from the harness's, and is part of the process's.
			bot := number(`CPU per 1,000 updates: bot alone ([\d.]+)ms`)
			harness := number(`fake Bot API and people ([\d.]+)ms`)
			process := number(`whole process ([\d.]+)ms`)
			if bot <= 0 || harness <= 0 || bot+harness > 1.5*process {
				t.Errorf("CPU per 1,000 updates: bot %gms, harness %gms, process %gms; want both above 0 and together about the process's:\n%s", bot, harness, process, r.stdout)
			}
			// The process's peak memory, to compare GOGC and GOMEMLIMIT by: the loaded content
			// alone takes more than 10 MiB.
			if rss := number(`process max RSS (\d+) MiB`); rss < 10 {
				t.Errorf("peak RSS %g MiB, want the process's (well above 10):\n%s", rss, r.stdout)
			}
			if mode == "polling" {
				// The journal confirms updates at once: none is downloaded again (the edges of
				// the window may count one in a batch twice), where holding the offset at the
				// oldest in hand downloaded each 7–9 times.
				if n := number(`each update downloaded ([\d.]+) times`); n > 1.2 {
					t.Errorf("each update downloaded %g times, want once:\n%s", n, r.stdout)
				}
			}
			if n := number(`unanswered updates: (\d+) of`); n != 0 {
				t.Errorf("%g updates unanswered:\n%s", n, r.stdout)
			}
			if n := number(`errors: (\d+) `); n != 0 {
				t.Errorf("%g errors:\n%s\n%s", n, r.stdout, r.stderr)
			}
		})
	}
}

func TestBenchMeasuresSessionMemory(t *testing.T) {
	srv := redistest.Start(t)
	r := qamqor(t, "", []string{"REDIS_URL=" + srv.URL()}, "bench", "--memory", "--sessions", "2000")
	if r.code != 0 {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if !regexp.MustCompile(`redis memory per idle session: [1-9]\d* bytes`).MatchString(r.stdout) {
		t.Fatalf("no memory figure:\n%s", r.stdout)
	}
	// It leaves the database as it found it, and refuses one that holds anything.
	c := srv.Client()
	if n, err := c.DBSize(t.Context()).Result(); err != nil || n != 0 {
		t.Fatalf("%d keys left (%v)", n, err)
	}
	c.Set(t.Context(), "someone's data", "1", 0)
	if r := qamqor(t, "", []string{"REDIS_URL=" + srv.URL()}, "bench", "--memory"); r.code != 2 {
		t.Fatalf("a database with keys: exit %d, want 2\n%s", r.code, r.stderr)
	}
}

// number reads the first figure pattern's group matches in out.
func number(t *testing.T, out, pattern string) float64 {
	t.Helper()
	m := regexp.MustCompile(pattern).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no %q in the output:\n%s", pattern, out)
	}
	f, err := strconv.ParseFloat(m[1], 64)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// TestBenchComparesQamqorWithTheMinimalBot runs both bots in turn and checks the side-by-side
// table: both answered everything, and the reference does no more than it claims — one
// Redis round trip per update, its script's three commands (EVALSHA, GET, SET).
func TestBenchComparesQamqorWithTheMinimalBot(t *testing.T) {
	srv := redistest.Start(t)
	r := qamqor(t, "", []string{"REDIS_URL=" + srv.URL()},
		"bench", "--bot", "both", "--users", "30", "--duration", "2s", "--warmup", "1s")
	if r.code != 0 {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	row := regexp.MustCompile(`\| minimal \| ([\d.]+)ms \| (\d+) \| [\d.]+ms \| [\d.]+ms \| ([\d.]+) \| ([\d.]+) \|`).FindStringSubmatch(r.stdout)
	if row == nil || !regexp.MustCompile(`\| Qamqor \| [\d.]+ms \| \d+ \|`).MatchString(r.stdout) {
		t.Fatalf("no side-by-side table:\n%s", r.stdout)
	}
	if cpu, _ := strconv.ParseFloat(row[1], 64); cpu <= 0 {
		t.Errorf("the reference's CPU per 1,000 updates is %s:\n%s", row[1], r.stdout)
	}
	rt, _ := strconv.ParseFloat(row[3], 64)
	cmds, _ := strconv.ParseFloat(row[4], 64)
	if rt < 0.99 || rt > 1.01 || cmds < 2.95 || cmds > 3.05 {
		t.Errorf("the reference took %g round trips and %g commands per update, want 1 and 3:\n%s", rt, cmds, r.stdout)
	}
	if !regexp.MustCompile(`Qamqor's CPU per update: [\d.]+× the reference's`).MatchString(r.stdout) {
		t.Errorf("no ratio:\n%s", r.stdout)
	}
	if n := number(t, r.stdout, `(?s)minimal reference bot.*unanswered updates: (\d+) of`); n != 0 {
		t.Errorf("the reference left %g updates unanswered:\n%s", n, r.stdout)
	}
}

// TestBenchRunsTheBotApartFromTheLoad: --load-only in one process and --api in another, as
// on two machines; the bot's process reports its own CPU and memory, the load's every
// update answered.
func TestBenchRunsTheBotApartFromTheLoad(t *testing.T) {
	srv := redistest.Start(t)
	addr := freeAddr(t)
	load := exec.Command(os.Args[0], "bench", "--load-only", "--token", "424242:split-test", "--listen", addr, "--users", "20", "--duration", "2s", "--warmup", "1s")
	load.Env = append(os.Environ(), "QAMQOR_TEST_RUN_MAIN=1", "REDIS_URL=", "LOG_LEVEL=")
	var loadOut, loadErr bytes.Buffer
	load.Stdout, load.Stderr = &loadOut, &loadErr
	if err := load.Start(); err != nil {
		t.Fatal(err)
	}
	loaded := make(chan error, 1)
	go func() { loaded <- load.Wait() }()
	// The bot outlives the load's window and drain, so every update is answered.
	r := qamqor(t, "", []string{"REDIS_URL=" + srv.URL(), "TELEGRAM_BOT_TOKEN=424242:split-test"},
		"bench", "--api", "http://"+addr, "--duration", "4s", "--warmup", "500ms")
	if r.code != 0 {
		t.Fatalf("bot: exit %d\n%s\n%s\nload:\n%s\n%s", r.code, r.stdout, r.stderr, loadOut.String(), loadErr.String())
	}
	if err := <-loaded; err != nil {
		t.Fatalf("load: %v\n%s\n%s", err, loadOut.String(), loadErr.String())
	}
	if n := number(t, r.stdout, `updates handled: (\d+) in`); n == 0 {
		t.Errorf("the bot handled nothing:\n%s", r.stdout)
	}
	if cpu := number(t, r.stdout, `CPU per 1,000 updates: ([\d.]+)ms`); cpu <= 0 {
		t.Errorf("no CPU:\n%s", r.stdout)
	}
	if kb := number(t, r.stdout, `memory: RSS (\d+) kB now`); kb < 1000 {
		t.Errorf("an RSS of %g kB:\n%s", kb, r.stdout)
	}
	if n := number(t, loadOut.String(), `unanswered updates: (\d+) of`); n != 0 {
		t.Errorf("%g updates unanswered:\n%s", n, loadOut.String())
	}
}
