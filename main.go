// Command firstask runs the first-inquiry responsibility service: the HTTP
// API, its database migrations and the demo data.
//
//	firstask serve [--demo] [flags]   start the API (default command)
//	firstask migrate up|status        apply or list database migrations
//	firstask demo                     fill an empty database with a demo organisation
//	firstask healthcheck              probe the local server's /healthz (for Docker)
//	firstask seed [sizes] [flags]     fill an empty database with a large synthetic organisation
//	firstask loadtest --url URL …     drive a running server with concurrent clients
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
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"firstask/api"
	"firstask/config"
	"firstask/metrics"
	"firstask/migrations"
	"firstask/models"
	"firstask/web"
	"firstask/webhook"
)

func main() {
	os.Exit(run(os.Args[1:], os.Getenv, os.Stdout, os.Stderr))
}

const usage = `usage: firstask <command> [flags]

commands:
  serve [--demo]     start the API server (the default)
  migrate up|status  apply pending migrations, or list them
  demo               fill an empty database with the demo organisation and exit
  healthcheck        exit 0 when the local server answers /healthz (Docker HEALTHCHECK)
  seed               fill an empty database with a large synthetic organisation (benchmarks, load tests)
  loadtest           drive a running server with concurrent clients and report latencies

Run "firstask serve -h" for the flags; each has a FIRSTASK_* environment variable.
`

