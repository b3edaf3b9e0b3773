package transfer

import (
	"context"
	"fmt"
	"time"

	"github.com/hostpanel/panel/ent"
	"github.com/hostpanel/panel/ent/customer"
	"github.com/hostpanel/panel/ent/hostingsubscription"
	"github.com/hostpanel/panel/ent/predicate"
	"github.com/hostpanel/panel/ent/serviceplan"
	"github.com/hostpanel/panel/internal/accounts"
	"github.com/hostpanel/panel/internal/apperr"
	"github.com/hostpanel/panel/internal/audit"
	"github.com/hostpanel/panel/internal/bulk"
	"github.com/hostpanel/panel/internal/limits"
	"github.com/hostpanel/panel/internal/txn"
	"github.com/hostpanel/panel/internal/types"
)

// Service implements moving and converting customers.
type Service struct{ client *ent.Client }

// NewService returns a Service.
func NewService(client *ent.Client) *Service { return &Service{client: client} }

// MoveItem is the API's MoveCustomerItem: a customer and a service plan of
// the new owner (nil: Custom).
type MoveItem struct {
	CustomerID    int
	ServicePlanID *int
}

// MoveCustomersInput is the API's MoveCustomersInput.
type MoveCustomersInput struct {
	NewOwnerID int
	Items      []*MoveItem
	Mode       bulk.Mode
	DryRun     bool
}

// MoveResult is the payload of moveCustomers.
type MoveResult struct {
	Customers  []*ent.Customer
	Committed  bool
	UserErrors []*apperr.UserError
}

// MoveCustomers moves customers to a reseller or to the administrator
// (SPEC 3.6), administrator only (the GraphQL directive says so).
//
//   - Per item, a service plan of the new owner switches every subscription
//     of the customer to it (plan values copied, SYNCED); no plan is Custom:
//     every subscription keeps its values, the plan is cleared, CUSTOM.
//   - A customer already owned by the new owner is a no-op success: nothing
//     of it changes (not even its plans), it is not counted against limits.
//   - A new owner that is a reseller without oversell must stay within its
//     limits after the whole request. Items are taken in input order, each
//     counted on top of the items before it that fit; an item that does not
//     fit gets LIMIT_EXCEEDED at ["items", i, "customerId"] and is left out
//     of the sum, so in PARTIAL mode the leading items that fit are moved
//     (and a later, smaller item may still fit), and in ATOMIC mode any
//     such error changes nothing.
//   - The old reseller loses every access at once: privacy scopes follow
//     customers.reseller_id. Its RESELLER-side description stays in the
//     database (readable by the administrator only: the description rules
//     require the customer to be the author's).
//   - Suspensions: ADMIN and RESELLER sources stay. A RESELLER source was
//     set by the old reseller, but lifting it silently would reactivate a
//     customer suspended for a reason (non-payment): the new owner (a
//     reseller may lift RESELLER sources, the administrator all) decides.
//     PARENT follows the new owner: added (to the customer and its
//     subscriptions) when the new owner is a suspended reseller, lifted
//     otherwise, where no other source is left.
//
// Statements: a fixed number per chunk of 1,000 customers.
func (s *Service) MoveCustomers(ctx context.Context, in MoveCustomersInput) (*MoveResult, error) {
	ids := make([]int, len(in.Items))
	plan := make(map[int]*int, len(in.Items))
	for i, it := range in.Items {
		ids[i] = it.CustomerID
		if _, ok := plan[it.CustomerID]; !ok {
			plan[it.CustomerID] = it.ServicePlanID
		}
	}
	req, err := newItems(ids)
	if err != nil {
		return nil, err
	}
	opts := bulk.Options{Mode: in.Mode, DryRun: in.DryRun}
	res := &MoveResult{Customers: []*ent.Customer{}, UserErrors: []*apperr.UserError{}}
	err = txn.RunBulk(ctx, s.client, func(c *ent.Client) (bool, error) {
		// A retried attempt starts from scratch (internal/txn).
		req.reset()
		*res = *&MoveResult{Customers: []*ent.Customer{}, UserErrors: []*apperr.UserError{}}
		owner, err := accounts.Owner(ctx, c, in.NewOwnerID, "newOwnerId")
		if ue, ok := apperr.AsUser(err); ok {
			res.UserErrors = []*apperr.UserError{ue}
			return false, nil
		}
		if err != nil {
			return false, err
		}
		var ownerID *int
		if owner != nil {
			ownerID = &owner.ID
			if err := limits.Lock(ctx, c, owner.ID); err != nil {
				return false, err
			}
			if owner, err = c.Reseller.Get(ctx, owner.ID); err != nil { // read again under the lock
				return false, err
			}
		}
		found, err := loadCustomers(ctx, c, req.ids)
		if err != nil {
			return false, err
		}
		plans, err := loadPlans(ctx, c, plan)
		if err != nil {
			return false, err
		}
		subs, err := loadSubscriptions(ctx, c, req.ids)
		if err != nil {
			return false, err
		}
		for _, id := range req.ids {
			if _, ok := found[id]; !ok {
				req.fail(id, apperr.NotFound, "no such customer", "customerId")
				continue
			}
			if pid := plan[id]; pid != nil {
				p, ok := plans[*pid]
				switch {
				case !ok:
					req.fail(id, apperr.NotFound, "no such service plan", "servicePlanId")
				case !sameOwner(p.ResellerID, ownerID):
					req.fail(id, apperr.PlanNotAvailable, "the service plan does not belong to the new owner", "servicePlanId")
				}
			}
		}
		if owner != nil {
			usage, err := limits.Load(ctx, c, []int{owner.ID})
			if err != nil {
				return false, err
			}
			u := usage[owner.ID]
			for _, id := range req.valid() {
				if sameOwner(found[id].ResellerID, ownerID) {
					continue
				}
				d := limits.Delta{Customers: 1, Subscriptions: int64(len(subs[id]))}
				for _, sub := range subs[id] {
					r := limits.OfSubscription(sub)
					if pid := plan[id]; pid != nil {
						p := plans[*pid]
						r = limits.Resources{DiskSpaceMB: p.LimitDiskSpaceMB, TrafficMBPerMonth: p.LimitTrafficMBPerMonth,
							Domains: p.LimitDomains, Mailboxes: p.LimitMailboxes, Databases: p.LimitDatabases}
					}
					d.Resources = append(d.Resources, r)
				}
				if e := limits.Check(owner, u, d, req.path(id, "customerId")...); e != nil {
					req.failWith(id, e)
					continue
				}
				u = add(u, d)
			}
		}
		res.UserErrors = req.errs
		if !req.proceed(opts) {
			return false, nil
		}
		valid := req.valid()
		var moving []int
		scopes := []int{}
		seen := map[int]bool{}
		if ownerID != nil {
			scopes, seen[*ownerID] = append(scopes, *ownerID), true
		}
		for _, id := range valid {
			cu := found[id]
			if sameOwner(cu.ResellerID, ownerID) {
				continue
			}
			moving = append(moving, id)
			if r := cu.ResellerID; r != nil && !seen[*r] {
				scopes, seen[*r] = append(scopes, *r), true
			}
		}
		now := time.Now()
		ownerSuspended := owner != nil && owner.Status == types.StatusSuspended
		for _, chunk := range bulk.Chunks(moving) {
			if err := moveChunk(ctx, c, chunk, ownerID, ownerSuspended, plan, now); err != nil {
				return false, err
			}
		}
		after, err := loadCustomers(ctx, c, valid)
		if err != nil {
			return false, err
		}
		for _, id := range valid {
			res.Customers = append(res.Customers, after[id])
		}
		if len(valid) > 0 {
			to := "the administrator"
			if owner != nil {
				to = "reseller " + owner.Login
			}
			err = audit.Record(ctx, c, audit.Event{
				Action: "customer.move", Targets: valid, ScopeResellerIDs: scopes,
				Summary: fmt.Sprintf("moved %d customers to %s (%d already there)", len(moving), to, len(valid)-len(moving)),
			})
			if err != nil {
				return false, err
			}
		}
		res.Committed = req.committed(opts)
		return res.Committed, nil
	})
	if err != nil {
		return nil, err
	}
	if !res.Committed && !opts.DryRun {
		res.Customers = []*ent.Customer{}
	}
	// Loaded in the transaction, now over: their edges (subscriptions) are
	// read through the client that made it.
	for _, cu := range res.Customers {
		cu.Unwrap()
	}
	return res, nil
}

