package graph

import (
	"context"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/graph-gophers/dataloader/v7"

	"github.com/hostpanel/panel/ent"
	"github.com/hostpanel/panel/ent/customer"
	"github.com/hostpanel/panel/ent/domain"
	"github.com/hostpanel/panel/ent/reseller"
	"github.com/hostpanel/panel/internal/limits"
)

// loaderWait is how long a loader collects keys before it queries: short,
// because every level of a query tree waits it once.
const loaderWait = 500 * time.Microsecond

// Loaders batch the lookups that are not ent edges. They are created per
// request (a shared loader would batch one tenant's keys under another's
// context) and run their queries with the viewer of the request, so privacy
// filters them.
type Loaders struct {
	Reseller *dataloader.Loader[int, *ent.Reseller]
	Customer *dataloader.Loader[int, *ent.Customer]
	Usage    *dataloader.Loader[int, limits.Usage]
	// AuditActor loads the actors of audit events (graph/audit.go).
	AuditActor *dataloader.Loader[actorKey, ent.Noder]
	// PrimaryDomain is a subscription's primary domain, by subscription ID.
	PrimaryDomain *dataloader.Loader[int, *ent.Domain]

	adminOnce sync.Once
	admin     *ent.Administrator
	adminErr  error
	client    *ent.Client
}

type loadersKey struct{}

func newLoaders(client *ent.Client) *Loaders {
	opts := func() []dataloader.Option[int, *ent.Reseller] {
		return []dataloader.Option[int, *ent.Reseller]{dataloader.WithWait[int, *ent.Reseller](loaderWait)}
	}
	return &Loaders{
		client: client,
		Reseller: dataloader.NewBatchedLoader(func(ctx context.Context, ids []int) []*dataloader.Result[*ent.Reseller] {
			rs, err := client.Reseller.Query().Where(reseller.IDIn(ids...)).All(ctx)
			return byID(ids, rs, err, func(r *ent.Reseller) int { return r.ID })
		}, opts()...),
		Customer: dataloader.NewBatchedLoader(func(ctx context.Context, ids []int) []*dataloader.Result[*ent.Customer] {
			cs, err := client.Customer.Query().Where(customer.IDIn(ids...)).All(ctx)
			return byID(ids, cs, err, func(c *ent.Customer) int { return c.ID })
		}, dataloader.WithWait[int, *ent.Customer](loaderWait)),
		Usage: dataloader.NewBatchedLoader(func(ctx context.Context, ids []int) []*dataloader.Result[limits.Usage] {
			us, err := limits.Load(ctx, client, ids)
			out := make([]*dataloader.Result[limits.Usage], len(ids))
			for i, id := range ids {
				out[i] = &dataloader.Result[limits.Usage]{Data: us[id], Error: err}
			}
			return out
		}, dataloader.WithWait[int, limits.Usage](loaderWait)),
		AuditActor: newActorLoader(client),
		PrimaryDomain: dataloader.NewBatchedLoader(func(ctx context.Context, ids []int) []*dataloader.Result[*ent.Domain] {
			ds, err := client.Domain.Query().Where(domain.SubscriptionIDIn(ids...), domain.Primary(true)).All(ctx)
			return byID(ids, ds, err, func(d *ent.Domain) int { return d.SubscriptionID })
		}, dataloader.WithWait[int, *ent.Domain](loaderWait)),
	}
}

// siblingDomains returns the domains of obj eager-loaded for a "domains"
// field (under any alias) asked for next to the current field, if any.
func siblingDomains(ctx context.Context, obj *ent.HostingSubscription) ([]*ent.Domain, bool) {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil {
		return nil, false
	}
	// The field that returned obj; list elements have contexts without a
	// field of their own.
	p := fc.Parent
	for p != nil && p.Field.Field == nil {
		p = p.Parent
	}
	if p == nil {
		return nil, false
	}
	return loadedDomainsIn(p.Field.Selections, obj)
}

// Admin returns the administrator, read once per request.
func (l *Loaders) Admin(ctx context.Context) (*ent.Administrator, error) {
	l.adminOnce.Do(func() { l.admin, l.adminErr = l.client.Administrator.Query().First(ctx) })
	return l.admin, l.adminErr
}

// byID orders rows by ids; a missing row is a not-found error for its key.
func byID[T any](ids []int, rows []T, err error, id func(T) int) []*dataloader.Result[T] {
	out := make([]*dataloader.Result[T], len(ids))
	m := make(map[int]T, len(rows))
	for _, r := range rows {
		m[id(r)] = r
	}
	for i, k := range ids {
		switch r, ok := m[k]; {
		case err != nil:
			out[i] = &dataloader.Result[T]{Error: err}
		case !ok:
			out[i] = &dataloader.Result[T]{Error: &ent.NotFoundError{}}
		default:
			out[i] = &dataloader.Result[T]{Data: r}
		}
	}
	return out
}

func loadersFrom(ctx context.Context) *Loaders {
	return ctx.Value(loadersKey{}).(*Loaders)
}

func withLoaders(ctx context.Context, client *ent.Client) context.Context {
	return context.WithValue(ctx, loadersKey{}, newLoaders(client))
}
