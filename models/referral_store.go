package models

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Notification kinds of the referral life cycle (beside those of
// notification.go).
const (
	NotifyReferralResolved NotificationKind = "referral_resolved"
	NotifyReferralReturned NotificationKind = "referral_returned"
)

// CreateReferral hands an open inquiry to a department queue or a person
// in it. Only the first responder's side may (first responder, their
// supervisors, HR); the inquiry must be open with no live referral.
func (s *Store) CreateReferral(ctx context.Context, a Actor, inquiryID int64, in ReferralInput) (Referral, error) {
	var v Validation
	in.check(&v, "")
	if err := v.Err(); err != nil {
		return Referral{}, err
	}
	var out Referral
	err := s.write(ctx, a, func(tx *Tx) error {
		if _, err := tx.claimIdempotency(ctx); err != nil {
			return err
		}
		inq, _, err := tx.inquiryFor(a, inquiryID, true, true)
		if err != nil {
			return err
		}
		r, err := tx.refer(&inq, in)
		if err != nil {
			return err
		}
		if out, err = tx.presentReferral(r, inq.Ref); err != nil {
			return err
		}
		return tx.rememberIdempotency(ctx, http.StatusCreated, out)
	})
	return out, err
}

// refer creates the referral and moves the clocks: the hand-over clock
// stops, the feedback clock starts (counted from received_at) and the
// contact clock starts when the assignee is at post.
func (tx *Tx) refer(inq *Inquiry, in ReferralInput) (Referral, error) {
	if inq.Status != InquiryOpen {
		return Referral{}, Errorf(EConflict, "inquiry %s is %s; only an open inquiry can be referred", inq.Ref, inq.Status)
	}
	var live int64
	if err := tx.db.Model(&Referral{}).Where("live_inquiry_id = ?", inq.ID).Count(&live).Error; err != nil {
		return Referral{}, err
	}
	if live > 0 {
		return Referral{}, Errorf(EConflict, "inquiry %s already has a live referral", inq.Ref)
	}
	dept, err := tx.department(*in.ToDepartmentID)
	if err != nil {
		return Referral{}, missingAs(err, "to_department_id", "no such department")
	}
	if !dept.Active {
		return Referral{}, Invalid(FieldProblem{"to_department_id", "the department is inactive"})
	}
	target := ""
	if in.ToStaffID != nil {
		st, err := tx.staff(*in.ToStaffID)
		switch {
		case err != nil:
			return Referral{}, missingAs(err, "to_staff_id", "no such staff member")
		case !st.Active:
			return Referral{}, Invalid(FieldProblem{"to_staff_id", "the staff member is inactive"})
		case st.DepartmentID != dept.ID:
			return Referral{}, Invalid(FieldProblem{"to_staff_id", "is not a member of department " + dept.Code})
		case st.ID == inq.FirstResponderID:
			return Referral{}, Invalid(FieldProblem{"to_staff_id", "is the first responder: an inquiry is referred to someone else"})
		}
		target = " / " + st.Name
	}
	before := inq.auditView()
	inq.Disposition = DispositionReferred
	var v Validation
	inq.checkRecord(&v)
	if err := v.Err(); err != nil {
		return Referral{}, err
	}
	from := tx.actor.StaffID
	if from == 0 {
		from = inq.FirstResponderID
	}
	r := Referral{
		InquiryID: inq.ID, FromStaffID: from, ToDepartmentID: dept.ID, ToStaffID: in.ToStaffID, Note: in.Note,
		ReferredAt: tx.now, Status: ReferralPending, LiveInquiryID: &inq.ID, CreatedAt: tx.now, UpdatedAt: tx.now,
	}
	if err := tx.db.Create(&r).Error; err != nil {
		if errors.Is(err, gorm.ErrDuplicatedKey) {
			return r, Errorf(EConflict, "inquiry %s already has a live referral", inq.Ref)
		}
		return r, err
	}
	if err := tx.serviceReferred(inq); err != nil {
		return r, err
	}
	inq.Status, inq.UpdatedAt = InquiryReferred, tx.now
	if err := tx.db.Model(inq).Select("status", "disposition", "updated_at").Updates(inq).Error; err != nil {
		return r, err
	}
	tx.audit("referral.create", "referral", r.ID, nil, r)
	tx.audit("inquiry.refer", "inquiry", inq.ID, before, inq.auditView())
	note := dept.Name + target
	if r.Note != "" {
		note += ": " + r.Note
	}
	if err := tx.event(inq.ID, r.ID, EventReferred, note); err != nil {
		return r, err
	}
	if err := tx.stopClocks(inq.ID, ClockHandover, 0); err != nil {
		return r, err
	}
	if err := tx.startFeedbackClock(inq); err != nil {
		return r, err
	}
	if err := tx.startContactClock(inq, &r); err != nil {
		return r, err
	}
	if err := tx.notifyAssignment(inq, &r); err != nil {
		return r, err
	}
	if err := tx.robotAssignment(inq, &r); err != nil {
		return r, err
	}
	return r, tx.emit("referral.created", "referral", r.ID, referralWebhookView(r, inq.Ref))
}

// notifyAssignment tells the assignee, or every active member of the
// department whose queue received the referral.
func (tx *Tx) notifyAssignment(inq *Inquiry, r *Referral) error {
	title := "新的移交 " + inq.Ref
	body := "首问登记 " + inq.Ref + " 已移交给您处理：" + truncateRunes(inq.Summary, 80)
	if r.ToStaffID != nil {
		return tx.notify(*r.ToStaffID, NotifyAssignment, title, body, "referral", r.ID)
	}
	var members []int64
	if err := tx.db.Model(&Staff{}).Where("department_id = ? AND active = ?", r.ToDepartmentID, true).Order("id").Pluck("id", &members).Error; err != nil {
		return err
	}
	for _, id := range members {
		if err := tx.notify(id, NotifyAssignment, title, "部门待领取："+body, "referral", r.ID); err != nil {
			return err
		}
	}
	return nil
}

func truncateRunes(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

func referralWebhookView(r Referral, ref string) map[string]any {
	return map[string]any{
		"id": r.ID, "inquiry_id": r.InquiryID, "inquiry_ref": ref, "status": r.Status,
		"from_staff_id": r.FromStaffID, "to_department_id": r.ToDepartmentID, "to_staff_id": r.ToStaffID,
		"referred_at": r.ReferredAt,
	}
}

// referralFor loads a referral and its inquiry, both locked when writing.
// The caller must be able to see the inquiry (404 otherwise); act demands
// the assignee, or for a queue a member or supervisor of its department
// (403 otherwise).
func (tx *Tx) referralFor(a Actor, id int64, lock, act bool) (Referral, Inquiry, error) {
	var r Referral
	notFound := Errorf(ENotFound, "referral %d not found", id)
	if err := tx.db.Where("id = ?", id).Take(&r).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return r, Inquiry{}, notFound
		}
		return r, Inquiry{}, err
	}
	// The inquiry is locked first, as everywhere else, then the referral.
	inq, _, err := tx.inquiryFor(a, r.InquiryID, lock, false)
	if err != nil {
		if ErrorCode(err) == ENotFound {
			return r, inq, notFound
		}
		return r, inq, err
	}
	if lock {
		if err := tx.db.Clauses(clause.Locking{Strength: "UPDATE"}).Where("id = ?", id).Take(&r).Error; err != nil {
			return r, inq, err
		}
	}
	if act {
		ok, err := tx.mayWork(a, &r)
		if err != nil {
			return r, inq, err
		}
		if !ok {
			return r, inq, Errorf(EForbidden, "only the assignee (for a department queue: its members and supervisors) may act on this referral")
		}
	}
	return r, inq, nil
}