// moveChunk moves the customers of ids (at most one chunk) to ownerID (nil:
// the administrator): owner, subscription plans, PARENT suspensions.
func moveChunk(ctx context.Context, c *ent.Client, ids []int, ownerID *int, ownerSuspended bool, plan map[int]*int, now time.Time) error {
	upd := c.Customer.Update().Where(customer.IDIn(ids...))
	if ownerID != nil {
		upd.SetResellerID(*ownerID)
	} else {
		upd.ClearResellerID()
	}
	if err := upd.Exec(ctx); err != nil {
		return err
	}
	var custom, planned []int
	planOf := map[int]int{}
	for _, id := range ids {
		if p := plan[id]; p != nil {
			planned = append(planned, id)
			planOf[id] = *p
		} else {
			custom = append(custom, id)
		}
	}
	if len(custom) > 0 {
		if err := c.HostingSubscription.Update().Where(hostingsubscription.CustomerIDIn(custom...)).
			ClearServicePlanID().SetPlanSync(types.PlanCustom).Exec(ctx); err != nil {
			return err
		}
	}
	if len(planned) > 0 {
		// Two statements whatever the number of plans: the plan IDs by
		// customer, then every value copied from the plan just set.
		if err := caseUpdate(ctx, c, "hosting_subscriptions", "service_plan_id", "customer_id", planOf, planned,
			"plan_sync = 'SYNCED'"); err != nil {
			return err
		}
		q := "UPDATE hosting_subscriptions SET "
		for i, col := range planColumns {
			if i > 0 {
				q += ", "
			}
			q += col + " = (SELECT p." + col + " FROM service_plans p WHERE p.id = hosting_subscriptions.service_plan_id)"
		}
		q += ", updated_at = ? WHERE customer_id IN (" + placeholders(len(planned)) + ")"
		args := []any{now}
		for _, id := range planned {
			args = append(args, id)
		}
		if _, err := c.ExecContext(ctx, q, args...); err != nil {
			return err
		}
	}
	return parent(ctx, c, ids, ownerSuspended, now)
}

