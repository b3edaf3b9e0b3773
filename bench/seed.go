package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/hostpanel/panel/ent"
	"github.com/hostpanel/panel/ent/privacy"
	"github.com/hostpanel/panel/internal/auth"
	"github.com/hostpanel/panel/internal/db"
	"github.com/hostpanel/panel/internal/types"
)

// Dataset is the shape of a seeded database.
type Dataset struct {
	Name            string
	Resellers       int
	Customers       int // every fifth (i%5 == 0) is the administrator's
	SubsPerCustomer int
	DomainsPerSub   int // the primary plus www. names
	AdminPlans      int
	ResellerPlans   int // one each for the first ResellerPlans resellers
}

// Datasets by name. M is the issue's: 1 admin, 50 resellers, 10,000
// customers (20% admin-owned), 30,000 subscriptions, 60,000 domains, 20
// plans. L is ten times M.
var Datasets = map[string]Dataset{
	"tiny": {Name: "tiny", Resellers: 2, Customers: 30, SubsPerCustomer: 3, DomainsPerSub: 2, AdminPlans: 2, ResellerPlans: 2},
	"S":    {Name: "S", Resellers: 5, Customers: 1000, SubsPerCustomer: 3, DomainsPerSub: 2, AdminPlans: 10, ResellerPlans: 5},
	"M":    {Name: "M", Resellers: 50, Customers: 10000, SubsPerCustomer: 3, DomainsPerSub: 2, AdminPlans: 10, ResellerPlans: 10},
	"L":    {Name: "L", Resellers: 500, Customers: 100000, SubsPerCustomer: 3, DomainsPerSub: 2, AdminPlans: 10, ResellerPlans: 10},
}

// benchPassword is every seeded account's password (hashed once).
const benchPassword = "bench-password-1"

// Seeded is what the workloads need to know about the seeded data.
type Seeded struct {
	AdminToken     string
	ResellerToken  string // of reseller 0
	ResellerID     int    // reseller 0
	TargetReseller int    // the reseller moves go to (the last one)
	CustomerIDs    []int  // in creation order
	AdminCustomers []int  // the administrator's customers
	SampleCustomer int    // a customer of reseller 0, for the one-tree workload
}

// chunk is the CreateBulk batch size: below SQLite's and MariaDB's
// placeholder limits for the widest row.
const chunk = 500

// progress draws a simple progress bar on w.
type progress struct {
	w     io.Writer
	total int
	done  int
	label string
	last  int
}

func (p *progress) add(n int) {
	if p.w == nil {
		return
	}
	p.done += n
	pct := 100
	if p.total > 0 {
		pct = p.done * 100 / p.total
	}
	if pct == p.last && p.done < p.total {
		return
	}
	p.last = pct
	const width = 40
	bar := make([]byte, width)
	for i := range bar {
		if i < pct*width/100 {
			bar[i] = '#'
		} else {
			bar[i] = '.'
		}
	}
	fmt.Fprintf(p.w, "\rseeding %-14s [%s] %3d%% (%d/%d)", p.label, bar, pct, p.done, p.total)
	if p.done >= p.total {
		fmt.Fprintln(p.w)
	}
}

// bulk creates the n builders made by mk in chunks.
func bulk[B any](ctx context.Context, n int, label string, w io.Writer, mk func(i int) B, save func(context.Context, []B) ([]int, error)) ([]int, error) {
	p := &progress{w: w, total: n, label: label, last: -1}
	ids := make([]int, 0, n)
	for lo := 0; lo < n; lo += chunk {
		hi := min(lo+chunk, n)
		bs := make([]B, 0, hi-lo)
		for i := lo; i < hi; i++ {
			bs = append(bs, mk(i))
		}
		got, err := save(ctx, bs)
		if err != nil {
			return nil, fmt.Errorf("seeding %s: %w", label, err)
		}
		ids = append(ids, got...)
		p.add(hi - lo)
	}
	if n == 0 {
		p.add(0)
	}
	return ids, nil
}

