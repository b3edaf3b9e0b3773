package auth

import (
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"testing"
)

var phcPattern = regexp.MustCompile(`^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$`)

func TestHasherPresets(t *testing.T) {
	if got, want := DefaultHasher(), (Hasher{Time: 2, MemoryKiB: 19456, Threads: 1}); got != want {
		t.Errorf("DefaultHasher() = %+v; want %+v", got, want)
	}
	if got, want := FastHasher(), (Hasher{Time: 1, MemoryKiB: 64, Threads: 1}); got != want {
		t.Errorf("FastHasher() = %+v; want %+v", got, want)
	}
}

func TestHashAndVerify(t *testing.T) {
	h := FastHasher()
	tests := []struct {
		name     string
		password string
		attempt  string
		want     bool
	}{
		{"match", "correct horse battery staple", "correct horse battery staple", true},
		{"mismatch", "correct horse battery staple", "correct horse battery stapl", false},
		{"case sensitive", "Secret123", "secret123", false},
		{"trailing space matters", "Secret123", "Secret123 ", false},
		{"empty matches empty", "", "", true},
		{"empty vs non-empty", "", "x", false},
		{"unicode", "pässwörd-日本語-🔑", "pässwörd-日本語-🔑", true},
		{"unicode normalisation not applied", "caf\u00e9", "cafe\u0301", false},
		{"long", strings.Repeat("x", 1024), strings.Repeat("x", 1024), true},
		{"long mismatch last byte", strings.Repeat("x", 1024), strings.Repeat("x", 1023) + "y", false},
		{"nul byte", "a\x00b", "a\x00b", true},
		{"nul truncation", "a\x00b", "a", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			enc, err := h.Hash(tc.password)
			if err != nil {
				t.Fatalf("Hash: %v", err)
			}
			ok, err := Verify(enc, tc.attempt)
			if err != nil {
				t.Fatalf("Verify: %v", err)
			}
			if ok != tc.want {
				t.Errorf("Verify(%q) = %v; want %v", tc.attempt, ok, tc.want)
			}
		})
	}
}

func TestHashFormat(t *testing.T) {
	tests := []struct {
		name   string
		h      Hasher
		prefix string
	}{
		{"default", DefaultHasher(), "$argon2id$v=19$m=19456,t=2,p=1$"},
		{"fast", FastHasher(), "$argon2id$v=19$m=64,t=1,p=1$"},
		{"custom", Hasher{Time: 3, MemoryKiB: 256, Threads: 4}, "$argon2id$v=19$m=256,t=3,p=4$"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			enc, err := tc.h.Hash("hunter22")
			if err != nil {
				t.Fatalf("Hash: %v", err)
			}
			if !strings.HasPrefix(enc, tc.prefix) {
				t.Errorf("Hash = %q; want prefix %q", enc, tc.prefix)
			}
			m := phcPattern.FindStringSubmatch(enc)
			if m == nil {
				t.Fatalf("Hash = %q does not match PHC pattern", enc)
			}
			salt, err := base64.RawStdEncoding.DecodeString(m[4])
			if err != nil || len(salt) != 16 {
				t.Errorf("salt %q: len %d, err %v; want 16 bytes", m[4], len(salt), err)
			}
			key, err := base64.RawStdEncoding.DecodeString(m[5])
			if err != nil || len(key) != 32 {
				t.Errorf("key %q: len %d, err %v; want 32 bytes", m[5], len(key), err)
			}
			// Verification uses the encoded parameters, not a Hasher.
			if ok, err := Verify(enc, "hunter22"); err != nil || !ok {
				t.Errorf("Verify = %v, %v; want true, nil", ok, err)
			}
			if ok, err := Verify(enc, "hunter23"); err != nil || ok {
				t.Errorf("Verify(wrong) = %v, %v; want false, nil", ok, err)
			}
		})
	}
}

