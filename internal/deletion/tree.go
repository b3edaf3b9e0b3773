package deletion

import (
	"context"

	"github.com/hostpanel/panel/ent"
	"github.com/hostpanel/panel/ent/customer"
	"github.com/hostpanel/panel/ent/description"
	"github.com/hostpanel/panel/ent/domain"
	"github.com/hostpanel/panel/ent/hostingsubscription"
	"github.com/hostpanel/panel/ent/reseller"
	"github.com/hostpanel/panel/ent/serviceplan"
	"github.com/hostpanel/panel/ent/session"
	"github.com/hostpanel/panel/internal/types"
)

// deleteTree removes what t names, child tables first, and returns what was
// removed. The statements are the same whatever the number of rows: a
// fixed list per chunk.
func deleteTree(ctx context.Context, c *ent.Client, t target) (Summary, error) {
	var sum Summary
	subs := t.subscriptions()
	names, err := c.Domain.Query().Where(domain.HasSubscriptionWith(subs)).
		Select(domain.FieldName).Strings(ctx)
	if err != nil {
		return sum, err
	}
	sum.DomainNames = names
	creds := t.credentials()
	if _, err := c.Session.Delete().Where(session.HasCredentialWith(creds)).Exec(ctx); err != nil {
		return sum, err
	}
	if _, err := c.Credential.Delete().Where(creds).Exec(ctx); err != nil {
		return sum, err
	}
	if sum.Domains, err = c.Domain.Delete().Where(domain.HasSubscriptionWith(subs)).Exec(ctx); err != nil {
		return sum, err
	}
	if sum.Subscriptions, err = c.HostingSubscription.Delete().Where(subs).Exec(ctx); err != nil {
		return sum, err
	}
	if t.hasCustomers() {
		if _, err := c.Description.Delete().Where(t.descriptions()).Exec(ctx); err != nil {
			return sum, err
		}
	}
	if sum.PanelUsers, err = c.PanelUser.Delete().Where(t.panelUsers()).Exec(ctx); err != nil {
		return sum, err
	}
	if t.hasCustomers() {
		if sum.Customers, err = c.Customer.Delete().Where(t.customers()).Exec(ctx); err != nil {
			return sum, err
		}
	}
	if len(t.resellerIDs) == 0 {
		return sum, nil
	}
	rs := t.resellerIDs
	// Notes the resellers wrote on customers that are not deleted (moved
	// away earlier, or moved to the administrator now) stay, readable by
	// the administrator only; the foreign key to the reseller would
	// cascade, so the author is cleared first.
	if err := c.Description.Update().Where(description.ResellerIDIn(rs...)).ClearReseller().Exec(ctx); err != nil {
		return sum, err
	}
	// Subscriptions still on the resellers' plans keep their values as
	// Custom; then the plans go.
	plans := hostingsubscription.HasPlanWith(serviceplan.ResellerIDIn(rs...))
	if err := c.HostingSubscription.Update().Where(plans).
		ClearServicePlanID().SetPlanSync(types.PlanCustom).Exec(ctx); err != nil {
		return sum, err
	}
	if _, err := c.ServicePlan.Delete().Where(serviceplan.ResellerIDIn(rs...)).Exec(ctx); err != nil {
		return sum, err
	}
	_, err = c.Reseller.Delete().Where(reseller.IDIn(rs...)).Exec(ctx)
	return sum, err
}

// moveToAdministrator makes the customers of the resellers rs the
// administrator's and returns how many moved. Their subscriptions keep
// their values as Custom; PARENT (the reseller's suspension) is lifted from
// the customers, and from the subscriptions of each customer left without
// a source.
func moveToAdministrator(ctx context.Context, c *ent.Client, rs []int) (int, error) {
	theirs := customer.ResellerIDIn(rs...)
	if err := c.HostingSubscription.Update().Where(hostingsubscription.HasCustomerWith(theirs)).
		ClearServicePlanID().SetPlanSync(types.PlanCustom).Exec(ctx); err != nil {
		return 0, err
	}
	if err := c.Customer.Update().Where(theirs, customer.SuspendedParentAtNotNil()).
		ClearSuspendedParentAt().ClearSuspendedParentReason().Exec(ctx); err != nil {
		return 0, err
	}
	if err := c.Customer.Update().
		Where(theirs, customer.StatusEQ(types.StatusSuspended), customer.SuspendedAdminAtIsNil(),
			customer.SuspendedResellerAtIsNil(), customer.SuspendedParentAtIsNil()).
		SetStatus(types.StatusActive).Exec(ctx); err != nil {
		return 0, err
	}
	active := hostingsubscription.HasCustomerWith(theirs, customer.StatusEQ(types.StatusActive))
	if err := c.HostingSubscription.Update().Where(active, hostingsubscription.SuspendedParentAtNotNil()).
		ClearSuspendedParentAt().ClearSuspendedParentReason().Exec(ctx); err != nil {
		return 0, err
	}
	if err := c.HostingSubscription.Update().
		Where(active, hostingsubscription.StatusEQ(types.StatusSuspended), hostingsubscription.SuspendedAdminAtIsNil(),
			hostingsubscription.SuspendedResellerAtIsNil(), hostingsubscription.SuspendedParentAtIsNil()).
		SetStatus(types.StatusActive).Exec(ctx); err != nil {
		return 0, err
	}
	return c.Customer.Update().Where(theirs).ClearReseller().Save(ctx)
}
