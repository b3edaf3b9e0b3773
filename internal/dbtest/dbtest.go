// Package dbtest opens test databases: SQLite in memory always, and
// MySQL/MariaDB too when PANEL_TEST_MYSQL_DSN is set (a go-sql-driver DSN).
// With PANEL_TEST_REQUIRE_MYSQL=1 an unreachable MySQL fails the test
// instead of skipping it, so CI can never skip the MySQL run silently.
package dbtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"os"
	"testing"

	"entgo.io/ent/dialect"
	"github.com/go-sql-driver/mysql"

	"github.com/hostpanel/panel/ent"
	"github.com/hostpanel/panel/internal/db"
	"github.com/hostpanel/panel/internal/sqlcount"
)

// Dialects returns the dialects to run a suite on.
func Dialects() []string {
	ds := []string{dialect.SQLite}
	if os.Getenv("PANEL_TEST_MYSQL_DSN") != "" {
		ds = append(ds, dialect.MySQL)
	}
	return ds
}

// Each runs f as a subtest per dialect.
func Each(t *testing.T, f func(t *testing.T, d string)) {
	for _, d := range Dialects() {
		t.Run(d, func(t *testing.T) { f(t, d) })
	}
}

func randomName() string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// Open returns a fresh database of dialect d, migrated like the server does
// it (db.Migrate: the versioned migrations, under the lock), closed (and,
// for MySQL, dropped) when the test ends. onStatement, if not nil, is called for
// every SQL statement.
func Open(t testing.TB, d string, onStatement func(context.Context)) *ent.Client {
	t.Helper()
	return OpenWith(t, d, sqlcount.Options{OnStatement: onStatement})
}

// OpenWith is Open with every option of the statement wrapper (a Hook for
// fault injection).
func OpenWith(t testing.TB, d string, opts sqlcount.Options) *ent.Client {
	t.Helper()
	ctx := context.Background()
	var target db.Target
	switch d {
	case dialect.SQLite:
		var err error
		target, err = db.ParseURL("sqlite::memory:")
		if err != nil {
			t.Fatal(err)
		}
	case dialect.MySQL:
		cfg, err := mysql.ParseDSN(os.Getenv("PANEL_TEST_MYSQL_DSN"))
		if err != nil {
			t.Fatalf("PANEL_TEST_MYSQL_DSN: %v", err)
		}
		name := "panel_t_" + randomName()
		admin, err := sql.Open("mysql", cfg.FormatDSN())
		if err != nil {
			t.Fatal(err)
		}
		defer admin.Close()
		if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name+" CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"); err != nil {
			if os.Getenv("PANEL_TEST_REQUIRE_MYSQL") != "" {
				t.Fatalf("MySQL required but unusable: %v", err)
			}
			t.Skipf("MySQL unusable: %v", err)
		}
		t.Cleanup(func() {
			a, err := sql.Open("mysql", cfg.FormatDSN())
			if err == nil {
				_, _ = a.Exec("DROP DATABASE " + name)
				a.Close()
			}
		})
		cfg.DBName = name
		cfg.ParseTime = true
		cfg.InterpolateParams = true
		target = db.Target{Dialect: dialect.MySQL, DriverName: db.DriverMySQL, DSN: cfg.FormatDSN()}
	default:
		t.Fatalf("unknown dialect %q", d)
	}
	client, sqldb, err := db.OpenWith(ctx, target, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { client.Close(); sqldb.Close() })
	if err := db.Migrate(ctx, sqldb, target.Dialect); err != nil {
		t.Fatal(err)
	}
	return client
}
