package models

import (
	"strings"
	"time"
)

// ExtensionStatus is where a request for more time stands.
type ExtensionStatus string

// Extension statuses.
const (
	ExtensionPending  ExtensionStatus = "pending"
	ExtensionApproved ExtensionStatus = "approved"
	ExtensionRefused  ExtensionStatus = "refused"
)

// Extension is a request by a clock's owner for a later deadline (延期),
// decided by a supervisor over the clock's department or by HR.
type Extension struct {
	ID          int64           `json:"id"`
	ClockID     int64           `json:"clock_id"`
	InquiryID   int64           `json:"inquiry_id"`
	ReferralID  *int64          `json:"referral_id"`
	RequestedBy int64           `json:"requested_by"`
	Reason      string          `json:"reason"`
	OldDeadline time.Time       `json:"old_deadline"`
	NewDeadline time.Time       `json:"new_deadline"`
	Status      ExtensionStatus `json:"status"`
	// PendingClockID is the clock while the request is pending, NULL after:
	// its unique key allows one pending request per clock.
	PendingClockID *int64     `json:"-"`
	DecidedBy      *int64     `json:"decided_by"`
	DecidedAt      *time.Time `json:"decided_at"`
	DecisionNote   string     `json:"decision_note"`
	CreatedAt      time.Time  `json:"created_at"`
	UpdatedAt      time.Time  `json:"updated_at"`

	ClockKind  ClockKind `json:"clock_kind" gorm:"-"`
	InquiryRef string    `json:"inquiry_ref" gorm:"-"`
}

// TableName names the extensions table.
func (Extension) TableName() string { return "sla_extensions" }

// ExtensionInput asks for a later deadline. Clock names the inquiry clock
// (handover or feedback) when asking on an inquiry; a referral's request
// is always for its contact clock.
type ExtensionInput struct {
	Clock       string     `json:"clock"`
	Reason      string     `json:"reason"`
	NewDeadline *time.Time `json:"new_deadline"`
}

// ExtensionDecision approves or refuses a request, with an optional note.
type ExtensionDecision struct {
	Note string `json:"note"`
}

func (in *ExtensionInput) check(v *Validation) {
	in.Reason = strings.TrimSpace(in.Reason)
	v.Check(in.Reason != "" && runes(in.Reason) <= maxReason, "reason", "must be 1–%d characters", maxReason)
	v.Check(in.NewDeadline != nil, "new_deadline", "is required")
}

// ExtensionFilter selects requests for more time.
type ExtensionFilter struct {
	Status string
	Page
}
