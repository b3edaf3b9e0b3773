package graph

import (
	"entgo.io/contrib/entgql"

	"github.com/hostpanel/panel/ent"
	"github.com/hostpanel/panel/ent/webhookdelivery"
	"github.com/hostpanel/panel/graph/model"
)

// newestDeliveryFirst orders an endpoint's deliveries by creation, then
// ID, descending.
var newestDeliveryFirst = &ent.WebhookDeliveryOrder{Direction: entgql.OrderDirectionDesc, Field: ent.WebhookDeliveryOrderFieldCreatedAt}

// deliveryFilter applies WebhookDeliveryWhereInput: every field given must
// hold.
func deliveryFilter(w *model.WebhookDeliveryWhereInput) func(*ent.WebhookDeliveryQuery) (*ent.WebhookDeliveryQuery, error) {
	return func(q *ent.WebhookDeliveryQuery) (*ent.WebhookDeliveryQuery, error) {
		if w == nil {
			return q, nil
		}
		if w.Status != nil {
			q = q.Where(webhookdelivery.StatusEQ(*w.Status))
		}
		if w.EventID != nil {
			q = q.Where(webhookdelivery.EventID(*w.EventID))
		}
		return q, nil
	}
}
