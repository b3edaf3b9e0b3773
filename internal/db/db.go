// Package db turns the --db URL into a database connection and an ent
// client, applies the versioned schema migrations (migrate.go) and creates
// the built-in administrator.
//
// Supported URLs (API.md section 4):
//
//	sqlite:PATH                 a SQLite file (WAL, foreign keys, busy timeout)
//	sqlite::memory:             a private in-memory SQLite database
//	mysql://USER:PASS@HOST:PORT/DBNAME[?params]
//
// Error messages never contain the database password.
package db

import (
	"cmp"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"net"
	"net/url"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"
	"github.com/go-sql-driver/mysql"
	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"github.com/hostpanel/panel/ent"
	"github.com/hostpanel/panel/ent/administrator"
	"github.com/hostpanel/panel/ent/privacy"
	_ "github.com/hostpanel/panel/ent/runtime" // ent hooks and policies
	"github.com/hostpanel/panel/internal/auth"
	"github.com/hostpanel/panel/internal/sqlcount"
	"github.com/hostpanel/panel/internal/validate"
)

// Driver names registered with database/sql.
const (
	DriverSQLite = "sqlite"
	DriverMySQL  = "mysql"
)

// The built-in administrator created by EnsureAdmin.
const (
	AdminLogin = "admin"
	AdminName  = "Administrator"
	AdminEmail = "admin@localhost"
)

// pingTimeout bounds the connectivity check of Open.
const pingTimeout = 5 * time.Second

// Target is a parsed --db URL: which ent dialect, which database/sql driver
// and the driver's DSN. The DSN may hold a password: print the Target (its
// String method redacts it), never the DSN.
type Target struct {
	Dialect    string // dialect.SQLite or dialect.MySQL
	DriverName string // DriverSQLite or DriverMySQL
	DSN        string

	memory bool   // sqlite::memory:
	path   string // the SQLite file
	safe   string // the URL without its password, for String
}

// String returns the target's URL with the password redacted.
func (t Target) String() string {
	if t.safe != "" {
		return t.safe
	}
	return t.Dialect
}

// GoString is String, so that %#v does not print the DSN either.
func (t Target) GoString() string { return "db.Target(" + t.String() + ")" }

// LogValue makes slog log the redacted form.
func (t Target) LogValue() slog.Value { return slog.StringValue(t.String()) }

// Path returns the file of a SQLite file database ("" otherwise).
func (t Target) Path() string { return t.path }

// Memory reports whether t is an in-memory SQLite database (it lives as long
// as the *sql.DB returned by Open).
func (t Target) Memory() bool { return t.memory }

// urlError is the error of a malformed URL: one line, no password.
func urlError(format string, args ...any) error {
	return fmt.Errorf("invalid database URL: "+format, args...)
}

// ParseURL parses a --db URL.
func ParseURL(raw string) (Target, error) {
	scheme, rest, ok := strings.Cut(raw, ":")
	if !ok || scheme == "" {
		return Target{}, urlError("expected sqlite:PATH, sqlite::memory: or mysql://USER:PASS@HOST:PORT/DBNAME")
	}
	switch strings.ToLower(scheme) {
	case "sqlite":
		return parseSQLite(rest)
	case "mysql":
		return parseMySQL(raw)
	default:
		return Target{}, urlError("unsupported scheme %q (expected sqlite or mysql)", printable(scheme, 20))
	}
}

func parseSQLite(path string) (Target, error) {
	if path == ":memory:" {
		// A named shared-cache in-memory database: every connection of the
		// pool sees the same data, and the database lives as long as one
		// connection is open (Open keeps one idle connection forever). The
		// random name keeps two Targets (e.g. parallel tests) apart.
		var b [8]byte
		if _, err := rand.Read(b[:]); err != nil {
			return Target{}, fmt.Errorf("invalid database URL: %w", err)
		}
		return Target{
			Dialect:    dialect.SQLite,
			DriverName: DriverSQLite,
			DSN:        "file:memdb" + hex.EncodeToString(b[:]) + "?mode=memory&cache=shared&_pragma=foreign_keys(1)",
			memory:     true,
			safe:       "sqlite::memory:",
		}, nil
	}
	if path == "" {
		return Target{}, urlError("sqlite: needs a file path (sqlite:PATH) or :memory:")
	}
	if strings.HasPrefix(path, "//") {
		return Target{}, urlError("write sqlite:PATH, not sqlite://PATH")
	}
	for _, r := range path {
		if r < 0x20 || r == 0x7f {
			return Target{}, urlError("sqlite path contains control characters")
		}
	}
	if strings.HasPrefix(strings.ToLower(path), "file:") || strings.HasPrefix(path, ":") {
		return Target{}, urlError("sqlite path %q is not a file path", printable(path, 100))
	}
	// The DSN is an SQLite URI: escape the characters that would end the
	// path or start an escape.
	uriPath := strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(filepath.ToSlash(filepath.Clean(path)))
	return Target{
		Dialect:    dialect.SQLite,
		DriverName: DriverSQLite,
		// _txlock=immediate: a transaction takes the write lock when it
		// begins, waiting up to busy_timeout for it. With the default
		// (deferred) a transaction that reads and then writes fails at once
		// with SQLITE_BUSY when another connection wrote meanwhile, and
		// busy_timeout cannot help.
		DSN:  "file:" + uriPath + "?_pragma=foreign_keys(1)&_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_txlock=immediate",
		safe: "sqlite:" + path,
		path: path,
	}, nil
}

