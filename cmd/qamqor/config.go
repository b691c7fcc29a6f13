package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/caarlos0/env/v11"
	"github.com/qamqor/qamqor/content"
	"github.com/qamqor/qamqor/store"
)

// Config is Qamqor's configuration, read from the environment. Every field is a row of the
// README's configuration table (a test keeps the two in step).
type Config struct {
	RedisURL string `env:"REDIS_URL"`
	// A Redis Cluster, or Sentinel (REDIS_ADDRS are then the sentinels)
	RedisAddrs          []string `env:"REDIS_ADDRS" envSeparator:","`
	RedisSentinelMaster string   `env:"REDIS_SENTINEL_MASTER"`
	RedisPassword       string   `env:"REDIS_PASSWORD"`

	SessionTTL time.Duration `env:"SESSION_TTL" envDefault:"720h"`
	ContentDir string        `env:"CONTENT_DIR"`
	LogFormat  string        `env:"LOG_FORMAT" envDefault:"text"`
	LogLevel   slog.Level    `env:"LOG_LEVEL" envDefault:"info"`

	// Referrals and privacy
	DataKey     string        `env:"DATA_KEY"`
	AdminIDs    []int64       `env:"ADMIN_IDS" envSeparator:","`
	BotUsername string        `env:"BOT_USERNAME"`
	ReferralTTL time.Duration `env:"REFERRAL_TTL" envDefault:"4320h"`
	// Human handoff
	OperatorChatID int64 `env:"OPERATOR_CHAT_ID"`
	// OperatorsLang is the language the bot writes in the operators' group: one group, one
	// language, whatever the person's.
	OperatorsLang string `env:"OPERATORS_LANG" envDefault:"ru"`
	// Broadcasts
	BroadcastRate float64 `env:"BROADCAST_RATE" envDefault:"20"`

	// Telegram (qamqor serve)
	TelegramToken   string        `env:"TELEGRAM_BOT_TOKEN"`
	TelegramAPIURL  string        `env:"TELEGRAM_API_URL" envDefault:"https://api.telegram.org"`
	WebhookURL      string        `env:"WEBHOOK_URL"`
	WebhookSecret   string        `env:"WEBHOOK_SECRET"`
	HTTPAddr        string        `env:"HTTP_ADDR" envDefault:":8080"`
	Workers         int           `env:"WORKERS" envDefault:"16"`
	ShutdownTimeout time.Duration `env:"SHUTDOWN_TIMEOUT" envDefault:"25s"`
	// ConsoleURL is the console's public address (https://host/console/), which the bot's
	// /console links start with; without it /console is off (the Mini App still works).
	ConsoleURL string `env:"CONSOLE_URL"`
	// ConsoleDraftTTL is how long an editor's draft in the console is kept after its last
	// change.
	ConsoleDraftTTL time.Duration `env:"CONSOLE_DRAFT_TTL" envDefault:"720h"`
}

// webhookSecret is what Telegram accepts as a secret_token.
var webhookSecret = regexp.MustCompile(`^[A-Za-z0-9_-]{1,256}$`)

// botToken is the form of the tokens @BotFather gives: the bot's id, a colon, a key.
var botToken = regexp.MustCompile(`^[0-9]+:[A-Za-z0-9_-]+$`)

// checkServe checks what serve needs beyond what every command does.
func (c Config) checkServe() error {
	if c.TelegramToken == "" {
		return errors.New(`TELEGRAM_BOT_TOKEN is not set.
To get one: in Telegram, open @BotFather, send /newbot, choose a name and a username,
and copy the token it answers with. Then run:
  TELEGRAM_BOT_TOKEN=<token> qamqor serve`)
	}
	if !botToken.MatchString(c.TelegramToken) {
		// Not repeated: a token with a stray character would otherwise end up in a URL,
		// and in the error that URL makes.
		return errors.New("TELEGRAM_BOT_TOKEN is not a bot token: @BotFather's look like 123456789:AA... " +
			"(digits, a colon, then letters, digits, _ and -); check that no space, quote or line break was copied with it")
	}
	if c.WebhookURL != "" {
		if u, err := url.Parse(c.WebhookURL); err != nil || u.Scheme == "" || u.Host == "" {
			return errors.New("WEBHOOK_URL must be a full URL, such as https://bot.example.org/telegram")
		}
		if !webhookSecret.MatchString(c.WebhookSecret) {
			return errors.New("WEBHOOK_SECRET must be set with WEBHOOK_URL: 1 to 256 characters of A-Z, a-z, 0-9, _ and -")
		}
	}
	if c.Workers < 1 {
		return fmt.Errorf("WORKERS must be at least 1, got %d", c.Workers)
	}
	if c.ConsoleURL != "" {
		if u, err := url.Parse(c.ConsoleURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return errors.New("CONSOLE_URL must be a full URL of the console, such as https://bot.example.org/console/")
		}
	}
	return nil
}

