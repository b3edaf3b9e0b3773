// Package suspension implements suspending and activating (SPEC 3.4).
// Suspension is a set of sources (ADMIN, RESELLER, PARENT; EXPIRED is
// derived from expires_at when read), each with its own time and reason, so
// lifting one never lifts another; status is SUSPENDED while any is set.
// Every change is set-based: a few statements per table per chunk of 1,000
// IDs, never one per item.
package suspension

import (
	"context"
	"fmt"
	"time"

	"entgo.io/ent/dialect/sql"
	"github.com/hostpanel/panel/ent"
	"github.com/hostpanel/panel/ent/customer"
	"github.com/hostpanel/panel/ent/hostingsubscription"
	"github.com/hostpanel/panel/ent/predicate"
	"github.com/hostpanel/panel/internal/apperr"
	"github.com/hostpanel/panel/internal/audit"
	"github.com/hostpanel/panel/internal/bulk"
	"github.com/hostpanel/panel/internal/txn"
	"github.com/hostpanel/panel/internal/types"
	"github.com/hostpanel/panel/internal/viewer"
)

// Service implements the suspension operations.
type Service struct{ client *ent.Client }

// NewService returns a Service.
func NewService(client *ent.Client) *Service { return &Service{client: client} }

// SuspendCustomersInput is the API's SuspendCustomersInput.
type SuspendCustomersInput struct {
	IDs    []int
	Reason *string
	Mode   bulk.Mode
	DryRun bool
	// WithoutCustomers leaves CustomersResult.Customers empty: the caller
	// does not use them (the GraphQL payload's customers were not asked
	// for), so they are not read back. Not part of the GraphQL input.
	WithoutCustomers bool
}

// ActivateCustomersInput is the API's ActivateCustomersInput.
type ActivateCustomersInput struct {
	IDs    []int
	Mode   bulk.Mode
	DryRun bool
	// WithoutCustomers: see SuspendCustomersInput.
	WithoutCustomers bool
}

// CustomersResult is the payload of suspendCustomers and activateCustomers.
type CustomersResult struct {
	Customers             []*ent.Customer
	SubscriptionsAffected int
	Committed             bool
	UserErrors            []*apperr.UserError
}

// SuspendCustomers adds the viewer's source (ADMIN for the administrator,
// RESELLER for the owning reseller) to each customer and PARENT to each of
// their subscriptions. Suspending a suspended customer is not an error.
func (s *Service) SuspendCustomers(ctx context.Context, in SuspendCustomersInput) (*CustomersResult, error) {
	return s.customers(ctx, in.IDs, bulk.Options{Mode: in.Mode, DryRun: in.DryRun}, true, in.Reason, !in.WithoutCustomers)
}

// ActivateCustomers removes the viewer's sources from each customer (the
// administrator lifts ADMIN and RESELLER; a reseller only RESELLER and gets
// FORBIDDEN for a customer the administrator suspended). A customer with no
// source left is active, and so is each of its subscriptions that has no
// source of its own.
func (s *Service) ActivateCustomers(ctx context.Context, in ActivateCustomersInput) (*CustomersResult, error) {
	return s.customers(ctx, in.IDs, bulk.Options{Mode: in.Mode, DryRun: in.DryRun}, false, nil, !in.WithoutCustomers)
}

