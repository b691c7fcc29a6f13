package referrals_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/qamqor/qamqor/bot"
	"github.com/qamqor/qamqor/bot/bottest"
	"github.com/qamqor/qamqor/bot/referrals"
	"github.com/qamqor/qamqor/bot/safety"
	"github.com/qamqor/qamqor/bot/stats"
	"github.com/qamqor/qamqor/content"
)

// newScreeningWorld is newWorld with the safety net first and the statistics (instead of
// the tally), as the binary registers them.
func newScreeningWorld(t *testing.T) (*world, *bottest.Stats) {
	t.Helper()
	counts := bottest.NewStats()
	w := &world{t: t, refs: bottest.NewReferrals(time.Now), chats: map[int64]*bottest.Chat{},
		roles: bottest.NewFixedRoles(map[int64]bot.Role{admin: bot.RoleAdmin})}
	w.feature = referrals.New(w.refs, func(p string) string { return linkPrefix + p }, qr)
	w.svc, w.sessions = bottest.Service(t, safety.New(safety.Options{}), w.roles, stats.New(counts, nil), w.feature)
	w.content = w.svc.Engine().Content()
	bottest.Russian(w.sessions, admin, staff, stranger)
	return w, counts
}

var screenStart = map[content.Lang]string{content.RU: "Ответы не сохраняются", content.KK: "Жауаптар сақталмайды"}

// startForClient has staff open the disability screener for a client through /screen.
func (w *world) startForClient(lang content.Lang) bot.Result {
	w.t.Helper()
	r := w.text(staff, "/screen")
	says(w.t, r, map[content.Lang]string{content.RU: "Опрос за клиента", content.KK: "клиент үшін сауалнама"}[lang])
	r = w.pressLabel(staff, "✓ "+w.screener().Title.In(lang))
	says(w.t, r, screenStart[lang], w.screener().Questions[0].Text.In(lang))
	if s, _ := w.sessions.Get(staff); !s.ForClient || s.Screener != w.screener().ID {
		w.t.Fatalf("the run is not the partner's for a client: %+v", s)
	}
	return r
}

// answerAll answers every question of the screener in chat with its example case, up to
// the summary.
func (w *world) answerAll(chat int64, lang content.Lang) {
	w.t.Helper()
	sc := w.screener()
	tc, _ := w.content.ExampleCase(sc.ID)
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
			return
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
}

func (w *world) consultations(org string) int {
	w.t.Helper()
	n, err := w.refs.Consultations(context.Background(), org, time.Now(), time.Now())
	if err != nil {
		w.t.Fatal(err)
	}
	return n
}

