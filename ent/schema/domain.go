package schema

import (
	"time"

	"entgo.io/ent"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/hostpanel/panel/internal/rule"
)

// Domain is a DNS name served by one subscription, stored lower case in its
// ASCII (punycode) form, globally unique.
type Domain struct{ ent.Schema }

// Fields of the Domain.
func (Domain) Fields() []ent.Field {
	return []ent.Field{
		field.String("name").MaxLen(253).NotEmpty().Unique(),
		field.Bool("primary").Default(false),
		field.Int("subscription_id"),
		field.Time("created_at").Immutable().Default(time.Now),
	}
}

// Edges of the Domain.
func (Domain) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("subscription", HostingSubscription.Type).Ref("domains").
			Field("subscription_id").Unique().Required(),
	}
}

// Indexes of the Domain.
func (Domain) Indexes() []ent.Index {
	return []ent.Index{index.Fields("subscription_id", "primary")}
}

// Policy of the Domain.
func (Domain) Policy() ent.Policy { return rule.DomainPolicy() }
