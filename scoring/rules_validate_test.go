package scoring

import (
	"math"
	"slices"
	"strings"
	"testing"
)

func TestValidate(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(r *RuleSet)
		paths []string
	}{
		{"default is clean", func(r *RuleSet) {}, nil},
		{"negative points", func(r *RuleSet) { r.Points[ViolationBuckPassing] = -1 }, []string{"points.buck_passing"}},
		{"NaN points", func(r *RuleSet) { r.Points[ViolationOther] = math.NaN() }, []string{"points.other"}},
		{"missing type", func(r *RuleSet) { delete(r.Points, ViolationNoFeedback) }, []string{"points.no_feedback"}},
		{"unknown type", func(r *RuleSet) { r.Points["late"] = 1 }, []string{"points.late"}},
		{"nil points", func(r *RuleSet) { r.Points = nil }, []string{
			"points.buck_passing", "points.cold_or_uninformed", "points.incomplete_record", "points.late_contact",
			"points.late_referral", "points.no_feedback", "points.other", "points.rude_or_forbidden_phrase",
		}},
		{"missing severity", func(r *RuleSet) { delete(r.SeverityFactor, SeveritySerious) }, []string{"severity_factor.serious"}},
		{"negative factor", func(r *RuleSet) { r.SeverityFactor[SeverityMinor] = -0.5 }, []string{"severity_factor.minor"}},
		{"unknown severity", func(r *RuleSet) { r.SeverityFactor["grave"] = 8 }, []string{"severity_factor.grave"}},
		{"missing bonus sanction", func(r *RuleSet) { delete(r.BonusDeductionPercent, SanctionPublicCriticism) }, []string{"bonus_deduction_percent.public_criticism"}},
		{"bonus for none", func(r *RuleSet) { r.BonusDeductionPercent[SanctionNone] = 0 }, []string{`bonus_deduction_percent[""]`}},
		{"negative bonus", func(r *RuleSet) { r.BonusDeductionPercent[SanctionVerbalWarning] = -5 }, []string{"bonus_deduction_percent.verbal_warning"}},
		{"bonus over 100", func(r *RuleSet) { r.BonusDeductionPercent[SanctionWrittenWarning] = 101 }, []string{"bonus_deduction_percent.written_warning"}},
		{"bonus cap zero", func(r *RuleSet) { r.BonusDeductionCap = 0 }, []string{"bonus_deduction_cap"}},
		{"bonus cap over 100", func(r *RuleSet) { r.BonusDeductionCap = 100.5 }, []string{"bonus_deduction_cap"}},
		{"negative praise", func(r *RuleSet) { r.PraisePointsByKind[PraiseSupervisor] = -2 }, []string{"praise_points.supervisor_praise"}},
		{"missing praise kind", func(r *RuleSet) { delete(r.PraisePointsByKind, PraiseVisitorCommendation) }, []string{"praise_points.visitor_commendation"}},
		{"negative praise cap", func(r *RuleSet) { r.PraiseCap = -1 }, []string{"praise_cap"}},
		{"zero praise cap allowed", func(r *RuleSet) { r.PraiseCap = 0 }, nil},
		{"default base over 100", func(r *RuleSet) { r.DefaultBase = 101 }, []string{"default_base"}},
		{"default base negative", func(r *RuleSet) { r.DefaultBase = -1 }, []string{"default_base"}},
		{"repeat window zero", func(r *RuleSet) { r.RepeatWindowDays = 0 }, []string{"repeat_window_days"}},
		{"repeat window huge", func(r *RuleSet) { r.RepeatWindowDays = 1 << 40 }, []string{"repeat_window_days"}},
		{"appeal window negative", func(r *RuleSet) { r.AppealWindowDays = -7 }, []string{"appeal_window_days"}},
		{"empty ladder", func(r *RuleSet) { r.Ladder = nil }, []string{"ladder"}},
		{"ladder going down", func(r *RuleSet) {
			r.Ladder = []Sanction{SanctionWrittenWarning, SanctionEducation, SanctionPublicCriticism}
		}, []string{"ladder[1]"}},
		{"ladder with none", func(r *RuleSet) { r.Ladder = []Sanction{SanctionNone, SanctionEducation} }, []string{"ladder[0]"}},
		{"ladder with unknown", func(r *RuleSet) { r.Ladder = []Sanction{SanctionEducation, "dismissal"} }, []string{"ladder[1]"}},
		{"ladder repeating a step", func(r *RuleSet) {
			r.Ladder = []Sanction{SanctionEducation, SanctionEducation, SanctionWrittenWarning}
		}, nil},
		{"unknown serious minimum", func(r *RuleSet) { r.SeriousMinimum = "jail" }, []string{"serious_minimum"}},
		{"no serious minimum allowed", func(r *RuleSet) { r.SeriousMinimum = SanctionNone }, nil},
		{"unknown top grade veto", func(r *RuleSet) { r.TopGradeVeto = "warning" }, []string{"top_grade_veto"}},
		{"grade bands out of order", func(r *RuleSet) { r.Grades[1], r.Grades[2] = r.Grades[2], r.Grades[1] }, []string{
			"grades[1].grade", "grades[2].grade", "grades[2].min",
		}},
		{"grade mins not descending", func(r *RuleSet) { r.Grades[2].Min = 85 }, []string{"grades[2].min"}},
		{"last band not at 0", func(r *RuleSet) { r.Grades[3].Min = 10 }, []string{"grades[3].min"}},
		{"duplicate grade", func(r *RuleSet) { r.Grades[2].Grade = GradeB }, []string{"grades", "grades[2].grade"}},
		{"unknown grade", func(r *RuleSet) { r.Grades[3].Grade = "F" }, []string{"grades", "grades[3].grade"}},
		{"missing band", func(r *RuleSet) { r.Grades = r.Grades[:3]; r.Grades[2].Min = 0 }, []string{"grades"}},
		{"no bands", func(r *RuleSet) { r.Grades = nil }, []string{"grades"}},
		{"infinite min", func(r *RuleSet) { r.Grades[0].Min = math.Inf(1) }, []string{"grades[0].min"}},
		{"sla handover zero", func(r *RuleSet) { r.SLA.HandoverWorkingHours = 0 }, []string{"sla.handover_working_hours"}},
		{"sla contact negative", func(r *RuleSet) { r.SLA.ContactWorkingHours = -4 }, []string{"sla.contact_working_hours"}},
		{"sla feedback zero", func(r *RuleSet) { r.SLA.FeedbackWorkingDays = 0 }, []string{"sla.feedback_working_days"}},
		{"reminder fraction 1", func(r *RuleSet) { r.SLA.ReminderFraction = 1 }, []string{"sla.reminder_fraction"}},
		{"reminder fraction 0", func(r *RuleSet) { r.SLA.ReminderFraction = 0 }, []string{"sla.reminder_fraction"}},
		{"several problems, sorted", func(r *RuleSet) {
			r.SLA.ContactWorkingHours = 0
			r.Points[ViolationBuckPassing] = -5
			r.AppealWindowDays = 0
			r.Grades[3].Min = 1
		}, []string{"appeal_window_days", "grades[3].min", "points.buck_passing", "sla.contact_working_hours"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := DefaultRuleSet()
			tt.edit(&r)
			errs := r.Validate()
			if got := paths(errs); !slices.Equal(got, tt.paths) {
				t.Fatalf("paths = %q, want %q\nerrors: %v", got, tt.paths, errs)
			}
			for _, e := range errs {
				if e.Message == "" || !strings.HasPrefix(e.Error(), e.Path+": ") {
					t.Errorf("badly formed error %#v", e)
				}
			}
		})
	}
}

// paths lists the paths of errs in order.
func paths(errs []FieldError) []string {
	var out []string
	for _, e := range errs {
		out = append(out, e.Path)
	}
	return out
}

func TestKeyPath(t *testing.T) {
	tests := []struct {
		parent, key, want string
	}{
		{"", "points", "points"},
		{"points", "buck_passing", "points.buck_passing"},
		{"bonus_deduction_percent", "", `bonus_deduction_percent[""]`},
		{"points", "a.b", `points["a.b"]`},
		{"points", "违规", `points["违规"]`},
	}
	for _, tt := range tests {
		if got := keyPath(tt.parent, tt.key); got != tt.want {
			t.Errorf("keyPath(%q, %q) = %q, want %q", tt.parent, tt.key, got, tt.want)
		}
	}
}
