package models

import (
	"database/sql"
	"fmt"
	"time"

	"firstask/scoring"
)

// One person's month (GET /me/scores, a personal sheet) in two
// statements besides the sign-in: personHeader reads the month's state, the
// rule set version in force, the person and their uploaded base in one row;
// personRecords reads the person's counted violations, praise and
// corrections with their inquiry refs and notes in one UNION ALL. The
// parsed rule set comes from the store's cache of versions (a stored version
// is never changed, so its number identifies its content); everything HR can
// change is read each time. A closed month answers from its snapshot as
// before (monthScores).

// personHead is what personHeader reads.
type personHead struct {
	closed      bool
	ruleVersion int64
	found       bool
	person      staffRow
	base        *float64
}

// personHeader reads, in one statement, whether month m is closed, the
// version of the rules that score it (effectiveRuleVersion's choice), the
// active appraised staff member staffID with their department (found is
// false for anyone else) and their base in the month's current upload.
func (tx *Tx) personHeader(m scoring.Month, staffID int64) (personHead, error) {
	month := m.String()
	row := tx.db.Raw(`SELECT h.pstate, h.rv, h.base, s.id, s.employee_no, s.name, s.department_id, d.name FROM (SELECT
  (SELECT state FROM periods WHERE month = ?) AS pstate,
  (SELECT version FROM rule_sets WHERE effective_from <= ? ORDER BY effective_from DESC, version DESC LIMIT 1) AS rv,
  (SELECT score FROM base_results WHERE staff_id = ? AND upload_id =
    (SELECT id FROM result_uploads WHERE month = ? AND superseded_at IS NULL ORDER BY id DESC LIMIT 1)) AS base
) h LEFT JOIN staff s ON s.id = ? AND s.active = ? AND s.appraised = ?
LEFT JOIN departments d ON d.id = s.department_id`,
		month, month, staffID, month, staffID, true, true).Row()
	var (
		state                 sql.NullString
		rv, id, dept          sql.NullInt64
		base                  sql.NullFloat64
		no, name, departments sql.NullString
	)
	if err := row.Scan(&state, &rv, &base, &id, &no, &name, &dept, &departments); err != nil {
		return personHead{}, err
	}
	h := personHead{closed: state.String == string(PeriodClosed), ruleVersion: BuiltinRuleVersion, found: id.Valid}
	if rv.Valid {
		h.ruleVersion = rv.Int64
	}
	if base.Valid {
		b := base.Float64
		h.base = &b
	}
	if h.found {
		h.person = staffRow{ID: id.Int64, EmployeeNo: no.String, Name: name.String, DepartmentID: dept.Int64, DepartmentName: departments.String}
	}
	return h, nil
}

// cachedRules returns the rule set of a version, parsed once per store.
// The result is shared: callers only read it.
func (tx *Tx) cachedRules(version int64) (scoring.RuleSet, error) {
	if version == BuiltinRuleVersion {
		return builtinVersion().Rules, nil
	}
	if r, ok := tx.store.scoreRules.Load(version); ok {
		return r.(scoring.RuleSet), nil
	}
	rv, err := tx.ruleVersion(version)
	if err != nil {
		return scoring.RuleSet{}, err
	}
	tx.store.scoreRules.Store(version, rv.Rules)
	return rv.Rules, nil
}

// Record kinds as personRecords numbers them.
const (
	personViolation = iota
	personPraise
	personCorrection
)

