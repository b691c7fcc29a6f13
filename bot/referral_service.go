package bot

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/qamqor/qamqor/content"
)

// Deep-link payloads and button data of the referral features. Deep-link payloads are
// Telegram's (at most 64 characters of A–Z a–z 0–9 _ -); codes are 16 of them.
const (
	payloadInvite   = "i_"
	payloadReferral = "r_"

	dataRefer       = "R:"  // R:<target>: refer a client to a node, or to s:<screener>
	dataReferNoNote = "R-"  // create the referral without a note
	dataConsent     = "C:"  // C:y or C:n: the client's answer on sharing progress
	dataPage        = "P:"  // P:<offset>: a page of /referrals
	dataOutcome     = "O:"  // O:<code> asks for an outcome; O:<code>:<outcome> records it
	dataForgetYes   = "F:y" // confirms /forget
	dataForgetNo    = "F:n"
)

// Session.Flow values: what the next input means while a referral step waits for it.
const (
	flowNote  Flow = "note:" // note:<target>: the next text is the note for a new referral
	flowIntro Flow = "intro" // the client must choose a language, then see who referred them
)

// maxNote bounds a partner's note to a client, in characters.
const maxNote = 300

// referralsPage is how many referrals /referrals shows at once.
const referralsPage = 5

// ReferralOptions turn the referral features on. Admins (EnableAdministration) invite
// and revoke partners.
type ReferralOptions struct {
	Store ReferralStore
	// Link makes a deep link from a /start payload, e.g. "https://t.me/QamqorBot?start=" +
	// payload; it is called per link so an adapter can learn the bot's name late.
	Link func(payload string) string
	// QR renders a link as a PNG image; nil sends the link alone.
	QR func(link string) ([]byte, error)
}

// EnableReferrals turns on partners, referrals and their commands.
func (s *Service) EnableReferrals(o ReferralOptions) { s.refs = &o }

// special handles what needs the referral store or deletes data: deep links with codes,
// partner and admin commands and their buttons, /forget and /mydata. ok is false for
// everything else, which goes to the engine as usual. Deciding needs no I/O for other
// inputs, so ordinary updates keep to one round trip.
//
// A redelivered update is handled once: the update is marked handled only after the
// action's effects, so a crash between the two runs the action again rather than losing
// it, and each action is idempotent on such a second run (forgetting again deletes
// nothing; a claimed link is claimed again by the same person; a queued broadcast or a
// published version is found, not made twice).
func (s *Service) special(ctx context.Context, chat int64, in Input) ([]Reply, bool) {
	handle, ok := s.route(ctx, chat, in)
	if !ok {
		return nil, false
	}
	if s.handledBefore(ctx, chat, in) {
		return nil, true
	}
	out := handle()
	if !(in.Kind == InputButton && in.Data == dataForgetYes) {
		// /forget leaves no session, and none is made again only to hold the mark: a
		// second run of it deletes nothing and says so again.
		s.markHandled(ctx, chat, in)
	}
	return out, true
}

// handledBefore reports whether the chat's session has seen the update. With the store
// away it reports false, and the action answers "unavailable".
func (s *Service) handledBefore(ctx context.Context, chat int64, in Input) bool {
	if in.UpdateID == 0 {
		return false
	}
	seen := false
	_ = s.store.Update(ctx, chat, func(sess Session) (Session, error) {
		seen = sess.seen(in.UpdateID)
		return sess, nil // unchanged: nothing is written
	})
	return seen
}

// markHandled records in the session that the update was handled.
func (s *Service) markHandled(ctx context.Context, chat int64, in Input) {
	if in.UpdateID == 0 {
		return
	}
	err := s.store.Update(ctx, chat, func(sess Session) (Session, error) {
		if sess.seen(in.UpdateID) {
			return sess, nil
		}
		return sess.markSeen(in.UpdateID), nil
	})
	if err != nil {
		s.log.Warn("could not mark an update handled; a redelivery will run it again", "chat", chat, "err", err)
	}
}

