package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math"
	mrand "math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/qamqor/qamqor/bot"
	"github.com/qamqor/qamqor/bot/news"
	"github.com/qamqor/qamqor/cmd/qamqor/benchref"
	"github.com/qamqor/qamqor/content"
	"github.com/qamqor/qamqor/internal/fakebotapi"
	"github.com/qamqor/qamqor/locales"
	"github.com/qamqor/qamqor/store"
	"github.com/qamqor/qamqor/telegram"
)

// The targets of issue 8, printed beside what was measured.
const (
	targetThroughput   = 5000 // updates handled per second
	targetP99          = 20 * time.Millisecond
	targetP99Rate      = 1000 // the offered rate the p99 target is stated at
	targetRoundTrips   = 2.0  // Redis round trips per update
	targetSessionBytes = 512  // Redis memory per idle session
)

// Chat ids of simulated people: 10 digits like today's Telegram user ids (key length
// counts in Redis memory), far from the ids tests and admins use.
const (
	benchChatBase  = 7_100_000_000
	memoryChatBase = 7_200_000_000
)

const benchUsage = `usage: qamqor bench [--bot qamqor|minimal|both] [--users N] [--duration D] [--mode polling|webhook] [--rate R]
       qamqor bench --load-only [--listen ADDR] [--token T] [--users N] [--duration D] [--mode M] [--rate R]
       qamqor bench --api URL [--bot qamqor|minimal] [--mode M] [--listen ADDR] [--duration D]
       qamqor bench --memory [--sessions N]

Runs the serve path (Telegram adapter, Service, Redis sessions) against an in-process fake
Bot API with simulated people pressing random buttons, and prints throughput, reply
latency, Redis cost and CPU per update (the bot's told from the harness's by pprof labels);
--bot both runs Qamqor, then the minimal reference bot, and prints them side by side.
--load-only and --api split the two: the fake Bot API and the people in one process (or
machine), the bot alone in another, whose CPU (getrusage) and RSS are then its own; start
--load-only first and the bot against the URL it prints, with the same --mode.
--memory measures Redis memory per idle session.
Redis: REDIS_URL (an empty database), or a throwaway redis-server from PATH when unset.
`

func runBench(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, benchUsage); fs.PrintDefaults() }
	var o benchOptions
	fs.IntVar(&o.users, "users", 1000, "simulated people, each waiting for the reply to its last action before the next")
	fs.DurationVar(&o.duration, "duration", 30*time.Second, "how long to measure")
	fs.DurationVar(&o.warmup, "warmup", 3*time.Second, "how long to run before measuring (every /start, caches filling)")
	fs.StringVar(&o.mode, "mode", "polling", "how updates reach the bot: polling or webhook")
	fs.Float64Var(&o.rate, "rate", 0, "cap on updates offered per second, across all people (0: as fast as replies come)")
	fs.IntVar(&o.connections, "connections", 40, "webhook connections at once (Telegram's max_connections)")
	fs.Uint64Var(&o.seed, "seed", 1, "seed of the people's choices")
	fs.StringVar(&o.bot, "bot", benchQamqor, "the bot measured: qamqor, minimal (the reference in cmd/qamqor/benchref: decode, one Redis compare-and-set, the same replies), or both in turn, compared")
	fs.StringVar(&o.cpuProfile, "cpuprofile", "", "write a CPU profile of the measured window (bot and simulated people alike, told apart by the pprof label qamqor) to this file")
	fs.StringVar(&o.api, "api", "", "run only the bot, against the Bot API at this URL (`qamqor bench --load-only` in another process, perhaps on another machine): CPU from getrusage and RSS are then the bot's alone")
	fs.BoolVar(&o.loadOnly, "load-only", false, "run only the fake Bot API and the people, for a bot started with --api")
	fs.StringVar(&o.token, "token", "", "with --load-only: the bot token the fake Bot API accepts (default the fake's own; the bot takes it from TELEGRAM_BOT_TOKEN)")
	fs.StringVar(&o.listen, "listen", "", "with --load-only: the address the fake Bot API listens on (default a free loopback port); with --api --mode webhook: the address of the bot's webhook")
	memory := fs.Bool("memory", false, "measure Redis memory per idle session instead of a load")
	sessions := fs.Int("sessions", 100_000, "with --memory: how many idle sessions to store")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 || (o.loadOnly && (o.api != "" || *memory || o.bot == benchBoth)) || (o.token != "" && !o.loadOnly) || (o.api != "" && (*memory || o.bot == benchBoth)) || o.users < 1 || o.duration <= 0 || o.warmup < 0 || o.rate < 0 || o.connections < 1 || *sessions < 1 ||
		(o.mode != "polling" && o.mode != "webhook") || !slices.Contains([]string{benchQamqor, benchMinimal, benchBoth}, o.bot) {
		fs.Usage()
		return 2
	}
	cfg, log, err := setup(stderr)
	if err != nil {
		fmt.Fprintln(stderr, "qamqor:", err)
		return 2
	}
	applyGC(log) // as serve does, so the run measures serve's setting (GOGC in the environment wins)
	if o.loadOnly {
		// No bot and no Redis here: they are the other process's.
		code, _ := benchLoad(ctx, cfg, log, nil, o, stdout, stderr)
		return code
	}
	if *memory && o.cpuProfile != "" {
		f, err := os.Create(o.cpuProfile)
		if err == nil {
			err = pprof.StartCPUProfile(f)
		}
		if err != nil {
			fmt.Fprintln(stderr, "qamqor:", err)
			return 2
		}
		defer func() { pprof.StopCPUProfile(); _ = f.Close() }()
	}
	if os.Getenv("LOG_LEVEL") == "" {
		// The bot's start-up notes would bury the figures; warnings and errors still show.
		log = slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	if cfg.RedisURL == "" && cfg.redisConfigured() {
		// INFO, DBSIZE and used_memory would be one node's: the figures are per server.
		fmt.Fprintln(stderr, "qamqor: bench measures one Redis server: set REDIS_URL (an empty database), or leave REDIS_URL and REDIS_ADDRS unset for a throwaway redis-server")
		return 2
	}
	redisNote := "REDIS_URL"
	if cfg.RedisURL == "" {
		// A real Redis is the point (the embedded one has other costs), and with none named a
		// server of our own cannot touch anyone's data.
		url, stop, err := throwawayRedis(ctx)
		if err != nil {
			fmt.Fprintln(stderr, "qamqor:", err)
			return 1
		}
		defer stop()
		cfg.RedisURL, redisNote = url, "throwaway redis-server"
	}
	admin, err := store.Connect(cfg.RedisURL)
	if err != nil {
		fmt.Fprintln(stderr, "qamqor:", err)
		return 2
	}
	defer admin.Close()
	// The run writes sessions and statistics: never into a database that holds anything.
	if n, err := admin.DBSize(ctx).Result(); err != nil {
		fmt.Fprintln(stderr, "qamqor: redis:", err)
		return 1
	} else if n > 0 {
		fmt.Fprintf(stderr, "qamqor: the Redis database at REDIS_URL holds %d keys; bench writes sessions and statistics, so it needs an empty one (e.g. another database number, redis://host:6379/15), or leave REDIS_URL unset to start a throwaway redis-server\n", n)
		return 2
	}
	info, _ := redisInfo(ctx, admin, "server")
	fmt.Fprintf(stdout, "machine: %d CPUs, GOMAXPROCS %d, load average %s; Redis %s (%s)\n",
		runtime.NumCPU(), runtime.GOMAXPROCS(0), loadAverage(), info["redis_version"], redisNote)
	if *memory {
		return benchMemory(ctx, cfg, log, admin, *sessions, stdout, stderr)
	}
	if o.api != "" {
		return benchBotOnly(ctx, cfg, log, admin, o, stdout, stderr)
	}
	if o.bot != benchBoth {
		if o.bot == benchMinimal {
			if o.screen, err = typicalScreen(ctx, cfg, log); err != nil {
				fmt.Fprintln(stderr, "qamqor:", err)
				return 1
			}
		}
		code, _ := benchLoad(ctx, cfg, log, admin, o, stdout, stderr)
		return code
	}
	// Qamqor first: the reference then answers with the screen Qamqor's people saw most
	// typically, so both send the same bytes per reply.
	o.bot = benchQamqor
	code, qamqor := benchLoad(ctx, cfg, log, admin, o, stdout, stderr)
	if code != 0 {
		return code
	}
	// The database was empty when bench began: what is in it now is the first run's.
	if err := admin.FlushDB(ctx).Err(); err != nil {
		fmt.Fprintln(stderr, "qamqor: redis:", err)
		return 1
	}
	fmt.Fprintln(stdout)
	o.bot, o.screen = benchMinimal, qamqor.screen
	code, minimal := benchLoad(ctx, cfg, log, admin, o, stdout, stderr)
	fmt.Fprintln(stdout)
	compare(stdout, o, qamqor, minimal)
	return code
}

