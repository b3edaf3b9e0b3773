package sqlcount_test

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"os"
	"regexp"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"
	_ "modernc.org/sqlite"

	"github.com/hostpanel/panel/internal/sqlcount"
)

const sqliteDSN = "file::memory:?_pragma=foreign_keys(1)"

// backend opens a fresh, wrapped database.
type backend struct {
	name string
	open func(t *testing.T, opts sqlcount.Options) *sql.DB
}

func sqliteBackends() []backend {
	return []backend{
		{"sqlite", func(t *testing.T, opts sqlcount.Options) *sql.DB {
			db, err := sqlcount.Open("sqlite", sqliteDSN, opts)
			if err != nil {
				t.Fatalf("open sqlite: %v", err)
			}
			return db
		}},
		// The inner connection has no Exec/Query: database/sql always takes
		// the Prepare fallback, and statements lack the context methods.
		{"sqlite-prepare-only", func(t *testing.T, opts sqlcount.Options) *sql.DB {
			return sql.OpenDB(sqlcount.Wrap(fakeConnector{mode: prepareOnly}, opts))
		}},
		// The inner connection answers driver.ErrSkip to Exec/Query with
		// arguments, like go-sql-driver/mysql without interpolateParams.
		{"sqlite-skip-with-args", func(t *testing.T, opts sqlcount.Options) *sql.DB {
			return sql.OpenDB(sqlcount.Wrap(fakeConnector{mode: skipWithArgs}, opts))
		}},
	}
}

