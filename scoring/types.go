package scoring

// ViolationType names a breach of the first-inquiry rules (docs/domain.md §1).
type ViolationType string

// The violation types, in the order of the rules.
const (
	ViolationLateReferral          ViolationType = "late_referral"
	ViolationLateContact           ViolationType = "late_contact"
	ViolationColdOrUninformed      ViolationType = "cold_or_uninformed"
	ViolationBuckPassing           ViolationType = "buck_passing"
	ViolationRudeOrForbiddenPhrase ViolationType = "rude_or_forbidden_phrase"
	ViolationIncompleteRecord      ViolationType = "incomplete_record"
	ViolationNoFeedback            ViolationType = "no_feedback"
	ViolationOther                 ViolationType = "other"
)

// AllViolationTypes lists every violation type in the order of the rules; treat it as read-only.
var AllViolationTypes = []ViolationType{
	ViolationLateReferral,
	ViolationLateContact,
	ViolationColdOrUninformed,
	ViolationBuckPassing,
	ViolationRudeOrForbiddenPhrase,
	ViolationIncompleteRecord,
	ViolationNoFeedback,
	ViolationOther,
}

// Valid reports whether t is one of the known violation types.
func (t ViolationType) Valid() bool {
	switch t {
	case ViolationLateReferral, ViolationLateContact, ViolationColdOrUninformed, ViolationBuckPassing,
		ViolationRudeOrForbiddenPhrase, ViolationIncompleteRecord, ViolationNoFeedback, ViolationOther:
		return true
	}
	return false
}

// Severity says how grave a violation is; it scales the deduction.
type Severity string

// The severities, mildest first.
const (
	SeverityMinor    Severity = "minor"
	SeverityOrdinary Severity = "ordinary"
	SeveritySerious  Severity = "serious"
)

// AllSeverities lists every severity, mildest first; treat it as read-only.
var AllSeverities = []Severity{SeverityMinor, SeverityOrdinary, SeveritySerious}

// Valid reports whether s is one of the known severities.
func (s Severity) Valid() bool {
	switch s {
	case SeverityMinor, SeverityOrdinary, SeveritySerious:
		return true
	}
	return false
}

// Sanction is the disciplinary measure (处分) fixed when a violation is verified; "" means none.
type Sanction string

// The sanctions, mildest first.
const (
	SanctionNone            Sanction = ""
	SanctionEducation       Sanction = "education"
	SanctionVerbalWarning   Sanction = "verbal_warning"
	SanctionWrittenWarning  Sanction = "written_warning"
	SanctionPublicCriticism Sanction = "public_criticism"
)

// AllSanctions lists the real sanctions (SanctionNone excluded), mildest first; treat it as read-only.
var AllSanctions = []Sanction{
	SanctionEducation,
	SanctionVerbalWarning,
	SanctionWrittenWarning,
	SanctionPublicCriticism,
}

// Valid reports whether s is a known sanction, SanctionNone included.
func (s Sanction) Valid() bool {
	return s.Rank() >= 0
}

// Rank orders sanctions by gravity: none 0, education 1, verbal_warning 2, written_warning 3, public_criticism 4, unknown -1.
func (s Sanction) Rank() int {
	switch s {
	case SanctionNone:
		return 0
	case SanctionEducation:
		return 1
	case SanctionVerbalWarning:
		return 2
	case SanctionWrittenWarning:
		return 3
	case SanctionPublicCriticism:
		return 4
	}
	return -1
}

// AtLeast reports whether s is as grave as o or graver.
func (s Sanction) AtLeast(o Sanction) bool {
	return s.Rank() >= o.Rank()
}

// PraiseKind names a kind of praise (表扬).
type PraiseKind string

// The praise kinds.
const (
	PraiseSupervisor          PraiseKind = "supervisor_praise"
	PraiseVisitorCommendation PraiseKind = "visitor_commendation"
)

// AllPraiseKinds lists every praise kind; treat it as read-only.
var AllPraiseKinds = []PraiseKind{PraiseSupervisor, PraiseVisitorCommendation}

// Valid reports whether k is one of the known praise kinds.
func (k PraiseKind) Valid() bool {
	switch k {
	case PraiseSupervisor, PraiseVisitorCommendation:
		return true
	}
	return false
}

// Grade is the appraisal grade of a month, A best.
type Grade string

// The grades, best first.
const (
	GradeA Grade = "A"
	GradeB Grade = "B"
	GradeC Grade = "C"
	GradeD Grade = "D"
)

// AllGrades lists every grade, best first; treat it as read-only.
var AllGrades = []Grade{GradeA, GradeB, GradeC, GradeD}

// Index is the grade's place in AllGrades (A is 0), or -1 for no grade;
// grade distributions count by it.
func (g Grade) Index() int {
	for i, x := range AllGrades {
		if x == g {
			return i
		}
	}
	return -1
}

// Valid reports whether g is one of A, B, C, D.
func (g Grade) Valid() bool {
	switch g {
	case GradeA, GradeB, GradeC, GradeD:
		return true
	}
	return false
}

// RecordKind says what a conduct record is: a violation, a praise, or a correction.
type RecordKind string

// The record kinds.
const (
	RecordViolation  RecordKind = "violation"
	RecordPraise     RecordKind = "praise"
	RecordCorrection RecordKind = "correction"
)

// AllRecordKinds lists every record kind; treat it as read-only.
var AllRecordKinds = []RecordKind{RecordViolation, RecordPraise, RecordCorrection}

// Valid reports whether k is one of the known record kinds.
func (k RecordKind) Valid() bool {
	switch k {
	case RecordViolation, RecordPraise, RecordCorrection:
		return true
	}
	return false
}
