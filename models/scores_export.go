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
}

// Records yields the counted records in the order MonthScores lists them
// (by person in employee-number order, then as each result applied them).
// It can be ranged over once: what it has handed over is released. The
// record it yields is valid only until the next one.
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
		return ExportScores{MonthScores: ms, records: func(yield func(*CountedRecord) bool) {
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
	in, err := tx.liveInputs(m, scope, nil)
	if err != nil {
		return out, err
	}
	scores, _ := scoreLive(out.Rules, in.people, in.bases, in.set, false)
	// Each applied item is kept as an exportItem (with what the records list
	// shows besides: its inquiry and state), a third of an Item's size, so
	// that the records read from the database and the items can go now.
	var enums enumTable
	items := make([][]exportItem, len(scores))
	for i := range scores {
		its := scores[i].Items
		scores[i].Items = nil
		items[i] = make([]exportItem, len(its))
		for j := range its {
			it := &its[j]
			var info recordInfo
			if k := in.set.find(it.Kind, it.RecordID); k >= 0 {
				info = in.set.info[k]
			}
			items[i][j] = exportItem{
				id: it.RecordID, at: it.OccurredAt, points: it.Points, raw: it.RawPoints,
				carried: it.CarriedOverFrom, reason: it.Reason, inquiry: info.inquiryID, capped: it.Capped,
				kind: enums.of(string(it.Kind)), vt: enums.of(string(it.ViolationType)), sev: enums.of(string(it.Severity)),
				sanction: enums.of(string(it.Sanction)), praise: enums.of(string(it.PraiseKind)), state: enums.of(string(info.state)),
			}
		}
	}
	refs, names := in.refs, enums.names
	in = liveData{}
	out.Results = scores
	out.records = func(yield func(*CountedRecord) bool) {
		for i := range items {
			for j := range items[i] {
				it := &items[i][j]
				rec := CountedRecord{
					Kind: scoring.RecordKind(names[it.kind]), ID: it.id, StaffID: scores[i].ID, OccurredAt: it.at,
					ViolationType: scoring.ViolationType(names[it.vt]), Severity: scoring.Severity(names[it.sev]),
					Sanction: scoring.Sanction(names[it.sanction]), PraiseKind: scoring.PraiseKind(names[it.praise]),
					Points: it.points, RawPoints: it.raw, Capped: it.capped, State: names[it.state],
					CarriedOverFrom: it.carried, Reason: it.reason,
				}
				if it.inquiry != 0 {
					id := it.inquiry
					rec.InquiryID = &id
					rec.InquiryRef = refs[id]
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
// handed over: the text fields (kind, type, severity, sanction, praise kind,
// state) as indexes into an enumTable.
type exportItem struct {
	id       int64
	at       time.Time
	points   float64
	raw      float64
	carried  *scoring.Month
	reason   string
	inquiry  int64
	kind     uint16
	vt       uint16
	sev      uint16
	sanction uint16
	praise   uint16
	state    uint16
	capped   bool
}

// enumTable numbers the distinct values of an export's text fields ("" is
// 0). Past 65,535 distinct values, which no enum has, a value shares the
// last index and would show wrong; of() panics instead.
type enumTable struct {
	names []string
	index map[string]uint16
}

func (t *enumTable) of(s string) uint16 {
	if t.index == nil {
		t.names, t.index = []string{""}, map[string]uint16{"": 0}
	}
	if i, ok := t.index[s]; ok {
		return i
	}
	if len(t.names) > 0xffff {
		panic("models: too many distinct values in an export")
	}
	i := uint16(len(t.names))
	t.names = append(t.names, s)
	t.index[s] = i
	return i
}
