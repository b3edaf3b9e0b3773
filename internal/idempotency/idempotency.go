// Package idempotency stores the responses of mutations sent with an
// Idempotency-Key header (docs/idempotency.md), so that a client retrying
// after a lost response gets the first response instead of a second run.
//
// A key belongs to one viewer (Principal). The first request with a key
// inserts a pending row: the unique index on (principal, key) decides which
// of several concurrent requests runs, in one process or many on one
// database. The winner runs and stores its response (Claim.Finish); a
// response with an internal error is not stored, the row is removed
// (Claim.Release) and a retry runs again. A repeat with the same request
// hash gets the stored response; a repeat while the first still runs waits
// for it (polling, up to its context's deadline); a repeat with another
// request hash is a Conflict. Rows expire after TTL (24 h): an expired row
// is ignored and replaced, and expired rows are deleted whenever a new key
// is stored.
package idempotency

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"golang.org/x/crypto/argon2"

	"github.com/hostpanel/panel/ent"
	"github.com/hostpanel/panel/ent/idempotencykey"
	"github.com/hostpanel/panel/ent/privacy"
	"github.com/hostpanel/panel/internal/auth"
	"github.com/hostpanel/panel/internal/txn"
	"github.com/hostpanel/panel/internal/viewer"
)

// Header is the request header carrying the key.
const Header = "Idempotency-Key"

// ReplayedHeader is set to "true" on a response replayed from the store.
const ReplayedHeader = "Idempotent-Replayed"

// MaxKeyLength is the longest key accepted.
const MaxKeyLength = 255

// Defaults of Config.
const (
	DefaultTTL          = 24 * time.Hour
	DefaultPollInterval = 25 * time.Millisecond
	// DefaultLease is how long a pending row blocks its key: longer than
	// any request may run (the GraphQL handler's deadline is 30 s), so a
	// row still pending after it belongs to a process that died mid-request
	// and is taken over.
	DefaultLease = 2 * time.Minute
)

// Config configures a Store. Zero fields take the defaults.
type Config struct {
	// TTL is how long a stored response is replayed (default 24 h).
	TTL time.Duration
	// Lease is how long a pending row may block its key (DefaultLease).
	Lease time.Duration
	// PollInterval is how often a waiting repeat looks at the row.
	PollInterval time.Duration
	// Now is the clock (default time.Now); tests move it forward.
	Now func() time.Time
}

// Store keeps idempotency keys in the idempotency_keys table.
type Store struct {
	client *ent.Client
	cfg    Config
}

