package graph_test

// Deleting customers and resellers (SPEC 3.7, 3.8; API 2): cascade counts and
// domain names, dry run equal to the real run, scope, bulk modes, role
// directives, tokens and logins of deleted principals, MOVE_TO_ADMINISTRATOR,
// no orphan rows in any table, audit events surviving, and statement counts
// that do not grow with the number of customers.

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
	"github.com/hostpanel/panel/ent/audittarget"
	"github.com/hostpanel/panel/ent/credential"
	"github.com/hostpanel/panel/ent/customer"
	"github.com/hostpanel/panel/ent/description"
	"github.com/hostpanel/panel/ent/domain"
	"github.com/hostpanel/panel/ent/hostingsubscription"
	"github.com/hostpanel/panel/ent/paneluser"
	"github.com/hostpanel/panel/ent/privacy"
	"github.com/hostpanel/panel/ent/reseller"
	"github.com/hostpanel/panel/ent/serviceplan"
	"github.com/hostpanel/panel/ent/session"
	"github.com/hostpanel/panel/internal/apitest"
	"github.com/hostpanel/panel/internal/dbtest"
	"github.com/hostpanel/panel/internal/types"
)

const delCustomersMutation = `mutation($in:DeleteCustomersInput!){deleteCustomers(input:$in){
  deletedCustomerIds deleted{customers subscriptions domains panelUsers domainNames} committed userErrors{code field}}}`
const delResellersMutation = `mutation($in:DeleteResellersInput!){deleteResellers(input:$in){
  deletedResellerIds deleted{customers subscriptions domains panelUsers domainNames} movedCustomers committed userErrors{code field}}}`

type delSummary struct {
	Customers, Subscriptions, Domains, PanelUsers int
	DomainNames                                   []string
}

type delPayload struct {
	DeletedCustomerIds []string
	DeletedResellerIds []string
	Deleted            delSummary
	MovedCustomers     int
	Committed          bool
	UserErrors         []struct {
		Code  string
		Field []string
	}
	// Raw is the payload's JSON without committed, to compare a dry run
	// with the real run.
	Raw string
}

func delRun(t *testing.T, s *apitest.Server, token, mutation string, in map[string]any) delPayload {
	t.Helper()
	var out map[string]map[string]json.RawMessage
	s.Must(token, mutation, map[string]any{"in": in}, &out)
	for _, raw := range out {
		var p delPayload
		b, _ := json.Marshal(raw)
		if err := json.Unmarshal(b, &p); err != nil {
			t.Fatal(err)
		}
		delete(raw, "committed")
		b, _ = json.Marshal(raw)
		p.Raw = string(b)
		return p
	}
	t.Fatal("no payload")
	return delPayload{}
}

func delSys() context.Context { return privacy.DecisionContext(context.Background(), privacy.Allow) }

// delCounts counts the rows of every table.
func delCounts(t *testing.T, s *apitest.Server) map[string]int {
	t.Helper()
	ctx, c := delSys(), s.Client
	m := map[string]int{}
	var err error
	for name, f := range map[string]func() (int, error){
		"administrators": func() (int, error) { return c.Administrator.Query().Count(ctx) },
		"resellers":      func() (int, error) { return c.Reseller.Query().Count(ctx) },
		"customers":      func() (int, error) { return c.Customer.Query().Count(ctx) },
		"subscriptions":  func() (int, error) { return c.HostingSubscription.Query().Count(ctx) },
		"domains":        func() (int, error) { return c.Domain.Query().Count(ctx) },
		"panelUsers":     func() (int, error) { return c.PanelUser.Query().Count(ctx) },
		"descriptions":   func() (int, error) { return c.Description.Query().Count(ctx) },
		"credentials":    func() (int, error) { return c.Credential.Query().Count(ctx) },
		"sessions":       func() (int, error) { return c.Session.Query().Count(ctx) },
		"servicePlans":   func() (int, error) { return c.ServicePlan.Query().Count(ctx) },
		"resellerPlans":  func() (int, error) { return c.ResellerPlan.Query().Count(ctx) },
		"auditEvents":    func() (int, error) { return c.AuditEvent.Query().Count(ctx) },
		"auditTargets":   func() (int, error) { return c.AuditTarget.Query().Count(ctx) },
	} {
		if m[name], err = f(); err != nil {
			t.Fatal(err)
		}
	}
	return m
}

