package schema

import (
	"time"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/hostpanel/panel/internal/rule"
)

// WebhookEndpoint is a URL that receives the events of its owner's scope
// (docs/webhooks.md): the administrator's (no reseller) or a reseller's.
type WebhookEndpoint struct{ ent.Schema }

// Mixin of the WebhookEndpoint.
func (WebhookEndpoint) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}} }

// Fields of the WebhookEndpoint.
func (WebhookEndpoint) Fields() []ent.Field {
	return []ent.Field{
		// reseller_id is the owning reseller; nil: the administrator.
		field.Int("reseller_id").Optional().Nillable().Immutable(),
		field.String("url").MaxLen(2048),
		field.String("description").MaxLen(255).Default(""),
		field.JSON("event_types", []string{}),
		// secret signs the deliveries; stored as is because the worker must
		// sign with it, shown once (createWebhookEndpoint).
		field.String("secret").MaxLen(100).Sensitive(),
		field.Bool("enabled").Default(true),
		// consecutive_failures counts failed attempts since the last
		// success; at the limit the endpoint is disabled.
		field.Int("consecutive_failures").Default(0),
		// disabled_reason says why the worker disabled the endpoint ("": it
		// did not).
		field.String("disabled_reason").MaxLen(255).Default(""),
	}
}

// Edges of the WebhookEndpoint.
func (WebhookEndpoint) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("reseller", Reseller.Type).Ref("webhook_endpoints").Field("reseller_id").Unique().Immutable(),
		// deliveries are paginated by their own resolver, never eager-loaded
		// by field collection.
		edge.To("deliveries", WebhookDelivery.Type).
			Annotations(entsql.OnDelete(entsql.Cascade), entgql.Skip(entgql.SkipAll)),
	}
}

// Policy of the WebhookEndpoint: each owner its own.
func (WebhookEndpoint) Policy() ent.Policy { return rule.WebhookEndpointPolicy() }

// WebhookDelivery is one HTTP request to make (and retry) to an endpoint:
// one chunk of the targets of one event of one type. (event_id, endpoint_id,
// event_type, chunk) is unique, so an event is never queued twice for an
// endpoint.
type WebhookDelivery struct{ ent.Schema }

// Fields of the WebhookDelivery.
func (WebhookDelivery) Fields() []ent.Field {
	return []ent.Field{
		field.Int("endpoint_id").Immutable(),
		// event_id is the audit event (no foreign key, like audit rows).
		field.Int("event_id").Immutable(),
		field.String("event_type").MaxLen(64).Immutable(),
		// chunk is the part of the event's targets this delivery carries
		// (0-based), of chunks.
		field.Int("chunk").Default(0).Immutable(),
		field.Int("chunks").Default(1).Immutable(),
		// payload is the JSON body, fixed when the delivery is queued so
		// that every attempt sends the same bytes.
		field.Text("payload").Immutable(),
		field.Enum("status").Values("PENDING", "DELIVERED", "FAILED").Default("PENDING"),
		field.Int("attempts").Default(0),
		field.Int("response_status").Optional().Nillable(),
		field.String("last_error").MaxLen(500).Default(""),
		// next_attempt_at is when a PENDING delivery is due.
		field.Time("next_attempt_at").Optional().Nillable(),
		// locked_until is the lease of the worker sending it: no other
		// worker claims it before.
		field.Time("locked_until").Optional().Nillable(),
		field.Time("delivered_at").Optional().Nillable(),
		field.Time("created_at").Immutable().Default(time.Now).Annotations(entgql.OrderField("CREATED_AT")),
	}
}

// Edges of the WebhookDelivery.
func (WebhookDelivery) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("endpoint", WebhookEndpoint.Type).Ref("deliveries").Field("endpoint_id").
			Unique().Required().Immutable(),
	}
}

// Indexes of the WebhookDelivery.
func (WebhookDelivery) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("event_id", "endpoint_id", "event_type", "chunk").Unique(),
		index.Fields("status", "next_attempt_at"),
		index.Fields("endpoint_id", "created_at"),
	}
}

// Policy of the WebhookDelivery: readable (and redelivered) with its
// endpoint; created by the worker.
func (WebhookDelivery) Policy() ent.Policy { return rule.WebhookDeliveryPolicy() }

// WebhookOutbox is the transactional outbox: one row per published type of
// an audit event, written in the transaction of the change (internal/audit)
// and removed when the worker has queued its deliveries.
type WebhookOutbox struct{ ent.Schema }

// Fields of the WebhookOutbox.
func (WebhookOutbox) Fields() []ent.Field {
	return []ent.Field{
		field.Int("event_id"),
		field.String("event_type").MaxLen(64),
	}
}

// Annotations of the WebhookOutbox.
func (WebhookOutbox) Annotations() []schema.Annotation {
	return []schema.Annotation{entsql.Annotation{Table: "webhook_outbox"}, entgql.Skip(entgql.SkipAll)}
}

// Policy of the WebhookOutbox: system code only.
func (WebhookOutbox) Policy() ent.Policy { return rule.SystemOnlyPolicy() }