// route picks the handler of a special input, without I/O except for partner-only ones,
// which must check that the sender is a partner.
func (s *Service) route(ctx context.Context, chat int64, in Input) (handle func() []Reply, ok bool) {
	cmd, arg, isCmd := "", "", false
	if in.Kind == InputText {
		cmd, arg, isCmd = parseCommand(clean(in.Text))
	}
	data := ""
	if in.Kind == InputButton {
		data = in.Data
	}
	if in.Group {
		return func() []Reply { return nil }, true // the bot talks with people in private chats only
	}
	switch {
	case cmd == "forget":
		return func() []Reply { return s.askForget(ctx, chat, in) }, true
	case data == dataForgetYes || data == dataForgetNo:
		return func() []Reply { return s.forget(ctx, chat, in, data == dataForgetYes) }, true
	case cmd == "mydata":
		return func() []Reply { return s.myData(ctx, chat, in) }, true
	case !isCmd && data == "" && in.Kind != InputFile:
		return nil, false
	case (cmd == "role" || cmd == "roles" || cmd == "audit") && s.adminStore != nil:
		if !s.allowed(ctx, chat, RoleAdmin) {
			return nil, false
		}
		switch cmd {
		case "role":
			return func() []Reply { return s.setRole(ctx, chat, in, arg) }, true
		case "roles":
			return func() []Reply { return s.listRoles(ctx, chat, in) }, true
		}
		return func() []Reply { return s.auditLog(ctx, chat, in, arg) }, true
	case in.Kind == InputFile && s.contentStore != nil:
		if !s.allowed(ctx, chat, RoleAdmin, RoleEditor) {
			return nil, false
		}
		return func() []Reply { return s.upload(ctx, chat, in) }, true
	case (data == dataUploadPublish || data == dataUploadDrop) && s.contentStore != nil:
		if !s.allowed(ctx, chat, RoleAdmin, RoleEditor) {
			return nil, false
		}
		return func() []Reply { return s.publishUpload(ctx, chat, in, data == dataUploadPublish) }, true
	case (cmd == "content" || cmd == "rollback") && s.contentStore != nil:
		if !s.allowed(ctx, chat, RoleAdmin, RoleEditor) {
			return nil, false
		}
		if cmd == "content" {
			return func() []Reply { return s.contentHistory(ctx, chat, in) }, true
		}
		return func() []Reply { return s.rollback(ctx, chat, in, arg) }, true
	case cmd == "stats" && s.stats != nil:
		if !s.allowed(ctx, chat, RoleAdmin) {
			return nil, false
		}
		return func() []Reply { return s.statsReport(ctx, chat, in, arg) }, true
	case s.refs == nil:
		return nil, false
	case cmd == "start" && strings.HasPrefix(arg, payloadInvite):
		return func() []Reply { return s.claimInvite(ctx, chat, in, strings.TrimPrefix(arg, payloadInvite)) }, true
	case cmd == "start" && strings.HasPrefix(arg, payloadReferral):
		return func() []Reply { return s.openReferral(ctx, chat, in, strings.TrimPrefix(arg, payloadReferral)) }, true
	case strings.HasPrefix(data, dataConsent):
		return func() []Reply { return s.consent(ctx, chat, in, data == dataConsent+"y") }, true
	case cmd == "invite" || cmd == "partners" || cmd == "revoke":
		if !s.allowed(ctx, chat, RoleAdmin) {
			return nil, false
		}
		switch cmd {
		case "invite":
			return func() []Reply { return s.invite(ctx, chat, in, arg) }, true
		case "partners":
			return func() []Reply { return s.partners(ctx, chat, in) }, true
		}
		return func() []Reply { return s.revoke(ctx, chat, in, arg) }, true
	}
	partnerOnly := cmd == "refer" || cmd == "referrals" || data == dataReferNoNote ||
		strings.HasPrefix(data, dataRefer) || strings.HasPrefix(data, dataPage) || strings.HasPrefix(data, dataOutcome)
	if !partnerOnly {
		return nil, false
	}
	// Partners only; anyone else gets what any unknown command or stale button gets, so
	// nothing tells a stranger these exist.
	partner, isPartner, err := s.refs.Store.Partner(ctx, chat)
	if err != nil {
		return func() []Reply { return s.unavailable(chat, in, err) }, true
	}
	if !isPartner {
		return nil, false
	}
	switch {
	case cmd == "refer":
		return func() []Reply { return s.referMenu(ctx, chat, in) }, true
	case cmd == "referrals":
		offset, _ := strconv.Atoi(arg)
		return func() []Reply { return s.listReferrals(ctx, chat, in, max(0, offset)) }, true
	case data == dataReferNoNote:
		return func() []Reply { return s.createReferral(ctx, chat, in, partner, nil) }, true
	case strings.HasPrefix(data, dataRefer):
		return func() []Reply { return s.askNote(ctx, chat, in, strings.TrimPrefix(data, dataRefer)) }, true
	case strings.HasPrefix(data, dataPage):
		offset, _ := strconv.Atoi(strings.TrimPrefix(data, dataPage))
		return func() []Reply { return s.listReferrals(ctx, chat, in, max(0, offset)) }, true
	default:
		return func() []Reply { return s.outcome(ctx, chat, in, strings.TrimPrefix(data, dataOutcome)) }, true
	}
}

