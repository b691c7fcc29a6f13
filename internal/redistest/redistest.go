// Package redistest starts real, throwaway redis-server processes for tests: one server,
// or, with QAMQOR_TEST_REDIS=cluster (scripts/test-cluster), a three-master Redis Cluster
// in its place, so the same tests run against both.
package redistest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/redis/go-redis/v9/maintnotifications"
)

// ModeEnv names the environment variable that picks what Start starts: "cluster" for a
// Redis Cluster, anything else for one server.
const ModeEnv = "QAMQOR_TEST_REDIS"

// ClusterMode reports whether Start gives tests a Redis Cluster.
func ClusterMode() bool { return os.Getenv(ModeEnv) == "cluster" }

// Server is Redis started for one test, on loopback, with its data in temporary
// directories: one redis-server, or the masters of a cluster. It is stopped when the test
// ends.
type Server struct {
	// Addr is the server's address; for a cluster, its first node's.
	Addr string
	// Addrs are a cluster's nodes; nil for one server.
	Addrs []string
	tb    testing.TB
	nodes []*node
}

// node is one redis-server process.
type node struct {
	addr string
	bus  string // a cluster node's bus port
	dir  string
	args []string
	cmd  *exec.Cmd
}

// Start starts Redis on free loopback ports: one server, or a cluster when ClusterMode.
// The test fails, with a hint, when redis-server is not installed: `scripts/test`
// installs it.
func Start(tb testing.TB) *Server {
	tb.Helper()
	if ClusterMode() {
		return StartCluster(tb)
	}
	requireRedis(tb)
	return startFresh(tb, func() *Server {
		n := newNode(tb, nil)
		return &Server{Addr: n.addr, tb: tb, nodes: []*node{n}}
	})
}

// startFresh starts the nodes of a server that build makes, with new ports as often as
// another process takes one between freePort and redis-server binding it (the packages'
// tests run in parallel, and a cluster takes six ports).
func startFresh(tb testing.TB, build func() *Server) *Server {
	tb.Helper()
	for attempt := 1; ; attempt++ {
		s := build()
		err := s.startNodes()
		if err == nil {
			tb.Cleanup(s.Stop)
			return s
		}
		s.Stop()
		if !errors.Is(err, errPortTaken) || attempt == 5 {
			tb.Fatal(err)
		}
	}
}

// ClusterMasters is how many masters StartCluster starts, each with a third of the slots.
const ClusterMasters = 3

// StartCluster starts a Redis Cluster of three masters (no replicas) and waits until it
// serves every slot.
func StartCluster(tb testing.TB) *Server {
	tb.Helper()
	requireRedis(tb)
	s := startFresh(tb, func() *Server {
		s := &Server{tb: tb}
		for range ClusterMasters {
			// The bus port is given rather than left as port+10000, which may be taken or
			// past 65535.
			bus := strconv.Itoa(freePort(tb))
			n := newNode(tb, []string{"--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
				"--cluster-port", bus, "--cluster-node-timeout", "5000"})
			n.bus = bus
			s.nodes = append(s.nodes, n)
			s.Addrs = append(s.Addrs, n.addr)
		}
		s.Addr = s.Addrs[0]
		return s
	})
	s.createCluster()
	return s
}

// createCluster gives each master its share of the slots and introduces them, as
// `redis-cli --cluster create` does, without its one-second waits.
func (s *Server) createCluster() {
	s.tb.Helper()
	ctx := context.Background()
	per := 16384 / len(s.nodes)
	clients := make([]*redis.Client, len(s.nodes))
	for i, n := range s.nodes {
		clients[i] = nodeClient(n.addr)
		defer clients[i].Close()
	}
	fail := func(n *node, err error) {
		s.tb.Helper()
		s.tb.Fatalf("creating the cluster at %s: %v\n%s", n.addr, err, n.log())
	}
	// Every epoch is set before any node meets another: Redis refuses SET-CONFIG-EPOCH to a
	// node that knows another. A node on a port a finished test's cluster used may still
	// hear from that cluster, so a refusal is met with a hard reset and one more try.
	for i, n := range s.nodes {
		// Distinct epochs, so the nodes need not settle a collision before agreeing.
		err := clients[i].Do(ctx, "CLUSTER", "SET-CONFIG-EPOCH", i+1).Err()
		if err != nil {
			err = clients[i].Do(ctx, "CLUSTER", "RESET", "HARD").Err()
			if err == nil {
				err = clients[i].Do(ctx, "CLUSTER", "SET-CONFIG-EPOCH", i+1).Err()
			}
		}
		if err != nil {
			fail(n, err)
		}
	}
	for i, n := range s.nodes {
		low, high := i*per, (i+1)*per-1
		if i == len(s.nodes)-1 {
			high = 16383
		}
		if err := clients[i].Do(ctx, "CLUSTER", "ADDSLOTSRANGE", low, high).Err(); err != nil {
			fail(n, err)
		}
	}
	for _, n := range s.nodes[1:] {
		host, port, _ := net.SplitHostPort(n.addr)
		if err := clients[0].Do(ctx, "CLUSTER", "MEET", host, port, n.bus).Err(); err != nil {
			fail(n, err)
		}
	}
	s.waitClusterOK()
}

