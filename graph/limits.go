package graph

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"regexp"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/validator/core"
	"github.com/vektah/gqlparser/v2/validator/rules"

	"github.com/hostpanel/panel/internal/apperr"
)

// Limits bound what one GraphQL request may ask for (ENGINEERING section 7).
// A zero field takes its value from DefaultLimits.
type Limits struct {
	// MaxDepth is the deepest field nesting, following named and inline
	// fragments.
	MaxDepth int
	// MaxAliases is the number of aliased fields once fragments are expanded.
	MaxAliases int
	// MaxFields is the number of fields once fragments are expanded (the
	// fragment-size guard: computed with memoised fragment sizes, so a
	// chain of doubling fragments is measured in linear time).
	MaxFields int
	// MaxComplexity is the cost limit: a field costs 1 plus its children's
	// cost, times the page size for fields taking first/last (clamped to
	// [0, MaxPageSize]; 50 when neither is given). Sums and products
	// saturate, so no input wraps around to a small cost.
	MaxComplexity int
	// MaxErrors is the number of errors kept in one response.
	MaxErrors int
}

// DefaultLimits are the limits used when HandlerConfig.Limits leaves a field zero.
var DefaultLimits = Limits{
	MaxDepth:      15,
	MaxAliases:    50,
	MaxFields:     2000,
	MaxComplexity: 50000,
	MaxErrors:     20,
}

// Page sizes (API section 1): first/last at most 100, default 50.
const (
	MaxPageSize     = 100
	DefaultPageSize = 50
)

// CodeValidationFailed is gqlgen's code for invalid documents.
const codeValidationFailed = "GRAPHQL_VALIDATION_FAILED"

func (l Limits) withDefaults() Limits {
	d := DefaultLimits
	pick := func(v, def int) int {
		if v > 0 {
			return v
		}
		return def
	}
	return Limits{
		MaxDepth:      pick(l.MaxDepth, d.MaxDepth),
		MaxAliases:    pick(l.MaxAliases, d.MaxAliases),
		MaxFields:     pick(l.MaxFields, d.MaxFields),
		MaxComplexity: pick(l.MaxComplexity, d.MaxComplexity),
		MaxErrors:     pick(l.MaxErrors, d.MaxErrors),
	}
}

// validationRules are gqlparser's default rules with every rule that can
// answer "Did you mean ..." replaced by its variant without suggestions
// (fields and scalar leafs are swapped by gqlgen's SetDisableSuggestion).
func validationRules() *rules.Rules {
	r := rules.NewDefaultRules()
	for _, swap := range []struct {
		name string
		rule core.Rule
	}{
		{"KnownArgumentNames", rules.KnownArgumentNamesRuleWithoutSuggestions},
		{"KnownTypeNames", rules.KnownTypeNamesRuleWithoutSuggestions},
		{"ValuesOfCorrectType", rules.ValuesOfCorrectTypeRuleWithoutSuggestions},
		{"FieldsOnCorrectType", rules.FieldsOnCorrectTypeRuleWithoutSuggestions},
		{"ScalarLeafs", rules.ScalarLeafsRuleWithoutSuggestions},
	} {
		r.RemoveRule(swap.name)
		r.AddRule(swap.rule.Name, swap.rule.RuleFunc)
	}
	return r
}

// suggestion matches a "Did you mean ...?" tail, removed from every message
// in case a rule not swapped above ever suggests names.
var suggestion = regexp.MustCompile(`\s*Did you mean[^?]*\?`)

// costExtension is the key of the request's cost in Stats and in the
// response's extensions.
const costExtension = "cost"

// Cost is extensions.cost of every response.
type Cost struct {
	Requested int64 `json:"requested"`
	Limit     int64 `json:"limit"`
}

// limitsExtension enforces Limits after validation (the document is then
// known to be free of fragment cycles) and puts extensions.cost into every
// response, with at most MaxErrors errors.
type limitsExtension struct{ l Limits }

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
	graphql.ResponseInterceptor
} = limitsExtension{}

func (limitsExtension) ExtensionName() string                   { return "Limits" }
func (limitsExtension) Validate(graphql.ExecutableSchema) error { return nil }

func (e limitsExtension) MutateOperationContext(ctx context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	m := Measure(oc.Doc, oc.Operation, oc.Variables)
	oc.Stats.SetExtension(costExtension, &Cost{Requested: m.Cost, Limit: int64(e.l.MaxComplexity)})
	fail := func(code, format string, a ...any) *gqlerror.Error {
		err := gqlerror.Errorf(format, a...)
		err.Extensions = map[string]any{"code": code}
		return err
	}
	switch {
	case m.Fields > int64(e.l.MaxFields):
		return fail(apperr.CodeComplexityExceeded, "the query selects %s fields once fragments are expanded; the limit is %d", atLeast(m.Fields), e.l.MaxFields)
	case m.Depth > int64(e.l.MaxDepth):
		return fail(codeValidationFailed, "the query is nested %d levels deep; the limit is %d", m.Depth, e.l.MaxDepth)
	case m.Aliases > int64(e.l.MaxAliases):
		return fail(codeValidationFailed, "the query uses %s aliases; the limit is %d", atLeast(m.Aliases), e.l.MaxAliases)
	case m.Cost > int64(e.l.MaxComplexity):
		return fail(apperr.CodeComplexityExceeded, "the query costs %s; the limit is %d", atLeast(m.Cost), e.l.MaxComplexity)
	}
	return nil
}