// The bots bench can measure.
const (
	benchQamqor  = "qamqor"
	benchMinimal = "minimal"
	benchBoth    = "both"
)

// targetCPURatio is issue 19's: Qamqor's CPU per update at most this times the reference's.
const targetCPURatio = 1.5

func botName(bot string) string {
	if bot == benchMinimal {
		return "the minimal reference bot"
	}
	return "Qamqor"
}

// benchSummary is what one run's report measured, for comparing two runs.
type benchSummary struct {
	perSecond            float64
	p50, p99             time.Duration
	cpuPer1000           time.Duration // the bot alone
	roundTrips, commands float64       // per update
	screen               benchref.Screen
}

// compare prints the two runs side by side, with the CPU target.
func compare(w io.Writer, o benchOptions, qamqor, minimal benchSummary) {
	fmt.Fprintf(w, "side by side (%s mode; the reference answered with a %d-byte text and %d buttons, Qamqor's median screen):\n",
		o.mode, len(minimal.screen.Text), buttonsIn(minimal.screen))
	fmt.Fprintln(w, "| bot | CPU per 1,000 updates (bot alone) | updates/s | p50 | p99 | Redis round trips / update | commands / update |")
	fmt.Fprintln(w, "| --- | --- | --- | --- | --- | --- | --- |")
	for _, r := range []struct {
		name string
		s    benchSummary
	}{{"Qamqor", qamqor}, {"minimal", minimal}} {
		fmt.Fprintf(w, "| %s | %s | %.0f | %s | %s | %.2f | %.2f |\n",
			r.name, ms(r.s.cpuPer1000), r.s.perSecond, ms(r.s.p50), ms(r.s.p99), r.s.roundTrips, r.s.commands)
	}
	if minimal.cpuPer1000 > 0 {
		ratio := float64(qamqor.cpuPer1000) / float64(minimal.cpuPer1000)
		fmt.Fprintf(w, "Qamqor's CPU per update: %.2f× the reference's (target ≤ %g×: %s)\n", ratio, targetCPURatio, verdict(ratio <= targetCPURatio))
	}
}

func buttonsIn(s benchref.Screen) int {
	n := 0
	for _, row := range s.Buttons {
		n += len(row)
	}
	return n
}

