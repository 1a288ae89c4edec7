package models

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"

	"firstask/scoring"
)

// BuiltinRuleVersion is the version number of the default rule set of
// docs/domain.md §3. It is built into the program, never stored, and governs
// every month until a stored version takes effect; stored versions are
// numbered from 2.
const BuiltinRuleVersion int64 = 1

// builtinEffectiveFrom is the month the built-in rules are effective from:
// the first month a scoring.Month can hold.
var builtinEffectiveFrom = scoring.Month{Year: 2000, Mon: time.January}

// RuleSetVersion is one version of the scoring rules, effective from a month.
type RuleSetVersion struct {
	Version       int64           `json:"version"`
	EffectiveFrom scoring.Month   `json:"effective_from"`
	Builtin       bool            `json:"builtin"`
	Note          string          `json:"note"`
	CreatedBy     *int64          `json:"created_by"`
	CreatedAt     *time.Time      `json:"created_at"`
	Rules         scoring.RuleSet `json:"rules"`
}

// ruleSetRow is how a stored version sits in the rule_sets table.
type ruleSetRow struct {
	Version       int64
	EffectiveFrom string
	Rules         string
	Note          string
	CreatedBy     *int64
	CreatedAt     time.Time
}

func (ruleSetRow) TableName() string { return "rule_sets" }

// builtinVersion is the default rule set as version 1.
func builtinVersion() RuleSetVersion {
	return RuleSetVersion{Version: BuiltinRuleVersion, EffectiveFrom: builtinEffectiveFrom, Builtin: true,
		Note: "built-in default rules (PRODUCT.md §3)", Rules: scoring.DefaultRuleSet()}
}

// version decodes a stored row. Stored documents were parsed strictly and
// validated when saved (and are never changed), so a plain decode suffices:
// SLA code reads the rules for every clock it plans.
func (r ruleSetRow) version() (RuleSetVersion, error) {
	m, err := scoring.ParseMonth(r.EffectiveFrom)
	if err != nil {
		return RuleSetVersion{}, err
	}
	var rules scoring.RuleSet
	if err := json.Unmarshal([]byte(r.Rules), &rules); err != nil {
		return RuleSetVersion{}, fmt.Errorf("stored rule set version %d: %w", r.Version, err)
	}
	at := r.CreatedAt
	return RuleSetVersion{Version: r.Version, EffectiveFrom: m, Note: r.Note, CreatedBy: r.CreatedBy, CreatedAt: &at, Rules: rules}, nil
}

// effectiveRuleVersion returns the version that scores month m: of the
// versions effective from m or earlier, the one with the latest
// effective_from, and of several with the same effective_from the highest
// version. So a version planned for a later month is not cancelled by a
// fix posted afterwards for an earlier one. Without any, the built-in
// default (version 1) applies.
func (tx *Tx) effectiveRuleVersion(m scoring.Month) (RuleSetVersion, error) {
	var rows []ruleSetRow
	err := tx.db.Where("effective_from <= ?", m.String()).
		Order("effective_from DESC, version DESC").Limit(1).Find(&rows).Error
	if err != nil {
		return RuleSetVersion{}, err
	}
	if len(rows) == 0 {
		return builtinVersion(), nil
	}
	return rows[0].version()
}

// effectiveRules returns the rule set that scores month m and its version
// number (see effectiveRuleVersion).
func (tx *Tx) effectiveRules(m scoring.Month) (scoring.RuleSet, int64, error) {
	v, err := tx.effectiveRuleVersion(m)
	if err != nil {
		return scoring.RuleSet{}, 0, err
	}
	return v.Rules, v.Version, nil
}

// ruleVersion loads one version by number (1 is the built-in one).
func (tx *Tx) ruleVersion(version int64) (RuleSetVersion, error) {
	if version == BuiltinRuleVersion {
		return builtinVersion(), nil
	}
	var row ruleSetRow
	err := tx.db.Where("version = ?", version).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return RuleSetVersion{}, Errorf(ENotFound, "rule set version %d not found", version)
	}
	if err != nil {
		return RuleSetVersion{}, err
	}
	return row.version()
}

// EffectiveRules returns the rule set version that scores month m.
func (s *Store) EffectiveRules(ctx context.Context, a Actor, m scoring.Month) (RuleSetVersion, error) {
	var out RuleSetVersion
	err := s.read(ctx, a, func(tx *Tx) error {
		var err error
		out, err = tx.effectiveRuleVersion(m)
		return err
	})
	return out, err
}

