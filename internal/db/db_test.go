package db_test

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"entgo.io/ent/dialect"
	"github.com/go-sql-driver/mysql"

	"github.com/hostpanel/panel/ent"
	"github.com/hostpanel/panel/ent/credential"
	"github.com/hostpanel/panel/ent/privacy"
	"github.com/hostpanel/panel/internal/auth"
	"github.com/hostpanel/panel/internal/db"
	"github.com/hostpanel/panel/internal/validate"
)

const secret = "s3cr3t-Pw"

func TestParseURLSQLite(t *testing.T) {
	tg, err := db.ParseURL("sqlite:panel.db")
	if err != nil {
		t.Fatal(err)
	}
	want := "file:panel.db?_pragma=foreign_keys(1)&_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)"
	if tg.Dialect != dialect.SQLite || tg.DriverName != "sqlite" || !strings.HasPrefix(tg.DSN, want) {
		t.Errorf("got %+v / DSN %q", tg, tg.DSN)
	}
	if tg.Memory() {
		t.Error("file database reported as in-memory")
	}

	tg, err = db.ParseURL("sqlite:/var/lib/panel/a?b#c%d.db")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(tg.DSN, "file:/var/lib/panel/a%3fb%23c%25d.db?") {
		t.Errorf("special characters not escaped: %q", tg.DSN)
	}

	a, err := db.ParseURL("sqlite::memory:")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := db.ParseURL("sqlite::memory:")
	if !a.Memory() || !strings.HasPrefix(a.DSN, "file:memdb") ||
		!strings.Contains(a.DSN, "mode=memory&cache=shared&_pragma=foreign_keys(1)") {
		t.Errorf("memory DSN %q", a.DSN)
	}
	if a.DSN == b.DSN {
		t.Error("two in-memory targets share one database name")
	}
	if a.String() != "sqlite::memory:" {
		t.Errorf("String() = %q", a.String())
	}
}

func TestParseURLMySQL(t *testing.T) {
	tg, err := db.ParseURL("mysql://panel:" + secret + "@db.example.com:3307/hosting?charset=utf8mb4&collation=utf8mb4_unicode_ci&timeout=3s&readTimeout=30s&writeTimeout=30s&tls=skip-verify")
	if err != nil {
		t.Fatal(err)
	}
	if tg.Dialect != dialect.MySQL || tg.DriverName != "mysql" {
		t.Errorf("got %s/%s", tg.Dialect, tg.DriverName)
	}
	cfg, err := mysql.ParseDSN(tg.DSN)
	if err != nil {
		t.Fatalf("DSN %q does not parse: %v", tg.DSN, err)
	}
	if cfg.User != "panel" || cfg.Passwd != secret || cfg.Net != "tcp" || cfg.Addr != "db.example.com:3307" || cfg.DBName != "hosting" {
		t.Errorf("connection fields: %+v", cfg)
	}
	if !cfg.ParseTime || !cfg.InterpolateParams || cfg.Loc != time.UTC || cfg.AllowAllFiles || cfg.MultiStatements {
		t.Errorf("flags: parseTime=%v interpolateParams=%v loc=%v allowAllFiles=%v multiStatements=%v",
			cfg.ParseTime, cfg.InterpolateParams, cfg.Loc, cfg.AllowAllFiles, cfg.MultiStatements)
	}
	if cfg.Collation != "utf8mb4_unicode_ci" || cfg.Timeout != 3*time.Second || cfg.ReadTimeout != 30*time.Second ||
		cfg.WriteTimeout != 30*time.Second || cfg.TLSConfig != "skip-verify" || !strings.Contains(tg.DSN, "charset=utf8mb4") {
		t.Errorf("params not passed: %q", tg.DSN)
	}
	// Printing a Target never shows the password.
	for _, s := range []string{tg.String(), fmt.Sprint(tg), fmt.Sprintf("%+v", tg), fmt.Sprintf("%#v", tg)} {
		if strings.Contains(s, secret) {
			t.Errorf("printed target %q contains the password", s)
		}
	}

	// Default port; password with characters that need percent-encoding.
	nasty := "p@ss:w/rd?#%&=x y"
	u := url.URL{Scheme: "mysql", User: url.UserPassword("root", nasty), Host: "127.0.0.1", Path: "/test"}
	tg, err = db.ParseURL(u.String())
	if err != nil {
		t.Fatalf("%s: %v", u.String(), err)
	}
	cfg, err = mysql.ParseDSN(tg.DSN)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Passwd != nasty || cfg.Addr != "127.0.0.1:3306" || cfg.User != "root" {
		t.Errorf("got user %q password %q addr %q", cfg.User, cfg.Passwd, cfg.Addr)
	}
	// IPv6 and an empty password.
	tg, err = db.ParseURL("mysql://root@[::1]:3306/test")
	if err != nil {
		t.Fatal(err)
	}
	if cfg, _ = mysql.ParseDSN(tg.DSN); cfg.Addr != "[::1]:3306" || cfg.Passwd != "" {
		t.Errorf("addr %q", cfg.Addr)
	}
}

