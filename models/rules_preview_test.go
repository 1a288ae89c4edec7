package models

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"firstask/scoring"
)

// TestRuleAccess: HR and admin preview drafts, only the admin (and the
// system) saves versions; refused callers change nothing.
func TestRuleAccess(t *testing.T) {
	s := openStoreAt(t, time.Date(2026, 10, 2, 2, 0, 0, 0, time.UTC))
	ctx := context.Background()
	doc, _ := json.Marshal(scoring.DefaultRuleSet())
	for _, c := range []struct {
		role             Role
		preview, keep    bool
		previewErr, save string
	}{
		{RoleStaff, false, false, EForbidden, EForbidden},
		{RoleSupervisor, false, false, EForbidden, EForbidden},
		{RoleHR, true, false, "", EForbidden},
		{RoleAdmin, true, true, "", ""},
	} {
		a := Actor{StaffID: 1, Role: c.role, DepartmentID: 1}
		if got := MayPreviewRules(a) == nil; got != c.preview {
			t.Errorf("%s may preview: %v", c.role, got)
		}
		if got := MayKeepRules(a) == nil; got != c.keep {
			t.Errorf("%s may keep rules: %v", c.role, got)
		}
		_, err := s.PreviewRules(ctx, a, RulePreviewInput{Rules: doc, Months: []string{"2026-09"}}, PreviewOptions{})
		if ErrorCode(err) != c.previewErr {
			t.Errorf("%s previews: %v", c.role, err)
		}
		if c.save != "" {
			if _, err := s.CreateRuleVersion(ctx, a, RuleSetInput{EffectiveFrom: "2026-11", Rules: doc}); ErrorCode(err) != c.save {
				t.Errorf("%s saves: %v", c.role, err)
			}
		}
	}
	if MayKeepRules(System("t")) != nil {
		t.Error("the system may not keep rules")
	}
	versions, total, err := s.ListRuleVersions(ctx, System("t"), Page{Number: 1, Size: 10})
	if err != nil || total != 1 || len(versions) != 1 || !versions[0].Builtin {
		t.Fatalf("refused saves left versions: %d %+v %v", total, versions, err)
	}
}
