package bot

import (
	"context"
	"fmt"
	"log/slog"
	"runtime/debug"
	"strings"
	"sync/atomic"

	"github.com/qamqor/qamqor/content"
)

// Service runs the engine over stored sessions: what every adapter calls for each update.
type Service struct {
	current atomic.Pointer[Engine] // swapped when new content is published
	store   SessionStore
	log     *slog.Logger
	refs    *ReferralOptions // nil: referral features off

	// ruleFailed is told of every rule that fails to run (OnRuleFailure); nil: only logged.
	ruleFailed func(content.RuleFailure)

	// adminStore keeps roles and the audit log; admins are ADMIN_IDS, admins always.
	adminStore   AdminStore
	admins       map[int64]bool
	contentStore ContentStore    // nil: /content and /rollback off
	handoff      *HandoffOptions // nil: no "Ask a specialist"
	stats        *StatsOptions   // nil: nothing counted
	news         *NewsOptions    // nil: no subscriptions or broadcasts
	limits       *limits         // per-chat budgets of searches, checklists, questions
}

// NewService returns a service that keeps sessions in store.
func NewService(e *Engine, store SessionStore, log *slog.Logger) *Service {
	s := &Service{store: store, log: log, limits: newLimits()}
	s.current.Store(e)
	return s
}

// Handle answers one input from a chat. It returns something to show for every new input:
// when the session store is unreachable, a polite "try again in a minute"; when something
// panics, an apology; neither changes the stored session. An input whose UpdateID the chat
// has handled already gets no replies at all, so a redelivered update is not answered twice.
func (s *Service) Handle(ctx context.Context, chatID int64, in Input) (replies []Reply) {
	lang := in.LangHint
	defer func() { s.reportRuleFailures(chatID, replies) }() // last: after a panic's apology too
	defer func() {
		if p := recover(); p != nil {
			s.log.Error("panic while handling an update", "chat", chatID, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			replies = []Reply{{Text: s.say(lang, msgInternalError)}}
		}
	}()
	if out, ok := s.special(ctx, chatID, in); ok {
		return out
	}
	engine := s.engine() // one content version for the whole update
	var out []Reply
	var before, after Session
	pendingNote, showIntro := false, false
	var broadcastText content.Lang // a broadcast's text in this language was typed
	err := s.store.Update(ctx, chatID, func(sess Session) (Session, error) {
		pendingNote, showIntro, broadcastText = false, false, ""
		if sess.Lang != "" {
			lang = sess.Lang
		}
		if in.UpdateID != 0 && sess.seen(in.UpdateID) {
			out = nil
			return sess, nil
		}
		if sess.Flow == flowAsk && s.handoff != nil {
			if _, _, isCmd := parseCommand(clean(in.Text)); in.Kind == InputText && !isCmd && clean(in.Text) != "" {
				next, r := s.draftQuestion(sess, clean(in.Text))
				if in.UpdateID != 0 {
					next = next.markSeen(in.UpdateID)
				}
				before, after, out = sess, next, r
				return next, nil
			}
			sess.Flow, sess.Draft = "", "" // they went elsewhere: the question is dropped
		}
		if strings.HasPrefix(sess.Flow, flowNote) {
			if _, _, isCmd := parseCommand(clean(in.Text)); in.Kind == InputText && !isCmd && s.refs != nil {
				pendingNote = true // the partner's note: handled with the store, below
				out = nil
				if in.UpdateID != 0 {
					sess = sess.markSeen(in.UpdateID)
				}
				return sess, nil
			}
			sess.Flow = "" // they went elsewhere: the referral being made is dropped
		}
		if sess.Flow == flowBroadcastKK || sess.Flow == flowBroadcastRU {
			if _, _, isCmd := parseCommand(clean(in.Text)); in.Kind == InputText && !isCmd && s.news != nil && clean(in.Text) != "" {
				next, textLang, r := s.broadcastText(sess, clean(in.Text))
				if in.UpdateID != 0 {
					next = next.markSeen(in.UpdateID)
				}
				broadcastText, out = textLang, r
				return next, nil
			}
			sess.Flow = "" // they went elsewhere: the broadcast being written waits as a draft
		}
		next, r := engine.Step(sess, in)
		if sess.Flow == flowIntro && next.Lang != "" && next.Ref != "" && s.refs != nil {
			next.Flow, showIntro = "", true
		}
		if in.UpdateID != 0 {
			next = next.markSeen(in.UpdateID)
		}
		before, after, out = sess, next, r
		return next, nil
	})
	if err != nil {
		s.log.Warn("session store unavailable", "chat", chatID, "err", err)
		return []Reply{{Text: s.say(lang, msgUnavailable)}}
	}
	switch {
	case broadcastText != "":
		return s.keepBroadcastText(ctx, chatID, in, lang, broadcastText)
	case pendingNote:
		if r, ok := s.handleNote(ctx, chatID, in); ok {
			return r
		}
	case showIntro:
		if r, found, err := s.refs.Store.UpdateReferral(ctx, after.Ref, func(*Referral) {}); err == nil && found && r.Client == chatID {
			return []Reply{s.intro(r, after.Lang)}
		}
	}
	if limited, ok := s.limitReplies(chatID, after, out); ok {
		return limited // a search or checklist over budget: nothing else to do or count
	}
	s.count(chatID, in, before, after, out)
	s.syncNewsLang(ctx, chatID, before, after)
	return append(out, s.afterStep(ctx, chatID, before, after)...)
}

// OnRuleFailure has f called for every screener rule that fails to run on someone's
// answers, after it is logged: serve counts them in its metrics. Set it before handling.
func (s *Service) OnRuleFailure(f func(content.RuleFailure)) { s.ruleFailed = f }

// reportRuleFailures logs and counts the rules that failed while answering: each is a
// defect in published content that its checks and tests did not catch, and the person was
// told that what it decides could not be checked.
func (s *Service) reportRuleFailures(chatID int64, replies []Reply) {
	var seen map[string]bool // made only when a rule failed: ordinary updates pay nothing
	for _, r := range replies {
		for _, f := range r.RuleFailures {
			if seen[f.Rule()] {
				continue
			}
			if seen == nil {
				seen = map[string]bool{}
			}
			seen[f.Rule()] = true
			s.log.Error("a content rule failed to run on a person's answers", "chat", chatID,
				"screener", f.Screener, "rule", f.Rule(), "at", fmt.Sprintf("%s:%d", f.File, f.Line), "err", f.Reason())
			if s.ruleFailed != nil {
				s.ruleFailed(f)
			}
		}
	}
}

// engine is the engine of the content in use.
func (s *Service) engine() *Engine { return s.current.Load() }

// SetEngine switches to an engine over new content, for the updates that follow; updates
// in hand finish with the engine they started with.
func (s *Service) SetEngine(e *Engine) { s.current.Store(e) }

// say renders a message in lang, or in both languages when lang is unknown.
func (s *Service) say(lang content.Lang, id string) string {
	if lang == "" {
		return s.engine().tr.both(id)
	}
	return s.engine().tr.T(lang, id, nil)
}
