// Package plans holds the rules for service plans and reseller plans (SPEC
// 3.8). Each method owns its transaction.
package plans

import (
	"context"
	"fmt"

	"github.com/hostpanel/panel/ent"
	"github.com/hostpanel/panel/internal/accounts"
	"github.com/hostpanel/panel/internal/apperr"
	"github.com/hostpanel/panel/internal/audit"
	"github.com/hostpanel/panel/internal/txn"
	"github.com/hostpanel/panel/internal/types"
	"github.com/hostpanel/panel/internal/validate"
	"github.com/hostpanel/panel/internal/viewer"
)

// Service implements the plan operations.
type Service struct{ client *ent.Client }

// NewService returns a Service.
func NewService(client *ent.Client) *Service { return &Service{client: client} }

// ResourceLimitsInput is the API's ResourceLimitsInput (nil: unlimited).
type ResourceLimitsInput struct {
	DiskSpaceMb, TrafficMbPerMonth, Domains, Subdomains, Mailboxes, Databases, FtpAccounts *int
}

// Values returns the limits widened to the stored type, reporting negative ones.
func (l *ResourceLimitsInput) Values(errs *apperr.List, path ...string) [7]*int64 {
	var out [7]*int64
	if l == nil {
		return out
	}
	for i, v := range []*int{l.DiskSpaceMb, l.TrafficMbPerMonth, l.Domains, l.Subdomains, l.Mailboxes, l.Databases, l.FtpAccounts} {
		if v == nil {
			continue
		}
		if *v < 0 {
			errs.Add(apperr.New(apperr.Invalid, "limits cannot be negative", path...))
			return out
		}
		x := int64(*v)
		out[i] = &x
	}
	return out
}

// CreateServicePlanInput is the API's CreateServicePlanInput.
type CreateServicePlanInput struct {
	Name         string
	Limits       *ResourceLimitsInput
	Permissions  []types.Permission
	Applications []string
	// OwnerID is ADMIN only (a reseller's plan); default: the viewer.
	OwnerID *int
}

// CreateServicePlan creates a plan of the viewer or, for the administrator,
// of the reseller it names.
func (s *Service) CreateServicePlan(ctx context.Context, in CreateServicePlanInput) (*ent.ServicePlan, error) {
	v := viewer.FromContext(ctx)
	var errs apperr.List
	name, err := validate.PlanName(in.Name)
	if err != nil {
		errs.Add(apperr.New(apperr.Invalid, err.Error(), "name"))
	}
	lim := in.Limits.Values(&errs, "limits")
	apps := accounts.Applications(&errs, in.Applications, "applications")
	if in.OwnerID != nil && !v.Is(viewer.Admin) && *in.OwnerID != v.ResellerID {
		errs.Add(apperr.New(apperr.Forbidden, "only the administrator chooses the owner", "ownerId"))
	}
	if len(errs) > 0 {
		return nil, errs
	}
	var id int
	err = txn.Run(ctx, s.client, func(c *ent.Client) error {
		var owner *int
		switch {
		case v.Is(viewer.Reseller):
			owner = &v.ResellerID
		case in.OwnerID != nil:
			r, err := accounts.Owner(ctx, c, *in.OwnerID, "ownerId")
			if err != nil {
				return err
			}
			if r != nil {
				owner = &r.ID
			}
		}
		p, err := c.ServicePlan.Create().
			SetName(name).SetNillableResellerID(owner).
			SetNillableLimitDiskSpaceMB(lim[0]).SetNillableLimitTrafficMBPerMonth(lim[1]).
			SetNillableLimitDomains(lim[2]).SetNillableLimitSubdomains(lim[3]).
			SetNillableLimitMailboxes(lim[4]).SetNillableLimitDatabases(lim[5]).
			SetNillableLimitFtpAccounts(lim[6]).
			SetPermissions(accounts.Permissions(in.Permissions)).SetApplications(apps).
			Save(ctx)
		if err != nil {
			return err
		}
		id = p.ID
		return audit.Record(ctx, c, audit.Event{
			Action: "service_plan.create", Targets: []int{p.ID}, ScopeResellerID: owner,
			Summary: fmt.Sprintf("created service plan %q", p.Name),
		})
	})
	if err != nil {
		return nil, err
	}
	return s.client.ServicePlan.Get(ctx, id)
}

// CreateResellerPlanInput is the API's CreateResellerPlanInput.
type CreateResellerPlanInput struct {
	Name         string
	Limits       *accounts.ResellerLimitsInput
	Permissions  []types.Permission
	Applications []string
	Oversell     bool
}

// CreateResellerPlan creates a reseller plan (administrator only).
func (s *Service) CreateResellerPlan(ctx context.Context, in CreateResellerPlanInput) (*ent.ResellerPlan, error) {
	var errs apperr.List
	name, err := validate.PlanName(in.Name)
	if err != nil {
		errs.Add(apperr.New(apperr.Invalid, err.Error(), "name"))
	}
	l := in.Limits
	if l == nil {
		l = &accounts.ResellerLimitsInput{}
	}
	vals := (&ResourceLimitsInput{l.DiskSpaceMb, l.TrafficMbPerMonth, l.Domains, l.Customers, l.Mailboxes, l.Databases, l.Subscriptions}).Values(&errs, "limits")
	apps := accounts.Applications(&errs, in.Applications, "applications")
	if len(errs) > 0 {
		return nil, errs
	}
	var id int
	err = txn.Run(ctx, s.client, func(c *ent.Client) error {
		p, err := c.ResellerPlan.Create().
			SetName(name).
			SetNillableLimitDiskSpaceMB(vals[0]).SetNillableLimitTrafficMBPerMonth(vals[1]).
			SetNillableLimitDomains(vals[2]).SetNillableLimitCustomers(vals[3]).
			SetNillableLimitMailboxes(vals[4]).SetNillableLimitDatabases(vals[5]).
			SetNillableLimitSubscriptions(vals[6]).
			SetPermissions(accounts.Permissions(in.Permissions)).SetApplications(apps).
			SetOversell(in.Oversell).
			Save(ctx)
		if err != nil {
			return err
		}
		id = p.ID
		return audit.Record(ctx, c, audit.Event{
			Action: "reseller_plan.create", Targets: []int{p.ID},
			Summary: fmt.Sprintf("created reseller plan %q", p.Name),
		})
	})
	if err != nil {
		return nil, err
	}
	return s.client.ResellerPlan.Get(ctx, id)
}
