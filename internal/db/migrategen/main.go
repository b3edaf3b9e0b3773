// Command migrategen writes the versioned migration that brings the
// migration directories (ent/migrate/migrations/mysql and .../sqlite) to
// the ent schema, after a change of ent/schema and `go generate ./...`:
//
//	go run ./internal/db/migrategen --mysql-dev mysql://root@127.0.0.1:3306/panel_migrate_dev NAME
//
// For each dialect it replays the directory into an empty development
// database (SQLite: in memory; MySQL/MariaDB: the database of --mysql-dev or
// PANEL_MIGRATE_DEV_MYSQL, which must exist and be empty, and is left empty),
// diffs it against the ent schema and writes VERSION_NAME.sql plus the new
// atlas.sum. Nothing is written unless every dialect succeeded. See
// docs/migrations.md.
package main

import (
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"ariga.io/atlas/sql/migrate"
	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"
	_ "modernc.org/sqlite"

	"github.com/hostpanel/panel/ent/migrate/migrations"
	"github.com/hostpanel/panel/internal/db"
)

const usage = `usage: go run ./internal/db/migrategen [flags] NAME
       go run ./internal/db/migrategen --hash

Writes ent/migrate/migrations/{mysql,sqlite}/VERSION_NAME.sql and their
atlas.sum: the statements that bring the migration directory to the ent schema.

  --mysql-dev URL   an EMPTY MySQL/MariaDB database used to compute the MySQL
                    migration (mysql://USER:PASS@HOST:PORT/DB); env
                    PANEL_MIGRATE_DEV_MYSQL; required unless --dialects sqlite
  --dialects LIST   mysql,sqlite (default both)
  --dir DIR         the migrations root (default ent/migrate/migrations of the
                    module in the current directory)
  --hash            only rewrite both atlas.sum files from the files (after
                    writing or editing an UNRELEASED migration by hand)
`

func main() {
	if err := run(context.Background(), os.Args[1:], os.Getenv, os.Stdout); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Print(usage)
			return
		}
		fmt.Fprintf(os.Stderr, "migrategen: %s\n", strings.Join(strings.Fields(err.Error()), " "))
		os.Exit(2)
	}
}

