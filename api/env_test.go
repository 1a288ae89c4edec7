package api

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"firstask/models"
	"firstask/models/storetest"
)

// testEnv is a real store and router with a small organisation:
//
//	HQ ─┬─ A ── A1
//	    └─ B
//
// and one signed-in account per role (staff and supervisor in A).
type testEnv struct {
	t      testing.TB
	store  *models.Store
	srv    *Server
	clock  *storetest.Clock
	depts  map[string]models.Department
	users  map[string]models.Staff // admin, hr, supA, staffA, staffA1, supB, staffB
	tokens map[string]string
}

// testStart is a Thursday 10:00 in Shanghai: inside working hours.
var testStart = time.Date(2026, 10, 15, 2, 0, 0, 0, time.UTC)

const testPassword = "password-123"

// requestHooks run on every request/response pair that goes through
// testEnv.do (the OpenAPI contract check registers itself here).
var requestHooks []func(t testing.TB, req *http.Request, body []byte, rec *httptest.ResponseRecorder)

func newTestEnv(t testing.TB) *testEnv {
	t.Helper()
	clock := storetest.NewClock(testStart)
	store := storetest.Open(t, models.Options{Now: clock.Now})
	srv, err := New(store, Options{TokenTTL: time.Hour, Now: clock.Now, MaxBodyBytes: 64 << 10, MaxUploadBytes: 2 << 20})
	if err != nil {
		t.Fatal(err)
	}
	e := &testEnv{t: t, store: store, srv: srv, clock: clock, depts: map[string]models.Department{},
		users: map[string]models.Staff{}, tokens: map[string]string{}}
	ctx := context.Background()
	sys := models.System("test")
	mkDept := func(code string, parent string) {
		in := models.DepartmentInput{Code: &code, Name: ptr("部门" + code)}
		if parent != "" {
			in.ParentID = ptr(e.depts[parent].ID)
		}
		d, err := store.CreateDepartment(ctx, sys, in)
		if err != nil {
			t.Fatal(err)
		}
		e.depts[code] = d
	}
	mkDept("HQ", "")
	mkDept("A", "HQ")
	mkDept("A1", "A")
	mkDept("B", "HQ")
	for _, u := range []struct {
		key, dept string
		role      models.Role
	}{
		{"admin", "HQ", models.RoleAdmin}, {"hr", "HQ", models.RoleHR},
		{"supA", "A", models.RoleSupervisor}, {"staffA", "A", models.RoleStaff},
		{"staffA1", "A1", models.RoleStaff}, {"supB", "B", models.RoleSupervisor},
		{"staffB", "B", models.RoleStaff},
	} {
		e.users[u.key] = e.addStaff(u.key, u.dept, u.role)
		e.tokens[u.key] = e.login(u.key)
	}
	return e
}

func ptr[T any](v T) *T { return &v }

// addStaff creates an active staff member with testPassword.
func (e *testEnv) addStaff(employeeNo, dept string, role models.Role) models.Staff {
	e.t.Helper()
	st, err := e.store.CreateStaff(context.Background(), models.System("test"), models.StaffInput{
		EmployeeNo: ptr(employeeNo), Name: ptr("姓名" + employeeNo), DepartmentID: ptr(e.depts[dept].ID),
		Role: ptr(role), Password: ptr(testPassword),
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return st.Staff
}

// login signs the account in and returns its token.
func (e *testEnv) login(employeeNo string) string {
	e.t.Helper()
	r := e.do("POST", "/api/v1/auth/login", "", map[string]string{"employee_no": employeeNo, "password": testPassword})
	r.want(http.StatusOK)
	var out struct{ Token string }
	r.decode(&out)
	return out.Token
}

// response is a recorded answer.
type response struct {
	t      testing.TB
	req    string
	Status int
	Body   []byte
	Header http.Header
}

// do sends a request through the real router. body may be nil, a []byte
// (sent as is), a string (sent as is) or a value marshalled as JSON.
func (e *testEnv) do(method, path, token string, body any) *response {
	e.t.Helper()
	var raw []byte
	switch b := body.(type) {
	case nil:
	case []byte:
		raw = b
	case string:
		raw = []byte(b)
	default:
		var err error
		if raw, err = json.Marshal(b); err != nil {
			e.t.Fatal(err)
		}
	}
	req := httptest.NewRequest(method, path, bytes.NewReader(raw))
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return e.send(req, token, raw)
}

// send performs a prepared request (for uploads and custom headers).
func (e *testEnv) send(req *http.Request, token string, raw []byte) *response {
	e.t.Helper()
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if raw == nil && req.Body != nil && req.Body != http.NoBody {
		// Keep a copy of a prepared body (an upload) for the hooks; the
		// request keeps its declared length, so limits behave the same.
		raw = readAll(e.t, req.Body)
		req.Body = io.NopCloser(bytes.NewReader(raw))
	}
	rec := httptest.NewRecorder()
	e.srv.Handler().ServeHTTP(rec, req)
	for _, h := range requestHooks {
		h(e.t, req, raw, rec)
	}
	return &response{t: e.t, req: req.Method + " " + req.URL.String(), Status: rec.Code, Body: rec.Body.Bytes(), Header: rec.Header()}
}

// as sends a JSON request as one of the fixture users.
func (e *testEnv) as(user, method, path string, body any) *response {
	e.t.Helper()
	return e.do(method, path, e.tokens[user], body)
}

func (r *response) want(status int) *response {
	r.t.Helper()
	if r.Status != status {
		r.t.Fatalf("%s: status %d, want %d; body: %s", r.req, r.Status, status, truncate(r.Body))
	}
	return r
}

func (r *response) decode(v any) {
	r.t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		r.t.Fatalf("%s: decode %T: %v; body: %s", r.req, v, err, truncate(r.Body))
	}
}

// errorCode returns the code of an error envelope.
func (r *response) errorCode() string {
	r.t.Helper()
	var b ErrorBody
	r.decode(&b)
	return b.Error.Code
}

// wantError checks the status and the envelope's code.
func (r *response) wantError(status int, code string) ErrorDetail {
	r.t.Helper()
	r.want(status)
	var b ErrorBody
	r.decode(&b)
	if b.Error.Code != code {
		r.t.Fatalf("%s: error code %q, want %q; body: %s", r.req, b.Error.Code, code, truncate(r.Body))
	}
	return b.Error
}

func truncate(b []byte) string {
	if len(b) > 2000 {
		return string(b[:2000]) + "…"
	}
	return string(b)
}

// auditCount counts audit entries for an entity.
func (e *testEnv) auditCount(entity string, id int64) int64 {
	e.t.Helper()
	_, total, err := e.store.ListAudit(context.Background(), models.System("t"), models.AuditFilter{Entity: entity, EntityID: id, Page: models.Page{Number: 1, Size: 1}})
	if err != nil {
		e.t.Fatal(err)
	}
	return total
}

// id formats an id for a path.
func id(v int64) string { return fmt.Sprint(v) }

// readAll drains a reader in tests.
func readAll(t testing.TB, r io.Reader) []byte {
	t.Helper()
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
