package telegram

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestSplitTextKeepsParagraphsWhole(t *testing.T) {
	para := strings.TrimSpace(strings.Repeat("Пособие назначается по заявлению. ", 30)) // ~1000 characters
	text := strings.Join([]string{para, para, para, para, para}, "\n\n")
	parts := splitText(text, maxMessage)
	if len(parts) != 2 {
		t.Fatalf("%d parts, want 2", len(parts))
	}
	for i, p := range parts {
		if utf16Len(p) > maxMessage {
			t.Errorf("part %d has %d units", i, utf16Len(p))
		}
		if !strings.HasPrefix(p, "Пособие") || !strings.HasSuffix(p, "заявлению.") {
			t.Errorf("part %d is not cut between paragraphs: starts %q, ends %q", i, p[:20], p[len(p)-20:])
		}
	}
	if got := strings.Join(parts, "\n\n"); got != text {
		t.Error("splitting lost or changed text")
	}
}

func TestSplitTextWithoutBreaksAndWithEmoji(t *testing.T) {
	// One 10,000-unit word of emoji, each two UTF-16 units: cut anywhere, never mid-rune.
	text := strings.Repeat("🙂", 5000)
	parts := splitText(text, maxMessage)
	total := 0
	for _, p := range parts {
		if n := utf16Len(p); n > maxMessage || n == 0 {
			t.Fatalf("part of %d units", n)
		}
		total += utf16Len(p)
	}
	if total != 10000 {
		t.Fatalf("%d units in all, want 10000", total)
	}
	if got := splitText("short", maxMessage); len(got) != 1 || got[0] != "short" {
		t.Fatalf("short text: %q", got)
	}
}

func TestDispatcherKeepsEachChatInOrderAndRunsChatsInParallel(t *testing.T) {
	d := newDispatcher(4, 64, 64)
	var mu sync.Mutex
	seen := map[int64][]int{}
	var running, most atomic.Int32
	for i := range 200 {
		chat := int64(i % 5)
		d.submit(context.Background(), chat, func() {
			n := running.Add(1)
			for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
			}
			time.Sleep(100 * time.Microsecond)
			mu.Lock()
			seen[chat] = append(seen[chat], i)
			mu.Unlock()
			running.Add(-1)
		})
	}
	d.close(time.Minute, func() {})
	for chat, order := range seen {
		if len(order) != 40 {
			t.Errorf("chat %d: %d jobs ran, want 40", chat, len(order))
		}
		for j := 1; j < len(order); j++ {
			if order[j] < order[j-1] {
				t.Fatalf("chat %d ran out of order: %v", chat, order)
			}
		}
	}
	if m := most.Load(); m < 2 || m > 4 {
		t.Errorf("at most %d jobs ran at once, want 2 to 4 (parallel, bounded by 4 workers)", m)
	}
}

func TestDispatcherRefusesAfterCloseAndWhenFull(t *testing.T) {
	d := newDispatcher(1, 2, 8)
	release := make(chan struct{})
	_ = d.submit(context.Background(), 1, func() { <-release })
	_ = d.submit(context.Background(), 1, func() {})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if d.submit(ctx, 2, func() {}) == nil {
		t.Fatal("a third job was accepted beyond the bound of 2")
	}
	close(release)
	d.close(time.Minute, func() {})
	if !errors.Is(d.submit(context.Background(), 1, func() {}), errClosed) {
		t.Fatal("a job was accepted after close")
	}
}

// One chat with a long backlog (waiting out a retry_after, or flooding) takes no more than
// its share: its extra jobs are refused at once, and other chats' jobs still get in.
func TestDispatcherBoundsOneChatsBacklog(t *testing.T) {
	d := newDispatcher(2, 16, 3)
	stuck, running := make(chan struct{}), make(chan struct{})
	_ = d.submit(context.Background(), 1, func() { close(running); <-stuck })
	<-running
	for i := range 3 {
		if err := d.submit(context.Background(), 1, func() {}); err != nil {
			t.Fatalf("job %d of the backlog refused: %v", i, err)
		}
	}
	if err := d.submit(context.Background(), 1, func() {}); !errors.Is(err, errChatFull) {
		t.Fatalf("a fourth waiting job of one chat: %v, want errChatFull", err)
	}
	ran := make(chan struct{})
	if err := d.submit(context.Background(), 2, func() { close(ran) }); err != nil {
		t.Fatalf("another chat's job refused: %v", err)
	}
	select {
	case <-ran:
	case <-time.After(5 * time.Second):
		t.Fatal("another chat's job did not run while chat 1 was stuck")
	}
	close(stuck)
	if !d.close(time.Minute, func() {}) {
		t.Fatal("close did not see every job finish")
	}
}

// Shutdown ends on time even when a job never returns: waiting jobs are dropped, and the
// running one is told to stop.
func TestDispatcherCloseEndsOnTimeWithAStuckJob(t *testing.T) {
	d := newDispatcher(1, 8, 8)
	forever := make(chan struct{})
	defer close(forever)
	ran := atomic.Int32{}
	_ = d.submit(context.Background(), 1, func() { <-forever })
	_ = d.submit(context.Background(), 1, func() { ran.Add(1) })
	cut := make(chan struct{})
	done := make(chan bool)
	go func() { done <- d.close(100*time.Millisecond, func() { close(cut) }) }()
	select {
	case finished := <-done:
		if finished {
			t.Fatal("close reported every job finished")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("close did not return with a stuck job")
	}
	select {
	case <-cut:
	default:
		t.Fatal("the running job was not told to stop")
	}
	if ran.Load() != 0 {
		t.Fatal("a waiting job ran after the timeout")
	}
}
