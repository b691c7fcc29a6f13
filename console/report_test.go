package console_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"html"
	"net/http"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/qamqor/qamqor/bot"
	"github.com/qamqor/qamqor/bot/referrals"
	"github.com/qamqor/qamqor/checklist"
	"github.com/qamqor/qamqor/content"
)

// fakeReports counts with the bot's own code (referrals.BuildReport) over the fake store's
// referrals, and draws the PDF with the bot's renderer.
type fakeReports struct {
	refs *fakeReferrals
	mu   sync.Mutex
	orgs []string // the organisations asked for
}

func (r *fakeReports) OrgReport(_ context.Context, org string, from, to time.Time) (referrals.Report, error) {
	r.mu.Lock()
	r.orgs = append(r.orgs, org)
	r.mu.Unlock()
	var all []referrals.Referral
	for _, rs := range r.refs.byPartner {
		all = append(all, rs...)
	}
	return referrals.BuildReport(all, org, from, to), nil
}

func (r *fakeReports) PDF(d referrals.ReportDoc) ([]byte, error) { return checklist.ReferralReport(d) }

// What identifies a client or a referral, which no report may show.
var (
	reportLabel = "Айгерім, сейсенбі тобы"
	reportNote  = "Айгерім Серікқызы, 87011234567"
	reportCode  = "Mine0123456789ab"
)

// newReportFixture is the admin fixture with the report's port, and referrals of two
// organisations: Шапағат's partnerID and 302, Аналар үйі's 303. The clock is 2 March 2026.
func newReportFixture(t *testing.T) (*fixture, *adminFakes, *fakeReports) {
	t.Helper()
	f, a := newAdminFixture(t, "")
	now := f.clock.Now()
	a.partners.partners = []referrals.Partner{{User: partnerID, Org: "Шапағат"}, {User: 302, Org: "Шапағат"}, {User: 303, Org: "Аналар үйі"}}
	a.referrals.byPartner = map[int64][]referrals.Referral{
		partnerID: {
			{Code: reportCode, Partner: partnerID, Org: "Шапағат", Target: "disability", Note: reportNote, Label: reportLabel, Client: 555,
				Consent: true, Matched: []string{"disability_benefit_adult"}, Completed: now.Add(-time.Hour), Created: now.Add(-24 * time.Hour),
				Closed: now, Outcome: referrals.OutcomeHelped, History: []referrals.OutcomeRecord{{Outcome: referrals.OutcomeHelped, Date: now}}},
			{Code: "Feb00123456789ab", Partner: partnerID, Org: "Шапағат", Target: "disability", Created: now.AddDate(0, 0, -20)},
		},
		302: {{Code: "Coll0123456789ab", Partner: 302, Org: "Шапағат", Target: "disability", Created: now.Add(-time.Hour)}},
		303: {{Code: "Othr0123456789ab", Partner: 303, Org: "Аналар үйі", Target: "disability", Created: now.Add(-time.Hour)}},
	}
	return f, a, a.reports
}

// The doc the bot's /report would make for Шапағат over this month so far, in lang.
func wantReport(f *fixture, a *adminFakes, lang content.Lang, from, to time.Time) referrals.ReportDoc {
	var all []referrals.Referral
	for _, rs := range a.referrals.byPartner {
		all = append(all, rs...)
	}
	return referrals.BuildReport(all, "Шапағат", from, to).Doc(f.engine, lang, f.clock.Now())
}

var kz = time.FixedZone("UTC+5", 5*60*60)

func noClientData(t *testing.T, what, s string) {
	t.Helper()
	for _, never := range []string{reportLabel, "Айгерім", "87011234567", reportCode, "Mine", "Coll", "555", "Аналар үйі"} {
		if strings.Contains(s, never) {
			t.Errorf("%s shows %q", what, never)
		}
	}
}

