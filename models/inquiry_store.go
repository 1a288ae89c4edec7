package models

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"firstask/scoring"
)

// InquiryDetail is an inquiry with its referrals, its timeline and its SLA
// clocks, as GET /inquiries/{id} answers.
type InquiryDetail struct {
	Inquiry
	Referrals []Referral     `json:"referrals"`
	Timeline  []InquiryEvent `json:"timeline"`
}

// inquiryFor loads an inquiry the actor may see (404 otherwise), locked for
// update when writing; manage demands the first responder's rights (403
// for someone who only works or sees it). The phone is masked for those
// not working the matter.
func (tx *Tx) inquiryFor(a Actor, id int64, lock, manage bool) (Inquiry, inquiryAccess, error) {
	var inq Inquiry
	q := tx.db
	if lock {
		q = q.Clauses(clause.Locking{Strength: "UPDATE"})
	}
	if err := q.Where("id = ?", id).Take(&inq).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return inq, inquiryAccess{}, Errorf(ENotFound, "inquiry %d not found", id)
		}
		return inq, inquiryAccess{}, err
	}
	if lock {
		tx.holdInquiry(id)
	}
	acc, err := tx.accessTo(a, &inq)
	if err != nil {
		return inq, acc, err
	}
	if !acc.see {
		return Inquiry{}, acc, Errorf(ENotFound, "inquiry %d not found", id)
	}
	if manage && !acc.manage {
		return inq, acc, Errorf(EForbidden, "only the first responder, their supervisors and HR may do this")
	}
	return inq, acc, nil
}

// present prepares an inquiry for the caller: the phone masked unless they
// work the matter, the SLA clocks attached.
func (tx *Tx) present(inq *Inquiry, acc inquiryAccess) error {
	if !acc.phone && inq.VisitorPhone != "" {
		inq.VisitorPhone, inq.PhoneMasked = MaskPhone(inq.VisitorPhone), true
	}
	clocks, err := tx.clockViews([]int64{inq.ID})
	if err != nil {
		return err
	}
	inq.Clocks = clocks[inq.ID]
	if inq.Clocks == nil {
		inq.Clocks = []ClockView{}
	}
	if inq.Documents == nil {
		inq.Documents = []Document{}
	}
	return nil
}

