package models

import (
	"context"
	"time"
)

// Appeal states of a violation as its staff member sees them.
const (
	AppealNotAppealable = "not_appealable" // reported or dismissed: nothing to appeal
	AppealOpen          = "open"           // verified, the window still open
	AppealExpired       = "expired"        // verified, the window closed unused
	AppealPending       = "pending"        // appealed, awaiting HR's decision
	AppealUpheld        = "upheld"
	AppealOverturned    = "overturned"
)

// ConductViolation is a violation with where its appeal stands.
type ConductViolation struct {
	Violation
	AppealState string `json:"appeal_state"`
	CanAppeal   bool   `json:"can_appeal"`
}

// Conduct is a staff member's own conduct record: every violation (with
// its appeal state and deadline) and every praise, latest first.
type Conduct struct {
	Violations []ConductViolation `json:"violations"`
	Praise     []Praise           `json:"praise"`
}

// appealState says where v's appeal stands at now.
func appealState(v *Violation, now time.Time) string {
	switch v.State {
	case ViolationVerified:
		if v.AppealDeadline != nil && now.After(*v.AppealDeadline) {
			return AppealExpired
		}
		return AppealOpen
	case ViolationAppealed:
		return AppealPending
	case ViolationUpheld:
		return AppealUpheld
	case ViolationOverturned:
		return AppealOverturned
	}
	return AppealNotAppealable
}

// MyConduct returns the actor's own violations and praise.
func (s *Store) MyConduct(ctx context.Context, a Actor) (Conduct, error) {
	out := Conduct{Violations: []ConductViolation{}, Praise: []Praise{}}
	err := s.read(ctx, a, func(tx *Tx) error {
		var vs []Violation
		if err := tx.db.Where("staff_id = ?", a.StaffID).Order("occurred_at DESC, id DESC").Find(&vs).Error; err != nil {
			return err
		}
		for i := range vs {
			st := appealState(&vs[i], tx.now)
			out.Violations = append(out.Violations, ConductViolation{Violation: vs[i], AppealState: st, CanAppeal: st == AppealOpen})
		}
		return tx.db.Where("staff_id = ?", a.StaffID).Order("occurred_at DESC, id DESC").Find(&out.Praise).Error
	})
	return out, err
}