// A partner's report page shows their organisation's counts for this month, as /report
// counts them, in their language, with nothing of a client or another organisation.
func TestAPartnersReportPageShowsTheirOrganisationsCounts(t *testing.T) {
	f, a, rep := newReportFixture(t)
	from, to := time.Date(2026, 3, 1, 0, 0, 0, 0, kz), time.Date(2026, 3, 2, 0, 0, 0, 0, kz)
	for _, lang := range content.Langs {
		c := f.signIn(t, partnerID, string(lang))
		w := f.do("GET", "/console/report", nil, c)
		body := w.Body.String()
		if w.Code != http.StatusOK {
			t.Fatalf("%s: %d", lang, w.Code)
		}
		d := wantReport(f, a, lang, from, to)
		if d.Sections[0].Rows[0][1] != "2" { // Mine and Coll; not February's, not Аналар үйі's
			t.Fatalf("the expected report counts %s made", d.Sections[0].Rows[0][1])
		}
		for _, s := range d.Sections {
			for _, r := range s.Rows {
				if row := "<th scope=\"row\">" + html.EscapeString(r[0]) + "</th><td>" + r[1] + "</td>"; !strings.Contains(body, row) {
					t.Errorf("%s: the page lacks the row %s", lang, row)
				}
			}
		}
		for _, want := range []string{`value="2026-03-01"`, `value="2026-03-02"`, `href="/console/report.csv?from=2026-03-01&amp;to=2026-03-02"`,
			`href="/console/report.pdf?from=2026-03-01&amp;to=2026-03-02"`, `href="/console/report">` + f.engine.T(lang, "ConsoleReport", nil)} {
			if !strings.Contains(body, want) {
				t.Errorf("%s: the page lacks %s", lang, want)
			}
		}
		noClientData(t, string(lang)+" page", body)
	}
	if slices.ContainsFunc(rep.orgs, func(o string) bool { return o != "Шапағат" }) {
		t.Errorf("a report of another organisation was asked for: %q", rep.orgs)
	}
	// Another period: February's referral alone.
	body := f.do("GET", "/console/report?from=2026-02-01&to=2026-02-28", nil, f.signIn(t, partnerID, "ru")).Body.String()
	d := wantReport(f, a, content.RU, time.Date(2026, 2, 1, 0, 0, 0, 0, kz), time.Date(2026, 2, 28, 0, 0, 0, 0, kz))
	if row := "<th scope=\"row\">" + html.EscapeString(d.Sections[0].Rows[0][0]) + "</th><td>1</td>"; !strings.Contains(body, row) {
		t.Errorf("February's report lacks %s", row)
	}
}

// Dates the report cannot take are answered next to the fields, in the user's language:
// the end before the start, more than a year, not a date.
func TestAReportsBadDatesAreAnsweredNextToTheFields(t *testing.T) {
	f, _, _ := newReportFixture(t)
	for _, lang := range content.Langs {
		c := f.signIn(t, partnerID, string(lang))
		for _, q := range []string{"from=2026-03-05&to=2026-03-01", "from=2025-01-01&to=2026-03-01", "from=2026-13-01", "to=yesterday"} {
			w := f.do("GET", "/console/report?"+q, nil, c)
			want := `id="range-error" class="error" role="alert">` + html.EscapeString(f.engine.T(lang, "ConsoleReportBadDates", nil))
			if w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), want) || !strings.Contains(w.Body.String(), `aria-invalid="true"`) {
				t.Errorf("%s %s: %d, not answered next to the fields", lang, q, w.Code)
			}
			if strings.Contains(w.Body.String(), "report.csv") {
				t.Errorf("%s %s: a report is offered for dates it cannot take", lang, q)
			}
		}
	}
}

