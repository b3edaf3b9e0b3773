// Package apitest drives the GraphQL API over HTTP like a client, against a
// real database, for the test suites.
package apitest

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/hostpanel/panel/ent"
	"github.com/hostpanel/panel/graph"
	"github.com/hostpanel/panel/internal/auth"
	"github.com/hostpanel/panel/internal/db"
	"github.com/hostpanel/panel/internal/dbtest"
)

// AdminPassword is the administrator's password in test servers.
const AdminPassword = "admin-password-1"

// Server is a running API over a test database.
type Server struct {
	T      testing.TB
	URL    string
	Client *ent.Client
	// Statements counts every SQL statement the server runs.
	Statements atomic.Int64
}

// New starts a server on a fresh database of dialect d.
func New(t testing.TB, d string) *Server {
	t.Helper()
	s := &Server{T: t}
	s.Client = dbtest.Open(t, d, func(context.Context) { s.Statements.Add(1) })
	hasher := auth.FastHasher()
	if _, err := db.EnsureAdmin(context.Background(), s.Client, hasher, AdminPassword); err != nil {
		t.Fatal(err)
	}
	logger := slog.New(slog.NewTextHandler(testWriter{t}, nil))
	as := auth.NewService(s.Client, hasher, logger)
	// Suites check refused logins many times; the throttle has its own
	// tests (graph/throttle_test.go, with NewWith).
	as.SetThrottle(auth.ThrottleConfig{MaxPerLogin: 1 << 20, MaxPerAddress: 1 << 20})
	h := as.Middleware(graph.NewHandler(graph.HandlerConfig{Client: s.Client, Auth: as, Logger: logger}))
	hs := httptest.NewServer(h)
	t.Cleanup(hs.Close)
	s.URL = hs.URL
	return s
}

// Response is a GraphQL response.
type Response struct {
	Data       json.RawMessage `json:"data"`
	Errors     []GQLError      `json:"errors"`
	Extensions map[string]any  `json:"extensions"`
	Status     int             `json:"-"`
}

// GQLError is one entry of errors.
type GQLError struct {
	Message    string         `json:"message"`
	Path       []any          `json:"path"`
	Extensions map[string]any `json:"extensions"`
}

// Code returns the code of the first error, or "".
func (r *Response) Code() string {
	if len(r.Errors) == 0 {
		return ""
	}
	c, _ := r.Errors[0].Extensions["code"].(string)
	return c
}

// Do runs query with vars as the holder of token ("" for none).
func (s *Server) Do(token, query string, vars map[string]any) *Response {
	s.T.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, _ := http.NewRequest(http.MethodPost, s.URL, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		s.T.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	out := &Response{Status: res.StatusCode}
	if err := json.Unmarshal(raw, out); err != nil {
		s.T.Fatalf("bad response %d: %s", res.StatusCode, raw)
	}
	return out
}

// Must runs query and fails the test on any top-level error; it decodes data
// into out (if not nil).
func (s *Server) Must(token, query string, vars map[string]any, out any) {
	s.T.Helper()
	r := s.Do(token, query, vars)
	if len(r.Errors) > 0 {
		s.T.Fatalf("query failed: %+v", r.Errors)
	}
	if out != nil {
		if err := json.Unmarshal(r.Data, out); err != nil {
			s.T.Fatalf("decode %s: %v", r.Data, err)
		}
	}
}

// Login logs in and returns the token; it fails the test if login fails.
func (s *Server) Login(login, password string) string {
	s.T.Helper()
	var out struct {
		Login struct {
			Token      *string
			UserErrors []struct{ Code, Message string }
		}
	}
	s.Must("", `mutation($l:String!,$p:String!){login(input:{login:$l,password:$p}){token userErrors{code message}}}`,
		map[string]any{"l": login, "p": password}, &out)
	if out.Login.Token == nil {
		s.T.Fatalf("login %s failed: %+v", login, out.Login.UserErrors)
	}
	return *out.Login.Token
}

// AdminToken logs the administrator in.
func (s *Server) AdminToken() string { return s.Login("admin", AdminPassword) }

// testWriter sends server logs to the test log.
type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(string(bytes.TrimSpace(p)))
	return len(p), nil
}