// link makes a deep link for a /start payload.
func (s *Service) link(payload string) string { return s.refs.Link(payload) }

// t renders an interface string.
func (s *Service) t(lang content.Lang, id MessageID, data map[string]any) string {
	return s.engine().tr.T(lang, id, data)
}

// withSession runs fn, which must be pure, on the chat's session as one update and
// returns its replies.
func (s *Service) withSession(ctx context.Context, chat int64, in Input, fn func(Session, content.Lang) (Session, []Reply)) []Reply {
	var out []Reply
	err := s.store.Update(ctx, chat, func(sess Session) (Session, error) {
		next, r := fn(sess, langOf(sess, in))
		out = r
		return next, nil
	})
	if err != nil {
		return s.unavailable(chat, in, err)
	}
	return out
}

// lang reads the chat's language (one round trip), for replies that do not change the
// session.
func (s *Service) lang(ctx context.Context, chat int64, in Input) content.Lang {
	lang := langOf(Session{}, in)
	_ = s.store.Update(ctx, chat, func(sess Session) (Session, error) {
		lang = langOf(sess, in)
		return sess, nil
	})
	return lang
}

func langOf(sess Session, in Input) content.Lang {
	switch {
	case sess.Lang != "":
		return sess.Lang
	case in.LangHint != "":
		return in.LangHint
	}
	return content.RU
}

func (s *Service) unavailable(chat int64, in Input, err error) []Reply {
	s.log.Warn("store unavailable", "chat", chat, "err", err)
	return []Reply{{Text: s.say(in.LangHint, msgUnavailable)}}
}

// both renders a notice in Kazakh and Russian, for a partner whose language the bot does
// not track.
func (s *Service) both(id MessageID, data map[string]any) string {
	return s.t(content.KK, id, data) + "\n\n" + s.t(content.RU, id, data)
}

// ── Admins: invitations and partners ────────────────────────────────────────────────

func (s *Service) invite(ctx context.Context, chat int64, in Input, org string) []Reply {
	lang := s.lang(ctx, chat, in)
	org = strings.TrimSpace(org)
	if org == "" || utf8.RuneCountInString(org) > 100 {
		return []Reply{{Text: s.t(lang, msgInviteUsage, nil)}}
	}
	code, err := s.refs.Store.CreateInvite(ctx, org, chat)
	if err != nil {
		return s.unavailable(chat, in, err)
	}
	s.audit(ctx, chat, "partner.invite", org)
	return []Reply{{Text: s.t(lang, msgInviteCreated, map[string]any{"Org": org, "Link": s.link(payloadInvite + code)})}}
}

func (s *Service) partners(ctx context.Context, chat int64, in Input) []Reply {
	lang := s.lang(ctx, chat, in)
	ps, err := s.refs.Store.Partners(ctx)
	if err != nil {
		return s.unavailable(chat, in, err)
	}
	if len(ps) == 0 {
		return []Reply{{Text: s.t(lang, msgPartnersNone, nil)}}
	}
	lines := []string{s.t(lang, msgPartnersTitle, map[string]any{"Count": len(ps)})}
	for _, p := range ps {
		lines = append(lines, fmt.Sprintf("%d — %s (%s)", p.User, p.Org, p.Since.Format("02.01.2006")))
	}
	lines = append(lines, s.t(lang, msgPartnersRevokeHint, nil))
	return []Reply{{Text: strings.Join(lines, "\n")}}
}

func (s *Service) revoke(ctx context.Context, chat int64, in Input, arg string) []Reply {
	lang := s.lang(ctx, chat, in)
	user, err := strconv.ParseInt(strings.TrimSpace(arg), 10, 64)
	if err != nil {
		return []Reply{{Text: s.t(lang, msgRevokeUsage, nil)}}
	}
	ok, err := s.refs.Store.RevokePartner(ctx, user)
	if err != nil {
		return s.unavailable(chat, in, err)
	}
	if !ok {
		return []Reply{{Text: s.t(lang, msgRevokeNotFound, map[string]any{"User": user})}}
	}
	s.audit(ctx, chat, "partner.revoke", strconv.FormatInt(user, 10))
	return []Reply{{Text: s.t(lang, msgRevoked, map[string]any{"User": user})}}
}

