package graph_test

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/hostpanel/panel/graph"
	"github.com/hostpanel/panel/internal/apitest"
	"github.com/hostpanel/panel/internal/dbtest"
)

// TestReviewWebhooksSSRFAddressForms: the address forms that name a
// refused address without being a canonical IP literal or a host name are
// refused at registration (INVALID on url, nothing created): IPv4 written
// in hex, octal, shortened or with a trailing dot (browsers and getaddrinfo
// read them as 127.0.0.1), IPv4-compatible and IPv4-translated IPv6,
// site-local and Teredo addresses. The numeric IPv4 forms are refused also
// where private addresses are allowed: they are not host names, and Go's
// resolver does not read them as addresses (the endpoint could never be
// reached).
func TestReviewWebhooksSSRFAddressForms(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d string) {
		s, _ := apitest.NewWith(t, d, apitest.Options{})
		lenient, _ := s.Twin(apitest.Options{Configure: func(c *graph.HandlerConfig) { c.Webhooks.AllowPrivate = true }})
		admin := s.AdminToken()
		refuse := func(srv *apitest.Server, who string, urls ...string) {
			t.Helper()
			for _, u := range urls {
				ep, _, ues := tryRegister(t, srv, admin, map[string]any{"url": u, "eventTypes": []string{"customer.created"}})
				if ep != nil || len(ues) != 1 || ues[0].Code != "INVALID" || !slices.Equal(ues[0].Field, []string{"url"}) || ues[0].Message == "" {
					t.Errorf("%s %s: endpoint %v userErrors %+v, want INVALID on url", who, u, ep, ues)
				}
			}
		}
		numeric := []string{
			"http://0x7f.0.0.1/", "http://0177.0.0.1/", "http://127.1/", "http://127.0.0.1./",
			"http://0x7f000001/", "http://10.1/", "https://169.254.169.254.:443/", "http://0xA9.0xFE.0xA9.0xFE/",
		}
		refuse(s, "strict", numeric...)
		refuse(s, "strict", "http://[::127.0.0.1]/", "http://[::a9fe:a9fe]/", "http://[::ffff:0:7f00:1]/",
			"http://[fec0::1]/", "http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/")
		refuse(lenient, "lenient", numeric...)
		var l struct{ WebhookEndpoints struct{ TotalCount int } }
		s.Must(admin, `{webhookEndpoints{totalCount}}`, nil, &l)
		if l.WebhookEndpoints.TotalCount != 0 {
			t.Errorf("%d endpoints registered", l.WebhookEndpoints.TotalCount)
		}
		// A public name with digits in it stays a host name.
		if ep, _, ues := tryRegister(t, s, admin, map[string]any{"url": "https://hooks1.example.com/", "eventTypes": []string{"customer.created"}}); ep == nil || len(ues) > 0 {
			t.Errorf("hooks1.example.com refused: %+v", ues)
		}
	})
}

// TestReviewWebhooksLastErrorNoInternals: the delivery log shows an
// endpoint's owner why an attempt failed, but not the server's internals:
// neither the address a refused host name resolved to on the server's
// network (DNS rebinding would map internal names to internal addresses)
// nor the address of the server's DNS resolver.
func TestReviewWebhooksLastErrorNoInternals(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d string) {
		s, _ := apitest.NewWith(t, d, apitest.Options{})
		admin := s.AdminToken()
		rcv := newReceiver(t, nil)
		tw, _ := s.Twin(apitest.Options{Configure: func(c *graph.HandlerConfig) { c.Webhooks.AllowPrivate = true }})
		byName := strings.Replace(rcv.URL, "127.0.0.1", "localhost", 1)
		epLocal, _ := register(t, tw, admin, byName, "customer.created")
		epNX, _ := register(t, tw, admin, "http://no-such-host.invalid/hook", "customer.created")
		strict := fastHooks()
		strict.AllowPrivate = false
		s.StartWebhookWorker(strict)
		createCustomer(t, s, admin, "lasterr")
		lastError := func(ep string) string {
			var msg string
			eventually(t, "a failed attempt", func() bool {
				st := deliveries(t, s, admin, ep)
				if len(st.Deliveries) == 1 && st.Deliveries[0].LastError != nil {
					msg = *st.Deliveries[0].LastError
					return true
				}
				return false
			})
			return msg
		}
		ip := regexp.MustCompile(`\d+\.\d+\.\d+\.\d+|::1|:53\b`)
		if msg := lastError(epLocal); !strings.Contains(msg, "refused to connect to a loopback, private or reserved address") || ip.MatchString(msg) {
			t.Errorf("refused host name: lastError %q shows the address it resolved to", msg)
		}
		if msg := lastError(epNX); msg == "" || ip.MatchString(msg) {
			t.Errorf("unresolvable host: lastError %q shows the server's resolver", msg)
		}
		if n := len(rcv.requests()); n != 0 {
			t.Errorf("the receiver got %d requests", n)
		}
	})
}

