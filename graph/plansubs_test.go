package graph_test

// Changing and deleting plans, subscriptions and domains (SPEC 3.1, 3.8; API
// section 3): plan updates reach SYNCED subscriptions only, LOCKED/CUSTOM/
// SYNCED transitions, IN_USE, reseller plan propagation, bulk subscription
// deletion, domain rename/removal, reseller limits and scope. Driven over
// HTTP like a client, on every database of dbtest.Each.

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/hostpanel/panel/ent"
	"github.com/hostpanel/panel/ent/auditevent"
	"github.com/hostpanel/panel/ent/hostingsubscription"
	"github.com/hostpanel/panel/ent/privacy"
	"github.com/hostpanel/panel/internal/apitest"
	"github.com/hostpanel/panel/internal/dbtest"
)

func psSys() context.Context { return privacy.DecisionContext(context.Background(), privacy.Allow) }

func psInt(t *testing.T, id string) int {
	t.Helper()
	n, err := strconv.Atoi(id)
	if err != nil {
		t.Fatalf("id %q: %v", id, err)
	}
	return n
}

type psUE struct {
	Code    string
	Message string
	Field   []string
}

// psResult is a mutation's payload.
type psResult struct {
	P      map[string]json.RawMessage
	UEs    []psUE
	Errors []apitest.GQLError
	Resp   *apitest.Response
}

// psMutate runs mutation(input:$in){<sel> userErrors{code message field}}.
func psMutate(t *testing.T, s *apitest.Server, token, mutation, sel string, input map[string]any) psResult {
	t.Helper()
	q := fmt.Sprintf(`mutation($in:%s%sInput!){x:%s(input:$in){%s userErrors{code message field}}}`,
		strings.ToUpper(mutation[:1]), mutation[1:], mutation, sel)
	r := s.Do(token, q, map[string]any{"in": input})
	out := psResult{Resp: r, Errors: r.Errors}
	var data struct{ X map[string]json.RawMessage }
	if len(r.Data) > 0 {
		if err := json.Unmarshal(r.Data, &data); err != nil {
			t.Fatalf("decode %s: %v", r.Data, err)
		}
	}
	out.P = data.X
	if out.P != nil {
		if err := json.Unmarshal(out.P["userErrors"], &out.UEs); err != nil {
			t.Fatalf("userErrors %s: %v", out.P["userErrors"], err)
		}
	}
	return out
}

// ok fails unless the mutation succeeded; it decodes field into obj.
func (r psResult) ok(t *testing.T, what, field string, obj any) {
	t.Helper()
	if len(r.Errors) > 0 || len(r.UEs) > 0 || r.P == nil {
		t.Fatalf("%s: want success, got errors %+v userErrors %+v", what, r.Errors, r.UEs)
	}
	if obj != nil {
		if err := json.Unmarshal(r.P[field], obj); err != nil {
			t.Fatalf("%s: decode %s: %v", what, r.P[field], err)
		}
	}
}

// fails fails unless the mutation gave exactly one user error, code at field.
func (r psResult) fails(t *testing.T, what, code string, field ...string) {
	t.Helper()
	if len(r.Errors) > 0 {
		t.Fatalf("%s: top-level errors %+v, want %s", what, r.Errors, code)
	}
	if len(r.UEs) != 1 || r.UEs[0].Code != code || !reflect.DeepEqual(r.UEs[0].Field, field) || r.UEs[0].Message == "" {
		t.Fatalf("%s: userErrors %+v, want %s at %v", what, r.UEs, code, field)
	}
}

// topLevel fails unless the request failed with a top-level error of code.
func (r psResult) topLevel(t *testing.T, what, code string) {
	t.Helper()
	if r.Resp.Code() != code {
		t.Fatalf("%s: errors %+v, want top-level %s", what, r.Errors, code)
	}
}

const psSubSel = `id planSync plan{id} limits{diskSpaceMb mailboxes domains} permissions applications expiresAt domain{name} domains{id name primary}`

type psSub struct {
	ID       string
	PlanSync string
	Plan     *struct{ ID string }
	Limits   struct{ DiskSpaceMb, Mailboxes, Domains *int }
	Permissions,
	Applications []string
	ExpiresAt *string
	Domain    struct{ Name string }
	Domains   []struct {
		ID, Name string
		Primary  bool
	}
}

func (p psSub) plan() string {
	if p.Plan == nil {
		return ""
	}
	return p.Plan.ID
}

func (p psSub) disk() int {
	if p.Limits.DiskSpaceMb == nil {
		return -1
	}
	return *p.Limits.DiskSpaceMb
}

// psGetSub reads a subscription as the administrator (nil: gone).
func psGetSub(t *testing.T, s *apitest.Server, admin, id string) *psSub {
	t.Helper()
	var out struct{ Node *psSub }
	s.Must(admin, `query($id:ID!){node(id:$id){... on HostingSubscription{`+psSubSel+`}}}`, map[string]any{"id": id}, &out)
	return out.Node
}

// psExists reports whether the administrator can resolve id.
func psExists(t *testing.T, s *apitest.Server, admin, id string) bool {
	t.Helper()
	var out struct{ Node *struct{ ID string } }
	s.Must(admin, `query($id:ID!){node(id:$id){id}}`, map[string]any{"id": id}, &out)
	return out.Node != nil
}

// psAudited fails unless an audit event with action exists targeting id.
func psAudited(t *testing.T, s *apitest.Server, action, id string) {
	t.Helper()
	evs, err := s.Client.AuditEvent.Query().Where(auditevent.Action(action)).WithTargets().All(psSys())
	if err != nil {
		t.Fatal(err)
	}
	for _, ev := range evs {
		for _, tg := range ev.Edges.Targets {
			if tg.TargetID == id {
				return
			}
		}
	}
	t.Fatalf("no audit event %s for %s", action, id)
}

func psLimits(disk, mail int) map[string]any {
	return map[string]any{"diskSpaceMb": disk, "mailboxes": mail, "domains": 5, "trafficMbPerMonth": 10000, "databases": 2}
}

