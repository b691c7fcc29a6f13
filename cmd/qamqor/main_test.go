package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/qamqor/qamqor/bot"
	"github.com/qamqor/qamqor/content"
	"github.com/qamqor/qamqor/internal/redistest"
	"github.com/qamqor/qamqor/telegram"
)

// TestMain lets tests run this very binary as qamqor, in a process of its own, so that a
// "restart" is a real new process. QAMQOR_TEST_NOFILE=N gives that process a limit of N
// open files, soft and hard, as `ulimit -n N` would.
func TestMain(m *testing.M) {
	if os.Getenv("QAMQOR_TEST_RUN_MAIN") == "1" {
		if n, err := strconv.ParseUint(os.Getenv("QAMQOR_TEST_NOFILE"), 10, 64); err == nil {
			if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &syscall.Rlimit{Cur: n, Max: n}); err != nil {
				fmt.Fprintln(os.Stderr, "QAMQOR_TEST_NOFILE:", err)
				os.Exit(3)
			}
		}
		if fault := os.Getenv("QAMQOR_TEST_FAULT"); fault != "" {
			wrapHandler = func(s *bot.Service) telegram.Handler { return faulty{Service: s, fault: fault} }
		}
		main()
		return
	}
	os.Exit(m.Run())
}

// faulty is the Service with a defect on one input, as QAMQOR_TEST_FAULT says:
// "exit:<text>" ends the process at once, as a fatal runtime error (out of memory, a
// concurrent map write) would; "hang:<text>" never returns, ignoring its context.
type faulty struct {
	*bot.Service
	fault string
}

func (f faulty) Handle(ctx context.Context, chat int64, in bot.Input) bot.Result {
	kind, text, _ := strings.Cut(f.fault, ":")
	if in.Text == text {
		switch kind {
		case "exit":
			fmt.Fprintln(os.Stderr, "fatal error: injected by QAMQOR_TEST_FAULT")
			os.Exit(2)
		case "hang":
			select {}
		}
	}
	return f.Service.Handle(ctx, chat, in)
}

type result struct {
	stdout, stderr string
	code           int
}

// qamqor runs the command with args, stdin and extra environment variables.
func qamqor(t *testing.T, stdin string, env []string, args ...string) result {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), "QAMQOR_TEST_RUN_MAIN=1", "REDIS_URL=", "REDIS_ADDRS=", "REDIS_SENTINEL_MASTER=", "REDIS_PASSWORD=", "CONTENT_DIR=", "LOG_FORMAT=", "LOG_LEVEL=", "SESSION_TTL=", "DATA_KEY=", "ADMIN_IDS=")
	cmd.Env = append(cmd.Env, env...)
	cmd.Stdin = strings.NewReader(stdin)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return result{out.String(), errOut.String(), code}
}

func TestScriptedChatResumesAfterARestart(t *testing.T) {
	srv := redistest.Start(t)
	env := srv.Env() // REDIS_URL, or REDIS_ADDRS under scripts/test-cluster
	for _, tc := range []struct {
		lang, choose, section, leaf string
	}{
		{"ru", "2", "Работа и занятость", "Молодежная практика"},
		{"kk", "1", "Жұмыс және жұмыспен қамту", "Жастар практикасы"},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			user := "--user=" + map[string]string{"ru": "501", "kk": "502"}[tc.lang]
			first := qamqor(t, "/start\n"+tc.choose+"\n2\n", env, "chat", user)
			if first.code != 0 || !strings.Contains(first.stdout, tc.section) {
				t.Fatalf("first run: exit %d\n%s\n%s", first.code, first.stdout, first.stderr)
			}
			// A new process: it must show the section it stopped on, and go on from there.
			second := qamqor(t, "3\n", env, "chat", user)
			if second.code != 0 || !strings.HasPrefix(second.stdout, tc.section) {
				t.Fatalf("second run does not resume at %q: exit %d\n%s", tc.section, second.code, second.stdout)
			}
			if !strings.Contains(second.stdout, tc.leaf) {
				t.Fatalf("the second run's press did not continue the flow:\n%s", second.stdout)
			}
		})
	}
}

func TestChatWorksWithoutRedis(t *testing.T) {
	r := qamqor(t, "/start\n2\n4\n", nil, "chat")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if !strings.Contains(r.stdout, "Телефоны помощи") {
		t.Fatalf("stdout:\n%s", r.stdout)
	}
	if !strings.Contains(r.stderr, "neither REDIS_URL nor REDIS_ADDRS is set") {
		t.Fatalf("no warning that state will not survive a restart; stderr:\n%s", r.stderr)
	}
}

