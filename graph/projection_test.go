package graph_test

// Differential test of field collection's column projection and of the
// executor's rewrites (graph/patch_generated.go): every query is run on two
// servers over the same database, one as in production and one reading
// whole rows through the executor as gqlgen generated it
// (graph.HandlerConfig.WholeRows and ReferenceExecutor, the reference).
// Their answers must be byte-for-byte equal. A resolver that
// derives a field from a column the projection failed to read (status from
// expires_at, suspensions from suspended_*, limits from limit_*, owner and
// subscriber from reseller_id/customer_id, ...) answers differently from the
// reference, and the test prints the query, the path and both answers.
//
// The queries are generated from the schema (introspection): for every
// field F of every object type the data reaches, "id F" alone, then all the
// scalar fields of the type together, then all fields together; each in
// every context that reaches the type (root lists, nested lists, unions,
// node and nodes), as the administrator, a reseller, a customer, a panel
// user of that customer and a panel user of the reseller.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hostpanel/panel/ent/privacy"
	"github.com/hostpanel/panel/graph"
	"github.com/hostpanel/panel/internal/apitest"
	"github.com/hostpanel/panel/internal/dbtest"
	"github.com/hostpanel/panel/internal/webhooks"
)

// pjFirst is the page size of every connection in the generated queries:
// more than the rows of any list of the data set, so every row appears.
const pjFirst = 50

// ---- introspection ----

type pjTypeRef struct {
	Kind   string     `json:"kind"`
	Name   *string    `json:"name"`
	OfType *pjTypeRef `json:"ofType"`
}

// named returns the named type under NON_NULL and LIST wrappers.
func (r pjTypeRef) named() (kind, name string) {
	for r.Name == nil && r.OfType != nil {
		r = *r.OfType
	}
	if r.Name == nil {
		return r.Kind, ""
	}
	return r.Kind, *r.Name
}

type pjField struct {
	Name string    `json:"name"`
	Type pjTypeRef `json:"type"`
	Args []struct {
		Name string    `json:"name"`
		Type pjTypeRef `json:"type"`
	} `json:"args"`
}

type pjType struct {
	Name       string    `json:"name"`
	Kind       string    `json:"kind"`
	Fields     []pjField `json:"fields"`
	Interfaces []struct {
		Name string `json:"name"`
	} `json:"interfaces"`
}

const pjIntrospection = `{__schema{types{name kind interfaces{name}
  fields{name args{name type{kind name ofType{kind name ofType{kind name}}}}
    type{kind name ofType{kind name ofType{kind name ofType{kind name}}}}}}}}`

type pjSchema map[string]*pjType

func (sc pjSchema) isNode(name string) bool {
	t := sc[name]
	if t == nil {
		return false
	}
	for _, i := range t.Interfaces {
		if i.Name == "Node" {
			return true
		}
	}
	return false
}

// skipField says why a field cannot be selected sensibly, or "".
func (sc pjSchema) skipField(typ string, f pjField) string {
	for _, a := range f.Args {
		if a.Type.Kind == "NON_NULL" {
			return "required argument " + a.Name
		}
	}
	// ApiToken.lastUsedAt: bumped by the use of the token; the test never
	// uses the one it creates, so it is stable (null) and is compared.
	return ""
}

// fieldSel is the selection of field f of a type: a scalar or enum by name;
// a connection as its count and node IDs; a Node, union or interface as
// __typename and its ID; any other object by its fields, recursively.
func (sc pjSchema) fieldSel(f pjField, depth int) string {
	kind, name := f.Type.named()
	switch kind {
	case "SCALAR", "ENUM":
		return f.Name
	}
	if strings.HasSuffix(name, "Connection") {
		return fmt.Sprintf("%s(first:%d){totalCount pageInfo{hasNextPage hasPreviousPage} edges{node{id}}}", f.Name, pjFirst)
	}
	if kind == "UNION" || kind == "INTERFACE" || sc.isNode(name) {
		return f.Name + "{__typename ... on Node{id}}"
	}
	return f.Name + "{" + sc.allSel(name, false, depth+1) + "}"
}

