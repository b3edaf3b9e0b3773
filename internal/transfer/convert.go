package transfer

import (
	"context"
	"fmt"
	"time"

	"github.com/hostpanel/panel/ent"
	"github.com/hostpanel/panel/ent/customer"
	"github.com/hostpanel/panel/ent/hostingsubscription"
	"github.com/hostpanel/panel/ent/reseller"
	"github.com/hostpanel/panel/ent/resellerplan"
	"github.com/hostpanel/panel/internal/apperr"
	"github.com/hostpanel/panel/internal/audit"
	"github.com/hostpanel/panel/internal/bulk"
	"github.com/hostpanel/panel/internal/limits"
	"github.com/hostpanel/panel/internal/txn"
	"github.com/hostpanel/panel/internal/types"
)

// ConvertItem is the API's ConvertCustomerItem: a customer and a reseller
// plan (nil: Custom).
type ConvertItem struct {
	CustomerID     int
	ResellerPlanID *int
}

// ConvertCustomersInput is the API's ConvertCustomersToResellersInput.
type ConvertCustomersInput struct {
	Items  []*ConvertItem
	Mode   bulk.Mode
	DryRun bool
}

// Converted maps a converted customer's ID to its new reseller.
type Converted struct {
	CustomerID int
	Reseller   *ent.Reseller
}

// ConvertResult is the payload of convertCustomersToResellers.
type ConvertResult struct {
	Converted  []*Converted
	Committed  bool
	UserErrors []*apperr.UserError
}

