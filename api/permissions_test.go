package api

import (
	"context"
	"net/http"
	"sort"
	"testing"
	"time"

	"firstask/models"
)

// permCase says, for one route, how to make a concrete request and what
// each role must get. build runs once per role on the same environment, so
// it must create whatever a state-changing call consumes.
type permCase struct {
	build func(e *testEnv, role string) (path string, body any)
	want  map[string]int // role key (staffA, supA, hr, admin) → status
	// after, when set, runs after each role's call (to restore a token
	// the call revoked, for instance).
	after func(e *testEnv, role string)
	// send, when set, sends the request instead of e.do (for multipart
	// uploads); token is "" for the anonymous call.
	send func(e *testEnv, token, method, path string, body any) *response
}

// do sends the case's request with the token.
func (pc permCase) do(e *testEnv, token, method, path string, body any) *response {
	if pc.send != nil {
		return pc.send(e, token, method, path, body)
	}
	return e.do(method, path, token, body)
}

// relogin gives the role a fresh token after a call that revoked its own.
func relogin(e *testEnv, role string) { e.tokens[role] = e.login(role) }

// permissionCases holds one case per "METHOD /path/:template". Feature test
// files add theirs in init functions.
var permissionCases = map[string]permCase{}

// matrixRoles are the callers of the matrix, least powerful first so that a
// refused caller never spoils the resource a later one needs.
var matrixRoles = []string{"staffA", "supA", "hr", "admin"}

func expect(staff, supervisor, hr, admin int) map[string]int {
	return map[string]int{"staffA": staff, "supA": supervisor, "hr": hr, "admin": admin}
}

func fixed(path string, body any) func(*testEnv, string) (string, any) {
	return func(*testEnv, string) (string, any) { return path, body }
}

// TestPermissionMatrix walks every route registered on the router: each
// must have a case here, refuse anonymous callers (unless public), and give
// each role the expected status. A route added without a case fails.
func TestPermissionMatrix(t *testing.T) {
	e := newTestEnv(t)
	routes := e.srv.Routes()
	sort.Slice(routes, func(i, j int) bool { return routes[i].Path+routes[i].Method < routes[j].Path+routes[j].Method })
	seen := map[string]bool{}
	for _, r := range routes {
		key := r.Method + " " + r.Path
		seen[key] = true
		t.Run(key, func(t *testing.T) {
			pc, ok := permissionCases[key]
			if !ok {
				t.Fatalf("route %s has no permission case: add one to the matrix", key)
			}
			if len(r.Roles) == 0 && !r.Public {
				t.Fatalf("route %s was registered without an access rule", key)
			}
			e.t = t
			if !r.Public {
				path, body := pc.build(e, "")
				res := pc.do(e, "", r.Method, path, body)
				if res.Status != http.StatusUnauthorized {
					t.Errorf("anonymous %s %s: status %d, want 401", r.Method, path, res.Status)
				}
			}
			for _, role := range matrixRoles {
				want, ok := pc.want[role]
				if !ok {
					t.Fatalf("no expectation for role %s", role)
				}
				path, body := pc.build(e, role)
				res := pc.do(e, e.tokens[role], r.Method, path, body)
				if res.Status != want {
					t.Errorf("%s %s as %s: status %d, want %d; body %s", r.Method, path, role, res.Status, want, truncate(res.Body))
				}
				if pc.after != nil {
					pc.after(e, role)
				}
			}
		})
	}
	for key := range permissionCases {
		if !seen[key] {
			t.Errorf("permission case %s matches no registered route", key)
		}
	}
}