func TestPlanUpdatesAndSync(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d string) {
		s := apitest.New(t, d)
		w := s.BuildWorld()
		admin, r1 := w.AdminToken, w.Resellers[0]
		plan := w.Plans[1]
		synced, locked := w.Subscriptions[1], w.Subscriptions[2]
		custom := s.Create(r1.Token, "createSubscription", "subscription", map[string]any{
			"subscriberId": w.Customers[1].ID, "domain": "custom1.example", "servicePlanId": plan})

		// updateSubscription makes a subscription with a plan LOCKED.
		var sub psSub
		psMutate(t, s, r1.Token, "updateSubscription", "subscription{"+psSubSel+"}", map[string]any{
			"subscriptionId": locked, "limits": psLimits(500, 5)}).ok(t, "updateSubscription", "subscription", &sub)
		if sub.PlanSync != "LOCKED" || sub.disk() != 500 || sub.plan() != plan {
			t.Fatalf("after updateSubscription: %+v, want LOCKED with disk 500 on its plan", sub)
		}
		psAudited(t, s, "subscription.update", locked)
		// changeSubscriptionPlan to Custom keeps the values.
		psMutate(t, s, r1.Token, "changeSubscriptionPlan", "subscription{"+psSubSel+"}", map[string]any{
			"subscriptionId": custom, "servicePlanId": nil}).ok(t, "to Custom", "subscription", &sub)
		if sub.PlanSync != "CUSTOM" || sub.Plan != nil || sub.disk() != 1000 {
			t.Fatalf("after change to Custom: %+v, want CUSTOM without plan, disk 1000 kept", sub)
		}

		// The plan update reaches the SYNCED subscription only.
		var sp struct {
			Name   string
			Limits struct{ DiskSpaceMb int }
		}
		psMutate(t, s, r1.Token, "updateServicePlan", "servicePlan{name limits{diskSpaceMb}}", map[string]any{
			"servicePlanId": plan, "name": "R1 Pro", "limits": psLimits(2000, 20),
			"permissions": []string{"MANAGE_PHP"}, "applications": []string{"wordpress"},
		}).ok(t, "updateServicePlan", "servicePlan", &sp)
		if sp.Name != "R1 Pro" || sp.Limits.DiskSpaceMb != 2000 {
			t.Fatalf("plan after update: %+v", sp)
		}
		psAudited(t, s, "service_plan.update", plan)
		if g := psGetSub(t, s, admin, synced); g.PlanSync != "SYNCED" || g.disk() != 2000 || *g.Limits.Mailboxes != 20 ||
			fmt.Sprint(g.Permissions) != "[MANAGE_PHP]" || fmt.Sprint(g.Applications) != "[wordpress]" {
			t.Fatalf("SYNCED subscription did not follow the plan: %+v", g)
		}
		if g := psGetSub(t, s, admin, locked); g.PlanSync != "LOCKED" || g.disk() != 500 || len(g.Permissions) != 0 {
			t.Fatalf("LOCKED subscription changed with the plan: %+v", g)
		}
		if g := psGetSub(t, s, admin, custom); g.PlanSync != "CUSTOM" || g.disk() != 1000 || len(g.Applications) != 0 {
			t.Fatalf("CUSTOM subscription changed with the plan: %+v", g)
		}
		// A name-only update leaves the subscriptions alone.
		psMutate(t, s, r1.Token, "updateServicePlan", "servicePlan{name}", map[string]any{
			"servicePlanId": plan, "name": "R1 Pro 2"}).ok(t, "rename plan", "servicePlan", nil)
		if g := psGetSub(t, s, admin, synced); g.disk() != 2000 {
			t.Fatalf("name-only update changed values: %+v", g)
		}

		// syncSubscription returns the LOCKED one to the plan.
		psMutate(t, s, r1.Token, "syncSubscription", "subscription{"+psSubSel+"}", map[string]any{
			"subscriptionId": locked}).ok(t, "syncSubscription", "subscription", &sub)
		if sub.PlanSync != "SYNCED" || sub.disk() != 2000 || fmt.Sprint(sub.Permissions) != "[MANAGE_PHP]" {
			t.Fatalf("after sync: %+v", sub)
		}
		psAudited(t, s, "subscription.sync", locked)
		// Without a plan there is nothing to sync to.
		psMutate(t, s, r1.Token, "syncSubscription", "subscription{id}", map[string]any{
			"subscriptionId": custom}).fails(t, "sync Custom", "INVALID", "subscriptionId")

		// Editing a Custom subscription keeps it CUSTOM; expiresAt is set and
		// cleared with null, and leaving it out keeps it.
		psMutate(t, s, r1.Token, "updateSubscription", "subscription{"+psSubSel+"}", map[string]any{
			"subscriptionId": custom, "limits": psLimits(700, 7), "expiresAt": "2030-01-02T03:04:05Z",
		}).ok(t, "update Custom", "subscription", &sub)
		if sub.PlanSync != "CUSTOM" || sub.disk() != 700 || sub.ExpiresAt == nil || !strings.HasPrefix(*sub.ExpiresAt, "2030-01-02") {
			t.Fatalf("Custom after update: %+v", sub)
		}
		psMutate(t, s, r1.Token, "updateSubscription", "subscription{"+psSubSel+"}", map[string]any{
			"subscriptionId": custom, "applications": []string{"drupal"}}).ok(t, "update apps", "subscription", &sub)
		if sub.ExpiresAt == nil || sub.disk() != 700 || fmt.Sprint(sub.Applications) != "[drupal]" {
			t.Fatalf("fields left out changed: %+v", sub)
		}
		psMutate(t, s, r1.Token, "updateSubscription", "subscription{"+psSubSel+"}", map[string]any{
			"subscriptionId": custom, "expiresAt": nil}).ok(t, "clear expiry", "subscription", &sub)
		if sub.ExpiresAt != nil || sub.PlanSync != "CUSTOM" {
			t.Fatalf("expiry not cleared: %+v", sub)
		}
		// Changing only the expiry date does not lock a SYNCED subscription.
		psMutate(t, s, r1.Token, "updateSubscription", "subscription{"+psSubSel+"}", map[string]any{
			"subscriptionId": synced, "expiresAt": "2031-01-01T00:00:00Z"}).ok(t, "expiry only", "subscription", &sub)
		if sub.PlanSync != "SYNCED" {
			t.Fatalf("expiry-only update locked the subscription: %+v", sub)
		}
	})
}

