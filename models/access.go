// Who may see or do what with a record: every such decision lives in this
// file, so that "who may see a violation?" has one answer in one place.
// The rules are in docs/domain.md; access_test.go tests them as a table.
//
// The conventions, the same for every record:
//   - HR, admin and the system see everyone; supervisors see their
//     department and every department below it; staff see themselves.
//   - A record outside the actor's scope does not exist for them: 404.
//   - A record the actor may see but not change: 403.
//   - A list filtered by department covers the department and its
//     sub-departments, within the scope (departmentsInScope).

package models

import (
	"errors"
	"slices"

	"firstask/scoring"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Scope is the part of the organisation an actor may see: everyone, a set
// of departments (a supervisor's subtree), or only themselves.
type Scope struct {
	All           bool
	DepartmentIDs []int64
	StaffID       int64
}

// CoversDepartment reports whether the department lies in the scope.
func (sc Scope) CoversDepartment(id int64) bool {
	return sc.All || slices.Contains(sc.DepartmentIDs, id)
}

// scopeOf resolves the actor's scope. Supervisors see their department and
// all of its sub-departments; staff see themselves.
func (tx *Tx) scopeOf(a Actor) (Scope, error) {
	switch {
	case a.IsSystem() || a.Role.SeesEveryone():
		return Scope{All: true, StaffID: a.StaffID}, nil
	case a.Role == RoleSupervisor:
		ids, err := tx.departmentSubtree(a.DepartmentID)
		if err != nil {
			return Scope{}, err
		}
		return Scope{DepartmentIDs: ids, StaffID: a.StaffID}, nil
	default:
		return Scope{StaffID: a.StaffID}, nil
	}
}

// departmentSubtree returns root and every department below it.
func (tx *Tx) departmentSubtree(root int64) ([]int64, error) {
	var rows []struct{ ID, ParentID int64 }
	if err := tx.db.Table("departments").Select("id, COALESCE(parent_id, 0) AS parent_id").Find(&rows).Error; err != nil {
		return nil, err
	}
	children := map[int64][]int64{}
	for _, r := range rows {
		children[r.ParentID] = append(children[r.ParentID], r.ID)
	}
	out := []int64{root}
	for i := 0; i < len(out); i++ {
		for _, c := range children[out[i]] {
			if !slices.Contains(out, c) {
				out = append(out, c)
			}
		}
	}
	return out, nil
}

// staffScopeQuery restricts a query on a table of records about people
// (staffCol names the person) to the scope: everyone, the people of the
// supervisor's departments, or the actor alone.
func staffScopeQuery(q *gorm.DB, sc Scope, staffCol string) *gorm.DB {
	switch {
	case sc.All:
		return q
	case len(sc.DepartmentIDs) > 0:
		return q.Where(staffCol+" IN (SELECT id FROM staff WHERE department_id IN ?)", sc.DepartmentIDs)
	default:
		return q.Where(staffCol+" = ?", sc.StaffID)
	}
}

// inquiryAccess is what an actor may do with one inquiry: see it, see the
// visitor's phone in full (those working the matter), and manage it (the
// first responder's side: edit, refer, resolve, record feedback, close).
type inquiryAccess struct {
	see, phone, manage bool
}

// accessTo works out the actor's access to an inquiry: HR and admin have
// all of it; the first responder and supervisors of the registering
// department manage it; current and past assignees, and supervisors of a
// department it was referred to, work it; members of a department whose
// queue holds it unclaimed see it with the phone masked.
func (tx *Tx) accessTo(a Actor, inq *Inquiry) (inquiryAccess, error) {
	full := inquiryAccess{see: true, phone: true, manage: true}
	if a.IsSystem() || a.Role.SeesEveryone() || inq.FirstResponderID == a.StaffID {
		return full, nil
	}
	sc, err := tx.scopeOf(a)
	if err != nil {
		return inquiryAccess{}, err
	}
	supervisor := len(sc.DepartmentIDs) > 0
	if supervisor && sc.CoversDepartment(inq.DepartmentID) {
		return full, nil
	}
	var refs []Referral
	if err := tx.db.Where("inquiry_id = ?", inq.ID).Find(&refs).Error; err != nil {
		return inquiryAccess{}, err
	}
	var acc inquiryAccess
	for _, r := range refs {
		switch {
		case r.ToStaffID != nil && *r.ToStaffID == a.StaffID,
			r.AcceptedBy != nil && *r.AcceptedBy == a.StaffID,
			supervisor && sc.CoversDepartment(r.ToDepartmentID):
			acc.see, acc.phone = true, true
		case r.ToStaffID == nil && r.Status == ReferralPending && r.ToDepartmentID == a.DepartmentID:
			acc.see = true
		}
	}
	return acc, nil
}

// inquiryScope restricts a query on inquiries to what the actor may see.
//
// A staff member's scope (what they registered, what was
// referred to them, their department's open queue) is a few hundred rows
// of a million. Written as "A OR id IN (subquery)", MariaDB could use no
// index for the OR: a staff member's inquiry list walked the received_at
// index probing every row until the page was full (99,845 rows, 0.5 s)
// and its bounded count read the whole table (1,000,214 rows, 0.7 s).
// As "id IN (SELECT … FROM (branch UNION branch …) AS scope)" each branch
// is an index lookup, the union is materialised (~150 ids) and the rows
// are fetched by primary key and sorted: MariaDB's plan is
// MATERIALIZED <derived> then eq_ref PRIMARY. The derived table keeps the
// UNION out of the IN, where MariaDB would not materialise it.
func inquiryScope(q *gorm.DB, a Actor, sc Scope) *gorm.DB {
	switch {
	case sc.All:
		return q
	case len(sc.DepartmentIDs) > 0:
		return q.Where("(inquiries.department_id IN ? OR inquiries.first_responder_id = ? OR inquiries.id IN (SELECT inquiry_id FROM referrals WHERE to_department_id IN ? OR to_staff_id = ?))",
			sc.DepartmentIDs, a.StaffID, sc.DepartmentIDs, a.StaffID)
	default:
		// Accepting always sets to_staff_id (a queue is claimed), so the
		// indexed to_staff_id covers current and past assignees. Written
		// as one set of ids (see inquiryScope), each branch on its index.
		return q.Where("inquiries.id IN (SELECT scope_id FROM ("+
			"SELECT id AS scope_id FROM inquiries WHERE first_responder_id = ?"+
			" UNION SELECT inquiry_id FROM referrals WHERE to_staff_id = ?"+
			" UNION SELECT inquiry_id FROM referrals WHERE to_department_id = ? AND to_staff_id IS NULL AND status = ?) AS scope)",
			a.StaffID, a.StaffID, a.DepartmentID, ReferralPending)
	}
}

// supervisorScopeSet restricts a query on table (inquiries or referrals)
// to a supervisor's scope, the same rows as inquiryScope and
// referralScope, written as one materialised set of ids with each branch
// on its index (as a staff member's scope). For a supervisor of a few
// departments it is far cheaper than the OR: on the full-size seed a leaf
// department's overdue list joined the organisation's 86,000 overdue
// clocks, or its count walked 35,000 rows through the OR; the set
// holds ~5,500 ids. Overdue lists use it when the departments are small
// (Tx.smallDepartments). Plain lists keep the OR: with thousands of rows in
// scope its walk in the list's order fills a page and a bounded count
// sooner than the set's rows can be fetched and sorted (measured on the
// full-size seed, a leaf department's page on SQLite: 65–107 ms with the
// set, 30–47 ms with the OR; a larger scope's 141–232 against 55–84 ms).
func supervisorScopeSet(q *gorm.DB, table string, a Actor, depts []int64) *gorm.DB {
	if table == "inquiries" {
		return q.Where("inquiries.id IN (SELECT scope_id FROM ("+
			"SELECT id AS scope_id FROM inquiries WHERE department_id IN ?"+
			" UNION SELECT id FROM inquiries WHERE first_responder_id = ?"+
			" UNION SELECT inquiry_id FROM referrals WHERE to_department_id IN ?"+
			" UNION SELECT inquiry_id FROM referrals WHERE to_staff_id = ?) AS scope)",
			nonEmpty(depts), a.StaffID, nonEmpty(depts), a.StaffID)
	}
	return q.Where("referrals.id IN (SELECT scope_id FROM ("+
		"SELECT id AS scope_id FROM referrals WHERE to_department_id IN ?"+
		" UNION SELECT id FROM referrals WHERE to_staff_id = ?"+
		" UNION SELECT r.id FROM inquiries i JOIN referrals r ON r.inquiry_id = i.id WHERE i.department_id IN ?) AS scope)",
		nonEmpty(depts), a.StaffID, nonEmpty(depts))
}

// scopeList applies the actor's scope to a list query q on table
// (inquiries or referrals) and returns the query for the page and the one
// for its bounded count: both the set of ids when scopedBySet (a small
// supervisor's overdue list), the OR for the page and the set for the
// count when small (a small supervisor's plain list), else the OR (or a
// staff member's set, see inquiryScope) for both.
func scopeList(q *gorm.DB, table string, a Actor, sc Scope, small, scopedBySet bool) (page, count *gorm.DB) {
	or := inquiryScope
	if table == "referrals" {
		or = referralScope
	}
	switch {
	case scopedBySet:
		q = supervisorScopeSet(q, table, a, sc.DepartmentIDs)
		return q, q
	case small:
		count = supervisorScopeSet(q.Session(&gorm.Session{}), table, a, sc.DepartmentIDs)
		return or(q, a, sc), count
	}
	q = or(q, a, sc)
	return q, q
}

// mayWork reports whether the actor works the referral: its assignee, or
// for a queue a member of the department or a supervisor over it.
func (tx *Tx) mayWork(a Actor, r *Referral) (bool, error) {
	switch {
	case r.ToStaffID != nil:
		return *r.ToStaffID == a.StaffID, nil
	case a.DepartmentID == r.ToDepartmentID:
		return true, nil
	case a.Role != RoleSupervisor:
		return false, nil
	}
	sc, err := tx.scopeOf(a)
	if err != nil {
		return false, err
	}
	return sc.CoversDepartment(r.ToDepartmentID), nil
}

func (tx *Tx) staffInScope(a Actor, id int64) (Staff, error) {
	st, err := tx.staff(id)
	if err != nil {
		return st, err
	}
	sc, err := tx.scopeOf(a)
	if err != nil {
		return st, err
	}
	if !sc.CoversDepartment(st.DepartmentID) && st.ID != a.StaffID {
		return Staff{}, Errorf(ENotFound, "staff member %d not found", id)
	}
	return st, nil
}

// checkGrant refuses role changes the actor may not make: only an admin
// grants or takes away the hr and admin roles.
func (tx *Tx) checkGrant(a Actor, from, to Role) error {
	if a.IsSystem() || a.Role == RoleAdmin {
		return nil
	}
	if from == RoleHR || from == RoleAdmin || to == RoleHR || to == RoleAdmin {
		return Errorf(EForbidden, "only an admin can grant or remove the hr and admin roles")
	}
	return nil
}

// mayRenameLogin refuses changing the employee number (the login name) of
// an hr or admin account to anyone but an admin, the same rule as role
// changes: HR could otherwise rename an admin or a colleague and lock them
// out. Changing one's own number is allowed (it locks nobody else out).
func mayRenameLogin(a Actor, target Staff) error {
	if a.IsSystem() || a.Role == RoleAdmin || target.ID == a.StaffID {
		return nil
	}
	if target.Role == RoleHR || target.Role == RoleAdmin {
		return Errorf(EForbidden, "only an admin can change the employee number of an hr or admin account")
	}
	return nil
}

// conductTarget checks that the actor may record conduct for staffID:
// supervisors for their department subtree (never themselves), HR and
// admin for anyone. A person outside the scope is reported as an invalid
// staff_id, as if it did not exist.
func (tx *Tx) conductTarget(a Actor, staffID int64) (Staff, error) {
	st, err := tx.staffInScope(a, staffID)
	if ErrorCode(err) == ENotFound {
		return st, Invalid(FieldProblem{Field: "staff_id", Message: "no such staff member in your scope"})
	}
	if err != nil {
		return st, err
	}
	if st.ID == a.StaffID {
		return st, Invalid(FieldProblem{Field: "staff_id", Message: "you cannot record conduct about yourself"})
	}
	return st, nil
}

// fourEyes refuses a verifier or appeal decider who reported the violation
// or is its subject: deciding an appeal against one's own report is
// reviewing oneself.
func fourEyes(a Actor, v *Violation, what string) error {
	if a.IsSystem() {
		return nil
	}
	if v.ReportedBy != nil && *v.ReportedBy == a.StaffID {
		return Errorf(EForbidden, "you reported violation %d; someone else must %s it", v.ID, what)
	}
	if v.StaffID == a.StaffID {
		return Errorf(EForbidden, "violation %d is about you; someone else must %s it", v.ID, what)
	}
	return nil
}

// violationInScope loads a violation the actor may see, locked for update
// when lock is set (the lock is taken before any plain read).
func (tx *Tx) violationInScope(a Actor, id int64, lock bool) (Violation, error) {
	var v Violation
	q := tx.db
	if lock {
		q = q.Clauses(clause.Locking{Strength: "UPDATE"})
	}
	err := q.Where("id = ?", id).Take(&v).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return v, Errorf(ENotFound, "violation %d not found", id)
	}
	if err != nil {
		return v, err
	}
	if v.StaffID == a.StaffID && !a.IsSystem() {
		return v, nil
	}
	sc, err := tx.scopeOf(a)
	if err != nil {
		return v, err
	}
	if sc.All {
		return v, nil
	}
	if len(sc.DepartmentIDs) > 0 {
		st, err := tx.staff(v.StaffID)
		if err == nil && sc.CoversDepartment(st.DepartmentID) {
			return v, nil
		}
		if err != nil && ErrorCode(err) != ENotFound {
			return v, err
		}
	}
	return Violation{}, Errorf(ENotFound, "violation %d not found", id)
}

