package graph_test

// Changes to existing accounts (SPEC 3.1-3.3; API 2-3): contact data with
// omitted/null/value semantics, logins and passwords (uniqueness, policy,
// sessions and API tokens ended), descriptions per side, resellers' contact
// and login (admin only), panel users' update and deletion, scope of every
// ID, and the audit event of each change. Driven over HTTP like a client.

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/hostpanel/panel/ent/auditevent"
	"github.com/hostpanel/panel/ent/audittarget"
	"github.com/hostpanel/panel/ent/credential"
	"github.com/hostpanel/panel/internal/apitest"
	"github.com/hostpanel/panel/internal/auth"
	"github.com/hostpanel/panel/internal/dbtest"
	"github.com/hostpanel/panel/internal/types"
)

// acContact is an account's contact data as the API shows it.
type acContact struct {
	ID, Login, Name, Email                                         string
	Company, Phone, Fax, Address, City, State, PostalCode, Country *string
	Locale, ExternalID                                             *string
}

const acContactSel = `id login name email company phone fax address city state postalCode country locale externalId`

// acNode reads the contact data of a Customer or Reseller as token sees it
// (nil: not visible).
func acNode(t *testing.T, s *apitest.Server, token, id string) *acContact {
	t.Helper()
	var out struct{ Node *acContact }
	s.Must(token, `query($id:ID!){node(id:$id){... on Customer{`+acContactSel+`} ... on Reseller{`+acContactSel+`}}}`,
		map[string]any{"id": id}, &out)
	return out.Node
}

func acStr(p *string) string {
	if p == nil {
		return "<nil>"
	}
	return *p
}

// acTokenWorks reports whether token still authenticates; anything but
// success or UNAUTHENTICATED fails the test.
func acTokenWorks(t *testing.T, s *apitest.Server, token string) bool {
	t.Helper()
	r := s.Do(token, `{viewer{role}}`, nil)
	if len(r.Errors) == 0 {
		return true
	}
	scWantCode(t, r, "UNAUTHENTICATED", "token check")
	return false
}

// acLoginWorks reports whether login/password opens a session.
func acLoginWorks(t *testing.T, s *apitest.Server, login, password string) bool {
	t.Helper()
	var out struct{ Login struct{ Token *string } }
	s.Must("", `mutation($l:String!,$p:String!){login(input:{login:$l,password:$p}){token}}`,
		map[string]any{"l": login, "p": password}, &out)
	return out.Login.Token != nil
}

// acAPIToken adds a named API token for login directly in the database (the
// API's createApiToken belongs to another part) and returns it.
func acAPIToken(t *testing.T, s *apitest.Server, login string) string {
	t.Helper()
	cid, err := s.Client.Credential.Query().Where(credential.Login(login)).OnlyID(scSys())
	if err != nil {
		t.Fatal(err)
	}
	tok, hash, err := auth.NewToken("pnl_")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Client.Session.Create().SetKind(types.SessionAPI).SetTokenHash(hash).
		SetName("dashboard").SetCredentialID(cid).Exec(scSys()); err != nil {
		t.Fatal(err)
	}
	if !acTokenWorks(t, s, tok) {
		t.Fatal("a fresh API token does not work")
	}
	return tok
}

