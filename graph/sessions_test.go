package graph_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/hostpanel/panel/ent/session"
	"github.com/hostpanel/panel/internal/apitest"
	"github.com/hostpanel/panel/internal/auth"
	"github.com/hostpanel/panel/internal/dbtest"
	"github.com/hostpanel/panel/internal/types"
)

const (
	changePasswordM = `mutation($c:String!,$n:String!){changePassword(input:{currentPassword:$c,newPassword:$n}){ok userErrors{code field}}}`
	requestResetM   = `mutation($l:String!,$e:String!){requestPasswordReset(input:{login:$l,email:$e}){ok userErrors{code field}}}`
	resetM          = `mutation($t:String!,$n:String!){resetPassword(input:{token:$t,newPassword:$n}){ok userErrors{code field}}}`
	createTokenM    = `mutation($in:CreateApiTokenInput!){createApiToken(input:$in){token apiToken{id name readOnly expiresAt createdAt lastUsedAt} userErrors{code field}}}`
	revokeTokenM    = `mutation($id:ID!){revokeApiToken(input:{id:$id}){revokedApiTokenId userErrors{code field}}}`
	viewerTokensQ   = `{viewer{role apiTokens{id name readOnly expiresAt createdAt lastUsedAt}}}`
	whoAmIQ         = `{viewer{role account{id}}}`
)

type userErr struct {
	Code  string
	Field []string
}

type okPayload struct {
	Ok         bool
	UserErrors []userErr
}

// okMutation runs a mutation whose payload is {ok userErrors}.
func okMutation(t *testing.T, s *apitest.Server, token, q string, vars map[string]any) okPayload {
	t.Helper()
	var out map[string]okPayload
	s.Must(token, q, vars, &out)
	for _, p := range out {
		return p
	}
	t.Fatal("no payload")
	return okPayload{}
}

func wantUserError(t *testing.T, what string, ues []userErr, code, field string) {
	t.Helper()
	if len(ues) != 1 || ues[0].Code != code || strings.Join(ues[0].Field, ".") != field {
		t.Fatalf("%s: user errors %+v, want %s at %s", what, ues, code, field)
	}
}

// works reports whether token is accepted.
func works(t *testing.T, s *apitest.Server, token string) bool {
	t.Helper()
	r := s.Do(token, whoAmIQ, nil)
	switch r.Code() {
	case "":
		return true
	case "UNAUTHENTICATED":
		return false
	}
	t.Fatalf("whoami: %+v", r.Errors)
	return false
}

func countEvents(t *testing.T, s *apitest.Server, token, action string) auditPage {
	t.Helper()
	return auditEvents(t, s, token, map[string]any{"where": map[string]any{"action": action}})
}

type apiToken struct {
	ID         string
	Name       string
	ReadOnly   bool
	ExpiresAt  *time.Time
	CreatedAt  time.Time
	LastUsedAt *time.Time
}

type createTokenOut struct {
	Token      *string
	APIToken   *apiToken `json:"apiToken"`
	UserErrors []userErr
}

func createToken(t *testing.T, s *apitest.Server, token string, in map[string]any) createTokenOut {
	t.Helper()
	var out struct{ CreateApiToken createTokenOut }
	s.Must(token, createTokenM, map[string]any{"in": in}, &out)
	return out.CreateApiToken
}

func viewerTokens(t *testing.T, s *apitest.Server, token string) []apiToken {
	t.Helper()
	var out struct {
		Viewer struct {
			APITokens []apiToken `json:"apiTokens"`
		}
	}
	s.Must(token, viewerTokensQ, nil, &out)
	return out.Viewer.APITokens
}

