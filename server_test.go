package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is an io.Writer safe for the server's concurrent logging.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

// runQuick runs run() expecting it to return on its own.
func runQuick(t *testing.T, args []string, envm map[string]string) (int, string, string) {
	t.Helper()
	var stdout, stderr syncBuffer
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	code := run(ctx, args, env(envm), &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

func assertOneLine(t *testing.T, stderr string) {
	t.Helper()
	if !strings.HasPrefix(stderr, "panel: ") || strings.Count(stderr, "\n") != 1 || !strings.HasSuffix(stderr, "\n") {
		t.Errorf("stderr is not one line \"panel: ...\": %q", stderr)
	}
	if strings.Contains(stderr, "goroutine ") || strings.Contains(stderr, ".go:") {
		t.Errorf("stderr looks like a stack trace: %q", stderr)
	}
}

func TestStartupFailures(t *testing.T) {
	cases := []struct {
		name string
		args []string
		env  map[string]string
	}{
		{"unknown scheme", []string{"--db", "foo:bar"}, nil},
		{"mysql without user", []string{"--db", "mysql://x"}, nil},
		{"bad db from env", nil, map[string]string{"PANEL_DB": "nope"}},
		{"unknown flag", []string{"--nope"}, nil},
		{"stray argument", []string{"--db", "sqlite::memory:", "extra"}, nil},
		{"unsafe mysql parameter", []string{"--db", "mysql://u:secret@127.0.0.1:1/db?allowAllFiles=true"}, nil},
		{"weak admin password", []string{"--db", "sqlite::memory:", "--addr", "127.0.0.1:0"},
			map[string]string{"PANEL_ADMIN_PASSWORD": "short"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, stdout, stderr := runQuick(t, c.args, c.env)
			if code != 2 {
				t.Errorf("exit status %d, want 2", code)
			}
			assertOneLine(t, stderr)
			if stdout != "" {
				t.Errorf("stdout %q", stdout)
			}
		})
	}
}

func TestUnreachableMySQL(t *testing.T) {
	code, stdout, stderr := runQuick(t, []string{"--db", "mysql://u:secret@127.0.0.1:1/db"}, nil)
	if code != 2 {
		t.Errorf("exit status %d, want 2", code)
	}
	assertOneLine(t, stderr)
	if !strings.Contains(stderr, "cannot reach database") {
		t.Errorf("stderr %q", stderr)
	}
	if strings.Contains(stdout+stderr, "secret") {
		t.Errorf("password in the output: %q %q", stdout, stderr)
	}
}

func TestListenFailure(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	code, _, stderr := runQuick(t, []string{"--db", "sqlite::memory:", "--addr", ln.Addr().String()},
		map[string]string{"PANEL_ADMIN_PASSWORD": "correct horse battery"})
	if code != 2 {
		t.Errorf("exit status %d, want 2", code)
	}
	assertOneLine(t, stderr)
	if !strings.Contains(stderr, "cannot listen") {
		t.Errorf("stderr %q", stderr)
	}
}

func TestParseArgs(t *testing.T) {
	c, err := parseArgs(nil, env(nil))
	if err != nil || c.addr != defaultAddr || c.dbURL != defaultDB {
		t.Errorf("defaults: %+v, %v", c, err)
	}
	e := env(map[string]string{"PANEL_ADDR": "0.0.0.0:9000", "PANEL_DB": "sqlite:env.db", "PANEL_ADMIN_PASSWORD": "pw-from-env"})
	c, err = parseArgs(nil, e)
	if err != nil || c.addr != "0.0.0.0:9000" || c.dbURL != "sqlite:env.db" || c.adminPassword != "pw-from-env" {
		t.Errorf("env: %+v, %v", c, err)
	}
	c, err = parseArgs([]string{"serve", "--addr", ":1234", "-db=sqlite:flag.db"}, e)
	if err != nil || c.addr != ":1234" || c.dbURL != "sqlite:flag.db" {
		t.Errorf("flags over env: %+v, %v", c, err)
	}
}

func TestHelp(t *testing.T) {
	code, stdout, stderr := runQuick(t, []string{"--help"}, nil)
	if code != 0 || !strings.Contains(stdout, "--addr") || stderr != "" {
		t.Errorf("help: %d %q %q", code, stdout, stderr)
	}
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close()
	return addr
}

func TestServe(t *testing.T) {
	addr := freeAddr(t)
	base := "http://" + addr
	var stdout, stderr syncBuffer
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"--addr", addr, "--db", "sqlite::memory:"}, env(nil), &stdout, &stderr)
	}()

	client := &http.Client{Timeout: 10 * time.Second}
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := client.Get(base + "/healthz")
		if err == nil {
			resp.Body.Close()
			break
		}
		select {
		case code := <-done:
			t.Fatalf("run returned %d before serving; stderr: %s", code, stderr.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("server did not come up: %v; stderr: %s", err, stderr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}

	// The generated password is printed once on stdout.
	m := regexp.MustCompile(`^administrator "admin" created with password: (\S{20})\n$`).FindStringSubmatch(stdout.String())
	if m == nil {
		t.Fatalf("stdout %q", stdout.String())
	}
	password := m[1]

	get := func(path string) (int, http.Header, string) {
		t.Helper()
		resp, err := client.Get(base + path)
		if err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, resp.Header, string(b)
	}
	if code, h, body := get("/healthz"); code != 200 || body != "ok\n" || h.Get("X-Request-Id") == "" {
		t.Errorf("/healthz: %d %q %v", code, body, h)
	}
	if code, _, body := get("/readyz"); code != 200 {
		t.Errorf("/readyz: %d %q", code, body)
	}
	if code, h, body := get("/schema.graphql"); code != 200 || !strings.Contains(body, "type Customer") ||
		!strings.HasPrefix(h.Get("Content-Type"), "text/plain") {
		t.Errorf("/schema.graphql: %d %s %.200q", code, h.Get("Content-Type"), body)
	}
	if code, h, body := get("/"); code != 200 || !strings.HasPrefix(h.Get("Content-Type"), "text/html") ||
		!strings.Contains(body, "/graphiql/graphiql.min.js") || !strings.Contains(h.Get("Content-Security-Policy"), "script-src 'self';") {
		t.Errorf("/: %d %s %.200q", code, h.Get("Content-Type"), body)
	}
	if code, _, body := get("/graphiql/panel.js"); code != 200 || !strings.Contains(body, "'/graphql'") {
		t.Errorf("/graphiql/panel.js: %d %.200q", code, body)
	}
	if code, _, _ := get("/no-such-page"); code != 404 {
		t.Errorf("/no-such-page: %d", code)
	}
	if code, _, _ := get("/graphql"); code != http.StatusMethodNotAllowed {
		t.Errorf("GET /graphql: %d", code)
	}

	// GraphQL through the auth middleware: log in, then ask who we are.
	post := func(token, query string, vars map[string]any) map[string]any {
		t.Helper()
		body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
		req, _ := http.NewRequest(http.MethodPost, base+"/graphql", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatalf("POST /graphql: %v", err)
		}
		defer resp.Body.Close()
		var out map[string]any
		if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
			t.Fatalf("POST /graphql: status %d, %v", resp.StatusCode, err)
		}
		return out
	}
	out := post("", `mutation($in: LoginInput!) { login(input: $in) { token userErrors { message } } }`,
		map[string]any{"in": map[string]any{"login": "admin", "password": password}})
	token, _ := dig(out, "data", "login", "token").(string)
	if token == "" {
		t.Errorf("login: %v", out)
	} else {
		out = post(token, `{ viewer { role } }`, nil)
		if role := dig(out, "data", "viewer", "role"); role != "ADMIN" {
			t.Errorf("viewer: %v", out)
		}
	}
	out = post("", `{ viewer { role } }`, nil)
	if _, ok := out["errors"]; !ok {
		t.Errorf("viewer without a token: %v", out)
	}

	if code, _, body := get("/metrics"); code != 200 || !strings.Contains(body, "panel_http_requests_total") ||
		!strings.Contains(body, "panel_sql_statements_total") || !strings.Contains(body, `route="healthz"`) {
		t.Errorf("/metrics: %d %.300q", code, body)
	}

	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("run returned %d after cancel; stderr: %s", code, stderr.String())
		}
	case <-time.After(40 * time.Second):
		t.Fatal("run did not return after cancel")
	}
	logs := stderr.String()
	for _, want := range []string{`"msg":"listening"`, `"msg":"request"`, `"msg":"stopped"`} {
		if !strings.Contains(logs, want) {
			t.Errorf("logs lack %s", want)
		}
	}
	if strings.Contains(logs, password) {
		t.Error("generated password in the logs")
	}
	for _, l := range strings.Split(strings.TrimSpace(logs), "\n") {
		if !json.Valid([]byte(l)) {
			t.Errorf("log line is not JSON: %q", l)
		}
	}
}

func dig(v any, path ...string) any {
	for _, p := range path {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[p]
	}
	return v
}
