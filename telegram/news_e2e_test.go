package telegram_test

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/qamqor/qamqor/bot"
	botnews "github.com/qamqor/qamqor/bot/news"
	"github.com/qamqor/qamqor/bot/privacy"
	"github.com/qamqor/qamqor/content"
	"github.com/qamqor/qamqor/internal/fakebotapi"
	"github.com/qamqor/qamqor/store"
)

// newsReplica is one bot process with subscriptions and broadcasts on, and its broadcaster.
type newsReplica struct {
	svc         *bot.Service
	run         *running
	stopSending context.CancelFunc
	sending     chan struct{}
}

// startNews runs a replica whose broadcaster sends at rate messages a second (0: the default).
func (w *world) startNews(name string, rate float64) *newsReplica {
	w.t.Helper()
	rdb := w.redis.Client()
	log := slog.New(slog.NewTextHandler(w.logs, &slog.HandlerOptions{Level: slog.LevelDebug})).With("replica", name)
	svc := bot.NewService(w.engine(), store.NewSessions(rdb), log)
	w.withRoles(svc)
	news := botnews.New(store.NewNews(rdb), botnews.Options{Rate: rate})
	mustRegister(w.t, svc, news, privacy.New())
	r := &newsReplica{svc: svc, sending: make(chan struct{})}
	r.run = w.startWith(polling, svc)
	b := news.Broadcaster(r.run.bot.Deliver, name, svc, log)
	ctx, cancel := context.WithCancel(context.Background())
	r.stopSending = cancel
	go func() { defer close(r.sending); b.Run(ctx) }()
	w.t.Cleanup(func() { r.stop(w.t) })
	return r
}

// stop is SIGTERM: the broadcaster finishes the send in hand, then the bot stops.
func (r *newsReplica) stop(t *testing.T) {
	r.stopSending()
	select {
	case <-r.sending:
	case <-time.After(30 * time.Second):
		t.Error("the broadcaster did not stop within 30s")
	}
	r.run.stop(t)
}

// textIn sends a message in a language's app and waits for the answer.
func (w *world) textIn(chat int64, text, lang string) {
	w.t.Helper()
	before := len(w.api.Messages(chat))
	w.api.SendText(chat, text, lang)
	w.waitFor(func() bool { return len(w.api.Messages(chat)) > before }, fmt.Sprintf("an answer to %q", text))
}

func (w *world) lastHas(chat int64, want ...string) {
	w.t.Helper()
	got := w.api.Last(chat).Text
	for _, s := range want {
		if !strings.Contains(got, s) {
			w.t.Fatalf("chat %d was told:\n%s\nwant it to say %q", chat, got, s)
		}
	}
}

