package plans

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"

	entgo "entgo.io/ent"

	"github.com/hostpanel/panel/ent"
	"github.com/hostpanel/panel/ent/hostingsubscription"
	"github.com/hostpanel/panel/ent/privacy"
	"github.com/hostpanel/panel/ent/reseller"
	"github.com/hostpanel/panel/internal/accounts"
	"github.com/hostpanel/panel/internal/apperr"
	"github.com/hostpanel/panel/internal/audit"
	"github.com/hostpanel/panel/internal/limits"
	"github.com/hostpanel/panel/internal/txn"
	"github.com/hostpanel/panel/internal/types"
	"github.com/hostpanel/panel/internal/validate"
	"github.com/hostpanel/panel/internal/viewer"
)

// ResourceColumns are the columns of a resource set, in the order of
// ResourceLimitsInput.Values (the same in plans and subscriptions).
var ResourceColumns = [7]string{"limit_disk_space_mb", "limit_traffic_mb_per_month", "limit_domains",
	"limit_subdomains", "limit_mailboxes", "limit_databases", "limit_ftp_accounts"}

// resellerColumns are the reseller limit columns in the order in which
// resellerValues packs them.
var resellerColumns = [7]string{"limit_disk_space_mb", "limit_traffic_mb_per_month", "limit_domains",
	"limit_customers", "limit_mailboxes", "limit_databases", "limit_subscriptions"}

