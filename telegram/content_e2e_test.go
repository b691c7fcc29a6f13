package telegram_test

import (
	"bytes"
	"context"
	"io/fs"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/qamqor/qamqor/bot"
	"github.com/qamqor/qamqor/bot/publishing"
	"github.com/qamqor/qamqor/content"
	"github.com/qamqor/qamqor/internal/fakebotapi"
	"github.com/qamqor/qamqor/locales"
	"github.com/qamqor/qamqor/store"
	"github.com/qamqor/qamqor/telegram"
)

const editor = 400

// startContent runs the serve path with content publishing on, wired as cmd/qamqor wires
// it: admin is an admin, and the bot switches to each version announced through Redis.
func (w *world) startContent() *store.Content {
	w.t.Helper()
	rdb := w.redis.Client()
	log := slog.New(slog.NewTextHandler(w.logs, nil))
	bundle, err := locales.Bundle()
	if err != nil {
		w.t.Fatal(err)
	}
	svc := bot.NewService(w.engine(), store.NewSessions(rdb), log)
	w.withRoles(svc)
	published := store.NewContent(rdb)
	mustRegister(w.t, svc, publishing.New(published))

	ctx, cancel := context.WithCancel(context.Background())
	watching := make(chan struct{})
	go func() {
		defer close(watching)
		published.Watch(ctx, log, func(n int64) {
			v, err := published.Get(ctx, n)
			if err != nil {
				log.Error("reading a published version", "err", err)
				return
			}
			fsys, err := content.FromArchive(v.Archive)
			if err != nil {
				log.Error("opening a published version", "err", err)
				return
			}
			c, _, err := content.Load(fsys, "")
			if err != nil {
				log.Error("loading a published version", "err", err)
				return
			}
			svc.SetEngine(bot.NewEngine(c, bundle))
			log.Info("switched to published content", "version", n)
		})
	}()
	w.t.Cleanup(func() { cancel(); <-watching })
	// Announcements are not kept: the bot must listen before anything is published.
	w.waitFor(func() bool {
		n, err := rdb.PubSubNumSub(context.Background(), "content:changed").Result()
		return err == nil && n["content:changed"] > 0
	}, "the bot to watch for published content")
	w.startWith(polling, svc)
	return published
}

// grantEditor makes editor an editor, by the admin in chat, and has both choose lang.
func (w *world) grantEditor(lang string) {
	w.t.Helper()
	for _, chat := range []int64{admin, editor} {
		w.text(polling, chat, "/start")
	}
	w.press(polling, admin, "Русский")
	w.press(polling, editor, lang)
	w.text(polling, admin, "/role 400 editor")
	if got := w.api.Last(admin).Text; !strings.Contains(got, "выдана роль: редактор") {
		w.t.Fatalf("granting the editor role: %s", got)
	}
}

// upload has chat send a file and waits for the bot's answer.
func (w *world) upload(chat int64, name string, data []byte) fakebotapi.Message {
	w.t.Helper()
	before := len(w.api.Messages(chat))
	w.api.SendFile(chat, name, data, "ru")
	w.waitFor(func() bool { return len(w.api.Messages(chat)) > before }, "an answer to the file "+name)
	return w.api.Last(chat)
}