func TestHashSaltsDiffer(t *testing.T) {
	h := FastHasher()
	const n = 50
	hashes := make(map[string]bool, n)
	salts := make(map[string]bool, n)
	for range n {
		enc, err := h.Hash("same password")
		if err != nil {
			t.Fatalf("Hash: %v", err)
		}
		m := phcPattern.FindStringSubmatch(enc)
		if m == nil {
			t.Fatalf("Hash = %q does not match PHC pattern", enc)
		}
		if hashes[enc] {
			t.Fatalf("duplicate hash %q", enc)
		}
		if salts[m[4]] {
			t.Fatalf("duplicate salt %q", m[4])
		}
		hashes[enc], salts[m[4]] = true, true
		if ok, err := Verify(enc, "same password"); err != nil || !ok {
			t.Fatalf("Verify = %v, %v; want true, nil", ok, err)
		}
	}
}

// TestVerifyKnownAnswer checks interoperability with the reference
// implementation using the argon2id vectors from golang.org/x/crypto
// (password "password", salt "somesalt", 24-byte key).
func TestVerifyKnownAnswer(t *testing.T) {
	salt := base64.RawStdEncoding.EncodeToString([]byte("somesalt"))
	tests := []struct {
		name    string
		params  string
		hexKey  string
		attempt string
		want    bool
	}{
		{"t1 match", "m=64,t=1,p=1", "655ad15eac652dc59f7170a7332bf49b8469be1fdb9c28bb", "password", true},
		{"t2 match", "m=64,t=2,p=1", "068d62b26455936aa6ebe60060b0a65870dbfa3ddf8d41f7", "password", true},
		{"t1 wrong password", "m=64,t=1,p=1", "655ad15eac652dc59f7170a7332bf49b8469be1fdb9c28bb", "Password", false},
		{"t1 key with t2 params", "m=64,t=2,p=1", "655ad15eac652dc59f7170a7332bf49b8469be1fdb9c28bb", "password", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			key, err := hex.DecodeString(tc.hexKey)
			if err != nil {
				t.Fatal(err)
			}
			enc := fmt.Sprintf("$argon2id$v=19$%s$%s$%s", tc.params, salt, base64.RawStdEncoding.EncodeToString(key))
			ok, err := Verify(enc, tc.attempt)
			if err != nil {
				t.Fatalf("Verify(%q): %v", enc, err)
			}
			if ok != tc.want {
				t.Errorf("Verify(%q, %q) = %v; want %v", enc, tc.attempt, ok, tc.want)
			}
		})
	}
	// Literal string as produced by the reference CLI, guarding the format.
	const literal = "$argon2id$v=19$m=64,t=1,p=1$c29tZXNhbHQ$ZVrRXqxlLcWfcXCnMyv0m4Rpvh/bnCi7"
	if ok, err := Verify(literal, "password"); err != nil || !ok {
		t.Errorf("Verify(literal) = %v, %v; want true, nil", ok, err)
	}
}

