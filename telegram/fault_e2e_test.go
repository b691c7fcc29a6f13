package telegram_test

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/qamqor/qamqor/bot"
	"github.com/qamqor/qamqor/content"
	"github.com/qamqor/qamqor/internal/fakebotapi"
	"github.com/qamqor/qamqor/store"
)

// Fault tests: Telegram failing, Redis restarting and replicas racing, under load. Each
// logs its figures (updates sent, answered, lost, duplicated) for RELIABILITY.md.

// numbered is the reply to the numbered unknown command /x<n>: the bot repeats it.
var numbered = regexp.MustCompile(`команду /x(\d+)\.`)

// russian makes chats people who chose Russian, as if they had pressed the button.
func (w *world) russian(chats ...int64) {
	w.t.Helper()
	sessions := store.NewSessions(w.redis.Client())
	for _, chat := range chats {
		err := sessions.Update(context.Background(), chat, func(s bot.Session) (bot.Session, error) {
			s.Lang = content.RU
			return s, nil
		})
		if err != nil {
			w.t.Fatal(err)
		}
	}
	w.api.Started(chats...)
}

// answers lists, in the order the chat shows them, the numbers of the commands answered.
func (w *world) answers(chat int64) []int {
	var out []int
	for _, m := range w.api.Messages(chat) {
		if sub := numbered.FindStringSubmatch(m.Text); sub != nil {
			n, _ := strconv.Atoi(sub[1])
			out = append(out, n)
		}
	}
	return out
}

// tally compares what each chat got with the n commands it sent: lost and duplicated
// answers, and chats whose answers came out of order.
func tally(w *world, chats []int64, n int) (answered, lost, duplicated int, disordered []int64) {
	for _, chat := range chats {
		got := w.answers(chat)
		seen := map[int]int{}
		for i, x := range got {
			seen[x]++
			if i > 0 && x < got[i-1] {
				disordered = append(disordered, chat)
			}
		}
		for x := 1; x <= n; x++ {
			switch c := seen[x]; {
			case c == 0:
				lost++
			case c > 1:
				duplicated += c - 1
			}
		}
		answered += len(got)
	}
	return answered, lost, duplicated, disordered
}

func chatRange(first int64, n int) []int64 {
	out := make([]int64, n)
	for i := range out {
		out[i] = first + int64(i)
	}
	return out
}

func TestEveryReplyArrivesInOrderWhileTelegramFails20PercentOfCalls(t *testing.T) {
	for _, m := range []mode{polling, webhook} {
		t.Run(m.String(), func(t *testing.T) {
			w := newWorld(t)
			w.start(m)
			for _, phase := range []struct {
				name  string
				fault fakebotapi.Fault
				chats []int64
				each  int
			}{
				{"500s", fakebotapi.FaultInternal(), chatRange(500, 20), 10},
				{"429s", fakebotapi.FaultTooManyRequests(1), chatRange(600, 8), 5},
			} {
				w.russian(phase.chats...)
				w.api.FailRatio("*", 0.2, phase.fault, 7)
				var wg sync.WaitGroup
				for _, chat := range phase.chats {
					wg.Add(1)
					go func() {
						defer wg.Done()
						for i := 1; i <= phase.each; i++ {
							w.deliver(m, w.api.SendText(chat, fmt.Sprintf("/x%d", i), "ru"))
						}
					}()
				}
				wg.Wait()
				w.api.WaitFor(t, 60*time.Second, func() bool {
					answered, _, _, _ := tally(w, phase.chats, phase.each)
					return answered >= len(phase.chats)*phase.each
				}, "every command answered")
				w.api.ClearFaults()
				failed := 0
				for _, c := range w.api.Calls("") {
					if c.Code == phase.fault.Code {
						failed++
					}
				}
				answered, lost, duplicated, disordered := tally(w, phase.chats, phase.each)
				t.Logf("%s: %d updates sent, %d answered, %d lost, %d duplicated, %d calls failed by the fake", phase.name,
					len(phase.chats)*phase.each, answered, lost, duplicated, failed)
				if lost != 0 || duplicated != 0 || len(disordered) > 0 || failed == 0 {
					t.Errorf("%s: lost %d, duplicated %d, out of order in %v, failures injected %d", phase.name, lost, duplicated, disordered, failed)
				}
			}
		})
	}
}