// acAudits counts the audit events of action that name target.
func acAudits(t *testing.T, s *apitest.Server, action, target string) int {
	t.Helper()
	n, err := s.Client.AuditEvent.Query().
		Where(auditevent.Action(action), auditevent.HasTargetsWith(audittarget.TargetID(target))).
		Count(scSys())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// acWantAudit fails unless exactly one more audit event of action naming
// target exists than before.
func acWantAudit(t *testing.T, s *apitest.Server, before int, action, target string) {
	t.Helper()
	if n := acAudits(t, s, action, target); n != before+1 {
		t.Errorf("audit events %s on %s: %d, want %d", action, target, n, before+1)
	}
}

func TestUpdateCustomerContact(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d string) {
		s := apitest.New(t, d)
		w := s.BuildWorld()
		admin, r1, r2 := w.AdminToken, w.Resellers[0], w.Resellers[1]
		c1, c2 := w.Customers[1], w.Customers[2]
		upd := func(token string, in map[string]any) crResult {
			t.Helper()
			return crMutate(t, s, token, "updateCustomerContact", "customer", acContactSel, in)
		}

		scSub(t, s, "values, omitted and null", func(t *testing.T) {
			before := acAudits(t, s, "customer.update_contact", c1.ID)
			var c acContact
			upd(admin, map[string]any{"customerId": c1.ID, "phone": "+49 30 1234", "country": "de",
				"locale": "en_gb", "city": "Berlin", "email": "New@Bücher.Example"}).ok(t, "set values", &c)
			if acStr(c.Phone) != "+49 30 1234" || acStr(c.Country) != "DE" || acStr(c.Locale) != "en-GB" ||
				acStr(c.City) != "Berlin" || c.Email != "New@xn--bcher-kva.example" {
				t.Errorf("after setting: %+v, want normalised phone, DE, en-GB, Berlin, punycode email", c)
			}
			if c.Name != "Customer 1" || acStr(c.Company) != "Company 1" || c.Login != c1.Login {
				t.Errorf("omitted fields changed: %+v", c)
			}
			acWantAudit(t, s, before, "customer.update_contact", c1.ID)

			// null clears; omitted stays; "" clears an optional field too.
			upd(admin, map[string]any{"customerId": c1.ID, "company": nil, "city": ""}).ok(t, "clear", &c)
			if c.Company != nil || c.City != nil {
				t.Errorf("company %q city %q after null/empty, want cleared", acStr(c.Company), acStr(c.City))
			}
			if acStr(c.Phone) != "+49 30 1234" || acStr(c.Country) != "DE" || c.Name != "Customer 1" {
				t.Errorf("omitted fields changed by a clear: %+v", c)
			}
			// What the admin sees afterwards is what was stored.
			if got := acNode(t, s, admin, c1.ID); got == nil || got.Company != nil || acStr(got.Phone) != "+49 30 1234" {
				t.Errorf("stored %+v", got)
			}
		})

		scSub(t, s, "name and email cannot be cleared; values validated", func(t *testing.T) {
			was := acNode(t, s, admin, c2.ID)
			cases := []struct {
				name string
				in   map[string]any
				code string
				path string
			}{
				{"null name", map[string]any{"name": nil}, "INVALID", "name"},
				{"empty name", map[string]any{"name": "  "}, "INVALID", "name"},
				{"null email", map[string]any{"email": nil}, "INVALID", "email"},
				{"bad email", map[string]any{"email": "not-an-email"}, "INVALID", "email"},
				{"bad country", map[string]any{"country": "XX"}, "INVALID", "country"},
				{"bad country length", map[string]any{"country": "DEU"}, "INVALID", "country"},
				{"bad locale", map[string]any{"locale": "!!"}, "INVALID", "locale"},
				{"bad phone", map[string]any{"phone": "call me"}, "INVALID", "phone"},
			}
			for _, c := range cases {
				in := map[string]any{"customerId": c2.ID, "company": nil, "city": "Paris"}
				for k, v := range c.in {
					in[k] = v
				}
				upd(admin, in).userError(t, c.name, c.code, c.path)
			}
			if got := acNode(t, s, admin, c2.ID); !reflect.DeepEqual(got, was) {
				t.Errorf("a refused change changed the customer: %+v, was %+v", got, was)
			}
		})

		scSub(t, s, "customer edits its own contact only", func(t *testing.T) {
			var c acContact
			upd(c1.Token, map[string]any{"customerId": c1.ID, "name": "Self Named", "fax": "+1 555 0100"}).ok(t, "own", &c)
			if c.Name != "Self Named" || acStr(c.Fax) != "+1 555 0100" {
				t.Errorf("own edit stored %+v", c)
			}
			was := acNode(t, s, admin, c2.ID)
			upd(c1.Token, map[string]any{"customerId": c2.ID, "name": "Hijacked"}).
				userError(t, "customer edits a sibling", "NOT_FOUND", "customerId")
			upd(c1.Token, map[string]any{"customerId": c1.ID, "externalId": "BILL-1"}).
				userError(t, "customer sets its external ID", "FORBIDDEN", "externalId")
			if got := acNode(t, s, admin, c2.ID); !reflect.DeepEqual(got, was) {
				t.Errorf("sibling changed: %+v", got)
			}
			crMutate(t, s, w.PanelUsers[1].Token, "updateCustomerContact", "customer", "id",
				map[string]any{"customerId": c1.ID, "name": "Staff Edit"}).topLevel(t, "panel user", "FORBIDDEN")
		})

		scSub(t, s, "reseller scope and IDs", func(t *testing.T) {
			var c acContact
			upd(r1.Token, map[string]any{"customerId": c1.ID, "state": "BE", "externalId": "BILL-1"}).ok(t, "owner", &c)
			if acStr(c.State) != "BE" || acStr(c.ExternalID) != "BILL-1" {
				t.Errorf("owner's edit stored %+v", c)
			}
			was := acNode(t, s, admin, c1.ID)
			for name, id := range map[string]string{
				"foreign customer": c1.ID, "a reseller's ID": r1.ID, "a subscription's ID": w.Subscriptions[3],
				"never existed": "999999999", "malformed": "x-1",
			} {
				upd(r2.Token, map[string]any{"customerId": id, "name": "Taken Over"}).
					userError(t, "reseller2: "+name, "NOT_FOUND", "customerId")
			}
			if got := acNode(t, s, admin, c1.ID); !reflect.DeepEqual(got, was) {
				t.Errorf("reseller2 changed a foreign customer: %+v, was %+v", got, was)
			}
			// External IDs stay unique; null clears.
			upd(admin, map[string]any{"customerId": w.Customers[3].ID, "externalId": "BILL-1"}).
				userError(t, "external ID in use", "TAKEN", "externalId")
			upd(admin, map[string]any{"customerId": c1.ID, "externalId": nil}).ok(t, "clear external ID", &c)
			if c.ExternalID != nil {
				t.Errorf("externalId %q after null", *c.ExternalID)
			}
			upd(admin, map[string]any{"customerId": w.Customers[3].ID, "externalId": "BILL-1"}).ok(t, "reuse", nil)
		})
	})
}

