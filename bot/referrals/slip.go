package referrals

import (
	"slices"
	"strings"

	"github.com/qamqor/qamqor/bot"
	"github.com/qamqor/qamqor/content"
)

// Referral slips, for a client without Telegram: a printable page with the referral's QR
// code and link, the organisation, what it is for, and the checklist of its target (the
// documents to bring and where to go), made on request and kept nowhere.

// dataSlip is the button data of a referral's slip: Q:<code>:<lang>.
const dataSlip = "Q:"

// CaptionedQR renders a link as a QR code PNG with the caption's lines under it.
type CaptionedQR func(link string, caption []string) ([]byte, error)

// WithCaptionedQR has the QR code sent when a referral is made carry a caption: the
// organisation and the topic, in both languages (qr.Captioner). Without it the picture
// is New's qr, bare.
func (f *Feature) WithCaptionedQR(q CaptionedQR) *Feature {
	f.captioned = q
	return f
}

func (f *Feature) registerSlips(r *bot.Router) {
	r.Button(dataSlip, "", f.partnerOnly(f.slip))
}

// qrPicture is the QR code of a new referral's link, captioned with who refers and to
// what when it can be; nil when the feature makes no pictures.
func (f *Feature) qrPicture(e *bot.Engine, r Referral, link string) ([]byte, error) {
	if f.captioned != nil {
		caption := []string{r.Org}
		for _, l := range content.Langs {
			if name := targetName(e, r.Target, l); name != "" && !slices.Contains(caption, name) {
				caption = append(caption, name)
			}
		}
		return f.captioned(link, caption)
	}
	if f.qr != nil {
		return f.qr(link)
	}
	return nil, nil
}

// slipButtons offer a new referral's printable slip, in each language.
func slipButtons(t *bot.Turn, code string) [][]bot.Button {
	var row []bot.Button
	for _, l := range content.Langs {
		row = append(row, bot.Button{Label: t.T(msgSlipButton, map[string]any{"Lang": bot.LanguageName(l)}), Data: dataSlip + code + ":" + string(l)})
	}
	return [][]bot.Button{row}
}

// listedSlipButtons offer the slip of a referral /referrals lists, named by its code.
func listedSlipButtons(t *bot.Turn, code string) [][]bot.Button {
	var row []bot.Button
	for _, l := range content.Langs {
		row = append(row, bot.Button{Label: t.T(msgSlipButtonOf, map[string]any{"Code": short(code), "Lang": bot.LanguageName(l)}), Data: dataSlip + code + ":" + string(l)})
	}
	return [][]bot.Button{row}
}

// slip sends a partner the printable slip of one of their referrals whose link nobody has
// opened yet, in the language chosen.
func (f *Feature) slip(t *bot.Turn, _ Partner) {
	code, l, _ := strings.Cut(strings.TrimPrefix(t.Data, dataSlip), ":")
	lang, ok := content.ParseLang(l)
	if !ok || string(lang) != l {
		t.Stale()
		return
	}
	r, found, err := f.store.Referral(t.Ctx, code)
	if err != nil {
		t.Unavailable(err)
		return
	}
	e := t.Engine
	name := targetName(e, r.Target, lang)
	if !found || r.Partner != t.Chat || name == "" {
		t.Stale() // gone, or not theirs: the same answer
		return
	}
	if r.Status(t.Now) != StatusCreated {
		say(t, t.T(msgSlipGone, nil))
		return
	}
	link := f.link(payloadReferral + r.Code)
	s := &bot.ChecklistSlip{
		Lines: []string{
			e.T(lang, msgSlipFor, map[string]any{"Target": name}),
			e.T(lang, msgSlipValid, map[string]any{"Date": r.Expires.In(kazakhstan).Format("02.01.2006")}),
		},
		Scan: e.T(lang, msgSlipScan, nil),
		Link: link,
	}
	if f.qr != nil { // the bare code: the page says who and what beside it
		if png, err := f.qr(link); err == nil {
			s.QR = png
		} else {
			t.Log().Warn("the slip's QR code could not be made; the link is printed alone", "err", err)
		}
	}
	sec := bot.ChecklistSection{
		Lang:   lang,
		Title:  e.T(lang, msgSlipTitle, map[string]any{"Org": r.Org}),
		Made:   e.ChecklistMade(lang),
		Slip:   s,
		Footer: e.ChecklistFooter(lang),
	}
	for _, sv := range targetServices(e.Content(), r.Target) {
		sec.Items = append(sec.Items, e.ChecklistItem(lang, sv, t.Current().Region))
	}
	if len(sec.Items) > 0 {
		s.Note = e.T(lang, msgSlipNoTelegram, nil)
	}
	t.Say(bot.Reply{
		Text:      t.T(msgSlipSent, nil),
		Checklist: &bot.Checklist{Subject: "referral-" + string(lang), Made: t.Now, Sections: []bot.ChecklistSection{sec}},
	})
}

// targetServices are the services a referral's target is about: a screener's, or a
// service's screen and the service screens it leads to.
func targetServices(c *content.Content, target string) []*content.Service {
	var ids []string
	if id, ok := bot.ScreenerOfTarget(target); ok {
		if sc, ok := c.Screener(id); ok {
			ids = sc.Services
		}
	} else if n, ok := c.Node(target); ok {
		ids = append(ids, n.Service)
		for _, b := range n.Buttons {
			if child, ok := c.Node(b); ok {
				ids = append(ids, child.Service)
			}
		}
	}
	var out []*content.Service
	for _, id := range ids {
		if sv, ok := c.Service(id); ok && !slices.Contains(out, sv) {
			out = append(out, sv)
		}
	}
	return out
}

// issue 18: referral slips.
const (
	msgSlipButton     bot.MessageID = "SlipButton"
	msgSlipButtonOf   bot.MessageID = "SlipButtonOf"
	msgSlipTitle      bot.MessageID = "SlipTitle"
	msgSlipFor        bot.MessageID = "SlipFor"
	msgSlipValid      bot.MessageID = "SlipValid"
	msgSlipScan       bot.MessageID = "SlipScan"
	msgSlipNoTelegram bot.MessageID = "SlipNoTelegram"
	msgSlipSent       bot.MessageID = "SlipSent"
	msgSlipGone       bot.MessageID = "SlipGone"
)
