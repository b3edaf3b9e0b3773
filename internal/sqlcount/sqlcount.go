// Package sqlcount wraps a database/sql driver so that every SQL statement sent
// through it is counted, and so that faults can be injected before a statement
// is sent.
//
// A statement is one Exec or Query call that reaches the driver, prepared or not:
// db.ExecContext, db.QueryContext, db.QueryRowContext, (*sql.Stmt).ExecContext,
// (*sql.Tx).ExecContext and so on each count once. Not counted: Prepare
// (a prepared statement counts each time it is executed), Begin, Commit,
// Rollback, Ping, session resets and whatever the driver does internally
// (connection setup, DSN pragmas, COM_STMT_CLOSE, ...). A single Exec of a
// string holding several statements ("a; b") counts once.
//
// Counting is exact with respect to database/sql's retry and fallback logic:
//
//   - When the driver answers driver.ErrSkip to a non-prepared Exec/Query, or
//     does not implement ExecerContext/QueryerContext at all (the
//     go-sql-driver/mysql driver answers ErrSkip for queries with arguments
//     unless interpolateParams=true), database/sql prepares the statement on
//     the same connection and executes it. That counts once, at execution, and
//     the Hook runs once, before anything is sent. If that implicit prepare
//     fails (e.g. a syntax error), the statement counts as attempted, as it
//     would without the fallback.
//   - When the driver answers driver.ErrBadConn the statement was, by the
//     driver contract, not executed and database/sql retries it on another
//     connection; only the retry is counted (the Hook runs for each attempt).
//   - A statement whose Hook returned an error IS counted: it was attempted
//     (the Hook stands in for the database failing it). Its Exec/Query returns
//     the Hook's error unchanged (database/sql may wrap argument-conversion
//     errors but passes driver errors through as they are).
//   - Any other error from the driver (syntax error, constraint violation,
//     context canceled, ...) still counts: the statement was sent.
package sqlcount

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"io"
	"sync/atomic"
)

// Hook is called before every statement (Exec or Query, prepared or not) with
// the statement's context and SQL text. A non-nil error fails that statement
// with that error (fault injection); the statement is not sent to the
// database but is still counted.
type Hook func(ctx context.Context, query string) error

// Counter counts statements. The zero value is ready to use; a nil *Counter
// is valid too (Add does nothing, Load returns 0). It is safe for concurrent
// use.
type Counter struct {
	n atomic.Int64
}

// Add adds n to the counter.
func (c *Counter) Add(n int64) {
	if c != nil {
		c.n.Add(n)
	}
}

// Load returns the current count.
func (c *Counter) Load() int64 {
	if c == nil {
		return 0
	}
	return c.n.Load()
}

// Reset sets the counter back to zero.
func (c *Counter) Reset() {
	if c != nil {
		c.n.Store(0)
	}
}

// counterKey is the context key under which WithCounter stores its chain.
type counterKey struct{}

// counterNode is one link of the chain of counters attached to a context;
// the innermost WithCounter is first.
type counterNode struct {
	c      *Counter
	parent *counterNode
}

// WithCounter returns a child of ctx such that every statement executed with
// it (or any context derived from it) is added to c.
//
// Counters nest: a statement is added to every counter attached to its context
// chain, so a per-request counter keeps counting while a test or a sub-operation
// measures a part of the request with its own counter. Attaching a counter that
// is already in the chain has no effect (nothing is counted twice). A nil c
// returns ctx unchanged.
func WithCounter(ctx context.Context, c *Counter) context.Context {
	if c == nil {
		return ctx
	}
	parent, _ := ctx.Value(counterKey{}).(*counterNode)
	for n := parent; n != nil; n = n.parent {
		if n.c == c {
			return ctx
		}
	}
	return context.WithValue(ctx, counterKey{}, &counterNode{c: c, parent: parent})
}

