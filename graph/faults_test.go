package graph_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/go-sql-driver/mysql"

	"github.com/hostpanel/panel/ent"
	"github.com/hostpanel/panel/ent/privacy"
	"github.com/hostpanel/panel/internal/apitest"
	"github.com/hostpanel/panel/internal/dbtest"
	"github.com/hostpanel/panel/internal/txn"
)

// injector fails the statement number failAt (1-based, counted from when it
// was armed) with err; 0 disarms it.
type injector struct {
	failAt atomic.Int64
	seen   atomic.Int64
	hit    atomic.Bool
	// match, when set, restricts counting to the statements it accepts.
	match atomic.Pointer[func(string) bool]
	err   atomic.Pointer[error]
	// times is how many matching statements fail from failAt on (0 = one).
	times   atomic.Int64
	retries atomic.Int64
}

func (in *injector) arm(k int64, err error) {
	in.seen.Store(0)
	in.hit.Store(false)
	in.err.Store(&err)
	in.failAt.Store(k)
}

func (in *injector) hook(_ context.Context, query string) error {
	k := in.failAt.Load()
	if k == 0 {
		return nil
	}
	if m := in.match.Load(); m != nil && !(*m)(query) {
		return nil
	}
	n := in.seen.Add(1)
	if n >= k && n < k+max(in.times.Load(), 1) {
		in.hit.Store(true)
		return *in.err.Load()
	}
	return nil
}

// newFaultServer is a test server whose statements go through in.hook and
// whose requests count their transaction retries in in.retries.
func newFaultServer(t *testing.T, d string, in *injector) *apitest.Server {
	s, _ := apitest.NewWith(t, d, apitest.Options{
		Hook: in.hook,
		Wrap: func(h http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				ctx := txn.WithRetryObserver(r.Context(), func(error) { in.retries.Add(1) })
				h.ServeHTTP(w, r.WithContext(ctx))
			})
		},
	})
	return s
}

