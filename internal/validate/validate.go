// Package validate checks and normalises user-supplied account fields for
// the control panel API.
//
// Every function either returns the normalised value or an *Error whose
// Message is safe to show to the end user verbatim: it never contains
// internal details such as library error strings.
package validate

import (
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/idna"
	"golang.org/x/text/language"
)

// Error codes carried by *Error.
const (
	// CodeInvalid marks a value that is malformed or out of range.
	CodeInvalid = "INVALID"
	// CodeWeakPassword marks a password that does not meet the password policy.
	CodeWeakPassword = "WEAK_PASSWORD"
)

// Limits applied by the validators.
const (
	MaxLoginLength       = 60  // characters
	MinPasswordLength    = 8   // characters (runes)
	MaxPasswordLength    = 128 // characters (runes)
	MaxEmailLength       = 254 // bytes, RFC 5321 path limit
	MaxEmailLocalLength  = 64  // bytes, RFC 5321
	MaxDomainLength      = 253 // bytes, presentation form without trailing dot
	MaxLabelLength       = 63  // bytes, RFC 1035
	MaxPhoneLength       = 32  // characters
	MinPhoneDigits       = 3
	MaxPhoneDigits       = 20
	MaxExternalIDLength  = 128 // characters
	MaxPlanNameLength    = 100 // characters (runes)
	maxLocaleInputLength = 64  // bytes; generous for any realistic BCP 47 tag
	maxDomainInputLength = 1024
)

// Error is a validation failure. Message is suitable for display to users.
type Error struct {
	// Code is CodeInvalid or CodeWeakPassword.
	Code string
	// Message is a human-readable, user-safe explanation.
	Message string
}

// Error implements the error interface and returns e.Message.
func (e *Error) Error() string { return e.Message }

func invalid(format string, args ...any) *Error {
	return &Error{Code: CodeInvalid, Message: fmt.Sprintf(format, args...)}
}

func weakPassword(msg string) *Error {
	return &Error{Code: CodeWeakPassword, Message: msg}
}

// IsWeakPassword reports whether err (or any error it wraps) is an *Error
// with Code CodeWeakPassword.
func IsWeakPassword(err error) bool {
	var ve *Error
	return errors.As(err, &ve) && ve.Code == CodeWeakPassword
}

// Login validates an account login name and returns its normalised form.
//
// Logins compare case-insensitively, so ASCII upper-case letters are folded
// to lower case first. The result must be 1–60 characters from [a-z0-9._-]
// and start with a letter or digit. Surrounding whitespace is not trimmed and
// is rejected like any other disallowed character. Non-ASCII input is
// rejected rather than folded, so look-alike characters such as the Kelvin
// sign cannot alias an ASCII login.
func Login(s string) (string, error) {
	if s == "" {
		return "", invalid("Login must not be empty.")
	}
	if len(s) > MaxLoginLength {
		return "", invalid("Login must be at most %d characters long.", MaxLoginLength)
	}
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
			b[i] = c
		}
		if !isLowerAlnum(c) && c != '.' && c != '_' && c != '-' {
			return "", invalid("Login may only contain letters, digits, '.', '_' and '-'.")
		}
	}
	if !isLowerAlnum(b[0]) {
		return "", invalid("Login must start with a letter or digit.")
	}
	return string(b), nil
}

// Password checks a new password against the password policy: 8 to 128
// characters (counted as Unicode code points) and not equal to the login,
// ignoring case. Violations are reported with Code CodeWeakPassword.
// An empty login skips the login comparison.
func Password(pw, login string) error {
	n := utf8.RuneCountInString(pw)
	if n < MinPasswordLength {
		return weakPassword(fmt.Sprintf("Password must be at least %d characters long.", MinPasswordLength))
	}
	if n > MaxPasswordLength {
		return weakPassword(fmt.Sprintf("Password must be at most %d characters long.", MaxPasswordLength))
	}
	if login != "" && strings.EqualFold(pw, login) {
		return weakPassword("Password must not be the same as the login.")
	}
	return nil
}

