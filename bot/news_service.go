package bot

import (
	"context"
	"crypto/rand"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"

	"github.com/qamqor/qamqor/content"
)

// Button data of subscriptions and broadcasts.
const (
	dataNews        = "N:" // N:<topic>: the subscription screen of a topic
	dataNewsRegions = "N*" // N*<topic>: choose the region
	dataNewsJoin    = "N+" // N+<topic>:<region>: subscribe ("" region: the whole country)
	dataNewsLeave   = "N-" // N-<topic>: unsubscribe; N- alone: from everything

	dataBroadcast       = "B:"
	dataBroadcastTopic  = "B:t:" // B:t:<topic>, B:t:* for every topic
	dataBroadcastRegion = "B:r:" // B:r:<region>, B:r:* for everywhere
	dataBroadcastLang   = "B:l:" // B:l:kk, B:l:ru, B:l:* for both
	dataBroadcastSend   = "B:go"
	dataBroadcastCancel = "B:no"
	dataBroadcastShow   = "B:p:" // B:p:<n>: a broadcast's progress
)

// Session.Flow values while an admin writes a broadcast.
const (
	flowBroadcastKK Flow = "bc:kk"
	flowBroadcastRU Flow = "bc:ru"
)

// maxBroadcastUnits bounds a broadcast's text in UTF-16 code units: under Telegram's 4,096,
// so it goes as one message.
const maxBroadcastUnits = 4000

// maxButtonData is Telegram's limit on a button's data, in bytes.
const maxButtonData = 64

// broadcastsShown is how many broadcasts /broadcasts lists.
const broadcastsShown = 10

// anyValue is the button value meaning "no restriction" in a broadcast's audience.
const anyValue = "*"

// routeNews picks the handler of a subscription or broadcast input; ok is false for
// anything else. Only broadcast inputs check a role (one round trip), after they are
// recognised, so ordinary updates pay nothing.
func (s *Service) routeNews(ctx context.Context, chat int64, in Input, cmd, data string) (func() []Reply, bool) {
	if s.news == nil || in.Group {
		return nil, false
	}
	switch {
	case strings.HasPrefix(data, dataNews):
		return func() []Reply { return s.newsScreen(ctx, chat, in, strings.TrimPrefix(data, dataNews), false) }, true
	case strings.HasPrefix(data, dataNewsRegions):
		return func() []Reply { return s.newsScreen(ctx, chat, in, strings.TrimPrefix(data, dataNewsRegions), true) }, true
	case strings.HasPrefix(data, dataNewsJoin):
		topic, region, _ := strings.Cut(strings.TrimPrefix(data, dataNewsJoin), ":")
		return func() []Reply { return s.subscribe(ctx, chat, in, topic, region) }, true
	case strings.HasPrefix(data, dataNewsLeave):
		return func() []Reply { return s.unsubscribe(ctx, chat, in, strings.TrimPrefix(data, dataNewsLeave)) }, true
	case cmd == "stop":
		return func() []Reply { return s.unsubscribe(ctx, chat, in, "") }, true
	case cmd == "broadcast" || cmd == "broadcasts" || strings.HasPrefix(data, dataBroadcast):
		if !s.allowed(ctx, chat, RoleAdmin) {
			return nil, false
		}
		switch {
		case cmd == "broadcast":
			return func() []Reply { return s.composeBroadcast(ctx, chat, in) }, true
		case cmd == "broadcasts":
			return func() []Reply { return s.listBroadcasts(ctx, chat, in) }, true
		case data == dataBroadcastCancel:
			return func() []Reply { return s.cancelBroadcast(ctx, chat, in) }, true
		case data == dataBroadcastSend:
			return func() []Reply { return s.sendBroadcast(ctx, chat, in) }, true
		case strings.HasPrefix(data, dataBroadcastShow):
			n, _ := strconv.ParseInt(strings.TrimPrefix(data, dataBroadcastShow), 10, 64)
			return func() []Reply { return s.showBroadcast(ctx, chat, in, n) }, true
		}
		return func() []Reply { return s.targetBroadcast(ctx, chat, in, data) }, true
	}
	return nil, false
}

