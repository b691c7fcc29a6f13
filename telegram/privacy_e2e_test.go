package telegram_test

import (
	"context"
	"fmt"
	"log/slog"
	"path"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/qamqor/qamqor/bot"
	"github.com/qamqor/qamqor/bot/handoff"
	botnews "github.com/qamqor/qamqor/bot/news"
	"github.com/qamqor/qamqor/bot/privacy"
	"github.com/qamqor/qamqor/bot/publishing"
	"github.com/qamqor/qamqor/bot/referrals"
	"github.com/qamqor/qamqor/bot/stats"
	"github.com/qamqor/qamqor/content"
	"github.com/qamqor/qamqor/internal/fakebotapi"
	"github.com/qamqor/qamqor/qr"
	datakey "github.com/qamqor/qamqor/secret"
	"github.com/qamqor/qamqor/store"
	"github.com/redis/go-redis/v9"
)

// fullBot is one replica with every feature on, as cmd/qamqor runs it with DATA_KEY,
// ADMIN_IDS and OPERATOR_CHAT_ID set. Its broadcaster sends only once startSending is
// called, so a test can queue a broadcast and act before it goes out.
type fullBot struct {
	w   *world
	run *running
	b   *botnews.Broadcaster
}

// startFull starts it; sealMisses seals the texts of unanswered searches with the data
// key, as serve does when DATA_KEY is set.
func (w *world) startFull(sealMisses bool) *fullBot {
	w.t.Helper()
	rdb := w.redis.Client()
	key, err := datakey.ParseKey(datakey.GenerateKey())
	if err != nil {
		w.t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(w.logs, nil))
	svc := bot.NewService(w.engine(), store.NewSessions(rdb), log)
	w.withRoles(svc)
	mustRegister(w.t, svc, referrals.New(store.NewReferrals(rdb, key, 0),
		func(payload string) string { return "https://t.me/" + fakebotapi.BotUsername + "?start=" + payload },
		func(link string) ([]byte, error) { return qr.PNG(link, 400) }))
	mustRegister(w.t, svc, publishing.New(store.NewContent(rdb)))
	var opts []store.StatsOption
	if sealMisses {
		opts = append(opts, store.SealMisses(key))
	}
	mustRegister(w.t, svc, stats.New(store.NewStats(rdb, opts...), nil))
	mustRegister(w.t, svc, handoff.New(store.NewTickets(rdb, key), operators))
	f := &fullBot{w: w}
	news := botnews.New(store.NewNews(rdb), botnews.Options{})
	mustRegister(w.t, svc, news, privacy.New())
	w.api.Started(operators)
	f.run = w.startWith(polling, svc)
	f.b = news.Broadcaster(f.run.bot.Deliver, "full", svc, log)
	return f
}

// startSending runs the broadcaster until the test ends (before the bot stops).
func (f *fullBot) startSending() {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); f.b.Run(ctx) }()
	f.b.Kick()
	f.w.t.Cleanup(func() { cancel(); <-done })
}

// pressStarting presses the button whose label starts with prefix on chat's last message.
func (w *world) pressStarting(chat int64, prefix string) {
	w.t.Helper()
	for _, row := range w.api.Last(chat).Buttons {
		for _, b := range row {
			if strings.HasPrefix(b.Text, prefix) {
				w.press(polling, chat, b.Text)
				return
			}
		}
	}
	w.t.Fatalf("no button starting %q on:\n%s", prefix, w.api.Last(chat).Text)
}

// queueNews has the admin write and queue a broadcast to a topic's subscribers in a region.
func (w *world) queueNews(kk, ru, topic, region string) {
	w.t.Helper()
	w.text(polling, admin, "/broadcast")
	w.text(polling, admin, kk)
	w.text(polling, admin, ru)
	w.press(polling, admin, topic)
	w.press(polling, admin, region)
	w.press(polling, admin, "Оба языка")
	w.pressStarting(admin, "Отправить (")
	w.lastHas(admin, "поставлена в очередь")
}

