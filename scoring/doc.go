// Package scoring holds the rules of the first-inquiry responsibility system as
// pure functions: rule sets, the sanction ladder, where a record counts, and a
// month's scores (docs/domain.md §3).
//
// It takes everything as arguments, the clock and the time zone included, and
// returns values: no database, no HTTP, no time.Now, no mutable globals, and
// no import of the project's other packages.
//
// # Rules
//
// A RuleSet is a versioned JSON document (DefaultRuleSet gives the defaults;
// ParseRuleSet decodes one strictly and Validate checks it, naming each
// problem by a path such as "points.buck_passing" or "grades[1].min").
//
//   - A counted violation deducts points[type] × severity_factor[severity].
//   - Its sanction is fixed when it is verified, from the number of the
//     person's verified violations in the repeat window up to it, itself
//     included: ladder[n-1], the last step for higher n, and at least
//     serious_minimum when serious. It is never recomputed afterwards, so the
//     computation takes it as input (Record.Sanction).
//   - The bonus deduction of a month is the sum of bonus_deduction_percent over
//     its violations' sanctions, capped at bonus_deduction_cap.
//   - Praise adds praise_points[kind], at most praise_cap a month.
//   - final = max(0, base − deductions + min(praise, praise_cap) + corrections),
//     where base is the uploaded base score, else default_base.
//   - The grade is the first band whose min the final score reaches; a month
//     whose gravest sanction is at least top_grade_veto cannot have the top
//     band and gets the second (一票否决).
//
// # Decisions where docs/domain.md is silent
//
//   - Repeat window: it counts 24-hour days back from the violation's
//     occurred_at, and both ends are inclusive: a violation exactly 90 days
//     earlier counts, and so does one at the same instant. Violations that
//     occurred after the one being verified do not count, even if verified
//     before it.
//   - Counting month: a record counts in its own month if that month is open
//     when the record takes effect, else in the earliest open month after it
//     (never before the first open month), marked as carried over.
//   - Corrections: an appeal overturned after its month closed gives the
//     deducted points back as a correction in the first open month. A
//     correction adds its points as given, is not subject to the praise cap,
//     is not a violation, and does not touch the bonus deduction or the
//     highest sanction: the closed month's frozen figures stand, and only the
//     points travel.
//   - Praise cap: records are applied in order of occurred_at (then kind and
//     id), so the cap falls on the latest praise; a praise that only partly
//     fits is applied in part and flagged Capped.
//   - No ceiling: praise and corrections may lift a final score above 100
//     (docs/domain.md example B scores 110).
//   - Rounding: every figure of a Result is rounded to 2 decimals, halves
//     away from zero, and the final score is computed from the rounded
//     figures, so base − deductions + additions = final holds on paper; the
//     grade is taken from the rounded final score. Scores are float64: the
//     rules produce whole or half points in practice, which float64 holds
//     exactly.
//   - Rule sets: default_base must lie in [0, 100], every praise kind and
//     every real sanction must be priced, each percentage is at most 100, and
//     windows are at most 3660 (repeat) and 366 (appeal) days. SanctionNone
//     ("") as serious_minimum sets no minimum, and as top_grade_veto turns the
//     veto off. The four grade bands must be A, B, C, D in that order.
//   - Months: "YYYY-MM" with a year in 2000–2999; the zero Month is invalid and
//     is refused by MarshalText, so an unset month never reaches JSON.
//   - Labels are Chinese by default; any lang "en" or "en-…" gives English.
package scoring