// waitClusterOK waits until every node says the cluster is ok and knows all the others.
func (s *Server) waitClusterOK() {
	s.tb.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for _, n := range s.nodes {
		c := nodeClient(n.addr)
		for {
			info, err := c.ClusterInfo(context.Background()).Result()
			if err == nil && strings.Contains(info, "cluster_state:ok") &&
				strings.Contains(info, "cluster_known_nodes:"+strconv.Itoa(len(s.nodes))) {
				break
			}
			if time.Now().After(deadline) {
				_ = c.Close()
				s.tb.Fatalf("the cluster at %s is not ok within 20s: %v\n%s\n%s", n.addr, err, info, n.log())
			}
			time.Sleep(20 * time.Millisecond)
		}
		_ = c.Close()
	}
}

// URL is the server's address as a REDIS_URL. A cluster has none, so a test that asks
// for it is skipped in cluster mode: give qamqor Env() instead.
func (s *Server) URL() string {
	if s.Addrs != nil {
		s.tb.Skip("redistest: this test gives qamqor REDIS_URL, which a cluster has none of (use Env)")
	}
	return "redis://" + s.Addr + "/0"
}

// Env is the environment that points qamqor at this Redis: REDIS_URL for one server,
// REDIS_ADDRS for a cluster.
func (s *Server) Env() []string {
	if s.Addrs != nil {
		return []string{"REDIS_URL=", "REDIS_ADDRS=" + strings.Join(s.Addrs, ",")}
	}
	return []string{"REDIS_ADDRS=", "REDIS_URL=" + s.URL()}
}

// Client returns a client for the server, or the cluster, closed when the test ends.
func (s *Server) Client() redis.UniversalClient {
	var c redis.UniversalClient
	if s.Addrs != nil {
		c = redis.NewClusterClient(&redis.ClusterOptions{Addrs: s.Addrs, DisableIdentity: true,
			MaintNotificationsConfig: &maintnotifications.Config{Mode: maintnotifications.ModeDisabled}})
	} else {
		c = nodeClient(s.Addr)
	}
	s.tb.Cleanup(func() { _ = c.Close() })
	return c
}

// Keys returns the keys matching pattern on every node, for tests that look at all that
// is stored (KEYS on a cluster client asks one node only).
func (s *Server) Keys(pattern string) []string {
	s.tb.Helper()
	var keys []string
	for _, n := range s.nodes {
		c := nodeClient(n.addr) // closed at once: fuzz tests call this per input
		k, err := c.Keys(context.Background(), pattern).Result()
		_ = c.Close()
		if err != nil {
			s.tb.Fatalf("KEYS on %s: %v", n.addr, err)
		}
		keys = append(keys, k...)
	}
	return keys
}

// Nodes returns a client of each node (the one server, or every master of a cluster),
// closed when the test ends, for what a cluster client asks one node only (INFO, KEYS).
func (s *Server) Nodes() []*redis.Client {
	out := make([]*redis.Client, len(s.nodes))
	for i, n := range s.nodes {
		out[i] = nodeClient(n.addr)
		s.tb.Cleanup(func() { _ = out[i].Close() })
	}
	return out
}

// Stop stops the server (or every node); data saved with Restart's SAVE stays.
func (s *Server) Stop() {
	for _, n := range s.nodes {
		n.stop()
	}
}

