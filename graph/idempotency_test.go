package graph_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/99designs/gqlgen/graphql"

	"github.com/hostpanel/panel/ent/auditevent"
	"github.com/hostpanel/panel/graph"
	"github.com/hostpanel/panel/internal/apitest"
	"github.com/hostpanel/panel/internal/dbtest"
)

// idemResult is one answer to a request sent with an Idempotency-Key.
type idemResult struct {
	Status   int
	Replayed bool
	Body     string
	apitest.Response
}

// idemDo posts query with vars as the holder of token, with the given
// Idempotency-Key header values (none: no header).
func idemDo(t *testing.T, s *apitest.Server, token, query string, vars map[string]any, keys ...string) idemResult {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	h := http.Header{"Content-Type": {"application/json"}}
	if token != "" {
		h.Set("Authorization", "Bearer "+token)
	}
	for _, k := range keys {
		h.Add("Idempotency-Key", k)
	}
	status, header, raw := s.Raw(http.MethodPost, h, body)
	r := idemResult{Status: status, Replayed: header.Get("Idempotent-Replayed") == "true", Body: string(raw)}
	if err := json.Unmarshal(raw, &r.Response); err != nil {
		t.Fatalf("bad response %d: %s", status, raw)
	}
	return r
}

// clock is a settable clock for HandlerConfig.Idempotency.Now.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func idemServer(t *testing.T, d string, clk *clock) *apitest.Server {
	s, _ := apitest.NewWith(t, d, apitest.Options{Configure: func(c *graph.HandlerConfig) {
		if clk != nil {
			c.Idempotency.Now = clk.Now
		}
	}})
	return s
}

func idemAudit(t *testing.T, s *apitest.Server, action string) int {
	t.Helper()
	n, err := s.Client.AuditEvent.Query().Where(auditevent.Action(action)).Count(sysCtx())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func idemRows(t *testing.T, s *apitest.Server) int {
	t.Helper()
	n, err := s.Client.IdempotencyKey.Query().Count(sysCtx())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

const idemCreate = `mutation($in:CreateCustomerInput!){createCustomer(input:$in){customer{id login} userErrors{code field message}}}`

func TestIdempotencyReplay(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d string) {
		s := idemServer(t, d, nil)
		admin := s.AdminToken()
		vars := map[string]any{"in": crCustomer("idem1")}

		start := s.Statements.Load()
		first := idemDo(t, s, admin, idemCreate, vars, "create-idem1")
		firstStatements := s.Statements.Load() - start
		if first.Status != 200 || first.Replayed || len(first.Errors) > 0 || !strings.Contains(first.Body, `"userErrors":[]`) {
			t.Fatalf("first: %d replayed=%v %s", first.Status, first.Replayed, first.Body)
		}
		events, before := idemAudit(t, s, "customer.create"), s.Statements.Load()

		// The repeat would fail with TAKEN if it ran: it gets the stored
		// response, byte for byte, and runs no mutation.
		again := idemDo(t, s, admin, idemCreate, vars, "create-idem1")
		replayStatements := s.Statements.Load() - before
		if again.Status != 200 || !again.Replayed || again.Body != first.Body {
			t.Fatalf("repeat: %d replayed=%v\n%s\nwant\n%s", again.Status, again.Replayed, again.Body, first.Body)
		}
		if n := idemAudit(t, s, "customer.create"); n != events {
			t.Fatalf("the repeat wrote audit events: %d, want %d", n, events)
		}
		// The replay is the key's lookup (a refused insert and a select)
		// besides authentication; the first run created a customer.
		if replayStatements > 4 || replayStatements >= firstStatements {
			t.Fatalf("the replay ran %d statements, the first run %d", replayStatements, firstStatements)
		}
		// The same request without a key runs (and is refused: TAKEN).
		if plain := idemDo(t, s, admin, idemCreate, vars); plain.Replayed || !strings.Contains(plain.Body, `"TAKEN"`) {
			t.Fatalf("without a key: %s", plain.Body)
		}

		// Whitespace and variable order are not part of the request hash.
		respaced := strings.ReplaceAll(idemCreate, "{", " { ")
		if r := idemDo(t, s, admin, respaced, vars, "create-idem1"); !r.Replayed || r.Body != first.Body {
			t.Fatalf("re-spaced repeat: replayed=%v %s", r.Replayed, r.Body)
		}
		if n := idemAudit(t, s, "customer.create"); n != events {
			t.Fatalf("audit events: %d, want %d", n, events)
		}
	})
}

