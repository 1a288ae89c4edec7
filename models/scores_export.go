package models

import (
	"context"
	"iter"
	"time"

	"firstask/scoring"
)

// ExportScores is a month's scores shaped for a workbook export of every
// counted record: MonthScores without the records list and without each
// result's Items, and the records handed over one at a time by Records.
// At 200,000 records the list and the items would each hold some 35 MB
// through the whole write; here each person's items are let go as soon as
// their records have been handed over, and the list is never built.
type ExportScores struct {
	MonthScores
	records iter.Seq[*CountedRecord]
	count   int
}

// RecordCount is how many records Records yields.
func (e *ExportScores) RecordCount() int { return e.count }

// Records yields the counted records in the order MonthScores lists them
// (by person in employee-number order, then as each result applied them).
// It can be ranged over once: what it has handed over is released. The
// record it yields is valid only until the next one. An open month's
// records come without their inquiry's ref (InquiryRef): RecordNotes
// returns it with the record's note, a batch at a time.
func (e *ExportScores) Records() iter.Seq[*CountedRecord] {
	if e.records == nil {
		return func(func(*CountedRecord) bool) {}
	}
	return e.records
}

// ExportMonthScores is MonthScores for an export: the same results and
// the same records, in the same scope, with less held at once (see
// ExportScores).
func (s *Store) ExportMonthScores(ctx context.Context, a Actor, month scoring.Month, departmentID int64) (ExportScores, error) {
	var out ExportScores
	err := s.read(ctx, a, func(tx *Tx) error {
		scope, err := tx.resolveScoreScope(a, departmentID)
		if err != nil {
			return err
		}
		out, err = tx.exportScores(month, scope)
		return err
	})
	return out, err
}

func (tx *Tx) exportScores(m scoring.Month, scope scoreScope) (ExportScores, error) {
	p, _, err := tx.periodOf(m)
	if err != nil {
		return ExportScores{}, err
	}
	if p.State == PeriodClosed {
		// The snapshot holds each person's items once, as records; drop
		// the copy in the results and hand the records over from the list.
		ms, _, err := tx.snapshotScores(m, p, scope, nil)
		if err != nil {
			return ExportScores{}, err
		}
		for i := range ms.Results {
			ms.Results[i].Items = nil
		}
		records := ms.Records
		ms.Records = nil
		return ExportScores{MonthScores: ms, count: len(records), records: func(yield func(*CountedRecord) bool) {
			for i := range records {
				if !yield(&records[i]) {
					return
				}
			}
			records = nil
		}}, nil
	}
	out := ExportScores{MonthScores: MonthScores{Month: m}}
	if out.Rules, out.RuleVersion, err = tx.effectiveRules(m); err != nil {
		return out, err
	}
	in, err := tx.liveInputs(m, scope, nil, false)
	if err != nil {
		return out, err
	}
	scores, _ := scoreLive(out.Rules, in.people, in.bases, in.set, false)
	// Each applied item is kept as an exportItem (with what the records list
	// shows besides: its inquiry and state), a third of what those take, so
	// that the records read from the database and the items can go now.
	var (
		enums, reasons table[string]
		locs           table[*time.Location]
		months         monthTable
	)
	items := make([][]exportItem, len(scores))
	for i := range scores {
		its := scores[i].Items
		scores[i].Items = nil
		items[i] = make([]exportItem, len(its))
		out.count += len(its)
		for j := range its {
			it := &its[j]
			var info recordInfo
			if k := in.set.find(it.Kind, it.RecordID); k >= 0 {
				info = in.set.info[k]
			}
			items[i][j] = exportItem{
				id: it.RecordID, sec: it.OccurredAt.Unix(), nsec: int32(it.OccurredAt.Nanosecond()), loc: locs.of16(it.OccurredAt.Location()),
				points: it.Points, raw: it.RawPoints, reason: reasons.of(it.Reason), inquiry: info.inquiryID, capped: it.Capped,
				kind: enums.of16(string(it.Kind)), vt: enums.of16(string(it.ViolationType)), sev: enums.of16(string(it.Severity)),
				sanction: enums.of16(string(it.Sanction)), praise: enums.of16(string(it.PraiseKind)), state: enums.of16(string(info.state)),
				carried: months.of(it.CarriedOverFrom),
			}
		}
	}
	names := enums.values
	in = liveData{}
	out.Results = scores
	out.records = func(yield func(*CountedRecord) bool) {
		for i := range items {
			for j := range items[i] {
				it := &items[i][j]
				rec := CountedRecord{
					Kind: scoring.RecordKind(names[it.kind]), ID: it.id, StaffID: scores[i].ID,
					OccurredAt:    time.Unix(it.sec, int64(it.nsec)).In(locs.values[it.loc]),
					ViolationType: scoring.ViolationType(names[it.vt]), Severity: scoring.Severity(names[it.sev]),
					Sanction: scoring.Sanction(names[it.sanction]), PraiseKind: scoring.PraiseKind(names[it.praise]),
					Points: it.points, RawPoints: it.raw, Capped: it.capped, State: names[it.state],
					CarriedOverFrom: months.at(it.carried), Reason: reasons.values[it.reason],
				}
				if it.inquiry != 0 { // its ref comes with the notes (RecordNotes)
					id := it.inquiry
					rec.InquiryID = &id
				}
				if !yield(&rec) {
					return
				}
			}
			items[i] = nil
		}
	}
	return out, nil
}

