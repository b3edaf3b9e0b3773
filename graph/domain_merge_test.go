package graph_test

import (
	"testing"

	"github.com/hostpanel/panel/internal/apitest"
	"github.com/hostpanel/panel/internal/dbtest"
)

// TestSubscriptionDomainAndDomainsOneQuery: a subscription's domain and
// domains asked for together cost the statements of domains alone (the
// primary is taken from the eager-loaded domains, whatever their alias),
// and domain alone is batched, not one statement per subscription.
func TestSubscriptionDomainAndDomainsOneQuery(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d string) {
		s := apitest.New(t, d)
		w := s.BuildWorld()
		type sub struct {
			Domain  struct{ Name string }
			Domains []struct {
				Name    string
				Primary bool
			}
			D []struct {
				Name    string
				Primary bool
			}
		}
		run := func(sel string) (int64, []sub) {
			var out struct {
				Subscriptions struct{ Edges []struct{ Node sub } }
			}
			before := s.Statements.Load()
			s.Must(w.AdminToken, `{subscriptions(first:100){edges{node{`+sel+`}}}}`, nil, &out)
			n := s.Statements.Load() - before
			subs := make([]sub, len(out.Subscriptions.Edges))
			for i, e := range out.Subscriptions.Edges {
				subs[i] = e.Node
			}
			return n, subs
		}
		nDomains, _ := run(`domains{name primary}`)
		nBoth, both := run(`domain{name} domains{name primary}`)
		nAliased, aliased := run(`domain{name} d: domains{name primary}`)
		nFragment, fragment := run(`... on HostingSubscription{domains{name primary}} domain{name}`)
		nDomain, alone := run(`domain{name}`)
		if len(both) < 5 {
			t.Fatalf("%d subscriptions, want the world's 5", len(both))
		}
		if nBoth != nDomains || nAliased != nDomains || nFragment != nDomains {
			t.Fatalf("domains alone cost %d statements; with domain: %d, aliased: %d, in a fragment: %d",
				nDomains, nBoth, nAliased, nFragment)
		}
		if nDomain != nDomains {
			t.Fatalf("domain alone costs %d statements, domains alone %d: want equal (batched)", nDomain, nDomains)
		}
		for i := range both {
			primary := ""
			for _, x := range both[i].Domains {
				if x.Primary {
					primary = x.Name
				}
			}
			if primary == "" || len(both[i].Domains) != 2 || !both[i].Domains[0].Primary {
				t.Fatalf("subscription %d: domains %+v, want the primary first of 2", i, both[i].Domains)
			}
			for _, got := range []string{both[i].Domain.Name, aliased[i].Domain.Name, fragment[i].Domain.Name, alone[i].Domain.Name} {
				if got != primary {
					t.Fatalf("subscription %d: domain %q, want the primary %q", i, got, primary)
				}
			}
			if len(aliased[i].D) != 2 {
				t.Fatalf("aliased domains %+v", aliased[i].D)
			}
		}
	})
}
