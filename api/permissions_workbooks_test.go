package api

import "net/http"

// Workbook routes; the uploads send real multipart workbooks.
func init() {
	ok, forbidden := http.StatusOK, http.StatusForbidden
	add := func(key string, pc permCase) { permissionCases[key] = pc }

	add("GET /api/v1/periods/:month/results-template.xlsx", permCase{
		build: fixed("/api/v1/periods/2026-10/results-template.xlsx", nil),
		want:  expect(forbidden, ok, ok, ok)})
	add("POST /api/v1/periods/:month/results", permCase{
		build: func(e *testEnv, role string) (string, any) {
			return "/api/v1/periods/2026-10/results", xlsxOf(e.t, []any{"工号", "姓名", "基础绩效分"}, []any{"staffA", "姓名staffA", 90})
		},
		send: sendUpload,
		want: expect(forbidden, forbidden, ok, ok)})
	add("GET /api/v1/periods/:month/results/uploads", permCase{
		build: fixed("/api/v1/periods/2026-10/results/uploads", nil),
		want:  expect(forbidden, forbidden, ok, ok)})
	add("GET /api/v1/staff/import-template.xlsx", permCase{
		build: fixed("/api/v1/staff/import-template.xlsx", nil),
		want:  expect(forbidden, forbidden, ok, ok)})
	add("GET /api/v1/periods/:month/appraisal.xlsx", permCase{
		build: fixed("/api/v1/periods/2026-10/appraisal.xlsx", nil),
		want:  expect(forbidden, ok, ok, ok)})
	// staffA1 is in supA's subtree (A1 under A).
	add("GET /api/v1/staff/:id/appraisal/:month.xlsx", permCase{
		build: func(e *testEnv, role string) (string, any) {
			return "/api/v1/staff/" + id(e.users["staffA1"].ID) + "/appraisal/2026-10.xlsx", nil
		},
		want: expect(forbidden, ok, ok, ok)})
	add("GET /api/v1/me/appraisal/:month.xlsx", permCase{
		build: fixed("/api/v1/me/appraisal/2026-10.xlsx", nil),
		want:  expect(ok, ok, ok, ok)})
	add("POST /api/v1/staff/import", permCase{
		build: func(e *testEnv, role string) (string, any) {
			return "/api/v1/staff/import", xlsxOf(e.t, []any{"工号", "姓名", "部门编码"}, []any{"imp-" + role, "导入", "A"})
		},
		send: sendUpload,
		want: expect(forbidden, forbidden, ok, ok)})
	// The import job routes: hr and admin see their own job (started in
	// build); the others are refused by role before any lookup.
	jobOf := func(e *testEnv, role, prefix string) string {
		user := role
		if role != "hr" && role != "admin" {
			user = "hr"
		}
		return e.importJob(user, xlsxOf(e.t, []any{"工号", "姓名", "部门编码"}, []any{prefix + role, "导入", "A"}))
	}
	add("GET /api/v1/staff/import/jobs/:id", permCase{
		build: func(e *testEnv, role string) (string, any) {
			return "/api/v1/staff/import/jobs/" + jobOf(e, role, "job-"), nil
		},
		want: expect(forbidden, forbidden, ok, ok)})
	add("GET /api/v1/staff/import/jobs/:id/passwords.xlsx", permCase{
		build: func(e *testEnv, role string) (string, any) {
			return "/api/v1/staff/import/jobs/" + jobOf(e, role, "pw-") + "/passwords.xlsx", nil
		},
		want: expect(forbidden, forbidden, ok, ok)})
}
