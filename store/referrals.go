package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/qamqor/qamqor/bot/referrals"
	"github.com/qamqor/qamqor/content"
	"github.com/qamqor/qamqor/secret"
	"github.com/redis/go-redis/v9"
)

// Lifetimes of referral data. Personal data carries a TTL, always.
const (
	InviteTTL = 7 * 24 * time.Hour // an invitation link works this long
	// ReferralLinkTTL is how long a referral link can be opened.
	ReferralLinkTTL = 30 * 24 * time.Hour
	// DefaultReferralTTL is how long a referral is kept after it is closed, or after its
	// link expired unopened; an open referral is kept that long after its last change.
	DefaultReferralTTL = 180 * 24 * time.Hour
	// partnerTTL: a partner who does nothing for a year is forgotten.
	partnerTTL = 365 * 24 * time.Hour
	// ReferralsPerHour bounds how many referrals one partner creates in an hour.
	ReferralsPerHour = 30
)

// codeBytes is the randomness of invitation and referral codes: 96 bits, so guessing one
// is hopeless; as base64url they are 16 characters of A–Z a–z 0–9 _ -, which Telegram
// accepts in a deep link.
const codeBytes = 12

// Referrals keeps partners, invitations and referrals in Redis; it implements
// referrals.Store. Notes and shared screener results are encrypted with key. Keys are
// hash-tagged per record, so every multi-field change is on one key and one slot.
type Referrals struct {
	rdb redis.UniversalClient
	key *secret.Key
	ttl time.Duration
	now func() time.Time
}

// NewReferrals returns the referral store; ttl is how long referral data is kept after
// closing (DefaultReferralTTL when 0).
func NewReferrals(rdb redis.UniversalClient, key *secret.Key, ttl time.Duration) *Referrals {
	if ttl <= 0 {
		ttl = DefaultReferralTTL
	}
	return &Referrals{rdb: rdb, key: key, ttl: ttl, now: time.Now}
}

func inviteKey(code string) string      { return "{invite:" + code + "}" }
func partnerKey(user int64) string      { return "{partner:" + strconv.FormatInt(user, 10) + "}" }
func partnerRefsKey(user int64) string  { return partnerKey(user) + ":refs" }
func partnerLimitKey(user int64) string { return partnerKey(user) + ":rate" }
func referralKey(code string) string    { return "{ref:" + code + "}" }
func clientRefsKey(user int64) string   { return "{chat:" + strconv.FormatInt(user, 10) + "}:refs" }
func noteContext(code string) string    { return "referral-note:" + code }
func labelContext(code string) string   { return "referral-label:" + code }
func historyContext(code string) string { return "referral-history:" + code }

// orgRefsKey lists the referrals of an organisation's staff. The name is hashed: any text
// an admin typed, kept out of key names.
func orgRefsKey(org string) string {
	sum := sha256.Sum256([]byte(org))
	return "{org:" + hex.EncodeToString(sum[:12]) + "}:refs"
}
func matchedContext(code string) string { return "referral-matched:" + code }

// partnersKey is the set of partner ids, for admins' list. It lives as long as the
// longest-lived partner record: each use of a record renews both.
const partnersKey = "partners"

// untilClosed is how long a referral is kept while open: its link's life, then the
// retention period.
func (s *Referrals) untilClosed() time.Duration { return ReferralLinkTTL + s.ttl }

// Lifetimes implements referrals.Store.
func (s *Referrals) Lifetimes() (link, afterClosed time.Duration) { return ReferralLinkTTL, s.ttl }

func newCode() string {
	b := make([]byte, codeBytes)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on supported platforms
	return base64.RawURLEncoding.EncodeToString(b)
}

// validCode tells a code that could have been made by newCode, so garbage never reaches
// Redis as a key.
func validCode(code string) bool {
	return len(code) == base64.RawURLEncoding.EncodedLen(codeBytes) && strings.Trim(code, codeAlphabet) == ""
}

func userID(s string) int64 {
	n, _ := strconv.ParseInt(s, 10, 64)
	return n
}

func unix(t time.Time) string { return strconv.FormatInt(t.Unix(), 10) }

func fromUnix(s string) time.Time {
	n, _ := strconv.ParseInt(s, 10, 64)
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(n, 0)
}

func boolField(b bool) string {
	if b {
		return "1"
	}
	return ""
}

const codeAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

