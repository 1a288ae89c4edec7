package models

import (
	"context"
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

// RecordPraise records a praise (supervisors for their department subtree,
// HR and admin for anyone) and counts it in its month, or carried over into
// the first open month when its own is closed.
func (s *Store) RecordPraise(ctx context.Context, a Actor, in PraiseInput) (Praise, error) {
	if err := in.validate(s.Now()); err != nil {
		return Praise{}, err
	}
	var p Praise
	err := s.write(ctx, a, func(tx *Tx) error {
		// The month lock comes first (see lockPeriod); the target check after.
		counted, carried, err := tx.countingMonth(*in.OccurredAt)
		if err != nil {
			return err
		}
		if _, err := tx.conductTarget(a, in.StaffID); err != nil {
			return err
		}
		if err := tx.checkInquiry(in.InquiryID); err != nil {
			return err
		}
		p = Praise{
			StaffID: in.StaffID, Kind: in.Kind, OccurredAt: in.OccurredAt.UTC().Truncate(time.Millisecond),
			InquiryID: in.InquiryID, Reason: in.Reason, RecordedBy: optionalID(a.StaffID),
			CountedMonth: counted.String(), CarriedOverFrom: monthString(carried), CreatedAt: tx.now,
		}
		if err := tx.db.Create(&p).Error; err != nil {
			return err
		}
		tx.audit("praise.record", "praise", p.ID, nil, p)
		return nil
	})
	return p, err
}

// PraiseFilter selects praise in a list.
type PraiseFilter struct {
	StaffID      int64
	DepartmentID int64 // the department and its sub-departments
	Kind         scoring.PraiseKind
	CountedMonth *scoring.Month
	Page
}

// ListPraise lists the praise in the actor's scope, latest first.
func (s *Store) ListPraise(ctx context.Context, a Actor, f PraiseFilter) ([]Praise, int64, error) {
	var out []Praise
	var total int64
	err := s.read(ctx, a, func(tx *Tx) error {
		sc, err := tx.scopeOf(a)
		if err != nil {
			return err
		}
		q, err := tx.conductQuery(tx.db.Model(&Praise{}), a, sc, f.StaffID, f.DepartmentID)
		if err != nil {
			return err
		}
		if f.Kind != "" {
			q = q.Where("kind = ?", f.Kind)
		}
		if f.CountedMonth != nil {
			q = q.Where("counted_month = ?", f.CountedMonth.String())
		}
		if err := q.Count(&total).Error; err != nil {
			return err
		}
		return q.Order("occurred_at DESC, id DESC").Offset(f.Offset()).Limit(f.Size).Find(&out).Error
	})
	return out, total, err
}