// ListRuleVersions lists every rule set version, newest first, the built-in
// version 1 last.
func (s *Store) ListRuleVersions(ctx context.Context, a Actor, p Page) ([]RuleSetVersion, int64, error) {
	var out []RuleSetVersion
	var total int64
	err := s.read(ctx, a, func(tx *Tx) error {
		if err := tx.db.Model(&ruleSetRow{}).Count(&total).Error; err != nil {
			return err
		}
		total++ // the built-in version
		var rows []ruleSetRow
		if err := tx.db.Order("version DESC").Offset(p.Offset()).Limit(p.Size).Find(&rows).Error; err != nil {
			return err
		}
		for _, r := range rows {
			v, err := r.version()
			if err != nil {
				return err
			}
			out = append(out, v)
		}
		if int64(p.Offset()+len(rows)) == total-1 && len(rows) < p.Size {
			out = append(out, builtinVersion())
		}
		return nil
	})
	return out, total, err
}

// RuleSetInput is a new rule set version: the month it takes effect from
// and the complete rule set document.
type RuleSetInput struct {
	EffectiveFrom string          `json:"effective_from"`
	Rules         json.RawMessage `json:"rules"`
	Note          string          `json:"note"`
}

// CreateRuleVersion stores a new rule set version. The document is parsed
// strictly (every problem is reported at its path under "rules."), the
// version number is one more than the highest so far, and effective_from may
// not be a month that is already closed: a closed month keeps the rules it
// was closed with.
func (s *Store) CreateRuleVersion(ctx context.Context, a Actor, in RuleSetInput) (RuleSetVersion, error) {
	if err := MayKeepRules(a); err != nil {
		return RuleSetVersion{}, err
	}
	var v Validation
	m, err := scoring.ParseMonth(strings.TrimSpace(in.EffectiveFrom))
	if in.EffectiveFrom == "" {
		v.Add("effective_from", "is required")
	} else if err != nil {
		v.Add("effective_from", "must be a month YYYY-MM")
	}
	note := strings.TrimSpace(in.Note)
	v.Check(utf8.RuneCountInString(note) <= 500, "note", "must be at most 500 characters")
	rules := parseRulesField(&v, in.Rules)
	if err := v.Err(); err != nil {
		return RuleSetVersion{}, err
	}
	// Store the document as parsed, re-encoded, so the stored text is canonical.
	doc, err := json.Marshal(rules)
	if err != nil {
		return RuleSetVersion{}, err
	}
	var out RuleSetVersion
	err = s.write(ctx, a, func(tx *Tx) error {
		closed, err := tx.monthClosed(m)
		if err != nil {
			return err
		}
		if closed {
			return &Error{Code: EConflict, Message: "month " + m.String() + " is closed; a new rule set can take effect from an open month only",
				Details: []any{FieldProblem{Field: "effective_from", Message: "month is closed"}}}
		}
		var maxVersion int64
		if err := tx.db.Model(&ruleSetRow{}).Select("COALESCE(MAX(version), 0)").Scan(&maxVersion).Error; err != nil {
			return err
		}
		row := ruleSetRow{Version: max(maxVersion, BuiltinRuleVersion) + 1, EffectiveFrom: m.String(), Rules: string(doc),
			Note: note, CreatedAt: tx.now}
		if !a.IsSystem() {
			id := a.StaffID
			row.CreatedBy = &id
		}
		if err := tx.db.Create(&row).Error; err != nil {
			if errors.Is(err, gorm.ErrDuplicatedKey) {
				return Errorf(EConflict, "another rule set version was saved at the same time; try again")
			}
			return err
		}
		out, err = row.version()
		if err != nil {
			return err
		}
		tx.audit("rules.create", "rule_set", row.Version, nil, out)
		return nil
	})
	return out, err
}

// parseRulesField parses a rule set document given as the request's "rules"
// strictly, adding every problem to v at its path under "rules." (shared by
// saving a version and previewing a draft, so both refuse the same way).
func parseRulesField(v *Validation, raw json.RawMessage) scoring.RuleSet {
	if len(raw) == 0 || string(raw) == "null" {
		v.Add("rules", "is required")
		return scoring.RuleSet{}
	}
	rules, problems := scoring.ParseRuleSet(raw)
	for _, p := range problems {
		field := "rules"
		if p.Path != "" {
			field += "." + p.Path
		}
		v.Add(field, "%s", p.Message)
	}
	return rules
}
