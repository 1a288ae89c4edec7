package models

import (
	"time"

	"gorm.io/gorm/clause"

	"firstask/scoring"
)

// lockPeriod opens month m on first use (inserting its open row, audited)
// and locks its row until the transaction ends. Everything that counts a
// record into a month, decides an appeal of it or closes it takes this lock
// first, so a close and a record arriving for the same month are ordered:
// either the record commits first and the close's snapshot sees it, or the
// close commits first and the record sees the month closed and moves on.
//
// On MySQL the lock must come before the transaction's first plain read:
// InnoDB fixes a repeatable-read snapshot at the first non-locking read, and
// a close whose snapshot predated a record committed while it waited would
// miss that record.
func (tx *Tx) lockPeriod(m scoring.Month) (Period, error) {
	row := Period{Month: m.String(), State: PeriodOpen, OpenedAt: tx.now}
	res := tx.db.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "month"}}, DoNothing: true}).Create(&row)
	if res.Error != nil {
		return Period{}, res.Error
	}
	if res.RowsAffected == 1 {
		tx.audit("period.open", "period", periodEntityID(m), nil, row)
	}
	var p Period
	err := tx.db.Clauses(clause.Locking{Strength: "UPDATE"}).Where("month = ?", m.String()).Take(&p).Error
	return p, err
}

// periodEntityID is the audit entity id of a month: YYYYMM as a number.
func periodEntityID(m scoring.Month) int64 { return int64(m.Year*100 + int(m.Mon)) }

// countingMonth finds the month a record that occurred at occurredAt counts
// in when it takes effect now (scoring.CountingMonth): its own month if open,
// else the first open month after it. Each month it looks at is opened on
// first use and locked (lockPeriod), so the answer holds until commit.
// carried is the record's own month when it counts in a later one.
func (tx *Tx) countingMonth(occurredAt time.Time) (counted scoring.Month, carried *scoring.Month, err error) {
	own := scoring.MonthOf(occurredAt, tx.store.loc)
	return tx.firstOpenFrom(own)
}

// firstOpenFrom is countingMonth for a month rather than an instant.
func (tx *Tx) firstOpenFrom(own scoring.Month) (counted scoring.Month, carried *scoring.Month, err error) {
	isClosed := func(m scoring.Month) bool {
		if err != nil {
			return false
		}
		var p Period
		p, err = tx.lockPeriod(m)
		return err == nil && p.State == PeriodClosed
	}
	counted, carriedOver := scoring.CountingMonth(own, isClosed, scoring.Month{})
	if err != nil {
		return scoring.Month{}, nil, err
	}
	if carriedOver {
		carried = &own
	}
	return counted, carried, nil
}

// monthString is a month as the text stored in the database.
func monthString(m *scoring.Month) *string {
	if m == nil {
		return nil
	}
	s := m.String()
	return &s
}
