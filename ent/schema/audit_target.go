package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/hostpanel/panel/internal/rule"
)

// AuditTarget is one target ID of an audit event, in its own table so that
// events can be found by target on an index.
type AuditTarget struct{ ent.Schema }

// Fields of the AuditTarget.
func (AuditTarget) Fields() []ent.Field {
	return []ent.Field{
		field.String("target_id").MaxLen(32),
		field.Int("event_id"),
	}
}

// Edges of the AuditTarget.
func (AuditTarget) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("event", AuditEvent.Type).Ref("targets").Field("event_id").Unique().Required(),
	}
}

// Indexes of the AuditTarget.
func (AuditTarget) Indexes() []ent.Index {
	return []ent.Index{index.Fields("target_id", "event_id")}
}

// Policy of the AuditTarget: readable with its event, written by system code.
func (AuditTarget) Policy() ent.Policy { return rule.AuditTargetPolicy() }
