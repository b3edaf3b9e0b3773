package db

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"os"
	"strings"
	"testing"
	"time"

	"ariga.io/atlas/sql/migrate"
	"entgo.io/ent/dialect"
	"github.com/go-sql-driver/mysql"

	"github.com/hostpanel/panel/ent/migrate/migrations"
)

// scratch returns a fresh empty database of dialect d (SQLite in memory, or
// a random MySQL database on PANEL_TEST_MYSQL_DSN's server, dropped at the
// end) and its target.
func scratch(t *testing.T, d string) (*sql.DB, Target) {
	t.Helper()
	ctx := context.Background()
	var tg Target
	switch d {
	case dialect.SQLite:
		var err error
		if tg, err = ParseURL("sqlite::memory:"); err != nil {
			t.Fatal(err)
		}
	case dialect.MySQL:
		cfg, err := mysql.ParseDSN(os.Getenv("PANEL_TEST_MYSQL_DSN"))
		if err != nil {
			t.Fatal(err)
		}
		admin, err := sql.Open("mysql", cfg.FormatDSN())
		if err != nil {
			t.Fatal(err)
		}
		defer admin.Close()
		var b [6]byte
		_, _ = rand.Read(b[:])
		name := "panel_mig_" + hex.EncodeToString(b[:])
		if _, err := admin.ExecContext(ctx, "CREATE DATABASE `"+name+"` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			if a, err := sql.Open("mysql", cfg.FormatDSN()); err == nil {
				_, _ = a.Exec("DROP DATABASE `" + name + "`")
				_ = a.Close()
			}
		})
		cfg.DBName, cfg.ParseTime, cfg.InterpolateParams, cfg.Loc = name, true, true, time.UTC
		tg = Target{Dialect: dialect.MySQL, DriverName: DriverMySQL, DSN: cfg.FormatDSN()}
	}
	c, sqldb, err := Open(ctx, tg, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return sqldb, tg
}

func eachDialect(t *testing.T, f func(t *testing.T, d string)) {
	ds := []string{dialect.SQLite}
	if os.Getenv("PANEL_TEST_MYSQL_DSN") != "" {
		ds = append(ds, dialect.MySQL)
	}
	for _, d := range ds {
		t.Run(d, func(t *testing.T) { f(t, d) })
	}
}

