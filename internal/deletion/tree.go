package deletion

import (
	"context"

	"entgo.io/ent/dialect/sql"

	"github.com/hostpanel/panel/ent"
	"github.com/hostpanel/panel/ent/credential"
	"github.com/hostpanel/panel/ent/customer"
	"github.com/hostpanel/panel/ent/description"
	"github.com/hostpanel/panel/ent/domain"
	"github.com/hostpanel/panel/ent/hostingsubscription"
	"github.com/hostpanel/panel/ent/paneluser"
	"github.com/hostpanel/panel/ent/predicate"
	"github.com/hostpanel/panel/ent/reseller"
	"github.com/hostpanel/panel/ent/serviceplan"
	"github.com/hostpanel/panel/ent/session"
	"github.com/hostpanel/panel/internal/types"
)

// part is one set of accounts whose trees a deletion removes, as a
// predicate per table. A deletion is a list of parts, each deleted with
// its own statements rather than OR-ed into one: a plain IN list or one
// subquery per statement uses the index on both SQLite and MariaDB.
type part struct {
	subscriptions predicate.HostingSubscription
	panelUsers    predicate.PanelUser
	// accountCredentials are the credentials of the accounts themselves
	// (the panel users' are found through panelUsers). The credential
	// holds the foreign key of its one-to-one edge, so it is matched on
	// that column.
	accountCredentials predicate.Credential
	// descriptions and customers are nil when the part deletes no
	// customers.
	descriptions predicate.Description
	customers    predicate.Customer
}

// customersPart is the customers of ids.
func customersPart(ids []int) part {
	return part{
		subscriptions:      hostingsubscription.CustomerIDIn(ids...),
		panelUsers:         paneluser.CustomerIDIn(ids...),
		accountCredentials: predicate.Credential(sql.FieldIn(credential.CustomerColumn, ids...)),
		descriptions:       description.CustomerIDIn(ids...),
		customers:          customer.IDIn(ids...),
	}
}

// resellersCustomersPart is the customers of the resellers rs.
func resellersCustomersPart(rs []int) part {
	theirs := customer.ResellerIDIn(rs...)
	return part{
		subscriptions:      hostingsubscription.HasCustomerWith(theirs),
		panelUsers:         paneluser.HasCustomerWith(theirs),
		accountCredentials: credential.HasCustomerWith(theirs),
		descriptions:       description.HasCustomerWith(theirs),
		customers:          theirs,
	}
}

// resellersPart is what the resellers rs hold themselves: their own
// subscriptions, panel users and credentials (the reseller rows and plans
// go in deleteResellers).
func resellersPart(rs []int) part {
	return part{
		subscriptions:      hostingsubscription.ResellerIDIn(rs...),
		panelUsers:         paneluser.ResellerIDIn(rs...),
		accountCredentials: predicate.Credential(sql.FieldIn(credential.ResellerColumn, rs...)),
	}
}

// deleteTree removes the parts, child tables first, and returns what was
// removed. The statements are a fixed list per part, whatever the number
// of rows.
func deleteTree(ctx context.Context, c *ent.Client, parts []part) (Summary, error) {
	var sum Summary
	var creds []predicate.Credential
	for _, p := range parts {
		names, err := c.Domain.Query().Where(domain.HasSubscriptionWith(p.subscriptions)).
			Select(domain.FieldName).Strings(ctx)
		if err != nil {
			return sum, err
		}
		sum.DomainNames = append(sum.DomainNames, names...)
		creds = append(creds, p.accountCredentials, credential.HasPanelUserWith(p.panelUsers))
	}
	for _, cp := range creds {
		if _, err := c.Session.Delete().Where(session.HasCredentialWith(cp)).Exec(ctx); err != nil {
			return sum, err
		}
	}
	for _, cp := range creds {
		if _, err := c.Credential.Delete().Where(cp).Exec(ctx); err != nil {
			return sum, err
		}
	}
	for _, p := range parts {
		n, err := c.Domain.Delete().Where(domain.HasSubscriptionWith(p.subscriptions)).Exec(ctx)
		if err != nil {
			return sum, err
		}
		sum.Domains += n
	}
	for _, p := range parts {
		n, err := c.HostingSubscription.Delete().Where(p.subscriptions).Exec(ctx)
		if err != nil {
			return sum, err
		}
		sum.Subscriptions += n
	}
	for _, p := range parts {
		if p.descriptions == nil {
			continue
		}
		if _, err := c.Description.Delete().Where(p.descriptions).Exec(ctx); err != nil {
			return sum, err
		}
	}
	for _, p := range parts {
		n, err := c.PanelUser.Delete().Where(p.panelUsers).Exec(ctx)
		if err != nil {
			return sum, err
		}
		sum.PanelUsers += n
	}
	for _, p := range parts {
		if p.customers == nil {
			continue
		}
		n, err := c.Customer.Delete().Where(p.customers).Exec(ctx)
		if err != nil {
			return sum, err
		}
		sum.Customers += n
	}
	return sum, nil
}

// deleteResellers removes the reseller rows of rs and their service plans,
// after deleteTree removed everything else they held.
func deleteResellers(ctx context.Context, c *ent.Client, rs []int) error {
	// Notes the resellers wrote on customers that stay (moved away earlier,
	// or moved to the administrator now) are kept, readable by the
	// administrator only; the foreign key to the reseller would cascade,
	// so the author is cleared first.
	if err := c.Description.Update().Where(description.ResellerIDIn(rs...)).ClearReseller().Exec(ctx); err != nil {
		return err
	}
	// Subscriptions still on the resellers' plans keep their values as
	// Custom; then the plans go.
	plans := hostingsubscription.HasPlanWith(serviceplan.ResellerIDIn(rs...))
	if err := c.HostingSubscription.Update().Where(plans).
		ClearServicePlanID().SetPlanSync(types.PlanCustom).Exec(ctx); err != nil {
		return err
	}
	if _, err := c.ServicePlan.Delete().Where(serviceplan.ResellerIDIn(rs...)).Exec(ctx); err != nil {
		return err
	}
	_, err := c.Reseller.Delete().Where(reseller.IDIn(rs...)).Exec(ctx)
	return err
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
