package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"

	"github.com/hostpanel/panel/internal/rule"
)

// Reseller is a partner who resells hosting; owned by the administrator.
type Reseller struct{ ent.Schema }

// Mixin of the Reseller.
func (Reseller) Mixin() []ent.Mixin {
	return []ent.Mixin{ContactMixin{}, SuspendableMixin{}, ResellerLimitsMixin{}, TimeMixin{}}
}

// Fields of the Reseller.
func (Reseller) Fields() []ent.Field {
	return []ent.Field{
		field.String("external_id").MaxLen(128).Optional().Nillable().Unique(),
		field.Int("reseller_plan_id").Optional().Nillable(),
	}
}

// Edges of the Reseller.
func (Reseller) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("plan", ResellerPlan.Type).Ref("resellers").Field("reseller_plan_id").Unique(),
		edge.To("customers", Customer.Type).Annotations(entgql.RelayConnection()),
		edge.To("subscriptions", HostingSubscription.Type).
			Annotations(entgql.RelayConnection(), entsql.OnDelete(entsql.Cascade)),
		edge.To("service_plans", ServicePlan.Type),
		edge.To("panel_users", PanelUser.Type).Annotations(entsql.OnDelete(entsql.Cascade)),
		edge.To("descriptions", Description.Type).Annotations(entsql.OnDelete(entsql.Cascade)),
		// notes are the descriptions about this reseller: those it kept when
		// it was converted from a customer.
		edge.To("notes", Description.Type).Annotations(entsql.OnDelete(entsql.Cascade)),
		edge.To("credential", Credential.Type).Unique().Annotations(entsql.OnDelete(entsql.Cascade)),
		edge.To("webhook_endpoints", WebhookEndpoint.Type).Annotations(entsql.OnDelete(entsql.Cascade)),
	}
}

// Policy of the Reseller.
func (Reseller) Policy() ent.Policy { return rule.ResellerPolicy() }