// TestReviewWebhooksScopeFollowsTheCustomer: a reseller's endpoint gets
// exactly the events auditEvents shows it. A customer moved from reseller A
// to reseller B: both receive the move, only B what happens to it later. A
// customer of A deleted by the administrator: A receives the deletion. The
// other reseller can neither read nor redeliver A's deliveries.
func TestReviewWebhooksScopeFollowsTheCustomer(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d string) {
		s := apitest.NewWithWebhooks(t, d, fastHooks())
		admin := s.AdminToken()
		var rs []apitest.Account
		for _, login := range []string{"scopea", "scopeb"} {
			a := apitest.Account{Login: login, Password: "reseller-pass-1"}
			a.ID = s.Create(admin, "createReseller", "reseller", map[string]any{
				"login": a.Login, "password": a.Password, "name": a.Login, "email": a.Login + "@example.com",
				"limits": map[string]any{"customers": 10},
			})
			a.Token = s.Login(a.Login, a.Password)
			rs = append(rs, a)
		}
		outboxEmpty(t, s)
		types := []string{"customer.created", "customer.moved", "customer.suspended", "customer.deleted"}
		rA, rB := newReceiver(t, nil), newReceiver(t, nil)
		epA, _ := register(t, s, rs[0].Token, rA.URL, types...)
		epB, _ := register(t, s, rs[1].Token, rB.URL, types...)

		moved := createCustomer(t, s, rs[0].Token, "scopemoved")
		gone := createCustomer(t, s, rs[0].Token, "scopegone")
		var mv struct {
			MoveCustomers struct {
				Committed  bool
				UserErrors []hookErr
			}
		}
		s.Must(admin, `mutation($in:MoveCustomersInput!){moveCustomers(input:$in){committed userErrors{code field message}}}`,
			map[string]any{"in": map[string]any{"newOwnerId": rs[1].ID, "items": []any{map[string]any{"customerId": moved}}}}, &mv)
		if !mv.MoveCustomers.Committed {
			t.Fatalf("moveCustomers: %+v", mv)
		}
		s.Must(rs[1].Token, `mutation($ids:[ID!]!){suspendCustomers(input:{ids:$ids}){committed}}`, map[string]any{"ids": []string{moved}}, nil)
		for _, id := range []string{moved, gone} {
			var del struct{ DeleteCustomers struct{ Committed bool } }
			s.Must(admin, `mutation($ids:[ID!]!){deleteCustomers(input:{ids:$ids}){committed}}`, map[string]any{"ids": []string{id}}, &del)
			if !del.DeleteCustomers.Committed {
				t.Fatalf("deleteCustomers %s: %+v", id, del)
			}
		}
		eventually(t, "every delivery", func() bool {
			return allDelivered(deliveries(t, s, rs[0].Token, epA), 4) && allDelivered(deliveries(t, s, rs[1].Token, epB), 3)
		})
		got := func(r *receiver) []string {
			var out []string
			for _, h := range r.requests() {
				out = append(out, h.Event.Type+" "+strings.Join(h.Event.Targets, ","))
			}
			slices.Sort(out)
			return out
		}
		wantA := []string{"customer.created " + gone, "customer.created " + moved, "customer.deleted " + gone, "customer.moved " + moved}
		wantB := []string{"customer.deleted " + moved, "customer.moved " + moved, "customer.suspended " + moved}
		slices.Sort(wantA)
		slices.Sort(wantB)
		if g := got(rA); !slices.Equal(g, wantA) {
			t.Errorf("reseller A received %v, want %v", g, wantA)
		}
		if g := got(rB); !slices.Equal(g, wantB) {
			t.Errorf("reseller B received %v, want %v", g, wantB)
		}

		// A's deliveries are A's: B reads none of them and cannot queue them.
		delivery := deliveries(t, s, rs[0].Token, epA).Deliveries[0].ID
		var n struct{ Node *struct{ ID string } }
		s.Must(rs[1].Token, `query($id:ID!){node(id:$id){id}}`, map[string]any{"id": delivery}, &n)
		if n.Node != nil {
			t.Errorf("reseller B reads A's delivery %s", delivery)
		}
		var rd struct {
			RedeliverWebhookDelivery struct {
				WebhookDelivery *struct{ ID string }
				UserErrors      []hookErr
			}
		}
		s.Must(rs[1].Token, `mutation($id:ID!){redeliverWebhookDelivery(input:{id:$id}){webhookDelivery{id} userErrors{code field}}}`,
			map[string]any{"id": delivery}, &rd)
		if p := rd.RedeliverWebhookDelivery; p.WebhookDelivery != nil || len(p.UserErrors) != 1 || p.UserErrors[0].Code != "NOT_FOUND" {
			t.Errorf("reseller B redelivers A's delivery: %+v", p)
		}
		var en struct {
			EnableWebhookEndpoint struct{ UserErrors []hookErr }
		}
		s.Must(rs[1].Token, `mutation($id:ID!){enableWebhookEndpoint(input:{id:$id}){userErrors{code field}}}`, map[string]any{"id": epA}, &en)
		if ues := en.EnableWebhookEndpoint.UserErrors; len(ues) != 1 || ues[0].Code != "NOT_FOUND" {
			t.Errorf("reseller B enables A's endpoint: %+v", ues)
		}
		if st := deliveries(t, s, rs[0].Token, epA); st.Total != 4 || len(rA.requests()) != 4 {
			t.Errorf("A's endpoint after B's attempts: %d deliveries, %d requests", st.Total, len(rA.requests()))
		}
	})
}

