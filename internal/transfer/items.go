// Package transfer moves customers to another owner and converts customers
// to resellers (SPEC 3.5, 3.6). Both are bulk operations with the shape of
// internal/suspension: one transaction, ATOMIC or PARTIAL, dry runs, and
// set-based statements over chunks of 1,000 customers, never one per item.
package transfer

import (
	"context"
	"fmt"
	"strings"

	"github.com/hostpanel/panel/ent"
	"github.com/hostpanel/panel/ent/customer"
	"github.com/hostpanel/panel/ent/hostingsubscription"
	"github.com/hostpanel/panel/internal/apperr"
	"github.com/hostpanel/panel/internal/bulk"
	"github.com/hostpanel/panel/internal/txn"
)

// items is a list of bulk items keyed by customer ID: the unique IDs in
// input order (a repeated ID is applied once, with its first item), the
// index of each for error paths ["items", i, field], and the failures.
type items struct {
	ids    []int
	index  map[int]int
	failed map[int]bool
	errs   apperr.List
}

func newItems(ids []int) (*items, error) {
	if len(ids) > bulk.MaxItems {
		return nil, apperr.BadInput("at most %d items per request, got %d", bulk.MaxItems, len(ids))
	}
	r := &items{index: make(map[int]int, len(ids)), failed: map[int]bool{}, errs: apperr.List{}}
	for i, id := range ids {
		if _, ok := r.index[id]; ok {
			continue
		}
		r.index[id] = i
		r.ids = append(r.ids, id)
	}
	return r, nil
}

// reset forgets the failures found so far, for a transaction that runs
// again after a deadlock (see internal/txn).
func (r *items) reset() {
	r.failed = map[int]bool{}
	r.errs = apperr.List{}
}

// path is the input path of field of id's item.
func (r *items) path(id int, field string) []string {
	return []string{"items", apperr.Index(r.index[id]), field}
}

// fail records a user error for id's item at field.
func (r *items) fail(id int, code apperr.Code, msg, field string) {
	if r.failed[id] {
		return
	}
	r.failed[id] = true
	r.errs.Add(apperr.New(code, msg, r.path(id, field)...))
}

// failWith records e (whose path is already set) for id's item.
func (r *items) failWith(id int, e *apperr.UserError) {
	if r.failed[id] {
		return
	}
	r.failed[id] = true
	r.errs.Add(e)
}

// valid returns the IDs without errors, in input order.
func (r *items) valid() []int {
	out := make([]int, 0, len(r.ids))
	for _, id := range r.ids {
		if !r.failed[id] {
			out = append(out, id)
		}
	}
	return out
}

func (r *items) proceed(o bulk.Options) bool   { return o.Mode == bulk.Partial || len(r.errs) == 0 }
func (r *items) committed(o bulk.Options) bool { return !o.DryRun && r.proceed(o) }

// loadCustomers reads the customers of ids (chunked).
func loadCustomers(ctx context.Context, c *ent.Client, ids []int) (map[int]*ent.Customer, error) {
	out := make(map[int]*ent.Customer, len(ids))
	for _, chunk := range bulk.Chunks(ids) {
		cs, err := c.Customer.Query().Where(customer.IDIn(chunk...)).Modify(txn.LockRows).All(ctx)
		if err != nil {
			return nil, err
		}
		for _, cu := range cs {
			out[cu.ID] = cu
		}
	}
	return out, nil
}

// loadSubscriptions reads the subscriptions of the customers of ids, by
// customer (chunked).
func loadSubscriptions(ctx context.Context, c *ent.Client, ids []int) (map[int][]*ent.HostingSubscription, error) {
	out := make(map[int][]*ent.HostingSubscription, len(ids))
	for _, chunk := range bulk.Chunks(ids) {
		ss, err := c.HostingSubscription.Query().Where(hostingsubscription.CustomerIDIn(chunk...)).
			Order(ent.Asc(hostingsubscription.FieldID)).All(ctx)
		if err != nil {
			return nil, err
		}
		for _, s := range ss {
			out[*s.CustomerID] = append(out[*s.CustomerID], s)
		}
	}
	return out, nil
}

// caseUpdate runs one set-based UPDATE of table: for each row whose key
// column is in the map's keys, col is set to the map's value for its key
// ("col = CASE key WHEN ? THEN ? ... END"), and extra (further assignments,
// written after col so that MySQL, which applies assignments left to right,
// still reads the old key) is applied too. m holds at most one chunk.
func caseUpdate(ctx context.Context, c *ent.Client, table, col, key string, m map[int]int, order []int, extra string) error {
	if len(order) == 0 {
		return nil
	}
	var b strings.Builder
	args := make([]any, 0, 3*len(order))
	fmt.Fprintf(&b, "UPDATE %s SET %s = CASE %s", table, col, key)
	for _, k := range order {
		b.WriteString(" WHEN ? THEN ?")
		args = append(args, k, m[k])
	}
	b.WriteString(" END")
	if extra != "" {
		b.WriteString(", " + extra)
	}
	fmt.Fprintf(&b, " WHERE %s IN (%s)", key, placeholders(len(order)))
	for _, k := range order {
		args = append(args, k)
	}
	_, err := c.ExecContext(ctx, b.String(), args...)
	return err
}

func placeholders(n int) string { return strings.TrimSuffix(strings.Repeat("?,", n), ",") }

func i64p(v int64) *int64 { return &v }