func TestVerifyMalformed(t *testing.T) {
	h := FastHasher()
	good, err := h.Hash("password")
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(good, "$")
	salt, key := parts[4], parts[5]
	with := func(params string) string {
		return "$argon2id$v=19$" + params + "$" + salt + "$" + key
	}
	b64 := base64.RawStdEncoding.EncodeToString

	tests := []struct {
		name    string
		encoded string
	}{
		{"empty", ""},
		{"plain text", "password"},
		{"bcrypt", "$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy"},
		{"argon2i", strings.Replace(good, "$argon2id$", "$argon2i$", 1)},
		{"argon2d", strings.Replace(good, "$argon2id$", "$argon2d$", 1)},
		{"upper-case algorithm", strings.Replace(good, "$argon2id$", "$ARGON2ID$", 1)},
		{"version 16", strings.Replace(good, "$v=19$", "$v=16$", 1)},
		{"version missing", "$argon2id$m=64,t=1,p=1$" + salt + "$" + key},
		{"version leading zero", strings.Replace(good, "$v=19$", "$v=019$", 1)},
		{"no leading dollar", strings.TrimPrefix(good, "$")},
		{"trailing dollar", good + "$"},
		{"extra field", good + "$abc"},
		{"missing key", "$argon2id$v=19$m=64,t=1,p=1$" + salt},
		{"empty key", "$argon2id$v=19$m=64,t=1,p=1$" + salt + "$"},
		{"params reordered", with("t=1,m=64,p=1")},
		{"params missing p", with("m=64,t=1")},
		{"params extra", with("m=64,t=1,p=1,x=2")},
		{"params with data", with("m=64,t=1,p=1,data=abc")},
		{"params spaces", with("m=64, t=1, p=1")},
		{"param non-numeric", with("m=abc,t=1,p=1")},
		{"param empty", with("m=,t=1,p=1")},
		{"param negative", with("m=64,t=-1,p=1")},
		{"param plus sign", with("m=+64,t=1,p=1")},
		{"param leading zero", with("m=064,t=1,p=1")},
		{"param hex", with("m=0x40,t=1,p=1")},
		{"param overflow uint32", with("m=4294967296,t=1,p=1")},
		{"memory too large", with("m=1048577,t=1,p=1")},
		{"memory huge", with("m=4294967295,t=1,p=1")},
		{"memory below 8 per thread", with("m=15,t=1,p=2")},
		{"memory zero", with("m=0,t=1,p=1")},
		{"time zero", with("m=64,t=0,p=1")},
		{"time too large", with("m=64,t=17,p=1")},
		{"threads zero", with("m=64,t=1,p=0")},
		{"threads too large", with("m=256,t=1,p=17")},
		{"threads 255", with("m=4096,t=1,p=255")},
		{"salt bad base64", "$argon2id$v=19$m=64,t=1,p=1$!!!!$" + key},
		{"salt padded", "$argon2id$v=19$m=64,t=1,p=1$" + base64.StdEncoding.EncodeToString([]byte("0123456789abcdef")) + "$" + key},
		{"salt url alphabet", "$argon2id$v=19$m=64,t=1,p=1$" + base64.RawURLEncoding.EncodeToString([]byte{0xfb, 0xff, 0xfe, 0xfb, 0xff, 0xfe, 0xfb, 0xff, 0xfe}) + "$" + key},
		{"salt non-canonical bits", "$argon2id$v=19$m=64,t=1,p=1$" + nonCanonical(b64([]byte("saltsalt"))) + "$" + key},
		{"salt too short", "$argon2id$v=19$m=64,t=1,p=1$" + b64([]byte("1234567")) + "$" + key},
		{"salt too long", "$argon2id$v=19$m=64,t=1,p=1$" + b64(make([]byte, 65)) + "$" + key},
		{"salt empty", "$argon2id$v=19$m=64,t=1,p=1$$" + key},
		{"key bad base64", "$argon2id$v=19$m=64,t=1,p=1$" + salt + "$@@@@"},
		{"key too short", "$argon2id$v=19$m=64,t=1,p=1$" + salt + "$" + b64(make([]byte, 15))},
		{"key too long", "$argon2id$v=19$m=64,t=1,p=1$" + salt + "$" + b64(make([]byte, 65))},
		{"way too long", good + strings.Repeat("A", 1000)},
		{"whitespace", " " + good},
		{"trailing newline", good + "\n"},
		{"newline inside salt", "$argon2id$v=19$m=64,t=1,p=1$" + salt[:4] + "\r\n" + salt[4:] + "$" + key},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ok, err := Verify(tc.encoded, "password")
			if err == nil {
				t.Fatalf("Verify(%q) = %v, nil; want error", tc.encoded, ok)
			}
			if ok {
				t.Errorf("Verify(%q) returned true alongside error", tc.encoded)
			}
			if !errors.Is(err, ErrMalformedHash) {
				t.Errorf("Verify(%q) error %v does not wrap ErrMalformedHash", tc.encoded, err)
			}
			if h.NeedsRehash(tc.encoded) != true {
				t.Errorf("NeedsRehash(%q) = false; want true for malformed hash", tc.encoded)
			}
		})
	}
}

// nonCanonical flips the lowest (padding) bit of the last character of an
// unpadded base64 string whose length leaves unused bits, yielding a string
// that lenient decoders accept but strict decoding rejects.
func nonCanonical(s string) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	i := strings.IndexByte(alphabet, s[len(s)-1])
	return s[:len(s)-1] + string(alphabet[i^1])
}

func TestVerifyAcceptsBounds(t *testing.T) {
	// Parameters at the documented limits must parse (the derivation itself
	// is kept cheap by using small memory where possible).
	tests := []struct {
		name string
		h    Hasher
	}{
		{"max time", Hasher{Time: 16, MemoryKiB: 8, Threads: 1}},
		{"max threads", Hasher{Time: 1, MemoryKiB: 128, Threads: 16}},
		{"min memory per thread", Hasher{Time: 1, MemoryKiB: 16, Threads: 2}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			enc, err := tc.h.Hash("pw")
			if err != nil {
				t.Fatalf("Hash: %v", err)
			}
			if ok, err := Verify(enc, "pw"); err != nil || !ok {
				t.Errorf("Verify = %v, %v; want true, nil", ok, err)
			}
		})
	}
}

