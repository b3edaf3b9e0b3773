package graph_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hostpanel/panel/ent"
	"github.com/hostpanel/panel/ent/auditevent"
	"github.com/hostpanel/panel/ent/auditscope"
	"github.com/hostpanel/panel/ent/privacy"
	"github.com/hostpanel/panel/internal/apitest"
	"github.com/hostpanel/panel/internal/dbtest"
)

const (
	suspendResellersMutation = `mutation($in:SuspendResellersInput!){suspendResellers(input:$in){
  resellers{id status suspensions{source reason}} customersAffected subscriptionsAffected committed userErrors{code field}}}`
	activateResellersMutation = `mutation($in:ActivateResellersInput!){activateResellers(input:$in){
  resellers{id status suspensions{source reason}} customersAffected subscriptionsAffected committed userErrors{code field}}}`
	suspendSubsMutation = `mutation($in:SuspendSubscriptionsInput!){suspendSubscriptions(input:$in){
  subscriptions{id status suspensions{source reason}} committed userErrors{code field}}}`
	activateSubsMutation = `mutation($in:ActivateSubscriptionsInput!){activateSubscriptions(input:$in){
  subscriptions{id status suspensions{source reason}} committed userErrors{code field}}}`
)

// suspended is an object of a suspension payload.
type suspended struct {
	ID          string
	Status      string
	Suspensions []struct{ Source, Reason string }
}

// suspensionPayload is the payload of the reseller and subscription bulk
// mutations.
type suspensionPayload struct {
	Resellers             []suspended
	Subscriptions         []suspended
	CustomersAffected     int
	SubscriptionsAffected int
	Committed             bool
	UserErrors            []struct {
		Code  string
		Field []string
	}
}

func (p suspensionPayload) objects() []suspended { return append(p.Resellers, p.Subscriptions...) }

func runSusp(t *testing.T, s *apitest.Server, token, mutation string, in map[string]any) suspensionPayload {
	t.Helper()
	var out map[string]suspensionPayload
	s.Must(token, mutation, map[string]any{"in": in}, &out)
	for _, p := range out {
		return p
	}
	t.Fatal("no payload")
	return suspensionPayload{}
}

// srcs is "STATUS[SOURCE ...]" of an object.
func srcs(o suspended) string {
	var ss []string
	for _, x := range o.Suspensions {
		ss = append(ss, x.Source)
	}
	return o.Status + "[" + strings.Join(ss, " ") + "]"
}

// nodeState is "STATUS[SOURCE ...]" of a customer, reseller or subscription
// as the admin sees it.
func nodeState(t *testing.T, s *apitest.Server, admin, id string) string {
	t.Helper()
	var out struct{ Node suspended }
	s.Must(admin, `query($id:ID!){node(id:$id){
	  ... on Customer{status suspensions{source reason}}
	  ... on Reseller{status suspensions{source reason}}
	  ... on HostingSubscription{status suspensions{source reason}}}}`, map[string]any{"id": id}, &out)
	return srcs(out.Node)
}

// wantStates fails unless every object of want (ID to "STATUS[SOURCES]")
// is in that state.
func wantStates(t *testing.T, s *apitest.Server, admin string, want map[string]string, names map[string]string) {
	t.Helper()
	for id, w := range want {
		if got := nodeState(t, s, admin, id); got != w {
			t.Errorf("%s: %s, want %s", names[id], got, w)
		}
	}
}

// loginToken logs in and returns the token, or "" when the login is refused.
func loginToken(s *apitest.Server, login, password string) string {
	var out struct{ Login struct{ Token *string } }
	s.Must("", `mutation($l:String!,$p:String!){login(input:{login:$l,password:$p}){token}}`,
		map[string]any{"l": login, "p": password}, &out)
	if out.Login.Token == nil {
		return ""
	}
	return *out.Login.Token
}