// planColumns are the values a SYNCED subscription takes from its plan.
var planColumns = []string{
	"limit_disk_space_mb", "limit_traffic_mb_per_month", "limit_domains", "limit_subdomains",
	"limit_mailboxes", "limit_databases", "limit_ftp_accounts", "permissions", "applications",
}

// parent makes the PARENT source of the customers of ids (and of their
// subscriptions) follow their new owner: set when it is suspended, lifted
// otherwise; status follows the sources left.
func parent(ctx context.Context, c *ent.Client, ids []int, suspended bool, now time.Time) error {
	if suspended {
		if err := c.Customer.Update().Where(customer.IDIn(ids...), customer.SuspendedParentAtIsNil()).
			SetSuspendedParentAt(now).Exec(ctx); err != nil {
			return err
		}
		if err := c.Customer.Update().Where(customer.IDIn(ids...)).SetStatus(types.StatusSuspended).Exec(ctx); err != nil {
			return err
		}
		return addParent(ctx, c, hostingsubscription.CustomerIDIn(ids...), now)
	}
	if err := c.Customer.Update().Where(customer.IDIn(ids...), customer.SuspendedParentAtNotNil()).
		ClearSuspendedParentAt().ClearSuspendedParentReason().Exec(ctx); err != nil {
		return err
	}
	if err := c.Customer.Update().
		Where(customer.IDIn(ids...), customer.StatusEQ(types.StatusSuspended), customer.SuspendedAdminAtIsNil(),
			customer.SuspendedResellerAtIsNil(), customer.SuspendedParentAtIsNil()).
		SetStatus(types.StatusActive).Exec(ctx); err != nil {
		return err
	}
	// The subscriptions of the customers now active lose PARENT. The IN
	// list bounds the rows (an EXISTS on the customer alone made MariaDB
	// scan every subscription); the subquery only filters them.
	return liftParent(ctx, c, hostingsubscription.And(hostingsubscription.CustomerIDIn(ids...),
		hostingsubscription.HasCustomerWith(customer.StatusEQ(types.StatusActive))))
}

// addParent adds PARENT to the subscriptions matching p.
func addParent(ctx context.Context, c *ent.Client, p predicate.HostingSubscription, now time.Time) error {
	if err := c.HostingSubscription.Update().Where(p, hostingsubscription.SuspendedParentAtIsNil()).
		SetSuspendedParentAt(now).Exec(ctx); err != nil {
		return err
	}
	return c.HostingSubscription.Update().Where(p, hostingsubscription.StatusEQ(types.StatusActive)).
		SetStatus(types.StatusSuspended).Exec(ctx)
}

// liftParent removes PARENT from the subscriptions matching p; those with
// no source of their own become active.
func liftParent(ctx context.Context, c *ent.Client, p predicate.HostingSubscription) error {
	if err := c.HostingSubscription.Update().Where(p, hostingsubscription.SuspendedParentAtNotNil()).
		ClearSuspendedParentAt().ClearSuspendedParentReason().Exec(ctx); err != nil {
		return err
	}
	return c.HostingSubscription.Update().
		Where(p, hostingsubscription.StatusEQ(types.StatusSuspended), hostingsubscription.SuspendedAdminAtIsNil(),
			hostingsubscription.SuspendedResellerAtIsNil(), hostingsubscription.SuspendedParentAtIsNil()).
		SetStatus(types.StatusActive).Exec(ctx)
}

// loadPlans reads the service plans named in plan.
func loadPlans(ctx context.Context, c *ent.Client, plan map[int]*int) (map[int]*ent.ServicePlan, error) {
	var ids []int
	seen := map[int]bool{}
	for _, p := range plan {
		if p != nil && !seen[*p] {
			seen[*p] = true
			ids = append(ids, *p)
		}
	}
	out := make(map[int]*ent.ServicePlan, len(ids))
	for _, chunk := range bulk.Chunks(ids) {
		ps, err := c.ServicePlan.Query().Where(serviceplan.IDIn(chunk...)).All(ctx)
		if err != nil {
			return nil, err
		}
		for _, p := range ps {
			out[p.ID] = p
		}
	}
	return out, nil
}

func sameOwner(a, b *int) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return *a == *b
}

// add returns u with d added.
func add(u limits.Usage, d limits.Delta) limits.Usage {
	u.Customers += d.Customers
	u.Subscriptions += d.Subscriptions
	val := func(p *int64) int64 {
		if p == nil {
			return 0
		}
		return *p
	}
	for _, r := range d.Resources {
		u.DiskSpaceMB += val(r.DiskSpaceMB)
		u.TrafficMBPerMonth += val(r.TrafficMBPerMonth)
		u.Domains += val(r.Domains)
		u.Mailboxes += val(r.Mailboxes)
		u.Databases += val(r.Databases)
	}
	return u
}
