package console_test

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/qamqor/qamqor/bot"
	"github.com/qamqor/qamqor/content"
)

var revField = regexp.MustCompile(`name="rev" value="([^"]+)"`)

// formOf reads an editing page: its fields' names and values, and its revision.
func formOf(t *testing.T, body string) (url.Values, string) {
	t.Helper()
	v := url.Values{}
	for _, m := range regexp.MustCompile(`<input id="f\d+" name="([^"]+)" value="([^"]*)"`).FindAllStringSubmatch(body, -1) {
		v.Set(htmlUnescape(m[1]), htmlUnescape(m[2]))
	}
	for _, m := range regexp.MustCompile(`(?s)<textarea id="f\d+" name="([^"]+)"[^>]*>(.*?)</textarea>`).FindAllStringSubmatch(body, -1) {
		v.Set(htmlUnescape(m[1]), htmlUnescape(m[2]))
	}
	rev := revField.FindStringSubmatch(body)
	if rev == nil || len(v) == 0 {
		t.Fatalf("not an editing page: %.500s", body)
	}
	return v, rev[1]
}

func htmlUnescape(s string) string {
	return strings.NewReplacer("&#34;", `"`, "&#39;", "'", "&lt;", "<", "&gt;", ">", "&amp;", "&", "&#43;", "+").Replace(s)
}

// fieldNamed is the name of the form's field whose path ends with suffix.
func fieldNamed(t *testing.T, form url.Values, suffix string) string {
	t.Helper()
	for name := range form {
		if strings.HasSuffix(name, suffix) {
			return name
		}
	}
	t.Fatalf("no field …%s among %v", suffix, form)
	return ""
}

type checked struct {
	Fields map[string]struct {
		Error, Warning string
	}
	Problems []string
	Preview  string
}

func (f *fixture) check(t *testing.T, path string, form url.Values, c *http.Cookie) checked {
	t.Helper()
	w := f.do("POST", path+"/check", form, c)
	var res checked
	if w.Code != http.StatusOK || json.Unmarshal(w.Body.Bytes(), &res) != nil {
		t.Fatalf("check %s: %d %s", path, w.Code, w.Body)
	}
	return res
}

func nbsp(s string) string { return strings.ReplaceAll(s, "\u00a0", " ") }