// stored is every key in Redis, on every node, with every string its value holds: a
// string's value, a hash's fields and values, list, set and sorted-set members, stream
// entries' ids, fields and values.
func (w *world) stored() map[string][]string {
	w.t.Helper()
	ctx := context.Background()
	out := map[string][]string{}
	for _, n := range w.redis.Nodes() {
		iter := n.Scan(ctx, 0, "*", 500).Iterator()
		for iter.Next(ctx) {
			k := iter.Val()
			var vals []string
			switch typ := n.Type(ctx, k).Val(); typ {
			case "string":
				vals = []string{n.Get(ctx, k).Val()}
			case "hash":
				for f, v := range n.HGetAll(ctx, k).Val() {
					vals = append(vals, f, v)
				}
			case "list":
				vals = n.LRange(ctx, k, 0, -1).Val()
			case "set":
				vals = n.SMembers(ctx, k).Val()
			case "zset":
				vals = n.ZRange(ctx, k, 0, -1).Val()
			case "stream":
				for _, m := range n.XRange(ctx, k, "-", "+").Val() {
					vals = append(vals, m.ID)
					for f, v := range m.Values {
						vals = append(vals, f, fmt.Sprint(v))
					}
				}
			case "none": // expired meanwhile
			default:
				w.t.Errorf("key %s is a %s, which the scan cannot read", k, typ)
			}
			out[k] = vals
		}
		if err := iter.Err(); err != nil {
			w.t.Fatal(err)
		}
	}
	return out
}

// traces lists where Redis still holds any of words (in any case) or names chat. Updates
// still in hand (the journal under {updates}) are let go first: the last of them, the
// /forget itself, has been answered but may not have ended yet.
func (w *world) traces(chat int64, words []string) []string {
	w.t.Helper()
	id := strconv.FormatInt(chat, 10)
	w.waitFor(func() bool {
		for k, vals := range w.stored() {
			if strings.HasPrefix(k, "{updates}") && slices.ContainsFunc(vals, func(v string) bool { return strings.Contains(v, id) }) {
				return false
			}
		}
		return true
	}, "the updates in hand to end")
	var found []string
	for k, vals := range w.stored() {
		if strings.Contains(k, id) {
			found = append(found, "the key "+k)
		}
		for _, v := range vals {
			lower := strings.ToLower(v)
			if strings.Contains(v, id) {
				found = append(found, fmt.Sprintf("%s holds the chat id in %q", k, v))
			}
			for _, word := range words {
				if strings.Contains(lower, word) {
					found = append(found, fmt.Sprintf("%s holds %q in %q", k, word, v))
				}
			}
		}
	}
	return found
}

