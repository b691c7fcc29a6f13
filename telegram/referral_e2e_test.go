package telegram_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	_ "image/png"
	"log/slog"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/makiuchi-d/gozxing"
	gozxingqr "github.com/makiuchi-d/gozxing/qrcode"
	"github.com/qamqor/qamqor/bot"
	"github.com/qamqor/qamqor/bot/privacy"
	"github.com/qamqor/qamqor/bot/referrals"
	"github.com/qamqor/qamqor/checklist"
	"github.com/qamqor/qamqor/content"
	"github.com/qamqor/qamqor/internal/fakebotapi"
	"github.com/qamqor/qamqor/qr"
	datakey "github.com/qamqor/qamqor/secret"
	"github.com/qamqor/qamqor/store"
)

// Chats of the referral tests.
const (
	admin    = 100
	staff    = 200
	client   = 300
	other    = 301
	stranger = 999
)

const linkNotValid = "Эта ссылка не работает"

// startReferrals runs the serve path with referrals on: admin is an admin, and the store is
// the real one over the world's Redis.
func (w *world) startReferrals() *bot.Service { return w.startReferralsIn(polling) }

func (w *world) startReferralsIn(m mode) *bot.Service {
	w.t.Helper()
	key, err := datakey.ParseKey(datakey.GenerateKey())
	if err != nil {
		w.t.Fatal(err)
	}
	rdb := w.redis.Client()
	svc := bot.NewService(w.engine(), store.NewSessions(rdb), slog.New(slog.NewTextHandler(w.logs, nil)))
	w.withRoles(svc)
	mustRegister(w.t, svc, referrals.New(store.NewReferrals(rdb, key, 0),
		func(payload string) string { return "https://t.me/" + fakebotapi.BotUsername + "?start=" + payload },
		func(link string) ([]byte, error) { return qr.PNG(link, 400) }).WithReportPDF(checklist.ReferralReport), privacy.New())
	w.startWith(m, svc)
	return svc
}

var (
	invitePayload   = regexp.MustCompile(`start=(i_[A-Za-z0-9_-]{16})`)
	referralPayload = regexp.MustCompile(`start=(r_[A-Za-z0-9_-]{16})`)
)

// invitePartner makes staff a partner of org through an admin's invitation.
func (w *world) invitePartner(org string) {
	w.t.Helper()
	w.text(polling, admin, "/invite "+org)
	m := invitePayload.FindStringSubmatch(w.api.Last(admin).Text)
	if m == nil {
		w.t.Fatalf("no invitation link in:\n%s", w.api.Last(admin).Text)
	}
	w.text(polling, staff, "/start "+m[1])
	if got := w.api.Last(staff).Text; !strings.Contains(got, "партнёр Qamqor от организации «"+org+"»") {
		w.t.Fatalf("the staff member was told:\n%s", got)
	}
}

// closeReferral has staff record outcome (its button's label) for the referral shown as
// name, from its view in /referrals, with comment ("" for none).
func (w *world) closeReferral(name, outcome, comment string) {
	w.t.Helper()
	w.text(polling, staff, "/referrals")
	w.press(polling, staff, "🔎 "+name)
	w.press(polling, staff, "Записать итог "+name)
	w.press(polling, staff, outcome)
	if comment == "" {
		w.press(polling, staff, "Без комментария")
	} else {
		w.text(polling, staff, comment)
	}
	w.waitFor(func() bool { return strings.Contains(w.api.Last(staff).Text, "История итогов") }, "the outcome to be recorded")
}

// refer has staff refer a client to the screener with title label, with a note, and
// returns the link's payload, checking that the QR code holds the link.
func (w *world) refer(label, note string) string {
	w.t.Helper()
	w.text(polling, staff, "/refer")
	w.press(polling, staff, label)
	if note == "" {
		w.press(polling, staff, "Без записки")
	} else {
		w.text(polling, staff, note)
	}
	w.waitFor(func() bool { return w.api.Last(staff).Photo != nil }, "the referral's QR code")
	photo := w.api.Last(staff).Photo
	if !strings.Contains(photo.Caption, "Метка для вашей организации") {
		w.t.Fatalf("the referral's label is not asked for:\n%s", photo.Caption)
	}
	m := referralPayload.FindStringSubmatch(photo.Caption)
	if m == nil {
		w.t.Fatalf("no referral link in the caption:\n%s", photo.Caption)
	}
	if got := decodeQR(w.t, photo.Data); got != "https://t.me/"+fakebotapi.BotUsername+"?start="+m[1] {
		w.t.Fatalf("the QR code holds %q", got)
	}
	return m[1]
}

