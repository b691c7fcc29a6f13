package telegram_test

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"io/fs"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/qamqor/qamqor/bot"
	"github.com/qamqor/qamqor/content"
	"github.com/qamqor/qamqor/internal/ziptest"
)

// largestBomb is the largest zip the adapter downloads (bot.MaxFileSize) that expands to
// 1 GB: ten YAML files of 100 MiB behind incompressible padding.
func largestBomb(t *testing.T) []byte {
	spec := ziptest.Spec{Files: 10, MiBEach: 100}
	spec.Padding = bot.MaxFileSize - len(ziptest.Bomb(t, spec)) - 1024
	bomb := ziptest.Bomb(t, spec)
	if len(bomb) > bot.MaxFileSize || len(bomb) < bot.MaxFileSize-4096 {
		t.Fatalf("the bomb is %d bytes", len(bomb))
	}
	return bomb
}

// Issue 12, finding 2: a 4.9 MB zip sent to the bot crashed it out of memory. The largest
// zip the bot accepts, expanding to 1 GB, gets a clear answer, and the bot's memory grows
// by a few megabytes; nothing is kept.
func TestAZipBombSentToTheBotIsRefusedInBoundedMemory(t *testing.T) {
	w := newWorld(t)
	w.startContent()
	w.grantEditor("Русский")
	bomb := largestBomb(t)
	var got string
	m := ziptest.Measure(func() { got = w.upload(editor, "content.zip", bomb).Text })
	t.Logf("a zip of %.2f MB expanding to %d MiB, through the bot: %s; answer %q", float64(len(bomb))/1e6, 10*100, m, got)
	if !strings.Contains(got, "Не опубликовано: файл part-00.yaml в распакованном виде больше 512 КБ") {
		t.Errorf("the answer: %s", got)
	}
	if m.Allocated > 64<<20 {
		t.Errorf("the bomb took %s", m)
	}
	if keys := w.redis.Keys("*content*"); len(keys) != 0 {
		t.Errorf("content keys in Redis: %v", keys)
	}
	// The bot is still there for everyone.
	w.text(polling, stranger, "/start")
	w.press(polling, stranger, "Русский")
	w.screen(stranger, "Главное меню\n")
}

// Issue 12, finding 2: a junk file inside a valid zip added 5 MB to Redis per publish. The
// junk is named in the answer and left out of what waits and what is published.
func TestJunkInAnUploadDoesNotReachRedis(t *testing.T) {
	w := newWorld(t)
	published := w.startContent()
	w.grantEditor("Русский")
	junk := make([]byte, 4<<20)
	r := rand.New(rand.NewPCG(3, 4))
	for i := range junk {
		junk[i] = byte(r.Uint32())
	}
	upload := contentZipWith(t, map[string][]byte{"data/video.mp4": junk, "data/README.md": []byte("# notes\n")})
	got := w.upload(editor, "content.zip", upload).Text
	if !strings.Contains(got, "Проверки и тесты пройдены") || !strings.Contains(got, "Эти файлы — не контент, они не проверяются и не публикуются: data/README.md, data/video.mp4") {
		t.Fatalf("the answer:\n%s", got)
	}
	ctx := context.Background()
	rdb := w.redis.Client()
	pending, err := rdb.StrLen(ctx, "{content}:pending:400").Result()
	if err != nil {
		t.Fatal(err)
	}
	ttl, _ := rdb.TTL(ctx, "{content}:pending:400").Result()
	shipped, _ := content.Archive(content.Embedded())
	t.Logf("an upload of %d bytes (4 MiB of it junk): %d bytes wait in Redis for %v (the content packs to %d)", len(upload), pending, ttl, len(shipped))
	if pending > int64(len(shipped))*11/10 {
		t.Errorf("%d bytes wait in Redis for content that packs to %d", pending, len(shipped))
	}
	if ttl <= 0 || ttl > time.Hour {
		t.Errorf("the waiting upload's TTL: %v", ttl)
	}
	w.press(polling, editor, "Опубликовать")
	v, ok, err := published.Current(ctx)
	if err != nil || !ok {
		t.Fatalf("published: %v %v", ok, err)
	}
	zr, err := zip.NewReader(bytes.NewReader(v.Archive), int64(len(v.Archive)))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range zr.File {
		if !strings.HasSuffix(f.Name, ".yaml") {
			t.Errorf("published %s", f.Name)
		}
	}
	if len(v.Archive) > len(shipped)*11/10 {
		t.Errorf("published %d bytes for content that packs to %d", len(v.Archive), len(shipped))
	}
}

// contentZipWith is the shipped content under data/, zipped as an editor would, with extra
// files.
func contentZipWith(t *testing.T, extra map[string][]byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	add := func(name string, r io.Reader, method uint16) {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: method})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.Copy(w, r); err != nil {
			t.Fatal(err)
		}
	}
	err := fs.WalkDir(content.Embedded(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		f, err := content.Embedded().Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		add("data/"+p, f, zip.Deflate)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range extra {
		add(name, bytes.NewReader(data), zip.Store)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
