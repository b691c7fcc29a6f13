package bot_test

import (
	"context"
	"io"
	"io/fs"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/qamqor/qamqor/bot"
	"github.com/qamqor/qamqor/bot/admin"
	botnews "github.com/qamqor/qamqor/bot/news"
	"github.com/qamqor/qamqor/bot/privacy"
	"github.com/qamqor/qamqor/bot/publishing"
	"github.com/qamqor/qamqor/bot/referrals"
	"github.com/qamqor/qamqor/bot/stats"
	"github.com/qamqor/qamqor/content"
	"github.com/qamqor/qamqor/internal/redistest"
	"github.com/qamqor/qamqor/secret"
	"github.com/qamqor/qamqor/store"
	"github.com/redis/go-redis/v9"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

func TestRedisAwayGetsAPoliteAnswerAndNothingIsLost(t *testing.T) {
	srv := redistest.Start(t)
	svc := bot.NewService(newEngine(t, fixture), store.NewSessions(srv.Client()), quiet)
	ctx := context.Background()
	press := func(chat int64, data string) string {
		return svc.Handle(ctx, chat, bot.Input{Kind: bot.InputButton, Data: data}).Replies[0].Text
	}
	press(1, "l:ru")
	press(1, "g:a")
	press(2, "l:kk")

	srv.Restart() // save what was kept
	srv.Down()
	if got := press(1, "g:a1"); !strings.Contains(got, "временно недоступен") || strings.Contains(got, "уақытша") {
		t.Errorf("Russian speaker, Redis away: %q", got)
	}
	got := svc.Handle(ctx, 3, bot.Input{Kind: bot.InputText, Text: "/start"}).Replies[0].Text
	if !strings.Contains(got, "временно недоступен") || !strings.Contains(got, "уақытша қолжетімсіз") {
		t.Errorf("unknown language, Redis away: want both languages, got %q", got)
	}
	got = svc.Handle(ctx, 4, bot.Input{Kind: bot.InputText, Text: "/start", LangHint: content.KK}).Replies[0].Text
	if !strings.Contains(got, "уақытша қолжетімсіз") || strings.Contains(got, "временно") {
		t.Errorf("Kazakh app, Redis away: %q", got)
	}

	srv.Up()
	// Back on a: the press made while Redis was away changed nothing.
	if got := press(1, "b:a"); !strings.Contains(got, "Главное меню") {
		t.Errorf("after Redis returned, Back from a: %q", got)
	}
	if got := press(2, "h"); !strings.Contains(got, "Басты мәзір") {
		t.Errorf("after Redis returned, chat 2 lost its language: %q", got)
	}
}

// panicking is a store whose every update panics, standing in for a defect anywhere on the
// path of an update: the real store cannot be made to panic on purpose.
type panicking struct{}

func (panicking) Update(context.Context, int64, func(bot.Session) (bot.Session, error)) error {
	panic("defect")
}

func TestAPanicBecomesAnApology(t *testing.T) {
	svc := bot.NewService(newEngine(t, fixture), panicking{}, quiet)
	replies := svc.Handle(context.Background(), 1, bot.Input{Kind: bot.InputText, Text: "/start", LangHint: content.RU}).Replies
	if len(replies) != 1 || !strings.Contains(replies[0].Text, "что-то пошло не так") {
		t.Fatalf("replies %+v", replies)
	}
}

func TestARedeliveredUpdateIsAnsweredOnce(t *testing.T) {
	srv := redistest.Start(t)
	svc := bot.NewService(newEngine(t, fixture), store.NewSessions(srv.Client()), quiet)
	ctx := context.Background()
	send := func(id int64, in bot.Input) []bot.Reply {
		in.UpdateID = id
		return svc.Handle(ctx, 1, in).Replies
	}
	if r := send(10, bot.Input{Kind: bot.InputText, Text: "/start"}); len(r) != 1 {
		t.Fatalf("first delivery: %+v", r)
	}
	if r := send(10, bot.Input{Kind: bot.InputText, Text: "/start"}); r != nil {
		t.Fatalf("a redelivered /start was answered again: %+v", r)
	}
	if r := send(12, bot.Input{Kind: bot.InputButton, Data: "l:ru"}); len(r) != 1 {
		t.Fatalf("update 12: %+v", r)
	}
	// 11 arrives late (webhook deliveries can overtake each other): it is new, so handled.
	if r := send(11, bot.Input{Kind: bot.InputButton, Data: "g:b"}); len(r) != 1 || !strings.Contains(r[0].Text, "Работа") {
		t.Fatalf("a late but new update: %+v", r)
	}
	if r := send(12, bot.Input{Kind: bot.InputButton, Data: "l:ru"}); r != nil {
		t.Fatalf("a redelivered press was answered again: %+v", r)
	}
	// /start resets the conversation but not what was seen.
	send(13, bot.Input{Kind: bot.InputText, Text: "/start"})
	if r := send(13, bot.Input{Kind: bot.InputText, Text: "/start"}); r != nil {
		t.Fatalf("redelivery after a reset was answered: %+v", r)
	}
	// Only the last few ids are kept.
	for id := int64(100); id < 100+bot.MaxSeen+5; id++ {
		send(id, bot.Input{Kind: bot.InputResume})
	}
	raw := srv.Client().Get(ctx, store.SessionKey(1)).Val()
	if n := strings.Count(raw, ","); n > bot.MaxSeen+3 {
		t.Fatalf("the session grows with every update: %s", raw)
	}
	// Finding 11 of issue 12: an update redelivered after more newer ones than the list
	// holds (a replay after a crash, a late webhook retry) is not answered again; before,
	// nine newer updates were enough to push it out and have it answered twice.
	if r := send(100, bot.Input{Kind: bot.InputText, Text: "/start"}); r != nil {
		t.Fatalf("update 100, redelivered after %d newer ones, was answered again: %+v", bot.MaxSeen+4, r)
	}
}

func TestWithoutReferralsLinksAndPartnerCommandsAreOrdinaryInput(t *testing.T) {
	srv := redistest.Start(t)
	svc := bot.NewService(newEngine(t, fixture), store.NewSessions(srv.Client()), quiet)
	ctx := context.Background()
	say := func(text string) string {
		replies := svc.Handle(ctx, 1, bot.Input{Kind: bot.InputText, Text: text}).Replies
		if len(replies) == 0 {
			t.Fatalf("no answer to %q", text)
		}
		return replies[len(replies)-1].Text
	}
	if got := say("/start r_AAAAAAAAAAAAAAAA"); !strings.Contains(got, "Сәлеметсіз бе") {
		t.Errorf("a referral link with referrals off: %q", got)
	}
	svc.Handle(ctx, 1, bot.Input{Kind: bot.InputButton, Data: "l:ru"})
	for _, cmd := range []string{"/invite Org", "/refer", "/referrals"} {
		if got := say(cmd); !strings.Contains(got, "Я не знаю команду") {
			t.Errorf("%s with referrals off: %q", cmd, got)
		}
	}
}

func TestForgetAndMyDataWorkWithoutReferrals(t *testing.T) {
	srv := redistest.Start(t)
	svc := bot.NewService(newEngine(t, fixture), store.NewSessions(srv.Client()), quiet)
	if err := svc.Register(privacy.New()); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	svc.Handle(ctx, 1, bot.Input{Kind: bot.InputButton, Data: "l:ru"})
	svc.Handle(ctx, 1, bot.Input{Kind: bot.InputButton, Data: "g:a"})
	got := svc.Handle(ctx, 1, bot.Input{Kind: bot.InputText, Text: "/mydata"}).Replies[0].Text
	if !strings.Contains(got, "язык: Русский") || !strings.Contains(got, "«Инвалидность»") {
		t.Errorf("/mydata: %q", got)
	}
	// Cancelling keeps everything.
	svc.Handle(ctx, 1, bot.Input{Kind: bot.InputText, Text: "/forget"})
	if got := svc.Handle(ctx, 1, bot.Input{Kind: bot.InputButton, Data: "F:n"}).Replies[0].Text; !strings.Contains(got, "Ничего не удалено") || !strings.Contains(got, "Раздел А") {
		t.Errorf("cancelled /forget: %q", got)
	}
	svc.Handle(ctx, 1, bot.Input{Kind: bot.InputText, Text: "/forget"})
	if got := svc.Handle(ctx, 1, bot.Input{Kind: bot.InputButton, Data: "F:y"}).Replies[0].Text; !strings.Contains(got, "удалено") {
		t.Errorf("confirmed /forget: %q", got)
	}
	if n, _ := srv.Client().Exists(ctx, store.SessionKey(1)).Result(); n != 0 {
		t.Error("the session is still in Redis")
	}
	// The next message starts from nothing, even in this process (no cached session).
	if got := svc.Handle(ctx, 1, bot.Input{Kind: bot.InputText, Text: "привет"}).Replies[0].Text; !strings.Contains(got, "Сәлеметсіз бе") && !strings.Contains(got, "Сначала выберите язык") {
		t.Errorf("after /forget: %q", got)
	}
}

// commands counts the Redis commands a client sends (pipelines count as one round trip).
type commands struct{ n atomic.Int64 }

func (*commands) DialHook(next redis.DialHook) redis.DialHook { return next }
func (c *commands) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error { c.n.Add(1); return next(ctx, cmd) }
}
func (c *commands) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error { c.n.Add(1); return next(ctx, cmds) }
}

