// Package referrals lets NGO staff ("partners") send clients to the right help with a link
// and learn whether they got there: admins invite partners, partners make referral links
// (with a QR code) to a topic or a screener, a client who opens one is told who sent them
// and asked whether the partner may follow their progress, and the partner records how it
// ended.
package referrals

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/qamqor/qamqor/bot"
	"github.com/qamqor/qamqor/content"
)

// Deep-link payloads (Telegram's: at most 64 characters of A–Z a–z 0–9 _ -; codes are 16
// of them) and button data.
const (
	payloadInvite   = "i_" // i_<code>: become a partner
	payloadReferral = "r_" // r_<code>: a client opens a referral

	dataRefer       = "R:" // R:<target>: refer a client to a node, or to a screener
	dataReferNoNote = "R-" // create the referral without a note
	dataConsent     = "C:" // C:y or C:n: the client's answer on sharing progress
	dataPage        = "P:" // P:<offset>: a page of /referrals
	dataOutcome     = "O:" // O:<code> asks for an outcome; O:<code>:<outcome> records it
)

// Flows: what a chat's next input means while a referral step waits for it.
const (
	// flowNote: note:<target>: the partner's next text is the note for a new referral.
	flowNote bot.Flow = "note"
	// flowIntro: the client must choose a language, then sees who referred them. It is
	// not a typed-text flow: the language is the engine's to choose.
	flowIntro bot.Flow = "intro"
)

// maxNote bounds a partner's note to a client, in characters.
const maxNote = 300

// maxOrg bounds an organisation's name, in characters.
const maxOrg = 100

// referralsPage is how many referrals /referrals shows at once.
const referralsPage = 5

// statReferral is the counter of referrals reaching a status: referral:<status>.
const statReferral = "referral:"

// Feature is the referrals.
type Feature struct {
	store Store
	link  func(payload string) string
	qr    func(link string) ([]byte, error)
	// captioned draws the QR code sent with a new referral, with a caption (slip.go).
	captioned CaptionedQR
}

// New returns the referrals over store. link makes a deep link from a /start payload
// (e.g. "https://t.me/QamqorBot?start=" + payload; it is called per link, so an adapter
// can learn the bot's name late); qr renders a link as a PNG image (nil: the link alone).
func New(store Store, link func(payload string) string, qr func(link string) ([]byte, error)) *Feature {
	return &Feature{store: store, link: link, qr: qr}
}

// Name implements bot.Feature.
func (f *Feature) Name() string { return "referrals" }

// Register implements bot.Feature.
func (f *Feature) Register(r *bot.Router) {
	r.RolesFrom(f)
	r.Command("invite", bot.RoleAdmin, f.invite, bot.InMenu(msgCommandInvite))
	r.Command("partners", bot.RoleAdmin, f.partners, bot.InMenu(msgCommandPartners))
	r.Command("revoke", bot.RoleAdmin, f.revoke, bot.InMenu(msgCommandRevoke))
	r.DeepLink(payloadInvite, f.claimInvite)
	r.DeepLink(payloadReferral, f.openReferral)

	// Partners only: anyone else gets what any unknown command or stale button gets, so
	// nothing tells a stranger these exist.
	partners := bot.ListedFor(bot.RolePartner)
	r.Command("refer", "", f.partnerOnly(f.referMenu), bot.InMenu(msgCommandRefer), partners)
	r.Command("referrals", "", f.partnerOnly(func(t *bot.Turn, _ Partner) {
		offset, _ := strconv.Atoi(t.Arg)
		f.listReferrals(t, max(0, offset))
	}), bot.InMenu(msgCommandReferrals), partners)
	r.Button(dataRefer, "", f.partnerOnly(func(t *bot.Turn, _ Partner) { f.askNote(t, strings.TrimPrefix(t.Data, dataRefer)) }))
	r.Button(dataReferNoNote, "", f.partnerOnly(func(t *bot.Turn, p Partner) { f.createReferral(t, p, nil) }))
	r.Flow(flowNote, f.partnerOnly(f.note), bot.Resume(f.partnerOnly(func(t *bot.Turn, _ Partner) {
		f.askNote(t, strings.TrimPrefix(string(t.Session.Flow), string(flowNote)+":")) // asked again, after safety's numbers
	})))
	r.Button(dataPage, "", f.partnerOnly(func(t *bot.Turn, _ Partner) {
		offset, _ := strconv.Atoi(strings.TrimPrefix(t.Data, dataPage))
		f.listReferrals(t, max(0, offset))
	}))
	r.Button(dataOutcome, "", f.partnerOnly(func(t *bot.Turn, _ Partner) { f.outcome(t, strings.TrimPrefix(t.Data, dataOutcome)) }))

	f.registerForClient(r) // onbehalf.go
	f.registerSlips(r)     // slip.go

	// Clients.
	r.Button(dataConsent, "", f.consent)
	r.Adjust(endIntro)
	r.AfterStep(f.afterStep)
	r.Keep(f)
}

