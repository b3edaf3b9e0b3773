package metrics

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/hostpanel/panel/internal/sqlcount"
)

// TestStatementsPerRequest: the middleware observes the SQL statements of
// each request in panel_sql_statements_per_request.
func TestStatementsPerRequest(t *testing.T) {
	m := New()
	h := m.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// What the sqlcount driver does for each statement of the request.
		sqlcount.CounterFrom(r.Context()).Add(3)
	}))
	for range 2 {
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodPost, "/graphql", nil))
	}
	mfs, err := m.Registry().Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != "panel_sql_statements_per_request" {
			continue
		}
		for _, mt := range mf.GetMetric() {
			if mt.GetLabel()[0].GetValue() != RouteGraphQL {
				continue
			}
			if h := mt.GetHistogram(); h.GetSampleCount() != 2 || h.GetSampleSum() != 6 {
				t.Fatalf("histogram count %d sum %v, want 2 and 6", h.GetSampleCount(), h.GetSampleSum())
			}
			return
		}
	}
	t.Fatal("panel_sql_statements_per_request{route=graphql} not exported")
}
