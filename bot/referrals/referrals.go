// Package referrals lets NGO staff ("partners") send clients to the right help with a link
// and learn whether they got there: admins invite partners, partners make referral links
// (with a QR code) to a topic or a screener, a client who opens one is told who sent them
// and asked whether the partner may follow their progress, and the partner records how it
// ended.
package referrals

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"slices"
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
	// O:<code> asks for an outcome; O:<code>:<outcome> for its comment; O:<code>:<outcome>:-
	// records it without one.
	dataOutcome = "O:"
	dataView    = "V:" // V:<code>: one referral, with its history
	dataLabel   = "L:" // L:<code>: label the referral (again)
	dataNoLabel = "L-" // leave the referral without a label
)

// Flows: what a chat's next input means while a referral step waits for it.
const (
	// flowNote: note:<target>: the partner's next text is the note for a new referral.
	flowNote bot.Flow = "note"
	// flowIntro: the client must choose a language, then sees who referred them. It is
	// not a typed-text flow: the language is the engine's to choose.
	flowIntro bot.Flow = "intro"
	// flowLabel: label:<code>[:<hash>]: the partner's next text is the referral's label;
	// the hash is of a label with a surname they were asked to confirm by sending it again.
	flowLabel bot.Flow = "label"
	// flowComment: comment:<code>:<outcome>: the next text is the outcome's comment.
	flowComment bot.Flow = "comment"
)

// maxNote bounds a partner's note to a client, in characters.
const maxNote = 300