// An editor changes a service's amount rule and an office's phone (written 8 7xx, kept +7 7xx) in their draft: the
// check as they type refuses a wrong phone in their language and follows the preview;
// the draft page says what changes in words; publishing needs a confirmation, switches
// the content at once and is audited; rollback, to the version before or to the content
// built in, brings the old amount back. Nobody else's draft changes.
func TestAnEditorEditsPublishesAndRollsBack(t *testing.T) {
	f := newFixture(t, "")
	sv, amount := fixedAmountService(t, f.engine.Content())
	doubled := content.Tenge(2 * parseTenge(t, amount))
	page := "/console/edit/service/" + sv.ID

	for _, lang := range content.Langs {
		c := f.signIn(t, editorID, string(lang))
		form, _ := formOf(t, f.do("GET", "/console/edit/offices/all", nil, c).Body.String())
		form.Set("csrf", f.csrf(t, c))
		phones := fieldNamed(t, form, "~phones")
		form.Set(phones, "12345")
		res := f.check(t, "/console/edit/offices/all", form, c)
		want := map[content.Lang]string{content.RU: "не казахстанский номер", content.KK: "Қазақстан нөмірі емес"}[lang]
		if !strings.Contains(res.Fields[phones].Error, want) {
			t.Errorf("%s: a wrong phone is answered %q, want %q", lang, res.Fields[phones].Error, want)
		}
		if w := f.do("POST", "/console/edit/offices/all", form, c); w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), want) ||
			!strings.Contains(w.Body.String(), `aria-invalid="true"`) {
			t.Errorf("%s: saving a wrong phone: %d, want it refused next to the field", lang, w.Code)
		}
		// A Kazakh text without a Kazakh letter is warned about, not refused.
		sform, _ := formOf(t, f.do("GET", page, nil, c).Body.String())
		sform.Set("csrf", f.csrf(t, c))
		name := fieldNamed(t, sform, "~name.kk")
		sform.Set(name, sform.Get(fieldNamed(t, sform, "~name.ru")))
		if res := f.check(t, page, sform, c); res.Fields[name].Warning == "" || res.Fields[name].Error != "" {
			t.Errorf("%s: a Kazakh name the same as the Russian: %+v", lang, res.Fields[name])
		}
	}

	c := f.signIn(t, editorID, "ru")
	csrf := f.csrf(t, c)
	form, rev := formOf(t, f.do("GET", page, nil, c).Body.String())
	form.Set("csrf", csrf)
	form.Set("rev", rev)
	rule := fieldNamed(t, form, "~amount")
	// A rule that does not compile is refused next to its field, by content.Load.
	good := form.Get(rule)
	form.Set(rule, "2 * ("+good)
	if res := f.check(t, page, form, c); res.Fields[rule].Error == "" || len(res.Problems) == 0 {
		t.Errorf("a broken rule: %+v %v", res.Fields[rule], res.Problems)
	}
	form.Set(rule, "2 * ("+good+")")
	// The preview follows the unsaved form.
	if res := f.check(t, page, form, c); !strings.Contains(nbsp(res.Preview), nbsp(doubled)) || len(res.Problems) != 0 {
		t.Errorf("the preview with the new rule lacks %q: %v %.300s", doubled, res.Problems, res.Preview)
	}
	if w := f.do("POST", page, form, c); w.Code != http.StatusSeeOther {
		t.Fatalf("saving: %d %s", w.Code, w.Body)
	}
	// A form from before the save is refused rather than written over it.
	if w := f.do("POST", page, form, c); w.Code != http.StatusUnprocessableEntity {
		t.Errorf("saving an old form again: %d", w.Code)
	}
	oform, orev := formOf(t, f.do("GET", "/console/edit/offices/all", nil, c).Body.String())
	oform.Set("csrf", csrf)
	oform.Set("rev", orev)
	phones := fieldNamed(t, oform, "~phones")
	oldPhone := oform.Get(phones)
	oform.Set(phones, oldPhone+", 8 700 000 00 00")
	if w := f.do("POST", "/console/edit/offices/all", oform, c); w.Code != http.StatusSeeOther {
		t.Fatalf("saving a phone: %d %s", w.Code, w.Body)
	}
	// The editor's draft has it; what people see has not changed yet.
	if _, r := f.engine.Open(bot.Session{Lang: content.RU}, screenOf(f, sv.ID), ""); !strings.Contains(nbsp(r.Text), nbsp(amount)) {
		t.Fatal("saving a draft changed what people see")
	}
	other := f.signIn(t, adminID, "ru")
	if body := f.do("GET", "/console/draft", nil, other).Body.String(); strings.Contains(body, "/console/draft/publish") {
		t.Error("another editor sees the first one's draft")
	}
	draft := f.do("GET", "/console/draft", nil, c).Body.String()
	for _, want := range []string{nbsp(doubled), "+7 700 000 00 00", screenOf(f, sv.ID)} {
		if !strings.Contains(nbsp(htmlUnescape(draft)), want) {
			t.Errorf("the draft's changes do not say %q", want)
		}
	}
	drev := revField.FindStringSubmatch(draft)[1]
	if w := f.do("POST", "/console/draft/publish", url.Values{"csrf": {csrf}, "rev": {drev}}, c); w.Code != http.StatusUnprocessableEntity {
		t.Errorf("publishing without the confirmation: %d", w.Code)
	}
	if w := f.do("POST", "/console/draft/publish", url.Values{"csrf": {csrf}, "rev": {drev}, "confirm": {"yes"}}, c); w.Code != http.StatusSeeOther {
		t.Fatalf("publishing: %d %s", w.Code, w.Body)
	}
	if _, r := f.engine.Open(bot.Session{Lang: content.KK}, screenOf(f, sv.ID), ""); !strings.Contains(nbsp(r.Text), nbsp(doubled)) {
		t.Errorf("after publishing the bot says %.300q, want %q", r.Text, doubled)
	}
	hist := f.do("GET", "/console/history", nil, c).Body.String()
	if !strings.Contains(hist, `name="version" value="0"`) {
		t.Error("the history offers no way back to the content built in")
	}
	// A second version (the phone dropped again), then back to the first.
	for _, v := range []string{"0"} {
		if w := f.do("POST", "/console/history/rollback", url.Values{"csrf": {csrf}, "version": {v}}, c); w.Code != http.StatusSeeOther {
			t.Fatalf("rolling back to %s: %d", v, w.Code)
		}
	}
	if _, r := f.engine.Open(bot.Session{Lang: content.RU}, screenOf(f, sv.ID), ""); !strings.Contains(nbsp(r.Text), nbsp(amount)) {
		t.Errorf("after going back to the content built in the bot says %.300q, want %q", r.Text, amount)
	}
	if w := f.do("POST", "/console/history/rollback", url.Values{"csrf": {csrf}, "version": {"1"}}, c); w.Code != http.StatusSeeOther {
		t.Fatalf("rolling back to 1: %d", w.Code)
	}
	if _, r := f.engine.Open(bot.Session{Lang: content.RU}, screenOf(f, sv.ID), ""); !strings.Contains(nbsp(r.Text), nbsp(doubled)) {
		t.Errorf("back at version 1 the bot says %.300q, want %q", r.Text, doubled)
	}
	if w := f.do("POST", "/console/history/rollback", url.Values{"csrf": {csrf}, "version": {"99"}}, c); w.Code != http.StatusSeeOther ||
		!strings.Contains(f.do("GET", w.Header().Get("Location"), nil, c).Body.String(), "Вернуться нельзя") {
		t.Errorf("rolling back to a version that never was: %d %s", w.Code, w.Header().Get("Location"))
	}
	log := strings.Join(f.audit.all(), "\n")
	for _, action := range []string{"content.draft.save", "content.publish", "content.rollback"} {
		if !strings.Contains(log, "200 "+action) {
			t.Errorf("the audit log lacks %s: %s", action, log)
		}
	}
}

