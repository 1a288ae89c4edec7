package models

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"gorm.io/gorm/clause"

	"firstask/scoring"
)

// periodResult is one person's frozen result in a closed month
// (period_results): the figures of scoring.Result, who the person was at
// closing, and the applied records as JSON.
type periodResult struct {
	Month                 string
	StaffID               int64
	EmployeeNo            string
	Name                  string
	DepartmentID          int64
	DepartmentName        string
	Base                  float64
	BaseUploaded          bool
	Deductions            float64
	PraiseRaw             float64
	Praise                float64
	Corrections           float64
	Additions             float64
	Final                 float64
	Grade                 scoring.Grade
	GradeVetoed           bool
	HighestSanction       scoring.Sanction
	BonusDeductionPercent float64
	ViolationCount        int
	PraiseCount           int
	CorrectionCount       int
	Items                 string
	RuleVersion           int64
	CreatedAt             time.Time
}

func (periodResult) TableName() string { return "period_results" }

// snapshotItem is how an applied record is frozen in period_results.items:
// a JSON object with short keys and empty fields left out, since a month of
// 200,000 records is frozen (and read back) at once. Keys: id, k (kind),
// t (occurred_at, Unix ms), vt/sv/sa (violation type, severity, sanction),
// pk (praise kind), p (points applied), r (points before the praise cap,
// when different), cap, co (carried over from), iq/ref (inquiry), st (state),
// why (reason).
type snapshotItem struct {
	ID       int64    `json:"id"`
	Kind     string   `json:"k"`
	At       int64    `json:"t"`
	Type     string   `json:"vt,omitempty"`
	Severity string   `json:"sv,omitempty"`
	Sanction string   `json:"sa,omitempty"`
	Praise   string   `json:"pk,omitempty"`
	Points   float64  `json:"p"`
	Raw      *float64 `json:"r,omitempty"`
	Capped   bool     `json:"cap,omitempty"`
	Carried  string   `json:"co,omitempty"`
	Inquiry  int64    `json:"iq,omitempty"`
	Ref      string   `json:"ref,omitempty"`
	State    string   `json:"st"`
	Reason   string   `json:"why"`
}

// freezeItem turns an applied record into its snapshot form.
func freezeItem(it *scoring.Item, rec *CountedRecord) snapshotItem {
	si := snapshotItem{ID: it.RecordID, Kind: string(it.Kind), At: it.OccurredAt.UnixMilli(),
		Type: string(it.ViolationType), Severity: string(it.Severity), Sanction: string(it.Sanction),
		Praise: string(it.PraiseKind), Points: it.Points, Capped: it.Capped, Ref: rec.InquiryRef, State: rec.State, Reason: it.Reason}
	if it.RawPoints != it.Points {
		raw := it.RawPoints
		si.Raw = &raw
	}
	if it.CarriedOverFrom != nil {
		si.Carried = it.CarriedOverFrom.String()
	}
	if rec.InquiryID != nil {
		si.Inquiry = *rec.InquiryID
	}
	return si
}

// thaw turns a snapshot item back into the scoring item and record.
func (si *snapshotItem) thaw(staffID int64) (scoring.Item, CountedRecord) {
	it := scoring.Item{RecordID: si.ID, Kind: scoring.RecordKind(si.Kind), OccurredAt: time.UnixMilli(si.At).UTC(),
		ViolationType: scoring.ViolationType(si.Type), Severity: scoring.Severity(si.Severity),
		Sanction: scoring.Sanction(si.Sanction), PraiseKind: scoring.PraiseKind(si.Praise),
		Points: si.Points, RawPoints: si.Points, Capped: si.Capped, Reason: si.Reason}
	if si.Raw != nil {
		it.RawPoints = *si.Raw
	}
	if si.Carried != "" {
		if m, err := scoring.ParseMonth(si.Carried); err == nil {
			it.CarriedOverFrom = &m
		}
	}
	var inquiry *int64
	if si.Inquiry != 0 {
		v := si.Inquiry
		inquiry = &v
	}
	rec := countedRecord(staffID, &it, inquiry, si.State)
	rec.InquiryRef = si.Ref
	return it, rec
}