func TestUpdateCustomerLogin(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d string) {
		s := apitest.New(t, d)
		w := s.BuildWorld()
		admin, r1, r2 := w.AdminToken, w.Resellers[0], w.Resellers[1]
		c0, c1, c2 := w.Customers[0], w.Customers[1], w.Customers[2]
		upd := func(token string, in map[string]any) crResult {
			t.Helper()
			return crMutate(t, s, token, "updateCustomerLogin", "customer", "id login", in)
		}

		scSub(t, s, "refusals change nothing", func(t *testing.T) {
			api := acAPIToken(t, s, c1.Login)
			cases := []struct {
				name, code, path string
				in               map[string]any
			}{
				{"a reseller's login", "TAKEN", "login", map[string]any{"login": "reseller2"}},
				{"the admin's login, upper case", "TAKEN", "login", map[string]any{"login": "ADMIN"}},
				{"a panel user's login, mixed case", "TAKEN", "login", map[string]any{"login": "Staff3"}},
				{"another customer's login", "TAKEN", "login", map[string]any{"login": c2.Login, "password": "fresh-pass-99"}},
				{"short password", "WEAK_PASSWORD", "password", map[string]any{"password": "short"}},
				{"password equal to the login", "WEAK_PASSWORD", "password", map[string]any{"password": "CUSTOMER1"}},
				{"password equal to the new login", "WEAK_PASSWORD", "password", map[string]any{"login": "brandnew1", "password": "BrandNew1"}},
				{"bad login", "INVALID", "login", map[string]any{"login": "-dash"}},
				{"too long login", "INVALID", "login", map[string]any{"login": strings.Repeat("a", 61)}},
				{"nothing to change", "INVALID", "login", map[string]any{}},
			}
			for _, c := range cases {
				in := map[string]any{"customerId": c1.ID}
				for k, v := range c.in {
					in[k] = v
				}
				upd(admin, in).userError(t, c.name, c.code, c.path)
			}
			if !acTokenWorks(t, s, c1.Token) || !acTokenWorks(t, s, api) {
				t.Error("a refused login change ended the customer's sessions")
			}
			if !acLoginWorks(t, s, c1.Login, c1.Password) {
				t.Error("a refused login change changed the credentials")
			}
			// Scope: another reseller, the customer itself, a panel user.
			upd(r2.Token, map[string]any{"customerId": c1.ID, "login": "stolen1"}).
				userError(t, "foreign reseller", "NOT_FOUND", "customerId")
			upd(r1.Token, map[string]any{"customerId": r1.ID, "password": "fresh-pass-99"}).
				userError(t, "a reseller's ID", "NOT_FOUND", "customerId")
			upd(c1.Token, map[string]any{"customerId": c1.ID, "password": "fresh-pass-99"}).
				topLevel(t, "customer itself", "FORBIDDEN")
			upd(w.PanelUsers[1].Token, map[string]any{"customerId": c1.ID, "password": "fresh-pass-99"}).
				topLevel(t, "panel user", "FORBIDDEN")
			if !acLoginWorks(t, s, c1.Login, c1.Password) || !acTokenWorks(t, s, c1.Token) {
				t.Error("a refused caller changed the customer's login")
			}
		})

		scSub(t, s, "owning reseller changes login and password", func(t *testing.T) {
			api := acAPIToken(t, s, c1.Login)
			c2tok := s.Login(c2.Login, c2.Password)
			before := acAudits(t, s, "customer.login_changed", c1.ID)
			var c struct{ ID, Login string }
			upd(r1.Token, map[string]any{"customerId": c1.ID, "login": "Renamed.One", "password": "renamed-pass-1"}).ok(t, "change", &c)
			if c.Login != "renamed.one" {
				t.Errorf("login %q, want renamed.one", c.Login)
			}
			if acTokenWorks(t, s, c1.Token) || acTokenWorks(t, s, api) {
				t.Error("the customer's session or API token survived its login change")
			}
			if acLoginWorks(t, s, c1.Login, c1.Password) || acLoginWorks(t, s, "renamed.one", c1.Password) {
				t.Error("old credentials still log in")
			}
			tok := s.Login("RENAMED.ONE", "renamed-pass-1")
			var v struct {
				Viewer struct{ Account struct{ ID, Login string } }
			}
			s.Must(tok, `{viewer{account{id login}}}`, nil, &v)
			if v.Viewer.Account.ID != c1.ID || v.Viewer.Account.Login != "renamed.one" {
				t.Errorf("new login is %+v", v.Viewer.Account)
			}
			if !acTokenWorks(t, s, c2tok) || !acTokenWorks(t, s, r1.Token) {
				t.Error("another principal's session ended")
			}
			acWantAudit(t, s, before, "customer.login_changed", c1.ID)
			// The old login is free again; the same login in other case is no clash.
			upd(admin, map[string]any{"customerId": c1.ID, "login": "Renamed.ONE"}).ok(t, "same login", nil)
			s.Create(admin, "createCustomer", "customer", crCustomer(c1.Login))
		})

		scSub(t, s, "admin changes only the password", func(t *testing.T) {
			api := acAPIToken(t, s, c0.Login)
			var c struct{ ID, Login string }
			upd(admin, map[string]any{"customerId": c0.ID, "password": "another-pass-1", "login": nil}).ok(t, "password", &c)
			if c.Login != c0.Login {
				t.Errorf("login changed to %q", c.Login)
			}
			if acTokenWorks(t, s, c0.Token) || acTokenWorks(t, s, api) {
				t.Error("sessions survived a password change")
			}
			if acLoginWorks(t, s, c0.Login, c0.Password) || !acLoginWorks(t, s, c0.Login, "another-pass-1") {
				t.Error("password change not in effect")
			}
			if !acTokenWorks(t, s, w.PanelUsers[0].Token) {
				t.Error("the customer's panel user lost its session: only the customer's own end")
			}
		})
	})
}

