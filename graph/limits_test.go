package graph_test

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"entgo.io/ent/dialect"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
	"github.com/vektah/gqlparser/v2/validator"

	"github.com/hostpanel/panel/graph"
	"github.com/hostpanel/panel/internal/apitest"
)

// limitsServer is a server on SQLite: the limits do not depend on the
// database.
func limitsServer(t *testing.T) (*apitest.Server, string) {
	s := apitest.New(t, dialect.SQLite)
	return s, s.AdminToken()
}

func wantCode(t *testing.T, r *apitest.Response, code, msgPart string) {
	t.Helper()
	if r.Code() != code {
		t.Fatalf("want %s, got %d %+v", code, r.Status, r.Errors)
	}
	if msgPart != "" && !strings.Contains(r.Errors[0].Message, msgPart) {
		t.Fatalf("message %q lacks %q", r.Errors[0].Message, msgPart)
	}
	if string(r.Data) != "" && string(r.Data) != "null" {
		t.Fatalf("refused request has data %s", r.Data)
	}
}

func wantOK(t *testing.T, r *apitest.Response) {
	t.Helper()
	if len(r.Errors) > 0 {
		t.Fatalf("want success, got %d %+v", r.Status, r.Errors)
	}
}

// nest returns n levels of Domain.subscription / HostingSubscription.domain
// below node(id:) (which is level 1), each level costing 1.
func nest(levels int, open func(i int) string) string {
	var b strings.Builder
	b.WriteString(`{node(id:"x"){... on Domain{`)
	for i := 2; i <= levels; i++ {
		b.WriteString(open(i))
	}
	b.WriteString("id")
	b.WriteString(strings.Repeat("}", levels-1))
	b.WriteString("}}}")
	return b.String()
}

func plainLevel(i int) string {
	if i%2 == 0 {
		return "subscription{"
	}
	return "domain{"
}

func TestDepthLimit(t *testing.T) {
	s, admin := limitsServer(t)
	max := graph.DefaultLimits.MaxDepth
	// The leaf "id" is one level more than the nested fields.
	wantOK(t, s.Do(admin, nest(max-1, plainLevel), nil))
	wantCode(t, s.Do(admin, nest(max, plainLevel), nil), "GRAPHQL_VALIDATION_FAILED", "nested")

	// The same depth hidden in inline fragments.
	inline := func(i int) string {
		if i%2 == 0 {
			return "... on Domain{subscription{"
		}
		return "... on HostingSubscription{domain{"
	}
	deepInline := strings.Replace(nest(max, inline), strings.Repeat("}", max-1), strings.Repeat("}}", max-1), 1)
	wantCode(t, s.Do(admin, deepInline, nil), "GRAPHQL_VALIDATION_FAILED", "nested")

	// And in a chain of named fragments, each adding two levels.
	var q strings.Builder
	levels := max/2 + 1
	q.WriteString(`{node(id:"x"){...D0}}`)
	for i := 0; i < levels; i++ {
		fmt.Fprintf(&q, "\nfragment D%d on Domain{subscription{domain{", i)
		if i+1 < levels {
			fmt.Fprintf(&q, "...D%d", i+1)
		} else {
			q.WriteString("id")
		}
		q.WriteString("}}}")
	}
	wantCode(t, s.Do(admin, q.String(), nil), "GRAPHQL_VALIDATION_FAILED", "nested")
}

func TestAliasLimit(t *testing.T) {
	s, admin := limitsServer(t)
	max := graph.DefaultLimits.MaxAliases
	aliases := func(n int) string {
		var b strings.Builder
		for i := 0; i < n; i++ {
			fmt.Fprintf(&b, " a%d:__typename", i)
		}
		return b.String()
	}
	wantOK(t, s.Do(admin, "{"+aliases(max)+"}", nil))
	wantCode(t, s.Do(admin, "{"+aliases(max+1)+"}", nil), "GRAPHQL_VALIDATION_FAILED", "aliases")
	// Aliases inside a fragment count once per spread.
	half := max/2 + 1
	q := "{...F ... on Query{...F}}\nfragment F on Query{" + aliases(half) + "}"
	wantCode(t, s.Do(admin, q, nil), "GRAPHQL_VALIDATION_FAILED", "aliases")
}

// doublingChain is ~1 KB: fragment Fi spreads F(i-1) twice, so F25 expands
// to 2^25 fields.
func doublingChain(tag string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n{...F25}\nfragment F0 on Query{__typename}\n", tag)
	for i := 1; i <= 25; i++ {
		fmt.Fprintf(&b, "fragment F%d on Query{...F%d ...F%d}\n", i, i-1, i-1)
	}
	return b.String()
}