// personRecords reads what counts in month m for one person, as
// countedRecords does for a scope, together with each record's inquiry ref
// and note (description or praise reason), in one statement.
func (tx *Tx) personRecords(m scoring.Month, staffID int64) (*countedSet, map[int64]string, map[RecordKey]string, error) {
	month := m.String()
	rows, err := tx.db.Raw(`SELECT 0, v.id, v.type, v.severity, v.sanction, v.occurred_at, v.inquiry_id, v.carried_over_from, v.state, NULL, v.description, i.ref
  FROM violations v LEFT JOIN inquiries i ON i.id = v.inquiry_id
  WHERE v.counted_month = ? AND v.state IN ? AND v.staff_id = ?
UNION ALL SELECT 1, p.id, p.kind, NULL, NULL, p.occurred_at, p.inquiry_id, p.carried_over_from, NULL, NULL, p.reason, i.ref
  FROM praises p LEFT JOIN inquiries i ON i.id = p.inquiry_id
  WHERE p.counted_month = ? AND p.staff_id = ?
UNION ALL SELECT 2, v.id, v.type, v.severity, NULL, v.occurred_at, v.inquiry_id, v.counted_month, v.state, v.correction_points, v.description, i.ref
  FROM violations v LEFT JOIN inquiries i ON i.id = v.inquiry_id
  WHERE v.correction_month = ? AND v.state = ? AND v.staff_id = ?`,
		month, countingStates, staffID, month, staffID, month, ViolationOverturned, staffID).Rows()
	if err != nil {
		return nil, nil, nil, err
	}
	defer rows.Close()
	type read struct {
		r    scoring.Record
		info recordInfo
	}
	var byKind [3][]read
	refs := map[int64]string{}
	notes := map[RecordKey]string{}
	var (
		kind                      int
		typ, sev, sanction        sql.RawBytes
		carried, state, note, ref sql.RawBytes
		inquiry                   sql.NullInt64
		points                    sql.NullFloat64
		at                        any
	)
	for rows.Next() {
		var x read
		if err := rows.Scan(&kind, &x.r.ID, &typ, &sev, &sanction, &at, &inquiry, &carried, &state, &points, &note, &ref); err != nil {
			return nil, nil, nil, err
		}
		if kind < personViolation || kind > personCorrection {
			return nil, nil, nil, fmt.Errorf("counted record of unknown kind %d", kind)
		}
		x.r.StaffID = staffID
		if x.r.OccurredAt, err = storedTime(at); err != nil {
			return nil, nil, nil, err
		}
		x.r.CarriedOverFrom = monthOf(carried)
		x.info.inquiryID = inquiry.Int64
		switch kind {
		case personViolation:
			x.r.Kind = scoring.RecordViolation
			x.r.ViolationType, x.r.Severity, x.r.Sanction = violationTypeOf(typ), severityOf(sev), sanctionOf(sanction)
			x.info.state = violationStateOf(state)
		case personPraise:
			x.r.Kind = scoring.RecordPraise
			x.r.PraiseKind = praiseKindOf(typ)
			x.info.state = PraiseRecorded
		case personCorrection:
			x.r.Kind = scoring.RecordCorrection
			x.r.ViolationType, x.r.Severity = violationTypeOf(typ), severityOf(sev)
			x.r.Points = points.Float64
			x.info.state = ViolationOverturned
		}
		notes[RecordKey{Kind: x.r.Kind, ID: x.r.ID}] = string(note)
		if inquiry.Valid && ref != nil {
			refs[inquiry.Int64] = string(ref)
		}
		byKind[kind] = append(byKind[kind], x)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, nil, err
	}
	set := &countedSet{}
	set.reserve(len(byKind[0]) + len(byKind[1]) + len(byKind[2]))
	for k, kind := range []scoring.RecordKind{scoring.RecordViolation, scoring.RecordPraise, scoring.RecordCorrection} {
		for i := range byKind[k] {
			set.add(&byKind[k][i].r, byKind[k][i].info)
		}
		set.endRun(kind)
	}
	return set, refs, notes, nil
}

// storedTime reads a time column that a UNION may hand over as a time or
// as the stored text (SQLite does not carry the column's type through it).
func storedTime(v any) (time.Time, error) {
	switch t := v.(type) {
	case time.Time:
		return t, nil
	case []byte:
		return parseStoredTime(t)
	case string:
		return parseStoredTime([]byte(t))
	}
	return time.Time{}, fmt.Errorf("unreadable time %v (%T)", v, v)
}

// personMonthScores is monthScores for one person of an open month with
// the notes filled in (what MonthScoresOf answers); closed is set, and
// nothing else, when the month is closed.
func (tx *Tx) personMonthScores(m scoring.Month, staffID int64) (out MonthScores, closed bool, err error) {
	h, err := tx.personHeader(m, staffID)
	if err != nil || h.closed {
		return out, h.closed, err
	}
	out = MonthScores{Month: m, RuleVersion: h.ruleVersion}
	if out.Rules, err = tx.cachedRules(h.ruleVersion); err != nil {
		return out, false, err
	}
	if !h.found {
		out.Results, out.Records = []StaffScore{}, []CountedRecord{}
		return out, false, nil
	}
	set, refs, notes, err := tx.personRecords(m, staffID)
	if err != nil {
		return out, false, err
	}
	bases := map[int64]float64{}
	if h.base != nil {
		bases[staffID] = *h.base
	}
	out.Results, out.Records = scoreLive(out.Rules, []staffRow{h.person}, bases, set, true)
	for i := range out.Records {
		if out.Records[i].InquiryID != nil {
			out.Records[i].InquiryRef = refs[*out.Records[i].InquiryID]
		}
	}
	for i := range out.Results {
		for j := range out.Results[i].Items {
			it := &out.Results[i].Items[j]
			if n, ok := notes[RecordKey{Kind: it.Kind, ID: it.RecordID}]; ok {
				it.Note = n
			}
		}
	}
	return out, false, nil
}
