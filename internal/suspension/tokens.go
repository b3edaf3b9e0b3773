package suspension

import (
	"context"

	"entgo.io/ent/dialect/sql"

	"github.com/hostpanel/panel/ent"
	"github.com/hostpanel/panel/ent/credential"
	"github.com/hostpanel/panel/ent/paneluser"
	"github.com/hostpanel/panel/ent/predicate"
	"github.com/hostpanel/panel/ent/privacy"
	"github.com/hostpanel/panel/ent/session"
	"github.com/hostpanel/panel/internal/bulk"
	"github.com/hostpanel/panel/internal/types"
)

// Suspending an account ends the interactive sessions (logins) and pending
// password resets of it and of its panel users (SPEC 3.4): they are deleted,
// so they stay dead after the account is activated again. Its API tokens are
// kept (issue 10): auth.Authenticate refuses every token whose principal, or
// an account above it, is not active, on every request, so they are refused
// while the suspension lasts and work again after activation. Changing the
// login or password, and deleting the account, still end them.
//
// The sessions are found with one SELECT per kind of principal, each a chain
// of `col IN (SELECT ...)` over indexed columns that MariaDB runs as a
// semi-join driven by the IDs (ent's Has...With predicates are correlated
// EXISTS, which scan the whole credentials table), and deleted by ID, one
// DELETE per 1,000 sessions (MariaDB before 11.1 runs a DELETE with an IN
// subquery as a scan of the whole sessions table).

// revokeCustomers deletes the sessions (not the API tokens) of the
// customers of ids and of their panel users.
func revokeCustomers(ctx context.Context, c *ent.Client, ids []int) error {
	return revoke(ctx, c,
		credentialsWhere(credential.CustomerColumn, inInts(ids)),
		credentialsWhere(credential.PanelUserColumn, selectIDs(paneluser.Table, paneluser.FieldCustomerID, inInts(ids))),
	)
}

// revokeResellers deletes the sessions (not the API tokens) of the resellers
// of ids and of their panel users; those of their customers go with
// revokeCustomers.
func revokeResellers(ctx context.Context, c *ent.Client, ids []int) error {
	return revoke(ctx, c,
		credentialsWhere(credential.ResellerColumn, inInts(ids)),
		credentialsWhere(credential.PanelUserColumn, selectIDs(paneluser.Table, paneluser.FieldResellerID, inInts(ids))),
	)
}

// in is the right-hand side of an IN: a list of IDs or a sub-select.
type in func(col string) *sql.Predicate

func inInts(ids []int) in {
	return func(col string) *sql.Predicate { return sql.InInts(col, ids...) }
}

// selectIDs is `SELECT id FROM table WHERE col IN rhs`.
func selectIDs(table, col string, rhs in) in {
	return func(outer string) *sql.Predicate {
		t := sql.Table(table)
		return sql.In(outer, sql.Select(t.C("id")).From(t).Where(rhs(t.C(col))))
	}
}

// credentialsWhere matches the sessions of the credentials whose account
// column col is IN rhs.
func credentialsWhere(col string, rhs in) predicate.Session {
	return func(s *sql.Selector) {
		s.Where(selectIDs(credential.Table, col, rhs)(s.C(session.FieldCredentialID)))
	}
}

// revoke deletes every session matching any of ps that is not an API
// token. Sessions are system data: the callers have already checked the
// accounts are in the viewer's scope.
func revoke(ctx context.Context, c *ent.Client, ps ...predicate.Session) error {
	sys := privacy.DecisionContext(ctx, privacy.Allow)
	var ids []int
	for _, p := range ps {
		found, err := c.Session.Query().Where(p, session.KindNEQ(types.SessionAPI)).IDs(sys)
		if err != nil {
			return err
		}
		ids = append(ids, found...)
	}
	for _, chunk := range bulk.Chunks(ids) {
		if _, err := c.Session.Delete().Where(session.IDIn(chunk...)).Exec(sys); err != nil {
			return err
		}
	}
	return nil
}
