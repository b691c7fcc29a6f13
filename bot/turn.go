package bot

import (
	"context"
	"log/slog"
	"time"

	"github.com/qamqor/qamqor/content"
)

// Flow says what a chat's next typed text is for, while a feature waits for it: a
// partner's note, a question for the specialists, a broadcast's text. A flow is a name,
// or a name, ":" and what it is about ("note:disability").
type Flow string

// MessageID names an interface string in locales/active.*.toml.
type MessageID string

// Notice is a message for another chat than the one a turn is about.
type Notice struct {
	To   int64  `json:"to"`
	Text string `json:"t"`
}

// Turn is one update being handled: what came in, the chat's session as read (once) when
// it began, the content in use then (one version for the whole turn), and what the
// handler does about it — replies, and changes to the session, which the core commits
// once, together with the mark that the update was handled.
type Turn struct {
	Ctx  context.Context
	Chat int64
	In   Input
	// Cmd and Arg are a typed command's name (lower case, without the slash) and the rest
	// of its line; Data a pressed button's data; Text the typed text, cleaned.
	Cmd, Arg, Data, Text string
	// Session is the chat's session as it was read when the turn began.
	Session Session
	Engine  *Engine
	Now     time.Time

	svc      *Service
	changes  []func(Session) Session
	replies  []Reply
	unmarked bool // the update is not to be marked handled (the session is gone)
	menus    []int64
}

// MenuChanged says chat's roles changed (a role granted or taken away, a partner joined
// or was revoked), so the adapter sets the command menu of that chat again.
func (t *Turn) MenuChanged(chat int64) { t.menus = append(t.menus, chat) }

// Lang is the chat's language, or the app's, or Russian.
func (t *Turn) Lang() content.Lang { return langOf(t.Current(), t.In) }

// Current is the session with the turn's changes so far applied.
func (t *Turn) Current() Session {
	s := t.Session
	for _, f := range t.changes {
		s = f(s)
	}
	return s
}

// Change records a change to the session, committed with the turn. f must be pure: on a
// concurrent write it runs again, on the newer session.
func (t *Turn) Change(f func(Session) Session) { t.changes = append(t.changes, f) }

// Say adds replies.
func (t *Turn) Say(rs ...Reply) { t.replies = append(t.replies, rs...) }

// Replies are what the turn says so far.
func (t *Turn) Replies() []Reply { return t.replies }

// Instead replaces what the turn says so far: for a step hook that shows its own screen in
// place of the engine's (a referred client's introduction once they chose a language).
func (t *Turn) Instead(rs ...Reply) { t.replies = rs }

// T renders an interface string in the chat's language.
func (t *Turn) T(id MessageID, data map[string]any) string { return t.Engine.T(t.Lang(), id, data) }

// Both renders an interface string in Kazakh, then Russian: for a chat whose language the
// bot does not track (a partner's notices, the operators' group).
func (t *Turn) Both(id MessageID, data map[string]any) string { return t.Engine.Both(id, data) }

// Here is the chat's current screen with note above it.
func (t *Turn) Here(note string) Reply {
	s := t.Current()
	if s.Lang == "" {
		return t.Engine.Greeting("")
	}
	return t.Engine.Here(s, note)
}

// Stale says that a pressed button is out of date, with the current screen.
func (t *Turn) Stale() {
	if t.Current().Lang == "" {
		t.Say(t.Engine.Greeting(msgChooseLanguageFirst))
		return
	}
	t.Say(t.Here(t.T(msgStaleButton, nil)))
}

// Unavailable says, in the person's language, that the bot cannot do it just now (a store
// did not answer), and logs why.
func (t *Turn) Unavailable(err error) {
	t.svc.log.Warn("store unavailable", "chat", t.Chat, "err", err)
	lang := t.Session.Lang
	if lang == "" {
		lang = t.In.LangHint
	}
	t.Say(Reply{Text: t.svc.say(lang, msgUnavailable)})
}

// Save commits a change to the session now, before the turn's effects that follow it (what
// /forget must not lose if it is cut short); the turn's own commit still comes at the end.
func (t *Turn) Save(f func(Session) Session) error {
	err := t.svc.store.Update(t.Ctx, t.Chat, func(cur Session) (Session, error) { return f(cur), nil })
	if err == nil {
		t.Session = f(t.Session)
	}
	return err
}

// ResumeFlow leads a chat back into the flow it was in when the turn began (the core has
// cleared it, as for anything else the chat does): it puts the session's Flow and Draft
// back and has the flow's owner ask again (Resume), or, when the owner registered no way
// to, says that the person can go on typing. It reports false, and does nothing, when the
// chat was in no flow.
func (t *Turn) ResumeFlow() bool {
	flow, draft := t.Session.Flow, t.Session.Draft
	if flow == "" {
		return false
	}
	if _, ok := t.svc.router.flow(flow); !ok {
		return false // no feature owns it any longer
	}
	t.Change(func(s Session) Session { s.Flow, s.Draft = flow, draft; return s })
	if h, ok := t.svc.router.resumer(flow); ok && h(t) {
		return true
	}
	t.Say(Reply{Text: t.T(msgFlowGoOn, nil), Buttons: [][]Button{{{Label: t.T(msgButtonMainMenu, nil), Data: dataMainMenu}}}})
	return true
}

// Forgotten tells the core the session is gone (/forget): nothing is written for it, not
// even the mark that the update was handled.
func (t *Turn) Forgotten() { t.unmarked = true }

// HasRole reports whether the chat holds one of roles.
func (t *Turn) HasRole(roles ...Role) bool { return t.svc.hasRole(t.Ctx, t.Chat, roles...) }

// Audit records an administrative action.
func (t *Turn) Audit(action, detail string) { t.svc.auditAction(t.Ctx, t.Now, t.Chat, action, detail) }

// Count counts an event for the statistics.
func (t *Turn) Count(name string) {
	if c := t.svc.router.counter; c != nil {
		c.Count(t.Now, name)
	}
}

// Log is the service's log.
func (t *Turn) Log() *slog.Logger { return t.svc.log }

// Keepers are the registered features that keep something about people (for privacy).
func (t *Turn) Keepers() []Keeper { return t.svc.router.Keepers() }

// Forget deletes the chat's session (for privacy).
func (t *Turn) Forget() error { return t.svc.forgetSession(t.Ctx, t.Chat) }