func TestRedisRestartInTheMiddleOfALoad(t *testing.T) {
	w := newWorld(t)
	w.start(polling)
	chats := chatRange(700, 20)
	w.russian(chats...)
	// Each chat sends commands one after another, each after the answer to the last, until
	// told to stop; Redis goes away for a few seconds in the middle.
	sent := make([]int, len(chats))
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for k, chat := range chats {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 1; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				before := len(w.api.Messages(chat))
				w.api.SendText(chat, fmt.Sprintf("/x%d", i), "ru")
				sent[k] = i
				w.api.WaitFor(t, 30*time.Second, func() bool { return len(w.api.Messages(chat)) > before }, "an answer")
			}
		}()
	}
	total := func() int { return w.api.CallCount("sendMessage") }
	w.api.WaitFor(t, 30*time.Second, func() bool { return total() >= 200 }, "the load to build up")
	w.redis.Restart() // what was saved survives, as with an operator's restart
	w.redis.Down()
	time.Sleep(4 * time.Second) // go-redis's own retries ride out a shorter outage unseen
	w.redis.Up()
	afterUp := total()
	w.api.WaitFor(t, 30*time.Second, func() bool { return total() >= afterUp+200 }, "the load to resume")
	close(stop)
	wg.Wait()

	updates, unavailable, answered, duplicated := 0, 0, 0, 0
	for k, chat := range chats {
		updates += sent[k]
		seen := map[string]bool{}
		for _, m := range w.api.Messages(chat) {
			switch {
			case strings.Contains(m.Text, "Сервис временно недоступен"):
				unavailable++
			case numbered.MatchString(m.Text):
				answered++
				if n := numbered.FindString(m.Text); seen[n] {
					duplicated++
				} else {
					seen[n] = true
				}
			}
		}
	}
	lost := updates - answered - unavailable
	t.Logf("%d updates sent; %d answered as usual, %d with \"temporarily unavailable\", %d lost, %d duplicated", updates, answered, unavailable, lost, duplicated)
	if lost != 0 || duplicated != 0 || unavailable == 0 {
		t.Errorf("lost %d, duplicated %d, unavailable %d: every update must get one answer, and the restart must be seen", lost, duplicated, unavailable)
	}
	if strings.Contains(w.logs.String(), "panic") {
		t.Error("a panic was logged")
	}
	// Traffic resumes and no session was corrupted: each chat still reads Russian.
	for _, chat := range chats {
		w.text(polling, chat, "/menu")
		if got := w.api.Last(chat).Text; !strings.HasPrefix(got, "Главное меню") {
			t.Errorf("chat %d after the restart: %q", chat, got)
		}
	}
}

func TestTwoWebhookReplicasShareOneChatWithoutLosingAWrite(t *testing.T) {
	w := newWorld(t)
	a := w.start(webhook)
	b := w.startWith(webhook, nil)
	// Both registered the same webhook path on their own address; Telegram would use one
	// URL behind a load balancer, so the test plays the balancer and alternates.
	hooks := []string{"http://" + a.addr + "/telegram/hook", "http://" + b.addr + "/telegram/hook"}
	const chat = 800
	w.russian(chat)
	c, _, err := content.Load(content.Embedded(), "content/data")
	if err != nil {
		t.Fatal(err)
	}
	main, _ := c.Node(content.MainID)
	var opens []string // every topic and its sections: each press opens one
	for _, id := range main.Buttons {
		if n, ok := c.Node(id); ok {
			opens = append(opens, id)
			for _, child := range n.Buttons {
				if _, ok := c.Node(child); ok {
					opens = append(opens, child)
				}
			}
		}
	}
	opens = opens[:min(len(opens), 16)]
	var wg sync.WaitGroup
	for i, id := range opens {
		wg.Add(1)
		go func() {
			defer wg.Done()
			upd, _ := w.api.Press(chat, 0, "g:"+id)
			status, err := w.api.DeliverRaw(context.Background(), hooks[i%2], secret, w.api.UpdateJSON(upd))
			if err != nil || status != 200 {
				t.Errorf("delivering press %d: %d %v", i, status, err)
			}
		}()
	}
	wg.Wait()
	// Every press landed on the session: the screens it went through are its Back history.
	var final bot.Session
	err = store.NewSessions(w.redis.Client()).Update(context.Background(), chat, func(s bot.Session) (bot.Session, error) {
		final = s
		return s, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	visited := map[string]bool{final.Node: true}
	for _, id := range final.History {
		visited[id] = true
	}
	lost := 0
	for _, id := range opens {
		if !visited[id] {
			lost++
		}
	}
	t.Logf("%d presses of one chat, alternately and concurrently to two replicas: %d writes lost; history %d screens", len(opens), lost, len(final.History))
	if lost != 0 || len(final.Seen) != min(len(opens), bot.MaxSeen) {
		t.Errorf("lost %d writes; seen %v", lost, final.Seen)
	}
}
