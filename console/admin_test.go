package console_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/qamqor/qamqor/bot"
	"github.com/qamqor/qamqor/bot/admin"
	"github.com/qamqor/qamqor/bot/news"
	"github.com/qamqor/qamqor/bot/referrals"
	"github.com/qamqor/qamqor/console"
	"github.com/qamqor/qamqor/content"
	"github.com/qamqor/qamqor/qr"
)

// In-memory fakes of the admins' ports.

type fakeStats struct {
	mu      sync.Mutex
	days    map[string]map[string]int64 // by YYYY-MM-DD
	misses  map[string]map[string]int64
	flushed int
	fail    bool
}

func (s *fakeStats) Flush(context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.flushed++
	return nil
}

func (s *fakeStats) Day(_ context.Context, day time.Time) (map[string]int64, map[string]int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.fail {
		return nil, nil, errors.New("redis: connection refused")
	}
	return s.days[day.Format(time.DateOnly)], s.misses[day.Format(time.DateOnly)], nil
}

type fakePartners struct {
	mu       sync.Mutex
	partners []referrals.Partner
	invites  map[string]string // code → org
}

func (p *fakePartners) Partners(context.Context) ([]referrals.Partner, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.partners), nil
}

func (p *fakePartners) CreateInvite(_ context.Context, org string, _ int64) (string, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	code := fmt.Sprintf("code%04d", len(p.invites)+1)
	p.invites[code] = org
	return code, nil
}

func (p *fakePartners) RevokePartner(_ context.Context, user int64) (bool, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	i := slices.IndexFunc(p.partners, func(x referrals.Partner) bool { return x.User == user })
	if i < 0 {
		return false, nil
	}
	p.partners = slices.Delete(p.partners, i, i+1)
	return true, nil
}

// fakeReferrals keeps referrals by partner, beside fakePartners' partners.
type fakeReferrals struct {
	*fakePartners
	byPartner map[int64][]referrals.Referral
}

func (r *fakeReferrals) Partner(_ context.Context, user int64) (referrals.Partner, bool, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, p := range r.partners {
		if p.User == user {
			return p, true, nil
		}
	}
	return referrals.Partner{}, false, nil
}

// OrgReferrals lists, newest first, the referrals of org, and those without one of the
// lists of org's staff (made before organisations were kept, as store.Referrals indexes).
func (r *fakeReferrals) OrgReferrals(_ context.Context, org string, offset, limit int) ([]referrals.Referral, int, error) {
	r.mu.Lock()
	staff := map[int64]bool{}
	for _, p := range r.partners {
		staff[p.User] = p.Org == org
	}
	r.mu.Unlock()
	var all []referrals.Referral
	for owner, rs := range r.byPartner {
		for _, ref := range rs {
			if ref.Org == org || ref.Org == "" && staff[owner] {
				all = append(all, ref)
			}
		}
	}
	slices.SortFunc(all, func(a, b referrals.Referral) int { return b.Created.Compare(a.Created) })
	if limit < 0 {
		limit = len(all)
	}
	if offset > len(all) {
		return nil, len(all), nil
	}
	return all[offset:min(offset+limit, len(all))], len(all), nil
}

func (r *fakeReferrals) PartnerReferrals(_ context.Context, partner int64, offset, limit int) ([]referrals.Referral, int, error) {
	all := r.byPartner[partner]
	if offset > len(all) {
		return nil, len(all), nil
	}
	return all[offset:min(offset+limit, len(all))], len(all), nil
}

type fakeAuditLog struct{ entries []admin.Entry }

func (a *fakeAuditLog) AuditLog(_ context.Context, n int) ([]admin.Entry, error) {
	return a.entries[:min(n, len(a.entries))], nil
}

type fakeNews struct {
	mu          sync.Mutex
	subscribers []news.Recipient
	broadcasts  []news.Broadcast
	audiences   []news.Audience
	scheduled   []news.Scheduled
}

func (n *fakeNews) Schedule(_ context.Context, s news.Scheduled) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.scheduled = append(n.scheduled, s)
	return nil
}

func (n *fakeNews) Scheduled(context.Context) ([]news.Scheduled, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	return slices.Clone(n.scheduled), nil
}

func (n *fakeNews) Unschedule(_ context.Context, draft string) (bool, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	i := slices.IndexFunc(n.scheduled, func(s news.Scheduled) bool { return s.Draft == draft })
	if i < 0 {
		return false, nil
	}
	n.scheduled = slices.Delete(n.scheduled, i, i+1)
	return true, nil
}

