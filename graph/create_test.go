package graph_test

// Creation rules (SPEC 2, 3.2, 3.8; API 1-2): every create mutation with its
// userErrors (code and field path), role directives, login/logout, and that
// a failing creation leaves nothing behind. Driven over HTTP like a client.

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/hostpanel/panel/internal/apitest"
	"github.com/hostpanel/panel/internal/dbtest"
)

// crUE is a UserError.
type crUE struct {
	Code    string
	Message string
	Field   []string
}

func (u crUE) String() string { return fmt.Sprintf("%s%v %q", u.Code, u.Field, u.Message) }

// crResult is a create mutation's answer.
type crResult struct {
	Obj    json.RawMessage // the payload's object (null on failure)
	UEs    []crUE
	Errors []apitest.GQLError
	Resp   *apitest.Response
}

// crMutate runs mutation(input:$in){<field>{<sel>} userErrors{...}}.
func crMutate(t *testing.T, s *apitest.Server, token, mutation, field, sel string, input map[string]any) crResult {
	t.Helper()
	q := fmt.Sprintf(`mutation($in:%s%sInput!){x:%s(input:$in){%s{%s} userErrors{code message field}}}`,
		strings.ToUpper(mutation[:1]), mutation[1:], mutation, field, sel)
	res := s.Do(token, q, map[string]any{"in": input})
	out := crResult{Resp: res, Errors: res.Errors, Obj: json.RawMessage("null")}
	var data struct {
		X *map[string]json.RawMessage
	}
	if len(res.Data) > 0 && string(res.Data) != "null" {
		scDecode(t, res.Data, &data)
	}
	if data.X != nil {
		x := *data.X
		out.Obj = x[field]
		if err := json.Unmarshal(x["userErrors"], &out.UEs); err != nil {
			t.Fatalf("userErrors %s: %v", x["userErrors"], err)
		}
	}
	return out
}

// ok fails unless r succeeded; it returns the decoded object.
func (r crResult) ok(t *testing.T, what string, obj any) {
	t.Helper()
	if len(r.Errors) > 0 || len(r.UEs) > 0 || string(r.Obj) == "null" {
		t.Fatalf("%s: want success, got errors %+v userErrors %v object %s", what, r.Errors, r.UEs, r.Obj)
	}
	if obj != nil {
		scDecode(t, r.Obj, obj)
	}
}

// userError fails unless r failed with a user error of code at field (nil
// field: any path) and no object.
func (r crResult) userError(t *testing.T, what, code string, field ...string) {
	t.Helper()
	if len(r.Errors) > 0 {
		t.Errorf("%s: top-level errors %+v, want userError %s%v", what, r.Errors, code, field)
		return
	}
	if string(r.Obj) != "null" {
		t.Errorf("%s: created %s despite the error, want null", what, r.Obj)
	}
	for _, u := range r.UEs {
		if u.Code == code && (field == nil || reflect.DeepEqual(u.Field, field)) {
			if u.Message == "" {
				t.Errorf("%s: userError %s without a message", what, u)
			}
			return
		}
	}
	t.Errorf("%s: userErrors %v, want %s at %v", what, r.UEs, code, field)
}

// topLevel fails unless r failed with a top-level error of code.
func (r crResult) topLevel(t *testing.T, what, code string) {
	t.Helper()
	scWantCode(t, r.Resp, code, what)
	if string(r.Obj) != "null" {
		t.Errorf("%s: created %s despite %s", what, r.Obj, code)
	}
}

// crCount returns totalCount of a root connection as token sees it.
func crCount(t *testing.T, s *apitest.Server, token, field string) int {
	t.Helper()
	var out map[string]struct{ TotalCount int }
	s.Must(token, fmt.Sprintf(`{%s(first:1){totalCount}}`, field), nil, &out)
	return out[field].TotalCount
}

// crLoginFails checks that login/password opens no session.
func crLoginFails(t *testing.T, s *apitest.Server, login, password string) {
	t.Helper()
	var out struct {
		Login struct {
			Token      *string
			UserErrors []crUE
		}
	}
	s.Must("", `mutation($l:String!,$p:String!){login(input:{login:$l,password:$p}){token userErrors{code message field}}}`,
		map[string]any{"l": login, "p": password}, &out)
	if out.Login.Token != nil {
		t.Errorf("login %q works after a failed creation: an account was left behind", login)
	}
}

// crCustomer is a valid createCustomer input.
func crCustomer(login string, kv ...any) map[string]any {
	in := map[string]any{"login": login, "password": "valid-pass-123", "name": "Test " + login, "email": login + "@example.com"}
	for i := 0; i+1 < len(kv); i += 2 {
		in[kv[i].(string)] = kv[i+1]
	}
	return in
}

