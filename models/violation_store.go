package models

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"firstask/scoring"
)

// Limits on the free text of conduct records.
const (
	maxConductText = 2000
	// conductFutureSkew is how far ahead of the server's clock an occurred_at may
	// lie (clients' clocks drift); anything later is refused.
	conductFutureSkew = 5 * time.Minute
)

// ViolationInput is a reported violation.
type ViolationInput struct {
	StaffID     int64                 `json:"staff_id"`
	Type        scoring.ViolationType `json:"type"`
	Severity    scoring.Severity      `json:"severity"`
	OccurredAt  *time.Time            `json:"occurred_at"`
	InquiryID   *int64                `json:"inquiry_id"`
	Description string                `json:"description"`
	Evidence    string                `json:"evidence"`
	Source      ViolationSource       `json:"source"`
}

func (in *ViolationInput) validate(now time.Time) error {
	var v Validation
	in.Description, in.Evidence = strings.TrimSpace(in.Description), strings.TrimSpace(in.Evidence)
	if in.Source == "" {
		in.Source = SourceSupervisor
	}
	v.Check(in.StaffID > 0, "staff_id", "is required")
	v.Check(in.Type.Valid(), "type", "must be one of %s", enumList(scoring.AllViolationTypes))
	v.Check(in.Severity.Valid(), "severity", "must be one of minor, ordinary, serious")
	checkOccurredAt(&v, in.OccurredAt, now)
	if in.InquiryID != nil {
		v.Check(*in.InquiryID > 0, "inquiry_id", "must be an inquiry id")
	}
	v.Check(utf8.RuneCountInString(in.Description) <= maxConductText, "description", "must be at most %d characters", maxConductText)
	if in.Type == scoring.ViolationOther {
		v.Check(in.Description != "", "description", "is required for type other")
	}
	v.Check(utf8.RuneCountInString(in.Evidence) <= maxConductText, "evidence", "must be at most %d characters", maxConductText)
	switch in.Source {
	case SourceSupervisor, SourceVisitorComplaint:
	case SourceSLA:
		v.Add("source", "sla violations are raised by the SLA scan only")
	default:
		v.Add("source", "must be supervisor or visitor_complaint")
	}
	return v.Err()
}

func checkOccurredAt(v *Validation, t *time.Time, now time.Time) {
	switch {
	case t == nil:
		v.Add("occurred_at", "is required")
	case t.After(now.Add(conductFutureSkew)):
		v.Add("occurred_at", "must not be in the future")
	case t.Year() < 2000:
		v.Add("occurred_at", "must be in the year 2000 or later")
	}
}

// checkInquiry refuses an inquiry_id that names no inquiry.
func (tx *Tx) checkInquiry(id *int64) error {
	if id == nil {
		return nil
	}
	var n int64
	if err := tx.db.Table("inquiries").Where("id = ?", *id).Count(&n).Error; err != nil {
		return err
	}
	if n == 0 {
		return Invalid(FieldProblem{Field: "inquiry_id", Message: "no such inquiry"})
	}
	return nil
}

// ReportViolation records a reported violation (state reported). It counts
// nowhere until HR verifies it.
func (s *Store) ReportViolation(ctx context.Context, a Actor, in ViolationInput) (Violation, error) {
	if err := in.validate(s.Now()); err != nil {
		return Violation{}, err
	}
	var v Violation
	err := s.write(ctx, a, func(tx *Tx) error {
		if _, err := tx.claimIdempotency(ctx); err != nil {
			return err
		}
		if _, err := tx.conductTarget(a, in.StaffID); err != nil {
			return err
		}
		if err := tx.checkInquiry(in.InquiryID); err != nil {
			return err
		}
		v = Violation{
			StaffID: in.StaffID, Type: in.Type, Severity: in.Severity,
			OccurredAt: in.OccurredAt.UTC().Truncate(time.Millisecond), InquiryID: in.InquiryID,
			Description: in.Description, Evidence: in.Evidence, Source: in.Source,
			ReportedBy: optionalID(a.StaffID), State: ViolationReported,
			CreatedAt: tx.now, UpdatedAt: tx.now,
		}
		if err := tx.db.Create(&v).Error; err != nil {
			return err
		}
		if err := tx.violationChanged(nil, &v); err != nil {
			return err
		}
		tx.audit("violation.report", "violation", v.ID, nil, v)
		if err := tx.violationQueued(a, &v, "violation.reported"); err != nil {
			return err
		}
		return tx.rememberIdempotency(ctx, http.StatusCreated, v)
	})
	return v, err
}

// ViolationFilter selects violations in a list.
type ViolationFilter struct {
	StaffID      int64
	DepartmentID int64 // the department and its sub-departments
	State        ViolationState
	Type         scoring.ViolationType
	Source       ViolationSource
	CountedMonth *scoring.Month
	From, To     *time.Time // occurred_at in [From, To)
	Page
}

