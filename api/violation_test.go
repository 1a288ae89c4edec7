package api

import (
	"net/http"
	"testing"
	"time"

	"firstask/models"
)

type violationBody struct {
	ID              int64      `json:"id"`
	StaffID         int64      `json:"staff_id"`
	State           string     `json:"state"`
	Source          string     `json:"source"`
	Sanction        string     `json:"sanction"`
	WindowCount     int        `json:"window_count"`
	RuleVersion     *int64     `json:"rule_version"`
	ReportedBy      *int64     `json:"reported_by"`
	VerifiedBy      *int64     `json:"verified_by"`
	VerifiedAt      *time.Time `json:"verified_at"`
	AppealDeadline  *time.Time `json:"appeal_deadline"`
	AppealText      *string    `json:"appeal_text"`
	CountedMonth    *string    `json:"counted_month"`
	CarriedOverFrom *string    `json:"carried_over_from"`
	CorrectionMonth *string    `json:"correction_month"`
	CorrectionPts   *float64   `json:"correction_points"`
}

// report files a violation through the API and returns it.
func (e *testEnv) report(reporter, target, typ, severity string, occurred time.Time) violationBody {
	e.t.Helper()
	var v violationBody
	e.as(reporter, "POST", "/api/v1/violations", map[string]any{
		"staff_id": e.users[target].ID, "type": typ, "severity": severity,
		"occurred_at": occurred.Format(time.RFC3339), "description": typ + " at the front desk", "evidence": "call recording 42",
	}).want(http.StatusCreated).decode(&v)
	return v
}

// verify verifies a violation through the API as user.
func (e *testEnv) verify(user string, vid int64) violationBody {
	e.t.Helper()
	var v violationBody
	e.as(user, "POST", "/api/v1/violations/"+id(vid)+"/verify", map[string]any{"note": "confirmed"}).want(http.StatusOK).decode(&v)
	return v
}

// inbox reads a user's notifications, newest first, straight from the table.
func (e *testEnv) inbox(user string) []models.Notification {
	e.t.Helper()
	db, err := e.store.SQLDB()
	if err != nil {
		e.t.Fatal(err)
	}
	rows, err := db.Query("SELECT kind, entity, entity_id, title FROM notifications WHERE staff_id = ? ORDER BY id DESC", e.users[user].ID)
	if err != nil {
		e.t.Fatal(err)
	}
	defer rows.Close()
	var out []models.Notification
	for rows.Next() {
		var n models.Notification
		if err := rows.Scan(&n.Kind, &n.Entity, &n.EntityID, &n.Title); err != nil {
			e.t.Fatal(err)
		}
		out = append(out, n)
	}
	return out
}