// typicalOf is the median, by length, of the last messages the people were shown.
func typicalOf(api *fakebotapi.Server, people []*person) benchref.Screen {
	var screens []benchref.Screen
	for _, p := range people {
		m := api.Last(p.chat)
		if m.Source == "" {
			continue
		}
		screens = append(screens, benchref.Screen{Text: m.Source, Buttons: labelsOf(m.Buttons, func(b fakebotapi.Button) string { return b.Text })})
	}
	if len(screens) == 0 {
		return benchref.Screen{}
	}
	slices.SortFunc(screens, func(a, b benchref.Screen) int { return len(a.Text) - len(b.Text) })
	return screens[len(screens)/2]
}

// typicalScreen is, for the reference run alone, a screen three presses deep in Russian on
// the shipped content (as the typical session is made).
func typicalScreen(ctx context.Context, cfg Config, log *slog.Logger) (benchref.Screen, error) {
	_, last, err := typicalWalk(ctx, cfg, log)
	if err != nil {
		return benchref.Screen{}, err
	}
	return benchref.Screen{Text: last.Text, Buttons: labelsOf(last.Buttons, func(b bot.Button) string { return b.Label })}, nil
}

// labelsOf is a keyboard's labels, row by row.
func labelsOf[B any](rows [][]B, label func(B) string) [][]string {
	var out [][]string
	for _, row := range rows {
		labels := make([]string, len(row))
		for i, b := range row {
			labels[i] = label(b)
		}
		out = append(out, labels)
	}
	return out
}

type benchOptions struct {
	users            int
	duration, warmup time.Duration
	mode             string
	rate             float64
	connections      int
	seed             uint64
	cpuProfile       string
	bot              string          // benchQamqor or benchMinimal (benchBoth runs each in turn)
	screen           benchref.Screen // what the reference answers with
	api              string          // the Bot API of a bot run alone (--api)
	loadOnly         bool            // the people and the fake alone (--load-only)
	listen           string
	token            string // --load-only's
}

// person is one simulated user; events carries the bot's first reply to each action.
type person struct {
	chat    int64
	lang    string
	events  chan fakebotapi.ReplyEvent
	rng     *mrand.Rand
	samples []time.Duration // reply latencies of actions pushed while measuring
}

// loadResult is what the people saw, in the measured window unless said otherwise.
type loadResult struct {
	pushed, answered    atomic.Int64 // the whole run
	handled             atomic.Int64 // replies that arrived in the window
	refused             atomic.Int64 // replies the fake refused (other than "not modified")
	deliveries          atomic.Int64 // webhook deliveries that did not get 200
	redisErrors         atomic.Int64
	checklists          atomic.Int64 // replies that were a checklist PDF
	firstRefusal        atomic.Value
	start, end          time.Time
	commands, pipelines atomic.Int64 // on the bot's Redis client, the whole run
}

func benchLoad(ctx context.Context, cfg Config, log *slog.Logger, admin store.DB, o benchOptions, stdout, stderr io.Writer) (int, benchSummary) {
	// Everything started from here is the harness's, but for the bot below (see benchcpu.go).
	// The label goes into ctx too: pprof.Do, which starts the bot, sets its caller's labels
	// back to its ctx's when it returns, and with the label on the goroutine alone, the
	// people started after it ran unlabelled, their CPU shared out as the runtime's.
	unlabelled := ctx
	ctx = pprof.WithLabels(ctx, pprof.Labels(cpuLabel, cpuHarness))
	pprof.SetGoroutineLabels(ctx)
	defer pprof.SetGoroutineLabels(unlabelled)
	var res loadResult
	people := make(map[int64]*person, o.users)
	list := make([]*person, 0, o.users)
	for i := range o.users {
		p := &person{
			chat: benchChatBase + int64(i), lang: []string{"ru", "kk"}[i%2],
			events: make(chan fakebotapi.ReplyEvent, 4), rng: mrand.New(mrand.NewPCG(o.seed, uint64(i))),
		}
		people[p.chat] = p
		list = append(list, p)
	}
	fakeOptions := []fakebotapi.Option{fakebotapi.WithoutRecording(), fakebotapi.WithWebhookConnections(o.connections), fakebotapi.WithListenAddr(o.listen)}
	if o.token != "" {
		fakeOptions = append(fakeOptions, fakebotapi.WithToken(o.token))
	}
	api, err := fakebotapi.New(append(fakeOptions,
		fakebotapi.WithReplyHook(func(e fakebotapi.ReplyEvent) {
			if e.Code != http.StatusOK && !strings.Contains(e.Error, "message is not modified") {
				if res.refused.Add(1) == 1 {
					res.firstRefusal.Store(e.Method + ": " + e.Error)
				}
			}
			if e.Method == "sendDocument" {
				res.checklists.Add(1)
			}
			if p := people[e.ChatID]; p != nil {
				select {
				case p.events <- e:
				default: // a reply nobody waits for: the bot answered more than it was asked
				}
			}
		}))...)
	if err != nil {
		fmt.Fprintln(stderr, "qamqor:", err)
		return 1, benchSummary{}
	}
	defer api.Close()

	if o.loadOnly {
		fmt.Fprintf(stdout, "fake Bot API at %s (token %s): start the bot with TELEGRAM_BOT_TOKEN=%s qamqor bench --api %s --mode %s\n",
			api.URL, api.Token, api.Token, api.URL, o.mode)
		if err := waitForABot(ctx, api, o.mode); err != nil {
			fmt.Fprintln(stderr, "qamqor:", err)
			return 1, benchSummary{}
		}
	} else {
		cfg.TelegramToken, cfg.TelegramAPIURL = api.Token, api.URL
		cfg.HTTPAddr, err = loopbackAddr()
		if err != nil {
			fmt.Fprintln(stderr, "qamqor:", err)
			return 1, benchSummary{}
		}
		if o.mode == "webhook" {
			cfg.WebhookURL, cfg.WebhookSecret = "http://"+cfg.HTTPAddr+"/telegram", randomSecret()
		}
		botCtx, stopBot := context.WithCancel(ctx)
		defer stopBot()
		ran, _, closeBot, err := startBenchBot(botCtx, cfg, log, o, func(rdb store.DB) {
			store.CountRoundTrips(rdb, &res.commands, &res.pipelines)
			store.OnError(rdb, func(error) { res.redisErrors.Add(1) })
		})
		if err != nil {
			fmt.Fprintln(stderr, "qamqor:", err)
			return 1, benchSummary{}
		}
		defer func() {
			stopBot()
			<-ran
			closeBot()
		}()
		if err := waitUntilServing(ctx, api, cfg, ran); err != nil {
			fmt.Fprintln(stderr, "qamqor:", err)
			return 1, benchSummary{}
		}
	}

	loop := "closed loop (each person waits for the reply, then acts at once)"
	var pace *pacer
	if o.rate > 0 {
		pace = &pacer{interval: time.Duration(float64(time.Second) / o.rate)}
		loop = fmt.Sprintf("at most %g updates/s offered (each person still waits for its reply)", o.rate)
	}
	who := botName(o.bot)
	if o.loadOnly {
		who = "a bot in another process"
	}
	fmt.Fprintf(stdout, "load: %s, %s mode, %d people, WORKERS=%d, %s; measuring %s after a %s warm-up\n",
		who, o.mode, o.users, cfg.Workers, loop, o.duration, o.warmup)

	began := time.Now()
	res.start, res.end = began.Add(o.warmup), began.Add(o.warmup+o.duration)
	acting, stopActing := context.WithDeadline(ctx, res.end)
	defer stopActing()
	// Updates in hand when acting stops still count; past this, they are unanswered.
	draining, stopDraining := context.WithDeadline(ctx, res.end.Add(10*time.Second))
	defer stopDraining()

	var before, after redisCounters
	var cpu cpuWindow
	var cpuErr error
	snapshots := sync.WaitGroup{}
	snapshots.Go(func() {
		sleepUntil(ctx, res.start)
		stopCPU, err := startCPUWindow()
		before = snapshot(ctx, admin, api, &res)
		sleepUntil(ctx, res.end)
		after = snapshot(ctx, admin, api, &res)
		if err == nil {
			cpu, err = stopCPU()
		}
		if err == nil {
			err = writeProfile(o.cpuProfile, cpu)
		}
		cpuErr = err
	})
	var acts sync.WaitGroup
	for _, p := range list {
		acts.Go(func() { p.act(acting, draining, api, o.mode == "webhook", pace, &res) })
	}
	acts.Wait()
	snapshots.Wait()
	if ctx.Err() != nil {
		fmt.Fprintln(stderr, "qamqor: interrupted")
		return 1, benchSummary{}
	}

	var samples []time.Duration
	for _, p := range list {
		samples = append(samples, p.samples...)
	}
	if cpuErr != nil {
		fmt.Fprintln(stderr, "qamqor: CPU profile:", cpuErr)
	}
	code, sum := report(stdout, o, &res, samples, before, after, cpu)
	sum.screen = typicalOf(api, list)
	return code, sum
}

