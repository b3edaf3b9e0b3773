package db

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"ariga.io/atlas/sql/migrate"
	"entgo.io/ent/dialect"

	"github.com/hostpanel/panel/ent/migrate/migrations"
)

// RevisionTable records the applied migrations (docs/migrations.md).
const RevisionTable = "panel_schema_revisions"

// LockTimeout bounds the wait for another process's migration (MySQL's
// GET_LOCK; SQLite waits busy_timeout, 10 s).
const LockTimeout = 60 * time.Second

// Revision is one migration file and its state in the database.
type Revision struct {
	Version     string
	Description string
	Hash        string // the file's hash in atlas.sum
	Statements  int    // statements in the file
	Applied     int    // statements applied (== Statements when done)
	Baseline    bool   // marked applied without running: the database was created by the previous release
	AppliedAt   time.Time
}

// Done reports whether every statement of r was applied.
func (r Revision) Done() bool { return r.Applied >= r.Statements }

// Status is the migration state of a database.
type Status struct {
	Applied []Revision // in version order; the last may be partially applied (MySQL)
	Pending []Revision // files not (completely) applied yet, in order
	// Legacy is set when the database was created by a release before
	// versioned migrations (tables, no revision table): the first migration
	// will be marked applied without running once the schema is checked.
	Legacy bool
}

// Migrate applies the pending migrations of the binary to the database of
// sqldb (dialect d) under a database lock, so that processes starting
// together apply each migration once. See Up.
func Migrate(ctx context.Context, sqldb *sql.DB, d string) error {
	_, err := Up(ctx, sqldb, d)
	return err
}

// migrationError makes a one-line error.
func migrationError(format string, a ...any) error {
	return fmt.Errorf("database migration: "+format, a...)
}

// source is the migration directory with its files parsed.
type source struct {
	dir   migrate.Dir
	files []migrate.File
	stmts [][]string
	hash  []string
}

// load reads and verifies the embedded migration directory of dialect d.
func load(d string) (*source, error) {
	dir, err := migrations.Dir(d)
	if err != nil {
		return nil, migrationError("%v", err)
	}
	return loadDir(dir)
}

func loadDir(dir migrate.Dir) (*source, error) {
	if err := migrate.Validate(dir); err != nil {
		var ce *migrate.ChecksumError
		if errors.As(err, &ce) {
			return nil, migrationError("the migration files do not match atlas.sum (%s was %s): refusing to run modified migrations", ce.File, ce.Reason)
		}
		return nil, migrationError("the migration files do not match atlas.sum: %v", err)
	}
	sum, err := dir.Checksum()
	if err != nil {
		return nil, migrationError("%v", err)
	}
	files, err := dir.Files()
	if err != nil {
		return nil, migrationError("%v", err)
	}
	if len(files) == 0 {
		return nil, migrationError("no migration files")
	}
	s := &source{dir: dir, files: files}
	for _, f := range files {
		st, err := f.Stmts()
		if err != nil {
			return nil, migrationError("%s: %v", f.Name(), err)
		}
		h, err := sum.SumByName(f.Name())
		if err != nil {
			return nil, migrationError("%s: %v", f.Name(), err)
		}
		s.stmts = append(s.stmts, st)
		s.hash = append(s.hash, h)
	}
	return s, nil
}

// execer is a connection or a transaction.
type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Up applies the pending migrations and returns those it applied (or
// marked applied, for the baseline of a legacy database).
//
// It refuses, changing nothing: migration files that do not match atlas.sum;
// a database with migrations this binary does not know (a newer release) or
// applied from a file with other contents; a database that has tables but
// neither the revision table nor the previous release's schema.
//
// Locking: on MySQL/MariaDB a named lock (GET_LOCK) on one connection, held
// until every migration is applied; each statement's progress is recorded
// because MySQL cannot roll back DDL, so a failed migration resumes at the
// failed statement on the next run. On SQLite one transaction (BEGIN
// IMMEDIATE on files) with foreign keys off, checked before the commit: all
// pending migrations apply or none.
func Up(ctx context.Context, sqldb *sql.DB, d string) ([]Revision, error) {
	src, err := load(d)
	if err != nil {
		return nil, err
	}
	return up(ctx, sqldb, d, src)
}

func up(ctx context.Context, sqldb *sql.DB, d string, src *source) (done []Revision, err error) {
	conn, err := sqldb.Conn(ctx)
	if err != nil {
		return nil, migrationError("%v", err)
	}
	defer conn.Close()
	switch d {
	case dialect.MySQL:
		unlock, err := lockMySQL(ctx, conn)
		if err != nil {
			return nil, err
		}
		defer unlock()
		return apply(ctx, conn, d, src)
	case dialect.SQLite:
		// Foreign keys must be off while tables are rebuilt (a DROP TABLE
		// would otherwise run the ON DELETE actions of the rows referring
		// to it), and the pragma is a no-op inside a transaction.
		if _, err := conn.ExecContext(ctx, "PRAGMA foreign_keys = off"); err != nil {
			return nil, migrationError("%v", err)
		}
		defer func() {
			if _, ferr := conn.ExecContext(context.WithoutCancel(ctx), "PRAGMA foreign_keys = on"); ferr != nil && err == nil {
				err = migrationError("%v", ferr)
			}
		}()
		return applySQLite(ctx, conn, src)
	}
	return nil, migrationError("unsupported dialect %q", d)
}

// applySQLite applies the pending migrations in one transaction on conn.
func applySQLite(ctx context.Context, conn *sql.Conn, src *source) ([]Revision, error) {
	// The DSN of a file database makes this BEGIN IMMEDIATE: the write lock
	// is taken now (waiting busy_timeout for another process).
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return nil, migrationError("cannot take the database lock: %v", err)
	}
	done, err := apply(ctx, tx, dialect.SQLite, src)
	if err == nil {
		err = foreignKeyCheck(ctx, tx)
	}
	if err != nil {
		_ = tx.Rollback()
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, migrationError("commit: %v", err)
	}
	return done, nil
}

