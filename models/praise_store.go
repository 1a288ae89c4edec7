package models

import (
	"context"
	"net/http"
	"time"
)

// RecordPraise records a praise (supervisors for their department subtree,
// HR and admin for anyone) and counts it in its month, or carried over into
// the first open month when its own is closed.
func (s *Store) RecordPraise(ctx context.Context, a Actor, in PraiseInput) (Praise, error) {
	if err := in.validate(s.Now()); err != nil {
		return Praise{}, err
	}
	var p Praise
	err := s.write(ctx, a, func(tx *Tx) error {
		// A repeated request's key is claimed before any other lock, as
		// every keyed creation does, so that twins queue on it alone.
		if _, err := tx.claimIdempotency(ctx); err != nil {
			return err
		}
		// The month lock comes next (see lockPeriod); the target check after.
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
		d := monthCountDelta{}
		d.praise(&p, 1)
		if err := tx.applyMonthCounts(d); err != nil {
			return err
		}
		tx.audit("praise.record", "praise", p.ID, nil, p)
		return tx.rememberIdempotency(ctx, http.StatusCreated, p)
	})
	return p, err
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
