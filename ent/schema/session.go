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

// Session is a login session, a named API token or a password-reset token.
// Only the SHA-256 of the token is stored.
type Session struct{ ent.Schema }

// Fields of the Session.
func (Session) Fields() []ent.Field {
	return []ent.Field{
		field.Enum("kind").GoType(types.SessionLogin),
		field.String("token_hash").MaxLen(64).NotEmpty().Unique().Sensitive(),
		field.String("name").MaxLen(100).Optional(),
		field.Bool("read_only").Default(false),
		field.Time("expires_at").Optional().Nillable(),
		field.Time("last_used_at").Optional().Nillable(),
		field.Int("credential_id"),
		field.Time("created_at").Immutable().Default(time.Now),
	}
}

// Edges of the Session.
func (Session) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("credential", Credential.Type).Ref("sessions").Field("credential_id").Unique().Required(),
	}
}

// Indexes of the Session.
func (Session) Indexes() []ent.Index {
	return []ent.Index{index.Fields("credential_id", "kind")}
}

// Policy of the Session: system code only.
func (Session) Policy() ent.Policy { return rule.SystemOnlyPolicy() }
