package suspension

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/hostpanel/panel/ent"
	"github.com/hostpanel/panel/ent/customer"
	"github.com/hostpanel/panel/ent/hostingsubscription"
	"github.com/hostpanel/panel/internal/apperr"
	"github.com/hostpanel/panel/internal/audit"
	"github.com/hostpanel/panel/internal/bulk"
	"github.com/hostpanel/panel/internal/txn"
	"github.com/hostpanel/panel/internal/types"
	"github.com/hostpanel/panel/internal/viewer"
)

// SuspendSubscriptionsInput is the API's SuspendSubscriptionsInput.
type SuspendSubscriptionsInput struct {
	IDs    []int
	Reason *string
	Mode   bulk.Mode
	DryRun bool
}

// ActivateSubscriptionsInput is the API's ActivateSubscriptionsInput.
type ActivateSubscriptionsInput struct {
	IDs    []int
	Mode   bulk.Mode
	DryRun bool
}

// SubscriptionsResult is the payload of suspendSubscriptions and
// activateSubscriptions.
type SubscriptionsResult struct {
	Subscriptions []*ent.HostingSubscription
	Committed     bool
	UserErrors    []*apperr.UserError
}

// SuspendSubscriptions adds the viewer's source (ADMIN for the
// administrator, RESELLER for a reseller: on its customers' subscriptions and
// on its own) to each subscription. Suspending a suspended subscription is
// not an error.
func (s *Service) SuspendSubscriptions(ctx context.Context, in SuspendSubscriptionsInput) (*SubscriptionsResult, error) {
	return s.subscriptions(ctx, in.IDs, bulk.Options{Mode: in.Mode, DryRun: in.DryRun}, true, in.Reason)
}

// ActivateSubscriptions removes the viewer's sources from each subscription
// (the administrator lifts ADMIN and RESELLER; a reseller only RESELLER and
// gets FORBIDDEN for a subscription the administrator suspended). PARENT is
// never lifted here: it goes when the owner above is activated.
func (s *Service) ActivateSubscriptions(ctx context.Context, in ActivateSubscriptionsInput) (*SubscriptionsResult, error) {
	return s.subscriptions(ctx, in.IDs, bulk.Options{Mode: in.Mode, DryRun: in.DryRun}, false, nil)
}

func (s *Service) subscriptions(ctx context.Context, ids []int, opts bulk.Options, suspend bool, reason *string) (*SubscriptionsResult, error) {
	v := viewer.FromContext(ctx)
	if !v.Is(viewer.Admin, viewer.Reseller) {
		return nil, apperr.ForbiddenRequest()
	}
	req, err := bulk.NewRequest("ids", ids)
	if err != nil {
		return nil, err
	}
	res := &SubscriptionsResult{Subscriptions: []*ent.HostingSubscription{}}
	err = txn.RunBulk(ctx, s.client, func(c *ent.Client) (bool, error) {
		// A retried attempt starts from scratch (internal/txn).
		req.Reset()
		*res = *&SubscriptionsResult{Subscriptions: []*ent.HostingSubscription{}}
		found, err := loadSubscriptions(ctx, c, req.IDs, true)
		if err != nil {
			return false, err
		}
		for _, id := range req.IDs {
			sub, ok := found[id]
			switch {
			case !ok:
				req.Fail(id, apperr.NotFound, "no such subscription")
			case !suspend && v.Is(viewer.Reseller) && sub.SuspendedAdminAt != nil:
				req.Fail(id, apperr.Forbidden, "suspended by the administrator: only the administrator can activate it")
			}
		}
		res.UserErrors = req.Errors
		if !req.Proceed(opts) {
			return false, nil
		}
		valid := req.Valid()
		now := time.Now()
		changed := 0
		for _, chunk := range bulk.Chunks(valid) {
			var n int
			if suspend {
				n, err = suspendSubscriptionChunk(ctx, c, v, chunk, now, reason)
			} else {
				n, err = activateSubscriptionChunk(ctx, c, v, chunk)
			}
			if err != nil {
				return false, err
			}
			changed += n
		}
		after, err := loadSubscriptions(ctx, c, valid, false)
		if err != nil {
			return false, err
		}
		for _, id := range valid {
			res.Subscriptions = append(res.Subscriptions, after[id])
		}
		action, verb := "subscription.activate", "activated"
		if suspend {
			action, verb = "subscription.suspend", "suspended"
		}
		if len(valid) > 0 {
			ev := audit.Event{
				Action: action, Targets: valid,
				Summary: fmt.Sprintf("%s %d subscriptions (%d changed status)", verb, len(valid), changed),
			}
			if v.Is(viewer.Reseller) {
				ev.ScopeResellerID = &v.ResellerID
			} else {
				ev.ScopeResellerIDs = ownerResellers(found, valid)
			}
			if err := audit.Record(ctx, c, ev); err != nil {
				return false, err
			}
		}
		res.Committed = req.Committed(opts)
		return res.Committed, nil
	})
	if err != nil {
		return nil, err
	}
	if !res.Committed && !opts.DryRun {
		res.Subscriptions = []*ent.HostingSubscription{}
	}
	return res, nil
}

