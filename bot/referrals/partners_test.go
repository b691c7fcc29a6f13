package referrals_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/qamqor/qamqor/bot"
	"github.com/qamqor/qamqor/bot/bottest"
	"github.com/qamqor/qamqor/bot/referrals"
	"github.com/qamqor/qamqor/content"
)

// A second staff member, who speaks Kazakh.
const colleague = 201

// join makes chat a staff member of org; welcome is what they must be told.
func (w *world) join(chat int64, org, welcome string) {
	w.t.Helper()
	m := invitePayload.FindStringSubmatch(w.text(admin, "/invite "+org).Replies[0].Text)
	if m == nil {
		w.t.Fatal("no invitation link")
	}
	says(w.t, w.text(chat, "/start "+m[1]), welcome)
}

// opened has staff refer a client with label, and the client open it; it returns the code.
func (w *world) opened(label string, chat int64) string {
	w.t.Helper()
	payload := w.referLabelled("", label)
	bottest.Russian(w.sessions, chat)
	w.text(chat, "/start "+payload)
	return payload[2:]
}

// Staff of one organisation see and work on the same referrals, labels included; another
// organisation's staff see none of them.
func TestAnOrganisationsStaffShareItsReferrals(t *testing.T) {
	w := newWorld(t)
	w.invitePartner("Бота үміт")
	w.sessions.Set(colleague, bot.Session{Lang: content.KK})
	w.join(colleague, "Бота үміт", "«Бота үміт» ұйымынан Qamqor серіктесісіз")
	code := w.opened("Айгерим, группа вторника", client)

	says(t, w.text(colleague, "/referrals"), "«Бота үміт» ұйымының жолдамалары", "«Айгерим, группа вторника» "+code[:4])
	says(t, w.pressLabel(colleague, "🔎 Айгерим, группа вторника"), "Ішкі атауы: «Айгерим, группа вторника»")
	w.pressLabel(colleague, "Айгерим, группа вторника нәтижесін жазу")
	w.pressLabel(colleague, "көмек алды")
	says(t, w.pressLabel(colleague, "Түсініктемесіз"), "«Айгерим, группа вторника» жолдамасы жабылды: көмек алды", "Нәтижелер тарихы:", "(жазған: сіз")
	says(t, w.text(staff, "/referrals"), "закрыто (помощь получена)")

	w.sessions.Set(400, bot.Session{Lang: content.RU})
	w.join(400, "Другая", "«Другая»")
	says(t, w.text(400, "/referrals"), "Направлений пока нет")
	says(t, w.press(400, "V:"+code), staleButton)
}

// A label with a phone number, an e-mail or an ИИН is refused; one with a surname is kept
// only when sent again; a lone first name is kept at once. Kazakh-speaking staff are
// answered in Kazakh.
func TestALabelIsQuestionedForPersonalData(t *testing.T) {
	w := newWorld(t)
	w.invitePartner("Бота үміт")
	payload := w.referLabelled("", "")
	code := payload[2:]
	w.press(staff, "L:"+code)
	for _, text := range []string{"Айгерим +7 701 123 45 67", "aigerim@mail.kz", "990101300123"} {
		says(t, w.text(staff, text), "В метке, похоже, есть")
	}
	says(t, w.text(staff, "Айгерим Садыкова"), "фамилия или отчество")
	says(t, w.text(staff, "Айгерим Садыкова"), "Метка сохранена: «Айгерим Садыкова»")
	if r, _, _ := w.refs.Referral(context.Background(), code); r.Label != "Айгерим Садыкова" {
		t.Errorf("the label confirmed: %q", r.Label)
	}
	w.press(staff, "L:"+code)
	says(t, w.text(staff, "Садыкова"), "фамилия или отчество")
	says(t, w.text(staff, "Айгерим"), "Метка сохранена: «Айгерим»") // another text: no confirmation needed

	w.sessions.Set(colleague, bot.Session{Lang: content.KK})
	w.join(colleague, "Бота үміт", "серіктесісіз")
	w.press(colleague, "L:"+code)
	says(t, w.text(colleague, "Айгерім 87011234567"), "Ішкі атауда телефон нөмірі бар сияқты")
	if r, _, _ := w.refs.Referral(context.Background(), code); r.Label != "Айгерим" {
		t.Errorf("a label with a phone number was kept: %q", r.Label)
	}
}

