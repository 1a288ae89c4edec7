package models

import (
	"errors"
	"time"

	"gorm.io/gorm"

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

// SLABreach describes a breached SLA clock that must become a violation.
type SLABreach struct {
	// Clock identifies the clock uniquely, e.g. "referral:12:contact"; the
	// unique key on it makes raising idempotent across scans and instances.
	Clock       string
	StaffID     int64
	Type        scoring.ViolationType
	OccurredAt  time.Time // the deadline that passed
	InquiryID   int64
	Description string
}

// raiseSLAViolation records a reported violation with source sla for a
// breached clock, exactly once per clock: a second call for the same clock
// (from another scan or another instance) finds the unique key taken and
// reports created=false without failing the transaction.
func (tx *Tx) raiseSLAViolation(b SLABreach) (Violation, bool, error) {
	var existing Violation
	err := tx.db.Where("sla_clock = ?", b.Clock).Take(&existing).Error
	if err == nil {
		return existing, false, nil
	}
	if !errors.Is(err, gorm.ErrRecordNotFound) {
		return existing, false, err
	}
	clock := b.Clock
	inquiry := b.InquiryID
	v := Violation{
		StaffID: b.StaffID, Type: b.Type, Severity: scoring.SeverityMinor,
		OccurredAt: b.OccurredAt.UTC().Truncate(time.Millisecond), Description: b.Description,
		Source: SourceSLA, SLAClock: &clock, State: ViolationReported,
		CreatedAt: tx.now, UpdatedAt: tx.now,
	}
	if inquiry != 0 {
		v.InquiryID = &inquiry
	}
	// A savepoint keeps the surrounding transaction usable on MySQL and
	// SQLite alike when the insert loses a race on the unique key.
	err = tx.db.Transaction(func(sp *gorm.DB) error { return sp.Create(&v).Error })
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		return existing, false, nil
	}
	if err != nil {
		return v, false, err
	}
	tx.audit("violation.raise", "violation", v.ID, nil, v)
	return v, true, nil
}