func TestChangeSubscriptionPlan(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d string) {
		s := apitest.New(t, d)
		w := s.BuildWorld()
		admin, r1 := w.AdminToken, w.Resellers[0]
		sub := w.Subscriptions[1] // R1's customer's, on R1's plan

		// A plan of another owner: PLAN_NOT_AVAILABLE (the admin sees them all).
		for _, p := range []string{w.Plans[0], w.Plans[2]} {
			psMutate(t, s, admin, "changeSubscriptionPlan", "subscription{id}", map[string]any{
				"subscriptionId": sub, "servicePlanId": p}).fails(t, "foreign owner's plan", "PLAN_NOT_AVAILABLE", "servicePlanId")
		}
		psMutate(t, s, admin, "changeSubscriptionPlan", "subscription{id}", map[string]any{
			"subscriptionId": w.Subscriptions[0], "servicePlanId": w.Plans[1]}).
			fails(t, "reseller plan for the admin's customer", "PLAN_NOT_AVAILABLE", "servicePlanId")
		if g := psGetSub(t, s, admin, sub); g.plan() != w.Plans[1] || g.PlanSync != "SYNCED" {
			t.Fatalf("refused change changed the subscription: %+v", g)
		}

		// A plan of the owner: SYNCED with the plan's values.
		big := s.Create(r1.Token, "createServicePlan", "servicePlan", map[string]any{
			"name": "R1 Big", "limits": psLimits(3000, 30), "applications": []string{"joomla"}})
		psMutate(t, s, r1.Token, "updateSubscription", "subscription{id}", map[string]any{
			"subscriptionId": sub, "limits": psLimits(100, 1)}).ok(t, "lock first", "subscription", nil)
		var got psSub
		psMutate(t, s, r1.Token, "changeSubscriptionPlan", "subscription{"+psSubSel+"}", map[string]any{
			"subscriptionId": sub, "servicePlanId": big}).ok(t, "change plan", "subscription", &got)
		if got.plan() != big || got.PlanSync != "SYNCED" || got.disk() != 3000 || *got.Limits.Mailboxes != 30 ||
			fmt.Sprint(got.Applications) != "[joomla]" {
			t.Fatalf("after change: %+v, want SYNCED on the new plan with its values", got)
		}
		psAudited(t, s, "subscription.change_plan", sub)

		// A reseller's own subscription takes the administrator's plans only.
		own := s.Create(admin, "createSubscription", "subscription", map[string]any{
			"subscriberId": r1.ID, "domain": "own1.example", "limits": psLimits(100, 1)})
		psMutate(t, s, admin, "changeSubscriptionPlan", "subscription{id}", map[string]any{
			"subscriptionId": own, "servicePlanId": w.Plans[1]}).fails(t, "reseller plan on own sub", "PLAN_NOT_AVAILABLE", "servicePlanId")
		psMutate(t, s, admin, "changeSubscriptionPlan", "subscription{"+psSubSel+"}", map[string]any{
			"subscriptionId": own, "servicePlanId": w.Plans[0]}).ok(t, "admin plan on own sub", "subscription", &got)
		if got.plan() != w.Plans[0] || got.PlanSync != "SYNCED" || got.disk() != 1000 {
			t.Fatalf("own subscription after change: %+v", got)
		}
	})
}

func TestPlanDeleteInUse(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d string) {
		s := apitest.New(t, d)
		w := s.BuildWorld()
		admin, r1 := w.AdminToken, w.Resellers[0]

		psMutate(t, s, r1.Token, "deleteServicePlan", "deletedServicePlanId", map[string]any{
			"servicePlanId": w.Plans[1]}).fails(t, "plan in use", "IN_USE", "servicePlanId")
		if !psExists(t, s, admin, w.Plans[1]) {
			t.Fatal("plan in use was deleted")
		}
		unused := s.Create(r1.Token, "createServicePlan", "servicePlan", map[string]any{"name": "Unused", "limits": psLimits(1, 1)})
		r := psMutate(t, s, r1.Token, "deleteServicePlan", "deletedServicePlanId", map[string]any{"servicePlanId": unused})
		var id string
		r.ok(t, "delete unused plan", "deletedServicePlanId", &id)
		if id != unused || psExists(t, s, admin, unused) {
			t.Fatalf("deletedServicePlanId %q, plan still there: %v", id, psExists(t, s, admin, unused))
		}
		psAudited(t, s, "service_plan.delete", unused)

		psMutate(t, s, admin, "deleteResellerPlan", "deletedResellerPlanId", map[string]any{
			"resellerPlanId": w.ResellerPlan}).fails(t, "reseller plan in use", "IN_USE", "resellerPlanId")
		if !psExists(t, s, admin, w.ResellerPlan) {
			t.Fatal("reseller plan in use was deleted")
		}
		rp := s.Create(admin, "createResellerPlan", "resellerPlan", map[string]any{"name": "Unused", "limits": map[string]any{}})
		psMutate(t, s, r1.Token, "deleteResellerPlan", "deletedResellerPlanId", map[string]any{
			"resellerPlanId": rp}).topLevel(t, "reseller deletes a reseller plan", "FORBIDDEN")
		psMutate(t, s, admin, "deleteResellerPlan", "deletedResellerPlanId", map[string]any{
			"resellerPlanId": rp}).ok(t, "delete unused reseller plan", "deletedResellerPlanId", &id)
		if id != rp || psExists(t, s, admin, rp) {
			t.Fatalf("reseller plan %s not deleted (%q)", rp, id)
		}
		psAudited(t, s, "reseller_plan.delete", rp)
	})
}

