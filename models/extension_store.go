package models

import (
	"context"
	"errors"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// RequestReferralExtension asks for more time on a referral's contact
// clock; only the clock's owner may, before it expires.
func (s *Store) RequestReferralExtension(ctx context.Context, a Actor, referralID int64, in ExtensionInput) (Extension, error) {
	var v Validation
	in.check(&v)
	v.Check(in.Clock == "" || in.Clock == string(ClockContact), "clock", "a referral's extension is for its contact clock")
	if err := v.Err(); err != nil {
		return Extension{}, err
	}
	var out Extension
	err := s.write(ctx, a, func(tx *Tx) error {
		r, inq, err := tx.referralFor(a, referralID, true, false)
		if err != nil {
			return err
		}
		var c SLAClock
		err = tx.db.Clauses(clause.Locking{Strength: "UPDATE"}).Where("referral_id = ? AND kind = ?", r.ID, ClockContact).Order("id DESC").Take(&c).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return Errorf(EConflict, "referral %d has no contact clock", r.ID)
		}
		if err != nil {
			return err
		}
		out, err = tx.requestExtension(a, &c, &inq, in)
		return err
	})
	return out, err
}

// RequestInquiryExtension asks for more time on an inquiry's hand-over or
// feedback clock; only its owner (the first responder) may, before it
// expires.
func (s *Store) RequestInquiryExtension(ctx context.Context, a Actor, inquiryID int64, in ExtensionInput) (Extension, error) {
	var v Validation
	in.check(&v)
	kind := ClockKind(in.Clock)
	v.Check(kind == ClockHandover || kind == ClockFeedback, "clock", "must be handover or feedback")
	if err := v.Err(); err != nil {
		return Extension{}, err
	}
	var out Extension
	err := s.write(ctx, a, func(tx *Tx) error {
		inq, _, err := tx.inquiryFor(a, inquiryID, true, false)
		if err != nil {
			return err
		}
		var c SLAClock
		err = tx.db.Clauses(clause.Locking{Strength: "UPDATE"}).Where("inquiry_id = ? AND kind = ? AND state <> ?", inq.ID, kind, ClockStopped).Order("id DESC").Take(&c).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return Errorf(EConflict, "inquiry %s has no running %s clock", inq.Ref, kind)
		}
		if err != nil {
			return err
		}
		out, err = tx.requestExtension(a, &c, &inq, in)
		return err
	})
	return out, err
}

func (tx *Tx) requestExtension(a Actor, c *SLAClock, inq *Inquiry, in ExtensionInput) (Extension, error) {
	if err := mayExtend(a, c); err != nil {
		return Extension{}, err
	}
	switch {
	case c.State != ClockRunning:
		return Extension{}, Errorf(EConflict, "the %s clock is %s; only a running clock can be extended", c.Kind, c.State)
	case tx.now.After(c.DeadlineAt):
		return Extension{}, Errorf(EConflict, "the %s clock expired at %s; ask before the deadline", c.Kind, c.DeadlineAt.Format(time.RFC3339))
	}
	newDeadline := in.NewDeadline.UTC().Truncate(time.Millisecond)
	sched, err := tx.schedule()
	if err != nil {
		return Extension{}, err
	}
	if !newDeadline.After(c.DeadlineAt) || sched.Between(c.DeadlineAt, newDeadline) <= 0 {
		return Extension{}, Invalid(FieldProblem{"new_deadline", "must add working time after the current deadline " + c.DeadlineAt.Format(time.RFC3339)})
	}
	ext := Extension{
		ClockID: c.ID, InquiryID: c.InquiryID, ReferralID: c.ReferralID, RequestedBy: a.StaffID, Reason: in.Reason,
		OldDeadline: c.DeadlineAt, NewDeadline: newDeadline, Status: ExtensionPending, PendingClockID: &c.ID,
		CreatedAt: tx.now, UpdatedAt: tx.now,
	}
	if err := tx.db.Create(&ext).Error; err != nil {
		if errors.Is(err, gorm.ErrDuplicatedKey) {
			return ext, Errorf(EConflict, "a request for more time on this clock is already pending")
		}
		return ext, err
	}
	tx.audit("extension.request", "extension", ext.ID, nil, ext)
	refID := int64(0)
	if c.ReferralID != nil {
		refID = *c.ReferralID
	}
	if err := tx.event(inq.ID, refID, EventExtensionRequested, in.Reason); err != nil {
		return ext, err
	}
	sup, err := tx.supervisorOf(c.DepartmentID, a.StaffID)
	if err != nil {
		return ext, err
	}
	if err := tx.notify(sup, NotifyExtension, "延期申请 "+inq.Ref,
		"申请将"+c.Kind.label()+"延至 "+newDeadline.In(tx.store.loc).Format("2006-01-02 15:04")+"："+truncateRunes(in.Reason, 80), "extension", ext.ID); err != nil {
		return ext, err
	}
	ext.ClockKind, ext.InquiryRef = c.Kind, inq.Ref
	if err := tx.robotExtension(&ext, c, "延期申请："+c.Kind.label(), sup); err != nil {
		return ext, err
	}
	return ext, tx.emit("extension.requested", "extension", ext.ID, ext)
}