// snapshotRow freezes one computed result.
func snapshotRow(m scoring.Month, version int64, now time.Time, sc *StaffScore, items []snapshotItem) (periodResult, error) {
	doc, err := json.Marshal(items)
	if err != nil {
		return periodResult{}, err
	}
	r := &sc.Result
	return periodResult{
		Month: m.String(), StaffID: sc.ID, EmployeeNo: sc.EmployeeNo, Name: sc.Name, DepartmentID: sc.DepartmentID,
		DepartmentName: sc.DepartmentName, Base: r.Base, BaseUploaded: r.BaseUploaded, Deductions: r.Deductions,
		PraiseRaw: r.PraiseRaw, Praise: r.Praise, Corrections: r.Corrections, Additions: r.Additions, Final: r.Final,
		Grade: r.Grade, GradeVetoed: r.GradeVetoed, HighestSanction: r.HighestSanction,
		BonusDeductionPercent: r.BonusDeductionPercent, ViolationCount: r.ViolationCount, PraiseCount: r.PraiseCount,
		CorrectionCount: r.CorrectionCount, Items: string(doc), RuleVersion: version, CreatedAt: now,
	}, nil
}

// score thaws a frozen result and its records.
func (pr *periodResult) score() (StaffScore, []CountedRecord, error) {
	var items []snapshotItem
	if err := json.Unmarshal([]byte(pr.Items), &items); err != nil {
		return StaffScore{}, nil, fmt.Errorf("snapshot of %s for staff %d: %w", pr.Month, pr.StaffID, err)
	}
	sc := StaffScore{ID: pr.StaffID, EmployeeNo: pr.EmployeeNo, Name: pr.Name, DepartmentID: pr.DepartmentID,
		DepartmentName: pr.DepartmentName, Result: scoring.Result{
			StaffID: pr.StaffID, EmployeeNo: pr.EmployeeNo, Name: pr.Name, DepartmentID: pr.DepartmentID,
			Base: pr.Base, BaseUploaded: pr.BaseUploaded, Deductions: pr.Deductions, PraiseRaw: pr.PraiseRaw,
			Praise: pr.Praise, Corrections: pr.Corrections, Additions: pr.Additions, Final: pr.Final,
			Grade: pr.Grade, GradeVetoed: pr.GradeVetoed, HighestSanction: pr.HighestSanction,
			BonusDeductionPercent: pr.BonusDeductionPercent, ViolationCount: pr.ViolationCount,
			PraiseCount: pr.PraiseCount, CorrectionCount: pr.CorrectionCount, Items: make([]scoring.Item, len(items)),
		}}
	records := make([]CountedRecord, len(items))
	for i := range items {
		sc.Items[i], records[i] = items[i].thaw(pr.StaffID)
	}
	return sc, records, nil
}

// snapshotScores answers a closed month from its snapshot.
func (tx *Tx) snapshotScores(m scoring.Month, p Period, scope scoreScope, page *Page) (MonthScores, int64, error) {
	out := MonthScores{Month: m, Closed: true, ClosedAt: p.ClosedAt, RuleVersion: BuiltinRuleVersion}
	if p.RuleVersion != nil {
		out.RuleVersion = *p.RuleVersion
	}
	rv, err := tx.ruleVersion(out.RuleVersion)
	if err != nil {
		return out, 0, err
	}
	out.Rules = rv.Rules
	q := tx.db.Model(&periodResult{}).Where("month = ?", m.String())
	if scope.staffIDs != nil {
		q = q.Where("staff_id IN ?", nonEmpty(scope.staffIDs))
	}
	if scope.departments != nil {
		q = q.Where("department_id IN ?", nonEmpty(scope.departments))
	}
	var total int64
	if err := q.Count(&total).Error; err != nil {
		return out, 0, err
	}
	q = q.Order("employee_no")
	if page != nil {
		q = q.Offset(page.Offset()).Limit(page.Size)
	}
	var rows []periodResult
	if err := q.Find(&rows).Error; err != nil {
		return out, 0, err
	}
	out.Results = make([]StaffScore, 0, len(rows))
	out.Records = []CountedRecord{}
	for i := range rows {
		sc, recs, err := rows[i].score()
		if err != nil {
			return out, 0, err
		}
		out.Results = append(out.Results, sc)
		out.Records = append(out.Records, recs...)
	}
	return out, total, nil
}

// PeriodView is a month as the API shows it: its state, whether its
// figures are provisional, and the rule set version that scores it (the one
// it was closed with, or the one in force while it is open).
type PeriodView struct {
	Month       string      `json:"month"`
	State       PeriodState `json:"state"`
	Provisional bool        `json:"provisional"`
	RuleVersion int64       `json:"rule_version"`
	OpenedAt    *time.Time  `json:"opened_at"`
	ClosedAt    *time.Time  `json:"closed_at"`
	ClosedBy    *int64      `json:"closed_by"`
}

