package graph_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"slices"
	"strconv"
	"testing"

	"entgo.io/ent/dialect"
	"pgregory.net/rapid"

	"github.com/hostpanel/panel/ent"
	"github.com/hostpanel/panel/ent/administrator"
	"github.com/hostpanel/panel/ent/credential"
	"github.com/hostpanel/panel/ent/privacy"
	"github.com/hostpanel/panel/graph"
	"github.com/hostpanel/panel/internal/auth"
	"github.com/hostpanel/panel/internal/db"
	"github.com/hostpanel/panel/internal/dbtest"
	"github.com/hostpanel/panel/internal/types"
)

// TestTenantIsolationProperty: random ownership graphs, random viewers of
// every role and random sequences of reads and bulk writes through the
// GraphQL API; after every step the API's answers and the database equal the
// reference model (property_model_test.go), and a foreign ID answers exactly
// like a missing one. 500 sequences on SQLite by default
// (PANEL_PROPERTY_CHECKS or -rapid.checks for more), 50 on MariaDB.
func TestTenantIsolationProperty(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d string) {
		checks := 500
		if d == dialect.MySQL {
			checks = 50
		}
		if n, err := strconv.Atoi(os.Getenv("PANEL_PROPERTY_CHECKS")); err == nil && n > 0 {
			checks = n
		}
		setRapidFlag(t, "rapid.checks", checks)
		setRapidFlag(t, "rapid.steps", 12)
		p := newPropEnv(t, d)
		rapid.Check(t, p.run)
	})
}

// setRapidFlag sets a rapid flag unless it was given on the command line.
func setRapidFlag(t *testing.T, name string, n int) {
	f := flag.Lookup(name)
	if f == nil {
		return
	}
	given := false
	flag.Visit(func(g *flag.Flag) { given = given || g.Name == name })
	if given {
		return
	}
	old := f.Value.String()
	_ = f.Value.Set(strconv.Itoa(n))
	t.Cleanup(func() { _ = f.Value.Set(old) })
}

const propPassword = "property-pass-1"

type propEnv struct {
	client  *ent.Client
	auth    *auth.Service
	handler http.Handler
	hash    string
	adminID int
}

func propSys() context.Context { return privacy.DecisionContext(context.Background(), privacy.Allow) }

func newPropEnv(t *testing.T, d string) *propEnv {
	client := dbtest.Open(t, d, nil)
	hasher := auth.FastHasher()
	if _, err := db.EnsureAdmin(context.Background(), client, hasher, propPassword); err != nil {
		t.Fatal(err)
	}
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	as := auth.NewService(client, hasher, logger)
	as.SetThrottle(auth.ThrottleConfig{MaxPerLogin: 1 << 30, MaxPerAddress: 1 << 30})
	hash, err := hasher.Hash(propPassword)
	if err != nil {
		t.Fatal(err)
	}
	adminID, err := client.Administrator.Query().OnlyID(propSys())
	if err != nil {
		t.Fatal(err)
	}
	return &propEnv{client: client, auth: as, hash: hash, adminID: adminID,
		handler: as.Middleware(graph.NewHandler(graph.HandlerConfig{Client: client, Auth: as, Logger: logger}))}
}

// wipe removes everything but the administrator, so that one database
// serves every sequence.
func (p *propEnv) wipe(t *rapid.T) {
	ctx, c := propSys(), p.client
	steps := []func() error{
		func() error { _, err := c.Domain.Delete().Exec(ctx); return err },
		func() error { _, err := c.HostingSubscription.Delete().Exec(ctx); return err },
		func() error { _, err := c.Description.Delete().Exec(ctx); return err },
		func() error { _, err := c.Session.Delete().Exec(ctx); return err },
		func() error {
			_, err := c.Credential.Delete().Where(credential.Not(credential.HasAdministrator())).Exec(ctx)
			return err
		},
		func() error { _, err := c.PanelUser.Delete().Exec(ctx); return err },
		func() error { _, err := c.Customer.Delete().Exec(ctx); return err },
		func() error { _, err := c.ServicePlan.Delete().Exec(ctx); return err },
		func() error { _, err := c.Reseller.Delete().Exec(ctx); return err },
		func() error { _, err := c.AuditTarget.Delete().Exec(ctx); return err },
		func() error { _, err := c.AuditScope.Delete().Exec(ctx); return err },
		func() error { _, err := c.AuditEvent.Delete().Exec(ctx); return err },
	}
	for _, s := range steps {
		if err := s(); err != nil {
			t.Fatalf("wipe: %v", err)
		}
	}
	_ = administrator.Label
}