func TestViolationReportValidation(t *testing.T) {
	e := newTestEnv(t)
	now := e.clock.Now()
	cases := map[string]struct {
		body  map[string]any
		field string
	}{
		"MissingStaff":  {map[string]any{"type": "late_referral", "severity": "minor", "occurred_at": now.Format(time.RFC3339)}, "staff_id"},
		"BadType":       {map[string]any{"staff_id": e.users["staffA"].ID, "type": "late", "severity": "minor", "occurred_at": now.Format(time.RFC3339)}, "type"},
		"BadSeverity":   {map[string]any{"staff_id": e.users["staffA"].ID, "type": "late_referral", "severity": "grave", "occurred_at": now.Format(time.RFC3339)}, "severity"},
		"NoOccurredAt":  {map[string]any{"staff_id": e.users["staffA"].ID, "type": "late_referral", "severity": "minor"}, "occurred_at"},
		"Future":        {map[string]any{"staff_id": e.users["staffA"].ID, "type": "late_referral", "severity": "minor", "occurred_at": now.Add(time.Hour).Format(time.RFC3339)}, "occurred_at"},
		"OtherNoText":   {map[string]any{"staff_id": e.users["staffA"].ID, "type": "other", "severity": "minor", "occurred_at": now.Format(time.RFC3339)}, "description"},
		"SourceSLA":     {map[string]any{"staff_id": e.users["staffA"].ID, "type": "late_referral", "severity": "minor", "occurred_at": now.Format(time.RFC3339), "source": "sla"}, "source"},
		"OutOfScope":    {map[string]any{"staff_id": e.users["staffB"].ID, "type": "late_referral", "severity": "minor", "occurred_at": now.Format(time.RFC3339)}, "staff_id"},
		"Self":          {map[string]any{"staff_id": e.users["supA"].ID, "type": "late_referral", "severity": "minor", "occurred_at": now.Format(time.RFC3339)}, "staff_id"},
		"UnknownStaff":  {map[string]any{"staff_id": 99999, "type": "late_referral", "severity": "minor", "occurred_at": now.Format(time.RFC3339)}, "staff_id"},
		"UnknownField":  {map[string]any{"staff_id": e.users["staffA"].ID, "type": "late_referral", "severity": "minor", "occurred_at": now.Format(time.RFC3339), "state": "verified"}, "state"},
		"BadInquiryRef": {map[string]any{"staff_id": e.users["staffA"].ID, "type": "late_referral", "severity": "minor", "occurred_at": now.Format(time.RFC3339), "inquiry_id": -1}, "inquiry_id"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			e.t = t
			d := e.as("supA", "POST", "/api/v1/violations", c.body).wantError(http.StatusUnprocessableEntity, "invalid")
			found := false
			for _, p := range d.Details {
				if p.(map[string]any)["field"] == c.field {
					found = true
				}
			}
			if !found {
				t.Fatalf("no problem at %s: %+v", c.field, d)
			}
		})
	}
	t.Run("VisitorComplaint", func(t *testing.T) {
		e.t = t
		var v violationBody
		e.as("hr", "POST", "/api/v1/violations", map[string]any{"staff_id": e.users["staffB"].ID, "type": "rude_or_forbidden_phrase",
			"severity": "ordinary", "occurred_at": now.Add(-time.Hour).Format(time.RFC3339), "source": "visitor_complaint",
			"description": "said 不归我们管"}).want(http.StatusCreated).decode(&v)
		if v.Source != "visitor_complaint" || v.State != "reported" || v.ReportedBy == nil || *v.ReportedBy != e.users["hr"].ID || v.CountedMonth != nil {
			t.Fatalf("reported: %+v", v)
		}
		if e.auditCount("violation", v.ID) != 1 {
			t.Fatal("report not audited")
		}
	})
}