// PeriodDetail is a month with its figures in the caller's scope.
type PeriodDetail struct {
	PeriodView
	Headcount          int64  `json:"headcount"`
	CountedViolations  int64  `json:"counted_violations"`
	CountedPraise      int64  `json:"counted_praise"`
	Corrections        int64  `json:"corrections"`
	UndecidedAppeals   int64  `json:"undecided_appeals"`
	ReportedViolations int64  `json:"reported_violations"`
	BaseUploadID       *int64 `json:"base_upload_id"`
}

func (tx *Tx) periodView(p Period, exists bool) (PeriodView, error) {
	v := PeriodView{Month: p.Month, State: p.State, Provisional: p.State != PeriodClosed, ClosedAt: p.ClosedAt, ClosedBy: p.ClosedBy}
	if exists {
		opened := p.OpenedAt
		v.OpenedAt = &opened
	}
	if p.RuleVersion != nil {
		v.RuleVersion = *p.RuleVersion
		return v, nil
	}
	m, err := scoring.ParseMonth(p.Month)
	if err != nil {
		return v, err
	}
	_, v.RuleVersion, err = tx.effectiveRules(m)
	return v, err
}

// PeriodFilter selects months in a list.
type PeriodFilter struct {
	State PeriodState
	Page
}

// ListPeriods lists the months in use, latest first, with the current month
// always among them (open on first use: it is shown open before any row).
func (s *Store) ListPeriods(ctx context.Context, a Actor, f PeriodFilter) ([]PeriodView, int64, error) {
	var out []PeriodView
	var total int64
	err := s.read(ctx, a, func(tx *Tx) error {
		var rows []Period
		if err := tx.db.Order("month DESC").Find(&rows).Error; err != nil {
			return err
		}
		current := scoring.MonthOf(tx.now, tx.store.loc).String()
		if !slices.ContainsFunc(rows, func(p Period) bool { return p.Month == current }) {
			rows = append(rows, Period{Month: current, State: PeriodOpen})
			slices.SortFunc(rows, func(a, b Period) int { return -cmp.Compare(a.Month, b.Month) })
		}
		rows = slices.DeleteFunc(rows, func(p Period) bool { return f.State != "" && p.State != f.State })
		total = int64(len(rows))
		from := min(f.Offset(), len(rows))
		to := min(from+f.Size, len(rows))
		for _, p := range rows[from:to] {
			v, err := tx.periodView(p, !p.OpenedAt.IsZero())
			if err != nil {
				return err
			}
			out = append(out, v)
		}
		return nil
	})
	return out, total, err
}

// GetPeriod returns a month with its figures in the actor's scope. Any
// valid month can be asked for: one never used is open.
func (s *Store) GetPeriod(ctx context.Context, a Actor, m scoring.Month) (PeriodDetail, error) {
	var out PeriodDetail
	err := s.read(ctx, a, func(tx *Tx) error {
		p, exists, err := tx.periodOf(m)
		if err != nil {
			return err
		}
		if out.PeriodView, err = tx.periodView(p, exists); err != nil {
			return err
		}
		scope, err := tx.resolveScoreScope(a, 0)
		if err != nil {
			return err
		}
		cond, args := scope.clause("staff_id")
		month := m.String()
		start, end := m.Start(tx.store.loc).UTC(), m.End(tx.store.loc).UTC()
		var up *ResultUpload
		// Four independent counts: on separate connections at once when
		// the read allows it (each is an index read; together they were
		// the summary's whole time on MariaDB).
		err = tx.together(
			func(tx *Tx) error {
				if p.State != PeriodClosed {
					var err error
					out.Headcount, err = tx.scoredCount(scope)
					return err
				}
				q := tx.db.Model(&periodResult{}).Where("month = ?", month)
				if scope.staffIDs != nil {
					q = q.Where("staff_id IN ?", nonEmpty(scope.staffIDs))
				}
				if scope.departments != nil {
					q = q.Where("department_id IN ?", nonEmpty(scope.departments))
				}
				return q.Count(&out.Headcount).Error
			},
			func(tx *Tx) error {
				// The record counts: summed from the maintained per-person
				// counts (staff_month_counts), not counted record by record.
				t, err := tx.monthTotals(month, cond, args)
				out.CountedViolations, out.CountedPraise, out.Corrections, out.UndecidedAppeals = t.CountedViolations, t.CountedPraise, t.Corrections, t.UndecidedAppeals
				return err
			},
			func(tx *Tx) error {
				q := tx.db.Table("violations").Where("state = ? AND occurred_at >= ? AND occurred_at < ?", ViolationReported, start, end)
				if cond != "" {
					q = q.Where(cond, args...)
				}
				return q.Count(&out.ReportedViolations).Error
			},
			func(tx *Tx) error {
				var err error
				up, err = tx.currentUpload(m)
				return err
			})
		if err == nil && up != nil {
			out.BaseUploadID = &up.ID
		}
		return err
	})
	return out, err
}

