package secret

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"testing"
)

// testKey returns a fixed key, so failures are reproducible.
func testKey(t testing.TB, fill byte) *Key {
	t.Helper()
	k, err := ParseKey(base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{fill}, KeySize)))
	if err != nil {
		t.Fatalf("ParseKey: %v", err)
	}
	return k
}

const ctxNote = "referral-note:AbCdEf0123456789"

func TestSealOpenRoundTrip(t *testing.T) {
	k := testKey(t, 7)
	for _, plaintext := range [][]byte{
		nil,
		{},
		[]byte("x"),
		[]byte("Сәлеметсіз бе! Құжаттарды сейсенбіде әкеліңіз."),
		bytes.Repeat([]byte{0, 1, 2, 0xff}, 16<<10),
	} {
		sealed, err := k.Seal(plaintext, ctxNote)
		if err != nil {
			t.Fatalf("Seal(%d bytes): %v", len(plaintext), err)
		}
		if got, want := len(sealed), len(plaintext)+Overhead; got != want {
			t.Errorf("len(sealed) = %d, want %d", got, want)
		}
		if sealed[0] != version1 {
			t.Errorf("version byte = %d, want %d", sealed[0], version1)
		}
		if len(plaintext) >= 8 && bytes.Contains(sealed, plaintext[:8]) {
			t.Errorf("sealed data contains the plaintext")
		}
		got, err := k.Open(sealed, ctxNote)
		if err != nil {
			t.Fatalf("Open(%d bytes): %v", len(plaintext), err)
		}
		if !bytes.Equal(got, plaintext) {
			t.Errorf("Open = %q, want %q", got, plaintext)
		}
		if got == nil {
			t.Errorf("Open returned nil for a successful open, want non-nil")
		}
	}
}

func TestOpenRejectsTampering(t *testing.T) {
	k := testKey(t, 7)
	sealed, err := k.Seal([]byte("screener answers: disability group II"), ctxNote)
	if err != nil {
		t.Fatal(err)
	}
	for i := range sealed {
		for _, mask := range []byte{0x01, 0x80, 0xff} {
			bad := bytes.Clone(sealed)
			bad[i] ^= mask
			if _, err := k.Open(bad, ctxNote); !errors.Is(err, ErrCorrupt) {
				t.Fatalf("byte %d ^ %#x: Open error = %v, want ErrCorrupt", i, mask, err)
			}
		}
	}
	for n := 0; n < len(sealed); n++ {
		if _, err := k.Open(sealed[:n], ctxNote); !errors.Is(err, ErrCorrupt) {
			t.Fatalf("truncated to %d bytes: Open error = %v, want ErrCorrupt", n, err)
		}
	}
	if _, err := k.Open(append(bytes.Clone(sealed), 0), ctxNote); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("one byte appended: Open error = %v, want ErrCorrupt", err)
	}
}

func TestOpenRejectsWrongContext(t *testing.T) {
	k := testKey(t, 7)
	sealed, err := k.Seal([]byte("note"), "referral-note:AAAA")
	if err != nil {
		t.Fatal(err)
	}
	for _, ctx := range []string{"referral-note:AAAB", "referral-note:", "", "screener:AAAA", "referral-note:AAAA "} {
		if _, err := k.Open(sealed, ctx); !errors.Is(err, ErrCorrupt) {
			t.Errorf("context %q: Open error = %v, want ErrCorrupt", ctx, err)
		}
	}
}

func TestOpenRejectsWrongKey(t *testing.T) {
	sealed, err := testKey(t, 7).Seal([]byte("note"), ctxNote)
	if err != nil {
		t.Fatal(err)
	}
	other, err := ParseKey(GenerateKey())
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []*Key{testKey(t, 8), other} {
		if _, err := k.Open(sealed, ctxNote); !errors.Is(err, ErrCorrupt) {
			t.Errorf("Open with another key: error = %v, want ErrCorrupt", err)
		}
	}
}

func TestOpenRejectsUnknownVersion(t *testing.T) {
	k := testKey(t, 7)
	sealed, err := k.Seal([]byte("note"), ctxNote)
	if err != nil {
		t.Fatal(err)
	}
	sealed[0] = 2
	_, err = k.Open(sealed, ctxNote)
	if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), "version 2") {
		t.Errorf("Open error = %v, want ErrCorrupt naming version 2", err)
	}
}

func TestSealIsRandomized(t *testing.T) {
	k := testKey(t, 7)
	seen := map[string]bool{}
	nonces := map[string]bool{}
	for range 100 {
		sealed, err := k.Seal([]byte("same plaintext"), ctxNote)
		if err != nil {
			t.Fatal(err)
		}
		if seen[string(sealed)] {
			t.Fatalf("two seals of the same plaintext are equal")
		}
		seen[string(sealed)] = true
		nonce := string(sealed[1 : 1+nonceSize])
		if nonces[nonce] {
			t.Fatalf("nonce repeated")
		}
		nonces[nonce] = true
	}
}

