package graph_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hostpanel/panel/ent/privacy"
	"github.com/hostpanel/panel/ent/webhookdelivery"
	"github.com/hostpanel/panel/graph"
	"github.com/hostpanel/panel/internal/apitest"
	"github.com/hostpanel/panel/internal/dbtest"
	"github.com/hostpanel/panel/internal/events"
	"github.com/hostpanel/panel/internal/webhooks"
)

// hookRequest is one request a receiver got.
type hookRequest struct {
	Header http.Header
	Body   []byte
	Event  webhooks.Payload
}

// receiver is a local HTTP endpoint that records what it receives and
// answers with status(n) for its n-th request (0-based; default 200).
type receiver struct {
	*httptest.Server
	mu     sync.Mutex
	got    []hookRequest
	status func(n int) int
}

func newReceiver(t *testing.T, status func(n int) int) *receiver {
	r := &receiver{status: status}
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		var ev webhooks.Payload
		if err := json.Unmarshal(body, &ev); err != nil {
			t.Errorf("receiver: body %q: %v", body, err)
		}
		r.mu.Lock()
		n := len(r.got)
		r.got = append(r.got, hookRequest{Header: req.Header.Clone(), Body: body, Event: ev})
		r.mu.Unlock()
		code := http.StatusOK
		if r.status != nil {
			code = r.status(n)
		}
		w.WriteHeader(code)
	}))
	t.Cleanup(r.Close)
	return r
}

func (r *receiver) requests() []hookRequest {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.got)
}

// types lists the event types received, in order.
func (r *receiver) types() []string {
	var out []string
	for _, h := range r.requests() {
		out = append(out, h.Event.Type)
	}
	return out
}

// eventually polls cond until it holds or the deadline passes.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// fastHooks is a worker configuration for tests: private addresses allowed
// (the receiver is on 127.0.0.1), a short poll interval and backoff.
func fastHooks() webhooks.Config {
	return webhooks.Config{
		AllowPrivate: true, PollInterval: 10 * time.Millisecond, Timeout: 5 * time.Second,
		BaseBackoff: 10 * time.Millisecond, MaxBackoff: 40 * time.Millisecond,
	}
}

const createEndpoint = `mutation($in:CreateWebhookEndpointInput!){createWebhookEndpoint(input:$in){
  webhookEndpoint{id url eventTypes enabled description} secret userErrors{code field message}}}`

type hookErr struct {
	Code    string
	Field   []string
	Message string
}

type endpointOut struct {
	ID, URL, Description string
	EventTypes           []string
	Enabled              bool
}

// register creates an endpoint for url subscribed to types and returns its
// ID and secret; it fails the test on any error.
func register(t *testing.T, s *apitest.Server, token, url string, types ...string) (string, string) {
	t.Helper()
	if len(types) == 0 {
		types = events.Types()
	}
	ep, secret, ues := tryRegister(t, s, token, map[string]any{"url": url, "eventTypes": types})
	if len(ues) > 0 || ep == nil || secret == "" {
		t.Fatalf("createWebhookEndpoint: %+v %v", ues, ep)
	}
	return ep.ID, secret
}

func tryRegister(t *testing.T, s *apitest.Server, token string, in map[string]any) (*endpointOut, string, []hookErr) {
	t.Helper()
	var out struct {
		CreateWebhookEndpoint struct {
			WebhookEndpoint *endpointOut
			Secret          *string
			UserErrors      []hookErr
		}
	}
	s.Must(token, createEndpoint, map[string]any{"in": in}, &out)
	p := out.CreateWebhookEndpoint
	secret := ""
	if p.Secret != nil {
		secret = *p.Secret
	}
	return p.WebhookEndpoint, secret, p.UserErrors
}

const endpointDeliveries = `query($id:ID!,$where:WebhookDeliveryWhereInput){node(id:$id){... on WebhookEndpoint{
  enabled disabledReason consecutiveFailures
  deliveries(first:100,where:$where){totalCount edges{node{id eventId eventType chunk chunks status attempts
    responseStatus lastError nextAttemptAt deliveredAt endpoint{id}}}}}}}`

type deliveryOut struct {
	ID, EventID, EventType string
	Chunk, Chunks          int
	Status                 string
	Attempts               int
	ResponseStatus         *int
	LastError              *string
	NextAttemptAt          *time.Time
	DeliveredAt            *time.Time
	Endpoint               struct{ ID string }
}

type endpointState struct {
	Enabled             bool
	DisabledReason      *string
	ConsecutiveFailures int
	Total               int
	Deliveries          []deliveryOut
}

func deliveries(t *testing.T, s *apitest.Server, token, id string) endpointState {
	t.Helper()
	var out struct {
		Node *struct {
			Enabled             bool
			DisabledReason      *string
			ConsecutiveFailures int
			Deliveries          struct {
				TotalCount int
				Edges      []struct{ Node deliveryOut }
			}
		}
	}
	s.Must(token, endpointDeliveries, map[string]any{"id": id}, &out)
	if out.Node == nil {
		t.Fatalf("endpoint %s not visible", id)
	}
	st := endpointState{Enabled: out.Node.Enabled, DisabledReason: out.Node.DisabledReason,
		ConsecutiveFailures: out.Node.ConsecutiveFailures, Total: out.Node.Deliveries.TotalCount}
	for _, e := range out.Node.Deliveries.Edges {
		st.Deliveries = append(st.Deliveries, e.Node)
	}
	return st
}