func screenOf(f *fixture, service string) string {
	c := f.engine.Content()
	for _, id := range c.IDs() {
		if n, _ := c.Node(id); n.Service == service {
			return id
		}
	}
	return ""
}

func parseTenge(t *testing.T, s string) float64 {
	t.Helper()
	var digits strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			digits.WriteRune(r)
		}
	}
	var v float64
	for _, r := range digits.String() {
		v = v*10 + float64(r-'0')
	}
	if v == 0 {
		t.Fatalf("not an amount: %q", s)
	}
	return v
}

// The draft downloads as a zip that uploads back; a file that is not content, or content
// that does not load, is refused with the reason in the editor's language.
func TestTheDraftArchiveDownloadsAndUploads(t *testing.T) {
	f := newFixture(t, "")
	for _, lang := range content.Langs {
		c := f.signIn(t, editorID, string(lang))
		csrf := f.csrf(t, c)
		w := f.do("GET", "/console/draft/archive", nil, c)
		if w.Code != http.StatusOK || !bytes.HasPrefix(w.Body.Bytes(), []byte("PK")) {
			t.Fatalf("download: %d", w.Code)
		}
		upload := func(name string, data []byte) *httptest.ResponseRecorder {
			var body bytes.Buffer
			mw := multipart.NewWriter(&body)
			_ = mw.WriteField("csrf", csrf)
			fw, _ := mw.CreateFormFile("archive", name)
			_, _ = fw.Write(data)
			_ = mw.Close()
			r := httptest.NewRequest("POST", "/console/draft/upload", &body)
			r.Header.Set("Content-Type", mw.FormDataContentType())
			r.AddCookie(c)
			rec := httptest.NewRecorder()
			f.h.ServeHTTP(rec, r)
			return rec
		}
		if rec := upload("content.zip", w.Body.Bytes()); rec.Code != http.StatusSeeOther {
			t.Errorf("%s: uploading the downloaded archive: %d %s", lang, rec.Code, rec.Body)
		}
		want := map[content.Lang]string{content.RU: "Это не zip-архив", content.KK: "Бұл zip мұрағаты емес"}[lang]
		if rec := upload("content.zip", []byte("not a zip")); rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), want) {
			t.Errorf("%s: uploading junk: %d, want %q", lang, rec.Code, want)
		}
		yamlWant := map[content.Lang]string{content.RU: "не читается как YAML", content.KK: "YAML ретінде оқылмайды"}[lang]
		if rec := upload("main.yaml", []byte("nodes: [")); rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "main.yaml") ||
			!strings.Contains(rec.Body.String(), yamlWant) {
			t.Errorf("%s: uploading broken YAML: %d, want its problem named in the editor's language (%q)", lang, rec.Code, yamlWant)
		}
	}
}