// referralStep runs one state change on a referral and records it: the
// referral saved, audited, on the timeline and sent to webhooks.
func (s *Store) referralStep(ctx context.Context, a Actor, id int64, action string, kind EventKind, note string,
	fn func(tx *Tx, r *Referral, inq *Inquiry) error) (Referral, error) {
	var out Referral
	err := s.write(ctx, a, func(tx *Tx) error {
		r, inq, err := tx.referralFor(a, id, true, true)
		if err != nil {
			return err
		}
		before := r
		if err := fn(tx, &r, &inq); err != nil {
			return err
		}
		r.UpdatedAt = tx.now
		if err := tx.db.Select("*").Omit("created_at").Updates(&r).Error; err != nil {
			return err
		}
		tx.audit("referral."+action, "referral", r.ID, before, r)
		if err := tx.event(inq.ID, r.ID, kind, note); err != nil {
			return err
		}
		if err := tx.emit("referral."+action, "referral", r.ID, referralWebhookView(r, inq.Ref)); err != nil {
			return err
		}
		out, err = tx.presentReferral(r, inq.Ref)
		return err
	})
	return out, err
}

// AcceptReferral takes a pending referral on. Accepting from a department
// queue claims it: the acceptor becomes the assignee and owns its contact
// clock.
func (s *Store) AcceptReferral(ctx context.Context, a Actor, id int64) (Referral, error) {
	return s.referralStep(ctx, a, id, "accept", EventAccepted, "", func(tx *Tx, r *Referral, inq *Inquiry) error {
		queue := r.IsQueue()
		if err := r.Accept(a.StaffID, tx.now); err != nil {
			return err
		}
		if queue {
			return tx.reassignContactClock(r.ID, a.StaffID)
		}
		return nil
	})
}

