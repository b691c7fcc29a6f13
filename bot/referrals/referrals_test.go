package referrals_test

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/qamqor/qamqor/bot"
	"github.com/qamqor/qamqor/bot/bottest"
	"github.com/qamqor/qamqor/bot/referrals"
	"github.com/qamqor/qamqor/content"
)

// Chats of the tests.
const (
	admin    = 100
	staff    = 200
	client   = 300
	other    = 301
	stranger = 999
)

const (
	linkPrefix   = "https://t.me/QamqorBot?start="
	linkNotValid = "Эта ссылка не работает"
	unknownRefer = "Я не знаю команду /refer"
	staleButton  = "Эта кнопка устарела"
	unavailable  = "Сервис временно недоступен"
)

var (
	invitePayload   = regexp.MustCompile(`start=(i_[A-Za-z0-9_-]{16})`)
	referralPayload = regexp.MustCompile(`start=(r_[A-Za-z0-9_-]{16})`)
)

type world struct {
	t        *testing.T
	svc      *bot.Service
	sessions *bottest.Sessions
	refs     *bottest.Referrals
	roles    *bottest.FixedRoles
	tally    *bottest.Tally
	feature  *referrals.Feature
	content  *content.Content
	chats    map[int64]*bottest.Chat
}

// qr stands in for the QR renderer: the "image" is the link it encodes.
func qr(link string) ([]byte, error) { return []byte("qr:" + link), nil }

// newWorld is a service with the referrals, an admin, and staff, admin and stranger having
// chosen Russian.
func newWorld(t *testing.T) *world {
	t.Helper()
	w := &world{t: t, refs: bottest.NewReferrals(time.Now), tally: bottest.NewTally(), chats: map[int64]*bottest.Chat{},
		roles: bottest.NewFixedRoles(map[int64]bot.Role{admin: bot.RoleAdmin})}
	w.feature = referrals.New(w.refs, func(p string) string { return linkPrefix + p }, qr)
	w.svc, w.sessions = bottest.Service(t, w.roles, w.tally, w.feature)
	w.content = w.svc.Engine().Content()
	bottest.Russian(w.sessions, admin, staff, stranger)
	return w
}

func (w *world) chat(id int64) *bottest.Chat {
	if c, ok := w.chats[id]; ok {
		return c
	}
	c := bottest.NewChat(w.t, w.svc, id)
	w.chats[id] = c
	return c
}

// once runs one update and checks it wrote the session once: the turn's changes together
// with the mark that the update was handled.
func (w *world) once(do func() bot.Result) bot.Result {
	w.t.Helper()
	before := w.sessions.Writes()
	r := do()
	if got := w.sessions.Writes() - before; got != 1 {
		w.t.Errorf("an update wrote the session %d times, want once: %q", got, bottest.Texts(r))
	}
	return r
}

func (w *world) text(chat int64, text string) bot.Result {
	w.t.Helper()
	return w.once(func() bot.Result { return w.chat(chat).Text(text) })
}

func (w *world) press(chat int64, data string) bot.Result {
	w.t.Helper()
	if data == "" {
		w.t.Fatalf("no such button on %q", bottest.Texts(w.chat(chat).Last))
	}
	return w.once(func() bot.Result { return w.chat(chat).Press(data) })
}

// pressLabel presses the button labelled label on the chat's last answer.
func (w *world) pressLabel(chat int64, label string) bot.Result {
	w.t.Helper()
	data := bottest.Button(w.chat(chat).Last, label)
	if data == "" {
		w.t.Fatalf("no button %q on %q", label, bottest.Texts(w.chat(chat).Last))
	}
	return w.press(chat, data)
}

// says fails unless some reply for the chat itself (not a notice) holds every want.
func says(t *testing.T, r bot.Result, want ...string) {
	t.Helper()
	for _, rep := range r.Replies {
		if rep.To != 0 {
			continue
		}
		all := true
		for _, s := range want {
			all = all && strings.Contains(rep.Text, s)
		}
		if all {
			return
		}
	}
	t.Fatalf("no reply says %q: %q", want, bottest.Texts(r))
}

// notices are the replies meant for chat to.
func notices(r bot.Result, to int64) []string {
	var out []string
	for _, rep := range r.Replies {
		if rep.To == to {
			out = append(out, rep.Text)
		}
	}
	return out
}

