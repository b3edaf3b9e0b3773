package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/hostpanel/panel/internal/db"
)

const migrateUsage = `usage: panel migrate status|up [--db URL]

Versioned schema migrations (docs/migrations.md). The server applies pending
migrations itself on start; these commands let an operator look first or
apply them before starting (e.g. in a deploy step).

  status   the applied and pending migrations of the database (changes nothing)
  up       apply the pending migrations, under a database lock

  --db URL      database; env PANEL_DB; default sqlite:panel.db

Exit status 0 on success; 2 with one line on stderr when the command line is
wrong, the database is unreachable, or the database is refused (migrated by a
newer release, applied from changed files, not a panel database).
`

// runMigrate runs `panel migrate ...` (args after "migrate").
func runMigrate(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer, fail func(string, ...any) int) int {
	if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "-help" || args[0] == "help") {
		fmt.Fprint(stdout, migrateUsage)
		return exitOK
	}
	if len(args) == 0 {
		return fail("migrate: want a command, status or up (see panel migrate --help)")
	}
	cmd := args[0]
	if cmd != "status" && cmd != "up" {
		return fail("migrate: unknown command %q, want status or up (see panel migrate --help)", printable(cmd))
	}
	fs := flag.NewFlagSet("panel migrate", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	dbURL := defaultDB
	if v := getenv("PANEL_DB"); v != "" {
		dbURL = v
	}
	fs.StringVar(&dbURL, "db", dbURL, "database URL")
	if err := fs.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(stdout, migrateUsage)
			return exitOK
		}
		return fail("migrate: %v", err)
	}
	if fs.NArg() > 0 {
		return fail("migrate: unexpected argument %q (see panel migrate --help)", printable(fs.Arg(0)))
	}
	target, err := db.ParseURL(dbURL)
	if err != nil {
		return fail("%v", err)
	}
	if p := target.Path(); p != "" {
		// Opening would create an empty file: a mistyped path must not.
		if _, err := os.Stat(p); err != nil && cmd == "status" {
			return fail("migrate: no SQLite database at %s", printable(p))
		}
	}
	client, sqlDB, err := db.Open(ctx, target, nil)
	if err != nil {
		return fail("%v", err)
	}
	defer client.Close()

	if cmd == "up" {
		done, err := db.Up(ctx, sqlDB, target.Dialect)
		for _, r := range done {
			if r.Baseline {
				fmt.Fprintf(stdout, "baseline %s_%s: marked applied (the database was created by the previous release)\n", r.Version, r.Description)
			} else {
				fmt.Fprintf(stdout, "applied  %s_%s (%d statements)\n", r.Version, r.Description, r.Statements)
			}
		}
		if err != nil {
			return fail("%v", err)
		}
		if len(done) == 0 {
			fmt.Fprintln(stdout, "nothing to apply: the database is up to date")
		}
		return exitOK
	}

	st, err := db.GetStatus(ctx, sqlDB, target.Dialect)
	if err != nil {
		return fail("%v", err)
	}
	fmt.Fprintf(stdout, "database %s\n", target)
	for _, r := range st.Applied {
		note := ""
		if r.Baseline {
			note = "  (baseline: created by the previous release)"
		}
		fmt.Fprintf(stdout, "applied  %s_%s  %s%s\n", r.Version, r.Description, r.AppliedAt.Format("2006-01-02T15:04:05Z"), note)
	}
	for i, r := range st.Pending {
		switch {
		case i == 0 && st.Legacy:
			fmt.Fprintf(stdout, "pending  %s_%s  (baseline: the database was created by the previous release; up marks it applied without running it)\n", r.Version, r.Description)
		case r.Applied > 0:
			fmt.Fprintf(stdout, "partial  %s_%s  (%d of %d statements applied; up resumes at statement %d)\n", r.Version, r.Description, r.Applied, r.Statements, r.Applied+1)
		default:
			fmt.Fprintf(stdout, "pending  %s_%s  (%d statements)\n", r.Version, r.Description, r.Statements)
		}
	}
	fmt.Fprintf(stdout, "%d applied, %d pending\n", len(st.Applied), len(st.Pending))
	if len(st.Pending) == 0 {
		drift, err := db.SchemaDrift(ctx, sqlDB, target.Dialect)
		switch {
		case err != nil:
			return fail("%v", err)
		case len(drift) > 0:
			fmt.Fprintf(stdout, "schema differs from this binary's ent schema (changed by hand?); %d statements would align it:\n", len(drift))
			for _, s := range drift {
				fmt.Fprintf(stdout, "  %s\n", s)
			}
		default:
			fmt.Fprintln(stdout, "schema matches this binary's ent schema")
		}
	}
	return exitOK
}

// printable shortens s for an error message (quoted with %q by callers).
func printable(s string) string {
	if len(s) > 80 {
		return s[:80] + "..."
	}
	return s
}
