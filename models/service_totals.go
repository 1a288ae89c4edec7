package models

import (
	"context"
	"fmt"
	"sort"
	"time"

	"gorm.io/gorm/clause"

	"firstask/scoring"
)

// The month's service figures (服务指标) are kept per (month, department,
// person) in service_totals as the workflow writes change them, so that a
// month's bulletin reads about one row per person instead of the month's
// inquiries and SLA clocks (docs/decisions.md, "Service totals").
//
// What a row holds, for the inquiries received and the clocks started in
// its month (in the store's zone) under its department and person:
// inquiries received, referred (at least one referral), satisfied and
// answered; clocks started, and per kind the settled clocks (stopped or
// breached: these never become unsettled) and those of them met. A
// running or paused clock past its deadline that has not breached yet is
// decided too, but only as time passes: the reader counts those live from
// the running clocks past their deadline (idx_sla_clocks_due). staff_id 0
// holds the clocks that have no owner; they count for the department only.
//
// Every write site reports its row's before and after through one helper
// (serviceInquiryChanged, serviceReferred, serviceClockChanged); the
// transaction adds the differences up per row and writes them when it
// ends (flushServiceTotals), in key order. serviceMetricsScan, the full
// aggregate, stays the reference: RebuildServiceTotals recomputes the
// table from it and TestServiceTotalsMatchAggregate compares the two after
// random workflow writes.

// serviceTotal is one row of service_totals.
type serviceTotal struct {
	Month           string
	DepartmentID    int64
	StaffID         int64
	Clocks          int
	Received        int
	Referred        int
	Satisfied       int
	Answered        int
	HandoverMet     int
	HandoverDecided int
	ContactMet      int
	ContactDecided  int
	FeedbackMet     int
	FeedbackDecided int
}

// TableName names the service totals table.
func (serviceTotal) TableName() string { return "service_totals" }

// serviceTotalsState records the zone whose months the table is kept in.
type serviceTotalsState struct {
	ID       int64
	Location string
}

// TableName names the state row's table.
func (serviceTotalsState) TableName() string { return "service_totals_state" }

// serviceKey is a row's key.
type serviceKey struct {
	month      string
	dept, staf int64
}

// serviceCounts are a row's figures, or a difference of them.
type serviceCounts [11]int

// The positions in serviceCounts, in service_totals' column order.
const (
	scClocks = iota
	scReceived
	scReferred
	scSatisfied
	scAnswered
	scHandoverMet
	scHandoverDecided
	scContactMet
	scContactDecided
	scFeedbackMet
	scFeedbackDecided
)

// serviceColumns names the counted columns in serviceCounts order.
var serviceColumns = []string{"clocks", "received", "referred", "satisfied", "answered",
	"handover_met", "handover_decided", "contact_met", "contact_decided", "feedback_met", "feedback_decided"}

// serviceAdd adds sign × c to the row of key in this transaction's
// pending differences.
func (tx *Tx) serviceAdd(k serviceKey, c serviceCounts, sign int) {
	if tx.service == nil {
		tx.service = map[serviceKey]*serviceCounts{}
	}
	p := tx.service[k]
	if p == nil {
		p = &serviceCounts{}
		tx.service[k] = p
	}
	for i, v := range c {
		p[i] += sign * v
	}
}

// serviceMonth is the month of t in the store's zone, as service_totals
// keys it.
func (tx *Tx) serviceMonth(t time.Time) string {
	return scoring.MonthOf(t, tx.store.loc).String()
}

// inquiryService is what an inquiry adds to its row.
func (tx *Tx) inquiryService(inq *Inquiry, referred bool) (serviceKey, serviceCounts) {
	var c serviceCounts
	c[scReceived] = 1
	if referred {
		c[scReferred] = 1
	}
	switch inq.Satisfaction {
	case Satisfied, BasicallySatisfied:
		c[scSatisfied], c[scAnswered] = 1, 1
	case Dissatisfied:
		c[scAnswered] = 1
	}
	return serviceKey{tx.serviceMonth(inq.ReceivedAt), inq.DepartmentID, inq.FirstResponderID}, c
}

// serviceInquiryChanged records that an inquiry was saved: before is the
// row as it was (nil for a new inquiry), after as saved. Call it at every
// write of an inquiry's received_at, department, first responder or
// satisfaction.
func (tx *Tx) serviceInquiryChanged(before *Inquiry, after *Inquiry) error {
	if before == nil {
		k, c := tx.inquiryService(after, false)
		tx.serviceAdd(k, c, 1)
		return nil
	}
	kb, _ := tx.inquiryService(before, false)
	ka, _ := tx.inquiryService(after, false)
	referred := false
	if kb != ka {
		var n int64
		if err := tx.db.Model(&Referral{}).Where("inquiry_id = ?", after.ID).Limit(1).Count(&n).Error; err != nil {
			return err
		}
		referred = n > 0
	}
	kb, cb := tx.inquiryService(before, referred)
	ka, ca := tx.inquiryService(after, referred)
	tx.serviceAdd(kb, cb, -1)
	tx.serviceAdd(ka, ca, 1)
	return nil
}