func TestNonCanonicalHelper(t *testing.T) {
	s := nonCanonical(base64.RawStdEncoding.EncodeToString([]byte("saltsalt")))
	if _, err := base64.RawStdEncoding.DecodeString(s); err != nil {
		t.Fatalf("lenient decode of %q failed: %v", s, err)
	}
	if _, err := base64.RawStdEncoding.Strict().DecodeString(s); err == nil {
		t.Fatalf("strict decode of %q succeeded; helper is not producing non-canonical input", s)
	}
}

func TestHashInvalidParams(t *testing.T) {
	tests := []struct {
		name string
		h    Hasher
	}{
		{"zero value", Hasher{}},
		{"zero time", Hasher{Time: 0, MemoryKiB: 64, Threads: 1}},
		{"zero threads", Hasher{Time: 1, MemoryKiB: 64, Threads: 0}},
		{"zero memory", Hasher{Time: 1, MemoryKiB: 0, Threads: 1}},
		{"memory below 8 per thread", Hasher{Time: 1, MemoryKiB: 31, Threads: 4}},
		{"time too large", Hasher{Time: 17, MemoryKiB: 64, Threads: 1}},
		{"threads too large", Hasher{Time: 1, MemoryKiB: 1024, Threads: 17}},
		{"memory too large", Hasher{Time: 1, MemoryKiB: 1<<20 + 1, Threads: 1}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			enc, err := tc.h.Hash("password")
			if !errors.Is(err, ErrInvalidParams) {
				t.Errorf("Hash = %q, %v; want ErrInvalidParams", enc, err)
			}
			if enc != "" {
				t.Errorf("Hash returned %q alongside error", enc)
			}
		})
	}
}

func TestNeedsRehash(t *testing.T) {
	fast := FastHasher()
	encFast, err := fast.Hash("pw")
	if err != nil {
		t.Fatal(err)
	}
	const refVector = "$argon2id$v=19$m=64,t=1,p=1$c29tZXNhbHQ$ZVrRXqxlLcWfcXCnMyv0m4Rpvh/bnCi7"
	tests := []struct {
		name    string
		h       Hasher
		encoded string
		want    bool
	}{
		{"same params", fast, encFast, false},
		{"more memory", Hasher{Time: 1, MemoryKiB: 128, Threads: 1}, encFast, true},
		{"more time", Hasher{Time: 2, MemoryKiB: 64, Threads: 1}, encFast, true},
		{"more threads", Hasher{Time: 1, MemoryKiB: 64, Threads: 2}, encFast, true},
		{"short salt and key", fast, refVector, true},
		{"malformed", fast, "garbage", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.h.NeedsRehash(tc.encoded); got != tc.want {
				t.Errorf("NeedsRehash(%q) = %v; want %v", tc.encoded, got, tc.want)
			}
		})
	}
}

func TestEqualize(t *testing.T) {
	// Equalize has no observable result; make sure it runs for valid and
	// invalid parameters without panicking.
	tests := []struct {
		name string
		h    Hasher
	}{
		{"fast", FastHasher()},
		{"default", DefaultHasher()},
		{"zero value falls back to default", Hasher{}},
		{"out of bounds falls back to default", Hasher{Time: 100, MemoryKiB: 64, Threads: 1}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			defer func() {
				if r := recover(); r != nil {
					t.Fatalf("Equalize panicked: %v", r)
				}
			}()
			tc.h.Equalize("some password")
			tc.h.Equalize("")
		})
	}
}

func TestConcurrentUse(t *testing.T) {
	h := FastHasher()
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for i := range 16 {
		wg.Go(func() {
			pw := fmt.Sprintf("password-%d", i)
			enc, err := h.Hash(pw)
			if err != nil {
				errs <- err
				return
			}
			if ok, err := Verify(enc, pw); err != nil || !ok {
				errs <- fmt.Errorf("Verify(%q) = %v, %v", pw, ok, err)
			}
			h.Equalize(pw)
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