// partnerOnly runs h for partners; for anyone else the input is not the feature's.
func (f *Feature) partnerOnly(h func(t *bot.Turn, p Partner)) bot.Handler {
	return func(t *bot.Turn) bool {
		p, ok, err := f.store.Partner(t.Ctx, t.Chat)
		if err != nil {
			t.Unavailable(err)
			return true
		}
		if !ok {
			return false
		}
		h(t, p)
		return true
	}
}

// short is the part of a code shown to partners to tell referrals apart; the whole code
// is a secret of the link.
func short(code string) string { return code[:min(4, len(code))] }

// say answers with text alone.
func say(t *bot.Turn, text string) { t.Say(bot.Reply{Text: text}) }

// ── Admins: invitations and partners ────────────────────────────────────────────────

func (f *Feature) invite(t *bot.Turn) bool {
	org := strings.TrimSpace(t.Arg)
	if org == "" || utf8.RuneCountInString(org) > maxOrg {
		say(t, t.T(msgInviteUsage, nil))
		return true
	}
	code, err := f.store.CreateInvite(t.Ctx, org, t.Chat)
	if err != nil {
		t.Unavailable(err)
		return true
	}
	t.Audit("partner.invite", org)
	say(t, t.T(msgInviteCreated, map[string]any{"Org": org, "Link": f.link(payloadInvite + code)}))
	return true
}

func (f *Feature) partners(t *bot.Turn) bool {
	ps, err := f.store.Partners(t.Ctx)
	if err != nil {
		t.Unavailable(err)
		return true
	}
	if len(ps) == 0 {
		say(t, t.T(msgPartnersNone, nil))
		return true
	}
	lines := []string{t.T(msgPartnersTitle, map[string]any{"Count": len(ps)})}
	for _, p := range ps {
		lines = append(lines, fmt.Sprintf("%d — %s (%s)", p.User, p.Org, p.Since.Format("02.01.2006")))
	}
	lines = append(lines, t.T(msgPartnersRevokeHint, nil))
	say(t, strings.Join(lines, "\n"))
	return true
}

func (f *Feature) revoke(t *bot.Turn) bool {
	user, err := strconv.ParseInt(strings.TrimSpace(t.Arg), 10, 64)
	if err != nil {
		say(t, t.T(msgRevokeUsage, nil))
		return true
	}
	ok, err := f.store.RevokePartner(t.Ctx, user)
	if err != nil {
		t.Unavailable(err)
		return true
	}
	if !ok {
		say(t, t.T(msgRevokeNotFound, map[string]any{"User": user}))
		return true
	}
	t.Audit("partner.revoke", strconv.FormatInt(user, 10))
	t.MenuChanged(user)
	say(t, t.T(msgRevoked, map[string]any{"User": user}))
	return true
}

// RolesOf implements bot.RoleSource: a partner's chat has the partners' command menu.
func (f *Feature) RolesOf(ctx context.Context, chat int64) ([]bot.Role, error) {
	_, ok, err := f.store.Partner(ctx, chat)
	if err != nil || !ok {
		return nil, err
	}
	return []bot.Role{bot.RolePartner}, nil
}