func run(ctx context.Context, args []string, getenv func(string) string, out io.Writer) error {
	fs := flag.NewFlagSet("migrategen", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	devURL := fs.String("mysql-dev", getenv("PANEL_MIGRATE_DEV_MYSQL"), "")
	dialects := fs.String("dialects", "mysql,sqlite", "")
	root := fs.String("dir", "", "")
	hash := fs.Bool("hash", false, "")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *hash && fs.NArg() == 0 {
		return rehash(*root, out)
	}
	if fs.NArg() != 1 {
		return errors.New("want exactly one argument, the migration's NAME (see --help)")
	}
	name := fs.Arg(0)
	if err := db.CheckMigrationName(name); err != nil {
		return err
	}
	if err := defaultRoot(root); err != nil {
		return err
	}
	var ds []string
	for d := range strings.SplitSeq(*dialects, ",") {
		switch d = strings.TrimSpace(d); d {
		case "mysql":
			ds = append(ds, dialect.MySQL)
		case "sqlite":
			ds = append(ds, dialect.SQLite)
		default:
			return fmt.Errorf("unknown dialect %q in --dialects (want mysql, sqlite)", d)
		}
	}
	version := time.Now().UTC().Format("20060102150405")

	// Compute every dialect's migration in memory first.
	type result struct {
		path  string
		files map[string][]byte // new or changed files
	}
	var results []result
	for _, d := range ds {
		sub, _ := migrations.Path(d)
		path := filepath.Join(*root, sub)
		local, err := migrate.NewLocalDir(path)
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		if err := migrate.Validate(local); err != nil {
			return fmt.Errorf("%s: atlas.sum does not match the files (%v); restore the edited migration instead of changing it", path, err)
		}
		mem, err := migrations.Copy(local)
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		dev, closeDev, err := openDev(ctx, d, *devURL)
		if err != nil {
			return err
		}
		err = db.Diff(ctx, dev, mem, version, name)
		closeDev()
		switch {
		case errors.Is(err, db.ErrNoChanges):
			fmt.Fprintf(out, "%s: no changes, nothing written\n", sub)
			continue
		case err != nil:
			var nc *migrate.NotCleanError
			if errors.As(err, &nc) {
				return fmt.Errorf("%s: the development database must be empty (%s); use a fresh one", sub, nc.Reason)
			}
			return fmt.Errorf("%s: %w", sub, err)
		}
		results = append(results, result{path: path, files: mem.Written})
	}
	for _, r := range results {
		for n, b := range r.files {
			p := filepath.Join(r.path, n)
			if err := os.WriteFile(p, b, 0o644); err != nil {
				return err
			}
			fmt.Fprintf(out, "wrote %s\n", p)
		}
	}
	return nil
}

func defaultRoot(root *string) error {
	if *root != "" {
		return nil
	}
	mod, err := moduleRoot()
	if err != nil {
		return err
	}
	*root = filepath.Join(mod, "ent", "migrate", "migrations")
	return nil
}

// rehash rewrites each directory's atlas.sum from its files (after a
// hand-written, not yet released, migration).
func rehash(root string, out io.Writer) error {
	if err := defaultRoot(&root); err != nil {
		return err
	}
	for _, d := range []string{dialect.MySQL, dialect.SQLite} {
		sub, _ := migrations.Path(d)
		local, err := migrate.NewLocalDir(filepath.Join(root, sub))
		if err != nil {
			return err
		}
		sum, err := local.Checksum()
		if err != nil {
			return err
		}
		if err := migrate.WriteSumFile(local, sum); err != nil {
			return err
		}
		fmt.Fprintf(out, "wrote %s\n", filepath.Join(local.Path(), migrate.HashFileName))
	}
	return nil
}

// openDev opens the empty development database of dialect d.
func openDev(ctx context.Context, d, devURL string) (*entsql.Driver, func(), error) {
	switch d {
	case dialect.SQLite:
		sqldb, err := sql.Open("sqlite", "file:migrategen?mode=memory&_pragma=foreign_keys(1)")
		if err != nil {
			return nil, nil, err
		}
		sqldb.SetMaxOpenConns(1) // one connection: one private in-memory database
		return entsql.OpenDB(dialect.SQLite, sqldb), func() { _ = sqldb.Close() }, nil
	case dialect.MySQL:
		if devURL == "" {
			return nil, nil, errors.New("mysql: give an empty MySQL/MariaDB dev database with --mysql-dev mysql://USER:PASS@HOST:PORT/DB or PANEL_MIGRATE_DEV_MYSQL (or --dialects sqlite)")
		}
		t, err := db.ParseURL(devURL)
		if err != nil {
			return nil, nil, fmt.Errorf("--mysql-dev: %w", err)
		}
		if t.Dialect != dialect.MySQL {
			return nil, nil, errors.New("--mysql-dev must be a mysql:// URL")
		}
		sqldb, err := sql.Open(t.DriverName, t.DSN)
		if err != nil {
			return nil, nil, err
		}
		if err := sqldb.PingContext(ctx); err != nil {
			_ = sqldb.Close()
			return nil, nil, fmt.Errorf("--mysql-dev %s: cannot reach the database: %v", t, err)
		}
		return entsql.OpenDB(dialect.MySQL, sqldb), func() { _ = sqldb.Close() }, nil
	}
	return nil, nil, fmt.Errorf("unknown dialect %q", d)
}

func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if b, err := os.ReadFile(filepath.Join(dir, "go.mod")); err == nil && strings.Contains(string(b), "module github.com/hostpanel/panel\n") {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("run from inside the panel module or give --dir")
		}
		dir = parent
	}
}
