package models

import "time"

// PeriodState is open or closed.
type PeriodState string

// Period states: a month opens on first use and is closed once by HR.
const (
	PeriodOpen   PeriodState = "open"
	PeriodClosed PeriodState = "closed"
)

// Period is an appraisal month (考核周期).
type Period struct {
	Month       string      `json:"month" gorm:"primaryKey"`
	State       PeriodState `json:"state"`
	RuleVersion *int64      `json:"rule_version"`
	OpenedAt    time.Time   `json:"opened_at"`
	ClosedAt    *time.Time  `json:"closed_at"`
	ClosedBy    *int64      `json:"closed_by"`
}
