package bot

import (
	"context"
	"errors"
	"slices"
	"strings"

	"github.com/qamqor/qamqor/content"
)

// Button data of /forget.
const (
	dataForgetYes = "F:y" // confirms /forget
	dataForgetNo  = "F:n"
)

// special handles what needs the referral store or deletes data: deep links with codes,
// partner and admin commands and their buttons, /forget and /mydata. ok is false for
// everything else, which goes to the engine as usual. Deciding needs no I/O for other
// inputs, so ordinary updates keep to one round trip.
//
// A redelivered update is handled once: the update is marked handled only after the
// action's effects, so a crash between the two runs the action again rather than losing
// it, and each action is idempotent on such a second run (forgetting again deletes
// nothing; a claimed link is claimed again by the same person; a queued broadcast or a
// published version is found, not made twice).
func (s *Service) special(ctx context.Context, chat int64, in Input) ([]Reply, bool) {
	handle, ok := s.route(ctx, chat, in)
	if !ok {
		return nil, false
	}
	if s.handledBefore(ctx, chat, in) {
		return nil, true
	}
	out := handle()
	if !(in.Kind == InputButton && in.Data == dataForgetYes) {
		// /forget leaves no session, and none is made again only to hold the mark: a
		// second run of it deletes nothing and says so again.
		s.markHandled(ctx, chat, in)
	}
	return out, true
}

// handledBefore reports whether the chat's session has seen the update. With the store
// away it reports false, and the action answers "unavailable".
func (s *Service) handledBefore(ctx context.Context, chat int64, in Input) bool {
	if in.UpdateID == 0 {
		return false
	}
	seen := false
	_ = s.store.Update(ctx, chat, func(sess Session) (Session, error) {
		seen = sess.seen(in.UpdateID)
		return sess, nil // unchanged: nothing is written
	})
	return seen
}

// markHandled records in the session that the update was handled.
func (s *Service) markHandled(ctx context.Context, chat int64, in Input) {
	if in.UpdateID == 0 {
		return
	}
	err := s.store.Update(ctx, chat, func(sess Session) (Session, error) {
		if sess.seen(in.UpdateID) {
			return sess, nil
		}
		return sess.markSeen(in.UpdateID), nil
	})
	if err != nil {
		s.log.Warn("could not mark an update handled; a redelivery will run it again", "chat", chat, "err", err)
	}
}

// route picks the handler of a special input, without I/O except for partner-only ones,
// which must check that the sender is a partner.
func (s *Service) route(ctx context.Context, chat int64, in Input) (handle func() []Reply, ok bool) {
	cmd, arg, isCmd := "", "", false
	if in.Kind == InputText {
		cmd, arg, isCmd = parseCommand(clean(in.Text))
	}
	data := ""
	if in.Kind == InputButton {
		data = in.Data
	}
	if handle, ok := s.routeNews(ctx, chat, in, cmd, data); ok {
		return handle, true
	}
	if in.Group {
		return func() []Reply { return nil }, true // the bot talks with people in private chats only
	}
	switch {
	case cmd == "forget":
		return func() []Reply { return s.askForget(ctx, chat, in) }, true
	case data == dataForgetYes || data == dataForgetNo:
		return func() []Reply { return s.forget(ctx, chat, in, data == dataForgetYes) }, true
	case cmd == "mydata":
		return func() []Reply { return s.myData(ctx, chat, in) }, true
	}
	_, _ = arg, isCmd
	return nil, false
}

// t renders an interface string.
func (s *Service) t(lang content.Lang, id MessageID, data map[string]any) string {
	return s.engine().tr.T(lang, id, data)
}

// withSession runs fn, which must be pure, on the chat's session as one update and
// returns its replies.
func (s *Service) withSession(ctx context.Context, chat int64, in Input, fn func(Session, content.Lang) (Session, []Reply)) []Reply {
	var out []Reply
	err := s.store.Update(ctx, chat, func(sess Session) (Session, error) {
		next, r := fn(sess, langOf(sess, in))
		out = r
		return next, nil
	})
	if err != nil {
		return s.unavailable(chat, in, err)
	}
	return out
}

// lang reads the chat's language (one round trip), for replies that do not change the
// session.
func (s *Service) lang(ctx context.Context, chat int64, in Input) content.Lang {
	lang := langOf(Session{}, in)
	_ = s.store.Update(ctx, chat, func(sess Session) (Session, error) {
		lang = langOf(sess, in)
		return sess, nil
	})
	return lang
}

func langOf(sess Session, in Input) content.Lang {
	switch {
	case sess.Lang != "":
		return sess.Lang
	case in.LangHint != "":
		return in.LangHint
	}
	return content.RU
}

func (s *Service) unavailable(chat int64, in Input, err error) []Reply {
	s.log.Warn("store unavailable", "chat", chat, "err", err)
	return []Reply{{Text: s.say(in.LangHint, msgUnavailable)}}
}

// ── Anyone: what is kept, and forgetting it ─────────────────────────────────────────

func (s *Service) askForget(ctx context.Context, chat int64, in Input) []Reply {
	lang := s.lang(ctx, chat, in)
	return []Reply{{Text: s.t(lang, msgForgetConfirm, nil), Buttons: [][]Button{
		{{Label: s.t(lang, msgForgetYes, nil), Data: dataForgetYes}},
		{{Label: s.t(lang, msgForgetNo, nil), Data: dataForgetNo}},
	}}}
}