// build draws an ownership graph, creates it through ent and returns its model.
func (p *propEnv) build(t *rapid.T) *model {
	ctx, c := propSys(), p.client
	m := &model{admin: p.adminID, resLogin: map[int]string{}, customers: map[int]*mCustomer{},
		subs: map[int]*mSub{}, domains: map[int]int{}, panelUsers: map[int]*mPanelUser{}, base: map[int]int{}}
	must := func(err error) {
		if err != nil {
			t.Fatalf("build: %v", err)
		}
	}
	nRes := rapid.IntRange(2, 4).Draw(t, "resellers")
	for i := range nRes {
		login := fmt.Sprintf("pr%d", i)
		r, err := c.Reseller.Create().SetLogin(login).SetName(login).SetEmail(login + "@example.com").Save(ctx)
		must(err)
		must(c.Credential.Create().SetLogin(login).SetPasswordHash(p.hash).SetReseller(r).Exec(ctx))
		m.note(r.ID)
		m.resellers = append(m.resellers, r.ID)
		m.resLogin[r.ID] = login
	}
	dn := 0
	for _, r := range m.resellers {
		if rapid.IntRange(0, 2).Draw(t, "ownSubscription") == 0 {
			name := fmt.Sprintf("d%d.example", dn)
			dn++
			s, err := c.HostingSubscription.Create().SetName(name).SetResellerID(r).Save(ctx)
			must(err)
			dm, err := c.Domain.Create().SetName(name).SetPrimary(true).SetSubscriptionID(s.ID).Save(ctx)
			must(err)
			m.note(s.ID)
			m.note(dm.ID)
			m.subs[s.ID] = &mSub{id: s.ID, reseller: r}
			m.subOrder = append(m.subOrder, s.ID)
			m.domains[dm.ID] = s.ID
		}
	}
	nCust := rapid.IntRange(1, 8).Draw(t, "customers")
	for i := range nCust {
		owner := rapid.IntRange(0, nRes).Draw(t, "owner") // 0 = the administrator
		login := fmt.Sprintf("pc%d", i)
		cc := c.Customer.Create().SetLogin(login).SetName(login).SetEmail(login + "@example.com")
		mc := &mCustomer{login: login}
		if owner > 0 {
			mc.owner = m.resellers[owner-1]
			cc.SetResellerID(mc.owner)
		}
		cu, err := cc.Save(ctx)
		must(err)
		must(c.Credential.Create().SetLogin(login).SetPasswordHash(p.hash).SetCustomer(cu).Exec(ctx))
		mc.id = cu.ID
		m.note(cu.ID)
		m.customers[cu.ID] = mc
		m.custOrder = append(m.custOrder, cu.ID)
		for range rapid.IntRange(0, 2).Draw(t, "subscriptions") {
			name := fmt.Sprintf("d%d.example", dn)
			dn++
			s, err := c.HostingSubscription.Create().SetName(name).SetCustomerID(cu.ID).Save(ctx)
			must(err)
			m.note(s.ID)
			m.subs[s.ID] = &mSub{id: s.ID, customer: cu.ID}
			m.subOrder = append(m.subOrder, s.ID)
			for j := range rapid.IntRange(1, 2).Draw(t, "domains") {
				if j > 0 {
					name = fmt.Sprintf("d%d.example", dn)
					dn++
				}
				dm, err := c.Domain.Create().SetName(name).SetPrimary(j == 0).SetSubscriptionID(s.ID).Save(ctx)
				must(err)
				m.note(dm.ID)
				m.domains[dm.ID] = s.ID
			}
		}
		if rapid.Bool().Draw(t, "panelUser") {
			pl := login + "-pu"
			pu, err := c.PanelUser.Create().SetLogin(pl).SetName(pl).SetEmail(pl + "@example.com").SetCustomerID(cu.ID).Save(ctx)
			must(err)
			must(c.Credential.Create().SetLogin(pl).SetPasswordHash(p.hash).SetPanelUserID(pu.ID).Exec(ctx))
			m.note(pu.ID)
			m.panelUsers[pu.ID] = &mPanelUser{id: pu.ID, customer: cu.ID, login: pl}
			m.puOrder = append(m.puOrder, pu.ID)
		}
	}
	return m
}

// failer reports failures with the IDs replaced by labels relative to the
// world (type:offset): IDs keep growing from run to run in the shared
// database, and the labels make the shrunk case's log readable and stable.
type failer struct {
	t *rapid.T
	m *model
}

func (m *model) failer(t *rapid.T) failer { return failer{t, m} }

var bigID = regexp.MustCompile(`\d{10,}`)

func (f failer) label(s string) string {
	return bigID.ReplaceAllStringFunc(s, func(d string) string {
		id, err := strconv.Atoi(d)
		if err != nil {
			return d
		}
		if base, ok := f.m.base[id>>32]; ok {
			return fmt.Sprintf("<%d:+%d>", id>>32, id-base)
		}
		return d
	})
}