// neutral is the one answer to every link that does not work, whatever the reason, so a
// guesser learns nothing; the person then sees where they are.
func (s *Service) neutral(ctx context.Context, chat int64, in Input) []Reply {
	return s.withSession(ctx, chat, in, func(sess Session, lang content.Lang) (Session, []Reply) {
		if sess.Lang == "" {
			return sess, []Reply{{Text: s.both(msgLinkNotValid, nil)}, s.engine().greeting("")}
		}
		return sess, []Reply{s.engine().here(sess, s.t(lang, msgLinkNotValid, nil))}
	})
}

func (s *Service) claimInvite(ctx context.Context, chat int64, in Input, code string) []Reply {
	p, ok, err := s.refs.Store.ClaimInvite(ctx, code, chat)
	if err != nil {
		return s.unavailable(chat, in, err)
	}
	if !ok {
		// Claimed already — by this person, if a crash came between the claim and the mark
		// that the update was handled: they are welcomed as before.
		if p, isPartner, err := s.refs.Store.Partner(ctx, chat); err == nil && isPartner {
			lang := s.lang(ctx, chat, in)
			return []Reply{{Text: s.t(lang, msgPartnerWelcome, map[string]any{"Org": p.Org})}}
		}
		return s.neutral(ctx, chat, in)
	}
	s.audit(ctx, chat, "partner.join", p.Org)
	lang := s.lang(ctx, chat, in)
	return []Reply{{Text: s.t(lang, msgPartnerWelcome, map[string]any{"Org": p.Org})}}
}

// ── Partners: referring ─────────────────────────────────────────────────────────────

// referMenu offers the topics and the screeners a client can be sent to.
func (s *Service) referMenu(ctx context.Context, chat int64, in Input) []Reply {
	return s.withSession(ctx, chat, in, func(sess Session, lang content.Lang) (Session, []Reply) {
		sess.Flow = ""
		r := Reply{Text: s.t(lang, msgReferChoose, nil)}
		for _, sc := range s.engine().content.Screeners() {
			r.Buttons = append(r.Buttons, []Button{{Label: "✓ " + sc.Title.In(lang), Data: dataRefer + dataStartScreener + sc.ID}})
		}
		for _, id := range s.engine().content.Main().Buttons {
			n, _ := s.engine().content.Node(id)
			r.Buttons = append(r.Buttons, []Button{{Label: n.ButtonLabel(lang), Data: dataRefer + id}})
		}
		return sess, []Reply{r}
	})
}

// targetName is what a referral's target is called, in lang; "" when content lacks it.
func (s *Service) targetName(target string, lang content.Lang) string {
	if id, ok := strings.CutPrefix(target, dataStartScreener); ok {
		if sc, ok := s.engine().content.Screener(id); ok {
			return sc.Title.In(lang)
		}
		return ""
	}
	if n, ok := s.engine().content.Node(target); ok {
		return n.ButtonLabel(lang)
	}
	return ""
}

// askNote asks for an optional note, remembering the target in the session.
func (s *Service) askNote(ctx context.Context, chat int64, in Input, target string) []Reply {
	return s.withSession(ctx, chat, in, func(sess Session, lang content.Lang) (Session, []Reply) {
		name := s.targetName(target, lang)
		if name == "" {
			return sess, []Reply{s.engine().here(sess, s.t(lang, msgStaleButton, nil))}
		}
		sess.Flow = flowNote + Flow(target)
		return sess, []Reply{{
			Text:    s.t(lang, msgReferNote, map[string]any{"Target": name, "Max": maxNote}),
			Buttons: [][]Button{{{Label: s.t(lang, msgReferNoNote, nil), Data: dataReferNoNote}}},
		}}
	})
}

// createReferral creates the referral the session's flow is about, with note (nil: none),
// and answers with its link and QR code.
func (s *Service) createReferral(ctx context.Context, chat int64, in Input, p Partner, note *string) []Reply {
	var target string
	var lang content.Lang
	_ = s.store.Update(ctx, chat, func(sess Session) (Session, error) {
		target, _ = strings.CutPrefix(string(sess.Flow), string(flowNote))
		if !strings.HasPrefix(string(sess.Flow), string(flowNote)) {
			target = ""
		}
		lang = langOf(sess, in)
		sess.Flow = ""
		return sess, nil
	})
	if target == "" || s.targetName(target, lang) == "" {
		return s.stale(ctx, chat, in)
	}
	r := Referral{Partner: p.User, Org: p.Org, Target: target}
	if note != nil {
		r.Note = *note
	}
	r, err := s.refs.Store.CreateReferral(ctx, r)
	if errors.Is(err, ErrRateLimited) {
		return []Reply{{Text: s.t(lang, msgReferRateLimited, nil)}}
	}
	if err != nil {
		return s.unavailable(chat, in, err)
	}
	s.countReferral(StatusCreated)
	link := s.link(payloadReferral + r.Code)
	reply := Reply{Text: s.t(lang, msgReferCreated, map[string]any{
		"Target": s.targetName(target, lang), "Link": link, "Code": short(r.Code), "ValidDays": int(r.Expires.Sub(r.Created).Hours() / 24),
	})}
	if s.refs.QR != nil {
		if png, err := s.refs.QR(link); err == nil {
			reply.Image = &Image{Name: "qamqor-referral.png", PNG: png}
		} else {
			s.log.Warn("QR code", "err", err)
		}
	}
	return []Reply{reply}
}

