package graph_test

import (
	"encoding/json"
	"testing"

	"github.com/hostpanel/panel/internal/apitest"
	"github.com/hostpanel/panel/internal/dbtest"
)

// TestExpiryBeyondStorableRange: an expiry later than the databases can
// store (MySQL/MariaDB TIMESTAMP ends 2038-01-19T03:14:07Z) is an INVALID
// user error on expiresAt on every database, not an internal error, and
// changes nothing; the last storable instant is accepted.
func TestExpiryBeyondStorableRange(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d string) {
		s := apitest.New(t, d)
		w := s.BuildWorld()
		type payload struct {
			UserErrors []struct {
				Code  string
				Field []string
			}
		}
		run := func(name, m string, in map[string]any, wantInvalid bool) {
			t.Helper()
			var out struct{ X payload }
			r := s.Do(w.AdminToken, `mutation($in:`+m+`Input!){x:`+lower(m)+`(input:$in){userErrors{code field}}}`, map[string]any{"in": in})
			if len(r.Errors) > 0 {
				t.Fatalf("%s: errors %+v", name, r.Errors)
			}
			if err := json.Unmarshal(r.Data, &out); err != nil {
				t.Fatalf("%s: decode %s: %v", name, r.Data, err)
			}
			switch {
			case wantInvalid && (len(out.X.UserErrors) != 1 || out.X.UserErrors[0].Code != "INVALID" || len(out.X.UserErrors[0].Field) != 1 || out.X.UserErrors[0].Field[0] != "expiresAt"):
				t.Errorf("%s: user errors %+v, want INVALID on expiresAt", name, out.X.UserErrors)
			case !wantInvalid && len(out.X.UserErrors) > 0:
				t.Errorf("%s: user errors %+v, want none", name, out.X.UserErrors)
			}
		}
		late, last := "2099-01-01T00:00:00Z", "2038-01-19T03:14:07Z"
		run("create subscription, 2099", "CreateSubscription", map[string]any{
			"subscriberId": w.Customers[0].ID, "domain": "exp-a.example", "expiresAt": late}, true)
		run("update subscription, 2099", "UpdateSubscription", map[string]any{
			"subscriptionId": w.Subscriptions[0], "expiresAt": late}, true)
		run("API token, 2099", "CreateApiToken", map[string]any{"name": "late", "expiresAt": late}, true)
		run("create subscription, last instant", "CreateSubscription", map[string]any{
			"subscriberId": w.Customers[0].ID, "domain": "exp-b.example", "expiresAt": last}, false)
		run("update subscription, last instant", "UpdateSubscription", map[string]any{
			"subscriptionId": w.Subscriptions[0], "expiresAt": last}, false)
		run("API token, last instant", "CreateApiToken", map[string]any{"name": "last", "expiresAt": last}, false)
		// The refused creation kept nothing: its domain is still free.
		run("create subscription, exp-a again", "CreateSubscription", map[string]any{
			"subscriberId": w.Customers[0].ID, "domain": "exp-a.example"}, false)
	})
}

func lower(s string) string { return string(s[0]-'A'+'a') + s[1:] }
