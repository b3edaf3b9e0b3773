package httpx

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// ParseOrigins parses a comma-separated list of SPA origins
// (scheme://host[:port], e.g. "https://panel.example.com").
func ParseOrigins(s string) ([]string, error) {
	var out []string
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		u, err := url.Parse(f)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" ||
			u.Path != "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
			return nil, fmt.Errorf("CORS origin %q is not scheme://host[:port]", f)
		}
		out = append(out, strings.ToLower(u.Scheme+"://"+u.Host))
	}
	return out, nil
}

// CORS answers cross-origin requests from the allowed origins only: a
// request whose Origin is in the list gets Access-Control-Allow-Origin (and,
// for a preflight, the allowed method and headers); any other origin gets no
// CORS header, and its preflight is refused with 403. No credentials
// (cookies) are ever allowed: the API authenticates with bearer tokens.
func CORS(allowed []string, next http.Handler) http.Handler {
	ok := make(map[string]bool, len(allowed))
	for _, o := range allowed {
		ok[strings.ToLower(o)] = true
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		origin := r.Header.Get("Origin")
		h := w.Header()
		h.Add("Vary", "Origin")
		preflight := r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != ""
		if origin == "" {
			next.ServeHTTP(w, r)
			return
		}
		if !ok[strings.ToLower(origin)] {
			if preflight {
				w.WriteHeader(http.StatusForbidden)
				return
			}
			next.ServeHTTP(w, r)
			return
		}
		h.Set("Access-Control-Allow-Origin", origin)
		h.Set("Access-Control-Expose-Headers", RequestIDHeader)
		if preflight {
			h.Add("Vary", "Access-Control-Request-Method")
			h.Add("Vary", "Access-Control-Request-Headers")
			h.Set("Access-Control-Allow-Methods", "POST")
			h.Set("Access-Control-Allow-Headers", "Authorization, Content-Type, "+RequestIDHeader)
			h.Set("Access-Control-Max-Age", "600")
			w.WriteHeader(http.StatusNoContent)
			return
		}
		next.ServeHTTP(w, r)
	})
}
