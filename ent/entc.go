//go:build ignore

package main

import (
	"fmt"
	"log"
	"os"
	"path/filepath"
	"regexp"

	"entgo.io/contrib/entgql"
	"entgo.io/ent/entc"
	"entgo.io/ent/entc/gen"
)

func main() {
	// Fold connection counts into the queries that load the rows (see
	// template/counts.tmpl): redefine two of entgql's template blocks.
	for _, t := range []*gen.Template{entgql.PaginationTemplate, entgql.CollectionTemplate} {
		if _, err := t.ParseFiles("template/counts.tmpl"); err != nil {
			log.Fatalf("parsing template/counts.tmpl: %v", err)
		}
	}
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
			gen.FeatureVersionedMigration, // ent/migrate: Diff/NamedDiff (docs/migrations.md)
		},
		Hooks: []gen.Hook{wholeRows},
	}, entc.Extensions(ex), entc.TemplateFiles("template/joins.tmpl"))
	if err != nil {
		log.Fatalf("running ent codegen: %v", err)
	}
}

// wholeRows replaces entgql's projection of field collection (only the
// columns of the fields asked for, or every column once a field is not a
// column or an edge) by selectColumns (template/joins.tmpl,
// ent/projection.go): the columns asked for plus what their resolvers
// declare they read, the ID and the foreign keys. Our SDL is hand-written
// and its resolvers derive fields from columns the client did not name
// (status from expires_at, suspensions, limits), which entgql cannot know.
// The generated code is rewritten after generation: each field that is not
// a column or an edge is recorded in fieldSeen under unknownField+name, and
// the projection call is replaced.
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
		projection := regexp.MustCompile(`if !unknownSeen \{\s*_q\.Select\(selectedFields\.\.\.\)\s*\}`)
		unknown := regexp.MustCompile(`default:\s*unknownSeen = true`)
		if !projection.Match(src) || !unknown.Match(src) {
			return fmt.Errorf("%s: projection call not found; entgql changed", path)
		}
		src = unknown.ReplaceAll(src, []byte("default:\n\t\t\tunknownSeen = true\n\t\t\tfieldSeen[unknownField+field.Name] = struct{}{}"))
		src = projection.ReplaceAll(src, []byte("_, _ = unknownSeen, selectedFields\n\t_q.selectColumns(ctx, fieldSeen)"))
		return os.WriteFile(path, src, 0o644)
	})
}