// invitePartner makes staff a partner of org through the admin's invitation.
func (w *world) invitePartner(org string) {
	w.t.Helper()
	r := w.text(admin, "/invite "+org)
	m := invitePayload.FindStringSubmatch(r.Replies[0].Text)
	if m == nil {
		w.t.Fatalf("no invitation link in %q", bottest.Texts(r))
	}
	says(w.t, w.text(staff, "/start "+m[1]), "партнёр Qamqor от организации «"+org+"»")
}

func (w *world) screener() *content.Screener {
	sc, ok := w.content.Screener("disability_check")
	if !ok {
		w.t.Fatal("no disability screener")
	}
	return sc
}

// refer has staff refer a client to the disability screener, with note ("" for none), and
// returns the link's payload, checking the QR code holds the link.
func (w *world) refer(note string) string {
	w.t.Helper()
	return w.referLabelled(note, "")
}

// referLabelled refers as refer does, giving the referral label ("" for none).
func (w *world) referLabelled(note, label string) string {
	w.t.Helper()
	w.text(staff, "/refer")
	says(w.t, w.pressLabel(staff, "✓ "+w.screener().Title.RU), "Направление: "+w.screener().Title.RU)
	if s, _ := w.sessions.Get(staff); s.Flow == "" {
		w.t.Fatalf("the note is not awaited: %+v", s)
	}
	var r bot.Result
	if note == "" {
		r = w.pressLabel(staff, "Без записки")
	} else {
		r = w.text(staff, note)
	}
	if len(r.Replies) != 1 || r.Replies[0].Image == nil {
		w.t.Fatalf("the referral came without its QR code: %+v", r.Replies)
	}
	m := referralPayload.FindStringSubmatch(r.Replies[0].Text)
	if m == nil {
		w.t.Fatalf("no referral link in %q", r.Replies[0].Text)
	}
	if got, want := string(r.Replies[0].Image.PNG), "qr:"+linkPrefix+m[1]; got != want {
		w.t.Fatalf("the QR code holds %q, want %q", got, want)
	}
	if s, _ := w.sessions.Get(staff); s.Flow != "label:"+bot.Flow(m[1][2:]) {
		w.t.Errorf("the label is not awaited after the referral was made: %+v", s)
	}
	if label == "" {
		says(w.t, w.pressLabel(staff, "Без метки"), "без метки")
	} else {
		says(w.t, w.text(staff, label), "Метка сохранена: «"+label+"»")
	}
	if s, _ := w.sessions.Get(staff); s.Flow != "" {
		w.t.Errorf("the note is still awaited after the referral was made: %+v", s)
	}
	return m[1]
}

// walkScreener answers the screener in chat with its example case, shows the result, and
// returns the result's update and the names of the services the case matches, in lang.
func (w *world) walkScreener(chat int64, lang content.Lang) (bot.Result, []string) {
	w.t.Helper()
	sc := w.screener()
	tc, ok := w.content.ExampleCase(sc.ID)
	if !ok {
		w.t.Fatal("the screener has no example case")
	}
	yes, no := map[content.Lang]string{content.RU: "Да", content.KK: "Иә"}[lang], map[content.Lang]string{content.RU: "Нет", content.KK: "Жоқ"}[lang]
	for range len(sc.Questions) + 1 {
		last := strings.Join(bottest.Texts(w.chat(chat).Last), "\n")
		var q *content.Question
		for _, x := range sc.Questions {
			if strings.Contains(last, x.Text.In(lang)) {
				q = x
			}
		}
		if q == nil {
			break
		}
		switch v := tc.Answers[q.ID].(type) {
		case bool:
			w.pressLabel(chat, map[bool]string{true: yes, false: no}[v])
		case int:
			w.text(chat, fmt.Sprint(v))
		case string:
			if q.Type == content.Region {
				name, _ := w.content.RegionName(v, lang)
				w.pressLabel(chat, name)
			} else {
				o, _ := q.Option(v)
				w.pressLabel(chat, o.Label.In(lang))
			}
		}
	}
	r := w.pressLabel(chat, map[content.Lang]string{content.RU: "Показать результат", content.KK: "Нәтижені көрсету"}[lang])
	var names []string
	for _, id := range tc.Match {
		sv, _ := w.content.Service(id)
		names = append(names, sv.Name.In(lang))
	}
	if len(names) == 0 {
		w.t.Fatal("the example case matches nothing")
	}
	return r, names
}