func TestParseURLErrors(t *testing.T) {
	bad := []string{
		"",
		"foo:bar",
		"postgres://u:" + secret + "@h/db",
		"panel.db",
		"sqlite:",
		"sqlite://panel.db",
		"sqlite:file:x.db",
		"sqlite:a\nb",
		"mysql://x",
		"mysql:x",
		"mysql://u:" + secret + "@h:99999/db",
		"mysql://u:" + secret + "@h:abc/db",
		"mysql://u:" + secret + "@:3306/db",
		"mysql://:" + secret + "@h/db",
		"mysql://u:" + secret + "@h",
		"mysql://u:" + secret + "@h/",
		"mysql://u:" + secret + "@h/db/x",
		"mysql://u:" + secret + "@h/db#frag",
		"mysql://u:" + secret + "%zz@h/db",
		"mysql://u:" + secret + "@h/db?allowAllFiles=true",
		"mysql://u:" + secret + "@h/db?multiStatements=true",
		"mysql://u:" + secret + "@h/db?loc=Local",
		"mysql://u:" + secret + "@h/db?parseTime=false",
		"mysql://u:" + secret + "@h/db?tls=custom",
		"mysql://u:" + secret + "@h/db?timeout=soon",
		"mysql://u:" + secret + "@h/db?charset=utf8;DROP",
		"mysql://u:" + secret + "@h/db?charset=a&charset=b",
		"mysql://u:" + secret + "@h/db?x=%0Ay",
		"mysql://u:" + secret + "@h/db?%0Abad=1",
		"mysql://u:" + secret + "@h/db?charset=sjis", // unsafe with interpolateParams
	}
	for _, raw := range bad {
		_, err := db.ParseURL(raw)
		if err == nil {
			t.Errorf("ParseURL(%q) succeeded", raw)
			continue
		}
		msg := err.Error()
		if strings.Contains(msg, secret) || strings.Contains(msg, "s3cr") {
			t.Errorf("ParseURL(%q): message contains the password: %s", raw, msg)
		}
		if strings.ContainsAny(msg, "\r\n") {
			t.Errorf("ParseURL(%q): message is not one line: %q", raw, msg)
		}
		if !strings.HasPrefix(msg, "invalid database URL") {
			t.Errorf("ParseURL(%q): %q", raw, msg)
		}
	}
}

func fastHasher() auth.Hasher { return auth.FastHasher() }

func openMemory(t *testing.T, onStatement func(context.Context)) (*ent.Client, *sql.DB) {
	t.Helper()
	tg, err := db.ParseURL("sqlite::memory:")
	if err != nil {
		t.Fatal(err)
	}
	c, sqldb, err := db.Open(context.Background(), tg, onStatement)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c, sqldb
}

func TestOpenMigrateEnsureAdminSQLiteMemory(t *testing.T) {
	var n atomic.Int64
	c, sqldb := openMemory(t, func(context.Context) { n.Add(1) })
	testLifecycle(t, c, sqldb, dialect.SQLite)
	if n.Load() == 0 {
		t.Error("onStatement never called")
	}
	// The pool keeps the in-memory database alive and shares it between
	// connections: hold one connection busy and read through another.
	ctx := context.Background()
	conn, err := sqldb.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var count int
	if err := conn.QueryRowContext(ctx, "SELECT count(*) FROM administrators").Scan(&count); err != nil || count != 1 {
		t.Fatalf("administrators via a pinned connection: %d, %v", count, err)
	}
	if err := sqldb.QueryRowContext(ctx, "SELECT count(*) FROM credentials").Scan(&count); err != nil || count != 1 {
		t.Fatalf("credentials via another connection: %d, %v", count, err)
	}
	if st := sqldb.Stats(); st.MaxOpenConnections < 1 {
		t.Errorf("pool stats %+v", st)
	}
}