// departmentsInScope is the one department filter of every list: the
// department and every department below it, as far as the scope reaches.
// No filter (0) answers nil. A department that does not exist, or that the
// actor may not see, is not found: supervisors see their subtree, staff
// their own department (their lists still hold only themselves).
func (tx *Tx) departmentsInScope(a Actor, sc Scope, departmentID int64) ([]int64, error) {
	if departmentID == 0 {
		return nil, nil
	}
	if _, err := tx.department(departmentID); err != nil {
		return nil, err
	}
	ownOnly := !sc.All && len(sc.DepartmentIDs) == 0
	if !sc.CoversDepartment(departmentID) && !(ownOnly && departmentID == a.DepartmentID) {
		return nil, Errorf(ENotFound, "department %d not found", departmentID)
	}
	sub, err := tx.departmentSubtree(departmentID)
	if err != nil {
		return nil, err
	}
	if len(sc.DepartmentIDs) > 0 {
		sub = slices.DeleteFunc(sub, func(id int64) bool { return !sc.CoversDepartment(id) })
	}
	return sub, nil
}

// scoreScope narrows a month's people: nil fields do not narrow.
type scoreScope struct {
	departments []int64 // the people of these departments
	staffIDs    []int64 // these people
}

// resolveScoreScope turns the actor's scope and an optional department
// filter (see departmentsInScope) into a scoreScope: HR everyone,
// supervisors their subtree, staff themselves.
func (tx *Tx) resolveScoreScope(a Actor, departmentID int64) (scoreScope, error) {
	sc, err := tx.scopeOf(a)
	if err != nil {
		return scoreScope{}, err
	}
	var out scoreScope
	switch {
	case sc.All:
	case len(sc.DepartmentIDs) > 0:
		out.departments = sc.DepartmentIDs
	default:
		out.staffIDs = []int64{sc.StaffID}
	}
	sub, err := tx.departmentsInScope(a, sc, departmentID)
	if err != nil {
		return scoreScope{}, err
	}
	if sub != nil {
		out.departments = sub
	}
	return out, nil
}