// auditCount counts the audit events of action about reseller scope.
func auditCount(t *testing.T, s *apitest.Server, action string, scope int) int {
	t.Helper()
	n, err := s.Client.AuditEvent.Query().
		Where(auditevent.Action(action), auditevent.HasScopesWith(auditscope.ResellerID(scope))).
		Count(privacy.DecisionContext(context.Background(), privacy.Allow))
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestSuspendActivateResellers(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d string) {
		s := apitest.New(t, d)
		w := s.BuildWorld()
		admin := w.AdminToken
		r1, r2 := w.Resellers[0], w.Resellers[1]
		c1, c2, c3 := w.Customers[1], w.Customers[2], w.Customers[3]
		sub1, sub2, sub3 := w.Subscriptions[1], w.Subscriptions[2], w.Subscriptions[3]
		pu1, pu2 := w.PanelUsers[1], w.PanelUsers[2]
		// R1's own subscription and panel user.
		subR := s.Create(admin, "createSubscription", "subscription", map[string]any{
			"subscriberId": r1.ID, "domain": "r1-own.example", "servicePlanId": w.Plans[0],
		})
		puR := apitest.Account{Login: "staff-r1", Password: "staff-pass-12"}
		s.Create(r1.Token, "createPanelUser", "panelUser", map[string]any{
			"login": puR.Login, "password": puR.Password, "name": "R1 staff", "email": "s@example.com",
		})
		puR.Token = s.Login(puR.Login, puR.Password)
		names := map[string]string{r1.ID: "R1", r2.ID: "R2", c1.ID: "c1", c2.ID: "c2", c3.ID: "c3",
			sub1: "sub1", sub2: "sub2", sub3: "sub3", subR: "subR"}

		// Before the reseller: the admin suspends c2, and sub1 on its own.
		runBulk(t, s, admin, suspendMutation, map[string]any{"ids": []string{c2.ID}})
		if p := runSusp(t, s, admin, suspendSubsMutation, map[string]any{"ids": []string{sub1}}); !p.Committed {
			t.Fatalf("suspend sub1: %+v", p)
		}

		t.Run("a reseller may not suspend resellers", func(t *testing.T) {
			for _, m := range []string{suspendResellersMutation, activateResellersMutation} {
				r := s.Do(r1.Token, m, map[string]any{"in": map[string]any{"ids": []string{r1.ID}}})
				if r.Code() != "FORBIDDEN" {
					t.Fatalf("got %s %+v, want FORBIDDEN", r.Data, r.Errors)
				}
			}
			if st := nodeState(t, s, admin, r1.ID); st != "ACTIVE[]" {
				t.Fatalf("R1 changed: %s", st)
			}
		})

		t.Run("suspension cascades and revokes every token below", func(t *testing.T) {
			p := runSusp(t, s, admin, suspendResellersMutation, map[string]any{"ids": []string{r1.ID, r1.ID}, "reason": "unpaid"})
			// Status changes only: c1 (c2 was suspended already); subR (sub1
			// and sub2 were suspended already).
			if !p.Committed || len(p.UserErrors) > 0 || len(p.Resellers) != 1 || p.CustomersAffected != 1 || p.SubscriptionsAffected != 1 {
				t.Fatalf("payload %+v", p)
			}
			if r := p.Resellers[0]; srcs(r) != "SUSPENDED[ADMIN]" || r.Suspensions[0].Reason != "unpaid" {
				t.Fatalf("reseller %+v", r)
			}
			wantStates(t, s, admin, map[string]string{
				r1.ID: "SUSPENDED[ADMIN]", c1.ID: "SUSPENDED[PARENT]", c2.ID: "SUSPENDED[ADMIN PARENT]",
				sub1: "SUSPENDED[ADMIN PARENT]", sub2: "SUSPENDED[PARENT]", subR: "SUSPENDED[PARENT]",
				r2.ID: "ACTIVE[]", c3.ID: "ACTIVE[]", sub3: "ACTIVE[]",
			}, names)
			for name, a := range map[string]apitest.Account{"R1": r1, "R1 staff": puR, "c1": c1, "c1 staff": pu1, "c2 staff": pu2} {
				if r := s.Do(a.Token, `{viewer{role}}`, nil); r.Code() != "UNAUTHENTICATED" {
					t.Errorf("%s: old token still works: %s %+v", name, r.Data, r.Errors)
				}
			}
			for name, a := range map[string]apitest.Account{"R1": r1, "R1 staff": puR, "c1": c1, "c2": c2, "c1 staff": pu1} {
				if tok := loginToken(s, a.Login, a.Password); tok != "" {
					t.Errorf("%s could log in while suspended", name)
				}
			}
			if r := s.Do(r2.Token, `{viewer{role}}`, nil); len(r.Errors) > 0 {
				t.Fatalf("another reseller's token was revoked: %+v", r.Errors)
			}
			if n := auditCount(t, s, "reseller.suspend", mustID(t, r1.ID)); n != 1 {
				t.Fatalf("%d reseller.suspend events about R1, want 1", n)
			}
		})

		t.Run("suspending twice is no error and changes nothing", func(t *testing.T) {
			p := runSusp(t, s, admin, suspendResellersMutation, map[string]any{"ids": []string{r1.ID}, "reason": "again"})
			if !p.Committed || len(p.UserErrors) > 0 || p.CustomersAffected != 0 || p.SubscriptionsAffected != 0 ||
				p.Resellers[0].Suspensions[0].Reason != "unpaid" {
				t.Fatalf("payload %+v", p)
			}
		})

		t.Run("activation reverses exactly the cascade", func(t *testing.T) {
			p := runSusp(t, s, admin, activateResellersMutation, map[string]any{"ids": []string{r1.ID}})
			// c1 and subR come back; c2 keeps its own ADMIN, so sub2 keeps
			// PARENT; sub1 keeps its own ADMIN.
			if !p.Committed || len(p.UserErrors) > 0 || srcs(p.Resellers[0]) != "ACTIVE[]" ||
				p.CustomersAffected != 1 || p.SubscriptionsAffected != 1 {
				t.Fatalf("payload %+v", p)
			}
			wantStates(t, s, admin, map[string]string{
				r1.ID: "ACTIVE[]", c1.ID: "ACTIVE[]", c2.ID: "SUSPENDED[ADMIN]",
				sub1: "SUSPENDED[ADMIN]", sub2: "SUSPENDED[PARENT]", subR: "ACTIVE[]",
			}, names)
			for _, a := range []apitest.Account{r1, puR, c1, pu1} {
				if r := s.Do(a.Token, `{viewer{role}}`, nil); r.Code() != "UNAUTHENTICATED" {
					t.Errorf("%s: token revoked by the suspension works again after activation", a.Login)
				}
			}
			for _, a := range []apitest.Account{r1, puR, c1, pu1} {
				if loginToken(s, a.Login, a.Password) == "" {
					t.Errorf("%s cannot log in after activation", a.Login)
				}
			}
			if loginToken(s, c2.Login, c2.Password) != "" {
				t.Errorf("c2, suspended by the admin on its own, could log in")
			}
			if n := auditCount(t, s, "reseller.activate", mustID(t, r1.ID)); n != 1 {
				t.Fatalf("%d reseller.activate events about R1, want 1", n)
			}
			// Lifting c2's own suspension brings sub2 back.
			runBulk(t, s, admin, activateMutation, map[string]any{"ids": []string{c2.ID}})
			wantStates(t, s, admin, map[string]string{c2.ID: "ACTIVE[]", sub2: "ACTIVE[]", sub1: "SUSPENDED[ADMIN]"}, names)
		})

		t.Run("two-source customer needs the admin after the reseller's activation", func(t *testing.T) {
			r1Token := s.Login(r1.Login, r1.Password)
			runBulk(t, s, r1Token, suspendMutation, map[string]any{"ids": []string{c1.ID}})
			runBulk(t, s, admin, suspendMutation, map[string]any{"ids": []string{c1.ID}})
			runSusp(t, s, admin, suspendResellersMutation, map[string]any{"ids": []string{r1.ID}})
			wantStates(t, s, admin, map[string]string{c1.ID: "SUSPENDED[ADMIN RESELLER PARENT]"}, names)
			runSusp(t, s, admin, activateResellersMutation, map[string]any{"ids": []string{r1.ID}})
			wantStates(t, s, admin, map[string]string{c1.ID: "SUSPENDED[ADMIN RESELLER]", sub1: "SUSPENDED[ADMIN PARENT]"}, names)
			r1Token = s.Login(r1.Login, r1.Password)
			if p := runBulk(t, s, r1Token, activateMutation, map[string]any{"ids": []string{c1.ID}}); p.Committed ||
				len(p.UserErrors) != 1 || p.UserErrors[0].Code != "FORBIDDEN" {
				t.Fatalf("reseller lifted an ADMIN suspension: %+v", p)
			}
			runBulk(t, s, admin, activateMutation, map[string]any{"ids": []string{c1.ID}})
			wantStates(t, s, admin, map[string]string{c1.ID: "ACTIVE[]", sub1: "SUSPENDED[ADMIN]"}, names)
		})

		t.Run("dry run shows the would-be state and changes nothing", func(t *testing.T) {
			p := runSusp(t, s, admin, suspendResellersMutation, map[string]any{"ids": []string{r2.ID}, "dryRun": true})
			if p.Committed || len(p.Resellers) != 1 || srcs(p.Resellers[0]) != "SUSPENDED[ADMIN]" ||
				p.CustomersAffected != 2 || p.SubscriptionsAffected != 2 {
				t.Fatalf("payload %+v", p)
			}
			wantStates(t, s, admin, map[string]string{r2.ID: "ACTIVE[]", c3.ID: "ACTIVE[]", sub3: "ACTIVE[]"}, names)
			if r := s.Do(r2.Token, `{viewer{role}}`, nil); len(r.Errors) > 0 {
				t.Fatalf("dry run revoked a token: %+v", r.Errors)
			}
		})

		t.Run("missing and wrong-type IDs: ATOMIC changes nothing, PARTIAL applies the rest", func(t *testing.T) {
			in := map[string]any{"ids": []string{r2.ID, "999999999", c3.ID}}
			p := runSusp(t, s, admin, suspendResellersMutation, in)
			if p.Committed || len(p.Resellers) != 0 || len(p.UserErrors) != 2 {
				t.Fatalf("ATOMIC payload %+v", p)
			}
			for i, ue := range p.UserErrors {
				if ue.Code != "NOT_FOUND" || fmt.Sprint(ue.Field) != fmt.Sprintf("[ids %d]", i+1) {
					t.Fatalf("user error %d: %+v", i, ue)
				}
			}
			wantStates(t, s, admin, map[string]string{r2.ID: "ACTIVE[]"}, names)
			in["mode"] = "PARTIAL"
			p = runSusp(t, s, admin, suspendResellersMutation, in)
			if !p.Committed || len(p.UserErrors) != 2 || len(p.Resellers) != 1 || p.Resellers[0].ID != r2.ID {
				t.Fatalf("PARTIAL payload %+v", p)
			}
			wantStates(t, s, admin, map[string]string{r2.ID: "SUSPENDED[ADMIN]", c3.ID: "SUSPENDED[PARENT]", sub3: "SUSPENDED[PARENT]"}, names)
			p = runSusp(t, s, admin, activateResellersMutation, map[string]any{"ids": []string{r2.ID}, "mode": "PARTIAL"})
			if !p.Committed || p.CustomersAffected != 2 || p.SubscriptionsAffected != 2 {
				t.Fatalf("activate payload %+v", p)
			}
		})
	})
}