// TestReviewWebhooksOnlyOwnersRegister: customers, panel users (also a
// reseller's) and read-only tokens register no endpoint; nothing is created.
func TestReviewWebhooksOnlyOwnersRegister(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d string) {
		s := apitest.NewWithWebhooks(t, d, fastHooks())
		admin := s.AdminToken()
		res := s.Create(admin, "createReseller", "reseller", map[string]any{
			"login": "ownres", "password": "reseller-pass-1", "name": "R", "email": "ownres@example.com",
			"limits": map[string]any{"customers": 10},
		})
		rTok := s.Login("ownres", "reseller-pass-1")
		createCustomer(t, s, rTok, "owncust")
		s.Create(rTok, "createPanelUser", "panelUser", map[string]any{
			"accountId": res, "login": "ownpu", "password": "panel-pass-123", "name": "PU", "email": "ownpu@example.com",
		})
		ro := createToken(t, s, rTok, map[string]any{"name": "ro", "readOnly": true})
		if ro.Token == nil {
			t.Fatalf("createApiToken: %+v", ro)
		}
		for who, tok := range map[string]string{
			"customer": s.Login("owncust", "customer-pass-1"), "reseller's panel user": s.Login("ownpu", "panel-pass-123"),
			"read-only token": *ro.Token,
		} {
			r := s.Do(tok, createEndpoint, map[string]any{"in": map[string]any{"url": "https://hooks.example.com/x", "eventTypes": []string{"customer.created"}}})
			if r.Code() != "FORBIDDEN" {
				t.Errorf("%s: createWebhookEndpoint answered %+v %s", who, r.Errors, r.Data)
			}
		}
		ctx := sysCtx()
		if n, err := s.Client.WebhookEndpoint.Query().Count(ctx); err != nil || n != 0 {
			t.Errorf("%d endpoints, %v", n, err)
		}
	})
}

