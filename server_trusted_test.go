package main

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hostpanel/panel/internal/persisted"
)

func writeDocs(t *testing.T, docs map[string]string) string {
	t.Helper()
	raw, _ := json.Marshal(docs)
	p := filepath.Join(t.TempDir(), "persisted-documents.json")
	if err := os.WriteFile(p, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// A trusted documents file that cannot be used stops the server at
// startup: exit 2, one line on stderr, from the flag or the environment.
func TestTrustedDocumentsStartupFailures(t *testing.T) {
	q := `query { viewer { role } }`
	bad := writeDocs(t, map[string]string{persisted.Hash(q + " "): q})
	for name, c := range map[string]struct {
		args []string
		env  map[string]string
		want string
	}{
		"wrong hash":     {[]string{"--db", "sqlite::memory:", "--trusted-documents", bad}, nil, "is not the SHA-256"},
		"wrong hash env": {[]string{"--db", "sqlite::memory:"}, map[string]string{"PANEL_TRUSTED_DOCUMENTS": bad}, "is not the SHA-256"},
		"missing file":   {[]string{"--db", "sqlite::memory:", "--trusted-documents", filepath.Join(t.TempDir(), "nope.json")}, nil, "no such file"},
	} {
		t.Run(name, func(t *testing.T) {
			code, stdout, stderr := runQuick(t, c.args, c.env)
			if code != 2 || stdout != "" || !strings.Contains(stderr, c.want) {
				t.Errorf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
			}
			assertOneLine(t, stderr)
		})
	}
}

// With a good file the server runs its documents and refuses the rest.
func TestTrustedDocumentsServe(t *testing.T) {
	q := `query { viewer { role } }`
	addr := freeAddr(t)
	var stdout, stderr syncBuffer
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"--addr", addr, "--db", "sqlite::memory:"},
			env(map[string]string{"PANEL_TRUSTED_DOCUMENTS": writeDocs(t, map[string]string{persisted.Hash(q): q}),
				"PANEL_ADMIN_PASSWORD": "correct horse battery"}), &stdout, &stderr)
	}()
	defer func() {
		cancel()
		<-done
	}()
	client := &http.Client{Timeout: 10 * time.Second}
	post := func(body string) int {
		for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(20 * time.Millisecond) {
			resp, err := client.Post("http://"+addr+"/graphql", "application/json", strings.NewReader(body))
			if err == nil {
				resp.Body.Close()
				return resp.StatusCode
			}
			if time.Now().After(deadline) {
				t.Fatalf("server did not come up: %v; stderr: %s", err, stderr.String())
			}
		}
	}
	// Trusted (the viewer is anonymous: UNAUTHENTICATED, but it ran: 200).
	if code := post(`{"documentId":"sha256:` + persisted.Hash(q) + `"}`); code != 200 {
		t.Errorf("trusted document: %d", code)
	}
	if code := post(`{"query":"{ viewer { role } }"}`); code != 400 {
		t.Errorf("untrusted query: %d", code)
	}
}
