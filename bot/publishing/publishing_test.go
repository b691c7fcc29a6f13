package publishing_test

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/qamqor/qamqor/bot"
	"github.com/qamqor/qamqor/bot/admin"
	"github.com/qamqor/qamqor/bot/bottest"
	"github.com/qamqor/qamqor/bot/publishing"
	"github.com/qamqor/qamqor/content"
)

// The configured admin, an editor they made, and someone without a role.
const (
	boss     int64 = 1
	editor   int64 = 2
	stranger int64 = 3
)

var now = time.Date(2026, 3, 14, 9, 30, 0, 0, time.UTC)

type world struct {
	svc      *bot.Service
	sessions *bottest.Sessions
	roles    *bottest.Admin
	versions *bottest.Content
}

func setUp(t *testing.T) world {
	t.Helper()
	w := world{sessions: bottest.NewSessions(), roles: bottest.NewAdmin(), versions: bottest.NewContent()}
	w.svc = bot.NewService(bottest.Engine(t), w.sessions, bottest.Quiet, bot.WithServiceClock(func() time.Time { return now }))
	if err := w.svc.Register(admin.New(w.roles, []int64{boss}, bottest.Quiet), publishing.New(w.versions)); err != nil {
		t.Fatal(err)
	}
	if err := w.roles.SetRole(context.Background(), editor, bot.RoleEditor); err != nil {
		t.Fatal(err)
	}
	bottest.Russian(w.sessions, boss, editor, stranger)
	return w
}

func says(t *testing.T, r bot.Result, want string) {
	t.Helper()
	for _, text := range bottest.Texts(r) {
		if strings.Contains(text, want) {
			return
		}
	}
	t.Errorf("no reply says %q: %q", want, bottest.Texts(r))
}

func file(name string, data []byte) bot.Input {
	return bot.Input{Kind: bot.InputFile, File: &bot.File{Name: name, Data: data}}
}

// mainYAML is the shipped main.yaml, with old replaced by new.
func mainYAML(t *testing.T, old, new string) []byte {
	t.Helper()
	b, err := fs.ReadFile(content.Embedded(), "main.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(b, []byte(old)) {
		t.Fatalf("main.yaml has no %q", old)
	}
	return bytes.Replace(b, []byte(old), []byte(new), 1)
}