// startBenchBot starts the bot measured — Qamqor as serve wires it, or the reference —
// under the bot's pprof label; attach is given its Redis client before it runs. ran gets
// the bot's end once ctx ends; then closeBot releases what it holds.
func startBenchBot(ctx context.Context, cfg Config, log *slog.Logger, o benchOptions, attach func(store.DB)) (ran chan error, handled func() int64, closeBot func(), err error) {
	ran = make(chan error, 1)
	if o.bot == benchMinimal {
		rdb, err := store.Connect(cfg.RedisURL)
		if err != nil {
			return nil, nil, nil, err
		}
		attach(rdb)
		var count atomic.Int64
		ref := benchref.Config{
			APIURL: cfg.TelegramAPIURL, Token: cfg.TelegramToken, Redis: rdb, Workers: cfg.Workers,
			Screen: o.screen, TTL: cfg.SessionTTL, MaxConnections: o.connections, Handled: &count,
		}
		if cfg.WebhookURL != "" {
			ref.WebhookURL, ref.WebhookAddr, ref.WebhookSecret = cfg.WebhookURL, cfg.HTTPAddr, cfg.WebhookSecret
		}
		labelled(ctx, cpuBot, func(ctx context.Context) {
			go func() { ran <- benchref.Run(ctx, ref) }()
		})
		return ran, count.Load, func() { _ = rdb.Close() }, nil
	}
	var a *app
	var tgBot *telegram.Bot
	var broadcaster *news.Broadcaster
	reg := prometheus.NewRegistry()
	labelled(ctx, cpuBot, func(ctx context.Context) {
		if a, err = open(ctx, cfg, log); err == nil {
			tgBot, broadcaster, err = a.telegram(cfg, log, reg) // as serve wires it
		}
	})
	if err != nil {
		if a != nil {
			a.close()
		}
		return nil, nil, nil, err
	}
	attach(a.rdb)
	var background sync.WaitGroup
	labelled(ctx, cpuBot, func(ctx context.Context) {
		background.Go(func() { broadcaster.Run(ctx) })
		go func() { ran <- tgBot.Run(ctx) }()
	})
	return ran, func() int64 { return updatesCounted(reg) }, func() { background.Wait(); a.close() }, nil
}

// updatesCounted is qamqor_updates_total, every outcome together.
func updatesCounted(reg *prometheus.Registry) int64 {
	families, _ := reg.Gather()
	var n float64
	for _, f := range families {
		if f.GetName() != "qamqor_updates_total" {
			continue
		}
		for _, m := range f.GetMetric() {
			n += m.GetCounter().GetValue()
		}
	}
	return int64(n)
}

func randomSecret() string {
	var secret [16]byte
	_, _ = rand.Read(secret[:])
	return hex.EncodeToString(secret[:])
}