func TestFragmentSizeGuard(t *testing.T) {
	s, admin := limitsServer(t)
	if n := len(doublingChain("run 0")); n > 1100 {
		t.Fatalf("the chain is %d bytes, want about 1 KB", n)
	}
	best := time.Hour
	for i := 0; i < 3; i++ {
		q := doublingChain(fmt.Sprintf("run %d", i)) // distinct text: no query cache
		start := time.Now()
		r := s.Do(admin, q, nil)
		best = min(best, time.Since(start))
		wantCode(t, r, "COMPLEXITY_LIMIT_EXCEEDED", "fields")
	}
	t.Logf("doubling chain refused in %v", best)
	if best > 20*time.Millisecond {
		t.Fatalf("doubling chain took %v to refuse, want well under 20ms", best)
	}
	// A modest fragment tree passes.
	wantOK(t, s.Do(admin, "{...F}\nfragment F on Query{...G ...G}\nfragment G on Query{__typename viewer{role}}", nil))
}

// measure validates q against the schema and measures it.
func measure(t *testing.T, q string, vars map[string]any) graph.Measurement {
	t.Helper()
	schema := graph.NewExecutableSchema(graph.Config{}).Schema()
	doc, err := parser.ParseQuery(&ast.Source{Input: q})
	if err != nil {
		t.Fatal(err)
	}
	if errs := validator.Validate(schema, doc); len(errs) > 0 {
		t.Fatal(errs)
	}
	vv, verr := validator.VariableValues(schema, doc.Operations[0], vars)
	if verr != nil {
		t.Fatal(verr)
	}
	return graph.Measure(doc, doc.Operations[0], vv)
}

func TestComplexityClampsAndSaturates(t *testing.T) {
	const page = `query($n:Int){customers(first:$n){edges{node{id}}}}`
	huge := json.Number("4611686018427387904") // 2^62, as the transport decodes it
	c100 := measure(t, page, map[string]any{"n": json.Number("100")}).Cost
	if c := measure(t, page, map[string]any{"n": huge}).Cost; c != c100 {
		t.Errorf("first: 2^62 costs %d, want the cost of first: 100 (%d)", c, c100)
	}
	if c := measure(t, page, map[string]any{"n": json.Number("-5")}).Cost; c <= 0 || c >= c100 {
		t.Errorf("first: -5 costs %d", c)
	}
	if c50 := measure(t, `{customers{edges{node{id}}}}`, nil).Cost; c50 <= 0 || c50 >= c100 {
		t.Errorf("default page costs %d, want between 0 and %d", c50, c100)
	}
	// nodes(ids:) costs its selection once per ID.
	ids := func(n int) []any {
		out := make([]any, n)
		for i := range out {
			out[i] = fmt.Sprint(i + 1)
		}
		return out
	}
	const nodes = `query($ids:[ID!]!){nodes(ids:$ids){id ... on Customer{login}}}`
	c1 := measure(t, nodes, map[string]any{"ids": ids(1)}).Cost
	if c40 := measure(t, nodes, map[string]any{"ids": ids(40)}).Cost; c40 != 1+40*(c1-1) {
		t.Errorf("nodes: 1 ID costs %d, 40 IDs %d", c1, c40)
	}
	if c := measure(t, nodes, map[string]any{"ids": ids(5000)}).Cost; c != measure(t, nodes, map[string]any{"ids": ids(100)}).Cost {
		t.Errorf("nodes: 5000 IDs cost %d, want the cost of 100", c)
	}
	// 12 nested pages of 100: 100^12 overflows int64; the cost saturates.
	var b strings.Builder
	b.WriteString("query($n:Int){resellers(first:$n){edges{node{")
	for i := 0; i < 6; i++ {
		b.WriteString("customers(first:$n){edges{node{subscriptions(first:$n){edges{node{subscriber{... on Reseller{")
	}
	b.WriteString("id")
	b.WriteString(strings.Repeat("}}}}}}}}", 6))
	b.WriteString("}}}}")
	if c := measure(t, b.String(), map[string]any{"n": huge}).Cost; c != math.MaxInt64 {
		t.Errorf("deep nesting costs %d, want saturation at MaxInt64", c)
	}
}

func TestComplexityLimit(t *testing.T) {
	s, admin := limitsServer(t)
	three := `query($n:Int){resellers(first:$n){edges{node{customers(first:$n){edges{node{
	  subscriptions(first:$n){edges{node{id}}}}}}}}}}`
	for _, n := range []any{4611686018427387904, 100} {
		r := s.Do(admin, three, map[string]any{"n": n})
		wantCode(t, r, "COMPLEXITY_LIMIT_EXCEEDED", "costs")
		cost := costOf(t, r)
		if cost.Requested <= cost.Limit {
			t.Errorf("first: %v: cost %+v", n, cost)
		}
	}
	// The SPA's customer tree fits.
	r := s.Do(admin, `{customers(first:100){totalCount edges{cursor node{
	  id login name company status description
	  owner{__typename ... on Reseller{id login} ... on Administrator{id login}}
	  subscriptions(first:10){totalCount edges{node{id status planSync
	    plan{id name} domain{name} domains{name primary}}}}}}}}`, nil)
	wantOK(t, r)
	if c := costOf(t, r); c.Requested <= 100 || c.Requested > c.Limit {
		t.Errorf("customer tree cost %+v", c)
	}
}

