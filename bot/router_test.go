package bot_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/qamqor/qamqor/bot"
	"github.com/qamqor/qamqor/bot/bottest"
	"github.com/qamqor/qamqor/content"
)

// feature is a feature made of a registration function, for the router's tests.
type feature struct {
	name     string
	register func(r *bot.Router)
}

func (f feature) Name() string           { return f.name }
func (f feature) Register(r *bot.Router) { f.register(r) }

func answer(text string) bot.Handler {
	return func(t *bot.Turn) bool { t.Say(bot.Reply{Text: text}); return true }
}

// Two features claiming one button prefix — or a prefix of the other's, or one command,
// one deep link, one flow, or something the engine answers — fail at start-up, naming
// both.
func TestTwoFeaturesClaimingOneInputFailAtStartUp(t *testing.T) {
	for _, tc := range []struct {
		name   string
		first  func(r *bot.Router)
		second func(r *bot.Router)
	}{
		{"one prefix", func(r *bot.Router) { r.Button("X:", "", answer("a")) }, func(r *bot.Router) { r.Button("X:", "", answer("b")) }},
		{"a prefix of another", func(r *bot.Router) { r.Button("X:", "", answer("a")) }, func(r *bot.Router) { r.Button("X:y", "", answer("b")) }},
		{"one command", func(r *bot.Router) { r.Command("ping", "", answer("a")) }, func(r *bot.Router) { r.Command("ping", "", answer("b")) }},
		{"one deep link", func(r *bot.Router) { r.DeepLink("z_", answer("a")) }, func(r *bot.Router) { r.DeepLink("z_", answer("b")) }},
		{"one flow", func(r *bot.Router) { r.Flow("x", answer("a")) }, func(r *bot.Router) { r.Flow("x", answer("b")) }},
		{"the engine's command", func(r *bot.Router) {}, func(r *bot.Router) { r.Command("start", "", answer("b")) }},
		{"the engine's button", func(r *bot.Router) {}, func(r *bot.Router) { r.Button("g:", "", answer("b")) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			svc, _ := bottest.Service(t)
			if err := svc.Register(feature{"first", tc.first}); err != nil {
				t.Fatalf("the first feature alone: %v", err)
			}
			err := svc.Register(feature{"second", tc.second})
			if !errors.Is(err, bot.ErrRegistration) || !strings.Contains(err.Error(), "second") {
				t.Fatalf("the second feature: %v, want a registration error naming it", err)
			}
		})
	}
}

// An update that changes nothing writes nothing: a redelivered update (a duplicate), an
// input without an update id (the terminal) that leaves the session as it was. A feature's
// press writes the session once, its change and the "handled" mark together.
func TestATurnWritesTheSessionOnceOrNotAtAll(t *testing.T) {
	svc, sessions := bottest.Service(t, feature{"echo", func(r *bot.Router) {
		r.Button("E:", "", func(t *bot.Turn) bool {
			t.Change(func(s bot.Session) bot.Session { s.Draft = "x"; return s })
			t.Say(bot.Reply{Text: "ok"})
			return true
		})
	}})
	bottest.Russian(sessions, 1)
	chat := bottest.NewChat(t, svc, 1)

	before := sessions.Writes()
	chat.Press("E:1")
	if got := sessions.Writes() - before; got != 1 {
		t.Fatalf("a feature's press wrote the session %d times, want 1", got)
	}
	if s, _ := sessions.Get(1); s.Draft != "x" || len(s.Seen) == 0 {
		t.Fatalf("the change and the mark were not committed together: %+v", s)
	}

	before = sessions.Writes()
	r := chat.Again(bot.Input{Kind: bot.InputButton, Data: "E:1"})
	if r.Outcome != bot.Duplicate || len(r.Replies) != 0 || sessions.Writes() != before {
		t.Fatalf("a redelivered press: %+v, %d writes", r, sessions.Writes()-before)
	}

	before = sessions.Writes()
	r = svc.Handle(t.Context(), 1, bot.Input{Kind: bot.InputResume})
	if r.Outcome != bot.Answered || len(r.Replies) != 1 || sessions.Writes() != before {
		t.Fatalf("showing the screen again, without an update id: %+v, %d writes", r, sessions.Writes()-before)
	}
}

