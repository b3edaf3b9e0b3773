// Package subscriptions holds the rules for hosting subscriptions and their
// domains (SPEC 3.1, 3.8). Each method owns its transaction.
package subscriptions

import (
	"context"
	"fmt"
	"time"

	"github.com/hostpanel/panel/ent"
	"github.com/hostpanel/panel/ent/domain"
	"github.com/hostpanel/panel/ent/privacy"
	"github.com/hostpanel/panel/internal/accounts"
	"github.com/hostpanel/panel/internal/apperr"
	"github.com/hostpanel/panel/internal/audit"
	"github.com/hostpanel/panel/internal/limits"
	"github.com/hostpanel/panel/internal/plans"
	"github.com/hostpanel/panel/internal/txn"
	"github.com/hostpanel/panel/internal/types"
	"github.com/hostpanel/panel/internal/validate"
	"github.com/hostpanel/panel/internal/viewer"
)

// Service implements the subscription and domain operations.
type Service struct{ client *ent.Client }

// NewService returns a Service.
func NewService(client *ent.Client) *Service { return &Service{client: client} }

// CreateSubscriptionInput is the API's CreateSubscriptionInput.
type CreateSubscriptionInput struct {
	SubscriberID  int
	Domain        string
	ServicePlanID *int
	Limits        *plans.ResourceLimitsInput
	Permissions   []types.Permission
	Applications  []string
	ExpiresAt     *time.Time
}

// subscriber is who a new subscription belongs to and whose limits it counts
// against.
type subscriber struct {
	customer *ent.Customer
	reseller *ent.Reseller // the subscriber itself, for its own use
	// owner is the reseller whose limits apply (nil: the administrator).
	owner *ent.Reseller
	// suspended: the subscriber is suspended, so the subscription starts
	// with a PARENT suspension.
	suspended bool
}

func (s *Service) subscriber(ctx context.Context, c *ent.Client, id int) (*subscriber, error) {
	v := viewer.FromContext(ctx)
	if cu, err := c.Customer.Get(ctx, id); err == nil {
		sub := &subscriber{customer: cu, suspended: cu.Status == types.StatusSuspended}
		if cu.ResellerID != nil {
			if sub.owner, err = c.Reseller.Get(ctx, *cu.ResellerID); err != nil {
				return nil, err
			}
		}
		return sub, nil
	} else if !ent.IsNotFound(err) {
		return nil, err
	}
	if v.Is(viewer.Admin) {
		if r, err := c.Reseller.Get(ctx, id); err == nil {
			return &subscriber{reseller: r, owner: r, suspended: r.Status == types.StatusSuspended}, nil
		} else if !ent.IsNotFound(err) {
			return nil, err
		}
	}
	return nil, apperr.New(apperr.NotFound, "no such customer or reseller", "subscriberId")
}

