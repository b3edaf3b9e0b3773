package graph

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/formatter"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/hostpanel/panel/internal/apperr"
	"github.com/hostpanel/panel/internal/idempotency"
	"github.com/hostpanel/panel/internal/reqid"
	"github.com/hostpanel/panel/internal/viewer"
)

// CodeConflict is the top-level code of a request refused because its
// Idempotency-Key was used with a different request, or its first request
// still runs (docs/idempotency.md).
const CodeConflict = "CONFLICT"

// secretField reports the mutations whose response holds a secret that is
// shown once (a bearer token, stored only hashed; a webhook endpoint's
// signing secret): their responses are never stored, so an Idempotency-Key
// is refused on them.
func secretField(name string) bool {
	return name == "login" || name == "createApiToken" || name == "createWebhookEndpoint"
}

// idempotencyExtension runs mutations sent with an Idempotency-Key at most
// once per viewer and key (internal/idempotency): a repeat gets the stored
// response. Queries, anonymous requests and read-only tokens ignore a
// well-formed key.
type idempotencyExtension struct {
	store   *idempotency.Store
	present graphql.ErrorPresenterFunc
	log     *slog.Logger
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationInterceptor
} = idempotencyExtension{}

func (idempotencyExtension) ExtensionName() string                   { return "Idempotency" }
func (idempotencyExtension) Validate(graphql.ExecutableSchema) error { return nil }

func (x idempotencyExtension) InterceptOperation(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	oc := graphql.GetOperationContext(ctx)
	keys := oc.Headers.Values(idempotency.Header)
	if len(keys) == 0 {
		return next(ctx)
	}
	if len(keys) > 1 {
		return x.refuse(ctx, http.StatusBadRequest, apperr.BadInput("send one Idempotency-Key header"))
	}
	if msg := idempotency.ValidKey(keys[0]); msg != "" {
		return x.refuse(ctx, http.StatusBadRequest, apperr.BadInput("%s", msg))
	}
	v := viewer.FromContext(ctx)
	if oc.Operation.Operation != ast.Mutation || v == nil || v.ReadOnly {
		// A read-only token shares its login's keys but may run no
		// mutation: it gets the refusal, never a response stored for its
		// read-write siblings.
		return next(ctx)
	}
	roots := graphql.CollectFields(oc, oc.Operation.SelectionSet, []string{"Mutation"})
	for _, f := range roots {
		if secretField(f.Name) {
			return x.refuse(ctx, http.StatusBadRequest, apperr.BadInput(
				"Idempotency-Key cannot be used with %s: its token is shown once and never stored", f.Name))
		}
	}
	var doc strings.Builder
	formatter.NewFormatter(&doc).FormatQueryDocument(oc.Doc)
	principal := idempotency.Principal(v)
	hash, err := idempotency.RequestHash(principal, keys[0], doc.String(), oc.OperationName, oc.Variables)
	if err != nil {
		return x.refuse(ctx, 0, err)
	}
	claim, replay, err := x.store.Begin(ctx, principal, keys[0], hash)
	switch {
	case errors.Is(err, idempotency.ErrConflict):
		return x.refuse(ctx, http.StatusUnprocessableEntity, &apperr.RequestError{Code: CodeConflict,
			Message: "this Idempotency-Key was used with a different request; use a new key for a new request"})
	case errors.Is(err, idempotency.ErrInProgress):
		return x.refuse(ctx, http.StatusConflict, &apperr.RequestError{Code: CodeConflict,
			Message: "a request with this Idempotency-Key is still in progress; retry later"})
	case err != nil:
		return x.refuse(ctx, 0, err)
	case replay != nil:
		resp, err := decodeStored(replay.Body)
		if err != nil {
			return x.refuse(ctx, 0, err)
		}
		if o := outcomeFrom(ctx); o != nil {
			o.replayed = true
			o.status = replay.Status
		}
		return graphql.OneShot(resp)
	}
	h := next(ctx)
	first := true
	return func(ctx context.Context) *graphql.Response {
		resp := h(ctx)
		if !first {
			return resp
		}
		first = false
		if resp == nil || failedInternally(resp, roots) {
			if err := claim.Release(ctx); err != nil {
				x.log.ErrorContext(ctx, "releasing an idempotency key", "err", err, "request_id", reqid.FromContext(ctx))
			}
			return resp
		}
		body, err := json.Marshal(resp)
		if err == nil {
			err = claim.Finish(ctx, body, http.StatusOK)
		}
		if err != nil {
			// The mutation ran: its response goes out. A repeat finds the
			// key pending until the lease ends, then runs again.
			x.log.ErrorContext(ctx, "storing an idempotent response", "err", err, "request_id", reqid.FromContext(ctx))
		}
		return resp
	}
}