func (n *fakeNews) Audience(_ context.Context, a news.Audience) ([]news.Recipient, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.audiences = append(n.audiences, a)
	var out []news.Recipient
	for _, r := range n.subscribers {
		if a.Lang == "" || a.Lang == r.Lang {
			out = append(out, r)
		}
	}
	return out, nil
}

func (n *fakeNews) CreateBroadcast(_ context.Context, b news.Broadcast, to []news.Recipient) (news.Broadcast, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	for _, old := range n.broadcasts {
		if old.Draft == b.Draft {
			old.Again = true
			return old, nil
		}
	}
	b.Number, b.Total = int64(len(n.broadcasts)+1), int64(len(to))
	n.broadcasts = append(n.broadcasts, b)
	return b, nil
}

func (n *fakeNews) Broadcast(_ context.Context, number int64) (news.Broadcast, bool, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if number < 1 || number > int64(len(n.broadcasts)) {
		return news.Broadcast{}, false, nil
	}
	return n.broadcasts[number-1], true, nil
}

func (n *fakeNews) Broadcasts(_ context.Context, max int) ([]news.Broadcast, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	out := slices.Clone(n.broadcasts)
	slices.Reverse(out)
	return out[:min(max, len(out))], nil
}

// delivered records what the console sent to chats.
type delivered struct {
	mu   sync.Mutex
	sent []string // "chat: text"
	fail bool
}

func (d *delivered) deliver(_ context.Context, chat int64, r bot.Reply) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.fail {
		return errors.New("telegram: 500")
	}
	d.sent = append(d.sent, fmt.Sprintf("%d: %s", chat, r.Text))
	return nil
}

type adminFakes struct {
	stats     *fakeStats
	partners  *fakePartners
	audit     *fakeAuditLog
	news      *fakeNews
	delivered *delivered
	referrals *fakeReferrals
	revoked   *revokedHook
	reports   *fakeReports
}

// revokedHook records the partners the console said it revoked, as they were.
type revokedHook struct {
	mu   sync.Mutex
	told []referrals.Partner
	fail bool
}

func (r *revokedHook) hook(_ context.Context, p referrals.Partner) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.fail {
		return errors.New("telegram: 502")
	}
	r.told = append(r.told, p)
	return nil
}

// newAdminFixture is newFixture with every admin port set.
func newAdminFixture(t testing.TB, url string) (*fixture, *adminFakes) {
	t.Helper()
	f := newFixture(t, url)
	a := &adminFakes{
		stats:     &fakeStats{days: map[string]map[string]int64{}},
		partners:  &fakePartners{invites: map[string]string{}},
		audit:     &fakeAuditLog{},
		news:      &fakeNews{},
		delivered: &delivered{},
		revoked:   &revokedHook{},
	}
	a.referrals = &fakeReferrals{fakePartners: a.partners, byPartner: map[int64][]referrals.Referral{}}
	a.reports = &fakeReports{refs: a.referrals}
	f.h = console.New(console.Options{
		Engine: func() *bot.Engine { return f.engine },
		Roles: func(_ context.Context, user int64) ([]bot.Role, error) {
			f.mu.Lock()
			defer f.mu.Unlock()
			return f.roles[user], nil
		},
		Store: console.NewMemoryStore(), Audit: f.audit, BotToken: botToken, URL: url, Now: f.clock.Now,
		Stats: a.stats, Partners: a.partners, AuditLog: a.audit, Broadcasts: a.news, Deliver: a.delivered.deliver, Referrals: a.referrals,
		Revoked: a.revoked.hook, Reports: a.reports,
		InviteLink: func(code string) string { return "https://t.me/QamqorBot?start=i_" + code },
		QR:         func(link string) ([]byte, error) { return qr.PNG(link, 256) },
	})
	return f, a
}

// adminPages are the admins' pages, each with a request that shows it.
var adminPages = []string{"/console/admin", "/console/stats", "/console/partners", "/console/audit", "/console/broadcasts"}

