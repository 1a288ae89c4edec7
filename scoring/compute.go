package scoring

import (
	"cmp"
	"math"
	"runtime"
	"slices"
	"sync"
	"time"
)

// Person is a staff member to be scored for a month.
type Person struct {
	// StaffID identifies the person; records are matched to people by it.
	StaffID int64
	// EmployeeNo, Name and DepartmentID are copied to the Result for reports.
	EmployeeNo   string
	Name         string
	DepartmentID int64
	// UploadedBase is the base score HR uploaded for the month; nil means RuleSet.DefaultBase.
	UploadedBase *float64
}

// Record is a conduct record counted in the month being scored: a violation, a praise, or a correction.
//
// The caller passes only records that count in the month (see CountingMonth):
// verified or upheld violations, recorded praise, and corrections.
type Record struct {
	// ID is the record's id in its own table (violations, praise and corrections are numbered apart).
	ID   int64
	Kind RecordKind
	// StaffID is the person the record is about.
	StaffID int64
	// OccurredAt orders the month's records; it does not decide the month (the caller did that).
	OccurredAt time.Time
	// ViolationType and Severity describe a violation (for a correction, optionally the overturned one).
	ViolationType ViolationType
	Severity      Severity
	// Sanction is the violation's sanction, fixed at verification and never recomputed here.
	Sanction Sanction
	// PraiseKind is the kind of a praise.
	PraiseKind PraiseKind
	// Points is, for a correction, the points given back (positive); it is ignored for the other kinds.
	Points float64
	// CarriedOverFrom is the record's own month when it counts in a later one.
	CarriedOverFrom *Month
	// Reason is the record's free text (description, praise reason, correction reason), copied to Item.Note.
	Reason string
}

// Item is how one record was applied to a month's score.
type Item struct {
	// RecordID, Kind and OccurredAt are copied from the Record.
	RecordID   int64      `json:"record_id"`
	Kind       RecordKind `json:"kind"`
	OccurredAt time.Time  `json:"occurred_at"`
	// ViolationType, Severity and Sanction are set for violations (type and severity also for corrections that carry them).
	ViolationType ViolationType `json:"violation_type,omitempty"`
	Severity      Severity      `json:"severity,omitempty"`
	Sanction      Sanction      `json:"sanction,omitempty"`
	// PraiseKind is set for praise.
	PraiseKind PraiseKind `json:"praise_kind,omitempty"`
	// Points is what was applied: negative for a deduction, positive for an addition.
	Points float64 `json:"points"`
	// RawPoints is what the record is worth before the praise cap; it equals Points except for capped praise.
	RawPoints float64 `json:"raw_points"`
	// Capped is true for a praise that the monthly cap cut down, wholly or in part.
	Capped bool `json:"capped"`
	// CarriedOverFrom is the record's own month when it counts in a later one.
	CarriedOverFrom *Month `json:"carried_over_from,omitempty"`
	// Reason explains the item in English, e.g. "buck_passing serious: −20 (written_warning)"; UIs translate from the typed fields.
	Reason string `json:"reason"`
	// Note is the record's own free text.
	Note string `json:"note,omitempty"`
}

// Result is one person's score for a month.
type Result struct {
	// StaffID, EmployeeNo, Name and DepartmentID are copied from the Person.
	StaffID      int64  `json:"staff_id"`
	EmployeeNo   string `json:"employee_no"`
	Name         string `json:"name"`
	DepartmentID int64  `json:"department_id"`
	// Base is the uploaded base score, or the rule set's default_base when BaseUploaded is false.
	Base         float64 `json:"base"`
	BaseUploaded bool    `json:"base_uploaded"`
	// Deductions is the total deducted by violations, as a positive number.
	Deductions float64 `json:"deductions"`
	// PraiseRaw is the praise earned before the cap.
	PraiseRaw float64 `json:"praise_raw"`
	// Praise is the praise applied: min(PraiseRaw, praise_cap).
	Praise float64 `json:"praise"`
	// Corrections is the points given back by corrections, not subject to the praise cap.
	Corrections float64 `json:"corrections"`
	// Additions is Praise + Corrections.
	Additions float64 `json:"additions"`
	// Final is max(0, Base − Deductions + Additions).
	Final float64 `json:"final"`
	// Grade is the band of Final, after the top-grade veto.
	Grade Grade `json:"grade"`
	// GradeVetoed is true when Final reached the top band but the month's sanctions kept it out.
	GradeVetoed bool `json:"grade_vetoed"`
	// HighestSanction is the gravest sanction among the month's violations (SanctionNone if none).
	HighestSanction Sanction `json:"highest_sanction"`
	// BonusDeductionPercent is the share of the monthly bonus withheld, capped at bonus_deduction_cap.
	BonusDeductionPercent float64 `json:"bonus_deduction_percent"`
	// ViolationCount, PraiseCount and CorrectionCount count the month's records by kind (capped praise included).
	ViolationCount  int `json:"violation_count"`
	PraiseCount     int `json:"praise_count"`
	CorrectionCount int `json:"correction_count"`
	// Items lists the applied records in order of occurred_at.
	Items []Item `json:"items"`
}

