package ent

// Hand-written: the runtime half of template/joins.tmpl. Not generated.

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"entgo.io/ent/dialect/sql"
	"entgo.io/ent/dialect/sql/sqlgraph"

	"github.com/hostpanel/panel/ent/administrator"
	"github.com/hostpanel/panel/ent/customer"
	"github.com/hostpanel/panel/ent/reseller"
)

// Column prefixes of the joined owners in a customer query's rows.
const (
	joinedReseller = "owner_r__"
	joinedAdmin    = "owner_a__"
)

// customerJoins reads the owners of the customers of one query in the
// query's own statement: the reseller edge and the administrator (the owner
// of customers without a reseller), each as a LEFT JOIN of its own query
// with its privacy filter, so a row the viewer may not read joins as NULL
// exactly as an eager load would not find it.
type customerJoins struct {
	config
	reseller, admin []string // joined columns, unprefixed
	owners          []*Reseller
	admins          []*Administrator
	// The split of the rows' columns, the same on every row.
	columns          []string
	base, rcol, acol []string
	part             []int
}

// joinOwners replaces the eager load of the customers' resellers (a second
// statement) and the administrator lookup (a third) by joins, when the
// owner is asked for without edges of its own. It leaves the query as it is
// when the privacy policies refuse either query outright, so the errors stay
// those of the loads.
func (_q *CustomerQuery) joinOwners(ctx context.Context) error {
	rq := _q.withReseller
	if rq == nil || _q.joined != nil || !rq.leaf() {
		return nil
	}
	if err := rq.prepareQuery(ctx); err != nil {
		return nil
	}
	aq := (&AdministratorClient{config: _q.config}).Query()
	if err := aq.prepareQuery(ctx); err != nil {
		return nil
	}
	rsel, asel := rq.sqlQuery(ctx), aq.sqlQuery(ctx)
	j := &customerJoins{config: _q.config, reseller: rsel.UnqualifiedColumns(), admin: asel.UnqualifiedColumns()}
	_q.withReseller, _q.joined = nil, j
	_q.modifiers = append(_q.modifiers, func(s *sql.Selector) {
		r, a := rsel.As("owner_r"), asel.As("owner_a")
		s.LeftJoin(r).On(s.C(customer.FieldResellerID), r.C(reseller.FieldID))
		// One administrator (the first, should there be more), joined on
		// its primary key: a join without a key makes MariaDB buffer it
		// and sort the whole customers table for the page.
		s.LeftJoin(a).OnP(sql.And(sql.IsNull(s.C(customer.FieldResellerID)), sql.P(func(b *sql.Builder) {
			b.WriteString(a.C(administrator.FieldID)).WriteString(" = (SELECT MIN(").Ident(administrator.FieldID).
				WriteString(") FROM ").Ident(administrator.Table).WriteString(")")
		})))
		for _, c := range j.reseller {
			s.AppendSelectAs(r.C(c), joinedReseller+c)
		}
		for _, c := range j.admin {
			s.AppendSelectAs(a.C(c), joinedAdmin+c)
		}
	})
	_q.loadTotal = append(_q.loadTotal, func(_ context.Context, nodes []*Customer) error {
		if len(nodes) != len(j.owners) {
			return fmt.Errorf("ent: %d customers but %d joined owners", len(nodes), len(j.owners))
		}
		for i, n := range nodes {
			n.Edges.Reseller, n.Edges.loadedTypes[0] = j.owners[i], true
			n.ownerAdmin = j.admins[i]
		}
		return nil
	})
	return nil
}

// leaf reports whether the query loads nothing but its own rows.
func (_q *ResellerQuery) leaf() bool {
	return _q.withPlan == nil && _q.withCustomers == nil && _q.withSubscriptions == nil &&
		_q.withServicePlans == nil && _q.withPanelUsers == nil && _q.withDescriptions == nil &&
		_q.withNotes == nil && _q.withCredential == nil && len(_q.loadTotal) == 0 && len(_q.modifiers) == 0 &&
		len(_q.withNamedCustomers) == 0 && len(_q.withNamedSubscriptions) == 0 && len(_q.withNamedServicePlans) == 0 &&
		len(_q.withNamedPanelUsers) == 0 && len(_q.withNamedDescriptions) == 0 && len(_q.withNamedNotes) == 0 &&
		_q.path == nil && _q.sql == nil
}

// wrap makes the query's scan read the joined columns into owners and admins,
// one per row, in row order.
func (j *customerJoins) wrap(spec *sqlgraph.QuerySpec) {
	scan, assign := spec.ScanValues, spec.Assign
	spec.ScanValues = func(columns []string) ([]any, error) {
		base, rc, ac, part := j.split(columns)
		bv, err := scan(base)
		if err != nil {
			return nil, err
		}
		rv, err := (*Reseller).scanValues(nil, rc)
		if err != nil {
			return nil, err
		}
		av, err := (*Administrator).scanValues(nil, ac)
		if err != nil {
			return nil, err
		}
		// Back in column order.
		parts, out := [3][]any{bv, rv, av}, make([]any, len(columns))
		for i, p := range part {
			out[i], parts[p] = parts[p][0], parts[p][1:]
		}
		return out, nil
	}
	spec.Assign = func(columns []string, values []any) error {
		base, rc, ac, part := j.split(columns)
		var parts [3][]any
		for i, v := range values {
			parts[part[i]] = append(parts[part[i]], v)
		}
		bv, rv, av := parts[0], parts[1], parts[2]
		if err := assign(base, bv); err != nil {
			return err
		}
		r := &Reseller{config: j.config}
		if err := r.assignValues(rc, rv); err != nil {
			return err
		}
		a := &Administrator{config: j.config}
		if err := a.assignValues(ac, av); err != nil {
			return err
		}
		if r.ID == 0 { // NULL: no reseller, or one the viewer may not read
			r = nil
		}
		if a.ID == 0 {
			a = nil
		}
		j.owners, j.admins = append(j.owners, r), append(j.admins, a)
		return nil
	}
}

// split is splitJoined, computed once for the columns of every row.
func (j *customerJoins) split(columns []string) (base, rc, ac []string, part []int) {
	if !slices.Equal(j.columns, columns) {
		j.columns = columns
		j.base, j.rcol, j.acol, j.part = splitJoined(columns)
	}
	return j.base, j.rcol, j.acol, j.part
}

// splitJoined splits a row's columns into the customer's and the joined
// owners' (unprefixed); part is 0, 1 (reseller) or 2 (administrator) per
// column.
func splitJoined(columns []string) (base, rc, ac []string, part []int) {
	part = make([]int, len(columns))
	for i, c := range columns {
		switch {
		case strings.HasPrefix(c, joinedReseller):
			rc, part[i] = append(rc, strings.TrimPrefix(c, joinedReseller)), 1
		case strings.HasPrefix(c, joinedAdmin):
			ac, part[i] = append(ac, strings.TrimPrefix(c, joinedAdmin)), 2
		default:
			base = append(base, c)
		}
	}
	return base, rc, ac, part
}

// JoinedAdministrator is the administrator owning the customer, when the
// query that read the customer joined it (a customer page asking for the
// owner); nil otherwise.
func (_m *Customer) JoinedAdministrator() *Administrator { return _m.ownerAdmin }
