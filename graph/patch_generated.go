//go:build ignore

// patch_generated.go runs after gqlgen (go:generate in resolver.go) and
// removes costs of the generated executor that buy nothing here (bench/,
// docs/bench.md, docs/executor.md). Every rewrite keeps the code gqlgen
// generated as the reference path (HandlerConfig.ReferenceExecutor, which
// graph/projection_test.go compares against), and the patch refuses to run,
// failing go generate, when gqlgen's output no longer has the shape it
// rewrites:
//
//  1. No @defer bookkeeping per object: every object it marshals called
//     graphql.NewDeferredGroup, which computes the object's full path, a
//     field set and a map. The schema has no deferrable field, so the group
//     is never filled; the call becomes an empty group.
//  2. Plain scalar fields (a struct field of the model marshalled by a
//     scalar or enum marshaler that cannot fail) are marshalled directly,
//     without graphql.ResolveField's field context, context value,
//     closures and boxing; strings, integers, IDs and enums of an entity
//     by a pointer to its field (stringRef, idRef, ...: no allocation).
//     Every other field of an object without a directive runs what
//     graphql.ResolveField runs (field context, resolver, errors, nulls,
//     panics, marshaler) inline, without its four closures, calling the
//     resolver's type directly (no *tResolver allocated per call). Field
//     arguments are parsed once per field of the operation.
//  3. Resolver and context-method fields that never wait for a dataloader
//     run inline instead of through FieldSet.ResolveConcurrently (one
//     goroutine per extra such field of every object). Which resolvers may
//     wait is computed from the resolvers' source (any use of loadersFrom,
//     directly or through a function of the package); those stay
//     concurrent, so siblings still batch.
//  4. Objects hold their field values in one allocation (objectOut,
//     graph/executor.go; graphql.FieldSet only for the fields resolved
//     concurrently), collect their fields through a per-operation cache
//     that does not hash, and are written without FieldSet's map of
//     written keys. The objects' marshalers as gqlgen generated them stay
//     as _T_reference.
//  5. Lists are marshalled one element after the other, without a goroutine
//     each, when nothing selected under them may wait for a dataloader
//     (marshalSlice, graph/executor.go, looks at the selection with the
//     table of waiting fields written here to waiting_generated.go), or
//     when every field that may wait is answered from loaded data for every
//     element (elementsReady, graph/executor_ready.go). A waiting field
//     with a function ready<Object><Field> in the package runs inline for
//     the objects that function reports ready.
package main

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

const marker = "// patched by graph/patch_generated.go"

