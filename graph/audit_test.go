package graph_test

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/hostpanel/panel/ent"
	"github.com/hostpanel/panel/ent/domain"
	"github.com/hostpanel/panel/ent/privacy"
	"github.com/hostpanel/panel/internal/apitest"
	"github.com/hostpanel/panel/internal/audit"
	"github.com/hostpanel/panel/internal/dbtest"
	"github.com/hostpanel/panel/internal/viewer"
)

const auditQuery = `query($first:Int,$last:Int,$after:Cursor,$before:Cursor,$where:AuditEventWhereInput){
  auditEvents(first:$first,last:$last,after:$after,before:$before,where:$where){
    totalCount pageInfo{hasNextPage hasPreviousPage startCursor endCursor}
    edges{cursor node{id at actorRole actorId actorLogin action targetIds summary success requestId
      actor{id ... on Reseller{login} ... on Administrator{login} ... on Customer{login} ... on PanelUser{login}}}}}}`

type auditEventOut struct {
	ID         string
	At         time.Time
	ActorRole  string
	ActorID    *string
	ActorLogin *string
	Action     string
	TargetIDs  []string `json:"targetIds"`
	Summary    string
	Success    bool
	RequestID  *string
	Actor      *struct{ ID, Login string }
}

type auditPage struct {
	TotalCount int
	PageInfo   struct {
		HasNextPage, HasPreviousPage bool
		StartCursor, EndCursor       *string
	}
	Events []auditEventOut
}

// auditEvents runs auditEvents with vars and returns the page; it fails the
// test on a top-level error.
func auditEvents(t *testing.T, s *apitest.Server, token string, vars map[string]any) auditPage {
	t.Helper()
	var out struct {
		AuditEvents struct {
			TotalCount int
			PageInfo   struct {
				HasNextPage, HasPreviousPage bool
				StartCursor, EndCursor       *string
			}
			Edges []struct{ Node auditEventOut }
		}
	}
	s.Must(token, auditQuery, vars, &out)
	p := auditPage{TotalCount: out.AuditEvents.TotalCount, PageInfo: out.AuditEvents.PageInfo}
	for _, e := range out.AuditEvents.Edges {
		p.Events = append(p.Events, e.Node)
	}
	return p
}

func summaries(p auditPage) []string {
	out := []string{}
	for _, e := range p.Events {
		out = append(out, e.Summary)
	}
	return out
}

func atoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatalf("ID %q is not ours: %v", s, err)
	}
	return n
}

// sysCtx bypasses privacy, for setting up rows directly.
func sysCtx() context.Context { return privacy.DecisionContext(context.Background(), privacy.Allow) }

// seedEvents writes events with fixed times directly, as system code.
type seed struct {
	at      time.Time
	action  string
	actor   int
	role    viewer.Role
	targets []int
	scopes  []int
}

