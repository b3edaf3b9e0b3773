package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"reflect"
	"regexp"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Result is one workload's row (the JSON object of --json).
type Result struct {
	Name     string   `json:"name"`
	DB       string   `json:"db"`
	Dataset  string   `json:"dataset"`
	Requests int      `json:"requests"`
	P50      *float64 `json:"p50_ms"`
	P99      *float64 `json:"p99_ms"`
	RPS      *float64 `json:"rps"`
	SQL      *float64 `json:"sql_per_request"`
	Allocs   *float64 `json:"allocs_per_request"`
	// AllocsPerCustomer (tree pages): allocations of the whole process per
	// customer of the page, measured apart from the timed run over
	// allocRequests requests one after the other (AllocsPerCustomer).
	AllocsPerCustomer *float64 `json:"allocs_per_customer,omitempty"`
	BaselineP50       *float64 `json:"baseline_p50_ms"`
	BaselineRPS       *float64 `json:"baseline_rps"`
	BaselineSQL       *float64 `json:"baseline_sql_per_request"`
	// CPU milliseconds per request: the Go process (server or baseline,
	// with the HTTP clients) and the database server when it is local.
	CPU         *float64 `json:"cpu_ms_per_request,omitempty"`
	DBCPU       *float64 `json:"db_cpu_ms_per_request,omitempty"`
	BaselineCPU *float64 `json:"baseline_cpu_ms_per_request,omitempty"`
	BaselineDB  *float64 `json:"baseline_db_cpu_ms_per_request,omitempty"`
	Ratio       *float64 `json:"ratio_p50"`
	RSS         *float64 `json:"rss_mb"`
	Skipped     string   `json:"skipped,omitempty"`
	Note        string   `json:"note,omitempty"`
}

// TreeQuery is the customer tree page: customers with owner, subscriptions
// with plan and domains.
const TreeQuery = `query($n:Int!){customers(first:$n){totalCount edges{node{` + customerFields + `}}}}`

// OneQuery is one customer's tree.
const OneQuery = `query($id:ID!){node(id:$id){... on Customer{` + customerFields + `}}}`

const customerFields = `id login name company status
  owner{__typename ... on Reseller{id login} ... on Administrator{id login}}
  subscriptions(first:10){totalCount edges{node{id status planSync plan{id name} domain{name} domains{name primary}}}}`

// StatsQuery is the dashboard counts.
const StatsQuery = `{customerStats{total active suspended}}`

// measured is one side (server or baseline) of a workload.
type measured struct {
	lat    []time.Duration
	wall   time.Duration
	stmts  int64
	allocs uint64
	cpu    time.Duration // this process
	dbCPU  time.Duration // the database server, if local
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func pct(lat []time.Duration, p float64) time.Duration {
	if len(lat) == 0 {
		return 0
	}
	s := slices.Clone(lat)
	slices.Sort(s)
	i := int(math.Ceil(p*float64(len(s)))) - 1
	return s[max(0, min(i, len(s)-1))]
}

func f(v float64) *float64 { v = math.Round(v*1000) / 1000; return &v }

// measure runs op with clients concurrent clients for d (after a short
// warm-up), or exactly once when once is set.
func (e *Env) measure(ctx context.Context, clients int, d time.Duration, once bool, op func(context.Context) error) (*measured, error) {
	if !once {
		// Warm-up: query caches, connection pools, the JIT of the database.
		wctx, cancel := context.WithTimeout(ctx, d/5)
		for wctx.Err() == nil {
			if err := op(ctx); err != nil {
				cancel()
				return nil, err
			}
		}
		cancel()
	}
	var ms0, ms1 runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms0)
	s0 := e.statements.Load()
	cpu0, db0 := e.cpu.read()
	m := &measured{}
	start := time.Now()
	if once {
		t := time.Now()
		if err := op(ctx); err != nil {
			return nil, err
		}
		m.lat = []time.Duration{time.Since(t)}
	} else {
		var (
			mu       sync.Mutex
			wg       sync.WaitGroup
			firstErr error
		)
		deadline := start.Add(d)
		for range clients {
			wg.Add(1)
			go func() {
				defer wg.Done()
				var lat []time.Duration
				for time.Now().Before(deadline) && ctx.Err() == nil {
					t := time.Now()
					if err := op(ctx); err != nil {
						mu.Lock()
						firstErr = cmpErr(firstErr, err)
						mu.Unlock()
						return
					}
					lat = append(lat, time.Since(t))
				}
				mu.Lock()
				m.lat = append(m.lat, lat...)
				mu.Unlock()
			}()
		}
		wg.Wait()
		if firstErr != nil {
			return nil, firstErr
		}
	}
	m.wall = time.Since(start)
	runtime.ReadMemStats(&ms1)
	m.stmts = e.statements.Load() - s0
	cpu1, db1 := e.cpu.read()
	m.cpu, m.dbCPU = cpu1-cpu0, db1-db0
	m.allocs = ms1.Mallocs - ms0.Mallocs
	return m, ctx.Err()
}