// Restart saves the data, stops the server and starts it again on the same port, as an
// operator's restart of Redis would. A cluster is restarted whole: every node together.
func (s *Server) Restart() {
	s.tb.Helper()
	for _, n := range s.nodes {
		c := nodeClient(n.addr)
		if err := c.Save(context.Background()).Err(); err != nil {
			s.tb.Fatalf("redis SAVE on %s: %v", n.addr, err)
		}
		_ = c.Close()
	}
	s.Stop()
	s.Up()
}

// Down stops the server (every node of a cluster) until Up is called, to test what users
// see while Redis is away.
func (s *Server) Down() { s.Stop() }

// Up starts a server stopped by Down again; a cluster's nodes rejoin from their
// nodes.conf, and Up returns once it serves every slot again.
func (s *Server) Up() {
	s.tb.Helper()
	s.startAll()
	if s.Addrs != nil {
		s.waitClusterOK()
	}
}

// String describes the server for test logs.
func (s *Server) String() string {
	if s.Addrs != nil {
		return "redis cluster at " + strings.Join(s.Addrs, ",")
	}
	return fmt.Sprintf("redis-server at %s", s.Addr)
}

func (s *Server) startAll() {
	s.tb.Helper()
	if err := s.startNodes(); err != nil {
		s.tb.Fatal(err)
	}
}

func (s *Server) startNodes() error {
	for _, n := range s.nodes {
		if err := n.start(); err != nil {
			return fmt.Errorf("starting redis-server: %w", err)
		}
	}
	for _, n := range s.nodes {
		if err := n.wait(); err != nil {
			return err
		}
	}
	return nil
}

// errPortTaken: redis-server could not bind a port freePort had found free.
var errPortTaken = errors.New("a port was taken meanwhile")

func requireRedis(tb testing.TB) {
	tb.Helper()
	if _, err := exec.LookPath("redis-server"); err != nil {
		tb.Fatalf("redis-server is not installed; run the tests with scripts/test, which installs it")
	}
}

// newNode picks a free port and a directory for a redis-server with extra arguments.
func newNode(tb testing.TB, extra []string) *node {
	tb.Helper()
	n := &node{dir: tb.TempDir()}
	port := freePort(tb)
	n.addr = net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	// Snapshots to the test's directory, so Restart shows what survives a restart of Redis.
	n.args = append([]string{
		"--bind", "127.0.0.1", "--port", strconv.Itoa(port),
		"--dir", n.dir, "--dbfilename", "dump.rdb", "--save", "", "--appendonly", "no",
		"--daemonize", "no", "--loglevel", "warning", "--logfile", filepath.Join(n.dir, "redis.log"),
	}, extra...)
	return n
}

func (n *node) start() error {
	n.cmd = exec.Command("redis-server", n.args...)
	return n.cmd.Start()
}