func (s *Service) customers(ctx context.Context, ids []int, opts bulk.Options, suspend bool, reason *string, readBack bool) (*CustomersResult, error) {
	req, err := bulk.NewRequest("ids", ids)
	if err != nil {
		return nil, err
	}
	v := viewer.FromContext(ctx)
	res := &CustomersResult{Customers: []*ent.Customer{}}
	err = txn.RunBulk(ctx, s.client, func(c *ent.Client) (bool, error) {
		// A retried attempt starts from scratch (internal/txn).
		req.Reset()
		*res = *&CustomersResult{Customers: []*ent.Customer{}}
		found, err := loadCustomers(ctx, c, req.IDs)
		if err != nil {
			return false, err
		}
		for _, id := range req.IDs {
			cu, ok := found[id]
			switch {
			case !ok:
				req.Fail(id, apperr.NotFound, "no such customer")
			case !suspend && v.Is(viewer.Reseller) && cu.SuspendedAdminAt != nil:
				req.Fail(id, apperr.Forbidden, "suspended by the administrator: only the administrator can activate it")
			}
		}
		res.UserErrors = req.Errors
		if !req.Proceed(opts) {
			return false, nil
		}
		valid := req.Valid()
		now := time.Now()
		for _, chunk := range bulk.Chunks(valid) {
			var n int
			if suspend {
				n, err = suspendChunk(ctx, c, v, chunk, now, reason)
			} else {
				n, err = activateChunk(ctx, c, v, chunk, found)
			}
			if err != nil {
				return false, err
			}
			res.SubscriptionsAffected += n
		}
		if readBack {
			after, err := readCustomers(ctx, c, valid)
			if err != nil {
				return false, err
			}
			for _, id := range valid {
				res.Customers = append(res.Customers, after[id])
			}
		}
		action, verb := "customer.activate", "activated"
		if suspend {
			action, verb = "customer.suspend", "suspended"
		}
		if len(valid) > 0 {
			err = audit.Record(ctx, c, audit.Event{
				Action: action, Targets: valid, ScopeResellerIDs: audit.CustomerResellers(found, valid),
				Summary: fmt.Sprintf("%s %d customers (%d subscriptions changed)", verb, len(valid), res.SubscriptionsAffected),
			})
			if err != nil {
				return false, err
			}
		}
		res.Committed = req.Committed(opts)
		return res.Committed, nil
	})
	if err != nil {
		return nil, err
	}
	if !res.Committed && !opts.DryRun {
		res.Customers = []*ent.Customer{}
		res.SubscriptionsAffected = 0
	}
	return res, nil
}

// loadCustomers reads and locks the customers of ids in the viewer's scope,
// with only the columns the checks and the writes need: the owner (audit
// scopes, which a suspension does not change), the status and the sources.
func loadCustomers(ctx context.Context, c *ent.Client, ids []int) (map[int]*ent.Customer, error) {
	out := make(map[int]*ent.Customer, len(ids))
	for _, chunk := range bulk.Chunks(ids) {
		cs, err := c.Customer.Query().Where(customer.IDIn(chunk...)).
			Select(customer.FieldID, customer.FieldResellerID, customer.FieldStatus, customer.FieldSuspendedAdminAt,
				customer.FieldSuspendedResellerAt, customer.FieldSuspendedParentAt).
			Modify(txn.LockRows).All(ctx)
		if err != nil {
			return nil, err
		}
		for _, cu := range cs {
			out[cu.ID] = cu
		}
	}
	return out, nil
}

// readCustomers reads the whole rows of the customers of ids (already
// locked by loadCustomers) for the payload.
func readCustomers(ctx context.Context, c *ent.Client, ids []int) (map[int]*ent.Customer, error) {
	out := make(map[int]*ent.Customer, len(ids))
	for _, chunk := range bulk.Chunks(ids) {
		cs, err := c.Customer.Query().Where(customer.IDIn(chunk...)).All(ctx)
		if err != nil {
			return nil, err
		}
		for _, cu := range cs {
			out[cu.ID] = cu
		}
	}
	return out, nil
}

// suspendChunk adds the viewer's source to the customers of ids and PARENT
// to their subscriptions, and ends their sessions (not API tokens); it returns
// how many subscriptions became suspended.
func suspendChunk(ctx context.Context, c *ent.Client, v *viewer.Viewer, ids []int, now time.Time, reason *string) (int, error) {
	upd := c.Customer.Update().Where(customer.IDIn(ids...)).SetStatus(types.StatusSuspended)
	if v.Is(viewer.Admin) {
		upd.Where(customer.SuspendedAdminAtIsNil()).SetSuspendedAdminAt(now).SetNillableSuspendedAdminReason(reason)
	} else {
		upd.Where(customer.SuspendedResellerAtIsNil()).SetSuspendedResellerAt(now).SetNillableSuspendedResellerReason(reason)
	}
	if _, err := upd.Save(ctx); err != nil {
		return 0, err
	}
	if err := revokeCustomers(ctx, c, ids); err != nil {
		return 0, err
	}
	return addParent(ctx, c, hostingsubscription.CustomerIDIn(ids...), now)
}