// serviceReferred records that a referral of inq was just created: the
// inquiry counts as referred from its first.
func (tx *Tx) serviceReferred(inq *Inquiry) error {
	var n int64
	if err := tx.db.Model(&Referral{}).Where("inquiry_id = ?", inq.ID).Limit(2).Count(&n).Error; err != nil {
		return err
	}
	if n == 1 {
		k, _ := tx.inquiryService(inq, false)
		var c serviceCounts
		c[scReferred] = 1
		tx.serviceAdd(k, c, 1)
	}
	return nil
}

// clockService is what a clock adds to its row: one clock started and,
// once it is settled (stopped or breached), one decided and perhaps one
// met of its kind.
func (tx *Tx) clockService(c *SLAClock) (serviceKey, serviceCounts) {
	var n serviceCounts
	n[scClocks] = 1
	if c.State == ClockStopped || c.BreachedAt != nil {
		met := 0
		if c.State == ClockStopped && c.BreachedAt == nil && c.StoppedAt != nil && !c.StoppedAt.After(c.DeadlineAt) {
			met = 1
		}
		switch c.Kind {
		case ClockHandover:
			n[scHandoverDecided], n[scHandoverMet] = 1, met
		case ClockContact:
			n[scContactDecided], n[scContactMet] = 1, met
		case ClockFeedback:
			n[scFeedbackDecided], n[scFeedbackMet] = 1, met
		}
	}
	owner := int64(0)
	if c.OwnerID != nil {
		owner = *c.OwnerID
	}
	return serviceKey{tx.serviceMonth(c.StartedAt), c.DepartmentID, owner}, n
}

// serviceClockChanged records that a clock was saved: before as it was
// (nil for a new clock), after as saved. Call it at every write that
// creates a clock or changes its start, owner, department, breach or
// stop; pausing, resuming, extending and replanning change nothing a
// clock counts here (a settled clock's deadline never changes).
func (tx *Tx) serviceClockChanged(before, after *SLAClock) {
	if before != nil {
		k, c := tx.clockService(before)
		tx.serviceAdd(k, c, -1)
	}
	k, c := tx.clockService(after)
	tx.serviceAdd(k, c, 1)
}

// serviceTotalsOn reports whether service_totals is kept in the store's
// zone. A store in another zone than the table's neither reads nor
// writes it until RebuildServiceTotals has rebuilt it for that zone.
func (tx *Tx) serviceTotalsOn() (bool, error) {
	if tx.store.serviceTotalsOK.Load() {
		return true, nil
	}
	var st []serviceTotalsState
	if err := tx.db.Where("id = 1").Find(&st).Error; err != nil {
		return false, err
	}
	ok := len(st) == 1 && st[0].Location == tx.store.loc.String()
	if ok {
		tx.store.serviceTotalsOK.Store(true)
	}
	return ok, nil
}

