package bot

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/qamqor/qamqor/content"
)

// A Feature is a part of the bot beyond the engine — referrals, news, handoff, publishing,
// statistics, roles, privacy — that tells the core, once at start-up, what it answers: its
// commands (with the role each needs), button data, deep links, typed-text flows, the
// buttons it adds to the engine's screens, what it does after the engine stepped, and
// what it keeps about a person. The core knows none of them by name.
type Feature interface {
	// Name names the feature in errors and logs ("referrals").
	Name() string
	// Register tells the router what the feature answers.
	Register(r *Router)
}

// A Handler answers a turn routed to its feature. It returns false when the input is not
// the feature's after all (a partner's command from someone who is not a partner): the
// turn then goes on to the engine, and the handler must have done nothing.
type Handler func(t *Turn) bool

// Role is what an administrative command needs of its sender. The zero role is anyone.
type Role string

// Roles granted in chat (ADMIN_IDS are admins always).
const (
	RoleAdmin  Role = "admin"
	RoleEditor Role = "editor" // content only
	// RolePartner is a partner of the referrals: a record of theirs, not a role granted,
	// used for the command menu of partners' chats.
	RolePartner Role = "partner"
)

// A RoleSource says who holds its roles, for their chats' own command menus (the roles
// feature: admins and editors; the referrals: partners).
type RoleSource interface {
	// RolesOf are the roles chat holds from this source (none: nil).
	RolesOf(ctx context.Context, chat int64) ([]Role, error)
	// Holders are the chats holding any of them now.
	Holders(ctx context.Context) ([]int64, error)
}

// Authorizer says whether a person holds a role (the roles feature).
type Authorizer interface {
	Has(ctx context.Context, chat int64, roles ...Role) bool
}

// Auditor keeps the audit log of administrative actions (the roles feature); at is the
// turn's time, from the service's clock.
type Auditor interface {
	Audit(ctx context.Context, at time.Time, who int64, action, detail string)
}

// Counter counts events by day without anyone's id in them (the statistics feature); at
// is the turn's time, from the service's clock, which says the day.
type Counter interface {
	Count(at time.Time, name string)
}

// A Keeper is a feature that keeps something about a person, for /mydata and /forget.
type Keeper interface {
	// Kept says, one line each in lang, what it keeps about chat; nothing: none.
	Kept(ctx context.Context, chat int64, lang content.Lang, e *Engine) ([]string, error)
	// Forget deletes what it keeps about chat. It must be safe to run twice: a crash halfway
	// through /forget runs it again.
	Forget(ctx context.Context, chat int64) error
}

// A Farewell is a keeper that tells others when a person is forgotten (the partners of a
// client's referrals): what it returns is kept in the session while /forget runs, so a
// second run still sends it when the first deleted what it was made from.
type Farewell interface {
	// Farewells are the notices to send, rendered by e (one content version for the turn).
	Farewells(ctx context.Context, chat int64, e *Engine) ([]Notice, error)
}

// Screen is what the engine is about to show, for the features that add buttons to it.
type Screen struct {
	Engine *Engine // the engine showing it: its content and strings
	Lang   content.Lang
	// Node is the node shown: a topic (a section of the main menu), an answer (a node
	// without buttons of its own) or any other; nil when a question found nothing.
	Node         *content.Node
	Topic        bool
	NothingFound bool
	// Search is set on the answer to a typed question, found or not, and Query is that
	// question as typed (cleaned): what a feature may offer to carry on (to a specialist).
	Search bool
	Query  string
	// Unsupported is set on the answer to a message the bot cannot read (a voice note, a
	// photo, a sticker): what a feature offers instead.
	Unsupported bool
}

// A Decorator returns rows of buttons to add to a screen, above Back and Main menu. It
// must be pure: the engine calls it.
type Decorator func(Screen) [][]Button

// An Adjuster changes what the engine made of a session (before → after), inside the
// session's compare-and-set, so it must be pure: it may run again on a newer session.
type Adjuster func(before, after Session) Session

// A TimedAdjuster is an Adjuster that also sees the turn's time (the service's clock),
// for what a session records about when (the statistics' time of a screener's last turn).
type TimedAdjuster func(now time.Time, before, after Session) Session

// A StepHook runs after the engine's step was committed: it may do I/O and say more.
type StepHook func(t *Turn, before, after Session, replies []Reply)

// route is what a command, a button prefix or a deep-link prefix leads to.
type route struct {
	feature string
	role    Role
	handle  Handler
}

// Router collects what features answer. Two features claiming the same command, button
// prefix (or a prefix of another's), deep-link prefix or flow is an error at start-up.
type Router struct {
	feature string // the feature registering now

	commands    map[string]route
	menu        []menuCommand
	buttons     map[string]route // by data prefix
	deepLinks   map[string]route // by /start payload prefix
	flows       map[Flow]route
	resume      map[Flow]Handler // by flow name: shows a flow's prompt again
	authored    map[Flow]bool    // by flow name: text written for others, not preempted
	preempt     []Handler
	files       *route
	group       []Handler
	decorate    []Decorator
	adjust      []Adjuster
	adjustAt    []TimedAdjuster
	after       []StepHook
	keepers     []Keeper
	auth        Authorizer
	audit       Auditor
	counter     Counter
	roleSources []RoleSource
	observers   []func(t *Turn)
	errs        []error
}

