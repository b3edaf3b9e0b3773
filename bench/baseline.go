package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"entgo.io/ent/dialect"

	"github.com/hostpanel/panel/internal/auth"
)

// Baseline is the hand-written comparison: plain database/sql with batched
// IN queries and encoding/json, serving the same JSON as the GraphQL
// customer tree, and the plain two-statement transaction for bulk
// suspension. It exists only in the benchmark.
type Baseline struct {
	DB      *sql.DB
	Dialect string
}

// bviewer is who the baseline serves: the administrator or one reseller.
type bviewer struct {
	admin    bool
	reseller int
}

var errUnauthenticated = errors.New("unauthenticated")

// authenticate reads the viewer of token in one statement.
func (b *Baseline) authenticate(ctx context.Context, token string) (bviewer, error) {
	var adminID, resellerID sql.NullInt64
	var resellerStatus sql.NullString
	err := b.DB.QueryRowContext(ctx, `SELECT c.administrator_credential, c.reseller_credential, r.status
FROM sessions s JOIN credentials c ON c.id = s.credential_id
LEFT JOIN resellers r ON r.id = c.reseller_credential
WHERE s.token_hash = ? AND s.kind IN ('SESSION', 'API_TOKEN') AND (s.expires_at IS NULL OR s.expires_at > ?)`,
		auth.HashToken(token), time.Now().UTC()).Scan(&adminID, &resellerID, &resellerStatus)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return bviewer{}, errUnauthenticated
	case err != nil:
		return bviewer{}, err
	case adminID.Valid:
		return bviewer{admin: true}, nil
	case resellerID.Valid && resellerStatus.String == "ACTIVE":
		return bviewer{reseller: int(resellerID.Int64)}, nil
	}
	return bviewer{}, errUnauthenticated
}

// The JSON of the tree, field for field like the GraphQL answer.
type (
	bOwner struct {
		Typename string `json:"__typename"`
		ID       string `json:"id"`
		Login    string `json:"login"`
	}
	bDomain struct {
		Name    string `json:"name"`
		Primary bool   `json:"primary"`
	}
	bDomainName struct {
		Name string `json:"name"`
	}
	bPlan struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	}
	bSub struct {
		ID       string       `json:"id"`
		Status   string       `json:"status"`
		PlanSync string       `json:"planSync"`
		Plan     *bPlan       `json:"plan"`
		Domain   *bDomainName `json:"domain"`
		Domains  []bDomain    `json:"domains"`
	}
	bSubEdge struct {
		Node *bSub `json:"node"`
	}
	bSubConn struct {
		TotalCount int        `json:"totalCount"`
		Edges      []bSubEdge `json:"edges"`
	}
	bCustomer struct {
		ID            string    `json:"id"`
		Login         string    `json:"login"`
		Name          string    `json:"name"`
		Company       *string   `json:"company"`
		Status        string    `json:"status"`
		Owner         *bOwner   `json:"owner"`
		Subscriptions *bSubConn `json:"subscriptions"`
	}
	bCustomerEdge struct {
		Node *bCustomer `json:"node"`
	}
	bCustomerConn struct {
		TotalCount int             `json:"totalCount"`
		Edges      []bCustomerEdge `json:"edges"`
	}
)

// subsPerCustomer is the subscriptions(first:) of the tree query.
const subsPerCustomer = 10

func ids(n []int) string { return strings.TrimSuffix(strings.Repeat("?,", len(n)), ",") }

func args(n []int) []any {
	out := make([]any, len(n))
	for i, v := range n {
		out[i] = v
	}
	return out
}

func idStr(id int) string { return strconv.Itoa(id) }

