package graph_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/hostpanel/panel/graph"
	"github.com/hostpanel/panel/internal/apitest"
	"github.com/hostpanel/panel/internal/dbtest"
	"github.com/hostpanel/panel/internal/persisted"
)

// pqDo posts body (any JSON value) as the holder of token.
func pqDo(t *testing.T, s *apitest.Server, token string, body any) *apitest.Response {
	t.Helper()
	raw, ok := body.(string)
	if !ok {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		raw = string(b)
	}
	h := http.Header{"Content-Type": {"application/json"}}
	if token != "" {
		h.Set("Authorization", "Bearer "+token)
	}
	status, _, out := s.Raw(http.MethodPost, h, []byte(raw))
	r := &apitest.Response{Status: status}
	if err := json.Unmarshal(out, r); err != nil {
		t.Fatalf("bad response %d: %s", status, out)
	}
	return r
}

func apq(hash string) map[string]any {
	return map[string]any{"persistedQuery": map[string]any{"version": 1, "sha256Hash": hash}}
}

func TestAPQ(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d string) {
		s, _ := apitest.NewWith(t, d, apitest.Options{})
		admin := s.AdminToken()
		q := `query Me { viewer { role } }`
		h := persisted.Hash(q)

		// The hash alone, unknown: the APQ protocol's own answer.
		r := pqDo(t, s, admin, map[string]any{"extensions": apq(h)})
		if r.Status != 200 || r.Code() != "PERSISTED_QUERY_NOT_FOUND" || r.Errors[0].Message != "PersistedQueryNotFound" {
			t.Fatalf("miss: %d %+v", r.Status, r.Errors)
		}
		// Registered with its text, then run by hash.
		for _, body := range []map[string]any{{"query": q, "extensions": apq(h)}, {"extensions": apq(h)}} {
			r = pqDo(t, s, admin, body)
			if len(r.Errors) > 0 || string(r.Data) != `{"viewer":{"role":"ADMIN"}}` {
				t.Fatalf("%v: %s %+v", body, r.Data, r.Errors)
			}
		}
		// A hash that is not the text's: refused, nothing registered.
		other := `query Other { viewer { role } }`
		r = pqDo(t, s, admin, map[string]any{"query": other, "extensions": apq(persisted.Hash(q + " "))})
		if r.Code() != "BAD_USER_INPUT" || !strings.Contains(r.Errors[0].Message, "hash does not match") {
			t.Fatalf("wrong hash: %+v", r.Errors)
		}
		if r = pqDo(t, s, admin, map[string]any{"extensions": apq(persisted.Hash(q + " "))}); r.Code() != "PERSISTED_QUERY_NOT_FOUND" {
			t.Fatalf("wrong hash registered: %+v", r.Errors)
		}
		// The per-query limits hold for registered documents: both when
		// registering and when run by hash.
		deep := nest(graph.DefaultLimits.MaxDepth, plainLevel)
		for _, body := range []map[string]any{{"query": deep, "extensions": apq(persisted.Hash(deep))}, {"extensions": apq(persisted.Hash(deep))}} {
			wantCode(t, pqDo(t, s, admin, body), "GRAPHQL_VALIDATION_FAILED", "nested")
		}
		// Authorization too: a registered document runs as its sender.
		if r = pqDo(t, s, "", map[string]any{"extensions": apq(h)}); r.Code() != "UNAUTHENTICATED" {
			t.Fatalf("anonymous by hash: %+v", r.Errors)
		}
	})
}

func TestAPQCacheIsBounded(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d string) {
		qs := []string{`query A { viewer { role } }`, `query B { viewer { role } }`, `query C { viewer { role } }`}
		s, _ := apitest.NewWith(t, d, apitest.Options{Configure: func(c *graph.HandlerConfig) {
			c.APQCacheBytes = 2 * (64 + len(qs[0])) // two documents
		}})
		admin := s.AdminToken()
		for _, q := range qs {
			if r := pqDo(t, s, admin, map[string]any{"query": q, "extensions": apq(persisted.Hash(q))}); len(r.Errors) > 0 {
				t.Fatalf("register %s: %+v", q, r.Errors)
			}
		}
		if r := pqDo(t, s, admin, map[string]any{"extensions": apq(persisted.Hash(qs[0]))}); r.Code() != "PERSISTED_QUERY_NOT_FOUND" {
			t.Fatalf("the oldest document was not evicted: %s %+v", r.Data, r.Errors)
		}
		for _, q := range qs[1:] {
			if r := pqDo(t, s, admin, map[string]any{"extensions": apq(persisted.Hash(q))}); len(r.Errors) > 0 {
				t.Fatalf("%s evicted: %+v", q, r.Errors)
			}
		}
	})
}