func seedEvents(t *testing.T, c *ent.Client, events []seed) {
	t.Helper()
	ctx := sysCtx()
	for i, e := range events {
		ev, err := c.AuditEvent.Create().SetAt(e.at).SetAction(e.action).SetActorRole(string(e.role)).
			SetActorID(strconv.Itoa(e.actor)).SetActorLogin(fmt.Sprintf("actor%d", e.actor)).
			SetSummary(fmt.Sprintf("e%d", i+1)).Save(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, tg := range e.targets {
			c.AuditTarget.Create().SetEventID(ev.ID).SetTargetID(strconv.Itoa(tg)).ExecX(ctx)
		}
		for _, r := range e.scopes {
			c.AuditScope.Create().SetEventID(ev.ID).SetResellerID(r).ExecX(ctx)
		}
	}
}

// TestAuditEventsFilters covers every filter, newest-first order and
// pagination on events with known times.
func TestAuditEventsFilters(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d string) {
		s := apitest.New(t, d)
		admin := s.AdminToken()
		t0 := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
		seedEvents(t, s.Client, []seed{
			{at: t0, action: "a.one", actor: 100, role: viewer.Admin, targets: []int{1001}},
			{at: t0.Add(time.Hour), action: "a.two", actor: 100, role: viewer.Admin, targets: []int{1001, 1002}},
			{at: t0.Add(2 * time.Hour), action: "a.one", actor: 200, role: viewer.Reseller, targets: []int{1002}},
			{at: t0.Add(3 * time.Hour), action: "a.two", actor: 200, role: viewer.Reseller},
		})
		at := func(h int) string { return t0.Add(time.Duration(h) * time.Hour).Format(time.RFC3339) }
		for _, tc := range []struct {
			name  string
			where map[string]any
			want  []string
		}{
			{"none", nil, []string{"e4", "e3", "e2", "e1"}},
			{"actorId", map[string]any{"actorId": "100"}, []string{"e2", "e1"}},
			{"targetId", map[string]any{"targetId": "1002"}, []string{"e3", "e2"}},
			{"targetId unknown", map[string]any{"targetId": "999999"}, []string{}},
			{"targetId malformed", map[string]any{"targetId": "x"}, []string{}},
			{"action", map[string]any{"action": "a.one"}, []string{"e3", "e1"}},
			{"since inclusive", map[string]any{"since": at(1)}, []string{"e4", "e3", "e2"}},
			{"until exclusive", map[string]any{"until": at(2)}, []string{"e2", "e1"}},
			{"since and until", map[string]any{"since": at(1), "until": at(3)}, []string{"e3", "e2"}},
			{"all together", map[string]any{"actorId": "200", "targetId": "1002", "action": "a.one",
				"since": at(2), "until": at(3)}, []string{"e3"}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				p := auditEvents(t, s, admin, map[string]any{"where": tc.where})
				if got := summaries(p); !slices.Equal(got, tc.want) {
					t.Fatalf("got %v, want %v", got, tc.want)
				}
				if p.TotalCount != len(tc.want) {
					t.Fatalf("totalCount %d, want %d", p.TotalCount, len(tc.want))
				}
			})
		}
		// Fields: IDs as Relay IDs, the actor's role and login.
		p := auditEvents(t, s, admin, map[string]any{"where": map[string]any{"action": "a.two", "actorId": "100"}})
		e := p.Events[0]
		if !slices.Equal(e.TargetIDs, []string{"1001", "1002"}) || e.ActorID == nil || *e.ActorID != "100" ||
			e.ActorRole != "ADMIN" || e.ActorLogin == nil || *e.ActorLogin != "actor100" || !e.Success {
			t.Fatalf("event fields: %+v", e)
		}
		if e.Actor != nil {
			t.Fatalf("actor %+v of an account that does not exist, want null", e.Actor)
		}

		// Pagination, newest first.
		p1 := auditEvents(t, s, admin, map[string]any{"first": 2})
		if got := summaries(p1); !slices.Equal(got, []string{"e4", "e3"}) || !p1.PageInfo.HasNextPage || p1.TotalCount != 4 {
			t.Fatalf("first page %v %+v", got, p1.PageInfo)
		}
		p2 := auditEvents(t, s, admin, map[string]any{"first": 2, "after": *p1.PageInfo.EndCursor})
		if got := summaries(p2); !slices.Equal(got, []string{"e2", "e1"}) || p2.PageInfo.HasNextPage {
			t.Fatalf("second page %v %+v", got, p2.PageInfo)
		}
		p3 := auditEvents(t, s, admin, map[string]any{"last": 1, "before": *p2.PageInfo.EndCursor})
		if got := summaries(p3); !slices.Equal(got, []string{"e2"}) {
			t.Fatalf("last 1 before e1: %v", got)
		}
		p4 := auditEvents(t, s, admin, map[string]any{"last": 3})
		if got := summaries(p4); !slices.Equal(got, []string{"e3", "e2", "e1"}) || !p4.PageInfo.HasPreviousPage {
			t.Fatalf("last 3: %v %+v", got, p4.PageInfo)
		}
		if r := s.Do(admin, auditQuery, map[string]any{"first": 101}); r.Code() != "BAD_USER_INPUT" {
			t.Fatalf("first 101: %+v", r.Errors)
		}
	})
}

