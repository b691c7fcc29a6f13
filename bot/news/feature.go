package news

import (
	"context"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/qamqor/qamqor/bot"
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

// Session.Flow values while an admin writes a broadcast: flowBroadcast is what the router
// knows, the others what it is waiting for.
const (
	flowBroadcast   bot.Flow = "bc"
	flowBroadcastKK bot.Flow = "bc:kk"
	flowBroadcastRU bot.Flow = "bc:ru"
)

// maxButtonData is Telegram's limit on a button's data, in bytes.
const maxButtonData = 64

// DefaultRate is the broadcasts' sending rate, in messages per second: evenly spaced, 50 ms
// apart, so no second holds 25 even when the network delays one by 200 ms; under
// Telegram's 30 a second, with room for the bot's ordinary replies.
const DefaultRate = 20

// Options configure news.
type Options struct {
	// Rate is the broadcasts' sending rate, in messages per second (0: DefaultRate); the
	// admin is told it when a broadcast is queued.
	Rate float64
	// Now is the clock the broadcaster records by and paces its messages on (the service's
	// clock); After waits on it. nil: the system's.
	Now   func() time.Time
	After func(time.Duration) <-chan time.Time
	// Schedule keeps broadcasts to be sent later (the console schedules them); the
	// broadcaster releases them when due. nil: none are.
	Schedule ScheduleStore
}

// Feature is subscriptions to news and admins' broadcasts.
type Feature struct {
	store Store
	rate  float64
	now   func() time.Time
	after func(time.Duration) <-chan time.Time
	// schedule keeps broadcasts to be sent later; nil: none are.
	schedule ScheduleStore
	// sender is the broadcaster made last (Broadcaster), told when a broadcast is queued.
	sender atomic.Pointer[Broadcaster]
}

// New returns news kept in store.
func New(store Store, o Options) *Feature {
	f := &Feature{store: store, rate: o.Rate, now: o.Now, after: o.After, schedule: o.Schedule}
	if f.rate <= 0 {
		f.rate = DefaultRate
	}
	if f.now == nil {
		f.now = time.Now
	}
	if f.after == nil {
		f.after = time.After
	}
	return f
}

// Name implements bot.Feature.
func (f *Feature) Name() string { return "news" }

// Register implements bot.Feature.
func (f *Feature) Register(r *bot.Router) {
	r.Button(dataNews, "", func(t *bot.Turn) bool { return f.screen(t, strings.TrimPrefix(t.Data, dataNews), false) })
	r.Button(dataNewsRegions, "", func(t *bot.Turn) bool { return f.screen(t, strings.TrimPrefix(t.Data, dataNewsRegions), true) })
	r.Button(dataNewsJoin, "", f.subscribe)
	r.Button(dataNewsLeave, "", func(t *bot.Turn) bool { return f.unsubscribe(t, strings.TrimPrefix(t.Data, dataNewsLeave)) })
	r.Command("stop", "", func(t *bot.Turn) bool { return f.unsubscribe(t, "") }, bot.InMenu(msgCommandStop))
	r.Decorate(f.offer)
	r.AfterStep(f.followLang)

	r.Command("broadcast", bot.RoleAdmin, f.compose, bot.InMenu(msgCommandBroadcast))
	r.Command("broadcasts", bot.RoleAdmin, f.list, bot.InMenu(msgCommandBroadcasts))
	r.Button(dataBroadcast, bot.RoleAdmin, f.press)
	r.Flow(flowBroadcast, f.text, bot.Authored()) // an announcement about violence is not a cry for help
	r.Keep(f)
}

// offer puts "News on this topic" on each topic's screen.
func (f *Feature) offer(s bot.Screen) [][]bot.Button {
	if !s.Topic || s.Node == nil {
		return nil
	}
	return [][]bot.Button{{{Label: s.Engine.T(s.Lang, msgNewsButton, nil), Data: dataNews + s.Node.ID}}}
}

// ── Subscribers ─────────────────────────────────────────────────────────────────────

// topicName is a topic's title, or "" when content has no such topic.
func topicName(e *bot.Engine, topic string, lang content.Lang) string {
	if !e.IsTopic(topic) {
		return ""
	}
	n, _ := e.Content().Node(topic)
	return n.Title.In(lang)
}

func regionName(e *bot.Engine, region string, lang content.Lang) string {
	if name, ok := e.Content().RegionName(region, lang); ok {
		return name
	}
	return e.T(lang, msgNewsWholeCountry, nil)
}

// topicNames lists a subscription's topics by name.
func topicNames(e *bot.Engine, topics []string, lang content.Lang) string {
	names := make([]string, 0, len(topics))
	for _, t := range topics {
		if name := topicName(e, t, lang); name != "" {
			names = append(names, "«"+name+"»")
		}
	}
	return strings.Join(names, ", ")
}

// screen shows whether the person gets news on topic, with what they can do about it;
// regions lists the regions to choose from even when they are subscribed.
func (f *Feature) screen(t *bot.Turn, topic string, regions bool) bool {
	lang := t.Lang()
	name := topicName(t.Engine, topic, lang)
	if name == "" {
		t.Stale()
		return true
	}
	sub, ok, err := f.store.Subscription(t.Ctx, t.Chat)
	if err != nil {
		t.Unavailable(err)
		return true
	}
	back := []bot.Button{{Label: t.T(msgButtonBack, nil), Data: bot.DataHere}}
	if ok && slices.Contains(sub.Topics, topic) && !regions {
		t.Say(bot.Reply{Text: t.T(msgNewsAlready, map[string]any{"Topic": name, "Region": regionName(t.Engine, sub.Region, lang)}),
			Buttons: [][]bot.Button{
				{{Label: t.T(msgNewsChangeRegion, nil), Data: dataNewsRegions + topic}},
				{{Label: t.T(msgNewsUnsubscribe, nil), Data: dataNewsLeave + topic}},
				back,
			}})
		return true
	}
	rows := [][]bot.Button{{{Label: t.T(msgNewsWholeCountry, nil), Data: dataNewsJoin + topic + ":"}}}
	var row []bot.Button
	for _, r := range t.Engine.Content().Regions() {
		data := dataNewsJoin + topic + ":" + r.ID
		if len(data) > maxButtonData {
			continue // an id too long for a button; content check keeps ids short
		}
		row = append(row, bot.Button{Label: r.Name.In(lang), Data: data})
		if len(row) == 2 {
			rows, row = append(rows, row), nil
		}
	}
	if len(row) > 0 {
		rows = append(rows, row)
	}
	t.Say(bot.Reply{Text: t.T(msgNewsAbout, map[string]any{"Topic": name}), Buttons: append(rows, back)})
	return true
}

// subscribe takes N+<topic>:<region>.
func (f *Feature) subscribe(t *bot.Turn) bool {
	topic, region, _ := strings.Cut(strings.TrimPrefix(t.Data, dataNewsJoin), ":")
	lang := t.Lang()
	name := topicName(t.Engine, topic, lang)
	if _, known := t.Engine.Content().RegionName(region, lang); name == "" || (region != "" && !known) {
		t.Stale()
		return true
	}
	if err := f.store.Subscribe(t.Ctx, t.Chat, topic, region, lang); err != nil {
		t.Unavailable(err)
		return true
	}
	t.Say(bot.Reply{Text: t.T(msgNewsSubscribed, map[string]any{"Topic": name, "Region": regionName(t.Engine, region, lang)}),
		Buttons: [][]bot.Button{
			{{Label: t.T(msgNewsUnsubscribe, nil), Data: dataNewsLeave + topic}},
			{{Label: t.T(msgButtonBack, nil), Data: bot.DataHere}},
		}})
	return true
}

// unsubscribe stops news on topic, or all news when topic is "" (/stop).
func (f *Feature) unsubscribe(t *bot.Turn, topic string) bool {
	lang := t.Lang()
	toMenu := [][]bot.Button{{{Label: t.T(msgButtonMainMenu, nil), Data: bot.DataMainMenu}}}
	sub, ok, err := f.store.Subscription(t.Ctx, t.Chat)
	if err != nil {
		t.Unavailable(err)
		return true
	}
	if !ok || (topic != "" && !slices.Contains(sub.Topics, topic)) {
		t.Say(bot.Reply{Text: t.T(msgNewsNone, nil), Buttons: toMenu})
		return true
	}
	if err := f.store.Unsubscribe(t.Ctx, t.Chat, topic); err != nil {
		t.Unavailable(err)
		return true
	}
	text := t.T(msgNewsStopped, nil)
	if topic != "" {
		name := topicName(t.Engine, topic, lang)
		if name == "" {
			name = topic
		}
		text = t.T(msgNewsUnsubscribed, map[string]any{"Topic": name})
	}
	t.Say(bot.Reply{Text: text, Buttons: toMenu})
	return true
}

// followLang keeps a subscription's language with the person's, after they change it.
func (f *Feature) followLang(t *bot.Turn, before, after bot.Session, _ []bot.Reply) {
	if before.Lang == "" || after.Lang == "" || before.Lang == after.Lang {
		return
	}
	if err := f.store.SetSubscriptionLang(t.Ctx, t.Chat, after.Lang); err != nil {
		t.Log().Warn("a subscription's language could not follow the person's; news still come in the old one",
			"chat", t.Chat, "err", err)
	}
}

// newsMessage is a broadcast as one subscriber sees it: the text in their language, a
// button to stop this news and one to the main menu.
func newsMessage(e *bot.Engine, b Broadcast, lang content.Lang) bot.Reply {
	text := b.Texts[lang]
	if text == "" {
		for _, l := range content.Langs {
			if text = b.Texts[l]; text != "" {
				break
			}
		}
	}
	return bot.Reply{Text: text, Buttons: [][]bot.Button{
		{{Label: e.T(lang, msgNewsUnsubscribe, nil), Data: dataNewsLeave + b.Audience.Topic}},
		{{Label: e.T(lang, msgButtonMainMenu, nil), Data: bot.DataMainMenu}},
	}}
}

// ── What is kept ────────────────────────────────────────────────────────────────────

// Kept implements bot.Keeper: the subscription, if any.
func (f *Feature) Kept(ctx context.Context, chat int64, lang content.Lang, e *bot.Engine) ([]string, error) {
	sub, ok, err := f.store.Subscription(ctx, chat)
	if err != nil || !ok {
		return nil, err
	}
	return []string{e.T(lang, msgMyDataNews, map[string]any{
		"Topics": topicNames(e, sub.Topics, lang), "Region": regionName(e, sub.Region, lang)})}, nil
}

// Forget implements bot.Keeper: the subscription, the person's place in every broadcast
// still queued, and an admin's draft. Run again, it finds nothing left to delete.
func (f *Feature) Forget(ctx context.Context, chat int64) error {
	_, subscribed, err := f.store.Subscription(ctx, chat)
	if err != nil {
		return err
	}
	if err := f.store.Unsubscribe(ctx, chat, ""); err != nil {
		return err
	}
	// After unsubscribing, so a broadcast queued meanwhile leaves them out too (the
	// broadcaster skips whoever is no longer subscribed). Only for a subscriber, as only
	// subscribers are queued: a repeated /forget costs the queues nothing.
	if subscribed {
		if err := f.store.Withdraw(ctx, chat); err != nil {
			return err
		}
	}
	return f.store.DropDraft(ctx, chat)
}
