package graph_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/99designs/gqlgen/graphql"

	"github.com/hostpanel/panel/graph"
	"github.com/hostpanel/panel/internal/apitest"
	"github.com/hostpanel/panel/internal/dbtest"
)

// fault is what the SQL hook does to statements run by a resolver.
type fault int32

const (
	faultNone fault = iota
	faultError
	faultPanic
	faultPanicAnywhere // also outside resolvers (authentication)
)

// leakyError looks like what a database driver answers: SQL, table and
// column names, a Go file path and the DSN with its password.
const leakyError = "Error 1054 (42S22): Unknown column 'customers.secret_col' in 'field list' " +
	"at /work/main/internal/accounts/service.go:123 dsn root:hunter2@tcp(10.1.2.3:3306)/panel_prod query: "

func faultServer(t *testing.T, d string) (*apitest.Server, *apitest.Logs, *atomic.Int32) {
	var mode atomic.Int32
	s, logs := apitest.NewWith(t, d, apitest.Options{Hook: func(ctx context.Context, query string) error {
		inResolver := graphql.GetFieldContext(ctx) != nil
		switch fault(mode.Load()) {
		case faultError:
			if inResolver {
				return errors.New(leakyError + query)
			}
		case faultPanic:
			if inResolver {
				panic("injected panic in " + query)
			}
		case faultPanicAnywhere:
			panic("injected panic in " + query)
		}
		return nil
	}})
	return s, logs, &mode
}

// call posts a GraphQL request with a request ID and returns the raw body
// and the decoded response.
func call(t *testing.T, s *apitest.Server, token, reqID, query string, vars map[string]any) (string, apitest.Response) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	h := http.Header{"Content-Type": {"application/json"}, "X-Request-Id": {reqID}}
	if token != "" {
		h.Set("Authorization", "Bearer "+token)
	}
	status, hdr, raw := s.Raw(http.MethodPost, h, body)
	var r apitest.Response
	if err := json.Unmarshal(raw, &r); err != nil {
		t.Fatalf("status %d, body %s", status, raw)
	}
	r.Status = status
	if got := hdr.Get("X-Request-Id"); got != reqID {
		t.Fatalf("X-Request-Id %q, want %q", got, reqID)
	}
	return string(raw), r
}

// wantInternal checks that every error of r is the bare internal error with
// reqID, and that the body leaks nothing.
func wantInternal(t *testing.T, name, raw string, r apitest.Response, reqID string) {
	t.Helper()
	if len(r.Errors) == 0 {
		t.Errorf("%s: no error: %s", name, raw)
		return
	}
	for _, e := range r.Errors {
		if e.Message != "internal error" || e.Extensions["code"] != "INTERNAL_SERVER_ERROR" || e.Extensions["requestId"] != reqID {
			t.Errorf("%s: error %+v, want internal error with requestId %s", name, e, reqID)
		}
	}
	for _, leak := range []string{"SELECT", "INSERT", "UPDATE ", "FROM", "`", "secret_col", "42S", "1054", "1146",
		".go", "/work/", "hunter2", "tcp(", "panel_prod", "panel_t_", "no such", "doesn't exist", "goroutine", "sql:", "ent:",
		"injected", "domains_gone"} {
		if strings.Contains(raw, leak) {
			t.Errorf("%s: response contains %q: %s", name, leak, raw)
		}
	}
}

