// Package audit writes audit events (SPEC 3.8): who did what to which objects,
// in the transaction of the change itself, so an event exists exactly when the
// change does. Events have no foreign keys and survive their targets.
package audit

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"github.com/hostpanel/panel/ent"
	"github.com/hostpanel/panel/ent/auditscope"
	"github.com/hostpanel/panel/ent/audittarget"
	"github.com/hostpanel/panel/ent/privacy"
	"github.com/hostpanel/panel/ent/webhookoutbox"
	"github.com/hostpanel/panel/internal/events"
	"github.com/hostpanel/panel/internal/reqid"
	"github.com/hostpanel/panel/internal/viewer"
)

// Event is one audit record.
type Event struct {
	// Action is a dotted name such as "customer.suspend".
	Action string
	// Targets are the IDs of the objects acted on.
	Targets []int
	// Summary is one human-readable line.
	Summary string
	// ScopeResellerID is the reseller whose scope the event is about (nil:
	// the administrator's own scope), so that reseller can read it.
	ScopeResellerID *int
	// ScopeResellerIDs are further resellers the event is about (an
	// administrator's bulk action over several resellers' customers, a move
	// between resellers); each of them can read it. The reseller of the
	// viewer (a reseller, its panel users, its customers and theirs) is
	// always added: what they do is about its scope.
	ScopeResellerIDs []int
	// Failed marks a refused action (a refused login).
	Failed bool
	// Actor overrides the viewer of ctx (for logins, which have none yet).
	ActorLogin string
	// Types are the webhook event types the event is published as
	// (internal/events); nil: the type of Action, if it has one. A refused
	// action is never published.
	Types []string
}

// Record writes e with c (a transactional client inside a service's
// transaction). It bypasses privacy: audit is written by system code only.
func Record(ctx context.Context, c *ent.Client, e Event) error {
	v := viewer.FromContext(ctx)
	sys := privacy.DecisionContext(ctx, privacy.Allow)
	b := c.AuditEvent.Create().
		SetAction(e.Action).
		SetSummary(e.Summary).
		SetSuccess(!e.Failed).
		SetRequestID(reqid.FromContext(ctx))
	switch {
	case v != nil:
		b.SetActorID(strconv.Itoa(v.AccountID())).SetActorLogin(v.Login).SetActorRole(string(v.Role))
		if v.PanelUserID != 0 {
			b.SetActorID(strconv.Itoa(v.PanelUserID))
		}
	default:
		b.SetActorRole("ANONYMOUS").SetActorLogin(e.ActorLogin)
	}
	ev, err := b.Save(sys)
	if err != nil {
		return err
	}
	targets := make([]string, len(e.Targets))
	for i, id := range e.Targets {
		targets[i] = strconv.Itoa(id)
	}
	if err := insertRows(sys, c, audittarget.Table, audittarget.FieldEventID, audittarget.FieldTargetID, ev.ID, targets); err != nil {
		return err
	}
	if err := insertRows(sys, c, auditscope.Table, auditscope.FieldEventID, auditscope.FieldResellerID, ev.ID, scopes(v, e)); err != nil {
		return err
	}
	// The transactional outbox of webhooks: one row per published type,
	// committed or rolled back with the change (internal/webhooks fans it
	// out to the endpoints).
	return insertRows(sys, c, webhookoutbox.Table, webhookoutbox.FieldEventID, webhookoutbox.FieldEventType, ev.ID, publishedTypes(e))
}

// publishedTypes are the webhook event types of e.
func publishedTypes(e Event) []string {
	switch {
	case e.Failed:
		return nil
	case e.Types != nil:
		return e.Types
	}
	if t := events.ForAction(e.Action); t != "" {
		return []string{t}
	}
	return nil
}

// insertRows inserts a row (event, value) into table (columns a and b) for
// each of values, in statements of up to chunk rows. The target and scope
// rows of an event are plain pairs with no hooks or defaults, so they are
// written without one ent builder and mutation per row (a bulk action has
// thousands).
func insertRows[T any](ctx context.Context, c *ent.Client, table, a, b string, event int, values []T) error {
	for part := range slices.Chunk(values, chunk) {
		args := make([]any, 0, 2*len(part))
		for _, v := range part {
			args = append(args, event, v)
		}
		q := "INSERT INTO " + table + " (" + a + ", " + b + ") VALUES " +
			strings.TrimSuffix(strings.Repeat("(?, ?), ", len(part)), ", ")
		if _, err := c.ExecContext(ctx, q, args...); err != nil {
			return err
		}
	}
	return nil
}

// chunk bounds the rows of one INSERT, like the bulk chunks.
const chunk = 1000

// scopes lists the resellers e is about, each once: the ones named and the
// viewer's reseller.
func scopes(v *viewer.Viewer, e Event) []int {
	ids := slices.Clone(e.ScopeResellerIDs)
	if e.ScopeResellerID != nil {
		ids = append(ids, *e.ScopeResellerID)
	}
	if v != nil {
		ids = append(ids, v.ResellerID, v.OwnerResellerID)
	}
	ids = slices.DeleteFunc(ids, func(id int) bool { return id <= 0 })
	slices.Sort(ids)
	return slices.Compact(ids)
}

// CustomerResellers returns the distinct resellers owning the customers of
// ids (looked up in found), in order of first appearance: the scopes of an
// event about those customers. The administrator's customers add none.
func CustomerResellers(found map[int]*ent.Customer, ids []int) []int {
	var out []int
	for _, id := range ids {
		if c := found[id]; c != nil && c.ResellerID != nil && !slices.Contains(out, *c.ResellerID) {
			out = append(out, *c.ResellerID)
		}
	}
	return out
}
