package graph_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hostpanel/panel/ent"
	"github.com/hostpanel/panel/ent/privacy"
	"github.com/hostpanel/panel/internal/dbtest"
)

// stressDuration is how long the concurrent clients run: 3 s, or
// PANEL_STRESS_SECONDS.
func stressDuration() time.Duration {
	if v, err := strconv.Atoi(os.Getenv("PANEL_STRESS_SECONDS")); err == nil && v > 0 {
		return time.Duration(v) * time.Second
	}
	return 3 * time.Second
}

// TestConcurrentLimit: concurrent creations into a reseller with one slot
// left never both succeed (the limit lock is taken before usage is read,
// and reads after it see committed rows).
func TestConcurrentLimit(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d string) {
		in := &injector{}
		s := newFaultServer(t, d, in)
		admin := s.AdminToken()
		const rounds, clients = 4, 8
		for round := 0; round < rounds; round++ {
			var lim struct{ ID string }
			crMutate(t, s, admin, "createReseller", "reseller", "id", map[string]any{
				"login": fmt.Sprintf("lim%d", round), "password": "limited-pass-1", "name": "Limited", "email": "limited@example.com",
				"limits": map[string]any{"customers": 2},
			}).ok(t, "limited reseller", &lim)
			crMutate(t, s, admin, "createCustomer", "customer", "id",
				crCustomer(fmt.Sprintf("lim%d-first", round), "ownerId", lim.ID)).ok(t, "first customer", nil)
			var ok, exceeded atomic.Int64
			var wg sync.WaitGroup
			for i := 0; i < clients; i++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					r := s.Do(admin, `mutation($in:CreateCustomerInput!){createCustomer(input:$in){customer{id} userErrors{code}}}`,
						map[string]any{"in": crCustomer(fmt.Sprintf("lim%d-c%d", round, i), "ownerId", lim.ID)})
					var out struct {
						CreateCustomer struct {
							Customer   *struct{ ID string }
							UserErrors []struct{ Code string }
						}
					}
					if len(r.Errors) > 0 {
						t.Errorf("request error: %+v", r.Errors)
						return
					}
					_ = json.Unmarshal(r.Data, &out)
					switch p := out.CreateCustomer; {
					case p.Customer != nil:
						ok.Add(1)
					case len(p.UserErrors) == 1 && p.UserErrors[0].Code == "LIMIT_EXCEEDED":
						exceeded.Add(1)
					default:
						t.Errorf("unexpected payload %s", r.Data)
					}
				}()
			}
			wg.Wait()
			if ok.Load() != 1 || exceeded.Load() != clients-1 {
				t.Fatalf("round %d: %d created, %d LIMIT_EXCEEDED; want 1 and %d", round, ok.Load(), exceeded.Load(), clients-1)
			}
		}
		t.Logf("%s: %d deadlock/lock-wait retries", d, in.retries.Load())
	})
}