// ValueProblem is an error detail naming a field, the offending value and
// what is wrong (the API's ProblemDetail).
type ValueProblem struct {
	Field   string `json:"field"`
	Value   any    `json:"value"`
	Message string `json:"message"`
}

// UndecidedAppeal names an appeal that keeps a month from closing.
type UndecidedAppeal struct {
	ViolationID int64      `json:"violation_id"`
	StaffID     int64      `json:"staff_id"`
	AppealedAt  *time.Time `json:"appealed_at"`
}

// snapshotBatchBytes bounds one INSERT of snapshot rows (MySQL's
// max_allowed_packet is 16 MiB by default).
const snapshotBatchBytes = 4 << 20

// ClosePeriod closes a month (HR or admin) once it has ended: in one
// transaction it freezes every active staff member's result, with the rule
// set version used, and marks the month closed. It is refused (409) when
// the month is already closed, has not ended yet, or has undecided appeals
// (listed in the details). Of two closes at once, one succeeds and the other
// finds the month closed.
func (s *Store) ClosePeriod(ctx context.Context, a Actor, m scoring.Month) (PeriodDetail, error) {
	err := s.write(ctx, a, func(tx *Tx) error {
		// The period lock comes first, before any plain read (see lockPeriod).
		p, err := tx.lockPeriod(m)
		if err != nil {
			return err
		}
		if p.State == PeriodClosed {
			return Errorf(EConflict, "month %s is already closed", m)
		}
		if end := m.End(tx.store.loc); tx.now.Before(end) {
			return Errorf(EConflict, "month %s has not ended yet; it can be closed from %s", m, end.Format(time.RFC3339))
		}
		var appeals []UndecidedAppeal
		err = tx.db.Table("violations").Select("id AS violation_id, staff_id, appealed_at").
			Where("counted_month = ? AND state = ?", m.String(), ViolationAppealed).Order("id").Scan(&appeals).Error
		if err != nil {
			return err
		}
		if len(appeals) > 0 {
			details := make([]any, len(appeals))
			for i, ap := range appeals {
				msg := fmt.Sprintf("violation %d of staff member %d is under appeal", ap.ViolationID, ap.StaffID)
				if ap.AppealedAt != nil {
					msg += " since " + ap.AppealedAt.UTC().Format(time.RFC3339)
				}
				details[i] = ValueProblem{Field: "violation_id", Value: ap.ViolationID, Message: msg}
			}
			return &Error{Code: EConflict, Message: fmt.Sprintf("month %s has %d undecided appeal(s); decide them before closing", m, len(appeals)), Details: details}
		}
		rules, version, err := tx.effectiveRules(m)
		if err != nil {
			return err
		}
		scores, records, _, err := tx.liveScores(m, rules, scoreScope{}, nil, true)
		if err != nil {
			return err
		}
		if err := tx.insertSnapshot(m, version, scores, records); err != nil {
			return err
		}
		before := p
		closedBy := optionalID(a.StaffID)
		now := tx.now
		res := tx.db.Model(&Period{}).Where("month = ? AND state = ?", m.String(), PeriodOpen).
			Updates(map[string]any{"state": PeriodClosed, "rule_version": version, "closed_at": now, "closed_by": closedBy})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 {
			return Errorf(EConflict, "month %s is already closed", m)
		}
		p.State, p.RuleVersion, p.ClosedAt, p.ClosedBy = PeriodClosed, &version, &now, closedBy
		tx.audit("period.close", "period", periodEntityID(m), before, map[string]any{
			"period": p, "headcount": len(scores), "counted_records": len(records)})
		return tx.robotMonthClosed(m)
	})
	if err != nil {
		return PeriodDetail{}, err
	}
	return s.GetPeriod(ctx, a, m)
}

