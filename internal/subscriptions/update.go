package subscriptions

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"time"

	"github.com/99designs/gqlgen/graphql"

	"github.com/hostpanel/panel/ent"
	"github.com/hostpanel/panel/ent/customer"
	"github.com/hostpanel/panel/ent/domain"
	"github.com/hostpanel/panel/ent/hostingsubscription"
	"github.com/hostpanel/panel/ent/privacy"
	"github.com/hostpanel/panel/internal/accounts"
	"github.com/hostpanel/panel/internal/apperr"
	"github.com/hostpanel/panel/internal/audit"
	"github.com/hostpanel/panel/internal/bulk"
	"github.com/hostpanel/panel/internal/limits"
	"github.com/hostpanel/panel/internal/plans"
	"github.com/hostpanel/panel/internal/txn"
	"github.com/hostpanel/panel/internal/types"
	"github.com/hostpanel/panel/internal/validate"
	"github.com/hostpanel/panel/internal/viewer"
)

// target is a subscription under change, with whom it belongs to.
type target struct {
	sub      *ent.HostingSubscription
	customer *ent.Customer // nil: a reseller's own subscription
	// owner is the reseller whose limits the subscription counts against
	// (nil: the administrator).
	owner *ent.Reseller
}

// loadTarget loads subscription id in the viewer's scope (NOT_FOUND at
// "subscriptionId" otherwise) with its customer and owning reseller.
func loadTarget(ctx context.Context, c *ent.Client, id int) (*target, error) {
	hs, err := c.HostingSubscription.Get(ctx, id)
	if ent.IsNotFound(err) {
		return nil, apperr.New(apperr.NotFound, "no such subscription", "subscriptionId")
	}
	if err != nil {
		return nil, err
	}
	t := &target{sub: hs}
	owner := hs.ResellerID
	if hs.CustomerID != nil {
		if t.customer, err = c.Customer.Get(ctx, *hs.CustomerID); err != nil {
			return nil, err
		}
		owner = t.customer.ResellerID
	}
	if owner != nil {
		// The owner of a subscription in scope; a reseller's customer's
		// subscription needs its reseller's limits whoever asks.
		if t.owner, err = c.Reseller.Get(privacy.DecisionContext(ctx, privacy.Allow), *owner); err != nil {
			return nil, err
		}
	}
	return t, nil
}

func (t *target) scope() *int {
	if t.owner == nil {
		return nil
	}
	return &t.owner.ID
}

// values returns the subscription's resource set.
func values(s *ent.HostingSubscription) [7]*int64 {
	return [7]*int64{s.LimitDiskSpaceMB, s.LimitTrafficMBPerMonth, s.LimitDomains, s.LimitSubdomains,
		s.LimitMailboxes, s.LimitDatabases, s.LimitFtpAccounts}
}

// checkOwner checks that the owning reseller can take the subscription's
// resources changing to next (LIMIT_EXCEEDED at path otherwise). The
// caller has locked the owner first (runLocked).
func (t *target) checkOwner(ctx context.Context, c *ent.Client, next [7]*int64, path ...string) error {
	if t.owner == nil {
		return nil
	}
	u, err := limits.Load(ctx, c, []int{t.owner.ID})
	if err != nil {
		return err
	}
	var old limits.Sums
	old.Add(limits.OfSubscription(t.sub))
	if e := limits.CheckReplace(t.owner, u[t.owner.ID], old, plans.Resources(next), path...); e != nil {
		return e
	}
	return nil
}

// errRetry ends a transaction whose locks turned out to be the wrong ones.
var errRetry = errors.New("locked rows changed; retry")

const maxAttempts = 3