// Fatalf logs the details and fails with the format alone: rapid shrinks
// only while the failure message stays the same, so the message names the
// check, not the objects of one case.
func (f failer) Fatalf(format string, args ...any) {
	f.t.Helper()
	f.t.Log(f.label(fmt.Sprintf(format, args...)))
	f.t.Fatal("property violated: " + format)
}

func (f failer) Fatal(args ...any) {
	f.t.Helper()
	f.t.Fatal(f.label(fmt.Sprint(args...)))
}

// note records the first ID of each type in the world.
func (m *model) note(id int) {
	if _, ok := m.base[id>>32]; !ok {
		m.base[id>>32] = id
	}
}

// allIDs is every ID the model ever knew plus missing ones of each kind.
func (m *model) allIDs() []int {
	ids := []int{m.admin}
	ids = append(ids, m.resellers...)
	ids = append(ids, m.custOrder...)
	for id := range m.subs {
		ids = append(ids, id)
	}
	for id := range m.domains {
		ids = append(ids, id)
	}
	for id := range m.panelUsers {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	missing := []int{m.custOrder[0] + 10000, m.resellers[0] + 10000, 1 << 40}
	return append(ids, missing...)
}

// do runs a GraphQL request in process as the holder of token.
func (p *propEnv) do(t *rapid.T, token, query string, vars map[string]any) (map[string]any, []map[string]any) {
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	rec := httptest.NewRecorder()
	p.handler.ServeHTTP(rec, req)
	var out struct {
		Data   map[string]any
		Errors []map[string]any
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
		t.Fatalf("bad response %d: %s", rec.Code, rec.Body.String())
	}
	return out.Data, out.Errors
}

func errCode(errs []map[string]any) string {
	if len(errs) == 0 {
		return ""
	}
	ext, _ := errs[0]["extensions"].(map[string]any)
	c, _ := ext["code"].(string)
	return c
}

func gid(v any) int {
	s, _ := v.(string)
	n, _ := strconv.Atoi(s)
	return n
}

func gids(ids []int) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = strconv.Itoa(id)
	}
	return out
}

// connIDs decodes {totalCount edges{node{id status}}}.
func connIDs(v any) (ids []int, total int, statuses map[int]string) {
	conn, _ := v.(map[string]any)
	tc, _ := conn["totalCount"].(float64)
	statuses = map[int]string{}
	edges, _ := conn["edges"].([]any)
	for _, e := range edges {
		n := e.(map[string]any)["node"].(map[string]any)
		id := gid(n["id"])
		ids = append(ids, id)
		if s, ok := n["status"].(string); ok {
			statuses[id] = s
		}
	}
	return ids, int(tc), statuses
}

func sameSet(a, b []int) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

// drawViewer picks a role and an account of it (possibly deleted).
func (m *model) drawViewer(t *rapid.T) (propViewer, string) {
	roles := []propRole{pAdmin, pReseller, pCustomer}
	if len(m.puOrder) > 0 {
		roles = append(roles, pPanelUser)
	}
	switch rapid.SampledFrom(roles).Draw(t, "role") {
	case pReseller:
		id := drawOne(t, m.resellers, "reseller")
		return propViewer{pReseller, id}, m.resLogin[id]
	case pCustomer:
		id := drawOne(t, m.custOrder, "customer")
		return propViewer{pCustomer, id}, m.customers[id].login
	case pPanelUser:
		id := drawOne(t, m.puOrder, "panelUser")
		return propViewer{pPanelUser, id}, m.panelUsers[id].login
	}
	return propViewer{role: pAdmin, id: m.admin}, "admin"
}

// drawOne draws an element of ids by its index, so that the draws rapid
// logs do not depend on the IDs of one run.
func drawOne(t *rapid.T, ids []int, label string) int {
	return ids[rapid.IntRange(0, len(ids)-1).Draw(t, label+"Index")]
}

// drawSlice draws a list of elements of ids (by index, see drawOne).
func drawSlice(t *rapid.T, ids []int, minLen, maxLen int, label string) []int {
	idx := rapid.SliceOfN(rapid.IntRange(0, len(ids)-1), minLen, maxLen).Draw(t, label+"Indexes")
	out := make([]int, len(idx))
	for i, j := range idx {
		out[i] = ids[j]
	}
	return out
}

// drawIDs draws a bulk ID list mixing own, foreign, missing and repeated IDs.
func drawIDs(t *rapid.T, pool []int, label string) []int {
	ids := drawSlice(t, pool, 0, 6, label)
	if len(ids) > 0 && rapid.Bool().Draw(t, label+"Repeat") {
		ids = append(ids, ids[rapid.IntRange(0, len(ids)-1).Draw(t, label+"RepeatOf")])
	}
	return ids
}