// testLifecycle migrates a fresh database and checks EnsureAdmin.
func testLifecycle(t *testing.T, c *ent.Client, sqldb *sql.DB, d string) {
	t.Helper()
	ctx := context.Background()
	if err := db.Migrate(ctx, sqldb, d); err != nil {
		t.Fatal(err)
	}
	if err := db.Migrate(ctx, sqldb, d); err != nil {
		t.Fatalf("second migration: %v", err)
	}

	// A weak password is refused and creates nothing.
	if _, err := db.EnsureAdmin(ctx, c, fastHasher(), "short"); !validate.IsWeakPassword(err) {
		t.Fatalf("weak password: %v", err)
	}

	pw, err := db.EnsureAdmin(ctx, c, fastHasher(), "")
	if err != nil {
		t.Fatal(err)
	}
	if len(pw) != 20 {
		t.Fatalf("generated password %q, want 20 characters", pw)
	}
	if err := validate.Password(pw, "admin"); err != nil {
		t.Errorf("generated password fails the policy: %v", err)
	}
	sys := privacy.DecisionContext(ctx, privacy.Allow)
	admins, err := c.Administrator.Query().WithCredential().All(sys)
	if err != nil {
		t.Fatal(err)
	}
	if len(admins) != 1 {
		t.Fatalf("%d administrators", len(admins))
	}
	a := admins[0]
	if a.Login != "admin" || a.Name != "Administrator" || a.Email != "admin@localhost" || a.Edges.Credential == nil {
		t.Fatalf("administrator %+v", a)
	}
	if a.Edges.Credential.Login != "admin" {
		t.Errorf("credential login %q", a.Edges.Credential.Login)
	}
	if ok, err := auth.Verify(a.Edges.Credential.PasswordHash, pw); err != nil || !ok {
		t.Errorf("generated password does not verify: %v %v", ok, err)
	}
	// Idempotent: nothing generated, nothing changed, given password ignored.
	again, err := db.EnsureAdmin(ctx, c, fastHasher(), "another-password")
	if err != nil || again != "" {
		t.Fatalf("second EnsureAdmin: %q, %v", again, err)
	}
	if n := c.Credential.Query().Where(credential.Login("admin")).CountX(sys); n != 1 {
		t.Errorf("%d admin credentials", n)
	}
	// Without the system decision the policies deny everything.
	if _, err := c.Administrator.Query().All(ctx); err == nil {
		t.Error("query without a viewer succeeded")
	}
}

func TestEnsureAdminGivenPassword(t *testing.T) {
	c, sqldb := openMemory(t, nil)
	ctx := context.Background()
	if err := db.Migrate(ctx, sqldb, dialect.SQLite); err != nil {
		t.Fatal(err)
	}
	if _, err := db.EnsureAdmin(ctx, c, fastHasher(), "ADMIN"); err == nil {
		t.Error("password equal to the login accepted")
	}
	gen, err := db.EnsureAdmin(ctx, c, fastHasher(), "correct horse battery")
	if err != nil || gen != "" {
		t.Fatalf("EnsureAdmin: %q, %v", gen, err)
	}
	cred := c.Credential.Query().OnlyX(privacy.DecisionContext(ctx, privacy.Allow))
	if ok, _ := auth.Verify(cred.PasswordHash, "correct horse battery"); !ok {
		t.Error("given password does not verify")
	}
}

func TestEnsureAdminConcurrent(t *testing.T) {
	// Several instances starting at once create exactly one administrator.
	dir := t.TempDir()
	tg, err := db.ParseURL("sqlite:" + filepath.Join(dir, "panel.db"))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	c, sqldb, err := db.Open(ctx, tg, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := db.Migrate(ctx, sqldb, tg.Dialect); err != nil {
		t.Fatal(err)
	}
	const n = 6
	var wg sync.WaitGroup
	gens := make([]string, n)
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			ci, _, err := db.Open(ctx, tg, nil)
			if err != nil {
				errs[i] = err
				return
			}
			defer ci.Close()
			gens[i], errs[i] = db.EnsureAdmin(ctx, ci, fastHasher(), "")
		})
	}
	wg.Wait()
	created := 0
	for i := range n {
		if errs[i] != nil {
			t.Errorf("instance %d: %v", i, errs[i])
		}
		if gens[i] != "" {
			created++
		}
	}
	if created != 1 {
		t.Errorf("%d instances report creating the administrator", created)
	}
	if k := c.Administrator.Query().CountX(privacy.DecisionContext(ctx, privacy.Allow)); k != 1 {
		t.Errorf("%d administrators", k)
	}
}