// lockName is the name of the MySQL lock: per database, since a lock name
// is server-wide (at most 64 characters).
func lockName(ctx context.Context, conn *sql.Conn) (string, error) {
	var name sql.NullString
	if err := conn.QueryRowContext(ctx, "SELECT DATABASE()").Scan(&name); err != nil {
		return "", migrationError("%v", err)
	}
	h := sha256.Sum256([]byte(name.String))
	return "panel_migrate_" + hex.EncodeToString(h[:12]), nil
}

func lockMySQL(ctx context.Context, conn *sql.Conn) (func(), error) {
	name, err := lockName(ctx, conn)
	if err != nil {
		return nil, err
	}
	var got sql.NullInt64
	if err := conn.QueryRowContext(ctx, "SELECT GET_LOCK(?, ?)", name, int(LockTimeout/time.Second)).Scan(&got); err != nil {
		return nil, migrationError("cannot take the migration lock: %v", err)
	}
	if !got.Valid || got.Int64 != 1 {
		return nil, migrationError("another process has held the migration lock for %s; try again when it has finished", LockTimeout)
	}
	return func() {
		_, _ = conn.ExecContext(context.WithoutCancel(ctx), "SELECT RELEASE_LOCK(?)", name)
	}, nil
}

func foreignKeyCheck(ctx context.Context, ex execer) error {
	rows, err := ex.QueryContext(ctx, "PRAGMA foreign_key_check")
	if err != nil {
		return migrationError("%v", err)
	}
	defer rows.Close()
	if rows.Next() {
		var table string
		var rowid sql.NullInt64
		var parent string
		var fk int
		_ = rows.Scan(&table, &rowid, &parent, &fk)
		return migrationError("the migrations leave rows of %s referring to missing %s rows; nothing was changed", table, parent)
	}
	return rows.Err()
}

// createRevisionTable creates the revision table if needed.
func createRevisionTable(ctx context.Context, ex execer, d string) error {
	q := "CREATE TABLE IF NOT EXISTS `" + RevisionTable + "` (" +
		"`version` varchar(32) NOT NULL PRIMARY KEY, " +
		"`description` varchar(255) NOT NULL, " +
		"`hash` varchar(64) NOT NULL, " +
		"`statements` integer NOT NULL, " +
		"`applied` integer NOT NULL, " +
		"`baseline` integer NOT NULL, " +
		"`applied_at` varchar(32) NOT NULL)"
	if d == dialect.MySQL {
		q += " CHARSET utf8mb4 COLLATE utf8mb4_bin"
	}
	if _, err := ex.ExecContext(ctx, q); err != nil {
		return migrationError("creating %s: %v", RevisionTable, err)
	}
	return nil
}

// tableExists reports whether the table exists.
func tableExists(ctx context.Context, ex execer, d, table string) (bool, error) {
	q := "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?"
	if d == dialect.MySQL {
		q = "SELECT count(*) FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = ?"
	}
	var n int
	if err := ex.QueryRowContext(ctx, q, table).Scan(&n); err != nil {
		return false, migrationError("%v", err)
	}
	return n > 0, nil
}

// tables returns the tables of the database (without SQLite's own).
func tables(ctx context.Context, ex execer, d string) ([]string, error) {
	q := "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
	if d == dialect.MySQL {
		q = "SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE() ORDER BY table_name"
	}
	return queryStrings(ctx, ex, q)
}

