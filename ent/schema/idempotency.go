package schema

import (
	"time"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/dialect"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/hostpanel/panel/internal/rule"
)

// IdempotencyKey is one Idempotency-Key of one viewer (internal/idempotency,
// docs/idempotency.md): the first request's hash and, once it finished, its
// response, replayed to every repeat until expires_at. The unique index on
// (principal, key) decides which of several concurrent requests runs, also
// across server processes on one database.
type IdempotencyKey struct{ ent.Schema }

// Fields of the IdempotencyKey.
func (IdempotencyKey) Fields() []ent.Field {
	return []ent.Field{
		// The viewer the key belongs to: role, account, login (credential)
		// and panel user, e.g. "RESELLER:12:c40:u0".
		field.String("principal").MaxLen(100).NotEmpty().Immutable(),
		// The client's Idempotency-Key: 1 to 255 printable ASCII characters.
		field.String("key").MaxLen(255).NotEmpty().Immutable(),
		// SHA-256 (hex) of the canonical operation, operation name and variables.
		field.String("request_hash").MaxLen(64).NotEmpty().Immutable(),
		// pending while the first request runs, done once its response is stored.
		field.Enum("status").Values("pending", "done").Default("pending"),
		// The stored response body (JSON) and HTTP status, set when done.
		field.Bytes("response").Optional().Nillable().
			SchemaType(map[string]string{dialect.MySQL: "longblob"}),
		field.Int("http_status").Default(0),
		field.Time("created_at").Immutable().Default(time.Now),
		field.Time("expires_at"),
	}
}

// Indexes of the IdempotencyKey.
func (IdempotencyKey) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("principal", "key").Unique(),
		index.Fields("expires_at"),
	}
}

// Annotations of the IdempotencyKey: not part of the GraphQL schema.
func (IdempotencyKey) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip(entgql.SkipAll)}
}

// Policy of the IdempotencyKey: system code only.
func (IdempotencyKey) Policy() ent.Policy { return rule.SystemOnlyPolicy() }