// wait waits until the node answers PING.
func (n *node) wait() error {
	deadline := time.Now().Add(10 * time.Second)
	c := redis.NewClient(&redis.Options{Addr: n.addr, MaxRetries: -1, DisableIdentity: true,
		MaintNotificationsConfig: &maintnotifications.Config{Mode: maintnotifications.ModeDisabled}})
	defer c.Close()
	for {
		if err := c.Ping(context.Background()).Err(); err == nil {
			return nil
		}
		if log := n.log(); strings.Contains(log, "Address already in use") {
			return fmt.Errorf("%w: redis-server on %s:\n%s", errPortTaken, n.addr, log)
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("redis-server did not answer on %s within 10s:\n%s", n.addr, n.log())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (n *node) stop() {
	if n.cmd == nil || n.cmd.Process == nil {
		return
	}
	_ = n.cmd.Process.Kill()
	_ = n.cmd.Wait()
	n.cmd = nil
}

func (n *node) log() string {
	b, _ := os.ReadFile(filepath.Join(n.dir, "redis.log"))
	return string(b)
}

// nodeClient is a client of one node, with the handshake Redis 7.0 understands.
func nodeClient(addr string) *redis.Client {
	return redis.NewClient(&redis.Options{Addr: addr, DisableIdentity: true,
		MaintNotificationsConfig: &maintnotifications.Config{Mode: maintnotifications.ModeDisabled}})
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

// SentinelMaster is the master name StartSentinel's sentinel watches.
const SentinelMaster = "qamqor"

// Sentinel is a master, its replica and one Sentinel watching them, started for one test.
type Sentinel struct {
	// Addr is the sentinel's address.
	Addr                      string
	tb                        testing.TB
	master, replica, sentinel *node
}

// StartSentinel starts a master, a replica of it and a Sentinel that fails over to the
// replica a second after the master stops answering.
func StartSentinel(tb testing.TB) *Sentinel {
	tb.Helper()
	requireRedis(tb)
	s := &Sentinel{tb: tb, master: newNode(tb, nil)}
	host, port, _ := net.SplitHostPort(s.master.addr)
	s.replica = newNode(tb, []string{"--replicaof", host, port})
	s.sentinel = newNode(tb, nil)
	_, sport, _ := net.SplitHostPort(s.sentinel.addr)
	s.Addr = s.sentinel.addr
	// Sentinel rewrites its configuration file, so it needs one of its own.
	conf := filepath.Join(s.sentinel.dir, "sentinel.conf")
	err := os.WriteFile(conf, []byte(strings.Join([]string{
		"bind 127.0.0.1", "port " + sport, "dir " + s.sentinel.dir,
		"logfile " + filepath.Join(s.sentinel.dir, "redis.log"),
		"sentinel monitor " + SentinelMaster + " " + host + " " + port + " 1",
		"sentinel down-after-milliseconds " + SentinelMaster + " 1000",
		"sentinel failover-timeout " + SentinelMaster + " 10000",
	}, "\n")+"\n"), 0o600)
	if err != nil {
		tb.Fatal(err)
	}
	s.sentinel.args = []string{conf, "--sentinel"}
	tb.Cleanup(func() {
		for _, n := range []*node{s.sentinel, s.replica, s.master} {
			n.stop()
		}
	})
	for _, n := range []*node{s.master, s.replica, s.sentinel} {
		if err := n.start(); err != nil {
			tb.Fatalf("starting redis-server: %v", err)
		}
		if err := n.wait(); err != nil {
			tb.Fatal(err)
		}
	}
	s.waitFor("the replica to sync and the sentinel to know it", func() bool {
		r := nodeClient(s.replica.addr)
		defer r.Close()
		info, _ := r.Info(context.Background(), "replication").Result()
		sc := redis.NewSentinelClient(&redis.Options{Addr: s.Addr, DisableIdentity: true})
		defer sc.Close()
		replicas, _ := sc.Replicas(context.Background(), SentinelMaster).Result()
		return strings.Contains(info, "master_link_status:up") && len(replicas) == 1
	})
	return s
}

// Env is the environment that points qamqor at the master through the sentinel.
func (s *Sentinel) Env() []string {
	return []string{"REDIS_URL=", "REDIS_ADDRS=" + s.Addr, "REDIS_SENTINEL_MASTER=" + SentinelMaster}
}

// MasterAddr is the address the sentinel gives for the master now.
func (s *Sentinel) MasterAddr() string {
	sc := redis.NewSentinelClient(&redis.Options{Addr: s.Addr, DisableIdentity: true})
	defer sc.Close()
	hp, err := sc.GetMasterAddrByName(context.Background(), SentinelMaster).Result()
	if err != nil || len(hp) != 2 {
		return ""
	}
	return net.JoinHostPort(hp[0], hp[1])
}

// Failover waits until the replica has all the master wrote, stops the master, and waits
// until the sentinel has made the replica the master.
func (s *Sentinel) Failover() {
	s.tb.Helper()
	m := nodeClient(s.master.addr)
	n, err := m.Wait(context.Background(), 1, 5*time.Second).Result()
	_ = m.Close()
	if err != nil || n != 1 {
		s.tb.Fatalf("the replica did not catch up with the master: %d, %v", n, err)
	}
	s.master.stop()
	s.waitFor("the sentinel to promote the replica", func() bool { return s.MasterAddr() == s.replica.addr })
}

func (s *Sentinel) waitFor(what string, cond func() bool) {
	s.tb.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			s.tb.Fatalf("timed out waiting for %s\nsentinel log:\n%s", what, s.sentinel.log())
		}
		time.Sleep(50 * time.Millisecond)
	}
}
