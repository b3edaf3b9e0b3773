package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema/edge"

	"github.com/hostpanel/panel/internal/rule"
)

// Administrator is the provider's one built-in account.
type Administrator struct{ ent.Schema }

// Mixin of the Administrator.
func (Administrator) Mixin() []ent.Mixin { return []ent.Mixin{ContactMixin{}, TimeMixin{}} }

// Edges of the Administrator.
func (Administrator) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("credential", Credential.Type).Unique().
			Annotations(entsql.OnDelete(entsql.Cascade)),
	}
}

// Policy of the Administrator: every signed-in principal may read it (it is
// the provider); only system code writes it.
func (Administrator) Policy() ent.Policy { return rule.AdministratorPolicy() }