// The stale-facts list is what `content stale` reports; "I checked this today" asks for
// the page read, refuses an address that is not one in the editor's language, and puts in
// the draft a source read today and the fact's check dated today, after which the fact
// is no longer listed.
func TestIRecheckedThisTodayAddsTheSourceAndTheDate(t *testing.T) {
	f := newFixture(t, "")
	f.clock.mu.Lock()
	f.clock.t = f.engine.Now()
	f.clock.mu.Unlock()
	today := f.clock.Now().Format("2006-01-02")
	stale := f.engine.Content().Stale(f.clock.Now(), 365*24*time.Hour)
	if len(stale) == 0 {
		t.Skip("the shipped content has no stale fact today")
	}
	for _, lang := range content.Langs {
		c := f.signIn(t, editorID, string(lang))
		body := f.do("GET", "/console/stale", nil, c).Body.String()
		key := regexp.MustCompile(`name="fact" value="([^"]+)"`).FindStringSubmatch(body)
		rev := revField.FindStringSubmatch(body)
		if key == nil || rev == nil {
			t.Fatalf("%s: the stale list has no fact to check: %.300s", lang, body)
		}
		form := url.Values{"csrf": {f.csrf(t, c)}, "rev": {rev[1]}, "fact": {htmlUnescape(key[1])}, "url": {"egov.kz/page"}}
		want := map[content.Lang]string{content.RU: "Нужен адрес сайта", content.KK: "сайттың мекенжайы қажет"}[lang]
		if w := f.do("POST", "/console/stale", form, c); w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), want) {
			t.Errorf("%s: an address without https://: %d, want %q", lang, w.Code, want)
		}
	}
	c := f.signIn(t, editorID, "ru")
	body := f.do("GET", "/console/stale", nil, c).Body.String()
	keys := regexp.MustCompile(`name="fact" value="([^"]+)"`).FindAllStringSubmatch(body, -1)
	form := url.Values{"csrf": {f.csrf(t, c)}, "rev": {revField.FindStringSubmatch(body)[1]}, "fact": {htmlUnescape(keys[0][1])},
		"url": {"https://www.gov.kz/memleket/entities/enbek/press/news"}, "published": {"2026-11-30"}}
	if w := f.do("POST", "/console/stale", form, c); w.Code != http.StatusSeeOther {
		t.Fatalf("checking a fact: %d %s", w.Code, w.Body)
	}
	after := f.do("GET", "/console/stale", nil, c).Body.String()
	if n := len(regexp.MustCompile(`name="fact" value="`).FindAllString(after, -1)); n != len(keys)-1 {
		t.Errorf("after checking one of %d facts, %d are listed", len(keys), n)
	}
	archive := f.do("GET", "/console/draft/archive", nil, c).Body.Bytes()
	fsys, err := content.FromArchive(archive)
	if err != nil {
		t.Fatal(err)
	}
	dc, _, err := content.Load(fsys, "draft")
	if err != nil {
		t.Fatal(err)
	}
	s, ok := dc.Source("chk_" + strings.ReplaceAll(today, "-", "") + "_1")
	if !ok || s.URL != "https://www.gov.kz/memleket/entities/enbek/press/news" || s.Read.Format("2006-01-02") != today || s.Published.Format("2006-01-02") != "2026-11-30" {
		t.Errorf("the new source: %+v %v", s, ok)
	}
	if !strings.Contains(strings.Join(f.audit.all(), "\n"), "200 content.draft.checked") {
		t.Error("not audited")
	}
}

