package main

import (
	"context"
	"strconv"
	"testing"
)

// TestBaselineEqualsGraphQL: on dataset tiny, the hand-written baseline
// serves the same content as the GraphQL API (tree pages as administrator
// and reseller, one customer, the counts), and the tree page costs the
// same SQL statements at every page size, within the bound of --quick.
func TestBaselineEqualsGraphQL(t *testing.T) {
	ctx := context.Background()
	e, err := Open(ctx, "sqlite::memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	seed, err := Seed(ctx, e.Client, Datasets["tiny"], nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Start(ctx); err != nil {
		t.Fatal(err)
	}
	if err := e.Compare(ctx, seed); err != nil {
		t.Fatal(err)
	}
	var rs []Result
	for _, who := range []struct{ name, token string }{{"admin", seed.AdminToken}, {"reseller", seed.ResellerToken}} {
		for _, n := range []int{10, 50, 100} {
			before := e.statements.Load()
			if _, err := e.GQL(ctx, who.token, TreeQuery, map[string]any{"n": n}); err != nil {
				t.Fatal(err)
			}
			sql := float64(e.statements.Load() - before)
			rs = append(rs, Result{Name: "tree page " + strconv.Itoa(n) + " (" + who.name + ")", SQL: &sql})
		}
	}
	if err := CheckStatements(rs, treeStatementBound); err != nil {
		t.Fatal(err)
	}
	// The check must catch a page size that costs more.
	more := *rs[2].SQL + 1
	rs[2].SQL = &more
	if CheckStatements(rs, treeStatementBound) == nil {
		t.Fatal("CheckStatements accepted different counts at 10 and 100")
	}
}

// TestCheckAllocs: --quick fails when a tree page of 50 or 100 allocates
// more per customer than the bound, or when the figure is missing.
func TestCheckAllocs(t *testing.T) {
	rs := func(v float64) []Result {
		var out []Result
		for _, who := range []string{"admin", "reseller"} {
			for _, n := range []int{10, 50, 100} {
				x := v
				if n == 10 {
					x = v * 2 // page 10: the request's fixed cost over 10 customers, not checked
				}
				out = append(out, Result{Name: "tree page " + strconv.Itoa(n) + " (" + who + ")", AllocsPerCustomer: &x})
			}
		}
		return out
	}
	if err := CheckAllocs(rs(treeAllocsBound), treeAllocsBound); err != nil {
		t.Fatalf("at the bound: %v", err)
	}
	if CheckAllocs(rs(treeAllocsBound+1), treeAllocsBound) == nil {
		t.Fatal("CheckAllocs accepted allocations over the bound")
	}
	missing := rs(100)
	missing[4].AllocsPerCustomer = nil
	if CheckAllocs(missing, treeAllocsBound) == nil {
		t.Fatal("CheckAllocs accepted a tree page without allocations per customer")
	}
	if CheckAllocs(rs(100)[:2], treeAllocsBound) == nil {
		t.Fatal("CheckAllocs accepted missing tree pages")
	}
}