// A note with a name or a phone number is not accepted: the partner is asked to remove it.
func TestANoteWithPersonalDataIsQuestioned(t *testing.T) {
	w := newWorld(t)
	w.invitePartner("Бота үміт")
	w.text(staff, "/refer")
	w.pressLabel(staff, "✓ "+w.screener().Title.RU)
	for _, note := range []string{"Айгерим, позвоните 8-701-123-45-67", "Для Садыковой А."} {
		r := w.text(staff, note)
		says(t, r, "В записке, похоже, есть")
		if referralPayload.FindString(r.Replies[0].Text) != "" {
			t.Errorf("a note %q made a referral", note)
		}
	}
	says(t, w.text(staff, "Приходите в среду к 10:00 в ЦОН на ул. Пушкина"), "Метка для вашей организации")
}

// An outcome is recorded with a comment and a date, and corrected later by a colleague;
// the view shows the history; a date in the future or a comment with a phone is refused.
func TestAnOutcomeIsCorrectedWithAComment(t *testing.T) {
	w := newWorld(t)
	w.invitePartner("Бота үміт")
	w.sessions.Set(colleague, bot.Session{Lang: content.RU})
	w.join(colleague, "Бота үміт", "«Бота үміт»")
	code := w.opened("", client)
	w.refs.UpdateReferral(context.Background(), code, func(r *referrals.Referral) { r.Created = r.Created.AddDate(0, 0, -3) }) // made three days ago
	yesterday := time.Now().In(time.FixedZone("UTC+5", 5*3600)).AddDate(0, 0, -1).Format("02.01.2006")
	tomorrow := time.Now().In(time.FixedZone("UTC+5", 5*3600)).AddDate(0, 0, 1).Format("02.01.2006")

	w.press(staff, "O:"+code)
	says(t, w.pressLabel(staff, "нет связи с клиентом"), "Добавьте короткий комментарий")
	says(t, w.text(staff, tomorrow+" дозвонились"), "итог может быть со дня направления")
	says(t, w.text(staff, "01.01.2020 дозвонились"), "итог может быть со дня направления")
	says(t, w.text(staff, "звонить +7 701 123 45 67"), "В комментарии, похоже, есть номер телефона")
	says(t, w.text(staff, yesterday+" не берёт трубку"), "закрыто: нет связи с клиентом", yesterday+" — нет связи с клиентом (записал(а) вы", "«не берёт трубку»")

	says(t, w.press(colleague, "V:"+code), "История итогов:", "записал(а) коллега 200")
	w.pressLabel(colleague, "Изменить итог")
	w.pressLabel(colleague, "помощь получена")
	r := w.text(colleague, "пришла сама, пособие назначено")
	says(t, r, "Итог направления "+code[:4]+" исправлен: помощь получена", "нет связи с клиентом (записал(а) коллега 200", "помощь получена (записал(а) вы", "«пришла сама, пособие назначено»")
	ref, _, _ := w.refs.Referral(context.Background(), code)
	if ref.Outcome != referrals.OutcomeHelped || len(ref.History) != 2 || ref.History[0].By != staff || ref.History[1].By != colleague {
		t.Errorf("the referral after the correction: %+v", ref)
	}
	if n := w.tally.Of("referral:closed"); n != 1 {
		t.Errorf("closing counted %d times; a correction is not another closing", n)
	}
}

// A revoked partner is told in their language, and their menu is set again.
func TestARevokedPartnerIsToldInTheirLanguage(t *testing.T) {
	w := newWorld(t)
	w.sessions.Set(colleague, bot.Session{Lang: content.KK})
	w.join(colleague, "Бота үміт", "серіктесісіз")
	r := w.text(admin, "/revoke 201")
	says(t, r, "отключён")
	n := notices(r, colleague)
	if len(n) != 1 || !strings.Contains(n[0], "«Бота үміт» ұйымынан Qamqor серіктесі ретіндегі қолжетімділігіңізді ажыратты") || strings.Contains(n[0], "отключил") {
		t.Errorf("the revoked partner was told: %q", n)
	}
	if !containsChat(r.Menus, colleague) {
		t.Errorf("the revoked partner's menu is not set again: %v", r.Menus)
	}
}

