package api

import (
	"encoding/json"
	"net/http"
	"testing"

	"firstask/scoring"
)

// defaultRulesJSON is the default rule set as a generic JSON object, ready
// to be changed by a test.
func defaultRulesJSON(t testing.TB) map[string]any {
	t.Helper()
	b, err := json.Marshal(scoring.DefaultRuleSet())
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

type ruleVersionBody struct {
	Version       int64           `json:"version"`
	EffectiveFrom string          `json:"effective_from"`
	Builtin       bool            `json:"builtin"`
	Rules         scoring.RuleSet `json:"rules"`
}

func TestRules(t *testing.T) {
	e := newTestEnv(t)

	t.Run("BuiltinIsVersion1", func(t *testing.T) {
		e.t = t
		var got ruleVersionBody
		e.as("hr", "GET", "/api/v1/rules", nil).want(http.StatusOK).decode(&got)
		if got.Version != 1 || !got.Builtin || got.EffectiveFrom != "2000-01" || got.Rules.Points["buck_passing"] != 5 {
			t.Fatalf("current rules: %+v", got)
		}
		var versions List[ruleVersionBody]
		e.as("hr", "GET", "/api/v1/rules/versions", nil).want(http.StatusOK).decode(&versions)
		if versions.Total != 1 || len(versions.Items) != 1 || versions.Items[0].Version != 1 {
			t.Fatalf("versions: %+v", versions)
		}
	})

	t.Run("ValidationPaths", func(t *testing.T) {
		e.t = t
		bad := defaultRulesJSON(t)
		bad["points"].(map[string]any)["buck_passing"] = -5
		delete(bad["points"].(map[string]any), "no_feedback")
		bad["grades"].([]any)[1].(map[string]any)["min"] = 99
		bad["surprise"] = true
		bad["sla"].(map[string]any)["foo"] = 1
		errBody := e.as("admin", "POST", "/api/v1/rules", map[string]any{"effective_from": "2026-11", "rules": bad}).
			wantError(http.StatusUnprocessableEntity, "invalid")
		fields := map[string]bool{}
		for _, d := range errBody.Details {
			fields[d.(map[string]any)["field"].(string)] = true
		}
		for _, want := range []string{"rules.points.buck_passing", "rules.points.no_feedback", "rules.surprise", "rules.sla.foo"} {
			if !fields[want] {
				t.Errorf("no problem reported at %s; got %v", want, fields)
			}
		}
		gradeProblem := false
		for f := range fields {
			if len(f) > len("rules.grades") && f[:len("rules.grades")] == "rules.grades" {
				gradeProblem = true
			}
		}
		if !gradeProblem {
			t.Errorf("grade bands out of order not reported: %v", fields)
		}
		e.as("admin", "POST", "/api/v1/rules", map[string]any{"effective_from": "2026-13", "rules": defaultRulesJSON(t)}).
			wantError(http.StatusUnprocessableEntity, "invalid")
		e.as("admin", "POST", "/api/v1/rules", map[string]any{"effective_from": "2026-11"}).
			wantError(http.StatusUnprocessableEntity, "invalid")
	})

	t.Run("VersionsAndEffectiveMonth", func(t *testing.T) {
		e.t = t
		nov := defaultRulesJSON(t)
		nov["praise_cap"] = 8
		var v2, v3 ruleVersionBody
		e.as("admin", "POST", "/api/v1/rules", map[string]any{"effective_from": "2027-01", "rules": nov, "note": "next year"}).
			want(http.StatusCreated).decode(&v2)
		dec := defaultRulesJSON(t)
		dec["praise_cap"] = 6
		e.as("admin", "POST", "/api/v1/rules", map[string]any{"effective_from": "2026-12", "rules": dec}).
			want(http.StatusCreated).decode(&v3)
		if v2.Version != 2 || v3.Version != 3 {
			t.Fatalf("versions %d, %d; want 2, 3", v2.Version, v3.Version)
		}
		for month, want := range map[string]int64{"2026-10": 1, "2026-11": 1, "2026-12": 3, "2027-01": 2, "2028-06": 2} {
			var got ruleVersionBody
			e.as("hr", "GET", "/api/v1/rules?month="+month, nil).want(http.StatusOK).decode(&got)
			if got.Version != want {
				t.Errorf("rules for %s: version %d, want %d", month, got.Version, want)
			}
		}
		var versions List[ruleVersionBody]
		e.as("hr", "GET", "/api/v1/rules/versions?page_size=2", nil).want(http.StatusOK).decode(&versions)
		if versions.Total != 3 || len(versions.Items) != 2 || versions.Items[0].Version != 3 {
			t.Fatalf("versions page 1: %+v", versions)
		}
		e.as("hr", "GET", "/api/v1/rules/versions?page_size=2&page=2", nil).want(http.StatusOK).decode(&versions)
		if len(versions.Items) != 1 || versions.Items[0].Version != 1 || !versions.Items[0].Builtin {
			t.Fatalf("versions page 2: %+v", versions)
		}
		if n := e.auditCount("rule_set", 2); n != 1 {
			t.Fatalf("audit entries for rule set 2: %d", n)
		}
	})
}
