package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
)

// TokenBytes is the number of random bytes (256 bits) in a token created by
// NewToken. Encoded, the random part is 43 characters long.
const TokenBytes = 32

// Bounds for NewSecret.
const (
	// MinSecretBytes is the smallest accepted secret size (128 bits).
	MinSecretBytes = 16
	// MaxSecretBytes is the largest accepted secret size.
	MaxSecretBytes = 1024
)

// NewToken creates a new bearer token (e.g. an API key or session token)
// consisting of prefix followed by 32 random bytes from crypto/rand encoded
// with unpadded URL-safe base64. prefix is a short, non-secret marker such as
// "hp_" that makes tokens recognisable (for example by secret scanners); it
// may be empty.
//
// hash is HashToken(token). Store only the hash and show the token to the
// user once: a database leak then does not reveal usable tokens.
func NewToken(prefix string) (token string, hash string, err error) {
	b := make([]byte, TokenBytes)
	if _, err := rand.Read(b); err != nil {
		return "", "", fmt.Errorf("auth: reading random bytes: %w", err)
	}
	token = prefix + base64.RawURLEncoding.EncodeToString(b)
	return token, HashToken(token), nil
}

// HashToken returns the lower-case hex SHA-256 digest of the complete token
// (including its prefix), the value to store and look tokens up by. A fast
// hash is appropriate because tokens carry 256 bits of entropy, unlike
// passwords.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// NewSecret returns nBytes random bytes from crypto/rand encoded with
// unpadded URL-safe base64, suitable for single-use secrets such as
// password-reset or e-mail confirmation tokens. nBytes must be between
// MinSecretBytes and MaxSecretBytes.
func NewSecret(nBytes int) (string, error) {
	if nBytes < MinSecretBytes || nBytes > MaxSecretBytes {
		return "", fmt.Errorf("auth: secret size %d outside [%d, %d] bytes", nBytes, MinSecretBytes, MaxSecretBytes)
	}
	b := make([]byte, nBytes)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("auth: reading random bytes: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}