func TestSQLiteFileConcurrentWrites(t *testing.T) {
	tg, err := db.ParseURL("sqlite:" + filepath.Join(t.TempDir(), "panel.db"))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	c, sqldb, err := db.Open(ctx, tg, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := db.Migrate(ctx, sqldb, tg.Dialect); err != nil {
		t.Fatal(err)
	}
	var mode string
	if err := sqldb.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
		t.Errorf("journal_mode %q, %v", mode, err)
	}
	var fk int
	if err := sqldb.QueryRowContext(ctx, "PRAGMA foreign_keys").Scan(&fk); err != nil || fk != 1 {
		t.Errorf("foreign_keys %d, %v", fk, err)
	}
	// Read-then-write transactions from many goroutines: no SQLITE_BUSY.
	sys := privacy.DecisionContext(ctx, privacy.Allow)
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for g := range 16 {
		wg.Go(func() {
			for i := range 4 {
				tx, err := c.Tx(sys)
				if err != nil {
					errs <- err
					return
				}
				if _, err := tx.Credential.Query().Count(sys); err != nil {
					_ = tx.Rollback()
					errs <- err
					return
				}
				if _, err := tx.Credential.Create().SetLogin(fmt.Sprintf("u%d-%d", g, i)).SetPasswordHash("x").Save(sys); err != nil {
					_ = tx.Rollback()
					errs <- err
					return
				}
				if err := tx.Commit(); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if n := c.Credential.Query().CountX(sys); n != 64 {
		t.Errorf("%d credentials, want 64", n)
	}
}

func TestOpenUnreachableMySQL(t *testing.T) {
	tg, err := db.ParseURL("mysql://u:" + secret + "@127.0.0.1:1/db")
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = db.Open(context.Background(), tg, nil)
	if err == nil {
		t.Fatal("Open succeeded")
	}
	msg := err.Error()
	if !strings.HasPrefix(msg, "cannot reach database: ") || strings.Contains(msg, secret) || strings.ContainsAny(msg, "\n") {
		t.Errorf("message %q", msg)
	}
}

func TestOpenSQLiteMissingDirectory(t *testing.T) {
	tg, err := db.ParseURL("sqlite:" + filepath.Join(t.TempDir(), "no", "such", "dir", "panel.db"))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := db.Open(context.Background(), tg, nil); err == nil {
		t.Fatal("Open succeeded")
	}
}

// TestMySQL runs the lifecycle on MySQL/MariaDB when PANEL_TEST_MYSQL_DSN
// holds a go-sql-driver DSN, e.g.
// root@tcp(127.0.0.1:3306)/test?parseTime=true&interpolateParams=true.
// It works in a scratch database that it drops at the end.
func TestMySQL(t *testing.T) {
	dsn := os.Getenv("PANEL_TEST_MYSQL_DSN")
	if dsn == "" {
		t.Skip("PANEL_TEST_MYSQL_DSN not set")
	}
	c, sqldb0, count := openMySQL(t, dsn)
	testLifecycle(t, c, sqldb0, dialect.MySQL)
	if count.Load() == 0 {
		t.Error("onStatement never called")
	}

	// The same server through a mysql:// URL.
	cfg, _ := mysql.ParseDSN(dsn)
	u := url.URL{Scheme: "mysql", User: url.UserPassword(cfg.User, cfg.Passwd), Host: cfg.Addr, Path: "/" + cfg.DBName,
		RawQuery: "charset=utf8mb4&collation=utf8mb4_bin&timeout=5s"}
	tg, err := db.ParseURL(u.String())
	if err != nil {
		t.Fatal(err)
	}
	c2, sqldb, err := db.Open(context.Background(), tg, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Close()
	var tz string
	if err := sqldb.QueryRow("SELECT @@session.collation_connection").Scan(&tz); err != nil || tz != "utf8mb4_bin" {
		t.Errorf("collation_connection %q, %v", tz, err)
	}
}

// openMySQL creates a scratch database on the server of dsn and returns a
// client on it (opened directly from a DSN, not from a URL).
func openMySQL(t *testing.T, dsn string) (*ent.Client, *sql.DB, *atomic.Int64) {
	t.Helper()
	cfg, err := mysql.ParseDSN(dsn)
	if err != nil {
		t.Fatalf("PANEL_TEST_MYSQL_DSN: %v", err)
	}
	admin, err := sql.Open("mysql", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = admin.Close() })
	var b [4]byte
	_, _ = rand.Read(b[:])
	name := "panel_dbtest_" + hex.EncodeToString(b[:])
	ctx := context.Background()
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE `"+name+"` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin"); err != nil {
		t.Fatalf("creating a scratch database: %v", err)
	}
	t.Cleanup(func() { _, _ = admin.ExecContext(context.Background(), "DROP DATABASE `"+name+"`") })
	cfg.DBName = name
	cfg.ParseTime = true
	cfg.InterpolateParams = true
	cfg.Loc = time.UTC
	var count atomic.Int64
	tg := db.Target{Dialect: dialect.MySQL, DriverName: "mysql", DSN: cfg.FormatDSN()}
	c, sqldb, err := db.Open(ctx, tg, func(context.Context) { count.Add(1) })
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c, sqldb, &count
}