func main() {
	const path = "generated.go"
	src, err := os.ReadFile(path)
	if err != nil {
		fail(err)
	}
	if bytes.Contains(src, []byte(marker)) {
		return // already patched (go generate runs gqlgen first, so only by hand)
	}
	if bytes.Contains(src, []byte("Deferrable")) {
		fail(fmt.Errorf("%s handles deferred fields: drop the patch", path))
	}
	s := string(src)

	// 1. No deferred group per object.
	from := "deferred := graphql.NewDeferredGroup(ctx)"
	if !strings.Contains(s, from) {
		fail(fmt.Errorf("%s: graphql.NewDeferredGroup call not found; gqlgen changed", path))
	}
	s = strings.ReplaceAll(s, from, "var deferred graphql.DeferredGroup // no deferrable field: graph/patch_generated.go")

	// The object marshalers as they are now: the reference path of each
	// object (_T_reference), appended at the end.
	reference := objectFunctions(s)

	// 2. Plain scalar fields.
	s = patchPlainFields(s)

	// 2b. Every other field of an object without a directive.
	s = patchResolveFields(s)

	// 2c. Field arguments parsed once per operation.
	s = patchFieldArgs(s)

	// 3. Inline fields that never wait; the rest is the table of waiting fields.
	waits, funcs, err := waitingResolvers(".")
	if err != nil {
		fail(err)
	}
	s, waiting := patchConcurrentFields(s, waits, funcs)

	// 4. Objects: one allocation for the field values (objectOut), fields
	// collected through a per-operation cache without graphql's hashing,
	// written without FieldSet's map of written keys.
	s = patchObjects(s, reference)

	// The per-operation cache of collected fields.
	const ecType = "type executionContext struct {\n\t*graphql.ExecutionContextState[ResolverRoot, DirectiveRoot, ComplexityRoot]\n}\n"
	const ecNew = "\t\t\tdeferredResults,\n\t\t),\n\t}\n}\n"
	if strings.Count(s, ecType) != 1 || strings.Count(s, ecNew) != 1 {
		fail(fmt.Errorf("%s: executionContext or newExecutionContext changed shape; gqlgen changed", path))
	}
	s = strings.Replace(s, ecType, strings.TrimSuffix(ecType, "}\n")+
		"\tcollected *collectedFields // graph/patch_generated.go\n}\n", 1)
	s = strings.Replace(s, ecNew, "\t\t\tdeferredResults,\n\t\t),\n\t\tcollected: &collectedFields{},\n\t}\n}\n\n"+
		"func (ec *executionContext) collectFields(sel ast.SelectionSet, implementors []string) []graphql.CollectedField {\n"+
		"\treturn ec.collected.get(ec.OperationContext, sel, implementors)\n}\n", 1)

	// 5. Lists.
	const slice = "graphql.MarshalSliceConcurrently(ctx, len(v), "
	n := strings.Count(s, slice)
	if n == 0 || n != strings.Count(s, "MarshalSliceConcurrently") {
		fail(fmt.Errorf("%s: %d of %d MarshalSliceConcurrently calls have the expected shape; gqlgen changed",
			path, n, strings.Count(s, "MarshalSliceConcurrently")))
	}
	s = strings.ReplaceAll(s, slice, "marshalSlice(ec, ctx, sel, v, ")

	for _, name := range sortedKeys(reference) {
		s += "\n// " + name + "_reference is " + name + " as gqlgen generated it (HandlerConfig.ReferenceExecutor).\n" +
			strings.Replace(reference[name], "func (ec *executionContext) "+name+"(", "func (ec *executionContext) "+name+"_reference(", 1)
	}

	s += "\n" + marker + "\n"
	if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
		fail(err)
	}
	table := "// Code generated by graph/patch_generated.go, DO NOT EDIT.\n\npackage graph\n\n" + waitingTable(waiting)
	if err := os.WriteFile("waiting_generated.go", []byte(table), 0o644); err != nil {
		fail(err)
	}
}

// objectFunction is the head of a non-root object's marshaler.
var objectFunction = regexp.MustCompile(`(?m)^func \(ec \*executionContext\) (_\w+)\(ctx context\.Context, sel ast\.SelectionSet, obj [^)]+\) graphql\.Marshaler \{\n\tfields := graphql\.CollectFields\(ec\.OperationContext, sel, \w+Implementors\)\n\n\tout := graphql\.NewFieldSet\(fields\)\n`)

// objectFunctions returns the non-root object marshalers by name.
func objectFunctions(s string) map[string]string {
	out := map[string]string{}
	for _, loc := range objectFunction.FindAllStringSubmatchIndex(s, -1) {
		name := s[loc[2]:loc[3]]
		end := strings.Index(s[loc[0]:], "\n}\n")
		out[name] = s[loc[0] : loc[0]+end+3]
	}
	if len(out) < 30 || len(out)+2 != strings.Count(s, "out := graphql.NewFieldSet(fields)") {
		fail(fmt.Errorf("generated.go: %d object marshalers of the expected shape, %d field sets; gqlgen changed",
			len(out), strings.Count(s, "out := graphql.NewFieldSet(fields)")))
	}
	return out
}

