package graph

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/formatter"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/hostpanel/panel/ent"
	"github.com/hostpanel/panel/ent/privacy"
	"github.com/hostpanel/panel/graph/model"
	"github.com/hostpanel/panel/internal/accounts"
	"github.com/hostpanel/panel/internal/apperr"
	"github.com/hostpanel/panel/internal/auth"
	"github.com/hostpanel/panel/internal/deletion"
	"github.com/hostpanel/panel/internal/idempotency"
	"github.com/hostpanel/panel/internal/metrics"
	"github.com/hostpanel/panel/internal/persisted"
	"github.com/hostpanel/panel/internal/plans"
	"github.com/hostpanel/panel/internal/reqid"
	"github.com/hostpanel/panel/internal/subscriptions"
	"github.com/hostpanel/panel/internal/suspension"
	"github.com/hostpanel/panel/internal/transfer"
	"github.com/hostpanel/panel/internal/viewer"
	"github.com/hostpanel/panel/internal/webhooks"
)

// HandlerConfig configures the GraphQL handler.
type HandlerConfig struct {
	Client  *ent.Client
	Auth    *auth.Service
	Logger  *slog.Logger
	Metrics *metrics.Metrics
	// PublicIntrospection allows introspection without a token.
	PublicIntrospection bool
	// Limits bound depth, aliases, size and cost of a request (zero
	// fields: DefaultLimits).
	Limits Limits
	// RequestTimeout bounds a request's work, every SQL statement included
	// (zero: DefaultRequestTimeout).
	RequestTimeout time.Duration
	// WholeRows makes field collection read whole rows instead of the
	// columns the selection and its resolvers need (ent.WithWholeRows): the
	// reference the projection is tested against.
	WholeRows bool
	// APQCacheBytes bounds the Automatic Persisted Query cache, hashes and
	// documents (zero: DefaultAPQCacheBytes). docs/persisted-queries.md.
	APQCacheBytes int
	// TrustedDocuments, when set, allows only these documents; APQ
	// registration is then off.
	TrustedDocuments *persisted.Documents
	// Idempotency configures the Idempotency-Key store (TTL, clock).
	// docs/idempotency.md.
	Idempotency idempotency.Config
	// Webhooks configures the webhook endpoint service (the worker is
	// started by the caller: webhooks.NewWorker).
	Webhooks webhooks.Config
	// ReferenceExecutor runs the executor as gqlgen generated it, without
	// the rewrites of graph/patch_generated.go (docs/executor.md): the
	// reference the rewrites are tested against.
	ReferenceExecutor bool
}

// DefaultRequestTimeout is the deadline of a GraphQL request's context, and
// so of its SQL statements. It is below the server's write timeout.
const DefaultRequestTimeout = 30 * time.Second

// Limits of the GraphQL layer (ENGINEERING section 7).
const (
	parserTokenLimit = 20000
	maxBodyBytes     = 2 << 20
)