// Holders implements bot.RoleSource: the partners.
func (f *Feature) Holders(ctx context.Context) ([]int64, error) {
	ps, err := f.store.Partners(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]int64, 0, len(ps))
	for _, p := range ps {
		out = append(out, p.User)
	}
	return out, nil
}

// neutral is the one answer to every link that does not work, whatever the reason, so a
// guesser learns nothing; the person then sees where they are.
func neutral(t *bot.Turn) {
	if t.Session.Lang == "" {
		t.Say(bot.Reply{Text: t.Both(msgLinkNotValid, nil)}, t.Engine.Greeting(""))
		return
	}
	t.Say(t.Here(t.T(msgLinkNotValid, nil)))
}

// claimInvite makes the chat a partner. A claim is the claimer's to repeat: after a crash
// between the claim and the mark that the update was handled, the invitation is used, and
// its claimer is welcomed again.
func (f *Feature) claimInvite(t *bot.Turn) bool {
	p, ok, err := f.store.ClaimInvite(t.Ctx, strings.TrimPrefix(t.Arg, payloadInvite), t.Chat)
	if err != nil {
		t.Unavailable(err)
		return true
	}
	if ok {
		t.Audit("partner.join", p.Org)
		t.MenuChanged(t.Chat)
	} else if p, ok, err = f.store.Partner(t.Ctx, t.Chat); err != nil || !ok {
		neutral(t) // the store away on the second look: the same as any link that fails
		return true
	}
	say(t, t.T(msgPartnerWelcome, map[string]any{"Org": p.Org}))
	return true
}

// ── Partners: referring ─────────────────────────────────────────────────────────────

// referMenu offers the screeners and the topics a client can be sent to.
func (f *Feature) referMenu(t *bot.Turn, _ Partner) {
	t.Change(func(s bot.Session) bot.Session { s.Flow = ""; return s })
	lang, c := t.Lang(), t.Engine.Content()
	r := bot.Reply{Text: t.T(msgReferChoose, nil)}
	for _, sc := range c.Screeners() {
		r.Buttons = append(r.Buttons, []bot.Button{{Label: "✓ " + sc.Title.In(lang), Data: dataRefer + bot.ScreenerTarget(sc.ID)}})
	}
	for _, id := range c.Main().Buttons {
		n, _ := c.Node(id)
		r.Buttons = append(r.Buttons, []bot.Button{{Label: n.ButtonLabel(lang), Data: dataRefer + id}})
	}
	t.Say(r)
}

// targetName is what a referral's target is called, in lang; "" when content lacks it.
func targetName(e *bot.Engine, target string, lang content.Lang) string {
	if id, ok := bot.ScreenerOfTarget(target); ok {
		if sc, ok := e.Content().Screener(id); ok {
			return sc.Title.In(lang)
		}
		return ""
	}
	if n, ok := e.Content().Node(target); ok {
		return n.ButtonLabel(lang)
	}
	return ""
}

// askNote asks for an optional note, remembering the target in the session's flow.
func (f *Feature) askNote(t *bot.Turn, target string) {
	name := targetName(t.Engine, target, t.Lang())
	if name == "" {
		t.Stale()
		return
	}
	t.Change(func(s bot.Session) bot.Session { s.Flow = flowNote + ":" + bot.Flow(target); return s })
	t.Say(bot.Reply{
		Text:    t.T(msgReferNote, map[string]any{"Target": name, "Count": maxNote}),
		Buttons: f.noNoteButton(t),
	})
}

func (f *Feature) noNoteButton(t *bot.Turn) [][]bot.Button {
	return [][]bot.Button{{{Label: t.T(msgReferNoNote, nil), Data: dataReferNoNote}}}
}