// TestForgetThenAKeyScanFindsNothingOfThePerson: a person asks search something with a
// name and a diagnosis in it that nothing answers (as a neighbour does, word for word,
// so that it is counted and shown to admins), is subscribed to news, and has a broadcast
// queued for them; then they send /forget. Every key and value in Redis is read: none
// holds their words or their chat id; the queued broadcast, sent by the real broadcaster,
// does not reach them; and /stats no longer shows their question.
func TestForgetThenAKeyScanFindsNothingOfThePerson(t *testing.T) {
	for _, sealed := range []bool{false, true} {
		t.Run(map[bool]string{false: "without DATA_KEY", true: "texts sealed"}[sealed], func(t *testing.T) {
			w := newWorld(t)
			full := w.startFull(sealed)
			const person, neighbour, reader = 736_512_049, 736_512_050, 736_512_051
			const question = "Айгерим Сапарова диагноз аутизм"
			words := []string{"айгерим", "сапарова", "диагноз", "аутизм"}

			w.subscribe(person, "ru", "disability", "г. Алматы")
			w.subscribe(reader, "ru", "disability", "г. Алматы")
			w.textIn(neighbour, "/start", "ru")
			w.press(polling, neighbour, "Русский")
			for _, chat := range []int64{person, neighbour} {
				w.text(polling, chat, question)
				w.lastHas(chat, "не нашёл подходящего ответа")
			}
			w.textIn(admin, "/start", "ru")
			w.press(polling, admin, "Русский")
			w.text(polling, admin, "/stats") // flushes the counts
			w.lastHas(admin, "айгерим сапарова диагноз аутизм — 2")
			if !sealed && len(w.traces(person, words[:1])) == 0 {
				t.Fatal("the question two people asked is nowhere in Redis: the scan proves nothing")
			}
			w.queueNews("Жаңа жәрдемақы туралы", "О новом пособии", "Поддержка людей с инвалидностью", "г. Алматы")

			w.text(polling, person, "/forget")
			w.press(polling, person, "Да, удалить всё")
			w.lastHas(person, "всё, что бот хранил о вас, удалено")
			for _, trace := range w.traces(person, words) {
				t.Errorf("after /forget: %s", trace)
			}

			full.startSending()
			w.waitFor(func() bool { return !w.broadcast(1).Finished.IsZero() }, "the broadcast to finish")
			if got := w.api.Last(reader).Text; got != "О новом пособии" {
				t.Fatalf("the other subscriber got %q: the broadcaster did not send", got)
			}
			for _, m := range w.api.Messages(person) {
				if strings.Contains(m.Text, "новом пособии") {
					t.Errorf("the person who sent /forget got the broadcast queued for them")
				}
			}
			if b := w.broadcast(1); b.Total != 1 || b.Sent != 1 {
				t.Errorf("the broadcast's record: %d of %d sent; want 1 of 1", b.Sent, b.Total)
			}
			for _, trace := range w.traces(person, words) {
				t.Errorf("after the broadcast: %s", trace)
			}
			w.text(polling, admin, "/stats")
			if got := w.api.Last(admin).Text; strings.Contains(got, "айгерим") {
				t.Errorf("/stats after /forget:\n%s", got)
			}
		})
	}
}

func TestAPartnerOpeningTheirOwnLinkIsToldItIsForTheirClient(t *testing.T) {
	w := newWorld(t)
	w.startReferrals()
	w.text(polling, staff, "/start")
	w.press(polling, staff, "Русский")
	w.invitePartner("Бота үміт")
	payload := w.refer(screenerLabel(t, content.RU), "Приходите в среду")

	w.text(polling, staff, "/start "+payload)
	w.lastHas(staff, "Это ссылка для вашего клиента", "Она по-прежнему действует", "Главное меню")
	w.text(polling, staff, "/lang")
	w.text(polling, staff, "/start "+payload)
	w.lastHas(staff, "Бұл сілтеме клиентіңізге арналған", "Басты мәзір")
	for _, m := range w.api.Messages(staff) {
		if strings.Contains(m.Text, "Клиент открыл направление") || strings.Contains(m.Text, "жолдамасын ашты") {
			t.Fatal("the partner opening their own link was reported as the client opening it")
		}
	}

	// The client then opens it and is introduced as usual.
	w.text(polling, client, "/start "+payload)
	w.screen(client, "Сәлеметсіз бе")
	w.press(polling, client, "Русский")
	w.lastHas(client, "Вас направила организация «Бота үміт»", "Приходите в среду")
	// The partner, who chose Kazakh, is told in Kazakh alone.
	w.waitFor(func() bool {
		return strings.Contains(w.api.Last(staff).Text, "жолдамасын ашты")
	}, "the partner to learn the client opened it")
	if got := w.api.Last(staff).Text; strings.Contains(got, "Клиент открыл") {
		t.Errorf("the notice to a Kazakh-speaking partner is in Russian too: %s", got)
	}
}

