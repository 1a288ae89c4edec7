package api

import (
	"bytes"
	"net/http"
	"testing"
	"time"
)

type periodBody struct {
	Month            string `json:"month"`
	State            string `json:"state"`
	Provisional      bool   `json:"provisional"`
	RuleVersion      int64  `json:"rule_version"`
	ClosedBy         *int64 `json:"closed_by"`
	Headcount        int64  `json:"headcount"`
	CountedPraise    int64  `json:"counted_praise"`
	UndecidedAppeals int64  `json:"undecided_appeals"`
	Corrections      int64  `json:"corrections"`
}

func TestPeriodClose(t *testing.T) {
	e := newTestEnv(t)
	appealed := e.mkViolation("supA", "staffA", stAppealed)

	e.as("hr", "POST", "/api/v1/periods/2026-10/close", nil).wantError(http.StatusConflict, "conflict") // not ended
	e.moveClock(shAt(2026, time.November, 1, 0))
	d := e.as("hr", "POST", "/api/v1/periods/2026-10/close", nil).wantError(http.StatusConflict, "conflict")
	if len(d.Details) != 1 || int64(d.Details[0].(map[string]any)["value"].(float64)) != appealed.ID {
		t.Fatalf("undecided appeals in details: %+v", d)
	}
	var p periodBody
	e.as("hr", "GET", "/api/v1/periods/2026-10", nil).want(http.StatusOK).decode(&p)
	if p.State != "open" || !p.Provisional || p.UndecidedAppeals != 1 || p.Headcount != 7 {
		t.Fatalf("before close: %+v", p)
	}
	e.as("admin", "POST", "/api/v1/violations/"+id(appealed.ID)+"/appeal-decision", map[string]any{"upheld": true, "note": "stands"}).want(http.StatusOK)
	e.as("hr", "POST", "/api/v1/periods/2026-10/close", nil).want(http.StatusOK).decode(&p)
	if p.State != "closed" || p.Provisional || p.RuleVersion != 1 || p.ClosedBy == nil || *p.ClosedBy != e.users["hr"].ID || p.Headcount != 7 {
		t.Fatalf("closed: %+v", p)
	}
	e.as("admin", "POST", "/api/v1/periods/2026-10/close", nil).wantError(http.StatusConflict, "conflict")
	if n := e.auditCount("period", 202610); n != 2 { // opened on first use, closed
		t.Fatalf("period audit entries %d, want 2", n)
	}
	e.as("hr", "POST", "/api/v1/periods/2026-13/close", nil).wantError(http.StatusNotFound, "not_found")

	var l List[periodBody]
	e.as("supA", "GET", "/api/v1/periods", nil).want(http.StatusOK).decode(&l)
	if l.Total != 2 || l.Items[0].Month != "2026-11" || l.Items[0].State != "open" || l.Items[1].Month != "2026-10" || l.Items[1].State != "closed" {
		t.Fatalf("periods: %+v", l)
	}
	e.as("hr", "GET", "/api/v1/periods?state=closed", nil).want(http.StatusOK).decode(&l)
	if l.Total != 1 || l.Items[0].Month != "2026-10" {
		t.Fatalf("closed periods: %+v", l)
	}
	e.as("supA", "GET", "/api/v1/periods/2026-10", nil).want(http.StatusOK).decode(&p)
	if p.Headcount != 3 { // supA, staffA, staffA1
		t.Fatalf("supA's headcount %d", p.Headcount)
	}
}