// ── Subscribers ─────────────────────────────────────────────────────────────────────

// topicName is a topic's title, or "" when content has no such topic.
func (s *Service) topicName(topic string, lang content.Lang) string {
	e := s.engine()
	if !e.isTopic(topic) {
		return ""
	}
	n, _ := e.content.Node(topic)
	return n.Title.In(lang)
}

func (s *Service) regionName(region string, lang content.Lang) string {
	if name, ok := s.engine().content.RegionName(region, lang); ok {
		return name
	}
	return s.t(lang, msgNewsWholeCountry, nil)
}

// newsScreen shows whether the person gets news on topic, with what they can do about it;
// regions lists the regions to choose from even when they are subscribed.
func (s *Service) newsScreen(ctx context.Context, chat int64, in Input, topic string, regions bool) []Reply {
	lang := s.lang(ctx, chat, in)
	name := s.topicName(topic, lang)
	if name == "" || lang == "" {
		return s.stale(ctx, chat, in)
	}
	sub, ok, err := s.news.Subscriptions.Subscription(ctx, chat)
	if err != nil {
		return s.unavailable(chat, in, err)
	}
	back := []Button{{Label: s.t(lang, msgButtonBack, nil), Data: dataHere}}
	if ok && slices.Contains(sub.Topics, topic) && !regions {
		return []Reply{{Text: s.t(lang, msgNewsAlready, map[string]any{"Topic": name, "Region": s.regionName(sub.Region, lang)}),
			Buttons: [][]Button{
				{{Label: s.t(lang, msgNewsChangeRegion, nil), Data: dataNewsRegions + topic}},
				{{Label: s.t(lang, msgNewsUnsubscribe, nil), Data: dataNewsLeave + topic}},
				back,
			}}}
	}
	rows := [][]Button{{{Label: s.t(lang, msgNewsWholeCountry, nil), Data: dataNewsJoin + topic + ":"}}}
	var row []Button
	for _, r := range s.engine().content.Regions() {
		data := dataNewsJoin + topic + ":" + r.ID
		if len(data) > maxButtonData {
			continue // an id too long for a button; content check keeps ids short
		}
		row = append(row, Button{Label: r.Name.In(lang), Data: data})
		if len(row) == 2 {
			rows, row = append(rows, row), nil
		}
	}
	if len(row) > 0 {
		rows = append(rows, row)
	}
	return []Reply{{Text: s.t(lang, msgNewsAbout, map[string]any{"Topic": name}), Buttons: append(rows, back)}}
}

// stale answers a button that no longer means anything, as the engine does.
func (s *Service) stale(ctx context.Context, chat int64, in Input) []Reply {
	return s.withSession(ctx, chat, in, func(sess Session, lang content.Lang) (Session, []Reply) {
		if lang == "" || sess.Lang == "" {
			return sess, []Reply{s.engine().greeting(msgChooseLanguageFirst)}
		}
		return sess, []Reply{s.engine().here(sess, s.t(lang, msgStaleButton, nil))}
	})
}

func (s *Service) subscribe(ctx context.Context, chat int64, in Input, topic, region string) []Reply {
	lang := s.lang(ctx, chat, in)
	name := s.topicName(topic, lang)
	if _, known := s.engine().content.RegionName(region, lang); name == "" || lang == "" || (region != "" && !known) {
		return s.stale(ctx, chat, in)
	}
	if err := s.news.Subscriptions.Subscribe(ctx, chat, topic, region, lang); err != nil {
		return s.unavailable(chat, in, err)
	}
	return []Reply{{Text: s.t(lang, msgNewsSubscribed, map[string]any{"Topic": name, "Region": s.regionName(region, lang)}),
		Buttons: [][]Button{
			{{Label: s.t(lang, msgNewsUnsubscribe, nil), Data: dataNewsLeave + topic}},
			{{Label: s.t(lang, msgButtonBack, nil), Data: dataHere}},
		}}}
}