// ListViolations lists the violations in the actor's scope, latest
// occurred first: staff see their own, supervisors their department's.
func (s *Store) ListViolations(ctx context.Context, a Actor, f ViolationFilter) ([]Violation, int64, error) {
	var out []Violation
	var total int64
	err := s.read(ctx, a, func(tx *Tx) error {
		sc, err := tx.scopeOf(a)
		if err != nil {
			return err
		}
		q, err := tx.conductQuery(tx.db.Model(&Violation{}), a, sc, f.StaffID, f.DepartmentID)
		if err != nil {
			return err
		}
		if f.State != "" {
			q = q.Where("state = ?", f.State)
		}
		if f.Type != "" {
			q = q.Where("type = ?", f.Type)
		}
		if f.Source != "" {
			q = q.Where("source = ?", f.Source)
		}
		if f.CountedMonth != nil {
			q = q.Where("counted_month = ?", f.CountedMonth.String())
		}
		if f.From != nil {
			q = q.Where("occurred_at >= ?", f.From.UTC())
		}
		if f.To != nil {
			q = q.Where("occurred_at < ?", f.To.UTC())
		}
		if err := q.Count(&total).Error; err != nil {
			return err
		}
		return q.Order("occurred_at DESC, id DESC").Offset(f.Offset()).Limit(f.Size).Find(&out).Error
	})
	return out, total, err
}

// GetViolation returns one violation in the actor's scope (404 outside).
func (s *Store) GetViolation(ctx context.Context, a Actor, id int64) (Violation, error) {
	var v Violation
	err := s.read(ctx, a, func(tx *Tx) error {
		var err error
		v, err = tx.violationInScope(a, id, false)
		return err
	})
	return v, err
}

// saveViolation writes every column of v, which was before, and keeps
// the month counts in step (violationChanged).
func (tx *Tx) saveViolation(before, v *Violation) error {
	if err := tx.db.Model(&Violation{ID: v.ID}).Select("*").Omit("id", "created_at").Updates(v).Error; err != nil {
		return err
	}
	return tx.violationChanged(before, v)
}

// DecisionInput is HR's note on a verification or dismissal.
type DecisionInput struct {
	Note string `json:"note"`
}

func (in *DecisionInput) validate(required bool) error {
	in.Note = strings.TrimSpace(in.Note)
	var v Validation
	if required {
		v.Check(in.Note != "", "note", "is required")
	}
	v.Check(utf8.RuneCountInString(in.Note) <= maxConductText, "note", "must be at most %d characters", maxConductText)
	return v.Err()
}

// VerifyViolation marks a reported violation verified (HR or admin, never
// its reporter nor its subject). It fixes the sanction from the ladder of
// the rules in force for the month it counts in, counting the person's
// verified, appealed and upheld violations in the repeat window up to this
// one; sets the appeal deadline; counts it in its own month if open, else in
// the first open month after (carried over); and notifies the staff member.
func (s *Store) VerifyViolation(ctx context.Context, a Actor, id int64, in DecisionInput) (Violation, error) {
	if err := in.validate(false); err != nil {
		return Violation{}, err
	}
	var v Violation
	err := s.write(ctx, a, func(tx *Tx) error {
		var err error
		if v, err = tx.violationInScope(a, id, true); err != nil {
			return err
		}
		if err := fourEyes(a, &v, "verify"); err != nil {
			return err
		}
		if v.State != ViolationReported {
			return violationWrongState(&v, "verified")
		}
		// Verifications of one person's violations queue on the staff row,
		// so each sees the ones verified before it when counting the ladder.
		if err := tx.db.Clauses(clause.Locking{Strength: "UPDATE"}).Where("id = ?", v.StaffID).Take(&Staff{}).Error; err != nil {
			return err
		}
		counted, carried, err := tx.countingMonth(v.OccurredAt)
		if err != nil {
			return err
		}
		rules, version, err := tx.effectiveRules(counted)
		if err != nil {
			return err
		}
		var earlier []time.Time
		err = tx.db.Model(&Violation{}).
			Where("staff_id = ? AND id <> ? AND state IN ? AND occurred_at >= ? AND occurred_at <= ?",
				v.StaffID, v.ID, countingStates, rules.RepeatWindowStart(v.OccurredAt), v.OccurredAt).
			Pluck("occurred_at", &earlier).Error
		if err != nil {
			return err
		}
		sanction, n := rules.SanctionOnVerification(v.OccurredAt, v.Severity, earlier)
		before := v
		err = v.Verify(tx.now, Verification{
			By: a.StaffID, Note: in.Note, Sanction: sanction, WindowCount: n, RuleVersion: version,
			AppealDeadline: tx.now.Add(time.Duration(rules.AppealWindowDays) * 24 * time.Hour),
			Counted:        counted, CarriedOver: carried,
		})
		if err != nil {
			return err
		}
		if err := tx.saveViolation(&before, &v); err != nil {
			return err
		}
		tx.audit("violation.verify", "violation", v.ID, before, v)
		body := fmt.Sprintf("%s（%s）经查实，处分：%s，计入 %s 月考核；可在 %s 前申诉。",
			v.Type.Label("zh"), v.Severity.Label("zh"), sanctionLabel(v.Sanction), counted,
			v.AppealDeadline.In(tx.store.loc).Format("2006-01-02 15:04"))
		if err := tx.robotViolation(RobotViolationVerified, &v, "违规记录已查实"); err != nil {
			return err
		}
		if err := tx.notify(v.StaffID, NotifyVerification, "违规记录已查实", body, "violation", v.ID); err != nil {
			return err
		}
		return tx.notifySupervisorOf(a, &v, "已查实")
	})
	return v, err
}