// TestChangePassword: the current password is required, the policy holds,
// the other sessions and tokens end and the current one stays.
func TestChangePassword(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d string) {
		s := apitest.New(t, d)
		w := s.BuildWorld()
		c := w.Customers[1] // R1's
		current := s.Login(c.Login, c.Password)
		other := c.Token
		api := createToken(t, s, other, map[string]any{"name": "dashboard"})
		if api.Token == nil {
			t.Fatalf("createApiToken: %+v", api.UserErrors)
		}
		p := okMutation(t, s, current, changePasswordM, map[string]any{"c": "wrong-password", "n": "brand-new-pass-1"})
		if p.Ok {
			t.Fatal("changed with a wrong current password")
		}
		wantUserError(t, "wrong current", p.UserErrors, "INVALID", "currentPassword")
		for _, weak := range []string{"short", c.Login, strings.Repeat("x", 129)} {
			p := okMutation(t, s, current, changePasswordM, map[string]any{"c": c.Password, "n": weak})
			if p.Ok {
				t.Fatalf("weak password %q accepted", weak)
			}
			wantUserError(t, "weak "+weak, p.UserErrors, "WEAK_PASSWORD", "newPassword")
		}
		if !works(t, s, other) || !works(t, s, *api.Token) {
			t.Fatal("a refused change ended sessions")
		}
		if p := okMutation(t, s, current, changePasswordM, map[string]any{"c": c.Password, "n": "brand-new-pass-1"}); !p.Ok || len(p.UserErrors) > 0 {
			t.Fatalf("change: %+v", p)
		}
		if !works(t, s, current) {
			t.Fatal("the current session ended")
		}
		if works(t, s, other) || works(t, s, *api.Token) {
			t.Fatal("another session or API token survived the change")
		}
		if r := s.Do("", `mutation{login(input:{login:"customer1",password:"customer-pass-1"}){token}}`, nil); strings.Contains(string(r.Data), `"token":"`) {
			t.Fatal("the old password still logs in")
		}
		s.Login(c.Login, "brand-new-pass-1")
		if r := s.Do("", changePasswordM, map[string]any{"c": "x", "n": "y"}); r.Code() != "UNAUTHENTICATED" {
			t.Fatalf("anonymous: %+v", r.Errors)
		}
		// Audited, in R1's scope, the refused attempt too.
		if p := countEvents(t, s, w.Resellers[0].Token, "auth.password_change_refused"); p.TotalCount != 1 || p.Events[0].Success {
			t.Fatalf("refused password change events: %+v", p)
		}
		for _, tok := range []string{w.AdminToken, w.Resellers[0].Token} {
			if p := countEvents(t, s, tok, "auth.password_change"); p.TotalCount != 1 || p.Events[0].TargetIDs[0] != c.ID {
				t.Fatalf("password change events: %+v", p)
			}
		}
		if p := countEvents(t, s, w.Resellers[1].Token, "auth.password_change"); p.TotalCount != 0 {
			t.Fatal("R2 reads R1's customer's password change")
		}
		// A panel user changes its own password.
		pu := w.PanelUsers[1]
		if p := okMutation(t, s, pu.Token, changePasswordM, map[string]any{"c": pu.Password, "n": "panel-new-pass-1"}); !p.Ok {
			t.Fatalf("panel user: %+v", p)
		}
		s.Login(pu.Login, "panel-new-pass-1")
	})
}

