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
	"github.com/hostpanel/panel/ent/reseller"
	"github.com/hostpanel/panel/internal/apperr"
	"github.com/hostpanel/panel/internal/audit"
	"github.com/hostpanel/panel/internal/bulk"
	"github.com/hostpanel/panel/internal/txn"
	"github.com/hostpanel/panel/internal/types"
	"github.com/hostpanel/panel/internal/viewer"
)

// SuspendResellersInput is the API's SuspendResellersInput.
type SuspendResellersInput struct {
	IDs    []int
	Reason *string
	Mode   bulk.Mode
	DryRun bool
}

// ActivateResellersInput is the API's ActivateResellersInput.
type ActivateResellersInput struct {
	IDs    []int
	Mode   bulk.Mode
	DryRun bool
}

// ResellersResult is the payload of suspendResellers and activateResellers.
// CustomersAffected and SubscriptionsAffected count status changes only.
type ResellersResult struct {
	Resellers             []*ent.Reseller
	CustomersAffected     int
	SubscriptionsAffected int
	Committed             bool
	UserErrors            []*apperr.UserError
}

// SuspendResellers (administrator only) adds ADMIN to each reseller, PARENT
// to its customers and its own subscriptions and PARENT to its customers'
// subscriptions, and ends the sessions of all of them and of their panel
// users (their API tokens are kept and refused until activation: tokens.go).
// Suspending a suspended reseller is not an error.
func (s *Service) SuspendResellers(ctx context.Context, in SuspendResellersInput) (*ResellersResult, error) {
	return s.resellers(ctx, in.IDs, bulk.Options{Mode: in.Mode, DryRun: in.DryRun}, true, in.Reason)
}

// ActivateResellers (administrator only) lifts ADMIN from each reseller and
// reverses exactly the cascade: PARENT goes from its customers and its own
// subscriptions; a customer with a source of its own stays suspended and so
// do its subscriptions; a subscription with a source of its own stays
// suspended.
func (s *Service) ActivateResellers(ctx context.Context, in ActivateResellersInput) (*ResellersResult, error) {
	return s.resellers(ctx, in.IDs, bulk.Options{Mode: in.Mode, DryRun: in.DryRun}, false, nil)
}