// ContactReferral records that the visitor was contacted; the contact
// clock stops.
func (s *Store) ContactReferral(ctx context.Context, a Actor, id int64, in ReferralAction) (Referral, error) {
	note := strings.TrimSpace(in.Note)
	if runes(note) > maxNote {
		return Referral{}, Invalid(FieldProblem{"note", "must be at most 1000 characters"})
	}
	return s.referralStep(ctx, a, id, "contact", EventContacted, note, func(tx *Tx, r *Referral, inq *Inquiry) error {
		if err := r.Contact(a.StaffID, note, tx.now); err != nil {
			return err
		}
		return tx.stopClocks(inq.ID, ClockContact, r.ID)
	})
}

// ResolveReferral records the resolution; the inquiry becomes resolved and
// its first responder is told, to report back to the visitor.
func (s *Store) ResolveReferral(ctx context.Context, a Actor, id int64, in ReferralAction) (Referral, error) {
	res := strings.TrimSpace(in.Resolution)
	if res == "" || runes(res) > maxResolution {
		return Referral{}, Invalid(FieldProblem{"resolution", "must be 1–2000 characters"})
	}
	return s.referralStep(ctx, a, id, "resolve", EventReferralResolved, res, func(tx *Tx, r *Referral, inq *Inquiry) error {
		if err := r.Resolve(a.StaffID, res, tx.now); err != nil {
			return err
		}
		if err := tx.stopClocks(inq.ID, ClockContact, r.ID); err != nil {
			return err
		}
		before := inq.auditView()
		now, by := tx.now, a.StaffID
		inq.Status, inq.Resolution, inq.ResolvedAt, inq.ResolvedBy, inq.UpdatedAt = InquiryResolved, res, &now, &by, now
		if err := tx.db.Model(inq).Select("status", "resolution", "resolved_at", "resolved_by", "updated_at").Updates(inq).Error; err != nil {
			return err
		}
		tx.audit("inquiry.resolve", "inquiry", inq.ID, before, inq.auditView())
		return tx.notify(inq.FirstResponderID, NotifyReferralResolved, "移交已办结 "+inq.Ref,
			"请向来访人反馈处理结果："+truncateRunes(res, 80), "inquiry", inq.ID)
	})
}

// ReturnReferral sends a referral back as not the department's business;
// the inquiry is open again and its first responder has a new hand-over
// clock to refer it to the right place.
func (s *Store) ReturnReferral(ctx context.Context, a Actor, id int64, in ReferralAction) (Referral, error) {
	reason := strings.TrimSpace(in.Reason)
	if reason == "" || runes(reason) > maxReason {
		return Referral{}, Invalid(FieldProblem{"reason", "must be 1–500 characters: say why this is not your department's matter"})
	}
	return s.referralStep(ctx, a, id, "return", EventReturned, reason, func(tx *Tx, r *Referral, inq *Inquiry) error {
		if err := r.Return(a.StaffID, reason, tx.now); err != nil {
			return err
		}
		if err := tx.stopClocks(inq.ID, ClockContact, r.ID); err != nil {
			return err
		}
		before := inq.auditView()
		inq.Status, inq.UpdatedAt = InquiryOpen, tx.now
		if err := tx.db.Model(inq).Select("status", "updated_at").Updates(inq).Error; err != nil {
			return err
		}
		tx.audit("inquiry.reopen_for_referral", "inquiry", inq.ID, before, inq.auditView())
		if err := tx.startHandoverClock(inq, tx.now); err != nil {
			return err
		}
		return tx.notify(inq.FirstResponderID, NotifyReferralReturned, "移交被退回 "+inq.Ref,
			"退回原因："+truncateRunes(reason, 80)+"；请重新移交。", "inquiry", inq.ID)
	})
}

