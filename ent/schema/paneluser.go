package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/hostpanel/panel/internal/rule"
	"github.com/hostpanel/panel/internal/types"
)

// PanelUser is an extra login of a customer (or reseller) account.
type PanelUser struct{ ent.Schema }

// Mixin of the PanelUser.
func (PanelUser) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}} }

// Fields of the PanelUser.
func (PanelUser) Fields() []ent.Field {
	return []ent.Field{
		field.String("login").MaxLen(60).NotEmpty().Unique(),
		field.String("name").MaxLen(255).NotEmpty(),
		field.String("email").MaxLen(254).NotEmpty(),
		field.Enum("role").GoType(types.PanelUserWebmaster).Default(string(types.PanelUserWebmaster)),
		field.Int("customer_id").Optional().Nillable(),
		field.Int("reseller_id").Optional().Nillable(),
	}
}

// Edges of the PanelUser.
func (PanelUser) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("customer", Customer.Type).Ref("panel_users").Field("customer_id").Unique(),
		edge.From("reseller", Reseller.Type).Ref("panel_users").Field("reseller_id").Unique(),
		edge.To("credential", Credential.Type).Unique().Annotations(entsql.OnDelete(entsql.Cascade)),
	}
}

// Indexes of the PanelUser: its account's foreign keys, so that deleting
// accounts (and SQLite's foreign key checks on that delete) need no scan.
func (PanelUser) Indexes() []ent.Index {
	return []ent.Index{index.Fields("customer_id"), index.Fields("reseller_id")}
}

// Policy of the PanelUser.
func (PanelUser) Policy() ent.Policy { return rule.PanelUserPolicy() }
