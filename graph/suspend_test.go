package graph_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/hostpanel/panel/ent"
	"github.com/hostpanel/panel/ent/privacy"
	"github.com/hostpanel/panel/internal/apitest"
	"github.com/hostpanel/panel/internal/dbtest"
	"github.com/hostpanel/panel/internal/types"
)

const suspendMutation = `mutation($in:SuspendCustomersInput!){suspendCustomers(input:$in){
  customers{id status suspensions{source reason}} subscriptionsAffected committed userErrors{code field}}}`
const activateMutation = `mutation($in:ActivateCustomersInput!){activateCustomers(input:$in){
  customers{id status suspensions{source reason}} subscriptionsAffected committed userErrors{code field}}}`

type bulkPayload struct {
	Customers []struct {
		ID          string
		Status      string
		Suspensions []struct{ Source, Reason string }
	}
	SubscriptionsAffected int
	Committed             bool
	UserErrors            []struct {
		Code  string
		Field []string
	}
}

func runBulk(t *testing.T, s *apitest.Server, token, mutation string, in map[string]any) bulkPayload {
	t.Helper()
	var out map[string]bulkPayload
	s.Must(token, mutation, map[string]any{"in": in}, &out)
	for _, p := range out {
		return p
	}
	t.Fatal("no payload")
	return bulkPayload{}
}

// state is what a customer and its subscriptions look like to the admin.
type state struct {
	Status     string
	Sources    []string
	SubStatus  string
	SubSources []string
}

func customerState(t *testing.T, s *apitest.Server, admin, id string) state {
	t.Helper()
	var out struct {
		Node struct {
			Status        string
			Suspensions   []struct{ Source string }
			Subscriptions struct {
				Edges []struct {
					Node struct {
						Status      string
						Suspensions []struct{ Source string }
					}
				}
			}
		}
	}
	s.Must(admin, `query($id:ID!){node(id:$id){... on Customer{status suspensions{source}
	  subscriptions{edges{node{status suspensions{source}}}}}}}`, map[string]any{"id": id}, &out)
	st := state{Status: out.Node.Status, Sources: []string{}, SubSources: []string{}}
	for _, x := range out.Node.Suspensions {
		st.Sources = append(st.Sources, x.Source)
	}
	if e := out.Node.Subscriptions.Edges; len(e) > 0 {
		st.SubStatus = e[0].Node.Status
		for _, x := range e[0].Node.Suspensions {
			st.SubSources = append(st.SubSources, x.Source)
		}
	}
	return st
}

