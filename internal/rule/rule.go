// Package rule holds the ent privacy policies: the second layer of
// authorization (ENGINEERING section 4). Every query and mutation on a
// tenant-owned entity is filtered by the viewer's scope (SPEC section 1), so
// node(id), nested edges, eager loads, counts and bulk updates cannot reach
// outside it whatever code path asks. Code that must bypass the rules (login,
// migrations, seeding) says so with privacy.DecisionContext(ctx, privacy.Allow).
package rule

import (
	"context"
	"errors"

	"entgo.io/ent"
	"entgo.io/ent/entql"

	entgen "github.com/hostpanel/panel/ent"
	"github.com/hostpanel/panel/ent/privacy"
	"github.com/hostpanel/panel/internal/viewer"
)

// scopeFunc returns the rows v may reach as a filter. A nil filter with a nil
// error means every row; privacy.Deny means none.
type scopeFunc func(v *viewer.Viewer) (entql.P, error)

// createFunc decides whether v may create the entity of m.
type createFunc func(v *viewer.Viewer, m ent.Mutation) error

func all() (entql.P, error)  { return nil, nil }
func deny() (entql.P, error) { return nil, privacy.Deny }

// policy builds a policy that filters reads by read, updates and deletes by
// write, and decides creations with create. A request without a viewer is
// denied; read-only tokens may not mutate.
func policy(read, write scopeFunc, create createFunc) ent.Policy {
	apply := func(v *viewer.Viewer, scope scopeFunc, f privacy.Filter) error {
		p, err := scope(v)
		if err != nil {
			return err
		}
		if p != nil {
			f.Where(p)
		}
		return privacy.Allow
	}
	return privacy.Policy{
		Query: privacy.QueryPolicy{
			privacy.FilterFunc(func(ctx context.Context, f privacy.Filter) error {
				v := viewer.FromContext(ctx)
				if v == nil {
					return privacy.Denyf("no viewer")
				}
				err := apply(v, read, f)
				if errors.Is(err, privacy.Deny) {
					// Out of scope reads as missing, not as forbidden: an
					// empty result, never an error that tells them apart.
					f.Where(entql.FieldNil("id"))
					return privacy.Allow
				}
				return err
			}),
		},
		Mutation: privacy.MutationPolicy{
			privacy.MutationRuleFunc(func(ctx context.Context, m ent.Mutation) error {
				v := viewer.FromContext(ctx)
				switch {
				case v == nil:
					return privacy.Denyf("no viewer")
				case v.ReadOnly:
					return privacy.Denyf("read-only token")
				case m.Op().Is(ent.OpCreate):
					return create(v, m)
				}
				return privacy.FilterFunc(func(_ context.Context, f privacy.Filter) error {
					return apply(v, write, f)
				}).EvalMutation(ctx, m)
			}),
		},
	}
}

// roles allows creation by the given roles only.
func roles(rs ...viewer.Role) createFunc {
	return func(v *viewer.Viewer, _ ent.Mutation) error {
		if v.Is(rs...) {
			return privacy.Allow
		}
		return privacy.Deny
	}
}

// notPanelUser narrows a scope to non-panel-user viewers: panel users read.
func notPanelUser(s scopeFunc) scopeFunc {
	return func(v *viewer.Viewer) (entql.P, error) {
		if v.Is(viewer.PanelUser) {
			return deny()
		}
		return s(v)
	}
}

func eq(field string, id int) entql.P { return entql.FieldEQ(field, id) }

// owned is the predicate "the row belongs to reseller r": a reseller_id
// column holding r.
func owned(r int) entql.P { return eq("reseller_id", r) }

// ownedCustomer is "the row's customer belongs to reseller r".
func ownedCustomer(r int) entql.P { return entql.HasEdgeWith("customer", owned(r)) }

// AdministratorPolicy: every signed-in principal may read the administrator
// (the provider); only the administrator updates itself; nobody creates one
// outside system code.
func AdministratorPolicy() ent.Policy {
	write := func(v *viewer.Viewer) (entql.P, error) {
		if v.Is(viewer.Admin) {
			return all()
		}
		return deny()
	}
	return policy(func(*viewer.Viewer) (entql.P, error) { return all() }, write, roles())
}

// ResellerPolicy: the admin sees all resellers; a reseller (and its panel
// users) itself; a customer (and its panel users) the reseller that owns it.
func ResellerPolicy() ent.Policy {
	read := func(v *viewer.Viewer) (entql.P, error) {
		switch {
		case v.Is(viewer.Admin):
			return all()
		case v.ResellerID != 0:
			return eq("id", v.ResellerID), nil
		case v.OwnerResellerID != 0:
			return eq("id", v.OwnerResellerID), nil
		}
		return deny()
	}
	write := func(v *viewer.Viewer) (entql.P, error) {
		switch {
		case v.Is(viewer.Admin):
			return all()
		case v.Is(viewer.Reseller):
			return eq("id", v.ResellerID), nil
		}
		return deny()
	}
	return policy(read, write, roles(viewer.Admin))
}

