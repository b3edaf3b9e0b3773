package webhooks

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/hostpanel/panel/ent/privacy"
	"github.com/hostpanel/panel/ent/webhookdelivery"
	"github.com/hostpanel/panel/internal/dbtest"
)

// TestDeliverDueShutdown: when the worker's context ends while it sends a
// claimed batch, the request under way is not cut off and is recorded
// DELIVERED, and the deliveries it had not started are released (no lease,
// no attempt counted) for another worker to send at once.
// (TestReplicasWebhooks does the same with two server processes.)
func TestDeliverDueShutdown(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d string) {
		client := dbtest.Open(t, d, nil)
		bg := privacy.DecisionContext(context.Background(), privacy.Allow)
		arrived, release := make(chan struct{}, 3), make(chan struct{})
		var mu sync.Mutex
		var answered, cut int
		rcv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			arrived <- struct{}{}
			select {
			case <-release:
				mu.Lock()
				answered++
				mu.Unlock()
				w.WriteHeader(http.StatusNoContent)
			case <-r.Context().Done():
				mu.Lock()
				cut++
				mu.Unlock()
			}
		}))
		defer rcv.Close()
		ep := client.WebhookEndpoint.Create().SetURL(rcv.URL).SetEventTypes([]string{"customer.created"}).
			SetSecret("whsec_test").SetCreatedAt(time.Now()).SetUpdatedAt(time.Now()).SaveX(bg)
		now := time.Now().Add(-time.Second)
		for i := range 3 {
			client.WebhookDelivery.Create().SetEndpointID(ep.ID).SetEventID(i + 1).SetEventType("customer.created").
				SetPayload(fmt.Sprintf(`{"id":"%d"}`, i+1)).SetNextAttemptAt(now).SetCreatedAt(now).ExecX(bg)
		}
		w := NewWorker(client, Config{AllowPrivate: true, Concurrency: 1, Timeout: 5 * time.Second})
		ctx, cancel := context.WithCancel(bg)
		type result struct {
			n   int
			err error
		}
		done := make(chan result, 1)
		go func() { n, err := w.deliverDue(ctx); done <- result{n, err} }()
		select {
		case <-arrived:
		case <-time.After(10 * time.Second):
			t.Fatal("no request")
		}
		cancel() // the shutdown, with one request under way
		// The worker stops starting requests at once; only then does the
		// receiver answer the one under way.
		select {
		case <-arrived:
			t.Fatal("a request was started after the shutdown")
		case <-time.After(100 * time.Millisecond):
		}
		close(release)
		var res result
		select {
		case res = <-done:
		case <-time.After(10 * time.Second):
			t.Fatal("deliverDue did not return")
		}
		if res.n != 3 || res.err != nil {
			t.Fatalf("deliverDue: %d claimed, %v", res.n, res.err)
		}
		mu.Lock()
		defer mu.Unlock()
		if answered != 1 || cut != 0 {
			t.Errorf("receiver: %d answered, %d cut off; want 1 and 0", answered, cut)
		}
		var sent, queued int
		for _, dl := range client.WebhookDelivery.Query().AllX(bg) {
			switch {
			case dl.Status == webhookdelivery.StatusDELIVERED && dl.Attempts == 1 && dl.LockedUntil == nil:
				sent++
			case dl.Status == webhookdelivery.StatusPENDING && dl.Attempts == 0 && dl.LockedUntil == nil:
				queued++
			default:
				t.Errorf("delivery %d: %s, %d attempts, locked until %v", dl.ID, dl.Status, dl.Attempts, dl.LockedUntil)
			}
		}
		if sent != 1 || queued != 2 {
			t.Errorf("%d delivered, %d queued again; want 1 and 2", sent, queued)
		}
	})
}