// ConvertCustomersToResellers turns customers into resellers (SPEC 3.5),
// administrator only (the GraphQL directive says so).
//
//   - With a reseller plan the plan's values apply, and the customer's
//     subscriptions must fit in them (LIMIT_EXCEEDED at ["items", i,
//     "resellerPlanId"]). With Custom the limits are the sums of the
//     subscriptions' limits (unlimited where any is unlimited; the
//     subscriptions limit is unlimited, like the customers limit: neither is
//     a resource of a subscription), permissions and applications the union,
//     oversell off.
//   - The reseller keeps the login and password (the same Credential row),
//     contact data, external ID and descriptions (which then hang on the
//     reseller). Suspensions: ADMIN stays; a RESELLER source (set by the old
//     owner, which is no longer above it) becomes an ADMIN source with its
//     time and reason, since only the administrator is above a reseller and
//     a suspended customer must not come out active; PARENT (the old owner's
//     suspension) is dropped and lifted from the subscriptions of a
//     reseller left active.
//   - The subscriptions become the reseller's own with plans and values
//     unchanged; its panel users move with it; the customer row is deleted,
//     so its ID resolves to nothing; the customer's sessions and API tokens
//     end (its role changes). Panel users keep theirs: their viewer is
//     rebuilt on every request and now reaches the reseller's scope.
//
// Statements: a fixed number per chunk of 1,000 customers.
func (s *Service) ConvertCustomersToResellers(ctx context.Context, in ConvertCustomersInput) (*ConvertResult, error) {
	ids := make([]int, len(in.Items))
	plan := make(map[int]*int, len(in.Items))
	for i, it := range in.Items {
		ids[i] = it.CustomerID
		if _, ok := plan[it.CustomerID]; !ok {
			plan[it.CustomerID] = it.ResellerPlanID
		}
	}
	req, err := newItems(ids)
	if err != nil {
		return nil, err
	}
	opts := bulk.Options{Mode: in.Mode, DryRun: in.DryRun}
	res := &ConvertResult{Converted: []*Converted{}, UserErrors: []*apperr.UserError{}}
	err = txn.RunBulk(ctx, s.client, func(c *ent.Client) (bool, error) {
		// A retried attempt starts from scratch (internal/txn).
		req.reset()
		*res = *&ConvertResult{Converted: []*Converted{}, UserErrors: []*apperr.UserError{}}
		found, err := loadCustomers(ctx, c, req.ids)
		if err != nil {
			return false, err
		}
		plans, err := loadResellerPlans(ctx, c, plan)
		if err != nil {
			return false, err
		}
		subs, err := loadSubscriptions(ctx, c, req.ids)
		if err != nil {
			return false, err
		}
		taken, err := takenExternalIDs(ctx, c, found)
		if err != nil {
			return false, err
		}
		values := make(map[int]*ent.Reseller, len(req.ids))
		for _, id := range req.ids {
			cu, ok := found[id]
			if !ok {
				req.fail(id, apperr.NotFound, "no such customer", "customerId")
				continue
			}
			if cu.ExternalID != nil && taken[*cu.ExternalID] {
				req.fail(id, apperr.Taken, "a reseller already has this customer's external ID", "customerId")
				continue
			}
			var r *ent.Reseller
			if pid := plan[id]; pid != nil {
				p, ok := plans[*pid]
				if !ok {
					req.fail(id, apperr.NotFound, "no such reseller plan", "resellerPlanId")
					continue
				}
				r = fromPlan(cu, p)
				d := limits.Delta{Subscriptions: int64(len(subs[id]))}
				for _, sub := range subs[id] {
					d.Resources = append(d.Resources, limits.OfSubscription(sub))
				}
				if e := limits.Check(r, limits.Usage{}, d, req.path(id, "resellerPlanId")...); e != nil {
					req.failWith(id, e)
					continue
				}
			} else {
				r = custom(cu, subs[id])
			}
			values[id] = r
		}
		res.UserErrors = req.errs
		if !req.proceed(opts) {
			return false, nil
		}
		valid := req.valid()
		now := time.Now()
		newID := make(map[int]int, len(valid))
		for _, chunk := range bulk.Chunks(valid) {
			if err := convertChunk(ctx, c, chunk, found, values, newID, now); err != nil {
				return false, err
			}
		}
		var rids []int
		for _, id := range valid {
			rids = append(rids, newID[id])
		}
		rs := make(map[int]*ent.Reseller, len(rids))
		for _, chunk := range bulk.Chunks(rids) {
			got, err := c.Reseller.Query().Where(reseller.IDIn(chunk...)).WithPlan().All(ctx)
			if err != nil {
				return false, err
			}
			for _, r := range got {
				rs[r.ID] = r
			}
		}
		scopes := []int{}
		seen := map[int]bool{}
		for _, id := range valid {
			res.Converted = append(res.Converted, &Converted{CustomerID: id, Reseller: rs[newID[id]]})
			if o := found[id].ResellerID; o != nil && !seen[*o] {
				scopes, seen[*o] = append(scopes, *o), true
			}
		}
		scopes = append(scopes, rids...)
		if len(valid) > 0 {
			err = audit.Record(ctx, c, audit.Event{
				Action: "customer.convert", Targets: append(append([]int{}, valid...), rids...), ScopeResellerIDs: scopes,
				Summary: fmt.Sprintf("converted %d customers to resellers", len(valid)),
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
		res.Converted = []*Converted{}
	}
	// Loaded in the transaction, now over: their edges (plan,
	// subscriptions) are read through the client that made it.
	for _, cv := range res.Converted {
		cv.Reseller.Unwrap()
	}
	return res, nil
}

// convertChunk converts the customers of ids (at most one chunk) into
// resellers with values, recording the new IDs in newID.
func convertChunk(ctx context.Context, c *ent.Client, ids []int, found map[int]*ent.Customer,
	values map[int]*ent.Reseller, newID map[int]int, now time.Time) error {
	created, err := c.Reseller.MapCreateBulk(ids, func(rc *ent.ResellerCreate, i int) {
		cu, v := found[ids[i]], values[ids[i]]
		rc.SetLogin(cu.Login).SetName(cu.Name).SetEmail(cu.Email).
			SetNillableCompany(cu.Company).SetNillablePhone(cu.Phone).SetNillableFax(cu.Fax).
			SetNillableAddress(cu.Address).SetNillableCity(cu.City).SetNillableState(cu.State).
			SetNillablePostalCode(cu.PostalCode).SetNillableCountry(cu.Country).SetNillableLocale(cu.Locale).
			SetNillableExternalID(cu.ExternalID).
			SetNillableResellerPlanID(v.ResellerPlanID).
			SetNillableLimitCustomers(v.LimitCustomers).SetNillableLimitSubscriptions(v.LimitSubscriptions).
			SetNillableLimitDiskSpaceMB(v.LimitDiskSpaceMB).SetNillableLimitTrafficMBPerMonth(v.LimitTrafficMBPerMonth).
			SetNillableLimitDomains(v.LimitDomains).SetNillableLimitMailboxes(v.LimitMailboxes).
			SetNillableLimitDatabases(v.LimitDatabases).
			SetPermissions(v.Permissions).SetApplications(v.Applications).SetOversell(v.Oversell)
		// Suspensions: ADMIN stays, RESELLER becomes ADMIN, PARENT goes.
		at, reason := cu.SuspendedAdminAt, cu.SuspendedAdminReason
		if at == nil {
			at, reason = cu.SuspendedResellerAt, cu.SuspendedResellerReason
		}
		st := types.StatusActive
		if at != nil {
			st = types.StatusSuspended
		}
		rc.SetStatus(st).SetNillableSuspendedAdminAt(at).SetNillableSuspendedAdminReason(reason)
	}).Save(ctx)
	if err != nil {
		return err
	}
	var active []int
	for i, r := range created {
		newID[ids[i]] = r.ID
		if r.Status == types.StatusActive {
			active = append(active, r.ID)
		}
	}
	byCustomer := make(map[int]int, len(ids))
	for _, id := range ids {
		byCustomer[id] = newID[id]
	}
	// Each row changes owner in one statement per table: the reseller
	// column first, so that MySQL (assignments left to right) still reads
	// the customer column it clears next.
	for _, t := range []struct{ table, col, key string }{
		{"credentials", "reseller_credential", "customer_credential"},
		{"hosting_subscriptions", "reseller_id", "customer_id"},
		{"panel_users", "reseller_id", "customer_id"},
		{"descriptions", "subject_reseller_id", "customer_id"},
	} {
		if err := caseUpdate(ctx, c, t.table, t.col, t.key, byCustomer, ids, t.key+" = NULL"); err != nil {
			return fmt.Errorf("%s: %w", t.table, err)
		}
	}
	if _, err := c.ExecContext(ctx, "UPDATE hosting_subscriptions SET updated_at = ? WHERE reseller_id IN ("+
		placeholders(len(ids))+")", append([]any{now}, anys(created)...)...); err != nil {
		return err
	}
	if len(active) > 0 {
		if err := liftParent(ctx, c, hostingsubscription.ResellerIDIn(active...)); err != nil {
			return err
		}
	}
	// The converted customers' sessions and tokens end: their credentials
	// now name resellers.
	if _, err := c.ExecContext(ctx,
		"DELETE FROM sessions WHERE credential_id IN (SELECT id FROM credentials WHERE reseller_credential IN ("+
			placeholders(len(ids))+"))", anys(created)...); err != nil {
		return err
	}
	_, err = c.Customer.Delete().Where(customer.IDIn(ids...)).Exec(ctx)
	return err
}

func anys(rs []*ent.Reseller) []any {
	out := make([]any, len(rs))
	for i, r := range rs {
		out[i] = r.ID
	}
	return out
}

// fromPlan returns the values of a reseller on plan p.
func fromPlan(cu *ent.Customer, p *ent.ResellerPlan) *ent.Reseller {
	return &ent.Reseller{
		Login: cu.Login, ResellerPlanID: &p.ID,
		LimitCustomers: p.LimitCustomers, LimitSubscriptions: p.LimitSubscriptions,
		LimitDiskSpaceMB: p.LimitDiskSpaceMB, LimitTrafficMBPerMonth: p.LimitTrafficMBPerMonth,
		LimitDomains: p.LimitDomains, LimitMailboxes: p.LimitMailboxes, LimitDatabases: p.LimitDatabases,
		Permissions: p.Permissions, Applications: p.Applications, Oversell: p.Oversell,
	}
}

// custom returns the Custom values of a reseller made from cu with subs:
// sums of the limits (unlimited when any is), the union of permissions and
// applications, customers and subscriptions unlimited, no oversell.
func custom(cu *ent.Customer, subs []*ent.HostingSubscription) *ent.Reseller {
	sum := func(get func(*ent.HostingSubscription) *int64) *int64 {
		var n int64
		for _, s := range subs {
			v := get(s)
			if v == nil {
				return nil
			}
			n += *v
		}
		return i64p(n)
	}
	perms := map[types.Permission]bool{}
	apps := []string{}
	seenApp := map[string]bool{}
	for _, s := range subs {
		for _, p := range s.Permissions {
			perms[p] = true
		}
		for _, a := range s.Applications {
			if !seenApp[a] {
				seenApp[a] = true
				apps = append(apps, a)
			}
		}
	}
	ps := []types.Permission{}
	for _, p := range types.AllPermissions() {
		if perms[types.Permission(p)] {
			ps = append(ps, types.Permission(p))
		}
	}
	return &ent.Reseller{
		Login:                  cu.Login,
		LimitDiskSpaceMB:       sum(func(s *ent.HostingSubscription) *int64 { return s.LimitDiskSpaceMB }),
		LimitTrafficMBPerMonth: sum(func(s *ent.HostingSubscription) *int64 { return s.LimitTrafficMBPerMonth }),
		LimitDomains:           sum(func(s *ent.HostingSubscription) *int64 { return s.LimitDomains }),
		LimitMailboxes:         sum(func(s *ent.HostingSubscription) *int64 { return s.LimitMailboxes }),
		LimitDatabases:         sum(func(s *ent.HostingSubscription) *int64 { return s.LimitDatabases }),
		Permissions:            ps, Applications: apps,
	}
}

// loadResellerPlans reads the reseller plans named in plan.
func loadResellerPlans(ctx context.Context, c *ent.Client, plan map[int]*int) (map[int]*ent.ResellerPlan, error) {
	var ids []int
	seen := map[int]bool{}
	for _, p := range plan {
		if p != nil && !seen[*p] {
			seen[*p] = true
			ids = append(ids, *p)
		}
	}
	out := make(map[int]*ent.ResellerPlan, len(ids))
	for _, chunk := range bulk.Chunks(ids) {
		ps, err := c.ResellerPlan.Query().Where(resellerplan.IDIn(chunk...)).All(ctx)
		if err != nil {
			return nil, err
		}
		for _, p := range ps {
			out[p.ID] = p
		}
	}
	return out, nil
}

// takenExternalIDs returns which of the customers' external IDs a reseller
// already has (external IDs are unique per account type).
func takenExternalIDs(ctx context.Context, c *ent.Client, found map[int]*ent.Customer) (map[string]bool, error) {
	var ext []string
	for _, cu := range found {
		if cu.ExternalID != nil {
			ext = append(ext, *cu.ExternalID)
		}
	}
	out := map[string]bool{}
	for i := 0; i < len(ext); i += bulk.ChunkSize {
		got, err := c.Reseller.Query().Where(reseller.ExternalIDIn(ext[i:min(i+bulk.ChunkSize, len(ext))]...)).
			Select(reseller.FieldExternalID).Strings(ctx)
		if err != nil {
			return nil, err
		}
		for _, e := range got {
			out[e] = true
		}
	}
	return out, nil
}