// run is main without the process: it returns the exit code (2 for bad
// configuration or usage).
func run(args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	cmd := "serve"
	if len(args) > 0 && args[0] != "" && args[0][0] != '-' {
		cmd, args = args[0], args[1:]
	}
	sub := ""
	if cmd == "migrate" {
		if len(args) == 0 || (args[0] != "up" && args[0] != "status") {
			fmt.Fprint(stderr, "usage: firstask migrate up|status [flags]\n")
			return 2
		}
		sub, args = args[0], args[1:]
	}
	var seedOpts models.SeedOptions
	switch cmd {
	case "serve", "migrate", "demo", "healthcheck":
	case "seed":
		fs, f := newSeedFlags(stderr)
		cfgArgs, err := parseCommandFlags(fs, args)
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		if err != nil {
			fmt.Fprintln(stderr, "firstask seed:", err)
			return 2
		}
		args, seedOpts = cfgArgs, f.opts
	case "loadtest":
		return loadtest(args, getenv, stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		fmt.Fprintf(stderr, "firstask: unknown command %q\n%s", cmd, usage)
		return 2
	}
	cfg, _, err := config.Load("firstask "+cmd, args, getenv)
	var help config.HelpError
	if errors.As(err, &help) {
		fmt.Fprint(stdout, help)
		return 0
	}
	if err != nil {
		fmt.Fprintln(stderr, "firstask:", err)
		return 2
	}
	if cmd == "healthcheck" {
		return healthcheck(cfg.Listen, stderr)
	}
	log := newLogger(cfg, stderr)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	// After the first signal a second one ends the process at once.
	context.AfterFunc(ctx, stop)

	store, err := models.Open(string(cfg.Driver), cfg.DSN, models.Options{BcryptCost: cfg.BcryptCost, Location: cfg.Location, AuditKey: cfg.AuditKey})
	if err != nil {
		fmt.Fprintln(stderr, "firstask:", err)
		return 1
	}
	defer store.Close()

	switch cmd {
	case "migrate":
		return migrate(ctx, store, cfg, sub, stdout, stderr)
	case "seed":
		if err := seed(ctx, store, cfg, seedOpts, log, stdout); err != nil {
			fmt.Fprintln(stderr, "firstask:", err)
			return 1
		}
		return 0
	case "demo":
		if err := prepare(ctx, store, cfg, log); err != nil {
			fmt.Fprintln(stderr, "firstask:", err)
			return 1
		}
		if err := fillDemo(ctx, store, log); err != nil {
			fmt.Fprintln(stderr, "firstask:", err)
			return 1
		}
		return 0
	}
	if err := serve(ctx, store, cfg, log); err != nil {
		fmt.Fprintln(stderr, "firstask:", err)
		return 1
	}
	return 0
}

func newLogger(cfg config.Config, w io.Writer) *slog.Logger {
	o := &slog.HandlerOptions{Level: cfg.LogLevel}
	if cfg.LogFormat == "text" {
		return slog.New(slog.NewTextHandler(w, o))
	}
	return slog.New(slog.NewJSONHandler(w, o))
}

func migrate(ctx context.Context, store *models.Store, cfg config.Config, sub string, stdout, stderr io.Writer) int {
	sqlDB, err := store.SQLDB()
	if err != nil {
		fmt.Fprintln(stderr, "firstask:", err)
		return 1
	}
	p, err := migrations.NewProvider(migrations.Dialect(cfg.Driver), sqlDB)
	if err != nil {
		fmt.Fprintln(stderr, "firstask:", err)
		return 1
	}
	if sub == "up" {
		res, err := p.Up(ctx)
		for _, r := range res {
			fmt.Fprintf(stdout, "applied %s (%s)\n", r.Source.Path, r.Duration.Round(time.Millisecond))
		}
		if err != nil {
			fmt.Fprintln(stderr, "firstask:", err)
			return 1
		}
		if len(res) == 0 {
			fmt.Fprintln(stdout, "no pending migrations")
		}
		return 0
	}
	st, err := p.Status(ctx)
	if err != nil {
		fmt.Fprintln(stderr, "firstask:", err)
		return 1
	}
	for _, s := range st {
		applied := "pending"
		if !s.AppliedAt.IsZero() {
			applied = "applied " + s.AppliedAt.UTC().Format(time.RFC3339)
		}
		fmt.Fprintf(stdout, "%05d  %-40s %s\n", s.Source.Version, s.Source.Path, applied)
	}
	return 0
}

// prepare migrates the database and creates the first admin on an empty one.
func prepare(ctx context.Context, store *models.Store, cfg config.Config, log *slog.Logger) error {
	if err := store.Migrate(ctx); err != nil {
		return err
	}
	no, generated, created, err := store.EnsureAdmin(ctx, cfg.AdminPassword)
	if err != nil {
		return fmt.Errorf("create the first admin: %w", err)
	}
	switch {
	case created && generated != "":
		// Printed once, on purpose: nobody else knows it.
		log.Warn("created the first admin account; change this password after signing in",
			slog.String("employee_no", no), slog.String("password", generated))
	case created:
		log.Info("created the first admin account from FIRSTASK_ADMIN_PASSWORD", slog.String("employee_no", no))
	}
	return nil
}

func fillDemo(ctx context.Context, store *models.Store, log *slog.Logger) error {
	n, err := store.FillDemo(ctx)
	if err != nil {
		return fmt.Errorf("demo data: %w", err)
	}
	if n == 0 {
		log.Info("demo data skipped: the database already holds an organisation")
	} else {
		log.Info("demo organisation created", slog.Int("staff", n), slog.String("password", models.DemoPassword))
	}
	return nil
}

func serve(ctx context.Context, store *models.Store, cfg config.Config, log *slog.Logger) error {
	if err := prepare(ctx, store, cfg, log); err != nil {
		return err
	}
	if cfg.Demo {
		if err := fillDemo(ctx, store, log); err != nil {
			return err
		}
	}
	sqlDB, err := store.SQLDB()
	if err != nil {
		return err
	}
	m := metrics.New(sqlDB)
	srv, err := api.New(store, api.Options{
		TokenTTL: cfg.TokenTTL, TrustedProxies: cfg.TrustedProxies, MaxBodyBytes: cfg.MaxBodyBytes,
		MaxUploadBytes: cfg.MaxUploadBytes, Organisation: cfg.Organisation, Logger: log, Metrics: m,
	})
	if err != nil {
		return err
	}
	pages, err := web.New(store, web.Options{Organisation: cfg.Organisation, SessionTTL: cfg.TokenTTL, SecureCookies: cfg.SecureCookies, Logger: log})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return err
	}
	httpSrv := srv.HTTPServer(web.Mount(srv.Handler(), pages), api.HTTPLimits{HeaderTimeout: cfg.HeaderTimeout, BodyTimeout: cfg.BodyTimeout,
		UploadTimeout: cfg.UploadTimeout, IdleTimeout: cfg.IdleTimeout, MaxHeaderBytes: cfg.MaxHeaderBytes},
		slog.NewLogLogger(log.Handler(), slog.LevelWarn))
	errc := make(chan error, 1)
	go func() { errc <- httpSrv.Serve(ln) }()
	bg := startWorkers(log, backgroundWorkers(store, cfg, log, m), 5*time.Second)
	log.Info("firstask listening", slog.String("addr", ln.Addr().String()), slog.String("database", string(cfg.Driver)))
	logAuditHead(ctx, store, cfg, log, "start")
	defer logAuditHead(context.Background(), store, cfg, log, "stop")

	select {
	case err := <-errc:
		bg.stop(cfg.ShutdownTimeout)
		return err
	case <-ctx.Done():
	}
	return shutdown(srv, httpSrv, bg, cfg, log)
}