// customerScope: admin all; a reseller its own customers; a customer and its
// panel users the customer itself.
func customerScope(v *viewer.Viewer) (entql.P, error) {
	switch {
	case v.Is(viewer.Admin):
		return all()
	case v.Is(viewer.Reseller):
		return owned(v.ResellerID), nil
	case v.CustomerID != 0:
		return eq("id", v.CustomerID), nil
	}
	return deny()
}

// CustomerPolicy filters customers by customerScope; a reseller creates
// customers only for itself.
func CustomerPolicy() ent.Policy {
	create := func(v *viewer.Viewer, m ent.Mutation) error {
		switch {
		case v.Is(viewer.Admin):
			return privacy.Allow
		case v.Is(viewer.Reseller):
			if r, ok := m.(*entgen.CustomerMutation).ResellerID(); ok && r == v.ResellerID {
				return privacy.Allow
			}
		}
		return privacy.Deny
	}
	return policy(customerScope, notPanelUser(customerScope), create)
}

// subscriptionScope: a reseller's customers' subscriptions and its own; a
// customer's own; a panel user's account's.
func subscriptionScope(v *viewer.Viewer) (entql.P, error) {
	switch {
	case v.Is(viewer.Admin):
		return all()
	case v.Is(viewer.Reseller):
		return entql.Or(owned(v.ResellerID), ownedCustomer(v.ResellerID)), nil
	case v.CustomerID != 0:
		return eq("customer_id", v.CustomerID), nil
	case v.ResellerID != 0:
		return owned(v.ResellerID), nil
	}
	return deny()
}

// SubscriptionPolicy filters subscriptions by subscriptionScope. Customers
// and panel users read them; the admin and resellers change them (a
// reseller only for its customers, from its own plans: checked by the
// domain package, which also sets the owner).
func SubscriptionPolicy() ent.Policy {
	write := func(v *viewer.Viewer) (entql.P, error) {
		if !v.Is(viewer.Admin, viewer.Reseller) {
			return deny()
		}
		return subscriptionScope(v)
	}
	create := func(v *viewer.Viewer, m ent.Mutation) error {
		switch {
		case v.Is(viewer.Admin):
			return privacy.Allow
		case v.Is(viewer.Reseller):
			sm := m.(*entgen.HostingSubscriptionMutation)
			if r, ok := sm.ResellerID(); ok && r == v.ResellerID {
				return privacy.Allow
			}
			if _, ok := sm.CustomerID(); ok {
				// The customer was loaded through the reseller's scope by the
				// caller; the foreign key alone cannot be checked here.
				return privacy.Allow
			}
		}
		return privacy.Deny
	}
	return policy(subscriptionScope, write, create)
}

// domainScope: the domains of the subscriptions in scope.
func domainScope(v *viewer.Viewer) (entql.P, error) {
	p, err := subscriptionScope(v)
	if err != nil || p == nil {
		return p, err
	}
	return entql.HasEdgeWith("subscription", p), nil
}

// DomainPolicy filters domains through their subscription; panel users with
// the ADMIN role may manage them.
func DomainPolicy() ent.Policy {
	write := func(v *viewer.Viewer) (entql.P, error) {
		if v.Is(viewer.PanelUser) && v.PanelUserRole != "ADMIN" {
			return deny()
		}
		return domainScope(v)
	}
	create := func(v *viewer.Viewer, _ ent.Mutation) error {
		if v.Is(viewer.PanelUser) && v.PanelUserRole != "ADMIN" {
			return privacy.Deny
		}
		return privacy.Allow // the subscription was loaded in scope by the caller
	}
	return policy(domainScope, write, create)
}

// ServicePlanPolicy: admin all; a reseller its own plans and the plans of its
// own subscriptions; a customer the plans of its subscriptions.
func ServicePlanPolicy() ent.Policy {
	read := func(v *viewer.Viewer) (entql.P, error) {
		switch {
		case v.Is(viewer.Admin):
			return all()
		case v.Is(viewer.Reseller):
			return entql.Or(owned(v.ResellerID),
				entql.HasEdgeWith("subscriptions", owned(v.ResellerID))), nil
		case v.CustomerID != 0:
			return entql.HasEdgeWith("subscriptions", eq("customer_id", v.CustomerID)), nil
		case v.ResellerID != 0:
			return entql.HasEdgeWith("subscriptions", owned(v.ResellerID)), nil
		}
		return deny()
	}
	write := func(v *viewer.Viewer) (entql.P, error) {
		switch {
		case v.Is(viewer.Admin):
			return all()
		case v.Is(viewer.Reseller):
			return owned(v.ResellerID), nil
		}
		return deny()
	}
	create := func(v *viewer.Viewer, m ent.Mutation) error {
		switch {
		case v.Is(viewer.Admin):
			return privacy.Allow
		case v.Is(viewer.Reseller):
			if r, ok := m.(*entgen.ServicePlanMutation).ResellerID(); ok && r == v.ResellerID {
				return privacy.Allow
			}
		}
		return privacy.Deny
	}
	return policy(read, write, create)
}