// note takes typed text as the note for the referral being made.
func (f *Feature) note(t *bot.Turn, p Partner) {
	if utf8.RuneCountInString(t.Text) > maxNote {
		t.Say(bot.Reply{Text: t.T(msgReferNoteTooLong, map[string]any{"Count": maxNote}), Buttons: f.noNoteButton(t)})
		return
	}
	note := t.Text
	f.createReferral(t, p, &note)
}

// createReferral creates the referral the session's flow is about, with note (nil: none),
// and answers with its link and QR code.
func (f *Feature) createReferral(t *bot.Turn, p Partner, note *string) {
	target, waiting := strings.CutPrefix(string(t.Session.Flow), string(flowNote)+":")
	t.Change(func(s bot.Session) bot.Session { s.Flow = ""; return s })
	lang := t.Lang()
	if !waiting || targetName(t.Engine, target, lang) == "" {
		t.Stale()
		return
	}
	r := Referral{Partner: p.User, Org: p.Org, Target: target}
	if note != nil {
		r.Note = *note
	}
	r, err := f.store.CreateReferral(t.Ctx, r)
	if errors.Is(err, ErrRateLimited) {
		say(t, t.T(msgReferRateLimited, nil))
		return
	}
	if err != nil {
		t.Unavailable(err)
		return
	}
	t.Count(statReferral + string(StatusCreated))
	link := f.link(payloadReferral + r.Code)
	reply := bot.Reply{Text: t.T(msgReferCreated, map[string]any{
		"Target": targetName(t.Engine, target, lang), "Link": link, "Code": short(r.Code),
		"Count": int(r.Expires.Sub(r.Created).Hours() / 24),
	})}
	if png, err := f.qrPicture(t.Engine, r, link); err == nil && png != nil {
		reply.Image = &bot.Image{Name: "qamqor-referral.png", PNG: png}
	} else if err != nil {
		t.Log().Warn("the referral's QR code could not be made; the link is sent alone", "err", err)
	}
	reply.Buttons = slipButtons(t, r.Code) // slip.go
	t.Say(reply)
}

// listReferrals shows a page of the partner's referrals, with a button to record the
// outcome of each that is open.
func (f *Feature) listReferrals(t *bot.Turn, offset int) {
	lang := t.Lang()
	rs, total, err := f.store.PartnerReferrals(t.Ctx, t.Chat, offset, referralsPage)
	if err != nil {
		t.Unavailable(err)
		return
	}
	if total == 0 {
		say(t, t.T(msgReferralsNone, nil))
		return
	}
	lines := []string{t.T(msgReferralsTitle, map[string]any{"From": min(offset+1, total), "To": min(offset+len(rs), total), "Total": total})}
	var buttons [][]bot.Button
	for _, r := range rs {
		status := r.Status(t.Now)
		shown := t.T(statusMessage[status], nil)
		if status == StatusClosed {
			shown += " (" + t.T(outcomeMessage[r.Outcome], nil) + ")"
		}
		line := fmt.Sprintf("• %s · %s · %s · %s", short(r.Code), targetName(t.Engine, r.Target, lang), shown, r.Created.Format("02.01.2006"))
		if r.Consent && len(r.Matched) > 0 {
			line += "\n  " + t.T(msgReferralMatched, map[string]any{"Services": serviceNames(t.Engine, r.Matched, lang)})
		}
		lines = append(lines, line)
		if status == StatusOpened || status == StatusCompleted {
			buttons = append(buttons, []bot.Button{{Label: t.T(msgReferralClose, map[string]any{"Code": short(r.Code)}), Data: dataOutcome + r.Code}})
		}
		if status == StatusCreated {
			buttons = append(buttons, listedSlipButtons(t, r.Code)...) // slip.go
		}
	}
	var nav []bot.Button
	if offset > 0 {
		nav = append(nav, bot.Button{Label: t.T(msgPagePrev, nil), Data: dataPage + strconv.Itoa(max(0, offset-referralsPage))})
	}
	if offset+len(rs) < total {
		nav = append(nav, bot.Button{Label: t.T(msgPageNext, nil), Data: dataPage + strconv.Itoa(offset+referralsPage)})
	}
	if len(nav) > 0 {
		buttons = append(buttons, nav)
	}
	t.Say(bot.Reply{Text: strings.Join(lines, "\n"), Buttons: buttons})
}