// shutdown drains the server after SIGTERM: /readyz fails at once (and
// keep-alive connections are closed after their next answer) while new
// requests are still taken for cfg.ShutdownDelay, so that a load balancer
// stops sending traffic first; then the listener closes, in-flight
// requests get cfg.ShutdownTimeout to finish, and the background workers
// stop. The database closes after this returns.
func shutdown(srv *api.Server, httpSrv *http.Server, bg *workers, cfg config.Config, log *slog.Logger) error {
	log.Info("shutting down: /readyz now fails", slog.String("delay", cfg.ShutdownDelay.String()), slog.String("timeout", cfg.ShutdownTimeout.String()))
	// Drain also makes every answer carry "Connection: close": keep-alive
	// connections end after their next answer. Idle ones are not closed
	// here (that reset requests already on their way); Shutdown closes
	// whatever is still idle after the delay.
	srv.Drain()
	time.Sleep(cfg.ShutdownDelay)

	log.Info("shutting down: finishing in-flight requests")
	ctx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer cancel()
	var failed error
	if err := httpSrv.Shutdown(ctx); err != nil {
		// Requests still running past the timeout are cut off.
		httpSrv.Close()
		failed = fmt.Errorf("shutdown: in-flight requests did not finish within %s", cfg.ShutdownTimeout)
	}
	if err := bg.stop(cfg.ShutdownTimeout); err != nil && failed == nil {
		failed = err
	}
	if failed != nil {
		return failed
	}
	log.Info("stopped")
	return nil
}

// logAuditHead writes the audit chain's (signed) head to the log: an
// anchor outside the database for GET /audit/verify?anchor_seq=&anchor_hash=
// (docs/security.md).
func logAuditHead(ctx context.Context, store *models.Store, cfg config.Config, log *slog.Logger, when string) {
	if cfg.AuditKey == nil && when == "start" {
		log.Warn("no audit key (FIRSTASK_AUDIT_KEY_FILE): anyone with write access to the database can rewrite the audit chain unnoticed")
	}
	h, err := store.AuditHead(ctx)
	if err != nil {
		log.Error("audit head", slog.String("at", when), slog.Any("error", err))
		return
	}
	log.Info("audit head", slog.String("at", when), slog.Int64("seq", h.Seq), slog.String("hash", h.Hash), slog.String("signature", h.Signature))
}

