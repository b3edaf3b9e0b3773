package graph_test

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"testing"

	"github.com/hostpanel/panel/ent"
	"github.com/hostpanel/panel/ent/auditevent"
	"github.com/hostpanel/panel/ent/description"
	"github.com/hostpanel/panel/ent/privacy"
	"github.com/hostpanel/panel/internal/apitest"
	"github.com/hostpanel/panel/internal/dbtest"
)

const convertMutation = `mutation($in:ConvertCustomersToResellersInput!){convertCustomersToResellers(input:$in){
  converted{customerId reseller{id login name email company externalId status suspensions{source reason}
    plan{id} limits{customers subscriptions diskSpaceMb trafficMbPerMonth domains mailboxes databases}
    permissions applications oversell}}
  committed userErrors{code field message}}}`

type resellerView struct {
	ID, Login, Name, Email string
	Company, ExternalID    *string
	Status                 string
	Suspensions            []struct{ Source, Reason string }
	Plan                   *struct{ ID string }
	Limits                 struct {
		Customers, Subscriptions, DiskSpaceMb, TrafficMbPerMonth, Domains, Mailboxes, Databases *int
	}
	Permissions, Applications []string
	Oversell                  bool
}

type convertPayload struct {
	Converted []struct {
		CustomerID string
		Reseller   resellerView
	}
	Committed  bool
	UserErrors []struct {
		Code    string
		Field   []string
		Message string
	}
}

func convert(t *testing.T, s *apitest.Server, token string, in map[string]any) convertPayload {
	t.Helper()
	var out struct{ ConvertCustomersToResellers convertPayload }
	s.Must(token, convertMutation, map[string]any{"in": in}, &out)
	return out.ConvertCustomersToResellers
}

func nodeExists(t *testing.T, s *apitest.Server, token, id string) bool {
	t.Helper()
	var out struct{ Node *struct{ ID string } }
	s.Must(token, `query($id:ID!){node(id:$id){id}}`, map[string]any{"id": id}, &out)
	return out.Node != nil
}