// dumpAll is every row of every table (sessions' last use blanked), as JSON.
func dumpAll(t *testing.T, c *ent.Client) string {
	t.Helper()
	ctx := privacy.DecisionContext(context.Background(), privacy.Allow)
	var parts []any
	add := func(v any, err error) {
		if err != nil {
			t.Fatal(err)
		}
		parts = append(parts, v)
	}
	add(c.Administrator.Query().Order(ent.Asc("id")).All(ctx))
	add(c.Reseller.Query().Order(ent.Asc("id")).All(ctx))
	add(c.Customer.Query().Order(ent.Asc("id")).All(ctx))
	add(c.ServicePlan.Query().Order(ent.Asc("id")).All(ctx))
	add(c.ResellerPlan.Query().Order(ent.Asc("id")).All(ctx))
	add(c.HostingSubscription.Query().Order(ent.Asc("id")).All(ctx))
	add(c.Domain.Query().Order(ent.Asc("id")).All(ctx))
	add(c.PanelUser.Query().Order(ent.Asc("id")).All(ctx))
	add(c.Description.Query().Order(ent.Asc("id")).All(ctx))
	add(c.Credential.Query().Order(ent.Asc("id")).All(ctx))
	add(c.AuditEvent.Query().Order(ent.Asc("id")).All(ctx))
	add(c.AuditTarget.Query().Order(ent.Asc("id")).All(ctx))
	add(c.AuditScope.Query().Order(ent.Asc("id")).All(ctx))
	ss, err := c.Session.Query().Order(ent.Asc("id")).All(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range ss {
		s.LastUsedAt = nil
	}
	parts = append(parts, ss)
	b, err := json.Marshal(parts)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestFaultEveryStatement fails each statement of each bulk mutation in
// turn: the request fails and the database is exactly as before; then the
// mutation runs through and the next one is tried on the new state.
func TestFaultEveryStatement(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d string) {
		in := &injector{}
		s := newFaultServer(t, d, in)
		w := s.BuildWorld()
		admin := w.AdminToken
		r1, r2 := w.Resellers[0].ID, w.Resellers[1].ID
		c := w.Customers
		steps := []struct {
			name, mutation, input string
			in                    map[string]any
		}{
			{"suspendCustomers", "suspendCustomers", "SuspendCustomersInput", map[string]any{"ids": []string{c[1].ID, c[3].ID}, "reason": "x"}},
			{"activateCustomers", "activateCustomers", "ActivateCustomersInput", map[string]any{"ids": []string{c[1].ID, c[3].ID}}},
			{"suspendResellers", "suspendResellers", "SuspendResellersInput", map[string]any{"ids": []string{r1}}},
			{"activateResellers", "activateResellers", "ActivateResellersInput", map[string]any{"ids": []string{r1}}},
			{"suspendSubscriptions", "suspendSubscriptions", "SuspendSubscriptionsInput", map[string]any{"ids": []string{w.Subscriptions[1], w.Subscriptions[3]}}},
			{"moveCustomers", "moveCustomers", "MoveCustomersInput", map[string]any{"newOwnerId": r2, "items": []map[string]any{{"customerId": c[1].ID}}}},
			{"convertCustomersToResellers", "convertCustomersToResellers", "ConvertCustomersToResellersInput", map[string]any{"items": []map[string]any{{"customerId": c[0].ID}}}},
			{"deleteSubscriptions", "deleteSubscriptions", "DeleteSubscriptionsInput", map[string]any{"ids": []string{w.Subscriptions[4]}}},
			{"deleteCustomers", "deleteCustomers", "DeleteCustomersInput", map[string]any{"ids": []string{c[2].ID}}},
			{"deleteResellers MOVE", "deleteResellers", "DeleteResellersInput", map[string]any{"ids": []string{r1}, "customers": "MOVE_TO_ADMINISTRATOR"}},
			{"deleteResellers DELETE", "deleteResellers", "DeleteResellersInput", map[string]any{"ids": []string{r2}, "customers": "DELETE"}},
		}
		injected := errors.New("injected fault")
		for _, st := range steps {
			q := `mutation($in:` + st.input + `!){x:` + st.mutation + `(input:$in){committed userErrors{code field}}}`
			before := dumpAll(t, s.Client)
			for k := int64(1); ; k++ {
				in.arm(k, injected)
				r := s.Do(admin, q, map[string]any{"in": st.in})
				in.failAt.Store(0)
				if !in.hit.Load() {
					// Ran through: k-1 statements.
					if len(r.Errors) > 0 || !strings.Contains(string(r.Data), `"committed":true`) {
						t.Fatalf("%s: unfaulted run failed: %s %+v", st.name, r.Data, r.Errors)
					}
					t.Logf("%s: %d statements, each failed in turn", st.name, k-1)
					break
				}
				if len(r.Errors) == 0 {
					t.Fatalf("%s: statement %d failed but the request succeeded: %s", st.name, k, r.Data)
				}
				if code := r.Code(); code != "INTERNAL_SERVER_ERROR" && code != "UNAUTHENTICATED" {
					t.Errorf("%s: statement %d: error code %s: %+v", st.name, k, code, r.Errors)
				}
				if after := dumpAll(t, s.Client); after != before {
					t.Fatalf("%s: statement %d failed and the database changed", st.name, k)
				}
				if k > 500 {
					t.Fatalf("%s: runaway", st.name)
				}
			}
		}
	})
}