func TestJSONLogs(t *testing.T) {
	r := qamqor(t, "", []string{"LOG_FORMAT=json"}, "chat")
	line := strings.SplitN(strings.TrimSpace(r.stderr), "\n", 2)[0]
	var entry map[string]any
	if err := json.Unmarshal([]byte(line), &entry); err != nil || entry["level"] != "WARN" {
		t.Fatalf("stderr is not JSON logs: %q (%v)", r.stderr, err)
	}
}

func TestBadConfigurationIsExplained(t *testing.T) {
	for _, tc := range []struct{ env, want string }{
		{"LOG_FORMAT=xml", "LOG_FORMAT must be text or json"},
		{"SESSION_TTL=soon", "SESSION_TTL"},
		{"SESSION_TTL=1s", "SESSION_TTL must be at least 1m"},
		{"LOG_LEVEL=loud", "LOG_LEVEL"},
		{"REDIS_URL=mysql://x", "REDIS_URL"},
		{"REDIS_ADDRS=localhost", `REDIS_ADDRS: "localhost" is not host:port`},
		{"REDIS_SENTINEL_MASTER=mymaster", "REDIS_SENTINEL_MASTER needs REDIS_ADDRS"},
		{"REDIS_PASSWORD=hunter2", "REDIS_PASSWORD goes with REDIS_ADDRS"},
		{"CONTENT_DIR=/nonexistent-qamqor-dir", "CONTENT_DIR: /nonexistent-qamqor-dir is not a directory"},
		{"DATA_KEY=c2hvcnQta2V5", "DATA_KEY must be base64 of 32 bytes, got 9 bytes"},
		{"ADMIN_IDS=admin", "ADMIN_IDS"},
		{"BROADCAST_RATE=40", "BROADCAST_RATE must be more than 0 and at most 25 messages a second, got 40"},
	} {
		r := qamqor(t, "", []string{tc.env}, "chat")
		if r.code == 0 || !strings.Contains(r.stderr, tc.want) {
			t.Errorf("%s: exit %d, stderr %q; want a message with %q", tc.env, r.code, r.stderr, tc.want)
		}
	}
}

func TestRedisIsConfiguredOneWayOnly(t *testing.T) {
	r := qamqor(t, "", []string{"REDIS_URL=redis://127.0.0.1:1/0", "REDIS_ADDRS=127.0.0.1:2,127.0.0.1:3"}, "chat")
	if r.code != 2 || !strings.Contains(r.stderr, "REDIS_URL and REDIS_ADDRS are both set") {
		t.Errorf("both set: exit %d, stderr %q", r.code, r.stderr)
	}
}

func TestReferralsAreOffWithoutADataKeyAndSaySo(t *testing.T) {
	r := qamqor(t, "", nil, "chat")
	if r.code != 0 || !strings.Contains(r.stderr, "DATA_KEY is not set: partner and referral features are off") {
		t.Errorf("without DATA_KEY: exit %d, stderr %q", r.code, r.stderr)
	}
	if r := qamqor(t, "", []string{"DATA_KEY=c2hvcnQta2V5"}, "chat"); strings.Contains(r.stderr, "c2hvcnQta2V5") {
		t.Errorf("a bad key is repeated in the message: %q", r.stderr)
	}
	key := "3q2+7wAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="
	r = qamqor(t, "/invite Org\n", []string{"DATA_KEY=" + key, "ADMIN_IDS=1", "BOT_USERNAME=QamqorTestBot"}, "chat")
	if r.code != 0 || !strings.Contains(r.stderr, "referrals are on") || strings.Contains(r.stderr+r.stdout, key) {
		t.Errorf("with DATA_KEY: exit %d\nstderr %q", r.code, r.stderr)
	}
	if !strings.Contains(r.stdout, "https://t.me/QamqorTestBot?start=i_") {
		t.Errorf("the admin (chat 1 in the terminal) got no invitation link:\n%s", r.stdout)
	}
}