// worker is a background loop that serve runs from start-up (after the
// migrations) until shutdown: the SLA timer, the webhook sender. run must
// return soon after ctx is cancelled; work it leaves undone must be safe
// to pick up again (by this or another instance) after a restart.
type worker struct {
	name string
	run  func(ctx context.Context)
}

// backgroundWorkers lists the workers of this process. Add new ones here,
// e.g. {"sla-timer", func(ctx) { … every cfg.SLAScanInterval … }}; m
// carries the counters they increment.
func backgroundWorkers(store *models.Store, cfg config.Config, log *slog.Logger, m *metrics.Metrics) []worker {
	sender := webhook.New(store, webhook.Options{Logger: log, Observe: m.WebhookDelivery,
		Targets: webhook.Targets{AllowPrivate: cfg.WebhookAllowPrivate, OwnPort: webhook.PortOf(cfg.Listen)}})
	store.OnOutbox(sender.Wake)
	ws := []worker{{"webhook-sender", func(ctx context.Context) { sender.Run(ctx, 5*time.Second) }}}
	if cfg.SLAScanInterval > 0 {
		ws = append(ws, worker{"sla-timer", func(ctx context.Context) { scanSLAs(ctx, store, m, cfg.SLAScanInterval, log) }})
	}
	return ws
}

// workers runs background loops and stops them together.
type workers struct {
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// startWorkers starts each worker in its own goroutine. A worker that
// panics is logged and restarted after pause, so one bad tick does not
// silently end the SLA timer.
func startWorkers(log *slog.Logger, ws []worker, pause time.Duration) *workers {
	ctx, cancel := context.WithCancel(context.Background())
	b := &workers{cancel: cancel}
	for _, w := range ws {
		b.wg.Add(1)
		go func() {
			defer b.wg.Done()
			for ctx.Err() == nil {
				if !runWorker(ctx, log, w) {
					return
				}
				select {
				case <-ctx.Done():
				case <-time.After(pause):
				}
			}
		}()
	}
	return b
}

// runWorker runs w once; it reports whether w panicked.
func runWorker(ctx context.Context, log *slog.Logger, w worker) (panicked bool) {
	defer func() {
		if r := recover(); r != nil {
			log.Error("background worker panicked; restarting it", slog.String("worker", w.name), slog.String("panic", fmt.Sprint(r)))
			panicked = true
		}
	}()
	w.run(ctx)
	return false
}

// stop cancels the workers and waits for them, at most timeout.
func (b *workers) stop(timeout time.Duration) error {
	b.cancel()
	done := make(chan struct{})
	go func() { b.wg.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-time.After(timeout):
		return fmt.Errorf("shutdown: background workers did not stop within %s", timeout)
	}
}

// scanSLAs runs the SLA scan every interval until ctx is done. Every
// instance may run it: the scan raises each breach once however many run.
func scanSLAs(ctx context.Context, store *models.Store, m *metrics.Metrics, interval time.Duration, log *slog.Logger) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		start := time.Now()
		res, err := store.ScanSLA(ctx, start)
		m.SLAScanned(time.Since(start), res.Breaches)
		switch {
		case err != nil && ctx.Err() == nil:
			log.Error("sla scan", slog.Any("error", err))
		case res.Breaches+res.Reminders > 0:
			log.Info("sla scan", slog.Int("breaches", res.Breaches), slog.Int("violations", res.Violations), slog.Int("reminders", res.Reminders))
		}
	}
}

// healthcheck asks the server on this machine whether it is alive.
func healthcheck(listen string, stderr io.Writer) int {
	_, port, _ := net.SplitHostPort(listen)
	client := &http.Client{Timeout: 3 * time.Second}
	res, err := client.Get("http://127.0.0.1:" + port + "/healthz")
	if err != nil {
		fmt.Fprintln(stderr, "firstask: unhealthy:", err)
		return 1
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		fmt.Fprintln(stderr, "firstask: unhealthy: status", res.StatusCode)
		return 1
	}
	return 0
}
