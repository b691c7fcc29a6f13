package bottest

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"slices"
	"sync"
	"time"

	"github.com/qamqor/qamqor/bot/referrals"
	"github.com/qamqor/qamqor/content"
)

// Referrals is an in-memory referrals.Store that keeps the rules of store.Referrals: a
// one-time invitation valid a week, 16-character codes, a link valid 30 days that one
// client claims (never the partner who made it), 30 referrals a partner may make an hour.
type Referrals struct {
	mu       sync.Mutex
	now      func() time.Time
	invites  map[string]invite
	partners map[int64]referrals.Partner
	refs     map[string]referrals.Referral
	made     []string       // codes in the order they were made
	consult  map[string]int // consultations by organisation and day (referrals_consult.go)
	// Fail, when set, is the error every call returns (a store that does not answer).
	Fail error
}

type invite struct {
	org     string
	expires time.Time
}

// ReferralsPerHour bounds how many referrals a partner makes in an hour, as in the store.
const ReferralsPerHour = 30

// NewReferrals returns an empty store whose clock is now.
func NewReferrals(now func() time.Time) *Referrals {
	return &Referrals{now: now, invites: map[string]invite{}, partners: map[int64]referrals.Partner{}, refs: map[string]referrals.Referral{}}
}

func code() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func (s *Referrals) CreateInvite(_ context.Context, org string, _ int64) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.Fail != nil {
		return "", s.Fail
	}
	c := code()
	s.invites[c] = invite{org: org, expires: s.now().Add(7 * 24 * time.Hour)}
	return c, nil
}

func (s *Referrals) ClaimInvite(_ context.Context, code string, user int64) (referrals.Partner, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.Fail != nil {
		return referrals.Partner{}, false, s.Fail
	}
	inv, ok := s.invites[code]
	delete(s.invites, code)
	if !ok || s.now().After(inv.expires) {
		return referrals.Partner{}, false, nil
	}
	p := referrals.Partner{User: user, Org: inv.org, Since: s.now()}
	s.partners[user] = p
	return p, true, nil
}

// Lifetimes implements referrals.Store: the Redis store's defaults.
func (s *Referrals) Lifetimes() (link, afterClosed time.Duration) {
	return 30 * 24 * time.Hour, 180 * 24 * time.Hour
}

func (s *Referrals) Partner(_ context.Context, user int64) (referrals.Partner, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.Fail != nil {
		return referrals.Partner{}, false, s.Fail
	}
	p, ok := s.partners[user]
	return p, ok, nil
}

func (s *Referrals) Partners(context.Context) ([]referrals.Partner, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.Fail != nil {
		return nil, s.Fail
	}
	var out []referrals.Partner
	for _, p := range s.partners {
		out = append(out, p)
	}
	slices.SortFunc(out, func(a, b referrals.Partner) int { return int(a.User - b.User) })
	return out, nil
}

func (s *Referrals) RevokePartner(_ context.Context, user int64) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.Fail != nil {
		return false, s.Fail
	}
	_, ok := s.partners[user]
	delete(s.partners, user)
	return ok, nil
}

func (s *Referrals) CreateReferral(_ context.Context, r referrals.Referral) (referrals.Referral, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.Fail != nil {
		return referrals.Referral{}, s.Fail
	}
	now, lately := s.now(), 0
	for _, c := range s.made {
		if old := s.refs[c]; old.Partner == r.Partner && now.Sub(old.Created) < time.Hour {
			lately++
		}
	}
	if lately >= ReferralsPerHour {
		return referrals.Referral{}, referrals.ErrRateLimited
	}
	r.Code, r.Created, r.Expires = code(), now, now.Add(30*24*time.Hour)
	s.refs[r.Code] = r
	s.made = append(s.made, r.Code)
	return r, nil
}

