package auth

import (
	"encoding/base64"
	"math/bits"
	"regexp"
	"strings"
	"testing"
)

var hexSHA256 = regexp.MustCompile(`^[0-9a-f]{64}$`)

func TestNewToken(t *testing.T) {
	tests := []struct {
		name   string
		prefix string
	}{
		{"no prefix", ""},
		{"short prefix", "hp_"},
		{"long prefix", "hostpanel_api_live_"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tok, hash, err := NewToken(tc.prefix)
			if err != nil {
				t.Fatalf("NewToken: %v", err)
			}
			if !strings.HasPrefix(tok, tc.prefix) {
				t.Errorf("token %q lacks prefix %q", tok, tc.prefix)
			}
			if want := len(tc.prefix) + 43; len(tok) != want {
				t.Errorf("len(token) = %d; want %d", len(tok), want)
			}
			raw, err := base64.RawURLEncoding.DecodeString(strings.TrimPrefix(tok, tc.prefix))
			if err != nil {
				t.Fatalf("random part is not raw URL base64: %v", err)
			}
			if len(raw) != TokenBytes {
				t.Errorf("random part has %d bytes; want %d", len(raw), TokenBytes)
			}
			if !hexSHA256.MatchString(hash) {
				t.Errorf("hash %q is not 64 lower-case hex characters", hash)
			}
			if got := HashToken(tok); got != hash {
				t.Errorf("HashToken(token) = %q; want %q (as returned by NewToken)", got, hash)
			}
			if strings.Contains(hash, strings.TrimPrefix(tok, tc.prefix)) {
				t.Error("hash contains the token")
			}
		})
	}
}

func TestNewTokenUniquenessAndEntropy(t *testing.T) {
	const n = 2000
	tokens := make(map[string]bool, n)
	hashes := make(map[string]bool, n)
	var byteSeen [256]bool
	ones := 0
	for range n {
		tok, hash, err := NewToken("t_")
		if err != nil {
			t.Fatalf("NewToken: %v", err)
		}
		if tokens[tok] || hashes[hash] {
			t.Fatalf("duplicate token or hash after %d tokens", len(tokens))
		}
		tokens[tok], hashes[hash] = true, true

		raw, err := base64.RawURLEncoding.DecodeString(strings.TrimPrefix(tok, "t_"))
		if err != nil {
			t.Fatal(err)
		}
		for _, b := range raw {
			byteSeen[b] = true
			ones += bits.OnesCount8(b)
		}
	}
	for b, seen := range byteSeen {
		if !seen {
			t.Errorf("byte value %#02x never occurred in %d random bytes", b, n*TokenBytes)
		}
	}
	// n*256 bits; for a fair source the share of ones is 0.5 with a standard
	// deviation of about 0.001, so a 2% tolerance is ~20 sigma.
	total := n * TokenBytes * 8
	if ratio := float64(ones) / float64(total); ratio < 0.48 || ratio > 0.52 {
		t.Errorf("share of one bits = %.4f; want ≈ 0.5", ratio)
	}
}

func TestHashToken(t *testing.T) {
	tests := []struct {
		name  string
		token string
		want  string
	}{
		{"empty", "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
		{"abc", "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := HashToken(tc.token); got != tc.want {
				t.Errorf("HashToken(%q) = %q; want %q", tc.token, got, tc.want)
			}
			if HashToken(tc.token) != HashToken(tc.token) {
				t.Error("HashToken is not deterministic")
			}
		})
	}

	// The prefix is part of the hashed value, and distinct tokens differ.
	pairs := [][2]string{
		{"hp_abc", "abc"},
		{"hp_abc", "hp_abd"},
		{"hp_abc", "HP_abc"},
		{"hp_abc", "hp_abc "},
	}
	for _, p := range pairs {
		if HashToken(p[0]) == HashToken(p[1]) {
			t.Errorf("HashToken(%q) == HashToken(%q)", p[0], p[1])
		}
	}
}

func TestNewSecret(t *testing.T) {
	tests := []struct {
		name    string
		n       int
		wantErr bool
	}{
		{"minimum", MinSecretBytes, false},
		{"32 bytes", 32, false},
		{"odd size", 33, false},
		{"maximum", MaxSecretBytes, false},
		{"zero", 0, true},
		{"negative", -1, true},
		{"below minimum", MinSecretBytes - 1, true},
		{"above maximum", MaxSecretBytes + 1, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := NewSecret(tc.n)
			if tc.wantErr {
				if err == nil {
					t.Fatalf("NewSecret(%d) = %q, nil; want error", tc.n, s)
				}
				if s != "" {
					t.Errorf("NewSecret(%d) returned %q alongside error", tc.n, s)
				}
				return
			}
			if err != nil {
				t.Fatalf("NewSecret(%d): %v", tc.n, err)
			}
			if want := base64.RawURLEncoding.EncodedLen(tc.n); len(s) != want {
				t.Errorf("len = %d; want %d", len(s), want)
			}
			raw, err := base64.RawURLEncoding.DecodeString(s)
			if err != nil || len(raw) != tc.n {
				t.Errorf("decode: %d bytes, %v; want %d bytes", len(raw), err, tc.n)
			}
			if strings.ContainsAny(s, "+/=") {
				t.Errorf("secret %q is not URL-safe", s)
			}
		})
	}
}

func TestNewSecretUniqueness(t *testing.T) {
	const n = 1000
	seen := make(map[string]bool, n)
	for range n {
		s, err := NewSecret(32)
		if err != nil {
			t.Fatal(err)
		}
		if seen[s] {
			t.Fatalf("duplicate secret after %d draws", len(seen))
		}
		seen[s] = true
	}
}
