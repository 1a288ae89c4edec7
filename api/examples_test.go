package api

import (
	"net/http"
	"testing"
	"time"

	"firstask/models"
)

type itemBody struct {
	RecordID        int64   `json:"record_id"`
	Kind            string  `json:"kind"`
	Points          float64 `json:"points"`
	RawPoints       float64 `json:"raw_points"`
	Capped          bool    `json:"capped"`
	Sanction        string  `json:"sanction"`
	Reason          string  `json:"reason"`
	CarriedOverFrom *string `json:"carried_over_from"`
}

type scoreBody struct {
	StaffID               int64      `json:"staff_id"`
	EmployeeNo            string     `json:"employee_no"`
	DepartmentName        string     `json:"department_name"`
	Base                  float64    `json:"base"`
	BaseUploaded          bool       `json:"base_uploaded"`
	Deductions            float64    `json:"deductions"`
	PraiseRaw             float64    `json:"praise_raw"`
	Praise                float64    `json:"praise"`
	Corrections           float64    `json:"corrections"`
	Additions             float64    `json:"additions"`
	Final                 float64    `json:"final"`
	Grade                 string     `json:"grade"`
	GradeVetoed           bool       `json:"grade_vetoed"`
	HighestSanction       string     `json:"highest_sanction"`
	BonusDeductionPercent float64    `json:"bonus_deduction_percent"`
	Items                 []itemBody `json:"items"`
}

type scoresPageBody struct {
	List[scoreBody]
	Month       string `json:"month"`
	Status      string `json:"status"`
	RuleVersion int64  `json:"rule_version"`
}

type myScoreBody struct {
	scoreBody
	Month   string `json:"month"`
	Status  string `json:"status"`
	Records []struct {
		Kind   string  `json:"kind"`
		ID     int64   `json:"id"`
		Points float64 `json:"points"`
		State  string  `json:"state"`
		Reason string  `json:"reason"`
	} `json:"records"`
}

// addPerson adds a staff member of department dept who can sign in.
func (e *testEnv) addPerson(key, dept string) {
	e.t.Helper()
	e.users[key] = e.addStaff(key, dept, models.RoleStaff)
	e.tokens[key] = e.login(key)
}

// scoresOf reads a month's scores as user, by employee number.
func (e *testEnv) scoresOf(user, month, query string) (map[string]scoreBody, scoresPageBody) {
	e.t.Helper()
	var page scoresPageBody
	e.as(user, "GET", "/api/v1/periods/"+month+"/scores?page_size=200"+query, nil).want(http.StatusOK).decode(&page)
	out := map[string]scoreBody{}
	for _, s := range page.Items {
		out[s.EmployeeNo] = s
	}
	return out, page
}