// TestClosedMonthNeverChanges closes October, then changes everything that
// could move its figures: rules, bases, records arriving late, an appeal
// overturned, a person leaving. October stays as it was; the late records and
// the correction land in November.
func TestClosedMonthNeverChanges(t *testing.T) {
	e := newTestEnv(t)
	e.insertBases("2026-10", map[string]float64{"staffA": 90})
	e.moveClock(shAt(2026, time.October, 31, 10))
	late := e.verify("hr", e.report("supA", "staffA", "buck_passing", "ordinary", shAt(2026, time.October, 30, 10)).ID)
	e.praise("supA", "staffA1", "visitor_commendation", shAt(2026, time.October, 14, 9))
	e.moveClock(shAt(2026, time.November, 1, 9))
	e.as("hr", "POST", "/api/v1/periods/2026-10/close", nil).want(http.StatusOK)
	before := e.as("hr", "GET", "/api/v1/periods/2026-10/scores", nil).want(http.StatusOK).Body
	beforeA, _ := e.scoresOf("hr", "2026-10", "")
	if beforeA["staffA"].Final != 80 || beforeA["staffA1"].Final != 103 {
		t.Fatalf("October as closed: A %+v A1 %+v", beforeA["staffA"], beforeA["staffA1"])
	}

	// New rules cannot take effect in the closed month; from November they can.
	rules := defaultRulesJSON(t)
	rules["points"].(map[string]any)["buck_passing"] = 50
	e.as("admin", "POST", "/api/v1/rules", map[string]any{"effective_from": "2026-10", "rules": rules}).wantError(http.StatusConflict, "conflict")
	e.as("admin", "POST", "/api/v1/rules", map[string]any{"effective_from": "2026-11", "rules": rules}).want(http.StatusCreated)
	// A new upload for October, straight into the tables.
	e.insertBases("2026-10", map[string]float64{"staffA": 10, "staffA1": 10})
	// Records for October arriving now count in November, carried over.
	v := e.verify("hr", e.report("supA", "staffA1", "late_referral", "minor", shAt(2026, time.October, 20, 10)).ID)
	if v.CountedMonth == nil || *v.CountedMonth != "2026-11" || v.CarriedOverFrom == nil || *v.CarriedOverFrom != "2026-10" || v.RuleVersion == nil || *v.RuleVersion != 2 {
		t.Fatalf("late verification: %+v", v)
	}
	p := e.praise("supA", "staffA1", "supervisor_praise", shAt(2026, time.October, 21, 10))
	if p.CountedMonth != "2026-11" || p.CarriedOverFrom == nil || *p.CarriedOverFrom != "2026-10" {
		t.Fatalf("late praise: %+v", p)
	}
	// The buck_passing of 30 October is appealed within its window and overturned.
	e.as("staffA", "POST", "/api/v1/violations/"+id(late.ID)+"/appeal", map[string]any{"explanation": "not me"}).want(http.StatusOK)
	var over violationBody
	e.as("admin", "POST", "/api/v1/violations/"+id(late.ID)+"/appeal-decision", map[string]any{"upheld": false, "note": "camera shows a colleague"}).
		want(http.StatusOK).decode(&over)
	if over.State != "overturned" || over.CorrectionMonth == nil || *over.CorrectionMonth != "2026-11" || over.CorrectionPts == nil || *over.CorrectionPts != 10 {
		t.Fatalf("overturned after close: %+v", over)
	}
	// staffB leaves.
	e.as("hr", "PATCH", "/api/v1/staff/"+id(e.users["staffB"].ID), map[string]any{"active": false}).want(http.StatusOK)

	after := e.as("hr", "GET", "/api/v1/periods/2026-10/scores", nil).want(http.StatusOK).Body
	if !bytes.Equal(before, after) {
		t.Fatalf("October changed after close:\nbefore %s\nafter  %s", before, after)
	}

	nov, page := e.scoresOf("hr", "2026-11", "")
	if page.Status != "provisional" || page.RuleVersion != 2 {
		t.Fatalf("November page: %+v", page)
	}
	a, a1 := nov["staffA"], nov["staffA1"]
	if a.Corrections != 10 || a.Final != 110 || len(a.Items) != 1 || a.Items[0].Kind != "correction" || a.Items[0].CarriedOverFrom == nil || *a.Items[0].CarriedOverFrom != "2026-10" {
		t.Fatalf("A in November: %+v", a)
	}
	if a1.Deductions != 2 || a1.Praise != 2 || a1.Final != 100 || len(a1.Items) != 2 || a1.Items[0].CarriedOverFrom == nil {
		t.Fatalf("A1 in November: %+v", a1)
	}
	if _, ok := nov["staffB"]; ok {
		t.Fatal("an inactive person is scored in an open month")
	}
	var pd periodBody
	e.as("hr", "GET", "/api/v1/periods/2026-11", nil).want(http.StatusOK).decode(&pd)
	if pd.Corrections != 1 || pd.CountedPraise != 1 || pd.RuleVersion != 2 {
		t.Fatalf("November detail: %+v", pd)
	}
}
