package apitest

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"log/slog"
	"strconv"
	"strings"
	"testing"
	"time"

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

// VerifyWebhookSignature is the receiver example of docs/webhooks.md,
// verbatim (written independently of internal/webhooks): the tests check
// deliveries with the algorithm receivers are told to use.
func VerifyWebhookSignature(secret, header string, body []byte, tolerance time.Duration, now time.Time) bool {
	var ts string
	var sigs []string
	for _, part := range strings.Split(header, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "t":
			ts = v
		case "v1":
			sigs = append(sigs, v)
		}
	}
	t, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || now.Sub(time.Unix(t, 0)).Abs() > tolerance {
		return false
	}
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(ts + "."))
	m.Write(body)
	want := m.Sum(nil)
	for _, s := range sigs {
		if got, err := hex.DecodeString(s); err == nil && hmac.Equal(got, want) {
			return true
		}
	}
	return false
}
