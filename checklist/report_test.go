package checklist_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/qamqor/qamqor/bot/referrals"
	"github.com/qamqor/qamqor/checklist"
	"github.com/qamqor/qamqor/checklist/checklisttest"
)

// A partner's report reads back with each value beside its name, in Kazakh letters, and the
// same report gives the same bytes.
func TestAReferralReportReadsBack(t *testing.T) {
	d := referrals.ReportDoc{Lang: "kk", Title: "«Бота үміт» ұйымының есебі", Subtitle: "Кезең: 01.11.2026–30.11.2026", Period: "01.11.2026–30.11.2026",
		Sections: []referrals.ReportSection{
			{Title: "Жолдамалар", Rows: [][2]string{{"Жасалған жолдамалар", "12"}, {"Клиенттер ашқаны", "9"}}},
			{Title: "Сәйкес келген қызметтер", Rows: [][2]string{{"деректер жоқ", ""}}},
		},
		Chart:  referrals.ReportChart{Title: "Жолдамалар", Series: "Саны", Names: []string{"Жасалды", "Ашылды"}, Values: []float64{12, 9}},
		Footer: "02.12.2026 жасалды.", Made: time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC)}
	pdf, err := checklist.ReferralReport(d)
	if err != nil {
		t.Fatal(err)
	}
	text := checklisttest.Text(t, pdf)
	for _, want := range []string{"«Бота үміт» ұйымының есебі", "Жасалған жолдамалар: 12", "Клиенттер ашқаны: 9", "деректер жоқ", "02.12.2026 жасалды."} {
		if !strings.Contains(text, want) {
			t.Errorf("the report lacks %q:\n%s", want, text)
		}
	}
	again, _ := checklist.ReferralReport(d)
	if !bytes.Equal(pdf, again) {
		t.Error("the same report gave different bytes")
	}
}