func columns(ctx context.Context, ex execer, d, table string) ([]string, error) {
	q := "SELECT name FROM pragma_table_info(?)"
	if d == dialect.MySQL {
		q = "SELECT column_name FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = ?"
	}
	return queryStrings(ctx, ex, q, table)
}

func queryStrings(ctx context.Context, ex execer, q string, args ...any) ([]string, error) {
	rows, err := ex.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, migrationError("%v", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, migrationError("%v", err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		return nil, migrationError("%v", err)
	}
	return out, nil
}

// readRevisions returns the recorded revisions in version order (none when
// the revision table does not exist).
func readRevisions(ctx context.Context, ex execer, d string) ([]Revision, bool, error) {
	ok, err := tableExists(ctx, ex, d, RevisionTable)
	if err != nil || !ok {
		return nil, false, err
	}
	rows, err := ex.QueryContext(ctx, "SELECT `version`, `description`, `hash`, `statements`, `applied`, `baseline`, `applied_at` FROM `"+RevisionTable+"` ORDER BY `version`")
	if err != nil {
		return nil, true, migrationError("reading %s: %v", RevisionTable, err)
	}
	defer rows.Close()
	var revs []Revision
	for rows.Next() {
		var r Revision
		var baseline int
		var at string
		if err := rows.Scan(&r.Version, &r.Description, &r.Hash, &r.Statements, &r.Applied, &baseline, &at); err != nil {
			return nil, true, migrationError("reading %s: %v", RevisionTable, err)
		}
		r.Baseline = baseline != 0
		r.AppliedAt, _ = time.Parse(time.RFC3339, at)
		revs = append(revs, r)
	}
	if err := rows.Err(); err != nil {
		return nil, true, migrationError("reading %s: %v", RevisionTable, err)
	}
	return revs, true, nil
}

// plan compares the recorded revisions with the files: the applied ones,
// then the pending ones (the first possibly partially applied).
func (s *source) plan(revs []Revision) (applied, pending []Revision, err error) {
	byVersion := map[string]int{}
	for i, f := range s.files {
		byVersion[f.Version()] = i
	}
	recorded := map[string]Revision{}
	for _, r := range revs {
		i, ok := byVersion[r.Version]
		if !ok {
			return nil, nil, migrationError("the database has migration %s, which this binary does not have: it was migrated by a newer release; run that release (or newer)", r.Version)
		}
		if r.Hash != s.hash[i] {
			return nil, nil, migrationError("migration %s was applied from a file with other contents than this binary's %s: refusing to continue", r.Version, s.files[i].Name())
		}
		recorded[r.Version] = r
	}
	for i, f := range s.files {
		r, ok := recorded[f.Version()]
		if !ok {
			r = Revision{Version: f.Version(), Description: f.Desc(), Hash: s.hash[i], Statements: len(s.stmts[i])}
		}
		if r.Done() && ok {
			if len(pending) > 0 {
				return nil, nil, migrationError("migration %s is applied but the older %s is not: the history is out of order", f.Version(), pending[0].Version)
			}
			applied = append(applied, r)
			continue
		}
		pending = append(pending, r)
	}
	return applied, pending, nil
}

// GetStatus reads the migration state of the database without changing it.
func GetStatus(ctx context.Context, sqldb *sql.DB, d string) (Status, error) {
	src, err := load(d)
	if err != nil {
		return Status{}, err
	}
	return getStatus(ctx, sqldb, d, src)
}

func getStatus(ctx context.Context, sqldb *sql.DB, d string, src *source) (Status, error) {
	revs, hasTable, err := readRevisions(ctx, sqldb, d)
	if err != nil {
		return Status{}, err
	}
	var st Status
	if !hasTable || len(revs) == 0 {
		if st.Legacy, err = src.legacy(ctx, sqldb, d); err != nil {
			return Status{}, err
		}
	}
	st.Applied, st.Pending, err = src.plan(revs)
	return st, err
}

// apply runs under the lock: it records the baseline of a legacy database,
// then applies the pending migrations.
func apply(ctx context.Context, ex execer, d string, src *source) ([]Revision, error) {
	revs, hasTable, err := readRevisions(ctx, ex, d)
	if err != nil {
		return nil, err
	}
	var done []Revision
	if !hasTable || len(revs) == 0 {
		legacy, err := src.legacy(ctx, ex, d)
		if err != nil {
			return nil, err
		}
		if err := createRevisionTable(ctx, ex, d); err != nil {
			return nil, err
		}
		if legacy {
			r := Revision{Version: src.files[0].Version(), Description: src.files[0].Desc(), Hash: src.hash[0],
				Statements: len(src.stmts[0]), Applied: len(src.stmts[0]), Baseline: true, AppliedAt: time.Now().UTC()}
			if err := insertRevision(ctx, ex, r); err != nil {
				return nil, err
			}
			revs = []Revision{r}
			done = append(done, r)
		}
	}
	_, pending, err := src.plan(revs)
	if err != nil {
		return nil, err
	}
	for _, r := range pending {
		i := slices.IndexFunc(src.files, func(f migrate.File) bool { return f.Version() == r.Version })
		stmts := src.stmts[i]
		if r.Applied == 0 {
			r.AppliedAt = time.Now().UTC()
			if err := insertRevision(ctx, ex, r); err != nil {
				return nil, err
			}
		}
		for k := r.Applied; k < len(stmts); k++ {
			if _, err := ex.ExecContext(ctx, stmts[k]); err != nil {
				if d == dialect.MySQL {
					return nil, migrationError("%s failed at statement %d of %d (%s); statements 1 to %d are applied (MySQL cannot roll back DDL): fix the cause, then run `panel migrate up` again to resume at statement %d",
						src.files[i].Name(), k+1, len(stmts), oneLine(err.Error()), k, k+1)
				}
				return nil, migrationError("%s failed at statement %d of %d (%s); nothing was changed", src.files[i].Name(), k+1, len(stmts), oneLine(err.Error()))
			}
			r.Applied = k + 1
			if _, err := ex.ExecContext(ctx, "UPDATE `"+RevisionTable+"` SET `applied` = ?, `applied_at` = ? WHERE `version` = ?",
				r.Applied, time.Now().UTC().Format(time.RFC3339), r.Version); err != nil {
				return nil, migrationError("recording %s: %v", r.Version, err)
			}
		}
		done = append(done, r)
	}
	return done, nil
}

func insertRevision(ctx context.Context, ex execer, r Revision) error {
	_, err := ex.ExecContext(ctx, "INSERT INTO `"+RevisionTable+"` (`version`, `description`, `hash`, `statements`, `applied`, `baseline`, `applied_at`) VALUES (?, ?, ?, ?, ?, ?, ?)",
		r.Version, r.Description, r.Hash, r.Statements, r.Applied, boolInt(r.Baseline), r.AppliedAt.Format(time.RFC3339))
	if err != nil {
		return migrationError("recording %s: %v", r.Version, err)
	}
	return nil
}

var (
	createTableRE = regexp.MustCompile("(?s)^\\s*CREATE TABLE `([^`]+)` \\((.*)\\)")
	columnRE      = regexp.MustCompile("(?:\\(|, )`([^`]+)` ")
	entTypesRE    = regexp.MustCompile("^\\s*INSERT INTO `ent_types` \\(`type`\\) VALUES (.*);?\\s*$")
	typeValueRE   = regexp.MustCompile(`\('([^']+)'\)`)
)

// legacy reports whether the database was created by the release before
// versioned migrations: it has tables but no revisions. It refuses a
// database with tables that is not exactly that: every table and column of
// the first migration must exist and ent_types must hold the same types (in
// any order: each database keeps the ID ranges it allocated). An empty
// database is not legacy.
func (s *source) legacy(ctx context.Context, ex execer, d string) (bool, error) {
	have, err := tables(ctx, ex, d)
	if err != nil {
		return false, err
	}
	have = slices.DeleteFunc(have, func(t string) bool { return t == RevisionTable })
	if len(have) == 0 {
		return false, nil
	}
	if !slices.Contains(have, "ent_types") {
		return false, migrationError("the database is not empty (table %s) but was not created by panel: use an empty database", have[0])
	}
	var wantTypes []string
	for _, st := range s.stmts[0] {
		if m := createTableRE.FindStringSubmatch(st); m != nil {
			table := m[1]
			if !slices.Contains(have, table) {
				return false, migrationError("the database was created by an older release (no table %s): start the release before versioned migrations once to bring its schema up to date, then this one", table)
			}
			cols, err := columns(ctx, ex, d, table)
			if err != nil {
				return false, err
			}
			for _, c := range columnRE.FindAllStringSubmatch(m[2], -1) {
				if !slices.Contains(cols, c[1]) {
					return false, migrationError("the database was created by an older release (no column %s.%s): start the release before versioned migrations once to bring its schema up to date, then this one", table, c[1])
				}
			}
		}
		if m := entTypesRE.FindStringSubmatch(st); m != nil {
			for _, v := range typeValueRE.FindAllStringSubmatch(m[1], -1) {
				wantTypes = append(wantTypes, v[1])
			}
		}
	}
	got, err := queryStrings(ctx, ex, "SELECT `type` FROM `ent_types` ORDER BY `id`")
	if err != nil {
		return false, err
	}
	slices.Sort(got)
	slices.Sort(wantTypes)
	if !slices.Equal(got, wantTypes) {
		return false, migrationError("the database's ent_types (%s) differ from the first migration's (%s): it was not created by the previous release",
			strings.Join(got, ","), strings.Join(wantTypes, ","))
	}
	return true, nil
}