// mysqlBackends returns the MySQL backends if PANEL_TEST_MYSQL_DSN is set. It
// skips t otherwise, or fails it when PANEL_TEST_REQUIRE_MYSQL is set.
func mysqlBackends(t *testing.T) []backend {
	t.Helper()
	require := os.Getenv("PANEL_TEST_REQUIRE_MYSQL") != ""
	unavailable := func(format string, args ...any) {
		t.Helper()
		if require {
			t.Fatalf("PANEL_TEST_REQUIRE_MYSQL is set but MySQL is unusable: "+format, args...)
		}
		t.Skipf(format, args...)
	}
	dsn := os.Getenv("PANEL_TEST_MYSQL_DSN")
	if dsn == "" {
		unavailable("PANEL_TEST_MYSQL_DSN not set")
		return nil
	}
	cfg, err := mysql.ParseDSN(dsn)
	if err != nil {
		t.Fatalf("PANEL_TEST_MYSQL_DSN: %v", err)
	}
	probe, err := sql.Open("mysql", dsn)
	if err != nil {
		t.Fatalf("open mysql: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err = probe.PingContext(ctx)
	_ = probe.Close()
	if err != nil {
		unavailable("MySQL at PANEL_TEST_MYSQL_DSN unreachable: %v", err)
		return nil
	}

	open := func(dsn string) func(t *testing.T, opts sqlcount.Options) *sql.DB {
		return func(t *testing.T, opts sqlcount.Options) *sql.DB {
			db, err := sqlcount.Open("mysql", dsn, opts)
			if err != nil {
				t.Fatalf("open mysql: %v", err)
			}
			return db
		}
	}
	// Both argument modes of the driver: client-side interpolation, and
	// server-side prepared statements (driver.ErrSkip + Prepare fallback).
	interp, noInterp := cfg.Clone(), cfg.Clone()
	interp.InterpolateParams = true
	noInterp.InterpolateParams = false
	return []backend{
		{"mysql-interpolate", open(interp.FormatDSN())},
		{"mysql-prepare", open(noInterp.FormatDSN())},
	}
}

func TestCountsSQLite(t *testing.T) {
	for _, b := range sqliteBackends() {
		t.Run(b.name, func(t *testing.T) { runCountTests(t, b) })
	}
}

func TestCountsMySQL(t *testing.T) {
	for _, b := range mysqlBackends(t) {
		t.Run(b.name, func(t *testing.T) {
			runCountTests(t, b)
			t.Run("MatchesServer", func(t *testing.T) { testMatchesServer(t, b) })
		})
	}
}

// testMatchesServer compares the count with the server's own per-session
// count of statements (Questions: COM_QUERY and COM_STMT_EXECUTE, but not
// COM_STMT_PREPARE/CLOSE or COM_PING).
func testMatchesServer(t *testing.T, b backend) {
	e := newEnv(t, b)
	conn, err := e.db.Conn(context.Background()) // pin the session
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	questions := func() int64 {
		t.Helper()
		var name string
		var n int64
		if err := conn.QueryRowContext(context.Background(), "SHOW SESSION STATUS LIKE 'Questions'").Scan(&name, &n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	c := new(sqlcount.Counter)
	ctx := sqlcount.WithCounter(context.Background(), c)
	before := questions()
	for i := 1; i <= 3; i++ {
		if _, err := conn.ExecContext(ctx, e.q("INSERT INTO T (id, name) VALUES (?, ?)"), i, "a"); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := conn.ExecContext(ctx, e.q("UPDATE T SET name = 'b'")); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := conn.QueryRowContext(ctx, e.q("SELECT COUNT(*) FROM T WHERE id > ?"), 0).Scan(&n); err != nil {
		t.Fatal(err)
	}
	st, err := conn.PrepareContext(ctx, e.q("SELECT name FROM T WHERE id = ?"))
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 2; i++ {
		var name string
		if err := st.QueryRowContext(ctx, i).Scan(&name); err != nil {
			t.Fatal(err)
		}
	}
	_ = st.Close()
	_ = conn.PingContext(ctx)
	sent := questions() - before - 1 // the second SHOW STATUS counts itself
	want(t, c, sent)
	if sent != 7 {
		t.Errorf("server saw %d statements, want 7", sent)
	}
}

var errInjected = errors.New("injected fault")

type failKey struct{}

// failing returns a context whose statements the test Hook fails.
func failing(ctx context.Context) context.Context {
	return context.WithValue(ctx, failKey{}, true)
}

type tagKey struct{}

// env is one test's database with a fresh table.
type env struct {
	db    *sql.DB
	table string
	// hooks and stmts count Hook and OnStatement calls.
	hooks, stmts atomic.Int64
	// onStatement, if set, is called by OnStatement.
	onStatement func(ctx context.Context)
}

var tableSeq atomic.Int64

func newEnv(t *testing.T, b backend) *env {
	t.Helper()
	e := &env{
		table: fmt.Sprintf("sqlcount_t%d_%d", time.Now().UnixNano()%1e9, tableSeq.Add(1)),
	}
	e.db = b.open(t, sqlcount.Options{
		Hook: func(ctx context.Context, query string) error {
			e.hooks.Add(1)
			if ctx.Value(failKey{}) != nil {
				return errInjected
			}
			return nil
		},
		OnStatement: func(ctx context.Context) {
			e.stmts.Add(1)
			if e.onStatement != nil {
				e.onStatement(ctx)
			}
		},
	})
	// One connection: an in-memory SQLite database lives in its connection.
	e.db.SetMaxOpenConns(1)
	t.Cleanup(func() {
		if _, err := e.db.Exec("DROP TABLE " + e.table); err != nil {
			t.Errorf("drop table: %v", err)
		}
		if err := e.db.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
	})
	e.exec(t, context.Background(), "CREATE TABLE "+e.table+" (id INTEGER PRIMARY KEY, name VARCHAR(64) NOT NULL)")
	// Every counted statement ran the Hook exactly once and vice versa.
	// (Registered after the DROP cleanup, so it runs before it.)
	t.Cleanup(func() {
		if h, s := e.hooks.Load(), e.stmts.Load(); h != s {
			t.Errorf("Hook called %d times for %d statements", h, s)
		}
	})
	return e
}

var tableWord = regexp.MustCompile(`\bT\b`)

// q replaces the word T in query with the table name.
func (e *env) q(query string) string { return tableWord.ReplaceAllLiteralString(query, e.table) }

func (e *env) exec(t *testing.T, ctx context.Context, query string, args ...any) sql.Result {
	t.Helper()
	res, err := e.db.ExecContext(ctx, e.q(query), args...)
	if err != nil {
		t.Fatalf("exec %q: %v", query, err)
	}
	return res
}

func (e *env) rowCount(t *testing.T) int {
	t.Helper()
	var n int
	if err := e.db.QueryRow(e.q("SELECT COUNT(*) FROM T")).Scan(&n); err != nil {
		t.Fatalf("count rows: %v", err)
	}
	return n
}

func want(t *testing.T, c *sqlcount.Counter, n int64) {
	t.Helper()
	if got := c.Load(); got != n {
		t.Errorf("counter = %d, want %d", got, n)
	}
}

func runCountTests(t *testing.T, b backend) {
	t.Run("Exec", func(t *testing.T) {
		e := newEnv(t, b)
		c := new(sqlcount.Counter)
		ctx := sqlcount.WithCounter(context.Background(), c)
		res := e.exec(t, ctx, "INSERT INTO T (id, name) VALUES (?, ?)", 1, "a")
		want(t, c, 1)
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			t.Errorf("RowsAffected = %d, %v", n, err)
		}
		e.exec(t, ctx, "INSERT INTO T (id, name) VALUES (2, 'b')")
		want(t, c, 2)
		e.exec(t, ctx, "UPDATE T SET name = ? WHERE id > ?", "x", 0)
		want(t, c, 3)
		if _, err := e.db.ExecContext(ctx, e.q("INSERT INTO T_missing (id) VALUES (?)"), 1); err == nil {
			t.Error("insert into missing table succeeded")
		}
		want(t, c, 4) // a failing statement was sent all the same
	})

	t.Run("Query", func(t *testing.T) {
		e := newEnv(t, b)
		for i := 1; i <= 3; i++ {
			e.exec(t, context.Background(), "INSERT INTO T (id, name) VALUES (?, ?)", i, fmt.Sprint("n", i))
		}
		c := new(sqlcount.Counter)
		ctx := sqlcount.WithCounter(context.Background(), c)
		rows, err := e.db.QueryContext(ctx, e.q("SELECT id, name FROM T WHERE id >= ? ORDER BY id"), 1)
		if err != nil {
			t.Fatal(err)
		}
		var ids []int
		for rows.Next() {
			var id int
			var name string
			if err := rows.Scan(&id, &name); err != nil {
				t.Fatal(err)
			}
			ids = append(ids, id)
		}
		if err := rows.Close(); err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(ids) != "[1 2 3]" {
			t.Errorf("ids = %v", ids)
		}
		want(t, c, 1)
		rows, err = e.db.QueryContext(ctx, e.q("SELECT id FROM T"))
		if err != nil {
			t.Fatal(err)
		}
		_ = rows.Close()
		want(t, c, 2)
	})

	t.Run("QueryRow", func(t *testing.T) {
		e := newEnv(t, b)
		e.exec(t, context.Background(), "INSERT INTO T (id, name) VALUES (7, 'seven')")
		c := new(sqlcount.Counter)
		ctx := sqlcount.WithCounter(context.Background(), c)
		var name string
		if err := e.db.QueryRowContext(ctx, e.q("SELECT name FROM T WHERE id = ?"), 7).Scan(&name); err != nil || name != "seven" {
			t.Fatalf("QueryRow = %q, %v", name, err)
		}
		want(t, c, 1)
		if err := e.db.QueryRowContext(ctx, e.q("SELECT name FROM T WHERE id = ?"), 8).Scan(&name); !errors.Is(err, sql.ErrNoRows) {
			t.Fatalf("QueryRow for missing row: %v", err)
		}
		want(t, c, 2)
		var n int
		if err := e.db.QueryRowContext(ctx, e.q("SELECT COUNT(*) FROM T")).Scan(&n); err != nil || n != 1 {
			t.Fatalf("count = %d, %v", n, err)
		}
		want(t, c, 3)
	})

	t.Run("Prepared", func(t *testing.T) {
		e := newEnv(t, b)
		c := new(sqlcount.Counter)
		ctx := sqlcount.WithCounter(context.Background(), c)
		ins, err := e.db.PrepareContext(ctx, e.q("INSERT INTO T (id, name) VALUES (?, ?)"))
		if err != nil {
			t.Fatal(err)
		}
		defer ins.Close()
		sel, err := e.db.PrepareContext(ctx, e.q("SELECT name FROM T WHERE id = ?"))
		if err != nil {
			t.Fatal(err)
		}
		defer sel.Close()
		want(t, c, 0) // preparing is not counted
		for i := 1; i <= 3; i++ {
			if _, err := ins.ExecContext(ctx, i, fmt.Sprint("n", i)); err != nil {
				t.Fatal(err)
			}
		}
		want(t, c, 3)
		var name string
		if err := sel.QueryRowContext(ctx, 2).Scan(&name); err != nil || name != "n2" {
			t.Fatalf("prepared QueryRow = %q, %v", name, err)
		}
		want(t, c, 4)
		rows, err := sel.QueryContext(ctx, 3)
		if err != nil {
			t.Fatal(err)
		}
		_ = rows.Close()
		want(t, c, 5)
		// Without a counter in the context nothing is added.
		if _, err := ins.Exec(4, "n4"); err != nil {
			t.Fatal(err)
		}
		want(t, c, 5)
		if n := e.rowCount(t); n != 4 {
			t.Errorf("%d rows, want 4", n)
		}
	})

	t.Run("Tx", func(t *testing.T) {
		e := newEnv(t, b)
		ins, err := e.db.Prepare(e.q("INSERT INTO T (id, name) VALUES (?, ?)"))
		if err != nil {
			t.Fatal(err)
		}
		defer ins.Close()

		c := new(sqlcount.Counter)
		ctx := sqlcount.WithCounter(context.Background(), c)
		tx, err := e.db.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		want(t, c, 0) // BEGIN
		if _, err := tx.ExecContext(ctx, e.q("INSERT INTO T (id, name) VALUES (?, ?)"), 1, "a"); err != nil {
			t.Fatal(err)
		}
		if _, err := tx.ExecContext(ctx, e.q("INSERT INTO T (id, name) VALUES (2, 'b')")); err != nil {
			t.Fatal(err)
		}
		want(t, c, 2)
		var n int
		if err := tx.QueryRowContext(ctx, e.q("SELECT COUNT(*) FROM T WHERE id > ?"), 0).Scan(&n); err != nil || n != 2 {
			t.Fatalf("count in tx = %d, %v", n, err)
		}
		want(t, c, 3)
		if _, err := tx.StmtContext(ctx, ins).ExecContext(ctx, 3, "c"); err != nil {
			t.Fatal(err)
		}
		want(t, c, 4)
		txIns, err := tx.PrepareContext(ctx, e.q("INSERT INTO T (id, name) VALUES (?, ?)"))
		if err != nil {
			t.Fatal(err)
		}
		for i := 4; i <= 5; i++ {
			if _, err := txIns.ExecContext(ctx, i, "d"); err != nil {
				t.Fatal(err)
			}
		}
		want(t, c, 6)
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
		want(t, c, 6) // COMMIT

		tx, err = e.db.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tx.ExecContext(ctx, e.q("INSERT INTO T (id, name) VALUES (?, ?)"), 9, "rolled back"); err != nil {
			t.Fatal(err)
		}
		want(t, c, 7)
		if err := tx.Rollback(); err != nil {
			t.Fatal(err)
		}
		want(t, c, 7) // ROLLBACK
		if n := e.rowCount(t); n != 5 {
			t.Errorf("%d rows after commit and rollback, want 5", n)
		}
	})

	t.Run("IndependentCounters", func(t *testing.T) {
		e := newEnv(t, b)
		a, bc := new(sqlcount.Counter), new(sqlcount.Counter)
		ctxA := sqlcount.WithCounter(context.Background(), a)
		ctxB := sqlcount.WithCounter(context.Background(), bc)
		if sqlcount.CounterFrom(ctxA) != a || sqlcount.CounterFrom(ctxB) != bc {
			t.Fatal("CounterFrom does not return the attached counter")
		}
		if sqlcount.CounterFrom(context.Background()) != nil {
			t.Fatal("CounterFrom(Background) != nil")
		}
		e.exec(t, ctxA, "INSERT INTO T (id, name) VALUES (?, 'a')", 1)
		e.exec(t, ctxB, "INSERT INTO T (id, name) VALUES (?, 'b')", 2)
		e.exec(t, ctxB, "INSERT INTO T (id, name) VALUES (?, 'b')", 3)
		e.exec(t, context.Background(), "INSERT INTO T (id, name) VALUES (?, 'x')", 4)
		// A child context counts into its parent's counter.
		child, cancel := context.WithTimeout(ctxA, time.Minute)
		defer cancel()
		e.exec(t, child, "DELETE FROM T WHERE id = ?", 4)
		want(t, a, 2)
		want(t, bc, 2)

		// Nested counters: both count; re-attaching is a no-op.
		inner := new(sqlcount.Counter)
		ctxAI := sqlcount.WithCounter(ctxA, inner)
		if sqlcount.CounterFrom(ctxAI) != inner {
			t.Fatal("CounterFrom does not return the innermost counter")
		}
		if sqlcount.WithCounter(ctxAI, a) != ctxAI {
			t.Error("re-attaching a counter returned a new context")
		}
		e.exec(t, sqlcount.WithCounter(ctxAI, a), "UPDATE T SET name = 'z' WHERE id = ?", 1)
		want(t, inner, 1)
		want(t, a, 3)
		want(t, bc, 2)

		a.Reset()
		want(t, a, 0)
		e.exec(t, ctxA, "DELETE FROM T WHERE id = ?", 1)
		want(t, a, 1)
	})

	t.Run("Concurrent", func(t *testing.T) {
		e := newEnv(t, b)
		e.db.SetMaxOpenConns(1) // see newEnv; goroutines share the connection
		const workers, perWorker = 8, 5
		counters := make([]*sqlcount.Counter, workers)
		var wg sync.WaitGroup
		errs := make(chan error, workers*perWorker)
		for w := range workers {
			counters[w] = new(sqlcount.Counter)
			ctx := sqlcount.WithCounter(context.Background(), counters[w])
			wg.Go(func() {
				for i := range perWorker {
					id := w*100 + i
					if _, err := e.db.ExecContext(ctx, e.q("INSERT INTO T (id, name) VALUES (?, 'c')"), id); err != nil {
						errs <- err
					}
					var n int
					if err := e.db.QueryRowContext(ctx, e.q("SELECT COUNT(*) FROM T WHERE id = ?"), id).Scan(&n); err != nil {
						errs <- err
					}
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
		for w, c := range counters {
			if got := c.Load(); got != 2*perWorker {
				t.Errorf("worker %d: counter = %d, want %d", w, got, 2*perWorker)
			}
		}
	})

	t.Run("HookError", func(t *testing.T) {
		e := newEnv(t, b)
		e.exec(t, context.Background(), "INSERT INTO T (id, name) VALUES (1, 'a')")
		c := new(sqlcount.Counter)
		ctx := sqlcount.WithCounter(context.Background(), c)
		fctx := failing(ctx)

		checkErr := func(what string, err error) {
			t.Helper()
			if !errors.Is(err, errInjected) {
				t.Errorf("%s: err = %v, want the Hook's error", what, err)
			}
		}
		_, err := e.db.ExecContext(fctx, e.q("INSERT INTO T (id, name) VALUES (?, ?)"), 2, "b")
		if err != errInjected {
			t.Errorf("Exec returned %v (%T), want the Hook's error itself", err, err)
		}
		want(t, c, 1) // attempted, so counted
		_, err = e.db.ExecContext(fctx, e.q("INSERT INTO T (id, name) VALUES (3, 'c')"))
		checkErr("Exec without args", err)
		rows, err := e.db.QueryContext(fctx, e.q("SELECT id FROM T WHERE id > ?"), 0)
		if err == nil {
			_ = rows.Close()
		}
		checkErr("Query", err)
		var n int
		checkErr("QueryRow", e.db.QueryRowContext(fctx, e.q("SELECT COUNT(*) FROM T")).Scan(&n))
		want(t, c, 4)

		ins, err := e.db.PrepareContext(fctx, e.q("INSERT INTO T (id, name) VALUES (?, ?)"))
		if err != nil {
			t.Fatalf("Prepare must not run the Hook: %v", err)
		}
		defer ins.Close()
		_, err = ins.ExecContext(fctx, 4, "d")
		checkErr("prepared Exec", err)
		want(t, c, 5)
		if _, err := ins.ExecContext(ctx, 5, "e"); err != nil { // same statement, no fault
			t.Fatal(err)
		}
		want(t, c, 6)

		tx, err := e.db.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		_, err = tx.ExecContext(fctx, e.q("INSERT INTO T (id, name) VALUES (?, ?)"), 6, "f")
		checkErr("Exec in tx", err)
		if _, err := tx.ExecContext(ctx, e.q("INSERT INTO T (id, name) VALUES (?, ?)"), 7, "g"); err != nil {
			t.Fatalf("tx unusable after injected fault: %v", err)
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
		want(t, c, 8)

		rows, err = e.db.Query(e.q("SELECT id FROM T ORDER BY id"))
		if err != nil {
			t.Fatal(err)
		}
		var ids []int
		for rows.Next() {
			var id int
			if err := rows.Scan(&id); err != nil {
				t.Fatal(err)
			}
			ids = append(ids, id)
		}
		_ = rows.Close()
		if fmt.Sprint(ids) != "[1 5 7]" {
			t.Errorf("rows %v, want [1 5 7]: a failed statement reached the database", ids)
		}
	})

	t.Run("OnStatement", func(t *testing.T) {
		e := newEnv(t, b)
		var tagged, untagged atomic.Int64
		e.onStatement = func(ctx context.Context) {
			if ctx.Value(tagKey{}) == "x" {
				tagged.Add(1)
			} else {
				untagged.Add(1)
			}
		}
		base := e.stmts.Load()
		c := new(sqlcount.Counter)
		ctx := context.WithValue(sqlcount.WithCounter(context.Background(), c), tagKey{}, "x")
		e.exec(t, ctx, "INSERT INTO T (id, name) VALUES (?, 'a')", 1)
		e.exec(t, context.Background(), "INSERT INTO T (id, name) VALUES (?, 'b')", 2)
		var n int
		if err := e.db.QueryRowContext(ctx, e.q("SELECT COUNT(*) FROM T")).Scan(&n); err != nil {
			t.Fatal(err)
		}
		_, _ = e.db.ExecContext(failing(ctx), e.q("DELETE FROM T"))
		if got := e.stmts.Load() - base; got != 4 {
			t.Errorf("OnStatement called %d times, want 4", got)
		}
		if tagged.Load() != 3 || untagged.Load() != 1 {
			t.Errorf("OnStatement got the statement's context %d times (want 3), another %d times (want 1)",
				tagged.Load(), untagged.Load())
		}
		want(t, c, 3)
	})
}

func TestCounter(t *testing.T) {
	var c sqlcount.Counter
	c.Add(2)
	c.Add(3)
	if c.Load() != 5 {
		t.Fatalf("Load = %d", c.Load())
	}
	c.Reset()
	if c.Load() != 0 {
		t.Fatalf("Load after Reset = %d", c.Load())
	}
	var nilc *sqlcount.Counter
	nilc.Add(1)
	nilc.Reset()
	if nilc.Load() != 0 {
		t.Fatal("nil counter")
	}
	ctx := context.Background()
	if sqlcount.WithCounter(ctx, nil) != ctx || sqlcount.CounterFrom(ctx) != nil {
		t.Fatal("WithCounter(ctx, nil)")
	}
}

func TestOpenUnknownDriver(t *testing.T) {
	if _, err := sqlcount.Open("no-such-driver", "", sqlcount.Options{}); err == nil {
		t.Fatal("Open with an unknown driver succeeded")
	}
}

// TestBadConnRetry: a statement the driver refuses with driver.ErrBadConn
// was not executed; database/sql retries it and only the retry counts.
func TestBadConnRetry(t *testing.T) {
	var bad atomic.Int32
	var hooks atomic.Int64
	db := sql.OpenDB(sqlcount.Wrap(fakeConnector{mode: skipWithArgs, badConns: &bad}, sqlcount.Options{
		Hook: func(context.Context, string) error { hooks.Add(1); return nil },
	}))
	defer db.Close()
	db.SetMaxOpenConns(1)
	c := new(sqlcount.Counter)
	ctx := sqlcount.WithCounter(context.Background(), c)
	bad.Store(2)
	if _, err := db.ExecContext(ctx, "CREATE TABLE x (a INTEGER)"); err != nil {
		t.Fatal(err)
	}
	want(t, c, 1)
	if hooks.Load() != 3 {
		t.Errorf("Hook called %d times, want 3 (one per attempt)", hooks.Load())
	}
}

// TestDriver checks that DB.Driver() hands out counted connections too.
func TestDriver(t *testing.T) {
	var n atomic.Int64
	db, err := sqlcount.Open("sqlite", sqliteDSN, sqlcount.Options{OnStatement: func(context.Context) { n.Add(1) }})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db2 := sql.OpenDB(driverConnector{db.Driver()})
	defer db2.Close()
	if _, err := db2.Exec("SELECT 1"); err != nil {
		t.Fatal(err)
	}
	if n.Load() != 1 {
		t.Fatalf("%d statements counted, want 1", n.Load())
	}
}

type driverConnector struct{ d driver.Driver }

func (c driverConnector) Connect(context.Context) (driver.Conn, error) { return c.d.Open(sqliteDSN) }
func (c driverConnector) Driver() driver.Driver                        { return c.d }

// Fake drivers on top of SQLite that exercise database/sql's fallbacks.

type fakeMode int

const (
	prepareOnly  fakeMode = iota // no Exec/Query on the conn; statements without context methods
	skipWithArgs                 // Exec/Query answer driver.ErrSkip when there are arguments
)

type fakeConnector struct {
	mode fakeMode
	// badConns, if set, is how many Exec calls answer driver.ErrBadConn.
	badConns *atomic.Int32
}

func (c fakeConnector) Connect(ctx context.Context) (driver.Conn, error) {
	db, err := sql.Open("sqlite", sqliteDSN)
	if err != nil {
		return nil, err
	}
	d := db.Driver()
	_ = db.Close()
	inner, err := d.Open(sqliteDSN)
	if err != nil {
		return nil, err
	}
	if c.mode == prepareOnly {
		return &prepareOnlyConn{inner: inner}, nil
	}
	return &skipConn{prepareOnlyConn: prepareOnlyConn{inner: inner}, badConns: c.badConns}, nil
}

func (c fakeConnector) Driver() driver.Driver { return nil }

// prepareOnlyConn implements only driver.Conn.
type prepareOnlyConn struct{ inner driver.Conn }

func (c *prepareOnlyConn) Prepare(query string) (driver.Stmt, error) {
	s, err := c.inner.Prepare(query)
	if err != nil {
		return nil, err
	}
	return legacyStmt{s}, nil
}
func (c *prepareOnlyConn) Close() error              { return c.inner.Close() }
func (c *prepareOnlyConn) Begin() (driver.Tx, error) { return c.inner.Begin() }

// legacyStmt implements only driver.Stmt.
type legacyStmt struct{ inner driver.Stmt }

func (s legacyStmt) Close() error  { return s.inner.Close() }
func (s legacyStmt) NumInput() int { return s.inner.NumInput() }
func (s legacyStmt) Exec(args []driver.Value) (driver.Result, error) {
	return s.inner.Exec(args)
}
func (s legacyStmt) Query(args []driver.Value) (driver.Rows, error) {
	return s.inner.Query(args)
}

// skipConn has context Exec/Query answering driver.ErrSkip when there are
// arguments, and context-aware statements.
type skipConn struct {
	prepareOnlyConn
	badConns *atomic.Int32
}

func (c *skipConn) Prepare(query string) (driver.Stmt, error) { return c.inner.Prepare(query) }

func (c *skipConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	if c.badConns != nil && c.badConns.Add(-1) >= 0 {
		return nil, driver.ErrBadConn
	}
	if len(args) > 0 {
		return nil, driver.ErrSkip
	}
	return c.inner.(driver.ExecerContext).ExecContext(ctx, query, args)
}

func (c *skipConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	if len(args) > 0 {
		return nil, driver.ErrSkip
	}
	return c.inner.(driver.QueryerContext).QueryContext(ctx, query, args)
}