func TestViolationLifecycle(t *testing.T) {
	e := newTestEnv(t)
	occurred := e.clock.Now().Add(-3 * time.Hour)

	t.Run("VerifyFixesSanctionAndNotifies", func(t *testing.T) {
		e.t = t
		v := e.report("supA", "staffA", "late_referral", "minor", occurred)
		got := e.verify("hr", v.ID)
		if got.State != "verified" || got.Sanction != "education" || got.WindowCount != 1 || got.RuleVersion == nil || *got.RuleVersion != 1 ||
			got.CountedMonth == nil || *got.CountedMonth != "2026-10" || got.CarriedOverFrom != nil || got.VerifiedBy == nil || *got.VerifiedBy != e.users["hr"].ID {
			t.Fatalf("verified: %+v", got)
		}
		if want := e.clock.Now().Add(7 * 24 * time.Hour); got.AppealDeadline == nil || !got.AppealDeadline.Equal(want) {
			t.Fatalf("appeal deadline %v, want %v", got.AppealDeadline, want)
		}
		if items := e.inbox("staffA"); len(items) != 1 || items[0].Kind != models.NotifyVerification || items[0].EntityID != v.ID {
			t.Fatalf("notifications: %+v", items)
		}
		if n := e.auditCount("violation", v.ID); n != 2 {
			t.Fatalf("audit entries %d, want 2 (report, verify)", n)
		}
		// The second in the window is a verbal warning; a serious one at least written.
		second := e.verify("admin", e.report("supA", "staffA", "cold_or_uninformed", "ordinary", occurred.Add(time.Minute)).ID)
		if second.Sanction != "verbal_warning" || second.WindowCount != 2 {
			t.Fatalf("second: %+v", second)
		}
		serious := e.verify("admin", e.report("supA", "staffA1", "buck_passing", "serious", occurred).ID)
		if serious.Sanction != "written_warning" || serious.WindowCount != 1 {
			t.Fatalf("serious first: %+v", serious)
		}
	})

	t.Run("FourEyes", func(t *testing.T) {
		e.t = t
		v := e.report("hr", "staffB", "no_feedback", "minor", occurred)
		e.as("hr", "POST", "/api/v1/violations/"+id(v.ID)+"/verify", nil).wantError(http.StatusForbidden, "forbidden")
		// Nor may anyone verify a violation about themselves.
		own := e.report("admin", "hr", "no_feedback", "minor", occurred)
		e.as("hr", "POST", "/api/v1/violations/"+id(own.ID)+"/verify", nil).wantError(http.StatusForbidden, "forbidden")
		if got := e.verify("admin", v.ID); got.State != "verified" {
			t.Fatalf("admin verifying hr's report: %+v", got)
		}
	})

	t.Run("WrongStateWritesNothing", func(t *testing.T) {
		e.t = t
		v := e.report("supA", "staffA1", "incomplete_record", "minor", occurred)
		e.as("hr", "POST", "/api/v1/violations/"+id(v.ID)+"/appeal-decision", map[string]any{"upheld": true, "note": "n"}).wantError(http.StatusConflict, "conflict")
		e.as("staffA1", "POST", "/api/v1/violations/"+id(v.ID)+"/appeal", map[string]any{"explanation": "x"}).wantError(http.StatusConflict, "conflict")
		e.verify("hr", v.ID)
		before := e.auditCount("violation", v.ID)
		e.as("admin", "POST", "/api/v1/violations/"+id(v.ID)+"/verify", nil).wantError(http.StatusConflict, "conflict")
		e.as("admin", "POST", "/api/v1/violations/"+id(v.ID)+"/dismiss", map[string]any{"note": "n"}).wantError(http.StatusConflict, "conflict")
		if after := e.auditCount("violation", v.ID); after != before {
			t.Fatalf("audit entries %d → %d after refused transitions", before, after)
		}
		d := e.report("supA", "staffA1", "incomplete_record", "minor", occurred)
		e.as("hr", "POST", "/api/v1/violations/"+id(d.ID)+"/dismiss", map[string]any{}).wantError(http.StatusUnprocessableEntity, "invalid")
		var dismissed violationBody
		e.as("hr", "POST", "/api/v1/violations/"+id(d.ID)+"/dismiss", map[string]any{"note": "no evidence"}).want(http.StatusOK).decode(&dismissed)
		if dismissed.State != "dismissed" || dismissed.CountedMonth != nil {
			t.Fatalf("dismissed: %+v", dismissed)
		}
		e.as("hr", "POST", "/api/v1/violations/"+id(d.ID)+"/verify", nil).wantError(http.StatusConflict, "conflict")
		e.as("hr", "POST", "/api/v1/violations/999999/verify", nil).wantError(http.StatusNotFound, "not_found")
	})

	t.Run("Appeal", func(t *testing.T) {
		e.t = t
		v := e.verify("hr", e.report("supA", "staffA1", "late_contact", "minor", occurred).ID)
		path := "/api/v1/violations/" + id(v.ID)
		e.as("staffA1", "POST", path+"/appeal", map[string]any{"explanation": "  "}).wantError(http.StatusUnprocessableEntity, "invalid")
		e.as("staffB", "POST", path+"/appeal", map[string]any{"explanation": "me"}).wantError(http.StatusNotFound, "not_found")
		e.as("supA", "POST", path+"/appeal", map[string]any{"explanation": "for them"}).wantError(http.StatusForbidden, "forbidden")
		var appealed violationBody
		e.as("staffA1", "POST", path+"/appeal", map[string]any{"explanation": "I was on leave"}).want(http.StatusOK).decode(&appealed)
		if appealed.State != "appealed" || appealed.AppealText == nil || *appealed.AppealText != "I was on leave" {
			t.Fatalf("appealed: %+v", appealed)
		}
		e.as("staffA1", "POST", path+"/appeal", map[string]any{"explanation": "again"}).wantError(http.StatusConflict, "conflict")
		e.as("hr", "POST", path+"/appeal-decision", map[string]any{"note": "n"}).wantError(http.StatusUnprocessableEntity, "invalid")
		e.as("hr", "POST", path+"/appeal-decision", map[string]any{"upheld": true}).wantError(http.StatusUnprocessableEntity, "invalid")
		var upheld violationBody
		e.as("hr", "POST", path+"/appeal-decision", map[string]any{"upheld": true, "note": "absence not recorded"}).want(http.StatusOK).decode(&upheld)
		if upheld.State != "upheld" || upheld.CorrectionMonth != nil {
			t.Fatalf("upheld: %+v", upheld)
		}
		e.as("hr", "POST", path+"/appeal-decision", map[string]any{"upheld": false, "note": "again"}).wantError(http.StatusConflict, "conflict")
		if items := e.inbox("staffA1"); len(items) < 2 || items[0].Kind != models.NotifyAppealDecision {
			t.Fatalf("notifications: %+v", items)
		}
		if n := e.auditCount("violation", v.ID); n != 4 {
			t.Fatalf("audit entries %d, want 4 (report, verify, appeal, decision)", n)
		}
	})

	t.Run("AppealWindow", func(t *testing.T) {
		e.t = t
		inTime := e.verify("hr", e.report("supA", "staffA", "no_feedback", "minor", occurred).ID)
		late := e.verify("hr", e.report("supA", "staffA", "no_feedback", "minor", occurred).ID)
		start := e.clock.Now()
		defer e.moveClock(start)
		e.moveClock(*inTime.AppealDeadline) // the deadline itself is still in time
		e.as("staffA", "POST", "/api/v1/violations/"+id(inTime.ID)+"/appeal", map[string]any{"explanation": "in time"}).want(http.StatusOK)
		e.moveClock(late.AppealDeadline.Add(time.Millisecond))
		e.as("staffA", "POST", "/api/v1/violations/"+id(late.ID)+"/appeal", map[string]any{"explanation": "too late"}).wantError(http.StatusConflict, "conflict")
	})

	t.Run("OverturnedOpenMonthStopsCounting", func(t *testing.T) {
		e.t = t
		v := e.verify("hr", e.report("supB", "staffB", "buck_passing", "ordinary", occurred).ID)
		e.as("staffB", "POST", "/api/v1/violations/"+id(v.ID)+"/appeal", map[string]any{"explanation": "wrong person"}).want(http.StatusOK)
		var over violationBody
		e.as("admin", "POST", "/api/v1/violations/"+id(v.ID)+"/appeal-decision", map[string]any{"upheld": false, "note": "it was a colleague"}).
			want(http.StatusOK).decode(&over)
		if over.State != "overturned" || over.CorrectionMonth != nil || over.CorrectionPts != nil {
			t.Fatalf("overturned in an open month: %+v", over)
		}
		// An overturned violation no longer counts towards the ladder.
		next := e.verify("hr", e.report("supB", "staffB", "late_referral", "minor", occurred.Add(time.Minute)).ID)
		if next.WindowCount != 2 || next.Sanction != "verbal_warning" {
			// staffB already has one verified violation from FourEyes (no_feedback).
			t.Fatalf("ladder after an overturned one: %+v", next)
		}
	})
}