func TestUpdateReseller(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d string) {
		s := apitest.New(t, d)
		w := s.BuildWorld()
		admin, r1, r2 := w.AdminToken, w.Resellers[0], w.Resellers[1]
		contact := func(token string, in map[string]any) crResult {
			t.Helper()
			return crMutate(t, s, token, "updateResellerContact", "reseller", acContactSel, in)
		}
		login := func(token string, in map[string]any) crResult {
			t.Helper()
			return crMutate(t, s, token, "updateResellerLogin", "reseller", "id login", in)
		}

		scSub(t, s, "contact", func(t *testing.T) {
			before := acAudits(t, s, "reseller.update_contact", r1.ID)
			var r acContact
			contact(admin, map[string]any{"resellerId": r1.ID, "company": "Partner Ltd", "country": "gb", "email": "Ops@Partner.Example"}).ok(t, "set", &r)
			if acStr(r.Company) != "Partner Ltd" || acStr(r.Country) != "GB" || r.Email != "Ops@partner.example" || r.Name != "Reseller 1" {
				t.Errorf("stored %+v", r)
			}
			acWantAudit(t, s, before, "reseller.update_contact", r1.ID)
			contact(admin, map[string]any{"resellerId": r1.ID, "company": nil}).ok(t, "clear", &r)
			if r.Company != nil || acStr(r.Country) != "GB" {
				t.Errorf("after clearing company: %+v", r)
			}
			contact(admin, map[string]any{"resellerId": r1.ID, "name": nil}).userError(t, "null name", "INVALID", "name")
			contact(admin, map[string]any{"resellerId": r1.ID, "email": nil}).userError(t, "null email", "INVALID", "email")
			contact(admin, map[string]any{"resellerId": r1.ID, "country": "ZZ"}).userError(t, "bad country", "INVALID", "country")
			contact(admin, map[string]any{"resellerId": w.Customers[1].ID, "name": "X"}).userError(t, "a customer's ID", "NOT_FOUND", "resellerId")
			contact(r1.Token, map[string]any{"resellerId": r1.ID, "name": "Self"}).topLevel(t, "reseller itself", "FORBIDDEN")
			contact(r2.Token, map[string]any{"resellerId": r1.ID, "name": "Other"}).topLevel(t, "other reseller", "FORBIDDEN")
			contact(w.Customers[1].Token, map[string]any{"resellerId": r1.ID, "name": "Child"}).topLevel(t, "customer", "FORBIDDEN")
			if got := acNode(t, s, admin, r1.ID); got.Name != "Reseller 1" {
				t.Errorf("name %q after refusals", got.Name)
			}
		})

		scSub(t, s, "login", func(t *testing.T) {
			login(r1.Token, map[string]any{"resellerId": r1.ID, "password": "self-chosen-1"}).topLevel(t, "reseller itself", "FORBIDDEN")
			login(admin, map[string]any{"resellerId": r1.ID, "login": "Customer3"}).userError(t, "customer's login", "TAKEN", "login")
			login(admin, map[string]any{"resellerId": r1.ID, "login": "STAFF0"}).userError(t, "panel user's login", "TAKEN", "login")
			login(admin, map[string]any{"resellerId": r1.ID, "password": "1234567"}).userError(t, "short", "WEAK_PASSWORD", "password")
			login(admin, map[string]any{"resellerId": r1.ID, "password": "Reseller1"}).userError(t, "= login", "WEAK_PASSWORD", "password")
			login(admin, map[string]any{"resellerId": w.Customers[1].ID, "password": "valid-pass-99"}).userError(t, "customer's ID", "NOT_FOUND", "resellerId")
			if !acTokenWorks(t, s, r1.Token) {
				t.Fatal("refusals ended the reseller's session")
			}
			api := acAPIToken(t, s, r1.Login)
			before := acAudits(t, s, "reseller.login_changed", r1.ID)
			var r struct{ ID, Login string }
			login(admin, map[string]any{"resellerId": r1.ID, "login": "Partner1", "password": "partner-pass-1"}).ok(t, "change", &r)
			if r.Login != "partner1" {
				t.Errorf("login %q", r.Login)
			}
			if acTokenWorks(t, s, r1.Token) || acTokenWorks(t, s, api) {
				t.Error("the reseller's session or API token survived")
			}
			if acLoginWorks(t, s, r1.Login, r1.Password) {
				t.Error("old credentials still work")
			}
			tok := s.Login("partner1", "partner-pass-1")
			var out struct{ Customers struct{ TotalCount int } }
			s.Must(tok, `{customers{totalCount}}`, nil, &out)
			if out.Customers.TotalCount != 2 {
				t.Errorf("renamed reseller sees %d customers, want 2", out.Customers.TotalCount)
			}
			if !acTokenWorks(t, s, w.Customers[1].Token) {
				t.Error("the reseller's customer lost its session")
			}
			acWantAudit(t, s, before, "reseller.login_changed", r1.ID)
		})
	})
}