// An admin invites, staff joins and refers with a note; a client new to the bot opens the
// link, chooses Kazakh and is introduced; consents; finishes the screener, and the partner
// is told what matched; the partner records the outcome. Every update writes the session
// once, and each step is counted.
func TestAReferralFromInvitationToOutcome(t *testing.T) {
	w := newWorld(t)
	w.invitePartner("Бота үміт")
	if got := w.roles.Audited(); len(got) != 2 || got[0].Action != "partner.invite" || got[1] != (bottest.AuditEntry{Who: staff, Action: "partner.join", Detail: "Бота үміт"}) {
		t.Errorf("the audit log: %+v", got)
	}
	payload := w.refer("Приходите в среду к 10:00")
	if n := w.tally.Of("referral:created"); n != 1 {
		t.Errorf("referral:created counted %d times", n)
	}

	// A client who has not chosen a language chooses it first, and the partner learns the
	// link was opened.
	r := w.text(client, "/start "+payload)
	says(t, r, "Сәлеметсіз бе")
	if n := notices(r, staff); len(n) != 1 || !strings.Contains(n[0], "Клиент открыл направление "+payload[2:6]) || strings.Contains(n[0], "жолдамасын ашты") {
		t.Errorf("the partner's notice: %q", n)
	}
	r = w.pressLabel(client, "Қазақша")
	if len(r.Replies) != 1 {
		t.Errorf("after choosing the language the client got %d replies, want the introduction alone: %q", len(r.Replies), bottest.Texts(r))
	}
	says(t, r, "Сізді «Бота үміт» ұйымы жіберді", "Приходите в среду к 10:00", "барысын көре ала ма")
	if s, _ := w.sessions.Get(client); s.Flow != "" || s.Lang != content.KK || s.Ref != payload[2:] {
		t.Errorf("the client's session after the introduction: %+v", s)
	}

	// With consent, the screener starts, and its result is reported to the partner once.
	says(t, w.pressLabel(client, "Иә, болады"), "ұйым көреді", w.screener().Questions[0].Text.KK)
	r, names := w.walkScreener(client, content.KK)
	n := notices(r, staff)
	if len(n) != 1 || !strings.Contains(n[0], "прошёл опрос") {
		t.Fatalf("the completion notice: %q", n)
	}
	tc, _ := w.content.ExampleCase(w.screener().ID)
	for _, id := range tc.Match {
		sv, _ := w.content.Service(id)
		if !strings.Contains(n[0], sv.Name.RU) || sv.Name.KK != sv.Name.RU && strings.Contains(n[0], sv.Name.KK) {
			t.Errorf("the completion notice is not in the partner's language (Russian) alone: %s", n[0])
		}
	}
	says(t, r, names[0])
	if n := w.tally.Of("referral:opened") + w.tally.Of("referral:completed"); n != 2 {
		t.Errorf("opened and completed counted %d times, want once each", n)
	}
	// Seeing the result again tells the partner nothing more.
	w.pressLabel(client, "Жауаптарды өзгерту")
	if r := w.pressLabel(client, "Нәтижені көрсету"); len(notices(r, staff)) != 0 {
		t.Errorf("the partner was told twice: %q", bottest.Texts(r))
	}

	// The partner sees it in /referrals and records the outcome.
	says(t, w.text(staff, "/referrals"), "опрос пройден", "Подошло: ")
	code := payload[2:6]
	w.pressLabel(staff, "🔎 "+code)
	says(t, w.pressLabel(staff, "Записать итог "+code), "Чем закончилось направление "+code)
	says(t, w.pressLabel(staff, "помощь получена"), "Добавьте короткий комментарий")
	says(t, w.pressLabel(staff, "Без комментария"), "закрыто: помощь получена")
	says(t, w.text(staff, "/referrals"), "закрыто (помощь получена)")
	if n := w.tally.Of("referral:closed"); n != 1 {
		t.Errorf("referral:closed counted %d times", n)
	}

	// The link was for one client.
	says(t, w.text(other, "/start "+payload), linkNotValid)
}

