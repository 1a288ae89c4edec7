package models

import (
	"fmt"
	"time"

	"firstask/scoring"
)

// Counts reports whether the violation deducts in its counted month: once
// verified it counts until an appeal overturns it, so a violation under
// appeal still counts (provisionally) and an upheld one keeps counting.
func (v *Violation) Counts() bool {
	switch v.State {
	case ViolationVerified, ViolationAppealed, ViolationUpheld:
		return true
	}
	return false
}

// countingStates are the states in which a violation deducts (see Counts).
var countingStates = []ViolationState{ViolationVerified, ViolationAppealed, ViolationUpheld}

// Verification is what verifying a violation fixes on it.
type Verification struct {
	By             int64
	Note           string
	Sanction       scoring.Sanction
	WindowCount    int
	RuleVersion    int64
	AppealDeadline time.Time
	Counted        scoring.Month
	CarriedOver    *scoring.Month
}

func violationWrongState(v *Violation, action string) error {
	return Errorf(EConflict, "violation %d is %s; it cannot be %s", v.ID, v.State, action)
}

// Verify marks a reported violation verified (经查实) with its sanction and
// counting month; any other state is a conflict.
func (v *Violation) Verify(now time.Time, vr Verification) error {
	if v.State != ViolationReported {
		return violationWrongState(v, "verified")
	}
	v.State = ViolationVerified
	v.Sanction, v.WindowCount = vr.Sanction, vr.WindowCount
	v.RuleVersion = &vr.RuleVersion
	v.VerifiedBy, v.VerifiedAt = optionalID(vr.By), &now
	v.DecisionNote = optionalText(vr.Note)
	deadline := vr.AppealDeadline
	v.AppealDeadline = &deadline
	counted := vr.Counted
	v.CountedMonth, v.CarriedOverFrom = monthString(&counted), monthString(vr.CarriedOver)
	v.UpdatedAt = now
	return nil
}

// Dismiss marks a reported violation dismissed; any other state is a conflict.
func (v *Violation) Dismiss(now time.Time, by int64, note string) error {
	if v.State != ViolationReported {
		return violationWrongState(v, "dismissed")
	}
	v.State = ViolationDismissed
	v.VerifiedBy, v.VerifiedAt = optionalID(by), &now
	v.DecisionNote = optionalText(note)
	v.UpdatedAt = now
	return nil
}

// Appeal records the staff member's appeal (申诉) of a verified violation,
// within the appeal window (its deadline inclusive).
func (v *Violation) Appeal(now time.Time, explanation string) error {
	if v.State != ViolationVerified {
		return violationWrongState(v, "appealed")
	}
	if v.AppealDeadline != nil && now.After(*v.AppealDeadline) {
		return &Error{Code: EConflict, Message: fmt.Sprintf("the appeal window of violation %d closed at %s", v.ID, v.AppealDeadline.UTC().Format(time.RFC3339)),
			Details: []any{ValueProblem{Field: "appeal_deadline", Value: v.AppealDeadline.UTC().Format(time.RFC3339Nano), Message: "the appeal window has closed"}}}
	}
	v.State = ViolationAppealed
	v.AppealText, v.AppealedAt = &explanation, &now
	v.UpdatedAt = now
	return nil
}

// DecideAppeal upholds or overturns an appealed violation. correction is
// the month an overturned violation gives its points back in when its own
// counted month is already closed (nil otherwise).
func (v *Violation) DecideAppeal(now time.Time, by int64, upheld bool, note string, correction *scoring.Month, points float64) error {
	if v.State != ViolationAppealed {
		return violationWrongState(v, "decided on appeal")
	}
	v.State = ViolationOverturned
	if upheld {
		v.State = ViolationUpheld
	}
	v.AppealDecidedBy, v.AppealDecidedAt = optionalID(by), &now
	v.AppealNote = optionalText(note)
	if !upheld && correction != nil {
		v.CorrectionMonth = monthString(correction)
		v.CorrectionPoints = &points
	}
	v.UpdatedAt = now
	return nil
}

func optionalID(id int64) *int64 {
	if id == 0 {
		return nil
	}
	return &id
}

func optionalText(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
