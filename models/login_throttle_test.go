package models_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"firstask/models"
	"firstask/models/storetest"
)

// TestReserveAttemptUnderConcurrency: 60 reservations for one key at once
// (on MariaDB each from its own connection) take exactly the limit.
func TestReserveAttemptUnderConcurrency(t *testing.T) {
	clock := storetest.NewClock(time.Date(2026, 10, 15, 2, 0, 0, 0, time.UTC))
	s := storetest.Open(t, models.Options{Now: clock.Now})
	var ok, blocked atomic.Int32
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := 0; i < 60; i++ {
		wg.Go(func() {
			<-start
			err := s.ReserveAttempt(context.Background(), "a:D008", 5)
			var te *models.ThrottledError
			switch {
			case err == nil:
				ok.Add(1)
			case errors.As(err, &te):
				blocked.Add(1)
			default:
				t.Error(err)
			}
		})
	}
	close(start)
	wg.Wait()
	if ok.Load() != 5 || blocked.Load() != 55 {
		t.Fatalf("%d reserved, %d blocked; want 5 and 55", ok.Load(), blocked.Load())
	}
	clock.Advance(models.ThrottleWindow)
	if err := s.ReserveAttempt(context.Background(), "a:D008", 5); err != nil {
		t.Fatalf("a new window: %v", err)
	}
}

func TestNormalizeEmployeeNo(t *testing.T) {
	for in, want := range map[string]string{"Ｄ008": "D008", " D008\t": "D008", "d-008_x": "d-008_x", "\u3000D008": "D008"} {
		if got, ok := models.NormalizeEmployeeNo(in); !ok || got != want {
			t.Errorf("%q → %q %v, want %q", in, got, ok, want)
		}
	}
	for _, in := range []string{"D008\u200b", "D008\x00", "D\u00ad008", "D008\u2060", "\ufeffD008", "D 008", "", "Д008", "D008\ufffd"} {
		if got, ok := models.NormalizeEmployeeNo(in); ok {
			t.Errorf("%q accepted as %q", in, got)
		}
	}
	if models.CanonicalEmployeeNo("ｄ008") != "D008" {
		t.Error("canonical form is not upper case")
	}
}