func TestViolationScope(t *testing.T) {
	e := newTestEnv(t)
	a := e.mkViolation("supA", "staffA", stReported)
	a1 := e.mkViolation("supA", "staffA1", stReported)
	b := e.mkViolation("supB", "staffB", stReported)
	ids := func(user, query string) map[int64]bool {
		var l List[violationBody]
		e.as(user, "GET", "/api/v1/violations"+query, nil).want(http.StatusOK).decode(&l)
		out := map[int64]bool{}
		for _, v := range l.Items {
			out[v.ID] = true
		}
		if int(l.Total) != len(l.Items) {
			t.Fatalf("%s: total %d, items %d", user, l.Total, len(l.Items))
		}
		return out
	}
	if got := ids("staffA", ""); len(got) != 1 || !got[a.ID] {
		t.Fatalf("staffA sees %v", got)
	}
	if got := ids("supA", ""); len(got) != 2 || !got[a.ID] || !got[a1.ID] {
		t.Fatalf("supA sees %v", got)
	}
	if got := ids("hr", ""); len(got) != 3 {
		t.Fatalf("hr sees %v", got)
	}
	if got := ids("hr", "?department_id="+id(e.depts["A"].ID)); len(got) != 2 || got[b.ID] {
		t.Fatalf("hr filtering department A sees %v", got)
	}
	if got := ids("supA", "?staff_id="+id(e.users["staffB"].ID)); len(got) != 0 {
		t.Fatalf("supA filtering staffB sees %v", got)
	}
	if got := ids("hr", "?state=reported&type=late_referral&source=supervisor"); len(got) != 3 {
		t.Fatalf("filters: %v", got)
	}
	e.as("hr", "GET", "/api/v1/violations?state=bogus", nil).wantError(http.StatusUnprocessableEntity, "invalid")
	e.as("staffA", "GET", "/api/v1/violations/"+id(a1.ID), nil).wantError(http.StatusNotFound, "not_found")
	e.as("staffA", "GET", "/api/v1/violations/"+id(a.ID), nil).want(http.StatusOK)
	e.as("supA", "GET", "/api/v1/violations/"+id(b.ID), nil).wantError(http.StatusNotFound, "not_found")
	e.as("supA", "GET", "/api/v1/violations/"+id(a1.ID), nil).want(http.StatusOK)
}
