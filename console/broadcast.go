package console

import (
	"crypto/rand"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"

	"github.com/qamqor/qamqor/bot"
	"github.com/qamqor/qamqor/bot/news"
	"github.com/qamqor/qamqor/content"
)

// broadcastsListed is how many broadcasts the page lists, as /broadcasts does.
const broadcastsListed = 10

type option struct {
	Value, Label string
	Selected     bool
}

// broadcastForm is what the admin wrote and chose; Draft names it, so that sending it twice
// (a second press, a reload) queues one broadcast (news.Store.CreateBroadcast).
type broadcastForm struct {
	Draft                 string
	KK, RU                string
	Topic, Region, Lang   string
	At                    string // when to send it, "2006-01-02T15:04" in Kazakhstan; "" now
	Topics, Regions, Lngs []option
	Errors                map[string]string // by field: kk, ru
	Notice                string
	Audience              int  // how many it would reach now; -1 not asked yet
	CanSend               bool // the audience was shown for these texts and choices
}

type broadcastRow struct {
	Number                         int64
	Created, Audience, State       string
	Total, Sent, Failed, Remaining int64
	Done                           bool
}

type scheduledRow struct {
	Draft, Due, Audience, KK, RU string
}

type broadcastsPage struct {
	Form      broadcastForm
	List      []broadcastRow
	Scheduled []scheduledRow
}

// scheduleWithin is how far ahead a broadcast may be scheduled.
const scheduleWithin = 90 * 24 * time.Hour

// localTime is the format of a datetime-local field.
const localTime = "2006-01-02T15:04"

func (h *Handler) routeBroadcasts() {
	h.page("GET "+Prefix+"broadcasts", forAdmins, func(q *request) {
		q.broadcastsPage(broadcastForm{Draft: rand.Text(), Audience: -1}, http.StatusOK)
	})
	h.page("POST "+Prefix+"broadcasts", forAdmins, func(q *request) { q.postBroadcast() })
	h.page("POST "+Prefix+"broadcasts/unschedule", forAdmins, func(q *request) {
		draft := q.r.PostForm.Get("draft")
		ok, err := q.h.opts.Broadcasts.Unschedule(q.r.Context(), draft)
		if err != nil {
			q.unavailable(err)
			return
		}
		form := broadcastForm{Draft: rand.Text(), Audience: -1, Notice: q.t("ConsoleBroadcastUnscheduled")}
		if ok {
			q.audit("broadcast.unschedule", draft)
		} else {
			form.Notice = q.t("ConsoleNone")
		}
		q.broadcastsPage(form, http.StatusOK)
	})
	h.page("GET "+Prefix+"broadcasts/{n}", forAdmins, func(q *request) {
		n, err := strconv.ParseInt(q.r.PathValue("n"), 10, 64)
		if err != nil {
			http.NotFound(q.w, q.r)
			return
		}
		b, ok, err := q.h.opts.Broadcasts.Broadcast(q.r.Context(), n)
		if err != nil {
			q.unavailable(err)
			return
		}
		if !ok {
			http.NotFound(q.w, q.r)
			return
		}
		q.show("broadcast", fmt.Sprintf("%s №%d", q.t("ConsoleBroadcasts"), n), q.broadcastRow(b))
	})
}

// postBroadcast runs one of the form's three buttons: count the audience, send both
// texts to the admin's own chat, or queue the broadcast.
func (q *request) postBroadcast() {
	f := q.r.PostForm
	form := broadcastForm{Draft: f.Get("draft"), KK: strings.TrimSpace(f.Get("kk")), RU: strings.TrimSpace(f.Get("ru")),
		Topic: f.Get("topic"), Region: f.Get("region"), Lang: f.Get("lang"), At: strings.TrimSpace(f.Get("at")),
		Errors: map[string]string{}, Audience: -1}
	if len(form.Draft) < 16 || len(form.Draft) > 64 {
		form.Draft = rand.Text()
	}
	for field, text := range map[string]string{"kk": form.KK, "ru": form.RU} {
		switch {
		case text == "":
			form.Errors[field] = q.t("ConsoleBroadcastNeedBoth")
		case len(utf16.Encode([]rune(text))) > news.MaxUnits:
			form.Errors[field] = q.t("ConsoleBroadcastTooLong")
		}
	}
	aud, ok := q.audienceOf(form)
	if !ok { // a choice the content does not offer: a forged or stale form
		http.NotFound(q.w, q.r)
		return
	}
	var due time.Time
	if f.Get("do") == "schedule" {
		at, err := time.ParseInLocation(localTime, form.At, kazakhstan)
		if err != nil || !at.After(q.now) || at.Sub(q.now) > scheduleWithin {
			form.Errors["at"] = q.t("ConsoleBroadcastAtBad")
		}
		due = at
	}
	if len(form.Errors) > 0 {
		q.broadcastsPage(form, http.StatusUnprocessableEntity)
		return
	}
	ctx := q.r.Context()
	b := news.Broadcast{Author: q.session.User, AuthorLang: q.lang, Created: q.now, Draft: form.Draft, Audience: aud,
		Texts: map[content.Lang]string{content.KK: form.KK, content.RU: form.RU}}
	switch f.Get("do") {
	case "test":
		if q.h.opts.Deliver == nil {
			form.Notice = q.t("ConsoleBroadcastTestFailed")
			break
		}
		var err error
		for _, l := range content.Langs {
			if err = q.h.opts.Deliver(ctx, q.session.User, news.Message(q.engine, b, l)); err != nil {
				break
			}
		}
		if err != nil {
			q.h.opts.Log.Warn("console: sending a broadcast to its author", "err", err)
			form.Notice = q.t("ConsoleBroadcastTestFailed")
			break
		}
		q.audit("broadcast.test", audienceKey(aud))
		form.Notice = q.t("ConsoleBroadcastTested")
	case "schedule":
		err := q.h.opts.Broadcasts.Schedule(ctx, news.Scheduled{Draft: form.Draft, Author: b.Author, AuthorLang: b.AuthorLang,
			Texts: b.Texts, Audience: aud, Due: due, Created: q.now})
		if err != nil {
			q.unavailable(err)
			return
		}
		q.audit("broadcast.schedule", fmt.Sprintf("%s at %s (%s)", form.Draft, due.UTC().Format(time.RFC3339), audienceKey(aud)))
		q.broadcastsPage(broadcastForm{Draft: rand.Text(), Audience: -1,
			Notice: q.t("ConsoleBroadcastScheduled") + " " + due.In(kazakhstan).Format("2006-01-02 15:04")}, http.StatusOK)
		return
	case "send":
		to, err := q.h.opts.Broadcasts.Audience(ctx, aud)
		if err != nil {
			q.unavailable(err)
			return
		}
		if len(to) == 0 {
			form.Audience, form.Notice = 0, q.t("ConsoleBroadcastNobody")
			break
		}
		made, err := q.h.opts.Broadcasts.CreateBroadcast(ctx, b, to)
		if err != nil {
			q.unavailable(err)
			return
		}
		if !made.Again {
			q.audit("broadcast.send", fmt.Sprintf("№%d to %d (%s)", made.Number, made.Total, audienceKey(aud)))
		}
		http.Redirect(q.w, q.r, Prefix+"broadcasts/"+strconv.FormatInt(made.Number, 10), http.StatusSeeOther)
		return
	}
	to, err := q.h.opts.Broadcasts.Audience(ctx, aud)
	if err != nil {
		q.unavailable(err)
		return
	}
	form.Audience, form.CanSend = len(to), len(to) > 0
	if len(to) == 0 && form.Notice == "" {
		form.Notice = q.t("ConsoleBroadcastNobody")
	}
	q.broadcastsPage(form, http.StatusOK)
}