// CreateSubscription creates a subscription from a plan of the subscriber's
// owner (SYNCED) or with Custom values, with its primary domain.
func (s *Service) CreateSubscription(ctx context.Context, in CreateSubscriptionInput) (*ent.HostingSubscription, error) {
	var errs apperr.List
	name, err := validate.DomainName(in.Domain)
	if err != nil {
		errs.Add(apperr.New(apperr.Invalid, err.Error(), "domain"))
	}
	lim := in.Limits.Values(&errs, "limits")
	apps := accounts.Applications(&errs, in.Applications, "applications")
	if in.ServicePlanID != nil && (in.Limits != nil || in.Permissions != nil || in.Applications != nil) {
		errs.Add(apperr.New(apperr.Invalid, "give either a plan or Custom values, not both", "servicePlanId"))
	}
	if err := validate.Expiry(in.ExpiresAt); err != nil {
		errs.Add(apperr.New(apperr.Invalid, err.Error(), "expiresAt"))
	}
	if len(errs) > 0 {
		return nil, errs
	}
	var id int
	err = txn.Run(ctx, s.client, func(c *ent.Client) error {
		sub, err := s.subscriber(ctx, c, in.SubscriberID)
		if err != nil {
			return err
		}
		if sub.owner != nil {
			if err := limits.Lock(ctx, c, sub.owner.ID); err != nil {
				return err
			}
		}
		if taken, err := c.Domain.Query().Where(domain.Name(name)).Exist(privacy.DecisionContext(ctx, privacy.Allow)); err != nil {
			return err
		} else if taken {
			return apperr.New(apperr.Taken, "this domain name is already in use", "domain")
		}
		sc := c.HostingSubscription.Create().SetName(name).SetNillableExpiresAt(in.ExpiresAt)
		if sub.customer != nil {
			sc.SetCustomerID(sub.customer.ID)
		} else {
			sc.SetResellerID(sub.reseller.ID)
		}
		if sub.suspended {
			sc.SetStatus(types.StatusSuspended).SetSuspendedParentAt(time.Now())
		}
		var res limits.Resources
		if in.ServicePlanID != nil {
			p, err := c.ServicePlan.Get(ctx, *in.ServicePlanID)
			if ent.IsNotFound(err) {
				return apperr.New(apperr.NotFound, "no such service plan", "servicePlanId")
			}
			if err != nil {
				return err
			}
			if !PlanAvailable(p, sub.customer, sub.owner) {
				return apperr.New(apperr.PlanNotAvailable, "the plan does not belong to the subscriber's owner", "servicePlanId")
			}
			sc.SetPlan(p).SetPlanSync(types.PlanSynced).
				SetNillableLimitDiskSpaceMB(p.LimitDiskSpaceMB).SetNillableLimitTrafficMBPerMonth(p.LimitTrafficMBPerMonth).
				SetNillableLimitDomains(p.LimitDomains).SetNillableLimitSubdomains(p.LimitSubdomains).
				SetNillableLimitMailboxes(p.LimitMailboxes).SetNillableLimitDatabases(p.LimitDatabases).
				SetNillableLimitFtpAccounts(p.LimitFtpAccounts).
				SetPermissions(p.Permissions).SetApplications(p.Applications)
			res = limits.Resources{DiskSpaceMB: p.LimitDiskSpaceMB, TrafficMBPerMonth: p.LimitTrafficMBPerMonth,
				Domains: p.LimitDomains, Mailboxes: p.LimitMailboxes, Databases: p.LimitDatabases}
		} else {
			sc.SetPlanSync(types.PlanCustom).
				SetNillableLimitDiskSpaceMB(lim[0]).SetNillableLimitTrafficMBPerMonth(lim[1]).
				SetNillableLimitDomains(lim[2]).SetNillableLimitSubdomains(lim[3]).
				SetNillableLimitMailboxes(lim[4]).SetNillableLimitDatabases(lim[5]).
				SetNillableLimitFtpAccounts(lim[6]).
				SetPermissions(accounts.Permissions(in.Permissions)).SetApplications(apps)
			res = limits.Resources{DiskSpaceMB: lim[0], TrafficMBPerMonth: lim[1], Domains: lim[2],
				Mailboxes: lim[4], Databases: lim[5]}
		}
		var scope *int
		if sub.owner != nil {
			scope = &sub.owner.ID
			u, err := limits.Load(ctx, c, []int{sub.owner.ID})
			if err != nil {
				return err
			}
			d := limits.Delta{Subscriptions: 1, Resources: []limits.Resources{res}}
			if e := limits.Check(sub.owner, u[sub.owner.ID], d, "subscriberId"); e != nil {
				return e
			}
		}
		hs, err := sc.Save(ctx)
		if err != nil {
			return err
		}
		if err := c.Domain.Create().SetName(name).SetPrimary(true).SetSubscriptionID(hs.ID).Exec(ctx); err != nil {
			if ent.IsConstraintError(err) {
				return apperr.New(apperr.Taken, "this domain name is already in use", "domain")
			}
			return err
		}
		id = hs.ID
		return audit.Record(ctx, c, audit.Event{
			Action: "subscription.create", Targets: []int{hs.ID, in.SubscriberID}, ScopeResellerID: scope,
			Summary: fmt.Sprintf("created subscription %s", name),
		})
	})
	if err != nil {
		return nil, err
	}
	return s.client.HostingSubscription.Get(ctx, id)
}