// CreateInquiry registers an inquiry. The first responder defaults to the
// caller; a supervisor may register for someone in their scope and HR for
// anyone. resolved_on_spot, guided and out_of_scope close the matter at
// once; referred with a referral hands it over in the same transaction.
func (s *Store) CreateInquiry(ctx context.Context, a Actor, in InquiryInput) (InquiryDetail, error) {
	var out InquiryDetail
	err := s.write(ctx, a, func(tx *Tx) error {
		if _, err := tx.claimIdempotency(ctx); err != nil {
			return err
		}
		inq := Inquiry{ReceivedAt: tx.now, FirstResponderID: a.StaffID, Status: InquiryOpen, Documents: []Document{}, CreatedBy: a.StaffID}
		v := in.apply(&inq, true, tx.now)
		if in.FirstResponderID != nil {
			inq.FirstResponderID = *in.FirstResponderID
		}
		responder, err := tx.firstResponder(a, inq.FirstResponderID)
		if err != nil {
			return err
		}
		inq.DepartmentID = responder.DepartmentID
		inq.checkRecord(v)
		if inq.Disposition == DispositionReferred && in.Referral != nil {
			in.Referral.check(v, "referral.")
		}
		if in.Referral != nil && inq.Disposition != DispositionReferred {
			v.Add("referral", "is only taken with the disposition referred")
		}
		if err := v.Err(); err != nil {
			return err
		}
		if inq.Ref, err = tx.nextRef(); err != nil {
			return err
		}
		if inq.Disposition.closesAtOnce() {
			// Told everything in one go at the desk: the matter is settled.
			now := tx.now
			inq.Status, inq.ResolvedAt, inq.ClosedAt = InquiryClosed, &now, &now
			inq.ResolvedBy, inq.ClosedBy = &inq.FirstResponderID, &inq.FirstResponderID
		}
		inq.CreatedAt, inq.UpdatedAt = tx.now, tx.now
		if err := tx.db.Create(&inq).Error; err != nil {
			return err
		}
		tx.createdInquiry = inq.ID
		if err := tx.serviceInquiryChanged(nil, &inq); err != nil {
			return err
		}
		// The calendar, the rules and the webhooks the clock and the event
		// need, in one statement.
		if err := tx.loadConfig(scoring.MonthOf(inq.ReceivedAt, tx.store.loc)); err != nil {
			return err
		}
		tx.audit("inquiry.create", "inquiry", inq.ID, nil, inq.auditView())
		created, err := tx.addEvent(inq.ID, 0, EventCreated, string(inq.Disposition))
		if err != nil {
			return err
		}
		inq.Clocks = []ClockView{}
		if inq.Status == InquiryOpen {
			// A new inquiry: its handover clock is the first round.
			c, err := tx.startClock(clockSpec{
				key: roundKey("inquiry", inq.ID, ClockHandover, 1), kind: ClockHandover, inquiryID: inq.ID,
				owner: inq.FirstResponderID, department: inq.DepartmentID, start: inq.ReceivedAt,
			})
			if err != nil {
				return err
			}
			inq.Clocks = append(inq.Clocks, c.view(tx.now))
		}
		if err := tx.emit("inquiry.created", "inquiry", inq.ID, inq.webhookView()); err != nil {
			return err
		}
		if in.Referral != nil {
			if _, err := tx.refer(&inq, *in.Referral); err != nil {
				return prefixFields(err, "referral.")
			}
			if out, err = tx.inquiryDetail(a, inq.ID); err != nil {
				return err
			}
			return tx.rememberIdempotency(ctx, http.StatusCreated, out)
		}
		// Without a referral, everything the detail shows was written just
		// now and is at hand: reading it back would cost four statements.
		// The caller registered it for themselves or for someone in their
		// scope (firstResponder), so they see it whole.
		out = InquiryDetail{Inquiry: inq, Referrals: []Referral{}, Timeline: []InquiryEvent{created}}
		return tx.rememberIdempotency(ctx, http.StatusCreated, out)
	})
	return out, err
}

// firstResponder checks who the inquiry is registered for: staff register
// their own, supervisors anyone active in their scope, HR anyone active.
func (tx *Tx) firstResponder(a Actor, id int64) (Staff, error) {
	bad := func(msg string) error { return Invalid(FieldProblem{"first_responder_id", msg}) }
	if id == 0 {
		return Staff{}, bad("is required")
	}
	if id == a.StaffID && a.DepartmentID != 0 {
		// Registering for oneself: the actor was authenticated in this
		// request as an active staff member of this department (an Actor
		// built from Store.Authenticate, as the API and the pages do), so
		// the staff row need not be read again.
		return Staff{ID: id, DepartmentID: a.DepartmentID, Role: a.Role, Active: true}, nil
	}
	st, err := tx.staff(id)
	if err != nil {
		return st, missingAs(err, "first_responder_id", "no such staff member")
	}
	if why, err := tx.responderFor(a, st); err != nil || why != "" {
		if err != nil {
			return st, err
		}
		return st, bad(why)
	}
	if !st.Active {
		return st, bad("the staff member is inactive")
	}
	return st, nil
}

// prefixFields renames the fields of a validation error (a referral given
// inside an inquiry reports "referral.to_department_id").
func prefixFields(err error, prefix string) error {
	var e *Error
	if !errors.As(err, &e) || e.Code != EInvalid {
		return err
	}
	out := &Error{Code: e.Code, Message: e.Message}
	for _, d := range e.Details {
		if p, ok := d.(FieldProblem); ok {
			p.Field = prefix + p.Field
			d = p
		}
		out.Details = append(out.Details, d)
	}
	if len(out.Details) == 1 {
		if p, ok := out.Details[0].(FieldProblem); ok {
			out.Message = p.Field + ": " + p.Message
		}
	}
	return out
}

// GetInquiry returns an inquiry with its referrals, timeline and clocks.
func (s *Store) GetInquiry(ctx context.Context, a Actor, id int64) (InquiryDetail, error) {
	var out InquiryDetail
	err := s.read(ctx, a, func(tx *Tx) error {
		var err error
		out, err = tx.inquiryDetail(a, id)
		return err
	})
	return out, err
}

