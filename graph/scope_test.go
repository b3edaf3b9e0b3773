package graph_test

// Scope tests (SPEC 1, 4 "Correct scope, always"; API 1): every query entry
// point, node(id)/nodes(ids), nested edge, filter, search, cursor and the
// viewer, driven over HTTP as ADMIN, RESELLER (reseller1), CUSTOMER
// (customer1) and PANEL_USER (staff1). A foreign object must answer exactly
// like one that never existed.

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hostpanel/panel/ent/privacy"
	"github.com/hostpanel/panel/internal/apitest"
	"github.com/hostpanel/panel/internal/dbtest"
	"github.com/hostpanel/panel/internal/types"
)

// ---- helpers shared by scope_test.go and create_test.go ----

// scSub runs f as a subtest; the server's helpers (Do, Must, Create, Login)
// report to the subtest while it runs.
func scSub(t *testing.T, s *apitest.Server, name string, f func(t *testing.T)) {
	t.Helper()
	t.Run(name, func(t *testing.T) {
		prev := s.T
		s.T = t
		defer func() { s.T = prev }()
		f(t)
	})
}

// scDecode decodes raw into out, failing the test on error.
func scDecode(t *testing.T, raw json.RawMessage, out any) {
	t.Helper()
	if err := json.Unmarshal(raw, out); err != nil {
		t.Fatalf("decode %s: %v", raw, err)
	}
}

// scCodes returns every error code of r.
func scCodes(r *apitest.Response) []string {
	var out []string
	for _, e := range r.Errors {
		c, _ := e.Extensions["code"].(string)
		out = append(out, c)
	}
	return out
}

// scWantCode fails unless r has a top-level error and every error has code.
func scWantCode(t *testing.T, r *apitest.Response, code, what string) {
	t.Helper()
	if len(r.Errors) == 0 {
		t.Errorf("%s: no top-level error, want %s; data %s", what, code, r.Data)
		return
	}
	for _, c := range scCodes(r) {
		if c != code {
			t.Errorf("%s: error codes %v, want %s (%+v)", what, scCodes(r), code, r.Errors)
			return
		}
	}
}

// scNoErrors fails on any top-level error.
func scNoErrors(t *testing.T, r *apitest.Response, what string) bool {
	t.Helper()
	if len(r.Errors) > 0 {
		t.Errorf("%s: unexpected errors %+v", what, r.Errors)
		return false
	}
	return true
}

// scConnSel selects what the connection checks need.
const scConnSel = `totalCount pageInfo{hasNextPage hasPreviousPage startCursor endCursor} edges{cursor node{id}}`

// scConn is a decoded connection.
type scConn struct {
	TotalCount int
	PageInfo   struct {
		HasNextPage, HasPreviousPage bool
		StartCursor, EndCursor       *string
	}
	Edges []struct {
		Cursor string
		Node   *struct{ ID string }
	}
}

func (c scConn) ids() []string {
	out := []string{}
	for _, e := range c.Edges {
		if e.Node != nil {
			out = append(out, e.Node.ID)
		}
	}
	return out
}

// scNodeIDs returns the ids of a list of {id} objects.
func scNodeIDs(ns []struct{ ID string }) []string {
	out := []string{}
	for _, n := range ns {
		out = append(out, n.ID)
	}
	return out
}

// scInt parses a Relay ID produced by the server (an integer in this
// implementation) for direct database access in test set-up.
func scInt(t *testing.T, id string) int {
	t.Helper()
	n, err := strconv.Atoi(id)
	if err != nil {
		t.Fatalf("id %q: %v", id, err)
	}
	return n
}

// scSys is a context that bypasses privacy, for set-up done directly in the
// test database.
func scSys() context.Context { return privacy.DecisionContext(context.Background(), privacy.Allow) }

// ---- the scope world ----

// scWorld is apitest's World plus a reseller's own subscription, a
// reseller's panel user, an admin note on customer1, and a name for every ID.
type scWorld struct {
	s    *apitest.Server
	w    *apitest.World
	id   map[string]string // name -> ID
	name map[string]string // ID -> name
}

func (x *scWorld) set(name, id string) {
	x.id[name] = id
	x.name[id] = name
}

// names maps IDs to names (unknown IDs stay as they are), sorted.
func (x *scWorld) names(ids []string) []string {
	out := []string{}
	for _, id := range ids {
		if n, ok := x.name[id]; ok {
			out = append(out, n)
		} else {
			out = append(out, "?"+id)
		}
	}
	sort.Strings(out)
	return out
}

// sameSet fails unless got holds exactly the objects named want.
func (x *scWorld) sameSet(t *testing.T, what string, got []string, want ...string) {
	t.Helper()
	g := x.names(got)
	w := slices.Clone(want)
	sort.Strings(w)
	if len(g) == 0 && len(w) == 0 {
		return
	}
	if !reflect.DeepEqual(g, w) {
		t.Errorf("%s: got %v, want %v", what, g, w)
	}
	if len(got) != len(slices.Compact(slices.Sorted(slices.Values(got)))) {
		t.Errorf("%s: duplicate IDs in %v", what, g)
	}
}

// conn checks a connection: exactly want, totalCount = len(want).
func (x *scWorld) conn(t *testing.T, what string, c scConn, want ...string) {
	t.Helper()
	x.sameSet(t, what, c.ids(), want...)
	if c.TotalCount != len(want) {
		t.Errorf("%s: totalCount %d, want %d", what, c.TotalCount, len(want))
	}
}