type menuCommand struct {
	name  string
	roles []Role // who sees it listed; none: everyone
	desc  MessageID
}

func newRouter() *Router {
	r := &Router{commands: map[string]route{}, buttons: map[string]route{}, deepLinks: map[string]route{}, flows: map[Flow]route{}, resume: map[Flow]Handler{}, authored: map[Flow]bool{}}
	// The engine's own commands and buttons are claimed first, so no feature takes them.
	r.feature = "engine"
	for _, c := range []string{"start", "menu", "lang", "help"} {
		r.commands[c] = route{feature: r.feature}
	}
	for _, p := range engineData {
		r.buttons[p] = route{feature: r.feature}
	}
	return r
}

func (r *Router) fail(format string, args ...any) {
	r.errs = append(r.errs, fmt.Errorf("%s: "+format, append([]any{r.feature}, args...)...))
}

// CommandOption changes how a command is registered.
type CommandOption func(*menuCommand)

// ListedFor lists a command InMenu for the people who hold any of roles, whatever role
// the router checks (a partner's commands are checked by their feature, which knows
// partners; /console is for editors and partners alike).
func ListedFor(roles ...Role) CommandOption {
	return func(m *menuCommand) { m.roles = slices.Clone(roles) }
}

// InMenu lists the command in the messenger's command menu, described by desc, for the
// people who may use it (everyone, when its role is anyone).
func InMenu(desc MessageID) CommandOption { return func(m *menuCommand) { m.desc = desc } }

// Command claims "/name" (lower case, without the slash) for people with role.
func (r *Router) Command(name string, role Role, h Handler, opts ...CommandOption) {
	if prev, taken := r.commands[name]; taken {
		r.fail("command /%s is %s's already", name, prev.feature)
		return
	}
	r.commands[name] = route{feature: r.feature, role: role, handle: h}
	m := menuCommand{name: name}
	if role != "" {
		m.roles = []Role{role}
	}
	for _, o := range opts {
		o(&m)
	}
	if m.desc != "" {
		r.menu = append(r.menu, m)
	}
}

// Button claims button data starting with prefix for people with role. A prefix that is a
// prefix of another feature's, or has one, is refused: which would a press reach?
func (r *Router) Button(prefix string, role Role, h Handler) {
	if prefix == "" {
		r.fail("an empty button prefix")
		return
	}
	for p, prev := range r.buttons {
		if prev.feature != r.feature && (strings.HasPrefix(p, prefix) || strings.HasPrefix(prefix, p)) {
			r.fail("button prefix %q overlaps %q, which is %s's", prefix, p, prev.feature)
			return
		}
		if p == prefix {
			r.fail("button prefix %q is registered twice", prefix)
			return
		}
	}
	r.buttons[prefix] = route{feature: r.feature, role: role, handle: h}
}

// DeepLink claims "/start <prefix>…" payloads.
func (r *Router) DeepLink(prefix string, h Handler) {
	for p, prev := range r.deepLinks {
		if strings.HasPrefix(p, prefix) || strings.HasPrefix(prefix, p) {
			r.fail("deep-link prefix %q overlaps %q, which is %s's", prefix, p, prev.feature)
			return
		}
	}
	r.deepLinks[prefix] = route{feature: r.feature, handle: h}
}

// FlowOption changes how a flow is registered.
type FlowOption func(flow Flow, r *Router)

// Resume tells the core how to ask again for what the flow waits for (its prompt, with its
// buttons), for a feature that answered something else in the middle of it and leads the
// person back (safety's "Back to where I was", Turn.ResumeFlow). The session's Flow and
// Draft are as they were when h runs.
func Resume(h Handler) FlowOption { return func(f Flow, r *Router) { r.resume[f] = h } }

// Authored marks a flow whose text staff write for others to read (a broadcast's text):
// it is not the writer speaking of themselves, so the features that read typed text first
// (Preempt) leave it to the flow — an announcement about violence is not a cry for help.
func Authored() FlowOption { return func(f Flow, r *Router) { r.authored[f] = true } }

// Flow claims the typed text (not a command) of a chat whose Session.Flow is flow or
// starts with flow + ":". When such a chat does anything else, the core clears its Flow
// (a message the bot cannot read, a sticker or a voice note, is not anything else).
func (r *Router) Flow(flow Flow, h Handler, opts ...FlowOption) {
	if prev, taken := r.flows[flow]; taken {
		r.fail("flow %q is %s's already", flow, prev.feature)
		return
	}
	r.flows[flow] = route{feature: r.feature, handle: h}
	for _, o := range opts {
		o(flow, r)
	}
}

// Preempt has h look first at every typed text that is not a command, in a private chat,
// before the chat's flow, a screener's question and the engine: for what must be answered
// whatever the person was doing (words of danger), except in a flow marked Authored. h
// returns false to leave the text to them; a handler that takes it and changes nothing
// leaves the flow, the screener and the session as they were, so the person can go back
// to where they were.
func (r *Router) Preempt(h Handler) { r.preempt = append(r.preempt, h) }

