package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/hostpanel/panel/ent"
	"github.com/hostpanel/panel/ent/auditevent"
	"github.com/hostpanel/panel/ent/audittarget"
	"github.com/hostpanel/panel/ent/customer"
	"github.com/hostpanel/panel/ent/hostingsubscription"
	"github.com/hostpanel/panel/ent/loginthrottle"
	"github.com/hostpanel/panel/ent/paneluser"
	"github.com/hostpanel/panel/ent/privacy"
	"github.com/hostpanel/panel/ent/webhookdelivery"
	"github.com/hostpanel/panel/internal/apitest"
	"github.com/hostpanel/panel/internal/db"
	eventtypes "github.com/hostpanel/panel/internal/events"
	"github.com/hostpanel/panel/internal/types"
	"github.com/hostpanel/panel/internal/webhooks"
)

// The replica harness: N server processes of the real binary on one
// database. Subtests of TestReplicas use it; more can be added (webhook
// delivery, for one) with startReplicas' options for the extra flags or
// environment they need.

// adminPassword is the administrator's password in every replica test.
const adminPassword = "correct horse battery"

// replicaOptions are the extra flags and environment (KEY=VALUE) of every
// replica.
type replicaOptions struct {
	Args []string
	Env  []string
}

// buildPanel builds the server binary into a temporary directory.
func buildPanel(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "panel")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// replicaDatabase returns the URL of a fresh MySQL/MariaDB database for the
// replicas (dropped at the end), or skips: SQLite is one process.
func replicaDatabase(t *testing.T) string {
	t.Helper()
	dsn := os.Getenv("PANEL_TEST_MYSQL_DSN")
	if dsn == "" {
		if os.Getenv("PANEL_TEST_REQUIRE_MYSQL") != "" {
			t.Fatal("PANEL_TEST_REQUIRE_MYSQL set without PANEL_TEST_MYSQL_DSN")
		}
		t.Skip("several server processes need MySQL/MariaDB (set PANEL_TEST_MYSQL_DSN); SQLite is one process")
	}
	return crashMySQL(t, dsn)
}

// startReplicas starts n server processes of bin on the database of url,
// all at the same time, so that their startups (migrations under the
// database lock, the administrator's creation) race each other, and returns
// them once each serves. They are killed when the
// test ends.
func startReplicas(t *testing.T, bin, url string, n int, opt replicaOptions) []*panelProcess {
	t.Helper()
	ps := make([]*panelProcess, n)
	for i := range ps {
		addr := freeAddr(t)
		args := append([]string{"--addr", addr, "--db", url}, opt.Args...)
		p := &panelProcess{cmd: exec.Command(bin, args...), exited: make(chan struct{}),
			stderr: &syncBuffer{}, base: "http://" + addr}
		p.cmd.Env = append(append(os.Environ(), "PANEL_ADMIN_PASSWORD="+adminPassword), opt.Env...)
		p.cmd.Stderr = p.stderr
		if err := p.cmd.Start(); err != nil {
			t.Fatal(err)
		}
		go func() { _ = p.cmd.Wait(); close(p.exited) }()
		t.Cleanup(func() {
			p.kill()
			if t.Failed() {
				t.Logf("replica %d (%s) stderr, INFO lines left out:\n%s", i, p.base, errorLines(p.stderr.String(), 4096))
			}
		})
		ps[i] = p
	}
	for i, p := range ps {
		if !serving(p, 60*time.Second) {
			t.Fatalf("replica %d did not come up; exit: %v; stderr:\n%s", i, p.cmd.ProcessState, errorLines(p.stderr.String(), 4096))
		}
	}
	return ps
}

// serving waits until p answers /healthz; false if it exits first or
// within d it does not.
func serving(p *panelProcess, d time.Duration) bool {
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		if resp, err := (&http.Client{Timeout: 2 * time.Second}).Get(p.base + "/healthz"); err == nil {
			resp.Body.Close()
			return resp.StatusCode == http.StatusOK
		}
		select {
		case <-p.exited:
			return false
		case <-time.After(20 * time.Millisecond):
		}
	}
	return false
}

