package news

import (
	"crypto/rand"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf16"

	"github.com/qamqor/qamqor/bot"
	"github.com/qamqor/qamqor/content"
)

// Admins: composing and following broadcasts.

// maxBroadcastUnits bounds a broadcast's text in UTF-16 code units: under Telegram's 4,096,
// so it goes as one message.
const maxBroadcastUnits = 4000

// broadcastsShown is how many broadcasts /broadcasts lists.
const broadcastsShown = 10

// anyValue is the button value meaning "no restriction" in a broadcast's audience.
const anyValue = "*"

// compose answers /broadcast: the next text is the broadcast's Kazakh text.
func (f *Feature) compose(t *bot.Turn) bool {
	t.Change(func(s bot.Session) bot.Session { s.Flow, s.Draft = flowBroadcastKK, ""; return s })
	t.Say(bot.Reply{Text: t.T(msgBroadcastWriteKK, map[string]any{"Count": maxBroadcastUnits}), Buttons: cancelButton(t)})
	return true
}

func cancelButton(t *bot.Turn) [][]bot.Button {
	return [][]bot.Button{{{Label: t.T(msgBroadcastCancel, nil), Data: dataBroadcastCancel}}}
}

// text takes a text typed while a broadcast is being written: it is stored in the draft,
// then the flow moves on. A store that fails leaves the flow where it was.
func (f *Feature) text(t *bot.Turn) bool {
	if !t.HasRole(bot.RoleAdmin) {
		return false // no longer an admin: the text is an ordinary question
	}
	if len(utf16.Encode([]rune(t.Text))) > maxBroadcastUnits {
		t.Say(bot.Reply{Text: t.T(msgBroadcastTooLong, map[string]any{"Count": maxBroadcastUnits}), Buttons: cancelButton(t)})
		return true
	}
	textLang := content.RU
	if t.Session.Flow == flowBroadcastKK {
		textLang = content.KK
	}
	d, _, err := f.store.Draft(t.Ctx, t.Chat)
	if err != nil {
		t.Unavailable(err)
		return true
	}
	if textLang == content.KK {
		d = Draft{ID: rand.Text()} // a new broadcast starts with its Kazakh text
	}
	if d.Texts == nil {
		d.Texts = map[content.Lang]string{}
	}
	d.Texts[textLang] = t.Text
	if textLang == content.RU && d.Texts[content.KK] == "" {
		t.Change(leaveFlow)
		t.Say(bot.Reply{Text: t.T(msgBroadcastStartAgain, nil)}) // the draft expired meanwhile
		return true
	}
	if err := f.store.SaveDraft(t.Ctx, t.Chat, d); err != nil {
		t.Unavailable(err)
		return true
	}
	if textLang == content.KK {
		t.Change(func(s bot.Session) bot.Session { s.Flow = flowBroadcastRU; return s })
		t.Say(bot.Reply{Text: t.T(msgBroadcastWriteRU, nil), Buttons: cancelButton(t)})
		return true
	}
	t.Change(leaveFlow)
	t.Say(chooseTopic(t))
	return true
}

// leaveFlow ends the writing of a broadcast.
func leaveFlow(s bot.Session) bot.Session {
	if strings.HasPrefix(string(s.Flow), string(flowBroadcast)+":") {
		s.Flow = ""
	}
	return s
}

func chooseTopic(t *bot.Turn) bot.Reply {
	lang := t.Lang()
	rows := [][]bot.Button{{{Label: t.T(msgBroadcastEveryTopic, nil), Data: dataBroadcastTopic + anyValue}}}
	for _, n := range t.Engine.Topics() {
		rows = append(rows, []bot.Button{{Label: n.ButtonLabel(lang), Data: dataBroadcastTopic + n.ID}})
	}
	return bot.Reply{Text: t.T(msgBroadcastChooseTopic, nil), Buttons: append(rows, cancelButton(t)...)}
}

func chooseRegion(t *bot.Turn) bot.Reply {
	rows := [][]bot.Button{{{Label: t.T(msgBroadcastEveryRegion, nil), Data: dataBroadcastRegion + anyValue}}}
	var row []bot.Button
	for _, r := range t.Engine.Content().Regions() {
		row = append(row, bot.Button{Label: r.Name.In(t.Lang()), Data: dataBroadcastRegion + r.ID})
		if len(row) == 2 {
			rows, row = append(rows, row), nil
		}
	}
	if len(row) > 0 {
		rows = append(rows, row)
	}
	return bot.Reply{Text: t.T(msgBroadcastChooseRegion, nil), Buttons: append(rows, cancelButton(t)...)}
}

