package models

import (
	"cmp"
	"context"
	"encoding/json"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"firstask/scoring"
)

// MaxPreviewMonths is how many months one rule preview may recompute.
const MaxPreviewMonths = 12

// RulePreviewInput is a draft rule set and the months to try it on: the
// same "rules" document as RuleSetInput, validated the same way.
type RulePreviewInput struct {
	Rules  json.RawMessage `json:"rules"`
	Months []string        `json:"months"`
}

// PreviewOutcome is what a rule change can move in one person's month.
type PreviewOutcome struct {
	Final                 float64          `json:"final"`
	Grade                 scoring.Grade    `json:"grade"`
	HighestSanction       scoring.Sanction `json:"highest_sanction"`
	BonusDeductionPercent float64          `json:"bonus_deduction_percent"`
}

// outcomeOf takes the outcome of a result.
func outcomeOf(r *scoring.Result) PreviewOutcome {
	return PreviewOutcome{Final: r.Final, Grade: r.Grade, HighestSanction: r.HighestSanction, BonusDeductionPercent: r.BonusDeductionPercent}
}

// PreviewChange is one person whose month the draft would change.
type PreviewChange struct {
	StaffID        int64          `json:"staff_id"`
	EmployeeNo     string         `json:"employee_no"`
	Name           string         `json:"name"`
	DepartmentID   int64          `json:"department_id"`
	DepartmentName string         `json:"department_name"`
	Before         PreviewOutcome `json:"before"`
	After          PreviewOutcome `json:"after"`
	// FinalChange is After.Final − Before.Final.
	FinalChange float64 `json:"final_change"`
}

// PreviewDepartment is one department's average final score before and after.
type PreviewDepartment struct {
	DepartmentID   int64   `json:"department_id"`
	DepartmentName string  `json:"department_name"`
	Headcount      int     `json:"headcount"`
	AverageBefore  float64 `json:"average_before"`
	AverageAfter   float64 `json:"average_after"`
}

// GradeCounts counts people per grade; every grade is present.
type GradeCounts map[scoring.Grade]int

// MonthPreview is the effect of a draft rule set on one month.
type MonthPreview struct {
	Month scoring.Month `json:"month"`
	// Closed months are recomputed from their snapshot, open ones live.
	Closed bool `json:"closed"`
	// RuleVersion is the version that scores the month today (Before).
	RuleVersion int64 `json:"rule_version"`
	// People is how many people the month scores; Changed how many of them the draft changes.
	People  int `json:"people"`
	Changed int `json:"changed"`
	// GradesBefore and GradesAfter count people per grade.
	GradesBefore GradeCounts `json:"grades_before"`
	GradesAfter  GradeCounts `json:"grades_after"`
	// BonusWithheldBefore and After add up every person's bonus_deduction_percent.
	BonusWithheldBefore float64 `json:"bonus_withheld_before"`
	BonusWithheldAfter  float64 `json:"bonus_withheld_after"`
	// Departments holds each department's average final score, by department name.
	Departments []PreviewDepartment `json:"departments"`
	// Unapplied names the draft's fields that differ from the month's rules
	// but cannot change its figures: they act at verification or on the SLA
	// clocks (docs/scoring.md, "Previewing a rule change").
	Unapplied []string `json:"unapplied"`
	// Changes is the page of changed people asked for (all of them when no
	// page was given), the largest change first.
	Changes []PreviewChange `json:"changes"`
	// Everyone lists every person (before = after for the unchanged, who
	// follow the changed ones in employee-number order) when asked by
	// PreviewOptions.Everyone: the workbook shows them all.
	Everyone []PreviewChange `json:"-"`
}

// PreviewOptions says how much of each month PreviewRules hands back.
type PreviewOptions struct {
	// Page, when set, limits each month's Changes to one page.
	Page *Page
	// Everyone fills each month's Everyone.
	Everyone bool
}

// RulePreview is the answer of PreviewRules: one MonthPreview per month asked, in the order asked.
type RulePreview struct {
	Months []MonthPreview `json:"months"`
}

// PreviewRules recomputes months with a draft rule set exactly as scoring
// would if the draft scored them, and compares the result with what the
// months show now. It writes nothing, not even an audit entry: a preview is
// not a change. HR and admin only. With page set, each month's Changes holds
// that page of its changed people; without, all of them.
func (s *Store) PreviewRules(ctx context.Context, a Actor, in RulePreviewInput, opts PreviewOptions) (RulePreview, error) {
	if err := MayPreviewRules(a); err != nil {
		return RulePreview{}, err
	}
	draft, months, err := checkPreviewInput(in)
	if err != nil {
		return RulePreview{}, err
	}
	out := RulePreview{Months: make([]MonthPreview, 0, len(months))}
	for _, m := range months {
		var mp MonthPreview
		err := s.read(ctx, a, func(tx *Tx) error {
			var err error
			mp, err = tx.previewMonth(m, draft, opts)
			return err
		})
		if err != nil {
			return RulePreview{}, err
		}
		out.Months = append(out.Months, mp)
	}
	return out, nil
}