// TestConcurrentClients: 8 clients run overlapping moves, suspensions,
// activations, contact edits and deletes on the same customers; no request
// fails, every customer has one valid owner and every suspension cascade
// agrees with its sources; concurrent edits of different contact fields of
// one customer all persist.
func TestConcurrentClients(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d string) {
		in := &injector{}
		s := newFaultServer(t, d, in)
		w := s.BuildWorld()
		admin := w.AdminToken
		owners := []string{w.AdminID, w.Resellers[0].ID, w.Resellers[1].ID}
		resellers := []string{w.Resellers[0].ID, w.Resellers[1].ID}
		var customers []string
		for _, c := range w.Customers {
			customers = append(customers, c.ID)
		}
		for i := 0; i < 10; i++ {
			id := s.Create(admin, "createCustomer", "customer", crCustomer(fmt.Sprintf("cc%d", i), "ownerId", owners[i%3]))
			customers = append(customers, id)
			s.Create(admin, "createSubscription", "subscription", map[string]any{
				"subscriberId": id, "domain": fmt.Sprintf("cc%d.example.com", i), "servicePlanId": w.Plans[i%3]})
		}
		pick := func(r *rand.Rand, n int) []string {
			out := make([]string, 0, n)
			for j := 0; j < n; j++ {
				out = append(out, customers[r.IntN(len(customers))])
			}
			return out
		}
		var calls, failures atomic.Int64
		var mu sync.Mutex
		perOp := map[string]int{}
		deadline := time.Now().Add(stressDuration())
		var wg sync.WaitGroup
		for client := 0; client < 8; client++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r := rand.New(rand.NewPCG(uint64(client), 42))
				for time.Now().Before(deadline) {
					var op, q string
					var input map[string]any
					switch x := r.IntN(60); {
					case x < 15:
						op, q = "moveCustomers", `mutation($in:MoveCustomersInput!){x:moveCustomers(input:$in){committed}}`
						items := []map[string]any{}
						for _, id := range pick(r, 1+r.IntN(3)) {
							items = append(items, map[string]any{"customerId": id})
						}
						input = map[string]any{"newOwnerId": owners[r.IntN(3)], "items": items, "mode": "PARTIAL"}
					case x < 24:
						op, q = "suspendCustomers", `mutation($in:SuspendCustomersInput!){x:suspendCustomers(input:$in){committed}}`
						input = map[string]any{"ids": pick(r, 1+r.IntN(3)), "mode": "PARTIAL"}
					case x < 33:
						op, q = "activateCustomers", `mutation($in:ActivateCustomersInput!){x:activateCustomers(input:$in){committed}}`
						input = map[string]any{"ids": pick(r, 1+r.IntN(3)), "mode": "PARTIAL"}
					case x < 39:
						op, q = "suspendResellers", `mutation($in:SuspendResellersInput!){x:suspendResellers(input:$in){committed}}`
						input = map[string]any{"ids": []string{resellers[r.IntN(2)]}}
					case x < 45:
						op, q = "activateResellers", `mutation($in:ActivateResellersInput!){x:activateResellers(input:$in){committed}}`
						input = map[string]any{"ids": []string{resellers[r.IntN(2)]}}
					case x < 59:
						op, q = "updateCustomerContact", `mutation($in:UpdateCustomerContactInput!){x:updateCustomerContact(input:$in){customer{id}}}`
						input = map[string]any{"customerId": pick(r, 1)[0], "city": fmt.Sprintf("City %d", r.IntN(1000))}
					default:
						op, q = "deleteCustomers", `mutation($in:DeleteCustomersInput!){x:deleteCustomers(input:$in){committed}}`
						// Only the second half of the extra customers goes.
						input = map[string]any{"ids": []string{customers[10+r.IntN(len(customers)-10)]}, "mode": "PARTIAL"}
					}
					resp := s.Do(admin, q, map[string]any{"in": input})
					calls.Add(1)
					mu.Lock()
					perOp[op]++
					mu.Unlock()
					if len(resp.Errors) > 0 {
						failures.Add(1)
						t.Errorf("%s: %+v", op, resp.Errors)
					}
				}
			}()
		}
		wg.Wait()
		t.Logf("%s: %d requests in %v (%v), %d failed, %d deadlock/lock-wait retries", d, calls.Load(), stressDuration(), perOp, failures.Load(), in.retries.Load())
		checkConsistency(t, s.Client)

		// No lost updates: 8 clients edit 8 different fields of the same
		// customer at once; every edit persists.
		survivors := allCustomerIDs(t, s.Client)
		if len(survivors) == 0 {
			t.Fatal("no customer left")
		}
		fields := []string{"name", "company", "phone", "fax", "address", "city", "state", "postalCode"}
		for round := 0; round < 5; round++ {
			id := strconv.Itoa(survivors[round%len(survivors)])
			var wg sync.WaitGroup
			for i, f := range fields {
				wg.Add(1)
				go func() {
					defer wg.Done()
					v := fmt.Sprintf("v%d-%d", round, i)
					if f == "phone" || f == "fax" {
						v = fmt.Sprintf("+1 555 %04d", round*10+i)
					}
					resp := s.Do(admin, `mutation($in:UpdateCustomerContactInput!){updateCustomerContact(input:$in){userErrors{code field}}}`,
						map[string]any{"in": map[string]any{"customerId": id, f: v}})
					if len(resp.Errors) > 0 || string(resp.Data) != `{"updateCustomerContact":{"userErrors":[]}}` {
						t.Errorf("%s: %s %+v", f, resp.Data, resp.Errors)
					}
				}()
			}
			wg.Wait()
			var out struct {
				Node map[string]*string
			}
			s.Must(admin, `query($id:ID!){node(id:$id){... on Customer{name company phone fax address city state postalCode}}}`,
				map[string]any{"id": id}, &out)
			for i, f := range fields {
				want := fmt.Sprintf("v%d-%d", round, i)
				got := out.Node[f]
				if f == "phone" || f == "fax" {
					if got == nil || *got == "" {
						t.Errorf("round %d: %s lost", round, f)
					}
					continue
				}
				if got == nil || *got != want {
					t.Errorf("round %d: %s = %v, want %s (lost update)", round, f, got, want)
				}
			}
		}
	})
}

