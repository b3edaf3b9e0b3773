package webhooks

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"

	"github.com/hostpanel/panel/ent"
	"github.com/hostpanel/panel/ent/administrator"
	"github.com/hostpanel/panel/ent/privacy"
	"github.com/hostpanel/panel/ent/reseller"
	"github.com/hostpanel/panel/ent/webhookdelivery"
	"github.com/hostpanel/panel/ent/webhookendpoint"
	"github.com/hostpanel/panel/internal/apperr"
	"github.com/hostpanel/panel/internal/audit"
	"github.com/hostpanel/panel/internal/events"
	"github.com/hostpanel/panel/internal/txn"
	"github.com/hostpanel/panel/internal/validate"
	"github.com/hostpanel/panel/internal/viewer"
)

// Service manages the viewer's webhook endpoints. Every change is audited
// (webhook_endpoint.*, not itself published).
type Service struct {
	client *ent.Client
	cfg    Config
}

// NewService returns the endpoint service of client.
func NewService(client *ent.Client, cfg Config) *Service {
	return &Service{client: client, cfg: cfg.withDefaults()}
}

// CreateEndpointInput is CreateWebhookEndpointInput.
type CreateEndpointInput struct {
	URL         string
	EventTypes  []string
	Description *string
	Enabled     *bool
}

// UpdateEndpointInput is UpdateWebhookEndpointInput: nil fields are
// unchanged.
type UpdateEndpointInput struct {
	ID          int
	URL         *string
	EventTypes  []string
	Description *string
	Enabled     *bool
}

// EndpointIDInput names one endpoint (delete, enable).
type EndpointIDInput struct{ ID int }

// RedeliverInput names one delivery.
type RedeliverInput struct{ ID int }

// secretPrefix starts every endpoint secret.
const secretPrefix = "whsec_"

func newSecret() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return secretPrefix + hex.EncodeToString(b), nil
}

func (s *Service) url(ctx context.Context, raw string) (string, error) {
	u, err := checkURL(ctx, raw, s.cfg.AllowPrivate, s.cfg.LookupHost)
	if err != nil {
		return "", apperr.New(apperr.Invalid, err.Error(), "url")
	}
	return u, nil
}

// maxEventTypes bounds the list of event types of an endpoint as sent
// (there are fewer types; a longer list would cost one userError each).
const maxEventTypes = 100