// allDelivered: n deliveries, all DELIVERED. (totalCount alone is not
// enough: when the page comes back empty, the count is a later statement
// that may see deliveries the worker queued in between.)
func allDelivered(st endpointState, n int) bool {
	if st.Total != n || len(st.Deliveries) != n {
		return false
	}
	for _, d := range st.Deliveries {
		if d.Status != "DELIVERED" {
			return false
		}
	}
	return true
}

func createCustomer(t *testing.T, s *apitest.Server, token, login string) string {
	t.Helper()
	return s.Create(token, "createCustomer", "customer", map[string]any{
		"login": login, "password": "customer-pass-1", "name": "C " + login, "email": login + "@example.com",
	})
}

// TestWebhooksDelivery: a committed change reaches the endpoint as a signed
// JSON request carrying the event's id, type, time, actor and targets, and
// the delivery log shows it DELIVERED.
func TestWebhooksDelivery(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d string) {
		s := apitest.NewWithWebhooks(t, d, fastHooks())
		admin := s.AdminToken()
		rcv := newReceiver(t, nil)
		ep, secret := register(t, s, admin, rcv.URL+"/hooks", "customer.created", "customer.suspended")
		if !strings.HasPrefix(secret, "whsec_") || len(secret) != 6+64 {
			t.Errorf("secret %q", secret)
		}
		start := time.Now()
		id := createCustomer(t, s, admin, "hooked")
		eventually(t, "the delivery", func() bool { return allDelivered(deliveries(t, s, admin, ep), 1) })
		got := rcv.requests()
		if len(got) != 1 {
			t.Fatalf("received %d requests, want 1", len(got))
		}
		h := got[0]
		if !apitest.VerifyWebhookSignature(secret, h.Header.Get("Panel-Signature"), h.Body, 5*time.Minute, time.Now()) {
			t.Errorf("signature %q does not verify", h.Header.Get("Panel-Signature"))
		}
		if apitest.VerifyWebhookSignature(secret+"x", h.Header.Get("Panel-Signature"), h.Body, 5*time.Minute, time.Now()) ||
			apitest.VerifyWebhookSignature(secret, h.Header.Get("Panel-Signature"), append(h.Body, ' '), 5*time.Minute, time.Now()) ||
			apitest.VerifyWebhookSignature(secret, h.Header.Get("Panel-Signature"), h.Body, 5*time.Minute, time.Now().Add(time.Hour)) {
			t.Error("a wrong secret, a changed body or an old timestamp verifies")
		}
		ev := h.Event
		if ev.Type != "customer.created" || h.Header.Get("Panel-Event-Type") != ev.Type ||
			h.Header.Get("Panel-Event-Id") != ev.ID || h.Header.Get("Content-Type") != "application/json" {
			t.Errorf("type %q headers %v", ev.Type, h.Header)
		}
		if !slices.Equal(ev.Targets, []string{id}) || ev.Chunk != (webhooks.Chunk{Index: 0, Count: 1, TotalTargets: 1}) {
			t.Errorf("targets %v chunk %+v, want [%s]", ev.Targets, ev.Chunk, id)
		}
		if ev.Actor.Login != "admin" || ev.Actor.Role != "ADMIN" || ev.Actor.ID == nil ||
			ev.Time.Before(start.Add(-time.Second)) || ev.Time.After(time.Now()) {
			t.Errorf("actor %+v time %v", ev.Actor, ev.Time)
		}
		// The event is the audit event of the change.
		page := auditEvents(t, s, admin, map[string]any{"first": 1, "where": map[string]any{"action": "customer.create"}})
		if len(page.Events) != 1 || page.Events[0].ID != ev.ID {
			t.Errorf("audit event %+v, delivered id %s", page.Events, ev.ID)
		}
		st := deliveries(t, s, admin, ep)
		dl := st.Deliveries[0]
		if dl.EventID != ev.ID || dl.EventType != "customer.created" || dl.Attempts != 1 || dl.ResponseStatus == nil ||
			*dl.ResponseStatus != 200 || dl.LastError != nil || dl.NextAttemptAt != nil || dl.DeliveredAt == nil ||
			h.Header.Get("Panel-Delivery-Id") != dl.ID || dl.Endpoint.ID != ep {
			t.Errorf("delivery %+v", dl)
		}
		// Only subscribed types are sent: an update is not.
		r := s.Do(admin, `mutation($in:UpdateCustomerContactInput!){updateCustomerContact(input:$in){userErrors{code}}}`,
			map[string]any{"in": map[string]any{"customerId": id, "name": "Renamed"}})
		if len(r.Errors) > 0 {
			t.Fatal(r.Errors)
		}
		s.Must(admin, `mutation($ids:[ID!]!){suspendCustomers(input:{ids:$ids}){committed}}`, map[string]any{"ids": []string{id}}, nil)
		eventually(t, "the suspension", func() bool { return allDelivered(deliveries(t, s, admin, ep), 2) })
		if ts := rcv.types(); !slices.Equal(ts, []string{"customer.created", "customer.suspended"}) {
			t.Errorf("received %v", ts)
		}
		// The secret is never shown again: the type has no such field.
		if r := s.Do(admin, `query($id:ID!){node(id:$id){... on WebhookEndpoint{secret}}}`, map[string]any{"id": ep}); len(r.Errors) == 0 {
			t.Error("secret readable after creation")
		}
	})
}

