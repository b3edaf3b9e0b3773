package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/hostpanel/panel/internal/rule"
)

// Customer is a hosting customer, owned by the administrator (reseller_id
// NULL) or by one reseller.
type Customer struct{ ent.Schema }

// Mixin of the Customer.
func (Customer) Mixin() []ent.Mixin {
	return []ent.Mixin{ContactMixin{}, SuspendableMixin{}, TimeMixin{}}
}

// Fields of the Customer.
func (Customer) Fields() []ent.Field {
	return []ent.Field{
		field.String("external_id").MaxLen(128).Optional().Nillable().Unique(),
		field.Int("reseller_id").Optional().Nillable(),
	}
}

// Edges of the Customer.
func (Customer) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("reseller", Reseller.Type).Ref("customers").Field("reseller_id").Unique().
			Annotations(entgql.MapsTo("owner")),
		edge.To("subscriptions", HostingSubscription.Type).
			Annotations(entgql.RelayConnection(), entsql.OnDelete(entsql.Cascade)),
		edge.To("panel_users", PanelUser.Type).Annotations(entsql.OnDelete(entsql.Cascade)),
		edge.To("descriptions", Description.Type).
			Annotations(entgql.MapsTo("descriptions", "description"), entsql.OnDelete(entsql.Cascade)),
		edge.To("credential", Credential.Type).Unique().Annotations(entsql.OnDelete(entsql.Cascade)),
	}
}

// Indexes of the Customer: owner filter with status and order.
func (Customer) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("reseller_id", "status"),
		index.Fields("reseller_id", "login"),
	}
}

// Policy of the Customer.
func (Customer) Policy() ent.Policy { return rule.CustomerPolicy() }
