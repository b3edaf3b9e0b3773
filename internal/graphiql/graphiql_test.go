package graphiql_test

import (
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/hostpanel/panel/internal/graphiql"
)

func get(t *testing.T, h http.Handler, path string, header http.Header) (*http.Response, string) {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	for k, v := range header {
		req.Header[k] = v
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	res := rec.Result()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

// TestPageIsSelfContained: the page names only files of this server, each
// is served with its type, and nothing (page or file) refers to a CDN.
// The browser test (conformance/browser.mjs) runs it for real.
func TestPageIsSelfContained(t *testing.T) {
	h := graphiql.Handler()
	res, page := get(t, h, "/", nil)
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != "text/html; charset=utf-8" {
		t.Fatalf("/: %d %q", res.StatusCode, res.Header.Get("Content-Type"))
	}
	if csp := res.Header.Get("Content-Security-Policy"); csp != graphiql.ContentSecurityPolicy ||
		!strings.Contains(csp, "script-src 'self';") || !strings.Contains(csp, "connect-src 'self';") {
		t.Errorf("CSP %q", csp)
	}
	if strings.Contains(page, "<script>") || strings.Contains(page, "<style>") {
		t.Error("inline script or style in the page")
	}
	refs := regexp.MustCompile(`(?:src|href)="([^"]+)"`).FindAllStringSubmatch(page, -1)
	want := map[string]string{
		"/graphiql/react.production.min.js":     "text/javascript; charset=utf-8",
		"/graphiql/react-dom.production.min.js": "text/javascript; charset=utf-8",
		"/graphiql/graphiql.min.js":             "text/javascript; charset=utf-8",
		"/graphiql/panel.js":                    "text/javascript; charset=utf-8",
		"/graphiql/graphiql.min.css":            "text/css; charset=utf-8",
		"/graphiql/panel.css":                   "text/css; charset=utf-8",
	}
	seen := map[string]bool{}
	for _, m := range refs {
		ref := m[1]
		if ref == "data:," {
			continue
		}
		seen[ref] = true
		ctype, ok := want[ref]
		if !ok {
			t.Errorf("the page refers to %q", ref)
			continue
		}
		res, body := get(t, h, ref, nil)
		if res.StatusCode != 200 || res.Header.Get("Content-Type") != ctype || len(body) == 0 {
			t.Errorf("%s: %d %q, %d bytes", ref, res.StatusCode, res.Header.Get("Content-Type"), len(body))
		}
		if cdn := regexp.MustCompile(`(?i)(https?:)?//[a-z0-9.-]*(unpkg|jsdelivr|cdnjs|esm\.sh|googleapis|gstatic)\.`).FindString(body); cdn != "" {
			t.Errorf("%s refers to %s", ref, cdn)
		}
		if strings.Contains(body, "sourceMappingURL=") {
			t.Errorf("%s refers to a source map that is not served", ref)
		}
		// Revalidation works (the ETag is the content's hash).
		if res2, _ := get(t, h, ref, http.Header{"If-None-Match": {res.Header.Get("ETag")}}); res2.StatusCode != http.StatusNotModified {
			t.Errorf("%s with its ETag: %d", ref, res2.StatusCode)
		}
	}
	for ref := range want {
		if !seen[ref] {
			t.Errorf("the page does not load %s", ref)
		}
	}
	for _, p := range []string{"/graphiql/", "/graphiql/nope.js", "/graphiql/index.html", "/graphiql/../graphiql.go", "/graphiql/LICENSES.txt"} {
		if res, _ := get(t, h, p, nil); res.StatusCode != http.StatusNotFound {
			t.Errorf("%s: %d", p, res.StatusCode)
		}
	}
}

// TestGzip: a client that accepts gzip gets the same bytes compressed, one
// that does not (or refuses it with q=0) gets them plain.
func TestGzip(t *testing.T) {
	h := graphiql.Handler()
	_, plain := get(t, h, "/graphiql/graphiql.min.js", nil)
	res, gz := get(t, h, "/graphiql/graphiql.min.js", http.Header{"Accept-Encoding": {"br, gzip;q=0.8"}})
	if res.Header.Get("Content-Encoding") != "gzip" || len(gz) >= len(plain)/2 {
		t.Fatalf("gzip: %q, %d bytes of %d", res.Header.Get("Content-Encoding"), len(gz), len(plain))
	}
	zr, err := gzip.NewReader(strings.NewReader(gz))
	if err != nil {
		t.Fatal(err)
	}
	if b, err := io.ReadAll(zr); err != nil || string(b) != plain {
		t.Fatalf("gunzipped: %v, %d bytes of %d", err, len(b), len(plain))
	}
	if !slices.Contains(res.Header.Values("Vary"), "Accept-Encoding") {
		t.Errorf("Vary %q", res.Header.Values("Vary"))
	}
	if res2, _ := get(t, h, "/graphiql/graphiql.min.js", http.Header{"Accept-Encoding": {"gzip"}, "If-None-Match": {res.Header.Get("ETag")}}); res2.StatusCode != http.StatusNotModified {
		t.Errorf("gzip ETag revalidation: %d", res2.StatusCode)
	}
	for _, ae := range []string{"", "br", "gzip;q=0", "gzip; q=0.000"} {
		res, body := get(t, h, "/graphiql/graphiql.min.js", http.Header{"Accept-Encoding": {ae}})
		if res.Header.Get("Content-Encoding") != "" || body != plain {
			t.Errorf("Accept-Encoding %q: %q, %d bytes", ae, res.Header.Get("Content-Encoding"), len(body))
		}
	}
}
