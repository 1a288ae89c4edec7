package scoring

import (
	"reflect"
	"runtime"
	"slices"
	"testing"
	"time"
)

// Record builders for staff member 1 in October 2026; id doubles as the day of the month.

func vio(id int64, vt ViolationType, sev Severity, s Sanction) Record {
	return Record{ID: id, Kind: RecordViolation, StaffID: 1, OccurredAt: october(int(id)), ViolationType: vt, Severity: sev, Sanction: s}
}

func praise(id int64, k PraiseKind) Record {
	return Record{ID: id, Kind: RecordPraise, StaffID: 1, OccurredAt: october(int(id)), PraiseKind: k}
}

func correction(id int64, points float64, from *Month) Record {
	return Record{ID: id, Kind: RecordCorrection, StaffID: 1, OccurredAt: october(int(id)), Points: points, CarriedOverFrom: from}
}

func repeatPraise(n int, k PraiseKind) []Record {
	var out []Record
	for i := range n {
		out = append(out, praise(int64(i+1), k))
	}
	return out
}

func TestComputePerson(t *testing.T) {
	r := DefaultRuleSet()
	sep := &Month{2026, time.September}
	publicCriticisms := make([]Record, 6)
	for i := range publicCriticisms {
		publicCriticisms[i] = vio(int64(i+1), ViolationOther, SeverityMinor, SanctionPublicCriticism)
	}
	type want struct {
		base, deductions, praiseRaw, praise, corrections, additions, final, bonus float64
		grade                                                                     Grade
		vetoed                                                                    bool
		highest                                                                   Sanction
		nViolations, nPraise, nCorrections                                        int
	}
	tests := []struct {
		name       string
		base       *float64
		records    []Record
		want       want
		itemPoints []float64
		capped     []bool
		reasons    []string
	}{
		{
			name: "no records", records: nil,
			want: want{base: 100, final: 100, grade: GradeA},
		},
		{
			name: "praise cap: six supervisor praises give +10", records: repeatPraise(6, PraiseSupervisor),
			want:       want{base: 100, praiseRaw: 12, praise: 10, additions: 10, final: 110, grade: GradeA, nPraise: 6},
			itemPoints: []float64{2, 2, 2, 2, 2, 0},
			capped:     []bool{false, false, false, false, false, true},
			reasons:    []string{"supervisor_praise: +2", "supervisor_praise: +2", "supervisor_praise: +2", "supervisor_praise: +2", "supervisor_praise: +2", "supervisor_praise: 0 of 2 (monthly praise cap reached)"},
		},
		{
			name: "praise cap cuts one praise in part", base: scoreOf(80),
			records:    append(repeatPraise(3, PraiseVisitorCommendation), praise(4, PraiseSupervisor)),
			want:       want{base: 80, praiseRaw: 11, praise: 10, additions: 10, final: 90, grade: GradeB, nPraise: 4},
			itemPoints: []float64{3, 3, 3, 1},
			capped:     []bool{false, false, false, true},
			reasons:    []string{"visitor_commendation: +3", "visitor_commendation: +3", "visitor_commendation: +3", "supervisor_praise: +1 of 2 (monthly praise cap reached)"},
		},
		{
			name: "floor at zero", base: scoreOf(10),
			records:    []Record{vio(1, ViolationBuckPassing, SeveritySerious, SanctionWrittenWarning)},
			want:       want{base: 10, deductions: 20, final: 0, grade: GradeD, highest: SanctionWrittenWarning, bonus: 10, nViolations: 1},
			itemPoints: []float64{-20},
			reasons:    []string{"buck_passing serious: −20 (written_warning)"},
		},
		{
			name: "bonus cap: six public criticisms give 100%", records: publicCriticisms,
			want: want{base: 100, deductions: 12, final: 88, grade: GradeB, highest: SanctionPublicCriticism, bonus: 100, nViolations: 6},
		},
		{
			name: "top-grade veto by a written warning", records: []Record{vio(1, ViolationIncompleteRecord, SeverityMinor, SanctionWrittenWarning)},
			want: want{base: 100, deductions: 1, final: 99, grade: GradeB, vetoed: true, highest: SanctionWrittenWarning, bonus: 10, nViolations: 1},
		},
		{
			name: "no veto below a written warning", records: []Record{vio(1, ViolationIncompleteRecord, SeverityMinor, SanctionVerbalWarning)},
			want: want{base: 100, deductions: 1, final: 99, grade: GradeA, highest: SanctionVerbalWarning, bonus: 5, nViolations: 1},
		},
		{
			name: "grade edge: exactly 95 is A", base: scoreOf(96), records: []Record{vio(1, ViolationIncompleteRecord, SeverityMinor, SanctionEducation)},
			want: want{base: 96, deductions: 1, final: 95, grade: GradeA, highest: SanctionEducation, nViolations: 1},
		},
		{
			name: "grade edge: 94.99 is B", base: scoreOf(94.99),
			want: want{base: 94.99, final: 94.99, grade: GradeB},
		},
		{
			name: "grade edge: 85 is B", base: scoreOf(85),
			want: want{base: 85, final: 85, grade: GradeB},
		},
		{
			name: "grade edge: 84.99 is C", base: scoreOf(84.99),
			want: want{base: 84.99, final: 84.99, grade: GradeC},
		},
		{
			name: "grade edge: 70 is C", base: scoreOf(70),
			want: want{base: 70, final: 70, grade: GradeC},
		},
		{
			name: "grade edge: 69.99 is D", base: scoreOf(69.99),
			want: want{base: 69.99, final: 69.99, grade: GradeD},
		},
		{
			name: "correction gives back points, outside the praise cap",
			records: append(repeatPraise(6, PraiseSupervisor),
				vio(7, ViolationBuckPassing, SeverityOrdinary, SanctionVerbalWarning),
				correction(8, 5, sep)),
			want: want{base: 100, deductions: 10, praiseRaw: 12, praise: 10, corrections: 5, additions: 15, final: 105,
				grade: GradeA, highest: SanctionVerbalWarning, bonus: 5, nViolations: 1, nPraise: 6, nCorrections: 1},
			itemPoints: []float64{2, 2, 2, 2, 2, 0, -10, 5},
		},
		{
			name: "correction alone", base: scoreOf(80), records: []Record{correction(3, 20, sep)},
			want:       want{base: 80, corrections: 20, additions: 20, final: 100, grade: GradeA, nCorrections: 1},
			itemPoints: []float64{20},
			reasons:    []string{"correction: +20, carried over from 2026-09"},
		},
		{
			name: "carried-over violation says so",
			records: []Record{func() Record {
				v := vio(2, ViolationLateReferral, SeverityMinor, SanctionEducation)
				v.CarriedOverFrom = sep
				return v
			}()},
			want:    want{base: 100, deductions: 2, final: 98, grade: GradeA, highest: SanctionEducation, nViolations: 1},
			reasons: []string{"late_referral minor: −2 (education), carried over from 2026-09"},
		},
		{
			name: "scores rounded to 2 decimals, halves away from zero", base: scoreOf(87.125),
			want: want{base: 87.13, final: 87.13, grade: GradeB},
		},
		{
			name: "other staff and unknown kinds ignored", base: scoreOf(90),
			records: []Record{
				{ID: 1, Kind: RecordViolation, StaffID: 2, OccurredAt: october(1), ViolationType: ViolationBuckPassing, Severity: SeveritySerious},
				{ID: 2, Kind: "note", StaffID: 1, OccurredAt: october(2)},
			},
			want: want{base: 90, final: 90, grade: GradeB},
		},
		{
			name: "items in order of occurrence whatever the input order",
			records: []Record{
				praise(9, PraiseSupervisor),
				vio(3, ViolationNoFeedback, SeverityOrdinary, SanctionVerbalWarning),
				vio(1, ViolationLateReferral, SeverityMinor, SanctionEducation),
			},
			want:       want{base: 100, deductions: 6, praiseRaw: 2, praise: 2, additions: 2, final: 96, grade: GradeA, highest: SanctionVerbalWarning, bonus: 5, nViolations: 2, nPraise: 1},
			itemPoints: []float64{-2, -4, 2},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ComputePerson(r, Person{StaffID: 1, UploadedBase: tt.base}, tt.records)
			g := want{
				base: got.Base, deductions: got.Deductions, praiseRaw: got.PraiseRaw, praise: got.Praise,
				corrections: got.Corrections, additions: got.Additions, final: got.Final, bonus: got.BonusDeductionPercent,
				grade: got.Grade, vetoed: got.GradeVetoed, highest: got.HighestSanction,
				nViolations: got.ViolationCount, nPraise: got.PraiseCount, nCorrections: got.CorrectionCount,
			}
			if g != tt.want {
				t.Fatalf("\n got %+v\nwant %+v", g, tt.want)
			}
			if got.BaseUploaded != (tt.base != nil) {
				t.Errorf("BaseUploaded = %v", got.BaseUploaded)
			}
			var points []float64
			var capped []bool
			var reasons []string
			for _, it := range got.Items {
				points = append(points, it.Points)
				capped = append(capped, it.Capped)
				reasons = append(reasons, it.Reason)
			}
			if tt.itemPoints != nil && !slices.Equal(points, tt.itemPoints) {
				t.Errorf("item points = %v, want %v", points, tt.itemPoints)
			}
			if tt.capped != nil && !slices.Equal(capped, tt.capped) {
				t.Errorf("capped = %v, want %v", capped, tt.capped)
			}
			if tt.reasons != nil && !slices.Equal(reasons, tt.reasons) {
				t.Errorf("reasons = %q, want %q", reasons, tt.reasons)
			}
		})
	}
}

