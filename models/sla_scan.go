package models

import (
	"context"
	"math/rand/v2"
	"time"
)

// ScanResult counts what one SLA scan did.
type ScanResult struct {
	// Reminders is the number of reminders sent (25% of a clock left).
	Reminders int `json:"reminders"`
	// Breaches is the number of clocks found past their deadline and
	// escalated by this scan.
	Breaches int `json:"breaches"`
	// Violations is the number of violations this scan raised.
	Violations int `json:"violations"`
}

// scanBatch is how many due clocks one pass of the scan selects.
const scanBatch = 200

// ScanSLA finds the running clocks whose deadline has passed and breaches
// them (violation, notification, escalation), then sends the reminders
// that are due. Candidates are found by index range queries on
// sla_clocks(state, breached_at, deadline_at) and (state, reminded_at,
// remind_at); each clock is then handled in its own short transaction
// whose conditional UPDATE lets exactly one scan through, however many run
// at once on however many instances. A failing clock does not undo the
// others. On MySQL each batch is visited in a random order, so that scans
// running at once on several instances (nodes) spread over different
// clocks instead of walking the same ones in step (dialect.spreadScans).
func (s *Store) ScanSLA(ctx context.Context, now time.Time) (ScanResult, error) {
	var res ScanResult
	now = now.UTC().Truncate(time.Millisecond)
	actor := System("sla-scan")
	// Breaches first: a clock found already expired gets no reminder.
	done := map[int64]bool{}
	for {
		var ids []int64
		if err := s.db.WithContext(ctx).Model(&SLAClock{}).
			Where("state = ? AND breached_at IS NULL AND deadline_at < ?", ClockRunning, now).
			Order("deadline_at, id").Limit(scanBatch).Pluck("id", &ids).Error; err != nil {
			return res, err
		}
		s.spread(ids)
		fresh := 0
		for _, id := range ids {
			if done[id] {
				continue
			}
			done[id], fresh = true, fresh+1
			var breached, raised bool
			err := s.write(ctx, actor, func(tx *Tx) error {
				breached, raised = false, false
				c, err := tx.clockByID(id)
				if err != nil || c.State != ClockRunning || c.BreachedAt != nil || !now.After(c.DeadlineAt) {
					return err
				}
				breached, raised, err = tx.breach(&c, now)
				return err
			})
			if err != nil {
				return res, err
			}
			if breached {
				res.Breaches++
			}
			if raised {
				res.Violations++
			}
		}
		if len(ids) < scanBatch || fresh == 0 {
			break
		}
	}
	for {
		var ids []int64
		if err := s.db.WithContext(ctx).Model(&SLAClock{}).
			Where("state = ? AND reminded_at IS NULL AND remind_at <= ? AND deadline_at >= ?", ClockRunning, now, now).
			Order("remind_at, id").Limit(scanBatch).Pluck("id", &ids).Error; err != nil {
			return res, err
		}
		s.spread(ids)
		fresh := 0
		for _, id := range ids {
			if done[id] {
				continue
			}
			done[id], fresh = true, fresh+1
			var sent bool
			err := s.write(ctx, actor, func(tx *Tx) error {
				sent = false
				c, err := tx.clockByID(id)
				if err != nil || c.State != ClockRunning || c.RemindedAt != nil || now.Before(c.RemindAt) {
					return err
				}
				sent, err = tx.remind(&c, now)
				return err
			})
			if err != nil {
				return res, err
			}
			if sent {
				res.Reminders++
			}
		}
		if len(ids) < scanBatch || fresh == 0 {
			break
		}
	}
	return res, nil
}

// spread shuffles a batch of clock ids where scans run at once on several
// instances (see dialect.spreadScans).
func (s *Store) spread(ids []int64) {
	if s.dialect.spreadScans() {
		rand.Shuffle(len(ids), func(i, j int) { ids[i], ids[j] = ids[j], ids[i] })
	}
}

// RunSLAScan is ScanSLA for an HR user at the store's clock (POST
// /sla/scan); the scan itself acts as the system.
func (s *Store) RunSLAScan(ctx context.Context, a Actor) (ScanResult, error) {
	return s.ScanSLA(ctx, s.Now())
}

// SLAViolations returns the violations raised for one clock key (at most
// one; a slice so that a test can prove it).
func (s *Store) SLAViolations(ctx context.Context, clock string) ([]Violation, error) {
	var out []Violation
	err := s.read(ctx, System("sla"), func(tx *Tx) error {
		return tx.db.Where("sla_clock = ?", clock).Order("id").Find(&out).Error
	})
	return out, err
}