// flushServiceTotals writes the transaction's pending differences, one
// upsert per changed row in key order (so that two transactions touching
// the same rows take their locks in the same order).
func (tx *Tx) flushServiceTotals() error {
	if len(tx.service) == 0 {
		return nil
	}
	pending := tx.service
	tx.service = nil
	keys := make([]serviceKey, 0, len(pending))
	for k, c := range pending {
		if *c != (serviceCounts{}) {
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		return nil
	}
	if on, err := tx.serviceTotalsOn(); err != nil || !on {
		return err
	}
	sort.Slice(keys, func(i, j int) bool {
		a, b := keys[i], keys[j]
		if a.month != b.month {
			return a.month < b.month
		}
		if a.dept != b.dept {
			return a.dept < b.dept
		}
		return a.staf < b.staf
	})
	stmt := tx.store.dialect.addOnConflict("service_totals", []string{"month", "department_id", "staff_id"}, serviceColumns)
	for _, k := range keys {
		args := make([]any, 0, 3+len(serviceColumns))
		args = append(args, k.month, k.dept, k.staf)
		for _, v := range pending[k] {
			args = append(args, v)
		}
		if err := tx.db.Exec(stmt, args...).Error; err != nil {
			return fmt.Errorf("service totals: %w", err)
		}
	}
	return nil
}

// serviceMetricsTotals computes ServiceMetrics from service_totals and
// the running clocks past their deadline: two index reads whatever the
// month's size.
func (tx *Tx) serviceMetricsTotals(a Actor, month scoring.Month, departmentID int64) (ServiceMetrics, error) {
	var out ServiceMetrics
	depts, err := tx.departmentsFor(a, departmentID)
	if err != nil {
		return out, err
	}
	from, to := month.Start(tx.store.loc).UTC(), month.End(tx.store.loc).UTC()
	lines := serviceLines{dept: map[int64]*ServiceFigures{}, person: map[[2]int64]*ServiceFigures{}}

	var rows []serviceTotal
	q := tx.db.Where("month = ?", month.String())
	if depts != nil {
		q = q.Where("department_id IN ?", nonEmpty(depts))
	}
	if err := q.Find(&rows).Error; err != nil {
		return out, err
	}
	for _, r := range rows {
		if r.Received == 0 && r.Clocks == 0 {
			continue // everything that was counted here moved away
		}
		for _, f := range lines.both(r.DepartmentID, r.StaffID) {
			f.Received += r.Received
			f.Referred += r.Referred
			f.Satisfied += r.Satisfied
			f.Answered += r.Answered
			f.HandoverMet += r.HandoverMet
			f.HandoverDecided += r.HandoverDecided
			f.ContactMet += r.ContactMet
			f.ContactDecided += r.ContactDecided
			f.FeedbackMet += r.FeedbackMet
			f.FeedbackDecided += r.FeedbackDecided
		}
	}

	// Running and paused clocks past their deadline that no scan breached
	// yet: decided, not met. Few, and found through idx_sla_clocks_due.
	var live []struct {
		DepartmentID int64
		OwnerID      *int64
		Kind         ClockKind
		N            int
	}
	q = tx.db.Table("sla_clocks").Select("department_id, owner_id, kind, COUNT(*) AS n").
		Where("state IN ? AND deadline_at < ? AND breached_at IS NULL AND started_at >= ? AND started_at < ?",
			[]ClockState{ClockRunning, ClockPaused}, tx.now, from, to)
	if depts != nil {
		q = q.Where("department_id IN ?", nonEmpty(depts))
	}
	if err := q.Group("department_id, owner_id, kind").Find(&live).Error; err != nil {
		return out, err
	}
	for _, c := range live {
		owner := int64(0)
		if c.OwnerID != nil {
			owner = *c.OwnerID
		}
		for _, f := range lines.both(c.DepartmentID, owner) {
			f.addClocks(c.Kind, 0, c.N) // past the deadline: decided, not met
		}
	}
	err = lines.name(tx, &out)
	return out, err
}

// EnsureServiceTotals rebuilds service_totals when the table is kept in
// another zone than the store's (migration 00160 backfills it for
// Asia/Shanghai) and reports whether it did. Migrate calls it.
func (s *Store) EnsureServiceTotals(ctx context.Context) (bool, error) {
	var on bool
	err := s.readOnly(ctx, System("service-totals"), func(tx *Tx) error {
		var err error
		on, err = tx.serviceTotalsOn()
		return err
	})
	if err != nil || on {
		return false, err
	}
	if err := s.RebuildServiceTotals(ctx); err != nil {
		return false, err
	}
	return true, nil
}

// RebuildServiceTotals recomputes service_totals from the inquiries,
// referrals and clocks with the reference aggregate, month by month, in
// the store's zone, and records that zone. Bulk loads (FinishLoad) call
// it; so does EnsureServiceTotals for a store whose zone differs from the
// table's.
func (s *Store) RebuildServiceTotals(ctx context.Context) error {
	return s.write(ctx, System("service-totals"), func(tx *Tx) error { return tx.rebuildServiceTotals() })
}

// rebuildServiceTotals is RebuildServiceTotals inside tx.
func (tx *Tx) rebuildServiceTotals() error {
	var st []serviceTotalsState
	if err := tx.db.Clauses(clause.Locking{Strength: "UPDATE"}).Where("id = 1").Find(&st).Error; err != nil {
		return err
	}
	if err := tx.db.Where("1 = 1").Delete(&serviceTotal{}).Error; err != nil {
		return err
	}
	var lo, hi *time.Time
	for _, tc := range [][2]string{{"inquiries", "received_at"}, {"sla_clocks", "started_at"}} {
		for _, dir := range []string{"ASC", "DESC"} {
			var ts []time.Time
			if err := tx.db.Table(tc[0]).Order(tc[1]+" "+dir).Limit(1).Pluck(tc[1], &ts).Error; err != nil {
				return err
			}
			for _, t := range ts {
				if lo == nil || t.Before(*lo) {
					lo = &t
				}
				if hi == nil || t.After(*hi) {
					hi = &t
				}
			}
		}
	}
	if lo != nil {
		last := scoring.MonthOf(*hi, tx.store.loc)
		for m := scoring.MonthOf(*lo, tx.store.loc); !m.After(last); m = m.Next() {
			rows, err := tx.serviceSettledRows(m)
			if err != nil {
				return err
			}
			if len(rows) > 0 {
				if err := tx.db.CreateInBatches(rows, 500).Error; err != nil {
					return err
				}
			}
		}
	}
	state := serviceTotalsState{ID: 1, Location: tx.store.loc.String()}
	if err := tx.db.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "id"}},
		DoUpdates: clause.AssignmentColumns([]string{"location"})}).Create(&state).Error; err != nil {
		return err
	}
	tx.audit("service_totals.rebuild", "service_totals", 0, nil, map[string]any{"location": state.Location})
	return nil
}