// departmentsFor resolves which departments a department-wide export (the
// results template, the service figures) covers: nil for everything (HR
// without a filter), else the chosen department's subtree within the
// scope (see departmentsInScope). Staff, whose scope is themselves, have no
// department to export.
func (tx *Tx) departmentsFor(a Actor, departmentID int64) ([]int64, error) {
	sc, err := tx.scopeOf(a)
	if err != nil {
		return nil, err
	}
	if !sc.All && len(sc.DepartmentIDs) == 0 {
		return nil, Errorf(EForbidden, "only supervisors and HR can export a department")
	}
	if departmentID == 0 {
		return sc.DepartmentIDs, nil
	}
	return tx.departmentsInScope(a, sc, departmentID)
}

// AppraisalDepartment is the department an appraisal workbook covers when
// the caller names none: everything for HR and admin, a supervisor's own
// department (with its sub-departments) otherwise.
func AppraisalDepartment(a Actor, departmentID int64) int64 {
	if departmentID == 0 && !a.IsSystem() && !a.Role.SeesEveryone() {
		return a.DepartmentID
	}
	return departmentID
}

// conductQuery narrows a query on a conduct table (violations, praises) to
// the scope, one person and one department's subtree, as the lists filter.
func (tx *Tx) conductQuery(q *gorm.DB, a Actor, sc Scope, staffID, departmentID int64) (*gorm.DB, error) {
	q = staffScopeQuery(q, sc, "staff_id")
	if staffID != 0 {
		q = q.Where("staff_id = ?", staffID)
	}
	ids, err := tx.departmentsInScope(a, sc, departmentID)
	if err != nil {
		return nil, err
	}
	if ids != nil {
		q = q.Where("staff_id IN (SELECT id FROM staff WHERE department_id IN ?)", ids)
	}
	return q, nil
}