// The questions that found nothing are listed grouped (the same words in another order
// are one question), with what the bot answers now; adding one as a keyword of a screen
// puts it in the draft and shows the answer before beside the answer with the draft,
// which now leads to that screen.
func TestAQuestionThatFoundNothingBecomesAKeyword(t *testing.T) {
	f := newFixture(t, "")
	c := f.signIn(t, editorID, "ru")
	body := f.do("GET", "/console/misses", nil, c).Body.String()
	if !strings.Contains(body, "«"+missedWord+" дают»") || !strings.Contains(body, "Спросили: 120") || !strings.Contains(body, "«дают "+missedWord+"»") {
		t.Errorf("the misses page does not group the two wordings (3 + 1 askers a day, 30 days): %.2000s", body)
	}
	kk := f.signIn(t, editorID, "kk")
	if body := f.do("GET", "/console/misses", nil, kk).Body.String(); !strings.Contains(body, "Сұрағандар") {
		t.Error("the misses page is not in Kazakh")
	}
	screen := f.engine.Topics()[0].ID
	n, _ := f.engine.Content().Node(screen)
	form := url.Values{"csrf": {f.csrf(t, c)}, "rev": {revField.FindStringSubmatch(body)[1]}, "question": {missedWord + " дают"}, "lang": {"ru"}, "screen": {screen}}
	w := f.do("POST", "/console/misses", form, c)
	page := w.Body.String()
	after := page[strings.Index(page, "Ответ с черновиком"):]
	after = after[:strings.Index(after, "<form")]
	before := page[strings.Index(page, "Ответ до"):strings.Index(page, "Ответ с черновиком")]
	label := htmlText(n.Title.RU)
	if w.Code != http.StatusOK || !strings.Contains(after, label) || strings.Contains(after, "не нашёл") || !strings.Contains(before, "не нашёл") {
		t.Errorf("after adding the keyword: %d; want the answer to find %q with the draft and nothing before", w.Code, n.Title.RU)
	}
	archive := f.do("GET", "/console/draft/archive", nil, c).Body.Bytes()
	fsys, _ := content.FromArchive(archive)
	dc, _, err := content.Load(fsys, "draft")
	if err != nil {
		t.Fatal(err)
	}
	if dn, _ := dc.Node(screen); !strings.HasSuffix(dn.Keywords.RU, ", "+missedWord+" дают") {
		t.Errorf("the draft's keywords of %s: %q", screen, dn.Keywords.RU)
	}
	if _, _ = f.engine.Content().Node(screen); strings.Contains(n.Keywords.RU, missedWord) {
		t.Error("the published content changed")
	}
}

// Saving forms without changing anything leaves every content file as it was, byte for
// byte: no key is added, no line rewrapped.
func TestSavingAnUnchangedFormChangesNoByte(t *testing.T) {
	f := newFixture(t, "")
	sv, _ := fixedAmountService(t, f.engine.Content())
	c := f.signIn(t, editorID, "kk")
	csrf := f.csrf(t, c)
	for _, page := range []string{"/console/edit/offices/all", "/console/edit/offices/" + f.engine.Content().Regions()[0].ID,
		"/console/edit/service/" + sv.ID, "/console/edit/reference"} {
		form, rev := formOf(t, f.do("GET", page, nil, c).Body.String())
		form.Set("csrf", csrf)
		form.Set("rev", rev)
		if w := f.do("POST", page, form, c); w.Code != http.StatusSeeOther {
			t.Fatalf("saving %s unchanged: %d %s", page, w.Code, w.Body)
		}
	}
	fsys, err := content.FromArchive(f.do("GET", "/console/draft/archive", nil, c).Body.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	names, _ := content.Files(content.Embedded())
	for _, name := range names {
		want, _ := fs.ReadFile(content.Embedded(), name)
		got, err := fs.ReadFile(fsys, name)
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s changed (%v)", name, err)
		}
	}
}

// A text longer than a Telegram message is refused next to its field, counted as
// Telegram counts (an emoji is two); a Kazakh text with Kazakh letters has no warning.
func TestATextLongerThanAMessageIsRefused(t *testing.T) {
	f := newFixture(t, "")
	sv, _ := fixedAmountService(t, f.engine.Content())
	page := "/console/edit/service/" + sv.ID
	for _, lang := range content.Langs {
		c := f.signIn(t, editorID, string(lang))
		form, _ := formOf(t, f.do("GET", page, nil, c).Body.String())
		form.Set("csrf", f.csrf(t, c))
		summary, kk := fieldNamed(t, form, "~summary.ru"), fieldNamed(t, form, "~summary.kk")
		form.Set(summary, strings.Repeat("а", 4095)+"🙂")
		form.Set(kk, "Бұл қызмет туралы қысқаша")
		res := f.check(t, page, form, c)
		want := map[content.Lang]string{content.RU: "знаков — 4097", content.KK: "4097 таңба"}[lang]
		if got := res.Fields[summary].Error; !strings.Contains(got, want) {
			t.Errorf("%s: 4095 letters and an emoji: %q, want %q", lang, got, want)
		}
		if got := res.Fields[kk]; got.Error != "" || got.Warning != "" {
			t.Errorf("%s: a Kazakh text: %+v", lang, got)
		}
		form.Set(summary, strings.Repeat("а", 4096))
		if got := f.check(t, page, form, c).Fields[summary].Error; got != "" {
			t.Errorf("%s: 4096 letters refused: %q", lang, got)
		}
	}
}

