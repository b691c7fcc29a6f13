package referrals

import (
	"slices"
	"testing"
	"time"
)

// Phones in the ways people in Kazakhstan write them, ИИН, e-mail and names are found;
// dates, times, amounts, abbreviations, street names and a lone first name in a label
// are not.
func TestPersonalDataIsFoundAndOrdinaryTextIsNot(t *testing.T) {
	for _, c := range []struct {
		text  string
		notes bool // read as a note (a lone first name counts), or as a label
		want  []personal
	}{
		{"8 701 123 45 67", true, []personal{personalPhone}},
		{"+7 (701) 123-45-67", false, []personal{personalPhone}},
		{"87011234567", false, []personal{personalPhone}},
		{"+77011234567", false, []personal{personalPhone}},
		{"8(7172)55-66-77", false, []personal{personalPhone}},
		{"звоните 701.123.45.67", true, []personal{personalPhone}},
		{"ИИН 990101300123", false, []personal{personalIIN}},
		{"ЖСН: 990101 300123", false, []personal{personalIIN}},
		{"aigerim.s@mail.kz", false, []personal{personalEmail}},
		{"Садыкова Айгерим", false, []personal{personalName}},
		{"Ерлан Нұрланұлы", false, []personal{personalName}},
		{"Передайте Айгерим, что её ждут", true, []personal{personalName}},
		{"Для Садыковой А.", true, []personal{personalName}},
		{"Встреча с Ивановым в среду", true, []personal{personalName}},
		{"Инвалидность: справку получите в поликлинике", true, nil},
		{"Айгерім, сейсенбі тобы", false, nil},
		{"Aigerim, Tuesday group", false, nil},
		{"Приходите в среду 02.12.2026 к 10:00", true, nil},
		{"ЦОН на ул. Пушкина, 12, каб. 5", true, nil},
		{"пр. Назарбаева 10", true, nil},
		{"Пособие 42 500 тенге с 1 января", true, nil},
		{"Справка № 123456", true, nil},
		{"Возьмите паспорт и справку из поликлиники", true, nil},
		{"Айгерим 8 701 123 45 67", false, []personal{personalPhone}},
	} {
		if got := findPersonal(c.text, c.notes); !slices.Equal(got, c.want) {
			t.Errorf("findPersonal(%q, %v) = %v, want %v", c.text, c.notes, got, c.want)
		}
	}
}

func TestAReportPeriodIsReadInKazakhstansTime(t *testing.T) {
	now := time.Date(2026, 12, 2, 20, 0, 0, 0, time.UTC) // 3 December, 01:00 in Astana
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, kazakhstan) }
	for _, c := range []struct {
		arg      string
		from, to time.Time
		ok       bool
	}{
		{"", day(2026, 12, 1), day(2026, 12, 3), true},
		{"01.11.2026", day(2026, 11, 1), day(2026, 12, 3), true},
		{"01.11.2026 30.11.2026", day(2026, 11, 1), day(2026, 11, 30), true},
		{"1.11.2026 5.11.2026", day(2026, 11, 1), day(2026, 11, 5), true},
		{"30.11.2026 01.11.2026", time.Time{}, time.Time{}, false},
		{"вчера", time.Time{}, time.Time{}, false},
		{"01.01.2024 01.01.2026", time.Time{}, time.Time{}, false},
		{"01.11.2026 02.11.2026 03.11.2026", time.Time{}, time.Time{}, false},
	} {
		from, to, ok := ParsePeriod(c.arg, now)
		if ok != c.ok || ok && (!from.Equal(c.from) || !to.Equal(c.to)) {
			t.Errorf("ParsePeriod(%q) = %v, %v, %v; want %v, %v, %v", c.arg, from, to, ok, c.from, c.to, c.ok)
		}
	}
}

// The report counts the organisation's referrals made in the period, services only with
// consent, outcomes by their latest, and the median days to the first outcome.
func TestAReportCountsOnlyTheOrganisationsReferralsOfThePeriod(t *testing.T) {
	from, to := time.Date(2026, 11, 1, 0, 0, 0, 0, kazakhstan), time.Date(2026, 11, 30, 0, 0, 0, 0, kazakhstan)
	at := func(d int) time.Time { return time.Date(2026, 11, d, 12, 0, 0, 0, kazakhstan) }
	rs := []Referral{
		{Org: "A", Created: at(1)},
		{Org: "A", Created: at(2), Client: 1, Consent: true, Completed: at(3), Matched: []string{"s1", "s2"},
			Closed: at(5), Outcome: OutcomeHelped, History: []OutcomeRecord{{Outcome: OutcomeNotHelped, Date: at(4)}, {Outcome: OutcomeHelped, Date: at(6)}}},
		{Org: "A", Created: at(3), Client: 2, Completed: at(4), Matched: []string{"s1"}}, // no consent: its services are not counted
		{Org: "A", Created: at(10), Client: 3, Closed: at(20), Outcome: OutcomeUnreachable, History: []OutcomeRecord{{Outcome: OutcomeUnreachable, Date: at(20)}}},
		{Org: "A", Created: time.Date(2026, 12, 1, 0, 30, 0, 0, kazakhstan)},   // after the period
		{Org: "A", Created: time.Date(2026, 10, 31, 23, 30, 0, 0, kazakhstan)}, // before it
		{Org: "B", Created: at(5)},
	}
	rep := BuildReport(rs, "A", from, to)
	if rep.Made != 4 || rep.Opened != 3 || rep.Completed != 2 || rep.Closed != 2 {
		t.Errorf("made %d, opened %d, completed %d, closed %d; want 4, 3, 2, 2", rep.Made, rep.Opened, rep.Completed, rep.Closed)
	}
	if rep.Services["s1"] != 1 || rep.Services["s2"] != 1 || len(rep.Services) != 2 {
		t.Errorf("services %v, want s1 and s2 once (with consent only)", rep.Services)
	}
	if rep.Outcomes[OutcomeHelped] != 1 || rep.Outcomes[OutcomeUnreachable] != 1 || rep.Outcomes[OutcomeNotHelped] != 0 {
		t.Errorf("outcomes %v", rep.Outcomes)
	}
	if rep.MedianDays != 6 { // 2 days (first outcome on the 4th) and 10 days
		t.Errorf("median %v days, want 6", rep.MedianDays)
	}
	if got := BuildReport(nil, "A", from, to); got.MedianDays != -1 || got.Made != 0 {
		t.Errorf("an empty report: %+v", got)
	}
}
