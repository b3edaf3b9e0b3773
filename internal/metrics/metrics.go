// Package metrics holds the server's Prometheus metrics. Each Metrics value
// owns its own registry (nothing is registered with the global default
// registry), so several servers, or tests, can live in one process.
package metrics

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/hostpanel/panel/internal/sqlcount"
)

// Route labels. Requests are labelled with one of these fixed values so that
// arbitrary paths sent by clients cannot grow the number of series.
const (
	RouteGraphQL  = "graphql"
	RouteHealthz  = "healthz"
	RouteReadyz   = "readyz"
	RouteMetrics  = "metrics"
	RouteSchema   = "schema"
	RouteGraphiQL = "graphiql"
	RouteOther    = "other"
)

// codeOther is the label used for GraphQL error codes outside knownCodes.
const codeOther = "OTHER"

// knownCodes are the top-level GraphQL error codes of API.md section 1 (and
// gqlgen's own persisted-query codes). Other values are counted as OTHER so
// that the label set stays bounded.
func knownCodes() []string {
	return []string{
		"UNAUTHENTICATED",
		"FORBIDDEN",
		"BAD_USER_INPUT",
		"GRAPHQL_PARSE_FAILED",
		"GRAPHQL_VALIDATION_FAILED",
		"COMPLEXITY_LIMIT_EXCEEDED",
		"RATE_LIMITED",
		"INTERNAL_SERVER_ERROR",
		"PERSISTED_QUERY_NOT_FOUND",
		"PERSISTED_QUERY_NOT_SUPPORTED",
	}
}

// Metrics is the set of the server's metrics and the registry holding them.
// Its methods are safe for concurrent use.
type Metrics struct {
	reg        *prometheus.Registry
	requests   *prometheus.CounterVec
	duration   *prometheus.HistogramVec
	inFlight   prometheus.Gauge
	gqlErrors  *prometheus.CounterVec
	statements prometheus.Counter
	perRequest *prometheus.HistogramVec
	handler    http.Handler
}

// New returns a Metrics with a fresh registry holding the server's metrics
// and the Go runtime and process collectors.
func New() *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "panel_http_requests_total",
			Help: "HTTP requests served, by route and status code.",
		}, []string{"route", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "panel_http_request_duration_seconds",
			Help:    "Time to serve an HTTP request, by route and status code.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
		}, []string{"route", "code"}),
		inFlight: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "panel_http_requests_in_flight",
			Help: "HTTP requests being served.",
		}),
		gqlErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "panel_graphql_errors_total",
			Help: "Top-level GraphQL errors returned, by extensions.code.",
		}, []string{"code"}),
		statements: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "panel_sql_statements_total",
			Help: "SQL statements sent to the database.",
		}),
		perRequest: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "panel_sql_statements_per_request",
			Help:    "SQL statements sent to the database while serving one HTTP request, by route.",
			Buckets: []float64{0, 1, 2, 3, 5, 8, 13, 21, 34, 55, 100, 1000},
		}, []string{"route"}),
	}
	m.reg.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		m.requests, m.duration, m.inFlight, m.gqlErrors, m.statements, m.perRequest,
	)
	// Export every error code from the start, at zero, so that rate() and
	// alerts work before the first error of a kind.
	for _, c := range knownCodes() {
		m.gqlErrors.WithLabelValues(c)
	}
	m.gqlErrors.WithLabelValues(codeOther)
	m.handler = promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{
		Registry:          m.reg, // promhttp_metric_handler_errors_total
		EnableOpenMetrics: false,
	})
	return m
}

// Registry returns the registry holding the metrics (to register more
// collectors or to gather them in tests).
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// Handler serves the metrics in the Prometheus text format (GET /metrics).
func (m *Metrics) Handler() http.Handler { return m.handler }

// ErrorCode counts one top-level GraphQL error with the given
// extensions.code. Codes outside API.md's list are counted as OTHER.
func (m *Metrics) ErrorCode(code string) {
	label := codeOther
	for _, c := range knownCodes() {
		if c == code {
			label = c
			break
		}
	}
	m.gqlErrors.WithLabelValues(label).Inc()
}

// Statement counts one SQL statement. It has the signature of
// sqlcount.Options.OnStatement.
func (m *Metrics) Statement(context.Context) { m.statements.Inc() }

// Route returns the route label of a request path.
func Route(path string) string {
	switch path {
	case "/graphql":
		return RouteGraphQL
	case "/healthz":
		return RouteHealthz
	case "/readyz":
		return RouteReadyz
	case "/metrics":
		return RouteMetrics
	case "/schema.graphql":
		return RouteSchema
	case "/":
		return RouteGraphiQL
	default:
		return RouteOther
	}
}

// Middleware counts the requests served by next and observes their
// latency, by route and status code.
func (m *Metrics) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		route := Route(r.URL.Path)
		m.inFlight.Inc()
		sw := &statusWriter{ResponseWriter: w}
		// Count the request's SQL statements (the database is opened
		// through sqlcount, which adds to every counter of the context).
		var stmts sqlcount.Counter
		r = r.WithContext(sqlcount.WithCounter(r.Context(), &stmts))
		defer func() {
			m.inFlight.Dec()
			// A panic is recovered by an outer middleware that answers 500;
			// count it as such (and keep it propagating).
			p := recover()
			status := sw.status
			if p != nil && !sw.wroteHeader {
				status = http.StatusInternalServerError
			}
			code := statusLabel(status)
			m.requests.WithLabelValues(route, code).Inc()
			m.duration.WithLabelValues(route, code).Observe(time.Since(start).Seconds())
			m.perRequest.WithLabelValues(route).Observe(float64(stmts.Load()))
			if p != nil {
				panic(p)
			}
		}()
		next.ServeHTTP(sw, r)
	})
}

// statusLabel returns the label for an HTTP status code; codes outside
// 100..599 (which net/http refuses anyway) are folded into one value.
func statusLabel(status int) string {
	switch {
	case status == 0:
		return "200" // nothing written: net/http answers 200
	case status < 100 || status > 599:
		return "other"
	default:
		return strconv.Itoa(status)
	}
}

// statusWriter records the status code written through it.
type statusWriter struct {
	http.ResponseWriter
	status      int
	wroteHeader bool
}

func (w *statusWriter) WriteHeader(code int) {
	if !w.wroteHeader && (code >= 200 || code == http.StatusSwitchingProtocols) {
		// 1xx informational headers (except 101) do not fix the status.
		w.status, w.wroteHeader = code, true
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if !w.wroteHeader {
		w.status, w.wroteHeader = http.StatusOK, true
	}
	return w.ResponseWriter.Write(b)
}

// Flush forwards to the underlying writer when it can flush.
func (w *statusWriter) Flush() {
	if !w.wroteHeader {
		w.status, w.wroteHeader = http.StatusOK, true
	}
	_ = http.NewResponseController(w.ResponseWriter).Flush()
}

// Unwrap lets http.ResponseController reach the underlying writer (Flush,
// deadlines, hijacking).
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
