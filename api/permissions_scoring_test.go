package api

import (
	"net/http"
	"time"
)

// Permission cases of the conduct and scoring routes (issue 4).
func init() {
	ok, created := http.StatusOK, http.StatusCreated
	forbidden, notFound := http.StatusForbidden, http.StatusNotFound
	add := func(key string, pc permCase) { permissionCases[key] = pc }
	occurred := func(e *testEnv) string { return e.clock.Now().Add(-2 * time.Hour).Format(time.RFC3339) }

	add("POST /api/v1/violations", permCase{
		build: func(e *testEnv, role string) (string, any) {
			return "/api/v1/violations", map[string]any{"staff_id": e.users["staffA1"].ID, "type": "buck_passing",
				"severity": "ordinary", "occurred_at": occurred(e), "description": "passed the buck"}
		},
		want: expect(forbidden, created, created, created)})
	add("GET /api/v1/violations", permCase{build: fixed("/api/v1/violations", nil), want: expect(ok, ok, ok, ok)})
	// A violation of staffB (department B): out of staffA's and supA's scope.
	add("GET /api/v1/violations/:id", permCase{
		build: func(e *testEnv, role string) (string, any) {
			return "/api/v1/violations/" + id(e.mkViolation("supB", "staffB", stReported).ID), nil
		},
		want: expect(notFound, notFound, ok, ok)})
	add("POST /api/v1/violations/:id/verify", permCase{
		build: func(e *testEnv, role string) (string, any) {
			return "/api/v1/violations/" + id(e.mkViolation("supA", "staffA1", stReported).ID) + "/verify", map[string]any{"note": "checked the recording"}
		},
		want: expect(forbidden, forbidden, ok, ok)})
	add("POST /api/v1/violations/:id/dismiss", permCase{
		build: func(e *testEnv, role string) (string, any) {
			return "/api/v1/violations/" + id(e.mkViolation("supA", "staffA1", stReported).ID) + "/dismiss", map[string]any{"note": "not confirmed"}
		},
		want: expect(forbidden, forbidden, ok, ok)})
	// Only the staff member concerned appeals: supA sees the violation but may not.
	add("POST /api/v1/violations/:id/appeal", permCase{
		build: func(e *testEnv, role string) (string, any) {
			return "/api/v1/violations/" + id(e.mkViolation("supA", "staffA", stVerified).ID) + "/appeal", map[string]any{"explanation": "the visitor left early"}
		},
		want: expect(ok, forbidden, forbidden, forbidden)})
	add("POST /api/v1/violations/:id/appeal-decision", permCase{
		build: func(e *testEnv, role string) (string, any) {
			return "/api/v1/violations/" + id(e.mkViolation("supA", "staffA", stAppealed).ID) + "/appeal-decision", map[string]any{"upheld": true, "note": "recording confirms it"}
		},
		want: expect(forbidden, forbidden, ok, ok)})
	add("POST /api/v1/praises", permCase{
		build: func(e *testEnv, role string) (string, any) {
			return "/api/v1/praises", map[string]any{"staff_id": e.users["staffA1"].ID, "kind": "visitor_commendation",
				"occurred_at": occurred(e), "reason": "锦旗"}
		},
		want: expect(forbidden, created, created, created)})
	add("GET /api/v1/praises", permCase{build: fixed("/api/v1/praises", nil), want: expect(forbidden, ok, ok, ok)})
	add("GET /api/v1/rules", permCase{build: fixed("/api/v1/rules", nil), want: expect(forbidden, forbidden, ok, ok)})
	add("GET /api/v1/rules/versions", permCase{build: fixed("/api/v1/rules/versions", nil), want: expect(forbidden, forbidden, ok, ok)})
	add("POST /api/v1/rules", permCase{
		build: func(e *testEnv, role string) (string, any) {
			return "/api/v1/rules", map[string]any{"effective_from": "2026-12", "rules": defaultRulesJSON(e.t)}
		},
		want: expect(forbidden, forbidden, forbidden, created)})
}

// Permission cases of the periods and self-service routes (issue 4).
func init() {
	ok, forbidden := http.StatusOK, http.StatusForbidden
	add := func(key string, pc permCase) { permissionCases[key] = pc }
	add("GET /api/v1/periods", permCase{build: fixed("/api/v1/periods", nil), want: expect(forbidden, ok, ok, ok)})
	add("GET /api/v1/periods/:month", permCase{build: fixed("/api/v1/periods/2026-10", nil), want: expect(forbidden, ok, ok, ok)})
	add("GET /api/v1/periods/:month/scores", permCase{build: fixed("/api/v1/periods/2026-10/scores", nil), want: expect(forbidden, ok, ok, ok)})
	// Each caller closes a month of its own that has ended (the clock is in October 2026).
	add("POST /api/v1/periods/:month/close", permCase{
		build: func(e *testEnv, role string) (string, any) {
			month := map[string]string{"staffA": "2026-05", "supA": "2026-06", "hr": "2026-07", "admin": "2026-08", "": "2026-04"}[role]
			return "/api/v1/periods/" + month + "/close", nil
		},
		want: expect(forbidden, forbidden, ok, ok)})
	add("GET /api/v1/me/scores", permCase{build: fixed("/api/v1/me/scores", nil), want: expect(ok, ok, ok, ok)})
	add("GET /api/v1/me/conduct", permCase{build: fixed("/api/v1/me/conduct", nil), want: expect(ok, ok, ok, ok)})
}