// SessionForgetter deletes a chat's session; store.Sessions is one.
type SessionForgetter interface {
	Forget(ctx context.Context, chatID int64) error
}

func (s *Service) forget(ctx context.Context, chat int64, in Input, confirmed bool) []Reply {
	lang := s.lang(ctx, chat, in)
	if !confirmed {
		return s.withSession(ctx, chat, in, func(sess Session, lang content.Lang) (Session, []Reply) {
			return sess, []Reply{s.engine().here(sess, s.t(lang, msgForgetCancelled, nil))}
		})
	}
	// Each step below is safe to run again: a crash halfway through, then the update's
	// redelivery, finishes the job (the update is not marked handled before it is done).
	var out []Reply
	tell, err := s.farewells(ctx, chat)
	if err != nil {
		return s.unavailable(chat, in, err)
	}
	for _, n := range tell {
		out = append(out, Reply{To: n.To, Text: n.Text})
	}
	for _, k := range s.router.keepers {
		if err := k.Forget(ctx, chat); err != nil {
			return s.unavailable(chat, in, err)
		}
	}
	if s.news != nil {
		_, subscribed, err := s.news.Subscriptions.Subscription(ctx, chat)
		if err != nil {
			return s.unavailable(chat, in, err)
		}
		if err := s.news.Subscriptions.Unsubscribe(ctx, chat, ""); err != nil {
			return s.unavailable(chat, in, err)
		}
		// After unsubscribing, so a broadcast queued meanwhile leaves them out too (the
		// broadcaster skips whoever is no longer subscribed). Only for a subscriber, as
		// only subscribers are queued: a repeated /forget costs the queues nothing.
		if subscribed {
			if err := s.news.Broadcasts.Withdraw(ctx, chat); err != nil {
				return s.unavailable(chat, in, err)
			}
		}
		if err := s.news.Broadcasts.DropDraft(ctx, chat); err != nil {
			return s.unavailable(chat, in, err)
		}
	}
	f, ok := s.store.(SessionForgetter)
	if !ok {
		return s.unavailable(chat, in, errors.New("the session store cannot forget"))
	}
	if err := f.Forget(ctx, chat); err != nil {
		return s.unavailable(chat, in, err)
	}
	s.log.Info("a user asked to be forgotten; done")
	return append([]Reply{{Text: s.t(lang, msgForgotten, nil)}}, out...)
}

// farewells gathers what the keepers must tell others — and what a crashed run of /forget
// left in the session — and keeps it in the session until the session is deleted.
func (s *Service) farewells(ctx context.Context, chat int64) ([]Notice, error) {
	var fresh []Notice
	for _, k := range s.router.keepers {
		if f, ok := k.(Farewell); ok {
			ns, err := f.Farewells(ctx, chat, s.engine())
			if err != nil {
				return nil, err
			}
			fresh = append(fresh, ns...)
		}
	}
	var tell []Notice
	err := s.store.Update(ctx, chat, func(sess Session) (Session, error) {
		tell = slices.Clone(sess.Farewells)
		for _, n := range fresh {
			if !slices.Contains(tell, n) {
				tell = append(tell, n)
			}
		}
		sess.Farewells = tell
		return sess, nil
	})
	return tell, err
}

func (s *Service) myData(ctx context.Context, chat int64, in Input) []Reply {
	var sess Session
	if err := s.store.Update(ctx, chat, func(cur Session) (Session, error) { sess = cur; return cur, nil }); err != nil {
		return s.unavailable(chat, in, err)
	}
	lang := langOf(sess, in)
	lines := []string{s.t(lang, msgMyDataTitle, nil)}
	if sess.Lang != "" {
		lines = append(lines, s.t(lang, msgMyDataLang, map[string]any{"Lang": langLabels[sess.Lang]}))
	}
	if n, ok := s.engine().content.Node(sess.node()); ok && sess.Lang != "" {
		lines = append(lines, s.t(lang, msgMyDataPlace, map[string]any{"Screen": n.Title.In(lang), "Back": len(sess.History)}))
	}
	if len(sess.Answers) > 0 {
		lines = append(lines, s.t(lang, msgMyDataAnswers, map[string]any{"Count": len(sess.Answers)}))
	}
	for _, k := range s.router.keepers {
		if kept, err := k.Kept(ctx, chat, lang, s.engine()); err == nil {
			lines = append(lines, kept...)
		}
	}
	if s.news != nil {
		if sub, ok, err := s.news.Subscriptions.Subscription(ctx, chat); err == nil && ok {
			lines = append(lines, s.t(lang, msgMyDataNews, map[string]any{"Topics": s.topicNames(sub.Topics, lang), "Region": s.regionName(sub.Region, lang)}))
		}
	}
	if len(lines) == 1 {
		lines = append(lines, s.t(lang, msgMyDataNothing, nil))
	}
	lines = append(lines, s.t(lang, msgMyDataForget, map[string]any{"Kept": s.t(lang, msgKeptDays, map[string]any{"Days": s.engine().keptDays})}))
	return []Reply{{Text: strings.Join(lines, "\n")}}
}
