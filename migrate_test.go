package main

import (
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"

	_ "modernc.org/sqlite"
)

func TestMigrateCommand(t *testing.T) {
	path := filepath.Join(t.TempDir(), "panel.db")
	dbArg := []string{"--db", "sqlite:" + path}

	// status does not create a missing database file.
	code, stdout, stderr := runQuick(t, append([]string{"migrate", "status"}, dbArg...), nil)
	if code != 2 || stdout != "" || !strings.Contains(stderr, "no SQLite database at") {
		t.Errorf("status of a missing file: %d %q %q", code, stdout, stderr)
	}
	assertOneLine(t, stderr)
	if _, err := os.Stat(path); err == nil {
		t.Fatal("status created the database file")
	}

	code, stdout, stderr = runQuick(t, append([]string{"migrate", "up"}, dbArg...), nil)
	if code != 0 || stderr != "" || !strings.HasPrefix(stdout, "applied  ") || !strings.Contains(stdout, "_baseline (") {
		t.Fatalf("up: %d %q %q", code, stdout, stderr)
	}
	code, stdout, _ = runQuick(t, append([]string{"migrate", "up"}, dbArg...), nil)
	if code != 0 || stdout != "nothing to apply: the database is up to date\n" {
		t.Errorf("second up: %d %q", code, stdout)
	}
	// The environment's PANEL_DB, as for the server.
	code, stdout, stderr = runQuick(t, []string{"migrate", "status"}, map[string]string{"PANEL_DB": "sqlite:" + path})
	if code != 0 || !strings.Contains(stdout, "\napplied  ") || !strings.Contains(stdout, " applied, 0 pending\n") ||
		!strings.HasSuffix(stdout, "schema matches this binary's ent schema\n") {
		t.Errorf("status: %d %q %q", code, stdout, stderr)
	}

	// A database migrated by a newer release: status, up and the server
	// refuse it, and it stays as it was.
	sqldb, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer sqldb.Close()
	if _, err := sqldb.Exec("INSERT INTO panel_schema_revisions VALUES ('29990101000000', 'future', 'h1:x', 1, 1, 0, '2999-01-01T00:00:00Z')"); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"migrate", "status"}, {"migrate", "up"}, {"--addr", "127.0.0.1:0"}} {
		code, stdout, stderr = runQuick(t, append(args, dbArg...), map[string]string{"PANEL_ADMIN_PASSWORD": "admin-secret-1"})
		if code != 2 || !strings.Contains(stderr, "29990101000000") || !strings.Contains(stderr, "newer release") {
			t.Errorf("%v on a newer database: %d %q %q", args, code, stdout, stderr)
		}
		assertOneLine(t, stderr)
	}
	var admins int
	if err := sqldb.QueryRow("SELECT count(*) FROM administrators").Scan(&admins); err != nil || admins != 0 {
		t.Errorf("%d administrators, %v: the refused server changed the database", admins, err)
	}
}

func TestMigrateCommandLine(t *testing.T) {
	for _, args := range [][]string{
		{"migrate"},
		{"migrate", "down"},
		{"migrate", "status", "--nope"},
		{"migrate", "up", "--db", "sqlite::memory:", "extra"},
		{"migrate", "up", "--db", "postgres://x"},
	} {
		code, stdout, stderr := runQuick(t, args, nil)
		if code != 2 || stdout != "" {
			t.Errorf("%v: %d %q", args, code, stdout)
		}
		assertOneLine(t, stderr)
	}
	code, stdout, _ := runQuick(t, []string{"migrate", "--help"}, nil)
	if code != 0 || !strings.HasPrefix(stdout, "usage: panel migrate status|up") {
		t.Errorf("help: %d %q", code, stdout)
	}
	code, stdout, _ = runQuick(t, []string{"--help"}, nil)
	if code != 0 || !strings.Contains(stdout, "panel migrate status|up") {
		t.Errorf("the server's help does not mention migrate: %q", stdout)
	}
}