// contentZip is the shipped content directory, zipped, with old replaced by new once in
// file.
func contentZip(t *testing.T, file, old, new string) []byte {
	t.Helper()
	files := fstest.MapFS{}
	err := fs.WalkDir(content.Embedded(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(content.Embedded(), p)
		files[p] = &fstest.MapFile{Data: data}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	f := files[file]
	if f == nil || !bytes.Contains(f.Data, []byte(old)) {
		t.Fatalf("%s has no %q", file, old)
	}
	f.Data = bytes.Replace(f.Data, []byte(old), []byte(new), 1)
	archive, err := content.Archive(files)
	if err != nil {
		t.Fatal(err)
	}
	return archive
}

func downloadCodes(api *fakebotapi.Server) []int {
	var codes []int
	for _, c := range api.Calls(fakebotapi.Download) {
		codes = append(codes, c.Code)
	}
	return codes
}

func TestAnEditorUploadsContentOnTelegramAndEveryoneSeesIt(t *testing.T) {
	w := newWorld(t)
	published := w.startContent()
	w.grantEditor("Қазақша")
	w.text(polling, stranger, "/start")
	w.press(polling, stranger, "Қазақша")

	// Telegram failing once on the way is retried, unseen.
	w.api.FailNext("getFile", 1, fakebotapi.FaultInternal())
	w.api.FailNext(fakebotapi.Download, 1, fakebotapi.FaultInternal())
	archive := contentZip(t, "main.yaml", "kk: Басты мәзір\n", "kk: Басты мәзір — жаңартылды\n")
	got := w.upload(editor, "content.zip", archive)
	for _, want := range []string{"Тексерулер мен тесттер өтті", "экрандар +0 −0, өзгергені 1", "өзгерген мәтіндер: қазақша 1, орысша 0"} {
		if !strings.Contains(got.Text, want) {
			t.Errorf("the summary lacks %q:\n%s", want, got.Text)
		}
	}
	if labels := buttonLabels(got); len(labels) != 2 || labels[0] != "Жариялау" || labels[1] != "Жарияламау" {
		t.Fatalf("the summary's buttons: %v", labels)
	}
	if codes := downloadCodes(w.api); len(codes) != 2 || codes[0] != 500 || codes[1] != 200 {
		t.Errorf("downloads: %v, want a failure and its retry", codes)
	}
	if _, ok, err := published.Current(t.Context()); ok || err != nil {
		t.Fatalf("published before the press: %v %v", ok, err)
	}

	w.press(polling, editor, "Жариялау")
	if got := w.api.Last(editor).Text; !strings.Contains(got, "1 нұсқасы жарияланды") {
		t.Fatalf("publishing: %s", got)
	}
	w.waitFor(func() bool { return strings.Contains(w.logs.String(), "switched to published content") }, "the bot to switch")
	w.text(polling, editor, "/menu")
	w.screen(editor, "Басты мәзір — жаңартылды")
	w.text(polling, stranger, "/menu")
	w.screen(stranger, "Басты мәзір — жаңартылды")
	if v, ok, err := published.Current(t.Context()); !ok || err != nil || v.Number != 1 || !bytes.Equal(v.Archive, archive) {
		t.Errorf("the current version: %d %v %v", v.Number, ok, err)
	}
	if strings.Contains(w.logs.String(), w.api.Token) {
		t.Error("the bot token appears in the logs")
	}
}

func buttonLabels(m fakebotapi.Message) []string {
	var out []string
	for _, row := range m.Buttons {
		for _, b := range row {
			out = append(out, b.Text)
		}
	}
	return out
}

func TestBrokenAndStrangersUploadsChangeNothing(t *testing.T) {
	w := newWorld(t)
	published := w.startContent()
	w.grantEditor("Русский")
	w.text(polling, stranger, "/start")
	w.press(polling, stranger, "Русский")

	mainYAML, err := fs.ReadFile(content.Embedded(), "main.yaml")
	if err != nil {
		t.Fatal(err)
	}
	broken := strings.Replace(string(mainYAML), "ru: Главное меню\n", "ru: [Главное меню\n", 1)
	got := w.upload(editor, "main.yaml", []byte(broken))
	// The bracket opened on line 4 is never closed.
	if !strings.Contains(got.Text, "Не опубликовано: в контенте ошибок") || !strings.Contains(got.Text, "\nmain.yaml:4: YAML syntax") || got.Buttons != nil {
		t.Errorf("a broken file:\n%s\n%v", got.Text, got.Buttons)
	}

	// Someone without a role: a file is just something the bot cannot read, and does not
	// download.
	fetched := w.api.CallCount("getFile")
	got = w.upload(stranger, "content.zip", contentZip(t, "main.yaml", "ru: Главное меню\n", "ru: Взломано\n"))
	if !strings.Contains(got.Text, "Я понимаю только текст и кнопки") || strings.Contains(got.Text, "Опубликовать") {
		t.Errorf("a stranger's file:\n%s", got.Text)
	}
	if n := w.api.CallCount("getFile") - fetched; n != 0 {
		t.Errorf("the bot fetched a stranger's file (%d getFile calls)", n)
	}
	if _, ok, err := published.Current(t.Context()); ok || err != nil {
		t.Errorf("a version was published: %v %v", ok, err)
	}
	if keys := w.redis.Keys("*content*"); len(keys) != 0 {
		t.Errorf("content keys in Redis: %v", keys)
	}
	w.text(polling, stranger, "/menu")
	w.screen(stranger, "Главное меню\n")
}

func TestAnUploadThatCannotBeFetchedIsAnsweredNotDropped(t *testing.T) {
	w := newWorld(t)
	w.configure = func(c *telegram.Config) { c.FileTimeout = time.Second }
	w.startContent()
	w.grantEditor("Русский")
	const notFetched = "Файл больше 5 МБ или не скачался"
	archive := contentZip(t, "main.yaml", "ru: Главное меню\n", "ru: Главное меню — обновлено\n")

	// Too big: not even asked for.
	if got := w.upload(editor, "content.zip", make([]byte, bot.MaxFileSize+1)); !strings.Contains(got.Text, notFetched) {
		t.Errorf("a file over 5 MB: %s", got.Text)
	}
	if n := w.api.CallCount("getFile") + w.api.CallCount(fakebotapi.Download); n != 0 {
		t.Errorf("%d calls to fetch a file over 5 MB", n)
	}

	// Refused for good: said at once.
	w.api.FailNext(fakebotapi.Download, 1, fakebotapi.Fault{Code: http.StatusNotFound, Description: fakebotapi.DescNotFound})
	if got := w.upload(editor, "content.zip", archive); !strings.Contains(got.Text, notFetched) {
		t.Errorf("a download refused: %s", got.Text)
	}
	// Failing on and on: said once the bot gives up.
	w.api.FailRatio(fakebotapi.Download, 1, fakebotapi.FaultInternal(), 1)
	if got := w.upload(editor, "content.zip", archive); !strings.Contains(got.Text, notFetched) {
		t.Errorf("a download failing: %s", got.Text)
	}
	w.api.ClearFaults()

	// Sent again, it goes through.
	if got := w.upload(editor, "content.zip", archive); !strings.Contains(got.Text, "Проверки и тесты пройдены") {
		t.Errorf("the file sent again: %s", got.Text)
	}
	logs := w.logs.String()
	if !strings.Contains(logs, "the document could not be downloaded") {
		t.Errorf("the failures were not logged:\n%s", logs)
	}
	if strings.Contains(logs, w.api.Token) {
		t.Error("the bot token appears in the logs")
	}
}