// short is the part of a code shown to partners to tell referrals apart; the whole code
// is a secret of the link.
func short(code string) string { return code[:min(4, len(code))] }

// handleNote takes typed text as the note for a referral being made. It runs before the
// engine, for a chat whose session waits for a note.
func (s *Service) handleNote(ctx context.Context, chat int64, in Input) ([]Reply, bool) {
	p, ok, err := s.refs.Store.Partner(ctx, chat)
	if err != nil || !ok {
		return nil, false
	}
	note := clean(in.Text)
	if utf8.RuneCountInString(note) > maxNote {
		lang := s.lang(ctx, chat, in)
		return []Reply{{Text: s.t(lang, msgReferNoteTooLong, map[string]any{"Max": maxNote}),
			Buttons: [][]Button{{{Label: s.t(lang, msgReferNoNote, nil), Data: dataReferNoNote}}}}}, true
	}
	return s.createReferral(ctx, chat, in, p, &note), true
}

func (s *Service) listReferrals(ctx context.Context, chat int64, in Input, offset int) []Reply {
	lang := s.lang(ctx, chat, in)
	rs, total, err := s.refs.Store.PartnerReferrals(ctx, chat, offset, referralsPage)
	if err != nil {
		return s.unavailable(chat, in, err)
	}
	if total == 0 {
		return []Reply{{Text: s.t(lang, msgReferralsNone, nil)}}
	}
	now := time.Now()
	lines := []string{s.t(lang, msgReferralsTitle, map[string]any{"From": min(offset+1, total), "To": min(offset+len(rs), total), "Total": total})}
	var buttons [][]Button
	for _, r := range rs {
		status := r.Status(now)
		shown := s.t(lang, MessageID("Status_"+status), nil)
		if status == StatusClosed {
			shown += " (" + s.t(lang, MessageID("Outcome_"+r.Outcome), nil) + ")"
		}
		line := fmt.Sprintf("• %s · %s · %s · %s", short(r.Code), s.targetName(r.Target, lang), shown, r.Created.Format("02.01.2006"))
		if r.Consent && len(r.Matched) > 0 {
			line += "\n  " + s.t(lang, msgReferralMatched, map[string]any{"Services": s.serviceNames(r.Matched, lang)})
		}
		lines = append(lines, line)
		if status == StatusOpened || status == StatusCompleted {
			buttons = append(buttons, []Button{{Label: s.t(lang, msgReferralClose, map[string]any{"Code": short(r.Code)}), Data: dataOutcome + r.Code}})
		}
	}
	var nav []Button
	if offset > 0 {
		nav = append(nav, Button{Label: s.t(lang, msgPagePrev, nil), Data: dataPage + strconv.Itoa(max(0, offset-referralsPage))})
	}
	if offset+len(rs) < total {
		nav = append(nav, Button{Label: s.t(lang, msgPageNext, nil), Data: dataPage + strconv.Itoa(offset+referralsPage)})
	}
	if len(nav) > 0 {
		buttons = append(buttons, nav)
	}
	return []Reply{{Text: strings.Join(lines, "\n"), Buttons: buttons}}
}

func (s *Service) serviceNames(ids []string, lang content.Lang) string {
	var names []string
	for _, id := range ids {
		if sv, ok := s.engine().content.Service(id); ok {
			names = append(names, sv.Name.In(lang))
		}
	}
	return strings.Join(names, "; ")
}

