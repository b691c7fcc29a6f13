package store

import (
	"context"
	"fmt"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"
)

// Connect returns a client for the Redis server at url (redis:// or rediss://, as in
// "redis://:password@host:6379/0").
func Connect(url string) (redis.UniversalClient, error) {
	opts, err := redis.ParseURL(url)
	if err != nil {
		return nil, fmt.Errorf("REDIS_URL: %w", err)
	}
	return redis.NewClient(opts), nil
}

// Embedded starts a Redis-compatible server inside this process, on loopback, and returns a
// client for it and a function that stops it. State lives only as long as the process: it
// is for trying Qamqor on a machine without Redis, never for production.
func Embedded() (redis.UniversalClient, func(), error) {
	srv, err := miniredis.Run()
	if err != nil {
		return nil, nil, fmt.Errorf("starting the embedded store: %w", err)
	}
	rdb := redis.NewClient(&redis.Options{Addr: srv.Addr()})
	return rdb, func() { _ = rdb.Close(); srv.Close() }, nil
}

// Ping reports whether Redis answers.
func Ping(ctx context.Context, rdb redis.UniversalClient) error { return rdb.Ping(ctx).Err() }