// TestWebhooksRetries: 500s are retried with backoff until a 2xx; after
// MaxAttempts the delivery is FAILED, and redeliverWebhookDelivery sends it
// again; a run of DisableAfter failures disables the endpoint until
// enableWebhookEndpoint.
func TestWebhooksRetries(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d string) {
		cfg := fastHooks()
		cfg.MaxAttempts = 3
		cfg.DisableAfter = 5
		s := apitest.NewWithWebhooks(t, d, cfg)
		admin := s.AdminToken()

		// Two 500s, then 200: delivered on the third attempt.
		flaky := newReceiver(t, func(n int) int {
			if n < 2 {
				return http.StatusInternalServerError
			}
			return http.StatusNoContent
		})
		ep, _ := register(t, s, admin, flaky.URL, "customer.created")
		createCustomer(t, s, admin, "retried")
		eventually(t, "the retried delivery", func() bool { return allDelivered(deliveries(t, s, admin, ep), 1) })
		dl := deliveries(t, s, admin, ep).Deliveries[0]
		if dl.Attempts != 3 || *dl.ResponseStatus != 204 || dl.LastError != nil || len(flaky.requests()) != 3 {
			t.Errorf("delivery %+v after %d requests", dl, len(flaky.requests()))
		}
		if b := flaky.requests(); string(b[0].Body) != string(b[2].Body) {
			t.Error("a retry sent a different body")
		}

		// Always 500: FAILED after 3 attempts, with the last error.
		var down sync.Mutex
		failing := true
		broken := newReceiver(t, func(int) int {
			down.Lock()
			defer down.Unlock()
			if failing {
				return http.StatusInternalServerError
			}
			return http.StatusOK
		})
		bad, _ := register(t, s, admin, broken.URL, "customer.created")
		createCustomer(t, s, admin, "failing")
		eventually(t, "the failed delivery", func() bool {
			st := deliveries(t, s, admin, bad)
			return len(st.Deliveries) == 1 && st.Deliveries[0].Status == "FAILED"
		})
		st := deliveries(t, s, admin, bad)
		dl = st.Deliveries[0]
		if dl.Attempts != 3 || dl.LastError == nil || *dl.LastError != "HTTP 500" || *dl.ResponseStatus != 500 ||
			dl.NextAttemptAt != nil || !st.Enabled || st.ConsecutiveFailures != 3 {
			t.Errorf("failed delivery %+v endpoint %+v", dl, st)
		}
		// Redelivered: queued again with a fresh count, sent once it works.
		down.Lock()
		failing = false
		down.Unlock()
		var rd struct {
			RedeliverWebhookDelivery struct {
				WebhookDelivery *struct{ ID, Status string }
				UserErrors      []hookErr
			}
		}
		s.Must(admin, `mutation($id:ID!){redeliverWebhookDelivery(input:{id:$id}){webhookDelivery{id status} userErrors{code field message}}}`,
			map[string]any{"id": dl.ID}, &rd)
		if p := rd.RedeliverWebhookDelivery; len(p.UserErrors) > 0 || p.WebhookDelivery == nil || p.WebhookDelivery.ID != dl.ID {
			t.Fatalf("redeliver: %+v", p)
		}
		eventually(t, "the redelivery", func() bool { return allDelivered(deliveries(t, s, admin, bad), 1) })
		if st := deliveries(t, s, admin, bad); st.Deliveries[0].Attempts != 1 || st.ConsecutiveFailures != 0 {
			t.Errorf("after redelivery: %+v", st)
		}

		// Five consecutive failed attempts disable the endpoint; nothing is
		// sent to it then, until it is enabled again.
		down.Lock()
		failing = true
		down.Unlock()
		createCustomer(t, s, admin, "failing2")
		createCustomer(t, s, admin, "failing3")
		eventually(t, "the endpoint disabled", func() bool { return !deliveries(t, s, admin, bad).Enabled })
		st = deliveries(t, s, admin, bad)
		// (Attempts in flight when it was disabled still count.)
		if st.DisabledReason == nil || !strings.Contains(*st.DisabledReason, "5 consecutive failed attempts") ||
			st.ConsecutiveFailures < 5 {
			t.Errorf("disabled endpoint %+v", st)
		}
		sent := len(broken.requests())
		createCustomer(t, s, admin, "whiledisabled")
		// The worker queues nothing for a disabled endpoint; the flaky one
		// (still enabled) gets the event: once it has, the worker has seen it.
		eventually(t, "the other endpoint", func() bool { return allDelivered(deliveries(t, s, admin, ep), 5) })
		if n := len(broken.requests()); n != sent {
			t.Errorf("a disabled endpoint received %d more requests", n-sent)
		}
		down.Lock()
		failing = false
		down.Unlock()
		var en struct {
			EnableWebhookEndpoint struct {
				WebhookEndpoint *struct {
					Enabled             bool
					ConsecutiveFailures int
					DisabledReason      *string
				}
				UserErrors []hookErr
			}
		}
		s.Must(admin, `mutation($id:ID!){enableWebhookEndpoint(input:{id:$id}){webhookEndpoint{enabled consecutiveFailures disabledReason} userErrors{code field message}}}`,
			map[string]any{"id": bad}, &en)
		if p := en.EnableWebhookEndpoint; len(p.UserErrors) > 0 || !p.WebhookEndpoint.Enabled ||
			p.WebhookEndpoint.ConsecutiveFailures != 0 || p.WebhookEndpoint.DisabledReason != nil {
			t.Fatalf("enable: %+v", p)
		}
		// The deliveries still PENDING when it was disabled are sent now.
		eventually(t, "the pending deliveries after enabling", func() bool {
			st := deliveries(t, s, admin, bad)
			for _, d := range st.Deliveries {
				if d.Status == "PENDING" {
					return false
				}
			}
			return st.Enabled
		})
	})
}