func TestSetCustomerDescription(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d string) {
		s := apitest.New(t, d)
		w := s.BuildWorld()
		admin, r1, r2 := w.AdminToken, w.Resellers[0], w.Resellers[1]
		c1, c2, c3 := w.Customers[1], w.Customers[2], w.Customers[3]
		set := func(token string, in map[string]any) crResult {
			t.Helper()
			return crMutate(t, s, token, "setCustomerDescription", "customer", "id description", in)
		}
		// seen returns description and the sorted "text@authorID" of
		// descriptions, as token sees customer id.
		seen := func(token, id string) (string, []string) {
			t.Helper()
			var out struct {
				Node *struct {
					Description  *string
					Descriptions []struct {
						Text   string
						Author struct{ ID string }
					}
				}
			}
			s.Must(token, `query($id:ID!){node(id:$id){... on Customer{description descriptions{text author{... on Administrator{id} ... on Reseller{id}}}}}}`,
				map[string]any{"id": id}, &out)
			if out.Node == nil {
				t.Fatalf("customer %s not visible", id)
			}
			var all []string
			for _, d := range out.Node.Descriptions {
				all = append(all, d.Text+"@"+d.Author.ID)
			}
			slices.Sort(all)
			return acStr(out.Node.Description), all
		}
		want := func(token, who, id, desc string, all ...string) {
			t.Helper()
			gd, ga := seen(token, id)
			if gd != desc || !slices.Equal(ga, all) {
				t.Errorf("%s sees description %q descriptions %v, want %q %v", who, gd, ga, desc, all)
			}
		}
		// World: c1 has "note 1" on R1's side.
		want(admin, "admin", c1.ID, "note 1", "note 1@"+r1.ID)

		scSub(t, s, "sides kept apart", func(t *testing.T) {
			before := acAudits(t, s, "customer.description_set", c1.ID)
			var c struct{ ID, Description string }
			set(admin, map[string]any{"customerId": c1.ID, "text": "admin on c1"}).ok(t, "admin side", &c)
			if c.Description != "admin on c1" {
				t.Errorf("payload description %q", c.Description)
			}
			acWantAudit(t, s, before, "customer.description_set", c1.ID)
			want(admin, "admin", c1.ID, "admin on c1", "admin on c1@"+w.AdminID, "note 1@"+r1.ID)
			want(r1.Token, "reseller1", c1.ID, "note 1", "note 1@"+r1.ID)
			want(c1.Token, "customer1", c1.ID, "<nil>")

			set(admin, map[string]any{"customerId": c1.ID, "text": "reseller side by admin", "authorId": r1.ID}).ok(t, "admin, reseller side", nil)
			want(admin, "admin", c1.ID, "admin on c1", "admin on c1@"+w.AdminID, "reseller side by admin@"+r1.ID)
			want(r1.Token, "reseller1", c1.ID, "reseller side by admin", "reseller side by admin@"+r1.ID)

			set(r1.Token, map[string]any{"customerId": c1.ID, "text": "  r1 again  "}).ok(t, "reseller", nil)
			want(r1.Token, "reseller1", c1.ID, "r1 again", "r1 again@"+r1.ID)
			want(admin, "admin", c1.ID, "admin on c1", "admin on c1@"+w.AdminID, "r1 again@"+r1.ID)

			// The admin writes its own side also by naming itself.
			set(admin, map[string]any{"customerId": c2.ID, "text": "admin on c2", "authorId": w.AdminID}).ok(t, "authorId = admin", nil)
			want(admin, "admin", c2.ID, "admin on c2", "admin on c2@"+w.AdminID, "note 2@"+r1.ID)
			want(r1.Token, "reseller1", c2.ID, "note 2", "note 2@"+r1.ID)
		})

		scSub(t, s, "authorId and scope", func(t *testing.T) {
			set(admin, map[string]any{"customerId": c1.ID, "text": "x", "authorId": r2.ID}).
				userError(t, "author is not the owner", "INVALID", "authorId")
			set(admin, map[string]any{"customerId": c1.ID, "text": "x", "authorId": c3.ID}).
				userError(t, "author is a customer", "NOT_FOUND", "authorId")
			set(r1.Token, map[string]any{"customerId": c1.ID, "text": "x", "authorId": w.AdminID}).
				userError(t, "reseller names an author", "FORBIDDEN", "authorId")
			set(r1.Token, map[string]any{"customerId": c3.ID, "text": "x"}).
				userError(t, "reseller on a foreign customer", "NOT_FOUND", "customerId")
			set(admin, map[string]any{"customerId": r1.ID, "text": "x"}).
				userError(t, "a reseller's ID", "NOT_FOUND", "customerId")
			set(c1.Token, map[string]any{"customerId": c1.ID, "text": "x"}).topLevel(t, "customer", "FORBIDDEN")
			set(w.PanelUsers[1].Token, map[string]any{"customerId": c1.ID, "text": "x"}).topLevel(t, "panel user", "FORBIDDEN")
			want(admin, "admin", c3.ID, "note 3", "note 3@"+r2.ID)
			want(admin, "admin", c1.ID, "admin on c1", "admin on c1@"+w.AdminID, "r1 again@"+r1.ID)
		})

		scSub(t, s, "empty text removes", func(t *testing.T) {
			before := acAudits(t, s, "customer.description_removed", c1.ID)
			set(r1.Token, map[string]any{"customerId": c1.ID, "text": ""}).ok(t, "reseller removes", nil)
			acWantAudit(t, s, before, "customer.description_removed", c1.ID)
			want(r1.Token, "reseller1", c1.ID, "<nil>")
			want(admin, "admin", c1.ID, "admin on c1", "admin on c1@"+w.AdminID)
			set(admin, map[string]any{"customerId": c1.ID, "text": "   "}).ok(t, "admin removes", nil)
			want(admin, "admin", c1.ID, "<nil>")
			// Removing the reseller's side by the admin.
			set(admin, map[string]any{"customerId": c3.ID, "text": "", "authorId": r2.ID}).ok(t, "admin removes r2's", nil)
			want(r2.Token, "reseller2", c3.ID, "<nil>")
			want(admin, "admin", c3.ID, "<nil>")
		})
	})
}