// loadConfig reads the configuration and checks what a type cannot.
func loadConfig() (Config, error) {
	cfg, err := env.ParseAs[Config]()
	if err != nil {
		return cfg, explain(err)
	}
	if cfg.SessionTTL < time.Minute {
		return cfg, fmt.Errorf("configuration: SESSION_TTL must be at least 1m, got %s", cfg.SessionTTL)
	}
	if cfg.BroadcastRate <= 0 || cfg.BroadcastRate > 25 {
		return cfg, fmt.Errorf("configuration: BROADCAST_RATE must be more than 0 and at most 25 messages a second, got %g", cfg.BroadcastRate)
	}
	if cfg.ConsoleDraftTTL < time.Hour {
		return cfg, fmt.Errorf("configuration: CONSOLE_DRAFT_TTL must be at least 1h, got %s", cfg.ConsoleDraftTTL)
	}
	if cfg.LogFormat != "text" && cfg.LogFormat != "json" {
		return cfg, fmt.Errorf("configuration: LOG_FORMAT must be text or json, got %q", cfg.LogFormat)
	}
	if l, ok := content.ParseLang(cfg.OperatorsLang); !ok || string(l) != cfg.OperatorsLang {
		return cfg, fmt.Errorf("configuration: OPERATORS_LANG must be kk or ru, got %q", cfg.OperatorsLang)
	}
	if err := cfg.checkRedis(); err != nil {
		return cfg, fmt.Errorf("configuration: %w", err)
	}
	return cfg, nil
}

// checkRedis checks that Redis is given one way: REDIS_URL for one server, or
// REDIS_ADDRS for a cluster or, with REDIS_SENTINEL_MASTER, sentinels.
func (c *Config) checkRedis() error {
	addrs := c.RedisAddrs[:0:0]
	for _, a := range c.RedisAddrs {
		a = strings.TrimSpace(a)
		if a == "" {
			continue // a trailing comma
		}
		if host, port, err := net.SplitHostPort(a); err != nil || host == "" || port == "" {
			if strings.Contains(a, "@") { // a URL with a password, perhaps: not repeated
				return errors.New("REDIS_ADDRS: an address is not host:port; the password goes in REDIS_PASSWORD")
			}
			return fmt.Errorf("REDIS_ADDRS: %q is not host:port", a)
		}
		addrs = append(addrs, a)
	}
	c.RedisAddrs = addrs
	switch {
	case c.RedisURL != "" && len(addrs) > 0:
		return errors.New("REDIS_URL and REDIS_ADDRS are both set: set REDIS_URL for one Redis server, or REDIS_ADDRS for a Redis Cluster (or, with REDIS_SENTINEL_MASTER, its sentinels), not both")
	case c.RedisSentinelMaster != "" && len(addrs) == 0:
		return errors.New("REDIS_SENTINEL_MASTER needs REDIS_ADDRS: the sentinels, as host:port,host:port")
	case c.RedisPassword != "" && len(addrs) == 0:
		return errors.New("REDIS_PASSWORD goes with REDIS_ADDRS; with REDIS_URL, put the password in it: redis://:password@host:6379/0")
	case c.RedisURL != "":
		return store.CheckURL(c.RedisURL)
	}
	return nil
}

// redisConfigured reports whether a Redis is configured (otherwise the embedded store is used).
func (c Config) redisConfigured() bool { return c.RedisURL != "" || len(c.RedisAddrs) > 0 }

// redis is the Redis the configuration points at.
func (c Config) redis() store.Redis {
	return store.Redis{URL: c.RedisURL, Addrs: c.RedisAddrs, SentinelMaster: c.RedisSentinelMaster, Password: c.RedisPassword}
}

// explain names the environment variable that failed to parse, rather than the Go field.
func explain(err error) error {
	var agg env.AggregateError
	if !errors.As(err, &agg) {
		return fmt.Errorf("configuration: %w", err)
	}
	msgs := make([]string, 0, len(agg.Errors))
	for _, e := range agg.Errors {
		var pe env.ParseError
		if errors.As(e, &pe) {
			if f, ok := reflect.TypeFor[Config]().FieldByName(pe.Name); ok {
				msgs = append(msgs, fmt.Sprintf("%s: %v", f.Tag.Get("env"), pe.Err))
				continue
			}
		}
		msgs = append(msgs, e.Error())
	}
	return fmt.Errorf("configuration: %s", strings.Join(msgs, "; "))
}