// exportItem is an applied item as an export keeps it until its record is
// handed over, in 64 bytes where an Item and its record info take 200: the
// time as seconds, nanoseconds and a location, the text fields (kind, type,
// severity, sanction, praise kind, state, reason) and the carried-over
// month as indexes into tables of the export's distinct values.
type exportItem struct {
	id       int64
	sec      int64
	points   float64
	raw      float64
	inquiry  int64
	nsec     int32
	reason   uint32
	kind     uint16
	vt       uint16
	sev      uint16
	sanction uint16
	praise   uint16
	state    uint16
	loc      uint16
	carried  uint16
	capped   bool
}

// table numbers the distinct values it is given, the zero value first (as
// 0). Past 65,535 distinct values, which no enum, location or month of an
// export comes near, of16 panics rather than index wrong; the reasons take
// of's uint32.
type table[T comparable] struct {
	values []T
	index  map[T]uint32
}

func (t *table[T]) of(v T) uint32 {
	if t.index == nil {
		var zero T
		t.values, t.index = []T{zero}, map[T]uint32{zero: 0}
	}
	if i, ok := t.index[v]; ok {
		return i
	}
	i := uint32(len(t.values))
	t.values = append(t.values, v)
	t.index[v] = i
	return i
}

// of16 is of for a uint16 field.
func (t *table[T]) of16(v T) uint16 {
	i := t.of(v)
	if i > 0xffff {
		panic("models: too many distinct values in an export")
	}
	return uint16(i)
}

// monthTable numbers carried-over months (0 for none).
type monthTable struct{ table[scoring.Month] }

func (t *monthTable) of(m *scoring.Month) uint16 {
	if m == nil {
		return 0
	}
	t.of16(scoring.Month{}) // keeps 0 for none, should a zero month come
	return t.of16(*m)
}

// at returns a fresh copy of the month numbered i, nil for 0.
func (t *monthTable) at(i uint16) *scoring.Month {
	if i == 0 {
		return nil
	}
	m := t.values[i]
	return &m
}

// AppraisalExport is everything the appraisal workbook shows, read at one
// moment: the month's scores (as ExportScores), every department (for
// names, codes and order) and the service figures of the same scope.
type AppraisalExport struct {
	ExportScores
	// DepartmentID is the department covered, with its sub-departments;
	// 0 is everyone (see AppraisalDepartment).
	DepartmentID int64
	Departments  []Department
	Service      ServiceMetrics
}

// AppraisalExport reads what the month's appraisal workbook needs in one
// read-only transaction, so that an open month's scores, records and
// service figures cannot come from different moments. HR and admin get
// everyone or the department asked for; a supervisor their own department
// when they name none.
func (s *Store) AppraisalExport(ctx context.Context, a Actor, month scoring.Month, departmentID int64) (AppraisalExport, error) {
	out := AppraisalExport{DepartmentID: AppraisalDepartment(a, departmentID)}
	err := s.readOnly(ctx, a, func(tx *Tx) error {
		scope, err := tx.resolveScoreScope(a, out.DepartmentID)
		if err != nil {
			return err
		}
		if out.ExportScores, err = tx.exportScores(month, scope); err != nil {
			return err
		}
		if err := tx.db.Order("code").Find(&out.Departments).Error; err != nil {
			return err
		}
		out.Service, err = tx.serviceMetrics(a, month, out.DepartmentID)
		return err
	})
	return out, err
}