// allSel selects every field of typ (only the scalar and enum ones if
// scalarsOnly), skipping the fields skipField refuses.
func (sc pjSchema) allSel(typ string, scalarsOnly bool, depth int) string {
	var parts []string
	if depth > 3 {
		return "__typename"
	}
	for _, f := range sc[typ].Fields {
		if sc.skipField(typ, f) != "" {
			continue
		}
		kind, _ := f.Type.named()
		if scalarsOnly && kind != "SCALAR" && kind != "ENUM" {
			continue
		}
		parts = append(parts, sc.fieldSel(f, depth))
	}
	if len(parts) == 0 {
		return "__typename"
	}
	return strings.Join(parts, " ")
}

// ---- the two servers ----

type pjViewer struct{ name, token string }

type pjHarness struct {
	t        *testing.T
	light    *apitest.Server // production projection
	whole    *apitest.Server // whole rows (reference)
	viewers  []pjViewer
	queries  int // distinct queries
	requests int // requests sent (both servers)
	nonEmpty map[string]int
	failures int
	// failed counts differences per type.field; failedWhat lists the
	// failing query contexts in order.
	failed     map[string]int
	failedWhat []string
	details    int
}

// pjErr is an error entry without its requestId (it differs per request).
type pjErr struct {
	Message string
	Path    []any
	Code    any
}

func pjErrs(r *apitest.Response) string {
	var out []pjErr
	for _, e := range r.Errors {
		out = append(out, pjErr{e.Message, e.Path, e.Extensions["code"]})
	}
	b, _ := json.Marshal(out)
	return string(b)
}

// compare runs query as every viewer on both servers and reports each
// difference. what names the type and context, for the non-empty census.
func (h *pjHarness) compare(what, query string) {
	h.t.Helper()
	h.queries++
	for _, v := range h.viewers {
		a := h.light.Do(v.token, query, nil)
		b := h.whole.Do(v.token, query, nil)
		h.requests += 2
		if v.name == "admin" && len(b.Errors) > 0 {
			h.fail(what, "%s: the administrator's reference answer has errors %s\nquery: %s", what, pjErrs(b), query)
			continue
		}
		if bytes.Contains(b.Data, []byte(`"id"`)) || bytes.Contains(b.Data, []byte(`"__typename"`)) {
			h.nonEmpty[what+" as "+v.name]++
		}
		if !bytes.Equal(a.Data, b.Data) || pjErrs(a) != pjErrs(b) || a.Status != b.Status {
			h.fail(what+" as "+v.name, "%s: as %s the projected answer differs from the whole-row one\nquery: %s\n%s\nprojected errors: %s\nwhole-row errors: %s",
				what, v.name, query, pjDiff(a.Data, b.Data), pjErrs(a), pjErrs(b))
		}
	}
}

// fail reports a difference in detail the first time its type and field
// (what, without the context) fail, up to pjDetails reports; every failing
// what is listed at the end (summary).
func (h *pjHarness) fail(what, format string, args ...any) {
	h.t.Helper()
	h.failures++
	key := what
	for _, sep := range []string{" in context ", " through "} {
		if i := strings.Index(key, sep); i > 0 {
			key = key[:i]
		}
	}
	if h.failed == nil {
		h.failed = map[string]int{}
	}
	if h.failed[key] == 0 && h.details < pjDetails {
		h.details++
		h.t.Errorf(format, args...)
	}
	h.failed[key]++
	h.failedWhat = append(h.failedWhat, what)
}

// pjDetails bounds the detailed reports of differences.
const pjDetails = 40

