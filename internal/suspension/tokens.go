package suspension

import (
	"context"

	"github.com/hostpanel/panel/ent"
	"github.com/hostpanel/panel/ent/credential"
	"github.com/hostpanel/panel/ent/customer"
	"github.com/hostpanel/panel/ent/paneluser"
	"github.com/hostpanel/panel/ent/predicate"
	"github.com/hostpanel/panel/ent/privacy"
	"github.com/hostpanel/panel/ent/reseller"
	"github.com/hostpanel/panel/ent/session"
)

// Suspending an account ends every session and API token of it and of its
// panel users (SPEC 3.4, ENGINEERING 7): the tokens are deleted, so they stay
// dead after the account is activated again. Each revocation is one DELETE
// per chunk, whatever the number of accounts.

// revokeCustomers deletes the sessions and tokens of the customers of ids
// and of their panel users.
func revokeCustomers(ctx context.Context, c *ent.Client, ids []int) error {
	return revoke(ctx, c, credential.Or(
		credential.HasCustomerWith(customer.IDIn(ids...)),
		credential.HasPanelUserWith(paneluser.CustomerIDIn(ids...)),
	))
}

// revokeResellers deletes the sessions and tokens of the resellers of ids,
// of their customers and of the panel users of both.
func revokeResellers(ctx context.Context, c *ent.Client, ids []int) error {
	return revoke(ctx, c, credential.Or(
		credential.HasResellerWith(reseller.IDIn(ids...)),
		credential.HasCustomerWith(customer.ResellerIDIn(ids...)),
		credential.HasPanelUserWith(paneluser.Or(
			paneluser.ResellerIDIn(ids...),
			paneluser.HasCustomerWith(customer.ResellerIDIn(ids...)),
		)),
	))
}

// revoke deletes every session of the credentials matching p. Sessions are
// system data: the callers have already checked the accounts are in the
// viewer's scope.
func revoke(ctx context.Context, c *ent.Client, p predicate.Credential) error {
	_, err := c.Session.Delete().Where(session.HasCredentialWith(p)).
		Exec(privacy.DecisionContext(ctx, privacy.Allow))
	return err
}