func decodeQR(t *testing.T, data []byte) string {
	t.Helper()
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("the QR code is not an image: %v", err)
	}
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	// PURE_BARCODE: the image is the code alone; without it gozxing misses about 1 in 300.
	res, err := gozxingqr.NewQRCodeReader().Decode(bmp, map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_PURE_BARCODE: true})
	if err != nil {
		t.Fatalf("the QR code does not decode: %v", err)
	}
	return res.GetText()
}

// walkScreener answers the disability screener in chat with its example case and shows the
// result; it returns the names of the services the case matches, in lang.
func (w *world) walkScreener(chat int64, lang content.Lang) []string {
	w.t.Helper()
	c, _, _ := content.Load(content.Embedded(), "content/data")
	sc, _ := c.Screener("disability_check")
	tc, ok := c.ExampleCase(sc.ID)
	if !ok {
		w.t.Fatal("the disability screener has no example case")
	}
	w.answerScreener(polling, chat, c, sc, tc, lang)
	w.press(polling, chat, map[content.Lang]string{content.RU: "Показать результат", content.KK: "Нәтижені көрсету"}[lang])
	var names []string
	for _, id := range tc.Match {
		sv, _ := c.Service(id)
		names = append(names, sv.Name.In(lang))
	}
	return names
}

func screenerLabel(t *testing.T, lang content.Lang) string {
	c, _, _ := content.Load(content.Embedded(), "content/data")
	sc, ok := c.Screener("disability_check")
	if !ok {
		t.Fatal("no disability screener")
	}
	return "✓ " + sc.Title.In(lang)
}

func TestAReferralFromInvitationToOutcome(t *testing.T) {
	w := newWorld(t)
	w.startReferrals()
	w.invitePartner("Бота үміт")

	payload := w.refer(screenerLabel(t, content.RU), "Приходите в среду к 10:00")

	// The client opens the link, chooses a language, and learns who sent them and why.
	w.text(polling, client, "/start "+payload)
	w.screen(client, "Сәлеметсіз бе")
	w.press(polling, client, "Қазақша")
	intro := w.api.Last(client).Text
	for _, want := range []string{"Сізді «Бота үміт» ұйымы жіберді", "Приходите в среду к 10:00", "барысын көре ала ма"} {
		if !strings.Contains(intro, want) {
			t.Errorf("the client's introduction lacks %q:\n%s", want, intro)
		}
	}
	w.waitFor(func() bool {
		return strings.Contains(w.api.Last(staff).Text, "Клиент открыл направление")
	}, "the partner to learn the link was opened")

	// With consent, the partner learns what matched when the client finishes.
	w.press(polling, client, "Иә, болады")
	if got := w.api.Last(client).Text; !strings.Contains(got, "ұйым көреді") {
		t.Errorf("after consenting the client sees:\n%s", got)
	}
	names := w.walkScreener(client, content.KK)
	w.waitFor(func() bool { return strings.Contains(w.api.Last(staff).Text, "прошёл опрос") }, "the completion notice")
	notice := w.api.Last(staff).Text
	c, _, _ := content.Load(content.Embedded(), "content/data")
	sc, _ := c.Screener("disability_check")
	tc, _ := c.ExampleCase(sc.ID)
	for _, id := range tc.Match {
		sv, _ := c.Service(id)
		if !strings.Contains(notice, sv.Name.RU) || sv.Name.KK != sv.Name.RU && strings.Contains(notice, sv.Name.KK) {
			t.Errorf("the completion notice is not in the partner's language (Russian) alone, with %q:\n%s", sv.Name.RU, notice)
		}
	}
	if len(names) == 0 {
		t.Fatal("the example case matches nothing")
	}

	// The partner sees it in /referrals and records the outcome.
	w.text(polling, staff, "/referrals")
	list := w.api.Last(staff)
	if !strings.Contains(list.Text, "опрос пройден") || !strings.Contains(list.Text, "Подошло:") {
		t.Fatalf("/referrals:\n%s", list.Text)
	}
	code := strings.TrimPrefix(payload, "r_")[:4]
	w.closeReferral(code, "помощь получена", "")
	if got := w.api.Last(staff).Text; !strings.Contains(got, "закрыто: помощь получена") {
		t.Errorf("closing: %s", got)
	}
	w.text(polling, staff, "/referrals")
	if got := w.api.Last(staff).Text; !strings.Contains(got, "закрыто (помощь получена)") {
		t.Errorf("/referrals after closing:\n%s", got)
	}

	// The link was for one client: anyone else gets the neutral answer.
	w.text(polling, other, "/start "+payload)
	if got := w.api.Last(other).Text; !strings.Contains(got, linkNotValid) {
		t.Errorf("a second person opening a used link sees:\n%s", got)
	}
}