func init() {
	ok, created, noContent := http.StatusOK, http.StatusCreated, http.StatusNoContent
	forbidden, notFound := http.StatusForbidden, http.StatusNotFound
	add := func(key string, pc permCase) { permissionCases[key] = pc }

	add("GET /healthz", permCase{build: fixed("/healthz", nil), want: expect(ok, ok, ok, ok)})
	add("GET /readyz", permCase{build: fixed("/readyz", nil), want: expect(ok, ok, ok, ok)})
	add("POST /api/v1/auth/login", permCase{
		build: func(e *testEnv, role string) (string, any) {
			return "/api/v1/auth/login", map[string]string{"employee_no": "staffB", "password": testPassword}
		},
		want: expect(ok, ok, ok, ok)})
	add("POST /api/v1/auth/logout", permCase{
		build: fixed("/api/v1/auth/logout", nil),
		after: relogin,
		want:  expect(noContent, noContent, noContent, noContent)})
	add("GET /api/v1/me", permCase{build: fixed("/api/v1/me", nil), want: expect(ok, ok, ok, ok)})
	add("POST /api/v1/me/password", permCase{
		build: fixed("/api/v1/me/password", map[string]string{"current_password": testPassword, "new_password": testPassword}),
		after: relogin,
		want:  expect(noContent, noContent, noContent, noContent)})
	add("GET /api/v1/departments", permCase{build: fixed("/api/v1/departments", nil), want: expect(ok, ok, ok, ok)})
	add("GET /api/v1/referral-targets", permCase{build: func(e *testEnv, role string) (string, any) {
		return "/api/v1/referral-targets?department_id=" + id(e.depts["B"].ID), nil
	}, want: expect(ok, ok, ok, ok)})
	add("POST /api/v1/departments", permCase{
		build: func(e *testEnv, role string) (string, any) {
			return "/api/v1/departments", map[string]any{"code": "N-" + role, "name": "新部门"}
		},
		want: expect(forbidden, forbidden, created, created)})
	add("PATCH /api/v1/departments/:id", permCase{
		build: func(e *testEnv, role string) (string, any) {
			return "/api/v1/departments/" + id(e.depts["B"].ID), map[string]any{"name": "B " + role}
		},
		want: expect(forbidden, forbidden, ok, ok)})
	add("GET /api/v1/staff", permCase{build: fixed("/api/v1/staff", nil), want: expect(forbidden, ok, ok, ok)})
	add("POST /api/v1/staff", permCase{
		build: func(e *testEnv, role string) (string, any) {
			return "/api/v1/staff", map[string]any{"employee_no": "new-" + role, "name": "新人", "department_id": e.depts["A"].ID}
		},
		want: expect(forbidden, forbidden, created, created)})
	// supA reading staffB (department B) is out of scope: 404.
	add("GET /api/v1/staff/:id", permCase{
		build: func(e *testEnv, role string) (string, any) { return "/api/v1/staff/" + id(e.users["staffB"].ID), nil },
		want:  expect(forbidden, notFound, ok, ok)})
	add("PATCH /api/v1/staff/:id", permCase{
		build: func(e *testEnv, role string) (string, any) {
			return "/api/v1/staff/" + id(e.users["staffA1"].ID), map[string]any{"phone": "010-1234567"}
		},
		want: expect(forbidden, forbidden, ok, ok)})
	add("GET /api/v1/staff/:id/absences", permCase{
		build: func(e *testEnv, role string) (string, any) {
			return "/api/v1/staff/" + id(e.users["staffA1"].ID) + "/absences", nil
		},
		want: expect(forbidden, ok, ok, ok)})
	add("POST /api/v1/staff/:id/absences", permCase{
		build: func(e *testEnv, role string) (string, any) {
			return "/api/v1/staff/" + id(e.users["staffA1"].ID) + "/absences",
				map[string]any{"from": "2026-10-16T01:00:00Z", "to": "2026-10-17T10:00:00Z", "reason": "annual leave"}
		},
		want: expect(forbidden, forbidden, created, created)})
	// Each role's call gets its own absence, so one role's delete does not
	// turn the next role's into a 404.
	absencePath := func(e *testEnv, role string) (string, any) {
		from, to := time.Date(2026, 10, 20, 1, 0, 0, 0, time.UTC), time.Date(2026, 10, 21, 1, 0, 0, 0, time.UTC)
		ab, err := e.store.CreateAbsence(context.Background(), models.System("t"), e.users["staffA1"].ID, models.AbsenceInput{From: &from, To: &to, Reason: role})
		if err != nil {
			e.t.Fatal(err)
		}
		return "/api/v1/staff/" + id(e.users["staffA1"].ID) + "/absences/" + id(ab.ID), nil
	}
	add("PATCH /api/v1/staff/:id/absences/:absence_id", permCase{
		build: func(e *testEnv, role string) (string, any) {
			p, _ := absencePath(e, role)
			return p, map[string]any{"to": "2026-10-22T01:00:00Z", "reason": "sick leave"}
		},
		want: expect(forbidden, forbidden, ok, ok)})
	add("DELETE /api/v1/staff/:id/absences/:absence_id", permCase{build: absencePath, want: expect(forbidden, forbidden, noContent, noContent)})
	add("GET /api/v1/audit", permCase{build: fixed("/api/v1/audit", nil), want: expect(forbidden, forbidden, ok, ok)})
	add("GET /api/v1/audit/verify", permCase{build: fixed("/api/v1/audit/verify", nil), want: expect(forbidden, forbidden, ok, ok)})
}