// GetReferral returns one referral the actor may see.
func (s *Store) GetReferral(ctx context.Context, a Actor, id int64) (Referral, error) {
	var out Referral
	err := s.read(ctx, a, func(tx *Tx) error {
		r, inq, err := tx.referralFor(a, id, false, false)
		if err != nil {
			return err
		}
		out, err = tx.presentReferral(r, inq.Ref)
		return err
	})
	return out, err
}

func (tx *Tx) referralsOf(inquiryID int64) ([]Referral, error) {
	out := []Referral{}
	if err := tx.db.Where("inquiry_id = ?", inquiryID).Order("id").Find(&out).Error; err != nil {
		return out, err
	}
	return out, tx.presentReferrals(out)
}

func (tx *Tx) presentReferral(r Referral, ref string) (Referral, error) {
	rs := []Referral{r}
	err := tx.presentReferrals(rs)
	return rs[0], err
}

// presentReferrals attaches each referral's inquiry reference and contact
// clock.
func (tx *Tx) presentReferrals(rs []Referral) error {
	if len(rs) == 0 {
		return nil
	}
	ids, inqIDs := make([]int64, len(rs)), make([]int64, len(rs))
	for i, r := range rs {
		ids[i], inqIDs[i] = r.ID, r.InquiryID
	}
	refOf, err := tx.inquiryRefsOf(inqIDs)
	if err != nil {
		return err
	}
	var clocks []SLAClock
	if err := tx.db.Where("referral_id IN ?", ids).Order("id").Find(&clocks).Error; err != nil {
		return err
	}
	clockOf := map[int64]ClockView{}
	for _, c := range clocks {
		clockOf[*c.ReferralID] = c.view(tx.now)
	}
	for i := range rs {
		rs[i].InquiryRef = refOf[rs[i].InquiryID]
		if c, ok := clockOf[rs[i].ID]; ok {
			rs[i].Clock = &c
		}
	}
	return nil
}

// ReferralFilter selects referrals: Assignee is "me", "queue" (unclaimed
// department queues) or a staff id.
type ReferralFilter struct {
	Assignee     string
	DepartmentID int64
	InquiryID    int64
	Status       string
	Overdue      bool
	Page
}

// ListReferrals lists the referrals the actor may see, newest first: staff
// their own, their department's unclaimed queue and those of inquiries they
// registered; supervisors those to or from their departments; HR all. The
// total is always exact here; see ListReferralsTotal.
func (s *Store) ListReferrals(ctx context.Context, a Actor, f ReferralFilter) ([]Referral, int64, error) {
	items, total, err := s.listReferrals(ctx, a, f, false)
	return items, total.N, err
}

// ListReferralsTotal is ListReferrals for the API: HR's overdue list with
// more than overdueExactUpTo referrals overdue is walked in its order and
// its total says "more than N" (see ListInquiriesTotal), as does any other
// list of more than overdueExactUpTo referrals.
func (s *Store) ListReferralsTotal(ctx context.Context, a Actor, f ReferralFilter) ([]Referral, Total, error) {
	return s.listReferrals(ctx, a, f, true)
}

