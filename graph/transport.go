package graph

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/hostpanel/panel/internal/apperr"
	"github.com/hostpanel/panel/internal/metrics"
)

// Media types of a GraphQL-over-HTTP response (docs/ecosystem.md).
const (
	mediaJSON            = "application/json"
	mediaGraphQLResponse = "application/graphql-response+json"
)

// postJSON is the only transport: POST with a JSON body, answered in the
// media type the client accepts, as the GraphQL-over-HTTP specification
// says:
//
//   - Accept: application/graphql-response+json (preferred when both are
//     acceptable): a request that fails before execution (unparsable JSON,
//     a parse, validation or variable coercion error, a query over the
//     limits) gets 400;
//   - Accept: application/json, */*, application/* or no Accept: such a
//     request gets 200, except a body that is not a JSON request with a
//     query (400);
//   - an Accept naming neither gets 406.
//
// A response to a request that failed before execution has no "data"
// entry. Method and Content-Type were checked by NewHandler already.
type postJSON struct{}

var _ graphql.Transport = postJSON{}

func (postJSON) Supports(r *http.Request) bool {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return err == nil && r.Method == http.MethodPost && mt == mediaJSON && r.Header.Get("Upgrade") == ""
}

func (postJSON) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	ctx := r.Context()
	w.Header().Add("Vary", "Accept")
	media, ok := negotiate(r.Header.Values("Accept"))
	if !ok {
		writeJSONError(w, http.StatusNotAcceptable,
			"Accept must allow application/graphql-response+json or application/json")
		return
	}
	w.Header().Set("Content-Type", media+"; charset=utf-8")

	start := graphql.Now()
	body, err := io.ReadAll(r.Body)
	if err != nil {
		writeRequestError(w, http.StatusBadRequest, exec.DispatchError(ctx, gqlerror.List{gqlerror.Errorf("could not read the request body")}))
		return
	}
	params := &graphql.RawParams{Headers: r.Header}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(params); err != nil {
		// Spec: 400 for a body that is not a JSON object of the
		// request parameters, whatever the media type.
		writeRequestError(w, http.StatusBadRequest, exec.DispatchError(ctx, gqlerror.List{gqlerror.Errorf("the body is not a JSON GraphQL request: %s", jsonProblem(err))}))
		return
	}
	params.ReadTime = graphql.TraceTiming{Start: start, End: graphql.Now()}
	if params.Query == "" && len(params.Extensions) == 0 {
		// Not a GraphQL-over-HTTP request at all (e.g. "qeury"): 400
		// whatever the media type.
		writeRequestError(w, http.StatusBadRequest, exec.DispatchError(ctx, gqlerror.List{gqlerror.Errorf("the request has no query")}))
		return
	}

	rc, opErr := exec.CreateOperationContext(ctx, params)
	if opErr != nil {
		status := http.StatusOK
		if media == mediaGraphQLResponse {
			status = http.StatusBadRequest
		}
		writeRequestError(w, status, exec.DispatchError(graphql.WithOperationContext(ctx, rc), opErr))
		return
	}
	responses, ctx := exec.DispatchOperation(ctx, rc)
	writeResponse(w, responses(ctx))
}

// writeResponse writes an executed operation's response with status 200.
// Its data were written by the executor as JSON already: they are copied
// as they are, where json.Marshal would scan, compact and HTML-escape them
// again (about a tenth of the tree page's CPU). The result is the same JSON
// document; json.Marshal's output differs only in escaping <, >, &, U+2028
// and U+2029 inside strings (TestWriteResponseAsMarshal), which a client
// decodes the same way (the body is application/json, nosniff).
func writeResponse(w http.ResponseWriter, resp *graphql.Response) {
	if resp == nil || resp.Label != "" || resp.Path != nil || resp.HasNext != nil {
		writeJSON(w, http.StatusOK, resp)
		return
	}
	b := make([]byte, 0, len(resp.Data)+64)
	b = append(b, '{')
	if len(resp.Errors) > 0 {
		errs, err := json.Marshal(resp.Errors)
		if err != nil {
			panic(err) // gqlerror.List always marshals; this is a bug
		}
		b = append(append(append(b, `"errors":`...), errs...), ',')
	}
	b = append(b, `"data":`...)
	if len(resp.Data) == 0 {
		b = append(b, "null"...)
	} else {
		b = append(b, resp.Data...)
	}
	if len(resp.Extensions) > 0 {
		ext, err := json.Marshal(resp.Extensions)
		if err != nil {
			panic(err) // our extensions always marshal; this is a bug
		}
		b = append(append(b, `,"extensions":`...), ext...)
	}
	b = append(b, '}')
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(b)
}

// negotiate picks the response media type from the Accept header values:
// the one with the higher quality, application/graphql-response+json on a
// tie; wildcards mean application/json. No Accept header means
// application/json; ok is false when neither type is acceptable.
func negotiate(accept []string) (media string, ok bool) {
	if len(accept) == 0 {
		return mediaJSON, true
	}
	qGR, qJSON, qWild := -1.0, -1.0, -1.0
	for _, v := range accept {
		for _, part := range strings.Split(v, ",") {
			mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
			if err != nil {
				continue
			}
			q := 1.0
			if s, has := params["q"]; has {
				if f, err := strconv.ParseFloat(s, 64); err == nil && f >= 0 && f <= 1 {
					q = f
				}
			}
			switch mt {
			case mediaGraphQLResponse:
				qGR = max(qGR, q)
			case mediaJSON:
				qJSON = max(qJSON, q)
			case "application/*", "*/*":
				qWild = max(qWild, q)
			}
		}
	}
	if qJSON < 0 {
		qJSON = qWild // the most specific range that matches wins
	}
	switch {
	case qGR > 0 && qGR >= qJSON:
		return mediaGraphQLResponse, true
	case qJSON > 0:
		return mediaJSON, true
	}
	return "", false
}

// requestErrorResponse is a response to a request that failed before
// execution: errors (and our extensions), no "data" entry.
type requestErrorResponse struct {
	Errors     gqlerror.List  `json:"errors"`
	Extensions map[string]any `json:"extensions,omitempty"`
}

func writeRequestError(w http.ResponseWriter, status int, resp *graphql.Response) {
	writeJSON(w, status, requestErrorResponse{Errors: resp.Errors, Extensions: resp.Extensions})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		// Our own response types always marshal; this is a bug.
		panic(err)
	}
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// writeJSONError answers a request refused before gqlgen sees it (method,
// Content-Type, Accept, body size) with a JSON error body of code
// BAD_USER_INPUT.
func writeJSONError(w http.ResponseWriter, status int, message string) {
	writeRefusal(w, nil, status, apperr.CodeBadUserInput, message)
}

// writeRefusal answers a request refused before gqlgen sees it with a JSON
// error body of the given code, counted in the metrics when m is not nil.
func writeRefusal(w http.ResponseWriter, m *metrics.Metrics, status int, code, message string) {
	count(m, code)
	w.Header().Set("Content-Type", mediaJSON+"; charset=utf-8")
	writeJSON(w, status, requestErrorResponse{Errors: gqlerror.List{{
		Message:    message,
		Extensions: map[string]any{"code": code},
	}}})
}

// jsonProblem describes a JSON decoding error without echoing the body.
func jsonProblem(err error) string {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return "invalid JSON at byte " + strconv.FormatInt(syn.Offset, 10)
	case errors.As(err, &typ):
		return "the field " + strconv.Quote(typ.Field) + " must not be a JSON " + typ.Value
	case errors.Is(err, io.EOF):
		return "empty body"
	}
	return "invalid JSON"
}
