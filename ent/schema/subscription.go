package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/hostpanel/panel/internal/rule"
	"github.com/hostpanel/panel/internal/types"
)

// HostingSubscription belongs to a customer, or to a reseller for its own use
// (exactly one of customer_id and reseller_id is set).
type HostingSubscription struct{ ent.Schema }

// Mixin of the HostingSubscription.
func (HostingSubscription) Mixin() []ent.Mixin {
	return []ent.Mixin{ResourceLimitsMixin{}, SuspendableMixin{}, TimeMixin{}}
}

// Fields of the HostingSubscription.
func (HostingSubscription) Fields() []ent.Field {
	return []ent.Field{
		// name is the primary domain's name, kept here for ordering and search.
		field.String("name").MaxLen(253).NotEmpty().Annotations(entgql.OrderField("DOMAIN")),
		field.Int("customer_id").Optional().Nillable(),
		field.Int("reseller_id").Optional().Nillable(),
		field.Int("service_plan_id").Optional().Nillable(),
		field.Enum("plan_sync").GoType(types.PlanCustom).Default(string(types.PlanCustom)),
		field.Time("expires_at").Optional().Nillable().Annotations(entgql.OrderField("EXPIRES_AT")),
	}
}

// Edges of the HostingSubscription.
func (HostingSubscription) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("customer", Customer.Type).Ref("subscriptions").Field("customer_id").Unique().
			Annotations(entgql.MapsTo("subscriber")),
		edge.From("reseller", Reseller.Type).Ref("subscriptions").Field("reseller_id").Unique(),
		edge.From("plan", ServicePlan.Type).Ref("subscriptions").Field("service_plan_id").Unique(),
		// Only "domains" is collected: the "domain" resolver reads the
		// eager-loaded domains when both are asked for (one query, not two)
		// and otherwise a per-request loader of primary domains.
		edge.To("domains", Domain.Type).
			Annotations(entgql.MapsTo("domains"), entsql.OnDelete(entsql.Cascade)),
	}
}

// Indexes of the HostingSubscription.
func (HostingSubscription) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("customer_id", "status"),
		index.Fields("reseller_id", "status"),
		index.Fields("service_plan_id", "plan_sync"),
		index.Fields("expires_at"),
	}
}

// Policy of the HostingSubscription.
func (HostingSubscription) Policy() ent.Policy { return rule.SubscriptionPolicy() }