func TestAdminPagesAreForAdminsAndNobodyElseLearnsTheyExist(t *testing.T) {
	f, a := newAdminFixture(t, "")
	a.news.broadcasts = []news.Broadcast{{Number: 1, Total: 3, Draft: "d1"}}
	editor, partner, admin := f.signIn(t, editorID, "ru"), f.signIn(t, partnerID, "ru"), f.signIn(t, adminID, "ru")
	notFound := f.do("GET", "/console/no-such-page", nil, nil).Body.String()
	pages := append(slices.Clone(adminPages), "/console/broadcasts/1", "/console/partners/qr?c=code0001")
	posts := []string{"/console/partners/invite", "/console/partners/revoke", "/console/broadcasts", "/console/broadcasts/unschedule"}
	for _, page := range pages {
		if w := f.do("GET", page, nil, admin); w.Code != http.StatusOK {
			t.Errorf("admin %s: %d", page, w.Code)
		}
	}
	for who, c := range map[string]*http.Cookie{"editor": editor, "partner": partner, "stranger": nil} {
		for _, page := range pages {
			if w := f.do("GET", page, nil, c); w.Code != http.StatusNotFound || w.Body.String() != notFound {
				t.Errorf("%s GET %s: %d", who, page, w.Code)
			}
		}
		form := url.Values{"org": {"Аналар үйі"}, "user": {"300"}, "kk": {"x"}, "ru": {"x"}, "do": {"send"}}
		if c != nil {
			form.Set("csrf", f.csrf(t, c))
		}
		for _, page := range posts {
			if w := f.do("POST", page, form, c); w.Code != http.StatusNotFound || w.Body.String() != notFound {
				t.Errorf("%s POST %s: %d", who, page, w.Code)
			}
		}
	}
	if len(a.partners.invites) != 0 || len(a.news.broadcasts) != 1 || len(a.delivered.sent) != 0 {
		t.Error("a refused request changed something")
	}
	for _, c := range []*http.Cookie{editor, partner} {
		if home := f.do("GET", "/console/", nil, c).Body.String(); strings.Contains(home, "/console/admin") {
			t.Error("a non-admin's page links the admins' pages")
		}
	}
	if home := f.do("GET", "/console/", nil, admin).Body.String(); !strings.Contains(home, `href="/console/admin"`) {
		t.Error("the admin's pages do not link the admins' pages")
	}
	// A console without the stores (`qamqor console`) has no such pages, even for an admin.
	plain := newFixture(t, "")
	c := plain.signIn(t, adminID, "ru")
	for _, page := range adminPages {
		if w := plain.do("GET", page, nil, c); w.Code != http.StatusNotFound {
			t.Errorf("without its store, %s: %d", page, w.Code)
		}
	}
	if w := plain.do("GET", "/console/admin", nil, c); w.Code != http.StatusNotFound || strings.Contains(plain.do("GET", "/console/", nil, c).Body.String(), "/console/admin") {
		t.Errorf("without the stores, the admins' page is there: %d", w.Code)
	}
}

// Every admin page renders in Kazakh and in Russian with every string found.
func TestAdminPagesRenderInBothLanguages(t *testing.T) {
	f, a := newAdminFixture(t, "")
	a.news.broadcasts = []news.Broadcast{{Number: 1, Total: 3, Sent: 1, Draft: "d1"}}
	a.partners.partners = []referrals.Partner{{User: 301, Org: "Аналар үйі", Since: f.clock.Now()}}
	a.audit.entries = []admin.Entry{{At: f.clock.Now(), Who: adminID, Action: "partner.invite", Detail: "Аналар үйі"}}
	a.stats.days[f.clock.Now().Format(time.DateOnly)] = map[string]int64{"dropped:disability_check:who": 2}
	for _, lang := range content.Langs {
		c := f.signIn(t, adminID, string(lang))
		for _, page := range append(slices.Clone(adminPages), "/console/broadcasts/1", "/console/stats?from=bad") {
			w := f.do("GET", page, nil, c)
			body := w.Body.String()
			if w.Code != http.StatusOK {
				t.Errorf("%s %s: %d", lang, page, w.Code)
			}
			if m := missingString.FindString(body); m != "" {
				t.Errorf("%s %s: missing string %s", lang, page, m)
			}
			if !strings.Contains(body, `<html lang="`+string(lang)+`">`) {
				t.Errorf("%s %s: not in the session's language", lang, page)
			}
		}
	}
}