func TestWithoutConsentThePartnerOnlyLearnsItWasOpened(t *testing.T) {
	w := newWorld(t)
	w.startReferrals()
	w.invitePartner("Шапағат")
	payload := w.refer(screenerLabel(t, content.RU), "")

	w.text(polling, client, "/start "+payload)
	w.press(polling, client, "Русский")
	if got := w.api.Last(client).Text; !strings.Contains(got, "Вас направила организация «Шапағат»") || strings.Contains(got, "Записка") {
		t.Fatalf("introduction without a note:\n%s", got)
	}
	w.press(polling, client, "Нет")
	w.walkScreener(client, content.RU)
	before := len(w.api.Messages(staff))
	// The client's result is on screen; give a completion notice the time it would take.
	w.text(polling, client, "/menu")
	for _, m := range w.api.Messages(staff)[before:] {
		t.Errorf("the partner was told more than that the link was opened:\n%s", m.Text)
	}
	w.text(polling, staff, "/referrals")
	if got := w.api.Last(staff).Text; !strings.Contains(got, "открыто") || strings.Contains(got, "Подошло") {
		t.Errorf("/referrals without consent:\n%s", got)
	}
}

func TestBadLinksAllGetTheSameAnswer(t *testing.T) {
	w := newWorld(t)
	w.startReferrals()
	w.invitePartner("Бота үміт")
	used := w.refer(screenerLabel(t, content.RU), "")
	w.text(polling, client, "/start "+used)

	expired := w.refer(screenerLabel(t, content.RU), "")
	w.redis.Client().HSet(context.Background(), "{ref:"+strings.TrimPrefix(expired, "r_")+"}", "expires", "1")

	var answers []string
	for i, payload := range []string{
		used, expired, "r_AAAAAAAAAAAAAAAA", "r_<script>x</script>", "r_", "r_" + strings.Repeat("A", 60), "i_AAAAAAAAAAAAAAAA",
	} {
		chat := int64(5000 + i)
		w.text(polling, chat, "/start "+payload)
		got := w.api.Messages(chat)[0].Text
		if !strings.Contains(got, linkNotValid) {
			t.Errorf("%q: %s", payload, got)
		}
		answers = append(answers, got)
	}
	for _, a := range answers[1:] {
		if a != answers[0] {
			t.Errorf("answers differ, which tells a guesser something:\n%s\n---\n%s", answers[0], a)
		}
	}
	// The partner sees which link expired unopened.
	w.text(polling, staff, "/referrals")
	if got := w.api.Last(staff).Text; !strings.Contains(got, "срок истёк") || !strings.Contains(got, "открыто") {
		t.Errorf("/referrals with a used and an expired link:\n%s", got)
	}
}

func TestStrangersCannotReachPartnerOrAdminCommands(t *testing.T) {
	w := newWorld(t)
	w.startReferrals()
	w.invitePartner("Бота үміт")
	payload := w.refer(screenerLabel(t, content.RU), "")
	code := strings.TrimPrefix(payload, "r_")

	w.text(polling, stranger, "/start")
	w.press(polling, stranger, "Русский")
	for _, cmd := range []string{"/invite Фирма", "/partners", "/revoke 200", "/refer", "/referrals", "/referrals 5"} {
		w.text(polling, stranger, cmd)
		if got := w.api.Last(stranger).Text; !strings.Contains(got, "Я не знаю команду") {
			t.Errorf("%s as a stranger: %s", cmd, got)
		}
	}
	// Buttons of partners' screens, forged.
	for _, data := range []string{"R:disability", "R:s:disability", "R-", "P:0", "O:" + code, "O:" + code + ":helped"} {
		msg := w.api.Last(stranger)
		id, _ := w.api.Press(stranger, msg.ID, data)
		w.deliver(polling, id)
		w.waitFor(func() bool { return strings.Contains(w.api.Last(stranger).Text, "кнопка устарела") }, "the forged button "+data+" to be refused")
		w.text(polling, stranger, "/menu") // a fresh screen for the next check
	}
	// The partner's referral is untouched, and the staff member is still a partner.
	w.text(polling, staff, "/referrals")
	if got := w.api.Last(staff).Text; !strings.Contains(got, "ждёт клиента") {
		t.Errorf("after the stranger's attempts: %s", got)
	}
	// A revoked partner is told, in their language, and is then a stranger too: /refer gets
	// what it gets in a chat that speaks Russian, not the choice of a language.
	w.text(polling, admin, "/revoke 200")
	w.waitFor(func() bool {
		return strings.Contains(w.api.Last(staff).Text, "отключил ваш доступ партнёра")
	}, "the revoked partner to be told")
	if got := w.api.Last(staff).Text; !strings.Contains(got, "«Бота үміт»") || strings.Contains(got, "ажыратты") {
		t.Errorf("the revoked partner was told, not in Russian alone:\n%s", got)
	}
	w.text(polling, staff, "/refer")
	w.text(polling, stranger, "/refer")
	if got, want := w.api.Last(staff).Text, w.api.Last(stranger).Text; got != want || strings.Contains(got, "Куда направить") || strings.Contains(got, "выберите язык") {
		t.Errorf("/refer by a revoked partner: %s\nwant, as for anyone who speaks Russian: %s", got, want)
	}
}