// CounterFrom returns the innermost counter attached to ctx by WithCounter,
// or nil if there is none.
func CounterFrom(ctx context.Context) *Counter {
	if ctx == nil {
		return nil
	}
	if n, _ := ctx.Value(counterKey{}).(*counterNode); n != nil {
		return n.c
	}
	return nil
}

// Options for the wrapper.
type Options struct {
	// OnStatement is called once per statement, after the statement has been
	// added to the context's counters (e.g. a Prometheus counter's Inc).
	// May be nil. It must be safe for concurrent use.
	OnStatement func(ctx context.Context)
	// Hook is called before each statement; see Hook. May be nil. It must be
	// safe for concurrent use.
	Hook Hook
}

// Wrap returns a connector that counts statements on connections of c.
// The returned connector implements io.Closer, closing c if c does.
func Wrap(c driver.Connector, opts Options) driver.Connector {
	return &connector{inner: c, opts: opts}
}

// Open opens driverName/dsn wrapped with Wrap. driverName must have been
// registered with database/sql (by importing the driver). If the driver
// implements driver.DriverContext its OpenConnector is used; otherwise
// connections are opened with its Open(dsn).
func Open(driverName, dsn string, opts Options) (*sql.DB, error) {
	// database/sql offers no lookup of a registered driver by name; a
	// throwaway *sql.DB gives access to it without opening any connection.
	probe, err := sql.Open(driverName, dsn)
	if err != nil {
		return nil, err
	}
	d := probe.Driver()
	if err := probe.Close(); err != nil {
		return nil, err
	}
	c, err := connectorFor(d, dsn)
	if err != nil {
		return nil, err
	}
	return sql.OpenDB(Wrap(c, opts)), nil
}

func connectorFor(d driver.Driver, dsn string) (driver.Connector, error) {
	if dc, ok := d.(driver.DriverContext); ok {
		return dc.OpenConnector(dsn)
	}
	return dsnConnector{dsn: dsn, driver: d}, nil
}

// dsnConnector is a connector for drivers that do not implement
// driver.DriverContext (it is what database/sql itself uses for them).
type dsnConnector struct {
	dsn    string
	driver driver.Driver
}

func (c dsnConnector) Connect(context.Context) (driver.Conn, error) { return c.driver.Open(c.dsn) }
func (c dsnConnector) Driver() driver.Driver                        { return c.driver }

// counting is the shared counting/hook logic.
type counting struct {
	opts Options
}

// hook runs the Hook, if any.
func (w *counting) hook(ctx context.Context, query string) error {
	if w.opts.Hook == nil {
		return nil
	}
	return w.opts.Hook(ctx, query)
}

// count records one statement executed with ctx.
func (w *counting) count(ctx context.Context) {
	if ctx != nil {
		for n, _ := ctx.Value(counterKey{}).(*counterNode); n != nil; n = n.parent {
			n.c.Add(1)
		}
	}
	if w.opts.OnStatement != nil {
		w.opts.OnStatement(ctx)
	}
}

// sent reports whether a driver's answer means the statement was executed
// (or at least attempted by the database), as opposed to the two answers with
// which database/sql runs the statement again: ErrSkip (fall back to
// Prepare+Exec) and ErrBadConn (retry on another connection).
func sent(err error) bool {
	return err != driver.ErrSkip && !errors.Is(err, driver.ErrBadConn)
}

type connector struct {
	inner driver.Connector
	opts  Options
}

var (
	_ driver.Connector = (*connector)(nil)
	_ io.Closer        = (*connector)(nil)
)

func (c *connector) Connect(ctx context.Context) (driver.Conn, error) {
	ci, err := c.inner.Connect(ctx)
	if err != nil {
		return nil, err
	}
	return &conn{counting: counting{opts: c.opts}, inner: ci}, nil
}

// Driver returns a driver whose connections are counted too.
func (c *connector) Driver() driver.Driver {
	return &wrappedDriver{inner: c.inner.Driver(), opts: c.opts}
}

