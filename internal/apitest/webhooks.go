package apitest

import (
	"context"
	"log/slog"
	"testing"

	"github.com/hostpanel/panel/graph"
	"github.com/hostpanel/panel/internal/webhooks"
)

// NewWithWebhooks is New with the webhook endpoint service configured by
// cfg and a webhook worker (also cfg) running on the server's database
// until the test ends.
func NewWithWebhooks(t testing.TB, d string, cfg webhooks.Config) *Server {
	t.Helper()
	s, _ := NewWith(t, d, Options{Configure: func(c *graph.HandlerConfig) { c.Webhooks = cfg }})
	s.StartWebhookWorker(cfg)
	return s
}

// StartWebhookWorker runs a webhook worker with cfg on s's database (as
// another server process would) until the test ends.
func (s *Server) StartWebhookWorker(cfg webhooks.Config) {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(testWriter{s.T}, nil))
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		webhooks.NewWorker(s.Client, cfg).Run(ctx)
	}()
	s.T.Cleanup(func() { cancel(); <-done })
}