// TestWebhooksNoDeliveryWithoutCommit: a dry run and a rolled-back ATOMIC
// bulk write no outbox row, so nothing is queued or sent; a later
// committed change is.
func TestWebhooksNoDeliveryWithoutCommit(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d string) {
		s := apitest.NewWithWebhooks(t, d, fastHooks())
		admin := s.AdminToken()
		a := createCustomer(t, s, admin, "dry1")
		b := createCustomer(t, s, admin, "dry2")
		outboxEmpty(t, s) // their creation is not for the endpoint below
		rcv := newReceiver(t, nil)
		ep, _ := register(t, s, admin, rcv.URL, events.Types()...)
		var out struct {
			SuspendCustomers struct {
				Committed  bool
				UserErrors []hookErr
			}
		}
		s.Must(admin, `mutation($ids:[ID!]!){suspendCustomers(input:{ids:$ids,dryRun:true}){committed userErrors{code field}}}`,
			map[string]any{"ids": []string{a, b}}, &out)
		if out.SuspendCustomers.Committed {
			t.Fatal("dry run committed")
		}
		s.Must(admin, `mutation($ids:[ID!]!){suspendCustomers(input:{ids:$ids}){committed userErrors{code field}}}`,
			map[string]any{"ids": []string{a, b, "999999999"}}, &out)
		if out.SuspendCustomers.Committed || len(out.SuspendCustomers.UserErrors) == 0 {
			t.Fatalf("atomic bulk with a missing ID: %+v", out)
		}
		// A committed change after them, then: only it is delivered.
		s.Must(admin, `mutation($ids:[ID!]!){suspendCustomers(input:{ids:$ids}){committed}}`, map[string]any{"ids": []string{b}}, nil)
		eventually(t, "the committed suspension", func() bool { return allDelivered(deliveries(t, s, admin, ep), 1) })
		if got := rcv.requests(); len(got) != 1 || !slices.Equal(got[0].Event.Targets, []string{b}) {
			t.Errorf("received %d requests (%v), want only the committed suspension of %s; deliveries %+v",
				len(got), rcv.types(), b, deliveries(t, s, admin, ep))
		}
		outboxEmpty(t, s)
	})
}

// outboxEmpty waits until the worker has taken every outbox row.
func outboxEmpty(t *testing.T, s *apitest.Server) {
	t.Helper()
	ctx := privacy.DecisionContext(context.Background(), privacy.Allow)
	eventually(t, "an empty outbox", func() bool {
		n, err := s.Client.WebhookOutbox.Query().Count(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return n == 0
	})
}

// TestWebhooksChunks: an event with more targets than ChunkTargets is sent
// as one request per chunk, together carrying every target once.
func TestWebhooksChunks(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d string) {
		cfg := fastHooks()
		cfg.ChunkTargets = 2
		s := apitest.NewWithWebhooks(t, d, cfg)
		admin := s.AdminToken()
		var ids []string
		for i := range 5 {
			ids = append(ids, createCustomer(t, s, admin, fmt.Sprintf("bulk%d", i)))
		}
		rcv := newReceiver(t, nil)
		ep, secret := register(t, s, admin, rcv.URL, "customer.suspended")
		s.Must(admin, `mutation($ids:[ID!]!){suspendCustomers(input:{ids:$ids}){committed}}`, map[string]any{"ids": ids}, nil)
		eventually(t, "three chunks", func() bool { return allDelivered(deliveries(t, s, admin, ep), 3) })
		var all []string
		seen := map[int]bool{}
		for _, h := range rcv.requests() {
			if !apitest.VerifyWebhookSignature(secret, h.Header.Get("Panel-Signature"), h.Body, time.Minute, time.Now()) {
				t.Error("chunk signature does not verify")
			}
			c := h.Event.Chunk
			if c.Count != 3 || c.TotalTargets != 5 || seen[c.Index] || len(h.Event.Targets) > 2 {
				t.Errorf("chunk %+v with %d targets", c, len(h.Event.Targets))
			}
			seen[c.Index] = true
			all = append(all, h.Event.Targets...)
		}
		slices.Sort(all)
		want := slices.Clone(ids)
		slices.Sort(want)
		if !slices.Equal(all, want) {
			t.Errorf("targets %v, want %v", all, want)
		}
	})
}

