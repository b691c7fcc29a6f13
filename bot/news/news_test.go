package news_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/qamqor/qamqor/bot"
	"github.com/qamqor/qamqor/bot/bottest"
	"github.com/qamqor/qamqor/bot/news"
	"github.com/qamqor/qamqor/bot/privacy"
	"github.com/qamqor/qamqor/content"
)

const admin, stranger, person = 1, 2, 3

// roles makes chats admins and keeps the audit log, as the roles feature does.
type roles struct {
	admins map[int64]bool
	mu     sync.Mutex
	audit  []string
}

func (r *roles) Name() string { return "roles" }
func (r *roles) Register(rt *bot.Router) {
	rt.Authorize(r)
	rt.AuditWith(r)
}
func (r *roles) Has(_ context.Context, chat int64, want ...bot.Role) bool {
	return r.admins[chat] && slices.Contains(want, bot.RoleAdmin)
}
func (r *roles) Audit(_ context.Context, _ time.Time, who int64, action, detail string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.audit = append(r.audit, fmt.Sprintf("%d %s %s", who, action, detail))
}
func (r *roles) entries() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.audit)
}

// clock is a fake clock: waiting on it moves it on at once, and it remembers each wait.
type clock struct {
	mu    sync.Mutex
	now   time.Time
	waits []time.Duration
}

