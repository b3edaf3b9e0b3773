package main

import (
	"context"
	"strings"
	"testing"

	"github.com/hostpanel/panel/ent/privacy"
)

// TestWebhookWorkload: on dataset tiny, the webhooks workload runs both
// sides, delivers every request (2 events x 5 endpoints per round) and
// reports the medians and their ratio.
func TestWebhookWorkload(t *testing.T) {
	ctx := context.Background()
	e, err := Open(ctx, "sqlite::memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	seed, err := Seed(ctx, e.Client, Datasets["tiny"], nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Start(ctx); err != nil {
		t.Fatal(err)
	}
	r, err := e.result(ctx, Config{Dataset: "tiny"}, e.webhookWorkload(seed, seed.CustomerIDs))
	if err != nil {
		t.Fatal(err)
	}
	if r.Requests != webhookRounds || r.P50 == nil || r.BaselineP50 == nil || r.Ratio == nil || *r.Ratio <= 0 {
		t.Fatalf("result %+v", r)
	}
	if want := "70 requests delivered (10 per round)"; !strings.Contains(r.Note, want) {
		t.Errorf("note %q lacks %q", r.Note, want)
	}
	if n, err := e.Client.WebhookEndpoint.Query().Count(privacy.DecisionContext(ctx, privacy.Allow)); err != nil || n != 0 {
		t.Errorf("%d endpoints left behind (%v)", n, err)
	}
}
