package models

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// BenchmarkConcurrentRegistrations registers inquiries (each starts a
// handover clock: inquiry, timeline entry, clock, two audit entries, a
// reference) from 16 goroutines through two Stores on one database, as
// two instances would: the contention of issue #15's "no hot rows". It
// reports registrations per second and the conflict retries the two
// stores made (firstask_db_tx_retries_total's "retried").
func BenchmarkConcurrentRegistrations(b *testing.B) {
	clock := &instant{}
	clock.set(time.Date(2026, 11, 26, 1, 30, 0, 0, time.UTC))
	stores := instances(b, 2, clock)
	clerk := smallOrg(b, stores[0])
	var retries atomic.Int64
	for _, s := range stores {
		s.OnRetry(func(outcome string) {
			if outcome == RetryRetried {
				retries.Add(1)
			}
		})
	}
	// Open each store's segments and blocks before timing.
	for _, s := range stores {
		if _, err := s.CreateInquiry(context.Background(), System("warm"), consultation(clerk.ID)); err != nil {
			b.Fatal(err)
		}
	}
	const workers = 16
	var next atomic.Int64
	var failed atomic.Int64
	b.ResetTimer()
	start := time.Now()
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Go(func() {
			s := stores[w%len(stores)]
			for next.Add(1) <= int64(b.N) {
				if _, err := s.CreateInquiry(context.Background(), System("bench"), consultation(clerk.ID)); err != nil {
					failed.Add(1)
					b.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "reg/s")
	b.ReportMetric(float64(retries.Load()), "retries")
	b.ReportMetric(float64(failed.Load()), "failed")
}
