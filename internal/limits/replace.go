package limits

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strings"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"

	"github.com/hostpanel/panel/ent"
	"github.com/hostpanel/panel/ent/customer"
	"github.com/hostpanel/panel/ent/hostingsubscription"
	"github.com/hostpanel/panel/ent/privacy"
	"github.com/hostpanel/panel/internal/apperr"
	"github.com/hostpanel/panel/internal/types"
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
// then see every change committed by the previous holder of the lock.

// LockServicePlan takes the write lock on service plan id (a no-op update),
// so that changing the plan and moving subscriptions onto it serialise.
func LockServicePlan(ctx context.Context, c *ent.Client, id int) error {
	_, err := c.ExecContext(ctx, "UPDATE service_plans SET name = name WHERE id = ?", id)
	return err
}

// ownerOfSubscription selects the reseller whose limits subscription ? counts
// against: its customer's owner, or the reseller it belongs to.
const ownerOfSubscription = "SELECT COALESCE(c.reseller_id, s.reseller_id) FROM hosting_subscriptions s" +
	" LEFT JOIN customers c ON c.id = s.customer_id WHERE s.id = ?"

// LockSubscriptionOwner is Lock for the reseller whose limits subscription
// id counts against (nothing when that is the administrator).
func LockSubscriptionOwner(ctx context.Context, c *ent.Client, id int) error {
	_, err := c.ExecContext(ctx, "UPDATE resellers SET oversell = oversell WHERE id = ("+ownerOfSubscription+")", id)
	return err
}

// SubscriptionOwner returns the ID of the reseller whose limits subscription
// id counts against (nil: the administrator's). It reads with plain SQL: the
// caller has already loaded the subscription in the viewer's scope.
func SubscriptionOwner(ctx context.Context, c *ent.Client, id int) (*int, error) {
	rows, err := c.QueryContext(ctx, ownerOfSubscription, id)
	if err != nil {
		return nil, fmt.Errorf("subscription owner: %w", err)
	}
	var owner *int
	for rows.Next() {
		var v sql.NullInt64
		if err := rows.Scan(&v); err != nil {
			rows.Close()
			return nil, err
		}
		if v.Valid {
			x := int(v.Int64)
			owner = &x
		}
	}
	return owner, closeRows(rows)
}

// syncedOf restricts to the SYNCED subscriptions of service plan ?.
const syncedOf = " s.service_plan_id = ? AND s.plan_sync = 'SYNCED'"

// LockSyncedOwners is Lock for every reseller with SYNCED subscriptions of
// service plan id counting against it. The resellers are found with a
// locking read (on MySQL: it fixes no snapshot, and it keeps further
// subscriptions from joining the set), then locked by primary key: an
// UPDATE ... WHERE id IN (SELECT ...) would scan and lock every reseller.
func LockSyncedOwners(ctx context.Context, c *ent.Client, id int) error {
	var rows []struct {
		RID sql.NullInt64 `sql:"rid"`
	}
	// System work: the caller checks the plan against the viewer's scope.
	err := c.HostingSubscription.Query().
		Where(hostingsubscription.ServicePlanID(id), hostingsubscription.PlanSyncEQ(types.PlanSynced)).
		Modify(func(s *entsql.Selector) {
			t := entsql.Table(customer.Table)
			s.LeftJoin(t).On(s.C(hostingsubscription.FieldCustomerID), t.C(customer.FieldID))
			s.Select(entsql.As("COALESCE("+t.C(customer.FieldResellerID)+", "+s.C(hostingsubscription.FieldResellerID)+")", "rid"))
			s.Distinct()
			if s.Dialect() != dialect.SQLite {
				// MySQL 8 and MariaDB both read this spelling of FOR SHARE.
				s.ForShare(entsql.WithLockClause("LOCK IN SHARE MODE"))
			}
		}).Scan(privacy.DecisionContext(ctx, privacy.Allow), &rows)
	if err != nil {
		return fmt.Errorf("synced owners: %w", err)
	}
	seen := map[int]bool{}
	var ids []int
	for _, r := range rows {
		if r.RID.Valid && !seen[int(r.RID.Int64)] {
			seen[int(r.RID.Int64)] = true
			ids = append(ids, int(r.RID.Int64))
		}
	}
	sort.Ints(ids)
	return LockAll(ctx, c, ids)
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