// Email validates a bare e-mail address such as "user@example.com" and
// returns it as local@domain with the domain normalised by DomainName
// (lower-cased, internationalised names converted to punycode). The local
// part is returned unchanged. Surrounding whitespace is trimmed; display
// names, comments, quoted forms that parse to a different address and
// address literals are rejected.
func Email(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", invalid("E-mail address must not be empty.")
	}
	if len(s) > MaxEmailLength {
		return "", invalid("E-mail address must be at most %d characters long.", MaxEmailLength)
	}
	addr, err := mail.ParseAddress(s)
	if err != nil || addr.Name != "" || addr.Address != s {
		return "", invalid("E-mail address is not valid.")
	}
	at := strings.LastIndexByte(s, '@')
	if at <= 0 {
		return "", invalid("E-mail address is not valid.")
	}
	local, domain := s[:at], s[at+1:]
	if len(local) > MaxEmailLocalLength {
		return "", invalid("The part of the e-mail address before '@' must be at most %d characters long.", MaxEmailLocalLength)
	}
	domain, err = DomainName(domain)
	if err != nil {
		return "", invalid("E-mail address has an invalid domain.")
	}
	out := local + "@" + domain
	if len(out) > MaxEmailLength {
		return "", invalid("E-mail address must be at most %d characters long.", MaxEmailLength)
	}
	return out, nil
}

// Country validates an ISO 3166-1 alpha-2 country code in any letter case
// and returns it in upper case, e.g. "de" -> "DE". Only the 249 officially
// assigned codes are accepted; surrounding whitespace is trimmed.
func Country(s string) (string, error) {
	s = strings.TrimSpace(s)
	if len(s) != 2 {
		return "", invalid("Country must be a two-letter ISO 3166-1 code.")
	}
	code := strings.ToUpper(s)
	if _, ok := countryCodes[code]; !ok {
		return "", invalid("Country must be a two-letter ISO 3166-1 code.")
	}
	return code, nil
}

// Locale validates a BCP 47 language tag and returns its canonical form,
// e.g. "en_us" -> "en-US", "PT-br" -> "pt-BR". Empty input and tags whose
// language is undetermined ("und", "und-US", private-use only) are rejected.
// Surrounding whitespace is trimmed.
func Locale(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", invalid("Locale must not be empty.")
	}
	if len(s) > maxLocaleInputLength {
		return "", invalid("Locale is not a valid language tag.")
	}
	tag, err := language.Parse(s)
	if err != nil {
		return "", invalid("Locale is not a valid language tag.")
	}
	out := tag.String()
	// A tag without a primary language is rendered as "und…" or, when it
	// only has a private-use part, as "x-…".
	if out == "und" || strings.HasPrefix(out, "und-") || strings.HasPrefix(out, "x-") {
		return "", invalid("Locale must name a language.")
	}
	return out, nil
}

// Phone validates a free-form telephone number and returns it trimmed.
// Allowed are digits, spaces and the separators - ( ) . /, plus a single
// leading '+'. The number must contain 3 to 20 digits and be at most 32
// characters long.
func Phone(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", invalid("Phone number must not be empty.")
	}
	if len(s) > MaxPhoneLength {
		return "", invalid("Phone number must be at most %d characters long.", MaxPhoneLength)
	}
	digits := 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case '0' <= c && c <= '9':
			digits++
		case c == '+':
			if i != 0 {
				return "", invalid("Phone number may contain '+' only at the beginning.")
			}
		case c == ' ', c == '-', c == '(', c == ')', c == '.', c == '/':
		default:
			return "", invalid("Phone number may only contain digits, spaces, a leading '+' and the characters - ( ) . /.")
		}
	}
	if digits < MinPhoneDigits || digits > MaxPhoneDigits {
		return "", invalid("Phone number must contain between %d and %d digits.", MinPhoneDigits, MaxPhoneDigits)
	}
	return s, nil
}