// embedded returns a writable copy of the embedded directory of d.
func embedded(t *testing.T, d string) *migrations.MemDir {
	t.Helper()
	dir, err := migrations.Dir(d)
	if err != nil {
		t.Fatal(err)
	}
	m, err := migrations.Copy(dir)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// addMigration adds a migration file to m and rewrites atlas.sum.
func addMigration(t *testing.T, m *migrations.MemDir, name, content string) {
	t.Helper()
	if err := m.WriteFile(name, []byte(content)); err != nil {
		t.Fatal(err)
	}
	sum, err := m.Checksum()
	if err != nil {
		t.Fatal(err)
	}
	if err := migrate.WriteSumFile(m, sum); err != nil {
		t.Fatal(err)
	}
}

func mustLoad(t *testing.T, dir migrate.Dir) *source {
	t.Helper()
	s, err := loadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func count(t *testing.T, sqldb *sql.DB, q string, args ...any) int {
	t.Helper()
	var n int
	if err := sqldb.QueryRow(q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

func wantErr(t *testing.T, err error, parts ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want one containing %q", parts)
	}
	msg := err.Error()
	if strings.ContainsAny(msg, "\n") {
		t.Errorf("error is not one line: %q", msg)
	}
	for _, p := range parts {
		if !strings.Contains(msg, p) {
			t.Errorf("error %q does not contain %q", msg, p)
		}
	}
}

// A migration file changed without its atlas.sum is refused before the
// database is touched.
func TestMigrationFileEditedWithoutSum(t *testing.T) {
	for _, d := range []string{dialect.SQLite, dialect.MySQL} {
		m := embedded(t, d)
		files, _ := m.Files()
		name := files[0].Name()
		b := append(files[0].Bytes(), []byte("DROP TABLE `customers`;\n")...)
		if err := m.WriteFile(name, b); err != nil { // atlas.sum unchanged
			t.Fatal(err)
		}
		_, err := loadDir(m)
		wantErr(t, err, "do not match atlas.sum", name, "edited")
	}
}

// A database migrated from other file contents (edited and re-summed after
// being applied) is refused, and so is a database with a migration this
// binary does not have (a newer release); nothing changes.
func TestMigrateRefusesChangedHistoryAndNewerDatabase(t *testing.T) {
	eachDialect(t, func(t *testing.T, d string) {
		ctx := context.Background()
		sqldb, _ := scratch(t, d)
		m := embedded(t, d)
		addMigration(t, m, "20990101000000_extra.sql", "CREATE TABLE `extra` (`id` integer NOT NULL PRIMARY KEY);\n")
		if _, err := up(ctx, sqldb, d, mustLoad(t, m)); err != nil {
			t.Fatal(err)
		}
		// The same version with other contents.
		edited := embedded(t, d)
		addMigration(t, edited, "20990101000000_extra.sql", "CREATE TABLE `extra` (`id` integer NOT NULL PRIMARY KEY, `x` integer NULL);\n")
		_, err := up(ctx, sqldb, d, mustLoad(t, edited))
		wantErr(t, err, "20990101000000", "other contents")
		// The binary without the newer migration: the database is newer.
		_, err = up(ctx, sqldb, d, mustLoad(t, embedded(t, d)))
		wantErr(t, err, "20990101000000", "newer release")
		_, err = GetStatus(ctx, sqldb, d) // the embedded binary's directory
		wantErr(t, err, "newer release")
		files, _ := m.Files()
		if n := count(t, sqldb, "SELECT count(*) FROM "+RevisionTable); n != len(files) {
			t.Errorf("%d revisions, want %d", n, len(files))
		}
	})
}

// A database with tables that panel did not create, or created by a
// release older than the previous one, is refused and left unchanged.
func TestMigrateRefusesForeignAndOlderDatabases(t *testing.T) {
	eachDialect(t, func(t *testing.T, d string) {
		ctx := context.Background()
		sqldb, _ := scratch(t, d)
		if _, err := sqldb.Exec("CREATE TABLE `wordpress_posts` (`id` integer NOT NULL PRIMARY KEY)"); err != nil {
			t.Fatal(err)
		}
		err := Migrate(ctx, sqldb, d)
		wantErr(t, err, "not created by panel", "wordpress_posts")
		if ok, _ := tableExists(ctx, sqldb, d, RevisionTable); ok {
			t.Error("the revision table was created")
		}

		// The previous release's schema without a column: an older release.
		sqldb2, _ := scratch(t, d)
		loadLegacyFixture(t, sqldb2, d)
		if _, err := sqldb2.Exec("ALTER TABLE `customers` DROP COLUMN `fax`"); err != nil {
			t.Fatal(err)
		}
		err = Migrate(ctx, sqldb2, d)
		wantErr(t, err, "older release", "customers.fax")
		if ok, _ := tableExists(ctx, sqldb2, d, RevisionTable); ok {
			t.Error("the revision table was created")
		}

		// Other types in ent_types than the previous release's: its ID
		// ranges cannot be trusted.
		sqldb3, _ := scratch(t, d)
		loadLegacyFixture(t, sqldb3, d)
		if _, err := sqldb3.Exec("UPDATE `ent_types` SET `type` = 'gadgets' WHERE `type` = 'sessions'"); err != nil {
			t.Fatal(err)
		}
		err = Migrate(ctx, sqldb3, d)
		wantErr(t, err, "ent_types", "gadgets", "not created by the previous release")
		if ok, _ := tableExists(ctx, sqldb3, d, RevisionTable); ok {
			t.Error("the revision table was created")
		}
	})
}

// A failing migration: SQLite rolls everything back; MySQL keeps the
// statements before the failing one, records them, and resumes at the
// failed statement once the cause is fixed.
func TestMigrateFailureAndResume(t *testing.T) {
	eachDialect(t, func(t *testing.T, d string) {
		ctx := context.Background()
		sqldb, _ := scratch(t, d)
		m := embedded(t, d)
		addMigration(t, m, "20990101000000_two.sql",
			"INSERT INTO `ent_types` (`type`) VALUES ('probe');\n"+
				"CREATE TABLE `blocker` (`id` integer NOT NULL PRIMARY KEY);\n"+
				"CREATE TABLE `after_blocker` (`id` integer NOT NULL PRIMARY KEY);\n")
		src := mustLoad(t, m)
		if err := Migrate(ctx, sqldb, d); err != nil { // the baseline only
			t.Fatal(err)
		}
		if _, err := sqldb.Exec("CREATE TABLE `blocker` (`id` integer NOT NULL PRIMARY KEY)"); err != nil {
			t.Fatal(err)
		}
		_, err := up(ctx, sqldb, d, src)
		probes := func() int { return count(t, sqldb, "SELECT count(*) FROM `ent_types` WHERE `type` = 'probe'") }
		if d == dialect.SQLite {
			wantErr(t, err, "20990101000000_two.sql", "statement 2 of 3", "nothing was changed")
			if n := probes(); n != 0 {
				t.Errorf("statement 1 kept after the rollback (%d)", n)
			}
			if n := count(t, sqldb, "SELECT count(*) FROM "+RevisionTable+" WHERE version = '20990101000000'"); n != 0 {
				t.Errorf("revision recorded after the rollback")
			}
		} else {
			wantErr(t, err, "20990101000000_two.sql", "statement 2 of 3", "resume at statement 2")
			if n := probes(); n != 1 {
				t.Errorf("statement 1 applied %d times", n)
			}
			if n := count(t, sqldb, "SELECT applied FROM "+RevisionTable+" WHERE version = '20990101000000'"); n != 1 {
				t.Errorf("applied = %d, want 1", n)
			}
			st, err := getStatus(ctx, sqldb, d, src)
			if err != nil || len(st.Pending) != 1 || st.Pending[0].Applied != 1 || st.Pending[0].Statements != 3 {
				t.Errorf("status %+v, %v", st, err)
			}
		}
		// Fix the cause and run again.
		if _, err := sqldb.Exec("DROP TABLE `blocker`"); err != nil {
			t.Fatal(err)
		}
		done, err := up(ctx, sqldb, d, src)
		if err != nil {
			t.Fatal(err)
		}
		if len(done) != 1 || done[0].Version != "20990101000000" || done[0].Applied != 3 {
			t.Errorf("applied %+v", done)
		}
		if n := probes(); n != 1 {
			t.Errorf("statement 1 applied %d times", n)
		}
		if n := count(t, sqldb, "SELECT count(*) FROM `after_blocker`"); n != 0 {
			t.Errorf("after_blocker has %d rows", n)
		}
		files, _ := m.Files()
		st, err := getStatus(ctx, sqldb, d, src)
		if err != nil || len(st.Applied) != len(files) || len(st.Pending) != 0 {
			t.Errorf("status %+v, %v", st, err)
		}
	})
}

// SQLite: a migration that rebuilds a referenced table (what Atlas writes
// to change a column) keeps the rows referring to it, because foreign keys
// are off during the migration; one that leaves dangling references is
// rolled back whole.
func TestMigrateSQLiteTableRebuild(t *testing.T) {
	ctx := context.Background()
	sqldb, _ := scratch(t, dialect.SQLite)
	loadLegacyFixture(t, sqldb, dialect.SQLite)
	subs := count(t, sqldb, "SELECT count(*) FROM hosting_subscriptions")
	if subs == 0 {
		t.Fatal("no subscriptions in the fixture")
	}
	var create string
	if err := sqldb.QueryRow("SELECT sql FROM sqlite_master WHERE name = 'customers'").Scan(&create); err != nil {
		t.Fatal(err)
	}
	m := embedded(t, dialect.SQLite)
	addMigration(t, m, "20990101000000_rebuild.sql",
		strings.Replace(create, "CREATE TABLE `customers`", "CREATE TABLE `customers_new`", 1)+";\n"+
			"INSERT INTO `customers_new` SELECT * FROM `customers`;\n"+
			"DROP TABLE `customers`;\n"+
			"ALTER TABLE `customers_new` RENAME TO `customers`;\n")
	if _, err := up(ctx, sqldb, dialect.SQLite, mustLoad(t, m)); err != nil {
		t.Fatal(err)
	}
	if n := count(t, sqldb, "SELECT count(*) FROM hosting_subscriptions"); n != subs {
		t.Errorf("%d subscriptions after rebuilding customers, want %d (ON DELETE CASCADE ran)", n, subs)
	}
	var fk int
	if err := sqldb.QueryRow("PRAGMA foreign_keys").Scan(&fk); err != nil || fk != 1 {
		t.Errorf("foreign_keys = %d after the migration, %v", fk, err)
	}

	addMigration(t, m, "20990102000000_orphans.sql", "DELETE FROM `customers`;\n")
	_, err := up(ctx, sqldb, dialect.SQLite, mustLoad(t, m))
	wantErr(t, err, "referring to missing", "nothing was changed")
	if n := count(t, sqldb, "SELECT count(*) FROM customers"); n == 0 {
		t.Error("customers deleted although the migration was refused")
	}
	if n := count(t, sqldb, "SELECT count(*) FROM "+RevisionTable+" WHERE version = '20990102000000'"); n != 0 {
		t.Error("the refused migration was recorded")
	}
}