// runLocked runs fn on subscription id (loaded in the viewer's scope) in a
// transaction whose first statements lock the service plans (the
// subscription's own and plan, if any: changing a subscription row makes
// MariaDB check its plan row) and then the owning reseller, in that order
// and by primary key (see limits). What to lock is read before the
// transaction and checked again under the locks; when it changed in
// between, the transaction is retried.
func (s *Service) runLocked(ctx context.Context, id int, plan *int, fn func(c *ent.Client, t *target) error) error {
	for attempt := 1; ; attempt++ {
		own, owner, err := limits.SubscriptionLocks(ctx, s.client, id)
		if err != nil {
			return err
		}
		var planIDs []int
		for _, p := range []*int{own, plan} {
			if p != nil && !slices.Contains(planIDs, *p) {
				planIDs = append(planIDs, *p)
			}
		}
		slices.Sort(planIDs)
		err = txn.Run(ctx, s.client, func(c *ent.Client) error {
			if err := limits.LockServicePlans(ctx, c, planIDs); err != nil {
				return err
			}
			if owner != nil {
				if err := limits.Lock(ctx, c, *owner); err != nil {
					return err
				}
			}
			t, err := loadTarget(ctx, c, id)
			if err != nil {
				return err
			}
			if !sameID(t.scope(), owner) || !sameID(t.sub.ServicePlanID, own) {
				return errRetry
			}
			return fn(c, t)
		})
		if errors.Is(err, errRetry) && attempt < maxAttempts {
			continue
		}
		return err
	}
}

func sameID(a, b *int) bool { return (a == nil) == (b == nil) && (a == nil || *a == *b) }

// UpdateSubscriptionInput is the API's UpdateSubscriptionInput: fields left
// out stay as they are; limits, when given, replace the whole set;
// expiresAt null removes the expiry date.
type UpdateSubscriptionInput struct {
	SubscriptionID int
	Limits         *plans.ResourceLimitsInput
	Permissions    []types.Permission
	Applications   []string
	ExpiresAt      graphql.Omittable[*time.Time]
}

// UpdateSubscription sets a subscription's own values. Changing limits,
// permissions or applications makes a subscription with a plan LOCKED (it
// no longer follows the plan); one without a plan stays CUSTOM. Raised
// limits must fit the owning reseller's limits.
func (s *Service) UpdateSubscription(ctx context.Context, in UpdateSubscriptionInput) (*ent.HostingSubscription, error) {
	var errs apperr.List
	lim := in.Limits.Values(&errs, "limits")
	apps := accounts.Applications(&errs, in.Applications, "applications")
	if err := validate.Expiry(in.ExpiresAt.Value()); err != nil {
		errs.Add(apperr.New(apperr.Invalid, err.Error(), "expiresAt"))
	}
	if len(errs) > 0 {
		return nil, errs
	}
	err := s.runLocked(ctx, in.SubscriptionID, nil, func(c *ent.Client, t *target) error {
		upd := c.HostingSubscription.UpdateOneID(t.sub.ID)
		values := in.Limits != nil || in.Permissions != nil || in.Applications != nil
		if in.Limits != nil {
			if err := t.checkOwner(ctx, c, lim, "limits"); err != nil {
				return err
			}
			if err := plans.SetLimits(upd.Mutation(), plans.ResourceColumns, lim); err != nil {
				return err
			}
		}
		if in.Permissions != nil {
			upd.SetPermissions(accounts.Permissions(in.Permissions))
		}
		if in.Applications != nil {
			upd.SetApplications(apps)
		}
		if values && t.sub.ServicePlanID != nil {
			upd.SetPlanSync(types.PlanLocked)
		}
		if exp, ok := in.ExpiresAt.ValueOK(); ok {
			if exp == nil {
				upd.ClearExpiresAt()
			} else {
				upd.SetExpiresAt(*exp)
			}
		}
		if err := upd.Exec(ctx); err != nil {
			return err
		}
		return audit.Record(ctx, c, audit.Event{
			Action: "subscription.update", Targets: []int{t.sub.ID}, ScopeResellerID: t.scope(),
			Summary: fmt.Sprintf("updated subscription %s", t.sub.Name),
		})
	})
	if err != nil {
		return nil, err
	}
	return s.client.HostingSubscription.Get(ctx, in.SubscriptionID)
}

// ChangeSubscriptionPlanInput is the API's ChangeSubscriptionPlanInput.
type ChangeSubscriptionPlanInput struct {
	SubscriptionID int
	// ServicePlanID nil is Custom.
	ServicePlanID *int
}