// TestReferralsCostOrdinaryUpdatesNothing: with referrals, statistics and news on,
// navigating and asking still take one round trip per update (counts are flushed in
// batches, apart).
func TestReferralsCostOrdinaryUpdatesNothing(t *testing.T) {
	srv := redistest.Start(t)
	rdb := srv.Client()
	key, err := secret.ParseKey(secret.GenerateKey())
	if err != nil {
		t.Fatal(err)
	}
	svc := bot.NewService(newEngine(t, fixture), store.NewSessions(rdb), quiet)
	if err := svc.Register(referrals.New(store.NewReferrals(rdb, key, 0), func(p string) string { return p }, nil)); err != nil {
		t.Fatal(err)
	}
	news := store.NewNews(rdb)
	if err := svc.Register(botnews.New(news, botnews.Options{}), admin.New(store.NewAdmin(rdb), []int64{1}, quiet), stats.New(store.NewStats(rdb), nil)); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	svc.Handle(ctx, 1, bot.Input{Kind: bot.InputButton, Data: "l:ru", UpdateID: 1}) // reads, loads the script
	counter := &commands{}
	rdb.AddHook(counter)
	inputs := []bot.Input{
		{Kind: bot.InputButton, Data: "g:a"}, {Kind: bot.InputButton, Data: "g:a1"}, {Kind: bot.InputButton, Data: "b:a1"},
		{Kind: bot.InputText, Text: "сумма пособия"}, {Kind: bot.InputText, Text: "/menu"}, {Kind: bot.InputButton, Data: "g:b"},
	}
	for i, in := range inputs {
		in.UpdateID = int64(i + 2)
		svc.Handle(ctx, 1, in)
	}
	if got := counter.n.Load(); got != int64(len(inputs)) {
		t.Fatalf("%d ordinary updates took %d round trips, want one each", len(inputs), got)
	}
}