// page loads the first n customers in the viewer's scope (or the one
// customer only, when only != 0) with their trees.
func (b *Baseline) page(ctx context.Context, v bviewer, n, only int) (int, []*bCustomer, error) {
	where, wargs := "1=1", []any{}
	if !v.admin {
		where, wargs = "reseller_id = ?", []any{v.reseller}
	}
	total := 0
	limit := n
	if only != 0 {
		where += " AND id = ?"
		wargs = append(wargs, only)
		limit = 1
	} else if err := b.DB.QueryRowContext(ctx, "SELECT COUNT(*) FROM customers WHERE "+where, wargs...).Scan(&total); err != nil {
		return 0, nil, err
	}
	rows, err := b.DB.QueryContext(ctx, "SELECT id, login, name, company, status, reseller_id FROM customers WHERE "+
		where+" ORDER BY id LIMIT "+strconv.Itoa(limit), wargs...)
	if err != nil {
		return 0, nil, err
	}
	var (
		cs        []*bCustomer
		cids      []int
		resellers []int
		ownerOf   = map[*bCustomer]int{}
	)
	for rows.Next() {
		var (
			id      int
			c       bCustomer
			company sql.NullString
			rid     sql.NullInt64
		)
		if err := rows.Scan(&id, &c.Login, &c.Name, &company, &c.Status, &rid); err != nil {
			rows.Close()
			return 0, nil, err
		}
		c.ID = idStr(id)
		if company.Valid {
			c.Company = &company.String
		}
		c.Subscriptions = &bSubConn{Edges: []bSubEdge{}}
		cs = append(cs, &c)
		cids = append(cids, id)
		if rid.Valid {
			ownerOf[&c] = int(rid.Int64)
			if !slices.Contains(resellers, int(rid.Int64)) {
				resellers = append(resellers, int(rid.Int64))
			}
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, nil, err
	}
	if only != 0 {
		total = len(cs)
	}
	if len(cs) == 0 {
		return total, cs, nil
	}

	// Owners: the resellers and the administrator in one statement.
	q := "SELECT id, login, 'Administrator' FROM administrators"
	if len(resellers) > 0 {
		q = "SELECT id, login, 'Reseller' FROM resellers WHERE id IN (" + ids(resellers) + ") UNION ALL " + q
	}
	owners := map[int]*bOwner{}
	var admin *bOwner
	rows, err = b.DB.QueryContext(ctx, q, args(resellers)...)
	if err != nil {
		return 0, nil, err
	}
	for rows.Next() {
		var o bOwner
		var id int
		if err := rows.Scan(&id, &o.Login, &o.Typename); err != nil {
			rows.Close()
			return 0, nil, err
		}
		o.ID = idStr(id)
		if o.Typename == "Administrator" {
			admin = &o
		} else {
			owners[id] = &o
		}
	}
	rows.Close()
	for _, c := range cs {
		if rid, ok := ownerOf[c]; ok {
			c.Owner = owners[rid]
		} else {
			c.Owner = admin
		}
	}

	// Subscriptions: the first 10 of each customer and their count.
	byCustomer := make(map[string]*bCustomer, len(cs))
	for _, c := range cs {
		byCustomer[c.ID] = c
	}
	rows, err = b.DB.QueryContext(ctx, `SELECT id, customer_id, status, plan_sync, service_plan_id, expires_at, cnt FROM (
SELECT id, customer_id, status, plan_sync, service_plan_id, expires_at,
  ROW_NUMBER() OVER (PARTITION BY customer_id ORDER BY id) AS rn,
  COUNT(*) OVER (PARTITION BY customer_id) AS cnt
FROM hosting_subscriptions WHERE customer_id IN (`+ids(cids)+`)) t WHERE rn <= `+strconv.Itoa(subsPerCustomer)+` ORDER BY customer_id, id`,
		args(cids)...)
	if err != nil {
		return 0, nil, err
	}
	var (
		sids   []int
		subs   = map[int]*bSub{}
		planOf = map[*bSub]int{}
		pids   []int
		now    = time.Now()
	)
	for rows.Next() {
		var (
			s       bSub
			id, cid int
			pid     sql.NullInt64
			expires sql.NullTime
			count   int
		)
		if err := rows.Scan(&id, &cid, &s.Status, &s.PlanSync, &pid, &expires, &count); err != nil {
			rows.Close()
			return 0, nil, err
		}
		s.ID = idStr(id)
		if expires.Valid && !expires.Time.After(now) {
			s.Status = "SUSPENDED"
		}
		s.Domains = []bDomain{}
		c := byCustomer[idStr(cid)]
		c.Subscriptions.TotalCount = count
		c.Subscriptions.Edges = append(c.Subscriptions.Edges, bSubEdge{Node: &s})
		sids = append(sids, id)
		subs[id] = &s
		if pid.Valid {
			planOf[&s] = int(pid.Int64)
			if !slices.Contains(pids, int(pid.Int64)) {
				pids = append(pids, int(pid.Int64))
			}
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, nil, err
	}
	if len(sids) == 0 {
		return total, cs, nil
	}

	// Plans (a reseller reads its own only).
	if len(pids) > 0 {
		pq, pargs := "SELECT id, name FROM service_plans WHERE id IN ("+ids(pids)+")", args(pids)
		if !v.admin {
			pq += " AND reseller_id = ?"
			pargs = append(pargs, v.reseller)
		}
		plans := map[int]*bPlan{}
		rows, err = b.DB.QueryContext(ctx, pq, pargs...)
		if err != nil {
			return 0, nil, err
		}
		for rows.Next() {
			var p bPlan
			var id int
			if err := rows.Scan(&id, &p.Name); err != nil {
				rows.Close()
				return 0, nil, err
			}
			p.ID = idStr(id)
			plans[id] = &p
		}
		rows.Close()
		for s, pid := range planOf {
			s.Plan = plans[pid]
		}
	}

	// Domains, primary first then by name.
	rows, err = b.DB.QueryContext(ctx, "SELECT subscription_id, name, `primary` FROM domains WHERE subscription_id IN ("+
		ids(sids)+")", args(sids)...)
	if err != nil {
		return 0, nil, err
	}
	for rows.Next() {
		var sid int
		var d bDomain
		if err := rows.Scan(&sid, &d.Name, &d.Primary); err != nil {
			rows.Close()
			return 0, nil, err
		}
		s := subs[sid]
		s.Domains = append(s.Domains, d)
		if d.Primary {
			s.Domain = &bDomainName{Name: d.Name}
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, nil, err
	}
	for _, s := range subs {
		slices.SortFunc(s.Domains, func(a, b bDomain) int {
			if a.Primary != b.Primary {
				if a.Primary {
					return -1
				}
				return 1
			}
			return strings.Compare(a.Name, b.Name)
		})
	}
	return total, cs, nil
}

// Tree returns the JSON of the customers page of n in v's scope.
func (b *Baseline) Tree(ctx context.Context, v bviewer, n int) (any, error) {
	total, cs, err := b.page(ctx, v, n, 0)
	if err != nil {
		return nil, err
	}
	conn := bCustomerConn{TotalCount: total, Edges: make([]bCustomerEdge, len(cs))}
	for i, c := range cs {
		conn.Edges[i] = bCustomerEdge{Node: c}
	}
	return map[string]any{"data": map[string]any{"customers": conn}}, nil
}

// One returns the JSON of node(id) for one customer.
func (b *Baseline) One(ctx context.Context, v bviewer, id int) (any, error) {
	_, cs, err := b.page(ctx, v, 1, id)
	if err != nil {
		return nil, err
	}
	var node *bCustomer
	if len(cs) == 1 {
		node = cs[0]
	}
	return map[string]any{"data": map[string]any{"node": node}}, nil
}

// Stats returns the dashboard counts.
func (b *Baseline) Stats(ctx context.Context, v bviewer) (any, error) {
	where, wargs := "", []any{}
	if !v.admin {
		where, wargs = " WHERE reseller_id = ?", []any{v.reseller}
	}
	rows, err := b.DB.QueryContext(ctx, "SELECT status, COUNT(*) FROM customers"+where+" GROUP BY status", wargs...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	st := map[string]int{"total": 0, "active": 0, "suspended": 0}
	for rows.Next() {
		var s string
		var n int
		if err := rows.Scan(&s, &n); err != nil {
			return nil, err
		}
		st["total"] += n
		st[strings.ToLower(s)] += n
	}
	return map[string]any{"data": map[string]any{"customerStats": st}}, rows.Err()
}

// suspendChunk is the size of the IN lists of the bulk suspension.
const suspendChunk = 5000

// Suspend suspends (or activates) the customers ids as the administrator:
// per chunk, one UPDATE of the customers and one of their subscriptions,
// in one transaction.
func (b *Baseline) Suspend(ctx context.Context, cids []int, suspend bool) (any, error) {
	tx, err := b.DB.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback() //nolint:errcheck // after Commit: no-op
	now := time.Now().UTC()
	affected := int64(0)
	for lo := 0; lo < len(cids); lo += suspendChunk {
		chunk := cids[lo:min(lo+suspendChunk, len(cids))]
		var q1, q2 string
		var a1, a2 []any
		if suspend {
			q1 = "UPDATE customers SET status = 'SUSPENDED', suspended_admin_at = ?, updated_at = ? WHERE suspended_admin_at IS NULL AND id IN (" + ids(chunk) + ")"
			q2 = "UPDATE hosting_subscriptions SET status = 'SUSPENDED', suspended_parent_at = ?, updated_at = ? WHERE suspended_parent_at IS NULL AND customer_id IN (" + ids(chunk) + ")"
			a1 = append([]any{now, now}, args(chunk)...)
			a2 = a1
		} else {
			q1 = "UPDATE customers SET suspended_admin_at = NULL, suspended_admin_reason = NULL, updated_at = ?, status = CASE WHEN suspended_reseller_at IS NULL AND suspended_parent_at IS NULL THEN 'ACTIVE' ELSE status END WHERE suspended_admin_at IS NOT NULL AND id IN (" + ids(chunk) + ")"
			q2 = "UPDATE hosting_subscriptions SET suspended_parent_at = NULL, updated_at = ?, status = CASE WHEN suspended_admin_at IS NULL AND suspended_reseller_at IS NULL THEN 'ACTIVE' ELSE status END WHERE suspended_parent_at IS NOT NULL AND customer_id IN (" + ids(chunk) + ")"
			a1 = append([]any{now}, args(chunk)...)
			a2 = a1
		}
		if _, err := tx.ExecContext(ctx, q1, a1...); err != nil {
			return nil, err
		}
		res, err := tx.ExecContext(ctx, q2, a2...)
		if err != nil {
			return nil, err
		}
		n, _ := res.RowsAffected()
		affected += n
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	return map[string]any{"subscriptionsAffected": affected, "committed": true}, nil
}

// baselineRequest is the body of a baseline call.
type baselineRequest struct {
	N       int   `json:"n"`
	ID      int   `json:"id"`
	IDs     []int `json:"ids"`
	Suspend bool  `json:"suspend"`
}

// Handler serves POST /baseline/{tree,one,stats,suspend}.
func (b *Baseline) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		token, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		v, err := b.authenticate(ctx, token)
		if err != nil {
			http.Error(w, err.Error(), http.StatusUnauthorized)
			return
		}
		var in baselineRequest
		if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		var out any
		switch r.URL.Path {
		case "/baseline/tree":
			out, err = b.Tree(ctx, v, in.N)
		case "/baseline/one":
			out, err = b.One(ctx, v, in.ID)
		case "/baseline/stats":
			out, err = b.Stats(ctx, v)
		case "/baseline/suspend":
			if !v.admin {
				err = fmt.Errorf("administrator only")
				break
			}
			out, err = b.Suspend(ctx, in.IDs, in.Suspend)
		default:
			http.NotFound(w, r)
			return
		}
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(out)
	})
}

var _ = dialect.MySQL
