package cli

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"firstask/api"
	"firstask/config"
	"firstask/metrics"
	"firstask/models"
	"firstask/web"
	"firstask/webhook"
)

// serve prepares the database (migrations, first admin, demo) and serves
// on ln, which the caller bound first so that a busy port fails before
// anything is written.
func serve(ctx context.Context, store *models.Store, cfg config.Config, log *slog.Logger, ln net.Listener) error {
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
		MaxUploadBytes: cfg.MaxUploadBytes, Organisation: cfg.Organisation, Logger: log, Metrics: m, MaxExports: cfg.MaxExports,
		WebhookTargets: webhook.Targets{AllowPrivate: cfg.WebhookAllowPrivate, OwnPort: webhook.PortOf(cfg.Listen)},
	})
	if err != nil {
		return err
	}
	pages, err := web.New(store, web.Options{Organisation: cfg.Organisation, SessionTTL: cfg.TokenTTL, SecureCookies: cfg.SecureCookies, Logger: log})
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

// logAuditHead writes every audit segment's (signed) head to the log:
// anchors outside the database for GET /audit/verify?anchor=SEGMENT:SEQ:HASH
// (docs/security.md).
func logAuditHead(ctx context.Context, store *models.Store, cfg config.Config, log *slog.Logger, when string) {
	if cfg.AuditKey == nil && when == "start" {
		log.Warn("no audit key (FIRSTASK_AUDIT_KEY_FILE): anyone with write access to the database can rewrite the audit chain unnoticed")
	}
	heads, err := store.AuditHeads(ctx)
	if err != nil {
		log.Error("audit head", slog.String("at", when), slog.Any("error", err))
	}
	for _, h := range heads {
		log.Info("audit head", slog.String("at", when), slog.Int64("segment", h.Segment), slog.Int64("seq", h.Seq),
			slog.String("hash", h.Hash), slog.String("signature", h.Signature))
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