// TestWorkedExamples replays docs/domain.md §3's table through the API: bases
// uploaded, violations reported by the supervisor and verified by HR (with
// the clock in September for D's earlier ones), praise recorded.
func TestWorkedExamples(t *testing.T) {
	e := newTestEnv(t)
	for _, p := range []string{"pA", "pB", "pC", "pD", "pE"} {
		e.addPerson(p, "B")
	}
	e.insertBases("2026-10", map[string]float64{"pA": 96, "pD": 98, "pE": 60})
	oct := func(day, hour int) time.Time { return shAt(2026, time.October, day, hour) }
	violation := func(person, typ, severity string, when time.Time, wantSanction string) {
		t.Helper()
		v := e.verify("hr", e.report("supB", person, typ, severity, when).ID)
		if v.Sanction != wantSanction {
			t.Fatalf("%s %s %s: sanction %s, want %s", person, typ, severity, v.Sanction, wantSanction)
		}
	}

	// D's two earlier violations, verified in September.
	october := e.clock.Now()
	e.moveClock(shAt(2026, time.September, 25, 15))
	violation("pD", "late_referral", "minor", shAt(2026, time.September, 8, 10), "education")
	violation("pD", "no_feedback", "minor", shAt(2026, time.September, 22, 15), "verbal_warning")
	e.moveClock(october)

	violation("pA", "late_referral", "minor", oct(2, 10), "education")
	violation("pA", "rude_or_forbidden_phrase", "ordinary", oct(9, 11), "verbal_warning")
	e.praise("supB", "pA", "visitor_commendation", oct(10, 9))
	e.praise("hr", "pA", "supervisor_praise", oct(12, 16))
	for day := 1; day <= 6; day++ {
		e.praise("supB", "pB", "supervisor_praise", oct(day, 14))
	}
	violation("pC", "buck_passing", "serious", oct(7, 10), "written_warning")
	violation("pD", "incomplete_record", "minor", oct(5, 10), "written_warning")
	violation("pE", "late_contact", "serious", oct(1, 10), "written_warning")
	violation("pE", "cold_or_uninformed", "serious", oct(2, 10), "written_warning")
	violation("pE", "buck_passing", "ordinary", oct(3, 10), "written_warning")
	violation("pE", "rude_or_forbidden_phrase", "serious", oct(4, 10), "public_criticism")

	want := map[string]struct {
		base, deductions, praise, final float64
		grade, highest                  string
		vetoed                          bool
		bonus                           float64
	}{
		"pA": {96, 12, 5, 89, "B", "verbal_warning", false, 5},
		"pB": {100, 0, 10, 110, "A", "", false, 0},
		"pC": {100, 20, 0, 80, "C", "written_warning", false, 10},
		"pD": {98, 1, 0, 97, "B", "written_warning", true, 10},
		"pE": {60, 50, 0, 10, "D", "public_criticism", false, 50},
	}
	checkOne := func(t *testing.T, p string, g scoreBody) {
		t.Helper()
		w := want[p]
		if g.Base != w.base || g.Deductions != w.deductions || g.Praise != w.praise || g.Final != w.final ||
			g.Grade != w.grade || g.HighestSanction != w.highest || g.GradeVetoed != w.vetoed || g.BonusDeductionPercent != w.bonus {
			t.Errorf("%s: got base %v deductions %v praise %v final %v grade %s (vetoed %v) highest %q bonus %v; want %+v",
				p, g.Base, g.Deductions, g.Praise, g.Final, g.Grade, g.GradeVetoed, g.HighestSanction, g.BonusDeductionPercent, w)
		}
	}
	check := func(t *testing.T, got map[string]scoreBody) {
		t.Helper()
		for p := range want {
			g, ok := got[p]
			if !ok {
				t.Fatalf("%s missing from the scores", p)
			}
			checkOne(t, p, g)
		}
	}

	t.Run("PeriodScores", func(t *testing.T) {
		e.t = t
		got, page := e.scoresOf("hr", "2026-10", "")
		if page.Status != "provisional" || page.RuleVersion != 1 || page.Month != "2026-10" {
			t.Fatalf("page: %+v", page)
		}
		check(t, got)
		if b := got["pB"]; b.PraiseRaw != 12 || len(b.Items) != 6 || !b.Items[5].Capped || b.Items[5].Points != 0 {
			t.Fatalf("B's praise cap: %+v", b)
		}
		if !got["pA"].BaseUploaded || got["pB"].BaseUploaded {
			t.Fatalf("base_uploaded flags: A %v B %v", got["pA"].BaseUploaded, got["pB"].BaseUploaded)
		}
		// D's September violations count in September, not October.
		if n := len(got["pD"].Items); n != 1 {
			t.Fatalf("D has %d items in October, want 1", n)
		}
		sept, _ := e.scoresOf("hr", "2026-09", "")
		if sept["pD"].Deductions != 4 {
			t.Fatalf("D's September deductions %v, want 4", sept["pD"].Deductions)
		}
	})

	t.Run("Supervisor", func(t *testing.T) {
		e.t = t
		got, page := e.scoresOf("supB", "2026-10", "")
		check(t, got)
		if page.Total != 7 { // supB, staffB and the five people
			t.Fatalf("supB sees %d people", page.Total)
		}
		e.as("supA", "GET", "/api/v1/periods/2026-10/scores?department_id="+id(e.depts["B"].ID), nil).wantError(http.StatusNotFound, "not_found")
		got, _ = e.scoresOf("supA", "2026-10", "")
		if _, ok := got["pA"]; ok || len(got) != 3 {
			t.Fatalf("supA sees %v", got)
		}
	})

	t.Run("MeScores", func(t *testing.T) {
		e.t = t
		for p := range want {
			var me myScoreBody
			e.as(p, "GET", "/api/v1/me/scores?month=2026-10", nil).want(http.StatusOK).decode(&me)
			checkOne(t, p, me.scoreBody)
			if me.Status != "provisional" || len(me.Records) != len(me.Items) {
				t.Fatalf("%s: %+v", p, me)
			}
			for i, r := range me.Records {
				if r.ID != me.Items[i].RecordID || r.Reason == "" || r.State == "" {
					t.Fatalf("%s record %d: %+v vs item %+v", p, i, r, me.Items[i])
				}
			}
		}
		var me myScoreBody
		e.as("pA", "GET", "/api/v1/me/scores", nil).want(http.StatusOK).decode(&me)
		if me.Month != "2026-10" || me.Final != 89 {
			t.Fatalf("default month: %+v", me)
		}
		if me.Items[1].Reason != "rude_or_forbidden_phrase ordinary: −10 (verbal_warning)" {
			t.Fatalf("reason: %q", me.Items[1].Reason)
		}
	})

	t.Run("ClosedSnapshotGivesTheSameFigures", func(t *testing.T) {
		e.t = t
		e.moveClock(shAt(2026, time.November, 2, 10))
		e.as("hr", "POST", "/api/v1/periods/2026-09/close", nil).want(http.StatusOK)
		e.as("hr", "POST", "/api/v1/periods/2026-10/close", nil).want(http.StatusOK)
		got, page := e.scoresOf("hr", "2026-10", "")
		if page.Status != "closed" {
			t.Fatalf("status %s", page.Status)
		}
		check(t, got)
		var me myScoreBody
		e.as("pE", "GET", "/api/v1/me/scores?month=2026-10", nil).want(http.StatusOK).decode(&me)
		if me.Status != "closed" || me.Final != 10 || len(me.Records) != 4 || me.Records[3].State != "verified" {
			t.Fatalf("E closed: %+v", me)
		}
	})
}
