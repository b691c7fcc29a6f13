// Command qamqor runs Qamqor, the social-protection assistant, and the tools around it.
package main

import (
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"runtime/debug"
	"slices"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/qamqor/qamqor/bot"
	"github.com/qamqor/qamqor/bot/admin"
	"github.com/qamqor/qamqor/bot/handoff"
	"github.com/qamqor/qamqor/bot/news"
	"github.com/qamqor/qamqor/bot/privacy"
	"github.com/qamqor/qamqor/bot/publishing"
	"github.com/qamqor/qamqor/bot/referrals"
	"github.com/qamqor/qamqor/bot/safety"
	"github.com/qamqor/qamqor/bot/stats"
	"github.com/qamqor/qamqor/chart"
	"github.com/qamqor/qamqor/checklist"
	"github.com/qamqor/qamqor/console"
	"github.com/qamqor/qamqor/content"
	"github.com/qamqor/qamqor/locales"
	"github.com/qamqor/qamqor/qr"
	"github.com/qamqor/qamqor/secret"
	"github.com/qamqor/qamqor/store"
	"github.com/qamqor/qamqor/telegram"
	"github.com/qamqor/qamqor/terminal"
	"golang.org/x/term"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

const usage = `Qamqor — social protection in Kazakhstan, in Kazakh and Russian.

Usage:
  qamqor chat [--user ID]       talk to the bot in this terminal
  qamqor content check [DIR]    validate content (default: the content built in)
  qamqor content test [DIR]     run the content's test cases, in both languages
  qamqor content publish DIR [--author NAME]
                                check, test and publish content to every running replica
  qamqor content export [--format csv|xliff] [--since OLD.csv] [-o FILE] [DIR]
                                write every text as a translator's sheet (kk and ru)
  qamqor content import FILE [DIR]
                                write an edited sheet back into DIR (default content/data)
  qamqor search QUESTION [--lang kk|ru]
                                print the screens that answer a question
  qamqor search --eval FILE     measure search on a TSV of questions (lang, query, expect)
  qamqor serve                  run the Telegram bot (and the console under /console/)
  qamqor console [DIR] [--addr 127.0.0.1:PORT]
                                browse the content in a browser, alone on this computer,
                                without Telegram or Redis (read-only for now)
  qamqor bench [--users N] [--duration D] [--mode polling|webhook] [--rate R] [--memory]
                                measure the serve path under simulated load (see BENCHMARKS.md)
  qamqor version                print the version

Configuration comes from environment variables; see the README.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run is main without the process: it returns the exit status.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	stderr = secretsWriter(stderr, os.Getenv)
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	switch args[0] {
	case "chat":
		return runChat(ctx, args[1:], stdin, stdout, stderr)
	case "content":
		return runContent(ctx, args[1:], stdout, stderr)
	case "search":
		return runSearch(args[1:], stdout, stderr)
	case "version":
		fmt.Fprintln(stdout, versionString())
		return 0
	case "serve":
		return runServe(ctx, stderr)
	case "bench":
		return runBench(ctx, args[1:], stdout, stderr)
	case "console":
		return runConsole(ctx, args[1:], stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	}
	fmt.Fprintf(stderr, "qamqor: unknown command %q\n\n%s", args[0], usage)
	return 2
}

func versionString() string {
	s := "qamqor " + version
	if info, ok := debug.ReadBuildInfo(); ok {
		s += " (" + info.GoVersion + ")"
	}
	return s
}

func runChat(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("chat", flag.ContinueOnError)
	fs.SetOutput(stderr)
	user := fs.Int64("user", 1, "chat identity: the same ID continues the same conversation")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	cfg, log, err := setup(stderr)
	if err != nil {
		fmt.Fprintln(stderr, "qamqor:", err)
		return 2
	}
	app, err := open(ctx, cfg, log)
	if err != nil {
		fmt.Fprintln(stderr, "qamqor:", err)
		return 1
	}
	defer app.close()

	prompt := false
	if f, ok := stdin.(*os.File); ok {
		prompt = term.IsTerminal(int(f.Fd()))
	}
	if err := terminal.Chat(ctx, app.service, *user, stdin, stdout, terminal.Options{Prompt: prompt}); err != nil && !errors.Is(err, context.Canceled) {
		fmt.Fprintln(stderr, "qamqor:", err)
		return 1
	}
	return 0
}

func runContent(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		switch args[0] {
		case "publish":
			return runPublish(ctx, args[1:], stdout, stderr)
		case "export":
			return runExport(args[1:], stdout, stderr)
		case "import":
			return runImport(args[1:], stdout, stderr)
		case "stale":
			return runStale(args[1:], stdout, stderr)
		}
	}
	if len(args) == 0 || (args[0] != "check" && args[0] != "test") || len(args) > 2 {
		fmt.Fprint(stderr, "usage: qamqor content check|test [DIR]\n       qamqor content publish DIR [--author NAME]\n       qamqor content export [--format csv|xliff] [--since OLD.csv] [-o FILE] [DIR]\n       qamqor content import FILE [DIR]\n       qamqor content stale [--days N] [DIR]\n")
		return 2
	}
	fsys, prefix := content.Embedded(), "content/data"
	if len(args) == 2 {
		dir := args[1]
		if st, err := os.Stat(dir); err != nil || !st.IsDir() {
			fmt.Fprintf(stderr, "qamqor: %s is not a directory\n", dir)
			return 2
		}
		fsys, prefix = os.DirFS(dir), strings.TrimSuffix(dir, "/")
	}
	problems, err := content.Check(fsys, prefix)
	if err != nil {
		fmt.Fprintln(stderr, "qamqor:", err)
		return 1
	}
	for _, p := range problems {
		fmt.Fprintln(stdout, p)
	}
	if n := len(problems.Errors()); n > 0 {
		fmt.Fprintf(stderr, "%d problem(s) in %s\n", n, prefix)
		return 1
	}
	if args[0] == "test" {
		return runContentTests(fsys, prefix, stdout, stderr)
	}
	fmt.Fprintf(stdout, "content ok: %s\n", prefix)
	return 0
}

// runContentTests runs the content's test cases through the engine, in both languages.
func runContentTests(fsys fs.FS, prefix string, stdout, stderr io.Writer) int {
	c, _, err := content.Load(fsys, prefix)
	if err != nil {
		fmt.Fprintln(stderr, "qamqor:", err)
		return 1
	}
	bundle, err := locales.Bundle()
	if err != nil {
		fmt.Fprintln(stderr, "qamqor:", err)
		return 1
	}
	runs, failed, failures := bot.NewEngine(c, bundle).RunContentTests()
	for _, f := range failures {
		fmt.Fprintln(stdout, f)
	}
	fmt.Fprintf(stdout, "content tests (cases × languages): %d passed, %d failed\n", runs-failed, failed)
	if failed > 0 {
		return 1
	}
	return 0
}

func runServe(ctx context.Context, stderr io.Writer) int {
	cfg, log, err := setup(stderr)
	if err == nil {
		err = cfg.checkServe()
	}
	if err != nil {
		fmt.Fprintln(stderr, "qamqor:", err)
		return 2
	}
	applyGC(log) // GOGC=400 unless GOGC is set: measured in BENCHMARKS.md
	app, err := open(ctx, cfg, log)
	if err != nil {
		fmt.Fprintln(stderr, "qamqor:", err)
		return 1
	}
	defer app.close()

	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	redisErrors := prometheus.NewCounter(prometheus.CounterOpts{Name: "qamqor_redis_errors_total", Help: "Redis commands that failed."})
	reg.MustRegister(redisErrors)
	store.OnError(app.rdb, func(error) { redisErrors.Inc() })
	ruleFailures := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "qamqor_rule_failures_total",
		Help: "Content rules that failed to run on someone's answers (what they decide was left out of the result), by screener and rule (<service>.eligible, <service>.amount, <question>.when).",
	}, []string{"screener", "rule"})
	reg.MustRegister(ruleFailures)
	app.service.OnRuleFailure(func(f content.RuleFailure) { ruleFailures.WithLabelValues(f.Screener, f.Rule()).Inc() })

	tgBot, broadcaster, err := app.telegram(cfg, log, reg)
	if err != nil {
		fmt.Fprintln(stderr, "qamqor:", err)
		return 2
	}
	broadcastCtx, stopBroadcasts := context.WithCancel(ctx)
	broadcasting := make(chan struct{})
	go func() { defer close(broadcasting); broadcaster.Run(broadcastCtx) }()
	err = tgBot.Run(ctx)
	stopBroadcasts() // also when the bot could not start
	<-broadcasting   // a send in progress is finished and recorded before the process ends
	if err != nil {
		log.Error("stopped", "err", err)
		return 1
	}
	return 0
}

// wrapHandler, when set (only by this package's tests, before main runs), stands between
// the Telegram adapter and the Service, to inject the faults a real process must survive.
var wrapHandler func(*bot.Service) telegram.Handler

// telegram makes the Telegram adapter over the app's Service, as configured, and the
// broadcaster that sends through it (not yet running); serve and bench share it.
func (a *app) telegram(cfg Config, log *slog.Logger, reg *prometheus.Registry) (*telegram.Bot, *news.Broadcaster, error) {
	var handler telegram.Handler = a.service
	if wrapHandler != nil {
		handler = wrapHandler(a.service)
	}
	tgBot, err := telegram.New(telegram.Config{
		Token:           cfg.TelegramToken,
		APIURL:          cfg.TelegramAPIURL,
		WebhookURL:      cfg.WebhookURL,
		WebhookSecret:   cfg.WebhookSecret,
		HTTPAddr:        cfg.HTTPAddr,
		Workers:         cfg.Workers,
		ShutdownTimeout: cfg.ShutdownTimeout,
		Journal:         store.NewUpdates(a.rdb),
		OnConnected:     func(name string) { a.botName.Store(name) },
		// By method: a webhook at "POST /" and a pattern of any method under /console/
		// would conflict.
		Mount:      map[string]http.Handler{"GET " + console.Prefix: a.console, "POST " + console.Prefix: a.console},
		MenuButton: a.consoleButton(),
	}, handler, a.service.Commands, func(ctx context.Context) error { return store.Ping(ctx, a.rdb) }, log, reg)
	if err != nil {
		return nil, nil, err
	}
	deliver := bot.Deliver(tgBot.Deliver)
	a.deliver.Store(&deliver)
	refresh := tgBot.RefreshMenu
	a.refreshMenu.Store(&refresh)
	broadcaster := a.news.Broadcaster(tgBot.Deliver, replicaName(), a.service, log)
	return tgBot, broadcaster, nil
}

// consoleButton gives admins and editors the console as their menu button, a Mini App,
// when the console's address is HTTPS (CONSOLE_URL); nil leaves every menu button alone.
func (a *app) consoleButton() func(ctx context.Context, chat int64) (string, string, bool, error) {
	appURL := a.console.AppURL()
	if appURL == "" {
		return nil
	}
	return func(ctx context.Context, chat int64) (string, string, bool, error) {
		roles, err := a.service.RolesOf(ctx, chat)
		if err != nil {
			return "", "", false, err
		}
		ok := slices.Contains(roles, bot.RoleAdmin) || slices.Contains(roles, bot.RoleEditor)
		return "Qamqor", appURL, ok, nil
	}
}

// replicaName names this process among the replicas sharing Redis: host, process id and a
// random part, so a restarted process is a new one.
func replicaName() string {
	host, _ := os.Hostname()
	var r [4]byte
	_, _ = rand.Read(r[:])
	return fmt.Sprintf("%s/%d/%x", host, os.Getpid(), r)
}

// app is what the commands that talk to people share.
type app struct {
	botName atomic.Value // the bot's username, for deep links; learnt from Telegram by serve
	engine  *bot.Engine
	service *bot.Service
	rdb     store.DB
	close   func()
	// news makes the broadcaster, which serve starts (chat sends none).
	news *news.Feature
	// console is the web console, which serve mounts under /console/.
	console *console.Handler
	// partners is the referrals' store, when DATA_KEY turns them on, and deepLink makes
	// the bot's deep links: the console invites partners with them.
	partners referrals.Store
	deepLink func(payload string) string
	// reports are /report's, for the console's report page.
	reports console.Reports
	// deliver is the Telegram adapter's, once serve has made it: the console sends an
	// admin's broadcast to themselves through it.
	deliver atomic.Pointer[bot.Deliver]
	// refreshMenu sets a chat's command menu again (the adapter's), once serve made it: a
	// partner the console revoked loses the partners' menu.
	refreshMenu atomic.Pointer[func(ctx context.Context, chat int64) error]
}

func open(ctx context.Context, cfg Config, log *slog.Logger) (*app, error) {
	c, err := loadContent(cfg, log)
	if err != nil {
		return nil, err
	}
	bundle, err := locales.Bundle()
	if err != nil {
		return nil, err
	}
	store.LogTo(log)
	a := &app{close: func() {}}
	if !cfg.redisConfigured() {
		log.Warn("neither REDIS_URL nor REDIS_ADDRS is set: using an embedded store; conversations will not survive a restart")
		rdb, stop, err := store.Embedded()
		if err != nil {
			return nil, err
		}
		a.rdb, a.close = rdb, stop
	} else {
		rdb, err := store.Open(cfg.redis())
		if err != nil {
			return nil, err
		}
		if err := store.Ping(ctx, rdb); err != nil {
			// Not fatal: people get "temporarily unavailable" until Redis answers.
			log.Error("redis is not reachable", "err", err)
		}
		a.rdb, a.close = rdb, func() { _ = rdb.Close() }
	}
	engineOptions := []bot.Option{bot.WithSessionTTL(cfg.SessionTTL)}
	newEngine := func(c *content.Content) *bot.Engine { return bot.NewEngine(c, bundle, engineOptions...) }
	published := store.NewContent(a.rdb)
	if v, ok, err := published.Current(ctx); err != nil {
		log.Warn("published content could not be read; using the local content", "err", err)
	} else if ok {
		if pc, err := loadVersion(v); err != nil {
			log.Error("published content is not valid; using the local content", "version", v.Number, "err", err)
		} else {
			c = pc
			log.Info("using published content", "version", v.Number)
		}
	}
	a.engine = newEngine(c)
	a.service = bot.NewService(a.engine, store.NewSessions(a.rdb, store.WithTTL(cfg.SessionTTL)), log)
	adminStore := store.NewAdmin(a.rdb)
	roles := admin.New(adminStore, cfg.AdminIDs, log)
	if len(cfg.AdminIDs) > 0 { // someone may grant roles: by @username too
		roles.WithUsernames(store.NewUsernames(a.rdb))
	}
	// safety reads typed text before every other feature's flow and the engine.
	if err := a.service.Register(safety.New(safety.Options{}), roles, publishing.New(published)); err != nil {
		a.close()
		return nil, err
	}
	var key *secret.Key
	if cfg.DataKey != "" {
		if key, err = secret.ParseKey(cfg.DataKey); err != nil {
			a.close()
			return nil, err
		}
	}
	var statsOptions []store.StatsOption
	if key != nil {
		statsOptions = append(statsOptions, store.SealMisses(key))
	}
	counts := store.NewStats(a.rdb, statsOptions...)
	if err := a.service.Register(stats.New(counts, dailyChart)); err != nil {
		a.close()
		return nil, err
	}
	go counts.Run(ctx, statsFlushInterval, log)
	closeStore := a.close
	a.close = func() {
		// What was counted since the last flush is written before Redis is let go.
		flush, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := counts.Flush(flush); err != nil {
			log.Warn("statistics", "err", err)
		}
		closeStore()
	}
	// Every replica switches when a version is published or rolled back.
	go published.Watch(ctx, log, func(n int64) {
		v, err := published.Get(ctx, n)
		if err == nil {
			var pc *content.Content
			if pc, err = loadVersion(v); err == nil {
				a.service.SetEngine(newEngine(pc))
				log.Info("switched to published content", "version", n)
				return
			}
		}
		log.Error("could not switch to published content; keeping the current one", "version", n, "err", err)
	})
	if err := enableReferrals(a, cfg, key, log); err != nil {
		a.close()
		return nil, err
	}
	if cfg.OperatorChatID != 0 {
		if err := a.service.Register(handoff.New(store.NewTickets(a.rdb, key), cfg.OperatorChatID,
			handoff.OperatorsLang(content.Lang(cfg.OperatorsLang)))); err != nil {
			a.close()
			return nil, err
		}
		log.Info("handoff to operators is on", "operator_chat", cfg.OperatorChatID)
	}
	base, err := startArchive(cfg)
	if err != nil {
		a.close()
		return nil, err
	}
	newsStore := store.NewNews(a.rdb)
	consoleStore := store.NewConsole(a.rdb)
	consoleOptions := console.Options{
		Engine: a.service.Engine, Roles: a.service.RolesOf, Store: consoleStore, Audit: roles,
		Log: log, BotToken: cfg.TelegramToken, URL: cfg.ConsoleURL,
		// Editors' drafts in Redis; publishing goes through the publishing store (every
		// replica switches on its announcement) and switches this replica at once.
		Drafts: consoleStore, DraftTTL: cfg.ConsoleDraftTTL, Misses: counts,
		Publisher: &console.StorePublisher{Versions: published, Base: base, Switch: func(archive []byte) error {
			fsys, err := content.FromArchive(archive)
			if err != nil {
				return err
			}
			pc, _, err := content.Load(fsys, "published")
			if err != nil {
				return err
			}
			a.service.SetEngine(newEngine(pc))
			return nil
		}},
		Stats: counts, AuditLog: adminStore, Broadcasts: newsStore,
		Deliver: func(ctx context.Context, chat int64, r bot.Reply) error {
			d := a.deliver.Load()
			if d == nil {
				return errors.New("the Telegram adapter is not running")
			}
			return (*d)(ctx, chat, r)
		},
	}
	if a.partners != nil { // a nil interface, not a nil *store.Referrals, leaves the page out
		consoleOptions.Partners, consoleOptions.Referrals = a.partners, a.partners
		consoleOptions.InviteLink = func(code string) string { return a.deepLink(referrals.InvitePayload(code)) }
		consoleOptions.QR = func(link string) ([]byte, error) { return qr.PNG(link, 512) }
		consoleOptions.Revoked = func(ctx context.Context, p referrals.Partner) error { return a.toldRevoked(ctx, p, log) }
		consoleOptions.Reports = a.reports
	}
	a.console = console.New(consoleOptions)
	if cfg.ConsoleURL != "" {
		if err := a.service.Register(console.Command(a.console)); err != nil {
			a.close()
			return nil, err
		}
	} else if cfg.TelegramToken != "" {
		log.Info("CONSOLE_URL is not set: /console sends no links and the console is no menu button")
	}
	a.news = news.New(newsStore, news.Options{Rate: cfg.BroadcastRate, Now: time.Now, After: time.After, Schedule: newsStore})
	// Last, so /mydata lists what the other features keep, in the order they registered.
	if err := a.service.Register(a.news, privacy.New()); err != nil {
		a.close()
		return nil, err
	}
	return a, nil
}

// consoleReports gives the console /report's counting and PDF.
type consoleReports struct{ *referrals.Feature }

func (consoleReports) PDF(d referrals.ReportDoc) ([]byte, error) { return checklist.ReferralReport(d) }

// toldRevoked tells a partner the console revoked, in their language, and resets their
// chat's command menu, as the bot's /revoke does. The error is the notice's: a menu that
// could not be reset is logged (their commands answer as anyone's anyway).
func (a *app) toldRevoked(ctx context.Context, p referrals.Partner, log *slog.Logger) error {
	d, refresh := a.deliver.Load(), a.refreshMenu.Load()
	if d == nil || refresh == nil {
		return errors.New("the Telegram adapter is not running")
	}
	// The menu first: a partner who blocked the bot cannot be told, but loses the menu.
	if err := (*refresh)(ctx, p.User); err != nil {
		log.Warn("a revoked partner's command menu was not reset", "chat", p.User, "err", err)
	}
	return (*d)(ctx, p.User, bot.Reply{Text: referrals.RevokedNotice(a.service.Engine(), p)})
}

// enableReferrals turns on partners and referrals when DATA_KEY is set, and says at
// start-up that they are off when it is not.
func enableReferrals(a *app, cfg Config, key *secret.Key, log *slog.Logger) error {
	if key == nil {
		log.Warn("DATA_KEY is not set: partner and referral features are off (set it to base64 of 32 random bytes to turn them on)")
		return nil
	}
	a.botName.Store(cfg.BotUsername)
	link := func(payload string) string {
		name, _ := a.botName.Load().(string)
		if name == "" {
			name = "<bot>"
		}
		return "https://t.me/" + name + "?start=" + payload
	}
	qrCode := func(link string) ([]byte, error) { return qr.PNG(link, 512) }
	partners := store.NewReferrals(a.rdb, key, cfg.ReferralTTL)
	feature := referrals.New(partners, link, qrCode).WithReportPDF(checklist.ReferralReport)
	// The picture sent with a new referral says under its code who refers and to what, in
	// the checklist's typeface, which has the Kazakh letters.
	captioner, err := qr.NewCaptioner(checklist.Font())
	if err != nil {
		return err
	}
	feature.WithCaptionedQR(func(link string, caption []string) ([]byte, error) { return captioner.PNG(link, 512, caption...) })
	if err := a.service.Register(feature); err != nil {
		return err
	}
	a.partners, a.deepLink, a.reports = partners, link, consoleReports{feature}
	log.Info("referrals are on")
	return nil
}

// statsFlushInterval is how often counted events are written to Redis.
const statsFlushInterval = 10 * time.Second

// dailyChart draws /stats's chart.
func dailyChart(title string, days []string, series []stats.Series) ([]byte, error) {
	cs := make([]chart.Series, 0, len(series))
	for _, s := range series {
		cs = append(cs, chart.Series{Name: s.Name, Values: s.Values})
	}
	return chart.Daily(title, days, cs, 900, 500)
}

// loadVersion loads and validates a published content version.
func loadVersion(v publishing.Version) (*content.Content, error) {
	fsys, err := content.FromArchive(v.Archive)
	if err != nil {
		return nil, err
	}
	c, _, err := content.Load(fsys, fmt.Sprintf("version %d", v.Number))
	return c, err
}

// startArchive is the archive of the content serve starts with (CONTENT_DIR, else the
// content built in): what the console's rollback to the starting content goes back to.
func startArchive(cfg Config) ([]byte, error) {
	var fsys fs.FS = content.Embedded()
	if cfg.ContentDir != "" {
		fsys = os.DirFS(cfg.ContentDir)
	}
	return content.Archive(fsys)
}

func loadContent(cfg Config, log *slog.Logger) (*content.Content, error) {
	var fsys fs.FS = content.Embedded()
	prefix := "content/data"
	if cfg.ContentDir != "" {
		if st, err := os.Stat(cfg.ContentDir); err != nil || !st.IsDir() {
			return nil, fmt.Errorf("CONTENT_DIR: %s is not a directory", cfg.ContentDir)
		}
		fsys, prefix = os.DirFS(cfg.ContentDir), cfg.ContentDir
	}
	c, problems, err := content.Load(fsys, prefix)
	for _, p := range problems {
		if p.Warning {
			log.Warn("content", "problem", p.String())
		}
	}
	if err != nil {
		return nil, fmt.Errorf("content in %s is not valid:\n%w", prefix, err)
	}
	return c, nil
}
