package limits

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strings"

	"github.com/hostpanel/panel/ent"
	"github.com/hostpanel/panel/internal/apperr"
)

// Sums aggregates the resources of a set of subscriptions: per resource the
// sum of the limited values and how many are unlimited (NULL).
type Sums struct {
	N         int64    // subscriptions in the set
	Sum       [5]int64 // disk, traffic, domains, mailboxes, databases
	Unlimited [5]int64
}

// Add adds one subscription's resources to s.
func (s *Sums) Add(r Resources) {
	s.N++
	for i, v := range r.slice() {
		if v == nil {
			s.Unlimited[i]++
		} else {
			s.Sum[i] += *v
		}
	}
}

func (r Resources) slice() [5]*int64 {
	return [5]*int64{r.DiskSpaceMB, r.TrafficMBPerMonth, r.Domains, r.Mailboxes, r.Databases}
}

// CheckReplace returns a LIMIT_EXCEEDED user error (at path) if reseller r,
// using u, cannot take the change of the subscriptions summed in old to
// resources next each (subscription counts do not change). Only a resource
// whose use grows is refused: a limited resource cannot be handed out
// unlimited (even with oversell), and without oversell the new sum must stay
// within the limit. A reseller already over a limit may still lower its use.
func CheckReplace(r *ent.Reseller, u Usage, old Sums, next Resources, path ...string) *apperr.UserError {
	if old.N == 0 {
		return nil
	}
	names := [5]string{"disk space", "traffic", "domains", "mailboxes", "databases"}
	lims := [5]*int64{r.LimitDiskSpaceMB, r.LimitTrafficMBPerMonth, r.LimitDomains, r.LimitMailboxes, r.LimitDatabases}
	used := [5]int64{u.DiskSpaceMB, u.TrafficMBPerMonth, u.Domains, u.Mailboxes, u.Databases}
	for i, v := range next.slice() {
		if lims[i] == nil {
			continue
		}
		if v == nil {
			if old.Unlimited[i] < old.N {
				return apperr.New(apperr.LimitExceeded,
					fmt.Sprintf("reseller %s has a %s limit and cannot hand out unlimited %s", r.Login, names[i], names[i]), path...)
			}
			continue
		}
		if old.Unlimited[i] > 0 || r.Oversell {
			continue // from unlimited to limited only lowers use
		}
		total := old.N * *v
		if total <= old.Sum[i] {
			continue
		}
		if sum := used[i] - old.Sum[i] + total; sum > *lims[i] {
			return apperr.New(apperr.LimitExceeded,
				fmt.Sprintf("reseller %s would use %d of %d %s", r.Login, sum, *lims[i], names[i]), path...)
		}
	}
	return nil
}

