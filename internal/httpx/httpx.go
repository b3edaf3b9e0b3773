// Package httpx holds the server's generic HTTP middleware: request IDs,
// access logging and panic recovery.
package httpx

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"time"

	"github.com/hostpanel/panel/internal/reqid"
)

// RequestIDHeader is the request and response header carrying the request ID.
const RequestIDHeader = "X-Request-ID"

// maxRequestIDLen bounds a client-supplied request ID.
const maxRequestIDLen = 64

// saneRequestID reports whether a client-supplied request ID may be kept:
// 1 to 64 characters from [A-Za-z0-9_-], so it is safe in logs and headers.
func saneRequestID(s string) bool {
	if s == "" || len(s) > maxRequestIDLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '-', c == '_':
		default:
			return false
		}
	}
	return true
}

// RequestID gives every request an ID: the client's X-Request-ID when it is
// sane, a fresh one otherwise. The ID is put in the request's context (see
// reqid.FromContext) and in the X-Request-ID response header.
func RequestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get(RequestIDHeader)
		if !saneRequestID(id) {
			id = reqid.New()
		}
		w.Header().Set(RequestIDHeader, id)
		next.ServeHTTP(w, r.WithContext(reqid.NewContext(r.Context(), id)))
	})
}

// Logging logs one line per request, when it is done: method, path (without
// the query string, which may carry secrets), status, duration in
// milliseconds, response bytes and request ID. Server errors (5xx) are
// logged at level ERROR, the rest at INFO.
func Logging(logger *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rw := wrap(w)
		defer func() {
			p := recover()
			status := rw.statusOr(http.StatusOK)
			if p != nil && !rw.wroteHeader {
				status = http.StatusInternalServerError // what Recover will answer
			}
			level := slog.LevelInfo
			if status >= 500 {
				level = slog.LevelError
			}
			logger.LogAttrs(r.Context(), level, "request",
				slog.String("method", r.Method),
				slog.String("path", r.URL.Path),
				slog.Int("status", status),
				slog.Float64("duration_ms", float64(time.Since(start).Microseconds())/1000),
				slog.Int64("bytes", rw.bytes),
				slog.String("request_id", reqid.FromContext(r.Context())),
			)
			if p != nil {
				panic(p)
			}
		}()
		next.ServeHTTP(rw, r)
	})
}

// Recover turns a panic in next into a 500 response in the GraphQL error
// shape, logged with its stack. If the response had already started, the
// connection is aborted instead (a truncated answer is better than one that
// looks complete).
func Recover(logger *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rw := wrap(w)
		defer func() {
			p := recover()
			if p == nil {
				return
			}
			if err, ok := p.(error); ok && errors.Is(err, http.ErrAbortHandler) {
				panic(p) // a deliberate abort: net/http handles it quietly
			}
			id := reqid.FromContext(r.Context())
			logger.LogAttrs(r.Context(), slog.LevelError, "panic serving request",
				slog.String("method", r.Method),
				slog.String("path", r.URL.Path),
				slog.String("request_id", id),
				slog.String("panic", fmt.Sprint(p)),
				slog.String("stack", string(debug.Stack())),
			)
			if rw.wroteHeader {
				panic(http.ErrAbortHandler)
			}
			writeInternalError(rw, id)
		}()
		next.ServeHTTP(rw, r)
	})
}

// internalError is the body of a 500 response.
type internalError struct {
	Errors []internalErrorItem `json:"errors"`
}

type internalErrorItem struct {
	Message    string            `json:"message"`
	Extensions map[string]string `json:"extensions"`
}

func writeInternalError(w http.ResponseWriter, id string) {
	h := w.Header()
	// Drop what the handler set about the body it meant to send.
	for _, k := range []string{"Content-Length", "Content-Encoding", "Content-Disposition", "ETag", "Last-Modified", "Cache-Control"} {
		h.Del(k)
	}
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusInternalServerError)
	_ = json.NewEncoder(w).Encode(internalError{Errors: []internalErrorItem{{
		Message:    "internal error",
		Extensions: map[string]string{"code": "INTERNAL_SERVER_ERROR", "requestId": id},
	}}})
}

// responseWriter records the status and the number of body bytes written.
type responseWriter struct {
	http.ResponseWriter
	status      int
	wroteHeader bool
	bytes       int64
}

// wrap returns w as a *responseWriter, reusing it if it already is one (so
// stacked middleware of this package share one record).
func wrap(w http.ResponseWriter) *responseWriter {
	if rw, ok := w.(*responseWriter); ok {
		return rw
	}
	return &responseWriter{ResponseWriter: w}
}

func (w *responseWriter) statusOr(def int) int {
	if w.wroteHeader {
		return w.status
	}
	return def
}

func (w *responseWriter) WriteHeader(code int) {
	// Informational 1xx headers (other than 101) do not fix the status.
	if !w.wroteHeader && (code >= 200 || code == http.StatusSwitchingProtocols) {
		w.status, w.wroteHeader = code, true
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *responseWriter) Write(b []byte) (int, error) {
	if !w.wroteHeader {
		w.status, w.wroteHeader = http.StatusOK, true
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += int64(n)
	return n, err
}

// Flush forwards to the underlying writer when it can flush.
func (w *responseWriter) Flush() {
	if !w.wroteHeader {
		w.status, w.wroteHeader = http.StatusOK, true
	}
	_ = http.NewResponseController(w.ResponseWriter).Flush()
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *responseWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
