// Package auth provides password hashing with argon2id and generation of
// random API/session tokens and secrets.
package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Argon2id output sizes used by Hash.
const (
	saltLength = 16 // bytes
	keyLength  = 32 // bytes
)

// Bounds enforced on parameters, both when hashing and when parsing a stored
// hash, so that a tampered or corrupted hash cannot make verification
// arbitrarily expensive.
const (
	maxMemoryKiB  = 1 << 20 // 1 GiB
	maxTime       = 16
	maxThreads    = 16
	minSaltLength = 8
	maxSaltLength = 64
	minKeyLength  = 16
	maxKeyLength  = 64
)

// ErrMalformedHash is returned (possibly wrapped) by Verify when the
// encoded hash cannot be parsed or its parameters are out of bounds.
var ErrMalformedHash = errors.New("auth: malformed password hash")

// ErrInvalidParams is returned by Hasher.Hash when the Hasher's parameters
// are zero or exceed the supported bounds.
var ErrInvalidParams = errors.New("auth: invalid argon2id parameters")

// equalizeSalt is the fixed salt used by Equalize. Its value is irrelevant;
// only the cost of the derivation matters.
const equalizeSalt = "hostpanel/equal!"

// Hasher holds argon2id cost parameters. The zero value is not usable; use
// DefaultHasher (production) or FastHasher (tests).
type Hasher struct {
	// Time is the number of passes over memory (argon2 "t").
	Time uint32
	// MemoryKiB is the memory cost in KiB (argon2 "m").
	MemoryKiB uint32
	// Threads is the degree of parallelism (argon2 "p").
	Threads uint8
}

// DefaultHasher returns the production parameters recommended by OWASP for
// argon2id: 19 MiB of memory, 2 iterations, 1 degree of parallelism.
func DefaultHasher() Hasher {
	return Hasher{Time: 2, MemoryKiB: 19456, Threads: 1}
}

// FastHasher returns deliberately weak parameters (64 KiB, 1 iteration) so
// that tests run quickly. It must only be used in tests, never for real
// passwords.
func FastHasher() Hasher {
	return Hasher{Time: 1, MemoryKiB: 64, Threads: 1}
}

// valid reports whether h's parameters are within the supported bounds.
// argon2 requires at least 8 KiB of memory per thread.
func (h Hasher) valid() bool {
	return h.Time >= 1 && h.Time <= maxTime &&
		h.Threads >= 1 && h.Threads <= maxThreads &&
		h.MemoryKiB >= 8*uint32(h.Threads) && h.MemoryKiB <= maxMemoryKiB
}

// Hash derives an argon2id hash of password with a fresh 16-byte random salt
// and returns it in PHC string format:
//
//	$argon2id$v=19$m=19456,t=2,p=1$<base64 salt>$<base64 key>
//
// using unpadded standard base64. The result is self-describing and can be
// checked with Verify regardless of the Hasher later in use.
func (h Hasher) Hash(password string) (string, error) {
	if !h.valid() {
		return "", ErrInvalidParams
	}
	salt := make([]byte, saltLength)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("auth: reading random salt: %w", err)
	}
	key := argon2.IDKey([]byte(password), salt, h.Time, h.MemoryKiB, h.Threads, keyLength)
	return encodePHC(params{memory: h.MemoryKiB, time: h.Time, threads: h.Threads}, salt, key), nil
}

// Verify reports whether password matches encoded, a PHC-format argon2id
// hash as produced by Hasher.Hash. The cost parameters are taken from
// encoded itself, so hashes created with older parameters keep working.
// The derived key is compared in constant time.
//
// A malformed hash, an unsupported algorithm or version, or parameters
// beyond the accepted bounds yield an error wrapping ErrMalformedHash; a
// well-formed hash that does not match yields (false, nil).
func Verify(encoded, password string) (bool, error) {
	p, salt, key, err := decodePHC(encoded)
	if err != nil {
		return false, err
	}
	got := argon2.IDKey([]byte(password), salt, p.time, p.memory, p.threads, uint32(len(key)))
	return subtle.ConstantTimeCompare(got, key) == 1, nil
}

// NeedsRehash reports whether encoded was produced with parameters that
// differ from h (or cannot be parsed), in which case the caller should
// re-hash the password with h after a successful login.
func (h Hasher) NeedsRehash(encoded string) bool {
	p, salt, key, err := decodePHC(encoded)
	if err != nil {
		return true
	}
	return p.memory != h.MemoryKiB || p.time != h.Time || p.threads != h.Threads ||
		len(salt) != saltLength || len(key) != keyLength
}