// serviceSettledRows computes a month's rows of service_totals with the
// reference aggregate's queries, counting only settled clocks as decided.
func (tx *Tx) serviceSettledRows(m scoring.Month) ([]serviceTotal, error) {
	from, to := m.Start(tx.store.loc).UTC(), m.End(tx.store.loc).UTC()
	rows := map[[2]int64]*serviceTotal{}
	row := func(dept, staff int64) *serviceTotal {
		k := [2]int64{dept, staff}
		r := rows[k]
		if r == nil {
			r = &serviceTotal{Month: m.String(), DepartmentID: dept, StaffID: staff}
			rows[k] = r
		}
		return r
	}
	var inq []struct {
		DepartmentID, FirstResponderID int64
		Received, Satisfied, Answered  int
	}
	if err := tx.db.Table("inquiries").Select(`department_id, first_responder_id, COUNT(*) AS received,
		SUM(CASE WHEN satisfaction IN ('satisfied', 'basically_satisfied') THEN 1 ELSE 0 END) AS satisfied,
		SUM(CASE WHEN satisfaction IN ('satisfied', 'basically_satisfied', 'dissatisfied') THEN 1 ELSE 0 END) AS answered`).
		Where("received_at >= ? AND received_at < ?", from, to).
		Group("department_id, first_responder_id").Find(&inq).Error; err != nil {
		return nil, err
	}
	for _, r := range inq {
		t := row(r.DepartmentID, r.FirstResponderID)
		t.Received, t.Satisfied, t.Answered = r.Received, r.Satisfied, r.Answered
	}
	var referred []struct {
		DepartmentID, FirstResponderID int64
		Referred                       int
	}
	if err := tx.db.Table("(SELECT DISTINCT inquiry_id FROM referrals) AS r "+tx.store.dialect.orderedJoin()+" inquiries ON inquiries.id = r.inquiry_id").
		Select("inquiries.department_id, inquiries.first_responder_id, COUNT(*) AS referred").
		Where("inquiries.received_at >= ? AND inquiries.received_at < ?", from, to).
		Group("inquiries.department_id, inquiries.first_responder_id").Find(&referred).Error; err != nil {
		return nil, err
	}
	for _, r := range referred {
		row(r.DepartmentID, r.FirstResponderID).Referred = r.Referred
	}
	var clocks []struct {
		DepartmentID    int64
		OwnerID         *int64
		Kind            ClockKind
		N, Met, Decided int
	}
	if err := tx.db.Table("sla_clocks").Select(`department_id, owner_id, kind, COUNT(*) AS n,
		SUM(CASE WHEN state = 'stopped' AND breached_at IS NULL AND stopped_at <= deadline_at THEN 1 ELSE 0 END) AS met,
		SUM(CASE WHEN state = 'stopped' OR breached_at IS NOT NULL THEN 1 ELSE 0 END) AS decided`).
		Where("started_at >= ? AND started_at < ?", from, to).
		Group("department_id, owner_id, kind").Find(&clocks).Error; err != nil {
		return nil, err
	}
	for _, c := range clocks {
		owner := int64(0)
		if c.OwnerID != nil {
			owner = *c.OwnerID
		}
		t := row(c.DepartmentID, owner)
		t.Clocks += c.N
		switch c.Kind {
		case ClockHandover:
			t.HandoverMet, t.HandoverDecided = t.HandoverMet+c.Met, t.HandoverDecided+c.Decided
		case ClockContact:
			t.ContactMet, t.ContactDecided = t.ContactMet+c.Met, t.ContactDecided+c.Decided
		case ClockFeedback:
			t.FeedbackMet, t.FeedbackDecided = t.FeedbackMet+c.Met, t.FeedbackDecided+c.Decided
		}
	}
	out := make([]serviceTotal, 0, len(rows))
	for _, r := range rows {
		out = append(out, *r)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].DepartmentID != out[j].DepartmentID {
			return out[i].DepartmentID < out[j].DepartmentID
		}
		return out[i].StaffID < out[j].StaffID
	})
	return out, nil
}