// A referral whose maker is no longer staff (revoked) is the organisation's: when its
// client opens it, the organisation's other staff are told, each in their language, and
// the former staff member is not.
func TestNoticesOfAFormerStaffMembersReferralGoToTheOrganisation(t *testing.T) {
	w := newWorld(t)
	w.invitePartner("Бота үміт")
	w.sessions.Set(colleague, bot.Session{Lang: content.KK})
	w.join(colleague, "Бота үміт", "серіктесісіз")
	w.sessions.Set(400, bot.Session{Lang: content.RU})
	w.join(400, "Другая", "«Другая»")
	payload := w.refer("")
	w.text(admin, "/revoke 200")
	bottest.Russian(w.sessions, client)
	r := w.text(client, "/start "+payload)
	if n := notices(r, colleague); len(n) != 1 || !strings.Contains(n[0], "жолдамасын ашты") {
		t.Errorf("the colleague was told %q", n)
	}
	if n := notices(r, staff); len(n) != 0 {
		t.Errorf("the revoked staff member was told %q", n)
	}
	if n := notices(r, 400); len(n) != 0 {
		t.Errorf("another organisation's staff was told %q", n)
	}
}

// A staff member who asks to be forgotten is told their referrals stay with the
// organisation (in /mydata), and afterwards their colleagues still see and work on them,
// the outcomes they recorded now a former staff member's.
func TestAForgottenStaffMembersReferralsStayWithTheOrganisation(t *testing.T) {
	w := newWorld(t)
	w.invitePartner("Бота үміт")
	w.sessions.Set(colleague, bot.Session{Lang: content.KK})
	w.join(colleague, "Бота үміт", "серіктесісіз")
	code := w.opened("Айгерим", client)
	ctx := context.Background()
	w.refs.UpdateReferral(ctx, code, func(r *referrals.Referral) {
		r.History = []referrals.OutcomeRecord{{Outcome: referrals.OutcomeHelped, By: staff, At: time.Now(), Date: time.Now()}}
		r.Outcome, r.Closed = referrals.OutcomeHelped, time.Now()
	})
	kept, err := w.feature.Kept(ctx, staff, content.RU, w.svc.Engine())
	if err != nil || !strings.Contains(strings.Join(kept, "\n"), "после /forget они останутся у неё, но без вашего ID") {
		t.Errorf("/mydata does not say the referrals stay with the organisation: %q %v", kept, err)
	}
	if err := w.feature.Forget(ctx, staff); err != nil {
		t.Fatal(err)
	}
	says(t, w.text(colleague, "/referrals"), "«Айгерим» "+code[:4])
	says(t, w.pressLabel(colleague, "🔎 Айгерим"), "жазған: бұрынғы қызметкер")
	if r, _, _ := w.refs.Referral(ctx, code); r.Partner != 0 || r.History[0].By != 0 {
		t.Errorf("the referral still names the forgotten staff member: %d %+v", r.Partner, r.History)
	}
}

func containsChat(chats []int64, chat int64) bool {
	for _, c := range chats {
		if c == chat {
			return true
		}
	}
	return false
}

// countingStore is a store that counts consultations, as H4's store does.
type countingStore struct {
	*bottest.Referrals
	from, to time.Time
}

func (s *countingStore) Consultations(_ context.Context, org string, from, to time.Time) (int, error) {
	s.from, s.to = from, to
	if org != "Бота үміт" {
		return 0, nil
	}
	return 7, nil
}