// zipOf packs files into a zip, as an editor's archive.
func zipOf(t *testing.T, files map[string][]byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	names := slices.Sorted(func(yield func(string) bool) {
		for n := range files {
			if !yield(n) {
				return
			}
		}
	})
	for _, n := range names {
		fw, err := zw.Create(n)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = fw.Write(files[n])
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// An editor's file is checked and tested, summarised in their language with Publish and
// Don't publish; Publish publishes it once — pressed again it says which version it
// became — and each press costs one session write. The publication is audited.
func TestAnEditorsUploadIsCheckedThenPublishedOnce(t *testing.T) {
	w := setUp(t)
	ed := bottest.NewChat(t, w.svc, editor)
	changed := mainYAML(t, "ru: Главное меню", "ru: Главное меню — обновлено")
	r := ed.Send(file("main.yaml", changed))
	says(t, r, "Проверки и тесты пройдены. Что изменится: экраны +0 −0 изменено 1")
	says(t, r, "русских 1")
	publish, drop := bottest.Button(r, "Опубликовать"), bottest.Button(r, "Не публиковать")
	if publish == "" || drop == "" {
		t.Fatalf("no Publish and Don't publish buttons: %+v", r.Replies)
	}
	if w.versions.Published != 0 {
		t.Fatal("an upload was published before anyone pressed Publish")
	}

	before := w.sessions.Writes()
	says(t, ed.Press(publish), "Опубликована версия 1: экраны +0 −0 изменено 1")
	if got := w.sessions.Writes() - before; got != 1 {
		t.Errorf("the press wrote the session %d times, want once", got)
	}
	if w.versions.CurrentNumber() != 1 {
		t.Fatalf("version %d is current, want 1", w.versions.CurrentNumber())
	}
	v, _, _ := w.versions.Current(context.Background())
	if v.Author != "id 2" || v.Summary != "nodes +0 −0 ~1; texts changed: kk 0, ru 1" {
		t.Errorf("the version published: %+v", v)
	}
	// The same press delivered again is a duplicate; pressed again, it publishes nothing.
	if again := ed.Again(bot.Input{Kind: bot.InputButton, Data: publish}); again.Outcome != bot.Duplicate {
		t.Errorf("a redelivered press: %+v", again)
	}
	before = w.sessions.Writes()
	says(t, ed.Press(publish), "Эта загрузка уже опубликована: версия 1.")
	if got := w.sessions.Writes() - before; got != 1 {
		t.Errorf("the second press wrote the session %d times, want once", got)
	}
	if w.versions.Published != 1 {
		t.Errorf("%d versions published, want 1", w.versions.Published)
	}
	entries := w.roles.Entries()
	if len(entries) != 1 || entries[0].Action != "content.publish" || entries[0].Who != editor || entries[0].At != now ||
		!strings.HasPrefix(entries[0].Detail, "1: ") {
		t.Errorf("the audit log: %+v", entries)
	}

	// An upload can be dropped instead, and then its buttons are out of date.
	ed.Send(file("main.yaml", changed))
	says(t, ed.Press(drop), "Не опубликовано.")
	says(t, ed.Press(publish), "Эта кнопка устарела.")
	if w.versions.Published != 1 {
		t.Errorf("a dropped upload was published")
	}
}

// What is wrong with an upload is said, the uploaded file's problems with file:line;
// content whose tests fail is not offered for publishing; nothing waits.
func TestABadUploadIsRefusedWithItsProblems(t *testing.T) {
	w := setUp(t)
	ed := bottest.NewChat(t, w.svc, editor)
	r := ed.Send(file("main.yaml", mainYAML(t, "- disability\n", "- nowhere\n")))
	says(t, r, "Не опубликовано: в контенте ошибок")
	says(t, r, "main.yaml:")
	says(t, r, `unknown node "nowhere"`)

	failing := []byte(`cases:
  - name: wrong on purpose
    screener: disability_check
    answers: {who: self, established: true, age: 45, group: "1", mobility: true, cause: general, care_paid: false, region: karaganda}
    match: [disability_establish_mse]
`)
	r = ed.Send(file("tests.yaml", failing))
	says(t, r, "Не опубликовано: не прошли тесты контента — 2")
	says(t, r, "wrong on purpose (kk): disability_establish_mse should match and does not")

	for _, tc := range []struct {
		name string
		data []byte
		want string
	}{
		{"notes.txt", []byte("x"), "Пришлите архив папки контента (.zip) или один файл контента (.yaml)."},
		{"content.zip", []byte("not a zip"), "Этот файл не открывается как архив .zip."},
		{"big.zip", nil, "Файл больше 5 МБ или не скачался."},
		{"content.zip", zipOf(t, map[string][]byte{"data/huge.yaml": bytes.Repeat([]byte("# x\n"), 200_000)}),
			"файл huge.yaml в распакованном виде больше 512 КБ"},
		{"content.zip", zipOf(t, manyFiles(content.MaxContentFiles+1)), "в архиве слишком много файлов (можно не больше 100)"},
	} {
		r := ed.Send(file(tc.name, tc.data))
		says(t, r, tc.want)
		if len(r.Replies) != 1 || r.Replies[0].Buttons != nil {
			t.Errorf("%s: %+v", tc.name, r.Replies)
		}
	}
	if _, _, waiting, _ := w.versions.Pending(context.Background(), editor); waiting {
		t.Error("a refused upload waits to be published")
	}
}

func manyFiles(n int) map[string][]byte {
	files := map[string][]byte{}
	for i := range n {
		files[fmt.Sprintf("data/f%03d.yaml", i)] = []byte("# empty\n")
	}
	return files
}

// Files in a zip that are not content are named and left out of what waits.
func TestJunkInAZipIsNamedAndLeftOut(t *testing.T) {
	w := setUp(t)
	shipped := map[string][]byte{}
	if err := fs.WalkDir(content.Embedded(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(content.Embedded(), p)
		shipped["data/"+p] = b
		return err
	}); err != nil {
		t.Fatal(err)
	}
	shipped["data/README.md"] = []byte("# notes\n")
	r := bottest.NewChat(t, w.svc, boss).Send(file("content.zip", zipOf(t, shipped)))
	says(t, r, "Что изменится: ничего не меняется")
	says(t, r, "Эти файлы — не контент, они не проверяются и не публикуются: data/README.md")
	waiting, _, _, _ := w.versions.Pending(context.Background(), boss)
	if zr, err := zip.NewReader(bytes.NewReader(waiting), int64(len(waiting))); err != nil {
		t.Fatal(err)
	} else {
		for _, f := range zr.File {
			if strings.HasSuffix(f.Name, ".md") {
				t.Errorf("%s waits to be published", f.Name)
			}
		}
	}
}

// Someone without a role: their file is something the bot cannot read (and the adapter
// is told not to download it), and Publish and the content commands are what any stale
// button and unknown command get.
func TestAStrangerCannotUploadPublishOrRollBack(t *testing.T) {
	w := setUp(t)
	ctx := context.Background()
	if !w.svc.AcceptsFiles(ctx, editor) || !w.svc.AcceptsFiles(ctx, boss) || w.svc.AcceptsFiles(ctx, stranger) {
		t.Errorf("AcceptsFiles: editor %v, admin %v, stranger %v", w.svc.AcceptsFiles(ctx, editor),
			w.svc.AcceptsFiles(ctx, boss), w.svc.AcceptsFiles(ctx, stranger))
	}
	bare, bareSessions := bottest.Service(t)
	bottest.Russian(bareSessions, stranger)
	person, unknown := bottest.NewChat(t, w.svc, stranger), bottest.NewChat(t, bare, stranger)
	changed := mainYAML(t, "ru: Главное меню", "ru: Главное меню — обновлено")
	for _, in := range []bot.Input{
		file("main.yaml", changed),
		{Kind: bot.InputButton, Data: "U:pub"}, {Kind: bot.InputButton, Data: "U:no"},
		{Kind: bot.InputText, Text: "/content"}, {Kind: bot.InputText, Text: "/rollback 1"},
	} {
		got, want := person.Send(in), unknown.Send(in)
		if !slices.Equal(bottest.Texts(got), bottest.Texts(want)) {
			t.Errorf("%+v by a stranger: %q; without publishing: %q", in, bottest.Texts(got), bottest.Texts(want))
		}
	}
	says(t, person.Send(file("main.yaml", changed)), "Я понимаю только текст и кнопки")
	if w.versions.Published != 0 || len(w.roles.Entries()) != 0 {
		t.Errorf("a stranger published %d versions, audited %+v", w.versions.Published, w.roles.Entries())
	}
	if _, _, waiting, _ := w.versions.Pending(ctx, stranger); waiting {
		t.Error("a stranger's upload waits")
	}
}

// /content lists the latest versions and which are kept; /rollback goes back to a kept
// one (audited), and says when a version is not kept or never was.
func TestContentAndRollback(t *testing.T) {
	w := setUp(t)
	ed := bottest.NewChat(t, w.svc, editor)
	says(t, ed.Text("/content"), "Опубликованных версий нет")
	ctx := context.Background()
	w.versions.Kept = 5
	for i := range 8 {
		_, _ = w.versions.Publish(ctx, []byte("zip"), "aigerim", fmt.Sprintf("change %d", i+1))
	}
	r := ed.Text("/content")
	says(t, r, "Контент: сейчас версия 8.")
	says(t, r, "▶ 8 · ")
	says(t, r, "Хранятся версии с 4 по 8")
	if n := strings.Count(r.Replies[0].Text, "aigerim"); n != 5 {
		t.Errorf("/content lists %d versions, want the 5 kept:\n%s", n, r.Replies[0].Text)
	}

	says(t, ed.Text("/rollback 5"), "Возвращена версия 5.")
	if got := w.versions.CurrentNumber(); got != 5 {
		t.Errorf("version %d is current after /rollback 5", got)
	}
	says(t, ed.Text("/content"), "▶ 5 · ")
	says(t, ed.Text("/rollback 2"), "Версия 2 больше не хранится: хранятся версии с 4 по 8.")
	says(t, ed.Text("/rollback 30"), "Версии 30 нет.")
	for _, bad := range []string{"/rollback", "/rollback x", "/rollback -1"} {
		says(t, ed.Text(bad), "Вернуть версию: /rollback номер")
	}
	if got := w.versions.CurrentNumber(); got != 5 {
		t.Errorf("version %d is current after refused rollbacks", got)
	}
	entries := w.roles.Entries()
	if len(entries) != 1 || entries[0] != (admin.Entry{At: now, Who: editor, Action: "content.rollback", Detail: "5"}) {
		t.Errorf("the audit log: %+v", entries)
	}
}