// staffListScope restricts a query on staff to the scope.
func staffListScope(q *gorm.DB, sc Scope) *gorm.DB {
	switch {
	case sc.All:
		return q
	case len(sc.DepartmentIDs) > 0:
		return q.Where("department_id IN ?", sc.DepartmentIDs)
	default:
		return q.Where("id = ?", sc.StaffID)
	}
}

// referralScope restricts a query on referrals to what the actor may see:
// supervisors those sent to or registered by their subtree, staff those
// sent to them or their department's open queue, sent by them, or on
// inquiries they registered.
func referralScope(q *gorm.DB, a Actor, sc Scope) *gorm.DB {
	switch {
	case sc.All:
		return q
	case len(sc.DepartmentIDs) > 0:
		return q.Where("(referrals.to_department_id IN ? OR referrals.to_staff_id = ? OR referrals.inquiry_id IN (SELECT id FROM inquiries WHERE department_id IN ?))",
			sc.DepartmentIDs, a.StaffID, sc.DepartmentIDs)
	default:
		// One set of ids, each branch on its index (see inquiryScope).
		return q.Where("referrals.id IN (SELECT scope_id FROM ("+
			"SELECT id AS scope_id FROM referrals WHERE to_staff_id = ?"+
			" UNION SELECT id FROM referrals WHERE from_staff_id = ?"+
			" UNION SELECT id FROM referrals WHERE to_department_id = ? AND to_staff_id IS NULL AND status = ?"+
			" UNION SELECT r.id FROM inquiries i JOIN referrals r ON r.inquiry_id = i.id WHERE i.first_responder_id = ?) AS scope)",
			a.StaffID, a.StaffID, a.DepartmentID, ReferralPending, a.StaffID)
	}
}

