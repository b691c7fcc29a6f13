// Package secret encrypts personal items at rest: a note from a social worker
// to a client, a client's screener answers shared with a referrer.
//
// It uses AES-256-GCM from the standard library. A sealed item is
//
//	version (1 byte) || nonce (12 random bytes) || ciphertext || GCM tag (16 bytes)
//
// The version byte lets the key or the format rotate later: Open reads it
// before anything else and refuses versions it does not know. The caller's
// context string (for example "referral-note:<code>") is bound as additional
// authenticated data together with the version byte, so a ciphertext copied
// onto another record, or under another version, fails to open.
//
// Every failure to open — too short, unknown version, wrong key, wrong
// context, any changed byte — is reported as an error wrapping ErrCorrupt;
// none of them panics, and no error message contains key material or
// plaintext.
//
// A key is 32 random bytes written as base64 in the DATA_KEY setting; make
// one with GenerateKey, or with
//
//	head -c 32 /dev/urandom | base64
package secret

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"hash"
	"strings"
)

// KeySize is the length in bytes of a key: AES-256.
const KeySize = 32

const (
	version1  byte = 1
	nonceSize      = 12
	tagSize        = 16
	// Overhead is how many bytes Seal adds to the plaintext:
	// the version byte, the nonce and the GCM tag.
	Overhead = 1 + nonceSize + tagSize
)

// ErrCorrupt is wrapped by every error from Open and OpenString about the
// sealed data itself: malformed, truncated, of an unknown version, tampered
// with, or sealed under another key or context. Test for it with errors.Is.
var ErrCorrupt = errors.New("secret: sealed data is corrupt or was sealed under another key or context")

// errNoKey is returned when a method is called on a nil or zero Key.
var errNoKey = errors.New("secret: no key (use ParseKey)")

// Key is an AES-256-GCM key, ready to seal and open. It is safe for
// concurrent use. Its zero value is not usable; make one with ParseKey.
type Key struct {
	aead cipher.AEAD
	mac  []byte // the key of Digest, derived from the data key
}

// ParseKey reads a key from base64 of exactly 32 bytes. It accepts standard
// and URL-safe base64, padded or not, and ignores surrounding whitespace (a
// trailing newline from a file or an env var). Its errors say what is wrong
// without repeating the input.
func ParseKey(b64 string) (*Key, error) {
	s := strings.TrimSpace(b64)
	if s == "" {
		return nil, fmt.Errorf("DATA_KEY is empty; it must be base64 of %d bytes", KeySize)
	}
	raw, ok := decodeAnyBase64(s)
	if !ok {
		// The decoder's own error names the offending byte's position; that
		// is not needed, and the input itself must not appear.
		return nil, fmt.Errorf("DATA_KEY must be base64 of %d bytes, but it is not valid base64", KeySize)
	}
	if len(raw) != KeySize {
		return nil, fmt.Errorf("DATA_KEY must be base64 of %d bytes, got %d bytes", KeySize, len(raw))
	}
	return newKey(raw)
}