// ComputeMonth scores every person for one month from the records that count in it, returning
// one Result per person in the order of people.
//
// Records of staff not in people, and records of an unknown kind, are
// ignored; if two people share a StaffID, the first gets the records.
// Records are grouped by person through a single map from staff id (a
// counting sort), so the work is O(people + records) plus a sort of each
// person's few records by occurred_at, and the allocations are a fixed
// handful of slices however many people there are: all Items share one
// backing array (each Result's slice is capped, so appending to one cannot
// overwrite another). A month of parallelRecords records or more is scored
// on up to maxComputeWorkers cores, each taking a range of people.
func ComputeMonth(r RuleSet, people []Person, records []Record) []Result {
	results := make([]Result, len(people))
	if len(people) == 0 {
		return results
	}
	index := make(map[int64]int, len(people))
	for i := range people {
		if _, dup := index[people[i].StaffID]; !dup {
			index[people[i].StaffID] = i
		}
	}

	// Group record indices by person with a counting sort: owner[j] is the
	// person of records[j] (or -1); next[i] ends as the end of person i's run.
	owner := make([]int, len(records))
	next := make([]int, len(people)+1)
	for j := range records {
		i, ok := index[records[j].StaffID]
		if !ok || !records[j].Kind.Valid() {
			owner[j] = -1
			continue
		}
		owner[j] = i
		next[i+1]++
	}
	for i := 1; i <= len(people); i++ {
		next[i] += next[i-1]
	}
	total := next[len(people)]
	order := make([]int, total)
	for j, i := range owner {
		if i >= 0 {
			order[next[i]] = j
			next[i]++
		}
	}

	items := make([]Item, total)
	// Each worker scores a contiguous range of people with its own
	// environment; their records, items and results do not overlap.
	workers := 1
	if total >= parallelRecords {
		workers = min(runtime.GOMAXPROCS(0), maxComputeWorkers)
	}
	var wg sync.WaitGroup
	for w := range workers {
		from, to := len(people)*w/workers, len(people)*(w+1)/workers
		score := func() {
			env := newComputeEnv(r)
			begin := 0
			if from > 0 {
				begin = next[from-1]
			}
			for i := from; i < to; i++ {
				end := next[i]
				idx := order[begin:end]
				sortRecords(records, idx)
				results[i] = env.computeOne(&people[i], records, idx, items[begin:end:end])
				begin = end
			}
		}
		if w == workers-1 {
			score()
		} else {
			wg.Go(score)
		}
	}
	wg.Wait()
	return results
}

// parallelRecords is the number of records from which ComputeMonth scores
// on several cores (up to maxComputeWorkers): below it, starting the
// goroutines costs more than it saves.
const (
	parallelRecords   = 20000
	maxComputeWorkers = 4
)

// ComputePerson scores one person for one month; records of other staff and of unknown kinds are ignored.
func ComputePerson(r RuleSet, p Person, records []Record) Result {
	var idx []int
	for j := range records {
		if records[j].StaffID == p.StaffID && records[j].Kind.Valid() {
			idx = append(idx, j)
		}
	}
	sortRecords(records, idx)
	return newComputeEnv(r).computeOne(&p, records, idx, make([]Item, len(idx)))
}

