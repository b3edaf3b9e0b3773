package graph

import (
	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/hostpanel/panel/ent"
)

// Run-time readiness of the fields that may wait for a dataloader
// (docs/executor.md, "Fields answered from loaded data"). These functions
// decide only whether a field or a list is resolved on its own goroutine or
// inline; the answer is always the resolver's. A wrong "ready" would cost
// batching (one load per element), never a different answer; anything they
// do not recognise counts as not ready.
//
// graph/patch_generated.go looks for a function ready<Object><Field> next
// to every waiting field: the generated object marshaler then resolves the
// field inline when it returns true for the object (the patch fails if a
// ready function names no waiting field).

// readyCustomerOwner reports whether Customer.owner is answered from the
// joined administrator or the eager-loaded reseller (loadedOwner).
func readyCustomerOwner(_ []graphql.CollectedField, obj *ent.Customer) bool {
	_, ok := loadedOwner(obj)
	return ok
}

// readyHostingSubscriptionDomain reports whether HostingSubscription.domain
// is answered from the domains eager-loaded for a sibling "domains" field
// (loadedDomains; fields are the object's collected fields).
func readyHostingSubscriptionDomain(fields []graphql.CollectedField, obj *ent.HostingSubscription) bool {
	_, ok := loadedDomains(fields, obj)
	return ok
}

// loadedOwner is the customer's owner when the query loaded it: the
// administrator joined to the row, or the eager-loaded reseller. The
// resolver (customerResolver.Owner) answers from it, else from a loader.
func loadedOwner(obj *ent.Customer) (ent.Noder, bool) {
	if obj.ResellerID == nil {
		if a := obj.JoinedAdministrator(); a != nil {
			return a, true
		}
		return nil, false
	}
	if r := obj.Edges.Reseller; r != nil {
		return r, true
	}
	return nil, false
}

// loadedDomains returns the domains of obj eager-loaded for a "domains"
// field (under any alias) among fields, the collected fields of the
// subscription's selection.
func loadedDomains(fields []graphql.CollectedField, obj *ent.HostingSubscription) ([]*ent.Domain, bool) {
	for _, f := range fields {
		if f.Name == "domains" {
			if ds, err := obj.NamedDomains(f.Alias); err == nil {
				return ds, true
			}
		}
	}
	return nil, false
}

// loadedDomainsIn is loadedDomains over a subscription's selection as
// written (fields, fragments), without collecting it: a "domains" field
// whose alias has eager-loaded domains is the one the resolver answers
// from, whichever fragment it is in.
func loadedDomainsIn(sel ast.SelectionSet, obj *ent.HostingSubscription) ([]*ent.Domain, bool) {
	for _, s := range sel {
		var inner ast.SelectionSet
		switch s := s.(type) {
		case *ast.Field:
			if s.Name == "domains" {
				if ds, err := obj.NamedDomains(s.Alias); err == nil {
					return ds, true
				}
			}
			continue
		case *ast.InlineFragment:
			inner = s.SelectionSet
		case *ast.FragmentSpread:
			if s.Definition == nil {
				continue
			}
			inner = s.Definition.SelectionSet
		}
		if ds, ok := loadedDomainsIn(inner, obj); ok {
			return ds, true
		}
	}
	return nil, false
}

// loadedSubscriptions returns the subscriptions Customer.subscriptions
// pages through without a query (customerResolver.Subscriptions without a
// filter, ent's Customer.Subscriptions with the edge eager-loaded under the
// field's alias).
func (ec *executionContext) loadedSubscriptions(f graphql.CollectedField, obj *ent.Customer) ([]*ent.HostingSubscription, bool) {
	if a := f.Arguments.ForName("where"); a != nil && !ec.nullArgument(a.Value) {
		return nil, false
	}
	nodes, err := obj.NamedSubscriptions(f.Alias)
	return nodes, err == nil
}

// nullArgument reports whether an argument's value is null (a literal, or a
// variable that is null or absent).
func (ec *executionContext) nullArgument(v *ast.Value) bool {
	switch {
	case v == nil || v.Kind == ast.NullValue:
		return true
	case v.Kind == ast.Variable:
		return ec.OperationContext.Variables[v.Raw] == nil
	}
	return false
}

