package scoring

import (
	"maps"
	"slices"
)

// RuleSet is one version of the scoring rules, stored and exchanged as a JSON document.
//
// Its methods assume a rule set that passed Validate; on an invalid one they
// do not panic but their answers are unspecified.
type RuleSet struct {
	// DefaultBase is the base score of a person without an uploaded one.
	DefaultBase float64 `json:"default_base"`
	// Points is the deduction per violation type before the severity factor.
	Points map[ViolationType]float64 `json:"points"`
	// SeverityFactor multiplies Points by severity.
	SeverityFactor map[Severity]float64 `json:"severity_factor"`
	// RepeatWindowDays is how far back, in 24-hour days, earlier violations count towards the sanction ladder.
	RepeatWindowDays int `json:"repeat_window_days"`
	// Ladder gives the sanction for the (i+1)-th violation in the window; its last entry applies to any higher count.
	Ladder []Sanction `json:"ladder"`
	// SeriousMinimum is the mildest sanction a serious violation gets; SanctionNone sets no minimum.
	SeriousMinimum Sanction `json:"serious_minimum"`
	// BonusDeductionPercent is the share of the monthly bonus withheld per sanction.
	BonusDeductionPercent map[Sanction]float64 `json:"bonus_deduction_percent"`
	// BonusDeductionCap caps a month's total bonus deduction, in percent.
	BonusDeductionCap float64 `json:"bonus_deduction_cap"`
	// PraisePointsByKind is the points each praise kind adds (JSON "praise_points"; see the PraisePoints method).
	PraisePointsByKind map[PraiseKind]float64 `json:"praise_points"`
	// PraiseCap caps the points that praise adds in a month.
	PraiseCap float64 `json:"praise_cap"`
	// Grades are the grade bands, highest Min first; the last starts at 0.
	Grades []GradeBand `json:"grades"`
	// TopGradeVeto is the mildest sanction that keeps a month out of the top band; SanctionNone disables the veto.
	TopGradeVeto Sanction `json:"top_grade_veto"`
	// AppealWindowDays is how many days after verification a violation may be appealed.
	AppealWindowDays int `json:"appeal_window_days"`
	// SLA holds the service-level clocks.
	SLA SLA `json:"sla"`
}

// GradeBand gives a grade to every final score at or above Min (and below the band above it).
type GradeBand struct {
	// Grade is the band's grade.
	Grade Grade `json:"grade"`
	// Min is the lowest final score in the band, inclusive.
	Min float64 `json:"min"`
}

// SLA holds the deadlines of the service clocks in working time (docs/domain.md §2).
type SLA struct {
	// HandoverWorkingHours is the time a first responder has to hand an inquiry over.
	HandoverWorkingHours float64 `json:"handover_working_hours"`
	// ContactWorkingHours is the time an assignee has to contact the visitor.
	ContactWorkingHours float64 `json:"contact_working_hours"`
	// FeedbackWorkingDays is the time a first responder has to report back to the visitor.
	FeedbackWorkingDays float64 `json:"feedback_working_days"`
	// ReminderFraction is the share of a deadline left when the reminder goes out.
	ReminderFraction float64 `json:"reminder_fraction"`
}

// DefaultRuleSet returns the default rules of docs/domain.md §3, freshly allocated so the caller may change it.
func DefaultRuleSet() RuleSet {
	return RuleSet{
		DefaultBase: 100,
		Points: map[ViolationType]float64{
			ViolationLateReferral:          2,
			ViolationLateContact:           2,
			ViolationColdOrUninformed:      3,
			ViolationBuckPassing:           5,
			ViolationRudeOrForbiddenPhrase: 5,
			ViolationIncompleteRecord:      1,
			ViolationNoFeedback:            2,
			ViolationOther:                 2,
		},
		SeverityFactor: map[Severity]float64{
			SeverityMinor:    1,
			SeverityOrdinary: 2,
			SeveritySerious:  4,
		},
		RepeatWindowDays: 90,
		Ladder: []Sanction{
			SanctionEducation,
			SanctionVerbalWarning,
			SanctionWrittenWarning,
			SanctionPublicCriticism,
		},
		SeriousMinimum: SanctionWrittenWarning,
		BonusDeductionPercent: map[Sanction]float64{
			SanctionEducation:       0,
			SanctionVerbalWarning:   5,
			SanctionWrittenWarning:  10,
			SanctionPublicCriticism: 20,
		},
		BonusDeductionCap: 100,
		PraisePointsByKind: map[PraiseKind]float64{
			PraiseSupervisor:          2,
			PraiseVisitorCommendation: 3,
		},
		PraiseCap: 10,
		Grades: []GradeBand{
			{Grade: GradeA, Min: 95},
			{Grade: GradeB, Min: 85},
			{Grade: GradeC, Min: 70},
			{Grade: GradeD, Min: 0},
		},
		TopGradeVeto:     SanctionWrittenWarning,
		AppealWindowDays: 7,
		SLA: SLA{
			HandoverWorkingHours: 2,
			ContactWorkingHours:  4,
			FeedbackWorkingDays:  3,
			ReminderFraction:     0.25,
		},
	}
}

// Clone returns a deep copy of r, so that changing the copy's maps or slices leaves r alone.
func (r RuleSet) Clone() RuleSet {
	c := r
	c.Points = maps.Clone(r.Points)
	c.SeverityFactor = maps.Clone(r.SeverityFactor)
	c.BonusDeductionPercent = maps.Clone(r.BonusDeductionPercent)
	c.PraisePointsByKind = maps.Clone(r.PraisePointsByKind)
	c.Ladder = slices.Clone(r.Ladder)
	c.Grades = slices.Clone(r.Grades)
	return c
}

// Deduction returns the points a counted violation of type t and severity s deducts: points[t] × severity_factor[s].
func (r RuleSet) Deduction(t ViolationType, s Severity) float64 {
	return r.Points[t] * r.SeverityFactor[s]
}

// PraisePoints returns the points one praise of kind k adds before the monthly cap.
func (r RuleSet) PraisePoints(k PraiseKind) float64 {
	return r.PraisePointsByKind[k]
}

// BonusPercent returns the share of the monthly bonus withheld for one sanction s (0 for none).
func (r RuleSet) BonusPercent(s Sanction) float64 {
	return r.BonusDeductionPercent[s]
}

// GradeFor grades a final score: the first band whose Min the score reaches, demoted to the
// second band (vetoed = true) when it is the top band and highest is at least TopGradeVeto.
func (r RuleSet) GradeFor(final float64, highest Sanction) (grade Grade, vetoed bool) {
	if len(r.Grades) == 0 {
		return "", false
	}
	band := len(r.Grades) - 1
	for i, g := range r.Grades {
		if final >= g.Min {
			band = i
			break
		}
	}
	if band == 0 && len(r.Grades) > 1 && r.TopGradeVeto != SanctionNone && highest.Rank() >= r.TopGradeVeto.Rank() {
		return r.Grades[1].Grade, true
	}
	return r.Grades[band].Grade, false
}
