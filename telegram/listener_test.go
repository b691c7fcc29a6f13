package telegram

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// capped is a shedListener with room for max connections and a client that dials it.
type capped struct {
	t        *testing.T
	l        *shedListener
	accepted chan *shedConn
	shed     chan struct{}
}

func newCapped(t *testing.T, max int) *capped { return newCappedGrace(t, max, 0) }

func newCappedGrace(t *testing.T, max int, grace time.Duration) *capped {
	inner, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	c := &capped{t: t, accepted: make(chan *shedConn, 16), shed: make(chan struct{}, 16)}
	c.l = newShedListener(inner, max, grace, func() { c.shed <- struct{}{} })
	go func() {
		for {
			conn, err := c.l.Accept()
			if err != nil {
				return
			}
			go func() { _, _ = io.Copy(io.Discard, conn) }() // as net/http reads each connection
			c.accepted <- conn.(*shedConn)
		}
	}()
	t.Cleanup(func() { _ = c.l.Close() })
	return c
}

// dial opens a client connection and, when the listener takes it at once, returns the
// server's side too.
func (c *capped) dial() (client net.Conn, server *shedConn) {
	c.t.Helper()
	client, err := net.Dial("tcp", c.l.Addr().String())
	if err != nil {
		c.t.Fatal(err)
	}
	c.t.Cleanup(func() { client.Close() })
	select {
	case server = <-c.accepted:
	case <-time.After(200 * time.Millisecond): // waiting for room: no server side yet
	}
	return client, server
}

// closedByServer reports whether the server closed the client's connection.
func closedByServer(t *testing.T, client net.Conn) bool {
	t.Helper()
	_ = client.SetReadDeadline(time.Now().Add(500 * time.Millisecond))
	_, err := client.Read(make([]byte, 1))
	switch {
	case errors.Is(err, os.ErrDeadlineExceeded):
		return false
	case err == io.EOF, err != nil:
		return true
	}
	t.Fatal("the server wrote to an idle connection")
	return false
}

func TestAtTheCapTheConnectionThatWaitedLongestIsShed(t *testing.T) {
	c := newCapped(t, 2)
	first, _ := c.dial()
	second, _ := c.dial()
	third, s3 := c.dial()
	if s3 == nil {
		t.Fatal("a new connection waited while others only idled")
	}
	<-c.shed
	if !closedByServer(t, first) {
		t.Error("the oldest idle connection is still open")
	}
	if closedByServer(t, second) || closedByServer(t, third) {
		t.Error("a newer connection was closed")
	}
}

func TestAConnectionBeingServedIsNotShed(t *testing.T) {
	c := newCapped(t, 2)
	first, s1 := c.dial()
	second, _ := c.dial()
	done := s1.serving() // a handler is answering on the oldest connection
	third, s3 := c.dial()
	if s3 == nil {
		t.Fatal("no room was made")
	}
	if closedByServer(t, first) {
		t.Error("the connection being served was shed")
	}
	if !closedByServer(t, second) {
		t.Error("the idle connection was not shed in its place")
	}
	// Between requests, a kept-alive connection goes after those that never sent one.
	done()
	c.dial()
	if closedByServer(t, first) || !closedByServer(t, third) {
		t.Error("the kept-alive connection went before one that never sent a request")
	}
}

func TestWhenEveryConnectionIsServedANewOneWaits(t *testing.T) {
	c := newCapped(t, 1)
	_, s1 := c.dial()
	done := s1.serving()
	_, waiting := c.dial()
	if waiting != nil {
		t.Fatal("a connection over the cap was taken while every other one was being served")
	}
	done() // the request is answered: the kept-alive connection makes room
	select {
	case <-c.accepted:
	case <-time.After(5 * time.Second):
		t.Fatal("the waiting connection was not taken once there was room")
	}
}

func TestAConnectionIsNotShedBeforeItHadTimeToSendItsRequest(t *testing.T) {
	c := newCappedGrace(t, 2, time.Hour)
	first, s1 := c.dial()
	second, _ := c.dial()
	if _, s3 := c.dial(); s3 != nil {
		t.Fatal("a connection in its grace was shed for a new one")
	}
	if closedByServer(t, first) || closedByServer(t, second) {
		t.Fatal("a connection in its grace was closed")
	}
	_ = s1.Close() // the server is done with one: the waiting connection takes its place
	select {
	case <-c.accepted:
	case <-time.After(5 * time.Second):
		t.Fatal("the waiting connection was not taken once there was room")
	}
}

func TestAConnectionTheServerHasNotReadYetIsNotShed(t *testing.T) {
	inner, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	l := newShedListener(inner, 1, 0, nil)
	defer l.Close()
	accepted := make(chan net.Conn, 2)
	go func() {
		for {
			conn, err := l.Accept()
			if err != nil {
				return
			}
			accepted <- conn // and never read: the server has not got to it
		}
	}()
	first, err := net.Dial("tcp", l.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer first.Close()
	s1 := <-accepted
	second, err := net.Dial("tcp", l.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer second.Close()
	if closedByServer(t, first) {
		t.Fatal("a connection was shed before the server read it")
	}
	go func() { _, _ = s1.Read(make([]byte, 1)) }() // now the server looks, and finds nothing
	select {
	case <-accepted:
	case <-time.After(5 * time.Second):
		t.Fatal("no room was made once the server had read the idle connection")
	}
	if !closedByServer(t, first) {
		t.Error("the idle connection is still open")
	}
}

func TestConnectionCapFollowsTheFileLimit(t *testing.T) {
	for _, tc := range []struct {
		files uint64
		want  int
	}{{0, maxConnections}, {1 << 20, maxConnections}, {1024, 512}, {256, 128}, {10, 16}} {
		if got := connectionCap(tc.files); got != tc.want {
			t.Errorf("%d files: cap %d, want %d", tc.files, got, tc.want)
		}
	}
}

func TestTheHTTPServersOwnErrorsGoToTheLog(t *testing.T) {
	var logs bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&logs, nil))
	b, err := New(Config{Token: "1:x"}, nil, nil, nil, log, prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	srv := b.server(context.Background())
	srv.ErrorLog.Printf("http: Accept error: accept tcp: too many open files; retrying in 5ms")
	var entry struct{ Level, Msg, Component string }
	if err := json.Unmarshal(logs.Bytes(), &entry); err != nil {
		t.Fatalf("not the bot's structured log: %q (%v)", logs.String(), err)
	}
	if entry.Level != "WARN" || entry.Component != "http server" || !strings.Contains(entry.Msg, "too many open files") {
		t.Errorf("logged as %+v", entry)
	}
}