func TestAStaleOutcomeButtonShowsThePartnersScreen(t *testing.T) {
	w := newWorld(t)
	w.startReferrals()
	w.text(polling, staff, "/start")
	w.press(polling, staff, "Русский")
	w.invitePartner("Бота үміт")
	payload := w.refer(screenerLabel(t, content.RU), "")
	w.text(polling, client, "/start "+payload)
	w.press(polling, client, "Русский")
	code := strings.TrimPrefix(payload, "r_")

	w.closeReferral(code[:4], "помощь получена", "")
	w.lastHas(staff, "закрыто: помощь получена")

	stale := map[string]string{"ru": "Эта кнопка устарела. Вы сейчас здесь:\n\nГлавное меню", "kk": "Бұл түйме ескірген. Сіз қазір осы жердесіз:\n\nБасты мәзір"}
	for _, lang := range []string{"ru", "kk"} {
		if lang == "kk" {
			w.text(polling, staff, "/lang")
		}
		for _, data := range []string{
			"V:AAAAAAAAAAAAAAAA",             // no such referral to view
			"O:AAAAAAAAAAAAAAAA:helped",      // no such referral
			"O:" + code + ":no_such_outcome", // no such outcome
		} {
			w.text(polling, staff, "/referrals") // a fresh message to press on, each time
			msg := w.api.Last(staff)
			id, callback := w.api.Press(staff, msg.ID, data)
			w.deliver(polling, id)
			w.waitFor(func() bool {
				now := w.api.Last(staff)
				return w.api.Answered(callback) && (now.ID != msg.ID || now.Edits > msg.Edits)
			}, "the answer to "+data)
			got := w.api.Last(staff)
			if !strings.HasPrefix(got.Text, stale[lang]) || len(got.Buttons) == 0 {
				t.Errorf("%s in %s: %q with %d rows of buttons; want the stale-button sentence and the partner's screen", data, lang, got.Text, len(got.Buttons))
			}
		}
	}
}