// checkPreviewInput validates a preview request, reporting every problem at once.
func checkPreviewInput(in RulePreviewInput) (scoring.RuleSet, []scoring.Month, error) {
	var v Validation
	draft := parseRulesField(&v, in.Rules)
	var months []scoring.Month
	switch {
	case len(in.Months) == 0:
		v.Add("months", "is required: one or more months YYYY-MM")
	case len(in.Months) > MaxPreviewMonths:
		v.Add("months", "at most %d months at a time", MaxPreviewMonths)
	}
	seen := map[scoring.Month]bool{}
	for i, s := range in.Months {
		m, err := scoring.ParseMonth(strings.TrimSpace(s))
		field := "months[" + strconv.Itoa(i) + "]"
		switch {
		case err != nil:
			v.Add(field, "must be a month YYYY-MM")
		case seen[m]:
			v.Add(field, "month %s is listed twice", m)
		default:
			seen[m] = true
			months = append(months, m)
		}
	}
	return draft, months, v.Err()
}

// previewMonth scores month m twice from one read of its inputs: with the
// rules that score it now and with the draft. An open month is read as
// MonthScores reads it (the same people, bases, counted records and
// corrections); a closed one from its snapshot (the people, bases and records
// it was closed with), so that Before is exactly what the month shows.
func (tx *Tx) previewMonth(m scoring.Month, draft scoring.RuleSet, opts PreviewOptions) (MonthPreview, error) {
	p, _, err := tx.periodOf(m)
	if err != nil {
		return MonthPreview{}, err
	}
	out := MonthPreview{Month: m, Closed: p.State == PeriodClosed}
	var (
		rules   scoring.RuleSet
		persons []scoring.Person
		records []scoring.Record
		depts   []string // department name per person
		before  []scoring.Result
	)
	if out.Closed {
		ms, _, err := tx.snapshotScores(m, p, scoreScope{}, nil)
		if err != nil {
			return out, err
		}
		rules, out.RuleVersion = ms.Rules, ms.RuleVersion
		persons, depts, before = snapshotPersons(ms.Results)
		records = snapshotRecords(ms.Records)
	} else {
		if rules, out.RuleVersion, err = tx.effectiveRules(m); err != nil {
			return out, err
		}
		in, err := tx.liveInputs(m, scoreScope{}, nil, false)
		if err != nil {
			return out, err
		}
		persons, depts = livePersons(in.people, in.bases)
		records = in.set.records
		before = scoring.ComputeMonth(rules, persons, records)
	}
	after := scoring.ComputeMonth(draft, persons, records)
	summarisePreview(&out, before, after, depts, opts)
	out.Unapplied = unappliedChanges(rules, draft)
	return out, nil
}

// livePersons turns the people of an open month and their bases into scoring's persons.
func livePersons(people []staffRow, bases map[int64]float64) ([]scoring.Person, []string) {
	persons := make([]scoring.Person, len(people))
	depts := make([]string, len(people))
	for i, p := range people {
		persons[i] = scoring.Person{StaffID: p.ID, EmployeeNo: p.EmployeeNo, Name: p.Name, DepartmentID: p.DepartmentID}
		if b, ok := bases[p.ID]; ok {
			persons[i].UploadedBase = &b
		}
		depts[i] = p.DepartmentName
	}
	return persons, depts
}

// snapshotPersons turns a closed month's results back into the persons it
// scored: an uploaded base stays, a default one becomes the draft's default.
func snapshotPersons(results []StaffScore) ([]scoring.Person, []string, []scoring.Result) {
	persons := make([]scoring.Person, len(results))
	depts := make([]string, len(results))
	before := make([]scoring.Result, len(results))
	for i := range results {
		r := &results[i]
		persons[i] = scoring.Person{StaffID: r.ID, EmployeeNo: r.EmployeeNo, Name: r.Name, DepartmentID: r.DepartmentID}
		if r.BaseUploaded {
			b := r.Base
			persons[i].UploadedBase = &b
		}
		depts[i] = r.DepartmentName
		before[i] = r.Result
		before[i].StaffID, before[i].EmployeeNo, before[i].Name, before[i].DepartmentID = r.ID, r.EmployeeNo, r.Name, r.DepartmentID
	}
	return persons, depts, before
}

// snapshotRecords turns a closed month's counted records back into scoring's records.
func snapshotRecords(list []CountedRecord) []scoring.Record {
	out := make([]scoring.Record, len(list))
	for i := range list {
		c := &list[i]
		out[i] = scoring.Record{ID: c.ID, Kind: c.Kind, StaffID: c.StaffID, OccurredAt: c.OccurredAt,
			ViolationType: c.ViolationType, Severity: c.Severity, Sanction: c.Sanction, PraiseKind: c.PraiseKind,
			CarriedOverFrom: c.CarriedOverFrom}
		if c.Kind == scoring.RecordCorrection {
			out[i].Points = c.Points
		}
	}
	return out
}