// summary lists every failing query context (after the details).
func (h *pjHarness) summary() {
	if h.failures == 0 {
		return
	}
	seen := map[string]bool{}
	var list []string
	for _, w := range h.failedWhat {
		if len(list) == 150 {
			list = append(list, "...")
			break
		}
		if !seen[w] {
			seen[w] = true
			list = append(list, w)
		}
	}
	keys := make([]string, 0, len(h.failed))
	for k := range h.failed {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	h.t.Errorf("%d differences (query x viewer) in %d fields: %s\nfailing queries:\n  %s",
		h.failures, len(keys), strings.Join(keys, ", "), strings.Join(list, "\n  "))
}

// pjDiff shows the first differing leaves (with their JSON paths) and both
// whole answers.
func pjDiff(a, b json.RawMessage) string {
	var va, vb any
	_ = json.Unmarshal(a, &va)
	_ = json.Unmarshal(b, &vb)
	var diffs []string
	var walk func(path string, x, y any)
	walk = func(path string, x, y any) {
		if len(diffs) >= 8 {
			return
		}
		switch xx := x.(type) {
		case map[string]any:
			yy, ok := y.(map[string]any)
			if !ok {
				break
			}
			keys := make([]string, 0, len(xx))
			for k := range xx {
				keys = append(keys, k)
			}
			for k := range yy {
				if _, ok := xx[k]; !ok {
					keys = append(keys, k)
				}
			}
			sort.Strings(keys)
			for _, k := range keys {
				walk(path+"."+k, xx[k], yy[k])
			}
			return
		case []any:
			yy, ok := y.([]any)
			if !ok || len(xx) != len(yy) {
				break
			}
			for i := range xx {
				walk(fmt.Sprintf("%s[%d]", path, i), xx[i], yy[i])
			}
			return
		}
		jx, _ := json.Marshal(x)
		jy, _ := json.Marshal(y)
		if !bytes.Equal(jx, jy) {
			diffs = append(diffs, fmt.Sprintf("  at %s: projected %s, whole rows %s", path, jx, jy))
		}
	}
	walk("data", va, vb)
	return fmt.Sprintf("differences:\n%s\nprojected: %s\nwhole rows: %s", strings.Join(diffs, "\n"), a, b)
}

// ---- the data ----

// pjData builds the data set through the API (and one direct write) and
// returns the viewers.
func pjData(t *testing.T, s *apitest.Server) []pjViewer {
	t.Helper()
	w := s.BuildWorld()
	admin := w.AdminToken
	r1 := w.Resellers[0]
	mut := func(token, query string, vars map[string]any) json.RawMessage {
		t.Helper()
		r := s.Do(token, query, vars)
		if len(r.Errors) > 0 {
			t.Fatalf("%s: %+v", query, r.Errors)
		}
		if bytes.Contains(r.Data, []byte(`"userErrors":[{`)) {
			t.Fatalf("%s: %s", query, r.Data)
		}
		return r.Data
	}
	contact := func(login, name string) map[string]any {
		return map[string]any{
			"login": login, "password": login + "-pass-1", "name": name, "email": login + "@example.com",
			"company": name + " GmbH", "phone": "+49 30 1234", "fax": "+49 30 1235", "address": "Main St 1",
			"city": "Berlin", "state": "BE", "postalCode": "10115", "country": "DE", "locale": "de", "externalId": "EXT-" + login,
		}
	}
	with := func(m map[string]any, kv ...any) map[string]any {
		for i := 0; i < len(kv); i += 2 {
			m[kv[i].(string)] = kv[i+1]
		}
		return m
	}

	// Reseller plans and resellers: on a plan with oversell, Custom, one
	// without service plans (r4, suspended below with its customer).
	rpOver := s.Create(admin, "createResellerPlan", "resellerPlan", map[string]any{
		"name": "Reseller Oversell", "limits": map[string]any{"customers": 5, "subscriptions": 10, "domains": 50, "mailboxes": 100},
		"permissions": []string{"MANAGE_DNS", "SSH_ACCESS"}, "applications": []string{"wordpress"}, "oversell": true,
	})
	r3 := s.Create(admin, "createReseller", "reseller", with(contact("reseller3", "Reseller 3"),
		"limits", map[string]any{"customers": 3, "subscriptions": 6, "diskSpaceMb": 5000},
		"permissions", []string{"MANAGE_PHP", "MANAGE_FTP"}, "applications", []string{"joomla"}, "oversell", false))
	r4 := s.Create(admin, "createReseller", "reseller", with(contact("reseller4", "Reseller 4"), "planId", rpOver))
	r3tok := s.Login("reseller3", "reseller3-pass-1")
	r4tok := s.Login("reseller4", "reseller4-pass-1")

	// Service plans: the administrator's with permissions and applications,
	// one the administrator makes for r1.
	adminPro := s.Create(admin, "createServicePlan", "servicePlan", map[string]any{
		"name": "Admin Pro", "limits": map[string]any{"diskSpaceMb": 5000, "subdomains": 3, "ftpAccounts": 2, "domains": 10},
		"permissions": []string{"MANAGE_DNS", "MANAGE_MAIL"}, "applications": []string{"wordpress", "joomla"},
	})
	r1Plan2 := s.Create(admin, "createServicePlan", "servicePlan", map[string]any{
		"name": "R1 by admin", "limits": map[string]any{"diskSpaceMb": 2000, "mailboxes": 3},
		"permissions": []string{"MANAGE_PHP"}, "ownerId": r1.ID,
	})

	// Customers.
	c5 := s.Create(admin, "createCustomer", "customer", with(contact("customer5", "Customer 5"), "description", "admin note 5"))
	c6 := s.Create(admin, "createCustomer", "customer", with(contact("customer6", "Customer 6")))
	c7 := s.Create(r1.Token, "createCustomer", "customer", with(contact("customer7", "Customer 7"), "description", "r1 note 7"))
	c8 := s.Create(r4tok, "createCustomer", "customer", with(contact("customer8", "Customer 8")))
	c9 := s.Create(r3tok, "createCustomer", "customer", map[string]any{
		"login": "customer9", "password": "customer9-pass-1", "name": "Customer 9", "email": "c9@example.com"})
	c1 := w.Customers[1].ID

	limits := func(disk, mail int) map[string]any {
		return map[string]any{"diskSpaceMb": disk, "mailboxes": mail, "domains": 8, "trafficMbPerMonth": 9000}
	}
	sub := func(token string, in map[string]any) string {
		t.Helper()
		return s.Create(token, "createSubscription", "subscription", in)
	}
	// Subscriptions: synced with a plan, with an expiry to come; Custom
	// with permissions and applications; LOCKED; expired; of a reseller
	// itself; under a suspended reseller; of a Custom reseller's customer.
	// (2037: a TIMESTAMP column of MariaDB ends in 2038; a later date is an
	// internal error there.)
	sub(admin, map[string]any{"subscriberId": c5, "domain": "c5-pro.example", "servicePlanId": adminPro, "expiresAt": "2037-06-01T03:04:05Z"})
	s6 := sub(admin, map[string]any{"subscriberId": c5, "domain": "c5-custom.example", "limits": limits(700, 7),
		"permissions": []string{"MANAGE_DNS", "INSTALL_APPLICATIONS"}, "applications": []string{"wordpress", "drupal"}})
	s7 := sub(admin, map[string]any{"subscriberId": c5, "domain": "c5-locked.example", "servicePlanId": w.Plans[0]})
	mut(admin, `mutation($in:UpdateSubscriptionInput!){updateSubscription(input:$in){userErrors{code message}}}`,
		map[string]any{"in": map[string]any{"subscriptionId": s7, "limits": limits(1500, 15), "permissions": []string{"MANAGE_FTP"}}})
	expired := sub(admin, map[string]any{"subscriberId": c5, "domain": "c5-expired.example", "limits": limits(100, 1)})
	s9 := sub(r1.Token, map[string]any{"subscriberId": c7, "domain": "c7.example", "servicePlanId": r1Plan2})
	s10 := sub(r1.Token, map[string]any{"subscriberId": c1, "domain": "c1-custom.example", "limits": limits(300, 3),
		"permissions": []string{"MANAGE_MAIL"}, "applications": []string{"nextcloud"}})
	expired2 := sub(r1.Token, map[string]any{"subscriberId": c1, "domain": "c1-expired.example", "servicePlanId": w.Plans[1]})
	sub(admin, map[string]any{"subscriberId": r1.ID, "domain": "r1-own.example", "limits": limits(900, 9),
		"permissions": []string{"SSH_ACCESS"}, "applications": []string{"wordpress"}})
	sub(r4tok, map[string]any{"subscriberId": c8, "domain": "c8.example", "limits": limits(200, 2)})
	sub(r3tok, map[string]any{"subscriberId": c9, "domain": "c9.example", "limits": limits(250, 2)})
	for _, d := range []struct{ sub, name string }{{s6, "c5-extra.example"}, {s10, "c1-extra.example"}, {s10, "c1-more.example"}} {
		s.Create(admin, "addDomain", "domain", map[string]any{"subscriptionId": d.sub, "name": d.name})
	}
	// Expired: an expiry date in the past (the API refuses to set one, so
	// write it directly).
	for _, id := range []string{expired, expired2} {
		n, err := strconv.Atoi(id)
		if err != nil {
			t.Fatal(err)
		}
		ctx := privacy.DecisionContext(context.Background(), privacy.Allow)
		if err := s.Client.HostingSubscription.UpdateOneID(n).SetExpiresAt(time.Now().Add(-48 * time.Hour)).Exec(ctx); err != nil {
			t.Fatal(err)
		}
	}

	// Panel users: of a reseller, of a customer with another role.
	s.Create(admin, "createPanelUser", "panelUser", map[string]any{
		"accountId": r1.ID, "login": "r1staff", "password": "r1staff-pass-1", "name": "R1 Staff", "email": "staff@r1.example"})
	s.Create(admin, "createPanelUser", "panelUser", map[string]any{
		"accountId": c5, "login": "c5acct", "password": "c5acct-pass-1", "name": "C5 Accountant", "email": "acct@c5.example", "role": "ACCOUNTANT"})

	// Descriptions on both sides.
	setDesc := `mutation($in:SetCustomerDescriptionInput!){setCustomerDescription(input:$in){userErrors{code message}}}`
	mut(admin, setDesc, map[string]any{"in": map[string]any{"customerId": c1, "text": "admin about c1"}})
	mut(r1.Token, setDesc, map[string]any{"in": map[string]any{"customerId": c1, "text": "r1 about c1"}})
	mut(admin, setDesc, map[string]any{"in": map[string]any{"customerId": w.Customers[2].ID, "text": "admin for r1 about c2", "authorId": r1.ID}})

	// Webhook endpoints of the administrator (registered through the API,
	// on a public address nothing answers at) and of r1 (a local receiver,
	// allowed by the worker below); the suspensions below are delivered.
	mut(admin, `mutation($in:CreateWebhookEndpointInput!){createWebhookEndpoint(input:$in){secret userErrors{code message}}}`,
		map[string]any{"in": map[string]any{"url": "https://192.0.43.10/hook", "description": "billing",
			"eventTypes": []string{"customer.suspended", "subscription.suspended"}}})
	if err := s.Client.WebhookEndpoint.Create().SetURL(pjReceiver(t)).SetResellerID(storedInt(t, r1.ID)).
		SetEventTypes([]string{"customer.suspended", "subscription.suspended"}).SetSecret("whsec_pj").
		Exec(privacy.DecisionContext(context.Background(), privacy.Allow)); err != nil {
		t.Fatal(err)
	}
	defer func() {
		cfg := webhooks.Config{AllowPrivate: true, Timeout: 200 * time.Millisecond}
		if err := webhooks.NewWorker(s.Client, cfg).Tick(context.Background()); err != nil {
			t.Fatal(err)
		}
	}()

	// Suspensions: a customer by the administrator, one by its reseller, a
	// reseller (PARENT below it), subscriptions by the administrator (also
	// under a reseller) and by a reseller.
	mut(admin, `mutation($in:SuspendCustomersInput!){suspendCustomers(input:$in){userErrors{code message}}}`,
		map[string]any{"in": map[string]any{"ids": []string{c6}, "reason": "non-payment"}})
	mut(r1.Token, `mutation($in:SuspendCustomersInput!){suspendCustomers(input:$in){userErrors{code message}}}`,
		map[string]any{"in": map[string]any{"ids": []string{c7}}})
	mut(admin, `mutation($in:SuspendSubscriptionsInput!){suspendSubscriptions(input:$in){userErrors{code message}}}`,
		map[string]any{"in": map[string]any{"ids": []string{s6, w.Subscriptions[2]}, "reason": "abuse"}})
	mut(r1.Token, `mutation($in:SuspendSubscriptionsInput!){suspendSubscriptions(input:$in){userErrors{code message}}}`,
		map[string]any{"in": map[string]any{"ids": []string{s9, s10}, "reason": "r1 says so"}})
	mut(admin, `mutation($in:SuspendResellersInput!){suspendResellers(input:$in){userErrors{code message}}}`,
		map[string]any{"in": map[string]any{"ids": []string{r4}, "reason": "unpaid"}})
	_ = r3

	// An API token never used: its lastUsedAt stays null on both servers.
	mut(admin, `mutation{createApiToken(input:{name:"ci",expiresAt:"2037-01-01T00:00:00Z",readOnly:true}){token userErrors{code message}}}`, nil)

	return []pjViewer{
		{"admin", admin},
		{"reseller1", r1.Token},
		{"customer1", w.Customers[1].Token},
		{"staff1 (panel user of customer1)", w.PanelUsers[1].Token},
		{"r1staff (panel user of reseller1)", s.Login("r1staff", "r1staff-pass-1")},
	}
}

// pjReceiver is a local webhook receiver answering 200.
func pjReceiver(t *testing.T) string {
	rcv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	t.Cleanup(rcv.Close)
	return rcv.URL + "/hook"
}

// ---- contexts ----

// pjContexts are the queries that reach each type: %s is the selection.
var pjContexts = map[string][]string{
	"Customer": {
		`{customers(first:50){edges{node{%s}}}}`,
		`{resellers(first:50){edges{node{customers(first:50){edges{node{%s}}}}}}}`,
		`{subscriptions(first:50){edges{node{subscriber{... on Customer{%s}}}}}}`,
		`{viewer{account{... on Customer{%s}}}}`,
		`{customers(first:50){edges{node{panelUsers{account{... on Customer{%s}}}}}}}`,
	},
	"Reseller": {
		`{resellers(first:50){edges{node{%s}}}}`,
		`{customers(first:50){edges{node{owner{... on Reseller{%s}}}}}}`,
		`{subscriptions(first:50){edges{node{subscriber{... on Reseller{%s}}}}}}`,
		`{resellerPlans(first:50){edges{node{resellers(first:50){edges{node{%s}}}}}}}`,
		`{servicePlans(first:50){edges{node{owner{... on Reseller{%s}}}}}}`,
		`{viewer{account{... on Reseller{%s}}}}`,
	},
	"Administrator": {
		`{viewer{account{... on Administrator{%s}}}}`,
		`{customers(first:50){edges{node{owner{... on Administrator{%s}}}}}}`,
		`{servicePlans(first:50){edges{node{owner{... on Administrator{%s}}}}}}`,
	},
	"HostingSubscription": {
		`{subscriptions(first:50){edges{node{%s}}}}`,
		`{customers(first:50){edges{node{subscriptions(first:50){edges{node{%s}}}}}}}`,
		`{resellers(first:50){edges{node{subscriptions(first:50){edges{node{%s}}}}}}}`,
		`{servicePlans(first:50){edges{node{subscriptions(first:50){edges{node{%s}}}}}}}`,
		`{subscriptions(first:50){edges{node{domains{subscription{%s}}}}}}`,
	},
	"Domain": {
		`{subscriptions(first:50){edges{node{domains{%s}}}}}`,
		`{subscriptions(first:50){edges{node{domain{%s}}}}}`,
	},
	"ServicePlan": {
		`{servicePlans(first:50){edges{node{%s}}}}`,
		`{subscriptions(first:50){edges{node{plan{%s}}}}}`,
		`{resellers(first:50){edges{node{servicePlans{%s}}}}}`,
	},
	"ResellerPlan": {
		`{resellerPlans(first:50){edges{node{%s}}}}`,
		`{resellers(first:50){edges{node{plan{%s}}}}}`,
	},
	"PanelUser": {
		`{customers(first:50){edges{node{panelUsers{%s}}}}}`,
		`{resellers(first:50){edges{node{panelUsers{%s}}}}}`,
		`{viewer{panelUser{%s}}}`,
	},
	"Description": {
		`{customers(first:50){edges{node{descriptions{%s}}}}}`,
	},
	"AuditEvent": {
		`{auditEvents(first:100){edges{node{%s}}}}`,
	},
	"WebhookEndpoint": {
		`{webhookEndpoints(first:50){edges{node{%s}}}}`,
		`{webhookEndpoints(first:50){edges{node{deliveries(first:50){edges{node{endpoint{%s}}}}}}}}`,
	},
	"WebhookDelivery": {
		`{webhookEndpoints(first:50){edges{node{deliveries(first:50){edges{node{%s}}}}}}}`,
	},
	"Viewer":        {`{viewer{%s}}`},
	"ApiToken":      {`{viewer{apiTokens{%s}}}`},
	"CustomerStats": {`{customerStats{%s}}`},
}

// pjByNode are the types also reached through node and nodes.
var pjByNode = []string{"Customer", "Reseller", "HostingSubscription", "Administrator", "Domain", "ServicePlan",
	"ResellerPlan", "PanelUser", "AuditEvent", "WebhookEndpoint", "WebhookDelivery"}

// ---- the test ----

func TestProjectionMatchesWholeRows(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d string) {
		start := time.Now()
		// Both servers lift the cost limit: the generated queries nest lists
		// of 50 in lists of 50, which the default cost refuses.
		unlimited := func(c *graph.HandlerConfig) { c.Limits.MaxComplexity = 1 << 30 }
		light, _ := apitest.NewWith(t, d, apitest.Options{Configure: unlimited})
		whole, _ := light.Twin(apitest.Options{Configure: func(c *graph.HandlerConfig) {
			unlimited(c)
			c.WholeRows, c.ReferenceExecutor = true, true
		}})
		h := &pjHarness{t: t, light: light, whole: whole, nonEmpty: map[string]int{}}
		h.viewers = pjData(t, light)
		built := time.Since(start)

		// The schema.
		var intro struct {
			Schema struct{ Types []*pjType } `json:"__schema"`
		}
		light.Must(h.viewers[0].token, pjIntrospection, nil, &intro)
		sc := pjSchema{}
		for _, ty := range intro.Schema.Types {
			sc[ty.Name] = ty
		}
		// Every object type implementing Node must have contexts here: a new
		// entity type fails the test until it is reachable.
		for name, ty := range sc {
			if ty.Kind == "OBJECT" && sc.isNode(name) && pjContexts[name] == nil {
				t.Errorf("type %s implements Node but has no context in pjContexts", name)
			}
		}

		// IDs of each Node type, for node and nodes.
		ids := map[string][]string{}
		for typ, ctxs := range pjContexts {
			if !sc.isNode(typ) {
				continue
			}
			seen := map[string]bool{}
			for _, c := range ctxs {
				r := light.Do(h.viewers[0].token, fmt.Sprintf(c, "__typename id"), nil)
				var walk func(v any)
				walk = func(v any) {
					switch x := v.(type) {
					case map[string]any:
						if x["__typename"] == typ {
							if id, ok := x["id"].(string); ok && !seen[id] {
								seen[id] = true
								ids[typ] = append(ids[typ], id)
							}
						}
						for _, y := range x {
							walk(y)
						}
					case []any:
						for _, y := range x {
							walk(y)
						}
					}
				}
				var v any
				_ = json.Unmarshal(r.Data, &v)
				walk(v)
			}
			sort.Slice(ids[typ], func(i, j int) bool { return pjLess(ids[typ][i], ids[typ][j]) })
		}
		for _, typ := range pjByNode {
			if len(ids[typ]) == 0 {
				t.Fatalf("the data set has no %s", typ)
			}
		}

		// The selections of each type: id F per field, all scalars, all.
		type selection struct{ name, sel string }
		skipped := map[string]string{}
		selections := func(typ string) []selection {
			var out []selection
			hasID := false
			for _, f := range sc[typ].Fields {
				if f.Name == "id" {
					hasID = true
				}
			}
			prefix := "__typename "
			if hasID {
				prefix = "id "
			}
			for _, f := range sc[typ].Fields {
				if why := sc.skipField(typ, f); why != "" {
					skipped[typ+"."+f.Name] = why
					continue
				}
				out = append(out, selection{f.Name, prefix + sc.fieldSel(f, 0)})
			}
			out = append(out, selection{"(all scalars)", prefix + sc.allSel(typ, true, 0)})
			out = append(out, selection{"(all fields)", prefix + sc.allSel(typ, false, 0)})
			return out
		}

		types := make([]string, 0, len(pjContexts))
		for typ := range pjContexts {
			if sc[typ] == nil {
				t.Fatalf("no type %s in the schema", typ)
			}
			types = append(types, typ)
		}
		sort.Strings(types)
		perType := map[string]int{}
		for _, typ := range types {
			sels := selections(typ)
			before := h.queries
			for ci, c := range pjContexts[typ] {
				for _, s := range sels {
					h.compare(fmt.Sprintf("%s.%s in context %d", typ, s.name, ci), fmt.Sprintf(c, s.sel))
				}
			}
			if sc.isNode(typ) {
				var node, nodes []string
				for i, id := range ids[typ] {
					if i < 40 {
						node = append(node, fmt.Sprintf(`n%d:node(id:%q){... on %s{%%[1]s}}`, i, id, typ))
					}
				}
				q, _ := json.Marshal(ids[typ])
				nodes = append(nodes, fmt.Sprintf(`{nodes(ids:%s){... on %s{%%[1]s}}}`, q, typ))
				for _, s := range sels {
					h.compare(fmt.Sprintf("%s.%s through node", typ, s.name), fmt.Sprintf("{"+strings.Join(node, " ")+"}", s.sel))
					h.compare(fmt.Sprintf("%s.%s through nodes", typ, s.name), fmt.Sprintf(nodes[0], s.sel))
				}
			}
			perType[typ] = h.queries - before
		}

		h.summary()

		// The harness must have looked at data: every type answered with
		// objects in every context, to some viewer.
		for _, typ := range types {
			for ci := range pjContexts[typ] {
				n := 0
				for _, v := range h.viewers {
					n += h.nonEmpty[fmt.Sprintf("%s.(all fields) in context %d as %s", typ, ci, v.name)]
				}
				if n == 0 {
					t.Errorf("%s in context %d: no viewer's answer holds an object", typ, ci)
				}
			}
		}
		var skips []string
		for f, why := range skipped {
			skips = append(skips, f+" ("+why+")")
		}
		sort.Strings(skips)
		t.Logf("%s: %d queries x %d viewers, %d requests; per type %v; ids %v; skipped fields %v; data %v, total %v",
			d, h.queries, len(h.viewers), h.requests, perType, pjCounts(ids), skips, built.Round(time.Millisecond),
			time.Since(start).Round(time.Millisecond))
	})
}

func pjLess(a, b string) bool {
	x, errx := strconv.ParseInt(a, 10, 64)
	y, erry := strconv.ParseInt(b, 10, 64)
	if errx == nil && erry == nil {
		return x < y
	}
	return a < b
}

func pjCounts(ids map[string][]string) map[string]int {
	out := map[string]int{}
	for k, v := range ids {
		out[k] = len(v)
	}
	return out
}