// waitForABot waits, for --load-only, until a bot in another process polls or has set its
// webhook.
func waitForABot(ctx context.Context, api *fakebotapi.Server, mode string) error {
	deadline := time.Now().Add(10 * time.Minute)
	for {
		hook, _ := api.Webhook()
		if (mode == "polling" && api.Polling() > 0) || (mode == "webhook" && hook != "") {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return errors.New("no bot came within 10 minutes")
		}
	}
}

// benchBotOnly runs the bot alone against another process's Bot API (--api): everything in
// this process is the bot's, so getrusage and the RSS are its own. It measures the window
// after the first update and the warm-up.
func benchBotOnly(ctx context.Context, cfg Config, log *slog.Logger, admin store.DB, o benchOptions, stdout, stderr io.Writer) int {
	if o.bot == benchMinimal {
		var err error
		if o.screen, err = typicalScreen(ctx, cfg, log); err != nil {
			fmt.Fprintln(stderr, "qamqor:", err)
			return 1
		}
	}
	cfg.TelegramAPIURL = strings.TrimRight(o.api, "/")
	if cfg.TelegramToken == "" {
		cfg.TelegramToken = fakebotapi.DefaultToken
	}
	if o.mode == "webhook" {
		addr := o.listen
		if addr == "" {
			var err error
			if addr, err = loopbackAddr(); err != nil {
				fmt.Fprintln(stderr, "qamqor:", err)
				return 1
			}
		}
		cfg.HTTPAddr = addr
		cfg.WebhookURL, cfg.WebhookSecret = "http://"+addr+"/telegram", randomSecret()
	} else {
		cfg.HTTPAddr, _ = loopbackAddr() // its health and metrics, out of the load's way
	}
	var commands, pipelines, redisErrors atomic.Int64
	botCtx, stopBot := context.WithCancel(ctx)
	defer stopBot()
	ran, handled, closeBot, err := startBenchBot(botCtx, cfg, log, o, func(rdb store.DB) {
		store.CountRoundTrips(rdb, &commands, &pipelines)
		store.OnError(rdb, func(error) { redisErrors.Add(1) })
	})
	if err != nil {
		fmt.Fprintln(stderr, "qamqor:", err)
		return 1
	}
	defer func() {
		stopBot()
		<-ran
		closeBot()
	}()
	fmt.Fprintf(stdout, "bot: %s alone, %s mode, against %s, WORKERS=%d; measuring %s after the first update and a %s warm-up\n",
		botName(o.bot), o.mode, cfg.TelegramAPIURL, cfg.Workers, o.duration, o.warmup)
	for handled() == 0 {
		select {
		case err := <-ran:
			fmt.Fprintln(stderr, "qamqor: the bot stopped:", err)
			return 1
		case <-ctx.Done():
			return 1
		case <-time.After(20 * time.Millisecond):
		}
	}
	sleepUntil(ctx, time.Now().Add(o.warmup))
	type point struct {
		at         time.Time
		cpu        time.Duration
		updates    int64
		roundTrips int64
		calls      int64
	}
	take := func() point {
		p := point{at: time.Now(), updates: handled(), roundTrips: commands.Load() + pipelines.Load()}
		p.cpu, _ = processCPU()
		if stats, err := redisInfo(ctx, admin, "commandstats"); err == nil {
			for k, v := range stats {
				if strings.HasPrefix(k, "cmdstat_") {
					calls, _, _ := strings.Cut(strings.TrimPrefix(v, "calls="), ",")
					n, _ := strconv.ParseInt(calls, 10, 64)
					p.calls += n
				}
			}
		}
		return p
	}
	before := take()
	sleepUntil(ctx, before.at.Add(o.duration))
	after := take()
	if ctx.Err() != nil {
		return 1
	}
	updates := after.updates - before.updates
	if updates <= 0 {
		fmt.Fprintln(stderr, "qamqor: no updates came in the window")
		return 1
	}
	window := after.at.Sub(before.at).Seconds()
	fmt.Fprintf(stdout, "updates handled: %d in %.1fs = %.0f/s\n", updates, window, float64(updates)/window)
	fmt.Fprintf(stdout, "CPU per 1,000 updates: %s (the whole process, getrusage: the bot alone)\n",
		ms((after.cpu-before.cpu)*1000/time.Duration(updates)))
	fmt.Fprintf(stdout, "redis round trips per update: %.2f; commands per update: %.2f\n",
		float64(after.roundTrips-before.roundTrips)/float64(updates), float64(after.calls-before.calls-1)/float64(updates))
	hwm, rss := memoryOfProcess()
	fmt.Fprintf(stdout, "memory: RSS %s now, %s at most (VmRSS, VmHWM)\n", rss, hwm)
	fmt.Fprintf(stdout, "redis errors: %d\n", redisErrors.Load())
	return 0
}

// memoryOfProcess reads this process's peak and current resident set ("?" where /proc has
// none).
func memoryOfProcess() (hwm, rss string) {
	hwm, rss = "?", "?"
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return
	}
	for line := range strings.Lines(string(data)) {
		k, v, _ := strings.Cut(line, ":")
		v = strings.TrimSpace(v)
		switch k {
		case "VmHWM":
			hwm = v
		case "VmRSS":
			rss = v
		}
	}
	return
}