// Close closes the wrapped connector if it implements io.Closer
// (database/sql calls it from DB.Close).
func (c *connector) Close() error {
	if cl, ok := c.inner.(io.Closer); ok {
		return cl.Close()
	}
	return nil
}

type wrappedDriver struct {
	inner driver.Driver
	opts  Options
}

var (
	_ driver.Driver        = (*wrappedDriver)(nil)
	_ driver.DriverContext = (*wrappedDriver)(nil)
)

func (d *wrappedDriver) Open(name string) (driver.Conn, error) {
	ci, err := d.inner.Open(name)
	if err != nil {
		return nil, err
	}
	return &conn{counting: counting{opts: d.opts}, inner: ci}, nil
}

func (d *wrappedDriver) OpenConnector(name string) (driver.Connector, error) {
	c, err := connectorFor(d.inner, name)
	if err != nil {
		return nil, err
	}
	return Wrap(c, d.opts), nil
}

// conn wraps a driver.Conn. database/sql never uses a driver.Conn from two
// goroutines at once, so its fields need no locking.
type conn struct {
	counting
	inner driver.Conn

	// skipped is set when the Hook has approved query in ExecContext or
	// QueryContext and the inner driver then answered driver.ErrSkip: the
	// next call database/sql makes on this connection is PrepareContext of
	// the same query, whose first execution must then not run the Hook again.
	skipped    string
	hasSkipped bool
}

var (
	_ driver.Conn               = (*conn)(nil)
	_ driver.ConnBeginTx        = (*conn)(nil)
	_ driver.ConnPrepareContext = (*conn)(nil)
	_ driver.ExecerContext      = (*conn)(nil)
	_ driver.QueryerContext     = (*conn)(nil)
	_ driver.Pinger             = (*conn)(nil)
	_ driver.SessionResetter    = (*conn)(nil)
	_ driver.Validator          = (*conn)(nil)
	_ driver.NamedValueChecker  = (*conn)(nil)
)

// Unwrap returns the wrapped driver connection (reachable through
// (*sql.Conn).Raw for driver-specific APIs).
func (c *conn) Unwrap() driver.Conn { return c.inner }

func (c *conn) Prepare(query string) (driver.Stmt, error) {
	return c.PrepareContext(context.Background(), query)
}

func (c *conn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	fallback := c.hasSkipped && c.skipped == query
	c.clearSkipped()

	var si driver.Stmt
	var err error
	if pc, ok := c.inner.(driver.ConnPrepareContext); ok {
		si, err = pc.PrepareContext(ctx, query)
	} else {
		si, err = c.inner.Prepare(query)
		if err == nil {
			select {
			default:
			case <-ctx.Done():
				_ = si.Close()
				return nil, ctx.Err()
			}
		}
	}
	if err != nil {
		if fallback && sent(err) {
			// The implicit prepare of an Exec/Query failed (e.g. a syntax
			// error): that Exec/Query was attempted and fails here, so it
			// counts like it would have without the fallback.
			c.count(ctx)
		}
		return nil, err
	}
	s := &stmt{conn: c, inner: si, query: query, hookDone: fallback}
	if _, ok := si.(driver.ColumnConverter); ok {
		return &ccStmt{s}, nil
	}
	return s, nil
}

func (c *conn) clearSkipped() {
	c.skipped, c.hasSkipped = "", false
}

func (c *conn) Close() error {
	c.clearSkipped()
	return c.inner.Close()
}

func (c *conn) Begin() (driver.Tx, error) {
	c.clearSkipped()
	return c.inner.Begin()
}

func (c *conn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	c.clearSkipped()
	if bt, ok := c.inner.(driver.ConnBeginTx); ok {
		return bt.BeginTx(ctx, opts)
	}
	// Same as database/sql does for drivers without BeginTx.
	if opts.Isolation != driver.IsolationLevel(sql.LevelDefault) {
		return nil, errors.New("sql: driver does not support non-default isolation level")
	}
	if opts.ReadOnly {
		return nil, errors.New("sql: driver does not support read-only transactions")
	}
	tx, err := c.inner.Begin()
	if err == nil {
		select {
		default:
		case <-ctx.Done():
			_ = tx.Rollback()
			return nil, ctx.Err()
		}
	}
	return tx, err
}