func serviceNames(e *bot.Engine, ids []string, lang content.Lang) string {
	var names []string
	for _, id := range ids {
		if sv, ok := e.Content().Service(id); ok {
			names = append(names, sv.Name.In(lang))
		}
	}
	return strings.Join(names, "; ")
}

// outcome asks for, or records, how a referral ended.
func (f *Feature) outcome(t *bot.Turn, arg string) {
	code, chosen, recording := strings.Cut(arg, ":")
	if !recording {
		var rows [][]bot.Button
		for _, o := range outcomes {
			rows = append(rows, []bot.Button{{Label: t.T(outcomeMessage[o], nil), Data: dataOutcome + code + ":" + string(o)}})
		}
		t.Say(bot.Reply{Text: t.T(msgOutcomeAsk, map[string]any{"Code": short(code)}), Buttons: rows})
		return
	}
	o := Outcome(chosen)
	if _, known := outcomeMessage[o]; !known {
		t.Stale()
		return
	}
	mine := false
	_, found, err := f.store.UpdateReferral(t.Ctx, code, func(r *Referral) {
		if mine = r.Partner == t.Chat && r.Client != 0 && r.Closed.IsZero(); mine {
			r.Closed, r.Outcome = t.Now, o
		}
	})
	if err != nil {
		t.Unavailable(err)
		return
	}
	if !found || !mine {
		t.Stale() // gone, closed, or not theirs: the same answer
		return
	}
	t.Count(statReferral + string(StatusClosed))
	say(t, t.T(msgOutcomeSaved, map[string]any{"Code": short(code), "Outcome": t.T(outcomeMessage[o], nil)}))
}

// ── Clients ─────────────────────────────────────────────────────────────────────────

// openReferral claims a referral link for the client and shows who sent them, asking, in
// their language, whether the partner may see their progress; a client who has not chosen
// a language yet chooses it first.
func (f *Feature) openReferral(t *bot.Turn) bool {
	r, ok, err := f.store.ClaimReferral(t.Ctx, strings.TrimPrefix(t.Arg, payloadReferral), t.Chat)
	if errors.Is(err, ErrOwnReferral) {
		ownLink(t)
		return true
	}
	if err != nil {
		t.Unavailable(err)
		return true
	}
	if !ok || r.Partner == t.Chat || targetName(t.Engine, r.Target, content.RU) == "" {
		neutral(t)
		return true
	}
	// The partner hears of it once: when the link is claimed now, or when it was claimed by
	// a run that crashed before the session took the referral in (a claim is the client's
	// to repeat).
	recorded := t.Session.Ref == r.Code
	code := r.Code
	t.Change(func(s bot.Session) bot.Session {
		next := bot.Session{Lang: s.Lang, Seen: s.Seen, Ref: code}
		if next.Lang == "" {
			next.Flow = flowIntro
		}
		return next
	})
	if t.Session.Lang == "" {
		t.Say(t.Engine.Greeting(""))
	} else {
		t.Say(f.intro(t, r, t.Session.Lang))
	}
	if r.JustOpened || !recorded {
		t.Count(statReferral + string(StatusOpened))
		t.Say(bot.Reply{To: r.Partner, Text: t.Both(msgNoticeOpened, map[string]any{"Code": short(r.Code)})})
	}
	return true
}

// ownLink answers a partner who opened a link they made: it is for their client, and still
// works; then they see where they are.
func ownLink(t *bot.Turn) {
	if t.Session.Lang == "" { // in the app's language if known, then the choice of language
		text := t.Both(msgReferralOwnLink, nil)
		if t.In.LangHint != "" {
			text = t.Engine.T(t.In.LangHint, msgReferralOwnLink, nil)
		}
		t.Say(bot.Reply{Text: text}, t.Engine.Greeting(""))
		return
	}
	t.Say(t.Here(t.T(msgReferralOwnLink, nil)))
}

