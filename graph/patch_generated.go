//go:build ignore

// patch_generated.go runs after gqlgen (go:generate in resolver.go) and
// removes one cost of the generated executor that buys nothing here: every
// object it marshals calls graphql.NewDeferredGroup, which computes the
// object's full path, a field set and a map for @defer, about 10% of the
// allocations of a customer tree page (bench/, docs/bench.md). The schema
// has no deferrable field, so the generated code never fills the group; the
// patch replaces the call by an empty group, and refuses to run (failing
// go generate) once the generated code handles deferred fields.
package main

import (
	"bytes"
	"fmt"
	"os"
)

func main() {
	const path = "generated.go"
	src, err := os.ReadFile(path)
	if err != nil {
		fail(err)
	}
	if bytes.Contains(src, []byte("Deferrable")) {
		fail(fmt.Errorf("%s handles deferred fields: drop the patch", path))
	}
	from := []byte("deferred := graphql.NewDeferredGroup(ctx)")
	to := []byte("var deferred graphql.DeferredGroup // no deferrable field: graph/patch_generated.go")
	if !bytes.Contains(src, from) && !bytes.Contains(src, to) {
		fail(fmt.Errorf("%s: graphql.NewDeferredGroup call not found; gqlgen changed", path))
	}
	if err := os.WriteFile(path, bytes.ReplaceAll(src, from, to), 0o644); err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "patch_generated:", err)
	os.Exit(1)
}