func TestUpdateResellerPlan(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d string) {
		s := apitest.New(t, d)
		w := s.BuildWorld()
		admin := w.AdminToken
		custom := s.Create(admin, "createReseller", "reseller", map[string]any{
			"login": "custom-reseller", "password": "reseller-pass-1", "name": "Custom", "email": "c@example.com",
			"limits": map[string]any{"customers": 3, "diskSpaceMb": 100}})

		psMutate(t, s, w.Resellers[0].Token, "updateResellerPlan", "resellerPlan{id}", map[string]any{
			"resellerPlanId": w.ResellerPlan, "oversell": true}).topLevel(t, "reseller updates a reseller plan", "FORBIDDEN")

		var rp struct {
			Name     string
			Oversell bool
		}
		psMutate(t, s, admin, "updateResellerPlan", "resellerPlan{name oversell}", map[string]any{
			"resellerPlanId": w.ResellerPlan, "name": "Reseller M",
			"limits":      map[string]any{"customers": 5, "subscriptions": 7, "diskSpaceMb": 5000, "mailboxes": 100},
			"permissions": []string{"SSH_ACCESS", "MANAGE_DNS"}, "applications": []string{"joomla"}, "oversell": true,
		}).ok(t, "updateResellerPlan", "resellerPlan", &rp)
		if rp.Name != "Reseller M" || !rp.Oversell {
			t.Fatalf("plan after update: %+v", rp)
		}
		psAudited(t, s, "reseller_plan.update", w.ResellerPlan)
		type lim struct {
			Customers, Subscriptions, DiskSpaceMb, TrafficMbPerMonth, Domains, Mailboxes, Databases *int
		}
		var out struct {
			Nodes []struct {
				ID           string
				Limits       lim
				Permissions  []string
				Applications []string
				Oversell     bool
			}
		}
		s.Must(admin, `query($ids:[ID!]!){nodes(ids:$ids){... on Reseller{id limits{customers subscriptions diskSpaceMb
		  trafficMbPerMonth domains mailboxes databases} permissions applications oversell}}}`,
			map[string]any{"ids": []string{w.Resellers[0].ID, w.Resellers[1].ID, custom}}, &out)
		for _, r := range out.Nodes[:2] {
			l := r.Limits
			if *l.Customers != 5 || *l.Subscriptions != 7 || *l.DiskSpaceMb != 5000 || *l.Mailboxes != 100 ||
				l.Domains != nil || l.TrafficMbPerMonth != nil || !r.Oversell ||
				fmt.Sprint(r.Permissions) != "[MANAGE_DNS SSH_ACCESS]" || fmt.Sprint(r.Applications) != "[joomla]" {
				t.Fatalf("reseller %s on the plan did not get its values: %+v", r.ID, r)
			}
		}
		if c := out.Nodes[2]; *c.Limits.Customers != 3 || *c.Limits.DiskSpaceMb != 100 || c.Limits.Mailboxes != nil || c.Oversell {
			t.Fatalf("Custom reseller changed: %+v", c)
		}
	})
}

func TestDeleteSubscriptions(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d string) {
		s := apitest.New(t, d)
		w := s.BuildWorld()
		admin, r1 := w.AdminToken, w.Resellers[0]
		const sel = `deletedSubscriptionIds deleted{customers subscriptions domains panelUsers domainNames} committed`
		type payload struct {
			IDs     []string `json:"deletedSubscriptionIds"`
			Deleted struct {
				Customers, Subscriptions, Domains, PanelUsers int
				DomainNames                                   []string
			}
			Committed bool
		}
		decode := func(r psResult) payload {
			var p payload
			raw, _ := json.Marshal(r.P)
			if err := json.Unmarshal(raw, &p); err != nil {
				t.Fatal(err)
			}
			return p
		}
		sub := w.Subscriptions[1]
		domains := psGetSub(t, s, admin, sub).Domains

		r := psMutate(t, s, r1.Token, "deleteSubscriptions", sel, map[string]any{"ids": []string{sub, sub}, "dryRun": true})
		p := decode(r)
		if len(r.UEs) > 0 || p.Committed || fmt.Sprint(p.IDs) != fmt.Sprint([]string{sub}) || p.Deleted.Subscriptions != 1 ||
			p.Deleted.Domains != 2 || fmt.Sprint(p.Deleted.DomainNames) != "[site1.example www1.example]" || p.Deleted.Customers != 0 {
			t.Fatalf("dry run payload %+v %+v", p, r.UEs)
		}
		if !psExists(t, s, admin, sub) || !psExists(t, s, admin, domains[1].ID) {
			t.Fatal("dry run deleted")
		}

		r = psMutate(t, s, r1.Token, "deleteSubscriptions", sel, map[string]any{"ids": []string{sub, sub}})
		if p = decode(r); len(r.UEs) > 0 || !p.Committed || p.Deleted.Subscriptions != 1 || p.Deleted.Domains != 2 {
			t.Fatalf("payload %+v %+v", p, r.UEs)
		}
		for _, id := range []string{sub, domains[0].ID, domains[1].ID} {
			if psExists(t, s, admin, id) {
				t.Fatalf("%s survived the deletion", id)
			}
		}
		psAudited(t, s, "subscription.delete", sub)
		// The names are free again.
		s.Create(r1.Token, "createSubscription", "subscription", map[string]any{
			"subscriberId": w.Customers[1].ID, "domain": "www1.example", "servicePlanId": w.Plans[1]})

		// Foreign and missing IDs answer alike; ATOMIC changes nothing.
		own, foreign := w.Subscriptions[2], w.Subscriptions[3]
		in := map[string]any{"ids": []string{own, foreign, "999999999"}}
		r = psMutate(t, s, r1.Token, "deleteSubscriptions", sel, in)
		p = decode(r)
		if p.Committed || len(p.IDs) != 0 || p.Deleted.Subscriptions != 0 || len(r.UEs) != 2 {
			t.Fatalf("ATOMIC payload %+v %+v", p, r.UEs)
		}
		for i, ue := range r.UEs {
			if ue.Code != "NOT_FOUND" || fmt.Sprint(ue.Field) != fmt.Sprintf("[ids %d]", i+1) {
				t.Fatalf("user error %d: %+v", i, ue)
			}
		}
		if !psExists(t, s, admin, own) || !psExists(t, s, admin, foreign) {
			t.Fatal("ATOMIC failure deleted")
		}
		in["mode"] = "PARTIAL"
		r = psMutate(t, s, r1.Token, "deleteSubscriptions", sel, in)
		if p = decode(r); !p.Committed || fmt.Sprint(p.IDs) != fmt.Sprint([]string{own}) || len(r.UEs) != 2 {
			t.Fatalf("PARTIAL payload %+v %+v", p, r.UEs)
		}
		if psExists(t, s, admin, own) || !psExists(t, s, admin, foreign) {
			t.Fatal("PARTIAL: wrong subscriptions deleted")
		}

		psMutate(t, s, w.Customers[3].Token, "deleteSubscriptions", sel, map[string]any{"ids": []string{foreign}}).
			topLevel(t, "customer deletes subscriptions", "FORBIDDEN")
		ids := make([]string, 10001)
		for i := range ids {
			ids[i] = fmt.Sprint(i + 1)
		}
		psMutate(t, s, admin, "deleteSubscriptions", sel, map[string]any{"ids": ids}).topLevel(t, "10001 ids", "BAD_USER_INPUT")
	})
}

