// Package txn runs service work in one database transaction.
//
// On MySQL/MariaDB a transaction runs at READ COMMITTED: every statement
// sees the rows committed before it, so a lock taken in the middle of a
// transaction (internal/limits.Lock, SELECT ... FOR UPDATE) is followed by
// reads of fresh data rather than of a snapshot fixed by an earlier SELECT.
// SQLite ignores the level: its writers are serialised (_txlock=immediate).
//
// A deadlock (MariaDB error 1213) or a lock wait timeout (1205) (on SQLite:
// SQLITE_BUSY, SQLITE_LOCKED) rolls the
// transaction back and runs the whole of fn again, at most MaxRetries times
// with a jittered, growing backoff; fn must therefore rebuild everything it
// returns from scratch on each call. An exhausted retry returns the last
// error (an internal error for the client).
package txn

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/go-sql-driver/mysql"
	"modernc.org/sqlite"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"
	"github.com/hostpanel/panel/ent"
	"github.com/hostpanel/panel/ent/administrator"
	"github.com/hostpanel/panel/ent/privacy"
)

// MaxRetries is how many times a transaction that failed with a deadlock
// or a lock wait timeout is run again.
const MaxRetries = 3

// maxSQLiteRetries bounds the retries after SQLITE_BUSY/SQLITE_LOCKED: the
// shared cache of sqlite::memory: fails a conflicting writer at once
// instead of making it wait, so conflicts are more frequent there.
const maxSQLiteRetries = 20

// baseBackoff is the mean wait before the first retry; it doubles for each
// further one. The actual wait is uniform in [base/2, 3*base/2).
const baseBackoff = 25 * time.Millisecond

// errDryRun rolls a transaction back on purpose: the work was computed and
// must not be kept.
var errDryRun = errors.New("dry run")

// retryKey keys the retry observer in a context.
type retryKey struct{}

// WithRetryObserver returns a context whose transactions call observe
// before each retry with the error that caused it (tests, metrics).
func WithRetryObserver(ctx context.Context, observe func(error)) context.Context {
	return context.WithValue(ctx, retryKey{}, observe)
}

// Retryable reports whether err is a MySQL/MariaDB deadlock (1213) or lock
// wait timeout (1205), or SQLite's SQLITE_BUSY/SQLITE_LOCKED (the shared
// cache of sqlite::memory: locks tables without waiting): the transaction
// was (or must be) rolled back and can be run again as a whole.
func Retryable(err error) bool { return retries(err) > 0 }

// retries is how many times a transaction that failed with err is run
// again: 0 when err is not a lock conflict.
func retries(err error) int {
	var me *mysql.MySQLError
	if errors.As(err, &me) && (me.Number == 1213 || me.Number == 1205) {
		return MaxRetries
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		if code := se.Code() & 0xff; code == 5 || code == 6 {
			return maxSQLiteRetries
		}
	}
	return 0
}

// Run runs fn in a transaction of client: committed when fn returns nil,
// rolled back otherwise. fn gets the transactional client. fn runs again
// (in a new transaction) after a deadlock or lock wait timeout; see the
// package documentation.
func Run(ctx context.Context, client *ent.Client, fn func(c *ent.Client) error) error {
	for attempt := 0; ; attempt++ {
		err := runOnce(ctx, client, fn)
		if err == nil || attempt >= retries(err) {
			return err
		}
		if observe, ok := ctx.Value(retryKey{}).(func(error)); ok {
			observe(err)
		}
		wait := baseBackoff << min(attempt, 4)
		wait = wait/2 + rand.N(wait)
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return errors.Join(err, ctx.Err())
		case <-t.C:
		}
	}
}

// runOnce is one attempt of Run.
func runOnce(ctx context.Context, client *ent.Client, fn func(c *ent.Client) error) error {
	tx, err := client.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelReadCommitted})
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer func() {
		if v := recover(); v != nil {
			_ = tx.Rollback()
			panic(v)
		}
	}()
	if err := fn(tx.Client()); err != nil {
		if rerr := tx.Rollback(); rerr != nil {
			return errors.Join(err, fmt.Errorf("rollback: %w", rerr))
		}
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// RunOrRollback is Run, but fn decides whether its work stays: when fn
// returns keep == false (a dry run, or an ATOMIC bulk request with failing
// items) the transaction is rolled back after fn computed the exact effects.
func RunOrRollback(ctx context.Context, client *ent.Client, fn func(c *ent.Client) (keep bool, err error)) error {
	err := Run(ctx, client, func(c *ent.Client) error {
		keep, err := fn(c)
		if err != nil {
			return err
		}
		if !keep {
			return errDryRun
		}
		return nil
	})
	if errors.Is(err, errDryRun) {
		return nil
	}
	return err
}

// RunBulk is RunOrRollback for bulk mutations. On MySQL/MariaDB each first
// locks one row shared by every bulk mutation (the administrator's), so bulk
// mutations over overlapping customers, subscriptions and sessions run one
// after the other instead of deadlocking each other into retries: under
// eight concurrent clients, cascades that lock customers, then
// subscriptions, then sessions could still exhaust the retries. Bulk work is
// set-based and short, so queueing costs little; single-object mutations and
// reads are not affected. SQLite already lets one transaction write at a
// time.
func RunBulk(ctx context.Context, client *ent.Client, fn func(c *ent.Client) (keep bool, err error)) error {
	return RunOrRollback(ctx, client, func(c *ent.Client) (bool, error) {
		_, err := c.Administrator.Query().Select(administrator.FieldID).Limit(1).
			Modify(LockRows).Ints(privacy.DecisionContext(ctx, privacy.Allow))
		if err != nil {
			return false, err
		}
		return fn(c)
	})
}

// LockRows locks the rows a query selects for the rest of the transaction
// (SELECT ... FOR UPDATE; use it as query.Modify(txn.LockRows)), so that a
// concurrent delete or move cannot change them between a service's checks
// and its writes (transactions run at READ COMMITTED on MariaDB). SQLite has
// no row locks and needs none: it lets one transaction write at a time.
func LockRows(s *entsql.Selector) {
	if s.Dialect() != dialect.SQLite {
		s.ForUpdate()
	}
}