// elementsReady reports whether marshalling every element of a list with
// sel waits for no dataloader: nothing under sel may wait (mayWait), or
// every field that may wait is answered from loaded data for every element.
// Then executionContext.marshalSlice marshals the list on this goroutine.
func elementsReady[T any](ec *executionContext, sel ast.SelectionSet, v []T) bool {
	if !mayWait(sel) {
		return true
	}
	for i := range v {
		if !ec.ready(sel, any(v[i])) {
			return false
		}
	}
	return true
}

// ready reports whether marshalling v (a model value) with sel waits for
// no dataloader. It knows the objects of the customer tree (customers and
// subscriptions, their edges and connections); any other value under a
// selection that may wait is not ready.
func (ec *executionContext) ready(sel ast.SelectionSet, v any) bool {
	if !mayWait(sel) {
		return true
	}
	var implementors []string
	switch o := v.(type) {
	case *ent.CustomerEdge:
		if o == nil {
			return true
		}
		implementors = customerEdgeImplementors
	case *ent.HostingSubscriptionEdge:
		if o == nil {
			return true
		}
		implementors = hostingSubscriptionEdgeImplementors
	case *ent.Customer:
		if o == nil {
			return true
		}
		implementors = customerImplementors
	case *ent.HostingSubscription:
		if o == nil {
			return true
		}
		implementors = hostingSubscriptionImplementors
	default:
		return false
	}
	fields := ec.fieldsOf(sel, implementors)
	for _, f := range fields {
		if !waitingField(implementors[0], f.Name) && !mayWait(f.Selections) {
			continue
		}
		if !ec.readyField(fields, f, v) {
			return false
		}
	}
	return true
}

// readyField is ready for one field f of v (fields: v's collected fields)
// that may wait, itself or under it.
func (ec *executionContext) readyField(fields []graphql.CollectedField, f graphql.CollectedField, v any) bool {
	switch o := v.(type) {
	case *ent.CustomerEdge:
		if f.Name == "node" {
			return ec.ready(f.Selections, o.Node)
		}
	case *ent.HostingSubscriptionEdge:
		if f.Name == "node" {
			return ec.ready(f.Selections, o.Node)
		}
	case *ent.Customer:
		switch f.Name {
		case "owner":
			owner, ok := loadedOwner(o)
			return ok && ec.ready(f.Selections, owner)
		case "subscriptions":
			nodes, ok := ec.loadedSubscriptions(f, o)
			return ok && connectionReady(ec, f.Selections, hostingSubscriptionConnectionImplementors,
				hostingSubscriptionEdgeImplementors, nodes)
		}
	case *ent.HostingSubscription:
		if f.Name == "domain" {
			// The primary domain's own fields are plain unless the
			// selection under it says otherwise.
			return readyHostingSubscriptionDomain(fields, o) && !mayWait(f.Selections)
		}
	}
	return false
}

// connectionReady is ready for a connection built from nodes (a Relay
// connection: edges { node }, pageInfo, totalCount): the nodes under
// edges.node, nothing that may wait elsewhere.
func connectionReady[T any](ec *executionContext, sel ast.SelectionSet, connection, edge []string, nodes []T) bool {
	for _, f := range ec.fieldsOf(sel, connection) {
		if !mayWait(f.Selections) {
			continue
		}
		if f.Name != "edges" {
			return false
		}
		for _, e := range ec.fieldsOf(f.Selections, edge) {
			if !mayWait(e.Selections) {
				continue
			}
			if e.Name != "node" {
				return false
			}
			for i := range nodes {
				if !ec.ready(e.Selections, any(nodes[i])) {
					return false
				}
			}
		}
	}
	return true
}

// fieldsOf is the generated executionContext.collectFields (the
// per-operation cache graph/patch_generated.go adds), reached through an
// interface because gqlgen compiles this file with its unpatched output
// before the patch runs. Only the patched code calls the functions above.
func (ec *executionContext) fieldsOf(sel ast.SelectionSet, implementors []string) []graphql.CollectedField {
	c, ok := any(ec).(interface {
		collectFields(ast.SelectionSet, []string) []graphql.CollectedField
	})
	if !ok {
		panic("graph: generated.go is not patched (go generate ./graph)")
	}
	return c.collectFields(sel, implementors)
}