func newClock() *clock { return &clock{now: time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) After(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	c.waits = append(c.waits, d)
	ch := make(chan time.Time, 1)
	ch <- c.now
	return ch
}

type world struct {
	svc      *bot.Service
	sessions *bottest.Sessions
	store    *bottest.News
	feature  *news.Feature
	roles    *roles
	clock    *clock
}

func setUp(t *testing.T) *world {
	t.Helper()
	w := &world{store: bottest.NewNews(), roles: &roles{admins: map[int64]bool{admin: true}}, clock: newClock()}
	w.feature = news.New(w.store, news.Options{Rate: 10, Now: w.clock.Now, After: w.clock.After})
	w.sessions = bottest.NewSessions()
	// One clock for the service and the broadcaster.
	w.svc = bot.NewService(bottest.Engine(t), w.sessions, bottest.Quiet, bot.WithServiceClock(w.clock.Now))
	if err := w.svc.Register(w.roles, w.feature, privacy.New()); err != nil {
		t.Fatal(err)
	}
	bottest.Russian(w.sessions, admin, stranger, person)
	return w
}

func says(t *testing.T, r bot.Result, want ...string) {
	t.Helper()
	all := strings.Join(bottest.Texts(r), "\n")
	for _, s := range want {
		if !strings.Contains(all, s) {
			t.Fatalf("no reply says %q:\n%s", s, all)
		}
	}
}

// press presses the button labelled label in c's last result.
func press(t *testing.T, c *bottest.Chat, label string) bot.Result {
	t.Helper()
	data := bottest.Button(c.Last, label)
	if data == "" {
		t.Fatalf("no button %q in:\n%s", label, strings.Join(bottest.Texts(c.Last), "\n"))
	}
	return c.Press(data)
}

// writes counts the session writes f makes.
func (w *world) writes(f func()) int {
	before := w.sessions.Writes()
	f()
	return w.sessions.Writes() - before
}

func (w *world) subscription(t *testing.T, chat int64) (news.Subscription, bool) {
	t.Helper()
	sub, ok, err := w.store.Subscription(context.Background(), chat)
	if err != nil {
		t.Fatal(err)
	}
	return sub, ok
}

// A topic's screen offers its news; the person picks a region, changes it, subscribes to a
// second topic and leaves it again. Every press is one session write, and a button for a
// topic or region content does not have subscribes nobody.
func TestSubscribingByTopicAndRegionAndLeavingATopic(t *testing.T) {
	w := setUp(t)
	c := bottest.NewChat(t, w.svc, person)
	if r := c.Text("/start helplines_150"); bottest.Button(r, "🔔 Новости по этой теме") != "" {
		t.Fatal("an answer screen, which is no topic, offers news")
	}
	c.Text("/start disability")
	n := w.writes(func() {
		says(t, press(t, c, "🔔 Новости по этой теме"), "Новости по теме «Поддержка людей с инвалидностью»", "Выберите свой регион")
		says(t, press(t, c, "г. Алматы"), "Готово: вы подписаны на новости по теме «Поддержка людей с инвалидностью». Регион: г. Алматы.")
	})
	if n != 2 {
		t.Errorf("two presses wrote the session %d times, want once each", n)
	}
	if sub, _ := w.subscription(t, person); !slices.Equal(sub.Topics, []string{"disability"}) || sub.Region != "almaty_city" || sub.Lang != content.RU {
		t.Fatalf("subscription: %+v", sub)
	}

	c.Text("/start disability")
	says(t, press(t, c, "🔔 Новости по этой теме"), "Вы подписаны на новости по теме «Поддержка людей с инвалидностью». Регион: г. Алматы.")
	press(t, c, "Изменить регион")
	says(t, press(t, c, "г. Астана"), "Регион: г. Астана.")
	c.Text("/start employment")
	press(t, c, "🔔 Новости по этой теме")
	press(t, c, "Весь Казахстан")
	if sub, _ := w.subscription(t, person); !slices.Equal(sub.Topics, []string{"disability", "employment"}) || sub.Region != "" {
		t.Fatalf("after the second topic, for the whole country: %+v", sub)
	}
	says(t, press(t, c, "🔕 Отписаться"), "Вы отписались от новостей по теме «Работа и занятость»")
	if sub, _ := w.subscription(t, person); !slices.Equal(sub.Topics, []string{"disability"}) {
		t.Fatalf("after leaving one topic: %+v", sub)
	}
	says(t, c.Press("N-employment"), "Вы не подписаны на эти новости")

	for _, data := range []string{"N+nosuchtopic:", "N+family:nowhere", "N:nosuchtopic", "N*nosuchtopic"} {
		says(t, c.Press(data), "Эта кнопка устарела")
	}
	if sub, _ := w.subscription(t, person); !slices.Equal(sub.Topics, []string{"disability"}) || sub.Region != "" {
		t.Fatalf("stale buttons changed the subscription: %+v", sub)
	}
}

// /stop leaves every topic, and is in the messenger's command menu.
func TestStopLeavesEveryTopic(t *testing.T) {
	w := setUp(t)
	ctx := context.Background()
	_ = w.store.Subscribe(ctx, person, "disability", "", content.RU)
	_ = w.store.Subscribe(ctx, person, "family", "", content.RU)
	c := bottest.NewChat(t, w.svc, person)
	says(t, c.Text("/stop"), "Вы отписались от всех новостей")
	if sub, ok := w.subscription(t, person); ok {
		t.Fatalf("still subscribed after /stop: %+v", sub)
	}
	says(t, c.Text("/stop"), "Вы не подписаны на эти новости")

	if !slices.Contains(w.svc.Commands(content.RU), bot.Command{Name: "stop", Description: "Отписаться от всех новостей"}) {
		t.Errorf("/stop is not in the menu: %+v", w.svc.Commands(content.RU))
	}
	if slices.ContainsFunc(w.svc.Engine().Commands(content.RU), func(c bot.Command) bool { return c.Name == "stop" }) {
		t.Error("the engine itself still knows /stop")
	}
}

// Someone who switches language gets news in the new one from then on.
func TestTheSubscriptionFollowsALanguageSwitch(t *testing.T) {
	w := setUp(t)
	c := bottest.NewChat(t, w.svc, person)
	c.Text("/start disability")
	press(t, c, "🔔 Новости по этой теме")
	press(t, c, "Весь Казахстан")
	c.Text("/lang")
	if sub, _ := w.subscription(t, person); sub.Lang != content.KK {
		t.Fatalf("after /lang to Kazakh the subscription is in %q", sub.Lang)
	}
	c.Text("/start disability")
	says(t, press(t, c, "🔔 Осы тақырып бойынша жаңалықтар"), "Өңір: Бүкіл Қазақстан")
	c.Press("l:ru")
	if sub, _ := w.subscription(t, person); sub.Lang != content.RU {
		t.Fatalf("after choosing Russian the subscription is in %q", sub.Lang)
	}
}

// An admin writes both texts, picks the audience, sees how many it reaches, and queues it:
// one session write per step, audited once, and a second press or a run again after a
// crash queues nothing more.
func TestAnAdminWritesTargetsAndQueuesABroadcast(t *testing.T) {
	w := setUp(t)
	ctx := context.Background()
	_ = w.store.Subscribe(ctx, 10, "disability", "almaty_city", content.RU)
	_ = w.store.Subscribe(ctx, 11, "disability", "", content.KK)
	_ = w.store.Subscribe(ctx, 12, "disability", "astana", content.RU)
	_ = w.store.Subscribe(ctx, 13, "employment", "almaty_city", content.RU)
	c := bottest.NewChat(t, w.svc, admin)

	steps := []func(){
		func() { says(t, c.Text("/broadcast"), "Пришлите текст на казахском") },
		func() {
			says(t, c.Text("Жаңа жәрдемақы туралы хабарлама"), "Теперь тот же текст на русском")
		},
		func() {
			says(t, c.Text("Сообщение о новом пособии"), "Подписчикам какой темы")
		},
		func() { press(t, c, "Поддержка людей с инвалидностью") },
		func() { press(t, c, "г. Алматы") },
		func() {
			says(t, press(t, c, "Оба языка"), "Получат: 2", "Сообщение о новом пособии", "Жаңа жәрдемақы туралы хабарлама",
				"тема: Поддержка людей с инвалидностью · регион: г. Алматы · язык: Оба языка")
		},
	}
	for i, step := range steps {
		if n := w.writes(step); n != 1 {
			t.Errorf("step %d wrote the session %d times, want once", i+1, n)
		}
	}
	if s, _ := w.sessions.Get(admin); s.Flow != "" {
		t.Errorf("the flow is still %q after both texts", s.Flow)
	}
	draft, _, _ := w.store.Draft(ctx, admin)
	beforeSend, _ := w.sessions.Get(admin)
	sendButton := bottest.Button(c.Last, "Отправить (2)")

	says(t, press(t, c, "Отправить (2)"), "Рассылка №1 поставлена в очередь: 2 получателя, до 10 сообщений в секунду")
	b, ok, _ := w.store.Broadcast(ctx, 1)
	if !ok || b.Total != 2 || b.Author != admin || b.AuthorLang != content.RU || b.Texts[content.KK] != "Жаңа жәрдемақы туралы хабарлама" ||
		b.Audience != (news.Audience{Topic: "disability", Region: "almaty_city"}) || !b.Created.Equal(w.clock.Now()) {
		t.Fatalf("the broadcast queued: %+v", b)
	}
	if got := w.store.Todo(1); len(got) != 2 || got[0].Chat != 10 || got[1].Chat != 11 {
		t.Errorf("queued for %+v, want chats 10 and 11", got)
	}
	if _, ok, _ := w.store.Draft(ctx, admin); ok {
		t.Error("the draft is kept after sending")
	}
	want := []string{"1 broadcast.send №1 to 2 (disability/almaty_city/*)"}
	if got := w.roles.entries(); !slices.Equal(got, want) {
		t.Errorf("audit log %q, want %q", got, want)
	}

	// A second press: the draft is gone.
	says(t, c.Press(sendButton), "Черновик рассылки не найден")
	// The press run again, as after a crash between queueing and the session's commit.
	_ = w.store.SaveDraft(ctx, admin, draft)
	w.sessions.Set(admin, beforeSend)
	again := c.Again(bot.Input{Kind: bot.InputButton, Data: sendButton})
	says(t, again, "Рассылка №1 поставлена в очередь")
	if bs, _ := w.store.Broadcasts(ctx, 10); len(bs) != 1 {
		t.Errorf("%d broadcasts after the press ran twice, want 1", len(bs))
	}
	if got := w.roles.entries(); !slices.Equal(got, want) {
		t.Errorf("audit log after the press ran twice: %q", got)
	}

	says(t, c.Press(bottest.Button(again, "Как идёт рассылка")), "Рассылка №1", "доставлено 0 из 2", "Идёт отправка.")
	says(t, c.Text("/broadcasts"), "Рассылка №1", "доставлено 0 из 2")
}

// A broadcast with nobody in its audience cannot be sent, a cancelled one leaves no draft,
// and a text over the limit is asked for again.
func TestABroadcastToNobodyAndACancelledOne(t *testing.T) {
	w := setUp(t)
	ctx := context.Background()
	c := bottest.NewChat(t, w.svc, admin)
	c.Text("/broadcast")
	says(t, c.Text(strings.Repeat("ж", 4001)), "Текст длиннее 4000 знаков")
	c.Text("Хабарлама")
	c.Text("Сообщение")
	press(t, c, "Всем подписчикам")
	press(t, c, "Все регионы")
	says(t, press(t, c, "Қазақша"), "Получат: 0", "Под эти условия не подходит ни один подписчик")
	if bottest.Button(c.Last, "Отправить (0)") != "" {
		t.Error("a broadcast to nobody can be sent")
	}
	says(t, c.Press("B:go"), "Получат: 0")
	says(t, press(t, c, "Отменить рассылку"), "Рассылка отменена")
	if _, ok, _ := w.store.Draft(ctx, admin); ok {
		t.Error("the draft is kept after cancelling")
	}
	if bs, _ := w.store.Broadcasts(ctx, 10); len(bs) != 0 {
		t.Errorf("broadcasts: %+v", bs)
	}
	says(t, c.Press("B:t:*"), "Черновик рассылки не найден")
}

// Someone who is no admin gets what any unknown command or stale button gets, and nothing
// is drafted, queued or audited.
func TestAStrangersBroadcastIsAnUnknownCommand(t *testing.T) {
	w := setUp(t)
	ctx := context.Background()
	c := bottest.NewChat(t, w.svc, stranger)
	unknown := strings.Join(bottest.Texts(c.Text("/nosuchcommand")), "\n")
	for _, cmd := range []string{"/broadcast", "/broadcasts"} {
		if got := strings.Join(bottest.Texts(c.Text(cmd)), "\n"); got != strings.Replace(unknown, "/nosuchcommand", cmd, 1) {
			t.Errorf("%s by a stranger: %q; want what any unknown command gets", cmd, got)
		}
	}
	if s, _ := w.sessions.Get(stranger); s.Flow != "" {
		t.Errorf("the stranger's flow is %q", s.Flow)
	}
	_ = w.store.SaveDraft(ctx, stranger, news.Draft{ID: "x", Texts: map[content.Lang]string{content.KK: "x", content.RU: "x"}})
	_ = w.store.Subscribe(ctx, person, "disability", "", content.RU)
	for _, data := range []string{"B:go", "B:no", "B:t:*", "B:p:1"} {
		says(t, c.Press(data), "Эта кнопка устарела")
	}
	if bs, _ := w.store.Broadcasts(ctx, 10); len(bs) != 0 {
		t.Errorf("a stranger queued %+v", bs)
	}
	if got := w.roles.entries(); len(got) != 0 {
		t.Errorf("audited: %q", got)
	}
}

// A store that does not answer is said to be away, and nothing changes.
func TestAStoreAwayIsSaid(t *testing.T) {
	w := setUp(t)
	c := bottest.NewChat(t, w.svc, person)
	w.store.Break(errors.New("connection refused"))
	says(t, c.Press("N+disability:"), "Сервис временно недоступен")
	says(t, c.Text("/stop"), "Сервис временно недоступен")
	w.store.Break(nil)
	if _, ok := w.subscription(t, person); ok {
		t.Error("subscribed while the store was away")
	}
	a := bottest.NewChat(t, w.svc, admin)
	a.Text("/broadcast")
	w.store.Break(errors.New("connection refused"))
	says(t, a.Text("Хабарлама"), "Сервис временно недоступен")
	w.store.Break(nil)
	if s, _ := w.sessions.Get(admin); s.Flow != "bc:kk" {
		t.Errorf("a text the store did not take moved the flow on to %q", s.Flow)
	}
}

// deliveries is a fake adapter's Deliver: it records every try, at the fake clock's time,
// and fails the tries fail says to.
type deliveries struct {
	clock *clock
	fail  func(chat int64, try int) error
	mu    sync.Mutex
	tries []try
}

type try struct {
	chat  int64
	reply bot.Reply
	at    time.Time
	err   error
}

func (d *deliveries) deliver(_ context.Context, chat int64, r bot.Reply) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	n := 0
	for _, t := range d.tries {
		if t.chat == chat {
			n++
		}
	}
	var err error
	if d.fail != nil {
		err = d.fail(chat, n+1)
	}
	d.tries = append(d.tries, try{chat: chat, reply: r, at: d.clock.Now(), err: err})
	return err
}

