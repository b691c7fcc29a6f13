package telegram_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/qamqor/qamqor/checklist/checklisttest"
	"github.com/qamqor/qamqor/content"
)

// A second staff member of the referrals' tests, who speaks Kazakh.
const colleague = 201

// inviteAs makes chat a staff member of org through an admin's invitation; welcome is
// what they must be told, in their language.
func (w *world) inviteAs(chat int64, org, welcome string) {
	w.t.Helper()
	w.text(polling, admin, "/invite "+org)
	m := invitePayload.FindStringSubmatch(w.api.Last(admin).Text)
	if m == nil {
		w.t.Fatalf("no invitation link in:\n%s", w.api.Last(admin).Text)
	}
	w.text(polling, chat, "/start "+m[1])
	w.lastHas(chat, welcome)
}

// lastDocuments waits for the chat's last n messages to be documents and returns them.
func (w *world) lastDocuments(chat int64, n int) [][]byte {
	w.t.Helper()
	w.waitFor(func() bool {
		ms := w.api.Messages(chat)
		if len(ms) < n {
			return false
		}
		for _, m := range ms[len(ms)-n:] {
			if m.Document == nil {
				return false
			}
		}
		return true
	}, "the documents")
	var out [][]byte
	ms := w.api.Messages(chat)
	for _, m := range ms[len(ms)-n:] {
		out = append(out, m.Document.Data)
	}
	return out
}

// Two staff of one organisation, one speaking Russian and one Kazakh, see the same
// referrals with their labels; a label or a note with a phone number is questioned, not
// kept; an outcome is recorded by one and corrected with a comment by the other, and the
// view shows the history; the Kazakh-speaking one, revoked, is told in Kazakh.
func TestOneOrganisationsStaffWorkOnItsReferralsTogether(t *testing.T) {
	w := newWorld(t)
	w.startReferrals()
	w.inviteAs(staff, "Бота үміт", "партнёр Qamqor от организации «Бота үміт»")
	w.text(polling, colleague, "/start")
	w.press(polling, colleague, "Қазақша")
	w.inviteAs(colleague, "Бота үміт", "«Бота үміт» ұйымынан Qamqor серіктесісіз")

	// A note with a phone number is questioned, in every common way of writing one.
	w.text(polling, staff, "/refer")
	w.press(polling, staff, screenerLabel(t, content.RU))
	for _, note := range []string{"Позвоните 8 (701) 123-45-67", "тел. +7 701 123 45 67", "Айгерим Садыкова придёт в среду", "ИИН 990101300123"} {
		w.text(polling, staff, note)
		w.lastHas(staff, "В записке, похоже, есть")
		if w.api.Last(staff).Photo != nil {
			t.Fatalf("a note %q made a referral", note)
		}
	}
	// Without it, the referral is made, and a label with a phone number is questioned too.
	w.text(polling, staff, "Приходите в среду к 10:00")
	w.waitFor(func() bool { return w.api.Last(staff).Photo != nil }, "the referral's QR code")
	payload := referralPayload.FindStringSubmatch(w.api.Last(staff).Photo.Caption)[1]
	w.text(polling, staff, "Айгерим 87011234567")
	w.lastHas(staff, "В метке, похоже, есть номер телефона")
	// A first name is what a label is for.
	w.text(polling, staff, "Айгерим, группа вторника")
	w.lastHas(staff, "Метка сохранена: «Айгерим, группа вторника»")

	// The label is sealed in Redis, like the note.
	raw, err := w.redis.Client().HGetAll(context.Background(), "{ref:"+strings.TrimPrefix(payload, "r_")+"}").Result()
	if err != nil || raw["label"] == "" || strings.Contains(raw["label"], "Айгерим") {
		t.Errorf("the label as kept: %q %v", raw["label"], err)
	}

	// The colleague sees it, with its label, in Kazakh.
	w.text(polling, colleague, "/referrals")
	w.lastHas(colleague, "«Бота үміт» ұйымының жолдамалары", "«Айгерим, группа вторника»")

	// The client opens it; the staff member who made it is told in Russian alone.
	w.text(polling, client, "/start "+payload)
	w.press(polling, client, "Русский")
	w.waitFor(func() bool {
		return strings.Contains(w.api.Last(staff).Text, "Клиент открыл направление «Айгерим")
	}, "the partner told")
	if got := w.api.Last(staff).Text; strings.Contains(got, "ашты") {
		t.Errorf("the notice is not in Russian alone: %s", got)
	}

	// One records the outcome, the other corrects it with a comment and the date it happened
	// (the referral was made three days before).
	refKey := "{ref:" + strings.TrimPrefix(payload, "r_") + "}"
	w.redis.Client().HSet(context.Background(), refKey, "created", strconv.FormatInt(time.Now().AddDate(0, 0, -3).Unix(), 10))
	yesterday := time.Now().In(time.FixedZone("UTC+5", 5*3600)).AddDate(0, 0, -1).Format("02.01.2006")
	w.closeReferral("Айгерим, группа вторника", "помощь не получена", "")
	w.text(polling, colleague, "/referrals")
	w.press(polling, colleague, "🔎 Айгерим, группа вторника")
	w.press(polling, colleague, "Нәтижені өзгерту")
	w.press(polling, colleague, "көмек алды")
	w.text(polling, colleague, yesterday+" жәрдемақы тағайындалды")
	w.lastHas(colleague, "нәтижесі түзетілді: көмек алды", "Нәтижелер тарихы:", "көмек алмады", "«жәрдемақы тағайындалды»", yesterday+" — көмек алды", "әріптесіңіз 200")
	w.text(polling, staff, "/referrals")
	w.lastHas(staff, "закрыто (помощь получена)")
	w.press(polling, staff, "🔎 Айгерим, группа вторника")
	w.lastHas(staff, "История итогов:", "помощь не получена (записал(а) вы", yesterday+" — помощь получена (записал(а) коллега 201", "«жәрдемақы тағайындалды»")

	// A comment with a phone number is questioned.
	w.press(polling, staff, "Изменить итог")
	w.press(polling, staff, "помощь получена")
	w.text(polling, staff, "позвонить +7 (777) 000 11 22")
	w.lastHas(staff, "В комментарии, похоже, есть номер телефона")

	// The colleague, revoked, is told in Kazakh, and is then a stranger who speaks Kazakh.
	w.text(polling, admin, "/revoke 201")
	w.waitFor(func() bool {
		return strings.Contains(w.api.Last(colleague).Text, "қолжетімділігіңізді ажыратты")
	}, "the revoked colleague told")
	if got := w.api.Last(colleague).Text; strings.Contains(got, "отключил") {
		t.Errorf("the revoked colleague was told in Russian too: %s", got)
	}
	w.text(polling, colleague, "/referrals")
	w.lastHas(colleague, "/referrals")
	if got := w.api.Last(colleague).Text; strings.Contains(got, "Айгерим") || strings.Contains(got, "тілді таңдаңыз") {
		t.Errorf("/referrals by the revoked colleague: %s", got)
	}
}