func TestReferralCreationIsRateLimitedOnTelegram(t *testing.T) {
	w := newWorld(t)
	w.startReferrals()
	w.invitePartner("Бота үміт")
	for range store.ReferralsPerHour {
		w.refer(screenerLabel(t, content.RU), "")
	}
	w.text(polling, staff, "/refer")
	w.press(polling, staff, screenerLabel(t, content.RU))
	w.press(polling, staff, "Без записки")
	if got := w.api.Last(staff).Text; !strings.Contains(got, "Слишком много направлений") {
		t.Errorf("referral %d: %s", store.ReferralsPerHour+1, got)
	}
	// /referrals pages through them, five at a time.
	w.text(polling, staff, "/referrals")
	if got := w.api.Last(staff).Text; !strings.Contains(got, "1–5 из 30") || strings.Count(got, "• ") != 5 {
		t.Fatalf("first page:\n%s", got)
	}
	w.press(polling, staff, "Следующие →")
	if got := w.api.Last(staff).Text; !strings.Contains(got, "6–10 из 30") {
		t.Fatalf("second page:\n%s", got)
	}
	w.press(polling, staff, "← Предыдущие")
	if got := w.api.Last(staff).Text; !strings.Contains(got, "1–5 из 30") {
		t.Fatalf("back to the first page:\n%s", got)
	}
}

func TestForgetDeletesTheClientAndTellsThePartnerOnlyThatTheyWithdrew(t *testing.T) {
	w := newWorld(t)
	w.startReferrals()
	w.invitePartner("Бота үміт")
	payload := w.refer(screenerLabel(t, content.RU), "Записка")
	w.text(polling, client, "/start "+payload)
	w.press(polling, client, "Русский")
	w.press(polling, client, "Да, можно")

	w.text(polling, client, "/mydata")
	if got := w.api.Last(client).Text; !strings.Contains(got, "направление от «Бота үміт»") || !strings.Contains(got, "язык: Русский") {
		t.Errorf("/mydata: %s", got)
	}
	w.text(polling, client, "/forget")
	w.press(polling, client, "Да, удалить всё")
	if got := w.api.Last(client).Text; !strings.Contains(got, "всё, что бот хранил о вас, удалено") {
		t.Errorf("after /forget: %s", got)
	}
	w.waitFor(func() bool {
		return strings.Contains(w.api.Last(staff).Text, "попросил удалить свои данные")
	}, "the partner to learn the client withdrew")

	ctx := context.Background()
	rdb := w.redis.Client()
	for _, k := range w.redis.Keys("*") { // every node of a cluster
		if strings.Contains(k, fmt.Sprint(client)) || strings.Contains(k, strings.TrimPrefix(payload, "r_")) {
			t.Errorf("key %q is left after /forget", k)
		}
		if typ, _ := rdb.Type(ctx, k).Result(); typ == "hash" {
			if v, _ := rdb.HGet(ctx, k, "client").Result(); v == fmt.Sprint(client) {
				t.Errorf("%s still names the client", k)
			}
		}
	}
	// The partner's list no longer has it.
	w.text(polling, staff, "/referrals")
	if got := w.api.Last(staff).Text; !strings.Contains(got, "Направлений пока нет") {
		t.Errorf("/referrals after the client withdrew: %s", got)
	}
}

func TestARedeliveredLinkIsHandledOnce(t *testing.T) {
	w := newWorld(t)
	w.startReferralsIn(webhook)
	w.text(webhook, admin, "/invite Бота үміт")
	m := invitePayload.FindStringSubmatch(w.api.Last(admin).Text)
	if m == nil {
		t.Fatalf("no invitation in %q", w.api.Last(admin).Text)
	}
	id := w.api.SendText(staff, "/start "+m[1], "ru")
	for range 3 {
		if status, err := w.api.Deliver(context.Background(), id); err != nil || status != http.StatusOK {
			t.Fatalf("delivery: %d %v", status, err)
		}
	}
	w.waitFor(func() bool { return len(w.api.Messages(staff)) > 0 }, "the welcome")
	msgs := w.api.Messages(staff)
	if len(msgs) != 1 || !strings.Contains(msgs[0].Text, "партнёр Qamqor") {
		for _, m := range msgs {
			t.Log(m.Text)
		}
		t.Fatalf("an invitation delivered 3 times got %d answers", len(msgs))
	}
}
