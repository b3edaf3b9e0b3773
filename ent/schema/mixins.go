package schema

import (
	"time"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
	"entgo.io/ent/schema/mixin"

	"github.com/hostpanel/panel/internal/types"
)

// TimeMixin adds created_at and updated_at.
type TimeMixin struct{ mixin.Schema }

// Fields of the TimeMixin.
func (TimeMixin) Fields() []ent.Field {
	return []ent.Field{
		field.Time("created_at").Immutable().Default(time.Now).
			Annotations(entgql.OrderField("CREATED_AT")),
		field.Time("updated_at").Default(time.Now).UpdateDefault(time.Now),
	}
}

// ContactMixin holds an account's login and contact data (SPEC section 2).
// The login is repeated from the account's Credential (which holds the
// cross-principal unique index) so lists need no join.
type ContactMixin struct{ mixin.Schema }

// Fields of the ContactMixin.
func (ContactMixin) Fields() []ent.Field {
	opt := func(name string, max int) ent.Field {
		return field.String(name).MaxLen(max).Optional().Nillable()
	}
	return []ent.Field{
		field.String("login").MaxLen(60).NotEmpty().Unique().
			Annotations(entgql.OrderField("LOGIN")),
		field.String("name").MaxLen(255).NotEmpty().
			Annotations(entgql.OrderField("NAME")),
		field.String("email").MaxLen(254).NotEmpty(),
		field.String("company").MaxLen(255).Optional().Nillable().
			Annotations(entgql.OrderField("COMPANY")),
		opt("phone", 32),
		opt("fax", 32),
		opt("address", 500),
		opt("city", 255),
		opt("state", 255),
		opt("postal_code", 32),
		opt("country", 2),
		opt("locale", 35),
	}
}

// Indexes of the ContactMixin: the list orders and search.
func (ContactMixin) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("name"),
		index.Fields("email"),
	}
}

// SuspendableMixin records suspension as a set of sources (SPEC 3.4): each
// source has its own time and reason, and status is SUSPENDED while any is set.
// status is kept in step by the code that changes the sources so that lists can
// filter on an index.
type SuspendableMixin struct{ mixin.Schema }

// Fields of the SuspendableMixin.
func (SuspendableMixin) Fields() []ent.Field {
	return []ent.Field{
		field.Enum("status").GoType(types.StatusActive).Default(string(types.StatusActive)),
		field.Time("suspended_admin_at").Optional().Nillable(),
		field.String("suspended_admin_reason").MaxLen(1000).Optional().Nillable(),
		field.Time("suspended_reseller_at").Optional().Nillable(),
		field.String("suspended_reseller_reason").MaxLen(1000).Optional().Nillable(),
		field.Time("suspended_parent_at").Optional().Nillable(),
		field.String("suspended_parent_reason").MaxLen(1000).Optional().Nillable(),
	}
}

// Indexes of the SuspendableMixin.
func (SuspendableMixin) Indexes() []ent.Index {
	return []ent.Index{index.Fields("status")}
}

// ResourceLimitsMixin holds a hosting resource set; nil means unlimited.
type ResourceLimitsMixin struct{ mixin.Schema }

// Fields of the ResourceLimitsMixin.
func (ResourceLimitsMixin) Fields() []ent.Field {
	lim := func(name string) ent.Field { return field.Int64(name).Optional().Nillable().NonNegative() }
	return []ent.Field{
		lim("limit_disk_space_mb"),
		lim("limit_traffic_mb_per_month"),
		lim("limit_domains"),
		lim("limit_subdomains"),
		lim("limit_mailboxes"),
		lim("limit_databases"),
		lim("limit_ftp_accounts"),
		field.JSON("permissions", []types.Permission{}).Default([]types.Permission{}),
		field.JSON("applications", []string{}).Default([]string{}),
	}
}

// ResellerLimitsMixin holds a reseller's limits; nil means unlimited.
type ResellerLimitsMixin struct{ mixin.Schema }

// Fields of the ResellerLimitsMixin.
func (ResellerLimitsMixin) Fields() []ent.Field {
	lim := func(name string) ent.Field { return field.Int64(name).Optional().Nillable().NonNegative() }
	return []ent.Field{
		lim("limit_customers"),
		lim("limit_subscriptions"),
		lim("limit_disk_space_mb"),
		lim("limit_traffic_mb_per_month"),
		lim("limit_domains"),
		lim("limit_mailboxes"),
		lim("limit_databases"),
		field.JSON("permissions", []types.Permission{}).Default([]types.Permission{}),
		field.JSON("applications", []string{}).Default([]string{}),
		field.Bool("oversell").Default(false),
	}
}
