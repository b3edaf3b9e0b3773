package graph

import (
	"bytes"
	"encoding/json"
	"net/http/httptest"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// TestWriteResponseAsMarshal: writeResponse writes the document
// json.Marshal writes, but for the HTML escaping of the data it copies as
// they are (the same JSON once decoded).
func TestWriteResponseAsMarshal(t *testing.T) {
	yes := true
	for name, resp := range map[string]*graphql.Response{
		"data":                {Data: json.RawMessage("{\"customers\":{\"totalCount\":2,\"edges\":[{\"node\":{\"login\":\"a<b>&c\u2028d\u2029\"}}]}}")},
		"null data":           {Data: json.RawMessage(`null`)},
		"no data":             {Errors: gqlerror.List{{Message: "boom", Extensions: map[string]any{"code": "INVALID"}}}},
		"errors and data":     {Data: json.RawMessage(`{"x":null}`), Errors: gqlerror.List{{Message: "<no>", Path: ast.Path{ast.PathName("x")}}}},
		"extensions":          {Data: json.RawMessage(`{"x":1}`), Extensions: map[string]any{"cost": 3, "b": "&"}},
		"empty extensions":    {Data: json.RawMessage(`{"x":1}`), Extensions: map[string]any{}},
		"incremental (label)": {Data: json.RawMessage(`{"x":1}`), Label: "l", HasNext: &yes},
	} {
		rec := httptest.NewRecorder()
		writeResponse(rec, resp)
		want, err := json.Marshal(resp)
		if err != nil {
			t.Fatal(err)
		}
		var got bytes.Buffer
		json.HTMLEscape(&got, rec.Body.Bytes())
		if rec.Code != 200 || got.String() != string(want) {
			t.Errorf("%s: %d %s\nwant %s", name, rec.Code, rec.Body.String(), want)
		}
		if !json.Valid(rec.Body.Bytes()) {
			t.Errorf("%s: not JSON: %s", name, rec.Body.String())
		}
	}
}
