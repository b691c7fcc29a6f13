package telegram_test

import (
	"bytes"
	"context"
	"image"
	"image/draw"
	"image/png"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/makiuchi-d/gozxing"
	gozxingqr "github.com/makiuchi-d/gozxing/qrcode"
	"github.com/qamqor/qamqor/bot"
	"github.com/qamqor/qamqor/bot/privacy"
	"github.com/qamqor/qamqor/bot/referrals"
	"github.com/qamqor/qamqor/bot/safety"
	"github.com/qamqor/qamqor/checklist"
	"github.com/qamqor/qamqor/checklist/checklisttest"
	"github.com/qamqor/qamqor/content"
	"github.com/qamqor/qamqor/internal/fakebotapi"
	"github.com/qamqor/qamqor/qr"
	datakey "github.com/qamqor/qamqor/secret"
	"github.com/qamqor/qamqor/store"
)

// qrSize is the side of the referral pictures in these tests, in pixels.
const qrSize = 400

// startPartnerTools runs the serve path with the referrals wired as the binary wires them:
// the safety net first, captioned QR codes in the checklist's typeface; it returns the
// referral store, over the world's Redis.
func (w *world) startPartnerTools() *store.Referrals {
	w.t.Helper()
	key, err := datakey.ParseKey(datakey.GenerateKey())
	if err != nil {
		w.t.Fatal(err)
	}
	rdb := w.redis.Client()
	refs := store.NewReferrals(rdb, key, 0)
	captioner, err := qr.NewCaptioner(checklist.Font())
	if err != nil {
		w.t.Fatal(err)
	}
	svc := w.service()
	mustRegister(w.t, svc, safety.New(safety.Options{}))
	w.withRoles(svc)
	feature := referrals.New(refs,
		func(payload string) string { return "https://t.me/" + fakebotapi.BotUsername + "?start=" + payload },
		func(link string) ([]byte, error) { return qr.PNG(link, qrSize) }).
		WithCaptionedQR(func(link string, caption []string) ([]byte, error) { return captioner.PNG(link, qrSize, caption...) })
	mustRegister(w.t, svc, feature, privacy.New())
	w.startWith(polling, svc)
	return refs
}

// keysNow is every key in Redis but the updates' journal (which ends with each update).
func (w *world) keysNow() []string {
	w.t.Helper()
	var keys []string
	w.waitFor(func() bool {
		keys = keys[:0]
		for k := range w.stored() {
			if strings.HasPrefix(k, "{updates}") {
				return false // an update still in hand
			}
			keys = append(keys, k)
		}
		return true
	}, "the updates in hand to end")
	slices.Sort(keys)
	return keys
}

// A partner screens a client who is with them, in Russian and then in Kazakh: they are
// told the answers are not kept, get the result and the checklist PDF (which pdftotext
// reads back), and every key of Redis is read before and after: the only new one is the
// organisation's count of consultations, and the partner's session holds no answer.
func TestScreeningForAClientLeavesNoKeyAboutTheClient(t *testing.T) {
	w := newWorld(t)
	refs := w.startPartnerTools()
	w.invitePartner("Бота үміт")
	// The invitation, opened in Russian, set the partner's language: /lang switches it later.
	c, _, _ := content.Load(content.Embedded(), "content/data")
	sc, _ := c.Screener("disability_check")
	tc, _ := c.ExampleCase(sc.ID)
	before := w.keysNow()
	text := map[content.Lang]map[string]string{
		content.RU: {"start": "Ответы не сохраняются", "result": "Показать результат", "done": "Результат для клиента"},
		content.KK: {"start": "Жауаптар сақталмайды", "result": "Нәтижені көрсету", "done": "Клиентке арналған нәтиже"},
	}
	for i, lang := range []content.Lang{content.RU, content.KK} {
		if lang == content.KK {
			w.text(polling, staff, "/lang")
		}
		w.text(polling, staff, "/screen")
		w.press(polling, staff, "✓ "+sc.Title.In(lang))
		if got := w.api.Last(staff).Text; !strings.Contains(got, text[lang]["start"]) {
			t.Fatalf("%s: the run began without saying the answers are not kept:\n%s", lang, got)
		}
		w.answerScreener(polling, staff, c, sc, tc, lang)
		w.press(polling, staff, text[lang]["result"])
		w.waitFor(func() bool { return w.api.Last(staff).Document != nil }, "the checklist document")
		all := ""
		for _, m := range w.api.Messages(staff) {
			all += m.Text + "\n"
		}
		if !strings.Contains(all, text[lang]["done"]) {
			t.Errorf("%s: the partner was not told the result is the client's", lang)
		}
		pdf := checklisttest.Text(t, w.api.Last(staff).Document.Data)
		for _, id := range tc.Match {
			sv, _ := c.Service(id)
			if !strings.Contains(pdf, sv.Name.KK) || !strings.Contains(pdf, sv.Name.RU) {
				t.Errorf("%s: the checklist PDF lacks %q", lang, sv.Name.RU)
			}
		}
		after := w.keysNow()
		var added []string
		for _, k := range after {
			if !slices.Contains(before, k) {
				added = append(added, k)
			}
		}
		if len(added) != 1 || !strings.HasPrefix(added[0], "{consult:") {
			t.Errorf("%s: the run added the keys %v; only the organisation's count may be new", lang, added)
		}
		s, err := store.NewSessions(w.redis.Client()).View(context.Background(), staff)
		if err != nil || len(s.Answers) != 0 || !s.ForClient || !s.ShowsResult() {
			t.Errorf("%s: the partner's session after the result: %+v, %v", lang, s, err)
		}
		if n, err := refs.Consultations(context.Background(), "Бота үміт", time.Now(), time.Now()); err != nil || n != i+1 {
			t.Errorf("%s: %d consultations counted (%v), want %d", lang, n, err, i+1)
		}
		if _, total, _ := refs.PartnerReferrals(context.Background(), staff, 0, 10); total != 0 {
			t.Errorf("%s: the run made %d referrals", lang, total)
		}
	}
}