func TestSealStringOpenString(t *testing.T) {
	k := testKey(t, 7)
	const note = "Приходите во вторник с паспортом / Сейсенбіде келіңіз"
	s, err := k.SealString(note, ctxNote)
	if err != nil {
		t.Fatal(err)
	}
	if strings.ContainsAny(s, "+/=\n") {
		t.Errorf("SealString = %q, want unpadded URL-safe base64", s)
	}
	got, err := k.OpenString(s, ctxNote)
	if err != nil {
		t.Fatalf("OpenString: %v", err)
	}
	if got != note {
		t.Errorf("OpenString = %q, want %q", got, note)
	}
	if _, err := k.OpenString(s, "referral-note:other"); !errors.Is(err, ErrCorrupt) {
		t.Errorf("OpenString with another context: error = %v, want ErrCorrupt", err)
	}
	for _, bad := range []string{"", "!!!!", s + "=", s[:len(s)-1], "A" + s[1:]} {
		if bad == s {
			continue
		}
		if _, err := k.OpenString(bad, ctxNote); !errors.Is(err, ErrCorrupt) {
			t.Errorf("OpenString(%q): error = %v, want ErrCorrupt", bad, err)
		}
	}
}

func TestParseKeyRejectsBadKeys(t *testing.T) {
	for _, tc := range []struct {
		name, input, want string
	}{
		{"empty", "", "empty"},
		{"blank", " \n\t", "empty"},
		{"12 bytes", base64.StdEncoding.EncodeToString([]byte("0123456789ab")), "got 12 bytes"},
		{"31 bytes", base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{9}, 31)), "got 31 bytes"},
		{"33 bytes", base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{9}, 33)), "got 33 bytes"},
		{"64 bytes", base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{9}, 64)), "got 64 bytes"},
		{"hex", strings.Repeat("ab", 32), "base64"},
		{"not base64", "this is my super secret password!", "not valid base64"},
		{"bad padding", "c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0c2U===", "base64"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			k, err := ParseKey(tc.input)
			if err == nil {
				t.Fatalf("ParseKey accepted %s: %v", tc.name, k)
			}
			msg := err.Error()
			if !strings.Contains(msg, "DATA_KEY") || !strings.Contains(msg, "32 bytes") {
				t.Errorf("error %q does not say DATA_KEY must be 32 bytes", msg)
			}
			if !strings.Contains(msg, tc.want) {
				t.Errorf("error %q does not contain %q", msg, tc.want)
			}
			if in := strings.TrimSpace(tc.input); in != "" {
				// Neither the input nor any sizeable piece of it may appear.
				for i := 0; i+6 <= len(in); i++ {
					if strings.Contains(msg, in[i:i+6]) {
						t.Fatalf("error %q echoes part of the key %q", msg, in[i:i+6])
					}
				}
			}
		})
	}
}

func TestParseKeyAcceptsEncodings(t *testing.T) {
	raw := make([]byte, KeySize)
	for i := range raw {
		raw[i] = byte(0xf8 + i) // bytes that give '+' '/' (or '-' '_') in base64
	}
	want, err := newKey(raw)
	if err != nil {
		t.Fatal(err)
	}
	sealed, err := want.Seal([]byte("note"), ctxNote)
	if err != nil {
		t.Fatal(err)
	}
	for name, s := range map[string]string{
		"std":          base64.StdEncoding.EncodeToString(raw),
		"raw std":      base64.RawStdEncoding.EncodeToString(raw),
		"url":          base64.URLEncoding.EncodeToString(raw),
		"raw url":      base64.RawURLEncoding.EncodeToString(raw),
		"with newline": base64.StdEncoding.EncodeToString(raw) + "\n",
		"with spaces":  "  " + base64.StdEncoding.EncodeToString(raw) + " ",
	} {
		k, err := ParseKey(s)
		if err != nil {
			t.Errorf("%s: ParseKey: %v", name, err)
			continue
		}
		if got, err := k.Open(sealed, ctxNote); err != nil || string(got) != "note" {
			t.Errorf("%s: parsed key opens to %q, %v; want the same key", name, got, err)
		}
	}
}

func TestGenerateKey(t *testing.T) {
	a, b := GenerateKey(), GenerateKey()
	if a == b {
		t.Fatalf("GenerateKey returned the same key twice")
	}
	raw, err := base64.StdEncoding.DecodeString(a)
	if err != nil || len(raw) != KeySize {
		t.Fatalf("GenerateKey = %q: %d bytes, %v; want standard base64 of %d bytes", a, len(raw), err, KeySize)
	}
	k, err := ParseKey(a)
	if err != nil {
		t.Fatalf("ParseKey(GenerateKey()): %v", err)
	}
	s, err := k.SealString("x", "c")
	if err != nil {
		t.Fatal(err)
	}
	if got, err := k.OpenString(s, "c"); err != nil || got != "x" {
		t.Fatalf("round trip with a generated key = %q, %v", got, err)
	}
}

