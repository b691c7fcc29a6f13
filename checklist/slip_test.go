package checklist

import (
	"bytes"
	"image"
	_ "image/png"
	"strings"
	"testing"

	"github.com/makiuchi-d/gozxing"
	zxqr "github.com/makiuchi-d/gozxing/qrcode"

	"github.com/qamqor/qamqor/bot"
	"github.com/qamqor/qamqor/checklist/checklisttest"
	"github.com/qamqor/qamqor/content"
	"github.com/qamqor/qamqor/qr"
)

const slipLink = "https://t.me/QamqorBot?start=r_AbCdEf0123456789"

// slipSection is a referral slip in lang, as the referrals make it.
func slipSection(t *testing.T, lang content.Lang, withQR bool) bot.ChecklistSection {
	t.Helper()
	s := &bot.ChecklistSlip{Link: slipLink}
	if withQR {
		png, err := qr.PNG(slipLink, 400)
		if err != nil {
			t.Fatal(err)
		}
		s.QR = png
	}
	switch lang {
	case content.KK:
		s.Lines = []string{"Не үшін: Мүгедектігі бар адамға не тиесілі", "Сілтеме 01.01.2027 дейін жарамды және тек бір адамда ашылады."}
		s.Scan = "Телефон камерасын QR-кодқа бағыттаңыз немесе сілтемені ашыңыз — Qamqor Telegram-да ашылады:"
		s.Note = "Telegram жоқ па? Төменде — қандай құжаттарды алу керек және қайда бару керек."
		return bot.ChecklistSection{Lang: lang, Title: "«Бота үміт» ұйымының жолдамасы", Made: "Құрастырылды 02.12.2026", Slip: s, Items: []bot.ChecklistItem{{
			Name:      "Мүгедектігі бойынша мемлекеттік әлеуметтік жәрдемақы",
			Documents: []string{"Жеке куәлік немесе туу туралы куәлік", "МӘСК анықтамасы"},
			Apply:     "ХҚО немесе egov.kz.",
		}}}
	default:
		s.Lines = []string{"Для чего: Что положено лицу с инвалидностью", "Ссылка действует до 01.01.2027 и откроется только у одного человека."}
		s.Scan = "Наведите камеру телефона на QR-код или откройте ссылку — Qamqor откроется в Telegram:"
		s.Note = "Нет Telegram? Ниже — какие документы взять и куда обратиться."
		return bot.ChecklistSection{Lang: lang, Title: "Направление от организации «Бота үміт»", Made: "Составлено 02.12.2026", Slip: s, Items: []bot.ChecklistItem{{
			Name:      "Государственное социальное пособие по инвалидности",
			Documents: []string{"Удостоверение личности или свидетельство о рождении", "Справка МСЭ"},
			Apply:     "ЦОН или egov.kz.",
		}}}
	}
}

// A slip prints, in its language, who refers and what for, the QR code (which still
// decodes to the link once printed into the PDF), the link in full on one line, and the
// checklist's services with their documents.
func TestASlipPrintsTheCodeTheLinkAndTheChecklist(t *testing.T) {
	for _, lang := range content.Langs {
		sec := slipSection(t, lang, true)
		pdf, err := PDF(bot.Checklist{Subject: "referral", Made: made, Sections: []bot.ChecklistSection{sec}})
		if err != nil {
			t.Fatalf("%s: %v", lang, err)
		}
		text := checklisttest.Text(t, pdf)
		for _, want := range append([]string{sec.Title, slipLink, sec.Slip.Scan, sec.Slip.Note, sec.Items[0].Name, sec.Items[0].Documents[0]}, sec.Slip.Lines...) {
			if !strings.Contains(text, want) {
				t.Errorf("%s: the slip does not read %q:\n%s", lang, want, text)
			}
		}
		imgs := checklisttest.Images(t, pdf)
		if len(imgs) != 1 {
			t.Fatalf("%s: the slip holds %d pictures, want the QR code", lang, len(imgs))
		}
		if got := decodeQR(t, imgs[0]); got != slipLink {
			t.Errorf("%s: the printed code reads %q", lang, got)
		}
	}
}

// Without a QR code the slip still prints the link; a slip renders the same bytes twice.
func TestASlipWithoutACodePrintsTheLink(t *testing.T) {
	c := bot.Checklist{Subject: "referral", Made: made, Sections: []bot.ChecklistSection{slipSection(t, content.RU, false)}}
	pdf, err := PDF(c)
	if err != nil {
		t.Fatal(err)
	}
	if text := checklisttest.Text(t, pdf); !strings.Contains(text, slipLink) {
		t.Errorf("no link in:\n%s", text)
	}
	if n := len(checklisttest.Images(t, pdf)); n != 0 {
		t.Errorf("%d pictures in a slip without a code", n)
	}
	again, _ := PDF(c)
	if !bytes.Equal(pdf, again) {
		t.Error("the same slip rendered different bytes")
	}
}

func decodeQR(t *testing.T, data []byte) string {
	t.Helper()
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("the picture is not an image: %v", err)
	}
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	res, err := zxqr.NewQRCodeReader().Decode(bmp, map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_PURE_BARCODE: true})
	if err != nil {
		t.Fatalf("the code does not decode: %v", err)
	}
	return res.GetText()
}