// mysqlParam applies one URL query parameter to cfg. Only an allow-list is
// passed on; anything else (allowAllFiles, multiStatements, loc, ...) is refused.
func mysqlParam(cfg *mysql.Config, key, value string) error {
	dur := func() (time.Duration, error) {
		d, err := time.ParseDuration(value)
		if err != nil || d <= 0 || d > time.Hour {
			return 0, urlError("mysql parameter %s=%q: want a duration such as 10s", key, printable(value, 40))
		}
		return d, nil
	}
	var err error
	switch key {
	case "charset":
		if !isName(value, true) {
			return urlError("mysql parameter charset=%q is not supported (use utf8mb4)", printable(value, 40))
		}
		err = cfg.Apply(mysql.Charset(value, cfg.Collation))
	case "collation":
		if !isName(value, false) {
			return urlError("mysql parameter collation=%q is not a collation of a supported charset (e.g. utf8mb4_bin)", printable(value, 40))
		}
		cfg.Collation = value
	case "timeout":
		cfg.Timeout, err = dur()
	case "readTimeout":
		cfg.ReadTimeout, err = dur()
	case "writeTimeout":
		cfg.WriteTimeout, err = dur()
	case "tls":
		switch value {
		case "true", "false", "skip-verify", "preferred":
			cfg.TLSConfig = value
		default:
			return urlError("mysql parameter tls=%q: want true, false, skip-verify or preferred", printable(value, 40))
		}
	case "parseTime", "interpolateParams":
		// Always on; accepted for DSNs copied from elsewhere.
		if value != "true" {
			return urlError("mysql parameter %s must be true", key)
		}
	default:
		return urlError("unsupported mysql parameter %q (allowed: charset, collation, timeout, readTimeout, writeTimeout, tls)", printable(key, 40))
	}
	return err
}

func parseMySQL(raw string) (Target, error) {
	const form = "expected mysql://USER:PASS@HOST:PORT/DBNAME[?params], with special characters in USER and PASS percent-encoded"
	// url.Parse's errors quote the whole URL, password included: never
	// return them.
	u, err := url.Parse(raw)
	if err != nil {
		return Target{}, urlError("malformed mysql URL (%s)", form)
	}
	if u.Opaque != "" || u.Host == "" && u.User == nil {
		return Target{}, urlError("malformed mysql URL (%s)", form)
	}
	if u.Fragment != "" || strings.Contains(raw, "#") {
		return Target{}, urlError("mysql URL contains '#' (%s)", form)
	}
	if u.User == nil || u.User.Username() == "" {
		return Target{}, urlError("mysql URL has no user name (%s)", form)
	}
	host, port := u.Hostname(), u.Port()
	if host == "" {
		return Target{}, urlError("mysql URL has no host (%s)", form)
	}
	if port == "" {
		port = "3306"
	}
	if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
		return Target{}, urlError("mysql URL has an invalid port %q", printable(port, 10))
	}
	dbName := strings.TrimPrefix(u.Path, "/")
	if dbName == "" {
		return Target{}, urlError("mysql URL has no database name (%s)", form)
	}
	if strings.ContainsAny(dbName, "/\\\x00") || len(dbName) > 64 {
		return Target{}, urlError("mysql database name %q is invalid", printable(dbName, 70))
	}

	cfg := mysql.NewConfig()
	cfg.User = u.User.Username()
	cfg.Passwd, _ = u.User.Password()
	cfg.Net = "tcp"
	cfg.Addr = net.JoinHostPort(host, port)
	cfg.DBName = dbName
	cfg.ParseTime = true
	cfg.InterpolateParams = true
	cfg.Loc = time.UTC
	cfg.Timeout = 10 * time.Second

	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return Target{}, urlError("malformed mysql URL parameters")
	}
	// Apply collation after charset whatever their order in the URL.
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	slices.SortStableFunc(keys, func(a, b string) int {
		return cmp.Compare(boolInt(a == "collation"), boolInt(b == "collation"))
	})
	for _, k := range keys {
		if len(q[k]) != 1 {
			return Target{}, urlError("mysql parameter %q given more than once", printable(k, 40))
		}
		if err := mysqlParam(cfg, k, q[k][0]); err != nil {
			return Target{}, err
		}
	}

	dsn := cfg.FormatDSN()
	// Let the driver check the combination (e.g. interpolateParams with an
	// unsafe collation); its errors do not contain the DSN.
	back, err := mysql.ParseDSN(dsn)
	if err != nil {
		return Target{}, urlError("mysql: %s", oneLine(redactPassword(err.Error(), cfg.Passwd)))
	}
	// The driver's DSN syntax cannot carry every user name (e.g. one with
	// a ':'); make sure it reads back what was meant.
	if back.User != cfg.User || back.Passwd != cfg.Passwd || back.Addr != cfg.Addr || back.DBName != cfg.DBName {
		return Target{}, urlError("mysql user name %q or its password contains characters the driver cannot take", printable(cfg.User, 40))
	}
	return Target{
		Dialect:    dialect.MySQL,
		DriverName: DriverMySQL,
		DSN:        dsn,
		safe:       u.Redacted(),
	}, nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// safeCharsets are the connection character sets accepted. Multi-byte sets
