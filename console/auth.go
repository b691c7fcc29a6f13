package console

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Errors of initData validation; the handler answers every one of them alike (404).
var (
	ErrInitDataHash    = errors.New("initData: the hash does not match")
	ErrInitDataOld     = errors.New("initData: auth_date is too old")
	ErrInitDataMissing = errors.New("initData: a field is missing")
)

// WebAppUser is the part of a Mini App's initData the console uses.
type WebAppUser struct {
	ID           int64  `json:"id"`
	LanguageCode string `json:"language_code"`
}

// ValidateInitData checks a Telegram Mini App's initData as Telegram documents it
// ("Validating data received via the Mini App"): the data-check-string is every field but
// hash, as key=value sorted by key and joined by "\n"; the secret key is
// HMAC-SHA256(key "WebAppData", message bot token); the hash is the hex HMAC-SHA256 of the
// data-check-string under the secret key. auth_date older than maxAge (or more than a
// minute in the future) is refused, so a captured initData does not open the console later.
func ValidateInitData(initData, botToken string, now time.Time, maxAge time.Duration) (WebAppUser, error) {
	values, err := url.ParseQuery(initData)
	if err != nil || botToken == "" {
		return WebAppUser{}, ErrInitDataMissing
	}
	got, err := hex.DecodeString(values.Get("hash"))
	if err != nil || len(got) != sha256.Size {
		return WebAppUser{}, ErrInitDataMissing
	}
	lines := make([]string, 0, len(values))
	for k, vs := range values {
		if k == "hash" {
			continue
		}
		if len(vs) != 1 { // a field given twice is not something Telegram signs
			return WebAppUser{}, ErrInitDataHash
		}
		lines = append(lines, k+"="+vs[0])
	}
	sort.Strings(lines)
	secret := hmacSHA256([]byte("WebAppData"), []byte(botToken))
	want := hmacSHA256(secret, []byte(strings.Join(lines, "\n")))
	if !hmac.Equal(got, want) {
		return WebAppUser{}, ErrInitDataHash
	}
	authDate, err := strconv.ParseInt(values.Get("auth_date"), 10, 64)
	if err != nil {
		return WebAppUser{}, ErrInitDataMissing
	}
	at := time.Unix(authDate, 0)
	if now.Sub(at) > maxAge || at.Sub(now) > time.Minute {
		return WebAppUser{}, ErrInitDataOld
	}
	var user WebAppUser
	if err := json.Unmarshal([]byte(values.Get("user")), &user); err != nil || user.ID == 0 {
		return WebAppUser{}, ErrInitDataMissing
	}
	return user, nil
}

func hmacSHA256(key, msg []byte) []byte {
	m := hmac.New(sha256.New, key)
	m.Write(msg)
	return m.Sum(nil)
}

// tokenBytes is the size of every secret the console hands out: login tokens, session ids
// and CSRF tokens.
const tokenBytes = 32

// newToken is 32 random bytes from crypto/rand, in URL-safe base64 (43 characters).
func newToken() string {
	var b [tokenBytes]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on the platforms Go supports
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// wellFormed reports whether s can be a token newToken made: a request with anything else
// is refused before the store is asked.
func wellFormed(s string) bool {
	b, err := base64.RawURLEncoding.DecodeString(s)
	return err == nil && len(b) == tokenBytes
}

// storeKey is what the store keeps a secret under: its SHA-256, so whoever reads the store
// (a backup, a MONITOR) cannot sign in with what they read.
func storeKey(kind, secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return kind + ":" + hex.EncodeToString(sum[:])
}

// sameToken compares two tokens in constant time.
func sameToken(a, b string) bool {
	return a != "" && subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}
