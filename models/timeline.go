package models

import "time"

// EventKind names an entry of an inquiry's timeline.
type EventKind string

// Timeline entries: every step of the matter, who took it and when.
const (
	EventCreated            EventKind = "created"
	EventUpdated            EventKind = "updated"
	EventReferred           EventKind = "referred"
	EventAccepted           EventKind = "accepted"
	EventContacted          EventKind = "contacted"
	EventReferralResolved   EventKind = "referral_resolved"
	EventReturned           EventKind = "returned"
	EventResolved           EventKind = "resolved"
	EventFeedback           EventKind = "feedback"
	EventReopened           EventKind = "reopened"
	EventClosed             EventKind = "closed"
	EventPaused             EventKind = "paused"
	EventResumed            EventKind = "resumed"
	EventExtensionRequested EventKind = "extension_requested"
	EventExtensionApproved  EventKind = "extension_approved"
	EventExtensionRefused   EventKind = "extension_refused"
	EventReminder           EventKind = "reminder"
	EventBreached           EventKind = "breached"
)

// InquiryEvent is one entry of an inquiry's timeline.
type InquiryEvent struct {
	ID         int64     `json:"id"`
	InquiryID  int64     `json:"inquiry_id"`
	ReferralID *int64    `json:"referral_id"`
	Kind       EventKind `json:"kind"`
	ActorID    *int64    `json:"actor_id"`
	OccurredAt time.Time `json:"at"`
	Note       string    `json:"note"`
}

// TableName names the timeline table.
func (InquiryEvent) TableName() string { return "inquiry_events" }

// event appends an entry to an inquiry's timeline, by the transaction's
// actor (none for the system) at the transaction's instant.
func (tx *Tx) event(inquiryID int64, referralID int64, kind EventKind, note string) error {
	_, err := tx.addEvent(inquiryID, referralID, kind, note)
	return err
}

// addEvent is event returning the entry written.
func (tx *Tx) addEvent(inquiryID int64, referralID int64, kind EventKind, note string) (InquiryEvent, error) {
	e := InquiryEvent{InquiryID: inquiryID, Kind: kind, OccurredAt: tx.now, Note: note}
	if referralID != 0 {
		e.ReferralID = &referralID
	}
	if !tx.actor.IsSystem() {
		id := tx.actor.StaffID
		e.ActorID = &id
	}
	return e, tx.db.Create(&e).Error
}

func (tx *Tx) timeline(inquiryID int64) ([]InquiryEvent, error) {
	out := []InquiryEvent{}
	err := tx.db.Where("inquiry_id = ?", inquiryID).Order("id").Find(&out).Error
	return out, err
}