// DecideExtension approves or refuses a pending request. The decider is a
// supervisor over the clock's department or HR, never the requester. An
// approval moves the deadline by the working time between the old and the
// new one; a clock that already expired, stopped or breached cannot be
// extended any more (409: the request lapsed).
func (s *Store) DecideExtension(ctx context.Context, a Actor, id int64, approve bool, in ExtensionDecision) (Extension, error) {
	note := strings.TrimSpace(in.Note)
	if runes(note) > maxReason {
		return Extension{}, Invalid(FieldProblem{"note", "must be at most 500 characters"})
	}
	var out Extension
	err := s.write(ctx, a, func(tx *Tx) error {
		var ext Extension
		err := tx.db.Where("id = ?", id).Take(&ext).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return Errorf(ENotFound, "extension %d not found", id)
		}
		if err != nil {
			return err
		}
		inq, _, err := tx.inquiryFor(System(a.RequestID), ext.InquiryID, true, false)
		if err != nil {
			return err
		}
		c, err := tx.clockByID(ext.ClockID)
		if err != nil {
			return err
		}
		if err := tx.db.Clauses(clause.Locking{Strength: "UPDATE"}).Where("id = ?", id).Take(&ext).Error; err != nil {
			return err
		}
		sc, err := tx.scopeOf(a)
		if err != nil {
			return err
		}
		if err := mayDecideExtension(a, sc, &ext, c.DepartmentID); err != nil {
			return err
		}
		if ext.Status != ExtensionPending {
			return Errorf(EConflict, "extension %d is already %s", ext.ID, ext.Status)
		}
		before := ext
		now, by := tx.now, a.StaffID
		ext.DecidedAt, ext.DecidedBy, ext.DecisionNote, ext.PendingClockID, ext.UpdatedAt = &now, &by, note, nil, now
		kind, action, text := EventExtensionRefused, "refuse", "延期申请未获批准"
		ext.Status = ExtensionRefused
		if approve {
			if err := tx.extendClock(&c, ext.OldDeadline, ext.NewDeadline); err != nil {
				return err
			}
			ext.Status = ExtensionApproved
			kind, action, text = EventExtensionApproved, "approve", "延期申请已批准，新时限 "+c.DeadlineAt.In(tx.store.loc).Format("2006-01-02 15:04")
		}
		if err := tx.db.Select("*").Omit("created_at").Updates(&ext).Error; err != nil {
			return err
		}
		tx.audit("extension."+action, "extension", ext.ID, before, ext)
		refID := int64(0)
		if ext.ReferralID != nil {
			refID = *ext.ReferralID
		}
		if err := tx.event(inq.ID, refID, kind, note); err != nil {
			return err
		}
		if err := tx.notify(ext.RequestedBy, NotifyExtension, text+" "+inq.Ref, note, "extension", ext.ID); err != nil {
			return err
		}
		ext.ClockKind, ext.InquiryRef = c.Kind, inq.Ref
		out = ext
		if err := tx.robotExtension(&ext, &c, text, ext.RequestedBy); err != nil {
			return err
		}
		return tx.emit("extension."+string(ext.Status), "extension", ext.ID, ext)
	})
	return out, err
}

