package schema

import (
	"time"

	"entgo.io/ent"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/hostpanel/panel/internal/rule"
	"github.com/hostpanel/panel/internal/types"
)

// Description is a note on a customer: one per side (ADMIN, RESELLER). The
// reseller side records which reseller wrote it, so that after a move the old
// reseller's note stays readable by the administrator only. A customer
// converted to a reseller keeps its notes: they then hang on the reseller
// (subject_reseller_id) instead of the customer (customer_id); exactly one
// of the two is set.
type Description struct{ ent.Schema }

// Fields of the Description.
func (Description) Fields() []ent.Field {
	return []ent.Field{
		field.Enum("side").GoType(types.SideAdmin),
		field.Text("text").NotEmpty(),
		field.Int("customer_id").Optional().Nillable(),
		field.Int("subject_reseller_id").Optional().Nillable(),
		field.Int("reseller_id").Optional().Nillable(),
		field.Time("updated_at").Default(time.Now).UpdateDefault(time.Now),
	}
}

// Edges of the Description.
func (Description) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("customer", Customer.Type).Ref("descriptions").Field("customer_id").Unique(),
		edge.From("subject_reseller", Reseller.Type).Ref("notes").Field("subject_reseller_id").Unique(),
		edge.From("reseller", Reseller.Type).Ref("descriptions").Field("reseller_id").Unique(),
	}
}

// Indexes of the Description: one per subject, side and author. The author
// is part of the key because an old reseller's note stays on a customer moved
// to another reseller, which may write its own (the ADMIN side has no author
// and is kept single by the code that writes it).
func (Description) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("customer_id", "side", "reseller_id").Unique(),
		index.Fields("subject_reseller_id", "side", "reseller_id").Unique(),
		// The author's foreign key, for deleting resellers.
		index.Fields("reseller_id"),
	}
}

// Policy of the Description.
func (Description) Policy() ent.Policy { return rule.DescriptionPolicy() }