// crWith returns a copy of in with kv set (a nil value deletes the key).
func crWith(in map[string]any, kv ...any) map[string]any {
	out := map[string]any{}
	for k, v := range in {
		out[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == nil {
			delete(out, kv[i].(string))
		} else {
			out[kv[i].(string)] = kv[i+1]
		}
	}
	return out
}

const (
	crCustomerSel     = `id login name email company phone fax country locale externalId status owner{__typename ... on Reseller{id} ... on Administrator{id}}`
	crResellerSel     = `id login plan{id} limits{customers subscriptions diskSpaceMb trafficMbPerMonth domains mailboxes databases} permissions applications oversell`
	crServicePlanSel  = `id name owner{__typename ... on Reseller{id} ... on Administrator{id}} limits{diskSpaceMb trafficMbPerMonth domains subdomains mailboxes databases ftpAccounts} permissions applications`
	crSubscriptionSel = `id planSync plan{id} status subscriber{__typename ... on Customer{id} ... on Reseller{id}} domain{name primary} domains{name primary} limits{diskSpaceMb trafficMbPerMonth domains subdomains mailboxes databases ftpAccounts} permissions applications`
	crDomainSel       = `id name primary subscription{id}`
	crPanelUserSel    = `id login role account{__typename ... on Customer{id} ... on Reseller{id}}`
)

type crOwner struct {
	Typename string `json:"__typename"`
	ID       string
}

type crLimits struct {
	DiskSpaceMb, TrafficMbPerMonth, Domains, Subdomains, Mailboxes, Databases, FtpAccounts *int
}

func crPtr(v int) *int { return &v }

func TestCreate(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d string) {
		s := apitest.New(t, d)
		w := s.BuildWorld()
		admin, r1, r2 := w.AdminToken, w.Resellers[0], w.Resellers[1]
		c1, p1 := w.Customers[1], w.PanelUsers[1]

		// A limited reseller (no plan): 2 customers, 2 subscriptions,
		// 1500 MB disk in all; and one that may oversell.
		var lim struct{ ID string }
		crMutate(t, s, admin, "createReseller", "reseller", "id", map[string]any{
			"login": "limited", "password": "limited-pass-1", "name": "Limited", "email": "limited@example.com",
			"limits": map[string]any{"customers": 2, "subscriptions": 2, "diskSpaceMb": 1500},
		}).ok(t, "limited reseller", &lim)
		limTok := s.Login("limited", "limited-pass-1")

		scSub(t, s, "createCustomer", func(t *testing.T) {
			scSub(t, s, "valid and normalised", func(t *testing.T) {
				var c struct {
					ID, Login, Email, Country, Locale string
					Phone                             *string
					Owner                             crOwner
				}
				crMutate(t, s, admin, "createCustomer", "customer", crCustomerSel, crCustomer("Norm.User_1-X",
					"email", "Someone@Bücher.Example", "country", "de", "locale", "en_us", "phone", "+49 (30) 123-456",
					"password", strings.Repeat("p", 128))).ok(t, "create", &c)
				if c.Login != "norm.user_1-x" || c.Country != "DE" || c.Locale != "en-US" ||
					c.Email != "Someone@xn--bcher-kva.example" || c.Phone == nil || *c.Phone != "+49 (30) 123-456" {
					t.Errorf("stored %+v: want login norm.user_1-x, country DE, locale en-US, email Someone@xn--bcher-kva.example", c)
				}
				if c.Owner.Typename != "Administrator" || c.Owner.ID != w.AdminID {
					t.Errorf("owner %+v, want the administrator", c.Owner)
				}
				s.Login("NORM.USER_1-X", strings.Repeat("p", 128)) // case-insensitive login
				// 8 characters (runes), 60-character login.
				crMutate(t, s, admin, "createCustomer", "customer", "id",
					crCustomer(strings.Repeat("l", 60), "password", "äöüäöüäö")).ok(t, "boundaries", nil)
			})

			scSub(t, s, "reseller's customer", func(t *testing.T) {
				var c struct{ Owner crOwner }
				crMutate(t, s, r1.Token, "createCustomer", "customer", crCustomerSel, crCustomer("r1-new")).ok(t, "create", &c)
				if c.Owner.Typename != "Reseller" || c.Owner.ID != r1.ID {
					t.Errorf("owner %+v, want reseller1", c.Owner)
				}
				crMutate(t, s, admin, "createCustomer", "customer", crCustomerSel, crCustomer("for-r2", "ownerId", r2.ID)).ok(t, "admin for reseller2", &c)
				if c.Owner.Typename != "Reseller" || c.Owner.ID != r2.ID {
					t.Errorf("admin with ownerId reseller2: owner %+v", c.Owner)
				}
			})

			scSub(t, s, "externalId unique", func(t *testing.T) {
				var c struct{ ExternalID *string }
				crMutate(t, s, r1.Token, "createCustomer", "customer", crCustomerSel, crCustomer("ext-a", "externalId", "BILL-1")).ok(t, "first", &c)
				if c.ExternalID == nil || *c.ExternalID != "BILL-1" {
					t.Errorf("externalId %v", c.ExternalID)
				}
				crMutate(t, s, r2.Token, "createCustomer", "customer", "id", crCustomer("ext-b", "externalId", "BILL-1")).
					userError(t, "same externalId by another reseller", "TAKEN", "externalId")
				crMutate(t, s, admin, "createCustomer", "customer", "id", crCustomer("ext-c", "externalId", "BILL-1")).
					userError(t, "same externalId by the admin", "TAKEN", "externalId")
				crLoginFails(t, s, "ext-b", "valid-pass-123")
				crLoginFails(t, s, "ext-c", "valid-pass-123")
			})

			type bad struct {
				name   string
				token  string
				input  map[string]any
				code   string
				field  []string // nil: path not fixed by the contract
				logins []string
			}
			base := crCustomer("bad-one")
			long129 := strings.Repeat("x", 129)
			cases := []bad{
				{"empty login", admin, crWith(base, "login", ""), "INVALID", []string{"login"}, nil},
				{"login starts with dash", admin, crWith(base, "login", "-abc"), "INVALID", []string{"login"}, nil},
				{"login starts with dot", admin, crWith(base, "login", ".abc"), "INVALID", []string{"login"}, nil},
				{"login with space", admin, crWith(base, "login", "a b"), "INVALID", []string{"login"}, nil},
				{"login with @", admin, crWith(base, "login", "a@b"), "INVALID", []string{"login"}, nil},
				{"login non-ASCII", admin, crWith(base, "login", "müller"), "INVALID", []string{"login"}, nil},
				{"login Kelvin sign", admin, crWith(base, "login", "\u212aelvin"), "INVALID", []string{"login"}, nil},
				{"login 61 chars", admin, crWith(base, "login", strings.Repeat("a", 61)), "INVALID", []string{"login"}, nil},
				{"login of a reseller, other case", admin, crWith(base, "login", "RESELLER1"), "TAKEN", []string{"login"}, nil},
				{"login of a panel user, other case", admin, crWith(base, "login", "Staff2"), "TAKEN", []string{"login"}, nil},
				{"login of the admin", admin, crWith(base, "login", "Admin"), "TAKEN", []string{"login"}, nil},
				{"login of a customer", admin, crWith(base, "login", "CUSTOMER0"), "TAKEN", []string{"login"}, nil},
				{"login of another reseller's customer", r1.Token, crWith(base, "login", "Customer3"), "TAKEN", []string{"login"}, nil},
				{"login of another reseller's panel user", r1.Token, crWith(base, "login", "staff4"), "TAKEN", []string{"login"}, nil},
				{"password 7 chars", admin, crWith(base, "password", "short12"), "WEAK_PASSWORD", []string{"password"}, []string{"bad-one"}},
				{"password 7 runes, 14 bytes", admin, crWith(base, "password", "äöüäöüä"), "WEAK_PASSWORD", []string{"password"}, []string{"bad-one"}},
				{"password 129 chars", admin, crWith(base, "password", long129), "WEAK_PASSWORD", []string{"password"}, []string{"bad-one"}},
				{"password equals login", admin, crWith(base, "login", "samepass-user", "password", "samepass-user"), "WEAK_PASSWORD", []string{"password"}, []string{"samepass-user"}},
				{"password equals login, other case", admin, crWith(base, "login", "samepass-user", "password", "SamePass-User"), "WEAK_PASSWORD", []string{"password"}, []string{"samepass-user"}},
				{"empty password", admin, crWith(base, "password", ""), "WEAK_PASSWORD", []string{"password"}, nil},
				{"email without @", admin, crWith(base, "email", "not-an-email"), "INVALID", []string{"email"}, []string{"bad-one"}},
				{"email single-label domain", admin, crWith(base, "email", "a@b"), "INVALID", []string{"email"}, []string{"bad-one"}},
				{"email with display name", admin, crWith(base, "email", "Name <a@example.com>"), "INVALID", []string{"email"}, []string{"bad-one"}},
				{"email two @", admin, crWith(base, "email", "a@@example.com"), "INVALID", []string{"email"}, []string{"bad-one"}},
				{"email empty", admin, crWith(base, "email", ""), "INVALID", []string{"email"}, []string{"bad-one"}},
				{"name empty", admin, crWith(base, "name", "   "), "INVALID", []string{"name"}, []string{"bad-one"}},
				{"country unknown", admin, crWith(base, "country", "XX"), "INVALID", []string{"country"}, []string{"bad-one"}},
				{"country alpha-3", admin, crWith(base, "country", "DEU"), "INVALID", []string{"country"}, []string{"bad-one"}},
				{"locale garbage", admin, crWith(base, "locale", "not a locale!"), "INVALID", []string{"locale"}, []string{"bad-one"}},
				{"locale undetermined", admin, crWith(base, "locale", "und"), "INVALID", []string{"locale"}, []string{"bad-one"}},
				{"phone letters", admin, crWith(base, "phone", "call me"), "INVALID", []string{"phone"}, []string{"bad-one"}},
				{"phone plus inside", admin, crWith(base, "phone", "12+34"), "INVALID", []string{"phone"}, []string{"bad-one"}},
				{"phone too few digits", admin, crWith(base, "phone", "12"), "INVALID", []string{"phone"}, []string{"bad-one"}},
				{"fax letters", admin, crWith(base, "fax", "fax me"), "INVALID", []string{"fax"}, []string{"bad-one"}},
				{"externalId with space", admin, crWith(base, "externalId", "a b"), "INVALID", []string{"externalId"}, []string{"bad-one"}},
				{"reseller names another reseller as owner", r1.Token, crWith(base, "ownerId", r2.ID), "FORBIDDEN", []string{"ownerId"}, []string{"bad-one"}},
				{"reseller names the admin as owner", r1.Token, crWith(base, "ownerId", w.AdminID), "FORBIDDEN", []string{"ownerId"}, []string{"bad-one"}},
				{"admin names a customer as owner", admin, crWith(base, "ownerId", c1.ID), "NOT_FOUND", []string{"ownerId"}, []string{"bad-one"}},
				{"admin names a nonexistent owner", admin, crWith(base, "ownerId", "999999999"), "NOT_FOUND", []string{"ownerId"}, []string{"bad-one"}},
			}
			before := crCount(t, s, admin, "customers")
			for _, c := range cases {
				scSub(t, s, c.name, func(t *testing.T) {
					r := crMutate(t, s, c.token, "createCustomer", "customer", "id", c.input)
					r.userError(t, c.name, c.code, c.field...)
					for _, l := range c.logins {
						crLoginFails(t, s, l, c.input["password"].(string))
					}
				})
			}
			if after := crCount(t, s, admin, "customers"); after != before {
				t.Errorf("failed creations changed the number of customers: %d -> %d", before, after)
			}
		})

		scSub(t, s, "reseller customer limit", func(t *testing.T) {
			for i := 1; i <= 2; i++ {
				crMutate(t, s, limTok, "createCustomer", "customer", "id", crCustomer(fmt.Sprintf("lim-c%d", i))).ok(t, "within the limit", nil)
			}
			crMutate(t, s, limTok, "createCustomer", "customer", "id", crCustomer("lim-c3")).
				userError(t, "third customer of a 2-customer reseller", "LIMIT_EXCEEDED")
			crMutate(t, s, admin, "createCustomer", "customer", "id", crCustomer("lim-c3", "ownerId", lim.ID)).
				userError(t, "admin adds a third customer on its behalf", "LIMIT_EXCEEDED")
			crLoginFails(t, s, "lim-c3", "valid-pass-123")
			if n := crCount(t, s, limTok, "customers"); n != 2 {
				t.Errorf("limited reseller has %d customers, want 2", n)
			}
			// The login stays free: it can be used elsewhere.
			crMutate(t, s, admin, "createCustomer", "customer", "id", crCustomer("lim-c3")).ok(t, "login reusable", nil)
			// A reseller that may oversell exceeds its limits.
			crMutate(t, s, admin, "createReseller", "reseller", "id", map[string]any{
				"login": "overseller", "password": "overseller-pass", "name": "Over", "email": "o@example.com",
				"limits": map[string]any{"customers": 1}, "oversell": true,
			}).ok(t, "overselling reseller", nil)
			ot := s.Login("overseller", "overseller-pass")
			for i := 1; i <= 2; i++ {
				crMutate(t, s, ot, "createCustomer", "customer", "id", crCustomer(fmt.Sprintf("over-c%d", i))).ok(t, "oversell", nil)
			}
		})

		scSub(t, s, "createReseller", func(t *testing.T) {
			type res struct {
				ID          string
				Plan        *struct{ ID string }
				Limits      map[string]*int
				Permissions []string
				Oversell    bool
			}
			var onPlan res
			crMutate(t, s, admin, "createReseller", "reseller", crResellerSel, map[string]any{
				"login": "on-plan", "password": "on-plan-pass-1", "name": "On Plan", "email": "op@example.com", "planId": w.ResellerPlan,
			}).ok(t, "on a plan", &onPlan)
			if onPlan.Plan == nil || onPlan.Plan.ID != w.ResellerPlan {
				t.Errorf("plan %v, want %s", onPlan.Plan, w.ResellerPlan)
			}
			wantLim := map[string]*int{"customers": crPtr(10), "subscriptions": crPtr(20), "diskSpaceMb": crPtr(100000),
				"trafficMbPerMonth": nil, "domains": nil, "mailboxes": nil, "databases": nil}
			if !reflect.DeepEqual(onPlan.Limits, wantLim) || !reflect.DeepEqual(onPlan.Permissions, []string{"MANAGE_DNS"}) || onPlan.Oversell {
				t.Errorf("reseller on plan: limits %v permissions %v oversell %v; want the plan's", onPlan.Limits, onPlan.Permissions, onPlan.Oversell)
			}
			var custom res
			crMutate(t, s, admin, "createReseller", "reseller", crResellerSel, map[string]any{
				"login": "custom-r", "password": "custom-r-pass", "name": "Custom", "email": "cr@example.com",
				"limits": map[string]any{"customers": 3, "diskSpaceMb": 500}, "permissions": []string{"SSH_ACCESS", "MANAGE_DNS"},
				"oversell": true,
			}).ok(t, "custom", &custom)
			if custom.Plan != nil || custom.Limits["customers"] == nil || *custom.Limits["customers"] != 3 ||
				custom.Limits["diskSpaceMb"] == nil || *custom.Limits["diskSpaceMb"] != 500 || custom.Limits["subscriptions"] != nil || !custom.Oversell {
				t.Errorf("custom reseller: plan %v limits %v oversell %v", custom.Plan, custom.Limits, custom.Oversell)
			}
			if !slices.Contains(custom.Permissions, "SSH_ACCESS") || !slices.Contains(custom.Permissions, "MANAGE_DNS") || len(custom.Permissions) != 2 {
				t.Errorf("custom reseller permissions %v", custom.Permissions)
			}

			base := map[string]any{"login": "bad-res", "password": "bad-res-pass", "name": "Bad", "email": "bad@example.com"}
			cases := []struct {
				name  string
				input map[string]any
				code  string
				field []string
			}{
				{"plan and limits", crWith(base, "planId", w.ResellerPlan, "limits", map[string]any{"customers": 1}), "INVALID", nil},
				{"plan and oversell", crWith(base, "planId", w.ResellerPlan, "oversell", true), "INVALID", nil},
				{"plan and permissions", crWith(base, "planId", w.ResellerPlan, "permissions", []string{"MANAGE_DNS"}), "INVALID", nil},
				{"nonexistent plan", crWith(base, "planId", "999999999"), "NOT_FOUND", []string{"planId"}},
				{"a service plan as reseller plan", crWith(base, "planId", w.Plans[0]), "NOT_FOUND", []string{"planId"}},
				{"negative limit", crWith(base, "limits", map[string]any{"customers": -1}), "INVALID", nil},
				{"login taken, other case", crWith(base, "login", "CUSTOMER1"), "TAKEN", []string{"login"}},
				{"weak password", crWith(base, "password", "bad-res"), "WEAK_PASSWORD", []string{"password"}},
				{"bad email", crWith(base, "email", "nope"), "INVALID", []string{"email"}},
				{"bad country", crWith(base, "country", "ZZ"), "INVALID", []string{"country"}},
			}
			before := crCount(t, s, admin, "resellers")
			for _, c := range cases {
				crMutate(t, s, admin, "createReseller", "reseller", "id", c.input).userError(t, c.name, c.code, c.field...)
			}
			if after := crCount(t, s, admin, "resellers"); after != before {
				t.Errorf("failed creations changed the number of resellers: %d -> %d", before, after)
			}
			crLoginFails(t, s, "bad-res", "bad-res-pass")
		})

		scSub(t, s, "createServicePlan", func(t *testing.T) {
			type plan struct {
				ID          string
				Name        string
				Owner       crOwner
				Limits      crLimits
				Permissions []string
			}
			var p plan
			crMutate(t, s, r1.Token, "createServicePlan", "servicePlan", crServicePlanSel, map[string]any{
				"name": "R1 Extra", "limits": map[string]any{"diskSpaceMb": 2000, "domains": 3}, "permissions": []string{"MANAGE_MAIL"},
			}).ok(t, "reseller's own", &p)
			if p.Owner.Typename != "Reseller" || p.Owner.ID != r1.ID {
				t.Errorf("owner %+v, want reseller1", p.Owner)
			}
			if want := (crLimits{DiskSpaceMb: crPtr(2000), Domains: crPtr(3)}); !reflect.DeepEqual(p.Limits, want) ||
				!reflect.DeepEqual(p.Permissions, []string{"MANAGE_MAIL"}) {
				t.Errorf("limits %+v permissions %v", p.Limits, p.Permissions)
			}
			visible := func(token, id string) bool {
				var out struct{ Node *struct{ ID string } }
				s.Must(token, `query($id:ID!){node(id:$id){id}}`, map[string]any{"id": id}, &out)
				return out.Node != nil
			}
			if visible(r2.Token, p.ID) {
				t.Errorf("reseller2 sees reseller1's new plan")
			}
			var forR2 plan
			crMutate(t, s, admin, "createServicePlan", "servicePlan", crServicePlanSel, map[string]any{
				"name": "For R2", "limits": map[string]any{}, "ownerId": r2.ID,
			}).ok(t, "admin for reseller2", &forR2)
			if forR2.Owner.Typename != "Reseller" || forR2.Owner.ID != r2.ID {
				t.Errorf("owner %+v, want reseller2", forR2.Owner)
			}
			if !visible(r2.Token, forR2.ID) || visible(r1.Token, forR2.ID) {
				t.Errorf("plan for reseller2: visible to reseller2 %v (want true), to reseller1 %v (want false)",
					visible(r2.Token, forR2.ID), visible(r1.Token, forR2.ID))
			}
			var own plan
			crMutate(t, s, admin, "createServicePlan", "servicePlan", crServicePlanSel, map[string]any{
				"name": "Admin Own", "limits": map[string]any{},
			}).ok(t, "admin's own", &own)
			if own.Owner.Typename != "Administrator" || (own.Limits != crLimits{}) {
				t.Errorf("admin's plan: owner %+v limits %+v (want unlimited)", own.Owner, own.Limits)
			}

			cases := []struct {
				name, token string
				input       map[string]any
				code        string
				field       []string
			}{
				{"reseller names another owner", r1.Token, map[string]any{"name": "X", "limits": map[string]any{}, "ownerId": r2.ID}, "FORBIDDEN", []string{"ownerId"}},
				{"reseller names the admin", r1.Token, map[string]any{"name": "X", "limits": map[string]any{}, "ownerId": w.AdminID}, "FORBIDDEN", []string{"ownerId"}},
				{"admin names a customer", admin, map[string]any{"name": "X", "limits": map[string]any{}, "ownerId": c1.ID}, "NOT_FOUND", []string{"ownerId"}},
				{"empty name", admin, map[string]any{"name": " ", "limits": map[string]any{}}, "INVALID", []string{"name"}},
				{"name too long", admin, map[string]any{"name": strings.Repeat("n", 101), "limits": map[string]any{}}, "INVALID", []string{"name"}},
				{"negative limit", r1.Token, map[string]any{"name": "X", "limits": map[string]any{"domains": -1}}, "INVALID", nil},
				{"bad application", r1.Token, map[string]any{"name": "X", "limits": map[string]any{}, "applications": []string{"no spaces allowed"}}, "INVALID", nil},
			}
			before := crCount(t, s, admin, "servicePlans")
			for _, c := range cases {
				crMutate(t, s, c.token, "createServicePlan", "servicePlan", "id", c.input).userError(t, c.name, c.code, c.field...)
			}
			if after := crCount(t, s, admin, "servicePlans"); after != before {
				t.Errorf("failed creations changed the number of plans: %d -> %d", before, after)
			}
		})

		scSub(t, s, "createSubscription", func(t *testing.T) {
			type sub struct {
				ID, PlanSync, Status string
				Plan                 *struct{ ID string }
				Subscriber           crOwner
				Domain               struct {
					Name    string
					Primary bool
				}
				Domains []struct {
					Name    string
					Primary bool
				}
				Limits      crLimits
				Permissions []string
			}
			scSub(t, s, "from a plan", func(t *testing.T) {
				var x sub
				crMutate(t, s, r1.Token, "createSubscription", "subscription", crSubscriptionSel, map[string]any{
					"subscriberId": c1.ID, "domain": "from-plan.example", "servicePlanId": w.Plans[1],
				}).ok(t, "create", &x)
				want := crLimits{DiskSpaceMb: crPtr(1000), TrafficMbPerMonth: crPtr(10000), Domains: crPtr(5), Mailboxes: crPtr(10), Databases: crPtr(2)}
				if x.PlanSync != "SYNCED" || x.Plan == nil || x.Plan.ID != w.Plans[1] || !reflect.DeepEqual(x.Limits, want) {
					t.Errorf("from plan: planSync %s plan %v limits %+v; want SYNCED, plan1, %+v", x.PlanSync, x.Plan, x.Limits, want)
				}
				if x.Subscriber.ID != c1.ID || x.Status != "ACTIVE" || x.Domain.Name != "from-plan.example" || !x.Domain.Primary ||
					len(x.Domains) != 1 || x.Domains[0].Name != "from-plan.example" {
					t.Errorf("from plan: %+v", x)
				}
			})
			scSub(t, s, "custom", func(t *testing.T) {
				var x sub
				crMutate(t, s, admin, "createSubscription", "subscription", crSubscriptionSel, map[string]any{
					"subscriberId": w.Customers[0].ID, "domain": "custom.example",
					"limits": map[string]any{"diskSpaceMb": 300, "domains": 2}, "permissions": []string{"MANAGE_DNS"},
				}).ok(t, "create", &x)
				if x.PlanSync != "CUSTOM" || x.Plan != nil || !reflect.DeepEqual(x.Limits, crLimits{DiskSpaceMb: crPtr(300), Domains: crPtr(2)}) ||
					!reflect.DeepEqual(x.Permissions, []string{"MANAGE_DNS"}) {
					t.Errorf("custom: planSync %s plan %v limits %+v permissions %v", x.PlanSync, x.Plan, x.Limits, x.Permissions)
				}
			})
			scSub(t, s, "reseller's own subscription (admin)", func(t *testing.T) {
				var x sub
				crMutate(t, s, admin, "createSubscription", "subscription", crSubscriptionSel, map[string]any{
					"subscriberId": r2.ID, "domain": "r2-own.example", "servicePlanId": w.Plans[0],
				}).ok(t, "create", &x)
				if x.Subscriber.Typename != "Reseller" || x.Subscriber.ID != r2.ID || x.PlanSync != "SYNCED" {
					t.Errorf("reseller's own subscription: %+v", x)
				}
			})
			scSub(t, s, "IDN domain", func(t *testing.T) {
				var x sub
				crMutate(t, s, admin, "createSubscription", "subscription", crSubscriptionSel, map[string]any{
					"subscriberId": w.Customers[0].ID, "domain": " BÜCHER.Example. ", "limits": map[string]any{"diskSpaceMb": 1},
				}).ok(t, "create", &x)
				if x.Domain.Name != "xn--bcher-kva.example" {
					t.Errorf("domain stored as %q, want xn--bcher-kva.example", x.Domain.Name)
				}
			})

			domainIn := func(name string) map[string]any {
				return map[string]any{"subscriberId": c1.ID, "domain": name, "servicePlanId": w.Plans[1]}
			}
			type bad struct {
				name, token string
				input       map[string]any
				code        string
				field       []string
			}
			cases := []bad{
				{"duplicate, other case", r1.Token, domainIn("SITE1.EXAMPLE"), "TAKEN", []string{"domain"}},
				{"duplicate of another reseller's domain", r1.Token, domainIn("www3.example."), "TAKEN", []string{"domain"}},
				{"duplicate IDN, Unicode form", admin, domainIn("bücher.EXAMPLE"), "TAKEN", []string{"domain"}},
				{"duplicate IDN, punycode form", admin, domainIn("XN--BCHER-KVA.example"), "TAKEN", []string{"domain"}},
				{"spaces", r1.Token, domainIn("not a domain"), "INVALID", []string{"domain"}},
				{"single label", r1.Token, domainIn("localhost"), "INVALID", []string{"domain"}},
				{"IP address", r1.Token, domainIn("192.168.1.1"), "INVALID", []string{"domain"}},
				{"wildcard", r1.Token, domainIn("*.wild.example"), "INVALID", []string{"domain"}},
				{"leading dash", r1.Token, domainIn("-bad.example"), "INVALID", []string{"domain"}},
				{"underscore", r1.Token, domainIn("bad_name.example"), "INVALID", []string{"domain"}},
				{"empty", r1.Token, domainIn(""), "INVALID", []string{"domain"}},
				{"plan and custom values", r1.Token, crWith(domainIn("both.example"), "limits", map[string]any{"diskSpaceMb": 1}), "INVALID", nil},
				{"admin: admin's plan for reseller1's customer", admin, crWith(domainIn("pna1.example"), "servicePlanId", w.Plans[0]), "PLAN_NOT_AVAILABLE", []string{"servicePlanId"}},
				{"admin: reseller2's plan for reseller1's customer", admin, crWith(domainIn("pna2.example"), "servicePlanId", w.Plans[2]), "PLAN_NOT_AVAILABLE", []string{"servicePlanId"}},
				{"admin: reseller1's plan for the admin's customer", admin, map[string]any{"subscriberId": w.Customers[0].ID, "domain": "pna3.example", "servicePlanId": w.Plans[1]}, "PLAN_NOT_AVAILABLE", []string{"servicePlanId"}},
				{"admin: a customer's plan for a reseller's own subscription", admin, map[string]any{"subscriberId": r1.ID, "domain": "pna4.example", "servicePlanId": w.Plans[1]}, "PLAN_NOT_AVAILABLE", []string{"servicePlanId"}},
			}
			before := crCount(t, s, admin, "subscriptions")
			for _, c := range cases {
				scSub(t, s, c.name, func(t *testing.T) {
					crMutate(t, s, c.token, "createSubscription", "subscription", "id", c.input).userError(t, c.name, c.code, c.field...)
				})
			}
			if after := crCount(t, s, admin, "subscriptions"); after != before {
				t.Errorf("failed creations changed the number of subscriptions: %d -> %d", before, after)
			}
			// Nothing was left behind: the names are still free.
			for _, n := range []string{"both.example", "pna1.example", "pna2.example", "pna3.example"} {
				crMutate(t, s, r1.Token, "createSubscription", "subscription", "id", domainIn(n)).ok(t, n+" still free", nil)
			}

			// A foreign or unusable ID answers exactly like a nonexistent one.
			same := func(t *testing.T, what string, field []string, results map[string]crResult) {
				t.Helper()
				var ref *crResult
				var refName string
				for _, k := range slices.Sorted(func(yield func(string) bool) {
					for k := range results {
						if !yield(k) {
							return
						}
					}
				}) {
					r := results[k]
					if len(r.Errors) > 0 || len(r.UEs) != 1 || string(r.Obj) != "null" {
						t.Errorf("%s (%s): errors %+v userErrors %v object %s; want one userError", what, k, r.Errors, r.UEs, r.Obj)
						continue
					}
					if !reflect.DeepEqual(r.UEs[0].Field, field) {
						t.Errorf("%s (%s): userError at %v, want %v", what, k, r.UEs[0].Field, field)
					}
					if ref == nil {
						ref, refName = &r, k
					} else if !reflect.DeepEqual(ref.UEs, r.UEs) {
						t.Errorf("%s: %s answers %v but %s answers %v; a foreign ID must look nonexistent", what, refName, ref.UEs, k, r.UEs)
					}
				}
			}
			scSub(t, s, "foreign subscriber", func(t *testing.T) {
				ids := map[string]string{
					"nonexistent":               "999999999",
					"reseller2's customer":      w.Customers[3].ID,
					"the admin's customer":      w.Customers[0].ID,
					"a service plan ID":         w.Plans[1],
					"reseller2":                 r2.ID,
					"reseller1 itself":          r1.ID,
					"a panel user":              p1.ID,
					"a subscription (own)":      w.Subscriptions[1],
					"the administrator account": w.AdminID,
				}
				results := map[string]crResult{}
				for k, id := range ids {
					results[k] = crMutate(t, s, r1.Token, "createSubscription", "subscription", "id", map[string]any{
						"subscriberId": id, "domain": "foreign-sub.example", "servicePlanId": w.Plans[1]})
				}
				same(t, "reseller1 with subscriberId", []string{"subscriberId"}, results)
				if r := results["nonexistent"]; len(r.UEs) == 1 && r.UEs[0].Code != "NOT_FOUND" {
					t.Errorf("nonexistent subscriber: %v, want NOT_FOUND", r.UEs)
				}
			})
			scSub(t, s, "foreign plan", func(t *testing.T) {
				ids := map[string]string{
					"nonexistent":     "999999999",
					"reseller2's":     w.Plans[2],
					"the admin's":     w.Plans[0],
					"a reseller plan": w.ResellerPlan,
					"a customer ID":   c1.ID,
				}
				results := map[string]crResult{}
				for k, id := range ids {
					results[k] = crMutate(t, s, r1.Token, "createSubscription", "subscription", "id", map[string]any{
						"subscriberId": c1.ID, "domain": "foreign-plan.example", "servicePlanId": id})
				}
				same(t, "reseller1 with servicePlanId", []string{"servicePlanId"}, results)
				for k, r := range results {
					if len(r.UEs) == 1 && r.UEs[0].Code != "NOT_FOUND" && r.UEs[0].Code != "PLAN_NOT_AVAILABLE" {
						t.Errorf("%s plan: %v, want NOT_FOUND or PLAN_NOT_AVAILABLE", k, r.UEs)
					}
				}
			})
			scSub(t, s, "roles", func(t *testing.T) {
				in := domainIn("role-sub.example")
				crMutate(t, s, c1.Token, "createSubscription", "subscription", "id", in).topLevel(t, "customer", "FORBIDDEN")
				crMutate(t, s, p1.Token, "createSubscription", "subscription", "id", in).topLevel(t, "panel user", "FORBIDDEN")
				crMutate(t, s, "", "createSubscription", "subscription", "id", in).topLevel(t, "no token", "UNAUTHENTICATED")
			})
		})

		scSub(t, s, "reseller subscription limits", func(t *testing.T) {
			// 2 subscriptions and 1500 MB disk in all; no other limit.
			var lr struct{ ID string }
			crMutate(t, s, admin, "createReseller", "reseller", "id", map[string]any{
				"login": "limsub", "password": "limsub-pass-1", "name": "Lim Sub", "email": "ls@example.com",
				"limits": map[string]any{"customers": 5, "subscriptions": 2, "diskSpaceMb": 1500},
			}).ok(t, "reseller", &lr)
			lt := s.Login("limsub", "limsub-pass-1")
			var lc, p1000, punl struct{ ID string }
			crMutate(t, s, lt, "createCustomer", "customer", "id", crCustomer("limsub-c")).ok(t, "customer", &lc)
			crMutate(t, s, lt, "createServicePlan", "servicePlan", "id", map[string]any{
				"name": "1000", "limits": map[string]any{"diskSpaceMb": 1000}}).ok(t, "plan", &p1000)
			crMutate(t, s, lt, "createServicePlan", "servicePlan", "id", map[string]any{
				"name": "unlimited", "limits": map[string]any{}}).ok(t, "plan", &punl)
			count := func() int {
				var out struct {
					Node struct {
						Usage struct{ Subscriptions, DiskSpaceMb int }
					}
				}
				s.Must(admin, `query($id:ID!){node(id:$id){... on Reseller{usage{subscriptions diskSpaceMb}}}}`, map[string]any{"id": lr.ID}, &out)
				return out.Node.Usage.Subscriptions
			}
			sub := func(token, domain string, kv ...any) crResult {
				in := map[string]any{"subscriberId": lc.ID, "domain": domain}
				return crMutate(t, s, token, "createSubscription", "subscription", "id", crWith(in, kv...))
			}
			sub(lt, "lim-a.example", "servicePlanId", punl.ID).userError(t, "unlimited disk from a plan", "LIMIT_EXCEEDED")
			sub(lt, "lim-a.example").userError(t, "custom without limits (unlimited disk)", "LIMIT_EXCEEDED")
			sub(lt, "lim-a.example", "limits", map[string]any{"domains": 3}).userError(t, "custom with unlimited disk", "LIMIT_EXCEEDED")
			sub(admin, "lim-a.example", "servicePlanId", punl.ID).userError(t, "admin: unlimited disk on its behalf", "LIMIT_EXCEEDED")
			if n := count(); n != 0 {
				t.Fatalf("failed creations left %d subscriptions", n)
			}
			sub(lt, "lim-a.example", "servicePlanId", p1000.ID).ok(t, "1000 of 1500 MB", nil)
			sub(lt, "lim-b.example", "limits", map[string]any{"diskSpaceMb": 501}).userError(t, "1501 of 1500 MB", "LIMIT_EXCEEDED")
			sub(admin, "lim-b.example", "limits", map[string]any{"diskSpaceMb": 501}).userError(t, "admin: 1501 of 1500 MB on its behalf", "LIMIT_EXCEEDED")
			sub(lt, "lim-b.example", "servicePlanId", p1000.ID).userError(t, "2000 of 1500 MB from a plan", "LIMIT_EXCEEDED")
			if n := count(); n != 1 {
				t.Fatalf("limited reseller has %d subscriptions, want 1", n)
			}
			sub(lt, "lim-b.example", "limits", map[string]any{"diskSpaceMb": 500}).ok(t, "1500 of 1500 MB", nil)
			sub(lt, "lim-c.example", "limits", map[string]any{"diskSpaceMb": 0}).userError(t, "third of 2 subscriptions", "LIMIT_EXCEEDED")
			sub(admin, "lim-c.example", "limits", map[string]any{"diskSpaceMb": 0}).userError(t, "admin: third of 2 subscriptions on its behalf", "LIMIT_EXCEEDED")
			if n := count(); n != 2 {
				t.Errorf("limited reseller has %d subscriptions, want 2", n)
			}
			// The refused domain names were not kept.
			crMutate(t, s, admin, "createSubscription", "subscription", "id", map[string]any{
				"subscriberId": w.Customers[0].ID, "domain": "lim-c.example"}).ok(t, "lim-c.example still free", nil)
		})

		scSub(t, s, "addDomain", func(t *testing.T) {
			type dom struct {
				ID, Name     string
				Primary      bool
				Subscription struct{ ID string }
			}
			add := func(token, sub, name string) crResult {
				return crMutate(t, s, token, "addDomain", "domain", crDomainSel, map[string]any{"subscriptionId": sub, "name": name})
			}
			var dd dom
			add(admin, w.Subscriptions[1], " Added-One.Example ").ok(t, "admin", &dd)
			if dd.Name != "added-one.example" || dd.Primary || dd.Subscription.ID != w.Subscriptions[1] {
				t.Errorf("added %+v", dd)
			}
			add(c1.Token, w.Subscriptions[1], "c1-own.example").ok(t, "customer to its own subscription", &dd)
			add(r1.Token, w.Subscriptions[2], "Ünïcode-r1.example").ok(t, "reseller to its customer's subscription", &dd)
			if !strings.HasPrefix(dd.Name, "xn--") {
				t.Errorf("IDN stored as %q, want punycode", dd.Name)
			}
			add(admin, w.Subscriptions[0], "WWW1.EXAMPLE").userError(t, "taken, other case", "TAKEN", "name")
			add(admin, w.Subscriptions[0], "c1-own.example.").userError(t, "taken, trailing dot", "TAKEN", "name")
			add(c1.Token, w.Subscriptions[1], "site3.example").userError(t, "taken by another reseller's customer", "TAKEN", "name")
			add(admin, w.Subscriptions[0], "bad_domain!").userError(t, "invalid", "INVALID", "name")
			add(admin, w.Subscriptions[0], "").userError(t, "empty", "INVALID", "name")
			add(admin, w.Subscriptions[0], "nodot").userError(t, "single label", "INVALID", "name")

			// The subscription's domain limit: 2 (primary included).
			var ls struct{ ID string }
			crMutate(t, s, admin, "createSubscription", "subscription", "id", map[string]any{
				"subscriberId": w.Customers[0].ID, "domain": "dl-a.example", "limits": map[string]any{"domains": 2},
			}).ok(t, "subscription with 2 domains", &ls)
			add(admin, ls.ID, "dl-b.example").ok(t, "second domain", nil)
			add(admin, ls.ID, "dl-c.example").userError(t, "third domain of 2", "LIMIT_EXCEEDED")
			var out struct {
				Node struct{ Domains []struct{ Name string } }
			}
			s.Must(admin, `query($id:ID!){node(id:$id){... on HostingSubscription{domains{name}}}}`, map[string]any{"id": ls.ID}, &out)
			if len(out.Node.Domains) != 2 {
				t.Errorf("subscription with a 2-domain limit has %v", out.Node.Domains)
			}
			add(admin, w.Subscriptions[0], "dl-c.example").ok(t, "the refused name is still free", nil)

			// Foreign subscriptions answer like nonexistent ones.
			for _, tc := range []struct {
				who, token string
				ids        map[string]string
			}{
				{"customer1", c1.Token, map[string]string{"nonexistent": "999999999", "same reseller's other customer": w.Subscriptions[2],
					"another reseller's": w.Subscriptions[3], "the admin's customer's": w.Subscriptions[0], "a customer ID": c1.ID, "a service plan ID": w.Plans[1]}},
				{"reseller1", r1.Token, map[string]string{"nonexistent": "999999999", "another reseller's": w.Subscriptions[3],
					"the admin's customer's": w.Subscriptions[0], "a customer ID": c1.ID}},
			} {
				var ref []crUE
				for k, id := range tc.ids {
					r := add(tc.token, id, "foreign-add.example")
					r.userError(t, tc.who+": "+k, "NOT_FOUND", "subscriptionId")
					if ref == nil {
						ref = r.UEs
					} else if !reflect.DeepEqual(ref, r.UEs) {
						t.Errorf("%s: %s answers %v, others %v", tc.who, k, r.UEs, ref)
					}
				}
			}
			// Panel users: WEBMASTER may not manage domains, ADMIN may.
			r := add(p1.Token, w.Subscriptions[1], "staff-add.example")
			if len(r.Errors) == 0 && (len(r.UEs) == 0 || r.UEs[0].Code != "FORBIDDEN") {
				t.Errorf("WEBMASTER panel user adds a domain: errors %+v userErrors %v object %s; want FORBIDDEN", r.Errors, r.UEs, r.Obj)
			}
			if len(r.Errors) > 0 {
				scWantCode(t, r.Resp, "FORBIDDEN", "WEBMASTER panel user adds a domain")
			}
			crMutate(t, s, c1.Token, "createPanelUser", "panelUser", "id", map[string]any{
				"login": "c1-domadmin", "password": "domadmin-pass", "name": "Dom Admin", "email": "da@example.com", "role": "ADMIN",
			}).ok(t, "ADMIN panel user", nil)
			add(s.Login("c1-domadmin", "domadmin-pass"), w.Subscriptions[1], "staff-add.example").ok(t, "ADMIN panel user adds a domain", nil)
			add("", w.Subscriptions[1], "anon-add.example").topLevel(t, "no token", "UNAUTHENTICATED")
		})

		scSub(t, s, "createPanelUser", func(t *testing.T) {
			type pu struct {
				ID, Login, Role string
				Account         crOwner
			}
			in := func(login string, kv ...any) map[string]any {
				return crWith(map[string]any{"login": login, "password": "panel-pass-12", "name": "PU", "email": "pu@example.com"}, kv...)
			}
			var x pu
			crMutate(t, s, c1.Token, "createPanelUser", "panelUser", crPanelUserSel, in("C1-Second")).ok(t, "customer for itself", &x)
			if x.Account.Typename != "Customer" || x.Account.ID != c1.ID || x.Role != "WEBMASTER" || x.Login != "c1-second" {
				t.Errorf("customer's panel user %+v", x)
			}
			var v struct {
				Viewer struct {
					Role    string
					Account struct{ ID string }
				}
			}
			s.Must(s.Login("c1-second", "panel-pass-12"), `{viewer{role account{id}}}`, nil, &v)
			if v.Viewer.Role != "PANEL_USER" || v.Viewer.Account.ID != c1.ID {
				t.Errorf("new panel user's viewer %+v", v.Viewer)
			}
			crMutate(t, s, r1.Token, "createPanelUser", "panelUser", crPanelUserSel, in("r1-for-c1", "accountId", c1.ID, "role", "ACCOUNTANT")).ok(t, "reseller for its customer", &x)
			if x.Account.ID != c1.ID || x.Role != "ACCOUNTANT" {
				t.Errorf("reseller's panel user for customer1: %+v", x)
			}
			crMutate(t, s, r1.Token, "createPanelUser", "panelUser", crPanelUserSel, in("r1-for-self")).ok(t, "reseller for itself", &x)
			if x.Account.Typename != "Reseller" || x.Account.ID != r1.ID {
				t.Errorf("reseller's own panel user: %+v", x)
			}
			crMutate(t, s, admin, "createPanelUser", "panelUser", crPanelUserSel, in("admin-for-c3", "accountId", w.Customers[3].ID)).ok(t, "admin for a customer", &x)

			for _, tc := range []struct {
				who, token string
				ids        map[string]string
			}{
				{"reseller1", r1.Token, map[string]string{"nonexistent": "999999999", "another reseller's customer": w.Customers[3].ID,
					"the admin's customer": w.Customers[0].ID, "another reseller": r2.ID, "a subscription": w.Subscriptions[1]}},
				{"customer1", c1.Token, map[string]string{"nonexistent": "999999999", "a sibling customer": w.Customers[2].ID,
					"another reseller's customer": w.Customers[3].ID, "another reseller": r2.ID}},
			} {
				var ref []crUE
				n := 0
				for k, id := range tc.ids {
					n++
					login := fmt.Sprintf("pu-foreign-%s-%d", tc.who, n)
					r := crMutate(t, s, tc.token, "createPanelUser", "panelUser", "id", in(login, "accountId", id))
					r.userError(t, tc.who+": "+k, "NOT_FOUND", "accountId")
					if ref == nil {
						ref = r.UEs
					} else if !reflect.DeepEqual(ref, r.UEs) {
						t.Errorf("%s: %s answers %v, others %v", tc.who, k, r.UEs, ref)
					}
					crLoginFails(t, s, login, "panel-pass-12")
				}
			}
			scSub(t, s, "customer on its reseller's account", func(t *testing.T) {
				// A customer may read its owner, but must not add logins to
				// the owner's account (SPEC 1: a customer's scope is its own
				// account).
				r := crMutate(t, s, c1.Token, "createPanelUser", "panelUser", crPanelUserSel, in("c1-on-r1", "accountId", r1.ID, "role", "ADMIN"))
				if len(r.Errors) > 0 {
					t.Errorf("customer1 createPanelUser(accountId: reseller1): top-level %+v; want userError NOT_FOUND at [accountId]", r.Errors)
				} else {
					r.userError(t, "customer1 on reseller1's account", "NOT_FOUND", "accountId")
				}
				var out struct {
					Login struct {
						Token  *string
						Viewer *struct {
							Role    string
							Account crOwner
						}
					}
				}
				s.Must("", `mutation{login(input:{login:"c1-on-r1",password:"panel-pass-12"}){token viewer{role account{__typename ... on Reseller{id}}}}}`, nil, &out)
				if out.Login.Token != nil {
					t.Errorf("customer1 created a login on reseller1's account: it logs in as %+v", out.Login.Viewer)
				}
			})
			cases := []struct {
				name  string
				input map[string]any
				code  string
				field []string
			}{
				{"login of a reseller", in("Reseller2"), "TAKEN", []string{"login"}},
				{"login of a customer", in("CUSTOMER4"), "TAKEN", []string{"login"}},
				{"invalid login", in("bad login"), "INVALID", []string{"login"}},
				{"password equals login", in("pu-same", "password", "PU-SAME"), "WEAK_PASSWORD", []string{"password"}},
				{"short password", in("pu-short", "password", "1234567"), "WEAK_PASSWORD", []string{"password"}},
				{"invalid email", in("pu-email", "email", "nope"), "INVALID", []string{"email"}},
				{"empty name", in("pu-name", "name", ""), "INVALID", []string{"name"}},
			}
			for _, c := range cases {
				crMutate(t, s, c1.Token, "createPanelUser", "panelUser", "id", c.input).userError(t, c.name, c.code, c.field...)
			}
			var cu struct {
				Node struct{ PanelUsers []struct{ Login string } }
			}
			s.Must(c1.Token, `query($id:ID!){node(id:$id){... on Customer{panelUsers{login}}}}`, map[string]any{"id": c1.ID}, &cu)
			got := []string{}
			for _, p := range cu.Node.PanelUsers {
				got = append(got, p.Login)
			}
			slices.Sort(got)
			if want := []string{"c1-domadmin", "c1-second", "r1-for-c1", "staff1"}; !reflect.DeepEqual(got, want) {
				t.Errorf("customer1's panel users %v, want %v", got, want)
			}
			crMutate(t, s, p1.Token, "createPanelUser", "panelUser", "id", in("pu-by-pu")).topLevel(t, "panel user", "FORBIDDEN")
			crMutate(t, s, "", "createPanelUser", "panelUser", "id", in("pu-anon")).topLevel(t, "no token", "UNAUTHENTICATED")
			crLoginFails(t, s, "pu-by-pu", "panel-pass-12")
		})

		scSub(t, s, "login and logout", func(t *testing.T) {
			login := func(l, p string) (token *string, ues []crUE, viewer *json.RawMessage) {
				var out struct {
					Login struct {
						Token      *string
						Viewer     *json.RawMessage
						UserErrors []crUE
					}
				}
				s.Must("", `mutation($l:String!,$p:String!){login(input:{login:$l,password:$p}){token viewer{role} userErrors{code message field}}}`,
					map[string]any{"l": l, "p": p}, &out)
				return out.Login.Token, out.Login.UserErrors, out.Login.Viewer
			}
			tok, wrong, v1 := login(c1.Login, "wrong-password-1")
			tok2, unknown, v2 := login("no-such-login", "wrong-password-1")
			if tok != nil || tok2 != nil || v1 != nil || v2 != nil {
				t.Errorf("refused logins returned a token or viewer")
			}
			if len(wrong) != 1 || !reflect.DeepEqual(wrong, unknown) {
				t.Errorf("wrong password answers %v, unknown login %v; want one identical userError", wrong, unknown)
			}
			_, empty, _ := login("", "")
			if len(empty) == 0 {
				t.Errorf("empty login: no userError")
			}
			if tok, ues, _ := login("  CUSTOMER1 ", c1.Password); tok == nil {
				t.Errorf("login is case-insensitive: %v", ues)
			}

			a, b := s.Login(c1.Login, c1.Password), s.Login(c1.Login, c1.Password)
			var out struct{ Logout bool }
			s.Must(a, `mutation{logout}`, nil, &out)
			if !out.Logout {
				t.Errorf("logout returned false")
			}
			scWantCode(t, s.Do(a, `{viewer{role}}`, nil), "UNAUTHENTICATED", "token after logout")
			scWantCode(t, s.Do(a, `{customers{totalCount}}`, nil), "UNAUTHENTICATED", "token after logout")
			scWantCode(t, s.Do(a, `mutation{logout}`, nil), "UNAUTHENTICATED", "second logout")
			scNoErrors(t, s.Do(b, `{viewer{role}}`, nil), "other session after logout")
			scWantCode(t, s.Do("", `mutation{logout}`, nil), "UNAUTHENTICATED", "logout without token")
		})

		scSub(t, s, "role directives", func(t *testing.T) {
			cust := crCustomer("dir-cust")
			res := map[string]any{"login": "dir-res", "password": "dir-res-pass", "name": "D", "email": "d@example.com"}
			rplan := map[string]any{"name": "Dir RP", "limits": map[string]any{}}
			splan := map[string]any{"name": "Dir SP", "limits": map[string]any{}}
			sub := map[string]any{"subscriberId": c1.ID, "domain": "dir-sub.example", "servicePlanId": w.Plans[1]}
			pu := map[string]any{"login": "dir-pu", "password": "dir-pu-pass", "name": "D", "email": "d@example.com"}
			type call struct {
				mutation, field string
				input           map[string]any
			}
			calls := map[string]call{
				"createCustomer":     {"createCustomer", "customer", cust},
				"createReseller":     {"createReseller", "reseller", res},
				"createResellerPlan": {"createResellerPlan", "resellerPlan", rplan},
				"createServicePlan":  {"createServicePlan", "servicePlan", splan},
				"createSubscription": {"createSubscription", "subscription", sub},
				"createPanelUser":    {"createPanelUser", "panelUser", pu},
				"addDomain":          {"addDomain", "domain", map[string]any{"subscriptionId": w.Subscriptions[1], "name": "dir-dom.example"}},
			}
			forbidden := map[string][]string{
				"reseller1": {"createReseller", "createResellerPlan"},
				"customer1": {"createCustomer", "createReseller", "createResellerPlan", "createServicePlan", "createSubscription"},
				"staff1":    {"createCustomer", "createReseller", "createResellerPlan", "createServicePlan", "createSubscription", "createPanelUser"},
			}
			tokens := map[string]string{"reseller1": r1.Token, "customer1": c1.Token, "staff1": p1.Token}
			counts := func() []int {
				return []int{crCount(t, s, admin, "customers"), crCount(t, s, admin, "resellers"), crCount(t, s, admin, "resellerPlans"),
					crCount(t, s, admin, "servicePlans"), crCount(t, s, admin, "subscriptions")}
			}
			before := counts()
			for who, ms := range forbidden {
				for _, m := range ms {
					c := calls[m]
					crMutate(t, s, tokens[who], c.mutation, c.field, "id", c.input).topLevel(t, who+" "+m, "FORBIDDEN")
				}
			}
			for m, c := range calls {
				crMutate(t, s, "", c.mutation, c.field, "id", c.input).topLevel(t, "no token: "+m, "UNAUTHENTICATED")
			}
			if after := counts(); !reflect.DeepEqual(before, after) {
				t.Errorf("refused calls changed counts (customers, resellers, reseller plans, service plans, subscriptions): %v -> %v", before, after)
			}
			for _, l := range []string{"dir-cust", "dir-res", "dir-pu"} {
				crLoginFails(t, s, l, cust["password"].(string))
				crLoginFails(t, s, l, "dir-res-pass")
				crLoginFails(t, s, l, "dir-pu-pass")
			}
		})
	})
}
