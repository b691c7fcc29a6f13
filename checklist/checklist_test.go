package checklist

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/image/font/sfnt"

	"github.com/qamqor/qamqor/bot"
	"github.com/qamqor/qamqor/checklist/checklisttest"
	"github.com/qamqor/qamqor/content"
)

// kazakhLetters are the letters of the Kazakh alphabet that Russian does not have.
const kazakhLetters = "ә ғ қ ң ө ұ ү һ і Ә Ғ Қ Ң Ө Ұ Ү Һ І"

// specialCharacters are every character beyond Russian that a checklist must print.
const specialCharacters = kazakhLetters + " ₸ « » — •"

var made = time.Date(2026, 11, 22, 14, 30, 0, 0, time.UTC)

// kazakhItems and russianItems are the same five services, as the engine would write them.
var kazakhItems = []bot.ChecklistItem{
	{
		Name:        "Мүгедектігі бойынша мемлекеттік әлеуметтік жәрдемақы",
		Description: "Ай сайынғы төлем — «мүгедек бала» мәртебесі расталғаннан кейін тағайындалады. Әріптер: " + kazakhLetters,
		Amount:      "85 000 ₸ айына (2026)",
		Documents:   []string{"Жеке куәлік немесе туу туралы куәлік", "МӘСК анықтамасы (медициналық-әлеуметтік сараптама)", "Банктік шоттың нөмірі"},
		Apply:       "ХҚО-ға (халыққа қызмет көрсету орталығына) жүгініңіз немесе egov.kz сайтында өтініш беріңіз. Жауап 10 жұмыс күні ішінде келеді.",
		Legal:       "ҚР Әлеуметтік кодексі, 208-бап",
		Verified:    "15.01.2026 тексерілді; дереккөздер: egov.kz, gov.kz",
	},
	{
		Name:        "Мүгедек баланы күтіп-бағушыға жәрдемақы",
		Description: "Баланы үйде күтіп отырған ата-анаға немесе қамқоршыға төленеді.",
		Amount:      "92 400 ₸ айына (2026)",
		Documents:   []string{"Жеке куәлік", "Баланың туу туралы куәлігі"},
		Apply:       "ХҚО немесе egov.kz.",
		Legal:       "ҚР Әлеуметтік кодексі, 209-бап",
		Verified:    "15.01.2026 тексерілді; дереккөздер: egov.kz",
	},
	{
		Name:        "Санаторий-курорттық емделу",
		Description: "Жеке оңалту бағдарламасында көрсетілсе, жолдама тегін беріледі.",
		Documents:   []string{"Жеке оңалту бағдарламасы"},
		Apply:       "Әлеуметтік қорғау бөліміне немесе ХҚО-ға.",
		Legal:       "ҚР Әлеуметтік кодексі",
		Verified:    "10.01.2026 тексерілді; дереккөздер: gov.kz",
	},
	{
		Name:        "Оңалтудың техникалық құралдары",
		Description: "Арбалар, есту аппараттары, протездер — Әлеуметтік қызметтер порталы арқылы.",
		Documents:   []string{"Жеке оңалту бағдарламасы", "Жеке куәлік"},
		Apply:       "aleumet.egov.kz порталында өзіңіз таңдайсыз.",
		Legal:       "ҚР Әлеуметтік кодексі",
		Verified:    "10.01.2026 тексерілді; дереккөздер: aleumet.egov.kz",
	},
	{
		Name:        "Үйде оқыту",
		Description: "Мектепке бара алмайтын балаға мұғалімдер үйге келеді. Гауһар мектебінің тәжірибесі бойынша.",
		Apply:       "Мектепке немесе білім бөліміне өтініш.",
		Legal:       "«Білім туралы» Заң",
		Verified:    "05.01.2026 тексерілді; дереккөздер: gov.kz",
	},
}

