package schema

import (
	"time"

	"entgo.io/ent"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"

	"github.com/hostpanel/panel/internal/rule"
)

// Credential is the login name and password hash of one principal. Its unique
// index on login makes logins unique across every kind of principal; exactly
// one of the four account edges is set, and deleting that account deletes the
// credential and, through it, every session and API token.
type Credential struct{ ent.Schema }

// Fields of the Credential.
func (Credential) Fields() []ent.Field {
	return []ent.Field{
		field.String("login").MaxLen(60).NotEmpty().Unique(),
		field.String("password_hash").Sensitive(),
		field.Time("password_changed_at").Default(time.Now),
	}
}

// Edges of the Credential.
func (Credential) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("administrator", Administrator.Type).Ref("credential").Unique(),
		edge.From("reseller", Reseller.Type).Ref("credential").Unique(),
		edge.From("customer", Customer.Type).Ref("credential").Unique(),
		edge.From("panel_user", PanelUser.Type).Ref("credential").Unique(),
		edge.To("sessions", Session.Type).Annotations(entsql.OnDelete(entsql.Cascade)),
	}
}

// Policy of the Credential: system code only.
func (Credential) Policy() ent.Policy { return rule.SystemOnlyPolicy() }
