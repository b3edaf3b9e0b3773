package apitest

import (
	"context"
	"log/slog"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/hostpanel/panel/graph"
	"github.com/hostpanel/panel/internal/auth"
	"github.com/hostpanel/panel/internal/db"
	"github.com/hostpanel/panel/internal/dbtest"
)

// Mailbox is a Notifier that keeps the password resets it is handed, as a
// mail server would, for tests to read.
type Mailbox struct {
	mu   sync.Mutex
	sent []auth.PasswordReset
}

// Notify keeps r.
func (m *Mailbox) Notify(_ context.Context, r auth.PasswordReset) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.sent = append(m.sent, r)
	return nil
}

// Sent returns the resets handed over so far.
func (m *Mailbox) Sent() []auth.PasswordReset {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]auth.PasswordReset(nil), m.sent...)
}

// NewWithMailbox is New with password resets delivered to the returned
// Mailbox instead of the log.
func NewWithMailbox(t testing.TB, d string) (*Server, *Mailbox) {
	t.Helper()
	s := &Server{T: t}
	s.Client = dbtest.Open(t, d, func(context.Context) { s.Statements.Add(1) })
	hasher := auth.FastHasher()
	if _, err := db.EnsureAdmin(context.Background(), s.Client, hasher, AdminPassword); err != nil {
		t.Fatal(err)
	}
	logger := slog.New(slog.NewTextHandler(testWriter{t}, nil))
	as := auth.NewService(s.Client, hasher, logger)
	mb := &Mailbox{}
	as.SetNotifier(mb)
	h := as.Middleware(graph.NewHandler(graph.HandlerConfig{Client: s.Client, Auth: as, Logger: logger}))
	hs := httptest.NewServer(h)
	t.Cleanup(hs.Close)
	s.URL = hs.URL
	return s, mb
}