// Without consent the partner learns only that the link was opened. A client who chose
// their language before is introduced at once.
func TestWithoutConsentThePartnerOnlyLearnsItWasOpened(t *testing.T) {
	w := newWorld(t)
	bottest.Russian(w.sessions, client)
	w.invitePartner("Шапағат")
	payload := w.refer("")
	r := w.text(client, "/start "+payload)
	says(t, r, "Вас направила организация «Шапағат»")
	for _, text := range bottest.Texts(r) {
		if strings.Contains(text, "Записка") {
			t.Errorf("an introduction without a note mentions one: %s", text)
		}
	}
	says(t, w.pressLabel(client, "Нет"), "организация узнает только, что ссылка открыта")
	r, _ = w.walkScreener(client, content.RU)
	for _, rep := range r.Replies {
		if rep.To != 0 {
			t.Errorf("without consent someone was told: %+v", rep)
		}
	}
	if n := w.tally.Of("referral:completed"); n != 0 {
		t.Errorf("a completion without consent was counted %d times", n)
	}
	r = w.text(staff, "/referrals")
	says(t, r, "открыто")
	if strings.Contains(r.Replies[0].Text, "Подошло") {
		t.Errorf("/referrals without consent shows what matched: %s", r.Replies[0].Text)
	}
}

// A note too long is refused with the way out, and the note is still awaited.
func TestANoteTooLongIsRefusedAndTheNoteStillAwaited(t *testing.T) {
	w := newWorld(t)
	w.invitePartner("Бота үміт")
	w.text(staff, "/refer")
	w.pressLabel(staff, "✓ "+w.screener().Title.RU)
	says(t, w.text(staff, strings.Repeat("ә", 301)), "Записка длиннее 300 знаков")
	if bottest.Button(w.chat(staff).Last, "Без записки") == "" {
		t.Error("no way to go on without a note")
	}
	if s, _ := w.sessions.Get(staff); s.Flow == "" {
		t.Errorf("the note is no longer awaited: %+v", s)
	}
	r := w.text(staff, strings.Repeat("ә", 300))
	if referralPayload.FindString(r.Replies[0].Text) == "" {
		t.Errorf("a note of 300 characters: %q", bottest.Texts(r))
	}
}

// /referrals pages through a partner's referrals, five at a time.
func TestReferralsArePaged(t *testing.T) {
	w := newWorld(t)
	w.invitePartner("Бота үміт")
	for range 7 {
		w.refer("")
	}
	r := w.text(staff, "/referrals")
	says(t, r, "1–5 из 7")
	if got := strings.Count(r.Replies[0].Text, "• "); got != 5 {
		t.Errorf("the first page lists %d", got)
	}
	says(t, w.pressLabel(staff, "Следующие →"), "6–7 из 7")
	says(t, w.pressLabel(staff, "← Предыдущие"), "1–5 из 7")
	says(t, w.text(staff, "/referrals 5"), "6–7 из 7")
}

// A partner may make 30 referrals an hour; the next is refused politely.
func TestReferralCreationIsRateLimited(t *testing.T) {
	w := newWorld(t)
	w.invitePartner("Бота үміт")
	for range bottest.ReferralsPerHour {
		w.refer("")
	}
	w.text(staff, "/refer")
	w.pressLabel(staff, "✓ "+w.screener().Title.RU)
	says(t, w.pressLabel(staff, "Без записки"), "Слишком много направлений")
}

// Anyone who is not a partner gets from the partners' commands and buttons exactly what a
// bot without referrals answers, and from the admins' commands too unless an admin; nothing
// changes.
func TestStrangersGetWhatAnyUnknownCommandOrButtonGets(t *testing.T) {
	w := newWorld(t)
	w.invitePartner("Бота үміт")
	code := strings.TrimPrefix(w.refer(""), "r_")
	bare, bareSessions := bottest.Service(t)
	bottest.Russian(bareSessions, stranger)
	plain := bottest.NewChat(t, bare, stranger)

	for _, cmd := range []string{"/refer", "/referrals", "/referrals 5", "/invite Фирма", "/partners", "/revoke 200"} {
		got, want := bottest.Texts(w.text(stranger, cmd)), bottest.Texts(plain.Text(cmd))
		if strings.Join(got, "\n") != strings.Join(want, "\n") || !strings.Contains(got[0], "Я не знаю команду") {
			t.Errorf("%s by a stranger: %q\nwant, as without referrals: %q", cmd, got, want)
		}
	}
	for _, data := range []string{"R:disability", "R:s:disability_check", "R-", "P:0", "O:" + code, "O:" + code + ":helped"} {
		got, want := bottest.Texts(w.press(stranger, data)), bottest.Texts(plain.Press(data))
		if strings.Join(got, "\n") != strings.Join(want, "\n") || !strings.Contains(got[0], staleButton) {
			t.Errorf("%s pressed by a stranger: %q\nwant, as without referrals: %q", data, got, want)
		}
	}
	if s, _ := w.sessions.Get(stranger); s.Flow != "" {
		t.Errorf("the stranger's session: %+v", s)
	}
	says(t, w.text(staff, "/referrals"), "ждёт клиента")

	// A revoked partner is a stranger too.
	says(t, w.text(admin, "/revoke 200"), "Партнёр 200 отключён")
	says(t, w.text(staff, "/refer"), unknownRefer)
}