// propOps names the operations of a step (rapid's state machine deletes
// whole steps when it shrinks).
var propOps = []string{"node", "nodes", "customers", "subscriptions", "customerStats",
	"customerSubscriptions", "suspendCustomers", "activateCustomers", "suspendActivateSubscriptions",
	"deleteCustomers", "resellers", "moveCustomers", "createCustomer", "updateCustomerContact",
	"addDomain", "resellerCustomers"}

func (p *propEnv) run(t *rapid.T) {
	p.wipe(t)
	m := p.build(t)
	f := m.failer(t)
	actions := map[string]func(*rapid.T){"": func(t *rapid.T) { p.checkDB(t, m) }}
	for op, name := range propOps {
		actions[name] = func(t *rapid.T) {
			pool := m.allIDs()
			custPool := append(slices.Clone(m.custOrder), m.custOrder[0]+10000)
			subPool := append(slices.Clone(m.subOrder), pool[len(pool)-1])
			if len(m.subOrder) > 0 {
				subPool = append(subPool, m.subOrder[0]+10000)
			}
			v, login := m.drawViewer(t)
			token, _, err := p.auth.Login(context.Background(), login, propPassword)
			if ok := m.canLogin(v); ok != (err == nil) {
				f.Fatalf("login %s (%v): model says %v, API %v", login, v, ok, err)
			}
			if err != nil {
				return
			}
			p.step(t, m, v, token, op, pool, custPool, subPool)
		}
	}
	t.Repeat(actions)
}

const (
	propSuspendCustomers  = `mutation($in:SuspendCustomersInput!){r:suspendCustomers(input:$in){customers{id status} committed userErrors{code field}}}`
	propActivateCustomers = `mutation($in:ActivateCustomersInput!){r:activateCustomers(input:$in){customers{id status} committed userErrors{code field}}}`
	propSuspendSubs       = `mutation($in:SuspendSubscriptionsInput!){r:suspendSubscriptions(input:$in){subscriptions{id status} committed userErrors{code field}}}`
	propActivateSubs      = `mutation($in:ActivateSubscriptionsInput!){r:activateSubscriptions(input:$in){subscriptions{id status} committed userErrors{code field}}}`
	propDeleteCustomers   = `mutation($in:DeleteCustomersInput!){r:deleteCustomers(input:$in){deletedCustomerIds committed userErrors{code field}}}`
)