func costOf(t *testing.T, r *apitest.Response) graph.Cost {
	t.Helper()
	raw, _ := json.Marshal(r.Extensions["cost"])
	var c graph.Cost
	if err := json.Unmarshal(raw, &c); err != nil || c.Limit != int64(graph.DefaultLimits.MaxComplexity) {
		t.Fatalf("extensions.cost = %s (%v)", raw, err)
	}
	return c
}

func TestCostInEveryResponse(t *testing.T) {
	s, admin := limitsServer(t)
	cases := map[string]*apitest.Response{
		"success":       s.Do(admin, `{viewer{role}}`, nil),
		"parse error":   s.Do(admin, `{viewer{`, nil),
		"invalid":       s.Do(admin, `{nope}`, nil),
		"bad variables": s.Do(admin, `query($n:Int!){customers(first:$n){totalCount}}`, map[string]any{"n": "x"}),
		"too costly":    s.Do(admin, doublingChain("cost"), nil),
		"no token":      s.Do("", `{viewer{role}}`, nil),
		"user errors":   s.Do("", `mutation{login(input:{login:"admin",password:"wrong-password"}){token userErrors{code}}}`, nil),
	}
	for name, r := range cases {
		c := costOf(t, r)
		if name == "success" && c.Requested < 2 {
			t.Errorf("%s: cost %+v", name, c)
		}
	}
}

func TestErrorsPerResponseCapped(t *testing.T) {
	s, admin := limitsServer(t)
	var q strings.Builder
	q.WriteString("{")
	for i := 0; i < 45; i++ {
		fmt.Fprintf(&q, " nope%d", i)
	}
	q.WriteString("}")
	r := s.Do(admin, q.String(), nil)
	if n := len(r.Errors); n != graph.DefaultLimits.MaxErrors {
		t.Fatalf("%d errors, want %d", n, graph.DefaultLimits.MaxErrors)
	}
}

func TestNoSuggestions(t *testing.T) {
	s, admin := limitsServer(t)
	cases := []struct {
		name, query string
		vars        map[string]any
	}{
		{"field", `{customer{totalCount}}`, nil},
		{"leaf field", `{customers{totalCont}}`, nil},
		{"argument", `{customers(frist:1){totalCount}}`, nil},
		{"enum value", `{customers(where:{status:ACTIV}){totalCount}}`, nil},
		{"input field", `{customers(where:{statu:ACTIVE}){totalCount}}`, nil},
		{"type name", `query($w:CustomerWhereInputt){customers(where:$w){totalCount}}`, nil},
		{"enum value in variables", `query($w:CustomerWhereInput){customers(where:$w){totalCount}}`,
			map[string]any{"w": map[string]any{"status": "ACTIV"}}},
		{"input field in variables", `query($w:CustomerWhereInput){customers(where:$w){totalCount}}`,
			map[string]any{"w": map[string]any{"statu": "ACTIVE"}}},
		{"mutation input field", `mutation{login(input:{logn:"a",password:"b"}){token}}`, nil},
	}
	for _, c := range cases {
		r := s.Do(admin, c.query, c.vars)
		if len(r.Errors) == 0 {
			t.Errorf("%s: no error", c.name)
			continue
		}
		for _, e := range r.Errors {
			if strings.Contains(strings.ToLower(e.Message), "did you mean") {
				t.Errorf("%s: suggestion in %q", c.name, e.Message)
			}
		}
	}
}

// customerCount is the number of customers the administrator sees.
func customerCount(t *testing.T, s *apitest.Server, admin string) int {
	t.Helper()
	var out struct{ Customers struct{ TotalCount int } }
	s.Must(admin, `{customers{totalCount}}`, nil, &out)
	return out.Customers.TotalCount
}