// delExpectDelta checks after-before for the tables named in want (every
// other table except the audit log and sessions must be unchanged).
func delExpectDelta(t *testing.T, before, after map[string]int, want map[string]int) {
	t.Helper()
	for name, b := range before {
		d := after[name] - b
		w, ok := want[name]
		if !ok && (name == "auditEvents" || name == "auditTargets" || name == "sessions") {
			continue
		}
		if d != w {
			t.Errorf("table %s: %d -> %d (delta %d), want delta %d", name, b, after[name], d, w)
		}
	}
}

// delNoOrphans fails if any row lost the row it belongs to: a credential
// without its account, a subscription or panel user without customer or
// reseller, a domain without subscription, a session without credential, a
// description without customer, a plan without its reseller.
func delNoOrphans(t *testing.T, s *apitest.Server) {
	t.Helper()
	ctx, c := delSys(), s.Client
	checks := map[string]func() (int, error){
		"credentials without account": func() (int, error) {
			return c.Credential.Query().Where(credential.Not(credential.Or(credential.HasAdministrator(),
				credential.HasReseller(), credential.HasCustomer(), credential.HasPanelUser()))).Count(ctx)
		},
		"sessions without credential": func() (int, error) {
			return c.Session.Query().Where(session.Not(session.HasCredential())).Count(ctx)
		},
		"subscriptions without subscriber": func() (int, error) {
			return c.HostingSubscription.Query().Where(hostingsubscription.Not(hostingsubscription.Or(
				hostingsubscription.HasCustomer(), hostingsubscription.HasReseller()))).Count(ctx)
		},
		"subscriptions with a missing plan": func() (int, error) {
			return c.HostingSubscription.Query().Where(hostingsubscription.ServicePlanIDNotNil(),
				hostingsubscription.Not(hostingsubscription.HasPlan())).Count(ctx)
		},
		"domains without subscription": func() (int, error) {
			return c.Domain.Query().Where(domain.Not(domain.HasSubscription())).Count(ctx)
		},
		"panel users without account": func() (int, error) {
			return c.PanelUser.Query().Where(paneluser.Not(paneluser.Or(paneluser.HasCustomer(), paneluser.HasReseller()))).Count(ctx)
		},
		"panel users without credential": func() (int, error) {
			return c.PanelUser.Query().Where(paneluser.Not(paneluser.HasCredential())).Count(ctx)
		},
		"customers without credential": func() (int, error) {
			return c.Customer.Query().Where(customer.Not(customer.HasCredential())).Count(ctx)
		},
		"customers with a missing reseller": func() (int, error) {
			return c.Customer.Query().Where(customer.ResellerIDNotNil(), customer.Not(customer.HasReseller())).Count(ctx)
		},
		"descriptions without customer": func() (int, error) {
			return c.Description.Query().Where(description.Not(description.HasCustomer())).Count(ctx)
		},
		"descriptions with a missing author": func() (int, error) {
			return c.Description.Query().Where(description.ResellerIDNotNil(), description.Not(description.HasReseller())).Count(ctx)
		},
		"plans with a missing reseller": func() (int, error) {
			return c.ServicePlan.Query().Where(serviceplan.ResellerIDNotNil(), serviceplan.Not(serviceplan.HasReseller())).Count(ctx)
		},
		"audit targets without event": func() (int, error) {
			return c.AuditTarget.Query().Where(audittarget.Not(audittarget.HasEvent())).Count(ctx)
		},
	}
	for what, f := range checks {
		n, err := f()
		if err != nil {
			t.Fatal(err)
		}
		if n != 0 {
			t.Errorf("%d %s", n, what)
		}
	}
}

// delAuditEvent fails unless an event of action survives with every target.
func delAuditEvent(t *testing.T, s *apitest.Server, action string, targets ...string) {
	t.Helper()
	evs, err := s.Client.AuditEvent.Query().Where(auditevent.Action(action)).WithTargets().All(delSys())
	if err != nil {
		t.Fatal(err)
	}
	for _, ev := range evs {
		var got []string
		for _, tg := range ev.Edges.Targets {
			got = append(got, tg.TargetID)
		}
		all := true
		for _, w := range targets {
			all = all && slices.Contains(got, w)
		}
		if all {
			return
		}
	}
	t.Errorf("no %s audit event with targets %v (events: %d)", action, targets, len(evs))
}

