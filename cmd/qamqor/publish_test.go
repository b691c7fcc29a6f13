package main

import (
	"bytes"
	"context"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/qamqor/qamqor/bot"
	"github.com/qamqor/qamqor/content"
	"github.com/qamqor/qamqor/internal/redistest"
)

// contentDir copies the shipped content to a directory, with edit applied to main.yaml.
func contentDir(t *testing.T, edit func(string) string) string {
	t.Helper()
	dir := t.TempDir()
	err := fs.WalkDir(content.Embedded(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(content.Embedded(), p)
		if err != nil {
			return err
		}
		if p == "main.yaml" {
			data = []byte(edit(string(data)))
		}
		return os.WriteFile(filepath.Join(dir, p), data, 0o600)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

// screenTitle is the first line of what app shows chat after /start and choosing Russian.
func screenTitle(t *testing.T, a *app, chat int64) string {
	t.Helper()
	ctx := context.Background()
	a.service.Handle(ctx, chat, bot.Input{Kind: bot.InputText, Text: "/start"})
	r := a.service.Handle(ctx, chat, bot.Input{Kind: bot.InputButton, Data: "l:ru"}).Replies
	first, _, _ := strings.Cut(r[0].Text, "\n")
	return first
}

func TestPublishSwitchesEveryReplicaAndRollbackReturns(t *testing.T) {
	srv := redistest.Start(t)
	for _, kv := range srv.Env() {
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, v)
	}
	t.Setenv("ADMIN_IDS", "1")
	cfg, _, err := setup(io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	var replicas []*app
	for range 2 {
		a, err := open(ctx, cfg, log)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(a.close)
		replicas = append(replicas, a)
	}
	for i, a := range replicas {
		if got := screenTitle(t, a, int64(10+i)); got != "Главное меню" {
			t.Fatalf("replica %d before publishing: %q", i, got)
		}
	}
	time.Sleep(200 * time.Millisecond) // both replicas are subscribed

	dir := contentDir(t, func(s string) string {
		return strings.Replace(s, "ru: Главное меню", "ru: Главное меню — версия 2", 1)
	})
	var out, errOut bytes.Buffer
	if code := runPublish(ctx, []string{dir, "--author", "aigerim"}, &out, &errOut); code != 0 {
		t.Fatalf("publish: %d\n%s%s", code, out.String(), errOut.String())
	}
	if !strings.HasPrefix(out.String(), "published content version 1: nodes +0 −0 ~1; texts changed: kk 0, ru 1") {
		t.Errorf("publish said: %s", out.String())
	}
	waitForTitle := func(want string) {
		t.Helper()
		deadline := time.Now().Add(5 * time.Second)
		for i, a := range replicas {
			for screenTitle(t, a, int64(20+i)) != want {
				if time.Now().After(deadline) {
					t.Fatalf("replica %d still shows %q, want %q", i, screenTitle(t, a, int64(20+i)), want)
				}
				time.Sleep(20 * time.Millisecond)
			}
		}
	}
	waitForTitle("Главное меню — версия 2")

	// A replica started now starts with the published version.
	late, err := open(ctx, cfg, log)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(late.close)
	if got := screenTitle(t, late, 30); got != "Главное меню — версия 2" {
		t.Errorf("a replica started after publishing shows %q", got)
	}

	// Content with an error is not published, and nothing changes.
	bad := contentDir(t, func(s string) string { return strings.Replace(s, "- disability\n", "- nowhere\n", 1) })
	out.Reset()
	errOut.Reset()
	if code := runPublish(ctx, []string{bad}, &out, &errOut); code != 1 || !strings.Contains(errOut.String(), `button leads to unknown node "nowhere"`) {
		t.Errorf("publishing broken content: %d\n%s", code, errOut.String())
	}

	// A second version, then /rollback to the first from the chat, by an admin.
	dir3 := contentDir(t, func(s string) string {
		return strings.Replace(s, "ru: Главное меню", "ru: Главное меню — версия 3", 1)
	})
	if code := runPublish(ctx, []string{dir3}, io.Discard, io.Discard); code != 0 {
		t.Fatal("publishing version 2")
	}
	waitForTitle("Главное меню — версия 3")
	admin := replicas[0].service
	admin.Handle(ctx, 1, bot.Input{Kind: bot.InputButton, Data: "l:ru"})
	history := admin.Handle(ctx, 1, bot.Input{Kind: bot.InputText, Text: "/content"}).Replies[0].Text
	if !strings.Contains(history, "сейчас версия 2") || !strings.Contains(history, "aigerim") {
		t.Errorf("/content:\n%s", history)
	}
	if got := admin.Handle(ctx, 1, bot.Input{Kind: bot.InputText, Text: "/rollback 1"}).Replies[0].Text; !strings.Contains(got, "Возвращена версия 1") {
		t.Fatalf("/rollback 1: %s", got)
	}
	waitForTitle("Главное меню — версия 2")
	if got := admin.Handle(ctx, 1, bot.Input{Kind: bot.InputText, Text: "/rollback 99"}).Replies[0].Text; !strings.Contains(got, "Версии 99 нет") {
		t.Errorf("/rollback 99: %s", got)
	}
	audit := admin.Handle(ctx, 1, bot.Input{Kind: bot.InputText, Text: "/audit"}).Replies[0].Text
	for _, want := range []string{"content.rollback · 1", "content.publish · 2 by", "content.publish · 1 by aigerim"} {
		if !strings.Contains(audit, want) {
			t.Errorf("/audit lacks %q:\n%s", want, audit)
		}
	}
	// An editor may; a user without a role may not.
	admin.Handle(ctx, 1, bot.Input{Kind: bot.InputText, Text: "/role 7 editor"})
	editor := replicas[1].service
	editor.Handle(ctx, 7, bot.Input{Kind: bot.InputButton, Data: "l:ru"})
	if got := editor.Handle(ctx, 7, bot.Input{Kind: bot.InputText, Text: "/content"}).Replies[0].Text; !strings.Contains(got, "сейчас версия 1") {
		t.Errorf("/content by an editor: %s", got)
	}
	if got := editor.Handle(ctx, 7, bot.Input{Kind: bot.InputText, Text: "/invite X"}).Replies[0].Text; !strings.Contains(got, "Я не знаю команду") {
		t.Errorf("/invite by an editor: %s", got)
	}
	stranger := replicas[1].service
	stranger.Handle(ctx, 5, bot.Input{Kind: bot.InputButton, Data: "l:ru"})
	for _, cmd := range []string{"/content", "/rollback 2"} {
		if got := stranger.Handle(ctx, 5, bot.Input{Kind: bot.InputText, Text: cmd}).Replies[0].Text; !strings.Contains(got, "Я не знаю команду") {
			t.Errorf("%s by a stranger: %s", cmd, got)
		}
	}
}