func TestSuspendActivateCustomers(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d string) {
		s := apitest.New(t, d)
		w := s.BuildWorld()
		admin, r1 := w.AdminToken, w.Resellers[0].Token
		c1, c2 := w.Customers[1], w.Customers[2]

		t.Run("admin suspends: sources, cascade, lockout", func(t *testing.T) {
			p := runBulk(t, s, admin, suspendMutation, map[string]any{"ids": []string{c1.ID, c1.ID}, "reason": "unpaid"})
			if !p.Committed || len(p.UserErrors) > 0 || len(p.Customers) != 1 || p.SubscriptionsAffected != 1 {
				t.Fatalf("payload %+v", p)
			}
			if c := p.Customers[0]; c.Status != "SUSPENDED" || len(c.Suspensions) != 1 ||
				c.Suspensions[0].Source != "ADMIN" || c.Suspensions[0].Reason != "unpaid" {
				t.Fatalf("customer %+v", c)
			}
			st := customerState(t, s, admin, c1.ID)
			if st.SubStatus != "SUSPENDED" || fmt.Sprint(st.SubSources) != "[PARENT]" {
				t.Fatalf("subscription %+v", st)
			}
			for _, tok := range []string{c1.Token, w.PanelUsers[1].Token} {
				if r := s.Do(tok, `{viewer{role}}`, nil); r.Code() != "UNAUTHENTICATED" {
					t.Fatalf("suspended principal's token still works: %s %+v", r.Data, r.Errors)
				}
			}
			var lo struct{ Login struct{ Token *string } }
			s.Must("", `mutation($l:String!,$p:String!){login(input:{login:$l,password:$p}){token}}`,
				map[string]any{"l": c1.Login, "p": c1.Password}, &lo)
			if lo.Login.Token != nil {
				t.Fatal("suspended customer could log in")
			}
			// Idempotent: a second suspension is no error and changes nothing.
			p = runBulk(t, s, admin, suspendMutation, map[string]any{"ids": []string{c1.ID}})
			if !p.Committed || len(p.UserErrors) > 0 || p.SubscriptionsAffected != 0 || p.Customers[0].Suspensions[0].Reason != "unpaid" {
				t.Fatalf("second suspension %+v", p)
			}
		})

		t.Run("reseller cannot lift ADMIN and changes nothing", func(t *testing.T) {
			p := runBulk(t, s, r1, activateMutation, map[string]any{"ids": []string{c1.ID}})
			if p.Committed || len(p.UserErrors) != 1 || p.UserErrors[0].Code != "FORBIDDEN" ||
				fmt.Sprint(p.UserErrors[0].Field) != "[ids 0]" || len(p.Customers) != 0 {
				t.Fatalf("payload %+v", p)
			}
			if st := customerState(t, s, admin, c1.ID); st.Status != "SUSPENDED" || st.SubStatus != "SUSPENDED" {
				t.Fatalf("state changed: %+v", st)
			}
		})

		t.Run("admin activates: everything active again", func(t *testing.T) {
			p := runBulk(t, s, admin, activateMutation, map[string]any{"ids": []string{c1.ID}})
			if !p.Committed || p.SubscriptionsAffected != 1 || p.Customers[0].Status != "ACTIVE" {
				t.Fatalf("payload %+v", p)
			}
			if st := customerState(t, s, admin, c1.ID); st.Status != "ACTIVE" || st.SubStatus != "ACTIVE" || len(st.SubSources) != 0 {
				t.Fatalf("state %+v", st)
			}
			// Suspension revoked the old token for good; logging in works again.
			if r := s.Do(c1.Token, `{viewer{role}}`, nil); r.Code() != "UNAUTHENTICATED" {
				t.Fatalf("token revoked by the suspension works again: %s", r.Data)
			}
			if r := s.Do(s.Login(c1.Login, c1.Password), `{viewer{role}}`, nil); len(r.Errors) > 0 {
				t.Fatalf("new login after activation: %+v", r.Errors)
			}
		})

		t.Run("two sources need the admin", func(t *testing.T) {
			runBulk(t, s, r1, suspendMutation, map[string]any{"ids": []string{c2.ID}})
			runBulk(t, s, admin, suspendMutation, map[string]any{"ids": []string{c2.ID}})
			if st := customerState(t, s, admin, c2.ID); fmt.Sprint(st.Sources) != "[ADMIN RESELLER]" {
				t.Fatalf("sources %+v", st)
			}
			if p := runBulk(t, s, r1, activateMutation, map[string]any{"ids": []string{c2.ID}}); p.Committed {
				t.Fatalf("reseller lifted an ADMIN suspension: %+v", p)
			}
			p := runBulk(t, s, admin, activateMutation, map[string]any{"ids": []string{c2.ID}})
			if !p.Committed || p.Customers[0].Status != "ACTIVE" {
				t.Fatalf("payload %+v", p)
			}
		})

		t.Run("own subscription suspension survives the customer's activation", func(t *testing.T) {
			ctx := privacy.DecisionContext(context.Background(), privacy.Allow)
			subID := mustID(t, w.Subscriptions[2])
			if err := s.Client.HostingSubscription.UpdateOneID(subID).SetSuspendedAdminAt(time.Now()).
				SetStatus(types.StatusSuspended).Exec(ctx); err != nil {
				t.Fatal(err)
			}
			runBulk(t, s, admin, suspendMutation, map[string]any{"ids": []string{c2.ID}})
			p := runBulk(t, s, admin, activateMutation, map[string]any{"ids": []string{c2.ID}})
			if p.SubscriptionsAffected != 0 {
				t.Fatalf("subscriptionsAffected %d, want 0", p.SubscriptionsAffected)
			}
			if st := customerState(t, s, admin, c2.ID); st.Status != "ACTIVE" || st.SubStatus != "SUSPENDED" ||
				fmt.Sprint(st.SubSources) != "[ADMIN]" {
				t.Fatalf("state %+v", st)
			}
		})

		t.Run("dry run computes and changes nothing", func(t *testing.T) {
			c3 := w.Customers[3]
			p := runBulk(t, s, admin, suspendMutation, map[string]any{"ids": []string{c3.ID}, "dryRun": true})
			if p.Committed || len(p.Customers) != 1 || p.Customers[0].Status != "SUSPENDED" || p.SubscriptionsAffected != 1 {
				t.Fatalf("payload %+v", p)
			}
			if st := customerState(t, s, admin, c3.ID); st.Status != "ACTIVE" || st.SubStatus != "ACTIVE" {
				t.Fatalf("dry run changed state: %+v", st)
			}
		})

		t.Run("foreign and missing ids: ATOMIC changes nothing, PARTIAL applies the rest", func(t *testing.T) {
			foreign, own := w.Customers[3].ID, w.Customers[1].ID
			in := map[string]any{"ids": []string{own, foreign, "999999999"}}
			p := runBulk(t, s, r1, suspendMutation, in)
			if p.Committed || len(p.UserErrors) != 2 || len(p.Customers) != 0 {
				t.Fatalf("ATOMIC payload %+v", p)
			}
			for i, ue := range p.UserErrors {
				if ue.Code != "NOT_FOUND" || fmt.Sprint(ue.Field) != fmt.Sprintf("[ids %d]", i+1) {
					t.Fatalf("user error %d: %+v (a foreign ID must answer like a missing one)", i, ue)
				}
			}
			if st := customerState(t, s, admin, own); st.Status != "ACTIVE" {
				t.Fatalf("ATOMIC failure changed state: %+v", st)
			}
			in["mode"] = "PARTIAL"
			p = runBulk(t, s, r1, suspendMutation, in)
			if !p.Committed || len(p.UserErrors) != 2 || len(p.Customers) != 1 || p.Customers[0].ID != own {
				t.Fatalf("PARTIAL payload %+v", p)
			}
			if st := customerState(t, s, admin, foreign); st.Status != "ACTIVE" {
				t.Fatalf("foreign customer changed: %+v", st)
			}
		})

		t.Run("more than 10000 ids is BAD_USER_INPUT", func(t *testing.T) {
			ids := make([]string, 10001)
			for i := range ids {
				ids[i] = fmt.Sprint(i + 1)
			}
			r := s.Do(admin, suspendMutation, map[string]any{"in": map[string]any{"ids": ids}})
			if r.Code() != "BAD_USER_INPUT" {
				t.Fatalf("got %+v", r.Errors)
			}
		})
	})
}