func atLeast(n int64) string {
	if n == math.MaxInt64 {
		return "more than " + fmt.Sprint(int64(math.MaxInt64/2))
	}
	return fmt.Sprint(n)
}

func (e limitsExtension) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	resp := next(ctx)
	if resp == nil {
		return nil
	}
	cost := Cost{Limit: int64(e.l.MaxComplexity)}
	if graphql.HasOperationContext(ctx) {
		if c, ok := graphql.GetOperationContext(ctx).Stats.GetExtension(costExtension).(*Cost); ok && c != nil {
			cost = *c
		}
	}
	if resp.Extensions == nil {
		resp.Extensions = map[string]any{}
	}
	resp.Extensions[costExtension] = cost
	if len(resp.Errors) > e.l.MaxErrors {
		resp.Errors = resp.Errors[:e.l.MaxErrors]
	}
	for _, err := range resp.Errors {
		err.Message = suggestion.ReplaceAllString(err.Message, "")
	}
	return resp
}

// Measurement is what Measure finds in an operation. Every number
// saturates at math.MaxInt64.
type Measurement struct {
	Fields, Depth, Aliases, Cost int64
}

// Measure measures op of doc with vars, expanding fragments. Each named
// fragment is measured once (its measure does not depend on where it is
// spread), so the work is linear in the document's size however often
// fragments are spread. A fragment cycle (refused by validation anyway)
// measures as infinite.
func Measure(doc *ast.QueryDocument, op *ast.OperationDefinition, vars map[string]any) Measurement {
	if op == nil {
		return Measurement{}
	}
	w := &measurer{doc: doc, vars: vars, memo: map[string]Measurement{}, busy: map[string]bool{}}
	return w.set(op.SelectionSet)
}

type measurer struct {
	doc  *ast.QueryDocument
	vars map[string]any
	memo map[string]Measurement
	busy map[string]bool
}

var infinite = Measurement{math.MaxInt64, math.MaxInt64, math.MaxInt64, math.MaxInt64}

func (w *measurer) set(ss ast.SelectionSet) Measurement {
	var m Measurement
	for _, sel := range ss {
		var s Measurement
		switch x := sel.(type) {
		case *ast.Field:
			child := w.set(x.SelectionSet)
			s.Fields = satAdd(1, child.Fields)
			s.Depth = satAdd(1, child.Depth)
			s.Aliases = child.Aliases
			if x.Alias != "" && x.Alias != x.Name {
				s.Aliases = satAdd(s.Aliases, 1)
			}
			s.Cost = satAdd(1, satMul(w.pageSize(x), child.Cost))
		case *ast.InlineFragment:
			s = w.set(x.SelectionSet)
		case *ast.FragmentSpread:
			s = w.fragment(x.Name)
		}
		m.Fields = satAdd(m.Fields, s.Fields)
		m.Aliases = satAdd(m.Aliases, s.Aliases)
		m.Cost = satAdd(m.Cost, s.Cost)
		m.Depth = max(m.Depth, s.Depth)
	}
	return m
}

func (w *measurer) fragment(name string) Measurement {
	if m, ok := w.memo[name]; ok {
		return m
	}
	def := w.doc.Fragments.ForName(name)
	if def == nil {
		return Measurement{}
	}
	if w.busy[name] {
		return infinite
	}
	w.busy[name] = true
	m := w.set(def.SelectionSet)
	w.busy[name] = false
	w.memo[name] = m
	return m
}

// pageSize is the multiplier of a field's children: the number of IDs of a
// list looked up by IDs, the page size for a field with first/last arguments, clamped to [0, MaxPageSize] (a larger
// value is refused by the resolver anyway, and clamping cannot overflow), 1
// for any other field.
func (w *measurer) pageSize(f *ast.Field) int64 {
	// A list looked up by IDs (nodes(ids:)): one element per ID, at most
	// MaxPageSize (more are refused by the resolver).
	if f.Definition != nil && f.Definition.Type.Elem != nil && f.Definition.Arguments.ForName("ids") != nil {
		if a := f.Arguments.ForName("ids"); a != nil && a.Value != nil {
			if v, err := a.Value.Value(w.vars); err == nil {
				if l, ok := v.([]any); ok {
					return min(int64(len(l)), MaxPageSize)
				}
			}
		}
		return MaxPageSize
	}
	if f.Definition == nil || f.Definition.Arguments.ForName("first") == nil && f.Definition.Arguments.ForName("last") == nil {
		return 1
	}
	n, given := int64(0), false
	for _, a := range f.Arguments {
		if a.Name != "first" && a.Name != "last" || a.Value == nil {
			continue
		}
		v, err := a.Value.Value(w.vars)
		if err != nil || v == nil {
			continue
		}
		var k int64
		switch t := v.(type) {
		case int64:
			k = t
		case int:
			k = int64(t)
		case int32:
			k = int64(t)
		case json.Number:
			if k, err = t.Int64(); err != nil {
				k = MaxPageSize
			}
		case float64:
			if t > MaxPageSize {
				k = MaxPageSize
			} else {
				k = int64(t)
			}
		default:
			k = MaxPageSize
		}
		given = true
		n = max(n, min(max(k, 0), MaxPageSize))
	}
	if !given {
		return DefaultPageSize
	}
	return n
}

func satAdd(a, b int64) int64 {
	if a > math.MaxInt64-b {
		return math.MaxInt64
	}
	return a + b
}

func satMul(a, b int64) int64 {
	if a == 0 || b == 0 {
		return 0
	}
	if a > math.MaxInt64/b {
		return math.MaxInt64
	}
	return a * b
}