func newScopeWorld(t *testing.T, s *apitest.Server) *scWorld {
	t.Helper()
	w := s.BuildWorld()
	x := &scWorld{s: s, w: w, id: map[string]string{}, name: map[string]string{}}
	x.set("admin", w.AdminID)
	for i, r := range w.Resellers {
		x.set(fmt.Sprintf("reseller%d", i+1), r.ID)
	}
	for i, c := range w.Customers {
		x.set(fmt.Sprintf("customer%d", i), c.ID)
		x.set(fmt.Sprintf("sub%d", i), w.Subscriptions[i])
		x.set(fmt.Sprintf("staff%d", i), w.PanelUsers[i].ID)
	}
	for i, p := range w.Plans {
		x.set(fmt.Sprintf("plan%d", i), p)
	}
	x.set("rplan", w.ResellerPlan)
	// A reseller plan nobody is on: the administrator's only.
	x.set("rplan2", s.Create(w.AdminToken, "createResellerPlan", "resellerPlan", map[string]any{
		"name": "Reseller L", "limits": map[string]any{"customers": 100}}))
	// reseller1's own subscription (on the admin's plan) and its own panel user.
	x.set("r1own", s.Create(w.AdminToken, "createSubscription", "subscription", map[string]any{
		"subscriberId": w.Resellers[0].ID, "domain": "r1own.example", "servicePlanId": w.Plans[0]}))
	x.set("r1staff", s.Create(w.Resellers[0].Token, "createPanelUser", "panelUser", map[string]any{
		"login": "r1staff", "password": "r1staff-pass-1", "name": "R1 Staff", "email": "r1staff@example.com"}))
	// Domain IDs, named by their DNS name.
	var out struct {
		Subscriptions struct {
			Edges []struct {
				Node struct {
					Domains []struct{ ID, Name string }
				}
			}
		}
	}
	s.Must(w.AdminToken, `{subscriptions(first:100){edges{node{domains{id name}}}}}`, nil, &out)
	for _, e := range out.Subscriptions.Edges {
		for _, d := range e.Node.Domains {
			x.set(d.Name, d.ID)
		}
	}
	if len(x.id) != 1+2+5*3+3+2+2+11 {
		t.Fatalf("scope world has %d objects: %v", len(x.id), x.id)
	}
	// The administrator's own note on customer1 (which also has reseller1's
	// "note 1"); there is no mutation for it yet.
	if err := s.Client.Description.Create().SetCustomerID(scInt(t, w.Customers[1].ID)).
		SetSide(types.SideAdmin).SetText("admin note 1").Exec(scSys()); err != nil {
		t.Fatal(err)
	}
	return x
}

type scRole struct{ name, token string }

func (x *scWorld) roles() []scRole {
	return []scRole{
		{"admin", x.w.AdminToken},
		{"reseller1", x.w.Resellers[0].Token},
		{"customer1", x.w.Customers[1].Token},
		{"staff1", x.w.PanelUsers[1].Token},
	}
}

// scVisible lists, per role, every object of the world it may reach (the
// administrator account itself is left out for the non-admin roles).
var scVisible = map[string][]string{
	"reseller1": {"reseller1", "customer1", "customer2", "sub1", "sub2", "r1own",
		"site1.example", "www1.example", "site2.example", "www2.example", "r1own.example",
		"staff1", "staff2", "r1staff", "plan1", "plan0", "rplan"},
	"customer1": {"reseller1", "customer1", "sub1", "site1.example", "www1.example", "staff1", "plan1"},
	"staff1":    {"reseller1", "customer1", "sub1", "site1.example", "www1.example", "staff1", "plan1"},
}

