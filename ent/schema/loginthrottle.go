package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"

	"github.com/hostpanel/panel/internal/rule"
)

// LoginThrottle counts refused logins of one bucket (a login or a client
// address) in one fixed time window (slot = unix time / window). It lives in
// the database so that every server process shares it (internal/auth/throttle.go).
type LoginThrottle struct{ ent.Schema }

// Fields of the LoginThrottle.
func (LoginThrottle) Fields() []ent.Field {
	return []ent.Field{
		// "l:" + SHA-256 of the login, or "a:" + the client address.
		field.String("bucket").MaxLen(80).NotEmpty().Unique(),
		field.Int64("slot"),
		field.Int("failures").Default(0),
	}
}

// Annotations of the LoginThrottle: not part of the GraphQL schema.
func (LoginThrottle) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip(entgql.SkipAll)}
}

// Policy of the LoginThrottle: system code only.
func (LoginThrottle) Policy() ent.Policy { return rule.SystemOnlyPolicy() }