// audienceOf is the form's choice of subscribers; false when a choice is not one the
// content offers.
func (q *request) audienceOf(form broadcastForm) (news.Audience, bool) {
	c := q.engine.Content()
	a := news.Audience{Topic: form.Topic, Region: form.Region, Lang: content.Lang(form.Lang)}
	if a.Topic != "" && !q.engine.IsTopic(a.Topic) {
		return a, false
	}
	if _, known := c.RegionName(a.Region, q.lang); a.Region != "" && !known {
		return a, false
	}
	if _, known := content.ParseLang(form.Lang); form.Lang != "" && !known {
		return a, false
	}
	return a, true
}

// audienceKey is an audience in the audit log, as /broadcast writes it.
func audienceKey(a news.Audience) string {
	or := func(v string) string {
		if v == "" {
			return "*"
		}
		return v
	}
	return or(a.Topic) + "/" + or(a.Region) + "/" + or(string(a.Lang))
}

func (q *request) broadcastsPage(form broadcastForm, status int) {
	c := q.engine.Content()
	form.Topics = []option{{Value: "", Label: q.t("ConsoleBroadcastAny")}}
	for _, n := range q.engine.Topics() {
		form.Topics = append(form.Topics, option{Value: n.ID, Label: n.Title.In(q.lang), Selected: n.ID == form.Topic})
	}
	form.Regions = []option{{Value: "", Label: q.t("ConsoleBroadcastAny")}}
	for _, r := range c.Regions() {
		form.Regions = append(form.Regions, option{Value: r.ID, Label: r.Name.In(q.lang), Selected: r.ID == form.Region})
	}
	form.Lngs = []option{{Value: "", Label: q.t("ConsoleBroadcastAny")}}
	for _, l := range content.Langs {
		form.Lngs = append(form.Lngs, option{Value: string(l), Label: bot.LanguageName(l), Selected: string(l) == form.Lang})
	}
	bs, err := q.h.opts.Broadcasts.Broadcasts(q.r.Context(), broadcastsListed)
	if err != nil {
		q.unavailable(err)
		return
	}
	scheduled, err := q.h.opts.Broadcasts.Scheduled(q.r.Context())
	if err != nil {
		q.unavailable(err)
		return
	}
	p := broadcastsPage{Form: form}
	for _, sc := range scheduled {
		p.Scheduled = append(p.Scheduled, scheduledRow{Draft: sc.Draft, Due: sc.Due.In(kazakhstan).Format("2006-01-02 15:04"),
			Audience: audienceKey(sc.Audience), KK: sc.Texts[content.KK], RU: sc.Texts[content.RU]})
	}
	for _, b := range bs {
		p.List = append(p.List, q.broadcastRow(b))
	}
	v := q.view(q.t("ConsoleBroadcasts"), p)
	v.Path = Prefix + "broadcasts" // after a POST too: the language switch comes back to the form
	q.h.render(q.w, status, "broadcasts", v)
}

func (q *request) broadcastRow(b news.Broadcast) broadcastRow {
	r := broadcastRow{Number: b.Number, Created: b.Created.In(kazakhstan).Format("2006-01-02 15:04"),
		Audience: audienceKey(b.Audience), Total: b.Total, Sent: b.Sent, Failed: b.Blocked + b.Failed + b.Unknown,
		Done: !b.Finished.IsZero()}
	r.Remaining = max(0, b.Total-b.Sent-r.Failed)
	r.State = q.t("ConsoleBroadcastRunning")
	if r.Done {
		r.State = q.t("ConsoleBroadcastDone") + " " + b.Finished.In(kazakhstan).Format("2006-01-02 15:04")
	}
	return r
}