// unsubscribe stops news on topic, or all news when topic is "".
func (s *Service) unsubscribe(ctx context.Context, chat int64, in Input, topic string) []Reply {
	lang := s.lang(ctx, chat, in)
	sub, ok, err := s.news.Subscriptions.Subscription(ctx, chat)
	if err != nil {
		return s.unavailable(chat, in, err)
	}
	if !ok || (topic != "" && !slices.Contains(sub.Topics, topic)) {
		return []Reply{{Text: s.t(lang, msgNewsNone, nil), Buttons: [][]Button{{{Label: s.t(lang, msgButtonMainMenu, nil), Data: dataMainMenu}}}}}
	}
	if err := s.news.Subscriptions.Unsubscribe(ctx, chat, topic); err != nil {
		return s.unavailable(chat, in, err)
	}
	text := s.t(lang, msgNewsStopped, nil)
	if name := s.topicName(topic, lang); topic != "" {
		if name == "" {
			name = topic
		}
		text = s.t(lang, msgNewsUnsubscribed, map[string]any{"Topic": name})
	}
	return []Reply{{Text: text, Buttons: [][]Button{{{Label: s.t(lang, msgButtonMainMenu, nil), Data: dataMainMenu}}}}}
}

// syncNewsLang keeps a subscription's language with the person's, after they change it.
func (s *Service) syncNewsLang(ctx context.Context, chat int64, before, after Session) {
	if s.news == nil || before.Lang == "" || before.Lang == after.Lang || after.Lang == "" {
		return
	}
	if err := s.news.Subscriptions.SetSubscriptionLang(ctx, chat, after.Lang); err != nil {
		s.log.Warn("changing a subscription's language", "err", err)
	}
}

// topicNames lists a subscription's topics by name.
func (s *Service) topicNames(topics []string, lang content.Lang) string {
	names := make([]string, 0, len(topics))
	for _, t := range topics {
		if name := s.topicName(t, lang); name != "" {
			names = append(names, "«"+name+"»")
		}
	}
	return strings.Join(names, ", ")
}

// newsMessage is a broadcast as one subscriber sees it: the text in their language, a
// button to stop this news and one to the main menu.
func (s *Service) newsMessage(b Broadcast, lang content.Lang) Reply {
	text := b.Texts[lang]
	if text == "" {
		for _, l := range content.Langs {
			if text = b.Texts[l]; text != "" {
				break
			}
		}
	}
	return Reply{Text: text, Buttons: [][]Button{
		{{Label: s.t(lang, msgNewsUnsubscribe, nil), Data: dataNewsLeave + b.Audience.Topic}},
		{{Label: s.t(lang, msgButtonMainMenu, nil), Data: dataMainMenu}},
	}}
}

// ── Admins: composing and following broadcasts ──────────────────────────────────────

func (s *Service) composeBroadcast(ctx context.Context, chat int64, in Input) []Reply {
	return s.withSession(ctx, chat, in, func(sess Session, lang content.Lang) (Session, []Reply) {
		sess.Flow, sess.Draft = flowBroadcastKK, ""
		return sess, []Reply{{Text: s.t(lang, msgBroadcastWriteKK, map[string]any{"Max": maxBroadcastUnits}), Buttons: cancelBroadcastButton(s, lang)}}
	})
}

func cancelBroadcastButton(s *Service, lang content.Lang) [][]Button {
	return [][]Button{{{Label: s.t(lang, msgBroadcastCancel, nil), Data: dataBroadcastCancel}}}
}

// broadcastText takes a text typed while a broadcast is being written. It runs inside the
// session update, so it is pure: it moves the flow on and says what to store.
func (s *Service) broadcastText(sess Session, text string) (next Session, keep content.Lang, out []Reply) {
	lang := sess.Lang
	if len(utf16.Encode([]rune(text))) > maxBroadcastUnits {
		return sess, "", []Reply{{Text: s.t(lang, msgBroadcastTooLong, map[string]any{"Max": maxBroadcastUnits}), Buttons: cancelBroadcastButton(s, lang)}}
	}
	if sess.Flow == flowBroadcastKK {
		sess.Flow = flowBroadcastRU
		return sess, content.KK, nil
	}
	sess.Flow = ""
	return sess, content.RU, nil
}

