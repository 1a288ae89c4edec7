package scoring

// ruleTables is a RuleSet resolved into arrays indexed by enum position, so that the
// month's hot loop does array reads instead of string-keyed map lookups.
type ruleTables struct {
	deduction [8][3]float64 // [violationIndex][severityIndex]
	bonus     [5]float64    // [Sanction.Rank]
	praise    [2]float64    // [praiseIndex]
}

func newRuleTables(r RuleSet) ruleTables {
	var t ruleTables
	for i, vt := range [...]ViolationType{ViolationLateReferral, ViolationLateContact, ViolationColdOrUninformed, ViolationBuckPassing,
		ViolationRudeOrForbiddenPhrase, ViolationIncompleteRecord, ViolationNoFeedback, ViolationOther} {
		for j, s := range [...]Severity{SeverityMinor, SeverityOrdinary, SeveritySerious} {
			t.deduction[i][j] = r.Deduction(vt, s)
		}
	}
	for _, s := range [...]Sanction{SanctionNone, SanctionEducation, SanctionVerbalWarning, SanctionWrittenWarning, SanctionPublicCriticism} {
		t.bonus[s.Rank()] = r.BonusPercent(s)
	}
	t.praise[praiseIndex(PraiseSupervisor)] = r.PraisePoints(PraiseSupervisor)
	t.praise[praiseIndex(PraiseVisitorCommendation)] = r.PraisePoints(PraiseVisitorCommendation)
	return t
}

// deductionOf returns r.Deduction(vt, s), from the table when both are known.
func (t *ruleTables) deductionOf(r *RuleSet, vt ViolationType, s Severity) float64 {
	i, j := violationIndex(vt), severityIndex(s)
	if i < 0 || j < 0 {
		return r.Deduction(vt, s)
	}
	return t.deduction[i][j]
}

// bonusOf returns r.BonusPercent(s), from the table when s is known.
func (t *ruleTables) bonusOf(r *RuleSet, s Sanction) float64 {
	if k := s.Rank(); k >= 0 {
		return t.bonus[k]
	}
	return r.BonusPercent(s)
}

// praiseOf returns r.PraisePoints(k), from the table when k is known.
func (t *ruleTables) praiseOf(r *RuleSet, k PraiseKind) float64 {
	if i := praiseIndex(k); i >= 0 {
		return t.praise[i]
	}
	return r.PraisePoints(k)
}

// violationIndex is t's position in AllViolationTypes, or -1.
func violationIndex(t ViolationType) int {
	switch t {
	case ViolationLateReferral:
		return 0
	case ViolationLateContact:
		return 1
	case ViolationColdOrUninformed:
		return 2
	case ViolationBuckPassing:
		return 3
	case ViolationRudeOrForbiddenPhrase:
		return 4
	case ViolationIncompleteRecord:
		return 5
	case ViolationNoFeedback:
		return 6
	case ViolationOther:
		return 7
	}
	return -1
}

// severityIndex is s's position in AllSeverities, or -1.
func severityIndex(s Severity) int {
	switch s {
	case SeverityMinor:
		return 0
	case SeverityOrdinary:
		return 1
	case SeveritySerious:
		return 2
	}
	return -1
}

// praiseIndex is k's position in AllPraiseKinds, or -1.
func praiseIndex(k PraiseKind) int {
	switch k {
	case PraiseSupervisor:
		return 0
	case PraiseVisitorCommendation:
		return 1
	}
	return -1
}

// recordKindIndex is k's position in AllRecordKinds, or -1.
func recordKindIndex(k RecordKind) int {
	switch k {
	case RecordViolation:
		return 0
	case RecordPraise:
		return 1
	case RecordCorrection:
		return 2
	}
	return -1
}
