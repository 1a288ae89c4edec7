package models

import (
	"context"
	"sort"

	"firstask/scoring"
)

// ServiceFigures is one line of a month's service bulletin (服务指标), for
// a department (StaffID 0) or a person: inquiries received as first
// responder and how many were referred, SLA clocks met out of those
// decided, and visitors satisfied out of those who gave an answer.
type ServiceFigures struct {
	DepartmentID   int64
	DepartmentCode string
	DepartmentName string
	StaffID        int64
	EmployeeNo     string
	Name           string

	Received int
	Referred int
	// Clocks met (stopped by their deadline, never breached) and decided
	// (stopped, breached, or past their deadline), by kind.
	HandoverMet, HandoverDecided int
	ContactMet, ContactDecided   int
	FeedbackMet, FeedbackDecided int
	// Satisfied counts satisfied and basically satisfied answers;
	// Answered every answer but "unreachable".
	Satisfied, Answered int
}

// addClocks adds met and decided clocks of kind to the figures.
func (f *ServiceFigures) addClocks(kind ClockKind, met, decided int) {
	switch kind {
	case ClockHandover:
		f.HandoverMet, f.HandoverDecided = f.HandoverMet+met, f.HandoverDecided+decided
	case ClockContact:
		f.ContactMet, f.ContactDecided = f.ContactMet+met, f.ContactDecided+decided
	case ClockFeedback:
		f.FeedbackMet, f.FeedbackDecided = f.FeedbackMet+met, f.FeedbackDecided+decided
	}
}

// Rate is met/decided as a ratio, nil when nothing was decided: no data is
// not 0 %.
func Rate(met, decided int) *float64 {
	if decided == 0 {
		return nil
	}
	r := float64(met) / float64(decided)
	return &r
}

// ServiceMetrics is a month's service bulletin: a line per department and
// per person, each in department-code then employee-number order.
type ServiceMetrics struct {
	Departments []ServiceFigures
	People      []ServiceFigures
}

// ServiceMetrics computes the month's service indicators for the actor's
// scope (HR: everyone, supervisors: their department subtree), optionally
// one department and its sub-departments. Inquiries count in the month
// they were received, clocks in the month they started; a department line
// is the inquiry's (or clock's) department at the time, a person line the
// first responder's (or the clock owner's). It reads the maintained
// service totals: a few queries of about one row per person.
func (s *Store) ServiceMetrics(ctx context.Context, a Actor, month scoring.Month, departmentID int64) (ServiceMetrics, error) {
	var out ServiceMetrics
	err := s.read(ctx, a, func(tx *Tx) error {
		var err error
		out, err = tx.serviceMetrics(a, month, departmentID)
		return err
	})
	return out, err
}

// serviceMetrics computes ServiceMetrics inside tx: from the maintained
// service_totals (service_totals.go) when they are kept in the store's
// zone, else with the full aggregate.
func (tx *Tx) serviceMetrics(a Actor, month scoring.Month, departmentID int64) (ServiceMetrics, error) {
	on, err := tx.serviceTotalsOn()
	if err != nil {
		return ServiceMetrics{}, err
	}
	if on {
		return tx.serviceMetricsTotals(a, month, departmentID)
	}
	return tx.serviceMetricsScan(a, month, departmentID)
}

