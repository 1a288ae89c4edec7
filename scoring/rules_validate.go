package scoring

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
)

// FieldError is one problem in a rule set, at a JSON-like path such as "points.buck_passing" or "grades[1].min".
type FieldError struct {
	// Path locates the problem, "" for the document as a whole.
	Path string `json:"path"`
	// Message says what is wrong, in English.
	Message string `json:"message"`
}

// Error formats e as "path: message", so a FieldError can also travel as an error.
func (e FieldError) Error() string {
	if e.Path == "" {
		return e.Message
	}
	return e.Path + ": " + e.Message
}

// Upper bounds that keep windows meaningful and day arithmetic far from time.Duration overflow.
const (
	maxRepeatWindowDays = 3660
	maxAppealWindowDays = 366
)

// Validate checks r and returns every problem found, sorted by path; nil means r is usable.
//
// Beyond docs/domain.md it requires default_base in [0, 100] (the range of an
// uploaded base score), every praise kind priced, per-sanction bonus
// percentages of at most 100, and windows of at most 3660 (repeat) and 366
// (appeal) days.
func (r RuleSet) Validate() []FieldError {
	var v validator
	v.rangeClosed("default_base", r.DefaultBase, 0, 100)

	checkPriced(&v, "points", r.Points, AllViolationTypes, "violation type")
	checkPriced(&v, "severity_factor", r.SeverityFactor, AllSeverities, "severity")
	checkPriced(&v, "bonus_deduction_percent", r.BonusDeductionPercent, AllSanctions, "sanction")
	for s, pct := range r.BonusDeductionPercent {
		if pct > 100 {
			v.add(keyPath("bonus_deduction_percent", string(s)), "must be at most 100")
		}
	}
	checkPriced(&v, "praise_points", r.PraisePointsByKind, AllPraiseKinds, "praise kind")

	v.intRange("repeat_window_days", r.RepeatWindowDays, 1, maxRepeatWindowDays)
	v.intRange("appeal_window_days", r.AppealWindowDays, 1, maxAppealWindowDays)

	v.checkLadder(r.Ladder)
	v.sanction("serious_minimum", r.SeriousMinimum)
	v.sanction("top_grade_veto", r.TopGradeVeto)

	if v.finite("bonus_deduction_cap", r.BonusDeductionCap) && (r.BonusDeductionCap <= 0 || r.BonusDeductionCap > 100) {
		v.add("bonus_deduction_cap", "must be greater than 0 and at most 100")
	}
	v.nonNegative("praise_cap", r.PraiseCap)

	v.checkGrades(r.Grades)

	v.positive("sla.handover_working_hours", r.SLA.HandoverWorkingHours)
	v.positive("sla.contact_working_hours", r.SLA.ContactWorkingHours)
	v.positive("sla.feedback_working_days", r.SLA.FeedbackWorkingDays)
	if v.finite("sla.reminder_fraction", r.SLA.ReminderFraction) && (r.SLA.ReminderFraction <= 0 || r.SLA.ReminderFraction >= 1) {
		v.add("sla.reminder_fraction", "must be greater than 0 and less than 1")
	}
	return v.sorted()
}

// validator collects FieldErrors.
type validator struct{ errs []FieldError }

func (v *validator) add(path, format string, args ...any) {
	v.errs = append(v.errs, FieldError{Path: path, Message: fmt.Sprintf(format, args...)})
}

// sorted returns the errors ordered by path, keeping the order of discovery within one path.
func (v *validator) sorted() []FieldError {
	slices.SortStableFunc(v.errs, func(a, b FieldError) int { return strings.Compare(a.Path, b.Path) })
	return v.errs
}

// finite reports whether x is a real number, recording an error when it is NaN or infinite.
func (v *validator) finite(path string, x float64) bool {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		v.add(path, "must be a finite number")
		return false
	}
	return true
}

func (v *validator) nonNegative(path string, x float64) {
	if v.finite(path, x) && x < 0 {
		v.add(path, "must not be negative")
	}
}