func (p *propEnv) step(t *rapid.T, m *model, v propViewer, token string, op int, pool, custPool, subPool []int) {
	f := m.failer(t)
	switch op {
	case 15: // Reseller.customers: a reseller node in reach lists only what the viewer may see
		r := drawOne(t, m.resellers, "reseller")
		data, errs := p.do(t, token, `query($id:ID!){node(id:$id){... on Reseller{customers(first:100){totalCount edges{node{id}}}}}}`,
			map[string]any{"id": strconv.Itoa(r)})
		if len(errs) > 0 {
			f.Fatalf("Reseller.customers as %v: %v", v, errs)
		}
		if !m.visible(v, r) {
			if data["node"] != nil {
				f.Fatalf("reseller %d visible to %v", r, v)
			}
			return
		}
		ids, total, _ := connIDs(data["node"].(map[string]any)["customers"])
		var want []int
		for _, id := range m.visibleCustomers(v) {
			if m.customers[id].owner == r {
				want = append(want, id)
			}
		}
		if !sameSet(ids, want) || total != len(want) {
			f.Fatalf("reseller %d customers as %v: %v (%d), model %v", r, v, ids, total, want)
		}
	case 10: // resellers: the administrator's only
		data, errs := p.do(t, token, `{resellers(first:100){totalCount edges{node{id}}}}`, nil)
		if v.role != pAdmin {
			if errCode(errs) != "FORBIDDEN" || data != nil && data["resellers"] != nil {
				f.Fatalf("resellers as %v: %v %v", v, data, errs)
			}
			return
		}
		ids, total, _ := connIDs(data["resellers"])
		if len(errs) > 0 || !sameSet(ids, m.resellers) || total != len(m.resellers) {
			f.Fatalf("resellers: %v (%d) %v, model %v", ids, total, errs, m.resellers)
		}
	case 11: // moveCustomers: the administrator's only
		ids := drawIDs(t, custPool, "ids")
		owners := append([]int{m.admin}, m.resellers...)
		to := drawOne(t, owners, "newOwner")
		partial := rapid.Bool().Draw(t, "partial")
		dry := rapid.IntRange(0, 3).Draw(t, "dry") == 0
		items := make([]map[string]any, len(ids))
		for i, id := range ids {
			items[i] = map[string]any{"customerId": strconv.Itoa(id)}
		}
		mode := "ATOMIC"
		if partial {
			mode = "PARTIAL"
		}
		data, errs := p.do(t, token, `mutation($in:MoveCustomersInput!){r:moveCustomers(input:$in){customers{id owner{... on Reseller{id} ... on Administrator{id}}} committed userErrors{code field}}}`,
			map[string]any{"in": map[string]any{"newOwnerId": strconv.Itoa(to), "items": items, "mode": mode, "dryRun": dry}})
		if v.role != pAdmin {
			if errCode(errs) != "FORBIDDEN" || data != nil && data["r"] != nil {
				f.Fatalf("moveCustomers as %v: %v %v", v, data, errs)
			}
			return
		}
		if len(errs) > 0 {
			f.Fatalf("moveCustomers: %v", errs)
		}
		newOwner := to
		if to == m.admin {
			newOwner = 0
		}
		want := m.moveCustomers(ids, newOwner, partial, dry)
		r := data["r"].(map[string]any)
		var gotIDs []int
		for _, o := range r["customers"].([]any) {
			obj := o.(map[string]any)
			gotIDs = append(gotIDs, gid(obj["id"]))
			if own := gid(obj["owner"].(map[string]any)["id"]); own != to {
				f.Fatalf("moveCustomers to %d: customer %v owned by %d", to, obj["id"], own)
			}
		}
		p.checkBulk(t, m, "moveCustomers", ids, v, gotIDs, r, want)
	case 12: // createCustomer: owned by the viewer's side
		m.created++
		login := fmt.Sprintf("pn%d", m.created)
		data, errs := p.do(t, token, `mutation($in:CreateCustomerInput!){r:createCustomer(input:$in){customer{id owner{... on Reseller{id} ... on Administrator{id}}} userErrors{code field}}}`,
			map[string]any{"in": map[string]any{"login": login, "password": propPassword, "name": login, "email": login + "@example.com"}})
		if v.role != pAdmin && v.role != pReseller {
			if errCode(errs) != "FORBIDDEN" || data != nil && data["r"] != nil {
				f.Fatalf("createCustomer as %v: %v %v", v, data, errs)
			}
			return
		}
		r, _ := data["r"].(map[string]any)
		if len(errs) > 0 || r == nil || len(r["userErrors"].([]any)) > 0 || r["customer"] == nil {
			f.Fatalf("createCustomer as %v: %v %v", v, data, errs)
		}
		cu := r["customer"].(map[string]any)
		id, owner := gid(cu["id"]), 0
		if v.role == pReseller {
			owner = v.id
		}
		if got := gid(cu["owner"].(map[string]any)["id"]); got != v.id {
			f.Fatalf("createCustomer as %v: owner %d", v, got)
		}
		m.customers[id] = &mCustomer{id: id, owner: owner, login: login}
		m.custOrder = append(m.custOrder, id)
	case 13: // updateCustomerContact: own customers only; foreign = missing
		id := drawOne(t, custPool, "customer")
		data, errs := p.do(t, token, `mutation($in:UpdateCustomerContactInput!){r:updateCustomerContact(input:$in){customer{id} userErrors{code field}}}`,
			map[string]any{"in": map[string]any{"customerId": strconv.Itoa(id), "city": "Property"}})
		if v.role == pPanelUser {
			if errCode(errs) != "FORBIDDEN" || data != nil && data["r"] != nil {
				f.Fatalf("updateCustomerContact as %v: %v %v", v, data, errs)
			}
			return
		}
		want := `map[customer:<nil> userErrors:[map[code:NOT_FOUND field:[customerId]]]]`
		if m.canEditCustomer(v, id) {
			want = fmt.Sprintf(`map[customer:map[id:%d] userErrors:[]]`, id)
		}
		if len(errs) > 0 || fmt.Sprint(data["r"]) != want {
			f.Fatalf("updateCustomerContact(%d) as %v: %v %v, want %s", id, v, data, errs, want)
		}
	case 14: // addDomain: subscriptions in scope only; foreign = missing
		if len(subPool) == 0 {
			return
		}
		sub := drawOne(t, subPool, "subscription")
		m.created++
		name := fmt.Sprintf("added%d.example", m.created)
		data, errs := p.do(t, token, `mutation($in:AddDomainInput!){r:addDomain(input:$in){domain{id subscription{id}} userErrors{code field}}}`,
			map[string]any{"in": map[string]any{"subscriptionId": strconv.Itoa(sub), "name": name}})
		if v.role == pPanelUser && m.seesSub(v, sub) { // a WEBMASTER panel user may not manage domains
			if errCode(errs) != "FORBIDDEN" || data != nil && data["r"] != nil {
				f.Fatalf("addDomain(%d) as %v: %v %v, want FORBIDDEN", sub, v, data, errs)
			}
			return
		}
		r, _ := data["r"].(map[string]any)
		if len(errs) > 0 || r == nil {
			f.Fatalf("addDomain(%d) as %v: %v %v", sub, v, data, errs)
		}
		if !m.seesSub(v, sub) {
			if fmt.Sprint(r) != `map[domain:<nil> userErrors:[map[code:NOT_FOUND field:[subscriptionId]]]]` {
				f.Fatalf("addDomain(%d) as %v: %v, want NOT_FOUND", sub, v, r)
			}
			return
		}
		d, _ := r["domain"].(map[string]any)
		if d == nil || len(r["userErrors"].([]any)) > 0 || gid(d["subscription"].(map[string]any)["id"]) != sub {
			f.Fatalf("addDomain(%d) as %v: %v", sub, v, r)
		}
		m.domains[gid(d["id"])] = sub
	case 0: // node(id), and a foreign ID answers like a missing one
		id := drawOne(t, pool, "id")
		data, errs := p.do(t, token, `query($id:ID!){node(id:$id){id}}`, map[string]any{"id": strconv.Itoa(id)})
		if len(errs) > 0 {
			f.Fatalf("node(%d) as %v: %v", id, v, errs)
		}
		got := data["node"] != nil
		if want := m.visible(v, id); got != want {
			f.Fatalf("node(%d) as %v: visible %v, model %v", id, v, got, want)
		}
		if got && gid(data["node"].(map[string]any)["id"]) != id {
			f.Fatalf("node(%d) answered %v", id, data["node"])
		}
		missing, merrs := p.do(t, token, `query($id:ID!){node(id:$id){id}}`, map[string]any{"id": strconv.Itoa(pool[len(pool)-1])})
		if !got && (fmt.Sprint(missing) != fmt.Sprint(data) || fmt.Sprint(merrs) != fmt.Sprint(errs)) {
			f.Fatalf("foreign %d answers %v %v, missing %v %v", id, data, errs, missing, merrs)
		}
	case 1: // nodes(ids)
		ids := drawSlice(t, pool, 1, 8, "ids")
		data, errs := p.do(t, token, `query($ids:[ID!]!){nodes(ids:$ids){id}}`, map[string]any{"ids": gids(ids)})
		if len(errs) > 0 {
			f.Fatalf("nodes as %v: %v", v, errs)
		}
		got := data["nodes"].([]any)
		for i, id := range ids {
			if want := m.visible(v, id); (got[i] != nil) != want {
				f.Fatalf("nodes[%d]=%d as %v: got %v, model visible %v", i, id, v, got[i], want)
			}
		}
	case 2: // customers with totalCount and statuses
		data, errs := p.do(t, token, `{customers(first:100){totalCount edges{node{id status}}}}`, nil)
		if len(errs) > 0 {
			f.Fatalf("customers as %v: %v", v, errs)
		}
		ids, total, st := connIDs(data["customers"])
		want := m.visibleCustomers(v)
		if !sameSet(ids, want) || total != len(want) {
			f.Fatalf("customers as %v: %v (total %d), model %v", v, ids, total, want)
		}
		for _, id := range want {
			if st[id] != status(m.customers[id].suspended()) {
				f.Fatalf("customer %d as %v: status %s, model suspended=%v", id, v, st[id], m.customers[id].suspended())
			}
		}
	case 3: // subscriptions with totalCount and statuses
		data, errs := p.do(t, token, `{subscriptions(first:100){totalCount edges{node{id status}}}}`, nil)
		if len(errs) > 0 {
			f.Fatalf("subscriptions as %v: %v", v, errs)
		}
		ids, total, st := connIDs(data["subscriptions"])
		want := m.visibleSubs(v)
		if !sameSet(ids, want) || total != len(want) {
			f.Fatalf("subscriptions as %v: %v (total %d), model %v", v, ids, total, want)
		}
		for _, id := range want {
			if st[id] != m.subStatus(m.subs[id]) {
				f.Fatalf("subscription %d as %v: status %s, model %s", id, v, st[id], m.subStatus(m.subs[id]))
			}
		}
	case 4: // customerStats
		data, errs := p.do(t, token, `{customerStats{total active suspended}}`, nil)
		if len(errs) > 0 {
			f.Fatalf("customerStats as %v: %v", v, errs)
		}
		var total, susp int
		for _, id := range m.visibleCustomers(v) {
			total++
			if m.customers[id].suspended() {
				susp++
			}
		}
		got := data["customerStats"].(map[string]any)
		if int(got["total"].(float64)) != total || int(got["suspended"].(float64)) != susp || int(got["active"].(float64)) != total-susp {
			f.Fatalf("customerStats as %v: %v, model total %d suspended %d", v, got, total, susp)
		}
	case 5: // Customer.subscriptions
		id := drawOne(t, custPool, "customer")
		data, errs := p.do(t, token, `query($id:ID!){node(id:$id){... on Customer{subscriptions(first:100){totalCount edges{node{id}}} panelUsers{id}}}}`,
			map[string]any{"id": strconv.Itoa(id)})
		if len(errs) > 0 {
			f.Fatalf("Customer.subscriptions as %v: %v", v, errs)
		}
		if !m.seesCustomer(v, id) {
			if data["node"] != nil {
				f.Fatalf("customer %d visible to %v: %v", id, v, data)
			}
			return
		}
		if data["node"] == nil {
			f.Fatalf("customer %d invisible to %v", id, v)
		}
		ids, total, _ := connIDs(data["node"].(map[string]any)["subscriptions"])
		var want []int
		for _, sid := range m.subOrder {
			if m.subs[sid].customer == id {
				want = append(want, sid)
			}
		}
		if !sameSet(ids, want) || total != len(want) {
			f.Fatalf("customer %d subscriptions as %v: %v (%d), model %v", id, v, ids, total, want)
		}
		var pus, wantPUs []int
		for _, pu := range data["node"].(map[string]any)["panelUsers"].([]any) {
			pus = append(pus, gid(pu.(map[string]any)["id"]))
		}
		for _, pid := range m.puOrder {
			if m.panelUsers[pid].customer == id {
				wantPUs = append(wantPUs, pid)
			}
		}
		if !sameSet(pus, wantPUs) {
			f.Fatalf("customer %d panelUsers as %v: %v, model %v", id, v, pus, wantPUs)
		}
	case 6, 7, 8, 9: // bulk writes
		partial := rapid.Bool().Draw(t, "partial")
		dry := rapid.IntRange(0, 3).Draw(t, "dry") == 0
		in := map[string]any{"mode": "ATOMIC", "dryRun": dry}
		if partial {
			in["mode"] = "PARTIAL"
		}
		var (
			query, field string
			ids          []int
			want         bulkResult
			allowed      = v.role == pAdmin || v.role == pReseller
			apply        func() bulkResult
		)
		switch op {
		case 6, 7:
			suspend := op == 6
			ids = drawIDs(t, custPool, "ids")
			query, field = propActivateCustomers, "customers"
			if suspend {
				query = propSuspendCustomers
			}
			apply = func() bulkResult { return m.suspendCustomers(v, ids, suspend, partial, dry) }
		case 8:
			if len(subPool) == 0 {
				return
			}
			suspend := rapid.Bool().Draw(t, "suspend")
			ids = drawIDs(t, subPool, "ids")
			query, field = propActivateSubs, "subscriptions"
			if suspend {
				query = propSuspendSubs
			}
			apply = func() bulkResult { return m.suspendSubs(v, ids, suspend, partial, dry) }
		case 9:
			ids = drawIDs(t, custPool, "ids")
			query, field = propDeleteCustomers, "deletedCustomerIds"
			apply = func() bulkResult { return m.deleteCustomers(v, ids, partial, dry) }
		}
		in["ids"] = gids(ids)
		data, errs := p.do(t, token, query, map[string]any{"in": in})
		if !allowed {
			if errCode(errs) != "FORBIDDEN" || data["r"] != nil {
				f.Fatalf("%s as %v: want FORBIDDEN, got %v %v", field, v, data, errs)
			}
			return
		}
		if len(errs) > 0 {
			f.Fatalf("%s %v as %v: %v", field, ids, v, errs)
		}
		// Statuses of the payload's objects are those after the change.
		want = apply()
		r := data["r"].(map[string]any)
		var gotIDs []int
		for _, o := range r[field].([]any) {
			if s, ok := o.(string); ok {
				gotIDs = append(gotIDs, gid(s))
				continue
			}
			obj := o.(map[string]any)
			id := gid(obj["id"])
			gotIDs = append(gotIDs, id)
			if !dry {
				var ws string
				if field == "customers" {
					ws = status(m.customers[id].suspended())
				} else {
					ws = m.subStatus(m.subs[id])
				}
				if obj["status"] != ws {
					f.Fatalf("%s %v as %v: %d is %v, model %s", field, ids, v, id, obj["status"], ws)
				}
			}
		}
		p.checkBulk(t, m, field, ids, v, gotIDs, r, want)
	}
}