func sanctionLabel(s scoring.Sanction) string {
	if s == scoring.SanctionNone {
		return "无"
	}
	return s.Label("zh")
}

// DismissViolation marks a reported violation dismissed (HR or admin) with
// a required note; it never counts.
func (s *Store) DismissViolation(ctx context.Context, a Actor, id int64, in DecisionInput) (Violation, error) {
	if err := in.validate(true); err != nil {
		return Violation{}, err
	}
	var v Violation
	err := s.write(ctx, a, func(tx *Tx) error {
		var err error
		if v, err = tx.violationInScope(a, id, true); err != nil {
			return err
		}
		if err := notAboutSelf(a, &v, "dismiss it"); err != nil {
			return err
		}
		before := v
		if err := v.Dismiss(tx.now, a.StaffID, in.Note); err != nil {
			return err
		}
		if err := tx.saveViolation(&before, &v); err != nil {
			return err
		}
		tx.audit("violation.dismiss", "violation", v.ID, before, v)
		return tx.notifySupervisorOf(a, &v, "已驳回")
	})
	return v, err
}

// AppealInput is a staff member's appeal.
type AppealInput struct {
	Explanation string `json:"explanation"`
}

// AppealViolation records the staff member's own appeal of a verified
// violation, with an explanation, before the appeal deadline.
func (s *Store) AppealViolation(ctx context.Context, a Actor, id int64, in AppealInput) (Violation, error) {
	in.Explanation = strings.TrimSpace(in.Explanation)
	var val Validation
	val.Check(in.Explanation != "", "explanation", "is required")
	val.Check(utf8.RuneCountInString(in.Explanation) <= maxConductText, "explanation", "must be at most %d characters", maxConductText)
	if err := val.Err(); err != nil {
		return Violation{}, err
	}
	var v Violation
	err := s.write(ctx, a, func(tx *Tx) error {
		var err error
		if v, err = tx.violationInScope(a, id, true); err != nil {
			return err
		}
		if err := mayAppeal(a, &v); err != nil {
			return err
		}
		before := v
		if err := v.Appeal(tx.now, in.Explanation); err != nil {
			return err
		}
		if err := tx.saveViolation(&before, &v); err != nil {
			return err
		}
		tx.audit("violation.appeal", "violation", v.ID, before, v)
		if err := tx.violationQueued(a, &v, "violation.appealed"); err != nil {
			return err
		}
		return tx.notifySupervisorOf(a, &v, "被申诉")
	})
	return v, err
}

// AppealDecisionInput is HR's decision on an appeal: upheld keeps the
// violation counting, overturned stops it.
type AppealDecisionInput struct {
	Upheld *bool  `json:"upheld"`
	Note   string `json:"note"`
}