// A draft started before another editor published says so: publishing it would undo
// their changes.
func TestADraftBehindWhatWasPublishedSaysSo(t *testing.T) {
	f := newFixture(t, "")
	sv, _ := fixedAmountService(t, f.engine.Content())
	page := "/console/edit/service/" + sv.ID
	save := func(c *http.Cookie, name string) {
		form, rev := formOf(t, f.do("GET", page, nil, c).Body.String())
		form.Set("csrf", f.csrf(t, c))
		form.Set("rev", rev)
		form.Set(fieldNamed(t, form, "~name.ru"), name)
		if w := f.do("POST", page, form, c); w.Code != http.StatusSeeOther {
			t.Fatalf("saving: %d", w.Code)
		}
	}
	first, second := f.signIn(t, editorID, "ru"), f.signIn(t, adminID, "ru")
	save(first, "Название от первого")
	save(second, "Название от второго")
	if body := f.do("GET", "/console/draft", nil, first).Body.String(); strings.Contains(body, "опубликовали другую версию") {
		t.Error("a draft of the version in use says it is behind")
	}
	draft := f.do("GET", "/console/draft", nil, second).Body.String()
	if w := f.do("POST", "/console/draft/publish", url.Values{"csrf": {f.csrf(t, second)}, "rev": {revField.FindStringSubmatch(draft)[1]}, "confirm": {"yes"}}, second); w.Code != http.StatusSeeOther {
		t.Fatalf("publishing: %d", w.Code)
	}
	if body := f.do("GET", "/console/draft", nil, first).Body.String(); !strings.Contains(body, "опубликовали другую версию") || !strings.Contains(body, "Название от второго") {
		t.Error("the first editor's draft does not say another version was published since, nor show its change")
	}
}

// A document is added by filling the form's empty row, and one taken out by its box.
func TestAServicesDocumentsAreAddedAndRemoved(t *testing.T) {
	f := newFixture(t, "")
	var sv *content.Service
	for _, s := range f.engine.Content().Services() {
		if len(s.Documents) >= 2 {
			sv = s
			break
		}
	}
	page := "/console/edit/service/" + sv.ID
	c := f.signIn(t, editorID, "ru")
	body := f.do("GET", page, nil, c).Body.String()
	form, rev := formOf(t, body)
	form.Set("csrf", f.csrf(t, c))
	form.Set("rev", rev)
	form.Set(fieldNamed(t, form, "~documents.+.text.kk"), "Жаңа анықтама")
	form.Set(fieldNamed(t, form, "~documents.+.text.ru"), "Новая справка")
	remove := regexp.MustCompile(`type="checkbox" id="f\d+" name="([^"]+~documents\.0)"`).FindStringSubmatch(body)
	if remove == nil {
		t.Fatal("no box to take the first document out")
	}
	form.Set(htmlUnescape(remove[1]), "1")
	if w := f.do("POST", page, form, c); w.Code != http.StatusSeeOther {
		t.Fatalf("saving: %d %s", w.Code, w.Body)
	}
	fsys, _ := content.FromArchive(f.do("GET", "/console/draft/archive", nil, c).Body.Bytes())
	dc, _, err := content.Load(fsys, "draft")
	if err != nil {
		t.Fatal(err)
	}
	got, _ := dc.Service(sv.ID)
	docs := got.Documents
	last := docs[len(docs)-1].Text
	if len(docs) != len(sv.Documents) || docs[0].Text.RU != sv.Documents[1].Text.RU || last.KK != "Жаңа анықтама" || last.RU != "Новая справка" {
		t.Errorf("documents after taking the first out and adding one: %+v", docs)
	}
}

