package main

import (
	"bytes"
	"context"
	cryptorand "crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"

	"github.com/hostpanel/panel/ent"
	"github.com/hostpanel/panel/ent/credential"
	"github.com/hostpanel/panel/ent/domain"
	"github.com/hostpanel/panel/ent/hostingsubscription"
	"github.com/hostpanel/panel/ent/paneluser"
	"github.com/hostpanel/panel/ent/privacy"
	"github.com/hostpanel/panel/ent/session"
	"github.com/hostpanel/panel/internal/db"
)

// crashCustomers is how many customers the crash test seeds and deletes
// in one request.
const crashCustomers = 3000

// TestCrashDuringBulkDelete: a real server process is killed with SIGKILL
// while a deleteCustomers of thousands of customers is in flight; after a
// restart either all of them or none are gone, and nothing is orphaned.
func TestCrashDuringBulkDelete(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "panel")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	targets := map[string]string{"sqlite": "sqlite:" + filepath.Join(dir, "crash.db")}
	if dsn := os.Getenv("PANEL_TEST_MYSQL_DSN"); dsn != "" {
		targets["mysql"] = crashMySQL(t, dsn)
	} else if os.Getenv("PANEL_TEST_REQUIRE_MYSQL") != "" {
		t.Fatal("PANEL_TEST_REQUIRE_MYSQL set without PANEL_TEST_MYSQL_DSN")
	}
	for name, url := range targets {
		t.Run(name, func(t *testing.T) { crashOnce(t, bin, url) })
	}
}

// crashMySQL creates a fresh database on the server of dsn and returns its
// panel URL.
func crashMySQL(t *testing.T, dsn string) string {
	cfg, err := mysql.ParseDSN(dsn)
	if err != nil {
		t.Fatal(err)
	}
	var b [6]byte
	_, _ = cryptorand.Read(b[:])
	name := "crash_" + hex.EncodeToString(b[:])
	cfg.DBName = ""
	conn, err := sql.Open("mysql", cfg.FormatDSN())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.Exec("CREATE DATABASE " + name + " CHARACTER SET utf8mb4 COLLATE utf8mb4_bin"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		c, err := sql.Open("mysql", cfg.FormatDSN())
		if err == nil {
			_, _ = c.Exec("DROP DATABASE " + name)
			c.Close()
		}
	})
	user := cfg.User
	if cfg.Passwd != "" {
		user += ":" + cfg.Passwd
	}
	return "mysql://" + user + "@" + cfg.Addr + "/" + name
}

type panelProcess struct {
	cmd    *exec.Cmd
	exited chan struct{}
	stderr *syncBuffer
	base   string
}

func startPanel(t *testing.T, bin, url string) *panelProcess {
	t.Helper()
	addr := freeAddr(t)
	p := &panelProcess{cmd: exec.Command(bin, "--addr", addr, "--db", url), exited: make(chan struct{}),
		stderr: &syncBuffer{}, base: "http://" + addr}
	p.cmd.Env = append(os.Environ(), "PANEL_ADMIN_PASSWORD=correct horse battery")
	p.cmd.Stderr = p.stderr
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { _ = p.cmd.Wait(); close(p.exited) }()
	t.Cleanup(func() { p.kill() })
	waitHealthy(t, p.base, p.exited)
	return p
}

func (p *panelProcess) kill() {
	select {
	case <-p.exited:
	default:
		_ = p.cmd.Process.Signal(syscall.SIGKILL)
		<-p.exited
	}
}

func gql(base, token, query string, vars map[string]any) (map[string]any, error) {
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, _ := http.NewRequest(http.MethodPost, base+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		return nil, err
	}
	return out, nil
}

