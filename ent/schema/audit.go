package schema

import (
	"time"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/hostpanel/panel/internal/rule"
)

// AuditEvent records who did what to which objects. It has no foreign keys so
// that it survives the deletion of its actor and targets.
type AuditEvent struct{ ent.Schema }

// Fields of the AuditEvent.
func (AuditEvent) Fields() []ent.Field {
	return []ent.Field{
		field.Time("at").Immutable().Default(time.Now).Annotations(entgql.OrderField("AT")),
		field.String("actor_id").MaxLen(32).Optional(),
		field.String("actor_login").MaxLen(60).Optional(),
		field.String("actor_role").MaxLen(16),
		field.String("action").MaxLen(64),
		field.Text("summary"),
		field.String("request_id").MaxLen(64).Optional(),
		field.Bool("success").Default(true),
	}
}

// Edges of the AuditEvent.
func (AuditEvent) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("targets", AuditTarget.Type).Annotations(entsql.OnDelete(entsql.Cascade)),
		// scopes are the resellers whose scope the event is about (none: the
		// administrator's own); each of them reads it.
		edge.To("scopes", AuditScope.Type).Annotations(entsql.OnDelete(entsql.Cascade)),
	}
}

// Indexes of the AuditEvent.
func (AuditEvent) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("at"),
		index.Fields("action", "at"),
		index.Fields("actor_id", "at"),
	}
}

// Policy of the AuditEvent.
func (AuditEvent) Policy() ent.Policy { return rule.AuditEventPolicy() }