func (c *conn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	c.clearSkipped()
	var exec func() (driver.Result, error)
	switch ic := c.inner.(type) {
	case driver.ExecerContext:
		exec = func() (driver.Result, error) { return ic.ExecContext(ctx, query, args) }
	case driver.Execer:
		exec = func() (driver.Result, error) {
			dargs, err := namedValueToValue(args)
			if err != nil {
				return nil, err
			}
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			return ic.Exec(query, dargs)
		}
	default:
		// database/sql falls back to Prepare + stmt Exec, which is counted
		// (see afterDirect). The Hook still runs here, before anything is
		// sent, exactly as for drivers answering ErrSkip themselves.
		exec = func() (driver.Result, error) { return nil, driver.ErrSkip }
	}
	if err := c.hook(ctx, query); err != nil {
		c.count(ctx)
		return nil, err
	}
	res, err := exec()
	c.afterDirect(ctx, query, err)
	return res, err
}

func (c *conn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	c.clearSkipped()
	var query1 func() (driver.Rows, error)
	switch ic := c.inner.(type) {
	case driver.QueryerContext:
		query1 = func() (driver.Rows, error) { return ic.QueryContext(ctx, query, args) }
	case driver.Queryer:
		query1 = func() (driver.Rows, error) {
			dargs, err := namedValueToValue(args)
			if err != nil {
				return nil, err
			}
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			return ic.Query(query, dargs)
		}
	default:
		query1 = func() (driver.Rows, error) { return nil, driver.ErrSkip }
	}
	if err := c.hook(ctx, query); err != nil {
		c.count(ctx)
		return nil, err
	}
	rows, err := query1()
	c.afterDirect(ctx, query, err)
	return rows, err
}

// afterDirect counts a non-prepared statement according to the inner
// driver's answer err.
func (c *conn) afterDirect(ctx context.Context, query string, err error) {
	switch {
	case err == driver.ErrSkip:
		// database/sql prepares query on this connection next and executes
		// it; that execution is counted and must not run the Hook again.
		c.skipped, c.hasSkipped = query, true
	case sent(err):
		c.count(ctx)
	}
}

func (c *conn) Ping(ctx context.Context) error {
	if p, ok := c.inner.(driver.Pinger); ok {
		return p.Ping(ctx)
	}
	return nil
}

func (c *conn) ResetSession(ctx context.Context) error {
	c.clearSkipped()
	if r, ok := c.inner.(driver.SessionResetter); ok {
		return r.ResetSession(ctx)
	}
	return nil
}

func (c *conn) IsValid() bool {
	if v, ok := c.inner.(driver.Validator); ok {
		return v.IsValid()
	}
	return true
}

// CheckNamedValue delegates to the inner connection; driver.ErrSkip makes
// database/sql use its default conversion, as it would for the inner driver.
func (c *conn) CheckNamedValue(nv *driver.NamedValue) error {
	if n, ok := c.inner.(driver.NamedValueChecker); ok {
		return n.CheckNamedValue(nv)
	}
	return driver.ErrSkip
}

// stmt wraps a driver.Stmt. database/sql serializes its use with the
// connection's lock.
type stmt struct {
	conn  *conn
	inner driver.Stmt
	query string
	// hookDone: the Hook already approved the first execution (see
	// conn.skipped).
	hookDone bool
}

// ccStmt is a stmt whose inner statement implements driver.ColumnConverter.
// It is a separate type because database/sql treats a statement implementing
// ColumnConverter differently from one that does not, so the wrapper must
// implement it exactly when the inner statement does.
type ccStmt struct {
	*stmt
}