// Two years on, every fact is stale: an office's and a channel's check each take the page
// read into their own sources and date, and the list loses that fact alone; an amount
// needs the page's date.
func TestIRecheckedThisTodayWorksForOfficesAndChannels(t *testing.T) {
	f := newFixture(t, "")
	f.clock.mu.Lock()
	f.clock.t = time.Now().AddDate(2, 0, 0)
	f.clock.mu.Unlock()
	f.mu.Lock()
	f.engine = bot.NewEngine(f.engine.Content(), f.engine.Bundle(), bot.WithClock(f.clock.Now))
	f.mu.Unlock()
	c := f.signIn(t, editorID, "ru")
	factKey := regexp.MustCompile(`name="fact" value="([^"]+)"`)
	for _, kind := range []string{":office ", ":channel ", ":amount"} {
		body := f.do("GET", "/console/stale", nil, c).Body.String()
		keys := factKey.FindAllStringSubmatch(body, -1)
		var key string
		for _, k := range keys {
			if strings.Contains(k[1], kind) {
				key = htmlUnescape(k[1])
				break
			}
		}
		if key == "" {
			t.Fatalf("no %q fact among %d", kind, len(keys))
		}
		form := url.Values{"csrf": {f.csrf(t, c)}, "rev": {revField.FindStringSubmatch(body)[1]}, "fact": {key}, "url": {"https://www.gov.kz/page"}}
		if kind == ":amount" {
			if w := f.do("POST", "/console/stale", form, c); w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), "укажите дату публикации") {
				t.Errorf("an amount checked against a page without a date: %d", w.Code)
			}
			form.Set("published", f.clock.Now().Format("2006-01-02"))
		}
		if w := f.do("POST", "/console/stale", form, c); w.Code != http.StatusSeeOther {
			t.Fatalf("checking %s: %d %s", key, w.Code, w.Body)
		}
		after := f.do("GET", "/console/stale", nil, c).Body.String()
		n := len(factKey.FindAllString(after, -1))
		// A service's amount shares the service's date with its documents: they go together.
		if strings.Contains(after, `value="`+htmlText(key)+`"`) || (kind != ":amount" && n != len(keys)-1) {
			t.Errorf("after checking %s, %d of %d facts are listed", key, n, len(keys))
		}
	}
}

// A question that found nothing can also join a group of search synonyms: the answer with
// the draft then finds what the group's words find, and search.yaml changes in that line.
func TestAQuestionThatFoundNothingBecomesASynonym(t *testing.T) {
	f := newFixture(t, "")
	c := f.signIn(t, editorID, "ru")
	body := f.do("GET", "/console/misses", nil, c).Body.String()
	group := regexp.MustCompile(`<option value="(\d+)">ЦОН, Госкорпорация`).FindStringSubmatch(body)
	if group == nil {
		t.Fatalf("no synonyms group of ЦОН to choose: %.300s", body)
	}
	form := url.Values{"csrf": {f.csrf(t, c)}, "rev": {revField.FindStringSubmatch(body)[1]}, "question": {missedWord + " дают"}, "lang": {"ru"}, "synonyms": {group[1]}}
	page := f.do("POST", "/console/misses", form, c).Body.String()
	after := page[strings.Index(page, "Ответ с черновиком"):]
	after = after[:strings.Index(after, "<form")]
	if strings.Contains(after, "не нашёл") {
		t.Errorf("with the synonym the answer still finds nothing: %.500s", after)
	}
	fsys, _ := content.FromArchive(f.do("GET", "/console/draft/archive", nil, c).Body.Bytes())
	got, _ := fs.ReadFile(fsys, "search.yaml")
	want, _ := fs.ReadFile(content.Embedded(), "search.yaml")
	if lines := changedLinesOf(string(want), string(got)); len(lines) != 1 || !strings.HasSuffix(lines[0], ", "+missedWord+" дают") {
		t.Errorf("search.yaml's changed lines: %q", lines)
	}
}

func changedLinesOf(a, b string) []string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	if len(al) != len(bl) {
		return bl
	}
	var out []string
	for i := range al {
		if al[i] != bl[i] {
			out = append(out, bl[i])
		}
	}
	return out
}
