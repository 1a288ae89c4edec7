package models

import (
	"strconv"
	"strings"
	"time"
)

// ReferralStatus is where a referral stands: pending → accepted →
// contacted → resolved, or returned (wrong department) from pending or
// accepted.
type ReferralStatus string

// Referral statuses.
const (
	ReferralPending   ReferralStatus = "pending"
	ReferralAccepted  ReferralStatus = "accepted"
	ReferralContacted ReferralStatus = "contacted"
	ReferralResolved  ReferralStatus = "resolved"
	ReferralReturned  ReferralStatus = "returned"
)

// AllReferralStatuses lists the statuses.
var AllReferralStatuses = []ReferralStatus{ReferralPending, ReferralAccepted, ReferralContacted, ReferralResolved, ReferralReturned}

// Referral hands an inquiry to a responsible department, or to a person in
// it (移交 / 转办). Without to_staff_id it waits in the department's queue
// until one of its members or supervisors accepts it.
type Referral struct {
	ID             int64          `json:"id"`
	InquiryID      int64          `json:"inquiry_id"`
	FromStaffID    int64          `json:"from_staff_id"`
	ToDepartmentID int64          `json:"to_department_id"`
	ToStaffID      *int64         `json:"to_staff_id"`
	Note           string         `json:"note"`
	ReferredAt     time.Time      `json:"referred_at"`
	Status         ReferralStatus `json:"status"`
	// LiveInquiryID equals InquiryID while the referral is live and is
	// NULL after; its unique key allows one live referral per inquiry.
	LiveInquiryID *int64     `json:"-"`
	AcceptedAt    *time.Time `json:"accepted_at"`
	AcceptedBy    *int64     `json:"accepted_by"`
	ContactedAt   *time.Time `json:"contacted_at"`
	ContactedBy   *int64     `json:"contacted_by"`
	ContactNote   string     `json:"contact_note"`
	ResolvedAt    *time.Time `json:"resolved_at"`
	ResolvedBy    *int64     `json:"resolved_by"`
	Resolution    string     `json:"resolution"`
	ReturnedAt    *time.Time `json:"returned_at"`
	ReturnedBy    *int64     `json:"returned_by"`
	ReturnReason  string     `json:"return_reason"`
	CreatedAt     time.Time  `json:"created_at"`
	UpdatedAt     time.Time  `json:"updated_at"`

	// InquiryRef and Clock are filled on reads: the inquiry's reference and
	// the referral's contact clock.
	InquiryRef string     `json:"inquiry_ref" gorm:"-"`
	Clock      *ClockView `json:"sla" gorm:"-"`
}

// Live reports whether the referral is still being worked.
func (r *Referral) Live() bool {
	return r.Status == ReferralPending || r.Status == ReferralAccepted || r.Status == ReferralContacted
}

// IsQueue reports whether the referral waits in a department queue.
func (r *Referral) IsQueue() bool { return r.ToStaffID == nil }

func wrongState(r *Referral, action string, want ...ReferralStatus) error {
	return &Error{Code: EConflict, Message: "referral " + itoa(r.ID) + " is " + string(r.Status) + "; only a " +
		enumList(want) + " referral can be " + action}
}

// Accept takes a pending referral on; accepting from a department queue
// makes the person who accepts it the assignee.
func (r *Referral) Accept(by int64, now time.Time) error {
	if r.Status != ReferralPending {
		return wrongState(r, "accepted", ReferralPending)
	}
	r.Status, r.AcceptedAt, r.AcceptedBy = ReferralAccepted, &now, &by
	if r.ToStaffID == nil {
		r.ToStaffID = &by
	}
	return nil
}

// Contact records that the responsible person reached the visitor.
func (r *Referral) Contact(by int64, note string, now time.Time) error {
	if r.Status != ReferralAccepted {
		return wrongState(r, "marked contacted", ReferralAccepted)
	}
	r.Status, r.ContactedAt, r.ContactedBy, r.ContactNote = ReferralContacted, &now, &by, note
	return nil
}

// Resolve records the resolution of a referral whose visitor was contacted.
func (r *Referral) Resolve(by int64, resolution string, now time.Time) error {
	if r.Status != ReferralContacted {
		return wrongState(r, "resolved", ReferralContacted)
	}
	r.Status, r.ResolvedAt, r.ResolvedBy, r.Resolution, r.LiveInquiryID = ReferralResolved, &now, &by, resolution, nil
	return nil
}

// Return sends a referral back as not this department's business, before
// the visitor was contacted.
func (r *Referral) Return(by int64, reason string, now time.Time) error {
	if r.Status != ReferralPending && r.Status != ReferralAccepted {
		return wrongState(r, "returned", ReferralPending, ReferralAccepted)
	}
	r.Status, r.ReturnedAt, r.ReturnedBy, r.ReturnReason, r.LiveInquiryID = ReferralReturned, &now, &by, reason, nil
	return nil
}

// ReferralInput is a new referral.
type ReferralInput struct {
	ToDepartmentID *int64 `json:"to_department_id"`
	ToStaffID      *int64 `json:"to_staff_id"`
	Note           string `json:"note"`
}

func (in *ReferralInput) check(v *Validation, prefix string) {
	in.Note = strings.TrimSpace(in.Note)
	v.Check(in.ToDepartmentID != nil && *in.ToDepartmentID > 0, prefix+"to_department_id", "is required")
	v.Check(in.ToStaffID == nil || *in.ToStaffID > 0, prefix+"to_staff_id", "must be a staff id")
	v.Check(runes(in.Note) <= maxNote, prefix+"note", "must be at most %d characters", maxNote)
}

// ReferralAction carries the text of an action on a referral: the contact
// note, the resolution or the return reason.
type ReferralAction struct {
	Note       string `json:"note"`
	Resolution string `json:"resolution"`
	Reason     string `json:"reason"`
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