// loadSubscriptions reads the subscriptions of ids in the viewer's scope,
// with their customer's owner when withOwner is set.
func loadSubscriptions(ctx context.Context, c *ent.Client, ids []int, withOwner bool) (map[int]*ent.HostingSubscription, error) {
	out := make(map[int]*ent.HostingSubscription, len(ids))
	for _, chunk := range bulk.Chunks(ids) {
		q := c.HostingSubscription.Query().Where(hostingsubscription.IDIn(chunk...))
		if withOwner {
			q.WithCustomer(func(q *ent.CustomerQuery) { q.Select(customer.FieldID, customer.FieldResellerID) })
		}
		subs, err := q.Modify(txn.LockRows).All(ctx)
		if err != nil {
			return nil, err
		}
		for _, sub := range subs {
			out[sub.ID] = sub
		}
	}
	return out, nil
}

// ownerResellers returns the resellers whose scope the subscriptions of ids
// are in (their own, or their customers'), sorted and without repeats.
func ownerResellers(subs map[int]*ent.HostingSubscription, ids []int) []int {
	var out []int
	for _, id := range ids {
		sub := subs[id]
		switch {
		case sub.ResellerID != nil:
			out = append(out, *sub.ResellerID)
		case sub.Edges.Customer != nil && sub.Edges.Customer.ResellerID != nil:
			out = append(out, *sub.Edges.Customer.ResellerID)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// suspendSubscriptionChunk adds the viewer's source to the subscriptions of
// ids; it returns how many of them changed from active to suspended.
func suspendSubscriptionChunk(ctx context.Context, c *ent.Client, v *viewer.Viewer, ids []int, now time.Time, reason *string) (int, error) {
	upd := c.HostingSubscription.Update().Where(hostingsubscription.IDIn(ids...))
	if v.Is(viewer.Admin) {
		upd.Where(hostingsubscription.SuspendedAdminAtIsNil()).
			SetSuspendedAdminAt(now).SetNillableSuspendedAdminReason(reason)
	} else {
		upd.Where(hostingsubscription.SuspendedResellerAtIsNil()).
			SetSuspendedResellerAt(now).SetNillableSuspendedResellerReason(reason)
	}
	if err := upd.Exec(ctx); err != nil {
		return 0, err
	}
	return c.HostingSubscription.Update().
		Where(hostingsubscription.IDIn(ids...), hostingsubscription.StatusEQ(types.StatusActive)).
		SetStatus(types.StatusSuspended).Save(ctx)
}

// activateSubscriptionChunk lifts the viewer's sources from the
// subscriptions of ids (never PARENT); it returns how many became active.
func activateSubscriptionChunk(ctx context.Context, c *ent.Client, v *viewer.Viewer, ids []int) (int, error) {
	upd := c.HostingSubscription.Update().Where(hostingsubscription.IDIn(ids...)).
		ClearSuspendedResellerAt().ClearSuspendedResellerReason()
	if v.Is(viewer.Admin) {
		upd.ClearSuspendedAdminAt().ClearSuspendedAdminReason()
	}
	if err := upd.Exec(ctx); err != nil {
		return 0, err
	}
	return c.HostingSubscription.Update().
		Where(hostingsubscription.IDIn(ids...), hostingsubscription.StatusEQ(types.StatusSuspended),
			hostingsubscription.SuspendedAdminAtIsNil(), hostingsubscription.SuspendedResellerAtIsNil(),
			hostingsubscription.SuspendedParentAtIsNil()).
		SetStatus(types.StatusActive).Save(ctx)
}