func TestAnEditorUploadsContentAndPublishesIt(t *testing.T) {
	srv := redistest.Start(t)
	rdb := srv.Client()
	svc := bot.NewService(newEngine(t, nil), store.NewSessions(rdb), quiet)
	published := store.NewContent(rdb)
	if err := svc.Register(admin.New(store.NewAdmin(rdb), []int64{1}, quiet), publishing.New(published)); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	send := func(chat int64, in bot.Input) bot.Reply {
		t.Helper()
		replies := svc.Handle(ctx, chat, in).Replies
		if len(replies) == 0 {
			t.Fatalf("no answer to %+v", in)
		}
		return replies[0]
	}
	send(1, bot.Input{Kind: bot.InputButton, Data: "l:ru"})
	send(1, bot.Input{Kind: bot.InputText, Text: "/role 2 editor"})
	send(2, bot.Input{Kind: bot.InputButton, Data: "l:ru"})
	send(3, bot.Input{Kind: bot.InputButton, Data: "l:ru"})

	mainYAML, _ := fs.ReadFile(content.Embedded(), "main.yaml")
	changed := strings.Replace(string(mainYAML), "ru: Главное меню", "ru: Главное меню — обновлено", 1)

	// Someone without a role: a file is just something the bot cannot read.
	if got := send(3, bot.Input{Kind: bot.InputFile, File: &bot.File{Name: "main.yaml", Data: []byte(changed)}}); !strings.Contains(got.Text, "понимаю только текст и кнопки") {
		t.Errorf("a stranger's file: %s", got.Text)
	}

	// A file with an error is refused with file:line.
	broken := strings.Replace(string(mainYAML), "- disability\n", "- nowhere\n", 1)
	got := send(2, bot.Input{Kind: bot.InputFile, File: &bot.File{Name: "main.yaml", Data: []byte(broken)}})
	if !strings.Contains(got.Text, "Не опубликовано: в контенте ошибок") || !strings.Contains(got.Text, `main.yaml:`) || !strings.Contains(got.Text, `unknown node "nowhere"`) {
		t.Errorf("a broken file: %s", got.Text)
	}
	for _, bad := range []bot.File{{Name: "notes.txt", Data: []byte("x")}, {Name: "content.zip", Data: []byte("not a zip")}, {Name: "big.zip"}} {
		if got := send(2, bot.Input{Kind: bot.InputFile, File: &bot.File{Name: bad.Name, Data: bad.Data}}); got.Buttons != nil || got.Text == "" {
			t.Errorf("%s: %+v", bad.Name, got)
		}
	}

	// A good file: a summary in the editor's language, then publish.
	got = send(2, bot.Input{Kind: bot.InputFile, File: &bot.File{Name: "main.yaml", Data: []byte(changed)}})
	if !strings.Contains(got.Text, "экраны +0 −0 изменено 1") || !strings.Contains(got.Text, "русских 1") || len(got.Buttons) != 2 {
		t.Fatalf("a good file: %+v", got)
	}
	if got := send(2, bot.Input{Kind: bot.InputButton, Data: "U:pub"}); !strings.Contains(got.Text, "Опубликована версия 1") {
		t.Fatalf("publishing: %s", got.Text)
	}
	v, ok, err := published.Current(ctx)
	if err != nil || !ok || v.Number != 1 {
		t.Fatalf("current version: %+v %v %v", v, ok, err)
	}
	// The button works once: pressed again (or run again after a crash), it says which
	// version the upload became, and publishes nothing more.
	if got := send(2, bot.Input{Kind: bot.InputButton, Data: "U:pub"}); !strings.Contains(got.Text, "уже опубликована: версия 1") {
		t.Errorf("publishing twice: %s", got.Text)
	}
	if v, _, _ := published.Current(ctx); v.Number != 1 {
		t.Errorf("publishing twice made version %d", v.Number)
	}
	// An upload can be dropped.
	send(2, bot.Input{Kind: bot.InputFile, File: &bot.File{Name: "main.yaml", Data: []byte(changed)}})
	if got := send(2, bot.Input{Kind: bot.InputButton, Data: "U:no"}); !strings.Contains(got.Text, "Не опубликовано.") {
		t.Errorf("dropping: %s", got.Text)
	}
	if got := send(3, bot.Input{Kind: bot.InputButton, Data: "U:pub"}); strings.Contains(got.Text, "Опубликована") {
		t.Errorf("a stranger pressed publish: %s", got.Text)
	}
}
