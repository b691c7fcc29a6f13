package main

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"reflect"
	"strings"
	"time"

	"github.com/caarlos0/env/v11"
)

// Config is Qamqor's configuration, read from the environment. Every field is a row of the
// README's configuration table (a test keeps the two in step).
type Config struct {
	RedisURL   string        `env:"REDIS_URL"`
	SessionTTL time.Duration `env:"SESSION_TTL" envDefault:"720h"`
	ContentDir string        `env:"CONTENT_DIR"`
	LogFormat  string        `env:"LOG_FORMAT" envDefault:"text"`
	LogLevel   slog.Level    `env:"LOG_LEVEL" envDefault:"info"`
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
	if cfg.LogFormat != "text" && cfg.LogFormat != "json" {
		return cfg, fmt.Errorf("configuration: LOG_FORMAT must be text or json, got %q", cfg.LogFormat)
	}
	return cfg, nil
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
	opts := &slog.HandlerOptions{Level: cfg.LogLevel}
	var h slog.Handler = slog.NewTextHandler(w, opts)
	if cfg.LogFormat == "json" {
		h = slog.NewJSONHandler(w, opts)
	}
	return cfg, slog.New(h), nil
}