// TestEveryKeyTheBotWritesHasATTLOrABound runs every feature through the bot against a real
// Redis — sessions and screeners, search, referrals, invitations, roles and the audit log,
// content publishing, tickets, news subscriptions and broadcasts, statistics, /mydata and
// /forget — then reads every key: each has a TTL, or is one of a short list of keys whose
// size is bounded otherwise, and that bound is checked.
func TestEveryKeyTheBotWritesHasATTLOrABound(t *testing.T) {
	w := newWorld(t)
	full := w.startFull(true)
	rdb := w.redis.Client()
	ctx := context.Background()
	const asker, neighbour, subscriber, leaver, asksSpecialist, third = 810, 811, 812, 813, 814, 815

	// Sessions, screens, a screener, a question search cannot answer asked by two people;
	// one of them has a @username, which the roles note.
	w.api.SetUsername(asker, "asker_810")
	for _, chat := range []int64{admin, editor, staff, asker, neighbour, leaver, asksSpecialist, third} {
		w.text(polling, chat, "/start")
		w.press(polling, chat, "Русский")
	}
	w.press(polling, asker, "Поддержка людей с инвалидностью")
	w.pressStarting(asker, "✓")
	w.walkScreener(asker, content.RU)
	w.text(polling, asker, "где купить билет на поезд")
	w.text(polling, neighbour, "где купить билет на поезд")
	w.text(polling, third, "где купить билет на поезд")

	// Roles, the audit log, content published by an editor, and an upload left waiting.
	w.text(polling, admin, "/role 400 editor")
	mainYAML := contentZip(t, "main.yaml", "ru: Главное меню", "ru: Главное меню — обновлено")
	w.upload(editor, "content.zip", mainYAML)
	w.press(polling, editor, "Опубликовать")
	w.lastHas(editor, "Опубликована версия 1")
	w.upload(editor, "content.zip", contentZip(t, "main.yaml", "ru: Главное меню", "ru: Меню"))
	w.text(polling, editor, "/content")
	w.text(polling, admin, "/audit")

	// Referrals: a partner, a referral opened with consent and completed and closed, one
	// never opened, an invitation never used.
	w.invitePartner("Бота үміт")
	payload := w.refer(screenerLabel(t, content.RU), "Приходите в среду")
	w.refer(screenerLabel(t, content.RU), "")
	w.text(polling, admin, "/invite Другая организация")
	w.text(polling, client, "/start "+payload)
	w.press(polling, client, "Русский")
	w.press(polling, client, "Да, можно")
	w.walkScreener(client, content.RU)
	w.waitFor(func() bool { return strings.Contains(w.api.Last(staff).Text, "прошёл опрос") }, "the completion notice")
	w.closeReferral(strings.TrimPrefix(payload, "r_")[:4], "помощь получена", "пособие назначено")
	w.text(polling, admin, "/partners")

	// Tickets: one answered and closed, one left open.
	for _, q := range []string{"Мне нужна консультация юриста", "Ещё один вопрос юристу"} {
		w.text(polling, asksSpecialist, "/start helplines_150")
		w.press(polling, asksSpecialist, "Спросить специалиста")
		w.text(polling, asksSpecialist, q)
		w.press(polling, asksSpecialist, "Да, отправить")
	}
	w.waitFor(func() bool { return strings.Contains(w.api.Last(operators).Text, "Ещё один вопрос") }, "the questions in the operators' chat")
	w.operatorReplies("№1", "Позвоните в центр правовой помощи")
	w.waitFor(func() bool {
		return strings.Contains(w.api.Last(asksSpecialist).Text, "Ответ специалиста")
	}, "the answer")
	w.press(polling, asksSpecialist, "Вопрос решён, закрыть обращение")
	w.text(polling, operators, "/tickets")

	// News: two subscribers, a broadcast queued and sent, a draft left unfinished.
	w.subscribe(subscriber, "ru", "disability", "г. Алматы")
	w.subscribe(leaver, "ru", "disability", "г. Алматы")
	w.queueNews("Жаңа жәрдемақы туралы", "О новом пособии", "Поддержка людей с инвалидностью", "г. Алматы")
	if ttl := rdb.PTTL(ctx, "{bc}:1:todo").Val(); ttl <= 0 {
		t.Errorf("the queue of a broadcast has no TTL (%v)", ttl)
	}
	w.text(polling, leaver, "/stop")
	full.startSending()
	w.waitFor(func() bool { return !w.broadcast(1).Finished.IsZero() }, "the broadcast to finish")
	if got := w.api.Last(subscriber).Text; got != "О новом пособии" {
		t.Errorf("the subscriber got %q", got)
	}
	if got := w.api.Last(leaver).Text; strings.Contains(got, "пособии") {
		t.Error("someone who sent /stop after the broadcast was queued got it")
	}
	if b := w.broadcast(1); b.Total != 1 || b.Sent != 1 {
		t.Errorf("the broadcast's record: %d of %d sent; want 1 of 1", b.Sent, b.Total)
	}
	w.text(polling, admin, "/broadcasts")
	w.text(polling, admin, "/broadcast")
	w.text(polling, admin, "Черновик")

	// Statistics, what is kept, and someone forgotten.
	w.text(polling, admin, "/stats")
	w.lastHas(admin, "где купить билет на поезд — 3")
	w.text(polling, asker, "/mydata")
	w.lastHas(asker, "поиски без ответа, учтённые в статистике: 1")
	w.text(polling, neighbour, "/forget")
	w.press(polling, neighbour, "Да, удалить всё")

	today := time.Now().UTC().Format("2006-01-02")
	families := []string{ // what the run must have written, so the check below covers them
		"{chat:*}:session", "{chat:*}:uname", "{uname:*}", "{chat:*}:news", "{chat:*}:bcdraft", "{chat:*}:refs", "{chat:*}:tickets", "{chat:*}:asked",
		"{partner:*}", "{partner:*}:refs", "{partner:*}:rate:*", "partners", "{invite:*}", "{ref:*}",
		"admin:roles", "admin:audit", "{content}:seq", "{content}:current", "{content}:history", "{content}:v:*",
		"{content}:pending:*", "ticket:seq", "{ticket:*}", "tickets:open", "news:topics", "news:disability",
		"{bc}:seq", "{bc}:all", "{bc}:1", "{bc}:sender",
		"stats:" + today, "{stats:" + today + "}:asked", "{stats:" + today + "}:texts",
	}
	stored := w.stored()
	for _, f := range families {
		seen := false
		for k := range stored {
			if ok, _ := path.Match(f, k); ok {
				seen = true
			}
		}
		if !seen {
			t.Errorf("the run wrote no key like %s: the check does not cover it", f)
		}
	}
	versions := rdb.LRange(ctx, "{content}:history", 0, -1).Val()
	integer := func(k string) error {
		if _, err := strconv.ParseInt(rdb.Get(ctx, k).Val(), 10, 64); err != nil {
			return fmt.Errorf("not a counter: %v", err)
		}
		return nil
	}
	// Keys without a TTL, each with its bound.
	bounded := []struct {
		pattern, bound string
		check          func(k string) error
	}{
		{"ticket:seq", "one number", integer},
		{"{bc}:seq", "one number", integer},
		{"{content}:seq", "one number", integer},
		{"admin:roles", "a field per person an admin gave a role", func(k string) error {
			if n := rdb.HLen(ctx, k).Val(); n != 1 {
				return fmt.Errorf("%d fields for the 1 role granted", n)
			}
			return nil
		}},
		{"{bc}:queue", "the broadcasts not finished", func(k string) error {
			for _, id := range rdb.LRange(ctx, k, 0, -1).Val() {
				if n, _ := strconv.ParseInt(id, 10, 64); !w.broadcast(n).Finished.IsZero() {
					return fmt.Errorf("lists finished broadcast %s", id)
				}
			}
			return nil
		}},
		// Published content is not personal, and a rollback must reach it: it is kept as
		// long as it is in the history (finding 2 of issue 12 bounds the history).
		{"{content}:current", "a version in the history", func(k string) error {
			if !slices.Contains(versions, rdb.Get(ctx, k).Val()) {
				return fmt.Errorf("points outside the history %v", versions)
			}
			return nil
		}},
		{"{content}:history", "the last KeptVersions published versions", func(k string) error {
			if len(versions) > store.KeptVersions {
				return fmt.Errorf("lists %d versions, more than the %d kept", len(versions), store.KeptVersions)
			}
			if n := len(w.redis.Keys("{content}:v:*")); n != len(versions) {
				return fmt.Errorf("lists %d versions; %d are stored", len(versions), n)
			}
			return nil
		}},
		{"{content}:v:*", "a version in the history", func(k string) error {
			if !slices.Contains(versions, strings.TrimPrefix(k, "{content}:v:")) {
				return fmt.Errorf("not in the history %v", versions)
			}
			return nil
		}},
	}
	const longest = 2*365*24*time.Hour + time.Minute // the audit log's
	for k := range stored {
		ttl := rdb.PTTL(ctx, k).Val()
		if ttl > longest {
			t.Errorf("%s lives %s, longer than anything should", k, ttl)
		}
		if ttl > 0 || ttl == -2 { // -2: expired since it was read
			continue
		}
		listed := false
		for _, b := range bounded {
			if ok, _ := path.Match(b.pattern, k); ok {
				listed = true
				if err := b.check(k); err != nil {
					t.Errorf("%s, bounded by %s: %v", k, b.bound, err)
				}
			}
		}
		if !listed {
			t.Errorf("%s has no TTL and no bound", k)
		}
	}
	t.Logf("%d keys, %d of them without a TTL and bounded otherwise", len(stored), countBounded(rdb, stored))
}

func countBounded(rdb interface {
	PTTL(context.Context, string) *redis.DurationCmd
}, stored map[string][]string) int {
	n := 0
	for k := range stored {
		if rdb.PTTL(context.Background(), k).Val() == -1 {
			n++
		}
	}
	return n
}