func (tx *Tx) inquiryDetail(a Actor, id int64) (InquiryDetail, error) {
	inq, acc, err := tx.inquiryFor(a, id, false, false)
	if err != nil {
		return InquiryDetail{}, err
	}
	if err := tx.present(&inq, acc); err != nil {
		return InquiryDetail{}, err
	}
	d := InquiryDetail{Inquiry: inq}
	if d.Referrals, err = tx.referralsOf(id); err != nil {
		return d, err
	}
	d.Timeline, err = tx.timeline(id)
	return d, err
}

// UpdateInquiry corrects an inquiry's record. Only the first responder's
// side may, and not once it is closed. While the inquiry is open and not
// handed over, setting a closing disposition (resolved_on_spot, guided,
// out_of_scope) settles it as at registration.
func (s *Store) UpdateInquiry(ctx context.Context, a Actor, id int64, in InquiryInput) (InquiryDetail, error) {
	var out InquiryDetail
	err := s.write(ctx, a, func(tx *Tx) error {
		inq, _, err := tx.inquiryFor(a, id, true, true)
		if err != nil {
			return err
		}
		if inq.Status == InquiryClosed {
			return Errorf(EConflict, "inquiry %s is closed and can no longer be changed", inq.Ref)
		}
		before, orig := inq.auditView(), inq
		oldDisposition := inq.Disposition
		v := in.apply(&inq, false, tx.now)
		inq.checkRecord(v)
		if err := v.Err(); err != nil {
			return err
		}
		if inq.Disposition != oldDisposition {
			switch {
			case inq.Status != InquiryOpen:
				return Errorf(EConflict, "the disposition of inquiry %s can only change while it is open (it is %s)", inq.Ref, inq.Status)
			case oldDisposition == DispositionReferred && inq.Disposition == DispositionNone:
				return Invalid(FieldProblem{"disposition", "cannot be cleared once decided"})
			}
		}
		closing := inq.Disposition != oldDisposition && inq.Disposition.closesAtOnce()
		if closing {
			now, by := tx.now, a.StaffID
			inq.Status, inq.ResolvedAt, inq.ClosedAt, inq.ResolvedBy, inq.ClosedBy = InquiryClosed, &now, &now, &by, &by
			if err := tx.stopClocks(inq.ID, "", 0); err != nil {
				return err
			}
		}
		inq.UpdatedAt = tx.now
		if err := tx.db.Select("*").Omit("created_at", "created_by").Updates(&inq).Error; err != nil {
			return err
		}
		if err := tx.serviceInquiryChanged(&orig, &inq); err != nil {
			return err
		}
		tx.audit("inquiry.update", "inquiry", inq.ID, before, inq.auditView())
		if err := tx.event(inq.ID, 0, EventUpdated, changedFields(in)); err != nil {
			return err
		}
		if closing {
			if err := tx.event(inq.ID, 0, EventClosed, string(inq.Disposition)); err != nil {
				return err
			}
		}
		if err := tx.emit("inquiry.updated", "inquiry", inq.ID, inq.webhookView()); err != nil {
			return err
		}
		out, err = tx.inquiryDetail(a, inq.ID)
		return err
	})
	return out, err
}

// changedFields lists the fields an update named, for the timeline.
func changedFields(in InquiryInput) string {
	var f []string
	add := func(set bool, name string) {
		if set {
			f = append(f, name)
		}
	}
	add(in.Channel != nil, "channel")
	add(in.VisitorName != nil, "visitor_name")
	add(in.VisitorOrg != nil, "visitor_org")
	add(in.VisitorPhone != nil, "visitor_phone")
	add(in.Category != nil, "category")
	add(in.Summary != nil, "summary")
	add(in.ReadBackConfirmed != nil, "read_back_confirmed")
	add(in.Disposition != nil, "disposition")
	add(in.Guidance != nil, "guidance")
	add(in.Documents != nil, "documents")
	return strings.Join(f, ", ")
}

// InquiryFilter selects inquiries in a list.
type InquiryFilter struct {
	Status           string
	Channel          string
	Category         string
	FirstResponderID int64
	DepartmentID     int64
	From, To         *time.Time
	Query            string
	Overdue          bool
	Page
}