// LockAll is Lock for several resellers in one statement.
func LockAll(ctx context.Context, c *ent.Client, ids []int) error {
	if len(ids) == 0 {
		return nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	_, err := c.ExecContext(ctx, "UPDATE resellers SET oversell = oversell WHERE id IN ("+
		strings.TrimSuffix(strings.Repeat("?,", len(ids)), ",")+")", args...)
	return err
}

// Locking. Under MySQL's REPEATABLE READ the first plain read of a
// transaction fixes its snapshot, so the locks that serialise limit checks
// are taken by the first statements, before anything is read: later reads
// then see every change committed by the previous holder of the lock. The
// rows to lock are found before the transaction (SubscriptionLocks,
// SyncedOwners) and checked again inside it. Locks are taken in one order,
// service plan, then resellers by ascending ID, then the rows changed, and
// by primary key only: a subquery in the locking statement would also lock
// the rows it reads, and two such statements deadlock.

// LockServicePlan takes the write lock on service plan id (a no-op update),
// so that changing the plan and moving subscriptions onto it serialise.
func LockServicePlan(ctx context.Context, c *ent.Client, id int) error {
	_, err := c.ExecContext(ctx, "UPDATE service_plans SET name = name WHERE id = ?", id)
	return err
}

// LockServicePlans is LockServicePlan for the plans of ids (in ascending
// order) in one statement.
func LockServicePlans(ctx context.Context, c *ent.Client, ids []int) error {
	if len(ids) == 0 {
		return nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	_, err := c.ExecContext(ctx, "UPDATE service_plans SET name = name WHERE id IN ("+
		strings.TrimSuffix(strings.Repeat("?,", len(ids)), ",")+")", args...)
	return err
}

// ownerOfSubscription selects the service plan of subscription ? and the
// reseller whose limits it counts against: its customer's owner, or the
// reseller it belongs to.
const ownerOfSubscription = "SELECT s.service_plan_id, COALESCE(c.reseller_id, s.reseller_id) FROM hosting_subscriptions s" +
	" LEFT JOIN customers c ON c.id = s.customer_id WHERE s.id = ?"

// SubscriptionLocks returns the service plan of subscription id and the ID
// of the reseller whose limits it counts against (nil: none, or the
// administrator's), read with plain SQL by system code: what to lock, not
// what the viewer may see (the caller loads the subscription in scope).
func SubscriptionLocks(ctx context.Context, c *ent.Client, id int) (plan, owner *int, err error) {
	rows, err := c.QueryContext(ctx, ownerOfSubscription, id)
	if err != nil {
		return nil, nil, fmt.Errorf("subscription owner: %w", err)
	}
	for rows.Next() {
		var p, o sql.NullInt64
		if err := rows.Scan(&p, &o); err != nil {
			rows.Close()
			return nil, nil, err
		}
		if p.Valid {
			x := int(p.Int64)
			plan = &x
		}
		if o.Valid {
			x := int(o.Int64)
			owner = &x
		}
	}
	return plan, owner, closeRows(rows)
}

// SubscriptionOwner returns the ID of the reseller whose limits
// subscription id counts against (nil: the administrator's).
func SubscriptionOwner(ctx context.Context, c *ent.Client, id int) (*int, error) {
	_, owner, err := SubscriptionLocks(ctx, c, id)
	return owner, err
}

// syncedOf restricts to the SYNCED subscriptions of service plan ?.
const syncedOf = " s.service_plan_id = ? AND s.plan_sync = 'SYNCED'"

// SyncedOwners returns, in ascending order, the resellers with SYNCED
// subscriptions of service plan id counting against them.
func SyncedOwners(ctx context.Context, c *ent.Client, id int) ([]int, error) {
	rows, err := c.QueryContext(ctx, "SELECT DISTINCT COALESCE(c.reseller_id, s.reseller_id) FROM hosting_subscriptions s"+
		" LEFT JOIN customers c ON c.id = s.customer_id WHERE"+syncedOf+" AND COALESCE(c.reseller_id, s.reseller_id) IS NOT NULL", id)
	if err != nil {
		return nil, fmt.Errorf("synced owners: %w", err)
	}
	var ids []int
	for rows.Next() {
		var rid int
		if err := rows.Scan(&rid); err != nil {
			rows.Close()
			return nil, err
		}
		ids = append(ids, rid)
	}
	sort.Ints(ids)
	return ids, closeRows(rows)
}

var sumColumns = [5]string{"limit_disk_space_mb", "limit_traffic_mb_per_month", "limit_domains", "limit_mailboxes", "limit_databases"}

// SyncedSums returns, per reseller, the resources of the SYNCED
// subscriptions of service plan id that count against it (those of its
// customers and its own), in one statement.
func SyncedSums(ctx context.Context, c *ent.Client, id int) (map[int]Sums, error) {
	var b strings.Builder
	b.WriteString("SELECT COALESCE(c.reseller_id, s.reseller_id), COUNT(*)")
	for _, col := range sumColumns {
		fmt.Fprintf(&b, ", COALESCE(SUM(s.%s),0), COUNT(*) - COUNT(s.%s)", col, col)
	}
	b.WriteString(" FROM hosting_subscriptions s LEFT JOIN customers c ON c.id = s.customer_id WHERE" + syncedOf +
		" AND COALESCE(c.reseller_id, s.reseller_id) IS NOT NULL GROUP BY COALESCE(c.reseller_id, s.reseller_id)")
	rows, err := c.QueryContext(ctx, b.String(), id)
	if err != nil {
		return nil, fmt.Errorf("synced sums: %w", err)
	}
	out := map[int]Sums{}
	for rows.Next() {
		var rid int
		var s Sums
		dest := []any{&rid, &s.N}
		for i := range sumColumns {
			dest = append(dest, &s.Sum[i], &s.Unlimited[i])
		}
		if err := rows.Scan(dest...); err != nil {
			rows.Close()
			return nil, err
		}
		out[rid] = s
	}
	return out, closeRows(rows)
}