// act is one person: /start, then a random button of the bot's last message, again and
// again; /start again when that message has no buttons.
func (p *person) act(acting, draining context.Context, api *fakebotapi.Server, webhook bool, pace *pacer, res *loadResult) {
	for acting.Err() == nil {
		if pace != nil && !pace.wait(acting) {
			return
		}
		last := api.Last(p.chat)
		var id int64
		if data := p.pick(last.Buttons); data != "" {
			id, _ = api.Press(p.chat, last.ID, data)
		} else {
			id = api.SendText(p.chat, "/start", p.lang)
		}
		res.pushed.Add(1)
		if webhook {
			if status, err := api.Deliver(draining, id); err != nil || status != http.StatusOK {
				res.deliveries.Add(1)
			}
		}
		select {
		case e := <-p.events:
			res.answered.Add(1)
			if !e.Replied.Before(res.start) && e.Replied.Before(res.end) {
				res.handled.Add(1)
			}
			if !e.Pushed.Before(res.start) && e.Pushed.Before(res.end) {
				p.samples = append(p.samples, e.Replied.Sub(e.Pushed))
			}
		case <-draining.Done():
			return
		}
	}
}

// pick returns the data of a random button that talks to the bot ("" when there is none).
func (p *person) pick(rows [][]fakebotapi.Button) string {
	var data []string
	for _, row := range rows {
		for _, b := range row {
			if b.CallbackData != "" {
				data = append(data, b.CallbackData)
			}
		}
	}
	if len(data) == 0 {
		return ""
	}
	return data[p.rng.IntN(len(data))]
}

// pacer spaces actions evenly at a fixed rate across all people.
type pacer struct {
	interval time.Duration
	mu       sync.Mutex
	next     time.Time
}

// wait blocks until this caller's turn; false when ctx ended first.
func (pc *pacer) wait(ctx context.Context) bool {
	pc.mu.Lock()
	now := time.Now()
	// A slot missed by more than one interval is not made up for with a burst.
	slot := pc.next
	if floor := now.Add(-pc.interval); slot.Before(floor) {
		slot = floor
	}
	pc.next = slot.Add(pc.interval)
	pc.mu.Unlock()
	sleepUntil(ctx, slot)
	return ctx.Err() == nil
}

func sleepUntil(ctx context.Context, t time.Time) {
	d := time.Until(t)
	if d <= 0 {
		return
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
	case <-ctx.Done():
	}
}

type redisCounters struct {
	at                      time.Time
	roundTrips, serverCalls int64
	answered                int64
	downloaded              int64 // updates in getUpdates answers (an update sent again counts again)
	downloadedBytes         int64 // and those answers' bytes
	ok                      bool
}

func snapshot(ctx context.Context, admin store.DB, api *fakebotapi.Server, res *loadResult) redisCounters {
	c := redisCounters{at: time.Now(), roundTrips: res.commands.Load() + res.pipelines.Load(), answered: res.answered.Load()}
	c.downloaded, c.downloadedBytes = api.Downloaded()
	if admin == nil { // --load-only: Redis is the bot's
		return c
	}
	stats, err := redisInfo(ctx, admin, "commandstats")
	if err != nil {
		return c
	}
	for k, v := range stats {
		if !strings.HasPrefix(k, "cmdstat_") {
			continue
		}
		calls, _, _ := strings.Cut(strings.TrimPrefix(v, "calls="), ",")
		n, _ := strconv.ParseInt(calls, 10, 64)
		c.serverCalls += n
	}
	c.ok = true
	return c
}

func report(w io.Writer, o benchOptions, res *loadResult, samples []time.Duration, before, after redisCounters, cpu cpuWindow) (int, benchSummary) {
	var sum benchSummary
	window := res.end.Sub(res.start).Seconds()
	handled := res.handled.Load()
	perSecond := float64(handled) / window
	sum.perSecond = perSecond
	fmt.Fprintf(w, "updates handled: %d in %.1fs = %.0f/s (target ≥ %d/s: %s)\n",
		handled, window, perSecond, targetThroughput, verdict(perSecond >= targetThroughput))

	slices.Sort(samples)
	if n := len(samples); n > 0 {
		q := func(p float64) time.Duration { return samples[min(n-1, int(p*float64(n)))] }
		p99 := q(0.99)
		sum.p50, sum.p99 = q(0.50), p99
		target := fmt.Sprintf("target p99 ≤ %s at %d updates/s: ", targetP99, targetP99Rate)
		if o.rate >= 0.99*targetP99Rate && o.rate <= 1.01*targetP99Rate {
			target += verdict(p99 <= targetP99)
		} else {
			target += "run with --rate 1000 to compare"
		}
		fmt.Fprintf(w, "reply latency: p50 %s p95 %s p99 %s max %s over %d replies (%s)\n",
			ms(q(0.50)), ms(q(0.95)), ms(p99), ms(samples[n-1]), n, target)
	} else {
		fmt.Fprintln(w, "reply latency: no replies measured")
	}

	// The window's updates, counted by replies, so an update in hand at an edge is not
	// missing from one count and present in the other.
	if updates := after.answered - before.answered; updates > 0 && o.loadOnly {
		fmt.Fprintln(w, "redis and CPU per update: in the bot's own output (--api)")
	} else if updates > 0 {
		rt := float64(after.roundTrips-before.roundTrips) / float64(updates)
		sum.roundTrips = rt
		fmt.Fprintf(w, "redis round trips per update: %.2f (target ≤ %g: %s)\n", rt, targetRoundTrips, verdict(rt <= targetRoundTrips))
		if before.ok && after.ok {
			// Less the INFO call that took the second snapshot.
			calls := float64(after.serverCalls-before.serverCalls-1) / float64(updates)
			sum.commands = calls
			fmt.Fprintf(w, "redis commands per update: %.2f (INFO commandstats: a script's own GET and SET count)\n", calls)
		}
		if o.mode == "polling" && after.downloaded > before.downloaded {
			n := float64(after.downloaded - before.downloaded)
			fmt.Fprintf(w, "getUpdates: each update downloaded %.2f times, %.0f bytes of answer per update\n",
				n/float64(updates), float64(after.downloadedBytes-before.downloadedBytes)/float64(updates))
		}
		if profiled := cpu.bot + cpu.harness + cpu.runtime; profiled > 0 {
			per1000 := func(d time.Duration) string { return ms(d * 1000 / time.Duration(updates)) }
			sum.cpuPer1000 = cpu.botAlone() * 1000 / time.Duration(updates)
			process := "unknown"
			if cpu.process > 0 {
				process = per1000(cpu.process)
			}
			fmt.Fprintf(w, "CPU per 1,000 updates: bot alone %s (its goroutines %s, and %s of the runtime's %s, in proportion); "+
				"fake Bot API and people %s; whole process %s (getrusage; the profile caught %s)\n",
				per1000(cpu.botAlone()), per1000(cpu.bot), per1000(cpu.botAlone()-cpu.bot), per1000(cpu.runtime),
				per1000(cpu.harness), process, per1000(profiled))
		}
	}
	unanswered := res.pushed.Load() - res.answered.Load()
	fmt.Fprintf(w, "checklists sent: %d\n", res.checklists.Load())
	fmt.Fprintf(w, "unanswered updates: %d of %d\n", unanswered, res.pushed.Load())
	errs := res.refused.Load() + res.deliveries.Load() + res.redisErrors.Load()
	fmt.Fprintf(w, "errors: %d (replies refused by the Bot API %d, webhook deliveries failed %d, Redis errors %d)\n",
		errs, res.refused.Load(), res.deliveries.Load(), res.redisErrors.Load())
	if first, ok := res.firstRefusal.Load().(string); ok {
		fmt.Fprintln(w, "first refusal:", first)
	}
	fmt.Fprintln(w, memoryLine())
	fmt.Fprintln(w, "load average at the end:", loadAverage())
	if unanswered > 0 || errs > 0 {
		return 1, sum
	}
	return 0, sum
}