func TestStatsChartTheChosenDaysWithDropOffByQuestion(t *testing.T) {
	f, a := newAdminFixture(t, "")
	// The clock says 2026-03-02 10:00 UTC, 15:00 in Kazakhstan.
	a.stats.days = map[string]map[string]int64{
		"2026-02-24": {"started:kk": 100}, // before the chosen days
		"2026-02-27": {"started:kk": 2, "started:ru": 5, "completed:disability_check:ru": 3, "dropped:disability_check:established": 4},
		"2026-03-01": {"started:ru": 1, "dropped:disability_check:who": 1, "dropped:disability_check:sum": 2, "search_miss:ru": 6,
			"view:disability": 4, "view:main": 9, "referral:opened": 2},
	}
	a.stats.misses = map[string]map[string]int64{"2026-03-01": {"пособие на кошку": 3}, "2026-02-24": {"вне дней": 5}}
	disability, _ := f.engine.Content().Node("disability")
	main, _ := f.engine.Content().Node(content.MainID)
	for _, lang := range content.Langs {
		c := f.signIn(t, adminID, string(lang))
		body := f.do("GET", "/console/stats?from=2026-02-26&to=2026-03-01", nil, c).Body.String()
		sc, _ := f.engine.Content().Screener("disability_check")
		established, _ := sc.Question("established")
		who, _ := sc.Question("who")
		for _, want := range []string{
			`<tr><th scope="row">2026-02-27</th><td>2</td><td>5</td><td>3</td><td>4</td></tr>`,
			`<tr><th scope="row">2026-03-01</th><td>0</td><td>1</td><td>0</td><td>3</td></tr>`,
			`<tr><th scope="row">2026-02-26</th><td>0</td><td>0</td><td>0</td><td>0</td></tr>`,
			// the totals: started in Kazakh, in Russian, completed, dropped, missed
			"<td>2</td></tr>\n<tr><th scope=\"row\">" + f.engine.T(lang, "ConsoleStatsStartedRU", nil) + "</th><td>6</td>",
			f.engine.T(lang, "ConsoleStatsMisses", nil) + "</th><td>6</td>",
			// drop-off by question, by the question's short label, in the page's language
			`<th scope="row">` + htmlText(established.Short.In(lang)) + `</th><td>4</td>`,
			`<th scope="row">` + htmlText(who.Short.In(lang)) + `</th><td>1</td>`,
			`<th scope="row">` + htmlText(f.engine.T(lang, "ConsoleStatsAtSummary", nil)) + `</th><td>2</td>`,
			`<svg class="chart" id="chart-daily"`, `<svg class="chart" id="chart-disability_check"`,
			// the screens opened most, most first; the unanswered questions; the referrals
			`<tr><th scope="row">` + htmlText(main.ButtonLabel(lang)) + `</th><td>9</td></tr><tr><th scope="row">` + htmlText(disability.ButtonLabel(lang)) + `</th><td>4</td>`,
			`<tr><th scope="row">пособие на кошку</th><td>3</td></tr>`,
			`<tr><th scope="row">` + htmlText(f.engine.T(lang, "Status_opened", nil)) + `</th><td>2</td></tr>`,
		} {
			if !strings.Contains(body, want) {
				t.Errorf("%s: the statistics page lacks %q", lang, want)
			}
		}
		if strings.Contains(body, "2026-02-24") || strings.Contains(body, "2026-03-02") || strings.Contains(body, "вне дней") {
			t.Errorf("%s: a day outside the chosen ones is shown", lang)
		}
		if strings.Count(body, "<script") != 1 || !strings.Contains(body, `<script src="/console/static/admin.js">`) {
			t.Errorf("%s: the charts need a script besides the theme's", lang)
		}
	}
	c := f.signIn(t, adminID, "ru")
	// By default the last 7 days up to today, Kazakhstan's; a range it cannot read is said
	// next to the form, and the default shown.
	for _, q := range []string{"", "?from=2026-03-05&to=2026-03-01", "?from=2025-01-01&to=2026-03-01", "?to=yesterday"} {
		body := f.do("GET", "/console/stats"+q, nil, c).Body.String()
		if !strings.Contains(body, `value="2026-02-24"`) || !strings.Contains(body, `value="2026-03-02"`) {
			t.Errorf("%q: not the last 7 days", q)
		}
		if bad := strings.Contains(body, `role="alert"`); bad != (q != "") {
			t.Errorf("%q: error shown %v", q, bad)
		}
	}
	a.stats.fail = true
	if w := f.do("GET", "/console/stats", nil, c); w.Code != http.StatusServiceUnavailable || !strings.Contains(w.Body.String(), "временно недоступны") {
		t.Errorf("a failing store: %d", w.Code)
	}
	if a.stats.flushed == 0 {
		t.Error("the page did not flush this replica's counts first")
	}
}