// errorLines returns the last n bytes of s's lines that are not INFO logs.
func errorLines(s string, n int) string {
	var keep []string
	for _, line := range strings.Split(s, "\n") {
		if !strings.Contains(line, `"level":"INFO"`) {
			keep = append(keep, line)
		}
	}
	s = strings.Join(keep, "\n")
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

// replicaResponse is a GraphQL response.
type replicaResponse struct {
	Data   json.RawMessage
	Errors []struct {
		Message    string
		Extensions struct{ Code string }
	}
}

// code is the code of the first top-level error, "" without errors.
func (r replicaResponse) code() string {
	if len(r.Errors) == 0 {
		return ""
	}
	return r.Errors[0].Extensions.Code
}

// callAt posts a GraphQL request to the replica at base with token (if any)
// and extra headers (name, value pairs); transport failures fail t.
func callAt(t *testing.T, base, token, query string, vars map[string]any, header ...string) replicaResponse {
	t.Helper()
	r, err := postAt(base, token, query, vars, header...)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// postAt is callAt for goroutines other than the test's: it returns transport
// failures.
func postAt(base, token, query string, vars map[string]any, header ...string) (replicaResponse, error) {
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, err := http.NewRequest(http.MethodPost, base+"/graphql", bytes.NewReader(body))
	if err != nil {
		return replicaResponse{}, err
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	// Every request is time-limited: a hung replica fails the test
	// instead of stalling it (the server's own deadline is 30 s).
	resp, err := (&http.Client{Timeout: time.Minute}).Do(req)
	if err != nil {
		return replicaResponse{}, fmt.Errorf("POST %s: %w", base, err)
	}
	defer resp.Body.Close()
	var out replicaResponse
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		return replicaResponse{}, fmt.Errorf("POST %s: status %d, body not JSON: %w", base, resp.StatusCode, err)
	}
	return out, nil
}

// mustCallAt is callAt that fails t on top-level errors and decodes data into
// out (if not nil).
func mustCallAt(t *testing.T, base, token, query string, vars map[string]any, out any) {
	t.Helper()
	r := callAt(t, base, token, query, vars)
	if len(r.Errors) > 0 {
		t.Fatalf("%s: %+v", query, r.Errors)
	}
	if out != nil {
		if err := json.Unmarshal(r.Data, out); err != nil {
			t.Fatalf("decoding %s: %v", r.Data, err)
		}
	}
}

const replicaLoginM = `mutation($l:String!,$p:String!){login(input:{login:$l,password:$p}){token userErrors{code}}}`

// loginAt logs in at the replica at base and returns the token.
func loginAt(t *testing.T, base, login, password string) string {
	t.Helper()
	var out struct {
		Login struct {
			Token      *string
			UserErrors []struct{ Code string }
		}
	}
	mustCallAt(t, base, "", replicaLoginM, map[string]any{"l": login, "p": password}, &out)
	if out.Login.Token == nil {
		t.Fatalf("login %s at %s: %+v", login, base, out.Login.UserErrors)
	}
	return *out.Login.Token
}

// createAt runs create mutation (createCustomer etc.) at base and returns
// the new object's ID.
func createAt(t *testing.T, base, token, mutation, field string, in map[string]any) string {
	t.Helper()
	q := fmt.Sprintf(`mutation($in:%s%sInput!){x:%s(input:$in){%s{id} userErrors{code field message}}}`,
		string(mutation[0]-'a'+'A'), mutation[1:], mutation, field)
	r := callAt(t, base, token, q, map[string]any{"in": in})
	if len(r.Errors) > 0 {
		t.Fatalf("%s: %+v", mutation, r.Errors)
	}
	var raw struct{ X map[string]json.RawMessage }
	if err := json.Unmarshal(r.Data, &raw); err != nil {
		t.Fatal(err)
	}
	var ues []struct{ Code, Message string }
	_ = json.Unmarshal(raw.X["userErrors"], &ues)
	if len(ues) > 0 {
		t.Fatalf("%s: %+v", mutation, ues)
	}
	var obj struct{ ID string }
	if err := json.Unmarshal(raw.X[field], &obj); err != nil || obj.ID == "" {
		t.Fatalf("%s: no %s in %s", mutation, field, r.Data)
	}
	return obj.ID
}

// worksAt reports whether token is accepted at base (UNAUTHENTICATED: no).
func worksAt(t *testing.T, base, token string) bool {
	t.Helper()
	r := callAt(t, base, token, `{viewer{role}}`, nil)
	switch r.code() {
	case "":
		return true
	case "UNAUTHENTICATED":
		return false
	}
	t.Fatalf("viewer at %s: %+v", base, r.Errors)
	return false
}

// openReplicaDB opens the replicas' database for checks, privacy bypassed.
func openReplicaDB(t *testing.T, url string) (context.Context, *ent.Client) {
	t.Helper()
	target, err := db.ParseURL(url)
	if err != nil {
		t.Fatal(err)
	}
	ctx := privacy.DecisionContext(context.Background(), privacy.Allow)
	client, _, err := db.Open(ctx, target, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { client.Close() })
	return ctx, client
}

// TestReplicas (issue 10 part 5): two server processes on one MariaDB
// database behave as one service: tokens, logouts, password changes and
// suspensions are seen at once by the other process, unique logins hold
// across both, refused logins are counted across both, and concurrent bulk
// operations through both keep the invariants of SPEC 3. It takes about
// 10-25 s (the build included).
func TestReplicas(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	url := replicaDatabase(t)
	bin := buildPanel(t)
	// Both trust the loopback as their load balancer, so X-Forwarded-For
	// names the client (the login throttle counts per client address).
	ps := startReplicas(t, bin, url, 2, replicaOptions{Args: []string{"--trusted-proxies", "127.0.0.1"}})
	a, b := ps[0].base, ps[1].base
	ctx, client := openReplicaDB(t, url)
	if n := client.Administrator.Query().CountX(ctx); n != 1 {
		t.Fatalf("%d administrators after two starts, want 1", n)
	}
	adminA := loginAt(t, a, "admin", adminPassword)

	t.Run("a token from one works on the other", func(t *testing.T) {
		if !worksAt(t, b, adminA) {
			t.Fatal("a login token from A is refused by B")
		}
		var out struct {
			CreateApiToken struct{ Token *string }
		}
		mustCallAt(t, b, adminA, `mutation{createApiToken(input:{name:"ci"}){token}}`, nil, &out)
		if out.CreateApiToken.Token == nil || !worksAt(t, a, *out.CreateApiToken.Token) {
			t.Fatal("an API token created on B is refused by A")
		}
	})

	t.Run("the same login created on both at once: one wins, the other is TAKEN", func(t *testing.T) {
		for round := 0; round < 3; round++ {
			login := fmt.Sprintf("twin%d", round)
			in := map[string]any{"in": map[string]any{"login": login, "password": "twin-password-1", "name": "Twin", "email": "t@example.com"}}
			q := `mutation($in:CreateCustomerInput!){createCustomer(input:$in){customer{id} userErrors{code field}}}`
			var outs [2]replicaResponse
			var errs [2]error
			var wg sync.WaitGroup
			start := make(chan struct{})
			for i, base := range []string{a, b} {
				wg.Add(1)
				go func() { defer wg.Done(); <-start; outs[i], errs[i] = postAt(base, adminA, q, in) }()
			}
			close(start)
			wg.Wait()
			created, taken := 0, 0
			for i, r := range outs {
				if errs[i] != nil || len(r.Errors) > 0 {
					t.Fatalf("replica %d: %v %+v", i, errs[i], r.Errors)
				}
				switch {
				case bytes.Contains(r.Data, []byte(`"customer":{"id"`)) && bytes.Contains(r.Data, []byte(`"userErrors":[]`)):
					created++
				case bytes.Contains(r.Data, []byte(`"customer":null`)) && bytes.Contains(r.Data, []byte(`"code":"TAKEN","field":["login"]`)):
					taken++
				default:
					t.Fatalf("replica %d: %s", i, r.Data)
				}
			}
			if created != 1 || taken != 1 {
				t.Fatalf("round %d: %d created, %d TAKEN; want 1 and 1", round, created, taken)
			}
			if n := client.Customer.Query().Where(customer.Login(login)).CountX(ctx); n != 1 {
				t.Fatalf("round %d: %d customers %s", round, n, login)
			}
		}
	})

	t.Run("a logout on one is refused at once on the other", func(t *testing.T) {
		tok := loginAt(t, a, "admin", adminPassword)
		if !worksAt(t, b, tok) {
			t.Fatal("refused before the logout")
		}
		mustCallAt(t, a, tok, `mutation{logout}`, nil, nil)
		if worksAt(t, b, tok) {
			t.Fatal("B accepts a token logged out on A")
		}
	})

	t.Run("a password change on one ends the tokens on the other", func(t *testing.T) {
		id := createAt(t, a, adminA, "createCustomer", "customer", map[string]any{
			"login": "pw-change", "password": "pw-change-pass-1", "name": "PW", "email": "pw@example.com"})
		onA := loginAt(t, a, "pw-change", "pw-change-pass-1")
		var tok struct {
			CreateApiToken struct{ Token string }
		}
		mustCallAt(t, a, onA, `mutation{createApiToken(input:{name:"script"}){token}}`, nil, &tok)
		onB := loginAt(t, b, "pw-change", "pw-change-pass-1")
		var ch struct {
			ChangePassword struct {
				Ok         bool
				UserErrors []struct{ Code string }
			}
		}
		mustCallAt(t, b, onB, `mutation{changePassword(input:{currentPassword:"pw-change-pass-1",newPassword:"pw-change-pass-2"}){ok userErrors{code}}}`, nil, &ch)
		if !ch.ChangePassword.Ok {
			t.Fatalf("changePassword on B: %+v", ch.ChangePassword.UserErrors)
		}
		if worksAt(t, a, onA) || worksAt(t, a, tok.CreateApiToken.Token) {
			t.Fatal("A accepts a session or API token ended by a password change on B")
		}
		if !worksAt(t, a, onB) {
			t.Fatal("the session that changed the password ended")
		}
		// Suspension through A refuses the new API token on B; activation
		// through B brings it back on A.
		newOnB := loginAt(t, b, "pw-change", "pw-change-pass-2")
		mustCallAt(t, b, newOnB, `mutation{createApiToken(input:{name:"script"}){token}}`, nil, &tok)
		mustCallAt(t, a, adminA, `mutation($id:ID!){suspendCustomers(input:{ids:[$id]}){committed}}`, map[string]any{"id": id}, nil)
		if worksAt(t, b, tok.CreateApiToken.Token) || worksAt(t, b, newOnB) {
			t.Fatal("B accepts a token of a customer suspended on A")
		}
		mustCallAt(t, b, adminA, `mutation($id:ID!){activateCustomers(input:{ids:[$id]}){committed}}`, map[string]any{"id": id}, nil)
		if !worksAt(t, a, tok.CreateApiToken.Token) {
			t.Fatal("the API token does not work again after activation")
		}
		if worksAt(t, a, newOnB) {
			t.Fatal("a login session survived the suspension")
		}
	})

	t.Run("refused logins are counted across both", func(t *testing.T) {
		createAt(t, b, adminA, "createCustomer", "customer", map[string]any{
			"login": "victim", "password": "victim-pass-1", "name": "Victim", "email": "v@example.com"})
		const attacker = "203.0.113.7" // as the load balancer reports it
		const maxPerLogin = 10         // auth.DefaultThrottle
		for i := 0; i < maxPerLogin; i++ {
			base := []string{a, b}[i%2]
			r := callAt(t, base, "", replicaLoginM, map[string]any{"l": "victim", "p": fmt.Sprintf("wrong-%d", i)},
				"X-Forwarded-For", attacker)
			if len(r.Errors) > 0 || !bytes.Contains(r.Data, []byte(`"code":"INVALID"`)) {
				t.Fatalf("refused login %d: %s %+v", i+1, r.Data, r.Errors)
			}
		}
		for _, base := range []string{a, b} {
			// The right password too: the login is locked for the window.
			r := callAt(t, base, "", replicaLoginM, map[string]any{"l": "victim", "p": "victim-pass-1"}, "X-Forwarded-For", attacker)
			if r.code() != "RATE_LIMITED" {
				t.Fatalf("11th login at %s: %s %+v, want RATE_LIMITED", base, r.Data, r.Errors)
			}
		}
		// Both processes counted in the same address bucket; another
		// login from that address is not locked.
		row, err := client.LoginThrottle.Query().Where(loginthrottle.Bucket("a:" + attacker)).Only(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if row.Failures != maxPerLogin {
			t.Fatalf("the address bucket counts %d refusals, want %d", row.Failures, maxPerLogin)
		}
		r := callAt(t, b, "", replicaLoginM, map[string]any{"l": "pw-change", "p": "pw-change-pass-2"}, "X-Forwarded-For", attacker)
		if len(r.Errors) > 0 || !bytes.Contains(r.Data, []byte(`"token":"pnl_`)) {
			t.Fatalf("another login from the address: %s %+v", r.Data, r.Errors)
		}
	})

	t.Run("concurrent bulk operations through both keep SPEC 3's invariants", func(t *testing.T) {
		replicaBulkRounds(t, ctx, client, a, b, adminA)
	})
}

// bulkOutcome is the part of a bulk payload the invariants need: the IDs the
// operation applied to and its user errors.
type bulkOutcome struct {
	applied []string
	errors  []struct {
		Code  string
		Field []string
	}
}

// bulkAt runs one bulk mutation whose payload lists what it applied to
// under listField (a list of IDs, or of objects when listField is
// "customers" or "resellers"); for goroutines: failures are returned.
func bulkAt(base, token, mutation, listField string, in map[string]any) (bulkOutcome, error) {
	objects := listField == "customers" || listField == "resellers"
	sel := listField
	if objects {
		sel += "{id}"
	}
	q := fmt.Sprintf(`mutation($in:%s%sInput!){x:%s(input:$in){%s committed userErrors{code field}}}`,
		string(mutation[0]-'a'+'A'), mutation[1:], mutation, sel)
	r, err := postAt(base, token, q, map[string]any{"in": in})
	if err != nil {
		return bulkOutcome{}, err
	}
	if len(r.Errors) > 0 {
		return bulkOutcome{}, fmt.Errorf("%s: %+v", mutation, r.Errors)
	}
	var out struct{ X map[string]json.RawMessage }
	if err := json.Unmarshal(r.Data, &out); err != nil {
		return bulkOutcome{}, err
	}
	var res bulkOutcome
	if err := json.Unmarshal(out.X["userErrors"], &res.errors); err != nil {
		return bulkOutcome{}, err
	}
	if objects {
		var cs []struct{ ID string }
		if err := json.Unmarshal(out.X[listField], &cs); err != nil {
			return bulkOutcome{}, err
		}
		for _, c := range cs {
			res.applied = append(res.applied, c.ID)
		}
	} else if err := json.Unmarshal(out.X[listField], &res.applied); err != nil {
		return bulkOutcome{}, err
	}
	return res, nil
}

// failed returns the items of ids whose user errors have code (the field
// is [list, index, ...]); any other code is an error.
func (r bulkOutcome) failed(ids []string, code string) (map[string]bool, error) {
	out := map[string]bool{}
	for _, ue := range r.errors {
		if ue.Code != code || len(ue.Field) < 2 {
			return nil, fmt.Errorf("unexpected user error %+v", ue)
		}
		i, err := strconv.Atoi(ue.Field[1])
		if err != nil || i < 0 || i >= len(ids) {
			return nil, fmt.Errorf("user error %+v points at no item", ue)
		}
		out[ids[i]] = true
	}
	return out, nil
}

// replicaBulkRounds: in each round, through both replicas at once, A moves
// four customers of reseller Y to reseller X while Y, on B, deletes four
// customers overlapping two of them; and A suspends four other customers as
// ADMIN while Y, on B, suspends them and activates them again. Each
// overlapping customer ends up moved or deleted, never both, with its
// subscriptions and panel users following it; each suspended customer has
// exactly the sources the committed operations leave (ADMIN, and RESELLER
// where Y's activation came after the ADMIN suspension and was refused) and
// its subscriptions PARENT; the audit log has one event per customer and
// committed operation. Then, at once, A suspends reseller Y while B moves
// two more of Y's customers to X: the moved ones come without PARENT, the
// others get it, and Y's activation takes exactly that PARENT away again,
// leaving every customer's own sources as they were.
func replicaBulkRounds(t *testing.T, ctx context.Context, c *ent.Client, a, b, admin string) {
	const rounds, moveSet, suspSet = 4, 6, 4
	x := createAt(t, a, admin, "createReseller", "reseller", map[string]any{
		"login": "reseller-x", "password": "reseller-x-pass", "name": "X", "email": "x@example.com"})
	y := createAt(t, b, admin, "createReseller", "reseller", map[string]any{
		"login": "reseller-y", "password": "reseller-y-pass", "name": "Y", "email": "y@example.com"})
	plan := createAt(t, a, admin, "createServicePlan", "servicePlan", map[string]any{
		"name": "Y basic", "ownerId": y, "limits": map[string]any{"diskSpaceMb": 1000, "domains": 5}})
	yTok := loginAt(t, b, "reseller-y", "reseller-y-pass")
	xID, _ := strconv.Atoi(x)
	yID, _ := strconv.Atoi(y)
	planID, _ := strconv.Atoi(plan)

	// The customers, created through both replicas in turn: each with a
	// subscription of Y's plan; those to move or delete with a panel user.
	n := 0
	newCustomer := func(panelUser bool) string {
		n++
		base := []string{a, b}[n%2]
		login := fmt.Sprintf("bulk%d", n)
		id := createAt(t, base, admin, "createCustomer", "customer", map[string]any{
			"login": login, "password": "bulk-customer-1", "name": login, "email": login + "@example.com", "ownerId": y})
		createAt(t, base, admin, "createSubscription", "subscription", map[string]any{
			"subscriberId": id, "domain": login + ".example", "servicePlanId": plan})
		if panelUser {
			createAt(t, base, admin, "createPanelUser", "panelUser", map[string]any{
				"accountId": id, "login": login + "-staff", "password": "bulk-staff-pass", "name": "Staff", "email": "s@example.com"})
		}
		return id
	}
	type round struct{ move, susp, move2 []string }
	rs := make([]round, rounds)
	for i := range rs {
		for j := 0; j < moveSet; j++ {
			rs[i].move = append(rs[i].move, newCustomer(true))
		}
		for j := 0; j < suspSet; j++ {
			rs[i].susp = append(rs[i].susp, newCustomer(false))
		}
		rs[i].move2 = []string{newCustomer(true), newCustomer(true)}
	}

	movedTotal, overlapMoved, activationRefused := 0, 0, 0
	for ri, r := range rs {
		toMove, toDelete := r.move[:4], r.move[2:]
		items := make([]map[string]any, len(toMove))
		for i, id := range toMove {
			items[i] = map[string]any{"customerId": id, "servicePlanId": nil}
		}
		var (
			wg                        sync.WaitGroup
			mv, del, susA, susB, actB bulkOutcome
			errs                      = make([]error, 4)
			start                     = make(chan struct{})
		)
		run := func(i int, f func() error) {
			wg.Add(1)
			go func() { defer wg.Done(); <-start; errs[i] = f() }()
		}
		// In odd rounds the ADMIN suspension starts when Y's suspension is
		// done, racing Y's activation alone (in even rounds it usually
		// lands between the two): both orders occur.
		resellerSuspended := make(chan struct{})
		run(0, func() (err error) {
			mv, err = bulkAt(a, admin, "moveCustomers", "customers",
				map[string]any{"newOwnerId": x, "items": items, "mode": "PARTIAL"})
			return err
		})
		run(1, func() (err error) {
			del, err = bulkAt(b, yTok, "deleteCustomers", "deletedCustomerIds",
				map[string]any{"ids": toDelete, "mode": "PARTIAL"})
			return err
		})
		run(2, func() (err error) {
			if ri%2 == 1 {
				<-resellerSuspended
			}
			susA, err = bulkAt(a, admin, "suspendCustomers", "customers",
				map[string]any{"ids": r.susp, "reason": "admin", "mode": "PARTIAL"})
			return err
		})
		run(3, func() (err error) {
			susB, err = bulkAt(b, yTok, "suspendCustomers", "customers",
				map[string]any{"ids": r.susp, "reason": "reseller", "mode": "PARTIAL"})
			close(resellerSuspended)
			if err != nil {
				return err
			}
			actB, err = bulkAt(b, yTok, "activateCustomers", "customers",
				map[string]any{"ids": r.susp, "mode": "PARTIAL"})
			return err
		})
		close(start)
		wg.Wait()
		for _, err := range errs {
			if err != nil {
				t.Fatalf("round %d: %v", ri, err)
			}
		}

		// Moved or deleted, never both; NOT_FOUND for the loser.
		moveMissing, err := mv.failed(toMove, "NOT_FOUND")
		if err != nil {
			t.Fatalf("round %d: move: %v", ri, err)
		}
		deleteMissing, err := del.failed(toDelete, "NOT_FOUND")
		if err != nil {
			t.Fatalf("round %d: delete: %v", ri, err)
		}
		moved, deleted := idSet(mv.applied), idSet(del.applied)
		for _, id := range r.move {
			inMove, inDelete := slices.Contains(toMove, id), slices.Contains(toDelete, id)
			switch {
			case moved[id] && deleted[id]:
				t.Errorf("round %d: customer %s both moved and deleted", ri, id)
			case inMove && !inDelete && !moved[id], inDelete && !inMove && !deleted[id]:
				t.Errorf("round %d: customer %s neither moved nor deleted without a contender", ri, id)
			case inMove && inDelete && moved[id] == deleted[id]:
				t.Errorf("round %d: customer %s moved=%v deleted=%v, want exactly one", ri, id, moved[id], deleted[id])
			case moved[id] && moveMissing[id], deleted[id] && deleteMissing[id],
				inMove && !moved[id] && !moveMissing[id], inDelete && !deleted[id] && !deleteMissing[id]:
				t.Errorf("round %d: customer %s: payloads disagree (moved %v, NOT_FOUND for move %v, deleted %v, NOT_FOUND for delete %v)",
					ri, id, moved[id], moveMissing[id], deleted[id], deleteMissing[id])
			}
			if inMove && inDelete && moved[id] {
				overlapMoved++
			}
			checkMovedOrDeleted(t, ctx, c, ri, id, moved[id], deleted[id], xID, planID)
		}
		movedTotal += len(moved)

		// Suspension sources: exactly what the committed operations leave.
		if len(susA.errors) > 0 || len(susA.applied) != suspSet || len(susB.errors) > 0 || len(susB.applied) != suspSet {
			t.Fatalf("round %d: suspensions: admin %+v, reseller %+v", ri, susA, susB)
		}
		refused, err := actB.failed(r.susp, "FORBIDDEN")
		if err != nil {
			t.Fatalf("round %d: reseller's activation: %v", ri, err)
		}
		if len(refused)+len(actB.applied) != suspSet || (len(refused) != 0 && len(refused) != suspSet) {
			// The ADMIN suspension is one transaction: the activation saw
			// it on all four customers or on none.
			t.Errorf("round %d: activation applied to %v, refused for %v: not all-or-none", ri, actB.applied, refused)
		}
		if len(refused) > 0 {
			activationRefused++
		}
		for _, id := range r.susp {
			checkSuspended(t, ctx, c, ri, id, refused[id])
		}

		// A suspends Y while B moves two of Y's customers to X.
		var susY, mv2 bulkOutcome
		errs = make([]error, 2)
		start = make(chan struct{})
		run(0, func() (err error) {
			susY, err = bulkAt(a, admin, "suspendResellers", "resellers", map[string]any{"ids": []string{y}})
			return err
		})
		run(1, func() (err error) {
			items := []map[string]any{{"customerId": r.move2[0]}, {"customerId": r.move2[1]}}
			mv2, err = bulkAt(b, admin, "moveCustomers", "customers", map[string]any{"newOwnerId": x, "items": items})
			return err
		})
		close(start)
		wg.Wait()
		for _, err := range errs {
			if err != nil {
				t.Fatalf("round %d: %v", ri, err)
			}
		}
		if len(susY.applied) != 1 || len(susY.errors) > 0 || len(mv2.applied) != 2 || len(mv2.errors) > 0 {
			t.Fatalf("round %d: reseller suspension %+v, move %+v", ri, susY, mv2)
		}
		movedTotal += 2
		for _, id := range r.move2 {
			checkMovedOrDeleted(t, ctx, c, ri, id, true, false, xID, planID)
		}
		checkCascade(t, ctx, c, ri, map[int]bool{yID: true})
		mustCallAt(t, b, admin, `mutation($id:ID!){activateResellers(input:{ids:[$id]}){committed}}`, map[string]any{"id": y}, nil)
		checkCascade(t, ctx, c, ri, map[int]bool{})
		for _, id := range r.susp {
			checkSuspended(t, ctx, c, ri, id, refused[id])
		}
		// Y's login session ended with its suspension.
		yTok = loginAt(t, []string{a, b}[ri%2], "reseller-y", "reseller-y-pass")
	}
	t.Logf("%d rounds: %d customers moved (%d of %d contended ones won by the move); the reseller's activation came after the ADMIN suspension (refused) in %d rounds",
		rounds, movedTotal, overlapMoved, 2*rounds, activationRefused)
	if got := c.Customer.Query().Where(customer.ResellerID(xID)).CountX(ctx); got != movedTotal {
		t.Errorf("X has %d customers, %d were moved to it", got, movedTotal)
	}
	checkOrphans(t, ctx, c)
}

// checkCascade checks every reseller, customer and subscription: a
// reseller carries exactly the ADMIN source of suspended (by ID), a customer
// PARENT exactly when its reseller is suspended, a subscription PARENT
// exactly when its subscriber is; each is SUSPENDED exactly when it has a
// source.
func checkCascade(t *testing.T, ctx context.Context, c *ent.Client, round int, suspended map[int]bool) {
	t.Helper()
	rSusp := map[int]bool{}
	for _, r := range c.Reseller.Query().AllX(ctx) {
		any := r.SuspendedAdminAt != nil || r.SuspendedResellerAt != nil || r.SuspendedParentAt != nil
		if (r.SuspendedAdminAt != nil) != suspended[r.ID] || (r.Status == types.StatusSuspended) != any {
			t.Errorf("round %d: reseller %d: status %s, ADMIN %v, want suspended %v", round, r.ID, r.Status, r.SuspendedAdminAt != nil, suspended[r.ID])
		}
		rSusp[r.ID] = any
	}
	cSusp := map[int]bool{}
	for _, cu := range c.Customer.Query().AllX(ctx) {
		parent := cu.ResellerID != nil && rSusp[*cu.ResellerID]
		any := cu.SuspendedAdminAt != nil || cu.SuspendedResellerAt != nil || cu.SuspendedParentAt != nil
		if (cu.SuspendedParentAt != nil) != parent || (cu.Status == types.StatusSuspended) != any {
			t.Errorf("round %d: customer %d (owner %s): status %s, PARENT %v, want PARENT %v", round, cu.ID, ownerOf(cu),
				cu.Status, cu.SuspendedParentAt != nil, parent)
		}
		cSusp[cu.ID] = any
	}
	for _, s := range c.HostingSubscription.Query().AllX(ctx) {
		parent := (s.CustomerID != nil && cSusp[*s.CustomerID]) || (s.ResellerID != nil && rSusp[*s.ResellerID])
		any := s.SuspendedAdminAt != nil || s.SuspendedResellerAt != nil || s.SuspendedParentAt != nil
		if (s.SuspendedParentAt != nil) != parent || (s.Status == types.StatusSuspended) != any {
			t.Errorf("round %d: subscription %d: status %s, PARENT %v, want PARENT %v", round, s.ID, s.Status, s.SuspendedParentAt != nil, parent)
		}
	}
}

// ownerOf names a customer's owner for messages.
func ownerOf(cu *ent.Customer) string {
	if cu.ResellerID == nil {
		return "administrator"
	}
	return "reseller " + strconv.Itoa(*cu.ResellerID)
}

func idSet(ids []string) map[string]bool {
	m := make(map[string]bool, len(ids))
	for _, id := range ids {
		m[id] = true
	}
	return m
}

// auditEventsAbout counts the audit events of action about target id.
func auditEventsAbout(ctx context.Context, c *ent.Client, action, id string) int {
	return c.AuditEvent.Query().Where(auditevent.Action(action), auditevent.HasTargetsWith(audittarget.TargetID(id))).CountX(ctx)
}

// checkMovedOrDeleted checks customer id in the database: moved to reseller
// x with its subscription now Custom and its panel user, or gone with
// everything below it; and one audit event for what happened to it.
func checkMovedOrDeleted(t *testing.T, ctx context.Context, c *ent.Client, round int, id string, moved, deleted bool, x, plan int) {
	t.Helper()
	n, _ := strconv.Atoi(id)
	cu, err := c.Customer.Query().Where(customer.ID(n)).Only(ctx)
	subs := c.HostingSubscription.Query().Where(hostingsubscription.CustomerID(n)).AllX(ctx)
	pus := c.PanelUser.Query().Where(paneluser.CustomerID(n)).CountX(ctx)
	switch {
	case deleted:
		if err == nil || len(subs) != 0 || pus != 0 {
			t.Errorf("round %d: deleted customer %s: row %v, %d subscriptions, %d panel users left", round, id, cu, len(subs), pus)
		}
	case err != nil:
		t.Errorf("round %d: customer %s, not deleted, is missing: %v", round, id, err)
	case moved:
		if cu.ResellerID == nil || *cu.ResellerID != x || len(subs) != 1 || subs[0].ServicePlanID != nil ||
			subs[0].PlanSync != types.PlanCustom || pus != 1 {
			t.Errorf("round %d: moved customer %s: owner %s, subscriptions %+v, %d panel users", round, id, ownerOf(cu), subs, pus)
		}
	default:
		if cu.ResellerID == nil || *cu.ResellerID == x || len(subs) != 1 || subs[0].ServicePlanID == nil || *subs[0].ServicePlanID != plan || pus != 1 {
			t.Errorf("round %d: untouched customer %s changed: owner %s, subscriptions %+v, %d panel users", round, id, ownerOf(cu), subs, pus)
		}
	}
	if got, want := auditEventsAbout(ctx, c, "customer.move", id), oneIf(moved); got != want {
		t.Errorf("round %d: customer %s: %d customer.move events, want %d", round, id, got, want)
	}
	if got, want := auditEventsAbout(ctx, c, "customer.delete", id), oneIf(deleted); got != want {
		t.Errorf("round %d: customer %s: %d customer.delete events, want %d", round, id, got, want)
	}
}

// checkSuspended checks that customer id carries ADMIN, RESELLER iff the
// reseller's activation was refused for it, nothing else; its subscriptions
// PARENT only; two suspension events and one activation event iff the
// activation applied.
func checkSuspended(t *testing.T, ctx context.Context, c *ent.Client, round int, id string, keepsReseller bool) {
	t.Helper()
	n, _ := strconv.Atoi(id)
	cu := c.Customer.GetX(ctx, n)
	if cu.Status != types.StatusSuspended || cu.SuspendedAdminAt == nil || (cu.SuspendedResellerAt != nil) != keepsReseller ||
		cu.SuspendedParentAt != nil {
		t.Errorf("round %d: customer %s: status %s, ADMIN %v, RESELLER %v (want %v), PARENT %v", round, id, cu.Status,
			cu.SuspendedAdminAt != nil, cu.SuspendedResellerAt != nil, keepsReseller, cu.SuspendedParentAt != nil)
	}
	for _, s := range c.HostingSubscription.Query().Where(hostingsubscription.CustomerID(n)).AllX(ctx) {
		if s.Status != types.StatusSuspended || s.SuspendedParentAt == nil || s.SuspendedAdminAt != nil || s.SuspendedResellerAt != nil {
			t.Errorf("round %d: subscription %d of customer %s: status %s, sources ADMIN %v RESELLER %v PARENT %v", round, s.ID, id,
				s.Status, s.SuspendedAdminAt != nil, s.SuspendedResellerAt != nil, s.SuspendedParentAt != nil)
		}
	}
	if got := auditEventsAbout(ctx, c, "customer.suspend", id); got != 2 {
		t.Errorf("round %d: customer %s: %d customer.suspend events, want 2", round, id, got)
	}
	if got, want := auditEventsAbout(ctx, c, "customer.activate", id), oneIf(!keepsReseller); got != want {
		t.Errorf("round %d: customer %s: %d customer.activate events, want %d", round, id, got, want)
	}
}

func oneIf(b bool) int {
	if b {
		return 1
	}
	return 0
}

// TestReplicasWebhooks (issue 10 part 5): two server processes on one
// MariaDB database, each running its webhook worker, deliver every
// committed event to each subscribed endpoint exactly once, signed with the
// endpoint's secret, within the endpoint owner's scope, and both take part;
// a delivery answered with 500 is sent once more after the backoff, not
// twice. Its replicas need flags of their own (a short poll, endpoints on
// the loopback), hence a test of its own. It takes about 15-25 s, most of it
// waiting for the retry (the first backoff is 10 s ±20%).
func TestReplicasWebhooks(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	url := replicaDatabase(t)
	bin := buildPanel(t)
	t.Run("webhooks are delivered once", func(t *testing.T) {
		ps := startReplicas(t, bin, url, 2, replicaOptions{Args: []string{"--webhooks-poll", "50ms", "--webhooks-allow-private"}})
		replicaWebhooks(t, url, ps)
	})
	t.Run("a replica shutting down finishes its requests in flight and hands the rest back", func(t *testing.T) {
		replicaWebhooksShutdown(t, bin)
	})
}

// replicaWebhooksShutdown: one replica's worker has claimed the 12
// deliveries of an event (12 endpoints) and is sending 8 of them (its
// concurrency) to a receiver that holds them, when the replica gets
// SIGTERM. The requests under way must end normally (the receiver answers
// once the replica has stopped listening) and be recorded DELIVERED; the 4
// not yet sent go back to the queue at once (no lease left, the attempt not
// counted), and a second replica sends them, well before a lease (50 s)
// would have ended. Each endpoint gets its event once, and no request is
// cut off. (A database of its own: the first replica must be the only
// worker when the event is queued.)
func replicaWebhooksShutdown(t *testing.T, bin string) {
	const endpoints, concurrency = 12, 8 // webhooks.DefaultConcurrency
	url := replicaDatabase(t)
	flags := replicaOptions{Args: []string{"--webhooks-poll", "50ms", "--webhooks-allow-private"}}
	first := startReplicas(t, bin, url, 1, flags)[0]
	ctx, client := openReplicaDB(t, url)
	admin := loginAt(t, first.base, "admin", adminPassword)

	var (
		mu        sync.Mutex
		secrets   = map[string]string{}
		got       = map[string]int{} // endpoint -> requests answered 2xx
		aborted   []string           // requests the sender gave up on
		problems  []string
		arrived   = make(chan struct{}, endpoints)
		release   = make(chan struct{})
		delivered = map[string]bool{} // delivery IDs answered
	)
	rcv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		ep := strings.TrimPrefix(req.URL.Path, "/")
		mu.Lock()
		ok := apitest.VerifyWebhookSignature(secrets[ep], req.Header.Get("Panel-Signature"), body, 5*time.Minute, time.Now())
		mu.Unlock()
		if !ok {
			mu.Lock()
			problems = append(problems, "bad signature for "+ep)
			mu.Unlock()
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		arrived <- struct{}{}
		select {
		case <-release:
		case <-req.Context().Done():
			mu.Lock()
			aborted = append(aborted, ep)
			mu.Unlock()
			return
		}
		mu.Lock()
		got[ep]++
		if id := req.Header.Get("Panel-Delivery-Id"); delivered[id] {
			problems = append(problems, "delivery "+id+" sent twice")
		} else {
			delivered[id] = true
		}
		mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(rcv.Close)
	var released sync.Once
	t.Cleanup(func() { released.Do(func() { close(release) }) })
	for i := range endpoints {
		var out struct {
			CreateWebhookEndpoint struct {
				Secret     *string
				UserErrors []struct{ Code, Message string }
			}
		}
		mustCallAt(t, first.base, admin, `mutation($u:String!){createWebhookEndpoint(input:{url:$u,eventTypes:["customer.created"]}){
  secret userErrors{code message}}}`, map[string]any{"u": fmt.Sprintf("%s/%d", rcv.URL, i)}, &out)
		if p := out.CreateWebhookEndpoint; len(p.UserErrors) > 0 || p.Secret == nil {
			t.Fatalf("createWebhookEndpoint: %+v", p)
		}
		mu.Lock()
		secrets[strconv.Itoa(i)] = *out.CreateWebhookEndpoint.Secret
		mu.Unlock()
	}
	if _, err := createCustomerAt(first.base, admin, "shutdown-hooked", ""); err != nil {
		t.Fatal(err)
	}
	// The worker sends 8 requests at once and holds the other 4.
	deadline := time.After(20 * time.Second)
	for range concurrency {
		select {
		case <-arrived:
		case <-deadline:
			t.Fatal("the first replica's requests did not arrive")
		}
	}
	if err := first.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	// Once it no longer listens, it is shutting down; then the receiver
	// answers.
	for stop := time.Now().Add(20 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		resp, err := (&http.Client{Timeout: time.Second}).Get(first.base + "/healthz")
		if err != nil {
			break
		}
		resp.Body.Close()
		if time.Now().After(stop) {
			t.Fatal("the replica still listens 20 s after SIGTERM")
		}
	}
	released.Do(func() { close(release) })
	select {
	case <-first.exited:
	case <-time.After(40 * time.Second):
		t.Fatal("the replica did not exit within 40 s of SIGTERM")
	}
	if code := first.cmd.ProcessState.ExitCode(); code != 0 {
		t.Errorf("the replica exited %d after SIGTERM, want 0", code)
	}

	// What it left: the requests it made DELIVERED, the others queued and
	// free for any worker.
	now := time.Now()
	sent, queued := 0, 0
	for _, d := range client.WebhookDelivery.Query().AllX(ctx) {
		switch {
		case d.Status == webhookdelivery.StatusDELIVERED && d.Attempts == 1 && d.LockedUntil == nil:
			sent++
		case d.Status == webhookdelivery.StatusPENDING && d.Attempts == 0 && (d.LockedUntil == nil || !d.LockedUntil.After(now)):
			queued++
		default:
			t.Errorf("after the shutdown: delivery %d %s, %d attempts, locked until %v, last error %q",
				d.ID, d.Status, d.Attempts, d.LockedUntil, d.LastError)
		}
	}
	if sent != concurrency || queued != endpoints-concurrency {
		t.Errorf("after the shutdown: %d delivered, %d queued; want %d and %d", sent, queued, concurrency, endpoints-concurrency)
	}

	// A second replica sends the rest at once (not after a lease).
	second := startReplicas(t, bin, url, 1, flags)[0]
	_ = second
	for stop := time.Now().Add(20 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		mu.Lock()
		n := len(got)
		mu.Unlock()
		if n == endpoints {
			break
		}
		if time.Now().After(stop) {
			t.Fatalf("%d of %d endpoints received the event 20 s after the second replica started", n, endpoints)
		}
	}
	time.Sleep(500 * time.Millisecond) // room for a second copy to show
	mu.Lock()
	defer mu.Unlock()
	for _, p := range problems {
		t.Error(p)
	}
	if len(aborted) > 0 {
		t.Errorf("requests to endpoints %v were cut off by the shutdown", aborted)
	}
	for ep, n := range got {
		if n != 1 {
			t.Errorf("endpoint %s received the event %d times", ep, n)
		}
	}
}

// hookEndpoints are the receiver's endpoints: the administrator's and those
// of resellers RA and RB (the paths of their URLs).
var hookEndpoints = []string{"admin", "ra", "rb"}

// hookRecord is one request the receiver got.
type hookRecord struct {
	endpoint   string // of hookEndpoints
	deliveryID string
	payload    webhooks.Payload
	body       []byte
	status     int // what the receiver answered
	replica    int // the sending process (index in the replicas), -1 unknown
	at         time.Time
}

// hookKey is what an endpoint receives once: a chunk of an event of a type.
type hookKey struct {
	event, typ string
	chunk      int
}

func (h hookRecord) key() hookKey {
	return hookKey{h.payload.ID, h.payload.Type, h.payload.Chunk.Index}
}

// hookReceiver is a local HTTP server with one path per endpoint. It checks
// every request's signature with the endpoint's secret and its headers
// against its body, records it, and answers 204, except 500 to the first
// request for failFirst (once). It names the process that sent each
// request when it can (see connOwner).
type hookReceiver struct {
	srv       *httptest.Server
	failFirst string
	pids      map[int]int // process ID -> replica index
	mu        sync.Mutex
	secrets   map[string]string
	got       []hookRecord
	failed    string   // the delivery answered 500
	problems  []string // bad signatures, headers or bodies
	unknown   int      // connections whose process was not found
	observed  bool     // /proc/net/tcp could be read
}

type hookConnKey struct{}

func newHookReceiver(t *testing.T, ps []*panelProcess, failFirst string) *hookReceiver {
	r := &hookReceiver{failFirst: failFirst, pids: map[int]int{}, secrets: map[string]string{}}
	for i, p := range ps {
		r.pids[p.cmd.Process.Pid] = i
	}
	_, err := os.Stat("/proc/net/tcp")
	r.observed = err == nil
	r.srv = httptest.NewUnstartedServer(http.HandlerFunc(r.serve))
	r.srv.Config.ConnContext = func(ctx context.Context, c net.Conn) context.Context {
		owner := -1
		if r.observed {
			owner = connOwner(c.RemoteAddr(), c.LocalAddr(), r.pids)
			if owner < 0 {
				r.mu.Lock()
				r.unknown++
				r.mu.Unlock()
			}
		}
		return context.WithValue(ctx, hookConnKey{}, owner)
	}
	r.srv.Start()
	t.Cleanup(r.srv.Close)
	return r
}

func (r *hookReceiver) setSecret(endpoint, secret string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.secrets[endpoint] = secret
}

func (r *hookReceiver) serve(w http.ResponseWriter, req *http.Request) {
	body, err := io.ReadAll(req.Body)
	ep := strings.TrimPrefix(req.URL.Path, "/")
	owner, _ := req.Context().Value(hookConnKey{}).(int)
	h := hookRecord{endpoint: ep, deliveryID: req.Header.Get("Panel-Delivery-Id"), body: body, replica: owner, at: time.Now()}
	r.mu.Lock()
	defer r.mu.Unlock()
	problem := func(format string, args ...any) {
		r.problems = append(r.problems, fmt.Sprintf("%s delivery %s: ", ep, h.deliveryID)+fmt.Sprintf(format, args...))
		w.WriteHeader(http.StatusBadRequest)
	}
	secret, ok := r.secrets[ep]
	switch {
	case err != nil || !ok || req.Method != http.MethodPost:
		problem("%s %s: %v (known endpoint %v)", req.Method, req.URL.Path, err, ok)
		return
	case !apitest.VerifyWebhookSignature(secret, req.Header.Get("Panel-Signature"), body, 5*time.Minute, time.Now()):
		problem("bad signature %q", req.Header.Get("Panel-Signature"))
		return
	}
	if err := json.Unmarshal(body, &h.payload); err != nil {
		problem("body %q: %v", body, err)
		return
	}
	if req.Header.Get("Panel-Event-Id") != h.payload.ID || req.Header.Get("Panel-Event-Type") != h.payload.Type ||
		req.Header.Get("Content-Type") != "application/json" || h.deliveryID == "" {
		problem("headers %v disagree with the body %s", req.Header, body)
		return
	}
	h.status = http.StatusNoContent
	if ep == r.failFirst && r.failed == "" {
		// The first attempt of the first delivery to failFirst fails; its
		// retry (and everything else) succeeds.
		r.failed = h.deliveryID
		h.status = http.StatusInternalServerError
	}
	r.got = append(r.got, h)
	w.WriteHeader(h.status)
}

func (r *hookReceiver) records() []hookRecord {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.got)
}

// acked is, per endpoint, how many 2xx answers each key got.
func (r *hookReceiver) acked() map[string]map[hookKey]int {
	out := map[string]map[hookKey]int{}
	for _, ep := range hookEndpoints {
		out[ep] = map[hookKey]int{}
	}
	for _, h := range r.records() {
		if h.status/100 == 2 {
			out[h.endpoint][h.key()]++
		}
	}
	return out
}

// connOwner returns the index (in pids) of the local process that holds the
// client end of the TCP connection from remote to local, or -1: it finds
// the socket's inode in /proc/net/tcp{,6} and the process with a file
// descriptor on it in /proc/<pid>/fd (Linux). The workers' requests carry
// nothing that names their process, so this is how the test sees which
// replica sent what.
func connOwner(remote, local net.Addr, pids map[int]int) int {
	rp, lp := remote.(*net.TCPAddr), local.(*net.TCPAddr)
	if rp == nil || lp == nil {
		return -1
	}
	// The client's socket: its local port is the remote port seen here,
	// its remote port the receiver's.
	want := fmt.Sprintf(":%04X", rp.Port)
	peer := fmt.Sprintf(":%04X", lp.Port)
	inode := ""
	for _, f := range []string{"/proc/net/tcp", "/proc/net/tcp6"} {
		raw, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		for _, line := range strings.Split(string(raw), "\n")[1:] {
			fs := strings.Fields(line)
			if len(fs) > 9 && strings.HasSuffix(fs[1], want) && strings.HasSuffix(fs[2], peer) {
				inode = fs[9]
			}
		}
	}
	if inode == "" || inode == "0" {
		return -1
	}
	link := "socket:[" + inode + "]"
	for pid, i := range pids {
		dir := fmt.Sprintf("/proc/%d/fd", pid)
		fds, err := os.ReadDir(dir)
		if err != nil {
			continue
		}
		for _, fd := range fds {
			if l, err := os.Readlink(filepath.Join(dir, fd.Name())); err == nil && l == link {
				return i
			}
		}
	}
	return -1
}

// hookAuditEvent is an event of auditEvents.
type hookAuditEvent struct {
	ID, Action string
	ActorID    *string
	TargetIDs  []string
	Success    bool
}

// auditEventsAfter lists the events the viewer of token reads through
// auditEvents whose ID is above after, oldest first.
func auditEventsAfter(t *testing.T, base, token string, after int64) []hookAuditEvent {
	t.Helper()
	var out []hookAuditEvent
	var cursor *string
	for {
		var page struct {
			AuditEvents struct {
				Edges    []struct{ Node hookAuditEvent }
				PageInfo struct {
					HasNextPage bool
					EndCursor   *string
				}
			}
		}
		mustCallAt(t, base, token, `query($c:Cursor){auditEvents(first:100,after:$c){edges{node{id action actorId targetIds success}}
  pageInfo{hasNextPage endCursor}}}`, map[string]any{"c": cursor}, &page)
		for _, e := range page.AuditEvents.Edges {
			id, err := strconv.ParseInt(e.Node.ID, 10, 64)
			if err != nil {
				t.Fatalf("audit event ID %q", e.Node.ID)
			}
			if id <= after {
				slices.Reverse(out)
				return out
			}
			out = append(out, e.Node)
		}
		if !page.AuditEvents.PageInfo.HasNextPage {
			slices.Reverse(out)
			return out
		}
		cursor = page.AuditEvents.PageInfo.EndCursor
	}
}

// hookDelivery is a delivery of the endpoint's log (WebhookEndpoint.deliveries).
type hookDelivery struct {
	ID, EventID, EventType string
	Chunk, Chunks          int
	Status                 string
	Attempts               int
	ResponseStatus         *int
}

// endpointDeliveriesAt reads the whole delivery log of endpoint id.
func endpointDeliveriesAt(t *testing.T, base, token, id string, status string) (int, []hookDelivery) {
	t.Helper()
	var out []hookDelivery
	var cursor *string
	where := map[string]any{}
	if status != "" {
		where["status"] = status
	}
	for {
		var page struct {
			Node *struct {
				Deliveries struct {
					TotalCount int
					Edges      []struct{ Node hookDelivery }
					PageInfo   struct {
						HasNextPage bool
						EndCursor   *string
					}
				}
			}
		}
		mustCallAt(t, base, token, `query($id:ID!,$c:Cursor,$w:WebhookDeliveryWhereInput){node(id:$id){... on WebhookEndpoint{
  deliveries(first:100,after:$c,where:$w){totalCount edges{node{id eventId eventType chunk chunks status attempts responseStatus}}
  pageInfo{hasNextPage endCursor}}}}}`, map[string]any{"id": id, "c": cursor, "w": where}, &page)
		if page.Node == nil {
			t.Fatalf("endpoint %s is not visible", id)
		}
		for _, e := range page.Node.Deliveries.Edges {
			out = append(out, e.Node)
		}
		if !page.Node.Deliveries.PageInfo.HasNextPage {
			return page.Node.Deliveries.TotalCount, out
		}
		cursor = page.Node.Deliveries.PageInfo.EndCursor
	}
}

// createCustomerAt creates a customer at base (for goroutines: failures are
// returned); owner "" is the viewer.
func createCustomerAt(base, token, login, owner string) (string, error) {
	in := map[string]any{"login": login, "password": "hooked-customer-1", "name": login, "email": login + "@example.com"}
	if owner != "" {
		in["ownerId"] = owner
	}
	r, err := postAt(base, token, `mutation($in:CreateCustomerInput!){createCustomer(input:$in){customer{id} userErrors{code field}}}`,
		map[string]any{"in": in})
	if err != nil {
		return "", err
	}
	var out struct {
		CreateCustomer struct {
			Customer   *struct{ ID string }
			UserErrors []struct{ Code string }
		}
	}
	if len(r.Errors) > 0 || json.Unmarshal(r.Data, &out) != nil || out.CreateCustomer.Customer == nil {
		return "", fmt.Errorf("createCustomer %s at %s: %s %+v", login, base, r.Data, r.Errors)
	}
	return out.CreateCustomer.Customer.ID, nil
}

// replicaWebhooks: the administrator and resellers RA and RB register
// endpoints through different replicas; five clients then drive creations
// and bulk suspensions and activations through both replicas at once (the
// administrator on its customers and on some of RA's, each reseller on its
// own). Once the delivery logs are empty of PENDING deliveries: each
// endpoint got exactly the published events auditEvents shows its owner,
// each acknowledged exactly once, every signature checks, RA got none of
// RB's and RB none of RA's; the first delivery to the administrator's
// endpoint, answered 500, was sent exactly once more, after the backoff;
// both processes sent some.
func replicaWebhooks(t *testing.T, url string, ps []*panelProcess) {
	a, b := ps[0].base, ps[1].base
	ctx, client := openReplicaDB(t, url)
	admin := loginAt(t, a, "admin", adminPassword)
	ra := createAt(t, a, admin, "createReseller", "reseller", map[string]any{
		"login": "hook-ra", "password": "hook-ra-pass-1", "name": "RA", "email": "ra@example.com"})
	rb := createAt(t, b, admin, "createReseller", "reseller", map[string]any{
		"login": "hook-rb", "password": "hook-rb-pass-1", "name": "RB", "email": "rb@example.com"})
	raTok := loginAt(t, b, "hook-ra", "hook-ra-pass-1")
	rbTok := loginAt(t, a, "hook-rb", "hook-rb-pass-1")

	// The customers the bulk operations act on.
	const groupSize = 8
	group := func(base, token, prefix, owner string) []string {
		var ids []string
		for i := range groupSize {
			id, err := createCustomerAt(base, token, fmt.Sprintf("%s%d", prefix, i), owner)
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, id)
		}
		return ids
	}
	admin1, admin2 := group(a, admin, "hook-a", ""), group(b, admin, "hook-b", "")
	raOwn, raByAdmin := group(b, raTok, "hook-ra-own", ""), group(a, admin, "hook-ra-adm", ra)
	rbOwn := group(a, rbTok, "hook-rb-own", "")

	// Nothing before the endpoints exist is for them: wait until the
	// workers have emptied the outbox, then register.
	deadline := time.Now().Add(20 * time.Second)
	for client.WebhookOutbox.Query().CountX(ctx) > 0 {
		if time.Now().After(deadline) {
			t.Fatal("the workers did not empty the outbox")
		}
		time.Sleep(20 * time.Millisecond)
	}
	var newest struct {
		AuditEvents struct {
			Edges []struct{ Node struct{ ID string } }
		}
	}
	mustCallAt(t, a, admin, `{auditEvents(first:1){edges{node{id}}}}`, nil, &newest)
	baseline, err := strconv.ParseInt(newest.AuditEvents.Edges[0].Node.ID, 10, 64)
	if err != nil {
		t.Fatal(err)
	}

	rcv := newHookReceiver(t, ps, "admin")
	var types struct{ WebhookEventTypes []string }
	mustCallAt(t, b, admin, `{webhookEventTypes}`, nil, &types)
	endpointID := map[string]string{}
	owner := map[string]struct{ base, token string }{"admin": {a, admin}, "ra": {b, raTok}, "rb": {a, rbTok}}
	for _, ep := range hookEndpoints {
		var out struct {
			CreateWebhookEndpoint struct {
				WebhookEndpoint *struct{ ID string }
				Secret          *string
				UserErrors      []struct{ Code, Message string }
			}
		}
		mustCallAt(t, owner[ep].base, owner[ep].token, `mutation($u:String!,$ty:[String!]!){createWebhookEndpoint(input:{url:$u,eventTypes:$ty}){
  webhookEndpoint{id} secret userErrors{code message}}}`, map[string]any{"u": rcv.srv.URL + "/" + ep, "ty": types.WebhookEventTypes}, &out)
		p := out.CreateWebhookEndpoint
		if len(p.UserErrors) > 0 || p.WebhookEndpoint == nil || p.Secret == nil {
			t.Fatalf("createWebhookEndpoint %s: %+v", ep, p)
		}
		endpointID[ep] = p.WebhookEndpoint.ID
		rcv.setSecret(ep, *p.Secret)
	}

	// Five clients at once, through both replicas; each counts the
	// mutations that committed (one published event each).
	const rounds = 6
	type hookClient struct {
		base, token, prefix, owner string
		ids                        []string
	}
	clients := []hookClient{
		{a, admin, "hook-new-a", "", admin1},
		{b, admin, "hook-new-b", "", admin2},
		{b, raTok, "hook-new-ra", "", raOwn},
		{a, admin, "", "", raByAdmin}, // the administrator on RA's customers
		{a, rbTok, "hook-new-rb", "", rbOwn},
	}
	committed := make([]int, len(clients))
	errs := make([]error, len(clients))
	var wg sync.WaitGroup
	start := make(chan struct{})
	for ci, c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			errs[ci] = func() error {
				for i := range rounds {
					if c.prefix != "" && i%2 == 0 {
						if _, err := createCustomerAt(c.base, c.token, fmt.Sprintf("%s%d", c.prefix, i), c.owner); err != nil {
							return err
						}
						committed[ci]++
					}
					for _, m := range []string{"suspendCustomers", "activateCustomers"} {
						out, err := bulkAt(c.base, c.token, m, "customers", map[string]any{"ids": c.ids, "mode": "PARTIAL"})
						if err != nil {
							return err
						}
						if len(out.errors) > 0 || len(out.applied) != len(c.ids) {
							return fmt.Errorf("%s at %s: %+v", m, c.base, out)
						}
						committed[ci]++
					}
				}
				return nil
			}()
		}()
	}
	close(start)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}

	// What each endpoint must receive: the published events its owner reads
	// in auditEvents (the administrator: all of them).
	expected := map[string]map[hookKey]bool{}
	events := map[string]hookAuditEvent{}
	for _, ep := range hookEndpoints {
		expected[ep] = map[hookKey]bool{}
		for _, e := range auditEventsAfter(t, owner[ep].base, owner[ep].token, baseline) {
			if typ := eventtypes.ForAction(e.Action); typ != "" && e.Success {
				expected[ep][hookKey{e.ID, typ, 0}] = true
				events[e.ID] = e
			}
		}
	}
	// The clients' own count agrees: one event per committed mutation, RA's
	// being its own and the administrator's on its customers, RB's its own.
	want := map[string]int{"admin": 0, "ra": committed[2] + committed[3], "rb": committed[4]}
	for _, n := range committed {
		want["admin"] += n
	}
	for _, ep := range hookEndpoints {
		if len(expected[ep]) != want[ep] {
			t.Fatalf("%s reads %d published events in auditEvents, the clients committed %d mutations for it", ep, len(expected[ep]), want[ep])
		}
	}

	// Wait until each endpoint has acknowledged everything and no delivery
	// is left PENDING (the one answered 500 waits for its backoff).
	deadline = time.Now().Add(45 * time.Second)
	for {
		acked := rcv.acked()
		done := true
		for _, ep := range hookEndpoints {
			for k := range expected[ep] {
				if acked[ep][k] == 0 {
					done = false
				}
			}
		}
		if done {
			for _, ep := range hookEndpoints {
				if n, _ := endpointDeliveriesAt(t, owner[ep].base, owner[ep].token, endpointID[ep], "PENDING"); n > 0 {
					done = false
				}
			}
		}
		if done {
			break
		}
		if time.Now().After(deadline) {
			for _, ep := range hookEndpoints {
				t.Logf("%s: %d of %d acknowledged", ep, len(acked[ep]), len(expected[ep]))
			}
			t.Fatal("the deliveries did not complete within 45 s")
		}
		time.Sleep(50 * time.Millisecond)
	}
	// A second copy would come from a second claim of a delivery: give the
	// workers a few more polls to make one.
	time.Sleep(500 * time.Millisecond)

	rcv.mu.Lock()
	problems, unknown, failed := slices.Clone(rcv.problems), rcv.unknown, rcv.failed
	rcv.mu.Unlock()
	for _, p := range problems {
		t.Error(p)
	}
	recs := rcv.records()
	acked := rcv.acked()
	perReplica := make([]int, len(ps)+1) // the last: unknown
	keyOf := map[string]hookKey{}        // delivery ID -> what it carries
	for _, h := range recs {
		if k, ok := keyOf[h.deliveryID]; ok && k != h.key() {
			t.Errorf("delivery %s carried %+v and %+v", h.deliveryID, k, h.key())
		}
		keyOf[h.deliveryID] = h.key()
		if h.payload.Chunk != (webhooks.Chunk{Index: 0, Count: 1, TotalTargets: len(events[h.payload.ID].TargetIDs)}) ||
			!slices.Equal(h.payload.Targets, events[h.payload.ID].TargetIDs) {
			t.Errorf("%s: delivery %s: chunk %+v targets %v, the audit event has %v", h.endpoint, h.deliveryID,
				h.payload.Chunk, h.payload.Targets, events[h.payload.ID].TargetIDs)
		}
		if h.status/100 == 2 {
			if h.replica >= 0 {
				perReplica[h.replica]++
			} else {
				perReplica[len(ps)]++
			}
		} else if h.deliveryID != failed {
			t.Errorf("%s: delivery %s answered %d", h.endpoint, h.deliveryID, h.status)
		}
	}
	for _, ep := range hookEndpoints {
		for k := range expected[ep] {
			if n := acked[ep][k]; n != 1 {
				t.Errorf("%s: event %s (%s) acknowledged %d times, want once", ep, k.event, k.typ, n)
			}
		}
		for k := range acked[ep] {
			if !expected[ep][k] {
				t.Errorf("%s received event %s (%s), not one of its owner's", ep, k.event, k.typ)
			}
		}
	}
	// Scope, from the targets and actors themselves: RA's endpoint got no
	// event by RB or about RB's customers, and the other way round; each got
	// its own reseller's events, RA's also the administrator's about its
	// customers.
	byActor := map[string]map[string]int{"ra": {}, "rb": {}}
	for _, h := range recs {
		other := map[string]struct {
			id  string
			ids []string
		}{"ra": {rb, rbOwn}, "rb": {ra, append(slices.Clone(raOwn), raByAdmin...)}}[h.endpoint]
		if other.id == "" {
			continue
		}
		if a := h.payload.Actor.ID; a != nil {
			byActor[h.endpoint][*a]++
			if *a == other.id {
				t.Errorf("%s received event %s by the other reseller", h.endpoint, h.payload.ID)
			}
		}
		for _, id := range h.payload.Targets {
			if id == other.id || slices.Contains(other.ids, id) {
				t.Errorf("%s received event %s about %s, the other reseller's", h.endpoint, h.payload.ID, id)
			}
		}
	}

	adminID := ""
	for id, n := range byActor["ra"] {
		if id != ra && n > 0 {
			adminID = id
		}
	}
	if byActor["ra"][ra] == 0 || byActor["rb"][rb] == 0 || adminID == "" || byActor["rb"][adminID] > 0 {
		t.Errorf("requests by actor: RA's endpoint %v (RA is %s), RB's %v (RB is %s)", byActor["ra"], ra, byActor["rb"], rb)
	}

	// The delivery logs agree: one DELIVERED delivery per expected event,
	// sent once, except the retried one.
	for _, ep := range hookEndpoints {
		total, ds := endpointDeliveriesAt(t, owner[ep].base, owner[ep].token, endpointID[ep], "")
		if total != len(expected[ep]) || len(ds) != total {
			t.Errorf("%s: %d deliveries in the log (%d listed), want %d", ep, total, len(ds), len(expected[ep]))
		}
		for _, d := range ds {
			attempts := 1
			if d.ID == failed {
				attempts = 2
			}
			if d.Status != "DELIVERED" || d.Attempts != attempts || d.ResponseStatus == nil || *d.ResponseStatus != http.StatusNoContent ||
				!expected[ep][hookKey{d.EventID, d.EventType, d.Chunk}] || keyOf[d.ID] != (hookKey{d.EventID, d.EventType, d.Chunk}) {
				t.Errorf("%s: delivery %+v (want DELIVERED after %d attempts, as received)", ep, d, attempts)
			}
		}
	}

	// The delivery answered 500 came once more, after the first backoff
	// (10 s ±20%; whole seconds on MySQL/MariaDB may bring it ~1 s early).
	var tries []hookRecord
	for _, h := range recs {
		if h.deliveryID == failed {
			tries = append(tries, h)
		}
	}
	switch {
	case failed == "":
		t.Error("the administrator's endpoint received nothing to refuse")
	case len(tries) != 2 || tries[0].status != http.StatusInternalServerError || tries[1].status != http.StatusNoContent:
		t.Errorf("delivery %s: %d requests, want a 500 and then one 204", failed, len(tries))
	default:
		gap := tries[1].at.Sub(tries[0].at)
		if gap < 6*time.Second || !bytes.Equal(tries[0].body, tries[1].body) {
			t.Errorf("delivery %s retried after %v (want about 10 s), same body %v", failed, gap, bytes.Equal(tries[0].body, tries[1].body))
		}
		t.Logf("delivery %s: answered 500, retried once after %v by replica %d (first sent by replica %d)",
			failed, gap.Round(10*time.Millisecond), tries[1].replica, tries[0].replica)
	}

	n := 0
	for _, ep := range hookEndpoints {
		n += len(expected[ep])
	}
	t.Logf("%d events, %d deliveries (admin %d, RA %d, RB %d) acknowledged once each; sent by replica A %d, B %d, unknown %d",
		len(events), n, len(expected["admin"]), len(expected["ra"]), len(expected["rb"]), perReplica[0], perReplica[1], perReplica[2])
	if !rcv.observed {
		t.Log("/proc/net/tcp is not readable: which replica sent what is not observable here")
		return
	}
	if unknown > 0 {
		t.Errorf("%d connections to the receiver came from no replica", unknown)
	}
	for i := range ps {
		if perReplica[i] == 0 {
			t.Errorf("replica %d delivered nothing: both workers should take part", i)
		}
	}
}
