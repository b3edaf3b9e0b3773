package validate

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// normCase is a table entry for validators of the form func(string) (string, error).
type normCase struct {
	name string
	in   string
	want string // expected normalised value; ignored when wantErr
	// wantErr expects an *Error with Code CodeInvalid.
	wantErr bool
}

func runNorm(t *testing.T, fn func(string) (string, error), cases []normCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := fn(tc.in)
			if tc.wantErr {
				if err == nil {
					t.Fatalf("(%q) = %q, nil; want error", tc.in, got)
				}
				assertCode(t, err, CodeInvalid)
				if got != "" {
					t.Errorf("(%q) returned %q alongside an error; want empty string", tc.in, got)
				}
				return
			}
			if err != nil {
				t.Fatalf("(%q) unexpected error: %v", tc.in, err)
			}
			if got != tc.want {
				t.Errorf("(%q) = %q; want %q", tc.in, got, tc.want)
			}
		})
	}
}

func assertCode(t *testing.T, err error, code string) {
	t.Helper()
	var ve *Error
	if !errors.As(err, &ve) {
		t.Fatalf("error %v (%T) is not a *validate.Error", err, err)
	}
	if ve.Code != code {
		t.Errorf("error code = %q; want %q", ve.Code, code)
	}
	if ve.Message == "" {
		t.Error("error message is empty")
	}
	if ve.Error() != ve.Message {
		t.Errorf("Error() = %q; want Message %q", ve.Error(), ve.Message)
	}
}

func TestErrorAndIsWeakPassword(t *testing.T) {
	weak := Password("short", "")
	inv := func() error { _, err := Login(""); return err }()

	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"nil", nil, false},
		{"plain error", errors.New("boom"), false},
		{"invalid", inv, false},
		{"weak", weak, true},
		{"wrapped weak", fmt.Errorf("create account: %w", weak), true},
		{"wrapped invalid", fmt.Errorf("create account: %w", inv), false},
		{"literal weak", &Error{Code: CodeWeakPassword, Message: "x"}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := IsWeakPassword(tc.err); got != tc.want {
				t.Errorf("IsWeakPassword(%v) = %v; want %v", tc.err, got, tc.want)
			}
		})
	}
}

func TestLogin(t *testing.T) {
	runNorm(t, Login, []normCase{
		{name: "simple", in: "alice", want: "alice"},
		{name: "upper folded", in: "Alice.Smith", want: "alice.smith"},
		{name: "all allowed", in: "a0._-z9", want: "a0._-z9"},
		{name: "digit first", in: "1user", want: "1user"},
		{name: "single char", in: "x", want: "x"},
		{name: "max length", in: strings.Repeat("a", 60), want: strings.Repeat("a", 60)},
		{name: "max length upper", in: strings.Repeat("A", 60), want: strings.Repeat("a", 60)},
		{name: "empty", in: "", wantErr: true},
		{name: "too long", in: strings.Repeat("a", 61), wantErr: true},
		{name: "dot first", in: ".alice", wantErr: true},
		{name: "underscore first", in: "_alice", wantErr: true},
		{name: "hyphen first", in: "-alice", wantErr: true},
		{name: "space inside", in: "al ice", wantErr: true},
		{name: "leading space", in: " alice", wantErr: true},
		{name: "trailing newline", in: "alice\n", wantErr: true},
		{name: "at sign", in: "alice@example.com", wantErr: true},
		{name: "plus", in: "a+b", wantErr: true},
		{name: "slash", in: "a/b", wantErr: true},
		{name: "nul byte", in: "a\x00b", wantErr: true},
		{name: "umlaut", in: "jürgen", wantErr: true},
		{name: "kelvin sign not folded", in: "\u212Aim", wantErr: true},
		{name: "dotted capital I", in: "\u0130nci", wantErr: true},
		{name: "invalid utf8", in: "a\xffb", wantErr: true},
	})
}