func TestSuspendActivateSubscriptions(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d string) {
		s := apitest.New(t, d)
		w := s.BuildWorld()
		admin, r1, r2 := w.AdminToken, w.Resellers[0], w.Resellers[1]
		sub0, sub1, sub3, sub4 := w.Subscriptions[0], w.Subscriptions[1], w.Subscriptions[3], w.Subscriptions[4]
		subR := s.Create(admin, "createSubscription", "subscription", map[string]any{
			"subscriberId": r2.ID, "domain": "r2-own.example", "servicePlanId": w.Plans[0],
		})
		names := map[string]string{sub0: "sub0", sub1: "sub1", sub3: "sub3", sub4: "sub4", subR: "subR"}

		t.Run("customers and panel users may not", func(t *testing.T) {
			for _, tok := range []string{w.Customers[3].Token, w.PanelUsers[3].Token} {
				for _, m := range []string{suspendSubsMutation, activateSubsMutation} {
					if r := s.Do(tok, m, map[string]any{"in": map[string]any{"ids": []string{sub3}}}); r.Code() != "FORBIDDEN" {
						t.Fatalf("got %s %+v, want FORBIDDEN", r.Data, r.Errors)
					}
				}
			}
		})

		t.Run("reseller cannot lift ADMIN: FORBIDDEN and nothing changes", func(t *testing.T) {
			p := runSusp(t, s, admin, suspendSubsMutation, map[string]any{"ids": []string{sub3}, "reason": "abuse"})
			if !p.Committed || srcs(p.Subscriptions[0]) != "SUSPENDED[ADMIN]" || p.Subscriptions[0].Suspensions[0].Reason != "abuse" {
				t.Fatalf("payload %+v", p)
			}
			if n := auditCount(t, s, "subscription.suspend", mustID(t, r2.ID)); n != 1 {
				t.Fatalf("%d subscription.suspend events about R2, want 1", n)
			}
			p = runSusp(t, s, r2.Token, activateSubsMutation, map[string]any{"ids": []string{sub4, sub3}})
			if p.Committed || len(p.Subscriptions) != 0 || len(p.UserErrors) != 1 || p.UserErrors[0].Code != "FORBIDDEN" ||
				fmt.Sprint(p.UserErrors[0].Field) != "[ids 1]" {
				t.Fatalf("payload %+v", p)
			}
			wantStates(t, s, admin, map[string]string{sub3: "SUSPENDED[ADMIN]"}, names)
			// Suspending it again as the reseller is allowed and adds RESELLER.
			if p := runSusp(t, s, r2.Token, suspendSubsMutation, map[string]any{"ids": []string{sub3}}); !p.Committed ||
				srcs(p.Subscriptions[0]) != "SUSPENDED[ADMIN RESELLER]" {
				t.Fatalf("payload %+v", p)
			}
			p = runSusp(t, s, admin, activateSubsMutation, map[string]any{"ids": []string{sub3}})
			if !p.Committed || srcs(p.Subscriptions[0]) != "ACTIVE[]" {
				t.Fatalf("admin lifts both: %+v", p)
			}
			if n := auditCount(t, s, "subscription.activate", mustID(t, r2.ID)); n != 1 {
				t.Fatalf("%d subscription.activate events about R2, want 1", n)
			}
		})

		t.Run("reseller suspends and activates its customers' and its own subscriptions", func(t *testing.T) {
			p := runSusp(t, s, r2.Token, suspendSubsMutation, map[string]any{"ids": []string{sub4, subR}, "reason": "maintenance"})
			if !p.Committed || len(p.Subscriptions) != 2 {
				t.Fatalf("payload %+v", p)
			}
			for _, o := range p.Subscriptions {
				if srcs(o) != "SUSPENDED[RESELLER]" || o.Suspensions[0].Reason != "maintenance" {
					t.Fatalf("subscription %+v", o)
				}
			}
			if p := runSusp(t, s, r2.Token, suspendSubsMutation, map[string]any{"ids": []string{sub4}}); !p.Committed ||
				len(p.UserErrors) > 0 || p.Subscriptions[0].Suspensions[0].Reason != "maintenance" {
				t.Fatalf("suspending twice: %+v", p)
			}
			p = runSusp(t, s, r2.Token, activateSubsMutation, map[string]any{"ids": []string{sub4, subR}})
			if !p.Committed || srcs(p.Subscriptions[0]) != "ACTIVE[]" || srcs(p.Subscriptions[1]) != "ACTIVE[]" {
				t.Fatalf("payload %+v", p)
			}
		})

		t.Run("PARENT is never lifted here", func(t *testing.T) {
			runBulk(t, s, admin, suspendMutation, map[string]any{"ids": []string{w.Customers[4].ID}})
			runSusp(t, s, admin, suspendSubsMutation, map[string]any{"ids": []string{sub4}})
			p := runSusp(t, s, admin, activateSubsMutation, map[string]any{"ids": []string{sub4}})
			if !p.Committed || srcs(p.Subscriptions[0]) != "SUSPENDED[PARENT]" {
				t.Fatalf("payload %+v", p)
			}
			runBulk(t, s, admin, activateMutation, map[string]any{"ids": []string{w.Customers[4].ID}})
			wantStates(t, s, admin, map[string]string{sub4: "ACTIVE[]"}, names)
		})

		t.Run("foreign and missing IDs: ATOMIC changes nothing, PARTIAL applies the rest", func(t *testing.T) {
			in := map[string]any{"ids": []string{sub1, sub3, "999999999"}}
			p := runSusp(t, s, r1.Token, suspendSubsMutation, in)
			if p.Committed || len(p.UserErrors) != 2 || len(p.Subscriptions) != 0 {
				t.Fatalf("ATOMIC payload %+v", p)
			}
			for i, ue := range p.UserErrors {
				if ue.Code != "NOT_FOUND" || fmt.Sprint(ue.Field) != fmt.Sprintf("[ids %d]", i+1) {
					t.Fatalf("user error %d: %+v (a foreign ID must answer like a missing one)", i, ue)
				}
			}
			wantStates(t, s, admin, map[string]string{sub1: "ACTIVE[]"}, names)
			in["mode"] = "PARTIAL"
			p = runSusp(t, s, r1.Token, suspendSubsMutation, in)
			if !p.Committed || len(p.UserErrors) != 2 || len(p.Subscriptions) != 1 || p.Subscriptions[0].ID != sub1 {
				t.Fatalf("PARTIAL payload %+v", p)
			}
			wantStates(t, s, admin, map[string]string{sub1: "SUSPENDED[RESELLER]", sub3: "ACTIVE[]"}, names)
		})

		t.Run("dry run shows the would-be state and changes nothing", func(t *testing.T) {
			p := runSusp(t, s, admin, suspendSubsMutation, map[string]any{"ids": []string{sub0}, "dryRun": true})
			if p.Committed || len(p.Subscriptions) != 1 || srcs(p.Subscriptions[0]) != "SUSPENDED[ADMIN]" {
				t.Fatalf("payload %+v", p)
			}
			wantStates(t, s, admin, map[string]string{sub0: "ACTIVE[]"}, names)
		})

		t.Run("an expired subscription is SUSPENDED with EXPIRED, in every status filter", func(t *testing.T) {
			ctx := privacy.DecisionContext(context.Background(), privacy.Allow)
			if err := s.Client.HostingSubscription.UpdateOneID(mustID(t, sub0)).
				SetExpiresAt(time.Now().Add(-time.Hour)).Exec(ctx); err != nil {
				t.Fatal(err)
			}
			wantStates(t, s, admin, map[string]string{sub0: "SUSPENDED[EXPIRED]"}, names)
			ids := func(status string) map[string]bool {
				var out struct {
					Subscriptions struct {
						Edges []struct{ Node struct{ ID string } }
					}
					Node struct {
						Subscriptions struct {
							Edges []struct{ Node struct{ ID string } }
						}
					}
				}
				s.Must(admin, `query($st:Status!,$c:ID!){subscriptions(where:{status:$st}){edges{node{id}}}
				  node(id:$c){... on Customer{subscriptions(where:{status:$st}){edges{node{id}}}}}}`,
					map[string]any{"st": status, "c": w.Customers[0].ID}, &out)
				m := map[string]bool{}
				for _, e := range out.Subscriptions.Edges {
					m["all:"+e.Node.ID] = true
				}
				for _, e := range out.Node.Subscriptions.Edges {
					m["customer:"+e.Node.ID] = true
				}
				return m
			}
			sus, act := ids("SUSPENDED"), ids("ACTIVE")
			if !sus["all:"+sub0] || !sus["customer:"+sub0] || act["all:"+sub0] || act["customer:"+sub0] {
				t.Fatalf("status filters disagree with status: SUSPENDED %v ACTIVE %v", sus, act)
			}
			// Activation does not lift EXPIRED either.
			p := runSusp(t, s, admin, activateSubsMutation, map[string]any{"ids": []string{sub0}})
			if !p.Committed || srcs(p.Subscriptions[0]) != "SUSPENDED[EXPIRED]" {
				t.Fatalf("payload %+v", p)
			}
		})
	})
}