// TestAuditEventsNewestFirstSameSecond: events written in one second (the
// precision of MariaDB's timestamps) still come newest first.
func TestAuditEventsNewestFirstSameSecond(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d string) {
		s := apitest.New(t, d)
		admin := s.AdminToken()
		ctx := viewer.NewContext(context.Background(), &viewer.Viewer{Role: viewer.Admin, AdministratorID: 1, Login: "admin"})
		for i := 1; i <= 5; i++ {
			if err := audit.Record(ctx, s.Client, audit.Event{Action: "t.same", Summary: fmt.Sprintf("s%d", i)}); err != nil {
				t.Fatal(err)
			}
		}
		p := auditEvents(t, s, admin, map[string]any{"where": map[string]any{"action": "t.same"}, "first": 3})
		if got := summaries(p); !slices.Equal(got, []string{"s5", "s4", "s3"}) {
			t.Fatalf("got %v", got)
		}
		p = auditEvents(t, s, admin, map[string]any{"where": map[string]any{"action": "t.same"}, "after": *p.PageInfo.EndCursor})
		if got := summaries(p); !slices.Equal(got, []string{"s2", "s1"}) {
			t.Fatalf("second page %v", got)
		}
	})
}

// TestAuditEventsScope: the admin reads all; a reseller the events about its
// scope and no other (by list, target filter and node); customers and panel
// users are refused.
func TestAuditEventsScope(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d string) {
		s := apitest.New(t, d)
		w := s.BuildWorld()
		r1, r2 := w.Resellers[0], w.Resellers[1]
		byTarget := func(token, id string) auditPage {
			return auditEvents(t, s, token, map[string]any{"where": map[string]any{"targetId": id}})
		}
		// R1's customer: the admin and R1 see its events, R2 nothing.
		c1 := w.Customers[1].ID
		if p := byTarget(w.AdminToken, c1); p.TotalCount == 0 {
			t.Fatal("admin sees no event about R1's customer")
		}
		p := byTarget(r1.Token, c1)
		if p.TotalCount == 0 {
			t.Fatal("R1 sees no event about its own customer")
		}
		var create *auditEventOut
		for i, e := range p.Events {
			if e.Action == "customer.create" {
				create = &p.Events[i]
			}
		}
		if create == nil || create.ActorRole != "RESELLER" || create.Actor == nil || create.Actor.ID != r1.ID ||
			create.Actor.Login != r1.Login || *create.ActorID != r1.ID {
			t.Fatalf("R1's customer.create event: %+v", create)
		}
		if p := byTarget(r2.Token, c1); p.TotalCount != 0 || len(p.Events) != 0 {
			t.Fatalf("R2 sees %d events about R1's customer: %v", p.TotalCount, summaries(p))
		}
		// Without a filter, R2 sees only events about its scope: none
		// targets R1's customers, subscriptions or account.
		r1Objects := []string{r1.ID, w.Customers[1].ID, w.Customers[2].ID, w.Subscriptions[1], w.Subscriptions[2]}
		all2 := auditEvents(t, s, r2.Token, map[string]any{"first": 100})
		if all2.TotalCount == 0 {
			t.Fatal("R2 sees no events at all")
		}
		for _, e := range all2.Events {
			for _, tg := range e.TargetIDs {
				if slices.Contains(r1Objects, tg) {
					t.Fatalf("R2 sees event %+v about R1's object %s", e, tg)
				}
			}
		}
		adminAll := auditEvents(t, s, w.AdminToken, map[string]any{"first": 100})
		if adminAll.TotalCount <= all2.TotalCount {
			t.Fatalf("admin sees %d events, R2 %d", adminAll.TotalCount, all2.TotalCount)
		}
		// A customer of R1 acting (its panel user's creation) is in R1's
		// scope.
		pu := w.PanelUsers[1].ID
		if p := byTarget(r1.Token, pu); p.TotalCount != 1 || p.Events[0].Actor == nil || p.Events[0].Actor.ID != c1 {
			t.Fatalf("R1 on its customer's panel user: %+v", p)
		}
		// An admin's event about both resellers is read by both; one about
		// R1 only is not read by R2.
		rid1, rid2 := atoi(t, r1.ID), atoi(t, r2.ID)
		adminV := viewer.NewContext(context.Background(), &viewer.Viewer{Role: viewer.Admin, AdministratorID: atoi(t, w.AdminID), Login: "admin"})
		must := func(err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		must(audit.Record(adminV, s.Client, audit.Event{Action: "test.both", Summary: "both",
			ScopeResellerIDs: []int{rid1, rid2, rid1}, Targets: []int{atoi(t, w.Customers[1].ID), atoi(t, w.Customers[3].ID)}}))
		must(audit.Record(adminV, s.Client, audit.Event{Action: "test.r1", Summary: "r1 only", ScopeResellerID: &rid1}))
		must(audit.Record(adminV, s.Client, audit.Event{Action: "test.admin", Summary: "admin only"}))
		for _, tc := range []struct {
			token, action string
			want          int
		}{
			{w.AdminToken, "test.both", 1}, {r1.Token, "test.both", 1}, {r2.Token, "test.both", 1},
			{w.AdminToken, "test.r1", 1}, {r1.Token, "test.r1", 1}, {r2.Token, "test.r1", 0},
			{w.AdminToken, "test.admin", 1}, {r1.Token, "test.admin", 0}, {r2.Token, "test.admin", 0},
		} {
			p := auditEvents(t, s, tc.token, map[string]any{"where": map[string]any{"action": tc.action}})
			if p.TotalCount != tc.want || len(p.Events) != tc.want {
				t.Fatalf("%s: %d events, want %d", tc.action, p.TotalCount, tc.want)
			}
		}
		if n := s.Client.AuditScope.Query().CountX(sysCtx()); n == 0 {
			t.Fatal("no audit scope rows")
		}
		// node(id): within scope only.
		r1Event := auditEvents(t, s, w.AdminToken, map[string]any{"where": map[string]any{"action": "test.r1"}}).Events[0].ID
		nodeQ := `query($id:ID!){node(id:$id){id ... on AuditEvent{action targetIds}}}`
		for _, tc := range []struct {
			name, token string
			visible     bool
		}{
			{"admin", w.AdminToken, true}, {"R1", r1.Token, true}, {"R2", r2.Token, false},
			{"customer", w.Customers[1].Token, false}, {"panel user", w.PanelUsers[1].Token, false},
		} {
			var out struct{ Node *struct{ ID, Action string } }
			s.Must(tc.token, nodeQ, map[string]any{"id": r1Event}, &out)
			if (out.Node != nil) != tc.visible || (out.Node != nil && out.Node.Action != "test.r1") {
				t.Fatalf("%s: node(%s) = %+v, visible want %v", tc.name, r1Event, out.Node, tc.visible)
			}
		}
		// Customers and panel users may not read the audit log.
		for _, tok := range []string{w.Customers[1].Token, w.Customers[0].Token, w.PanelUsers[1].Token} {
			if r := s.Do(tok, auditQuery, nil); r.Code() != "FORBIDDEN" {
				t.Fatalf("customer/panel user: %+v", r.Errors)
			}
		}
		if r := s.Do("", auditQuery, nil); r.Code() != "UNAUTHENTICATED" {
			t.Fatalf("anonymous: %+v", r.Errors)
		}
	})
}

