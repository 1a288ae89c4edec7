package models

import (
	"context"
	"time"

	"golang.org/x/crypto/bcrypt"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"firstask/scoring"
	"firstask/worktime"
)

// Loader is the narrow seam through which tools outside the domain (the
// synthetic-data generator in package seed) write rows straight into
// tables: one transaction, multi-row INSERTs, no per-row audit. The rows
// it writes are synthetic, so nothing checks them; FinishLoad records one
// audit entry for the whole load.
type Loader struct {
	tx *Tx
}

// Load runs fn in one transaction set up for loading many rows (see
// dialect.loadSession).
func (s *Store) Load(ctx context.Context, fn func(l *Loader) error) error {
	run := func(g *gorm.DB) error {
		return g.Transaction(func(g *gorm.DB) error {
			return fn(&Loader{tx: &Tx{db: g, now: s.Now(), actor: System("seed"), store: s}})
		})
	}
	return translate(s.dialect.loadSession(s.db.WithContext(ctx), run))
}

// Rows writes rows of one table in multi-row INSERTs (see bulkInsert).
type Rows struct{ b *bulkInsert }

// Rows starts writing rows of table with the given columns.
func (l *Loader) Rows(table string, cols ...string) *Rows {
	return &Rows{b: newBulkInsert(l.tx, table, cols...)}
}

// Add queues a row, its values in the order of the columns.
func (r *Rows) Add(vals ...any) error { return r.b.add(vals...) }

// Flush writes the queued rows.
func (r *Rows) Flush() error { return r.b.flush() }

// Total is the number of rows written so far.
func (r *Rows) Total() int { return r.b.total }

// MaxID returns the largest id of a table (0 when empty).
func (l *Loader) MaxID(table string) (int64, error) {
	var id *int64
	err := l.tx.db.Raw("SELECT MAX(id) FROM " + table).Scan(&id).Error
	if id == nil {
		return 0, err
	}
	return *id, err
}

// Count returns the number of rows of a table.
func (l *Loader) Count(table string) (int64, error) {
	var n int64
	err := l.tx.db.Table(table).Count(&n).Error
	return n, err
}

// Department returns the id of the department with the given code,
// creating it (active, at the given time) when there is none.
func (l *Loader) Department(code, name string, at time.Time) (int64, error) {
	var d Department
	if err := l.tx.db.Where("code = ?", code).Take(&d).Error; err == nil {
		return d.ID, nil
	}
	d = Department{Code: code, Name: name, Active: true, CreatedAt: at, UpdatedAt: at}
	err := l.tx.db.Create(&d).Error
	return d.ID, err
}

// PasswordHash hashes a password at the store's cost.
func (l *Loader) PasswordHash(password string) (string, error) {
	h, err := bcrypt.GenerateFromPassword([]byte(password), l.tx.store.bcryptCost)
	return string(h), err
}

// Settings returns the working-time schedule and the SLA rules in force at
// an instant, for tools that compute deadlines as the store would.
func (s *Store) Settings(ctx context.Context, at time.Time) (*worktime.Schedule, scoring.SLA, error) {
	var sched *worktime.Schedule
	var rules scoring.SLA
	err := s.read(ctx, System("seed"), func(tx *Tx) error {
		var err error
		if sched, err = tx.schedule(); err != nil {
			return err
		}
		rules, err = tx.slaRules(at)
		return err
	})
	return sched, rules, err
}

// FinishLoad sets the inquiry reference counters (day YYYYMMDD → last
// number used), recounts the month counts (staff_month_counts), rebuilds
// the service totals and records one audit entry, action "<what>.fill",
// with the summary of the load.
func (s *Store) FinishLoad(ctx context.Context, what string, counters map[string]int, summary any) error {
	return s.write(ctx, System(what), func(tx *Tx) error {
		for day, last := range counters {
			c := refCounter{Day: day, LastNo: last}
			err := tx.db.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "day"}},
				DoUpdates: clause.AssignmentColumns([]string{"last_no"})}).Create(&c).Error
			if err != nil {
				return err
			}
		}
		// The loader wrote conduct records directly: recount them.
		if err := tx.rebuildMonthCounts(); err != nil {
			return err
		}
		// The rows were written around the workflow: the service totals
		// are recomputed from them.
		if err := tx.rebuildServiceTotals(); err != nil {
			return err
		}
		tx.audit(what+".fill", what, 0, nil, summary)
		return nil
	})
}

// Plan computes the clock's deadline and reminder instant from its anchor
// under the schedule; the reminder is due when fraction of the budget is
// left.
func (c *SLAClock) Plan(s *worktime.Schedule, fraction float64) { c.plan(s, fraction) }

// ClockKey names an SLA clock as the store does: "inquiry:12:handover" for
// the first round, "inquiry:12:handover:2" for the next.
func ClockKey(entity string, id int64, kind ClockKind, round int) string {
	return roundKey(entity, id, kind, round)
}

// NeedsReadBack reports whether the category must be read back to the
// visitor (复述确认): complaints and requests for help.
func (c Category) NeedsReadBack() bool { return c.needsReadBack() }

// NeedsGuidance reports whether the disposition needs a guidance note.
func (d Disposition) NeedsGuidance() bool { return d.needsGuidance() }

// ClosesAtOnce reports whether the disposition settles the matter at the
// desk.
func (d Disposition) ClosesAtOnce() bool { return d.closesAtOnce() }

// ViolationType is what a breach of the clock raises.
func (k ClockKind) ViolationType() scoring.ViolationType { return k.violationType() }
