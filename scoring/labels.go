package scoring

import "strings"

// label holds the Chinese and English display names of one value.
type label struct{ zh, en string }

// pick returns the English name for an English lang and the Chinese one otherwise.
func (l label) pick(lang string) string {
	if isEnglish(lang) {
		return l.en
	}
	return l.zh
}

// isEnglish reports whether lang asks for English: "en", "en-US", "en_GB" and the like, in any case.
// Everything else, the empty string included, gets Chinese, the product's default.
func isEnglish(lang string) bool {
	if len(lang) < 2 || !strings.EqualFold(lang[:2], "en") {
		return false
	}
	return len(lang) == 2 || lang[2] == '-' || lang[2] == '_'
}

// Label returns the display name of t in lang ("en" for English, anything else Chinese); an unknown type is returned as is.
func (t ViolationType) Label(lang string) string {
	var l label
	switch t {
	case ViolationLateReferral:
		l = label{"未及时移交", "Late referral"}
	case ViolationLateContact:
		l = label{"到岗后未及时联系", "Late contact after return to post"}
	case ViolationColdOrUninformed:
		l = label{"冷漠对待/应告知未告知", "Cold treatment / not informed"}
	case ViolationBuckPassing:
		l = label{"推诿扯皮", "Buck-passing"}
	case ViolationRudeOrForbiddenPhrase:
		l = label{"态度恶劣/使用忌语", "Rude attitude / forbidden phrase"}
	case ViolationIncompleteRecord:
		l = label{"未登记/记录不全", "Missing or incomplete record"}
	case ViolationNoFeedback:
		l = label{"未跟踪反馈", "No follow-up feedback"}
	case ViolationOther:
		l = label{"其他", "Other"}
	default:
		return string(t)
	}
	return l.pick(lang)
}

// Label returns the display name of s in lang ("en" for English, anything else Chinese); an unknown severity is returned as is.
func (s Severity) Label(lang string) string {
	var l label
	switch s {
	case SeverityMinor:
		l = label{"轻微", "Minor"}
	case SeverityOrdinary:
		l = label{"一般", "Ordinary"}
	case SeveritySerious:
		l = label{"严重", "Serious"}
	default:
		return string(s)
	}
	return l.pick(lang)
}

// Label returns the display name of s in lang ("en" for English, anything else Chinese); SanctionNone is 无 / None.
func (s Sanction) Label(lang string) string {
	var l label
	switch s {
	case SanctionNone:
		l = label{"无", "None"}
	case SanctionEducation:
		l = label{"教育", "Education"}
	case SanctionVerbalWarning:
		l = label{"口头警告", "Verbal warning"}
	case SanctionWrittenWarning:
		l = label{"书面警告", "Written warning"}
	case SanctionPublicCriticism:
		l = label{"通报批评", "Public criticism"}
	default:
		return string(s)
	}
	return l.pick(lang)
}

// Label returns the display name of k in lang ("en" for English, anything else Chinese); an unknown kind is returned as is.
func (k PraiseKind) Label(lang string) string {
	var l label
	switch k {
	case PraiseSupervisor:
		l = label{"主管表扬", "Supervisor praise"}
	case PraiseVisitorCommendation:
		l = label{"群众表扬(表扬信/锦旗)", "Visitor commendation (letter / banner)"}
	default:
		return string(k)
	}
	return l.pick(lang)
}

// Label returns the display name of g in lang ("en" for English, anything else Chinese); an unknown grade is returned as is.
func (g Grade) Label(lang string) string {
	var l label
	switch g {
	case GradeA:
		l = label{"优秀", "Excellent"}
	case GradeB:
		l = label{"良好", "Good"}
	case GradeC:
		l = label{"合格", "Pass"}
	case GradeD:
		l = label{"不合格", "Fail"}
	default:
		return string(g)
	}
	return l.pick(lang)
}

// Label returns the display name of k in lang ("en" for English, anything else Chinese); an unknown kind is returned as is.
func (k RecordKind) Label(lang string) string {
	var l label
	switch k {
	case RecordViolation:
		l = label{"违规", "Violation"}
	case RecordPraise:
		l = label{"表扬", "Praise"}
	case RecordCorrection:
		l = label{"更正", "Correction"}
	default:
		return string(k)
	}
	return l.pick(lang)
}