type invite struct {
	Org     string `json:"org"`
	By      int64  `json:"by"`
	Created int64  `json:"at"`
}

// CreateInvite implements referrals.Store.
func (s *Referrals) CreateInvite(ctx context.Context, org string, by int64) (string, error) {
	code := newCode()
	data, _ := json.Marshal(invite{Org: org, By: by, Created: s.now().Unix()})
	if err := s.rdb.Set(ctx, inviteKey(code), data, InviteTTL).Err(); err != nil {
		return "", fmt.Errorf("store: saving an invitation: %w", err)
	}
	return code, nil
}

// ClaimInvite implements referrals.Store: GETDEL makes the code one-time even when two
// people open it at once.
func (s *Referrals) ClaimInvite(ctx context.Context, code string, user int64) (referrals.Partner, bool, error) {
	if !validCode(code) {
		return referrals.Partner{}, false, nil
	}
	raw, err := s.rdb.GetDel(ctx, inviteKey(code)).Result()
	if errors.Is(err, redis.Nil) {
		return referrals.Partner{}, false, nil
	}
	if err != nil {
		return referrals.Partner{}, false, fmt.Errorf("store: claiming an invitation: %w", err)
	}
	var inv invite
	if json.Unmarshal([]byte(raw), &inv) != nil {
		return referrals.Partner{}, false, nil
	}
	p := referrals.Partner{User: user, Org: inv.Org, Since: s.now()}
	pipe := s.rdb.TxPipeline()
	pipe.HSet(ctx, partnerKey(user), "org", p.Org, "since", unix(p.Since), "by", inv.By)
	pipe.Expire(ctx, partnerKey(user), partnerTTL)
	if _, err := pipe.Exec(ctx); err != nil {
		return referrals.Partner{}, false, fmt.Errorf("store: saving a partner: %w", err)
	}
	listed := s.rdb.Pipeline()
	listed.SAdd(ctx, partnersKey, user)
	listed.Expire(ctx, partnersKey, partnerTTL)
	if _, err := listed.Exec(ctx); err != nil {
		return referrals.Partner{}, false, fmt.Errorf("store: listing a partner: %w", err)
	}
	return p, true, nil
}

// Partner implements referrals.Store; a partner's record lives on while they use it.
func (s *Referrals) Partner(ctx context.Context, user int64) (referrals.Partner, bool, error) {
	m, err := s.rdb.HGetAll(ctx, partnerKey(user)).Result()
	if err != nil {
		return referrals.Partner{}, false, fmt.Errorf("store: reading a partner: %w", err)
	}
	if m["org"] == "" {
		return referrals.Partner{}, false, nil
	}
	renew := s.rdb.Pipeline() // not a transaction: the keys are in different slots
	renew.Expire(ctx, partnerKey(user), partnerTTL)
	renew.Expire(ctx, partnersKey, partnerTTL)
	_, _ = renew.Exec(ctx)
	return referrals.Partner{User: user, Org: m["org"], Since: fromUnix(m["since"]), Lang: content.Lang(m["lang"])}, true, nil
}