// ChangeSubscriptionPlan puts a subscription on a plan of its subscriber's
// owner (SYNCED, with the plan's values; PLAN_NOT_AVAILABLE for another
// owner's plan; LIMIT_EXCEEDED beyond the owning reseller's limits), or on
// Custom (plan cleared, values kept, CUSTOM).
func (s *Service) ChangeSubscriptionPlan(ctx context.Context, in ChangeSubscriptionPlanInput) (*ent.HostingSubscription, error) {
	err := s.runLocked(ctx, in.SubscriptionID, in.ServicePlanID, func(c *ent.Client, t *target) error {
		if in.ServicePlanID == nil {
			if err := c.HostingSubscription.UpdateOneID(t.sub.ID).ClearServicePlanID().
				SetPlanSync(types.PlanCustom).Exec(ctx); err != nil {
				return err
			}
			return audit.Record(ctx, c, audit.Event{
				Action: "subscription.change_plan", Targets: []int{t.sub.ID}, ScopeResellerID: t.scope(),
				Summary: fmt.Sprintf("subscription %s: plan cleared (Custom)", t.sub.Name),
			})
		}
		p, err := c.ServicePlan.Get(ctx, *in.ServicePlanID)
		if ent.IsNotFound(err) {
			return apperr.New(apperr.NotFound, "no such service plan", "servicePlanId")
		}
		if err != nil {
			return err
		}
		if !PlanAvailable(p, t.customer, t.owner) {
			return apperr.New(apperr.PlanNotAvailable, "the plan does not belong to the subscriber's owner", "servicePlanId")
		}
		if err := t.sync(ctx, c, p, "servicePlanId"); err != nil {
			return err
		}
		return audit.Record(ctx, c, audit.Event{
			Action: "subscription.change_plan", Targets: []int{t.sub.ID, p.ID}, ScopeResellerID: t.scope(),
			Summary: fmt.Sprintf("subscription %s: plan %q", t.sub.Name, p.Name),
		})
	})
	if err != nil {
		return nil, err
	}
	return s.client.HostingSubscription.Get(ctx, in.SubscriptionID)
}

// sync gives the subscription plan p and its values, SYNCED, within the
// owning reseller's limits.
func (t *target) sync(ctx context.Context, c *ent.Client, p *ent.ServicePlan, path ...string) error {
	vals := plans.PlanValues(p)
	if err := t.checkOwner(ctx, c, vals, path...); err != nil {
		return err
	}
	upd := c.HostingSubscription.UpdateOneID(t.sub.ID).SetServicePlanID(p.ID).SetPlanSync(types.PlanSynced).
		SetPermissions(p.Permissions).SetApplications(p.Applications)
	if err := plans.SetLimits(upd.Mutation(), plans.ResourceColumns, vals); err != nil {
		return err
	}
	return upd.Exec(ctx)
}

// SyncSubscriptionInput is the API's SyncSubscriptionInput.
type SyncSubscriptionInput struct{ SubscriptionID int }

// SyncSubscription returns a subscription to its plan's values (SYNCED);
// INVALID for a subscription without a plan.
func (s *Service) SyncSubscription(ctx context.Context, in SyncSubscriptionInput) (*ent.HostingSubscription, error) {
	err := s.runLocked(ctx, in.SubscriptionID, nil, func(c *ent.Client, t *target) error {
		if t.sub.ServicePlanID == nil {
			return apperr.New(apperr.Invalid, "the subscription has no plan (Custom)", "subscriptionId")
		}
		// The plan of a subscription in scope, whoever may read it.
		p, err := c.ServicePlan.Get(privacy.DecisionContext(ctx, privacy.Allow), *t.sub.ServicePlanID)
		if err != nil {
			return err
		}
		if err := t.sync(ctx, c, p, "subscriptionId"); err != nil {
			return err
		}
		return audit.Record(ctx, c, audit.Event{
			Action: "subscription.sync", Targets: []int{t.sub.ID, p.ID}, ScopeResellerID: t.scope(),
			Summary: fmt.Sprintf("subscription %s synced with plan %q", t.sub.Name, p.Name),
		})
	})
	if err != nil {
		return nil, err
	}
	return s.client.HostingSubscription.Get(ctx, in.SubscriptionID)
}

// DeleteSubscriptionsInput is the API's DeleteSubscriptionsInput.
type DeleteSubscriptionsInput struct {
	IDs    []int
	Mode   bulk.Mode
	DryRun bool
}

