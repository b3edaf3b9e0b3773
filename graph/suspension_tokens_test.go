package graph_test

import (
	"testing"

	"github.com/hostpanel/panel/ent/session"
	"github.com/hostpanel/panel/internal/apitest"
	"github.com/hostpanel/panel/internal/auth"
	"github.com/hostpanel/panel/internal/dbtest"
)

// TestSuspensionKeepsApiTokens (issue 10 part 3): suspension refuses a
// suspended principal's login sessions and API tokens while it lasts, ends
// the sessions for good, and keeps the API tokens, which work again after
// activation. Suspension through the owning reseller (PARENT) refuses them
// too. Changing the login or password ends everything, API tokens included,
// suspended or not; deletion removes the tokens.
func TestSuspensionKeepsApiTokens(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d string) {
		s := apitest.New(t, d)
		w := s.BuildWorld()
		admin := w.AdminToken
		r1, r2 := w.Resellers[0], w.Resellers[1]
		c1, c2, c3 := w.Customers[1], w.Customers[2], w.Customers[3] // R1's, R1's, R2's
		pu1 := w.PanelUsers[1]                                       // c1's
		// R1's own panel user.
		puR := apitest.Account{Login: "staff-r1", Password: "staff-pass-12"}
		s.Create(r1.Token, "createPanelUser", "panelUser", map[string]any{
			"login": puR.Login, "password": puR.Password, "name": "R1 staff", "email": "s@example.com",
		})
		puR.Token = s.Login(puR.Login, puR.Password)

		newToken := func(who, session string, readOnly bool) string {
			t.Helper()
			out := createToken(t, s, session, map[string]any{"name": who, "readOnly": readOnly})
			if out.Token == nil {
				t.Fatalf("createApiToken for %s: %+v", who, out.UserErrors)
			}
			return *out.Token
		}
		api := map[string]string{
			"c1":          newToken("c1", c1.Token, false),
			"c1 readonly": newToken("c1 readonly", c1.Token, true),
			"c1 staff":    newToken("c1 staff", pu1.Token, false),
			"c2":          newToken("c2", c2.Token, false),
			"c2 staff":    newToken("c2 staff", w.PanelUsers[2].Token, false),
			"c3":          newToken("c3", c3.Token, false),
			"R1":          newToken("R1", r1.Token, false),
			"R1 staff":    newToken("R1 staff", puR.Token, true),
		}
		// want checks which of api's tokens work.
		want := func(step string, working ...string) {
			t.Helper()
			ok := map[string]bool{}
			for _, name := range working {
				ok[name] = true
			}
			for name, tok := range api {
				if got := works(t, s, tok); got != ok[name] {
					t.Errorf("%s: API token of %s works=%v, want %v", step, name, got, ok[name])
				}
			}
		}
		all := []string{"c1", "c1 readonly", "c1 staff", "c2", "c2 staff", "c3", "R1", "R1 staff"}
		without := func(drop ...string) []string {
			var out []string
		next:
			for _, n := range all {
				for _, d := range drop {
					if n == d {
						continue next
					}
				}
				out = append(out, n)
			}
			return out
		}
		want("before any suspension", all...)

		t.Run("customer suspended by the admin: tokens refused, sessions ended, tokens back after activation", func(t *testing.T) {
			if p := runBulk(t, s, admin, suspendMutation, map[string]any{"ids": []string{c1.ID}}); !p.Committed {
				t.Fatalf("suspend: %+v", p)
			}
			want("c1 suspended", without("c1", "c1 readonly", "c1 staff")...)
			// A refused token can do nothing, its own tokens included.
			for _, r := range []*apitest.Response{
				s.Do(api["c1"], createTokenM, map[string]any{"in": map[string]any{"name": "while suspended"}}),
				s.Do(api["c1"], viewerTokensQ, nil),
			} {
				if r.Code() != "UNAUTHENTICATED" {
					t.Fatalf("suspended customer's API token: %s %+v", r.Data, r.Errors)
				}
			}
			if p := runBulk(t, s, admin, activateMutation, map[string]any{"ids": []string{c1.ID}}); !p.Committed {
				t.Fatalf("activate: %+v", p)
			}
			want("c1 activated", all...)
			// The login sessions ended for good.
			if works(t, s, c1.Token) || works(t, s, pu1.Token) {
				t.Fatal("a login session survived the suspension")
			}
			c1.Token, pu1.Token = s.Login(c1.Login, c1.Password), s.Login(pu1.Login, pu1.Password)
			// Nothing was added or lost: the customer still has its two.
			if got := viewerTokens(t, s, api["c1 readonly"]); len(got) != 2 {
				t.Fatalf("c1's API tokens after activation: %+v", got)
			}
		})

		t.Run("customer suspended by its reseller: the same", func(t *testing.T) {
			if p := runBulk(t, s, r1.Token, suspendMutation, map[string]any{"ids": []string{c1.ID}}); !p.Committed {
				t.Fatalf("suspend: %+v", p)
			}
			want("c1 suspended by R1", without("c1", "c1 readonly", "c1 staff")...)
			if p := runBulk(t, s, r1.Token, activateMutation, map[string]any{"ids": []string{c1.ID}}); !p.Committed {
				t.Fatalf("activate: %+v", p)
			}
			want("c1 activated by R1", all...)
			if works(t, s, c1.Token) || works(t, s, pu1.Token) {
				t.Fatal("a login session survived the suspension")
			}
			c1.Token, pu1.Token = s.Login(c1.Login, c1.Password), s.Login(pu1.Login, pu1.Password)
		})

		t.Run("reseller suspended: its tokens and those below refused (PARENT), back after activation", func(t *testing.T) {
			// c2 also has a suspension of its own, which outlives R1's.
			runBulk(t, s, admin, suspendMutation, map[string]any{"ids": []string{c2.ID}})
			if p := runSusp(t, s, admin, suspendResellersMutation, map[string]any{"ids": []string{r1.ID}}); !p.Committed {
				t.Fatalf("suspend R1: %+v", p)
			}
			want("R1 suspended", "c3")
			if !works(t, s, r2.Token) {
				t.Fatal("another reseller's session ended")
			}
			if p := runSusp(t, s, admin, activateResellersMutation, map[string]any{"ids": []string{r1.ID}}); !p.Committed {
				t.Fatalf("activate R1: %+v", p)
			}
			want("R1 activated, c2 still suspended on its own", without("c2", "c2 staff")...)
			for name, tok := range map[string]string{"R1": r1.Token, "R1 staff": puR.Token, "c1": c1.Token, "c1 staff": pu1.Token} {
				if works(t, s, tok) {
					t.Errorf("%s: login session survived the reseller's suspension", name)
				}
			}
			runBulk(t, s, admin, activateMutation, map[string]any{"ids": []string{c2.ID}})
			want("c2 activated", all...)
			r1.Token = s.Login(r1.Login, r1.Password)
		})

		t.Run("a dry run or a refused suspension ends nothing", func(t *testing.T) {
			session := s.Login(c1.Login, c1.Password)
			if p := runBulk(t, s, admin, suspendMutation, map[string]any{"ids": []string{c1.ID}, "dryRun": true}); p.Committed {
				t.Fatalf("dry run committed: %+v", p)
			}
			// ATOMIC with an unknown ID: nothing applied.
			if p := runBulk(t, s, admin, suspendMutation, map[string]any{"ids": []string{c1.ID, "999999999"}}); p.Committed ||
				len(p.UserErrors) != 1 || p.UserErrors[0].Code != "NOT_FOUND" {
				t.Fatalf("bad ID: %+v", p)
			}
			if !works(t, s, session) {
				t.Fatal("a dry run or a refused suspension ended a session")
			}
			want("after dry run and refused suspension", all...)
		})

		t.Run("login and password changes end API tokens, suspended or not", func(t *testing.T) {
			// c1's password changed while it is suspended: its tokens stay
			// dead after activation; its panel user's are not its own.
			runBulk(t, s, admin, suspendMutation, map[string]any{"ids": []string{c1.ID}})
			crMutate(t, s, admin, "updateCustomerLogin", "customer", "id",
				map[string]any{"customerId": c1.ID, "password": "c1-new-password"}).ok(t, "c1 password", nil)
			runBulk(t, s, admin, activateMutation, map[string]any{"ids": []string{c1.ID}})
			want("c1's password changed", without("c1", "c1 readonly")...)
			// A login change alone ends them too.
			crMutate(t, s, admin, "updateResellerLogin", "reseller", "id",
				map[string]any{"resellerId": r1.ID, "login": "reseller1-renamed"}).ok(t, "R1 login", nil)
			want("R1's login changed", without("c1", "c1 readonly", "R1")...)
			// A panel user changing its own password keeps the session it
			// changes it from and ends its API tokens.
			session := s.Login(puR.Login, puR.Password)
			if p := okMutation(t, s, session, changePasswordM, map[string]any{"c": puR.Password, "n": "staff-new-pass-1"}); !p.Ok {
				t.Fatalf("changePassword: %+v", p)
			}
			want("R1 staff's password changed", without("c1", "c1 readonly", "R1", "R1 staff")...)
			// The owner changing a panel user's login.
			crMutate(t, s, admin, "updatePanelUser", "panelUser", "id",
				map[string]any{"panelUserId": w.PanelUsers[2].ID, "login": "staff2-renamed"}).ok(t, "c2 staff login", nil)
			want("c2 staff's login changed", "c1 staff", "c2", "c3")
			// Bad input changes nothing: a password equal to the login.
			r := crMutate(t, s, admin, "updateCustomerLogin", "customer", "id",
				map[string]any{"customerId": c2.ID, "login": "same-as-pass1", "password": "same-as-pass1"})
			if len(r.UEs) != 1 || string(r.Obj) != "null" {
				t.Fatalf("password equal to the login: %+v %s", r.UEs, r.Obj)
			}
			want("after a refused login change", "c1 staff", "c2", "c3")
		})

		t.Run("deleting a customer deletes its API tokens", func(t *testing.T) {
			runBulk(t, s, admin, suspendMutation, map[string]any{"ids": []string{c3.ID}})
			var out struct {
				DeleteCustomers struct{ Committed bool }
			}
			s.Must(admin, delCustomersMutation, map[string]any{"in": map[string]any{"ids": []string{c3.ID}}}, &out)
			if !out.DeleteCustomers.Committed {
				t.Fatal("delete c3 not committed")
			}
			n := s.Client.Session.Query().Where(session.TokenHash(auth.HashToken(api["c3"]))).CountX(sysCtx())
			if n != 0 {
				t.Fatalf("c3's API token row survived its deletion")
			}
			want("c3 deleted", "c1 staff", "c2")
		})
	})
}