func (s *Referrals) ClaimReferral(_ context.Context, code string, client int64) (referrals.Referral, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.Fail != nil {
		return referrals.Referral{}, false, s.Fail
	}
	r, ok := s.refs[code]
	switch {
	case !ok:
		return referrals.Referral{}, false, nil
	case r.Client == client:
		return r, true, nil // claimed by them before
	case r.Client != 0:
		return referrals.Referral{}, false, nil
	case s.now().After(r.Expires):
		return referrals.Referral{}, false, nil
	case r.Partner == client:
		return referrals.Referral{}, false, referrals.ErrOwnReferral
	}
	r.Client, r.Opened = client, s.now()
	s.refs[code] = r
	r.JustOpened = true
	return r, true, nil
}

func (s *Referrals) Referral(_ context.Context, code string) (referrals.Referral, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.Fail != nil {
		return referrals.Referral{}, false, s.Fail
	}
	r, ok := s.refs[code]
	return r, ok, nil
}

func (s *Referrals) UpdateReferral(_ context.Context, code string, fn func(*referrals.Referral)) (referrals.Referral, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.Fail != nil {
		return referrals.Referral{}, false, s.Fail
	}
	r, ok := s.refs[code]
	if !ok {
		return referrals.Referral{}, false, nil
	}
	r.Matched = slices.Clone(r.Matched)
	r.History = slices.Clone(r.History)
	fn(&r)
	s.refs[code] = r
	return r, true, nil
}

func (s *Referrals) PartnerReferrals(_ context.Context, partner int64, offset, limit int) ([]referrals.Referral, int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.Fail != nil {
		return nil, 0, s.Fail
	}
	var all []referrals.Referral
	for i := len(s.made) - 1; i >= 0; i-- { // newest first
		if r, ok := s.refs[s.made[i]]; ok && r.Partner == partner {
			all = append(all, r)
		}
	}
	if offset >= len(all) {
		return nil, len(all), nil
	}
	return all[offset:min(len(all), offset+limit)], len(all), nil
}

func (s *Referrals) OrgReferrals(_ context.Context, org string, offset, limit int) ([]referrals.Referral, int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.Fail != nil {
		return nil, 0, s.Fail
	}
	var all []referrals.Referral
	for i := len(s.made) - 1; i >= 0; i-- { // newest first
		if r, ok := s.refs[s.made[i]]; ok && r.Org == org {
			r.History = slices.Clone(r.History)
			all = append(all, r)
		}
	}
	if offset >= len(all) {
		return nil, len(all), nil
	}
	if limit < 0 {
		return all[offset:], len(all), nil
	}
	return all[offset:min(len(all), offset+limit)], len(all), nil
}

func (s *Referrals) SetPartnerLang(_ context.Context, user int64, lang content.Lang) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.Fail != nil {
		return s.Fail
	}
	if p, ok := s.partners[user]; ok {
		p.Lang = lang
		s.partners[user] = p
	}
	return nil
}

func (s *Referrals) ClientReferrals(_ context.Context, client int64) ([]referrals.Referral, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.Fail != nil {
		return nil, s.Fail
	}
	var out []referrals.Referral
	for _, c := range s.made {
		if r, ok := s.refs[c]; ok && r.Client == client {
			out = append(out, r)
		}
	}
	return out, nil
}

func (s *Referrals) Forget(_ context.Context, user int64) ([]referrals.Referral, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.Fail != nil {
		return nil, s.Fail
	}
	var mine []referrals.Referral
	p, staff := s.partners[user]
	for c, r := range s.refs {
		switch {
		case r.Client == user:
			mine = append(mine, r)
			delete(s.refs, c)
		case staff && r.Org == p.Org: // the organisation's: kept, unnamed, as store.Referrals does
			if r.Partner == user {
				r.Partner = 0
			}
			r.History = slices.Clone(r.History)
			for i := range r.History {
				if r.History[i].By == user {
					r.History[i].By = 0
				}
			}
			s.refs[c] = r
		case r.Partner == user:
			delete(s.refs, c)
		}
	}
	delete(s.partners, user)
	return mine, nil
}