// DomainName validates a fully qualified host or domain name and returns its
// normalised ASCII form. Surrounding whitespace and one trailing dot are
// removed, Unicode names are converted to punycode using the IDNA lookup
// profile and the result is lower-cased, e.g. "Bücher.Example." ->
// "xn--bcher-kva.example".
//
// The result must have at least two labels, each 1–63 characters of
// [a-z0-9-] not starting or ending with '-', at most 253 characters in
// total, and a top-level label that is not purely numeric (which rejects IP
// addresses). Wildcards are not allowed.
func DomainName(s string) (string, error) {
	s = strings.TrimSpace(s)
	s = strings.TrimSuffix(s, ".")
	if s == "" {
		return "", invalid("Domain name must not be empty.")
	}
	if len(s) > maxDomainInputLength {
		return "", invalid("Domain name must be at most %d characters long.", MaxDomainLength)
	}
	if strings.Contains(s, "*") {
		return "", invalid("Domain name must not contain wildcards.")
	}
	ascii, err := idna.Lookup.ToASCII(s)
	if err != nil {
		return "", invalid("Domain name is not valid.")
	}
	ascii = strings.ToLower(ascii)
	if len(ascii) > MaxDomainLength {
		return "", invalid("Domain name must be at most %d characters long.", MaxDomainLength)
	}
	labels := strings.Split(ascii, ".")
	if len(labels) < 2 {
		return "", invalid("Domain name must consist of at least two labels, e.g. example.com.")
	}
	for _, l := range labels {
		if err := checkLabel(l); err != nil {
			return "", err
		}
	}
	tld := labels[len(labels)-1]
	if strings.Trim(tld, "0123456789") == "" {
		return "", invalid("Domain name must not be an IP address or end in a numeric label.")
	}
	return ascii, nil
}

// checkLabel validates a single lower-case ASCII DNS label.
func checkLabel(l string) *Error {
	if l == "" {
		return invalid("Domain name must not contain empty labels.")
	}
	if len(l) > MaxLabelLength {
		return invalid("Each part of a domain name must be at most %d characters long.", MaxLabelLength)
	}
	if l[0] == '-' || l[len(l)-1] == '-' {
		return invalid("Parts of a domain name must not start or end with '-'.")
	}
	for i := 0; i < len(l); i++ {
		if c := l[i]; !isLowerAlnum(c) && c != '-' {
			return invalid("Domain name may only contain letters, digits and '-'.")
		}
	}
	return nil
}

// Text validates a free-text field such as a name, company or postal
// address and returns it with surrounding whitespace trimmed. field is the
// user-facing field name used in error messages. The value must be valid
// UTF-8, must not contain control characters other than newline and tab,
// and must be at most maxRunes characters (runes) long. An empty result is
// allowed; callers decide whether the field is required.
func Text(field string, s string, maxRunes int) (string, error) {
	s = strings.TrimSpace(s)
	if !utf8.ValidString(s) {
		return "", invalid("%s contains invalid characters.", field)
	}
	for _, r := range s {
		if r != '\n' && r != '\t' && unicode.IsControl(r) {
			return "", invalid("%s must not contain control characters.", field)
		}
	}
	if utf8.RuneCountInString(s) > maxRunes {
		return "", invalid("%s must be at most %d characters long.", field, maxRunes)
	}
	return s, nil
}

// ExternalID validates an identifier assigned by an external system (for
// example a billing platform) and returns it trimmed. It must be 1–128
// printable ASCII characters and must not contain spaces.
func ExternalID(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", invalid("External ID must not be empty.")
	}
	if len(s) > MaxExternalIDLength {
		return "", invalid("External ID must be at most %d characters long.", MaxExternalIDLength)
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c <= ' ' || c > '~' {
			return "", invalid("External ID may only contain printable ASCII characters without spaces.")
		}
	}
	return s, nil
}

// PlanName validates the name of a hosting plan and returns it trimmed. It
// must be valid UTF-8, 1–100 characters (runes) long and contain no control
// characters (including newlines and tabs).
func PlanName(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", invalid("Plan name must not be empty.")
	}
	if !utf8.ValidString(s) {
		return "", invalid("Plan name contains invalid characters.")
	}
	for _, r := range s {
		if unicode.IsControl(r) {
			return "", invalid("Plan name must not contain control characters.")
		}
	}
	if utf8.RuneCountInString(s) > MaxPlanNameLength {
		return "", invalid("Plan name must be at most %d characters long.", MaxPlanNameLength)
	}
	return s, nil
}

func isLowerAlnum(c byte) bool {
	return ('a' <= c && c <= 'z') || ('0' <= c && c <= '9')
}

// LatestTime is the latest instant every supported database stores: MySQL
// and MariaDB keep expiry times in TIMESTAMP columns, which end here.
var LatestTime = time.Date(2038, time.January, 19, 3, 14, 7, 0, time.UTC)

// Expiry checks an expiry time (nil: none) the database can store.
func Expiry(t *time.Time) error {
	if t != nil && t.After(LatestTime) {
		return invalid("the expiry must not be later than %s", LatestTime.Format(time.RFC3339))
	}
	return nil
}