// TestAuditEventsSurviveTargets: deleting a target keeps its events, which
// still name it.
func TestAuditEventsSurviveTargets(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d string) {
		s := apitest.New(t, d)
		w := s.BuildWorld()
		dom := s.Client.Domain.Query().Where(domain.Name("www1.example")).OnlyX(sysCtx())
		id := strconv.Itoa(dom.ID)
		before := auditEvents(t, s, w.AdminToken, map[string]any{"where": map[string]any{"targetId": id}})
		if before.TotalCount != 1 || before.Events[0].Action != "domain.add" {
			t.Fatalf("events of the domain: %+v", before)
		}
		s.Client.Domain.DeleteOneID(dom.ID).ExecX(sysCtx())
		after := auditEvents(t, s, w.AdminToken, map[string]any{"where": map[string]any{"targetId": id}})
		if after.TotalCount != 1 || !slices.Contains(after.Events[0].TargetIDs, id) {
			t.Fatalf("after deletion: %+v", after)
		}
		// R1 (the domain's customer's reseller) still reads it too.
		if p := auditEvents(t, s, w.Resellers[0].Token, map[string]any{"where": map[string]any{"targetId": id}}); p.TotalCount != 1 {
			t.Fatalf("R1 after deletion: %+v", p)
		}
	})
}