// delGone fails unless the principal's token is refused and its login fails.
func delGone(t *testing.T, s *apitest.Server, a apitest.Account) {
	t.Helper()
	if r := s.Do(a.Token, `{viewer{role}}`, nil); r.Code() != "UNAUTHENTICATED" {
		t.Errorf("%s: token of a deleted principal: %s %+v", a.Login, r.Data, r.Errors)
	}
	var lo struct{ Login struct{ Token *string } }
	s.Must("", `mutation($l:String!,$p:String!){login(input:{login:$l,password:$p}){token}}`,
		map[string]any{"l": a.Login, "p": a.Password}, &lo)
	if lo.Login.Token != nil {
		t.Errorf("%s: a deleted principal could log in", a.Login)
	}
}

func delNodeNull(t *testing.T, s *apitest.Server, token, id string) bool {
	t.Helper()
	var out struct{ Node *struct{ ID string } }
	s.Must(token, `query($id:ID!){node(id:$id){id}}`, map[string]any{"id": id}, &out)
	return out.Node == nil
}

func TestDeleteCustomers(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d string) {
		s := apitest.New(t, d)
		w := s.BuildWorld()
		admin, r1, r2 := w.AdminToken, w.Resellers[0].Token, w.Resellers[1].Token
		c := w.Customers
		// A second subscription for the admin's customer, so a customer's
		// cascade spans several subscriptions.
		s.Create(admin, "createSubscription", "subscription", map[string]any{
			"subscriberId": c[0].ID, "domain": "a-extra.example", "limits": map[string]any{"diskSpaceMb": 10},
		})

		t.Run("customers and panel users are FORBIDDEN", func(t *testing.T) {
			before := delCounts(t, s)
			for _, tok := range []string{c[1].Token, w.PanelUsers[1].Token} {
				r := s.Do(tok, delCustomersMutation, map[string]any{"in": map[string]any{"ids": []string{c[1].ID}}})
				if r.Code() != "FORBIDDEN" {
					t.Fatalf("got %s %+v", r.Data, r.Errors)
				}
			}
			delExpectDelta(t, before, delCounts(t, s), map[string]int{})
		})

		t.Run("reseller deleting a foreign customer: NOT_FOUND, nothing changes", func(t *testing.T) {
			before := delCounts(t, s)
			for _, dry := range []bool{true, false} {
				p := delRun(t, s, r1, delCustomersMutation, map[string]any{"ids": []string{c[3].ID}, "dryRun": dry})
				if p.Committed || len(p.UserErrors) != 1 || p.UserErrors[0].Code != "NOT_FOUND" ||
					fmt.Sprint(p.UserErrors[0].Field) != "[ids 0]" || len(p.DeletedCustomerIds) != 0 ||
					p.Deleted.Customers != 0 || len(p.Deleted.DomainNames) != 0 {
					t.Fatalf("payload %+v", p)
				}
			}
			delExpectDelta(t, before, delCounts(t, s), map[string]int{"auditEvents": 0, "sessions": 0})
			if delNodeNull(t, s, admin, c[3].ID) {
				t.Fatal("foreign customer gone")
			}
		})

		t.Run("dry run returns exactly what the real run does and changes nothing", func(t *testing.T) {
			before := delCounts(t, s)
			in := map[string]any{"ids": []string{c[1].ID, c[1].ID}, "dryRun": true}
			dry := delRun(t, s, r1, delCustomersMutation, in)
			if dry.Committed {
				t.Fatal("dry run committed")
			}
			delExpectDelta(t, before, delCounts(t, s), map[string]int{"auditEvents": 0, "sessions": 0})
			if r := s.Do(c[1].Token, `{viewer{role}}`, nil); len(r.Errors) > 0 {
				t.Fatalf("dry run ended the customer's session: %+v", r.Errors)
			}
			in["dryRun"] = false
			real := delRun(t, s, r1, delCustomersMutation, in)
			if !real.Committed || real.Raw != dry.Raw {
				t.Fatalf("real run %s (committed %v), dry run %s", real.Raw, real.Committed, dry.Raw)
			}
			want := delSummary{1, 1, 2, 1, []string{"site1.example", "www1.example"}}
			if fmt.Sprint(real.Deleted) != fmt.Sprint(want) || fmt.Sprint(real.DeletedCustomerIds) != fmt.Sprint([]string{c[1].ID}) {
				t.Fatalf("payload %+v, want %+v", real, want)
			}
			delExpectDelta(t, before, delCounts(t, s), map[string]int{
				"customers": -1, "subscriptions": -1, "domains": -2, "panelUsers": -1, "descriptions": -1,
				"credentials": -2, "auditEvents": 1, "auditTargets": 1,
			})
			delGone(t, s, c[1])
			delGone(t, s, w.PanelUsers[1])
			if !delNodeNull(t, s, admin, c[1].ID) || !delNodeNull(t, s, admin, w.Subscriptions[1]) {
				t.Fatal("deleted customer or subscription still resolves")
			}
			// The reseller's own account and its other customer are untouched.
			if delNodeNull(t, s, r1, c[2].ID) {
				t.Fatal("reseller's other customer gone")
			}
			delAuditEvent(t, s, "customer.delete", c[1].ID)
			delNoOrphans(t, s)
		})

		t.Run("ATOMIC changes nothing, PARTIAL deletes only the valid", func(t *testing.T) {
			in := map[string]any{"ids": []string{c[3].ID, c[2].ID, "999999999"}}
			before := delCounts(t, s)
			p := delRun(t, s, r2, delCustomersMutation, in)
			if p.Committed || len(p.UserErrors) != 2 || len(p.DeletedCustomerIds) != 0 {
				t.Fatalf("ATOMIC payload %+v", p)
			}
			delExpectDelta(t, before, delCounts(t, s), map[string]int{"auditEvents": 0, "sessions": 0})
			in["mode"] = "PARTIAL"
			p = delRun(t, s, r2, delCustomersMutation, in)
			if !p.Committed || len(p.UserErrors) != 2 || fmt.Sprint(p.DeletedCustomerIds) != fmt.Sprint([]string{c[3].ID}) ||
				fmt.Sprint(p.Deleted) != fmt.Sprint(delSummary{1, 1, 2, 1, []string{"site3.example", "www3.example"}}) {
				t.Fatalf("PARTIAL payload %+v", p)
			}
			for i, ue := range p.UserErrors {
				if ue.Code != "NOT_FOUND" || fmt.Sprint(ue.Field) != fmt.Sprintf("[ids %d]", i+1) {
					t.Fatalf("user error %d: %+v", i, ue)
				}
			}
			delExpectDelta(t, before, delCounts(t, s), map[string]int{
				"customers": -1, "subscriptions": -1, "domains": -2, "panelUsers": -1, "descriptions": -1,
				"credentials": -2, "auditEvents": 1, "auditTargets": 1,
			})
			if delNodeNull(t, s, admin, c[2].ID) {
				t.Fatal("the foreign customer of a PARTIAL request was deleted")
			}
			delGone(t, s, c[3])
		})

		t.Run("admin deletes across owners: counts and sorted names", func(t *testing.T) {
			before := delCounts(t, s)
			p := delRun(t, s, admin, delCustomersMutation, map[string]any{"ids": []string{c[4].ID, c[0].ID}})
			want := delSummary{2, 3, 5, 2, []string{"a-extra.example", "site0.example", "site4.example", "www0.example", "www4.example"}}
			if !p.Committed || fmt.Sprint(p.Deleted) != fmt.Sprint(want) ||
				fmt.Sprint(p.DeletedCustomerIds) != fmt.Sprint([]string{c[4].ID, c[0].ID}) {
				t.Fatalf("payload %+v, want %+v", p, want)
			}
			delExpectDelta(t, before, delCounts(t, s), map[string]int{
				"customers": -2, "subscriptions": -3, "domains": -5, "panelUsers": -2, "descriptions": -2,
				"credentials": -4, "auditEvents": 1, "auditTargets": 2,
			})
			delGone(t, s, c[0])
			delGone(t, s, c[4])
			delAuditEvent(t, s, "customer.delete", c[4].ID, c[0].ID)
			// The reseller whose customer was deleted can read the event.
			n, err := s.Client.AuditEvent.Query().Where(auditevent.Action("customer.delete"),
				auditevent.HasScopesWith(auditscope.ResellerID(scInt(t, w.Resellers[1].ID)))).Count(delSys())
			if err != nil || n != 2 {
				t.Fatalf("events in reseller 2's scope: %d %v, want 2", n, err)
			}
			delNoOrphans(t, s)
		})

		t.Run("more than 10000 ids is BAD_USER_INPUT", func(t *testing.T) {
			ids := make([]string, 10001)
			for i := range ids {
				ids[i] = fmt.Sprint(i + 1)
			}
			if r := s.Do(admin, delCustomersMutation, map[string]any{"in": map[string]any{"ids": ids}}); r.Code() != "BAD_USER_INPUT" {
				t.Fatalf("got %+v", r.Errors)
			}
		})
	})
}