// keepBroadcastText stores a text of the draft and asks for what comes next.
func (s *Service) keepBroadcastText(ctx context.Context, chat int64, in Input, lang, textLang content.Lang) []Reply {
	d, _, err := s.news.Broadcasts.Draft(ctx, chat)
	if err != nil {
		return s.unavailable(chat, in, err)
	}
	if textLang == content.KK {
		d = BroadcastDraft{ID: rand.Text()} // a new broadcast starts with its Kazakh text
	}
	if d.Texts == nil {
		d.Texts = map[content.Lang]string{}
	}
	d.Texts[textLang] = clean(in.Text)
	if textLang == content.RU && d.Texts[content.KK] == "" {
		return []Reply{{Text: s.t(lang, msgBroadcastStartAgain, nil)}} // the draft expired meanwhile
	}
	if err := s.news.Broadcasts.SaveDraft(ctx, chat, d); err != nil {
		return s.unavailable(chat, in, err)
	}
	if textLang == content.KK {
		return []Reply{{Text: s.t(lang, msgBroadcastWriteRU, nil), Buttons: cancelBroadcastButton(s, lang)}}
	}
	return []Reply{s.chooseTopic(lang)}
}

func (s *Service) chooseTopic(lang content.Lang) Reply {
	rows := [][]Button{{{Label: s.t(lang, msgBroadcastEveryTopic, nil), Data: dataBroadcastTopic + anyValue}}}
	for _, n := range s.engine().topics() {
		rows = append(rows, []Button{{Label: n.ButtonLabel(lang), Data: dataBroadcastTopic + n.ID}})
	}
	return Reply{Text: s.t(lang, msgBroadcastChooseTopic, nil), Buttons: append(rows, cancelBroadcastButton(s, lang)...)}
}

func (s *Service) chooseRegion(lang content.Lang) Reply {
	rows := [][]Button{{{Label: s.t(lang, msgBroadcastEveryRegion, nil), Data: dataBroadcastRegion + anyValue}}}
	var row []Button
	for _, r := range s.engine().content.Regions() {
		row = append(row, Button{Label: r.Name.In(lang), Data: dataBroadcastRegion + r.ID})
		if len(row) == 2 {
			rows, row = append(rows, row), nil
		}
	}
	if len(row) > 0 {
		rows = append(rows, row)
	}
	return Reply{Text: s.t(lang, msgBroadcastChooseRegion, nil), Buttons: append(rows, cancelBroadcastButton(s, lang)...)}
}

func (s *Service) chooseLang(lang content.Lang) Reply {
	row := []Button{{Label: s.t(lang, msgBroadcastBothLangs, nil), Data: dataBroadcastLang + anyValue}}
	for _, l := range content.Langs {
		row = append(row, Button{Label: langLabels[l], Data: dataBroadcastLang + string(l)})
	}
	return Reply{Text: s.t(lang, msgBroadcastChooseLang, nil), Buttons: append([][]Button{row}, cancelBroadcastButton(s, lang)...)}
}

// writtenDraft reads the admin's draft, which must have both texts by now; otherwise stop
// is the answer to give instead (it expired, or Redis is away).
func (s *Service) writtenDraft(ctx context.Context, chat int64, in Input) (lang content.Lang, d BroadcastDraft, stop []Reply) {
	lang = s.lang(ctx, chat, in)
	d, ok, err := s.news.Broadcasts.Draft(ctx, chat)
	if err != nil {
		return lang, d, s.unavailable(chat, in, err)
	}
	if !ok || d.Texts[content.KK] == "" || d.Texts[content.RU] == "" {
		return lang, d, []Reply{{Text: s.t(lang, msgBroadcastStartAgain, nil)}}
	}
	return lang, d, nil
}