// patchObjects rewrites each object marshaler of reference: the reference
// path first, then objectOut and the field cache instead of graphql's.
func patchObjects(s string, reference map[string]string) string {
	n := 0
	s = objectFunction.ReplaceAllStringFunc(s, func(head string) string {
		m := objectFunction.FindStringSubmatch(head)
		if reference[m[1]] == "" {
			fail(fmt.Errorf("generated.go: object marshaler %s changed shape", m[1]))
		}
		n++
		first, _, _ := strings.Cut(head, "\n")
		implementors := head[strings.Index(head, "sel, ")+5:strings.Index(head, "Implementors)")] + "Implementors"
		return first + "\n" +
			"\tif !ec.fast() {\n\t\treturn ec." + m[1] + "_reference(ctx, sel, obj)\n\t}\n" +
			"\tfields := ec.collectFields(sel, " + implementors + ") // graph/patch_generated.go\n\n" +
			"\tout := newObjectOut(fields)\n"
	})
	if n != len(reference) {
		fail(fmt.Errorf("generated.go: %d of %d object marshalers rewritten", n, len(reference)))
	}
	return s
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// plainField is a generated field function whose value is a struct field of
// the model, marshalled by a scalar marshaler.
var plainField = regexp.MustCompile(`(?m)^func \(ec \*executionContext\) _\w+\(ctx context\.Context, field graphql\.CollectedField, obj \*?[\w.]+\) \(ret graphql\.Marshaler\) \{\n` +
	`\treturn graphql\.ResolveField\(\n\t\tctx,\n\t\tec\.OperationContext,\n\t\tfield,\n` +
	`\t\tfunc\(ctx context\.Context, field graphql\.CollectedField\) \(\*graphql\.FieldContext, error\) \{\n\t\t\treturn ec\.fieldContext_\w+\(ctx, field\)\n\t\t\},\n` +
	`\t\tfunc\(ctx context\.Context\) \(any, error\) \{\n\t\t\treturn obj\.([A-Z]\w*), nil\n\t\t\},\n` +
	`\t\tnil,\n` +
	`\t\tfunc\(ctx context\.Context, selections ast\.SelectionSet, v [^\n]+\) graphql\.Marshaler \{\n\t\t\treturn ec\.(marshal[^(\s]+)\(ctx, selections, v\)\n\t\t\},\n` +
	`\t\ttrue,\n\t\t(?:true|false),\n\t\)\n\}\n`)

func patchPlainFields(s string) string {
	n := 0
	s = plainField.ReplaceAllStringFunc(s, func(fn string) string {
		m := plainField.FindStringSubmatch(fn)
		if !safeMarshaler(s, m[2]) {
			return fn
		}
		n++
		head, rest, _ := strings.Cut(fn, "{\n")
		value := "ec." + m[2] + "(ctx, field.Selections, obj." + m[1] + ")"
		// Marshalers that allocate nothing: a bool, or a pointer to the
		// field of the entity (read when the response is written; nothing
		// writes a loaded entity once resolvers have returned it).
		byRef := strings.Contains(head, ", obj *")
		switch {
		case m[2] == "marshalNBoolean2bool":
			value = "boolMarshaler(obj." + m[1] + ")"
		case !byRef:
		case m[2] == "marshalNString2string":
			value = "(*stringRef)(&obj." + m[1] + ")"
		case m[2] == "marshalOString2ᚖstring":
			value = "stringRefOrNull(obj." + m[1] + ")"
		case m[2] == "marshalNInt2int":
			value = "(*intRef)(&obj." + m[1] + ")"
		case m[2] == "marshalNID2int":
			value = "(*idRef)(&obj." + m[1] + ")"
		case strings.HasPrefix(m[2], "marshalN") && returnsValue(s, m[2]):
			value = "&obj." + m[1] // an enum: its MarshalGQL has a value receiver
		}
		return head + "{\n\tif ec.fast() {\n\t\treturn " + value + " // plain field: graph/patch_generated.go\n\t}\n" + rest
	})
	if n < 50 {
		fail(fmt.Errorf("generated.go: only %d plain scalar fields found; gqlgen changed", n))
	}
	return s
}

// resolveField is a generated field function of a non-root object without
// directives (no middleware chain).
var resolveField = regexp.MustCompile(`(?m)^func \(ec \*executionContext\) _\w+\(ctx context\.Context, field graphql\.CollectedField, obj [^)]+\) \(ret graphql\.Marshaler\) \{\n` +
	`\treturn graphql\.ResolveField\(\n\t\tctx,\n\t\tec\.OperationContext,\n\t\tfield,\n` +
	`\t\tfunc\(ctx context\.Context, field graphql\.CollectedField\) \(\*graphql\.FieldContext, error\) \{\n\t\t\treturn (ec\.fieldContext_\w+)\(ctx, field\)\n\t\t\},\n` +
	`\t\tfunc\(ctx context\.Context\) \(any, error\) \{\n((?:\t\t\t[^\n]*\n)+?)\t\t\},\n` +
	`\t\tnil,\n` +
	`\t\tfunc\(ctx context\.Context, selections ast\.SelectionSet, v ([^\n]+)\) graphql\.Marshaler \{\n\t\t\treturn ec\.(marshal[^(\s]+)\(ctx, selections, v\)\n\t\t\},\n` +
	`\t\ttrue,\n\t\t(true|false),\n\t\)\n\}\n`)

// patchResolveFields gives every such field a path that does what
// graphql.ResolveField does without its closures (the middleware chain is
// empty: no field interceptor, no directive): the field context, the
// resolver, its error, a null, a panic, the marshaler.
func patchResolveFields(s string) string {
	n := 0
	s = resolveField.ReplaceAllStringFunc(s, func(fn string) string {
		m := resolveField.FindStringSubmatch(fn)
		fieldContext, body, typ, marshal, nonNull := m[1], m[2], m[3], m[4], m[5]
		n++
		head, rest, _ := strings.Cut(fn, "{\n")
		return head + "{\n" +
			"\tif ec.fast() { // graphql.ResolveField without closures: graph/patch_generated.go\n" +
			"\t\tfc, err := " + fieldContext + "(ctx, field)\n" +
			"\t\tif err != nil {\n\t\t\treturn graphql.Null\n\t\t}\n" +
			"\t\tctx = graphql.WithFieldContext(ctx, fc)\n" +
			"\t\tdefer func() {\n\t\t\tif r := recover(); r != nil {\n\t\t\t\tec.Error(ctx, ec.Recover(ctx, r))\n\t\t\t\tret = graphql.Null\n\t\t\t}\n\t\t}()\n" +
			"\t\tresTmp, err := func(ctx context.Context) (any, error) {\n" + stackResolvers(body) + "\t\t}(ctx)\n" +
			"\t\tif err != nil {\n\t\t\tec.Error(ctx, graphql.AddFieldLocationToError(ctx, err))\n" +
			"\t\t\tif fc.NonNull && !" + nonNull + " {\n\t\t\t\treturn graphql.RequiredNull\n\t\t\t}\n\t\t\treturn graphql.Null\n\t\t}\n" +
			"\t\tif resTmp == nil {\n\t\t\tif " + nonNull + " || fc.NonNull {\n\t\t\t\tgraphql.AddInvalidNullError(ctx, \"\")\n\t\t\t}\n" +
			"\t\t\tif fc.NonNull && !" + nonNull + " {\n\t\t\t\treturn graphql.RequiredNull\n\t\t\t}\n\t\t\treturn graphql.Null\n\t\t}\n" +
			"\t\tres, ok := resTmp.(" + typ + ")\n" +
			"\t\tif !ok {\n\t\t\tec.Errorf(ctx, `unexpected type %T from middleware/directive chain, should be %T`, resTmp, res)\n\t\t\treturn graphql.Null\n\t\t}\n" +
			"\t\tfc.Result = resTmp\n" +
			marshalResult(s, marshal) +
			"\t}\n" + rest
	})
	if n < 50 {
		fail(fmt.Errorf("generated.go: only %d resolved fields found; gqlgen changed", n))
	}
	return s
}

// rootResolver is a call of a resolver through the ResolverRoot.
var rootResolver = regexp.MustCompile(`ec\.Resolvers\.(\w+)\(\)\.`)

// stackResolvers calls the resolver's type directly: ec.Resolvers.T().F(
// allocates a *tResolver per call (gqlgen's ResolverRoot methods return
// &tResolver{r}); (&tResolver{r}).F( keeps it on the stack. The fast path
// runs only with the package's *Resolver (ec.fast()); a type of another
// name fails the build.
func stackResolvers(body string) string {
	return rootResolver.ReplaceAllStringFunc(body, func(call string) string {
		m := rootResolver.FindStringSubmatch(call)
		return "(&" + lcFirst(m[1]) + "Resolver{ec.Resolvers.(*Resolver)})."
	})
}

// fieldArgs is the end of a generated field context with arguments.
var fieldArgs = regexp.MustCompile(`\tctx = graphql\.WithFieldContext\(ctx, fc\)\n` +
	`\tif fc\.Args, err = ec\.(field_\w+_args)\(ctx, field\.ArgumentMap\(ec\.Variables\)\); err != nil \{\n` +
	`\t\tec\.Error\(ctx, err\)\n\t\treturn fc, err\n\t\}\n\treturn fc, nil\n\}\n`)

// patchFieldArgs parses a field's arguments once per operation (the same
// field of the operation with the same variables: executionContext's
// collectedFields.args) instead of once per object: a map of the raw
// arguments, the arguments' map and values and a context each time.
// Arguments that fail to parse are not kept (their error is reported for
// every object, as before).
func patchFieldArgs(s string) string {
	n := 0
	s = fieldArgs.ReplaceAllStringFunc(s, func(tail string) string {
		m := fieldArgs.FindStringSubmatch(tail)
		n++
		return "\tif ec.fast() { // arguments parsed once per operation: graph/patch_generated.go\n" +
			"\t\tif fc.Args, err = ec.collected.args(field.Field, func() (map[string]any, error) {\n" +
			"\t\t\treturn ec." + m[1] + "(graphql.WithFieldContext(ctx, fc), field.ArgumentMap(ec.Variables))\n" +
			"\t\t}); err != nil {\n\t\t\tec.Error(graphql.WithFieldContext(ctx, fc), err)\n\t\t\treturn fc, err\n\t\t}\n" +
			"\t\treturn fc, nil\n\t}\n" + tail
	})
	if n < 30 || n != strings.Count(s, "field.ArgumentMap(ec.Variables)")-n {
		fail(fmt.Errorf("generated.go: %d of %d field argument parses rewritten; gqlgen changed", n,
			strings.Count(s, "field.ArgumentMap(ec.Variables)")-n))
	}
	return s
}

// marshalResult is the fast path's last statement: the marshaler, or for a
// non-null enum (a marshaler that returns its value) the value already
// boxed in resTmp, not boxed a second time.
func marshalResult(s, marshal string) string {
	if strings.HasPrefix(marshal, "marshalN") && returnsValue(s, marshal) {
		return "\t\t_ = res\n\t\treturn resTmp.(graphql.Marshaler) // " + marshal + " returns its value\n"
	}
	return "\t\treturn ec." + marshal + "(ctx, field.Selections, res)\n"
}

// returnsValue reports whether the marshaler returns its value as it is.
func returnsValue(s, name string) bool {
	i := strings.Index(s, "func (ec *executionContext) "+name+"(")
	body := s[i:]
	body = body[:strings.Index(body, "\n}\n")]
	_, after, _ := strings.Cut(body, "{\n")
	return strings.TrimSpace(after) == "return v"
}

// safeMarshaler reports whether the generated marshaler name cannot fail
// (a non-null one never answers null, a nullable one adds no error), so
// that calling it without the field's context answers exactly as
// graphql.ResolveField would.
func safeMarshaler(s, name string) bool {
	i := strings.Index(s, "func (ec *executionContext) "+name+"(")
	if i < 0 {
		fail(fmt.Errorf("generated.go: marshaler %s not found", name))
	}
	body := s[i:]
	body = body[:strings.Index(body, "\n}\n")]
	if strings.Contains(body, "ec._") || strings.Contains(body, "MarshalSlice") || strings.Contains(body, "for ") {
		return false
	}
	never := strings.Contains(body, "graphql.MarshalString(") || strings.Contains(body, "graphql.MarshalInt(") ||
		strings.Contains(body, "graphql.MarshalBoolean(") || strings.Contains(body, "model.MarshalID(") ||
		strings.HasSuffix(strings.TrimSpace(body), "\treturn v")
	if strings.HasPrefix(name, "marshalN") {
		return never
	}
	return strings.HasPrefix(name, "marshalO") && (never || strings.Contains(body, "graphql.MarshalTime(")) &&
		!strings.Contains(body, "AddInvalidNull") && !strings.Contains(body, "AddError")
}

// concurrentField is a field of a non-root object scheduled on its own
// goroutine.
var concurrentField = regexp.MustCompile(`\t\tcase "(\w+)":\n` +
	`\t\t\tout\.ResolveConcurrently\(ec\.OperationContext, &deferred, i,\n` +
	`\t\t\t\ttrue, (true|false),\n` +
	`\t\t\t\tfunc\(ctx context\.Context\) graphql\.Marshaler \{\n` +
	`\t\t\t\t\treturn ec\.(_\w+)\(ctx, field, obj\)\n` +
	`\t\t\t\t\}\)\n`)

var resolverCall = regexp.MustCompile(`ec\.Resolvers\.(\w+)\(\)\.(\w+)\(`)
var contextMethod = regexp.MustCompile(`return obj\.\w+\(ctx[,)]`)

// patchConcurrentFields inlines the concurrent fields that never wait and
// returns the others as "Object.field". A waiting field with a function
// ready<Object><Field>(fields, obj) among funcs (graph/executor_ready.go)
// runs inline for the objects it reports ready for (answered from loaded
// data), concurrently for the others.
func patchConcurrentFields(s string, waits, funcs map[string]bool) (string, []string) {
	var waiting []string
	inlined := 0
	readyUsed := map[string]bool{}
	s = concurrentField.ReplaceAllStringFunc(s, func(site string) string {
		m := concurrentField.FindStringSubmatch(site)
		field, nonNull, fn := m[1], m[2] == "true", m[3]
		object := strings.TrimSuffix(strings.TrimPrefix(fn, "_"), "_"+field)
		i := strings.Index(s, "func (ec *executionContext) "+fn+"(")
		if i < 0 || object == fn[1:] {
			fail(fmt.Errorf("generated.go: field function %s not found", fn))
		}
		body := s[i:]
		body = body[:strings.Index(body, "\n}\n")]
		wait := true // unknown shapes stay concurrent
		if rc := resolverCall.FindStringSubmatch(body); rc != nil {
			wait = waits[lcFirst(rc[1])+"Resolver."+rc[2]]
		} else if contextMethod.MatchString(body) {
			wait = false // an ent method: eager-loaded edges or its own query, never a dataloader
		}
		invalid := "graphql.RequiredNull"
		if nonNull {
			invalid = "graphql.Null"
		}
		if wait {
			waiting = append(waiting, object+"."+field)
			ready := "ready" + object + strings.ToUpper(field[:1]) + field[1:]
			if !funcs[ready] {
				return site
			}
			readyUsed[ready] = true
			return "\t\tcase \"" + field + "\":\n" +
				"\t\t\tif ec.fast() && " + ready + "(fields, obj) { // answered from loaded data: graph/patch_generated.go\n" +
				"\t\t\t\tout.Values[i] = ec." + fn + "(ctx, field, obj)\n" +
				"\t\t\t\tif out.Values[i] == " + invalid + " {\n\t\t\t\t\tatomic.AddUint32(&out.Invalids, 1)\n\t\t\t\t}\n" +
				"\t\t\t\tbreak\n\t\t\t}\n" +
				strings.TrimPrefix(site, m[0][:strings.Index(m[0], "\n")+1])
		}
		inlined++
		return "\t\tcase \"" + field + "\":\n" +
			"\t\t\tif ec.fast() { // never waits for a dataloader: graph/patch_generated.go\n" +
			"\t\t\t\tout.Values[i] = ec." + fn + "(ctx, field, obj)\n" +
			"\t\t\t\tif out.Values[i] == " + invalid + " {\n\t\t\t\t\tatomic.AddUint32(&out.Invalids, 1)\n\t\t\t\t}\n" +
			"\t\t\t\tbreak\n\t\t\t}\n" +
			strings.TrimPrefix(site, m[0][:strings.Index(m[0], "\n")+1])
	})
	if inlined < 10 || len(waiting) == 0 {
		fail(fmt.Errorf("generated.go: %d concurrent fields inlined, %d waiting; gqlgen changed", inlined, len(waiting)))
	}
	for name := range funcs {
		if strings.HasPrefix(name, "ready") && len(name) > 5 && name[5] >= 'A' && name[5] <= 'Z' &&
			!strings.Contains(name, ".") && !readyUsed[name] {
			fail(fmt.Errorf("%s names no waiting field of generated.go (ready<Object><Field>)", name))
		}
	}
	sort.Strings(waiting)
	return s, waiting
}

// waitingTable writes waitingField(object, field) and waitingFieldName(field).
func waitingTable(waiting []string) string {
	var b strings.Builder
	b.WriteString("// waitingField reports whether object.field may wait for a dataloader\n" +
		"// (resolved concurrently so that its siblings batch).\n" +
		"func waitingField(object, field string) bool {\n\tswitch object {\n")
	byObject := map[string][]string{}
	var objects, names []string
	seen := map[string]bool{}
	for _, w := range waiting {
		o, f, _ := strings.Cut(w, ".")
		if byObject[o] == nil {
			objects = append(objects, o)
		}
		byObject[o] = append(byObject[o], f)
		if !seen[f] {
			seen[f] = true
			names = append(names, f)
		}
	}
	sort.Strings(names)
	for _, o := range objects {
		fmt.Fprintf(&b, "\tcase %q:\n\t\tswitch field {\n\t\tcase %s:\n\t\t\treturn true\n\t\t}\n", o, quoteAll(byObject[o]))
	}
	b.WriteString("\t}\n\treturn false\n}\n\n")
	b.WriteString("// waitingFieldName reports whether a field of this name may wait on any\n" +
		"// object type (for fields selected on an interface or union).\n" +
		"func waitingFieldName(field string) bool {\n\tswitch field {\n")
	fmt.Fprintf(&b, "\tcase %s:\n\t\treturn true\n\t}\n\treturn false\n}\n", quoteAll(names))
	return b.String()
}

func quoteAll(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = fmt.Sprintf("%q", s)
	}
	return strings.Join(q, ", ")
}

