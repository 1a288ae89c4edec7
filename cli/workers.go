package cli

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"firstask/config"
	"firstask/metrics"
	"firstask/models"
	"firstask/webhook"
)

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
		Targets: webhook.Targets{AllowPrivate: cfg.WebhookAllowPrivate, OwnPort: webhook.PortOf(cfg.Listen)}, PublicURL: cfg.PublicURL})
	store.OnOutbox(sender.Wake)
	ws := []worker{{"webhook-sender", func(ctx context.Context) { sender.Run(ctx, 5*time.Second) }}}
	ws = append(ws, worker{"token-purge", func(ctx context.Context) { purgeTokens(ctx, store, time.Hour, log) }})
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

// purgeTokens deletes expired and revoked tokens every interval (and once
// at start) until ctx is done. Every instance may run it: the deletes are
// idempotent.
func purgeTokens(ctx context.Context, store *models.Store, interval time.Duration, log *slog.Logger) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		n, err := store.PurgeTokens(ctx)
		switch {
		case err != nil && ctx.Err() == nil:
			log.Error("token purge", slog.Any("error", err))
		case n > 0:
			log.Info("token purge", slog.Int64("deleted", n))
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
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
