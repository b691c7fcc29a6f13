package referrals_test

import (
	"strings"
	"testing"

	"github.com/qamqor/qamqor/bot"
	"github.com/qamqor/qamqor/bot/bottest"
	"github.com/qamqor/qamqor/content"
)

// slipLabel is the label of the button of a slip in lang, for a partner who reads Russian.
var slipLabel = map[content.Lang]string{content.KK: "🖨 Направление для печати — Қазақша", content.RU: "🖨 Направление для печати — Русский"}

// slipOf presses the button of the referral's slip in lang and returns the checklist sent.
func (w *world) slipOf(code string, lang content.Lang) (bot.Result, *bot.Checklist) {
	w.t.Helper()
	r := w.press(staff, "Q:"+code+":"+string(lang))
	for _, rep := range r.Replies {
		if rep.Checklist != nil {
			return r, rep.Checklist
		}
	}
	return r, nil
}

// A referral just made offers its printable slip in either language: one page with the
// organisation, what it is for, the link as a QR code and as text, how long it works, and
// the checklist of the screener's services (documents, where to go) in that language.
func TestAReferralSlipHasTheCodeTheLinkAndTheChecklist(t *testing.T) {
	w := newWorld(t)
	w.invitePartner("Бота үміт")
	payload := w.refer("")
	code := strings.TrimPrefix(payload, "r_")
	for _, lang := range content.Langs {
		if got := bottest.Button(w.chat(staff).Last, slipLabel[lang]); got != "Q:"+code+":"+string(lang) {
			t.Fatalf("the referral offers no slip in %s: %q", lang, got)
		}
	}
	link := linkPrefix + payload
	sc := w.screener()
	for _, lang := range []content.Lang{content.RU, content.KK} {
		r, c := w.slipOf(code, lang)
		if c == nil {
			t.Fatalf("%s: no slip: %q", lang, bottest.Texts(r))
		}
		says(t, r, "Направление для печати — в файле ниже") // in the partner's language
		if len(c.Sections) != 1 || c.Sections[0].Lang != lang || c.Sections[0].Slip == nil {
			t.Fatalf("%s: the slip is %+v", lang, c)
		}
		sec := c.Sections[0]
		slip := sec.Slip
		want := map[content.Lang][]string{
			content.RU: {"Направление от организации «Бота үміт»", "Для чего: " + sc.Title.RU, "Ссылка действует до "},
			content.KK: {"«Бота үміт» ұйымының жолдамасы", "Не үшін: " + sc.Title.KK, "Сілтеме "},
		}[lang]
		all := sec.Title + "\n" + strings.Join(slip.Lines, "\n")
		for _, s := range want {
			if !strings.Contains(all, s) {
				t.Errorf("%s: the slip lacks %q: %q", lang, s, all)
			}
		}
		if slip.Link != link || string(slip.QR) != "qr:"+link {
			t.Errorf("%s: the slip's link %q, its code %q; want %q", lang, slip.Link, slip.QR, link)
		}
		if len(sec.Items) != len(sc.Services) {
			t.Errorf("%s: the slip lists %d services, the screener has %d", lang, len(sec.Items), len(sc.Services))
		}
		for _, it := range sec.Items {
			if it.Apply == "" {
				t.Errorf("%s: %q says nothing of where to go", lang, it.Name)
			}
		}
		first, _ := w.content.Service(sc.Services[0])
		if sec.Items[0].Name != first.Name.In(lang) || sec.Footer == "" {
			t.Errorf("%s: the first item is %q, the footer %q", lang, sec.Items[0].Name, sec.Footer)
		}
		if s, _ := w.sessions.Get(staff); s.Screener != "" || s.Flow != "" {
			t.Errorf("%s: making a slip moved the partner: %+v", lang, s)
		}
	}
	// A partner who reads Kazakh is told in Kazakh.
	w.text(staff, "/lang")
	r, c := w.slipOf(code, content.RU)
	says(t, r, "Басып шығаруға арналған жолдама төмендегі файлда")
	if c == nil || c.Sections[0].Lang != content.RU {
		t.Fatalf("a Kazakh-speaking partner's Russian slip is %+v", c)
	}
}