// summarisePreview compares before and after (same people, same order) into out.
func summarisePreview(out *MonthPreview, before, after []scoring.Result, depts []string, opts PreviewOptions) {
	out.People = len(before)
	out.GradesBefore, out.GradesAfter = GradeCounts{}, GradeCounts{}
	for _, g := range scoring.AllGrades {
		out.GradesBefore[g], out.GradesAfter[g] = 0, 0
	}
	type deptSum struct {
		name          string
		n             int
		before, after float64
	}
	byDept := map[int64]*deptSum{}
	var changes, unchanged []PreviewChange
	var bonusBefore, bonusAfter float64
	for i := range before {
		b, a := &before[i], &after[i]
		out.GradesBefore[b.Grade]++
		out.GradesAfter[a.Grade]++
		bonusBefore += b.BonusDeductionPercent
		bonusAfter += a.BonusDeductionPercent
		d := byDept[b.DepartmentID]
		if d == nil {
			d = &deptSum{name: depts[i]}
			byDept[b.DepartmentID] = d
		}
		d.n++
		d.before += b.Final
		d.after += a.Final
		ob, oa := outcomeOf(b), outcomeOf(a)
		if ob != oa || opts.Everyone {
			c := PreviewChange{StaffID: b.StaffID, EmployeeNo: b.EmployeeNo, Name: b.Name,
				DepartmentID: b.DepartmentID, DepartmentName: depts[i], Before: ob, After: oa,
				FinalChange: scoring.RoundScore(oa.Final - ob.Final)}
			if ob != oa {
				changes = append(changes, c)
			} else {
				unchanged = append(unchanged, c)
			}
		}
	}
	out.BonusWithheldBefore, out.BonusWithheldAfter = scoring.RoundScore(bonusBefore), scoring.RoundScore(bonusAfter)
	out.Departments = make([]PreviewDepartment, 0, len(byDept))
	for id, d := range byDept {
		out.Departments = append(out.Departments, PreviewDepartment{DepartmentID: id, DepartmentName: d.name, Headcount: d.n,
			AverageBefore: scoring.RoundScore(d.before / float64(d.n)), AverageAfter: scoring.RoundScore(d.after / float64(d.n))})
	}
	slices.SortFunc(out.Departments, func(x, y PreviewDepartment) int {
		return cmp.Or(strings.Compare(x.DepartmentName, y.DepartmentName), cmp.Compare(x.DepartmentID, y.DepartmentID))
	})
	slices.SortFunc(changes, compareChanges)
	out.Changed = len(changes)
	if opts.Everyone {
		slices.SortFunc(unchanged, func(x, y PreviewChange) int {
			return cmp.Or(strings.Compare(x.EmployeeNo, y.EmployeeNo), cmp.Compare(x.StaffID, y.StaffID))
		})
		out.Everyone = append(slices.Clip(changes), unchanged...)
	}
	if page := opts.Page; page != nil {
		lo := min(page.Offset(), len(changes))
		changes = changes[lo:min(lo+page.Size, len(changes))]
	}
	if changes == nil {
		changes = []PreviewChange{}
	}
	out.Changes = changes
}

// compareChanges orders changes by size, largest first: the final score's
// change, then the bonus withheld's, then how many grades and sanction steps
// moved; ties by employee number.
func compareChanges(x, y PreviewChange) int {
	return cmp.Or(
		-cmp.Compare(math.Abs(x.FinalChange), math.Abs(y.FinalChange)),
		-cmp.Compare(math.Abs(x.After.BonusDeductionPercent-x.Before.BonusDeductionPercent),
			math.Abs(y.After.BonusDeductionPercent-y.Before.BonusDeductionPercent)),
		-cmp.Compare(gradeSteps(x), gradeSteps(y)),
		-cmp.Compare(sanctionSteps(x), sanctionSteps(y)),
		strings.Compare(x.EmployeeNo, y.EmployeeNo),
		cmp.Compare(x.StaffID, y.StaffID),
	)
}

func gradeSteps(c PreviewChange) int {
	return abs(slices.Index(scoring.AllGrades, c.After.Grade) - slices.Index(scoring.AllGrades, c.Before.Grade))
}

func sanctionSteps(c PreviewChange) int {
	return abs(c.After.HighestSanction.Rank() - c.Before.HighestSanction.Rank())
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// unappliedChanges lists the fields (by JSON name) in which draft differs
// from rules but which cannot move a month's figures: the repeat window,
// ladder and serious minimum act when a violation is verified (its sanction
// is stored then and never recomputed), the appeal window on appeals, and the
// SLA section on the clocks.
func unappliedChanges(rules, draft scoring.RuleSet) []string {
	out := []string{}
	if rules.RepeatWindowDays != draft.RepeatWindowDays {
		out = append(out, "repeat_window_days")
	}
	if !slices.Equal(rules.Ladder, draft.Ladder) {
		out = append(out, "ladder")
	}
	if rules.SeriousMinimum != draft.SeriousMinimum {
		out = append(out, "serious_minimum")
	}
	if rules.AppealWindowDays != draft.AppealWindowDays {
		out = append(out, "appeal_window_days")
	}
	if !reflect.DeepEqual(rules.SLA, draft.SLA) {
		out = append(out, "sla")
	}
	return out
}
