package models

import (
	"context"
	"slices"
	"strings"
)

// InquiryAction carries the text of an action on an inquiry.
type InquiryAction struct {
	Resolution   string `json:"resolution"`
	Satisfaction string `json:"satisfaction"`
	Note         string `json:"note"`
	Reason       string `json:"reason"`
}

// inquiryStep runs one state change of an inquiry on the first responder's
// side and records it: saved, audited, on the timeline, sent to webhooks.
func (s *Store) inquiryStep(ctx context.Context, a Actor, id int64, action string, manage bool,
	fn func(tx *Tx, inq *Inquiry) (EventKind, string, error)) (InquiryDetail, error) {
	var out InquiryDetail
	err := s.write(ctx, a, func(tx *Tx) error {
		inq, _, err := tx.inquiryFor(a, id, true, manage)
		if err != nil {
			return err
		}
		before, orig := inq.auditView(), inq
		kind, note, err := fn(tx, &inq)
		if err != nil {
			return err
		}
		inq.UpdatedAt = tx.now
		if err := tx.db.Select("*").Omit("created_at", "created_by").Updates(&inq).Error; err != nil {
			return err
		}
		if err := tx.serviceInquiryChanged(&orig, &inq); err != nil {
			return err
		}
		tx.audit("inquiry."+action, "inquiry", inq.ID, before, inq.auditView())
		if kind != "" {
			if err := tx.event(inq.ID, 0, kind, note); err != nil {
				return err
			}
		}
		if err := tx.emit("inquiry."+action, "inquiry", inq.ID, inq.webhookView()); err != nil {
			return err
		}
		out, err = tx.inquiryDetail(a, inq.ID)
		return err
	})
	return out, err
}

// ResolveInquiry records that the first responder's side resolved an open
// inquiry itself. A referred inquiry is resolved by its referral's
// assignee instead (409 here).
func (s *Store) ResolveInquiry(ctx context.Context, a Actor, id int64, in InquiryAction) (InquiryDetail, error) {
	res := strings.TrimSpace(in.Resolution)
	if res == "" || runes(res) > maxResolution {
		return InquiryDetail{}, Invalid(FieldProblem{"resolution", "must be 1–2000 characters"})
	}
	return s.inquiryStep(ctx, a, id, "resolve", true, func(tx *Tx, inq *Inquiry) (EventKind, string, error) {
		switch inq.Status {
		case InquiryOpen:
		case InquiryReferred:
			return "", "", Errorf(EConflict, "inquiry %s is referred: its assignee resolves the referral", inq.Ref)
		default:
			return "", "", Errorf(EConflict, "inquiry %s is already %s", inq.Ref, inq.Status)
		}
		if err := tx.stopClocks(inq.ID, ClockHandover, 0); err != nil {
			return "", "", err
		}
		now, by := tx.now, a.StaffID
		inq.Status, inq.Resolution, inq.ResolvedAt, inq.ResolvedBy = InquiryResolved, res, &now, &by
		return EventResolved, res, nil
	})
}

// FeedbackInquiry records the report back to the visitor (反馈) on a
// resolved inquiry; the feedback clock stops. A dissatisfied visitor
// reopens the inquiry: it is open again, with a new feedback clock counted
// from now.
func (s *Store) FeedbackInquiry(ctx context.Context, a Actor, id int64, in InquiryAction) (InquiryDetail, error) {
	sat := Satisfaction(strings.TrimSpace(in.Satisfaction))
	note := strings.TrimSpace(in.Note)
	var v Validation
	v.Check(slices.Contains(AllSatisfactions, sat), "satisfaction", "must be one of %s", enumList(AllSatisfactions))
	v.Check(runes(note) <= maxNote, "note", "must be at most %d characters", maxNote)
	if err := v.Err(); err != nil {
		return InquiryDetail{}, err
	}
	return s.inquiryStep(ctx, a, id, "feedback", true, func(tx *Tx, inq *Inquiry) (EventKind, string, error) {
		if inq.Status != InquiryResolved {
			return "", "", Errorf(EConflict, "inquiry %s is %s: feedback is given once it is resolved", inq.Ref, inq.Status)
		}
		if err := tx.stopClocks(inq.ID, ClockFeedback, 0); err != nil {
			return "", "", err
		}
		now, by := tx.now, a.StaffID
		inq.FeedbackAt, inq.FeedbackBy, inq.Satisfaction, inq.FeedbackNote = &now, &by, sat, note
		text := string(sat)
		if note != "" {
			text += ": " + note
		}
		if sat != Dissatisfied {
			return EventFeedback, text, nil
		}
		if err := tx.event(inq.ID, 0, EventFeedback, text); err != nil {
			return "", "", err
		}
		resolver := inq.ResolvedBy
		inq.Status, inq.ResolvedAt, inq.ResolvedBy = InquiryOpen, nil, nil
		inq.ReopenCount++
		if err := tx.startFeedbackClock(inq); err != nil {
			return "", "", err
		}
		if resolver != nil && *resolver != a.StaffID {
			if err := tx.notify(*resolver, NotifyFeedback, "来访人不满意 "+inq.Ref,
				"来访人对处理结果不满意，首问登记已重新打开："+truncateRunes(note, 80), "inquiry", inq.ID); err != nil {
				return "", "", err
			}
		}
		return EventReopened, "dissatisfied", nil
	})
}