// privacy is what the consent screen and /mydata say about a referral: how long the store
// keeps it (Store.Lifetimes) and how to erase it.
func (f *Feature) privacy(e *bot.Engine, lang content.Lang) string {
	link, kept := f.store.Lifetimes()
	day := 24 * time.Hour
	return e.T(lang, msgPrivacyReferral, map[string]any{"Kept": e.Kept(lang, int(kept/day)), "Longest": e.Kept(lang, int((link+kept)/day))})
}

// intro says who referred the client and asks for consent.
func (f *Feature) intro(t *bot.Turn, r Referral, lang content.Lang) bot.Reply {
	e := t.Engine
	parts := []string{e.T(lang, msgReferredBy, map[string]any{"Org": r.Org, "Target": targetName(e, r.Target, lang)})}
	if r.Note != "" {
		parts = append(parts, e.T(lang, msgReferredNote, map[string]any{"Note": r.Note}))
	}
	parts = append(parts, e.T(lang, msgConsentAsk, map[string]any{"Org": r.Org}), f.privacy(e, lang))
	return bot.Reply{Text: strings.Join(parts, "\n\n"), Buttons: [][]bot.Button{
		{{Label: e.T(lang, msgConsentYes, nil), Data: dataConsent + "y"}},
		{{Label: e.T(lang, msgConsentNo, nil), Data: dataConsent + "n"}},
	}}
}

// endIntro ends the intro flow once the client has chosen a language, inside the commit
// of the engine's step; afterStep then shows who referred them.
func endIntro(before, after bot.Session) bot.Session {
	if before.Flow == flowIntro && after.Lang != "" && after.Ref != "" {
		after.Flow = ""
	}
	return after
}

// consent records the client's answer, once, and takes them to where they were sent.
func (f *Feature) consent(t *bot.Turn) bool {
	code, yes := t.Session.Ref, t.Data == dataConsent+"y"
	if code == "" { // not a referred client: an ordinary stale button
		t.Stale()
		return true
	}
	r, found, err := f.store.UpdateReferral(t.Ctx, code, func(r *Referral) {
		if r.Client == t.Chat && !r.Asked {
			r.Asked, r.Consent = true, yes
		}
	})
	if err != nil {
		t.Unavailable(err)
		return true
	}
	if !found || r.Client != t.Chat {
		t.Change(func(s bot.Session) bot.Session { s.Ref = ""; return s })
		t.Say(t.Here(""))
		return true
	}
	note := t.T(map[bool]bot.MessageID{true: msgConsentThanksYes, false: msgConsentThanksNo}[yes && r.Consent], nil)
	e, target := t.Engine, r.Target
	t.Change(func(s bot.Session) bot.Session { next, _ := goTo(e, s, target, note); return next })
	_, replies := goTo(e, t.Current(), target, note)
	t.Say(replies...)
	return true
}

// goTo takes a referred client to the target: a node, or a screener's first question. It
// is pure: the commit may run it again on a newer session.
func goTo(e *bot.Engine, s bot.Session, target, note string) (bot.Session, []bot.Reply) {
	if id, ok := bot.ScreenerOfTarget(target); ok {
		next, replies := e.StartScreener(s, id)
		if len(replies) > 0 && note != "" {
			replies[0].Text = note + "\n\n" + replies[0].Text
		}
		return next, replies
	}
	next, reply := e.Open(s, target, note)
	return next, []bot.Reply{reply}
}

// afterStep follows a referred client through the engine: once they have chosen a
// language it shows who referred them, and when they reach a screener's result it tells a
// consenting client's partner what matched.
func (f *Feature) afterStep(t *bot.Turn, before, after bot.Session, _ []bot.Reply) {
	switch {
	case after.Ref == "" || after.ForClient: // a partner's run for a client is no referral's
	case before.Flow == flowIntro && after.Flow != flowIntro && after.Lang != "":
		f.showIntro(t, after)
	case after.Step == bot.StepResult && before.Step != bot.StepResult:
		f.completed(t, after)
	}
}

