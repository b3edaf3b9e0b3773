package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/hostpanel/panel/internal/rule"
)

// ServicePlan is a hosting plan of the administrator (reseller_id NULL) or of
// a reseller; subscriptions are created from it.
type ServicePlan struct{ ent.Schema }

// Mixin of the ServicePlan.
func (ServicePlan) Mixin() []ent.Mixin {
	return []ent.Mixin{ResourceLimitsMixin{}, TimeMixin{}}
}

// Fields of the ServicePlan.
func (ServicePlan) Fields() []ent.Field {
	return []ent.Field{
		field.String("name").MaxLen(100).NotEmpty().Annotations(entgql.OrderField("NAME")),
		field.Int("reseller_id").Optional().Nillable(),
	}
}

// Edges of the ServicePlan.
func (ServicePlan) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("reseller", Reseller.Type).Ref("service_plans").Field("reseller_id").Unique().
			Annotations(entgql.MapsTo("owner")),
		edge.To("subscriptions", HostingSubscription.Type).Annotations(entgql.RelayConnection()),
	}
}

// Indexes of the ServicePlan: the owner's foreign key (a reseller's plans,
// deleting resellers).
func (ServicePlan) Indexes() []ent.Index {
	return []ent.Index{index.Fields("reseller_id")}
}

// Policy of the ServicePlan.
func (ServicePlan) Policy() ent.Policy { return rule.ServicePlanPolicy() }

// ResellerPlan is the administrator's plan for resellers.
type ResellerPlan struct{ ent.Schema }

// Mixin of the ResellerPlan.
func (ResellerPlan) Mixin() []ent.Mixin {
	return []ent.Mixin{ResellerLimitsMixin{}, TimeMixin{}}
}

// Fields of the ResellerPlan.
func (ResellerPlan) Fields() []ent.Field {
	return []ent.Field{
		field.String("name").MaxLen(100).NotEmpty().Annotations(entgql.OrderField("NAME")),
	}
}

// Edges of the ResellerPlan.
func (ResellerPlan) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("resellers", Reseller.Type).Annotations(entgql.RelayConnection()),
	}
}

// Policy of the ResellerPlan.
func (ResellerPlan) Policy() ent.Policy { return rule.ResellerPlanPolicy() }