// setup reads the configuration and makes the logger, which writes to w.
func setup(w io.Writer) (Config, *slog.Logger, error) {
	cfg, err := loadConfig()
	if err != nil {
		return cfg, nil, err
	}
	opts := &slog.HandlerOptions{Level: cfg.LogLevel, ReplaceAttr: redact(cfg.TelegramToken, cfg.WebhookSecret, cfg.DataKey, cfg.RedisPassword)}
	var h slog.Handler = slog.NewTextHandler(w, opts)
	if cfg.LogFormat == "json" {
		h = slog.NewJSONHandler(w, opts)
	}
	return cfg, slog.New(h), nil
}

// secretsWriter writes to w with the secrets the environment holds replaced, as they are
// and as a URL, a quoted string or JSON would write them: the last guard for whatever is
// printed at start-up, before the configuration is read or when it cannot be. The secrets
// are TELEGRAM_BOT_TOKEN, WEBHOOK_SECRET, DATA_KEY, REDIS_PASSWORD and what is before the @
// of REDIS_URL; those under four characters are left alone (replacing them would garble
// every message), and are no secret worth the name.
func secretsWriter(w io.Writer, getenv func(string) string) io.Writer {
	var secrets []string
	for _, name := range []string{"TELEGRAM_BOT_TOKEN", "WEBHOOK_SECRET", "DATA_KEY", "REDIS_PASSWORD"} {
		secrets = append(secrets, getenv(name))
	}
	if raw := getenv("REDIS_URL"); raw != "" {
		_, rest, found := strings.Cut(raw, "://")
		if !found {
			rest = raw
		}
		if at := strings.LastIndex(rest, "@"); at >= 0 {
			userinfo := rest[:at]
			secrets = append(secrets, userinfo)
			if _, password, ok := strings.Cut(userinfo, ":"); ok {
				secrets = append(secrets, password)
			}
		}
	}
	var hidden []string
	for _, s := range secrets {
		forms := []string{s, strings.TrimSpace(s), url.PathEscape(s), url.QueryEscape(s), strconv.Quote(s), mustJSON(s)}
		if unescaped, err := url.PathUnescape(s); err == nil {
			forms = append(forms, unescaped)
		}
		for _, f := range forms {
			if f = strings.TrimSuffix(strings.TrimPrefix(f, `"`), `"`); len(f) >= 4 && !slices.Contains(hidden, f) {
				hidden = append(hidden, f)
			}
		}
	}
	if len(hidden) == 0 {
		return w
	}
	// Longest first, so that a secret inside another is not replaced first.
	slices.SortFunc(hidden, func(a, b string) int { return len(b) - len(a) })
	replace := make([]string, 0, 2*len(hidden))
	for _, f := range hidden {
		replace = append(replace, f, "[redacted]")
	}
	return &redactingWriter{w: w, r: strings.NewReplacer(replace...)}
}

func mustJSON(s string) string {
	data, _ := json.Marshal(s)
	return string(data)
}

// redactingWriter replaces secrets in each write; slog and fmt write a line at a time.
type redactingWriter struct {
	mu sync.Mutex
	w  io.Writer
	r  *strings.Replacer
}

func (rw *redactingWriter) Write(p []byte) (int, error) {
	rw.mu.Lock()
	defer rw.mu.Unlock()
	if _, err := io.WriteString(rw.w, rw.r.Replace(string(p))); err != nil {
		return 0, err
	}
	return len(p), nil
}

// redact keeps secrets out of logs, whatever a library puts in an error message.
func redact(secrets ...string) func([]string, slog.Attr) slog.Attr {
	var replace []string
	for _, s := range secrets {
		if s != "" {
			replace = append(replace, s, "[redacted]")
		}
	}
	if len(replace) == 0 {
		return nil
	}
	r := strings.NewReplacer(replace...)
	return func(_ []string, a slog.Attr) slog.Attr {
		switch v := a.Value.Resolve(); v.Kind() {
		case slog.KindString:
			a.Value = slog.StringValue(r.Replace(v.String()))
		case slog.KindAny:
			if err, ok := v.Any().(error); ok {
				a.Value = slog.StringValue(r.Replace(err.Error()))
			}
		}
		return a
	}
}