// outcome asks for, or records, how a referral ended.
func (s *Service) outcome(ctx context.Context, chat int64, in Input, arg string) []Reply {
	lang := s.lang(ctx, chat, in)
	code, outcome, recording := strings.Cut(arg, ":")
	if !recording {
		var rows [][]Button
		for _, o := range []string{OutcomeHelped, OutcomeNotHelped, OutcomeUnreachable} {
			rows = append(rows, []Button{{Label: s.t(lang, MessageID("Outcome_"+o), nil), Data: dataOutcome + code + ":" + o}})
		}
		return []Reply{{Text: s.t(lang, msgOutcomeAsk, map[string]any{"Code": short(code)}), Buttons: rows}}
	}
	if outcome != OutcomeHelped && outcome != OutcomeNotHelped && outcome != OutcomeUnreachable {
		return s.stale(ctx, chat, in)
	}
	mine := false
	_, found, err := s.refs.Store.UpdateReferral(ctx, code, func(r *Referral) {
		if mine = r.Partner == chat && r.Client != 0 && r.Closed.IsZero(); mine {
			r.Closed, r.Outcome = time.Now(), outcome
		}
	})
	if err != nil {
		return s.unavailable(chat, in, err)
	}
	if !found || !mine {
		return s.stale(ctx, chat, in) // gone, closed, or not theirs: the same answer
	}
	s.countReferral(StatusClosed)
	return []Reply{{Text: s.t(lang, msgOutcomeSaved, map[string]any{"Code": short(code), "Outcome": s.t(lang, MessageID("Outcome_"+outcome), nil)})}}
}

// ── Clients ─────────────────────────────────────────────────────────────────────────

// openReferral claims a referral link for the client and shows who sent them, asking, in
// their language, whether the partner may see their progress.
func (s *Service) openReferral(ctx context.Context, chat int64, in Input, code string) []Reply {
	r, ok, err := s.refs.Store.ClaimReferral(ctx, code, chat)
	if errors.Is(err, ErrOwnReferral) {
		return s.ownLink(ctx, chat, in)
	}
	if err != nil {
		return s.unavailable(chat, in, err)
	}
	if !ok || r.Partner == chat || s.targetName(r.Target, content.RU) == "" {
		return s.neutral(ctx, chat, in)
	}
	// The partner hears of it once: when the link is claimed now, or when it was claimed by
	// a run that crashed before the session took the referral in (a claim is the client's
	// to repeat).
	recorded := true
	out := s.withSession(ctx, chat, in, func(sess Session, lang content.Lang) (Session, []Reply) {
		recorded = sess.Ref == r.Code
		next := Session{Lang: sess.Lang, Seen: sess.Seen, Ref: r.Code}
		if next.Lang == "" {
			next.Flow = flowIntro
			return next, []Reply{s.engine().greeting("")}
		}
		return next, []Reply{s.intro(r, next.Lang)}
	})
	if r.JustOpened || !recorded {
		s.countReferral(StatusOpened)
		out = append(out, Reply{To: r.Partner, Text: s.both(msgNoticeOpened, map[string]any{"Code": short(r.Code)})})
	}
	return out
}

// ownLink answers a partner who opened a link they made: it is for their client, and still
// works; then they see where they are.
func (s *Service) ownLink(ctx context.Context, chat int64, in Input) []Reply {
	return s.withSession(ctx, chat, in, func(sess Session, lang content.Lang) (Session, []Reply) {
		if sess.Lang == "" { // in the app's language if known, then the choice of language
			text := s.both(msgReferralOwnLink, nil)
			if in.LangHint != "" {
				text = s.t(in.LangHint, msgReferralOwnLink, nil)
			}
			return sess, []Reply{{Text: text}, s.engine().greeting("")}
		}
		return sess, []Reply{s.engine().here(sess, s.t(lang, msgReferralOwnLink, nil))}
	})
}

// intro says who referred the client and asks for consent.
func (s *Service) intro(r Referral, lang content.Lang) Reply {
	parts := []string{s.t(lang, msgReferredBy, map[string]any{"Org": r.Org, "Target": s.targetName(r.Target, lang)})}
	if r.Note != "" {
		parts = append(parts, s.t(lang, msgReferredNote, map[string]any{"Note": r.Note}))
	}
	parts = append(parts, s.t(lang, msgConsentAsk, map[string]any{"Org": r.Org}))
	return Reply{Text: strings.Join(parts, "\n\n"), Buttons: [][]Button{
		{{Label: s.t(lang, msgConsentYes, nil), Data: dataConsent + "y"}},
		{{Label: s.t(lang, msgConsentNo, nil), Data: dataConsent + "n"}},
	}}
}