// such as sjis, big5, gbk, cp932 or gb18030 can hide a quote after a
// backslash byte and are unsafe with interpolateParams, which is always on.
func safeCharset(cs string) bool {
	switch cs {
	case "utf8mb4", "utf8mb3", "utf8", "latin1", "ascii":
		return true
	}
	return false
}

// isName reports whether s is an acceptable charset (a comma-separated list
// of safe ones when list is set) or collation of a safe charset.
func isName(s string, list bool) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	if list {
		for cs := range strings.SplitSeq(s, ",") {
			if !safeCharset(cs) {
				return false
			}
		}
		return true
	}
	cs, _, ok := strings.Cut(s, "_")
	if !ok || !safeCharset(cs) {
		return false
	}
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '_':
		default:
			return false
		}
	}
	return true
}

// printable shortens s and makes it safe to print on one line (callers quote
// it with %q, which escapes control characters).
func printable(s string, max int) string {
	if len(s) > max {
		return s[:max] + "..."
	}
	return s
}

// oneLine replaces line breaks so that an error prints as one line.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// Open opens the database of t through sqlcount (every statement calls
// onStatement, which may be nil), sets the pool limits, checks that the
// database answers and returns an ent client over it. The returned *sql.DB
// is the client's pool (for readiness checks); closing the client closes it.
func Open(ctx context.Context, t Target, onStatement func(context.Context)) (*ent.Client, *sql.DB, error) {
	return OpenWith(ctx, t, sqlcount.Options{OnStatement: onStatement})
}

// OpenWith is Open with every option of the statement wrapper (tests use
// its Hook for fault injection).
func OpenWith(ctx context.Context, t Target, opts sqlcount.Options) (*ent.Client, *sql.DB, error) {
	var (
		db  *sql.DB
		err error
	)
	switch t.DriverName {
	case DriverMySQL:
		// Build the connector ourselves so that the driver's own log lines
		// go through slog instead of the driver's package-level logger.
		cfg, perr := mysql.ParseDSN(t.DSN)
		if perr != nil {
			return nil, nil, fmt.Errorf("invalid database configuration: %s", oneLine(perr.Error()))
		}
		cfg.Logger = driverLogger{}
		conn, cerr := mysql.NewConnector(cfg)
		if cerr != nil {
			return nil, nil, fmt.Errorf("invalid database configuration: %s", oneLine(cerr.Error()))
		}
		db = sql.OpenDB(sqlcount.Wrap(conn, opts))
		db.SetMaxOpenConns(32)
		db.SetMaxIdleConns(16)
		db.SetConnMaxLifetime(5 * time.Minute)
		db.SetConnMaxIdleTime(time.Minute)
	case DriverSQLite:
		db, err = sqlcount.Open(t.DriverName, t.DSN, opts)
		if err != nil {
			return nil, nil, fmt.Errorf("cannot open database: %s", oneLine(err.Error()))
		}
		db.SetMaxOpenConns(8)
		db.SetMaxIdleConns(8)
		// Never close connections for age: the last connection of an
		// in-memory database holds its data.
		db.SetConnMaxLifetime(0)
		db.SetConnMaxIdleTime(0)
	default:
		return nil, nil, fmt.Errorf("unsupported database driver %q", t.DriverName)
	}

	pctx, cancel := context.WithTimeout(ctx, pingTimeout)
	defer cancel()
	if err := db.PingContext(pctx); err != nil {
		_ = db.Close()
		msg := err.Error()
		if errors.Is(err, context.DeadlineExceeded) {
			msg = "no answer within " + pingTimeout.String()
		}
		return nil, nil, fmt.Errorf("cannot reach database: %s", redact(oneLine(msg), t))
	}
	drv := entsql.OpenDB(t.Dialect, db)
	return ent.NewClient(ent.Driver(drv)), db, nil
}