func chooseLang(t *bot.Turn) bot.Reply {
	row := []bot.Button{{Label: t.T(msgBroadcastBothLangs, nil), Data: dataBroadcastLang + anyValue}}
	for _, l := range content.Langs {
		row = append(row, bot.Button{Label: bot.LanguageName(l), Data: dataBroadcastLang + string(l)})
	}
	return bot.Reply{Text: t.T(msgBroadcastChooseLang, nil), Buttons: append([][]bot.Button{row}, cancelButton(t)...)}
}

// press takes the buttons of the broadcast screens (admins only: the router checks).
func (f *Feature) press(t *bot.Turn) bool {
	switch {
	case t.Data == dataBroadcastCancel:
		f.cancel(t)
	case t.Data == dataBroadcastSend:
		f.send(t)
	case strings.HasPrefix(t.Data, dataBroadcastShow):
		n, _ := strconv.ParseInt(strings.TrimPrefix(t.Data, dataBroadcastShow), 10, 64)
		f.show(t, n)
	default:
		f.target(t)
	}
	return true
}

// writtenDraft reads the admin's draft, which must have both texts by now; ok is false when
// it has not (it expired, or the store is away), and the admin has been told.
func (f *Feature) writtenDraft(t *bot.Turn) (d Draft, ok bool) {
	d, found, err := f.store.Draft(t.Ctx, t.Chat)
	if err != nil {
		t.Unavailable(err)
		return d, false
	}
	if !found || d.Texts[content.KK] == "" || d.Texts[content.RU] == "" {
		t.Say(bot.Reply{Text: t.T(msgBroadcastStartAgain, nil)})
		return d, false
	}
	return d, true
}

// target takes a choice of topic, region or language for the draft and shows the next
// choice, or, after the language, the preview with how many will receive it.
func (f *Feature) target(t *bot.Turn) {
	d, ok := f.writtenDraft(t)
	if !ok {
		return
	}
	value := func(prefix string) string {
		v := strings.TrimPrefix(t.Data, prefix)
		if v == anyValue {
			return ""
		}
		return v
	}
	lang := t.Lang()
	var next bot.Reply
	switch {
	case strings.HasPrefix(t.Data, dataBroadcastTopic):
		d.Audience = Audience{Topic: value(dataBroadcastTopic)}
		if d.Audience.Topic != "" && topicName(t.Engine, d.Audience.Topic, lang) == "" {
			t.Say(chooseTopic(t))
			return
		}
		next = chooseRegion(t)
	case strings.HasPrefix(t.Data, dataBroadcastRegion):
		d.Audience.Region = value(dataBroadcastRegion)
		if _, known := t.Engine.Content().RegionName(d.Audience.Region, lang); d.Audience.Region != "" && !known {
			t.Say(chooseRegion(t))
			return
		}
		next = chooseLang(t)
	case strings.HasPrefix(t.Data, dataBroadcastLang):
		l := value(dataBroadcastLang)
		if _, known := content.ParseLang(l); l != "" && !known {
			t.Say(chooseLang(t))
			return
		}
		d.Audience.Lang = content.Lang(l)
		to, err := f.store.Audience(t.Ctx, d.Audience)
		if err != nil {
			t.Unavailable(err)
			return
		}
		next = preview(t, d, len(to))
	default:
		t.Say(bot.Reply{Text: t.T(msgStaleButton, nil)})
		return
	}
	if err := f.store.SaveDraft(t.Ctx, t.Chat, d); err != nil {
		t.Unavailable(err)
		return
	}
	t.Say(next)
}

// audienceText says whom a broadcast is for.
func audienceText(e *bot.Engine, a Audience, lang content.Lang) string {
	topic := e.T(lang, msgBroadcastEveryTopic, nil)
	if a.Topic != "" {
		topic = topicName(e, a.Topic, lang)
		if topic == "" {
			topic = a.Topic
		}
	}
	region := e.T(lang, msgBroadcastEveryRegion, nil)
	if a.Region != "" {
		region = regionName(e, a.Region, lang)
	}
	langs := e.T(lang, msgBroadcastBothLangs, nil)
	if a.Lang != "" {
		langs = bot.LanguageName(a.Lang)
	}
	return e.T(lang, msgBroadcastAudience, map[string]any{"Topic": topic, "Region": region, "Lang": langs})
}

func preview(t *bot.Turn, d Draft, count int) bot.Reply {
	text := t.T(msgBroadcastPreview, map[string]any{
		"Audience": audienceText(t.Engine, d.Audience, t.Lang()), "Count": count, "KK": d.Texts[content.KK], "RU": d.Texts[content.RU]})
	if count == 0 {
		return bot.Reply{Text: text + "\n\n" + t.T(msgBroadcastNobody, nil), Buttons: [][]bot.Button{
			{{Label: t.T(msgBroadcastRetarget, nil), Data: dataBroadcastTopic + anyValue}},
			{{Label: t.T(msgBroadcastCancel, nil), Data: dataBroadcastCancel}},
		}}
	}
	return bot.Reply{Text: text, Buttons: [][]bot.Button{
		{{Label: t.T(msgBroadcastSend, map[string]any{"Count": count}), Data: dataBroadcastSend}},
		{{Label: t.T(msgBroadcastCancel, nil), Data: dataBroadcastCancel}},
	}}
}

