package httpx_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/hostpanel/panel/internal/httpx"
	"github.com/hostpanel/panel/internal/reqid"
)

// syncBuffer is a goroutine-safe log sink.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) lines(t *testing.T) []map[string]any {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(s.b.String()), "\n") {
		if l == "" {
			continue
		}
		m := map[string]any{}
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("log line %q: %v", l, err)
		}
		out = append(out, m)
	}
	return out
}

func newLogger() (*slog.Logger, *syncBuffer) {
	buf := &syncBuffer{}
	return slog.New(slog.NewJSONHandler(buf, nil)), buf
}

// stack builds the server's order: RequestID → Recover → Logging → h.
func stack(logger *slog.Logger, h http.Handler) http.Handler {
	return httpx.RequestID(httpx.Recover(logger, httpx.Logging(logger, h)))
}

func TestRequestID(t *testing.T) {
	var seen string
	h := httpx.RequestID(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen = reqid.FromContext(r.Context())
	}))
	cases := []struct {
		in   string
		keep bool
	}{
		{"abc-DEF_123", true},
		{strings.Repeat("a", 64), true},
		{strings.Repeat("a", 65), false},
		{"", false},
		{"has space", false},
		{"semi;colon", false},
		{"new\nline", false},
		{"ünï", false},
	}
	for _, c := range cases {
		req := httptest.NewRequest(http.MethodGet, "/", nil)
		if c.in != "" {
			req.Header.Set(httpx.RequestIDHeader, c.in)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		got := rec.Header().Get(httpx.RequestIDHeader)
		if got != seen || got == "" {
			t.Errorf("%q: header %q, context %q", c.in, got, seen)
		}
		if c.keep != (got == c.in) {
			t.Errorf("%q: kept=%v, want %v (got %q)", c.in, got == c.in, c.keep, got)
		}
	}
}

func TestLogging(t *testing.T) {
	logger, buf := newLogger()
	h := stack(logger, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/teapot":
			w.WriteHeader(http.StatusTeapot)
			_, _ = io.WriteString(w, "short and stout")
		case "/fail":
			http.Error(w, "no", http.StatusServiceUnavailable)
		default:
			_, _ = io.WriteString(w, "hello")
		}
	}))
	req := httptest.NewRequest(http.MethodPost, "/teapot?token=secret", nil)
	req.Header.Set(httpx.RequestIDHeader, "req-1")
	h.ServeHTTP(httptest.NewRecorder(), req)
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/", nil))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/fail", nil))

	lines := buf.lines(t)
	if len(lines) != 3 {
		t.Fatalf("%d log lines, want 3", len(lines))
	}
	l := lines[0]
	if l["msg"] != "request" || l["method"] != "POST" || l["path"] != "/teapot" || l["status"] != float64(418) ||
		l["bytes"] != float64(len("short and stout")) || l["request_id"] != "req-1" || l["level"] != "INFO" {
		t.Errorf("log line %v", l)
	}
	if _, ok := l["duration_ms"].(float64); !ok {
		t.Errorf("no duration: %v", l)
	}
	if strings.Contains(buf.b.String(), "secret") {
		t.Error("query string logged")
	}
	if lines[1]["status"] != float64(200) || lines[1]["bytes"] != float64(5) || lines[1]["request_id"] == "" {
		t.Errorf("implicit 200: %v", lines[1])
	}
	if lines[2]["status"] != float64(503) || lines[2]["level"] != "ERROR" {
		t.Errorf("server error: %v", lines[2])
	}
}

func TestRecover(t *testing.T) {
	logger, buf := newLogger()
	h := stack(logger, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		panic("kaboom: secret internals")
	}))
	req := httptest.NewRequest(http.MethodPost, "/graphql", nil)
	req.Header.Set(httpx.RequestIDHeader, "req-42")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)

	if rec.Code != http.StatusInternalServerError {
		t.Fatalf("status %d", rec.Code)
	}
	if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type %q", ct)
	}
	if rec.Header().Get(httpx.RequestIDHeader) != "req-42" {
		t.Error("request ID header lost")
	}
	var body struct {
		Errors []struct {
			Message    string            `json:"message"`
			Extensions map[string]string `json:"extensions"`
		} `json:"errors"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
		t.Fatalf("body %q: %v", rec.Body.String(), err)
	}
	if len(body.Errors) != 1 || body.Errors[0].Message != "internal error" ||
		body.Errors[0].Extensions["code"] != "INTERNAL_SERVER_ERROR" || body.Errors[0].Extensions["requestId"] != "req-42" {
		t.Errorf("body %s", rec.Body.String())
	}
	if strings.Contains(rec.Body.String(), "kaboom") {
		t.Error("panic value leaked to the client")
	}

	lines := buf.lines(t)
	var sawPanic, sawRequest bool
	for _, l := range lines {
		switch l["msg"] {
		case "panic serving request":
			sawPanic = true
			if l["request_id"] != "req-42" || !strings.Contains(l["panic"].(string), "kaboom") ||
				!strings.Contains(l["stack"].(string), "httpx_test") {
				t.Errorf("panic log %v", l)
			}
		case "request":
			sawRequest = true
			if l["status"] != float64(500) {
				t.Errorf("access log status %v", l["status"])
			}
		}
	}
	if !sawPanic || !sawRequest {
		t.Errorf("log lines %v", lines)
	}
}

func TestRecoverAfterWrite(t *testing.T) {
	// A panic after the response started cannot become a 500: the
	// connection is aborted (http.ErrAbortHandler reaches net/http).
	logger, _ := newLogger()
	h := stack(logger, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, "partial")
		panic("late")
	}))
	srv := httptest.NewServer(h)
	defer srv.Close()
	resp, err := http.Get(srv.URL)
	if err == nil {
		_, err = io.ReadAll(resp.Body)
		resp.Body.Close()
	}
	if err == nil {
		t.Error("truncated response read without error")
	}
}

func TestRecoverPassesAbort(t *testing.T) {
	logger, buf := newLogger()
	h := httpx.Recover(logger, http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		panic(http.ErrAbortHandler)
	}))
	defer func() {
		p := recover()
		if err, ok := p.(error); !ok || !errors.Is(err, http.ErrAbortHandler) {
			t.Errorf("recovered %v, want http.ErrAbortHandler", p)
		}
		if strings.Contains(buf.b.String(), "panic serving request") {
			t.Error("deliberate abort logged as a panic")
		}
	}()
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/", nil))
}

func TestFlushThroughMiddleware(t *testing.T) {
	logger, _ := newLogger()
	h := stack(logger, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := http.NewResponseController(w).Flush(); err != nil {
			t.Errorf("flush: %v", err)
		}
	}))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
	if !rec.Flushed {
		t.Error("not flushed")
	}
}