// NewHandler returns the POST /graphql handler: JSON over POST only, the
// directives, the fail-closed gate on root fields, the error presenter and
// per-request loaders.
func NewHandler(cfg HandlerConfig) http.Handler {
	r := &Resolver{
		client:        cfg.Client,
		auth:          cfg.Auth,
		accounts:      accounts.NewService(cfg.Client, cfg.Auth.Hasher()),
		plans:         plans.NewService(cfg.Client),
		subscriptions: subscriptions.NewService(cfg.Client),
		suspension:    suspension.NewService(cfg.Client),
		transfer:      transfer.NewService(cfg.Client),
		deletion:      deletion.NewService(cfg.Client),
		webhooks:      webhooks.NewService(cfg.Client, cfg.Webhooks),

		referenceExecutor: cfg.ReferenceExecutor,
	}
	srv := handler.New(NewExecutableSchema(schemaConfig(r)))
	srv.AddTransport(postJSON{})
	srv.SetQueryCache(lru.New[*ast.QueryDocument](1000))
	srv.SetParserTokenLimit(parserTokenLimit)
	srv.SetDisableSuggestion(true)
	srv.SetValidationRulesFn(validationRules)
	srv.Use(limitsExtension{cfg.Limits.withDefaults()})
	srv.Use(extension.Introspection{})
	if cfg.TrustedDocuments == nil {
		apq := cfg.APQCacheBytes
		if apq <= 0 {
			apq = DefaultAPQCacheBytes
		}
		srv.Use(extension.AutomaticPersistedQuery{Cache: persisted.NewCache(apq)})
	}
	idem := cfg.Idempotency
	if idem.Lease <= 0 { // a pending key outlives any request holding it
		idem.Lease = max(idempotency.DefaultLease, 4*cfg.RequestTimeout)
	}
	srv.Use(idempotencyExtension{store: idempotency.New(cfg.Client, idem),
		present: presenter(cfg.Logger, cfg.Metrics), log: cfg.Logger})
	srv.AroundOperations(func(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
		oc := graphql.GetOperationContext(ctx)
		if viewer.FromContext(ctx) == nil && !cfg.PublicIntrospection {
			oc.DisableIntrospection = true
		}
		if cfg.WholeRows {
			ctx = ent.WithWholeRows(ctx)
		}
		return next(ctx)
	})
	srv.AroundRootFields(gate)
	srv.SetErrorPresenter(presenter(cfg.Logger, cfg.Metrics))
	srv.SetRecoverFunc(func(ctx context.Context, p any) error {
		cfg.Logger.ErrorContext(ctx, "panic in resolver", "panic", p, "request_id", reqid.FromContext(ctx),
			"stack", string(debug.Stack()))
		return errors.New("panic")
	})
	timeout := cfg.RequestTimeout
	if timeout <= 0 {
		timeout = DefaultRequestTimeout
	}
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if req.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			writeJSONError(w, http.StatusMethodNotAllowed, "use POST with Content-Type: application/json")
			return
		}
		mt := strings.TrimSpace(strings.Split(req.Header.Get("Content-Type"), ";")[0])
		if !strings.EqualFold(mt, "application/json") {
			writeJSONError(w, http.StatusUnsupportedMediaType, "Content-Type must be application/json")
			return
		}
		// Read the whole body here, so that one over the limit gets a 413
		// before gqlgen (and so any resolver) sees the request.
		body, err := io.ReadAll(http.MaxBytesReader(w, req.Body, maxBodyBytes))
		if err != nil {
			var tooLarge *http.MaxBytesError
			if errors.As(err, &tooLarge) {
				writeJSONError(w, http.StatusRequestEntityTooLarge, "request body too large")
				return
			}
			writeJSONError(w, http.StatusBadRequest, "could not read the request body")
			return
		}
		if cfg.TrustedDocuments != nil {
			var status int
			var code, msg string
			if body, status, code, msg = trustedOnly(cfg.TrustedDocuments, body); status != 0 {
				writeRefusal(w, cfg.Metrics, status, code, msg)
				return
			}
		}
		req.Body = io.NopCloser(bytes.NewReader(body))
		ctx, cancel := context.WithTimeout(req.Context(), timeout)
		defer cancel()
		if len(req.Header.Values(idempotency.Header)) > 0 {
			ctx, w = withOutcome(ctx, w)
		}
		srv.ServeHTTP(w, req.WithContext(withLoaders(ctx, cfg.Client)))
	})
}

