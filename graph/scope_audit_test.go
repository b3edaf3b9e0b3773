package graph_test

import (
	"testing"

	"github.com/hostpanel/panel/internal/apitest"
	"github.com/hostpanel/panel/internal/dbtest"
)

// TestAdminActionsReachResellerAudit: an administrator's action on a
// reseller's customers is an event about that reseller's scope (SPEC 3.8),
// also when one request spans several resellers.
func TestAdminActionsReachResellerAudit(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d string) {
		s := apitest.New(t, d)
		w := s.BuildWorld()
		r1, r2 := w.Resellers[0], w.Resellers[1]
		actions := func(token, action string) int {
			return auditEvents(t, s, token, map[string]any{"where": map[string]any{"action": action}}).TotalCount
		}

		runBulk(t, s, w.AdminToken, suspendMutation, map[string]any{"ids": []string{w.Customers[1].ID, w.Customers[3].ID}})
		if n1, n2 := actions(r1.Token, "customer.suspend"), actions(r2.Token, "customer.suspend"); n1 != 1 || n2 != 1 {
			t.Fatalf("admin's suspension of R1's and R2's customers: R1 reads %d, R2 reads %d events, want 1 each", n1, n2)
		}
		// The admin's own customer: no reseller reads it.
		runBulk(t, s, w.AdminToken, activateMutation, map[string]any{"ids": []string{w.Customers[0].ID}})
		if n1, n2 := actions(r1.Token, "customer.activate"), actions(r2.Token, "customer.activate"); n1 != 0 || n2 != 0 {
			t.Fatalf("admin's own customer: R1 reads %d, R2 reads %d events, want none", n1, n2)
		}

		b1, b2 := actions(r1.Token, "domain.add"), actions(r2.Token, "domain.add") // the world's own domains
		s.Create(w.AdminToken, "addDomain", "domain", map[string]any{"subscriptionId": w.Subscriptions[1], "name": "extra1.example"})
		if n1, n2 := actions(r1.Token, "domain.add")-b1, actions(r2.Token, "domain.add")-b2; n1 != 1 || n2 != 0 {
			t.Fatalf("admin adds a domain to R1's customer: R1 reads %d, R2 reads %d events, want 1 and 0", n1, n2)
		}
	})
}

// TestCustomerOfSuspendedReseller: a customer created for a suspended
// reseller starts suspended from above (PARENT) and cannot log in; it is
// activated with its reseller.
func TestCustomerOfSuspendedReseller(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d string) {
		s := apitest.New(t, d)
		w := s.BuildWorld()
		r1 := w.Resellers[0]
		runSusp(t, s, w.AdminToken, suspendResellersMutation, map[string]any{"ids": []string{r1.ID}})
		id := s.Create(w.AdminToken, "createCustomer", "customer", map[string]any{
			"login": "late1", "password": "late-password-1", "name": "Late", "email": "late@example.com", "ownerId": r1.ID,
		})
		if got := nodeState(t, s, w.AdminToken, id); got != "SUSPENDED[PARENT]" {
			t.Fatalf("new customer of a suspended reseller: %q, want SUSPENDED[PARENT]", got)
		}
		if tok := loginToken(s, "late1", "late-password-1"); tok != "" {
			t.Fatal("a customer of a suspended reseller logged in")
		}
		runSusp(t, s, w.AdminToken, activateResellersMutation, map[string]any{"ids": []string{r1.ID}})
		if got := nodeState(t, s, w.AdminToken, id); got != "ACTIVE[]" {
			t.Fatalf("after the reseller's activation: %q, want ACTIVE", got)
		}
		if tok := loginToken(s, "late1", "late-password-1"); tok == "" {
			t.Fatal("the customer cannot log in after its reseller's activation")
		}
	})
}