// allocRequests is how many requests AllocsPerCustomer runs.
const allocRequests = 20

// AllocsPerCustomer runs op allocRequests times one after the other (after
// two unmeasured runs) and returns the process's allocations (runtime
// MemStats.Mallocs: the server, its HTTP side and the client) per request,
// divided by the customers of one answer. Sequential and in-process, the
// figure is the same from run to run within a few allocations, whatever
// the machine's load: what --quick checks.
func (e *Env) AllocsPerCustomer(ctx context.Context, op func(context.Context) error,
	customers func(context.Context) (int, error)) (*float64, error) {
	n, err := customers(ctx)
	if err != nil {
		return nil, err
	}
	if n == 0 {
		return nil, errors.New("the tree page has no customers")
	}
	for range 2 {
		if err := op(ctx); err != nil {
			return nil, err
		}
	}
	var ms0, ms1 runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms0)
	for range allocRequests {
		if err := op(ctx); err != nil {
			return nil, err
		}
	}
	runtime.ReadMemStats(&ms1)
	return f(float64(ms1.Mallocs-ms0.Mallocs) / allocRequests / float64(n)), nil
}

// treeCustomers counts the customers of a tree page's answer.
func (e *Env) treeCustomers(token string, n int) func(context.Context) (int, error) {
	return func(ctx context.Context) (int, error) {
		raw, err := e.GQL(ctx, token, TreeQuery, map[string]any{"n": n})
		if err != nil {
			return 0, err
		}
		var out struct {
			Data struct {
				Customers struct{ Edges []json.RawMessage }
			}
		}
		if err := json.Unmarshal(raw, &out); err != nil {
			return 0, err
		}
		return len(out.Data.Customers.Edges), nil
	}
}

func cmpErr(a, b error) error {
	if a != nil {
		return a
	}
	return b
}

// rssMB is the process's resident set size (the server runs in-process).
func rssMB() *float64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return nil
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, err := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")))
			if err == nil {
				return f(float64(kb) / 1024)
			}
		}
	}
	return nil
}

// workload is one row: the server side and, if any, the baseline side.
type workload struct {
	name     string
	once     bool
	server   func(context.Context) error
	baseline func(context.Context) error
	skip     string
	note     func() string // after both sides ran: the Result's Note
	adjust   func(*Result) // after both sides ran: a workload that measures itself
	// customers (tree pages) counts the customers of one answer, for
	// Result.AllocsPerCustomer.
	customers func(context.Context) (int, error)
}

func (e *Env) result(ctx context.Context, c Config, w workload) (Result, error) {
	r := Result{Name: w.name, DB: e.Target.Dialect, Dataset: c.Dataset}
	if w.skip != "" {
		r.Skipped = w.skip
		return r, nil
	}
	sm, err := e.measure(ctx, c.Clients, c.Duration, w.once, w.server)
	if err != nil {
		return r, fmt.Errorf("%s: %w", w.name, err)
	}
	n := float64(len(sm.lat))
	r.Requests = len(sm.lat)
	r.P50, r.P99 = f(ms(pct(sm.lat, .5))), f(ms(pct(sm.lat, .99)))
	r.RPS = f(n / sm.wall.Seconds())
	r.SQL = f(float64(sm.stmts) / n)
	r.Allocs = f(float64(sm.allocs) / n)
	r.RSS = rssMB()
	r.CPU, r.DBCPU = cpuPer(sm)
	if w.customers != nil {
		if r.AllocsPerCustomer, err = e.AllocsPerCustomer(ctx, w.server, w.customers); err != nil {
			return r, fmt.Errorf("%s: %w", w.name, err)
		}
	}
	if w.baseline != nil {
		bm, err := e.measure(ctx, c.Clients, c.Duration, w.once, w.baseline)
		if err != nil {
			return r, fmt.Errorf("%s (baseline): %w", w.name, err)
		}
		bn := float64(len(bm.lat))
		b50 := ms(pct(bm.lat, .5))
		r.BaselineP50 = f(b50)
		r.BaselineRPS = f(bn / bm.wall.Seconds())
		r.BaselineSQL = f(float64(bm.stmts) / bn)
		r.BaselineCPU, r.BaselineDB = cpuPer(bm)
		if b50 > 0 {
			r.Ratio = f(*r.P50 / b50)
		}
	}
	if w.note != nil {
		r.Note = w.note()
	}
	if w.adjust != nil {
		w.adjust(&r)
	}
	return r, nil
}

