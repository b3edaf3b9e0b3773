package accounts

import (
	"context"
	"fmt"
	"time"

	"github.com/hostpanel/panel/ent"
	"github.com/hostpanel/panel/ent/administrator"
	"github.com/hostpanel/panel/ent/customer"
	"github.com/hostpanel/panel/ent/reseller"
	"github.com/hostpanel/panel/internal/apperr"
	"github.com/hostpanel/panel/internal/audit"
	"github.com/hostpanel/panel/internal/auth"
	"github.com/hostpanel/panel/internal/limits"
	"github.com/hostpanel/panel/internal/txn"
	"github.com/hostpanel/panel/internal/types"
	"github.com/hostpanel/panel/internal/viewer"
)

// Service implements the account operations.
type Service struct {
	client *ent.Client
	hasher auth.Hasher
}

// NewService returns a Service.
func NewService(client *ent.Client, hasher auth.Hasher) *Service {
	return &Service{client: client, hasher: hasher}
}

// CreateCustomerInput is the API's CreateCustomerInput.
type CreateCustomerInput struct {
	Credentials
	Contact
	Description *string
	// OwnerID is an Administrator or Reseller; ADMIN only. Default: the viewer.
	OwnerID *int
}

// Owner resolves an owner ID (an Administrator or a Reseller) within the
// viewer's scope: (nil, nil) is the administrator.
func Owner(ctx context.Context, c *ent.Client, id int, path ...string) (*ent.Reseller, error) {
	r, err := c.Reseller.Get(ctx, id)
	if err == nil {
		return r, nil
	}
	if !ent.IsNotFound(err) {
		return nil, err
	}
	ok, err := c.Administrator.Query().Where(administrator.ID(id)).Exist(ctx)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, apperr.New(apperr.NotFound, "no such owner", path...)
	}
	return nil, nil
}

// CreateCustomer creates a customer of the viewer (a reseller) or of the
// owner the administrator names, checking the reseller's customer limit.
func (s *Service) CreateCustomer(ctx context.Context, in CreateCustomerInput) (*ent.Customer, error) {
	v := viewer.FromContext(ctx)
	var errs apperr.List
	in.Credentials.normalize(&errs)
	in.Contact.normalize(&errs)
	desc := optional(&errs, "description", in.Description, text("description", 10000))
	if in.OwnerID != nil && !v.Is(viewer.Admin) && *in.OwnerID != v.ResellerID {
		errs.Add(apperr.New(apperr.Forbidden, "only the administrator chooses the owner", "ownerId"))
	}
	if len(errs) > 0 {
		return nil, errs
	}
	var id int
	err := txn.Run(ctx, s.client, func(c *ent.Client) error {
		var owner *ent.Reseller
		switch {
		case v.Is(viewer.Reseller):
			r, err := c.Reseller.Get(ctx, v.ResellerID)
			if err != nil {
				return err
			}
			owner = r
		case in.OwnerID != nil:
			r, err := Owner(ctx, c, *in.OwnerID, "ownerId")
			if err != nil {
				return err
			}
			owner = r
		}
		if e := loginFree(ctx, c, in.Login, "login"); e != nil {
			return e
		}
		if in.ExternalID != nil {
			if ok, err := c.Customer.Query().Where(customer.ExternalID(*in.ExternalID)).Exist(system(ctx)); err != nil {
				return err
			} else if ok {
				return apperr.New(apperr.Taken, "this external ID is already in use", "externalId")
			}
		}
		var scope *int
		if owner != nil {
			scope = &owner.ID
			if err := limits.Lock(ctx, c, owner.ID); err != nil {
				return err
			}
			u, err := limits.Load(ctx, c, []int{owner.ID})
			if err != nil {
				return err
			}
			if e := limits.Check(owner, u[owner.ID], limits.Delta{Customers: 1}, "ownerId"); e != nil {
				return e
			}
		}
		cred, err := newCredential(ctx, c, s.hasher, in.Credentials)
		if err != nil {
			return constraint(err, "login")
		}
		cb := c.Customer.Create().
			SetLogin(in.Login).
			SetName(in.Name).SetEmail(in.Email).
			SetNillableCompany(in.Company).SetNillablePhone(in.Phone).SetNillableFax(in.Fax).
			SetNillableAddress(in.Address).SetNillableCity(in.City).SetNillableState(in.State).
			SetNillablePostalCode(in.PostalCode).SetNillableCountry(in.Country).SetNillableLocale(in.Locale).
			SetNillableExternalID(in.ExternalID).
			SetNillableResellerID(scope).
			SetCredential(cred)
		if owner != nil && owner.Status == types.StatusSuspended {
			// A customer of a suspended reseller starts suspended from above
			// (SPEC 3.4), and is activated with its reseller.
			cb.SetStatus(types.StatusSuspended).SetSuspendedParentAt(time.Now())
		}
		cu, err := cb.Save(ctx)
		if err != nil {
			return constraint(err, "externalId")
		}
		id = cu.ID
		if desc != nil {
			dc := c.Description.Create().SetCustomerID(cu.ID).SetText(*desc).SetSide(types.SideAdmin)
			if v.Is(viewer.Reseller) {
				dc.SetSide(types.SideReseller).SetResellerID(v.ResellerID)
			}
			if err := dc.Exec(ctx); err != nil {
				return err
			}
		}
		return audit.Record(ctx, c, audit.Event{
			Action: "customer.create", Targets: []int{cu.ID}, ScopeResellerID: scope,
			Summary: fmt.Sprintf("created customer %s", cu.Login),
		})
	})
	if err != nil {
		return nil, err
	}
	return s.client.Customer.Get(ctx, id)
}

