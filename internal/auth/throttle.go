package auth

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/netip"
	"time"

	entsql "entgo.io/ent/dialect/sql"

	"github.com/hostpanel/panel/ent"
	"github.com/hostpanel/panel/ent/loginthrottle"
	"github.com/hostpanel/panel/internal/apperr"
	"github.com/hostpanel/panel/internal/httpx"
)

// ThrottleConfig bounds refused logins. Refusals are counted per login and
// per client address in fixed windows; once a bucket reaches its maximum,
// every login attempt in it is answered RATE_LIMITED until the window ends.
// A maximum of zero or less disables that bucket.
type ThrottleConfig struct {
	Window        time.Duration
	MaxPerLogin   int
	MaxPerAddress int
}

// DefaultThrottle: 10 refusals per login and 100 per client address in 15
// minutes. An attacker guessing one account's password locks only that
// account (for the rest of the window), never the others; the address limit
// bounds guessing across many accounts.
var DefaultThrottle = ThrottleConfig{Window: 15 * time.Minute, MaxPerLogin: 10, MaxPerAddress: 100}

// Throttle is the login throttle. Its counters are rows of the
// login_throttles table (ent LoginThrottle), so every server process on the
// database shares them: a bucket is a key ("l:" + SHA-256 of the login, or
// "a:" + the client address, IPv6 per /64), a window number (slot) and a
// count of refusals. Refusing costs one upsert statement; checking one
// select.
type Throttle struct {
	client *ent.Client
	cfg    ThrottleConfig
	now    func() time.Time
}

// NewThrottle returns a throttle over client.
func NewThrottle(client *ent.Client, cfg ThrottleConfig) *Throttle {
	if cfg.Window <= 0 {
		cfg.Window = DefaultThrottle.Window
	}
	return &Throttle{client: client, cfg: cfg, now: time.Now}
}

// errRateLimited is the top-level RATE_LIMITED error (API section 1).
var errRateLimited = &apperr.RequestError{Code: apperr.CodeRateLimited, Message: "too many failed logins; try again later"}

type bucket struct {
	key string
	max int
}

func (t *Throttle) buckets(login string, addr netip.Addr) []bucket {
	sum := sha256.Sum256([]byte(login))
	b := []bucket{{"l:" + hex.EncodeToString(sum[:]), t.cfg.MaxPerLogin}}
	if addr.IsValid() {
		addr = addr.Unmap()
		if addr.Is6() {
			p, _ := addr.Prefix(64)
			b = append(b, bucket{"a:" + p.String(), t.cfg.MaxPerAddress})
		} else {
			b = append(b, bucket{"a:" + addr.String(), t.cfg.MaxPerAddress})
		}
	}
	out := b[:0]
	for _, x := range b {
		if x.max > 0 {
			out = append(out, x)
		}
	}
	return out
}

func (t *Throttle) slot() int64 { return t.now().UnixNano() / int64(t.cfg.Window) }

// Check returns the RATE_LIMITED error when login or addr (invalid: none)
// has reached its maximum of refusals in the current window.
func (t *Throttle) Check(ctx context.Context, login string, addr netip.Addr) error {
	bs := t.buckets(login, addr)
	if len(bs) == 0 {
		return nil
	}
	keys := make([]string, len(bs))
	for i, b := range bs {
		keys[i] = b.key
	}
	rows, err := t.client.LoginThrottle.Query().
		Where(loginthrottle.BucketIn(keys...), loginthrottle.Slot(t.slot())).
		All(system(ctx))
	if err != nil {
		return err
	}
	for _, r := range rows {
		for _, b := range bs {
			if r.Bucket == b.key && r.Failures >= b.max {
				return errRateLimited
			}
		}
	}
	return nil
}

// Refused counts one refused login of login from addr: one statement that
// inserts each bucket or, if it exists, adds one to its count in the
// current window or restarts it at one in a new window.
func (t *Throttle) Refused(ctx context.Context, login string, addr netip.Addr) error {
	bs := t.buckets(login, addr)
	if len(bs) == 0 {
		return nil
	}
	slot := t.slot()
	creates := make([]*ent.LoginThrottleCreate, len(bs))
	for i, b := range bs {
		creates[i] = t.client.LoginThrottle.Create().SetBucket(b.key).SetSlot(slot).SetFailures(1)
	}
	// MySQL evaluates ON DUPLICATE KEY assignments left to right, seeing
	// the new values of earlier columns: failures is set before slot.
	return t.client.LoginThrottle.CreateBulk(creates...).
		OnConflict(
			entsql.ConflictColumns(loginthrottle.FieldBucket),
			entsql.ResolveWith(func(u *entsql.UpdateSet) {
				u.Set(loginthrottle.FieldFailures, entsql.Expr(
					"CASE WHEN "+u.Table().C(loginthrottle.FieldSlot)+" = ? THEN "+
						u.Table().C(loginthrottle.FieldFailures)+" + 1 ELSE 1 END", slot))
				u.Set(loginthrottle.FieldSlot, slot)
			}),
		).
		Exec(system(ctx))
}

// Succeeded forgets the refusals of login (not those of the address) and,
// in the same statement, the rows of windows that are over.
func (t *Throttle) Succeeded(ctx context.Context, login string) error {
	sum := sha256.Sum256([]byte(login))
	_, err := t.client.LoginThrottle.Delete().
		Where(loginthrottle.Or(
			loginthrottle.Bucket("l:"+hex.EncodeToString(sum[:])),
			loginthrottle.SlotLT(t.slot()))).
		Exec(system(ctx))
	return err
}

// SetThrottle replaces the login throttle's configuration.
func (s *Service) SetThrottle(cfg ThrottleConfig) { s.throttle = NewThrottle(s.client, cfg) }

// wrongCredentials counts a refused login in the throttle and answers it
// like every unknown login and wrong password.
func (s *Service) wrongCredentials(ctx context.Context, login, why string) error {
	if err := s.throttle.Refused(ctx, login, httpx.ClientIPFromContext(ctx)); err != nil {
		return err
	}
	return s.refuse(ctx, login, why, errInvalidCredentials)
}