// extendClock adds the working time between two deadlines to a clock.
func (tx *Tx) extendClock(c *SLAClock, from, to time.Time) error {
	switch {
	case c.State == ClockStopped:
		return Errorf(EConflict, "the %s clock has stopped; the request lapsed", c.Kind)
	case c.BreachedAt != nil, c.State == ClockRunning && tx.now.After(c.DeadlineAt):
		return Errorf(EConflict, "the %s clock expired before the decision; the request lapsed", c.Kind)
	}
	sched, err := tx.schedule()
	if err != nil {
		return err
	}
	rules, err := tx.slaRules(c.StartedAt)
	if err != nil {
		return err
	}
	before := *c
	extra := msOf(sched.Between(from, to))
	c.BudgetMS += extra
	c.AnchorLeftMS += extra
	c.UpdatedAt = tx.now
	if c.State == ClockRunning {
		c.plan(sched, rules.ReminderFraction)
	}
	if err := tx.db.Model(c).Select("budget_ms", "anchor_left_ms", "deadline_at", "remind_at", "updated_at").Updates(c).Error; err != nil {
		return err
	}
	tx.audit("sla_clock.extend", "sla_clock", c.ID, before, *c)
	return nil
}

// ListExtensions lists requests for more time, newest first: staff their
// own, supervisors those on clocks of their departments (and their own),
// HR all.
func (s *Store) ListExtensions(ctx context.Context, a Actor, f ExtensionFilter) ([]Extension, int64, error) {
	if f.Status != "" && f.Status != string(ExtensionPending) && f.Status != string(ExtensionApproved) && f.Status != string(ExtensionRefused) {
		return nil, 0, Invalid(FieldProblem{"status", "must be one of pending, approved, refused"})
	}
	var out []Extension
	var total int64
	err := s.read(ctx, a, func(tx *Tx) error {
		sc, err := tx.scopeOf(a)
		if err != nil {
			return err
		}
		q := extensionScope(tx.db.Model(&Extension{}), a, sc)
		if f.Status != "" {
			q = q.Where("status = ?", f.Status)
		}
		if err := q.Count(&total).Error; err != nil {
			return err
		}
		if err := q.Order("id DESC").Offset(f.Offset()).Limit(f.Size).Find(&out).Error; err != nil {
			return err
		}
		return tx.presentExtensions(out)
	})
	return out, total, err
}

func (tx *Tx) presentExtensions(exts []Extension) error {
	if len(exts) == 0 {
		return nil
	}
	clockIDs, inqIDs := make([]int64, len(exts)), make([]int64, len(exts))
	for i, e := range exts {
		clockIDs[i], inqIDs[i] = e.ClockID, e.InquiryID
	}
	var clocks []SLAClock
	if err := tx.db.Select("id, kind").Where("id IN ?", clockIDs).Find(&clocks).Error; err != nil {
		return err
	}
	kinds := map[int64]ClockKind{}
	for _, c := range clocks {
		kinds[c.ID] = c.Kind
	}
	refOf, err := tx.inquiryRefsOf(inqIDs)
	if err != nil {
		return err
	}
	for i := range exts {
		exts[i].ClockKind, exts[i].InquiryRef = kinds[exts[i].ClockID], refOf[exts[i].InquiryID]
	}
	return nil
}
