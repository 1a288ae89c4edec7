package models

// This file opens a few internals to the external tests of this directory
// (package models_test): those that seed their data with package seed,
// which imports models and so cannot be imported from inside it.

import (
	"context"
	"os"
	"strconv"
	"testing"
	"time"

	"gorm.io/gorm"
)

// benchSize reads a size from the environment, else def.
func benchSize(b *testing.B, name string, def int) int {
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		b.Fatalf("%s=%q: want a positive number", name, v)
	}
	return n
}

// BenchSize is benchSize for the external benchmarks.
var BenchSize = benchSize

// TestDB is the store's gorm handle.
func (s *Store) TestDB() *gorm.DB { return s.db }

// SetTestClock replaces the store's clock.
func (s *Store) SetTestClock(now func() time.Time) { s.now = now }

// OverdueReference is the overdue inquiry list written the plain way, as a
// subquery on the clocks within the actor's scope, to check ListInquiries'
// index-driven form against: g's status, channel and department filters
// and its page.
func (s *Store) OverdueReference(ctx context.Context, a Actor, g InquiryFilter) ([]Inquiry, int64, error) {
	var want []Inquiry
	var wantTotal int64
	err := s.read(ctx, a, func(tx *Tx) error {
		sc, err := tx.scopeOf(a)
		if err != nil {
			return err
		}
		q := inquiryScope(tx.db.Model(&Inquiry{}), a, sc).
			Where("inquiries.id IN (SELECT inquiry_id FROM sla_clocks WHERE state = ? AND deadline_at < ?)", ClockRunning, tx.now)
		if g.Status != "" {
			q = q.Where("inquiries.status = ?", g.Status)
		}
		if g.Channel != "" {
			q = q.Where("inquiries.channel = ?", g.Channel)
		}
		if g.DepartmentID != 0 {
			sub, err := tx.departmentSubtree(g.DepartmentID)
			if err != nil {
				return err
			}
			q = q.Where("inquiries.department_id IN ?", sub)
		}
		if err := q.Count(&wantTotal).Error; err != nil {
			return err
		}
		return q.Order("inquiries.received_at DESC, inquiries.id DESC").Offset(g.Offset()).Limit(g.Size).Find(&want).Error
	})
	return want, wantTotal, err
}

// SetOverdueExactUpTo lowers the number of overdue rows counted exactly,
// so that a small seed takes the overdue lists' probed path; the returned
// function restores it.
func SetOverdueExactUpTo(n int) func() {
	old := overdueExactUpTo
	overdueExactUpTo = n
	return func() { overdueExactUpTo = old }
}

// ScopeIDs lists the ids of table (inquiries or referrals) in a
// supervisor's scope, written as the OR of inquiryScope / referralScope or,
// with set, as supervisorScopeSet.
func (s *Store) ScopeIDs(ctx context.Context, a Actor, table string, set bool) ([]int64, error) {
	var ids []int64
	err := s.read(ctx, a, func(tx *Tx) error {
		sc, err := tx.scopeOf(a)
		if err != nil {
			return err
		}
		q := tx.db.Table(table)
		switch {
		case set:
			q = supervisorScopeSet(q, table, a, sc.DepartmentIDs)
		case table == "inquiries":
			q = inquiryScope(q, a, sc)
		default:
			q = referralScope(q, a, sc)
		}
		return q.Order("id").Pluck(table+".id", &ids).Error
	})
	return ids, err
}

// SplitRecordsFrom sets the size of a month from which a plain read reads
// its violations in two halves at once, until the test ends.
func SplitRecordsFrom(t testing.TB, n int) {
	old := splitRecords
	splitRecords = n
	t.Cleanup(func() { splitRecords = old })
}

// JoinCopies returns how many reads of counted records so far found the
// month's counts out of step with the rows and copied them together.
func JoinCopies() int64 { return joinCopies.Load() }
