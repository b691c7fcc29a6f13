package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"slices"
	"sync/atomic"
	"time"

	"github.com/qamqor/qamqor/content"
)

// Service runs one turn per update: it reads the chat's session once, routes the input to
// the feature that registered for it or to the engine, and commits the session once,
// together with the mark that the update was handled. It is what every adapter calls.
type Service struct {
	current atomic.Pointer[Engine] // swapped when new content is published
	store   SessionStore
	log     *slog.Logger
	now     func() time.Time
	router  *Router

	// ruleFailed is told of every rule that fails to run (OnRuleFailure); nil: only logged.
	ruleFailed func(content.RuleFailure)

	limits *limits // per-chat budgets of searches, checklists, questions
}

// ServiceOption configures a Service.
type ServiceOption func(*Service)

// WithServiceClock sets what the service takes as the current time (the engine has its
// own, WithClock: tests set both from one).
func WithServiceClock(now func() time.Time) ServiceOption { return func(s *Service) { s.now = now } }

// NewService returns a service that keeps sessions in store.
func NewService(e *Engine, store SessionStore, log *slog.Logger, opts ...ServiceOption) *Service {
	s := &Service{store: store, log: log, limits: newLimits(), now: time.Now, router: newRouter()}
	for _, o := range opts {
		o(s)
	}
	s.SetEngine(e)
	return s
}

// Register adds features. It fails, and registers none of a feature's routes, when one
// claims what another has: start-up should stop there.
func (s *Service) Register(fs ...Feature) error {
	for _, f := range fs {
		if err := s.router.register(f); err != nil {
			return err
		}
	}
	s.SetEngine(s.engine()) // with the new features' buttons on its screens
	return nil
}

// Outcome says what became of an update.
type Outcome int

const (
	// Answered: Replies say what to show (possibly nothing, for a group message).
	Answered Outcome = iota
	// Duplicate: the chat has had this update handled already; nothing is shown.
	Duplicate
	// NotForUs: a message the bot does not answer (a group it does not serve).
	NotForUs
)

func (o Outcome) String() string { return [...]string{"answered", "duplicate", "not_for_us"}[o] }

// Result is what Handle made of an update.
type Result struct {
	Replies []Reply
	Outcome Outcome
	// Menus are the chats whose command menu is to be set again (ChatMenu), as their
	// roles changed.
	Menus []int64
}