func TestDatabaseErrorsDoNotLeak(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d string) {
		s, logs, mode := faultServer(t, d)
		w := s.BuildWorld()
		ops := []struct {
			name, token, query string
			vars               map[string]any
		}{
			{"list", w.AdminToken, `{customers{totalCount edges{node{id login}}}}`, nil},
			{"node", w.AdminToken, `query($id:ID!){node(id:$id){id ... on Customer{login}}}`, map[string]any{"id": w.Customers[1].ID}},
			{"viewer", w.Resellers[0].Token, `{viewer{role account{login}}}`, nil},
			{"create", w.AdminToken, `mutation{createCustomer(input:{login:"leak1",password:"leak-pass-123",name:"L",email:"l@example.com"}){customer{id} userErrors{code}}}`, nil},
			{"bulk", w.Resellers[0].Token, `mutation($in:SuspendCustomersInput!){suspendCustomers(input:$in){committed userErrors{code}}}`,
				map[string]any{"in": map[string]any{"ids": []string{w.Customers[1].ID, w.Customers[2].ID}}}},
			{"login", "", `mutation{login(input:{login:"customer1",password:"customer-pass-1"}){token userErrors{code}}}`, nil},
		}
		mode.Store(int32(faultError))
		for i, op := range ops {
			reqID := "leak-" + op.name
			raw, r := call(t, s, op.token, reqID, op.query, op.vars)
			wantInternal(t, op.name, raw, r, reqID)
			// The details are in the server's log, under the request ID.
			if l := logs.String(); !strings.Contains(l, "secret_col") || !strings.Contains(l, reqID) {
				t.Errorf("%s (%d): details not logged with the request ID", op.name, i)
			}
		}
		mode.Store(int32(faultNone))

		// A real database error: a table that is gone.
		ctx := context.Background()
		if _, err := s.Client.ExecContext(ctx, "ALTER TABLE domains RENAME TO domains_gone"); err != nil {
			t.Fatal(err)
		}
		raw, r := call(t, s, w.AdminToken, "real-db-error", `{subscriptions{edges{node{domain{name} domains{name}}}}}`, nil)
		wantInternal(t, "renamed table", raw, r, "real-db-error")
		if _, err := s.Client.ExecContext(ctx, "ALTER TABLE domains_gone RENAME TO domains"); err != nil {
			t.Fatal(err)
		}
		s.Must(w.AdminToken, `{subscriptions{edges{node{domain{name}}}}}`, nil, nil)
	})
}

func TestPanicIsInternalErrorAndServerKeepsServing(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d string) {
		s, logs, mode := faultServer(t, d)
		admin := s.AdminToken()

		// A panic in a resolver.
		mode.Store(int32(faultPanic))
		raw, r := call(t, s, admin, "panic-resolver", `{customers{totalCount}}`, nil)
		mode.Store(int32(faultNone))
		wantInternal(t, "resolver panic", raw, r, "panic-resolver")
		if l := logs.String(); !strings.Contains(l, "injected panic") || !strings.Contains(l, "panic-resolver") ||
			!strings.Contains(l, "goroutine") {
			t.Error("resolver panic not logged with the request ID and the stack")
		}

		// A panic outside GraphQL (the authentication middleware).
		mode.Store(int32(faultPanicAnywhere))
		raw, r = call(t, s, admin, "panic-auth", `{viewer{role}}`, nil)
		mode.Store(int32(faultNone))
		if r.Status != http.StatusInternalServerError {
			t.Errorf("panic in authentication: status %d", r.Status)
		}
		wantInternal(t, "middleware panic", raw, r, "panic-auth")

		// The server keeps serving.
		for i := 0; i < 5; i++ {
			var out struct{ Customers struct{ TotalCount int } }
			s.Must(admin, `{customers{totalCount}}`, nil, &out)
		}
		s.Must(s.AdminToken(), `{viewer{role}}`, nil, nil)
	})
}

// TestStatementsHaveRequestDeadline: every statement of a request runs under
// the request's deadline, so a stuck statement is cancelled and answered as
// an internal error instead of holding the request forever.
func TestStatementsHaveRequestDeadline(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d string) {
		var stall, noDeadline atomic.Bool
		s, _ := apitest.NewWith(t, d, apitest.Options{
			Configure: func(c *graph.HandlerConfig) { c.RequestTimeout = 300 * time.Millisecond },
			Hook: func(ctx context.Context, query string) error {
				if graphql.GetFieldContext(ctx) == nil {
					return nil // authentication, before the GraphQL handler
				}
				if _, ok := ctx.Deadline(); !ok {
					noDeadline.Store(true)
				}
				if stall.Load() {
					<-ctx.Done() // a statement that would never finish
					return ctx.Err()
				}
				return nil
			},
		})
		admin := s.AdminToken()
		s.Must(admin, `{customers{totalCount edges{node{id}}} viewer{role}}`, nil, nil)
		if noDeadline.Load() {
			t.Fatal("a statement ran without a deadline")
		}
		stall.Store(true)
		start := time.Now()
		raw, r := call(t, s, admin, "stuck", `{customers{totalCount}}`, nil)
		stall.Store(false)
		if took := time.Since(start); took > 5*time.Second {
			t.Fatalf("stuck statement answered after %v", took)
		}
		wantInternal(t, "stuck statement", raw, r, "stuck")
	})
}
