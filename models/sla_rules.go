package models

import (
	"time"

	"firstask/scoring"
)

// slaRules returns the SLA durations in force at an instant. Every SLA
// computation reads its configuration through here: the SLA section of the
// rule set version effective for the month of at (see effectiveRules).
func (tx *Tx) slaRules(at time.Time) (scoring.SLA, error) {
	m := scoring.MonthOf(at, tx.store.loc)
	if tx.cfg != nil {
		if sla, ok, err := tx.configSLA(m); ok || err != nil {
			return sla, err
		}
	}
	rules, _, err := tx.effectiveRules(m)
	return rules.SLA, err
}