func TestKeyIsRedactedWhenPrinted(t *testing.T) {
	raw := []byte("0123456789abcdef0123456789ABCDEF")
	k, err := newKey(raw)
	if err != nil {
		t.Fatal(err)
	}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
		out := fmt.Sprintf(verb, k)
		if strings.Contains(out, "0123456789") || !strings.Contains(out, "redacted") {
			t.Errorf("Sprintf(%q, key) = %q, want it redacted", verb, out)
		}
	}
}

func TestNilKey(t *testing.T) {
	for _, k := range []*Key{nil, {}} {
		if _, err := k.Seal([]byte("x"), "c"); err == nil {
			t.Errorf("Seal on %#v: no error", k)
		}
		if _, err := k.Open(make([]byte, 64), "c"); err == nil {
			t.Errorf("Open on %#v: no error", k)
		}
		if _, err := k.SealString("x", "c"); err == nil {
			t.Errorf("SealString on %#v: no error", k)
		}
		if _, err := k.OpenString("AAAA", "c"); err == nil {
			t.Errorf("OpenString on %#v: no error", k)
		}
	}
}

func TestConcurrentUse(t *testing.T) {
	k := testKey(t, 7)
	done := make(chan error)
	for g := range 8 {
		go func() {
			for i := range 50 {
				ctx := fmt.Sprintf("referral-note:%d-%d", g, i)
				s, err := k.SealString(ctx, ctx)
				if err == nil {
					var got string
					got, err = k.OpenString(s, ctx)
					if err == nil && got != ctx {
						err = fmt.Errorf("got %q, want %q", got, ctx)
					}
				}
				if err != nil {
					done <- err
					return
				}
			}
			done <- nil
		}()
	}
	for range 8 {
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
}

func FuzzOpen(f *testing.F) {
	k := testKey(f, 7)
	valid, err := k.Seal([]byte("note"), ctxNote)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(valid, ctxNote)
	f.Add(valid, "")
	f.Add([]byte{}, "")
	f.Add([]byte{version1}, ctxNote)
	f.Add(make([]byte, Overhead), ctxNote)
	f.Add(append([]byte{2}, valid[1:]...), ctxNote)
	f.Fuzz(func(t *testing.T, sealed []byte, context string) {
		got, err := k.Open(sealed, context)
		if err != nil {
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("Open error %v does not wrap ErrCorrupt", err)
			}
			if got != nil {
				t.Fatalf("Open returned %q with an error", got)
			}
		} else if context != ctxNote || string(got) != "note" {
			// Only a genuine seal of "note" under ctxNote (the seed, or one
			// from an earlier run of this fuzz test) can open; anything else
			// opening would be a forgery.
			t.Fatalf("Open(%x, %q) = %q, want an error", sealed, context, got)
		}
		s := base64.RawURLEncoding.EncodeToString(sealed)
		if _, err := k.OpenString(s, context); (err == nil) != (got != nil) {
			t.Fatalf("OpenString disagrees with Open: %v", err)
		}
		if _, err := k.OpenString(string(sealed), context); err != nil && !errors.Is(err, ErrCorrupt) {
			t.Fatalf("OpenString error %v does not wrap ErrCorrupt", err)
		}
	})
}

func TestDigestIsStableAndKeyed(t *testing.T) {
	a, b := testKey(t, 1), testKey(t, 2)
	q := []byte("айгерим сапарова")
	d := a.Digest("misses:2026-11-22", q)
	if len(d) != DigestSize || !bytes.Equal(d, a.Digest("misses:2026-11-22", q)) {
		t.Fatalf("Digest is not a stable %d bytes: %x", DigestSize, d)
	}
	for what, other := range map[string][]byte{
		"another key":     b.Digest("misses:2026-11-22", q),
		"another context": a.Digest("misses:2026-11-23", q),
		"other data":      a.Digest("misses:2026-11-22", []byte("айгерим сапарова.")),
		"no key":          (*Key)(nil).Digest("misses:2026-11-22", q),
	} {
		if bytes.Equal(d, other) {
			t.Errorf("the digest under %s is the same", what)
		}
	}
	plain := sha256.Sum256(append([]byte("misses:2026-11-22\x00"), q...))
	if !bytes.Equal((*Key)(nil).Digest("misses:2026-11-22", q), plain[:DigestSize]) {
		t.Error("without a key, Digest is not SHA-256 of context, NUL and data")
	}
}