func verdict(met bool) string {
	if met {
		return "met"
	}
	return "MISSED"
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2fms", float64(d)/float64(time.Millisecond)) }

// benchMemory stores n idle sessions as the bot does and reports Redis memory per session.
func benchMemory(ctx context.Context, cfg Config, log *slog.Logger, admin store.DB, n int, stdout, stderr io.Writer) int {
	typical, err := typicalSession(ctx, cfg, log)
	if err != nil {
		fmt.Fprintln(stderr, "qamqor:", err)
		return 1
	}
	usedBefore, err := usedMemory(ctx, admin)
	if err != nil {
		fmt.Fprintln(stderr, "qamqor: redis:", err)
		return 1
	}
	rdb, err := store.Connect(cfg.RedisURL)
	if err != nil {
		fmt.Fprintln(stderr, "qamqor:", err)
		return 1
	}
	defer rdb.Close()
	sessions := store.NewSessions(rdb, store.WithTTL(cfg.SessionTTL), store.WithCacheSize(0))
	var next atomic.Int64
	var failed atomic.Value
	var writers sync.WaitGroup
	for range 32 {
		writers.Go(func() {
			for i := next.Add(1) - 1; i < int64(n) && ctx.Err() == nil; i = next.Add(1) - 1 {
				err := sessions.Update(ctx, memoryChatBase+i, func(bot.Session) (bot.Session, error) { return typical, nil })
				if err != nil {
					failed.Store(err)
					return
				}
			}
		})
	}
	writers.Wait()
	if err, ok := failed.Load().(error); ok {
		fmt.Fprintln(stderr, "qamqor:", err)
		return 1
	}
	usedAfter, err := usedMemory(ctx, admin)
	if err != nil {
		fmt.Fprintln(stderr, "qamqor: redis:", err)
		return 1
	}
	stored, _ := admin.Get(ctx, store.SessionKey(memoryChatBase)).Result()
	perSession := float64(usedAfter-usedBefore) / float64(n)
	fmt.Fprintf(stdout, "typical session (%d bytes under %d-byte key %s, TTL %s): %s\n",
		len(stored), len(store.SessionKey(memoryChatBase)), store.SessionKey(memoryChatBase), cfg.SessionTTL, stored)
	fmt.Fprintf(stdout, "redis memory per idle session: %.0f bytes (used_memory %d → %d over %d sessions; target ≤ %d: %s)\n",
		perSession, usedBefore, usedAfter, n, targetSessionBytes, verdict(perSession <= targetSessionBytes))
	// Leave the database as it was found.
	for i := 0; i < n; i += 1000 {
		keys := make([]string, 0, 1000)
		for j := i; j < min(n, i+1000); j++ {
			keys = append(keys, store.SessionKey(memoryChatBase+int64(j)))
		}
		_ = admin.Unlink(ctx, keys...).Err()
	}
	return 0
}

// typicalSession is a session after choosing Russian and three presses on the shipped
// content, as the Service stores it (with the update ids it saw).
func typicalSession(ctx context.Context, cfg Config, log *slog.Logger) (bot.Session, error) {
	sess, _, err := typicalWalk(ctx, cfg, log)
	if err == nil && sess.Lang == "" {
		err = errors.New("bench: could not make a typical session: no language was chosen")
	}
	return sess, err
}

// typicalWalk chooses Russian on the shipped content and presses three screens deeper, as
// the Service handles it, and returns the session stored and the last screen shown.
func typicalWalk(ctx context.Context, cfg Config, log *slog.Logger) (bot.Session, bot.Reply, error) {
	c, err := loadContent(cfg, log)
	if err != nil {
		return bot.Session{}, bot.Reply{}, err
	}
	bundle, err := locales.Bundle()
	if err != nil {
		return bot.Session{}, bot.Reply{}, err
	}
	mem := &memorySessions{}
	service := bot.NewService(bot.NewEngine(c, bundle), mem, log)
	const chat = memoryChatBase
	updateID := int64(812_345_670) // a Telegram-sized update id
	replies := service.Handle(ctx, chat, bot.Input{Kind: bot.InputText, Text: "/start", UpdateID: updateID, LangHint: content.RU}).Replies
	var last bot.Reply
	for press := range 4 { // the language, then three screens
		if len(replies) > 0 {
			last = replies[len(replies)-1]
		}
		data := firstButton(replies, press)
		if data == "" {
			break
		}
		updateID++
		replies = service.Handle(ctx, chat, bot.Input{Kind: bot.InputButton, Data: data, UpdateID: updateID}).Replies
	}
	if len(replies) > 0 {
		last = replies[len(replies)-1]
	}
	return mem.sess, last, nil
}

// firstButton picks a button to press: the Russian one on the language screen, then ones
// that go deeper (not back to the menu, which would make a smaller session than usual).
func firstButton(replies []bot.Reply, press int) string {
	var data []string
	for _, r := range replies {
		for _, row := range r.Buttons {
			for _, b := range row {
				if b.Data != "" {
					data = append(data, b.Data)
				}
			}
		}
	}
	if len(data) == 0 {
		return ""
	}
	if press == 0 {
		for _, d := range data {
			if strings.Contains(d, "ru") {
				return d
			}
		}
	}
	return data[0]
}

// memorySessions is a bot.SessionStore of one chat, for making the typical session.
type memorySessions struct{ sess bot.Session }

func (m *memorySessions) Update(_ context.Context, _ int64, fn func(bot.Session) (bot.Session, error)) error {
	next, err := fn(m.sess)
	if err == nil {
		m.sess = next
	}
	return err
}

func usedMemory(ctx context.Context, rdb store.DB) (int64, error) {
	info, err := redisInfo(ctx, rdb, "memory")
	if err != nil {
		return 0, err
	}
	return strconv.ParseInt(info["used_memory"], 10, 64)
}

// redisInfo returns an INFO section's fields.
func redisInfo(ctx context.Context, rdb store.DB, section string) (map[string]string, error) {
	text, err := rdb.Info(ctx, section).Result()
	if err != nil {
		return nil, err
	}
	fields := map[string]string{}
	sc := bufio.NewScanner(strings.NewReader(text))
	for sc.Scan() {
		if k, v, ok := strings.Cut(strings.TrimSpace(sc.Text()), ":"); ok && !strings.HasPrefix(k, "#") {
			fields[k] = v
		}
	}
	return fields, nil
}

// waitUntilServing waits for the bot to poll, or to have registered its webhook.
func waitUntilServing(ctx context.Context, api *fakebotapi.Server, cfg Config, ran <-chan error) error {
	deadline := time.Now().Add(30 * time.Second)
	for {
		hook, _ := api.Webhook()
		if (cfg.WebhookURL == "" && api.Polling() > 0) || (cfg.WebhookURL != "" && hook == cfg.WebhookURL) {
			return nil
		}
		select {
		case err := <-ran:
			return fmt.Errorf("the bot stopped while starting: %v", err)
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(10 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return errors.New("the bot did not start within 30s")
		}
	}
}

// loopbackAddr is a free loopback address to listen on.
func loopbackAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

// throwawayRedis starts redis-server from PATH on a free loopback port, without
// persistence, and returns its URL and a function that stops it and removes its files.
func throwawayRedis(ctx context.Context) (string, func(), error) {
	path, err := exec.LookPath("redis-server")
	if err != nil {
		return "", nil, errors.New("bench needs a real Redis: set REDIS_URL to an empty database, or install redis-server (Debian: apt-get install redis-server) so bench can start a throwaway one")
	}
	addr, err := loopbackAddr()
	if err != nil {
		return "", nil, err
	}
	host, port, _ := net.SplitHostPort(addr)
	dir, err := os.MkdirTemp("", "qamqor-bench-redis-")
	if err != nil {
		return "", nil, err
	}
	cmd := exec.Command(path, "--bind", host, "--port", port, "--dir", dir, "--save", "", "--appendonly", "no",
		"--daemonize", "no", "--loglevel", "warning", "--logfile", filepath.Join(dir, "redis.log"))
	if err := cmd.Start(); err != nil {
		_ = os.RemoveAll(dir)
		return "", nil, fmt.Errorf("starting redis-server: %w", err)
	}
	stop := func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		_ = os.RemoveAll(dir)
	}
	url := "redis://" + addr + "/0"
	rdb, _ := store.Connect(url)
	defer rdb.Close()
	for deadline := time.Now().Add(10 * time.Second); ; {
		if err := rdb.Ping(ctx).Err(); err == nil {
			return url, stop, nil
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			stop()
			return "", nil, fmt.Errorf("redis-server did not answer on %s", addr)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// loadAverage is the 1, 5 and 15 minute load averages ("?" where /proc has none).
// memoryLine says the process's peak RSS (the harness's included: it shares the process)
// and the collector's settings it ran with, to compare GOGC and GOMEMLIMIT by.
func memoryLine() string {
	rss := "unknown"
	if b, ok := processMaxRSS(); ok {
		rss = fmt.Sprintf("%.0f MiB", float64(b)/(1<<20))
	}
	percent := debug.SetGCPercent(100)
	debug.SetGCPercent(percent)
	gogc := "off"
	if percent >= 0 {
		gogc = strconv.Itoa(percent)
	}
	limit := "none"
	if l := debug.SetMemoryLimit(-1); l != math.MaxInt64 {
		limit = fmt.Sprintf("%.0f MiB", float64(l)/(1<<20))
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return fmt.Sprintf("memory: process max RSS %s (bot and harness); GOGC %s, memory limit %s; %d collections in the whole run",
		rss, gogc, limit, ms.NumGC)
}

func loadAverage() string {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(data))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}
