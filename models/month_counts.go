package models

import (
	"slices"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// staffMonthCount is one person's conduct counts in one month, kept in
// staff_month_counts (migration 00151) as the records change, in the same
// transaction: a cache of four COUNTs over violations and praises that
// the month summary (GetPeriod) sums instead of counting a month's records
// one index entry at a time. It holds counts only, never points: what a
// record is worth stays with the scoring package. rebuildMonthCounts
// recomputes it from the records.
type staffMonthCount struct {
	Month             string `gorm:"primaryKey"`
	StaffID           int64  `gorm:"primaryKey;autoIncrement:false"`
	CountedViolations int64  // counted_month = Month, state verified, appealed or upheld
	CountedPraise     int64  // counted_month = Month
	Corrections       int64  // correction_month = Month, state overturned
	UndecidedAppeals  int64  // counted_month = Month, state appealed
}

// TableName names the counts table.
func (staffMonthCount) TableName() string { return "staff_month_counts" }

// monthCountKey is one row of staff_month_counts.
type monthCountKey struct {
	month string
	staff int64
}

// monthCountDelta is what a change of records does to staff_month_counts.
type monthCountDelta map[monthCountKey]*staffMonthCount

func (d monthCountDelta) at(month string, staff int64) *staffMonthCount {
	k := monthCountKey{month, staff}
	c := d[k]
	if c == nil {
		c = &staffMonthCount{Month: month, StaffID: staff}
		d[k] = c
	}
	return c
}

// violation adds sign times what violation v contributes to the counts.
func (d monthCountDelta) violation(v *Violation, sign int64) {
	if v == nil {
		return
	}
	if v.CountedMonth != nil && slices.Contains(countingStates, v.State) {
		c := d.at(*v.CountedMonth, v.StaffID)
		c.CountedViolations += sign
		if v.State == ViolationAppealed {
			c.UndecidedAppeals += sign
		}
	}
	if v.CorrectionMonth != nil && v.State == ViolationOverturned {
		d.at(*v.CorrectionMonth, v.StaffID).Corrections += sign
	}
}

// praise adds sign times what praise p contributes to the counts.
func (d monthCountDelta) praise(p *Praise, sign int64) {
	d.at(p.CountedMonth, p.StaffID).CountedPraise += sign
}

// applyMonthCounts adds the delta to staff_month_counts: one upsert per
// row that changes, which adds to the stored counts (an UPDATE of the row
// under its lock, so concurrent writers for the same person add up instead
// of overwriting each other).
func (tx *Tx) applyMonthCounts(d monthCountDelta) error {
	keys := make([]monthCountKey, 0, len(d))
	for k, c := range d {
		if *c != (staffMonthCount{Month: c.Month, StaffID: c.StaffID}) {
			keys = append(keys, k)
		}
	}
	// A fixed order keeps two writers from locking the same rows crosswise.
	slices.SortFunc(keys, func(a, b monthCountKey) int {
		if a.month != b.month {
			if a.month < b.month {
				return -1
			}
			return 1
		}
		return int(a.staff - b.staff)
	})
	for _, k := range keys {
		c := d[k]
		add := func(col string, n int64) clause.Assignment {
			return clause.Assignment{Column: clause.Column{Name: col}, Value: gorm.Expr(col+" + ?", n)}
		}
		err := tx.db.Clauses(clause.OnConflict{
			Columns: []clause.Column{{Name: "month"}, {Name: "staff_id"}},
			DoUpdates: clause.Set{
				add("counted_violations", c.CountedViolations), add("counted_praise", c.CountedPraise),
				add("corrections", c.Corrections), add("undecided_appeals", c.UndecidedAppeals),
			},
		}).Create(c).Error
		if err != nil {
			return err
		}
	}
	return nil
}

// violationChanged keeps staff_month_counts in step with a violation
// written as after, that was before (nil: new).
func (tx *Tx) violationChanged(before, after *Violation) error {
	d := monthCountDelta{}
	d.violation(before, -1)
	d.violation(after, 1)
	return tx.applyMonthCounts(d)
}

// monthCountsQuery is the counts recomputed from the records, one row per
// month and person with any: what staff_month_counts must hold.
const monthCountsQuery = `SELECT month, staff_id, SUM(cv) AS counted_violations, SUM(cp) AS counted_praise,
  SUM(co) AS corrections, SUM(ua) AS undecided_appeals FROM (
  SELECT counted_month AS month, staff_id, 1 AS cv, 0 AS cp, 0 AS co, CASE WHEN state = 'appealed' THEN 1 ELSE 0 END AS ua
    FROM violations WHERE counted_month IS NOT NULL AND state IN ('verified', 'appealed', 'upheld')
  UNION ALL SELECT counted_month, staff_id, 0, 1, 0, 0 FROM praises
  UNION ALL SELECT correction_month, staff_id, 0, 0, 1, 0 FROM violations WHERE correction_month IS NOT NULL AND state = 'overturned'
) AS c GROUP BY month, staff_id`

// rebuildMonthCounts recomputes staff_month_counts from the records (after
// a bulk load that wrote records directly, as the seed does).
func (tx *Tx) rebuildMonthCounts() error {
	if err := tx.db.Exec("DELETE FROM staff_month_counts").Error; err != nil {
		return err
	}
	return tx.db.Exec("INSERT INTO staff_month_counts (month, staff_id, counted_violations, counted_praise, corrections, undecided_appeals) " + monthCountsQuery).Error
}

// monthTotals are a month's counts summed over the people of a scope.
type monthTotals struct {
	CountedViolations int64
	CountedPraise     int64
	Corrections       int64
	UndecidedAppeals  int64
}

// monthTotals sums staff_month_counts for a month over the people of
// scope (cond, args: scoreScope.clause on staff_id; "" for everyone).
func (tx *Tx) monthTotals(month, cond string, args []any) (monthTotals, error) {
	var t monthTotals
	q := tx.db.Model(&staffMonthCount{}).Where("month = ?", month)
	if cond != "" {
		q = q.Where(cond, args...)
	}
	err := q.Select("COALESCE(SUM(counted_violations), 0) AS counted_violations, COALESCE(SUM(counted_praise), 0) AS counted_praise, " +
		"COALESCE(SUM(corrections), 0) AS corrections, COALESCE(SUM(undecided_appeals), 0) AS undecided_appeals").Scan(&t).Error
	return t, err
}
