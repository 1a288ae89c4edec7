package scoring

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

// defaultDoc returns the default rule set as a generic JSON object, to be edited by a test.
func defaultDoc(t *testing.T) map[string]any {
	t.Helper()
	data, err := json.Marshal(DefaultRuleSet())
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	return doc
}

func TestParseRuleSet(t *testing.T) {
	tests := []struct {
		name    string
		edit    func(doc map[string]any)
		raw     string // used instead of the edited default when set
		paths   []string
		message string // a substring of the first error's message
	}{
		{name: "default", edit: func(map[string]any) {}},
		{name: "unknown top-level key", edit: func(d map[string]any) { d["version"] = 2 },
			paths: []string{"version"}, message: "unknown field"},
		{name: "unknown key in sla", edit: func(d map[string]any) { d["sla"].(map[string]any)["escalate_hours"] = 1 },
			paths: []string{"sla.escalate_hours"}, message: "unknown field"},
		{name: "unknown key in a grade band", edit: func(d map[string]any) {
			d["grades"].([]any)[1].(map[string]any)["colour"] = "green"
		}, paths: []string{"grades[1].colour"}, message: "unknown field"},
		{name: "unknown violation type key", edit: func(d map[string]any) { d["points"].(map[string]any)["lateness"] = 1 },
			paths: []string{"points.lateness"}, message: "unknown violation type"},
		{name: "unknown key and a rule broken", edit: func(d map[string]any) {
			d["extra"] = true
			d["points"].(map[string]any)["buck_passing"] = -5
		}, paths: []string{"extra", "points.buck_passing"}, message: "unknown field"},
		{name: "negative points", edit: func(d map[string]any) { d["points"].(map[string]any)["buck_passing"] = -5 },
			paths: []string{"points.buck_passing"}, message: "negative"},
		{name: "missing type", edit: func(d map[string]any) { delete(d["points"].(map[string]any), "other") },
			paths: []string{"points.other"}, message: "missing"},
		{name: "grade bands out of order", edit: func(d map[string]any) {
			g := d["grades"].([]any)
			g[0], g[1] = g[1], g[0]
		}, paths: []string{"grades[0].grade", "grades[1].grade", "grades[1].min"}},
		{name: "bad ladder", edit: func(d map[string]any) { d["ladder"] = []any{"verbal_warning", "education"} },
			paths: []string{"ladder[1]"}, message: "milder"},
		{name: "missing field reported once", edit: func(d map[string]any) { delete(d, "sla") },
			paths: []string{"sla"}, message: "required field is missing"},
		{name: "missing nested field", edit: func(d map[string]any) { delete(d["sla"].(map[string]any), "reminder_fraction") },
			paths: []string{"sla.reminder_fraction"}, message: "required"},
		{name: "string for a number", edit: func(d map[string]any) { d["repeat_window_days"] = "90" },
			paths: []string{"repeat_window_days"}, message: "must be a whole number, not a string"},
		{name: "fraction for a whole number", edit: func(d map[string]any) { d["appeal_window_days"] = 7.5 },
			paths: []string{"appeal_window_days"}, message: "whole number"},
		{name: "null table", edit: func(d map[string]any) { d["points"] = nil },
			paths: []string{"points"}, message: "must be an object, not null"},
		{name: "object for a list", edit: func(d map[string]any) { d["ladder"] = map[string]any{"1": "education"} },
			paths: []string{"ladder"}, message: "must be an array"},
		{name: "number for a sanction", edit: func(d map[string]any) { d["ladder"] = []any{"education", 3} },
			paths: []string{"ladder[1]"}, message: "must be a string"},
		{name: "string for a point value", edit: func(d map[string]any) { d["points"].(map[string]any)["other"] = "2" },
			paths: []string{"points.other"}, message: "must be a number"},
		{name: "number out of range", edit: func(d map[string]any) { d["default_base"] = json.Number("1e400") }, paths: []string{"default_base"}, message: "in range"},
		{name: "empty document", raw: ``, paths: []string{""}, message: "empty"},
		{name: "not JSON", raw: `{"default_base": 100,}`, paths: []string{""}, message: "invalid JSON at byte"},
		{name: "an array, not an object", raw: `[1, 2]`, paths: []string{""}, message: "must be an object, not an array"},
		{name: "trailing data", raw: `{} {}`, paths: []string{""}, message: "after the JSON object"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := []byte(tt.raw)
			if tt.raw == "" && tt.edit != nil {
				doc := defaultDoc(t)
				tt.edit(doc)
				var err error
				if data, err = json.Marshal(doc); err != nil {
					t.Fatal(err)
				}
			}
			r, errs := ParseRuleSet(data)
			if got := paths(errs); !slices.Equal(got, tt.paths) {
				t.Fatalf("paths = %q, want %q\nerrors: %v", got, tt.paths, errs)
			}
			if tt.message != "" && !strings.Contains(errs[0].Message, tt.message) {
				t.Fatalf("message %q does not contain %q", errs[0].Message, tt.message)
			}
			if len(errs) == 0 && r.DefaultBase != 100 {
				t.Fatalf("parsed rule set lost its values: %#v", r)
			}
		})
	}
}

func TestParseRuleSetReadsValues(t *testing.T) {
	doc := defaultDoc(t)
	doc["default_base"] = 90
	doc["points"].(map[string]any)["buck_passing"] = 6.5
	doc["ladder"] = []any{"verbal_warning", "public_criticism"}
	doc["top_grade_veto"] = ""
	data, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	r, errs := ParseRuleSet(data)
	if len(errs) != 0 {
		t.Fatalf("errors: %v", errs)
	}
	if r.DefaultBase != 90 || r.Points[ViolationBuckPassing] != 6.5 ||
		!slices.Equal(r.Ladder, []Sanction{SanctionVerbalWarning, SanctionPublicCriticism}) || r.TopGradeVeto != SanctionNone {
		t.Fatalf("values not read: %#v", r)
	}
}
