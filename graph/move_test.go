package graph_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/hostpanel/panel/ent"
	"github.com/hostpanel/panel/ent/auditevent"
	"github.com/hostpanel/panel/ent/auditscope"
	"github.com/hostpanel/panel/ent/privacy"
	"github.com/hostpanel/panel/internal/apitest"
	"github.com/hostpanel/panel/internal/dbtest"
	"github.com/hostpanel/panel/internal/types"
)

const moveMutation = `mutation($in:MoveCustomersInput!){moveCustomers(input:$in){
  customers{id status suspensions{source} owner{__typename ... on Reseller{id} ... on Administrator{id}}
    subscriptions{edges{node{planSync plan{id}}}}}
  committed userErrors{code field message}}}`

type movePayload struct {
	Customers []struct {
		ID          string
		Status      string
		Suspensions []struct{ Source string }
		Owner       struct {
			Typename string `json:"__typename"`
			ID       string
		}
		Subscriptions struct {
			Edges []struct {
				Node struct {
					PlanSync string
					Plan     *struct{ ID string }
				}
			}
		}
	}
	Committed  bool
	UserErrors []struct {
		Code    string
		Field   []string
		Message string
	}
}

// moveLean asks for the customers' own fields only (the statement count
// is about the bulk work, not about nested payload edges).
const moveLean = `mutation($in:MoveCustomersInput!){moveCustomers(input:$in){
  customers{id status owner{__typename ... on Reseller{id} ... on Administrator{id}}} committed userErrors{code field message}}}`

func move(t *testing.T, s *apitest.Server, token string, in map[string]any) movePayload {
	t.Helper()
	return moveWith(t, s, token, moveMutation, in)
}

func moveWith(t *testing.T, s *apitest.Server, token, mutation string, in map[string]any) movePayload {
	t.Helper()
	var out struct{ MoveCustomers movePayload }
	s.Must(token, mutation, map[string]any{"in": in}, &out)
	return out.MoveCustomers
}

// item is a move or convert item; plan "" is Custom (null).
func item(customer, planField, plan string) map[string]any {
	m := map[string]any{"customerId": customer, planField: nil}
	if plan != "" {
		m[planField] = plan
	}
	return m
}

// subView is a subscription as the admin reads it.
type subView struct {
	ID       string
	PlanSync string
	Plan     *struct{ ID string }
	Limits   struct {
		DiskSpaceMb, TrafficMbPerMonth, Domains, Subdomains, Mailboxes, Databases, FtpAccounts *int
	}
	Permissions  []string
	Applications []string
	Status       string
	Suspensions  []struct{ Source string }
}

const subFields = `id planSync plan{id} limits{diskSpaceMb trafficMbPerMonth domains subdomains mailboxes databases ftpAccounts}
  permissions applications status suspensions{source}`

// customerView is a customer as token reads it (nil: not visible).
type customerView struct {
	ID          string
	Status      string
	Suspensions []struct{ Source string }
	Owner       struct {
		Typename string `json:"__typename"`
		ID       string
	}
	Description  *string
	Descriptions []struct {
		Text   string
		Author struct{ ID string }
	}
	Subscriptions struct {
		Edges []struct{ Node subView }
	}
}

func viewCustomer(t *testing.T, s *apitest.Server, token, id string) *customerView {
	t.Helper()
	var out struct{ Node *customerView }
	s.Must(token, `query($id:ID!){node(id:$id){... on Customer{id status suspensions{source}
	  owner{__typename ... on Reseller{id} ... on Administrator{id}} description descriptions{text author{... on Reseller{id} ... on Administrator{id}}}
	  subscriptions{edges{node{`+subFields+`}}}}}}`, map[string]any{"id": id}, &out)
	if out.Node != nil && out.Node.ID == "" {
		return nil
	}
	return out.Node
}

// customerIDs lists the customers token sees.
func customerIDs(t *testing.T, s *apitest.Server, token string) map[string]bool {
	t.Helper()
	var out struct {
		Customers struct {
			Edges []struct{ Node struct{ ID string } }
		}
	}
	s.Must(token, `{customers(first:100){edges{node{id}}}}`, nil, &out)
	ids := map[string]bool{}
	for _, e := range out.Customers.Edges {
		ids[e.Node.ID] = true
	}
	return ids
}

