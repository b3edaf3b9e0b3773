package httpx

import (
	"net/http"
	"net/http/httptest"
	"net/netip"
	"testing"
)

func TestClientIP(t *testing.T) {
	trusted, err := ParseTrustedProxies("10.0.0.0/8, 192.168.1.1,::1")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ParseTrustedProxies("10.0.0.0/8,nope"); err == nil {
		t.Error("bad proxy list accepted")
	}
	cases := []struct {
		name, remote string
		xff          []string
		want         string
	}{
		{"direct client", "203.0.113.5:4000", nil, "203.0.113.5"},
		{"untrusted peer's X-Forwarded-For ignored", "203.0.113.5:4000", []string{"1.2.3.4"}, "203.0.113.5"},
		{"trusted proxy", "10.1.2.3:4000", []string{"198.51.100.7"}, "198.51.100.7"},
		{"client-supplied hops left of the proxy's ignored", "10.1.2.3:4000", []string{"1.1.1.1, 198.51.100.7"}, "198.51.100.7"},
		{"chain of trusted proxies", "10.1.2.3:4000", []string{"198.51.100.7, 192.168.1.1", "10.9.9.9"}, "198.51.100.7"},
		{"garbage stops at the last trusted hop", "10.1.2.3:4000", []string{"198.51.100.7, garbage"}, "10.1.2.3"},
		{"only trusted hops", "10.1.2.3:4000", []string{"10.0.0.1"}, "10.0.0.1"},
		{"IPv6 proxy", "[::1]:4000", []string{"2001:db8::1"}, "2001:db8::1"},
		{"IPv4-mapped peer", "[::ffff:203.0.113.9]:1", nil, "203.0.113.9"},
	}
	for _, c := range cases {
		var got netip.Addr
		h := ClientIP(trusted, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			got = ClientIPFromContext(r.Context())
		}))
		r := httptest.NewRequest(http.MethodPost, "/graphql", nil)
		r.RemoteAddr = c.remote
		for _, x := range c.xff {
			r.Header.Add("X-Forwarded-For", x)
		}
		h.ServeHTTP(httptest.NewRecorder(), r)
		if got.String() != c.want {
			t.Errorf("%s: client %s, want %s", c.name, got, c.want)
		}
	}
}

func TestCORS(t *testing.T) {
	origins, err := ParseOrigins("https://panel.example.com, http://localhost:5173")
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"panel.example.com", "https://x.example/path", "ftp://x", "*"} {
		if _, err := ParseOrigins(bad); err == nil {
			t.Errorf("origin %q accepted", bad)
		}
	}
	reached := false
	h := CORS(origins, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { reached = true }))
	do := func(method, origin string, preflight bool) *httptest.ResponseRecorder {
		reached = false
		r := httptest.NewRequest(method, "/graphql", nil)
		if origin != "" {
			r.Header.Set("Origin", origin)
		}
		if preflight {
			r.Header.Set("Access-Control-Request-Method", "POST")
			r.Header.Set("Access-Control-Request-Headers", "authorization, content-type")
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w
	}
	// Allowed origin: headers on the request, a full preflight answer.
	w := do(http.MethodPost, "https://panel.example.com", false)
	if w.Header().Get("Access-Control-Allow-Origin") != "https://panel.example.com" || !reached {
		t.Errorf("allowed origin: %v", w.Header())
	}
	if w.Header().Get("Access-Control-Allow-Credentials") != "" {
		t.Error("credentials allowed")
	}
	w = do(http.MethodOptions, "http://localhost:5173", true)
	if w.Code != http.StatusNoContent || reached || w.Header().Get("Access-Control-Allow-Origin") != "http://localhost:5173" ||
		w.Header().Get("Access-Control-Allow-Methods") != "POST" || w.Header().Get("Access-Control-Allow-Headers") == "" {
		t.Errorf("allowed preflight: %d %v", w.Code, w.Header())
	}
	// Other origins: no CORS headers, preflight refused.
	for _, o := range []string{"https://evil.example", "https://panel.example.com.evil.example", "null"} {
		w = do(http.MethodPost, o, false)
		if w.Header().Get("Access-Control-Allow-Origin") != "" || !reached {
			t.Errorf("origin %s: %v", o, w.Header())
		}
		w = do(http.MethodOptions, o, true)
		if w.Code != http.StatusForbidden || reached || w.Header().Get("Access-Control-Allow-Origin") != "" {
			t.Errorf("preflight from %s: %d %v", o, w.Code, w.Header())
		}
	}
	// No Origin: a same-origin or non-browser request passes untouched.
	if w = do(http.MethodPost, "", false); !reached || w.Header().Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("no origin: %v", w.Header())
	}
}