// Handle answers one input from a chat. Every new input gets something to show: when the
// session store is unreachable, a polite "try again in a minute"; when something panics,
// an apology; neither changes the stored session. An input whose UpdateID the chat has
// handled already is a Duplicate, so a redelivered update is not answered twice.
func (s *Service) Handle(ctx context.Context, chatID int64, in Input) (res Result) {
	defer func() { s.reportRuleFailures(chatID, res.Replies) }() // last: after a panic's apology too
	defer func() {
		if p := recover(); p != nil {
			s.log.Error("panic while handling an update", "chat", chatID, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			res = Result{Replies: []Reply{{Text: s.say(in.LangHint, msgInternalError)}}}
		}
	}()
	t, err := s.begin(ctx, chatID, in)
	if err != nil {
		s.log.Warn("session store unavailable", "chat", chatID, "err", err)
		return Result{Replies: []Reply{{Text: s.say(in.LangHint, msgUnavailable)}}}
	}
	if in.UpdateID != 0 && t.Session.seen(in.UpdateID) {
		return Result{Outcome: Duplicate}
	}
	if in.Group {
		for _, h := range s.router.group {
			if h(t) {
				return s.commit(t)
			}
		}
		return Result{Outcome: NotForUs}
	}
	for _, o := range s.router.observers {
		o(t)
	}
	if s.preempt(t) || s.routeFeature(t) {
		return s.commit(t)
	}
	return s.step(t)
}

// preempt offers typed text that is not a command to the handlers that look at it before
// anything else (Router.Preempt).
func (s *Service) preempt(t *Turn) bool {
	if t.In.Kind != InputText || t.Cmd != "" || t.Text == "" || s.router.isAuthored(t.Session.Flow) {
		return false
	}
	for _, h := range s.router.preempt {
		if h(t) {
			return true
		}
	}
	return false
}

// begin reads the chat's session (from the store's cache, as a rule) and makes its turn.
func (s *Service) begin(ctx context.Context, chat int64, in Input) (*Turn, error) {
	var sess Session
	if v, ok := s.store.(SessionViewer); ok {
		var err error
		if sess, err = v.View(ctx, chat); err != nil {
			return nil, err
		}
	} else if err := s.store.Update(ctx, chat, func(cur Session) (Session, error) { sess = cur; return cur, nil }); err != nil {
		return nil, err
	}
	t := &Turn{Ctx: ctx, Chat: chat, In: in, Session: sess, Engine: s.engine(), Now: s.now(), svc: s}
	switch in.Kind {
	case InputText:
		t.Text = clean(in.Text)
		if in.Forwarded == nil { // someone else's words, passed on: not a command of the sender
			t.Cmd, t.Arg, _ = parseCommand(t.Text)
		}
	case InputButton:
		t.Data = in.Data
	}
	return t, nil
}

// routeFeature hands the turn to the feature that claimed its input, if one did and takes
// it. A chat waiting in a feature's flow that does something else leaves the flow.
func (s *Service) routeFeature(t *Turn) bool {
	r := s.router
	try := func(rt route, ok bool) bool {
		return ok && rt.handle != nil && (rt.role == "" || s.hasRole(t.Ctx, t.Chat, rt.role)) && rt.handle(t)
	}
	if rt, ok := r.flow(t.Session.Flow); ok {
		if t.In.Kind == InputText && t.Cmd == "" && t.Text != "" && try(rt, true) {
			return true
		}
		if t.In.Kind != InputUnsupported { // a sticker or a voice note is not going elsewhere
			t.Change(func(s Session) Session { s.Flow, s.Draft = "", ""; return s }) // they went elsewhere
		}
	}
	switch {
	case t.Cmd == "start" && t.Arg != "":
		if try(r.deepLink(t.Arg)) {
			return true
		}
	case t.Cmd != "":
		rt, ok := r.commands[t.Cmd]
		if try(rt, ok) {
			return true
		}
	case t.Data != "":
		if try(r.button(t.Data)) {
			return true
		}
	case t.In.Kind == InputFile && r.files != nil:
		if try(*r.files, true) {
			return true
		}
	}
	return false
}

// commit writes the turn's changes to the session, with the mark that the update was
// handled, in one compare-and-set; a turn that changes nothing writes nothing.
func (s *Service) commit(t *Turn) Result {
	if t.unmarked || (len(t.changes) == 0 && t.In.UpdateID == 0) {
		return Result{Replies: t.replies, Menus: t.menus}
	}
	err := s.store.Update(t.Ctx, t.Chat, func(cur Session) (Session, error) {
		for _, f := range t.changes {
			cur = f(cur)
		}
		if t.In.UpdateID != 0 && !cur.seen(t.In.UpdateID) {
			cur = cur.markSeen(t.In.UpdateID)
		}
		return cur, nil
	})
	if err != nil {
		// Its effects are done; a redelivery runs it again, and every action is safe to.
		s.log.Warn("could not commit a turn; a redelivery will run it again", "chat", t.Chat, "err", err)
	}
	return Result{Replies: t.replies, Menus: t.menus}
}

// step runs the engine on the turn's input, inside the session's compare-and-set (a
// concurrent write runs it again, on the newer session: the engine is pure), then applies
// the per-chat budgets and runs the features' hooks.
func (s *Service) step(t *Turn) Result {
	e := t.Engine
	var before, after Session
	var out []Reply
	duplicate := false
	err := s.store.Update(t.Ctx, t.Chat, func(cur Session) (Session, error) {
		if t.In.UpdateID != 0 && cur.seen(t.In.UpdateID) {
			duplicate = true // a concurrent delivery of the same update won
			return cur, nil
		}
		duplicate = false
		for _, f := range t.changes {
			cur = f(cur)
		}
		next, replies := e.Step(cur, t.In)
		for _, adjust := range s.router.adjust {
			next = adjust(cur, next)
		}
		for _, adjust := range s.router.adjustAt {
			next = adjust(t.Now, cur, next)
		}
		if t.In.UpdateID != 0 {
			next = next.markSeen(t.In.UpdateID)
		}
		before, after, out = cur, next, replies
		return next, nil
	})
	if err != nil {
		s.log.Warn("session store unavailable", "chat", t.Chat, "err", err)
		return Result{Replies: []Reply{{Text: s.say(langOf(t.Session, Input{LangHint: t.In.LangHint}), msgUnavailable)}}}
	}
	if duplicate {
		return Result{Outcome: Duplicate}
	}
	if limited, ok := s.limitReplies(t.Chat, after, out); ok {
		return Result{Replies: limited} // a search or checklist over budget: nothing else to do or count
	}
	t.replies = append(t.replies, out...)
	t.Session = after
	t.changes = nil
	for _, h := range s.router.after {
		h(t, before, after, out)
	}
	if before.Lang != after.Lang && after.Lang != "" && s.holdsRole(t.Ctx, t.Chat) {
		t.MenuChanged(t.Chat) // its own menu follows the language it chose (ChatLang)
	}
	return Result{Replies: t.replies, Menus: t.menus}
}

// holdsRole reports whether chat holds any role, so has a command menu of its own; a
// store away counts as none (the menu is set again at the next start).
func (s *Service) holdsRole(ctx context.Context, chat int64) bool {
	roles, err := s.RolesOf(ctx, chat)
	return err == nil && len(roles) > 0
}

// hasRole reports whether chat holds role; an admin holds every role. Without a feature
// that judges roles, nobody holds one.
func (s *Service) hasRole(ctx context.Context, chat int64, roles ...Role) bool {
	if s.router.auth == nil {
		return false
	}
	want := append(slices.Clone(roles), RoleAdmin)
	return s.router.auth.Has(ctx, chat, want...)
}

// auditAction records an administrative action in the audit log and the process log;
// without a feature that keeps the audit log, in the process log only.
func (s *Service) auditAction(ctx context.Context, at time.Time, who int64, action, detail string) {
	if s.router.audit == nil {
		s.log.Info("audit", "who", who, "action", action)
		return
	}
	s.router.audit.Audit(ctx, at, who, action, detail)
}

// forgetSession deletes the chat's session.
func (s *Service) forgetSession(ctx context.Context, chat int64) error {
	f, ok := s.store.(SessionForgetter)
	if !ok {
		return errors.New("the session store cannot forget")
	}
	return f.Forget(ctx, chat)
}

// Commands lists the commands everyone may use, described in lang, for a messenger's menu.
func (s *Service) Commands(lang content.Lang) []Command {
	e := s.engine()
	cmds := e.Commands(lang)
	for _, m := range s.router.menuFor() {
		cmds = append(cmds, Command{Name: m.name, Description: e.T(lang, m.desc, nil)})
	}
	return cmds
}

// ChatMenu is the command menu of chat in lang when the chat holds a role (an admin, an
// editor, a partner): everyone's commands, then those of its roles; own is false for
// everyone else, whose menu is Commands. An admin holds every role but a partner's, which
// is a record of its own.
func (s *Service) ChatMenu(ctx context.Context, chat int64, lang content.Lang) (cmds []Command, own bool, err error) {
	roles, err := s.RolesOf(ctx, chat)
	if err != nil {
		return nil, false, err
	}
	if len(roles) == 0 {
		return nil, false, nil
	}
	e := s.engine()
	cmds = e.Commands(lang)
	for _, m := range s.router.menuFor(roles...) {
		cmds = append(cmds, Command{Name: m.name, Description: e.T(lang, m.desc, nil)})
	}
	return cmds, true, nil
}

// ChatLang is the language chat chose ("" when it has not), so that a chat's own command
// menu is in it whatever language its Telegram app is in.
func (s *Service) ChatLang(ctx context.Context, chat int64) (content.Lang, error) {
	var sess Session
	if v, ok := s.store.(SessionViewer); ok {
		var err error
		sess, err = v.View(ctx, chat)
		return sess.Lang, err
	}
	err := s.store.Update(ctx, chat, func(cur Session) (Session, error) { sess = cur; return cur, nil })
	return sess.Lang, err
}

// RolesOf are the roles chat holds from every source (the roles feature, the referrals'
// partners): an admin holds the editor's role too. The console lets people in by them.
func (s *Service) RolesOf(ctx context.Context, chat int64) ([]Role, error) {
	var roles []Role
	for _, src := range s.router.roleSources {
		got, err := src.RolesOf(ctx, chat)
		if err != nil {
			return nil, err
		}
		roles = append(roles, got...)
	}
	if slices.Contains(roles, RoleAdmin) && !slices.Contains(roles, RoleEditor) {
		roles = append(roles, RoleEditor)
	}
	return roles, nil
}

// MenuHolders are the chats that hold a role now, whose menus are set at start-up.
func (s *Service) MenuHolders(ctx context.Context) ([]int64, error) {
	var out []int64
	for _, src := range s.router.roleSources {
		ids, err := src.Holders(ctx)
		if err != nil {
			return nil, err
		}
		for _, id := range ids {
			if !slices.Contains(out, id) {
				out = append(out, id)
			}
		}
	}
	slices.Sort(out)
	return out, nil
}

// AcceptsFiles reports whether a document from chat is worth downloading: a feature takes
// documents, and the chat may send them.
func (s *Service) AcceptsFiles(ctx context.Context, chat int64) bool {
	f := s.router.files
	return f != nil && (f.role == "" || s.hasRole(ctx, chat, f.role))
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
// in hand finish with the engine they started with. The features' buttons go on its
// screens.
func (s *Service) SetEngine(e *Engine) { s.current.Store(e.withDecorators(s.router.decorate)) }

// Engine is the engine of the content in use.
func (s *Service) Engine() *Engine { return s.engine() }

// say renders a message in lang, or in both languages when lang is unknown.
func (s *Service) say(lang content.Lang, id MessageID) string {
	if lang == "" {
		return s.engine().tr.both(id)
	}
	return s.engine().tr.T(lang, id, nil)
}

// SessionForgetter deletes a chat's session; store.Sessions is one.
type SessionForgetter interface {
	Forget(ctx context.Context, chatID int64) error
}

// langOf is the language to answer in: the session's, else the messenger's hint, else
// Russian.
func langOf(sess Session, in Input) content.Lang {
	switch {
	case sess.Lang != "":
		return sess.Lang
	case in.LangHint != "":
		return in.LangHint
	}
	return content.RU
}