func TestCommands(t *testing.T) {
	if r := qamqor(t, "", nil, "version"); r.code != 0 || !strings.HasPrefix(r.stdout, "qamqor ") {
		t.Errorf("version: %+v", r)
	}
	if r := qamqor(t, "", nil, "frobnicate"); r.code != 2 || !strings.Contains(r.stderr, "unknown command") {
		t.Errorf("unknown command: %+v", r)
	}
	if r := qamqor(t, "", nil); r.code != 2 || !strings.Contains(r.stderr, "qamqor chat") {
		t.Errorf("no command: %+v", r)
	}
	if r := qamqor(t, "", nil, "content", "check"); r.code != 0 || !strings.Contains(r.stdout, "content ok") {
		t.Errorf("content check on the shipped content: %+v", r)
	}
	// Every fact checked today or later is due with --days 0, grouped by service and region.
	if r := qamqor(t, "", nil, "content", "stale", "--days", "0"); r.code != 0 || !strings.Contains(r.stdout, "service disability_benefit_child:") ||
		!strings.Contains(r.stdout, "region astana:") || !strings.Contains(r.stdout, "screener_disability.yaml:") {
		t.Errorf("content stale --days 0: %+v", r)
	}
	if r := qamqor(t, "", nil, "content", "stale", "--days", "-1"); r.code != 2 {
		t.Errorf("content stale with a negative age: %+v", r)
	}
}

// copyContent writes the shipped content to a new directory and returns it.
func copyContent(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	err := fs.WalkDir(content.Embedded(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(content.Embedded(), p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dir, p), data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

// edit replaces the first occurrence of old in dir/file and returns the 1-based line it was on.
func edit(t *testing.T, dir, file, old, new string) int {
	t.Helper()
	p := filepath.Join(dir, file)
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	i := bytes.Index(data, []byte(old))
	if i < 0 {
		t.Fatalf("%s has no %q", file, old)
	}
	line := bytes.Count(data[:i], []byte("\n")) + 1
	if err := os.WriteFile(p, bytes.Replace(data, []byte(old), []byte(new), 1), 0o644); err != nil {
		t.Fatal(err)
	}
	return line
}

func TestContentCheckPointsAtEachProblemInABrokenCopy(t *testing.T) {
	cases := []struct {
		name   string
		break_ func(t *testing.T, dir string) string // returns the expected output line
	}{
		{"missing Russian title", func(t *testing.T, dir string) string {
			line := edit(t, dir, "employment.yaml", "    title:\n      kk: Жұмыс және жұмыспен қамту\n      ru: Работа и занятость\n", "    title:\n      kk: Жұмыс және жұмыспен қамту\n")
			return fmt.Sprintf("%s:%d: title: missing ru (Russian) text", filepath.Join(dir, "employment.yaml"), line)
		}},
		{"button to a node that does not exist", func(t *testing.T, dir string) string {
			line := edit(t, dir, "main.yaml", "      - family\n", "      - familly\n")
			return fmt.Sprintf(`%s:%d: button leads to unknown node "familly"`, filepath.Join(dir, "main.yaml"), line)
		}},
		{"Russian text in the Kazakh field", func(t *testing.T, dir string) string {
			line := edit(t, dir, "main.yaml", "Қандай көмек керек? Тақырыпты таңдаңыз. Әр бөлімде не берілетіні, кімге тиесілі, қандай құжаттар керегі және қайда жүгіну керектігі жазылған.", "Какая помощь нужна? Выберите тему. В каждом разделе всё сказано.")
			return fmt.Sprintf("%s:%d: text: the kk text has", filepath.Join(dir, "main.yaml"), line-2) // the line of "text:"
		}},
		{"a rule that allocates a terabyte for a person of 77", func(t *testing.T, dir string) string {
			line := edit(t, dir, "screener_disability.yaml", `eligible: 'established && age >= 18 && group != ""'`,
				`eligible: 'established && (age != 77 || len(repeat(repeat("x",999999),999999)) > 0)'`)
			return fmt.Sprintf(`%s:%d: eligible of "disability_benefit_adult": repeat is not allowed in a rule`, filepath.Join(dir, "screener_disability.yaml"), line)
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := copyContent(t)
			if r := qamqor(t, "", nil, "content", "check", dir); r.code != 0 {
				t.Fatalf("the unbroken copy fails: %+v", r)
			}
			want := tc.break_(t, dir)
			r := qamqor(t, "", nil, "content", "check", dir)
			if r.code != 1 || !strings.Contains(r.stdout, want) {
				t.Fatalf("exit %d, output:\n%s\nwant a line starting %q", r.code, r.stdout, want)
			}
			// The bot refuses to start on it, with the same message.
			r = qamqor(t, "", []string{"CONTENT_DIR=" + dir}, "chat")
			if r.code == 0 || !strings.Contains(r.stderr, want) {
				t.Fatalf("chat with broken content: exit %d, stderr:\n%s", r.code, r.stderr)
			}
		})
	}
}

func TestContentCheckOnAMissingDirectory(t *testing.T) {
	r := qamqor(t, "", nil, "content", "check", filepath.Join(t.TempDir(), "nope"))
	if r.code != 2 || !strings.Contains(r.stderr, "is not a directory") {
		t.Fatalf("%+v", r)
	}
}