func TestTransportRefusesNonJSON(t *testing.T) {
	s, admin := limitsServer(t)
	const create = `mutation{createCustomer(input:{login:"csrf1",password:"csrf-pass-123",name:"C",email:"c@example.com"}){customer{id}}}`
	before := customerCount(t, s, admin)
	auth := func(h http.Header) http.Header { h.Set("Authorization", "Bearer "+admin); return h }
	jsonBody, _ := json.Marshal(map[string]any{"query": create})
	form := url.Values{"query": {create}}.Encode()
	multipart := "--b\r\nContent-Disposition: form-data; name=\"operations\"\r\n\r\n" + string(jsonBody) + "\r\n--b--\r\n"
	cases := []struct {
		name, method, ctype, body string
		want                      int
	}{
		{"form", http.MethodPost, "application/x-www-form-urlencoded", form, http.StatusUnsupportedMediaType},
		{"multipart", http.MethodPost, "multipart/form-data; boundary=b", multipart, http.StatusUnsupportedMediaType},
		{"text/plain", http.MethodPost, "text/plain", string(jsonBody), http.StatusUnsupportedMediaType},
		{"no content type", http.MethodPost, "", string(jsonBody), http.StatusUnsupportedMediaType},
		{"PUT", http.MethodPut, "application/json", string(jsonBody), http.StatusMethodNotAllowed},
	}
	for _, c := range cases {
		h := auth(http.Header{})
		if c.ctype != "" {
			h.Set("Content-Type", c.ctype)
		}
		if status, _, body := s.Raw(c.method, h, []byte(c.body)); status != c.want {
			t.Errorf("%s: status %d %s", c.name, status, body)
		}
	}
	// A mutation over GET.
	req, _ := http.NewRequest(http.MethodGet, s.URL+"?query="+url.QueryEscape(create), nil)
	req.Header.Set("Authorization", "Bearer "+admin)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("GET mutation: status %d", res.StatusCode)
	}
	if after := customerCount(t, s, admin); after != before {
		t.Fatalf("a refused request created a customer: %d -> %d", before, after)
	}
	// The same mutation as JSON works: the refusals above were the transport.
	wantOK(t, s.Do(admin, create, nil))
}

func TestBodyLimit(t *testing.T) {
	s, admin := limitsServer(t)
	const q = `mutation($in:SuspendCustomersInput!){suspendCustomers(input:$in){committed userErrors{code}}}`
	ids := func(n, size int) []string {
		out := make([]string, n)
		for i := range out {
			id := fmt.Sprintf("Q3VzdG9tZXI6%d", i)
			out[i] = id + strings.Repeat("x", size-len(id))
		}
		return out
	}
	h := http.Header{"Content-Type": {"application/json"}, "Authorization": {"Bearer " + admin}}
	// 10,000 items of 100 bytes: about 1 MiB, accepted and processed.
	body, _ := json.Marshal(map[string]any{"query": q, "variables": map[string]any{"in": map[string]any{"ids": ids(10000, 110), "dryRun": true}}})
	if len(body) < 1<<20 {
		t.Fatalf("body of %d bytes, want about 1 MiB", len(body))
	}
	status, _, raw := s.Raw(http.MethodPost, h, body)
	var r apitest.Response
	if err := json.Unmarshal(raw, &r); err != nil || status != http.StatusOK || len(r.Errors) > 0 {
		t.Fatalf("1 MiB bulk input: %d %.300s", status, raw)
	}
	// Beyond the limit: refused before any resolver runs.
	body, _ = json.Marshal(map[string]any{"query": q, "variables": map[string]any{"in": map[string]any{"ids": ids(10000, 250), "dryRun": true}}})
	status, _, raw = s.Raw(http.MethodPost, h, body)
	if status != http.StatusRequestEntityTooLarge || strings.Contains(string(raw), "committed") {
		t.Fatalf("%d-byte body: %d %.300s", len(body), status, raw)
	}
}

func TestIntrospection(t *testing.T) {
	const q = `{__schema{queryType{name}}}`
	s, admin := limitsServer(t)
	if r := s.Do("", q, nil); len(r.Errors) == 0 {
		t.Errorf("introspection without a token: %s", r.Data)
	}
	wantOK(t, s.Do(admin, q, nil))
	wantOK(t, s.Do(admin, introspectionQuery, nil)) // what GraphiQL sends fits the limits

	pub, _ := apitest.NewWith(t, dialect.SQLite, apitest.Options{
		Configure: func(c *graph.HandlerConfig) { c.PublicIntrospection = true },
	})
	wantOK(t, pub.Do("", q, nil))
}

// introspectionQuery is the query GraphiQL and the playground send.
const introspectionQuery = `query IntrospectionQuery {
  __schema {
    queryType { name } mutationType { name } subscriptionType { name }
    types { ...FullType }
    directives { name description locations args { ...InputValue } }
  }
}
fragment FullType on __Type {
  kind name description
  fields(includeDeprecated: true) { name description args { ...InputValue } type { ...TypeRef } isDeprecated deprecationReason }
  inputFields { ...InputValue }
  interfaces { ...TypeRef }
  enumValues(includeDeprecated: true) { name description isDeprecated deprecationReason }
  possibleTypes { ...TypeRef }
}
fragment InputValue on __InputValue { name description type { ...TypeRef } defaultValue }
fragment TypeRef on __Type {
  kind name
  ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } } }
}`