// Buttons from older messages: an outcome for a referral that is closed, gone or not the
// partner's, an outcome that does not exist, consent from someone not referred, a target
// content no longer has, "no note" when no referral is being made — each answers "this
// button is out of date" with the current screen, and records nothing.
func TestStaleButtonsChangeNothing(t *testing.T) {
	w := newWorld(t)
	w.invitePartner("Бота үміт")
	payload := w.refer("")
	code := payload[2:]
	bottest.Russian(w.sessions, client)
	w.text(client, "/start "+payload)
	says(t, w.press(staff, "O:"+code+":no_such_outcome"), staleButton) // on an open referral
	if r, _, _ := w.refs.Referral(context.Background(), code); !r.Closed.IsZero() {
		t.Fatalf("an outcome that does not exist closed the referral: %+v", r)
	}
	w.text(staff, "/referrals")
	w.pressLabel(staff, "🔎 "+code[:4])
	w.pressLabel(staff, "Записать итог "+code[:4])
	w.pressLabel(staff, "помощь получена")
	says(t, w.pressLabel(staff, "Без комментария"), "закрыто: помощь получена")

	for _, data := range []string{"O:AAAAAAAAAAAAAAAA:helped:-", "V:AAAAAAAAAAAAAAAA", "L:AAAAAAAAAAAAAAAA", "O:" + code + ":no_such_outcome", "R:nowhere", "R-"} {
		says(t, w.press(staff, data), staleButton, "Главное меню")
	}
	says(t, w.press(stranger, "C:y"), staleButton)
	// A session that names someone else's referral (the client's, here) consents to nothing.
	w.sessions.Set(other, bot.Session{Lang: content.RU, Ref: code})
	says(t, w.press(other, "C:y"), "Главное меню")
	if r, _, _ := w.refs.Referral(context.Background(), code); r.Asked || r.Consent {
		t.Errorf("someone else consented for the client: %+v", r)
	}
	if s, _ := w.sessions.Get(other); s.Ref != "" {
		t.Errorf("the session still names the referral: %+v", s)
	}
	if r, _, _ := w.refs.Referral(context.Background(), code); r.Outcome != referrals.OutcomeHelped {
		t.Errorf("the closed referral was changed: %+v", r)
	}
	if n := w.tally.Of("referral:closed"); n != 1 {
		t.Errorf("closing counted %d times", n)
	}

	// Another partner's referral is not theirs to close.
	second := w.refer("")
	w.text(other, "/start "+second)
	code2 := second[2:]
	m := invitePayload.FindStringSubmatch(w.text(admin, "/invite Другая").Replies[0].Text)
	bottest.Russian(w.sessions, 400)
	says(t, w.text(400, "/start "+m[1]), "«Другая»")
	says(t, w.press(400, "O:"+code2+":helped:-"), staleButton)
	says(t, w.press(400, "V:"+code2), staleButton)
	says(t, w.press(400, "L:"+code2), staleButton)
	if r, _, _ := w.refs.Referral(context.Background(), code2); !r.Closed.IsZero() {
		t.Errorf("another partner closed the referral: %+v", r)
	}
}

// Every link that does not work — used, unknown, malformed, an invitation used — gets the
// same answer, which tells a guesser nothing.
func TestBadLinksAllGetTheSameAnswer(t *testing.T) {
	w := newWorld(t)
	w.invitePartner("Бота үміт")
	used := w.refer("")
	w.text(client, "/start "+used)
	var answers []string
	for i, payload := range []string{used, "r_AAAAAAAAAAAAAAAA", "r_<script>", "r_", "i_AAAAAAAAAAAAAAAA", "i_"} {
		r := w.text(int64(5000+i), "/start "+payload)
		says(t, r, linkNotValid)
		answers = append(answers, strings.Join(bottest.Texts(r), "\n"))
	}
	for _, a := range answers[1:] {
		if a != answers[0] {
			t.Errorf("answers differ:\n%s\n---\n%s", answers[0], a)
		}
	}
}

