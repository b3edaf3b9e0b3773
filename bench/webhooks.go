package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"sync/atomic"
	"time"

	"github.com/hostpanel/panel/ent/privacy"
	"github.com/hostpanel/panel/ent/webhookdelivery"
	"github.com/hostpanel/panel/ent/webhookendpoint"
	"github.com/hostpanel/panel/internal/events"
	"github.com/hostpanel/panel/internal/webhooks"
)

// webhookEndpoints is how many endpoints the webhooks workload registers,
// each subscribed to every event type.
const webhookEndpoints = 5

// webhookRounds is how many times each side of the webhooks workload runs:
// bulk rows move by 30-50% between single runs, so the sides alternate and
// their medians are compared.
const webhookRounds = 7

// webhookWorkload is bulk suspend+activate of ids with and without
// webhook endpoints registered, in alternating rounds in the same run. A
// webhook worker runs in this process for both sides (as in the server);
// with endpoints, 5 of them subscribed to every type point at a local
// receiver. The row's p50 is the median with endpoints, its baseline p50
// the median without (the ratio column compares them); the note adds the
// delivery figures. Each round with endpoints waits until every request
// was delivered before the next round starts.
func (e *Env) webhookWorkload(seed *Seeded, ids []int) workload {
	var with, without []time.Duration
	var requests atomic.Int64
	var lag []time.Duration
	suspend := e.committed(seed.AdminToken, suspendMutation, "suspendCustomers", map[string]any{"ids": strIDs(ids), "reason": "bench"})
	activate := e.committed(seed.AdminToken, activateMutation, "activateCustomers", map[string]any{"ids": strIDs(ids)})
	w := workload{name: fmt.Sprintf("bulk suspend+activate %d with %d webhook endpoints", len(ids), webhookEndpoints), once: true}
	w.server = func(ctx context.Context) error {
		sys := privacy.DecisionContext(ctx, privacy.Allow)
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return err
		}
		rcv := &http.Server{ReadHeaderTimeout: 5 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.Copy(io.Discard, r.Body)
			requests.Add(1)
		})}
		go func() { _ = rcv.Serve(ln) }()
		defer rcv.Close()
		cfg := webhooks.Config{AllowPrivate: true, PollInterval: 100 * time.Millisecond}
		wctx, stop := context.WithCancel(ctx)
		done := make(chan struct{})
		go func() { defer close(done); webhooks.NewWorker(e.Client, cfg).Run(wctx) }()
		defer func() { stop(); <-done }()
		for i := range webhookEndpoints {
			err := e.Client.WebhookEndpoint.Create().SetURL(fmt.Sprintf("http://%s/hook/%d", ln.Addr(), i)).
				SetEventTypes(events.Types()).SetSecret(fmt.Sprintf("whsec_bench%d", i)).SetEnabled(false).Exec(sys)
			if err != nil {
				return err
			}
		}
		defer func() { _, _ = e.Client.WebhookEndpoint.Delete().Exec(sys) }()
		enable := func(on bool) error {
			return e.Client.WebhookEndpoint.Update().Where(webhookendpoint.EnabledNEQ(on)).SetEnabled(on).Exec(sys)
		}
		round := func() (time.Duration, error) {
			t := time.Now()
			if err := suspend(ctx); err != nil {
				return 0, err
			}
			if err := activate(ctx); err != nil {
				return 0, err
			}
			return time.Since(t), nil
		}
		for range webhookRounds {
			// Without: the worker only empties the outbox.
			if err := enable(false); err != nil {
				return err
			}
			if err := idle(sys, e); err != nil {
				return err
			}
			d, err := round()
			if err != nil {
				return err
			}
			without = append(without, d)
			if err := idle(sys, e); err != nil {
				return err
			}
			if err := enable(true); err != nil {
				return err
			}
			t := time.Now()
			if d, err = round(); err != nil {
				return err
			}
			with = append(with, d)
			if err := idle(sys, e); err != nil {
				return err
			}
			lag = append(lag, time.Since(t)-d)
		}
		return nil
	}
	w.adjust = func(r *Result) {
		if len(with) == 0 || len(without) == 0 {
			return
		}
		mw, mo := median(with), median(without)
		r.Requests = len(with)
		r.P50, r.P99 = f(ms(mw)), f(ms(slices.Max(with)))
		r.BaselineP50 = f(ms(mo))
		r.BaselineRPS, r.BaselineSQL, r.BaselineCPU, r.BaselineDB, r.RPS, r.SQL, r.Allocs, r.CPU, r.DBCPU =
			nil, nil, nil, nil, nil, nil, nil, nil, nil
		r.Ratio = f(ms(mw) / ms(mo))
		var ratios []float64
		for i := range with {
			ratios = append(ratios, float64(with[i])/float64(without[i]))
		}
		slices.Sort(ratios)
		r.Note = fmt.Sprintf("webhooks: %d rounds each, alternating; median suspend+activate %.0f ms with %d endpoints, "+
			"%.0f ms without (ratio %.3f; median of the per-round ratios %.3f; with/without per round: %s); "+
			"%d requests delivered (%d per round), the last a median %.0f ms after the mutations returned",
			len(with), ms(mw), webhookEndpoints, ms(mo), ms(mw)/ms(mo), ratios[len(ratios)/2], rounds(with, without),
			requests.Load(), requests.Load()/int64(len(with)), ms(median(lag)))
	}
	return w
}

// idle waits until the outbox is empty and no delivery is pending.
func idle(ctx context.Context, e *Env) error {
	deadline := time.Now().Add(5 * time.Minute)
	for time.Now().Before(deadline) {
		n, err := e.Client.WebhookOutbox.Query().Count(ctx)
		if err != nil {
			return err
		}
		p, err := e.Client.WebhookDelivery.Query().Where(webhookdelivery.StatusEQ(webhookdelivery.StatusPENDING)).Count(ctx)
		if err != nil {
			return err
		}
		if n == 0 && p == 0 {
			return nil
		}
		time.Sleep(20 * time.Millisecond)
	}
	return fmt.Errorf("webhooks: deliveries still pending after 5 minutes")
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

func rounds(with, without []time.Duration) string {
	out := ""
	for i := range with {
		if i > 0 {
			out += ", "
		}
		out += fmt.Sprintf("%.0f/%.0f", ms(with[i]), ms(without[i]))
	}
	return out
}