func allCustomerIDs(t *testing.T, c *ent.Client) []int {
	t.Helper()
	ids, err := c.Customer.Query().IDs(privacy.DecisionContext(context.Background(), privacy.Allow))
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

// checkConsistency: every customer's owner exists, PARENT is present on a
// customer iff its reseller is suspended and on a subscription iff its
// subscriber is suspended.
func checkConsistency(t *testing.T, c *ent.Client) {
	t.Helper()
	ctx := privacy.DecisionContext(context.Background(), privacy.Allow)
	rs, err := c.Reseller.Query().All(ctx)
	if err != nil {
		t.Fatal(err)
	}
	rSusp := map[int]bool{}
	for _, r := range rs {
		rSusp[r.ID] = r.SuspendedAdminAt != nil || r.SuspendedResellerAt != nil || r.SuspendedParentAt != nil
	}
	cs, err := c.Customer.Query().All(ctx)
	if err != nil {
		t.Fatal(err)
	}
	cSusp := map[int]bool{}
	for _, cu := range cs {
		parent := false
		if cu.ResellerID != nil {
			s, ok := rSusp[*cu.ResellerID]
			if !ok {
				t.Errorf("customer %d: owner reseller %d does not exist", cu.ID, *cu.ResellerID)
			}
			parent = s
		}
		if (cu.SuspendedParentAt != nil) != parent {
			t.Errorf("customer %d (reseller %v): PARENT %v, reseller suspended %v", cu.ID, cu.ResellerID, cu.SuspendedParentAt != nil, parent)
		}
		cSusp[cu.ID] = cu.SuspendedAdminAt != nil || cu.SuspendedResellerAt != nil || cu.SuspendedParentAt != nil
	}
	subs, err := c.HostingSubscription.Query().All(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, sub := range subs {
		var parent, ok bool
		switch {
		case sub.CustomerID != nil && sub.ResellerID == nil:
			parent, ok = cSusp[*sub.CustomerID]
		case sub.ResellerID != nil && sub.CustomerID == nil:
			parent, ok = rSusp[*sub.ResellerID]
		}
		if !ok {
			t.Errorf("subscription %d: no single existing subscriber (customer %v, reseller %v)", sub.ID, sub.CustomerID, sub.ResellerID)
			continue
		}
		if (sub.SuspendedParentAt != nil) != parent {
			t.Errorf("subscription %d: PARENT %v, subscriber suspended %v", sub.ID, sub.SuspendedParentAt != nil, parent)
		}
	}
}