func intp(v int) *int { return &v }

func js(v any) string { b, _ := json.Marshal(v); return string(b) }

func eqInt(a, b *int) bool { return a == nil && b == nil || a != nil && b != nil && *a == *b }

func TestMoveCustomers(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d string) {
		s := apitest.New(t, d)
		w := s.BuildWorld()
		admin := w.AdminToken
		r1, r2 := w.Resellers[0], w.Resellers[1]
		sys := privacy.DecisionContext(context.Background(), privacy.Allow)

		// A second plan of R2 with values unlike the subscriptions' own.
		r2Gold := s.Create(admin, "createServicePlan", "servicePlan", map[string]any{
			"name": "R2 Gold", "ownerId": r2.ID,
			"limits":      map[string]any{"diskSpaceMb": 3000, "domains": 7, "mailboxes": 3, "ftpAccounts": 4, "trafficMbPerMonth": 500, "databases": 1},
			"permissions": []string{"MANAGE_DNS", "SSH_ACCESS"}, "applications": []string{"wordpress"},
		})

		t.Run("to a reseller with a plan: SYNCED with the plan's values; old reseller loses access", func(t *testing.T) {
			c1 := w.Customers[1]
			p := move(t, s, admin, map[string]any{"newOwnerId": r2.ID, "items": []any{item(c1.ID, "servicePlanId", r2Gold)}})
			if !p.Committed || len(p.UserErrors) != 0 || len(p.Customers) != 1 || p.Customers[0].Owner.ID != r2.ID ||
				len(p.Customers[0].Subscriptions.Edges) != 1 || p.Customers[0].Subscriptions.Edges[0].Node.Plan.ID != r2Gold {
				t.Fatalf("payload %+v", p)
			}
			cv := viewCustomer(t, s, admin, c1.ID)
			if cv == nil || cv.Owner.ID != r2.ID || len(cv.Subscriptions.Edges) != 1 {
				t.Fatalf("customer %+v", cv)
			}
			sub := cv.Subscriptions.Edges[0].Node
			l := sub.Limits
			if sub.PlanSync != "SYNCED" || sub.Plan == nil || sub.Plan.ID != r2Gold ||
				!eqInt(l.DiskSpaceMb, intp(3000)) || !eqInt(l.Domains, intp(7)) || !eqInt(l.Mailboxes, intp(3)) ||
				!eqInt(l.FtpAccounts, intp(4)) || !eqInt(l.TrafficMbPerMonth, intp(500)) || !eqInt(l.Databases, intp(1)) ||
				l.Subdomains != nil || fmt.Sprint(sub.Permissions) != "[MANAGE_DNS SSH_ACCESS]" ||
				fmt.Sprint(sub.Applications) != "[wordpress]" {
				t.Fatalf("subscription %+v limits %+v", sub, l)
			}
			// The old reseller: node null, not listed, subscription gone.
			if v := viewCustomer(t, s, r1.Token, c1.ID); v != nil {
				t.Fatalf("old reseller still reads the customer: %+v", v)
			}
			if customerIDs(t, s, r1.Token)[c1.ID] {
				t.Fatal("old reseller still lists the customer")
			}
			var n struct{ Node *struct{ ID string } }
			s.Must(r1.Token, `query($id:ID!){node(id:$id){id}}`, map[string]any{"id": w.Subscriptions[1]}, &n)
			if n.Node != nil {
				t.Fatal("old reseller still reads the subscription")
			}
			// The new reseller sees it, without the old reseller's note.
			v := viewCustomer(t, s, r2.Token, c1.ID)
			if v == nil || !customerIDs(t, s, r2.Token)[c1.ID] {
				t.Fatal("new reseller does not see the customer")
			}
			if v.Description != nil || len(v.Descriptions) != 0 {
				t.Fatalf("new reseller reads the old reseller's note: %+v", v.Descriptions)
			}
			// The admin still reads the old reseller's note.
			found := false
			for _, d := range cv.Descriptions {
				found = found || d.Text == "note 1" && d.Author.ID == r1.ID
			}
			if !found {
				t.Fatalf("admin lost the old reseller's note: %+v", cv.Descriptions)
			}
			// The new reseller can write its own note beside the old one.
			if err := s.Client.Description.Create().SetCustomerID(mustID(t, c1.ID)).SetSide(types.SideReseller).
				SetResellerID(mustID(t, r2.ID)).SetText("r2 note").Exec(sys); err != nil {
				t.Fatalf("new reseller's note: %v", err)
			}
			if v := viewCustomer(t, s, r2.Token, c1.ID); v.Description == nil || *v.Description != "r2 note" || len(v.Descriptions) != 1 {
				t.Fatalf("new reseller's view %+v", v)
			}
			// Audited, in the new owner's scope.
			ev, err := s.Client.AuditEvent.Query().Where(auditevent.Action("customer.move")).Only(sys)
			if err != nil || !slices.Equal(auditScopes(t, ev), []int{mustID(t, r1.ID), mustID(t, r2.ID)}) {
				t.Fatalf("audit event %+v, %v: scopes %v", ev, err, auditScopes(t, ev))
			}
		})

		t.Run("to the administrator, Custom: values kept, plan cleared, CUSTOM", func(t *testing.T) {
			c3 := w.Customers[3]
			before := viewCustomer(t, s, admin, c3.ID).Subscriptions.Edges[0].Node
			p := move(t, s, admin, map[string]any{"newOwnerId": w.AdminID, "items": []any{item(c3.ID, "servicePlanId", "")}})
			if !p.Committed || len(p.Customers) != 1 || p.Customers[0].Owner.Typename != "Administrator" {
				t.Fatalf("payload %+v", p)
			}
			after := viewCustomer(t, s, admin, c3.ID).Subscriptions.Edges[0].Node
			if after.Plan != nil || after.PlanSync != "CUSTOM" || js(after.Limits) != js(before.Limits) || before.Limits.DiskSpaceMb == nil ||
				fmt.Sprint(after.Permissions) != fmt.Sprint(before.Permissions) || before.PlanSync != "SYNCED" {
				t.Fatalf("before %+v after %+v", before, after)
			}
			if viewCustomer(t, s, r2.Token, c3.ID) != nil {
				t.Fatal("old reseller still reads the customer")
			}
		})

		t.Run("PLAN_NOT_AVAILABLE for another owner's plan", func(t *testing.T) {
			c2 := w.Customers[2]
			for _, plan := range []string{w.Plans[1], w.Plans[0]} { // R1's, the admin's
				p := move(t, s, admin, map[string]any{"newOwnerId": r2.ID, "items": []any{item(c2.ID, "servicePlanId", plan)}})
				if p.Committed || len(p.UserErrors) != 1 || p.UserErrors[0].Code != "PLAN_NOT_AVAILABLE" ||
					fmt.Sprint(p.UserErrors[0].Field) != "[items 0 servicePlanId]" {
					t.Fatalf("payload %+v", p)
				}
			}
			if v := viewCustomer(t, s, admin, c2.ID); v.Owner.ID != r1.ID {
				t.Fatalf("customer moved: %+v", v.Owner)
			}
		})

		t.Run("bad owner, missing and foreign IDs; ATOMIC and PARTIAL", func(t *testing.T) {
			c2 := w.Customers[2]
			for _, owner := range []string{c2.ID, w.Plans[0], "999999999", "junk"} {
				p := move(t, s, admin, map[string]any{"newOwnerId": owner, "items": []any{item(c2.ID, "servicePlanId", "")}})
				if p.Committed || len(p.UserErrors) != 1 || p.UserErrors[0].Code != "NOT_FOUND" ||
					fmt.Sprint(p.UserErrors[0].Field) != "[newOwnerId]" {
					t.Fatalf("owner %s: payload %+v", owner, p)
				}
			}
			in := map[string]any{"newOwnerId": w.AdminID, "items": []any{
				item(c2.ID, "servicePlanId", ""), item("999999999", "servicePlanId", ""), item(r1.ID, "servicePlanId", ""),
				item(c2.ID, "servicePlanId", "")}}
			p := move(t, s, admin, in)
			if p.Committed || len(p.UserErrors) != 2 || len(p.Customers) != 0 {
				t.Fatalf("ATOMIC payload %+v", p)
			}
			for i, ue := range p.UserErrors {
				if ue.Code != "NOT_FOUND" || fmt.Sprint(ue.Field) != fmt.Sprintf("[items %d customerId]", i+1) {
					t.Fatalf("user error %d: %+v", i, ue)
				}
			}
			if v := viewCustomer(t, s, admin, c2.ID); v.Owner.ID != r1.ID {
				t.Fatal("ATOMIC failure moved the customer")
			}
			in["mode"] = "PARTIAL"
			p = move(t, s, admin, in)
			if !p.Committed || len(p.UserErrors) != 2 || len(p.Customers) != 1 || p.Customers[0].ID != c2.ID {
				t.Fatalf("PARTIAL payload %+v", p)
			}
			if v := viewCustomer(t, s, admin, c2.ID); v.Owner.Typename != "Administrator" {
				t.Fatalf("PARTIAL did not move the valid item: %+v", v.Owner)
			}
			// Back to R1 for the next cases.
			if p := move(t, s, admin, map[string]any{"newOwnerId": r1.ID, "items": []any{item(c2.ID, "servicePlanId", w.Plans[1])}}); !p.Committed {
				t.Fatalf("move back %+v", p)
			}
		})

		t.Run("dry run shows the result and changes nothing; repeats once", func(t *testing.T) {
			c2 := w.Customers[2]
			p := move(t, s, admin, map[string]any{"newOwnerId": r2.ID, "dryRun": true,
				"items": []any{item(c2.ID, "servicePlanId", ""), item(c2.ID, "servicePlanId", r2Gold)}})
			if p.Committed || len(p.UserErrors) != 0 || len(p.Customers) != 1 || p.Customers[0].Owner.ID != r2.ID {
				t.Fatalf("payload %+v", p)
			}
			v := viewCustomer(t, s, admin, c2.ID)
			if v.Owner.ID != r1.ID || v.Subscriptions.Edges[0].Node.PlanSync != "SYNCED" {
				t.Fatalf("dry run changed the customer: %+v", v)
			}
		})

		t.Run("to the current owner: a no-op success", func(t *testing.T) {
			c4 := w.Customers[4]
			p := move(t, s, admin, map[string]any{"newOwnerId": r2.ID, "items": []any{item(c4.ID, "servicePlanId", "")}})
			if !p.Committed || len(p.UserErrors) != 0 || len(p.Customers) != 1 || p.Customers[0].Owner.ID != r2.ID {
				t.Fatalf("payload %+v", p)
			}
			if sub := viewCustomer(t, s, admin, c4.ID).Subscriptions.Edges[0].Node; sub.PlanSync != "SYNCED" || sub.Plan == nil {
				t.Fatalf("no-op changed the subscription: %+v", sub)
			}
		})

		t.Run("limits hold over the whole request", func(t *testing.T) {
			// Room for 1,500 MB: each customer (1,000 MB) fits alone, not both.
			r3 := s.Create(admin, "createReseller", "reseller", map[string]any{
				"login": "reseller3", "password": "reseller-pass-1", "name": "R3", "email": "r3@example.com",
				"limits": map[string]any{"customers": 5, "diskSpaceMb": 1500},
			})
			a, b := w.Customers[0], w.Customers[2] // the admin's and R1's
			in := map[string]any{"newOwnerId": r3, "items": []any{item(a.ID, "servicePlanId", ""), item(b.ID, "servicePlanId", "")}}
			for _, one := range []string{a.ID, b.ID} {
				p := move(t, s, admin, map[string]any{"newOwnerId": r3, "dryRun": true, "items": []any{item(one, "servicePlanId", "")}})
				if len(p.UserErrors) != 0 {
					t.Fatalf("one customer alone must fit: %+v", p)
				}
			}
			p := move(t, s, admin, in)
			if p.Committed || len(p.UserErrors) != 1 || p.UserErrors[0].Code != "LIMIT_EXCEEDED" ||
				fmt.Sprint(p.UserErrors[0].Field) != "[items 1 customerId]" {
				t.Fatalf("ATOMIC payload %+v", p)
			}
			if customerIDs(t, s, s.Login("reseller3", "reseller-pass-1"))[a.ID] {
				t.Fatal("ATOMIC failure moved a customer")
			}
			in["mode"] = "PARTIAL"
			p = move(t, s, admin, in)
			if !p.Committed || len(p.Customers) != 1 || p.Customers[0].ID != a.ID || len(p.UserErrors) != 1 {
				t.Fatalf("PARTIAL payload %+v", p)
			}
			var u struct {
				Node struct {
					Usage struct{ Customers, DiskSpaceMb int }
				}
			}
			s.Must(admin, `query($id:ID!){node(id:$id){... on Reseller{usage{customers diskSpaceMb}}}}`, map[string]any{"id": r3}, &u)
			if u.Node.Usage.Customers != 1 || u.Node.Usage.DiskSpaceMb != 1000 {
				t.Fatalf("usage %+v", u.Node.Usage)
			}
			// Back to the administrator.
			if p := move(t, s, admin, map[string]any{"newOwnerId": w.AdminID, "items": []any{item(a.ID, "servicePlanId", "")}}); !p.Committed {
				t.Fatalf("move back %+v", p)
			}
		})

		t.Run("PARENT follows the new owner; RESELLER source stays", func(t *testing.T) {
			// R2 suspended by the administrator (as suspendResellers leaves it).
			now := time.Now()
			if err := s.Client.Reseller.UpdateOneID(mustID(t, r2.ID)).SetStatus(types.StatusSuspended).
				SetSuspendedAdminAt(now).Exec(sys); err != nil {
				t.Fatal(err)
			}
			a := w.Customers[0]
			p := move(t, s, admin, map[string]any{"newOwnerId": r2.ID, "items": []any{item(a.ID, "servicePlanId", "")}})
			if !p.Committed || p.Customers[0].Status != "SUSPENDED" || fmt.Sprint(p.Customers[0].Suspensions) != "[{PARENT}]" {
				t.Fatalf("payload %+v", p)
			}
			sub := viewCustomer(t, s, admin, a.ID).Subscriptions.Edges[0].Node
			if sub.Status != "SUSPENDED" || fmt.Sprint(sub.Suspensions) != "[{PARENT}]" {
				t.Fatalf("subscription %+v", sub)
			}
			// Leaving the suspended reseller lifts PARENT.
			p = move(t, s, admin, map[string]any{"newOwnerId": w.AdminID, "items": []any{item(a.ID, "servicePlanId", "")}})
			if !p.Committed || p.Customers[0].Status != "ACTIVE" || len(p.Customers[0].Suspensions) != 0 {
				t.Fatalf("payload %+v", p)
			}
			if sub := viewCustomer(t, s, admin, a.ID).Subscriptions.Edges[0].Node; sub.Status != "ACTIVE" || len(sub.Suspensions) != 0 {
				t.Fatalf("subscription %+v", sub)
			}
			// A customer R1 suspended keeps that source when it leaves R1.
			c2 := w.Customers[2]
			runBulk(t, s, r1.Token, suspendMutation, map[string]any{"ids": []string{c2.ID}})
			p = move(t, s, admin, map[string]any{"newOwnerId": w.AdminID, "items": []any{item(c2.ID, "servicePlanId", "")}})
			if !p.Committed || p.Customers[0].Status != "SUSPENDED" || fmt.Sprint(p.Customers[0].Suspensions) != "[{RESELLER}]" {
				t.Fatalf("payload %+v", p)
			}
			if sub := viewCustomer(t, s, admin, c2.ID).Subscriptions.Edges[0].Node; sub.Status != "SUSPENDED" {
				t.Fatalf("subscription of a suspended customer active: %+v", sub)
			}
		})

		t.Run("admin only; more than 10000 items is BAD_USER_INPUT", func(t *testing.T) {
			r := s.Do(r1.Token, moveMutation, map[string]any{"in": map[string]any{"newOwnerId": r1.ID,
				"items": []any{item(w.Customers[0].ID, "servicePlanId", "")}}})
			if r.Code() != "FORBIDDEN" {
				t.Fatalf("reseller: %+v", r.Errors)
			}
			items := make([]any, 10001)
			for i := range items {
				items[i] = item(strconv.Itoa(i+1), "servicePlanId", "")
			}
			r = s.Do(admin, moveMutation, map[string]any{"in": map[string]any{"newOwnerId": r1.ID, "items": items}})
			if r.Code() != "BAD_USER_INPUT" {
				t.Fatalf("10001 items: %+v", r.Errors)
			}
		})
	})
}

