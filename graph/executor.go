package graph

import (
	"bytes"
	"context"
	"io"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/hostpanel/panel/graph/model"
)

// The helpers of the rewrites graph/patch_generated.go makes in the
// generated executor (docs/executor.md).

// fast reports whether the patched paths run; false for a handler built
// with HandlerConfig.ReferenceExecutor, which runs the code as gqlgen
// generated it (the reference of graph/projection_test.go).
func (ec *executionContext) fast() bool {
	r, ok := ec.Resolvers.(*Resolver)
	return ok && !r.referenceExecutor
}

// marshalSlice replaces graphql.MarshalSliceConcurrently: when no element
// of v will wait for a dataloader (nothing selected under the list may
// wait, or what may wait is answered from loaded data for every element:
// elementsReady), its elements are marshalled one after the other on this
// goroutine, exactly as gqlgen marshals a list of one (a field context with
// the element's index, a panic in an element answering null for it).
// Otherwise every element gets its goroutine as before, so that their loads
// batch.
func marshalSlice[T any](ec *executionContext, ctx context.Context, sel ast.SelectionSet, v []T, workerLimit int64,
	omitPanicHandler bool, marshal func(ctx context.Context, i int) graphql.Marshaler) graphql.Array {
	n := len(v)
	if n < 2 || !ec.fast() || !elementsReady(ec, sel, v) {
		return graphql.MarshalSliceConcurrently(ctx, n, workerLimit, omitPanicHandler, marshal)
	}
	ret := make(graphql.Array, n)
	// The elements' field contexts with their indexes, in one allocation.
	elems := make([]struct {
		fc    graphql.FieldContext
		index int
	}, n)
	for i := range n {
		e := &elems[i]
		e.index = i
		e.fc.Index = &e.index
		childCtx := graphql.WithFieldContext(ctx, &e.fc)
		if omitPanicHandler {
			ret[i] = marshal(childCtx, i)
			continue
		}
		func() {
			defer func() {
				if r := recover(); r != nil {
					graphql.AddError(childCtx, graphql.Recover(childCtx, r))
					ret[i] = graphql.Null
				}
			}()
			ret[i] = marshal(childCtx, i)
		}()
	}
	return ret
}

// mayWait reports whether a field selected in sel, at any depth, may wait
// for a dataloader (the generated waitingField table). A field without
// its definition counts as waiting.
func mayWait(sel ast.SelectionSet) bool {
	for _, s := range sel {
		switch s := s.(type) {
		case *ast.Field:
			od := s.ObjectDefinition
			switch {
			case od == nil:
				return true
			case od.Kind == ast.Object:
				if waitingField(od.Name, s.Name) {
					return true
				}
			default: // an interface or a union: any implementation
				if waitingFieldName(s.Name) {
					return true
				}
			}
			if mayWait(s.SelectionSet) {
				return true
			}
		case *ast.InlineFragment:
			if mayWait(s.SelectionSet) {
				return true
			}
		case *ast.FragmentSpread:
			if s.Definition == nil || mayWait(s.Definition.SelectionSet) {
				return true
			}
		default:
			return true
		}
	}
	return false
}

// objectOut holds an object's field values: what graphql.FieldSet holds,
// in one allocation for objects of up to 8 fields. Fields resolved
// concurrently (those that may wait for a dataloader) go through a
// graphql.FieldSet created for them, whose values Dispatch copies back.
type objectOut struct {
	Values   []graphql.Marshaler
	Invalids uint32
	fields   []graphql.CollectedField
	fs       *graphql.FieldSet
	values   [8]graphql.Marshaler
}

func newObjectOut(fields []graphql.CollectedField) *objectOut {
	o := &objectOut{fields: fields}
	if len(fields) <= len(o.values) {
		o.Values = o.values[:len(fields):len(fields)]
	} else {
		o.Values = make([]graphql.Marshaler, len(fields))
	}
	return o
}

// ResolveConcurrently schedules field i as graphql.FieldSet does.
func (o *objectOut) ResolveConcurrently(oc *graphql.OperationContext, deferred *graphql.DeferredGroup, i int,
	recoverFromPanic, nonNull bool, resolve func(ctx context.Context) graphql.Marshaler) {
	if o.fs == nil {
		o.fs = graphql.NewFieldSet(o.fields)
	}
	o.fs.ResolveConcurrently(oc, deferred, i, recoverFromPanic, nonNull, resolve)
}

// Dispatch resolves the scheduled fields and takes their values and
// invalid count.
func (o *objectOut) Dispatch(ctx context.Context) {
	if o.fs == nil {
		return
	}
	o.fs.Dispatch(ctx)
	for i, v := range o.fs.Values {
		if v != nil {
			o.Values[i] = v
		}
	}
	atomic.AddUint32(&o.Invalids, atomic.LoadUint32(&o.fs.Invalids))
}