// CreateResellerInput is the API's CreateResellerInput.
type CreateResellerInput struct {
	Credentials
	Contact
	// PlanID is a reseller plan; nil: Custom, from the fields below.
	PlanID       *int
	Limits       *ResellerLimitsInput
	Permissions  []types.Permission
	Applications []string
	Oversell     *bool
}

// ResellerLimitsInput is the API's ResellerLimitsInput (nil: unlimited).
type ResellerLimitsInput struct {
	Customers, Subscriptions, DiskSpaceMb, TrafficMbPerMonth, Domains, Mailboxes, Databases *int
}

// CreateReseller creates a reseller on a plan or with Custom values.
func (s *Service) CreateReseller(ctx context.Context, in CreateResellerInput) (*ent.Reseller, error) {
	var errs apperr.List
	in.Credentials.normalize(&errs)
	in.Contact.normalize(&errs)
	lim := in.Limits
	if lim == nil {
		lim = &ResellerLimitsInput{}
	}
	checkLimits(&errs, []string{"limits"}, lim.Customers, lim.Subscriptions, lim.DiskSpaceMb,
		lim.TrafficMbPerMonth, lim.Domains, lim.Mailboxes, lim.Databases)
	apps := Applications(&errs, in.Applications, "applications")
	if in.PlanID != nil && (in.Limits != nil || in.Permissions != nil || in.Applications != nil || in.Oversell != nil) {
		errs.Add(apperr.New(apperr.Invalid, "give either a plan or Custom values, not both", "planId"))
	}
	if len(errs) > 0 {
		return nil, errs
	}
	var id int
	err := txn.Run(ctx, s.client, func(c *ent.Client) error {
		if e := loginFree(ctx, c, in.Login, "login"); e != nil {
			return e
		}
		if in.ExternalID != nil {
			if ok, err := c.Reseller.Query().Where(reseller.ExternalID(*in.ExternalID)).Exist(ctx); err != nil {
				return err
			} else if ok {
				return apperr.New(apperr.Taken, "this external ID is already in use", "externalId")
			}
		}
		rc := c.Reseller.Create().
			SetLogin(in.Login).
			SetName(in.Name).SetEmail(in.Email).
			SetNillableCompany(in.Company).SetNillablePhone(in.Phone).SetNillableFax(in.Fax).
			SetNillableAddress(in.Address).SetNillableCity(in.City).SetNillableState(in.State).
			SetNillablePostalCode(in.PostalCode).SetNillableCountry(in.Country).SetNillableLocale(in.Locale).
			SetNillableExternalID(in.ExternalID)
		if in.PlanID != nil {
			p, err := c.ResellerPlan.Get(ctx, *in.PlanID)
			if ent.IsNotFound(err) {
				return apperr.New(apperr.NotFound, "no such reseller plan", "planId")
			}
			if err != nil {
				return err
			}
			rc.SetPlan(p).
				SetNillableLimitCustomers(p.LimitCustomers).SetNillableLimitSubscriptions(p.LimitSubscriptions).
				SetNillableLimitDiskSpaceMB(p.LimitDiskSpaceMB).SetNillableLimitTrafficMBPerMonth(p.LimitTrafficMBPerMonth).
				SetNillableLimitDomains(p.LimitDomains).SetNillableLimitMailboxes(p.LimitMailboxes).
				SetNillableLimitDatabases(p.LimitDatabases).
				SetPermissions(p.Permissions).SetApplications(p.Applications).SetOversell(p.Oversell)
		} else {
			rc.SetNillableLimitCustomers(i64(lim.Customers)).SetNillableLimitSubscriptions(i64(lim.Subscriptions)).
				SetNillableLimitDiskSpaceMB(i64(lim.DiskSpaceMb)).SetNillableLimitTrafficMBPerMonth(i64(lim.TrafficMbPerMonth)).
				SetNillableLimitDomains(i64(lim.Domains)).SetNillableLimitMailboxes(i64(lim.Mailboxes)).
				SetNillableLimitDatabases(i64(lim.Databases)).
				SetPermissions(Permissions(in.Permissions)).SetApplications(apps).
				SetNillableOversell(in.Oversell)
		}
		cred, err := newCredential(ctx, c, s.hasher, in.Credentials)
		if err != nil {
			return constraint(err, "login")
		}
		r, err := rc.SetCredential(cred).Save(ctx)
		if err != nil {
			return constraint(err, "externalId")
		}
		id = r.ID
		return audit.Record(ctx, c, audit.Event{
			Action: "reseller.create", Targets: []int{r.ID}, ScopeResellerID: &r.ID,
			Summary: fmt.Sprintf("created reseller %s", r.Login),
		})
	})
	if err != nil {
		return nil, err
	}
	return s.client.Reseller.Get(ctx, id)
}

