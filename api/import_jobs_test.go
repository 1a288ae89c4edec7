package api

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"firstask/models"
)

// importJob starts a staff import as a job (async=true) as user, waits
// for it to finish and returns its id.
func (e *testEnv) importJob(user string, data []byte) string {
	e.t.Helper()
	var job ImportJob
	r := e.upload(user, "/api/v1/staff/import?async=true", "staff.xlsx", data).want(http.StatusAccepted)
	r.decode(&job)
	if job.ID == "" || job.State == "" {
		e.t.Fatalf("job %+v", job)
	}
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		e.as(user, "GET", "/api/v1/staff/import/jobs/"+job.ID, nil).want(http.StatusOK).decode(&job)
		if job.State != "running" {
			return job.ID
		}
	}
	e.t.Fatalf("job %s still running", job.ID)
	return ""
}

// TestStaffImportJob: a job answers 202, shows its progress and result,
// hands the generated passwords over once as a sheet, and is seen by the
// person who started it only.
func TestStaffImportJob(t *testing.T) {
	e := newTestEnv(t)
	file := xlsxOf(t, []any{"工号", "姓名", "部门编码", "初始密码"},
		[]any{"J-1", "甲", "A", nil}, []any{"J-2", "乙", "A", nil}, []any{"J-3", "丙", "A", "chosen-pass-1"})
	id := e.importJob("hr", file)
	var job ImportJob
	e.as("hr", "GET", "/api/v1/staff/import/jobs/"+id, nil).want(http.StatusOK).decode(&job)
	if job.State != "done" || job.Result == nil || job.Result.Created != 3 || len(job.Result.InitialPasswords) != 0 ||
		job.Hashed != 3 || job.ToHash != 3 || job.PasswordsURL == nil {
		t.Fatalf("job %+v", job)
	}
	e.as("admin", "GET", "/api/v1/staff/import/jobs/"+id, nil).wantError(http.StatusNotFound, "not_found")
	e.as("admin", "GET", *job.PasswordsURL, nil).wantError(http.StatusNotFound, "not_found")

	body := e.as("hr", "GET", *job.PasswordsURL, nil).want(http.StatusOK).Body
	f := openBook(t, body)
	rows, err := f.GetRows(f.GetSheetList()[0])
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 || rows[0][0] != "工号" || rows[1][0] != "J-1" || rows[2][0] != "J-2" {
		t.Fatalf("passwords sheet %q", rows)
	}
	for _, r := range rows[1:] {
		if len(r) < 3 || len(r[2]) != 16 || strings.ContainsRune("=+-@", rune(r[2][0])) {
			t.Fatalf("password row %q", r)
		}
		// The password signs in.
		e.do("POST", "/api/v1/auth/login", "", map[string]any{"employee_no": r[0], "password": r[2]}).want(http.StatusOK)
	}
	// Once only.
	e.as("hr", "GET", *job.PasswordsURL, nil).wantError(http.StatusNotFound, "not_found")
	e.as("hr", "GET", "/api/v1/staff/import/jobs/"+id, nil).want(http.StatusOK).decode(&job)
	if job.PasswordsURL != nil {
		t.Fatalf("passwords still offered: %+v", job)
	}

	// A bad file is still refused in the answer, before any job.
	e.upload("hr", "/api/v1/staff/import?async=true", "bad.xlsx",
		xlsxOf(t, []any{"工号", "姓名", "部门编码"}, []any{"J-9", "丁", "NOPE"})).wantError(http.StatusUnprocessableEntity, "invalid")
	e.as("hr", "GET", "/api/v1/staff/import/jobs/nope", nil).wantError(http.StatusNotFound, "not_found")
}

// TestStaffImportJobOnAnyInstance: behind a load balancer without sticky
// sessions the status and the passwords of a job started on one instance
// are answered by another (the job lives in the database); the passwords
// open only with the sign-in that started the import, and a failed try
// with another sign-in leaves them for it; a job whose instance stopped
// reporting is shown failed.
func TestStaffImportJobOnAnyInstance(t *testing.T) {
	e := newTestEnv(t)
	file := xlsxOf(t, []any{"工号", "姓名", "部门编码"}, []any{"K-1", "甲", "A"}, []any{"K-2", "乙", "A"})
	id := e.importJob("hr", file) // on the first instance
	other, err := New(e.store, Options{TokenTTL: time.Hour, Now: e.clock.Now, MaxBodyBytes: 64 << 10, MaxUploadBytes: 2 << 20})
	if err != nil {
		t.Fatal(err)
	}
	e.srv = other // every request from here on reaches the second instance
	var job ImportJob
	e.as("hr", "GET", "/api/v1/staff/import/jobs/"+id, nil).want(http.StatusOK).decode(&job)
	if job.State != "done" || job.Result == nil || job.Result.Created != 2 || job.PasswordsURL == nil {
		t.Fatalf("job seen on the other instance: %+v", job)
	}
	// The same person signed in a second time: the passwords stay sealed.
	second := e.login("hr")
	e.do("GET", *job.PasswordsURL, second, nil).wantError(http.StatusNotFound, "not_found")
	body := e.as("hr", "GET", *job.PasswordsURL, nil).want(http.StatusOK).Body
	rows, err := openBook(t, body).GetRows("初始密码")
	if err != nil || len(rows) != 3 || rows[1][0] != "K-1" || len(rows[1]) < 3 || len(rows[1][2]) != 16 {
		t.Fatalf("passwords sheet %q (%v)", rows, err)
	}
	e.do("POST", "/api/v1/auth/login", "", map[string]any{"employee_no": "K-2", "password": rows[2][2]}).want(http.StatusOK)
	e.as("hr", "GET", *job.PasswordsURL, nil).wantError(http.StatusNotFound, "not_found")
	if n := e.auditCount("import_job", 0); n < 3 {
		t.Errorf("%d audit entries for import jobs, want the start, the end and the download", n)
	}

	// A job left running by an instance that stopped.
	stale := models.ImportJobRecord{ID: "0123456789abcdef0123456789abcdef", OwnerID: e.users["hr"].ID, Lang: "zh", State: "running", RowsTotal: 5}
	if _, err := e.store.CreateImportJob(context.Background(), models.System("t"), stale); err != nil {
		t.Fatal(err)
	}
	e.as("hr", "GET", "/api/v1/staff/import/jobs/"+stale.ID, nil).want(http.StatusOK).decode(&job)
	if job.State != "running" {
		t.Fatalf("a fresh running job shows %q", job.State)
	}
	e.clock.Advance(importJobStale + time.Minute)
	e.as("hr", "GET", "/api/v1/staff/import/jobs/"+stale.ID, nil).want(http.StatusOK).decode(&job)
	if job.State != "failed" || job.Error == nil || !strings.Contains(job.Error.Message, "stopped") {
		t.Fatalf("a job silent for %v shows %+v", importJobStale+time.Minute, job)
	}
}
