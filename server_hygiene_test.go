package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/hostpanel/panel/graph"
	"github.com/hostpanel/panel/internal/db"
)

func TestHTTPServerTimeouts(t *testing.T) {
	srv := newHTTPServer(context.Background(), http.NotFoundHandler(), slog.New(slog.NewTextHandler(io.Discard, nil)))
	if srv.ReadHeaderTimeout <= 0 || srv.ReadTimeout < srv.ReadHeaderTimeout || srv.WriteTimeout <= 0 ||
		srv.IdleTimeout <= 0 || srv.MaxHeaderBytes <= 0 {
		t.Fatalf("timeouts: header %v read %v write %v idle %v, header bytes %d",
			srv.ReadHeaderTimeout, srv.ReadTimeout, srv.WriteTimeout, srv.IdleTimeout, srv.MaxHeaderBytes)
	}
	// A request's own deadline ends before the server stops writing, so
	// that a slow request gets its error answer.
	if graph.DefaultRequestTimeout >= srv.WriteTimeout {
		t.Errorf("request deadline %v is not below the write timeout %v", graph.DefaultRequestTimeout, srv.WriteTimeout)
	}
	if readHeaderTimeout > 10*time.Second {
		t.Errorf("read-header timeout %v lets slow clients hold connections", readHeaderTimeout)
	}
}