// A partner who opens their own link is told it is for their client, in their language,
// and it still works for the client; the partner is not told their own opening.
func TestAPartnerOpeningTheirOwnLinkIsToldItIsForTheirClient(t *testing.T) {
	w := newWorld(t)
	w.invitePartner("Бота үміт")
	payload := w.refer("Приходите в среду")
	r := w.text(staff, "/start "+payload)
	says(t, r, "Это ссылка для вашего клиента", "Главное меню")
	if n := notices(r, staff); len(n) != 0 {
		t.Errorf("the partner opening their own link was reported: %q", n)
	}
	if s, _ := w.sessions.Get(staff); s.Ref != "" {
		t.Errorf("the partner's session took their own referral: %+v", s)
	}
	// Before choosing a language: in the app's language, then the choice of language.
	w.sessions.Set(staff, bot.Session{})
	r = w.once(func() bot.Result {
		return w.chat(staff).Send(bot.Input{Kind: bot.InputText, Text: "/start " + payload, LangHint: content.KK})
	})
	if len(r.Replies) != 2 || !strings.HasPrefix(r.Replies[0].Text, "Бұл сілтеме клиентіңізге арналған") || !strings.Contains(r.Replies[1].Text, "Сәлеметсіз бе") {
		t.Errorf("a partner with no language opening their own link: %q", bottest.Texts(r))
	}

	r = w.text(client, "/start "+payload)
	if n := notices(r, staff); len(n) != 1 {
		t.Errorf("the partner was not told their client opened it: %q", bottest.Texts(r))
	}
	says(t, w.pressLabel(client, "Русский"), "Вас направила организация «Бота үміт»", "Приходите в среду")
}

// A redelivered link is handled once: the partner hears of it once.
func TestARedeliveredLinkIsHandledOnce(t *testing.T) {
	w := newWorld(t)
	w.invitePartner("Бота үміт")
	payload := w.refer("")
	in := bot.Input{Kind: bot.InputText, Text: "/start " + payload}
	first := w.chat(client).Send(in)
	if len(notices(first, staff)) != 1 {
		t.Fatalf("the first delivery: %q", bottest.Texts(first))
	}
	if again := w.chat(client).Again(in); again.Outcome != bot.Duplicate || len(again.Replies) != 0 {
		t.Errorf("the second delivery: %+v", again)
	}
}

// When the referral store does not answer, people are told so in their language; a
// client's result is still shown, and the partner is not told anything half-done.
func TestAStoreThatDoesNotAnswerIsSaid(t *testing.T) {
	w := newWorld(t)
	w.invitePartner("Бота үміт")
	payload := w.refer("")
	bottest.Russian(w.sessions, client)
	w.text(client, "/start "+payload)
	w.pressLabel(client, "Да, можно")

	w.refs.Fail = errors.New("the store is away")
	says(t, w.text(staff, "/refer"), unavailable)
	says(t, w.text(other, "/start "+payload), unavailable)
	says(t, w.text(admin, "/invite Фирма"), unavailable)
	r, names := w.walkScreener(client, content.RU)
	says(t, r, names[0])
	if n := notices(r, staff); len(n) != 0 {
		t.Errorf("the partner was told while the store was away: %q", n)
	}
	w.refs.Fail = nil
	// Shown again once the store is back, the result reaches the partner.
	w.pressLabel(client, "Изменить ответы")
	if r := w.pressLabel(client, "Показать результат"); len(notices(r, staff)) != 1 {
		t.Errorf("the result shown again did not reach the partner: %q", bottest.Texts(r))
	}
}