// cpuPer is the CPU milliseconds per request of m: of this process, and of
// the database server (nil when it does not run on this machine).
func cpuPer(m *measured) (self, db *float64) {
	n := float64(len(m.lat))
	if n == 0 {
		return nil, nil
	}
	self = f(ms(m.cpu) / n)
	if m.dbCPU > 0 {
		db = f(ms(m.dbCPU) / n)
	}
	return self, db
}

// gql returns an op running query with vars as token.
func (e *Env) gql(token, query string, vars map[string]any) func(context.Context) error {
	return func(ctx context.Context) error {
		_, err := e.GQL(ctx, token, query, vars)
		return err
	}
}

func (e *Env) baseOp(token, path string, body any) func(context.Context) error {
	return func(ctx context.Context) error {
		_, err := e.post(ctx, path, token, body)
		return err
	}
}

// Run opens and seeds the database, starts the server and runs every
// workload.
func Run(ctx context.Context, c Config) ([]Result, error) {
	ds, ok := Datasets[c.Dataset]
	if !ok {
		return nil, fmt.Errorf("unknown dataset %q (tiny, S, M, L)", c.Dataset)
	}
	e, err := Open(ctx, c.DB)
	if err != nil {
		return nil, err
	}
	defer e.Close()
	t0 := time.Now()
	seed, err := Seed(ctx, e.Client, ds, c.Progress)
	if err != nil {
		return nil, err
	}
	if c.Progress != nil {
		fmt.Fprintf(c.Progress, "seeded dataset %s in %s\n", ds.Name, time.Since(t0).Round(time.Millisecond))
	}
	if err := e.Start(ctx); err != nil {
		return nil, err
	}
	if err := e.Compare(ctx, seed); err != nil {
		return nil, err
	}
	if c.Progress != nil {
		fmt.Fprintln(c.Progress, "baseline and GraphQL answers are equal")
	}
	var ws []workload
	for _, who := range []struct {
		name, token string
	}{{"admin", seed.AdminToken}, {"reseller", seed.ResellerToken}} {
		for _, n := range []int{10, 50, 100} {
			ws = append(ws, workload{
				name:      fmt.Sprintf("tree page %d (%s)", n, who.name),
				server:    e.gql(who.token, TreeQuery, map[string]any{"n": n}),
				baseline:  e.baseOp(who.token, "/baseline/tree", baselineRequest{N: n}),
				customers: e.treeCustomers(who.token, n),
			})
		}
	}
	ws = append(ws,
		workload{name: "one customer tree (admin)",
			server:   e.gql(seed.AdminToken, OneQuery, map[string]any{"id": strconv.Itoa(seed.SampleCustomer)}),
			baseline: e.baseOp(seed.AdminToken, "/baseline/one", baselineRequest{ID: seed.SampleCustomer})},
		workload{name: "dashboard counts (admin)",
			server:   e.gql(seed.AdminToken, StatsQuery, nil),
			baseline: e.baseOp(seed.AdminToken, "/baseline/stats", baselineRequest{})},
	)
	// Bulk operations, each once and timed. The API takes at most 10,000
	// IDs per call.
	all := seed.CustomerIDs[:min(len(seed.CustomerIDs), 10000)]
	bulkWs := e.bulkWorkloads(ctx, seed, all)
	// The webhook variant of suspend+activate (bench/webhooks.go) runs
	// right after the plain one, before move and delete change the
	// customers it suspends.
	ws = append(ws, bulkWs[0], e.webhookWorkload(seed, all))
	ws = append(ws, bulkWs[1:]...)

	if c.CPUProf != "" {
		f, err := os.Create(c.CPUProf)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return nil, err
		}
		defer pprof.StopCPUProfile()
	}
	if c.MemProf != "" {
		defer func() {
			if f, err := os.Create(c.MemProf); err == nil {
				_ = pprof.Lookup("allocs").WriteTo(f, 0)
				f.Close()
			}
		}()
	}
	var only *regexp.Regexp
	if c.Only != "" {
		if only, err = regexp.Compile(c.Only); err != nil {
			return nil, fmt.Errorf("--only: %w", err)
		}
	}
	var out []Result
	for _, w := range ws {
		if only != nil && !only.MatchString(w.name) {
			continue
		}
		if c.Progress != nil {
			fmt.Fprintf(c.Progress, "running %s\n", w.name)
		}
		r, err := e.result(ctx, c, w)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

const (
	suspendMutation  = `mutation($in:SuspendCustomersInput!){suspendCustomers(input:$in){committed subscriptionsAffected userErrors{code message}}}`
	activateMutation = `mutation($in:ActivateCustomersInput!){activateCustomers(input:$in){committed subscriptionsAffected userErrors{code message}}}`
	moveMutation     = `mutation($in:MoveCustomersInput!){moveCustomers(input:$in){committed userErrors{code message}}}`
	deleteMutation   = `mutation($in:DeleteCustomersInput!){deleteCustomers(input:$in){committed userErrors{code message} deleted{customers subscriptions domains}}}`
)

// committed runs a bulk mutation and checks that it committed without
// user errors.
func (e *Env) committed(token, query, field string, in map[string]any) func(context.Context) error {
	return func(ctx context.Context) error {
		raw, err := e.GQL(ctx, token, query, map[string]any{"in": in})
		if err != nil {
			return err
		}
		var out struct {
			Data map[string]struct {
				Committed  bool
				UserErrors []struct{ Code, Message string }
			}
		}
		if err := json.Unmarshal(raw, &out); err != nil {
			return err
		}
		p := out.Data[field]
		if len(p.UserErrors) > 0 {
			return fmt.Errorf("%s: %d user errors, first: %s %s", field, len(p.UserErrors), p.UserErrors[0].Code, p.UserErrors[0].Message)
		}
		if !p.Committed {
			return fmt.Errorf("%s: not committed", field)
		}
		return nil
	}
}

func strIDs(ids []int) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = strconv.Itoa(id)
	}
	return out
}