// setIfPartner sets a field of a partner's record only while it exists, so a revoked
// partner is not brought back as a record without an organisation.
var setIfPartner = redis.NewScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return 1
`)

// SetPartnerLang implements referrals.Store.
func (s *Referrals) SetPartnerLang(ctx context.Context, user int64, lang content.Lang) error {
	if err := setIfPartner.Run(ctx, s.rdb, []string{partnerKey(user)}, "lang", string(lang)).Err(); err != nil {
		return fmt.Errorf("store: saving a partner's language: %w", err)
	}
	return nil
}

// Partners implements referrals.Store, dropping from the list those whose record is gone.
func (s *Referrals) Partners(ctx context.Context) ([]referrals.Partner, error) {
	ids, err := s.rdb.SMembers(ctx, partnersKey).Result()
	if err != nil {
		return nil, fmt.Errorf("store: listing partners: %w", err)
	}
	var out []referrals.Partner
	for _, id := range ids {
		p, ok, err := s.Partner(ctx, userID(id))
		if err != nil {
			return nil, err
		}
		if !ok {
			s.rdb.SRem(ctx, partnersKey, id)
			continue
		}
		out = append(out, p)
	}
	return out, nil
}

// RevokePartner implements referrals.Store. The partner's referrals stay, so their
// clients' flows keep working; the partner just cannot use partner commands any more.
func (s *Referrals) RevokePartner(ctx context.Context, user int64) (bool, error) {
	n, err := s.rdb.Del(ctx, partnerKey(user)).Result()
	if err != nil {
		return false, fmt.Errorf("store: revoking a partner: %w", err)
	}
	s.rdb.SRem(ctx, partnersKey, user)
	return n > 0, nil
}

// CreateReferral implements referrals.Store.
func (s *Referrals) CreateReferral(ctx context.Context, r referrals.Referral) (referrals.Referral, error) {
	hour := partnerLimitKey(r.Partner) + ":" + strconv.FormatInt(s.now().Unix()/3600, 10)
	counted := s.rdb.TxPipeline() // the count and its expiry together: never a counter for good
	incr := counted.Incr(ctx, hour)
	counted.Expire(ctx, hour, 2*time.Hour)
	if _, err := counted.Exec(ctx); err != nil {
		return referrals.Referral{}, fmt.Errorf("store: counting referrals: %w", err)
	}
	if n := incr.Val(); n > ReferralsPerHour {
		return referrals.Referral{}, referrals.ErrRateLimited
	}
	r.Code = newCode()
	r.Created = s.now()
	r.Expires = r.Created.Add(ReferralLinkTTL)
	fields, err := s.encode(r)
	if err != nil {
		return referrals.Referral{}, err
	}
	pipe := s.rdb.TxPipeline()
	pipe.HSet(ctx, referralKey(r.Code), fields)
	pipe.Expire(ctx, referralKey(r.Code), s.untilClosed())
	if _, err := pipe.Exec(ctx); err != nil {
		return referrals.Referral{}, fmt.Errorf("store: saving a referral: %w", err)
	}
	pipe = s.rdb.TxPipeline()
	pipe.ZAdd(ctx, partnerRefsKey(r.Partner), redis.Z{Score: float64(r.Created.UnixNano()), Member: r.Code})
	pipe.Expire(ctx, partnerRefsKey(r.Partner), s.untilClosed())
	if _, err := pipe.Exec(ctx); err != nil {
		return referrals.Referral{}, fmt.Errorf("store: listing a referral: %w", err)
	}
	pipe = s.rdb.TxPipeline()
	pipe.ZAdd(ctx, orgRefsKey(r.Org), redis.Z{Score: float64(r.Created.UnixNano()), Member: r.Code})
	pipe.Expire(ctx, orgRefsKey(r.Org), s.untilClosed())
	if _, err := pipe.Exec(ctx); err != nil {
		return referrals.Referral{}, fmt.Errorf("store: listing a referral for its organisation: %w", err)
	}
	return r, nil
}

// claimScript gives a referral to a client in one step: only an existing, unexpired,
// unclaimed one, or one this client claimed before, and never to the partner who made it.
// It returns 2 when given now, 1 when given before, 3 when the claimer made it, 0
// otherwise.
var claimScript = redis.NewScript(`
local r = redis.call('HMGET', KEYS[1], 'partner', 'expires', 'client')
if not r[1] then return 0 end
if r[3] and r[3] ~= '' then
  if r[3] == ARGV[1] then return 1 end
  return 0