// A slip is for a link nobody opened: once the client has, the partner is told it is no
// longer needed; someone else's referral, a bad language or a stranger get a stale button.
func TestASlipIsOnlyForTheirOwnUnopenedReferral(t *testing.T) {
	w := newWorld(t)
	w.invitePartner("Бота үміт")
	payload := w.refer("")
	code := strings.TrimPrefix(payload, "r_")
	says(t, w.press(staff, "Q:"+code+":xx"), staleButton)
	says(t, w.press(staff, "Q:"+code+":RU"), staleButton)
	says(t, w.press(staff, "Q:AAAAAAAAAAAAAAAA:ru"), staleButton)
	says(t, w.press(stranger, "Q:"+code+":ru"), staleButton)
	// /referrals offers the slip of a referral nobody opened, named by its code.
	listed := w.text(staff, "/referrals")
	if got := bottest.Button(listed, "🖨 "+code[:4]+" — для печати, Қазақша"); got != "Q:"+code+":kk" {
		t.Fatalf("/referrals offers no slip: %+v", listed.Replies)
	}
	if _, c := w.slipOf(code, content.KK); c == nil || c.Sections[0].Lang != content.KK {
		t.Fatalf("the listed slip is %+v", c)
	}
	w.text(client, "/start "+payload)
	if listed := w.text(staff, "/referrals"); bottest.Button(listed, "🖨 "+code[:4]+" — для печати, Қазақша") != "" {
		t.Errorf("/referrals offers the slip of an opened referral")
	}
	says(t, w.press(staff, "Q:"+code+":ru"), "лист уже не нужен")
	w.text(staff, "/lang")
	says(t, w.press(staff, "Q:"+code+":kk"), "парақ енді қажет емес")
}

// With a captioned QR renderer the picture sent with a new referral carries the
// organisation and the topic in both languages.
func TestTheReferralPictureIsCaptionedWithTheOrganisationAndTopic(t *testing.T) {
	w := newWorld(t)
	var caption []string
	w.feature.WithCaptionedQR(func(link string, c []string) ([]byte, error) {
		caption = c
		return []byte("captioned:" + link), nil
	})
	w.invitePartner("Бота үміт")
	w.text(staff, "/refer")
	w.pressLabel(staff, "✓ "+w.screener().Title.RU)
	r := w.pressLabel(staff, "Без записки")
	if len(r.Replies) != 1 || r.Replies[0].Image == nil || !strings.HasPrefix(string(r.Replies[0].Image.PNG), "captioned:"+linkPrefix+"r_") {
		t.Fatalf("the referral's picture is not the captioned one: %+v", r.Replies)
	}
	want := []string{"Бота үміт", w.screener().Title.KK, w.screener().Title.RU}
	if strings.Join(caption, "|") != strings.Join(want, "|") {
		t.Errorf("the caption is %q, want %q", caption, want)
	}
	if bottest.Button(r, slipLabel[content.KK]) == "" || bottest.Button(r, slipLabel[content.RU]) == "" {
		t.Errorf("no slip buttons under the referral: %+v", r.Replies[0].Buttons)
	}
}

// A slip for a topic lists the services of the topic's screens.
func TestASlipForATopicListsItsServices(t *testing.T) {
	w := newWorld(t)
	w.invitePartner("Бота үміт")
	var topic *content.Node
	var services []string
	for _, id := range w.content.Main().Buttons {
		n, _ := w.content.Node(id)
		var svs []string
		for _, b := range n.Buttons {
			if child, ok := w.content.Node(b); ok && child.Service != "" {
				svs = append(svs, child.Service)
			}
		}
		if topic == nil && len(svs) > 0 {
			topic, services = n, svs
		}
	}
	if topic == nil {
		t.Skip("no topic of the shipped content leads to a service's screen")
	}
	w.text(staff, "/refer")
	w.pressLabel(staff, topic.ButtonLabel(content.RU))
	r := w.pressLabel(staff, "Без записки")
	m := referralPayload.FindStringSubmatch(r.Replies[0].Text)
	if m == nil {
		t.Fatalf("no referral link in %q", bottest.Texts(r))
	}
	_, c := w.slipOf(strings.TrimPrefix(m[1], "r_"), content.KK)
	if c == nil {
		t.Fatal("no slip")
	}
	sec := c.Sections[0]
	if !strings.Contains(strings.Join(sec.Slip.Lines, "\n"), "Не үшін: "+topic.ButtonLabel(content.KK)) {
		t.Errorf("the slip does not say what it is for: %q", sec.Slip.Lines)
	}
	var names []string
	for _, it := range sec.Items {
		names = append(names, it.Name)
	}
	for _, id := range services {
		sv, _ := w.content.Service(id)
		if !strings.Contains(strings.Join(names, "\n"), sv.Name.KK) {
			t.Errorf("the slip for %s lacks %q: %q", topic.ID, sv.Name.KK, names)
		}
	}
}
