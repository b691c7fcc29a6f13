package telegram_test

import (
	"bytes"
	"image/png"
	"log/slog"
	"strings"
	"testing"

	"github.com/qamqor/qamqor/bot"
	"github.com/qamqor/qamqor/bot/stats"
	"github.com/qamqor/qamqor/chart"
	"github.com/qamqor/qamqor/content"
	"github.com/qamqor/qamqor/internal/fakebotapi"
	"github.com/qamqor/qamqor/store"
)

// startStats runs the serve path with statistics on and returns the statistics store.
func (w *world) startStats() *store.Stats {
	w.t.Helper()
	rdb := w.redis.Client()
	counts := store.NewStats(rdb)
	svc := bot.NewService(w.engine(), store.NewSessions(rdb), slog.New(slog.NewTextHandler(w.logs, nil)))
	w.withRoles(svc)
	mustRegister(w.t, svc, stats.New(counts, func(title string, days []string, series []stats.Series) ([]byte, error) {
		var cs []chart.Series
		for _, s := range series {
			cs = append(cs, chart.Series{Name: s.Name, Values: s.Values})
		}
		return chart.Daily(title, days, cs, 900, 500)
	}))
	w.startWith(polling, svc)
	return counts
}

func TestStatsCountWhatPeopleDidAndDrawIt(t *testing.T) {
	w := newWorld(t)
	w.startStats()
	// Simulated traffic: three Russian and two Kazakh conversations, screens opened,
	// searches that find nothing (one with a phone number).
	for i, lang := range []string{"Русский", "Русский", "Русский", "Қазақша", "Қазақша"} {
		chat := int64(6000 + i)
		w.text(polling, chat, "/start")
		w.press(polling, chat, lang)
	}
	w.press(polling, 6000, "Поддержка людей с инвалидностью")
	w.press(polling, 6001, "Поддержка людей с инвалидностью")
	// One Kazakh speaker finishes the disability screener, the other leaves it halfway.
	for _, chat := range []int64{6003, 6004} {
		w.press(polling, chat, "Мүгедектігі бар адамдарға қолдау")
		w.press(polling, chat, "✓ Маған не тиесілі? Қысқа сауалнама")
	}
	w.walkScreener(6003, content.KK)
	w.text(polling, 6004, "/menu")
	// Two people ask the same (in their own spelling), one asks alone, one gives a number.
	w.text(polling, 6002, "где купить билет на поезд")
	w.text(polling, 6001, "Где  купить билет на поезд?")
	w.text(polling, 6000, "где купить билет на самолёт")
	w.text(polling, 6002, "мой номер 87011234567 перезвоните")

	w.text(polling, stranger, "/start")
	w.press(polling, stranger, "Русский")
	w.text(polling, stranger, "/stats")
	if got := w.api.Last(stranger); got.Photo != nil || !strings.Contains(got.Text, "не знаю команду") {
		t.Errorf("/stats by a stranger: %s", got.Text)
	}

	w.text(polling, admin, "/stats 7")
	var photo *fakebotapi.Photo
	report := ""
	w.waitFor(func() bool {
		// The chart comes as a photo, the report as its caption or, when longer than a
		// caption may be, as the message after it.
		photo, report = nil, ""
		for _, m := range w.api.Messages(admin) {
			if m.Photo != nil {
				photo = m.Photo
				report += m.Photo.Caption + "\n"
			} else if photo != nil {
				report += m.Text + "\n"
			}
		}
		return photo != nil && strings.Contains(report, "Статистика")
	}, "the statistics chart and report")
	for _, want := range []string{
		"Статистика за 7 дней",
		"начато разговоров: 6 (по-казахски 2, по-русски 4)", // the five, and the stranger
		"Главное меню — 7",                                  // six on arrival, one more on /menu
		"вопросов без ответа в поиске: 4",
		"опросов пройдено до результата: 1",
		"опросов брошено на полпути: 1",
		"Поддержка людей с инвалидностью — 4", // two in each language
		"где купить билет на поезд — 2",       // people, not asks
	} {
		if !strings.Contains(report, want) {
			t.Errorf("the report lacks %q:\n%s", want, report)
		}
	}
	if strings.Contains(report, "87011234567") || strings.Contains(report, "перезвоните") {
		t.Errorf("a question with digits was kept:\n%s", report)
	}
	if strings.Contains(report, "самолёт") {
		t.Errorf("a question only one person asked is shown:\n%s", report)
	}
	img, err := png.Decode(bytes.NewReader(photo.Data))
	if err != nil {
		t.Fatalf("the chart is not a PNG: %v", err)
	}
	if b := img.Bounds(); b.Dx() != 900 || b.Dy() != 500 {
		t.Errorf("the chart is %v", b)
	}
	// Nothing in Redis says who did it: no user id among the statistics.
	for _, k := range w.redis.Keys("stats:*") { // every node of a cluster
		fields, _ := w.redis.Client().HGetAll(t.Context(), k).Result()
		for f := range fields {
			if strings.Contains(f, "600") {
				t.Errorf("%s has %q, which looks like a user id", k, f)
			}
		}
	}
}
