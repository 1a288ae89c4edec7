package models

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"firstask/scoring"
)

// TestSLARulesFollowTheEffectiveVersion checks that the SLA code reads the
// SLA section of the rule set version in force for the month of an instant.
func TestSLARulesFollowTheEffectiveVersion(t *testing.T) {
	s := openStoreAt(t, time.Date(2026, 10, 2, 2, 0, 0, 0, time.UTC))
	ctx := context.Background()
	rules := scoring.DefaultRuleSet()
	rules.SLA.HandoverWorkingHours = 4
	doc, _ := json.Marshal(rules)
	v, err := s.CreateRuleVersion(ctx, System("t"), RuleSetInput{EffectiveFrom: "2026-10", Rules: doc})
	if err != nil || v.Version != 2 {
		t.Fatalf("create: %+v %v", v, err)
	}
	tx := &Tx{db: s.db, now: s.Now(), store: s}
	for _, c := range []struct {
		at   time.Time
		want float64
	}{
		{time.Date(2026, 9, 30, 15, 59, 0, 0, time.UTC), 2}, // 23:59 on 30 September in Shanghai
		{time.Date(2026, 9, 30, 16, 0, 0, 0, time.UTC), 4},  // midnight, 1 October in Shanghai
		{time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC), 4},
	} {
		sla, err := tx.slaRules(c.at)
		if err != nil || sla.HandoverWorkingHours != c.want {
			t.Errorf("at %v: handover %v (%v), want %v", c.at, sla.HandoverWorkingHours, err, c.want)
		}
	}
	r, version, err := tx.effectiveRules(scoring.Month{Year: 2026, Mon: time.November})
	if err != nil || version != 2 || r.SLA.HandoverWorkingHours != 4 || r.PraiseCap != 10 {
		t.Fatalf("effective rules for November: v%d %+v %v", version, r.SLA, err)
	}
}
