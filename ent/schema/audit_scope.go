package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/hostpanel/panel/internal/rule"
)

// AuditScope says that an audit event is about the scope of one reseller,
// which may then read it. An event is about several resellers when an
// administrator acts on several resellers' customers at once or moves
// customers between resellers; it has one row per reseller. There is no
// foreign key to the reseller: events outlive it.
type AuditScope struct{ ent.Schema }

// Fields of the AuditScope.
func (AuditScope) Fields() []ent.Field {
	return []ent.Field{
		field.Int("reseller_id"),
		field.Int("event_id"),
	}
}

// Edges of the AuditScope.
func (AuditScope) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("event", AuditEvent.Type).Ref("scopes").Field("event_id").Unique().Required(),
	}
}

// Indexes of the AuditScope: a reseller's events are found on
// (reseller_id, event_id).
func (AuditScope) Indexes() []ent.Index {
	return []ent.Index{index.Fields("reseller_id", "event_id").Unique()}
}

// Policy of the AuditScope: system code only (the audit read filter uses it
// as a predicate, which privacy does not restrict).
func (AuditScope) Policy() ent.Policy { return rule.SystemOnlyPolicy() }