func (e *Env) bulkWorkloads(ctx context.Context, seed *Seeded, all []int) []workload {
	ws := []workload{
		{name: fmt.Sprintf("bulk suspend %d", len(all)), once: true,
			server:   e.committed(seed.AdminToken, suspendMutation, "suspendCustomers", map[string]any{"ids": strIDs(all), "reason": "bench"}),
			baseline: e.baseOp(seed.AdminToken, "/baseline/suspend", baselineRequest{IDs: all, Suspend: true})},
		{name: fmt.Sprintf("bulk activate %d", len(all)), once: true,
			server:   e.committed(seed.AdminToken, activateMutation, "activateCustomers", map[string]any{"ids": strIDs(all)}),
			baseline: e.baseOp(seed.AdminToken, "/baseline/suspend", baselineRequest{IDs: all, Suspend: false})},
	}
	// The baseline of suspend runs after the server's activate: reorder so
	// that each side finds every customer active. result() runs the server
	// side then the baseline side of one row, so split the rows.
	var srv, base [2]time.Duration
	ws = []workload{
		{name: ws[0].name, once: true, server: chain(&srv, ws[0].server, ws[1].server), baseline: chain(&base, ws[0].baseline, ws[1].baseline),
			note: func() string {
				return fmt.Sprintf("each: suspend %.0f ms, activate %.0f ms (baseline %.0f and %.0f ms)",
					ms(srv[0]), ms(srv[1]), ms(base[0]), ms(base[1]))
			}},
	}
	ws[0].name = fmt.Sprintf("bulk suspend+activate %d", len(all))

	move := seed.AdminCustomers[:min(1000, len(seed.AdminCustomers))]
	moved := map[int]bool{}
	for _, id := range move {
		moved[id] = true
	}
	var del []int
	for i := len(seed.CustomerIDs) - 1; i >= 0 && len(del) < min(1000, len(seed.CustomerIDs)/2); i-- {
		if id := seed.CustomerIDs[i]; !moved[id] {
			del = append(del, id)
		}
	}
	items := make([]map[string]any, len(move))
	for i, id := range move {
		items[i] = map[string]any{"customerId": strconv.Itoa(id)}
	}
	mv := workload{name: fmt.Sprintf("bulk move %d", len(move)), once: true,
		server: e.committed(seed.AdminToken, moveMutation, "moveCustomers",
			map[string]any{"newOwnerId": strconv.Itoa(seed.TargetReseller), "items": items})}
	dl := workload{name: fmt.Sprintf("bulk delete %d", len(del)), once: true,
		server: e.committed(seed.AdminToken, deleteMutation, "deleteCustomers", map[string]any{"ids": strIDs(del)})}
	for _, x := range []struct {
		w     *workload
		field string
	}{{&mv, "moveCustomers"}, {&dl, "deleteCustomers"}} {
		ok, err := e.HasMutation(ctx, seed.AdminToken, x.field)
		switch {
		case err != nil:
			x.w.skip = "skipped: " + err.Error()
		case !ok:
			x.w.skip = "skipped: not implemented"
		}
	}
	return append(ws, mv, dl)
}