// TestWebhooksScope: a reseller's endpoint receives only the events of its
// own scope (as auditEvents shows them), never another reseller's; the
// administrator's receives all. Endpoints are their owner's only.
func TestWebhooksScope(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d string) {
		s := apitest.NewWithWebhooks(t, d, fastHooks())
		admin := s.AdminToken()
		var rs []apitest.Account
		for i := 1; i <= 2; i++ {
			a := apitest.Account{Login: fmt.Sprintf("hookres%d", i), Password: "reseller-pass-1"}
			a.ID = s.Create(admin, "createReseller", "reseller", map[string]any{
				"login": a.Login, "password": a.Password, "name": a.Login, "email": a.Login + "@example.com",
				"limits": map[string]any{"customers": 10},
			})
			a.Token = s.Login(a.Login, a.Password)
			rs = append(rs, a)
		}
		outboxEmpty(t, s) // their creation is not for the endpoints below
		rA, rB, rAdmin := newReceiver(t, nil), newReceiver(t, nil), newReceiver(t, nil)
		epA, _ := register(t, s, rs[0].Token, rA.URL)
		epB, _ := register(t, s, rs[1].Token, rB.URL)
		epAdmin, _ := register(t, s, admin, rAdmin.URL, "customer.created")
		cA := createCustomer(t, s, rs[0].Token, "ofa")
		cB := createCustomer(t, s, rs[1].Token, "ofb")
		createCustomer(t, s, admin, "ofadmin")
		eventually(t, "every delivery", func() bool {
			return allDelivered(deliveries(t, s, admin, epAdmin), 3) &&
				allDelivered(deliveries(t, s, rs[0].Token, epA), 1) && allDelivered(deliveries(t, s, rs[1].Token, epB), 1)
		})
		only := func(r *receiver, name, id string) {
			got := r.requests()
			if len(got) != 1 || !slices.Equal(got[0].Event.Targets, []string{id}) {
				var ts [][]string
				for _, h := range got {
					ts = append(ts, h.Event.Targets)
				}
				t.Errorf("%s received %v, want only %s", name, ts, id)
			}
		}
		only(rA, "reseller A", cA)
		only(rB, "reseller B", cB)

		// Endpoints are their owner's: invisible and unchangeable to others.
		for _, tc := range []struct{ token, id, who string }{
			{rs[1].Token, epA, "reseller B on A's"}, {admin, epA, "admin on a reseller's"}, {rs[0].Token, epAdmin, "reseller on the admin's"},
		} {
			var n struct{ Node *struct{ ID string } }
			s.Must(tc.token, `query($id:ID!){node(id:$id){id}}`, map[string]any{"id": tc.id}, &n)
			if n.Node != nil {
				t.Errorf("%s: visible", tc.who)
			}
			var u struct {
				UpdateWebhookEndpoint struct{ UserErrors []hookErr }
			}
			s.Must(tc.token, `mutation($id:ID!){updateWebhookEndpoint(input:{id:$id,url:"http://127.0.0.1:1/x"}){userErrors{code field}}}`,
				map[string]any{"id": tc.id}, &u)
			if ues := u.UpdateWebhookEndpoint.UserErrors; len(ues) != 1 || ues[0].Code != "NOT_FOUND" || !slices.Equal(ues[0].Field, []string{"id"}) {
				t.Errorf("%s: update %+v", tc.who, ues)
			}
			var del struct {
				DeleteWebhookEndpoint struct {
					DeletedWebhookEndpointID *string
					UserErrors               []hookErr
				}
			}
			s.Must(tc.token, `mutation($id:ID!){deleteWebhookEndpoint(input:{id:$id}){deletedWebhookEndpointId userErrors{code field}}}`,
				map[string]any{"id": tc.id}, &del)
			if p := del.DeleteWebhookEndpoint; p.DeletedWebhookEndpointID != nil || len(p.UserErrors) != 1 || p.UserErrors[0].Code != "NOT_FOUND" {
				t.Errorf("%s: delete %+v", tc.who, p)
			}
		}
		var lists [3]struct {
			WebhookEndpoints struct {
				TotalCount int
				Edges      []struct{ Node struct{ ID string } }
			}
		}
		for i, tok := range []string{admin, rs[0].Token, rs[1].Token} {
			s.Must(tok, `{webhookEndpoints(first:10){totalCount edges{node{id}}}}`, nil, &lists[i])
		}
		for i, want := range []string{epAdmin, epA, epB} {
			if l := lists[i].WebhookEndpoints; l.TotalCount != 1 || l.Edges[0].Node.ID != want {
				t.Errorf("list %d: %+v, want only %s", i, l, want)
			}
		}
		// Customers have no endpoints.
		c := s.Login("ofa", "customer-pass-1")
		if r := s.Do(c, `{webhookEndpoints(first:1){totalCount}}`, nil); r.Code() != "FORBIDDEN" {
			t.Errorf("customer lists endpoints: %+v", r.Errors)
		}
		// Deleting its endpoint stops a reseller's deliveries (and drops its log).
		var del struct {
			DeleteWebhookEndpoint struct{ DeletedWebhookEndpointID *string }
		}
		s.Must(rs[0].Token, `mutation($id:ID!){deleteWebhookEndpoint(input:{id:$id}){deletedWebhookEndpointId}}`, map[string]any{"id": epA}, &del)
		if del.DeleteWebhookEndpoint.DeletedWebhookEndpointID == nil || *del.DeleteWebhookEndpoint.DeletedWebhookEndpointID != epA {
			t.Errorf("delete: %+v", del)
		}
		// Deleting a reseller deletes its endpoints and their deliveries.
		var dr struct {
			DeleteResellers struct {
				Committed  bool
				UserErrors []hookErr
			}
		}
		s.Must(admin, `mutation($ids:[ID!]!){deleteResellers(input:{ids:$ids,customers:DELETE}){committed userErrors{code field message}}}`,
			map[string]any{"ids": []string{rs[1].ID}}, &dr)
		if !dr.DeleteResellers.Committed {
			t.Fatalf("deleteResellers: %+v", dr)
		}
		ctx := privacy.DecisionContext(context.Background(), privacy.Allow)
		if n, err := s.Client.WebhookEndpoint.Query().Count(ctx); err != nil || n != 1 {
			t.Errorf("endpoints after the deletions: %d, %v; want the admin's only", n, err)
		}
		if n, err := s.Client.WebhookDelivery.Query().Where(webhookdelivery.EndpointIDNEQ(storedInt(t, epAdmin))).Count(ctx); err != nil || n != 0 {
			t.Errorf("deliveries of deleted endpoints: %d, %v", n, err)
		}
	})
}