var russianItems = []bot.ChecklistItem{
	{
		Name:           "Государственное социальное пособие по инвалидности",
		Description:    "Ежемесячная выплата — назначается после того, как статус «ребенок с инвалидностью» подтвержден.",
		Amount:         "85 000 ₸ в месяц (2026)",
		Documents:      []string{"Удостоверение личности или свидетельство о рождении", "Справка МСЭ (медико-социальной экспертизы)", "Номер банковского счета"},
		Apply:          "Обратитесь в ЦОН (центр обслуживания населения) или подайте заявление на egov.kz. Ответ придет в течение 10 рабочих дней.",
		Time:           "10 рабочих дней",
		OfficesTitle:   "Куда обратиться — г. Алматы",
		Offices:        []string{"Управление занятости и социальных программ; ул. Примерная, 1; тел. +7 727 000 00 00"},
		OfficesChecked: "Контакты проверены 01.12.2026; источники: gov.kz",
		Links:          []string{"Открыть egov.kz: https://egov.kz/cms/ru/services/pass153"},
		Legal:          "Социальный кодекс РК, статья 208",
		Excludes:       "Пособие лицу, воспитывающему ребенка с инвалидностью",
		Verified:       "Проверено 15.01.2026; источники: egov.kz, gov.kz",
	},
	{
		Name:        "Пособие лицу, воспитывающему ребенка с инвалидностью",
		Description: "Платится родителю или опекуну, который ухаживает за ребенком дома.",
		Amount:      "92 400 ₸ в месяц (2026)",
		Documents:   []string{"Удостоверение личности", "Свидетельство о рождении ребенка"},
		Apply:       "ЦОН или egov.kz.",
		Legal:       "Социальный кодекс РК, статья 209",
		Verified:    "Проверено 15.01.2026; источники: egov.kz",
	},
	{
		Name:        "Санаторно-курортное лечение",
		Description: "Путевка бесплатна, если она указана в индивидуальной программе реабилитации.",
		Documents:   []string{"Индивидуальная программа реабилитации"},
		Apply:       "В отдел социальной защиты или в ЦОН.",
		Legal:       "Социальный кодекс РК",
		Verified:    "Проверено 10.01.2026; источники: gov.kz",
	},
	{
		Name:        "Технические средства реабилитации",
		Description: "Коляски, слуховые аппараты, протезы — через Портал социальных услуг.",
		Documents:   []string{"Индивидуальная программа реабилитации", "Удостоверение личности"},
		Apply:       "Выбираете сами на портале aleumet.egov.kz.",
		Legal:       "Социальный кодекс РК",
		Verified:    "Проверено 10.01.2026; источники: aleumet.egov.kz",
	},
	{
		Name:        "Обучение на дому",
		Description: "К ребенку, который не может ходить в школу, приходят учителя.",
		Apply:       "Заявление в школу или в отдел образования.",
		Legal:       "Закон «Об образовании»",
		Verified:    "Проверено 05.01.2026; источники: gov.kz",
	},
}

// typical is a checklist of the usual size: five services in Kazakh and in Russian.
func typical() bot.Checklist {
	return bot.Checklist{Made: made, Sections: []bot.ChecklistSection{
		{
			Lang:    content.KK,
			Title:   "Маған не тиесілі: мүгедектік",
			Made:    "Qamqor-да 22.11.2026 жасалды",
			Answers: []string{"Кім үшін: менің балам", "Мүгедектік тобы: бала кезден", "Өңір: Алматы қаласы"},
			Items:   kazakhItems,
			Footer:  "Бұл — кеңес, мемлекеттік органның шешімі емес. Сомалар жыл сайын 1 қаңтарда өзгереді. Өтініш бермес бұрын шарттарды egov.kz сайтынан, ХҚО-дан немесе тегін 1414 нөмірі арқылы тексеріңіз.",
		},
		{
			Lang:    content.RU,
			Title:   "Что мне положено: инвалидность",
			Made:    "Составлено 22.11.2026 в Qamqor",
			Answers: []string{"Для кого: мой ребенок", "Группа инвалидности: с детства", "Регион: город Алматы"},
			Items:   russianItems,
			Footer:  "Это подсказка, а не решение государственного органа. Суммы меняются каждый год 1 января. Перед подачей проверьте условия на egov.kz, в ЦОН или по бесплатному номеру 1414.",
		},
	}}
}