func lcFirst(s string) string { return strings.ToLower(s[:1]) + s[1:] }

// waitingResolvers parses the package's hand-written files and returns the
// functions and methods ("Func", "recvType.Method") that may wait for a
// dataloader: those that call loadersFrom, directly or through another
// function or method of the package; and all of them.
func waitingResolvers(dir string) (map[string]bool, map[string]bool, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		return nil, nil, err
	}
	fset := token.NewFileSet()
	calls := map[string][]string{} // key -> called names ("F" or ".M")
	keysByName := map[string][]string{}
	for _, f := range files {
		base := filepath.Base(f)
		if base == "generated.go" || base == "patch_generated.go" || strings.HasSuffix(base, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(fset, f, nil, 0)
		if err != nil {
			return nil, nil, err
		}
		for _, d := range file.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Body == nil {
				continue
			}
			key := fd.Name.Name
			if fd.Recv != nil && len(fd.Recv.List) == 1 {
				t := fd.Recv.List[0].Type
				if st, ok := t.(*ast.StarExpr); ok {
					t = st.X
				}
				if id, ok := t.(*ast.Ident); ok {
					key = id.Name + "." + fd.Name.Name
				}
			}
			keysByName[fd.Name.Name] = append(keysByName[fd.Name.Name], key)
			ast.Inspect(fd.Body, func(n ast.Node) bool {
				if c, ok := n.(*ast.CallExpr); ok {
					switch fun := c.Fun.(type) {
					case *ast.Ident:
						calls[key] = append(calls[key], fun.Name)
					case *ast.SelectorExpr:
						calls[key] = append(calls[key], fun.Sel.Name)
					}
				}
				return true
			})
		}
	}
	if len(calls) == 0 {
		return nil, nil, fmt.Errorf("no resolvers found in %s", dir)
	}
	waits := map[string]bool{}
	for changed := true; changed; {
		changed = false
		for key, called := range calls {
			if waits[key] {
				continue
			}
			for _, c := range called {
				hit := c == "loadersFrom"
				for _, k := range keysByName[c] {
					hit = hit || waits[k]
				}
				if hit {
					waits[key], changed = true, true
					break
				}
			}
		}
	}
	if !waits["customerResolver.Owner"] {
		return nil, nil, fmt.Errorf("customerResolver.Owner does not wait for a loader: the analysis is broken")
	}
	funcs := map[string]bool{}
	for _, keys := range keysByName {
		for _, k := range keys {
			funcs[k] = true
		}
	}
	return waits, funcs, nil
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "patch_generated:", err)
	os.Exit(1)
}
