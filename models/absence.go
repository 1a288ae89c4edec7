package models

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm/clause"
)

// Absence is a period when a person is away from post (leave, off shift).
// Absences move SLA clocks: a contact clock starts when the assignee is
// back.
type Absence struct {
	ID        int64     `json:"id"`
	StaffID   int64     `json:"staff_id"`
	From      time.Time `json:"from" gorm:"column:starts_at"`
	To        time.Time `json:"to" gorm:"column:ends_at"`
	Reason    string    `json:"reason"`
	CreatedBy int64     `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
}

// AbsenceInput is a new absence.
type AbsenceInput struct {
	From   *time.Time `json:"from"`
	To     *time.Time `json:"to"`
	Reason string     `json:"reason"`
}

// ListAbsences returns a staff member's absences, latest first.
func (s *Store) ListAbsences(ctx context.Context, a Actor, staffID int64, p Page) ([]Absence, int64, error) {
	var out []Absence
	var total int64
	err := s.read(ctx, a, func(tx *Tx) error {
		if _, err := tx.staffInScope(a, staffID); err != nil {
			return err
		}
		q := tx.db.Model(&Absence{}).Where("staff_id = ?", staffID)
		if err := q.Count(&total).Error; err != nil {
			return err
		}
		return q.Order("starts_at DESC").Offset(p.Offset()).Limit(p.Size).Find(&out).Error
	})
	return out, total, err
}

// CreateAbsence records an absence.
func (s *Store) CreateAbsence(ctx context.Context, a Actor, staffID int64, in AbsenceInput) (Absence, error) {
	var v Validation
	v.Check(in.From != nil, "from", "is required")
	v.Check(in.To != nil, "to", "is required")
	if in.From != nil && in.To != nil {
		v.Check(in.To.After(*in.From), "to", "must be after from")
	}
	v.Check(utf8.RuneCountInString(in.Reason) <= 200, "reason", "must be at most 200 characters")
	if err := v.Err(); err != nil {
		return Absence{}, err
	}
	ab := Absence{StaffID: staffID, From: in.From.UTC().Truncate(time.Millisecond), To: in.To.UTC().Truncate(time.Millisecond),
		Reason: strings.TrimSpace(in.Reason), CreatedBy: a.StaffID}
	err := s.write(ctx, a, func(tx *Tx) error {
		if _, err := tx.staffInScope(a, staffID); err != nil {
			return err
		}
		ab.CreatedAt = tx.now
		if err := tx.db.Create(&ab).Error; err != nil {
			return err
		}
		tx.audit("absence.create", "absence", ab.ID, nil, ab)
		// An absence recorded after a referral still delays its contact
		// clock: the clock starts at the later of referred_at and the
		// return to post, whenever HR enters the leave.
		return tx.restartContactClocks(staffID)
	})
	return ab, err
}

// ReturnToPost is the instant at or after t when the person is at post: the
// end of the absence covering t, following absences that chain on.
func (tx *Tx) ReturnToPost(staffID int64, t time.Time) (time.Time, error) {
	var abs []Absence
	if err := tx.db.Where("staff_id = ? AND ends_at > ?", staffID, t).Order("starts_at").Find(&abs).Error; err != nil {
		return t, err
	}
	for _, ab := range abs {
		if !ab.From.After(t) && ab.To.After(t) {
			t = ab.To
		}
	}
	return t, nil
}

// AbsencePatch changes an absence; nil fields stay as they are.
type AbsencePatch struct {
	From   *time.Time `json:"from"`
	To     *time.Time `json:"to"`
	Reason *string    `json:"reason"`
}

// absenceOf loads a staff member's absence, locked, for HR (404 when the
// absence is not that person's).
func (tx *Tx) absenceOf(a Actor, staffID, absenceID int64, what string) (Absence, error) {
	var ab Absence
	if err := onlyHR(a, what); err != nil {
		return ab, err
	}
	if _, err := tx.staffInScope(a, staffID); err != nil {
		return ab, err
	}
	var found []Absence
	if err := tx.db.Clauses(clause.Locking{Strength: "UPDATE"}).Where("id = ? AND staff_id = ?", absenceID, staffID).Limit(1).Find(&found).Error; err != nil {
		return ab, err
	}
	if len(found) == 0 {
		return ab, Errorf(ENotFound, "absence %d of staff member %d not found", absenceID, staffID)
	}
	return found[0], nil
}

// UpdateAbsence corrects an absence (HR or admin). A longer absence moves
// the person's running contact clocks to the new return to post, as a new
// one does; a shorter one does not move them back (see docs/decisions.md).
func (s *Store) UpdateAbsence(ctx context.Context, a Actor, staffID, absenceID int64, in AbsencePatch) (Absence, error) {
	var v Validation
	if in.Reason != nil {
		r := strings.TrimSpace(*in.Reason)
		in.Reason = &r
		v.Check(utf8.RuneCountInString(r) <= 200, "reason", "must be at most 200 characters")
	}
	v.Check(in.From != nil || in.To != nil || in.Reason != nil, "from", "give at least one of from, to, reason")
	if err := v.Err(); err != nil {
		return Absence{}, err
	}
	var ab Absence
	err := s.write(ctx, a, func(tx *Tx) error {
		var err error
		if ab, err = tx.absenceOf(a, staffID, absenceID, "correct absences"); err != nil {
			return err
		}
		before := ab
		if in.From != nil {
			ab.From = in.From.UTC().Truncate(time.Millisecond)
		}
		if in.To != nil {
			ab.To = in.To.UTC().Truncate(time.Millisecond)
		}
		if in.Reason != nil {
			ab.Reason = *in.Reason
		}
		if !ab.To.After(ab.From) {
			return Invalid(FieldProblem{Field: "to", Message: "must be after from"})
		}
		if err := tx.db.Model(&Absence{ID: ab.ID}).Select("starts_at", "ends_at", "reason").Updates(&ab).Error; err != nil {
			return err
		}
		tx.audit("absence.update", "absence", ab.ID, before, ab)
		return tx.restartContactClocks(staffID)
	})
	return ab, err
}

// DeleteAbsence removes an absence entered by mistake (HR or admin). The
// audit log keeps what it was.
func (s *Store) DeleteAbsence(ctx context.Context, a Actor, staffID, absenceID int64) error {
	return s.write(ctx, a, func(tx *Tx) error {
		ab, err := tx.absenceOf(a, staffID, absenceID, "delete absences")
		if err != nil {
			return err
		}
		if err := tx.db.Delete(&Absence{}, ab.ID).Error; err != nil {
			return err
		}
		tx.audit("absence.delete", "absence", ab.ID, ab, nil)
		return nil
	})
}