// A partner screens a client who is with them, in Russian and then in Kazakh: each run
// ends with the result and the checklist PDF in both languages, the session keeps no
// answer, no referral is made, and each run is one consultation of the organisation.
func TestAPartnerScreensAClientAndNothingOfTheClientIsKept(t *testing.T) {
	w, counts := newScreeningWorld(t)
	w.invitePartner("Бота үміт")
	for i, lang := range []content.Lang{content.RU, content.KK} {
		if lang == content.KK {
			w.text(staff, "/lang")
		}
		w.startForClient(lang)
		r, names := w.walkScreener(staff, lang)
		says(t, r, map[content.Lang]string{content.RU: "Результат для клиента", content.KK: "Клиентке арналған нәтиже"}[lang], names[0])
		var result bot.Reply
		for _, rep := range r.Replies {
			if rep.Checklist != nil {
				result = rep
			}
		}
		if result.Checklist == nil || len(result.Checklist.Sections) != 2 {
			t.Fatalf("%s: no checklist in both languages with the result: %+v", lang, r.Replies)
		}
		var listed []string
		for _, it := range result.Checklist.Sections[1].Items { // Russian
			listed = append(listed, it.Name)
		}
		for _, id := range func() []string { tc, _ := w.content.ExampleCase(w.screener().ID); return tc.Match }() {
			if sv, _ := w.content.Service(id); !strings.Contains(strings.Join(listed, "\n"), sv.Name.RU) {
				t.Errorf("%s: the checklist lacks %q: %q", lang, sv.Name.RU, listed)
			}
		}
		for _, row := range result.Buttons {
			for _, b := range row {
				// What needs the answers is not offered: they are gone.
				if b.URL == "" && !strings.HasPrefix(b.Data, "g:") && b.Data != "W:" && b.Data != bot.DataMainMenu {
					t.Errorf("%s: the result offers %q (%s), which needs the answers", lang, b.Label, b.Data)
				}
			}
		}
		if bottest.Button(r, map[content.Lang]string{content.RU: "Опрос для другого клиента", content.KK: "Басқа клиентке сауалнама"}[lang]) == "" {
			t.Errorf("%s: no way to screen another client: %q", lang, bottest.Texts(r))
		} else {
			says(t, w.press(staff, "W:"), map[content.Lang]string{content.RU: "Опрос за клиента, который сейчас рядом", content.KK: "Қасыңыздағы клиент үшін"}[lang])
			w.chat(staff).Last = r
		}
		s, _ := w.sessions.Get(staff)
		if len(s.Answers) != 0 {
			t.Fatalf("%s: the session keeps the client's answers after the result: %+v", lang, s.Answers)
		}
		if got := w.consultations("Бота үміт"); got != i+1 {
			t.Errorf("%s: %d consultations counted, want %d", lang, got, i+1)
		}
		// Pressing an answer or the checklist of the run again finds nothing to show.
		r = w.press(staff, "p")
		if len(r.Replies) == 1 && r.Replies[0].Checklist != nil {
			t.Errorf("%s: the checklist was made again after the answers were dropped", lang)
		}
		says(t, w.pressLabel(staff, map[content.Lang]string{content.RU: "Главное меню", content.KK: "Басты мәзір"}[lang]))
		if s, _ := w.sessions.Get(staff); s.ForClient || s.Screener != "" {
			t.Errorf("%s: the run is still open after the main menu: %+v", lang, s)
		}
	}
	if _, total, _ := w.refs.PartnerReferrals(context.Background(), staff, 0, 10); total != 0 {
		t.Errorf("screening for a client made %d referrals", total)
	}
	// The statistics count the runs as completed, by screener and language: nothing more.
	c, _, _ := counts.Day(context.Background(), time.Now())
	if c["completed:disability_check:ru"] != 1 || c["completed:disability_check:kk"] != 1 {
		t.Errorf("the statistics counted %v", c)
	}
}

// A run for a client left halfway drops its answers with the questionnaire, counts no
// consultation, and leaves nothing in the session.
func TestARunForAClientLeftHalfwayDropsItsAnswers(t *testing.T) {
	w, _ := newScreeningWorld(t)
	w.invitePartner("Бота үміт")
	w.startForClient(content.RU)
	w.answerAll(staff, content.RU)
	if s, _ := w.sessions.Get(staff); len(s.Answers) == 0 {
		t.Fatal("no answers were recorded")
	}
	says(t, w.pressLabel(staff, "Главное меню"), "Выйти из опроса?")
	w.pressLabel(staff, "Выйти")
	if s, _ := w.sessions.Get(staff); s.ForClient || len(s.Answers) != 0 || s.Screener != "" {
		t.Fatalf("the run left behind %+v", s)
	}
	if n := w.consultations("Бота үміт"); n != 0 {
		t.Errorf("an unfinished run counted %d consultations", n)
	}
}