// SetLimits sets the columns cols of the mutation m to vals (nil: cleared,
// which is unlimited). It works on any builder's Mutation(), so one helper
// serves plans, subscriptions and resellers, single and bulk updates.
func SetLimits(m entgo.Mutation, cols [7]string, vals [7]*int64) error {
	for i, col := range cols {
		var err error
		if vals[i] == nil {
			err = m.ClearField(col)
		} else {
			err = m.SetField(col, *vals[i])
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// Resources returns the part of a resource set that counts against a
// reseller.
func Resources(vals [7]*int64) limits.Resources {
	return limits.Resources{DiskSpaceMB: vals[0], TrafficMBPerMonth: vals[1], Domains: vals[2],
		Mailboxes: vals[4], Databases: vals[5]}
}

// PlanValues returns the resource set of service plan p.
func PlanValues(p *ent.ServicePlan) [7]*int64 {
	return [7]*int64{p.LimitDiskSpaceMB, p.LimitTrafficMBPerMonth, p.LimitDomains, p.LimitSubdomains,
		p.LimitMailboxes, p.LimitDatabases, p.LimitFtpAccounts}
}

// UpdateServicePlanInput is the API's UpdateServicePlanInput: fields left
// out (or null) stay as they are; limits, when given, replace the whole set.
type UpdateServicePlanInput struct {
	ServicePlanID int
	Name          *string
	Limits        *ResourceLimitsInput
	Permissions   []types.Permission
	Applications  []string
}

// OwnServicePlan loads service plan id for a change by the viewer: the
// administrator's and resellers' plans for the administrator, its own for
// a reseller. Anything else is NOT_FOUND at path, like a missing plan (a
// reseller can read the administrator's plans its subscriptions use, but
// not change them).
func OwnServicePlan(ctx context.Context, c *ent.Client, id int, path ...string) (*ent.ServicePlan, error) {
	v := viewer.FromContext(ctx)
	p, err := c.ServicePlan.Get(ctx, id)
	if ent.IsNotFound(err) || (err == nil && !v.Is(viewer.Admin) && (p.ResellerID == nil || *p.ResellerID != v.ResellerID)) {
		return nil, apperr.New(apperr.NotFound, "no such service plan", path...)
	}
	return p, err
}

// UpdateServicePlan changes a plan; new limits, permissions and applications
// reach the plan's SYNCED subscriptions in one statement (LOCKED and CUSTOM
// ones keep their own values). New limits that would take a reseller with
// SYNCED subscriptions of the plan over its limits are LIMIT_EXCEEDED.
func (s *Service) UpdateServicePlan(ctx context.Context, in UpdateServicePlanInput) (*ent.ServicePlan, error) {
	var errs apperr.List
	var name string
	if in.Name != nil {
		var err error
		if name, err = validate.PlanName(*in.Name); err != nil {
			errs.Add(apperr.New(apperr.Invalid, err.Error(), "name"))
		}
	}
	lim := in.Limits.Values(&errs, "limits")
	apps := accounts.Applications(&errs, in.Applications, "applications")
	if len(errs) > 0 {
		return nil, errs
	}
	// The resellers to lock are found first and checked again under the
	// locks (see limits): a retry when the set changed in between.
	for attempt := 1; ; attempt++ {
		err := s.updateServicePlan(ctx, in, name, lim, apps)
		if errors.Is(err, errRetry) && attempt < maxAttempts {
			continue
		}
		if err != nil {
			return nil, err
		}
		return s.client.ServicePlan.Get(ctx, in.ServicePlanID)
	}
}

// errRetry ends a transaction whose locks turned out to be the wrong ones.
var errRetry = errors.New("locked rows changed; retry")

const maxAttempts = 3

func (s *Service) updateServicePlan(ctx context.Context, in UpdateServicePlanInput, name string, lim [7]*int64, apps []string) error {
	var owners []int
	if in.Limits != nil {
		var err error
		if owners, err = limits.SyncedOwners(ctx, s.client, in.ServicePlanID); err != nil {
			return err
		}
	}
	return txn.Run(ctx, s.client, func(c *ent.Client) error {
		if err := limits.LockServicePlan(ctx, c, in.ServicePlanID); err != nil {
			return err
		}
		if err := limits.LockAll(ctx, c, owners); err != nil {
			return err
		}
		p, err := OwnServicePlan(ctx, c, in.ServicePlanID, "servicePlanId")
		if err != nil {
			return err
		}
		var scope []int
		if p.ResellerID != nil {
			scope = append(scope, *p.ResellerID)
		}
		if in.Limits != nil {
			ids, err := checkSynced(ctx, c, p.ID, Resources(lim), owners)
			if err != nil {
				return err
			}
			for _, id := range ids {
				if p.ResellerID == nil || id != *p.ResellerID {
					scope = append(scope, id)
				}
			}
		}
		upd := c.ServicePlan.UpdateOneID(p.ID)
		subs := c.HostingSubscription.Update().
			Where(hostingsubscription.ServicePlanID(p.ID), hostingsubscription.PlanSyncEQ(types.PlanSynced))
		propagate := false
		if in.Name != nil {
			upd.SetName(name)
		}
		if in.Limits != nil {
			propagate = true
			if err := SetLimits(upd.Mutation(), ResourceColumns, lim); err != nil {
				return err
			}
			if err := SetLimits(subs.Mutation(), ResourceColumns, lim); err != nil {
				return err
			}
		}
		if in.Permissions != nil {
			propagate = true
			upd.SetPermissions(accounts.Permissions(in.Permissions))
			subs.SetPermissions(accounts.Permissions(in.Permissions))
		}
		if in.Applications != nil {
			propagate = true
			upd.SetApplications(apps)
			subs.SetApplications(apps)
		}
		if err := upd.Exec(ctx); err != nil {
			return err
		}
		n := 0
		if propagate {
			if n, err = subs.Save(ctx); err != nil {
				return err
			}
		}
		return audit.Record(ctx, c, audit.Event{
			Action: "service_plan.update", Targets: []int{p.ID}, ScopeResellerIDs: scope,
			Summary: fmt.Sprintf("updated service plan %q (%d synced subscriptions changed)", p.Name, n),
		})
	})
}

// checkSynced checks the limits of every reseller with SYNCED subscriptions
// of plan id against those subscriptions taking next; it returns the IDs of
// those resellers, or errRetry when one of them is not among locked. The
// resellers are read by system code: they are the owners of subscriptions
// in the viewer's scope.
func checkSynced(ctx context.Context, c *ent.Client, id int, next limits.Resources, locked []int) ([]int, error) {
	sums, err := limits.SyncedSums(ctx, c, id)
	if err != nil || len(sums) == 0 {
		return nil, err
	}
	ids := make([]int, 0, len(sums))
	for rid := range sums {
		if !slices.Contains(locked, rid) {
			return nil, errRetry
		}
		ids = append(ids, rid)
	}
	sort.Ints(ids)
	usage, err := limits.Load(ctx, c, ids)
	if err != nil {
		return nil, err
	}
	rs, err := c.Reseller.Query().Where(reseller.IDIn(ids...)).Order(ent.Asc(reseller.FieldID)).
		All(privacy.DecisionContext(ctx, privacy.Allow))
	if err != nil {
		return nil, err
	}
	for _, r := range rs {
		if e := limits.CheckReplace(r, usage[r.ID], sums[r.ID], next, "limits"); e != nil {
			return nil, e
		}
	}
	return ids, nil
}

// DeleteServicePlanInput is the API's DeleteServicePlanInput.
type DeleteServicePlanInput struct{ ServicePlanID int }

// DeleteServicePlan deletes a plan no subscription uses (IN_USE otherwise)
// and returns its ID.
func (s *Service) DeleteServicePlan(ctx context.Context, in DeleteServicePlanInput) (int, error) {
	err := txn.Run(ctx, s.client, func(c *ent.Client) error {
		if err := limits.LockServicePlan(ctx, c, in.ServicePlanID); err != nil {
			return err
		}
		p, err := OwnServicePlan(ctx, c, in.ServicePlanID, "servicePlanId")
		if err != nil {
			return err
		}
		// Every subscription counts, in the viewer's scope or not.
		sys := privacy.DecisionContext(ctx, privacy.Allow)
		if used, err := c.HostingSubscription.Query().Where(hostingsubscription.ServicePlanID(p.ID)).Exist(sys); err != nil {
			return err
		} else if used {
			return apperr.New(apperr.InUse, "subscriptions use this plan", "servicePlanId")
		}
		if err := c.ServicePlan.DeleteOneID(p.ID).Exec(ctx); err != nil {
			return err
		}
		return audit.Record(ctx, c, audit.Event{
			Action: "service_plan.delete", Targets: []int{p.ID}, ScopeResellerID: p.ResellerID,
			Summary: fmt.Sprintf("deleted service plan %q", p.Name),
		})
	})
	if err != nil {
		return 0, err
	}
	return in.ServicePlanID, nil
}

// UpdateResellerPlanInput is the API's UpdateResellerPlanInput: fields left
// out (or null) stay as they are; limits, when given, replace the whole set.
type UpdateResellerPlanInput struct {
	ResellerPlanID int
	Name           *string
	Limits         *accounts.ResellerLimitsInput
	Permissions    []types.Permission
	Applications   []string
	Oversell       *bool
}

// resellerValues packs reseller limits in the order of resellerColumns.
func resellerValues(errs *apperr.List, l *accounts.ResellerLimitsInput) [7]*int64 {
	if l == nil {
		l = &accounts.ResellerLimitsInput{}
	}
	return (&ResourceLimitsInput{l.DiskSpaceMb, l.TrafficMbPerMonth, l.Domains, l.Customers, l.Mailboxes,
		l.Databases, l.Subscriptions}).Values(errs, "limits")
}

// UpdateResellerPlan changes a reseller plan (administrator only); the new
// values reach every reseller on the plan in one statement.
func (s *Service) UpdateResellerPlan(ctx context.Context, in UpdateResellerPlanInput) (*ent.ResellerPlan, error) {
	var errs apperr.List
	var name string
	if in.Name != nil {
		var err error
		if name, err = validate.PlanName(*in.Name); err != nil {
			errs.Add(apperr.New(apperr.Invalid, err.Error(), "name"))
		}
	}
	vals := resellerValues(&errs, in.Limits)
	apps := accounts.Applications(&errs, in.Applications, "applications")
	if len(errs) > 0 {
		return nil, errs
	}
	err := txn.Run(ctx, s.client, func(c *ent.Client) error {
		p, err := c.ResellerPlan.Get(ctx, in.ResellerPlanID)
		if ent.IsNotFound(err) {
			return apperr.New(apperr.NotFound, "no such reseller plan", "resellerPlanId")
		}
		if err != nil {
			return err
		}
		ids, err := c.Reseller.Query().Where(reseller.ResellerPlanID(p.ID)).IDs(ctx)
		if err != nil {
			return err
		}
		upd := c.ResellerPlan.UpdateOneID(p.ID)
		rs := c.Reseller.Update().Where(reseller.ResellerPlanID(p.ID))
		propagate := false
		if in.Name != nil {
			upd.SetName(name)
		}
		if in.Limits != nil {
			propagate = true
			if err := SetLimits(upd.Mutation(), resellerColumns, vals); err != nil {
				return err
			}
			if err := SetLimits(rs.Mutation(), resellerColumns, vals); err != nil {
				return err
			}
		}
		if in.Permissions != nil {
			propagate = true
			upd.SetPermissions(accounts.Permissions(in.Permissions))
			rs.SetPermissions(accounts.Permissions(in.Permissions))
		}
		if in.Applications != nil {
			propagate = true
			upd.SetApplications(apps)
			rs.SetApplications(apps)
		}
		if in.Oversell != nil {
			propagate = true
			upd.SetOversell(*in.Oversell)
			rs.SetOversell(*in.Oversell)
		}
		if err := upd.Exec(ctx); err != nil {
			return err
		}
		if propagate && len(ids) > 0 {
			if err := rs.Exec(ctx); err != nil {
				return err
			}
		}
		return audit.Record(ctx, c, audit.Event{
			Action: "reseller_plan.update", Targets: append([]int{p.ID}, ids...), ScopeResellerIDs: ids,
			Summary: fmt.Sprintf("updated reseller plan %q (%d resellers on it)", p.Name, len(ids)),
		})
	})
	if err != nil {
		return nil, err
	}
	return s.client.ResellerPlan.Get(ctx, in.ResellerPlanID)
}

// DeleteResellerPlanInput is the API's DeleteResellerPlanInput.
type DeleteResellerPlanInput struct{ ResellerPlanID int }

// DeleteResellerPlan deletes a reseller plan no reseller is on (IN_USE
// otherwise) and returns its ID.
func (s *Service) DeleteResellerPlan(ctx context.Context, in DeleteResellerPlanInput) (int, error) {
	err := txn.Run(ctx, s.client, func(c *ent.Client) error {
		// Locked before the IN_USE check reads (see limits): a reseller put
		// on the plan meanwhile is seen, not silently made Custom by the
		// foreign key's ON DELETE SET NULL.
		if _, err := c.ExecContext(ctx, "UPDATE reseller_plans SET name = name WHERE id = ?", in.ResellerPlanID); err != nil {
			return err
		}
		p, err := c.ResellerPlan.Get(ctx, in.ResellerPlanID)
		if ent.IsNotFound(err) {
			return apperr.New(apperr.NotFound, "no such reseller plan", "resellerPlanId")
		}
		if err != nil {
			return err
		}
		if used, err := c.Reseller.Query().Where(reseller.ResellerPlanID(p.ID)).Exist(ctx); err != nil {
			return err
		} else if used {
			return apperr.New(apperr.InUse, "resellers are on this plan", "resellerPlanId")
		}
		if err := c.ResellerPlan.DeleteOneID(p.ID).Exec(ctx); err != nil {
			return err
		}
		return audit.Record(ctx, c, audit.Event{
			Action: "reseller_plan.delete", Targets: []int{p.ID},
			Summary: fmt.Sprintf("deleted reseller plan %q", p.Name),
		})
	})
	if err != nil {
		return 0, err
	}
	return in.ResellerPlanID, nil
}