// targetBroadcast takes a choice of topic, region or language for the draft and shows the
// next choice, or, after the language, the preview with how many will receive it.
func (s *Service) targetBroadcast(ctx context.Context, chat int64, in Input, data string) []Reply {
	lang, d, stop := s.writtenDraft(ctx, chat, in)
	if stop != nil {
		return stop
	}
	value := func(prefix string) string {
		v := strings.TrimPrefix(data, prefix)
		if v == anyValue {
			return ""
		}
		return v
	}
	var next Reply
	switch {
	case strings.HasPrefix(data, dataBroadcastTopic):
		d.Audience = Audience{Topic: value(dataBroadcastTopic)}
		if d.Audience.Topic != "" && s.topicName(d.Audience.Topic, lang) == "" {
			return []Reply{s.chooseTopic(lang)}
		}
		next = s.chooseRegion(lang)
	case strings.HasPrefix(data, dataBroadcastRegion):
		d.Audience.Region = value(dataBroadcastRegion)
		if _, known := s.engine().content.RegionName(d.Audience.Region, lang); d.Audience.Region != "" && !known {
			return []Reply{s.chooseRegion(lang)}
		}
		next = s.chooseLang(lang)
	case strings.HasPrefix(data, dataBroadcastLang):
		l := value(dataBroadcastLang)
		if _, known := content.ParseLang(l); l != "" && !known {
			return []Reply{s.chooseLang(lang)}
		}
		d.Audience.Lang = content.Lang(l)
		to, err := s.news.Subscriptions.Audience(ctx, d.Audience)
		if err != nil {
			return s.unavailable(chat, in, err)
		}
		next = s.preview(lang, d, len(to))
	default:
		return []Reply{{Text: s.t(lang, msgStaleButton, nil)}}
	}
	if err := s.news.Broadcasts.SaveDraft(ctx, chat, d); err != nil {
		return s.unavailable(chat, in, err)
	}
	return []Reply{next}
}

// audienceText says whom a broadcast is for.
func (s *Service) audienceText(a Audience, lang content.Lang) string {
	topic := s.t(lang, msgBroadcastEveryTopic, nil)
	if a.Topic != "" {
		topic = s.topicName(a.Topic, lang)
		if topic == "" {
			topic = a.Topic
		}
	}
	region := s.t(lang, msgBroadcastEveryRegion, nil)
	if a.Region != "" {
		region = s.regionName(a.Region, lang)
	}
	langs := s.t(lang, msgBroadcastBothLangs, nil)
	if a.Lang != "" {
		langs = langLabels[a.Lang]
	}
	return s.t(lang, msgBroadcastAudience, map[string]any{"Topic": topic, "Region": region, "Lang": langs})
}

func (s *Service) preview(lang content.Lang, d BroadcastDraft, count int) Reply {
	text := s.t(lang, msgBroadcastPreview, map[string]any{
		"Audience": s.audienceText(d.Audience, lang), "Count": count, "KK": d.Texts[content.KK], "RU": d.Texts[content.RU]})
	if count == 0 {
		return Reply{Text: text + "\n\n" + s.t(lang, msgBroadcastNobody, nil), Buttons: [][]Button{
			{{Label: s.t(lang, msgBroadcastRetarget, nil), Data: dataBroadcastTopic + anyValue}},
			{{Label: s.t(lang, msgBroadcastCancel, nil), Data: dataBroadcastCancel}},
		}}
	}
	return Reply{Text: text, Buttons: [][]Button{
		{{Label: s.t(lang, msgBroadcastSend, map[string]any{"Count": count}), Data: dataBroadcastSend}},
		{{Label: s.t(lang, msgBroadcastCancel, nil), Data: dataBroadcastCancel}},
	}}
}

func (s *Service) cancelBroadcast(ctx context.Context, chat int64, in Input) []Reply {
	if err := s.news.Broadcasts.DropDraft(ctx, chat); err != nil {
		return s.unavailable(chat, in, err)
	}
	return s.withSession(ctx, chat, in, func(sess Session, lang content.Lang) (Session, []Reply) {
		if strings.HasPrefix(string(sess.Flow), "bc:") {
			sess.Flow = ""
		}
		return sess, []Reply{{Text: s.t(lang, msgBroadcastCancelled, nil)}}
	})
}