// decodeStored decodes a stored response so that it is written again byte
// for byte: extensions keep their stored JSON.
func decodeStored(body []byte) (*graphql.Response, error) {
	var resp graphql.Response
	var ext struct {
		Extensions map[string]json.RawMessage `json:"extensions"`
	}
	if err := json.Unmarshal(body, &resp); err != nil {
		return nil, err
	}
	if err := json.Unmarshal(body, &ext); err != nil {
		return nil, err
	}
	resp.Extensions = nil
	if ext.Extensions != nil {
		resp.Extensions = make(map[string]any, len(ext.Extensions))
		for k, v := range ext.Extensions {
			resp.Extensions[k] = v
		}
	}
	return &resp, nil
}

// failedInternally reports whether resp is the response of an operation
// that changed nothing because of an internal error: every root mutation
// field failed at its own path (a service returns an error only after
// rolling back), one of them internally, or the operation failed
// internally as a whole (no path). Such a response is not stored, so
// a retry runs again. A response with a root field that did not fail (it
// may have committed: an earlier field of the operation, or a payload whose
// nested field failed after the commit) is stored like any other, so that
// a retry never runs a committed change twice.
func failedInternally(resp *graphql.Response, roots []graphql.CollectedField) bool {
	failed := map[string]bool{}
	internal := false
	for _, e := range resp.Errors {
		if len(e.Path) == 0 && e.Extensions["code"] == apperr.CodeInternal {
			return true // an operation-level failure: no field ran
		}
		if len(e.Path) != 1 {
			continue
		}
		name, ok := e.Path[0].(ast.PathName)
		if !ok {
			continue
		}
		failed[string(name)] = true
		if e.Extensions["code"] == apperr.CodeInternal {
			internal = true
		}
	}
	if !internal {
		return false
	}
	for _, f := range roots {
		if !failed[f.Alias] {
			return false
		}
	}
	return true
}

// refuse answers the operation with err alone (presented like any error,
// so an unknown one is an internal error with a request ID), HTTP status
// (0: 200) and the request's extensions.cost.
func (x idempotencyExtension) refuse(ctx context.Context, status int, err error) graphql.ResponseHandler {
	if o := outcomeFrom(ctx); o != nil && status != 0 {
		o.status = status
	}
	resp := &graphql.Response{Errors: gqlerror.List{x.present(ctx, err)}}
	if c, ok := graphql.GetOperationContext(ctx).Stats.GetExtension(costExtension).(*Cost); ok && c != nil {
		resp.Extensions = map[string]any{costExtension: *c}
	}
	return graphql.OneShot(resp)
}

// outcome is what the idempotency extension tells the HTTP layer about a
// request's response: its status and whether it is a replay.
type outcome struct {
	status   int
	replayed bool
}

type outcomeKey struct{}

func outcomeFrom(ctx context.Context) *outcome {
	o, _ := ctx.Value(outcomeKey{}).(*outcome)
	return o
}

// withOutcome prepares a request carrying an Idempotency-Key: the returned
// writer applies the outcome's status and Idempotent-Replayed header when
// the response is written.
func withOutcome(ctx context.Context, w http.ResponseWriter) (context.Context, http.ResponseWriter) {
	o := &outcome{}
	return context.WithValue(ctx, outcomeKey{}, o), &outcomeWriter{ResponseWriter: w, o: o}
}

type outcomeWriter struct {
	http.ResponseWriter
	o     *outcome
	wrote bool
}

func (w *outcomeWriter) WriteHeader(code int) {
	if !w.wrote {
		w.wrote = true
		if w.o.replayed {
			w.Header().Set(idempotency.ReplayedHeader, "true")
		}
		if w.o.status != 0 && code == http.StatusOK {
			code = w.o.status
		}
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *outcomeWriter) Write(b []byte) (int, error) {
	if !w.wrote {
		w.WriteHeader(http.StatusOK)
	}
	return w.ResponseWriter.Write(b)
}
