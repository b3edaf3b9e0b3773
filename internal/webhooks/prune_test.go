package webhooks

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/hostpanel/panel/ent/privacy"
	"github.com/hostpanel/panel/ent/webhookdelivery"
	"github.com/hostpanel/panel/internal/dbtest"
)

// TestPruneDeliveryLog: the worker deletes finished deliveries older than
// the retention, in batches, and keeps newer ones and every PENDING one
// whatever its age; Tick prunes at most once per PruneEvery, and a negative
// Retention keeps everything.
func TestPruneDeliveryLog(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d string) {
		client := dbtest.Open(t, d, nil)
		bg := privacy.DecisionContext(context.Background(), privacy.Allow)
		now := time.Now().Truncate(time.Second)
		ep := client.WebhookEndpoint.Create().SetURL("https://hooks.example.com/x").SetEventTypes([]string{"customer.created"}).
			SetSecret("whsec_test").SetCreatedAt(now).SetUpdatedAt(now).SaveX(bg)
		old, recent := now.Add(-40*24*time.Hour), now.Add(-time.Hour)
		// IDs grow with creation time: the old ones first, interleaved
		// statuses, more than one batch of them.
		statuses := []webhookdelivery.Status{webhookdelivery.StatusDELIVERED, webhookdelivery.StatusFAILED, webhookdelivery.StatusPENDING}
		want := map[webhookdelivery.Status]int{}
		ev := 0
		add := func(at time.Time, n int) {
			for i := 0; i < n; i++ {
				ev++
				st := statuses[ev%3]
				client.WebhookDelivery.Create().SetEndpointID(ep.ID).SetEventID(ev).SetEventType("customer.created").
					SetPayload(fmt.Sprintf(`{"id":"%d"}`, ev)).SetStatus(st).SetCreatedAt(at).ExecX(bg)
				if at.Equal(recent) || st == webhookdelivery.StatusPENDING {
					want[st]++
				}
			}
		}
		add(old, 2*pruneBatch+301)
		add(recent, 30)
		total := client.WebhookDelivery.Query().CountX(bg)

		keep := NewWorker(client, Config{Retention: -1, Now: func() time.Time { return now }})
		if err := keep.Tick(bg); err != nil {
			t.Fatal(err)
		}
		if n := client.WebhookDelivery.Query().CountX(bg); n != total {
			t.Fatalf("Retention < 0 deleted deliveries: %d of %d left", n, total)
		}

		clock := now
		w := NewWorker(client, Config{Retention: 30 * 24 * time.Hour, Now: func() time.Time { return clock }})
		if err := w.Tick(bg); err != nil {
			t.Fatal(err)
		}
		for _, st := range statuses {
			if n := client.WebhookDelivery.Query().Where(webhookdelivery.StatusEQ(st)).CountX(bg); n != want[st] {
				t.Errorf("%s after pruning: %d, want %d", st, n, want[st])
			}
		}
		if n := client.WebhookDelivery.Query().Where(webhookdelivery.CreatedAtLT(recent),
			webhookdelivery.StatusNEQ(webhookdelivery.StatusPENDING)).CountX(bg); n != 0 {
			t.Errorf("%d finished deliveries older than the retention left", n)
		}

		// Within PruneEvery the next ticks do not prune, although the
		// recent deliveries have expired meanwhile; after it they do.
		w = NewWorker(client, Config{Retention: 30 * 24 * time.Hour, PruneEvery: 45 * 24 * time.Hour, Now: func() time.Time { return clock }})
		if err := w.Tick(bg); err != nil {
			t.Fatal(err)
		}
		finished := func() int {
			return client.WebhookDelivery.Query().Where(webhookdelivery.StatusNEQ(webhookdelivery.StatusPENDING)).CountX(bg)
		}
		before := finished()
		clock = now.Add(31 * 24 * time.Hour)
		if err := w.Tick(bg); err != nil {
			t.Fatal(err)
		}
		if n := finished(); n != before || n == 0 {
			t.Errorf("pruned within PruneEvery: %d finished deliveries left of %d", n, before)
		}
		clock = now.Add(46 * 24 * time.Hour)
		if err := w.Tick(bg); err != nil {
			t.Fatal(err)
		}
		if n := finished(); n != 0 {
			t.Errorf("not pruned after PruneEvery: %d finished deliveries left", n)
		}
	})
}