// TestPasswordReset: the same answer whether or not login and email match;
// a matching request issues one hashed, expiring, single-use token.
func TestPasswordReset(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d string) {
		s, mb := apitest.NewWithMailbox(t, d)
		w := s.BuildWorld()
		c := w.Customers[3] // R2's, email c3@example.com
		answer := func(login, email string) string {
			r := s.Do("", requestResetM, map[string]any{"l": login, "e": email})
			if len(r.Errors) > 0 {
				t.Fatal(r.Errors)
			}
			return string(r.Data)
		}
		right := answer(c.Login, "C3@Example.com")
		for _, x := range [][2]string{{c.Login, "c1@example.com"}, {"nobody", "c3@example.com"}, {"customer1", "c3@example.com"}, {c.Login, ""}} {
			if got := answer(x[0], x[1]); got != right {
				t.Fatalf("answer for %v: %s, for a match: %s", x, got, right)
			}
		}
		if !strings.Contains(right, `"ok":true`) || !strings.Contains(right, `"userErrors":[]`) {
			t.Fatalf("answer %s", right)
		}
		sent := mb.Sent()
		if len(sent) != 1 || sent[0].Login != c.Login || sent[0].Email != "c3@example.com" {
			t.Fatalf("notifications: %+v", sent)
		}
		token := sent[0].Token
		// Stored only hashed, as a PASSWORD_RESET session expiring in 1 hour;
		// at least 128 random bits.
		rows := s.Client.Session.Query().Where(session.KindEQ(types.SessionReset)).AllX(sysCtx())
		if len(rows) != 1 || rows[0].TokenHash != auth.HashToken(token) || strings.Contains(rows[0].TokenHash, token) {
			t.Fatalf("reset rows %+v", rows)
		}
		if exp := time.Until(*rows[0].ExpiresAt); exp < 59*time.Minute || exp > 61*time.Minute {
			t.Fatalf("expires in %v", exp)
		}
		if i := strings.Index(token, "_"); len(token)-i-1 < 22 { // 22 base64 characters = 128 bits
			t.Fatalf("token %q too short", token)
		}
		if works(t, s, token) {
			t.Fatal("a reset token works as a bearer token")
		}
		session1 := s.Login(c.Login, c.Password)
		// A weak password leaves the token usable.
		p := okMutation(t, s, "", resetM, map[string]any{"t": token, "n": "short"})
		wantUserError(t, "weak", p.UserErrors, "WEAK_PASSWORD", "newPassword")
		if p := okMutation(t, s, "", resetM, map[string]any{"t": token, "n": "reset-pass-123"}); !p.Ok || len(p.UserErrors) > 0 {
			t.Fatalf("reset: %+v", p)
		}
		if works(t, s, session1) || works(t, s, c.Token) {
			t.Fatal("a session survived the reset")
		}
		fresh := s.Login(c.Login, "reset-pass-123")
		// Single use.
		p = okMutation(t, s, "", resetM, map[string]any{"t": token, "n": "reset-pass-456"})
		wantUserError(t, "reused", p.UserErrors, "INVALID", "token")
		if !works(t, s, fresh) {
			t.Fatal("a refused reset ended a session")
		}
		for _, bad := range []string{"", "pnlr_garbage", strings.Replace(token, token[len(token)-2:], "AA", 1)} {
			p = okMutation(t, s, "", resetM, map[string]any{"t": bad, "n": "reset-pass-456"})
			wantUserError(t, "bad token", p.UserErrors, "INVALID", "token")
		}
		// Expired.
		answer(c.Login, "c3@example.com")
		if sent = mb.Sent(); len(sent) != 2 {
			t.Fatalf("%d notifications", len(sent))
		}
		s.Client.Session.Update().Where(session.KindEQ(types.SessionReset)).
			SetExpiresAt(time.Now().Add(-time.Minute)).ExecX(sysCtx())
		p = okMutation(t, s, "", resetM, map[string]any{"t": sent[1].Token, "n": "reset-pass-456"})
		wantUserError(t, "expired", p.UserErrors, "INVALID", "token")
		s.Login(c.Login, "reset-pass-123")
		// A new request replaces an older token.
		answer(c.Login, "c3@example.com")
		answer(c.Login, "c3@example.com")
		sent = mb.Sent()
		p = okMutation(t, s, "", resetM, map[string]any{"t": sent[2].Token, "n": "reset-pass-456"})
		wantUserError(t, "replaced", p.UserErrors, "INVALID", "token")
		if p := okMutation(t, s, "", resetM, map[string]any{"t": sent[3].Token, "n": "reset-pass-456"}); !p.Ok {
			t.Fatalf("newest token: %+v", p)
		}
		// Audited: every request (matched or not) for the admin; the
		// customer's reseller reads those about its customer.
		if p := countEvents(t, s, w.AdminToken, "auth.password_reset_request"); p.TotalCount != 8 {
			t.Fatalf("admin reads %d reset requests, want 8", p.TotalCount)
		}
		if p := countEvents(t, s, w.Resellers[1].Token, "auth.password_reset_request"); p.TotalCount != 4 {
			t.Fatalf("R2 reads %d reset requests, want 4", p.TotalCount)
		}
		if p := countEvents(t, s, w.Resellers[1].Token, "auth.password_reset"); p.TotalCount != 2 || p.Events[0].TargetIDs[0] != c.ID {
			t.Fatalf("R2 reads resets %+v", p)
		}
		if p := countEvents(t, s, w.Resellers[0].Token, "auth.password_reset"); p.TotalCount != 0 {
			t.Fatal("R1 reads R2's customer's reset")
		}
	})
}

