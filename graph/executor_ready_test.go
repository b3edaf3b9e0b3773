package graph_test

import (
	"fmt"
	"runtime/metrics"
	"testing"

	"github.com/hostpanel/panel/internal/apitest"
	"github.com/hostpanel/panel/internal/dbtest"
)

// goroutinesCreated is the number of goroutines the process has created.
func goroutinesCreated() uint64 {
	s := []metrics.Sample{{Name: "/sched/goroutines-created:goroutines"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// Fields that may wait for a dataloader run inline, and their lists one
// element after the other, when their data are already loaded
// (graph/executor_ready.go, docs/executor.md): the tree page starts no
// goroutine per customer. Asked without the data loaded (the primary
// domain without "domains"), the customers' list is concurrent again, a
// goroutine per customer at least, so that the loads batch.
func TestLoadedFieldsRunInline(t *testing.T) {
	const loaded = `query($n:Int!){customers(first:$n){edges{node{id
  owner{__typename ... on Reseller{id login} ... on Administrator{id login}}
  subscriptions(first:10){totalCount edges{node{id status domain{name} domains{name primary}}}}}}}}`
	const waiting = `query($n:Int!){customers(first:$n){edges{node{id
  subscriptions(first:10){edges{node{id domain{name}}}}}}}}`
	dbtest.Each(t, func(t *testing.T, d string) {
		s := apitest.New(t, d)
		w := s.BuildWorld()
		for i := 0; i < 60; i++ {
			id := s.Create(w.AdminToken, "createCustomer", "customer", map[string]any{
				"login": fmt.Sprintf("inline%d", i), "password": "inline-pass-12", "name": "Inline", "email": "i@example.com",
			})
			s.Create(w.AdminToken, "createSubscription", "subscription", map[string]any{
				"subscriberId": id, "domain": fmt.Sprintf("inline%d.example", i), "servicePlanId": w.Plans[0]})
		}
		created := func(q string, n int) uint64 {
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
			before := goroutinesCreated()
			s.Must(w.AdminToken, q, map[string]any{"n": n}, &out)
			after := goroutinesCreated()
			if len(out.Customers.Edges) != n {
				t.Fatalf("%d customers, want %d", len(out.Customers.Edges), n)
			}
			for _, e := range out.Customers.Edges {
				for _, se := range e.Node.Subscriptions.Edges {
					if se.Node.Domain.Name == "" {
						t.Fatalf("a subscription without its primary domain: %+v", e)
					}
				}
			}
			return after - before
		}
		l10, l60 := created(loaded, 10), created(loaded, 60)
		w10, w60 := created(waiting, 10), created(waiting, 60)
		t.Logf("%s: goroutines created: loaded %d at 10 customers, %d at 60; waiting %d and %d", d, l10, l60, w10, w60)
		// The server, the driver and the client create a few per request
		// whatever the page; a goroutine per customer would be 50 more.
		if l60 > l10+20 {
			t.Fatalf("loaded data: %d goroutines at 10 customers, %d at 60 (a goroutine per element)", l10, l60)
		}
		if w60 < w10+50 {
			t.Fatalf("waiting field: %d goroutines at 10 customers, %d at 60: its list is no longer concurrent", w10, w60)
		}
	})
}
