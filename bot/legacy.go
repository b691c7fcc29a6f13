package bot

import (
	"context"

	"github.com/qamqor/qamqor/content"
)

// What the features not yet registered with the router still share.

// stale answers a button that no longer means anything, as the engine does.
func (s *Service) stale(ctx context.Context, chat int64, in Input) []Reply {
	return s.withSession(ctx, chat, in, func(sess Session, lang content.Lang) (Session, []Reply) {
		if lang == "" || sess.Lang == "" {
			return sess, []Reply{s.engine().greeting(msgChooseLanguageFirst)}
		}
		return sess, []Reply{s.engine().here(sess, s.t(lang, msgStaleButton, nil))}
	})
}

// legacyAfterHooks runs the features' after-step hooks on a step legacyHandle made, and
// returns what they say.
func (s *Service) legacyAfterHooks(ctx context.Context, chat int64, in Input, e *Engine, before, after Session, out []Reply) []Reply {
	t := &Turn{Ctx: ctx, Chat: chat, In: in, Session: after, Engine: e, Now: s.now(), svc: s}
	for _, h := range s.router.after {
		h(t, before, after, out)
	}
	return t.replies
}
