package bot

import (
	"context"
	"fmt"
	"log/slog"
	"runtime/debug"

	"github.com/qamqor/qamqor/content"
)

// Service runs the engine over stored sessions: what every adapter calls for each update.
type Service struct {
	engine *Engine
	store  SessionStore
	log    *slog.Logger
}

// NewService returns a service that keeps sessions in store.
func NewService(e *Engine, store SessionStore, log *slog.Logger) *Service {
	return &Service{engine: e, store: store, log: log}
}

// Handle answers one input from a chat. It returns something to show for every new input:
// when the session store is unreachable, a polite "try again in a minute"; when something
// panics, an apology; neither changes the stored session. An input whose UpdateID the chat
// has handled already gets no replies at all, so a redelivered update is not answered twice.
func (s *Service) Handle(ctx context.Context, chatID int64, in Input) (replies []Reply) {
	lang := in.LangHint
	defer func() {
		if p := recover(); p != nil {
			s.log.Error("panic while handling an update", "chat", chatID, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			replies = []Reply{{Text: s.say(lang, msgInternalError)}}
		}
	}()
	var out []Reply
	err := s.store.Update(ctx, chatID, func(sess Session) (Session, error) {
		if sess.Lang != "" {
			lang = sess.Lang
		}
		if in.UpdateID != 0 && sess.seen(in.UpdateID) {
			out = nil
			return sess, nil
		}
		next, r := s.engine.Step(sess, in)
		if in.UpdateID != 0 {
			next = next.markSeen(in.UpdateID)
		}
		out = r
		return next, nil
	})
	if err != nil {
		s.log.Warn("session store unavailable", "chat", chatID, "err", err)
		return []Reply{{Text: s.say(lang, msgUnavailable)}}
	}
	return out
}

// say renders a message in lang, or in both languages when lang is unknown.
func (s *Service) say(lang content.Lang, id string) string {
	if lang == "" {
		return s.engine.tr.both(id)
	}
	return s.engine.tr.T(lang, id, nil)
}