func TestTrustedDocuments(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d string) {
		me := `query Me { viewer { role } }`
		create := `mutation Create($in: CreateCustomerInput!) { createCustomer(input: $in) { customer { login } userErrors { code } } }`
		// apitest's login document, so that AdminToken works.
		login := `mutation($l:String!,$p:String!){login(input:{login:$l,password:$p}){token userErrors{code message}}}`
		raw, _ := json.Marshal(map[string]string{"sha256:" + persisted.Hash(me): me, persisted.Hash(create): create, persisted.Hash(login): login})
		docs, err := persisted.Parse(raw)
		if err != nil {
			t.Fatal(err)
		}
		s, _ := apitest.NewWith(t, d, apitest.Options{Configure: func(c *graph.HandlerConfig) { c.TrustedDocuments = docs }})
		admin := s.AdminToken() // the trusted login document
		const role = `{"viewer":{"role":"ADMIN"}}`

		for name, body := range map[string]any{
			"documentId sha256:":   map[string]any{"documentId": "sha256:" + persisted.Hash(me)},
			"documentId hex":       map[string]any{"documentId": persisted.Hash(me)},
			"APQ hash":             map[string]any{"extensions": apq(persisted.Hash(me))},
			"exact text":           map[string]any{"query": me},
			"text and its hash":    map[string]any{"query": me, "documentId": persisted.Hash(me)},
			"operationName kept":   map[string]any{"documentId": persisted.Hash(me), "operationName": "Me"},
			"case-insensitive key": `{"DocumentId":"` + persisted.Hash(me) + `"}`,
		} {
			if r := pqDo(t, s, admin, body); r.Status != 200 || len(r.Errors) > 0 || string(r.Data) != role {
				t.Errorf("%s: %d %s %+v", name, r.Status, r.Data, r.Errors)
			}
		}
		// Variables go with a document ID.
		r := pqDo(t, s, admin, map[string]any{"documentId": persisted.Hash(create), "variables": map[string]any{"in": crCustomer("trusted1")}})
		if len(r.Errors) > 0 || !strings.Contains(string(r.Data), `"login":"trusted1"`) {
			t.Fatalf("trusted mutation: %s %+v", r.Data, r.Errors)
		}

		untrustedCreate := `mutation { createCustomer(input: {login: "evil1", password: "valid-pass-123", name: "E", email: "e@example.com"}) { customer { id } } }`
		for name, c := range map[string]struct {
			body any
			code string
		}{
			"unknown text":          {map[string]any{"query": untrustedCreate}, "PERSISTED_QUERY_NOT_ALLOWED"},
			"re-spaced trusted":     {map[string]any{"query": me + " "}, "PERSISTED_QUERY_NOT_ALLOWED"},
			"introspection":         {map[string]any{"query": `{ __schema { types { name } } }`}, "PERSISTED_QUERY_NOT_ALLOWED"},
			"unknown documentId":    {map[string]any{"documentId": persisted.Hash(untrustedCreate)}, "PERSISTED_QUERY_NOT_ALLOWED"},
			"unknown APQ hash":      {map[string]any{"extensions": apq(persisted.Hash(untrustedCreate))}, "PERSISTED_QUERY_NOT_ALLOWED"},
			"APQ registration":      {map[string]any{"query": untrustedCreate, "extensions": apq(persisted.Hash(untrustedCreate))}, "PERSISTED_QUERY_NOT_ALLOWED"},
			"id with other text":    {map[string]any{"documentId": persisted.Hash(me), "query": untrustedCreate}, "PERSISTED_QUERY_NOT_ALLOWED"},
			"id with a QUERY key":   {`{"documentId":"` + persisted.Hash(me) + `","QUERY":` + jsonString(untrustedCreate) + `}`, "PERSISTED_QUERY_NOT_ALLOWED"},
			"id and hash differ":    {map[string]any{"documentId": persisted.Hash(me), "extensions": apq(persisted.Hash(create))}, "BAD_USER_INPUT"},
			"documentId not string": {`{"documentId": 12}`, "BAD_USER_INPUT"},
			"nothing":               {`{}`, "BAD_USER_INPUT"},
			"not an object":         {`[{"query":"{ viewer { role } }"}]`, "BAD_USER_INPUT"},
		} {
			r := pqDo(t, s, admin, c.body)
			if r.Status != 400 || r.Code() != c.code || string(r.Data) != "" {
				t.Errorf("%s: %d %s %+v", name, r.Status, r.Data, r.Errors)
			}
		}
		n, err := s.Client.Customer.Query().Count(sysCtx())
		if err != nil || n != 1 {
			t.Fatalf("%d customers (want only trusted1): %v", n, err)
		}
	})
}

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