// TestDeleteSubscriptionsStatementsConstant fails when bulk deletion issues
// statements per item: 10 and 1,000 subscriptions cost the same.
func TestDeleteSubscriptionsStatementsConstant(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d string) {
		s := apitest.New(t, d)
		admin := s.AdminToken()
		ctx := psSys()
		cu, err := s.Client.Customer.Create().SetLogin("bulk").SetName("n").SetEmail("e@example.com").Save(ctx)
		if err != nil {
			t.Fatal(err)
		}
		mk := func(prefix string, n int) []string {
			subs, err := s.Client.HostingSubscription.MapCreateBulk(make([]int, n), func(c *ent.HostingSubscriptionCreate, i int) {
				c.SetName(fmt.Sprintf("%s%d.example", prefix, i)).SetCustomerID(cu.ID)
			}).Save(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if err := s.Client.Domain.MapCreateBulk(subs, func(c *ent.DomainCreate, i int) {
				c.SetName(subs[i].Name).SetPrimary(true).SetSubscriptionID(subs[i].ID)
			}).Exec(ctx); err != nil {
				t.Fatal(err)
			}
			ids := make([]string, n)
			for i, x := range subs {
				ids[i] = fmt.Sprint(x.ID)
			}
			return ids
		}
		small, large := mk("s", 10), mk("l", 1000)
		count := func(ids []string) int64 {
			before := s.Statements.Load()
			r := psMutate(t, s, admin, "deleteSubscriptions", "deletedSubscriptionIds deleted{domains} committed",
				map[string]any{"ids": ids})
			var p struct {
				IDs       []string `json:"deletedSubscriptionIds"`
				Committed bool
				Deleted   struct{ Domains int }
			}
			raw, _ := json.Marshal(r.P)
			_ = json.Unmarshal(raw, &p)
			if !p.Committed || len(p.IDs) != len(ids) || p.Deleted.Domains != len(ids) {
				t.Fatalf("payload %+v %+v %+v", p, r.UEs, r.Errors)
			}
			return s.Statements.Load() - before
		}
		a, b := count(small), count(large)
		t.Logf("%s: %d statements for 10 subscriptions, %d for 1000", d, a, b)
		if a != b {
			t.Fatalf("bulk deletion statements grow with items: %d for 10, %d for 1000", a, b)
		}
		if n, _ := s.Client.Domain.Query().Count(ctx); n != 0 {
			t.Fatalf("%d domains left", n)
		}
	})
}

func TestRenameDeleteDomain(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d string) {
		s := apitest.New(t, d)
		w := s.BuildWorld()
		admin, c1 := w.AdminToken, w.Customers[1]
		sub := w.Subscriptions[1]
		doms := psGetSub(t, s, admin, sub).Domains // primary first
		primary, extra := doms[0], doms[1]
		const dsel = `domain{id name primary}`
		var dom struct {
			ID, Name string
			Primary  bool
		}

		// A customer renames a domain of its own subscription: normalised.
		psMutate(t, s, c1.Token, "renameDomain", dsel, map[string]any{"domainId": extra.ID, "name": " Bücher.Example. "}).
			ok(t, "rename", "domain", &dom)
		if dom.Name != "xn--bcher-kva.example" || dom.ID != extra.ID {
			t.Fatalf("renamed domain %+v", dom)
		}
		psAudited(t, s, "domain.rename", extra.ID)
		psMutate(t, s, c1.Token, "renameDomain", dsel, map[string]any{"domainId": extra.ID, "name": "WWW-New.Example"}).
			ok(t, "rename upper case", "domain", &dom)
		if dom.Name != "www-new.example" {
			t.Fatalf("not lower-cased: %+v", dom)
		}
		// Taken: names are unique across every owner.
		psMutate(t, s, c1.Token, "renameDomain", dsel, map[string]any{"domainId": extra.ID, "name": w.Domains[3]}).
			fails(t, "taken", "TAKEN", "name")
		psMutate(t, s, c1.Token, "renameDomain", dsel, map[string]any{"domainId": extra.ID, "name": "not a domain"}).
			fails(t, "invalid", "INVALID", "name")
		if g := psGetSub(t, s, admin, sub); g.Domains[1].Name != "www-new.example" {
			t.Fatalf("refused rename changed the domain: %+v", g.Domains)
		}

		// A panel user with the ADMIN role manages its account's domains.
		s.Create(c1.Token, "createPanelUser", "panelUser", map[string]any{
			"login": "pu-admin", "password": "staff-pass-12", "name": "PU", "email": "pu@example.com", "role": "ADMIN"})
		psMutate(t, s, s.Login("pu-admin", "staff-pass-12"), "renameDomain", dsel, map[string]any{"domainId": extra.ID, "name": "www-pu.example"}).
			ok(t, "panel user ADMIN renames", "domain", &dom)
		if dom.Name != "www-pu.example" {
			t.Fatalf("renamed by panel user: %+v", dom)
		}

		// Renaming the primary domain renames the subscription that mirrors it.
		psMutate(t, s, c1.Token, "renameDomain", dsel, map[string]any{"domainId": primary.ID, "name": "primary1.example"}).
			ok(t, "rename primary", "domain", &dom)
		if !dom.Primary {
			t.Fatalf("primary flag lost: %+v", dom)
		}
		hs, err := s.Client.HostingSubscription.Get(psSys(), psInt(t, sub))
		if err != nil || hs.Name != "primary1.example" {
			t.Fatalf("subscription name %q after the primary rename (err %v)", hs.Name, err)
		}
		if g := psGetSub(t, s, admin, sub); g.Domain.Name != "primary1.example" {
			t.Fatalf("subscription's domain %+v", g.Domain)
		}
		// ... and leaves a name that does not mirror it alone.
		if err := s.Client.HostingSubscription.UpdateOneID(hs.ID).SetName("label").Exec(psSys()); err != nil {
			t.Fatal(err)
		}
		psMutate(t, s, c1.Token, "renameDomain", dsel, map[string]any{"domainId": primary.ID, "name": "primary2.example"}).
			ok(t, "rename primary again", "domain", nil)
		if hs, _ = s.Client.HostingSubscription.Get(psSys(), hs.ID); hs.Name != "label" {
			t.Fatalf("subscription name %q, want label kept", hs.Name)
		}

		// The primary domain cannot be removed; another one can.
		psMutate(t, s, c1.Token, "deleteDomain", "deletedDomainId", map[string]any{"domainId": primary.ID}).
			fails(t, "delete primary", "INVALID", "domainId")
		if !psExists(t, s, admin, primary.ID) {
			t.Fatal("primary domain deleted")
		}
		var id string
		psMutate(t, s, c1.Token, "deleteDomain", "deletedDomainId", map[string]any{"domainId": extra.ID}).
			ok(t, "delete domain", "deletedDomainId", &id)
		if id != extra.ID || psExists(t, s, admin, extra.ID) {
			t.Fatalf("deletedDomainId %q; still there: %v", id, psExists(t, s, admin, extra.ID))
		}
		psAudited(t, s, "domain.delete", extra.ID)

		// Out of scope: NOT_FOUND, nothing changed.
		foreign := psGetSub(t, s, admin, w.Subscriptions[3]).Domains
		for _, tok := range []string{c1.Token, w.Resellers[0].Token} {
			psMutate(t, s, tok, "renameDomain", dsel, map[string]any{"domainId": foreign[1].ID, "name": "stolen.example"}).
				fails(t, "rename foreign", "NOT_FOUND", "domainId")
			psMutate(t, s, tok, "deleteDomain", "deletedDomainId", map[string]any{"domainId": foreign[1].ID}).
				fails(t, "delete foreign", "NOT_FOUND", "domainId")
		}
		if g := psGetSub(t, s, admin, w.Subscriptions[3]); !reflect.DeepEqual(g.Domains, foreign) {
			t.Fatalf("foreign domains changed: %+v", g.Domains)
		}
		// A WEBMASTER panel user may read domains, not manage them.
		psMutate(t, s, w.PanelUsers[1].Token, "deleteDomain", "deletedDomainId", map[string]any{"domainId": primary.ID}).
			topLevel(t, "webmaster deletes", "FORBIDDEN")
	})
}