func TestUpdateDeletePanelUser(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d string) {
		s := apitest.New(t, d)
		w := s.BuildWorld()
		admin, r1, r2 := w.AdminToken, w.Resellers[0], w.Resellers[1]
		c1 := w.Customers[1]
		p0, p1, p2, p3 := w.PanelUsers[0], w.PanelUsers[1], w.PanelUsers[2], w.PanelUsers[3]
		type pu struct{ ID, Login, Name, Email, Role string }
		upd := func(token string, in map[string]any) crResult {
			t.Helper()
			return crMutate(t, s, token, "updatePanelUser", "panelUser", "id login name email role", in)
		}
		del := func(token, id string) (*string, []crUE, *apitest.Response) {
			t.Helper()
			r := s.Do(token, `mutation($id:ID!){deletePanelUser(input:{panelUserId:$id}){deletedPanelUserId userErrors{code message field}}}`,
				map[string]any{"id": id})
			var out struct {
				DeletePanelUser *struct {
					DeletedPanelUserID *string
					UserErrors         []crUE
				}
			}
			if len(r.Data) > 0 {
				_ = json.Unmarshal(r.Data, &out)
			}
			if out.DeletePanelUser == nil {
				return nil, nil, r
			}
			return out.DeletePanelUser.DeletedPanelUserID, out.DeletePanelUser.UserErrors, r
		}
		visible := func(token, id string) bool {
			t.Helper()
			var out struct{ Node *struct{ ID string } }
			s.Must(token, `query($id:ID!){node(id:$id){id}}`, map[string]any{"id": id}, &out)
			return out.Node != nil
		}

		scSub(t, s, "update", func(t *testing.T) {
			before := acAudits(t, s, "panel_user.update", p1.ID)
			var p pu
			upd(c1.Token, map[string]any{"panelUserId": p1.ID, "name": "Head of Web", "role": "ADMIN"}).ok(t, "customer", &p)
			if p.Name != "Head of Web" || p.Role != "ADMIN" || p.Email != "staff@example.com" || p.Login != p1.Login {
				t.Errorf("stored %+v", p)
			}
			acWantAudit(t, s, before, "panel_user.update", p1.ID)
			if !acTokenWorks(t, s, p1.Token) {
				t.Error("a contact change ended the panel user's session")
			}
			upd(c1.Token, map[string]any{"panelUserId": p1.ID, "email": nil}).userError(t, "null email", "INVALID", "email")
			upd(c1.Token, map[string]any{"panelUserId": p1.ID, "name": nil}).userError(t, "null name", "INVALID", "name")
			upd(c1.Token, map[string]any{"panelUserId": p1.ID, "email": "bad"}).userError(t, "bad email", "INVALID", "email")
			upd(c1.Token, map[string]any{"panelUserId": p1.ID, "login": "Customer0"}).userError(t, "login taken", "TAKEN", "login")
			upd(c1.Token, map[string]any{"panelUserId": p1.ID, "password": "Staff1"}).userError(t, "password = login", "WEAK_PASSWORD", "password")
			upd(c1.Token, map[string]any{"panelUserId": p2.ID, "name": "Sibling's"}).userError(t, "customer on a sibling's", "NOT_FOUND", "panelUserId")
			upd(c1.Token, map[string]any{"panelUserId": c1.ID, "name": "X"}).userError(t, "a customer's ID", "NOT_FOUND", "panelUserId")
			upd(r2.Token, map[string]any{"panelUserId": p1.ID, "name": "Foreign"}).userError(t, "foreign reseller", "NOT_FOUND", "panelUserId")
			upd(p1.Token, map[string]any{"panelUserId": p1.ID, "name": "Me"}).topLevel(t, "panel user", "FORBIDDEN")
			var out struct{ Node struct{ Name string } }
			s.Must(admin, `query($id:ID!){node(id:$id){... on PanelUser{name}}}`, map[string]any{"id": p1.ID}, &out)
			if out.Node.Name != "Head of Web" {
				t.Errorf("name %q after refusals", out.Node.Name)
			}

			// The owning reseller changes the login: sessions end.
			before = acAudits(t, s, "panel_user.login_changed", p1.ID)
			upd(r1.Token, map[string]any{"panelUserId": p1.ID, "login": "Web.Lead", "password": "web-lead-pass"}).ok(t, "reseller: login", &p)
			if p.Login != "web.lead" {
				t.Errorf("login %q", p.Login)
			}
			if acTokenWorks(t, s, p1.Token) || acLoginWorks(t, s, p1.Login, p1.Password) {
				t.Error("old session or credentials of the panel user still work")
			}
			tok := s.Login("web.lead", "web-lead-pass")
			var v struct {
				Viewer struct{ PanelUser struct{ ID string } }
			}
			s.Must(tok, `{viewer{panelUser{id}}}`, nil, &v)
			if v.Viewer.PanelUser.ID != p1.ID {
				t.Errorf("new login is panel user %q", v.Viewer.PanelUser.ID)
			}
			if !acTokenWorks(t, s, c1.Token) {
				t.Error("the customer's own session ended")
			}
			acWantAudit(t, s, before, "panel_user.login_changed", p1.ID)

			// A reseller's own panel user: the reseller and the admin manage
			// it; the reseller's customers and other resellers do not see it.
			rp := s.Create(admin, "createPanelUser", "panelUser", map[string]any{
				"accountId": r1.ID, "login": "r1staff", "password": "r1staff-pass", "name": "R1 Staff", "email": "staff@r1.example"})
			upd(r1.Token, map[string]any{"panelUserId": rp, "role": "ACCOUNTANT"}).ok(t, "reseller: own panel user", &p)
			if p.Role != "ACCOUNTANT" {
				t.Errorf("role %q", p.Role)
			}
			upd(c1.Token, map[string]any{"panelUserId": rp, "name": "X"}).userError(t, "customer on its reseller's", "NOT_FOUND", "panelUserId")
			upd(r2.Token, map[string]any{"panelUserId": rp, "name": "X"}).userError(t, "other reseller", "NOT_FOUND", "panelUserId")
			upd(admin, map[string]any{"panelUserId": rp, "email": "Boss@R1.Example"}).ok(t, "admin", &p)
			if p.Email != "Boss@r1.example" || p.Name != "R1 Staff" {
				t.Errorf("stored %+v", p)
			}
		})

		scSub(t, s, "delete", func(t *testing.T) {
			if id, ues, r := del(r2.Token, p2.ID); id != nil || len(ues) != 1 || ues[0].Code != "NOT_FOUND" ||
				!slices.Equal(ues[0].Field, []string{"panelUserId"}) || len(r.Errors) > 0 {
				t.Errorf("foreign reseller deletes: id %v userErrors %v errors %+v", id, ues, r.Errors)
			}
			if id, ues, _ := del(c1.Token, p2.ID); id != nil || len(ues) != 1 || ues[0].Code != "NOT_FOUND" {
				t.Errorf("customer deletes a sibling's: id %v userErrors %v", id, ues)
			}
			if _, _, r := del(p3.Token, p3.ID); r.Code() != "FORBIDDEN" {
				t.Errorf("panel user deletes itself: %+v", r.Errors)
			}
			if !visible(admin, p2.ID) || !acTokenWorks(t, s, p2.Token) {
				t.Fatal("a refused deletion deleted")
			}
			api := acAPIToken(t, s, p3.Login)
			before := acAudits(t, s, "panel_user.delete", p3.ID)
			if id, ues, r := del(w.Customers[3].Token, p3.ID); id == nil || *id != p3.ID || len(ues) > 0 || len(r.Errors) > 0 {
				t.Fatalf("customer deletes its panel user: id %v userErrors %v errors %+v", id, ues, r.Errors)
			}
			acWantAudit(t, s, before, "panel_user.delete", p3.ID)
			if visible(admin, p3.ID) || acTokenWorks(t, s, p3.Token) || acTokenWorks(t, s, api) ||
				acLoginWorks(t, s, p3.Login, p3.Password) {
				t.Error("deleted panel user still visible or able to sign in")
			}
			if id, ues, _ := del(admin, p3.ID); id != nil || len(ues) != 1 || ues[0].Code != "NOT_FOUND" {
				t.Errorf("second deletion: id %v userErrors %v", id, ues)
			}
			if id, _, _ := del(admin, p0.ID); id == nil {
				t.Error("admin cannot delete the admin customer's panel user")
			}
			if id, _, _ := del(r1.Token, p2.ID); id == nil {
				t.Error("owning reseller cannot delete its customer's panel user")
			}
			// The login is free again.
			s.Create(c1.Token, "createPanelUser", "panelUser", map[string]any{
				"login": p3.Login, "password": "reused-pass-1", "name": "Again", "email": "again@example.com"})
			if !acTokenWorks(t, s, w.Customers[3].Token) {
				t.Error("the customer's session ended with its panel user's")
			}
		})
	})
}