// Words of danger typed during a run for a client get the emergency numbers first, and
// leave the run and its answers as they were; what the partner types on the summary is
// not searched (a search that finds nothing is kept for editors) but asked about again.
func TestDuringARunForAClientSafetyComesFirstAndNothingIsSearched(t *testing.T) {
	w, counts := newScreeningWorld(t)
	w.invitePartner("Бота үміт")
	w.startForClient(content.RU)
	before, _ := w.sessions.Get(staff)
	says(t, w.text(staff, "муж бьет помогите"), "102", "150")
	after, _ := w.sessions.Get(staff)
	if after.Step != before.Step || !after.ForClient {
		t.Fatalf("the danger words moved the run: %+v → %+v", before, after)
	}
	w.press(staff, "!:back") // safety's "back to where I was": the question again
	w.answerAll(staff, content.RU)
	if s, _ := w.sessions.Get(staff); !s.OnSummary() {
		t.Fatalf("not on the summary: %+v", s)
	}
	r := w.text(staff, "Айгерим Нурланова где получить справку мсэ")
	says(t, r, "Идёт опрос за клиента")
	for _, rep := range r.Replies {
		if rep.Search || rep.SearchMiss {
			t.Fatalf("the text was searched: %+v", rep)
		}
	}
	_ = counts.Flush(context.Background())
	if _, misses, _ := counts.Day(context.Background(), time.Now()); len(misses) != 0 {
		t.Errorf("the statistics kept %v", misses)
	}
	if s, _ := w.sessions.Get(staff); !s.OnSummary() || len(s.Answers) == 0 {
		t.Errorf("the summary was lost: %+v", s)
	}
	// Danger words on the summary are still answered first.
	says(t, w.text(staff, "Муж бьёт!!!"), "102")
	// And in Kazakh, the same refusal to search.
	w.text(staff, "/lang")
	says(t, w.text(staff, "анықтаманы қайдан алуға болады"), "Клиент үшін сауалнама жүріп жатыр")
}

// Only partners screen for clients: anyone else gets what an unknown command or a stale
// button gets, and a run the engine starts itself is the person's own.
func TestOnlyPartnersScreenForClients(t *testing.T) {
	w, _ := newScreeningWorld(t)
	says(t, w.text(stranger, "/screen"), "Я не знаю команду /screen")
	says(t, w.press(stranger, "W:disability_check"), staleButton)
	if s, _ := w.sessions.Get(stranger); s.ForClient || s.Screener != "" {
		t.Fatalf("a stranger started a run for a client: %+v", s)
	}
	w.invitePartner("Бота үміт")
	says(t, w.press(staff, "W:no_such_screener"), staleButton)
	w.startForClient(content.RU)
	// Starting the screener from its topic, as anyone does, is the partner's own run.
	w.press(staff, bot.ScreenerTarget(w.screener().ID))
	if s, _ := w.sessions.Get(staff); s.ForClient {
		t.Fatalf("the engine's own start kept the run for a client: %+v", s)
	}
}

// A partner who once came as a referred client of another organisation, and agreed to
// share their progress, screens a client: the other organisation hears nothing of it,
// and their referral is not marked completed.
func TestARunForAClientIsNoReferralsProgress(t *testing.T) {
	w, _ := newScreeningWorld(t)
	ctx := context.Background()
	code, _ := w.refs.CreateInvite(ctx, "Другая организация", admin)
	if _, ok, err := w.refs.ClaimInvite(ctx, code, other); !ok || err != nil {
		t.Fatal("the other partner could not join", err)
	}
	ref, err := w.refs.CreateReferral(ctx, referrals.Referral{Partner: other, Org: "Другая организация", Target: bot.ScreenerTarget(w.screener().ID)})
	if err != nil {
		t.Fatal(err)
	}
	w.invitePartner("Бота үміт")
	if _, ok, err := w.refs.ClaimReferral(ctx, ref.Code, staff); !ok || err != nil {
		t.Fatal("staff could not open the referral", err)
	}
	w.refs.UpdateReferral(ctx, ref.Code, func(r *referrals.Referral) { r.Asked, r.Consent = true, true })
	s, _ := w.sessions.Get(staff)
	s.Ref = ref.Code
	w.sessions.Set(staff, s)

	w.startForClient(content.RU)
	r, _ := w.walkScreener(staff, content.RU)
	if n := notices(r, other); len(n) != 0 {
		t.Errorf("the other organisation was told of a run for a client: %q", n)
	}
	if got, _, _ := w.refs.Referral(ctx, ref.Code); !got.Completed.IsZero() || len(got.Matched) != 0 {
		t.Errorf("the referral took the client's result: %+v", got)
	}
	if n := w.consultations("Бота үміт"); n != 1 {
		t.Errorf("%d consultations, want 1", n)
	}
}
