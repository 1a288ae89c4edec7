package api

import (
	"net/http"
	"testing"
	"time"
)

func TestMyConduct(t *testing.T) {
	e := newTestEnv(t)
	occurred := e.clock.Now().Add(-time.Hour)
	reported := e.mkViolation("supA", "staffA", stReported)
	open := e.mkViolation("supA", "staffA", stVerified)
	pending := e.mkViolation("supA", "staffA", stAppealed)
	e.mkViolation("supB", "staffB", stVerified)
	e.praise("supA", "staffA", "supervisor_praise", occurred)

	var c struct {
		Violations []struct {
			ID             int64      `json:"id"`
			State          string     `json:"state"`
			AppealState    string     `json:"appeal_state"`
			CanAppeal      bool       `json:"can_appeal"`
			AppealDeadline *time.Time `json:"appeal_deadline"`
		} `json:"violations"`
		Praise []praiseBody `json:"praise"`
	}
	e.as("staffA", "GET", "/api/v1/me/conduct", nil).want(http.StatusOK).decode(&c)
	if len(c.Violations) != 3 || len(c.Praise) != 1 || c.Praise[0].StaffID != e.users["staffA"].ID {
		t.Fatalf("conduct: %+v", c)
	}
	byID := map[int64]int{}
	for i, v := range c.Violations {
		byID[v.ID] = i
	}
	if v := c.Violations[byID[reported.ID]]; v.AppealState != "not_appealable" || v.CanAppeal {
		t.Fatalf("reported: %+v", v)
	}
	if v := c.Violations[byID[open.ID]]; v.AppealState != "open" || !v.CanAppeal || v.AppealDeadline == nil {
		t.Fatalf("verified: %+v", v)
	}
	if v := c.Violations[byID[pending.ID]]; v.AppealState != "pending" || v.CanAppeal {
		t.Fatalf("appealed: %+v", v)
	}
	e.moveClock(e.clock.Now().Add(8 * 24 * time.Hour))
	e.as("staffA", "GET", "/api/v1/me/conduct", nil).want(http.StatusOK).decode(&c)
	for _, v := range c.Violations {
		if v.ID == open.ID && (v.AppealState != "expired" || v.CanAppeal) {
			t.Fatalf("after the window: %+v", v)
		}
	}
	var empty struct {
		Violations []any `json:"violations"`
		Praise     []any `json:"praise"`
	}
	e.as("staffA1", "GET", "/api/v1/me/conduct", nil).want(http.StatusOK).decode(&empty)
	if empty.Violations == nil || empty.Praise == nil || len(empty.Violations) != 0 {
		t.Fatalf("empty conduct must be empty lists: %+v", empty)
	}
}

func TestScoresPagingAndFilters(t *testing.T) {
	e := newTestEnv(t)
	e.verify("hr", e.report("supA", "staffA1", "buck_passing", "minor", e.clock.Now().Add(-time.Hour)).ID)

	var page scoresPageBody
	e.as("hr", "GET", "/api/v1/periods/2026-10/scores?page_size=2&page=2", nil).want(http.StatusOK).decode(&page)
	if page.Total != 7 || len(page.Items) != 2 || page.Page != 2 || page.PageSize != 2 {
		t.Fatalf("page 2: %+v", page)
	}
	// Ordered by employee number: admin, hr, staffA, staffA1, staffB, supA, supB.
	if page.Items[0].EmployeeNo != "staffA" || page.Items[1].EmployeeNo != "staffA1" || page.Items[1].Deductions != 5 {
		t.Fatalf("page 2 items: %+v", page.Items)
	}
	got, page := e.scoresOf("hr", "2026-10", "&department_id="+id(e.depts["A"].ID))
	if page.Total != 3 || got["staffA1"].DepartmentName != "部门A1" {
		t.Fatalf("department A (with A1): %+v", page)
	}
	got, page = e.scoresOf("supA", "2026-10", "&department_id="+id(e.depts["A1"].ID))
	if page.Total != 1 || got["staffA1"].Final != 95 {
		t.Fatalf("supA filtering A1: %+v", page)
	}
	e.as("hr", "GET", "/api/v1/periods/2026-10/scores?department_id=9999", nil).wantError(http.StatusNotFound, "not_found")
	e.as("hr", "GET", "/api/v1/periods/10-2026/scores", nil).wantError(http.StatusNotFound, "not_found")
	e.as("staffA", "GET", "/api/v1/periods/2026-10/scores", nil).wantError(http.StatusForbidden, "forbidden")
	e.as("hr", "GET", "/api/v1/me/scores?month=2026-1", nil).wantError(http.StatusUnprocessableEntity, "invalid")
}