// CloseInquiry closes a resolved inquiry once the visitor was told.
func (s *Store) CloseInquiry(ctx context.Context, a Actor, id int64, in InquiryAction) (InquiryDetail, error) {
	note := strings.TrimSpace(in.Note)
	if runes(note) > maxNote {
		return InquiryDetail{}, Invalid(FieldProblem{"note", "must be at most 1000 characters"})
	}
	return s.inquiryStep(ctx, a, id, "close", true, func(tx *Tx, inq *Inquiry) (EventKind, string, error) {
		switch {
		case inq.Status != InquiryResolved:
			return "", "", Errorf(EConflict, "inquiry %s is %s: only a resolved inquiry can be closed", inq.Ref, inq.Status)
		case inq.FeedbackAt == nil:
			return "", "", Errorf(EConflict, "inquiry %s: record the feedback to the visitor before closing it", inq.Ref)
		}
		if err := tx.stopClocks(inq.ID, "", 0); err != nil {
			return "", "", err
		}
		now, by := tx.now, a.StaffID
		inq.Status, inq.ClosedAt, inq.ClosedBy, inq.PausedAt, inq.PauseReason = InquiryClosed, &now, &by, nil, ""
		return EventClosed, note, nil
	})
}

func pauseReason(in InquiryAction) (string, error) {
	reason := strings.TrimSpace(in.Reason)
	if reason == "" || runes(reason) > maxReason {
		return "", Invalid(FieldProblem{"reason", "must be 1–500 characters: say what the matter waits for (visitor unreachable, documents awaited…)"})
	}
	return reason, nil
}

// PauseInquiry pauses the matter's running clocks (its own and its live
// referral's) while it waits on the visitor.
func (s *Store) PauseInquiry(ctx context.Context, a Actor, id int64, in InquiryAction) (InquiryDetail, error) {
	reason, err := pauseReason(in)
	if err != nil {
		return InquiryDetail{}, err
	}
	return s.inquiryStep(ctx, a, id, "pause", true, func(tx *Tx, inq *Inquiry) (EventKind, string, error) {
		return tx.pauseMatter(inq, reason)
	})
}

// ResumeInquiry resumes the matter's paused clocks.
func (s *Store) ResumeInquiry(ctx context.Context, a Actor, id int64) (InquiryDetail, error) {
	return s.inquiryStep(ctx, a, id, "resume", true, func(tx *Tx, inq *Inquiry) (EventKind, string, error) {
		return tx.resumeMatter(inq)
	})
}

func (tx *Tx) pauseMatter(inq *Inquiry, reason string) (EventKind, string, error) {
	switch {
	case inq.Status == InquiryClosed:
		return "", "", Errorf(EConflict, "inquiry %s is closed", inq.Ref)
	case inq.PausedAt != nil:
		return "", "", Errorf(EConflict, "inquiry %s is already paused", inq.Ref)
	}
	n, err := tx.pauseClocks(inq.ID, reason)
	if err != nil {
		return "", "", err
	}
	if n == 0 {
		return "", "", Errorf(EConflict, "inquiry %s has no running clock to pause (an expired clock cannot be paused)", inq.Ref)
	}
	now := tx.now
	inq.PausedAt, inq.PauseReason = &now, reason
	return EventPaused, reason, nil
}

func (tx *Tx) resumeMatter(inq *Inquiry) (EventKind, string, error) {
	if inq.PausedAt == nil {
		return "", "", Errorf(EConflict, "inquiry %s is not paused", inq.Ref)
	}
	if _, err := tx.resumeClocks(inq.ID); err != nil {
		return "", "", err
	}
	inq.PausedAt, inq.PauseReason = nil, ""
	return EventResumed, "", nil
}