// redact removes t's password from msg, should a driver ever echo it.
func redact(msg string, t Target) string {
	if t.DriverName != DriverMySQL {
		return msg
	}
	cfg, err := mysql.ParseDSN(t.DSN)
	if err != nil || cfg.Passwd == "" {
		return msg
	}
	return redactPassword(msg, cfg.Passwd)
}

func redactPassword(msg, password string) string {
	if password == "" {
		return msg
	}
	return strings.ReplaceAll(msg, password, "xxxxx")
}

// driverLogger sends the MySQL driver's log lines to slog's default logger.
type driverLogger struct{}

func (driverLogger) Print(v ...any) {
	slog.Warn("mysql driver", "msg", oneLine(fmt.Sprint(v...)))
}

// generatedPasswordLength is the length of a password made by EnsureAdmin.
const generatedPasswordLength = 20

// EnsureAdmin creates the administrator (login "admin") if none exists,
// with a Credential holding password (checked against the password policy)
// or, if password is empty, a random one which it returns so that the caller
// can show it once. It returns "" when no password was generated, including
// when the administrator already exists (password is then ignored).
func EnsureAdmin(ctx context.Context, c *ent.Client, h auth.Hasher, password string) (generated string, err error) {
	ctx = privacy.DecisionContext(ctx, privacy.Allow)
	exists, err := c.Administrator.Query().Exist(ctx)
	if err != nil {
		return "", fmt.Errorf("looking for the administrator: %w", err)
	}
	if exists {
		return "", nil
	}
	if password == "" {
		if generated, err = randomPassword(generatedPasswordLength); err != nil {
			return "", err
		}
		password = generated
	}
	if err := validate.Password(password, AdminLogin); err != nil {
		return "", fmt.Errorf("administrator password: %w", err)
	}
	hash, err := h.Hash(password)
	if err != nil {
		return "", fmt.Errorf("hashing the administrator password: %w", err)
	}

	tx, err := c.Tx(ctx)
	if err != nil {
		return "", fmt.Errorf("creating the administrator: %w", err)
	}
	created, err := createAdmin(ctx, tx, hash)
	if err == nil && !created {
		// Created meanwhile by another instance.
		return "", tx.Rollback()
	}
	if err != nil {
		_ = tx.Rollback()
		// Another instance starting on the same database may have won the
		// race: that is not an error.
		if ent.IsConstraintError(err) {
			if ok, qerr := c.Administrator.Query().Where(administrator.Login(AdminLogin)).Exist(ctx); qerr == nil && ok {
				return "", nil
			}
		}
		return "", fmt.Errorf("creating the administrator: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return "", fmt.Errorf("creating the administrator: %w", err)
	}
	return generated, nil
}

func createAdmin(ctx context.Context, tx *ent.Tx, hash string) (bool, error) {
	// Check again inside the transaction.
	exists, err := tx.Administrator.Query().Exist(ctx)
	if err != nil || exists {
		return false, err
	}
	cred, err := tx.Credential.Create().
		SetLogin(AdminLogin).
		SetPasswordHash(hash).
		Save(ctx)
	if err != nil {
		return false, err
	}
	_, err = tx.Administrator.Create().
		SetLogin(AdminLogin).
		SetName(AdminName).
		SetEmail(AdminEmail).
		SetCredential(cred).
		Save(ctx)
	return err == nil, err
}

// passwordAlphabet has no characters that are easily confused (0/O, 1/l/I)
// nor any that need quoting in a shell.
const passwordAlphabet = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"

func randomPassword(n int) (string, error) {
	b := make([]byte, n)
	max := big.NewInt(int64(len(passwordAlphabet)))
	for i := range b {
		k, err := rand.Int(rand.Reader, max)
		if err != nil {
			return "", fmt.Errorf("generating a password: %w", err)
		}
		b[i] = passwordAlphabet[k.Int64()]
	}
	return string(b), nil
}