func TestConvertCustomersToResellers(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d string) {
		s := apitest.New(t, d)
		w := s.BuildWorld()
		admin := w.AdminToken
		r1 := w.Resellers[0]
		sys := privacy.DecisionContext(context.Background(), privacy.Allow)

		t.Run("Custom: sums with unlimited winning, unions; login, subscriptions, panel users, descriptions follow", func(t *testing.T) {
			c1 := w.Customers[1] // R1's, with a subscription on R1's plan, a panel user and R1's note
			s.Create(admin, "createSubscription", "subscription", map[string]any{
				"subscriberId": c1.ID, "domain": "extra1.example",
				"limits":      map[string]any{"diskSpaceMb": 200, "domains": 3, "mailboxes": 5, "databases": 1},
				"permissions": []string{"SSH_ACCESS", "MANAGE_DNS"}, "applications": []string{"joomla", "wordpress"},
			})
			s.Create(admin, "createSubscription", "subscription", map[string]any{
				"subscriberId": c1.ID, "domain": "extra2.example",
				"limits":       map[string]any{"diskSpaceMb": 300, "trafficMbPerMonth": 100, "domains": 1, "mailboxes": 1, "databases": 1},
				"applications": []string{"wordpress"},
			})
			// Traffic: 10,000 + unlimited + 100 = unlimited.
			p := convert(t, s, admin, map[string]any{"items": []any{item(c1.ID, "resellerPlanId", "")}})
			if !p.Committed || len(p.UserErrors) != 0 || len(p.Converted) != 1 || p.Converted[0].CustomerID != c1.ID {
				t.Fatalf("payload %+v", p)
			}
			r := p.Converted[0].Reseller
			l := r.Limits
			if r.Login != c1.Login || r.Name != "Customer 1" || r.Email != "c1@example.com" || r.Company == nil ||
				*r.Company != "Company 1" || r.Plan != nil || r.Oversell || r.Status != "ACTIVE" {
				t.Fatalf("reseller %+v", r)
			}
			if l.Customers != nil || !eqInt(l.DiskSpaceMb, intp(1500)) || l.TrafficMbPerMonth != nil ||
				!eqInt(l.Domains, intp(9)) || !eqInt(l.Mailboxes, intp(16)) || !eqInt(l.Databases, intp(4)) {
				t.Fatalf("limits %s", js(l))
			}
			if fmt.Sprint(r.Permissions) != "[MANAGE_DNS SSH_ACCESS]" || fmt.Sprint(r.Applications) != "[joomla wordpress]" {
				t.Fatalf("permissions %v applications %v", r.Permissions, r.Applications)
			}
			if r.ID == c1.ID || nodeExists(t, s, admin, c1.ID) {
				t.Fatal("the old customer ID still resolves")
			}
			var typ struct {
				Node struct {
					Typename string `json:"__typename"`
				}
			}
			s.Must(admin, `query($id:ID!){node(id:$id){__typename}}`, map[string]any{"id": r.ID}, &typ)
			if typ.Node.Typename != "Reseller" {
				t.Fatalf("new ID is a %q", typ.Node.Typename)
			}
			// The old owner lost it.
			if customerIDs(t, s, r1.Token)[c1.ID] || nodeExists(t, s, r1.Token, w.Subscriptions[1]) {
				t.Fatal("old reseller still reaches the converted customer")
			}
			// The old session ended; the login now signs in as RESELLER and
			// sees its own subscriptions, plans and values unchanged.
			if res := s.Do(c1.Token, `{viewer{role}}`, nil); res.Code() != "UNAUTHENTICATED" {
				t.Fatalf("old customer session still works: %s", res.Data)
			}
			tok := s.Login(c1.Login, c1.Password)
			var v struct {
				Viewer struct {
					Role    string
					Account struct {
						ID            string
						Subscriptions struct {
							TotalCount int
							Edges      []struct{ Node subView }
						}
					}
				}
			}
			s.Must(tok, `{viewer{role account{id ... on Reseller{subscriptions{totalCount edges{node{`+subFields+`}}}}}}}`, nil, &v)
			if v.Viewer.Role != "RESELLER" || v.Viewer.Account.ID != r.ID || v.Viewer.Account.Subscriptions.TotalCount != 3 {
				t.Fatalf("viewer %+v", v.Viewer)
			}
			first := v.Viewer.Account.Subscriptions.Edges[0].Node
			if first.ID != w.Subscriptions[1] || first.PlanSync != "SYNCED" || first.Plan == nil || first.Plan.ID != w.Plans[1] ||
				!eqInt(first.Limits.DiskSpaceMb, intp(1000)) {
				t.Fatalf("subscription %+v", first)
			}
			// The panel user moved along and still works.
			var pu struct {
				Node struct {
					Account struct {
						Typename string `json:"__typename"`
						ID       string
					}
				}
			}
			s.Must(admin, `query($id:ID!){node(id:$id){... on PanelUser{account{__typename id}}}}`,
				map[string]any{"id": w.PanelUsers[1].ID}, &pu)
			if pu.Node.Account.Typename != "Reseller" || pu.Node.Account.ID != r.ID {
				t.Fatalf("panel user's account %+v", pu.Node.Account)
			}
			if res := s.Do(w.PanelUsers[1].Token, `{viewer{role}}`, nil); len(res.Errors) > 0 {
				t.Fatalf("panel user: %+v", res.Errors)
			}
			// The description is kept, now about the reseller.
			n, err := s.Client.Description.Query().Where(description.SubjectResellerID(mustID(t, r.ID)),
				description.Text("note 1")).Count(sys)
			if err != nil || n != 1 {
				t.Fatalf("descriptions kept: %d, %v", n, err)
			}
			ev, err := s.Client.AuditEvent.Query().Where(auditevent.Action("customer.convert")).Only(sys)
			if err != nil || !slices.Contains(auditScopes(t, ev), mustID(t, r1.ID)) {
				t.Fatalf("audit event %+v, %v", ev, err)
			}
		})

		t.Run("plan: its values apply; LIMIT_EXCEEDED when the subscriptions do not fit", func(t *testing.T) {
			small := s.Create(admin, "createResellerPlan", "resellerPlan", map[string]any{
				"name": "Tiny", "limits": map[string]any{"diskSpaceMb": 500},
			})
			c2 := w.Customers[2] // one subscription of 1,000 MB
			p := convert(t, s, admin, map[string]any{"items": []any{item(c2.ID, "resellerPlanId", small)}})
			if p.Committed || len(p.UserErrors) != 1 || p.UserErrors[0].Code != "LIMIT_EXCEEDED" ||
				fmt.Sprint(p.UserErrors[0].Field) != "[items 0 resellerPlanId]" || len(p.Converted) != 0 {
				t.Fatalf("payload %+v", p)
			}
			if !nodeExists(t, s, admin, c2.ID) {
				t.Fatal("failed conversion removed the customer")
			}
			p = convert(t, s, admin, map[string]any{"items": []any{item(c2.ID, "resellerPlanId", w.ResellerPlan)}})
			if !p.Committed || len(p.Converted) != 1 {
				t.Fatalf("payload %+v", p)
			}
			r := p.Converted[0].Reseller
			if r.Plan == nil || r.Plan.ID != w.ResellerPlan || !eqInt(r.Limits.Customers, intp(10)) ||
				!eqInt(r.Limits.Subscriptions, intp(20)) || !eqInt(r.Limits.DiskSpaceMb, intp(100000)) ||
				fmt.Sprint(r.Permissions) != "[MANAGE_DNS]" {
				t.Fatalf("reseller %+v", r)
			}
		})

		t.Run("missing and foreign IDs, ATOMIC and PARTIAL, dry run, repeats once", func(t *testing.T) {
			c3, c4 := w.Customers[3], w.Customers[4]
			in := map[string]any{"items": []any{item(c3.ID, "resellerPlanId", ""), item("999999999", "resellerPlanId", ""),
				item(r1.ID, "resellerPlanId", ""), item(c3.ID, "resellerPlanId", ""), item(c4.ID, "resellerPlanId", w.Plans[0])}}
			p := convert(t, s, admin, in)
			if p.Committed || len(p.UserErrors) != 3 || len(p.Converted) != 0 {
				t.Fatalf("ATOMIC payload %+v", p)
			}
			want := []string{"[items 1 customerId]", "[items 2 customerId]", "[items 4 resellerPlanId]"}
			for i, ue := range p.UserErrors {
				if ue.Code != "NOT_FOUND" || fmt.Sprint(ue.Field) != want[i] {
					t.Fatalf("user error %d: %+v", i, ue)
				}
			}
			in["mode"], in["dryRun"] = "PARTIAL", true
			p = convert(t, s, admin, in)
			if p.Committed || len(p.UserErrors) != 3 || len(p.Converted) != 1 || p.Converted[0].Reseller.Login != c3.Login {
				t.Fatalf("PARTIAL dry run payload %+v", p)
			}
			if !nodeExists(t, s, admin, c3.ID) {
				t.Fatal("dry run converted the customer")
			}
			in["dryRun"] = false
			p = convert(t, s, admin, in)
			if !p.Committed || len(p.Converted) != 1 || nodeExists(t, s, admin, c3.ID) || !nodeExists(t, s, admin, c4.ID) {
				t.Fatalf("PARTIAL payload %+v", p)
			}
		})

		t.Run("a suspended customer stays suspended; the RESELLER source becomes ADMIN", func(t *testing.T) {
			c0 := s.Create(r1.Token, "createCustomer", "customer", map[string]any{
				"login": "suspended1", "password": "customer-pass-1", "name": "S", "email": "s@example.com"})
			s.Must(r1.Token, suspendMutation, map[string]any{"in": map[string]any{"ids": []string{c0}, "reason": "unpaid"}}, nil)
			p := convert(t, s, admin, map[string]any{"items": []any{item(c0, "resellerPlanId", "")}})
			if !p.Committed || len(p.Converted) != 1 {
				t.Fatalf("payload %+v", p)
			}
			r := p.Converted[0].Reseller
			if r.Status != "SUSPENDED" || len(r.Suspensions) != 1 || r.Suspensions[0].Source != "ADMIN" || r.Suspensions[0].Reason != "unpaid" {
				t.Fatalf("reseller %+v", r)
			}
		})

		t.Run("admin only; more than 10000 items is BAD_USER_INPUT", func(t *testing.T) {
			if r := s.Do(r1.Token, convertMutation, map[string]any{"in": map[string]any{
				"items": []any{item(w.Customers[0].ID, "resellerPlanId", "")}}}); r.Code() != "FORBIDDEN" {
				t.Fatalf("reseller: %+v", r.Errors)
			}
			items := make([]any, 10001)
			for i := range items {
				items[i] = item(strconv.Itoa(i+1), "resellerPlanId", "")
			}
			if r := s.Do(admin, convertMutation, map[string]any{"in": map[string]any{"items": items}}); r.Code() != "BAD_USER_INPUT" {
				t.Fatalf("10001 items: %+v", r.Errors)
			}
		})
	})
}

