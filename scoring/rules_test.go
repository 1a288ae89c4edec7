package scoring

import (
	"encoding/json"
	"reflect"
	"testing"
)

func TestDeduction(t *testing.T) {
	r := DefaultRuleSet()
	tests := []struct {
		vt   ViolationType
		sev  Severity
		want float64
	}{
		{ViolationLateReferral, SeverityMinor, 2},
		{ViolationLateReferral, SeverityOrdinary, 4},
		{ViolationLateReferral, SeveritySerious, 8},
		{ViolationLateContact, SeverityMinor, 2},
		{ViolationLateContact, SeverityOrdinary, 4},
		{ViolationLateContact, SeveritySerious, 8},
		{ViolationColdOrUninformed, SeverityMinor, 3},
		{ViolationColdOrUninformed, SeverityOrdinary, 6},
		{ViolationColdOrUninformed, SeveritySerious, 12},
		{ViolationBuckPassing, SeverityMinor, 5},
		{ViolationBuckPassing, SeverityOrdinary, 10},
		{ViolationBuckPassing, SeveritySerious, 20},
		{ViolationRudeOrForbiddenPhrase, SeverityMinor, 5},
		{ViolationRudeOrForbiddenPhrase, SeverityOrdinary, 10},
		{ViolationRudeOrForbiddenPhrase, SeveritySerious, 20},
		{ViolationIncompleteRecord, SeverityMinor, 1},
		{ViolationIncompleteRecord, SeverityOrdinary, 2},
		{ViolationIncompleteRecord, SeveritySerious, 4},
		{ViolationNoFeedback, SeverityMinor, 2},
		{ViolationNoFeedback, SeverityOrdinary, 4},
		{ViolationNoFeedback, SeveritySerious, 8},
		{ViolationOther, SeverityMinor, 2},
		{ViolationOther, SeverityOrdinary, 4},
		{ViolationOther, SeveritySerious, 8},
	}
	if len(tests) != len(AllViolationTypes)*len(AllSeverities) {
		t.Fatalf("table covers %d combinations, want every type × severity", len(tests))
	}
	for _, tt := range tests {
		if got := r.Deduction(tt.vt, tt.sev); got != tt.want {
			t.Errorf("Deduction(%s, %s) = %v, want %v", tt.vt, tt.sev, got, tt.want)
		}
	}
}

func TestPraiseAndBonusLookups(t *testing.T) {
	r := DefaultRuleSet()
	tests := []struct {
		name string
		got  float64
		want float64
	}{
		{"supervisor praise", r.PraisePoints(PraiseSupervisor), 2},
		{"visitor commendation", r.PraisePoints(PraiseVisitorCommendation), 3},
		{"unknown praise kind", r.PraisePoints("bonus"), 0},
		{"bonus none", r.BonusPercent(SanctionNone), 0},
		{"bonus education", r.BonusPercent(SanctionEducation), 0},
		{"bonus verbal", r.BonusPercent(SanctionVerbalWarning), 5},
		{"bonus written", r.BonusPercent(SanctionWrittenWarning), 10},
		{"bonus public", r.BonusPercent(SanctionPublicCriticism), 20},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s: got %v, want %v", tt.name, tt.got, tt.want)
		}
	}
}

func TestGradeFor(t *testing.T) {
	r := DefaultRuleSet()
	tests := []struct {
		final      float64
		highest    Sanction
		want       Grade
		wantVetoed bool
	}{
		{110, SanctionNone, GradeA, false},
		{95, SanctionNone, GradeA, false},
		{94.99, SanctionNone, GradeB, false},
		{85, SanctionNone, GradeB, false},
		{84.99, SanctionNone, GradeC, false},
		{70, SanctionNone, GradeC, false},
		{69.99, SanctionNone, GradeD, false},
		{0, SanctionNone, GradeD, false},
		{95, SanctionVerbalWarning, GradeA, false},
		{95, SanctionWrittenWarning, GradeB, true},
		{100, SanctionPublicCriticism, GradeB, true},
		// The veto only takes away the top band; lower grades stand.
		{90, SanctionPublicCriticism, GradeB, false},
		{60, SanctionWrittenWarning, GradeD, false},
	}
	for _, tt := range tests {
		got, vetoed := r.GradeFor(tt.final, tt.highest)
		if got != tt.want || vetoed != tt.wantVetoed {
			t.Errorf("GradeFor(%v, %q) = %s, %v; want %s, %v", tt.final, tt.highest, got, vetoed, tt.want, tt.wantVetoed)
		}
	}

	noVeto := DefaultRuleSet()
	noVeto.TopGradeVeto = SanctionNone
	if g, vetoed := noVeto.GradeFor(99, SanctionPublicCriticism); g != GradeA || vetoed {
		t.Errorf("with top_grade_veto none: %s, %v; want A, false", g, vetoed)
	}
}

func TestDefaultRuleSetJSONRoundTrip(t *testing.T) {
	r := DefaultRuleSet()
	if errs := r.Validate(); len(errs) != 0 {
		t.Fatalf("default rule set does not validate: %v", errs)
	}
	data, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	back, errs := ParseRuleSet(data)
	if len(errs) != 0 {
		t.Fatalf("ParseRuleSet(default): %v\n%s", errs, data)
	}
	if !reflect.DeepEqual(back, r) {
		t.Fatalf("round trip changed the rule set:\n got %#v\nwant %#v", back, r)
	}
	again, err := json.Marshal(back)
	if err != nil || string(again) != string(data) {
		t.Fatalf("second encoding differs:\n%s\n%s", again, data)
	}
}

func TestDefaultRuleSetIsFreshAndCloneIsDeep(t *testing.T) {
	a := DefaultRuleSet()
	a.Points[ViolationBuckPassing] = 99
	a.Ladder[0] = SanctionPublicCriticism
	if b := DefaultRuleSet(); b.Points[ViolationBuckPassing] != 5 || b.Ladder[0] != SanctionEducation {
		t.Fatal("DefaultRuleSet shares state between calls")
	}

	orig := DefaultRuleSet()
	c := orig.Clone()
	c.Points[ViolationOther] = 7
	c.SeverityFactor[SeverityMinor] = 7
	c.BonusDeductionPercent[SanctionEducation] = 7
	c.PraisePointsByKind[PraiseSupervisor] = 7
	c.Ladder[1] = SanctionPublicCriticism
	c.Grades[0].Min = 7
	if !reflect.DeepEqual(orig, DefaultRuleSet()) {
		t.Fatal("changing a clone changed the original")
	}
}
