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