func TestSubscribingToATopicsNewsInBothLanguages(t *testing.T) {
	w := newWorld(t)
	w.startNews("a", 0)
	const ru, kk = 700, 701

	w.textIn(ru, "/start", "ru")
	w.press(polling, ru, "Русский")
	w.text(polling, ru, "/start disability")
	w.press(polling, ru, "🔔 Новости по этой теме")
	w.lastHas(ru, "Новости по теме «Поддержка людей с инвалидностью»", "Выберите свой регион")
	w.press(polling, ru, "г. Алматы")
	w.lastHas(ru, "Готово: вы подписаны на новости по теме «Поддержка людей с инвалидностью». Регион: г. Алматы.", "/stop")
	w.text(polling, ru, "/mydata")
	w.lastHas(ru, "подписка на новости: «Поддержка людей с инвалидностью»; регион: г. Алматы")

	// Back on the topic, the button shows the subscription and offers to change or leave it.
	w.text(polling, ru, "/start disability")
	w.press(polling, ru, "🔔 Новости по этой теме")
	w.lastHas(ru, "Вы подписаны на новости по теме «Поддержка людей с инвалидностью». Регион: г. Алматы.")
	w.press(polling, ru, "Изменить регион")
	w.press(polling, ru, "г. Астана")
	w.lastHas(ru, "Регион: г. Астана.")
	w.text(polling, ru, "/stop")
	w.lastHas(ru, "Вы отписались от всех новостей")
	w.text(polling, ru, "/mydata")
	if strings.Contains(w.api.Last(ru).Text, "подписка на новости") {
		t.Errorf("/mydata after /stop still lists a subscription:\n%s", w.api.Last(ru).Text)
	}
	w.text(polling, ru, "/stop")
	w.lastHas(ru, "Вы не подписаны на эти новости")

	w.textIn(kk, "/start", "kk")
	w.press(polling, kk, "Қазақша")
	w.text(polling, kk, "/start employment")
	w.press(polling, kk, "🔔 Осы тақырып бойынша жаңалықтар")
	w.lastHas(kk, "«Жұмыс және жұмыспен қамту» тақырыбы бойынша жаңалықтар", "Өңіріңізді таңдаңыз")
	w.press(polling, kk, "Бүкіл Қазақстан")
	w.lastHas(kk, "Дайын: сіз «Жұмыс және жұмыспен қамту» тақырыбы бойынша жаңалықтарға жазылдыңыз. Өңір: Бүкіл Қазақстан.")
	w.press(polling, kk, "🔕 Жазылымнан бас тарту")
	w.lastHas(kk, "«Жұмыс және жұмыспен қамту» тақырыбы бойынша жаңалықтардан бас тарттыңыз.")

	// A subscription button from a topic that no longer exists changes nothing.
	id, _ := w.api.Press(kk, w.api.Last(kk).ID, "N+nosuchtopic:")
	_ = id
	w.waitFor(func() bool { return strings.Contains(w.api.Last(kk).Text, "Бұл түйме ескірген") }, "the stale button answer")
	if sub, ok, _ := store.NewNews(w.redis.Client()).Subscription(context.Background(), kk); ok {
		t.Errorf("a stale button subscribed the person: %+v", sub)
	}
}

// subscribe makes chat a subscriber through the bot: language, topic, region label.
func (w *world) subscribe(chat int64, lang, topic, region string) {
	w.t.Helper()
	label, button := map[string]string{"ru": "Русский", "kk": "Қазақша"}[lang], map[string]string{"ru": "🔔 Новости по этой теме", "kk": "🔔 Осы тақырып бойынша жаңалықтар"}[lang]
	w.textIn(chat, "/start", lang)
	w.press(polling, chat, label)
	w.text(polling, chat, "/start "+topic)
	w.press(polling, chat, button)
	w.press(polling, chat, region)
}