func TestDeleteResellers(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d string) {
		s := apitest.New(t, d)
		w := s.BuildWorld()
		admin := w.AdminToken
		c, r := w.Customers, w.Resellers
		// Each reseller has its own subscription and a panel user.
		var staff []apitest.Account
		for i, res := range r {
			s.Create(admin, "createSubscription", "subscription", map[string]any{
				"subscriberId": res.ID, "domain": fmt.Sprintf("r%down.example", i+1), "limits": map[string]any{"diskSpaceMb": 10},
			})
			pu := apitest.Account{Login: fmt.Sprintf("rstaff%d", i+1), Password: "rstaff-pass-1"}
			pu.ID = s.Create(res.Token, "createPanelUser", "panelUser", map[string]any{
				"login": pu.Login, "password": pu.Password, "name": "R staff", "email": "rs@example.com",
			})
			pu.Token = s.Login(pu.Login, pu.Password)
			staff = append(staff, pu)
		}
		// Reseller 1 is suspended: PARENT on its customers and their
		// subscriptions; customer 2 also has its own ADMIN suspension.
		ctx, now := delSys(), time.Now()
		r1ID := scInt(t, r[0].ID)
		if err := s.Client.Customer.Update().Where(customer.ResellerID(r1ID)).SetSuspendedParentAt(now).
			SetStatus(types.StatusSuspended).Exec(ctx); err != nil {
			t.Fatal(err)
		}
		if err := s.Client.Customer.UpdateOneID(scInt(t, c[2].ID)).SetSuspendedAdminAt(now).Exec(ctx); err != nil {
			t.Fatal(err)
		}
		if err := s.Client.HostingSubscription.Update().Where(hostingsubscription.HasCustomerWith(customer.ResellerID(r1ID))).
			SetSuspendedParentAt(now).SetStatus(types.StatusSuspended).Exec(ctx); err != nil {
			t.Fatal(err)
		}

		t.Run("only the administrator", func(t *testing.T) {
			before := delCounts(t, s)
			for _, tok := range []string{r[0].Token, c[3].Token, w.PanelUsers[3].Token, staff[0].Token} {
				res := s.Do(tok, delResellersMutation, map[string]any{"in": map[string]any{"ids": []string{r[0].ID}, "customers": "DELETE"}})
				if res.Code() != "FORBIDDEN" {
					t.Fatalf("got %s %+v", res.Data, res.Errors)
				}
			}
			delExpectDelta(t, before, delCounts(t, s), map[string]int{})
		})

		t.Run("not a reseller: NOT_FOUND", func(t *testing.T) {
			before := delCounts(t, s)
			p := delRun(t, s, admin, delResellersMutation, map[string]any{"ids": []string{r[0].ID, c[1].ID}, "customers": "DELETE"})
			if p.Committed || len(p.UserErrors) != 1 || p.UserErrors[0].Code != "NOT_FOUND" ||
				fmt.Sprint(p.UserErrors[0].Field) != "[ids 1]" || len(p.DeletedResellerIds) != 0 {
				t.Fatalf("payload %+v", p)
			}
			delExpectDelta(t, before, delCounts(t, s), map[string]int{"auditEvents": 0, "sessions": 0})
		})

		t.Run("MOVE_TO_ADMINISTRATOR", func(t *testing.T) {
			before := delCounts(t, s)
			in := map[string]any{"ids": []string{r[0].ID}, "customers": "MOVE_TO_ADMINISTRATOR", "dryRun": true}
			dry := delRun(t, s, admin, delResellersMutation, in)
			delExpectDelta(t, before, delCounts(t, s), map[string]int{"auditEvents": 0, "sessions": 0})
			in["dryRun"] = false
			p := delRun(t, s, admin, delResellersMutation, in)
			if dry.Committed || !p.Committed || dry.Raw != p.Raw {
				t.Fatalf("real run %s, dry run %s", p.Raw, dry.Raw)
			}
			want := delSummary{0, 1, 1, 1, []string{"r1own.example"}}
			if p.MovedCustomers != 2 || fmt.Sprint(p.Deleted) != fmt.Sprint(want) ||
				fmt.Sprint(p.DeletedResellerIds) != fmt.Sprint([]string{r[0].ID}) {
				t.Fatalf("payload %+v, want %+v", p, want)
			}
			delExpectDelta(t, before, delCounts(t, s), map[string]int{
				"resellers": -1, "subscriptions": -1, "domains": -1, "panelUsers": -1, "servicePlans": -1,
				"credentials": -2, "auditEvents": 1, "auditTargets": 1,
			})
			delGone(t, s, r[0])
			delGone(t, s, staff[0])
			if !delNodeNull(t, s, admin, r[0].ID) || !delNodeNull(t, s, admin, w.Plans[1]) {
				t.Fatal("the reseller or its plan still resolves")
			}
			// The moved customers are the administrator's, visible to it in
			// the list filtered by owner, with Custom subscriptions that keep
			// the plan's values.
			var list struct {
				Customers struct {
					Edges []struct {
						Node struct {
							ID, Status string
							Owner      struct {
								Typename string `json:"__typename"`
							}
							Description  *string
							Descriptions []struct {
								Text   string
								Author struct {
									Typename string `json:"__typename"`
								}
							}
							Subscriptions struct {
								Edges []struct {
									Node struct {
										Plan        *struct{ ID string }
										PlanSync    string
										Status      string
										Suspensions []struct{ Source string }
										Limits      struct{ DiskSpaceMb *int }
									}
								}
							}
						}
					}
				}
			}
			s.Must(admin, `query($o:ID){customers(where:{ownerID:$o}){edges{node{id status owner{__typename} description
			  descriptions{text author{__typename}}
			  subscriptions{edges{node{plan{id} planSync status suspensions{source} limits{diskSpaceMb}}}}}}}}`,
				map[string]any{"o": w.AdminID}, &list)
			got := map[string]int{}
			for i, e := range list.Customers.Edges {
				got[e.Node.ID] = i
			}
			for _, k := range []int{1, 2} {
				i, ok := got[c[k].ID]
				if !ok {
					t.Fatalf("moved customer %d not in the administrator's list: %+v", k, list)
				}
				n := list.Customers.Edges[i].Node
				if n.Owner.Typename != "Administrator" || len(n.Subscriptions.Edges) != 1 {
					t.Fatalf("customer %d: %+v", k, n)
				}
				sub := n.Subscriptions.Edges[0].Node
				if sub.Plan != nil || sub.PlanSync != "CUSTOM" || sub.Limits.DiskSpaceMb == nil || *sub.Limits.DiskSpaceMb != 1000 {
					t.Fatalf("customer %d subscription: %+v", k, sub)
				}
				// The reseller's note stays, for the administrator only.
				if n.Description != nil || len(n.Descriptions) != 1 || n.Descriptions[0].Text != fmt.Sprintf("note %d", k) {
					t.Fatalf("customer %d descriptions: %+v", k, n)
				}
			}
			// PARENT is lifted where no other source remains.
			if n := list.Customers.Edges[got[c[1].ID]].Node; n.Status != "ACTIVE" ||
				n.Subscriptions.Edges[0].Node.Status != "ACTIVE" || len(n.Subscriptions.Edges[0].Node.Suspensions) != 0 {
				t.Fatalf("customer 1 still suspended: %+v", n)
			}
			if n := list.Customers.Edges[got[c[2].ID]].Node; n.Status != "SUSPENDED" ||
				n.Subscriptions.Edges[0].Node.Status != "SUSPENDED" {
				t.Fatalf("customer 2 lost its ADMIN suspension: %+v", n)
			}
			if st := customerState(t, s, admin, c[2].ID); fmt.Sprint(st.Sources) != "[ADMIN]" || fmt.Sprint(st.SubSources) != "[PARENT]" {
				t.Fatalf("customer 2 sources %+v", st)
			}
			// The moved customer keeps its login.
			if res := s.Do(c[1].Token, `{viewer{role}}`, nil); len(res.Errors) > 0 {
				t.Fatalf("moved customer's token: %+v", res.Errors)
			}
			delAuditEvent(t, s, "reseller.delete", r[0].ID)
			delNoOrphans(t, s)
		})

		t.Run("DELETE", func(t *testing.T) {
			// A note reseller 2 wrote on a customer it no longer owns (as
			// after a move) stays, readable by the administrator only.
			old, err := s.Client.Description.Create().SetCustomerID(scInt(t, c[0].ID)).SetSide(types.SideReseller).
				SetResellerID(scInt(t, r[1].ID)).SetText("old note").Save(delSys())
			if err != nil {
				t.Fatal(err)
			}
			before := delCounts(t, s)
			in := map[string]any{"ids": []string{r[1].ID, r[1].ID}, "customers": "DELETE", "dryRun": true}
			dry := delRun(t, s, admin, delResellersMutation, in)
			delExpectDelta(t, before, delCounts(t, s), map[string]int{"auditEvents": 0, "sessions": 0})
			in["dryRun"] = false
			p := delRun(t, s, admin, delResellersMutation, in)
			if dry.Committed || !p.Committed || dry.Raw != p.Raw {
				t.Fatalf("real run %s, dry run %s", p.Raw, dry.Raw)
			}
			want := delSummary{2, 3, 5, 3, []string{"r2own.example", "site3.example", "site4.example", "www3.example", "www4.example"}}
			if p.MovedCustomers != 0 || fmt.Sprint(p.Deleted) != fmt.Sprint(want) {
				t.Fatalf("payload %+v, want %+v", p, want)
			}
			delExpectDelta(t, before, delCounts(t, s), map[string]int{
				"resellers": -1, "customers": -2, "subscriptions": -3, "domains": -5, "panelUsers": -3,
				"servicePlans": -1, "descriptions": -2, "credentials": -6, "auditEvents": 1, "auditTargets": 1,
			})
			for _, a := range []apitest.Account{r[1], staff[1], c[3], c[4], w.PanelUsers[3], w.PanelUsers[4]} {
				delGone(t, s, a)
			}
			if !delNodeNull(t, s, admin, w.Plans[2]) || !delNodeNull(t, s, admin, c[3].ID) {
				t.Fatal("the reseller's plan or customer still resolves")
			}
			if d, err := s.Client.Description.Get(delSys(), old.ID); err != nil || d.Text != "old note" || d.ResellerID != nil {
				t.Fatalf("the reseller's note on a customer that stays: %+v %v", d, err)
			}
			delAuditEvent(t, s, "reseller.delete", r[1].ID)
			delNoOrphans(t, s)
		})
	})
}