// MarshalGQL writes the object as graphql.FieldSet.MarshalGQL does (fields
// in order, a repeated response key written once, the first time), without
// its map of written keys and its iterator closures: keys repeat only when
// fragments on two unrelated interfaces select the same alias, which a scan
// of the few fields before finds.
func (o *objectOut) MarshalGQL(w io.Writer) {
	_, _ = io.WriteString(w, "{")
	first := true
next:
	for i := range o.fields {
		alias := o.fields[i].Alias
		for j := range i {
			if o.fields[j].Alias == alias {
				continue next
			}
		}
		if !first {
			_, _ = io.WriteString(w, ",")
		}
		first = false
		// A response key is a GraphQL name ([_A-Za-z][_0-9A-Za-z]*): nothing
		// to escape.
		_, _ = io.WriteString(w, `"`)
		_, _ = io.WriteString(w, alias)
		_, _ = io.WriteString(w, `":`)
		o.Values[i].MarshalGQL(w)
	}
	_, _ = io.WriteString(w, "}")
}

// collectedFields caches graphql.CollectFields per operation, as graphql's
// own cache does, keyed by the selection set and the implementors without
// hashing them (graphql's key allocates a hasher per object).
type collectedFields struct {
	mu   sync.Mutex
	m    map[collectKey][]graphql.CollectedField
	argm map[*ast.Field]map[string]any
}

// args returns the arguments of field, parsed by parse the first time
// (the generated field contexts; graph/patch_generated.go): a field of the
// operation has the same arguments for every object it is resolved on, the
// operation's variables being fixed. An error is returned and not kept.
// The map is shared by those objects' field contexts; nothing writes it.
func (c *collectedFields) args(field *ast.Field, parse func() (map[string]any, error)) (map[string]any, error) {
	c.mu.Lock()
	a, ok := c.argm[field]
	c.mu.Unlock()
	if ok {
		return a, nil
	}
	a, err := parse()
	if err != nil {
		return a, err
	}
	c.mu.Lock()
	if c.argm == nil {
		c.argm = map[*ast.Field]map[string]any{}
	}
	c.argm[field] = a
	c.mu.Unlock()
	return a, nil
}

type collectKey struct {
	sel          *ast.Selection
	n            int
	implementors *string
}

// get returns graphql.CollectFields(oc, sel, implementors), computed once
// per operation (the generated executionContext.collectFields, which
// graph/patch_generated.go writes, calls it with the operation's cache).
func (c *collectedFields) get(oc *graphql.OperationContext, sel ast.SelectionSet, implementors []string) []graphql.CollectedField {
	if c == nil || len(sel) == 0 || len(implementors) == 0 {
		return graphql.CollectFields(oc, sel, implementors)
	}
	k := collectKey{sel: &sel[0], n: len(sel), implementors: &implementors[0]}
	c.mu.Lock()
	f, ok := c.m[k]
	c.mu.Unlock()
	if ok {
		return f
	}
	f = graphql.CollectFields(oc, sel, implementors)
	c.mu.Lock()
	if c.m == nil {
		c.m = map[collectKey][]graphql.CollectedField{}
	}
	c.m[k] = f
	c.mu.Unlock()
	return f
}

// boolMarshaler writes a Boolean as graphql.MarshalBoolean does, without
// allocating (a bool in an interface is not allocated).
type boolMarshaler bool

func (b boolMarshaler) MarshalGQL(w io.Writer) {
	if b {
		_, _ = io.WriteString(w, "true")
	} else {
		_, _ = io.WriteString(w, "false")
	}
}

// stringRef writes the string it points to as graphql.MarshalString does
// (the same escaping), without the closure MarshalString allocates.
type stringRef string

func (s *stringRef) MarshalGQL(w io.Writer) { writeQuotedString(w, string(*s)) }

// stringRefOrNull is a nullable string field: null or its stringRef.
func stringRefOrNull(s *string) graphql.Marshaler {
	if s == nil {
		return graphql.Null
	}
	return (*stringRef)(s)
}

// intRef writes the integer it points to as graphql.MarshalInt does.
type intRef int

func (i *intRef) MarshalGQL(w io.Writer) {
	if b, ok := w.(*bytes.Buffer); ok {
		b.Write(strconv.AppendInt(b.AvailableBuffer(), int64(*i), 10))
		return
	}
	_, _ = io.WriteString(w, strconv.Itoa(int(*i)))
}

// idRef writes the ID it points to as model.MarshalID does.
type idRef int

func (i *idRef) MarshalGQL(w io.Writer) { model.MarshalID(int(*i)).MarshalGQL(w) }

const encodeHex = "0123456789ABCDEF"

// writeQuotedString is graphql's (unexported) string writer, unchanged.
func writeQuotedString(w io.Writer, s string) {
	start := 0
	_, _ = io.WriteString(w, `"`)
	for i, c := range s {
		if c < 0x20 || c == '\\' || c == '"' {
			_, _ = io.WriteString(w, s[start:i])
			switch c {
			case '\t':
				_, _ = io.WriteString(w, `\t`)
			case '\r':
				_, _ = io.WriteString(w, `\r`)
			case '\n':
				_, _ = io.WriteString(w, `\n`)
			case '\\':
				_, _ = io.WriteString(w, `\\`)
			case '"':
				_, _ = io.WriteString(w, `\"`)
			default:
				_, _ = io.WriteString(w, `\u00`)
				_, _ = w.Write([]byte{encodeHex[c>>4], encodeHex[c&0xf]})
			}
			start = i + 1
		}
	}
	_, _ = io.WriteString(w, s[start:])
	_, _ = io.WriteString(w, `"`)
}
