package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"ariga.io/atlas/sql/migrate"
	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"

	"github.com/hostpanel/panel/ent"
	"github.com/hostpanel/panel/ent/customer"
	"github.com/hostpanel/panel/ent/migrate/migrations"
	"github.com/hostpanel/panel/ent/privacy"
	"github.com/hostpanel/panel/internal/auth"
)

// The CI check: replaying each migration directory into an empty database
// gives exactly the ent schema, and atlas.sum matches the files. A change of
// ent/schema without a migration fails here.
func TestMigrationsMatchEntSchema(t *testing.T) {
	eachDialect(t, func(t *testing.T, d string) {
		dir, err := migrations.Dir(d)
		if err != nil {
			t.Fatal(err)
		}
		if err := migrate.Validate(dir); err != nil {
			t.Fatalf("atlas.sum does not match the migration files: %v (never edit a migration; restore it and add a new one)", err)
		}
		sqldb, _ := scratch(t, d)
		mem := embedded(t, d)
		err = Diff(context.Background(), entsql.OpenDB(d, sqldb), mem, "99991231235959", "missing")
		if errors.Is(err, ErrNoChanges) {
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		var sb strings.Builder
		for name, b := range mem.Written {
			if strings.HasSuffix(name, ".sql") {
				sb.Write(b)
			}
		}
		t.Fatalf("the %s migrations do not produce the ent schema: ent/schema changed without a migration.\n"+
			"Write it with: go run ./internal/db/migrategen --mysql-dev mysql://root@127.0.0.1:3306/EMPTY_DB NAME (docs/migrations.md)\n"+
			"Missing statements:\n%s", d, sb.String())
	})
}

// A fresh database migrated by the server equals the ent schema, and
// migrating it again changes nothing.
func TestMigrateFreshDatabase(t *testing.T) {
	eachDialect(t, func(t *testing.T, d string) {
		ctx := context.Background()
		sqldb, _ := scratch(t, d)
		st, err := GetStatus(ctx, sqldb, d)
		if err != nil || st.Legacy || len(st.Applied) != 0 || len(st.Pending) == 0 {
			t.Fatalf("status of an empty database: %+v, %v", st, err)
		}
		done, err := Up(ctx, sqldb, d)
		if err != nil {
			t.Fatal(err)
		}
		if len(done) != len(st.Pending) || done[0].Baseline {
			t.Errorf("applied %+v", done)
		}
		again, err := Up(ctx, sqldb, d)
		if err != nil || len(again) != 0 {
			t.Errorf("second run applied %+v, %v", again, err)
		}
		if drift, err := SchemaDrift(ctx, sqldb, d); err != nil || len(drift) > 0 {
			t.Errorf("schema differs from ent: %q, %v", drift, err)
		}
		st, err = GetStatus(ctx, sqldb, d)
		if err != nil || len(st.Pending) != 0 || len(st.Applied) != len(done) {
			t.Errorf("status after migrating: %+v, %v", st, err)
		}
	})
}

// loadLegacyFixture fills the empty database of sqldb with the schema and
// rows that the release before versioned migrations made (its
// Schema.Create, then rows through its GraphQL API; testdata/legacy).
func loadLegacyFixture(t *testing.T, sqldb *sql.DB, d string) {
	t.Helper()
	name := "sqlite.sql"
	if d == dialect.MySQL {
		name = "mysql.sql"
	}
	b, err := os.ReadFile(filepath.Join("testdata", "legacy", name))
	if err != nil {
		t.Fatal(err)
	}
	stmts, err := migrate.NewLocalFile(name, b).Stmts()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	conn, err := sqldb.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	pre, post := "PRAGMA foreign_keys = off", "PRAGMA foreign_keys = on"
	if d == dialect.MySQL {
		pre, post = "SET FOREIGN_KEY_CHECKS = 0", "SET FOREIGN_KEY_CHECKS = 1"
	}
	if _, err := conn.ExecContext(ctx, pre); err != nil {
		t.Fatal(err)
	}
	for _, s := range stmts {
		switch strings.TrimSpace(strings.TrimSuffix(s, ";")) {
		case "PRAGMA foreign_keys=OFF", "BEGIN TRANSACTION", "COMMIT":
			continue // the dump's own framing; the pool's connection is in autocommit
		}
		if _, err := conn.ExecContext(ctx, s); err != nil {
			t.Fatalf("loading %s: %v\n%.200s", name, err, s)
		}
	}
	if _, err := conn.ExecContext(ctx, post); err != nil {
		t.Fatal(err)
	}
}

// snapshot returns every row of every table (but the revision table) as
// text: of the tables and columns of like when it is not nil (later
// migrations may add tables and columns), else of all.
func snapshot(t *testing.T, sqldb *sql.DB, d string, like map[string][]string) (rowsByTable, colsByTable map[string][]string) {
	t.Helper()
	ctx := context.Background()
	ts, err := tables(ctx, sqldb, d)
	if err != nil {
		t.Fatal(err)
	}
	out, colsOut := map[string][]string{}, map[string][]string{}
	for _, table := range ts {
		if table == RevisionTable {
			continue
		}
		list := "*"
		if like != nil {
			cs, ok := like[table]
			if !ok {
				continue
			}
			list = "`" + strings.Join(cs, "`, `") + "`"
		}
		rows, err := sqldb.Query("SELECT " + list + " FROM `" + table + "` ORDER BY 1")
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		colsOut[table] = cols
		for rows.Next() {
			vals := make([]sql.RawBytes, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			var sb strings.Builder
			for i, c := range cols {
				if vals[i] == nil {
					fmt.Fprintf(&sb, "%s=NULL ", c)
				} else {
					fmt.Fprintf(&sb, "%s=%q ", c, vals[i])
				}
			}
			out[table] = append(out[table], sb.String())
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		rows.Close()
		if len(out[table]) == 0 {
			out[table] = []string{}
		}
	}
	return out, colsOut
}

// The upgrade from the previous release: a database created by its
// Schema.Create (with rows made through its API) gets the baseline
// recorded without running it, keeps every row and ID, equals the ent
// schema afterwards, and its Relay IDs still resolve.
func TestMigrateUpgradesPreviousRelease(t *testing.T) {
	eachDialect(t, func(t *testing.T, d string) {
		ctx := context.Background()
		sqldb, _ := scratch(t, d)
		loadLegacyFixture(t, sqldb, d)
		before, cols := snapshot(t, sqldb, d, nil)
		if len(before["customers"]) != 2 || len(before["ent_types"]) != 15 || len(before["audit_events"]) == 0 {
			t.Fatalf("fixture not loaded: %d customers, %d types", len(before["customers"]), len(before["ent_types"]))
		}

		st, err := GetStatus(ctx, sqldb, d)
		if err != nil || !st.Legacy || len(st.Applied) != 0 {
			t.Fatalf("status of the previous release's database: %+v, %v", st, err)
		}
		done, err := Up(ctx, sqldb, d)
		if err != nil {
			t.Fatal(err)
		}
		if len(done) == 0 || !done[0].Baseline || done[0].Applied != done[0].Statements {
			t.Fatalf("applied %+v, want the baseline first", done)
		}
		after, _ := snapshot(t, sqldb, d, cols)
		for table, rows := range before {
			got := after[table]
			if table == "ent_types" && len(got) > len(rows) {
				got = got[:len(rows)] // later migrations append types
			}
			if !slices.Equal(rows, got) {
				t.Errorf("table %s changed:\nbefore %q\nafter  %q", table, rows, after[table])
			}
		}
		if drift, err := SchemaDrift(ctx, sqldb, d); err != nil || len(drift) > 0 {
			t.Errorf("schema differs from ent after the upgrade: %q, %v", drift, err)
		}

		// Relay IDs resolve through ent_types, and new rows get IDs in
		// their type's range.
		c := ent.NewClient(ent.Driver(entsql.OpenDB(d, sqldb)))
		sys := privacy.DecisionContext(ctx, privacy.Allow)
		jane, err := c.Customer.Query().Where(customer.Login("jdoe")).Only(sys)
		if err != nil {
			t.Fatal(err)
		}
		n, err := c.Noder(sys, jane.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got, ok := n.(*ent.Customer); !ok || got.Login != "jdoe" {
			t.Errorf("Noder(%d) = %#v", jane.ID, n)
		}
		bob, err := c.Customer.Create().SetLogin("newbie").SetName("New").SetEmail("new@example.com").Save(sys)
		if err != nil {
			t.Fatal(err)
		}
		if bob.ID>>32 != jane.ID>>32 || bob.ID <= jane.ID {
			t.Errorf("new customer ID %d outside the range of %d", bob.ID, jane.ID)
		}
		if pw, err := EnsureAdmin(ctx, c, auth.FastHasher(), ""); err != nil || pw != "" {
			t.Errorf("EnsureAdmin on the upgraded database: %q, %v", pw, err)
		}

		// Nothing left to do on the next start.
		if again, err := Up(ctx, sqldb, d); err != nil || len(again) != 0 {
			t.Errorf("second run applied %+v, %v", again, err)
		}
	})
}

// Processes starting together on one database (separate pools) apply
// each migration exactly once and all start.
func TestMigrateConcurrentStarts(t *testing.T) {
	eachDialect(t, func(t *testing.T, d string) {
		ctx := context.Background()
		var tg Target
		if d == dialect.SQLite {
			var err error
			if tg, err = ParseURL("sqlite:" + filepath.Join(t.TempDir(), "panel.db")); err != nil {
				t.Fatal(err)
			}
		} else {
			_, tg = scratch(t, d)
		}
		const n = 6
		pools := make([]*sql.DB, n)
		for i := range pools {
			c, sqldb, err := Open(ctx, tg, nil)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = c.Close() })
			pools[i] = sqldb
		}
		var wg sync.WaitGroup
		errs := make([]error, n)
		applied := make([]int, n)
		start := make(chan struct{})
		for i := range n {
			wg.Go(func() {
				<-start
				done, err := Up(ctx, pools[i], d)
				errs[i], applied[i] = err, len(done)
			})
		}
		close(start)
		wg.Wait()
		total := 0
		for i := range n {
			if errs[i] != nil {
				t.Errorf("process %d: %v", i, errs[i])
			}
			total += applied[i]
		}
		files, _ := embedded(t, d).Files()
		if total != len(files) {
			t.Errorf("%d migrations applied in total, want %d (each once)", total, len(files))
		}
		if k := count(t, pools[0], "SELECT count(*) FROM "+RevisionTable); k != len(files) {
			t.Errorf("%d revisions", k)
		}
	})
}
