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
	"github.com/hostpanel/panel/internal/bulk"
	"github.com/hostpanel/panel/internal/types"
)

// Every statement here filters on literal IN lists of at most 1,000 IDs
// over an indexed column. The IDs one level down are read first (a SELECT
// per table per chunk) rather than nested as `col IN (SELECT ...)`:
// MariaDB before 11.1 runs such a subquery in an UPDATE or DELETE as a
// dependent subquery over a full scan of the table, while the SELECTs use
// their indexes on both databases.

// tree is what hangs below a set of accounts: their subscriptions, their
// panel users and the accounts' own credentials.
type tree struct {
	subscriptions []int
	panelUsers    []int
	// accountCredentials matches the credentials of the accounts
	// themselves. The credential holds the foreign key of its one-to-one
	// edge to the account, so it is matched on that column.
	accountCredentials predicate.Credential
}

// deleteTree removes t, child tables first: sessions and tokens,
// credentials, domains, subscriptions, panel users. It returns what was
// removed; the accounts themselves are left to the caller.
func deleteTree(ctx context.Context, c *ent.Client, t tree) (Summary, error) {
	var sum Summary
	for _, chunk := range bulk.Chunks(t.subscriptions) {
		names, err := c.Domain.Query().Where(domain.SubscriptionIDIn(chunk...)).
			Select(domain.FieldName).Strings(ctx)
		if err != nil {
			return sum, err
		}
		sum.DomainNames = append(sum.DomainNames, names...)
	}
	// The credentials go in groups of at most 1,000 (one per account): the
	// accounts', then those of each chunk of panel users.
	groups := []predicate.Credential{t.accountCredentials}
	for _, chunk := range bulk.Chunks(t.panelUsers) {
		groups = append(groups, predicate.Credential(sql.FieldIn(credential.PanelUserColumn, chunk...)))
	}
	for _, g := range groups {
		creds, err := c.Credential.Query().Where(g).IDs(ctx)
		if err != nil {
			return sum, err
		}
		if len(creds) == 0 {
			continue
		}
		if _, err := c.Session.Delete().Where(session.CredentialIDIn(creds...)).Exec(ctx); err != nil {
			return sum, err
		}
		if _, err := c.Credential.Delete().Where(credential.IDIn(creds...)).Exec(ctx); err != nil {
			return sum, err
		}
	}
	for _, chunk := range bulk.Chunks(t.subscriptions) {
		n, err := c.Domain.Delete().Where(domain.SubscriptionIDIn(chunk...)).Exec(ctx)
		if err != nil {
			return sum, err
		}
		sum.Domains += n
		if n, err = c.HostingSubscription.Delete().Where(hostingsubscription.IDIn(chunk...)).Exec(ctx); err != nil {
			return sum, err
		}
		sum.Subscriptions += n
	}
	for _, chunk := range bulk.Chunks(t.panelUsers) {
		n, err := c.PanelUser.Delete().Where(paneluser.IDIn(chunk...)).Exec(ctx)
		if err != nil {
			return sum, err
		}
		sum.PanelUsers += n
	}
	return sum, nil
}

// deleteCustomerTrees deletes the customers of ids (at most one chunk)
// with everything below them.
func deleteCustomerTrees(ctx context.Context, c *ent.Client, ids []int) (Summary, error) {
	subs, err := c.HostingSubscription.Query().Where(hostingsubscription.CustomerIDIn(ids...)).IDs(ctx)
	if err != nil {
		return Summary{}, err
	}
	pus, err := c.PanelUser.Query().Where(paneluser.CustomerIDIn(ids...)).IDs(ctx)
	if err != nil {
		return Summary{}, err
	}
	sum, err := deleteTree(ctx, c, tree{
		subscriptions: subs, panelUsers: pus,
		accountCredentials: predicate.Credential(sql.FieldIn(credential.CustomerColumn, ids...)),
	})
	if err != nil {
		return sum, err
	}
	if _, err := c.Description.Delete().Where(description.CustomerIDIn(ids...)).Exec(ctx); err != nil {
		return sum, err
	}
	sum.Customers, err = c.Customer.Delete().Where(customer.IDIn(ids...)).Exec(ctx)
	return sum, err
}