// PlanAvailable reports whether plan p may be used for a subscription of
// customer cu (nil: a reseller's own subscription) whose owner is owner
// (nil: the administrator): a customer's plans come from its owner, a
// reseller's own subscriptions from the administrator's plans.
func PlanAvailable(p *ent.ServicePlan, cu *ent.Customer, owner *ent.Reseller) bool {
	if cu == nil || owner == nil {
		return p.ResellerID == nil
	}
	return p.ResellerID != nil && *p.ResellerID == owner.ID
}

// AddDomainInput is the API's AddDomainInput.
type AddDomainInput struct {
	SubscriptionID int
	Name           string
}

// AddDomain adds a non-primary domain to a subscription in scope, within the
// subscription's domain limit.
func (s *Service) AddDomain(ctx context.Context, in AddDomainInput) (*ent.Domain, error) {
	name, err := validate.DomainName(in.Name)
	if err != nil {
		return nil, apperr.New(apperr.Invalid, err.Error(), "name")
	}
	var id int
	err = txn.Run(ctx, s.client, func(c *ent.Client) error {
		hs, err := c.HostingSubscription.Get(ctx, in.SubscriptionID)
		if ent.IsNotFound(err) {
			return apperr.New(apperr.NotFound, "no such subscription", "subscriptionId")
		}
		if err != nil {
			return err
		}
		sys := privacy.DecisionContext(ctx, privacy.Allow)
		if taken, err := c.Domain.Query().Where(domain.Name(name)).Exist(sys); err != nil {
			return err
		} else if taken {
			return apperr.New(apperr.Taken, "this domain name is already in use", "name")
		}
		if hs.LimitDomains != nil {
			n, err := c.Domain.Query().Where(domain.SubscriptionID(hs.ID)).Count(ctx)
			if err != nil {
				return err
			}
			if int64(n+1) > *hs.LimitDomains {
				return apperr.New(apperr.LimitExceeded,
					fmt.Sprintf("the subscription allows %d domains", *hs.LimitDomains), "name")
			}
		}
		d, err := c.Domain.Create().SetName(name).SetSubscriptionID(hs.ID).Save(ctx)
		if err != nil {
			if ent.IsConstraintError(err) {
				return apperr.New(apperr.Taken, "this domain name is already in use", "name")
			}
			return err
		}
		id = d.ID
		scope, err := subscriptionReseller(ctx, c, hs)
		if err != nil {
			return err
		}
		return audit.Record(ctx, c, audit.Event{
			Action: "domain.add", Targets: []int{d.ID, hs.ID}, ScopeResellerID: scope,
			Summary: fmt.Sprintf("added domain %s to subscription %s", name, hs.Name),
		})
	})
	if err != nil {
		return nil, err
	}
	return s.client.Domain.Get(ctx, id)
}

// subscriptionReseller returns the reseller whose scope hs is in: its
// subscriber if that is a reseller, else its customer's reseller (nil for
// the administrator's customers).
func subscriptionReseller(ctx context.Context, c *ent.Client, hs *ent.HostingSubscription) (*int, error) {
	if hs.ResellerID != nil || hs.CustomerID == nil {
		return hs.ResellerID, nil
	}
	cu, err := c.Customer.Get(privacy.DecisionContext(ctx, privacy.Allow), *hs.CustomerID)
	if err != nil {
		return nil, err
	}
	return cu.ResellerID, nil
}
