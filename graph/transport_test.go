package graph_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/hostpanel/panel/internal/apitest"
)

// TestTransportMediaTypes: the answer's media type follows Accept, and a
// request that fails before execution gets 400 with
// application/graphql-response+json, 200 with application/json, and never
// a "data" entry (GraphQL-over-HTTP; docs/ecosystem.md).
func TestTransportMediaTypes(t *testing.T) {
	s, admin := limitsServer(t)
	const (
		gr = "application/graphql-response+json"
		aj = "application/json"
	)
	body := func(q string) string { b, _ := json.Marshal(map[string]any{"query": q}); return string(b) }
	cases := []struct {
		name, accept, body string
		status             int
		ctype              string // "" for an error answered before negotiation matters
		data               bool   // the response has a "data" entry
		code               string // code of the first error, "" for none
	}{
		{"no Accept: application/json", "", body("{ viewer { role } }"), 200, aj, true, ""},
		{"graphql-response+json", gr, body("{ viewer { role } }"), 200, gr, true, ""},
		{"json", aj, body("{ viewer { role } }"), 200, aj, true, ""},
		{"*/* means application/json", "*/*", body("{ viewer { role } }"), 200, aj, true, ""},
		{"application/* means application/json", "application/*", body("{ viewer { role } }"), 200, aj, true, ""},
		{"both: graphql-response+json preferred", aj + ", " + gr, body("{ viewer { role } }"), 200, gr, true, ""},
		{"quality wins", gr + ";q=0.5, " + aj, body("{ viewer { role } }"), 200, aj, true, ""},
		{"GraphiQL's Accept", gr + ", " + aj + ", multipart/mixed", body("{ viewer { role } }"), 200, gr, true, ""},
		{"unsupported Accept: 406", "text/html", body("{ viewer { role } }"), 406, aj, false, "BAD_USER_INPUT"},
		{"q=0 refuses", gr + ";q=0, " + aj + ";q=0", body("{ viewer { role } }"), 406, aj, false, "BAD_USER_INPUT"},

		{"parse error, graphql-response+json", gr, body("{ viewer {"), 400, gr, false, "GRAPHQL_PARSE_FAILED"},
		{"parse error, json", aj, body("{ viewer {"), 200, aj, false, "GRAPHQL_PARSE_FAILED"},
		{"validation error, graphql-response+json", gr, body("{ nope }"), 400, gr, false, "GRAPHQL_VALIDATION_FAILED"},
		{"validation error, json", aj, body("{ nope }"), 200, aj, false, "GRAPHQL_VALIDATION_FAILED"},
		{"variable coercion, graphql-response+json", gr, `{"query":"query($n: Int!){ customers(first: $n) { totalCount } }","variables":{"n":"x"}}`, 400, gr, false, "GRAPHQL_VALIDATION_FAILED"},
		{"variable coercion, json", aj, `{"query":"query($n: Int!){ customers(first: $n) { totalCount } }","variables":{"n":"x"}}`, 200, aj, false, "GRAPHQL_VALIDATION_FAILED"},
		{"over the depth limit, graphql-response+json", gr, body(strings.Repeat("{ viewer ", 20) + strings.Repeat("}", 20)), 400, gr, false, ""},
		{"body not JSON", aj, `{"query":`, 400, aj, false, "BAD_USER_INPUT"},
		{"query not a string", gr, `{"query":{"obj":"ect"}}`, 400, gr, false, "BAD_USER_INPUT"},
		{"no query", aj, `{"qeury":"{ __typename }"}`, 400, aj, false, "BAD_USER_INPUT"},
	}
	for _, c := range cases {
		h := http.Header{"Content-Type": {"application/json"}, "Authorization": {"Bearer " + admin}}
		if c.accept != "" {
			h.Set("Accept", c.accept)
		}
		status, hdr, raw := s.Raw(http.MethodPost, h, []byte(c.body))
		var r map[string]json.RawMessage
		if err := json.Unmarshal(raw, &r); err != nil {
			t.Errorf("%s: body is not JSON: %s", c.name, raw)
			continue
		}
		if status != c.status {
			t.Errorf("%s: status %d, want %d: %s", c.name, status, c.status, raw)
		}
		if !slices.Contains(hdr.Values("Vary"), "Accept") {
			t.Errorf("%s: Vary %q lacks Accept", c.name, hdr.Values("Vary"))
		}
		if got := hdr.Get("Content-Type"); got != c.ctype+"; charset=utf-8" {
			t.Errorf("%s: Content-Type %q, want %s", c.name, got, c.ctype)
		}
		if _, has := r["data"]; has != c.data {
			t.Errorf("%s: data entry present %v, want %v: %s", c.name, has, c.data, raw)
		}
		var errs []apitest.GQLError
		_ = json.Unmarshal(r["errors"], &errs)
		if c.code == "" && c.data && len(errs) > 0 {
			t.Errorf("%s: errors %+v", c.name, errs)
		}
		if c.code != "" && (len(errs) == 0 || errs[0].Extensions["code"] != c.code) {
			t.Errorf("%s: errors %s, want code %s", c.name, raw, c.code)
		}
		if !c.data && len(errs) == 0 {
			t.Errorf("%s: refused without an error: %s", c.name, raw)
		}
	}
}

// TestTransportRefusalsAreJSON: method, Content-Type and size refusals are
// JSON bodies declared as such, with a code.
func TestTransportRefusalsAreJSON(t *testing.T) {
	s, _ := limitsServer(t)
	for _, c := range []struct {
		method, ctype string
		status        int
	}{
		{http.MethodPut, "application/json", http.StatusMethodNotAllowed},
		{http.MethodPost, "text/plain", http.StatusUnsupportedMediaType},
	} {
		status, hdr, raw := s.Raw(c.method, http.Header{"Content-Type": {c.ctype}}, []byte(`{"query":"{ __typename }"}`))
		var r apitest.Response
		if status != c.status || hdr.Get("Content-Type") != "application/json; charset=utf-8" ||
			json.Unmarshal(raw, &r) != nil || r.Code() != "BAD_USER_INPUT" {
			t.Errorf("%s %s: %d %q %s", c.method, c.ctype, status, hdr.Get("Content-Type"), raw)
		}
	}
}

// TestIntrospectionRefusedClearly: introspection without a token is
// UNAUTHENTICATED (it was an INTERNAL_SERVER_ERROR), __typename still works.
func TestIntrospectionRefusedClearly(t *testing.T) {
	s, admin := limitsServer(t)
	for _, q := range []string{`{ __schema { queryType { name } } }`, `{ __type(name: "Customer") { name } }`} {
		r := s.Do("", q, nil)
		if r.Code() != "UNAUTHENTICATED" || strings.Contains(string(r.Data), "Customer") || strings.Contains(string(r.Data), "Query") {
			t.Errorf("%s without a token: %s %+v", q, r.Data, r.Errors)
		}
		wantOK(t, s.Do(admin, q, nil))
	}
	wantOK(t, s.Do("", `{ __typename }`, nil))
}
