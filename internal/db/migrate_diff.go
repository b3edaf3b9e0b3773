package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"testing/fstest"
	"text/template"

	"ariga.io/atlas/sql/migrate"
	entsql "entgo.io/ent/dialect/sql"
	"entgo.io/ent/dialect/sql/schema"

	entmigrate "github.com/hostpanel/panel/ent/migrate"
	"github.com/hostpanel/panel/ent/migrate/migrations"
)

// ErrNoChanges is returned by Diff when the migration directory already
// produces the ent schema.
var ErrNoChanges = errors.New("the migration directory matches the ent schema")

// migrationName is the form of a migration's name (after its version).
var migrationName = regexp.MustCompile(`^[a-z][a-z0-9_]{0,63}$`)

// CheckMigrationName reports whether name can name a migration.
func CheckMigrationName(name string) error {
	if !migrationName.MatchString(name) {
		return fmt.Errorf("invalid migration name %q: use 1 to 64 lower-case letters, digits and underscores, starting with a letter", printable(name, 70))
	}
	return nil
}

// migrateOptions are the options under which ent computes the schema,
// identical to what the previous releases' Schema.Create used: global unique
// IDs (the ent_types table and one 1<<32 ID range per type), foreign keys,
// and indexes dropped when the schema no longer has them.
func migrateOptions() []schema.MigrateOption {
	return []schema.MigrateOption{
		schema.WithGlobalUniqueID(true),
		schema.WithForeignKeys(true),
		schema.WithDropIndex(true),
	}
}

// Diff replays the migrations of dir into the empty development database
// dev (ent's replay mode: the database is emptied again afterwards), compares
// the result with the ent schema and, when they differ, writes the missing
// migration into dir as VERSION_NAME.sql and updates dir's atlas.sum. It
// returns ErrNoChanges when there is nothing to write. dir's atlas.sum must
// be valid.
func Diff(ctx context.Context, dev *entsql.Driver, dir migrate.Dir, version, name string) error {
	if err := CheckMigrationName(name); err != nil {
		return err
	}
	if !regexp.MustCompile(`^[0-9]{14}$`).MatchString(version) {
		return fmt.Errorf("invalid migration version %q: want 14 digits (YYYYMMDDHHMMSS)", version)
	}
	files, err := dir.Files()
	if err != nil {
		return err
	}
	if n := len(files); n > 0 && files[n-1].Version() >= version {
		return fmt.Errorf("migration version %s is not after the last one, %s (is the clock right?)", version, files[n-1].Version())
	}
	nameT, err := template.New("").Parse(version + "_{{ .Name }}.sql")
	if err != nil {
		return err
	}
	format := migrate.TemplateFormatter{{N: nameT, C: migrate.DefaultFormatter[0].C}}
	opts := append(migrateOptions(),
		schema.WithDir(dir),
		schema.WithMigrationMode(schema.ModeReplay),
		schema.WithFormatter(format),
		schema.WithErrNoPlan(true),
	)
	if err := entmigrate.NewSchema(dev).NamedDiff(ctx, name, opts...); err != nil {
		if errors.Is(err, migrate.ErrNoPlan) {
			return ErrNoChanges
		}
		return err
	}
	return nil
}

// SchemaDrift compares the schema of the database of sqldb (dialect d)
// with the ent schema of this binary and returns the statements that would
// make them equal (none when they are equal).
func SchemaDrift(ctx context.Context, sqldb *sql.DB, d string) ([]string, error) {
	mem, err := migrations.Copy(migrations.FSDir{FS: fstest.MapFS{}})
	if err != nil {
		return nil, err
	}
	opts := append(migrateOptions(),
		schema.WithDir(mem),
		schema.WithMigrationMode(schema.ModeInspect),
		schema.WithFormatter(migrate.DefaultFormatter),
		schema.WithErrNoPlan(true),
	)
	if err := entmigrate.NewSchema(entsql.OpenDB(d, sqldb)).NamedDiff(ctx, "drift", opts...); err != nil {
		if errors.Is(err, migrate.ErrNoPlan) {
			return nil, nil
		}
		return nil, fmt.Errorf("comparing the database with the ent schema: %s", oneLine(err.Error()))
	}
	var out []string
	files, _ := mem.Files()
	for _, f := range files {
		st, err := f.Stmts()
		if err != nil {
			return nil, err
		}
		out = append(out, st...)
	}
	return out, nil
}
