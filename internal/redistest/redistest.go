// Package redistest starts real, throwaway redis-server processes for tests.
package redistest

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// Server is a redis-server started for one test, on loopback, with its data in a temporary
// directory. It is stopped when the test ends.
type Server struct {
	Addr string
	tb   testing.TB
	dir  string
	port int
	cmd  *exec.Cmd
}

// Start starts a redis-server on a free loopback port. The test fails, with a hint, when
// redis-server is not installed: `scripts/test` installs it.
func Start(tb testing.TB) *Server {
	tb.Helper()
	if _, err := exec.LookPath("redis-server"); err != nil {
		tb.Fatalf("redis-server is not installed; run the tests with scripts/test, which installs it")
	}
	s := &Server{tb: tb, dir: tb.TempDir(), port: freePort(tb)}
	s.Addr = net.JoinHostPort("127.0.0.1", strconv.Itoa(s.port))
	s.start()
	tb.Cleanup(s.Stop)
	return s
}

// URL is the server's address as a REDIS_URL.
func (s *Server) URL() string { return "redis://" + s.Addr + "/0" }

// Client returns a client for the server, closed when the test ends.
func (s *Server) Client() *redis.Client {
	c := redis.NewClient(&redis.Options{Addr: s.Addr})
	s.tb.Cleanup(func() { _ = c.Close() })
	return c
}

func (s *Server) start() {
	s.tb.Helper()
	// Snapshots to the test's directory, so Restart shows what survives a restart of Redis.
	s.cmd = exec.Command("redis-server",
		"--bind", "127.0.0.1", "--port", strconv.Itoa(s.port),
		"--dir", s.dir, "--dbfilename", "dump.rdb", "--save", "", "--appendonly", "no",
		"--daemonize", "no", "--loglevel", "warning", "--logfile", filepath.Join(s.dir, "redis.log"))
	if err := s.cmd.Start(); err != nil {
		s.tb.Fatalf("starting redis-server: %v", err)
	}
	deadline := time.Now().Add(10 * time.Second)
	c := redis.NewClient(&redis.Options{Addr: s.Addr, MaxRetries: -1})
	defer c.Close()
	for {
		if err := c.Ping(context.Background()).Err(); err == nil {
			return
		}
		if time.Now().After(deadline) {
			log, _ := os.ReadFile(filepath.Join(s.dir, "redis.log"))
			s.tb.Fatalf("redis-server did not answer on %s within 10s:\n%s", s.Addr, log)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Stop stops the server; data saved with Restart's SAVE stays in its directory.
func (s *Server) Stop() {
	if s.cmd == nil || s.cmd.Process == nil {
		return
	}
	_ = s.cmd.Process.Kill()
	_ = s.cmd.Wait()
	s.cmd = nil
}

// Restart saves the data, stops the server and starts it again on the same port, as an
// operator's restart of Redis would.
func (s *Server) Restart() {
	s.tb.Helper()
	c := redis.NewClient(&redis.Options{Addr: s.Addr})
	if err := c.Save(context.Background()).Err(); err != nil {
		s.tb.Fatalf("redis SAVE: %v", err)
	}
	_ = c.Close()
	s.Stop()
	s.start()
}

// Down stops the server until Up is called, to test what users see while Redis is away.
func (s *Server) Down() { s.Stop() }

// Up starts a server stopped by Down again.
func (s *Server) Up() {
	s.tb.Helper()
	s.start()
}

func freePort(tb testing.TB) int {
	tb.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatalf("finding a free port: %v", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// String describes the server for test logs.
func (s *Server) String() string { return fmt.Sprintf("redis-server at %s", s.Addr) }