// delSeed creates, directly in the database, n customers (of reseller res,
// or the administrator's when res is 0) each with a credential, a session,
// a description, a subscription on plan with two domains, and a panel user
// with a credential.
func delSeed(t *testing.T, s *apitest.Server, prefix string, n, res, plan int) []string {
	t.Helper()
	ctx := delSys()
	cl := s.Client
	cs, err := cl.Customer.MapCreateBulk(make([]int, n), func(c *ent.CustomerCreate, i int) {
		c.SetLogin(fmt.Sprintf("%s-c%d", prefix, i)).SetName("n").SetEmail("e@example.com")
		if res != 0 {
			c.SetResellerID(res)
		}
	}).Save(ctx)
	if err != nil {
		t.Fatal(err)
	}
	creds, err := cl.Credential.MapCreateBulk(cs, func(c *ent.CredentialCreate, i int) {
		c.SetLogin(cs[i].Login).SetPasswordHash("x").SetCustomerID(cs[i].ID)
	}).Save(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := cl.Session.MapCreateBulk(creds, func(c *ent.SessionCreate, i int) {
		c.SetKind(types.SessionLogin).SetTokenHash(fmt.Sprintf("%s-%d", prefix, i)).SetCredentialID(creds[i].ID)
	}).Exec(ctx); err != nil {
		t.Fatal(err)
	}
	side := types.SideAdmin
	if res != 0 {
		side = types.SideReseller
	}
	if err := cl.Description.MapCreateBulk(cs, func(c *ent.DescriptionCreate, i int) {
		c.SetCustomerID(cs[i].ID).SetSide(side).SetText("note")
		if res != 0 {
			c.SetResellerID(res)
		}
	}).Exec(ctx); err != nil {
		t.Fatal(err)
	}
	subs, err := cl.HostingSubscription.MapCreateBulk(cs, func(c *ent.HostingSubscriptionCreate, i int) {
		c.SetName(fmt.Sprintf("%s-%d.example", prefix, i)).SetCustomerID(cs[i].ID).
			SetServicePlanID(plan).SetPlanSync(types.PlanSynced)
	}).Save(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := cl.Domain.MapCreateBulk(make([]int, 2*n), func(c *ent.DomainCreate, i int) {
		sub := subs[i/2]
		if i%2 == 0 {
			c.SetName(sub.Name).SetPrimary(true).SetSubscriptionID(sub.ID)
		} else {
			c.SetName("www." + sub.Name).SetSubscriptionID(sub.ID)
		}
	}).Exec(ctx); err != nil {
		t.Fatal(err)
	}
	pus, err := cl.PanelUser.MapCreateBulk(cs, func(c *ent.PanelUserCreate, i int) {
		c.SetLogin(fmt.Sprintf("%s-p%d", prefix, i)).SetName("p").SetEmail("p@example.com").SetCustomerID(cs[i].ID)
	}).Save(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := cl.Credential.MapCreateBulk(pus, func(c *ent.CredentialCreate, i int) {
		c.SetLogin(pus[i].Login).SetPasswordHash("x").SetPanelUserID(pus[i].ID)
	}).Exec(ctx); err != nil {
		t.Fatal(err)
	}
	ids := make([]string, n)
	for i, c := range cs {
		ids[i] = strconv.Itoa(c.ID)
	}
	return ids
}

// delSeedReseller creates a reseller with a credential, a plan, an own
// subscription and a panel user, and n customers (delSeed) on its plan.
func delSeedReseller(t *testing.T, s *apitest.Server, prefix string, n int) string {
	t.Helper()
	ctx, cl := delSys(), s.Client
	res, err := cl.Reseller.Create().SetLogin(prefix).SetName("r").SetEmail("r@example.com").Save(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := cl.Credential.Create().SetLogin(prefix).SetPasswordHash("x").SetReseller(res).Exec(ctx); err != nil {
		t.Fatal(err)
	}
	plan, err := cl.ServicePlan.Create().SetName("p").SetResellerID(res.ID).Save(ctx)
	if err != nil {
		t.Fatal(err)
	}
	own, err := cl.HostingSubscription.Create().SetName(prefix + "-own.example").SetResellerID(res.ID).Save(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := cl.Domain.Create().SetName(own.Name).SetPrimary(true).SetSubscriptionID(own.ID).Exec(ctx); err != nil {
		t.Fatal(err)
	}
	pu, err := cl.PanelUser.Create().SetLogin(prefix + "-staff").SetName("s").SetEmail("s@example.com").SetResellerID(res.ID).Save(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := cl.Credential.Create().SetLogin(pu.Login).SetPasswordHash("x").SetPanelUserID(pu.ID).Exec(ctx); err != nil {
		t.Fatal(err)
	}
	delSeed(t, s, prefix, n, res.ID, plan.ID)
	return strconv.Itoa(res.ID)
}

// TestDeleteStatementsConstant fails when a deletion issues statements per
// item: 10 and 1,000 customers (each with a subscription, two domains, a
// panel user, credentials, a session and a description) cost the same.
func TestDeleteStatementsConstant(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d string) {
		s := apitest.New(t, d)
		admin := s.AdminToken()
		adminPlan, err := s.Client.ServicePlan.Create().SetName("a").Save(delSys())
		if err != nil {
			t.Fatal(err)
		}
		count := func(mutation string, in map[string]any) (int64, delPayload) {
			before := s.Statements.Load()
			p := delRun(t, s, admin, mutation, in)
			if !p.Committed || len(p.UserErrors) > 0 {
				t.Fatalf("payload %+v", p)
			}
			return s.Statements.Load() - before, p
		}
		check := func(what string, small, large int64) {
			t.Logf("%s %s: %d statements for 10 customers, %d for 1000", d, what, small, large)
			if small != large {
				t.Errorf("%s: statements grow with customers: %d for 10, %d for 1000", what, small, large)
			}
		}

		a, p := count(delCustomersMutation, map[string]any{"ids": delSeed(t, s, "s", 10, 0, adminPlan.ID)})
		b, q := count(delCustomersMutation, map[string]any{"ids": delSeed(t, s, "l", 1000, 0, adminPlan.ID)})
		if p.Deleted.Domains != 20 || q.Deleted.Domains != 2000 || q.Deleted.PanelUsers != 1000 || len(q.Deleted.DomainNames) != 2000 {
			t.Fatalf("summaries %+v / %+v", p.Deleted, q.Deleted)
		}
		check("deleteCustomers", a, b)

		for _, action := range []string{"DELETE", "MOVE_TO_ADMINISTRATOR"} {
			small := delSeedReseller(t, s, "rs"+action[:1], 10)
			large := delSeedReseller(t, s, "rl"+action[:1], 1000)
			a, p := count(delResellersMutation, map[string]any{"ids": []string{small}, "customers": action})
			b, q := count(delResellersMutation, map[string]any{"ids": []string{large}, "customers": action})
			if action == "DELETE" && (q.Deleted.Customers != 1000 || q.Deleted.Domains != 2001 || q.Deleted.PanelUsers != 1001) {
				t.Fatalf("DELETE summary %+v", q.Deleted)
			}
			if action != "DELETE" && (q.MovedCustomers != 1000 || p.MovedCustomers != 10 || q.Deleted.Domains != 1) {
				t.Fatalf("MOVE payloads %+v / %+v", p, q)
			}
			check("deleteResellers "+action, a, b)
		}
		n, err := s.Client.Reseller.Query().Where(reseller.IDNEQ(0)).Count(delSys())
		if err != nil || n != 0 {
			t.Fatalf("resellers left: %d %v", n, err)
		}
		delNoOrphans(t, s)
	})
}
