//go:build ignore

package main

import (
	"bytes"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"entgo.io/contrib/entgql"
	"entgo.io/ent/entc"
	"entgo.io/ent/entc/gen"
)

func main() {
	ex, err := entgql.NewExtension(
		entgql.WithConfigPath("../gqlgen.yml"),
	)
	if err != nil {
		log.Fatalf("creating entgql extension: %v", err)
	}
	err = entc.Generate("./schema", &gen.Config{
		Features: []gen.Feature{
			gen.FeaturePrivacy,
			gen.FeatureEntQL,
			gen.FeatureModifier,
			gen.FeatureExecQuery,
			gen.FeatureUpsert,
			gen.FeatureLock,
		},
		Hooks: []gen.Hook{wholeRows},
	}, entc.Extensions(ex))
	if err != nil {
		log.Fatalf("running ent codegen: %v", err)
	}
}

// wholeRows keeps entgql's field collection from projecting columns: it
// still loads the requested edges eagerly, but always as whole rows. Our SDL
// is hand-written and its resolvers derive fields from columns the client did
// not name (status from expires_at, the primary domain from primary, a
// description from its side and owner), so a projected row would answer
// wrongly; whole rows cost next to nothing more. entgql has no option for
// this, so the generated projection call is rewritten after generation.
func wholeRows(next gen.Generator) gen.Generator {
	return gen.GenerateFunc(func(g *gen.Graph) error {
		if err := next.Generate(g); err != nil {
			return err
		}
		path := filepath.Join(g.Config.Target, "gql_collection.go")
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		const projection = "_q.Select(selectedFields...)"
		if !bytes.Contains(src, []byte(projection)) {
			return fmt.Errorf("%s: projection call not found; entgql changed", path)
		}
		src = bytes.ReplaceAll(src, []byte(projection), []byte("_ = selectedFields // whole rows: see ent/entc.go"))
		return os.WriteFile(path, src, 0o644)
	})
}
