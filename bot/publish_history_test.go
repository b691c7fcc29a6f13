package bot_test

import (
	"context"
	"strings"
	"testing"

	"github.com/qamqor/qamqor/bot"
	"github.com/qamqor/qamqor/bot/admin"
	"github.com/qamqor/qamqor/bot/publishing"
	"github.com/qamqor/qamqor/content"
	"github.com/qamqor/qamqor/internal/redistest"
	"github.com/qamqor/qamqor/store"
)

// Only the latest versions are kept: /content says which, and /rollback to an older one
// says it is no longer kept, in the admin's language.
func TestContentAndRollbackSayWhatIsNoLongerKept(t *testing.T) {
	srv := redistest.Start(t)
	rdb := srv.Client()
	svc := bot.NewService(newEngine(t, nil), store.NewSessions(rdb), quiet)
	published := store.NewContent(rdb)
	if err := svc.Register(admin.New(store.NewAdmin(rdb), []int64{1, 2}, quiet), publishing.New(published)); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	archive, err := content.Archive(content.Embedded())
	if err != nil {
		t.Fatal(err)
	}
	for range store.KeptVersions + 5 {
		if _, err := published.Publish(ctx, archive, "aigerim", "no changes"); err != nil {
			t.Fatal(err)
		}
	}
	send := func(chat int64, text string) string {
		return svc.Handle(ctx, chat, bot.Input{Kind: bot.InputText, Text: text}).Replies[0].Text
	}
	svc.Handle(ctx, 1, bot.Input{Kind: bot.InputButton, Data: "l:ru"})
	svc.Handle(ctx, 2, bot.Input{Kind: bot.InputButton, Data: "l:kk"})
	for _, tc := range []struct {
		chat          int64
		history, gone string
	}{
		{1, "Хранятся версии с 6 по 25; более ранние удалены, к ним не вернуться.", "Версия 3 больше не хранится: хранятся версии с 6 по 25. Список: /content"},
		{2, "6–25 нұсқалары сақталады; бұрынғылары өшірілген", "3 нұсқасы енді сақталмайды: 6–25 нұсқалары сақталады."},
	} {
		if got := send(tc.chat, "/content"); !strings.Contains(got, tc.history) || strings.Count(got, "aigerim") != 10 {
			t.Errorf("/content:\n%s", got)
		}
		if got := send(tc.chat, "/rollback 3"); !strings.Contains(got, tc.gone) {
			t.Errorf("/rollback 3: %s", got)
		}
	}
	if got := send(1, "/rollback 30"); !strings.Contains(got, "Версии 30 нет.") {
		t.Errorf("/rollback 30: %s", got)
	}
	if got := send(1, "/rollback 6"); !strings.Contains(got, "Возвращена версия 6") {
		t.Errorf("/rollback 6: %s", got)
	}
}
