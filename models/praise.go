package models

import (
	"strings"
	"time"
	"unicode/utf8"

	"firstask/scoring"
)

// Praise is a commendation of a staff member (表扬): a supervisor's praise or
// a visitor's letter or banner. It takes effect when recorded, so it counts
// at once, in its own month if open, else in the first open month after.
type Praise struct {
	ID              int64              `json:"id"`
	StaffID         int64              `json:"staff_id"`
	Kind            scoring.PraiseKind `json:"kind"`
	OccurredAt      time.Time          `json:"occurred_at"`
	InquiryID       *int64             `json:"inquiry_id"`
	Reason          string             `json:"reason"`
	RecordedBy      *int64             `json:"recorded_by"`
	CountedMonth    string             `json:"counted_month"`
	CarriedOverFrom *string            `json:"carried_over_from"`
	CreatedAt       time.Time          `json:"created_at"`
}

// TableName names the praise table.
func (Praise) TableName() string { return "praises" }

// PraiseInput is a praise to record.
type PraiseInput struct {
	StaffID    int64              `json:"staff_id"`
	Kind       scoring.PraiseKind `json:"kind"`
	OccurredAt *time.Time         `json:"occurred_at"`
	InquiryID  *int64             `json:"inquiry_id"`
	Reason     string             `json:"reason"`
}

func (in *PraiseInput) validate(now time.Time) error {
	var v Validation
	in.Reason = strings.TrimSpace(in.Reason)
	v.Check(in.StaffID > 0, "staff_id", "is required")
	v.Check(in.Kind.Valid(), "kind", "must be supervisor_praise or visitor_commendation")
	checkOccurredAt(&v, in.OccurredAt, now)
	if in.InquiryID != nil {
		v.Check(*in.InquiryID > 0, "inquiry_id", "must be an inquiry id")
	}
	v.Check(in.Reason != "", "reason", "is required")
	v.Check(utf8.RuneCountInString(in.Reason) <= maxConductText, "reason", "must be at most %d characters", maxConductText)
	return v.Err()
}

// PraiseFilter selects praise in a list.
type PraiseFilter struct {
	StaffID      int64
	DepartmentID int64 // the department and its sub-departments
	Kind         scoring.PraiseKind
	CountedMonth *scoring.Month
	Page
}
