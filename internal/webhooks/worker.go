package webhooks

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"time"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"

	"github.com/hostpanel/panel/ent"
	"github.com/hostpanel/panel/ent/auditevent"
	"github.com/hostpanel/panel/ent/auditscope"
	"github.com/hostpanel/panel/ent/audittarget"
	"github.com/hostpanel/panel/ent/privacy"
	"github.com/hostpanel/panel/ent/webhookdelivery"
	"github.com/hostpanel/panel/ent/webhookendpoint"
	"github.com/hostpanel/panel/ent/webhookoutbox"
	"github.com/hostpanel/panel/internal/txn"
)

// Worker fans the outbox out into deliveries and sends them. Several
// server processes may run one each on the same database: rows are
// claimed with SELECT ... FOR UPDATE SKIP LOCKED (MySQL 8, MariaDB 10.6+)
// and deliveries carry a lease (locked_until), so no row is worked on by
// two workers at once. SQLite serves one process.
type Worker struct {
	client *ent.Client
	cfg    Config
	http   *http.Client
	// pruned is when this worker last deleted expired deliveries (only
	// its own goroutine reads and writes it).
	pruned time.Time
}

// NewWorker returns a worker on client.
func NewWorker(client *ent.Client, cfg Config) *Worker {
	cfg = cfg.withDefaults()
	dialer := &net.Dialer{Timeout: cfg.Timeout, Control: dialControl(cfg.AllowPrivate)}
	tr := &http.Transport{
		// No proxy from the environment: the address checked must be the
		// endpoint's.
		Proxy:                 nil,
		DialContext:           dialer.DialContext,
		TLSHandshakeTimeout:   cfg.Timeout,
		ResponseHeaderTimeout: cfg.Timeout,
		MaxIdleConnsPerHost:   cfg.Concurrency,
		IdleConnTimeout:       90 * time.Second,
		ForceAttemptHTTP2:     true,
	}
	return &Worker{client: client, cfg: cfg, http: &http.Client{
		Transport: tr,
		Timeout:   cfg.Timeout,
		// A redirect is not followed (it could lead anywhere): a 3xx is a
		// failed attempt.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// Run works until ctx is done: every PollInterval it fans out the outbox
// and sends the deliveries that are due.
func (w *Worker) Run(ctx context.Context) {
	t := time.NewTimer(0)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if err := w.Tick(ctx); err != nil && ctx.Err() == nil {
			w.cfg.Logger.ErrorContext(ctx, "webhooks worker", "err", err)
		}
		t.Reset(w.cfg.PollInterval)
	}
}

// Tick fans out the whole outbox and sends every delivery due now, once.
func (w *Worker) Tick(ctx context.Context) error {
	ctx = privacy.DecisionContext(ctx, privacy.Allow)
	for {
		n, err := w.fanOut(ctx)
		if err != nil {
			return fmt.Errorf("fanning out the outbox: %w", err)
		}
		if n < w.cfg.Batch {
			break
		}
	}
	for {
		n, err := w.deliverDue(ctx)
		if err != nil {
			return fmt.Errorf("delivering: %w", err)
		}
		if n < w.cfg.Batch {
			break
		}
	}
	if now := w.cfg.Now(); w.cfg.Retention > 0 && now.Sub(w.pruned) >= w.cfg.PruneEvery {
		if _, err := w.Prune(ctx, now.Add(-w.cfg.Retention)); err != nil {
			return fmt.Errorf("pruning the delivery log: %w", err)
		}
		w.pruned = now
	}
	return nil
}

// pruneBatch is how many deliveries one DELETE of Prune removes.
const pruneBatch = 1000

// Prune deletes the finished deliveries (DELIVERED or FAILED) created
// before cutoff, pruneBatch at a time, and returns how many it deleted.
// PENDING ones stay whatever their age. IDs grow with creation time (a
// delivery is created with the time of its insert), so
// the scan is bounded by the first delivery not older than cutoff: it
// reads the expired rows, not the whole log. Several processes may prune
// at once; a row is deleted once.
func (w *Worker) Prune(ctx context.Context, cutoff time.Time) (int, error) {
	ctx = privacy.DecisionContext(ctx, privacy.Allow)
	q := w.client.WebhookDelivery.Query().
		Where(webhookdelivery.StatusNEQ(webhookdelivery.StatusPENDING), webhookdelivery.CreatedAtLT(cutoff))
	if first, err := w.client.WebhookDelivery.Query().Where(webhookdelivery.CreatedAtGTE(cutoff)).
		Order(ent.Asc(webhookdelivery.FieldID)).FirstID(ctx); err == nil {
		q = q.Where(webhookdelivery.IDLT(first))
	} else if !ent.IsNotFound(err) {
		return 0, err
	}
	total := 0
	for after := 0; ; {
		ids, err := q.Clone().Where(webhookdelivery.IDGT(after)).
			Order(ent.Asc(webhookdelivery.FieldID)).Limit(pruneBatch).IDs(ctx)
		if err != nil || len(ids) == 0 {
			return total, err
		}
		n, err := w.client.WebhookDelivery.Delete().
			Where(webhookdelivery.IDIn(ids...), webhookdelivery.StatusNEQ(webhookdelivery.StatusPENDING)).Exec(ctx)
		total += n
		if err != nil || len(ids) < pruneBatch {
			return total, err
		}
		after = ids[len(ids)-1]
	}
}

// skipLocked locks the selected rows and skips rows another transaction
// holds (MySQL/MariaDB); SQLite lets one transaction write at a time.
func skipLocked(s *entsql.Selector) {
	if s.Dialect() != dialect.SQLite {
		s.ForUpdate(entsql.WithLockAction(entsql.SkipLocked))
	}
}

// Payload is the JSON body of a delivery.
type Payload struct {
	// ID is the audit event's ID (auditEvents, node).
	ID        string    `json:"id"`
	Type      string    `json:"type"`
	Time      time.Time `json:"time"`
	Actor     Actor     `json:"actor"`
	Summary   string    `json:"summary"`
	Targets   []string  `json:"targets"`
	Chunk     Chunk     `json:"chunk"`
	RequestID string    `json:"requestId,omitempty"`
}

// Actor is who made the change.
type Actor struct {
	ID    *string `json:"id"`
	Login string  `json:"login,omitempty"`
	Role  string  `json:"role"`
}

// Chunk says which part of the event's targets a delivery carries.
type Chunk struct {
	Index        int `json:"index"`
	Count        int `json:"count"`
	TotalTargets int `json:"totalTargets"`
}

// fanOut claims a batch of outbox rows and, in the same transaction,
// queues their deliveries to the enabled endpoints subscribed to the type
// whose owner may read the event (the administrator: every event; a
// reseller: those with its audit scope row), then deletes the rows. It
// returns how many rows it took.
func (w *Worker) fanOut(ctx context.Context) (int, error) {
	var n int
	err := txn.Run(ctx, w.client, func(c *ent.Client) error {
		rows, err := c.WebhookOutbox.Query().Order(ent.Asc(webhookoutbox.FieldID)).Limit(w.cfg.Batch).
			Modify(skipLocked).All(ctx)
		if err != nil || len(rows) == 0 {
			n = 0
			return err
		}
		n = len(rows)
		eps, err := c.WebhookEndpoint.Query().Where(webhookendpoint.Enabled(true)).All(ctx)
		if err != nil {
			return err
		}
		ids := make([]int, 0, len(rows))
		for _, r := range rows {
			ids = append(ids, r.ID)
		}
		if len(eps) > 0 {
			if err := w.queue(ctx, c, rows, eps); err != nil {
				return err
			}
		}
		_, err = c.WebhookOutbox.Delete().Where(webhookoutbox.IDIn(ids...)).Exec(ctx)
		return err
	})
	return n, err
}

// queue writes the deliveries of rows to the matching endpoints of eps.
func (w *Worker) queue(ctx context.Context, c *ent.Client, rows []*ent.WebhookOutbox, eps []*ent.WebhookEndpoint) error {
	var eventIDs []int
	for _, r := range rows {
		eventIDs = append(eventIDs, r.EventID)
	}
	evs, err := c.AuditEvent.Query().Where(auditevent.IDIn(eventIDs...)).All(ctx)
	if err != nil {
		return err
	}
	byID := map[int]*ent.AuditEvent{}
	for _, e := range evs {
		byID[e.ID] = e
	}
	scopes, err := c.AuditScope.Query().Where(auditscope.EventIDIn(eventIDs...)).All(ctx)
	if err != nil {
		return err
	}
	scoped := map[int][]int{}
	for _, s := range scopes {
		scoped[s.EventID] = append(scoped[s.EventID], s.ResellerID)
	}
	targets := map[int][]string{}
	now := w.cfg.Now()
	var batch []*ent.WebhookDeliveryCreate
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		err := c.WebhookDelivery.CreateBulk(batch...).Exec(ctx)
		batch = batch[:0]
		return err
	}
	for _, r := range rows {
		ev := byID[r.EventID]
		if ev == nil {
			continue
		}
		var to []*ent.WebhookEndpoint
		for _, ep := range eps {
			if slices.Contains(ep.EventTypes, r.EventType) &&
				(ep.ResellerID == nil || slices.Contains(scoped[ev.ID], *ep.ResellerID)) {
				to = append(to, ep)
			}
		}
		if len(to) == 0 {
			continue
		}
		ts, ok := targets[ev.ID]
		if !ok {
			if ts, err = c.AuditTarget.Query().Where(audittarget.EventID(ev.ID)).
				Order(ent.Asc(audittarget.FieldID)).Select(audittarget.FieldTargetID).Strings(ctx); err != nil {
				return err
			}
			targets[ev.ID] = ts
		}
		bodies, err := w.payloads(ev, r.EventType, ts)
		if err != nil {
			return err
		}
		for _, ep := range to {
			for i, body := range bodies {
				batch = append(batch, c.WebhookDelivery.Create().SetEndpointID(ep.ID).SetEventID(ev.ID).
					SetEventType(r.EventType).SetChunk(i).SetChunks(len(bodies)).SetPayload(string(body)).
					SetNextAttemptAt(now).SetCreatedAt(now))
				if len(batch) >= w.cfg.Batch {
					if err := flush(); err != nil {
						return err
					}
				}
			}
		}
	}
	return flush()
}

// payloads are the bodies of an event of type t: one per chunk of at most
// ChunkTargets targets (one for an event without targets).
func (w *Worker) payloads(ev *ent.AuditEvent, t string, targets []string) ([][]byte, error) {
	chunks := slices.Collect(slices.Chunk(targets, w.cfg.ChunkTargets))
	if len(chunks) == 0 {
		chunks = [][]string{{}}
	}
	p := Payload{
		ID: strconv.Itoa(ev.ID), Type: t, Time: ev.At.UTC(), Summary: ev.Summary, RequestID: ev.RequestID,
		Actor: Actor{Login: ev.ActorLogin, Role: ev.ActorRole},
	}
	if ev.ActorID != "" {
		p.Actor.ID = &ev.ActorID
	}
	out := make([][]byte, len(chunks))
	for i, ch := range chunks {
		p.Targets = ch
		p.Chunk = Chunk{Index: i, Count: len(chunks), TotalTargets: len(targets)}
		b, err := json.Marshal(p)
		if err != nil {
			return nil, err
		}
		out[i] = b
	}
	return out, nil
}

// deliverDue claims a batch of due deliveries of enabled endpoints, sends
// them outside any transaction, and records each result. It returns how
// many it claimed.
//
// Once claimed, the deliveries are this worker's until their lease ends, so
// a shutdown (ctx done) does not cut them off: the requests under way end
// normally (each bounded by Timeout) and are recorded, and the deliveries
// not yet sent are released (no lease, the attempt not counted) for another
// process to send at once. Cutting a request off would leave its delivery
// leased for the whole lease, and send it again afterwards to a receiver
// that may well have received it.
func (w *Worker) deliverDue(ctx context.Context) (int, error) {
	ids, err := w.claim(ctx)
	if err != nil || len(ids) == 0 {
		return 0, err
	}
	own := context.WithoutCancel(ctx)
	ds, err := bounded(w, own, func(ctx context.Context) ([]*ent.WebhookDelivery, error) {
		return w.client.WebhookDelivery.Query().Where(webhookdelivery.IDIn(ids...)).WithEndpoint().All(ctx)
	})
	if err != nil {
		return 0, errors.Join(err, w.release(own, ids))
	}
	sem := make(chan struct{}, w.cfg.Concurrency)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var errs []error
	var unsent []int
	for _, d := range ds {
		if ctx.Err() == nil {
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
			}
		}
		if ctx.Err() != nil {
			unsent = append(unsent, d.ID)
			continue
		}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			status, sendErr := w.send(own, d)
			if _, err := bounded(w, own, func(ctx context.Context) (struct{}, error) {
				return struct{}{}, w.record(ctx, d, status, sendErr)
			}); err != nil {
				mu.Lock()
				errs = append(errs, err)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if len(unsent) > 0 {
		errs = append(errs, w.release(own, unsent))
	}
	return len(ids), errors.Join(errs...)
}

// bounded runs f with a deadline of Timeout: the statements a worker runs
// on deliveries it has claimed are not cancelled by a shutdown, but must
// not hang it either.
func bounded[T any](w *Worker, ctx context.Context, f func(context.Context) (T, error)) (T, error) {
	ctx, cancel := context.WithTimeout(ctx, w.cfg.Timeout)
	defer cancel()
	return f(ctx)
}

// release gives claimed deliveries that were not sent back to the queue:
// no lease, and the attempt the claim counted taken back.
func (w *Worker) release(ctx context.Context, ids []int) error {
	_, err := bounded(w, ctx, func(ctx context.Context) (struct{}, error) {
		return struct{}{}, w.client.WebhookDelivery.Update().
			Where(webhookdelivery.IDIn(ids...), webhookdelivery.StatusEQ(webhookdelivery.StatusPENDING)).
			ClearLockedUntil().AddAttempts(-1).Exec(ctx)
	})
	if err != nil {
		return fmt.Errorf("releasing %d unsent deliveries: %w", len(ids), err)
	}
	return nil
}

// claim takes up to Batch due deliveries in a short transaction: each gets
// a lease (locked_until) and one more attempt.
func (w *Worker) claim(ctx context.Context) ([]int, error) {
	var ids []int
	err := txn.Run(ctx, w.client, func(c *ent.Client) error {
		ids = nil
		// The enabled endpoints are read first, without a lock: a join in
		// the locking read would lock (and make other workers skip) the
		// endpoint rows.
		eps, err := c.WebhookEndpoint.Query().Where(webhookendpoint.Enabled(true)).IDs(ctx)
		if err != nil || len(eps) == 0 {
			return err
		}
		now := w.cfg.Now()
		ids, err = c.WebhookDelivery.Query().
			Where(webhookdelivery.StatusEQ(webhookdelivery.StatusPENDING), webhookdelivery.NextAttemptAtLTE(now),
				webhookdelivery.EndpointIDIn(eps...),
				webhookdelivery.Or(webhookdelivery.LockedUntilIsNil(), webhookdelivery.LockedUntilLTE(now))).
			Order(ent.Asc(webhookdelivery.FieldNextAttemptAt), ent.Asc(webhookdelivery.FieldID)).
			Limit(w.cfg.Batch).Modify(skipLocked).IDs(ctx)
		if err != nil || len(ids) == 0 {
			return err
		}
		return c.WebhookDelivery.Update().Where(webhookdelivery.IDIn(ids...)).
			SetLockedUntil(now.Add(w.lease())).AddAttempts(1).Exec(ctx)
	})
	return ids, err
}

// lease is how long a claimed delivery is left to its worker: longer than
// a request can take.
func (w *Worker) lease() time.Duration { return 2*w.cfg.Timeout + 30*time.Second }

// maxErrorLength bounds a recorded error.
const maxErrorLength = 500

// send makes one attempt: it returns the response status (0 when there is
// none) and nil for a 2xx response.
func (w *Worker) send(ctx context.Context, d *ent.WebhookDelivery) (int, error) {
	ep := d.Edges.Endpoint
	body := []byte(d.Payload)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, ep.URL, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "panel-webhooks/1")
	req.Header.Set(HeaderEventID, strconv.Itoa(d.EventID))
	req.Header.Set(HeaderEventType, d.EventType)
	req.Header.Set(HeaderDeliveryID, strconv.Itoa(d.ID))
	req.Header.Set(HeaderSignature, Signature(ep.Secret, w.cfg.Now().Unix(), body))
	resp, err := w.http.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return resp.StatusCode, fmt.Errorf("HTTP %d", resp.StatusCode)
	}
	return resp.StatusCode, nil
}