// TestBulkSuspendStatementsConstant fails when bulk suspension issues
// statements per item: 10 and 1,000 customers cost the same.
func TestBulkSuspendStatementsConstant(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d string) {
		s := apitest.New(t, d)
		admin := s.AdminToken()
		ctx := privacy.DecisionContext(context.Background(), privacy.Allow)
		mk := func(prefix string, n int) []string {
			cs, err := s.Client.Customer.MapCreateBulk(make([]int, n), func(c *ent.CustomerCreate, i int) {
				c.SetLogin(fmt.Sprintf("%s%d", prefix, i)).SetName("n").SetEmail("e@example.com")
			}).Save(ctx)
			if err != nil {
				t.Fatal(err)
			}
			subs, err := s.Client.HostingSubscription.MapCreateBulk(cs, func(c *ent.HostingSubscriptionCreate, i int) {
				c.SetName(fmt.Sprintf("%s%d.example", prefix, i)).SetCustomerID(cs[i].ID)
			}).Save(ctx)
			if err != nil || len(subs) != n {
				t.Fatal(err)
			}
			ids := make([]string, n)
			for i, c := range cs {
				ids[i] = fmt.Sprint(c.ID)
			}
			return ids
		}
		small, large := mk("s", 10), mk("l", 1000)
		count := func(m string, ids []string) int64 {
			before := s.Statements.Load()
			p := runBulk(t, s, admin, m, map[string]any{"ids": ids})
			if !p.Committed || len(p.Customers) != len(ids) {
				t.Fatalf("payload committed=%v customers=%d errors=%+v", p.Committed, len(p.Customers), p.UserErrors)
			}
			return s.Statements.Load() - before
		}
		for _, m := range []string{suspendMutation, activateMutation} {
			a, b := count(m, small), count(m, large)
			t.Logf("%s: %d statements for 10 customers, %d for 1000", d, a, b)
			if a != b {
				t.Fatalf("bulk statements grow with items: %d for 10, %d for 1000", a, b)
			}
		}
	})
}