// ResellerPlanPolicy: admin all; a reseller the plan it is on.
func ResellerPlanPolicy() ent.Policy {
	read := func(v *viewer.Viewer) (entql.P, error) {
		switch {
		case v.Is(viewer.Admin):
			return all()
		case v.Is(viewer.Reseller):
			return entql.HasEdgeWith("resellers", eq("id", v.ResellerID)), nil
		}
		return deny()
	}
	write := func(v *viewer.Viewer) (entql.P, error) {
		if v.Is(viewer.Admin) {
			return all()
		}
		return deny()
	}
	return policy(read, write, roles(viewer.Admin))
}

// panelUserScope: the panel users of the accounts in scope.
func panelUserScope(v *viewer.Viewer) (entql.P, error) {
	switch {
	case v.Is(viewer.Admin):
		return all()
	case v.Is(viewer.Reseller):
		return entql.Or(owned(v.ResellerID), ownedCustomer(v.ResellerID)), nil
	case v.CustomerID != 0:
		return eq("customer_id", v.CustomerID), nil
	case v.ResellerID != 0:
		return owned(v.ResellerID), nil
	}
	return deny()
}

// PanelUserPolicy filters panel users by their account; panel users read.
func PanelUserPolicy() ent.Policy {
	create := func(v *viewer.Viewer, _ ent.Mutation) error {
		if v.Is(viewer.PanelUser) {
			return privacy.Deny
		}
		return privacy.Allow // the account was loaded in scope by the caller
	}
	return policy(panelUserScope, notPanelUser(panelUserScope), create)
}

// DescriptionPolicy (SPEC 3.3): the admin reads and edits both sides; a
// reseller only its own, on its own customers; customers see none.
func DescriptionPolicy() ent.Policy {
	scope := func(v *viewer.Viewer) (entql.P, error) {
		switch {
		case v.Is(viewer.Admin):
			return all()
		case v.Is(viewer.Reseller):
			return entql.And(eq("reseller_id", v.ResellerID), entql.FieldEQ("side", "RESELLER"),
				ownedCustomer(v.ResellerID)), nil
		}
		return deny()
	}
	return policy(scope, scope, roles(viewer.Admin, viewer.Reseller))
}

// auditScope: the admin reads every audit event; a reseller the events about
// its scope (one audit_scopes row per reseller an event is about); nobody
// else any.
func auditScope(v *viewer.Viewer) (entql.P, error) {
	switch {
	case v.Is(viewer.Admin):
		return all()
	case v.Is(viewer.Reseller):
		return entql.HasEdgeWith("scopes", eq("reseller_id", v.ResellerID)), nil
	}
	return deny()
}

// AuditEventPolicy: the admin reads all; a reseller the events about its
// scope. Events are written by system code only.
func AuditEventPolicy() ent.Policy {
	return policy(auditScope, func(*viewer.Viewer) (entql.P, error) { return deny() }, roles())
}

// AuditTargetPolicy: the targets of the events the viewer reads (so a page of
// events loads its targets eagerly in one query); written by system code.
func AuditTargetPolicy() ent.Policy {
	read := func(v *viewer.Viewer) (entql.P, error) {
		p, err := auditScope(v)
		if err != nil || p == nil {
			return p, err
		}
		return entql.HasEdgeWith("event", p), nil
	}
	return policy(read, func(*viewer.Viewer) (entql.P, error) { return deny() }, roles())
}

// SystemOnlyPolicy denies every viewer: credentials, sessions and audit
// targets are read and written by system code only.
func SystemOnlyPolicy() ent.Policy {
	d := func(*viewer.Viewer) (entql.P, error) { return deny() }
	return policy(d, d, roles())
}

// webhookEndpointScope: the administrator's own endpoints (no reseller); a
// reseller's own. Nobody else has any (docs/webhooks.md).
func webhookEndpointScope(v *viewer.Viewer) (entql.P, error) {
	switch {
	case v.Is(viewer.Admin):
		return entql.FieldNil("reseller_id"), nil
	case v.Is(viewer.Reseller):
		return eq("reseller_id", v.ResellerID), nil
	}
	return deny()
}

// WebhookEndpointPolicy: each owner reads and changes its own endpoints;
// the administrator creates endpoints for itself, a reseller for itself.
func WebhookEndpointPolicy() ent.Policy {
	create := func(v *viewer.Viewer, m ent.Mutation) error {
		r, ok := m.Field("reseller_id")
		switch {
		case v.Is(viewer.Admin) && !ok:
			return privacy.Allow
		case v.Is(viewer.Reseller) && ok && r == v.ResellerID:
			return privacy.Allow
		}
		return privacy.Deny
	}
	return policy(webhookEndpointScope, webhookEndpointScope, create)
}

// WebhookDeliveryPolicy: the deliveries of the endpoints the viewer owns,
// read and redelivered with them; queued by the worker (system code).
func WebhookDeliveryPolicy() ent.Policy {
	scope := func(v *viewer.Viewer) (entql.P, error) {
		p, err := webhookEndpointScope(v)
		if err != nil {
			return p, err
		}
		return entql.HasEdgeWith("endpoint", p), nil
	}
	return policy(scope, scope, roles())
}
