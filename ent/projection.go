package ent

// Hand-written: which columns field collection reads (see selectColumns in
// template/joins.tmpl and wholeRows in entc.go). Not generated.

import (
	"context"
	"slices"
	"strings"
)

type wholeRowsKey struct{}

// WithWholeRows makes field collection under ctx read whole rows, JSON
// columns included, whatever the selection: the reference the projection
// is tested against (graph.HandlerConfig.WholeRows).
func WithWholeRows(ctx context.Context) context.Context {
	return context.WithValue(ctx, wholeRowsKey{}, true)
}

func wholeRows(ctx context.Context) bool {
	v, _ := ctx.Value(wholeRowsKey{}).(bool)
	return v
}

// resolverColumns declares, per entity and GraphQL field, the columns a
// resolver reads besides the field's own column (under "": the columns
// always read, for resolvers of other types that read these rows): field collection reads only
// the columns a selection names, their declared dependencies, the ID and the
// foreign keys. A selection with a field not declared here (and not a column
// or edge) reads every column but the unasked JSON ones, as before. A
// missing or wrong entry answers wrongly, which graph/projection_test.go
// detects by comparing every field with whole rows.
var resolverColumns = map[string]map[string][]string{
	"Administrator": {
		"status":      nil, // constant
		"suspensions": nil, // constant
	},
	"Customer": {
		"suspensions": suspensionColumns,
		"externalId":  {"external_id"},
	},
	"Reseller": {
		"suspensions": suspensionColumns,
		"externalId":  {"external_id"},
		"limits": {"limit_customers", "limit_subscriptions", "limit_disk_space_mb",
			"limit_traffic_mb_per_month", "limit_domains", "limit_mailboxes", "limit_databases"},
		"usage": nil, // by ID
	},
	"HostingSubscription": {
		// status is a column, but an expired subscription is SUSPENDED.
		"status":      {"expires_at"},
		"suspensions": append([]string{"expires_at"}, suspensionColumns...),
		"limits":      resourceColumns,
		"domain":      nil, // the domains edge, or by ID
	},
	"ServicePlan": {
		"limits": resourceColumns,
	},
	"ResellerPlan": {
		"limits": {"limit_customers", "limit_subscriptions", "limit_disk_space_mb",
			"limit_traffic_mb_per_month", "limit_domains", "limit_mailboxes", "limit_databases"},
	},
	"Domain": {
		// HostingSubscription.domains orders them primary first, then by
		// name; HostingSubscription.domain picks the primary one.
		"": {"name", "primary"},
	},
	"PanelUser": {
		"account": nil, // the foreign keys
		"status":  nil, // the account's, by the foreign keys
	},
	// Description is not here: Customer.description is a scalar field
	// mapped to the descriptions edge, so its rows are collected with no
	// selection at all and must be whole.
}

var (
	suspensionColumns = []string{"suspended_admin_at", "suspended_admin_reason", "suspended_reseller_at",
		"suspended_reseller_reason", "suspended_parent_at", "suspended_parent_reason"}
	resourceColumns = []string{"limit_disk_space_mb", "limit_traffic_mb_per_month", "limit_domains",
		"limit_subdomains", "limit_mailboxes", "limit_databases", "limit_ftp_accounts"}
)

// unknownField marks, in the columns field collection saw, a GraphQL field
// that is not a column or an edge (see wholeRows in entc.go).
const unknownField = "@"

// projectColumns returns the columns of typ (all of them, in order) a query
// reads for a selection: seen holds the columns the selection named and, as
// unknownField+name, its other fields. always are read whatever the
// selection (ID, foreign keys); heavy (JSON) only when named.
func projectColumns(typ string, seen map[string]struct{}, all, always, heavy []string) []string {
	deps := resolverColumns[typ]
	need := make(map[string]bool, len(seen)+len(always))
	for _, c := range always {
		need[c] = true
	}
	for _, c := range deps[""] {
		need[c] = true
	}
	exact := deps != nil
	for k := range seen {
		if name, ok := strings.CutPrefix(k, unknownField); ok {
			d, ok := deps[name]
			if !ok {
				exact = false
			}
			for _, c := range d {
				need[c] = true
			}
			continue
		}
		need[k] = true
		for _, c := range deps[k] {
			need[c] = true
		}
	}
	out := make([]string, 0, len(all))
	for _, c := range all {
		if need[c] || (!exact && !slices.Contains(heavy, c)) {
			out = append(out, c)
		}
	}
	return out
}