// chain runs a then b, timed as one operation; took receives each one's
// duration.
func chain(took *[2]time.Duration, a, b func(context.Context) error) func(context.Context) error {
	return func(ctx context.Context) error {
		t := time.Now()
		if err := a(ctx); err != nil {
			return err
		}
		took[0] = time.Since(t)
		t = time.Now()
		err := b(ctx)
		took[1] = time.Since(t)
		return err
	}
}

// Compare checks once that the baseline serves the same content as the
// GraphQL API: tree pages as administrator and reseller, one customer, the
// counts.
func (e *Env) Compare(ctx context.Context, seed *Seeded) error {
	type pair struct {
		name         string
		token, query string
		vars         map[string]any
		path         string
		body         baselineRequest
	}
	ps := []pair{
		{"tree admin 50", seed.AdminToken, TreeQuery, map[string]any{"n": 50}, "/baseline/tree", baselineRequest{N: 50}},
		{"tree reseller 100", seed.ResellerToken, TreeQuery, map[string]any{"n": 100}, "/baseline/tree", baselineRequest{N: 100}},
		{"one customer", seed.AdminToken, OneQuery, map[string]any{"id": strconv.Itoa(seed.SampleCustomer)}, "/baseline/one", baselineRequest{ID: seed.SampleCustomer}},
		{"counts", seed.AdminToken, StatsQuery, nil, "/baseline/stats", baselineRequest{}},
	}
	for _, p := range ps {
		g, err := e.GQL(ctx, p.token, p.query, p.vars)
		if err != nil {
			return fmt.Errorf("compare %s: %w", p.name, err)
		}
		b, err := e.post(ctx, p.path, p.token, p.body)
		if err != nil {
			return fmt.Errorf("compare %s (baseline): %w", p.name, err)
		}
		var gv, bv any
		if err := json.Unmarshal(g, &gv); err != nil {
			return err
		}
		if err := json.Unmarshal(b, &bv); err != nil {
			return err
		}
		// extensions.cost is the GraphQL server's own bookkeeping (query
		// cost), which the baseline has no counterpart for: compare data.
		if m, ok := gv.(map[string]any); ok {
			delete(m, "extensions")
		}
		if !reflect.DeepEqual(gv, bv) {
			return fmt.Errorf("compare %s: the baseline's answer differs from the GraphQL answer at %s\n graphql:  %.600s\n baseline: %.600s",
				p.name, firstDiff("", gv, bv), g, b)
		}
	}
	return nil
}

