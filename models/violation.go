package models

import (
	"fmt"
	"time"

	"firstask/scoring"
)

// ViolationState is where a violation stands in its life.
type ViolationState string

// Violation states: reported → verified | dismissed; verified → appealed →
// upheld | overturned. Only verified and upheld violations deduct.
const (
	ViolationReported   ViolationState = "reported"
	ViolationVerified   ViolationState = "verified"
	ViolationDismissed  ViolationState = "dismissed"
	ViolationAppealed   ViolationState = "appealed"
	ViolationUpheld     ViolationState = "upheld"
	ViolationOverturned ViolationState = "overturned"
)

// ViolationSource says how a violation came to be recorded.
type ViolationSource string

// Violation sources.
const (
	SourceSupervisor       ViolationSource = "supervisor"
	SourceSLA              ViolationSource = "sla"
	SourceVisitorComplaint ViolationSource = "visitor_complaint"
)

// Violation is a breach of the first-inquiry rules (违规记录).
type Violation struct {
	ID              int64                 `json:"id"`
	StaffID         int64                 `json:"staff_id"`
	Type            scoring.ViolationType `json:"type"`
	Severity        scoring.Severity      `json:"severity"`
	OccurredAt      time.Time             `json:"occurred_at"`
	InquiryID       *int64                `json:"inquiry_id"`
	Description     string                `json:"description"`
	Evidence        string                `json:"evidence"`
	Source          ViolationSource       `json:"source"`
	SLAClock        *string               `json:"sla_clock,omitempty"`
	ReportedBy      *int64                `json:"reported_by"`
	State           ViolationState        `json:"state"`
	Sanction        scoring.Sanction      `json:"sanction"`
	RuleVersion     *int64                `json:"rule_version"`
	WindowCount     int                   `json:"window_count"`
	VerifiedBy      *int64                `json:"verified_by"`
	VerifiedAt      *time.Time            `json:"verified_at"`
	DecisionNote    *string               `json:"decision_note"`
	AppealText      *string               `json:"appeal_text"`
	AppealedAt      *time.Time            `json:"appealed_at"`
	AppealDeadline  *time.Time            `json:"appeal_deadline"`
	AppealDecidedBy *int64                `json:"appeal_decided_by"`
	AppealDecidedAt *time.Time            `json:"appeal_decided_at"`
	AppealNote      *string               `json:"appeal_note"`
	CountedMonth    *string               `json:"counted_month"`
	CarriedOverFrom *string               `json:"carried_over_from"`
	CorrectionMonth *string               `json:"correction_month"`
	// CorrectionPoints is what an overturned violation gives back in its correction month.
	CorrectionPoints *float64  `json:"correction_points"`
	CreatedAt        time.Time `json:"created_at"`
	UpdatedAt        time.Time `json:"updated_at"`
}

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