func TestPlanChangesCheckResellerLimits(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d string) {
		s := apitest.New(t, d)
		admin := s.AdminToken()
		// R: disk 2500 and 25 mailboxes, everything else unlimited, no oversell.
		rid := s.Create(admin, "createReseller", "reseller", map[string]any{
			"login": "tight", "password": "reseller-pass-1", "name": "Tight", "email": "t@example.com",
			"limits": map[string]any{"diskSpaceMb": 2500, "mailboxes": 25}})
		r := s.Login("tight", "reseller-pass-1")
		cu := s.Create(r, "createCustomer", "customer", map[string]any{
			"login": "tc", "password": "customer-pass-1", "name": "TC", "email": "tc@example.com"})
		pa := s.Create(r, "createServicePlan", "servicePlan", map[string]any{"name": "A", "limits": psLimits(1000, 10)})
		pb := s.Create(r, "createServicePlan", "servicePlan", map[string]any{"name": "B", "limits": psLimits(1200, 10)})
		s1 := s.Create(r, "createSubscription", "subscription", map[string]any{"subscriberId": cu, "domain": "s1.example", "servicePlanId": pa})
		s2 := s.Create(r, "createSubscription", "subscription", map[string]any{"subscriberId": cu, "domain": "s2.example", "servicePlanId": pa})
		// Usage: disk 2000, mailboxes 20.

		psMutate(t, s, r, "updateSubscription", "subscription{id}", map[string]any{"subscriptionId": s1, "limits": psLimits(1600, 10)}).
			fails(t, "raise beyond the reseller's disk", "LIMIT_EXCEEDED", "limits")
		psMutate(t, s, admin, "updateSubscription", "subscription{id}", map[string]any{"subscriptionId": s1, "limits": map[string]any{"mailboxes": 10}}).
			fails(t, "unlimited disk from a reseller with a disk limit (admin acting)", "LIMIT_EXCEEDED", "limits")
		if g := psGetSub(t, s, admin, s1); g.PlanSync != "SYNCED" || g.disk() != 1000 {
			t.Fatalf("refused update changed the subscription: %+v", g)
		}
		psMutate(t, s, r, "updateSubscription", "subscription{id}", map[string]any{"subscriptionId": s1, "limits": psLimits(1400, 10)}).
			ok(t, "raise within limits", "subscription", nil) // disk 2400

		psMutate(t, s, r, "changeSubscriptionPlan", "subscription{id}", map[string]any{"subscriptionId": s2, "servicePlanId": pb}).
			fails(t, "change to a bigger plan beyond limits", "LIMIT_EXCEEDED", "servicePlanId") // 2600
		if g := psGetSub(t, s, admin, s2); g.plan() != pa || g.disk() != 1000 {
			t.Fatalf("refused change changed the subscription: %+v", g)
		}

		// Plan A's only SYNCED subscription is s2 (s1 is LOCKED).
		psMutate(t, s, r, "updateServicePlan", "servicePlan{id}", map[string]any{"servicePlanId": pa, "limits": psLimits(1200, 10)}).
			fails(t, "plan update beyond limits", "LIMIT_EXCEEDED", "limits") // 2600
		psMutate(t, s, r, "updateServicePlan", "servicePlan{id}", map[string]any{"servicePlanId": pa, "limits": map[string]any{"diskSpaceMb": 10}}).
			fails(t, "plan update handing out unlimited mailboxes", "LIMIT_EXCEEDED", "limits")
		var plan struct{ Limits struct{ DiskSpaceMb int } }
		var out struct{ Node json.RawMessage }
		s.Must(admin, `query($id:ID!){node(id:$id){... on ServicePlan{limits{diskSpaceMb}}}}`, map[string]any{"id": pa}, &out)
		if _ = json.Unmarshal(out.Node, &plan); plan.Limits.DiskSpaceMb != 1000 {
			t.Fatalf("refused plan update changed the plan: %s", out.Node)
		}
		if g := psGetSub(t, s, admin, s2); g.disk() != 1000 {
			t.Fatalf("refused plan update changed a subscription: %+v", g)
		}
		psMutate(t, s, r, "updateServicePlan", "servicePlan{id}", map[string]any{"servicePlanId": pa, "limits": psLimits(1100, 10)}).
			ok(t, "plan update within limits", "servicePlan", nil) // 2500
		if g := psGetSub(t, s, admin, s2); g.disk() != 1100 {
			t.Fatalf("SYNCED subscription %+v, want disk 1100", g)
		}
		// Syncing s1 back lowers its disk: allowed.
		psMutate(t, s, r, "syncSubscription", "subscription{id}", map[string]any{"subscriptionId": s1}).ok(t, "sync down", "subscription", nil)

		// Lowering is allowed even over the limits; with oversell sums may
		// pass the limits but unlimited is still refused.
		if err := s.Client.Reseller.UpdateOneID(psInt(t, rid)).SetLimitDiskSpaceMB(100).Exec(psSys()); err != nil {
			t.Fatal(err)
		}
		psMutate(t, s, r, "updateSubscription", "subscription{id}", map[string]any{"subscriptionId": s1, "limits": psLimits(900, 10)}).
			ok(t, "lower while over the limit", "subscription", nil)
		if err := s.Client.Reseller.UpdateOneID(psInt(t, rid)).SetOversell(true).Exec(psSys()); err != nil {
			t.Fatal(err)
		}
		psMutate(t, s, r, "changeSubscriptionPlan", "subscription{id}", map[string]any{"subscriptionId": s1, "servicePlanId": pb}).
			ok(t, "oversell passes the sums", "subscription", nil)
		psMutate(t, s, r, "updateSubscription", "subscription{id}", map[string]any{"subscriptionId": s1, "limits": map[string]any{"mailboxes": 1}}).
			fails(t, "oversell still cannot hand out unlimited", "LIMIT_EXCEEDED", "limits")
	})
}