func crashOnce(t *testing.T, bin, url string) {
	p := startPanel(t, bin, url) // migrates the schema
	target, err := db.ParseURL(url)
	if err != nil {
		t.Fatal(err)
	}
	ctx := privacy.DecisionContext(context.Background(), privacy.Allow)
	client, _, err := db.Open(ctx, target, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	start := time.Now()
	ids := seedCrash(t, ctx, client)
	t.Logf("seeded %d customers with credential, subscription, domain, panel user in %v", len(ids), time.Since(start))

	out, err := gql(p.base, "", `mutation{login(input:{login:"admin",password:"correct horse battery"}){token}}`, nil)
	if err != nil {
		t.Fatal(err)
	}
	token, _ := out["data"].(map[string]any)["login"].(map[string]any)["token"].(string)
	if token == "" {
		t.Fatalf("login: %v", out)
	}
	gids := make([]string, len(ids))
	for i, id := range ids {
		gids[i] = strconv.Itoa(id)
	}
	// A dry run does the whole delete and rolls it back: its duration
	// tells when the real one is in the middle of its transaction.
	dryStart := time.Now()
	if out, err := gql(p.base, token, `mutation($in:DeleteCustomersInput!){deleteCustomers(input:$in){committed}}`,
		map[string]any{"in": map[string]any{"ids": gids, "dryRun": true}}); err != nil || out["errors"] != nil {
		t.Fatalf("dry run: %v %v", out, err)
	}
	dry := time.Since(dryStart)
	done := make(chan error, 1)
	sent := time.Now()
	go func() {
		_, err := gql(p.base, token, `mutation($in:DeleteCustomersInput!){deleteCustomers(input:$in){committed}}`,
			map[string]any{"in": map[string]any{"ids": gids}})
		done <- err
	}()
	// Kill the server while the request is in flight: after it was read,
	// before it could finish.
	time.Sleep(dry * 4 / 10)
	p.kill()
	inFlight := true
	select {
	case err := <-done:
		inFlight = err != nil
	case <-time.After(5 * time.Second):
		t.Fatal("request did not end with the server")
	}
	t.Logf("dry run took %v; killed %v after sending; request was in flight: %v", dry, time.Since(sent), inFlight)
	if !inFlight {
		t.Log("the delete finished before the kill: this run only checks the committed state")
	}

	p2 := startPanel(t, bin, url) // recovery
	p2.kill()
	left, err := client.Customer.Query().Count(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if left != 0 && left != len(ids) {
		t.Fatalf("%d of %d customers left after the crash: neither all nor none", left, len(ids))
	}
	t.Logf("after restart: %d of %d customers left", left, len(ids))
	checkOrphans(t, ctx, client)
	if n, _ := client.HostingSubscription.Query().Count(ctx); left == len(ids) && n != len(ids) {
		t.Errorf("%d subscriptions for %d customers", n, left)
	}

	// The same delete, run to its end, removes all of them and leaves
	// nothing orphaned either.
	p3 := startPanel(t, bin, url)
	out, err = gql(p3.base, token, `mutation($in:DeleteCustomersInput!){deleteCustomers(input:$in){committed}}`,
		map[string]any{"in": map[string]any{"ids": gids}})
	if err != nil || out["errors"] != nil {
		t.Fatalf("delete after restart: %v %v", out, err)
	}
	p3.kill()
	if n, _ := client.Customer.Query().Count(ctx); n != 0 {
		t.Fatalf("%d customers left after the completed delete", n)
	}
	checkOrphans(t, ctx, client)
}

// checkOrphans fails t for rows whose owner is gone.
func checkOrphans(t *testing.T, ctx context.Context, client *ent.Client) {
	t.Helper()
	orphans := map[string]func(context.Context) (int, error){
		"subscriptions without subscriber": client.HostingSubscription.Query().Where(
			hostingsubscription.Not(hostingsubscription.HasCustomer()), hostingsubscription.Not(hostingsubscription.HasReseller())).Count,
		"domains without subscription": client.Domain.Query().Where(domain.Not(domain.HasSubscription())).Count,
		"panel users without account": client.PanelUser.Query().Where(
			paneluser.Not(paneluser.HasCustomer()), paneluser.Not(paneluser.HasReseller())).Count,
		"credentials without account": client.Credential.Query().Where(credential.Not(credential.HasCustomer()),
			credential.Not(credential.HasReseller()), credential.Not(credential.HasAdministrator()), credential.Not(credential.HasPanelUser())).Count,
		"sessions without credential": client.Session.Query().Where(session.Not(session.HasCredential())).Count,
	}
	for what, count := range orphans {
		n, err := count(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if n != 0 {
			t.Errorf("%d %s", n, what)
		}
	}
}

// seedCrash creates crashCustomers admin-owned customers, each with a
// credential, a subscription with its primary domain and a panel user with
// its credential, in bulk.
func seedCrash(t *testing.T, ctx context.Context, c *ent.Client) []int {
	t.Helper()
	const batch = 500
	var ids []int
	for off := 0; off < crashCustomers; off += batch {
		n := min(batch, crashCustomers-off)
		creds, err := c.Credential.MapCreateBulk(make([]int, 2*n), func(cc *ent.CredentialCreate, i int) {
			cc.SetLogin(fmt.Sprintf("crash-%d-%d", off+i/2, i%2)).SetPasswordHash("x")
		}).Save(ctx)
		if err != nil {
			t.Fatal(err)
		}
		cs, err := c.Customer.MapCreateBulk(make([]int, n), func(cc *ent.CustomerCreate, i int) {
			cc.SetLogin(fmt.Sprintf("crash-%d-0", off+i)).SetName("Crash").SetEmail("crash@example.com").SetCredentialID(creds[2*i].ID)
		}).Save(ctx)
		if err != nil {
			t.Fatal(err)
		}
		subs, err := c.HostingSubscription.MapCreateBulk(cs, func(sc *ent.HostingSubscriptionCreate, i int) {
			sc.SetName(fmt.Sprintf("crash%d.example.com", off+i)).SetCustomerID(cs[i].ID)
		}).Save(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.Domain.MapCreateBulk(subs, func(dc *ent.DomainCreate, i int) {
			dc.SetName(subs[i].Name).SetPrimary(true).SetSubscriptionID(subs[i].ID)
		}).Save(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := c.PanelUser.MapCreateBulk(cs, func(pc *ent.PanelUserCreate, i int) {
			pc.SetLogin(fmt.Sprintf("crash-%d-1", off+i)).SetName("Web").SetEmail("web@example.com").
				SetCustomerID(cs[i].ID).SetCredentialID(creds[2*i+1].ID)
		}).Save(ctx); err != nil {
			t.Fatal(err)
		}
		for _, cu := range cs {
			ids = append(ids, cu.ID)
		}
	}
	return ids
}
