package apitest

import (
	"encoding/json"
	"fmt"
)

// World is a small ownership graph built through the API: the administrator
// with one customer, and two resellers with a plan and two customers each;
// every customer has one subscription with two domains and a panel user.
type World struct {
	AdminToken string
	AdminID    string
	Resellers  []Account // R1, R2
	// Customers: [0] the admin's; [1],[2] R1's; [3],[4] R2's.
	Customers     []Account
	Subscriptions []string // one per customer, same order
	Domains       []string // primary domain per customer
	PanelUsers    []Account
	Plans         []string // service plans: [0] admin's, [1] R1's, [2] R2's
	ResellerPlan  string
}

// Account is a principal of the world.
type Account struct {
	ID, Login, Password, Token string
}

// Create runs a create mutation and returns the new object's ID, failing
// the test on user errors.
func (s *Server) Create(token, mutation, field string, input map[string]any) string {
	s.T.Helper()
	r := s.Do(token, fmt.Sprintf(`mutation($in:%sInput!){x:%s(input:$in){%s{id} userErrors{code message field}}}`,
		upperFirst(mutation), mutation, field), map[string]any{"in": input})
	if len(r.Errors) > 0 {
		s.T.Fatalf("%s: %+v", mutation, r.Errors)
	}
	var out struct {
		X map[string]json.RawMessage
	}
	if err := json.Unmarshal(r.Data, &out); err != nil {
		s.T.Fatal(err)
	}
	var ues []map[string]any
	_ = json.Unmarshal(out.X["userErrors"], &ues)
	if len(ues) > 0 {
		s.T.Fatalf("%s: user errors %v", mutation, ues)
	}
	var obj struct{ ID string }
	if err := json.Unmarshal(out.X[field], &obj); err != nil {
		s.T.Fatal(err)
	}
	return obj.ID
}

func upperFirst(s string) string { return string(s[0]-'a'+'A') + s[1:] }

// BuildWorld builds the World.
func (s *Server) BuildWorld() *World {
	s.T.Helper()
	w := &World{AdminToken: s.AdminToken()}
	var v struct {
		Viewer struct{ Account struct{ ID string } }
	}
	s.Must(w.AdminToken, `{viewer{account{id}}}`, nil, &v)
	w.AdminID = v.Viewer.Account.ID
	w.ResellerPlan = s.Create(w.AdminToken, "createResellerPlan", "resellerPlan", map[string]any{
		"name": "Reseller S", "limits": map[string]any{"customers": 10, "subscriptions": 20, "diskSpaceMb": 100000},
		"permissions": []string{"MANAGE_DNS"},
	})
	w.Plans = append(w.Plans, s.Create(w.AdminToken, "createServicePlan", "servicePlan", map[string]any{
		"name": "Admin Basic", "limits": map[string]any{"diskSpaceMb": 1000, "domains": 5, "mailboxes": 10, "trafficMbPerMonth": 10000, "databases": 2},
	}))
	for i := 1; i <= 2; i++ {
		a := Account{Login: fmt.Sprintf("reseller%d", i), Password: "reseller-pass-1"}
		a.ID = s.Create(w.AdminToken, "createReseller", "reseller", map[string]any{
			"login": a.Login, "password": a.Password, "name": fmt.Sprintf("Reseller %d", i),
			"email": fmt.Sprintf("r%d@example.com", i), "planId": w.ResellerPlan,
		})
		a.Token = s.Login(a.Login, a.Password)
		w.Resellers = append(w.Resellers, a)
		w.Plans = append(w.Plans, s.Create(a.Token, "createServicePlan", "servicePlan", map[string]any{
			"name": fmt.Sprintf("R%d Basic", i), "limits": map[string]any{"diskSpaceMb": 1000, "domains": 5, "mailboxes": 10, "trafficMbPerMonth": 10000, "databases": 2},
		}))
	}
	owners := []struct {
		token string
		plan  string
	}{{w.AdminToken, w.Plans[0]}, {w.Resellers[0].Token, w.Plans[1]}, {w.Resellers[0].Token, w.Plans[1]},
		{w.Resellers[1].Token, w.Plans[2]}, {w.Resellers[1].Token, w.Plans[2]}}
	for i, o := range owners {
		c := Account{Login: fmt.Sprintf("customer%d", i), Password: "customer-pass-1"}
		c.ID = s.Create(o.token, "createCustomer", "customer", map[string]any{
			"login": c.Login, "password": c.Password, "name": fmt.Sprintf("Customer %d", i),
			"email": fmt.Sprintf("c%d@example.com", i), "company": fmt.Sprintf("Company %d", i),
			"description": fmt.Sprintf("note %d", i),
		})
		c.Token = s.Login(c.Login, c.Password)
		w.Customers = append(w.Customers, c)
		dom := fmt.Sprintf("site%d.example", i)
		sub := s.Create(o.token, "createSubscription", "subscription", map[string]any{
			"subscriberId": c.ID, "domain": dom, "servicePlanId": o.plan,
		})
		w.Subscriptions = append(w.Subscriptions, sub)
		w.Domains = append(w.Domains, dom)
		s.Create(o.token, "addDomain", "domain", map[string]any{"subscriptionId": sub, "name": fmt.Sprintf("www%d.example", i)})
		pu := Account{Login: fmt.Sprintf("staff%d", i), Password: "staff-pass-12"}
		pu.ID = s.Create(c.Token, "createPanelUser", "panelUser", map[string]any{
			"login": pu.Login, "password": pu.Password, "name": "Staff", "email": "staff@example.com",
		})
		pu.Token = s.Login(pu.Login, pu.Password)
		w.PanelUsers = append(w.PanelUsers, pu)
	}
	return w
}