// Validate reports every problem with the filter at once.
func (f InquiryFilter) Validate() error {
	var v Validation
	if f.Status != "" {
		v.Check(slices.Contains(AllInquiryStatuses, InquiryStatus(f.Status)), "status", "must be one of %s", enumList(AllInquiryStatuses))
	}
	if f.Channel != "" {
		v.Check(slices.Contains(AllChannels, Channel(f.Channel)), "channel", "must be one of %s", enumList(AllChannels))
	}
	if f.Category != "" {
		v.Check(slices.Contains(AllCategories, Category(f.Category)), "category", "must be one of %s", enumList(AllCategories))
	}
	if f.From != nil && f.To != nil {
		v.Check(f.To.After(*f.From), "to", "must be after from")
	}
	v.Check(runes(f.Query) <= 100, "q", "must be at most 100 characters")
	return v.Err()
}

// ListInquiries lists the inquiries the actor may see, newest first.
// overdue keeps those with a running SLA clock past its deadline (its own
// or its live referral's). The total is always exact here; see
// ListInquiriesTotal for the overdue list's cheaper total.
func (s *Store) ListInquiries(ctx context.Context, a Actor, f InquiryFilter) ([]Inquiry, int64, error) {
	items, total, err := s.listInquiries(ctx, a, f, false)
	return items, total.N, err
}

// ListInquiriesTotal is ListInquiries for the API: when HR or admin list
// the overdue inquiries and more than overdueExactUpTo are overdue, the
// page is walked in the list's order probing each inquiry's clocks, and the
// total says "more than N" rather than counting every overdue inquiry. Any
// other list of more than overdueExactUpTo inquiries (the unfiltered list
// of a busy year) says "more than N" the same way.
func (s *Store) ListInquiriesTotal(ctx context.Context, a Actor, f InquiryFilter) ([]Inquiry, Total, error) {
	return s.listInquiries(ctx, a, f, true)
}

func (s *Store) listInquiries(ctx context.Context, a Actor, f InquiryFilter, bounded bool) ([]Inquiry, Total, error) {
	if err := f.Validate(); err != nil {
		return nil, Total{}, err
	}
	var out []Inquiry
	var total int64
	var lower bool
	err := s.read(ctx, a, func(tx *Tx) error {
		sc, err := tx.scopeOf(a)
		if err != nil {
			return err
		}
		q := tx.db.Model(&Inquiry{})
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
			if q, probed, err = tx.overdueRows(q, sc, "inquiries", "inquiry_id", "received_at", bounded, scopedBySet); err != nil {
				return err
			}
		}
		if f.Status != "" {
			q = q.Where("inquiries.status = ?", f.Status)
		}
		if f.Channel != "" {
			q = q.Where("inquiries.channel = ?", f.Channel)
		}
		if f.Category != "" {
			q = q.Where("inquiries.category = ?", f.Category)
		}
		if f.FirstResponderID != 0 {
			q = q.Where("inquiries.first_responder_id = ?", f.FirstResponderID)
		}
		depts, err := tx.departmentsInScope(a, sc, f.DepartmentID)
		if err != nil {
			return err
		}
		if depts != nil {
			q = q.Where("inquiries.department_id IN ?", depts)
		}
		if f.From != nil {
			q = q.Where("inquiries.received_at >= ?", f.From.UTC())
		}
		if f.To != nil {
			q = q.Where("inquiries.received_at < ?", f.To.UTC())
		}
		if f.Query != "" {
			q = inquiryQuery(q, a, sc, strings.TrimSpace(f.Query))
		}
		q, countQ := scopeList(q, "inquiries", a, sc, small, scopedBySet)
		const order = "inquiries.received_at DESC, inquiries.id DESC"
		if f.Overdue {
			t, err := overdueListPage(tx, q, sc, probed, f == (InquiryFilter{Overdue: true, Page: f.Page}),
				"inquiries", "inquiry_id", order, f.Page, &out, func(x *Inquiry) int64 { return x.ID })
			if err != nil {
				return err
			}
			total, lower = t.N, t.LowerBound
			return tx.presentList(a, sc, out)
		}
		if bounded {
			// The API's list counts up to overdueExactUpTo rows, then says
			// "more than N": counting a million inquiries costs more
			// than the page (MariaDB: most of a second).
			t, err := boundedCount(countQ, "inquiries", overdueExactUpTo)
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
		return tx.presentList(a, sc, out)
	})
	return out, Total{N: total, LowerBound: lower}, err
}