func TestComputeMonth(t *testing.T) {
	r := DefaultRuleSet()
	people := []Person{
		{StaffID: 30, Name: "third", UploadedBase: scoreOf(90)},
		{StaffID: 10, Name: "first"},
		{StaffID: 20, Name: "second"},
		{StaffID: 10, Name: "duplicate of first"},
	}
	records := []Record{
		{ID: 1, Kind: RecordViolation, StaffID: 20, OccurredAt: october(5), ViolationType: ViolationBuckPassing, Severity: SeverityOrdinary, Sanction: SanctionEducation},
		{ID: 2, Kind: RecordPraise, StaffID: 10, OccurredAt: october(6), PraiseKind: PraiseVisitorCommendation},
		{ID: 3, Kind: RecordViolation, StaffID: 99, OccurredAt: october(7), ViolationType: ViolationOther, Severity: SeverityMinor},
		{ID: 4, Kind: RecordViolation, StaffID: 20, OccurredAt: october(1), ViolationType: ViolationLateContact, Severity: SeverityMinor, Sanction: SanctionEducation},
		{ID: 5, Kind: "note", StaffID: 30, OccurredAt: october(1)},
		{ID: 6, Kind: RecordCorrection, StaffID: 30, OccurredAt: october(2), Points: 4},
	}
	tests := []struct {
		staff    int64
		final    float64
		itemIDs  []int64
		employee string
	}{
		{staff: 30, final: 94, itemIDs: []int64{6}},
		{staff: 10, final: 103, itemIDs: []int64{2}},
		{staff: 20, final: 88, itemIDs: []int64{4, 1}},
		{staff: 10, final: 100, itemIDs: nil},
	}
	got := ComputeMonth(r, people, records)
	if len(got) != len(tests) {
		t.Fatalf("%d results for %d people", len(got), len(people))
	}
	for i, tt := range tests {
		res := got[i]
		var ids []int64
		for _, it := range res.Items {
			ids = append(ids, it.RecordID)
		}
		if res.StaffID != tt.staff || res.Final != tt.final || !slices.Equal(ids, tt.itemIDs) || res.Name != people[i].Name {
			t.Errorf("result %d: staff %d %q final %v items %v; want staff %d final %v items %v",
				i, res.StaffID, res.Name, res.Final, ids, tt.staff, tt.final, tt.itemIDs)
		}
	}

	// Items of neighbours share one backing array; appending to one must not overwrite the next.
	before := got[1].Items[0]
	_ = append(got[0].Items, Item{RecordID: -1})
	if got[1].Items[0] != before {
		t.Fatal("appending to one result's items overwrote another's")
	}

	if empty := ComputeMonth(r, nil, records); len(empty) != 0 {
		t.Fatalf("no people: %d results", len(empty))
	}
}