// A feature's handler that declines (not its input after all) leaves the turn to the
// engine, which answers as it answers any unknown command; roles keep commands from those
// who lack them the same way.
func TestDeclinedAndForbiddenInputGoesToTheEngine(t *testing.T) {
	svc, sessions := bottest.Service(t, feature{"picky", func(r *bot.Router) {
		r.Command("mine", "", func(t *bot.Turn) bool { return false })
		r.Command("secret", bot.RoleAdmin, answer("the secret"))
	}})
	bottest.Russian(sessions, 1)
	chat := bottest.NewChat(t, svc, 1)
	for _, cmd := range []string{"/mine", "/secret"} {
		if got := strings.Join(bottest.Texts(chat.Text(cmd)), "\n"); !strings.Contains(got, "Я не знаю команду "+cmd) {
			t.Errorf("%s: %q, want the unknown-command answer", cmd, got)
		}
	}
}

// A chat in a feature's flow that does something else leaves the flow.
func TestLeavingAFlowClearsIt(t *testing.T) {
	svc, sessions := bottest.Service(t, feature{"ask", func(r *bot.Router) {
		r.Flow("wait", answer("got it"))
	}})
	sessions.Set(1, bot.Session{Lang: content.RU, Flow: "wait"})
	chat := bottest.NewChat(t, svc, 1)
	if got := bottest.Texts(chat.Text("hello")); len(got) != 1 || got[0] != "got it" {
		t.Fatalf("typed text in the flow: %q", got)
	}
	chat.Press("m")
	if s, _ := sessions.Get(1); s.Flow != "" {
		t.Fatalf("after pressing Main menu, the flow is %q", s.Flow)
	}
}

// A feature that reads typed text first (Preempt) sees it before another feature's flow
// and the engine, leaves the flow in place when it takes it, and never sees commands,
// presses or group messages. Resume lets the flow's owner ask again for what it waits for.
func TestPreemptReadsTypedTextBeforeFlowsAndResumeAsksAgain(t *testing.T) {
	var seen []string
	svc, sessions := bottest.Service(t,
		feature{"first", func(r *bot.Router) {
			r.Preempt(func(t *bot.Turn) bool {
				seen = append(seen, t.Text)
				if t.Text != "alarm" {
					return false
				}
				t.Say(bot.Reply{Text: "numbers"})
				return true
			})
			r.Button("Z", "", func(t *bot.Turn) bool { return t.ResumeFlow() })
		}},
		feature{"writer", func(r *bot.Router) {
			r.Button("W", "", func(t *bot.Turn) bool {
				t.Change(func(s bot.Session) bot.Session { s.Flow = "write:x"; return s })
				t.Say(bot.Reply{Text: "write it"})
				return true
			})
			r.Flow("write", answer("written"), bot.Resume(func(t *bot.Turn) bool {
				t.Say(bot.Reply{Text: "write it again: " + string(t.Current().Flow)})
				return true
			}))
		}})
	bottest.Russian(sessions, 1)
	chat := bottest.NewChat(t, svc, 1)
	chat.Press("W")
	if got := bottest.Texts(chat.Text("alarm")); len(got) != 1 || got[0] != "numbers" {
		t.Fatalf("the preempting feature did not take the text before the flow: %q", got)
	}
	if s, _ := sessions.Get(1); s.Flow != "write:x" {
		t.Fatalf("the flow is gone after the preempted text: %+v", s)
	}
	if got := bottest.Texts(chat.Press("Z")); len(got) != 1 || got[0] != "write it again: write:x" {
		t.Fatalf("ResumeFlow did not have the owner ask again: %q", got)
	}
	if got := bottest.Texts(chat.Text("hello")); len(got) != 1 || got[0] != "written" {
		t.Fatalf("after resuming, the flow did not take the text: %q", got)
	}
	// A flow of text written for others (Authored) is not preempted.
	svc2, sessions2 := bottest.Service(t,
		feature{"first", func(r *bot.Router) { r.Preempt(answer("numbers")) }},
		feature{"author", func(r *bot.Router) { r.Flow("announce", answer("announced"), bot.Authored()) }})
	sessions2.Set(2, bot.Session{Lang: content.RU, Flow: "announce:kk"})
	if got := bottest.Texts(bottest.NewChat(t, svc2, 2).Text("alarm")); len(got) != 1 || got[0] != "announced" {
		t.Errorf("an Authored flow's text was preempted: %q", got)
	}

	seen = nil
	chat.Text("/menu")
	chat.Press("m")
	svc.Handle(t.Context(), -5, bot.Input{Kind: bot.InputText, Text: "alarm", Group: true, From: 1})
	if len(seen) != 0 {
		t.Errorf("the preempting feature saw a command, a press or a group message: %q", seen)
	}
}
