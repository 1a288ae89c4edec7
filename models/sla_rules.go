package models

import (
	"time"

	"firstask/scoring"
)

// slaRules returns the SLA durations in force at an instant. Every SLA
// computation reads its configuration through here: the SLA section of the
// rule set version effective for the month of at (see effectiveRules).
func (tx *Tx) slaRules(at time.Time) (scoring.SLA, error) {
	rules, _, err := tx.effectiveRules(scoring.MonthOf(at, tx.store.loc))
	return rules.SLA, err
}