// checkBulk compares a bulk payload's objects, committed flag and
// userErrors (code and path of each item) with the model's.
func (p *propEnv) checkBulk(t *rapid.T, m *model, what string, ids []int, v propViewer, gotIDs []int, r map[string]any, want bulkResult) {
	var gotErrs []bulkErr
	for _, e := range r["userErrors"].([]any) {
		em := e.(map[string]any)
		var path []string
		for _, seg := range em["field"].([]any) {
			path = append(path, seg.(string))
		}
		gotErrs = append(gotErrs, bulkErr{em["code"].(string), joinPath(path)})
	}
	f := m.failer(t)
	if !slices.Equal(gotIDs, want.IDs) && !(len(gotIDs) == 0 && len(want.IDs) == 0) ||
		r["committed"] != want.Committed || !slices.Equal(gotErrs, want.Errors) {
		f.Fatalf("%s %v as %v:\n got ids %v committed %v errors %v\nmodel ids %v committed %v errors %v",
			what, ids, v, gotIDs, r["committed"], gotErrs, want.IDs, want.Committed, want.Errors)
	}
}

func joinPath(p []string) string {
	out := ""
	for i, s := range p {
		if i > 0 {
			out += "."
		}
		out += s
	}
	return out
}

// checkDB compares the database, read with privacy allow, with the model:
// which objects exist, who owns them and their suspension sources.
func (p *propEnv) checkDB(t *rapid.T, m *model) {
	f := m.failer(t)
	ctx, c := propSys(), p.client
	cs, err := c.Customer.Query().All(ctx)
	if err != nil {
		f.Fatal(err)
	}
	var live []int
	for _, cu := range cs {
		mc := m.customer(cu.ID)
		if mc == nil {
			f.Fatalf("db: customer %d exists, model deleted it", cu.ID)
		}
		live = append(live, cu.ID)
		owner := 0
		if cu.ResellerID != nil {
			owner = *cu.ResellerID
		}
		if owner != mc.owner || (cu.SuspendedAdminAt != nil) != mc.susAdmin || (cu.SuspendedResellerAt != nil) != mc.susRes ||
			cu.SuspendedParentAt != nil || cu.Status != types.Status(status(mc.suspended())) {
			f.Fatalf("db: customer %d owner %d admin %v reseller %v status %s; model %+v", cu.ID, owner,
				cu.SuspendedAdminAt != nil, cu.SuspendedResellerAt != nil, cu.Status, *mc)
		}
	}
	var wantLive []int
	for _, id := range m.custOrder {
		if m.customer(id) != nil {
			wantLive = append(wantLive, id)
		}
	}
	if !sameSet(live, wantLive) {
		f.Fatalf("db: customers %v, model %v", live, wantLive)
	}
	ss, err := c.HostingSubscription.Query().All(ctx)
	if err != nil {
		f.Fatal(err)
	}
	if len(ss) != len(m.subs) {
		f.Fatalf("db: %d subscriptions, model %d", len(ss), len(m.subs))
	}
	for _, s := range ss {
		ms, ok := m.subs[s.ID]
		if !ok || ms.customer != 0 && (s.CustomerID == nil || *s.CustomerID != ms.customer) ||
			ms.customer == 0 && (s.CustomerID != nil || s.ResellerID == nil || *s.ResellerID != ms.reseller) {
			f.Fatalf("db: subscription %d of customer %v reseller %v, model %+v", s.ID, s.CustomerID, s.ResellerID, ms)
		}
		parent := ms.customer != 0 && m.customers[ms.customer].suspended()
		if (s.SuspendedAdminAt != nil) != ms.susAdmin || (s.SuspendedResellerAt != nil) != ms.susRes ||
			(s.SuspendedParentAt != nil) != parent || string(s.Status) != m.subStatus(ms) {
			f.Fatalf("db: subscription %d admin %v reseller %v parent %v status %s; model %+v parent %v", s.ID,
				s.SuspendedAdminAt != nil, s.SuspendedResellerAt != nil, s.SuspendedParentAt != nil, s.Status, *ms, parent)
		}
	}
	if n, err := c.Domain.Query().Count(ctx); err != nil || n != len(m.domains) {
		f.Fatalf("db: %d domains (%v), model %d", n, err, len(m.domains))
	}
	if n, err := c.PanelUser.Query().Count(ctx); err != nil || n != len(m.panelUsers) {
		f.Fatalf("db: %d panel users (%v), model %d", n, err, len(m.panelUsers))
	}
	if n, err := c.Reseller.Query().Count(ctx); err != nil || n != len(m.resellers) {
		f.Fatalf("db: %d resellers (%v), model %d", n, err, len(m.resellers))
	}
}