func storedInt(t *testing.T, id string) int {
	t.Helper()
	n, err := strconv.Atoi(id)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestWebhooksCredentialTypes: a login change and a password change are
// different event types; changing both is both.
func TestWebhooksCredentialTypes(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d string) {
		s := apitest.NewWithWebhooks(t, d, fastHooks())
		admin := s.AdminToken()
		id := createCustomer(t, s, admin, "credc")
		rcv := newReceiver(t, nil)
		ep, _ := register(t, s, admin, rcv.URL, "customer.login_changed", "customer.password_changed")
		upd := func(in map[string]any) {
			in["customerId"] = id
			var out struct {
				UpdateCustomerLogin struct{ UserErrors []hookErr }
			}
			s.Must(admin, `mutation($in:UpdateCustomerLoginInput!){updateCustomerLogin(input:$in){userErrors{code field message}}}`,
				map[string]any{"in": in}, &out)
			if len(out.UpdateCustomerLogin.UserErrors) > 0 {
				t.Fatal(out.UpdateCustomerLogin.UserErrors)
			}
		}
		upd(map[string]any{"password": "another-pass-12"})
		eventually(t, "the password change", func() bool { return allDelivered(deliveries(t, s, admin, ep), 1) })
		upd(map[string]any{"login": "credc2"})
		eventually(t, "the login change", func() bool { return allDelivered(deliveries(t, s, admin, ep), 2) })
		upd(map[string]any{"login": "credc3", "password": "third-pass-123"})
		eventually(t, "both", func() bool { return allDelivered(deliveries(t, s, admin, ep), 4) })
		got := rcv.types()
		slices.Sort(got[2:])
		if want := []string{"customer.password_changed", "customer.login_changed", "customer.login_changed", "customer.password_changed"}; !slices.Equal(got, want) {
			t.Errorf("received %v, want %v", got, want)
		}
		// The customer changing its own password is published too.
		c := s.Login("credc3", "third-pass-123")
		s.Must(c, `mutation{changePassword(input:{currentPassword:"third-pass-123",newPassword:"fourth-pass-1234"}){userErrors{code}}}`, nil, nil)
		eventually(t, "the own password change", func() bool { return allDelivered(deliveries(t, s, admin, ep), 5) })
		if got := rcv.types(); got[4] != "customer.password_changed" {
			t.Errorf("own change received as %v", got[4])
		}
	})
}