// DecideAppeal upholds or overturns an appealed violation (HR or admin,
// never the staff member concerned nor its reporter). Overturned, it stops
// counting; if the month it counted in is already closed, its points come back as a
// correction in the first open month after it. The staff member is notified.
func (s *Store) DecideAppeal(ctx context.Context, a Actor, id int64, in AppealDecisionInput) (Violation, error) {
	in.Note = strings.TrimSpace(in.Note)
	var val Validation
	val.Check(in.Upheld != nil, "upheld", "is required (true upholds the violation, false overturns it)")
	val.Check(in.Note != "", "note", "is required")
	val.Check(utf8.RuneCountInString(in.Note) <= maxConductText, "note", "must be at most %d characters", maxConductText)
	if err := val.Err(); err != nil {
		return Violation{}, err
	}
	var v Violation
	err := s.write(ctx, a, func(tx *Tx) error {
		var err error
		if v, err = tx.violationInScope(a, id, true); err != nil {
			return err
		}
		if err := fourEyes(a, &v, "decide the appeal on"); err != nil {
			return err
		}
		if v.State != ViolationAppealed {
			return violationWrongState(&v, "decided on appeal")
		}
		var correction *scoring.Month
		var points float64
		if !*in.Upheld && v.CountedMonth != nil {
			if correction, points, err = tx.correctionFor(&v); err != nil {
				return err
			}
		}
		before := v
		if err := v.DecideAppeal(tx.now, a.StaffID, *in.Upheld, in.Note, correction, points); err != nil {
			return err
		}
		if err := tx.saveViolation(&before, &v); err != nil {
			return err
		}
		tx.audit("violation.appeal_decision", "violation", v.ID, before, v)
		title, body := "申诉结果：维持原处理", fmt.Sprintf("您对违规记录（%s）的申诉经复核维持原处理。", v.Type.Label("zh"))
		if !*in.Upheld {
			title, body = "申诉结果：撤销违规记录", fmt.Sprintf("您对违规记录（%s）的申诉成立，该记录已撤销，不再扣分。", v.Type.Label("zh"))
			if correction != nil {
				body += fmt.Sprintf("所扣 %s 分在 %s 月考核中返还。", scoringNumber(points), correction)
			}
		}
		if err := tx.robotViolation(RobotAppealDecided, &v, title); err != nil {
			return err
		}
		if err := tx.notify(v.StaffID, NotifyAppealDecision, title, body, "violation", v.ID); err != nil {
			return err
		}
		what := "申诉已维持"
		if !*in.Upheld {
			what = "申诉已撤销"
		}
		return tx.notifySupervisorOf(a, &v, what)
	})
	return v, err
}

// correctionFor decides where an overturned violation's points come back:
// nowhere (nil) when its counted month is still open, since it simply stops
// counting there; else in the first open month after it, worth what it
// deducted under the rules the closed month was closed with.
func (tx *Tx) correctionFor(v *Violation) (*scoring.Month, float64, error) {
	counted, err := scoring.ParseMonth(*v.CountedMonth)
	if err != nil {
		return nil, 0, err
	}
	p, err := tx.lockPeriod(counted)
	if err != nil || p.State != PeriodClosed {
		return nil, 0, err
	}
	version := BuiltinRuleVersion
	if p.RuleVersion != nil {
		version = *p.RuleVersion
	}
	rv, err := tx.ruleVersion(version)
	if err != nil {
		return nil, 0, err
	}
	month, _, err := tx.firstOpenFrom(counted)
	if err != nil {
		return nil, 0, err
	}
	return &month, scoring.RoundScore(rv.Rules.Deduction(v.Type, v.Severity)), nil
}

// scoringNumber prints points without trailing zeros.
func scoringNumber(x float64) string {
	return strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%.2f", x), "0"), ".")
}

// SLABreach describes a breached SLA clock that must become a violation.
type SLABreach struct {
	// Clock identifies the clock uniquely, e.g. "referral:12:contact"; the
	// unique key on it makes raising idempotent across scans and instances.
	Clock       string
	StaffID     int64
	Type        scoring.ViolationType
	OccurredAt  time.Time // the deadline that passed
	InquiryID   int64
	Description string
}

// raiseSLAViolation records a reported violation with source sla for a
// breached clock, exactly once per clock: a second call for the same clock
// (from another scan or another instance) finds the unique key taken and
// reports created=false without failing the transaction.
func (tx *Tx) raiseSLAViolation(b SLABreach) (Violation, bool, error) {
	var existing Violation
	err := tx.db.Where("sla_clock = ?", b.Clock).Take(&existing).Error
	if err == nil {
		return existing, false, nil
	}
	if !errors.Is(err, gorm.ErrRecordNotFound) {
		return existing, false, err
	}
	clock := b.Clock
	inquiry := b.InquiryID
	v := Violation{
		StaffID: b.StaffID, Type: b.Type, Severity: scoring.SeverityMinor,
		OccurredAt: b.OccurredAt.UTC().Truncate(time.Millisecond), Description: b.Description,
		Source: SourceSLA, SLAClock: &clock, State: ViolationReported,
		CreatedAt: tx.now, UpdatedAt: tx.now,
	}
	if inquiry != 0 {
		v.InquiryID = &inquiry
	}
	// A savepoint keeps the surrounding transaction usable on MySQL and
	// SQLite alike when the insert loses a race on the unique key.
	err = tx.db.Transaction(func(sp *gorm.DB) error { return sp.Create(&v).Error })
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		return existing, false, nil
	}
	if err == nil {
		err = tx.violationChanged(nil, &v)
	}
	if err != nil {
		return v, false, err
	}
	tx.audit("violation.raise", "violation", v.ID, nil, v)
	return v, true, tx.violationQueued(System(""), &v, "violation.reported")
}
