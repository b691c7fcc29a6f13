// Package privacy is /mydata and /forget: what the bot keeps about a person, and deleting
// it, asking every feature that registered as a keeper.
package privacy

import (
	"context"
	"slices"
	"strings"

	"github.com/qamqor/qamqor/bot"
	"github.com/qamqor/qamqor/content"
)

// Button data.
const (
	dataPrefix    = "F:"
	dataForgetYes = "F:y" // confirms /forget
	dataForgetNo  = "F:n"
)

// Feature is /mydata and /forget.
type Feature struct{}

// New returns the privacy feature.
func New() *Feature { return &Feature{} }

// Name implements bot.Feature.
func (f *Feature) Name() string { return "privacy" }

// Register implements bot.Feature.
func (f *Feature) Register(r *bot.Router) {
	r.Command("mydata", "", f.myData, bot.InMenu(msgCommandMyData))
	r.Command("forget", "", f.askForget, bot.InMenu(msgCommandForget))
	r.Button(dataPrefix, "", f.press)
}

// myData lists what is kept: the session's part, then each keeper's.
func (f *Feature) myData(t *bot.Turn) bool {
	sess, lang := t.Session, t.Lang()
	lines := []string{t.T(msgMyDataTitle, nil)}
	if sess.Lang != "" {
		lines = append(lines, t.T(msgMyDataLang, map[string]any{"Lang": bot.LanguageName(sess.Lang)}))
		if n, ok := t.Engine.Content().Node(sess.NodeID()); ok {
			lines = append(lines, t.T(msgMyDataPlace, map[string]any{"Screen": n.Title.In(lang), "Count": len(sess.History)}))
		}
		if name, ok := t.Engine.Content().RegionName(sess.Region, lang); ok {
			lines = append(lines, t.T(msgMyDataRegion, map[string]any{"Region": name}))
		}
	}
	if len(sess.Answers) > 0 {
		lines = append(lines, t.T(msgMyDataAnswers, map[string]any{"Count": len(sess.Answers)}))
	}
	for _, k := range t.Keepers() {
		kept, err := k.Kept(t.Ctx, t.Chat, lang, t.Engine)
		if err != nil {
			t.Unavailable(err)
			return true
		}
		lines = append(lines, kept...)
	}
	if len(lines) == 1 {
		lines = append(lines, t.T(msgMyDataNothing, nil))
	}
	lines = append(lines, "", t.Engine.Privacy(lang))
	t.Say(bot.Reply{Text: strings.Join(lines, "\n")})
	return true
}

func (f *Feature) askForget(t *bot.Turn) bool {
	t.Say(bot.Reply{Text: t.T(msgForgetConfirm, nil), Buttons: [][]bot.Button{
		{{Label: t.T(msgForgetYes, nil), Data: dataForgetYes}},
		{{Label: t.T(msgForgetNo, nil), Data: dataForgetNo}},
	}})
	return true
}

func (f *Feature) press(t *bot.Turn) bool {
	switch t.Data {
	case dataForgetYes:
		f.forget(t)
	case dataForgetNo:
		t.Say(t.Here(t.T(msgForgetCancelled, nil)))
	default:
		t.Stale()
	}
	return true
}

// forget deletes everything kept about the chat. Each step is safe to run again: a crash
// halfway, then the update's redelivery, finishes the job. Whom to tell (a client's
// partners) is kept in the session first, so a second run tells them although the first
// deleted what it was learnt from; the session goes last, and with it that list.
func (f *Feature) forget(t *bot.Turn) {
	lang := t.Lang()
	tell := slices.Clone(t.Session.Farewells)
	for _, k := range t.Keepers() {
		fw, ok := k.(bot.Farewell)
		if !ok {
			continue
		}
		notices, err := fw.Farewells(t.Ctx, t.Chat, t.Engine)
		if err != nil {
			t.Unavailable(err)
			return
		}
		for _, n := range notices {
			if !slices.Contains(tell, n) {
				tell = append(tell, n)
			}
		}
	}
	if len(tell) > len(t.Session.Farewells) {
		if err := t.Save(func(s bot.Session) bot.Session { s.Farewells = tell; return s }); err != nil {
			t.Unavailable(err)
			return
		}
	}
	for _, k := range t.Keepers() {
		if err := k.Forget(t.Ctx, t.Chat); err != nil {
			t.Unavailable(err)
			return
		}
	}
	if err := t.Forget(); err != nil {
		t.Unavailable(err)
		return
	}
	t.Forgotten()
	t.MenuChanged(t.Chat) // a partner forgotten is a partner no more
	t.Log().Info("a user asked to be forgotten; done")
	t.Say(bot.Reply{Text: t.Engine.T(lang, msgForgotten, nil)})
	for _, n := range tell {
		t.Say(bot.Reply{To: n.To, Text: n.Text})
	}
}

// Kept is the part of /mydata about the session, for tests of other features.
func Kept(ctx context.Context, k bot.Keeper, chat int64, lang content.Lang, e *bot.Engine) []string {
	lines, _ := k.Kept(ctx, chat, lang, e)
	return lines
}