// The CSV and the PDF are /report's for the partner's organisation: the CSV the same bytes,
// the PDF readable with its counts; both audited, neither with a client's label, note or
// the referral's code.
func TestAReportsDownloadsAreTheBotsAndAudited(t *testing.T) {
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext is not installed")
	}
	f, a, _ := newReportFixture(t)
	c := f.signIn(t, partnerID, "kk")
	w := f.do("GET", "/console/report.csv?from=2026-03-01&to=2026-03-02", nil, c)
	from, to := time.Date(2026, 3, 1, 0, 0, 0, 0, kz), time.Date(2026, 3, 2, 0, 0, 0, 0, kz)
	d := wantReport(f, a, content.KK, from, to)
	if w.Code != http.StatusOK || !bytes.Equal(w.Body.Bytes(), d.CSV()) {
		t.Fatalf("the CSV is not /report's: %d\n%s", w.Code, w.Body.String())
	}
	if cd := w.Header().Get("Content-Disposition"); cd != `attachment; filename="qamqor-report-2026-03-01-2026-03-02.csv"` {
		t.Errorf("the CSV's name: %q", cd)
	}
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(w.Body.String(), "\uFEFF"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	counts := map[string]string{}
	for _, r := range rows[1:] {
		counts[r[1]] = r[2]
	}
	T := func(id string) string { return f.engine.T(content.KK, bot.MessageID("Report"+id), nil) }
	for id, want := range map[string]string{"Made": "2", "Opened": "1", "Completed": "1", "Closed": "1", "Consultations": "0", "Median": "1"} {
		if counts[T(id)] != want {
			t.Errorf("the CSV counts %s %q, want %q", T(id), counts[T(id)], want)
		}
	}
	noClientData(t, "the CSV", w.Body.String())

	w = f.do("GET", "/console/report.pdf?from=2026-03-01&to=2026-03-02", nil, c)
	if w.Code != http.StatusOK || w.Header().Get("Content-Type") != "application/pdf" || !bytes.HasPrefix(w.Body.Bytes(), []byte("%PDF")) {
		t.Fatalf("the PDF: %d %q", w.Code, w.Header().Get("Content-Type"))
	}
	cmd := exec.Command("pdftotext", "-layout", "-", "-")
	cmd.Stdin = bytes.NewReader(w.Body.Bytes())
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	text := string(out)
	for _, want := range []string{"Шапағат", "01.03.2026", T("Made")} {
		if !strings.Contains(text, want) {
			t.Errorf("pdftotext does not read %q in the PDF:\n%s", want, text)
		}
	}
	noClientData(t, "the PDF", text)
	want := []string{"300 console.login", "300 report.download", "300 report.download"}
	if got := f.audit.all(); !slices.Equal(got, want) {
		t.Errorf("audit %q, want %q", got, want)
	}
}

// The report is the partners': an editor gets the 404 of a page that does not exist, and an
// admin who is no partner is told they are none.
func TestTheReportIsForPartnersOnly(t *testing.T) {
	f, _, _ := newReportFixture(t)
	notFound := f.do("GET", "/console/no-such-page", nil, nil).Body.String()
	editor := f.signIn(t, editorID, "ru")
	for _, page := range []string{"/console/report", "/console/report.csv", "/console/report.pdf"} {
		for who, c := range map[string]*http.Cookie{"editor": editor, "stranger": nil} {
			if w := f.do("GET", page, nil, c); w.Code != http.StatusNotFound || w.Body.String() != notFound {
				t.Errorf("%s %s: %d", who, page, w.Code)
			}
		}
	}
	if home := f.do("GET", "/console/", nil, editor).Body.String(); strings.Contains(home, "/console/report") {
		t.Error("an editor is shown the report")
	}
	w := f.do("GET", "/console/report.csv", nil, f.signIn(t, adminID, "ru"))
	if w.Code != http.StatusOK || w.Header().Get("Content-Disposition") != "" || !strings.Contains(w.Body.String(), f.engine.T(content.RU, "ConsoleReferralsNotPartner", nil)) {
		t.Errorf("an admin who is no partner: %d %q", w.Code, w.Header().Get("Content-Disposition"))
	}
}
