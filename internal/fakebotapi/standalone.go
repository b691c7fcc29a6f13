package fakebotapi

import (
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/go-telegram/bot/models"
)

// What New adds to Start: a server that outlives no test (for `qamqor bench`), and what a
// load needs — reply timings, bounded memory, a webhook connection pool.

// ReplyEvent is the bot's first reply to an update a person pushed with SendText or Press:
// the first sendMessage, editMessageText, sendPhoto or sendDocument to that chat after it.
type ReplyEvent struct {
	ChatID   int64
	UpdateID int64
	Pushed   time.Time // when the update became available to the bot
	Replied  time.Time // when the reply's request reached the server
	Method   string
	Code     int    // 200, or the error_code the call got
	Error    string // the error description, "" on success
}

// WithReplyHook calls f with every ReplyEvent, from the goroutine serving the reply's
// request, after the reply took effect (Last shows it). A chat's updates are matched to
// replies in order, as the bot answers a chat's updates in order; f must not block.
func WithReplyHook(f func(ReplyEvent)) Option { return func(s *Server) { s.replyHook = f } }

// WithoutRecording keeps memory bounded over a long run: calls are not kept (Calls and
// CallCount see none), a confirmed update's JSON is forgotten, and a chat keeps only its
// latest messages, at least keptMessages (older ones are gone, as if the person deleted them).
func WithoutRecording() Option { return func(s *Server) { s.unrecorded = true } }

// keptMessages is how many messages a chat keeps under WithoutRecording.
const keptMessages = 8

// WithWebhookConnections makes Deliver use at most n connections to the webhook at once and
// keep them open, as Telegram does with setWebhook's max_connections (40 by default).
func WithWebhookConnections(n int) Option {
	return func(s *Server) { s.webhookConns = n }
}

// WithListenAddr makes New listen on addr (host:port) instead of a free loopback port, so
// a bot in another process, or on another machine, can be pointed at it.
func WithListenAddr(addr string) Option { return func(s *Server) { s.listenAddr = addr } }

// New starts a fake Bot API server on loopback, for use outside tests; Close stops it.
func New(opts ...Option) (*Server, error) {
	s := &Server{
		Token:        DefaultToken,
		now:          time.Now,
		closed:       make(chan struct{}),
		changed:      make(chan struct{}),
		nextUpdateID: 1,
		updates:      map[int64][]byte{},
		chats:        map[int64]*chat{},
		callbacks:    map[string]bool{},
		files:        map[string]*storedFile{},
		paths:        map[string]*storedFile{},
		commands:     map[string][]models.BotCommand{},
		menuButtons:  map[int64]MenuButton{},
		nextFaults:   map[string][]*countedFault{},
		ratioFaults:  map[string]*ratioFault{},
		lateFaults:   map[string][]*lateFault{},
		chatFaults:   map[int64][]*countedFault{},
		webhookConns: 4,
	}
	for _, o := range opts {
		o(s)
	}
	s.transport = &http.Transport{Proxy: nil, MaxIdleConnsPerHost: s.webhookConns}
	if s.webhookConns > 4 {
		s.transport.MaxConnsPerHost = s.webhookConns
	}
	s.deliverer = &http.Client{Transport: s.transport}
	addr := "127.0.0.1:0"
	if s.listenAddr != "" {
		addr = s.listenAddr
	}
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("fakebotapi: %w", err)
	}
	s.http = &http.Server{Handler: http.HandlerFunc(s.handle)}
	go func() { _ = s.http.Serve(l) }()
	s.URL = "http://" + l.Addr().String()
	return s, nil
}

// Close stops the server, ending long polls. It may be called more than once.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		close(s.closed)
		s.http.Close()
		s.transport.CloseIdleConnections()
	})
}

// misuse reports a wrong use of the server: a test error under Start, a panic under New.
func (s *Server) misuse(format string, args ...any) {
	if s.tb != nil {
		s.tb.Errorf(format, args...)
		return
	}
	panic(fmt.Sprintf(format, args...))
}

type awaited struct {
	updateID int64
	pushed   time.Time
}

// awaitLocked notes that updateID in chat c waits for a reply, for the reply hook.
func (s *Server) awaitLocked(c *chat, updateID int64) {
	if s.replyHook != nil {
		c.awaiting = append(c.awaiting, awaited{updateID, s.now()})
	}
}

// isReply tells the methods whose call answers a person.
func isReply(method string) bool {
	switch method {
	case "sendMessage", "editMessageText", "sendPhoto", "sendDocument":
		return true
	}
	return false
}

// replied calls the reply hook when call answers the oldest update waiting in its chat.
func (s *Server) replied(call Call, p params) {
	if s.replyHook == nil || !isReply(call.Method) {
		return
	}
	chatID, bad := p.chatID()
	if bad != nil {
		return
	}
	s.mu.Lock()
	c := s.chats[chatID]
	if c == nil || len(c.awaiting) == 0 {
		s.mu.Unlock()
		return
	}
	a := c.awaiting[0]
	c.awaiting = c.awaiting[1:]
	s.mu.Unlock()
	s.replyHook(ReplyEvent{
		ChatID: chatID, UpdateID: a.updateID, Pushed: a.pushed, Replied: call.Time,
		Method: call.Method, Code: call.Code, Error: call.Error,
	})
}

// addMessageLocked adds m to chat c, dropping the oldest beyond keptMessages under
// WithoutRecording.
func (s *Server) addMessageLocked(c *chat, m *storedMessage) {
	c.messages = append(c.messages, m)
	if s.unrecorded && len(c.messages) > 2*keptMessages {
		c.messages = append(c.messages[:0:0], c.messages[len(c.messages)-keptMessages:]...)
	}
}
