package graph

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
)

// selects reports whether the field being resolved (of type typ) has field
// among its selected sub-fields, under any alias or fragment. A service can
// then skip reading what nobody asked for (the customers of a bulk payload).
// Outside a GraphQL field it reports true.
func selects(ctx context.Context, typ, field string) bool {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil || fc.Field.Field == nil || !graphql.HasOperationContext(ctx) {
		return true
	}
	for _, f := range graphql.CollectFields(graphql.GetOperationContext(ctx), fc.Field.Selections, []string{typ}) {
		if f.Name == field {
			return true
		}
	}
	return false
}