func TestPlanSubsScope(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d string) {
		s := apitest.New(t, d)
		w := s.BuildWorld()
		admin, r1 := w.AdminToken, w.Resellers[0]
		// R1's own subscription on the administrator's plan lets R1 read that
		// plan, not change it.
		own := s.Create(admin, "createSubscription", "subscription", map[string]any{
			"subscriberId": r1.ID, "domain": "own1.example", "servicePlanId": w.Plans[0]})
		before := map[string]*psSub{}
		for _, id := range w.Subscriptions {
			before[id] = psGetSub(t, s, admin, id)
		}

		for _, p := range []string{w.Plans[0], w.Plans[2]} {
			psMutate(t, s, r1.Token, "updateServicePlan", "servicePlan{id}", map[string]any{
				"servicePlanId": p, "name": "Hijacked", "limits": psLimits(1, 1)}).
				fails(t, "update foreign plan", "NOT_FOUND", "servicePlanId")
			psMutate(t, s, r1.Token, "deleteServicePlan", "deletedServicePlanId", map[string]any{"servicePlanId": p}).
				fails(t, "delete foreign plan", "NOT_FOUND", "servicePlanId")
		}
		var plans struct {
			Nodes []struct{ Name string }
		}
		s.Must(admin, `query($ids:[ID!]!){nodes(ids:$ids){... on ServicePlan{name}}}`,
			map[string]any{"ids": []string{w.Plans[0], w.Plans[2]}}, &plans)
		for _, p := range plans.Nodes {
			if p.Name == "Hijacked" {
				t.Fatal("a reseller changed a foreign plan")
			}
		}

		foreign := w.Subscriptions[3]
		for _, c := range []struct{ mutation, sel string }{
			{"updateSubscription", "subscription{id}"}, {"changeSubscriptionPlan", "subscription{id}"}, {"syncSubscription", "subscription{id}"},
		} {
			in := map[string]any{"subscriptionId": foreign}
			if c.mutation == "updateSubscription" {
				in["limits"] = psLimits(1, 1)
			}
			psMutate(t, s, r1.Token, c.mutation, c.sel, in).fails(t, c.mutation+" foreign", "NOT_FOUND", "subscriptionId")
		}
		// A foreign plan on its own subscription: the plan is out of scope.
		psMutate(t, s, r1.Token, "changeSubscriptionPlan", "subscription{id}", map[string]any{
			"subscriptionId": w.Subscriptions[1], "servicePlanId": w.Plans[2]}).fails(t, "foreign plan", "NOT_FOUND", "servicePlanId")
		// The administrator's plan it can read is still not its customers'.
		psMutate(t, s, r1.Token, "changeSubscriptionPlan", "subscription{id}", map[string]any{
			"subscriptionId": w.Subscriptions[1], "servicePlanId": w.Plans[0]}).fails(t, "admin plan", "PLAN_NOT_AVAILABLE", "servicePlanId")
		for _, id := range w.Subscriptions {
			if after := psGetSub(t, s, admin, id); !reflect.DeepEqual(after, before[id]) {
				t.Fatalf("subscription %s changed: %+v -> %+v", id, before[id], after)
			}
		}
		// Its own subscription is in scope.
		psMutate(t, s, r1.Token, "updateSubscription", "subscription{id}", map[string]any{"subscriptionId": own, "applications": []string{"x"}}).
			ok(t, "own subscription", "subscription", nil)
		// Customers read subscriptions but do not change them.
		psMutate(t, s, w.Customers[1].Token, "updateSubscription", "subscription{id}", map[string]any{
			"subscriptionId": w.Subscriptions[1], "applications": []string{"x"}}).topLevel(t, "customer", "FORBIDDEN")
		if slices.Contains(psGetSub(t, s, admin, w.Subscriptions[1]).Applications, "x") {
			t.Fatal("customer changed its subscription")
		}
	})
}

// TestServicePlanUpdateStatementsConstant fails when a plan update costs
// statements per SYNCED subscription: 10 and 1,000 cost the same, limit
// check of the owning reseller included.
func TestServicePlanUpdateStatementsConstant(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d string) {
		s := apitest.New(t, d)
		admin := s.AdminToken()
		ctx := psSys()
		rid := psInt(t, s.Create(admin, "createReseller", "reseller", map[string]any{
			"login": "big", "password": "reseller-pass-1", "name": "Big", "email": "b@example.com",
			"limits": map[string]any{"diskSpaceMb": 100000000}}))
		cu, err := s.Client.Customer.Create().SetLogin("bulk").SetName("n").SetEmail("e@example.com").SetResellerID(rid).Save(ctx)
		if err != nil {
			t.Fatal(err)
		}
		mk := func(prefix string, n int) string {
			p, err := s.Client.ServicePlan.Create().SetName(prefix).SetResellerID(rid).SetLimitDiskSpaceMB(10).Save(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if err := s.Client.HostingSubscription.MapCreateBulk(make([]int, n), func(c *ent.HostingSubscriptionCreate, i int) {
				c.SetName(fmt.Sprintf("%s%d.example", prefix, i)).SetCustomerID(cu.ID).SetPlanID(p.ID).
					SetPlanSync("SYNCED").SetLimitDiskSpaceMB(10)
			}).Exec(ctx); err != nil {
				t.Fatal(err)
			}
			return fmt.Sprint(p.ID)
		}
		small, large := mk("s", 10), mk("l", 1000)
		count := func(plan string) int64 {
			before := s.Statements.Load()
			psMutate(t, s, admin, "updateServicePlan", "servicePlan{id}", map[string]any{
				"servicePlanId": plan, "limits": map[string]any{"diskSpaceMb": 20}, "applications": []string{"wp"}}).
				ok(t, "updateServicePlan", "servicePlan", nil)
			return s.Statements.Load() - before
		}
		a, b := count(small), count(large)
		t.Logf("%s: %d statements for 10 synced subscriptions, %d for 1000", d, a, b)
		if a != b {
			t.Fatalf("plan update statements grow with subscriptions: %d for 10, %d for 1000", a, b)
		}
		n, err := s.Client.HostingSubscription.Query().Where().Count(ctx)
		if err != nil {
			t.Fatal(err)
		}
		m, _ := s.Client.HostingSubscription.Query().Where(hostingsubscription.LimitDiskSpaceMB(20)).Count(ctx)
		if n != 1010 || m != n {
			t.Fatalf("%d of %d subscriptions got the new limits", m, n)
		}
	})
}

