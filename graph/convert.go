package graph

import (
	"context"
	"time"

	"github.com/hostpanel/panel/ent"
	"github.com/hostpanel/panel/ent/administrator"
	"github.com/hostpanel/panel/ent/customer"
	"github.com/hostpanel/panel/ent/domain"
	"github.com/hostpanel/panel/ent/hostingsubscription"
	"github.com/hostpanel/panel/ent/predicate"
	"github.com/hostpanel/panel/ent/reseller"
	"github.com/hostpanel/panel/graph/model"
	"github.com/hostpanel/panel/internal/apperr"
	"github.com/hostpanel/panel/internal/types"
)

// Page sizes (API section 1).
const (
	maxPageSize     = 100
	defaultPageSize = 50
)

// pageSize enforces the page size rules: at most 100, first 50 when neither
// first nor last is given.
func pageSize(first, last *int) (*int, error) {
	for _, n := range []*int{first, last} {
		if n != nil && (*n < 0 || *n > maxPageSize) {
			return nil, apperr.BadInput("first and last must be between 0 and %d", maxPageSize)
		}
	}
	if first == nil && last == nil {
		n := defaultPageSize
		return &n, nil
	}
	return first, nil
}

func toInt(v *int64) *int {
	if v == nil {
		return nil
	}
	x := int(*v)
	return &x
}

// suspensions lists the sources recorded in the suspension columns.
func suspensions(adminAt *time.Time, adminReason *string, resAt *time.Time, resReason *string,
	parentAt *time.Time, parentReason *string) []*model.Suspension {
	out := []*model.Suspension{}
	add := func(src model.SuspensionSource, at *time.Time, reason *string) {
		if at != nil {
			out = append(out, &model.Suspension{Source: src, Reason: reason, Since: *at})
		}
	}
	add(model.SuspensionSourceAdmin, adminAt, adminReason)
	add(model.SuspensionSourceReseller, resAt, resReason)
	add(model.SuspensionSourceParent, parentAt, parentReason)
	return out
}

// expired reports whether s is past its expiry date.
func expired(s *ent.HostingSubscription) bool {
	return s.ExpiresAt != nil && !s.ExpiresAt.After(time.Now())
}

func subscriptionStatus(s *ent.HostingSubscription) types.Status {
	if expired(s) {
		return types.StatusSuspended
	}
	return s.Status
}

// resellerLimits converts stored reseller limits to the API type.
func resellerLimits(c, s, disk, traffic, domains, mail, db *int64) *model.ResellerLimits {
	return &model.ResellerLimits{Customers: toInt(c), Subscriptions: toInt(s), DiskSpaceMb: toInt(disk),
		TrafficMbPerMonth: toInt(traffic), Domains: toInt(domains), Mailboxes: toInt(mail), Databases: toInt(db)}
}

// resourceLimits converts stored resource limits to the API type.
func resourceLimits(disk, traffic, domains, sub, mail, db, ftp *int64) *model.ResourceLimits {
	return &model.ResourceLimits{DiskSpaceMb: toInt(disk), TrafficMbPerMonth: toInt(traffic), Domains: toInt(domains),
		Subdomains: toInt(sub), Mailboxes: toInt(mail), Databases: toInt(db), FtpAccounts: toInt(ftp)}
}

// customerFilter applies a CustomerWhereInput.
func customerFilter(ctx context.Context, c *ent.Client, w *model.CustomerWhereInput) func(*ent.CustomerQuery) (*ent.CustomerQuery, error) {
	return func(q *ent.CustomerQuery) (*ent.CustomerQuery, error) {
		if w == nil {
			return q, nil
		}
		if w.Status != nil {
			q.Where(customer.StatusEQ(*w.Status))
		}
		if w.Search != nil && *w.Search != "" {
			s := *w.Search
			q.Where(customer.Or(
				customer.LoginContainsFold(s), customer.NameContainsFold(s), customer.CompanyContainsFold(s),
				customer.EmailContainsFold(s),
				customer.HasSubscriptionsWith(hostingsubscription.HasDomainsWith(domain.NameContainsFold(s))),
			))
		}
		if w.OwnerID != nil {
			isAdmin, err := c.Administrator.Query().Where(administrator.ID(*w.OwnerID)).Exist(ctx)
			if err != nil {
				return nil, err
			}
			if isAdmin {
				q.Where(customer.ResellerIDIsNil())
			} else {
				q.Where(customer.ResellerID(*w.OwnerID))
			}
		}
		return q, nil
	}
}

// resellerFilter applies a ResellerWhereInput.
func resellerFilter(w *model.ResellerWhereInput) func(*ent.ResellerQuery) (*ent.ResellerQuery, error) {
	return func(q *ent.ResellerQuery) (*ent.ResellerQuery, error) {
		if w == nil {
			return q, nil
		}
		if w.Status != nil {
			q.Where(reseller.StatusEQ(*w.Status))
		}
		if w.Search != nil && *w.Search != "" {
			s := *w.Search
			q.Where(reseller.Or(reseller.LoginContainsFold(s), reseller.NameContainsFold(s),
				reseller.CompanyContainsFold(s), reseller.EmailContainsFold(s)))
		}
		return q, nil
	}
}

// subscriptionWhere is the predicate of a HostingSubscriptionWhereInput.
func subscriptionWhere(w *model.HostingSubscriptionWhereInput) []predicate.HostingSubscription {
	if w == nil {
		return nil
	}
	var ps []predicate.HostingSubscription
	if w.Status != nil {
		now := time.Now()
		if *w.Status == types.StatusSuspended {
			ps = append(ps, hostingsubscription.Or(hostingsubscription.StatusEQ(types.StatusSuspended),
				hostingsubscription.ExpiresAtLTE(now)))
		} else {
			ps = append(ps, hostingsubscription.StatusEQ(types.StatusActive),
				hostingsubscription.Or(hostingsubscription.ExpiresAtIsNil(), hostingsubscription.ExpiresAtGT(now)))
		}
	}
	if w.Search != nil && *w.Search != "" {
		ps = append(ps, hostingsubscription.HasDomainsWith(domain.NameContainsFold(*w.Search)))
	}
	return ps
}

func subscriptionFilter(w *model.HostingSubscriptionWhereInput) func(*ent.HostingSubscriptionQuery) (*ent.HostingSubscriptionQuery, error) {
	return func(q *ent.HostingSubscriptionQuery) (*ent.HostingSubscriptionQuery, error) {
		return q.Where(subscriptionWhere(w)...), nil
	}
}

// payloadErrors splits a service error into the payload's user errors and
// a top-level (internal) error.
func payloadErrors(err error) ([]*apperr.UserError, error) { return apperr.Split(err) }