// deleteResellerTrees deletes the resellers of rs (at most one chunk),
// whose customers are gone or moved, with their own subscriptions, panel
// users, credentials and service plans.
func deleteResellerTrees(ctx context.Context, c *ent.Client, rs []int) (Summary, error) {
	subs, err := c.HostingSubscription.Query().Where(hostingsubscription.ResellerIDIn(rs...)).IDs(ctx)
	if err != nil {
		return Summary{}, err
	}
	pus, err := c.PanelUser.Query().Where(paneluser.ResellerIDIn(rs...)).IDs(ctx)
	if err != nil {
		return Summary{}, err
	}
	sum, err := deleteTree(ctx, c, tree{
		subscriptions: subs, panelUsers: pus,
		accountCredentials: predicate.Credential(sql.FieldIn(credential.ResellerColumn, rs...)),
	})
	if err != nil {
		return sum, err
	}
	// Notes the resellers wrote on customers that stay (moved away earlier,
	// or moved to the administrator now) are kept, readable by the
	// administrator only; the foreign key to the reseller would cascade,
	// so the author is cleared first.
	if err := c.Description.Update().Where(description.ResellerIDIn(rs...)).ClearReseller().Exec(ctx); err != nil {
		return sum, err
	}
	// Subscriptions still on the resellers' plans keep their values as
	// Custom; then the plans go.
	plans, err := c.ServicePlan.Query().Where(serviceplan.ResellerIDIn(rs...)).IDs(ctx)
	if err != nil {
		return sum, err
	}
	for _, chunk := range bulk.Chunks(plans) {
		if err := c.HostingSubscription.Update().Where(hostingsubscription.ServicePlanIDIn(chunk...)).
			ClearServicePlanID().SetPlanSync(types.PlanCustom).Exec(ctx); err != nil {
			return sum, err
		}
		if _, err := c.ServicePlan.Delete().Where(serviceplan.IDIn(chunk...)).Exec(ctx); err != nil {
			return sum, err
		}
	}
	_, err = c.Reseller.Delete().Where(reseller.IDIn(rs...)).Exec(ctx)
	return sum, err
}

// moveToAdministrator makes the customers of ids (at most one chunk) the
// administrator's and returns how many moved. Their subscriptions keep
// their values as Custom; PARENT (the reseller's suspension) is lifted from
// the customers, and from the subscriptions of each customer left without
// a source.
func moveToAdministrator(ctx context.Context, c *ent.Client, ids []int) (int, error) {
	if err := c.HostingSubscription.Update().Where(hostingsubscription.CustomerIDIn(ids...)).
		ClearServicePlanID().SetPlanSync(types.PlanCustom).Exec(ctx); err != nil {
		return 0, err
	}
	if err := c.Customer.Update().Where(customer.IDIn(ids...), customer.SuspendedParentAtNotNil()).
		ClearSuspendedParentAt().ClearSuspendedParentReason().Exec(ctx); err != nil {
		return 0, err
	}
	if err := c.Customer.Update().
		Where(customer.IDIn(ids...), customer.StatusEQ(types.StatusSuspended), customer.SuspendedAdminAtIsNil(),
			customer.SuspendedResellerAtIsNil(), customer.SuspendedParentAtIsNil()).
		SetStatus(types.StatusActive).Exec(ctx); err != nil {
		return 0, err
	}
	// The IN list bounds the rows; the subquery only filters them.
	active := hostingsubscription.And(hostingsubscription.CustomerIDIn(ids...),
		hostingsubscription.HasCustomerWith(customer.StatusEQ(types.StatusActive)))
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
	return c.Customer.Update().Where(customer.IDIn(ids...)).ClearReseller().Save(ctx)
}