// consent records the client's answer, once, and takes them to where they were sent.
func (s *Service) consent(ctx context.Context, chat int64, in Input, yes bool) []Reply {
	var code string
	_ = s.store.Update(ctx, chat, func(sess Session) (Session, error) {
		code = sess.Ref
		return sess, nil
	})
	if code == "" { // not a referred client: an ordinary stale button
		return s.withSession(ctx, chat, in, func(sess Session, lang content.Lang) (Session, []Reply) {
			if sess.Lang == "" {
				return sess, []Reply{s.engine().greeting(msgChooseLanguageFirst)}
			}
			return sess, []Reply{s.engine().here(sess, s.t(lang, msgStaleButton, nil))}
		})
	}
	r, found, err := s.refs.Store.UpdateReferral(ctx, code, func(r *Referral) {
		if r.Client == chat && !r.Asked {
			r.Asked, r.Consent = true, yes
		}
	})
	if err != nil {
		return s.unavailable(chat, in, err)
	}
	return s.withSession(ctx, chat, in, func(sess Session, lang content.Lang) (Session, []Reply) {
		note := s.t(lang, map[bool]MessageID{true: msgConsentThanksYes, false: msgConsentThanksNo}[yes && r.Consent], nil)
		if !found || r.Client != chat {
			sess.Ref = ""
			return sess, []Reply{s.engine().here(sess, "")}
		}
		return s.goTo(sess, r.Target, note)
	})
}

// goTo takes a referred client to the target: a node, or a screener's first question.
func (s *Service) goTo(sess Session, target, note string) (Session, []Reply) {
	if id, ok := strings.CutPrefix(target, dataStartScreener); ok {
		if sc, ok := s.engine().content.Screener(id); ok && sess.node() != sc.Topic {
			sess = sess.open(sc.Topic)
		}
		next, replies := s.engine().startScreener(sess, id)
		if len(replies) > 0 && note != "" {
			replies[0].Text = note + "\n\n" + replies[0].Text
		}
		return next, replies
	}
	if _, ok := s.engine().content.Node(target); ok && target != sess.node() {
		sess = sess.open(target)
	}
	return sess, []Reply{s.engine().screen(sess, note)}
}

// afterStep reports to a consenting client's partner that the client reached a result.
func (s *Service) afterStep(ctx context.Context, chat int64, before, after Session) []Reply {
	if s.refs == nil || after.Ref == "" || after.Step != stepResult || before.Step == stepResult {
		return nil
	}
	sc, ok := s.engine().content.Screener(after.Screener)
	if !ok {
		return nil
	}
	yes, _, _ := s.engine().matched(after, sc)
	var ids []string
	for _, sv := range yes {
		ids = append(ids, sv.ID)
	}
	var first bool
	r, found, err := s.refs.Store.UpdateReferral(ctx, after.Ref, func(r *Referral) {
		if r.Client != chat || !r.Consent || !r.Closed.IsZero() {
			return
		}
		first = r.Completed.IsZero()
		r.Completed, r.Matched = time.Now(), ids
	})
	if err != nil {
		s.log.Warn("referral completion", "err", err)
		return nil
	}
	if !found || !r.Consent || r.Client != chat || !first {
		return nil // without consent the partner learns only that the link was opened
	}
	s.countReferral(StatusCompleted)
	names := map[content.Lang]string{}
	for _, l := range content.Langs {
		names[l] = s.serviceNames(ids, l)
	}
	text := s.t(content.KK, msgNoticeCompleted, map[string]any{"Code": short(r.Code), "Services": names[content.KK]}) + "\n\n" +
		s.t(content.RU, msgNoticeCompleted, map[string]any{"Code": short(r.Code), "Services": names[content.RU]})
	return []Reply{{To: r.Partner, Text: text}}
}

// ── Anyone: what is kept, and forgetting it ─────────────────────────────────────────

func (s *Service) askForget(ctx context.Context, chat int64, in Input) []Reply {
	lang := s.lang(ctx, chat, in)
	return []Reply{{Text: s.t(lang, msgForgetConfirm, nil), Buttons: [][]Button{
		{{Label: s.t(lang, msgForgetYes, nil), Data: dataForgetYes}},
		{{Label: s.t(lang, msgForgetNo, nil), Data: dataForgetNo}},
	}}}
}

// SessionForgetter deletes a chat's session; store.Sessions is one.
type SessionForgetter interface {
	Forget(ctx context.Context, chatID int64) error
}