func TestIdempotencyConflict(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d string) {
		s := idemServer(t, d, nil)
		admin := s.AdminToken()
		if r := idemDo(t, s, admin, idemCreate, map[string]any{"in": crCustomer("conf1")}, "k-1"); r.Status != 200 || len(r.Errors) > 0 {
			t.Fatalf("first: %s", r.Body)
		}
		events := idemAudit(t, s, "customer.create")
		// The same key with other variables: CONFLICT, nothing created.
		r := idemDo(t, s, admin, idemCreate, map[string]any{"in": crCustomer("conf2")}, "k-1")
		if r.Status != http.StatusUnprocessableEntity || r.Code() != "CONFLICT" || r.Replayed {
			t.Fatalf("conflict: %d %s", r.Status, r.Body)
		}
		if string(r.Data) != "" && string(r.Data) != "null" {
			t.Fatalf("conflict has data: %s", r.Data)
		}
		if _, ok := r.Extensions["cost"]; !ok {
			t.Fatalf("conflict lacks extensions.cost: %s", r.Body)
		}
		// The same key with another operation: CONFLICT too.
		r2 := idemDo(t, s, admin, `mutation{logout}`, nil, "k-1")
		if r2.Code() != "CONFLICT" {
			t.Fatalf("other operation: %s", r2.Body)
		}
		if n := idemAudit(t, s, "customer.create"); n != events {
			t.Fatalf("audit events: %d, want %d", n, events)
		}
		var out struct{ Customers struct{ TotalCount int } }
		s.Must(admin, `{customers(where:{search:"conf2"}){totalCount}}`, nil, &out)
		if out.Customers.TotalCount != 0 {
			t.Fatalf("the conflicting request created a customer")
		}
	})
}

func TestIdempotencyBadKey(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d string) {
		s := idemServer(t, d, nil)
		admin := s.AdminToken()
		for name, keys := range map[string][]string{
			"too long":   {strings.Repeat("k", 256)},
			"empty":      {""},
			"non-ASCII":  {"clé"},
			"two values": {"a", "b"},
		} {
			r := idemDo(t, s, admin, idemCreate, map[string]any{"in": crCustomer("bad1")}, keys...)
			if r.Status != 400 || r.Code() != "BAD_USER_INPUT" || !strings.Contains(r.Errors[0].Message, "Idempotency-Key") {
				t.Fatalf("%s: %d %s", name, r.Status, r.Body)
			}
		}
		var out struct{ Customers struct{ TotalCount int } }
		s.Must(admin, `{customers(where:{search:"bad1"}){totalCount}}`, nil, &out)
		if out.Customers.TotalCount != 0 || idemRows(t, s) != 0 {
			t.Fatalf("a refused key changed something: %d customers, %d keys", out.Customers.TotalCount, idemRows(t, s))
		}
		// 255 printable characters (space included) are fine.
		ok := strings.Repeat("k ", 127) + "k"
		if r := idemDo(t, s, admin, idemCreate, map[string]any{"in": crCustomer("bad1")}, ok); r.Status != 200 || len(r.Errors) > 0 {
			t.Fatalf("255 characters: %s", r.Body)
		}
		if r := idemDo(t, s, admin, idemCreate, map[string]any{"in": crCustomer("bad1")}, ok); !r.Replayed {
			t.Fatalf("255 characters, repeat: %s", r.Body)
		}
		// A malformed key on a query is refused as well; a good one ignored.
		if r := idemDo(t, s, admin, `{viewer{role}}`, nil, ""); r.Code() != "BAD_USER_INPUT" {
			t.Fatalf("query with a bad key: %s", r.Body)
		}
	})
}

