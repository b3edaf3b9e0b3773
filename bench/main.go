// Command bench seeds a deterministic dataset, starts the real GraphQL
// server on a loopback listener and measures the workloads of issue #5
// against a hand-written database/sql baseline served from the same
// process and database.
//
//	go run ./bench --db sqlite:/tmp/bench.db --dataset M [--clients 4] [--json FILE]
//	go run ./bench --db mysql://root@127.0.0.1:3306/bench --dataset M
//	go run ./bench --quick    # dataset S on sqlite::memory:, checks SQL statement counts
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"time"

	"github.com/hostpanel/panel/internal/gctune"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	// The server runs in this process: give it the collector settings it
	// has in production (server.go); the baseline shares them.
	gctune.Apply(os.Getenv)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// Config is the command line.
type Config struct {
	DB       string
	Dataset  string
	Clients  int
	Duration time.Duration
	JSON     string
	Quick    bool
	Progress io.Writer
	CPUProf  string
	MemProf  string
	Only     string
}

// treeStatementBound is the most SQL statements the customer tree page may
// cost per request (authentication included); --quick fails above it.
const treeStatementBound = 5

// treeAllocsTarget is the target of allocations per customer of the tree
// page (issue 11, MariaDB M); --quick fails above treeAllocsBound, 20% over
// it (Result.AllocsPerCustomer, pages of 50 and 100).
const (
	treeAllocsTarget = 400
	treeAllocsBound  = treeAllocsTarget * 1.2
)

func run(ctx context.Context, argv []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var c Config
	fs.StringVar(&c.DB, "db", "sqlite::memory:", "database: sqlite:PATH | sqlite::memory: | mysql://USER@HOST:PORT/DB (must be empty)")
	fs.StringVar(&c.Dataset, "dataset", "S", "dataset: tiny, S, M or L")
	fs.IntVar(&c.Clients, "clients", 4, "concurrent HTTP clients of the read workloads")
	fs.DurationVar(&c.Duration, "duration", 5*time.Second, "measuring time of each read workload (server and baseline each)")
	fs.StringVar(&c.JSON, "json", "", "also write the results as JSON to this file")
	fs.BoolVar(&c.Quick, "quick", false, "CI mode: dataset S on sqlite::memory:, short runs, fail when the tree's SQL statement counts grow")
	fs.StringVar(&c.Only, "only", "", "run only the workloads whose name matches this regular expression")
	fs.StringVar(&c.CPUProf, "cpuprofile", "", "write a CPU profile of the workloads (server and client: one process) to this file")
	fs.StringVar(&c.MemProf, "memprofile", "", "write an allocation profile to this file at the end")
	if err := fs.Parse(argv); err != nil {
		return 2
	}
	if c.Quick {
		c.DB, c.Dataset, c.Duration, c.Only = "sqlite::memory:", "S", 300*time.Millisecond, ""
	}
	c.Progress = stderr
	res, err := Run(ctx, c)
	if err != nil {
		fmt.Fprintf(stderr, "bench: %v\n", err)
		return 1
	}
	fmt.Fprint(stdout, Markdown(res))
	if c.JSON != "" {
		b, _ := json.MarshalIndent(res, "", "  ")
		if err := os.WriteFile(c.JSON, append(b, '\n'), 0o644); err != nil {
			fmt.Fprintf(stderr, "bench: %v\n", err)
			return 1
		}
	}
	if c.Quick {
		if err := CheckStatements(res, treeStatementBound); err != nil {
			fmt.Fprintf(stderr, "bench: FAIL: %v\n", err)
			return 1
		}
		fmt.Fprintf(stderr, "bench: statement counts OK (tree page at most %d statements, equal at 10, 50 and 100)\n", treeStatementBound)
		if err := CheckAllocs(res, treeAllocsBound); err != nil {
			fmt.Fprintf(stderr, "bench: FAIL: %v\n", err)
			return 1
		}
		fmt.Fprintf(stderr, "bench: allocations OK (tree page at most %.0f per customer: the target %d + 20%%)\n", treeAllocsBound, treeAllocsTarget)
	}
	return 0
}
