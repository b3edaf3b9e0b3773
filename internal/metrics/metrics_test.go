package metrics_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/hostpanel/panel/internal/metrics"
)

func scrape(t *testing.T, m *metrics.Metrics) string {
	t.Helper()
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("GET /metrics: status %d", rec.Code)
	}
	b, _ := io.ReadAll(rec.Body)
	return string(b)
}

func TestRoute(t *testing.T) {
	cases := map[string]string{
		"/graphql":        metrics.RouteGraphQL,
		"/healthz":        metrics.RouteHealthz,
		"/readyz":         metrics.RouteReadyz,
		"/metrics":        metrics.RouteMetrics,
		"/schema.graphql": metrics.RouteSchema,
		"/":               metrics.RouteGraphiQL,
		"/graphql/x":      metrics.RouteOther,
		"/wp-login.php":   metrics.RouteOther,
		"":                metrics.RouteOther,
	}
	for path, want := range cases {
		if got := metrics.Route(path); got != want {
			t.Errorf("Route(%q) = %q, want %q", path, got, want)
		}
	}
}

func TestMiddleware(t *testing.T) {
	m := metrics.New()
	h := m.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/graphql":
			_, _ = io.WriteString(w, "{}")
		case "/readyz":
			w.WriteHeader(http.StatusServiceUnavailable)
		case "/healthz":
			// writes nothing: implicit 200
		default:
			http.NotFound(w, r)
		}
	}))
	for _, p := range []string{"/graphql", "/graphql", "/readyz", "/healthz", "/nope", "/nope/2"} {
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, p, nil))
	}
	reg := m.Registry()
	checks := []struct {
		expected string
	}{{`
# HELP panel_http_requests_total HTTP requests served, by route and status code.
# TYPE panel_http_requests_total counter
panel_http_requests_total{code="200",route="graphql"} 2
panel_http_requests_total{code="200",route="healthz"} 1
panel_http_requests_total{code="404",route="other"} 2
panel_http_requests_total{code="503",route="readyz"} 1
`}}
	for _, c := range checks {
		if err := testutil.GatherAndCompare(reg, strings.NewReader(c.expected), "panel_http_requests_total"); err != nil {
			t.Error(err)
		}
	}
	if n, err := testutil.GatherAndCount(reg, "panel_http_request_duration_seconds"); err != nil || n != 4 {
		t.Errorf("duration series = %d, %v; want 4", n, err)
	}
}

func TestMiddlewarePanic(t *testing.T) {
	m := metrics.New()
	h := m.Middleware(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("boom") }))
	func() {
		defer func() {
			if recover() == nil {
				t.Error("panic was swallowed; it must reach the recovering middleware")
			}
		}()
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodPost, "/graphql", nil))
	}()
	want := `
# HELP panel_http_requests_total HTTP requests served, by route and status code.
# TYPE panel_http_requests_total counter
panel_http_requests_total{code="500",route="graphql"} 1
`
	if err := testutil.GatherAndCompare(m.Registry(), strings.NewReader(want), "panel_http_requests_total"); err != nil {
		t.Error(err)
	}
}

func TestErrorCodeAndStatement(t *testing.T) {
	m := metrics.New()
	m.ErrorCode("UNAUTHENTICATED")
	m.ErrorCode("UNAUTHENTICATED")
	m.ErrorCode("SOMETHING_NEW")
	m.ErrorCode(strings.Repeat("x", 1000))
	for range 5 {
		m.Statement(context.Background())
	}
	out := scrape(t, m)
	for _, want := range []string{
		`panel_graphql_errors_total{code="UNAUTHENTICATED"} 2`,
		`panel_graphql_errors_total{code="OTHER"} 2`,
		`panel_graphql_errors_total{code="FORBIDDEN"} 0`,
		`panel_sql_statements_total 5`,
		`go_goroutines `,
		`process_cpu_seconds_total `,
		`panel_http_requests_in_flight 0`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("metrics output lacks %q", want)
		}
	}
	if strings.Contains(out, "SOMETHING_NEW") {
		t.Error("unknown error code exported as a label value")
	}
}

func TestIndependentRegistries(t *testing.T) {
	// Two instances must not collide (no global registry).
	a, b := metrics.New(), metrics.New()
	a.Statement(context.Background())
	if !strings.Contains(scrape(t, a), "panel_sql_statements_total 1") ||
		!strings.Contains(scrape(t, b), "panel_sql_statements_total 0") {
		t.Error("metrics instances share state")
	}
}