// New returns a Store over client.
func New(client *ent.Client, cfg Config) *Store {
	if cfg.TTL <= 0 {
		cfg.TTL = DefaultTTL
	}
	if cfg.Lease <= 0 {
		cfg.Lease = DefaultLease
	}
	if cfg.PollInterval <= 0 {
		cfg.PollInterval = DefaultPollInterval
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Store{client: client, cfg: cfg}
}

// ValidKey reports why key is not an acceptable Idempotency-Key ("" if it
// is): 1 to 255 printable ASCII characters (space to tilde).
func ValidKey(key string) string {
	switch {
	case key == "":
		return "the Idempotency-Key header is empty"
	case len(key) > MaxKeyLength:
		return fmt.Sprintf("the Idempotency-Key header is longer than %d characters", MaxKeyLength)
	}
	for i := 0; i < len(key); i++ {
		if key[i] < 0x20 || key[i] > 0x7e {
			return "the Idempotency-Key header may hold printable ASCII characters only"
		}
	}
	return ""
}

// Principal is the owner of v's keys: role, account, login (credential) and
// panel user. Two viewers never share keys; two sessions or tokens of one
// login do (a client that logged in again still finds its keys).
func Principal(v *viewer.Viewer) string {
	return fmt.Sprintf("%s:%d:c%d:u%d", v.Role, v.AccountID(), v.CredentialID, v.PanelUserID)
}

// RequestHash is the hash (hex) of a request: its canonical document,
// operation name and variables (JSON with sorted keys). It is SHA-256,
// except for a request that names a password anywhere (an argument, input
// field or variable such as password or newPassword): a fast hash of it,
// stored for 24 h, would let anyone who reads the database guess the
// password offline at SHA-256 speed. Those are hashed with argon2id at the
// cost of stored passwords (auth.DefaultHasher), salted with the principal
// and the key, so that a repeat of the same request by the same principal
// still hashes the same.
func RequestHash(principal, key, document, operationName string, variables map[string]any) (string, error) {
	vars, err := json.Marshal(variables)
	if err != nil {
		return "", err
	}
	canon, err := json.Marshal([]any{document, operationName, json.RawMessage(vars)})
	if err != nil {
		return "", err
	}
	if !bytes.Contains(bytes.ToLower(canon), []byte("password")) {
		sum := sha256.Sum256(canon)
		return hex.EncodeToString(sum[:]), nil
	}
	salt := sha256.Sum256([]byte(principal + "\x00" + key))
	h := auth.DefaultHasher()
	return hex.EncodeToString(argon2.IDKey(canon, salt[:16], h.Time, h.MemoryKiB, h.Threads, 32)), nil
}

// Replay is a stored response.
type Replay struct {
	Body   []byte
	Status int
}

// ErrConflict: the key was used with a different request.
var ErrConflict = errors.New("idempotency key reused with a different request")

// ErrInProgress: the first request with the key still runs and the
// waiting repeat's context ended first.
var ErrInProgress = errors.New("a request with this idempotency key is still in progress")

// Claim is the right to run a request: the caller must call Finish or
// Release exactly once.
type Claim struct {
	s  *Store
	id int
}

// Begin looks up (principal, key). It returns a Claim if the caller is to
// run the request, a Replay if a finished request with the same hash was
// stored, ErrConflict if the key was used with another hash, ErrInProgress
// if the first request still runs when ctx ends, or another error.
func (s *Store) Begin(ctx context.Context, principal, key, hash string) (*Claim, *Replay, error) {
	ctx = privacy.DecisionContext(ctx, privacy.Allow)
	for {
		now := s.cfg.Now()
		var id int
		err := txn.Run(ctx, s.client, func(c *ent.Client) error {
			row, err := c.IdempotencyKey.Create().SetPrincipal(principal).SetKey(key).SetRequestHash(hash).
				SetCreatedAt(now).SetExpiresAt(now.Add(s.cfg.TTL)).Save(ctx)
			if err != nil {
				return err
			}
			id = row.ID
			return nil
		})
		if err == nil {
			s.purge(ctx, now)
			return &Claim{s: s, id: id}, nil, nil
		}
		if !ent.IsConstraintError(err) {
			return nil, nil, err
		}
		row, err := s.client.IdempotencyKey.Query().
			Where(idempotencykey.Principal(principal), idempotencykey.Key(key)).Only(ctx)
		switch {
		case ent.IsNotFound(err):
			continue // released or purged meanwhile: try again
		case txn.Retryable(err):
			// SQLite's shared in-memory cache refuses a read of a table
			// another transaction writes: look again after a pause.
			if !s.pause(ctx) {
				return nil, nil, ErrInProgress
			}
			continue
		case err != nil:
			return nil, nil, err
		}
		stale := !now.Before(row.ExpiresAt) ||
			(row.Status == idempotencykey.StatusPending && !now.Before(row.CreatedAt.Add(s.cfg.Lease)))
		switch {
		case stale:
			// Expired, or abandoned by a process that died: remove it (only
			// that row, as it was) and claim the key again.
			if err := s.delete(ctx, row); err != nil {
				return nil, nil, err
			}
			continue
		case row.RequestHash != hash:
			return nil, nil, ErrConflict
		case row.Status == idempotencykey.StatusDone:
			body := []byte{}
			if row.Response != nil {
				body = *row.Response
			}
			return nil, &Replay{Body: body, Status: row.HTTPStatus}, nil
		}
		// Pending: the first request is running. Wait and look again.
		if !s.pause(ctx) {
			return nil, nil, ErrInProgress
		}
	}
}

// pause waits PollInterval; it reports false if ctx ended first.
func (s *Store) pause(ctx context.Context) bool {
	t := time.NewTimer(s.cfg.PollInterval)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// delete removes row if it is still the same (id and status).
func (s *Store) delete(ctx context.Context, row *ent.IdempotencyKey) error {
	return txn.Run(ctx, s.client, func(c *ent.Client) error {
		_, err := c.IdempotencyKey.Delete().
			Where(idempotencykey.ID(row.ID), idempotencykey.StatusEQ(row.Status)).Exec(ctx)
		return err
	})
}

// purge deletes expired rows. A failure only leaves them for the next
// purge (they are ignored anyway).
func (s *Store) purge(ctx context.Context, now time.Time) {
	_ = txn.Run(ctx, s.client, func(c *ent.Client) error {
		_, err := c.IdempotencyKey.Delete().Where(idempotencykey.ExpiresAtLTE(now)).Exec(ctx)
		return err
	})
}

// cleanupTimeout bounds Finish and Release, which run even after the
// request's context ended.
const cleanupTimeout = 5 * time.Second

// Finish stores the response of the claimed request.
func (c *Claim) Finish(ctx context.Context, body []byte, status int) error {
	ctx, cancel := context.WithTimeout(privacy.DecisionContext(context.WithoutCancel(ctx), privacy.Allow), cleanupTimeout)
	defer cancel()
	return txn.Run(ctx, c.s.client, func(cl *ent.Client) error {
		return cl.IdempotencyKey.UpdateOneID(c.id).SetStatus(idempotencykey.StatusDone).
			SetResponse(body).SetHTTPStatus(status).Exec(ctx)
	})
}

// Release removes the claimed key, so that a retry runs the request.
func (c *Claim) Release(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(privacy.DecisionContext(context.WithoutCancel(ctx), privacy.Allow), cleanupTimeout)
	defer cancel()
	return txn.Run(ctx, c.s.client, func(cl *ent.Client) error {
		_, err := cl.IdempotencyKey.Delete().Where(idempotencykey.ID(c.id)).Exec(ctx)
		return err
	})
}
