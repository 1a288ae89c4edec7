package scoring

import (
	"testing"
	"time"
)

// cst is the organisation's zone in the tests (Asia/Shanghai has no DST, so a fixed zone is exact).
var cst = time.FixedZone("CST", 8*3600)

// october returns an instant on the given day of October 2026 in cst.
func october(day int) time.Time { return time.Date(2026, time.October, day, 10, 0, 0, 0, cst) }

// scoreOf returns a pointer to an uploaded base score.
func scoreOf(x float64) *float64 { return &x }

// exampleViolation is one violation of a worked example, with the sanction docs/domain.md gives it.
type exampleViolation struct {
	vt           ViolationType
	sev          Severity
	earlier      []time.Time // the person's earlier verified violations in the window
	wantSanction Sanction
}

// TestWorkedExamples reproduces the table of docs/domain.md §3 exactly, sanctions included.
func TestWorkedExamples(t *testing.T) {
	r := DefaultRuleSet()
	september := []time.Time{
		time.Date(2026, time.September, 8, 10, 0, 0, 0, cst),
		time.Date(2026, time.September, 22, 15, 0, 0, 0, cst),
	}
	tests := []struct {
		person      string
		base        *float64
		violations  []exampleViolation
		praise      []PraiseKind
		wantBase    float64
		wantDeduct  float64
		wantPraise  float64
		wantFinal   float64
		wantGrade   Grade
		wantVetoed  bool
		wantHighest Sanction
		wantBonus   float64
	}{
		{
			person: "A", base: scoreOf(96),
			violations: []exampleViolation{
				{ViolationLateReferral, SeverityMinor, nil, SanctionEducation},
				{ViolationRudeOrForbiddenPhrase, SeverityOrdinary, []time.Time{october(1)}, SanctionVerbalWarning},
			},
			praise:   []PraiseKind{PraiseVisitorCommendation, PraiseSupervisor},
			wantBase: 96, wantDeduct: 12, wantPraise: 5, wantFinal: 89,
			wantGrade: GradeB, wantHighest: SanctionVerbalWarning, wantBonus: 5,
		},
		{
			person: "B",
			praise: []PraiseKind{
				PraiseSupervisor, PraiseSupervisor, PraiseSupervisor,
				PraiseSupervisor, PraiseSupervisor, PraiseSupervisor,
			},
			wantBase: 100, wantDeduct: 0, wantPraise: 10, wantFinal: 110,
			wantGrade: GradeA, wantHighest: SanctionNone, wantBonus: 0,
		},
		{
			person: "C",
			violations: []exampleViolation{
				{ViolationBuckPassing, SeveritySerious, nil, SanctionWrittenWarning},
			},
			wantBase: 100, wantDeduct: 20, wantPraise: 0, wantFinal: 80,
			wantGrade: GradeC, wantHighest: SanctionWrittenWarning, wantBonus: 10,
		},
		{
			person: "D", base: scoreOf(98),
			violations: []exampleViolation{
				{ViolationIncompleteRecord, SeverityMinor, september, SanctionWrittenWarning},
			},
			wantBase: 98, wantDeduct: 1, wantPraise: 0, wantFinal: 97,
			wantGrade: GradeB, wantVetoed: true, wantHighest: SanctionWrittenWarning, wantBonus: 10,
		},
		{
			person: "E", base: scoreOf(60),
			violations: []exampleViolation{
				{ViolationLateContact, SeveritySerious, nil, SanctionWrittenWarning},
				{ViolationColdOrUninformed, SeveritySerious, []time.Time{october(1)}, SanctionWrittenWarning},
				{ViolationBuckPassing, SeverityOrdinary, []time.Time{october(1), october(2)}, SanctionWrittenWarning},
				{ViolationRudeOrForbiddenPhrase, SeveritySerious, []time.Time{october(1), october(2), october(3)}, SanctionPublicCriticism},
			},
			wantBase: 60, wantDeduct: 50, wantPraise: 0, wantFinal: 10,
			wantGrade: GradeD, wantHighest: SanctionPublicCriticism, wantBonus: 50,
		},
	}

	var people []Person
	var all []Record
	want := map[int64]Result{}
	for i, tt := range tests {
		staff := int64(i + 1)
		person := Person{StaffID: staff, EmployeeNo: "E00" + tt.person, Name: "Person " + tt.person, UploadedBase: tt.base}
		var records []Record
		for k, v := range tt.violations {
			occurred := october(k + 1)
			sanction, _ := r.SanctionOnVerification(occurred, v.sev, v.earlier)
			if sanction != v.wantSanction {
				t.Errorf("%s: violation %d (%s %s) gets %q on verification, docs/domain.md says %q", tt.person, k+1, v.vt, v.sev, sanction, v.wantSanction)
			}
			records = append(records, Record{
				ID: staff*100 + int64(k), Kind: RecordViolation, StaffID: staff, OccurredAt: occurred,
				ViolationType: v.vt, Severity: v.sev, Sanction: sanction,
			})
		}
		for k, kind := range tt.praise {
			records = append(records, Record{
				ID: staff*100 + 50 + int64(k), Kind: RecordPraise, StaffID: staff, OccurredAt: october(10 + k), PraiseKind: kind,
			})
		}

		got := ComputePerson(r, person, records)
		if got.Base != tt.wantBase || got.BaseUploaded != (tt.base != nil) || got.Deductions != tt.wantDeduct ||
			got.Praise != tt.wantPraise || got.Final != tt.wantFinal || got.Grade != tt.wantGrade ||
			got.GradeVetoed != tt.wantVetoed || got.HighestSanction != tt.wantHighest || got.BonusDeductionPercent != tt.wantBonus {
			t.Errorf("person %s:\n got base %v (uploaded %v), deductions %v, praise %v, final %v, grade %s (vetoed %v), highest %q, bonus %v%%\nwant base %v, deductions %v, praise %v, final %v, grade %s (vetoed %v), highest %q, bonus %v%%",
				tt.person, got.Base, got.BaseUploaded, got.Deductions, got.Praise, got.Final, got.Grade, got.GradeVetoed, got.HighestSanction, got.BonusDeductionPercent,
				tt.wantBase, tt.wantDeduct, tt.wantPraise, tt.wantFinal, tt.wantGrade, tt.wantVetoed, tt.wantHighest, tt.wantBonus)
		}
		if got.ViolationCount != len(tt.violations) || got.PraiseCount != len(tt.praise) || len(got.Items) != len(records) {
			t.Errorf("person %s: counts %d violations, %d praise, %d items", tt.person, got.ViolationCount, got.PraiseCount, len(got.Items))
		}

		people = append(people, person)
		all = append(all, records...)
		want[staff] = got
	}

	// The whole month at once gives the same figures as person by person.
	for i, got := range ComputeMonth(r, people, all) {
		w := want[people[i].StaffID]
		if got.StaffID != w.StaffID || got.Final != w.Final || got.Grade != w.Grade || got.Deductions != w.Deductions ||
			got.Praise != w.Praise || got.BonusDeductionPercent != w.BonusDeductionPercent || len(got.Items) != len(w.Items) {
			t.Errorf("ComputeMonth differs from ComputePerson for %s: %+v vs %+v", people[i].Name, got, w)
		}
	}
}
