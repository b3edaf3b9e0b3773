package graph_test

import (
	"fmt"
	"testing"

	"github.com/hostpanel/panel/internal/apitest"
	"github.com/hostpanel/panel/internal/dbtest"
)

// treeQuery is the customer tree an SPA lists: customers with owner,
// subscriptions with plan and domains.
const treeQuery = `query($n:Int!){customers(first:$n){totalCount edges{cursor node{
  id login name company status description
  owner{__typename ... on Reseller{id login} ... on Administrator{id login}}
  subscriptions(first:10){totalCount edges{node{id status planSync
    plan{id name} domain{name} domains{name primary}}}}
}}}}`

// TestCustomerTreeStatementsConstant fails when the customer tree costs SQL
// statements per customer (N+1): the count must be the same at 10 and 100
// customers per page.
func TestCustomerTreeStatementsConstant(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d string) {
		s := apitest.New(t, d)
		w := s.BuildWorld()
		// 120 more customers of the administrator, each with a
		// subscription and a second domain.
		for i := 0; i < 120; i++ {
			id := s.Create(w.AdminToken, "createCustomer", "customer", map[string]any{
				"login": fmt.Sprintf("bulk%d", i), "password": "bulk-pass-12", "name": "Bulk", "email": "b@example.com",
			})
			sub := s.Create(w.AdminToken, "createSubscription", "subscription", map[string]any{
				"subscriberId": id, "domain": fmt.Sprintf("bulk%d.example", i), "servicePlanId": w.Plans[0]})
			s.Create(w.AdminToken, "addDomain", "domain", map[string]any{"subscriptionId": sub, "name": fmt.Sprintf("www.bulk%d.example", i)})
		}
		count := func(n int) (int64, int) {
			before := s.Statements.Load()
			var out struct {
				Customers struct {
					Edges []struct{ Node struct{ ID string } }
				}
			}
			s.Must(w.AdminToken, treeQuery, map[string]any{"n": n}, &out)
			return s.Statements.Load() - before, len(out.Customers.Edges)
		}
		c10, n10 := count(10)
		c100, n100 := count(100)
		if n10 != 10 || n100 != 100 {
			t.Fatalf("pages of %d and %d customers, want 10 and 100", n10, n100)
		}
		t.Logf("%s: %d statements at 10 customers, %d at 100", d, c10, c100)
		if c10 != c100 {
			t.Fatalf("customer tree: %d statements at 10 customers but %d at 100 (N+1)", c10, c100)
		}
		// Authentication, the page, its count and one statement per
		// collected edge: a fixed handful.
		if c100 > 15 {
			t.Fatalf("customer tree costs %d statements, want at most 15", c100)
		}
	})
}

// TestWaitingFieldsStillBatch fails when a field that waits for a dataloader
// (graph/waiting_generated.go) is resolved one list element after the
// other: the executor marshals a list without goroutines only when nothing
// under it waits (graph/executor.go, marshalSlice), so a subscription's
// domain asked alone (the primary-domain loader) and a domain's
// subscription's subscriber still cost one statement for all of them.
func TestWaitingFieldsStillBatch(t *testing.T) {
	const q = `query($n:Int!){customers(first:$n){edges{node{id
  subscriptions(first:10){edges{node{id domain{name}}}}}}}}`
	dbtest.Each(t, func(t *testing.T, d string) {
		s := apitest.New(t, d)
		w := s.BuildWorld()
		for i := 0; i < 60; i++ {
			id := s.Create(w.AdminToken, "createCustomer", "customer", map[string]any{
				"login": fmt.Sprintf("wait%d", i), "password": "wait-pass-12", "name": "Wait", "email": "w@example.com",
			})
			s.Create(w.AdminToken, "createSubscription", "subscription", map[string]any{
				"subscriberId": id, "domain": fmt.Sprintf("wait%d.example", i), "servicePlanId": w.Plans[0]})
		}
		count := func(n int) int64 {
			before := s.Statements.Load()
			var out struct {
				Customers struct {
					Edges []struct {
						Node struct {
							Subscriptions struct {
								Edges []struct {
									Node struct{ Domain struct{ Name string } }
								}
							}
						}
					}
				}
			}
			s.Must(w.AdminToken, q, map[string]any{"n": n}, &out)
			named := 0
			for _, e := range out.Customers.Edges {
				for _, se := range e.Node.Subscriptions.Edges {
					if se.Node.Domain.Name != "" {
						named++
					}
				}
			}
			if n == 60 && named < 60 {
				t.Fatalf("%d subscriptions with a primary domain, want at least 60", named)
			}
			return s.Statements.Load() - before
		}
		c30, c60 := count(30), count(60)
		t.Logf("%s: %d statements at 30 customers, %d at 60", d, c30, c60)
		// The loader batches by time (graph/loaders.go, loaderWait), so a
		// loaded machine may split a batch in two or three; one by one
		// costs a statement per subscription (60 more).
		if c60 > c30+10 {
			t.Fatalf("domain asked alone: %d statements at 30 customers but %d at 60 (resolved one by one)", c30, c60)
		}
	})
}