func (s *Service) forget(ctx context.Context, chat int64, in Input, confirmed bool) []Reply {
	lang := s.lang(ctx, chat, in)
	if !confirmed {
		return s.withSession(ctx, chat, in, func(sess Session, lang content.Lang) (Session, []Reply) {
			return sess, []Reply{s.engine().here(sess, s.t(lang, msgForgetCancelled, nil))}
		})
	}
	// Each step below is safe to run again: a crash halfway through, then the update's
	// redelivery, finishes the job (the update is not marked handled before it is done).
	var out []Reply
	if s.refs != nil {
		tell, err := s.withdrawals(ctx, chat)
		if err != nil {
			return s.unavailable(chat, in, err)
		}
		if _, err := s.refs.Store.Forget(ctx, chat); err != nil {
			return s.unavailable(chat, in, err)
		}
		for _, w := range tell {
			out = append(out, Reply{To: w.Partner, Text: s.both(msgNoticeWithdrew, map[string]any{"Code": w.Code})})
		}
	}
	for _, k := range s.router.keepers {
		if err := k.Forget(ctx, chat); err != nil {
			return s.unavailable(chat, in, err)
		}
	}
	if s.stats != nil {
		if err := s.stats.Recorder.Forget(ctx, chat); err != nil {
			return s.unavailable(chat, in, err)
		}
	}
	f, ok := s.store.(SessionForgetter)
	if !ok {
		return s.unavailable(chat, in, errors.New("the session store cannot forget"))
	}
	if err := f.Forget(ctx, chat); err != nil {
		return s.unavailable(chat, in, err)
	}
	s.log.Info("a user asked to be forgotten; done")
	return append([]Reply{{Text: s.t(lang, msgForgotten, nil)}}, out...)
}

// withdrawals lists the partners to tell that the client withdrew — those of referrals
// still open, and any a crashed run of /forget left in the session — and keeps the list in
// the session until the session is deleted.
func (s *Service) withdrawals(ctx context.Context, chat int64) ([]Withdrawal, error) {
	rs, err := s.refs.Store.ClientReferrals(ctx, chat)
	if err != nil {
		return nil, err
	}
	var tell []Withdrawal
	err = s.store.Update(ctx, chat, func(sess Session) (Session, error) {
		tell = slices.Clone(sess.Withdrawn)
		for _, r := range rs {
			w := Withdrawal{Partner: r.Partner, Code: short(r.Code)}
			if r.Partner != chat && r.Closed.IsZero() && !slices.Contains(tell, w) {
				tell = append(tell, w)
			}
		}
		sess.Withdrawn = tell
		return sess, nil
	})
	return tell, err
}

func (s *Service) myData(ctx context.Context, chat int64, in Input) []Reply {
	var sess Session
	if err := s.store.Update(ctx, chat, func(cur Session) (Session, error) { sess = cur; return cur, nil }); err != nil {
		return s.unavailable(chat, in, err)
	}
	lang := langOf(sess, in)
	lines := []string{s.t(lang, msgMyDataTitle, nil)}
	if sess.Lang != "" {
		lines = append(lines, s.t(lang, msgMyDataLang, map[string]any{"Lang": langLabels[sess.Lang]}))
	}
	if n, ok := s.engine().content.Node(sess.node()); ok && sess.Lang != "" {
		lines = append(lines, s.t(lang, msgMyDataPlace, map[string]any{"Screen": n.Title.In(lang), "Back": len(sess.History)}))
	}
	if len(sess.Answers) > 0 {
		lines = append(lines, s.t(lang, msgMyDataAnswers, map[string]any{"Count": len(sess.Answers)}))
	}
	if s.refs != nil {
		if p, ok, err := s.refs.Store.Partner(ctx, chat); err == nil && ok {
			lines = append(lines, s.t(lang, msgMyDataPartner, map[string]any{"Org": p.Org}))
		}
		if rs, err := s.refs.Store.ClientReferrals(ctx, chat); err == nil {
			for _, r := range rs {
				lines = append(lines, s.t(lang, msgMyDataReferral, map[string]any{
					"Org": r.Org, "Consent": s.t(lang, map[bool]MessageID{true: msgYes, false: msgNo}[r.Consent], nil)}))
			}
		}
	}
	for _, k := range s.router.keepers {
		if kept, err := k.Kept(ctx, chat, lang, s.engine()); err == nil {
			lines = append(lines, kept...)
		}
	}
	if s.stats != nil {
		if n, err := s.stats.Reader.Asked(ctx, chat); err == nil && n > 0 {
			_, days := s.stats.Reader.MissPolicy()
			lines = append(lines, s.t(lang, msgMyDataMisses, map[string]any{"Count": n, "Kept": s.t(lang, msgKeptDays, map[string]any{"Days": days})}))
		}
	}
	if len(lines) == 1 {
		lines = append(lines, s.t(lang, msgMyDataNothing, nil))
	}
	lines = append(lines, s.t(lang, msgMyDataForget, map[string]any{"Kept": s.t(lang, msgKeptDays, map[string]any{"Days": s.engine().keptDays})}))
	return []Reply{{Text: strings.Join(lines, "\n")}}
}