func TestPassword(t *testing.T) {
	tests := []struct {
		name    string
		pw      string
		login   string
		wantErr bool
	}{
		{"ok", "correct horse", "alice", false},
		{"exactly min", "12345678", "alice", false},
		{"exactly max", strings.Repeat("p", 128), "alice", false},
		{"max runes multi-byte", strings.Repeat("ü", 128), "alice", false},
		{"min runes multi-byte", strings.Repeat("ü", 8), "", false},
		{"empty login skips check", "password1", "", false},
		{"contains login is fine", "alice-secret", "alice", false},
		{"empty", "", "alice", true},
		{"too short", "1234567", "alice", true},
		{"seven multi-byte runes", strings.Repeat("ü", 7), "", true},
		{"too long", strings.Repeat("p", 129), "alice", true},
		{"too long multi-byte", strings.Repeat("ü", 129), "alice", true},
		{"equals login", "alice.smith", "alice.smith", true},
		{"equals login other case", "Alice.Smith", "alice.smith", true},
		{"equals login upper login", "administrator", "ADMINISTRATOR", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := Password(tc.pw, tc.login)
			if !tc.wantErr {
				if err != nil {
					t.Fatalf("Password unexpected error: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatal("Password = nil; want error")
			}
			assertCode(t, err, CodeWeakPassword)
			if !IsWeakPassword(err) {
				t.Error("IsWeakPassword = false; want true")
			}
			if strings.Contains(err.Error(), tc.pw) && tc.pw != "" {
				t.Errorf("error message %q leaks the password", err.Error())
			}
		})
	}
}

func TestEmail(t *testing.T) {
	local64 := strings.Repeat("l", 64)
	// A 253-byte domain: 3 labels of 63, one of 61, joined by dots.
	longDomain := strings.Repeat("a", 63) + "." + strings.Repeat("b", 63) + "." +
		strings.Repeat("c", 63) + "." + strings.Repeat("d", 61)
	runNorm(t, Email, []normCase{
		{name: "simple", in: "user@example.com", want: "user@example.com"},
		{name: "trimmed", in: "  user@example.com\t\n", want: "user@example.com"},
		{name: "domain lower-cased", in: "User@Example.COM", want: "User@example.com"},
		{name: "plus tag", in: "a+tag@example.org", want: "a+tag@example.org"},
		{name: "dots in local", in: "first.last@sub.example.co.uk", want: "first.last@sub.example.co.uk"},
		{name: "idn domain", in: "info@Bücher.Example", want: "info@xn--bcher-kva.example"},
		{name: "utf8 local part", in: "jürgen@example.de", want: "jürgen@example.de"},
		{name: "local 64", in: local64 + "@example.com", want: local64 + "@example.com"},
		{name: "punycode domain kept", in: "a@xn--bcher-kva.example", want: "a@xn--bcher-kva.example"},
		{name: "empty", in: "", wantErr: true},
		{name: "spaces only", in: "   ", wantErr: true},
		{name: "no at", in: "user.example.com", wantErr: true},
		{name: "no local", in: "@example.com", wantErr: true},
		{name: "no domain", in: "user@", wantErr: true},
		{name: "two ats", in: "a@b@example.com", wantErr: true},
		{name: "display name", in: "Alice <alice@example.com>", wantErr: true},
		{name: "angle brackets", in: "<alice@example.com>", wantErr: true},
		{name: "comment", in: "alice@example.com (Alice)", wantErr: true},
		{name: "quoted local", in: `"john doe"@example.com`, wantErr: true},
		{name: "quoted at", in: `"a@b"@example.com`, wantErr: true},
		{name: "leading dot local", in: ".a@example.com", wantErr: true},
		{name: "double dot local", in: "a..b@example.com", wantErr: true},
		{name: "single label domain", in: "root@localhost", wantErr: true},
		{name: "ip literal", in: "user@[192.0.2.1]", wantErr: true},
		{name: "ip domain", in: "user@192.0.2.1", wantErr: true},
		{name: "underscore domain", in: "user@exa_mple.com", wantErr: true},
		{name: "hyphen start label", in: "user@-example.com", wantErr: true},
		{name: "trailing dot domain", in: "user@example.com.", wantErr: true},
		{name: "local 65", in: local64 + "l@example.com", wantErr: true},
		{name: "too long", in: local64 + "@" + longDomain, wantErr: true},
		// 139 bytes of input, but 259 once the domain is converted to punycode.
		{name: "too long after punycode", in: local64 + "@" + strings.Repeat("ü.", 24) + "de", wantErr: true},
		{name: "header injection", in: "a@example.com\r\nBcc: b@example.com", wantErr: true},
		{name: "list", in: "a@example.com, b@example.com", wantErr: true},
	})
}

func TestCountry(t *testing.T) {
	if n := len(countryCodes); n != 249 {
		t.Fatalf("len(countryCodes) = %d; want 249", n)
	}
	for code := range countryCodes {
		if len(code) != 2 || strings.ToUpper(code) != code {
			t.Errorf("malformed entry %q in countryCodes", code)
		}
	}
	runNorm(t, Country, []normCase{
		{name: "upper", in: "DE", want: "DE"},
		{name: "lower", in: "de", want: "DE"},
		{name: "mixed", in: "uS", want: "US"},
		{name: "trimmed", in: " ch ", want: "CH"},
		{name: "aland", in: "AX", want: "AX"},
		{name: "south sudan", in: "SS", want: "SS"},
		{name: "antarctica", in: "aq", want: "AQ"},
		{name: "first", in: "AD", want: "AD"},
		{name: "last", in: "ZW", want: "ZW"},
		{name: "empty", in: "", wantErr: true},
		{name: "one letter", in: "D", wantErr: true},
		{name: "alpha-3", in: "DEU", wantErr: true},
		{name: "name", in: "Germany", wantErr: true},
		{name: "exceptionally reserved UK", in: "UK", wantErr: true},
		{name: "exceptionally reserved EU", in: "EU", wantErr: true},
		{name: "user assigned XK", in: "XK", wantErr: true},
		{name: "user assigned ZZ", in: "ZZ", wantErr: true},
		{name: "withdrawn AN", in: "AN", wantErr: true},
		{name: "withdrawn YU", in: "YU", wantErr: true},
		{name: "digits", in: "12", wantErr: true},
		{name: "numeric code", in: "276", wantErr: true},
		{name: "multi-byte two runes", in: "dé", wantErr: true},
	})
}

func TestLocale(t *testing.T) {
	runNorm(t, Locale, []normCase{
		{name: "language", in: "de", want: "de"},
		{name: "language region", in: "en-US", want: "en-US"},
		{name: "lower region", in: "pt-br", want: "pt-BR"},
		{name: "upper language", in: "EN-us", want: "en-US"},
		{name: "underscore", in: "en_US", want: "en-US"},
		{name: "script", in: "zh-Hant-TW", want: "zh-Hant-TW"},
		{name: "script lower", in: "sr-latn", want: "sr-Latn"},
		{name: "trimmed", in: " fr-CA ", want: "fr-CA"},
		{name: "deprecated code canonicalised", in: "iw", want: "he"},
		{name: "unicode extension", in: "de-DE-u-co-phonebk", want: "de-DE-u-co-phonebk"},
		{name: "three letter language", in: "gsw", want: "gsw"},
		{name: "empty", in: "", wantErr: true},
		{name: "blank", in: "  ", wantErr: true},
		{name: "und", in: "und", wantErr: true},
		{name: "und region", in: "und-US", wantErr: true},
		{name: "private use only", in: "x-foo", wantErr: true},
		{name: "garbage", in: "not a locale", wantErr: true},
		{name: "trailing hyphen", in: "en-", wantErr: true},
		{name: "bad extension", in: "en-a-b", wantErr: true},
		{name: "too long subtag", in: "abcdefghi", wantErr: true},
		{name: "too long input", in: "en-" + strings.Repeat("x", 100), wantErr: true},
		{name: "path", in: "../../etc/passwd", wantErr: true},
	})
}

func TestPhone(t *testing.T) {
	runNorm(t, Phone, []normCase{
		{name: "international", in: "+49 30 1234567", want: "+49 30 1234567"},
		{name: "us style", in: "(555) 123-4567", want: "(555) 123-4567"},
		{name: "dots and slash", in: "030/123.45.67", want: "030/123.45.67"},
		{name: "trimmed", in: "  112 ", want: "112"},
		{name: "three digits", in: "110", want: "110"},
		{name: "twenty digits", in: strings.Repeat("1", 20), want: strings.Repeat("1", 20)},
		{name: "32 chars", in: "+1 " + strings.Repeat("2-", 14) + "3", want: "+1 " + strings.Repeat("2-", 14) + "3"},
		{name: "empty", in: "", wantErr: true},
		{name: "two digits", in: "12", wantErr: true},
		{name: "two digits padded", in: "+1-2", wantErr: true},
		{name: "no digits", in: "+ () -", wantErr: true},
		{name: "21 digits", in: strings.Repeat("1", 21), wantErr: true},
		{name: "33 chars", in: "+1 " + strings.Repeat("2-", 14) + "34", wantErr: true},
		{name: "plus inside", in: "49+301234", wantErr: true},
		{name: "double plus", in: "++49301234", wantErr: true},
		{name: "letters", in: "0800-FLOWERS", wantErr: true},
		{name: "extension x", in: "030 1234 x12", wantErr: true},
		{name: "tab inside", in: "030\t1234", wantErr: true},
		{name: "newline inside", in: "030\n1234", wantErr: true},
		{name: "unicode digits", in: "٠١٢٣٤", wantErr: true},
		{name: "hash", in: "#31#123", wantErr: true},
	})
}

func TestDomainName(t *testing.T) {
	label63 := strings.Repeat("a", 63)
	d253 := label63 + "." + label63 + "." + label63 + "." + strings.Repeat("b", 61)
	runNorm(t, DomainName, []normCase{
		{name: "simple", in: "example.com", want: "example.com"},
		{name: "upper", in: "EXAMPLE.Com", want: "example.com"},
		{name: "subdomain", in: "www.sub.example.co.uk", want: "www.sub.example.co.uk"},
		{name: "trailing dot", in: "example.com.", want: "example.com"},
		{name: "trimmed", in: "  example.com \n", want: "example.com"},
		{name: "hyphen", in: "my-site.example", want: "my-site.example"},
		{name: "digits label", in: "123.example", want: "123.example"},
		{name: "digit-leading tld ok", in: "example.1a", want: "example.1a"},
		{name: "idn", in: "Bücher.Example", want: "xn--bcher-kva.example"},
		{name: "idn tld", in: "例え.テスト", want: "xn--r8jz45g.xn--zckzah"},
		{name: "punycode passthrough", in: "xn--bcher-kva.example", want: "xn--bcher-kva.example"},
		{name: "ideographic full stop", in: "example。com", want: "example.com"},
		{name: "label 63", in: label63 + ".com", want: label63 + ".com"},
		{name: "total 253", in: d253, want: d253},
		{name: "total 253 trailing dot", in: d253 + ".", want: d253},
		{name: "empty", in: "", wantErr: true},
		{name: "dot only", in: ".", wantErr: true},
		{name: "two trailing dots", in: "example.com..", wantErr: true},
		{name: "leading dot", in: ".example.com", wantErr: true},
		{name: "empty label", in: "a..example", wantErr: true},
		{name: "single label", in: "localhost", wantErr: true},
		{name: "single idn label", in: "bücher", wantErr: true},
		{name: "label 64", in: label63 + "a.com", wantErr: true},
		{name: "total 254", in: d253 + "b", wantErr: true},
		{name: "hyphen start", in: "-example.com", wantErr: true},
		{name: "hyphen end", in: "example-.com", wantErr: true},
		{name: "hyphen tld end", in: "example.com-", wantErr: true},
		{name: "underscore", in: "_dmarc.example.com", wantErr: true},
		{name: "space", in: "exa mple.com", wantErr: true},
		{name: "wildcard", in: "*.example.com", wantErr: true},
		{name: "wildcard middle", in: "a.*.example.com", wantErr: true},
		{name: "ipv4", in: "192.0.2.1", wantErr: true},
		{name: "ipv4 trailing dot", in: "192.0.2.1.", wantErr: true},
		{name: "numeric tld", in: "example.123", wantErr: true},
		{name: "ipv6", in: "2001:db8::1", wantErr: true},
		{name: "ipv6 brackets", in: "[2001:db8::1]", wantErr: true},
		{name: "url", in: "https://example.com", wantErr: true},
		{name: "path", in: "example.com/path", wantErr: true},
		{name: "port", in: "example.com:80", wantErr: true},
		{name: "invalid punycode", in: "xn--zz.example", wantErr: true},
		{name: "reserved hyphens", in: "ab--cd.example", wantErr: true},
		{name: "zero width joiner", in: "a\u200db.example", wantErr: true},
		{name: "nul", in: "exa\x00mple.com", wantErr: true},
		{name: "huge input", in: strings.Repeat("a.", 5000) + "com", wantErr: true},
	})
}

func TestText(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		max     int
		want    string
		wantErr bool
	}{
		{name: "simple", in: "ACME Hosting GmbH", max: 100, want: "ACME Hosting GmbH"},
		{name: "trimmed", in: "  Alice  \n", max: 100, want: "Alice"},
		{name: "empty allowed", in: "", max: 10, want: ""},
		{name: "blank becomes empty", in: " \t\n ", max: 10, want: ""},
		{name: "newline and tab kept inside", in: "Street 1\nApt\t2", max: 100, want: "Street 1\nApt\t2"},
		{name: "unicode", in: "Zoë Łukasz 東京", max: 13, want: "Zoë Łukasz 東京"},
		{name: "exactly max runes", in: strings.Repeat("ä", 5), max: 5, want: strings.Repeat("ä", 5)},
		{name: "max runes not bytes", in: "日本語", max: 3, want: "日本語"},
		{name: "too long", in: "abcdef", max: 5, wantErr: true},
		{name: "too long after trim ok", in: "  abc  ", max: 3, want: "abc"},
		{name: "carriage return", in: "a\r\nb", max: 10, wantErr: true},
		{name: "nul", in: "a\x00b", max: 10, wantErr: true},
		{name: "escape", in: "a\x1b[31mb", max: 20, wantErr: true},
		{name: "del", in: "a\x7fb", max: 10, wantErr: true},
		{name: "c1 control", in: "a\u0085b", max: 10, wantErr: true},
		{name: "invalid utf8", in: "a\xffb", max: 10, wantErr: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Text("Company", tc.in, tc.max)
			if tc.wantErr {
				if err == nil {
					t.Fatalf("Text(%q, %d) = %q, nil; want error", tc.in, tc.max, got)
				}
				assertCode(t, err, CodeInvalid)
				if !strings.Contains(err.Error(), "Company") {
					t.Errorf("error %q does not name the field", err.Error())
				}
				return
			}
			if err != nil {
				t.Fatalf("Text(%q, %d) unexpected error: %v", tc.in, tc.max, err)
			}
			if got != tc.want {
				t.Errorf("Text(%q, %d) = %q; want %q", tc.in, tc.max, got, tc.want)
			}
		})
	}
}