// TestConvertStatementsConstant fails when converting customers issues
// statements per item: 10 and 500 customers cost the same (500, not 1,000:
// the audit event names both the customer and the new reseller IDs, and
// 1,000 of each would take a second chunk of audit targets), and each new
// reseller carries its own customer's login and subscriptions.
func TestConvertStatementsConstant(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d string) {
		s := apitest.New(t, d)
		admin := s.AdminToken()
		ctx := privacy.DecisionContext(context.Background(), privacy.Allow)
		mk := func(prefix string, n int) ([]any, []string) {
			creds, err := s.Client.Credential.MapCreateBulk(make([]int, n), func(c *ent.CredentialCreate, i int) {
				c.SetLogin(fmt.Sprintf("%s%d", prefix, i)).SetPasswordHash("x")
			}).Save(ctx)
			if err != nil {
				t.Fatal(err)
			}
			cs, err := s.Client.Customer.MapCreateBulk(creds, func(c *ent.CustomerCreate, i int) {
				c.SetLogin(creds[i].Login).SetName("n").SetEmail("e@example.com").SetCredential(creds[i])
			}).Save(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := s.Client.HostingSubscription.MapCreateBulk(cs, func(c *ent.HostingSubscriptionCreate, i int) {
				c.SetName(fmt.Sprintf("%s%d.example", prefix, i)).SetCustomerID(cs[i].ID).SetLimitDiskSpaceMB(int64(i + 1))
			}).Save(ctx); err != nil {
				t.Fatal(err)
			}
			items := make([]any, n)
			logins := make([]string, n)
			for i, c := range cs {
				items[i] = item(strconv.Itoa(c.ID), "resellerPlanId", "")
				logins[i] = c.Login
			}
			return items, logins
		}
		count := func(items []any, logins []string) int64 {
			before := s.Statements.Load()
			p := convert(t, s, admin, map[string]any{"items": items})
			n := s.Statements.Load() - before
			if !p.Committed || len(p.Converted) != len(items) {
				t.Fatalf("payload committed=%v converted=%d errors=%+v", p.Committed, len(p.Converted), p.UserErrors)
			}
			for i, c := range p.Converted {
				// Subscription i has i+1 MB: the sum proves the mapping.
				if c.Reseller.Login != logins[i] || !eqInt(c.Reseller.Limits.DiskSpaceMb, intp(i+1)) {
					t.Fatalf("item %d: reseller %+v", i, c.Reseller)
				}
			}
			return n
		}
		a := count(mk("s", 10))
		b := count(mk("l", 500))
		t.Logf("%s: %d statements for 10 customers, %d for 500", d, a, b)
		if a != b {
			t.Fatalf("convert statements grow with items: %d for 10, %d for 500", a, b)
		}
		var out struct {
			Resellers struct{ TotalCount int }
		}
		s.Must(admin, `{resellers{totalCount}}`, nil, &out)
		if out.Resellers.TotalCount != 510 {
			t.Fatalf("%d resellers, want 510", out.Resellers.TotalCount)
		}
	})
}
