package bot_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/qamqor/qamqor/bot"
)

// memSessions is an in-memory session store, for service tests that need no Redis.
type memSessions struct {
	mu sync.Mutex
	m  map[int64]bot.Session
}

func (s *memSessions) Update(_ context.Context, chat int64, fn func(bot.Session) (bot.Session, error)) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.m == nil {
		s.m = map[int64]bot.Session{}
	}
	next, err := fn(s.m[chat])
	if err == nil {
		s.m[chat] = next
	}
	return err
}

func (s *memSessions) View(_ context.Context, chat int64) (bot.Session, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.m[chat], nil
}

// atResult is a service whose chat 1 is on the disability screener's result, in Russian.
func atResult(t *testing.T) *bot.Service {
	c := &convo{t: t, e: screenerEngine(t, 2026)}
	for _, s := range []string{"/start", "[Русский]", "[Инвалидность]", "[✓ Что мне положено? Короткий опрос]",
		"[Для ребенка]", "[Да]", "[I группа]", "8", "[г. Астана]", "[Показать результат]"} {
		c.do(s)
	}
	store := &memSessions{m: map[int64]bot.Session{1: c.s}}
	return bot.NewService(c.e, store, quiet)
}

// Finding 8: 150 taps of "Save my checklist" in a row make 3 checklists (a PDF each, for
// the adapter to render), then a polite answer once, then the result screen again; before,
// each tap made one, 150 PDFs in all.
func TestChecklistsPerChatAreLimited(t *testing.T) {
	svc := atResult(t)
	checklists, notices := 0, 0
	for range 150 {
		for _, r := range svc.Handle(context.Background(), 1, bot.Input{Kind: bot.InputButton, Data: "p"}).Replies {
			if r.Checklist != nil {
				checklists++
			}
			if strings.Contains(r.Text, "Чек-лист недавно уже отправлен") {
				notices++
			}
		}
	}
	t.Logf("150 taps of Save my checklist: %d checklists, %d notices", checklists, notices)
	if checklists != 3 || notices != 1 {
		t.Errorf("%d checklists and %d notices, want 3 and 1", checklists, notices)
	}
	// Another chat is not held to chat 1's budget.
	svc2 := atResult(t)
	if r := svc2.Handle(context.Background(), 1, bot.Input{Kind: bot.InputButton, Data: "p"}).Replies; r[0].Checklist == nil && (len(r) < 2 || r[1].Checklist == nil) {
		t.Error("a fresh chat got no checklist")
	}
}

// Finding 8: a script asking a question a second gets the first twenty answered, then one
// polite notice, then the screen it is on, without a search each time.
func TestSearchesPerChatAreLimited(t *testing.T) {
	svc := bot.NewService(newEngine(t, fixture), &memSessions{}, quiet)
	ctx := context.Background()
	svc.Handle(ctx, 1, bot.Input{Kind: bot.InputButton, Data: "l:ru"})
	answered, notices := 0, 0
	for range 100 {
		for _, r := range svc.Handle(ctx, 1, bot.Input{Kind: bot.InputText, Text: "раздел а"}).Replies {
			switch {
			case strings.Contains(r.Text, "Слишком много вопросов подряд"):
				notices++
			case r.Search:
				answered++
			}
		}
	}
	t.Logf("100 questions in a row: %d answered, %d notices", answered, notices)
	if answered != 20 || notices != 1 {
		t.Errorf("%d answered and %d notices, want 20 and 1", answered, notices)
	}
}