// decodeWhole decodes a QR code anywhere in a picture, as a phone's camera does (no hint
// that the picture is the code alone).
func decodeWhole(t *testing.T, img image.Image) string {
	t.Helper()
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	res, err := gozxingqr.NewQRCodeReader().Decode(bmp, nil)
	if err != nil {
		t.Fatalf("the picture does not decode: %v", err)
	}
	return res.GetText()
}

// A referral made for a client without Telegram: its picture carries, under the code, the
// organisation and the topic (taller than the bare code, and it still decodes); the
// printable slip, in Russian and in Kazakh, holds the QR code (decoded back from the PDF),
// the organisation, what it is for, the link, and the checklist of the screener's
// services, which pdftotext reads back.
func TestAReferralSlipForAClientWithoutTelegram(t *testing.T) {
	w := newWorld(t)
	w.startPartnerTools()
	w.invitePartner("Бота үміт")
	c, _, _ := content.Load(content.Embedded(), "content/data")
	sc, _ := c.Screener("disability_check")
	w.text(polling, staff, "/refer")
	w.press(polling, staff, "✓ "+sc.Title.RU)
	w.press(polling, staff, "Без записки")
	w.waitFor(func() bool { return w.api.Last(staff).Photo != nil }, "the referral's QR code")
	photo := w.api.Last(staff).Photo
	m := referralPayload.FindStringSubmatch(photo.Caption)
	if m == nil {
		t.Fatalf("no referral link in the caption:\n%s", photo.Caption)
	}
	link := "https://t.me/" + fakebotapi.BotUsername + "?start=" + m[1]
	img, err := png.Decode(bytes.NewReader(photo.Data))
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != qrSize || b.Dy() <= qrSize {
		t.Errorf("the referral's picture is %v: no caption under the %d px code", b, qrSize)
	}
	if got := decodeWhole(t, img); got != link {
		t.Errorf("the captioned picture holds %q, want %q", got, link)
	}
	square := image.NewGray(image.Rect(0, 0, qrSize, qrSize))
	draw.Draw(square, square.Bounds(), img, image.Point{}, draw.Src)
	var sq bytes.Buffer
	_ = png.Encode(&sq, square)
	if got := decodeQR(t, sq.Bytes()); got != link {
		t.Errorf("the code above the caption holds %q", got)
	}
	if caption := darkRowsBelow(img, qrSize); caption < 20 {
		t.Errorf("only %d rows of writing under the code", caption)
	}

	var first *content.Service // the first of the screener's services with documents to bring
	for _, id := range sc.Services {
		if sv, _ := c.Service(id); first == nil && len(sv.Documents) > 0 {
			first = sv
		}
	}
	slipMessage := w.api.Last(staff)
	for _, lang := range []content.Lang{content.RU, content.KK} {
		label := "🖨 Направление для печати — " + bot.LanguageName(lang) // in the partner's language
		w.pressOn(staff, slipMessage, label)
		w.waitFor(func() bool { return w.api.Last(staff).Document != nil }, "the slip")
		doc := w.api.Last(staff).Document
		text := checklisttest.Text(t, doc.Data)
		want := map[content.Lang][]string{
			content.RU: {"Направление от организации «Бота үміт»", "Для чего: " + sc.Title.RU, "Ссылка действует до", link, first.Name.RU, first.Documents[0].Text.RU},
			content.KK: {"«Бота үміт» ұйымының жолдамасы", "Не үшін: " + sc.Title.KK, "Сілтеме", link, first.Name.KK, first.Documents[0].Text.KK},
		}[lang]
		for _, s := range want {
			if !strings.Contains(text, s) {
				t.Errorf("%s: the slip does not read %q:\n%s", lang, s, text)
			}
		}
		imgs := checklisttest.Images(t, doc.Data)
		if len(imgs) != 1 {
			t.Fatalf("%s: the slip holds %d pictures", lang, len(imgs))
		}
		if got := decodeQR(t, imgs[0]); got != link {
			t.Errorf("%s: the slip's code holds %q", lang, got)
		}
	}
}

// darkRowsBelow counts the rows of img from y0 down that have a dark pixel.
func darkRowsBelow(img image.Image, y0 int) int {
	n := 0
	b := img.Bounds()
	for y := y0; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if r, g, bl, _ := img.At(x, y).RGBA(); (r+g+bl)/3 < 0x8000 {
				n++
				break
			}
		}
	}
	return n
}

// pressOn presses the button with label on msg, an earlier message of chat, and waits for
// a new message.
func (w *world) pressOn(chat int64, msg fakebotapi.Message, label string) {
	w.t.Helper()
	data := ""
	for _, row := range msg.Buttons {
		for _, b := range row {
			if b.Text == label {
				data = b.CallbackData
			}
		}
	}
	if data == "" {
		w.t.Fatalf("no button %q on the message:\n%s\n%v", label, msg.Text, msg.Buttons)
	}
	before := len(w.api.Messages(chat))
	_, callback := w.api.Press(chat, msg.ID, data)
	w.waitFor(func() bool { return w.api.Answered(callback) && len(w.api.Messages(chat)) > before }, "the press of "+label)
}