func mustID(t *testing.T, s string) int {
	t.Helper()
	var id int
	if err := json.Unmarshal([]byte(s), &id); err != nil {
		t.Fatal(err)
	}
	return id
}

// TestBulkSuspendPayloadSelection: the payload's customers are read back
// only when asked for (under any alias or fragment, dry runs included); the
// operation is the same either way.
func TestBulkSuspendPayloadSelection(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d string) {
		s := apitest.New(t, d)
		w := s.BuildWorld()
		admin := w.AdminToken
		c1 := w.Customers[1]
		const bare = `mutation($in:SuspendCustomersInput!){suspendCustomers(input:$in){subscriptionsAffected committed}}`
		const frag = `mutation($in:ActivateCustomersInput!){activateCustomers(input:$in){...P}}
		  fragment P on ActivateCustomersPayload { subscriptionsAffected committed cs: customers { id status } }`
		type payload struct {
			SubscriptionsAffected int
			Committed             bool
			Cs                    []struct{ ID, Status string }
		}

		before := s.Statements.Load()
		var out map[string]payload
		s.Must(admin, bare, map[string]any{"in": map[string]any{"ids": []string{c1.ID}}}, &out)
		bareCount := s.Statements.Load() - before
		if p := out["suspendCustomers"]; !p.Committed || p.SubscriptionsAffected != 1 {
			t.Fatalf("payload %+v", p)
		}
		if st := customerState(t, s, admin, c1.ID); st.Status != "SUSPENDED" || st.SubStatus != "SUSPENDED" {
			t.Fatalf("state %+v", st)
		}

		// A dry run returns the customers as they would be.
		out = nil
		s.Must(admin, frag, map[string]any{"in": map[string]any{"ids": []string{c1.ID}, "dryRun": true}}, &out)
		if p := out["activateCustomers"]; p.Committed || p.SubscriptionsAffected != 1 || len(p.Cs) != 1 || p.Cs[0].Status != "ACTIVE" {
			t.Fatalf("dry run payload %+v", p)
		}
		if st := customerState(t, s, admin, c1.ID); st.Status != "SUSPENDED" {
			t.Fatalf("dry run changed the state: %+v", st)
		}

		before = s.Statements.Load()
		out = nil
		s.Must(admin, frag, map[string]any{"in": map[string]any{"ids": []string{c1.ID}}}, &out)
		fragCount := s.Statements.Load() - before
		if p := out["activateCustomers"]; !p.Committed || p.SubscriptionsAffected != 1 || len(p.Cs) != 1 ||
			p.Cs[0].ID != c1.ID || p.Cs[0].Status != "ACTIVE" {
			t.Fatalf("payload %+v", p)
		}
		if st := customerState(t, s, admin, c1.ID); st.Status != "ACTIVE" || st.SubStatus != "ACTIVE" {
			t.Fatalf("state %+v", st)
		}
		t.Logf("%s: %d statements without customers in the payload (suspend), %d with (activate)", d, bareCount, fragCount)
	})
}
