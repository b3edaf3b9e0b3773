package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestParseWebhookArgs(t *testing.T) {
	c, err := parseArgs(nil, env(nil))
	if err != nil || c.webhooks.AllowPrivate || c.webhooks.PollInterval != time.Second {
		t.Errorf("defaults: %+v, %v", c.webhooks, err)
	}
	e := env(map[string]string{"PANEL_WEBHOOKS_ALLOW_PRIVATE": "1", "PANEL_WEBHOOKS_POLL": "250ms"})
	c, err = parseArgs(nil, e)
	if err != nil || !c.webhooks.AllowPrivate || c.webhooks.PollInterval != 250*time.Millisecond {
		t.Errorf("env: %+v, %v", c.webhooks, err)
	}
	c, err = parseArgs([]string{"--webhooks-poll", "2s", "--webhooks-allow-private=false"}, e)
	if err != nil || c.webhooks.AllowPrivate || c.webhooks.PollInterval != 2*time.Second {
		t.Errorf("flags over env: %+v, %v", c.webhooks, err)
	}
	for _, bad := range []string{"soon", "0s", "-1s"} {
		code, _, stderr := runQuick(t, []string{"--webhooks-poll", bad}, nil)
		if code != exitStartup || !strings.Contains(stderr, "--webhooks-poll") {
			t.Errorf("--webhooks-poll %s: %d %q", bad, code, stderr)
		}
		assertOneLine(t, stderr)
	}
	if c.webhooks.Retention != 720*time.Hour {
		t.Errorf("default retention: %v", c.webhooks.Retention)
	}
	c, err = parseArgs([]string{"--webhooks-retention", "48h"}, env(map[string]string{"PANEL_WEBHOOKS_RETENTION": "0"}))
	if err != nil || c.webhooks.Retention != 48*time.Hour {
		t.Errorf("--webhooks-retention 48h: %v, %v", c.webhooks.Retention, err)
	}
	c, err = parseArgs(nil, env(map[string]string{"PANEL_WEBHOOKS_RETENTION": "0"}))
	if err != nil || c.webhooks.Retention >= 0 {
		t.Errorf("PANEL_WEBHOOKS_RETENTION=0 must keep deliveries forever (negative Retention): %v, %v", c.webhooks.Retention, err)
	}
	for _, bad := range []string{"a month", "-1h"} {
		code, _, stderr := runQuick(t, []string{"--webhooks-retention", bad}, nil)
		if code != exitStartup || !strings.Contains(stderr, "--webhooks-retention") {
			t.Errorf("--webhooks-retention %s: %d %q", bad, code, stderr)
		}
		assertOneLine(t, stderr)
	}
}

// TestServeDeliversWebhooks: the server process runs the webhook worker: a
// committed mutation reaches a registered endpoint; shutdown stops the
// worker and exits 0.
func TestServeDeliversWebhooks(t *testing.T) {
	var got atomic.Int64
	rcv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Panel-Event-Type") == "customer.created" && r.Header.Get("Panel-Signature") != "" {
			got.Add(1)
		}
	}))
	defer rcv.Close()
	addr := freeAddr(t)
	var stdout, stderr syncBuffer
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"--addr", addr, "--db", "sqlite::memory:", "--webhooks-allow-private", "--webhooks-poll", "20ms"},
			env(map[string]string{"PANEL_ADMIN_PASSWORD": "admin-secret-1"}), &stdout, &stderr)
	}()
	client := &http.Client{Timeout: 10 * time.Second}
	gql := func(token, query string, vars map[string]any) map[string]any {
		t.Helper()
		body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
		req, _ := http.NewRequest(http.MethodPost, "http://"+addr+"/graphql", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := client.Do(req)
		if err != nil {
			return nil
		}
		defer resp.Body.Close()
		raw, _ := io.ReadAll(resp.Body)
		var out struct{ Data map[string]any }
		if err := json.Unmarshal(raw, &out); err != nil {
			t.Fatalf("%s: %s", query, raw)
		}
		return out.Data
	}
	deadline := time.Now().Add(30 * time.Second)
	var token string
	for token == "" {
		if d := gql("", `mutation{login(input:{login:"admin",password:"admin-secret-1"}){token}}`, nil); d != nil {
			token, _ = d["login"].(map[string]any)["token"].(string)
		}
		if time.Now().After(deadline) {
			t.Fatalf("no login; stderr: %s", stderr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	d := gql(token, `mutation($u:String!){createWebhookEndpoint(input:{url:$u,eventTypes:["customer.created"]}){secret userErrors{code}}}`,
		map[string]any{"u": rcv.URL})
	if s, _ := d["createWebhookEndpoint"].(map[string]any)["secret"].(string); s == "" {
		t.Fatalf("createWebhookEndpoint: %v", d)
	}
	gql(token, `mutation{createCustomer(input:{login:"hooked",password:"customer-pass-1",name:"H",email:"h@example.com"}){customer{id}}}`, nil)
	for got.Load() == 0 {
		if time.Now().After(deadline) {
			t.Fatalf("no delivery; stderr: %s", stderr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	select {
	case code := <-done:
		if code != exitOK {
			t.Errorf("exit %d; stderr: %s", code, stderr.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the server did not stop")
	}
	if got.Load() != 1 {
		t.Errorf("%d deliveries, want 1", got.Load())
	}
}