// /report sends a CSV and a PDF whose counts match the referrals made, with no client data
// in either: no code, no label, no note, no comment.
func TestAReportCountsTheOrganisationsReferrals(t *testing.T) {
	w := newWorld(t)
	w.startReferrals()
	w.inviteAs(staff, "Бота үміт", "партнёр Qamqor от организации «Бота үміт»")
	var payloads []string
	for range 3 {
		payloads = append(payloads, w.refer(screenerLabel(t, content.RU), ""))
	}
	// Two opened, one with consent and a finished screener; one of those closed.
	w.text(polling, client, "/start "+payloads[0])
	w.press(polling, client, "Русский")
	w.press(polling, client, "Да, можно")
	w.walkScreener(client, content.RU)
	w.waitFor(func() bool { return strings.Contains(w.api.Last(staff).Text, "прошёл опрос") }, "the completion notice")
	w.text(polling, other, "/start "+payloads[1])
	w.press(polling, other, "Русский")
	w.closeReferral(strings.TrimPrefix(payloads[0], "r_")[:4], "помощь получена", "Секретный комментарий")

	// A referral of another organisation is not counted.
	w.inviteAs(colleague, "Другая", "«Другая»")

	w.text(polling, staff, "/report")
	docs := w.lastDocuments(staff, 2)
	csvData, pdf := docs[0], docs[1]
	if !bytes.HasPrefix(csvData, []byte("\uFEFF")) {
		t.Error("the CSV has no byte-order mark: Excel would misread its Cyrillic")
	}
	rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(csvData, []byte("\uFEFF")))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, r := range rows {
		got[r[1]] = r[2]
	}
	c, _, _ := content.Load(content.Embedded(), "content/data")
	tc, _ := c.ExampleCase("disability_check")
	first, _ := c.Service(tc.Match[0])
	for name, want := range map[string]string{
		"Создано направлений": "3", "Открыто клиентами": "2", "Опрос пройден": "1", "Итог записан": "1",
		"помощь получена": "1", "помощь не получена": "0", first.Name.RU: "1", "Консультации (опрос за клиента)": "0",
		"Дней от направления до итога (медиана)": "0",
	} {
		if got[name] != want {
			t.Errorf("CSV %q = %q, want %q\n%s", name, got[name], want, csvData)
		}
	}
	text := checklisttest.Text(t, pdf)
	for _, want := range []string{"Отчёт организации «Бота үміт»", "Создано направлений: 3", "Открыто клиентами: 2", "Опрос пройден: 1",
		"Итог записан: 1", "помощь получена: 1", "помощь не получена: 0", first.Name.RU + ": 1"} {
		if !strings.Contains(text, want) {
			t.Errorf("the PDF lacks %q:\n%s", want, text)
		}
	}
	for _, p := range payloads {
		code := strings.TrimPrefix(p, "r_")
		for what, doc := range map[string]string{"CSV": string(csvData), "PDF": text} {
			if strings.Contains(doc, code[:4]) || strings.Contains(doc, "Секретный") || strings.Contains(doc, "Другая") {
				t.Errorf("the %s names a client's referral or another organisation:\n%s", what, doc)
			}
		}
	}

	// A bad period is explained.
	w.text(polling, staff, "/report вчера")
	w.lastHas(staff, "/report 01.11.2026 30.11.2026")
}