// sortRecords orders idx by the records' occurred_at, then kind and ID, so that the praise cap
// falls on the latest praise whatever order the records came in.
func sortRecords(records []Record, idx []int) {
	slices.SortFunc(idx, func(a, b int) int {
		ra, rb := &records[a], &records[b]
		if c := ra.OccurredAt.Compare(rb.OccurredAt); c != 0 {
			return c
		}
		if c := cmp.Compare(ra.Kind, rb.Kind); c != 0 {
			return c
		}
		if c := cmp.Compare(ra.ID, rb.ID); c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	})
}

// computeEnv is what scoring a month needs besides the records: the rules, as given and as tables, and the reason cache.
type computeEnv struct {
	rules   RuleSet
	tables  ruleTables
	reasons *reasonCache
}

func newComputeEnv(r RuleSet) *computeEnv {
	return &computeEnv{rules: r, tables: newRuleTables(r), reasons: newReasonCache()}
}

// computeOne scores p from records[idx], which belong to p and are in order, writing one Item per record into items.
func (env *computeEnv) computeOne(p *Person, records []Record, idx []int, items []Item) Result {
	r := &env.rules
	res := Result{
		StaffID:      p.StaffID,
		EmployeeNo:   p.EmployeeNo,
		Name:         p.Name,
		DepartmentID: p.DepartmentID,
		Base:         r.DefaultBase,
	}
	if p.UploadedBase != nil {
		res.Base, res.BaseUploaded = *p.UploadedBase, true
	}

	var deductions, praiseRaw, corrections, bonus float64
	highest := SanctionNone
	room := max(r.PraiseCap, 0) // praise still allowed under the cap
	for k, j := range idx {
		rec := &records[j]
		it := Item{
			RecordID:        rec.ID,
			Kind:            rec.Kind,
			OccurredAt:      rec.OccurredAt,
			CarriedOverFrom: rec.CarriedOverFrom,
			Note:            rec.Reason,
		}
		switch rec.Kind {
		case RecordViolation:
			d := env.tables.deductionOf(r, rec.ViolationType, rec.Severity)
			deductions += d
			bonus += env.tables.bonusOf(r, rec.Sanction)
			if rec.Sanction.Rank() > highest.Rank() {
				highest = rec.Sanction
			}
			it.ViolationType, it.Severity, it.Sanction = rec.ViolationType, rec.Severity, rec.Sanction
			it.Points, it.RawPoints = -d, -d
			res.ViolationCount++
		case RecordPraise:
			raw := env.tables.praiseOf(r, rec.PraiseKind)
			applied := min(raw, room)
			room -= applied
			praiseRaw += raw
			it.PraiseKind = rec.PraiseKind
			it.Points, it.RawPoints = applied, raw
			it.Capped = applied < raw
			res.PraiseCount++
		case RecordCorrection:
			corrections += rec.Points
			it.ViolationType, it.Severity = rec.ViolationType, rec.Severity
			it.Points, it.RawPoints = rec.Points, rec.Points
			res.CorrectionCount++
		}
		it.Points, it.RawPoints = RoundScore(it.Points), RoundScore(it.RawPoints)
		it.Reason = env.reasons.reason(&it)
		items[k] = it
	}
	res.Items = items

	// Figures are rounded first and the final score computed from the rounded
	// figures, so that base − deductions + additions = final always holds on paper.
	res.Base = RoundScore(res.Base)
	res.Deductions = RoundScore(deductions)
	res.PraiseRaw = RoundScore(praiseRaw)
	res.Praise = RoundScore(min(praiseRaw, max(r.PraiseCap, 0)))
	res.Corrections = RoundScore(corrections)
	res.Additions = RoundScore(res.Praise + res.Corrections)
	res.Final = RoundScore(max(0, res.Base-res.Deductions+res.Additions))
	res.HighestSanction = highest
	res.Grade, res.GradeVetoed = r.GradeFor(res.Final, highest)
	res.BonusDeductionPercent = RoundScore(min(bonus, r.BonusDeductionCap))
	return res
}

// RoundScore rounds a score to 2 decimals, halves away from zero, and never returns negative zero.
func RoundScore(x float64) float64 {
	v := math.Round(x*100) / 100
	if v == 0 {
		return 0
	}
	return v
}
