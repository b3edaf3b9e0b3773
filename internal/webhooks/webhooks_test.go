package webhooks

import (
	"context"
	"errors"
	"net/netip"
	"strings"
	"testing"
	"time"
)

func TestBlocked(t *testing.T) {
	for _, tc := range []struct {
		ip      string
		blocked bool
	}{
		{"127.0.0.1", true}, {"127.255.0.9", true}, {"10.0.0.1", true}, {"172.16.5.4", true}, {"172.31.255.255", true},
		{"192.168.0.1", true}, {"169.254.169.254", true}, {"0.0.0.0", true}, {"100.64.1.1", true}, {"224.0.0.251", true},
		{"255.255.255.255", true}, {"198.18.0.1", true}, {"240.0.0.1", true},
		{"::1", true}, {"::", true}, {"fe80::1", true}, {"fc00::1", true}, {"fd12:3456::1", true}, {"ff02::1", true},
		{"::ffff:127.0.0.1", true}, {"::ffff:10.0.0.1", true}, {"64:ff9b::a00:1", true}, {"2002:7f00:1::", true},
		{"::127.0.0.1", true}, {"::ffff:0:7f00:1", true}, {"2001:0:4136:e378:8000:63bf:3fff:fdd2", true}, {"fec0::1", true},
		{"2001:4860:4860::8888", false},
		{"93.184.216.34", false}, {"8.8.8.8", false}, {"172.32.0.1", false}, {"2606:4700::1111", false}, {"::ffff:8.8.8.8", false},
	} {
		if got := Blocked(netip.MustParseAddr(tc.ip)); got != tc.blocked {
			t.Errorf("Blocked(%s) = %v, want %v", tc.ip, got, tc.blocked)
		}
	}
}

func TestCheckURL(t *testing.T) {
	lookup := func(_ context.Context, host string) ([]string, error) {
		switch host {
		case "rebind.example.com":
			return []string{"93.184.216.34", "10.0.0.7"}, nil
		case "public.example.com":
			return []string{"93.184.216.34"}, nil
		}
		return nil, errors.New("no such host")
	}
	ctx := context.Background()
	for _, tc := range []struct {
		url, want, err string
		private        bool
	}{
		{url: " https://public.example.com/hook?x=1 ", want: "https://public.example.com/hook?x=1"},
		{url: "http://unresolvable.example.com/", want: "http://unresolvable.example.com/"},
		{url: "https://93.184.216.34:8443/h", want: "https://93.184.216.34:8443/h"},
		{url: "https://rebind.example.com/", err: "private"},
		{url: "http://127.0.0.1:9000/", err: "private"},
		{url: "http://127.0.0.1:9000/", private: true, want: "http://127.0.0.1:9000/"},
		{url: "http://localhost/", err: "private"},
		{url: "http://LOCALHOST./", err: "private"},
		{url: "http://[::ffff:7f00:1]/", err: "private"},
		{url: "gopher://public.example.com/", err: "http or https"},
		{url: "/relative", err: "absolute"},
		{url: "", err: "required"},
		{url: "https://a:b@public.example.com/", err: "credentials"},
		{url: "https://public.example.com:99999/", err: "port"},
		{url: "https:///nohost", err: "host"},
		{url: "http://127.1/", err: "standard form"},
		{url: "http://0x7f.0.0.1:80/", private: true, err: "standard form"},
		{url: "http://93.184.216.34./", err: "standard form"},
		{url: "https://hooks1.example.com/", want: "https://hooks1.example.com/"},
	} {
		got, err := checkURL(ctx, tc.url, tc.private, lookup)
		switch {
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
			t.Errorf("%q: %q, %v; want an error about %q", tc.url, got, err, tc.err)
		case tc.err == "" && (err != nil || got != tc.want):
			t.Errorf("%q: %q, %v; want %q", tc.url, got, err, tc.want)
		}
	}
}

func TestDialControl(t *testing.T) {
	strict, lenient := dialControl(false), dialControl(true)
	if err := strict("tcp", "127.0.0.1:80", nil); !errors.Is(err, errBlocked) {
		t.Errorf("loopback: %v", err)
	}
	if err := strict("tcp6", "[fd00::1]:443", nil); !errors.Is(err, errBlocked) {
		t.Errorf("ULA: %v", err)
	}
	if err := strict("tcp", "93.184.216.34:443", nil); err != nil {
		t.Errorf("public: %v", err)
	}
	if err := lenient("tcp", "127.0.0.1:80", nil); err != nil {
		t.Errorf("allowed private: %v", err)
	}
}

func TestBackoff(t *testing.T) {
	w := &Worker{cfg: Config{}.withDefaults()}
	for attempt, want := range map[int]time.Duration{1: 10 * time.Second, 2: 20 * time.Second, 4: 80 * time.Second, 10: time.Hour, 12: time.Hour} {
		for range 50 {
			d := w.backoff(attempt)
			if d < want*8/10 || d > want*12/10 {
				t.Fatalf("backoff(%d) = %v, want %v ±20%%", attempt, d, want)
			}
		}
	}
}

func TestSignature(t *testing.T) {
	// A fixed vector, computed with Python's hmac module (the receiver
	// example of docs/webhooks.md): HMAC-SHA256("whsec_test", "1700000000.{}").
	got := Signature("whsec_test", 1700000000, []byte("{}"))
	if want := "t=1700000000,v1=35495024f4ef3f94e5a93e22221544c4b75e9a42300cd965ab81cb85cd994e91"; got != want {
		t.Fatalf("signature %q, want %q", got, want)
	}
	if got == Signature("whsec_other", 1700000000, []byte("{}")) || got == Signature("whsec_test", 1700000001, []byte("{}")) {
		t.Error("the signature does not depend on the secret and the time")
	}
}
