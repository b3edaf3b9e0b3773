// Command panel serves the hosting panel's GraphQL API (API.md section 4).
//
//	go run . [serve] [--addr ADDR] [--db URL]
//	go run . migrate status|up [--db URL]
//
// Flags win over the environment (PANEL_ADDR, PANEL_DB); PANEL_ADMIN_PASSWORD
// sets the administrator's password when the database is created.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/hostpanel/panel/graph"
	"github.com/hostpanel/panel/internal/auth"
	"github.com/hostpanel/panel/internal/db"
	"github.com/hostpanel/panel/internal/gctune"
	"github.com/hostpanel/panel/internal/graphiql"
	"github.com/hostpanel/panel/internal/httpx"
	"github.com/hostpanel/panel/internal/metrics"
	"github.com/hostpanel/panel/internal/persisted"
	"github.com/hostpanel/panel/internal/webhooks"
)

// Defaults of the command line.
const (
	defaultAddr = "127.0.0.1:8080"
	defaultDB   = "sqlite:panel.db"
)

// Exit statuses of run.
const (
	exitOK      = 0
	exitFailure = 1 // failure while serving (or an unclean shutdown)
	exitStartup = 2 // bad command line or configuration, startup failure
)

// Server timeouts (ENGINEERING section 7).
const (
	readHeaderTimeout = 5 * time.Second
	readTimeout       = 30 * time.Second
	writeTimeout      = 60 * time.Second
	idleTimeout       = 120 * time.Second
	maxHeaderBytes    = 64 << 10
	shutdownTimeout   = 30 * time.Second
	readyTimeout      = 2 * time.Second
)