// got lists what reached chat.
func (d *deliveries) got(chat int64) []bot.Reply {
	d.mu.Lock()
	defer d.mu.Unlock()
	var out []bot.Reply
	for _, t := range d.tries {
		if t.chat == chat && t.err == nil {
			out = append(out, t.reply)
		}
	}
	return out
}

type engines struct{ e *bot.Engine }

func (e engines) Engine() *bot.Engine { return e.e }

// queue makes subscribers of disability, alternately Russian and Kazakh, and queues a
// broadcast to them.
func (w *world) queue(t *testing.T, chats ...int64) news.Broadcast {
	t.Helper()
	ctx := context.Background()
	var to []news.Recipient
	for i, chat := range chats {
		lang := []content.Lang{content.RU, content.KK}[i%2]
		_ = w.store.Subscribe(ctx, chat, "disability", "", lang)
		to = append(to, news.Recipient{Chat: chat, Lang: lang})
	}
	b, err := w.store.CreateBroadcast(ctx, news.Broadcast{Author: admin, AuthorLang: content.RU, Audience: news.Audience{Topic: "disability"},
		Texts: map[content.Lang]string{content.KK: "Жаңалық", content.RU: "Новость"}, Created: w.clock.Now()}, to)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func (w *world) broadcaster(t *testing.T, d *deliveries) *news.Broadcaster {
	return w.feature.Broadcaster(d.deliver, "replica-a", engines{bottest.Engine(t)}, bottest.Quiet)
}

// The broadcaster sends each subscriber the news in their language, one message every
// 1/rate on its clock, then tells the author.
func TestTheBroadcasterSendsAtTheRate(t *testing.T) {
	w := setUp(t)
	b := w.queue(t, 10, 11, 12, 13, 14)
	d := &deliveries{clock: w.clock}
	w.broadcaster(t, d).SendQueued(context.Background())

	var times []time.Time
	for _, tr := range d.tries {
		if tr.chat != admin {
			times = append(times, tr.at)
		}
	}
	if len(times) != 5 {
		t.Fatalf("%d messages for 5 subscribers", len(times))
	}
	for i := 1; i < len(times); i++ {
		if gap := times[i].Sub(times[i-1]); gap != 100*time.Millisecond {
			t.Errorf("message %d went %v after the one before; at 10 a second, want 100ms", i+1, gap)
		}
	}
	for i, chat := range []int64{10, 11, 12, 13, 14} {
		got := d.got(chat)
		want := []string{"Новость", "Жаңалық"}[i%2]
		if len(got) != 1 || got[0].Text != want || got[0].Buttons[0][0].Data != "N-disability" {
			t.Errorf("chat %d got %+v, want %q once with a button to stop", chat, got, want)
		}
	}
	done, _, _ := w.store.Broadcast(context.Background(), b.Number)
	if done.Sent != 5 || done.Total != 5 || !done.Finished.Equal(w.clock.Now()) {
		t.Errorf("the record: %+v", done)
	}
	if got := d.got(admin); len(got) != 1 || !strings.Contains(got[0].Text, "доставлено 5 из 5") {
		t.Errorf("the author was told %+v", got)
	}
}

// A 429 pauses sending for its retry_after without counting as a try; who blocked the bot
// is unsubscribed; a message that keeps failing is given up after five tries; who left
// after the broadcast was queued gets nothing and is out of its total.
func TestTheBroadcasterWaitsOut429sAndDropsWhoBlockedIt(t *testing.T) {
	w := setUp(t)
	b := w.queue(t, 10, 11, 12, 13, 14)
	_ = w.store.Unsubscribe(context.Background(), 14, "") // /stop after it was queued
	d := &deliveries{clock: w.clock, fail: func(chat int64, try int) error {
		switch {
		case chat == 11 && try <= 2:
			return &bot.RetryAfterError{After: 7 * time.Second}
		case chat == 12:
			return fmt.Errorf("%w: Forbidden: bot was blocked by the user", bot.ErrRecipientGone)
		case chat == 13:
			return errors.New("502 Bad Gateway")
		}
		return nil
	}}
	w.broadcaster(t, d).SendQueued(context.Background())

	var order []int64
	for i, tr := range d.tries {
		order = append(order, tr.chat)
		var retry *bot.RetryAfterError
		if errors.As(tr.err, &retry) {
			if next := d.tries[i+1]; next.at.Sub(tr.at) < retry.After {
				t.Errorf("the try after a 429 came %v later, within its retry_after of %v", next.at.Sub(tr.at), retry.After)
			}
		}
	}
	if want := []int64{10, 11, 11, 11, 12, 13, 13, 13, 13, 13, admin}; !slices.Equal(order, want) {
		t.Errorf("tries in order %v, want %v: nobody else while a 429 is waited out, five for a failing one", order, want)
	}
	if len(d.got(11)) != 1 || len(d.got(14)) != 0 {
		t.Errorf("chat 11 got %d messages, chat 14 (left) %d", len(d.got(11)), len(d.got(14)))
	}
	done, _, _ := w.store.Broadcast(context.Background(), b.Number)
	if done.Total != 4 || done.Sent != 2 || done.Blocked != 1 || done.Failed != 1 || done.Unknown != 0 {
		t.Errorf("the record: %+v", done)
	}
	if _, ok := w.subscription(t, 12); ok {
		t.Error("who blocked the bot is still subscribed")
	}
	if _, ok := w.subscription(t, 13); !ok {
		t.Error("who could not be reached lost their subscription")
	}
}

// Another replica holding the lease sends; this one sends nothing.
func TestOnlyTheLeaseHolderSends(t *testing.T) {
	w := setUp(t)
	w.queue(t, 10, 11)
	if ok, _ := w.store.ClaimSender(context.Background(), "replica-b", time.Minute); !ok {
		t.Fatal("no lease for replica-b")
	}
	d := &deliveries{clock: w.clock}
	w.broadcaster(t, d).SendQueued(context.Background())
	if len(d.tries) != 0 {
		t.Errorf("a replica without the lease sent %d messages", len(d.tries))
	}
}

// What news keeps about a person is listed by /mydata and deleted by /forget: the
// subscription, their place in a queued broadcast, an admin's draft; forgetting again
// finds nothing more to do.
func TestTheSubscriptionIsKeptAndForgotten(t *testing.T) {
	w := setUp(t)
	ctx := context.Background()
	b := w.queue(t, person, 10)
	_ = w.store.Subscribe(ctx, person, "disability", "almaty_city", content.RU)
	_ = w.store.SaveDraft(ctx, person, news.Draft{ID: "d"})

	lines, err := w.feature.Kept(ctx, person, content.RU, bottest.Engine(t))
	if err != nil || len(lines) != 1 || !strings.Contains(lines[0], "подписка на новости: «Поддержка людей с инвалидностью»; регион: г. Алматы") {
		t.Fatalf("kept: %q %v", lines, err)
	}
	says(t, bottest.NewChat(t, w.svc, person).Text("/mydata"), "подписка на новости: «Поддержка людей с инвалидностью»")

	for range 2 {
		if err := w.feature.Forget(ctx, person); err != nil {
			t.Fatal(err)
		}
		if _, ok := w.subscription(t, person); ok {
			t.Error("still subscribed")
		}
		if todo := w.store.Todo(b.Number); len(todo) != 1 || todo[0].Chat != 10 {
			t.Errorf("the queue holds %+v, want only chat 10", todo)
		}
		if got, _, _ := w.store.Broadcast(ctx, b.Number); got.Total != 1 {
			t.Errorf("the broadcast's total is %d, want 1", got.Total)
		}
		if _, ok, _ := w.store.Draft(ctx, person); ok {
			t.Error("the draft is kept")
		}
		if lines, _ := w.feature.Kept(ctx, person, content.RU, bottest.Engine(t)); len(lines) != 0 {
			t.Errorf("after Forget: %q", lines)
		}
	}
}