// activateChunk lifts the viewer's sources from the customers of ids and,
// for those left with no source, PARENT from their subscriptions; it returns
// how many subscriptions became active. found holds the customers as
// loadCustomers read and locked them: which of them end up active follows
// from their sources, so it is not read back.
//
// One UPDATE clears the sources and sets the status together, and touches
// only the rows it changes: those with a source to lift, and those
// SUSPENDED with no source left.
func activateChunk(ctx context.Context, c *ent.Client, v *viewer.Viewer, ids []int, found map[int]*ent.Customer) (int, error) {
	admin := v.Is(viewer.Admin)
	// lift matches the rows with a source the viewer lifts; none those
	// with no source left that the viewer cannot lift (the same test in
	// SQL: cond), which are active afterwards.
	lift := customer.SuspendedResellerAtNotNil()
	none := []predicate.Customer{customer.SuspendedParentAtIsNil()}
	cond := customer.FieldSuspendedParentAt + " IS NULL"
	if admin {
		lift = customer.Or(lift, customer.SuspendedAdminAtNotNil())
	} else {
		none = append(none, customer.SuspendedAdminAtIsNil())
		cond += " AND " + customer.FieldSuspendedAdminAt + " IS NULL"
	}
	upd := c.Customer.Update().
		Where(customer.IDIn(ids...), customer.Or(lift, customer.And(append(none, customer.StatusEQ(types.StatusSuspended))...))).
		ClearSuspendedResellerAt().ClearSuspendedResellerReason().
		Modify(func(u *sql.UpdateBuilder) {
			u.Set(customer.FieldStatus, sql.Expr("CASE WHEN "+cond+" THEN ? ELSE "+customer.FieldStatus+" END",
				string(types.StatusActive)))
		})
	if admin {
		upd.ClearSuspendedAdminAt().ClearSuspendedAdminReason()
	}
	if err := upd.Exec(ctx); err != nil {
		return 0, err
	}
	var active []int
	for _, id := range ids {
		cu := found[id]
		if cu.Status == types.StatusActive || (cu.SuspendedParentAt == nil && (admin || cu.SuspendedAdminAt == nil)) {
			active = append(active, id)
		}
	}
	if len(active) == 0 {
		return 0, nil
	}
	return liftParent(ctx, c, hostingsubscription.CustomerIDIn(active...))
}

// addParent adds PARENT to the subscriptions matching p and returns how
// many of them changed from active to suspended. Each row is written once:
// one UPDATE sets the source (keeping an earlier PARENT's time) and the
// status together; the count is read first, on the (customer_id, status)
// index, because drivers disagree on what "rows affected" means.
func addParent(ctx context.Context, c *ent.Client, p predicate.HostingSubscription, now time.Time) (int, error) {
	n, err := c.HostingSubscription.Query().Where(p, hostingsubscription.StatusEQ(types.StatusActive)).Count(ctx)
	if err != nil {
		return 0, err
	}
	err = c.HostingSubscription.Update().
		Where(p, hostingsubscription.Or(hostingsubscription.SuspendedParentAtIsNil(),
			hostingsubscription.StatusEQ(types.StatusActive))).
		SetStatus(types.StatusSuspended).
		Modify(func(u *sql.UpdateBuilder) {
			u.Set(hostingsubscription.FieldSuspendedParentAt,
				sql.Expr("COALESCE("+hostingsubscription.FieldSuspendedParentAt+", ?)", now))
		}).Exec(ctx)
	return n, err
}

// liftParent removes PARENT from the subscriptions matching p and returns
// how many of them became active (those with no source of their own), in
// one UPDATE that clears the source and sets the status together.
func liftParent(ctx context.Context, c *ent.Client, p predicate.HostingSubscription) (int, error) {
	n, err := c.HostingSubscription.Query().
		Where(p, hostingsubscription.StatusEQ(types.StatusSuspended), hostingsubscription.SuspendedAdminAtIsNil(),
			hostingsubscription.SuspendedResellerAtIsNil()).Count(ctx)
	if err != nil {
		return 0, err
	}
	err = c.HostingSubscription.Update().
		Where(p, hostingsubscription.Or(hostingsubscription.SuspendedParentAtNotNil(),
			hostingsubscription.StatusEQ(types.StatusSuspended))).
		ClearSuspendedParentAt().ClearSuspendedParentReason().
		Modify(func(u *sql.UpdateBuilder) {
			u.Set(hostingsubscription.FieldStatus, sql.Expr(
				"CASE WHEN "+hostingsubscription.FieldSuspendedAdminAt+" IS NULL AND "+
					hostingsubscription.FieldSuspendedResellerAt+" IS NULL THEN ? ELSE "+
					hostingsubscription.FieldStatus+" END", string(types.StatusActive)))
		}).Exec(ctx)
	return n, err
}