// eventTypes validates a list of event types: not empty, at most
// maxEventTypes, each known; the result is sorted without repeats.
func eventTypes(errs *apperr.List, in []string) []string {
	if len(in) == 0 {
		errs.Add(apperr.New(apperr.Invalid, "choose at least one event type", "eventTypes"))
		return nil
	}
	if len(in) > maxEventTypes {
		errs.Add(apperr.New(apperr.Invalid, fmt.Sprintf("at most %d event types (see webhookEventTypes)", maxEventTypes), "eventTypes"))
		return nil
	}
	out := make([]string, 0, len(in))
	for i, t := range in {
		if !events.Known(t) {
			errs.Add(apperr.New(apperr.Invalid, fmt.Sprintf("unknown event type %q (see webhookEventTypes)", t),
				"eventTypes", apperr.Index(i)))
			continue
		}
		out = append(out, t)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func description(errs *apperr.List, d *string) string {
	if d == nil {
		return ""
	}
	out, err := validate.Text("description", *d, 255)
	if err != nil {
		errs.Add(apperr.New(apperr.Invalid, err.Error(), "description"))
	}
	return out
}

// owner is the reseller the viewer's endpoints belong to (nil: the
// administrator's); only those two roles have endpoints.
func owner(ctx context.Context) (*int, error) {
	v := viewer.FromContext(ctx)
	switch {
	case v.Is(viewer.Admin):
		return nil, nil
	case v.Is(viewer.Reseller):
		return &v.ResellerID, nil
	}
	return nil, apperr.New(apperr.Forbidden, "only the administrator and resellers have webhook endpoints")
}

// Create registers an endpoint of the viewer and returns it with its secret,
// which is never shown again.
func (s *Service) Create(ctx context.Context, in CreateEndpointInput) (*ent.WebhookEndpoint, string, error) {
	scope, err := owner(ctx)
	if err != nil {
		return nil, "", err
	}
	var errs apperr.List
	u, err := s.url(ctx, in.URL)
	if err != nil {
		errs.Add(err.(*apperr.UserError))
	}
	types := eventTypes(&errs, in.EventTypes)
	desc := description(&errs, in.Description)
	if len(errs) > 0 {
		return nil, "", errs
	}
	secret, err := newSecret()
	if err != nil {
		return nil, "", err
	}
	var ep *ent.WebhookEndpoint
	err = txn.Run(ctx, s.client, func(c *ent.Client) error {
		// The owner's row is locked first, so that concurrent creations of
		// one owner count one after the other and the limit holds.
		if err := lockOwner(ctx, c, scope); err != nil {
			return err
		}
		n, err := c.WebhookEndpoint.Query().Count(ctx)
		if err != nil {
			return err
		}
		if n >= s.cfg.MaxEndpoints {
			return apperr.New(apperr.LimitExceeded, fmt.Sprintf("at most %d webhook endpoints", s.cfg.MaxEndpoints), "url")
		}
		b := c.WebhookEndpoint.Create().SetURL(u).SetEventTypes(types).SetDescription(desc).SetSecret(secret)
		if scope != nil {
			b.SetResellerID(*scope)
		}
		if in.Enabled != nil {
			b.SetEnabled(*in.Enabled)
		}
		if ep, err = b.Save(ctx); err != nil {
			return err
		}
		return audit.Record(ctx, c, audit.Event{
			Action: "webhook_endpoint.create", Targets: []int{ep.ID}, ScopeResellerID: scope,
			Summary: fmt.Sprintf("registered webhook endpoint %s for %s", u, strings.Join(types, ", ")),
		})
	})
	if err != nil {
		return nil, "", err
	}
	return ep, secret, nil
}

// lockOwner locks the row of the endpoints' owner (the reseller; nil: the
// administrator) for the rest of the transaction (SQLite: a no-op, its
// writers are serialised).
func lockOwner(ctx context.Context, c *ent.Client, scope *int) error {
	sys := privacy.DecisionContext(ctx, privacy.Allow)
	var err error
	if scope == nil {
		_, err = c.Administrator.Query().Select(administrator.FieldID).Limit(1).Modify(txn.LockRows).Ints(sys)
	} else {
		_, err = c.Reseller.Query().Where(reseller.ID(*scope)).Select(reseller.FieldID).Modify(txn.LockRows).Ints(sys)
	}
	return err
}

// endpoint loads one of the viewer's endpoints; another owner's reads as
// missing.
func endpoint(ctx context.Context, c *ent.Client, id int) (*ent.WebhookEndpoint, error) {
	if _, err := owner(ctx); err != nil {
		return nil, err
	}
	ep, err := c.WebhookEndpoint.Query().Where(webhookendpoint.ID(id)).Only(ctx)
	if ent.IsNotFound(err) {
		return nil, apperr.New(apperr.NotFound, "no such webhook endpoint", "id")
	}
	return ep, err
}

// Update changes an endpoint's URL, event types, description or enabled
// flag. Enabling it resets its run of failures.
func (s *Service) Update(ctx context.Context, in UpdateEndpointInput) (*ent.WebhookEndpoint, error) {
	var errs apperr.List
	var u string
	if in.URL != nil {
		var err error
		if u, err = s.url(ctx, *in.URL); err != nil {
			errs.Add(err.(*apperr.UserError))
		}
	}
	var types []string
	if in.EventTypes != nil {
		types = eventTypes(&errs, in.EventTypes)
	}
	desc := description(&errs, in.Description)
	if len(errs) > 0 {
		return nil, errs
	}
	var out *ent.WebhookEndpoint
	err := txn.Run(ctx, s.client, func(c *ent.Client) error {
		ep, err := endpoint(ctx, c, in.ID)
		if err != nil {
			return err
		}
		upd := c.WebhookEndpoint.UpdateOne(ep)
		var what []string
		if in.URL != nil {
			upd.SetURL(u)
			what = append(what, "url")
		}
		if in.EventTypes != nil {
			upd.SetEventTypes(types)
			what = append(what, "event types")
		}
		if in.Description != nil {
			upd.SetDescription(desc)
			what = append(what, "description")
		}
		if in.Enabled != nil {
			setEnabled(upd, *in.Enabled)
			what = append(what, fmt.Sprintf("enabled=%t", *in.Enabled))
		}
		if out, err = upd.Save(ctx); err != nil {
			return err
		}
		return audit.Record(ctx, c, audit.Event{
			Action: "webhook_endpoint.update", Targets: []int{ep.ID}, ScopeResellerID: ep.ResellerID,
			Summary: fmt.Sprintf("changed webhook endpoint %s: %s", ep.URL, strings.Join(what, ", ")),
		})
	})
	return out, err
}

// setEnabled enables (resetting the run of failures and the reason the
// worker disabled it) or disables an endpoint.
func setEnabled(upd *ent.WebhookEndpointUpdateOne, on bool) {
	upd.SetEnabled(on)
	if on {
		upd.SetConsecutiveFailures(0).SetDisabledReason("")
	}
}

// Enable re-enables an endpoint (after the worker disabled it): its run of
// failures starts again from zero and its pending deliveries are sent.
func (s *Service) Enable(ctx context.Context, in EndpointIDInput) (*ent.WebhookEndpoint, error) {
	var out *ent.WebhookEndpoint
	err := txn.Run(ctx, s.client, func(c *ent.Client) error {
		ep, err := endpoint(ctx, c, in.ID)
		if err != nil {
			return err
		}
		upd := c.WebhookEndpoint.UpdateOne(ep)
		setEnabled(upd, true)
		if out, err = upd.Save(ctx); err != nil {
			return err
		}
		return audit.Record(ctx, c, audit.Event{
			Action: "webhook_endpoint.enable", Targets: []int{ep.ID}, ScopeResellerID: ep.ResellerID,
			Summary: fmt.Sprintf("enabled webhook endpoint %s", ep.URL),
		})
	})
	return out, err
}

// Delete removes an endpoint with its deliveries and returns its ID.
func (s *Service) Delete(ctx context.Context, in EndpointIDInput) (int, error) {
	err := txn.Run(ctx, s.client, func(c *ent.Client) error {
		ep, err := endpoint(ctx, c, in.ID)
		if err != nil {
			return err
		}
		// Deliveries are the worker's rows; the endpoint is the viewer's.
		sys := privacy.DecisionContext(ctx, privacy.Allow)
		if _, err := c.WebhookDelivery.Delete().Where(webhookdelivery.EndpointID(ep.ID)).Exec(sys); err != nil {
			return err
		}
		if err := c.WebhookEndpoint.DeleteOne(ep).Exec(ctx); err != nil {
			return err
		}
		return audit.Record(ctx, c, audit.Event{
			Action: "webhook_endpoint.delete", Targets: []int{ep.ID}, ScopeResellerID: ep.ResellerID,
			Summary: fmt.Sprintf("deleted webhook endpoint %s", ep.URL),
		})
	})
	if err != nil {
		return 0, err
	}
	return in.ID, nil
}

// Redeliver queues a delivery of one of the viewer's endpoints again, due
// now, with a fresh count of attempts (whatever its status). A delivery
// being sent at this moment is a CONFLICT.
func (s *Service) Redeliver(ctx context.Context, in RedeliverInput) (*ent.WebhookDelivery, error) {
	if _, err := owner(ctx); err != nil {
		return nil, err
	}
	var out *ent.WebhookDelivery
	err := txn.Run(ctx, s.client, func(c *ent.Client) error {
		d, err := c.WebhookDelivery.Query().Where(webhookdelivery.ID(in.ID)).WithEndpoint().Only(ctx)
		if ent.IsNotFound(err) {
			return apperr.New(apperr.NotFound, "no such webhook delivery", "id")
		}
		if err != nil {
			return err
		}
		now := s.cfg.Now()
		if d.LockedUntil != nil && d.LockedUntil.After(now) {
			return apperr.New(apperr.Conflict, "the delivery is being sent; try again in a moment", "id")
		}
		out, err = c.WebhookDelivery.UpdateOne(d).
			SetStatus(webhookdelivery.StatusPENDING).SetAttempts(0).SetNextAttemptAt(now).
			ClearLockedUntil().Save(ctx)
		if err != nil {
			return err
		}
		ep := d.Edges.Endpoint
		return audit.Record(ctx, c, audit.Event{
			Action: "webhook_delivery.redeliver", Targets: []int{d.ID, ep.ID}, ScopeResellerID: ep.ResellerID,
			Summary: fmt.Sprintf("queued %s of event %d again for webhook endpoint %s", d.EventType, d.EventID, ep.URL),
		})
	})
	return out, err
}