// record stores the result of an attempt: DELIVERED; PENDING again after
// a backoff; or FAILED after MaxAttempts. A success ends the endpoint's run
// of failures; a failure lengthens it and DisableAfter of them disable it.
func (w *Worker) record(ctx context.Context, d *ent.WebhookDelivery, status int, sendErr error) error {
	now := w.cfg.Now()
	attempts := d.Attempts // loaded after the claim counted this attempt
	return txn.Run(ctx, w.client, func(c *ent.Client) error {
		upd := c.WebhookDelivery.UpdateOneID(d.ID).ClearLockedUntil()
		if status != 0 {
			upd.SetResponseStatus(status)
		} else {
			upd.ClearResponseStatus()
		}
		if sendErr == nil {
			if err := upd.SetStatus(webhookdelivery.StatusDELIVERED).SetDeliveredAt(now).SetLastError("").
				ClearNextAttemptAt().Exec(ctx); err != nil {
				return ignoreNotFound(err) // its endpoint was deleted meanwhile
			}
			return c.WebhookEndpoint.Update().
				Where(webhookendpoint.ID(d.EndpointID), webhookendpoint.ConsecutiveFailuresGT(0)).
				SetConsecutiveFailures(0).Exec(ctx)
		}
		msg := attemptError(sendErr)
		if r := []rune(msg); len(r) > maxErrorLength {
			msg = string(r[:maxErrorLength])
		}
		upd.SetLastError(msg)
		if attempts >= w.cfg.MaxAttempts {
			upd.SetStatus(webhookdelivery.StatusFAILED).ClearNextAttemptAt()
		} else {
			upd.SetNextAttemptAt(now.Add(w.backoff(attempts)))
		}
		if err := upd.Exec(ctx); err != nil {
			return ignoreNotFound(err)
		}
		if err := c.WebhookEndpoint.UpdateOneID(d.EndpointID).AddConsecutiveFailures(1).Exec(ctx); err != nil {
			return ignoreNotFound(err)
		}
		reason := fmt.Sprintf("disabled after %d consecutive failed attempts; last: %s", w.cfg.DisableAfter, msg)
		if r := []rune(reason); len(r) > 255 {
			reason = string(r[:255])
		}
		return c.WebhookEndpoint.Update().
			Where(webhookendpoint.ID(d.EndpointID), webhookendpoint.Enabled(true),
				webhookendpoint.ConsecutiveFailuresGTE(w.cfg.DisableAfter)).
			SetEnabled(false).SetDisabledReason(reason).Exec(ctx)
	})
}