// TestMoveCustomersStatementsConstant fails when moving customers issues
// statements per item: 10 and 1,000 customers cost the same.
func TestMoveCustomersStatementsConstant(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d string) {
		s := apitest.New(t, d)
		admin := s.AdminToken()
		ctx := privacy.DecisionContext(context.Background(), privacy.Allow)
		res := s.Create(admin, "createReseller", "reseller", map[string]any{
			"login": "target", "password": "reseller-pass-1", "name": "Target", "email": "t@example.com",
			"limits": map[string]any{"customers": 5000, "diskSpaceMb": 10000000},
		})
		plan := s.Create(admin, "createServicePlan", "servicePlan", map[string]any{
			"name": "Target plan", "ownerId": res, "limits": map[string]any{"diskSpaceMb": 100}, "permissions": []string{"MANAGE_DNS"},
		})
		mk := func(prefix string, n int) []any {
			cs, err := s.Client.Customer.MapCreateBulk(make([]int, n), func(c *ent.CustomerCreate, i int) {
				c.SetLogin(fmt.Sprintf("%s%d", prefix, i)).SetName("n").SetEmail("e@example.com")
			}).Save(ctx)
			if err != nil {
				t.Fatal(err)
			}
			// Two subscriptions each.
			subs, err := s.Client.HostingSubscription.MapCreateBulk(make([]int, 2*n), func(c *ent.HostingSubscriptionCreate, i int) {
				c.SetName(fmt.Sprintf("%s%d.example", prefix, i)).SetCustomerID(cs[i/2].ID).SetLimitDiskSpaceMB(50)
			}).Save(ctx)
			if err != nil || len(subs) != 2*n {
				t.Fatal(err)
			}
			items := make([]any, n)
			for i, c := range cs {
				p := ""
				if i%2 == 0 {
					p = plan
				}
				items[i] = item(strconv.Itoa(c.ID), "servicePlanId", p)
			}
			return items
		}
		small, large := mk("s", 10), mk("l", 1000)
		count := func(items []any) int64 {
			before := s.Statements.Load()
			p := moveWith(t, s, admin, moveLean, map[string]any{"newOwnerId": res, "items": items})
			if !p.Committed || len(p.Customers) != len(items) {
				t.Fatalf("payload committed=%v customers=%d errors=%+v", p.Committed, len(p.Customers), p.UserErrors)
			}
			return s.Statements.Load() - before
		}
		a, b := count(small), count(large)
		t.Logf("%s: %d statements for 10 customers, %d for 1000", d, a, b)
		if a != b {
			t.Fatalf("move statements grow with items: %d for 10, %d for 1000", a, b)
		}
		// The plan's values reached the subscriptions of the planned half.
		var out struct {
			Node struct {
				Subscriptions struct {
					Edges []struct{ Node subView }
				}
			}
		}
		s.Must(admin, `query($id:ID!){node(id:$id){... on Customer{subscriptions{edges{node{`+subFields+`}}}}}}`,
			map[string]any{"id": large[0].(map[string]any)["customerId"]}, &out)
		for _, e := range out.Node.Subscriptions.Edges {
			if e.Node.PlanSync != "SYNCED" || !eqInt(e.Node.Limits.DiskSpaceMb, intp(100)) || fmt.Sprint(e.Node.Permissions) != "[MANAGE_DNS]" {
				t.Fatalf("subscription %+v", e.Node)
			}
		}
	})
}

// auditScopes returns the sorted IDs of the resellers that may read ev.
func auditScopes(t *testing.T, ev *ent.AuditEvent) []int {
	t.Helper()
	if ev == nil {
		return nil
	}
	ids, err := ev.QueryScopes().Select(auditscope.FieldResellerID).Ints(privacy.DecisionContext(context.Background(), privacy.Allow))
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(ids)
	return ids
}