func TestPartnersAreListedByOrganisationInvitedAndRevoked(t *testing.T) {
	f, a := newAdminFixture(t, "")
	day := func(d int) time.Time { return time.Date(2026, 2, d, 12, 0, 0, 0, time.UTC) }
	a.partners.partners = []referrals.Partner{
		{User: 301, Org: "Шапағат", Since: day(3)}, {User: 302, Org: "Аналар үйі", Since: day(5)}, {User: 303, Org: "Шапағат", Since: day(1)},
	}
	c := f.signIn(t, adminID, "kk")
	body := f.do("GET", "/console/partners", nil, c).Body.String()
	iAnalar, iShapagat := strings.Index(body, "<h3>Аналар үйі</h3>"), strings.Index(body, "<h3>Шапағат</h3>")
	i303, i301 := strings.Index(body, `<th scope="row">303</th>`), strings.Index(body, `<th scope="row">301</th>`)
	if iAnalar < 0 || iShapagat < iAnalar || i303 < iShapagat || i301 < i303 {
		t.Errorf("partners not grouped by organisation, each by when they joined:\n%s", body)
	}
	csrf := f.csrf(t, c)
	// An empty name is refused next to the field, in the admin's language.
	w := f.do("POST", "/console/partners/invite", url.Values{"csrf": {csrf}, "org": {"  "}}, c)
	if w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), `id="org-error" class="error" role="alert">`+f.engine.T(content.KK, "ConsoleInviteOrgBad", nil)) {
		t.Errorf("an empty organisation: %d", w.Code)
	}
	if w := f.do("POST", "/console/partners/invite", url.Values{"org": {"Қамқор"}}, c); w.Code != http.StatusForbidden {
		t.Errorf("an invitation without the CSRF token: %d", w.Code)
	}
	if len(a.partners.invites) != 0 {
		t.Fatal("a refused invitation was made")
	}
	w = f.do("POST", "/console/partners/invite", url.Values{"csrf": {csrf}, "org": {" Қамқор қоры "}}, c)
	body = w.Body.String()
	if w.Code != http.StatusOK || a.partners.invites["code0001"] != "Қамқор қоры" {
		t.Fatalf("inviting: %d %v", w.Code, a.partners.invites)
	}
	if !strings.Contains(body, `href="https://t.me/QamqorBot?start=i_code0001"`) || !strings.Contains(body, `<img src="/console/partners/qr?c=code0001"`) {
		t.Errorf("the invitation's link and QR code are not shown:\n%s", body)
	}
	if !strings.Contains(body, `name="back" value="/console/partners"`) {
		t.Error("after an invitation, the language switch would come back to a POST-only address")
	}
	png := f.do("GET", "/console/partners/qr?c=code0001", nil, c)
	wantPNG, _ := qr.PNG("https://t.me/QamqorBot?start=i_code0001", 256)
	if png.Header().Get("Content-Type") != "image/png" || !bytes.Equal(png.Body.Bytes(), wantPNG) {
		t.Errorf("the QR code is not the invitation link's: %q", png.Header().Get("Content-Type"))
	}
	if w := f.do("GET", "/console/partners/qr?c=../x", nil, c); w.Code != http.StatusNotFound {
		t.Errorf("a QR code of a malformed code: %d", w.Code)
	}
	w = f.do("POST", "/console/partners/revoke", url.Values{"csrf": {csrf}, "user": {"301"}}, c)
	if w.Code != http.StatusOK || strings.Contains(w.Body.String(), `<th scope="row">301</th>`) || !strings.Contains(w.Body.String(), f.engine.T(content.KK, "ConsoleRevoked", nil)+" 301") {
		t.Errorf("revoking: %d", w.Code)
	}
	w = f.do("POST", "/console/partners/revoke", url.Values{"csrf": {csrf}, "user": {"301"}}, c)
	if !strings.Contains(w.Body.String(), f.engine.T(content.KK, "ConsoleRevokeGone", nil)+" 301") {
		t.Error("revoking again does not say the partner is gone")
	}
	want := []string{"100 console.login", "100 partner.invite", "100 partner.revoke"}
	if got := f.audit.all(); !slices.Equal(got, want) {
		t.Errorf("audit %q, want %q", got, want)
	}
}