// TestAdminPlanUpdateChecksResellersOwnSubscriptions: a reseller's own
// subscriptions use the administrator's plans and count against the
// reseller, so updating such a plan checks the reseller's limits.
func TestAdminPlanUpdateChecksResellersOwnSubscriptions(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d string) {
		s := apitest.New(t, d)
		admin := s.AdminToken()
		rid := s.Create(admin, "createReseller", "reseller", map[string]any{
			"login": "tight", "password": "reseller-pass-1", "name": "Tight", "email": "t@example.com",
			"limits": map[string]any{"diskSpaceMb": 1000, "mailboxes": 10}})
		p := s.Create(admin, "createServicePlan", "servicePlan", map[string]any{"name": "P", "limits": psLimits(400, 2)})
		own := s.Create(admin, "createSubscription", "subscription", map[string]any{"subscriberId": rid, "domain": "own.example", "servicePlanId": p})
		psMutate(t, s, admin, "updateServicePlan", "servicePlan{id}", map[string]any{"servicePlanId": p, "limits": psLimits(1200, 2)}).
			fails(t, "admin plan beyond the reseller's limits", "LIMIT_EXCEEDED", "limits")
		if g := psGetSub(t, s, admin, own); g.disk() != 400 {
			t.Fatalf("refused update changed the subscription: %+v", g)
		}
		psMutate(t, s, admin, "updateServicePlan", "servicePlan{id}", map[string]any{"servicePlanId": p, "limits": psLimits(900, 2)}).
			ok(t, "within limits", "servicePlan", nil)
		if g := psGetSub(t, s, admin, own); g.disk() != 900 || g.PlanSync != "SYNCED" {
			t.Fatalf("own subscription %+v, want disk 900 SYNCED", g)
		}
	})
}

// TestConcurrentRaisesRespectResellerLimits: two raises that each fit but
// not together, sent at once, never both succeed (the owning reseller is
// locked before anything is read, so the second sees the first).
func TestConcurrentRaisesRespectResellerLimits(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d string) {
		s := apitest.New(t, d)
		admin := s.AdminToken()
		s.Create(admin, "createReseller", "reseller", map[string]any{
			"login": "tight", "password": "reseller-pass-1", "name": "Tight", "email": "t@example.com",
			"limits": map[string]any{"diskSpaceMb": 2500, "mailboxes": 100}})
		r := s.Login("tight", "reseller-pass-1")
		cu := s.Create(r, "createCustomer", "customer", map[string]any{
			"login": "tc", "password": "customer-pass-1", "name": "TC", "email": "tc@example.com"})
		var subs [2]string
		for i := range subs {
			subs[i] = s.Create(r, "createSubscription", "subscription", map[string]any{
				"subscriberId": cu, "domain": fmt.Sprintf("s%d.example", i), "limits": psLimits(1000, 1)})
		}
		for round := 0; round < 5; round++ {
			var results [2]psResult
			done := make(chan int)
			for i := range subs {
				go func(i int) {
					results[i] = psMutate(t, s, r, "updateSubscription", "subscription{id}", map[string]any{
						"subscriptionId": subs[i], "limits": psLimits(1400, 1)})
					done <- i
				}(i)
			}
			<-done
			<-done
			okCount := 0
			for _, res := range results {
				if len(res.Errors) == 0 && len(res.UEs) == 0 {
					okCount++
				} else if d != "sqlite3" && (len(res.UEs) != 1 || res.UEs[0].Code != "LIMIT_EXCEEDED") {
					t.Fatalf("round %d: %+v %+v, want LIMIT_EXCEEDED", round, res.Errors, res.UEs)
				}
			}
			if okCount > 1 {
				t.Fatalf("round %d: both raises succeeded: the reseller uses 2800 of 2500", round)
			}
			if d != "sqlite3" && okCount != 1 {
				t.Fatalf("round %d: %d raises succeeded, want 1", round, okCount)
			}
			for i := range subs { // back to 1000 each
				psMutate(t, s, r, "updateSubscription", "subscription{id}", map[string]any{
					"subscriptionId": subs[i], "limits": psLimits(1000, 1)}).ok(t, "reset", "subscription", nil)
			}
		}
	})
}

// TestConcurrentPlanAndSubscriptionUpdates: a plan update and an update of
// one of its SYNCED subscriptions at once both finish (no deadlock, no
// internal error), in either order.
func TestConcurrentPlanAndSubscriptionUpdates(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d string) {
		if d == "sqlite3" {
			t.Skip("SQLite in memory refuses concurrent writers instead of waiting")
		}
		s := apitest.New(t, d)
		w := s.BuildWorld()
		r1 := w.Resellers[0]
		for round := 0; round < 8; round++ {
			done := make(chan psResult)
			go func() {
				done <- psMutate(t, s, r1.Token, "updateServicePlan", "servicePlan{id}", map[string]any{
					"servicePlanId": w.Plans[1], "limits": psLimits(1000+round, 10)})
			}()
			go func() {
				if round%2 == 0 {
					done <- psMutate(t, s, r1.Token, "syncSubscription", "subscription{id}", map[string]any{
						"subscriptionId": w.Subscriptions[1+round%4/2]})
				} else {
					done <- psMutate(t, s, r1.Token, "updateSubscription", "subscription{id}", map[string]any{
						"subscriptionId": w.Subscriptions[1+round%4/2], "limits": psLimits(900, 10)})
				}
			}()
			for i := 0; i < 2; i++ {
				if r := <-done; len(r.Errors) > 0 || len(r.UEs) > 0 {
					t.Fatalf("round %d: %+v %+v", round, r.Errors, r.UEs)
				}
			}
		}
	})
}