// Files claims documents people send, from people with role.
func (r *Router) Files(role Role, h Handler) {
	if r.files != nil {
		r.fail("documents are %s's already", r.files.feature)
		return
	}
	r.files = &route{feature: r.feature, role: role, handle: h}
}

// Group takes messages in group chats; the bot says nothing in a group no handler takes.
func (r *Router) Group(h Handler) { r.group = append(r.group, h) }

// Decorate adds buttons to the engine's screens.
func (r *Router) Decorate(d Decorator) { r.decorate = append(r.decorate, d) }

// Adjust changes, inside the commit, what the engine made of a session.
func (r *Router) Adjust(a Adjuster) { r.adjust = append(r.adjust, a) }

// AdjustAt is Adjust for adjusters that need the turn's time.
func (r *Router) AdjustAt(a TimedAdjuster) { r.adjustAt = append(r.adjustAt, a) }

// AfterStep runs h after every engine step that was committed.
func (r *Router) AfterStep(h StepHook) { r.after = append(r.after, h) }

// Keep registers what the feature keeps about people, for /mydata and /forget.
func (r *Router) Keep(k Keeper) { r.keepers = append(r.keepers, k) }

// Authorize makes a the judge of roles.
func (r *Router) Authorize(a Authorizer) {
	if r.auth != nil {
		r.fail("roles are judged by another feature already")
		return
	}
	r.auth = a
}

// AuditWith makes a the keeper of the audit log.
func (r *Router) AuditWith(a Auditor) {
	if r.audit != nil {
		r.fail("the audit log is kept by another feature already")
		return
	}
	r.audit = a
}

// CountWith makes c the counter of events.
func (r *Router) CountWith(c Counter) {
	if r.counter != nil {
		r.fail("events are counted by another feature already")
		return
	}
	r.counter = c
}

// Observe runs o on every turn of a private chat before it is routed: o must say and
// change nothing, and cost no round trip as a rule (the roles' note of who has which
// @username, written at most once a day per person and replica).
func (r *Router) Observe(o func(t *Turn)) { r.observers = append(r.observers, o) }

// RolesFrom makes src say who holds some roles, for their command menus.
func (r *Router) RolesFrom(src RoleSource) { r.roleSources = append(r.roleSources, src) }

// Keepers are the features that keep something about people.
func (r *Router) Keepers() []Keeper { return slices.Clone(r.keepers) }

// ErrRegistration is what Service.Register returns when features claim the same thing.
var ErrRegistration = errors.New("bot: features claim the same input")

func (r *Router) register(f Feature) error {
	r.feature, r.errs = f.Name(), nil
	f.Register(r)
	if len(r.errs) > 0 {
		return fmt.Errorf("%w: %w", ErrRegistration, errors.Join(r.errs...))
	}
	return nil
}

// button finds the route of button data: the longest prefix registered.
func (r *Router) button(data string) (route, bool) {
	best, found := "", false
	for p := range r.buttons {
		if strings.HasPrefix(data, p) && len(p) > len(best) {
			best, found = p, true
		}
	}
	if !found {
		return route{}, false
	}
	rt := r.buttons[best]
	return rt, rt.handle != nil // the engine's own have no handler
}

// deepLink finds the route of a /start payload.
func (r *Router) deepLink(payload string) (route, bool) {
	for p, rt := range r.deepLinks {
		if strings.HasPrefix(payload, p) {
			return rt, true
		}
	}
	return route{}, false
}

// flow finds the route of a session's flow: its name is the flow, or what comes before ":".
func (r *Router) flow(f Flow) (route, bool) {
	if f == "" {
		return route{}, false
	}
	if rt, ok := r.flows[f]; ok {
		return rt, true
	}
	name, _, _ := strings.Cut(string(f), ":")
	rt, ok := r.flows[Flow(name)]
	return rt, ok
}

// isAuthored reports whether a session's flow takes text written for others.
func (r *Router) isAuthored(f Flow) bool {
	if f == "" {
		return false
	}
	name, _, _ := strings.Cut(string(f), ":")
	return r.authored[f] || r.authored[Flow(name)]
}

// resumer finds the handler that asks again for what a session's flow waits for.
func (r *Router) resumer(f Flow) (Handler, bool) {
	if h, ok := r.resume[f]; ok {
		return h, true
	}
	name, _, _ := strings.Cut(string(f), ":")
	h, ok := r.resume[Flow(name)]
	return h, ok
}

// menuFor lists the registered menu commands for people with any of roles (none: everyone).
func (r *Router) menuFor(roles ...Role) []menuCommand {
	var out []menuCommand
	for _, m := range r.menu {
		if len(m.roles) == 0 || slices.ContainsFunc(m.roles, func(r Role) bool { return slices.Contains(roles, r) }) {
			out = append(out, m)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return len(out[i].roles) == 0 && len(out[j].roles) != 0 })
	return out
}
