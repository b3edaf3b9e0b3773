package graph

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/hostpanel/panel/graph/model"
)

// The marshalers of the rewritten executor write exactly what gqlgen's
// would (graph/patch_generated.go, docs/executor.md).
func TestExecutorMarshalersWriteAsGqlgen(t *testing.T) {
	write := func(m graphql.Marshaler) string {
		var b bytes.Buffer
		m.MarshalGQL(&b)
		return b.String()
	}
	// Through a writer that is not a bytes.Buffer as well.
	writeOther := func(m graphql.Marshaler) string {
		var b bytes.Buffer
		m.MarshalGQL(struct{ *bytes.Buffer }{&b})
		return b.String()
	}
	for _, s := range []string{"", "plain", `quote " and \ backslash`, "tab\tnewline\nreturn\r", "\x00\x01\x1f control",
		"ünïcødé ✓ 𝄞", "\u2028\u2029", "</script>"} {
		s := s
		if got, want := write((*stringRef)(&s)), write(graphql.MarshalString(s)); got != want {
			t.Errorf("stringRef(%q) writes %s, graphql.MarshalString %s", s, got, want)
		}
	}
	if write(stringRefOrNull(nil)) != write(graphql.Null) {
		t.Errorf("stringRefOrNull(nil) is not null")
	}
	for _, i := range []int{0, 1, 255, 256, 123456789, -42, 1<<62 + 1} {
		i := i
		if got, want := write((*intRef)(&i)), write(graphql.MarshalInt(i)); got != want || writeOther((*intRef)(&i)) != want {
			t.Errorf("intRef(%d) writes %s, graphql.MarshalInt %s", i, got, want)
		}
		if got, want := write((*idRef)(&i)), `"`+write(graphql.MarshalInt(i))+`"`; got != want || writeOther(model.MarshalID(i)) != want {
			t.Errorf("idRef(%d) writes %s, want %s", i, got, want)
		}
	}
	for _, b := range []bool{true, false} {
		if got, want := write(boolMarshaler(b)), write(graphql.MarshalBoolean(b)); got != want {
			t.Errorf("boolMarshaler(%v) writes %s, graphql.MarshalBoolean %s", b, got, want)
		}
	}
}

// objectOut writes an object as graphql.FieldSet does, a repeated response
// key once (the first value), and takes the values and invalid count of
// the fields resolved concurrently.
func TestObjectOutWritesAsFieldSet(t *testing.T) {
	fields := []graphql.CollectedField{
		{Field: &ast.Field{Alias: "id"}}, {Field: &ast.Field{Alias: "name"}},
		{Field: &ast.Field{Alias: "id"}}, {Field: &ast.Field{Alias: "later"}},
	}
	values := []graphql.Marshaler{graphql.MarshalString("1"), graphql.MarshalString("n"), graphql.MarshalString("2"), graphql.MarshalInt(7)}
	fs := graphql.NewFieldSet(fields)
	copy(fs.Values, values)
	var want bytes.Buffer
	fs.MarshalGQL(&want)

	o := newObjectOut(fields)
	copy(o.Values[:3], values[:3])
	oc := &graphql.OperationContext{}
	var deferred graphql.DeferredGroup
	o.ResolveConcurrently(oc, &deferred, 3, true, true, func(ctx context.Context) graphql.Marshaler { return values[3] })
	o.Dispatch(context.Background())
	var got bytes.Buffer
	o.MarshalGQL(&got)
	if got.String() != want.String() || got.String() != `{"id":"1","name":"n","later":7}` {
		t.Fatalf("objectOut writes %s, graphql.FieldSet %s", got.String(), want.String())
	}
	if o.Invalids != 0 {
		t.Fatalf("invalids %d, want 0", o.Invalids)
	}
	o = newObjectOut(fields)
	o.ResolveConcurrently(oc, &deferred, 1, true, true, func(ctx context.Context) graphql.Marshaler { return graphql.Null })
	o.Dispatch(context.Background())
	if o.Invalids != 1 {
		t.Fatalf("a null non-null field resolved concurrently: invalids %d, want 1", o.Invalids)
	}
}

// A list is marshalled without goroutines only when nothing selected under
// it, at any depth and through fragments, may wait for a dataloader.
func TestMayWait(t *testing.T) {
	schema := NewExecutableSchema(Config{}).Schema()
	cases := []struct {
		query string
		wait  bool
	}{
		{`{customers(first:1){edges{node{id login status subscriptions(first:1){edges{node{id status domains{name primary} plan{name}}}}}}}}`, false},
		{`{customers(first:1){edges{node{id owner{__typename}}}}}`, true},
		{`{customers(first:1){edges{node{...F}}}} fragment F on Customer{subscriptions(first:1){edges{node{domain{name}}}}}`, true},
		{`{customers(first:1){edges{node{... on Customer{subscriptions(first:1){edges{node{subscriber{__typename}}}}}}}}}`, true},
		{`{customers(first:1){edges{node{panelUsers{status}}}}}`, true},
		{`{customers(first:1){edges{node{descriptions{text author{__typename}}}}}}`, true},
		{`{customers(first:1){edges{node{descriptions{text}}}}}`, false},
	}
	for _, c := range cases {
		doc, err := gqlparser.LoadQuery(schema, c.query)
		if err != nil {
			t.Fatalf("%s: %v", c.query, err)
		}
		// The selection under customers' edges, as the edges' list
		// marshaler sees it.
		customers := doc.Operations[0].SelectionSet[0].(*ast.Field)
		edges := customers.SelectionSet[0].(*ast.Field)
		if got := mayWait(edges.SelectionSet); got != c.wait {
			t.Errorf("mayWait(%s) = %v, want %v", c.query, got, c.wait)
		}
	}
	// The table the patch writes from the resolvers' source.
	for _, f := range [][2]string{{"Customer", "owner"}, {"HostingSubscription", "domain"}, {"HostingSubscription", "subscriber"}} {
		if !waitingField(f[0], f[1]) || !waitingFieldName(f[1]) {
			t.Errorf("%s.%s uses a dataloader but is not a waiting field", f[0], f[1])
		}
	}
	for _, f := range [][2]string{{"Customer", "subscriptions"}, {"HostingSubscription", "domains"}, {"HostingSubscription", "plan"}, {"HostingSubscription", "status"}} {
		if waitingField(f[0], f[1]) {
			t.Errorf("%s.%s waits for no dataloader but is a waiting field", f[0], f[1])
		}
	}
}

// The rewritten field paths call resolvers without the operation's field
// middleware (graph/patch_generated.go: there is none). A field
// interceptor added anywhere in the module would silently miss most
// fields: this test fails first, pointing at docs/executor.md.
func TestNoFieldInterceptor(t *testing.T) {
	err := filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "node_modules") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") ||
			strings.HasSuffix(path, "generated.go") {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, s := range []string{"AroundFields(", "InterceptField("} {
			if bytes.Contains(src, []byte(s)) {
				t.Errorf("%s uses %s: the executor's fast paths (graph/patch_generated.go) skip field middleware; "+
					"see docs/executor.md before adding one", path, strings.TrimSuffix(s, "("))
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
