package telegram_test

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/qamqor/qamqor/bot"
	botadmin "github.com/qamqor/qamqor/bot/admin"
	"github.com/qamqor/qamqor/bot/handoff"
	"github.com/qamqor/qamqor/bot/privacy"
	"github.com/qamqor/qamqor/bot/referrals"
	"github.com/qamqor/qamqor/bot/stats"
	"github.com/qamqor/qamqor/content"
	"github.com/qamqor/qamqor/internal/fakebotapi"
	"github.com/qamqor/qamqor/qr"
	datakey "github.com/qamqor/qamqor/secret"
	"github.com/qamqor/qamqor/store"
)

// daysSaid is how the texts must say n days: in Russian with its CLDR plural form.
func daysSaid(lang content.Lang, n int) string {
	if lang == content.KK {
		return fmt.Sprintf("%d күн", n)
	}
	word := "дней"
	switch {
	case n%10 == 1 && n%100 != 11:
		word = "день"
	case n%10 >= 2 && n%10 <= 4 && (n%100 < 12 || n%100 > 14):
		word = "дня"
	}
	return fmt.Sprintf("%d %s", n, word)
}

// The questionnaire's intro, /help, /mydata and the consent screens of a referral and of
// a question to the specialists say how long each thing is kept; here each statement is
// compared with the TTL the stores actually set on its keys in Redis, in both languages.
// The bot runs with a SESSION_TTL of 21 days and a REFERRAL_TTL of 92 (as cmd/qamqor
// wires them), so a figure typed into a text, or a wrong plural form, shows.
func TestWhatThePrivacyTextsSayIsWhatRedisKeeps(t *testing.T) {
	const sessionTTL, referralTTL = 21 * 24 * time.Hour, 92 * 24 * time.Hour
	w := newWorld(t)
	rdb := w.redis.Client()
	ctx := context.Background()
	key, err := datakey.ParseKey(datakey.GenerateKey())
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(w.logs, nil))
	svc := bot.NewService(w.engine(bot.WithSessionTTL(sessionTTL)), store.NewSessions(rdb, store.WithTTL(sessionTTL)), log)
	mustRegister(t, svc, botadmin.New(store.NewAdmin(rdb), []int64{admin}, log).WithUsernames(store.NewUsernames(rdb)))
	mustRegister(t, svc, referrals.New(store.NewReferrals(rdb, key, referralTTL),
		func(payload string) string { return "https://t.me/" + fakebotapi.BotUsername + "?start=" + payload },
		func(link string) ([]byte, error) { return qr.PNG(link, 400) }))
	mustRegister(t, svc, stats.New(store.NewStats(rdb), nil), handoff.New(store.NewTickets(rdb, key), operators), privacy.New())
	w.api.Started(operators)
	w.startWith(polling, svc)

	// days is the TTL left on k, in days (what was set a moment ago, rounded).
	days := func(k string) int {
		t.Helper()
		ttl := rdb.PTTL(ctx, k).Val()
		if ttl <= 0 {
			t.Fatalf("%s has no TTL (%v)", k, ttl)
		}
		return int(math.Round(float64(ttl) / float64(24*time.Hour)))
	}
	says := func(what, text, want string) {
		t.Helper()
		if !strings.Contains(text, want) {
			t.Errorf("%s does not say %q:\n%s", what, want, text)
		}
	}
	w.invitePartner("Бота үміт")
	for i, lang := range []content.Lang{content.KK, content.RU} {
		person, client := int64(850+i), int64(860+i)
		label := map[content.Lang]string{content.KK: "Қазақша", content.RU: "Русский"}[lang]
		w.api.SetUsername(person, fmt.Sprintf("person_%d", person))
		w.text(polling, person, "/start")
		w.press(polling, person, label)
		session := days(fmt.Sprintf("{chat:%d}:session", person))
		if session != 21 {
			t.Fatalf("the session lives %d days, want SESSION_TTL's 21", session)
		}

		w.text(polling, person, "/help")
		says("/help", w.api.Last(person).Text, daysSaid(lang, session))

		w.text(polling, person, "/start disability")
		w.pressStarting(person, "✓")
		says("the questionnaire's intro", w.api.Last(person).Text, daysSaid(lang, session))
		says("the questionnaire's intro", w.api.Last(person).Text, "/forget")

		// A question search cannot answer, and one for the specialists.
		w.text(polling, person, "/menu")
		w.text(polling, person, "где купить билет на поезд")
		w.text(polling, person, "/start helplines_150")
		w.press(polling, person, map[content.Lang]string{content.KK: "Маманнан сұрау", content.RU: "Спросить специалиста"}[lang])
		w.text(polling, person, "Мне нужна консультация юриста")
		consent := w.api.Last(person).Text
		w.press(polling, person, map[content.Lang]string{content.KK: "Иә, жіберу", content.RU: "Да, отправить"}[lang])
		tickets := w.redis.Keys("{ticket:*}")
		if len(tickets) != i+1 {
			t.Fatalf("tickets: %v", tickets)
		}
		ticket := days(fmt.Sprintf("{chat:%d}:tickets", person))
		for _, k := range tickets {
			if d := days(k); d != ticket {
				t.Errorf("%s lives %d days, the person's list of tickets %d", k, d, ticket)
			}
		}
		says("the consent to send a question", consent, daysSaid(lang, ticket))

		w.text(polling, person, "/mydata")
		mydata := w.api.Last(person).Text
		says("/mydata, of the session", mydata, daysSaid(lang, session))
		says("/mydata, of the tickets", mydata, daysSaid(lang, ticket))
		says("/mydata, of the username", mydata, daysSaid(lang, days(fmt.Sprintf("{chat:%d}:uname", person))))
		// What a search added is kept to the end of its day and MissTTL after.
		asked := rdb.PTTL(ctx, fmt.Sprintf("{chat:%d}:asked", person)).Val()
		says("/mydata, of the searches", mydata, daysSaid(lang, int(asked/(24*time.Hour))))

		// A referral: the consent screen says how long it is kept, open and closed.
		payload := w.refer(screenerLabel(t, content.RU), "")
		ref := "{ref:" + strings.TrimPrefix(payload, "r_") + "}"
		w.text(polling, client, "/start "+payload)
		w.press(polling, client, label)
		intro := w.api.Last(client).Text
		open := days(ref)
		w.closeReferral(strings.TrimPrefix(payload, "r_")[:4], "помощь получена", "")
		closed := days(ref)
		if closed != 92 || open != 92+30 {
			t.Errorf("a referral lives %d days open and %d closed; want 122 and 92", open, closed)
		}
		says("the referral's consent screen, of a closed referral", intro, daysSaid(lang, closed))
		says("the referral's consent screen, of an open one", intro, daysSaid(lang, open))
		w.text(polling, client, "/mydata")
		says("/mydata, of the referral", w.api.Last(client).Text, daysSaid(lang, closed))
	}
}