// serviceMetricsScan computes ServiceMetrics with the full aggregate over
// the month's inquiries and clocks: the reference that service_totals is
// rebuilt from and tested against.
func (tx *Tx) serviceMetricsScan(a Actor, month scoring.Month, departmentID int64) (ServiceMetrics, error) {
	var out ServiceMetrics
	depts, err := tx.departmentsFor(a, departmentID)
	if err != nil {
		return out, err
	}
	from, to := month.Start(tx.store.loc).UTC(), month.End(tx.store.loc).UTC()
	lines := serviceLines{dept: map[int64]*ServiceFigures{}, person: map[[2]int64]*ServiceFigures{}}

	// The month's inquiries are read from the covering index
	// idx_inquiries_service alone; those referred are counted from the
	// referrals' side (each referred inquiry once, then its row by primary
	// key) instead of probing the referrals once per inquiry, which was
	// most of the appraisal export's time on a month of a million
	// inquiries (docs/performance.md).
	var inq []struct {
		DepartmentID, FirstResponderID int64
		Received, Satisfied, Answered  int
	}
	q := tx.db.Table("inquiries").Select(`department_id, first_responder_id, COUNT(*) AS received,
		SUM(CASE WHEN satisfaction IN ('satisfied', 'basically_satisfied') THEN 1 ELSE 0 END) AS satisfied,
		SUM(CASE WHEN satisfaction IN ('satisfied', 'basically_satisfied', 'dissatisfied') THEN 1 ELSE 0 END) AS answered`).
		Where("received_at >= ? AND received_at < ?", from, to)
	if depts != nil {
		q = q.Where("department_id IN ?", nonEmpty(depts))
	}
	if err := q.Group("department_id, first_responder_id").Find(&inq).Error; err != nil {
		return out, err
	}
	for _, r := range inq {
		for _, f := range lines.both(r.DepartmentID, r.FirstResponderID) {
			f.Received += r.Received
			f.Satisfied += r.Satisfied
			f.Answered += r.Answered
		}
	}
	var referred []struct {
		DepartmentID, FirstResponderID int64
		Referred                       int
	}
	q = tx.db.Table("(SELECT DISTINCT inquiry_id FROM referrals) AS r "+tx.store.dialect.orderedJoin()+" inquiries ON inquiries.id = r.inquiry_id").
		Select("inquiries.department_id, inquiries.first_responder_id, COUNT(*) AS referred").
		Where("inquiries.received_at >= ? AND inquiries.received_at < ?", from, to)
	if depts != nil {
		q = q.Where("inquiries.department_id IN ?", nonEmpty(depts))
	}
	if err := q.Group("inquiries.department_id, inquiries.first_responder_id").Find(&referred).Error; err != nil {
		return out, err
	}
	for _, r := range referred {
		for _, f := range lines.both(r.DepartmentID, r.FirstResponderID) {
			f.Referred += r.Referred
		}
	}

	var clocks []struct {
		DepartmentID int64
		OwnerID      *int64
		Kind         ClockKind
		Met, Decided int
	}
	q = tx.db.Table("sla_clocks").Select(`department_id, owner_id, kind,
		SUM(CASE WHEN state = 'stopped' AND breached_at IS NULL AND stopped_at <= deadline_at THEN 1 ELSE 0 END) AS met,
		SUM(CASE WHEN state = 'stopped' OR breached_at IS NOT NULL OR deadline_at < ? THEN 1 ELSE 0 END) AS decided`, tx.now).
		Where("started_at >= ? AND started_at < ?", from, to)
	if depts != nil {
		q = q.Where("department_id IN ?", nonEmpty(depts))
	}
	if err := q.Group("department_id, owner_id, kind").Find(&clocks).Error; err != nil {
		return out, err
	}
	for _, c := range clocks {
		owner := int64(0)
		if c.OwnerID != nil {
			owner = *c.OwnerID
		}
		for _, f := range lines.both(c.DepartmentID, owner) {
			f.addClocks(c.Kind, c.Met, c.Decided)
		}
	}
	err = lines.name(tx, &out)
	return out, err
}

// serviceLines gathers the bulletin's lines as the queries fill them.
type serviceLines struct {
	dept   map[int64]*ServiceFigures
	person map[[2]int64]*ServiceFigures // department, staff
}

// both returns the department's line and, when staffID is set, the
// person's line within that department.
func (l *serviceLines) both(deptID, staffID int64) []*ServiceFigures {
	d := l.dept[deptID]
	if d == nil {
		d = &ServiceFigures{DepartmentID: deptID}
		l.dept[deptID] = d
	}
	if staffID == 0 {
		return []*ServiceFigures{d}
	}
	key := [2]int64{deptID, staffID}
	p := l.person[key]
	if p == nil {
		p = &ServiceFigures{DepartmentID: deptID, StaffID: staffID}
		l.person[key] = p
	}
	return []*ServiceFigures{d, p}
}

// name fills in department and staff names and orders the lines.
func (l *serviceLines) name(tx *Tx, out *ServiceMetrics) error {
	var depts []Department
	if err := tx.db.Find(&depts).Error; err != nil {
		return err
	}
	byID := map[int64]Department{}
	for _, d := range depts {
		byID[d.ID] = d
	}
	ids := make([]int64, 0, len(l.person))
	for k := range l.person {
		ids = append(ids, k[1])
	}
	staff := make(map[int64]staffKey, len(ids))
	// In chunks: the pure-Go SQLite driver binds parameters in time
	// quadratic in their number (10,000 ids at once took ~0.4 s).
	for len(ids) > 0 {
		n := min(len(ids), 500)
		var rows []staffKey
		if err := tx.db.Table("staff").Select("id, employee_no, name, department_id, active").Where("id IN ?", ids[:n]).Find(&rows).Error; err != nil {
			return err
		}
		for _, r := range rows {
			staff[r.ID] = r
		}
		ids = ids[n:]
	}
	for _, f := range l.dept {
		f.DepartmentCode, f.DepartmentName = byID[f.DepartmentID].Code, byID[f.DepartmentID].Name
		out.Departments = append(out.Departments, *f)
	}
	for _, f := range l.person {
		f.DepartmentCode, f.DepartmentName = byID[f.DepartmentID].Code, byID[f.DepartmentID].Name
		f.EmployeeNo, f.Name = staff[f.StaffID].EmployeeNo, staff[f.StaffID].Name
		out.People = append(out.People, *f)
	}
	sort.Slice(out.Departments, func(i, j int) bool { return out.Departments[i].DepartmentCode < out.Departments[j].DepartmentCode })
	sort.Slice(out.People, func(i, j int) bool {
		a, b := out.People[i], out.People[j]
		if a.DepartmentCode != b.DepartmentCode {
			return a.DepartmentCode < b.DepartmentCode
		}
		return a.EmployeeNo < b.EmployeeNo
	})
	return nil
}