// showIntro shows a client who just chose their language who referred them, in place of
// the screen the engine would show.
func (f *Feature) showIntro(t *bot.Turn, after bot.Session) {
	r, found, err := f.store.Referral(t.Ctx, after.Ref)
	if err != nil {
		t.Log().Warn("a referred client was not shown who referred them (the referral could not be read)", "chat", t.Chat, "err", err)
		return
	}
	if found && r.Client == t.Chat {
		t.Instead(f.intro(t, r, after.Lang))
	}
}

// completed reports to a consenting client's partner that the client reached a result.
func (f *Feature) completed(t *bot.Turn, after bot.Session) {
	e := t.Engine
	sc, ok := e.Content().Screener(after.Screener)
	if !ok {
		return
	}
	yes, _ := e.Matched(after, sc)
	var ids []string
	for _, sv := range yes {
		ids = append(ids, sv.ID)
	}
	var first bool
	r, found, err := f.store.UpdateReferral(t.Ctx, after.Ref, func(r *Referral) {
		first = false
		if r.Client != t.Chat || !r.Consent || !r.Closed.IsZero() {
			return
		}
		first = r.Completed.IsZero()
		r.Completed, r.Matched = t.Now, ids
	})
	if err != nil {
		t.Log().Warn("a referral's completion was not recorded, nor its partner told", "chat", t.Chat, "err", err)
		return
	}
	if !found || !r.Consent || r.Client != t.Chat || !first {
		return // without consent the partner learns only that the link was opened
	}
	t.Count(statReferral + string(StatusCompleted))
	var parts []string
	for _, l := range content.Langs {
		parts = append(parts, e.T(l, msgNoticeCompleted, map[string]any{"Code": short(r.Code), "Services": serviceNames(e, ids, l)}))
	}
	t.Say(bot.Reply{To: r.Partner, Text: strings.Join(parts, "\n\n")})
}

// ── What is kept about a person ─────────────────────────────────────────────────────

// Kept implements bot.Keeper: whether chat is a partner, and the referrals they opened
// with whether they consented.
func (f *Feature) Kept(ctx context.Context, chat int64, lang content.Lang, e *bot.Engine) ([]string, error) {
	var lines []string
	p, isPartner, err := f.store.Partner(ctx, chat)
	if err != nil {
		return nil, err
	}
	if isPartner {
		lines = append(lines, e.T(lang, msgMyDataPartner, map[string]any{"Org": p.Org}))
	}
	rs, err := f.store.ClientReferrals(ctx, chat)
	if err != nil {
		return nil, err
	}
	for _, r := range rs {
		lines = append(lines, e.T(lang, msgMyDataReferral, map[string]any{
			"Org": r.Org, "Consent": e.T(lang, map[bool]bot.MessageID{true: msgYes, false: msgNo}[r.Consent], nil)}))
	}
	if len(rs) > 0 {
		lines = append(lines, "  "+f.privacy(e, lang))
	}
	return lines, nil
}

// Farewells implements bot.Farewell: the partners of the referrals the client opened that
// are still open are told, in both languages, that the client withdrew — nothing more.
func (f *Feature) Farewells(ctx context.Context, chat int64, e *bot.Engine) ([]bot.Notice, error) {
	rs, err := f.store.ClientReferrals(ctx, chat)
	if err != nil {
		return nil, err
	}
	var out []bot.Notice
	for _, r := range rs {
		if r.Partner != chat && r.Closed.IsZero() {
			out = append(out, bot.Notice{To: r.Partner, Text: e.Both(msgNoticeWithdrew, map[string]any{"Code": short(r.Code)})})
		}
	}
	return out, nil
}

// Forget implements bot.Keeper: the client's referrals, and a partner's record and the
// referrals they made.
func (f *Feature) Forget(ctx context.Context, chat int64) error {
	_, err := f.store.Forget(ctx, chat)
	return err
}