// TestWebhooksBadInput: bad input is a userError on its field and creates
// or changes nothing.
func TestWebhooksBadInput(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d string) {
		s := apitest.NewWithWebhooks(t, d, fastHooks())
		admin := s.AdminToken()
		for _, tc := range []struct {
			in    map[string]any
			field []string
		}{
			{map[string]any{"url": "https://hooks.example.com/x", "eventTypes": []string{"customer.created", "customer.exploded"}}, []string{"eventTypes", "1"}},
			{map[string]any{"url": "https://hooks.example.com/x", "eventTypes": []string{}}, []string{"eventTypes"}},
			{map[string]any{"url": "ftp://hooks.example.com/x", "eventTypes": []string{"customer.created"}}, []string{"url"}},
			{map[string]any{"url": "not a url", "eventTypes": []string{"customer.created"}}, []string{"url"}},
			{map[string]any{"url": "https://u:p@hooks.example.com/", "eventTypes": []string{"customer.created"}}, []string{"url"}},
			{map[string]any{"url": "https://hooks.example.com/" + strings.Repeat("a", 2100), "eventTypes": []string{"customer.created"}}, []string{"url"}},
			{map[string]any{"url": "https://hooks.example.com/", "eventTypes": []string{"customer.created"}, "description": strings.Repeat("d", 256)}, []string{"description"}},
		} {
			ep, secret, ues := tryRegister(t, s, admin, tc.in)
			if ep != nil || secret != "" || len(ues) != 1 || ues[0].Code != "INVALID" || !slices.Equal(ues[0].Field, tc.field) || ues[0].Message == "" {
				t.Errorf("%v: endpoint %v userErrors %+v, want INVALID on %v", tc.in, ep, ues, tc.field)
			}
		}
		var l struct{ WebhookEndpoints struct{ TotalCount int } }
		s.Must(admin, `{webhookEndpoints{totalCount}}`, nil, &l)
		if l.WebhookEndpoints.TotalCount != 0 {
			t.Errorf("%d endpoints after refused input", l.WebhookEndpoints.TotalCount)
		}
		ep, _ := register(t, s, admin, "https://hooks.example.com/ok", "customer.created")
		var u struct {
			UpdateWebhookEndpoint struct {
				WebhookEndpoint *endpointOut
				UserErrors      []hookErr
			}
		}
		s.Must(admin, `mutation($in:UpdateWebhookEndpointInput!){updateWebhookEndpoint(input:$in){webhookEndpoint{id} userErrors{code field}}}`,
			map[string]any{"in": map[string]any{"id": ep, "url": "https://hooks.example.com/new", "eventTypes": []string{"nope"}}}, &u)
		if ues := u.UpdateWebhookEndpoint.UserErrors; len(ues) != 1 || !slices.Equal(ues[0].Field, []string{"eventTypes", "0"}) {
			t.Errorf("update: %+v", ues)
		}
		s.Must(admin, `mutation($in:UpdateWebhookEndpointInput!){updateWebhookEndpoint(input:$in){webhookEndpoint{id} userErrors{code field}}}`,
			map[string]any{"in": map[string]any{"id": ep, "eventTypes": []string{}, "url": "ftp://hooks.example.com/"}}, &u)
		if ues := u.UpdateWebhookEndpoint.UserErrors; len(ues) != 2 || u.UpdateWebhookEndpoint.WebhookEndpoint != nil {
			t.Errorf("update to no types and an ftp URL: %+v", ues)
		}
		var n struct{ Node endpointOut }
		s.Must(admin, `query($id:ID!){node(id:$id){... on WebhookEndpoint{id url eventTypes}}}`, map[string]any{"id": ep}, &n)
		if n.Node.URL != "https://hooks.example.com/ok" || !slices.Equal(n.Node.EventTypes, []string{"customer.created"}) {
			t.Errorf("a refused update changed the endpoint: %+v", n.Node)
		}
		s.Must(admin, `mutation($in:UpdateWebhookEndpointInput!){updateWebhookEndpoint(input:$in){webhookEndpoint{id url eventTypes description} userErrors{code field}}}`,
			map[string]any{"in": map[string]any{"id": ep, "eventTypes": []string{"reseller.created", "customer.deleted", "reseller.created"}, "description": " billing "}}, &u)
		if p := u.UpdateWebhookEndpoint; len(p.UserErrors) > 0 || p.WebhookEndpoint.Description != "billing" ||
			!slices.Equal(p.WebhookEndpoint.EventTypes, []string{"customer.deleted", "reseller.created"}) {
			t.Errorf("update: %+v", p)
		}
		var rd struct {
			RedeliverWebhookDelivery struct{ UserErrors []hookErr }
		}
		s.Must(admin, `mutation{redeliverWebhookDelivery(input:{id:"12345"}){userErrors{code field}}}`, nil, &rd)
		if ues := rd.RedeliverWebhookDelivery.UserErrors; len(ues) != 1 || ues[0].Code != "NOT_FOUND" {
			t.Errorf("redeliver unknown: %+v", ues)
		}
		var ty struct{ WebhookEventTypes []string }
		s.Must(admin, `{webhookEventTypes}`, nil, &ty)
		if !slices.Equal(ty.WebhookEventTypes, events.Types()) || !slices.Contains(ty.WebhookEventTypes, "subscription.suspended") {
			t.Errorf("event types %v", ty.WebhookEventTypes)
		}
	})
}