func TestGradeIndex(t *testing.T) {
	for _, c := range []struct {
		g    Grade
		want int
	}{{GradeA, 0}, {GradeB, 1}, {GradeC, 2}, {GradeD, 3}, {"", -1}, {"E", -1}} {
		if got := c.g.Index(); got != c.want {
			t.Errorf("Grade(%q).Index() = %d, want %d", c.g, got, c.want)
		}
	}
}

// TestComputeMonthOnSeveralCores: a month big enough to be scored by
// several workers at once gives every person what ComputePerson gives them
// alone, for any number of workers, people with no records and unknown
// people's records included.
func TestComputeMonthOnSeveralCores(t *testing.T) {
	r := DefaultRuleSet()
	const staff = 701 // not a multiple of any number of workers
	people := make([]Person, staff)
	for i := range people {
		people[i] = Person{StaffID: int64(i + 1), Name: "p"}
		if i%5 == 0 {
			people[i].UploadedBase = scoreOf(float64(80 + i%20))
		}
	}
	var records []Record
	for j := range parallelRecords + 3001 {
		rec := Record{ID: int64(j + 1), StaffID: int64((j*7)%(staff+40) + 1), OccurredAt: october(1 + j%28).Add(time.Duration(j%13) * time.Minute)}
		switch j % 5 {
		case 0, 1, 2:
			rec.Kind, rec.ViolationType, rec.Severity = RecordViolation, AllViolationTypes[j%len(AllViolationTypes)], AllSeverities[j%len(AllSeverities)]
			rec.Sanction = AllSanctions[j%len(AllSanctions)]
		case 3:
			rec.Kind, rec.PraiseKind = RecordPraise, AllPraiseKinds[j%len(AllPraiseKinds)]
		default:
			rec.Kind, rec.Points = RecordCorrection, float64(j%4+1)
		}
		records = append(records, rec)
	}
	want := make([]Result, len(people))
	for i, p := range people {
		want[i] = ComputePerson(r, p, records)
	}
	for _, procs := range []int{1, 2, 3, 8} {
		old := runtime.GOMAXPROCS(procs)
		got := ComputeMonth(r, people, records)
		runtime.GOMAXPROCS(old)
		for i, p := range people {
			if !reflect.DeepEqual(got[i], want[i]) {
				t.Fatalf("%d cores, staff %d: %+v\nalone: %+v", procs, p.StaffID, got[i], want[i])
			}
		}
	}
}