// insertSnapshot writes the frozen results in batches bounded in rows and
// bytes (see bulkInsert).
func (tx *Tx) insertSnapshot(m scoring.Month, version int64, scores []StaffScore, records []CountedRecord) error {
	b := newBulkInsert(tx, "period_results", "month", "staff_id", "employee_no", "name", "department_id",
		"department_name", "base", "base_uploaded", "deductions", "praise_raw", "praise", "corrections", "additions",
		"final", "grade", "grade_vetoed", "highest_sanction", "bonus_deduction_percent", "violation_count",
		"praise_count", "correction_count", "items", "rule_version", "created_at")
	b.maxBytes = snapshotBatchBytes
	k := 0
	for i := range scores {
		sc := &scores[i]
		items := make([]snapshotItem, len(sc.Items))
		for j := range sc.Items {
			rec := &records[k]
			k++
			items[j] = freezeItem(&sc.Items[j], rec)
		}
		r, err := snapshotRow(m, version, tx.now, sc, items)
		if err != nil {
			return err
		}
		err = b.addSized(len(r.Items)+512, r.Month, r.StaffID, r.EmployeeNo, r.Name, r.DepartmentID,
			r.DepartmentName, r.Base, r.BaseUploaded, r.Deductions, r.PraiseRaw, r.Praise, r.Corrections, r.Additions,
			r.Final, string(r.Grade), r.GradeVetoed, string(r.HighestSanction), r.BonusDeductionPercent, r.ViolationCount,
			r.PraiseCount, r.CorrectionCount, r.Items, r.RuleVersion, r.CreatedAt)
		if err != nil {
			return err
		}
	}
	return b.flush()
}

// monthClosed reports whether the month has been closed. A month with no
// row has never been used and is open.
func (tx *Tx) monthClosed(m scoring.Month) (bool, error) {
	var n int64
	err := tx.db.Model(&Period{}).Where("month = ? AND state = ?", m.String(), PeriodClosed).Count(&n).Error
	return n > 0, err
}

// lockPeriod opens month m on first use (inserting its open row, audited)
// and locks its row until the transaction ends. Everything that counts a
// record into a month, decides an appeal of it or closes it takes this lock
// first, so a close and a record arriving for the same month are ordered:
// either the record commits first and the close's snapshot sees it, or the
// close commits first and the record sees the month closed and moves on.
//
// On MySQL the lock must come before the transaction's first plain read:
// InnoDB fixes a repeatable-read snapshot at the first non-locking read, and
// a close whose snapshot predated a record committed while it waited would
// miss that record.
func (tx *Tx) lockPeriod(m scoring.Month) (Period, error) {
	row := Period{Month: m.String(), State: PeriodOpen, OpenedAt: tx.now}
	res := tx.db.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "month"}}, DoNothing: true}).Create(&row)
	if res.Error != nil {
		return Period{}, res.Error
	}
	if res.RowsAffected == 1 {
		tx.audit("period.open", "period", periodEntityID(m), nil, row)
	}
	var p Period
	err := tx.db.Clauses(clause.Locking{Strength: "UPDATE"}).Where("month = ?", m.String()).Take(&p).Error
	return p, err
}

// periodEntityID is the audit entity id of a month: YYYYMM as a number.
func periodEntityID(m scoring.Month) int64 { return int64(m.Year*100 + int(m.Mon)) }

// countingMonth finds the month a record that occurred at occurredAt counts
// in when it takes effect now (scoring.CountingMonth): its own month if open,
// else the first open month after it. Each month it looks at is opened on
// first use and locked (lockPeriod), so the answer holds until commit.
// carried is the record's own month when it counts in a later one.
func (tx *Tx) countingMonth(occurredAt time.Time) (counted scoring.Month, carried *scoring.Month, err error) {
	own := scoring.MonthOf(occurredAt, tx.store.loc)
	return tx.firstOpenFrom(own)
}

// firstOpenFrom is countingMonth for a month rather than an instant.
func (tx *Tx) firstOpenFrom(own scoring.Month) (counted scoring.Month, carried *scoring.Month, err error) {
	isClosed := func(m scoring.Month) bool {
		if err != nil {
			return false
		}
		var p Period
		p, err = tx.lockPeriod(m)
		return err == nil && p.State == PeriodClosed
	}
	counted, carriedOver := scoring.CountingMonth(own, isClosed, scoring.Month{})
	if err != nil {
		return scoring.Month{}, nil, err
	}
	if carriedOver {
		carried = &own
	}
	return counted, carried, nil
}

// monthString is a month as the text stored in the database.
func monthString(m *scoring.Month) *string {
	if m == nil {
		return nil
	}
	s := m.String()
	return &s
}