// TestReviewWebhooksEndpointLimitUnderConcurrency: the limit of endpoints
// per owner holds when an owner registers many at once (each endpoint is
// one more request per event: a way around it multiplies the server's
// outgoing traffic).
func TestReviewWebhooksEndpointLimitUnderConcurrency(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d string) {
		cfg := fastHooks()
		cfg.MaxEndpoints = 3
		s, _ := apitest.NewWith(t, d, apitest.Options{Configure: func(c *graph.HandlerConfig) { c.Webhooks = cfg }})
		admin := s.AdminToken()
		s.Create(admin, "createReseller", "reseller", map[string]any{
			"login": "limres", "password": "reseller-pass-1", "name": "R", "email": "limres@example.com",
			"limits": map[string]any{"customers": 10},
		})
		res := s.Login("limres", "reseller-pass-1")
		for who, tok := range map[string]string{"admin": admin, "reseller": res} {
			var wg sync.WaitGroup
			var mu sync.Mutex
			created := 0
			for i := range 12 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					r := s.Do(tok, createEndpoint, map[string]any{"in": map[string]any{
						"url": fmt.Sprintf("https://hooks.example.com/%s/%d", who, i), "eventTypes": []string{"customer.created"}}})
					var out struct {
						CreateWebhookEndpoint struct {
							WebhookEndpoint *struct{ ID string }
							UserErrors      []hookErr
						}
					}
					if len(r.Errors) > 0 || json.Unmarshal(r.Data, &out) != nil {
						t.Errorf("%s: %+v", who, r.Errors)
						return
					}
					p := out.CreateWebhookEndpoint
					switch {
					case p.WebhookEndpoint != nil:
						mu.Lock()
						created++
						mu.Unlock()
					case len(p.UserErrors) != 1 || p.UserErrors[0].Code != "LIMIT_EXCEEDED":
						t.Errorf("%s: %+v", who, p.UserErrors)
					}
				}()
			}
			wg.Wait()
			var l struct{ WebhookEndpoints struct{ TotalCount int } }
			s.Must(tok, `{webhookEndpoints{totalCount}}`, nil, &l)
			if l.WebhookEndpoints.TotalCount != 3 || created != 3 {
				t.Errorf("%s: %d endpoints (%d created answers), want the limit of 3", who, l.WebhookEndpoints.TotalCount, created)
			}
		}
	})
}

// TestReviewWebhooksInputBounds: input the limits refuse is a userError on
// its field, never an internal error, and creates nothing: a URL that is
// short enough as sent but longer than 2,048 characters once normalized
// (percent-encoded), and a list of 5,000 event types (one userError, not
// one per entry).
func TestReviewWebhooksInputBounds(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d string) {
		s, _ := apitest.NewWith(t, d, apitest.Options{})
		admin := s.AdminToken()
		many := make([]string, 5000)
		for i := range many {
			many[i] = fmt.Sprintf("customer.nope%d", i)
		}
		for _, tc := range []struct {
			name  string
			in    map[string]any
			field []string
		}{
			{"escaped URL", map[string]any{"url": "https://hooks.example.com/" + strings.Repeat("é", 1000), "eventTypes": []string{"customer.created"}}, []string{"url"}},
			{"5,000 event types", map[string]any{"url": "https://hooks.example.com/x", "eventTypes": many}, []string{"eventTypes"}},
		} {
			r := s.Do(admin, createEndpoint, map[string]any{"in": tc.in})
			var out struct {
				CreateWebhookEndpoint struct {
					WebhookEndpoint *struct{ ID string }
					UserErrors      []hookErr
				}
			}
			if len(r.Errors) > 0 || json.Unmarshal(r.Data, &out) != nil {
				t.Errorf("%s: errors %+v", tc.name, r.Errors)
				continue
			}
			p := out.CreateWebhookEndpoint
			if p.WebhookEndpoint != nil || len(p.UserErrors) != 1 || p.UserErrors[0].Code != "INVALID" || !slices.Equal(p.UserErrors[0].Field, tc.field) {
				t.Errorf("%s: endpoint %v, userErrors %+v; want one INVALID on %v", tc.name, p.WebhookEndpoint, p.UserErrors, tc.field)
			}
		}
		if n, err := s.Client.WebhookEndpoint.Query().Count(sysCtx()); err != nil || n != 0 {
			t.Errorf("%d endpoints, %v", n, err)
		}
	})
}
