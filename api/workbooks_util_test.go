package api

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http/httptest"
	"testing"

	"github.com/xuri/excelize/v2"

	"firstask/models"
	"firstask/scoring"
)

// multipartBody wraps data as the "file" field of a multipart form.
func multipartBody(t testing.TB, filename string, data []byte) ([]byte, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, err := mw.CreateFormFile("file", filename)
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(data)
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), mw.FormDataContentType()
}

// uploadAs posts data as a multipart workbook upload with the token.
func (e *testEnv) uploadWith(token, path, filename string, data []byte) *response {
	e.t.Helper()
	body, ct := multipartBody(e.t, filename, data)
	req := httptest.NewRequest("POST", path, bytes.NewReader(body))
	req.Header.Set("Content-Type", ct)
	return e.send(req, token, body)
}

// upload posts data as a multipart workbook upload by a fixture user.
func (e *testEnv) upload(user, path, filename string, data []byte) *response {
	e.t.Helper()
	return e.uploadWith(e.tokens[user], path, filename, data)
}

// sendUpload is a permission-matrix sender: body is the workbook's bytes.
func sendUpload(e *testEnv, token, method, path string, body any) *response {
	return e.uploadWith(token, path, "matrix.xlsx", body.([]byte))
}

// xlsxOf builds a workbook as a person would: rows of cells from A1 on the
// first sheet (nil leaves a cell empty).
func xlsxOf(t testing.TB, rows ...[]any) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, r := range rows {
		ref, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", ref, &r); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// openBook opens produced bytes with excelize.
func openBook(t testing.TB, b []byte) *excelize.File {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("open the workbook: %v", err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// hrActor is the fixture HR account as a store actor.
func (e *testEnv) hrActor() models.Actor {
	return models.Actor{StaffID: e.users["hr"].ID, Role: models.RoleHR, DepartmentID: e.users["hr"].DepartmentID, RequestID: "t"}
}

// uploadsOf returns the month's upload history.
func (e *testEnv) uploadsOf(month string) []models.ResultUploadView {
	e.t.Helper()
	m, _ := scoring.ParseMonth(month)
	ups, _, err := e.store.ListResultUploads(context.Background(), e.hrActor(), m, models.Page{Number: 1, Size: 200})
	if err != nil {
		e.t.Fatal(err)
	}
	return ups
}

// closeMonth marks a month closed directly in the database (the periods
// API belongs to the scoring feature).
func (e *testEnv) closeMonth(month string) {
	e.t.Helper()
	db, err := e.store.SQLDB()
	if err != nil {
		e.t.Fatal(err)
	}
	now := e.store.Now()
	if _, err := db.Exec("INSERT INTO periods (month, state, opened_at, closed_at) VALUES (?, 'closed', ?, ?)", month, now, now); err != nil {
		e.t.Fatal(err)
	}
}

// storeActor is a fixture user as a store actor.
func (e *testEnv) storeActor(user string) models.Actor {
	u := e.users[user]
	return models.Actor{StaffID: u.ID, Role: u.Role, DepartmentID: u.DepartmentID, RequestID: "t"}
}
