package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"runtime/pprof"
	"strings"
	"sync/atomic"
	"time"

	"github.com/hostpanel/panel/ent"
	"github.com/hostpanel/panel/graph"
	"github.com/hostpanel/panel/internal/auth"
	"github.com/hostpanel/panel/internal/db"
	"github.com/hostpanel/panel/internal/metrics"
	"github.com/hostpanel/panel/internal/sqlcount"
)

// Env is a running benchmark: the database, the real GraphQL handler and
// the baseline, both on one loopback HTTP listener.
type Env struct {
	Target  db.Target
	Client  *ent.Client
	DB      *sql.DB
	Metrics *metrics.Metrics
	URL     string // http://127.0.0.1:PORT
	HTTP    *http.Client

	// statements counts every statement of the requests served (server
	// and baseline); the workloads read its delta.
	statements sqlcount.Counter
	srv        *http.Server
	base       *Baseline
	dbStmts    atomic.Int64 // every statement, through the metrics hook
	cpu        cpuClock
}

// Open opens and migrates the database and starts the server (not yet seeded: the
// handler is wired like server.go's run, which cannot be imported).
func Open(ctx context.Context, dbURL string) (*Env, error) {
	t, err := db.ParseURL(dbURL)
	if err != nil {
		return nil, err
	}
	e := &Env{Target: t, Metrics: metrics.New(), cpu: newCPUClock(t.Dialect)}
	client, sqlDB, err := db.Open(ctx, t, func(ctx context.Context) {
		e.Metrics.Statement(ctx)
		e.dbStmts.Add(1)
	})
	if err != nil {
		return nil, err
	}
	e.Client, e.DB = client, sqlDB
	if err := db.Migrate(ctx, sqlDB, t.Dialect); err != nil {
		_ = client.Close()
		return nil, err
	}
	return e, nil
}

// Start serves the GraphQL API at /graphql and the baseline at
// /baseline/... on a loopback listener.
func (e *Env) Start(ctx context.Context) error {
	logger := slog.New(slog.NewJSONHandler(io.Discard, nil))
	authSvc := auth.NewService(e.Client, auth.FastHasher(), logger)
	gql := graph.NewHandler(graph.HandlerConfig{Client: e.Client, Auth: authSvc, Logger: logger, Metrics: e.Metrics})
	e.base = &Baseline{DB: e.DB, Dialect: e.Target.Dialect}

	mux := http.NewServeMux()
	mux.Handle("/graphql", authSvc.Middleware(gql))
	mux.Handle("GET /metrics", e.Metrics.Handler())
	mux.Handle("/baseline/", e.base.Handler())
	var h http.Handler = mux
	h = e.Metrics.Middleware(h)
	count := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Label the request's goroutines (and those it starts) in CPU
		// profiles: go tool pprof -tagfocus side=server (or baseline).
		side := "server"
		if strings.HasPrefix(r.URL.Path, "/baseline/") {
			side = "baseline"
		}
		pprof.Do(r.Context(), pprof.Labels("side", side), func(ctx context.Context) {
			h.ServeHTTP(w, r.WithContext(sqlcount.WithCounter(ctx, &e.statements)))
		})
	})

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	e.srv = &http.Server{Handler: count, ReadHeaderTimeout: 5 * time.Second,
		BaseContext: func(net.Listener) context.Context { return context.WithoutCancel(ctx) }}
	go func() { _ = e.srv.Serve(ln) }()
	e.URL = "http://" + ln.Addr().String()
	e.HTTP = &http.Client{Timeout: 5 * time.Minute, Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	return nil
}

// Close stops the server and closes the database.
func (e *Env) Close() {
	if e.srv != nil {
		_ = e.srv.Close()
	}
	if e.Client != nil {
		_ = e.Client.Close()
	}
}

// gqlResponse is a GraphQL answer.
type gqlResponse struct {
	Data   json.RawMessage `json:"data"`
	Errors []struct {
		Message    string         `json:"message"`
		Extensions map[string]any `json:"extensions"`
	} `json:"errors"`
}

// post sends body to path with token and returns the raw answer.
func (e *Env) post(ctx context.Context, path, token string, body any) ([]byte, error) {
	b, err := json.Marshal(body)
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, e.URL+path, bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := e.HTTP.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%s: HTTP %d: %.300s", path, resp.StatusCode, out)
	}
	return out, nil
}

// GQL runs a GraphQL operation and fails on any top-level error.
func (e *Env) GQL(ctx context.Context, token, query string, vars map[string]any) ([]byte, error) {
	raw, err := e.post(ctx, "/graphql", token, map[string]any{"query": query, "variables": vars})
	if err != nil {
		return nil, err
	}
	var r gqlResponse
	if err := json.Unmarshal(raw, &r); err != nil {
		return nil, fmt.Errorf("graphql: %w: %.300s", err, raw)
	}
	if len(r.Errors) > 0 {
		return nil, fmt.Errorf("graphql: %s (%v)", r.Errors[0].Message, r.Errors[0].Extensions)
	}
	return raw, nil
}

// HasMutation reports whether the running server's schema has the mutation
// field name (introspection, as the administrator).
func (e *Env) HasMutation(ctx context.Context, token, name string) (bool, error) {
	raw, err := e.GQL(ctx, token, `{__type(name:"Mutation"){fields{name}}}`, nil)
	if err != nil {
		return false, err
	}
	var out struct {
		Data struct {
			Type struct{ Fields []struct{ Name string } } `json:"__type"`
		}
	}
	if err := json.Unmarshal(raw, &out); err != nil {
		return false, err
	}
	for _, f := range out.Data.Type.Fields {
		if f.Name == name {
			return true, nil
		}
	}
	return false, nil
}