// Equalize performs one argon2id derivation of password with h's parameters
// on a fixed salt and discards the result. Call it when a login names an
// unknown account so that the response takes as long as a real Verify,
// which prevents account enumeration by timing. h should match the
// parameters of the stored hashes (normally DefaultHasher()). Invalid
// parameters fall back to DefaultHasher.
func (h Hasher) Equalize(password string) {
	if !h.valid() {
		h = DefaultHasher()
	}
	_ = argon2.IDKey([]byte(password), []byte(equalizeSalt), h.Time, h.MemoryKiB, h.Threads, keyLength)
}

// params are the argon2id cost parameters recorded in a PHC string.
type params struct {
	memory  uint32
	time    uint32
	threads uint8
}

// phcB64 returns the encoding used for salt and key in PHC strings:
// unpadded standard base64. Strict decoding rejects non-canonical trailing
// bits, so each hash has exactly one valid textual form.
func phcB64() *base64.Encoding { return base64.RawStdEncoding.Strict() }

func encodePHC(p params, salt, key []byte) string {
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.memory, p.time, p.threads,
		phcB64().EncodeToString(salt), phcB64().EncodeToString(key))
}

// decodePHC parses "$argon2id$v=19$m=<m>,t=<t>,p=<p>$<salt>$<key>" and
// enforces the parameter bounds.
func decodePHC(encoded string) (params, []byte, []byte, error) {
	var p params
	// An encoding with maximal parameters and salt/key lengths is well
	// below 256 bytes; refuse anything larger before doing any work.
	if len(encoded) > 256 {
		return p, nil, nil, fmt.Errorf("%w: too long", ErrMalformedHash)
	}
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[0] != "" {
		return p, nil, nil, fmt.Errorf("%w: wrong number of fields", ErrMalformedHash)
	}
	if parts[1] != "argon2id" {
		return p, nil, nil, fmt.Errorf("%w: unsupported algorithm", ErrMalformedHash)
	}
	if parts[2] != "v="+strconv.Itoa(argon2.Version) {
		return p, nil, nil, fmt.Errorf("%w: unsupported version", ErrMalformedHash)
	}

	kv := strings.Split(parts[3], ",")
	if len(kv) != 3 {
		return p, nil, nil, fmt.Errorf("%w: bad parameters", ErrMalformedHash)
	}
	m, err1 := parseParam(kv[0], "m=", maxMemoryKiB)
	t, err2 := parseParam(kv[1], "t=", maxTime)
	th, err3 := parseParam(kv[2], "p=", maxThreads)
	if err1 != nil || err2 != nil || err3 != nil {
		return p, nil, nil, fmt.Errorf("%w: bad parameters", ErrMalformedHash)
	}
	if t < 1 || th < 1 || m < 8*th {
		return p, nil, nil, fmt.Errorf("%w: parameters out of range", ErrMalformedHash)
	}
	p = params{memory: uint32(m), time: uint32(t), threads: uint8(th)}

	salt, err := decodeB64(parts[4])
	if err != nil || len(salt) < minSaltLength || len(salt) > maxSaltLength {
		return p, nil, nil, fmt.Errorf("%w: bad salt", ErrMalformedHash)
	}
	key, err := decodeB64(parts[5])
	if err != nil || len(key) < minKeyLength || len(key) > maxKeyLength {
		return p, nil, nil, fmt.Errorf("%w: bad key", ErrMalformedHash)
	}
	return p, salt, key, nil
}

// decodeB64 decodes unpadded standard base64. The decoder silently skips
// CR and LF even in strict mode, so the alphabet is checked explicitly first.
func decodeB64(s string) ([]byte, error) {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '+' || c == '/') {
			return nil, ErrMalformedHash
		}
	}
	return phcB64().DecodeString(s)
}

// parseParam parses "<prefix><decimal>" with a value in [0, limit]. Signs,
// leading zeros and other non-canonical forms are rejected.
func parseParam(s, prefix string, limit uint64) (uint64, error) {
	digits, ok := strings.CutPrefix(s, prefix)
	if !ok || digits == "" || (len(digits) > 1 && digits[0] == '0') {
		return 0, ErrMalformedHash
	}
	for i := 0; i < len(digits); i++ {
		if digits[i] < '0' || digits[i] > '9' {
			return 0, ErrMalformedHash
		}
	}
	v, err := strconv.ParseUint(digits, 10, 32)
	if err != nil || v > limit {
		return 0, ErrMalformedHash
	}
	return v, nil
}