// schemaConfig builds the executable schema config with the directives.
func schemaConfig(r *Resolver) Config {
	c := Config{Resolvers: r}
	c.Directives.Public = func(ctx context.Context, _ any, next graphql.Resolver) (any, error) {
		return next(ctx)
	}
	c.Directives.Authenticated = func(ctx context.Context, _ any, next graphql.Resolver) (any, error) {
		if viewer.FromContext(ctx) == nil {
			return nil, apperr.Unauthenticated()
		}
		return next(ctx)
	}
	c.Directives.HasRole = func(ctx context.Context, _ any, next graphql.Resolver, roles []model.Role) (any, error) {
		v := viewer.FromContext(ctx)
		if v == nil {
			return nil, apperr.Unauthenticated()
		}
		for _, role := range roles {
			if string(role) == string(v.Role) {
				return next(ctx)
			}
		}
		return nil, apperr.ForbiddenRequest()
	}
	return c
}

// gate fails closed: a root field without an access directive is refused,
// and read-only tokens may not run mutations.
func gate(ctx context.Context, next graphql.RootResolver) graphql.Marshaler {
	fc := graphql.GetRootFieldContext(ctx)
	if fc == nil {
		return next(ctx)
	}
	if strings.HasPrefix(fc.Field.Name, "__") {
		// Refused introspection is the viewer's fault, not an internal error.
		if fc.Field.Name != "__typename" && graphql.GetOperationContext(ctx).DisableIntrospection {
			graphql.AddError(ctx, &apperr.RequestError{Code: apperr.CodeUnauthenticated,
				Message: "introspection needs a token (or --public-introspection)"})
			return graphql.Null
		}
		return next(ctx)
	}
	def := fc.Field.Definition
	if def == nil || (def.Directives.ForName("public") == nil && def.Directives.ForName("authenticated") == nil &&
		def.Directives.ForName("hasRole") == nil) {
		graphql.AddError(ctx, apperr.ForbiddenRequest())
		return graphql.Null
	}
	v := viewer.FromContext(ctx)
	if v != nil && v.ReadOnly && graphql.GetOperationContext(ctx).Operation.Operation == ast.Mutation &&
		fc.Field.Name != "logout" {
		graphql.AddError(ctx, &apperr.RequestError{Code: apperr.CodeForbidden, Message: "read-only token"})
		return graphql.Null
	}
	return next(ctx)
}

// presenter maps errors to the API's codes. Anything that is not a known
// application error is an internal error: logged with the request ID, shown
// as "internal error".
func presenter(log *slog.Logger, m *metrics.Metrics) graphql.ErrorPresenterFunc {
	return func(ctx context.Context, err error) *gqlerror.Error {
		var gerr *gqlerror.Error
		if errors.As(err, &gerr) && gerr.Err == nil {
			// Parse, validation and argument errors made by gqlgen itself.
			if gerr.Extensions == nil {
				gerr.Extensions = map[string]any{}
			}
			if c, ok := gerr.Extensions["code"]; !ok || c == "INVALID_PAGINATION" {
				gerr.Extensions["code"] = apperr.CodeBadUserInput
			}
			count(m, gerr.Extensions["code"])
			return gerr
		}
		out := graphql.DefaultErrorPresenter(ctx, err)
		out.Extensions = map[string]any{}
		switch re, ok := apperr.AsRequest(err); {
		case ok:
			out.Message = re.Message
			out.Extensions["code"] = re.Code
		case errors.Is(err, privacy.Deny):
			out.Message = "not allowed"
			out.Extensions["code"] = apperr.CodeForbidden
		default:
			id := reqid.FromContext(ctx)
			log.ErrorContext(ctx, "internal error", "err", err, "request_id", id, "path", out.Path.String())
			out.Message = "internal error"
			out.Extensions["code"] = apperr.CodeInternal
			out.Extensions["requestId"] = id
		}
		count(m, out.Extensions["code"])
		return out
	}
}

func count(m *metrics.Metrics, code any) {
	if s, ok := code.(string); ok && m != nil {
		m.ErrorCode(s)
	}
}

// SDL returns the schema as served at /schema.graphql.
func SDL() string {
	var b strings.Builder
	formatter.NewFormatter(&b, formatter.WithIndent("  ")).FormatSchema(NewExecutableSchema(Config{}).Schema())
	return b.String()
}