var (
	_ driver.Stmt              = (*stmt)(nil)
	_ driver.StmtExecContext   = (*stmt)(nil)
	_ driver.StmtQueryContext  = (*stmt)(nil)
	_ driver.NamedValueChecker = (*stmt)(nil)
	_ driver.ColumnConverter   = (*ccStmt)(nil)
)

// Unwrap returns the wrapped driver statement.
func (s *stmt) Unwrap() driver.Stmt { return s.inner }

func (s *stmt) Close() error  { return s.inner.Close() }
func (s *stmt) NumInput() int { return s.inner.NumInput() }

func (s *stmt) Exec(args []driver.Value) (driver.Result, error) {
	return s.ExecContext(context.Background(), valueToNamedValue(args))
}

func (s *stmt) Query(args []driver.Value) (driver.Rows, error) {
	return s.QueryContext(context.Background(), valueToNamedValue(args))
}

// before runs the Hook for one execution, unless it already ran for it.
func (s *stmt) before(ctx context.Context) error {
	if s.hookDone {
		s.hookDone = false
		return nil
	}
	if err := s.conn.hook(ctx, s.query); err != nil {
		s.conn.count(ctx)
		return err
	}
	return nil
}

func (s *stmt) ExecContext(ctx context.Context, args []driver.NamedValue) (driver.Result, error) {
	if err := s.before(ctx); err != nil {
		return nil, err
	}
	var res driver.Result
	var err error
	if se, ok := s.inner.(driver.StmtExecContext); ok {
		res, err = se.ExecContext(ctx, args)
	} else {
		var dargs []driver.Value
		if dargs, err = namedValueToValue(args); err == nil {
			if err = ctx.Err(); err == nil {
				res, err = s.inner.Exec(dargs)
			}
		}
	}
	if sent(err) {
		s.conn.count(ctx)
	}
	return res, err
}

func (s *stmt) QueryContext(ctx context.Context, args []driver.NamedValue) (driver.Rows, error) {
	if err := s.before(ctx); err != nil {
		return nil, err
	}
	var rows driver.Rows
	var err error
	if sq, ok := s.inner.(driver.StmtQueryContext); ok {
		rows, err = sq.QueryContext(ctx, args)
	} else {
		var dargs []driver.Value
		if dargs, err = namedValueToValue(args); err == nil {
			if err = ctx.Err(); err == nil {
				rows, err = s.inner.Query(dargs)
			}
		}
	}
	if sent(err) {
		s.conn.count(ctx)
	}
	return rows, err
}

// CheckNamedValue mirrors database/sql: the statement's checker if it has
// one, else the connection's; driver.ErrSkip passes on to the column
// converter (ccStmt) or the default conversion.
func (s *stmt) CheckNamedValue(nv *driver.NamedValue) error {
	if n, ok := s.inner.(driver.NamedValueChecker); ok {
		return n.CheckNamedValue(nv)
	}
	if n, ok := s.conn.inner.(driver.NamedValueChecker); ok {
		return n.CheckNamedValue(nv)
	}
	return driver.ErrSkip
}

// ColumnConverter delegates to the inner statement.
func (s *ccStmt) ColumnConverter(idx int) driver.ValueConverter {
	return s.inner.(driver.ColumnConverter).ColumnConverter(idx)
}

func namedValueToValue(named []driver.NamedValue) ([]driver.Value, error) {
	dargs := make([]driver.Value, len(named))
	for n, param := range named {
		if len(param.Name) > 0 {
			return nil, errors.New("sql: driver does not support the use of Named Parameters")
		}
		dargs[n] = param.Value
	}
	return dargs, nil
}

func valueToNamedValue(args []driver.Value) []driver.NamedValue {
	nargs := make([]driver.NamedValue, len(args))
	for n, v := range args {
		nargs[n] = driver.NamedValue{Ordinal: n + 1, Value: v}
	}
	return nargs
}