// /report sends a CSV (with a byte-order mark) and, when a renderer is given, a PDF, in the
// partner's language; consultations come from a store that counts them.
func TestAReportIsSentAsDocumentsInThePartnersLanguage(t *testing.T) {
	w := &world{t: t, tally: bottest.NewTally(), chats: map[int64]*bottest.Chat{},
		roles: bottest.NewFixedRoles(map[int64]bot.Role{admin: bot.RoleAdmin})}
	w.refs = bottest.NewReferrals(time.Now)
	store := &countingStore{Referrals: w.refs}
	var rendered referrals.ReportDoc
	w.feature = referrals.New(store, func(p string) string { return linkPrefix + p }, qr).WithReportPDF(func(d referrals.ReportDoc) ([]byte, error) {
		rendered = d
		return []byte("%PDF"), nil
	})
	w.svc, w.sessions = bottest.Service(t, w.roles, w.tally, w.feature)
	w.content = w.svc.Engine().Content()
	bottest.Russian(w.sessions, admin, stranger)
	w.sessions.Set(staff, bot.Session{Lang: content.KK})
	m := invitePayload.FindStringSubmatch(w.text(admin, "/invite Бота үміт").Replies[0].Text)
	w.text(staff, "/start "+m[1])
	w.referLabelledKK("Айгерім")

	r := w.text(staff, "/report")
	if len(r.Replies) != 1 || len(r.Replies[0].Documents) != 2 {
		t.Fatalf("/report: %+v", r.Replies)
	}
	csv := string(r.Replies[0].Documents[0].Data)
	for _, want := range []string{"\uFEFF", "Жасалған жолдамалар,1", "Кеңестер (клиенттің атынан сауалнама),7"} {
		if !strings.Contains(csv, want) {
			t.Errorf("the CSV lacks %q:\n%s", want, csv)
		}
	}
	if strings.Contains(csv, "Айгерім") || strings.Contains(csv, "Создано") {
		t.Errorf("the CSV holds a label, or is not in Kazakh alone:\n%s", csv)
	}
	if rendered.Lang != content.KK || !strings.HasSuffix(r.Replies[0].Documents[1].Name, ".pdf") || len(rendered.Chart.Values) == 0 {
		t.Errorf("the PDF was made of %+v", rendered)
	}
	if store.to.Sub(store.from) < 24*time.Hour {
		t.Errorf("consultations were counted over %v–%v", store.from, store.to)
	}
	says(t, w.text(stranger, "/report"), "Я не знаю команду /report")
}

// referLabelledKK refers as a Kazakh-speaking staff member, with label.
func (w *world) referLabelledKK(label string) {
	w.t.Helper()
	w.text(staff, "/refer")
	w.pressLabel(staff, "✓ "+w.screener().Title.KK)
	w.pressLabel(staff, "Жазбасыз")
	says(w.t, w.text(staff, label), "Ішкі атау сақталды")
}

// An invitation to an organisation's name in other letters or spaces adds staff to it;
// /partners lists staff by organisation, with how to add and remove them.
func TestAnAdminAddsStaffToAnOrganisation(t *testing.T) {
	w := newWorld(t)
	w.invitePartner("Бота үміт")
	w.sessions.Set(colleague, bot.Session{Lang: content.KK})
	w.join(colleague, "  бота   ҮМІТ ", "«Бота үміт» ұйымынан Qamqor серіктесісіз")
	w.sessions.Set(400, bot.Session{Lang: content.RU})
	w.join(400, "Другая", "«Другая»")
	says(t, w.text(admin, "/partners"), "Партнёры (3), по организациям", "«Бота үміт»: 200 (", "), 201 (", "«Другая»: 400 (", "/invite с тем же названием")
	w.sessions.Set(admin, bot.Session{Lang: content.KK})
	says(t, w.text(admin, "/partners"), "ұйымдар бойынша", "/invite сол атаумен")
}

// A partner who changes language gets their menu set again, and notices in the new one.
func TestAPartnersNewLanguageIsUsedForTheirMenuAndNotices(t *testing.T) {
	w := newWorld(t)
	w.invitePartner("Бота үміт")
	payload := w.refer("")
	r := w.text(staff, "/lang")
	if !containsChat(r.Menus, staff) {
		t.Errorf("the partner's menu is not set again after /lang: %v", r.Menus)
	}
	if p, _, _ := w.refs.Partner(context.Background(), staff); p.Lang != content.KK {
		t.Errorf("the partner's language after /lang: %q", p.Lang)
	}
	bottest.Russian(w.sessions, client)
	n := notices(w.text(client, "/start "+payload), staff)
	if len(n) != 1 || !strings.Contains(n[0], "жолдамасын ашты") || strings.Contains(n[0], "открыл") {
		t.Errorf("the notice after the partner chose Kazakh: %q", n)
	}
	if r := w.text(client, "/lang"); containsChat(r.Menus, client) {
		t.Errorf("a client without a role has a menu set: %v", r.Menus)
	}
}