// TestAuditRefusedLogin: a refused login is recorded, without an actor.
func TestAuditRefusedLogin(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d string) {
		s := apitest.New(t, d)
		admin := s.AdminToken()
		for _, l := range []string{"admin", "nobody"} {
			r := s.Do("", `mutation($l:String!){login(input:{login:$l,password:"wrong-password"}){token userErrors{code}}}`,
				map[string]any{"l": l})
			if len(r.Errors) > 0 {
				t.Fatal(r.Errors)
			}
		}
		p := auditEvents(t, s, admin, map[string]any{"where": map[string]any{"action": "auth.login_refused"}})
		if p.TotalCount != 2 {
			t.Fatalf("%d refused logins recorded, want 2", p.TotalCount)
		}
		e := p.Events[0]
		if e.Success || e.ActorRole != "ANONYMOUS" || e.ActorID != nil || e.Actor != nil ||
			e.ActorLogin == nil || *e.ActorLogin != "nobody" {
			t.Fatalf("refused login event: %+v", e)
		}
	})
}

// TestAuditEventsStatementsConstant: a page of events with their actors and
// targets costs the same statements at 5 and 60 events (no N+1).
func TestAuditEventsStatementsConstant(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d string) {
		s := apitest.New(t, d)
		w := s.BuildWorld()
		ctx := viewer.NewContext(context.Background(), &viewer.Viewer{Role: viewer.Reseller, ResellerID: atoi(t, w.Resellers[0].ID), Login: "reseller1"})
		for i := 0; i < 60; i++ {
			if err := audit.Record(ctx, s.Client, audit.Event{Action: "t.page", Summary: "p",
				Targets: []int{atoi(t, w.Customers[1].ID), atoi(t, w.Customers[2].ID)}}); err != nil {
				t.Fatal(err)
			}
		}
		for _, tok := range []string{w.AdminToken, w.Resellers[0].Token} {
			count := func(n int) int64 {
				before := s.Statements.Load()
				p := auditEvents(t, s, tok, map[string]any{"first": n, "where": map[string]any{"action": "t.page"}})
				if len(p.Events) != n || p.Events[0].Actor == nil || len(p.Events[n-1].TargetIDs) != 2 {
					t.Fatalf("page of %d: %d events, first %+v", n, len(p.Events), p.Events[0])
				}
				return s.Statements.Load() - before
			}
			c5, c60 := count(5), count(60)
			t.Logf("%s: %d statements at 5 events, %d at 60", d, c5, c60)
			if c5 != c60 || c60 > 8 {
				t.Fatalf("audit page: %d statements at 5 events, %d at 60", c5, c60)
			}
		}
	})
}