func TestAnAdminBroadcastsToTheSubscribersItTargets(t *testing.T) {
	w := newWorld(t)
	w.startNews("a", 0)
	const almaty, country, astana, otherTopic = 710, 711, 712, 713
	w.subscribe(almaty, "ru", "disability", "г. Алматы")
	w.subscribe(country, "kk", "disability", "Бүкіл Қазақстан")
	w.subscribe(astana, "ru", "disability", "г. Астана")
	w.subscribe(otherTopic, "ru", "employment", "г. Алматы")

	for _, chat := range []int64{admin, stranger} {
		w.textIn(chat, "/start", "ru")
		w.press(polling, chat, "Русский")
	}
	// Strangers do not reach broadcasts, by command or by button.
	w.text(polling, stranger, "/broadcast")
	w.lastHas(stranger, "Я не знаю команду")
	w.text(polling, stranger, "/broadcasts")
	w.lastHas(stranger, "Я не знаю команду")

	w.text(polling, admin, "/broadcast")
	w.lastHas(admin, "Пришлите текст на казахском")
	w.text(polling, admin, "Жаңа жәрдемақы туралы хабарлама")
	w.lastHas(admin, "Теперь тот же текст на русском")
	w.text(polling, admin, "Сообщение о новом пособии")
	w.lastHas(admin, "Подписчикам какой темы")
	w.press(polling, admin, "Поддержка людей с инвалидностью")
	w.press(polling, admin, "г. Алматы")
	w.press(polling, admin, "Оба языка")
	w.lastHas(admin, "Получат: 2", "Сообщение о новом пособии", "Жаңа жәрдемақы туралы хабарлама",
		"тема: Поддержка людей с инвалидностью · регион: г. Алматы · язык: Оба языка")

	// A stranger pressing the admin's buttons gets a stale-button answer and sends nothing.
	id, _ := w.api.Press(stranger, w.api.Last(stranger).ID, "B:go")
	_ = id
	w.waitFor(func() bool { return strings.Contains(w.api.Last(stranger).Text, "кнопк") }, "the stranger's answer")

	w.press(polling, admin, "Отправить (2)")
	w.lastHas(admin, "Рассылка №1 поставлена в очередь: 2 получателя")
	w.waitFor(func() bool { return strings.Contains(w.api.Last(admin).Text, "Завершена") }, "the report of the finished broadcast")
	w.lastHas(admin, "Рассылка №1", "доставлено 2 из 2")

	if got := w.api.Last(almaty); got.Text != "Сообщение о новом пособии" || got.Buttons[0][0].Text != "🔕 Отписаться" {
		t.Errorf("the Almaty subscriber got %q %v", got.Text, got.Buttons)
	}
	if got := w.api.Last(country).Text; got != "Жаңа жәрдемақы туралы хабарлама" {
		t.Errorf("the whole-country subscriber, reading Kazakh, got %q", got)
	}
	for _, chat := range []int64{astana, otherTopic} {
		if got := w.api.Last(chat).Text; strings.Contains(got, "пособии") {
			t.Errorf("chat %d, not in the audience, got the broadcast", chat)
		}
	}
	// One tap under the news unsubscribes.
	w.press(polling, almaty, "🔕 Отписаться")
	w.lastHas(almaty, "Вы отписались от новостей по теме «Поддержка людей с инвалидностью»")

	w.text(polling, admin, "/broadcasts")
	w.lastHas(admin, "Рассылка №1", "доставлено 2 из 2")
	w.text(polling, admin, "/audit")
	w.lastHas(admin, "broadcast.send", "№1 to 2 (disability/almaty_city/*)")
}

// seedSubscribers makes n subscribers of topic in store, alternately Kazakh and Russian,
// who have all started the bot, and returns their chats.
func (w *world) seedSubscribers(first int64, n int, topic string) []int64 {
	w.t.Helper()
	news := store.NewNews(w.redis.Client())
	chats := make([]int64, n)
	for i := range chats {
		chats[i] = first + int64(i)
		lang := content.Langs[i%2]
		if err := news.Subscribe(context.Background(), chats[i], topic, "", lang); err != nil {
			w.t.Fatal(err)
		}
	}
	w.api.Started(chats...)
	return chats
}

// queueBroadcast queues a broadcast to every subscriber of topic, as the admin's Send does.
func (w *world) queueBroadcast(topic string) botnews.Broadcast {
	w.t.Helper()
	news := store.NewNews(w.redis.Client())
	a := botnews.Audience{Topic: topic}
	to, err := news.Audience(context.Background(), a)
	if err != nil {
		w.t.Fatal(err)
	}
	b, err := news.CreateBroadcast(context.Background(), botnews.Broadcast{Author: admin, Audience: a, Created: time.Now(),
		Texts: map[content.Lang]string{content.KK: "Жаңалық", content.RU: "Новость"}}, to)
	if err != nil {
		w.t.Fatal(err)
	}
	return b
}

func (w *world) broadcast(n int64) botnews.Broadcast {
	w.t.Helper()
	b, _, err := store.NewNews(w.redis.Client()).Broadcast(context.Background(), n)
	if err != nil {
		w.t.Fatal(err)
	}
	return b
}

// received counts the broadcast messages each chat got.
func (w *world) received(chats []int64) (total int, twice []int64) {
	for _, chat := range chats {
		n := 0
		for _, m := range w.api.Messages(chat) {
			if m.Text == "Новость" || m.Text == "Жаңалық" {
				n++
			}
		}
		total += n
		if n > 1 {
			twice = append(twice, chat)
		}
	}
	return total, twice
}