// TestResellerAndSubscriptionSuspendStatementsConstant fails when the
// reseller and subscription bulk operations issue statements per item: 10
// and 1,000 items cost the same.
func TestResellerAndSubscriptionSuspendStatementsConstant(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d string) {
		s := apitest.New(t, d)
		admin := s.AdminToken()
		ctx := privacy.DecisionContext(context.Background(), privacy.Allow)
		// mk makes n resellers, each with one customer that has a
		// subscription and one subscription of its own; it returns the
		// reseller IDs and the subscription IDs.
		mk := func(prefix string, n int) (resellers, subs []string) {
			rs, err := s.Client.Reseller.MapCreateBulk(make([]int, n), func(c *ent.ResellerCreate, i int) {
				c.SetLogin(fmt.Sprintf("%sr%d", prefix, i)).SetName("r").SetEmail("r@example.com")
			}).Save(ctx)
			if err != nil {
				t.Fatal(err)
			}
			cs, err := s.Client.Customer.MapCreateBulk(rs, func(c *ent.CustomerCreate, i int) {
				c.SetLogin(fmt.Sprintf("%sc%d", prefix, i)).SetName("n").SetEmail("e@example.com").SetResellerID(rs[i].ID)
			}).Save(ctx)
			if err != nil {
				t.Fatal(err)
			}
			ss, err := s.Client.HostingSubscription.MapCreateBulk(make([]int, 2*n), func(c *ent.HostingSubscriptionCreate, i int) {
				c.SetName(fmt.Sprintf("%s%d.example", prefix, i))
				if i < n {
					c.SetCustomerID(cs[i].ID)
				} else {
					c.SetResellerID(rs[i-n].ID)
				}
			}).Save(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range rs {
				resellers = append(resellers, fmt.Sprint(r.ID))
			}
			for _, x := range ss[:n] {
				subs = append(subs, fmt.Sprint(x.ID))
			}
			return resellers, subs
		}
		smallR, smallS := mk("s", 10)
		largeR, largeS := mk("l", 1000)
		count := func(m string, ids []string, want int) int64 {
			before := s.Statements.Load()
			p := runSusp(t, s, admin, m, map[string]any{"ids": ids})
			if !p.Committed || len(p.objects()) != len(ids) {
				t.Fatalf("payload committed=%v objects=%d errors=%+v", p.Committed, len(p.objects()), p.UserErrors)
			}
			if strings.Contains(m, "Resellers") && (p.CustomersAffected != want || p.SubscriptionsAffected != 2*want) {
				t.Fatalf("affected customers %d subscriptions %d, want %d and %d", p.CustomersAffected, p.SubscriptionsAffected, want, 2*want)
			}
			return s.Statements.Load() - before
		}
		for _, c := range []struct {
			name         string
			m            string
			small, large []string
		}{
			{"suspendResellers", suspendResellersMutation, smallR, largeR},
			{"activateResellers", activateResellersMutation, smallR, largeR},
			{"suspendSubscriptions", suspendSubsMutation, smallS, largeS},
			{"activateSubscriptions", activateSubsMutation, smallS, largeS},
		} {
			a, b := count(c.m, c.small, len(c.small)), count(c.m, c.large, len(c.large))
			t.Logf("%s %s: %d statements for 10, %d for 1000", d, c.name, a, b)
			if a != b {
				t.Fatalf("%s: statements grow with items: %d for 10, %d for 1000", c.name, a, b)
			}
		}
	})
}
