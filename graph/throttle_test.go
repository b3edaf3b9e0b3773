package graph_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/netip"
	"testing"
	"time"

	"entgo.io/ent/dialect"

	"github.com/hostpanel/panel/internal/apitest"
	"github.com/hostpanel/panel/internal/auth"
	"github.com/hostpanel/panel/internal/dbtest"
	"github.com/hostpanel/panel/internal/httpx"
)

const loginMutation = `mutation($l:String!,$p:String!){login(input:{login:$l,password:$p}){token userErrors{code message}}}`

// loginFrom logs in with X-Forwarded-For: xff and returns the response, its
// raw body and how long it took.
func loginFrom(t *testing.T, s *apitest.Server, login, password, xff string) (apitest.Response, string, time.Duration) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": loginMutation, "variables": map[string]any{"l": login, "p": password}})
	h := http.Header{"Content-Type": {"application/json"}}
	if xff != "" {
		h.Set("X-Forwarded-For", xff)
	}
	start := time.Now()
	status, _, raw := s.Raw(http.MethodPost, h, body)
	took := time.Since(start)
	var r apitest.Response
	if err := json.Unmarshal(raw, &r); err != nil {
		t.Fatalf("status %d: %s", status, raw)
	}
	return r, string(raw), took
}

type loginOutcome string

const (
	loggedIn    loginOutcome = "logged in"
	refused     loginOutcome = "refused"
	rateLimited loginOutcome = "rate limited"
)

func outcome(t *testing.T, r apitest.Response) loginOutcome {
	t.Helper()
	if r.Code() == "RATE_LIMITED" {
		return rateLimited
	}
	if len(r.Errors) > 0 {
		t.Fatalf("login: %+v", r.Errors)
	}
	var out struct {
		Login struct {
			Token      *string
			UserErrors []struct{ Code string }
		}
	}
	_ = json.Unmarshal(r.Data, &out)
	if out.Login.Token != nil {
		return loggedIn
	}
	if len(out.Login.UserErrors) != 1 || out.Login.UserErrors[0].Code != "INVALID" {
		t.Fatalf("login: %s", r.Data)
	}
	return refused
}

// trustLocalProxy makes the test client a trusted proxy, so that
// X-Forwarded-For chooses the client address.
func trustLocalProxy(h http.Handler) http.Handler {
	return httpx.ClientIP([]netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")}, h)
}

func TestLoginThrottle(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d string) {
		cfg := auth.ThrottleConfig{Window: time.Hour, MaxPerLogin: 3, MaxPerAddress: 6}
		opts := apitest.Options{Wrap: trustLocalProxy, Auth: func(a *auth.Service) { a.SetThrottle(cfg) }}
		s, _ := apitest.NewWith(t, d, opts)
		w := s.BuildWorld()
		r1, c1 := w.Resellers[0], w.Customers[1]
		try := func(srv *apitest.Server, login, password, addr string, want loginOutcome) {
			t.Helper()
			r, _, _ := loginFrom(t, srv, login, password, addr)
			if got := outcome(t, r); got != want {
				t.Fatalf("%s from %s: %s, want %s", login, addr, got, want)
			}
		}

		// Per login: 3 refusals, shared by two server processes, then even
		// the right password is answered RATE_LIMITED, from any address.
		s2, _ := s.Twin(opts)
		try(s, r1.Login, "wrong-1", "203.0.113.1", refused)
		try(s2, r1.Login, "wrong-2", "203.0.113.2", refused)
		try(s, r1.Login, "wrong-3", "203.0.113.3", refused)
		try(s2, r1.Login, r1.Password, "203.0.113.4", rateLimited)
		try(s, r1.Login, r1.Password, "198.51.100.9", rateLimited)
		// Other accounts are not locked out, from the same addresses either.
		try(s, c1.Login, c1.Password, "203.0.113.1", loggedIn)
		try(s2, "admin", apitest.AdminPassword, "203.0.113.2", loggedIn)

		// Unknown logins are throttled exactly like known ones.
		for i := 0; i < 3; i++ {
			try(s, "nobody", "x", fmt.Sprintf("192.0.2.%d", i+1), refused)
		}
		try(s, "nobody", "x", "192.0.2.99", rateLimited)

		// Per address: 6 refusals of different logins from one address,
		// then every login from it is RATE_LIMITED; other addresses go on.
		for i := 0; i < 6; i++ {
			try(s, fmt.Sprintf("guess%d", i), "x", "198.51.100.7", refused)
		}
		try(s, w.Customers[3].Login, w.Customers[3].Password, "198.51.100.7", rateLimited)
		try(s, w.Customers[3].Login, w.Customers[3].Password, "198.51.100.8", loggedIn)
		// IPv6 clients are counted per /64.
		for i := 0; i < 6; i++ {
			try(s, fmt.Sprintf("v6guess%d", i), "x", fmt.Sprintf("2001:db8:1:2::%x", i+1), refused)
		}
		try(s, w.Customers[4].Login, w.Customers[4].Password, "2001:db8:1:2:ffff::1", rateLimited)
		try(s, w.Customers[4].Login, w.Customers[4].Password, "2001:db8:1:3::1", loggedIn)

		// A success forgets the login's refusals.
		try(s, c1.Login, "wrong", "192.0.2.50", refused)
		try(s, c1.Login, "wrong", "192.0.2.51", refused)
		try(s, c1.Login, c1.Password, "192.0.2.52", loggedIn)
		try(s, c1.Login, "wrong", "192.0.2.53", refused)
		try(s, c1.Login, "wrong", "192.0.2.54", refused)
		try(s, c1.Login, c1.Password, "192.0.2.55", loggedIn)
	})
}

// TestForwardedForFromUntrustedPeersIgnored: without trusted proxies a
// client cannot escape the address limit by inventing X-Forwarded-For.
func TestForwardedForFromUntrustedPeersIgnored(t *testing.T) {
	cfg := auth.ThrottleConfig{Window: time.Hour, MaxPerLogin: 100, MaxPerAddress: 4}
	s, _ := apitest.NewWith(t, dialect.SQLite, apitest.Options{
		Wrap: func(h http.Handler) http.Handler { return httpx.ClientIP(nil, h) },
		Auth: func(a *auth.Service) { a.SetThrottle(cfg) },
	})
	for i := 0; i < 4; i++ {
		r, _, _ := loginFrom(t, s, fmt.Sprintf("guess%d", i), "x", fmt.Sprintf("203.0.113.%d", i))
		if got := outcome(t, r); got != refused {
			t.Fatalf("attempt %d: %s", i, got)
		}
	}
	r, _, _ := loginFrom(t, s, "admin", apitest.AdminPassword, "203.0.113.200")
	if got := outcome(t, r); got != rateLimited {
		t.Fatalf("spoofed X-Forwarded-For: %s, want %s", got, rateLimited)
	}
}