// extensionScope restricts a query on requests for more time: staff see
// their own, supervisors those on clocks of their departments (and their
// own), HR all.
func extensionScope(q *gorm.DB, a Actor, sc Scope) *gorm.DB {
	switch {
	case sc.All:
		return q
	case len(sc.DepartmentIDs) > 0:
		return q.Where("(requested_by = ? OR clock_id IN (SELECT id FROM sla_clocks WHERE department_id IN ?))", a.StaffID, sc.DepartmentIDs)
	default:
		return q.Where("requested_by = ?", a.StaffID)
	}
}

// mayDecideExtension checks that the actor may approve or refuse a request
// for more time on a clock of the given department: out of scope it does
// not exist; nobody decides their own request.
func mayDecideExtension(a Actor, sc Scope, ext *Extension, clockDepartment int64) error {
	if !sc.CoversDepartment(clockDepartment) && ext.RequestedBy != a.StaffID {
		return Errorf(ENotFound, "extension %d not found", ext.ID)
	}
	if ext.RequestedBy == a.StaffID {
		return Errorf(EForbidden, "you cannot decide your own request for more time")
	}
	return nil
}

// mayExtend checks that the actor owns the clock they ask more time on.
func mayExtend(a Actor, c *SLAClock) error {
	if c.OwnerID == nil || *c.OwnerID != a.StaffID {
		return Errorf(EForbidden, "only the owner of the %s clock may ask for more time", c.Kind)
	}
	return nil
}

// fullPhoneInList reports whether a list shows an inquiry's visitor phone
// unmasked: to HR and supervisors, its first responder and its assignees.
func fullPhoneInList(a Actor, sc Scope, inq *Inquiry, assigned bool) bool {
	return sc.All || len(sc.DepartmentIDs) > 0 || inq.FirstResponderID == a.StaffID || assigned
}

// phoneSearchScope narrows a search by phone number to the inquiries whose
// phone the actor sees in full (the rule of fullPhoneInList): HR and
// supervisors their whole list, staff those they registered or were
// assigned. Otherwise a queue member who sees 139****9000 could try the
// missing digits with q= and learn the number from which try matched.
func phoneSearchScope(q *gorm.DB, a Actor, sc Scope) *gorm.DB {
	if sc.All || len(sc.DepartmentIDs) > 0 {
		return q
	}
	return q.Where("inquiries.id IN (SELECT scope_id FROM ("+
		"SELECT id AS scope_id FROM inquiries WHERE first_responder_id = ?"+
		" UNION SELECT inquiry_id FROM referrals WHERE to_staff_id = ?) AS scope)",
		a.StaffID, a.StaffID)
}