func (s *Service) resellers(ctx context.Context, ids []int, opts bulk.Options, suspend bool, reason *string) (*ResellersResult, error) {
	v := viewer.FromContext(ctx)
	if !v.Is(viewer.Admin) {
		return nil, apperr.ForbiddenRequest()
	}
	req, err := bulk.NewRequest("ids", ids)
	if err != nil {
		return nil, err
	}
	res := &ResellersResult{Resellers: []*ent.Reseller{}}
	err = txn.RunBulk(ctx, s.client, func(c *ent.Client) (bool, error) {
		// A retried attempt starts from scratch (internal/txn).
		req.Reset()
		*res = *&ResellersResult{Resellers: []*ent.Reseller{}}
		found, err := loadResellers(ctx, c, req.IDs)
		if err != nil {
			return false, err
		}
		for _, id := range req.IDs {
			if _, ok := found[id]; !ok {
				req.Fail(id, apperr.NotFound, "no such reseller")
			}
		}
		res.UserErrors = req.Errors
		if !req.Proceed(opts) {
			return false, nil
		}
		valid := req.Valid()
		now := time.Now()
		for _, chunk := range bulk.Chunks(valid) {
			var cn, sn int
			if suspend {
				cn, sn, err = suspendResellerChunk(ctx, c, chunk, now, reason)
			} else {
				cn, sn, err = activateResellerChunk(ctx, c, chunk)
			}
			if err != nil {
				return false, err
			}
			res.CustomersAffected += cn
			res.SubscriptionsAffected += sn
		}
		after, err := loadResellers(ctx, c, valid)
		if err != nil {
			return false, err
		}
		for _, id := range valid {
			res.Resellers = append(res.Resellers, after[id])
		}
		action, verb := "reseller.activate", "activated"
		if suspend {
			action, verb = "reseller.suspend", "suspended"
		}
		if len(valid) > 0 {
			err = audit.Record(ctx, c, audit.Event{
				Action: action, Targets: valid, ScopeResellerIDs: valid,
				Summary: fmt.Sprintf("%s %d resellers (%d customers and %d subscriptions changed)",
					verb, len(valid), res.CustomersAffected, res.SubscriptionsAffected),
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
		res.Resellers = []*ent.Reseller{}
		res.CustomersAffected, res.SubscriptionsAffected = 0, 0
	}
	return res, nil
}

// loadResellers reads the resellers of ids in the viewer's scope.
func loadResellers(ctx context.Context, c *ent.Client, ids []int) (map[int]*ent.Reseller, error) {
	out := make(map[int]*ent.Reseller, len(ids))
	for _, chunk := range bulk.Chunks(ids) {
		rs, err := c.Reseller.Query().Where(reseller.IDIn(chunk...)).Modify(txn.LockRows).All(ctx)
		if err != nil {
			return nil, err
		}
		for _, r := range rs {
			out[r.ID] = r
		}
	}
	return out, nil
}

// suspendResellerChunk adds ADMIN to the resellers of ids, PARENT to their
// customers and to every subscription below them, and revokes the sessions
// of all of them; it returns how many customers and subscriptions became
// suspended.
func suspendResellerChunk(ctx context.Context, c *ent.Client, ids []int, now time.Time, reason *string) (int, int, error) {
	if err := c.Reseller.Update().
		Where(reseller.IDIn(ids...), reseller.SuspendedAdminAtIsNil()).
		SetSuspendedAdminAt(now).SetNillableSuspendedAdminReason(reason).
		SetStatus(types.StatusSuspended).Exec(ctx); err != nil {
		return 0, 0, err
	}
	if err := revokeResellers(ctx, c, ids); err != nil {
		return 0, 0, err
	}
	sn, err := addParent(ctx, c, hostingsubscription.ResellerIDIn(ids...), now)
	if err != nil {
		return 0, 0, err
	}
	customers, err := c.Customer.Query().Where(customer.ResellerIDIn(ids...)).Select(customer.FieldID).Modify(txn.LockRows).Ints(ctx)
	if err != nil {
		return 0, 0, err
	}
	cn := 0
	for _, chunk := range bulk.Chunks(customers) {
		n, m, err := suspendCustomersParent(ctx, c, chunk, now)
		if err != nil {
			return 0, 0, err
		}
		cn, sn = cn+n, sn+m
	}
	return cn, sn, nil
}

// activateResellerChunk lifts ADMIN from the resellers of ids; for those left
// with no source it lifts PARENT from their own subscriptions and from their
// customers (and so from the subscriptions of each customer that is active
// again). It returns how many customers and subscriptions became active.
func activateResellerChunk(ctx context.Context, c *ent.Client, ids []int) (int, int, error) {
	if err := c.Reseller.Update().Where(reseller.IDIn(ids...)).
		ClearSuspendedAdminAt().ClearSuspendedAdminReason().
		ClearSuspendedResellerAt().ClearSuspendedResellerReason().Exec(ctx); err != nil {
		return 0, 0, err
	}
	if err := c.Reseller.Update().
		Where(reseller.IDIn(ids...), reseller.StatusEQ(types.StatusSuspended), reseller.SuspendedAdminAtIsNil(),
			reseller.SuspendedResellerAtIsNil(), reseller.SuspendedParentAtIsNil()).
		SetStatus(types.StatusActive).Exec(ctx); err != nil {
		return 0, 0, err
	}
	active, err := c.Reseller.Query().Where(reseller.IDIn(ids...), reseller.StatusEQ(types.StatusActive)).IDs(ctx)
	if err != nil || len(active) == 0 {
		return 0, 0, err
	}
	sn, err := liftParent(ctx, c, hostingsubscription.ResellerIDIn(active...))
	if err != nil {
		return 0, 0, err
	}
	customers, err := c.Customer.Query().Where(customer.ResellerIDIn(active...)).Select(customer.FieldID).Modify(txn.LockRows).Ints(ctx)
	if err != nil {
		return 0, 0, err
	}
	cn := 0
	for _, chunk := range bulk.Chunks(customers) {
		n, m, err := activateCustomersParent(ctx, c, chunk)
		if err != nil {
			return 0, 0, err
		}
		cn, sn = cn+n, sn+m
	}
	return cn, sn, nil
}

// suspendCustomersParent adds PARENT to the customers of ids (their owner
// was suspended) and to their subscriptions, and revokes their sessions; it
// returns how many customers and subscriptions became suspended. As in
// addParent, each customer row is written once (source and status in one
// UPDATE) and the status changes are counted first.
func suspendCustomersParent(ctx context.Context, c *ent.Client, ids []int, now time.Time) (int, int, error) {
	cn, err := c.Customer.Query().Where(customer.IDIn(ids...), customer.StatusEQ(types.StatusActive)).Count(ctx)
	if err != nil {
		return 0, 0, err
	}
	if err := c.Customer.Update().
		Where(customer.IDIn(ids...), customer.Or(customer.SuspendedParentAtIsNil(), customer.StatusEQ(types.StatusActive))).
		SetStatus(types.StatusSuspended).
		Modify(func(u *sql.UpdateBuilder) {
			u.Set(customer.FieldSuspendedParentAt, sql.Expr("COALESCE("+customer.FieldSuspendedParentAt+", ?)", now))
		}).Exec(ctx); err != nil {
		return 0, 0, err
	}
	if err := revokeCustomers(ctx, c, ids); err != nil {
		return 0, 0, err
	}
	sn, err := addParent(ctx, c, hostingsubscription.CustomerIDIn(ids...), now)
	return cn, sn, err
}

// activateCustomersParent lifts PARENT from the customers of ids (their
// owner was activated); each left with no source is active again, and so is
// each of its subscriptions without a source of its own. It returns how many
// customers and subscriptions became active. As in liftParent, one UPDATE
// clears the source and sets the status, touching only the rows it changes;
// the status changes are counted first.
func activateCustomersParent(ctx context.Context, c *ent.Client, ids []int) (int, int, error) {
	noOwn := []predicate.Customer{customer.SuspendedAdminAtIsNil(), customer.SuspendedResellerAtIsNil()}
	cn, err := c.Customer.Query().
		Where(append([]predicate.Customer{customer.IDIn(ids...), customer.StatusEQ(types.StatusSuspended)}, noOwn...)...).
		Count(ctx)
	if err != nil {
		return 0, 0, err
	}
	if err := c.Customer.Update().
		Where(customer.IDIn(ids...), customer.Or(customer.SuspendedParentAtNotNil(),
			customer.And(append([]predicate.Customer{customer.StatusEQ(types.StatusSuspended)}, noOwn...)...))).
		ClearSuspendedParentAt().ClearSuspendedParentReason().
		Modify(func(u *sql.UpdateBuilder) {
			u.Set(customer.FieldStatus, sql.Expr(
				"CASE WHEN "+customer.FieldSuspendedAdminAt+" IS NULL AND "+
					customer.FieldSuspendedResellerAt+" IS NULL THEN ? ELSE "+customer.FieldStatus+" END",
				string(types.StatusActive)))
		}).Exec(ctx); err != nil {
		return 0, 0, err
	}
	// The subscriptions of the customers that are active now: the IN list
	// drives the update, the customer's status is checked per row found.
	sn, err := liftParent(ctx, c, hostingsubscription.And(hostingsubscription.CustomerIDIn(ids...),
		hostingsubscription.HasCustomerWith(customer.StatusEQ(types.StatusActive))))
	return cn, sn, err
}