// TestApiTokens: created and shown once, stored hashed, listed and revoked
// by their own login only, read-only ones refused on every mutation.
func TestApiTokens(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d string) {
		s := apitest.New(t, d)
		w := s.BuildWorld()
		c, r1, pu := w.Customers[1], w.Resellers[0], w.PanelUsers[1]
		exp := time.Now().Add(24 * time.Hour).UTC().Truncate(time.Second)
		rw := createToken(t, s, c.Token, map[string]any{"name": " dashboard ", "expiresAt": exp.Format(time.RFC3339)})
		if rw.Token == nil || rw.APIToken == nil || rw.APIToken.Name != "dashboard" || rw.APIToken.ReadOnly ||
			rw.APIToken.ExpiresAt == nil || !rw.APIToken.ExpiresAt.Equal(exp) || rw.APIToken.LastUsedAt != nil {
			t.Fatalf("createApiToken: %+v %+v", rw, rw.APIToken)
		}
		// Stored only hashed.
		row := s.Client.Session.GetX(sysCtx(), atoi(t, rw.APIToken.ID))
		if row.Kind != types.SessionAPI || row.TokenHash != auth.HashToken(*rw.Token) || strings.Contains(row.TokenHash, *rw.Token) {
			t.Fatalf("stored token row %+v", row)
		}
		if !works(t, s, *rw.Token) {
			t.Fatal("the API token does not work")
		}
		ro := createToken(t, s, c.Token, map[string]any{"name": "reports", "readOnly": true})
		if ro.Token == nil || !ro.APIToken.ReadOnly || ro.APIToken.ExpiresAt != nil {
			t.Fatalf("read-only token: %+v", ro)
		}
		// Listed by their own login only, newest first; last use recorded.
		list := viewerTokens(t, s, c.Token)
		if len(list) != 2 || list[0].ID != ro.APIToken.ID || list[1].ID != rw.APIToken.ID || list[1].LastUsedAt == nil {
			t.Fatalf("customer's tokens: %+v", list)
		}
		if got := viewerTokens(t, s, *ro.Token); len(got) != 2 {
			t.Fatalf("tokens seen through a token: %+v", got)
		}
		for name, tok := range map[string]string{"R1": r1.Token, "admin": w.AdminToken, "panel user": pu.Token} {
			if got := viewerTokens(t, s, tok); len(got) != 0 {
				t.Fatalf("%s sees tokens %+v", name, got)
			}
		}
		puTok := createToken(t, s, pu.Token, map[string]any{"name": "staff"})
		if got := viewerTokens(t, s, pu.Token); len(got) != 1 || got[0].ID != puTok.APIToken.ID {
			t.Fatalf("panel user's tokens: %+v", got)
		}
		if got := viewerTokens(t, s, c.Token); len(got) != 2 {
			t.Fatalf("the customer sees its panel user's token: %+v", got)
		}
		// Bad input.
		for _, tc := range []struct {
			in    map[string]any
			field string
		}{
			{map[string]any{"name": "  "}, "name"},
			{map[string]any{"name": strings.Repeat("n", 101)}, "name"},
			{map[string]any{"name": "old", "expiresAt": time.Now().Add(-time.Hour).Format(time.RFC3339)}, "expiresAt"},
		} {
			out := createToken(t, s, c.Token, tc.in)
			if out.Token != nil {
				t.Fatalf("created with %v", tc.in)
			}
			wantUserError(t, "create", out.UserErrors, "INVALID", tc.field)
		}
		// Read-only tokens: every mutation refused, reads allowed.
		for name, m := range map[string]struct {
			q    string
			vars map[string]any
		}{
			"createApiToken": {createTokenM, map[string]any{"in": map[string]any{"name": "x"}}},
			"revokeApiToken": {revokeTokenM, map[string]any{"id": ro.APIToken.ID}},
			"changePassword": {changePasswordM, map[string]any{"c": c.Password, "n": "brand-new-pass-1"}},
			"addDomain": {`mutation($s:ID!){addDomain(input:{subscriptionId:$s,name:"ro.example"}){userErrors{code}}}`,
				map[string]any{"s": w.Subscriptions[1]}},
			"createPanelUser": {`mutation{createPanelUser(input:{login:"ro-user",password:"ro-pass-123",name:"R",email:"r@example.com"}){userErrors{code}}}`, nil},
		} {
			if r := s.Do(*ro.Token, m.q, m.vars); r.Code() != "FORBIDDEN" {
				t.Fatalf("read-only %s: %+v %s", name, r.Errors, r.Data)
			}
		}
		if len(viewerTokens(t, s, c.Token)) != 2 {
			t.Fatal("a read-only token changed the tokens")
		}
		// Revoking: a foreign or unknown token, or a login session, is
		// NOT_FOUND.
		revoke := func(token, id string) (*string, []userErr) {
			var out struct {
				RevokeApiToken struct {
					RevokedApiTokenID *string `json:"revokedApiTokenId"`
					UserErrors        []userErr
				}
			}
			s.Must(token, revokeTokenM, map[string]any{"id": id}, &out)
			return out.RevokeApiToken.RevokedApiTokenID, out.RevokeApiToken.UserErrors
		}
		loginSession := s.Client.Session.Query().Where(session.KindEQ(types.SessionLogin)).FirstIDX(sysCtx())
		for name, x := range map[string][2]string{
			"R1 on the customer's":         {r1.Token, rw.APIToken.ID},
			"admin on the customer's":      {w.AdminToken, rw.APIToken.ID},
			"panel user on its customer's": {pu.Token, rw.APIToken.ID},
			"customer on its panel user's": {c.Token, puTok.APIToken.ID},
			"a login session":              {c.Token, itoa(loginSession)},
			"unknown":                      {c.Token, "123456789"},
			"malformed":                    {c.Token, "x"},
		} {
			id, ues := revoke(x[0], x[1])
			if id != nil {
				t.Fatalf("%s: revoked", name)
			}
			wantUserError(t, name, ues, "NOT_FOUND", "id")
		}
		if !works(t, s, *rw.Token) || !works(t, s, *puTok.Token) {
			t.Fatal("a refused revocation ended a token")
		}
		if id, ues := revoke(c.Token, rw.APIToken.ID); id == nil || *id != rw.APIToken.ID || len(ues) > 0 {
			t.Fatalf("revoke own: %v %+v", id, ues)
		}
		if works(t, s, *rw.Token) {
			t.Fatal("a revoked token works")
		}
		if _, ues := revoke(c.Token, rw.APIToken.ID); len(ues) != 1 || ues[0].Code != "NOT_FOUND" {
			t.Fatalf("revoked twice: %+v", ues)
		}
		// Expired tokens stop working.
		s.Client.Session.UpdateOneID(atoi(t, ro.APIToken.ID)).SetExpiresAt(time.Now().Add(-time.Second)).ExecX(sysCtx())
		if works(t, s, *ro.Token) {
			t.Fatal("an expired token works")
		}
		// Audited in R1's scope.
		if p := countEvents(t, s, r1.Token, "auth.api_token_create"); p.TotalCount != 3 {
			t.Fatalf("R1 reads %d token creations, want 3", p.TotalCount)
		}
		if p := countEvents(t, s, w.AdminToken, "auth.api_token_revoke"); p.TotalCount != 1 ||
			!strings.Contains(p.Events[0].Summary, "dashboard") {
			t.Fatalf("revocations: %+v", p)
		}
	})
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }
