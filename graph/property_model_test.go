package graph_test

import (
	"slices"
	"strconv"
)

// The plain-Go reference model of the tenant-isolation property test
// (property_test.go): the ownership graph, who may see what (SPEC section 1)
// and what each operation does (SPEC section 3.4 and 3.6), with no database.

type propRole string

const (
	pAdmin     propRole = "ADMIN"
	pReseller  propRole = "RESELLER"
	pCustomer  propRole = "CUSTOMER"
	pPanelUser propRole = "PANEL_USER"
)

type mCustomer struct {
	id, owner        int // owner 0 = the administrator
	login            string
	susAdmin, susRes bool
	deleted          bool
}

func (c *mCustomer) suspended() bool { return c.susAdmin || c.susRes }

type mSub struct {
	id, customer     int // customer 0: the reseller's own subscription
	reseller         int
	susAdmin, susRes bool
}

type mPanelUser struct {
	id, customer int
	login        string
}

type model struct {
	admin      int
	resellers  []int
	resLogin   map[int]string
	customers  map[int]*mCustomer
	custOrder  []int
	subs       map[int]*mSub
	subOrder   []int
	domains    map[int]int // domain -> subscription
	panelUsers map[int]*mPanelUser
	puOrder    []int
	created    int
	base       map[int]int // type (ID>>32) -> the world's first ID of it, for labels // objects created by steps, for unique names
}

// propViewer is who runs a step: role and account ID (the panel user's own
// ID for PANEL_USER).
type propViewer struct {
	role propRole
	id   int
}

func (m *model) customer(id int) *mCustomer {
	if c, ok := m.customers[id]; ok && !c.deleted {
		return c
	}
	return nil
}

func (m *model) subStatus(s *mSub) string {
	if s.susAdmin || s.susRes || s.customer != 0 && m.customers[s.customer].suspended() {
		return "SUSPENDED"
	}
	return "ACTIVE"
}

func status(suspended bool) string {
	if suspended {
		return "SUSPENDED"
	}
	return "ACTIVE"
}

// accountCustomer is the customer a CUSTOMER or PANEL_USER viewer acts for.
func (m *model) accountCustomer(v propViewer) *mCustomer {
	switch v.role {
	case pCustomer:
		return m.customer(v.id)
	case pPanelUser:
		if pu, ok := m.panelUsers[v.id]; ok {
			return m.customer(pu.customer)
		}
	}
	return nil
}

// canLogin: the account exists and is active (a panel user's customer too).
func (m *model) canLogin(v propViewer) bool {
	switch v.role {
	case pAdmin, pReseller:
		return true
	}
	c := m.accountCustomer(v)
	return c != nil && !c.suspended()
}

// seesCustomer is customerScope.
func (m *model) seesCustomer(v propViewer, id int) bool {
	c := m.customer(id)
	if c == nil {
		return false
	}
	switch v.role {
	case pAdmin:
		return true
	case pReseller:
		return c.owner == v.id
	}
	ac := m.accountCustomer(v)
	return ac != nil && ac.id == id
}

func (m *model) seesSub(v propViewer, id int) bool {
	s, ok := m.subs[id]
	if ok && s.customer == 0 {
		return v.role == pAdmin || v.role == pReseller && v.id == s.reseller
	}
	return ok && m.seesCustomer(v, s.customer)
}

// visible answers whether node(id) returns the object for v.
func (m *model) visible(v propViewer, id int) bool {
	if id == m.admin {
		return true
	}
	if slices.Contains(m.resellers, id) {
		switch v.role {
		case pAdmin:
			return true
		case pReseller:
			return v.id == id
		}
		ac := m.accountCustomer(v)
		return ac != nil && ac.owner == id
	}
	if _, ok := m.customers[id]; ok {
		return m.seesCustomer(v, id)
	}
	if _, ok := m.subs[id]; ok {
		return m.seesSub(v, id)
	}
	if sub, ok := m.domains[id]; ok {
		return m.seesSub(v, sub)
	}
	if pu, ok := m.panelUsers[id]; ok {
		return m.seesCustomer(v, pu.customer)
	}
	return false
}

func (m *model) visibleCustomers(v propViewer) []int {
	var out []int
	for _, id := range m.custOrder {
		if m.seesCustomer(v, id) {
			out = append(out, id)
		}
	}
	return out
}

func (m *model) visibleSubs(v propViewer) []int {
	var out []int
	for _, id := range m.subOrder {
		if m.seesSub(v, id) {
			out = append(out, id)
		}
	}
	return out
}

// bulkErr is one expected userError of a bulk item.
type bulkErr struct {
	Code  string
	Field string // "ids.<index>"
}

// bulkResult is the expected payload of a bulk mutation.
type bulkResult struct {
	IDs       []int // the payload's objects (or deleted IDs), input order
	Committed bool
	Errors    []bulkErr
}

// bulk runs the shared semantics: repeats once, check(id) gives the item's
// error code ("" = valid), ATOMIC/PARTIAL, dry run; apply changes the model
// for the valid IDs when committed.
func bulkRun(ids []int, partial, dry bool, check func(id int) string, apply func(valid []int)) bulkResult {
	first := map[int]int{}
	var uniq []int
	for i, id := range ids {
		if _, ok := first[id]; !ok {
			first[id] = i
			uniq = append(uniq, id)
		}
	}
	res := bulkResult{IDs: []int{}}
	var valid []int
	for _, id := range uniq {
		if code := check(id); code != "" {
			res.Errors = append(res.Errors, bulkErr{code, "ids." + strconv.Itoa(first[id])})
		} else {
			valid = append(valid, id)
		}
	}
	proceed := partial || len(res.Errors) == 0
	res.Committed = proceed && !dry
	if proceed && (dry || res.Committed) {
		res.IDs = append(res.IDs, valid...)
	}
	if res.Committed {
		apply(valid)
	}
	return res
}

func (m *model) suspendCustomers(v propViewer, ids []int, suspend, partial, dry bool) bulkResult {
	return bulkRun(ids, partial, dry, func(id int) string {
		if !m.seesCustomer(v, id) {
			return "NOT_FOUND"
		}
		if !suspend && v.role == pReseller && m.customers[id].susAdmin {
			return "FORBIDDEN"
		}
		return ""
	}, func(valid []int) {
		for _, id := range valid {
			c := m.customers[id]
			switch {
			case suspend && v.role == pAdmin:
				c.susAdmin = true
			case suspend:
				c.susRes = true
			case v.role == pAdmin:
				c.susAdmin, c.susRes = false, false
			default:
				c.susRes = false
			}
		}
	})
}

func (m *model) suspendSubs(v propViewer, ids []int, suspend, partial, dry bool) bulkResult {
	return bulkRun(ids, partial, dry, func(id int) string {
		if !m.seesSub(v, id) {
			return "NOT_FOUND"
		}
		if !suspend && v.role == pReseller && m.subs[id].susAdmin {
			return "FORBIDDEN"
		}
		return ""
	}, func(valid []int) {
		for _, id := range valid {
			s := m.subs[id]
			switch {
			case suspend && v.role == pAdmin:
				s.susAdmin = true
			case suspend:
				s.susRes = true
			case v.role == pAdmin:
				s.susAdmin, s.susRes = false, false
			default:
				s.susRes = false
			}
		}
	})
}

func (m *model) deleteCustomers(v propViewer, ids []int, partial, dry bool) bulkResult {
	return bulkRun(ids, partial, dry, func(id int) string {
		if !m.seesCustomer(v, id) {
			return "NOT_FOUND"
		}
		return ""
	}, func(valid []int) {
		for _, id := range valid {
			m.customers[id].deleted = true
			for sid, s := range m.subs {
				if s.customer == id {
					delete(m.subs, sid)
					for did, ds := range m.domains {
						if ds == sid {
							delete(m.domains, did)
						}
					}
				}
			}
			for pid, pu := range m.panelUsers {
				if pu.customer == id {
					delete(m.panelUsers, pid)
				}
			}
		}
		m.subOrder = slices.DeleteFunc(m.subOrder, func(id int) bool { _, ok := m.subs[id]; return !ok })
		m.puOrder = slices.DeleteFunc(m.puOrder, func(id int) bool { _, ok := m.panelUsers[id]; return !ok })
	})
}

// moveCustomers moves the customers to newOwner (0 = the administrator);
// suspension sources stay (no reseller is suspended in these worlds).
func (m *model) moveCustomers(ids []int, newOwner int, partial, dry bool) bulkResult {
	res := bulkRun(ids, partial, dry, func(id int) string {
		if m.customer(id) == nil {
			return "NOT_FOUND"
		}
		return ""
	}, func(valid []int) {
		for _, id := range valid {
			m.customers[id].owner = newOwner
		}
	})
	for i := range res.Errors {
		res.Errors[i].Field = "items." + res.Errors[i].Field[len("ids."):] + ".customerId"
	}
	return res
}

// canEditCustomer: updateCustomerContact reaches the customer (a panel
// user may not call it at all).
func (m *model) canEditCustomer(v propViewer, id int) bool {
	return v.role != pPanelUser && m.seesCustomer(v, id)
}