func TestScope(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d string) {
		s := apitest.New(t, d)
		x := newScopeWorld(t, s)
		w := x.w
		roles := x.roles()
		allNames := slices.Sorted(func(yield func(string) bool) {
			for n := range x.id {
				if !yield(n) {
					return
				}
			}
		})

		scSub(t, s, "viewer", func(t *testing.T) {
			want := map[string]struct{ role, typ, account, panelUser string }{
				"admin":     {"ADMIN", "Administrator", "admin", ""},
				"reseller1": {"RESELLER", "Reseller", "reseller1", ""},
				"customer1": {"CUSTOMER", "Customer", "customer1", ""},
				"staff1":    {"PANEL_USER", "Customer", "customer1", "staff1"},
			}
			for _, r := range roles {
				var out struct {
					Viewer struct {
						Role    string
						Account struct {
							Typename string `json:"__typename"`
							ID       string
						}
						PanelUser *struct{ ID string }
					}
				}
				s.Must(r.token, `{viewer{role account{__typename id} panelUser{id}}}`, nil, &out)
				wv, v := want[r.name], out.Viewer
				if v.Role != wv.role || v.Account.Typename != wv.typ || v.Account.ID != x.id[wv.account] {
					t.Errorf("%s: viewer %+v, want role %s account %s %s", r.name, v, wv.role, wv.typ, wv.account)
				}
				switch {
				case wv.panelUser == "" && v.PanelUser != nil:
					t.Errorf("%s: viewer.panelUser %v, want null", r.name, v.PanelUser)
				case wv.panelUser != "" && (v.PanelUser == nil || v.PanelUser.ID != x.id[wv.panelUser]):
					t.Errorf("%s: viewer.panelUser %v, want %s", r.name, v.PanelUser, wv.panelUser)
				}
			}
		})

		scSub(t, s, "root lists", func(t *testing.T) {
			type list struct {
				field string
				want  map[string][]string // nil entry: FORBIDDEN
			}
			lists := []list{
				{"customers", map[string][]string{
					"admin":     {"customer0", "customer1", "customer2", "customer3", "customer4"},
					"reseller1": {"customer1", "customer2"},
					"customer1": {"customer1"},
					"staff1":    {"customer1"},
				}},
				{"resellers", map[string][]string{"admin": {"reseller1", "reseller2"}}},
				{"subscriptions", map[string][]string{
					"admin":     {"sub0", "sub1", "sub2", "sub3", "sub4", "r1own"},
					"reseller1": {"sub1", "sub2", "r1own"},
					"customer1": {"sub1"},
					"staff1":    {"sub1"},
				}},
				{"servicePlans", map[string][]string{
					"admin":     {"plan0", "plan1", "plan2"},
					"reseller1": {"plan1", "plan0"}, // its own, and the plan of its own subscription
					"customer1": {"plan1"},
					"staff1":    {"plan1"},
				}},
				{"resellerPlans", map[string][]string{"admin": {"rplan", "rplan2"}}},
			}
			for _, l := range lists {
				for _, r := range roles {
					scSub(t, s, l.field+"/"+r.name, func(t *testing.T) {
						res := s.Do(r.token, fmt.Sprintf(`{x:%s{%s}}`, l.field, scConnSel), nil)
						want, ok := l.want[r.name]
						if !ok {
							scWantCode(t, res, "FORBIDDEN", l.field)
							if string(res.Data) != "null" && !strings.Contains(string(res.Data), `"x":null`) {
								t.Errorf("%s for %s: data %s despite FORBIDDEN", l.field, r.name, res.Data)
							}
							return
						}
						if !scNoErrors(t, res, l.field) {
							return
						}
						var out struct{ X scConn }
						scDecode(t, res.Data, &out)
						x.conn(t, l.field, out.X, want...)
					})
				}
			}
		})

		scSub(t, s, "customerStats", func(t *testing.T) {
			want := map[string]int{"admin": 5, "reseller1": 2, "customer1": 1, "staff1": 1}
			for _, r := range roles {
				var out struct {
					CustomerStats struct{ Total, Active, Suspended int }
				}
				s.Must(r.token, `{customerStats{total active suspended}}`, nil, &out)
				st := out.CustomerStats
				if st.Total != want[r.name] || st.Active != want[r.name] || st.Suspended != 0 {
					t.Errorf("%s: customerStats %+v, want total=active=%d suspended=0", r.name, st, want[r.name])
				}
			}
		})

		// A nonexistent ID, a huge one, IDs of rows that are no Node of the
		// API (credentials, sessions, descriptions; audit events are Nodes
		// within the audit scope, see audit_test.go) and
		// malformed IDs all answer like a foreign one: node null, no error.
		ctx := scSys()
		credIDs, err := s.Client.Credential.Query().IDs(ctx)
		if err != nil {
			t.Fatal(err)
		}
		sessIDs, err := s.Client.Session.Query().IDs(ctx)
		if err != nil {
			t.Fatal(err)
		}
		descIDs, err := s.Client.Description.Query().IDs(ctx)
		if err != nil {
			t.Fatal(err)
		}
		// The largest ID in the world plus a little is in a used type range
		// but does not exist.
		maxID := 0
		for _, id := range x.id {
			maxID = max(maxID, scInt(t, id))
		}
		missing := map[string]string{
			"nonexistent in range": strconv.Itoa(maxID + 1000),
			"zero":                 "0",
			"negative":             "-1",
			"huge":                 "999999999999999",
			"credential":           strconv.Itoa(credIDs[0]),
			"session":              strconv.Itoa(sessIDs[0]),
		}
		// Separate: IDs whose answer is currently wrong (see report).
		odd := map[string]string{
			"description (no Node type)": strconv.Itoa(descIDs[0]),
			"malformed":                  "not-an-id",
			"overflowing":                "99999999999999999999999",
		}

		scSub(t, s, "node", func(t *testing.T) {
			for _, r := range roles {
				visible := map[string]bool{}
				for _, n := range scVisible[r.name] {
					visible[n] = true
				}
				for _, n := range allNames {
					if r.name == "admin" {
						visible[n] = true
					}
					if n == "admin" && r.name != "admin" {
						continue // the provider's account: not asserted
					}
					scSub(t, s, r.name+"/"+n, func(t *testing.T) {
						res := s.Do(r.token, `query($id:ID!){node(id:$id){__typename id}}`, map[string]any{"id": x.id[n]})
						if !scNoErrors(t, res, "node") {
							return
						}
						var out struct{ Node *struct{ ID string } }
						scDecode(t, res.Data, &out)
						switch {
						case visible[n] && (out.Node == nil || out.Node.ID != x.id[n]):
							t.Errorf("%s: node(%s) = %s, want the object", r.name, n, res.Data)
						case !visible[n] && out.Node != nil:
							t.Errorf("%s: node(%s) = %s, want null (out of scope)", r.name, n, res.Data)
						}
					})
				}
				for _, group := range []map[string]string{missing, odd} {
					for what, id := range group {
						scSub(t, s, r.name+"/"+what, func(t *testing.T) {
							res := s.Do(r.token, `query($id:ID!){node(id:$id){__typename id}}`, map[string]any{"id": id})
							if len(res.Errors) > 0 || string(res.Data) != `{"node":null}` {
								t.Errorf("%s: node(%s %q) = data %s errors %+v, want {\"node\":null} without errors (like any unknown ID)",
									r.name, what, id, res.Data, res.Errors)
							}
						})
					}
				}
			}
		})

		scSub(t, s, "nodes", func(t *testing.T) {
			for _, r := range roles {
				ids := []string{}
				for _, n := range allNames {
					ids = append(ids, x.id[n])
				}
				what := map[int]string{}
				for _, k := range slices.Sorted(maps.Keys(missing)) {
					what[len(ids)] = k
					ids = append(ids, missing[k])
				}
				res := s.Do(r.token, `query($ids:[ID!]!){nodes(ids:$ids){id}}`, map[string]any{"ids": ids})
				if len(res.Errors) > 0 {
					for _, e := range res.Errors {
						at := "?"
						if len(e.Path) == 2 {
							if f, ok := e.Path[1].(float64); ok {
								at = fmt.Sprintf("%s %s", what[int(f)], ids[int(f)])
							}
						}
						t.Errorf("%s: nodes: error %q (%v) at the entry for ID %s; want null like node(id)",
							r.name, e.Message, e.Extensions["code"], at)
					}
					continue
				}
				var out struct{ Nodes []*struct{ ID string } }
				scDecode(t, res.Data, &out)
				if len(out.Nodes) != len(ids) {
					t.Errorf("%s: nodes returned %d entries for %d ids", r.name, len(out.Nodes), len(ids))
					continue
				}
				visible := map[string]bool{}
				for _, n := range scVisible[r.name] {
					visible[x.id[n]] = true
				}
				for i, id := range ids {
					n, ok := x.name[id]
					want := r.name == "admin" && ok || visible[id]
					if n == "admin" && r.name != "admin" {
						continue
					}
					got := out.Nodes[i]
					switch {
					case want && (got == nil || got.ID != id):
						t.Errorf("%s: nodes[%d] (%s) = %v, want the object", r.name, i, n, got)
					case !want && got != nil:
						t.Errorf("%s: nodes[%d] (%s %s) = %v, want null", r.name, i, n, id, got.ID)
					}
				}
			}
		})

		scSub(t, s, "nested edges", func(t *testing.T) {
			type edge struct {
				name  string
				node  string // object to start from
				query string // selection on the node, aliased x
				conn  bool   // x is a connection (else a list of {id})
				want  map[string][]string
			}
			all4 := func(v ...string) map[string][]string {
				return map[string][]string{"admin": v, "reseller1": v, "customer1": v, "staff1": v}
			}
			edges := []edge{
				{"Reseller.customers", "reseller1", `... on Reseller{x:customers{` + scConnSel + `}}`, true, map[string][]string{
					"admin": {"customer1", "customer2"}, "reseller1": {"customer1", "customer2"},
					"customer1": {"customer1"}, "staff1": {"customer1"}}},
				{"Reseller.customers(search)", "reseller1", `... on Reseller{x:customers(where:{search:"customer2"}){` + scConnSel + `}}`, true, map[string][]string{
					"admin": {"customer2"}, "reseller1": {"customer2"}, "customer1": {}, "staff1": {}}},
				{"Reseller.subscriptions", "reseller1", `... on Reseller{x:subscriptions{` + scConnSel + `}}`, true, map[string][]string{
					"admin": {"r1own"}, "reseller1": {"r1own"}, "customer1": {}, "staff1": {}}},
				{"Reseller.servicePlans", "reseller1", `... on Reseller{x:servicePlans{id}}`, false, all4("plan1")},
				{"Reseller.panelUsers", "reseller1", `... on Reseller{x:panelUsers{id}}`, false, map[string][]string{
					"admin": {"r1staff"}, "reseller1": {"r1staff"}, "customer1": {}, "staff1": {}}},
				{"Customer.subscriptions", "customer1", `... on Customer{x:subscriptions{` + scConnSel + `}}`, true, all4("sub1")},
				{"Customer.panelUsers", "customer1", `... on Customer{x:panelUsers{id}}`, false, all4("staff1")},
				{"HostingSubscription.domains", "sub1", `... on HostingSubscription{x:domains{id}}`, false, all4("site1.example", "www1.example")},
				{"ServicePlan.subscriptions", "plan1", `... on ServicePlan{x:subscriptions{` + scConnSel + `}}`, true, map[string][]string{
					"admin": {"sub1", "sub2"}, "reseller1": {"sub1", "sub2"}, "customer1": {"sub1"}, "staff1": {"sub1"}}},
				{"ServicePlan.subscriptions (admin plan)", "plan0", `... on ServicePlan{x:subscriptions{` + scConnSel + `}}`, true, map[string][]string{
					"admin": {"sub0", "r1own"}, "reseller1": {"r1own"}}},
				{"ResellerPlan.resellers", "rplan", `... on ResellerPlan{x:resellers{` + scConnSel + `}}`, true, map[string][]string{
					"admin": {"reseller1", "reseller2"}, "reseller1": {"reseller1"}}},
				{"Customer.subscriptions (R2's customer)", "customer3", `... on Customer{x:subscriptions{` + scConnSel + `}}`, true, map[string][]string{
					"admin": {"sub3"}}},
			}
			for _, e := range edges {
				for _, r := range roles {
					scSub(t, s, e.name+"/"+r.name, func(t *testing.T) {
						res := s.Do(r.token, `query($id:ID!){node(id:$id){id `+e.query+`}}`, map[string]any{"id": x.id[e.node]})
						if !scNoErrors(t, res, e.name) {
							return
						}
						want, reachable := e.want[r.name]
						var out struct{ Node *json.RawMessage }
						scDecode(t, res.Data, &out)
						if !reachable {
							if out.Node != nil {
								t.Errorf("%s: node(%s) = %s, want null", r.name, e.node, *out.Node)
							}
							return
						}
						if out.Node == nil {
							t.Fatalf("%s: node(%s) is null", r.name, e.node)
						}
						if e.conn {
							var n struct{ X scConn }
							scDecode(t, *out.Node, &n)
							x.conn(t, e.name, n.X, want...)
						} else {
							var n struct{ X []struct{ ID string } }
							scDecode(t, *out.Node, &n)
							x.sameSet(t, e.name, scNodeIDs(n.X), want...)
						}
					})
				}
			}
		})

		// Reseller.usage counts the reseller's whole business; a customer
		// of the reseller may read its owner but must not count what is
		// outside its own scope (SPEC 1).
		scSub(t, s, "owner usage not countable by customer", func(t *testing.T) {
			for _, r := range roles[2:] {
				res := s.Do(r.token, `query($id:ID!){node(id:$id){... on Reseller{usage{customers subscriptions}}}}`,
					map[string]any{"id": w.Resellers[0].ID})
				if len(res.Errors) > 0 {
					continue // refusing to answer is fine
				}
				var out struct {
					Node *struct {
						Usage *struct{ Customers, Subscriptions int }
					}
				}
				scDecode(t, res.Data, &out)
				if out.Node != nil && out.Node.Usage != nil && (out.Node.Usage.Customers > 1 || out.Node.Usage.Subscriptions > 1) {
					t.Errorf("%s reads reseller1.usage = %+v: counts reseller1's other customers and subscriptions, outside its scope",
						r.name, *out.Node.Usage)
				}
			}
		})

		scSub(t, s, "customer filters", func(t *testing.T) {
			type filter struct {
				role  string
				where map[string]any
				want  []string
			}
			all5 := []string{"customer0", "customer1", "customer2", "customer3", "customer4"}
			filters := []filter{
				{"admin", map[string]any{"status": "ACTIVE"}, all5},
				{"admin", map[string]any{"status": "SUSPENDED"}, nil},
				{"reseller1", map[string]any{"status": "ACTIVE"}, []string{"customer1", "customer2"}},
				{"customer1", map[string]any{"status": "ACTIVE"}, []string{"customer1"}},
				// search: login, name, company, email, domain names; any case.
				{"admin", map[string]any{"search": "CUSTOMER3"}, []string{"customer3"}},
				{"admin", map[string]any{"search": "cUsToMeR 2"}, []string{"customer2"}},
				{"admin", map[string]any{"search": "COMPANY 4"}, []string{"customer4"}},
				{"admin", map[string]any{"search": "C0@EXAMPLE.COM"}, []string{"customer0"}},
				{"admin", map[string]any{"search": "WWW1.Example"}, []string{"customer1"}},
				{"admin", map[string]any{"search": "Site2"}, []string{"customer2"}},
				{"admin", map[string]any{"search": "EXAMPLE"}, all5},
				{"admin", map[string]any{"search": "no-such-thing"}, nil},
				{"admin", map[string]any{"search": "site3", "status": "ACTIVE"}, []string{"customer3"}},
				{"reseller1", map[string]any{"search": "site3"}, nil},
				{"reseller1", map[string]any{"search": "customer4"}, nil},
				{"reseller1", map[string]any{"search": "c3@example.com"}, nil},
				{"reseller1", map[string]any{"search": "WWW2"}, []string{"customer2"}},
				{"reseller1", map[string]any{"search": "example"}, []string{"customer1", "customer2"}},
				{"customer1", map[string]any{"search": "customer2"}, nil},
				{"customer1", map[string]any{"search": "SITE1"}, []string{"customer1"}},
				{"staff1", map[string]any{"search": "example"}, []string{"customer1"}},
				// ownerID
				{"admin", map[string]any{"ownerID": w.AdminID}, []string{"customer0"}},
				{"admin", map[string]any{"ownerID": w.Resellers[0].ID}, []string{"customer1", "customer2"}},
				{"admin", map[string]any{"ownerID": w.Resellers[1].ID}, []string{"customer3", "customer4"}},
				{"reseller1", map[string]any{"ownerID": w.Resellers[0].ID}, []string{"customer1", "customer2"}},
				{"reseller1", map[string]any{"ownerID": w.AdminID}, nil},
				{"reseller1", map[string]any{"ownerID": w.Resellers[1].ID}, nil},
				{"customer1", map[string]any{"ownerID": w.Resellers[1].ID}, nil},
				{"customer1", map[string]any{"ownerID": w.AdminID}, nil},
			}
			tokens := map[string]string{}
			for _, r := range roles {
				tokens[r.name] = r.token
			}
			for i, f := range filters {
				scSub(t, s, fmt.Sprintf("%d_%s", i, f.role), func(t *testing.T) {
					var out struct{ Customers scConn }
					s.Must(tokens[f.role], `query($w:CustomerWhereInput){customers(where:$w){`+scConnSel+`}}`,
						map[string]any{"w": f.where}, &out)
					x.conn(t, fmt.Sprintf("%s customers(where:%v)", f.role, f.where), out.Customers, f.want...)
				})
			}
		})

		scSub(t, s, "subscription filters", func(t *testing.T) {
			type filter struct {
				role  string
				where map[string]any
				want  []string
			}
			filters := []filter{
				{"admin", map[string]any{"status": "ACTIVE"}, []string{"sub0", "sub1", "sub2", "sub3", "sub4", "r1own"}},
				{"admin", map[string]any{"status": "SUSPENDED"}, nil},
				{"admin", map[string]any{"search": "WWW3"}, []string{"sub3"}},
				{"reseller1", map[string]any{"search": "SITE"}, []string{"sub1", "sub2"}},
				{"reseller1", map[string]any{"search": "site3"}, nil},
				{"reseller1", map[string]any{"search": "r1own"}, []string{"r1own"}},
				{"customer1", map[string]any{"search": "example"}, []string{"sub1"}},
				{"customer1", map[string]any{"search": "site2"}, nil},
				{"staff1", map[string]any{"search": "r1own"}, nil},
			}
			tokens := map[string]string{}
			for _, r := range roles {
				tokens[r.name] = r.token
			}
			for i, f := range filters {
				scSub(t, s, fmt.Sprintf("%d_%s", i, f.role), func(t *testing.T) {
					var out struct{ Subscriptions scConn }
					s.Must(tokens[f.role], `query($w:HostingSubscriptionWhereInput){subscriptions(where:$w){`+scConnSel+`}}`,
						map[string]any{"w": f.where}, &out)
					x.conn(t, fmt.Sprintf("%s subscriptions(where:%v)", f.role, f.where), out.Subscriptions, f.want...)
				})
			}
		})

		scSub(t, s, "descriptions", func(t *testing.T) {
			type desc struct {
				Text   string
				Author struct {
					Typename string `json:"__typename"`
					ID       string
				}
			}
			q := `query($id:ID!){node(id:$id){... on Customer{description descriptions{text author{__typename ... on Administrator{id} ... on Reseller{id}}}}}}`
			type want struct {
				description *string
				texts       []string // "text by author"
			}
			str := func(s string) *string { return &s }
			cases := []struct {
				role, customer string
				want           want
			}{
				{"admin", "customer0", want{str("note 0"), []string{"note 0 by admin"}}},
				{"admin", "customer1", want{str("admin note 1"), []string{"admin note 1 by admin", "note 1 by reseller1"}}},
				{"admin", "customer2", want{str("note 2"), []string{"note 2 by reseller1"}}},
				{"reseller1", "customer1", want{str("note 1"), []string{"note 1 by reseller1"}}},
				{"reseller1", "customer2", want{str("note 2"), []string{"note 2 by reseller1"}}},
				{"customer1", "customer1", want{nil, nil}},
				{"staff1", "customer1", want{nil, nil}},
			}
			tokens := map[string]string{}
			for _, r := range roles {
				tokens[r.name] = r.token
			}
			for _, c := range cases {
				var out struct {
					Node *struct {
						Description  *string
						Descriptions []desc
					}
				}
				s.Must(tokens[c.role], q, map[string]any{"id": x.id[c.customer]}, &out)
				if out.Node == nil {
					t.Errorf("%s: node(%s) null", c.role, c.customer)
					continue
				}
				if !reflect.DeepEqual(out.Node.Description, c.want.description) {
					g, w := "null", "null"
					if out.Node.Description != nil {
						g = *out.Node.Description
					}
					if c.want.description != nil {
						w = *c.want.description
					}
					t.Errorf("%s: %s.description = %q, want %q", c.role, c.customer, g, w)
				}
				got := []string{}
				for _, d := range out.Node.Descriptions {
					got = append(got, d.Text+" by "+x.name[d.Author.ID])
				}
				sort.Strings(got)
				if len(got) != len(c.want.texts) || (len(got) > 0 && !reflect.DeepEqual(got, c.want.texts)) {
					t.Errorf("%s: %s.descriptions = %v, want %v", c.role, c.customer, got, c.want.texts)
				}
			}
			// The list shows the viewer's side's description under each name.
			var out struct {
				Customers struct {
					Edges []struct {
						Node struct {
							ID          string
							Description *string
						}
					}
				}
			}
			s.Must(w.Resellers[0].Token, `{customers{edges{node{id description}}}}`, nil, &out)
			for _, e := range out.Customers.Edges {
				want := "note " + strings.TrimPrefix(x.name[e.Node.ID], "customer")
				if e.Node.Description == nil || *e.Node.Description != want {
					t.Errorf("reseller1's list: %s description %v, want %q", x.name[e.Node.ID], e.Node.Description, want)
				}
			}
		})

		scSub(t, s, "unauthenticated", func(t *testing.T) {
			fields := map[string]string{
				"node":          `{node(id:"` + w.Customers[1].ID + `"){id}}`,
				"nodes":         `{nodes(ids:["` + w.Customers[1].ID + `"]){id}}`,
				"viewer":        `{viewer{role}}`,
				"customers":     `{customers{totalCount edges{node{id}}}}`,
				"resellers":     `{resellers{totalCount}}`,
				"subscriptions": `{subscriptions{totalCount}}`,
				"servicePlans":  `{servicePlans{totalCount}}`,
				"resellerPlans": `{resellerPlans{totalCount}}`,
				"customerStats": `{customerStats{total}}`,
			}
			for _, token := range []string{"", "pnl_not-a-real-token", "garbage"} {
				for f, q := range fields {
					scSub(t, s, fmt.Sprintf("%s/%q", f, token), func(t *testing.T) {
						res := s.Do(token, q, nil)
						scWantCode(t, res, "UNAUTHENTICATED", f)
						if string(res.Data) != "null" && string(res.Data) != `{"`+f+`":null}` {
							t.Errorf("%s without a valid token: data %s", f, res.Data)
						}
					})
				}
			}
		})

		scSub(t, s, "page size", func(t *testing.T) {
			queries := map[string]string{
				"customers":              `{x:customers(first:%s){totalCount}}`,
				"subscriptions":          `{x:subscriptions(first:%s){totalCount}}`,
				"servicePlans":           `{x:servicePlans(first:%s){totalCount}}`,
				"resellers":              `{x:resellers(first:%s){totalCount}}`,
				"resellerPlans":          `{x:resellerPlans(first:%s){totalCount}}`,
				"Reseller.customers":     `{x:node(id:"` + w.Resellers[0].ID + `"){... on Reseller{customers(first:%s){totalCount}}}}`,
				"Customer.subscriptions": `{x:node(id:"` + w.Customers[1].ID + `"){... on Customer{subscriptions(first:%s){totalCount}}}}`,
			}
			for name, q := range queries {
				for _, arg := range []string{"101", "1000", "-1"} {
					for _, dir := range []string{"first", "last"} {
						qq := strings.Replace(fmt.Sprintf(q, arg), "(first:", "("+dir+":", 1)
						res := s.Do(w.AdminToken, qq, nil)
						scWantCode(t, res, "BAD_USER_INPUT", name+" "+dir+":"+arg)
					}
				}
				for _, dir := range []string{"first", "last"} {
					qq := strings.Replace(fmt.Sprintf(q, "100"), "(first:", "("+dir+":", 1)
					scNoErrors(t, s.Do(w.AdminToken, qq, nil), name+" "+dir+":100")
				}
			}
		})

		scSub(t, s, "cursors", func(t *testing.T) {
			r1 := w.Resellers[0].Token
			q := `query($a:Cursor,$b:Cursor,$f:Int,$l:Int){customers(after:$a,before:$b,first:$f,last:$l){` + scConnSel + `}}`
			page := func(token string, vars map[string]any) scConn {
				var out struct{ Customers scConn }
				s.Must(token, q, vars, &out)
				return out.Customers
			}
			p1 := page(r1, map[string]any{"f": 1})
			if len(p1.Edges) != 1 || !p1.PageInfo.HasNextPage || p1.TotalCount != 2 {
				t.Fatalf("reseller1 first:1: %+v", p1)
			}
			p2 := page(r1, map[string]any{"f": 1, "a": *p1.PageInfo.EndCursor})
			if len(p2.Edges) != 1 || p2.PageInfo.HasNextPage || p2.TotalCount != 2 {
				t.Errorf("reseller1 second page: %+v", p2)
			}
			x.sameSet(t, "reseller1 two pages", append(p1.ids(), p2.ids()...), "customer1", "customer2")
			if p2.PageInfo.EndCursor != nil {
				p3 := page(r1, map[string]any{"f": 1, "a": *p2.PageInfo.EndCursor})
				if len(p3.Edges) != 0 || p3.PageInfo.HasNextPage {
					t.Errorf("reseller1 past the end: %+v", p3)
				}
			}
			// Cursors taken from the admin's list (foreign positions) never
			// let a reseller reach beyond its scope.
			all := page(w.AdminToken, map[string]any{"f": 10})
			for _, e := range all.Edges {
				for _, vars := range []map[string]any{{"a": e.Cursor}, {"b": e.Cursor, "l": 10}} {
					got := page(r1, vars)
					for _, id := range got.ids() {
						if n := x.name[id]; n != "customer1" && n != "customer2" {
							t.Errorf("reseller1 with admin cursor of %s (%v): reached %s", x.name[e.Node.ID], vars, n)
						}
					}
					if got.TotalCount != 2 {
						t.Errorf("reseller1 with a foreign cursor: totalCount %d, want 2", got.TotalCount)
					}
				}
			}
			// last
			pl := page(w.AdminToken, map[string]any{"l": 2})
			if len(pl.Edges) != 2 || !pl.PageInfo.HasPreviousPage || pl.TotalCount != 5 {
				t.Errorf("admin last:2: %+v", pl)
			}
		})

		// Changes the world: 60 more customers of the administrator.
		scSub(t, s, "default page and cursor walk", func(t *testing.T) {
			for i := 0; i < 60; i++ {
				x.set(fmt.Sprintf("page%02d", i), s.Create(w.AdminToken, "createCustomer", "customer", map[string]any{
					"login": fmt.Sprintf("page%02d", i), "password": "page-pass-12", "name": fmt.Sprintf("Page %02d", i),
					"email": fmt.Sprintf("page%02d@example.com", i),
				}))
			}
			var p1, p2 struct{ Customers scConn }
			s.Must(w.AdminToken, `{customers{`+scConnSel+`}}`, nil, &p1)
			if n := len(p1.Customers.Edges); n != 50 || !p1.Customers.PageInfo.HasNextPage || p1.Customers.TotalCount != 65 {
				t.Fatalf("default page: %d edges, hasNextPage %v, totalCount %d; want 50, true, 65",
					n, p1.Customers.PageInfo.HasNextPage, p1.Customers.TotalCount)
			}
			s.Must(w.AdminToken, `query($a:Cursor){customers(after:$a){`+scConnSel+`}}`,
				map[string]any{"a": *p1.Customers.PageInfo.EndCursor}, &p2)
			if n := len(p2.Customers.Edges); n != 15 || p2.Customers.PageInfo.HasNextPage {
				t.Errorf("second page: %d edges, hasNextPage %v; want 15, false", n, p2.Customers.PageInfo.HasNextPage)
			}
			want := []string{"customer0", "customer1", "customer2", "customer3", "customer4"}
			for i := 0; i < 60; i++ {
				want = append(want, fmt.Sprintf("page%02d", i))
			}
			x.sameSet(t, "default pages", append(p1.Customers.ids(), p2.Customers.ids()...), want...)

			// Ordered walk in pages of 30 by login, descending.
			var got []string
			var after any
			for range 5 {
				var out struct{ Customers scConn }
				s.Must(w.AdminToken, `query($a:Cursor){customers(first:30,after:$a,orderBy:{field:LOGIN,direction:DESC}){`+scConnSel+`}}`,
					map[string]any{"a": after}, &out)
				got = append(got, out.Customers.ids()...)
				if !out.Customers.PageInfo.HasNextPage {
					break
				}
				after = *out.Customers.PageInfo.EndCursor
			}
			x.sameSet(t, "ordered walk", got, want...)
			names := []string{}
			for _, id := range got {
				names = append(names, x.name[id])
			}
			if !slices.IsSortedFunc(names, func(a, b string) int { return strings.Compare(b, a) }) {
				t.Errorf("ordered walk not in descending login order: %v", names)
			}

			// Nobody else sees the new customers.
			for _, r := range roles[1:] {
				var out struct{ Customers scConn }
				s.Must(r.token, `{customers(where:{search:"page"}){`+scConnSel+`}}`, nil, &out)
				x.conn(t, r.name+" search page", out.Customers)
				var st struct{ CustomerStats struct{ Total int } }
				s.Must(r.token, `{customerStats{total}}`, nil, &st)
				if r.name == "reseller1" && st.CustomerStats.Total != 2 || r.name != "reseller1" && st.CustomerStats.Total != 1 {
					t.Errorf("%s: customerStats.total %d after the admin's 60 new customers", r.name, st.CustomerStats.Total)
				}
			}
		})

		// Changes the world: suspensions set directly in the database.
		scSub(t, s, "suspended principals are locked out", func(t *testing.T) {
			c1, p1, r1 := w.Customers[1], w.PanelUsers[1], w.Resellers[0]
			works := func(who, token string) {
				t.Helper()
				var out struct{ Viewer struct{ Role string } }
				res := s.Do(token, `{viewer{role}}`, nil)
				if len(res.Errors) > 0 {
					t.Errorf("%s: token refused: %+v", who, res.Errors)
				}
				scDecode(t, res.Data, &out)
			}
			refused := func(who, token string) {
				t.Helper()
				for _, q := range []string{`{viewer{role}}`, `{customers{totalCount}}`, `{subscriptions{totalCount}}`} {
					scWantCode(t, s.Do(token, q, nil), "UNAUTHENTICATED", who+" "+q)
				}
			}
			loginRefused := func(login, pw string) {
				t.Helper()
				var out struct {
					Login struct {
						Token      *string
						Viewer     *json.RawMessage
						UserErrors []struct{ Code, Message string }
					}
				}
				s.Must("", `mutation($l:String!,$p:String!){login(input:{login:$l,password:$p}){token viewer{role} userErrors{code message}}}`,
					map[string]any{"l": login, "p": pw}, &out)
				if out.Login.Token != nil || out.Login.Viewer != nil || len(out.Login.UserErrors) == 0 {
					t.Errorf("login of suspended %s: token %v, userErrors %v; want no token and a userError",
						login, out.Login.Token != nil, out.Login.UserErrors)
				}
			}
			works("customer1", c1.Token)
			works("staff1", p1.Token)
			r1staff := s.Login("r1staff", "r1staff-pass-1")
			now := time.Now()
			if err := s.Client.Customer.UpdateOneID(scInt(t, c1.ID)).SetStatus(types.StatusSuspended).
				SetSuspendedAdminAt(now).Exec(scSys()); err != nil {
				t.Fatal(err)
			}
			refused("customer1", c1.Token)
			refused("staff1", p1.Token)
			loginRefused(c1.Login, c1.Password)
			loginRefused(p1.Login, p1.Password)
			works("reseller1", r1.Token)
			works("customer2", w.Customers[2].Token)
			works("staff2", w.PanelUsers[2].Token)

			if err := s.Client.Reseller.UpdateOneID(scInt(t, r1.ID)).SetStatus(types.StatusSuspended).
				SetSuspendedAdminAt(now).Exec(scSys()); err != nil {
				t.Fatal(err)
			}
			refused("reseller1", r1.Token)
			refused("r1staff (reseller1's panel user)", r1staff)
			loginRefused(r1.Login, r1.Password)
			works("admin", w.AdminToken)
			works("reseller2", w.Resellers[1].Token)
			works("customer3", w.Customers[3].Token)
			if res := s.Do(w.Customers[2].Token, `{viewer{role}}`, nil); len(res.Errors) == 0 {
				t.Logf("note: customer2's token still works while its reseller is suspended (no PARENT source was set)")
			}
		})
	})
}