// responderFor checks who may be named first responder of a new inquiry:
// oneself; a supervisor anyone in their subtree; HR anyone. The reason is
// reported as a problem with the field.
func (tx *Tx) responderFor(a Actor, st Staff) (string, error) {
	if st.ID == a.StaffID || a.IsSystem() {
		return "", nil
	}
	sc, err := tx.scopeOf(a)
	if err != nil {
		return "", err
	}
	switch {
	case sc.All:
		return "", nil
	case len(sc.DepartmentIDs) > 0 && sc.CoversDepartment(st.DepartmentID):
		return "", nil
	case len(sc.DepartmentIDs) > 0:
		return "no such staff member in your departments", nil
	default:
		return "must be yourself: register the inquiries you received", nil
	}
}

// onlyHR refuses an actor whose scope is not the whole organisation
// (importing staff, uploading and reading a month's base results).
func onlyHR(a Actor, what string) error {
	if a.IsSystem() || a.Role.SeesEveryone() {
		return nil
	}
	return Errorf(EForbidden, "only HR can %s", what)
}

// checkResultsUploader checks the month and that the actor may upload its
// base results.
func checkResultsUploader(a Actor, month scoring.Month) error {
	if !month.Valid() {
		return Invalid(FieldProblem{Field: "month", Message: "must be YYYY-MM"})
	}
	return onlyHR(a, "upload a month's results")
}

// notAboutSelf refuses a decision about a violation by its subject
// (dismissing it, deciding its appeal).
func notAboutSelf(a Actor, v *Violation, what string) error {
	if !a.IsSystem() && v.StaffID == a.StaffID {
		return Errorf(EForbidden, "violation %d is about you; someone else must %s", v.ID, what)
	}
	return nil
}

// mayAppeal checks that only the person a violation is about appeals it.
func mayAppeal(a Actor, v *Violation) error {
	if v.StaffID != a.StaffID {
		return Errorf(EForbidden, "only the staff member concerned can appeal violation %d", v.ID)
	}
	return nil
}

// notSelfChange refuses changing one's own role or deactivating oneself.
func notSelfChange(a Actor, id int64, what string) error {
	if id == a.StaffID {
		return Errorf(EForbidden, "you cannot %s", what)
	}
	return nil
}

// mayManageChannel decides who may add a group robot for a department
// (nil: every department): admins for any, supervisors for a department
// in their subtree, nobody else.
func mayManageChannel(a Actor, sc Scope, departmentID *int64) error {
	switch {
	case a.IsSystem() || a.Role == RoleAdmin:
		return nil
	case a.Role != RoleSupervisor:
		return Errorf(EForbidden, "only admins and supervisors manage group robots")
	case departmentID == nil:
		return Errorf(EForbidden, "only an admin can add a robot for every department; choose one of your departments")
	case !sc.CoversDepartment(*departmentID):
		return Errorf(EForbidden, "department %d is not one of yours", *departmentID)
	}
	return nil
}

// channelScope restricts a query on robot channels to those the actor
// manages: every one for admins, those of the supervisor's departments;
// nothing for anyone else.
func channelScope(q *gorm.DB, a Actor, sc Scope) *gorm.DB {
	switch {
	case a.IsSystem() || a.Role == RoleAdmin:
		return q
	case a.Role == RoleSupervisor:
		return q.Where("department_id IN ?", sc.DepartmentIDs)
	default:
		return q.Where("1 = 0")
	}
}

// hideStaffPhone blanks a staff member's own phone number (the mobile
// group robots @-mention) for everyone but HR, admins and the person:
// HR keeps it, nobody else reads it.
func hideStaffPhone(a Actor, st *Staff) {
	if !a.IsSystem() && !a.Role.SeesEveryone() && a.StaffID != st.ID {
		st.Phone = ""
	}
}

// MayPreviewRules says whether the actor may preview a draft rule set (HR
// and admin); the pages ask it before showing the editor.
func MayPreviewRules(a Actor) error {
	return onlyHR(a, "preview a rule change")
}

// MayKeepRules says whether the actor may save rule set versions: the
// admin (and the system), as docs/domain.md §1's role table says.
func MayKeepRules(a Actor) error {
	if a.IsSystem() || a.Role == RoleAdmin {
		return nil
	}
	return Errorf(EForbidden, "only the admin saves rule set versions")
}
