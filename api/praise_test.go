package api

import (
	"net/http"
	"testing"
	"time"
)

type praiseBody struct {
	ID              int64   `json:"id"`
	StaffID         int64   `json:"staff_id"`
	Kind            string  `json:"kind"`
	RecordedBy      *int64  `json:"recorded_by"`
	CountedMonth    string  `json:"counted_month"`
	CarriedOverFrom *string `json:"carried_over_from"`
}

// praise records a praise through the API.
func (e *testEnv) praise(recorder, target, kind string, occurred time.Time) praiseBody {
	e.t.Helper()
	var p praiseBody
	e.as(recorder, "POST", "/api/v1/praises", map[string]any{"staff_id": e.users[target].ID, "kind": kind,
		"occurred_at": occurred.Format(time.RFC3339), "reason": "helped a visitor find the right window"}).
		want(http.StatusCreated).decode(&p)
	return p
}

func TestPraise(t *testing.T) {
	e := newTestEnv(t)
	occurred := e.clock.Now().Add(-time.Hour)

	t.Run("Record", func(t *testing.T) {
		e.t = t
		p := e.praise("supA", "staffA1", "supervisor_praise", occurred)
		if p.CountedMonth != "2026-10" || p.CarriedOverFrom != nil || p.RecordedBy == nil || *p.RecordedBy != e.users["supA"].ID {
			t.Fatalf("praise: %+v", p)
		}
		if e.auditCount("praise", p.ID) != 1 {
			t.Fatal("praise not audited")
		}
		e.praise("hr", "staffB", "visitor_commendation", occurred)
	})

	t.Run("Validation", func(t *testing.T) {
		e.t = t
		for _, body := range []map[string]any{
			{"staff_id": e.users["staffA"].ID, "kind": "medal", "occurred_at": occurred.Format(time.RFC3339), "reason": "x"},
			{"staff_id": e.users["staffA"].ID, "kind": "supervisor_praise", "occurred_at": occurred.Format(time.RFC3339)},
			{"staff_id": e.users["staffA"].ID, "kind": "supervisor_praise", "reason": "x"},
			{"staff_id": e.users["staffB"].ID, "kind": "supervisor_praise", "occurred_at": occurred.Format(time.RFC3339), "reason": "out of scope"},
		} {
			e.as("supA", "POST", "/api/v1/praises", body).wantError(http.StatusUnprocessableEntity, "invalid")
		}
	})

	t.Run("Scope", func(t *testing.T) {
		e.t = t
		var l List[praiseBody]
		e.as("supA", "GET", "/api/v1/praises", nil).want(http.StatusOK).decode(&l)
		if l.Total != 1 || l.Items[0].StaffID != e.users["staffA1"].ID {
			t.Fatalf("supA sees %+v", l)
		}
		e.as("hr", "GET", "/api/v1/praises?month=2026-10&kind=visitor_commendation", nil).want(http.StatusOK).decode(&l)
		if l.Total != 1 || l.Items[0].StaffID != e.users["staffB"].ID {
			t.Fatalf("hr filtered sees %+v", l)
		}
		e.as("hr", "GET", "/api/v1/praises?month=10-2026", nil).wantError(http.StatusUnprocessableEntity, "invalid")
	})
}