// sendBroadcast queues the draft for the subscribers it targets now; the broadcaster sends
// it. The draft is dropped first, so a second press cannot queue it twice.
func (s *Service) sendBroadcast(ctx context.Context, chat int64, in Input) []Reply {
	lang, d, stop := s.writtenDraft(ctx, chat, in)
	if stop != nil {
		return stop
	}
	to, err := s.news.Subscriptions.Audience(ctx, d.Audience)
	if err != nil {
		return s.unavailable(chat, in, err)
	}
	if len(to) == 0 {
		return []Reply{s.preview(lang, d, 0)}
	}
	// Queued first, then the draft dropped: the draft's ID makes a second run (after a
	// crash between the two, or a second press) find the broadcast rather than queue another.
	b, err := s.news.Broadcasts.CreateBroadcast(ctx, Broadcast{Author: chat, Texts: d.Texts, Audience: d.Audience, Created: time.Now(), Draft: d.ID}, to)
	if err != nil {
		return s.unavailable(chat, in, err)
	}
	if err := s.news.Broadcasts.DropDraft(ctx, chat); err != nil {
		return s.unavailable(chat, in, err)
	}
	if !b.Again {
		s.audit(ctx, chat, "broadcast.send", fmt.Sprintf("№%d to %d (%s)", b.Number, b.Total, audienceKey(d.Audience)))
	}
	if s.news.Kick != nil {
		s.news.Kick()
	}
	return []Reply{{Text: s.t(lang, msgBroadcastQueued, map[string]any{"Number": b.Number, "Count": b.Total, "Rate": s.news.Rate}),
		Buttons: [][]Button{{{Label: s.t(lang, msgBroadcastProgress, nil), Data: dataBroadcastShow + strconv.FormatInt(b.Number, 10)}}}}}
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
func (s *Service) progressText(b Broadcast, lang content.Lang) string {
	state := s.t(lang, msgBroadcastRunning, nil)
	if !b.Finished.IsZero() {
		state = s.t(lang, msgBroadcastDone, map[string]any{"At": b.Finished.UTC().Format("02.01.2006 15:04")})
	}
	return s.t(lang, msgBroadcastStatus, map[string]any{
		"Number": b.Number, "Sent": b.Sent, "Total": b.Total, "Blocked": b.Blocked, "Failed": b.Failed,
		"Unknown": b.Unknown, "State": state, "Audience": s.audienceText(b.Audience, lang)})
}

func (s *Service) showBroadcast(ctx context.Context, chat int64, in Input, n int64) []Reply {
	lang := s.lang(ctx, chat, in)
	b, ok, err := s.news.Broadcasts.Broadcast(ctx, n)
	if err != nil {
		return s.unavailable(chat, in, err)
	}
	if !ok {
		return []Reply{{Text: s.t(lang, msgStaleButton, nil)}}
	}
	r := Reply{Text: s.progressText(b, lang)}
	if b.Finished.IsZero() {
		r.Buttons = [][]Button{{{Label: s.t(lang, msgBroadcastProgress, nil), Data: dataBroadcastShow + strconv.FormatInt(n, 10)}}}
	}
	return []Reply{r}
}

func (s *Service) listBroadcasts(ctx context.Context, chat int64, in Input) []Reply {
	lang := s.lang(ctx, chat, in)
	bs, err := s.news.Broadcasts.Broadcasts(ctx, broadcastsShown)
	if err != nil {
		return s.unavailable(chat, in, err)
	}
	if len(bs) == 0 {
		return []Reply{{Text: s.t(lang, msgBroadcastsNone, nil)}}
	}
	parts := make([]string, 0, len(bs))
	for _, b := range bs {
		parts = append(parts, s.progressText(b, lang))
	}
	return []Reply{{Text: strings.Join(parts, "\n\n")}}
}
