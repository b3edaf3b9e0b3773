// Package txn runs service work in one database transaction.
package txn

import (
	"context"
	"errors"
	"fmt"

	"github.com/hostpanel/panel/ent"
)

// errDryRun rolls a transaction back on purpose: the work was computed and
// must not be kept.
var errDryRun = errors.New("dry run")

// Run runs fn in a transaction of client: committed when fn returns nil,
// rolled back otherwise. fn gets the transactional client.
func Run(ctx context.Context, client *ent.Client, fn func(c *ent.Client) error) error {
	tx, err := client.Tx(ctx)
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
