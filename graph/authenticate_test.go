package graph_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/hostpanel/panel/ent/privacy"
	"github.com/hostpanel/panel/ent/reseller"
	"github.com/hostpanel/panel/ent/session"
	"github.com/hostpanel/panel/internal/apitest"
	"github.com/hostpanel/panel/internal/auth"
	"github.com/hostpanel/panel/internal/dbtest"
	"github.com/hostpanel/panel/internal/types"
)

// TestAuthenticateOneStatement: a request's authentication costs one SQL
// statement for every kind of principal, gives the right role, and still
// refuses expired sessions and principals whose owner is suspended.
func TestAuthenticateOneStatement(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d string) {
		s := apitest.New(t, d)
		w := s.BuildWorld()
		role := func(tok string) (string, int64) {
			before := s.Statements.Load()
			r := s.Do(tok, `{__typename}`, nil) // no resolver statement: authentication only
			n := s.Statements.Load() - before
			if len(r.Errors) > 0 {
				t.Fatalf("__typename: %+v", r.Errors)
			}
			var v struct{ Viewer struct{ Role string } }
			res := s.Do(tok, `{viewer{role}}`, nil)
			if res.Code() != "" {
				return res.Code(), n
			}
			s.Must(tok, `{viewer{role}}`, nil, &v)
			return v.Viewer.Role, n
		}
		for _, c := range []struct{ who, token, want string }{
			{"admin", w.AdminToken, "ADMIN"},
			{"reseller R1", w.Resellers[0].Token, "RESELLER"},
			{"admin's customer", w.Customers[0].Token, "CUSTOMER"},
			{"R1's customer", w.Customers[1].Token, "CUSTOMER"},
			{"panel user of the admin's customer", w.PanelUsers[0].Token, "PANEL_USER"},
			{"panel user of R1's customer", w.PanelUsers[1].Token, "PANEL_USER"},
		} {
			got, n := role(c.token)
			if got != c.want {
				t.Fatalf("%s: role %s, want %s", c.who, got, c.want)
			}
			if n != 1 {
				t.Fatalf("%s: authentication cost %d SQL statements, want 1", c.who, n)
			}
		}
		if got, _ := role("pnl_unknown"); got != "UNAUTHENTICATED" {
			t.Fatalf("unknown token: %s", got)
		}

		sys := privacy.DecisionContext(context.Background(), privacy.Allow)
		// An expired session is refused.
		if err := s.Client.Session.Update().Where(session.TokenHash(auth.HashToken(w.Customers[0].Token))).
			SetExpiresAt(time.Now().Add(-time.Minute)).Exec(sys); err != nil {
			t.Fatal(err)
		}
		if got, _ := role(w.Customers[0].Token); got != "UNAUTHENTICATED" {
			t.Fatalf("expired session: %s", got)
		}
		// A suspended reseller, its customers and their panel users are
		// refused; another reseller's customer is not.
		r1, _ := strconv.Atoi(w.Resellers[0].ID)
		if err := s.Client.Reseller.Update().Where(reseller.ID(r1)).SetStatus(types.StatusSuspended).Exec(sys); err != nil {
			t.Fatal(err)
		}
		for _, tok := range []string{w.Resellers[0].Token, w.Customers[1].Token, w.PanelUsers[1].Token} {
			if got, _ := role(tok); got != "UNAUTHENTICATED" {
				t.Fatalf("principal under a suspended reseller: %s", got)
			}
		}
		if got, _ := role(w.Customers[3].Token); got != "CUSTOMER" {
			t.Fatalf("R2's customer: %s", got)
		}
	})
}
