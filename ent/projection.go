package ent

// Hand-written: which columns field collection reads (see lightRows in
// template/joins.tmpl and wholeRows in entc.go). Not generated.

import "context"

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