// firstDiff names the first path where a and b differ.
func firstDiff(path string, a, b any) string {
	switch x := a.(type) {
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok {
			return path
		}
		keys := make([]string, 0, len(x)+len(y))
		for k := range x {
			keys = append(keys, k)
		}
		for k := range y {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			if !reflect.DeepEqual(x[k], y[k]) {
				return firstDiff(path+"."+k, x[k], y[k])
			}
		}
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return fmt.Sprintf("%s (lengths %d and %v)", path, len(x), lenOf(b))
		}
		for i := range x {
			if !reflect.DeepEqual(x[i], y[i]) {
				return firstDiff(fmt.Sprintf("%s[%d]", path, i), x[i], y[i])
			}
		}
	}
	return fmt.Sprintf("%s (%v vs %v)", path, a, b)
}

func lenOf(v any) any {
	if s, ok := v.([]any); ok {
		return len(s)
	}
	return v
}

// CheckStatements fails when the tree page's statements per request differ
// between page sizes or exceed bound.
func CheckStatements(rs []Result, bound float64) error {
	var errs []error
	for _, who := range []string{"admin", "reseller"} {
		var counts []float64
		for _, r := range rs {
			if strings.HasPrefix(r.Name, "tree page ") && strings.HasSuffix(r.Name, "("+who+")") && r.SQL != nil {
				counts = append(counts, *r.SQL)
			}
		}
		if len(counts) != 3 {
			errs = append(errs, fmt.Errorf("tree page (%s): %d results, want 3", who, len(counts)))
			continue
		}
		for _, n := range counts {
			if n != counts[0] {
				errs = append(errs, fmt.Errorf("tree page (%s): %v SQL statements per request at 10, 50 and 100 per page: must be equal", who, counts))
				break
			}
		}
		if counts[0] > bound {
			errs = append(errs, fmt.Errorf("tree page (%s): %v SQL statements per request, at most %v allowed", who, counts[0], bound))
		}
	}
	return errors.Join(errs...)
}

// CheckAllocs fails when a tree page of 50 or 100 customers allocates more
// than bound per customer (Result.AllocsPerCustomer).
func CheckAllocs(rs []Result, bound float64) error {
	var errs []error
	n := 0
	for _, r := range rs {
		if !strings.HasPrefix(r.Name, "tree page 50 ") && !strings.HasPrefix(r.Name, "tree page 100 ") {
			continue
		}
		n++
		switch {
		case r.AllocsPerCustomer == nil:
			errs = append(errs, fmt.Errorf("%s: no allocations per customer", r.Name))
		case *r.AllocsPerCustomer > bound:
			errs = append(errs, fmt.Errorf("%s: %.0f allocations per customer, at most %.0f allowed", r.Name, *r.AllocsPerCustomer, bound))
		}
	}
	if n != 4 {
		errs = append(errs, fmt.Errorf("tree pages of 50 and 100: %d results, want 4", n))
	}
	return errors.Join(errs...)
}

// Markdown renders the results as a table.
func Markdown(rs []Result) string {
	var b strings.Builder
	b.WriteString("| workload | db | dataset | p50 ms | p99 ms | rps | SQL/req | allocs/req | allocs/customer | baseline p50 ms | baseline rps | baseline SQL/req | ratio p50 | RSS MB | CPU ms/req (Go, db) | baseline CPU ms/req (Go, db) |\n")
	b.WriteString("|---|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n")
	num := func(p *float64, prec int) string {
		if p == nil {
			return "-"
		}
		return strconv.FormatFloat(*p, 'f', prec, 64)
	}
	for _, r := range rs {
		if r.Skipped != "" {
			fmt.Fprintf(&b, "| %s | %s | %s | %s |  |  |  |  |  |  |  |  |  |  |  |  |\n", r.Name, r.DB, r.Dataset, r.Skipped)
			continue
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s, %s | %s, %s |\n", r.Name, r.DB, r.Dataset,
			num(r.P50, 2), num(r.P99, 2), num(r.RPS, 0), num(r.SQL, 1), num(r.Allocs, 0), num(r.AllocsPerCustomer, 0),
			num(r.BaselineP50, 2), num(r.BaselineRPS, 0), num(r.BaselineSQL, 1), num(r.Ratio, 2), num(r.RSS, 0),
			num(r.CPU, 2), num(r.DBCPU, 2), num(r.BaselineCPU, 2), num(r.BaselineDB, 2))
	}
	for _, r := range rs {
		if r.Note != "" {
			fmt.Fprintf(&b, "\n%s: %s\n", r.Name, r.Note)
		}
	}
	return b.String()
}
