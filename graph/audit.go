package graph

import (
	"context"
	"strconv"

	"entgo.io/contrib/entgql"
	"github.com/graph-gophers/dataloader/v7"

	"github.com/hostpanel/panel/ent"
	"github.com/hostpanel/panel/ent/administrator"
	"github.com/hostpanel/panel/ent/auditevent"
	"github.com/hostpanel/panel/ent/audittarget"
	"github.com/hostpanel/panel/ent/customer"
	"github.com/hostpanel/panel/ent/paneluser"
	"github.com/hostpanel/panel/ent/reseller"
	"github.com/hostpanel/panel/graph/model"
	"github.com/hostpanel/panel/internal/viewer"
)

// newestFirst orders audit events by time, then ID, descending.
var newestFirst = &ent.AuditEventOrder{Direction: entgql.OrderDirectionDesc, Field: ent.AuditEventOrderFieldAt}

// auditFilter applies AuditEventWhereInput: every field given must hold.
func auditFilter(w *model.AuditEventWhereInput) func(*ent.AuditEventQuery) (*ent.AuditEventQuery, error) {
	return func(q *ent.AuditEventQuery) (*ent.AuditEventQuery, error) {
		if w == nil {
			return q, nil
		}
		if w.ActorID != nil {
			q = q.Where(auditevent.ActorID(strconv.Itoa(*w.ActorID)))
		}
		if w.TargetID != nil {
			q = q.Where(auditevent.HasTargetsWith(audittarget.TargetID(strconv.Itoa(*w.TargetID))))
		}
		if w.Action != nil {
			q = q.Where(auditevent.Action(*w.Action))
		}
		if w.Since != nil {
			q = q.Where(auditevent.AtGTE(*w.Since))
		}
		if w.Until != nil {
			q = q.Where(auditevent.AtLT(*w.Until))
		}
		return q, nil
	}
}

// id parses a stored ID (an ent int ID as a string); 0 when there is none.
func storedID(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil || n <= 0 {
		return 0
	}
	return n
}

func auditActorID(e *ent.AuditEvent) *int {
	if id := storedID(e.ActorID); id != 0 {
		return &id
	}
	return nil
}

func nonEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// auditTargetIDs are the targets of e: eager-loaded with the page of events
// (one query per page), queried for an event reached through node(id).
func auditTargetIDs(ctx context.Context, e *ent.AuditEvent) ([]int, error) {
	// Not e.Targets(ctx): that looks for targets loaded under the field's
	// alias (entgql's field collection), which targetIds is not.
	ts, err := e.Edges.TargetsOrErr()
	if ent.IsNotLoaded(err) {
		ts, err = e.QueryTargets().All(ctx)
	}
	if err != nil {
		return nil, err
	}
	out := make([]int, 0, len(ts))
	for _, t := range ts {
		if id := storedID(t.TargetID); id != 0 {
			out = append(out, id)
		}
	}
	return out, nil
}

// actorKey names an actor: its role says which table holds it.
type actorKey struct {
	role viewer.Role
	id   int
}

// auditActor is the actor of e while it exists and is in the viewer's scope.
func auditActor(ctx context.Context, e *ent.AuditEvent) (ent.Noder, error) {
	id := storedID(e.ActorID)
	if id == 0 {
		return nil, nil
	}
	return loadersFrom(ctx).AuditActor.Load(ctx, actorKey{viewer.Role(e.ActorRole), id})()
}

// newActorLoader batches the actors of a page of audit events: one query per
// role present, filtered by the viewer's scope. A missing actor (deleted or
// out of scope) is nil, not an error.
func newActorLoader(client *ent.Client) *dataloader.Loader[actorKey, ent.Noder] {
	return dataloader.NewBatchedLoader(func(ctx context.Context, keys []actorKey) []*dataloader.Result[ent.Noder] {
		byRole := map[viewer.Role][]int{}
		for _, k := range keys {
			byRole[k.role] = append(byRole[k.role], k.id)
		}
		found := map[actorKey]ent.Noder{}
		var err error
		for role, ids := range byRole {
			var ns []ent.Noder
			switch role {
			case viewer.Admin:
				ns, err = noders(client.Administrator.Query().Where(administrator.IDIn(ids...)).All(ctx))
			case viewer.Reseller:
				ns, err = noders(client.Reseller.Query().Where(reseller.IDIn(ids...)).All(ctx))
			case viewer.Customer:
				ns, err = noders(client.Customer.Query().Where(customer.IDIn(ids...)).All(ctx))
			case viewer.PanelUser:
				ns, err = noders(client.PanelUser.Query().Where(paneluser.IDIn(ids...)).All(ctx))
			}
			if err != nil {
				break
			}
			for _, n := range ns {
				found[actorKey{role, nodeID(n)}] = n
			}
		}
		out := make([]*dataloader.Result[ent.Noder], len(keys))
		for i, k := range keys {
			out[i] = &dataloader.Result[ent.Noder]{Data: found[k], Error: err}
		}
		return out
	}, dataloader.WithWait[actorKey, ent.Noder](loaderWait))
}

func noders[T ent.Noder](rows []T, err error) ([]ent.Noder, error) {
	out := make([]ent.Noder, len(rows))
	for i, r := range rows {
		out[i] = r
	}
	return out, err
}

func nodeID(n ent.Noder) int {
	switch x := n.(type) {
	case *ent.Administrator:
		return x.ID
	case *ent.Reseller:
		return x.ID
	case *ent.Customer:
		return x.ID
	case *ent.PanelUser:
		return x.ID
	}
	return 0
}