// render is PDF that fails the test on an error.
func render(t testing.TB, c bot.Checklist) []byte {
	t.Helper()
	data, err := PDF(c)
	if err != nil {
		t.Fatalf("PDF: %v", err)
	}
	if !bytes.HasPrefix(data, []byte("%PDF-")) {
		t.Fatalf("the output does not start as a PDF: %q", data[:min(len(data), 16)])
	}
	return data
}

// pages extracts the text of every page, as a person would read it.
func pages(t testing.TB, data []byte) []string {
	t.Helper()
	return checklisttest.Pages(t, data)
}

// pageCount reads the number of pages from the PDF's page tree, with poppler's pdfinfo.
func pageCount(t testing.TB, data []byte) int {
	t.Helper()
	file := filepath.Join(t.TempDir(), "checklist.pdf")
	if err := os.WriteFile(file, data, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdfinfo", file).Output()
	if err != nil {
		t.Fatalf("pdfinfo (poppler-utils): %v", err)
	}
	var n int
	for _, line := range strings.Split(string(out), "\n") {
		if rest, found := strings.CutPrefix(line, "Pages:"); found {
			if _, err := fmt.Sscan(rest, &n); err != nil {
				t.Fatalf("pdfinfo says %q", line)
			}
			return n
		}
	}
	t.Fatalf("pdfinfo gave no page count:\n%s", out)
	return 0
}

// sectionPages splits a checklist's pages by section: the pages from the one with each
// section's title to the one before the next section's title.
func sectionPages(t *testing.T, all []string, c bot.Checklist) [][]string {
	t.Helper()
	var starts []int
	for _, s := range c.Sections {
		at := -1
		for i, p := range all {
			if strings.HasPrefix(p, s.Title) {
				at = i
				break
			}
		}
		if at < 0 || len(starts) > 0 && at <= starts[len(starts)-1] {
			t.Fatalf("no page after the previous section's starts with the title %q; pages:\n%s", s.Title, strings.Join(all, "\n---\n"))
		}
		starts = append(starts, at)
	}
	var out [][]string
	for i, start := range starts {
		end := len(all)
		if i+1 < len(starts) {
			end = starts[i+1]
		}
		out = append(out, all[start:end])
	}
	return out
}

func TestPDFTextComesBackInBothLanguages(t *testing.T) {
	c := typical()
	all := pages(t, render(t, c))
	sections := sectionPages(t, all, c)
	if sections[0][0] != all[0] {
		t.Fatalf("the first page is not the Kazakh section's: %q", all[0])
	}

	for i, s := range c.Sections {
		text := strings.Join(sections[i], " ")
		other := strings.Join(sections[1-i], " ")
		l := LabelsFor(s.Lang)
		want := []string{s.Title, s.Made, s.Footer, l.Answers, l.Amount + ":", l.Documents + ":", l.Apply + ":", l.Legal + ":"}
		want = append(want, s.Answers...)
		for n, it := range s.Items {
			want = append(want, fmt.Sprintf("%d. %s", n+1, it.Name), it.Description, it.Apply, it.Legal, it.Verified)
			if it.Amount != "" {
				want = append(want, l.Amount+": "+it.Amount)
			}
			want = append(want, it.Documents...) // each beside an empty box to tick
			want = append(want, it.Offices...)
			want = append(want, it.Links...)
			for _, f := range []string{it.Time, it.Excludes, it.OfficesTitle, it.OfficesChecked} {
				if f != "" {
					want = append(want, f)
				}
			}
		}
		for _, w := range want {
			if !strings.Contains(text, w) {
				t.Errorf("the %s section lacks %q", s.Lang, w)
			}
		}
		for _, it := range s.Items {
			if strings.Contains(other, it.Name) {
				t.Errorf("%q is printed in the other language's section", it.Name)
			}
		}
		for p, page := range sections[i] {
			if footer := fmt.Sprintf("%s %d / %d", l.Page, pageIndex(all, page)+1, len(all)); !strings.Contains(page, footer) {
				t.Errorf("page %d of the %s section has no footer %q: %q", p+1, s.Lang, footer, page)
			}
		}
	}

	kazakh := strings.Join(sections[0], " ")
	for _, w := range []string{kazakhLetters, "85 000 ₸ айына (2026)", "92 400 ₸", "«мүгедек бала»", "Ай сайынғы төлем — «"} {
		if !strings.Contains(kazakh, w) {
			t.Errorf("the Kazakh section lacks %q", w)
		}
	}
	// The Russian labels never appear on the Kazakh pages.
	for _, w := range []string{"Сумма:", "Документы:", "Как обратиться:", "Правовая основа:", "Проверено"} {
		if strings.Contains(kazakh, w) {
			t.Errorf("the Kazakh section has the Russian %q", w)
		}
	}
}

func pageIndex(all []string, page string) int {
	for i, p := range all {
		if p == page {
			return i
		}
	}
	return -1
}

func TestPDFIsTheSameForTheSameChecklist(t *testing.T) {
	first := render(t, typical())
	for range 3 {
		if again := render(t, typical()); !bytes.Equal(first, again) {
			t.Fatal("two renderings of the same checklist differ")
		}
	}
	if !bytes.Contains(first, []byte("/CreationDate (D:20261122143000")) {
		t.Error("the creation date is not the checklist's Made")
	}
	later := typical()
	later.Made = made.Add(24 * time.Hour)
	if bytes.Equal(first, render(t, later)) {
		t.Error("a checklist made on another day gives the same bytes")
	}
}

func TestPDFRendersConcurrently(t *testing.T) {
	want := render(t, typical())
	results := make(chan []byte, 4)
	for range cap(results) {
		go func() {
			data, _ := PDF(typical())
			results <- data
		}()
	}
	for range cap(results) {
		if !bytes.Equal(<-results, want) {
			t.Fatal("a checklist rendered alongside others differs")
		}
	}
}

func TestPDFPaginatesALongChecklist(t *testing.T) {
	c := typical()
	for i := range c.Sections {
		base := c.Sections[i].Items
		var items []bot.ChecklistItem
		for n := range 30 {
			it := base[n%len(base)]
			it.Name = fmt.Sprintf("%s (%d)", it.Name, n+1)
			it.Description = strings.Repeat(it.Description+" ", 2)
			items = append(items, it)
		}
		c.Sections[i].Items = items
	}
	data := render(t, c)
	all := pages(t, data)
	if n := pageCount(t, data); n != len(all) {
		t.Fatalf("the PDF has %d pages, but %d were read", n, len(all))
	}
	sections := sectionPages(t, all, c)
	for i, s := range c.Sections {
		if n := len(sections[i]); n <= 2 {
			t.Errorf("30 items in %s took %d pages, want more than 2", s.Lang, n)
		}
		text := strings.Join(sections[i], " ")
		for n, it := range s.Items {
			if !strings.Contains(text, fmt.Sprintf("%d. %s", n+1, it.Name)) {
				t.Errorf("item %d of %s (%q) is missing", n+1, s.Lang, it.Name)
			}
		}
		if !strings.Contains(sections[i][len(sections[i])-1], s.Footer) {
			t.Errorf("the %s footer is not on the section's last page", s.Lang)
		}
		for p, page := range sections[i] {
			footer := fmt.Sprintf("%s %d / %d", LabelsFor(s.Lang).Page, pageIndex(all, page)+1, len(all))
			if !strings.Contains(page, footer) {
				t.Errorf("page %d of %s lacks %q", p+1, s.Lang, footer)
			}
		}
	}
	t.Logf("%d pages, %d bytes", len(all), len(data))
}

func TestPDFWithoutItems(t *testing.T) {
	c := typical()
	for i := range c.Sections {
		c.Sections[i].Items = nil
	}
	all := pages(t, render(t, c))
	if len(all) != 2 {
		t.Fatalf("%d pages, want one per language:\n%s", len(all), strings.Join(all, "\n---\n"))
	}
	for i, s := range c.Sections {
		if !strings.HasPrefix(all[i], s.Title) || !strings.Contains(all[i], s.Footer) || !strings.Contains(all[i], s.Answers[0]) {
			t.Errorf("page %d = %q", i+1, all[i])
		}
	}

	bare := bot.Checklist{Sections: []bot.ChecklistSection{{Lang: content.RU, Title: "Пусто"}}}
	if all := pages(t, render(t, bare)); len(all) != 1 || !strings.HasPrefix(all[0], "Пусто") {
		t.Errorf("a section with a title only: %q", all)
	}
}

func TestPDFNeedsASection(t *testing.T) {
	if _, err := PDF(bot.Checklist{Made: made}); err == nil {
		t.Fatal("a checklist without sections rendered")
	}
}

func TestPDFLeavesOutCharactersTheFontsLack(t *testing.T) {
	c := typical()
	c.Sections[1].Items[0].Name = "👶 Пособие\tпо уходу 🇰🇿"
	c.Sections[1].Items[0].Documents = []string{"Справка\r\nиз школы"}
	text := strings.Join(pages(t, render(t, c)), " ")
	for _, w := range []string{"1. Пособие по уходу", "Справка из школы"} {
		if !strings.Contains(text, w) {
			t.Errorf("the text lacks %q", w)
		}
	}
	if strings.ContainsAny(text, "👶🇰") {
		t.Error("characters the fonts lack were printed")
	}
}

// TestFontsHaveEveryCharacter checks the embedded fonts themselves: both have a glyph for
// every letter of both alphabets and every special character a checklist prints.
func TestFontsHaveEveryCharacter(t *testing.T) {
	need := specialCharacters + " абвгдеёжзийклмнопрстуфхцчшщъыьэюя АБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯ 0123456789 № – ( ) ; : , . %"
	for name, data := range map[string][]byte{"DejaVuSans.ttf": regularFont, "DejaVuSans-Bold.ttf": boldFont} {
		f, err := sfnt.Parse(data)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		var buf sfnt.Buffer
		for _, r := range strings.ReplaceAll(need, " ", "") {
			if gi, err := f.GlyphIndex(&buf, r); err != nil || gi == 0 {
				t.Errorf("%s has no glyph for %q (U+%04X)", name, r, r)
			}
			if !coverage().has(r) {
				t.Errorf("clean would leave out %q", r)
			}
		}
	}
}

func TestLabelsInEveryLanguage(t *testing.T) {
	for _, lang := range content.Langs {
		l, found := labels[lang]
		if !found {
			t.Fatalf("no labels for %s", lang)
		}
		for _, v := range []string{l.Answers, l.Amount, l.Documents, l.Apply, l.Legal, l.Verified, l.Page} {
			if v == "" {
				t.Errorf("%s labels have an empty one: %+v", lang, l)
			}
		}
	}
	if LabelsFor(content.KK).Amount != "Сомасы" || LabelsFor(content.RU).Amount != "Сумма" {
		t.Error("the amount's label is not Сомасы / Сумма")
	}
	if LabelsFor("en") != LabelsFor(content.RU) {
		t.Error("a language without labels does not get the Russian ones")
	}
}

// TestWriteSample writes the typical checklist to the file QAMQOR_SAMPLE_PDF names, to look
// at: QAMQOR_SAMPLE_PDF=/tmp/qamqor-sample.pdf go test -run WriteSample ./checklist/
func TestWriteSample(t *testing.T) {
	path := os.Getenv("QAMQOR_SAMPLE_PDF")
	if path == "" {
		t.Skip("QAMQOR_SAMPLE_PDF is not set")
	}
	data := render(t, typical())
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %s: %d bytes, %d pages", path, len(data), len(pages(t, data)))
}

func BenchmarkPDF(b *testing.B) {
	c := typical()
	size := 0
	for b.Loop() {
		data, err := PDF(c)
		if err != nil {
			b.Fatal(err)
		}
		size = len(data)
	}
	b.ReportMetric(float64(size), "pdf-bytes")
}