// inquiryQuery is the q filter: a reference matches exactly (SW-…), a
// phone number matches the stored canonical form exactly, digits alone (at
// least five) are the start of a phone number, anything else is a prefix
// of the visitor's name or organisation or a part of the summary. A phone
// (whole or its start) matches only where the actor sees the phone in full
// (phoneSearchScope): a masked number cannot be completed by searching.
func inquiryQuery(q *gorm.DB, a Actor, sc Scope, s string) *gorm.DB {
	if strings.HasPrefix(strings.ToUpper(s), "SW-") {
		return q.Where("inquiries.ref = ?", strings.ToUpper(s))
	}
	if phone, ok := NormalizePhone(s); ok {
		return phoneSearchScope(q.Where("inquiries.visitor_phone = ?", phone), a, sc)
	}
	if digits, ok := phonePrefixOf(s); ok {
		return phoneSearchScope(phoneStartsWith(q, digits), a, sc)
	}
	like := escapeLike(s)
	return q.Where("(inquiries.visitor_name LIKE ? ESCAPE '!' OR inquiries.visitor_org LIKE ? ESCAPE '!' OR inquiries.summary LIKE ? ESCAPE '!')",
		like+"%", like+"%", "%"+like+"%")
}

// presentList masks phones and attaches clocks for a page of inquiries.
// Staff see the phone of the inquiries they registered or were assigned;
// supervisors and HR see every phone of their list (all in their scope).
func (tx *Tx) presentList(a Actor, sc Scope, items []Inquiry) error {
	ids := make([]int64, len(items))
	for i := range items {
		ids[i] = items[i].ID
	}
	clocks, err := tx.clockViews(ids)
	if err != nil {
		return err
	}
	assigned := map[int64]bool{}
	if !sc.All && len(sc.DepartmentIDs) == 0 && len(ids) > 0 {
		var mine []int64
		if err := tx.db.Model(&Referral{}).Where("inquiry_id IN ? AND to_staff_id = ?", ids, a.StaffID).
			Distinct().Pluck("inquiry_id", &mine).Error; err != nil {
			return err
		}
		for _, id := range mine {
			assigned[id] = true
		}
	}
	for i := range items {
		inq := &items[i]
		if !fullPhoneInList(a, sc, inq, assigned[inq.ID]) && inq.VisitorPhone != "" {
			inq.VisitorPhone, inq.PhoneMasked = MaskPhone(inq.VisitorPhone), true
		}
		inq.Clocks = clocks[inq.ID]
		if inq.Clocks == nil {
			inq.Clocks = []ClockView{}
		}
		if inq.Documents == nil {
			inq.Documents = []Document{}
		}
	}
	return nil
}

// webhookView is what outgoing webhooks carry of an inquiry: no visitor
// name, the phone masked.
func (inq Inquiry) webhookView() map[string]any {
	return map[string]any{
		"id": inq.ID, "ref": inq.Ref, "channel": inq.Channel, "category": inq.Category,
		"status": inq.Status, "disposition": inq.Disposition, "received_at": inq.ReceivedAt,
		"first_responder_id": inq.FirstResponderID, "department_id": inq.DepartmentID,
		"visitor_phone": MaskPhone(inq.VisitorPhone), "satisfaction": inq.Satisfaction,
	}
}

type refCounter struct {
	Day    string `gorm:"primaryKey"`
	LastNo int
}

func (refCounter) TableName() string { return "inquiry_ref_counters" }

// inquiryRefsOf returns the human-readable references of the inquiries
// with the given ids, in one query.
func (tx *Tx) inquiryRefsOf(ids []int64) (map[int64]string, error) {
	var rows []struct {
		ID  int64
		Ref string
	}
	if err := tx.db.Model(&Inquiry{}).Select("id, ref").Where("id IN ?", nonEmpty(ids)).Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make(map[int64]string, len(rows))
	for _, r := range rows {
		out[r.ID] = r.Ref
	}
	return out, nil
}