func TestDatabasePoolLimits(t *testing.T) {
	target, err := db.ParseURL("sqlite::memory:")
	if err != nil {
		t.Fatal(err)
	}
	client, sqlDB, err := db.Open(context.Background(), target, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	if n := sqlDB.Stats().MaxOpenConnections; n <= 0 || n > 64 {
		t.Errorf("max open connections %d", n)
	}
}

func TestSecurityFlags(t *testing.T) {
	c, err := parseArgs([]string{"--trusted-proxies", "10.0.0.0/8,127.0.0.1", "--cors-origins", "https://panel.example.com"}, env(nil))
	if err != nil || len(c.trustedProxies) != 2 || len(c.corsOrigins) != 1 || c.publicIntrospection {
		t.Errorf("flags: %+v %v", c, err)
	}
	c, err = parseArgs(nil, env(map[string]string{"PANEL_TRUSTED_PROXIES": "::1", "PANEL_CORS_ORIGINS": "http://localhost:5173,https://a.example",
		"PANEL_PUBLIC_INTROSPECTION": "1"}))
	if err != nil || len(c.trustedProxies) != 1 || len(c.corsOrigins) != 2 || !c.publicIntrospection {
		t.Errorf("env: %+v %v", c, err)
	}
	for _, args := range [][]string{{"--trusted-proxies", "proxy.example"}, {"--cors-origins", "*"}} {
		code, _, stderr := runQuick(t, append(args, "--db", "sqlite::memory:"), nil)
		if code != 2 {
			t.Errorf("%v: exit %d", args, code)
		}
		assertOneLine(t, stderr)
	}
	code, stdout, _ := runQuick(t, []string{"--help"}, nil)
	for _, f := range []string{"--trusted-proxies", "--cors-origins", "--public-introspection", "PANEL_CORS_ORIGINS"} {
		if code != 0 || !strings.Contains(stdout, f) {
			t.Errorf("usage lacks %s", f)
		}
	}
}

// startServer runs run() in-process until the test ends.
func startServer(t *testing.T, args ...string) string {
	t.Helper()
	addr := freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	var stdout, stderr syncBuffer
	go func() {
		done <- run(ctx, append([]string{"--addr", addr, "--db", "sqlite::memory:"}, args...),
			env(map[string]string{"PANEL_ADMIN_PASSWORD": "correct horse battery"}), &stdout, &stderr)
	}()
	t.Cleanup(func() { cancel(); <-done })
	waitHealthy(t, "http://"+addr, nil)
	return "http://" + addr
}

func waitHealthy(t *testing.T, base string, exited <-chan struct{}) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		resp, err := http.Get(base + "/healthz")
		if err == nil {
			resp.Body.Close()
			return
		}
		select {
		case <-exited:
			t.Fatal("server exited before serving")
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("server did not come up: %v", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestCORSAllowList(t *testing.T) {
	base := startServer(t, "--cors-origins", "https://panel.example.com")
	do := func(method, origin string) *http.Response {
		req, _ := http.NewRequest(method, base+"/graphql", strings.NewReader(`{"query":"{__typename}"}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Origin", origin)
		if method == http.MethodOptions {
			req.Header.Set("Access-Control-Request-Method", "POST")
			req.Header.Set("Access-Control-Request-Headers", "authorization,content-type")
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	if r := do(http.MethodPost, "https://panel.example.com"); r.StatusCode != 200 || r.Header.Get("Access-Control-Allow-Origin") != "https://panel.example.com" {
		t.Errorf("allowed origin: %d %v", r.StatusCode, r.Header)
	}
	if r := do(http.MethodOptions, "https://panel.example.com"); r.StatusCode != http.StatusNoContent ||
		r.Header.Get("Access-Control-Allow-Origin") != "https://panel.example.com" ||
		!strings.Contains(r.Header.Get("Access-Control-Allow-Headers"), "Authorization") {
		t.Errorf("allowed preflight: %d %v", r.StatusCode, r.Header)
	}
	if r := do(http.MethodPost, "https://evil.example"); r.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("other origin got %v", r.Header)
	}
	if r := do(http.MethodOptions, "https://evil.example"); r.StatusCode != http.StatusForbidden || r.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("other preflight: %d %v", r.StatusCode, r.Header)
	}
}

// TestGracefulShutdown builds the binary, starts it, opens 50 requests
// that are still being received (their bodies arrive slowly), sends SIGTERM
// and checks that all 50 are answered and the process exits 0.
func TestGracefulShutdown(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "panel")
	build := exec.Command("go", "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	addr := freeAddr(t)
	cmd := exec.Command(bin, "--addr", addr, "--db", "sqlite:"+filepath.Join(dir, "panel.db"))
	cmd.Env = append(os.Environ(), "PANEL_ADMIN_PASSWORD=correct horse battery")
	var stderr syncBuffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	var waitErr error
	go func() { waitErr = cmd.Wait(); close(exited) }()
	defer func() {
		select {
		case <-exited:
		default:
			_ = cmd.Process.Kill()
			<-exited
		}
	}()
	waitHealthy(t, "http://"+addr, exited)

	const n = 50
	body := `{"query":"{__typename}"}`
	half := len(body) / 2
	var started, wg sync.WaitGroup
	finish := make(chan struct{})
	errs := make(chan error, n)
	started.Add(n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			conn, err := net.Dial("tcp", addr)
			if err != nil {
				started.Done()
				errs <- err
				return
			}
			defer conn.Close()
			_, err = fmt.Fprintf(conn, "POST /graphql HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s",
				addr, len(body), body[:half])
			started.Done()
			if err != nil {
				errs <- err
				return
			}
			<-finish
			if _, err := io.WriteString(conn, body[half:]); err != nil {
				errs <- fmt.Errorf("finishing the request: %w", err)
				return
			}
			_ = conn.SetReadDeadline(time.Now().Add(30 * time.Second))
			resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
			if err != nil {
				errs <- fmt.Errorf("reading the response: %w", err)
				return
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 || !strings.Contains(string(b), `"__typename":"Query"`) {
				errs <- fmt.Errorf("response %d %s", resp.StatusCode, b)
			}
		}()
	}
	started.Wait()
	time.Sleep(500 * time.Millisecond) // the server has read the headers: the handlers are running
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond) // shutdown is under way
	select {
	case <-exited:
		t.Fatalf("the server exited with requests in flight; stderr: %s", stderr.String())
	default:
	}
	close(finish)
	wg.Wait()
	close(errs)
	failed := 0
	for err := range errs {
		failed++
		if failed <= 3 {
			t.Error(err)
		}
	}
	if failed > 0 {
		t.Fatalf("%d of %d in-flight requests failed", failed, n)
	}
	select {
	case <-exited:
	case <-time.After(40 * time.Second):
		t.Fatal("the server did not exit after SIGTERM")
	}
	if waitErr != nil {
		t.Fatalf("exit: %v; stderr: %s", waitErr, stderr.String())
	}
	if !strings.Contains(stderr.String(), `"msg":"stopped"`) {
		t.Errorf("no clean stop in the logs: %s", stderr.String())
	}
}