func TestIdempotencyIgnoredOrRefused(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d string) {
		s := idemServer(t, d, nil)
		admin := s.AdminToken()
		// Queries ignore the key: nothing stored, never replayed.
		for range 2 {
			if r := idemDo(t, s, admin, `{viewer{role}}`, nil, "q-1"); r.Replayed || len(r.Errors) > 0 {
				t.Fatalf("query: %s", r.Body)
			}
		}
		// Anonymous requests (login) ignore it: each login is a new session.
		login := `mutation{login(input:{login:"admin",password:"` + apitest.AdminPassword + `"}){token}}`
		a, b := idemDo(t, s, "", login, nil, "l-1"), idemDo(t, s, "", login, nil, "l-1")
		if a.Replayed || b.Replayed || a.Body == b.Body {
			t.Fatalf("anonymous login was replayed: %s / %s", a.Body, b.Body)
		}
		if n := idemRows(t, s); n != 0 {
			t.Fatalf("%d keys stored for queries and anonymous requests", n)
		}
		// Mutations whose token is shown once refuse a key: it would be stored.
		r := idemDo(t, s, admin, `mutation{createApiToken(input:{name:"ci"}){token userErrors{code}}}`, nil, "t-1")
		if r.Status != 400 || r.Code() != "BAD_USER_INPUT" || !strings.Contains(r.Errors[0].Message, "createApiToken") {
			t.Fatalf("createApiToken: %d %s", r.Status, r.Body)
		}
		var out struct {
			Viewer struct{ ApiTokens []struct{ Name string } }
		}
		s.Must(admin, `{viewer{apiTokens{name}}}`, nil, &out)
		if len(out.Viewer.ApiTokens) != 0 || idemRows(t, s) != 0 {
			t.Fatalf("refused createApiToken left %d tokens, %d keys", len(out.Viewer.ApiTokens), idemRows(t, s))
		}
		r = idemDo(t, s, admin, `mutation{createWebhookEndpoint(input:{url:"https://hooks.example.com/panel",eventTypes:["customer.created"]}){secret userErrors{code}}}`, nil, "t-2")
		if r.Status != 400 || r.Code() != "BAD_USER_INPUT" || !strings.Contains(r.Errors[0].Message, "createWebhookEndpoint") {
			t.Fatalf("createWebhookEndpoint: %d %s", r.Status, r.Body)
		}
		var hooks struct {
			WebhookEndpoints struct{ TotalCount int }
		}
		s.Must(admin, `{webhookEndpoints{totalCount}}`, nil, &hooks)
		if hooks.WebhookEndpoints.TotalCount != 0 || idemRows(t, s) != 0 {
			t.Fatalf("refused createWebhookEndpoint left %d endpoints, %d keys", hooks.WebhookEndpoints.TotalCount, idemRows(t, s))
		}
	})
}

func TestIdempotencyPerViewer(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d string) {
		s := idemServer(t, d, nil)
		admin := s.AdminToken()
		s.Create(admin, "createReseller", "reseller", map[string]any{
			"login": "res1", "password": "valid-pass-123", "name": "R", "email": "r@example.com", "limits": map[string]any{"customers": 10}})
		res := s.Login("res1", "valid-pass-123")
		a := idemDo(t, s, admin, idemCreate, map[string]any{"in": crCustomer("pv1")}, "same")
		b := idemDo(t, s, res, idemCreate, map[string]any{"in": crCustomer("pv2")}, "same")
		for _, r := range []idemResult{a, b} {
			if r.Status != 200 || r.Replayed || len(r.Errors) > 0 || !strings.Contains(r.Body, `"userErrors":[]`) {
				t.Fatalf("each viewer runs its own request: %s", r.Body)
			}
		}
		// A new session of the same login shares its keys.
		res2 := s.Login("res1", "valid-pass-123")
		if r := idemDo(t, s, res2, idemCreate, map[string]any{"in": crCustomer("pv2")}, "same"); !r.Replayed || r.Body != b.Body {
			t.Fatalf("another session of the login: %s", r.Body)
		}
	})
}

func TestIdempotencyExpiry(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d string) {
		clk := &clock{now: time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)}
		s := idemServer(t, d, clk)
		admin := s.AdminToken()
		vars := map[string]any{"in": crCustomer("exp1")}
		first := idemDo(t, s, admin, idemCreate, vars, "e-1")
		if len(first.Errors) > 0 || !strings.Contains(first.Body, `"userErrors":[]`) {
			t.Fatalf("first: %s", first.Body)
		}
		clk.Add(24*time.Hour - time.Minute)
		if r := idemDo(t, s, admin, idemCreate, vars, "e-1"); !r.Replayed || r.Body != first.Body {
			t.Fatalf("within 24 h: %s", r.Body)
		}
		// After 24 h the key is new again: the request runs (TAKEN now).
		clk.Add(2 * time.Minute)
		r := idemDo(t, s, admin, idemCreate, vars, "e-1")
		if r.Replayed || !strings.Contains(r.Body, `"TAKEN"`) {
			t.Fatalf("after 24 h: replayed=%v %s", r.Replayed, r.Body)
		}
		// Expired keys are purged when a new key is stored.
		idemDo(t, s, admin, idemCreate, map[string]any{"in": crCustomer("exp2")}, "e-2")
		if n := idemRows(t, s); n != 2 {
			t.Fatalf("%d keys, want 2", n)
		}
		clk.Add(25 * time.Hour)
		idemDo(t, s, admin, idemCreate, map[string]any{"in": crCustomer("exp3")}, "e-3")
		if n := idemRows(t, s); n != 1 {
			t.Fatalf("%d keys after the purge, want 1", n)
		}
	})
}