// attemptError is the lastError of a failed attempt, shown to the
// endpoint's owner: the error without the server's internals. A refused
// address is not named (a host name resolving to an internal address would
// tell the owner the server's internal DNS), nor is the server's DNS
// resolver of a failed lookup.
func attemptError(err error) string {
	var dns *net.DNSError
	switch {
	case errors.Is(err, errBlocked):
		return errBlocked.Error()
	case errors.As(err, &dns):
		why := "lookup failed"
		switch {
		case dns.IsNotFound:
			why = "no such host"
		case dns.IsTimeout:
			why = "timeout"
		}
		return fmt.Sprintf("could not resolve %s: %s", dns.Name, why)
	}
	return err.Error()
}

func ignoreNotFound(err error) error {
	if ent.IsNotFound(err) {
		return nil
	}
	return err
}

// backoff is the wait after the attempt-th failed attempt: BaseBackoff
// doubled per further attempt, at most MaxBackoff, ±20% jitter.
func (w *Worker) backoff(attempt int) time.Duration {
	d := w.cfg.BaseBackoff
	for i := 1; i < attempt && d < w.cfg.MaxBackoff; i++ {
		d *= 2
	}
	d = min(d, w.cfg.MaxBackoff)
	jitter := time.Duration(rand.Int64N(int64(d)*2/5+1)) - d/5
	return d + jitter
}