// A partner revoked on the Partners page is handed to the Revoked hook as they were (their
// organisation and language, to be told in), once, and the revocation is audited; when the
// hook fails, the admin is told the partner was not.
func TestARevokedPartnerIsHandedToTheHookAndAudited(t *testing.T) {
	f, a := newAdminFixture(t, "")
	a.partners.partners = []referrals.Partner{{User: 301, Org: "Шапағат", Lang: content.KK}, {User: 302, Org: "Аналар үйі", Lang: content.RU}}
	c := f.signIn(t, adminID, "ru")
	csrf := f.csrf(t, c)
	f.do("POST", "/console/partners/revoke", url.Values{"csrf": {csrf}, "user": {"301"}}, c)
	f.do("POST", "/console/partners/revoke", url.Values{"csrf": {csrf}, "user": {"301"}}, c) // gone: nobody to tell
	if want := []referrals.Partner{{User: 301, Org: "Шапағат", Lang: content.KK}}; !slices.Equal(a.revoked.told, want) {
		t.Errorf("the hook got %v, want %v", a.revoked.told, want)
	}
	a.revoked.fail = true
	w := f.do("POST", "/console/partners/revoke", url.Values{"csrf": {csrf}, "user": {"302"}}, c)
	if !strings.Contains(w.Body.String(), f.engine.T(content.RU, "ConsoleRevokedNotTold", nil)) {
		t.Error("the admin is not told the revoked partner could not be told")
	}
	if len(a.partners.partners) != 0 {
		t.Error("a partner whose notice failed is not revoked")
	}
	want := []string{"100 console.login", "100 partner.revoke", "100 partner.revoke"}
	if got := f.audit.all(); !slices.Equal(got, want) {
		t.Errorf("audit %q, want %q", got, want)
	}
}

func TestTheAuditLogFiltersByWhoActionAndDays(t *testing.T) {
	f, a := newAdminFixture(t, "")
	at := func(s string) time.Time { t, _ := time.Parse(time.RFC3339, s); return t }
	a.audit.entries = []admin.Entry{ // newest first, as the store keeps them
		{At: at("2026-03-01T20:00:00Z"), Who: 100, Action: "broadcast.send", Detail: "№2"}, // 2 March in Kazakhstan
		{At: at("2026-03-01T10:00:00Z"), Who: 101, Action: "partner.invite", Detail: "Шапағат"},
		{At: at("2026-02-28T10:00:00Z"), Who: 100, Action: "partner.invite", Detail: "Аналар үйі"},
		{At: at("2026-02-20T10:00:00Z"), Who: 100, Action: "role.grant", Detail: "200 editor"},
	}
	c := f.signIn(t, adminID, "ru")
	rows := func(query string) []string {
		t.Helper()
		body := f.do("GET", "/console/audit?"+query, nil, c).Body.String()
		var out []string
		for _, part := range strings.Split(body, "<tr><td>")[1:] {
			detail := part[strings.LastIndex(part[:strings.Index(part, "</td></tr>")], "<td>")+4 : strings.Index(part, "</td></tr>")]
			out = append(out, detail)
		}
		return out
	}
	for query, want := range map[string][]string{
		"":                                   {"№2", "Шапағат", "Аналар үйі", "200 editor"},
		"who=100":                            {"№2", "Аналар үйі", "200 editor"},
		"action=partner.invite":              {"Шапағат", "Аналар үйі"},
		"who=100&action=partner.invite":      {"Аналар үйі"},
		"from=2026-02-28&to=2026-03-01":      {"Шапағат", "Аналар үйі"},
		"from=2026-03-02":                    {"№2"},
		"to=2026-02-27":                      {"200 editor"},
		"who=nobody":                         {"№2", "Шапағат", "Аналар үйі", "200 editor"},
		"who=100&action=partner.invite&to=x": {"№2", "Шапағат", "Аналар үйі", "200 editor"},
	} {
		if got := rows(query); !slices.Equal(got, want) {
			t.Errorf("%q: %q, want %q", query, got, want)
		}
	}
	if body := f.do("GET", "/console/audit?who=nobody", nil, c).Body.String(); !strings.Contains(body, "Telegram ID — это число") {
		t.Error("a who that is not a number is not explained")
	}
	if body := f.do("GET", "/console/audit", nil, c).Body.String(); !strings.Contains(body, `<option value="role.grant">role.grant</option>`) {
		t.Error("the action filter does not offer the log's actions")
	}
}