// CreatePanelUserInput is the API's CreatePanelUserInput.
type CreatePanelUserInput struct {
	Credentials
	// AccountID is a Customer or Reseller; default: the viewer's account.
	AccountID *int
	Name      string
	Email     string
	Role      types.PanelUserRole
}

// CreatePanelUser adds a panel user to a customer or reseller account in
// the viewer's scope.
func (s *Service) CreatePanelUser(ctx context.Context, in CreatePanelUserInput) (*ent.PanelUser, error) {
	v := viewer.FromContext(ctx)
	var errs apperr.List
	in.Credentials.normalize(&errs)
	ct := Contact{Name: in.Name, Email: in.Email}
	ct.normalize(&errs)
	if len(errs) > 0 {
		return nil, errs
	}
	if in.Role == "" {
		in.Role = types.PanelUserWebmaster
	}
	var id int
	err := txn.Run(ctx, s.client, func(c *ent.Client) error {
		pc := c.PanelUser.Create().SetLogin(in.Login).SetName(ct.Name).SetEmail(ct.Email).SetRole(in.Role)
		var scope *int
		accountID := v.AccountID()
		if in.AccountID != nil {
			accountID = *in.AccountID
		}
		if cu, err := c.Customer.Get(ctx, accountID); err == nil {
			pc.SetCustomerID(cu.ID)
			scope = cu.ResellerID
		} else if !ent.IsNotFound(err) {
			return err
		} else if r, err := c.Reseller.Get(ctx, accountID); err == nil &&
			(v.Is(viewer.Admin) || v.Is(viewer.Reseller) && r.ID == v.ResellerID) {
			// Customers may read their owner, never add logins to it.
			pc.SetResellerID(r.ID)
			scope = &r.ID
		} else if err == nil || ent.IsNotFound(err) {
			return apperr.New(apperr.NotFound, "no such customer or reseller", "accountId")
		} else {
			return err
		}
		if e := loginFree(ctx, c, in.Login, "login"); e != nil {
			return e
		}
		cred, err := newCredential(ctx, c, s.hasher, in.Credentials)
		if err != nil {
			return constraint(err, "login")
		}
		pu, err := pc.SetCredential(cred).Save(ctx)
		if err != nil {
			return constraint(err, "login")
		}
		id = pu.ID
		return audit.Record(ctx, c, audit.Event{
			Action: "panel_user.create", Targets: []int{pu.ID, accountID}, ScopeResellerID: scope,
			Summary: fmt.Sprintf("created panel user %s", pu.Login),
		})
	})
	if err != nil {
		return nil, err
	}
	return s.client.PanelUser.Get(ctx, id)
}
