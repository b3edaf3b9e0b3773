// Package webhooks publishes the audit events of committed changes to the
// HTTP endpoints the administrator and the resellers register (docs/webhooks.md):
// the endpoint service behind the GraphQL mutations, and the worker that
// fans the transactional outbox (written by internal/audit) out into
// deliveries and sends them, at least once, signed, with retries.
package webhooks

import (
	"context"
	"log/slog"
	"net"
	"time"
)

// Config configures the service and the worker. Zero fields take the
// defaults below.
type Config struct {
	// AllowPrivate allows endpoints on loopback, private and reserved
	// addresses (--webhooks-allow-private): off, such URLs are refused at
	// registration and such addresses at connect time (SSRF).
	AllowPrivate bool
	// PollInterval is how often the worker looks for work.
	PollInterval time.Duration
	// Timeout bounds one HTTP request (connect, headers and body).
	Timeout time.Duration
	// MaxAttempts is how many times a delivery is sent before it is FAILED.
	MaxAttempts int
	// BaseBackoff is the wait after the first failed attempt; it doubles
	// per attempt up to MaxBackoff, with ±20% jitter.
	BaseBackoff time.Duration
	MaxBackoff  time.Duration
	// DisableAfter is how many consecutive failed attempts disable an
	// endpoint.
	DisableAfter int
	// ChunkTargets is the most target IDs one request carries: an event
	// with more targets is sent as several deliveries.
	ChunkTargets int
	// Batch is how many outbox rows or deliveries one claim takes.
	Batch int
	// Concurrency is how many requests the worker sends at once.
	Concurrency int
	// MaxEndpoints is how many endpoints one owner may register.
	MaxEndpoints int
	// Retention is how long the delivery log keeps a delivery that is
	// finished (DELIVERED or FAILED), counted from its creation; the worker
	// deletes older ones every PruneEvery. Negative: kept forever.
	Retention time.Duration
	// PruneEvery is how often the worker deletes expired deliveries.
	PruneEvery time.Duration
	// Now is the clock (tests).
	Now func() time.Time
	// LookupHost resolves an endpoint's host at registration.
	LookupHost func(ctx context.Context, host string) ([]string, error)
	// Logger logs the worker's failures.
	Logger *slog.Logger
}

// Defaults of Config.
const (
	DefaultPollInterval = time.Second
	DefaultTimeout      = 10 * time.Second
	DefaultMaxAttempts  = 12
	DefaultBaseBackoff  = 10 * time.Second
	DefaultMaxBackoff   = time.Hour
	DefaultDisableAfter = 50
	DefaultChunkTargets = 1000
	DefaultBatch        = 100
	DefaultConcurrency  = 8
	DefaultMaxEndpoints = 20
	DefaultRetention    = 30 * 24 * time.Hour
	DefaultPruneEvery   = time.Hour
)

func (c Config) withDefaults() Config {
	def := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	defd := func(v *time.Duration, d time.Duration) {
		if *v <= 0 {
			*v = d
		}
	}
	defd(&c.PollInterval, DefaultPollInterval)
	defd(&c.Timeout, DefaultTimeout)
	defd(&c.BaseBackoff, DefaultBaseBackoff)
	defd(&c.MaxBackoff, DefaultMaxBackoff)
	defd(&c.PruneEvery, DefaultPruneEvery)
	if c.Retention == 0 {
		c.Retention = DefaultRetention
	}
	def(&c.MaxAttempts, DefaultMaxAttempts)
	def(&c.DisableAfter, DefaultDisableAfter)
	def(&c.ChunkTargets, DefaultChunkTargets)
	def(&c.Batch, DefaultBatch)
	def(&c.Concurrency, DefaultConcurrency)
	def(&c.MaxEndpoints, DefaultMaxEndpoints)
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.LookupHost == nil {
		c.LookupHost = net.DefaultResolver.LookupHost
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return c
}