func TestABroadcastTo1000SubscribersThroughA429StormAndARestart(t *testing.T) {
	w := newWorld(t)
	w.api.Started(admin)
	chats := w.seedSubscribers(10_000, 1000, "disability")
	blocked := chats[:10]
	for _, chat := range blocked {
		w.api.BlockedBy(chat)
	}
	w.api.FailNext("sendMessage", 4, fakebotapi.FaultTooManyRequests(1)) // a storm at the start

	const rate = 300 // the test's pace; the limit itself is tested below
	first := w.startNews("first", rate)
	b := w.queueBroadcast("disability")
	w.waitFor(func() bool { got, _ := w.received(chats); return got >= 400 }, "400 messages before the restart")
	first.stop(t)
	atRestart, _ := w.received(chats)
	if atRestart >= 990 {
		t.Fatalf("the broadcast ended before the restart (%d sent): the test proves nothing", atRestart)
	}
	w.api.FailNext("sendMessage", 3, fakebotapi.FaultTooManyRequests(1)) // and another after it

	w.startNews("second", rate)
	w.api.WaitFor(t, 60*time.Second, func() bool { return !w.broadcast(b.Number).Finished.IsZero() }, "the broadcast to finish")

	got, twice := w.received(chats)
	if got != 990 || len(twice) > 0 {
		t.Errorf("%d messages reached 990 subscribers who did not block the bot; these got it twice: %v", got, twice)
	}
	done := w.broadcast(b.Number)
	if done.Total != 1000 || done.Sent != 990 || done.Blocked != 10 || done.Failed != 0 || done.Unknown != 0 {
		t.Errorf("the broadcast's record: %+v", done)
	}
	news := store.NewNews(w.redis.Client())
	for _, chat := range blocked {
		if _, ok, _ := news.Subscription(context.Background(), chat); ok {
			t.Errorf("chat %d blocked the bot and is still subscribed", chat)
		}
	}
	if _, ok, _ := news.Subscription(context.Background(), chats[500]); !ok {
		t.Error("a subscriber who got the news lost their subscription")
	}
	w.waitFor(func() bool { return strings.Contains(w.api.Last(admin).Text, "доставлено 990 из 1000") }, "the author told of the result")
	t.Logf("sent %d before the restart, %d after; 429s: %d", atRestart, 990-atRestart, count429(w.api.Calls("sendMessage")))
}

func count429(calls []fakebotapi.Call) int {
	n := 0
	for _, c := range calls {
		if c.Code == 429 {
			n++
		}
	}
	return n
}

func TestBroadcastsKeepUnder25MessagesASecondAcrossReplicas(t *testing.T) {
	w := newWorld(t)
	w.api.Started(admin)
	chats := w.seedSubscribers(20_000, 60, "family")
	w.startNews("a", 0)
	w.startNews("b", 0)
	b := w.queueBroadcast("family")
	w.api.WaitFor(t, 30*time.Second, func() bool { return !w.broadcast(b.Number).Finished.IsZero() }, "the broadcast to finish")
	if got, twice := w.received(chats); got != 60 || len(twice) > 0 {
		t.Fatalf("%d messages for 60 subscribers; twice: %v", got, twice)
	}
	var times []time.Time
	for _, c := range w.api.Calls("sendMessage") {
		if chat := c.IntParam("chat_id"); chat >= 20_000 && chat < 20_060 {
			times = append(times, c.Time)
		}
	}
	most := 0
	for i := range times {
		n := 0
		for j := i; j < len(times) && times[j].Sub(times[i]) < time.Second; j++ {
			n++
		}
		most = max(most, n)
	}
	if most > 25 {
		t.Errorf("%d broadcast messages within one second; the limit is 25", most)
	}
	t.Logf("at most %d messages in any second", most)
}
