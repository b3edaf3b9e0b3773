package graph_test

import (
	"testing"

	"github.com/hostpanel/panel/internal/apitest"
	"github.com/hostpanel/panel/internal/dbtest"
)

// TestResellerUsageCountsOwnAndCustomersSubscriptions: a reseller's usage
// counts the subscriptions of its customers and its own subscriptions (the
// two halves of limits.Load), and nothing of another reseller's or of the
// administrator's customers.
func TestResellerUsageCountsOwnAndCustomersSubscriptions(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d string) {
		s := apitest.New(t, d)
		w := s.BuildWorld()
		r1, r2 := w.Resellers[0], w.Resellers[1]
		type usage struct{ Customers, Subscriptions, DiskSpaceMb, Domains int }
		read := func(id string) usage {
			var out struct{ Node struct{ Usage usage } }
			s.Must(w.AdminToken, `query($id:ID!){node(id:$id){... on Reseller{usage{customers subscriptions diskSpaceMb domains}}}}`,
				map[string]any{"id": id}, &out)
			return out.Node.Usage
		}
		b1, b2 := read(r1.ID), read(r2.ID)
		sub := func(subscriber, domain string, disk, domains int) {
			s.Create(w.AdminToken, "createSubscription", "subscription", map[string]any{
				"subscriberId": subscriber, "domain": domain,
				"limits": map[string]any{"diskSpaceMb": disk, "domains": domains}})
		}
		sub(w.Customers[1].ID, "u-c1.example", 100, 2) // R1's customer
		sub(r1.ID, "u-r1.example", 40, 3)              // R1 itself
		sub(r1.ID, "u-r1b.example", 2, 1)              // R1 itself
		sub(w.Customers[3].ID, "u-c3.example", 7, 1)   // R2's customer
		sub(w.Customers[0].ID, "u-c0.example", 500, 9) // the administrator's customer
		got1, got2 := read(r1.ID), read(r2.ID)
		want1 := usage{b1.Customers, b1.Subscriptions + 3, b1.DiskSpaceMb + 142, b1.Domains + 6}
		want2 := usage{b2.Customers, b2.Subscriptions + 1, b2.DiskSpaceMb + 7, b2.Domains + 1}
		if got1 != want1 {
			t.Errorf("R1 usage %+v, want %+v (before: %+v)", got1, want1, b1)
		}
		if got2 != want2 {
			t.Errorf("R2 usage %+v, want %+v (before: %+v)", got2, want2, b2)
		}
	})
}