func main() {
	// Libraries that log through slog's default logger (e.g. the MySQL
	// driver, via internal/db) log JSON to stderr like the server.
	slog.SetDefault(slog.New(slog.NewJSONHandler(os.Stderr, nil)))
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	code := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// config is the parsed command line.
type config struct {
	addr          string
	dbURL         string
	adminPassword string
	// trustedProxies may set X-Forwarded-For (the login throttle counts
	// per client address).
	trustedProxies []netip.Prefix
	// corsOrigins are the SPA origins allowed to call the API cross-origin.
	corsOrigins []string
	// publicIntrospection allows introspection without a token.
	publicIntrospection bool
	// trustedDocuments is the file of the only documents allowed to run
	// ("": any document).
	trustedDocuments string
	// webhooks configures webhook endpoints and the delivery worker.
	webhooks webhooks.Config
}

const usage = `usage: panel [serve] [flags]
       panel migrate status|up [--db URL]   (see panel migrate --help)

Serves the hosting panel's GraphQL API, after applying the pending schema
migrations.

  --addr ADDR   listen address; env PANEL_ADDR; default 127.0.0.1:8080
  --db URL      database; env PANEL_DB; default sqlite:panel.db
                sqlite:PATH | sqlite::memory: | mysql://USER:PASS@HOST:PORT/DBNAME[?params]

  --trusted-proxies LIST   comma-separated addresses or CIDR prefixes of the
                reverse proxies whose X-Forwarded-For is believed; env
                PANEL_TRUSTED_PROXIES; default none (the peer address is the client)
  --cors-origins LIST      comma-separated SPA origins (https://host[:port])
                allowed to call /graphql from a browser; env PANEL_CORS_ORIGINS;
                default none (same origin only)
  --public-introspection   allow schema introspection without a token; env
                PANEL_PUBLIC_INTROSPECTION=1; default: signed-in viewers only
  --trusted-documents FILE run only the documents of FILE (JSON: hash to query,
                or an Apollo persisted query manifest; docs/persisted-queries.md);
                env PANEL_TRUSTED_DOCUMENTS; default: any query
  --webhooks-allow-private allow webhook endpoints on loopback, private and
                reserved addresses; env PANEL_WEBHOOKS_ALLOW_PRIVATE=1; default: refused (SSRF)
  --webhooks-poll DURATION how often the webhook worker looks for work; env
                PANEL_WEBHOOKS_POLL; default 1s
  --webhooks-retention DURATION how long the delivery log keeps finished
                deliveries (0: forever); env PANEL_WEBHOOKS_RETENTION; default 720h

env PANEL_ADMIN_PASSWORD   the administrator's password when the database is
                           created; without it a random one is printed once

Memory: the garbage collector runs at GOGC=400 with a soft limit of 1 GiB
(GOMEMLIMIT) unless those variables are set: CPU for memory.

Limits: request bodies up to 2 MiB, 30 s per request (every SQL statement
included), query depth 15, 50 aliases, 2,000 fields once fragments are
expanded, cost 50,000, 20 errors per response; 10 refused logins per login
and 100 per client address in 15 minutes (then RATE_LIMITED).
`

func parseArgs(args []string, getenv func(string) string) (config, error) {
	envOr := func(key, def string) string {
		if v := getenv(key); v != "" {
			return v
		}
		return def
	}
	if len(args) > 0 && args[0] == "serve" {
		args = args[1:]
	}
	fs := flag.NewFlagSet("panel", flag.ContinueOnError)
	fs.SetOutput(io.Discard) // errors are reported by run, on one line
	var c config
	fs.StringVar(&c.addr, "addr", envOr("PANEL_ADDR", defaultAddr), "listen address")
	fs.StringVar(&c.dbURL, "db", envOr("PANEL_DB", defaultDB), "database URL")
	proxies := fs.String("trusted-proxies", getenv("PANEL_TRUSTED_PROXIES"), "trusted reverse proxies")
	origins := fs.String("cors-origins", getenv("PANEL_CORS_ORIGINS"), "allowed SPA origins")
	fs.BoolVar(&c.publicIntrospection, "public-introspection", getenv("PANEL_PUBLIC_INTROSPECTION") == "1", "public introspection")
	fs.StringVar(&c.trustedDocuments, "trusted-documents", getenv("PANEL_TRUSTED_DOCUMENTS"), "trusted documents file")
	fs.BoolVar(&c.webhooks.AllowPrivate, "webhooks-allow-private", getenv("PANEL_WEBHOOKS_ALLOW_PRIVATE") == "1", "webhooks to private addresses")
	poll := fs.String("webhooks-poll", envOr("PANEL_WEBHOOKS_POLL", webhooks.DefaultPollInterval.String()), "webhook worker poll interval")
	retention := fs.String("webhooks-retention", envOr("PANEL_WEBHOOKS_RETENTION", "720h"), "webhook delivery log retention")
	if err := fs.Parse(args); err != nil {
		return config{}, err
	}
	if fs.NArg() > 0 {
		return config{}, fmt.Errorf("unexpected argument %q (see --help)", fs.Arg(0))
	}
	var err error
	if c.trustedProxies, err = httpx.ParseTrustedProxies(*proxies); err != nil {
		return config{}, err
	}
	if c.corsOrigins, err = httpx.ParseOrigins(*origins); err != nil {
		return config{}, err
	}
	if c.webhooks.PollInterval, err = time.ParseDuration(*poll); err != nil || c.webhooks.PollInterval <= 0 {
		return config{}, fmt.Errorf("--webhooks-poll: want a positive duration such as 1s, got %q", *poll)
	}
	if c.webhooks.Retention, err = time.ParseDuration(*retention); err != nil || c.webhooks.Retention < 0 {
		return config{}, fmt.Errorf("--webhooks-retention: want a duration such as 720h (0: keep forever), got %q", *retention)
	}
	if c.webhooks.Retention == 0 {
		c.webhooks.Retention = -1 // kept forever (webhooks.Config: negative)
	}
	c.adminPassword = getenv("PANEL_ADMIN_PASSWORD")
	return c, nil
}

// run serves until ctx is done and returns the process exit status. Startup
// failures are reported as one line "panel: <message>" on stderr (status 2);
// the server's logs are JSON lines on stderr.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) (code int) {
	fail := func(format string, a ...any) int {
		msg := strings.Join(strings.Fields(fmt.Sprintf(format, a...)), " ")
		fmt.Fprintf(stderr, "panel: %s\n", msg)
		return exitStartup
	}
	// A bug during startup must not print a stack trace with configuration
	// in it: report it like any other startup failure.
	defer func() {
		if p := recover(); p != nil {
			code = fail("internal error during startup: %v", p)
		}
	}()

	if len(args) > 0 && args[0] == "migrate" {
		return runMigrate(ctx, args[1:], getenv, stdout, fail) // migrate.go
	}
	cfg, err := parseArgs(args, getenv)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprint(stdout, usage)
		return exitOK
	}
	if err != nil {
		return fail("%v", err)
	}
	target, err := db.ParseURL(cfg.dbURL)
	if err != nil {
		return fail("%v", err)
	}
	var trusted *persisted.Documents
	if cfg.trustedDocuments != "" {
		if trusted, err = persisted.Load(cfg.trustedDocuments); err != nil {
			return fail("%v", err)
		}
	}
	gctune.Apply(getenv)

	logger := slog.New(slog.NewJSONHandler(stderr, nil))
	m := metrics.New()
	client, sqlDB, err := db.Open(ctx, target, m.Statement)
	if err != nil {
		return fail("%v", err)
	}
	defer func() {
		if err := client.Close(); err != nil {
			logger.Error("closing the database", "err", err)
		}
	}()
	if err := db.Migrate(ctx, sqlDB, target.Dialect); err != nil { // docs/migrations.md
		return fail("%v", err)
	}
	hasher := auth.DefaultHasher()
	generated, err := db.EnsureAdmin(ctx, client, hasher, cfg.adminPassword)
	if err != nil {
		return fail("%v", err)
	}
	if generated != "" {
		fmt.Fprintf(stdout, "administrator %q created with password: %s\n", db.AdminLogin, generated)
	}

	authSvc := auth.NewService(client, hasher, logger)
	gql := graph.NewHandler(graph.HandlerConfig{
		Client:  client,
		Auth:    authSvc,
		Logger:  logger,
		Metrics: m,

		PublicIntrospection: cfg.publicIntrospection,
		TrustedDocuments:    trusted,
		Webhooks:            cfg.webhooks,
	})
	// The webhook worker delivers the outbox until shutdown (docs/webhooks.md).
	wcfg := cfg.webhooks
	wcfg.Logger = logger
	wctx, stopWorker := context.WithCancel(ctx)
	workerDone := make(chan struct{})
	go func() { defer close(workerDone); webhooks.NewWorker(client, wcfg).Run(wctx) }()
	defer func() { stopWorker(); <-workerDone }()
	sdl := graph.SDL()

	mux := http.NewServeMux()
	// Every method reaches the GraphQL handler, which answers anything but
	// POST with its own 405.
	mux.Handle("/graphql", authSvc.Middleware(gql))
	page := graphiql.Handler() // GraphiQL, served from the binary
	mux.Handle("GET /{$}", page)
	mux.Handle("GET "+graphiql.AssetPrefix, page)
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		plain(w, http.StatusOK, "ok\n")
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		pctx, cancel := context.WithTimeout(r.Context(), readyTimeout)
		defer cancel()
		if err := sqlDB.PingContext(pctx); err != nil {
			logger.WarnContext(r.Context(), "readiness check failed", "err", err)
			plain(w, http.StatusServiceUnavailable, "database unavailable\n")
			return
		}
		plain(w, http.StatusOK, "ok\n")
	})
	mux.Handle("GET /metrics", m.Handler())
	mux.HandleFunc("GET /schema.graphql", func(w http.ResponseWriter, r *http.Request) {
		plain(w, http.StatusOK, sdl)
	})

	var h http.Handler = mux
	h = httpx.ClientIP(cfg.trustedProxies, h)
	h = httpx.CORS(cfg.corsOrigins, h)
	h = m.Middleware(h)
	h = httpx.Logging(logger, h)
	h = httpx.Recover(logger, h)
	h = httpx.RequestID(h)
	h = securityHeaders(h)

	srv := newHTTPServer(ctx, h, logger)
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", cfg.addr)
	if err != nil {
		return fail("cannot listen on %s: %v", cfg.addr, err)
	}
	logger.Info("listening", "addr", ln.Addr().String(), "url", "http://"+ln.Addr().String()+"/", "db", target)

	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(ln) }()

	select {
	case err := <-serveErr:
		// Serve only returns early on a listener failure.
		logger.Error("server failed", "err", err)
		return exitFailure
	case <-ctx.Done():
	}
	logger.Info("shutting down", "timeout", shutdownTimeout.String())
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		logger.Error("shutdown did not finish in time; closing connections", "err", err)
		_ = srv.Close()
		return exitFailure
	}
	if err := <-serveErr; err != nil && !errors.Is(err, http.ErrServerClosed) {
		logger.Error("server failed", "err", err)
		return exitFailure
	}
	logger.Info("stopped")
	return exitOK
}

// newHTTPServer returns the server of h with its timeouts: a client must
// send its headers within 5 s and its whole request within 30 s, the
// response must be written within 60 s (the GraphQL handler's own deadline
// is 30 s), and idle keep-alive connections are closed after 120 s.
func newHTTPServer(ctx context.Context, h http.Handler, logger *slog.Logger) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       idleTimeout,
		MaxHeaderBytes:    maxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
}

// plain writes a text/plain response.
func plain(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, body)
}

// securityHeaders sets headers every response carries.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Frame-Options", "DENY")
		next.ServeHTTP(w, r)
	})
}
