package ent

// Hand-written: the runtime half of the count overrides in
// template/counts.tmpl (see ent/entc.go). Not generated.

import (
	"fmt"

	"entgo.io/ent/dialect/sql"
)

// totalCountColumn carries a connection's total count on its rows.
const totalCountColumn = "total_count"

// countInline returns the modifier of a page query that selects the number of
// rows matching the query's filter (privacy filter included) as
// totalCountColumn, then narrows the page by the cursors. Modifiers run after
// the query's predicates, so the count sees exactly the filter a separate
// COUNT would. Without a plain table to count from, it adds no column and
// the caller counts separately.
func countInline(id string, unique bool, cursors []func(*sql.Selector)) func(*sql.Selector) {
	return func(s *sql.Selector) {
		if t := s.Table(); t != nil {
			// A fresh selector sharing the filter: in ent v0.14.5
			// Selector.Clone drops the operator of a WHERE that is one
			// lone comparison ("at" >= ? becomes "at"?).
			c := sql.Dialect(s.Dialect()).Select().From(t)
			if unique {
				c.Select(sql.Count(sql.Distinct(c.C(id))))
			} else {
				c.Count()
			}
			if p := s.P(); p != nil {
				c.Where(p)
			}
			s.AppendSelectExprAs(c, totalCountColumn)
		}
		for _, p := range cursors {
			p(s)
		}
	}
}

// countPerPartition returns the modifier of a query loading a nested
// connection's rows for many parents that adds each parent's number of rows
// (before the per-parent limit entgql applies next) as totalCountColumn.
func countPerPartition(parent string) func(*sql.Selector) {
	return func(s *sql.Selector) {
		inner := new(sql.Selector)
		*inner = *s // s becomes the outer query below; see countInline on Clone
		inner.AppendSelectExprAs(sql.ExprFunc(func(b *sql.Builder) {
			b.WriteString("COUNT(*) OVER (PARTITION BY ").WriteString(inner.C(parent)).WriteString(")")
		}), totalCountColumn)
		cols := append(s.UnqualifiedColumns(), totalCountColumn)
		*s = *sql.Dialect(s.Dialect()).Select(cols...).From(inner.As(s.TableName()))
	}
}

// scanCounts makes a query scan totalCountColumn, when it selects it, as an
// integer: ent scans a column it does not know through Rows.ColumnTypes,
// which allocates the types of all columns once per row.
func scanCounts(scan func([]string) ([]any, error)) func([]string) ([]any, error) {
	return func(columns []string) ([]any, error) {
		values, err := scan(columns)
		if err != nil {
			return nil, err
		}
		for i, c := range columns {
			if c == totalCountColumn {
				values[i] = new(sql.NullInt64)
			}
		}
		return values, nil
	}
}

// countOf returns the total count carried by the first row; false when there
// is no row to carry it.
func countOf[T interface{ Value(string) (Value, error) }](rows []T) (int, bool, error) {
	if len(rows) == 0 {
		return 0, false, nil
	}
	v, err := rows[0].Value(totalCountColumn)
	if err != nil {
		return 0, false, err
	}
	n, ok := v.(int64) // scanned as sql.NullInt64 (scanCounts)
	if !ok {
		return 0, false, fmt.Errorf("ent: %s of unexpected type %T", totalCountColumn, v)
	}
	return int(n), true, nil
}