func (s *Store) listReferrals(ctx context.Context, a Actor, f ReferralFilter, bounded bool) ([]Referral, Total, error) {
	var v Validation
	if f.Status != "" {
		v.Check(slices.Contains(AllReferralStatuses, ReferralStatus(f.Status)), "status", "must be one of %s", enumList(AllReferralStatuses))
	}
	var assignee int64
	switch f.Assignee {
	case "", "queue":
	case "me":
		assignee = a.StaffID
	default:
		n, err := strconv.ParseInt(f.Assignee, 10, 64)
		v.Check(err == nil && n > 0, "assignee", "must be me, queue or a staff id")
		assignee = n
	}
	if err := v.Err(); err != nil {
		return nil, Total{}, err
	}
	var out []Referral
	var total int64
	var lower bool
	err := s.read(ctx, a, func(tx *Tx) error {
		sc, err := tx.scopeOf(a)
		if err != nil {
			return err
		}
		q := tx.db.Model(&Referral{})
		// A supervisor of small departments (see supervisorScopeSet): their
		// overdue list is scoped by the set of ids (few rows match: probing
		// the scope's rows beats reading every overdue clock), their plain
		// list's page by the OR (its walk in the list's order fills a page
		// sooner) and, on MySQL, its bounded count by the set (MariaDB
		// walked 155,000 rows through the OR to count 1,001 of a leaf
		// department's; SQLite's OR plan counted as fast as the set).
		small := false
		if !sc.All && len(sc.DepartmentIDs) > 0 && (f.Overdue || bounded && !tx.store.dialect.sqlite) {
			if small, err = tx.smallDepartments(sc.DepartmentIDs); err != nil {
				return err
			}
		}
		scopedBySet := f.Overdue && small
		probed := false
		if f.Overdue {
			if q, probed, err = tx.overdueRows(q, sc, "referrals", "referral_id", "referred_at", bounded, scopedBySet); err != nil {
				return err
			}
		}
		depts, err := tx.departmentsInScope(a, sc, f.DepartmentID)
		if err != nil {
			return err
		}
		switch {
		case f.Assignee == "queue":
			q = q.Where("referrals.to_staff_id IS NULL")
		case assignee != 0:
			q = q.Where("referrals.to_staff_id = ?", assignee)
		}
		if depts != nil {
			q = q.Where("referrals.to_department_id IN ?", depts)
		}
		if f.InquiryID != 0 {
			q = q.Where("referrals.inquiry_id = ?", f.InquiryID)
		}
		if f.Status != "" {
			q = q.Where("referrals.status = ?", f.Status)
		}
		q, countQ := scopeList(q, "referrals", a, sc, small, scopedBySet)
		const order = "referrals.referred_at DESC, referrals.id DESC"
		if f.Overdue {
			t, err := overdueListPage(tx, q, sc, probed, f == (ReferralFilter{Overdue: true, Page: f.Page}),
				"referrals", "referral_id", order, f.Page, &out, func(x *Referral) int64 { return x.ID })
			if err != nil {
				return err
			}
			total, lower = t.N, t.LowerBound
			return tx.presentReferrals(out)
		}
		if bounded {
			// The API's list counts up to overdueExactUpTo rows, then says
			// "more than N": counting every referral costs more
			// than the page (MariaDB: most of a second).
			t, err := boundedCount(countQ, "referrals", overdueExactUpTo)
			if err != nil {
				return err
			}
			total, lower = t.N, t.LowerBound
		} else if err := q.Count(&total).Error; err != nil {
			return err
		}
		if err := q.Order(order).Offset(f.Offset()).Limit(f.Size).Find(&out).Error; err != nil {
			return err
		}
		return tx.presentReferrals(out)
	})
	return out, Total{N: total, LowerBound: lower}, err
}

// PauseReferral pauses the matter from the assignee's side: the contact
// clock and the inquiry's feedback clock wait while the visitor is
// unreachable or documents are awaited.
func (s *Store) PauseReferral(ctx context.Context, a Actor, id int64, in InquiryAction) (Referral, error) {
	reason, err := pauseReason(in)
	if err != nil {
		return Referral{}, err
	}
	return s.referralPauseStep(ctx, a, id, "pause", func(tx *Tx, inq *Inquiry) (EventKind, string, error) {
		return tx.pauseMatter(inq, reason)
	})
}

// ResumeReferral resumes a matter paused from either side.
func (s *Store) ResumeReferral(ctx context.Context, a Actor, id int64) (Referral, error) {
	return s.referralPauseStep(ctx, a, id, "resume", func(tx *Tx, inq *Inquiry) (EventKind, string, error) {
		return tx.resumeMatter(inq)
	})
}

func (s *Store) referralPauseStep(ctx context.Context, a Actor, id int64, action string,
	fn func(tx *Tx, inq *Inquiry) (EventKind, string, error)) (Referral, error) {
	var out Referral
	err := s.write(ctx, a, func(tx *Tx) error {
		r, inq, err := tx.referralFor(a, id, true, true)
		if err != nil {
			return err
		}
		if !r.Live() {
			return Errorf(EConflict, "referral %d is %s", r.ID, r.Status)
		}
		before := inq.auditView()
		kind, note, err := fn(tx, &inq)
		if err != nil {
			return err
		}
		inq.UpdatedAt = tx.now
		if err := tx.db.Model(&inq).Select("paused_at", "pause_reason", "updated_at").Updates(&inq).Error; err != nil {
			return err
		}
		tx.audit("inquiry."+action, "inquiry", inq.ID, before, inq.auditView())
		if err := tx.event(inq.ID, r.ID, kind, note); err != nil {
			return err
		}
		if err := tx.emit("inquiry."+action, "inquiry", inq.ID, inq.webhookView()); err != nil {
			return err
		}
		out, err = tx.presentReferral(r, inq.Ref)
		return err
	})
	return out, err
}