// TestIdempotencyConcurrentBulkSuspend sends two identical bulk suspends
// with one key at once, to two server processes on one database; the first
// is held inside its transaction so that the second arrives while it runs.
func TestIdempotencyConcurrentBulkSuspend(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d string) {
		var hold atomic.Bool
		s, _ := apitest.NewWith(t, d, apitest.Options{Hook: func(ctx context.Context, query string) error {
			if graphql.GetFieldContext(ctx) != nil && hold.CompareAndSwap(true, false) {
				time.Sleep(300 * time.Millisecond)
			}
			return nil
		}})
		twin, _ := s.Twin(apitest.Options{})
		admin := s.AdminToken()
		var ids []any
		for i := range 5 {
			ids = append(ids, s.Create(admin, "createCustomer", "customer", crCustomer(fmt.Sprintf("cs%d", i))))
		}
		events := idemAudit(t, s, "customer.suspend")
		vars := map[string]any{"in": map[string]any{"ids": ids, "reason": "unpaid"}}
		hold.Store(true)
		var wg sync.WaitGroup
		res := make([]idemResult, 2)
		for i, srv := range []*apitest.Server{s, twin} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if i == 1 {
					time.Sleep(50 * time.Millisecond) // the first claims the key
				}
				res[i] = idemDo(t, srv, admin, suspendMutation, vars, "bulk-1")
			}()
		}
		wg.Wait()
		if res[0].Status != 200 || res[1].Status != 200 || res[0].Body != res[1].Body {
			t.Fatalf("responses differ:\n%d %s\n%d %s", res[0].Status, res[0].Body, res[1].Status, res[1].Body)
		}
		if res[0].Replayed || !res[1].Replayed {
			t.Fatalf("replayed: first %v, second %v", res[0].Replayed, res[1].Replayed)
		}
		var p struct{ SuspendCustomers bulkPayload }
		if err := json.Unmarshal(res[0].Data, &p); err != nil || !p.SuspendCustomers.Committed || len(p.SuspendCustomers.Customers) != 5 {
			t.Fatalf("payload: %v %s", err, res[0].Body)
		}
		if n := idemAudit(t, s, "customer.suspend"); n != events+1 {
			t.Fatalf("%d suspend events, want %d", n, events+1)
		}
		for _, id := range ids {
			st := customerState(t, s, admin, id.(string))
			if st.Status != "SUSPENDED" || len(st.Sources) != 1 {
				t.Fatalf("customer %s: %+v", id, st)
			}
		}
	})
}

// TestIdempotencyInternalErrorNotStored: a response with an internal error
// is not kept, so the retry runs.
func TestIdempotencyInternalErrorNotStored(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d string) {
		var fail atomic.Bool
		s, _ := apitest.NewWith(t, d, apitest.Options{Hook: func(ctx context.Context, query string) error {
			if graphql.GetFieldContext(ctx) != nil && fail.Load() {
				return fmt.Errorf("injected failure")
			}
			return nil
		}})
		admin := s.AdminToken()
		vars := map[string]any{"in": crCustomer("ie1")}
		fail.Store(true)
		r := idemDo(t, s, admin, idemCreate, vars, "ie-1")
		fail.Store(false)
		if r.Code() != "INTERNAL_SERVER_ERROR" || idemRows(t, s) != 0 {
			t.Fatalf("failed run: %s, %d keys", r.Body, idemRows(t, s))
		}
		r = idemDo(t, s, admin, idemCreate, vars, "ie-1")
		if r.Replayed || len(r.Errors) > 0 || !strings.Contains(r.Body, `"userErrors":[]`) {
			t.Fatalf("retry: %s", r.Body)
		}
	})
}
