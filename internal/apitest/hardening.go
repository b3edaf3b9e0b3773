package apitest

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/hostpanel/panel/graph"
	"github.com/hostpanel/panel/internal/auth"
	"github.com/hostpanel/panel/internal/db"
	"github.com/hostpanel/panel/internal/dbtest"
	"github.com/hostpanel/panel/internal/httpx"
	"github.com/hostpanel/panel/internal/sqlcount"
)

// Options configure NewWith.
type Options struct {
	// Hook runs before every SQL statement (fault injection).
	Hook sqlcount.Hook
	// Hasher hashes passwords (default auth.FastHasher()).
	Hasher *auth.Hasher
	// Configure adjusts the GraphQL handler's configuration.
	Configure func(*graph.HandlerConfig)
	// Auth adjusts the authentication service (e.g. its login throttle).
	Auth func(*auth.Service)
	// Wrap adds middleware between the request ID/recovery middleware and
	// the authentication middleware (e.g. httpx.ClientIP).
	Wrap func(http.Handler) http.Handler
}

// Logs collects a test server's log output.
type Logs struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *Logs) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

// String returns everything logged so far.
func (l *Logs) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// NewWith is New with options; it also returns the server's logs. The
// handler chain is the production one: request ID, panic recovery, Wrap,
// authentication, GraphQL.
func NewWith(t testing.TB, d string, o Options) (*Server, *Logs) {
	t.Helper()
	s := &Server{T: t}
	s.Client = dbtest.OpenWith(t, d, sqlcount.Options{
		OnStatement: func(context.Context) { s.Statements.Add(1) },
		Hook:        o.Hook,
	})
	hasher := auth.FastHasher()
	if o.Hasher != nil {
		hasher = *o.Hasher
	}
	if _, err := db.EnsureAdmin(context.Background(), s.Client, hasher, AdminPassword); err != nil {
		t.Fatal(err)
	}
	return s, s.serve(o)
}

// Twin starts a second server process (as far as the API can tell: its own
// services and handler) on s's database.
func (s *Server) Twin(o Options) (*Server, *Logs) {
	s.T.Helper()
	tw := &Server{T: s.T, Client: s.Client}
	return tw, tw.serve(o)
}

func (s *Server) serve(o Options) *Logs {
	hasher := auth.FastHasher()
	if o.Hasher != nil {
		hasher = *o.Hasher
	}
	logs := &Logs{}
	logger := slog.New(slog.NewTextHandler(io.MultiWriter(testWriter{s.T}, logs), nil))
	as := auth.NewService(s.Client, hasher, logger)
	if o.Auth != nil {
		o.Auth(as)
	}
	cfg := graph.HandlerConfig{Client: s.Client, Auth: as, Logger: logger}
	if o.Configure != nil {
		o.Configure(&cfg)
	}
	h := as.Middleware(graph.NewHandler(cfg))
	if o.Wrap != nil {
		h = o.Wrap(h)
	}
	h = httpx.RequestID(httpx.Recover(logger, h))
	hs := httptest.NewServer(h)
	s.T.Cleanup(hs.Close)
	s.URL = hs.URL
	return logs
}

// Raw sends one request with the given method, headers and body and returns
// the status, the response headers and the body.
func (s *Server) Raw(method string, header http.Header, body []byte) (int, http.Header, []byte) {
	s.T.Helper()
	req, err := http.NewRequest(method, s.URL, bytes.NewReader(body))
	if err != nil {
		s.T.Fatal(err)
	}
	for k, vs := range header {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		s.T.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header, raw
}
