package store

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"sync/atomic"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"
	"github.com/redis/go-redis/v9/maintnotifications"
)

// Connect returns a client for the Redis server at url (redis:// or rediss://, as in
// "redis://:password@host:6379/0").
func Connect(url string) (redis.UniversalClient, error) { return Open(Redis{URL: url}) }

// Redis says which Redis to use: URL for one server, or Addrs for the nodes of a Redis
// Cluster, or, with SentinelMaster, for the sentinels that know the master of that name.
// Password is for Addrs' servers (a URL carries its own).
type Redis struct {
	URL            string
	Addrs          []string
	SentinelMaster string
	Password       string
}

// Open returns a client for r, as a redis.UniversalClient: a cluster, a sentinel-managed
// master or one server, which the stores use alike (their multi-key commands keep to one
// hash slot).
func Open(r Redis) (redis.UniversalClient, error) {
	if r.URL != "" {
		if len(r.Addrs) > 0 {
			return nil, errors.New("REDIS_URL and REDIS_ADDRS are both set: set one")
		}
		opts, err := redis.ParseURL(r.URL)
		if err != nil {
			return nil, urlError(err)
		}
		quietHandshake(opts)
		return redis.NewClient(opts), nil
	}
	if len(r.Addrs) == 0 {
		return nil, errors.New("no Redis: set REDIS_URL or REDIS_ADDRS")
	}
	opts := &redis.UniversalOptions{
		Addrs:      r.Addrs,
		MasterName: r.SentinelMaster,
		Password:   r.Password,
		// Without a master name, Addrs are a cluster's nodes even when there is only one
		// (a cluster's configuration endpoint).
		IsClusterMode:   r.SentinelMaster == "",
		DisableIdentity: true,
		// Turned off for every kind of client (go-redis's failover client always has it
		// off).
		MaintNotificationsConfig: &maintnotifications.Config{Mode: maintnotifications.ModeDisabled},
	}
	return redis.NewUniversalClient(opts), nil
}

// CheckURL reports whether raw is a REDIS_URL go-redis can use. Its error says what is
// wrong without repeating any part of raw, which may hold a password.
func CheckURL(raw string) error {
	if _, err := redis.ParseURL(raw); err != nil {
		return urlError(err)
	}
	return nil
}

// urlError explains a REDIS_URL that go-redis cannot parse. The parsers' own messages quote
// the URL, or the part of it they stumbled on: with a password holding '/', '?', '#' or '%',
// that part is a piece of the password.
func urlError(err error) error {
	var escape url.EscapeError
	var host url.InvalidHostError
	problem := "it cannot be read as a URL"
	switch msg := err.Error(); {
	case errors.As(err, &escape):
		problem = "a % not followed by two hexadecimal digits"
	case errors.As(err, &host), strings.Contains(msg, "missing ']' in host"):
		problem = "the host name has a character a host name cannot have"
	case strings.Contains(msg, "invalid control character"):
		problem = "it has a control character, such as a tab or a line break"
	case strings.Contains(msg, "missing protocol scheme"), strings.Contains(msg, "first path segment in URL cannot contain colon"),
		strings.Contains(msg, "invalid URL scheme"):
		problem = "it does not start with redis://, rediss:// or unix://"
	case strings.Contains(msg, "invalid port"):
		problem = "the port is not a number (a '/', '?' or '#' in a password ends the host part early)"
	case strings.Contains(msg, "invalid userinfo"):
		problem = "the part before @ has a character that must be written as %XX"
	case strings.Contains(msg, "database number"):
		problem = "the database after the host is not a number, such as /0"
	case strings.Contains(msg, "option"), strings.Contains(msg, "invalid"):
		problem = "an option after ? is unknown or cannot be read"
	}
	return fmt.Errorf("REDIS_URL is not a Redis URL: %s. The form is redis://[:password@]host:6379/0 (rediss:// for TLS), "+
		"with each character of the password other than letters, digits and -._~ written as %%XX", problem)
}

// quietHandshake turns off what go-redis asks a server on each new connection beyond
// authentication (CLIENT SETINFO, maintenance notifications): Redis before 7.2 answers
// them with errors, which would count as failures, and Qamqor uses neither.
func quietHandshake(opts *redis.Options) {
	opts.DisableIdentity = true
	opts.MaintNotificationsConfig = &maintnotifications.Config{Mode: maintnotifications.ModeDisabled}
}

// Embedded starts a Redis-compatible server inside this process, on loopback, and returns a
// client for it and a function that stops it. State lives only as long as the process: it
// is for trying Qamqor on a machine without Redis, never for production.
func Embedded() (redis.UniversalClient, func(), error) {
	srv, err := miniredis.Run()
	if err != nil {
		return nil, nil, fmt.Errorf("starting the embedded store: %w", err)
	}
	opts := &redis.Options{Addr: srv.Addr()}
	quietHandshake(opts)
	rdb := redis.NewClient(opts)
	return rdb, func() { _ = rdb.Close(); srv.Close() }, nil
}

// Ping reports whether Redis answers.
func Ping(ctx context.Context, rdb redis.UniversalClient) error { return rdb.Ping(ctx).Err() }

// OnError calls f with every error a command of rdb returns, other than "no such key", so
// the operator can count them.
func OnError(rdb redis.UniversalClient, f func(error)) { rdb.AddHook(errorHook(f)) }

type errorHook func(error)

func (h errorHook) DialHook(next redis.DialHook) redis.DialHook { return next }

func (h errorHook) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		err := next(ctx, cmd)
		if err != nil && !errors.Is(err, redis.Nil) && !redis.HasErrorPrefix(err, "NOSCRIPT") {
			h(err) // NOSCRIPT is how a script is loaded the first time (Script.Run), not a failure
		}
		return err
	}
}

func (h errorHook) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		err := next(ctx, cmds)
		if err != nil && !errors.Is(err, redis.Nil) {
			h(err)
		}
		return err
	}
}

// LogTo sends go-redis's own messages (reconnection attempts) to log at debug level: they
// repeat what the store's errors already say, and would otherwise go to standard error.
func LogTo(log *slog.Logger) { redis.SetLogger(redisLogger{log}) }

type redisLogger struct{ log *slog.Logger }

func (l redisLogger) Printf(ctx context.Context, format string, v ...any) {
	l.log.DebugContext(ctx, "redis: "+fmt.Sprintf(format, v...))
}

// DB is the connection to Redis every store of a process shares (one server, a Cluster or
// a Sentinel-watched master). Only this package needs to know it is go-redis's.
type DB = redis.UniversalClient

// CountRoundTrips counts what db sends from now on: each command and each pipeline is one
// round trip (for qamqor bench).
func CountRoundTrips(db DB, commands, pipelines *atomic.Int64) {
	db.AddHook(countingHook{commands, pipelines})
}

type countingHook struct{ commands, pipelines *atomic.Int64 }

func (countingHook) DialHook(next redis.DialHook) redis.DialHook { return next }

func (h countingHook) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		h.commands.Add(1)
		return next(ctx, cmd)
	}
}

func (h countingHook) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		h.pipelines.Add(1)
		return next(ctx, cmds)
	}
}