func (f *Feature) cancel(t *bot.Turn) {
	if err := f.store.DropDraft(t.Ctx, t.Chat); err != nil {
		t.Unavailable(err)
		return
	}
	t.Change(leaveFlow)
	t.Say(bot.Reply{Text: t.T(msgBroadcastCancelled, nil)})
}

// send queues the draft for the subscribers it targets now; the broadcaster sends it.
func (f *Feature) send(t *bot.Turn) {
	d, ok := f.writtenDraft(t)
	if !ok {
		return
	}
	to, err := f.store.Audience(t.Ctx, d.Audience)
	if err != nil {
		t.Unavailable(err)
		return
	}
	if len(to) == 0 {
		t.Say(preview(t, d, 0))
		return
	}
	// Queued first, then the draft dropped: the draft's ID makes a second run (after a
	// crash between the two, or a second press) find the broadcast rather than queue another.
	b, err := f.store.CreateBroadcast(t.Ctx, Broadcast{Author: t.Chat, AuthorLang: t.Lang(), Texts: d.Texts,
		Audience: d.Audience, Created: t.Now, Draft: d.ID}, to)
	if err != nil {
		t.Unavailable(err)
		return
	}
	if err := f.store.DropDraft(t.Ctx, t.Chat); err != nil {
		t.Unavailable(err)
		return
	}
	if !b.Again {
		t.Audit("broadcast.send", fmt.Sprintf("№%d to %d (%s)", b.Number, b.Total, audienceKey(d.Audience)))
	}
	if s := f.sender.Load(); s != nil {
		s.Kick()
	}
	// The rate as digits: go-i18n reads a plural count from a string, not from a float.
	t.Say(bot.Reply{Text: t.T(msgBroadcastQueued, map[string]any{"Number": b.Number, "Count": b.Total, "Rate": t.T(msgBroadcastRate, map[string]any{"Count": strconv.FormatFloat(f.rate, 'f', -1, 64)})}),
		Buttons: [][]bot.Button{{{Label: t.T(msgBroadcastProgress, nil), Data: dataBroadcastShow + strconv.FormatInt(b.Number, 10)}}}})
}

// audienceKey is an audience in the audit log: topic/region/lang, "*" for any.
func audienceKey(a Audience) string {
	or := func(v string) string {
		if v == "" {
			return anyValue
		}
		return v
	}
	return or(a.Topic) + "/" + or(a.Region) + "/" + or(string(a.Lang))
}

// progressText says how far a broadcast got.
func progressText(e *bot.Engine, b Broadcast, lang content.Lang) string {
	state := e.T(lang, msgBroadcastRunning, nil)
	if !b.Finished.IsZero() {
		state = e.T(lang, msgBroadcastDone, map[string]any{"At": b.Finished.UTC().Format("02.01.2006 15:04")})
	}
	return e.T(lang, msgBroadcastStatus, map[string]any{
		"Number": b.Number, "Sent": b.Sent, "Total": b.Total, "Blocked": b.Blocked, "Failed": b.Failed,
		"Unknown": b.Unknown, "State": state, "Audience": audienceText(e, b.Audience, lang)})
}

func (f *Feature) show(t *bot.Turn, n int64) {
	b, ok, err := f.store.Broadcast(t.Ctx, n)
	if err != nil {
		t.Unavailable(err)
		return
	}
	if !ok {
		t.Say(bot.Reply{Text: t.T(msgStaleButton, nil)})
		return
	}
	r := bot.Reply{Text: progressText(t.Engine, b, t.Lang())}
	if b.Finished.IsZero() {
		r.Buttons = [][]bot.Button{{{Label: t.T(msgBroadcastProgress, nil), Data: dataBroadcastShow + strconv.FormatInt(n, 10)}}}
	}
	t.Say(r)
}

// list answers /broadcasts.
func (f *Feature) list(t *bot.Turn) bool {
	bs, err := f.store.Broadcasts(t.Ctx, broadcastsShown)
	if err != nil {
		t.Unavailable(err)
		return true
	}
	if len(bs) == 0 {
		t.Say(bot.Reply{Text: t.T(msgBroadcastsNone, nil)})
		return true
	}
	parts := make([]string, 0, len(bs))
	for _, b := range bs {
		parts = append(parts, progressText(t.Engine, b, t.Lang()))
	}
	t.Say(bot.Reply{Text: strings.Join(parts, "\n\n")})
	return true
}