func newKey(raw []byte) (*Key, error) {
	block, err := aes.NewCipher(raw)
	if err != nil {
		return nil, fmt.Errorf("secret: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("secret: %w", err)
	}
	derive := hmac.New(sha256.New, raw)
	derive.Write([]byte("qamqor digest key v1"))
	return &Key{aead: aead, mac: derive.Sum(nil)}, nil
}

// decodeAnyBase64 decodes s as standard or URL-safe base64, padded or not.
// The four alphabets agree wherever more than one of them accepts a string.
func decodeAnyBase64(s string) ([]byte, bool) {
	for _, enc := range []*base64.Encoding{
		base64.StdEncoding,
		base64.RawStdEncoding,
		base64.URLEncoding,
		base64.RawURLEncoding,
	} {
		if b, err := enc.DecodeString(s); err == nil {
			return b, true
		}
	}
	return nil, false
}

// GenerateKey returns a fresh random key as standard base64, for DATA_KEY.
func GenerateKey() string {
	raw := make([]byte, KeySize)
	// crypto/rand.Read never fails on supported platforms (it crashes the
	// program instead); the check is kept for older semantics.
	if _, err := rand.Read(raw); err != nil {
		panic("secret: crypto/rand failed: " + err.Error())
	}
	return base64.StdEncoding.EncodeToString(raw)
}

// String keeps key material out of logs.
func (k *Key) String() string { return "secret.Key(redacted)" }

// GoString keeps key material out of %#v.
func (k *Key) GoString() string { return k.String() }

// Seal encrypts plaintext, bound to context. The result is Overhead bytes
// longer than plaintext, and differs on every call. Open must be given the
// same context.
func (k *Key) Seal(plaintext []byte, context string) ([]byte, error) {
	if k == nil || k.aead == nil {
		return nil, errNoKey
	}
	out := make([]byte, 1+nonceSize, Overhead+len(plaintext))
	out[0] = version1
	nonce := out[1 : 1+nonceSize]
	if _, err := rand.Read(nonce); err != nil {
		return nil, fmt.Errorf("secret: reading a nonce: %w", err)
	}
	return k.aead.Seal(out, nonce, plaintext, additionalData(version1, context)), nil
}

// Open decrypts what Seal returned for the same context. Any error about the
// data wraps ErrCorrupt.
func (k *Key) Open(sealed []byte, context string) ([]byte, error) {
	if k == nil || k.aead == nil {
		return nil, errNoKey
	}
	if len(sealed) < Overhead {
		return nil, fmt.Errorf("%w: %d bytes is shorter than the %d-byte minimum", ErrCorrupt, len(sealed), Overhead)
	}
	if v := sealed[0]; v != version1 {
		return nil, fmt.Errorf("%w: unknown format version %d", ErrCorrupt, v)
	}
	nonce := sealed[1 : 1+nonceSize]
	plaintext, err := k.aead.Open(nil, nonce, sealed[1+nonceSize:], additionalData(version1, context))
	if err != nil {
		return nil, fmt.Errorf("%w: authentication failed", ErrCorrupt)
	}
	if plaintext == nil {
		plaintext = []byte{}
	}
	return plaintext, nil
}

// SealString seals plaintext and returns it as unpadded URL-safe base64, for
// a Redis hash field or any other text store.
func (k *Key) SealString(plaintext, context string) (string, error) {
	sealed, err := k.Seal([]byte(plaintext), context)
	if err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(sealed), nil
}

// OpenString opens what SealString returned for the same context. Input that
// is not unpadded URL-safe base64 is reported as ErrCorrupt too.
func (k *Key) OpenString(sealed, context string) (string, error) {
	if k == nil || k.aead == nil {
		return "", errNoKey
	}
	raw, err := base64.RawURLEncoding.DecodeString(sealed)
	if err != nil {
		return "", fmt.Errorf("%w: not unpadded URL-safe base64", ErrCorrupt)
	}
	plaintext, err := k.Open(raw, context)
	if err != nil {
		return "", err
	}
	return string(plaintext), nil
}

// DigestSize is the length in bytes of what Digest returns.
const DigestSize = 16

// Digest returns a keyed digest of data in context (HMAC-SHA-256 under a key derived from
// the data key, cut to DigestSize bytes): the same data and context give the same digest,
// and without the key nobody can tell what was digested or test a guess. With a nil key it
// is a plain SHA-256, which anyone can recompute.
func (k *Key) Digest(context string, data []byte) []byte {
	var h hash.Hash
	if k == nil || k.mac == nil {
		h = sha256.New()
	} else {
		h = hmac.New(sha256.New, k.mac)
	}
	h.Write([]byte(context))
	h.Write([]byte{0})
	h.Write(data)
	return h.Sum(nil)[:DigestSize]
}

// additionalData binds the format version and the caller's context.
func additionalData(version byte, context string) []byte {
	ad := make([]byte, 0, 1+len(context))
	ad = append(ad, version)
	return append(ad, context...)
}
