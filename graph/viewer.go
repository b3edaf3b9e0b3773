package graph

import (
	"context"
	"errors"
	"strings"

	"github.com/hostpanel/panel/ent"
	"github.com/hostpanel/panel/graph/model"
	"github.com/hostpanel/panel/internal/apperr"
	"github.com/hostpanel/panel/internal/viewer"
)

// viewer returns the API's Viewer for the principal of ctx.
func (r *Resolver) viewer(ctx context.Context) (*model.Viewer, error) {
	v := viewer.FromContext(ctx)
	if v == nil {
		return nil, apperr.Unauthenticated()
	}
	mv := &model.Viewer{Role: model.Role(v.Role)}
	var err error
	switch {
	case v.CustomerID != 0:
		mv.Account, err = r.client.Customer.Get(ctx, v.CustomerID)
	case v.ResellerID != 0:
		mv.Account, err = r.client.Reseller.Get(ctx, v.ResellerID)
	default:
		mv.Account, err = r.client.Administrator.Get(ctx, v.AdministratorID)
	}
	if err != nil {
		return nil, err
	}
	if v.PanelUserID != 0 {
		if mv.PanelUser, err = r.client.PanelUser.Get(ctx, v.PanelUserID); err != nil {
			return nil, err
		}
	}
	return mv, nil
}

// isInvalidID reports an ID that names no table: node(id) answers null.
func isInvalidID(err error) bool {
	return err != nil && (errors.Is(err, errInvalidNodeID) || strings.Contains(err.Error(), "invalid node id") ||
		strings.Contains(err.Error(), "cannot resolve table"))
}

var errInvalidNodeID = errors.New("invalid node id")

// node resolves id within the viewer's scope. An ID out of scope, of a type
// the API does not expose as a Node, or that never existed is null alike.
func (r *Resolver) node(ctx context.Context, id int) (ent.Noder, error) {
	n, err := r.client.Noder(ctx, id)
	if ent.IsNotFound(err) || isInvalidID(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	switch n.(type) {
	case *ent.Administrator, *ent.Reseller, *ent.Customer, *ent.ServicePlan, *ent.ResellerPlan,
		*ent.HostingSubscription, *ent.Domain, *ent.PanelUser, *ent.AuditEvent,
		*ent.WebhookEndpoint, *ent.WebhookDelivery:
		return n, nil
	}
	return nil, nil
}