// What the referrals keep about a person is listed; the partners of a client's open
// referrals get a farewell; forgetting deletes it all, and is safe to run twice.
func TestWhatIsKeptIsListedAndForgotten(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	e := w.svc.Engine()
	w.invitePartner("Бота үміт")
	open, closed := w.refer(""), w.refer("")
	bottest.Russian(w.sessions, client)
	w.text(client, "/start "+open)
	w.pressLabel(client, "Да, можно")
	w.text(client, "/start "+closed)
	w.pressLabel(client, "Нет")
	w.text(staff, "/referrals")
	w.press(staff, "O:"+closed[2:]+":helped:-")

	lines, err := w.feature.Kept(ctx, client, content.RU, e)
	if err != nil || len(lines) != 3 || !strings.Contains(lines[2], "Направление хранится 180 дней после того, как организация запишет его итог") ||
		!strings.Contains(lines[0]+lines[1], "направление от «Бота үміт»; им можно видеть ваш прогресс: Да") ||
		!strings.Contains(lines[0]+lines[1], "им можно видеть ваш прогресс: Нет") {
		t.Fatalf("kept about the client: %q %v", lines, err)
	}
	if lines, err := w.feature.Kept(ctx, staff, content.KK, e); err != nil || len(lines) != 1 || !strings.Contains(lines[0], "«Бота үміт»") {
		t.Fatalf("kept about the partner: %q %v", lines, err)
	}
	bye, err := w.feature.Farewells(ctx, client, e)
	if err != nil || len(bye) != 1 || bye[0].To != staff ||
		!strings.Contains(bye[0].Text, "Клиент по направлению "+open[2:6]+" попросил удалить свои данные") || strings.Contains(bye[0].Text, "жолдамасы") {
		t.Fatalf("farewells: %+v %v (want one, to the partner of the open referral, in their language, Russian)", bye, err)
	}
	for range 2 {
		if err := w.feature.Forget(ctx, client); err != nil {
			t.Fatal(err)
		}
	}
	if lines, _ := w.feature.Kept(ctx, client, content.RU, e); len(lines) != 0 {
		t.Errorf("kept after Forget: %q", lines)
	}
	if bye, _ := w.feature.Farewells(ctx, client, e); len(bye) != 0 {
		t.Errorf("farewells after Forget: %+v", bye)
	}
	if err := w.feature.Forget(ctx, staff); err != nil {
		t.Fatal(err)
	}
	if lines, _ := w.feature.Kept(ctx, staff, content.RU, e); len(lines) != 0 {
		t.Errorf("a partner is kept after Forget: %q", lines)
	}
	w.refs.Fail = errors.New("away")
	if _, err := w.feature.Kept(ctx, client, content.RU, e); err == nil {
		t.Error("Kept hid the store's error")
	}
	if _, err := w.feature.Farewells(ctx, client, e); err == nil {
		t.Error("Farewells hid the store's error")
	}
}

// /mydata lists the referral; /forget deletes it and tells the partner only that the
// client withdrew.
func TestForgetTellsThePartnerTheClientWithdrew(t *testing.T) {
	w := newWorld(t)
	w.invitePartner("Бота үміт")
	payload := w.refer("Записка")
	bottest.Russian(w.sessions, client)
	w.text(client, "/start "+payload)
	w.pressLabel(client, "Да, можно")
	says(t, w.chat(client).Text("/mydata"), "направление от «Бота үміт»", "язык: Русский")
	w.chat(client).Text("/forget")
	r := w.chat(client).Press(bottest.Button(w.chat(client).Last, "Да, удалить всё"))
	says(t, r, "всё, что бот хранил о вас, удалено")
	if n := notices(r, staff); len(n) != 1 || !strings.Contains(n[0], "попросил удалить свои данные") || strings.Contains(n[0], "Записка") {
		t.Errorf("the partner was told: %q", n)
	}
	if _, kept := w.sessions.Get(client); kept {
		t.Error("the session is kept after /forget")
	}
	says(t, w.text(staff, "/referrals"), "Направлений пока нет")
}

// A run that claimed the link and crashed before the client's session took it in is
// finished by the next: the client is introduced and the partner told, once; opening the
// link again later tells the partner nothing more.
func TestAClaimLeftByACrashIsFinishedOnce(t *testing.T) {
	w := newWorld(t)
	w.invitePartner("Бота үміт")
	payload := w.refer("")
	bottest.Russian(w.sessions, client)
	if _, ok, err := w.refs.ClaimReferral(context.Background(), payload[2:], client); !ok || err != nil {
		t.Fatalf("claiming: %v %v", ok, err)
	}
	r := w.text(client, "/start "+payload)
	says(t, r, "Вас направила организация «Бота үміт»")
	if n := notices(r, staff); len(n) != 1 {
		t.Errorf("after a crashed claim the partner was told %d times: %q", len(n), n)
	}
	if r := w.text(client, "/start "+payload); len(notices(r, staff)) != 0 {
		t.Errorf("opening the link again told the partner again: %q", bottest.Texts(r))
	}
	if n := w.tally.Of("referral:opened"); n != 1 {
		t.Errorf("opened counted %d times", n)
	}
}