func (v *validator) positive(path string, x float64) {
	if v.finite(path, x) && x <= 0 {
		v.add(path, "must be greater than 0")
	}
}

func (v *validator) rangeClosed(path string, x, lo, hi float64) {
	if v.finite(path, x) && (x < lo || x > hi) {
		v.add(path, "must be between %s and %s", formatNumber(lo), formatNumber(hi))
	}
}

func (v *validator) intRange(path string, n, lo, hi int) {
	if n < lo || n > hi {
		v.add(path, "must be between %d and %d", lo, hi)
	}
}

// sanction checks a single sanction field, where SanctionNone is allowed.
func (v *validator) sanction(path string, s Sanction) {
	if !s.Valid() {
		v.add(path, "unknown sanction %q", string(s))
	}
}

// checkPriced checks a table keyed by an enum: every wanted key present, no unknown key, no negative value.
func checkPriced[K ~string](v *validator, field string, m map[K]float64, want []K, what string) {
	for _, k := range want {
		if _, ok := m[k]; !ok {
			v.add(keyPath(field, string(k)), "missing: every %s needs a value", what)
		}
	}
	for k, x := range m {
		path := keyPath(field, string(k))
		if !slices.Contains(want, k) {
			v.add(path, "unknown %s", what)
			continue
		}
		v.nonNegative(path, x)
	}
}

// checkLadder requires at least one real sanction and no step milder than the one before.
func (v *validator) checkLadder(ladder []Sanction) {
	if len(ladder) == 0 {
		v.add("ladder", "must list at least one sanction")
		return
	}
	prev := -1
	for i, s := range ladder {
		path := indexPath("ladder", i)
		switch {
		case s == SanctionNone:
			v.add(path, "must be a sanction, not none")
		case !s.Valid():
			v.add(path, "unknown sanction %q", string(s))
		case s.Rank() < prev:
			v.add(path, "must not be milder than the steps before it")
		}
		if s.Rank() > prev {
			prev = s.Rank()
		}
	}
}

// checkGrades requires the bands A, B, C, D in that order, each once, with strictly descending Min ending at 0.
func (v *validator) checkGrades(grades []GradeBand) {
	if len(grades) == 0 {
		v.add("grades", "must list the bands A, B, C and D")
		return
	}
	seen := map[Grade]bool{}
	for i, band := range grades {
		gpath := indexPath("grades", i) + ".grade"
		switch {
		case !band.Grade.Valid():
			v.add(gpath, "unknown grade %q", string(band.Grade))
		case seen[band.Grade]:
			v.add(gpath, "grade %s appears more than once", band.Grade)
		case i < len(AllGrades) && band.Grade != AllGrades[i]:
			v.add(gpath, "must be %s: bands run A, B, C, D from the highest min", AllGrades[i])
		}
		seen[band.Grade] = true

		mpath := indexPath("grades", i) + ".min"
		if !v.finite(mpath, band.Min) {
			continue
		}
		if i > 0 && band.Min >= grades[i-1].Min {
			v.add(mpath, "must be lower than %s.min", indexPath("grades", i-1))
		}
		if i == len(grades)-1 && band.Min != 0 {
			v.add(mpath, "the last band must start at 0")
		}
	}
	for _, g := range AllGrades {
		if !seen[g] {
			v.add("grades", "missing grade %s", g)
		}
	}
}

// keyPath appends a map key to a path: "points.buck_passing", or `points[""]` for a key that is not a plain name.
func keyPath(parent, key string) string {
	plain := key != ""
	for i := 0; i < len(key) && plain; i++ {
		c := key[i]
		plain = c == '_' || c == '-' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
	}
	if plain {
		if parent == "" {
			return key
		}
		return parent + "." + key
	}
	return parent + "[" + strconv.Quote(key) + "]"
}

// indexPath appends an array index to a path: "grades[1]".
func indexPath(parent string, i int) string {
	return parent + "[" + strconv.Itoa(i) + "]"
}

// formatNumber prints x without trailing zeros: 100, 0.25.
func formatNumber(x float64) string {
	return strconv.FormatFloat(x, 'f', -1, 64)
}
