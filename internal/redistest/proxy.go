package redistest

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// Proxy stands between a process and one Redis server on loopback, passing commands on until
// one matches what HoldAt was given: that command and everything after it are held, never
// reaching Redis, so a test can kill the process at that exact point of an action (after the
// commands before it took effect, before that one did).
type Proxy struct {
	tb       testing.TB
	listener net.Listener
	target   string

	mu    sync.Mutex
	match func(cmd []string) bool
	after bool          // hold the command after the one that matches, not that one
	held  chan []string // receives the command that was held
	conns []net.Conn
}

// NewProxy starts a proxy to the server at target ("host:port").
func NewProxy(tb testing.TB, target string) *Proxy {
	tb.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	p := &Proxy{tb: tb, listener: l, target: target, held: make(chan []string, 1)}
	go p.accept()
	tb.Cleanup(p.Close)
	return p
}

// Addr is where the proxy listens.
func (p *Proxy) Addr() string { return p.listener.Addr().String() }

// URL is a redis:// URL of the proxy.
func (p *Proxy) URL() string { return "redis://" + p.Addr() + "/0" }

// HoldAt makes the proxy hold the first command for which match is true, and every command
// after it on that connection; Held then receives it.
func (p *Proxy) HoldAt(match func(cmd []string) bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.match, p.after = match, false
}

// HoldAfter is HoldAt for the first command, on any connection, after the one for which
// match is true: that one takes effect, and nothing after it does.
func (p *Proxy) HoldAfter(match func(cmd []string) bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.match, p.after = match, true
}

// Held receives the command held (its name and arguments).
func (p *Proxy) Held() <-chan []string { return p.held }

// Close stops the proxy and drops every connection.
func (p *Proxy) Close() {
	_ = p.listener.Close()
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range p.conns {
		_ = c.Close()
	}
	p.conns = nil
}

func (p *Proxy) accept() {
	for {
		client, err := p.listener.Accept()
		if err != nil {
			return
		}
		server, err := net.Dial("tcp", p.target)
		if err != nil {
			_ = client.Close()
			continue
		}
		p.mu.Lock()
		p.conns = append(p.conns, client, server)
		p.mu.Unlock()
		go func() { _, _ = io.Copy(client, server); _ = client.Close() }()
		go p.forward(client, server)
	}
}

// forward copies commands from client to server one at a time, until one is to be held.
func (p *Proxy) forward(client, server net.Conn) {
	defer server.Close()
	r := bufio.NewReader(client)
	for {
		raw, cmd, err := readCommand(r)
		if err != nil {
			return
		}
		p.mu.Lock()
		hold := p.match != nil && p.match(cmd)
		if hold && p.after { // this one passes; the next is held
			p.match, p.after, hold = func([]string) bool { return true }, false, false
		} else if hold {
			p.match = nil
		}
		p.mu.Unlock()
		if hold {
			p.held <- cmd
			_, _ = io.Copy(io.Discard, r) // held: nothing more from this connection gets through
			return
		}
		if _, err := server.Write(raw); err != nil {
			return
		}
	}
}

// readCommand reads one RESP command (an array of bulk strings, as clients send them) and
// returns its bytes and its parts.
func readCommand(r *bufio.Reader) ([]byte, []string, error) {
	line, err := r.ReadString('\n')
	if err != nil {
		return nil, nil, err
	}
	raw := []byte(line)
	if !strings.HasPrefix(line, "*") {
		return raw, strings.Fields(line), nil // an inline command
	}
	n, err := strconv.Atoi(strings.TrimSpace(line[1:]))
	if err != nil {
		return nil, nil, fmt.Errorf("redistest proxy: bad array header %q", line)
	}
	parts := make([]string, 0, n)
	for range n {
		head, err := r.ReadString('\n')
		if err != nil {
			return nil, nil, err
		}
		if !strings.HasPrefix(head, "$") {
			return nil, nil, errors.New("redistest proxy: expected a bulk string")
		}
		size, err := strconv.Atoi(strings.TrimSpace(head[1:]))
		if err != nil {
			return nil, nil, err
		}
		body := make([]byte, size+2)
		if _, err := io.ReadFull(r, body); err != nil {
			return nil, nil, err
		}
		raw = append(append(raw, head...), body...)
		parts = append(parts, string(body[:size]))
	}
	return raw, parts, nil
}