// TestWebhooksSSRF: without the private-address allowance, URLs of
// loopback, private, link-local and reserved addresses are refused at
// registration (INVALID on url, nothing created), and a delivery to such an
// address is refused when connecting (DNS rebinding).
func TestWebhooksSSRF(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d string) {
		s, _ := apitest.NewWith(t, d, apitest.Options{})
		admin := s.AdminToken()
		rcv := newReceiver(t, nil)
		for _, u := range []string{
			rcv.URL, "http://localhost:8080/", "http://api.localhost/", "http://10.1.2.3/", "http://172.16.0.1/",
			"http://192.168.1.1/", "http://169.254.169.254/latest/meta-data/", "http://[::1]/", "http://[fe80::1]/",
			"http://[fc00::1]/", "http://0.0.0.0/", "http://100.64.0.1/", "http://[::ffff:127.0.0.1]/", "http://224.0.0.1/",
			"http://intranet/",
		} {
			ep, _, ues := tryRegister(t, s, admin, map[string]any{"url": u, "eventTypes": []string{"customer.created"}})
			if ep != nil || len(ues) != 1 || ues[0].Code != "INVALID" || !slices.Equal(ues[0].Field, []string{"url"}) {
				t.Errorf("%s: endpoint %v userErrors %+v, want INVALID on url", u, ep, ues)
			}
		}
		var l struct{ WebhookEndpoints struct{ TotalCount int } }
		s.Must(admin, `{webhookEndpoints{totalCount}}`, nil, &l)
		if l.WebhookEndpoints.TotalCount != 0 {
			t.Errorf("%d endpoints registered", l.WebhookEndpoints.TotalCount)
		}
		page := auditEvents(t, s, admin, map[string]any{"first": 5, "where": map[string]any{"action": "webhook_endpoint.create"}})
		if page.TotalCount != 0 {
			t.Errorf("refused registrations audited: %d", page.TotalCount)
		}

		// A server that allows private addresses registers the receiver; a
		// worker that does not refuses to connect to it.
		tw, _ := s.Twin(apitest.Options{Configure: func(c *graph.HandlerConfig) { c.Webhooks.AllowPrivate = true }})
		ep, _ := register(t, tw, admin, rcv.URL, "customer.created")
		strict := fastHooks()
		strict.AllowPrivate = false
		s.StartWebhookWorker(strict)
		createCustomer(t, s, admin, "ssrf")
		eventually(t, "a refused attempt", func() bool {
			st := deliveries(t, s, admin, ep)
			return len(st.Deliveries) == 1 && st.Deliveries[0].LastError != nil
		})
		dl := deliveries(t, s, admin, ep).Deliveries[0]
		if !strings.Contains(*dl.LastError, "refused to connect to a loopback, private or reserved address") ||
			dl.ResponseStatus != nil || dl.Status == "DELIVERED" {
			t.Errorf("delivery %+v", dl)
		}
		if n := len(rcv.requests()); n != 0 {
			t.Errorf("the private receiver got %d requests", n)
		}
	})
}

// TestWebhooksTwoWorkers: two workers on one database (two server
// processes) send every delivery exactly once: outbox rows and deliveries
// are claimed with SKIP LOCKED and a lease.
func TestWebhooksTwoWorkers(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d string) {
		cfg := fastHooks()
		cfg.ChunkTargets = 1
		cfg.Batch = 4
		s := apitest.NewWithWebhooks(t, d, cfg)
		s.StartWebhookWorker(cfg)
		admin := s.AdminToken()
		var ids []string
		for i := range 10 {
			ids = append(ids, createCustomer(t, s, admin, fmt.Sprintf("twice%d", i)))
		}
		rcv := newReceiver(t, nil)
		var eps []string
		for i := range 3 {
			ep, _ := register(t, s, admin, fmt.Sprintf("%s/%d", rcv.URL, i), "customer.suspended", "customer.activated")
			eps = append(eps, ep)
		}
		for _, m := range []string{"suspendCustomers", "activateCustomers"} {
			s.Must(admin, `mutation($ids:[ID!]!){`+m+`(input:{ids:$ids}){committed}}`, map[string]any{"ids": ids}, nil)
		}
		eventually(t, "60 deliveries", func() bool {
			for _, ep := range eps {
				if !allDelivered(deliveries(t, s, admin, ep), 20) {
					return false
				}
			}
			return true
		})
		seen := map[string]int{}
		for _, h := range rcv.requests() {
			seen[h.Header.Get("Panel-Delivery-Id")]++
		}
		for id, n := range seen {
			if n != 1 {
				t.Errorf("delivery %s sent %d times", id, n)
			}
		}
		if len(seen) != 60 || len(rcv.requests()) != 60 {
			t.Errorf("%d distinct deliveries in %d requests, want 60", len(seen), len(rcv.requests()))
		}
	})
}