// DeleteSubscriptionsResult is the payload of deleteSubscriptions.
type DeleteSubscriptionsResult struct {
	DeletedSubscriptionIDs []int
	Subscriptions, Domains int
	DomainNames            []string
	Committed              bool
	UserErrors             []*apperr.UserError
}

// DeleteSubscriptions deletes subscriptions in the viewer's scope with their
// domains, a few statements per chunk of 1,000 IDs. A dry run reports what
// would go.
func (s *Service) DeleteSubscriptions(ctx context.Context, in DeleteSubscriptionsInput) (*DeleteSubscriptionsResult, error) {
	req, err := bulk.NewRequest("ids", in.IDs)
	if err != nil {
		return nil, err
	}
	opts := bulk.Options{Mode: in.Mode, DryRun: in.DryRun}
	v := viewer.FromContext(ctx)
	res := &DeleteSubscriptionsResult{DeletedSubscriptionIDs: []int{}, DomainNames: []string{}}
	err = txn.RunBulk(ctx, s.client, func(c *ent.Client) (bool, error) {
		// A retried attempt starts from scratch (internal/txn).
		req.Reset()
		*res = *&DeleteSubscriptionsResult{DeletedSubscriptionIDs: []int{}, DomainNames: []string{}}
		found := make(map[int]*ent.HostingSubscription, len(req.IDs))
		for _, chunk := range bulk.Chunks(req.IDs) {
			subs, err := c.HostingSubscription.Query().Where(hostingsubscription.IDIn(chunk...)).
				Select(hostingsubscription.FieldID, hostingsubscription.FieldCustomerID, hostingsubscription.FieldResellerID).
				WithCustomer(func(q *ent.CustomerQuery) { q.Select(customer.FieldID, customer.FieldResellerID) }).
				All(ctx)
			if err != nil {
				return false, err
			}
			for _, hs := range subs {
				found[hs.ID] = hs
			}
		}
		for _, id := range req.IDs {
			if found[id] == nil {
				req.Fail(id, apperr.NotFound, "no such subscription")
			}
		}
		res.UserErrors = req.Errors
		if !req.Proceed(opts) {
			return false, nil
		}
		valid := req.Valid()
		scope := map[int]bool{}
		for _, id := range valid {
			hs := found[id]
			if cu := hs.Edges.Customer; cu != nil && cu.ResellerID != nil {
				scope[*cu.ResellerID] = true
			} else if hs.ResellerID != nil {
				scope[*hs.ResellerID] = true
			}
		}
		for _, chunk := range bulk.Chunks(valid) {
			names, err := c.Domain.Query().Where(domain.SubscriptionIDIn(chunk...)).Select(domain.FieldName).Strings(ctx)
			if err != nil {
				return false, err
			}
			res.DomainNames = append(res.DomainNames, names...)
			if _, err := c.Domain.Delete().Where(domain.SubscriptionIDIn(chunk...)).Exec(ctx); err != nil {
				return false, err
			}
			n, err := c.HostingSubscription.Delete().Where(hostingsubscription.IDIn(chunk...)).Exec(ctx)
			if err != nil {
				return false, err
			}
			if n != len(chunk) {
				return false, fmt.Errorf("deleted %d of %d subscriptions", n, len(chunk))
			}
		}
		sort.Strings(res.DomainNames)
		res.DeletedSubscriptionIDs = valid
		res.Subscriptions, res.Domains = len(valid), len(res.DomainNames)
		if len(valid) > 0 {
			ids := make([]int, 0, len(scope))
			if v.Is(viewer.Reseller) {
				ids = append(ids, v.ResellerID)
			} else {
				for id := range scope {
					ids = append(ids, id)
				}
				sort.Ints(ids)
			}
			if err := audit.Record(ctx, c, audit.Event{
				Action: "subscription.delete", Targets: valid, ScopeResellerIDs: ids,
				Summary: fmt.Sprintf("deleted %d subscriptions with %d domains", len(valid), res.Domains),
			}); err != nil {
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
		res.DeletedSubscriptionIDs, res.DomainNames = []int{}, []string{}
		res.Subscriptions, res.Domains = 0, 0
	}
	return res, nil
}

// RenameDomainInput is the API's RenameDomainInput.
type RenameDomainInput struct {
	DomainID int
	Name     string
}

// mayManageDomains refuses panel users without the ADMIN role (a
// top-level FORBIDDEN, as for addDomain).
func mayManageDomains(ctx context.Context) error {
	if v := viewer.FromContext(ctx); v.Is(viewer.PanelUser) && v.PanelUserRole != string(types.PanelUserAdmin) {
		return apperr.ForbiddenRequest()
	}
	return nil
}

// RenameDomain gives a domain in scope a new name (validated, normalised,
// unique). Renaming a primary domain renames the subscription too when its
// name mirrors the domain.
func (s *Service) RenameDomain(ctx context.Context, in RenameDomainInput) (*ent.Domain, error) {
	if err := mayManageDomains(ctx); err != nil {
		return nil, err
	}
	name, err := validate.DomainName(in.Name)
	if err != nil {
		return nil, apperr.New(apperr.Invalid, err.Error(), "name")
	}
	err = txn.Run(ctx, s.client, func(c *ent.Client) error {
		d, err := c.Domain.Get(ctx, in.DomainID)
		if ent.IsNotFound(err) {
			return apperr.New(apperr.NotFound, "no such domain", "domainId")
		}
		if err != nil {
			return err
		}
		if d.Name == name {
			return nil
		}
		sys := privacy.DecisionContext(ctx, privacy.Allow)
		if taken, err := c.Domain.Query().Where(domain.Name(name)).Exist(sys); err != nil {
			return err
		} else if taken {
			return apperr.New(apperr.Taken, "this domain name is already in use", "name")
		}
		if err := c.Domain.UpdateOneID(d.ID).SetName(name).Exec(ctx); err != nil {
			if ent.IsConstraintError(err) {
				return apperr.New(apperr.Taken, "this domain name is already in use", "name")
			}
			return err
		}
		if d.Primary {
			// The subscription's name mirrors its primary domain: system
			// work (customers may rename domains, not change subscriptions).
			if err := c.HostingSubscription.Update().
				Where(hostingsubscription.ID(d.SubscriptionID), hostingsubscription.Name(d.Name)).
				SetName(name).Exec(sys); err != nil {
				return err
			}
		}
		scope, err := limits.SubscriptionOwner(ctx, c, d.SubscriptionID)
		if err != nil {
			return err
		}
		return audit.Record(ctx, c, audit.Event{
			Action: "domain.rename", Targets: []int{d.ID, d.SubscriptionID}, ScopeResellerID: scope,
			Summary: fmt.Sprintf("renamed domain %s to %s", d.Name, name),
		})
	})
	if err != nil {
		return nil, err
	}
	return s.client.Domain.Get(ctx, in.DomainID)
}

// DeleteDomainInput is the API's DeleteDomainInput.
type DeleteDomainInput struct{ DomainID int }

// DeleteDomain removes a domain in scope that is not its subscription's
// primary domain (INVALID) and returns its ID.
func (s *Service) DeleteDomain(ctx context.Context, in DeleteDomainInput) (int, error) {
	if err := mayManageDomains(ctx); err != nil {
		return 0, err
	}
	err := txn.Run(ctx, s.client, func(c *ent.Client) error {
		d, err := c.Domain.Get(ctx, in.DomainID)
		if ent.IsNotFound(err) {
			return apperr.New(apperr.NotFound, "no such domain", "domainId")
		}
		if err != nil {
			return err
		}
		if d.Primary {
			return apperr.New(apperr.Invalid, "the primary domain cannot be removed", "domainId")
		}
		if err := c.Domain.DeleteOneID(d.ID).Exec(ctx); err != nil {
			return err
		}
		scope, err := limits.SubscriptionOwner(ctx, c, d.SubscriptionID)
		if err != nil {
			return err
		}
		return audit.Record(ctx, c, audit.Event{
			Action: "domain.delete", Targets: []int{d.ID, d.SubscriptionID}, ScopeResellerID: scope,
			Summary: fmt.Sprintf("removed domain %s", d.Name),
		})
	})
	if err != nil {
		return 0, err
	}
	return in.DomainID, nil
}