// Seed fills the (migrated) database with ds, deterministically (the
// same names, owners and plans on every run), through ent bulk creates.
// Progress goes to w (nil: none).
func Seed(ctx context.Context, c *ent.Client, ds Dataset, w io.Writer) (*Seeded, error) {
	ctx = privacy.DecisionContext(ctx, privacy.Allow)
	if n, err := c.Customer.Query().Count(ctx); err != nil {
		return nil, err
	} else if n > 0 {
		return nil, fmt.Errorf("the database is not empty (%d customers): use a fresh database", n)
	}
	hasher := auth.FastHasher()
	if _, err := db.EnsureAdmin(ctx, c, hasher, benchPassword); err != nil {
		return nil, err
	}
	admin, err := c.Administrator.Query().Only(ctx)
	if err != nil {
		return nil, err
	}
	hash, err := hasher.Hash(benchPassword)
	if err != nil {
		return nil, err
	}
	created := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	ids := func(rs any) []int { return nil }
	_ = ids

	resellers, err := bulk(ctx, ds.Resellers, "resellers", w, func(i int) *ent.ResellerCreate {
		return c.Reseller.Create().SetLogin(fmt.Sprintf("r%04d", i)).SetName(fmt.Sprintf("Reseller %d", i)).
			SetEmail(fmt.Sprintf("r%04d@example.com", i)).SetCompany(fmt.Sprintf("Reseller Co %d", i)).
			SetOversell(true).SetCreatedAt(created)
	}, func(ctx context.Context, bs []*ent.ResellerCreate) ([]int, error) {
		rs, err := c.Reseller.CreateBulk(bs...).Save(ctx)
		return idsOf(rs, func(r *ent.Reseller) int { return r.ID }), err
	})
	if err != nil {
		return nil, err
	}
	if _, err := bulk(ctx, ds.Resellers, "reseller logins", w, func(i int) *ent.CredentialCreate {
		return c.Credential.Create().SetLogin(fmt.Sprintf("r%04d", i)).SetPasswordHash(hash).SetResellerID(resellers[i])
	}, func(ctx context.Context, bs []*ent.CredentialCreate) ([]int, error) {
		cs, err := c.Credential.CreateBulk(bs...).Save(ctx)
		return idsOf(cs, func(r *ent.Credential) int { return r.ID }), err
	}); err != nil {
		return nil, err
	}

	// Plans: AdminPlans of the administrator, then one each for the first
	// ResellerPlans resellers.
	nPlans := ds.AdminPlans + min(ds.ResellerPlans, ds.Resellers)
	plans, err := bulk(ctx, nPlans, "plans", w, func(i int) *ent.ServicePlanCreate {
		b := c.ServicePlan.Create().SetName(fmt.Sprintf("Plan %02d", i)).SetLimitDiskSpaceMB(int64(1024 * (i + 1))).
			SetLimitDomains(10).SetPermissions([]types.Permission{}).SetApplications([]string{})
		if i >= ds.AdminPlans {
			b.SetResellerID(resellers[i-ds.AdminPlans])
		}
		return b
	}, func(ctx context.Context, bs []*ent.ServicePlanCreate) ([]int, error) {
		ps, err := c.ServicePlan.CreateBulk(bs...).Save(ctx)
		return idsOf(ps, func(r *ent.ServicePlan) int { return r.ID }), err
	})
	if err != nil {
		return nil, err
	}
	// planOf is the plan of customer i's subscription j, nil = Custom.
	planOf := func(i, j int) *int {
		if owner := ownerIndex(i, ds); owner < 0 {
			p := plans[(i+j)%ds.AdminPlans]
			return &p
		} else if owner < min(ds.ResellerPlans, ds.Resellers) {
			p := plans[ds.AdminPlans+owner]
			return &p
		}
		return nil
	}

	customers, err := bulk(ctx, ds.Customers, "customers", w, func(i int) *ent.CustomerCreate {
		b := c.Customer.Create().SetLogin(fmt.Sprintf("c%06d", i)).SetName(fmt.Sprintf("Customer %d", i)).
			SetEmail(fmt.Sprintf("c%06d@example.com", i)).SetCreatedAt(created.Add(time.Duration(i) * time.Second))
		if i%3 == 0 {
			b.SetCompany(fmt.Sprintf("Company %d", i))
		}
		if o := ownerIndex(i, ds); o >= 0 {
			b.SetResellerID(resellers[o])
		}
		return b
	}, func(ctx context.Context, bs []*ent.CustomerCreate) ([]int, error) {
		cs, err := c.Customer.CreateBulk(bs...).Save(ctx)
		return idsOf(cs, func(r *ent.Customer) int { return r.ID }), err
	})
	if err != nil {
		return nil, err
	}
	if _, err := bulk(ctx, ds.Customers, "customer logins", w, func(i int) *ent.CredentialCreate {
		return c.Credential.Create().SetLogin(fmt.Sprintf("c%06d", i)).SetPasswordHash(hash).SetCustomerID(customers[i])
	}, func(ctx context.Context, bs []*ent.CredentialCreate) ([]int, error) {
		cs, err := c.Credential.CreateBulk(bs...).Save(ctx)
		return idsOf(cs, func(r *ent.Credential) int { return r.ID }), err
	}); err != nil {
		return nil, err
	}

	nSubs := ds.Customers * ds.SubsPerCustomer
	subName := func(k int) string {
		return fmt.Sprintf("c%06d-s%d.example", k/ds.SubsPerCustomer, k%ds.SubsPerCustomer)
	}
	subs, err := bulk(ctx, nSubs, "subscriptions", w, func(k int) *ent.HostingSubscriptionCreate {
		i, j := k/ds.SubsPerCustomer, k%ds.SubsPerCustomer
		b := c.HostingSubscription.Create().SetName(subName(k)).SetCustomerID(customers[i]).
			SetPermissions([]types.Permission{}).SetApplications([]string{})
		if p := planOf(i, j); p != nil {
			b.SetServicePlanID(*p).SetPlanSync(types.PlanSynced)
		} else {
			b.SetPlanSync(types.PlanCustom)
		}
		return b
	}, func(ctx context.Context, bs []*ent.HostingSubscriptionCreate) ([]int, error) {
		ss, err := c.HostingSubscription.CreateBulk(bs...).Save(ctx)
		return idsOf(ss, func(r *ent.HostingSubscription) int { return r.ID }), err
	})
	if err != nil {
		return nil, err
	}
	if _, err := bulk(ctx, nSubs*ds.DomainsPerSub, "domains", w, func(k int) *ent.DomainCreate {
		s, d := k/ds.DomainsPerSub, k%ds.DomainsPerSub
		name := subName(s)
		if d > 0 {
			name = fmt.Sprintf("w%d.%s", d, name)
		}
		return c.Domain.Create().SetName(name).SetPrimary(d == 0).SetSubscriptionID(subs[s])
	}, func(ctx context.Context, bs []*ent.DomainCreate) ([]int, error) {
		ds, err := c.Domain.CreateBulk(bs...).Save(ctx)
		return idsOf(ds, func(r *ent.Domain) int { return r.ID }), err
	}); err != nil {
		return nil, err
	}

	out := &Seeded{CustomerIDs: customers, ResellerID: resellers[0], TargetReseller: resellers[len(resellers)-1]}
	for i, id := range customers {
		if ownerIndex(i, ds) < 0 {
			out.AdminCustomers = append(out.AdminCustomers, id)
		}
	}
	out.SampleCustomer = customers[1] // owner index 1%Resellers... see below
	for i, id := range customers {
		if ownerIndex(i, ds) == 0 {
			out.SampleCustomer = id
			break
		}
	}
	// Sessions of the administrator and of reseller 0, straight into the
	// database (a login would cost a password hash per run).
	adminCred, err := admin.QueryCredential().OnlyID(ctx)
	if err != nil {
		return nil, err
	}
	resCred, err := c.Reseller.GetX(ctx, resellers[0]).QueryCredential().OnlyID(ctx)
	if err != nil {
		return nil, err
	}
	for _, x := range []struct {
		cred  int
		token *string
	}{{adminCred, &out.AdminToken}, {resCred, &out.ResellerToken}} {
		tok, h, err := auth.NewToken("pnl_")
		if err != nil {
			return nil, err
		}
		if err := c.Session.Create().SetKind(types.SessionLogin).SetTokenHash(h).SetCredentialID(x.cred).
			SetExpiresAt(time.Now().Add(24 * time.Hour)).Exec(ctx); err != nil {
			return nil, err
		}
		*x.token = tok
	}
	return out, nil
}

// ownerIndex is the reseller index owning customer i, -1 for the
// administrator (every fifth customer: 20%).
func ownerIndex(i int, ds Dataset) int {
	if i%5 == 0 {
		return -1
	}
	return (i - i/5 - 1) % ds.Resellers
}

func idsOf[T any](rows []T, id func(T) int) []int {
	out := make([]int, len(rows))
	for i, r := range rows {
		out[i] = id(r)
	}
	return out
}
