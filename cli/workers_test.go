package cli

import (
	"context"
	"io"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"
)

func TestWorkersStopTogether(t *testing.T) {
	var running, panics atomic.Int32
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	bg := startWorkers(log, []worker{
		{"loop", func(ctx context.Context) {
			running.Add(1)
			<-ctx.Done()
			running.Add(-1)
		}},
		{"flaky", func(ctx context.Context) {
			if panics.Add(1) < 3 {
				panic("bad tick")
			}
			<-ctx.Done()
		}},
	}, time.Millisecond)
	deadline := time.Now().Add(5 * time.Second)
	for (running.Load() != 1 || panics.Load() < 3) && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if panics.Load() != 3 {
		t.Fatalf("the panicking worker ran %d times, want 3 (restarted after each panic)", panics.Load())
	}
	if err := bg.stop(5 * time.Second); err != nil {
		t.Fatal(err)
	}
	if running.Load() != 0 {
		t.Fatal("stop returned before the worker finished")
	}
}

func TestWorkersThatDoNotStopAreReported(t *testing.T) {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	started, release := make(chan struct{}), make(chan struct{})
	defer close(release)
	bg := startWorkers(log, []worker{{"stuck", func(context.Context) { close(started); <-release }}}, time.Millisecond)
	<-started
	if err := bg.stop(50 * time.Millisecond); err == nil {
		t.Fatal("a stuck worker went unreported")
	}
}