func TestABroadcastIsComposedInBothLanguagesTestedSentAndFollowed(t *testing.T) {
	f, a := newAdminFixture(t, "")
	a.news.subscribers = []news.Recipient{{Chat: 1, Lang: content.KK}, {Chat: 2, Lang: content.RU}, {Chat: 3, Lang: content.RU}}
	c := f.signIn(t, adminID, "ru")
	csrf := f.csrf(t, c)
	page := f.do("GET", "/console/broadcasts", nil, c).Body.String()
	draft := regexpField("draft", page)
	if len(draft) < 16 {
		t.Fatalf("no draft id on the form: %q", draft)
	}
	form := func(do string, kv ...string) url.Values {
		v := url.Values{"csrf": {csrf}, "draft": {draft}, "kk": {"Жаңа жәрдемақы туралы"}, "ru": {"О новом пособии"}, "topic": {""}, "region": {""}, "lang": {""}, "do": {do}}
		for i := 0; i < len(kv); i += 2 {
			v.Set(kv[i], kv[i+1])
		}
		return v
	}
	// Both languages are required, each said next to its field.
	w := f.do("POST", "/console/broadcasts", form("send", "ru", " "), c)
	if w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), `id="ru-error" class="error" role="alert">`) || strings.Contains(w.Body.String(), `id="kk-error"`) {
		t.Errorf("without the Russian text: %d", w.Code)
	}
	w = f.do("POST", "/console/broadcasts", form("audience", "kk", strings.Repeat("ә", 4001)), c)
	if w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), `id="kk-error"`) {
		t.Errorf("a text over 4000 characters: %d", w.Code)
	}
	if w := f.do("POST", "/console/broadcasts", form("audience", "topic", "no_such_topic"), c); w.Code != http.StatusNotFound {
		t.Errorf("a topic the content lacks: %d", w.Code)
	}
	// The audience: how many would get it, by language.
	body := f.do("POST", "/console/broadcasts", form("audience", "lang", "ru"), c).Body.String()
	if !strings.Contains(body, "Получатели: <strong>2</strong>") || !strings.Contains(body, `value="send"`) {
		t.Errorf("the audience of Russian readers:\n%s", body)
	}
	// To the admin first, both languages, as subscribers get them.
	body = f.do("POST", "/console/broadcasts", form("test"), c).Body.String()
	want := []string{"100: Жаңа жәрдемақы туралы", "100: О новом пособии"}
	if !slices.Equal(a.delivered.sent, want) || !strings.Contains(body, "Оба текста отправлены вам") {
		t.Errorf("sent to the admin: %q", a.delivered.sent)
	}
	if len(a.news.broadcasts) != 0 {
		t.Fatal("a test queued a broadcast")
	}
	a.delivered.fail = true
	if body := f.do("POST", "/console/broadcasts", form("test"), c).Body.String(); !strings.Contains(body, "Не удалось отправить") {
		t.Error("a failed test send is not said")
	}
	// Sent: queued for the subscribers; pressed twice, one broadcast.
	for range 2 {
		w = f.do("POST", "/console/broadcasts", form("send"), c)
		if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/console/broadcasts/1" {
			t.Fatalf("sending: %d %q", w.Code, w.Header().Get("Location"))
		}
	}
	if len(a.news.broadcasts) != 1 {
		t.Fatalf("%d broadcasts queued", len(a.news.broadcasts))
	}
	b := a.news.broadcasts[0]
	if b.Texts[content.KK] != "Жаңа жәрдемақы туралы" || b.Texts[content.RU] != "О новом пособии" || b.Total != 3 || b.Author != adminID {
		t.Errorf("the broadcast queued: %+v", b)
	}
	// Its progress.
	a.news.mu.Lock()
	a.news.broadcasts[0].Sent, a.news.broadcasts[0].Failed = 1, 1
	a.news.mu.Unlock()
	body = f.do("GET", "/console/broadcasts/1", nil, c).Body.String()
	for _, want := range []string{`<dd class="sent">1</dd>`, `<dd class="failed">1</dd>`, `<dd class="remaining">1</dd>`, "Идёт отправка"} {
		if !strings.Contains(body, want) {
			t.Errorf("the progress lacks %q", want)
		}
	}
	if w := f.do("GET", "/console/broadcasts/2", nil, c); w.Code != http.StatusNotFound {
		t.Errorf("a broadcast that does not exist: %d", w.Code)
	}
	// Scheduled for a time in Kazakhstan (the clock says 15:00 there): kept, listed, taken back.
	if w := f.do("POST", "/console/broadcasts", form("schedule", "draft", "draft-for-later-0001", "at", "2026-03-02T14:00"), c); w.Code != http.StatusUnprocessableEntity ||
		!strings.Contains(w.Body.String(), `id="at-error" class="error" role="alert">Укажите дату`) {
		t.Errorf("scheduling in the past: %d", w.Code)
	}
	body = f.do("POST", "/console/broadcasts", form("schedule", "draft", "draft-for-later-0001", "at", "2026-03-03T09:30"), c).Body.String()
	if len(a.news.scheduled) != 1 || !a.news.scheduled[0].Due.Equal(time.Date(2026, 3, 3, 4, 30, 0, 0, time.UTC)) ||
		a.news.scheduled[0].Texts[content.RU] != "О новом пособии" || !strings.Contains(body, "Отправка 2026-03-03 09:30") {
		t.Fatalf("scheduled: %+v", a.news.scheduled)
	}
	f.do("POST", "/console/broadcasts/unschedule", url.Values{"csrf": {csrf}, "draft": {"draft-for-later-0001"}}, c)
	if len(a.news.scheduled) != 0 {
		t.Error("the scheduled broadcast was not taken back")
	}
	wantAudit := []string{"100 console.login", "100 broadcast.test", "100 broadcast.send", "100 broadcast.schedule", "100 broadcast.unschedule"}
	if got := f.audit.all(); !slices.Equal(got, wantAudit) {
		t.Errorf("audit %q, want %q", got, wantAudit)
	}
}