func TestExternalID(t *testing.T) {
	printable := func() string {
		var b strings.Builder
		for c := byte('!'); c <= '~'; c++ {
			b.WriteByte(c)
		}
		return b.String()
	}()
	runNorm(t, ExternalID, []normCase{
		{name: "simple", in: "cust-00042", want: "cust-00042"},
		{name: "trimmed", in: " whmcs:17 ", want: "whmcs:17"},
		{name: "all printable", in: printable, want: printable},
		{name: "single", in: "1", want: "1"},
		{name: "max", in: strings.Repeat("x", 128), want: strings.Repeat("x", 128)},
		{name: "empty", in: "", wantErr: true},
		{name: "blank", in: "   ", wantErr: true},
		{name: "too long", in: strings.Repeat("x", 129), wantErr: true},
		{name: "space inside", in: "cust 42", wantErr: true},
		{name: "tab inside", in: "cust\t42", wantErr: true},
		{name: "nul", in: "cust\x0042", wantErr: true},
		{name: "del", in: "cust\x7f", wantErr: true},
		{name: "non-ascii", in: "kunde-ä", wantErr: true},
	})
}

func TestPlanName(t *testing.T) {
	runNorm(t, PlanName, []normCase{
		{name: "simple", in: "Business 50 GB", want: "Business 50 GB"},
		{name: "trimmed", in: "  Starter\n", want: "Starter"},
		{name: "unicode", in: "Profi – Ünlimited ✓", want: "Profi – Ünlimited ✓"},
		{name: "max runes", in: strings.Repeat("ü", 100), want: strings.Repeat("ü", 100)},
		{name: "empty", in: "", wantErr: true},
		{name: "blank", in: " \t ", wantErr: true},
		{name: "too long", in: strings.Repeat("a", 101), wantErr: true},
		{name: "newline inside", in: "Plan\nB", wantErr: true},
		{name: "tab inside", in: "Plan\tB", wantErr: true},
		{name: "nul", in: "Plan\x00", wantErr: true},
		{name: "invalid utf8", in: "Plan \xff", wantErr: true},
	})
}

// TestMessagesAreUserSafe makes sure error messages never echo library
// internals such as package names.
func TestMessagesAreUserSafe(t *testing.T) {
	inputs := []func() error{
		func() error { _, err := Email("Alice <a@example.com>"); return err },
		func() error { _, err := Email("a@xn--zz.example"); return err },
		func() error { _, err := DomainName("xn--zz.example"); return err },
		func() error { _, err := Locale("en-a-b"); return err },
		func() error { _, err := Locale("zz-zz-zz-zz-zz"); return err },
	}
	for i, f := range inputs {
		err := f()
		if err == nil {
			t.Fatalf("case %d: expected error", i)
		}
		msg := err.Error()
		for _, bad := range []string{"idna", "mail:", "language:", "punycode", "golang.org"} {
			if strings.Contains(strings.ToLower(msg), bad) {
				t.Errorf("case %d: message %q leaks internals (%q)", i, msg, bad)
			}
		}
	}
}
