package scoring

import "testing"

func TestRuleTablesMatchTheRuleSet(t *testing.T) {
	custom := DefaultRuleSet()
	custom.Points[ViolationOther] = 2.5
	custom.SeverityFactor[SeverityOrdinary] = 3
	custom.BonusDeductionPercent[SanctionEducation] = 1
	custom.PraisePointsByKind[PraiseVisitorCommendation] = 4
	tests := []struct {
		name string
		r    RuleSet
	}{
		{"default", DefaultRuleSet()},
		{"custom", custom},
	}
	for _, tt := range tests {
		tab := newRuleTables(tt.r)
		for i, vt := range AllViolationTypes {
			if violationIndex(vt) != i {
				t.Fatalf("violationIndex(%s) = %d, want %d", vt, violationIndex(vt), i)
			}
			for j, s := range AllSeverities {
				if severityIndex(s) != j {
					t.Fatalf("severityIndex(%s) = %d, want %d", s, severityIndex(s), j)
				}
				if got, want := tab.deductionOf(&tt.r, vt, s), tt.r.Deduction(vt, s); got != want {
					t.Errorf("%s: deduction %s %s = %v, want %v", tt.name, vt, s, got, want)
				}
			}
		}
		for _, s := range append([]Sanction{SanctionNone, "unknown"}, AllSanctions...) {
			if got, want := tab.bonusOf(&tt.r, s), tt.r.BonusPercent(s); got != want {
				t.Errorf("%s: bonus %q = %v, want %v", tt.name, s, got, want)
			}
		}
		for i, k := range AllPraiseKinds {
			if praiseIndex(k) != i {
				t.Fatalf("praiseIndex(%s) = %d, want %d", k, praiseIndex(k), i)
			}
			if got, want := tab.praiseOf(&tt.r, k), tt.r.PraisePoints(k); got != want {
				t.Errorf("%s: praise %s = %v, want %v", tt.name, k, got, want)
			}
		}
		for i, k := range AllRecordKinds {
			if recordKindIndex(k) != i {
				t.Fatalf("recordKindIndex(%s) = %d, want %d", k, recordKindIndex(k), i)
			}
		}
		if got := tab.deductionOf(&tt.r, "unknown", SeverityMinor); got != 0 {
			t.Errorf("%s: unknown type deducts %v", tt.name, got)
		}
	}
}

func TestReasonsOfUnknownValuesAreNotShared(t *testing.T) {
	c := newReasonCache()
	tests := []struct {
		item Item
		want string
	}{
		{Item{Kind: RecordViolation, ViolationType: "mystery_a", Severity: SeverityMinor, Points: -1}, "mystery_a minor: −1"},
		{Item{Kind: RecordViolation, ViolationType: "mystery_b", Severity: SeverityMinor, Points: -1}, "mystery_b minor: −1"},
		{Item{Kind: RecordViolation, ViolationType: ViolationOther, Severity: SeverityMinor, Points: -1}, "other minor: −1"},
		{Item{Kind: RecordViolation, ViolationType: ViolationOther, Severity: SeverityMinor, Points: -1, CarriedOverFrom: &Month{}}, "other minor: −1"},
		{Item{Kind: RecordCorrection, ViolationType: ViolationBuckPassing, Severity: SeveritySerious, Points: 20}, "correction of buck_passing serious: +20"},
		{Item{Kind: RecordViolation, ViolationType: ViolationOther, Severity: SeverityMinor, Points: 0, Sanction: SanctionEducation}, "other minor: 0 (education)"},
	}
	for _, tt := range tests {
		if got := c.reason(&tt.item); got != tt.want {
			t.Errorf("reason = %q, want %q", got, tt.want)
		}
	}
}