func regexpField(name, body string) string {
	i := strings.Index(body, `name="`+name+`" value="`)
	if i < 0 {
		return ""
	}
	rest := body[i+len(`name="`+name+`" value="`):]
	return rest[:strings.IndexByte(rest, '"')]
}

// missingString is how go-i18n shows a string it lacks.
var missingString = regexp.MustCompile(`\[(Console|Command)[A-Za-z_]*\]`)

// A partner sees their organisation's referrals, their colleagues' too, and nothing of the
// clients: no note, no client, nothing of what the screener found.
func TestAPartnerSeesTheirOrganisationsReferralsAndNoClientData(t *testing.T) {
	f, a := newAdminFixture(t, "")
	now := f.clock.Now()
	a.partners.partners = []referrals.Partner{{User: partnerID, Org: "Шапағат"}, {User: 302, Org: "Шапағат"}, {User: 303, Org: "Аналар үйі"}}
	a.referrals.byPartner = map[int64][]referrals.Referral{
		partnerID: {{Code: "Mine0123456789ab", Partner: partnerID, Target: "disability", Note: "Айгерім, 87011234567", Client: 555,
			Consent: true, Matched: []string{"disability_benefit_adult"}, Completed: now.Add(-time.Hour), Created: now.Add(-2 * time.Hour), Expires: now.Add(time.Hour)}},
		302: {{Code: "Coll0123456789ab", Partner: 302, Target: bot.ScreenerTarget("disability_check"), Created: now.Add(-48 * time.Hour),
			Expires: now.Add(-time.Hour)}},
		303: {{Code: "Othr0123456789ab", Partner: 303, Target: "disability", Created: now, Expires: now.Add(time.Hour)}},
		// Made by a staff member who asked to be forgotten: the organisation's still.
		0: {{Code: "Gone0123456789ab", Org: "Шапағат", Target: "disability", Created: now.Add(-72 * time.Hour), Expires: now.Add(-time.Hour)}},
	}
	sv, _ := f.engine.Content().Service("disability_benefit_adult")
	sc, _ := f.engine.Content().Screener("disability_check")
	for _, lang := range content.Langs {
		c := f.signIn(t, partnerID, string(lang))
		body := f.do("GET", "/console/referrals", nil, c).Body.String()
		for _, want := range []string{"<code>Mine</code>", "<code>Coll</code>", "ID 302", htmlText(sc.Title.In(lang)),
			"<code>Gone</code></th><td>2026-02-27</td><td>" + f.engine.T(lang, "ConsoleReferralByFormer", nil),
			f.engine.T(lang, "Status_completed", nil), f.engine.T(lang, "Status_expired", nil)} {
			if !strings.Contains(body, want) {
				t.Errorf("%s: the referrals page lacks %q", lang, want)
			}
		}
		for _, never := range []string{"Othr", "Айгерім", "87011234567", "555", htmlText(sv.Name.In(lang)), "Mine0123"} {
			if strings.Contains(body, never) {
				t.Errorf("%s: the referrals page shows %q", lang, never)
			}
		}
		if strings.Index(body, "<code>Mine</code>") > strings.Index(body, "<code>Coll</code>") {
			t.Errorf("%s: not newest first", lang)
		}
	}
	// An admin who is no partner is told so; a console without the store says where to look.
	if body := f.do("GET", "/console/referrals", nil, f.signIn(t, adminID, "ru")).Body.String(); !strings.Contains(body, "Вы не партнёр") {
		t.Error("an admin's referrals page does not say they are no partner")
	}
	plain := newFixture(t, "")
	if body := plain.do("GET", "/console/referrals", nil, plain.signIn(t, partnerID, "ru")).Body.String(); !strings.Contains(body, "/referrals") {
		t.Error("without the store, the page does not point to /referrals")
	}
}
