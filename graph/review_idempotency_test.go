package graph_test

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/hostpanel/panel/internal/apitest"
	"github.com/hostpanel/panel/internal/dbtest"
)

// TestReviewIdempotencyPartialCommitIsStored: an operation with two
// mutation fields whose first commits and whose second fails internally
// changed something; its response must be stored like any other, so that a
// retry with the key replays it instead of running the first field again.
func TestReviewIdempotencyPartialCommitIsStored(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d string) {
		var fail atomic.Bool
		s, _ := apitest.NewWith(t, d, apitest.Options{Hook: func(ctx context.Context, query string) error {
			if fc := graphql.GetFieldContext(ctx); fc != nil && fail.Load() {
				if p := fc.Path(); len(p) > 0 && p[0] == ast.PathName("b") {
					return fmt.Errorf("injected failure")
				}
			}
			return nil
		}})
		admin := s.AdminToken()
		id := s.Create(admin, "createCustomer", "customer", crCustomer("pc1"))
		const op = `mutation($ids:[ID!]!,$in:CreateCustomerInput!){
  a: suspendCustomers(input:{ids:$ids,reason:"unpaid"}){committed}
  b: createCustomer(input:$in){customer{id} userErrors{code}}}`
		vars := map[string]any{"ids": []string{id}, "in": crCustomer("pc2")}
		events := idemAudit(t, s, "customer.suspend")

		fail.Store(true)
		first := idemDo(t, s, admin, op, vars, "partial-1")
		fail.Store(false)
		// The non-null payload of b nulls the whole data; the suspend of a
		// committed all the same (its audit event is there).
		if first.Code() != "INTERNAL_SERVER_ERROR" || len(first.Errors) != 1 || fmt.Sprint(first.Errors[0].Path) != "[b]" {
			t.Fatalf("first: want an internal error on b only: %s", first.Body)
		}
		if n := idemAudit(t, s, "customer.suspend"); n != events+1 {
			t.Fatalf("%d suspend events after the first run, want %d", n, events+1)
		}
		again := idemDo(t, s, admin, op, vars, "partial-1")
		if !again.Replayed || again.Body != first.Body {
			t.Errorf("retry ran again instead of replaying: replayed=%v %s", again.Replayed, again.Body)
		}
		if n := idemAudit(t, s, "customer.suspend"); n != events+1 {
			t.Errorf("%d suspend events after the retry, want %d: the committed field ran twice", n, events+1)
		}
	})
}

// TestReviewIdempotencyReadOnlyTokenNoReplay: a read-only token of a login
// may not run mutations. Sending the key its read-write sibling used must
// not hand it the stored mutation response as if it had run: it is refused
// like any mutation of a read-only token.
func TestReviewIdempotencyReadOnlyTokenNoReplay(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d string) {
		s := idemServer(t, d, nil)
		admin := s.AdminToken()
		ro := createToken(t, s, admin, map[string]any{"name": "dashboard", "readOnly": true})
		if ro.Token == nil || len(ro.UserErrors) > 0 {
			t.Fatalf("createApiToken: %+v", ro)
		}
		vars := map[string]any{"in": crCustomer("ro1")}
		first := idemDo(t, s, admin, idemCreate, vars, "ro-key")
		if len(first.Errors) > 0 || !strings.Contains(first.Body, `"userErrors":[]`) {
			t.Fatalf("first: %s", first.Body)
		}
		r := idemDo(t, s, *ro.Token, idemCreate, vars, "ro-key")
		if r.Replayed || r.Code() != "FORBIDDEN" {
			t.Errorf("read-only token with the read-write token's key: replayed=%v %s", r.Replayed, r.Body)
		}
	})
}