end
if tonumber(r[2]) < tonumber(ARGV[2]) then return 0 end
if r[1] == ARGV[1] then return 3 end
redis.call('HSET', KEYS[1], 'client', ARGV[1], 'opened', ARGV[2])
return 2
`)

// ClaimReferral implements referrals.Store.
func (s *Referrals) ClaimReferral(ctx context.Context, code string, client int64) (referrals.Referral, bool, error) {
	if !validCode(code) {
		return referrals.Referral{}, false, nil
	}
	n, err := claimScript.Run(ctx, s.rdb, []string{referralKey(code)}, client, s.now().Unix()).Int()
	if err != nil {
		return referrals.Referral{}, false, fmt.Errorf("store: claiming a referral: %w", err)
	}
	switch n {
	case 0:
		return referrals.Referral{}, false, nil
	case 3:
		return referrals.Referral{}, false, referrals.ErrOwnReferral
	}
	pipe := s.rdb.TxPipeline()
	pipe.SAdd(ctx, clientRefsKey(client), code)
	pipe.Expire(ctx, clientRefsKey(client), s.untilClosed())
	if _, err := pipe.Exec(ctx); err != nil {
		return referrals.Referral{}, false, fmt.Errorf("store: linking a referral to its client: %w", err)
	}
	r, ok, err := s.get(ctx, code)
	r.JustOpened = n == 2
	return r, ok, err
}

// Referral implements referrals.Store.
func (s *Referrals) Referral(ctx context.Context, code string) (referrals.Referral, bool, error) {
	if !validCode(code) {
		return referrals.Referral{}, false, nil
	}
	return s.get(ctx, code)
}

// UpdateReferral implements referrals.Store. WATCH makes the read-modify-write safe
// against a concurrent change (the partner closing while the client completes).
func (s *Referrals) UpdateReferral(ctx context.Context, code string, fn func(*referrals.Referral)) (referrals.Referral, bool, error) {
	if !validCode(code) {
		return referrals.Referral{}, false, nil
	}
	var out referrals.Referral
	found := false
	key := referralKey(code)
	for range maxConflicts {
		err := s.rdb.Watch(ctx, func(tx *redis.Tx) error {
			m, err := tx.HGetAll(ctx, key).Result()
			if err != nil {
				return err
			}
			if m["partner"] == "" {
				found = false
				return nil
			}
			r, err := s.decode(code, m)
			if err != nil {
				return err
			}
			fn(&r)
			fields, err := s.encode(r)
			if err != nil {
				return err
			}
			ttl := s.untilClosed()
			if !r.Closed.IsZero() || r.Withdrew {
				ttl = s.ttl
			}
			_, err = tx.TxPipelined(ctx, func(p redis.Pipeliner) error {
				p.HSet(ctx, key, fields)
				p.Expire(ctx, key, ttl)
				return nil
			})
			out, found = r, true
			return err
		}, key)
		if errors.Is(err, redis.TxFailedErr) {
			continue
		}
		if err != nil {
			return referrals.Referral{}, false, fmt.Errorf("store: updating a referral: %w", err)
		}
		return out, found, nil
	}
	return referrals.Referral{}, false, ErrContention
}

// PartnerReferrals implements referrals.Store.
func (s *Referrals) PartnerReferrals(ctx context.Context, partner int64, offset, limit int) ([]referrals.Referral, int, error) {
	return s.listed(ctx, partnerRefsKey(partner), offset, limit)
}

// OrgReferrals implements referrals.Store.
func (s *Referrals) OrgReferrals(ctx context.Context, org string, offset, limit int) ([]referrals.Referral, int, error) {
	if err := s.indexOrg(ctx, org); err != nil {
		return nil, 0, err
	}
	return s.listed(ctx, orgRefsKey(org), offset, limit)
}

// indexOrg fills an organisation's list, when it has none, from its staff's own lists:
// referrals made before organisations were listed (or an organisation with none, whose
// few staff are looked at again, cheaply).
func (s *Referrals) indexOrg(ctx context.Context, org string) error {
	key := orgRefsKey(org)
	if n, err := s.rdb.Exists(ctx, key).Result(); err != nil || n > 0 {
		if err != nil {
			return fmt.Errorf("store: listing an organisation's referrals: %w", err)
		}
		return nil
	}
	ps, err := s.Partners(ctx)
	if err != nil {
		return err
	}
	for _, p := range ps {
		if p.Org != org {
			continue
		}
		made, err := s.rdb.ZRangeWithScores(ctx, partnerRefsKey(p.User), 0, -1).Result()
		if err != nil {
			return fmt.Errorf("store: listing a partner's referrals: %w", err)
		}
		if len(made) == 0 {
			continue
		}
		pipe := s.rdb.TxPipeline()
		pipe.ZAdd(ctx, key, made...)
		pipe.Expire(ctx, key, s.untilClosed())
		if _, err := pipe.Exec(ctx); err != nil {
			return fmt.Errorf("store: listing an organisation's referrals: %w", err)
		}
	}
	return nil
}

// listed reads the referrals a sorted set lists, newest first, dropping the gone ones from
// it; limit < 0: all from offset.
func (s *Referrals) listed(ctx context.Context, key string, offset, limit int) ([]referrals.Referral, int, error) {
	codes, err := s.rdb.ZRevRange(ctx, key, 0, -1).Result()
	if err != nil {
		return nil, 0, fmt.Errorf("store: listing referrals: %w", err)
	}
	var all []referrals.Referral
	for _, code := range codes {
		r, ok, err := s.get(ctx, code)
		if err != nil {
			return nil, 0, err
		}
		if !ok { // expired or forgotten
			s.rdb.ZRem(ctx, key, code)
			continue
		}
		all = append(all, r)
	}
	total := len(all)
	if offset >= total {
		return nil, total, nil
	}
	if limit < 0 {
		return all[offset:], total, nil
	}
	return all[offset:min(total, offset+limit)], total, nil
}

// ClientReferrals implements referrals.Store.
func (s *Referrals) ClientReferrals(ctx context.Context, client int64) ([]referrals.Referral, error) {
	codes, err := s.rdb.SMembers(ctx, clientRefsKey(client)).Result()
	if err != nil {
		return nil, fmt.Errorf("store: listing a client's referrals: %w", err)
	}
	var out []referrals.Referral
	for _, code := range codes {
		r, ok, err := s.get(ctx, code)
		if err != nil {
			return nil, err
		}
		if ok && r.Client == client {
			out = append(out, r)
		}
	}
	return out, nil
}

// Forget implements referrals.Store: the referrals that point to user as a client are
// deleted (their partners are told by the caller), and, if user is a partner, their
// partner record and the referrals they made.
func (s *Referrals) Forget(ctx context.Context, user int64) ([]referrals.Referral, error) {
	mine, err := s.ClientReferrals(ctx, user)
	if err != nil {
		return nil, err
	}
	hour := s.now().Unix() / 3600
	keys := []string{clientRefsKey(user), partnerKey(user), partnerRefsKey(user),
		partnerLimitKey(user) + ":" + strconv.FormatInt(hour, 10), partnerLimitKey(user) + ":" + strconv.FormatInt(hour-1, 10)}
	for _, r := range mine {
		keys = append(keys, referralKey(r.Code))
		s.rdb.ZRem(ctx, partnerRefsKey(r.Partner), r.Code)
		s.rdb.ZRem(ctx, orgRefsKey(r.Org), r.Code)
	}
	// A staff member's referrals are their organisation's: they stay, listed by it, with
	// nothing left of who made them or recorded their outcomes. Its list is filled first
	// (indexOrg) while this partner's own list still names the older ones.
	p, staff, err := s.Partner(ctx, user)
	if err != nil {
		return nil, err
	}
	if staff {
		if err := s.indexOrg(ctx, p.Org); err != nil {
			return nil, err
		}
		orgs, err := s.rdb.ZRange(ctx, orgRefsKey(p.Org), 0, -1).Result()
		if err != nil {
			return nil, fmt.Errorf("store: listing referrals to forget: %w", err)
		}
		for _, code := range orgs {
			if err := s.unname(ctx, code, user); err != nil {
				return nil, err
			}
		}
	}
	made, err := s.rdb.ZRange(ctx, partnerRefsKey(user), 0, -1).Result()
	if err != nil {
		return nil, fmt.Errorf("store: listing referrals to forget: %w", err)
	}
	for _, code := range made {
		r, ok, err := s.get(ctx, code)
		if err != nil || !ok || (staff && r.Org == p.Org) {
			continue // gone, or kept for the organisation
		}
		keys = append(keys, referralKey(code)) // no organisation shares it
		s.rdb.ZRem(ctx, orgRefsKey(r.Org), code)
	}
	// One key at a time: they live in different slots of a cluster.
	for _, k := range keys {
		if err := s.rdb.Del(ctx, k).Err(); err != nil {
			return nil, fmt.Errorf("store: forgetting: %w", err)
		}
	}
	s.rdb.SRem(ctx, partnersKey, user)
	return mine, nil
}

// unname takes user out of a referral: its maker and the outcomes they recorded become
// nobody's (0). Its lifetime is left as it was.
func (s *Referrals) unname(ctx context.Context, code string, user int64) error {
	key := referralKey(code)
	for range maxConflicts {
		err := s.rdb.Watch(ctx, func(tx *redis.Tx) error {
			m, err := tx.HGetAll(ctx, key).Result()
			if err != nil || m["partner"] == "" {
				return err
			}
			r, err := s.decode(code, m)
			if err != nil {
				return err
			}
			named := r.Partner == user
			if named {
				r.Partner = 0
			}
			for i := range r.History {
				if r.History[i].By == user {
					r.History[i].By, named = 0, true
				}
			}
			if !named {
				return nil
			}
			fields, err := s.encode(r)
			if err != nil {
				return err
			}
			_, err = tx.TxPipelined(ctx, func(p redis.Pipeliner) error {
				p.HSet(ctx, key, fields)
				return nil
			})
			return err
		}, key)
		if errors.Is(err, redis.TxFailedErr) {
			continue
		}
		if err != nil {
			return fmt.Errorf("store: forgetting a referral's staff member: %w", err)
		}
		return nil
	}
	return ErrContention
}

func (s *Referrals) get(ctx context.Context, code string) (referrals.Referral, bool, error) {
	m, err := s.rdb.HGetAll(ctx, referralKey(code)).Result()
	if err != nil {
		return referrals.Referral{}, false, fmt.Errorf("store: reading a referral: %w", err)
	}
	if m["partner"] == "" {
		return referrals.Referral{}, false, nil
	}
	r, err := s.decode(code, m)
	return r, err == nil, err
}

// encode turns a referral into hash fields, sealing the personal ones.
func (s *Referrals) encode(r referrals.Referral) (map[string]any, error) {
	note, matched := "", ""
	if r.Note != "" {
		sealed, err := s.key.SealString(r.Note, noteContext(r.Code))
		if err != nil {
			return nil, err
		}
		note = sealed
	}
	if len(r.Matched) > 0 {
		sealed, err := s.key.SealString(strings.Join(r.Matched, ","), matchedContext(r.Code))
		if err != nil {
			return nil, err
		}
		matched = sealed
	}
	label, history := "", ""
	if r.Label != "" {
		sealed, err := s.key.SealString(r.Label, labelContext(r.Code))
		if err != nil {
			return nil, err
		}
		label = sealed
	}
	if len(r.History) > 0 {
		data, err := json.Marshal(r.History)
		if err != nil {
			return nil, err
		}
		sealed, err := s.key.SealString(string(data), historyContext(r.Code))
		if err != nil {
			return nil, err
		}
		history = sealed
	}
	return map[string]any{
		"label": label, "history": history,
		"partner": r.Partner, "org": r.Org, "target": r.Target, "note": note,
		"created": unix(r.Created), "expires": unix(r.Expires),
		"client":  clientField(r.Client),
		"consent": boolField(r.Consent), "asked": boolField(r.Asked),
		"opened": zeroOrUnix(r.Opened), "completed": zeroOrUnix(r.Completed), "closed": zeroOrUnix(r.Closed),
		"matched": matched, "outcome": string(r.Outcome), "withdrew": boolField(r.Withdrew),
	}, nil
}

func clientField(client int64) string {
	if client == 0 {
		return ""
	}
	return strconv.FormatInt(client, 10)
}

func zeroOrUnix(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return unix(t)
}

// decode reads a referral's hash fields, opening the sealed ones.
func (s *Referrals) decode(code string, m map[string]string) (referrals.Referral, error) {
	r := referrals.Referral{
		Code: code, Partner: userID(m["partner"]), Org: m["org"], Target: m["target"],
		Created: fromUnix(m["created"]), Expires: fromUnix(m["expires"]),
		Client: userID(m["client"]), Consent: m["consent"] == "1", Asked: m["asked"] == "1",
		Opened: fromUnix(m["opened"]), Completed: fromUnix(m["completed"]), Closed: fromUnix(m["closed"]),
		Outcome: referrals.Outcome(m["outcome"]), Withdrew: m["withdrew"] == "1",
	}
	if m["note"] != "" {
		note, err := s.key.OpenString(m["note"], noteContext(code))
		if err != nil {
			return referrals.Referral{}, fmt.Errorf("store: opening a referral note: %w", err)
		}
		r.Note = note
	}
	if m["matched"] != "" {
		matched, err := s.key.OpenString(m["matched"], matchedContext(code))
		if err != nil {
			return referrals.Referral{}, fmt.Errorf("store: opening a referral result: %w", err)
		}
		r.Matched = strings.Split(matched, ",")
	}
	if m["label"] != "" {
		label, err := s.key.OpenString(m["label"], labelContext(code))
		if err != nil {
			return referrals.Referral{}, fmt.Errorf("store: opening a referral label: %w", err)
		}
		r.Label = label
	}
	if m["history"] != "" {
		history, err := s.key.OpenString(m["history"], historyContext(code))
		if err == nil {
			err = json.Unmarshal([]byte(history), &r.History)
		}
		if err != nil {
			return referrals.Referral{}, fmt.Errorf("store: opening a referral's outcomes: %w", err)
		}
	}
	return r, nil
}