// TestRetryDeadlock: a deadlock or lock wait timeout runs the whole
// transaction again, at most 3 times, and never reaches the client; an
// exhausted retry is an internal error and leaves nothing behind.
func TestRetryDeadlock(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d string) {
		in := &injector{}
		s := newFaultServer(t, d, in)
		w := s.BuildWorld()
		admin := w.AdminToken
		isUpdate := func(q string) bool { return strings.HasPrefix(strings.TrimSpace(q), "UPDATE") }
		in.match.Store(&isUpdate)
		q := `mutation($in:SuspendCustomersInput!){suspendCustomers(input:$in){
		  customers{id status} subscriptionsAffected committed userErrors{code field}}}`
		ids := []string{w.Customers[1].ID, "999999", w.Customers[3].ID}

		// Two deadlocks then success: the client sees one clean result
		// (the PARTIAL user error once, not once per attempt).
		in.times.Store(2)
		in.retries.Store(0)
		in.arm(1, &mysql.MySQLError{Number: 1213, Message: "Deadlock found when trying to get lock"})
		var out struct{ SuspendCustomers bulkPayload }
		s.Must(admin, q, map[string]any{"in": map[string]any{"ids": ids, "mode": "PARTIAL"}}, &out)
		in.failAt.Store(0)
		p := out.SuspendCustomers
		if got := in.retries.Load(); got != 2 {
			t.Fatalf("retries = %d, want 2", got)
		}
		if !p.Committed || len(p.UserErrors) != 1 || len(p.Customers) != 2 || p.SubscriptionsAffected != 2 {
			t.Fatalf("payload after retries: %+v", p)
		}

		// Lock wait timeouts forever: 1 + 3 attempts, then an internal
		// error; nothing changed.
		before := dumpAll(t, s.Client)
		in.times.Store(1 << 30)
		in.retries.Store(0)
		in.arm(1, &mysql.MySQLError{Number: 1205, Message: "Lock wait timeout exceeded"})
		r := s.Do(admin, strings.NewReplacer("suspendCustomers(", "activateCustomers(", "SuspendCustomersInput", "ActivateCustomersInput").Replace(q),
			map[string]any{"in": map[string]any{"ids": ids[:1]}})
		in.failAt.Store(0)
		if got := in.retries.Load(); got != txn.MaxRetries {
			t.Fatalf("retries = %d, want %d: %s %+v", got, txn.MaxRetries, r.Data, r.Errors)
		}
		if r.Code() != "INTERNAL_SERVER_ERROR" {
			t.Fatalf("exhausted retry: %s %+v", r.Data, r.Errors)
		}
		if raw, _ := json.Marshal(r); strings.Contains(string(raw), "Lock wait") || strings.Contains(string(raw), "1205") {
			t.Fatalf("database error leaked to the client: %s", raw)
		}
		if after := dumpAll(t, s.Client); after != before {
			t.Fatal("exhausted retry changed the database")
		}

		// Any other error is not retried.
		in.times.Store(1)
		in.retries.Store(0)
		in.arm(1, &mysql.MySQLError{Number: 1062, Message: "Duplicate entry"})
		r = s.Do(admin, strings.NewReplacer("suspendCustomers(", "activateCustomers(", "SuspendCustomersInput", "ActivateCustomersInput").Replace(q),
			map[string]any{"in": map[string]any{"ids": ids[:1]}})
		in.failAt.Store(0)
		if in.retries.Load() != 0 || r.Code() != "INTERNAL_SERVER_ERROR" {
			t.Fatalf("non-retryable error: retries %d, %+v", in.retries.Load(), r.Errors)
		}
	})
}

// TestTransactionIsolation: on MariaDB a transaction of txn.Run runs at READ
// COMMITTED, so that reads after a lock see rows committed meanwhile.
func TestTransactionIsolation(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d string) {
		if d == "sqlite3" {
			t.Skip("SQLite serialises writers; no isolation levels")
		}
		c := dbtest.Open(t, d, nil)
		ctx := context.Background()
		for _, q := range []string{"CREATE TABLE iso_probe (id INT PRIMARY KEY, v INT)", "INSERT INTO iso_probe VALUES (1, 1)"} {
			if _, err := c.ExecContext(ctx, q); err != nil {
				t.Fatal(err)
			}
		}
		read := func(c *ent.Client) (int, error) {
			rows, err := c.QueryContext(ctx, "SELECT v FROM iso_probe WHERE id = 1")
			if err != nil {
				return 0, err
			}
			defer rows.Close()
			if !rows.Next() {
				return 0, errors.New("no row")
			}
			var v int
			return v, rows.Scan(&v)
		}
		// A plain read fixes a REPEATABLE READ snapshot; a write committed
		// after it must be visible to the next read of the transaction.
		var first, second int
		err := txn.Run(ctx, c, func(tc *ent.Client) error {
			var err error
			if first, err = read(tc); err != nil {
				return err
			}
			if _, err := c.ExecContext(ctx, "UPDATE iso_probe SET v = 2 WHERE id = 1"); err != nil {
				return err
			}
			second, err = read(tc)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		level := "READ-COMMITTED"
		if first != 1 || second != 2 {
			level = fmt.Sprintf("reads %d then %d", first, second)
		}
		if level != "READ-COMMITTED" {
			t.Fatalf("transaction isolation %q, want READ-COMMITTED", level)
		}
	})
}