// maxLabel bounds a referral's label, and maxComment an outcome's comment, in characters.
const (
	maxLabel   = 60
	maxComment = 200
)

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
	// reportPDF renders /report's PDF (nil: the CSV alone).
	reportPDF func(ReportDoc) ([]byte, error)
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
	r.Command("referrals", "", f.partnerOnly(func(t *bot.Turn, p Partner) {
		offset, _ := strconv.Atoi(t.Arg)
		f.listReferrals(t, p, max(0, offset))
	}), bot.InMenu(msgCommandReferrals), partners)
	r.Command("report", "", f.partnerOnly(f.report), bot.InMenu(msgCommandReport), partners)
	r.Button(dataRefer, "", f.partnerOnly(func(t *bot.Turn, _ Partner) { f.askNote(t, strings.TrimPrefix(t.Data, dataRefer)) }))
	r.Button(dataReferNoNote, "", f.partnerOnly(func(t *bot.Turn, p Partner) { f.createReferral(t, p, nil) }))
	r.Flow(flowNote, f.partnerOnly(f.note), bot.Resume(f.partnerOnly(func(t *bot.Turn, _ Partner) {
		f.askNote(t, strings.TrimPrefix(string(t.Session.Flow), string(flowNote)+":")) // asked again, after safety's numbers
	})))
	r.Flow(flowLabel, f.partnerOnly(f.label), bot.Resume(f.partnerOnly(func(t *bot.Turn, _ Partner) {
		t.Say(bot.Reply{Text: t.T(msgReferLabelAsk, map[string]any{"Count": maxLabel}), Buttons: noLabelButton(t)})
	})))
	r.Flow(flowComment, f.partnerOnly(f.comment), bot.Resume(f.partnerOnly(func(t *bot.Turn, _ Partner) {
		code, o := commentFlow(t.Session.Flow)
		f.askComment(t, code, o)
	})))
	r.Button(dataPage, "", f.partnerOnly(func(t *bot.Turn, p Partner) {
		offset, _ := strconv.Atoi(strings.TrimPrefix(t.Data, dataPage))
		f.listReferrals(t, p, max(0, offset))
	}))
	r.Button(dataOutcome, "", f.partnerOnly(func(t *bot.Turn, p Partner) { f.outcome(t, p, strings.TrimPrefix(t.Data, dataOutcome)) }))
	r.Button(dataView, "", f.partnerOnly(func(t *bot.Turn, p Partner) { f.view(t, p, strings.TrimPrefix(t.Data, dataView)) }))
	r.Button(dataLabel, "", f.partnerOnly(func(t *bot.Turn, p Partner) { f.askLabel(t, p, strings.TrimPrefix(t.Data, dataLabel)) }))
	r.Button(dataNoLabel, "", f.partnerOnly(func(t *bot.Turn, p Partner) {
		if !strings.HasPrefix(string(t.Session.Flow), string(flowLabel)+":") {
			say(t, t.T(msgReferNoLabelDone, nil))
			return
		}
		code, _ := labelFlow(t.Session.Flow)
		t.Change(func(s bot.Session) bot.Session { s.Flow = ""; return s })
		t.Say(bot.Reply{Text: t.T(msgReferNoLabelDone, nil), Buttons: f.slipsOf(t, p, code)})
	}))

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
		if t.Session.Lang == "" { // so that after a revocation they are not asked to choose one
			lang := t.Lang()
			t.Change(func(s bot.Session) bot.Session { s.Lang = lang; return s })
		}
		if lang := t.Lang(); p.Lang != lang {
			if err := f.store.SetPartnerLang(t.Ctx, p.User, lang); err != nil {
				t.Log().Warn("a partner's language was not saved", "err", err)
			}
			p.Lang = lang
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
	org = strings.Join(strings.Fields(org), " ")
	// An organisation that has staff already is named as they know it: an invitation
	// typed «бота үміт» adds staff to «Бота үміт», not a new organisation.
	ps, err := f.store.Partners(t.Ctx)
	if err != nil {
		t.Unavailable(err)
		return true
	}
	for _, p := range ps {
		if strings.EqualFold(p.Org, org) {
			org = p.Org
			break
		}
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
	// One line per organisation, its staff in the order they joined.
	slices.SortStableFunc(ps, func(a, b Partner) int {
		if c := strings.Compare(strings.ToLower(a.Org), strings.ToLower(b.Org)); c != 0 {
			return c
		}
		return a.Since.Compare(b.Since)
	})
	for i := 0; i < len(ps); {
		j, staff := i, []string{}
		for ; j < len(ps) && ps[j].Org == ps[i].Org; j++ {
			staff = append(staff, fmt.Sprintf("%d (%s)", ps[j].User, day(ps[j].Since)))
		}
		lines = append(lines, fmt.Sprintf("«%s»: %s", ps[i].Org, strings.Join(staff, ", ")))
		i = j
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
	p, _, err := f.store.Partner(t.Ctx, user)
	if err != nil {
		t.Unavailable(err)
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
	t.Say(bot.Reply{To: user, Text: RevokedNotice(t.Engine, p)})
	say(t, t.T(msgRevoked, map[string]any{"User": user}))
	return true
}

// RevokedNotice is what a revoked partner is told: in the language they last used, in
// both before they used one. The console's Partners page sends the same.
func RevokedNotice(e *bot.Engine, p Partner) string {
	data := map[string]any{"Org": p.Org}
	if p.Lang == "" {
		return e.Both(msgRevokedNotice, data)
	}
	return e.T(p.Lang, msgRevokedNotice, data)
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
		lang := t.Lang()
		if t.Session.Lang == "" { // a partner speaks to the bot in a language from the start
			t.Change(func(s bot.Session) bot.Session { s.Lang = lang; return s })
		}
		if err := f.store.SetPartnerLang(t.Ctx, t.Chat, lang); err != nil {
			t.Log().Warn("a partner's language was not saved", "err", err)
		}
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

// note takes typed text as the note for the referral being made. A note goes to the
// client's chat: one that seems to hold a name, a phone number, an e-mail address or an
// ИИН is not kept, and the partner is asked to write it without them.
func (f *Feature) note(t *bot.Turn, p Partner) {
	if utf8.RuneCountInString(t.Text) > maxNote {
		t.Say(bot.Reply{Text: t.T(msgReferNoteTooLong, map[string]any{"Count": maxNote}), Buttons: f.noNoteButton(t)})
		return
	}
	if found := findPersonal(t.Text, true); len(found) > 0 {
		t.Say(bot.Reply{Text: t.T(msgNotePersonal, map[string]any{"What": personalNames(t, found)}), Buttons: f.noNoteButton(t)})
		return
	}
	note := t.Text
	f.createReferral(t, p, &note)
}

// personalNames names the kinds of personal data found, in the chat's language.
func personalNames(t *bot.Turn, found []personal) string {
	names := make([]string, 0, len(found))
	for _, k := range found {
		names = append(names, t.T(personalMessage[k], nil))
	}
	return strings.Join(names, ", ")
}

// createReferral creates the referral the session's flow is about, with note (nil: none),
// and answers with its link and QR code, asking for the organisation's own label.
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
	code := r.Code
	t.Change(func(s bot.Session) bot.Session { s.Flow = flowLabel + ":" + bot.Flow(code); return s })
	link := f.link(payloadReferral + r.Code)
	reply := bot.Reply{Text: t.T(msgReferCreated, map[string]any{
		"Target": targetName(t.Engine, target, lang), "Link": link, "Code": short(r.Code),
		"Count": int(r.Expires.Sub(r.Created).Hours() / 24),
	}) + "\n\n" + t.T(msgReferLabelAsk, map[string]any{"Count": maxLabel}), Buttons: noLabelButton(t)}
	if png, err := f.qrPicture(t.Engine, r, link); err == nil && png != nil {
		reply.Image = &bot.Image{Name: "qamqor-referral.png", PNG: png}
	} else if err != nil {
		t.Log().Warn("the referral's QR code could not be made; the link is sent alone", "err", err)
	}
	reply.Buttons = append(reply.Buttons, slipButtons(t, r.Code)...) // slip.go
	t.Say(reply)
}

func noLabelButton(t *bot.Turn) [][]bot.Button {
	return [][]bot.Button{{{Label: t.T(msgReferNoLabel, nil), Data: dataNoLabel}}}
}

// orgReferral reads one of the partner's organisation's referrals; for any other code (or
// a failed store) it has already answered, and reports false.
func (f *Feature) orgReferral(t *bot.Turn, p Partner, code string) (Referral, bool) {
	r, ok, err := f.store.Referral(t.Ctx, code)
	if err != nil {
		t.Unavailable(err)
		return Referral{}, false
	}
	if !ok || r.Org != p.Org {
		t.Stale()
		return Referral{}, false
	}
	return r, true
}

// askLabel asks for a referral's label again (from its view).
func (f *Feature) askLabel(t *bot.Turn, p Partner, code string) {
	if _, ok := f.orgReferral(t, p, code); !ok {
		return
	}
	t.Change(func(s bot.Session) bot.Session { s.Flow = flowLabel + ":" + bot.Flow(code); return s })
	t.Say(bot.Reply{Text: t.T(msgReferLabelAsk, map[string]any{"Count": maxLabel}), Buttons: noLabelButton(t)})
}

// labelFlow is what a label flow is about: the referral, and the hash of a label the
// partner was asked to confirm ("" when none). Only the hash is kept in the session: a
// label is the organisation's, sealed in the referral.
func labelFlow(flow bot.Flow) (code, confirm string) {
	rest := strings.TrimPrefix(string(flow), string(flowLabel)+":")
	code, confirm, _ = strings.Cut(rest, ":")
	return code, confirm
}

// labelHash is a short hash of a label the partner is asked to confirm.
func labelHash(label string) string {
	sum := sha256.Sum256([]byte(label))
	return hex.EncodeToString(sum[:6])
}

// label takes typed text as a referral's label. A phone number, an e-mail address or an
// ИИН is never kept (the partner is asked to write it without them); a surname or a
// patronymic is kept once the partner sends the same label again.
func (f *Feature) label(t *bot.Turn, p Partner) {
	code, confirm := labelFlow(t.Session.Flow)
	text := strings.TrimSpace(t.Text)
	if utf8.RuneCountInString(text) > maxLabel {
		t.Say(bot.Reply{Text: t.T(msgLabelTooLong, map[string]any{"Count": maxLabel}), Buttons: noLabelButton(t)})
		return
	}
	found := findPersonal(text, false)
	if len(found) > 0 && !onlyNames(found) {
		t.Say(bot.Reply{Text: t.T(msgLabelPersonal, map[string]any{"What": personalNames(t, found)}), Buttons: noLabelButton(t)})
		return
	}
	if onlyNames(found) && confirm != labelHash(text) {
		h := labelHash(text)
		t.Change(func(s bot.Session) bot.Session { s.Flow = flowLabel + ":" + bot.Flow(code+":"+h); return s })
		t.Say(bot.Reply{Text: t.T(msgLabelFullName, nil), Buttons: noLabelButton(t)})
		return
	}
	t.Change(func(s bot.Session) bot.Session { s.Flow = ""; return s })
	ours := false
	ref, found2, err := f.store.UpdateReferral(t.Ctx, code, func(r *Referral) {
		if ours = r.Org == p.Org; ours {
			r.Label = text
		}
	})
	if err != nil {
		t.Unavailable(err)
		return
	}
	if !found2 || !ours {
		t.Stale()
		return
	}
	var slips [][]bot.Button
	if ref.Status(t.Now) == StatusCreated { // a client without Telegram still needs the slip
		slips = slipButtons(t, code)
	}
	t.Say(bot.Reply{Text: t.T(msgLabelSaved, map[string]any{"Label": text}), Buttons: slips})
}

// slipsOf are the slip buttons of the organisation's referral code while nobody has
// opened it: the label step answers with them, so the slip stays one tap away.
func (f *Feature) slipsOf(t *bot.Turn, p Partner, code string) [][]bot.Button {
	r, ok, err := f.store.Referral(t.Ctx, code)
	if err != nil || !ok || r.Org != p.Org || r.Status(t.Now) != StatusCreated {
		return nil
	}
	return slipButtons(t, code)
}

// shown is how a referral is named to its organisation: its label, or its short code.
func shown(r Referral) string {
	if r.Label != "" {
		return r.Label
	}
	return short(r.Code)
}

// named is how a referral is named in a sentence to its organisation: its label in
// quotes, or its short code.
func named(r Referral) string {
	if r.Label != "" {
		return "«" + r.Label + "»"
	}
	return short(r.Code)
}

// listReferrals shows a page of the organisation's referrals, each with a button to its
// view.
func (f *Feature) listReferrals(t *bot.Turn, p Partner, offset int) {
	lang := t.Lang()
	rs, total, err := f.store.OrgReferrals(t.Ctx, p.Org, offset, referralsPage)
	if err != nil {
		t.Unavailable(err)
		return
	}
	if total == 0 {
		say(t, t.T(msgReferralsNone, nil))
		return
	}
	lines := []string{t.T(msgReferralsTitle, map[string]any{"Org": p.Org, "From": min(offset+1, total), "To": min(offset+len(rs), total), "Total": total})}
	var buttons [][]bot.Button
	for _, r := range rs {
		status := r.Status(t.Now)
		st := t.T(statusMessage[status], nil)
		if status == StatusClosed {
			st += " (" + t.T(outcomeMessage[r.Outcome], nil) + ")"
		}
		name := short(r.Code)
		if r.Label != "" {
			name = "«" + r.Label + "» " + name
		}
		line := fmt.Sprintf("• %s · %s · %s · %s", name, targetName(t.Engine, r.Target, lang), st, day(r.Created))
		if r.Consent && len(r.Matched) > 0 {
			line += "\n  " + t.T(msgReferralMatched, map[string]any{"Services": serviceNames(t.Engine, r.Matched, lang)})
		}
		lines = append(lines, line)
		buttons = append(buttons, []bot.Button{{Label: "🔎 " + shown(r), Data: dataView + r.Code}})
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

// kazakhstan is the country's one time zone, UTC+5 (as bot/stats counts days).
var kazakhstan = time.FixedZone("UTC+5", 5*60*60)

// day is a date as partners read it, in Kazakhstan's time.
func day(t time.Time) string { return t.In(kazakhstan).Format("02.01.2006") }

func serviceNames(e *bot.Engine, ids []string, lang content.Lang) string {
	var names []string
	for _, id := range ids {
		if sv, ok := e.Content().Service(id); ok {
			names = append(names, sv.Name.In(lang))
		}
	}
	return strings.Join(names, "; ")
}

// view shows one of the organisation's referrals: its label, where it stands, and the
// history of its outcomes, with buttons to record or correct the outcome and to relabel.
func (f *Feature) view(t *bot.Turn, p Partner, code string) {
	r, ok := f.orgReferral(t, p, code)
	if !ok {
		return
	}
	t.Say(f.viewReply(t, r))
}

func (f *Feature) viewReply(t *bot.Turn, r Referral) bot.Reply {
	lang := t.Lang()
	status := r.Status(t.Now)
	lines := []string{t.T(msgViewHead, map[string]any{"Code": short(r.Code), "Target": targetName(t.Engine, r.Target, lang)})}
	if r.Label != "" {
		lines = append(lines, t.T(msgViewLabel, map[string]any{"Label": r.Label}))
	}
	lines = append(lines, t.T(msgViewStatus, map[string]any{"Status": t.T(statusMessage[status], nil), "Created": day(r.Created)}))
	if !r.Opened.IsZero() {
		lines = append(lines, t.T(msgViewOpened, map[string]any{"Date": day(r.Opened)}))
	}
	if r.Consent && !r.Completed.IsZero() {
		lines = append(lines, t.T(msgViewCompleted, map[string]any{"Date": day(r.Completed), "Services": serviceNames(t.Engine, r.Matched, lang)}))
	}
	if len(r.History) > 0 {
		lines = append(lines, "", t.T(msgViewHistory, nil))
		for _, h := range r.History {
			by := t.T(msgViewByColleague, map[string]any{"User": h.By})
			switch h.By {
			case t.Chat:
				by = t.T(msgViewByYou, nil)
			case 0: // they asked to be forgotten
				by = t.T(msgViewByFormer, nil)
			}
			line := t.T(msgViewHistoryLine, map[string]any{"Date": day(h.Date), "Outcome": t.T(outcomeMessage[h.Outcome], nil), "By": by, "At": day(h.At)})
			if h.Comment != "" {
				line += "\n  «" + h.Comment + "»"
			}
			lines = append(lines, line)
		}
	}
	var rows [][]bot.Button
	switch status {
	case StatusOpened, StatusCompleted:
		rows = append(rows, []bot.Button{{Label: t.T(msgReferralClose, map[string]any{"Code": shown(r)}), Data: dataOutcome + r.Code}})
	case StatusClosed:
		rows = append(rows, []bot.Button{{Label: t.T(msgOutcomeChange, nil), Data: dataOutcome + r.Code}})
	}
	if status != StatusWithdrew {
		rows = append(rows, []bot.Button{{Label: t.T(msgLabelChange, nil), Data: dataLabel + r.Code}})
	}
	return bot.Reply{Text: strings.Join(lines, "\n"), Buttons: rows}
}

// outcome asks for how a referral ended, or, once chosen, for a comment and a date.
func (f *Feature) outcome(t *bot.Turn, p Partner, arg string) {
	code, chosen, recording := strings.Cut(arg, ":")
	r, ok, err := f.store.Referral(t.Ctx, code)
	if err != nil {
		t.Unavailable(err)
		return
	}
	if !ok || r.Org != p.Org || r.Client == 0 || r.Withdrew {
		t.Stale() // gone, not opened, or not the organisation's: the same answer
		return
	}
	if !recording {
		var rows [][]bot.Button
		for _, o := range outcomes {
			rows = append(rows, []bot.Button{{Label: t.T(outcomeMessage[o], nil), Data: dataOutcome + code + ":" + string(o)}})
		}
		t.Say(bot.Reply{Text: t.T(msgOutcomeAsk, map[string]any{"Code": short(code)}), Buttons: rows})
		return
	}
	chosen, noComment := strings.CutSuffix(chosen, ":-")
	o := Outcome(chosen)
	if _, known := outcomeMessage[o]; !known {
		t.Stale()
		return
	}
	if noComment {
		t.Change(func(s bot.Session) bot.Session { s.Flow = ""; return s })
		f.recordOutcome(t, p, code, OutcomeRecord{Outcome: o, Date: t.Now})
		return
	}
	t.Change(func(s bot.Session) bot.Session { s.Flow = flowComment + ":" + bot.Flow(code+":"+string(o)); return s })
	f.askComment(t, code, o)
}

func (f *Feature) askComment(t *bot.Turn, code string, o Outcome) {
	t.Say(bot.Reply{
		Text:    t.T(msgOutcomeCommentAsk, map[string]any{"Outcome": t.T(outcomeMessage[o], nil), "Count": maxComment}),
		Buttons: [][]bot.Button{{{Label: t.T(msgOutcomeNoComment, nil), Data: dataOutcome + code + ":" + string(o) + ":-"}}},
	})
}

// commentFlow is what a comment flow is about: the referral and the chosen outcome.
func commentFlow(flow bot.Flow) (code string, o Outcome) {
	rest := strings.TrimPrefix(string(flow), string(flowComment)+":")
	code, chosen, _ := strings.Cut(rest, ":")
	return code, Outcome(chosen)
}

// leadingDate is a date like 12.11.2026 at the start of text, and the rest.
var leadingDate = regexp.MustCompile(`^\s*(\d{1,2}\.\d{1,2}\.\d{4})\b[\s,.:;—-]*`)

// comment takes typed text as the outcome's comment, with a date at its start when the
// outcome was not today.
func (f *Feature) comment(t *bot.Turn, p Partner) {
	code, o := commentFlow(t.Session.Flow)
	if _, known := outcomeMessage[o]; !known {
		t.Change(func(s bot.Session) bot.Session { s.Flow = ""; return s })
		t.Stale()
		return
	}
	text, date := strings.TrimSpace(t.Text), t.Now
	if m := leadingDate.FindStringSubmatch(text); m != nil {
		r, ok, err := f.store.Referral(t.Ctx, code)
		if err != nil {
			t.Unavailable(err)
			return
		}
		if !ok || r.Org != p.Org {
			t.Change(func(s bot.Session) bot.Session { s.Flow = ""; return s })
			t.Stale()
			return
		}
		created := r.Created.In(kazakhstan)
		created = time.Date(created.Year(), created.Month(), created.Day(), 0, 0, 0, 0, kazakhstan)
		d, err := time.ParseInLocation("2.1.2006", m[1], kazakhstan)
		if err != nil || d.After(t.Now) || d.Before(created) {
			f.badComment(t, code, o, t.T(msgOutcomeBadDate, map[string]any{"Date": m[1], "Created": day(r.Created), "Today": day(t.Now)}))
			return
		}
		date, text = d, strings.TrimSpace(text[len(m[0]):])
	}
	if utf8.RuneCountInString(text) > maxComment {
		f.badComment(t, code, o, t.T(msgCommentTooLong, map[string]any{"Count": maxComment}))
		return
	}
	if found := findPersonal(text, true); len(found) > 0 {
		f.badComment(t, code, o, t.T(msgCommentPersonal, map[string]any{"What": personalNames(t, found)}))
		return
	}
	t.Change(func(s bot.Session) bot.Session { s.Flow = ""; return s })
	f.recordOutcome(t, p, code, OutcomeRecord{Outcome: o, Date: date, Comment: text})
}

func (f *Feature) badComment(t *bot.Turn, code string, o Outcome, why string) {
	t.Say(bot.Reply{Text: why, Buttons: [][]bot.Button{{{Label: t.T(msgOutcomeNoComment, nil), Data: dataOutcome + code + ":" + string(o) + ":-"}}}})
}

// recordOutcome adds rec to the history of one of the organisation's opened referrals: the
// first closes it, a later one corrects it.
func (f *Feature) recordOutcome(t *bot.Turn, p Partner, code string, rec OutcomeRecord) {
	rec.By, rec.At = t.Chat, t.Now
	ours, first := false, false
	r, found, err := f.store.UpdateReferral(t.Ctx, code, func(r *Referral) {
		ours, first = r.Org == p.Org && r.Client != 0 && !r.Withdrew, r.Closed.IsZero()
		if !ours {
			return
		}
		if first {
			r.Closed = t.Now
		}
		r.Outcome = rec.Outcome
		r.History = append(r.History, rec)
	})
	if err != nil {
		t.Unavailable(err)
		return
	}
	if !found || !ours {
		t.Stale() // gone, not opened, or not the organisation's: the same answer
		return
	}
	id := msgOutcomeCorrected
	if first {
		t.Count(statReferral + string(StatusClosed))
		id = msgOutcomeSaved
	}
	view := f.viewReply(t, r)
	view.Text = t.T(id, map[string]any{"Code": named(r), "Outcome": t.T(outcomeMessage[rec.Outcome], nil)}) + "\n\n" + view.Text
	t.Say(view)
}

// notices are a message about r to its staff, each in their language only: to the staff
// member who made it while they are staff of its organisation, else (revoked, or they
// asked to be forgotten) to the organisation's other staff, who keep its referrals. A
// revoked partner learns nothing more of the organisation's clients.
func (f *Feature) notices(ctx context.Context, e *bot.Engine, r Referral, id bot.MessageID, data func(content.Lang) map[string]any) ([]bot.Notice, error) {
	to, err := f.staffOf(ctx, r)
	if err != nil {
		return nil, err
	}
	out := make([]bot.Notice, 0, len(to))
	for _, p := range to {
		if p.Lang == "" { // a partner from before languages were kept
			var parts []string
			for _, l := range content.Langs {
				parts = append(parts, e.T(l, id, data(l)))
			}
			out = append(out, bot.Notice{To: p.User, Text: strings.Join(parts, "\n\n")})
			continue
		}
		out = append(out, bot.Notice{To: p.User, Text: e.T(p.Lang, id, data(p.Lang))})
	}
	return out, nil
}

// staffOf is who is told about r: its maker while they are staff of its organisation,
// else the organisation's staff now.
func (f *Feature) staffOf(ctx context.Context, r Referral) ([]Partner, error) {
	p, ok, err := f.store.Partner(ctx, r.Partner)
	if err != nil {
		return nil, err
	}
	if ok && (p.Org == r.Org || r.Org == "") {
		return []Partner{p}, nil
	}
	if r.Org == "" {
		return nil, nil
	}
	all, err := f.store.Partners(ctx)
	if err != nil {
		return nil, err
	}
	var out []Partner
	for _, p := range all {
		if p.Org == r.Org && p.User != r.Client {
			out = append(out, p)
		}
	}
	return out, nil
}

// tell sends a notice about r to its staff from a turn; a store away is logged, not shown
// to the client.
func (f *Feature) tell(t *bot.Turn, r Referral, id bot.MessageID, data func(content.Lang) map[string]any) {
	ns, err := f.notices(t.Ctx, t.Engine, r, id, data)
	if err != nil {
		t.Log().Warn("a partner was not told (the store did not answer)", "err", err)
	}
	for _, n := range ns {
		t.Say(bot.Reply{To: n.To, Text: n.Text})
	}
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
		f.tell(t, r, msgNoticeOpened, func(content.Lang) map[string]any { return map[string]any{"Code": named(r)} })
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
	if before.Lang != after.Lang && after.Lang != "" {
		f.languageChosen(t, after.Lang)
	}
	switch {
	case after.Ref == "" || after.ForClient: // a partner's run for a client is no referral's
	case before.Flow == flowIntro && after.Flow != flowIntro && after.Lang != "":
		f.showIntro(t, after)
	case after.Step == bot.StepResult && before.Step != bot.StepResult:
		f.completed(t, after)
	}
}

// languageChosen keeps a partner's new language, for the notices to them (the core sets
// their command menu again in it).
func (f *Feature) languageChosen(t *bot.Turn, lang content.Lang) {
	p, ok, err := f.store.Partner(t.Ctx, t.Chat)
	if err != nil {
		t.Log().Warn("a partner's new language was not saved", "err", err)
		return
	}
	if !ok {
		return
	}
	if p.Lang != lang {
		if err := f.store.SetPartnerLang(t.Ctx, t.Chat, lang); err != nil {
			t.Log().Warn("a partner's new language was not saved", "err", err)
		}
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
	f.tell(t, r, msgNoticeCompleted, func(l content.Lang) map[string]any {
		return map[string]any{"Code": named(r), "Services": serviceNames(e, ids, l)}
	})
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
			ns, err := f.notices(ctx, e, r, msgNoticeWithdrew, func(content.Lang) map[string]any { return map[string]any{"Code": named(r)} })
			if err != nil {
				return nil, err
			}
			out = append(out, ns...)
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
